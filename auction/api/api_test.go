package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/memory"
	"github.com/prozorro-go/prozorro/tender"
)

var start = time.Date(2026, time.March, 2, 11, 0, 0, 0, tender.Kyiv)

// testClock is the injected auction.Service.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	t     *testing.T
	clock *testClock
	store *memory.Store
	svc   *auction.Service
	srv   *server
	h     http.Handler
	a     *auction.Auction
}

const auctionID = "t1"

// newFixture: an auction of two bids, A 100000 (Bidder #1, bids first) and
// B 95000 (Bidder #2), minimal step 1000, ProZorro's durations, the clock
// in the first pause.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	a, err := auction.New(auction.Input{TenderID: auctionID, TenderRef: "UA-2026-03-01-000001-a", Title: "Коробки картонні",
		Currency: "UAH", MinimalStep: tender.MustAmount("1000"), Start: start, Durations: auction.DefaultDurations(),
		Bids: []auction.InputBid{
			{BidID: "A", Amount: tender.MustAmount("100000"), Date: start.Add(-3 * time.Hour)},
			{BidID: "B", Amount: tender.MustAmount("95000"), Date: start.Add(-2 * time.Hour)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	a.Status = auction.StatusActive
	clk := &testClock{t: start.Add(time.Minute)}
	store := memory.New()
	store.Now = clk.Now // the database's clock agrees with the service's
	if err := store.Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	n := 0
	var mu sync.Mutex
	svc := &auction.Service{Store: store, Now: clk.Now, Secret: []byte("test secret"),
		NewID: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprint("bid", n) }}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := newServer(svc, Config{Heartbeat: 50 * time.Millisecond}, log)
	return &fixture{t: t, clock: clk, store: store, svc: svc, srv: srv, h: srv.routes(), a: a}
}

// at is the moment of round r, turn k (1-based), plus d.
func (f *fixture) at(r, k int, d time.Duration) time.Time {
	dd := f.a.Durations
	t := f.a.Start.Add(dd.FirstPause)
	for i := 1; i < r; i++ {
		t = t.Add(time.Duration(len(f.a.Bidders))*dd.Turn + dd.Pause)
	}
	return t.Add(time.Duration(k-1)*dd.Turn + d)
}

func (f *fixture) token(bid string) string { return f.svc.Token(auctionID, bid) }

type response struct {
	Code   int
	Header http.Header
	Body   string
}

func (f *fixture) do(method, target, contentType, body string, hdr ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return response{w.Code, w.Header(), w.Body.String()}
}

func (f *fixture) bid(body string, hdr ...string) response {
	f.t.Helper()
	return f.do("POST", "/api/auctions/"+auctionID+"/bids", "application/json", body, hdr...)
}

func (f *fixture) storedBids() int {
	f.t.Helper()
	a, err := f.store.Get(context.Background(), auctionID)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(a.Bids)
}

type errBody struct {
	Status string       `json:"status"`
	Errors []FieldError `json:"errors"`
}

func decodeErr(t *testing.T, r response) FieldError {
	t.Helper()
	var e errBody
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil || e.Status != "error" || len(e.Errors) != 1 {
		t.Fatalf("not one ProZorro error: %s", r.Body)
	}
	return e.Errors[0]
}

type stateBody struct {
	Data State `json:"data"`
}

func decodeState(t *testing.T, body string) State {
	t.Helper()
	var s stateBody
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("state: %v: %s", err, body)
	}
	return s.Data
}

func TestBidErrors(t *testing.T) {
	f := newFixture(t)
	tokA, tokB := f.token("A"), f.token("B")
	inTurn1 := f.at(1, 1, 10*time.Second) // Bidder #1 (A) bids
	tests := []struct {
		name     string
		now      time.Time
		path     string
		ctype    string
		body     string
		hdr      []string
		status   int
		errName  string
		rule     string
		location string
	}{
		{name: "unknown auction", now: inTurn1, path: "/api/auctions/nope/bids",
			body: `{"data":{"bidder_id":"A","amount":1,"hash":"` + tokA + `"}}`, status: 404, errName: "auction_id", location: "url"},
		{name: "malformed JSON", now: inTurn1, body: `{"data":{"bidder_id":"A",`, status: 400, errName: "data", location: "body"},
		{name: "not JSON at all", now: inTurn1, body: `amount=5`, status: 400, errName: "data"},
		{name: "wrong content type", now: inTurn1, ctype: "text/plain", body: `{}`, status: 400, errName: "Content-Type", location: "header"},
		{name: "no data", now: inTurn1, body: `{"data":[]}`, status: 422, errName: "data"},
		{name: "rogue field", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":1,"colour":"red","hash":"` + tokA + `"}}`, status: 422, errName: "colour"},
		{name: "no token", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":99000}}`, status: 403, errName: "hash"},
		{name: "bad token in body", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":99000,"hash":"` + tokB + `"}}`, status: 403, errName: "hash", location: "body"},
		{name: "bad token in query", now: inTurn1, path: "/api/auctions/t1/bids?hash=00", body: `{"data":{"bidder_id":"A","amount":99000}}`, status: 403, errName: "hash", location: "query"},
		{name: "bad token in header", now: inTurn1, body: `{"data":{"amount":99000}}`, hdr: []string{TokenHeader, "ff"}, status: 403, errName: "hash", location: "header"},
		{name: "out of turn", now: inTurn1, body: `{"data":{"bidder_id":"B","amount":90000,"hash":"` + tokB + `"}}`, status: 403, errName: "not_your_turn", rule: "not_your_turn"},
		{name: "in a pause", now: start.Add(time.Minute), body: `{"data":{"bidder_id":"A","amount":99000,"hash":"` + tokA + `"}}`, status: 403, errName: "not_bidding_stage", rule: "not_bidding_stage"},
		{name: "after the auction", now: f.at(3, 2, 10*time.Minute), body: `{"data":{"bidder_id":"A","amount":99000,"hash":"` + tokA + `"}}`, status: 403, rule: "not_bidding_stage", errName: "not_bidding_stage"},
		{name: "unknown bidder", now: inTurn1, body: `{"data":{"bidder_id":"stranger","amount":99000,"hash":"` + f.token("stranger") + `"}}`, status: 403, errName: "unknown_bidder", rule: "unknown_bidder"},
		{name: "nothing to withdraw", now: inTurn1, body: `{"data":{"bidder_id":"A","withdraw":true,"hash":"` + tokA + `"}}`, status: 403, errName: "nothing_to_withdraw", rule: "nothing_to_withdraw"},
		{name: "zero", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":0,"hash":"` + tokA + `"}}`, status: 422, errName: "amount", rule: "amount_not_positive"},
		{name: "negative", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":-5,"hash":"` + tokA + `"}}`, status: 422, errName: "amount", rule: "amount_not_positive"},
		{name: "three decimals", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":98000.001,"hash":"` + tokA + `"}}`, status: 422, errName: "amount", rule: "amount_precision"},
		{name: "step not beaten", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":99000.01,"hash":"` + tokA + `"}}`, status: 422, errName: "amount", rule: "step_not_beaten"},
		{name: "amount not a number", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":"lots","hash":"` + tokA + `"}}`, status: 422, errName: "amount"},
		{name: "amount missing", now: inTurn1, body: `{"data":{"bidder_id":"A","hash":"` + tokA + `"}}`, status: 422, errName: "amount"},
		{name: "amount and withdraw", now: inTurn1, body: `{"data":{"bidder_id":"A","amount":5,"withdraw":true,"hash":"` + tokA + `"}}`, status: 422, errName: "amount"},
		{name: "withdraw not a bool", now: inTurn1, body: `{"data":{"bidder_id":"A","withdraw":"yes","hash":"` + tokA + `"}}`, status: 422, errName: "withdraw"},
		{name: "cross-site with the cookie", now: inTurn1, body: `{"data":{"amount":99000}}`,
			hdr: []string{"Cookie", cookieName(auctionID) + "=A." + tokA, "Origin", "https://evil.example"}, status: 403, errName: "Origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(tt.now)
			before := f.storedBids()
			path, ctype := tt.path, tt.ctype
			if path == "" {
				path = "/api/auctions/" + auctionID + "/bids"
			}
			if ctype == "" {
				ctype = "application/json"
			}
			r := f.do("POST", path, ctype, tt.body, tt.hdr...)
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			e := decodeErr(t, r)
			if e.Name != tt.errName || e.Rule != tt.rule || (tt.location != "" && e.Location != tt.location) || e.Description == "" {
				t.Errorf("error %+v, want name %q rule %q location %q", e, tt.errName, tt.rule, tt.location)
			}
			if got := f.storedBids(); got != before {
				t.Errorf("a refused bid changed the store: %d bids, had %d", got, before)
			}
		})
	}
}

func TestBidAcceptedReplacedWithdrawn(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 1, 5*time.Second))
	tok := f.token("A")
	steps := []struct {
		body, status, amount string
	}{
		{`{"data":{"bidder_id":"A","amount":99000,"hash":"` + tok + `"}}`, "accepted", "99000"},
		{`{"data":{"bidder_id":"A","amount":"98500.50","hash":"` + tok + `"}}`, "replaced", "98500.5"},
		{`{"data":{"withdraw":true}}`, "withdrawn", ""}, // the token alone (header) finds the bidder
		{`{"data":{"amount":98000}}`, "accepted", "98000"},
	}
	for i, s := range steps {
		r := f.bid(s.body, TokenHeader, tok)
		if r.Code != http.StatusOK {
			t.Fatalf("step %d: %d %s", i, r.Code, r.Body)
		}
		var got struct {
			Data struct {
				ID       string          `json:"id"`
				BidderID string          `json:"bidder_id"`
				Amount   json.RawMessage `json:"amount"`
				Round    int             `json:"round"`
				Turn     int             `json:"turn"`
				Status   string          `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatal(err)
		}
		d := got.Data
		if d.Status != s.status || string(d.Amount) != s.amount || d.BidderID != "A" || d.Round != 1 || d.Turn != 1 || d.ID == "" {
			t.Errorf("step %d: %s, want status %s amount %s", i, r.Body, s.status, s.amount)
		}
	}
	// the turn's bid is hidden while the turn runs, from everyone but A
	pub := decodeState(t, f.do("GET", "/api/auctions/"+auctionID, "", "").Body)
	if pub.Bidder != nil || pub.Standings[1].Amount.String() != "100000" {
		t.Errorf("public state during the turn: %+v", pub)
	}
	own := decodeState(t, f.do("GET", "/api/auctions/"+auctionID+"?bidder_id=A&hash="+tok, "", "").Body)
	if own.Bidder == nil || own.Bidder.TurnBid == nil || own.Bidder.TurnBid.Amount.String() != "98000" || !own.Bidder.MyTurn {
		t.Errorf("A's own state during the turn: %+v", own.Bidder)
	}
	f.clock.Set(f.at(1, 2, time.Second))
	pub = decodeState(t, f.do("GET", "/api/auctions/"+auctionID, "", "").Body)
	if pub.Standings[1].Label != 1 || pub.Standings[1].Amount.String() != "98000" {
		t.Errorf("after the turn A's 98000 should be published: %+v", pub.Standings)
	}
}

func TestState(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 2, 30*time.Second)) // Bidder #2 (B) bids
	r := f.do("GET", "/api/auctions/"+auctionID, "", "")
	if r.Code != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %v %s", r.Code, r.Header, r.Body)
	}
	for _, secret := range []string{`"bidID"`, `"A"`, `"B"`} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("public state shows bid ids (%s): %s", secret, r.Body)
		}
	}
	s := decodeState(t, r.Body)
	end := f.at(1, 3, 0)
	if s.ID != auctionID || s.TenderRef != "UA-2026-03-01-000001-a" || s.Title != "Коробки картонні" || s.Currency != "UAH" ||
		s.MinimalStep.String() != "1000" || s.Rounds != 3 || s.Turns != 2 || !s.ServerTime.Equal(f.clock.Now()) ||
		s.Stage.Kind != "turn" || s.Stage.Round != 1 || s.Stage.Turn != 2 || s.Stage.Label != 2 ||
		s.Stage.End == nil || !s.Stage.End.Equal(end) || len(s.Standings) != 2 ||
		s.Standings[0].Label != 2 || s.Standings[0].Amount.String() != "95000" || s.Standings[0].Place != 1 {
		t.Errorf("state: %+v", s)
	}
	want := map[string]struct {
		label        int
		amount, lim  string
		myTurn       bool
		hdr          []string
		query        string
		expectStatus int
	}{
		"query":  {label: 2, amount: "95000", lim: "94000", myTurn: true, query: "?bidder_id=B&hash=" + f.token("B")},
		"header": {label: 1, amount: "100000", lim: "99000", hdr: []string{TokenHeader, f.token("A")}},
		"cookie": {label: 1, amount: "100000", lim: "99000", hdr: []string{"Cookie", cookieName(auctionID) + "=A." + f.token("A")}},
		"bad":    {query: "?bidder_id=B&hash=" + f.token("A"), expectStatus: 403},
	}
	for name, w := range want {
		r := f.do("GET", "/api/auctions/"+auctionID+w.query, "", "", w.hdr...)
		if w.expectStatus != 0 {
			if r.Code != w.expectStatus || decodeErr(t, r).Name != "hash" {
				t.Errorf("%s: %d %s", name, r.Code, r.Body)
			}
			continue
		}
		b := decodeState(t, r.Body).Bidder
		if b == nil || b.Label != w.label || b.Amount.String() != w.amount || b.Limit.String() != w.lim || b.MyTurn != w.myTurn {
			t.Errorf("%s: bidder %+v", name, b)
		}
	}
	if r := f.do("GET", "/api/auctions/nope", "", ""); r.Code != 404 || decodeErr(t, r).Location != "url" {
		t.Errorf("unknown auction: %d %s", r.Code, r.Body)
	}
	if r := f.do("GET", "/api/auctions", "", ""); r.Code != 200 || !strings.Contains(r.Body, `"url":"/auctions/t1"`) {
		t.Errorf("list: %d %s", r.Code, r.Body)
	}
}

func TestAudit(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.a.ResultsDue().Add(-time.Second))
	if r := f.do("GET", "/auctions/"+auctionID+"/audit.json", "", ""); r.Code != 404 {
		t.Errorf("audit before the end: %d %s", r.Code, r.Body)
	}
	f.clock.Set(f.a.ResultsDue().Add(time.Second))
	r := f.do("GET", "/auctions/"+auctionID+"/audit.json", "", "")
	a, _ := f.store.Get(context.Background(), auctionID)
	want, _ := auction.AuditJSON(a)
	if r.Code != 200 || r.Header.Get("Content-Type") != "application/json" || r.Body != string(want) {
		t.Errorf("audit: %d %s %s", r.Code, r.Header.Get("Content-Type"), r.Body)
	}
	if r := f.do("GET", "/auctions/nope/audit.json", "", ""); r.Code != 404 {
		t.Errorf("audit of an unknown auction: %d", r.Code)
	}
}

func TestLoginAndPage(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 1, 30*time.Second)) // Bidder #1 (A) bids
	page := "/auctions/" + auctionID

	r := f.do("GET", page, "", "")
	if r.Code != 200 || !strings.Contains(r.Body, "Коробки картонні") || !strings.Contains(r.Body, "Учасник #1") ||
		!strings.Contains(r.Body, "Раунд 1 з 3, хід 1 з 2") || !strings.Contains(r.Body, "спостерігаєте") ||
		strings.Contains(r.Body, `id="bid-form"`) || !strings.Contains(r.Body, `<html lang="uk">`) {
		t.Errorf("observer page: %d %s", r.Code, r.Body)
	}
	if r := f.do("GET", page+"?lang=en", "", ""); !strings.Contains(r.Body, "Bidder #1") || !strings.Contains(r.Body, "Round 1 of 3, turn 1 of 2") {
		t.Errorf("English page: %s", r.Body)
	}
	if r := f.do("GET", "/auctions/nope", "", ""); r.Code != 404 || !strings.Contains(r.Body, "не знайдено") {
		t.Errorf("unknown auction page: %d %s", r.Code, r.Body)
	}

	if r := f.do("GET", page+"/login?bidder_id=A&hash="+f.token("B"), "", ""); r.Code != 403 || r.Header.Get("Set-Cookie") != "" {
		t.Errorf("bad hash: %d %v", r.Code, r.Header)
	}
	r = f.do("GET", page+"/login?lang=en&bidder_id=A&hash="+f.token("A"), "", "")
	ck := r.Header.Get("Set-Cookie")
	if r.Code != http.StatusSeeOther || r.Header.Get("Location") != page+"?lang=en" ||
		!strings.Contains(ck, cookieName(auctionID)+"=A."+f.token("A")) || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Fatalf("login: %d %v", r.Code, r.Header)
	}
	cookie := strings.SplitN(ck, ";", 2)[0]

	r = f.do("GET", page+"?lang=en", "", "", "Cookie", cookie)
	for _, want := range []string{"You are Bidder #1", "100,000.00", "99,000.00", "Your turn", `id="bid-form"`, "Bidder #1 (you)"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("bidder page lacks %q", want)
		}
	}

	form := func(body string, hdr ...string) response {
		return f.do("POST", page+"/bid?lang=en", "application/x-www-form-urlencoded", body, append([]string{"Cookie", cookie}, hdr...)...)
	}
	r = form("amount=99000.00001&action=bid")
	if r.Code != http.StatusSeeOther || r.Header.Get("Location") != page+"?lang=en&refused=amount_precision" {
		t.Errorf("refused form bid: %d %v", r.Code, r.Header)
	}
	r = form(url.Values{"amount": {"98\u00a0500,50"}, "action": {"bid"}}.Encode())
	loc := r.Header.Get("Location")
	if r.Code != http.StatusSeeOther || loc != page+"?amount=98500.5&bid=accepted&lang=en" {
		t.Fatalf("form bid: %d %v", r.Code, r.Header)
	}
	r = f.do("GET", loc, "", "", "Cookie", cookie)
	if !strings.Contains(r.Body, "Your bid 98,500.50 was accepted.") || !strings.Contains(r.Body, "Your bid in this turn: 98,500.50") {
		t.Errorf("page after the form bid: %s", r.Body)
	}
	if r := f.do("GET", page+"?lang=en&refused=step_not_beaten", "", "", "Cookie", cookie); !strings.Contains(r.Body, "Bid refused: too high: bid at most 99,000.00") {
		t.Errorf("refusal notice: %s", r.Body)
	}
	if r := form("action=withdraw"); r.Header.Get("Location") != page+"?bid=withdrawn&lang=en" {
		t.Errorf("withdraw: %v", r.Header)
	}
	if r := form("amount=90000", "Origin", "https://evil.example"); r.Code != 403 {
		t.Errorf("cross-site form: %d", r.Code)
	}
	if r := f.do("POST", page+"/bid", "application/x-www-form-urlencoded", "amount=90000"); r.Code != 403 {
		t.Errorf("form without login: %d", r.Code)
	}
	f.clock.Set(f.at(1, 2, time.Second))
	if r := form("amount=90000&action=bid"); r.Header.Get("Location") != page+"?lang=en&refused=not_your_turn" {
		t.Errorf("out-of-turn form bid: %v", r.Header)
	}

	r = f.do("GET", "/auctions?lang=en", "", "")
	if r.Code != 200 || !strings.Contains(r.Body, `href="/auctions/t1?lang=en"`) {
		t.Errorf("list page: %d %s", r.Code, r.Body)
	}
}

// sse reads one event stream.
type sse struct {
	events chan event
	cancel func()
}

type event struct {
	name, data string
}

func openSSE(t *testing.T, target string, hdr ...string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %v", resp.StatusCode, resp.Header)
	}
	s := &sse{events: make(chan event, 100), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					s.events <- ev
				}
				ev = event{}
			case strings.HasPrefix(line, ":"):
				s.events <- event{name: "comment", data: line}
			case strings.HasPrefix(line, "event: "):
				ev.name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[len("data: "):]
			}
		}
	}()
	t.Cleanup(cancel)
	return s
}

// next returns the next event that is not a heartbeat.
func (s *sse) next(t *testing.T) event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("stream closed")
			}
			if ev.name != "comment" {
				return ev
			}
		case <-timeout:
			t.Fatal("no event in 5 s")
		}
	}
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 1, 10*time.Second)) // Bidder #1 (A) bids
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	base := ts.URL + "/auctions/" + auctionID + "/events"
	a := openSSE(t, base+"?lang=en", "Cookie", cookieName(auctionID)+"=A."+f.token("A"))
	a2 := openSSE(t, ts.URL+"/api/auctions/"+auctionID+"/events", TokenHeader, f.token("A"))
	b := openSSE(t, ts.URL+"/api/auctions/"+auctionID+"/events?bidder_id=B&hash="+f.token("B"))
	obs := openSSE(t, base)

	for name, s := range map[string]*sse{"A": a, "A2": a2, "B": b, "observer": obs} {
		ev := s.next(t)
		st := decodeState(t, ev.data)
		if ev.name != "state" || st.Stage.Kind != "turn" || st.Stage.Label != 1 {
			t.Fatalf("%s: first event %s %s", name, ev.name, ev.data)
		}
		switch name {
		case "observer":
			if st.Bidder != nil {
				t.Errorf("observer got a bidder view")
			}
		case "B":
			if st.Bidder == nil || st.Bidder.Label != 2 || st.Bidder.MyTurn {
				t.Errorf("B's view: %+v", st.Bidder)
			}
		default:
			if st.Bidder == nil || st.Bidder.Label != 1 || !st.Bidder.MyTurn {
				t.Errorf("%s's view: %+v", name, st.Bidder)
			}
		}
	}
	if n := f.srv.hub.subscribers(auctionID); n != 4 {
		t.Errorf("%d subscribers, want 4", n)
	}

	if r := f.bid(`{"data":{"bidder_id":"A","amount":97000}}`, TokenHeader, f.token("A")); r.Code != 200 {
		t.Fatalf("bid: %d %s", r.Code, r.Body)
	}
	for name, s := range map[string]*sse{"A": a, "A2": a2} {
		ev := s.next(t)
		var be BidEvent
		if err := json.Unmarshal([]byte(ev.data), &be); ev.name != "bid" || err != nil || be.Kind != "accepted" || be.Bid.Amount.String() != "97000" {
			t.Fatalf("%s: %s %s", name, ev.name, ev.data)
		}
		if name == "A" && be.Message != "Your bid 97,000.00 was accepted." {
			t.Errorf("A's message in English: %q", be.Message)
		}
		if name == "A2" && be.Message != "Вашу ставку 97\u00a0000,00 прийнято." {
			t.Errorf("A2's message in Ukrainian: %q", be.Message)
		}
		ev = s.next(t)
		if st := decodeState(t, ev.data); ev.name != "state" || st.Bidder.TurnBid == nil || st.Bidder.TurnBid.Amount.String() != "97000" ||
			st.Standings[1].Amount.String() != "100000" {
			t.Errorf("%s: state after the bid: %s", name, ev.data)
		}
	}

	// The turn ends: everyone gets the new stage, with A's price published;
	// B and the observer never heard of the bid before.
	f.clock.Set(f.at(1, 2, time.Second))
	f.srv.hub.Refresh(context.Background(), auctionID)
	for name, s := range map[string]*sse{"A": a, "A2": a2, "B": b, "observer": obs} {
		ev := s.next(t)
		st := decodeState(t, ev.data)
		if ev.name != "state" || st.Stage.Turn != 2 || st.Stage.Label != 2 {
			t.Fatalf("%s: after the turn got %s %s", name, ev.name, ev.data)
		}
		var a1 StandingRow
		for _, r := range st.Standings {
			if r.Label == 1 {
				a1 = r
			}
		}
		if a1.Amount.String() != "97000" {
			t.Errorf("%s: Bidder #1 at %s, want the published 97000", name, a1.Amount)
		}
	}

	// heartbeats keep idle streams open
	select {
	case ev := <-obs.events:
		if ev.name != "comment" || ev.data != ": heartbeat" {
			t.Errorf("idle stream got %+v", ev)
		}
	case <-time.After(2 * time.Second):
		t.Error("no heartbeat")
	}

	// disconnecting removes subscribers; the last one takes the room along
	for _, s := range []*sse{a, a2, b, obs} {
		s.cancel()
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.hub.subscribers(auctionID) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f.srv.hub.mu.Lock()
	rooms := len(f.srv.hub.rooms)
	f.srv.hub.mu.Unlock()
	if rooms != 0 {
		t.Errorf("%d rooms left after every subscriber left", rooms)
	}

	// the process shutting down ends its streams
	done := make(chan struct{})
	f.srv.cfg.Done = done
	last := openSSE(t, base)
	last.next(t)
	close(done)
	deadline = time.Now().Add(5 * time.Second)
	closed := false
	for !closed && time.Now().Before(deadline) {
		select {
		case _, ok := <-last.events:
			closed = !ok
		case <-time.After(time.Second):
		}
	}
	if !closed {
		t.Error("the stream outlived the shutdown")
	}

	if r := f.do("GET", "/api/auctions/nope/events", "", ""); r.Code != 404 {
		t.Errorf("events of an unknown auction: %d", r.Code)
	}
	if r := f.do("GET", "/api/auctions/t1/events?bidder_id=A&hash=00", "", ""); r.Code != 403 {
		t.Errorf("events with a bad hash: %d", r.Code)
	}
}

// A subscriber that never reads does not hold the hub up: it keeps only the
// latest state and a bounded queue of its own bid notices.
func TestSlowSubscriber(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 1, time.Second))
	h := f.srv.hub
	ctx := context.Background()
	slow, leave, err := h.Subscribe(ctx, auctionID, "A", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 1000; i++ {
			h.Refresh(ctx, auctionID)
			h.BidStored(f.a, "A", BidEvent{Kind: kindAccepted})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the hub blocked on a slow subscriber")
	}
	snap, evs := slow.take()
	if snap == nil || len(evs) != maxQueuedBidEvents {
		t.Errorf("slow subscriber holds %v and %d events", snap, len(evs))
	}
}

// Another process stores a bid: this process's observers see it published
// at the next stage boundary, because the hub re-reads the store then.
func TestRefreshReadsOtherProcessesBids(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(f.at(1, 1, time.Second))
	sub, leave, err := f.srv.hub.Subscribe(context.Background(), auctionID, "", langUK)
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	sub.take()
	other := *f.svc // another process: same store and secret, its own hub
	if _, err := other.PlaceBid(context.Background(), auctionID, "A", f.token("A"), tender.MustAmount("96000"), false); err != nil {
		t.Fatal(err)
	}
	if snap, _ := sub.take(); snap != nil {
		t.Errorf("an observer heard of a bid before its turn ended")
	}
	f.clock.Set(f.at(1, 2, 0))
	f.srv.hub.Refresh(context.Background(), auctionID)
	snap, _ := sub.take()
	if snap == nil {
		t.Fatal("no state at the stage change")
	}
	s := decodeState(t, string(snap.publicJSON()))
	if s.Standings[0].Label != 2 || s.Standings[1].Amount.String() != "96000" {
		t.Errorf("standings after the turn: %+v", s.Standings)
	}
}
