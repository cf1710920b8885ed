package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/searchtest"
)

// open returns a backend closed with the test: in memory for dir "", else
// on disk under dir.
func open(t testing.TB, dir string) *Backend {
	t.Helper()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestBehaviour(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		searchtest.Run(t, func(t *testing.T) search.Backend { return open(t, "") })
	})
	t.Run("disk", func(t *testing.T) {
		searchtest.Run(t, func(t *testing.T) search.Backend { return open(t, t.TempDir()) })
	})
}

// tender is a small tender document.
func tender(id, title string, version int64) *search.TenderDoc {
	date := searchtest.T0.Add(time.Duration(len(id)) * time.Hour)
	minor := int64(100)
	return &search.TenderDoc{ID: id, OCID: "ocds-" + id, Source: "local", Title: title, Status: "complete",
		Currency: "UAH", Amount: "1.00", AmountMinor: &minor, Date: &date, Version: version}
}

func put(t testing.TB, p interface {
	Put(context.Context, search.Index, []search.Doc) error
}, ds ...*search.TenderDoc) {
	t.Helper()
	docs := make([]search.Doc, len(ds))
	for i, d := range ds {
		docs[i] = search.TenderDocument(d)
	}
	if err := p.Put(context.Background(), search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
}

func title(t testing.TB, b search.Backend, id string) string {
	t.Helper()
	raw, err := b.Get(context.Background(), search.Tenders, id)
	if errors.Is(err, search.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var d search.TenderDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d.Title
}

func total(t testing.TB, b search.Backend, q search.Query) int64 {
	t.Helper()
	if q.Index == "" {
		q.Index = search.Tenders
	}
	r, err := b.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return r.Total
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	put(t, b, tender("a", "first", 2), tender("b", "second", 1))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(context.Background(), search.Tenders, "a"); !errors.Is(err, errClosed) {
		t.Errorf("Get after Close: %v", err)
	}

	b = open(t, dir)
	if got := title(t, b, "a"); got != "first" {
		t.Errorf("after reopen: %q", got)
	}
	if n := total(t, b, search.Query{Text: "second"}); n != 1 {
		t.Errorf("full text after reopen: %d hits", n)
	}
	// The stored version survives too: a stale write still loses.
	put(t, b, tender("a", "stale", 1))
	if got := title(t, b, "a"); got != "first" {
		t.Errorf("stale write after reopen won: %q", got)
	}
}

func TestStaleWrites(t *testing.T) {
	b := open(t, "")
	put(t, b, tender("a", "v3", 3))
	// In one batch: older and newer copies of one id, in any order.
	put(t, b, tender("a", "v5", 5), tender("a", "v4", 4), tender("b", "b1", 1), tender("a", "v2", 2))
	if got := title(t, b, "a"); got != "v5" {
		t.Errorf("a: %q, want v5", got)
	}
	put(t, b, tender("a", "v5 again", 5))
	if got := title(t, b, "a"); got != "v5 again" {
		t.Errorf("an equal version must replace: %q", got)
	}
	if n := total(t, b, search.Query{}); n != 2 {
		t.Errorf("%d documents, want 2", n)
	}
}

func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	open(t, dir)
	if b, err := Open(dir); err == nil {
		b.Close()
		t.Fatal("a second Open of a directory in use succeeded")
	}
}

// TestCrashLeftovers rebuilds on disk what a crash can leave behind: a temp
// pointer file and the other generation, either before or after the pointer
// was rewritten. Open must serve the generation the pointer names and drop
// the rest.
func TestCrashLeftovers(t *testing.T) {
	// Two generations' worth of indexes: gen 1 holds "old", gen 2 "new".
	mk := func(name string) string {
		dir := t.TempDir()
		b, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		put(t, b, tender(name, name, 1))
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, tc := range []struct {
		name    string
		pointer string
		want    string
	}{
		{"crash before the pointer was rewritten", "1\n", "old"},
		{"crash after the pointer was rewritten", "2\n", "new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, other := mk("old"), mk("new")
			for _, idx := range search.Indexes {
				if err := os.Rename(filepath.Join(other, string(idx)+"-1"), filepath.Join(dir, fmt.Sprintf("%s-2", idx))); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, pointerFile), []byte(tc.pointer), 0o644); err != nil {
				t.Fatal(err)
			}
			// A temp pointer half written when the process died.
			if err := os.WriteFile(filepath.Join(dir, pointerFile+".tmp123"), []byte("3"), 0o644); err != nil {
				t.Fatal(err)
			}

			b := open(t, dir)
			r, err := b.Search(context.Background(), search.Query{Index: search.Tenders, Size: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) != 1 || !json.Valid(r.Hits[0]) || title(t, b, tc.want) != tc.want {
				t.Errorf("serving %s, want only %q", r.Hits, tc.want)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			live := tc.pointer[:1]
			want := []string{"contracts-" + live, "live", "lock", "tenders-" + live}
			if fmt.Sprint(names) != fmt.Sprint(want) {
				t.Errorf("directory holds %v, want %v", names, want)
			}
			// A rebuild after recovery takes a fresh generation number.
			rb, err := b.Rebuild(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			put(t, rb, tender("z", "z", 1))
			if err := rb.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := total(t, b, search.Query{}); n != 1 || title(t, b, "z") != "z" {
				t.Errorf("after a rebuild: %d documents", n)
			}
		})
	}
}

func TestCorruptPointer(t *testing.T) {
	dir := t.TempDir()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	put(t, b, tender("a", "a", 1))
	b.Close()
	if err := os.WriteFile(filepath.Join(dir, pointerFile), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := Open(dir); err == nil {
		b.Close()
		t.Fatal("Open with a corrupt pointer succeeded: it would have served (or cleaned) the wrong generation")
	}
	if _, err := os.Stat(filepath.Join(dir, "tenders-1")); err != nil {
		t.Errorf("the data was touched: %v", err)
	}
}

func TestErrors(t *testing.T) {
	b := open(t, "")
	ctx := context.Background()
	for _, q := range []search.Query{
		{Index: "plans"},
		{Index: search.Tenders, Sort: "nonsense"},
		{Index: search.Tenders, Facets: []string{"nonsense"}},
		{Index: search.Tenders, Filters: []search.Filter{{Field: "amountMinor", Op: search.OpRange, From: "ten"}}},
		{Index: search.Tenders, Filters: []search.Filter{{Field: "date", Op: search.OpRange, From: 12}}},
		{Index: search.Tenders, Filters: []search.Filter{{Field: "amountMinor", Op: search.OpPrefix, Values: []string{"1"}}}},
	} {
		if _, err := b.Search(ctx, q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	if err := b.Put(ctx, search.Tenders, []search.Doc{{ID: "x", Version: 1, Body: map[string]any{"date": "yesterday"}}}); err == nil {
		t.Error("a malformed date was accepted")
	}
	if err := b.Put(ctx, search.Tenders, []search.Doc{{Version: 1, Body: tender("", "", 1)}}); err == nil {
		t.Error("a document without an id was accepted")
	}
}
