package mongodb_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/mongodb"
	"github.com/prozorro-go/prozorro/auction/storetest"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// TestStore runs the store contract on the test server, each test in a
// fresh database; other handles are separate client connections, as other
// processes would have.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (auction.WorkerStore, func() auction.WorkerStore) {
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
		return s, another
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
