package flags

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Results maps an identifier (ocid or organization id) to code → value.
type Results map[string]map[string]float64

// Report is the output of Cardinal's `indicators` command:
//
//	{"OCID": {ocid: {code: value}}, "Buyer": {...}, "ProcuringEntity": {...},
//	 "Tenderer": {...}, "Meta": {code: {"q1": …, "q3": …, "lower_fence": …}}}
//
// Empty groups are left out; Meta values are rounded to 4 decimals, NaN
// (no data) is null. Where a process has lots, its value for a code is
// the lowest of its lots for R024 and the highest otherwise.
type Report struct {
	OCID            Results
	Buyer           Results
	ProcuringEntity Results
	Tenderer        Results
	// Meta holds the quartiles and fences of the outlier indicators, as in
	// Cardinal (R038's keys are prefixed with the group: Buyer_q1...). Nil
	// leaves the key out (Cardinal's --no-meta).
	Meta map[string]map[string]float64
}

// Indicators computes the statistics of facts and returns the report of
// every flag they raise.
func Indicators(facts []Facts, s Settings) Report {
	return ReportOf(facts, ComputeStats(facts, s), s)
}

// ReportOf is Indicators with statistics already computed.
func ReportOf(facts []Facts, stats *Stats, s Settings) Report {
	r := Report{OCID: Results{}, Buyer: Results{}, ProcuringEntity: Results{}, Tenderer: Results{}, Meta: stats.meta(s)}
	for i := range facts {
		f := &facts[i]
		if excluded(f, s) {
			continue
		}
		e := evaluation{s: s}
		e.process(f, stats)
		for _, fl := range e.flags {
			r.group(fl.Scope).set(fl.Subject, fl.Code, fl.Value)
		}
	}
	for _, scope := range []string{ScopeBuyer, ScopeProcuringEntity, ScopeTenderer} {
		var m map[string]map[string]Result
		switch scope {
		case ScopeBuyer:
			m = stats.Buyer
		case ScopeProcuringEntity:
			m = stats.ProcuringEntity
		default:
			m = stats.Tenderer
		}
		for id, codes := range m {
			for code, res := range codes {
				if t := s.toggle(code); t != nil && t.Enabled {
					r.group(scope).set(id, code, res.Value)
				}
			}
		}
	}
	return r
}

func (r *Report) group(scope string) Results {
	switch scope {
	case ScopeOCID:
		return r.OCID
	case ScopeBuyer:
		return r.Buyer
	case ScopeProcuringEntity:
		return r.ProcuringEntity
	}
	return r.Tenderer
}

// set records a value, keeping the lowest for R024 and the highest
// otherwise when lots give several.
func (rs Results) set(id, code string, v float64) {
	m := rs[id]
	if m == nil {
		m = map[string]float64{}
		rs[id] = m
	}
	if old, ok := m[code]; ok && (code == "R024" && old <= v || code != "R024" && old >= v) {
		return
	}
	m[code] = v
}

// meta returns Cardinal's Meta object for the enabled outlier indicators.
func (st *Stats) meta(s Settings) map[string]map[string]float64 {
	m := map[string]map[string]float64{}
	for code, f := range map[string]*Fence{"R024": st.R024, "R025": st.R025, "R048": st.R048, "R058": st.R058} {
		if f != nil {
			m[code] = f.meta(code)
		}
	}
	for _, scope := range []string{ScopeBuyer, ScopeProcuringEntity, ScopeTenderer} {
		if f := st.R038[scope]; f != nil {
			if m["R038"] == nil {
				m["R038"] = map[string]float64{}
			}
			for k, v := range f.meta("R038") {
				m["R038"][scope+"_"+k] = v
			}
		}
	}
	return m
}

// MarshalJSON writes the report in Cardinal's shape: groups in the order
// OCID, Buyer, ProcuringEntity, Tenderer, Meta, empty groups left out,
// keys sorted.
func (r Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
	}
	for _, g := range []struct {
		name string
		rs   Results
	}{{ScopeOCID, r.OCID}, {ScopeBuyer, r.Buyer}, {ScopeProcuringEntity, r.ProcuringEntity}, {ScopeTenderer, r.Tenderer}} {
		if len(g.rs) == 0 {
			continue
		}
		key(g.name)
		data, err := json.Marshal(map[string]map[string]float64(g.rs))
		if err != nil {
			return nil, err
		}
		b.Write(data)
	}
	if r.Meta != nil {
		key("Meta")
		rounded := map[string]map[string]*float64{}
		for code, m := range r.Meta {
			rounded[code] = map[string]*float64{}
			for k, v := range m {
				rounded[code][k] = finite(math.Round(v*10_000) / 10_000)
			}
		}
		data, err := json.Marshal(rounded)
		if err != nil {
			return nil, err
		}
		b.Write(data)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a report in Cardinal's shape (null Meta values as
// NaN), so that Cardinal's expected outputs can be compared with ours.
func (r *Report) UnmarshalJSON(data []byte) error {
	var raw struct {
		OCID, Buyer, ProcuringEntity, Tenderer Results
		Meta                                   map[string]map[string]*float64
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*r = Report{OCID: raw.OCID, Buyer: raw.Buyer, ProcuringEntity: raw.ProcuringEntity, Tenderer: raw.Tenderer}
	if raw.Meta != nil {
		r.Meta = map[string]map[string]float64{}
		for code, m := range raw.Meta {
			r.Meta[code] = map[string]float64{}
			for k, v := range m {
				r.Meta[code][k] = orNaN(v)
			}
		}
	}
	return nil
}
