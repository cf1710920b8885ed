package search

import (
	"strings"

	"github.com/shopspring/decimal"
)

// MinorString formats an amount in hundredths as an exact decimal with two
// places ("1234.50"), the form of every facet sum.
func MinorString(minor int64) string { return decimal.New(minor, -2).StringFixed(2) }

// Minor converts an exact amount to hundredths, rounding half away from zero
// past the second place; ok is false when it does not fit in an int64.
func Minor(amount decimal.Decimal) (v int64, ok bool) {
	m := amount.Shift(2).Round(0)
	if !m.IsInteger() || m.Abs().GreaterThan(decimal.New(1, 18)) {
		return 0, false
	}
	return m.IntPart(), true
}

// Divisions returns the distinct two-digit divisions of CPV codes, in order.
func Divisions(cpv []string) []string {
	var out []string
	for _, c := range cpv {
		if len(c) < 2 {
			continue
		}
		d := c[:2]
		dup := false
		for _, x := range out {
			dup = dup || x == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

// Region is the region key of a postal code: its first two digits, or "".
func Region(postalCode string) string {
	p := strings.TrimSpace(postalCode)
	if len(p) < 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
		return ""
	}
	return p[:2]
}
