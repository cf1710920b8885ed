package tender

import (
	"bytes"
	"fmt"

	"github.com/shopspring/decimal"
)

// Amount is an exact decimal sum of money. It travels as a JSON number whose
// digits are kept exactly (no float64 anywhere); a JSON string holding a number
// is accepted on input too.
type Amount struct{ d decimal.Decimal }

// NewAmount parses s ("1500.50") into an Amount.
func NewAmount(s string) (Amount, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Amount{}, err
	}
	return Amount{d}, nil
}

// MustAmount is NewAmount for constants in tests and examples; it panics on bad input.
func MustAmount(s string) Amount {
	a, err := NewAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// AmountFromDecimal wraps d.
func AmountFromDecimal(d decimal.Decimal) Amount { return Amount{d} }

// Decimal returns the underlying decimal.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// String returns the amount in plain decimal notation.
func (a Amount) String() string { return a.d.String() }

// Cmp compares a and b: -1, 0 or +1.
func (a Amount) Cmp(b Amount) int { return a.d.Cmp(b.d) }

// IsPositive reports a > 0.
func (a Amount) IsPositive() bool { return a.d.IsPositive() }

// Places returns the number of digits after the decimal point that matter.
func (a Amount) Places() int32 {
	s := a.d.String()
	if i := bytes.IndexByte([]byte(s), '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}

// MarshalJSON writes the amount as a JSON number with its exact digits.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.d.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) exactly.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		return fmt.Errorf("amount: a number is required")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount: %q is not a number", s)
	}
	if d.Exponent() < -12 || len(s) > 40 {
		return fmt.Errorf("amount: %q has too many digits", s)
	}
	a.d = d
	return nil
}

// Value is an amount with its currency and VAT flag, as ProZorro's `value`.
type Value struct {
	Amount                Amount `json:"amount"`
	Currency              string `json:"currency"`
	ValueAddedTaxIncluded *bool  `json:"valueAddedTaxIncluded,omitempty"`
}

// Money is an amount with a currency only (guarantee).
type Money struct {
	Amount   Amount `json:"amount"`
	Currency string `json:"currency"`
}
