package portal

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// kyiv is where ProZorro's dates are read.
var kyiv = func() *time.Location {
	l, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		return time.FixedZone("EET", 2*3600)
	}
	return l
}()

var funcs = template.FuncMap{
	"t":        tr,
	"money":    money,
	"date":     date,
	"datetime": datetime,
	"withLang": withLang,
	"itoa":     itoa,
	"add":      func(a, b int) int { return a + b },
	"join":     strings.Join,
	"setQuery": setQuery,
	"pct":      func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
	"num":      func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"svg":      func(s string) template.HTML { return template.HTML(s) }, // only for SVG this package built and escaped
}

func itoa(n int) string { return strconv.Itoa(n) }

func fmtAny(v any) string { return fmt.Sprint(v) }

// money formats an exact decimal amount for reading: "1 234 567,89 UAH" in
// Ukrainian, "1,234,567.89 UAH" in English; never through a float.
func money(lang, amount, currency string) string {
	if amount == "" {
		return tr(lang, "none")
	}
	d, err := decimal.NewFromString(amount)
	if err != nil {
		return amount + " " + currency
	}
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	sep, point := ",", "."
	if lang == LangUK {
		sep, point = "\u00a0", ","
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String() + point + frac
	if neg {
		out = "-" + out
	}
	if currency != "" {
		out += "\u00a0" + currency
	}
	return out
}

// date formats a time as a Kyiv calendar date.
func date(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return "—"
	}
	return tt.In(kyiv).Format("2006-01-02")
}

// datetime formats a time in Kyiv time to the minute.
func datetime(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return "—"
	}
	return tt.In(kyiv).Format("2006-01-02 15:04")
}

func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil || t.IsZero() {
			return time.Time{}, false
		}
		return *t, true
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		return p, err == nil
	}
	return time.Time{}, false
}

// setQuery returns path with the query parameters of rawQuery, key set to
// value ("" deletes it); pagination cursors are dropped whenever another
// parameter changes.
func setQuery(path, rawQuery, key, value string) string {
	q, _ := url.ParseQuery(rawQuery)
	if key != "search_after" && key != "from" {
		q.Del("search_after")
		q.Del("from")
	}
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	if enc := q.Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}
