// Package memory is an in-memory auction.WorkerStore for tests and
// benchmarks: the same contract as auction/mongodb (bids appended, never
// rewritten, stamped by the store's clock; leases that expire), with no
// persistence. Safe for concurrent use.
package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/auction"
)

// Store keeps auctions in memory.
type Store struct {
	// Now is the store's clock, the one that stamps bids as they are
	// committed (AddBid), as a database's clock would; nil means time.Now.
	// Set it before use.
	Now func() time.Time

	mu       sync.Mutex
	auctions map[string]*auction.Auction // plans, bids left out
	bids     map[string][]auction.Bid
	leases   map[string]lease
	notes    map[string]auction.Note
	state    map[string][]byte
}

type lease struct {
	worker string
	until  time.Time
}

var _ auction.WorkerStore = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{auctions: map[string]*auction.Auction{}, bids: map[string][]auction.Bid{}, leases: map[string]lease{},
		notes: map[string]auction.Note{}, state: map[string][]byte{}}
}

// plan copies a's plan: everything but the bids.
func plan(a *auction.Auction) *auction.Auction {
	p := *a
	p.Bidders = slices.Clone(a.Bidders)
	p.Bids = nil
	return &p
}

func (s *Store) read(id string, withBids bool) *auction.Auction {
	a := plan(s.auctions[id])
	if withBids {
		a.Bids = slices.Clone(s.bids[id])
	}
	return a
}

// Create stores a new auction.
func (s *Store) Create(ctx context.Context, a *auction.Auction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.auctions[a.ID]; ok {
		return fmt.Errorf("memory: auction %s: %w", a.ID, auction.ErrExists)
	}
	s.auctions[a.ID] = plan(a)
	return nil
}

// Get returns an auction with its bids.
func (s *Store) Get(ctx context.Context, id string) (*auction.Auction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.auctions[id]; !ok {
		return nil, fmt.Errorf("memory: auction %s: %w", id, auction.ErrNotFound)
	}
	return s.read(id, true), nil
}

// SavePlan replaces an auction's plan, keeping its bids.
func (s *Store) SavePlan(ctx context.Context, a *auction.Auction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.auctions[a.ID]; !ok {
		return fmt.Errorf("memory: auction %s: %w", a.ID, auction.ErrNotFound)
	}
	s.auctions[a.ID] = plan(a)
	return nil
}

// AddBid appends a bid stamped with the store's clock and returns the stamp;
// auction.ErrExists when its id is taken. The stamp is taken under the lock
// that makes the bid visible, so no reader ever sees it unstamped.
func (s *Store) AddBid(ctx context.Context, auctionID string, b auction.Bid) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.bids[auctionID] {
		if x.ID == b.ID {
			return time.Time{}, fmt.Errorf("memory: bid %s: %w", b.ID, auction.ErrExists)
		}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	stored := now()
	b.Stored = &stored
	// Keep the order the bids were made in, as the store contract reads
	// them back: by time, later additions last on a tie.
	list := s.bids[auctionID]
	i := sort.Search(len(list), func(i int) bool { return list[i].Time.After(b.Time) })
	s.bids[auctionID] = slices.Insert(list, i, b)
	return stored, nil
}

func (s *Store) list(limit int, withBids bool) ([]*auction.Auction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*auction.Auction
	for id, a := range s.auctions {
		switch a.Status {
		case auction.StatusComplete, auction.StatusCancelled:
			continue
		}
		out = append(out, s.read(id, withBids))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Active lists auctions not yet complete or cancelled, with their bids,
// soonest first.
func (s *Store) Active(ctx context.Context, limit int) ([]*auction.Auction, error) {
	return s.list(limit, true)
}

// Pending lists the same auctions without their bids.
func (s *Store) Pending(ctx context.Context, limit int) ([]*auction.Auction, error) {
	return s.list(limit, false)
}

// Lease gives worker auction id until `until` unless another worker holds
// an unexpired lease.
func (s *Store) Lease(ctx context.Context, id, worker string, now, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[id]; ok && l.worker != worker && l.until.After(now) {
		return false, nil
	}
	s.leases[id] = lease{worker, until}
	return true, nil
}

// AddNote records a note unless its id is taken.
func (s *Store) AddNote(ctx context.Context, n auction.Note) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.notes[n.ID]; !ok {
		s.notes[n.ID] = n
	}
	return nil
}

// Notes lists notes, oldest version first.
func (s *Store) Notes(ctx context.Context, limit int) ([]auction.Note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]auction.Note, 0, len(s.notes))
	for _, n := range s.notes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Version != out[j].Version {
			return out[i].Version < out[j].Version
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// DeleteNote removes a note.
func (s *Store) DeleteNote(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.notes, id)
	return nil
}

// State returns record key.
func (s *Store) State(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.state[key]
	if !ok {
		return nil, fmt.Errorf("memory: state %s: %w", key, auction.ErrNotFound)
	}
	return append([]byte(nil), v...), nil
}

// PutState writes record key.
func (s *Store) PutState(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[key] = append([]byte(nil), value...)
	return nil
}

// CreateState writes record key unless it exists.
func (s *Store) CreateState(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.state[key]; ok {
		return fmt.Errorf("memory: state %s: %w", key, auction.ErrExists)
	}
	s.state[key] = append([]byte(nil), value...)
	return nil
}
