package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	client   *mongo.Client
	db       *mongo.Database
	tenders  *mongo.Collection
	counters *mongo.Collection
	now      func() time.Time
	takeMu   sync.Mutex // serialises this process's feed-number takes
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
	return &Store{db: db, tenders: db.Collection("tenders"), counters: db.Collection("counters"), now: time.Now}
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

// EnsureIndexes creates the indexes the queries need.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	_, err := s.tenders.Indexes().CreateMany(ctx, []mongo.IndexModel{
		{Keys: bson.D{{Key: "seq", Value: 1}}},
		{Keys: bson.D{{Key: "public", Value: 1}, {Key: "test", Value: 1}, {Key: "seq", Value: 1}}},
		{Keys: bson.D{{Key: "next_check", Value: 1}}},
		{Keys: bson.D{{Key: "tenderID", Value: 1}}, Options: options.Index().SetUnique(true)},
	})
	if err != nil {
		return fmt.Errorf("mongodb: indexes: %w", err)
	}
	return nil
}

type revisionDoc struct {
	Rev     int64     `bson:"rev"`
	Author  string    `bson:"author"`
	Date    time.Time `bson:"date"`
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
	Revisions    []revisionDoc        `bson:"revisions,omitempty"`
}

func (d *tenderDoc) tender() (*tender.Tender, error) {
	var t tender.Tender
	if err := json.Unmarshal([]byte(d.Data), &t); err != nil {
		return nil, fmt.Errorf("mongodb: tender %s: %w", d.ID, err)
	}
	t.Revision, t.Seq, t.BidCommits = d.Rev, d.Seq, d.BidCommits
	return &t, nil
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

func revDoc(r tender.Revision) revisionDoc {
	return revisionDoc{Rev: r.Rev, Author: r.Author, Date: r.Date, Changes: string(r.Changes)}
}

// Insert stores a new tender.
func (s *Store) Insert(ctx context.Context, t *tender.Tender, rev tender.Revision) error {
	f, err := fields(t)
	if err != nil {
		return err
	}
	tk, err := s.take(ctx)
	if err != nil {
		return err
	}
	f["_id"], f["rev"], f["seq"] = t.ID, int64(1), tk.S
	f["revisions"] = []revisionDoc{revDoc(rev)}
	_, err = s.tenders.InsertOne(ctx, f)
	if err == nil {
		t.Revision, t.Seq = 1, tk.S
	}
	s.release(ctx, t.ID, tk, err == nil)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: insert %s: %w", t.ID, tender.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: insert %s: %w", t.ID, err)
	}
	return nil
}

var noRevisions = options.FindOne().SetProjection(bson.M{"revisions": 0})

// Get loads a tender.
func (s *Store) Get(ctx context.Context, id string) (*tender.Tender, error) {
	var d tenderDoc
	err := s.tenders.FindOne(ctx, bson.M{"_id": id}, noRevisions).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, tender.NotFound("tender_id")
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
	tk, err := s.take(ctx)
	if err != nil {
		return err
	}
	f["rev"], f["seq"] = t.Revision+1, tk.S
	update := bson.M{"$set": f, "$push": bson.M{"revisions": revDoc(rev)}}
	if opt.StampBid != "" {
		update["$currentDate"] = bson.M{"bid_commits." + opt.StampBid: true}
	}
	var d tenderDoc
	err = s.tenders.FindOneAndUpdate(ctx, bson.M{"_id": t.ID, "rev": t.Revision}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After).SetProjection(bson.M{"rev": 1, "seq": 1, "bid_commits": 1}),
	).Decode(&d)
	s.release(ctx, t.ID, tk, err == nil)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if n, cerr := s.tenders.CountDocuments(ctx, bson.M{"_id": t.ID}); cerr == nil && n == 0 {
			return tender.NotFound("tender_id")
		}
		return tender.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("mongodb: save %s: %w", t.ID, err)
	}
	t.Revision, t.Seq, t.BidCommits = d.Rev, d.Seq, d.BidCommits
	return nil
}

// NextSequence increments and returns the named counter.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.counters.FindOneAndUpdate(ctx, bson.M{"_id": "seq:" + name}, bson.M{"$inc": bson.M{"n": int64(1)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return 0, fmt.Errorf("mongodb: sequence %s: %w", name, err)
	}
	return d.N, nil
}

// Revisions returns a tender's audit trail.
func (s *Store) Revisions(ctx context.Context, id string) ([]tender.Revision, error) {
	var d tenderDoc
	err := s.tenders.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"revisions": 1})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, tender.NotFound("tender_id")
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: revisions %s: %w", id, err)
	}
	out := make([]tender.Revision, len(d.Revisions))
	for i, r := range d.Revisions {
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

func parseOffset(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, &tender.Error{Code: tender.CodeInvalid, Errors: []tender.FieldError{{Location: "query", Name: "offset", Description: "Offset must be a cursor returned in next_page or prev_page"}}}
	}
	return n, nil
}
