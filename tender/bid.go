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
	if in.Value == nil {
		p.Add("value", "This field is required.")
	}
	if in.Status == nil {
		in.Status = ptr(BidPending)
	}
	t.applyBidInput(&b, in, now, newID, &p)
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
	wasDraft := b.Status == BidDraft
	t.applyBidInput(b, in, now, newID, &p)
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
		case *in.Status == BidPending && (b.Status == BidDraft || b.Status == BidPending):
			b.Status = BidPending
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
	if in.Value != nil {
		v := *in.Value
		if v.Currency == "" {
			v.Currency = t.Value.Currency
		}
		if v.ValueAddedTaxIncluded == nil {
			v.ValueAddedTaxIncluded = t.Value.ValueAddedTaxIncluded
		}
		validateValue("value", &v, p)
		c := t.Config
		if c.HasValueRestriction && v.Amount.Cmp(t.Value.Amount) > 0 {
			p.Add("value", "value of bid should be less than value of tender")
		}
		if c.ValueCurrencyEquality && v.Currency != t.Value.Currency {
			p.Add("value", "currency of bid should be identical to currency of value of tender")
		}
		if c.ValueCurrencyEquality && boolOr(v.ValueAddedTaxIncluded, true) != boolOr(t.Value.ValueAddedTaxIncluded, true) {
			p.Add("value", "valueAddedTaxIncluded of bid should be identical to valueAddedTaxIncluded of value of tender")
		}
		b.Value = &v
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
