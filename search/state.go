package search

import (
	"context"
	"sync"
	"time"
)

// State is what indexers share: the feed cursors, the leases that give one
// indexer each partition of the feed, and the dataset statistics of the red
// flags. search/mongodb keeps it in MongoDB; MemoryState in one process.
type State interface {
	// Lease gives holder the lease on name until `until` when nobody else
	// holds it unexpired; it reports whether holder has it.
	Lease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// Release ends holder's lease on name early.
	Release(ctx context.Context, name, holder string, now time.Time) error
	// Cursor returns a feed cursor ("" when none was saved).
	Cursor(ctx context.Context, name string) (string, error)
	// SetCursor saves a feed cursor.
	SetCursor(ctx context.Context, name, cursor string) error
	// Stats returns the saved statistics (nil when none) and when they were
	// computed.
	Stats(ctx context.Context) ([]byte, time.Time, error)
	// SetStats saves the statistics computed at `at`.
	SetStats(ctx context.Context, stats []byte, at time.Time) error
}

// MemoryState is a State for one process.
type MemoryState struct {
	mu      sync.Mutex
	leases  map[string]memLease
	cursors map[string]string
	stats   []byte
	at      time.Time
}

type memLease struct {
	holder string
	until  time.Time
}

// NewMemoryState returns an empty MemoryState.
func NewMemoryState() *MemoryState {
	return &MemoryState{leases: map[string]memLease{}, cursors: map[string]string{}}
}

// Lease implements State.
func (m *MemoryState) Lease(_ context.Context, name, holder string, now, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.leases[name]
	if ok && cur.holder != holder && cur.until.After(now) {
		return false, nil
	}
	m.leases[name] = memLease{holder, until}
	return true, nil
}

// Release implements State.
func (m *MemoryState) Release(_ context.Context, name, holder string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.leases[name].holder == holder {
		delete(m.leases, name)
	}
	return nil
}

// Cursor implements State.
func (m *MemoryState) Cursor(_ context.Context, name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursors[name], nil
}

// SetCursor implements State.
func (m *MemoryState) SetCursor(_ context.Context, name, cursor string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cursors[name] = cursor
	return nil
}

// Stats implements State.
func (m *MemoryState) Stats(context.Context) ([]byte, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats, m.at, nil
}

// SetStats implements State.
func (m *MemoryState) SetStats(_ context.Context, stats []byte, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats, m.at = stats, at
	return nil
}
