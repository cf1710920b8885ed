package tender_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

const day = tendertest.Day

var t0 = tendertest.T0

type fakeClock = tendertest.Clock

func ptr[T any](v T) *T { return &v }

// Actors.
var (
	chronograph  = tender.Actor{Role: tender.RoleChronograph}
	auctionRobot = tender.Actor{Role: tender.RoleAuction}
	public       = tender.Actor{}
	historian    = tender.Actor{Platform: "reader", Role: tender.RoleBroker, Levels: "h"}
)

// bidPlatform is a broker with bid accreditation (levels 2 and 4: below and
// above the threshold).
func bidPlatform(name string) tender.Actor {
	return tender.Actor{Platform: name, Role: tender.RoleBroker, Levels: "24"}
}

var (
	org            = tendertest.Org
	buyer          = tendertest.Buyer
	uah            = tendertest.UAH
	fixtureRequest = tendertest.Request
)

// env is one tender on a fresh in-memory store, its service and its clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *fakeClock
	store *memory.Store
	svc   *tender.Service
	owner tender.Actor
	id    string
	tid   string    // tenderID
	epEnd time.Time // enquiryPeriod.endDate = tenderPeriod.startDate
	tpEnd time.Time // tenderPeriod.endDate
	bids  []bidder  // in the order submitted
}

type bidder struct {
	actor tender.Actor // with the bid's token
	id    string
}

// newService returns a sandbox service on a fresh store whose clocks both
// read c.
func newService(c *fakeClock) (*tender.Service, *memory.Store) {
	st := memory.New()
	st.Now = c.Now
	return &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}, st
}

// newEnv creates the fixture tender (edited by edits) as draft at t0.
func newEnv(t *testing.T, edits ...func(*tender.CreateRequest)) *env {
	t.Helper()
	c := tendertest.NewClock(t0)
	svc, st := newService(c)
	e := &env{t: t, ctx: context.Background(), clock: c, store: st, svc: svc,
		owner: tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234h"}}
	req := fixtureRequest(c.Now())
	for _, edit := range edits {
		edit(&req)
	}
	tn, creds, err := svc.Create(e.ctx, e.owner, req)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	e.owner.Token = creds.Token
	e.id, e.tid = tn.ID, tn.TenderID
	if tn.EnquiryPeriod != nil { // limited procedures have no periods
		e.epEnd, e.tpEnd = *tn.EnquiryPeriod.EndDate, *tn.TenderPeriod.EndDate
	}
	return e
}

// must stops the test when a setup step fails.
func (e *env) must(what string, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// get returns the stored tender, views aside.
func (e *env) get() *tender.Tender {
	e.t.Helper()
	tn, err := e.store.Get(e.ctx, e.id)
	e.must("store get", err)
	return tn
}

// snapshot is the stored JSON of the tender and the length of its history.
type snapshot struct {
	json string
	revs int
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	b, err := json.Marshal(e.get())
	e.must("marshal", err)
	revs, err := e.store.Revisions(e.ctx, e.id)
	e.must("revisions", err)
	return snapshot{string(b), len(revs)}
}

func (e *env) chrono() error {
	_, err := e.svc.Chronograph(e.ctx, e.id, chronograph)
	return err
}

func (e *env) publish(actor tender.Actor) error {
	_, err := e.svc.Patch(e.ctx, e.id, actor, tender.TenderInput{Status: ptr(tender.StatusEnquiries)})
	return err
}

// bid submits a bid of amount UAH from a new platform.
func (e *env) bid(amount string) error {
	return e.bidAs(bidPlatform(fmt.Sprintf("bidder%d", len(e.bids)+1)), tender.BidInput{
		Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Постачальник %d", len(e.bids)+1), fmt.Sprintf("4000000%d", len(e.bids)+1))},
		Value:     &tender.Value{Amount: tender.MustAmount(amount)},
	})
}

func (e *env) bidAs(actor tender.Actor, in tender.BidInput) error {
	_, b, creds, err := e.svc.AddBid(e.ctx, e.id, actor, in)
	if err != nil {
		return err
	}
	actor.Token = creds.Token
	e.bids = append(e.bids, bidder{actor: actor, id: b.ID})
	return nil
}

// auctionResults posts the auction's final amounts, one per stored bid in order.
func (e *env) auctionResults(actor tender.Actor, amounts ...string) error {
	tn := e.get()
	var res tender.AuctionResults
	var body struct {
		Bids []map[string]any `json:"bids"`
	}
	for i, b := range tn.Bids {
		body.Bids = append(body.Bids, map[string]any{"id": b.ID, "value": map[string]any{"amount": json.Number(amounts[i])}})
	}
	raw, err := json.Marshal(body)
	e.must("marshal auction results", err)
	e.must("unmarshal auction results", json.Unmarshal(raw, &res))
	_, err = e.svc.PostAuction(e.ctx, e.id, "", actor, res)
	return err
}

// pendingAward returns the tender's pending award.
func (e *env) pendingAward() tender.Award {
	e.t.Helper()
	tn := e.get()
	for _, a := range tn.Awards {
		if a.Status == tender.AwardPending {
			return a
		}
	}
	e.t.Fatalf("no pending award among %d", len(tn.Awards))
	return tender.Award{}
}

func (e *env) decide(status string, qualified *bool) error {
	_, _, err := e.svc.PatchAward(e.ctx, e.id, e.pendingAward().ID, e.owner,
		tender.AwardInput{Status: ptr(status), Qualified: qualified})
	return err
}

// activeAward returns the tender's active award.
func (e *env) activeAward() tender.Award {
	e.t.Helper()
	for _, a := range e.get().Awards {
		if a.Status == tender.AwardActive {
			return a
		}
	}
	e.t.Fatalf("no active award")
	return tender.Award{}
}

// pendingContract returns the tender's pending contract.
func (e *env) pendingContract() tender.Contract {
	e.t.Helper()
	for _, c := range e.get().Contracts {
		if c.Status == tender.ContractPending {
			return c
		}
	}
	e.t.Fatalf("no pending contract")
	return tender.Contract{}
}

func (e *env) cancel() error {
	_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{
		Reason: ptr("Відсутність потреби"), ReasonType: ptr("noDemand"), Status: ptr(tender.CancellationActive)})
	return err
}

func (e *env) ask() error {
	_, _, err := e.svc.AddQuestion(e.ctx, e.id, bidPlatform("asker"), tender.QuestionInput{
		Author: ptr(org("ТОВ Питання", "41111111")), Title: ptr("Яка щільність картону?")})
	return err
}

func (e *env) answerAll() error {
	for _, q := range e.get().Questions {
		if q.Answer != "" {
			continue
		}
		if _, _, err := e.svc.AnswerQuestion(e.ctx, e.id, q.ID, e.owner, tender.QuestionInput{Answer: ptr("Не менше 450 г/м²")}); err != nil {
			return err
		}
	}
	return nil
}

// step is one setup action of a table row; it stops the test on failure.
type step struct {
	name string
	do   func(e *env) error
}

func (e *env) run(steps ...step) {
	e.t.Helper()
	for _, s := range steps {
		e.must(s.name, s.do(e))
	}
}

// Setup steps, in procedure order.
var (
	publish = step{"publish", func(e *env) error { return e.publish(e.owner) }}
	// toTendering moves the clock to tenderPeriod.startDate and lets the chronograph run.
	toTendering = step{"to active.tendering", func(e *env) error {
		e.clock.Set(e.epEnd)
		return e.chrono()
	}}
	// closeTendering moves the clock past tenderPeriod.endDate and lets the chronograph run.
	closeTendering = step{"close tendering", func(e *env) error {
		e.clock.Set(e.tpEnd.Add(time.Millisecond))
		return e.chrono()
	}}
	ask        = step{"ask a question", (*env).ask}
	answerAll  = step{"answer questions", (*env).answerAll}
	runChrono  = step{"chronograph", (*env).chrono}
	qualify    = step{"award active", func(e *env) error { return e.decide(tender.AwardActive, ptr(true)) }}
	disqualify = step{"award unsuccessful", func(e *env) error { return e.decide(tender.AwardUnsuccessful, nil) }}
	sign       = step{"sign contract", func(e *env) error {
		_, _, err := e.svc.PatchContract(e.ctx, e.id, e.pendingContract().ID, e.owner, tender.ContractInput{Status: ptr(tender.ContractActive)})
		return err
	}}
	cancelTender = step{"cancel tender", (*env).cancel}
)

func bids(amounts ...string) step {
	return step{fmt.Sprintf("bids %v", amounts), func(e *env) error {
		for _, a := range amounts {
			if err := e.bid(a); err != nil {
				return err
			}
		}
		return nil
	}}
}

func auction(amounts ...string) step {
	return step{fmt.Sprintf("auction results %v", amounts), func(e *env) error {
		return e.auctionResults(auctionRobot, amounts...)
	}}
}

func advance(d time.Duration) step {
	return step{"advance " + d.String(), func(e *env) error { e.clock.Advance(d); return nil }}
}

// Paths to each status.
var (
	toEnquiries     = []step{publish}
	toTenderingPath = []step{publish, toTendering}
	toAuction       = []step{publish, toTendering, bids("90000", "95000"), closeTendering}
	toQualification = []step{publish, toTendering, bids("90000", "95000"), closeTendering, auction("88000", "89000")}
	toAwarded       = append(slices.Clone(toQualification), qualify)
	toComplete      = append(slices.Clone(toAwarded), sign)
	toUnsuccessful  = []step{publish, toTendering, closeTendering}
	toCancelled     = []step{publish, cancelTender}
)

// wantErr checks err's code and, for 422, that one field error names field.
func wantErr(t *testing.T, err error, code tender.Code, field string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if got := tender.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" && !slices.Contains(fieldNames(err), field) {
		t.Fatalf("error fields = %v, want one named %q", fieldNames(err), field)
	}
}

// fieldNames lists the names of err's field errors.
func fieldNames(err error) []string {
	var names []string
	var e *tender.Error
	if errors.As(err, &e) {
		for _, f := range e.Errors {
			names = append(names, f.Name)
		}
	}
	return names
}

func amountIs(t *testing.T, what string, got tender.Amount, want string) {
	t.Helper()
	if got.Cmp(tender.MustAmount(want)) != 0 {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}
