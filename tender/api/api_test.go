package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// newServer serves the API over the real store, in a fresh database.
func newServer(t testing.TB) (*httptest.Server, *mongodb.Store) {
	t.Helper()
	st := mongodb.New(mongotest.Database(t))
	if err := st.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true}
	h := api.New(svc, api.Config{MaxBody: 64 << 10, Platforms: []api.Platform{
		{Name: "buyer", KeyHash: api.HashKey("buyerkey"), Levels: "1234", Role: tender.RoleBroker},
		{Name: "bidder", KeyHash: api.HashKey("bidkey"), Levels: "2", Role: tender.RoleBroker},
	}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

type errorBody struct {
	Status string `json:"status"`
	Errors []struct {
		Location    string `json:"location"`
		Name        string `json:"name"`
		Description any    `json:"description"`
	} `json:"errors"`
}

func call(t *testing.T, srv *httptest.Server, method, path, key, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func validTender() map[string]any {
	now := time.Now()
	org := map[string]any{"name": "Школа", "identifier": map[string]any{"scheme": "UA-EDR", "id": "00037256"},
		"address": map[string]any{"countryName": "Україна"}, "contactPoint": map[string]any{"name": "Іван", "email": "i@example.com"}}
	return map[string]any{"data": map[string]any{
		"title": "Папір", "mainProcurementCategory": "goods", "procuringEntity": org,
		"procurementMethodDetails": "quick, accelerator=86400",
		"value":                    map[string]any{"amount": "1000.00", "currency": "UAH"}, "minimalStep": map[string]any{"amount": 10, "currency": "UAH"},
		"items":         []any{map[string]any{"description": "Папір А4", "classification": map[string]any{"scheme": "ДК021", "id": "30197630-1", "description": "Папір"}}},
		"enquiryPeriod": map[string]any{"endDate": now.Add(10 * time.Second).Format(time.RFC3339Nano)},
		"tenderPeriod":  map[string]any{"endDate": now.Add(20 * time.Second).Format(time.RFC3339Nano)},
	}}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestErrors checks every refusal class in ProZorro's error shape, naming the
// field, and that nothing was written.
func TestErrors(t *testing.T) {
	srv, _ := newServer(t)
	status, raw := call(t, srv, "POST", "/api/2.5/tenders", "buyerkey", "application/json", mustJSON(validTender()))
	if status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	var created struct {
		Data   struct{ ID string }
		Access struct{ Token string }
	}
	json.Unmarshal(raw, &created)
	id, token := created.Data.ID, created.Access.Token

	unknown := validTender()
	unknown["data"].(map[string]any)["colour"] = "red"
	badMoney := validTender()
	badMoney["data"].(map[string]any)["value"] = map[string]any{"amount": -5, "currency": "uah"}
	big := `{"data":{"title":"` + strings.Repeat("x", 70<<10) + `"}}`

	cases := []struct {
		name, method, path, key, ctype, body string
		status                               int
		field                                string
	}{
		{"malformed JSON", "POST", "/api/2.5/tenders", "buyerkey", "application/json", `{"data":`, 400, "data"},
		{"wrong content type", "POST", "/api/2.5/tenders", "buyerkey", "text/plain", mustJSON(validTender()), 400, "Content-Type"},
		{"unknown key", "POST", "/api/2.5/tenders", "nokey", "application/json", mustJSON(validTender()), 401, "Authorization"},
		{"anonymous create", "POST", "/api/2.5/tenders", "", "application/json", mustJSON(validTender()), 403, "data"},
		{"bidder level cannot create", "POST", "/api/2.5/tenders", "bidkey", "application/json", mustJSON(validTender()), 403, "data"},
		{"unknown field", "POST", "/api/2.5/tenders", "buyerkey", "application/json", mustJSON(unknown), 422, "colour"},
		{"bad money lists both fields", "POST", "/api/2.5/tenders", "buyerkey", "application/json", mustJSON(badMoney), 422, "value.amount"},
		{"no data", "POST", "/api/2.5/tenders", "buyerkey", "application/json", `{}`, 422, "data"},
		{"wrong type", "POST", "/api/2.5/tenders", "buyerkey", "application/json", `{"data":{"title":5}}`, 422, "title"},
		{"too large", "POST", "/api/2.5/tenders", "buyerkey", "application/json", big, 413, "data"},
		{"not found", "GET", "/api/2.5/tenders/0123456789abcdef0123456789abcdef", "", "", "", 404, "tender_id"},
		{"no route", "GET", "/api/2.5/nothing", "", "", "", 404, "path"},
		{"patch without token", "PATCH", "/api/2.5/tenders/" + id, "buyerkey", "application/json", `{"data":{"title":"x"}}`, 403, "data"},
		{"patch with other platform", "PATCH", "/api/2.5/tenders/" + id + "?acc_token=" + token, "bidkey", "application/json", `{"data":{"title":"x"}}`, 403, "data"},
		{"rogue status", "PATCH", "/api/2.5/tenders/" + id + "?acc_token=" + token, "buyerkey", "application/json", `{"data":{"status":"complete"}}`, 422, "status"},
		{"bids in draft", "POST", "/api/2.5/tenders/" + id + "/bids", "bidkey", "application/json", `{"data":{"value":{"amount":1}}}`, 403, "data"},
		{"bad offset", "GET", "/api/2.5/tenders?offset=yesterday", "", "", "", 422, "offset"},
		{"bad opt_fields", "GET", "/api/2.5/tenders?opt_fields=owner_token", "", "", "", 422, "opt_fields"},
		{"bad mode", "GET", "/api/2.5/tenders?mode=prod", "", "", "", 422, "mode"},
		{"historical without h", "GET", "/api/2.5/tenders/" + id + "/historical", "buyerkey", "", "", 403, "data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := call(t, srv, tc.method, tc.path, tc.key, tc.ctype, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, raw)
			}
			var e errorBody
			if err := json.Unmarshal(raw, &e); err != nil || e.Status != "error" || len(e.Errors) == 0 {
				t.Fatalf("not ProZorro's error shape: %s", raw)
			}
			found := false
			for _, fe := range e.Errors {
				found = found || fe.Name == tc.field
			}
			if !found {
				t.Errorf("no error names %q: %s", tc.field, raw)
			}
		})
	}
	// Nothing above changed the tender.
	_, after := call(t, srv, "GET", "/api/2.5/tenders/"+id, "", "", "")
	var got struct{ Data map[string]any }
	json.Unmarshal(after, &got)
	if got.Data["title"] != "Папір" || got.Data["status"] != "draft" {
		t.Errorf("refused requests changed the tender: %v", got.Data)
	}
	if got.Data["access"] != nil || got.Data["config"] != nil {
		t.Errorf("private fields in the public view: %s", after)
	}
	if !strings.Contains(string(after), `"amount":1000`) {
		t.Errorf("money not exact: %s", after)
	}
}

// TestConcurrentPatchesConflict: two owners' edits racing on one tender end
// with one success per revision and 409 for the losers, none lost.
func TestConcurrentPatchesConflict(t *testing.T) {
	srv, st := newServer(t)
	_, raw := call(t, srv, "POST", "/api/2.5/tenders", "buyerkey", "application/json", mustJSON(validTender()))
	var created struct {
		Data   struct{ ID string }
		Access struct{ Token string }
	}
	json.Unmarshal(raw, &created)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := `{"data":{"description":"edit ` + strings.Repeat("x", i+1) + `"}}`
			status, raw := call(t, srv, "PATCH", "/api/2.5/tenders/"+created.Data.ID+"?acc_token="+created.Access.Token, "buyerkey", "application/json", body)
			if status != 200 && status != 409 {
				t.Errorf("status %d: %s", status, raw)
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	revs, err := st.Revisions(context.Background(), created.Data.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts[200] == 0 || len(revs) != 1+counts[200] {
		t.Errorf("%d successful edits but %d revisions after the first (409s: %d)", counts[200], len(revs)-1, counts[409])
	}
}

// FuzzDecode throws arbitrary bodies at every write endpoint: the answer is
// never a 5xx and never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(mustJSON(validTender()))
	f.Add(`{"data":{"value":{"amount":"1e999999"}}}`)
	f.Add(`{"data":{"items":[{"quantity":-1}]},"config":{"hasAuction":"yes"}}`)
	f.Add(`{"data":{"enquiryPeriod":{"endDate":"tomorrow"}}}`)
	f.Add(`{"data":[],"access":{"token":1}}`)
	f.Add(`{"data":{"bids":[{"id":null}]}}`)
	srv, _ := newServer(f)
	paths := []string{"/api/2.5/tenders", "/api/2.5/tenders/0123456789abcdef0123456789abcdef",
		"/api/2.5/tenders/0123456789abcdef0123456789abcdef/bids", "/api/2.5/tenders/0123456789abcdef0123456789abcdef/auction"}
	f.Fuzz(func(t *testing.T, body string) {
		for i, p := range paths {
			method := "POST"
			if i == 1 {
				method = "PATCH"
			}
			req, _ := http.NewRequest(method, srv.URL+p, bytes.NewReader([]byte(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer buyerkey")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("%s %s: %d %s", method, p, resp.StatusCode, raw)
			}
		}
	})
}
