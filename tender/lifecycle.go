package tender

import (
	"sort"
	"time"
)

// editable reports whether the owner may edit the tender's conditions.
func (t *Tender) editable() bool {
	return t.Status == StatusDraft || t.Status == StatusEnquiries
}

// patch applies an owner's edit: conditions in draft and active.enquiries,
// and publication (status draft → active.enquiries).
func (t *Tender) patch(in TenderInput, now time.Time, cal *Calendar, sandbox bool, newID func() string) error {
	if !t.editable() {
		return statusForbidden("update tender", t.Status)
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
		if t.Status == StatusDraft && *in.Status == StatusEnquiries {
			publish = true
		} else {
			p.Add("status", "Can't change status from %s to %s", t.Status, *in.Status)
		}
	}
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
	t.applyInput(in, now, newID, &p)
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
		t.validatePeriods(now, cal, &p)
	}
	return p.Err()
}

// NextCheck returns when the next time-driven event of t is due, or nil.
func (t *Tender) nextCheck() *time.Time {
	var next *time.Time
	consider := func(at *time.Time) {
		if at != nil && (next == nil || at.Before(*next)) {
			next = ptr(*at)
		}
	}
	switch t.Status {
	case StatusEnquiries:
		consider(t.TenderPeriod.StartDate)
	case StatusTendering:
		if !t.hasUnansweredQuestions() {
			consider(t.TenderPeriod.EndDate)
		}
	case StatusAuction:
		if t.noAuction() && t.AuctionPeriod != nil {
			consider(t.AuctionPeriod.StartDate)
		}
	case StatusQualification:
		if t.allAwardsUnsuccessful() {
			consider(t.lastStandstillEnd())
		}
	}
	return next
}

// advance applies every time-driven event due at now, in order, and returns
// whether anything changed.
func (t *Tender) advance(now time.Time, cal *Calendar, newID func() string) bool {
	changed := false
	for i := 0; i < 8; i++ {
		at := t.nextCheck()
		if at == nil || at.After(now) {
			break
		}
		switch t.Status {
		case StatusEnquiries:
			t.Status = StatusTendering
		case StatusTendering:
			t.endTendering(now, cal, newID)
		case StatusAuction:
			t.applyAuctionResults(nil, now, cal, newID)
		case StatusQualification:
			t.Status = StatusUnsuccessful
			if t.AwardPeriod != nil && t.AwardPeriod.EndDate == nil {
				t.AwardPeriod.EndDate = ptr(now)
			}
		}
		changed = true
	}
	t.NextCheck = t.nextCheck()
	return changed
}

func (t *Tender) hasUnansweredQuestions() bool {
	for _, q := range t.Questions {
		if q.Answer == "" {
			return true
		}
	}
	return false
}

// endTendering closes the tender period: drafts, deleted bids and bids the
// store committed after the deadline are dropped, the rest activated, and the
// tender moves on by the number of bids.
func (t *Tender) endTendering(now time.Time, cal *Calendar, newID func() string) {
	end := *t.TenderPeriod.EndDate
	kept := t.Bids[:0]
	for _, b := range t.Bids {
		if b.Status == BidDraft || b.Status == BidDeleted {
			continue
		}
		if at, ok := t.BidCommits[b.ID]; ok && at.After(end) {
			continue
		}
		b.Status = BidActive
		kept = append(kept, b)
	}
	t.Bids = kept
	if len(t.Bids) == 0 {
		t.Bids = nil
	}
	n := len(t.Bids)
	switch {
	case n < t.Config.MinBidsNumber || n == 0:
		t.Status = StatusUnsuccessful
		for i := range t.Bids {
			t.Bids[i].Status = BidUnsuccessful
		}
	case n == 1 || !t.Config.HasAuction:
		t.AwardPeriod = &Period{StartDate: ptr(now)}
		t.addNextAward(now, cal, newID)
	default:
		t.Status = StatusAuction
		// The auction service replans; until then it may start an hour
		// (accelerated in the sandbox) after the tender period.
		start := end.Add(time.Hour / time.Duration(t.accelerator())).Truncate(time.Microsecond)
		if start.Before(now) {
			start = now
		}
		t.AuctionPeriod = &Period{ShouldStartAfter: ptr(end), StartDate: ptr(start)}
	}
}

// AuctionBid is one entry of the auction results, aligned with the tender's bids.
type AuctionBid struct {
	ID    string `json:"id"`
	Value *struct {
		Amount   Amount `json:"amount"`
		Currency string `json:"currency,omitempty"`
		VAT      *bool  `json:"valueAddedTaxIncluded,omitempty"`
	} `json:"value"`
}

// AuctionResults is the auction role's POST /auction body.
type AuctionResults struct {
	Bids []AuctionBid `json:"bids"`
}

// validateAuctionResults checks results against the tender's bids: the same
// bids in the same order, each amount positive and not above the sealed bid.
func (t *Tender) validateAuctionResults(res AuctionResults) error {
	if t.Status != StatusAuction {
		return statusForbidden("report auction results", t.Status)
	}
	var p Problems
	if len(res.Bids) != len(t.Bids) {
		p.Add("bids", "Number of auction results did not match the number of tender bids")
		return p.Err()
	}
	for i, rb := range res.Bids {
		b := t.Bids[i]
		name := "bids[" + itoa(i) + "]"
		if rb.ID != b.ID {
			p.Add(name+".id", "Auction bids should be identical to the tender bids")
			continue
		}
		if rb.Value == nil {
			p.Add(name+".value", "This field is required.")
			continue
		}
		switch {
		case !rb.Value.Amount.IsPositive():
			p.Add(name+".value.amount", "Float value should be greater than 0.")
		case rb.Value.Amount.Places() > 2:
			p.Add(name+".value.amount", "Amount must have at most 2 decimal places")
		case rb.Value.Amount.Cmp(b.Value.Amount) > 0:
			p.Add(name+".value.amount", "Auction result can't be higher than the sealed bid (%s)", b.Value.Amount)
		}
		if rb.Value.Currency != "" && rb.Value.Currency != b.Value.Currency {
			p.Add(name+".value.currency", "currency of bid should be identical to currency of value of tender")
		}
		if rb.Value.VAT != nil && *rb.Value.VAT != boolOr(b.Value.ValueAddedTaxIncluded, true) {
			p.Add(name+".value.valueAddedTaxIncluded", "valueAddedTaxIncluded of bid should be identical to valueAddedTaxIncluded of value of tender")
		}
	}
	return p.Err()
}

// applyAuctionResults records the auction's final prices (nil: the sealed
// bids stand, as in the sandbox's no-auction mode) and starts awarding.
func (t *Tender) applyAuctionResults(res *AuctionResults, now time.Time, cal *Calendar, newID func() string) {
	for i := range t.Bids {
		b := &t.Bids[i]
		initial := *b.Value
		b.InitialValue = &initial
		if res != nil {
			v := *b.Value
			v.Amount = res.Bids[i].Value.Amount
			b.Value = &v
		}
	}
	if t.AuctionPeriod == nil {
		t.AuctionPeriod = &Period{}
	}
	if t.AuctionPeriod.StartDate == nil || t.AuctionPeriod.StartDate.After(now) {
		t.AuctionPeriod.StartDate = ptr(now)
	}
	t.AuctionPeriod.EndDate = ptr(now)
	t.AwardPeriod = &Period{StartDate: ptr(now)}
	t.addNextAward(now, cal, newID)
}

// addNextAward creates a pending award for the best bid not yet decided on
// (lowest price, then earliest bid) and sets the status that follows.
func (t *Tender) addNextAward(now time.Time, cal *Calendar, newID func() string) {
	decided := map[string]bool{}
	for _, a := range t.Awards {
		if a.Status == AwardPending {
			t.Status = StatusQualification
			return
		}
		if a.Status == AwardActive || a.Status == AwardUnsuccessful {
			decided[a.BidID] = true
		}
	}
	var candidates []Bid
	for _, b := range t.Bids {
		if b.Status == BidActive && !decided[b.ID] {
			candidates = append(candidates, b)
		}
	}
	sort.SliceStable(candidates, func(i, j int) bool {
		if c := candidates[i].Value.Amount.Cmp(candidates[j].Value.Amount); c != 0 {
			return c < 0
		}
		return candidates[i].Date.Before(candidates[j].Date)
	})
	t.Status = StatusQualification
	if len(candidates) == 0 {
		return
	}
	b := candidates[0]
	t.Awards = append(t.Awards, Award{
		ID: newID(), BidID: b.ID, Status: AwardPending, Date: now,
		Value: *b.Value, Suppliers: b.Tenderers,
		Period: &Period{StartDate: ptr(now), EndDate: ptr(cal.AddDuration(now, t.rules().awardDecisionDays, true, t.accelerator()))},
	})
}

func (t *Tender) allAwardsUnsuccessful() bool {
	if len(t.Awards) == 0 {
		return false
	}
	for _, a := range t.Awards {
		if a.Status != AwardUnsuccessful && a.Status != AwardCancelled {
			return false
		}
	}
	return true
}

func (t *Tender) lastStandstillEnd() *time.Time {
	var last *time.Time
	for _, a := range t.Awards {
		if a.ComplaintPeriod != nil && a.ComplaintPeriod.EndDate != nil && (last == nil || a.ComplaintPeriod.EndDate.After(*last)) {
			last = a.ComplaintPeriod.EndDate
		}
	}
	return last
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
