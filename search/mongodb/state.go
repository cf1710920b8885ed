// Package mongodb keeps the search indexers' shared State in MongoDB (or
// FerretDB): feed cursors, partition leases and the red-flag statistics.
//
// Collections: `search_leases` (lease generations, see package lease),
// `search_state` ({_id: "<ns>|cursor:<name>", value} and {_id:
// "<ns>|stats", value, at}), where ns names the set of indexes. Every write is a whole-document upsert by _id; only a lease holder
// writes its partition's cursor.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender/mongodb/lease"
)

// State implements search.State.
type State struct {
	leases lease.Leases
	state  *mongo.Collection
	ns     string
}

var _ search.State = (*State)(nil)

// New returns the State of the indexes named ns (cursors and statistics
// belong to one set of indexes: another cluster, or a fresh embedded index,
// starts from the beginning) in db, and makes sure its index exists.
func New(ctx context.Context, db *mongo.Database, ns string) (*State, error) {
	s := &State{leases: lease.Leases{Coll: db.Collection("search_leases"), Key: "name"}, state: db.Collection("search_state"), ns: ns + "|"}
	if err := s.leases.EnsureIndex(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Lease implements search.State.
func (s *State) Lease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	return s.leases.Acquire(ctx, s.ns+name, holder, now, until)
}

// Release implements search.State.
func (s *State) Release(ctx context.Context, name, holder string, now time.Time) error {
	return s.leases.Release(ctx, s.ns+name, holder, now)
}

type record struct {
	ID    string    `bson:"_id"`
	Value string    `bson:"value"`
	At    time.Time `bson:"at,omitempty"`
}

func (s *State) get(ctx context.Context, id string) (*record, error) {
	var r record
	err := s.state.FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: search state %s: %w", id, err)
	}
	return &r, nil
}

func (s *State) put(ctx context.Context, r record) error {
	_, err := s.state.ReplaceOne(ctx, bson.M{"_id": r.ID}, r, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongodb: search state %s: %w", r.ID, err)
	}
	return nil
}

// Cursor implements search.State.
func (s *State) Cursor(ctx context.Context, name string) (string, error) {
	r, err := s.get(ctx, s.ns+"cursor:"+name)
	if r == nil || err != nil {
		return "", err
	}
	return r.Value, nil
}

// SetCursor implements search.State.
func (s *State) SetCursor(ctx context.Context, name, cursor string) error {
	return s.put(ctx, record{ID: s.ns + "cursor:" + name, Value: cursor})
}

// Stats implements search.State. The statistics are kept as one JSON
// string: MongoDB's 16 MB document limit bounds them (about a hundred
// thousand tenderers' aggregates).
func (s *State) Stats(ctx context.Context) ([]byte, time.Time, error) {
	r, err := s.get(ctx, s.ns+"stats")
	if r == nil || err != nil {
		return nil, time.Time{}, err
	}
	return []byte(r.Value), r.At, nil
}

// SetStats implements search.State.
func (s *State) SetStats(ctx context.Context, stats []byte, at time.Time) error {
	return s.put(ctx, record{ID: s.ns + "stats", Value: string(stats), At: at.UTC()})
}
