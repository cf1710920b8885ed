package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	searchapi "github.com/prozorro-go/prozorro/search/api"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/search/searchtest"
)

const base = "https://search.example.org"

// env is an in-memory bleve backend loaded with the behaviour suite's
// fixture, behind the search handler.
type env struct {
	t         *testing.T
	tenders   []*search.TenderDoc
	contracts []*search.ContractDoc
	backend   search.Backend
	h         http.Handler
}

// newEnv loads the fixture; wrap, when given, stands between the handler and
// the backend.
func newEnv(t *testing.T, cfg searchapi.Config, wrap func(search.Backend) search.Backend, extra ...*search.TenderDoc) *env {
	t.Helper()
	b, err := bleve.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	ts := append(searchtest.Tenders(searchtest.N), extra...)
	cs := searchtest.ContractsOf(ts)
	ctx := context.Background()
	var docs []search.Doc
	for _, d := range ts {
		docs = append(docs, search.TenderDocument(d))
	}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	docs = nil
	for _, c := range cs {
		docs = append(docs, search.ContractDocument(c))
	}
	if err := b.Put(ctx, search.Contracts, docs); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	var backend search.Backend = b
	if wrap != nil {
		backend = wrap(b)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = base
	}
	return &env{t: t, tenders: ts, contracts: cs, backend: backend,
		h: searchapi.New(backend, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))}
}

func (e *env) get(path string) *httptest.ResponseRecorder {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

type pageBody struct {
	Data     []json.RawMessage `json:"data"`
	Total    *int64            `json:"total"`
	NextPage *struct {
		SearchAfter string `json:"search_after"`
		URI         string `json:"uri"`
	} `json:"next_page"`
	Facets map[string][]search.Bucket `json:"facets"`
}

func (e *env) page(path string) pageBody {
	e.t.Helper()
	rec := e.get(path)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("Content-Type %q", ct)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		e.t.Errorf("GET %s: no CORS header", path)
	}
	var p pageBody
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		e.t.Fatalf("GET %s: %v: %s", path, err, rec.Body)
	}
	if p.Data == nil || p.Total == nil {
		e.t.Fatalf("GET %s: no data or total: %s", path, rec.Body)
	}
	return p
}

func hitIDs(t *testing.T, hits []json.RawMessage) []string {
	t.Helper()
	out := make([]string, len(hits))
	for i, h := range hits {
		var d struct{ ID string }
		if err := json.Unmarshal(h, &d); err != nil {
			t.Fatal(err)
		}
		out[i] = d.ID
	}
	return out
}

// want is the fixture's tenders that pass keep, in amount order then id.
func (e *env) want(keep func(d *search.TenderDoc) bool, byValueDesc bool) []string {
	var sel []*search.TenderDoc
	for _, d := range e.tenders {
		if keep(d) {
			sel = append(sel, d)
		}
	}
	sort.SliceStable(sel, func(i, j int) bool {
		a, b := sel[i].AmountMinor, sel[j].AmountMinor
		if (a == nil) != (b == nil) {
			return b == nil
		}
		if a != nil && *a != *b {
			return (*a < *b) != byValueDesc
		}
		return sel[i].ID < sel[j].ID
	})
	ids := make([]string, len(sel))
	for i, d := range sel {
		ids[i] = d.ID
	}
	return ids
}

func TestPageAndNextPage(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	complete := func(d *search.TenderDoc) bool { return d.Status == "complete" || d.Status == "cancelled" }
	want := e.want(complete, false)
	if len(want) < 8 {
		t.Fatalf("the fixture has %d matches: too few to page", len(want))
	}

	path := searchapi.Prefix + "/search/tenders?status=complete,cancelled&sort=value&order=asc&size=3"
	p := e.page(path)
	if *p.Total != int64(len(want)) {
		t.Errorf("total %d, want %d", *p.Total, len(want))
	}
	if got := hitIDs(t, p.Data); !slices.Equal(got, want[:3]) {
		t.Errorf("first page %v, want %v", got, want[:3])
	}
	// Follow next_page to the end: every hit once, in order.
	got := hitIDs(t, p.Data)
	for n := 0; p.NextPage != nil; n++ {
		if n > len(want) {
			t.Fatal("next_page never ends")
		}
		u, err := url.Parse(p.NextPage.URI)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.NextPage.URI, base+searchapi.Prefix+"/search/tenders?") {
			t.Errorf("next_page.uri %s", p.NextPage.URI)
		}
		q := u.Query()
		if q.Get("search_after") != p.NextPage.SearchAfter || q.Get("status") != "complete,cancelled" || q.Get("size") != "3" || q.Get("order") != "asc" {
			t.Errorf("next_page.uri %s does not repeat the query with the cursor", p.NextPage.URI)
		}
		p = e.page(u.RequestURI())
		got = append(got, hitIDs(t, p.Data)...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("walking next_page: %v\nwant %v", got, want)
	}

	// Offsets: the middle, and the last page has no next_page.
	p = e.page(searchapi.Prefix + "/search/tenders?status=complete&status=cancelled&sort=value&order=asc&start=2&limit=3")
	if g := hitIDs(t, p.Data); !slices.Equal(g, want[2:5]) {
		t.Errorf("start=2: %v, want %v", g, want[2:5])
	}
	if p.NextPage == nil || strings.Contains(p.NextPage.URI, "start=") {
		t.Errorf("a middle page: next_page %+v, want one without the offset", p.NextPage)
	}
	last := len(want) - 2
	p = e.page(fmt.Sprintf("%s/search/tenders?status=complete,cancelled&sort=value&order=asc&from=%d&size=5", searchapi.Prefix, last))
	if g := hitIDs(t, p.Data); !slices.Equal(g, want[last:]) || p.NextPage != nil {
		t.Errorf("last page: %v next %+v, want %v and no next_page", g, p.NextPage, want[last:])
	}

	// Nothing found is an empty list, not null.
	rec := e.get(searchapi.Prefix + "/search/tenders?id=nope")
	if !strings.Contains(rec.Body.String(), `"data":[]`) || !strings.Contains(rec.Body.String(), `"total":0`) || strings.Contains(rec.Body.String(), "next_page") {
		t.Errorf("no hits: %s", rec.Body)
	}
}

// TestFilters: parameters reach the backend with their meaning, checked
// against the fixture by hand.
func TestFilters(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	day := func(d *time.Time) string {
		loc, _ := time.LoadLocation("Europe/Kyiv")
		return d.In(loc).Format("2006-01-02")
	}
	pivot := e.tenders[20]
	amount := *e.tenders[7].AmountMinor // an exact amount for value's inclusive MAX
	cases := []struct {
		query string
		keep  func(d *search.TenderDoc) bool
	}{
		{"region=01-02", func(d *search.TenderDoc) bool { return d.Region == "01" || d.Region == "02" }},
		{"region=0", func(d *search.TenderDoc) bool { return strings.HasPrefix(d.PostalCode, "0") }},
		{fmt.Sprintf("value=-%s", search.MinorString(amount)), func(d *search.TenderDoc) bool { return d.AmountMinor != nil && *d.AmountMinor <= amount }},
		{fmt.Sprintf("value=%s-", search.MinorString(amount)), func(d *search.TenderDoc) bool { return d.AmountMinor != nil && *d.AmountMinor >= amount }},
		{"date_start=" + day(pivot.Date) + "&date_end=" + day(pivot.Date), func(d *search.TenderDoc) bool { return day(d.Date) == day(pivot.Date) }},
		{"date_end=" + day(pivot.Date), func(d *search.TenderDoc) bool { return day(d.Date) <= day(pivot.Date) }},
		{"cpv_like=4523&currency=uah", func(d *search.TenderDoc) bool {
			return d.Currency == "UAH" && slices.ContainsFunc(d.CPV, func(c string) bool { return strings.HasPrefix(c, "4523") })
		}},
		{"flag=R018,R028&risk_min=0.3", func(d *search.TenderDoc) bool {
			return d.RiskScore >= 0.3 && (slices.Contains(d.Flags, "R018") || slices.Contains(d.Flags, "R028"))
		}},
		{"bids_min=2&bids_max=3", func(d *search.TenderDoc) bool {
			return d.NumberOfBids != nil && *d.NumberOfBids >= 2 && *d.NumberOfBids <= 3
		}},
		{"tid=" + pivot.TenderID + "&edrpou=" + pivot.Buyer.ID, func(d *search.TenderDoc) bool { return d.ID == pivot.ID }},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			want := e.want(tc.keep, true)
			if len(want) == 0 || len(want) == len(e.tenders) {
				t.Fatalf("%d of %d match: the case tests nothing", len(want), len(e.tenders))
			}
			p := e.page(searchapi.Prefix + "/search/tenders?sort=value&size=100&" + tc.query)
			if got := hitIDs(t, p.Data); !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestContracts(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	var want []string
	for _, c := range e.contracts {
		if c.ContractStatus == "active" {
			want = append(want, c.ID)
		}
	}
	if len(want) == 0 || len(want) == len(e.contracts) {
		t.Fatalf("%d of %d contracts are active: the case tests nothing", len(want), len(e.contracts))
	}
	p := e.page(searchapi.Prefix + "/search/contracts?contract_status=active&size=100&award_status=active")
	got := hitIDs(t, p.Data)
	sort.Strings(got)
	if !slices.Equal(got, want) || *p.Total != int64(len(want)) {
		t.Errorf("active contracts: %v (total %d), want %v", got, *p.Total, want)
	}
	rec := e.get(searchapi.Prefix + "/search/contracts?tenderer=11111111")
	assertError(t, rec, http.StatusUnprocessableEntity, "tenderer")
}

func TestFacets(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	p := e.page(searchapi.Prefix + "/search/tenders?procedure=limited&facets=status,flag&size=1")
	want := map[string]int64{}
	for _, d := range e.tenders {
		if d.ProcurementMethod == "limited" {
			want[d.Status]++
		}
	}
	if len(p.Facets) != 2 || p.Facets["flag"] == nil {
		t.Fatalf("facets %v, want status and flag", p.Facets)
	}
	got := map[string]int64{}
	for _, b := range p.Facets["status"] {
		got[b.Key] = b.Count
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("status facet %v, want %v", got, want)
	}
	rec := e.get(searchapi.Prefix + "/search/tenders?procedure=limited")
	if strings.Contains(rec.Body.String(), "facets") {
		t.Errorf("facets nobody asked for: %s", rec.Body)
	}
	// A facet with no buckets is still there, empty.
	rec = e.get(searchapi.Prefix + "/search/tenders?id=nope&facets=supplier")
	if !strings.Contains(rec.Body.String(), `"facets":{"supplier":[]}`) {
		t.Errorf("an empty facet: %s", rec.Body)
	}
}

func TestHitsWithoutFacts(t *testing.T) {
	d := searchtest.Tenders(1)[0]
	d.ID, d.Facts = "with-facts", json.RawMessage(`{"ocid":"x","submitted":3}`)
	e := newEnv(t, searchapi.Config{}, nil, d)
	if raw, err := e.backend.Get(context.Background(), search.Tenders, d.ID); err != nil || !bytes.Contains(raw, []byte(`"facts"`)) {
		t.Fatalf("the backend does not keep facts (%v): the test tests nothing", err)
	}
	p := e.page(searchapi.Prefix + "/search/tenders?id=with-facts")
	if len(p.Data) != 1 || bytes.Contains(p.Data[0], []byte(`"facts"`)) || !bytes.Contains(p.Data[0], []byte(`"title"`)) {
		t.Errorf("hit %s: want the document without its facts", p.Data)
	}
}

// assertError checks ProZorro's error shape with the parameters named.
func assertError(t *testing.T, rec *httptest.ResponseRecorder, status int, names ...string) []string {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("an error without the CORS header")
	}
	var body struct {
		Status string `json:"status"`
		Errors []struct {
			Location    string `json:"location"`
			Name        string `json:"name"`
			Description any    `json:"description"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Status != "error" || len(body.Errors) == 0 {
		t.Fatalf("not ProZorro's error shape: %s", rec.Body)
	}
	var got, descs []string
	for _, e := range body.Errors {
		got = append(got, e.Name)
		descs = append(descs, fmt.Sprint(e.Description))
		if e.Description == nil || fmt.Sprint(e.Description) == "" {
			t.Errorf("%s: no description", e.Name)
		}
	}
	if names != nil && !slices.Equal(got, names) {
		t.Errorf("errors name %v, want %v: %s", got, names, rec.Body)
	}
	return descs
}

func TestErrors(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	p := searchapi.Prefix + "/search/tenders"
	assertError(t, e.get(p+"?stauts=complete&value=10&size=500"), http.StatusUnprocessableEntity, "size", "stauts", "value")
	assertError(t, e.get(p+"?from=9995&size=10"), http.StatusUnprocessableEntity, "from")
	assertError(t, e.get(p+"?from=10&search_after=abc"), http.StatusUnprocessableEntity, "search_after")
	assertError(t, e.get(searchapi.Prefix+"/search/contracts?deadline_start=2026-01-01"), http.StatusUnprocessableEntity, "deadline_start")
	assertError(t, e.get(p+"?search_after=not-a-cursor"), http.StatusBadRequest, "search_after")
	assertError(t, e.get(p+"?status=%zz"), http.StatusBadRequest, "query")
	assertError(t, e.get(searchapi.Prefix+"/search/plans"), http.StatusNotFound, "path")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, nil))
	assertError(t, rec, http.StatusMethodNotAllowed, "method")
}

// failing is a backend whose Search fails from call n on (counting from 1),
// or panics.
type failing struct {
	search.Backend
	n     int32
	calls atomic.Int32
	err   error
	panic bool
}

func (f *failing) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if f.calls.Add(1) < f.n {
		return f.Backend.Search(ctx, q)
	}
	if f.panic {
		panic("index corrupted at /var/lib/secret")
	}
	return nil, f.err
}

func TestBackendDown(t *testing.T) {
	down := errors.New("dial tcp 10.0.0.7:9200: connect: connection refused")
	e := newEnv(t, searchapi.Config{}, func(b search.Backend) search.Backend { return &failing{Backend: b, n: 1, err: down} })
	for _, path := range []string{"/search/tenders?status=complete", "/search/contracts?format=csv"} {
		rec := e.get(searchapi.Prefix + path)
		descs := assertError(t, rec, http.StatusServiceUnavailable)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", path)
		}
		if strings.Contains(rec.Body.String(), "10.0.0.7") || !strings.Contains(strings.Join(descs, " "), "unavailable") {
			t.Errorf("%s: %s, want a clear message without the cause", path, rec.Body)
		}
	}
	// A deadline is the backend's failure too.
	e = newEnv(t, searchapi.Config{}, func(b search.Backend) search.Backend {
		return &failing{Backend: b, n: 1, err: context.DeadlineExceeded}
	})
	assertError(t, e.get(searchapi.Prefix+"/search/tenders"), http.StatusServiceUnavailable)
}

func TestPanicIsHidden(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, func(b search.Backend) search.Backend { return &failing{Backend: b, n: 1, panic: true} })
	rec := e.get(searchapi.Prefix + "/search/tenders")
	assertError(t, rec, http.StatusInternalServerError)
	if strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("the panic reached the client: %s", rec.Body)
	}
}

// TestMount: the server takes its subtree of a ServeMux and leaves the rest
// to the tender API, as cmd/prozorro mounts it.
func TestMount(t *testing.T) {
	e := newEnv(t, searchapi.Config{}, nil)
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	mux.Handle(searchapi.Path, e.h)
	for path, want := range map[string]int{
		searchapi.Prefix + "/search/tenders?size=1":   http.StatusOK,
		searchapi.Prefix + "/search/contracts?size=1": http.StatusOK,
		searchapi.Prefix + "/tenders":                 http.StatusTeapot,
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}
