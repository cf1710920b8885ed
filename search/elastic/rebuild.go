package elastic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/prozorro-go/prozorro/search"
)

// commitAttempts bounds how often Commit re-reads the aliases when another
// process swapped them between the read and the swap.
const commitAttempts = 5

// rebuild is one Rebuild: a new physical index per logical index, filled
// while the live ones serve.
type rebuild struct {
	b     *Backend
	names map[search.Index]string

	mu   sync.Mutex
	done error // why Put, Commit and Abort no longer apply, once they do not
}

var errFinished = errors.New("search/elastic: rebuild already committed or aborted")

// Rebuild creates new, empty physical indexes with the current mappings
// beside the live ones. They refresh only when Commit asks.
func (b *Backend) Rebuild(ctx context.Context) (search.Rebuild, error) {
	r := &rebuild{b: b, names: map[search.Index]string{}}
	for _, idx := range search.Indexes {
		for attempt := 0; ; attempt++ {
			name := b.physicalName(idx)
			_, err := b.do(ctx, "PUT", "/"+name, nil, indexBody(idx, b.shards, b.replicas, "-1"))
			if err == nil {
				r.names[idx] = name
				break
			}
			if errorType(err) != "resource_already_exists_exception" || attempt >= 5 {
				r.drop(ctx)
				return nil, fmt.Errorf("search/elastic: rebuild: create %s: %w", name, err)
			}
		}
	}
	return r, nil
}

// Put writes docs to the new index of idx, versioned as Backend.Put.
func (r *rebuild) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	if _, err := r.b.checkIndex(idx); err != nil {
		return err
	}
	r.mu.Lock()
	done := r.done
	r.mu.Unlock()
	if done != nil {
		return done
	}
	return r.b.bulk(ctx, r.names[idx], docs)
}

// Commit refreshes the new indexes, points both aliases at them in one
// _aliases request and deletes the indexes the aliases left.
func (r *rebuild) Commit(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		return r.done
	}
	names := []string{r.names[search.Tenders], r.names[search.Contracts]}
	joined := strings.Join(names, ",")
	if _, err := r.b.do(ctx, "PUT", "/"+joined+"/_settings", nil,
		map[string]any{"index": map[string]any{"refresh_interval": nil}}); err != nil {
		return fmt.Errorf("search/elastic: rebuild: settings: %w", err)
	}
	if err := r.b.refresh(ctx, names...); err != nil {
		return err
	}
	var old []string
	for attempt := 1; ; attempt++ {
		var actions []any
		old = old[:0]
		for _, idx := range search.Indexes {
			alias := r.b.alias(idx)
			live, err := r.b.aliasIndexes(ctx, alias)
			if err != nil {
				return err
			}
			for _, name := range live {
				actions = append(actions, map[string]any{"remove": map[string]any{"index": name, "alias": alias}})
				old = append(old, name)
			}
			actions = append(actions, map[string]any{"add": map[string]any{
				"index": r.names[idx], "alias": alias, "is_write_index": true}})
		}
		_, err := r.b.do(ctx, "POST", "/_aliases", nil, map[string]any{"actions": actions})
		if err == nil {
			break
		}
		// A 404 is an alias another process moved since we read it.
		if errorStatus(err) != 404 || attempt == commitAttempts {
			return fmt.Errorf("search/elastic: rebuild: swap aliases: %w", err)
		}
	}
	r.done = errFinished
	if err := r.b.deleteIndexes(ctx, old...); err != nil {
		return fmt.Errorf("search/elastic: rebuild committed, but the old indexes stay: %w", err)
	}
	return nil
}

// Abort deletes the new indexes. After Commit it does nothing.
func (r *rebuild) Abort(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		return nil
	}
	r.done = errFinished
	return r.drop(ctx)
}

func (r *rebuild) drop(ctx context.Context) error {
	var names []string
	for _, n := range r.names {
		names = append(names, n)
	}
	return r.b.deleteIndexes(ctx, names...)
}
