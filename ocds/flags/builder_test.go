package flags

import (
	"encoding/json"
	"testing"
)

// rel builds a compiled release for tests; empty fields are left out.
type rel struct {
	OCID, Buyer, PE          string
	Status, Method, Details  string
	Category, Date           string
	Start, End               string
	Tenderers                int // numberOfTenderers; 0 leaves it out
	Amount, Currency         string
	Items                    []string // classification ids
	Lots                     []lot
	Bids                     []bid
	Awards                   []award
	NoBidsArray, NoAwardsArr bool
}

type lot struct{ ID, Status, Amount, Currency string }

type bid struct {
	Status    string
	Tenderers []string
	Amount    string
	Currency  string
	Date      string
	Lot       string
}

type award struct {
	Status    string
	Suppliers []string
	Amount    string
	Currency  string
	Lot       string
	Items     []string
}

func value(amount, currency string) map[string]any {
	if amount == "" {
		return nil
	}
	if currency == "" {
		currency = "UAH"
	}
	return map[string]any{"amount": json.Number(amount), "currency": currency}
}

func refs(ids []string) []map[string]any {
	out := []map[string]any{}
	for _, id := range ids {
		out = append(out, map[string]any{"id": id})
	}
	return out
}

func itemsOf(ids []string) []map[string]any {
	var out []map[string]any
	for _, id := range ids {
		out = append(out, map[string]any{"classification": map[string]any{"scheme": "CPV", "id": id}})
	}
	return out
}

func put(m map[string]any, k string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case map[string]any:
		if x == nil {
			return
		}
	case []map[string]any:
		if x == nil {
			return
		}
	}
	m[k] = v
}

func (r rel) json(t testing.TB) []byte {
	t.Helper()
	tn := map[string]any{}
	put(tn, "status", r.Status)
	put(tn, "procurementMethod", r.Method)
	put(tn, "procurementMethodDetails", r.Details)
	put(tn, "mainProcurementCategory", r.Category)
	if r.Tenderers != 0 {
		tn["numberOfTenderers"] = r.Tenderers
	}
	if r.Start != "" || r.End != "" {
		p := map[string]any{}
		put(p, "startDate", r.Start)
		put(p, "endDate", r.End)
		tn["tenderPeriod"] = p
	}
	put(tn, "value", value(r.Amount, r.Currency))
	if r.PE != "" {
		tn["procuringEntity"] = map[string]any{"id": r.PE}
	}
	put(tn, "items", itemsOf(r.Items))
	var lots []map[string]any
	for _, l := range r.Lots {
		m := map[string]any{"id": l.ID}
		put(m, "status", l.Status)
		put(m, "value", value(l.Amount, l.Currency))
		lots = append(lots, m)
	}
	put(tn, "lots", lots)

	out := map[string]any{"ocid": r.OCID, "tender": tn}
	put(out, "date", r.Date)
	if r.Buyer != "" {
		out["buyer"] = map[string]any{"id": r.Buyer}
	}
	if len(r.Bids) > 0 || !r.NoBidsArray {
		var details []map[string]any
		for _, b := range r.Bids {
			m := map[string]any{"tenderers": refs(b.Tenderers)}
			put(m, "status", b.Status)
			put(m, "value", value(b.Amount, b.Currency))
			put(m, "date", b.Date)
			if b.Lot != "" {
				m["relatedLots"] = []string{b.Lot}
			}
			details = append(details, m)
		}
		if details == nil {
			details = []map[string]any{}
		}
		out["bids"] = map[string]any{"details": details}
	}
	if len(r.Awards) > 0 || !r.NoAwardsArr {
		awards := []map[string]any{}
		for _, a := range r.Awards {
			m := map[string]any{"suppliers": refs(a.Suppliers)}
			put(m, "status", a.Status)
			put(m, "value", value(a.Amount, a.Currency))
			put(m, "items", itemsOf(a.Items))
			if a.Lot != "" {
				m["relatedLots"] = []string{a.Lot}
			}
			awards = append(awards, m)
		}
		out["awards"] = awards
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// factsOf parses and extracts releases.
func factsOf(t testing.TB, s Settings, rs ...rel) []Facts {
	t.Helper()
	var out []Facts
	for _, r := range rs {
		p, err := ParseRelease(r.json(t))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Extract(p, s))
	}
	return out
}

// only returns the default settings with just the named indicators on.
func only(codes ...string) Settings {
	s := DefaultSettings()
	for _, t := range s.toggles() {
		t.Enabled = false
	}
	for _, c := range codes {
		s.toggle(c).Enabled = true
	}
	return s
}

// priced2 is a process with one active award to winner and two valid
// bids in currency.
func priced2(ocid, winner, win, loser, lose, currency string) rel {
	return rel{OCID: ocid, Method: "open",
		Bids: []bid{{Status: "valid", Tenderers: []string{winner}, Amount: win, Currency: currency},
			{Status: "valid", Tenderers: []string{loser}, Amount: lose, Currency: currency}},
		Awards: []award{{Status: "active", Suppliers: []string{winner}}}}
}

// codes lists "scope subject code" of flags, in order.
func codes(fl []Flag) []string {
	var out []string
	for _, f := range fl {
		s := f.Scope + " " + f.Subject + " " + f.Code
		if f.Lot != "" {
			s += " lot " + f.Lot
		}
		out = append(out, s)
	}
	return out
}
