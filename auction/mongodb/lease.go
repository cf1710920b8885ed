package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

type leaseDoc struct {
	ID      string `bson:"_id"` // "<auction id>#<n>"
	Auction string `bson:"auction"`
	N       int64  `bson:"n"`
	Holder  string `bson:"holder"`
	Until   int64  `bson:"until"` // Unix nanoseconds
}

// keptGenerations is how many generations below the current one stay
// stored, for the record; older ones are deleted.
const keptGenerations = 2

// top returns id's highest lease generation, nil when there is none.
func (s *Store) top(ctx context.Context, id string) (*leaseDoc, error) {
	var d leaseDoc
	err := s.leases.FindOne(ctx, bson.M{"auction": id}, options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: lease %s: %w", id, err)
	}
	return &d, nil
}

// Lease gives worker auction id until `until` when the highest generation
// has expired at now or is worker's own, by inserting the next generation;
// it reports whether the insert won. See the package doc.
func (s *Store) Lease(ctx context.Context, id, worker string, now, until time.Time) (bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		cur, err := s.top(ctx, id)
		if err != nil {
			return false, err
		}
		n := int64(1)
		if cur != nil {
			if cur.Holder != worker && cur.Until > now.UnixNano() {
				return false, nil
			}
			n = cur.N + 1
		}
		d := leaseDoc{ID: fmt.Sprintf("%s#%d", id, n), Auction: id, N: n, Holder: worker, Until: until.UnixNano()}
		_, err = s.leases.InsertOne(ctx, d)
		if mongo.IsDuplicateKeyError(err) {
			continue // someone took generation n first: look again
		}
		if err != nil {
			return false, fmt.Errorf("mongodb: lease %s: %w", id, err)
		}
		// An insert below the top (a generation deleted after a stale read)
		// does not count.
		if got, err := s.top(ctx, id); err != nil || got == nil || got.ID != d.ID {
			_, _ = s.leases.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": d.ID, "holder": worker})
			return false, err
		}
		if n > keptGenerations+1 {
			_, _ = s.leases.DeleteMany(ctx, bson.M{"auction": id, "n": bson.M{"$lt": n - keptGenerations}})
		}
		return true, nil
	}
	return false, nil
}
