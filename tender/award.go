package tender

import (
	"fmt"
	"time"
)

// AwardInput is the owner's decision on an award.
type AwardInput struct {
	Status      *string `json:"status"`
	Qualified   *bool   `json:"qualified"`
	Eligible    *bool   `json:"eligible"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
}

func (t *Tender) award(id string) *Award {
	for i := range t.Awards {
		if t.Awards[i].ID == id {
			return &t.Awards[i]
		}
	}
	return nil
}

// patchAward applies the owner's decision: pending → active (a contract is
// drawn up) or unsuccessful (the next bid gets an award); active → cancelled
// (the decision is taken again for the same bid).
func (t *Tender) patchAward(id string, in AwardInput, now time.Time, cal *Calendar, newID func() string) (*Award, error) {
	a := t.award(id)
	if a == nil {
		return nil, NotFound("award_id")
	}
	if t.Status != StatusQualification && t.Status != StatusAwarded {
		return nil, statusForbidden("update award", t.Status)
	}
	var p Problems
	if in.Eligible != nil {
		p.Add("eligible", "Rogue field")
	}
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.Status == nil || *in.Status == a.Status {
		if a.Status != AwardPending && in.Qualified != nil {
			p.Add("qualified", "Can't change qualified after the decision")
		} else if in.Qualified != nil {
			a.Qualified = in.Qualified
		}
		return a, p.Err()
	}
	to := *in.Status
	standstill := func() {
		a.ComplaintPeriod = &Period{StartDate: ptr(now),
			EndDate: ptr(cal.AddDuration(now, t.Config.AwardComplainDuration, t.rules().workingDays, t.accelerator()))}
	}
	switch {
	case a.Status == AwardPending && to == AwardActive:
		if in.Qualified == nil || !*in.Qualified {
			p.Add("qualified", "Can't update award to active status with not qualified")
			return nil, p.Err()
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		a.Status, a.Qualified, a.Date = AwardActive, ptr(true), now
		standstill()
		t.Contracts = append(t.Contracts, Contract{
			ID: newID(), AwardID: a.ID, Status: ContractPending, Date: now,
			ContractID: fmt.Sprintf("%s-a%d", t.TenderID, len(t.Contracts)+1),
			Value:      &ContractValue{Amount: a.Value.Amount, Currency: a.Value.Currency, ValueAddedTaxIncluded: a.Value.ValueAddedTaxIncluded},
			Items:      t.Items, Suppliers: a.Suppliers,
		})
		t.Status = StatusAwarded
		t.AwardPeriod.EndDate = ptr(now)
	case a.Status == AwardPending && to == AwardUnsuccessful:
		if in.Qualified != nil && *in.Qualified {
			p.Add("qualified", "Can't update award to unsuccessful status when qualified")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		a.Status, a.Qualified, a.Date = AwardUnsuccessful, ptr(false), now
		standstill()
		t.addNextAward(now, cal, newID)
	case a.Status == AwardActive && to == AwardCancelled:
		if err := p.Err(); err != nil {
			return nil, err
		}
		a.Status, a.Date = AwardCancelled, now
		for i := range t.Contracts {
			if t.Contracts[i].AwardID == a.ID && t.Contracts[i].Status == ContractPending {
				t.Contracts[i].Status = ContractCancelled
				t.Contracts[i].Date = now
			}
		}
		t.Awards = append(t.Awards, Award{
			ID: newID(), BidID: a.BidID, Status: AwardPending, Date: now, Value: a.Value, Suppliers: a.Suppliers,
			Period: &Period{StartDate: ptr(now), EndDate: ptr(cal.AddDuration(now, t.rules().awardDecisionDays, true, t.accelerator()))},
		})
		t.Status = StatusQualification
		t.AwardPeriod.EndDate = nil
		return &t.Awards[len(t.Awards)-2], nil
	default:
		return nil, Forbidden("Can't update award in current (%s) status", a.Status)
	}
	return a, nil
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
	if t.Status != StatusAwarded {
		return nil, statusForbidden("update contract", t.Status)
	}
	if c.Status != ContractPending {
		return nil, Forbidden("Can't update contract in current (%s) status", c.Status)
	}
	a := t.award(c.AwardID)
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
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		c.Status = ContractActive
		if c.DateSigned == nil {
			c.DateSigned = ptr(now)
		}
		c.Date = now
		t.completeIfSigned()
	}
	return c, p.Err()
}

func (t *Tender) completeIfSigned() {
	active := false
	for _, c := range t.Contracts {
		if c.Status == ContractPending {
			return
		}
		active = active || c.Status == ContractActive
	}
	if active {
		t.Status = StatusComplete
	}
}
