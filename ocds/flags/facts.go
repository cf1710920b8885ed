package flags

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/tender"
)

// Facts is what the indicators need of one contracting process: the
// per-process results that do not depend on the dataset or on settings,
// and the counts the dataset statistics add up. It is compact JSON (money
// as JSON numbers); the search indexer stores one per tender and
// recomputes the statistics from all of them. Facts do not depend on
// Settings except Excluded, so stored facts stay valid when thresholds or
// weights change.
type Facts struct {
	OCID string `json:"ocid"`
	// Excluded says why no indicator reads this process: "cancelled"
	// (tender.status) or "procurementMethodDetails" (the exclusions
	// setting). The other fields are then empty.
	Excluded        string `json:"excluded,omitempty"`
	Buyer           string `json:"buyer,omitempty"`
	ProcuringEntity string `json:"procuringEntity,omitempty"`
	Method          string `json:"method,omitempty"`        // tender.procurementMethod
	MethodDetails   string `json:"methodDetails,omitempty"` // tender.procurementMethodDetails
	// SubmissionDays is the tender period in whole days (R003), when both
	// dates are RFC 3339.
	SubmissionDays *int `json:"submissionDays,omitempty"`
	// NumberOfTenderers is tender.numberOfTenderers when an unsigned
	// integer (R018).
	NumberOfTenderers *int `json:"numberOfTenderers,omitempty"`
	// Currency is the currency of the first submitted bid with an amount:
	// the main currency when there are no statistics and no setting.
	Currency string `json:"currency,omitempty"`
	// Submitted and Disqualified count the submitted bids (status pending,
	// valid or disqualified) and the disqualified ones (R038).
	Submitted    int           `json:"submitted,omitempty"`
	Disqualified int           `json:"disqualified,omitempty"`
	Bidders      []BidderCount `json:"bidders,omitempty"` // R038 per tenderer
	// Units are the per-lot results: one unit when bids and awards name no
	// lots, as Cardinal reads a process.
	Units    []Unit   `json:"units,omitempty"`
	Supplied []Supply `json:"supplied,omitempty"` // R048
	// Suppliers are the suppliers of the active awards (PZ3).
	Suppliers []string `json:"suppliers,omitempty"`
	Savings   []Saving `json:"savings,omitempty"` // PZ1
	// Lots counts the lots that are not cancelled and AllLotsWinner is a
	// supplier of an active award of each of them (PZ2).
	Lots          int       `json:"lots,omitempty"`
	AllLotsWinner string    `json:"allLotsWinner,omitempty"`
	Purchase      *Purchase `json:"purchase,omitempty"` // PZ4
}

// BidderCount is one tenderer's submitted and disqualified bids in a
// process.
type BidderCount struct {
	ID           string `json:"id"`
	Submitted    int    `json:"submitted"`
	Disqualified int    `json:"disqualified,omitempty"`
}

// Unit holds the results of one lot (or of the whole process).
type Unit struct {
	Lot string `json:"lot,omitempty"`
	// Gaps are the winning and second-lowest valid bids, one per currency
	// (R024, R058).
	Gaps []Gap `json:"gaps,omitempty"`
	// Winner is the single supplier of the single active award and Valid
	// the tenderers with a valid bid, when all awards are final (R025).
	Winner string   `json:"winner,omitempty"`
	Valid  []string `json:"valid,omitempty"`
	// Identical are the different tenderers whose bids have the same price
	// (R028).
	Identical []string `json:"identical,omitempty"`
	// Late are the suppliers of active awards with a valid bid received
	// after tenderPeriod.endDate (R030).
	Late []string `json:"late,omitempty"`
	// SoleValid is the only tenderer with valid bids, the supplier of all
	// active awards, and OthersDisqualified the other tenderers with
	// disqualified bids (R035).
	SoleValid          string `json:"soleValid,omitempty"`
	OthersDisqualified int    `json:"othersDisqualified,omitempty"`
	// LowestDisqualified are the currencies in which the lowest submitted
	// bid is disqualified while a valid bid has an amount (R036).
	LowestDisqualified []string `json:"lowestDisqualified,omitempty"`
}

// Gap is the winning bid and the lowest other valid bid in one currency.
type Gap struct {
	Currency       string        `json:"currency"`
	Winner         string        `json:"winner"`
	WinnerAmount   tender.Amount `json:"winnerAmount"`
	RunnerUp       string        `json:"runnerUp"`
	RunnerUpAmount tender.Amount `json:"runnerUpAmount"`
	// Difference is (runner-up − winner) / winner.
	Difference float64 `json:"difference"`
}

// Supply is the item classification codes of the active awards of one
// supplier, when the award has that supplier only (R048).
type Supply struct {
	ID    string   `json:"id"`
	Codes []string `json:"codes"`
}

// Saving compares the expected value of a lot (or of the tender, Lot empty)
// with the sum of its active awards in the same currency (PZ1).
type Saving struct {
	Lot      string        `json:"lot,omitempty"`
	Currency string        `json:"currency"`
	Expected tender.Amount `json:"expected"`
	Awarded  tender.Amount `json:"awarded"`
}

// Purchase is what the split-purchase indicator (PZ4) groups by.
type Purchase struct {
	Year           int           `json:"year"`
	Classification string        `json:"classification"` // of the first classified item
	Category       string        `json:"category,omitempty"`
	Amount         tender.Amount `json:"amount"`
	Currency       string        `json:"currency"`
}

const (
	bidValid        = "valid"
	bidDisqualified = "disqualified"
	awardActive     = "active"
)

// submitted reports a bid Cardinal counts as submitted: pending, valid or
// disqualified, not invited or withdrawn (and not without a status).
func submitted(b *Bid) bool {
	return b.Status != "" && b.Status != "invited" && b.Status != "withdrawn"
}

// Extract computes the facts of p. Cancelled processes and those the
// settings exclude get only OCID and Excluded.
func Extract(p *Process, s Settings) Facts {
	f := Facts{OCID: p.OCID}
	t := &p.Tender
	switch {
	case t.Status == "cancelled":
		f.Excluded = "cancelled"
		return f
	case t.ProcurementMethodDetails != "" && slices.Contains(s.ExcludeProcurementMethodDetails, t.ProcurementMethodDetails):
		f.Excluded = "procurementMethodDetails"
		return f
	}
	f.Buyer = p.Buyer.ID
	f.ProcuringEntity = t.ProcuringEntity.ID
	f.Method = t.ProcurementMethod
	f.MethodDetails = t.ProcurementMethodDetails
	f.SubmissionDays = submissionDays(t.TenderPeriod)
	if n := t.NumberOfTenderers; n.Valid {
		f.NumberOfTenderers = &n.N
	}
	extractBids(&f, p)
	for _, u := range splitUnits(p) {
		if r := u.facts(p); !r.empty() {
			f.Units = append(f.Units, r)
		}
	}
	extractAwards(&f, p)
	f.Savings = savings(p)
	f.Lots, f.AllLotsWinner = allLotsWinner(p)
	f.Purchase = purchase(p)
	return f
}

func submissionDays(tp Period) *int {
	start, err1 := time.Parse(time.RFC3339, tp.StartDate)
	end, err2 := time.Parse(time.RFC3339, tp.EndDate)
	if err1 != nil || err2 != nil {
		return nil
	}
	d := int(end.Sub(start) / (24 * time.Hour)) // whole days, truncated toward zero
	return &d
}

// extractBids fills the first bid currency and the R038 counts.
func extractBids(f *Facts, p *Process) {
	idx := map[string]int{}
	for i := range p.Bids.Details {
		b := &p.Bids.Details[i]
		if f.Currency == "" && submitted(b) && b.Value != nil && b.Value.Amount.Valid {
			f.Currency = b.Value.Currency
		}
		if !submitted(b) {
			continue
		}
		disq := 0
		if b.Status == bidDisqualified {
			disq = 1
		}
		f.Submitted++
		f.Disqualified += disq
		for _, t := range b.Tenderers {
			if t.ID == "" {
				continue
			}
			j, ok := idx[t.ID]
			if !ok {
				j = len(f.Bidders)
				idx[t.ID] = j
				f.Bidders = append(f.Bidders, BidderCount{ID: t.ID})
			}
			f.Bidders[j].Submitted++
			f.Bidders[j].Disqualified += disq
		}
	}
	slices.SortFunc(f.Bidders, func(a, b BidderCount) int { return strings.Compare(a.ID, b.ID) })
}

// extractAwards fills the suppliers and their classifications.
func extractAwards(f *Facts, p *Process) {
	codes := map[string][]string{}
	for i := range p.Awards {
		a := &p.Awards[i]
		if a.Status != awardActive {
			continue
		}
		for _, s := range a.Suppliers {
			if s.ID != "" {
				f.Suppliers = addUnique(f.Suppliers, s.ID)
			}
		}
		// Cardinal does not assume that all suppliers supply all items.
		if a.Items == nil || len(a.Suppliers) != 1 || a.Suppliers[0].ID == "" {
			continue
		}
		id := a.Suppliers[0].ID
		for _, it := range a.Items {
			if c := it.Classification.ID; c != "" {
				codes[id] = addUnique(codes[id], c)
			}
		}
	}
	slices.Sort(f.Suppliers)
	for id, cs := range codes {
		slices.Sort(cs)
		f.Supplied = append(f.Supplied, Supply{ID: id, Codes: cs})
	}
	slices.SortFunc(f.Supplied, func(a, b Supply) int { return strings.Compare(a.ID, b.ID) })
}

// unit is the bids and awards of one lot.
type unit struct {
	lot    string
	bids   []*Bid
	awards []*Award
}

// splitUnits splits a process by lot when its bids or awards name lots
// (relatedLots); otherwise the process is one unit, as Cardinal reads it.
// Bids and awards without relatedLots belong to every lot; cancelled lots
// are left out.
func splitUnits(p *Process) []unit {
	all := unit{}
	lotted := false
	for i := range p.Bids.Details {
		all.bids = append(all.bids, &p.Bids.Details[i])
		lotted = lotted || len(p.Bids.Details[i].RelatedLots) > 0
	}
	for i := range p.Awards {
		all.awards = append(all.awards, &p.Awards[i])
		lotted = lotted || len(p.Awards[i].RelatedLots) > 0
	}
	if !lotted {
		return []unit{all}
	}
	cancelled := map[string]bool{}
	var ids []string
	for _, l := range p.Tender.Lots {
		if l.Status == "cancelled" {
			cancelled[l.ID] = true
		} else if l.ID != "" {
			ids = addUnique(ids, l.ID)
		}
	}
	for _, b := range all.bids {
		for _, id := range b.RelatedLots {
			if !cancelled[id] && id != "" {
				ids = addUnique(ids, id)
			}
		}
	}
	for _, a := range all.awards {
		for _, id := range a.RelatedLots {
			if !cancelled[id] && id != "" {
				ids = addUnique(ids, id)
			}
		}
	}
	out := make([]unit, 0, len(ids))
	for _, id := range ids {
		u := unit{lot: id}
		for _, b := range all.bids {
			if len(b.RelatedLots) == 0 || slices.Contains(b.RelatedLots, id) {
				u.bids = append(u.bids, b)
			}
		}
		for _, a := range all.awards {
			if len(a.RelatedLots) == 0 || slices.Contains(a.RelatedLots, id) {
				u.awards = append(u.awards, a)
			}
		}
		out = append(out, u)
	}
	return out
}

func (u Unit) empty() bool {
	return len(u.Gaps) == 0 && len(u.Valid) == 0 && len(u.Identical) == 0 && len(u.Late) == 0 &&
		u.SoleValid == "" && len(u.LowestDisqualified) == 0
}

// facts computes the per-unit results.
func (u unit) facts(p *Process) Unit {
	r := Unit{Lot: u.lot}
	hasAwards, hasDetails := p.Awards != nil, p.Bids.Details != nil
	active, final := u.finalAwards()
	final = final && hasAwards && hasDetails
	if final && len(active) == 1 && len(active[0].Suppliers) == 1 && active[0].Suppliers[0].ID != "" {
		winner := active[0].Suppliers[0].ID
		r.Gaps = u.gaps(winner)
		r.Winner, r.Valid = winner, u.validSingleTenderers()
		if len(r.Valid) == 0 {
			r.Winner = ""
		}
	}
	r.Identical = u.identical()
	if p.Tender.TenderPeriod.EndDate != "" && hasAwards && hasDetails {
		r.Late = u.late(p.Tender.TenderPeriod.EndDate)
	}
	if final {
		r.SoleValid, r.OthersDisqualified = u.allButWinner(active)
	}
	if hasAwards {
		r.LowestDisqualified = u.lowestDisqualified()
	}
	return r
}

// finalAwards returns the active awards, and false if an award is neither
// active, cancelled nor unsuccessful (pending: results could change).
// Awards without a status are ignored, as in Cardinal.
func (u unit) finalAwards() ([]*Award, bool) {
	var active []*Award
	for _, a := range u.awards {
		switch a.Status {
		case awardActive:
			active = append(active, a)
		case "cancelled", "unsuccessful", "":
		default:
			return nil, false
		}
	}
	return active, true
}

// priced reports a valid bid by one tenderer with an amount and currency.
func priced(b *Bid) bool {
	return b.Status == bidValid && b.Value != nil && b.Value.Amount.Valid && b.Value.Currency != "" &&
		len(b.Tenderers) == 1 && b.Tenderers[0].ID != ""
}

// gaps finds, per currency, the winner's lowest valid bid and the lowest
// valid bid of another tenderer (R024, R058). A currency where the lowest
// bid did not win (the award criteria are not price only) or the winning
// bid is not positive gives nothing.
func (u unit) gaps(winner string) []Gap {
	type pair struct{ w, r *Bid }
	var order []string
	byCur := map[string]*pair{}
	for _, b := range u.bids {
		if !priced(b) {
			continue
		}
		c := b.Value.Currency
		pr := byCur[c]
		if pr == nil {
			pr = &pair{}
			byCur[c] = pr
			order = append(order, c)
		}
		if b.Tenderers[0].ID == winner {
			if pr.w == nil || b.Value.Amount.Decimal.LessThan(pr.w.Value.Amount.Decimal) {
				pr.w = b
			}
		} else if pr.r == nil || b.Value.Amount.Decimal.LessThan(pr.r.Value.Amount.Decimal) {
			pr.r = b
		}
	}
	slices.Sort(order)
	var out []Gap
	for _, c := range order {
		pr := byCur[c]
		if pr.w == nil || pr.r == nil {
			continue
		}
		w, r := pr.w.Value.Amount.Decimal, pr.r.Value.Amount.Decimal
		if r.LessThan(w) || !w.IsPositive() {
			continue
		}
		wf, rf := w.InexactFloat64(), r.InexactFloat64()
		out = append(out, Gap{Currency: c, Winner: winner, WinnerAmount: tender.AmountFromDecimal(w),
			RunnerUp: pr.r.Tenderers[0].ID, RunnerUpAmount: tender.AmountFromDecimal(r), Difference: (rf - wf) / wf})
	}
	return out
}

// validSingleTenderers are the tenderers of valid bids by one tenderer,
// each once (R025).
func (u unit) validSingleTenderers() []string {
	var out []string
	for _, b := range u.bids {
		if b.Status == bidValid && len(b.Tenderers) == 1 && b.Tenderers[0].ID != "" {
			out = addUnique(out, b.Tenderers[0].ID)
		}
	}
	slices.Sort(out)
	return out
}

// identical returns the tenderers of submitted bids whose price equals the
// price of a bid by a different set of tenderers (R028). As in Cardinal,
// each bid is compared with the latest earlier bid at that price.
func (u unit) identical() []string {
	type price struct{ amount, currency string }
	seen := map[price][]string{}
	var out []string
	for _, b := range u.bids {
		if !submitted(b) || b.Tenderers == nil || b.Value == nil || !b.Value.Amount.Valid || b.Value.Currency == "" {
			continue
		}
		var ids []string
		for _, t := range b.Tenderers {
			if t.ID != "" {
				ids = addUnique(ids, t.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		key := price{b.Value.Amount.Decimal.String(), b.Value.Currency}
		if other, ok := seen[key]; ok && !slices.Equal(ids, other) {
			for _, id := range append(ids, other...) {
				out = addUnique(out, id)
			}
		}
		seen[key] = ids
	}
	slices.Sort(out)
	return out
}

// late returns the suppliers of active awards who submitted a valid bid
// after the deadline (R030). Dates are compared as instants; Cardinal
// compares the strings, which is the same when both are in one offset.
func (u unit) late(deadline string) []string {
	var suppliers []string
	for _, a := range u.awards {
		if a.Status == awardActive {
			for _, s := range a.Suppliers {
				if s.ID != "" {
					suppliers = addUnique(suppliers, s.ID)
				}
			}
		}
	}
	var out []string
	for _, b := range u.bids {
		if b.Status != bidValid || b.Date == "" || b.Tenderers == nil || !after(b.Date, deadline) {
			continue
		}
		for _, t := range b.Tenderers {
			if t.ID != "" && slices.Contains(suppliers, t.ID) {
				out = addUnique(out, t.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// after reports a > b, as instants when both parse as RFC 3339.
func after(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	if err1 != nil || err2 != nil {
		return a > b
	}
	return ta.After(tb)
}

// allButWinner returns the only tenderer with valid bids, if it is exactly
// the set of suppliers of the active awards, and the number of other
// tenderers with disqualified bids (R035).
func (u unit) allButWinner(active []*Award) (string, int) {
	var suppliers, valid, disq []string
	for _, a := range active {
		for _, s := range a.Suppliers {
			if s.ID != "" {
				suppliers = addUnique(suppliers, s.ID)
			}
		}
	}
	for _, b := range u.bids {
		if b.Tenderers == nil {
			continue
		}
		for _, t := range b.Tenderers {
			if t.ID == "" {
				continue
			}
			switch b.Status {
			case bidValid:
				valid = addUnique(valid, t.ID)
			case bidDisqualified:
				disq = addUnique(disq, t.ID)
			}
		}
	}
	if len(valid) != 1 || len(suppliers) != 1 || suppliers[0] != valid[0] {
		return "", 0
	}
	n := 0
	for _, id := range disq {
		if id != valid[0] {
			n++
		}
	}
	if n == 0 {
		return "", 0
	}
	return valid[0], n
}

// lowestDisqualified returns the currencies in which, among the submitted
// bids with an amount, the lowest (the first of equals) is disqualified
// while some valid bid has an amount, provided an award is active (R036).
func (u unit) lowestDisqualified() []string {
	activeAward := slices.ContainsFunc(u.awards, func(a *Award) bool { return a.Status == awardActive })
	if !activeAward {
		return nil
	}
	type state struct {
		lowest          decimal.Decimal
		disq, haveValid bool
	}
	var order []string
	by := map[string]*state{}
	for _, b := range u.bids {
		if !submitted(b) || b.Value == nil || !b.Value.Amount.Valid || b.Value.Currency == "" {
			continue
		}
		c, amt := b.Value.Currency, b.Value.Amount.Decimal
		st := by[c]
		if st == nil {
			st = &state{lowest: amt, disq: b.Status == bidDisqualified}
			by[c] = st
			order = append(order, c)
		} else if amt.LessThan(st.lowest) {
			st.lowest, st.disq = amt, b.Status == bidDisqualified
		}
		st.haveValid = st.haveValid || b.Status == bidValid
	}
	var out []string
	for _, c := range order {
		if st := by[c]; st.disq && st.haveValid {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// savings compares expected and awarded values per lot, or for the tender
// when the awards name no lots (PZ1).
func savings(p *Process) []Saving {
	var active []*Award
	lotted := false
	for i := range p.Awards {
		if a := &p.Awards[i]; a.Status == awardActive {
			active = append(active, a)
			lotted = lotted || len(a.RelatedLots) > 0
		}
	}
	if len(active) == 0 {
		return nil
	}
	if !lotted || len(p.Tender.Lots) == 0 {
		if s, ok := saving("", p.Tender.Value, active); ok {
			return []Saving{s}
		}
		return nil
	}
	var out []Saving
	for _, l := range p.Tender.Lots {
		if l.ID == "" || l.Status == "cancelled" {
			continue
		}
		var of []*Award
		for _, a := range active {
			if slices.Contains(a.RelatedLots, l.ID) {
				of = append(of, a)
			}
		}
		if s, ok := saving(l.ID, l.Value, of); ok {
			out = append(out, s)
		}
	}
	return out
}

// saving sums the awards' values, which must all be in the expected
// value's currency.
func saving(lot string, expected *Value, awards []*Award) (Saving, bool) {
	if expected == nil || !expected.Amount.Valid || expected.Currency == "" || len(awards) == 0 {
		return Saving{}, false
	}
	sum := decimal.Zero
	for _, a := range awards {
		if a.Value == nil || !a.Value.Amount.Valid || a.Value.Currency != expected.Currency {
			return Saving{}, false
		}
		sum = sum.Add(a.Value.Amount.Decimal)
	}
	return Saving{Lot: lot, Currency: expected.Currency, Expected: tender.AmountFromDecimal(expected.Amount.Decimal),
		Awarded: tender.AmountFromDecimal(sum)}, true
}

// allLotsWinner counts the lots that are not cancelled and returns a
// supplier of an active award of every one of them (PZ2); the smallest id
// if several.
func allLotsWinner(p *Process) (int, string) {
	var lots []string
	for _, l := range p.Tender.Lots {
		if l.ID != "" && l.Status != "cancelled" {
			lots = addUnique(lots, l.ID)
		}
	}
	if len(lots) == 0 {
		return 0, ""
	}
	var common []string
	for i, lot := range lots {
		var of []string
		for j := range p.Awards {
			a := &p.Awards[j]
			if a.Status != awardActive || !slices.Contains(a.RelatedLots, lot) {
				continue
			}
			for _, s := range a.Suppliers {
				if s.ID != "" && (i == 0 || slices.Contains(common, s.ID)) {
					of = addUnique(of, s.ID)
				}
			}
		}
		common = of
		if len(common) == 0 {
			return len(lots), ""
		}
	}
	return len(lots), slices.Min(common)
}

// purchase is the year, subject and value of the process (PZ4): the year
// of tenderPeriod.startDate (or of the release date) as written, the first
// classified item, and tender.value (or else the sum of the active awards
// in one currency).
func purchase(p *Process) *Purchase {
	year := yearOf(p.Tender.TenderPeriod.StartDate)
	if year == 0 {
		year = yearOf(p.Date)
	}
	class := ""
	for _, it := range p.Tender.Items {
		if it.Classification.ID != "" {
			class = it.Classification.ID
			break
		}
	}
	if year == 0 || class == "" {
		return nil
	}
	v := p.Tender.Value
	if v == nil || !v.Amount.Valid || v.Currency == "" {
		v = nil
		var active []*Award
		for i := range p.Awards {
			if p.Awards[i].Status == awardActive {
				active = append(active, &p.Awards[i])
			}
		}
		if len(active) > 0 && active[0].Value != nil {
			if s, ok := saving("", active[0].Value, active); ok {
				v = &Value{Amount: Amount{Decimal: s.Awarded.Decimal(), Valid: true}, Currency: s.Currency}
			}
		}
	}
	if v == nil {
		return nil
	}
	return &Purchase{Year: year, Classification: class, Category: p.Tender.MainProcurementCategory,
		Amount: tender.AmountFromDecimal(v.Amount.Decimal), Currency: v.Currency}
}

// yearOf reads the year of an RFC 3339 date as written (in the
// publisher's offset).
func yearOf(date string) int {
	if _, err := time.Parse(time.RFC3339, date); err != nil {
		return 0
	}
	y, _ := strconv.Atoi(date[:4])
	return y
}

func addUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// intern replaces the strings of f that repeat across processes
// (organization ids, codes, currencies) with the copies in pool, so that a
// dataset of facts holds each once.
func (f *Facts) intern(pool map[string]string) {
	in := func(s *string) {
		if *s == "" {
			return
		}
		if p, ok := pool[*s]; ok {
			*s = p
		} else {
			pool[*s] = *s
		}
	}
	all := func(ss []string) {
		for i := range ss {
			in(&ss[i])
		}
	}
	in(&f.Buyer)
	in(&f.ProcuringEntity)
	in(&f.Method)
	in(&f.MethodDetails)
	in(&f.Currency)
	for i := range f.Bidders {
		in(&f.Bidders[i].ID)
	}
	for i := range f.Units {
		u := &f.Units[i]
		for j := range u.Gaps {
			in(&u.Gaps[j].Currency)
			in(&u.Gaps[j].Winner)
			in(&u.Gaps[j].RunnerUp)
		}
		in(&u.Winner)
		in(&u.SoleValid)
		all(u.Valid)
		all(u.Identical)
		all(u.Late)
		all(u.LowestDisqualified)
	}
	for i := range f.Supplied {
		in(&f.Supplied[i].ID)
		all(f.Supplied[i].Codes)
	}
	all(f.Suppliers)
	for i := range f.Savings {
		in(&f.Savings[i].Currency)
	}
	in(&f.AllLotsWinner)
	if p := f.Purchase; p != nil {
		in(&p.Classification)
		in(&p.Category)
		in(&p.Currency)
	}
}
