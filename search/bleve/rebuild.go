package bleve

import (
	"context"
	"errors"

	"github.com/prozorro-go/prozorro/search"
)

var errRebuildDone = errors.New("search/bleve: the rebuild was already committed or aborted")

// Rebuild creates the next generation's empty indexes beside the live ones.
// Several rebuilds may be under way; the last committed wins.
func (b *Backend) Rebuild(ctx context.Context) (search.Rebuild, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errClosed
	}
	n := b.next
	b.next++
	b.mu.Unlock()

	g, err := b.newGeneration(n)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.Join(errClosed, g.retire(true))
	}
	b.pending[g] = true
	return &rebuild{b: b, g: g}, nil
}

// rebuild is one generation being filled.
type rebuild struct {
	b *Backend
	g *generation
}

// Put writes docs to the new generation, versioned as Backend.Put.
func (r *rebuild) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	r.b.mu.RLock()
	if r.b.closed || !r.b.pending[r.g] {
		r.b.mu.RUnlock()
		return errRebuildDone
	}
	r.g.inUse.RLock()
	r.b.mu.RUnlock()
	defer r.g.inUse.RUnlock()
	return r.g.put(ctx, idx, docs)
}

// Commit makes the new generation live: it rewrites the pointer file, swaps
// the generation for new searches, waits for the searches in flight on the
// old one and removes it.
func (r *rebuild) Commit(ctx context.Context) error {
	b := r.b
	b.mu.Lock()
	if b.closed || !b.pending[r.g] {
		b.mu.Unlock()
		return errRebuildDone
	}
	if b.dir != "" {
		if err := writePointer(b.dir, r.g.n); err != nil {
			b.mu.Unlock()
			return err
		}
	}
	old := b.live
	b.live = r.g
	delete(b.pending, r.g)
	b.mu.Unlock()
	return old.retire(true)
}

// Abort drops the new generation.
func (r *rebuild) Abort(ctx context.Context) error {
	b := r.b
	b.mu.Lock()
	if b.closed || !b.pending[r.g] {
		b.mu.Unlock()
		return errRebuildDone
	}
	delete(b.pending, r.g)
	b.mu.Unlock()
	return r.g.retire(true)
}
