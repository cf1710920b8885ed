package tender_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// TestBidVisibility checks who sees sealed bids in each status: nobody but
// their owner until the auction, the auction robot prices without names during
// it, everyone once qualification starts.
func TestBidVisibility(t *testing.T) {
	tests := []struct {
		name      string
		setup     []step
		viewer    tender.Actor
		listCode  tender.Code // ListBids error, "" when allowed
		bids      int         // bids in Get's view
		tenderers bool        // views carry tenderers
	}{
		{"active.tendering public", then(toTenderingPath, []step{bids("90000", "95000")}), public, tender.CodeForbidden, 0, false},
		{"active.tendering broker", then(toTenderingPath, []step{bids("90000", "95000")}), bidPlatform("bidder1"), tender.CodeForbidden, 0, false},
		{"active.tendering auction robot", then(toTenderingPath, []step{bids("90000", "95000")}), auctionRobot, tender.CodeForbidden, 0, false},
		{"active.auction public", toAuction, public, tender.CodeForbidden, 0, false},
		{"active.auction broker", toAuction, bidPlatform("bidder1"), tender.CodeForbidden, 0, false},
		{"active.auction auction robot", toAuction, auctionRobot, tender.CodeForbidden, 2, false},
		{"active.qualification public", toQualification, public, "", 2, true},
		{"active.qualification auction robot", toQualification, auctionRobot, "", 2, true},
		{"active.awarded public", toAwarded, public, "", 2, true},
		{"complete broker", toComplete, bidPlatform("bidder9"), "", 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.run(tc.setup...)

			list, err := e.svc.ListBids(e.ctx, e.id, tc.viewer)
			wantErr(t, err, tc.listCode, "")
			if tc.listCode == "" && len(list) != tc.bids {
				t.Errorf("ListBids = %d bids, want %d", len(list), tc.bids)
			}

			v, err := e.svc.Get(e.ctx, e.id, tc.viewer)
			e.must("get", err)
			if len(v.Bids) != tc.bids {
				t.Fatalf("Get shows %d bids, want %d", len(v.Bids), tc.bids)
			}
			for _, b := range append(list, v.Bids...) {
				if b.Value == nil {
					t.Errorf("bid %s shown without its value", b.ID)
				}
				if (len(b.Tenderers) > 0) != tc.tenderers {
					t.Errorf("bid %s tenderers = %v, want shown=%v", b.ID, b.Tenderers, tc.tenderers)
				}
				if b.Access != nil || b.Owner != "" || b.ParticipationURL != "" {
					t.Errorf("bid %s shows private fields: %+v", b.ID, b)
				}
			}
			if v.Access != nil || v.Config != nil || v.BidCommits != nil {
				t.Errorf("view shows private tender fields")
			}

			// The bid's owner sees it whatever the status; another platform
			// only once bids are open.
			own, err := e.svc.GetBid(e.ctx, e.id, e.bids[0].id, e.bids[0].actor)
			e.must("own bid", err)
			if own.Value == nil || len(own.Tenderers) == 0 {
				t.Errorf("owner's view of its bid = %+v", own)
			}
			_, err = e.svc.GetBid(e.ctx, e.id, e.bids[0].id, e.bids[1].actor)
			wantErr(t, err, tc.listCode, "")
		})
	}
}

// TestLateBid plays a bid that the store commits after tenderPeriod.endDate
// while the service still reads a time before it: the service must refuse it
// and leave no such bid behind.
func TestLateBid(t *testing.T) {
	tests := []struct {
		name     string
		onTime   []string // bids committed in time first
		wantBids int
		after    tender.Status // status once tendering closes
	}{
		{"only bid", nil, 0, tender.StatusUnsuccessful},
		{"beside an on-time bid", []string{"95000"}, 1, tender.StatusQualification},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.run(publish, toTendering, bids(tc.onTime...))
			e.clock.Set(e.tpEnd.Add(-time.Millisecond)) // the service: still open
			e.store.Now = func() time.Time { return e.tpEnd.Add(time.Millisecond) }

			err := e.bid("90000")
			wantErr(t, err, tender.CodeForbidden, "")
			tn := e.get()
			if len(tn.Bids) != tc.wantBids {
				t.Fatalf("stored bids = %d, want %d", len(tn.Bids), tc.wantBids)
			}
			if len(e.bids) != tc.wantBids {
				t.Fatalf("AddBid returned a bid for the late submission")
			}
			e.store.Now = e.clock.Now
			e.run(closeTendering)
			if tn := e.get(); tn.Status != tc.after || len(tn.Bids) != tc.wantBids {
				t.Errorf("after tendering: status %q with %d bids, want %q with %d", tn.Status, len(tn.Bids), tc.after, tc.wantBids)
			}
		})
	}
}

// TestLatePatchWithdrawsBid: a change committed after the deadline makes the
// whole bid late, so it is withdrawn.
func TestLatePatchWithdrawsBid(t *testing.T) {
	e := newEnv(t)
	e.run(publish, toTendering, bids("90000", "95000"))
	e.clock.Set(e.tpEnd.Add(-time.Millisecond))
	e.store.Now = func() time.Time { return e.tpEnd.Add(time.Millisecond) }
	_, err := e.svc.PatchBid(e.ctx, e.id, e.bids[0].id, e.bids[0].actor, tender.BidInput{Value: uah("89000")})
	wantErr(t, err, tender.CodeForbidden, "")
	tn := e.get()
	if len(tn.Bids) != 1 || tn.Bids[0].ID != e.bids[1].id {
		t.Fatalf("bids = %+v, want only the untouched one", tn.Bids)
	}
}

// lossyStore fails the Saves that losing says to fail, to play a lost
// late-bid withdrawal.
type lossyStore struct {
	tender.Store
	losing atomic.Bool
}

func (s *lossyStore) Save(ctx context.Context, t *tender.Tender, rev tender.Revision, opt tender.SaveOptions) error {
	if opt.StampBid == "" && s.losing.Load() {
		return errors.New("connection reset")
	}
	return s.Store.Save(ctx, t, rev, opt)
}

// TestLateBidDroppedAtClose: when the withdrawal of a late bid does not get
// through, the end of tendering still drops the bid by its commit time.
func TestLateBidDroppedAtClose(t *testing.T) {
	e := newEnv(t)
	lossy := &lossyStore{Store: e.store}
	e.svc.Store = lossy
	e.run(publish, toTendering, bids("95000"))
	e.clock.Set(e.tpEnd.Add(-time.Millisecond))
	e.store.Now = func() time.Time { return e.tpEnd.Add(time.Millisecond) }
	lossy.losing.Store(true)
	err := e.bid("90000")
	lossy.losing.Store(false)
	wantErr(t, err, tender.CodeForbidden, "")
	if n := len(e.get().Bids); n != 2 {
		t.Fatalf("stored bids = %d, want the late one still there (withdrawal lost)", n)
	}
	e.store.Now = e.clock.Now
	e.run(closeTendering)
	tn := e.get()
	if tn.Status != tender.StatusQualification || len(tn.Bids) != 1 || tn.Bids[0].ID != e.bids[0].id {
		t.Errorf("after tendering: %q with bids %+v, want active.qualification with the on-time bid only", tn.Status, tn.Bids)
	}
}

// TestConcurrentBids: bids racing for the same tender either land or fail
// with a conflict, and every one that landed is kept.
func TestConcurrentBids(t *testing.T) {
	e := newEnv(t)
	e.run(publish, toTendering)
	before := e.snapshot()
	const n = 16
	var wg sync.WaitGroup
	var ok atomic.Int64
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, err := e.svc.AddBid(e.ctx, e.id, bidPlatform(fmt.Sprintf("racer%d", i)), tender.BidInput{
				Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Гонщик %d", i), fmt.Sprintf("4100%04d", i))},
				Value:     uah(fmt.Sprintf("%d", 90000+i)),
			})
			switch {
			case err == nil:
				ok.Add(1)
			case tender.ErrorCode(err) != tender.CodeConflict:
				errs <- err
			case !errors.Is(err, tender.ErrConflict):
				errs <- fmt.Errorf("conflict does not wrap tender.ErrConflict: %w", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	after := e.snapshot()
	if got := int64(len(e.get().Bids)); got != ok.Load() || got == 0 {
		t.Errorf("stored bids = %d, successful AddBid calls = %d", got, ok.Load())
	}
	if int64(after.revs-before.revs) != ok.Load() {
		t.Errorf("revisions grew by %d, want %d", after.revs-before.revs, ok.Load())
	}
}
