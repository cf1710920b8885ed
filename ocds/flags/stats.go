package flags

import (
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// tally holds the sums of one shard of the facts.
type tally struct {
	processes  int
	currencies map[string]int
	diffs      map[string][]float64 // R024, R058: by currency
	buyers     map[string]*fraction // R038
	entities   map[string]*fraction // R038 procuring entities
	tenderers  map[string]*tendererTally
	splits     map[string]*Split // PZ4
}

// tendererTally is what the dataset indicators count of one tenderer or
// supplier.
type tendererTally struct {
	r025, r038 fraction
	supplied   int             // R048: processes with classified items
	codes      map[string]bool // R048: first-level codes
	awarded    int             // PZ3: processes with an active award
	buyer      string          // PZ3: the buyer of the first of them
	manyBuyers bool
}

func newTally() *tally {
	return &tally{currencies: map[string]int{}, diffs: map[string][]float64{}, buyers: map[string]*fraction{},
		entities: map[string]*fraction{}, tenderers: map[string]*tendererTally{}, splits: map[string]*Split{}}
}

func (t *tally) tenderer(id string) *tendererTally {
	tt := t.tenderers[id]
	if tt == nil {
		tt = &tendererTally{}
		t.tenderers[id] = tt
	}
	return tt
}

func addFraction(m map[string]*fraction, id string, num, den int) {
	if id == "" {
		return
	}
	fr := m[id]
	if fr == nil {
		fr = &fraction{}
		m[id] = fr
	}
	fr.num += num
	fr.den += den
}

// add counts one process.
func (t *tally) add(f *Facts, s *Settings) {
	t.processes++
	if f.Currency != "" {
		t.currencies[f.Currency]++
	}
	if (s.R024.Enabled || s.R058.Enabled) && priceComparison(f, *s) {
		for _, u := range f.Units {
			for _, g := range u.Gaps {
				t.diffs[g.Currency] = append(t.diffs[g.Currency], g.Difference)
			}
		}
	}
	if s.R025.Enabled {
		for _, u := range f.Units {
			for _, id := range u.Valid {
				tt := t.tenderer(id)
				tt.r025.den++
				if id == u.Winner {
					tt.r025.num++
				}
			}
		}
	}
	if s.R038.Enabled && f.Submitted > 0 {
		addFraction(t.buyers, f.Buyer, f.Disqualified, f.Submitted)
		addFraction(t.entities, f.ProcuringEntity, f.Disqualified, f.Submitted)
		for _, b := range f.Bidders {
			tt := t.tenderer(b.ID)
			tt.r038.num += b.Disqualified
			tt.r038.den += b.Submitted
		}
	}
	if s.R048.Enabled {
		for _, sup := range f.Supplied {
			tt := t.tenderer(sup.ID)
			tt.supplied++
			if tt.codes == nil {
				tt.codes = map[string]bool{}
			}
			for _, c := range sup.Codes {
				tt.codes[prefix(c, s.R048.Digits)] = true
			}
		}
	}
	if s.PZ3.Enabled {
		for _, id := range f.Suppliers {
			tt := t.tenderer(id)
			if tt.awarded == 0 {
				tt.buyer = f.Buyer
			}
			tt.manyBuyers = tt.manyBuyers || tt.buyer != f.Buyer || f.Buyer == ""
			tt.awarded++
		}
	}
	if s.PZ4.Enabled {
		if key, g, ok := splitOf(f, *s); ok {
			if sp := t.splits[key]; sp != nil {
				sp.Total = tender.AmountFromDecimal(sp.Total.Decimal().Add(g.Total.Decimal()))
				sp.Processes++
			} else {
				t.splits[key] = &g
			}
		}
	}
}

// merge adds the sums of o to t.
func (t *tally) merge(o *tally) {
	t.processes += o.processes
	for c, n := range o.currencies {
		t.currencies[c] += n
	}
	for c, d := range o.diffs {
		t.diffs[c] = append(t.diffs[c], d...)
	}
	for id, fr := range o.buyers {
		addFraction(t.buyers, id, fr.num, fr.den)
	}
	for id, fr := range o.entities {
		addFraction(t.entities, id, fr.num, fr.den)
	}
	for id, ot := range o.tenderers {
		tt := t.tenderers[id]
		if tt == nil {
			t.tenderers[id] = ot
			continue
		}
		tt.r025.num += ot.r025.num
		tt.r025.den += ot.r025.den
		tt.r038.num += ot.r038.num
		tt.r038.den += ot.r038.den
		tt.supplied += ot.supplied
		for c := range ot.codes {
			if tt.codes == nil {
				tt.codes = map[string]bool{}
			}
			tt.codes[c] = true
		}
		if ot.awarded > 0 {
			if tt.awarded == 0 {
				tt.buyer, tt.manyBuyers = ot.buyer, ot.manyBuyers
			} else {
				tt.manyBuyers = tt.manyBuyers || ot.manyBuyers || tt.buyer != ot.buyer
			}
			tt.awarded += ot.awarded
		}
	}
	for key, sp := range o.splits {
		if mine := t.splits[key]; mine != nil {
			mine.Total = tender.AmountFromDecimal(mine.Total.Decimal().Add(sp.Total.Decimal()))
			mine.Processes += sp.Processes
		} else {
			t.splits[key] = sp
		}
	}
}

// ComputeStats computes the dataset statistics of facts: the facts are
// summed in parallel shards (GOMAXPROCS), then one sort per outlier
// indicator. The result is deterministic: neither the order of facts nor
// the sharding changes it.
func ComputeStats(facts []Facts, s Settings) *Stats {
	shards := runtime.GOMAXPROCS(0)
	if len(facts) < 20_000 {
		shards = 1
	}
	return computeStats(facts, s, shards)
}

func computeStats(facts []Facts, s Settings, shards int) *Stats {
	tallies := make([]*tally, shards)
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() {
			t := newTally()
			for j := i * len(facts) / shards; j < (i+1)*len(facts)/shards; j++ {
				if f := &facts[j]; !excluded(f, s) {
					t.add(f, &s)
				}
			}
			tallies[i] = t
		})
	}
	wg.Wait()
	t := tallies[0]
	for _, o := range tallies[1:] {
		t.merge(o)
	}

	st := &Stats{Processes: t.processes, Currency: s.Currency}
	if st.Currency == "" {
		best := 0
		for c, n := range t.currencies {
			if n > best || n == best && c < st.Currency {
				st.Currency, best = c, n
			}
		}
	}
	if s.R024.Enabled {
		st.R024 = lowFence(t.diffs[st.Currency], s.R024.Threshold)
	}
	if s.R058.Enabled {
		st.R058 = highFence(t.diffs[st.Currency], s.R058.Threshold)
	}
	if s.R025.Enabled {
		st.computeR025(t, s)
	}
	if s.R038.Enabled {
		st.computeR038(t, s)
	}
	if s.R048.Enabled {
		st.computeR048(t, s)
	}
	if s.PZ3.Enabled {
		for id, tt := range t.tenderers {
			if tt.awarded > 0 && !tt.manyBuyers && tt.awarded >= s.PZ3.MinimumContractingProcesses {
				st.flag(ScopeTenderer, id, "PZ3", Result{Value: float64(tt.awarded), Denominator: tt.awarded, Buyer: tt.buyer})
			}
		}
	}
	if s.PZ4.Enabled {
		for key, sp := range t.splits {
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

func (st *Stats) computeR025(t *tally, s Settings) {
	var dens, ratios []float64
	for _, tt := range t.tenderers {
		if fr := tt.r025; fr.den > 0 {
			dens = append(dens, float64(fr.den))
			ratios = append(ratios, float64(fr.num)/float64(fr.den))
		}
	}
	fence := lowFence(ratios, s.R025.Threshold)
	slices.Sort(dens)
	fence.Upper = quantile(dens, float64(s.R025.Percentile)/100)
	st.R025 = fence
	if !fence.lowTest() {
		return
	}
	for id, tt := range t.tenderers {
		fr := tt.r025
		if fr.den == 0 {
			continue
		}
		ratio := float64(fr.num) / float64(fr.den)
		if float64(fr.den) >= fence.Upper && ratio <= fence.Lower {
			st.flag(ScopeTenderer, id, "R025", Result{Value: ratio, Numerator: fr.num, Denominator: fr.den})
		}
	}
}

func (st *Stats) computeR038(t *tally, s Settings) {
	tenderers := make(map[string]*fraction, len(t.tenderers))
	for id, tt := range t.tenderers {
		if tt.r038.den > 0 {
			tenderers[id] = &tt.r038
		}
	}
	for _, g := range []struct {
		scope   string
		m       map[string]*fraction
		minimum int
	}{
		{ScopeBuyer, t.buyers, s.R038.MinimumContractingProcesses},
		{ScopeProcuringEntity, t.entities, s.R038.MinimumContractingProcesses},
		{ScopeTenderer, tenderers, s.R038.MinimumSubmittedBids},
	} {
		var ratios []float64
		for _, fr := range g.m {
			if fr.den >= g.minimum {
				ratios = append(ratios, float64(fr.num)/float64(fr.den))
			}
		}
		if len(ratios) == 0 {
			continue
		}
		fence := highFence(ratios, s.R038.Threshold)
		if st.R038 == nil {
			st.R038 = map[string]*Fence{}
		}
		st.R038[g.scope] = fence
		// A ratio is never negative: a fence of 0 would flag everyone.
		if !(fence.Upper > 0) {
			continue
		}
		for id, fr := range g.m {
			if ratio := float64(fr.num) / float64(fr.den); fr.den >= g.minimum && ratio >= fence.Upper {
				st.flag(g.scope, id, "R038", Result{Value: ratio, Numerator: fr.num, Denominator: fr.den})
			}
		}
	}
}

func (st *Stats) computeR048(t *tally, s Settings) {
	var lengths []float64
	for _, tt := range t.tenderers {
		if tt.supplied > 0 && tt.supplied >= s.R048.MinimumContractingProcesses {
			lengths = append(lengths, float64(len(tt.codes)))
		}
	}
	var fixed *float64
	if s.R048.Threshold != nil {
		v := float64(*s.R048.Threshold)
		fixed = &v
	}
	st.R048 = highFence(lengths, fixed)
	for id, tt := range t.tenderers {
		n := float64(len(tt.codes))
		// Cardinal applies no guard here: with Q1 = Q3 everyone at the fence is flagged.
		if tt.supplied > 0 && tt.supplied >= s.R048.MinimumContractingProcesses && n >= st.R048.Upper {
			codes := make([]string, 0, len(tt.codes))
			for c := range tt.codes {
				codes = append(codes, c)
			}
			slices.Sort(codes)
			st.flag(ScopeTenderer, id, "R048", Result{Value: n, Denominator: tt.supplied, Codes: codes})
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
