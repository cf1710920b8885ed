package tender

import (
	"fmt"
	"time"
)

// BidInput is what a bidder sends to submit (POST) or change (PATCH) a bid.
type BidInput struct {
	Tenderers     []Organization `json:"tenderers"`
	Value         *Value         `json:"value"`
	Status        *string        `json:"status"`
	SelfQualified *bool          `json:"selfQualified"`
	SelfEligible  *bool          `json:"selfEligible"`
	LotValues     []LotValue     `json:"lotValues"`
	Parameters    []Parameter    `json:"parameters"`
	Documents     []Document     `json:"documents"`
}

// checkBidPeriod refuses bid changes outside active.tendering's window.
func (t *Tender) checkBidPeriod(now time.Time, what string) error {
	if t.Status != StatusTendering {
		return statusForbidden(what, t.Status)
	}
	tp := t.TenderPeriod
	if now.Before(*tp.StartDate) || !now.Before(*tp.EndDate) {
		return Forbidden("Bid can be %s only during the tendering period: from (%s) to (%s).", what,
			tp.StartDate.Format(time.RFC3339), tp.EndDate.Format(time.RFC3339))
	}
	return nil
}

func (t *Tender) addBid(in BidInput, now time.Time, id string, newID func() string) (*Bid, error) {
	if err := t.checkBidPeriod(now, "add bid"); err != nil {
		return nil, err
	}
	b := Bid{ID: id, Status: BidPending, Date: now}
	var p Problems
	if len(in.Tenderers) == 0 {
		p.Add("tenderers", "Please provide at least 1 item.")
	}
	switch {
	case len(t.Lots) == 0 && in.Value == nil:
		p.Add("value", "This field is required.")
	case len(t.Lots) > 0 && len(in.LotValues) == 0:
		p.Add("lotValues", "This field is required.")
	}
	if in.Status == nil {
		in.Status = ptr(BidPending)
	}
	t.applyBidInput(&b, in, now, newID, &p)
	t.validateParameters(&b, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, tr := range b.Tenderers {
		if tr.Identifier.Scheme == t.ProcuringEntity.Identifier.Scheme && tr.Identifier.ID == t.ProcuringEntity.Identifier.ID {
			return nil, Forbidden("The procuring entity can't bid on its own tender")
		}
	}
	if b.Status == BidPending {
		b.SubmissionDate = ptr(now)
	}
	t.Bids = append(t.Bids, b)
	return &t.Bids[len(t.Bids)-1], nil
}

func (t *Tender) patchBid(b *Bid, in BidInput, now time.Time, newID func() string) error {
	if err := t.checkBidPeriod(now, "update bid"); err != nil {
		return err
	}
	if b.Status == BidDeleted {
		return Forbidden("Can't update bid in (deleted) status")
	}
	var p Problems
	if in.Documents != nil {
		p.Add("documents", "Add documents with POST /bids/{id}/documents")
	}
	if in.Tenderers != nil && len(in.Tenderers) == 0 {
		p.Add("tenderers", "Please provide at least 1 item.")
	}
	wasDraft := b.Status == BidDraft || b.Status == BidInvalid
	t.applyBidInput(b, in, now, newID, &p)
	if in.Parameters != nil || in.LotValues != nil {
		t.validateParameters(b, &p)
	}
	if err := p.Err(); err != nil {
		return err
	}
	b.Date = now
	if wasDraft && b.Status == BidPending {
		b.SubmissionDate = ptr(now)
	}
	return nil
}

func (t *Tender) applyBidInput(b *Bid, in BidInput, now time.Time, newID func() string, p *Problems) {
	if in.Status != nil {
		switch {
		case *in.Status == b.Status:
		case *in.Status == BidPending && (b.Status == BidDraft || b.Status == BidPending || b.Status == BidInvalid):
			b.Status = BidPending // submit, or re-confirm after the owner changed the tender
		case *in.Status == BidDraft && b.Status == BidPending && b.Value == nil:
			b.Status = BidDraft // a new bid may start as a draft
		default:
			p.Add("status", "Value must be one of: draft, pending (a submitted bid can't go back to draft)")
		}
	}
	if in.Tenderers != nil {
		for i, tr := range in.Tenderers {
			validateOrganization(fmt.Sprintf("tenderers[%d]", i), tr, true, p)
		}
		b.Tenderers = in.Tenderers
	}
	if in.SelfQualified != nil {
		b.SelfQualified = in.SelfQualified
	}
	if in.SelfEligible != nil {
		b.SelfEligible = in.SelfEligible
	}
	if in.Value != nil {
		if len(t.Lots) > 0 {
			p.Add("value", "Rogue field: with lots the bid's values go in lotValues")
		} else {
			b.Value = t.checkOffer("value", "", *in.Value, p)
		}
	}
	if in.LotValues != nil {
		if len(t.Lots) == 0 {
			p.Add("lotValues", "Rogue field: the tender has no lots")
		}
		seen := map[string]bool{}
		lvs := make([]LotValue, 0, len(in.LotValues))
		for i, lv := range in.LotValues {
			name := fmt.Sprintf("lotValues[%d]", i)
			switch {
			case t.lot(lv.RelatedLot) == nil:
				p.Add(name+".relatedLot", "relatedLot should be one of lots")
				continue
			case !t.lotOpen(lv.RelatedLot):
				p.Add(name+".relatedLot", "Can bid only on an active lot")
				continue
			case seen[lv.RelatedLot]:
				p.Add(name+".relatedLot", "Only one offer per lot")
				continue
			case lv.Value == nil:
				p.Add(name+".value", "This field is required.")
				continue
			}
			seen[lv.RelatedLot] = true
			out := LotValue{RelatedLot: lv.RelatedLot, Status: BidPending, Date: ptr(now)}
			out.Value = t.checkOffer(name+".value", lv.RelatedLot, *lv.Value, p)
			lvs = append(lvs, out)
		}
		b.LotValues = lvs
	}
	if in.Parameters != nil {
		b.Parameters = in.Parameters
	}
	for i, d := range in.Documents {
		doc, err := newDocument(d, now, newID)
		if err != nil {
			prefixProblems(p, fmt.Sprintf("documents[%d].", i), err)
			continue
		}
		b.Documents = append(b.Documents, doc)
	}
}

// checkOffer validates an offer for lot key against the lot's (or the
// tender's) value as the config requires.
func (t *Tender) checkOffer(name, key string, v Value, p *Problems) *Value {
	limit := t.lotValue(key)
	if v.Currency == "" {
		v.Currency = limit.Currency
	}
	if v.ValueAddedTaxIncluded == nil {
		v.ValueAddedTaxIncluded = limit.ValueAddedTaxIncluded
	}
	validateValue(name, &v, p)
	c, of := t.Config, "tender"
	if key != "" {
		of = "lot"
	}
	if c.HasValueRestriction && v.Amount.Cmp(limit.Amount) > 0 {
		p.Add(name, "value of bid should be less than value of %s", of)
	}
	if c.ValueCurrencyEquality && v.Currency != limit.Currency {
		p.Add(name, "currency of bid should be identical to currency of value of %s", of)
	}
	if c.ValueCurrencyEquality && boolOr(v.ValueAddedTaxIncluded, true) != boolOr(limit.ValueAddedTaxIncluded, true) {
		p.Add(name, "valueAddedTaxIncluded of bid should be identical to valueAddedTaxIncluded of value of %s", of)
	}
	return &v
}

func (t *Tender) deleteBid(b *Bid, now time.Time) error {
	if err := t.checkBidPeriod(now, "delete bid"); err != nil {
		return err
	}
	if b.Status == BidDeleted {
		return Forbidden("Can't delete bid in (deleted) status")
	}
	b.Status = BidDeleted
	b.Date = now
	return nil
}

func (t *Tender) bid(id string) *Bid {
	for i := range t.Bids {
		if t.Bids[i].ID == id {
			return &t.Bids[i]
		}
	}
	return nil
}
