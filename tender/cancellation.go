package tender

import (
	"strings"
	"time"
)

// CancellationInput is the owner's request to cancel the tender or a lot.
type CancellationInput struct {
	Reason         *string `json:"reason"`
	ReasonType     *string `json:"reasonType"`
	Status         *string `json:"status"`
	CancellationOf *string `json:"cancellationOf"`
	RelatedLot     *string `json:"relatedLot"`
}

func (t *Tender) cancellation(id string) *Cancellation {
	for i := range t.Cancellations {
		if t.Cancellations[i].ID == id {
			return &t.Cancellations[i]
		}
	}
	return nil
}

// hasCancellationWindow reports whether cancellations go through a
// complaint period before they take effect (not for a draft tender, which
// nobody could have relied on).
func (t *Tender) hasCancellationWindow() bool {
	return t.Config.HasCancellationComplaints && t.Config.CancellationComplainDur > 0 && t.Status != StatusDraft
}

func (t *Tender) checkReason(reasonType string, p *Problems) bool {
	for _, r := range t.rules().cancelReasons {
		if r == reasonType {
			return true
		}
	}
	p.Add("reasonType", "Value must be one of: %s", strings.Join(t.rules().cancelReasons, ", "))
	return false
}

// addCancellation records a cancellation. Where the procedure has no
// cancellation complaint period, status active cancels at once; otherwise
// the owner attaches the cancellation report and sets it pending.
func (t *Tender) addCancellation(in CancellationInput, now time.Time, cal *Calendar, newID func() string) (*Cancellation, error) {
	if t.Status.Final() {
		return nil, statusForbidden("perform cancellation", t.Status)
	}
	var p Problems
	c := Cancellation{ID: newID(), Status: CancellationDraft, Date: now, CancellationOf: "tender"}
	if in.Reason == nil || *in.Reason == "" {
		p.Add("reason", "This field is required.")
	} else {
		c.Reason = *in.Reason
	}
	if in.ReasonType == nil {
		p.Add("reasonType", "This field is required.")
	} else if t.checkReason(*in.ReasonType, &p) {
		c.ReasonType = *in.ReasonType
	}
	if in.CancellationOf != nil {
		c.CancellationOf = *in.CancellationOf
	}
	switch c.CancellationOf {
	case "tender":
		if in.RelatedLot != nil && *in.RelatedLot != "" {
			p.Add("relatedLot", "relatedLot is allowed only for cancellationOf lot")
		}
	case "lot":
		switch {
		case in.RelatedLot == nil || t.lot(*in.RelatedLot) == nil:
			p.Add("relatedLot", "relatedLot should be one of lots")
		case !t.lotOpen(*in.RelatedLot):
			return nil, Forbidden("Can perform cancellation only in active lot status")
		default:
			c.RelatedLot = *in.RelatedLot
		}
	default:
		p.Add("cancellationOf", "Value must be one of: tender, lot")
	}
	if in.Status != nil {
		switch *in.Status {
		case CancellationDraft:
		case CancellationActive:
			if t.hasCancellationWindow() {
				p.Add("status", "Cancellation goes through a %d-day complaint period: add the cancellationReport and set status pending", t.Config.CancellationComplainDur)
			}
		default:
			p.Add("status", "Value must be one of: draft, active")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := t.checkNotCancelling(c.RelatedLot); err != nil {
		return nil, err
	}
	t.Cancellations = append(t.Cancellations, c)
	cp := &t.Cancellations[len(t.Cancellations)-1]
	if in.Status != nil && *in.Status == CancellationActive {
		t.activateCancellation(cp, now, cal, newID)
	}
	return cp, nil
}

// patchCancellation edits a draft cancellation, sends it to its complaint
// period (pending), activates it where there is none, or withdraws it.
func (t *Tender) patchCancellation(id string, in CancellationInput, now time.Time, cal *Calendar, newID func() string) (*Cancellation, error) {
	c := t.cancellation(id)
	if c == nil {
		return nil, NotFound("cancellation_id")
	}
	if t.Status.Final() {
		return nil, statusForbidden("update cancellation", t.Status)
	}
	if c.Status != CancellationDraft && !(c.Status == CancellationPending && in.Status != nil && *in.Status == CancellationUnsuccessful) {
		return nil, Forbidden("Can't update cancellation in current (%s) status", c.Status)
	}
	var p Problems
	if in.CancellationOf != nil && *in.CancellationOf != c.CancellationOf {
		p.Add("cancellationOf", "Can't change cancellationOf")
	}
	if in.RelatedLot != nil && *in.RelatedLot != c.RelatedLot {
		p.Add("relatedLot", "Can't change relatedLot")
	}
	if in.ReasonType != nil && t.checkReason(*in.ReasonType, &p) {
		c.ReasonType = *in.ReasonType
	}
	if in.Reason != nil {
		if *in.Reason == "" {
			p.Add("reason", "This field is required.")
		}
		c.Reason = *in.Reason
	}
	if in.Status != nil && *in.Status != c.Status {
		switch *in.Status {
		case CancellationPending:
			if !t.hasCancellationWindow() {
				p.Add("status", "This procedure has no cancellation complaint period: set status active")
				break
			}
			if len(c.Documents) == 0 {
				return nil, Forbidden("Fields reason, cancellationOf and documents must be filled for switch cancellation to pending status")
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
			c.Status = CancellationPending
			c.ComplaintPeriod = &Period{StartDate: ptr(now),
				EndDate: ptr(cal.AddDuration(now, t.Config.CancellationComplainDur, false, t.accelerator()))}
		case CancellationActive:
			if t.hasCancellationWindow() {
				p.Add("status", "Cancellation goes through a %d-day complaint period: set status pending", t.Config.CancellationComplainDur)
				break
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
			t.activateCancellation(c, now, cal, newID)
		case CancellationUnsuccessful:
			if c.Status == CancellationPending && c.blocked() {
				return nil, Forbidden("Can't withdraw a cancellation while complaints on it are under review")
			}
			c.Status = CancellationUnsuccessful
		default:
			p.Add("status", "Value must be one of: pending, active, unsuccessful")
		}
	}
	return c, p.Err()
}

// activateCancellation cancels the tender or the lot. Sealed bids of a
// tender cancelled before bids were opened are dropped, so they never
// become public; with pre-qualification already passed they become
// invalid.pre-qualification. Pending awards, qualifications and contracts
// of what is cancelled are cancelled.
func (t *Tender) activateCancellation(c *Cancellation, now time.Time, cal *Calendar, newID func() string) {
	c.Status = CancellationActive
	c.Date = now
	lot := c.RelatedLot
	of := func(key string) bool { return c.CancellationOf == "tender" || key == lot }
	switch {
	case t.bidsSealed() && c.CancellationOf == "tender":
		t.Bids = nil
	case t.bidsSealed():
		kept := t.Bids[:0]
		for _, b := range t.Bids {
			lvs := b.LotValues[:0]
			for _, lv := range b.LotValues {
				if lv.RelatedLot != lot {
					lvs = append(lvs, lv)
				}
			}
			b.LotValues = lvs
			if len(b.LotValues) > 0 {
				kept = append(kept, b)
			}
		}
		t.Bids = kept
		if len(t.Bids) == 0 {
			t.Bids = nil
		}
	case t.Status == StatusPrequalification || t.Status == StatusPrequalStandstill:
		if c.CancellationOf == "tender" {
			for i := range t.Bids {
				t.Bids[i].Status = "invalid.pre-qualification"
			}
		}
	}
	for i := range t.Qualifications {
		if q := &t.Qualifications[i]; of(q.LotID) && q.Status == QualificationPending {
			q.Status, q.Date = QualificationCancelled, now
		}
	}
	for i := range t.Awards {
		if a := &t.Awards[i]; of(a.LotID) && a.Status == AwardPending {
			a.Status, a.Date = AwardCancelled, now
		}
	}
	for i := range t.Contracts {
		k := t.Contracts[i]
		if a := t.award(k.AwardID); a != nil && of(a.LotID) && k.Status == ContractPending {
			t.Contracts[i].Status = ContractCancelled
			t.Contracts[i].Date = now
		}
	}
	if c.CancellationOf == "tender" {
		for i := range t.Lots {
			if t.Lots[i].Status == LotActive {
				t.Lots[i].Status, t.Lots[i].Date = LotCancelled, ptr(now)
			}
		}
		t.Status = StatusCancelled
		t.NextCheck = nil
		return
	}
	t.closeLot(lot, LotCancelled, now)
	t.afterLotChange(now, cal, newID)
}

// afterLotChange moves the tender on when a lot's removal leaves the rest
// ready: all final, or every remaining auction done.
func (t *Tender) afterLotChange(now time.Time, cal *Calendar, newID func() string) {
	t.deriveStatus(now)
	if t.Status == StatusAuction {
		t.afterAuction(now, cal, newID)
	}
}
