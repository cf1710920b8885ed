// Package lease hands out time-limited leases on named things (an auction,
// a feed partition) to one holder at a time among processes sharing a
// MongoDB database.
//
// FerretDB has no atomic conditional update, so a lease is not a field
// updated in place: every grant inserts the next generation "<name>#<n>" of
// the lease, and the unique _id makes exactly one contender win each
// generation. A grant whose insert landed below the top generation (after a
// stale read) is withdrawn. This runs unchanged on a real MongoDB.
package lease

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// kept is how many generations below the current one stay stored, for the
// record; older ones are deleted.
const kept = 2

// Leases grants leases stored in one collection. Key is the document field
// holding the leased thing's name.
type Leases struct {
	Coll *mongo.Collection
	Key  string
}

// EnsureIndex creates the (Key, n) index the look-ups need, if missing.
func (l Leases) EnsureIndex(ctx context.Context) error {
	specs, err := l.Coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("lease: indexes of %s: %w", l.Coll.Name(), err)
	}
	name := l.Key + "_n"
	for _, s := range specs {
		if s.Name == name {
			return nil
		}
	}
	_, err = l.Coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: l.Key, Value: 1}, {Key: "n", Value: -1}}, Options: options.Index().SetName(name)})
	if err != nil {
		return fmt.Errorf("lease: index %s: %w", name, err)
	}
	return nil
}

type generation struct {
	ID     string `bson:"_id"`
	N      int64  `bson:"n"`
	Holder string `bson:"holder"`
	Until  int64  `bson:"until"` // Unix nanoseconds
}

func (l Leases) top(ctx context.Context, name string) (*generation, error) {
	var d generation
	err := l.Coll.FindOne(ctx, bson.M{l.Key: name}, options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", name, err)
	}
	return &d, nil
}

// Acquire gives holder the lease on name until `until` when the highest
// generation has expired at now or is holder's own, by inserting the next
// generation; it reports whether holder has the lease.
func (l Leases) Acquire(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		cur, err := l.top(ctx, name)
		if err != nil {
			return false, err
		}
		n := int64(1)
		if cur != nil {
			if cur.Holder != holder && cur.Until > now.UnixNano() {
				return false, nil
			}
			n = cur.N + 1
		}
		id := fmt.Sprintf("%s#%d", name, n)
		_, err = l.Coll.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: l.Key, Value: name},
			{Key: "n", Value: n}, {Key: "holder", Value: holder}, {Key: "until", Value: until.UnixNano()}})
		if mongo.IsDuplicateKeyError(err) {
			continue // someone took generation n first: look again
		}
		if err != nil {
			return false, fmt.Errorf("lease %s: %w", name, err)
		}
		if got, err := l.top(ctx, name); err != nil || got == nil || got.ID != id {
			_, _ = l.Coll.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": id, "holder": holder})
			return false, err
		}
		if n > kept+1 {
			_, _ = l.Coll.DeleteMany(ctx, bson.M{l.Key: name, "n": bson.M{"$lt": n - kept}})
		}
		return true, nil
	}
	return false, nil
}

// Release ends holder's lease on name early, so another holder need not
// wait for it to expire. Releasing a lease one does not hold does nothing.
func (l Leases) Release(ctx context.Context, name, holder string, now time.Time) error {
	cur, err := l.top(ctx, name)
	if err != nil || cur == nil || cur.Holder != holder {
		return err
	}
	// The next generation, already expired, marks the release.
	_, err = l.Coll.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s#%d", name, cur.N+1)}, {Key: l.Key, Value: name},
		{Key: "n", Value: cur.N + 1}, {Key: "holder", Value: ""}, {Key: "until", Value: now.UnixNano()}})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return err
}
