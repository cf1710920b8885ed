package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/tender"
)

// Ticket states.
const (
	pending = "pending"
	done    = "done"
)

// ticket is a feed number: pending while its write is in flight.
type ticket struct {
	ID    int64  `bson:"_id"`
	State string `bson:"state"`
	T     int64  `bson:"t"` // when it was taken, unix ms
}

// take reserves the next feed number by inserting it as a pending ticket; the
// unique _id makes the number this writer's alone.
func (s *Store) take(ctx context.Context) (ticket, error) {
	s.takeMu.Lock() // spares this process's writers from racing each other
	defer s.takeMu.Unlock()
	for attempt := 0; ; attempt++ {
		last, err := s.lastTicket(ctx)
		if err != nil {
			return ticket{}, err
		}
		tk := ticket{ID: last + 1, State: pending, T: s.now().UnixMilli()}
		_, err = s.tickets.InsertOne(ctx, tk)
		if err == nil {
			return tk, nil
		}
		if !mongo.IsDuplicateKeyError(err) || attempt > 1000 {
			return ticket{}, fmt.Errorf("mongodb: feed ticket: %w", err)
		}
	}
}

func (s *Store) lastTicket(ctx context.Context) (int64, error) {
	var last ticket
	err := s.tickets.FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&last)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mongodb: feed ticket: %w", err)
	}
	return last.ID, nil
}

// release marks tk done. When the write landed after its ticket expired,
// readers may have passed its number already, so the tender is stamped again
// with a fresh number.
func (s *Store) release(ctx context.Context, id string, tk ticket, written bool) {
	ctx = context.WithoutCancel(ctx)
	if written && s.now().UnixMilli()-tk.T > Lease.Milliseconds() {
		if fresh, err := s.take(ctx); err == nil {
			_, _ = s.tenders.UpdateOne(ctx, bson.M{"_id": id, "seq": tk.ID}, bson.M{"$set": bson.M{"seq": fresh.ID}})
			s.release(ctx, id, fresh, false)
		}
	}
	// A ticket left pending (this update failed) expires after Lease.
	_, _ = s.tickets.UpdateOne(ctx, bson.M{"_id": tk.ID}, bson.M{"$set": bson.M{"state": done}})
}

// bound returns the highest feed number below which every write has landed:
// the highest ticket, or just under the lowest one still pending.
func (s *Store) bound(ctx context.Context) (int64, error) {
	b, err := s.lastTicket(ctx) // first: tickets taken after this read are above it
	if err != nil {
		return 0, err
	}
	cutoff := s.now().UnixMilli() - Lease.Milliseconds()
	var low ticket
	err = s.tickets.FindOne(ctx, bson.M{"state": pending, "t": bson.M{"$gte": cutoff}},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: 1}})).Decode(&low)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return 0, fmt.Errorf("mongodb: feed bound: %w", err)
	case low.ID-1 < b:
		b = low.ID - 1
	}
	return b, nil
}

// PruneTickets deletes done tickets older than the newest keep ones; the
// highest ticket always stays, since it carries the feed's position.
func (s *Store) PruneTickets(ctx context.Context, keep int64) error {
	last, err := s.lastTicket(ctx)
	if err != nil {
		return err
	}
	_, err = s.tickets.DeleteMany(ctx, bson.M{"_id": bson.M{"$lt": last - keep}, "$or": bson.A{
		bson.M{"state": done}, bson.M{"t": bson.M{"$lt": s.now().Add(-10 * Lease).UnixMilli()}},
	}})
	return err
}

// Feed returns a page of public tenders ordered by their feed number.
func (s *Store) Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error) {
	offset, err := tender.ParseFeedOffset(q.Offset)
	if err != nil {
		return tender.FeedPage{}, err
	}
	bound, err := s.bound(ctx)
	if err != nil {
		return tender.FeedPage{}, err
	}
	filter := bson.M{"public": true}
	switch q.Mode {
	case tender.FeedReal:
		filter["test"] = false
	case tender.FeedTest:
		filter["test"] = true
	}
	dir := 1
	if q.Descending {
		dir = -1
		seq := bson.M{"$lte": bound}
		if q.Offset != "" {
			seq = bson.M{"$lt": min(offset, bound+1)}
		}
		filter["seq"] = seq
	} else {
		filter["seq"] = bson.M{"$gt": offset, "$lte": bound}
	}
	cur, err := s.tenders.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "seq", Value: dir}}).SetLimit(int64(q.Limit)))
	if err != nil {
		return tender.FeedPage{}, fmt.Errorf("mongodb: feed: %w", err)
	}
	var docs []tenderDoc
	if err := cur.All(ctx, &docs); err != nil {
		return tender.FeedPage{}, fmt.Errorf("mongodb: feed: %w", err)
	}
	page := tender.FeedPage{Items: make([]*tender.Tender, 0, len(docs))}
	for i := range docs {
		t, err := docs[i].tender()
		if err != nil {
			return tender.FeedPage{}, err
		}
		page.Items = append(page.Items, t)
	}
	var first, last int64
	if len(docs) > 0 {
		first, last = docs[0].Seq, docs[len(docs)-1].Seq
	}
	page.SetCursors(q, offset, first, last, bound)
	return page, nil
}
