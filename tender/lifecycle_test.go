package tender_test

import (
	"slices"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// transition is one row of the belowThreshold state machine: from the state
// setup leaves, action moves the tender to status or fails with code (naming
// field for 422). A refused action must leave the stored tender and its
// history untouched.
type transition struct {
	name   string
	edit   func(*tender.CreateRequest)
	setup  []step
	action func(e *env) error
	status tender.Status
	code   tender.Code
	field  string
	check  func(t *testing.T, e *env, tn *tender.Tender)
}

func then(paths ...[]step) []step { return slices.Concat(paths...) }

func noAuctionMode(r *tender.CreateRequest) {
	r.Data.SubmissionMethodDetails = ptr("quick(mode:no-auction)")
}

func TestBelowThresholdTransitions(t *testing.T) {
	tests := []transition{
		// draft
		{
			name:   "draft→active.enquiries: publish by owner",
			action: func(e *env) error { return e.publish(e.owner) },
			status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Date == nil || !tn.Date.Equal(t0) || !tn.EnquiryPeriod.StartDate.Equal(t0) {
					t.Errorf("date = %v, enquiryPeriod.startDate = %v, want the publication time %v", tn.Date, tn.EnquiryPeriod.StartDate, t0)
				}
				if tn.NextCheck == nil || !tn.NextCheck.Equal(e.epEnd) {
					t.Errorf("next_check = %v, want tenderPeriod.startDate %v", tn.NextCheck, e.epEnd)
				}
			},
		},
		{
			name: "publish by a non-owner platform",
			action: func(e *env) error {
				other := e.owner
				other.Platform = "other-platform"
				return e.publish(other)
			},
			status: tender.StatusDraft, code: tender.CodeForbidden,
		},
		{
			name: "publish with a wrong token",
			action: func(e *env) error {
				wrong := e.owner
				wrong.Token = tender.NewID()
				return e.publish(wrong)
			},
			status: tender.StatusDraft, code: tender.CodeForbidden,
		},
		{
			name: "publish without a token",
			action: func(e *env) error {
				anon := e.owner
				anon.Token = ""
				return e.publish(anon)
			},
			status: tender.StatusDraft, code: tender.CodeForbidden,
		},
		{
			name: "draft edit by owner",
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Title: ptr("Коробки гофровані"), Value: uah("90000.00")})
				return err
			},
			status: tender.StatusDraft,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Title != "Коробки гофровані" {
					t.Errorf("title = %q", tn.Title)
				}
				amountIs(t, "value", tn.Value.Amount, "90000")
			},
		},
		{
			name: "draft edit to an invalid minimalStep",
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{MinimalStep: uah("10.00")})
				return err
			},
			status: tender.StatusDraft, code: tender.CodeInvalid, field: "minimalStep.amount",
		},
		{
			name: "draft cannot jump to active.tendering",
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusTendering)})
				return err
			},
			status: tender.StatusDraft, code: tender.CodeInvalid, field: "status",
		},
		{
			name:   "draft stays draft for the chronograph",
			action: func(e *env) error { e.clock.Set(e.tpEnd.Add(day)); return e.chrono() },
			status: tender.StatusDraft,
		},

		// active.enquiries
		{
			name:  "active.enquiries edit by owner",
			setup: toEnquiries,
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Description: ptr("Щільність 450 г/м²")})
				return err
			},
			status: tender.StatusEnquiries,
		},
		{
			name:   "active.enquiries stays before tenderPeriod.startDate",
			setup:  toEnquiries,
			action: func(e *env) error { e.clock.Set(e.epEnd.Add(-time.Millisecond)); return e.chrono() },
			status: tender.StatusEnquiries,
		},
		{
			name:   "active.enquiries→active.tendering at tenderPeriod.startDate (chronograph)",
			setup:  toEnquiries,
			action: func(e *env) error { e.clock.Set(e.epEnd); return e.chrono() },
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.NextCheck == nil || !tn.NextCheck.Equal(e.tpEnd) {
					t.Errorf("next_check = %v, want tenderPeriod.endDate %v", tn.NextCheck, e.tpEnd)
				}
			},
		},
		{
			name:  "active.enquiries→active.tendering at tenderPeriod.startDate (Tick)",
			setup: toEnquiries,
			action: func(e *env) error {
				e.clock.Set(e.epEnd)
				n, err := e.svc.Tick(e.ctx)
				if err == nil && n != 1 {
					e.t.Errorf("Tick processed %d tenders, want 1", n)
				}
				return err
			},
			status: tender.StatusTendering,
		},
		{
			name:  "chronograph role is required",
			setup: toEnquiries,
			action: func(e *env) error {
				e.clock.Set(e.epEnd)
				_, err := e.svc.Chronograph(e.ctx, e.id, e.owner)
				return err
			},
			status: tender.StatusEnquiries, code: tender.CodeForbidden,
		},

		// active.tendering
		{
			name:   "active.tendering→unsuccessful with 0 bids",
			setup:  toTenderingPath,
			action: closeTendering.do,
			status: tender.StatusUnsuccessful,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 0 || len(tn.Awards) != 0 || tn.NextCheck != nil {
					t.Errorf("bids %d, awards %d, next_check %v; want none", len(tn.Bids), len(tn.Awards), tn.NextCheck)
				}
			},
		},
		{
			name:   "active.tendering stays before tenderPeriod.endDate",
			setup:  then(toTenderingPath, []step{bids("90000", "95000")}),
			action: func(e *env) error { e.clock.Set(e.tpEnd.Add(-time.Millisecond)); return e.chrono() },
			status: tender.StatusTendering,
		},
		{
			name:   "active.tendering→active.qualification with 1 bid",
			setup:  then(toTenderingPath, []step{bids("90000.50")}),
			action: closeTendering.do,
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 {
					t.Fatalf("awards = %d, want 1", len(tn.Awards))
				}
				a := tn.Awards[0]
				if a.Status != tender.AwardPending || a.BidID != e.bids[0].id {
					t.Errorf("award status %q bid %q, want pending for %q", a.Status, a.BidID, e.bids[0].id)
				}
				amountIs(t, "award value", a.Value.Amount, "90000.50")
				amountIs(t, "award value vs bid", a.Value.Amount, tn.Bids[0].Value.Amount.String())
				if tn.Bids[0].Status != tender.BidActive || tn.AwardPeriod == nil || tn.AwardPeriod.StartDate == nil || tn.AuctionPeriod != nil {
					t.Errorf("bid status %q, awardPeriod %v, auctionPeriod %v", tn.Bids[0].Status, tn.AwardPeriod, tn.AuctionPeriod)
				}
			},
		},
		{
			name:   "active.tendering→active.auction with 2 bids",
			setup:  then(toTenderingPath, []step{bids("90000", "95000")}),
			action: closeTendering.do,
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				ap := tn.AuctionPeriod
				if ap == nil || ap.StartDate == nil || ap.ShouldStartAfter == nil || !ap.ShouldStartAfter.Equal(e.tpEnd) || ap.StartDate.Before(e.tpEnd) {
					t.Errorf("auctionPeriod = %+v, want shouldStartAfter %v and a start after it", ap, e.tpEnd)
				}
				if len(tn.Awards) != 0 {
					t.Errorf("awards = %d before the auction", len(tn.Awards))
				}
			},
		},
		{
			name:   "active.tendering→active.auction with 3 bids",
			setup:  then(toTenderingPath, []step{bids("90000", "95000", "99999.99")}),
			action: closeTendering.do,
			status: tender.StatusAuction,
		},
		{
			name:  "deleted bid does not count at the end of tendering",
			setup: then(toTenderingPath, []step{bids("90000", "95000")}),
			action: func(e *env) error {
				if _, err := e.svc.DeleteBid(e.ctx, e.id, e.bids[1].id, e.bids[1].actor); err != nil {
					return err
				}
				return closeTendering.do(e)
			},
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 1 || tn.Bids[0].ID != e.bids[0].id {
					t.Errorf("bids = %+v, want only the first", tn.Bids)
				}
			},
		},
		{
			name:   "unanswered question blocks the end of tendering",
			setup:  []step{publish, ask, toTendering, bids("90000")},
			action: closeTendering.do,
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.NextCheck != nil {
					t.Errorf("next_check = %v, want none while a question waits", tn.NextCheck)
				}
			},
		},
		{
			name:  "answered question lets the chronograph end tendering",
			setup: []step{publish, ask, toTendering, bids("90000"), closeTendering},
			action: func(e *env) error {
				if err := e.answerAll(); err != nil {
					return err
				}
				return e.chrono()
			},
			status: tender.StatusQualification,
		},
		{
			name:  "PATCH tender in active.tendering",
			setup: toTenderingPath,
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Title: ptr("Інша назва")})
				return err
			},
			status: tender.StatusTendering, code: tender.CodeForbidden,
		},

		// bids
		{
			name:   "bid in active.enquiries",
			setup:  toEnquiries,
			action: func(e *env) error { return e.bid("90000") },
			status: tender.StatusEnquiries, code: tender.CodeForbidden,
		},
		{
			name:   "bid in active.auction",
			setup:  toAuction,
			action: func(e *env) error { return e.bid("80000") },
			status: tender.StatusAuction, code: tender.CodeForbidden,
		},
		{
			name:   "bid equal to the tender value",
			setup:  toTenderingPath,
			action: func(e *env) error { return e.bid("100000") },
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 1 || tn.Bids[0].Status != tender.BidPending || tn.Bids[0].Value.Currency != "UAH" {
					t.Errorf("bids = %+v, want one pending UAH bid", tn.Bids)
				}
				if _, ok := tn.BidCommits[e.bids[0].id]; !ok {
					t.Errorf("no commit time for the bid")
				}
			},
		},
		{
			name:   "bid above the tender value",
			setup:  toTenderingPath,
			action: func(e *env) error { return e.bid("100000.01") },
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "value",
		},
		{
			name:  "bid in a wrong currency",
			setup: toTenderingPath,
			action: func(e *env) error {
				return e.bidAs(bidPlatform("bidder1"), tender.BidInput{
					Tenderers: []tender.Organization{org("ТОВ Валюта", "40000009")},
					Value:     &tender.Value{Amount: tender.MustAmount("900"), Currency: "USD"},
				})
			},
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "value",
		},
		{
			name:  "bid with the tender owner's token",
			setup: toTenderingPath,
			action: func(e *env) error {
				return e.bidAs(e.owner, tender.BidInput{
					Tenderers: []tender.Organization{org("ТОВ Своя", "40000008")},
					Value:     &tender.Value{Amount: tender.MustAmount("90000")},
				})
			},
			status: tender.StatusTendering, code: tender.CodeForbidden,
		},
		{
			name:  "bid by the procuring entity itself",
			setup: toTenderingPath,
			action: func(e *env) error {
				return e.bidAs(bidPlatform("bidder1"), tender.BidInput{
					Tenderers: []tender.Organization{buyer},
					Value:     &tender.Value{Amount: tender.MustAmount("90000")},
				})
			},
			status: tender.StatusTendering, code: tender.CodeForbidden,
		},
		{
			name:  "bid by a broker without level 2",
			setup: toTenderingPath,
			action: func(e *env) error {
				return e.bidAs(tender.Actor{Platform: "level1", Role: tender.RoleBroker, Levels: "1"}, tender.BidInput{
					Tenderers: []tender.Organization{org("ТОВ Рівень", "40000007")},
					Value:     &tender.Value{Amount: tender.MustAmount("90000")},
				})
			},
			status: tender.StatusTendering, code: tender.CodeForbidden,
		},
		{
			name:  "bid without tenderers and value",
			setup: toTenderingPath,
			action: func(e *env) error {
				return e.bidAs(bidPlatform("bidder1"), tender.BidInput{})
			},
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "tenderers",
		},

		// active.auction
		{
			name:   "auction results → active.qualification, award for the lowest result",
			setup:  toAuction, // sealed bids 90000 and 95000
			action: auction("89500", "89000").do,
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 || tn.Awards[0].BidID != e.bids[1].id || tn.Awards[0].Status != tender.AwardPending {
					t.Fatalf("awards = %+v, want one pending for the second bid", tn.Awards)
				}
				amountIs(t, "award value", tn.Awards[0].Value.Amount, "89000")
				amountIs(t, "bid 1 value", tn.Bids[0].Value.Amount, "89500")
				amountIs(t, "bid 1 initialValue", tn.Bids[0].InitialValue.Amount, "90000")
				if tn.AuctionPeriod.EndDate == nil {
					t.Errorf("auctionPeriod.endDate not set")
				}
			},
		},
		{
			name: "auction tie goes to the earlier bid",
			setup: []step{publish, toTendering, bids("90000"), advance(time.Millisecond), bids("95000"),
				advance(time.Millisecond), {"re-date the first bid", func(e *env) error {
					_, err := e.svc.PatchBid(e.ctx, e.id, e.bids[0].id, e.bids[0].actor, tender.BidInput{Value: uah("91000")})
					return err
				}}, closeTendering},
			action: auction("89000", "89000").do,
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 || tn.Awards[0].BidID != e.bids[1].id {
					t.Fatalf("awards = %+v, want the second bid (submitted before the first was changed)", tn.Awards)
				}
			},
		},
		{
			name:   "auction tie without re-dating goes to the first bid",
			setup:  []step{publish, toTendering, bids("90000"), advance(time.Millisecond), bids("95000"), closeTendering},
			action: auction("89000", "89000").do,
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 || tn.Awards[0].BidID != e.bids[0].id {
					t.Fatalf("awards = %+v, want the first bid", tn.Awards)
				}
			},
		},
		{
			name:   "auction results from a broker",
			setup:  toAuction,
			action: func(e *env) error { return e.auctionResults(e.owner, "89000", "90000") },
			status: tender.StatusAuction, code: tender.CodeForbidden,
		},
		{
			name:   "auction result above the sealed bid",
			setup:  toAuction,
			action: auction("90000.01", "95000").do,
			status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[0].value.amount",
		},
		{
			name:   "auction results outside active.auction",
			setup:  toQualification,
			action: auction("87000", "86000").do,
			status: tender.StatusQualification, code: tender.CodeForbidden,
		},
		{
			name:   "active.auction waits for the auction without no-auction mode",
			setup:  toAuction,
			action: func(e *env) error { e.clock.Advance(5 * day); return e.chrono() },
			status: tender.StatusAuction,
		},
		{
			name:   "no-auction mode stays in active.auction before auctionPeriod.startDate",
			edit:   noAuctionMode,
			setup:  toAuction,
			action: func(e *env) error { e.clock.Set(e.tpEnd.Add(10 * time.Millisecond)); return e.chrono() },
			status: tender.StatusAuction,
		},
		{
			name:  "no-auction mode: active.auction→active.qualification at auctionPeriod.startDate",
			edit:  noAuctionMode,
			setup: toAuction,
			action: func(e *env) error {
				// The service reads its clock to the microsecond, and the
				// accelerated start (tenderPeriod.endDate + 1h/86400) has
				// nanoseconds: the first instant the service sees at or after it.
				e.clock.Set(e.get().AuctionPeriod.StartDate.Truncate(time.Microsecond).Add(time.Microsecond))
				return e.chrono()
			},
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 || tn.Awards[0].BidID != e.bids[0].id {
					t.Fatalf("awards = %+v, want the lower sealed bid", tn.Awards)
				}
				amountIs(t, "award value", tn.Awards[0].Value.Amount, "90000")
			},
		},

		// active.qualification
		{
			name:   "award active (qualified) → active.awarded with a pending contract",
			setup:  toQualification, // results 88000, 89000
			action: qualify.do,
			status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Contracts) != 1 {
					t.Fatalf("contracts = %d, want 1", len(tn.Contracts))
				}
				c := tn.Contracts[0]
				if c.Status != tender.ContractPending || c.ContractID != e.tid+"-a1" || c.AwardID != tn.Awards[0].ID {
					t.Errorf("contract = %q %q award %q, want pending %q for %q", c.Status, c.ContractID, c.AwardID, e.tid+"-a1", tn.Awards[0].ID)
				}
				amountIs(t, "contract value", c.Value.Amount, "88000")
				a := tn.Awards[0]
				if a.Status != tender.AwardActive || a.ComplaintPeriod == nil || tn.AwardPeriod.EndDate == nil {
					t.Errorf("award %q complaintPeriod %v awardPeriod.endDate %v", a.Status, a.ComplaintPeriod, tn.AwardPeriod.EndDate)
				}
			},
		},
		{
			name:   "award active without qualified",
			setup:  toQualification,
			action: func(e *env) error { return e.decide(tender.AwardActive, nil) },
			status: tender.StatusQualification, code: tender.CodeInvalid, field: "qualified",
		},
		{
			name:   "award active with qualified false",
			setup:  toQualification,
			action: func(e *env) error { return e.decide(tender.AwardActive, ptr(false)) },
			status: tender.StatusQualification, code: tender.CodeInvalid, field: "qualified",
		},
		{
			name:  "award decision by a non-owner",
			setup: toQualification,
			action: func(e *env) error {
				_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.bids[0].actor,
					tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(true)})
				return err
			},
			status: tender.StatusQualification, code: tender.CodeForbidden,
		},
		{
			name:   "award unsuccessful → next award for the next-best bid",
			setup:  toQualification,
			action: disqualify.do,
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 2 {
					t.Fatalf("awards = %d, want 2", len(tn.Awards))
				}
				if a := tn.Awards[0]; a.Status != tender.AwardUnsuccessful || a.BidID != e.bids[0].id || a.ComplaintPeriod == nil {
					t.Errorf("first award %q for %q, complaintPeriod %v", a.Status, a.BidID, a.ComplaintPeriod)
				}
				if a := tn.Awards[1]; a.Status != tender.AwardPending || a.BidID != e.bids[1].id {
					t.Errorf("second award %q for %q, want pending for %q", a.Status, a.BidID, e.bids[1].id)
				}
				amountIs(t, "next award value", tn.Awards[1].Value.Amount, "89000")
				if tn.NextCheck != nil {
					t.Errorf("next_check = %v while an award is pending", tn.NextCheck)
				}
			},
		},
		{
			// As ProZorro's add_next_award: no pending award left means active.awarded.
			name:   "last award unsuccessful → active.awarded for the complaint period",
			setup:  then(toQualification, []step{disqualify}),
			action: disqualify.do,
			status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				end := tn.Awards[len(tn.Awards)-1].ComplaintPeriod.EndDate
				if tn.NextCheck == nil || !tn.NextCheck.Equal(*end) {
					t.Errorf("next_check = %v, want the last complaintPeriod.endDate %v", tn.NextCheck, end)
				}
			},
		},
		{
			name:   "last award unsuccessful: still active.awarded before complaintPeriod end",
			setup:  then(toQualification, []step{disqualify, disqualify}),
			action: func(e *env) error { e.clock.Advance(day); return e.chrono() },
			status: tender.StatusAwarded,
		},
		{
			name:   "last award unsuccessful → unsuccessful after complaintPeriod end",
			setup:  then(toQualification, []step{disqualify, disqualify}),
			action: func(e *env) error { e.clock.Advance(2 * day); return e.chrono() },
			status: tender.StatusUnsuccessful,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.AwardPeriod.EndDate == nil || tn.NextCheck != nil {
					t.Errorf("awardPeriod.endDate %v, next_check %v", tn.AwardPeriod.EndDate, tn.NextCheck)
				}
			},
		},
		{
			name:   "single bid award unsuccessful → unsuccessful after complaintPeriod end (Tick)",
			setup:  then(toTenderingPath, []step{bids("90000"), closeTendering, disqualify}),
			action: func(e *env) error { e.clock.Advance(2 * day); _, err := e.svc.Tick(e.ctx); return err },
			status: tender.StatusUnsuccessful,
		},

		// active.awarded
		{
			name:  "active award cancelled → new pending award, contract cancelled",
			setup: toAwarded,
			action: func(e *env) error {
				_, _, err := e.svc.PatchAward(e.ctx, e.id, e.activeAward().ID, e.owner, tender.AwardInput{Status: ptr(tender.AwardCancelled)})
				return err
			},
			status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 2 || tn.Awards[0].Status != tender.AwardCancelled || tn.Awards[1].Status != tender.AwardPending ||
					tn.Awards[1].BidID != tn.Awards[0].BidID {
					t.Fatalf("awards = %+v, want cancelled then pending for the same bid", tn.Awards)
				}
				if len(tn.Contracts) != 1 || tn.Contracts[0].Status != tender.ContractCancelled {
					t.Errorf("contracts = %+v, want one cancelled", tn.Contracts)
				}
				if tn.AwardPeriod.EndDate != nil {
					t.Errorf("awardPeriod.endDate = %v, want reopened", tn.AwardPeriod.EndDate)
				}
			},
		},
		{
			name: "re-awarded after cancellation gets contract -a2",
			setup: then(toAwarded, []step{{"cancel award", func(e *env) error {
				_, _, err := e.svc.PatchAward(e.ctx, e.id, e.activeAward().ID, e.owner, tender.AwardInput{Status: ptr(tender.AwardCancelled)})
				return err
			}}}),
			action: qualify.do,
			status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.pendingContract(); c.ContractID != e.tid+"-a2" {
					t.Errorf("contractID = %q, want %q", c.ContractID, e.tid+"-a2")
				}
			},
		},
		{
			name:   "contract signed → complete",
			setup:  toAwarded,
			action: sign.do,
			status: tender.StatusComplete,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				c := tn.Contracts[0]
				if c.Status != tender.ContractActive || c.DateSigned == nil {
					t.Errorf("contract %q dateSigned %v", c.Status, c.DateSigned)
				}
				if tn.NextCheck != nil {
					t.Errorf("next_check = %v on a complete tender", tn.NextCheck)
				}
			},
		},
		{
			name:  "contract value at or below the award",
			setup: toAwarded,
			action: func(e *env) error {
				_, _, err := e.svc.PatchContract(e.ctx, e.id, e.pendingContract().ID, e.owner, tender.ContractInput{
					Value: &tender.ContractValue{Amount: tender.MustAmount("87999.99"), Currency: "UAH", ValueAddedTaxIncluded: ptr(true)}})
				return err
			},
			status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				amountIs(t, "contract value", tn.Contracts[0].Value.Amount, "87999.99")
			},
		},
		{
			name:  "contract value above the award",
			setup: toAwarded, // award 88000
			action: func(e *env) error {
				_, _, err := e.svc.PatchContract(e.ctx, e.id, e.pendingContract().ID, e.owner, tender.ContractInput{
					Status: ptr(tender.ContractActive),
					Value:  &tender.ContractValue{Amount: tender.MustAmount("88000.01"), Currency: "UAH", ValueAddedTaxIncluded: ptr(true)}})
				return err
			},
			status: tender.StatusAwarded, code: tender.CodeInvalid, field: "value.amount",
		},

		// cancellation
		{name: "cancellation from draft", action: cancelTender.do, status: tender.StatusCancelled},
		{name: "cancellation from active.enquiries", setup: toEnquiries, action: cancelTender.do, status: tender.StatusCancelled},
		{
			name:   "cancellation from active.tendering drops the sealed bids",
			setup:  then(toTenderingPath, []step{bids("90000", "95000")}),
			action: cancelTender.do,
			status: tender.StatusCancelled,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 0 || tn.NextCheck != nil {
					t.Errorf("bids = %d, next_check %v; want none", len(tn.Bids), tn.NextCheck)
				}
			},
		},
		{
			name:   "cancellation from active.auction drops the sealed bids",
			setup:  toAuction,
			action: cancelTender.do,
			status: tender.StatusCancelled,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 0 {
					t.Errorf("bids = %d, want none", len(tn.Bids))
				}
			},
		},
		{
			name:   "cancellation from active.qualification cancels the pending award",
			setup:  toQualification,
			action: cancelTender.do,
			status: tender.StatusCancelled,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Bids) != 2 || tn.Awards[0].Status != tender.AwardCancelled {
					t.Errorf("bids %d, award %q; want the opened bids kept and the award cancelled", len(tn.Bids), tn.Awards[0].Status)
				}
			},
		},
		{
			name:   "cancellation from active.awarded cancels the pending contract",
			setup:  toAwarded,
			action: cancelTender.do,
			status: tender.StatusCancelled,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Contracts[0].Status != tender.ContractCancelled {
					t.Errorf("contract %q, want cancelled", tn.Contracts[0].Status)
				}
			},
		},
		{
			name:  "draft cancellation keeps the tender",
			setup: toEnquiries,
			action: func(e *env) error {
				_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{Reason: ptr("Можливо"), ReasonType: ptr("noDemand")})
				return err
			},
			status: tender.StatusEnquiries,
		},
		{
			name:  "cancellation by a non-owner",
			setup: toEnquiries,
			action: func(e *env) error {
				_, _, err := e.svc.AddCancellation(e.ctx, e.id, bidPlatform("other"), tender.CancellationInput{
					Reason: ptr("Чужа"), ReasonType: ptr("noDemand"), Status: ptr(tender.CancellationActive)})
				return err
			},
			status: tender.StatusEnquiries, code: tender.CodeForbidden,
		},
		{name: "cancellation from complete", setup: toComplete, action: cancelTender.do, status: tender.StatusComplete, code: tender.CodeForbidden},
		{name: "cancellation from unsuccessful", setup: toUnsuccessful, action: cancelTender.do, status: tender.StatusUnsuccessful, code: tender.CodeForbidden},
		{name: "cancellation from cancelled", setup: toCancelled, action: cancelTender.do, status: tender.StatusCancelled, code: tender.CodeForbidden},
	}
	runTable(t, nil, tests)
}
