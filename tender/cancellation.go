package tender

import "time"

// CancellationInput is the owner's request to cancel the tender.
type CancellationInput struct {
	Reason         *string `json:"reason"`
	ReasonType     *string `json:"reasonType"`
	Status         *string `json:"status"`
	CancellationOf *string `json:"cancellationOf"`
}

var cancellationReasons = map[string]bool{"noDemand": true, "unFixable": true, "forceMajeure": true, "expensesCut": true}

func (t *Tender) cancellation(id string) *Cancellation {
	for i := range t.Cancellations {
		if t.Cancellations[i].ID == id {
			return &t.Cancellations[i]
		}
	}
	return nil
}

// addCancellation records a cancellation; status active cancels at once
// (belowThreshold has no cancellation complaint period).
func (t *Tender) addCancellation(in CancellationInput, now time.Time, newID func() string) (*Cancellation, error) {
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
	if in.ReasonType == nil || !cancellationReasons[*in.ReasonType] {
		p.Add("reasonType", "Value must be one of: noDemand, unFixable, forceMajeure, expensesCut")
	} else {
		c.ReasonType = *in.ReasonType
	}
	if in.CancellationOf != nil && *in.CancellationOf != "tender" {
		p.Add("cancellationOf", "Value must be tender (lots come with multi-lot procedures)")
	}
	if in.Status != nil {
		switch *in.Status {
		case CancellationDraft, CancellationActive:
		default:
			p.Add("status", "Value must be one of: draft, active")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	t.Cancellations = append(t.Cancellations, c)
	cp := &t.Cancellations[len(t.Cancellations)-1]
	if in.Status != nil && *in.Status == CancellationActive {
		t.activateCancellation(cp, now)
	}
	return cp, nil
}

// patchCancellation edits a draft cancellation or activates it.
func (t *Tender) patchCancellation(id string, in CancellationInput, now time.Time) (*Cancellation, error) {
	c := t.cancellation(id)
	if c == nil {
		return nil, NotFound("cancellation_id")
	}
	if t.Status.Final() {
		return nil, statusForbidden("update cancellation", t.Status)
	}
	if c.Status != CancellationDraft {
		return nil, Forbidden("Can't update cancellation in current (%s) status", c.Status)
	}
	var p Problems
	if in.CancellationOf != nil && *in.CancellationOf != c.CancellationOf {
		p.Add("cancellationOf", "Can't change cancellationOf")
	}
	if in.ReasonType != nil {
		if !cancellationReasons[*in.ReasonType] {
			p.Add("reasonType", "Value must be one of: noDemand, unFixable, forceMajeure, expensesCut")
		} else {
			c.ReasonType = *in.ReasonType
		}
	}
	if in.Reason != nil {
		if *in.Reason == "" {
			p.Add("reason", "This field is required.")
		}
		c.Reason = *in.Reason
	}
	if in.Status != nil && *in.Status != c.Status {
		switch *in.Status {
		case CancellationActive:
			if err := p.Err(); err != nil {
				return nil, err
			}
			t.activateCancellation(c, now)
		case CancellationUnsuccessful:
			c.Status = CancellationUnsuccessful
		default:
			p.Add("status", "Value must be one of: active, unsuccessful")
		}
	}
	return c, p.Err()
}

// activateCancellation cancels the tender. Sealed bids of a tender cancelled
// before bids were opened are dropped, so they never become public.
func (t *Tender) activateCancellation(c *Cancellation, now time.Time) {
	c.Status = CancellationActive
	c.Date = now
	if t.bidsSealed() {
		t.Bids = nil
	}
	for i := range t.Awards {
		if t.Awards[i].Status == AwardPending {
			t.Awards[i].Status = AwardCancelled
			t.Awards[i].Date = now
		}
	}
	for i := range t.Contracts {
		if t.Contracts[i].Status == ContractPending {
			t.Contracts[i].Status = ContractCancelled
			t.Contracts[i].Date = now
		}
	}
	t.Status = StatusCancelled
	t.NextCheck = nil
}
