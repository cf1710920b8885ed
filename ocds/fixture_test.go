package ocds_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

// The fixture follows tender/fixture_test.go: a belowThreshold sandbox
// tender with "quick, accelerator=86400", so a procedure day is a second of
// the fake clock, driven through tender.Service over the memory store.

const day = tendertest.Day

var t0 = tendertest.T0

type fakeClock = tendertest.Clock

func ptr[T any](v T) *T { return &v }

var chronograph = tender.Actor{Role: tender.RoleChronograph}

var (
	org     = tendertest.Org
	buyer   = tendertest.Buyer
	uah     = tendertest.UAH
	request = tendertest.Request
)

// env is one tender on a fresh memory store.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *fakeClock
	store *memory.Store
	svc   *tender.Service
	owner tender.Actor
	id    string
	tid   string
	epEnd time.Time
	tpEnd time.Time
	nbids int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := tendertest.NewClock(t0)
	st := memory.New()
	st.Now = c.Now
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}
	e := &env{t: t, ctx: context.Background(), clock: c, store: st, svc: svc,
		owner: tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234h"}}
	tn, creds, err := svc.Create(e.ctx, e.owner, request(c.Now()))
	e.must("create", err)
	e.owner.Token = creds.Token
	e.id, e.tid = tn.ID, tn.TenderID
	e.epEnd, e.tpEnd = *tn.EnquiryPeriod.EndDate, *tn.TenderPeriod.EndDate
	return e
}

func (e *env) must(what string, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

func (e *env) get() *tender.Tender {
	e.t.Helper()
	tn, err := e.store.Get(e.ctx, e.id)
	e.must("store get", err)
	return tn
}

func (e *env) chrono() {
	e.t.Helper()
	_, err := e.svc.Chronograph(e.ctx, e.id, chronograph)
	e.must("chronograph", err)
}

func (e *env) tick() { e.clock.Advance(time.Millisecond) }

func (e *env) publish() {
	e.t.Helper()
	e.tick()
	_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: ptr(tender.StatusEnquiries)})
	e.must("publish", err)
}

func (e *env) retitle(title string) {
	e.t.Helper()
	e.tick()
	_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Title: ptr(title)})
	e.must("retitle", err)
}

func (e *env) ask() {
	e.t.Helper()
	e.tick()
	_, _, err := e.svc.AddQuestion(e.ctx, e.id, tender.Actor{Platform: "asker", Role: tender.RoleBroker, Levels: "24"},
		tender.QuestionInput{Author: ptr(org("ТОВ Питання", "41111111")), Title: ptr("Яка щільність картону?")})
	e.must("ask", err)
}

func (e *env) answerAll() {
	e.t.Helper()
	for _, q := range e.get().Questions {
		e.tick()
		_, _, err := e.svc.AnswerQuestion(e.ctx, e.id, q.ID, e.owner, tender.QuestionInput{Answer: ptr("Не менше 450 г/м²")})
		e.must("answer", err)
	}
}

func (e *env) toTendering() {
	e.t.Helper()
	e.clock.Set(e.epEnd)
	e.chrono()
}

// bid submits a bid from supplier n: "ТОВ Постачальник n", UA-EDR 4000000n.
func (e *env) bid(amount string) {
	e.t.Helper()
	e.tick()
	e.nbids++
	_, _, _, err := e.svc.AddBid(e.ctx, e.id, tender.Actor{Platform: fmt.Sprintf("bidder%d", e.nbids), Role: tender.RoleBroker, Levels: "24"},
		tender.BidInput{
			Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Постачальник %d", e.nbids), fmt.Sprintf("4000000%d", e.nbids))},
			Value:     &tender.Value{Amount: tender.MustAmount(amount)},
		})
	e.must("bid", err)
}

func (e *env) closeTendering() {
	e.t.Helper()
	e.clock.Set(e.tpEnd.Add(time.Millisecond))
	e.chrono()
}

func (e *env) auction(amounts ...string) {
	e.t.Helper()
	e.tick()
	var body struct {
		Bids []map[string]any `json:"bids"`
	}
	for i, b := range e.get().Bids {
		body.Bids = append(body.Bids, map[string]any{"id": b.ID, "value": map[string]any{"amount": json.Number(amounts[i])}})
	}
	raw, err := json.Marshal(body)
	e.must("marshal auction results", err)
	var res tender.AuctionResults
	e.must("unmarshal auction results", json.Unmarshal(raw, &res))
	_, err = e.svc.PostAuction(e.ctx, e.id, "", tender.Actor{Role: tender.RoleAuction}, res)
	e.must("auction results", err)
}

func (e *env) qualify() {
	e.t.Helper()
	e.tick()
	for _, a := range e.get().Awards {
		if a.Status == tender.AwardPending {
			_, _, err := e.svc.PatchAward(e.ctx, e.id, a.ID, e.owner, tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(true)})
			e.must("qualify", err)
			return
		}
	}
	e.t.Fatal("no pending award")
}

func (e *env) sign() {
	e.t.Helper()
	e.tick()
	for _, c := range e.get().Contracts {
		if c.Status == tender.ContractPending {
			_, _, err := e.svc.PatchContract(e.ctx, e.id, c.ID, e.owner, tender.ContractInput{Status: ptr(tender.ContractActive)})
			e.must("sign", err)
			return
		}
	}
	e.t.Fatal("no pending contract")
}

func (e *env) cancel() {
	e.t.Helper()
	e.tick()
	_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{
		Reason: ptr("Відсутність потреби"), ReasonType: ptr("noDemand"), Status: ptr(tender.CancellationActive)})
	e.must("cancel", err)
}

// releases builds the tender's releases from the store.
func (e *env) releases(cfg ocds.Config) ([]ocds.Release, []tender.Revision) {
	e.t.Helper()
	versions, revs, err := ocds.History(e.ctx, e.store, e.id)
	e.must("history", err)
	rels, err := ocds.Releases(versions, revs, cfg)
	e.must("releases", err)
	return rels, revs
}
