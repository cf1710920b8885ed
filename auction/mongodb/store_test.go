package mongodb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/mongodb"
	"github.com/prozorro-go/prozorro/auction/storetest"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// TestStore runs the store contract on the test server, each test in a
// fresh database; other handles are separate client connections, as other
// processes would have. The server runs on this machine, so its clock, which
// stamps bids, is this test's, read to the millisecond.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (auction.WorkerStore, func() auction.WorkerStore, storetest.Clock) {
		db := mongotest.Database(t)
		s := mongodb.New(db)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		another := func() auction.WorkerStore {
			c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(mongotest.URI(t)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
			return mongodb.New(c.Database(db.Name()))
		}
		return s, another, storetest.Clock{Now: time.Now, Skew: 100 * time.Millisecond}
	})
}

// TestEnsureIndexesTwice: a second process starting on the same database
// must not try to create the indexes again (FerretDB on SQLite crashes).
func TestEnsureIndexesTwice(t *testing.T) {
	s := mongodb.New(mongotest.Database(t))
	ctx := context.Background()
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBidsWrittenBeforeStamps: a bid document written before bids were
// stamped counts as stored at its own time (it was validated in its turn,
// and late ones were deleted then), so auctions stored earlier keep their
// results and audits; a stamped bid whose stamp has not landed reads
// unstamped and does not count.
func TestBidsWrittenBeforeStamps(t *testing.T) {
	db := mongotest.Database(t)
	s := mongodb.New(db)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, time.March, 2, 11, 0, 0, 0, time.UTC)
	a := storetest.NewAuction(t, "t1", start)
	if err := s.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	made := a.StageAt(start.Add(5*time.Minute + 10*time.Second))
	for _, doc := range []struct {
		id      string
		stamped bool
	}{{"old", false}, {"unstamped", true}} {
		b := auction.Bid{ID: doc.id, BidID: made.BidID, Round: made.Round, Turn: made.Turn, Amount: tender.MustAmount("90000"),
			Time: start.Add(5*time.Minute + 10*time.Second)}
		data, _ := json.Marshal(b)
		d := bson.M{"_id": doc.id, "auction": "t1", "t": b.Time.UnixNano(), "data": string(data)}
		if doc.stamped {
			d["stamp"] = true
			d["t"] = b.Time.UnixNano() + 1
		}
		if _, err := db.Collection("auction_bids").InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Bids) != 2 {
		t.Fatalf("%d bids, want 2", len(got.Bids))
	}
	old, unstamped := got.Bids[0], got.Bids[1]
	if old.Stored == nil || !old.Stored.Equal(old.Time) || !got.Counts(old) {
		t.Errorf("a bid written before stamps: stored %v, counts %v; want stored at its time %v, counting", old.Stored, got.Counts(old), old.Time)
	}
	if unstamped.Stored != nil || got.Counts(unstamped) {
		t.Errorf("a bid whose stamp has not landed: stored %v, counts %v; want unstamped, not counting", unstamped.Stored, got.Counts(unstamped))
	}
}
