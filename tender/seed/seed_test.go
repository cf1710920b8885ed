package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/seed"
)

func TestRunMakesEveryEnding(t *testing.T) {
	st := memory.New()
	from := time.Now()
	stats, err := seed.Run(context.Background(), st, 40, 7, from)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Tenders != 40 || stats.Contracts == 0 || stats.Cancelled == 0 || stats.Unsuccessful == 0 {
		t.Fatalf("stats %+v: want every ending among 40 tenders", stats)
	}
	page, err := st.Feed(context.Background(), tender.FeedQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	final := 0
	for _, x := range page.Items {
		if x.Status.Final() {
			final++
		}
	}
	if len(page.Items) != 40 || final != 40 {
		t.Errorf("%d tenders in the feed, %d final", len(page.Items), final)
	}
}
