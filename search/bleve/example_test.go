package bleve_test

import (
	"context"
	"fmt"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
)

func Example() {
	b, err := bleve.Open("") // in memory; a directory keeps the indexes
	if err != nil {
		panic(err)
	}
	defer b.Close()
	ctx := context.Background()

	date := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	minor := int64(123450)
	doc := &search.TenderDoc{ID: "t1", Title: "Desktop computers for the school", Status: "active.tendering",
		Currency: "UAH", Amount: "1234.50", AmountMinor: &minor, Date: &date, Version: search.Version(date)}
	if err := b.Put(ctx, search.Tenders, []search.Doc{search.TenderDocument(doc)}); err != nil {
		panic(err)
	}

	r, err := b.Search(ctx, search.Query{
		Index:   search.Tenders,
		Text:    "computer",
		Filters: []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"active.tendering"}}},
		Size:    10,
		Facets:  []string{search.FacetMonth},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Total, r.Facets[search.FacetMonth])
	// Output: 1 [{2026-03 1 map[UAH:1234.50]}]
}
