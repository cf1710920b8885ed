package elastic_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/elastic"
)

// Example writes a tender and finds it by a word of its title in another
// grammatical form. It needs a node, so it only compiles here.
func Example() {
	ctx := context.Background()
	b, err := elastic.New(ctx, elastic.Config{URL: "http://127.0.0.1:9200", Prefix: "prozorro"})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	modified := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	doc := &search.TenderDoc{
		ID: "f5e2a1", TenderID: "UA-2026-11-22-000001-a", Title: "Закупівля комп'ютерів",
		DateModified: &modified, Version: search.Version(modified),
	}
	if err := b.Put(ctx, search.Tenders, []search.Doc{search.TenderDocument(doc)}); err != nil {
		log.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		log.Fatal(err)
	}
	r, err := b.Search(ctx, search.Query{Index: search.Tenders, Text: "комп'ютери", Size: 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Total)
}
