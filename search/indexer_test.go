package search_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/seed"
)

// fixture is a seeded tender store, a backend and the indexer's parts.
type fixture struct {
	store   *memory.Store
	svc     *tender.Service
	backend search.Backend
	state   *search.MemoryState
	risk    *search.Risk
}

func newFixture(t *testing.T, tenders int) *fixture {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	if tenders > 0 {
		if _, err := seed.Run(ctx, st, tenders, 7, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b, err := bleve.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	state := search.NewMemoryState()
	return &fixture{store: st, svc: &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true},
		backend: b, state: state, risk: search.NewRisk(flags.DefaultSettings(), state)}
}

func (f *fixture) indexer(id string, partitions int) *search.Indexer {
	return &search.Indexer{Feed: f.svc, Backend: f.backend, State: f.state, Risk: f.risk, ID: id,
		// The lease must outlast a page even on a loaded machine under the
		// race detector, or partitions change hands mid-page.
		Partitions: partitions, PageSize: 7, Idle: 10 * time.Millisecond, LeaseFor: 3 * time.Second, StatsEvery: -1}
}

// drain steps every partition until the feed is exhausted.
func drain(t *testing.T, ix *search.Indexer, partitions int) int {
	t.Helper()
	total := 0
	for p := range partitions {
		for {
			n, err := ix.Step(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				if page, _ := ix.Feed.Feed(context.Background(), tender.FeedQuery{Limit: 1}); len(page.Items) == 0 {
					break
				}
				cur, _ := ix.State.Cursor(context.Background(), search.CursorName(p, partitions))
				if rest, _ := ix.Feed.Feed(context.Background(), tender.FeedQuery{Offset: cur, Limit: 1}); len(rest.Items) == 0 {
					break
				}
			}
			total += n
		}
	}
	return total
}

func count(t *testing.T, b search.Backend, q search.Query) int64 {
	t.Helper()
	_ = b.Refresh(context.Background())
	if q.Index == "" {
		q.Index = search.Tenders
	}
	r, err := b.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return r.Total
}

func publicTenders(t *testing.T, svc *tender.Service) []*tender.Tender {
	t.Helper()
	var out []*tender.Tender
	cur := ""
	for {
		page, err := svc.Feed(context.Background(), tender.FeedQuery{Offset: cur, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			return out
		}
		out = append(out, page.Items...)
		cur = page.Next
	}
}

func TestIndexerFollowsTheFeed(t *testing.T) {
	f := newFixture(t, 30)
	ix := f.indexer("a", 1)
	ts := publicTenders(t, f.svc)
	if n := drain(t, ix, 1); n != len(ts) {
		t.Fatalf("indexed %d, want every public tender (%d)", n, len(ts))
	}
	if got := count(t, f.backend, search.Query{}); got != int64(len(ts)) {
		t.Fatalf("%d documents, want %d", got, len(ts))
	}
	awards := 0
	for _, tn := range ts {
		awards += len(tn.Awards)
	}
	if awards == 0 {
		t.Fatal("the seed made no awards: the contracts index is untested")
	}
	if got := count(t, f.backend, search.Query{Index: search.Contracts}); got != int64(awards) {
		t.Errorf("%d contract documents, want one per award (%d)", got, awards)
	}
	// A restart with the saved cursor repeats nothing.
	again := f.indexer("b", 1)
	if n := drain(t, again, 1); n != 0 {
		t.Errorf("a restarted indexer re-indexed %d tenders", n)
	}
	// A change reaches the index with its new version.
	tn := ts[0]
	stored, err := f.store.Get(context.Background(), tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored.Title = "Змінена назва для пошуку"
	stored.DateModified = stored.DateModified.Add(time.Second)
	if err := f.store.Save(context.Background(), stored, tender.Revision{Author: "test", Date: stored.DateModified, Changes: json.RawMessage(`[]`)}, tender.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := drain(t, again, 1); n != 1 {
		t.Errorf("after one change the indexer wrote %d tenders, want 1", n)
	}
	raw, err := f.backend.Get(context.Background(), search.Tenders, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	var d search.TenderDoc
	_ = json.Unmarshal(raw, &d)
	if d.Title != stored.Title || d.Version != search.Version(stored.DateModified) {
		t.Errorf("after the change: title %q version %d, want %q %d", d.Title, d.Version, stored.Title, search.Version(stored.DateModified))
	}
	if got := count(t, f.backend, search.Query{Text: "Змінена назва"}); got != 1 {
		t.Errorf("the new title finds %d", got)
	}
}

// countingWriter records which tenders each indexer wrote.
type countingWriter struct {
	search.Backend
	mu     *sync.Mutex
	writes map[string][]string // tender id → indexer ids
	name   string
}

func (c *countingWriter) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	if idx == search.Tenders {
		c.mu.Lock()
		for _, d := range docs {
			c.writes[d.ID] = append(c.writes[d.ID], c.name)
		}
		c.mu.Unlock()
	}
	return c.Backend.Put(ctx, idx, docs)
}

func TestIndexersSharePartitionsAndSurviveAKill(t *testing.T) {
	f := newFixture(t, 40)
	writes := map[string][]string{}
	var mu sync.Mutex
	mk := func(id string) *search.Indexer {
		ix := f.indexer(id, 4)
		ix.Backend = &countingWriter{Backend: f.backend, writes: writes, name: id, mu: &mu}
		return ix
	}
	a, b := mk("a"), mk("b")
	ctxA, killA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	var wgA, wgB sync.WaitGroup
	wgA.Go(func() { _ = a.Run(ctxA) })
	wgB.Go(func() { _ = b.Run(ctxB) })
	first := publicTenders(t, f.svc)
	waitFor(t, func() bool { return count(t, f.backend, search.Query{}) == int64(len(first)) })
	killA()
	wgA.Wait()
	mu.Lock()
	byWriter := map[string]int{}
	for _, tn := range first {
		ws := writes[tn.ID]
		if len(ws) != 1 {
			t.Errorf("tender %s written %d times (%v), want once by one indexer", tn.ID, len(ws), ws)
		}
		for _, w := range ws {
			byWriter[w]++
		}
	}
	mu.Unlock()
	if byWriter["a"] == 0 || byWriter["b"] == 0 {
		t.Errorf("the partitions were not shared: %v", byWriter)
	}
	// More tenders arrive after a died: b must take a's partitions over
	// once their leases expire, from a's saved cursors.
	if _, err := seed.Run(context.Background(), f.store, 20, 8, time.Now()); err != nil {
		t.Fatal(err)
	}
	all := publicTenders(t, f.svc)
	waitFor(t, func() bool { return count(t, f.backend, search.Query{}) == int64(len(all)) })
	stopB()
	wgB.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, tn := range all[len(first):] {
		// The seed changes a tender several times, so b may write it more
		// than once (each time a newer version); nobody else may.
		ws := writes[tn.ID]
		if len(ws) == 0 || slices.ContainsFunc(ws, func(w string) bool { return w != "b" }) {
			t.Errorf("new tender %s written by %v, want by b only", tn.ID, ws)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSealedDataNeverIndexed(t *testing.T) {
	f := newFixture(t, 25)
	ix := f.indexer("a", 1)
	drain(t, ix, 1)
	for _, tn := range publicTenders(t, f.svc) {
		full, err := f.store.Get(context.Background(), tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.backend.Get(context.Background(), search.Tenders, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		view := full.View(tender.RolePublic, "")
		if len(view.Bids) == 0 && len(full.Bids) > 0 {
			var d search.TenderDoc
			_ = json.Unmarshal(raw, &d)
			if d.NumberOfBids != nil || len(d.Tenderers) > 0 {
				t.Errorf("%s (%s): sealed bids counted or named: %s", tn.ID, full.Status, raw)
			}
			for _, b := range full.Bids {
				if b.Value != nil && strings.Contains(string(raw), b.Tenderers[0].Identifier.ID) {
					t.Errorf("%s: a sealed bidder's identifier is in the index", tn.ID)
				}
			}
		}
	}
}

func TestReindexNeverEmpty(t *testing.T) {
	f := newFixture(t, 30)
	ix := f.indexer("a", 1)
	drain(t, ix, 1)
	want := count(t, f.backend, search.Query{})
	stop := make(chan struct{})
	var seen []int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := f.backend.Search(context.Background(), search.Query{Index: search.Tenders})
			if err == nil {
				seen = append(seen, r.Total)
			}
		}
	})
	n, err := ix.Reindex(context.Background())
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if int64(n) < want {
		t.Errorf("reindexed %d of %d", n, want)
	}
	for _, s := range seen {
		if s == 0 {
			t.Fatal("search was empty during the reindex")
		}
	}
	if got := count(t, f.backend, search.Query{}); got != want {
		t.Errorf("after reindex %d documents, want %d", got, want)
	}
}

func TestStatisticsReflag(t *testing.T) {
	f := newFixture(t, 40)
	ix := f.indexer("a", 1)
	drain(t, ix, 1)
	rep, err := ix.RecomputeStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Processes == 0 {
		t.Fatal("no facts read back from the index")
	}
	raw, at, _ := f.state.Stats(context.Background())
	if raw == nil || at.IsZero() {
		t.Fatal("statistics not saved")
	}
	// Documents now carry exactly the flags Evaluate gives with the saved
	// statistics.
	for _, tn := range publicTenders(t, f.svc) {
		rel, ok := ocds.Current(tn, ocds.Config{})
		if !ok {
			continue
		}
		a, err := f.risk.Assess(context.Background(), &rel)
		if err != nil {
			t.Fatal(err)
		}
		codes, score := a.Codes()
		got, _ := f.backend.Get(context.Background(), search.Tenders, tn.ID)
		var d search.TenderDoc
		_ = json.Unmarshal(got, &d)
		if !slices.Equal(d.Flags, codes) || d.RiskScore != score {
			t.Errorf("%s: index has %v %.3f, evaluation gives %v %.3f", tn.ID, d.Flags, d.RiskScore, codes, score)
		}
	}
	again, err := ix.RecomputeStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed != 0 {
		t.Errorf("a second recomputation on unchanged data rewrote %d", again.Changed)
	}
}
