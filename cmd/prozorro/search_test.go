package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
	"github.com/prozorro-go/prozorro/tender/seed"
)

// TestImportAndReindexCommands runs `import ocds` and `reindex` on the
// embedded index against the test MongoDB server.
func TestImportAndReindexCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbName := mongotest.DatabaseName()
	uri := mongotest.URI(t)
	env := map[string]string{"PROZORRO_MONGO_URI": uri, "PROZORRO_MONGO_DATABASE": dbName, "PROZORRO_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// Some tenders of our own, for reindex to find.
	st, err := mongodb.Open(ctx, uri, dbName)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.New()
	if _, err := seed.Run(ctx, mem, 5, 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	copyTenders(t, mem, st)
	st.Close(ctx)

	var out bytes.Buffer
	fixture := "../../ocds/testdata/shared/ocds/fixtures/fictional-example/record/ocds-213czf-000-00001.json"
	if err := runImport(ctx, []string{"ocds", "-source", "barnet", fixture}, &out, log, getenv); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `1 contracting processes indexed as source "barnet"`) {
		t.Errorf("import said: %s", out.String())
	}
	out.Reset()
	if err := runReindex(ctx, nil, &out, log, getenv); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "reindexed 5 tenders") {
		t.Errorf("reindex said: %s", out.String())
	}

	b, err := bleve.Open(filepath.Join(dir, "search"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// A reindex rebuilds ours from the feed and carries imported
	// processes over.
	r, err := b.Search(ctx, search.Query{Index: search.Tenders, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 6 {
		t.Errorf("after reindex %d documents, want our 5 and the imported one", r.Total)
	}
	for _, idx := range search.Indexes {
		if r, _ := b.Search(ctx, search.Query{Index: idx, Filters: []search.Filter{{Field: "source", Op: search.OpTerm, Values: []string{"barnet"}}}}); r.Total == 0 {
			t.Errorf("%s: the imported process was lost in the reindex", idx)
		}
	}
}

// copyTenders copies every tender of from, as it is now, into to with one
// revision each.
func copyTenders(t *testing.T, from *memory.Store, to tender.Store) {
	t.Helper()
	ctx := context.Background()
	cur := ""
	for {
		page, err := from.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: 100, Mode: tender.FeedAll})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			return
		}
		for _, tn := range page.Items {
			full, err := from.Get(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := to.Insert(ctx, full, tender.Revision{Author: "copy", Date: full.DateModified, Changes: []byte("[]")}); err != nil {
				t.Fatal(err)
			}
		}
		cur = page.Next
	}
}
