package tender

import (
	"context"
	"time"
)

// startPrequalification opens pre-qualification at the end of tendering:
// one pending qualification per submitted bid (per lot value with lots);
// lots short of bids close as unsuccessful.
func (t *Tender) startPrequalification(now time.Time, newID func() string) {
	t.Status = StatusPrequalification
	t.QualificationPeriod = &Period{StartDate: ptr(now)}
	t.checkBidsNumber(now)
	if t.Status.Final() {
		return
	}
	for _, key := range t.lotKeys() {
		for _, o := range t.offers(key) {
			t.Qualifications = append(t.Qualifications, Qualification{
				ID: newID(), BidID: o.bid.ID, LotID: key, Status: QualificationPending, Date: now,
			})
		}
	}
}

// QualificationInput is the owner's pre-qualification decision.
type QualificationInput struct {
	Status      *string `json:"status"`
	Qualified   *bool   `json:"qualified"`
	Eligible    *bool   `json:"eligible"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
}

func (t *Tender) qualification(id string) *Qualification {
	for i := range t.Qualifications {
		if t.Qualifications[i].ID == id {
			return &t.Qualifications[i]
		}
	}
	return nil
}

// patchQualification decides on a bid: pending → active (qualified and
// eligible) or unsuccessful; a decision may be cancelled (a new pending
// qualification is created) until the stand-still starts, or during it when
// a complaint against it was upheld.
func (t *Tender) patchQualification(id string, in QualificationInput, now time.Time, newID func() string) (*Qualification, error) {
	q := t.qualification(id)
	if q == nil {
		return nil, NotFound("qualification_id")
	}
	if t.Status != StatusPrequalification && !t.reopensPrequalification(q, in) {
		return nil, statusForbidden("update qualification", t.Status)
	}
	if err := t.checkNotCancelling(q.LotID); err != nil {
		return nil, err
	}
	if !t.lotOpen(q.LotID) {
		return nil, Forbidden("Can update qualification only in an active lot")
	}
	if in.Title != nil {
		q.Title = *in.Title
	}
	if in.Description != nil {
		q.Description = *in.Description
	}
	if in.Qualified != nil && q.Status == QualificationPending {
		q.Qualified = in.Qualified
	}
	if in.Eligible != nil && q.Status == QualificationPending {
		q.Eligible = in.Eligible
	}
	if in.Status == nil || *in.Status == q.Status {
		return q, nil
	}
	switch to := *in.Status; {
	case q.Status == QualificationPending && to == QualificationActive:
		var p Problems
		if !boolOr(q.Qualified, false) {
			p.Add("qualified", "Can't update qualification to active status with not qualified")
		}
		if !boolOr(q.Eligible, false) {
			p.Add("eligible", "Can't update qualification to active status with not eligible")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		q.Status, q.Date = QualificationActive, now
	case q.Status == QualificationPending && to == QualificationUnsuccessful:
		if boolOr(q.Qualified, false) && boolOr(q.Eligible, false) {
			return nil, Invalid("qualified", "Can't update qualification to unsuccessful status when qualified and eligible")
		}
		q.Status, q.Date = QualificationUnsuccessful, now
	case (q.Status == QualificationActive || q.Status == QualificationUnsuccessful) && to == QualificationCancelled:
		q.Status, q.Date = QualificationCancelled, now
		if t.Status == StatusPrequalStandstill { // an upheld complaint reopens the decisions
			t.Status, t.QualificationPeriod.EndDate = StatusPrequalification, nil
		}
		t.Qualifications = append(t.Qualifications, Qualification{
			ID: newID(), BidID: q.BidID, LotID: q.LotID, Status: QualificationPending, Date: now,
		})
		return &t.Qualifications[len(t.Qualifications)-2], nil
	default:
		return nil, Forbidden("Can't update qualification status from %s to %s", q.Status, to)
	}
	return q, nil
}

// startPrequalStandstill is the owner's switch once every bid is decided:
// the qualification complaint period runs until qualificationPeriod ends.
func (t *Tender) startPrequalStandstill(now time.Time, cal *Calendar) error {
	if err := t.checkNotCancelling(""); err != nil {
		return err
	}
	for _, q := range t.Qualifications {
		if q.Status == QualificationPending && t.lotOpen(q.LotID) {
			return Forbidden("Can't switch to %s while qualification %s is pending", StatusPrequalStandstill, q.ID)
		}
	}
	if t.qualificationsBlocked() {
		return Forbidden("Can't switch to %s before all complaints are resolved", StatusPrequalStandstill)
	}
	t.Status = StatusPrequalStandstill
	t.QualificationPeriod.EndDate = ptr(cal.AddDuration(now, t.Config.QualificationComplainDur, false, t.accelerator()))
	return nil
}

// endPrequalification closes the stand-still: bids turned down become
// unsuccessful, the rest active, and each lot goes to its auction or closes
// when too few bids were admitted.
func (t *Tender) endPrequalification(now time.Time, cal *Calendar, newID func() string) {
	verdict := map[[2]string]string{}
	for _, q := range t.Qualifications {
		if q.Status == QualificationActive || q.Status == QualificationUnsuccessful {
			verdict[[2]string{q.BidID, q.LotID}] = q.Status
		}
	}
	for i := range t.Bids {
		b := &t.Bids[i]
		if b.Status != BidPending {
			continue
		}
		if len(b.LotValues) == 0 {
			if verdict[[2]string{b.ID, ""}] == QualificationActive {
				b.Status = BidActive
			} else {
				b.Status = BidUnsuccessful
			}
			continue
		}
		admitted := false
		for j := range b.LotValues {
			lv := &b.LotValues[j]
			if lv.Status == BidUnsuccessful {
				continue
			}
			if verdict[[2]string{b.ID, lv.RelatedLot}] == QualificationActive {
				lv.Status, admitted = BidActive, true
			} else {
				lv.Status = BidUnsuccessful
			}
		}
		if admitted {
			b.Status = BidActive
		} else {
			b.Status = BidUnsuccessful
		}
	}
	t.checkBidsNumber(now)
	if t.Status.Final() {
		return
	}
	t.calcWeightedValues()
	t.toAuctionOrAwarding(now, now, cal, newID)
}

// PatchQualification records the owner's pre-qualification decision.
func (s *Service) PatchQualification(ctx context.Context, id, qualificationID string, actor Actor, in QualificationInput) (*Tender, *Qualification, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Qualification, error) {
		return t.patchQualification(qualificationID, in, now, NewID)
	})
}
