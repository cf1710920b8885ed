package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/tender"
)

const feedCounter = "feed"

// ticket is a feed number in flight: S the number, T when it was taken (ms).
type ticket struct {
	S int64 `bson:"s"`
	T int64 `bson:"t"`
}

type feedDoc struct {
	N        int64    `bson:"n"`
	Inflight []ticket `bson:"inflight"`
}

// take reserves the next feed number and registers it as in flight, in one
// atomic compare-and-set on the counter document.
func (s *Store) take(ctx context.Context) (ticket, error) {
	s.takeMu.Lock()
	defer s.takeMu.Unlock()
	for attempt := 0; ; attempt++ {
		var cur feedDoc
		err := s.counters.FindOne(ctx, bson.M{"_id": feedCounter}).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) {
			_, err = s.counters.InsertOne(ctx, bson.M{"_id": feedCounter, "n": int64(0), "inflight": bson.A{}})
			if err != nil && !mongo.IsDuplicateKeyError(err) {
				return ticket{}, fmt.Errorf("mongodb: feed counter: %w", err)
			}
			continue
		}
		if err != nil {
			return ticket{}, fmt.Errorf("mongodb: feed counter: %w", err)
		}
		tk := ticket{S: cur.N + 1, T: s.now().UnixMilli()}
		res, err := s.counters.UpdateOne(ctx, bson.M{"_id": feedCounter, "n": cur.N},
			bson.M{"$set": bson.M{"n": tk.S}, "$push": bson.M{"inflight": tk}})
		if err != nil {
			return ticket{}, fmt.Errorf("mongodb: feed counter: %w", err)
		}
		if res.ModifiedCount == 1 {
			return tk, nil
		}
		if err := ctx.Err(); err != nil {
			return ticket{}, err
		}
		if attempt > 3 {
			time.Sleep(time.Duration(attempt%8) * time.Millisecond)
		}
	}
}

// release deregisters tk. When the write landed after its ticket expired,
// readers may have passed its number already, so the tender is stamped again
// with a fresh number.
func (s *Store) release(ctx context.Context, id string, tk ticket, written bool) {
	ctx = context.WithoutCancel(ctx)
	expired := s.now().UnixMilli()-tk.T > Lease.Milliseconds()
	if written && expired {
		if fresh, err := s.take(ctx); err == nil {
			_, _ = s.tenders.UpdateOne(ctx, bson.M{"_id": id, "seq": tk.S}, bson.M{"$set": bson.M{"seq": fresh.S}})
			s.release(ctx, id, fresh, false)
		}
	}
	// A failed pull leaves the ticket to expire: the feed waits at most Lease.
	_, _ = s.counters.UpdateOne(ctx, bson.M{"_id": feedCounter}, bson.M{"$pull": bson.M{"inflight": tk}})
}

// bound returns the highest feed number below which every write has landed.
func (s *Store) bound(ctx context.Context) (int64, error) {
	var cur feedDoc
	err := s.counters.FindOne(ctx, bson.M{"_id": feedCounter}).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mongodb: feed bound: %w", err)
	}
	b := cur.N
	cutoff := s.now().UnixMilli() - Lease.Milliseconds()
	for _, tk := range cur.Inflight {
		if tk.T < cutoff {
			// Its writer died; clear it so the list does not grow.
			_, _ = s.counters.UpdateOne(ctx, bson.M{"_id": feedCounter}, bson.M{"$pull": bson.M{"inflight": tk}})
			continue
		}
		if tk.S-1 < b {
			b = tk.S - 1
		}
	}
	return b, nil
}

// Feed returns a page of public tenders ordered by their feed number.
func (s *Store) Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error) {
	offset, err := parseOffset(q.Offset)
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
	cur, err := s.tenders.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "seq", Value: dir}}).SetLimit(int64(q.Limit)).SetProjection(bson.M{"revisions": 0}))
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
	switch {
	case len(docs) > 0:
		page.Next = strconv.FormatInt(docs[len(docs)-1].Seq, 10)
		page.Prev = strconv.FormatInt(docs[0].Seq, 10)
	case q.Descending:
		page.Next, page.Prev = q.Offset, q.Offset
		if q.Offset == "" {
			page.Next = "0"
		}
	default:
		page.Next, page.Prev = strconv.FormatInt(offset, 10), strconv.FormatInt(offset, 10)
	}
	return page, nil
}
