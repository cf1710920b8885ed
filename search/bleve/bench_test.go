package bleve

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/searchtest"
)

const benchDocs = 10000

func benchDocuments() []search.Doc {
	ts := searchtest.Tenders(benchDocs)
	docs := make([]search.Doc, len(ts))
	for i, d := range ts {
		docs[i] = search.TenderDocument(d)
	}
	return docs
}

func load(b *testing.B, be *Backend, docs []search.Doc) {
	for i := 0; i < len(docs); i += 500 {
		if err := be.Put(context.Background(), search.Tenders, docs[i:min(i+500, len(docs))]); err != nil {
			b.Fatal(err)
		}
	}
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkPut writes 10k documents in batches of 500 into a new backend.
func BenchmarkPut(b *testing.B) {
	docs := benchDocuments()
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		b.Run(name, func(b *testing.B) {
			var size int64
			for b.Loop() {
				dir := ""
				if disk {
					dir = b.TempDir()
				}
				be, err := Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				load(b, be, docs)
				if disk {
					size = dirSize(dir)
				}
				be.Close()
			}
			b.ReportMetric(float64(benchDocs*b.N)/b.Elapsed().Seconds(), "docs/s")
			if disk {
				b.ReportMetric(float64(size)/benchDocs, "disk-B/doc")
			}
		})
	}
}

// BenchmarkSearch runs typical queries over 10k documents on disk; ns/op is
// the time of one query.
func BenchmarkSearch(b *testing.B) {
	be, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	load(b, be, benchDocuments())
	ctx := context.Background()
	all := []string{search.FacetStatus, search.FacetProcedure, search.FacetRegion, search.FacetCPV, search.FacetBuyer,
		search.FacetSupplier, search.FacetFlag, search.FacetMonth, search.FacetMethod, search.FacetCategory}
	deep, err := be.Search(ctx, search.Query{Index: search.Tenders, Sort: search.SortValue, Size: 5000})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		q    search.Query
	}{
		{"filters+sort", search.Query{Filters: []search.Filter{
			{Field: "status", Op: search.OpTerm, Values: []string{"complete", "active.tendering"}},
			{Field: "cpv", Op: search.OpPrefix, Values: []string{"45"}},
		}, Sort: search.SortDate, Desc: true, Size: 20}},
		{"text", search.Query{Text: "комп'ютерів школи", Size: 20}},
		{"text+filter", search.Query{Text: "computers", Filters: []search.Filter{{Field: "region", Op: search.OpTerm, Values: []string{"01", "61"}}}, Size: 20}},
		{"after-5000", search.Query{Sort: search.SortValue, Size: 20, After: deep.Next}},
		{"facets-all-docs", search.Query{Facets: all}},
		{"facets-filtered", search.Query{Filters: []search.Filter{{Field: "procurementMethod", Op: search.OpTerm, Values: []string{"limited"}}}, Facets: all, Size: 20}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := bc.q
			q.Index = search.Tenders
			for b.Loop() {
				if _, err := be.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
