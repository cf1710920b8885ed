package tender

import (
	"time"

	"github.com/shopspring/decimal"
)

// publishedStatus is the status a procedure enters on publication.
func (t *Tender) publishedStatus() Status {
	switch {
	case t.rules().limited():
		return StatusActive
	case t.Config.HasEnquiries:
		return StatusEnquiries
	}
	return StatusTendering
}

// editable reports whether the owner may edit the tender's conditions: in
// draft, during enquiries, during tendering of the open procedures (which
// invalidates submitted bids), and while a limited procedure is active.
func (t *Tender) editable() bool {
	switch t.Status {
	case StatusDraft, StatusEnquiries:
		return true
	case StatusTendering:
		return !t.Config.HasEnquiries
	case StatusActive:
		return len(t.Awards) == 0
	}
	return false
}

// pendingCancellation returns a pending cancellation of the tender or, when
// lot is set, of that lot: while one exists the owner's actions there wait.
func (t *Tender) pendingCancellation(lot string) *Cancellation {
	for i := range t.Cancellations {
		c := &t.Cancellations[i]
		if c.Status == CancellationPending && (c.CancellationOf == "tender" || lot != "" && c.RelatedLot == lot) {
			return c
		}
	}
	return nil
}

func (t *Tender) checkNotCancelling(lot string) error {
	if c := t.pendingCancellation(lot); c != nil {
		return Forbidden("Can't perform action while cancellation %s is pending", c.ID)
	}
	return nil
}

// patch applies an owner's edit of the conditions, publication, and the
// pre-qualification stand-still switch.
func (t *Tender) patch(in TenderInput, now time.Time, cal *Calendar, sandbox bool, newID func() string) error {
	if in.Status != nil && *in.Status == StatusPrequalStandstill && t.Status == StatusPrequalification {
		if !in.onlyStatus() {
			return Invalid("data", "Only status can be changed when switching to %s", StatusPrequalStandstill)
		}
		return t.startPrequalStandstill(now, cal)
	}
	if !t.editable() {
		return statusForbidden("update tender", t.Status)
	}
	if err := t.checkNotCancelling(""); err != nil {
		return err
	}
	var p Problems
	if in.ProcurementMethodType != nil && *in.ProcurementMethodType != t.ProcurementMethodType {
		p.Add("procurementMethodType", "Can't change procurementMethodType")
	}
	if in.Mode != nil && *in.Mode != t.Mode {
		p.Add("mode", "Can't change mode")
	}
	for name, v := range map[string]*string{
		"procurementMethodDetails": in.ProcurementMethodDetails, "submissionMethodDetails": in.SubmissionMethodDetails,
	} {
		if v != nil && t.Status != StatusDraft {
			p.Add(name, "Can't change %s after publication", name)
		}
	}
	if in.Documents != nil {
		p.Add("documents", "Add documents with POST /documents")
	}
	if in.ProcurementMethodDetails != nil && t.Status == StatusDraft {
		if !sandbox {
			p.Add("procurementMethodDetails", "Acceleration is available only on a sandbox server")
		} else if _, err := parseAccelerator(*in.ProcurementMethodDetails); err != nil {
			p.Add("procurementMethodDetails", "%v", err)
		}
		t.ProcurementMethodDetails = *in.ProcurementMethodDetails
	}
	if in.SubmissionMethodDetails != nil && t.Status == StatusDraft {
		t.SubmissionMethodDetails = *in.SubmissionMethodDetails
	}
	publish := false
	if in.Status != nil && *in.Status != t.Status {
		if t.Status == StatusDraft && *in.Status == t.publishedStatus() {
			publish = true
		} else {
			p.Add("status", "Can't change status from %s to %s", t.Status, *in.Status)
		}
	}
	if t.Status != StatusDraft && in.Features != nil && len(t.Bids) > 0 {
		p.Add("features", "Can't change features after bids were submitted")
	}
	if t.Config.HasEnquiries {
		t.patchEnquiryPeriods(in, now, cal, newID, publish, &p)
	} else {
		if in.EnquiryPeriod != nil {
			p.Add("enquiryPeriod", "Rogue field: the enquiry period is computed from the tender period")
		}
		tendering := t.Status == StatusTendering
		t.applyInput(in, now, newID, &p)
		if publish {
			t.Date = ptr(now)
			t.Status = t.publishedStatus()
			if t.TenderPeriod != nil {
				t.TenderPeriod.StartDate = ptr(now)
			}
		}
		if !t.rules().limited() && (publish || in.TenderPeriod != nil || tendering) {
			t.validateOpenPeriods(now, cal, &p)
		}
		if tendering {
			t.validateExtension(now, cal, &p)
			t.invalidateBids(now)
		}
	}
	if publish && t.rules().limited() {
		t.Date = ptr(now)
		t.Status = StatusActive
	}
	return p.Err()
}

// onlyStatus reports an input that carries nothing but a status.
func (in TenderInput) onlyStatus() bool {
	empty := TenderInput{Status: in.Status}
	return in.Title == nil && in.Description == nil && in.Value == nil && in.Items == nil && in.Lots == nil &&
		in.Features == nil && in.TenderPeriod == nil && in.EnquiryPeriod == nil && in.ProcuringEntity == nil &&
		in.MinimalStep == nil && in.Guarantee == nil && in.TitleEn == nil && in.DescriptionEn == nil &&
		in.MainProcurementCategory == nil && in.Documents == nil && empty.Status == in.Status
}

// patchEnquiryPeriods edits a procedure with a separate enquiry period.
func (t *Tender) patchEnquiryPeriods(in TenderInput, now time.Time, cal *Calendar, newID func() string, publish bool, p *Problems) {
	periodsChanged := in.EnquiryPeriod != nil || in.TenderPeriod != nil
	if t.Status == StatusEnquiries && in.EnquiryPeriod != nil && in.EnquiryPeriod.StartDate != nil &&
		!in.EnquiryPeriod.StartDate.Equal(*t.EnquiryPeriod.StartDate) {
		p.Add("enquiryPeriod.startDate", "Can't change enquiryPeriod.startDate after publication")
	}
	// A tender period that starts when enquiries end keeps doing so when the
	// enquiry end moves and no explicit start is sent.
	linked := t.EnquiryPeriod != nil && t.TenderPeriod != nil && t.EnquiryPeriod.EndDate != nil &&
		t.TenderPeriod.StartDate != nil && t.TenderPeriod.StartDate.Equal(*t.EnquiryPeriod.EndDate) &&
		(in.TenderPeriod == nil || in.TenderPeriod.StartDate == nil)
	t.applyInput(in, now, newID, p)
	if linked && t.EnquiryPeriod != nil && t.EnquiryPeriod.EndDate != nil && t.TenderPeriod != nil {
		t.TenderPeriod.StartDate = ptr(*t.EnquiryPeriod.EndDate)
	}
	if publish {
		// The enquiry period starts when the tender is published.
		t.EnquiryPeriod.StartDate = ptr(now)
		t.Date = ptr(now)
		t.Status = StatusEnquiries
	}
	if publish || periodsChanged {
		t.validatePeriods(now, cal, p)
	}
}

// invalidateBids marks every submitted bid invalid after the owner changed
// the conditions during tendering; bidders re-confirm by submitting again.
func (t *Tender) invalidateBids(now time.Time) {
	t.EnquiryPeriod.InvalidationDate = ptr(now)
	for i := range t.Bids {
		b := &t.Bids[i]
		if b.Status == BidPending || b.Status == BidActive {
			b.Status = BidInvalid
		}
	}
}

// nextCheck returns when the next time-driven event of t is due, or nil.
func (t *Tender) nextCheck() *time.Time {
	if t.Status.Final() || t.Status == StatusDraft {
		return nil
	}
	var next *time.Time
	consider := func(at *time.Time) {
		if at != nil && (next == nil || at.Before(*next)) {
			next = ptr(*at)
		}
	}
	consider(t.draftComplaintsDue())
	for i := range t.Cancellations {
		c := &t.Cancellations[i]
		if c.Status == CancellationPending && c.ComplaintPeriod != nil && !c.blocked() {
			consider(c.ComplaintPeriod.EndDate)
		}
	}
	if t.pendingCancellation("") != nil {
		return next // the tender waits for its cancellation
	}
	switch t.Status {
	case StatusEnquiries:
		consider(t.TenderPeriod.StartDate)
	case StatusTendering:
		if !t.hasUnansweredQuestions() && !t.tenderComplaintsBlock() {
			consider(t.TenderPeriod.EndDate)
		}
	case StatusPrequalStandstill:
		if !t.qualificationsBlocked() && t.QualificationPeriod != nil {
			consider(t.QualificationPeriod.EndDate)
		}
	case StatusAuction:
		for _, key := range t.auctionLots() {
			if !t.noAuction() {
				consider(t.auctionReplanAt(key))
			} else if ap := *t.lotAuctionPeriod(key); ap != nil {
				consider(ap.StartDate)
			}
		}
	case StatusQualification, StatusAwarded:
		for _, key := range t.lotKeys() {
			if t.lotExhausted(key) && !t.lotAwardsBlocked(key) {
				consider(t.lastStandstillEnd(key))
			}
		}
	}
	return next
}

// advance applies every time-driven event due at now, in order, and returns
// whether anything changed.
func (t *Tender) advance(now time.Time, cal *Calendar, newID func() string) bool {
	changed := false
	for i := 0; i < 16; i++ {
		at := t.nextCheck()
		if at == nil || at.After(now) {
			break
		}
		if !t.runEvents(now, cal, newID) {
			break
		}
		changed = true
	}
	t.NextCheck = t.nextCheck()
	return changed
}

// runEvents applies the events due at now once and reports whether any was.
func (t *Tender) runEvents(now time.Time, cal *Calendar, newID func() string) bool {
	changed := t.expireDraftComplaints(now)
	for i := range t.Cancellations {
		c := &t.Cancellations[i]
		if c.Status == CancellationPending && c.ComplaintPeriod != nil && !c.ComplaintPeriod.EndDate.After(now) && !c.blocked() {
			t.activateCancellation(c, now, cal, newID)
			changed = true
		}
	}
	if t.Status.Final() || t.pendingCancellation("") != nil {
		return changed
	}
	switch t.Status {
	case StatusEnquiries:
		if !t.TenderPeriod.StartDate.After(now) {
			t.Status = StatusTendering
			changed = true
		}
	case StatusTendering:
		if !t.TenderPeriod.EndDate.After(now) && !t.hasUnansweredQuestions() && !t.tenderComplaintsBlock() {
			t.endTendering(now, cal, newID)
			changed = true
		}
	case StatusPrequalStandstill:
		if !t.QualificationPeriod.EndDate.After(now) && !t.qualificationsBlocked() {
			t.endPrequalification(now, cal, newID)
			changed = true
		}
	case StatusAuction:
		if t.noAuction() {
			for _, key := range t.auctionLots() {
				if ap := *t.lotAuctionPeriod(key); ap != nil && ap.StartDate != nil && !ap.StartDate.After(now) {
					t.recordAuction(key, nil, now)
					changed = true
				}
			}
			if changed {
				t.afterAuction(now, cal, newID)
			}
		} else {
			changed = t.replanAuctions(now, cal) || changed
		}
	case StatusQualification, StatusAwarded:
		for _, key := range t.lotKeys() {
			end := t.lastStandstillEnd(key)
			if t.lotExhausted(key) && !t.lotAwardsBlocked(key) && end != nil && !end.After(now) {
				t.closeLot(key, LotUnsuccessful, now)
				changed = true
			}
		}
		if changed {
			t.deriveStatus(now)
		}
	}
	return changed
}

func (t *Tender) hasUnansweredQuestions() bool {
	for _, q := range t.Questions {
		if q.Answer == "" && (q.QuestionOf != "lot" || t.lotOpen(q.RelatedItem)) {
			return true
		}
	}
	return false
}

// endTendering closes the tender period: drafts, deleted bids and bids the
// store committed after the deadline are dropped, bids invalidated by an
// edit and not re-confirmed stay invalid, and each lot moves on by its
// number of bids.
func (t *Tender) endTendering(now time.Time, cal *Calendar, newID func() string) {
	end := *t.TenderPeriod.EndDate
	// Answered claims the author never confirmed take the buyer's resolution.
	for i := range t.Complaints {
		c := &t.Complaints[i]
		if c.Type == TypeClaim && c.Status == ComplaintAnswered && c.ResolutionType != "" {
			c.Status = c.ResolutionType
		}
	}
	kept := t.Bids[:0]
	for _, b := range t.Bids {
		if b.Status == BidDraft || b.Status == BidDeleted {
			continue
		}
		if at, ok := t.BidCommits[b.ID]; ok && at.After(end) {
			continue
		}
		kept = append(kept, b)
	}
	t.Bids = kept
	if len(t.Bids) == 0 {
		t.Bids = nil
	}
	// Offers for lots that were cancelled meanwhile do not count.
	for i := range t.Bids {
		b := &t.Bids[i]
		for j := range b.LotValues {
			if !t.lotOpen(b.LotValues[j].RelatedLot) {
				b.LotValues[j].Status = BidUnsuccessful
			}
		}
	}
	if t.Config.HasPrequalification {
		t.startPrequalification(now, newID)
		return
	}
	for i := range t.Bids {
		if t.Bids[i].Status == BidPending {
			t.Bids[i].Status = BidActive
			for j := range t.Bids[i].LotValues {
				if t.Bids[i].LotValues[j].Status == "" || t.Bids[i].LotValues[j].Status == BidPending {
					t.Bids[i].LotValues[j].Status = BidActive
				}
			}
		}
	}
	t.checkBidsNumber(now)
	t.calcWeightedValues()
	t.toAuctionOrAwarding(end, now, cal, newID)
}

// checkBidsNumber closes the lots with fewer competing offers than the
// procedure's minimum; their offers become unsuccessful.
func (t *Tender) checkBidsNumber(now time.Time) {
	for _, key := range t.lotKeys() {
		os := t.offers(key)
		if len(os) >= t.Config.MinBidsNumber && len(os) > 0 {
			continue
		}
		for _, o := range os {
			if o.lv != nil {
				o.lv.Status = BidUnsuccessful
			} else {
				o.bid.Status = BidUnsuccessful
			}
		}
		t.closeLot(key, LotUnsuccessful, now)
	}
	// A bid that lost every lot is unsuccessful as a whole.
	for i := range t.Bids {
		b := &t.Bids[i]
		if len(b.LotValues) == 0 || b.Status != BidActive {
			continue
		}
		any := false
		for _, lv := range b.LotValues {
			any = any || lv.Status == BidActive || lv.Status == BidPending
		}
		if !any {
			b.Status = BidUnsuccessful
		}
	}
	t.deriveStatus(now)
}

// auctionLots returns the open lots that need an auction: two or more
// offers and no result yet.
func (t *Tender) auctionLots() []string {
	var out []string
	if !t.Config.HasAuction {
		return nil
	}
	for _, key := range t.lotKeys() {
		ap := *t.lotAuctionPeriod(key)
		if len(t.offers(key)) >= 2 && (ap == nil || ap.EndDate == nil) {
			out = append(out, key)
		}
	}
	return out
}

// toAuctionOrAwarding plans an auction for each lot that needs one (each
// on its own, see planAuction), or starts awarding when none does; after is
// when the tender left its previous phase.
func (t *Tender) toAuctionOrAwarding(after time.Time, now time.Time, cal *Calendar, newID func() string) {
	if t.Status.Final() {
		return
	}
	lots := t.auctionLots()
	if len(lots) == 0 {
		t.startAwarding(now, cal, newID)
		return
	}
	t.Status = StatusAuction
	for _, key := range lots {
		t.planAuction(key, after, now, cal)
	}
}

// startAwarding opens awarding on every open lot.
func (t *Tender) startAwarding(now time.Time, cal *Calendar, newID func() string) {
	if t.AwardPeriod == nil {
		t.AwardPeriod = &Period{StartDate: ptr(now)}
	}
	t.Status = StatusQualification
	for _, key := range t.lotKeys() {
		t.addNextAward(key, now, cal, newID)
	}
	t.deriveStatus(now)
}

// deriveStatus sets the tender's status from its lots and awards: final
// when every lot is, otherwise qualification while an award waits for a
// decision and awarded when none does.
func (t *Tender) deriveStatus(now time.Time) {
	if len(t.Lots) > 0 {
		counts := map[string]int{}
		for _, l := range t.Lots {
			counts[l.Status]++
		}
		if counts[LotActive] == 0 {
			switch {
			case counts[LotCancelled] == len(t.Lots):
				t.Status = StatusCancelled
			case counts[LotComplete] > 0:
				t.Status = StatusComplete
			default:
				t.Status = StatusUnsuccessful
			}
		}
	}
	if t.Status.Final() {
		if t.AwardPeriod != nil && t.AwardPeriod.EndDate == nil {
			t.AwardPeriod.EndDate = ptr(now)
		}
		return
	}
	if t.Status != StatusQualification && t.Status != StatusAwarded {
		return
	}
	pending := false
	for _, a := range t.Awards {
		if a.Status == AwardPending && t.lotOpen(a.LotID) {
			pending = true
		}
	}
	if pending {
		t.Status = StatusQualification
		t.AwardPeriod.EndDate = nil
	} else {
		t.Status = StatusAwarded
		if t.AwardPeriod.EndDate == nil {
			t.AwardPeriod.EndDate = ptr(now)
		}
	}
}

// AuctionValue is one lot's (or the tender's) result price of a bid.
type AuctionValue struct {
	Amount   Amount `json:"amount"`
	Currency string `json:"currency,omitempty"`
	VAT      *bool  `json:"valueAddedTaxIncluded,omitempty"`
}

// AuctionBid is one entry of the auction results, aligned with the tender's
// bids: value for a tender without lots, lotValues with lots.
type AuctionBid struct {
	ID        string        `json:"id"`
	Value     *AuctionValue `json:"value"`
	LotValues []struct {
		RelatedLot string        `json:"relatedLot"`
		Value      *AuctionValue `json:"value"`
	} `json:"lotValues"`
}

// AuctionResults is the auction role's POST /auction body.
type AuctionResults struct {
	Bids []AuctionBid `json:"bids"`
}

// validateAuctionResults checks results for lot key against the tender's
// bids: the same bids in the same order, each amount positive and not above
// the sealed offer.
func (t *Tender) validateAuctionResults(key string, res AuctionResults) error {
	if err := t.checkAuctionLot(key, "report auction results"); err != nil {
		return err
	}
	var p Problems
	if len(res.Bids) != len(t.Bids) {
		p.Add("bids", "Number of auction results did not match the number of tender bids")
		return p.Err()
	}
	for i, rb := range res.Bids {
		b := &t.Bids[i]
		name := "bids[" + itoa(i) + "]"
		if rb.ID != b.ID {
			p.Add(name+".id", "Auction bids should be identical to the tender bids")
			continue
		}
		o, ok := b.offerFor(key)
		if !ok || !o.active() {
			continue // not in this auction: whatever was sent is ignored
		}
		rv := rb.Value
		if key != "" {
			rv = nil
			for _, lv := range rb.LotValues {
				if lv.RelatedLot == key {
					rv = lv.Value
				}
			}
			name += ".lotValues(" + key + ")"
		}
		if rv == nil {
			p.Add(name+".value", "This field is required.")
			continue
		}
		sealed := o.value()
		switch {
		case !rv.Amount.IsPositive():
			p.Add(name+".value.amount", "Float value should be greater than 0.")
		case rv.Amount.Places() > 2:
			p.Add(name+".value.amount", "Amount must have at most 2 decimal places")
		case rv.Amount.Cmp(sealed.Amount) > 0:
			p.Add(name+".value.amount", "Auction result can't be higher than the sealed bid (%s)", sealed.Amount)
		}
		if rv.Currency != "" && rv.Currency != sealed.Currency {
			p.Add(name+".value.currency", "currency of bid should be identical to currency of value of tender")
		}
		if rv.VAT != nil && *rv.VAT != boolOr(sealed.ValueAddedTaxIncluded, true) {
			p.Add(name+".value.valueAddedTaxIncluded", "valueAddedTaxIncluded of bid should be identical to valueAddedTaxIncluded of value of tender")
		}
	}
	return p.Err()
}

// recordAuction stores lot key's final prices (nil: the sealed offers stand,
// as in the sandbox's no-auction mode) and closes its auction period.
func (t *Tender) recordAuction(key string, res *AuctionResults, now time.Time) {
	for i := range t.Bids {
		o, ok := t.Bids[i].offerFor(key)
		if !ok || !o.active() {
			continue
		}
		initial := *o.value()
		if o.lv != nil {
			o.lv.InitialValue = &initial
		} else {
			o.bid.InitialValue = &initial
		}
		if res == nil {
			continue
		}
		rv := res.Bids[i].Value
		for _, lv := range res.Bids[i].LotValues {
			if key != "" && lv.RelatedLot == key {
				rv = lv.Value
			}
		}
		v := initial
		v.Amount = rv.Amount
		o.setValue(&v)
	}
	ap := t.lotAuctionPeriod(key)
	if *ap == nil {
		*ap = &Period{}
	}
	if (*ap).StartDate == nil || (*ap).StartDate.After(now) {
		(*ap).StartDate = ptr(now)
	}
	(*ap).EndDate = ptr(now)
}

// afterAuction starts awarding once every lot's auction has a result.
func (t *Tender) afterAuction(now time.Time, cal *Calendar, newID func() string) {
	if len(t.auctionLots()) > 0 {
		return
	}
	t.calcWeightedValues()
	t.Status = StatusQualification
	t.startAwarding(now, cal, newID)
}

// lotExhausted reports a lot whose awarding ran out: no award pending or
// active and no offer left to award.
func (t *Tender) lotExhausted(key string) bool {
	if !t.lotOpen(key) {
		return false
	}
	any := false
	for _, a := range t.Awards {
		if a.LotID != key {
			continue
		}
		any = true
		if a.Status == AwardPending || a.Status == AwardActive {
			return false
		}
	}
	return any && len(t.awardCandidates(key)) == 0
}

// lastStandstillEnd returns the latest award complaint period end of lot key
// (the moment of the last decision when the procedure has none).
func (t *Tender) lastStandstillEnd(key string) *time.Time {
	var last *time.Time
	for _, a := range t.Awards {
		if a.LotID != key {
			continue
		}
		end := &a.Date
		if a.ComplaintPeriod != nil && a.ComplaintPeriod.EndDate != nil {
			end = a.ComplaintPeriod.EndDate
		}
		if last == nil || end.After(*last) {
			last = ptr(*end)
		}
	}
	return last
}

// awardCandidates returns lot key's competing offers without an award that
// is pending, active or unsuccessful, best first.
func (t *Tender) awardCandidates(key string) []offer {
	decided := map[string]bool{}
	for _, a := range t.Awards {
		if a.LotID == key && a.Status != AwardCancelled {
			decided[a.BidID] = true
		}
	}
	var out []offer
	for _, o := range t.offers(key) {
		if !decided[o.bid.ID] {
			out = append(out, o)
		}
	}
	t.rankOffers(key, out)
	return out
}

// addNextAward creates the next pending award(s) of lot key: with an
// awarding order one at a time for the best offer not yet decided on,
// otherwise one for every such offer.
func (t *Tender) addNextAward(key string, now time.Time, cal *Calendar, newID func() string) {
	if !t.lotOpen(key) {
		return
	}
	c := t.Config
	for _, a := range t.Awards {
		if a.LotID != key {
			continue
		}
		if c.HasAwardingOrder && (a.Status == AwardPending || a.Status == AwardActive && !c.HasMultiSourcing) {
			return
		}
	}
	cands := t.awardCandidates(key)
	if c.HasAwardingOrder && len(cands) > 1 {
		cands = cands[:1]
	}
	for _, o := range cands {
		t.Awards = append(t.Awards, t.newAward(key, o, now, cal, newID))
	}
}

func (t *Tender) newAward(key string, o offer, now time.Time, cal *Calendar, newID func() string) Award {
	a := Award{
		ID: newID(), BidID: o.bid.ID, LotID: key, Status: AwardPending, Date: now,
		Value: *o.value(), Suppliers: o.bid.Tenderers, WeightedValue: *o.weighted(),
		Period: &Period{StartDate: ptr(now), EndDate: ptr(cal.AddDuration(now, t.rules().awardDecisionDays, true, t.accelerator()))},
	}
	if t.rules().alp && t.abnormallyLow(key, o) {
		a.Milestones = []Milestone{{
			ID: newID(), Code: "alp", Status: "scheduled", Date: now,
			Description: "Abnormally low price: the bidder may explain it before the decision",
			DueDate:     cal.AddDuration(now, 1, true, t.accelerator()),
		}}
	}
	return a
}

var (
	alpMeanShare = decimal.RequireFromString("0.6") // ≥ 40 % below the mean of the others' initial prices
	alpNextShare = decimal.RequireFromString("0.7") // ≥ 30 % below the next price
)

// abnormallyLow reports the abnormally-low-price rule for offer o of lot
// key: its price is at least 40 % below the mean of the other offers'
// initial prices, or at least 30 % below the next best offer.
func (t *Tender) abnormallyLow(key string, o offer) bool {
	all := t.offers(key)
	if len(all) < 2 {
		return false
	}
	price := o.value().Amount.d
	sum, n := decimal.Zero, 0
	for _, x := range all {
		if x.bid == o.bid {
			continue
		}
		v := x.initialValue()
		if v == nil {
			v = x.value()
		}
		sum = sum.Add(v.Amount.d)
		n++
	}
	if n > 0 && price.Mul(decimal.NewFromInt(int64(n))).Cmp(sum.Mul(alpMeanShare)) <= 0 {
		return true
	}
	t.rankOffers(key, all)
	for i, x := range all {
		if x.bid == o.bid && i+1 < len(all) {
			return price.Cmp(all[i+1].value().Amount.d.Mul(alpNextShare)) <= 0
		}
	}
	return false
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
