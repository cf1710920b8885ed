package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/auction"
)

// Store implements auction.WorkerStore on a MongoDB database.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	auctions *mongo.Collection
	bids     *mongo.Collection
	leases   *mongo.Collection
	notes    *mongo.Collection
	state    *mongo.Collection
}

var _ auction.WorkerStore = (*Store)(nil)

// Open connects to uri, uses database name, and makes sure the indexes exist.
func Open(ctx context.Context, uri, name string) (*Store, error) {
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(ctx)
		return nil, fmt.Errorf("mongodb: ping: %w", err)
	}
	s := New(client.Database(name))
	s.client = client
	if err := s.EnsureIndexes(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	return s, nil
}

// New returns a Store on db; the caller owns the client.
func New(db *mongo.Database) *Store {
	return &Store{db: db, auctions: db.Collection("auctions"), bids: db.Collection("auction_bids"),
		leases: db.Collection("auction_leases"), notes: db.Collection("auction_notes"), state: db.Collection("auction_state")}
}

// Close disconnects a Store made by Open.
func (s *Store) Close(ctx context.Context) error {
	if s.client == nil {
		return nil
	}
	return s.client.Disconnect(ctx)
}

// EnsureIndexes creates the missing indexes, one at a time: FerretDB's
// SQLite handler crashes when asked to create an index that exists.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, ix := range []struct {
		c    *mongo.Collection
		name string
		keys bson.D
	}{
		{s.auctions, "status_start", bson.D{{Key: "status", Value: 1}, {Key: "start", Value: 1}}},
		{s.bids, "auction_t", bson.D{{Key: "auction", Value: 1}, {Key: "t", Value: 1}}},
		{s.leases, "auction_n", bson.D{{Key: "auction", Value: 1}, {Key: "n", Value: -1}}},
		{s.notes, "version", bson.D{{Key: "version", Value: 1}}},
	} {
		specs, err := ix.c.Indexes().ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("mongodb: indexes of %s: %w", ix.c.Name(), err)
		}
		have := false
		for _, sp := range specs {
			have = have || sp.Name == ix.name
		}
		if have {
			continue
		}
		if _, err := ix.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name)}); err != nil {
			return fmt.Errorf("mongodb: index %s.%s: %w", ix.c.Name(), ix.name, err)
		}
	}
	return nil
}

type planDoc struct {
	ID     string `bson:"_id"`
	Status string `bson:"status"`
	Start  int64  `bson:"start"` // Unix nanoseconds
	Data   string `bson:"data"`  // the auction as JSON, bids left out
}

type bidDoc struct {
	ID      string `bson:"_id"`
	Auction string `bson:"auction"`
	T       int64  `bson:"t"` // the bid's time, Unix nanoseconds
	Data    string `bson:"data"`
	// Stamp marks a bid written since bids are stamped: Stored is its
	// commit time by the server's clock, absent until the stamp lands.
	// Bids written before lack both; see bid.
	Stamp  bool       `bson:"stamp,omitempty"`
	Stored *time.Time `bson:"stored,omitempty"`
}

// bid decodes d. A bid written before stamps existed counts as stored at its
// own time: it was validated within its turn, and those that were written
// too late were deleted then.
func (d *bidDoc) bid() (auction.Bid, error) {
	var b auction.Bid
	if err := json.Unmarshal([]byte(d.Data), &b); err != nil {
		return b, fmt.Errorf("mongodb: bid %s: %w", d.ID, err)
	}
	switch {
	case !d.Stamp:
		at := b.Time
		b.Stored = &at
	case d.Stored != nil:
		at := stampTime(*d.Stored)
		b.Stored = &at
	}
	return b, nil
}

// stampTime returns the commit time a BSON date stamp stands for. The
// server's clock is cut to milliseconds, so the commit happened within the
// millisecond that follows: its last nanosecond is the time, which never
// claims a bid was stored earlier than it was.
func stampTime(d time.Time) time.Time { return d.Add(time.Millisecond - time.Nanosecond) }

func planOf(a *auction.Auction) (planDoc, error) {
	p := *a
	p.Bids = nil
	data, err := json.Marshal(&p)
	if err != nil {
		return planDoc{}, err
	}
	return planDoc{ID: a.ID, Status: a.Status, Start: a.Start.UnixNano(), Data: string(data)}, nil
}

func (d *planDoc) auction() (*auction.Auction, error) {
	var a auction.Auction
	if err := json.Unmarshal([]byte(d.Data), &a); err != nil {
		return nil, fmt.Errorf("mongodb: auction %s: %w", d.ID, err)
	}
	return &a, nil
}

// Create stores a new auction; auction.ErrExists when its id is taken.
func (s *Store) Create(ctx context.Context, a *auction.Auction) error {
	d, err := planOf(a)
	if err != nil {
		return err
	}
	_, err = s.auctions.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: auction %s: %w", a.ID, auction.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("mongodb: create auction %s: %w", a.ID, err)
	}
	return nil
}

// Get returns an auction with its bids in the order they were made.
func (s *Store) Get(ctx context.Context, id string) (*auction.Auction, error) {
	var d planDoc
	err := s.auctions.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("mongodb: auction %s: %w", id, auction.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: get auction %s: %w", id, err)
	}
	a, err := d.auction()
	if err != nil {
		return nil, err
	}
	bids, err := s.bidsOf(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	a.Bids = bids[id]
	return a, nil
}

// bidsOf reads the bids of the given auctions, each in the order made. It
// asks for one auction at a time by equality: FerretDB hands an equality to
// PostgreSQL, but evaluates $in itself over the whole collection.
func (s *Store) bidsOf(ctx context.Context, ids []string) (map[string][]auction.Bid, error) {
	out := make(map[string][]auction.Bid, len(ids))
	for _, id := range ids {
		cur, err := s.bids.Find(ctx, bson.M{"auction": id},
			options.Find().SetSort(bson.D{{Key: "t", Value: 1}, {Key: "_id", Value: 1}}))
		if err != nil {
			return nil, fmt.Errorf("mongodb: bids of %s: %w", id, err)
		}
		var docs []bidDoc
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("mongodb: bids of %s: %w", id, err)
		}
		for _, d := range docs {
			b, err := d.bid()
			if err != nil {
				return nil, err
			}
			out[id] = append(out[id], b)
		}
	}
	return out, nil
}

// SavePlan replaces an auction's plan and status; its bids stay. Only the
// lease holder calls it, so a plain replace is safe.
func (s *Store) SavePlan(ctx context.Context, a *auction.Auction) error {
	d, err := planOf(a)
	if err != nil {
		return err
	}
	res, err := s.auctions.ReplaceOne(ctx, bson.M{"_id": a.ID}, d)
	if err != nil {
		return fmt.Errorf("mongodb: save auction %s: %w", a.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongodb: auction %s: %w", a.ID, auction.ErrNotFound)
	}
	return nil
}

// AddBid appends a bid and returns its commit time by the server's clock:
// a unique insert, so concurrent bids all land, then $currentDate on that
// one document by _id (its only writer), read back in the same step.
// auction.ErrExists when the bid id is taken. Should the stamp fail, the bid
// stays unstamped and never counts.
func (s *Store) AddBid(ctx context.Context, auctionID string, b auction.Bid) (time.Time, error) {
	b.Stored = nil
	data, err := json.Marshal(b)
	if err != nil {
		return time.Time{}, err
	}
	_, err = s.bids.InsertOne(ctx, bidDoc{ID: b.ID, Auction: auctionID, T: b.Time.UnixNano(), Data: string(data), Stamp: true})
	if mongo.IsDuplicateKeyError(err) {
		return time.Time{}, fmt.Errorf("mongodb: bid %s: %w", b.ID, auction.ErrExists)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("mongodb: add bid to %s: %w", auctionID, err)
	}
	var d bidDoc
	err = s.bids.FindOneAndUpdate(ctx, bson.M{"_id": b.ID}, bson.M{"$currentDate": bson.M{"stored": true}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d) // FerretDB: no projection here
	if err == nil && d.Stored == nil {
		err = errors.New("no stamp read back")
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("mongodb: stamping bid %s: %w", b.ID, err)
	}
	return stampTime(*d.Stored), nil
}

// running are the statuses of auctions not yet complete or cancelled.
var running = []string{auction.StatusScheduled, auction.StatusActive, auction.StatusFinished}

// list reads the running auctions, soonest first: one query per status, by
// equality (see bidsOf), so the cost does not grow with the auctions that
// are over.
func (s *Store) list(ctx context.Context, limit int, withBids bool) ([]*auction.Auction, error) {
	opts := options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	var docs []planDoc
	for _, st := range running {
		cur, err := s.auctions.Find(ctx, bson.M{"status": st}, opts)
		if err != nil {
			return nil, fmt.Errorf("mongodb: %s auctions: %w", st, err)
		}
		var some []planDoc
		if err := cur.All(ctx, &some); err != nil {
			return nil, fmt.Errorf("mongodb: %s auctions: %w", st, err)
		}
		docs = append(docs, some...)
	}
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].Start != docs[j].Start {
			return docs[i].Start < docs[j].Start
		}
		return docs[i].ID < docs[j].ID
	})
	if limit > 0 && len(docs) > limit {
		docs = docs[:limit]
	}
	out := make([]*auction.Auction, len(docs))
	ids := make([]string, len(docs))
	for i := range docs {
		var err error
		if out[i], err = docs[i].auction(); err != nil {
			return nil, err
		}
		ids[i] = docs[i].ID
	}
	if withBids && len(ids) > 0 {
		bids, err := s.bidsOf(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range out {
			a.Bids = bids[a.ID]
		}
	}
	return out, nil
}

// Active lists auctions not yet complete or cancelled, with their bids,
// soonest first.
func (s *Store) Active(ctx context.Context, limit int) ([]*auction.Auction, error) {
	return s.list(ctx, limit, true)
}

// Pending lists the same auctions' plans without bids.
func (s *Store) Pending(ctx context.Context, limit int) ([]*auction.Auction, error) {
	return s.list(ctx, limit, false)
}

type noteDoc struct {
	ID      string `bson:"_id"`
	Auction string `bson:"auction"`
	Version int64  `bson:"version"`
	Data    string `bson:"data"`
}

// AddNote records a note; one whose id is stored already is ignored.
func (s *Store) AddNote(ctx context.Context, n auction.Note) error {
	data, err := json.Marshal(n)
	if err != nil {
		return err
	}
	_, err = s.notes.InsertOne(ctx, noteDoc{ID: n.ID, Auction: n.AuctionID, Version: n.Version, Data: string(data)})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: note %s: %w", n.ID, err)
	}
	return nil
}

// Notes lists notes, oldest version first.
func (s *Store) Notes(ctx context.Context, limit int) ([]auction.Note, error) {
	opts := options.Find().SetSort(bson.D{{Key: "version", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := s.notes.Find(ctx, bson.M{}, opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: notes: %w", err)
	}
	var docs []noteDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongodb: notes: %w", err)
	}
	out := make([]auction.Note, len(docs))
	for i, d := range docs {
		if err := json.Unmarshal([]byte(d.Data), &out[i]); err != nil {
			return nil, fmt.Errorf("mongodb: note %s: %w", d.ID, err)
		}
	}
	return out, nil
}

// DeleteNote removes a note.
func (s *Store) DeleteNote(ctx context.Context, id string) error {
	if _, err := s.notes.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("mongodb: delete note %s: %w", id, err)
	}
	return nil
}

type stateDoc struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

// State returns record key; auction.ErrNotFound when there is none.
func (s *Store) State(ctx context.Context, key string) ([]byte, error) {
	var d stateDoc
	err := s.state.FindOne(ctx, bson.M{"_id": key}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("mongodb: state %s: %w", key, auction.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: state %s: %w", key, err)
	}
	return d.Data, nil
}

// PutState writes record key (its one writer holds a lease).
func (s *Store) PutState(ctx context.Context, key string, value []byte) error {
	_, err := s.state.ReplaceOne(ctx, bson.M{"_id": key}, stateDoc{ID: key, Data: value}, options.Replace().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		// Two upserts of a missing record raced on FerretDB; the other
		// inserted it: replace it now that it exists.
		_, err = s.state.ReplaceOne(ctx, bson.M{"_id": key}, stateDoc{ID: key, Data: value})
	}
	if err != nil {
		return fmt.Errorf("mongodb: state %s: %w", key, err)
	}
	return nil
}

// CreateState writes record key unless it exists (auction.ErrExists).
func (s *Store) CreateState(ctx context.Context, key string, value []byte) error {
	_, err := s.state.InsertOne(ctx, stateDoc{ID: key, Data: value})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: state %s: %w", key, auction.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("mongodb: state %s: %w", key, err)
	}
	return nil
}
