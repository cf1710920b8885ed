package portal

// BenchmarkPortalRender measures how long the portal takes to answer its
// pages on a store of PROZORRO_BENCH_PORTAL_TENDERS (100,000) tenders: the
// search page (a mix of no filter, words, filters, facet links, a deep page
// by offset and by cursor, contracts) and the tender page (tenders with
// awards and without), plus the organisation and risk-queue pages. One
// client at a time over a real HTTP connection (httptest.Server and
// http.Client in this process), timed from the request until the body is
// read. README.md, "Portal page render times", has the numbers.
//
//	make bench BENCH=Portal PKGS=./search/portal/ BENCHFLAGS='-benchtime=1x -timeout 60m'
//
// The data: tender/seed makes PROZORRO_BENCH_PORTAL_DISTINCT tenders
// through their whole procedure in an in-memory store (so they have real
// revision histories, which the tender page's timeline reads); clones of
// them, with fresh ids and tenderIDs and every date moved on by whole seeded
// spans (as search/bench_test.go makes them), fill it up to the full size.
// The red-flag statistics are computed once from every tender's facts, as
// the indexer's statistics job computes them from the index, so the index
// gets flags consistent with them in one pass. Two sub-benchmarks index the
// store and time the pages: elastic-N on Elasticsearch (PROZORRO_TEST_ES_URL,
// which make bench sets; skipped without it) and bleve-N on the embedded
// index on disk. Tender pages are read from the seeded tenders, whose
// histories are real; a clone's history is one revision.
//
// Knobs (environment), defaults in brackets:
//
//	PROZORRO_BENCH_PORTAL_TENDERS [100000]  tenders in the store and the index
//	PROZORRO_BENCH_PORTAL_DISTINCT [2000]   tenders tender/seed makes; the rest are clones
//	PROZORRO_BENCH_PORTAL_ITERS [20]        timed rounds over the mix of pages
//	PROZORRO_BENCH_PORTAL_STATS [1]         0: no red-flag statistics (the flags that need them stay off)

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/search/elastic"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/seed"
)

func renderEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return v
	}
	return def
}

var (
	renderTenders  = renderEnvInt("PROZORRO_BENCH_PORTAL_TENDERS", 100_000)
	renderDistinct = renderEnvInt("PROZORRO_BENCH_PORTAL_DISTINCT", 2_000)
	renderIters    = renderEnvInt("PROZORRO_BENCH_PORTAL_ITERS", 20)
	renderStats    = renderEnvInt("PROZORRO_BENCH_PORTAL_STATS", 1) != 0
)

// renderSeedFrom is when the first seeded tender starts; tender/seed spaces
// tenders 37 minutes apart, and the clones follow on by whole spans.
var renderSeedFrom = time.Date(2019, 6, 3, 6, 0, 0, 0, time.UTC)

const renderSeedStep = 37 * time.Minute

// renderData is the store and the red-flag statistics over it, built
// once for every backend.
type renderData struct {
	store  *memory.Store
	seeded []*tender.Tender // public views of the seeded tenders
	tids   []string         // tenderIDs of every tender
	stats  []byte           // flags.Stats as JSON
	at     time.Time
}

var (
	renderOnce sync.Once
	renderSet  *renderData
	renderErr  error
)

// renderOCDS is the portal's and the indexer's OCDS configuration.
var renderOCDS = ocds.Config{Prefix: "ocds-be6bcu"}

func renderDataset(b *testing.B) *renderData {
	b.Helper()
	renderOnce.Do(func() { renderSet, renderErr = renderBuild(b) })
	if renderErr != nil {
		b.Fatal(renderErr)
	}
	return renderSet
}

// renderBuild fills the store and computes the statistics.
func renderBuild(b *testing.B) (*renderData, error) {
	ctx := context.Background()
	st := memory.New()
	st.Now = func() time.Time { return renderSeedFrom } // bids commit before every tender period ends

	// Two generators on the two halves of the time line: the machine has two cores.
	start := time.Now()
	distinct := max(min(renderDistinct, renderTenders), 2)
	half := distinct / 2
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for g, n := range []int{half, distinct - half} {
		wg.Go(func() {
			_, errs[g] = seed.Run(ctx, st, n, 7+uint64(g), renderSeedFrom.Add(time.Duration(g*half)*renderSeedStep))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	st.Now = nil
	d := &renderData{store: st}
	var all []*tender.Tender
	for cur := ""; ; {
		page, err := st.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			break
		}
		all = append(all, page.Items...)
		cur = page.Next
	}
	for _, t := range all {
		d.tids = append(d.tids, t.TenderID)
		d.seeded = append(d.seeded, t.View(tender.RolePublic, ""))
	}
	b.Logf("data: tender/seed made %d tenders in %v", len(all), time.Since(start).Round(time.Second))

	// Clones, in the seeded tenders' time order, moved on by whole spans.
	start = time.Now()
	slices.SortFunc(all, func(x, y *tender.Tender) int { return x.DateCreated.Compare(y.DateCreated) })
	span := time.Duration(distinct) * renderSeedStep
	for k := distinct; k < renderTenders; k++ {
		t, err := st.Get(ctx, all[k%distinct].ID)
		if err != nil {
			return nil, err
		}
		renderShift(reflect.ValueOf(t).Elem(), time.Duration(k/distinct)*span)
		t.ID = tender.NewID()
		t.TenderID = fmt.Sprintf("UA-%s-%06d-b", t.DateCreated.UTC().Format("2006-01-02"), k+1)
		t.Revision, t.Seq, t.BidCommits = 0, 0, nil
		if err := st.Insert(ctx, t, tender.Revision{Author: "bench", Date: t.DateModified, Changes: []byte(`[]`)}); err != nil {
			return nil, err
		}
		d.tids = append(d.tids, t.TenderID)
	}
	b.Logf("data: %d clones in %v", renderTenders-distinct, time.Since(start).Round(time.Second))

	// The dataset statistics the indexer's statistics job would compute
	// from the index, computed here from the same facts so that the
	// indexes get flags consistent with them in one pass.
	start = time.Now()
	if !renderStats {
		return d, nil
	}
	settings := flags.DefaultSettings()
	bare := search.NewRisk(settings, nil)
	var facts []flags.Facts
	for cur := ""; ; {
		page, err := st.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			break
		}
		for _, t := range page.Items {
			rel, ok := ocds.Current(t, renderOCDS)
			if !ok {
				continue
			}
			a, err := bare.Assess(ctx, &rel)
			if err != nil {
				return nil, err
			}
			facts = append(facts, a.Facts)
		}
		cur = page.Next
	}
	raw, err := json.Marshal(flags.ComputeStats(facts, settings))
	if err != nil {
		return nil, err
	}
	d.stats, d.at = raw, time.Now().UTC()
	b.Logf("data: red-flag statistics over %d processes in %v", len(facts), time.Since(start).Round(time.Second))
	return d, nil
}

// renderSite is the portal over one backend.
type renderSite struct {
	*renderData
	srv     *httptest.Server
	backend string // what serves the search, for the log
	timed   *renderTimed
}

// renderTimed adds up the time the portal waits for the search backend, so
// a page's time splits into the backend's and the portal's own (reading
// the tender, red flags, building and rendering the page, HTTP). Pages are
// fetched one at a time, so the sums belong to the page in flight.
type renderTimed struct {
	search.Backend
	nanos, calls, first atomic.Int64 // first: the page's first search, its main one
}

func (r *renderTimed) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	start := time.Now()
	res, err := r.Backend.Search(ctx, q)
	took := int64(time.Since(start))
	r.nanos.Add(took)
	if r.calls.Add(1) == 1 {
		r.first.Store(took)
	}
	return res, err
}

// take returns and resets the sums: the time in every search, in the
// first one, and how many there were.
func (r *renderTimed) take() (all, first time.Duration, calls int64) {
	return time.Duration(r.nanos.Swap(0)), time.Duration(r.first.Swap(0)), r.calls.Swap(0)
}

// renderIndex indexes the dataset into be, with red flags under the
// statistics, and starts the portal over it.
func renderIndex(b *testing.B, d *renderData, be search.Backend, name string) *renderSite {
	b.Helper()
	ctx := context.Background()
	state := search.NewMemoryState()
	if d.stats != nil {
		if err := state.SetStats(ctx, d.stats, d.at); err != nil {
			b.Fatal(err)
		}
	}
	risk := search.NewRisk(flags.DefaultSettings(), state)
	svc := &tender.Service{Store: d.store, Calendar: tender.DefaultCalendar(), Now: time.Now}
	ix := &search.Indexer{Feed: svc, Backend: be, State: state, Risk: risk, OCDS: renderOCDS, StatsEvery: -1, PageSize: 500,
		Log: slog.New(slog.DiscardHandler)}
	start := time.Now()
	n, err := ix.Reindex(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != renderTenders {
		b.Fatalf("indexed %d tenders, want %d", n, renderTenders)
	}
	if err := be.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("index: %d tenders into %s in %v (%.0f tenders/s, documents and red flags included)", n, name, took.Round(time.Second), float64(n)/took.Seconds())
	site := &renderSite{renderData: d, backend: name, timed: &renderTimed{Backend: be}}
	site.srv = httptest.NewServer(New(Config{Search: site.timed, Tenders: svc, Risk: risk, OCDS: renderOCDS}))
	b.Cleanup(site.srv.Close)
	return site
}

var renderTimeType = reflect.TypeFor[time.Time]()

// renderShift adds d to every non-zero time.Time reachable from v through
// exported fields, pointers, slices and arrays.
func renderShift(v reflect.Value, d time.Duration) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == renderTimeType {
			if t := v.Interface().(time.Time); v.CanSet() && !t.IsZero() {
				v.Set(reflect.ValueOf(t.Add(d)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				renderShift(v.Field(i), d)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			renderShift(v.Elem(), d)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			renderShift(v.Index(i), d)
		}
	}
}

// renderShape is one kind of page: its URL for the i-th round, and a string
// the answer must hold, so an error or empty page is never timed as a page.
type renderShape struct {
	page, name string
	url        func(i int) string
	must       string
}

var (
	renderWords   = []string{"ремонт", "коробки", "продукція", "енергія", "устаткування", "хлібопродукти", "автомобілі", "овочі", "прибирання", "послуги"}
	renderPhrases = []string{"капітальний ремонт", "легкові автомобілі", "послуги з прибирання", "фармацевтична продукція", "офісне устаткування"}
	renderRegions = []string{"01", "79", "61", "65", "49"}
	renderCPV     = []string{"44", "33", "09", "45", "30", "15", "72", "34", "03", "90"}
)

func renderPick[T any](list []T, i int) T { return list[i%len(list)] }

// renderShapes is the mix; deep is a search_after page link taken from the
// page at the end of the offset window.
func renderShapes(site *renderSite, deep string) []renderShape {
	var awarded, other []*tender.Tender
	for _, t := range site.seeded {
		if len(t.Awards) > 0 {
			awarded = append(awarded, t)
		} else {
			other = append(other, t)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(awarded), func(i, j int) { awarded[i], awarded[j] = awarded[j], awarded[i] })
	r.Shuffle(len(other), func(i, j int) { other[i], other[j] = other[j], other[i] })
	const results = `id="results"`
	shapes := []renderShape{
		{"search", "no filter", func(int) string { return "/search" }, results},
		{"search", "words", func(i int) string { return "/search?query=" + url.QueryEscape(renderPick(renderWords, i)) }, results},
		{"search", "phrase, by value", func(i int) string {
			return "/search?query=" + url.QueryEscape(renderPick(renderPhrases, i)) + "&sort=value&order=asc"
		}, results},
		{"search", "tenderID", func(i int) string { return "/search?query=" + renderPick(site.tids, i*7919) }, results},
		{"search", "filters", func(i int) string {
			return "/search?status=complete&region=" + renderPick(renderRegions, i) + "&value_min=50000&value_max=150000"
		}, results},
		{"search", "facet links", func(i int) string {
			return "/search?proc_type=belowThreshold&cpv_like=" + renderPick(renderCPV, i) + "&flag=R003&lang=en"
		}, results},
		{"search", "buyer, year", func(i int) string {
			y := 2019 + i%7
			return fmt.Sprintf("/search?edrpou=%08d&date_start=%d-01-01&date_end=%d-12-31&sort=dateModified", 10000000+i%97, y, y)
		}, `id="search-total"`},
		{"search", "deep page (from)", func(i int) string {
			return "/search?from=" + strconv.Itoa(min(search.MaxWindow, renderTenders)-searchPageSize*(1+i%5))
		}, results},
		{"search", "deep page (cursor)", func(int) string { return deep }, results},
		{"search", "contracts", func(int) string { return "/search?index=contracts" }, results},
		{"search", "contracts, supplier", func(i int) string {
			return fmt.Sprintf("/search?index=contracts&supplier=%08d&contract_status=active&sort=value", 30000000+i%211)
		}, results},
		{"tender", "with award", func(i int) string { return "/tenders/" + renderPick(awarded, i).ID }, `id="tender"`},
		{"tender", "without award", func(i int) string { return "/tenders/" + renderPick(other, i).ID }, `id="tender"`},
		{"tender", "with award, English", func(i int) string { return "/tenders/" + renderPick(awarded, i+7).ID + "?lang=en" }, `id="tender"`},
		{"organisation", "buyer", func(i int) string { return fmt.Sprintf("/organisations/%08d", 10000000+i%97) }, `id="org-name"`},
		{"organisation", "supplier", func(i int) string { return fmt.Sprintf("/organisations/%08d", 30000000+i%211) }, `id="org-name"`},
		{"risks", "queue", func(int) string { return "/risks" }, results},
		{"risks", "by flag", func(i int) string { return "/risks?flag=" + renderPick([]string{"R018", "R003", "R058"}, i) }, results},
	}
	if deep == "" {
		shapes = slices.DeleteFunc(shapes, func(s renderShape) bool { return s.name == "deep page (cursor)" })
	}
	return shapes
}

var renderNextRE = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

// renderGet fetches path and returns the time to the last byte and the body.
func renderGet(b *testing.B, c *http.Client, base, path, must string) (time.Duration, []byte) {
	start := time.Now()
	resp, err := c.Get(base + path)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), must) {
		b.Fatalf("GET %s: HTTP %d without %q:\n%.2000s", path, resp.StatusCode, must, body)
	}
	return took, body
}

func renderQuantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, max(0, int(math.Ceil(q*float64(len(s))))-1))]
}

func renderMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// renderSettle waits, for three minutes at most, until the machine's load
// average drops under 1.5: Elasticsearch merges segments for a while after
// a bulk load, and other sessions share the machine.
func renderSettle(b *testing.B) {
	start := time.Now()
	for time.Since(start) < 3*time.Minute {
		if l, err := strconv.ParseFloat(renderLoad(), 64); err != nil || l < 1.5 {
			break
		}
		time.Sleep(5 * time.Second)
	}
	b.Logf("waited %v for the load to settle: load average %s", time.Since(start).Round(time.Second), renderLoad())
}

// renderLoad is the machine's 1-minute load average, for the log.
func renderLoad() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// BenchmarkPortalRender: see the top of the file.
func BenchmarkPortalRender(b *testing.B) {
	b.Run(fmt.Sprintf("elastic-%d", renderTenders), func(b *testing.B) {
		es := os.Getenv("PROZORRO_TEST_ES_URL")
		if es == "" {
			b.Skip("PROZORRO_TEST_ES_URL is not set (make bench starts Elasticsearch and sets it)")
		}
		d := renderDataset(b)
		ctx := context.Background()
		eb, err := elastic.New(ctx, elastic.Config{URL: es, Prefix: fmt.Sprintf("bench-portal-%d", renderTenders)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = eb.Close() })
		v, dist, _ := eb.Info(ctx)
		renderMeasure(b, renderIndex(b, d, eb, fmt.Sprintf("%s %s (one node, one shard)", dist, v)))
	})
	b.Run(fmt.Sprintf("bleve-%d", renderTenders), func(b *testing.B) {
		d := renderDataset(b)
		bb, err := bleve.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = bb.Close() })
		renderMeasure(b, renderIndex(b, d, bb, "the embedded bleve index on disk"))
	})
}

// renderMeasure times the mix of pages on site.
func renderMeasure(b *testing.B, site *renderSite) {
	c := &http.Client{Timeout: time.Minute}
	renderSettle(b)

	// The cursor page: the "next" link of the last page the offset window
	// reaches (with fewer tenders than the window, there is none).
	deep := ""
	if renderTenders > search.MaxWindow+searchPageSize {
		_, body := renderGet(b, c, site.srv.URL, "/search?from="+strconv.Itoa(search.MaxWindow-searchPageSize), `rel="next"`)
		m := renderNextRE.FindSubmatch(body)
		if m == nil || !strings.Contains(string(m[1]), "search_after") {
			b.Fatalf("the page at the end of the offset window has no cursor link: %q", m)
		}
		deep = html.UnescapeString(string(m[1]))
	}
	shapes := renderShapes(site, deep)

	for i, s := range shapes { // warm-up
		renderGet(b, c, site.srv.URL, s.url(i), s.must)
	}
	byPage := map[string][]time.Duration{}
	byShape := make([][]time.Duration, len(shapes))
	inBackend := make([][]time.Duration, len(shapes))
	inFirst := make([][]time.Duration, len(shapes))
	inPortal := make([][]time.Duration, len(shapes))
	sizes := make([]int, len(shapes))
	searches := make([]int64, len(shapes))
	load0 := renderLoad()
	for b.Loop() {
		for it := range renderIters {
			for k, s := range shapes {
				site.timed.take()
				took, body := renderGet(b, c, site.srv.URL, s.url(it*len(shapes)+k), s.must)
				be, first, calls := site.timed.take()
				byPage[s.page] = append(byPage[s.page], took)
				byShape[k] = append(byShape[k], took)
				inBackend[k] = append(inBackend[k], be)
				inFirst[k] = append(inFirst[k], first)
				inPortal[k] = append(inPortal[k], took-be)
				sizes[k] += len(body)
				searches[k] += calls
			}
		}
	}
	for _, p := range []string{"search", "tender", "organisation", "risks"} {
		b.ReportMetric(renderMS(renderQuantile(byPage[p], .5)), p+"-p50-ms")
		b.ReportMetric(renderMS(renderQuantile(byPage[p], .95)), p+"-p95-ms")
		b.ReportMetric(renderMS(renderQuantile(byPage[p], 1)), p+"-max-ms")
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "%d tenders, %s, GOMAXPROCS %d, %s, load average %s before and %s after;\n"+
		"per page: p50 p95 max ms | p50 ms waiting for the backend (all searches, the first), p50 ms the rest | searches a page, mean KB\n",
		renderTenders, site.backend, runtime.GOMAXPROCS(0), runtime.Version(), load0, renderLoad())
	for k, s := range shapes {
		n := max(len(byShape[k]), 1)
		fmt.Fprintf(&tab, "  %-12s %-22s %8.1f %8.1f %8.1f | %8.1f %8.1f %8.1f | %4.1f %6.0f\n", s.page, s.name, renderMS(renderQuantile(byShape[k], .5)),
			renderMS(renderQuantile(byShape[k], .95)), renderMS(renderQuantile(byShape[k], 1)),
			renderMS(renderQuantile(inBackend[k], .5)), renderMS(renderQuantile(inFirst[k], .5)), renderMS(renderQuantile(inPortal[k], .5)),
			float64(searches[k])/float64(n), float64(sizes[k])/float64(n)/1024)
	}
	for _, p := range []string{"search", "tender", "organisation", "risks"} {
		fmt.Fprintf(&tab, "  %-12s %-22s %8.1f %8.1f %8.1f   (%d pages)\n", p, "all", renderMS(renderQuantile(byPage[p], .5)),
			renderMS(renderQuantile(byPage[p], .95)), renderMS(renderQuantile(byPage[p], 1)), len(byPage[p]))
	}
	b.Log(tab.String())
}
