package bleve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prozorro-go/prozorro/search"
)

// TestRebuildSwapUnderSearches swaps generations of different sizes while
// searches run: every search must see one whole generation, never an empty
// or a closed one.
func TestRebuildSwapUnderSearches(t *testing.T) {
	for _, dir := range []string{"", "disk"} {
		t.Run(fmt.Sprintf("dir=%q", dir), func(t *testing.T) {
			if dir != "" {
				dir = t.TempDir()
			}
			b := open(t, dir)
			ctx := context.Background()
			gen := func(n int) []*search.TenderDoc {
				var ds []*search.TenderDoc
				for i := range n {
					ds = append(ds, tender(fmt.Sprintf("g%d-%03d", n, i), "rebuild", 1))
				}
				return ds
			}
			sizes := []int{10, 20, 30, 40, 50}
			put(t, b, gen(sizes[0])...)

			var stop atomic.Bool
			var searches atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					for !stop.Load() {
						r, err := b.Search(ctx, search.Query{Index: search.Tenders, Text: "rebuild", Size: 100, Facets: []string{search.FacetStatus}})
						if err != nil {
							errs <- err
							return
						}
						ok := false
						for _, n := range sizes {
							ok = ok || (r.Total == int64(n) && len(r.Hits) == n && r.Facets[search.FacetStatus][0].Count == int64(n))
						}
						if !ok {
							errs <- fmt.Errorf("a search saw %d documents (%d hits)", r.Total, len(r.Hits))
							return
						}
						searches.Add(1)
					}
				})
			}
			for _, n := range sizes[1:] {
				rb, err := b.Rebuild(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ds := gen(n)
				put(t, rb, ds[:n/2]...)
				put(t, rb, ds[n/2:]...)
				if err := rb.Commit(ctx); err != nil {
					t.Fatal(err)
				}
				if err := rb.Put(ctx, search.Tenders, nil); err == nil {
					t.Error("Put after Commit succeeded")
				}
				if err := rb.Abort(ctx); err == nil {
					t.Error("Abort after Commit succeeded")
				}
			}
			stop.Store(true)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if searches.Load() == 0 {
				t.Fatal("no search ran")
			}
			if n := total(t, b, search.Query{}); n != int64(sizes[len(sizes)-1]) {
				t.Errorf("after the last commit: %d documents", n)
			}
			if dir != "" {
				entries, _ := os.ReadDir(dir)
				if len(entries) != 4 { // live, lock and one generation of two indexes
					t.Errorf("old generations left behind: %v", entries)
				}
				data, _ := os.ReadFile(filepath.Join(dir, pointerFile))
				if string(data) != fmt.Sprintf("%d\n", len(sizes)) {
					t.Errorf("pointer %q", data)
				}
			}
		})
	}
}

func TestRebuildAbortAndClose(t *testing.T) {
	dir := t.TempDir()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	put(t, b, tender("a", "a", 1))
	aborted, err := b.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, aborted, tender("x", "x", 1))
	if err := aborted.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tenders-2")); !os.IsNotExist(err) {
		t.Errorf("an aborted generation left files: %v", err)
	}
	// A rebuild still pending at Close is dropped; the live data stays.
	pending, err := b.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, pending, tender("y", "y", 1))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pending.Commit(ctx); err == nil {
		t.Error("Commit after Close succeeded")
	}
	b = open(t, dir)
	if n := total(t, b, search.Query{}); n != 1 || title(t, b, "a") != "a" {
		t.Errorf("after reopen: %d documents", n)
	}
}
