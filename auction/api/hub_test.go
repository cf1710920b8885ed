package api

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/memory"
)

// lateAck is a store whose AddBid commits the bid and then, before the
// acknowledgement reaches the service, runs between: what the hub may do
// while a slow write's answer is on its way.
type lateAck struct {
	*memory.Store
	between func()
}

func (s *lateAck) AddBid(ctx context.Context, auctionID string, b auction.Bid) (time.Time, error) {
	stored, err := s.Store.AddBid(ctx, auctionID, b)
	if err == nil && s.between != nil {
		s.between()
	}
	return stored, err
}

// published returns Bidder #1's amount in the public state snap carries.
func published(t *testing.T, snap *snapshot) string {
	t.Helper()
	for _, r := range decodeState(t, string(snap.publicJSON())).Standings {
		if r.Label == 1 {
			return r.Amount.String()
		}
	}
	t.Fatal("no Bidder #1 in the standings")
	return ""
}

// TestSlowWriteAndRefresh is the race the load benchmark found: a bid placed
// just before its turn ends, whose write is committed around the cutoff (the
// turn's end plus grace) and acknowledged after the hub re-read the store
// there. The bidder's answer and what observers are shown must agree, by the
// commit stamp: a bid committed too late is refused and never shown (it used
// to be shown until the next boundary, then removed); one committed in time
// is accepted and shown, however late its acknowledgement.
func TestSlowWriteAndRefresh(t *testing.T) {
	const grace = time.Second
	tests := []struct {
		name     string
		commit   time.Duration // after the turn's end: the store's clock when it commits
		status   int
		observed string // Bidder #1's published price after the turn
	}{
		{"committed after the cutoff", grace + time.Millisecond, http.StatusForbidden, "100000"},
		{"committed at the cutoff", grace, http.StatusOK, "97000"},
		{"committed within the grace", grace / 2, http.StatusOK, "97000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			f.a.Grace = grace
			if err := f.store.SavePlan(ctx, f.a); err != nil {
				t.Fatal(err)
			}
			end := f.at(1, 2, 0) // Bidder #1 (A)'s turn ends
			f.clock.Set(end.Add(-time.Millisecond))
			obs, leave, err := f.srv.hub.Subscribe(ctx, auctionID, "", "en")
			if err != nil {
				t.Fatal(err)
			}
			defer leave()
			obs.take()

			var seen []string // what observers were shown, in order
			store := &lateAck{Store: f.store}
			store.between = func() {
				f.clock.Set(end.Add(grace + 2*time.Millisecond)) // the hub's timer fires at the cutoff
				f.srv.hub.Refresh(ctx, auctionID)
				if snap, _ := obs.take(); snap != nil {
					seen = append(seen, published(t, snap))
				}
			}
			f.svc.Store = store
			commitAt := end.Add(tc.commit)
			f.store.Now = func() time.Time { return commitAt } // the write is slow: it commits then

			r := f.bid(`{"data":{"bidder_id":"A","amount":97000}}`, TokenHeader, f.token("A"))
			if r.Code != tc.status {
				t.Fatalf("bid answered %d, want %d: %s", r.Code, tc.status, r.Body)
			}
			if tc.status != http.StatusOK {
				if e := decodeErr(t, r); e.Rule != string(auction.RuleLate) {
					t.Errorf("refused as %+v, want rule %s", e, auction.RuleLate)
				}
			}
			// Later reads, by this process's hub and by anyone else, agree.
			f.clock.Set(end.Add(time.Minute))
			f.srv.hub.Refresh(ctx, auctionID)
			if snap, _ := obs.take(); snap != nil {
				seen = append(seen, published(t, snap))
			}
			if len(seen) != 2 || seen[0] != tc.observed || seen[1] != tc.observed {
				t.Errorf("observers were shown Bidder #1 at %v, want %s at every refresh", seen, tc.observed)
			}
			a, err := f.store.Get(ctx, auctionID)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Results()["A"].String(); got != tc.observed {
				t.Errorf("results: A at %s, want %s", got, tc.observed)
			}
			if len(a.Bids) != 1 {
				t.Errorf("%d bids stored, want the one bid kept (refused or not)", len(a.Bids))
			}
		})
	}
}

// pendingStamp is a store that reads a bid back unstamped while pending is
// set: the moment between a database's insert of the bid and its stamp.
type pendingStamp struct {
	*memory.Store
	mu      sync.Mutex
	pending bool
}

func (s *pendingStamp) set(p bool) { s.mu.Lock(); s.pending = p; s.mu.Unlock() }

func (s *pendingStamp) Get(ctx context.Context, id string) (*auction.Auction, error) {
	a, err := s.Store.Get(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.pending {
		for i := range a.Bids {
			a.Bids[i].Stored = nil
		}
	}
	return a, err
}

// TestRefreshWaitsForStamps: at the cutoff the hub reads a bid whose stamp
// is not visible yet; it could still prove stored in time, so the hub pushes
// nothing until it reads the stamp, and then the price that counts.
func TestRefreshWaitsForStamps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.a.Grace = time.Second
	if err := f.store.SavePlan(ctx, f.a); err != nil {
		t.Fatal(err)
	}
	end := f.at(1, 2, 0)
	f.clock.Set(end.Add(-time.Second))
	if r := f.bid(`{"data":{"bidder_id":"A","amount":97000}}`, TokenHeader, f.token("A")); r.Code != http.StatusOK {
		t.Fatalf("bid: %d %s", r.Code, r.Body)
	}
	store := &pendingStamp{Store: f.store}
	f.svc.Store = store
	obs, leave, err := f.srv.hub.Subscribe(ctx, auctionID, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	obs.take()

	store.set(true)
	f.clock.Set(end.Add(time.Second))
	f.srv.hub.Refresh(ctx, auctionID)
	time.Sleep(5 * settleRetry)
	if snap, _ := obs.take(); snap != nil {
		t.Fatalf("pushed while a stamp was on its way: Bidder #1 at %s", published(t, snap))
	}
	store.set(false)
	var snap *snapshot
	for deadline := time.Now().Add(5 * time.Second); snap == nil && time.Now().Before(deadline); {
		time.Sleep(settleRetry)
		snap, _ = obs.take()
	}
	if snap == nil {
		t.Fatal("nothing pushed once the stamp was visible")
	}
	if got := published(t, snap); got != "97000" {
		t.Errorf("pushed Bidder #1 at %s, want 97000", got)
	}
}
