package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
)

// Feed is the tender feed an indexer follows (tender.Service has it).
type Feed interface {
	Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error)
}

// Indexer follows the tender feed and keeps a Backend in step. The feed is
// split into Partitions by tender id; each partition has its own cursor in
// State and is followed by whichever indexer holds its lease, so several
// indexers share the work, each tender is indexed by one of them, and when
// one dies another takes its partitions over from the saved cursors once
// the lease expires. A cursor is saved only after the page's documents are
// written, so a crash repeats at most one page (external versions make the
// repeat harmless) and never skips one.
type Indexer struct {
	Feed    Feed
	Backend Backend
	State   State
	Risk    *Risk
	OCDS    ocds.Config
	Log     *slog.Logger

	ID         string        // this indexer's name in leases
	Partitions int           // default 1; changing it starts new cursors (a full pass)
	PageSize   int           // feed page size, default 100
	Idle       time.Duration // wait when caught up, default 200 ms
	LeaseFor   time.Duration // default 15 s
	Mode       string        // feed mode, default real tenders only
	// StatsEvery is how often the red-flag statistics are recomputed (by
	// the one indexer holding the "stats" lease); 0 means 5 minutes, <0
	// never.
	StatsEvery time.Duration

	held map[int]time.Time // partition → lease expiry, as this indexer knows it
}

func (ix *Indexer) defaults() {
	if ix.Partitions <= 0 {
		ix.Partitions = 1
	}
	if ix.PageSize <= 0 {
		ix.PageSize = 100
	}
	if ix.Idle <= 0 {
		ix.Idle = 200 * time.Millisecond
	}
	if ix.LeaseFor <= 0 {
		ix.LeaseFor = 15 * time.Second
	}
	if ix.StatsEvery == 0 {
		ix.StatsEvery = 5 * time.Minute
	}
	if ix.Log == nil {
		ix.Log = slog.Default()
	}
	if ix.ID == "" {
		ix.ID = tender.NewID()
	}
	if ix.held == nil {
		ix.held = map[int]time.Time{}
	}
}

// CursorName is the State name of partition p of n.
func CursorName(p, n int) string { return fmt.Sprintf("tenders:%d/%d", p, n) }

// Partition returns the partition of tender id among n.
func Partition(id string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// Run indexes until ctx ends.
func (ix *Indexer) Run(ctx context.Context) error {
	ix.defaults()
	ix.Log.Info("indexer started", "id", ix.ID, "partitions", ix.Partitions)
	var statsRunning atomic.Bool
	var statsDone sync.WaitGroup
	defer statsDone.Wait()
	defer ix.releaseAll()
	lastStats := time.Time{}
	for ctx.Err() == nil {
		busy := false
		for p := 0; p < ix.Partitions; p++ {
			ok, err := ix.lease(ctx, p)
			if err != nil {
				ix.Log.Warn("indexer: lease", "partition", p, "err", err)
				continue
			}
			if !ok {
				continue
			}
			n, err := ix.Step(ctx, p)
			if err != nil {
				if ctx.Err() == nil {
					ix.Log.Warn("indexer: page failed; will retry", "partition", p, "err", err)
				}
				continue
			}
			busy = busy || n > 0
		}
		// Statistics are recomputed once caught up with the feed (so the
		// first pass sees the whole dataset), then every StatsEvery, beside
		// the feed rather than in its way: a first computation over a large
		// index rewrites many documents.
		if !busy && ix.StatsEvery > 0 && time.Since(lastStats) >= ix.StatsEvery && statsRunning.CompareAndSwap(false, true) {
			lastStats = time.Now()
			statsDone.Add(1)
			go func() {
				defer statsDone.Done()
				defer statsRunning.Store(false)
				if err := ix.statsIfLeader(ctx); err != nil && ctx.Err() == nil {
					ix.Log.Warn("indexer: red-flag statistics failed", "err", err)
				}
			}()
		}
		if !busy {
			select {
			case <-ctx.Done():
			case <-time.After(ix.Idle):
			}
		}
	}
	return nil
}

// lease takes or renews the lease of partition p when it runs low.
func (ix *Indexer) lease(ctx context.Context, p int) (bool, error) {
	now := time.Now()
	if until, ok := ix.held[p]; ok && until.Sub(now) > ix.LeaseFor/2 {
		return true, nil
	}
	ok, err := ix.State.Lease(ctx, CursorName(p, ix.Partitions), ix.ID, now, now.Add(ix.LeaseFor))
	if err != nil || !ok {
		delete(ix.held, p)
		return false, err
	}
	if _, had := ix.held[p]; !had {
		ix.Log.Info("indexer: partition taken", "partition", p, "of", ix.Partitions, "id", ix.ID)
	}
	ix.held[p] = now.Add(ix.LeaseFor)
	return true, nil
}

func (ix *Indexer) releaseAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for p := range ix.held {
		_ = ix.State.Release(ctx, CursorName(p, ix.Partitions), ix.ID, time.Now())
	}
	ix.held = map[int]time.Time{}
}

// Step indexes the next feed page of partition p and saves the cursor; it
// returns how many tenders of the partition it wrote. The caller must hold
// the partition's lease.
func (ix *Indexer) Step(ctx context.Context, p int) (int, error) {
	ix.defaults()
	name := CursorName(p, ix.Partitions)
	cur, err := ix.State.Cursor(ctx, name)
	if err != nil {
		return 0, err
	}
	page, err := ix.Feed.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: ix.PageSize, Mode: ix.Mode})
	if err != nil {
		return 0, fmt.Errorf("feed: %w", err)
	}
	if len(page.Items) == 0 {
		return 0, nil
	}
	var mine []*tender.Tender
	for _, t := range page.Items {
		if Partition(t.ID, ix.Partitions) == p {
			mine = append(mine, t)
		}
	}
	if err := ix.Index(ctx, ix.Backend, mine); err != nil {
		return 0, err
	}
	if until, ok := ix.held[p]; ok && time.Now().After(until) {
		return 0, errors.New("lease expired before the cursor was saved")
	}
	if err := ix.State.SetCursor(ctx, name, page.Next); err != nil {
		return 0, err
	}
	return len(mine), nil
}

// Writer is where Index writes: a Backend or a Rebuild.
type Writer interface {
	Put(ctx context.Context, idx Index, docs []Doc) error
}

// Index builds and writes the documents of tenders (whole stored tenders or
// public views) to w: their contracts, then the tenders.
func (ix *Indexer) Index(ctx context.Context, w Writer, ts []*tender.Tender) error {
	var tds, cds []Doc
	for _, t := range ts {
		d, cs, err := ix.Build(ctx, t)
		if err != nil {
			return fmt.Errorf("tender %s: %w", t.ID, err)
		}
		if d == nil {
			continue
		}
		tds = append(tds, TenderDocument(d))
		for _, c := range cs {
			cds = append(cds, ContractDocument(c))
		}
	}
	if len(tds) == 0 {
		return nil
	}
	// Contracts first: once a tender is found, its contracts are too (on
	// a backend that makes writes searchable at once).
	if len(cds) > 0 {
		if err := w.Put(ctx, Contracts, cds); err != nil {
			return err
		}
	}
	return w.Put(ctx, Tenders, tds)
}

// Build returns a tender's documents with their red flags; nil for a tender
// that is not public.
func (ix *Indexer) Build(ctx context.Context, t *tender.Tender) (*TenderDoc, []*ContractDoc, error) {
	rel, ok := ocds.Current(t, ix.OCDS)
	if !ok {
		return nil, nil, nil
	}
	v := t
	if v.Config != nil || v.Access != nil {
		v = v.View(tender.RolePublic, "")
	}
	d, cs := FromTender(v, rel.OCID)
	if ix.Risk != nil {
		a, err := ix.Risk.Assess(ctx, &rel)
		if err != nil {
			return nil, nil, err
		}
		if err := a.Apply(d, cs); err != nil {
			return nil, nil, err
		}
	}
	return d, cs, nil
}

// Reindex rebuilds both indexes from the whole feed into new physical
// indexes while the old ones serve, carries imported documents (not in the
// feed) over from the old ones, swaps them in at once, and then replays the
// changes that reached the feed during the swap. It returns how many
// tenders it indexed.
func (ix *Indexer) Reindex(ctx context.Context) (int, error) {
	ix.defaults()
	rb, err := ix.Backend.Rebuild(ctx)
	if err != nil {
		return 0, err
	}
	n, end, err := ix.walk(ctx, rb, "")
	if err == nil {
		err = ix.carryOver(ctx, rb)
	}
	if err != nil {
		_ = rb.Abort(context.WithoutCancel(ctx))
		return n, err
	}
	if err := rb.Commit(ctx); err != nil {
		_ = rb.Abort(context.WithoutCancel(ctx))
		return n, err
	}
	// Live indexers wrote changes made during the rebuild to the old
	// indexes; replay them into the new ones (stale repeats are skipped).
	m, _, err := ix.walk(ctx, ix.Backend, end)
	return n + m, err
}

// carryOver copies the documents that are not ours (imported from other
// publishers: they are not in the feed) from the live indexes into rb.
func (ix *Indexer) carryOver(ctx context.Context, rb Rebuild) error {
	for _, idx := range Indexes {
		q := Query{Index: idx, Sort: SortDate, Size: 1000}
		for {
			r, err := ix.Backend.Search(ctx, q)
			if err != nil {
				return fmt.Errorf("carrying imported documents over: %w", err)
			}
			var docs []Doc
			for _, h := range r.Hits {
				var d struct {
					ID      string `json:"id"`
					Source  string `json:"source"`
					Version int64  `json:"version"`
				}
				if json.Unmarshal(h, &d) == nil && d.Source != SourceLocal {
					docs = append(docs, Doc{ID: d.ID, Version: d.Version, Body: h})
				}
			}
			if len(docs) > 0 {
				if err := rb.Put(ctx, idx, docs); err != nil {
					return err
				}
			}
			if r.Next == "" {
				break
			}
			q.After = r.Next
		}
	}
	return nil
}

// walk indexes every tender of the feed from cursor to its end into w and
// returns the cursor at the end.
func (ix *Indexer) walk(ctx context.Context, w Writer, cursor string) (int, string, error) {
	n := 0
	for {
		page, err := ix.Feed.Feed(ctx, tender.FeedQuery{Offset: cursor, Limit: ix.PageSize, Mode: ix.Mode})
		if err != nil {
			return n, cursor, err
		}
		if len(page.Items) == 0 {
			return n, cursor, nil
		}
		if err := ix.Index(ctx, w, page.Items); err != nil {
			return n, cursor, err
		}
		n += len(page.Items)
		cursor = page.Next
		if n%10000 < len(page.Items) {
			ix.Log.Info("reindex progress", "tenders", n, "cursor", cursor)
		}
	}
}
