package tender_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

func TestCreateValidation(t *testing.T) {
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234h"}
	tests := []struct {
		name      string
		edit      func(r *tender.CreateRequest)
		actor     *tender.Actor
		noSandbox bool
		code      tender.Code
		field     string
	}{
		{name: "valid fixture"},
		{name: "minimalStep at 0.5%", edit: func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("500.00") }},
		{name: "minimalStep at 3%", edit: func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("3000.00") }},
		{name: "minimalStep below 0.5%", edit: func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("499.99") },
			code: tender.CodeInvalid, field: "minimalStep.amount"},
		{name: "minimalStep above 3%", edit: func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("3000.01") },
			code: tender.CodeInvalid, field: "minimalStep.amount"},
		{name: "minimalStep equal to the value", edit: func(r *tender.CreateRequest) { r.Data.MinimalStep = uah("100000.00") },
			code: tender.CodeInvalid, field: "minimalStep.amount"},
		{name: "minimalStep in another currency", edit: func(r *tender.CreateRequest) {
			r.Data.MinimalStep = &tender.Value{Amount: tender.MustAmount("1000"), Currency: "EUR"}
		}, code: tender.CodeInvalid, field: "minimalStep.currency"},
		{name: "value with three decimals", edit: func(r *tender.CreateRequest) { r.Data.Value = uah("100000.001") },
			code: tender.CodeInvalid, field: "value.amount"},
		{name: "accelerator without sandbox", noSandbox: true, code: tender.CodeInvalid, field: "procurementMethodDetails"},
		{name: "malformed accelerator", edit: func(r *tender.CreateRequest) { r.Data.ProcurementMethodDetails = ptr("quick, accelerator=0") },
			code: tender.CodeInvalid, field: "procurementMethodDetails"},
		{name: "quick mode without sandbox", noSandbox: true, edit: func(r *tender.CreateRequest) {
			r.Data.ProcurementMethodDetails = nil
			r.Data.SubmissionMethodDetails = ptr("quick(mode:no-auction)")
		}, code: tender.CodeInvalid, field: "submissionMethodDetails"},
		{name: "enquiry period under 3 days", edit: func(r *tender.CreateRequest) {
			r.Data.EnquiryPeriod.EndDate = ptr(t0.Add(2 * day))
		}, code: tender.CodeInvalid, field: "enquiryPeriod.endDate"},
		{name: "tender period under 2 days", edit: func(r *tender.CreateRequest) {
			r.Data.TenderPeriod.EndDate = ptr(r.Data.EnquiryPeriod.EndDate.Add(day))
		}, code: tender.CodeInvalid, field: "tenderPeriod.endDate"},
		{name: "tender period starting inside enquiries", edit: func(r *tender.CreateRequest) {
			r.Data.TenderPeriod.StartDate = ptr(r.Data.EnquiryPeriod.EndDate.Add(-day))
		}, code: tender.CodeInvalid, field: "tenderPeriod.startDate"},
		{name: "bad CPV code", edit: func(r *tender.CreateRequest) { r.Data.Items[0].Classification.ID = "4461710" },
			code: tender.CodeInvalid, field: "items[0].classification.id"},
		{name: "procuring entity without contact", edit: func(r *tender.CreateRequest) {
			pe := buyer
			pe.ContactPoint = nil
			r.Data.ProcuringEntity = &pe
		}, code: tender.CodeInvalid, field: "procuringEntity.contactPoint.name"},
		{name: "rogue config key", edit: func(r *tender.CreateRequest) { r.Config = map[string]any{"noSuchKey": true} },
			code: tender.CodeInvalid, field: "config.noSuchKey"},
		{name: "fixed config value", edit: func(r *tender.CreateRequest) { r.Config = map[string]any{"hasEnquiries": false} },
			code: tender.CodeInvalid, field: "config.hasEnquiries"},
		{name: "optional config value", edit: func(r *tender.CreateRequest) { r.Config = map[string]any{"hasAuction": false} }},
		{name: "published on create", edit: func(r *tender.CreateRequest) { r.Data.Status = ptr(tender.StatusEnquiries) },
			code: tender.CodeInvalid, field: "status"},
		{name: "public reader", actor: &tender.Actor{}, code: tender.CodeForbidden},
		{name: "broker without level 1", actor: &tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "2"}, code: tender.CodeForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tendertest.NewClock(t0)
			svc, _ := newService(c)
			svc.Sandbox = !tc.noSandbox
			req := fixtureRequest(t0)
			if tc.edit != nil {
				tc.edit(&req)
			}
			actor := owner
			if tc.actor != nil {
				actor = *tc.actor
			}
			tn, creds, err := svc.Create(context.Background(), actor, req)
			wantErr(t, err, tc.code, tc.field)
			if tc.code != "" {
				// A refused create takes no tenderID number.
				svc.Sandbox = true
				tn, _, err := svc.Create(context.Background(), owner, fixtureRequest(t0))
				if err != nil {
					t.Fatal(err)
				}
				if want := "UA-2026-03-02-000001-a"; tn.TenderID != want {
					t.Errorf("next tenderID = %s, want %s", tn.TenderID, want)
				}
				return
			}
			if tn.Status != tender.StatusDraft || tn.Owner != "acme" || creds.Token == "" || tn.Access == nil ||
				tn.Access.TokenHash != tender.HashToken(creds.Token) || tn.NextCheck != nil {
				t.Errorf("created %q owner %q token %q access %+v next_check %v", tn.Status, tn.Owner, creds.Token, tn.Access, tn.NextCheck)
			}
			if !tn.TenderPeriod.StartDate.Equal(*tn.EnquiryPeriod.EndDate) {
				t.Errorf("tenderPeriod.startDate = %v, want enquiryPeriod.endDate %v", tn.TenderPeriod.StartDate, tn.EnquiryPeriod.EndDate)
			}
		})
	}
}

func TestCreateListsEveryMissingField(t *testing.T) {
	c := tendertest.NewClock(t0)
	svc, _ := newService(c)
	_, _, err := svc.Create(context.Background(), tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1"}, tender.CreateRequest{})
	wantErr(t, err, tender.CodeInvalid, "")
	got := fieldNames(err)
	for _, want := range []string{"title", "procuringEntity", "value", "mainProcurementCategory", "items",
		"tenderPeriod.endDate", "enquiryPeriod.endDate", "minimalStep"} {
		if !slices.Contains(got, want) {
			t.Errorf("422 fields %v lack %q", got, want)
		}
	}
}

var tenderIDRE = regexp.MustCompile(`^UA-\d{4}-\d{2}-\d{2}-\d{6}-a$`)

func TestTenderIDIncrementsPerDay(t *testing.T) {
	c := tendertest.NewClock(t0)
	svc, _ := newService(c)
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1"}
	// 23:30 UTC on 2 March is already 3 March in Kyiv.
	nextKyivDay := time.Date(2026, time.March, 2, 22, 30, 0, 0, time.UTC)
	steps := []struct {
		at   time.Time
		want string
	}{
		{t0, "UA-2026-03-02-000001-a"},
		{t0.Add(time.Hour), "UA-2026-03-02-000002-a"},
		{t0.Add(2 * time.Hour), "UA-2026-03-02-000003-a"},
		{nextKyivDay, "UA-2026-03-03-000001-a"},
		{nextKyivDay.Add(time.Minute), "UA-2026-03-03-000002-a"},
	}
	for _, s := range steps {
		c.Set(s.at)
		tn, _, err := svc.Create(context.Background(), owner, fixtureRequest(s.at))
		if err != nil {
			t.Fatalf("create at %v: %v", s.at, err)
		}
		if !tenderIDRE.MatchString(tn.TenderID) {
			t.Errorf("tenderID %q does not match %s", tn.TenderID, tenderIDRE)
		}
		if tn.TenderID != s.want {
			t.Errorf("tenderID at %v = %s, want %s", s.at, tn.TenderID, s.want)
		}
	}
}

// TestHistorical rebuilds every version of a tender taken through the whole
// procedure and compares it with the view recorded right after that write.
func TestHistorical(t *testing.T) {
	e := newEnv(t)
	views := map[int]string{}
	record := func() {
		t.Helper()
		v, err := e.svc.Get(e.ctx, e.id, historian)
		e.must("get", err)
		b, err := json.Marshal(v)
		e.must("marshal", err)
		views[e.snapshot().revs] = string(b)
	}
	record()
	for _, s := range then(toComplete) {
		e.run(s)
		record()
	}
	last := e.snapshot().revs
	if last < 8 {
		t.Fatalf("only %d revisions after the whole procedure", last)
	}
	for n := 1; n <= last; n++ {
		old, rev, gotLast, err := e.svc.Historical(e.ctx, e.id, historian, int64(n))
		if err != nil {
			t.Fatalf("version %d: %v", n, err)
		}
		if rev.Rev != int64(n) || gotLast != int64(last) {
			t.Errorf("version %d: revision %d of %d, want %d of %d", n, rev.Rev, gotLast, n, last)
		}
		if n == 1 && old.Status != tender.StatusDraft {
			t.Errorf("version 1 status = %q, want draft", old.Status)
		}
		want, ok := views[n]
		if !ok {
			continue // an intermediate write inside one step
		}
		b, err := json.Marshal(old)
		e.must("marshal", err)
		if string(b) != want {
			t.Errorf("version %d differs from the view recorded then:\n got %s\nwant %s", n, b, want)
		}
	}
	if cur, _, _, err := e.svc.Historical(e.ctx, e.id, historian, 0); err != nil || cur.Status != tender.StatusComplete {
		t.Errorf("version 0 (newest) = %v, %v; want the complete tender", cur, err)
	}
	for _, n := range []int64{-1, int64(last) + 1} {
		_, _, _, err := e.svc.Historical(e.ctx, e.id, historian, n)
		wantErr(t, err, tender.CodeNotFound, "")
	}
	_, _, _, err := e.svc.Historical(e.ctx, e.id, tender.Actor{Platform: "reader", Role: tender.RoleBroker, Levels: "1234"}, 1)
	wantErr(t, err, tender.CodeForbidden, "")
	_, _, _, err = e.svc.Historical(e.ctx, "no-such-tender", historian, 1)
	wantErr(t, err, tender.CodeNotFound, "")
}

func TestNotFound(t *testing.T) {
	c := tendertest.NewClock(t0)
	svc, _ := newService(c)
	ctx := context.Background()
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234", Token: "x"}
	calls := map[string]func() error{
		"get":         func() error { _, err := svc.Get(ctx, "missing", public); return err },
		"patch":       func() error { _, err := svc.Patch(ctx, "missing", owner, tender.TenderInput{}); return err },
		"chronograph": func() error { _, err := svc.Chronograph(ctx, "missing", chronograph); return err },
		"list bids":   func() error { _, err := svc.ListBids(ctx, "missing", public); return err },
	}
	for name, call := range calls {
		if code := tender.ErrorCode(call()); code != tender.CodeNotFound {
			t.Errorf("%s: code %q, want %q", name, code, tender.CodeNotFound)
		}
	}
	e := newEnv(t)
	e.run(toQualification...)
	_, _, err := e.svc.PatchAward(e.ctx, e.id, "missing", e.owner, tender.AwardInput{Status: ptr(tender.AwardActive)})
	wantErr(t, err, tender.CodeNotFound, "")
}

// TestChronographNoopWritesNothing: a chronograph call with nothing due must
// not add a revision or move the tender in the feed.
func TestChronographNoopWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.run(publish)
	before := e.snapshot()
	e.clock.Advance(day) // tenderPeriod starts at 10 days
	e.must("chronograph", e.chrono())
	if after := e.snapshot(); after.revs != before.revs {
		t.Errorf("revisions %d → %d after a chronograph call with nothing due", before.revs, after.revs)
	}
}

// TestEnquiryStartDateKeptOnPeriodEdit: extending the enquiry period after
// publication must keep its start (the publication time).
func TestEnquiryStartDateKeptOnPeriodEdit(t *testing.T) {
	e := newEnv(t)
	e.run(publish)
	e.clock.Advance(2 * day)
	_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{
		EnquiryPeriod: &tender.Period{EndDate: ptr(e.epEnd.Add(day))},
		TenderPeriod:  &tender.Period{EndDate: ptr(e.tpEnd.Add(day))},
	})
	e.must("extend periods", err)
	tn := e.get()
	if !tn.EnquiryPeriod.StartDate.Equal(t0) {
		t.Errorf("enquiryPeriod.startDate = %v, want the publication time %v", tn.EnquiryPeriod.StartDate, t0)
	}
}

// TestStoredTimesHaveMicroseconds: the service reads its clock to the
// microsecond, so every stored time should have at most 6 fractional digits.
func TestStoredTimesHaveMicroseconds(t *testing.T) {
	e := newEnv(t)
	e.run(toAuction...)
	start := *e.get().AuctionPeriod.StartDate
	if !start.Equal(start.Truncate(time.Microsecond)) {
		t.Errorf("auctionPeriod.startDate = %s has sub-microsecond digits", start.Format(time.RFC3339Nano))
	}
}

func ExampleService() {
	clock := tendertest.NewClock(t0)
	svc, _ := newService(clock)
	ctx := context.Background()
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1"}

	tn, creds, _ := svc.Create(ctx, owner, fixtureRequest(t0))
	owner.Token = creds.Token
	_, _ = svc.Patch(ctx, tn.ID, owner, tender.TenderInput{Status: ptr(tender.StatusEnquiries)})
	fmt.Println(tn.TenderID)

	clock.Set(*tn.EnquiryPeriod.EndDate) // tenderPeriod.startDate
	n, _ := svc.Tick(ctx)
	tn, _ = svc.Get(ctx, tn.ID, tender.Actor{})
	fmt.Println(n, tn.Status)
	// Output:
	// UA-2026-03-02-000001-a
	// 1 active.tendering
}
