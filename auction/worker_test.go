package auction_test

import (
	"bytes"
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
	"github.com/prozorro-go/prozorro/auction/tenderapi"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
	tmemory "github.com/prozorro-go/prozorro/tender/memory"
)

// clock is the one injected clock of a test world: the tender service, the
// auction service and the workers all read it, and only the test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// world is a tender API (over the in-memory tender store) and an auction
// service with its workers (over the in-memory auction store), on one clock.
type world struct {
	t       *testing.T
	clock   *clock
	tenders *tender.Service
	srv     *httptest.Server
	store   *memory.Store
	svc     *auction.Service
	workers []*auction.Worker
	client  *tenderapi.Client
}

const baseURL = "http://auctions.test"

func newWorld(t *testing.T, workers int, edit ...func(*auction.Worker)) *world {
	t.Helper()
	// Monday, 9:00 in Kyiv.
	clk := &clock{now: time.Date(2026, time.March, 2, 9, 0, 0, 0, tender.Kyiv)}
	ts := tmemory.New()
	ts.Now = clk.Now
	tsvc := &tender.Service{Store: ts, Calendar: tender.DefaultCalendar(), Now: clk.Now, Sandbox: true}
	var platforms []api.Platform
	for _, p := range []struct {
		name, levels string
		role         tender.Role
	}{{"buyer", "1234", tender.RoleBroker}, {"bidder1", "2", tender.RoleBroker}, {"bidder2", "2", tender.RoleBroker},
		{"bidder3", "2", tender.RoleBroker}, {"auction", "", tender.RoleAuction}} {
		platforms = append(platforms, api.Platform{Name: p.name, KeyHash: api.HashKey(p.name + "key"), Levels: p.levels, Role: p.role})
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(api.New(tsvc, api.Config{Platforms: platforms}, quiet))
	t.Cleanup(srv.Close)
	store := memory.New()
	store.Now = clk.Now // the database's clock agrees with the processes'
	n := 0
	svc := &auction.Service{Store: store, Now: clk.Now, Secret: []byte("test secret"),
		NewID: func() string { n++; return fmt.Sprint("bid", n) }, Grace: 500 * time.Millisecond}
	w := &world{t: t, clock: clk, tenders: tsvc, srv: srv, store: store, svc: svc, client: tenderapi.New(srv.URL, "auctionkey")}
	for i := range workers {
		wk := &auction.Worker{Store: store, Tenders: w.client, Service: svc, ID: fmt.Sprint("worker", i+1),
			Now: clk.Now, Log: quiet, LeaseFor: 10 * time.Second, BaseURL: baseURL}
		for _, e := range edit {
			e(wk)
		}
		w.workers = append(w.workers, wk)
	}
	return w
}

// call sends a request to the tender API as platform key and decodes the
// reply into a generic map.
func (w *world) call(method, path, key string, body any, want int) map[string]any {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(map[string]any{"data": body})
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.srv.URL+"/api/2.5"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		w.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// chronograph applies the tender's due events.
func (w *world) chronograph() {
	w.t.Helper()
	if _, err := w.tenders.Tick(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

// tick runs the chronograph and then worker i's tick, failing on errors.
func (w *world) tick(i int) {
	w.t.Helper()
	w.chronograph()
	if err := w.workers[i].Tick(context.Background()); err != nil {
		w.t.Fatalf("worker %d tick at %v: %v", i+1, w.clock.Now(), err)
	}
}

func (w *world) tender(id string) *tender.Tender {
	w.t.Helper()
	t, err := w.client.Auction(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

// public reads the tender as anyone sees it.
func (w *world) public(id string) *tender.Tender {
	w.t.Helper()
	r := w.call("GET", "/tenders/"+id, "", nil, 200)
	raw, _ := json.Marshal(r["data"])
	var t tender.Tender
	if err := json.Unmarshal(raw, &t); err != nil {
		w.t.Fatal(err)
	}
	return &t
}

func (w *world) auction(id string) *auction.Auction {
	w.t.Helper()
	a, err := w.store.Get(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func org(name, edr string) map[string]any {
	return map[string]any{"name": name, "identifier": map[string]any{"scheme": "UA-EDR", "id": edr},
		"address":      map[string]any{"countryName": "Україна", "postalCode": "01001", "region": "м. Київ"},
		"contactPoint": map[string]any{"name": "Контакт", "email": "c@example.com"}}
}

func money(amount string) map[string]any {
	return map[string]any{"amount": json.Number(amount), "currency": "UAH"}
}

// tenderDraft is a belowThreshold tender: enquiries until Friday, tendering
// until the Friday after; with details (an accelerator), minutes instead. details is procurementMethodDetails.
func (w *world) tenderDraft(details string) map[string]any {
	now := w.clock.Now()
	d := map[string]any{
		"title": "Ноутбуки для шкіл", "procurementMethodType": "belowThreshold", "mainProcurementCategory": "goods",
		"procuringEntity": org("Школа №1", "00037256"), "value": money("150000"), "minimalStep": money("1000"),
		"items": []any{map[string]any{"description": "Ноутбук", "quantity": 10, "unit": map[string]any{"code": "H87", "name": "штука"},
			"classification": map[string]any{"scheme": "ДК021", "id": "30213100-6", "description": "Портативні комп’ютери"}}},
		"enquiryPeriod": map[string]any{"endDate": now.Add(4 * 24 * time.Hour).Format(time.RFC3339Nano)},
		"tenderPeriod":  map[string]any{"endDate": now.Add(11 * 24 * time.Hour).Format(time.RFC3339Nano)},
	}
	if details != "" {
		d["procurementMethodDetails"] = details
		d["enquiryPeriod"] = map[string]any{"endDate": now.Add(5 * time.Minute).Format(time.RFC3339Nano)}
		d["tenderPeriod"] = map[string]any{"endDate": now.Add(10 * time.Minute).Format(time.RFC3339Nano)}
	}
	return d
}

// open creates the tender, opens enquiries, waits out the enquiry period,
// and returns its id.
func (w *world) open(draft map[string]any) (id string, periodEnd time.Time) {
	w.t.Helper()
	r := w.call("POST", "/tenders", "buyerkey", draft, 201)
	id = r["data"].(map[string]any)["id"].(string)
	token := r["access"].(map[string]any)["token"].(string)
	w.call("PATCH", "/tenders/"+id+"?acc_token="+token, "buyerkey", map[string]any{"status": "active.enquiries"}, 200)
	t := w.public(id)
	w.clock.Set(t.EnquiryPeriod.EndDate.Add(time.Second))
	w.chronograph()
	if t := w.tender(id); t.Status != tender.StatusTendering {
		w.t.Fatalf("after enquiries: %s", t.Status)
	}
	return id, *t.TenderPeriod.EndDate
}

// bid places a bid and returns its id.
func (w *world) bid(id, key string, body map[string]any) string {
	w.t.Helper()
	r := w.call("POST", "/tenders/"+id+"/bids", key, body, 201)
	return r["data"].(map[string]any)["id"].(string)
}

func simpleBid(name, edr, amount string) map[string]any {
	return map[string]any{"tenderers": []any{org(name, edr)},
		"value": map[string]any{"amount": json.Number(amount), "currency": "UAH", "valueAddedTaxIncluded": true}}
}

// toAuction ends tendering at periodEnd.
func (w *world) toAuction(id string, periodEnd time.Time) *tender.Tender {
	w.t.Helper()
	w.clock.Set(periodEnd.Add(time.Second))
	w.chronograph()
	t := w.tender(id)
	if t.Status != tender.StatusAuction {
		w.t.Fatalf("after tendering: %s", t.Status)
	}
	return t
}

// token reads the participation token from a participationUrl.
func token(t *testing.T, auctionID, bidID, participationURL string) string {
	t.Helper()
	u, err := url.Parse(participationURL)
	if err != nil {
		t.Fatal(err)
	}
	if want := baseURL + "/auctions/" + auctionID + "/login"; u.Scheme+"://"+u.Host+u.Path != want {
		t.Errorf("participationUrl %s, want it at %s", participationURL, want)
	}
	if u.Query().Get("bidder_id") != bidID {
		t.Errorf("participationUrl %s names bidder %s, want %s", participationURL, u.Query().Get("bidder_id"), bidID)
	}
	return u.Query().Get("hash")
}

// script is what bidders do: their price (or "-" to withdraw) in a round.
type script map[string]map[int]string

// play drives a started auction turn by turn, placing the scripted bids
// through the service with the bidders' tokens, and ticking worker `by`
// after every turn. stop, when not nil, is called before each turn and
// may return a different worker index.
func (w *world) play(id string, tokens map[string]string, s script, by func(round, turn int) int) {
	w.t.Helper()
	ctx := context.Background()
	a := w.auction(id)
	for r := 1; r <= a.Durations.Rounds; r++ {
		for k := 1; k <= len(a.Bidders); k++ {
			st := w.auction(id).StageAt(w.clock.Now())
			for st.Kind != auction.StageTurn || st.Round != r || st.Turn != k {
				w.clock.Set(st.End)
				st = w.auction(id).StageAt(w.clock.Now())
			}
			w.clock.Add(a.Durations.Turn / 4)
			if price, ok := s[st.BidID][r]; ok {
				if _, err := w.svc.PlaceBid(ctx, id, st.BidID, tokens[st.BidID], amount(price), price == "-"); err != nil {
					w.t.Fatalf("round %d turn %d: %s bids %s: %v", r, k, st.BidID, price, err)
				}
			}
			w.clock.Set(st.End)
			w.tick(by(r, k))
		}
	}
}

func amount(s string) tender.Amount {
	if s == "-" {
		return tender.Amount{}
	}
	return tender.MustAmount(s)
}

// TestWorkerRunsAnAuction follows one belowThreshold tender from the feed
// to the award: planning, links, three rounds of bids through the service,
// the audit document, the results and the names.
func TestWorkerRunsAnAuction(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	id, end := w.open(w.tenderDraft(""))
	b1 := w.bid(id, "bidder1key", simpleBid("ТОВ Альфа", "11111111", "100000"))
	b2 := w.bid(id, "bidder2key", simpleBid("ТОВ Бета", "22222222", "95000"))
	b3 := w.bid(id, "bidder3key", simpleBid("ТОВ Гамма", "33333333", "97000"))
	w.tick(0) // nothing in the auction yet
	if list, _ := w.store.Active(ctx, 10); len(list) != 0 {
		t.Fatalf("auctions before active.auction: %d", len(list))
	}
	tn := w.toAuction(id, end)
	start := *tn.AuctionPeriod.StartDate

	// Planned and published in one tick.
	w.tick(0)
	a := w.auction(id)
	if !a.Start.Equal(start) || a.Status != auction.StatusScheduled || len(a.Bidders) != 3 || a.Durations != auction.DefaultDurations() ||
		a.TenderRef != tn.TenderID || a.MinimalStep.String() != "1000" || a.Currency != "UAH" {
		t.Fatalf("planned auction %+v", a)
	}
	if got := []string{a.Bidders[0].BidID, a.Bidders[1].BidID, a.Bidders[2].BidID}; got[0] != b1 || got[1] != b3 || got[2] != b2 {
		t.Errorf("labels %v, want worst price first: b1 b3 b2", got)
	}
	tn = w.tender(id)
	if tn.AuctionURL != baseURL+"/auctions/"+id {
		t.Errorf("auctionUrl %q", tn.AuctionURL)
	}
	tokens := map[string]string{}
	for _, b := range tn.Bids {
		tokens[b.ID] = token(t, id, b.ID, b.ParticipationURL)
		if !w.svc.CheckToken(id, b.ID, tokens[b.ID]) {
			t.Errorf("bid %s: the published hash is not its token", b.ID)
		}
	}
	// Ticking again before the start changes nothing.
	w.clock.Add(time.Minute)
	w.tick(0)
	if w.auction(id).Status != auction.StatusScheduled {
		t.Fatalf("status before the start: %s", w.auction(id).Status)
	}

	w.clock.Set(start)
	w.tick(0)
	if s := w.auction(id).Status; s != auction.StatusActive {
		t.Fatalf("status at the start: %s", s)
	}
	// Round 1 goes by labels: b1, b3, b2. Each bidder must beat its own price.
	w.play(id, tokens, script{
		b1: {1: "94000", 3: "92000"},
		b2: {1: "93000", 3: "91000"},
		b3: {2: "92500"},
	}, func(int, int) int { return 0 })
	if s := w.auction(id).Status; s != auction.StatusFinished {
		t.Fatalf("status after the last turn: %s", s)
	}
	tn = w.tender(id)
	if tn.Status != tender.StatusAuction {
		t.Fatalf("results posted before the announcement: %s", tn.Status)
	}

	w.clock.Set(w.auction(id).ResultsDue())
	w.tick(0)
	final := w.auction(id)
	if final.Status != auction.StatusComplete {
		t.Fatalf("status after posting: %s", final.Status)
	}
	tn = w.tender(id)
	if tn.Status != tender.StatusQualification {
		t.Fatalf("tender after the results: %s", tn.Status)
	}
	want := map[string]string{b1: "92000", b2: "91000", b3: "92500"}
	for _, b := range tn.Bids {
		if b.Value.Amount.String() != want[b.ID] {
			t.Errorf("bid %s: value %s, want %s", b.ID, b.Value.Amount, want[b.ID])
		}
	}
	if tn := w.public(id); len(tn.Awards) == 0 || tn.Awards[0].BidID != b2 || tn.Awards[0].Value.Amount.String() != "91000" {
		t.Errorf("awards %+v, want the first to b2 at 91000", tn.Awards)
	}
	checkAudit(t, w, id, final, "tender", "")

	// The next tick sees active.qualification in the feed and reveals names.
	w.tick(0)
	a = w.auction(id)
	names := map[string]string{}
	for _, b := range a.Bidders {
		names[b.BidID] = b.Name
	}
	if !a.Revealed || names[b1] != "ТОВ Альфа" || names[b2] != "ТОВ Бета" || names[b3] != "ТОВ Гамма" {
		t.Errorf("after active.qualification: revealed %v, names %v", a.Revealed, names)
	}
	if st := a.Standings(w.clock.Now()); st[0].Name != "ТОВ Бета" {
		t.Errorf("standings show %q first, want ТОВ Бета", st[0].Name)
	}
	// The audit stays what was published: names are not in it.
	checkAudit(t, w, id, a, "tender", "")
}

// checkAudit finds the audit document of auction id on the tender and
// checks its fields and that its hash is that of AuditJSON(a).
func checkAudit(t *testing.T, w *world, id string, a *auction.Auction, of, lot string) {
	t.Helper()
	docs, err := w.client.Documents(context.Background(), a.TenderID)
	if err != nil {
		t.Fatal(err)
	}
	body, err := auction.AuditJSON(a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range docs {
		if d.DocumentType != "auctionAudit" || d.Title != "audit_"+id+".json" {
			continue
		}
		n++
		if d.Hash != auction.AuditHash(body) || d.URL != baseURL+"/auctions/"+id+"/audit.json" || d.Format != "application/json" ||
			d.DocumentOf != of || d.RelatedItem != lot {
			t.Errorf("audit document %+v, want hash %s", d, auction.AuditHash(body))
		}
	}
	if n != 1 {
		t.Errorf("%d audit documents for %s, want 1", n, id)
	}
	var audit auction.Audit
	if err := json.Unmarshal(body, &audit); err != nil {
		t.Fatal(err)
	}
	if len(audit.Turns) != 3*len(a.Bidders) || strings.Contains(string(body), "ТОВ") {
		t.Errorf("audit: %d turns, names leaked: %v", len(audit.Turns), strings.Contains(string(body), "ТОВ"))
	}
}

// TestWorkerLotsAndFeatures runs two lots' auctions side by side; bids carry
// feature answers, so prices rank normalised with exact coefficients.
func TestWorkerLotsAndFeatures(t *testing.T) {
	w := newWorld(t, 1, func(wk *auction.Worker) { wk.MaxAccelerator = 60 })
	draft := w.tenderDraft("quick, accelerator=1440")
	l1, l2 := strings.Repeat("1", 32), strings.Repeat("2", 32)
	draft["value"] = money("300000")
	delete(draft, "minimalStep")
	draft["lots"] = []any{
		map[string]any{"id": l1, "title": "Ноутбуки", "value": money("150000"), "minimalStep": money("1500")},
		map[string]any{"id": l2, "title": "Проектори", "value": money("150000"), "minimalStep": money("1000")},
	}
	item := draft["items"].([]any)[0].(map[string]any)
	item["relatedLot"] = l1
	item2 := map[string]any{}
	for k, v := range item {
		item2[k] = v
	}
	item2["relatedLot"], item2["description"] = l2, "Проектор"
	draft["items"] = []any{item, item2}
	draft["features"] = []any{map[string]any{"code": "delivery", "featureOf": "tenderer", "title": "Доставка",
		"enum": []any{map[string]any{"value": 0, "title": "Тиждень"}, map[string]any{"value": 0.1, "title": "Три дні"},
			map[string]any{"value": 0.2, "title": "Наступний день"}}}}
	id, end := w.open(draft)
	bid := func(name, edr, p string, offers ...string) map[string]any {
		var lvs []any
		for i := 0; i+1 < len(offers); i += 2 {
			lvs = append(lvs, map[string]any{"relatedLot": offers[i], "value": map[string]any{"amount": json.Number(offers[i+1]), "currency": "UAH"}})
		}
		return map[string]any{"tenderers": []any{org(name, edr)}, "lotValues": lvs,
			"parameters": []any{map[string]any{"code": "delivery", "value": json.Number(p)}}}
	}
	b1 := w.bid(id, "bidder1key", bid("ТОВ Альфа", "11111111", "0", l1, "100000", l2, "90000"))
	b2 := w.bid(id, "bidder2key", bid("ТОВ Бета", "22222222", "0.2", l1, "110000", l2, "80000"))
	b3 := w.bid(id, "bidder3key", bid("ТОВ Гамма", "33333333", "0.1", l1, "120000"))
	w.toAuction(id, end)
	w.tick(0)

	a1, a2 := w.auction(id+"_"+l1), w.auction(id+"_"+l2)
	if len(a1.Bidders) != 3 || len(a2.Bidders) != 2 || a1.LotID != l1 || a1.Title != "Ноутбуки" || a2.MinimalStep.String() != "1000" {
		t.Fatalf("lot auctions: %+v / %+v", a1, a2)
	}
	if want := auction.DefaultDurations().Accelerated(60); a1.Durations != want {
		t.Errorf("durations %+v, want the accelerator capped at 60: %+v", a1.Durations, want)
	}
	dens := map[string]string{}
	for _, b := range a1.Bidders {
		dens[b.BidID] = b.Denominator
	}
	// 1 + p/(1 − 0.2): 0 → 1, 0.2 → 5/4, 0.1 → 9/8.
	if dens[b1] != "1" || dens[b2] != "5/4" || dens[b3] != "9/8" {
		t.Errorf("denominators %v", dens)
	}
	// Normalised 100000, 88000, 106666.67: labels worst first b3, b1, b2.
	if a1.Bidders[0].BidID != b3 || a1.Bidders[1].BidID != b1 || a1.Bidders[2].BidID != b2 {
		t.Errorf("lot 1 labels %v %v %v", a1.Bidders[0].BidID, a1.Bidders[1].BidID, a1.Bidders[2].BidID)
	}
	tn := w.tender(id)
	tokens := map[string]map[string]string{l1: {}, l2: {}}
	for _, b := range tn.Bids {
		if b.ParticipationURL != "" {
			t.Errorf("bid %s: a participationUrl outside its lot values", b.ID)
		}
		for _, lv := range b.LotValues {
			tokens[lv.RelatedLot][b.ID] = token(t, id+"_"+lv.RelatedLot, b.ID, lv.ParticipationURL)
		}
	}
	for _, l := range tn.Lots {
		if l.AuctionURL != baseURL+"/auctions/"+id+"_"+l.ID {
			t.Errorf("lot %s auctionUrl %q", l.ID, l.AuctionURL)
		}
	}
	if len(tokens[l1]) != 3 || len(tokens[l2]) != 2 {
		t.Fatalf("tokens %v", tokens)
	}

	// Lot 1 plays; lot 2 runs at the same time with no bids.
	w.clock.Set(a1.Start)
	w.tick(0)
	// Round 1 by labels b3, b1, b2; later rounds by the normalised prices.
	w.play(a1.ID, tokens[l1], script{b3: {1: "90000"}, b1: {2: "87000"}, b2: {3: "105000"}}, func(int, int) int { return 0 })
	w.clock.Set(w.auction(a1.ID).ResultsDue())
	w.clock.Set(w.auction(a2.ID).ResultsDue())
	w.tick(0)
	tn = w.tender(id)
	if tn.Status != tender.StatusQualification {
		t.Fatalf("tender after both lots: %s", tn.Status)
	}
	want := map[string]string{b1 + l1: "87000", b2 + l1: "105000", b3 + l1: "90000", b1 + l2: "90000", b2 + l2: "80000"}
	for _, b := range tn.Bids {
		for _, lv := range b.LotValues {
			if got := lv.Value.Amount.String(); got != want[b.ID+lv.RelatedLot] {
				t.Errorf("bid %s lot %s: %s, want %s", b.ID, lv.RelatedLot, got, want[b.ID+lv.RelatedLot])
			}
		}
	}
	// Lot 1 normalised: b3 90000/1.125 = 80000, b2 105000/1.25 = 84000, b1
	// 87000: b3 wins it though b1's price is lower.
	for _, aw := range w.public(id).Awards {
		if aw.LotID == l1 && aw.Status == tender.AwardPending && aw.BidID != b3 {
			t.Errorf("lot 1 award to %s, want b3 (normalised 80000)", aw.BidID)
		}
	}
	checkAudit(t, w, a1.ID, w.auction(a1.ID), "lot", l1)
	checkAudit(t, w, a2.ID, w.auction(a2.ID), "lot", l2)
	if r := w.auction(a1.ID).Results(); r[b2].String() != "105000" {
		t.Errorf("results %v", r)
	}
}

// TestWorkerLinksLateWaitForReplanning: an auction whose links could not be
// published before its first pause was half over does not run; the tender
// plans it again, the worker follows the new start and runs it then.
func TestWorkerLinksLateWaitForReplanning(t *testing.T) {
	w := newWorld(t, 1)
	id, end := w.open(w.tenderDraft(""))
	b1 := w.bid(id, "bidder1key", simpleBid("ТОВ Альфа", "11111111", "100000"))
	b2 := w.bid(id, "bidder2key", simpleBid("ТОВ Бета", "22222222", "95000"))
	tn := w.toAuction(id, end)
	first := *tn.AuctionPeriod.StartDate
	// The worker was down until well into the first pause.
	w.clock.Set(first.Add(3 * time.Minute))
	w.tick(0)
	a := w.auction(id)
	if a.Status != auction.StatusScheduled || w.tender(id).AuctionURL != "" {
		t.Fatalf("late auction: status %s, auctionUrl %q; want scheduled and no links", a.Status, w.tender(id).AuctionURL)
	}
	w.clock.Set(first.Add(30 * time.Minute))
	w.tick(0)
	if a := w.auction(id); a.Status != auction.StatusScheduled {
		t.Fatalf("an unpublished auction ran: %s", a.Status)
	}
	// The tender gives it up 2×6 + 9 + 15 + 60 minutes after the start.
	w.clock.Set(first.Add(97 * time.Minute))
	w.tick(0)
	tn = w.tender(id)
	second := *tn.AuctionPeriod.StartDate
	if !second.After(first) {
		t.Fatalf("the tender did not plan the auction again: %v", second)
	}
	w.tick(0)
	a = w.auction(id)
	if !a.Start.Equal(second) || w.tender(id).AuctionURL == "" {
		t.Fatalf("after replanning: start %v (want %v), auctionUrl %q", a.Start, second, w.tender(id).AuctionURL)
	}
	w.clock.Set(a.ResultsDue())
	w.tick(0)
	w.tick(0)
	if tn := w.public(id); tn.Status != tender.StatusQualification || len(tn.Awards) == 0 || tn.Awards[0].BidID != b2 {
		t.Fatalf("after the replanned auction: %s, awards %+v", tn.Status, tn.Awards)
	}
	_ = b1
}

// TestWorkerCancelled: a tender cancelled during its auction cancels the
// auction, and bids are refused from then on.
func TestWorkerCancelled(t *testing.T) {
	w := newWorld(t, 1)
	draft := w.tenderDraft("")
	r := w.call("POST", "/tenders", "buyerkey", draft, 201)
	id := r["data"].(map[string]any)["id"].(string)
	owner := r["access"].(map[string]any)["token"].(string)
	w.call("PATCH", "/tenders/"+id+"?acc_token="+owner, "buyerkey", map[string]any{"status": "active.enquiries"}, 200)
	tn := w.public(id)
	w.clock.Set(tn.EnquiryPeriod.EndDate.Add(time.Second))
	w.chronograph()
	b1 := w.bid(id, "bidder1key", simpleBid("ТОВ Альфа", "11111111", "100000"))
	w.bid(id, "bidder2key", simpleBid("ТОВ Бета", "22222222", "95000"))
	tn = w.toAuction(id, *tn.TenderPeriod.EndDate)
	w.tick(0)
	tok := token(t, id, b1, w.tender(id).Bids[0].ParticipationURL)
	w.clock.Set(tn.AuctionPeriod.StartDate.Add(time.Second))
	w.tick(0)
	w.call("POST", "/tenders/"+id+"/cancellations?acc_token="+owner, "buyerkey",
		map[string]any{"reason": "Потреба відпала", "reasonType": "noDemand", "status": "active"}, 201)
	w.tick(0)
	a := w.auction(id)
	if a.Status != auction.StatusCancelled {
		t.Fatalf("auction of a cancelled tender: %s", a.Status)
	}
	w.clock.Set(a.Start.Add(a.Durations.FirstPause + time.Second))
	if _, err := w.svc.PlaceBid(context.Background(), id, b1, tok, amount("90000"), false); err == nil {
		t.Errorf("a bid in a cancelled auction was accepted")
	}
	w.clock.Set(a.ResultsDue())
	w.tick(0)
	if docs, _ := w.client.Documents(context.Background(), id); len(docs) != 0 {
		t.Errorf("documents on the cancelled tender: %+v", docs)
	}
}

// TestWorkersShareAuctions: two workers on one store; the first runs the
// auction while the second cannot touch it, then dies after round 1; the
// second takes over once the lease expired and posts the same results.
func TestWorkersShareAuctions(t *testing.T) {
	w := newWorld(t, 2)
	id, end := w.open(w.tenderDraft(""))
	b1 := w.bid(id, "bidder1key", simpleBid("ТОВ Альфа", "11111111", "100000"))
	b2 := w.bid(id, "bidder2key", simpleBid("ТОВ Бета", "22222222", "95000"))
	w.toAuction(id, end)
	w.tick(0) // worker 1 takes the feed and publishes the links
	w.tick(1) // worker 2 finds nothing it may do
	tokens := map[string]string{}
	for _, b := range w.tender(id).Bids {
		tokens[b.ID] = token(t, id, b.ID, b.ParticipationURL)
	}
	a := w.auction(id)
	w.clock.Set(a.Start)
	w.tick(0)
	w.tick(1)
	ok, err := w.store.Lease(context.Background(), id, "worker2", w.clock.Now(), w.clock.Now().Add(time.Second))
	if err != nil || ok {
		t.Fatalf("worker 2 took the lease worker 1 holds: %v %v", ok, err)
	}
	// Worker 1 runs round 1 and dies at its end; worker 2 ticks all along
	// and takes over once the lease has expired.
	dead := false
	w.play(id, tokens, script{b1: {1: "94000", 3: "93000"}, b2: {1: "93500", 2: "92000"}}, func(r, k int) int {
		if r >= 2 {
			dead = true
		}
		if dead {
			return 1
		}
		return 0
	})
	w.clock.Set(w.auction(id).ResultsDue())
	w.tick(1)
	tn := w.tender(id)
	if tn.Status != tender.StatusQualification {
		t.Fatalf("tender after worker 2 finished: %s", tn.Status)
	}
	want := map[string]string{b1: "93000", b2: "92000"}
	for _, b := range tn.Bids {
		if b.Value.Amount.String() != want[b.ID] {
			t.Errorf("bid %s: %s, want %s", b.ID, b.Value.Amount, want[b.ID])
		}
	}
}

// TestWorkerResultsAlreadyPosted: results that reached the tender while the
// worker lost the answer (a 403 on posting again) complete the auction.
func TestWorkerResultsAlreadyPosted(t *testing.T) {
	w := newWorld(t, 1)
	id, end := w.open(w.tenderDraft(""))
	b1 := w.bid(id, "bidder1key", simpleBid("ТОВ Альфа", "11111111", "100000"))
	b2 := w.bid(id, "bidder2key", simpleBid("ТОВ Бета", "22222222", "95000"))
	w.toAuction(id, end)
	w.tick(0)
	a := w.auction(id)
	w.clock.Set(a.ResultsDue())
	w.call("POST", "/tenders/"+id+"/auction", "auctionkey", map[string]any{"bids": []any{
		map[string]any{"id": b1, "value": map[string]any{"amount": 100000}},
		map[string]any{"id": b2, "value": map[string]any{"amount": 95000}}}}, 200)
	w.tick(0)
	if s := w.auction(id).Status; s != auction.StatusComplete {
		t.Errorf("status %s, want complete", s)
	}
}
