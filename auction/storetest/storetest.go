// Package storetest is the contract every auction.WorkerStore keeps, run by
// the tests of auction/memory and auction/mongodb: plans round-trip exactly,
// bids are appended and never lost under concurrency, each stamped with its
// commit time by the store's own clock, and a lease has exactly one holder
// until it expires.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

// Opener returns a fresh, empty store for one test, a function that opens
// another handle on that same store (another connection, as another process
// would have), and the store's clock.
type Opener func(t *testing.T) (auction.WorkerStore, func() auction.WorkerStore, Clock)

// Clock is the store's own clock, the one that stamps bids, as a test reads
// it: Now reads it, and a stamp may lie up to Skew outside the readings taken
// around AddBid (0 for a clock the test injects into the store; for a
// database server, how far its clock may be from the test's, plus the
// stamp's precision).
type Clock struct {
	Now  func() time.Time
	Skew time.Duration
}

// Run runs the contract against stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"PlanRoundTrip", testPlanRoundTrip},
		{"Bids", testBids},
		{"Stamps", testStamps},
		{"ConcurrentBids", testConcurrentBids},
		{"ActiveAndPending", testActive},
		{"Lease", testLease},
		{"ConcurrentLease", testConcurrentLease},
		{"Notes", testNotes},
		{"State", testState},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var start = time.Date(2026, time.March, 2, 11, 17, 3, 123456789, tender.Kyiv)

// NewAuction returns a planned auction id with three bidders, one with a
// feature coefficient.
func NewAuction(t testing.TB, id string, at time.Time) *auction.Auction {
	t.Helper()
	a, err := auction.New(auction.Input{TenderID: id, TenderRef: "UA-2026-03-01-000001-a", Title: "Коробки", Currency: "UAH",
		MinimalStep: tender.MustAmount("1000.50"), Start: at, Durations: auction.DefaultDurations(), Grace: 1500 * time.Millisecond,
		Bids: []auction.InputBid{
			{BidID: "A", Amount: tender.MustAmount("100000.01"), Date: at.Add(-3 * time.Hour)},
			{BidID: "B", Amount: tender.MustAmount("95000"), Denominator: big.NewRat(8, 7), Date: at.Add(-2 * time.Hour)},
			{BidID: "C", Amount: tender.MustAmount("95000.10"), Date: at.Add(-time.Hour)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func testPlanRoundTrip(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	a := NewAuction(t, "t1", start)
	if err := s.Create(c, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(c, a); !errors.Is(err, auction.ErrExists) {
		t.Fatalf("second Create: %v, want ErrExists", err)
	}
	if _, err := s.Get(c, "nope"); !errors.Is(err, auction.ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}
	got, err := s.Get(c, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Start.Equal(a.Start) || got.MinimalStep.String() != "1000.5" || got.Bidders[2].Initial.String() != a.Bidders[2].Initial.String() ||
		got.Grace != 1500*time.Millisecond {
		t.Errorf("plan changed in the store: %+v", got)
	}
	var den string
	for _, b := range got.Bidders {
		if b.BidID == "B" {
			den = b.Denominator
		}
	}
	if den != "8/7" {
		t.Errorf("denominator %q, want 8/7", den)
	}
	b := auction.Bid{ID: "x1", BidID: "A", Round: 1, Turn: 1, Amount: tender.MustAmount("99000"), Time: start.Add(6 * time.Minute)}
	if _, err := s.AddBid(c, "t1", b); err != nil {
		t.Fatal(err)
	}
	got.Status, got.Revealed = auction.StatusActive, true
	got.Bids = nil
	if err := s.SavePlan(c, got); err != nil {
		t.Fatal(err)
	}
	again, err := s.Get(c, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != auction.StatusActive || !again.Revealed || len(again.Bids) != 1 {
		t.Errorf("after SavePlan: status %s revealed %v bids %d; want active, true, 1 (SavePlan keeps bids)", again.Status, again.Revealed, len(again.Bids))
	}
	if err := s.SavePlan(c, NewAuction(t, "missing", start)); !errors.Is(err, auction.ErrNotFound) {
		t.Errorf("SavePlan of a missing auction: %v, want ErrNotFound", err)
	}
}

func testBids(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	if err := s.Create(c, NewAuction(t, "t1", start)); err != nil {
		t.Fatal(err)
	}
	at := start.Add(5 * time.Minute)
	// Added out of order, read back in the order they were made (to the
	// nanosecond).
	for _, b := range []auction.Bid{
		{ID: "b3", BidID: "A", Round: 1, Turn: 1, Amount: tender.MustAmount("97000"), Time: at.Add(2)},
		{ID: "b1", BidID: "A", Round: 1, Turn: 1, Amount: tender.MustAmount("99000"), Time: at},
		{ID: "b2", BidID: "A", Round: 1, Turn: 1, Withdraw: true, Time: at.Add(1)},
	} {
		if _, err := s.AddBid(c, "t1", b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddBid(c, "t1", auction.Bid{ID: "b1", BidID: "A", Time: at}); !errors.Is(err, auction.ErrExists) {
		t.Errorf("duplicate bid id: %v, want ErrExists", err)
	}
	a, err := s.Get(c, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(a.Bids); got != "b1 b2 b3 " {
		t.Errorf("bids %q, want b1 b2 b3", got)
	}
	if !a.Bids[1].Withdraw || a.Bids[2].Amount.String() != "97000" || !a.Bids[0].Time.Equal(at) {
		t.Errorf("bids changed in the store: %+v", a.Bids)
	}
}

// testStamps: AddBid stamps a bid with its commit time taken from the
// store's own clock, whatever the bid's time or a stamp the caller set, and
// Get reads the same stamp back.
func testStamps(t *testing.T, open Opener) {
	s, another, clock := open(t)
	c := ctx(t)
	if err := s.Create(c, NewAuction(t, "t1", start)); err != nil {
		t.Fatal(err)
	}
	other := another()
	stamps := map[string]time.Time{}
	for i, st := range []auction.WorkerStore{s, other} {
		id := fmt.Sprint("s", i)
		made := clock.Now().Add(-time.Hour) // the service's clock, an hour off
		forged := made.Add(-time.Hour)
		b := auction.Bid{ID: id, BidID: "A", Round: 1, Turn: 1, Amount: tender.MustAmount("99000"), Time: made, Stored: &forged}
		before := clock.Now()
		stored, err := st.AddBid(c, "t1", b)
		after := clock.Now()
		if err != nil {
			t.Fatal(err)
		}
		if stored.Before(before.Add(-clock.Skew)) || stored.After(after.Add(clock.Skew)) {
			t.Errorf("bid %s stamped %v, want the store's clock: between %v and %v (± %v)", id, stored, before, after, clock.Skew)
		}
		stamps[id] = stored
	}
	a, err := s.Get(c, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Bids) != 2 {
		t.Fatalf("%d bids, want 2", len(a.Bids))
	}
	for _, b := range a.Bids {
		if b.Stored == nil || !b.Stored.Equal(stamps[b.ID]) {
			t.Errorf("bid %s read back stamped %v, want %v as AddBid returned", b.ID, b.Stored, stamps[b.ID])
		}
	}
}

func ids(bids []auction.Bid) string {
	s := ""
	for _, b := range bids {
		s += b.ID + " "
	}
	return s
}

// testConcurrentBids appends bids from many goroutines over several handles:
// none is lost.
func testConcurrentBids(t *testing.T, open Opener) {
	s, another, _ := open(t)
	c := ctx(t)
	if err := s.Create(c, NewAuction(t, "t1", start)); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		st := another()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				b := auction.Bid{ID: fmt.Sprintf("w%d-%d", w, i), BidID: "A", Round: 1, Turn: 1,
					Amount: tender.MustAmount(fmt.Sprint(90000 - i)), Time: start.Add(time.Duration(i*writers + w))}
				_, err := st.AddBid(c, "t1", b)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := s.Get(c, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Bids) != writers*each {
		t.Fatalf("%d bids stored, want %d", len(a.Bids), writers*each)
	}
	for i := 1; i < len(a.Bids); i++ {
		if a.Bids[i].Time.Before(a.Bids[i-1].Time) {
			t.Fatalf("bids out of order at %d: %v after %v", i, a.Bids[i].Time, a.Bids[i-1].Time)
		}
	}
	for _, b := range a.Bids {
		if b.Stored == nil {
			t.Fatalf("bid %s read back unstamped", b.ID)
		}
	}
}

func testActive(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	for i, st := range []string{auction.StatusScheduled, auction.StatusComplete, auction.StatusActive, auction.StatusCancelled, auction.StatusFinished} {
		a := NewAuction(t, fmt.Sprint("t", i), start.Add(time.Duration(5-i)*time.Hour))
		a.Status = st
		if err := s.Create(c, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddBid(c, "t0", auction.Bid{ID: "x", BidID: "A", Amount: tender.MustAmount("1"), Time: start}); err != nil {
		t.Fatal(err)
	}
	active, err := s.Active(c, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, a := range active {
		got += a.ID + " "
	}
	if got != "t4 t2 t0 " {
		t.Errorf("Active = %q, want t4 t2 t0 (not complete or cancelled, soonest first)", got)
	}
	if n := len(active[2].Bids); n != 1 {
		t.Errorf("Active: t0 has %d bids, want 1", n)
	}
	if two, _ := s.Active(c, 2); len(two) != 2 {
		t.Errorf("Active(2) = %d auctions", len(two))
	}
	pending, err := s.Pending(c, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0].ID != "t4" || len(pending[0].Bidders) != 3 {
		t.Errorf("Pending = %+v", pending)
	}
}

func testLease(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	now := start
	lease := func(worker string, at time.Time) bool {
		t.Helper()
		ok, err := s.Lease(c, "t1", worker, at, at.Add(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		worker string
		at     time.Duration
		want   bool
		why    string
	}{
		{"w1", 0, true, "a free lease"},
		{"w2", time.Second, false, "held by w1"},
		{"w1", 5 * time.Second, true, "the holder renews"},
		{"w2", 14 * time.Second, false, "the renewal runs to 15 s"},
		{"w2", 15 * time.Second, true, "expired"},
		{"w1", 16 * time.Second, false, "lost to w2"},
		{"w2", 20 * time.Second, true, "renewed again"},
		{"w2", 22 * time.Second, true, "and again"},
		{"w2", 24 * time.Second, true, "and again"},
		{"w1", 33 * time.Second, false, "the last renewal runs to 34 s"},
		{"w1", 34 * time.Second, true, "expired"},
	}
	for _, st := range steps {
		if got := lease(st.worker, now.Add(st.at)); got != st.want {
			t.Fatalf("%s at +%v: %v, want %v (%s)", st.worker, st.at, got, st.want, st.why)
		}
	}
	if ok, err := s.Lease(c, "t2", "w2", now, now.Add(time.Second)); err != nil || !ok {
		t.Errorf("another auction's lease is independent: %v %v", ok, err)
	}
}

// testConcurrentLease has workers on separate handles race for one lease,
// round after round, each round after the previous lease expired: exactly
// one wins every round.
func testConcurrentLease(t *testing.T, open Opener) {
	_, another, _ := open(t)
	c := ctx(t)
	const workers, rounds = 8, 5
	stores := make([]auction.WorkerStore, workers)
	for i := range stores {
		stores[i] = another()
	}
	for r := range rounds {
		now := start.Add(time.Duration(r) * time.Minute)
		var wins atomic.Int32
		var winner atomic.Value
		var wg sync.WaitGroup
		ready := make(chan struct{})
		errs := make(chan error, workers*2)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				// Each worker tries twice: a retry must not win a lease
				// someone else holds.
				for range 2 {
					ok, err := stores[w].Lease(c, "t1", fmt.Sprint("w", w), now, now.Add(30*time.Second))
					errs <- err
					if ok {
						if prev, _ := winner.Load().(string); prev != "" && prev != fmt.Sprint("w", w) {
							errs <- fmt.Errorf("round %d: w%d won while %s holds the lease", r, w, prev)
						}
						winner.Store(fmt.Sprint("w", w))
						wins.Add(1)
					}
				}
			}()
		}
		close(ready)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := wins.Load(); n < 1 || n > 2 {
			t.Fatalf("round %d: %d wins, want one worker winning (once or twice)", r, n)
		}
		// The winner holds it against a late contender.
		w := winner.Load().(string)
		for i := range workers {
			if fmt.Sprint("w", i) == w {
				continue
			}
			if ok, _ := stores[i].Lease(c, "t1", fmt.Sprint("w", i), now.Add(29*time.Second), now.Add(59*time.Second)); ok {
				t.Fatalf("round %d: w%d took the lease %s holds", r, i, w)
			}
		}
	}
}

func testNotes(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	n1 := auction.Note{ID: "t1#2", AuctionID: "t1", Version: 2, Start: start, Names: map[string]string{"A": "ТОВ «Альфа»"}}
	n0 := auction.Note{ID: "t2#1", AuctionID: "t2", Version: 1, Cancelled: true}
	for _, n := range []auction.Note{n1, n0, {ID: "t1#2", AuctionID: "t1", Version: 2, Cancelled: true}} {
		if err := s.AddNote(c, n); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := s.Notes(c, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].ID != "t2#1" || notes[1].ID != "t1#2" {
		t.Fatalf("notes %+v, want t2#1 then t1#2", notes)
	}
	if notes[1].Cancelled || !notes[1].Start.Equal(start) || notes[1].Names["A"] != "ТОВ «Альфа»" {
		t.Errorf("note changed in the store (or the duplicate replaced it): %+v", notes[1])
	}
	if err := s.DeleteNote(c, "t2#1"); err != nil {
		t.Fatal(err)
	}
	if notes, _ := s.Notes(c, 10); len(notes) != 1 {
		t.Errorf("after delete: %d notes", len(notes))
	}
}

func testState(t *testing.T, open Opener) {
	s, _, _ := open(t)
	c := ctx(t)
	if _, err := s.State(c, "feed"); !errors.Is(err, auction.ErrNotFound) {
		t.Fatalf("missing state: %v, want ErrNotFound", err)
	}
	for _, v := range []string{`{"cursor":"1"}`, `{"cursor":"2"}`} {
		if err := s.PutState(c, "feed", []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := s.State(c, "feed"); err != nil || string(v) != `{"cursor":"2"}` {
		t.Errorf("state %s %v", v, err)
	}
	if err := s.CreateState(c, "secret", []byte("s1")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateState(c, "secret", []byte("s2")); !errors.Is(err, auction.ErrExists) {
		t.Errorf("second CreateState: %v, want ErrExists", err)
	}
	if v, _ := s.State(c, "secret"); string(v) != "s1" {
		t.Errorf("secret %q, want the first one", v)
	}
}
