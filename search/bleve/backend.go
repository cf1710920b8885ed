package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/prozorro-go/prozorro/search"
)

// pointerFile names the live generation inside the backend's directory.
const pointerFile = "live"

var errClosed = errors.New("search/bleve: backend closed")

// Backend is a search.Backend on embedded bleve indexes. It is safe for
// concurrent use.
type Backend struct {
	dir    string // "" in memory
	unlock func() // releases the directory lock
	m      *mapping.IndexMappingImpl
	words  analysis.Analyzer            // splits Query.Text into words
	stems  map[string]analysis.Analyzer // the text analyzers by name

	mu      sync.RWMutex // guards the fields below
	live    *generation
	pending map[*generation]bool // rebuilds not yet committed or aborted
	next    int                  // the next generation number
	closed  bool
}

var _ search.Backend = (*Backend)(nil)

// generation is one set of physical indexes, one per logical index.
type generation struct {
	n      int
	dir    string // "" in memory
	shards map[search.Index]*shard
	// inUse is held for reading by every operation on the generation; retire
	// takes it for writing, so it waits for searches in flight.
	inUse sync.RWMutex
}

// shard is one physical index.
type shard struct {
	index blv.Index
	write sync.Mutex // serializes the version check and the batch of a Put
}

// Open opens the indexes kept under dir, creating them if there are none;
// dir "" keeps them in memory.
func Open(dir string) (*Backend, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search/bleve: mapping: %w", err)
	}
	b := &Backend{dir: dir, m: m, pending: map[*generation]bool{}, unlock: func() {}}
	b.words = m.AnalyzerNamed(plainAnalyzer)
	b.stems = map[string]analysis.Analyzer{}
	for _, a := range languages {
		if b.stems[a] = m.AnalyzerNamed(a); b.stems[a] == nil {
			return nil, fmt.Errorf("search/bleve: no analyzer %q", a)
		}
	}
	if dir == "" {
		if b.live, err = b.newGeneration(0); err != nil {
			return nil, err
		}
		b.next = 1
		return b, nil
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search/bleve: %w", err)
	}
	if b.unlock, err = lockDir(filepath.Join(dir, "lock")); err != nil {
		return nil, err
	}
	n, err := readPointer(dir)
	if err != nil {
		b.unlock()
		return nil, err
	}
	if err := clean(dir, n); err != nil {
		b.unlock()
		return nil, err
	}
	if n == 0 { // a new directory
		n = 1
		if b.live, err = b.newGeneration(n); err == nil {
			err = writePointer(dir, n)
		}
	} else {
		b.live, err = b.openGeneration(n)
	}
	if err != nil {
		if b.live != nil {
			b.live.close()
		}
		b.unlock()
		return nil, err
	}
	b.next = n + 1
	return b, nil
}

// readPointer returns the live generation, 0 when there is no pointer file.
func readPointer(dir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dir, pointerFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("search/bleve: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("search/bleve: %s: corrupt pointer file %q", filepath.Join(dir, pointerFile), data)
	}
	return n, nil
}

// writePointer makes n the live generation: it writes a temp file, syncs
// it, renames it over the pointer and syncs the directory, so the pointer
// names either the old generation or n, whatever happens.
func writePointer(dir string, n int) error {
	tmp, err := os.CreateTemp(dir, pointerFile+".tmp*")
	if err != nil {
		return fmt.Errorf("search/bleve: %w", err)
	}
	_, err = fmt.Fprintf(tmp, "%d\n", n)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, pointerFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("search/bleve: writing the pointer: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // not supported everywhere; the rename is what matters
		d.Close()
	}
	return nil
}

// clean removes temp pointer files and every generation but live.
func clean(dir string, live int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("search/bleve: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		remove := strings.HasPrefix(name, pointerFile+".tmp")
		for _, idx := range search.Indexes {
			if rest, ok := strings.CutPrefix(name, string(idx)+"-"); ok {
				n, err := strconv.Atoi(rest)
				remove = remove || (err == nil && n != live)
			}
		}
		if remove {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("search/bleve: %w", err)
			}
		}
	}
	return nil
}

func (b *Backend) indexDir(idx search.Index, n int) string {
	return filepath.Join(b.dir, fmt.Sprintf("%s-%d", idx, n))
}

// newGeneration creates generation n's empty indexes.
func (b *Backend) newGeneration(n int) (*generation, error) {
	g := &generation{n: n, dir: b.dir, shards: map[search.Index]*shard{}}
	for _, idx := range search.Indexes {
		path := ""
		if b.dir != "" {
			path = b.indexDir(idx, n)
		}
		bi, err := blv.NewUsing(path, b.m, scorch.Name, scorch.Name, nil)
		if err != nil {
			g.close()
			g.remove()
			return nil, fmt.Errorf("search/bleve: creating %s: %w", idx, err)
		}
		g.shards[idx] = &shard{index: bi}
	}
	return g, nil
}

// openGeneration opens generation n's indexes from disk.
func (b *Backend) openGeneration(n int) (*generation, error) {
	g := &generation{n: n, dir: b.dir, shards: map[search.Index]*shard{}}
	for _, idx := range search.Indexes {
		bi, err := blv.Open(b.indexDir(idx, n))
		if err != nil {
			g.close()
			return nil, fmt.Errorf("search/bleve: opening %s: %w", b.indexDir(idx, n), err)
		}
		g.shards[idx] = &shard{index: bi}
	}
	return g, nil
}

func (g *generation) shard(idx search.Index) (*shard, error) {
	s, ok := g.shards[idx]
	if !ok {
		return nil, fmt.Errorf("search/bleve: unknown index %q", idx)
	}
	return s, nil
}

func (g *generation) close() error {
	var errs []error
	for _, s := range g.shards {
		errs = append(errs, s.index.Close())
	}
	return errors.Join(errs...)
}

func (g *generation) remove() error {
	if g.dir == "" {
		return nil
	}
	var errs []error
	for _, idx := range search.Indexes {
		errs = append(errs, os.RemoveAll(filepath.Join(g.dir, fmt.Sprintf("%s-%d", idx, g.n))))
	}
	return errors.Join(errs...)
}

// retire waits for the operations in flight on g, closes it and, when
// drop, removes its files. Nothing may reach g any more.
func (g *generation) retire(drop bool) error {
	g.inUse.Lock()
	err := g.close()
	if drop {
		err = errors.Join(err, g.remove())
	}
	return err
}

// acquire returns the live generation, held until release.
func (b *Backend) acquire() (*generation, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return nil, errClosed
	}
	b.live.inUse.RLock()
	return b.live, nil
}

// Put writes docs to the live indexes; a document older than the stored one
// is skipped.
func (b *Backend) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	g, err := b.acquire()
	if err != nil {
		return err
	}
	defer g.inUse.RUnlock()
	return g.put(ctx, idx, docs)
}

func (g *generation) put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	s, err := g.shard(idx)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return nil
	}
	prepared := make([]indexed, len(docs))
	for i, d := range docs {
		if prepared[i], err = prepare(d); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.write.Lock()
	defer s.write.Unlock()
	stored, err := s.versions(ctx, prepared)
	if err != nil {
		return err
	}
	batch := s.index.NewBatch()
	for _, d := range prepared {
		if v, ok := stored[d.id]; ok && d.version < v {
			continue // stale
		}
		stored[d.id] = d.version
		if err := batch.Index(d.id, d.fields); err != nil {
			return fmt.Errorf("search/bleve: document %s: %w", d.id, err)
		}
	}
	if batch.Size() == 0 {
		return nil
	}
	if err := s.index.Batch(batch); err != nil {
		return fmt.Errorf("search/bleve: writing %s: %w", idx, err)
	}
	return nil
}

// versions returns the stored versions of docs that exist.
func (s *shard) versions(ctx context.Context, docs []indexed) (map[string]int64, error) {
	ids := make([]string, 0, len(docs))
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if !seen[d.id] {
			seen[d.id] = true
			ids = append(ids, d.id)
		}
	}
	req := blv.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{versionField}
	req.Score = "none"
	res, err := s.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search/bleve: reading versions: %w", err)
	}
	out := make(map[string]int64, len(res.Hits))
	for _, h := range res.Hits {
		if v, ok := h.Fields[versionField].(float64); ok {
			out[h.ID] = int64(v)
		}
	}
	return out, nil
}

// Get returns a stored document as Put marshalled it.
func (b *Backend) Get(ctx context.Context, idx search.Index, id string) (json.RawMessage, error) {
	g, err := b.acquire()
	if err != nil {
		return nil, err
	}
	defer g.inUse.RUnlock()
	s, err := g.shard(idx)
	if err != nil {
		return nil, err
	}
	doc, err := s.index.Document(id)
	if err != nil {
		return nil, fmt.Errorf("search/bleve: get %s: %w", id, err)
	}
	if doc == nil {
		return nil, search.ErrNotFound
	}
	var src []byte
	doc.VisitFields(func(f index.Field) {
		if f.Name() == sourceField {
			src = append([]byte(nil), f.Value()...)
		}
	})
	if src == nil {
		return nil, search.ErrNotFound
	}
	return src, nil
}

// Search answers q from the live generation. Hits are whole documents:
// q.Fields is not applied (the contract allows more fields than asked).
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	req, o, err := b.request(q)
	if err != nil {
		return nil, err
	}
	var fs *facets
	if len(q.Facets) > 0 {
		if fs, err = newFacets(q.Facets); err != nil {
			return nil, err
		}
		ctx = fs.install(ctx)
	}
	g, err := b.acquire()
	if err != nil {
		return nil, err
	}
	defer g.inUse.RUnlock()
	s, err := g.shard(q.Index)
	if err != nil {
		return nil, err
	}
	res, err := s.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search/bleve: search %s: %w", q.Index, err)
	}
	out := &search.Result{Total: int64(res.Total), Hits: make([]json.RawMessage, 0, len(res.Hits))}
	for _, h := range res.Hits {
		src, _ := h.Fields[sourceField].(string)
		out.Hits = append(out.Hits, json.RawMessage(src))
	}
	if n := len(res.Hits); n > 0 && n == req.Size {
		out.Next = o.cursor(res.Hits[n-1])
	}
	if fs != nil {
		out.Facets = fs.result()
	}
	return out, nil
}

// Refresh does nothing: a Put is searchable when it returns.
func (b *Backend) Refresh(ctx context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errClosed
	}
	return nil
}

// Close closes the indexes; rebuilds not yet committed are dropped.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	live, pending := b.live, b.pending
	b.pending = nil
	b.mu.Unlock()

	err := live.retire(false)
	for g := range pending {
		err = errors.Join(err, g.retire(true))
	}
	b.unlock()
	return err
}
