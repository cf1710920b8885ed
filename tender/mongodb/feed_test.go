package mongodb_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

func feedIDs(items []*tender.Tender) []string {
	ids := make([]string, len(items))
	for i, t := range items {
		ids[i] = t.ID
	}
	return ids
}

func mustFeed(t testing.TB, s *mongodb.Store, q tender.FeedQuery) tender.FeedPage {
	t.Helper()
	p, err := s.Feed(context.Background(), q)
	if err != nil {
		t.Fatalf("Feed(%+v): %v", q, err)
	}
	return p
}

// crawl follows Next from offset until an empty page and returns every item.
func crawl(t testing.TB, s *mongodb.Store, q tender.FeedQuery) ([]*tender.Tender, string) {
	t.Helper()
	var all []*tender.Tender
	for i := 0; i < 1000; i++ {
		p := mustFeed(t, s, q)
		if len(p.Items) == 0 {
			if p.Next != q.Offset && !(q.Descending && q.Offset == "") {
				t.Fatalf("empty page moved the cursor from %q to %q", q.Offset, p.Next)
			}
			return all, p.Next
		}
		if q.Limit > 0 && len(p.Items) > q.Limit {
			t.Fatalf("page of %d items exceeds limit %d", len(p.Items), q.Limit)
		}
		all = append(all, p.Items...)
		q.Offset = p.Next
	}
	t.Fatal("crawl did not end")
	return nil, ""
}

func reversed(s []string) []string {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

func TestFeed(t *testing.T) {
	s := newStore(t)

	// Descending from the top of an empty feed.
	if p := mustFeed(t, s, tender.FeedQuery{Descending: true, Limit: 10}); len(p.Items) != 0 {
		t.Fatalf("empty store: %v", feedIDs(p.Items))
	}
	if p := mustFeed(t, s, tender.FeedQuery{Limit: 10}); len(p.Items) != 0 || p.Next == "" {
		t.Fatalf("empty store ascending: items=%v next=%q", feedIDs(p.Items), p.Next)
	}

	var real, test, all []string
	add := func(id, mode string, status tender.Status) {
		tn := newTender(id, mode)
		tn.Status = status
		mustInsert(t, s, tn)
		if status == tender.StatusDraft {
			return
		}
		all = append(all, id)
		if mode == "test" {
			test = append(test, id)
		} else {
			real = append(real, id)
		}
	}
	add("r1", "", tender.StatusTendering)
	add("d1", "", tender.StatusDraft)
	add("r2", "", tender.StatusEnquiries)
	add("t1", "test", tender.StatusTendering)
	add("r3", "", tender.StatusComplete)
	add("dt", "test", tender.StatusDraft)
	add("t2", "test", tender.StatusCancelled)
	add("r4", "", tender.StatusTendering)
	add("r5", "", tender.StatusAwarded)

	for _, c := range []struct {
		mode string
		want []string
	}{{tender.FeedReal, real}, {tender.FeedTest, test}, {tender.FeedAll, all}} {
		p := mustFeed(t, s, tender.FeedQuery{Mode: c.mode, Limit: 100})
		if got := feedIDs(p.Items); !slices.Equal(got, c.want) {
			t.Errorf("mode %q: %v, want %v", c.mode, got, c.want)
		}
		var prev int64
		for _, it := range p.Items {
			if it.Seq <= prev {
				t.Errorf("mode %q: seq %d after %d: not ascending", c.mode, it.Seq, prev)
			}
			prev = it.Seq
			if it.Status == tender.StatusDraft {
				t.Errorf("mode %q lists draft %s", c.mode, it.ID)
			}
			if want := mustJSON(t, mustGet(t, s, it.ID)); mustJSON(t, it) != want {
				t.Errorf("feed item %s differs from Get", it.ID)
			}
		}
		// Paged with every limit, following Next, gives the same list.
		for limit := 1; limit <= 4; limit++ {
			items, _ := crawl(t, s, tender.FeedQuery{Mode: c.mode, Limit: limit})
			if got := feedIDs(items); !slices.Equal(got, c.want) {
				t.Errorf("mode %q limit %d: %v, want %v", c.mode, limit, got, c.want)
			}
			items, _ = crawl(t, s, tender.FeedQuery{Mode: c.mode, Limit: limit, Descending: true})
			if got := feedIDs(items); !slices.Equal(got, reversed(c.want)) {
				t.Errorf("mode %q limit %d descending: %v, want %v", c.mode, limit, got, reversed(c.want))
			}
		}
	}

	// Limit, Next and Prev.
	p1 := mustFeed(t, s, tender.FeedQuery{Limit: 2})
	if got := feedIDs(p1.Items); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Fatalf("page 1: %v", got)
	}
	if p1.Prev != strconv.FormatInt(p1.Items[0].Seq, 10) || p1.Next != strconv.FormatInt(p1.Items[1].Seq, 10) {
		t.Errorf("page 1 cursors prev=%q next=%q, items at %d..%d", p1.Prev, p1.Next, p1.Items[0].Seq, p1.Items[1].Seq)
	}
	p2 := mustFeed(t, s, tender.FeedQuery{Offset: p1.Next, Limit: 2})
	if got := feedIDs(p2.Items); !slices.Equal(got, []string{"r3", "r4"}) {
		t.Fatalf("page 2: %v", got)
	}
	back := mustFeed(t, s, tender.FeedQuery{Offset: p2.Prev, Limit: 2, Descending: true})
	if got := feedIDs(back.Items); !slices.Equal(got, []string{"r2", "r1"}) {
		t.Errorf("Prev of page 2, descending: %v, want [r2 r1]", got)
	}
	back2 := mustFeed(t, s, tender.FeedQuery{Offset: back.Next, Limit: 2, Descending: true})
	if len(back2.Items) != 0 {
		t.Errorf("before the first item: %v", feedIDs(back2.Items))
	}
	fwd := mustFeed(t, s, tender.FeedQuery{Offset: back.Prev, Limit: 2})
	if got := feedIDs(fwd.Items); !slices.Equal(got, []string{"r3", "r4"}) {
		t.Errorf("Prev of a descending page, ascending: %v, want [r3 r4]", got)
	}
	p3 := mustFeed(t, s, tender.FeedQuery{Offset: p2.Next, Limit: 2})
	if got := feedIDs(p3.Items); !slices.Equal(got, []string{"r5"}) {
		t.Fatalf("page 3: %v", got)
	}
	end := mustFeed(t, s, tender.FeedQuery{Offset: p3.Next, Limit: 2})
	if len(end.Items) != 0 || end.Next != p3.Next {
		t.Fatalf("past the end: items=%v next=%q, want none and %q", feedIDs(end.Items), end.Next, p3.Next)
	}

	// Descending from the top, continuing with Next.
	d1 := mustFeed(t, s, tender.FeedQuery{Descending: true, Limit: 2})
	if got := feedIDs(d1.Items); !slices.Equal(got, []string{"r5", "r4"}) {
		t.Fatalf("descending page 1: %v", got)
	}
	d2 := mustFeed(t, s, tender.FeedQuery{Offset: d1.Next, Descending: true, Limit: 2})
	if got := feedIDs(d2.Items); !slices.Equal(got, []string{"r3", "r2"}) {
		t.Fatalf("descending page 2: %v", got)
	}
	up := mustFeed(t, s, tender.FeedQuery{Offset: d1.Prev, Limit: 10})
	if len(up.Items) != 0 {
		t.Errorf("ascending from the top's Prev: %v, want none yet", feedIDs(up.Items))
	}

	// An updated tender moves to the end and appears once, at its new place;
	// a reader waiting at the end sees exactly the changes.
	mustSave(t, s, "r2", func(tn *tender.Tender) { tn.Title = "changed" })
	mustSave(t, s, "d1", func(tn *tender.Tender) { tn.Status = tender.StatusTendering }) // published
	mustSave(t, s, "dt", func(tn *tender.Tender) { tn.Title = "still a draft" })
	mustSave(t, s, "r1", func(tn *tender.Tender) { tn.Title = "changed too" })
	want := []string{"r3", "r4", "r5", "r2", "d1", "r1"}
	items, _ := crawl(t, s, tender.FeedQuery{Limit: 2})
	if got := feedIDs(items); !slices.Equal(got, want) {
		t.Fatalf("after updates: %v, want %v", got, want)
	}
	if items[3].Title != "changed" || items[3].Seq != mustGet(t, s, "r2").Seq {
		t.Errorf("moved item is not the newest version: %q seq %d", items[3].Title, items[3].Seq)
	}
	tail, _ := crawl(t, s, tender.FeedQuery{Offset: p3.Next, Limit: 10})
	if got := feedIDs(tail); !slices.Equal(got, []string{"r2", "d1", "r1"}) {
		t.Errorf("reader at the old end sees %v, want [r2 d1 r1]", got)
	}
	if got := feedIDs(mustFeed(t, s, tender.FeedQuery{Descending: true, Limit: 3}).Items); !slices.Equal(got, []string{"r1", "d1", "r2"}) {
		t.Errorf("descending after updates: %v", got)
	}

	// Bad cursors.
	for _, off := range []string{"abc", "-1", "1.5"} {
		for _, desc := range []bool{false, true} {
			_, err := s.Feed(context.Background(), tender.FeedQuery{Offset: off, Limit: 10, Descending: desc})
			if tender.ErrorCode(err) != tender.CodeInvalid {
				t.Errorf("offset %q (descending %v): err=%v, want invalid", off, desc, err)
			}
		}
	}
}

// The feed's tickets as the store keeps them: one document per feed number in
// feed_tickets, {_id: n, state: "pending"|"done", t: unix ms when taken}.
type feedTicket struct {
	ID    int64  `bson:"_id"`
	State string `bson:"state"`
	T     int64  `bson:"t"`
}

// pendingTickets returns the tickets still in flight.
func pendingTickets(t testing.TB, s *mongodb.Store) []feedTicket {
	t.Helper()
	ctx := context.Background()
	cur, err := s.Database().Collection("feed_tickets").Find(ctx, bson.M{"state": "pending"})
	if err != nil {
		t.Fatalf("feed tickets: %v", err)
	}
	var out []feedTicket
	if err := cur.All(ctx, &out); err != nil {
		t.Fatalf("feed tickets: %v", err)
	}
	return out
}

// takeTicket takes the next feed number the way a writer does and leaves it
// pending, taken at ms.
func takeTicket(t testing.TB, s *mongodb.Store, ms int64) feedTicket {
	t.Helper()
	ctx := context.Background()
	c := s.Database().Collection("feed_tickets")
	var last feedTicket
	if err := c.FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&last); err != nil {
		t.Fatalf("last feed ticket: %v (does the store still keep its feed numbers in feed_tickets?)", err)
	}
	tk := feedTicket{ID: last.ID + 1, State: "pending", T: ms}
	if _, err := c.InsertOne(ctx, tk); err != nil {
		t.Fatalf("take ticket: %v", err)
	}
	return tk
}

func TestFeedCrashedWriter(t *testing.T) {
	s := newStore(t)
	mustInsert(t, s, newTender("a", ""))
	p := mustFeed(t, s, tender.FeedQuery{Limit: 10})
	if got := feedIDs(p.Items); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("feed: %v", got)
	}
	cursor := p.Next
	if pending := pendingTickets(t, s); len(pending) != 0 {
		t.Fatalf("tickets left pending after a finished write: %+v", pending)
	}

	// A writer took a number and died long ago: its ticket has expired.
	dead := takeTicket(t, s, time.Now().Add(-mongodb.Lease-time.Second).UnixMilli())
	b := newTender("b", "")
	mustInsert(t, s, b)
	if b.Seq <= dead.ID {
		t.Fatalf("b got seq %d, not after the dead ticket %d", b.Seq, dead.ID)
	}
	p = mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10})
	if got := feedIDs(p.Items); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("feed after an expired ticket: %v, want [b] (the dead writer must not block it)", got)
	}
	cursor = p.Next

	// A live writer (fresh ticket) holds the feed back: later numbers wait.
	live := takeTicket(t, s, time.Now().UnixMilli())
	c := newTender("c", "")
	mustInsert(t, s, c)
	if c.Seq <= live.ID {
		t.Fatalf("c got seq %d, not after the live ticket %d", c.Seq, live.ID)
	}
	for i := 0; i < 2; i++ {
		p = mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10})
		if len(p.Items) != 0 || p.Next != cursor {
			t.Fatalf("feed passed a live in-flight number: %v next=%q", feedIDs(p.Items), p.Next)
		}
		if p := mustFeed(t, s, tender.FeedQuery{Descending: true, Limit: 10}); !slices.Equal(feedIDs(p.Items), []string{"b", "a"}) {
			t.Fatalf("descending feed passed a live in-flight number: %v", feedIDs(p.Items))
		}
	}
	// An update of an old tender waits too.
	mustSave(t, s, "a", func(tn *tender.Tender) { tn.Title = "changed" })
	if p := mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10}); len(p.Items) != 0 {
		t.Fatalf("feed passed a live in-flight number: %v", feedIDs(p.Items))
	}
	// Meanwhile the older part of the feed lists what it can: "a" moved past
	// the held number, so it is momentarily absent, never duplicated.
	if got := feedIDs(mustFeed(t, s, tender.FeedQuery{Limit: 10}).Items); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("feed from the start while held: %v, want [b]", got)
	}

	// The writer finishes: its ticket is done and the feed moves on.
	res, err := s.Database().Collection("feed_tickets").UpdateOne(context.Background(),
		bson.M{"_id": live.ID}, bson.M{"$set": bson.M{"state": "done"}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("finish ticket: %v %+v", err, res)
	}
	p = mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10})
	if got := feedIDs(p.Items); !slices.Equal(got, []string{"c", "a"}) {
		t.Fatalf("feed after the ticket was done: %v, want [c a]", got)
	}
	if p.Items[1].Title != "changed" {
		t.Errorf("a: %q, want the changed version", p.Items[1].Title)
	}

	// Still, a live ticket that never finishes holds the feed for Lease at
	// most: one taken just under Lease ago blocks, one just over does not.
	cursor = p.Next
	almost := takeTicket(t, s, time.Now().Add(-mongodb.Lease+5*time.Second).UnixMilli())
	mustInsert(t, s, newTender("d", ""))
	if p := mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10}); len(p.Items) != 0 {
		t.Fatalf("feed passed a ticket taken %v ago: %v", mongodb.Lease-5*time.Second, feedIDs(p.Items))
	}
	if _, err := s.Database().Collection("feed_tickets").UpdateOne(context.Background(),
		bson.M{"_id": almost.ID}, bson.M{"$set": bson.M{"t": time.Now().Add(-mongodb.Lease - time.Second).UnixMilli()}}); err != nil {
		t.Fatal(err)
	}
	if got := feedIDs(mustFeed(t, s, tender.FeedQuery{Offset: cursor, Limit: 10}).Items); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("feed once the ticket expired: %v, want [d]", got)
	}
}
