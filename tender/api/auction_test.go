package api_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// stoppedClock moves only when the test moves it, so that no replanning
// or other due event happens between two requests.
type stoppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stoppedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *stoppedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestAuctionAPI drives the auction role's side of a sandbox auction over
// HTTP: the auction view, PATCH of the URLs with its refusals, the audit
// document and the results, and who sees the participation URLs.
func TestAuctionAPI(t *testing.T) {
	st := mongodb.New(mongotest.Database(t))
	if err := st.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock := &stoppedClock{now: time.Now()}
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: clock.Now, Sandbox: true}
	srv := serveAPI(t, svc,
		platform{"buyer", "buyerkey", "1234", tender.RoleBroker},
		platform{"bidder1", "bid1key", "24", tender.RoleBroker},
		platform{"bidder2", "bid2key", "24", tender.RoleBroker},
		platform{"auction", "auctionkey", "", tender.RoleAuction},
		platform{"chronograph", "chronokey", "", tender.RoleChronograph},
	)
	e := &complaintEnv{t: t, srv: srv, store: st}

	org := civic("Лікарня №1")
	org["identifier"] = map[string]any{"scheme": "UA-EDR", "id": "00037256"}
	created := e.do("POST", "/tenders", "buyerkey", map[string]any{"data": map[string]any{
		"title": "Папір", "procurementMethodType": "aboveThresholdUA", "mainProcurementCategory": "goods", "procuringEntity": org,
		"procurementMethodDetails": "quick, accelerator=86400", "submissionMethodDetails": "quick",
		"value": map[string]any{"amount": 100000, "currency": "UAH"}, "minimalStep": map[string]any{"amount": 1000, "currency": "UAH"},
		"items":        []any{map[string]any{"description": "Папір А4", "classification": map[string]any{"scheme": "ДК021", "id": "30197630-1", "description": "Папір"}}},
		"tenderPeriod": map[string]any{"endDate": clock.Now().Add(16 * time.Second).Format(time.RFC3339Nano)},
	}}, 201)
	id, owner := data(created)["id"].(string), token(created)
	tp := "/tenders/" + id
	e.do("PATCH", tp+"?acc_token="+owner, "buyerkey", status("active.tendering"), 200)
	type bidder struct{ key, id, token string }
	var bidders []bidder
	for i, key := range []string{"bid1key", "bid2key"} {
		r := e.do("POST", tp+"/bids", key, map[string]any{"data": map[string]any{
			"tenderers": []any{civic("ТОВ Постачальник " + key)}, "value": map[string]any{"amount": 80000 + 5000*i}}}, 201)
		bidders = append(bidders, bidder{key, data(r)["id"].(string), token(r)})
	}
	clock.Advance(17 * time.Second)
	if got := data(e.do("PATCH", tp+"/chronograph", "chronokey", nil, 200))["status"]; got != "active.auction" {
		t.Fatalf("after tendering: %v", got)
	}

	// What the auction service plans from.
	view := data(e.do("GET", tp+"/auction", "auctionkey", nil, 200))
	if view["tenderID"] != data(created)["tenderID"] || view["procurementMethodDetails"] != "quick, accelerator=86400" ||
		view["submissionMethodDetails"] != "quick" || view["procuringEntity"].(map[string]any)["name"] != "Лікарня №1" ||
		view["auctionPeriod"].(map[string]any)["startDate"] == nil || view["minimalStep"] == nil {
		t.Errorf("auction view %v", view)
	}
	bids := view["bids"].([]any)
	if len(bids) != 2 {
		t.Fatalf("auction view bids %v", bids)
	}
	for i, b := range bids {
		b := b.(map[string]any)
		if b["id"] != bidders[i].id || b["value"] == nil || b["tenderers"] != nil {
			t.Errorf("auction view bid %d: %v", i, b)
		}
	}
	e.do("GET", tp+"/auction/0123456789abcdef0123456789abcdef", "auctionkey", nil, 404)

	auctionURL := "https://auction.example.org/tenders/" + id
	urls := func(edit func(bids []map[string]any)) map[string]any {
		var bs []map[string]any
		for _, b := range bidders {
			bs = append(bs, map[string]any{"id": b.id, "participationUrl": auctionURL + "/login?bidder_id=" + b.id})
		}
		if edit != nil {
			edit(bs)
		}
		return map[string]any{"data": map[string]any{"auctionUrl": auctionURL, "bids": bs}}
	}
	e.refused(id, "PATCH", tp+"/auction?acc_token="+owner, "buyerkey", urls(nil), 403, "data")
	e.refused(id, "PATCH", tp+"/auction", "", urls(nil), 403, "data")
	e.refused(id, "PATCH", tp+"/auction", "auctionkey", urls(func(bs []map[string]any) { bs[0], bs[1] = bs[1], bs[0] }), 422, "bids[0].id")
	e.refused(id, "PATCH", tp+"/auction", "auctionkey", urls(func(bs []map[string]any) { delete(bs[1], "participationUrl") }), 422, "bids")
	e.refused(id, "PATCH", tp+"/auction", "auctionkey", urls(func(bs []map[string]any) { bs[1]["participationUrl"] = "ftp://x.example.org/" }), 422, "bids[1].participationUrl")
	e.refused(id, "PATCH", tp+"/auction", "auctionkey", urls(func(bs []map[string]any) { bs[0]["hash"] = "x" }), 422, "hash")
	e.refused(id, "PATCH", tp+"/auction/0123456789abcdef0123456789abcdef", "auctionkey", urls(nil), 404, "lot_id")

	got := data(e.do("PATCH", tp+"/auction", "auctionkey", urls(nil), 200))
	if got["auctionUrl"] != auctionURL || !strings.HasSuffix(got["bids"].([]any)[1].(map[string]any)["participationUrl"].(string), bidders[1].id) {
		t.Errorf("after PATCH: %v", got)
	}
	before := e.snapshot(id)
	e.do("PATCH", tp+"/auction", "auctionkey", urls(nil), 200)
	if e.snapshot(id) != before {
		t.Errorf("the same URLs again made a new revision")
	}
	own := data(e.do("GET", tp+"/bids/"+bidders[0].id+"?acc_token="+bidders[0].token, "bid1key", nil, 200))
	if own["participationUrl"] != auctionURL+"/login?bidder_id="+bidders[0].id {
		t.Errorf("the bid owner's view: %v", own)
	}
	e.do("GET", tp+"/bids/"+bidders[0].id, "bid2key", nil, 403)
	if pub := data(e.do("GET", tp, "", nil, 200)); pub["bids"] != nil || pub["auctionUrl"] != auctionURL {
		t.Errorf("public view during the auction: bids %v, auctionUrl %v", pub["bids"], pub["auctionUrl"])
	}

	// The audit, recorded on the tender by its hash, before the results.
	audit := map[string]any{"data": map[string]any{"title": "audit_" + id + ".yaml", "url": "https://ds.example.org/audit",
		"format": "application/yaml", "hash": "sha256:" + strings.Repeat("0f", 32), "documentType": "auctionAudit"}}
	d := data(e.do("POST", tp+"/documents", "auctionkey", audit, 201))
	if d["author"] != "auction" || d["hash"] != "sha256:"+strings.Repeat("0f", 32) {
		t.Errorf("audit document %v", d)
	}
	notice := map[string]any{"data": map[string]any{"title": "x.pdf", "url": "https://ds.example.org/x", "format": "application/pdf", "documentType": "notice"}}
	e.refused(id, "POST", tp+"/documents", "auctionkey", notice, 422, "documentType")

	results := map[string]any{"data": map[string]any{"bids": []any{
		map[string]any{"id": bidders[0].id, "value": map[string]any{"amount": 79000}},
		map[string]any{"id": bidders[1].id, "value": map[string]any{"amount": 78500}},
	}}}
	if got := data(e.do("POST", tp+"/auction", "auctionkey", results, 200)); got["status"] != "active.qualification" {
		t.Fatalf("after the results: %v", got["status"])
	}

	// Names are public now; the links stay their owners'.
	for i, b := range data(e.do("GET", tp+"/auction", "auctionkey", nil, 200))["bids"].([]any) {
		if b := b.(map[string]any); b["tenderers"] == nil || b["participationUrl"] != nil {
			t.Errorf("auction view bid %d after the auction: %v", i, b)
		}
	}
	if raw := mustJSON(e.do("GET", tp+"/bids", "bid2key", nil, 200)); strings.Contains(raw, "participationUrl") {
		t.Errorf("bid list shows participation URLs: %s", raw)
	}
	e.refused(id, "PATCH", tp+"/auction", "auctionkey", urls(nil), 403, "data")
	e.refused(id, "POST", tp+"/documents", "auctionkey", audit, 403, "data")
}
