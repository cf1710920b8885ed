package flags

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/prozorro-go/prozorro/tender"
)

// Stats are the dataset-level statistics: the fences of the outlier
// indicators and the organizations they flag, and the split purchases.
// ComputeStats builds them from the facts of the whole dataset; Evaluate
// reads them. JSON-serialisable; maps marshal in key order.
type Stats struct {
	// Processes counts the facts that were not excluded.
	Processes int `json:"processes"`
	// Currency is the main currency: Settings.Currency, or else the most
	// frequent first-bid currency (ties to the smaller code).
	Currency string `json:"currency,omitempty"`
	// Fences of the outlier indicators; nil when the indicator is disabled.
	R024 *Fence `json:"R024,omitempty"`
	R025 *Fence `json:"R025,omitempty"` // Upper: the percentile of valid bids per tenderer
	R048 *Fence `json:"R048,omitempty"`
	R058 *Fence `json:"R058,omitempty"`
	// R038 has one fence per group (Buyer, ProcuringEntity, Tenderer), for
	// groups with organizations above the minimum.
	R038 map[string]*Fence `json:"R038,omitempty"`
	// The flagged organizations: id → code → result.
	Buyer           map[string]map[string]Result `json:"buyer,omitempty"`
	ProcuringEntity map[string]map[string]Result `json:"procuringEntity,omitempty"`
	Tenderer        map[string]map[string]Result `json:"tenderer,omitempty"`
	// Splits are the groups of split purchases (PZ4) by key
	// "buyer|class|year|kind".
	Splits map[string]Split `json:"splits,omitempty"`
}

// Fence holds the quartiles and the fences of one outlier test. A value
// that could not be computed (no data, or a fixed threshold) is NaN, and
// null in JSON.
type Fence struct {
	Q1, Q3       float64
	Lower, Upper float64
	Fixed        bool // the tested fence comes from the settings
	N            int  // the number of values
}

// Result is one organization's value for an indicator and what it is made
// of.
type Result struct {
	Value       float64  `json:"value"`
	Numerator   int      `json:"numerator,omitempty"`   // R025 wins, R038 disqualified bids
	Denominator int      `json:"denominator,omitempty"` // R025 valid bids, R038 submitted bids, R048 and PZ3 processes
	Codes       []string `json:"codes,omitempty"`       // R048 first-level classifications
	Buyer       string   `json:"buyer,omitempty"`       // PZ3 the one buyer
	Splits      []string `json:"splits,omitempty"`      // PZ4 the keys of the buyer's split groups
}

// Split is a group of purchases of one subject by one buyer in one year
// that together reach the threshold (PZ4).
type Split struct {
	Buyer          string        `json:"buyer"`
	Classification string        `json:"classification"`
	Year           int           `json:"year"`
	Kind           string        `json:"kind"` // works or goods_services
	Currency       string        `json:"currency"`
	Total          tender.Amount `json:"total"`
	Threshold      tender.Amount `json:"threshold"`
	Processes      int           `json:"processes"`
}

type fraction struct{ num, den int }

// ComputeStats computes the dataset statistics of facts. It is one pass
// over the facts plus a sort per outlier indicator, and deterministic: the
// order of facts does not change the result.
func ComputeStats(facts []Facts, s Settings) *Stats {
	st := &Stats{}
	currencies := map[string]int{}
	for i := range facts {
		if f := &facts[i]; !excluded(f, s) {
			st.Processes++
			if f.Currency != "" {
				currencies[f.Currency]++
			}
		}
	}
	st.Currency = s.Currency
	if st.Currency == "" {
		best := 0
		for c, n := range currencies {
			if n > best || n == best && c < st.Currency {
				st.Currency, best = c, n
			}
		}
	}

	var diffs []float64
	r025 := map[string]fraction{}
	r038 := map[string]map[string]fraction{ScopeBuyer: {}, ScopeProcuringEntity: {}, ScopeTenderer: {}}
	type variety struct {
		processes int
		codes     map[string]bool
	}
	r048 := map[string]*variety{}
	type clientele struct {
		processes int
		buyer     string
		many      bool
	}
	pz3 := map[string]*clientele{}
	splits := map[string]*Split{}

	for i := range facts {
		f := &facts[i]
		if excluded(f, s) {
			continue
		}
		if (s.R024.Enabled || s.R058.Enabled) && priceComparison(f, s) {
			for _, u := range f.Units {
				if g, ok := gapIn(u, st.Currency); ok {
					diffs = append(diffs, g.Difference)
				}
			}
		}
		if s.R025.Enabled {
			for _, u := range f.Units {
				for _, id := range u.Valid {
					fr := r025[id]
					fr.den++
					if id == u.Winner {
						fr.num++
					}
					r025[id] = fr
				}
			}
		}
		if s.R038.Enabled && f.Submitted > 0 {
			add := func(scope, id string, num, den int) {
				if id != "" {
					fr := r038[scope][id]
					r038[scope][id] = fraction{fr.num + num, fr.den + den}
				}
			}
			add(ScopeBuyer, f.Buyer, f.Disqualified, f.Submitted)
			add(ScopeProcuringEntity, f.ProcuringEntity, f.Disqualified, f.Submitted)
			for _, b := range f.Bidders {
				add(ScopeTenderer, b.ID, b.Disqualified, b.Submitted)
			}
		}
		if s.R048.Enabled {
			for _, sup := range f.Supplied {
				v := r048[sup.ID]
				if v == nil {
					v = &variety{codes: map[string]bool{}}
					r048[sup.ID] = v
				}
				v.processes++
				for _, c := range sup.Codes {
					v.codes[prefix(c, s.R048.Digits)] = true
				}
			}
		}
		if s.PZ3.Enabled {
			for _, id := range f.Suppliers {
				c := pz3[id]
				if c == nil {
					c = &clientele{buyer: f.Buyer}
					pz3[id] = c
				}
				c.processes++
				c.many = c.many || c.buyer != f.Buyer || f.Buyer == ""
			}
		}
		if s.PZ4.Enabled {
			if key, g, ok := splitOf(f, s); ok {
				if sp := splits[key]; sp != nil {
					sp.Total = tender.AmountFromDecimal(sp.Total.Decimal().Add(g.Total.Decimal()))
					sp.Processes++
				} else {
					splits[key] = &g
				}
			}
		}
	}

	if s.R024.Enabled {
		st.R024 = lowFence(diffs, s.R024.Threshold)
	}
	if s.R058.Enabled {
		st.R058 = highFence(diffs, s.R058.Threshold)
	}
	if s.R025.Enabled {
		st.computeR025(r025, s)
	}
	if s.R038.Enabled {
		st.computeR038(r038, s)
	}
	if s.R048.Enabled {
		lengths := map[string]float64{}
		codes := map[string][]string{}
		for id, v := range r048 {
			if v.processes >= s.R048.MinimumContractingProcesses {
				lengths[id] = float64(len(v.codes))
				for c := range v.codes {
					codes[id] = append(codes[id], c)
				}
			}
		}
		var fixed *float64
		if s.R048.Threshold != nil {
			t := float64(*s.R048.Threshold)
			fixed = &t
		}
		st.R048 = highFence(values(lengths), fixed)
		for id, n := range lengths {
			// Cardinal applies no guard here: with Q1 = Q3 everyone at the fence is flagged.
			if n >= st.R048.Upper {
				slices.Sort(codes[id])
				st.flag(ScopeTenderer, id, "R048", Result{Value: n, Denominator: r048[id].processes, Codes: codes[id]})
			}
		}
	}
	if s.PZ3.Enabled {
		for id, c := range pz3 {
			if !c.many && c.processes >= s.PZ3.MinimumContractingProcesses {
				st.flag(ScopeTenderer, id, "PZ3", Result{Value: float64(c.processes), Denominator: c.processes, Buyer: c.buyer})
			}
		}
	}
	if s.PZ4.Enabled {
		for key, sp := range splits {
			if sp.Processes < 2 || sp.Total.Decimal().LessThan(sp.Threshold.Decimal()) {
				continue
			}
			if st.Splits == nil {
				st.Splits = map[string]Split{}
			}
			st.Splits[key] = *sp
			r := st.Buyer[sp.Buyer]["PZ4"]
			r.Splits = append(r.Splits, key)
			slices.Sort(r.Splits)
			r.Value = float64(len(r.Splits))
			st.flag(ScopeBuyer, sp.Buyer, "PZ4", r)
		}
	}
	return st
}

func (st *Stats) computeR025(r025 map[string]fraction, s Settings) {
	dens := make([]float64, 0, len(r025))
	ratios := make([]float64, 0, len(r025))
	for _, fr := range r025 {
		dens = append(dens, float64(fr.den))
		ratios = append(ratios, float64(fr.num)/float64(fr.den))
	}
	fence := lowFence(ratios, s.R025.Threshold)
	slices.Sort(dens)
	fence.Upper = quantile(dens, float64(s.R025.Percentile)/100)
	st.R025 = fence
	if !fence.lowTest() {
		return
	}
	for id, fr := range r025 {
		ratio := float64(fr.num) / float64(fr.den)
		if float64(fr.den) >= fence.Upper && ratio <= fence.Lower {
			st.flag(ScopeTenderer, id, "R025", Result{Value: ratio, Numerator: fr.num, Denominator: fr.den})
		}
	}
}

func (st *Stats) computeR038(r038 map[string]map[string]fraction, s Settings) {
	for _, scope := range []string{ScopeBuyer, ScopeProcuringEntity, ScopeTenderer} {
		minimum := s.R038.MinimumContractingProcesses
		if scope == ScopeTenderer {
			minimum = s.R038.MinimumSubmittedBids
		}
		ratios := map[string]float64{}
		for id, fr := range r038[scope] {
			if fr.den >= minimum {
				ratios[id] = float64(fr.num) / float64(fr.den)
			}
		}
		if len(ratios) == 0 {
			continue
		}
		fence := highFence(values(ratios), s.R038.Threshold)
		if st.R038 == nil {
			st.R038 = map[string]*Fence{}
		}
		st.R038[scope] = fence
		// A ratio is never negative: a fence of 0 would flag everyone.
		if !(fence.Upper > 0) {
			continue
		}
		for id, ratio := range ratios {
			if ratio >= fence.Upper {
				fr := r038[scope][id]
				st.flag(scope, id, "R038", Result{Value: ratio, Numerator: fr.num, Denominator: fr.den})
			}
		}
	}
}

// flag records an organization's result.
func (st *Stats) flag(scope, id, code string, r Result) {
	var m *map[string]map[string]Result
	switch scope {
	case ScopeBuyer:
		m = &st.Buyer
	case ScopeProcuringEntity:
		m = &st.ProcuringEntity
	default:
		m = &st.Tenderer
	}
	if *m == nil {
		*m = map[string]map[string]Result{}
	}
	if (*m)[id] == nil {
		(*m)[id] = map[string]Result{}
	}
	(*m)[id][code] = r
}

// results returns the results of an organization in scope.
func (st *Stats) results(scope, id string) map[string]Result {
	switch scope {
	case ScopeBuyer:
		return st.Buyer[id]
	case ScopeProcuringEntity:
		return st.ProcuringEntity[id]
	}
	return st.Tenderer[id]
}

// lowFence is Q1 − 1.5·IQR of vs, or the fixed threshold.
func lowFence(vs []float64, fixed *float64) *Fence {
	f := &Fence{Q1: math.NaN(), Q3: math.NaN(), Upper: math.NaN(), N: len(vs)}
	if fixed != nil {
		f.Lower, f.Fixed = *fixed, true
		return f
	}
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	f.Q1, f.Q3 = quantile(sorted, 0.25), quantile(sorted, 0.75)
	f.Lower = math.FMA(f.Q3-f.Q1, -1.5, f.Q1)
	return f
}

// highFence is Q3 + 1.5·IQR of vs, or the fixed threshold.
func highFence(vs []float64, fixed *float64) *Fence {
	f := &Fence{Q1: math.NaN(), Q3: math.NaN(), Lower: math.NaN(), N: len(vs)}
	if fixed != nil {
		f.Upper, f.Fixed = *fixed, true
		return f
	}
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	f.Q1, f.Q3 = quantile(sorted, 0.25), quantile(sorted, 0.75)
	f.Upper = math.FMA(f.Q3-f.Q1, 1.5, f.Q3)
	return f
}

// lowTest reports whether a low-outlier test may run. Ratios are never
// negative: when Q1 is 0 (75% of values at 0 or below the fence) or the
// fence is not positive, Cardinal skips the indicator rather than flag a
// large share of the dataset. A fixed threshold only needs to be positive.
func (f *Fence) lowTest() bool {
	if f == nil {
		return false
	}
	return (f.Fixed || f.Q1 > 0) && f.Lower > 0
}

// quantile is the R-8 (median-unbiased) sample quantile of sorted data,
// the estimator of Rust's statrs that Cardinal uses; NaN for no data.
func quantile(sorted []float64, tau float64) float64 {
	n := len(sorted)
	if n == 0 || tau < 0 || tau > 1 {
		return math.NaN()
	}
	h := (float64(n)+1.0/3)*tau + 1.0/3
	hf := int(h)
	if hf <= 0 || tau == 0 {
		return sorted[0]
	}
	if hf >= n || tau == 1 {
		return sorted[n-1]
	}
	a, b := sorted[hf-1], sorted[hf]
	return a + (h-float64(hf))*(b-a)
}

func values(m map[string]float64) []float64 {
	out := make([]float64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// excluded reports a process no indicator reads: excluded at extraction,
// or by the current exclusions setting.
func excluded(f *Facts, s Settings) bool {
	return f.Excluded != "" || f.MethodDetails != "" && slices.Contains(s.ExcludeProcurementMethodDetails, f.MethodDetails)
}

// priceComparison reports whether bid prices of the process may be
// compared: procurementMethodDetails is in the allow list if there is one,
// else not in the deny list (unset matches only a deny list).
func priceComparison(f *Facts, s Settings) bool {
	if len(s.PriceComparisonProcurementMethods) > 0 {
		return f.MethodDetails != "" && slices.Contains(s.PriceComparisonProcurementMethods, f.MethodDetails)
	}
	return f.MethodDetails == "" || !slices.Contains(s.NoPriceComparisonProcurementMethods, f.MethodDetails)
}

// gapIn returns the unit's gap in currency.
func gapIn(u Unit, currency string) (Gap, bool) {
	for _, g := range u.Gaps {
		if g.Currency == currency {
			return g, true
		}
	}
	return Gap{}, false
}

// splitOf returns the PZ4 group of a process that could be part of a split
// purchase: bought by a non-competitive or below-threshold method, in the
// thresholds' currency, under the threshold.
func splitOf(f *Facts, s Settings) (string, Split, bool) {
	p := f.Purchase
	if p == nil || f.Buyer == "" || p.Currency != s.PZ4.Currency {
		return "", Split{}, false
	}
	if !slices.Contains(s.PZ4.ProcurementMethods, f.Method) && !slices.Contains(s.PZ4.ProcurementMethodDetails, f.MethodDetails) {
		return "", Split{}, false
	}
	kind, threshold := "goods_services", s.PZ4.GoodsServicesThreshold
	if p.Category == "works" || p.Category == "" && strings.HasPrefix(p.Classification, "45") {
		kind, threshold = "works", s.PZ4.WorksThreshold
	}
	if !p.Amount.Decimal().LessThan(threshold) {
		return "", Split{}, false
	}
	class := prefix(p.Classification, s.PZ4.Digits)
	key := f.Buyer + "|" + class + "|" + strconv.Itoa(p.Year) + "|" + kind
	return key, Split{Buyer: f.Buyer, Classification: class, Year: p.Year, Kind: kind, Currency: p.Currency,
		Total: p.Amount, Threshold: tender.AmountFromDecimal(threshold), Processes: 1}, true
}

// fenceJSON is Fence with NaN as null.
type fenceJSON struct {
	Q1    *float64 `json:"q1"`
	Q3    *float64 `json:"q3"`
	Lower *float64 `json:"lower_fence"`
	Upper *float64 `json:"upper_fence"`
	Fixed bool     `json:"fixed,omitempty"`
	N     int      `json:"n"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MarshalJSON writes NaN values as null.
func (f Fence) MarshalJSON() ([]byte, error) {
	return json.Marshal(fenceJSON{finite(f.Q1), finite(f.Q3), finite(f.Lower), finite(f.Upper), f.Fixed, f.N})
}

// UnmarshalJSON reads null values as NaN.
func (f *Fence) UnmarshalJSON(b []byte) error {
	var j fenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Fence{orNaN(j.Q1), orNaN(j.Q3), orNaN(j.Lower), orNaN(j.Upper), j.Fixed, j.N}
	return nil
}
