package mongodb_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

// feedWrite is one successful Insert or Save: the feed number it got and the
// version (title) it wrote.
type feedWrite struct {
	id      string
	seq     int64
	version string
}

// feedSeen is one item as a crawler saw it.
type feedSeen struct {
	id      string
	seq     int64
	version string
	page    int
}

type feedLoad struct {
	writers   int
	tenders   int           // tenders created in all
	updates   int           // saves in all (attempts, conflicts included)
	maxDelay  time.Duration // random pause inside and between a writer's operations
	realCount int           // about one tender in realCount is a test-mode tender when > 0
	processes int           // writers share this many Stores on the database (default 1)
}

// runFeedUnderLoad runs writers and a forward crawler at the same time, then
// checks that the crawler saw every change exactly once, in order.
func runFeedUnderLoad(t *testing.T, load feedLoad) {
	s := newStore(t)
	stores := []*mongodb.Store{s}
	for len(stores) < load.processes {
		stores = append(stores, mongodb.New(s.Database()))
	}
	ctx := testCtx(t, 3*time.Minute)

	var (
		mu       sync.Mutex
		ids      []string
		writes   []feedWrite
		version  atomic.Int64
		created  atomic.Int64
		updated  atomic.Int64
		conflict atomic.Int64
	)
	record := func(tn *tender.Tender) {
		mu.Lock()
		writes = append(writes, feedWrite{tn.ID, tn.Seq, tn.Title})
		mu.Unlock()
	}
	pause := func(r *rand.Rand) {
		if load.maxDelay > 0 {
			time.Sleep(time.Duration(r.Int64N(int64(load.maxDelay))))
		}
	}

	writersDone := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, load.writers+1)
	start := time.Now()
	for w := 0; w < load.writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := stores[w%len(stores)]
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for {
				// Insert while tenders remain to create (always first, so that
				// there is something to update), otherwise update.
				doInsert := false
				mu.Lock()
				n := len(ids)
				mu.Unlock()
				nc := created.Load()
				nu := updated.Load()
				switch {
				case nc >= int64(load.tenders) && nu >= int64(load.updates):
					return
				case n == 0 || (nc < int64(load.tenders) && (nu >= int64(load.updates) || r.IntN(load.tenders+load.updates) < load.tenders)):
					doInsert = created.Add(1) <= int64(load.tenders)
					if !doInsert {
						time.Sleep(time.Millisecond)
						continue
					}
				default:
					if updated.Add(1) > int64(load.updates) {
						continue
					}
				}
				if doInsert {
					id := fmt.Sprintf("w%d-%d", w, nc)
					mode := ""
					if load.realCount > 0 && r.IntN(load.realCount) == 0 {
						mode = "test"
					}
					tn := newTender(id, mode)
					tn.Title = fmt.Sprintf("v%d", version.Add(1))
					if err := s.Insert(ctx, tn, rev("w", 1)); err != nil {
						errs <- fmt.Errorf("insert %s: %w", id, err)
						return
					}
					if mode == "" {
						record(tn)
					}
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
					pause(r)
					continue
				}
				mu.Lock()
				id := ids[r.IntN(len(ids))]
				mu.Unlock()
				tn, err := s.Get(ctx, id)
				if err != nil {
					errs <- fmt.Errorf("get %s: %w", id, err)
					return
				}
				pause(r)
				tn.Title = fmt.Sprintf("v%d", version.Add(1))
				tn.DateModified = time.Now().UTC()
				err = s.Save(ctx, tn, rev("w", tn.Revision+1), tender.SaveOptions{})
				if tender.ErrorCode(err) == tender.CodeConflict {
					conflict.Add(1)
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("save %s: %w", id, err)
					return
				}
				if tn.Mode == "" {
					record(tn)
				}
				pause(r)
			}
		}(w)
	}
	go func() { wg.Wait(); close(writersDone) }()

	// The crawler follows the feed forward.
	var seen []feedSeen
	crawlerDone := make(chan struct{})
	go func() {
		defer close(crawlerDone)
		r := rand.New(rand.NewPCG(99, uint64(start.UnixNano())))
		offset := ""
		empty, page := 0, 0
		finishing := false
		for {
			select {
			case <-writersDone:
				finishing = true
			default:
			}
			p, err := s.Feed(ctx, tender.FeedQuery{Offset: offset, Limit: 20 + r.IntN(31)})
			if err != nil {
				errs <- fmt.Errorf("crawler: %w", err)
				return
			}
			page++
			for _, it := range p.Items {
				seen = append(seen, feedSeen{it.ID, it.Seq, it.Title, page})
			}
			if len(p.Items) == 0 {
				if p.Next != offset && !(offset == "" && p.Next == "0") {
					errs <- fmt.Errorf("crawler: empty page moved the cursor %q -> %q", offset, p.Next)
					return
				}
				if finishing {
					empty++
					if empty >= 2 {
						return
					}
				}
				time.Sleep(3 * time.Millisecond)
				continue
			}
			empty = 0
			offset = p.Next
		}
	}()
	<-crawlerDone
	<-writersDone
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("%d tenders, %d successful real writes, %d conflicts, crawler saw %d items in %v",
		len(ids), len(writes), conflict.Load(), len(seen), elapsed)

	checkFeedCrawl(t, s, writes, seen)
}

// checkFeedCrawl compares what the crawler saw with what was written.
func checkFeedCrawl(t *testing.T, s *mongodb.Store, writes []feedWrite, seen []feedSeen) {
	t.Helper()
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 20 {
			t.Errorf(format, args...)
		}
	}
	defer func() {
		if failures > 20 {
			t.Errorf("... %d failures in all", failures)
		}

	}()

	bySeq := map[int64]feedWrite{}
	for _, w := range writes {
		if o, dup := bySeq[w.seq]; dup {
			fail("two successful writes got feed number %d: %s %s and %s %s", w.seq, o.id, o.version, w.id, w.version)
		}
		bySeq[w.seq] = w
	}

	// (a) strictly increasing over the whole crawl: nothing repeated, never back.
	lastSeen := map[string]feedSeen{}
	for i, it := range seen {
		if i > 0 && it.seq <= seen[i-1].seq {
			fail("crawl went from seq %d (%s, page %d) to %d (%s, page %d)",
				seen[i-1].seq, seen[i-1].id, seen[i-1].page, it.seq, it.id, it.page)
		}
		w, ok := bySeq[it.seq]
		if !ok {
			fail("crawler saw %s at seq %d (%s), which no successful write produced", it.id, it.seq, it.version)
		} else if w.id != it.id || w.version != it.version {
			fail("crawler saw %s %s at seq %d, but that write was %s %s", it.id, it.version, it.seq, w.id, w.version)
		}
		lastSeen[it.id] = it
	}

	// (b) the last version seen of each tender is its final stored version,
	// and (c) no write is skipped: for every write, the crawler saw its tender
	// at that feed number or a later one.
	finals := map[string]bool{}
	for _, w := range writes {
		finals[w.id] = true
	}
	ids := make([]string, 0, len(finals))
	for id := range finals {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		got := mustGet(t, s, id)
		ls, ok := lastSeen[id]
		switch {
		case !ok:
			fail("tender %s (final %s at seq %d) never appeared in the feed", id, got.Title, got.Seq)
		case ls.seq != got.Seq || ls.version != got.Title:
			fail("tender %s: last seen %s at seq %d, final is %s at seq %d", id, ls.version, ls.seq, got.Title, got.Seq)
		}
	}
	for _, w := range writes {
		if ls, ok := lastSeen[w.id]; ok && ls.seq < w.seq {
			fail("write %s %s at seq %d was skipped: the crawler last saw it at %d", w.id, w.version, w.seq, ls.seq)
		}
	}
	if pending := pendingTickets(t, s); len(pending) != 0 {
		fail("tickets left pending after all writers finished: %+v", pending)
	}
}

// loadScale picks the write volume for the server: FerretDB on PostgreSQL
// (PROZORRO_TEST_MONGO_URI) takes the full load, the embedded SQLite one,
// which scans whole collections on reads, a smaller one.
func loadScale(full, small int) int {
	if os.Getenv("PROZORRO_TEST_MONGO_URI") != "" {
		return full
	}
	return small
}

// TestFeedConcurrentWriters is the feed's main promise: a reader following
// Next under concurrent writes never skips or repeats a change.
func TestFeedConcurrentWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	runFeedUnderLoad(t, feedLoad{writers: 8, tenders: loadScale(120, 25), updates: loadScale(180, 40), realCount: 10})
}

// TestFeedConcurrentSlowWriters: the same with writers pausing at random, so
// that writes land out of the order of their feed numbers, and split over two
// Stores (two processes) on one database.
func TestFeedConcurrentSlowWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	runFeedUnderLoad(t, feedLoad{writers: 8, tenders: loadScale(80, 20), updates: loadScale(120, 30), maxDelay: 15 * time.Millisecond, processes: 2})
}
