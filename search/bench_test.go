package search_test

// Benchmarks of the search stack at ProZorro's scale, against the servers
// `make bench` starts (.ci/test-servers.sh: Elasticsearch 7.10.2 and FerretDB
// on PostgreSQL). They report custom metrics and log tables; nothing here
// asserts on time. README.md, "Search and red flags", has the numbers.
//
//	make bench BENCH=Search PKGS=./search/ BENCHFLAGS='-benchtime=1x -timeout 90m -v'
//
// (-v shows the logged tables, which go test otherwise cuts short.)
//
// BenchmarkSearchIndex   Indexer.Reindex throughput from a tender store into Elasticsearch,
//                        with the time split between feed reads, documents+red flags, bulk writes
// BenchmarkSearchStats   the red-flag statistics job (RecomputeStats) after a first pass
// BenchmarkSearchQuery   p50/p95 of a mix of full-text, filtered and faceted queries on
//                        Elasticsearch at full size and on the embedded bleve backend
// BenchmarkSearchLag     commit-to-searchable lag with an indexer running under a steady write load
// BenchmarkSearchFlags   the `prozorro flags` pipeline over a JSON Lines file of compiled releases
//
// The dataset: tender/seed makes PROZORRO_BENCH_DISTINCT tenders through
// their whole procedure (cached as JSON Lines under .tmp/bench-search, so a
// rerun skips it), and clones of them, with fresh ids, tenderIDs and every
// date moved on by whole seeded spans, fill an in-memory store up to
// PROZORRO_BENCH_TENDERS. The FerretDB store gets the first
// PROZORRO_BENCH_FERRETDB_TENDERS of them through Store.Insert, into a
// database named after that size, reused when it already holds them (a
// server kept up with `make test-servers`).
//
// Knobs (environment), defaults in brackets:
//
//	PROZORRO_BENCH_TENDERS [100000]          tenders in the in-memory store and the full-size index
//	PROZORRO_BENCH_DISTINCT [20000]          tenders tender/seed makes; the rest are clones
//	PROZORRO_BENCH_FERRETDB_TENDERS [2000]   tenders copied into FerretDB (its feed reads scan the whole collection)
//	PROZORRO_BENCH_BLEVE_TENDERS [20000]     tenders in the bleve index of the query mix
//	PROZORRO_BENCH_STATS_TENDERS [10000]     tenders in the index of the statistics job
//	PROZORRO_BENCH_QUERY_ITERS [40]          timed runs of each query shape
//	PROZORRO_BENCH_PAGE_SIZE [100]           the indexers' feed page size (config.yaml's default)
//	PROZORRO_BENCH_LAG_SECONDS [60]          length of the write load
//	PROZORRO_BENCH_LAG_RATE [20]             changes per second
//	PROZORRO_BENCH_CACHE [<repo>/.tmp/bench-search]  seed cache directory; "off" disables it
//	PROZORRO_BENCH_CPUPROFILE [unset]        write a CPU profile of the full-size reindex there

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/search/elastic"
	searchmongo "github.com/prozorro-go/prozorro/search/mongodb"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/seed"
)

// ---------------------------------------------------------------- knobs

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

var (
	benchTenders  = envInt("PROZORRO_BENCH_TENDERS", 100_000)
	benchDistinct = envInt("PROZORRO_BENCH_DISTINCT", 20_000)
	benchFerret   = envInt("PROZORRO_BENCH_FERRETDB_TENDERS", 2_000)
	benchBleve    = envInt("PROZORRO_BENCH_BLEVE_TENDERS", 20_000)
	benchIters    = envInt("PROZORRO_BENCH_QUERY_ITERS", 40)
	benchStats    = envInt("PROZORRO_BENCH_STATS_TENDERS", 10_000)
	benchPage     = envInt("PROZORRO_BENCH_PAGE_SIZE", 100) // config.yaml's search.page_size
	benchLagFor   = time.Duration(envInt("PROZORRO_BENCH_LAG_SECONDS", 60)) * time.Second
	benchLagRate  = envInt("PROZORRO_BENCH_LAG_RATE", 20)
)

// seedFrom is when the first seeded tender starts; tender/seed spaces
// tenders 37 minutes apart, so 100,000 of them reach 2026.
var seedFrom = time.Date(2019, 6, 3, 6, 0, 0, 0, time.UTC)

const seedStep = 37 * time.Minute

func esURL(b *testing.B) string {
	u := os.Getenv("PROZORRO_TEST_ES_URL")
	if u == "" {
		b.Skip("PROZORRO_TEST_ES_URL is not set (make bench starts Elasticsearch and sets it)")
	}
	return u
}

func mongoURI(b *testing.B) string {
	u := os.Getenv("PROZORRO_TEST_MONGO_URI")
	if u == "" {
		b.Skip("PROZORRO_TEST_MONGO_URI is not set (make bench starts FerretDB and sets it)")
	}
	return u
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// ---------------------------------------------------------------- dataset

// dataset is the in-memory store of benchTenders tenders, in feed order.
type dataset struct {
	store *memory.Store
	ids   []string
	tids  []string // tenderIDs
}

var (
	dataOnce sync.Once
	data     *dataset
	dataErr  error
)

func loadDataset(b *testing.B) *dataset {
	dataOnce.Do(func() { data, dataErr = buildDataset(b) })
	if dataErr != nil {
		b.Fatal(dataErr)
	}
	return data
}

func cacheDir() string {
	switch d := os.Getenv("PROZORRO_BENCH_CACHE"); d {
	case "off":
		return ""
	case "":
		return filepath.Join("..", ".tmp", "bench-search") // the test runs in search/
	default:
		return d
	}
}

// seeded returns benchDistinct tenders made by tender/seed, as their stored
// JSON, from the cache when it has them.
func seeded(b *testing.B) ([][]byte, error) {
	dir := cacheDir()
	file := ""
	if dir != "" {
		file = filepath.Join(dir, fmt.Sprintf("seed-%d-%s.jsonl", benchDistinct, seedFrom.Format("20060102")))
		if lines, err := readLines(file); err == nil && len(lines) == benchDistinct {
			b.Logf("dataset: %d seeded tenders from the cache %s", len(lines), file)
			return lines, nil
		}
	}
	ctx := context.Background()
	st := memory.New()
	st.Now = func() time.Time { return seedFrom } // bids commit before every tender period ends
	// Two generators on the two halves of the time line: the machine has two cores.
	start := time.Now()
	half := benchDistinct / 2
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for g, n := range []int{half, benchDistinct - half} {
		wg.Go(func() {
			_, errs[g] = seed.Run(ctx, st, n, 7+uint64(g), seedFrom.Add(time.Duration(g*half)*seedStep))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	took := time.Since(start)
	b.Logf("dataset: tender/seed made %d tenders in %v (%.0f tenders/s)", benchDistinct, took.Round(time.Second), float64(benchDistinct)/took.Seconds())
	var lines [][]byte
	for _, t := range feedAll(b, st) {
		raw, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		lines = append(lines, raw)
	}
	if len(lines) != benchDistinct {
		return nil, fmt.Errorf("the seeded store's feed has %d tenders, want %d", len(lines), benchDistinct)
	}
	// In time order, so that the clones' dates follow on.
	slices.SortStableFunc(lines, func(x, y []byte) int { return strings.Compare(dateOf(x), dateOf(y)) })
	if file != "" {
		if err := writeLines(file, lines); err != nil {
			b.Logf("dataset: not cached: %v", err)
		}
	}
	return lines, nil
}

func dateOf(raw []byte) string {
	var v struct {
		DateCreated time.Time `json:"dateCreated"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.DateCreated.UTC().Format(time.RFC3339Nano)
}

func readLines(file string) ([][]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		out = append(out, slices.Clone(sc.Bytes()))
	}
	return out, sc.Err()
}

func writeLines(file string, lines [][]byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.Write(l)
		w.WriteByte('\n')
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// buildDataset fills an in-memory store with benchTenders tenders: the
// seeded ones, then clones moved on in time.
func buildDataset(b *testing.B) (*dataset, error) {
	lines, err := seeded(b)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ctx := context.Background()
	d := &dataset{store: memory.New(), ids: make([]string, 0, benchTenders), tids: make([]string, 0, benchTenders)}
	span := time.Duration(len(lines)) * seedStep
	for k := range benchTenders {
		var t tender.Tender
		if err := json.Unmarshal(lines[k%len(lines)], &t); err != nil {
			return nil, err
		}
		clone(&t, k, time.Duration(k/len(lines))*span)
		if err := d.store.Insert(ctx, &t, tender.Revision{Author: "bench", Date: t.DateModified, Changes: json.RawMessage(`[]`)}); err != nil {
			return nil, err
		}
		d.ids = append(d.ids, t.ID)
		d.tids = append(d.tids, t.TenderID)
	}
	b.Logf("dataset: %d tenders in the in-memory store (%d seeded, the rest clones) in %v", benchTenders, len(lines), time.Since(start).Round(time.Second))
	return d, nil
}

// clone makes t the k-th tender of the dataset: a fresh id and tenderID, and
// every date moved by shift.
func clone(t *tender.Tender, k int, shift time.Duration) {
	if shift != 0 {
		shiftTimes(reflect.ValueOf(t).Elem(), shift)
	}
	t.ID = tender.NewID()
	t.TenderID = fmt.Sprintf("UA-%s-%06d-a", t.DateCreated.UTC().Format("2006-01-02"), k+1)
}

var timeType = reflect.TypeFor[time.Time]()

// shiftTimes adds d to every time.Time reachable from v through exported
// fields, pointers, slices and arrays.
func shiftTimes(v reflect.Value, d time.Duration) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				if t := v.Interface().(time.Time); !t.IsZero() {
					v.Set(reflect.ValueOf(t.Add(d)))
				}
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				shiftTimes(v.Field(i), d)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			shiftTimes(v.Elem(), d)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			shiftTimes(v.Index(i), d)
		}
	}
}

func feedAll(b *testing.B, f search.Feed) []*tender.Tender {
	var out []*tender.Tender
	cur := ""
	for {
		page, err := f.Feed(context.Background(), tender.FeedQuery{Offset: cur, Limit: 1000})
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) == 0 {
			return out
		}
		out = append(out, page.Items...)
		cur = page.Next
	}
}

// ferretStore returns the FerretDB store holding the first benchFerret
// tenders of the dataset, copying them with Store.Insert unless the
// database already has them.
func ferretStore(b *testing.B) (*mongodb.Store, []string) {
	uri := mongoURI(b)
	ctx := context.Background()
	st, err := mongodb.Open(ctx, uri, fmt.Sprintf("bench_search_%d", benchFerret))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close(context.Background()) })
	coll := st.Database().Collection("tenders")
	have, err := coll.CountDocuments(ctx, bson.M{})
	if err != nil {
		b.Fatal(err)
	}
	if have == int64(benchFerret) {
		var ids []string
		for _, t := range feedAll(b, st) {
			ids = append(ids, t.ID)
		}
		b.Logf("ferretdb: reusing %d tenders in %s", len(ids), st.Database().Name())
		return st, ids
	}
	if err := st.Database().Drop(ctx); err != nil {
		b.Fatal(err)
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	d := loadDataset(b)
	ids := d.ids[:min(benchFerret, len(d.ids))]
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var insertErr error
	var mu sync.Mutex
	for range 2 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				t, err := d.store.Get(ctx, ids[i])
				if err == nil {
					err = st.Insert(ctx, t, tender.Revision{Author: "bench", Date: t.DateModified, Changes: json.RawMessage(`[]`)})
				}
				if err != nil {
					mu.Lock()
					insertErr = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if insertErr != nil {
		b.Fatal(insertErr)
	}
	took := time.Since(start)
	b.Logf("ferretdb: copied %d tenders with Store.Insert (2 writers) in %v: %.1f tenders/s", len(ids), took.Round(time.Second), float64(len(ids))/took.Seconds())
	return st, ids
}

// ---------------------------------------------------------------- indexer parts

func newRisk(st search.State) *search.Risk { return search.NewRisk(flags.DefaultSettings(), st) }

func openES(b *testing.B, prefix string) *elastic.Backend {
	be, err := elastic.New(context.Background(), elastic.Config{URL: esURL(b), Prefix: prefix, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = be.Close() })
	return be
}

// timedFeed and timedBackend add up the time spent reading the feed and
// writing to the backend, so a pass splits into feed, build (documents and
// red flags) and bulk writes; they are sequential in Reindex.
type timedFeed struct {
	feed  search.Feed
	took  time.Duration
	pages int
}

func (f *timedFeed) Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error) {
	start := time.Now()
	p, err := f.feed.Feed(ctx, q)
	f.took += time.Since(start)
	f.pages++
	return p, err
}

type timedBackend struct {
	search.Backend
	put, commit time.Duration
	docs        int
}

func (t *timedBackend) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	start := time.Now()
	err := t.Backend.Put(ctx, idx, docs)
	t.put += time.Since(start)
	t.docs += len(docs)
	return err
}

func (t *timedBackend) Rebuild(ctx context.Context) (search.Rebuild, error) {
	r, err := t.Backend.Rebuild(ctx)
	if err != nil {
		return nil, err
	}
	return &timedRebuild{Rebuild: r, b: t}, nil
}

type timedRebuild struct {
	search.Rebuild
	b *timedBackend
}

func (r *timedRebuild) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	start := time.Now()
	err := r.Rebuild.Put(ctx, idx, docs)
	r.b.put += time.Since(start)
	r.b.docs += len(docs)
	return err
}

func (r *timedRebuild) Commit(ctx context.Context) error {
	start := time.Now()
	err := r.Rebuild.Commit(ctx)
	r.b.commit += time.Since(start)
	return err
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reindex runs one full Reindex of feed into be and reports its rate and
// where the time went.
func reindex(b *testing.B, feed search.Feed, be search.Backend, state search.State, profile string) int {
	ctx := context.Background()
	tf := &timedFeed{feed: feed}
	tb := &timedBackend{Backend: be}
	ix := &search.Indexer{Feed: tf, Backend: tb, State: state, Risk: newRisk(state), Log: quiet(), StatsEvery: -1, PageSize: benchPage}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Logf("no CPU profile: %v", err)
			profile = ""
		}
		defer func() {
			if profile != "" {
				pprof.StopCPUProfile()
				f.Close()
				b.Logf("CPU profile of the reindex in %s", profile)
			}
		}()
	}
	cpu0 := cpuTime()
	start := time.Now()
	n, err := ix.Reindex(ctx)
	took := time.Since(start)
	cpu := cpuTime() - cpu0
	if err != nil {
		b.Fatal(err)
	}
	build := took - tf.took - tb.put - tb.commit
	b.ReportMetric(float64(n)/took.Seconds(), "tenders/s")
	b.ReportMetric(took.Seconds(), "pass-s")
	b.ReportMetric(tf.took.Seconds(), "feed-s")
	b.ReportMetric(build.Seconds(), "build+flags-s")
	b.ReportMetric(tb.put.Seconds(), "bulk-s")
	b.ReportMetric(tb.commit.Seconds(), "commit-s")
	b.ReportMetric(cpu.Seconds(), "go-cpu-s")
	b.Logf("reindex: %d tenders (%d documents with the contracts) in %v = %.0f tenders/s; feed %d pages of %d %v (%.0f%%, %.1f ms/page), "+
		"documents+red flags %v (%.0f%%), bulk writes %v (%.0f%%), refresh+alias swap %v; this process used %v of CPU",
		n, tb.docs, took.Round(time.Millisecond), float64(n)/took.Seconds(), tf.pages, benchPage, tf.took.Round(time.Millisecond), pct(tf.took, took),
		float64(tf.took.Milliseconds())/float64(max(tf.pages, 1)), build.Round(time.Millisecond), pct(build, took),
		tb.put.Round(time.Millisecond), pct(tb.put, took), tb.commit.Round(time.Millisecond), cpu.Round(time.Millisecond))
	return n
}

func pct(part, whole time.Duration) float64 { return 100 * part.Seconds() / whole.Seconds() }

// fullIndexPrefix holds the full-size index that the query and lag
// benchmarks search; BenchmarkSearchIndex fills it, and the others fill it
// themselves when it is missing or short.
const fullIndexPrefix = "bench-search"

var fullIndexMu sync.Mutex

// fullIndex returns the backend on the full-size index, reindexing the
// dataset into it when it does not hold benchTenders tenders.
func fullIndex(b *testing.B) (*elastic.Backend, *dataset) {
	be := openES(b, fullIndexPrefix)
	d := loadDataset(b)
	fullIndexMu.Lock()
	defer fullIndexMu.Unlock()
	if total(b, be, search.Tenders) != int64(benchTenders) {
		b.Logf("filling the index %s-*", fullIndexPrefix)
		ix := &search.Indexer{Feed: d.store, Backend: be, State: search.NewMemoryState(), Log: quiet(), StatsEvery: -1}
		ix.Risk = newRisk(ix.State)
		if _, err := ix.Reindex(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	return be, d
}

func total(b *testing.B, be search.Backend, idx search.Index) int64 {
	ctx := context.Background()
	if err := be.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	r, err := be.Search(ctx, search.Query{Index: idx})
	if err != nil {
		b.Fatal(err)
	}
	return r.Total
}

// ---------------------------------------------------------------- 1. indexing

// BenchmarkSearchIndex measures Indexer.Reindex (feed pages, documents, red
// flags, bulk writes, then the alias swap) into Elasticsearch: from the
// in-memory store at full size, and from FerretDB at the size its feed
// allows.
func BenchmarkSearchIndex(b *testing.B) {
	b.Run(fmt.Sprintf("memory-%d", benchTenders), func(b *testing.B) {
		esURL(b)
		d := loadDataset(b)
		be := openES(b, fullIndexPrefix)
		fullIndexMu.Lock()
		defer fullIndexMu.Unlock()
		for b.Loop() {
			if n := reindex(b, d.store, be, search.NewMemoryState(), os.Getenv("PROZORRO_BENCH_CPUPROFILE")); n != benchTenders {
				b.Fatalf("indexed %d tenders, want %d", n, benchTenders)
			}
		}
		b.Logf("index: %d tenders, %d contracts", total(b, be, search.Tenders), total(b, be, search.Contracts))
	})
	b.Run(fmt.Sprintf("ferretdb-%d", benchFerret), func(b *testing.B) {
		esURL(b)
		st, ids := ferretStore(b)
		be := openES(b, "bench-search-ferretdb")
		state, err := searchmongo.New(context.Background(), st.Database(), "bench")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if n := reindex(b, st, be, state, ""); n != len(ids) {
				b.Fatalf("indexed %d tenders, want %d", n, len(ids))
			}
		}
	})
}

// BenchmarkSearchStats measures the red-flag statistics job
// (Indexer.RecomputeStats: read every process's facts back from the index,
// compute the dataset statistics, rewrite the documents whose flags change)
// on an index of the first PROZORRO_BENCH_STATS_TENDERS tenders, filled by
// an indexer that had no statistics yet, as after a first pass: "first" is
// the run that brings in the statistics, "again" the next one, with
// nothing left to change. Indexer.Run starts it every StatsEvery, beside
// the feed.
func BenchmarkSearchStats(b *testing.B) {
	esURL(b)
	d := loadDataset(b)
	n := min(benchStats, len(d.ids))
	be := openES(b, fmt.Sprintf("bench-search-stats-%d", n))
	for b.Loop() {
		b.StopTimer()
		state := search.NewMemoryState()
		ix := &search.Indexer{Feed: &firstN{d.store, n}, Backend: be, State: state, Risk: newRisk(state), Log: quiet(), StatsEvery: -1}
		if got, err := ix.Reindex(context.Background()); err != nil || got != n {
			b.Fatalf("indexed %d of %d: %v", got, n, err)
		}
		b.StartTimer()
		for _, run := range []string{"first", "again"} {
			start := time.Now()
			rep, err := ix.RecomputeStats(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			took := time.Since(start)
			b.ReportMetric(took.Seconds(), run+"-s")
			b.ReportMetric(float64(rep.Changed), run+"-reflagged")
			per := ""
			if rep.Changed > 0 {
				per = fmt.Sprintf(" (%.1f ms a re-flagged process)", ms(took)/float64(rep.Changed))
			}
			b.Logf("statistics, %s run: %d processes read back, %d re-flagged, in %v%s", run, rep.Processes, rep.Changed, took.Round(time.Millisecond), per)
		}
	}
}

// firstN is the feed of a store cut after n tenders.
type firstN struct {
	f search.Feed
	n int
}

func (f *firstN) Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error) {
	seq, err := tender.ParseFeedOffset(q.Offset)
	if err != nil || q.Descending {
		return tender.FeedPage{}, errors.New("firstN: ascending feed only")
	}
	// The in-memory store numbers its feed from 1 in insertion order.
	if q.Limit = min(q.Limit, f.n-int(seq)); q.Limit <= 0 {
		return tender.FeedPage{Next: q.Offset, Prev: q.Offset}, nil
	}
	return f.f.Feed(ctx, q)
}

// ---------------------------------------------------------------- 2. queries

// shape is one kind of query: ProZorro search parameters, varied by i so
// that repeats hit other values.
type shape struct {
	class, name string
	idx         search.Index
	params      func(i int, tids []string) string
}

var (
	words   = []string{"ремонт", "коробки", "продукція", "енергія", "устаткування", "хлібопродукти", "автомобілі", "овочі", "прибирання", "послуги"}
	phrases = []string{"капітальний ремонт", "легкові автомобілі", "послуги з прибирання", "фармацевтична продукція", "офісне устаткування"}
	regions = []string{"01", "79", "61", "65", "49"}
	cpvPre  = []string{"44", "33", "09", "45", "30", "15", "72", "34", "03", "90"}
)

func pick[T any](list []T, i int) T { return list[i%len(list)] }

func year(i int) int { return 2019 + i%7 }

var shapes = []shape{
	{"text", "word", search.Tenders, func(i int, _ []string) string { return "query=" + url.QueryEscape(pick(words, i)) }},
	{"text", "phrase+sort", search.Tenders, func(i int, _ []string) string {
		return "query=" + url.QueryEscape(pick(phrases, i)) + "&sort=value&order=desc&size=20"
	}},
	{"text", "tenderID", search.Tenders, func(i int, tids []string) string {
		return "query=" + pick(tids, i*7919)
	}},
	{"filter", "status+region+value", search.Tenders, func(i int, _ []string) string {
		return "status=complete&region=" + pick(regions, i) + "&value=50000-150000&sort=date"
	}},
	{"filter", "buyer+year", search.Tenders, func(i int, _ []string) string {
		return fmt.Sprintf("edrpou=%08d&date_start=%d-01-01&date_end=%d-12-31&sort=dateModified", 10000000+i%97, year(i), year(i))
	}},
	{"filter", "supplier+cpv", search.Tenders, func(i int, _ []string) string {
		return fmt.Sprintf("supplier=%08d&cpv_like=%s&size=50", 30000000+i%211, pick(cpvPre, i))
	}},
	{"filter", "risk+bids", search.Tenders, func(i int, _ []string) string {
		return fmt.Sprintf("risk_min=0.%d&bids_min=2&sort=risk", 1+i%5)
	}},
	{"filter", "contracts:supplier", search.Contracts, func(i int, _ []string) string {
		return fmt.Sprintf("supplier=%08d&contract_status=active&sort=value", 30000000+i%211)
	}},
	{"facet", "all", search.Tenders, func(i int, _ []string) string { return "facets=all" }},
	{"facet", "text+4", search.Tenders, func(i int, _ []string) string {
		return "query=" + url.QueryEscape(pick(words, i)) + "&facets=status,region,cpv,month"
	}},
	{"facet", "region+4", search.Tenders, func(i int, _ []string) string {
		return "region=" + pick(regions, i) + "&procedure=open&facets=buyer,supplier,flag,month"
	}},
	{"facet", "contracts:year+3", search.Contracts, func(i int, _ []string) string {
		return fmt.Sprintf("status=active&signed_start=%d-01-01&signed_end=%d-12-31&facets=buyer,supplier,month", year(i), year(i))
	}},
}

func parseShape(b *testing.B, s shape, i int, tids []string) search.Query {
	v, err := url.ParseQuery(s.params(i, tids))
	if err != nil {
		b.Fatal(err)
	}
	q, _, err := search.ParseQuery(s.idx, v)
	if err != nil {
		b.Fatalf("%s %s: %v", s.class, s.name, err)
	}
	return q
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runMix runs every shape once to warm up, then benchIters times each in
// rotation, and reports p50/p95 per class and overall. tids are the
// tenderIDs the index holds.
func runMix(b *testing.B, be search.Backend, tids []string) {
	ctx := context.Background()
	for i, s := range shapes {
		if _, err := be.Search(ctx, parseShape(b, s, i, tids)); err != nil {
			b.Fatalf("%s %s: %v", s.class, s.name, err)
		}
	}
	byClass := map[string][]time.Duration{}
	byShape := make([][]time.Duration, len(shapes))
	hits := make([]int64, len(shapes))
	var all []time.Duration
	for b.Loop() {
		for it := range benchIters {
			for k, s := range shapes {
				q := parseShape(b, s, it*len(shapes)+k, tids)
				start := time.Now()
				r, err := be.Search(ctx, q)
				took := time.Since(start)
				if err != nil {
					b.Fatalf("%s %s: %v", s.class, s.name, err)
				}
				hits[k] += r.Total
				byClass[s.class] = append(byClass[s.class], took)
				byShape[k] = append(byShape[k], took)
				all = append(all, took)
			}
		}
	}
	for _, c := range []string{"text", "filter", "facet"} {
		b.ReportMetric(ms(quantile(byClass[c], .5)), c+"-p50-ms")
		b.ReportMetric(ms(quantile(byClass[c], .95)), c+"-p95-ms")
	}
	b.ReportMetric(ms(quantile(all, .5)), "all-p50-ms")
	b.ReportMetric(ms(quantile(all, .95)), "all-p95-ms")
	var tab strings.Builder
	fmt.Fprintf(&tab, "%d queries; per shape: class/name p50 p95 ms, mean hits\n", len(all))
	for k, s := range shapes {
		fmt.Fprintf(&tab, "  %-6s %-20s %8.1f %8.1f %9d\n", s.class, s.name, ms(quantile(byShape[k], .5)), ms(quantile(byShape[k], .95)), hits[k]/int64(max(len(byShape[k]), 1)))
	}
	b.Log(tab.String())
}

// BenchmarkSearchQuery measures query latency, one client at a time, for a
// mix of twelve query shapes built by search.ParseQuery from ProZorro-style
// parameters: full text (a word, a phrase sorted by value, a pasted
// tenderID), filters (status, region, value range, buyer and year,
// supplier and CPV prefix, risk and bids, contracts by supplier) and facets
// (all ten over the whole index, four with a text query, four with
// filters, three on contracts).
func BenchmarkSearchQuery(b *testing.B) {
	b.Run(fmt.Sprintf("elastic-%d", benchTenders), func(b *testing.B) {
		esURL(b)
		be, d := fullIndex(b)
		runMix(b, be, d.tids)
	})
	b.Run(fmt.Sprintf("bleve-%d", benchBleve), func(b *testing.B) {
		d := loadDataset(b)
		be, err := bleve.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer be.Close()
		ix := &search.Indexer{Feed: d.store, Backend: be, State: search.NewMemoryState(), Log: quiet(), StatsEvery: -1}
		ix.Risk = newRisk(ix.State)
		ctx := context.Background()
		start := time.Now()
		cur, n := "", 0
		for n < benchBleve {
			page, err := d.store.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: min(500, benchBleve-n)})
			if err != nil {
				b.Fatal(err)
			}
			if len(page.Items) == 0 {
				break
			}
			if err := ix.Index(ctx, be, page.Items); err != nil {
				b.Fatal(err)
			}
			n += len(page.Items)
			cur = page.Next
		}
		took := time.Since(start)
		b.Logf("bleve: indexed %d tenders on disk in %v (%.0f tenders/s, documents and red flags included)", n, took.Round(time.Second), float64(n)/took.Seconds())
		runMix(b, be, d.tids[:n])
		b.ReportMetric(float64(n)/took.Seconds(), "load-tenders/s")
	})
}

// ---------------------------------------------------------------- 3. lag

// BenchmarkSearchLag runs an indexer (Indexer.Run, default idle wait)
// against a store and Elasticsearch while a writer changes random tenders
// at a steady rate (Store.Get, a new title and dateModified, Store.Save),
// and measures for every change the time from its commit (Save returned)
// until a search by id returns the new version. One poller asks for all
// changes not yet seen every 50 ms, so the lag is known to within that.
// The rate is PROZORRO_BENCH_LAG_RATE a second; on FerretDB, which cannot
// keep up with it, also a tenth of it. The statistics job is off (see
// BenchmarkSearchStats for how long it takes).
func BenchmarkSearchLag(b *testing.B) {
	b.Run(fmt.Sprintf("memory-%d/%dper-s", benchTenders, benchLagRate), func(b *testing.B) {
		be, d := fullIndex(b)
		lag(b, d.store, be, search.NewMemoryState(), d.ids, benchLagRate)
	})
	for _, rate := range []int{benchLagRate, max(benchLagRate/10, 1)} {
		b.Run(fmt.Sprintf("ferretdb-%d/%dper-s", benchFerret, rate), func(b *testing.B) {
			esURL(b)
			st, ids := ferretStore(b)
			be := openES(b, "bench-search-ferretdb")
			if total(b, be, search.Tenders) != int64(len(ids)) {
				ix := &search.Indexer{Feed: st, Backend: be, State: search.NewMemoryState(), Log: quiet(), StatsEvery: -1}
				if _, err := ix.Reindex(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			state, err := searchmongo.New(context.Background(), st.Database(), "lag-"+randomName())
			if err != nil {
				b.Fatal(err)
			}
			lag(b, st, be, state, ids, rate)
		})
	}
}

func randomName() string {
	var x [4]byte
	_, _ = rand.Read(x[:])
	return hex.EncodeToString(x[:])
}

// pending is a change waiting to be seen in the index.
type pending struct {
	id      string
	version int64
	commit  time.Time
}

func lag(b *testing.B, store tender.Store, be search.Backend, state search.State, ids []string, rate int) {
	ctx := context.Background()
	// Start at the feed's end: the index already holds everything before.
	head, err := store.Feed(ctx, tender.FeedQuery{Descending: true, Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := state.SetCursor(ctx, search.CursorName(0, 1), head.Prev); err != nil {
		b.Fatal(err)
	}
	var lags, saves []time.Duration
	var writes, conflicts, unseen int
	var wrote time.Duration
	for b.Loop() {
		runCtx, stop := context.WithCancel(ctx)
		ix := &search.Indexer{Feed: store, Backend: be, State: state, Risk: newRisk(state), Log: quiet(), StatsEvery: -1, PageSize: benchPage}
		var wg sync.WaitGroup
		wg.Go(func() { _ = ix.Run(runCtx) })

		var mu sync.Mutex
		waiting := map[string]pending{}
		seen := make(chan struct{})
		pollDone := make(chan struct{})
		go func() { // the poller
			defer close(pollDone)
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-seen:
					return
				case <-tick.C:
				}
				mu.Lock()
				var batch []pending
				for _, p := range waiting {
					batch = append(batch, p)
				}
				mu.Unlock()
				for len(batch) > 0 {
					part := batch[:min(len(batch), search.MaxSize)]
					batch = batch[len(part):]
					got := findVersions(b, be, part)
					now := time.Now()
					mu.Lock()
					for _, p := range part {
						if v, ok := got[p.id]; ok && v >= p.version {
							if w, still := waiting[p.id]; still && v >= w.version {
								lags = append(lags, now.Sub(w.commit))
								delete(waiting, p.id)
							}
						}
					}
					mu.Unlock()
				}
			}
		}()

		// The writer: one change every 1/rate, each in its own goroutine so
		// that a slow save does not slow the rate (at most 32 at once).
		sem := make(chan struct{}, 32)
		var wwg sync.WaitGroup
		tick := time.NewTicker(time.Second / time.Duration(rate))
		start := time.Now()
		for i := 0; time.Since(start) < benchLagFor; i++ {
			<-tick.C
			id := ids[(i*7919+12345)%len(ids)]
			sem <- struct{}{}
			wwg.Go(func() {
				defer func() { <-sem }()
				t, err := store.Get(ctx, id)
				if err != nil {
					b.Error(err)
					return
				}
				t.Title = strings.TrimSuffix(t.Title, " (зміна)") + " (зміна)"
				t.DateModified = time.Now().UTC()
				s0 := time.Now()
				err = store.Save(ctx, t, tender.Revision{Author: "bench", Date: t.DateModified, Changes: json.RawMessage(`[]`)}, tender.SaveOptions{})
				commit := time.Now()
				mu.Lock()
				defer mu.Unlock()
				if tender.ErrorCode(err) == tender.CodeConflict {
					conflicts++
					return
				}
				if err != nil {
					b.Error(err)
					return
				}
				writes++
				saves = append(saves, commit.Sub(s0))
				waiting[id] = pending{id: id, version: search.Version(t.DateModified), commit: commit}
			})
		}
		tick.Stop()
		wwg.Wait()
		wrote += time.Since(start)
		// Wait for the last changes (two minutes at most).
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			mu.Lock()
			n := len(waiting)
			mu.Unlock()
			if n == 0 {
				break
			}
		}
		close(seen)
		<-pollDone
		mu.Lock()
		unseen += len(waiting)
		mu.Unlock()
		stop()
		wg.Wait()
	}
	b.ReportMetric(float64(writes)/wrote.Seconds(), "writes/s")
	b.ReportMetric(ms(quantile(lags, .5)), "lag-p50-ms")
	b.ReportMetric(ms(quantile(lags, .95)), "lag-p95-ms")
	b.ReportMetric(ms(quantile(lags, 1)), "lag-max-ms")
	b.ReportMetric(ms(quantile(saves, .5)), "save-p50-ms")
	b.ReportMetric(float64(unseen), "unseen")
	b.Logf("lag: %d changes at %.1f/s (asked %d/s, %d conflicts), save p50 %.1f ms p95 %.1f ms; commit→searchable p50 %.0f ms, p95 %.0f ms, max %.0f ms; %d never seen within 2 min",
		writes, float64(writes)/wrote.Seconds(), rate, conflicts, ms(quantile(saves, .5)), ms(quantile(saves, .95)),
		ms(quantile(lags, .5)), ms(quantile(lags, .95)), ms(quantile(lags, 1)), unseen)
}

// findVersions searches the tenders index for ids, as a client would.
func findVersions(b *testing.B, be search.Backend, ps []pending) map[string]int64 {
	v := url.Values{"size": {strconv.Itoa(len(ps))}}
	for _, p := range ps {
		v.Add("id", p.id)
	}
	q, _, err := search.ParseQuery(search.Tenders, v)
	if err != nil {
		b.Error(err)
		return nil
	}
	q.Fields = []string{"id", "version"}
	r, err := be.Search(context.Background(), q)
	if err != nil {
		b.Error(err)
		return nil
	}
	out := map[string]int64{}
	for _, h := range r.Hits {
		var d struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		}
		if json.Unmarshal(h, &d) == nil {
			out[d.ID] = d.Version
		}
	}
	return out
}

// ---------------------------------------------------------------- 4. red flags

// BenchmarkSearchFlags writes the dataset's compiled releases (ocds.Current
// of each tender, as the indexer assesses them) to a JSON Lines file and
// runs the `prozorro flags` pipeline over it: in process (read and parse
// with GOMAXPROCS workers, extract facts, dataset statistics, evaluate
// every process) and, when PROZORRO_TEST_BIN is set, the command itself
// (which also builds and prints Cardinal's report). ocds/flags'
// BenchmarkFlags does the same on generated releases of more procedure
// kinds.
func BenchmarkSearchFlags(b *testing.B) {
	d := loadDataset(b)
	file := filepath.Join(b.TempDir(), "releases.jsonl")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	cur, n := "", 0
	for {
		page, err := d.store.Feed(context.Background(), tender.FeedQuery{Offset: cur, Limit: 1000})
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) == 0 {
			break
		}
		for _, t := range page.Items {
			rel, ok := ocds.Current(t, ocds.Config{})
			if !ok {
				continue
			}
			raw, err := json.Marshal(rel)
			if err != nil {
				b.Fatal(err)
			}
			w.Write(raw)
			w.WriteByte('\n')
			n++
		}
		cur = page.Next
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	size := fi.Size()
	b.Logf("flags: %d compiled releases, %.0f MB, %.0f bytes a release", n, float64(size)/1e6, float64(size)/float64(n))

	b.Run("pipeline", func(b *testing.B) {
		s := flags.DefaultSettings()
		b.SetBytes(size)
		flagged := 0
		for b.Loop() {
			in, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			facts, err := flags.ReadFacts(in, s, runtime.GOMAXPROCS(0), nil)
			in.Close()
			if err != nil || len(facts) != n {
				b.Fatalf("%d facts of %d, %v", len(facts), n, err)
			}
			stats := flags.ComputeStats(facts, s)
			flagged = 0
			for i := range facts {
				if len(flags.Evaluate(facts[i], stats, s)) > 0 {
					flagged++
				}
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "releases/s")
		b.ReportMetric(float64(flagged), "flagged")
	})
	b.Run("command", func(b *testing.B) {
		bin := os.Getenv("PROZORRO_TEST_BIN")
		if bin == "" {
			b.Skip("PROZORRO_TEST_BIN is not set")
		}
		b.SetBytes(size)
		for b.Loop() {
			cmd := exec.Command(bin, "flags", "-no-meta", file)
			cmd.Stdout = io.Discard
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "releases/s")
	})
}
