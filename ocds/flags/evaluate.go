package flags

import (
	"cmp"
	"math"
	"slices"

	"github.com/shopspring/decimal"
)

// Flag is one red flag raised on a process, with the evidence.
type Flag struct {
	Code    string `json:"code"`    // "R018", "PZ1"
	Name    string `json:"name"`    // English name
	Scope   string `json:"scope"`   // OCID, Buyer, ProcuringEntity or Tenderer
	Subject string `json:"subject"` // the ocid or organization id flagged
	Lot     string `json:"lot,omitempty"`
	// Value is the indicator's value as Cardinal reports it: 1 for yes/no
	// indicators, the difference or ratio, 0 for the tenderers R024, R035
	// and R058 name.
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	// Evidence holds the values and the thresholds or fences that made the
	// flag fire.
	Evidence map[string]any `json:"evidence"`
}

// Evaluate returns every flag concerning the process of f: its own flags
// (per lot where bids and awards name lots), and the dataset-level flags
// of its buyer, procuring entity, tenderers and suppliers. An
// organization's flag therefore repeats on each of its processes; a queue
// summing weights per tender may count Scope OCID only, or add the others
// once. stats may be nil: then the dataset-level indicators are left out,
// except that R024 and R058 still run with a fixed threshold from the
// settings. The order is the catalogue's, then scope, subject and lot.
func Evaluate(f Facts, stats *Stats, s Settings) []Flag {
	if excluded(&f, s) {
		return nil
	}
	e := evaluation{s: s}
	e.process(&f, stats)
	if stats != nil {
		e.organizations(&f, stats)
	}
	e.sort()
	return e.flags
}

type evaluation struct {
	s     Settings
	flags []Flag
}

func (e *evaluation) add(code, scope, subject, lot string, value float64, evidence map[string]any) {
	c, _ := Lookup(code)
	e.flags = append(e.flags, Flag{Code: code, Name: c.Name, Scope: scope, Subject: subject, Lot: lot,
		Value: value, Weight: e.s.toggle(code).Weight, Evidence: evidence})
}

// sort orders the flags and drops repeats.
func (e *evaluation) sort() {
	scopes := map[string]int{ScopeOCID: 0, ScopeBuyer: 1, ScopeProcuringEntity: 2, ScopeTenderer: 3}
	slices.SortStableFunc(e.flags, func(a, b Flag) int {
		return cmp.Or(cmp.Compare(codeRank(a.Code), codeRank(b.Code)), cmp.Compare(scopes[a.Scope], scopes[b.Scope]),
			cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Lot, b.Lot))
	})
	e.flags = slices.CompactFunc(e.flags, func(a, b Flag) bool {
		return a.Code == b.Code && a.Scope == b.Scope && a.Subject == b.Subject && a.Lot == b.Lot
	})
}

// mainCurrency is the currency bid prices are compared in.
func mainCurrency(f *Facts, stats *Stats, s Settings) string {
	switch {
	case stats != nil && stats.Currency != "":
		return stats.Currency
	case s.Currency != "":
		return s.Currency
	}
	return f.Currency
}

// process evaluates the indicators of one process.
func (e *evaluation) process(f *Facts, stats *Stats) {
	s := e.s
	if s.R003.Enabled && f.SubmissionDays != nil && (len(s.R003.ProcurementMethods) == 0 || slices.Contains(s.R003.ProcurementMethods, f.Method)) {
		threshold, ok := s.R003.ProcurementMethodDetails[f.MethodDetails]
		if !ok || f.MethodDetails == "" {
			threshold = s.R003.Threshold
		}
		if *f.SubmissionDays < threshold {
			e.add("R003", ScopeOCID, f.OCID, "", 1, map[string]any{
				"submission_days": *f.SubmissionDays, "threshold": threshold,
				"procurement_method": f.Method, "procurement_method_details": f.MethodDetails})
		}
	}
	if s.R018.Enabled && f.NumberOfTenderers != nil && *f.NumberOfTenderers == 1 &&
		(len(s.R018.ProcurementMethods) == 0 || slices.Contains(s.R018.ProcurementMethods, f.Method)) {
		e.add("R018", ScopeOCID, f.OCID, "", 1, map[string]any{
			"number_of_tenderers": 1, "procurement_method": f.Method})
	}

	prices := priceComparison(f, s)
	currency := mainCurrency(f, stats, s)
	r024, r058 := s.R024.fence(stats, "R024"), s.R058.fence(stats, "R058")
	for _, u := range f.Units {
		if g, ok := gapIn(u, currency); ok && prices {
			e.gap(f, u.Lot, g, r024, r058)
		}
		if s.R028.Enabled && prices && len(u.Identical) > 0 {
			e.add("R028", ScopeOCID, f.OCID, u.Lot, 1, map[string]any{"tenderers": u.Identical})
			for _, id := range u.Identical {
				e.add("R028", ScopeTenderer, id, u.Lot, 1, map[string]any{"ocid": f.OCID, "tenderers": u.Identical})
			}
		}
		if s.R030.Enabled && len(u.Late) > 0 {
			e.add("R030", ScopeOCID, f.OCID, u.Lot, 1, map[string]any{"late_winners": u.Late})
			for _, id := range u.Late {
				e.add("R030", ScopeTenderer, id, u.Lot, 1, map[string]any{"ocid": f.OCID})
			}
		}
		if s.R035.Enabled && u.SoleValid != "" && u.OthersDisqualified >= max(s.R035.Threshold, 1) {
			ev := map[string]any{"winner": u.SoleValid, "disqualified_tenderers": u.OthersDisqualified,
				"threshold": max(s.R035.Threshold, 1)}
			e.add("R035", ScopeOCID, f.OCID, u.Lot, float64(u.OthersDisqualified), ev)
			e.add("R035", ScopeTenderer, u.SoleValid, u.Lot, 0, map[string]any{"ocid": f.OCID})
		}
		if s.R036.Enabled && prices && slices.Contains(u.LowestDisqualified, currency) {
			e.add("R036", ScopeOCID, f.OCID, u.Lot, 1, map[string]any{"currency": currency})
		}
	}

	if s.PZ1.Enabled {
		threshold := decimal.NewFromFloat(s.PZ1.Threshold)
		for _, sv := range f.Savings {
			expected, awarded := sv.Expected.Decimal(), sv.Awarded.Decimal()
			if !expected.IsPositive() {
				continue
			}
			ratio := expected.Sub(awarded).DivRound(expected, 16)
			if ratio.GreaterThanOrEqual(threshold) {
				e.add("PZ1", ScopeOCID, f.OCID, sv.Lot, ratio.InexactFloat64(), map[string]any{
					"expected": sv.Expected, "awarded": sv.Awarded, "currency": sv.Currency,
					"savings_ratio": ratio.InexactFloat64(), "threshold": s.PZ1.Threshold})
			}
		}
	}
	if s.PZ2.Enabled && f.AllLotsWinner != "" && f.Lots >= s.PZ2.MinimumLots {
		ev := map[string]any{"supplier": f.AllLotsWinner, "lots": f.Lots, "minimum_lots": s.PZ2.MinimumLots}
		e.add("PZ2", ScopeOCID, f.OCID, "", float64(f.Lots), ev)
		e.add("PZ2", ScopeTenderer, f.AllLotsWinner, "", float64(f.Lots), map[string]any{"ocid": f.OCID, "lots": f.Lots})
	}
	if s.PZ4.Enabled && stats != nil {
		if key, _, ok := splitOf(f, s); ok {
			if sp, ok := stats.Splits[key]; ok {
				e.add("PZ4", ScopeOCID, f.OCID, "", sp.Total.Decimal().InexactFloat64(), map[string]any{
					"buyer": sp.Buyer, "classification": sp.Classification, "year": sp.Year, "kind": sp.Kind,
					"amount": f.Purchase.Amount, "total": sp.Total, "processes": sp.Processes,
					"threshold": sp.Threshold, "currency": sp.Currency})
			}
		}
	}
}

// fence returns the fence of R024 or R058: the dataset's, or without
// statistics the fixed threshold (or nil).
func (fs FenceSettings) fence(stats *Stats, code string) *Fence {
	if !fs.Enabled {
		return nil
	}
	if stats != nil {
		if code == "R024" {
			return stats.R024
		}
		return stats.R058
	}
	if fs.Threshold == nil {
		return nil
	}
	if code == "R024" {
		return lowFence(nil, fs.Threshold)
	}
	return highFence(nil, fs.Threshold)
}

// gap tests the difference between the winning and second-lowest bids
// against the R024 and R058 fences.
func (e *evaluation) gap(f *Facts, lot string, g Gap, r024, r058 *Fence) {
	evidence := func(fence *Fence, code string) map[string]any {
		ev := map[string]any{"difference": g.Difference, "currency": g.Currency,
			"winner": g.Winner, "winning_bid": g.WinnerAmount,
			"second_lowest_bidder": g.RunnerUp, "second_lowest_bid": g.RunnerUpAmount}
		addFence(ev, fence, code)
		return ev
	}
	if r024.lowTest() && g.Difference <= r024.Lower {
		e.add("R024", ScopeOCID, f.OCID, lot, g.Difference, evidence(r024, "R024"))
		e.add("R024", ScopeTenderer, g.Winner, lot, 0, map[string]any{"ocid": f.OCID})
		e.add("R024", ScopeTenderer, g.RunnerUp, lot, 0, map[string]any{"ocid": f.OCID})
	}
	if r058 != nil && r058.Upper > 0 && g.Difference >= r058.Upper {
		e.add("R058", ScopeOCID, f.OCID, lot, g.Difference, evidence(r058, "R058"))
		e.add("R058", ScopeTenderer, g.Winner, lot, 0, map[string]any{"ocid": f.OCID})
	}
}

// organizations adds the dataset-level flags of the process's
// organizations.
func (e *evaluation) organizations(f *Facts, stats *Stats) {
	add := func(scope, id string) {
		if id == "" {
			return
		}
		for code, r := range stats.results(scope, id) {
			if t := e.s.toggle(code); t == nil || !t.Enabled {
				continue
			}
			e.add(code, scope, id, "", r.Value, r.evidence(code, scope, stats))
		}
	}
	add(ScopeBuyer, f.Buyer)
	add(ScopeProcuringEntity, f.ProcuringEntity)
	for _, b := range f.Bidders {
		add(ScopeTenderer, b.ID)
	}
	for _, id := range f.Suppliers {
		add(ScopeTenderer, id)
	}
}

// evidence explains an organization's result.
func (r Result) evidence(code, scope string, stats *Stats) map[string]any {
	ev := map[string]any{}
	var fence *Fence
	switch code {
	case "R025":
		ev["wins"], ev["valid_bids"], ev["ratio"] = r.Numerator, r.Denominator, r.Value
		fence = stats.R025
	case "R038":
		ev["disqualified_bids"], ev["submitted_bids"], ev["ratio"] = r.Numerator, r.Denominator, r.Value
		fence = stats.R038[scope]
	case "R048":
		ev["variety"], ev["classifications"], ev["processes"] = r.Value, r.Codes, r.Denominator
		fence = stats.R048
	case "PZ3":
		ev["buyer"], ev["processes"] = r.Buyer, r.Denominator
	case "PZ4":
		var groups []Split
		for _, k := range r.Splits {
			groups = append(groups, stats.Splits[k])
		}
		ev["splits"] = groups
	}
	addFence(ev, fence, code)
	return ev
}

// fenceUse says which fences an indicator tests: R024 the lower, R025 both,
// the others the upper.
func fenceUse(code string) (lower, upper bool) {
	switch code {
	case "R024":
		return true, false
	case "R025":
		return true, true
	}
	return false, true
}

// meta returns the fence as Cardinal's Meta reports it: the quartiles
// unless the threshold is fixed, and the fences code tests. Values may be
// NaN (no data).
func (f *Fence) meta(code string) map[string]float64 {
	if f == nil {
		return nil
	}
	m := map[string]float64{}
	if !f.Fixed {
		m["q1"], m["q3"] = f.Q1, f.Q3
	}
	lower, upper := fenceUse(code)
	if lower {
		m["lower_fence"] = f.Lower
	}
	if upper {
		m["upper_fence"] = f.Upper
	}
	return m
}

// addFence copies the finite values of the fence into evidence.
func addFence(ev map[string]any, f *Fence, code string) {
	for k, v := range f.meta(code) {
		if !math.IsNaN(v) {
			ev[k] = v
		}
	}
	if f != nil && f.Fixed {
		ev["fixed_threshold"] = true
	}
}
