package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/tender"
)

// Lease is how long a feed number may stay in flight before readers take its
// writer for dead.
const Lease = 30 * time.Second

// Store implements tender.Store on a MongoDB database.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	tenders   *mongo.Collection
	revisions *mongo.Collection
	tickets   *mongo.Collection
	counters  *mongo.Collection
	now       func() time.Time
	takeMu    sync.Mutex // serialises this process's feed-number takes
}

var _ tender.Store = (*Store)(nil)

// Open connects to uri, uses database name, and makes sure the indexes exist.
func Open(ctx context.Context, uri, name string) (*Store, error) {
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(ctx)
		return nil, fmt.Errorf("mongodb: ping %s: %w", uri, err)
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
	return &Store{db: db, tenders: db.Collection("tenders"), revisions: db.Collection("revisions"),
		tickets: db.Collection("feed_tickets"), counters: db.Collection("counters"), now: time.Now}
}

// Close disconnects a Store made by Open.
func (s *Store) Close(ctx context.Context) error {
	if s.client == nil {
		return nil
	}
	return s.client.Disconnect(ctx)
}

// Database returns the underlying database.
func (s *Store) Database() *mongo.Database { return s.db }

// EnsureIndexes creates the indexes the queries need. It creates only the
// missing ones, one at a time: FerretDB's SQLite handler crashes when asked to
// create an index set that partly exists.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	want := []mongo.IndexModel{
		{Keys: bson.D{{Key: "seq", Value: 1}}, Options: options.Index().SetName("seq")},
		{Keys: bson.D{{Key: "public", Value: 1}, {Key: "test", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetName("feed")},
		{Keys: bson.D{{Key: "next_check", Value: 1}}, Options: options.Index().SetName("next_check")},
		{Keys: bson.D{{Key: "tenderID", Value: 1}}, Options: options.Index().SetName("tenderID").SetUnique(true)},
	}
	if err := ensure(ctx, s.tenders, want); err != nil {
		return err
	}
	if err := ensure(ctx, s.counters, []mongo.IndexModel{
		{Keys: bson.D{{Key: "name", Value: 1}, {Key: "n", Value: 1}}, Options: options.Index().SetName("name_n")},
	}); err != nil {
		return err
	}
	if err := ensure(ctx, s.revisions, []mongo.IndexModel{
		{Keys: bson.D{{Key: "tender", Value: 1}, {Key: "rev", Value: 1}}, Options: options.Index().SetName("tender_rev")},
	}); err != nil {
		return err
	}
	return ensure(ctx, s.tickets, []mongo.IndexModel{
		{Keys: bson.D{{Key: "state", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("state")},
	})
}

func ensure(ctx context.Context, c *mongo.Collection, want []mongo.IndexModel) error {
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongodb: indexes of %s: %w", c.Name(), err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
	}
	for _, m := range want {
		if have[*m.Options.Name] {
			continue
		}
		if _, err := c.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("mongodb: index %s.%s: %w", c.Name(), *m.Options.Name, err)
		}
	}
	return nil
}

type revisionDoc struct {
	ID      string    `bson:"_id"` // "<tender id>:<rev>"
	Tender  string    `bson:"tender"`
	Rev     int64     `bson:"rev"`
	Author  string    `bson:"author"`
	Date    time.Time `bson:"date"`
	Claimed time.Time `bson:"claimed"` // when the writer claimed it, by the store's clock
	Changes string    `bson:"changes"`
}

type tenderDoc struct {
	ID           string               `bson:"_id"`
	Rev          int64                `bson:"rev"`
	Seq          int64                `bson:"seq"`
	TenderID     string               `bson:"tenderID"`
	Status       string               `bson:"status"`
	Public       bool                 `bson:"public"`
	Test         bool                 `bson:"test"`
	Owner        string               `bson:"owner"`
	NextCheck    *time.Time           `bson:"next_check"`
	DateModified time.Time            `bson:"dateModified"`
	Data         string               `bson:"data"`
	BidCommits   map[string]time.Time `bson:"bid_commits,omitempty"`
	StampBid     string               `bson:"stamp_bid,omitempty"`
	StampedAt    *time.Time           `bson:"stamped_at,omitempty"`
}

func (d *tenderDoc) tender() (*tender.Tender, error) {
	var t tender.Tender
	if err := json.Unmarshal([]byte(d.Data), &t); err != nil {
		return nil, fmt.Errorf("mongodb: tender %s: %w", d.ID, err)
	}
	t.Revision, t.Seq = d.Rev, d.Seq
	t.BidCommits = d.commits()
	return &t, nil
}

// commits merges the latest stamp into the recorded bid commit times.
// FerretDB cannot $currentDate a nested path, so the newest stamp sits in
// stamp_bid/stamped_at and moves into bid_commits with the next write.
func (d *tenderDoc) commits() map[string]time.Time {
	if d.StampBid == "" || d.StampedAt == nil {
		return d.BidCommits
	}
	out := make(map[string]time.Time, len(d.BidCommits)+1)
	for k, v := range d.BidCommits {
		out[k] = v
	}
	out[d.StampBid] = *d.StampedAt
	return out
}

// fields returns the queried projection of t and its JSON.
func fields(t *tender.Tender) (bson.M, error) {
	data, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return bson.M{
		"tenderID":     t.TenderID,
		"status":       string(t.Status),
		"public":       t.Status != tender.StatusDraft,
		"test":         t.Mode == "test",
		"owner":        t.Owner,
		"next_check":   t.NextCheck,
		"dateModified": t.DateModified,
		"data":         string(data),
	}, nil
}

func revDoc(id string, r tender.Revision) revisionDoc {
	return revisionDoc{ID: fmt.Sprintf("%s:%d", id, r.Rev), Tender: id, Rev: r.Rev, Author: r.Author, Date: r.Date, Changes: string(r.Changes)}
}

// Insert stores a new tender.
func (s *Store) Insert(ctx context.Context, t *tender.Tender, rev tender.Revision) error {
	f, err := fields(t)
	if err != nil {
		return err
	}
	rev.Rev = 1
	if err := s.claim(ctx, t.ID, 0, rev); err != nil {
		return err
	}
	tk, err := s.take(ctx)
	if err != nil {
		_, _ = s.revisions.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": t.ID + ":1"})
		return err
	}
	f["_id"], f["rev"], f["seq"] = t.ID, int64(1), tk.ID
	_, err = s.tenders.InsertOne(ctx, f)
	s.release(ctx, t.ID, tk, err == nil)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: insert %s: %w", t.ID, tender.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: insert %s: %w", t.ID, err)
	}
	t.Revision, t.Seq = 1, tk.ID
	return nil
}

// claim records revision rev of tender id, which must currently be at
// revision cur. Losing the insert race means another write got there first.
func (s *Store) claim(ctx context.Context, id string, cur int64, rev tender.Revision) error {
	d := revDoc(id, rev)
	d.Claimed = s.now()
	for attempt := 0; ; attempt++ {
		_, err := s.revisions.InsertOne(ctx, d)
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("mongodb: revision %s: %w", d.ID, err)
		}
		if attempt > 0 || !s.reclaim(ctx, id, cur, d.ID) {
			return tender.ErrConflict
		}
	}
}

// reclaim removes the record of revision claimID when its writer died before
// writing the tender: the tender is still at revision cur and the record is
// older than Lease.
func (s *Store) reclaim(ctx context.Context, id string, cur int64, claimID string) bool {
	var old revisionDoc
	if err := s.revisions.FindOne(ctx, bson.M{"_id": claimID}).Decode(&old); err != nil {
		return false
	}
	if s.now().Sub(old.Claimed) < Lease {
		return false
	}
	if cur > 0 {
		n, err := s.tenders.CountDocuments(ctx, bson.M{"_id": id, "rev": cur})
		if err != nil || n == 0 {
			return false
		}
	} else if n, err := s.tenders.CountDocuments(ctx, bson.M{"_id": id}); err != nil || n > 0 {
		return false
	}
	res, err := s.revisions.DeleteOne(ctx, bson.M{"_id": claimID, "claimed": old.Claimed})
	return err == nil && res.DeletedCount == 1
}

// Get loads a tender.
func (s *Store) Get(ctx context.Context, id string) (*tender.Tender, error) {
	var d tenderDoc
	err := s.tenders.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, tender.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: get %s: %w", id, err)
	}
	return d.tender()
}

// Save replaces the tender if nobody changed it since it was read.
func (s *Store) Save(ctx context.Context, t *tender.Tender, rev tender.Revision, opt tender.SaveOptions) error {
	f, err := fields(t)
	if err != nil {
		return err
	}
	rev.Rev = t.Revision + 1
	if err := s.claim(ctx, t.ID, t.Revision, rev); err != nil {
		if tender.ErrorCode(err) == tender.CodeConflict {
			if n, cerr := s.tenders.CountDocuments(ctx, bson.M{"_id": t.ID}); cerr == nil && n == 0 {
				return tender.ErrNotFound
			}
		}
		return err
	}
	claimID := fmt.Sprintf("%s:%d", t.ID, rev.Rev)
	unclaim := func() { _, _ = s.revisions.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": claimID}) }
	tk, err := s.take(ctx)
	if err != nil {
		unclaim()
		return err
	}
	f["rev"], f["seq"] = rev.Rev, tk.ID
	f["bid_commits"] = t.BidCommits
	update := bson.M{"$set": f}
	if opt.StampBid != "" {
		f["stamp_bid"] = opt.StampBid
		update["$currentDate"] = bson.M{"stamped_at": true}
	} else {
		update["$unset"] = bson.M{"stamp_bid": "", "stamped_at": ""}
	}
	// This write owns revision rev.Rev: no other writer touches the document
	// until it is visible, so a plain update by _id is safe.
	res, err := s.tenders.UpdateOne(ctx, bson.M{"_id": t.ID, "rev": t.Revision}, update)
	s.release(ctx, t.ID, tk, err == nil && res.MatchedCount == 1)
	if err != nil {
		return fmt.Errorf("mongodb: save %s: %w", t.ID, err)
	}
	if res.MatchedCount == 0 {
		unclaim()
		if n, cerr := s.tenders.CountDocuments(ctx, bson.M{"_id": t.ID}); cerr == nil && n == 0 {
			return tender.ErrNotFound
		}
		return fmt.Errorf("mongodb: save %s: revision %d claimed but the document moved: %w", t.ID, rev.Rev, tender.ErrConflict)
	}
	t.Revision, t.Seq = rev.Rev, tk.ID
	if opt.StampBid == "" {
		return nil
	}
	var d tenderDoc
	err = s.tenders.FindOne(ctx, bson.M{"_id": t.ID}, options.FindOne().SetProjection(bson.M{"bid_commits": 1, "stamp_bid": 1, "stamped_at": 1})).Decode(&d)
	if err != nil {
		return fmt.Errorf("mongodb: save %s: reading the bid's commit time: %w", t.ID, err)
	}
	t.BidCommits = d.commits()
	return nil
}

// NextSequence returns the next number of the named counter. Each number is
// claimed by inserting a unique record, the one atomic step on FerretDB.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	for attempt := 0; ; attempt++ {
		var last struct {
			N int64 `bson:"n"`
		}
		err := s.counters.FindOne(ctx, bson.M{"name": name}, options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&last)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return 0, fmt.Errorf("mongodb: sequence %s: %w", name, err)
		}
		n := last.N + 1
		_, err = s.counters.InsertOne(ctx, bson.M{"_id": fmt.Sprintf("%s:%d", name, n), "name": name, "n": n})
		if err == nil {
			return n, nil
		}
		if !mongo.IsDuplicateKeyError(err) || attempt > 1000 {
			return 0, fmt.Errorf("mongodb: sequence %s: %w", name, err)
		}
	}
}

// Revisions returns a tender's audit trail.
func (s *Store) Revisions(ctx context.Context, id string) ([]tender.Revision, error) {
	var cur int64
	var d tenderDoc
	err := s.tenders.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"rev": 1})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, tender.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: revisions %s: %w", id, err)
	}
	cur = d.Rev
	c, err := s.revisions.Find(ctx, bson.M{"tender": id, "rev": bson.M{"$lte": cur}}, options.Find().SetSort(bson.D{{Key: "rev", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("mongodb: revisions %s: %w", id, err)
	}
	var docs []revisionDoc
	if err := c.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongodb: revisions %s: %w", id, err)
	}
	out := make([]tender.Revision, len(docs))
	for i, r := range docs {
		out[i] = tender.Revision{Rev: r.Rev, Author: r.Author, Date: r.Date, Changes: json.RawMessage(r.Changes)}
	}
	return out, nil
}

// Due returns the ids of tenders whose next_check has come.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]string, error) {
	cur, err := s.tenders.Find(ctx, bson.M{"next_check": bson.M{"$lte": now}},
		options.Find().SetSort(bson.D{{Key: "next_check", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("mongodb: due: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongodb: due: %w", err)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
