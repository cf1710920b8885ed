package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	ocdsapi "github.com/prozorro-go/prozorro/ocds/api"
	"github.com/prozorro-go/prozorro/ocds/schema/schematest"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

// The fixture follows ocds/fixture_test.go: belowThreshold sandbox tenders
// with "quick, accelerator=86400" (a procedure day is a second of the fake
// clock), driven through tender.Service over the memory store.

const day = tendertest.Day

var t0 = tendertest.T0

type fakeClock = tendertest.Clock

func ptr[T any](v T) *T { return &v }

var (
	org = tendertest.Org
	uah = tendertest.UAH
)

var cfg = ocdsapi.Config{
	OCDS:    ocds.Config{Prefix: "ocds-test01", Publisher: ocds.Publisher{Name: "Prozorro-Go test"}},
	BaseURL: "https://api.example.org",
}

// env is a memory store, its service and the OCDS handler in front of a
// stand-in tender API.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *fakeClock
	store *memory.Store
	svc   *tender.Service
	h     http.Handler
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := tendertest.NewClock(t0)
	st := memory.New()
	st.Now = c.Now
	srv, err := ocdsapi.New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	tenderAPI := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot) // the tender API's answer
	})
	return &env{t: t, ctx: context.Background(), clock: c, store: st,
		svc: &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true},
		h:   srv.Intercept(tenderAPI)}
}

func (e *env) must(what string, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// proc is one tender of the env.
type proc struct {
	*env
	owner      tender.Actor
	id         string
	epEnd, tpE time.Time
	nbids      int
}

func (e *env) create(title string) *proc {
	e.t.Helper()
	e.clock.Advance(time.Millisecond)
	now := e.clock.Now()
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234h"}
	tn, creds, err := e.svc.Create(e.ctx, owner, tender.CreateRequest{Data: tender.TenderInput{
		Title:                    ptr(title),
		ProcurementMethodDetails: ptr("quick, accelerator=86400"),
		MainProcurementCategory:  ptr("goods"),
		ProcuringEntity:          ptr(org("Київська міська лікарня №1", "00037256")),
		Value:                    uah("100000.00"),
		MinimalStep:              uah("1000.00"),
		Items: []tender.Item{{
			Description:    "Коробки картонні",
			Classification: tender.Classification{Scheme: "ДК021", ID: "44617100-9", Description: "Картонні коробки"},
			Unit:           &tender.Unit{Code: "H87", Name: "штука"},
			Quantity:       ptr(tender.MustAmount("1000")),
		}},
		EnquiryPeriod: &tender.Period{EndDate: ptr(now.Add(10 * day))},
		TenderPeriod:  &tender.Period{EndDate: ptr(now.Add(20 * day))},
	}})
	e.must("create", err)
	owner.Token = creds.Token
	return &proc{env: e, owner: owner, id: tn.ID, epEnd: *tn.EnquiryPeriod.EndDate, tpE: *tn.TenderPeriod.EndDate}
}

func (p *proc) publish() *proc {
	p.t.Helper()
	p.clock.Advance(time.Millisecond)
	_, err := p.svc.Patch(p.ctx, p.id, p.owner, tender.TenderInput{Status: ptr(tender.StatusEnquiries)})
	p.must("publish", err)
	return p
}

func (p *proc) retitle(title string) *proc {
	p.t.Helper()
	p.clock.Advance(time.Millisecond)
	_, err := p.svc.Patch(p.ctx, p.id, p.owner, tender.TenderInput{Title: ptr(title)})
	p.must("retitle", err)
	return p
}

func (p *proc) toTendering() *proc {
	p.t.Helper()
	p.clock.Set(p.epEnd)
	_, err := p.svc.Chronograph(p.ctx, p.id, tender.Actor{Role: tender.RoleChronograph})
	p.must("chronograph", err)
	return p
}

func (p *proc) bid(amount string) *proc {
	p.t.Helper()
	p.clock.Advance(time.Millisecond)
	p.nbids++
	_, _, _, err := p.svc.AddBid(p.ctx, p.id, tender.Actor{Platform: fmt.Sprintf("bidder%d", p.nbids), Role: tender.RoleBroker, Levels: "24"},
		tender.BidInput{
			Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Постачальник %d", p.nbids), fmt.Sprintf("4000000%d", p.nbids))},
			Value:     &tender.Value{Amount: tender.MustAmount(amount)},
		})
	p.must("bid", err)
	return p
}

// get serves a GET and returns the status and body.
func (e *env) get(path string) (int, []byte) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.Bytes()
}

// getOK serves a GET that must answer 200.
func (e *env) getOK(path string) []byte {
	e.t.Helper()
	code, body := e.get(path)
	if code != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return body
}

func decode(t *testing.T, data []byte, dst any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(dst); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

type releasePackage struct {
	URI      string           `json:"uri"`
	Releases []map[string]any `json:"releases"`
}

func validRelease(t *testing.T, body []byte) releasePackage {
	t.Helper()
	for _, err := range schematest.New(t).ValidateReleasePackage(body) {
		t.Errorf("release package: %v", err)
	}
	var p releasePackage
	decode(t, body, &p)
	return p
}

func TestTenderEndpoints(t *testing.T) {
	e := newEnv(t)
	p := e.create("Картонні коробки").publish().retitle("Коробки").toTendering()
	base := ocdsapi.Prefix + "/tenders/" + p.id

	all := validRelease(t, e.getOK(base+"/ocds/releases"))
	if len(all.Releases) < 2 {
		t.Fatalf("%d releases, want at least 2 (published, retitled)", len(all.Releases))
	}
	if want := cfg.BaseURL + base + "/ocds/releases"; all.URI != want {
		t.Errorf("uri %s, want %s", all.URI, want)
	}
	last := all.Releases[len(all.Releases)-1]

	cur := validRelease(t, e.getOK(base+"?opt_schema=ocds"))
	if len(cur.Releases) != 1 || !reflect.DeepEqual(cur.Releases[0], last) {
		t.Errorf("opt_schema=ocds gives %v, want the last release", cur.Releases)
	}

	body := e.getOK(base + "/ocds/record")
	for _, err := range schematest.New(t).ValidateRecordPackage(body) {
		t.Errorf("record package: %v", err)
	}
	var rp struct {
		Records []struct {
			OCID             string           `json:"ocid"`
			Releases         []map[string]any `json:"releases"`
			CompiledRelease  map[string]any   `json:"compiledRelease"`
			VersionedRelease map[string]any   `json:"versionedRelease"`
		} `json:"records"`
	}
	decode(t, body, &rp)
	if len(rp.Records) != 1 {
		t.Fatalf("%d records", len(rp.Records))
	}
	r := rp.Records[0]
	if r.OCID != last["ocid"] || len(r.Releases) != len(all.Releases) || r.VersionedRelease == nil {
		t.Errorf("record %s with %d releases, versioned %v", r.OCID, len(r.Releases), r.VersionedRelease != nil)
	}
	// Each release is a full snapshot: the compiled release is the last
	// one, less the metadata the merge rules replace.
	compiled, want := map[string]any{}, map[string]any{}
	for k, v := range r.CompiledRelease {
		compiled[k] = v
	}
	for k, v := range last {
		want[k] = v
	}
	for _, k := range []string{"id", "tag", "date"} {
		delete(compiled, k)
		delete(want, k)
	}
	if !reflect.DeepEqual(compiled, want) {
		g, _ := json.MarshalIndent(compiled, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("compiledRelease:\n%s\nwant the last release:\n%s", g, w)
	}
	if tag := r.CompiledRelease["tag"]; !reflect.DeepEqual(tag, []any{"compiled"}) {
		t.Errorf("compiled tag %v", tag)
	}
	if r.CompiledRelease["date"] != last["date"] {
		t.Errorf("compiled date %v, last release %v", r.CompiledRelease["date"], last["date"])
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	draft := e.create("Чернетка")
	for _, path := range []string{
		"/tenders/0123456789abcdef0123456789abcdef/ocds/releases",
		"/tenders/0123456789abcdef0123456789abcdef/ocds/record",
		"/tenders/0123456789abcdef0123456789abcdef?opt_schema=ocds",
		"/tenders/" + draft.id + "/ocds/record", // a draft is not public
		"/tenders/" + draft.id + "/ocds/nothing",
	} {
		code, body := e.get(ocdsapi.Prefix + path)
		var eb struct {
			Status string              `json:"status"`
			Errors []tender.FieldError `json:"errors"`
		}
		decode(t, body, &eb)
		if code != http.StatusNotFound || eb.Status != "error" || len(eb.Errors) != 1 {
			t.Errorf("GET %s: %d %s, want a 404 in ProZorro's shape", path, code, body)
		}
	}
	for _, q := range []string{"offset=abc", "limit=x", "mode=bogus", "offset=-1"} {
		if code, body := e.get(ocdsapi.Prefix + "/ocds/releases?" + q); code != http.StatusUnprocessableEntity {
			t.Errorf("feed ?%s: %d %s, want 422", q, code, body)
		}
	}
}

func TestInterceptPassesTheRest(t *testing.T) {
	e := newEnv(t)
	p := e.create("Коробки").publish()
	for _, path := range []string{
		"/tenders/" + p.id,
		"/tenders/" + p.id + "?opt_schema=other",
		"/tenders/" + p.id + "/bids",
		"/tenders",
		"/health",
	} {
		if code, _ := e.get(ocdsapi.Prefix + path); code != http.StatusTeapot {
			t.Errorf("GET %s: %d, want the tender API's answer", path, code)
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPatch, ocdsapi.Prefix+"/tenders/"+p.id+"?opt_schema=ocds", strings.NewReader("{}")))
	if rec.Code != http.StatusTeapot {
		t.Errorf("PATCH with opt_schema=ocds: %d, want the tender API's answer", rec.Code)
	}
}

type feedPage struct {
	releasePackage
	NextPage struct {
		Offset string `json:"offset"`
		Path   string `json:"path"`
	} `json:"next_page"`
}

// page reads one feed page. A page with releases must be a valid release
// package once its page links are taken out; the page past the end must be
// exactly {"releases": [], "next_page": ..., "prev_page": ...}, no package.
func (e *env) page(path string) feedPage {
	e.t.Helper()
	body := e.getOK(path)
	var raw map[string]json.RawMessage
	decode(e.t, body, &raw)
	var p feedPage
	decode(e.t, body, &p)
	for _, k := range []string{"next_page", "prev_page"} {
		var l struct{ Offset, Path, URI string }
		decode(e.t, raw[k], &l)
		if l.Offset == "" || !strings.HasPrefix(l.Path, ocdsapi.Prefix+"/ocds/releases?") || !strings.HasSuffix(l.URI, l.Path) {
			e.t.Errorf("GET %s: %s is %s", path, k, raw[k])
		}
		delete(raw, k)
	}
	if len(p.Releases) == 0 {
		if len(raw) != 1 || string(raw["releases"]) != "[]" {
			e.t.Errorf("GET %s: empty page %s, want only releases: [] and the page links", path, body)
		}
		return p
	}
	pkg, err := json.Marshal(raw)
	e.must("marshal", err)
	validRelease(e.t, pkg)
	return p
}

func TestFeed(t *testing.T) {
	e := newEnv(t)
	if p := e.page(ocdsapi.Prefix + "/ocds/releases"); len(p.Releases) != 0 {
		t.Fatalf("an empty store gives %d releases", len(p.Releases))
	}
	want := map[string]bool{}
	var ids []string
	for i := range 5 {
		p := e.create(fmt.Sprintf("Тендер %d", i)).publish()
		if i%2 == 0 {
			p.retitle(fmt.Sprintf("Тендер %d (змінено)", i))
		}
		ids = append(ids, p.id)
	}
	e.create("Чернетка") // drafts are not in the feed
	var newest string    // the ocid of the last tender
	for _, id := range ids {
		body := e.getOK(ocdsapi.Prefix + "/tenders/" + id + "/ocds/releases")
		var p releasePackage
		decode(t, body, &p)
		for _, r := range p.Releases {
			want[r["id"].(string)] = true
			newest = r["ocid"].(string)
		}
	}

	got := map[string]bool{}
	path := ocdsapi.Prefix + "/ocds/releases?limit=2"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the feed does not end")
		}
		p := e.page(path)
		if len(p.Releases) == 0 {
			break
		}
		for _, r := range p.Releases {
			id := r["id"].(string)
			if got[id] {
				t.Errorf("release %s twice", id)
			}
			got[id] = true
		}
		path = p.NextPage.Path
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("feed gave %v, want %v", got, want)
	}

	desc := e.page(ocdsapi.Prefix + "/ocds/releases?descending=1&limit=1")
	if len(desc.Releases) == 0 || desc.Releases[0]["ocid"] != newest {
		t.Fatalf("descending feed does not start with the newest tender: %v", desc.Releases)
	}
	for _, r := range desc.Releases {
		if r["ocid"] != newest {
			t.Errorf("limit=1 page holds %s", r["ocid"])
		}
	}
}

// TestSealedBids: a tender in active.tendering with bids shows no bid data
// in any endpoint.
func TestSealedBids(t *testing.T) {
	e := newEnv(t)
	p := e.create("Коробки").publish().toTendering().bid("90000.17").bid("95000.23")
	tn, err := e.store.Get(e.ctx, p.id)
	e.must("get", err)
	if tn.Status != tender.StatusTendering || len(tn.Bids) != 2 {
		t.Fatalf("status %s with %d bids", tn.Status, len(tn.Bids))
	}
	secrets := []string{"Постачальник", "40000001", "40000002", "90000.17", "95000.23", "tenderer", `"bids"`, "numberOfTenderers"}
	for _, b := range tn.Bids {
		secrets = append(secrets, b.ID)
	}
	base := ocdsapi.Prefix + "/tenders/" + p.id
	for _, path := range []string{base + "?opt_schema=ocds", base + "/ocds/releases", base + "/ocds/record",
		ocdsapi.Prefix + "/ocds/releases", ocdsapi.Prefix + "/ocds/releases?descending=1"} {
		body := string(e.getOK(path))
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s carries %q while bids are sealed", path, s)
			}
		}
	}
}
