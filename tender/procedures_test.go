package tender_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

// Fixtures of the procedures beyond belowThreshold. Each table runs with the
// same runner as the belowThreshold one: setup steps, one action, the status
// it leaves and, for a refusal, the error code and field, with the stored
// tender unchanged.

// openProc turns the fixture into an open procedure whose tender period
// lasts days (one procedure day is one clock second).
func openProc(pmt string, days int) func(*tender.CreateRequest) {
	return func(r *tender.CreateRequest) {
		r.Data.ProcurementMethodType = ptr(pmt)
		r.Data.EnquiryPeriod = nil
		r.Data.TenderPeriod = &tender.Period{EndDate: ptr(t0.Add(time.Duration(days) * day))}
	}
}

// limitedProc turns the fixture into a limited procedure.
func limitedProc(pmt string) func(*tender.CreateRequest) {
	return func(r *tender.CreateRequest) {
		r.Data.ProcurementMethodType = ptr(pmt)
		r.Data.EnquiryPeriod, r.Data.TenderPeriod, r.Data.MinimalStep = nil, nil, nil
		if pmt != tender.ProcReporting {
			r.Data.Cause = ptr("noCompetition")
			r.Data.CauseDescription = ptr("Єдиний виробник на ринку")
		}
	}
}

// twoLots splits the fixture into lots of 60000 and 40000 UAH (and a third
// of 30000 when three is set), each with its own item.
func lots(n int) func(*tender.CreateRequest) {
	return func(r *tender.CreateRequest) {
		amounts := []string{"60000", "40000", "30000"}[:n]
		r.Data.MinimalStep = nil
		item := r.Data.Items[0]
		r.Data.Items = nil
		for i, a := range amounts {
			id := fmt.Sprintf("lot%d", i+1)
			r.Data.Lots = append(r.Data.Lots, tender.Lot{ID: id, Title: "Лот " + id, Value: *uah(a), MinimalStep: uah("600")})
			it := item
			it.ID, it.RelatedLot = "item-"+id, id
			r.Data.Items = append(r.Data.Items, it)
		}
	}
}

// feature adds one tenderer feature with values 0, 0.1 and 0.2.
func feature(r *tender.CreateRequest) {
	r.Data.Features = []tender.Feature{{Code: "warranty", FeatureOf: "tenderer", Title: "Гарантія",
		Enum: []tender.FeatureValue{
			{Value: tender.MustAmount("0"), Title: "1 рік"},
			{Value: tender.MustAmount("0.1"), Title: "2 роки"},
			{Value: tender.MustAmount("0.2"), Title: "3 роки"},
		}}}
}

func withConfig(k string, v any) func(*tender.CreateRequest) {
	return func(r *tender.CreateRequest) {
		if r.Config == nil {
			r.Config = map[string]any{}
		}
		r.Config[k] = v
	}
}

// Steps of the open procedures.
var (
	publishOpen = step{"publish", func(e *env) error {
		_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusTendering)})
		return err
	}}
	publishLimited = step{"publish", func(e *env) error {
		_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusActive)})
		return err
	}}
	qualifyOpen = step{"award active (qualified, eligible)", func(e *env) error {
		_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.owner,
			tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(true), Eligible: ptr(true)})
		return err
	}}
	disqualifyOpen = step{"award unsuccessful", func(e *env) error {
		_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.owner,
			tender.AwardInput{Status: ptr(tender.AwardUnsuccessful), Qualified: ptr(false)})
		return err
	}}
	editConditions = step{"owner edits during tendering", func(e *env) error {
		_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Description: ptr("Щільність 450 г/м²")})
		return err
	}}
	reconfirmFirst = step{"first bidder re-confirms", func(e *env) error {
		b := e.bids[0]
		_, err := e.svc.PatchBid(e.ctx, e.id, b.id, b.actor, tender.BidInput{Status: ptr(tender.BidPending)})
		return err
	}}
	noAuctionRun = step{"no-auction mode: chronograph at auction start", func(e *env) error {
		tn := e.get()
		e.clock.Set(*tn.NextCheck)
		return e.chrono()
	}}
	directAward = step{"owner awards directly", func(e *env) error {
		_, _, err := e.svc.AddAward(e.ctx, e.id, e.owner, tender.AwardInput{
			Suppliers: []tender.Organization{org("ТОВ Єдиний", "40000009")}, Value: uah("99000"), Qualified: ptr(true)})
		return err
	}}
	activateAward = step{"award active", func(e *env) error {
		_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.owner,
			tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(true)})
		return err
	}}
)

// afterDays moves the clock days (procedure days) on and runs the chronograph.
func afterDays(n int) step {
	return step{fmt.Sprintf("%d days later", n), func(e *env) error {
		e.clock.Advance(time.Duration(n)*day + time.Millisecond)
		return e.chrono()
	}}
}

// decideQualifications decides every pending qualification in turn.
func decideQualifications(statuses ...string) step {
	return step{fmt.Sprintf("qualifications %v", statuses), func(e *env) error {
		for _, st := range statuses {
			var q *tender.Qualification
			for _, x := range e.get().Qualifications {
				if x.Status == tender.QualificationPending {
					q = &x
					break
				}
			}
			if q == nil {
				return fmt.Errorf("no pending qualification")
			}
			ok := st == tender.QualificationActive
			if _, _, err := e.svc.PatchQualification(e.ctx, e.id, q.ID, e.owner, tender.QualificationInput{
				Status: ptr(st), Qualified: ptr(ok), Eligible: ptr(ok)}); err != nil {
				return err
			}
		}
		return nil
	}}
}

var toStandstill = step{"switch to pre-qualification stand-still", func(e *env) error {
	_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusPrequalStandstill)})
	return err
}}

func lotBid(lotAmounts ...string) step {
	return step{fmt.Sprintf("lot bid %v", lotAmounts), func(e *env) error {
		in := tender.BidInput{Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Лотовий %d", len(e.bids)+1), fmt.Sprintf("4100000%d", len(e.bids)+1))}}
		for i := 0; i+1 < len(lotAmounts); i += 2 {
			in.LotValues = append(in.LotValues, tender.LotValue{RelatedLot: lotAmounts[i], Value: &tender.Value{Amount: tender.MustAmount(lotAmounts[i+1])}})
		}
		return e.bidAs(bidPlatform(fmt.Sprintf("lotbidder%d", len(e.bids)+1)), in)
	}}
}

func featureBid(amount, param string) step {
	return step{"bid " + amount + " answering " + param, func(e *env) error {
		return e.bidAs(bidPlatform(fmt.Sprintf("fbidder%d", len(e.bids)+1)), tender.BidInput{
			Tenderers:  []tender.Organization{org(fmt.Sprintf("ТОВ Ф %d", len(e.bids)+1), fmt.Sprintf("4200000%d", len(e.bids)+1))},
			Value:      &tender.Value{Amount: tender.MustAmount(amount)},
			Parameters: []tender.Parameter{{Code: "warranty", Value: tender.MustAmount(param)}},
		})
	}}
}

func runTable(t *testing.T, base []func(*tender.CreateRequest), tests []transition) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			edits := append([]func(*tender.CreateRequest){}, base...)
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			e := newEnv(t, edits...)
			e.run(tc.setup...)
			before := e.snapshot()
			err := tc.action(e)
			wantErr(t, err, tc.code, tc.field)
			if tc.code != "" {
				if after := e.snapshot(); after != before {
					t.Errorf("refused request changed the tender: revisions %d → %d\nbefore %s\nafter  %s", before.revs, after.revs, before.json, after.json)
				}
			}
			tn := e.get()
			if tn.Status != tc.status {
				t.Fatalf("status = %q, want %q", tn.Status, tc.status)
			}
			if tc.check != nil {
				tc.check(t, e, tn)
			}
		})
	}
}

func do(s step) func(*env) error { return s.do }

func TestAboveThresholdTransitions(t *testing.T) {
	open := openProc(tender.ProcAboveThreshold, 16)
	tendering := []step{publishOpen}
	runTable(t, []func(*tender.CreateRequest){open}, []transition{
		{
			name: "draft→active.tendering: no enquiry status; periods derived", action: do(publishOpen),
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if !tn.TenderPeriod.StartDate.Equal(t0) {
					t.Errorf("tenderPeriod.startDate = %v, want publication time", tn.TenderPeriod.StartDate)
				}
				if want := e.tpEnd.Add(-3 * day); !tn.EnquiryPeriod.EndDate.Equal(want) || !tn.ComplaintPeriod.EndDate.Equal(want) {
					t.Errorf("enquiryPeriod.endDate %v, complaintPeriod.endDate %v, want %v", tn.EnquiryPeriod.EndDate, tn.ComplaintPeriod.EndDate, want)
				}
				if tn.EnquiryPeriod.ClarificationsUntil == nil || !tn.EnquiryPeriod.ClarificationsUntil.After(*tn.EnquiryPeriod.EndDate) {
					t.Errorf("clarificationsUntil = %v", tn.EnquiryPeriod.ClarificationsUntil)
				}
			},
		},
		{
			name: "publish as active.enquiries is refused",
			action: func(e *env) error {
				return e.publish(e.owner)
			},
			status: tender.StatusDraft, code: tender.CodeInvalid, field: "status",
		},
		{
			name: "draft edit to a 10-day tender period (minimum 15)",
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{TenderPeriod: &tender.Period{EndDate: ptr(t0.Add(10 * day))}})
				return err
			},
			status: tender.StatusDraft, code: tender.CodeInvalid, field: "tenderPeriod.endDate",
		},
		{
			name: "config minTenderingDuration 7 allows an 8-day tender period",
			edit: func(r *tender.CreateRequest) {
				withConfig("minTenderingDuration", 7.0)(r)
				r.Data.TenderPeriod.EndDate = ptr(t0.Add(8 * day))
			},
			action: do(publishOpen), status: tender.StatusTendering,
		},
		{name: "question during tendering", setup: tendering, action: (*env).ask, status: tender.StatusTendering},
		{
			name: "question after enquiryPeriod.endDate", setup: tendering,
			action: func(e *env) error { e.clock.Set(e.tpEnd.Add(-2 * day)); return e.ask() },
			status: tender.StatusTendering, code: tender.CodeForbidden,
		},
		{
			name: "owner edit during tendering invalidates submitted bids", setup: then(tendering, []step{bids("90000")}),
			action: do(editConditions), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.EnquiryPeriod.InvalidationDate == nil || tn.Bids[0].Status != tender.BidInvalid {
					t.Errorf("invalidationDate %v, bid status %q", tn.EnquiryPeriod.InvalidationDate, tn.Bids[0].Status)
				}
			},
		},
		{
			name: "a tender document added during tendering invalidates bids too", setup: then(tendering, []step{bids("90000")}),
			action: func(e *env) error {
				_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.owner, tender.DocumentInput{
					Title: ptr("Зміни.pdf"), URL: ptr("https://ds.example.org/z"), Format: ptr("application/pdf")})
				return err
			},
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Bids[0].Status != tender.BidInvalid {
					t.Errorf("bid status %q, want invalid", tn.Bids[0].Status)
				}
			},
		},
		{
			name: "late owner edit without extending the tender period", setup: tendering,
			action: func(e *env) error { e.clock.Set(e.tpEnd.Add(-2 * day)); return do(editConditions)(e) },
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "tenderPeriod",
		},
		{
			name: "late owner edit that extends the tender period by 4 days", setup: tendering,
			action: func(e *env) error {
				e.clock.Set(e.tpEnd.Add(-2 * day))
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{TenderPeriod: &tender.Period{EndDate: ptr(e.tpEnd.Add(3 * day))}})
				return err
			},
			status: tender.StatusTendering,
		},
		{
			name: "bidder re-confirms an invalidated bid", setup: then(tendering, []step{bids("90000"), editConditions}),
			action: do(reconfirmFirst), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Bids[0].Status != tender.BidPending {
					t.Errorf("bid status %q, want pending", tn.Bids[0].Status)
				}
			},
		},
		{
			name: "an invalid bid that was not re-confirmed does not count", setup: then(tendering, []step{bids("90000"), editConditions, bids("95000")}),
			action: do(closeTendering), status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 1 || tn.Awards[0].BidID != e.bids[1].id {
					t.Errorf("awards %+v, want one for the re-submitted bid", tn.Awards)
				}
			},
		},
		{name: "an unanswered question holds the tender period", setup: then(tendering, []step{ask, bids("90000", "95000")}), action: do(closeTendering), status: tender.StatusTendering},
		{name: "two bids → active.auction", setup: then(tendering, []step{bids("90000", "95000")}), action: do(closeTendering), status: tender.StatusAuction},
		{
			name: "award active without eligible", setup: then(tendering, []step{bids("90000"), closeTendering}),
			action: func(e *env) error { return e.decide(tender.AwardActive, ptr(true)) },
			status: tender.StatusQualification, code: tender.CodeInvalid, field: "eligible",
		},
		{
			name: "award active → 5-day standstill", setup: then(tendering, []step{bids("90000"), closeTendering}),
			action: do(qualifyOpen), status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				cp := tn.Awards[0].ComplaintPeriod
				if cp == nil || !cp.EndDate.Equal(cp.StartDate.Add(5*day)) {
					t.Errorf("complaintPeriod %+v, want 5 days", cp)
				}
			},
		},
		{name: "contract signed inside the standstill", setup: then(tendering, []step{bids("90000"), closeTendering, qualifyOpen}), action: do(sign), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "contract signed after the standstill", setup: then(tendering, []step{bids("90000"), closeTendering, qualifyOpen, afterDays(5)}), action: do(sign), status: tender.StatusComplete},
		{
			name: "abnormally low price: alp milestone blocks the decision until its due date",
			edit: noAuctionMode, setup: then(tendering, []step{bids("50000", "95000", "99000"), closeTendering, noAuctionRun}),
			action: do(qualifyOpen), status: tender.StatusQualification, code: tender.CodeForbidden,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if ms := tn.Awards[0].Milestones; len(ms) != 1 || ms[0].Code != "alp" {
					t.Errorf("milestones %+v, want one alp", ms)
				}
			},
		},
		{
			name: "the bidder whose award waits may add an explanation to its bid",
			edit: noAuctionMode, setup: then(tendering, []step{bids("50000", "95000", "99000"), closeTendering, noAuctionRun}),
			action: func(e *env) error {
				b := e.bids[0]
				_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "bid", ID: b.id}, b.actor, tender.DocumentInput{
					Title: ptr("Обґрунтування ціни.pdf"), URL: ptr("https://ds.example.org/alp"), Format: ptr("application/pdf")})
				return err
			},
			status: tender.StatusQualification,
		},
		{
			name: "a bidder without a pending award may not",
			edit: noAuctionMode, setup: then(tendering, []step{bids("50000", "95000", "99000"), closeTendering, noAuctionRun}),
			action: func(e *env) error {
				b := e.bids[1]
				_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "bid", ID: b.id}, b.actor, tender.DocumentInput{
					Title: ptr("x.pdf"), URL: ptr("https://ds.example.org/x"), Format: ptr("application/pdf")})
				return err
			},
			status: tender.StatusQualification, code: tender.CodeForbidden,
		},
		{
			name: "abnormally low price: decision after the milestone's due date",
			edit: noAuctionMode, setup: then(tendering, []step{bids("50000", "95000", "99000"), closeTendering, noAuctionRun, afterDays(3)}),
			action: do(qualifyOpen), status: tender.StatusAwarded,
		},
		{
			name: "30 % below the next bid is abnormally low too", edit: noAuctionMode,
			setup:  then(tendering, []step{bids("60000", "90000"), closeTendering, noAuctionRun}),
			action: func(e *env) error { return nil }, status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards[0].Milestones) != 1 {
					t.Errorf("milestones %+v, want alp (60000 ≤ 0.7 × 90000)", tn.Awards[0].Milestones)
				}
			},
		},
		{
			name: "a normal price gets no milestone", edit: noAuctionMode,
			setup:  then(tendering, []step{bids("80000", "90000"), closeTendering, noAuctionRun}),
			action: func(e *env) error { return nil }, status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards[0].Milestones) != 0 {
					t.Errorf("milestones %+v, want none", tn.Awards[0].Milestones)
				}
			},
		},
	})
}

func TestAboveThresholdUATransitions(t *testing.T) {
	open := openProc(tender.ProcAboveThresholdUA, 16)
	runTable(t, []func(*tender.CreateRequest){open, noAuctionMode}, []transition{
		{
			name: "enquiries end 10 days and complaints 4 days before the tender period", action: do(publishOpen),
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if !tn.EnquiryPeriod.EndDate.Equal(e.tpEnd.Add(-10*day)) || !tn.ComplaintPeriod.EndDate.Equal(e.tpEnd.Add(-4*day)) {
					t.Errorf("enquiryPeriod.endDate %v, complaintPeriod.endDate %v", tn.EnquiryPeriod.EndDate, tn.ComplaintPeriod.EndDate)
				}
			},
		},
		{name: "one bid → unsuccessful (minimum 2)", setup: []step{publishOpen, bids("90000")}, action: do(closeTendering), status: tender.StatusUnsuccessful},
		{name: "late edit needs 7 days left", setup: []step{publishOpen}, action: func(e *env) error { e.clock.Set(e.tpEnd.Add(-6 * day)); return do(editConditions)(e) }, status: tender.StatusTendering, code: tender.CodeInvalid, field: "tenderPeriod"},
		{name: "two bids → auction → award", setup: []step{publishOpen, bids("90000", "95000"), closeTendering}, action: do(noAuctionRun), status: tender.StatusQualification},
		{name: "contract signed on day 9 of the 10-day standstill", setup: []step{publishOpen, bids("80000", "85000"), closeTendering, noAuctionRun, qualifyOpen, afterDays(9)}, action: do(sign), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "contract signed after the 10-day standstill", setup: []step{publishOpen, bids("80000", "85000"), closeTendering, noAuctionRun, qualifyOpen, afterDays(10)}, action: do(sign), status: tender.StatusComplete},
	})
}

func TestAboveThresholdEUTransitions(t *testing.T) {
	base := []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdEU, 31), noAuctionMode}
	prequal := []step{publishOpen, bids("90000", "95000", "97000"), closeTendering}
	runTable(t, base, []transition{
		{
			name:  "end of tendering → active.pre-qualification, one qualification per bid, prices sealed",
			setup: []step{publishOpen, bids("90000", "95000")}, action: do(closeTendering),
			status: tender.StatusPrequalification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Qualifications) != 2 {
					t.Errorf("%d qualifications, want 2", len(tn.Qualifications))
				}
				v := tn.View(tender.RolePublic, "")
				if len(v.Bids) != 2 || v.Bids[0].Value != nil || len(v.Bids[0].Tenderers) == 0 {
					t.Errorf("public bids during pre-qualification: %+v", v.Bids)
				}
				one, err := e.svc.GetBid(e.ctx, e.id, e.bids[0].id, public)
				if err != nil || one.Value != nil || len(one.Tenderers) == 0 {
					t.Errorf("GET one bid during pre-qualification: %+v, %v", one, err)
				}
				own, err := e.svc.GetBid(e.ctx, e.id, e.bids[0].id, e.bids[0].actor)
				if err != nil || own.Value == nil {
					t.Errorf("its owner sees its own price: %+v, %v", own, err)
				}
			},
		},
		{name: "stand-still switch with a pending qualification", setup: then(prequal, []step{decideQualifications("active")}), action: do(toStandstill), status: tender.StatusPrequalification, code: tender.CodeForbidden},
		{
			name: "stand-still switch with other fields", setup: then(prequal, []step{decideQualifications("active", "active", "active")}),
			action: func(e *env) error {
				_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusPrequalStandstill), Title: ptr("x")})
				return err
			},
			status: tender.StatusPrequalification, code: tender.CodeInvalid, field: "data",
		},
		{
			name: "qualification active without eligible", setup: prequal,
			action: func(e *env) error {
				_, _, err := e.svc.PatchQualification(e.ctx, e.id, e.get().Qualifications[0].ID, e.owner, tender.QualificationInput{Status: ptr("active"), Qualified: ptr(true)})
				return err
			},
			status: tender.StatusPrequalification, code: tender.CodeInvalid, field: "eligible",
		},
		{
			name: "a decision cancelled gets a new pending qualification", setup: then(prequal, []step{decideQualifications("active")}),
			action: func(e *env) error {
				_, _, err := e.svc.PatchQualification(e.ctx, e.id, e.get().Qualifications[0].ID, e.owner, tender.QualificationInput{Status: ptr("cancelled")})
				return err
			},
			status: tender.StatusPrequalification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Qualifications) != 4 || tn.Qualifications[3].Status != "pending" || tn.Qualifications[3].BidID != tn.Qualifications[0].BidID {
					t.Errorf("qualifications %+v", tn.Qualifications)
				}
			},
		},
		{
			name: "owner attaches a document to a qualification", setup: prequal,
			action: func(e *env) error {
				_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "qualification", ID: e.get().Qualifications[0].ID}, e.owner, tender.DocumentInput{
					Title: ptr("Протокол.pdf"), URL: ptr("https://ds.example.org/q"), Format: ptr("application/pdf")})
				return err
			},
			status: tender.StatusPrequalification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Qualifications[0].Documents) != 1 {
					t.Errorf("qualification documents %+v", tn.Qualifications[0].Documents)
				}
			},
		},
		{
			name: "all decided → stand-still for 5 days", setup: then(prequal, []step{decideQualifications("active", "active", "unsuccessful")}),
			action: do(toStandstill), status: tender.StatusPrequalStandstill,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if qp := tn.QualificationPeriod; qp.EndDate == nil || !qp.EndDate.Equal(e.clock.Now().Add(5*day)) {
					t.Errorf("qualificationPeriod %+v", qp)
				}
			},
		},
		{
			name:   "stand-still over with 2 admitted → auction, the rejected bid unsuccessful",
			setup:  then(prequal, []step{decideQualifications("active", "active", "unsuccessful"), toStandstill}),
			action: do(afterDays(5)), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Bids[2].Status != tender.BidUnsuccessful || tn.Bids[0].Status != tender.BidActive {
					t.Errorf("bid statuses %q %q %q", tn.Bids[0].Status, tn.Bids[1].Status, tn.Bids[2].Status)
				}
			},
		},
		{
			name:   "stand-still over with 1 admitted → unsuccessful",
			setup:  then(prequal, []step{decideQualifications("active", "unsuccessful", "unsuccessful"), toStandstill}),
			action: do(afterDays(5)), status: tender.StatusUnsuccessful,
		},
		{
			name:   "auction → award → complete after the 10-day standstill",
			setup:  then(prequal, []step{decideQualifications("active", "active", "active"), toStandstill, afterDays(5), noAuctionRun, qualifyOpen, afterDays(10)}),
			action: do(sign), status: tender.StatusComplete,
		},
	})
}

func TestLimitedTransitions(t *testing.T) {
	t.Run("reporting", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){limitedProc(tender.ProcReporting)}, []transition{
			{name: "publish → active", action: do(publishLimited), status: tender.StatusActive},
			{name: "bids are refused", setup: []step{publishLimited}, action: func(e *env) error { return e.bid("90000") }, status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "owner creates an award", setup: []step{publishLimited}, action: do(directAward), status: tender.StatusActive},
			{
				name: "award above the tender value", setup: []step{publishLimited},
				action: func(e *env) error {
					_, _, err := e.svc.AddAward(e.ctx, e.id, e.owner, tender.AwardInput{Suppliers: []tender.Organization{org("ТОВ", "40000009")}, Value: uah("100000.01")})
					return err
				},
				status: tender.StatusActive, code: tender.CodeInvalid, field: "value.amount",
			},
			{name: "a second award while one is pending", setup: []step{publishLimited, directAward}, action: do(directAward), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "award by a non-owner", setup: []step{publishLimited}, action: func(e *env) error {
				_, _, err := e.svc.AddAward(e.ctx, e.id, bidPlatform("x"), tender.AwardInput{Suppliers: []tender.Organization{org("ТОВ", "40000009")}, Value: uah("1")})
				return err
			}, status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "award active, contract signed at once → complete", setup: []step{publishLimited, directAward, activateAward}, action: do(sign), status: tender.StatusComplete},
			{name: "award unsuccessful → a new award may follow", setup: []step{publishLimited, directAward, disqualifyOpen}, action: do(directAward), status: tender.StatusActive},
		})
	})
	t.Run("negotiation", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){limitedProc(tender.ProcNegotiation)}, []transition{
			{name: "award active without qualified", setup: []step{publishLimited, directAward}, action: func(e *env) error {
				_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.owner, tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(false)})
				return err
			}, status: tender.StatusActive, code: tender.CodeInvalid, field: "qualified"},
			{name: "contract inside the 5-day standstill", setup: []step{publishLimited, directAward, activateAward, afterDays(4)}, action: do(sign), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "contract after the standstill → complete", setup: []step{publishLimited, directAward, activateAward, afterDays(5)}, action: do(sign), status: tender.StatusComplete},
			{name: "cancellation waits 10 days for complaints", setup: []step{publishLimited}, action: func(e *env) error {
				return e.cancelWithWindow("", 10)
			}, status: tender.StatusCancelled},
		})
	})
	t.Run("negotiation.quick", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){limitedProc(tender.ProcNegotiationQuick)}, []transition{
			{name: "contract inside the 3-day standstill", setup: []step{publishLimited, directAward, activateAward, afterDays(2)}, action: do(sign), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "contract after the standstill → complete", setup: []step{publishLimited, directAward, activateAward, afterDays(3)}, action: do(sign), status: tender.StatusComplete},
		})
	})
}

// cancelWithWindow cancels the tender (or lot) through a pending
// cancellation with its report, checks it waits, and lets days pass.
func (e *env) cancelWithWindow(lot string, days int) error {
	in := tender.CancellationInput{Reason: ptr("Зникла потреба"), ReasonType: ptr("noDemand")}
	if lot != "" {
		in.CancellationOf, in.RelatedLot = ptr("lot"), ptr(lot)
	}
	_, c, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, in)
	if err != nil {
		return err
	}
	pending := tender.CancellationInput{Status: ptr(tender.CancellationPending)}
	if _, _, err := e.svc.PatchCancellation(e.ctx, e.id, c.ID, e.owner, pending); tender.ErrorCode(err) != tender.CodeForbidden {
		return fmt.Errorf("pending without a cancellation report: %v, want forbidden", err)
	}
	if _, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "cancellation", ID: c.ID}, e.owner, tender.DocumentInput{
		Title: ptr("cancellation.p7s"), URL: ptr("https://ds.example.org/c"), Format: ptr("application/pkcs7-signature"), DocumentType: ptr("cancellationReport")}); err != nil {
		return err
	}
	if _, _, err := e.svc.PatchCancellation(e.ctx, e.id, c.ID, e.owner, pending); err != nil {
		return err
	}
	e.clock.Advance(time.Duration(days-1) * day)
	if err := e.chrono(); err != nil {
		return err
	}
	if got := e.get().Cancellations[len(e.get().Cancellations)-1].Status; got != tender.CancellationPending {
		return fmt.Errorf("cancellation %q before its complaint period ended", got)
	}
	e.clock.Advance(day + time.Millisecond)
	return e.chrono()
}

func TestLotTransitions(t *testing.T) {
	below := []func(*tender.CreateRequest){lots(3), noAuctionMode}
	runTable(t, below, []transition{
		{
			name: "tender value is the sum of the lots", action: do(publish), status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) { amountIs(t, "value", tn.Value.Amount, "130000") },
		},
		{name: "bid above the lot value", setup: toTenderingPath, action: do(lotBid("lot2", "40000.01")), status: tender.StatusTendering, code: tender.CodeInvalid, field: "lotValues[0].value"},
		{name: "bid on an unknown lot", setup: toTenderingPath, action: do(lotBid("nolot", "1")), status: tender.StatusTendering, code: tender.CodeInvalid, field: "lotValues[0].relatedLot"},
		{
			name: "bid without lotValues", setup: toTenderingPath,
			action: func(e *env) error { return e.bid("100") }, status: tender.StatusTendering, code: tender.CodeInvalid, field: "lotValues",
		},
		{
			name: "lot without bids fails, lots with bids go on", setup: then(toTenderingPath, []step{lotBid("lot1", "50000", "lot2", "30000"), lotBid("lot1", "55000")}),
			action: do(closeTendering), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[0].Status != "active" || tn.Lots[1].Status != "active" || tn.Lots[2].Status != "unsuccessful" {
					t.Errorf("lot statuses %s %s %s", tn.Lots[0].Status, tn.Lots[1].Status, tn.Lots[2].Status)
				}
				if tn.Lots[0].AuctionPeriod == nil || tn.Lots[1].AuctionPeriod != nil {
					t.Errorf("auction periods: lot1 %+v (2 bids), lot2 %+v (1 bid: no auction)", tn.Lots[0].AuctionPeriod, tn.Lots[1].AuctionPeriod)
				}
			},
		},
		{
			name:   "auction of lot1 done → awards on both lots",
			setup:  then(toTenderingPath, []step{lotBid("lot1", "50000", "lot2", "30000"), lotBid("lot1", "55000"), closeTendering}),
			action: do(noAuctionRun), status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 2 || tn.Awards[0].LotID != "lot1" || tn.Awards[1].LotID != "lot2" || tn.Awards[0].BidID != e.bids[0].id {
					t.Errorf("awards %+v", tn.Awards)
				}
			},
		},
		{
			name:  "lot cancelled at once in belowThreshold; the rest continues",
			setup: then(toTenderingPath, []step{lotBid("lot1", "50000", "lot2", "30000")}),
			action: func(e *env) error {
				_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{Reason: ptr("Не потрібно"), ReasonType: ptr("noDemand"),
					CancellationOf: ptr("lot"), RelatedLot: ptr("lot2"), Status: ptr("active")})
				return err
			},
			status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[1].Status != "cancelled" || len(tn.Bids[0].LotValues) != 1 {
					t.Errorf("lot2 %q, bid lotValues %+v", tn.Lots[1].Status, tn.Bids[0].LotValues)
				}
			},
		},
		{
			name: "one lot complete, one unsuccessful, one cancelled → complete",
			setup: then(toTenderingPath, []step{lotBid("lot1", "50000"), {"cancel lot3", func(e *env) error {
				_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{Reason: ptr("Не потрібно"), ReasonType: ptr("noDemand"),
					CancellationOf: ptr("lot"), RelatedLot: ptr("lot3"), Status: ptr("active")})
				return err
			}}, closeTendering, qualify}),
			action: do(sign), status: tender.StatusComplete,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[0].Status != "complete" || tn.Lots[1].Status != "unsuccessful" || tn.Lots[2].Status != "cancelled" {
					t.Errorf("lot statuses %s %s %s", tn.Lots[0].Status, tn.Lots[1].Status, tn.Lots[2].Status)
				}
			},
		},
		{name: "every lot without bids → unsuccessful", setup: toTenderingPath, action: do(closeTendering), status: tender.StatusUnsuccessful},
		{
			name:  "auction results for one lot",
			edit:  func(r *tender.CreateRequest) { r.Data.SubmissionMethodDetails = nil },
			setup: then(toTenderingPath, []step{lotBid("lot1", "50000", "lot2", "30000"), lotBid("lot1", "55000", "lot2", "35000"), closeTendering}),
			action: func(e *env) error {
				tn := e.get()
				var res tender.AuctionResults
				for _, b := range tn.Bids {
					ab := tender.AuctionBid{ID: b.ID}
					ab.LotValues = append(ab.LotValues, struct {
						RelatedLot string               `json:"relatedLot"`
						Value      *tender.AuctionValue `json:"value"`
					}{"lot2", &tender.AuctionValue{Amount: tender.MustAmount("29000")}})
					res.Bids = append(res.Bids, ab)
				}
				_, err := e.svc.PostAuction(e.ctx, e.id, "lot2", auctionRobot, res)
				return err
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[1].AuctionPeriod.EndDate == nil || tn.Lots[0].AuctionPeriod.EndDate != nil {
					t.Errorf("auction periods %+v %+v", tn.Lots[0].AuctionPeriod, tn.Lots[1].AuctionPeriod)
				}
				amountIs(t, "lot2 value", tn.Bids[0].LotValues[1].Value.Amount, "29000")
			},
		},
	})
	open := []func(*tender.CreateRequest){openProc(tender.ProcAboveThreshold, 16), lots(2), noAuctionMode}
	runTable(t, open, []transition{
		{
			name: "lot cancellation waits out its complaint period", setup: []step{publishOpen, lotBid("lot1", "50000")},
			action: func(e *env) error { return e.cancelWithWindow("lot2", 10) }, status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[1].Status != "cancelled" {
					t.Errorf("lot2 %q", tn.Lots[1].Status)
				}
			},
		},
		{
			name:  "whole-tender cancellation in the open procedure needs the pending step",
			setup: []step{publishOpen}, action: (*env).cancel, status: tender.StatusTendering, code: tender.CodeInvalid, field: "status",
		},
	})
}

func TestFeatureTransitions(t *testing.T) {
	runTable(t, []func(*tender.CreateRequest){feature, noAuctionMode}, []transition{
		{
			name: "bid without parameters", setup: toTenderingPath,
			action: func(e *env) error { return e.bid("90000") }, status: tender.StatusTendering, code: tender.CodeInvalid, field: "parameters",
		},
		{name: "parameter value not in the enum", setup: toTenderingPath, action: do(featureBid("90000", "0.15")), status: tender.StatusTendering, code: tender.CodeInvalid, field: "parameters[0].value"},
		{
			// 99000 / (1 + 0.2/0.8) = 79200 beats 90000 / 1.
			name: "the pricier bid wins on weighted value", setup: then(toTenderingPath, []step{featureBid("90000", "0"), featureBid("99000", "0.2"), closeTendering}),
			action: do(noAuctionRun), status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				a := tn.Awards[0]
				if a.BidID != e.bids[1].id || a.WeightedValue == nil {
					t.Fatalf("award %+v, want the second bid", a)
				}
				amountIs(t, "weightedValue", a.WeightedValue.Amount, "79200")
				amountIs(t, "denominator", a.WeightedValue.Denominator, "1.25")
			},
		},
	})
}

// TestProcedureCreateValidation lists create requests each procedure refuses.
func TestProcedureCreateValidation(t *testing.T) {
	tests := []struct {
		name  string
		edits []func(*tender.CreateRequest)
		field string
	}{
		{"unknown procedure", []func(*tender.CreateRequest){func(r *tender.CreateRequest) { r.Data.ProcurementMethodType = ptr("esco") }}, "procurementMethodType"},
		{"aboveThreshold with an enquiry period", []func(*tender.CreateRequest){openProc(tender.ProcAboveThreshold, 16), func(r *tender.CreateRequest) {
			r.Data.EnquiryPeriod = &tender.Period{EndDate: ptr(t0.Add(day))}
		}}, "enquiryPeriod"},
		{"aboveThresholdUA 14-day tender period", []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdUA, 14)}, "tenderPeriod.endDate"},
		{"aboveThresholdEU 29-day tender period", []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdEU, 29)}, "tenderPeriod.endDate"},
		{"aboveThresholdEU without an auction", []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdEU, 31), withConfig("hasAuction", false)}, "config.hasAuction"},
		{"aboveThreshold minTenderingDuration 10", []func(*tender.CreateRequest){openProc(tender.ProcAboveThreshold, 16), withConfig("minTenderingDuration", 10.0)}, "config.minTenderingDuration"},
		{"negotiation without a cause", []func(*tender.CreateRequest){limitedProc(tender.ProcNegotiation), func(r *tender.CreateRequest) { r.Data.Cause = nil }}, "cause"},
		{"reporting with a tender period", []func(*tender.CreateRequest){limitedProc(tender.ProcReporting), func(r *tender.CreateRequest) {
			r.Data.TenderPeriod = &tender.Period{EndDate: ptr(t0.Add(day))}
		}}, "tenderPeriod"},
		{"minimal step at tender level with lots", []func(*tender.CreateRequest){lots(2), func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("1000") }}, "minimalStep"},
		{"lot minimal step above 3 %", []func(*tender.CreateRequest){lots(2), func(r *tender.CreateRequest) { r.Data.Lots[1].MinimalStep = uah("1200.01") }}, "lots[1].minimalStep.amount"},
		{"lot minimal step below 0.5 %", []func(*tender.CreateRequest){lots(2), func(r *tender.CreateRequest) { r.Data.Lots[0].MinimalStep = uah("299.99") }}, "lots[0].minimalStep.amount"},
		{"lot in another currency", []func(*tender.CreateRequest){lots(2), func(r *tender.CreateRequest) { r.Data.Lots[0].Value.Currency = "EUR" }}, "lots[0].value.currency"},
		{"item without relatedLot", []func(*tender.CreateRequest){lots(2), func(r *tender.CreateRequest) { r.Data.Items[0].RelatedLot = "" }}, "items[0].relatedLot"},
		{"feature value above 0.3", []func(*tender.CreateRequest){feature, func(r *tender.CreateRequest) { r.Data.Features[0].Enum[2].Value = tender.MustAmount("0.31") }}, "features[0].enum[2].value"},
		{"features summing above 0.3", []func(*tender.CreateRequest){feature, func(r *tender.CreateRequest) {
			f := r.Data.Features[0]
			f.Code = "delivery"
			r.Data.Features = append(r.Data.Features, f)
		}}, "features"},
		{"feature of an unknown item", []func(*tender.CreateRequest){feature, func(r *tender.CreateRequest) {
			r.Data.Features[0].FeatureOf, r.Data.Features[0].RelatedItem = "item", "nope"
		}}, "features[0].relatedItem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tendertest.NewClock(t0)
			svc, _ := newService(c)
			req := fixtureRequest(t0)
			for _, e := range tc.edits {
				e(&req)
			}
			_, _, err := svc.Create(t.Context(), tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "13"}, req)
			wantErr(t, err, tender.CodeInvalid, tc.field)
		})
	}
}

// TestAccreditationLevels: ProZorro's levels 1/2 create and bid below the
// threshold, 3/4 above it.
func TestAccreditationLevels(t *testing.T) {
	c := tendertest.NewClock(t0)
	svc, _ := newService(c)
	for _, tc := range []struct {
		pmt, levels string
		ok          bool
	}{
		{tender.ProcBelowThreshold, "1", true}, {tender.ProcBelowThreshold, "3", false},
		{tender.ProcAboveThresholdUA, "1", false}, {tender.ProcAboveThresholdUA, "3", true},
		{tender.ProcReporting, "1", true},
	} {
		req := fixtureRequest(t0)
		if tc.pmt != tender.ProcBelowThreshold {
			if tc.pmt == tender.ProcReporting {
				limitedProc(tc.pmt)(&req)
			} else {
				openProc(tc.pmt, 16)(&req)
			}
		}
		_, _, err := svc.Create(t.Context(), tender.Actor{Platform: "p", Role: tender.RoleBroker, Levels: tc.levels}, req)
		if (err == nil) != tc.ok || err != nil && tender.ErrorCode(err) != tender.CodeForbidden {
			t.Errorf("%s with levels %q: %v, want ok=%v", tc.pmt, tc.levels, err, tc.ok)
		}
	}
	e := newEnv(t, openProc(tender.ProcAboveThreshold, 16))
	e.run(publishOpen)
	err := e.bidAs(tender.Actor{Platform: "low", Role: tender.RoleBroker, Levels: "2"}, tender.BidInput{
		Tenderers: []tender.Organization{org("ТОВ", "40000001")}, Value: uah("1000")})
	wantErr(t, err, tender.CodeForbidden, "")
}
