package mongodb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

func TestState(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Database(t)
	a, err := mongodb.New(ctx, db, "es:one")
	if err != nil {
		t.Fatal(err)
	}
	other, err := mongodb.New(ctx, db, "es:two")
	if err != nil {
		t.Fatal(err)
	}

	// Cursors belong to their namespace.
	if c, err := a.Cursor(ctx, "tenders:0/1"); err != nil || c != "" {
		t.Fatalf("fresh cursor: %q, %v", c, err)
	}
	for _, c := range []string{"17", "42"} {
		if err := a.SetCursor(ctx, "tenders:0/1", c); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := a.Cursor(ctx, "tenders:0/1"); c != "42" {
		t.Errorf("cursor %q, want the last saved 42", c)
	}
	if c, _ := other.Cursor(ctx, "tenders:0/1"); c != "" {
		t.Errorf("another namespace sees cursor %q", c)
	}

	// Statistics round-trip with their time.
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	if err := a.SetStats(ctx, []byte(`{"q1":0.25}`), at); err != nil {
		t.Fatal(err)
	}
	raw, got, err := a.Stats(ctx)
	if err != nil || string(raw) != `{"q1":0.25}` || !got.Equal(at) {
		t.Errorf("stats: %s at %v, %v", raw, got, err)
	}
	if raw, _, _ := other.Stats(ctx); raw != nil {
		t.Errorf("another namespace sees stats %s", raw)
	}

	// Leases: one holder at a time, renewable, released early, taken over
	// once expired, separate per namespace.
	now := time.Now()
	if ok, err := a.Lease(ctx, "p0", "x", now, now.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("first lease: %v %v", ok, err)
	}
	if ok, _ := a.Lease(ctx, "p0", "y", now, now.Add(time.Minute)); ok {
		t.Error("a second holder got a held lease")
	}
	if ok, _ := other.Lease(ctx, "p0", "y", now, now.Add(time.Minute)); !ok {
		t.Error("the same name in another namespace is a different lease")
	}
	if ok, _ := a.Lease(ctx, "p0", "x", now, now.Add(2*time.Minute)); !ok {
		t.Error("the holder could not renew")
	}
	if ok, _ := a.Lease(ctx, "p0", "y", now.Add(3*time.Minute), now.Add(4*time.Minute)); !ok {
		t.Error("an expired lease was not taken over")
	}
	if err := a.Release(ctx, "p0", "y", now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.Lease(ctx, "p0", "x", now.Add(3*time.Minute), now.Add(4*time.Minute)); !ok {
		t.Error("a released lease was not free")
	}

	// Racing contenders: exactly one wins each free lease.
	var wg sync.WaitGroup
	wins := make(chan string, 8)
	for i := range 8 {
		wg.Go(func() {
			holder := string(rune('a' + i))
			if ok, err := a.Lease(ctx, "race", holder, now, now.Add(time.Minute)); err == nil && ok {
				wins <- holder
			}
		})
	}
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Errorf("%d contenders won one lease: %v", len(winners), winners)
	}
}
