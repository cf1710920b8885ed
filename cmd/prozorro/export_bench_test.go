package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
	"github.com/prozorro-go/prozorro/tender/seed"
)

// BenchmarkExport measures `export ocds` (releases as JSON Lines) from a
// store filled by the seed generator: over FerretDB/PostgreSQL (the test
// server; 200 tenders, since seeding there runs at the store's write speed)
// and in memory (2,000 tenders).
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	b.Run("ferretdb", func(b *testing.B) {
		st := mongodb.New(mongotest.Database(b))
		if err := st.EnsureIndexes(ctx); err != nil {
			b.Fatal(err)
		}
		benchExport(b, st, 200)
	})
	b.Run("memory", func(b *testing.B) { benchExport(b, memory.New(), 2000) })
}

func benchExport(b *testing.B, st tender.Store, tenders int) {
	ctx := context.Background()
	t0 := time.Now()
	stats, err := seed.Run(ctx, st, tenders, 1, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %+v in %s", stats, time.Since(t0).Round(time.Millisecond))
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // sample the heap while exporting
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	b.ResetTimer()
	var last exportStats
	start := time.Now()
	for i := 0; i < b.N; i++ {
		last, err = exportOCDS(ctx, st, io.Discard, exportOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	d := time.Since(start)
	b.StopTimer()
	close(stop)
	wg.Wait()
	per := d.Seconds() / float64(b.N)
	b.ReportMetric(float64(last.Items)/per, "releases/s")
	b.ReportMetric(float64(last.Bytes)/per/1e6, "MB/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.Logf("%s", fmt.Sprintf("%d tenders, %d releases, %d bytes per export", last.Tenders, last.Items, last.Bytes))
}
