package tender

import (
	"context"
	"fmt"
	"time"
)

// AwardInput is the owner's decision on an award; in the limited
// procedures it also creates one (suppliers, value, lotID).
type AwardInput struct {
	Status      *string        `json:"status"`
	Qualified   *bool          `json:"qualified"`
	Eligible    *bool          `json:"eligible"`
	Title       *string        `json:"title"`
	Description *string        `json:"description"`
	Suppliers   []Organization `json:"suppliers"`
	Value       *Value         `json:"value"`
	LotID       *string        `json:"lotID"`
}

func (t *Tender) award(id string) *Award {
	for i := range t.Awards {
		if t.Awards[i].ID == id {
			return &t.Awards[i]
		}
	}
	return nil
}

// awardDecisionStatus reports whether awards can be decided in t's status.
func (t *Tender) awardDecisionStatus() bool {
	return t.Status == StatusQualification || t.Status == StatusAwarded || t.Status == StatusActive
}

// addAward creates an award directly, as the owner does in the limited
// procedures (no bids): one pending or active award per lot at a time.
func (t *Tender) addAward(in AwardInput, now time.Time, cal *Calendar, newID func() string) (*Award, error) {
	if !t.rules().limited() {
		return nil, Forbidden("Awards are created from bids in this procedure")
	}
	if t.Status != StatusActive {
		return nil, statusForbidden("create award", t.Status)
	}
	var p Problems
	key := ""
	if in.LotID != nil {
		key = *in.LotID
	}
	switch {
	case len(t.Lots) > 0 && key == "":
		p.Add("lotID", "This field is required.")
	case key != "" && t.lot(key) == nil:
		p.Add("lotID", "lotID should be one of lots")
	case key != "" && !t.lotOpen(key):
		return nil, Forbidden("Can create award only in active lot status")
	}
	if err := t.checkNotCancelling(key); err != nil {
		return nil, err
	}
	if len(in.Suppliers) != 1 {
		p.Add("suppliers", "Please provide exactly 1 item.")
	}
	for i, s := range in.Suppliers {
		validateOrganization("suppliers["+itoa(i)+"]", s, true, &p)
	}
	if in.Value == nil {
		p.Add("value", "This field is required.")
	} else {
		v := *in.Value
		limit := t.lotValue(key)
		if v.Currency == "" {
			v.Currency = limit.Currency
		}
		if v.ValueAddedTaxIncluded == nil {
			v.ValueAddedTaxIncluded = limit.ValueAddedTaxIncluded
		}
		validateValue("value", &v, &p)
		if t.Config.HasValueRestriction && v.Amount.Cmp(limit.Amount) > 0 {
			p.Add("value.amount", "Value of award should be less than value of tender (%s)", limit.Amount)
		}
		if t.Config.ValueCurrencyEquality && v.Currency != limit.Currency {
			p.Add("value.currency", "currency of award should be identical to currency of value of tender")
		}
		in.Value = &v
	}
	if in.Status != nil && *in.Status != AwardPending {
		p.Add("status", "Value must be pending on create")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, a := range t.Awards {
		if a.LotID == key && (a.Status == AwardPending || a.Status == AwardActive) {
			return nil, Forbidden("Can't create new award while any (%s) award exists", a.Status)
		}
	}
	a := Award{ID: newID(), LotID: key, Status: AwardPending, Date: now, Value: *in.Value, Suppliers: in.Suppliers,
		Qualified: in.Qualified}
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if t.AwardPeriod == nil {
		t.AwardPeriod = &Period{StartDate: ptr(now)}
	}
	t.Awards = append(t.Awards, a)
	return &t.Awards[len(t.Awards)-1], nil
}

// patchAward applies the owner's decision: pending → active (a contract is
// drawn up) or unsuccessful (the next offer gets an award); active →
// cancelled (the decision is taken again for the same bid); unsuccessful →
// cancelled after an upheld complaint (later awards of the lot are
// cancelled too and the bid is decided on again).
func (t *Tender) patchAward(id string, in AwardInput, now time.Time, cal *Calendar, newID func() string) (*Award, error) {
	a := t.award(id)
	if a == nil {
		return nil, NotFound("award_id")
	}
	if !t.awardDecisionStatus() {
		return nil, statusForbidden("update award", t.Status)
	}
	if err := t.checkNotCancelling(a.LotID); err != nil {
		return nil, err
	}
	if !t.lotOpen(a.LotID) {
		return nil, Forbidden("Can update award only in active lot status")
	}
	r := t.rules()
	var p Problems
	if in.Suppliers != nil || in.Value != nil || in.LotID != nil {
		p.Add("data", "Only status, qualified, eligible, title and description can be updated")
	}
	if in.Eligible != nil && !r.eligibility {
		p.Add("eligible", "Rogue field")
	}
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.Status == nil || *in.Status == a.Status {
		if a.Status != AwardPending && (in.Qualified != nil || in.Eligible != nil) {
			p.Add("qualified", "Can't change qualified after the decision")
		} else {
			if in.Qualified != nil {
				a.Qualified = in.Qualified
			}
			if in.Eligible != nil {
				a.Eligible = in.Eligible
			}
		}
		return a, p.Err()
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	to := *in.Status
	if a.Status == AwardPending {
		for i := range a.Milestones {
			m := &a.Milestones[i]
			if m.Status == "scheduled" && now.Before(m.DueDate) {
				return nil, Forbidden("Can't change status to '%s' until milestone %s dueDate (%s)", to, m.Code, m.DueDate.Format(time.RFC3339))
			}
		}
	}
	standstill := func() {
		if t.Config.AwardComplainDuration > 0 {
			a.ComplaintPeriod = &Period{StartDate: ptr(now),
				EndDate: ptr(cal.AddDuration(now, t.Config.AwardComplainDuration, r.awardWorkingDays, t.accelerator()))}
		}
	}
	meetMilestones := func() {
		for i := range a.Milestones {
			if a.Milestones[i].Status == "scheduled" {
				a.Milestones[i].Status, a.Milestones[i].Date = "met", now
			}
		}
	}
	switch {
	case a.Status == AwardPending && to == AwardActive:
		if in.Qualified != nil {
			a.Qualified = in.Qualified
		}
		if in.Eligible != nil {
			a.Eligible = in.Eligible
		}
		needQualified := t.ProcurementMethodType != ProcReporting
		if needQualified && !boolOr(a.Qualified, false) {
			p.Add("qualified", "Can't update award to active status with not qualified")
		}
		if r.eligibility && !boolOr(a.Eligible, false) {
			p.Add("eligible", "Can't update award to active status with not eligible")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		a.Status, a.Date = AwardActive, now
		if needQualified {
			a.Qualified = ptr(true)
		}
		meetMilestones()
		standstill()
		t.Contracts = append(t.Contracts, Contract{
			ID: newID(), AwardID: a.ID, Status: ContractPending, Date: now,
			ContractID: fmt.Sprintf("%s-a%d", t.TenderID, len(t.Contracts)+1),
			Value:      &ContractValue{Amount: a.Value.Amount, Currency: a.Value.Currency, ValueAddedTaxIncluded: a.Value.ValueAddedTaxIncluded},
			Items:      t.lotItems(a.LotID), Suppliers: a.Suppliers,
		})
	case a.Status == AwardPending && to == AwardUnsuccessful:
		if in.Qualified != nil {
			a.Qualified = in.Qualified
		}
		if in.Eligible != nil {
			a.Eligible = in.Eligible
		}
		if boolOr(a.Qualified, false) && (!r.eligibility || boolOr(a.Eligible, false)) {
			return nil, Invalid("qualified", "Can't update award to unsuccessful status when qualified")
		}
		a.Status, a.Date = AwardUnsuccessful, now
		if in.Qualified == nil && a.Qualified == nil {
			a.Qualified = ptr(false)
		}
		meetMilestones()
		standstill()
		t.addNextAward(a.LotID, now, cal, newID)
	case a.Status == AwardActive && to == AwardCancelled:
		t.cancelAward(a, now)
		if !r.limited() {
			t.Awards = append(t.Awards, t.reAward(a, now, cal, newID))
			t.deriveStatus(now)
			return t.award(id), nil
		}
	case a.Status == AwardUnsuccessful && to == AwardCancelled:
		if !t.upheld(a) && (a.ComplaintPeriod == nil || !now.Before(*a.ComplaintPeriod.EndDate)) {
			return nil, Forbidden("Can't cancel an unsuccessful award after its complaint period unless a complaint was upheld")
		}
		t.cancelAward(a, now)
		for i := range t.Awards {
			later := &t.Awards[i]
			if later.LotID == a.LotID && later.Date.After(a.Date) && later.ID != a.ID && later.Status != AwardCancelled {
				t.cancelAward(later, now)
			}
		}
		t.Awards = append(t.Awards, t.reAward(a, now, cal, newID))
		t.deriveStatus(now)
		return t.award(id), nil
	default:
		return nil, Forbidden("Can't update award in current (%s) status", a.Status)
	}
	t.deriveStatus(now)
	return a, nil
}

// upheld reports a satisfied complaint on a.
func (t *Tender) upheld(a *Award) bool {
	for _, c := range a.Complaints {
		if c.Status == ComplaintSatisfied || c.Status == ComplaintResolved && c.Type == TypeComplaint {
			return true
		}
	}
	return false
}

func (t *Tender) cancelAward(a *Award, now time.Time) {
	a.Status, a.Date = AwardCancelled, now
	for i := range t.Contracts {
		if t.Contracts[i].AwardID == a.ID && t.Contracts[i].Status == ContractPending {
			t.Contracts[i].Status = ContractCancelled
			t.Contracts[i].Date = now
		}
	}
}

// reAward is a new pending award for the bid of a cancelled one.
func (t *Tender) reAward(a *Award, now time.Time, cal *Calendar, newID func() string) Award {
	if b := t.bid(a.BidID); b != nil {
		if o, ok := b.offerFor(a.LotID); ok {
			return t.newAward(a.LotID, o, now, cal, newID)
		}
	}
	return Award{
		ID: newID(), BidID: a.BidID, LotID: a.LotID, Status: AwardPending, Date: now, Value: a.Value, Suppliers: a.Suppliers,
		Period: &Period{StartDate: ptr(now), EndDate: ptr(cal.AddDuration(now, t.rules().awardDecisionDays, true, t.accelerator()))},
	}
}

// lotItems returns the items of lot key (all items for "").
func (t *Tender) lotItems(key string) []Item {
	if key == "" {
		return t.Items
	}
	var out []Item
	for _, it := range t.Items {
		if it.RelatedLot == key {
			out = append(out, it)
		}
	}
	return out
}

// ContractInput is what the owner may change on a contract before signing.
type ContractInput struct {
	ContractNumber *string        `json:"contractNumber"`
	Title          *string        `json:"title"`
	Description    *string        `json:"description"`
	Status         *string        `json:"status"`
	Period         *Period        `json:"period"`
	Value          *ContractValue `json:"value"`
	DateSigned     *time.Time     `json:"dateSigned"`
}

func (t *Tender) contract(id string) *Contract {
	for i := range t.Contracts {
		if t.Contracts[i].ID == id {
			return &t.Contracts[i]
		}
	}
	return nil
}

// patchContract edits a pending contract and signs it (status active); the
// tender is complete once a contract is active and none is pending.
func (t *Tender) patchContract(id string, in ContractInput, now time.Time) (*Contract, error) {
	c := t.contract(id)
	if c == nil {
		return nil, NotFound("contract_id")
	}
	if !t.awardDecisionStatus() {
		return nil, statusForbidden("update contract", t.Status)
	}
	if c.Status != ContractPending {
		return nil, Forbidden("Can't update contract in current (%s) status", c.Status)
	}
	a := t.award(c.AwardID)
	if err := t.checkNotCancelling(a.LotID); err != nil {
		return nil, err
	}
	var p Problems
	if in.ContractNumber != nil {
		c.ContractNumber = *in.ContractNumber
	}
	if in.Title != nil {
		c.Title = *in.Title
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.Period != nil {
		if in.Period.StartDate != nil && in.Period.EndDate != nil && in.Period.EndDate.Before(*in.Period.StartDate) {
			p.Add("period", "period should begin before its end")
		}
		c.Period = in.Period
	}
	if in.Value != nil {
		v := *in.Value
		if v.Currency == "" {
			v.Currency = a.Value.Currency
		}
		if v.ValueAddedTaxIncluded == nil {
			v.ValueAddedTaxIncluded = a.Value.ValueAddedTaxIncluded
		}
		switch {
		case !v.Amount.IsPositive():
			p.Add("value.amount", "Float value should be greater than 0.")
		case v.Amount.Places() > 2:
			p.Add("value.amount", "Amount must have at most 2 decimal places")
		case v.Amount.Cmp(a.Value.Amount) > 0:
			p.Add("value.amount", "Amount should be less or equal to awarded amount (%s)", a.Value.Amount)
		}
		if v.Currency != a.Value.Currency {
			p.Add("value.currency", "Can't change currency for contract value")
		}
		if v.AmountNet != nil {
			if v.AmountNet.Cmp(v.Amount) > 0 {
				p.Add("value.amountNet", "Amount should be greater than amountNet")
			}
			if !boolOr(v.ValueAddedTaxIncluded, true) && v.AmountNet.Cmp(v.Amount) != 0 {
				p.Add("value.amountNet", "Amount and amountNet should be equal")
			}
		}
		c.Value = &v
	}
	if in.DateSigned != nil {
		ds := in.DateSigned.In(Kyiv)
		if ds.After(now) {
			p.Add("dateSigned", "Contract signature date can't be in the future")
		} else if ds.Before(a.Date) {
			p.Add("dateSigned", "Contract signature date should be after award activation date (%s)", a.Date.Format(time.RFC3339))
		}
		c.DateSigned = &ds
	}
	if in.Status != nil && *in.Status != c.Status {
		if *in.Status != ContractActive {
			p.Add("status", "Value must be active")
		} else if t.Config.HasAwardComplaints && a.ComplaintPeriod != nil && now.Before(*a.ComplaintPeriod.EndDate) {
			return nil, Forbidden("Can't sign contract before stand-still period end (%s)", a.ComplaintPeriod.EndDate.Format(time.RFC3339))
		} else if a.blocked() || t.lotAwardsBlocked(a.LotID) {
			return nil, Forbidden("Can't sign contract before reviewing all complaints")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		c.Status = ContractActive
		if c.DateSigned == nil {
			c.DateSigned = ptr(now)
		}
		c.Date = now
		t.completeIfSigned(a.LotID, now)
	}
	return c, p.Err()
}

// completeIfSigned completes lot key once one of its contracts is active
// and none is pending, and derives the tender's status.
func (t *Tender) completeIfSigned(key string, now time.Time) {
	active := false
	for _, c := range t.Contracts {
		a := t.award(c.AwardID)
		if a == nil || a.LotID != key {
			continue
		}
		if c.Status == ContractPending {
			return
		}
		active = active || c.Status == ContractActive
	}
	if active {
		t.closeLot(key, LotComplete, now)
		t.deriveStatus(now)
	}
}

// AddAward creates an award directly (owner, limited procedures).
func (s *Service) AddAward(ctx context.Context, id string, actor Actor, in AwardInput) (*Tender, *Award, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Award, error) {
		return t.addAward(in, now, s.Calendar, NewID)
	})
}
