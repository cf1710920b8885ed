package api_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// complaintEnv is the API over the real store with a clock the test moves
// and every party to a complaint: the buyer, two bidders, a civic platform,
// the review body and the payment robot.
type complaintEnv struct {
	t     *testing.T
	srv   *httptest.Server
	store *mongodb.Store
	clock *benchClock
}

func newComplaintEnv(t *testing.T) *complaintEnv {
	t.Helper()
	st := mongodb.New(mongotest.Database(t))
	if err := st.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock := &benchClock{}
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: clock.Now, Sandbox: true}
	srv := serveAPI(t, svc,
		platform{"buyer", "buyerkey", "1234", tender.RoleBroker},
		platform{"bidder1", "bid1key", "24", tender.RoleBroker},
		platform{"bidder2", "bid2key", "24", tender.RoleBroker},
		platform{"gromada", "civickey", "24", tender.RoleBroker},
		platform{"amcu", "amcukey", "", tender.RoleReviewer},
		platform{"payments", "botkey", "", tender.RoleBot},
		platform{"chronograph", "chronokey", "", tender.RoleChronograph},
	)
	return &complaintEnv{t: t, srv: srv, store: st, clock: clock}
}

// do sends a request, checks its status and decodes the body into a map.
func (e *complaintEnv) do(method, path, key string, body any, want int) map[string]any {
	e.t.Helper()
	ctype, text := "", ""
	if body != nil {
		ctype, text = "application/json", mustJSON(body)
	}
	status, raw := call(e.t, e.srv, method, "/api/2.5"+path, key, ctype, text)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
	}
	return out
}

// snapshot is the stored tender with its revision count.
func (e *complaintEnv) snapshot(id string) string {
	e.t.Helper()
	tn, err := e.store.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	revs, err := e.store.Revisions(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := json.Marshal(struct {
		T    *tender.Tender
		Revs int
	}{tn, len(revs)})
	return string(b)
}

// refused sends a request that must fail with status in ProZorro's error
// shape, naming field, and leave the tender as it was.
func (e *complaintEnv) refused(id, method, path, key string, body any, status int, field string) {
	e.t.Helper()
	before := e.snapshot(id)
	out := e.do(method, path, key, body, status)
	errs, _ := out["errors"].([]any)
	if out["status"] != "error" || len(errs) == 0 {
		e.t.Fatalf("%s %s: not ProZorro's error shape: %v", method, path, out)
	}
	found := false
	for _, fe := range errs {
		found = found || fe.(map[string]any)["name"] == field
	}
	if !found {
		e.t.Errorf("%s %s: no error names %q: %v", method, path, field, errs)
	}
	if after := e.snapshot(id); after != before {
		e.t.Errorf("%s %s: refused request changed the tender", method, path)
	}
}

func data(m map[string]any) map[string]any { d, _ := m["data"].(map[string]any); return d }

func token(m map[string]any) string {
	a, _ := m["access"].(map[string]any)
	s, _ := a["token"].(string)
	return s
}

func civic(name string) map[string]any {
	return map[string]any{"name": name, "identifier": map[string]any{"scheme": "UA-EDR", "id": "43000001"},
		"address": map[string]any{"countryName": "Україна"}, "contactPoint": map[string]any{"name": "Оксана", "email": "o@example.org"}}
}

func complaintBody(typ string) map[string]any {
	return map[string]any{"data": map[string]any{"type": typ, "author": civic("ГО Прозорість"),
		"title": "Дискримінаційні вимоги", "description": "Вимога щодо досвіду обмежує конкуренцію"}}
}

func status(s string, extra ...any) map[string]any {
	d := map[string]any{"status": s}
	for i := 0; i+1 < len(extra); i += 2 {
		d[extra[i].(string)] = extra[i+1]
	}
	return map[string]any{"data": d}
}

func docBody(title string) map[string]any {
	return map[string]any{"data": map[string]any{"title": title, "url": "https://ds.example.org/" + title,
		"hash": "md5:00000000000000000000000000000000", "format": "application/pdf"}}
}

// TestComplaintsAPI drives a complaint on the tender conditions and an
// upheld complaint against an award of an aboveThresholdUA tender over
// HTTP, with the refusals on the way.
func TestComplaintsAPI(t *testing.T) {
	e := newComplaintEnv(t)
	now := time.Now()
	org := civic("Лікарня №1")
	org["identifier"] = map[string]any{"scheme": "UA-EDR", "id": "00037256"}
	body := map[string]any{"data": map[string]any{
		"title": "Папір", "procurementMethodType": "aboveThresholdUA", "mainProcurementCategory": "goods", "procuringEntity": org,
		"procurementMethodDetails": "quick, accelerator=86400", "submissionMethodDetails": "quick(mode:no-auction)",
		"value": map[string]any{"amount": 100000, "currency": "UAH"}, "minimalStep": map[string]any{"amount": 1000, "currency": "UAH"},
		"items":        []any{map[string]any{"description": "Папір А4", "classification": map[string]any{"scheme": "ДК021", "id": "30197630-1", "description": "Папір"}}},
		"tenderPeriod": map[string]any{"endDate": now.Add(16 * time.Second).Format(time.RFC3339Nano)},
	}}
	created := e.do("POST", "/tenders", "buyerkey", body, 201)
	id, owner := data(created)["id"].(string), token(created)
	tp := "/tenders/" + id
	e.do("PATCH", tp+"?acc_token="+owner, "buyerkey", status("active.tendering"), 200)
	bid := func(key, amount, edr string) string {
		return token(e.do("POST", tp+"/bids", key, map[string]any{"data": map[string]any{
			"tenderers": []any{civic("ТОВ " + edr)}, "value": map[string]any{"amount": amount}}}, 201))
	}
	bid("bid1key", "80000", "40000001")
	bid2 := bid("bid2key", "85000", "40000002")

	// A complaint on the conditions: a draft with its fee; the author's token once.
	r := e.do("POST", tp+"/complaints", "civickey", complaintBody("complaint"), 201)
	c, author := data(r), token(r)
	cid := c["id"].(string)
	cp := tp + "/complaints/" + cid
	if author == "" || c["owner"] != nil || c["access"] != nil || c["status"] != "draft" {
		t.Fatalf("created complaint %v, token %q", c, author)
	}
	if v := c["value"].(map[string]any); v["currency"] != "UAH" || v["amount"] != 2000.0 {
		t.Errorf("fee %v, want 2000 UAH", v)
	}
	if !strings.HasPrefix(c["complaintID"].(string), data(created)["tenderID"].(string)+".") {
		t.Errorf("complaintID %v", c["complaintID"])
	}
	list := e.do("GET", tp+"/complaints", "", nil, 200)["data"].([]any)
	if len(list) != 1 || strings.Contains(mustJSON(list), "token_sha256") || strings.Contains(mustJSON(list), "civickey") {
		t.Errorf("public list %v", list)
	}
	if got := data(e.do("GET", cp, "", nil, 200)); got["id"] != cid || got["owner"] != nil {
		t.Errorf("public complaint %v", got)
	}

	t.Run("refusals change nothing", func(t *testing.T) {
		e := &complaintEnv{t: t, srv: e.srv, store: e.store, clock: e.clock}
		e.refused(id, "POST", tp+"/complaints", "", complaintBody("complaint"), 403, "data")
		e.refused(id, "POST", tp+"/complaints?acc_token="+owner, "buyerkey", complaintBody("complaint"), 403, "data")
		e.refused(id, "POST", tp+"/complaints", "civickey", complaintBody("appeal"), 422, "type")
		e.refused(id, "POST", tp+"/complaints", "civickey", map[string]any{"data": map[string]any{"type": "claim", "colour": "red"}}, 422, "colour")
		e.refused(id, "POST", tp+"/complaints", "botkey", complaintBody("complaint"), 403, "data")
		e.refused(id, "PATCH", cp, "civickey", status("mistaken"), 403, "data")
		e.refused(id, "PATCH", cp, "amcukey", status("accepted"), 403, "data")
		e.refused(id, "PATCH", cp, "botkey", status("pending", "decision", "paid"), 422, "decision")
		e.refused(id, "PATCH", cp+"?acc_token="+author, "civickey", status("pending"), 403, "data")
		e.refused(id, "POST", cp+"/documents?acc_token="+owner, "buyerkey", docBody("answer.pdf"), 403, "data")
		e.refused(id, "PATCH", tp+"/complaints/0123456789abcdef0123456789abcdef", "botkey", status("pending"), 404, "complaint_id")
		e.refused(id, "POST", tp+"/awards/nope/complaints", "civickey", complaintBody("complaint"), 404, "award_id")
		e.refused(id, "POST", tp+"/qualifications/nope/complaints", "civickey", complaintBody("complaint"), 404, "qualification_id")
		e.refused(id, "POST", tp+"/cancellations/nope/complaints", "civickey", complaintBody("complaint"), 404, "cancellation_id")
		e.do("GET", tp+"/complaints/nope", "", nil, 404)
	})

	// The author's evidence, in the body's access.token this time.
	d := data(e.do("POST", cp+"/documents", "civickey", map[string]any{"data": docBody("evidence.pdf")["data"], "access": map[string]any{"token": author}}, 201))
	if d["author"] != "complaint_owner" {
		t.Errorf("document author %v", d["author"])
	}
	if docs := e.do("GET", cp+"/documents", "", nil, 200)["data"].([]any); len(docs) != 1 {
		t.Errorf("documents %v", docs)
	}
	e.do("GET", cp+"/documents/"+d["id"].(string), "", nil, 200)

	// Paid, reviewed, declined: tendering may end.
	if got := data(e.do("PATCH", cp, "botkey", status("pending"), 200)); got["status"] != "pending" || got["dateSubmitted"] == nil {
		t.Errorf("paid complaint %v", got)
	}
	e.do("PATCH", cp, "amcukey", status("accepted", "reviewDate", now.Add(20*time.Second).Format(time.RFC3339), "reviewPlace", "АМКУ, Київ"), 200)
	e.do("POST", cp+"/documents", "amcukey", docBody("decision.pdf"), 201)
	e.do("PATCH", cp, "amcukey", status("declined", "decision", "У задоволенні скарги відмовити"), 200)

	e.clock.Advance(17 * time.Second)
	tn := data(e.do("PATCH", tp+"/chronograph", "chronokey", nil, 200))
	if tn["status"] != "active.qualification" {
		t.Fatalf("after tendering: %v", tn["status"])
	}
	award := tn["awards"].([]any)[0].(map[string]any)
	ap := tp + "/awards/" + award["id"].(string)
	e.do("PATCH", ap+"?acc_token="+owner, "buyerkey", status("active", "qualified", true, "eligible", true), 200)

	// The losing bidder complains against the award with its bid's token.
	e.refused(id, "POST", ap+"/complaints", "bid2key", complaintBody("complaint"), 403, "data")
	r = e.do("POST", ap+"/complaints?acc_token="+bid2, "bid2key", complaintBody("complaint"), 201)
	acp := ap + "/complaints/" + data(r)["id"].(string)
	if v := data(r)["value"].(map[string]any); v["amount"] != 3000.0 {
		t.Errorf("award complaint fee %v, want 3000", v)
	}
	e.do("PATCH", acp, "botkey", status("pending"), 200)
	e.do("PATCH", acp, "amcukey", status("accepted", "reviewDate", now.Add(30*time.Second).Format(time.RFC3339), "reviewPlace", "АМКУ, Київ"), 200)
	e.do("PATCH", acp, "amcukey", status("satisfied", "decision", "Скаргу задовольнити, рішення скасувати"), 200)
	if got := e.do("GET", ap+"/complaints", "", nil, 200)["data"].([]any); len(got) != 1 || got[0].(map[string]any)["status"] != "satisfied" {
		t.Errorf("award complaints %v", got)
	}

	e.clock.Advance(11 * time.Second) // past the award's standstill
	contract := data(e.do("GET", tp, "", nil, 200))["contracts"].([]any)[0].(map[string]any)
	e.refused(id, "PATCH", tp+"/contracts/"+contract["id"].(string)+"?acc_token="+owner, "buyerkey", status("active"), 403, "data")
	resolve := status("resolved", "tendererAction", "Рішення про визначення переможця скасовано")
	e.refused(id, "PATCH", acp+"?acc_token="+owner, "buyerkey", resolve, 403, "data")
	e.refused(id, "PATCH", acp+"?acc_token="+owner, "buyerkey", status("resolved", "tendererAction", "Скасовано"), 422, "tendererAction")
	e.do("POST", acp+"/documents?acc_token="+owner, "buyerkey", docBody("order.pdf"), 201)
	e.do("PATCH", ap+"?acc_token="+owner, "buyerkey", status("cancelled"), 200)
	if got := data(e.do("PATCH", acp+"?acc_token="+owner, "buyerkey", resolve, 200)); got["status"] != "resolved" || got["tendererActionDate"] == nil {
		t.Errorf("resolved complaint %v", got)
	}
	tn = data(e.do("GET", tp, "", nil, 200))
	awards := tn["awards"].([]any)
	if tn["status"] != "active.qualification" || len(awards) != 2 || awards[1].(map[string]any)["status"] != "pending" {
		t.Errorf("after the upheld complaint: %v, awards %v", tn["status"], awards)
	}
}
