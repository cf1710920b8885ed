package tender_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Auction planning, the auction's URLs and its audit document. Real-time
// rows plan in the fixed slot of export_test.go: 12:40 Kyiv.

// march is a moment of March 2026 in Kyiv (the 2nd is a Monday).
func march(day, hour, min int) time.Time {
	return time.Date(2026, time.March, day, hour, min, 0, 0, tender.Kyiv)
}

// realTime turns the fixture into a tender that runs in real time:
// enquiries until Friday 6 March 00:00, tendering until tpEnd.
func realTime(tpEnd time.Time) func(*tender.CreateRequest) {
	return func(r *tender.CreateRequest) {
		r.Data.ProcurementMethodDetails = nil
		r.Data.EnquiryPeriod = &tender.Period{EndDate: ptr(march(6, 0, 0))}
		r.Data.TenderPeriod = &tender.Period{EndDate: ptr(tpEnd)}
	}
}

// chronoAt runs the chronograph with the clock at `at`.
func chronoAt(at time.Time) func(*env) error {
	return func(e *env) error { e.clock.Set(at); return e.chrono() }
}

// calendar makes the service use a calendar with these overrides.
func calendar(overrides map[string]bool) step {
	return step{fmt.Sprintf("calendar %v", overrides), func(e *env) error {
		e.svc.Calendar = tender.NewCalendar(overrides)
		return nil
	}}
}

// wantPlan checks the tender's auction period.
func wantPlan(shouldStartAfter, start time.Time) func(*testing.T, *env, *tender.Tender) {
	return func(t *testing.T, e *env, tn *tender.Tender) {
		t.Helper()
		ap := tn.AuctionPeriod
		if ap == nil || ap.ShouldStartAfter == nil || ap.StartDate == nil {
			t.Fatalf("auctionPeriod %+v", ap)
		}
		if !ap.ShouldStartAfter.Equal(shouldStartAfter) || !ap.StartDate.Equal(start) {
			t.Errorf("auctionPeriod shouldStartAfter %s, startDate %s; want %s, %s", ap.ShouldStartAfter, ap.StartDate, shouldStartAfter, start)
		}
	}
}

// accelerated is 1 h of the fixture's sandbox clock (accelerator 86400).
func accelerated(d time.Duration) time.Duration { return d / 86400 }

func TestAuctionPlanning(t *testing.T) {
	toBids := []step{publish, toTendering, bids("90000", "95000")}
	runTable(t, nil, []transition{
		{
			name: "deadline Thursday 10:00 → Friday's slot", edit: realTime(march(12, 10, 0)),
			setup: toBids, action: do(closeTendering), status: tender.StatusAuction,
			check: wantPlan(march(13, 0, 0), march(13, 12, 40)),
		},
		{
			name: "the chronograph comes Friday 09:59 (+1 h before 11:00) → the same day", edit: realTime(march(12, 10, 0)),
			setup: toBids, action: chronoAt(march(13, 9, 59)), status: tender.StatusAuction,
			check: wantPlan(march(13, 0, 0), march(13, 12, 40)),
		},
		{
			name: "the chronograph comes Friday 10:00 (+1 h reaches 11:00) → Monday", edit: realTime(march(12, 10, 0)),
			setup: toBids, action: chronoAt(march(13, 10, 0)), status: tender.StatusAuction,
			check: wantPlan(march(13, 0, 0), march(16, 12, 40)),
		},
		{
			name: "deadline Friday evening → Monday", edit: realTime(march(13, 18, 0)),
			setup: toBids, action: do(closeTendering), status: tender.StatusAuction,
			check: wantPlan(march(14, 0, 0), march(16, 12, 40)),
		},
		{
			name: "Friday a day off in the calendar → Monday", edit: realTime(march(12, 10, 0)),
			setup: then(toBids, []step{calendar(map[string]bool{"2026-03-13": true})}), action: do(closeTendering), status: tender.StatusAuction,
			check: wantPlan(march(13, 0, 0), march(16, 12, 40)),
		},
		{
			name: "a working Saturday in the calendar takes the auction", edit: realTime(march(13, 18, 0)),
			setup: then(toBids, []step{calendar(map[string]bool{"2026-03-14": false})}), action: do(closeTendering), status: tender.StatusAuction,
			check: wantPlan(march(14, 0, 0), march(14, 12, 40)),
		},
		{
			name: "the auction is due for replanning at start + 2×6 + 9 + 15 + 60 minutes", edit: realTime(march(10, 10, 0)),
			setup: toBids, action: do(closeTendering), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				wantPlan(march(11, 0, 0), march(11, 12, 40))(t, e, tn)
				if want := march(11, 14, 16); tn.NextCheck == nil || !tn.NextCheck.Equal(want) {
					t.Errorf("next_check %v, want %s", tn.NextCheck, want)
				}
			},
		},
		{
			name: "not replanned a microsecond before", edit: realTime(march(10, 10, 0)),
			setup: then(toBids, []step{closeTendering}), action: chronoAt(march(11, 14, 16).Add(-time.Microsecond)), status: tender.StatusAuction,
			check: wantPlan(march(11, 0, 0), march(11, 12, 40)),
		},
		{
			name: "no result by then: replanned from now, Wednesday 15:16 → Thursday", edit: realTime(march(10, 10, 0)),
			setup: then(toBids, []step{closeTendering}), action: chronoAt(march(11, 14, 16)), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				wantPlan(march(11, 0, 0), march(12, 12, 40))(t, e, tn)
				if want := march(12, 14, 16); tn.NextCheck == nil || !tn.NextCheck.Equal(want) {
					t.Errorf("next_check %v, want %s", tn.NextCheck, want)
				}
			},
		},
		{
			name: "results posted: nothing left to replan", edit: realTime(march(10, 10, 0)),
			setup: then(toBids, []step{closeTendering, {"results at the start", func(e *env) error {
				e.clock.Set(march(11, 12, 50))
				return e.auctionResults(auctionRobot, "89000", "90000")
			}}}),
			action: chronoAt(march(11, 14, 16)), status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if ap := tn.AuctionPeriod; !ap.StartDate.Equal(march(11, 12, 40)) || !ap.EndDate.Equal(march(11, 12, 50)) {
					t.Errorf("auctionPeriod %+v", ap)
				}
			},
		},
		{
			name:  "sandbox: tenderPeriod.endDate + 1 h / accelerator, no midnight",
			setup: toBids, action: do(closeTendering), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				wantPlan(e.tpEnd, e.tpEnd.Add(accelerated(time.Hour)).Truncate(time.Microsecond))(t, e, tn)
				want := tn.AuctionPeriod.StartDate.Add(96 * time.Minute)
				if tn.NextCheck == nil || !tn.NextCheck.Equal(want) {
					t.Errorf("next_check %v, want the replanning time in real minutes %s", tn.NextCheck, want)
				}
			},
		},
		{
			name:  "sandbox: a late chronograph starts the auction at once",
			setup: toBids, action: chronoAt(t0.Add(25 * day)), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) { wantPlan(e.tpEnd, t0.Add(25*day))(t, e, tn) },
		},
		{
			name:  "sandbox: not replanned while a slowed-down auction may still run",
			setup: then(toBids, []step{closeTendering}),
			action: func(e *env) error {
				return chronoAt(e.get().AuctionPeriod.StartDate.Add(95 * time.Minute))(e)
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				wantPlan(e.tpEnd, e.tpEnd.Add(accelerated(time.Hour)).Truncate(time.Microsecond))(t, e, tn)
			},
		},
		{
			name:  "sandbox: replanned 96 minutes after the start, 1 h / accelerator from now",
			setup: then(toBids, []step{closeTendering}),
			action: func(e *env) error {
				return chronoAt(e.get().AuctionPeriod.StartDate.Add(96 * time.Minute))(e)
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				now := e.clock.Now()
				wantPlan(e.tpEnd, now.Add(accelerated(time.Hour)).Truncate(time.Microsecond))(t, e, tn)
			},
		},
		{
			name: "no-auction mode keeps its event at the start", edit: noAuctionMode,
			setup: toBids, action: do(closeTendering), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.NextCheck == nil || !tn.NextCheck.Equal(*tn.AuctionPeriod.StartDate) {
					t.Errorf("next_check %v, want auctionPeriod.startDate %v", tn.NextCheck, tn.AuctionPeriod.StartDate)
				}
			},
		},
	})

	t.Run("lots are planned and replanned each on its own", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){lots(2)}, []transition{{
			name: "lot2 done, lot1 replanned",
			setup: []step{publish, toTendering, lotBid("lot1", "50000", "lot2", "30000"), lotBid("lot1", "55000", "lot2", "35000"), closeTendering,
				{"lot2 results", func(e *env) error { return e.lotResults("lot2", "29000", "34000") }}},
			action: func(e *env) error {
				return chronoAt(e.get().Lots[0].AuctionPeriod.StartDate.Add(96 * time.Minute))(e)
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				first := e.tpEnd.Add(accelerated(time.Hour)).Truncate(time.Microsecond)
				l1, l2 := tn.Lots[0].AuctionPeriod, tn.Lots[1].AuctionPeriod
				if !l1.StartDate.After(first) || l1.EndDate != nil {
					t.Errorf("lot1 %+v, want replanned after %s", l1, first)
				}
				if l2.StartDate.After(first) || l2.EndDate == nil {
					t.Errorf("lot2 %+v, want kept", l2)
				}
			},
		}})
	})

	t.Run("pre-qualification", func(t *testing.T) {
		eu := func(r *tender.CreateRequest) {
			openProc(tender.ProcAboveThresholdEU, 31)(r)
			r.Data.ProcurementMethodDetails = nil
			r.Data.TenderPeriod.EndDate = ptr(time.Date(2026, time.April, 2, 10, 0, 0, 0, tender.Kyiv))
		}
		runTable(t, []func(*tender.CreateRequest){eu}, []transition{{
			// The stand-still ends at midnight of Wednesday 8 April; the
			// auction may start after the next midnight.
			name:  "shouldStartAfter from qualificationPeriod.endDate",
			setup: []step{publishOpen, bids("90000", "95000"), closeTendering, decideQualifications("active", "active"), toStandstill},
			action: func(e *env) error {
				return chronoAt(*e.get().QualificationPeriod.EndDate)(e)
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if qp := tn.QualificationPeriod.EndDate; !qp.Equal(time.Date(2026, time.April, 8, 0, 0, 0, 0, tender.Kyiv)) {
					t.Fatalf("qualificationPeriod.endDate %s", qp)
				}
				wantPlan(time.Date(2026, time.April, 9, 0, 0, 0, 0, tender.Kyiv), time.Date(2026, time.April, 9, 12, 40, 0, 0, tender.Kyiv))(t, e, tn)
			},
		}})
	})
}

// lotResults posts lot's auction results, one amount per stored bid.
func (e *env) lotResults(lot string, amounts ...string) error {
	var res tender.AuctionResults
	for i, b := range e.get().Bids {
		ab := tender.AuctionBid{ID: b.ID}
		ab.LotValues = append(ab.LotValues, struct {
			RelatedLot string               `json:"relatedLot"`
			Value      *tender.AuctionValue `json:"value"`
		}{lot, &tender.AuctionValue{Amount: tender.MustAmount(amounts[i])}})
		res.Bids = append(res.Bids, ab)
	}
	_, err := e.svc.PostAuction(e.ctx, e.id, lot, auctionRobot, res)
	return err
}

const auctionHost = "https://auction.example.org/tenders/"

// allURLs links every bid of the stored tender that bids on lot ("" without
// lots), in order; the others get {}.
func (e *env) allURLs(lot string) tender.AuctionURLs {
	in := tender.AuctionURLs{AuctionURL: auctionHost + e.id + "_" + lot}
	for _, b := range e.get().Bids {
		u := auctionHost + e.id + "_" + lot + "/login?bidder_id=" + b.ID
		switch {
		case b.Status != tender.BidActive:
			in.Bids = append(in.Bids, tender.AuctionURLBid{})
		case lot == "":
			in.Bids = append(in.Bids, tender.AuctionURLBid{ID: b.ID, ParticipationURL: u})
		default:
			ab := tender.AuctionURLBid{ID: b.ID}
			for _, lv := range b.LotValues {
				if lv.RelatedLot == lot {
					ab.LotValues = append(ab.LotValues, tender.AuctionURLLotValue{RelatedLot: lot, ParticipationURL: u})
				} else {
					ab.LotValues = append(ab.LotValues, tender.AuctionURLLotValue{})
				}
			}
			in.Bids = append(in.Bids, ab)
		}
	}
	return in
}

// patchURLs sends in as actor, after edit changed it.
func patchURLs(actor tender.Actor, lot string, edit func(*tender.AuctionURLs)) func(*env) error {
	return func(e *env) error {
		in := e.allURLs(lot)
		if edit != nil {
			edit(&in)
		}
		_, err := e.svc.PatchAuctionURLs(e.ctx, e.id, lot, actor, in)
		return err
	}
}

var setURLs = step{"auction URLs", patchURLs(auctionRobot, "", nil)}

// invalidFirst is an aboveThreshold tender whose first bid was invalidated
// by an edit and never re-confirmed: it stays among the bids, outside the
// auction.
var invalidFirst = []step{publishOpen, bids("90000"), editConditions, bids("95000", "97000"), closeTendering}

func TestAuctionURLs(t *testing.T) {
	runTable(t, nil, []transition{
		{
			name: "the auction role sets the auction URL and every participant's", setup: toAuction,
			action: do(setURLs), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.AuctionURL != auctionHost+e.id+"_" {
					t.Errorf("auctionUrl %q", tn.AuctionURL)
				}
				for _, b := range tn.Bids {
					if !strings.HasSuffix(b.ParticipationURL, "bidder_id="+b.ID) {
						t.Errorf("bid %s participationUrl %q", b.ID, b.ParticipationURL)
					}
				}
			},
		},
		{
			name: "the same URLs again change nothing", setup: then(toAuction, []step{setURLs}),
			action: func(e *env) error {
				before := e.snapshot()
				if err := setURLs.do(e); err != nil {
					return err
				}
				if after := e.snapshot(); after != before {
					return fmt.Errorf("revisions %d → %d", before.revs, after.revs)
				}
				return nil
			},
			status: tender.StatusAuction,
		},
		{
			name: "bids in another order", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[0].id",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.Bids[0], in.Bids[1] = in.Bids[1], in.Bids[0] }),
		},
		{
			name: "a URL for one participant only", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.Bids[1].ParticipationURL = "" }),
		},
		{
			name: "fewer bids than the tender's", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.Bids = in.Bids[:1] }),
		},
		{
			name: "a participationUrl that is not http(s)", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[1].participationUrl",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.Bids[1].ParticipationURL = "ftp://auction.example.org/x" }),
		},
		{
			name: "an auctionUrl that is not http(s)", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "auctionUrl",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.AuctionURL = "javascript:alert(1)" }),
		},
		{
			name: "lotValues on a tender without lots", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[0].lotValues",
			action: patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) {
				in.Bids[0].LotValues = []tender.AuctionURLLotValue{{RelatedLot: "x", ParticipationURL: "https://a.example.org"}}
			}),
		},
		{name: "the tender owner", setup: toAuction, action: patchURLs(tender.Actor{}, "", nil), status: tender.StatusAuction, code: tender.CodeForbidden},
		{
			name: "a broker", setup: toAuction, status: tender.StatusAuction, code: tender.CodeForbidden,
			action: func(e *env) error { return patchURLs(e.owner, "", nil)(e) },
		},
		{name: "after the auction", setup: toQualification, action: patchURLs(auctionRobot, "", nil), status: tender.StatusQualification, code: tender.CodeForbidden},
		{name: "during tendering", setup: then(toTenderingPath, []step{bids("90000", "95000")}), action: patchURLs(auctionRobot, "", nil), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "a lot of a tender without lots", setup: toAuction, action: patchURLs(auctionRobot, "lot1", nil), status: tender.StatusAuction, code: tender.CodeNotFound, field: "lot_id"},
	})

	open := []func(*tender.CreateRequest){openProc(tender.ProcAboveThreshold, 16)}
	runTable(t, open, []transition{
		{
			name: "a bid outside the auction may be {}", setup: invalidFirst,
			action: do(setURLs), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Bids[0].Status != tender.BidInvalid || tn.Bids[0].ParticipationURL != "" || tn.Bids[1].ParticipationURL == "" || tn.Bids[2].ParticipationURL == "" {
					t.Errorf("bids %+v", tn.Bids)
				}
			},
		},
		{
			name: "or its id", setup: invalidFirst, status: tender.StatusAuction,
			action: func(e *env) error {
				return patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) { in.Bids[0].ID = e.bids[0].id })(e)
			},
		},
		{
			name: "but gets no URL", setup: invalidFirst, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[0].participationUrl",
			action: func(e *env) error {
				return patchURLs(auctionRobot, "", func(in *tender.AuctionURLs) {
					in.Bids[0] = tender.AuctionURLBid{ID: e.bids[0].id, ParticipationURL: "https://auction.example.org/x"}
				})(e)
			},
		},
		{
			name: "the auction sees bids outside the auction as stubs, to keep the order", setup: invalidFirst,
			action: func(e *env) error { return nil }, status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				v := tn.View(tender.RoleAuction, "")
				if len(v.Bids) != 3 || v.Bids[0].Status != tender.BidInvalid || v.Bids[0].Value != nil || v.Bids[1].Value == nil {
					t.Errorf("auction view bids %+v", v.Bids)
				}
				for _, b := range v.Bids {
					if len(b.Tenderers) > 0 {
						t.Errorf("the auction sees names during the auction: %+v", b)
					}
				}
			},
		},
	})

	// Lots: lot1 has two bids and an auction, lot2 one bid and none, lot3 none.
	lotAuction := []step{publish, toTendering, lotBid("lot2", "30000", "lot1", "50000"), lotBid("lot1", "55000"), closeTendering}
	runTable(t, []func(*tender.CreateRequest){lots(3)}, []transition{
		{
			name: "lot URLs through the lot values", setup: lotAuction,
			action: do(step{"lot1 URLs", patchURLs(auctionRobot, "lot1", nil)}), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Lots[0].AuctionURL == "" || tn.Lots[1].AuctionURL != "" || tn.AuctionURL != "" {
					t.Errorf("auction URLs: tender %q, lots %q %q", tn.AuctionURL, tn.Lots[0].AuctionURL, tn.Lots[1].AuctionURL)
				}
				b := tn.Bids[0]
				if b.ParticipationURL != "" || b.LotValues[0].ParticipationURL != "" || b.LotValues[1].ParticipationURL == "" || tn.Bids[1].LotValues[0].ParticipationURL == "" {
					t.Errorf("bids %+v", tn.Bids)
				}
			},
		},
		{name: "/auction without the lot", setup: lotAuction, action: patchURLs(auctionRobot, "", nil), status: tender.StatusAuction, code: tender.CodeForbidden},
		{name: "a lot with one bid has no auction", setup: lotAuction, action: patchURLs(auctionRobot, "lot2", nil), status: tender.StatusAuction, code: tender.CodeForbidden},
		{name: "an unknown lot", setup: lotAuction, action: patchURLs(auctionRobot, "lot9", nil), status: tender.StatusAuction, code: tender.CodeNotFound, field: "lot_id"},
		{
			name: "participationUrl on the bid instead of its lot value", setup: lotAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[1].participationUrl",
			action: patchURLs(auctionRobot, "lot1", func(in *tender.AuctionURLs) {
				in.Bids[1].ParticipationURL, in.Bids[1].LotValues = in.Bids[1].LotValues[0].ParticipationURL, nil
			}),
		},
		{
			name: "another lot's participationUrl", setup: lotAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "bids[0].lotValues[0].participationUrl",
			action: patchURLs(auctionRobot, "lot1", func(in *tender.AuctionURLs) {
				in.Bids[0].LotValues[0] = tender.AuctionURLLotValue{RelatedLot: "lot2", ParticipationURL: "https://auction.example.org/lot2"}
			}),
		},
	})
}

// TestParticipationURLVisibility: a participation URL is its bid owner's
// (and the auction's) only.
func TestParticipationURLVisibility(t *testing.T) {
	ownOnly := func(t *testing.T, e *env, tn *tender.Tender) {
		t.Helper()
		for i, b := range e.bids {
			own, err := e.svc.GetBid(e.ctx, e.id, b.id, b.actor)
			if err != nil || !strings.HasSuffix(own.ParticipationURL, b.id) {
				t.Errorf("bid %d owner sees %+v, %v", i, own, err)
			}
			other := e.bids[1-i].actor
			if got, err := e.svc.GetBid(e.ctx, e.id, b.id, other); err == nil && got.ParticipationURL != "" {
				t.Errorf("bid %d: another bidder sees its participationUrl", i)
			}
			if got, err := e.svc.GetBid(e.ctx, e.id, b.id, public); err == nil && got.ParticipationURL != "" {
				t.Errorf("bid %d: the public sees its participationUrl", i)
			}
		}
		for _, role := range []tender.Role{tender.RolePublic, tender.RoleBroker, tender.RoleChronograph} {
			for _, b := range tn.View(role, "").Bids {
				if b.ParticipationURL != "" {
					t.Errorf("%q view shows participationUrl of %s", role, b.ID)
				}
			}
		}
	}
	runTable(t, nil, []transition{
		{
			name: "during the auction", setup: toAuction, action: do(setURLs), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				ownOnly(t, e, tn)
				for _, b := range tn.View(tender.RoleAuction, "").Bids {
					if b.ParticipationURL == "" || b.Value == nil || len(b.Tenderers) > 0 {
						t.Errorf("auction view bid %+v", b)
					}
				}
			},
		},
		{
			name: "after the auction; names are public now", setup: then(toAuction, []step{setURLs}),
			action: auction("88000", "89000").do, status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				ownOnly(t, e, tn)
				for _, b := range tn.View(tender.RoleAuction, "").Bids {
					if b.ParticipationURL != "" || len(b.Tenderers) == 0 {
						t.Errorf("auction view bid after the auction %+v", b)
					}
				}
			},
		},
	})
}

// auditInput is the auction's audit document.
func auditInput(docType string) tender.DocumentInput {
	return tender.DocumentInput{
		Title: ptr("audit_" + docType + ".yaml"), URL: ptr("https://ds.example.org/audit"), Format: ptr("application/yaml"),
		Hash:         ptr("sha256:" + strings.Repeat("ab", 32)),
		DocumentType: ptr(docType),
	}
}

func addAudit(actor tender.Actor, edit func(*tender.DocumentInput)) func(*env) error {
	return func(e *env) error {
		in := auditInput("auctionAudit")
		if edit != nil {
			edit(&in)
		}
		_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, actor, in)
		return err
	}
}

func TestAuctionAuditDocument(t *testing.T) {
	addOwnerDoc := step{"owner's document", func(e *env) error {
		_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.owner, tender.DocumentInput{
			Title: ptr("ТЗ.pdf"), URL: ptr("https://ds.example.org/tz"), Format: ptr("application/pdf")})
		return err
	}}
	runTable(t, nil, []transition{
		{
			name: "the auction adds its audit in active.auction", setup: toAuction,
			action: addAudit(auctionRobot, nil), status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Documents) != 1 {
					t.Fatalf("documents %+v", tn.Documents)
				}
				d := tn.Documents[0]
				if d.Author != "auction" || d.DocumentType != "auctionAudit" || d.Hash != "sha256:"+strings.Repeat("ab", 32) || d.DocumentOf != "tender" {
					t.Errorf("audit document %+v", d)
				}
			},
		},
		{
			name: "and a new version of it", setup: then(toAuction, []step{{"audit", addAudit(auctionRobot, nil)}}),
			action: func(e *env) error {
				_, _, err := e.svc.UpdateDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.get().Documents[0].ID, auctionRobot, auditInput("auctionAudit"), true)
				return err
			},
			status: tender.StatusAuction,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Documents) != 2 || tn.Documents[1].ID != tn.Documents[0].ID || tn.Documents[1].Author != "auction" {
					t.Errorf("documents %+v", tn.Documents)
				}
			},
		},
		{
			name: "a new version that is not an audit", setup: then(toAuction, []step{{"audit", addAudit(auctionRobot, nil)}}),
			action: func(e *env) error {
				_, _, err := e.svc.UpdateDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.get().Documents[0].ID, auctionRobot, auditInput("notice"), true)
				return err
			},
			status: tender.StatusAuction, code: tender.CodeInvalid, field: "documentType",
		},
		{
			name: "the auction may not replace the owner's documents", setup: []step{publish, addOwnerDoc, toTendering, bids("90000", "95000"), closeTendering},
			action: func(e *env) error {
				_, _, err := e.svc.UpdateDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.get().Documents[0].ID, auctionRobot, auditInput("auctionAudit"), true)
				return err
			},
			status: tender.StatusAuction, code: tender.CodeForbidden,
		},
		{
			name: "another documentType", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "documentType",
			action: addAudit(auctionRobot, func(in *tender.DocumentInput) { in.DocumentType = ptr("auctionProtocol") }),
		},
		{
			name: "without documentType", setup: toAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "documentType",
			action: addAudit(auctionRobot, func(in *tender.DocumentInput) { in.DocumentType = nil }),
		},
		{name: "after the results", setup: toQualification, action: addAudit(auctionRobot, nil), status: tender.StatusQualification, code: tender.CodeForbidden},
		{name: "during tendering", setup: toTenderingPath, action: addAudit(auctionRobot, nil), status: tender.StatusTendering, code: tender.CodeForbidden},
		{
			name: "the owner during the auction", setup: toAuction, status: tender.StatusAuction, code: tender.CodeForbidden,
			action: func(e *env) error { return addAudit(e.owner, nil)(e) },
		},
		{name: "a broker without the owner's token", setup: toAuction, action: addAudit(bidPlatform("x"), nil), status: tender.StatusAuction, code: tender.CodeForbidden},
	})
	lotAuction := []step{publish, toTendering, lotBid("lot1", "50000"), lotBid("lot1", "55000"), closeTendering}
	runTable(t, []func(*tender.CreateRequest){lots(2)}, []transition{
		{
			name: "the audit of a lot's auction", setup: lotAuction, status: tender.StatusAuction,
			action: addAudit(auctionRobot, func(in *tender.DocumentInput) { in.DocumentOf, in.RelatedItem = ptr("lot"), ptr("lot1") }),
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if d := tn.Documents[0]; d.DocumentOf != "lot" || d.RelatedItem != "lot1" {
					t.Errorf("audit document %+v", d)
				}
			},
		},
		{
			name: "of an unknown lot", setup: lotAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "relatedItem",
			action: addAudit(auctionRobot, func(in *tender.DocumentInput) { in.DocumentOf, in.RelatedItem = ptr("lot"), ptr("lot9") }),
		},
		{
			name: "of an item", setup: lotAuction, status: tender.StatusAuction, code: tender.CodeInvalid, field: "documentOf",
			action: addAudit(auctionRobot, func(in *tender.DocumentInput) { in.DocumentOf, in.RelatedItem = ptr("item"), ptr("item-lot1") }),
		},
	})
}
