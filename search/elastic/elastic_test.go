package elastic

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/searchtest"
)

// testURL is the node the tests run against: PROZORRO_TEST_ES_URL, set by
// .ci/test-servers.sh. Without it the tests skip, except under CI, where a
// skip would hide that the backend went untested.
func testURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("PROZORRO_TEST_ES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PROZORRO_TEST_ES_URL is not set under CI: run the tests through .ci/test-servers.sh")
		}
		t.Skip("PROZORRO_TEST_ES_URL is not set (.ci/test-servers.sh exec go test ./... sets it)")
	}
	return u
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// freshPrefix is a prefix no other test uses.
func freshPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "t-" + hex.EncodeToString(b[:])
}

// testLogger logs at debug level into the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// open returns a backend on a fresh prefix, dropped when the test ends.
func open(t *testing.T) *Backend {
	t.Helper()
	return openPrefix(t, freshPrefix())
}

func openPrefix(t *testing.T, prefix string) *Backend {
	t.Helper()
	b, err := New(testCtx(t), Config{URL: testURL(t), Prefix: prefix, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := b.DropAll(context.Background()); err != nil {
			t.Errorf("DropAll: %v", err)
		}
		_ = b.Close()
	})
	return b
}

func TestBehaviour(t *testing.T) {
	testURL(t)
	searchtest.Run(t, func(t *testing.T) search.Backend { return open(t) })
}

// docLeaves lists the dotted JSON paths of the leaves of a document type.
func docLeaves(typ reflect.Type, prefix string) []string {
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			out = append(out, docLeaves(ft, path+".")...)
			continue
		}
		out = append(out, path)
	}
	return out
}

// TestMappingCoversDocs keeps the field lists in step with the documents:
// every JSON field of TenderDoc and ContractDoc is mapped, and nothing else.
func TestMappingCoversDocs(t *testing.T) {
	for _, tc := range []struct {
		doc    any
		fields []field
	}{{search.TenderDoc{}, tenderFields}, {search.ContractDoc{}, contractFields}} {
		want := docLeaves(reflect.TypeOf(tc.doc), "")
		var got []string
		for _, f := range tc.fields {
			got = append(got, f.path)
		}
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%T: mapped %v\nfields %v", tc.doc, got, want)
		}
	}
}

// TestMappingExplicit reads the mapping back from the cluster.
func TestMappingExplicit(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	raw, err := b.do(ctx, "GET", "/"+b.alias(search.Tenders)+"/_mapping", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]struct {
		Mappings struct {
			Dynamic    any            `json:"dynamic"`
			Properties map[string]any `json:"properties"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 {
		t.Fatalf("the alias names %d indexes, want 1", len(m))
	}
	for name, idx := range m {
		if !b.physicalPattern().MatchString(name) {
			t.Errorf("physical index %q does not follow <alias>-<timestamp>", name)
		}
		if fmt.Sprint(idx.Mappings.Dynamic) != "false" {
			t.Errorf("dynamic = %v, want false", idx.Mappings.Dynamic)
		}
		props := idx.Mappings.Properties
		for path, want := range map[string]string{
			"id": "keyword", "id.wl": "text", "tenderID": "keyword", "status": "keyword",
			"buyer.id": "keyword", "buyer.name": "text", "buyer.name.uk": "text", "suppliers.id": "keyword",
			"title": "text", "title.en": "text", "title.ru": "text", "title.uk": "text",
			"items.description.ru": "text", "lots.status": "keyword", "cpv": "keyword",
			"amountMinor": "long", "numberOfBids": "long", "version": "long", "riskScore": "double",
			"date": "date_nanos", "dateModified": "date_nanos", "tenderEnd": "date_nanos",
		} {
			if got := mappedType(props, path); got != want {
				t.Errorf("%s is mapped as %q, want %q", path, got, want)
			}
		}
		facts, _ := props["facts"].(map[string]any)
		if facts["enabled"] != false {
			t.Errorf("facts is mapped as %v, want an object with enabled false", facts)
		}
	}

	// A field the mapping lacks is stored but changes no mapping.
	doc := map[string]any{"id": "x1", "title": "x", "surprise": "field", "version": 1}
	if err := b.Put(ctx, search.Tenders, []search.Doc{{ID: "x1", Version: 1, Body: doc}}); err != nil {
		t.Fatal(err)
	}
	after, err := b.do(ctx, "GET", "/"+b.alias(search.Tenders)+"/_mapping", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(after), "surprise") {
		t.Error("an unmapped field was added to the mapping")
	}
	got, err := b.Get(ctx, search.Tenders, "x1")
	if err != nil || !strings.Contains(string(got), "surprise") {
		t.Errorf("Get: %s, %v; want the document as written", got, err)
	}
}

// mappedType is the type of a dotted path in mapping properties, with
// multi-fields as further path elements (title.en).
func mappedType(props map[string]any, path string) string {
	head, rest, more := strings.Cut(path, ".")
	f, _ := props[head].(map[string]any)
	if f == nil {
		return ""
	}
	if !more {
		typ, _ := f["type"].(string)
		return typ
	}
	if sub, ok := f["properties"].(map[string]any); ok {
		return mappedType(sub, rest)
	}
	if sub, ok := f["fields"].(map[string]any); ok {
		return mappedType(sub, rest)
	}
	return ""
}

func tender(id string, version int64, title string) search.Doc {
	d := &search.TenderDoc{ID: id, OCID: "ocds-" + id, Source: "local", Title: title, Version: version}
	return search.TenderDocument(d)
}

func getTitle(t *testing.T, b *Backend, idx search.Index, id string) string {
	t.Helper()
	raw, err := b.Get(testCtx(t), idx, id)
	if err != nil {
		t.Fatalf("Get %s: %v", id, err)
	}
	var d struct{ Title string }
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d.Title
}

func TestStaleWriteLoses(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	if err := b.Put(ctx, search.Tenders, []search.Doc{tender("a", 200, "new")}); err != nil {
		t.Fatal(err)
	}
	// Version 100 is older: no error, no change, in a batch or alone.
	if err := b.Put(ctx, search.Tenders, []search.Doc{tender("a", 100, "old"), tender("b", 1, "b")}); err != nil {
		t.Fatalf("a stale write is no error: %v", err)
	}
	if got := getTitle(t, b, search.Tenders, "a"); got != "new" {
		t.Errorf("after a stale write the title is %q, want %q", got, "new")
	}
	if got := getTitle(t, b, search.Tenders, "b"); got != "b" {
		t.Errorf("the rest of the batch: %q", got)
	}
	// Versions beyond 2^53 (µs timestamps never get there, but exactly).
	big := int64(1)<<60 + 1
	if err := b.Put(ctx, search.Tenders, []search.Doc{tender("a", big, "big")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, search.Tenders, []search.Doc{tender("a", big-1, "big-1")}); err != nil {
		t.Fatal(err)
	}
	if got := getTitle(t, b, search.Tenders, "a"); got != "big" {
		t.Errorf("version %d lost to %d: %q", big, big-1, got)
	}
}

func TestPutReportsFailedDocuments(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	good := tender("good", 1, "fine")
	bad := search.Doc{ID: "bad/1", Version: 1, Body: map[string]any{"id": "bad/1", "date": "not a date"}}
	err := b.Put(ctx, search.Tenders, []search.Doc{good, bad})
	if err == nil || !strings.Contains(err.Error(), "bad/1") || !strings.Contains(err.Error(), "date") {
		t.Fatalf("Put with an unparsable date: %v, want an error naming bad/1 and the field", err)
	}
	if got := getTitle(t, b, search.Tenders, "good"); got != "fine" {
		t.Errorf("the good document of the batch: %q", got)
	}
	if err := b.Put(ctx, search.Tenders, []search.Doc{{Version: 1, Body: map[string]any{}}}); err == nil {
		t.Error("a document without id was accepted")
	}
	if err := b.Put(ctx, "plans", []search.Doc{good}); err == nil {
		t.Error("an unknown index was accepted")
	}
}

func TestBulkSplits(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	// Titles of ~1 KB: 3,000 documents make about 3 MB; with a 256 KB limit
	// that is a dozen bulk requests.
	old := maxBulkBytes
	maxBulkBytes = 256 << 10
	t.Cleanup(func() { maxBulkBytes = old })
	var docs []search.Doc
	for i := range 3000 {
		docs = append(docs, tender(fmt.Sprintf("d%04d", i), 1, strings.Repeat("слово ", 100)+fmt.Sprint(i)))
	}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.Search(ctx, search.Query{Index: search.Tenders})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 3000 {
		t.Errorf("total %d, want 3000", r.Total)
	}
}

func TestGetIDsWithSlashes(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	c := &search.ContractDoc{ID: "ocds-abc/award 1?x=%2F", Tender: "ocds-abc", AwardID: "award 1", Title: "c", Version: 1}
	if err := b.Put(ctx, search.Contracts, []search.Doc{search.ContractDocument(c)}); err != nil {
		t.Fatal(err)
	}
	if got := getTitle(t, b, search.Contracts, c.ID); got != "c" {
		t.Errorf("Get %q: title %q", c.ID, got)
	}
	if _, err := b.Get(ctx, search.Contracts, "ocds-abc"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Get of the id's prefix: %v, want ErrNotFound", err)
	}
}

// TestConcurrentNew starts several backends on one prefix at once: they
// must all succeed and share one physical index per alias, leaving none
// behind.
func TestConcurrentNew(t *testing.T) {
	url := testURL(t)
	prefix := freshPrefix()
	const n = 8
	backends := make([]*Backend, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			backends[i], errs[i] = New(testCtx(t), Config{URL: url, Prefix: prefix, Logger: testLogger(t)})
		})
	}
	close(start)
	wg.Wait()
	t.Cleanup(func() {
		for _, b := range backends {
			if b != nil {
				_ = b.DropAll(context.Background())
				_ = b.Close()
			}
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("New #%d: %v", i, err)
		}
	}
	b := backends[0]
	ctx := testCtx(t)
	for _, idx := range search.Indexes {
		live, err := b.aliasIndexes(ctx, b.alias(idx))
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 1 {
			t.Errorf("alias %s names %v, want one index", b.alias(idx), live)
		}
	}
	raw, err := b.do(ctx, "GET", "/_cat/indices/"+prefix+"-*", map[string][]string{"format": {"json"}, "h": {"index"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Index string }
	_ = json.Unmarshal(raw, &rows)
	if len(rows) != 2 {
		t.Errorf("indexes under the prefix: %v, want exactly 2 (no orphans)", rows)
	}
	// Every backend writes through the same alias.
	for i, b := range backends {
		if err := b.Put(ctx, search.Tenders, []search.Doc{tender(fmt.Sprint("n", i), 1, "x")}); err != nil {
			t.Fatalf("Put through backend #%d: %v", i, err)
		}
	}
	_ = b.Refresh(ctx)
	if r, err := b.Search(ctx, search.Query{Index: search.Tenders}); err != nil || r.Total != n {
		t.Errorf("search after a put from each: %+v, %v; want %d", r, err, n)
	}
}

// TestRebuildUnderSearch commits rebuilds while searches run: no search
// fails or sees an empty index.
func TestRebuildUnderSearch(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	var docs []search.Doc
	for i := range 200 {
		docs = append(docs, tender(fmt.Sprintf("r%03d", i), 1, fmt.Sprintf("tender %d", i)))
	}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var searches, failures atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := b.Search(ctx, search.Query{Index: search.Tenders, Text: "tender", Size: 5, Facets: []string{search.FacetStatus}})
				searches.Add(1)
				if err == nil && r.Total == 0 {
					err = errors.New("zero hits")
				}
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	for round := range 3 {
		rb, err := b.Rebuild(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Fill in two halves, the new index empty and then partial
		// meanwhile.
		if err := rb.Put(ctx, search.Tenders, docs[:100]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if err := rb.Put(ctx, search.Tenders, docs[100:]); err != nil {
			t.Fatal(err)
		}
		if err := rb.Commit(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d searches failed during rebuilds; first: %v", failures.Load(), searches.Load(), firstErr.Load())
	}
	if searches.Load() < 10 {
		t.Errorf("only %d searches ran", searches.Load())
	}
	// Only the last rebuild's indexes are left.
	for _, idx := range search.Indexes {
		live, _ := b.aliasIndexes(ctx, b.alias(idx))
		if len(live) != 1 {
			t.Errorf("%s: %v", idx, live)
		}
	}
	raw, _ := b.do(ctx, "GET", "/_cat/indices/"+b.prefix+"-*", map[string][]string{"format": {"json"}, "h": {"index"}}, nil)
	var rows []struct{ Index string }
	_ = json.Unmarshal(raw, &rows)
	if len(rows) != 2 {
		t.Errorf("indexes after three rebuilds: %v, want 2", rows)
	}
}

func TestRebuildFinishes(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	rb, err := b.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rb.Put(ctx, search.Tenders, []search.Doc{tender("a", 1, "a")}); err != nil {
		t.Fatal(err)
	}
	if err := rb.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Committed, a rebuild takes no more writes, and Abort leaves the
	// live indexes alone.
	if err := rb.Put(ctx, search.Tenders, []search.Doc{tender("b", 1, "b")}); err == nil {
		t.Error("Put after Commit was accepted")
	}
	if err := rb.Commit(ctx); err == nil {
		t.Error("a second Commit was accepted")
	}
	if err := rb.Abort(ctx); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if got := getTitle(t, b, search.Tenders, "a"); got != "a" {
		t.Errorf("after Abort of a committed rebuild: %q", got)
	}
}

// TestAnalysis checks what each language's analysis finds.
func TestAnalysis(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	titles := map[string]string{
		"en":     "Supply of a computer",
		"ru":     "Поставка компьютер",
		"ru2":    "Ремонт зданий школы",
		"uk":     "Закупівля комп'ютерів",
		"uk2":    "Послуги з прибирання приміщень",
		"uk3":    "Комп’ютерна техніка", // typographic apostrophe
		"id":     "Office chairs",
		"stop":   "Ремонт та обслуговування",
		"mixed":  "Road repair",
		"mixed2": "дороги",
	}
	var docs []search.Doc
	for id, title := range titles {
		d := &search.TenderDoc{ID: id, Title: title, TenderID: "UA-2026-01-15-000123-a", Version: 1}
		if id != "id" {
			d.TenderID = "UA-2026-01-15-000999-" + id
		}
		docs = append(docs, search.TenderDocument(d))
	}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"computers", []string{"en"}},                 // English stemmer
		{"компьютеры", []string{"ru"}},                // Russian stemmer
		{"компьютера", []string{"ru"}},                // Russian stemmer
		{"здание", []string{"ru2"}},                   // Russian stemmer: зданий ~ здание
		{"школа", []string{"ru2"}},                    // школы ~ школа
		{"комп'ютер", []string{"uk"}},                 // uk_suffix: комп'ютерів ~ комп'ютер
		{"комп’ютери", []string{"uk"}},                // and the typographic apostrophe folds
		{"комп'ютерної", []string{"uk3"}},             // adjective endings: комп’ютерна ~ комп'ютерної
		{"послугами", []string{"uk2"}},                // послуги ~ послугами
		{"прибиранням", []string{"uk2"}},              // прибирання ~ прибиранням
		{"UA-2026-01-15-000123-a", []string{"id"}},    // whitespace_lower keeps the id whole
		{"ua-2026-01-15-000123-A", []string{"id"}},    // case-folded
		{"ремонт і обслуговування", []string{"stop"}}, // і is a Ukrainian stop word
	} {
		r, err := b.Search(ctx, search.Query{Index: search.Tenders, Text: tc.text, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range r.Hits {
			var d struct{ ID string }
			_ = json.Unmarshal(h, &d)
			got = append(got, d.ID)
		}
		sort.Strings(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q found %v, want %v", tc.text, got, tc.want)
		}
	}

	// The Ukrainian analyser's tokens, for the record.
	raw, err := b.do(ctx, "POST", "/"+b.alias(search.Tenders)+"/_analyze", nil,
		map[string]any{"analyzer": "ukrainian_light", "text": "Закупівля комп’ютерів та послуг"})
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Tokens []struct{ Token string } }
	_ = json.Unmarshal(raw, &res)
	var toks []string
	for _, tk := range res.Tokens {
		toks = append(toks, tk.Token)
	}
	if want := []string{"закупівл", "комп'ютер", "послуг"}; !slices.Equal(toks, want) {
		t.Errorf("ukrainian_light tokens %v, want %v", toks, want)
	}
}

func TestCursors(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	var docs []search.Doc
	for i := range 5 {
		docs = append(docs, tender(fmt.Sprintf("c%d", i), 1, "x"))
	}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx)
	q := search.Query{Index: search.Tenders, Sort: search.SortValue, Size: 2}
	r, err := b.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Next == "" {
		t.Fatal("a full page without Next")
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, cursor := range map[string]string{
		"not base64":     "%%%",
		"not json":       enc("nope"),
		"not an array":   enc(`{"a":1}`),
		"too short":      enc(`["c1"]`),
		"too long":       enc(`[1,"c1",3]`),
		"wrong types":    enc(`["c1",1]`),
		"fraction long":  enc(`[1.5,"c1"]`),
		"trailing data":  enc(`[1,"c1"] [2]`),
		"other sort":     "", // filled below
		"null value":     enc(`[null,"c1"]`),
		"empty":          enc(`[]`),
		"object element": enc(`[{},"c1"]`),
		"huge number":    enc(`[1e400,"c1"]`),
	} {
		qq := q
		qq.After = cursor
		if name == "other sort" {
			// A relevance cursor has a float where a long is due.
			qq.After = enc(`[1.25,"c1"]`)
		}
		if _, err := b.Search(ctx, qq); !errors.Is(err, search.ErrBadCursor) {
			t.Errorf("%s: %v, want ErrBadCursor", name, err)
		}
	}
	// Relevance pages walk with cursors too (scores travel as floats).
	var more []search.Doc
	for i := range 7 {
		more = append(more, tender(fmt.Sprintf("rel%d", i), 1, strings.Repeat("pump ", i+1)+"station"))
	}
	if err := b.Put(ctx, search.Tenders, more); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx)
	all, err := b.Search(ctx, search.Query{Index: search.Tenders, Text: "pump", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	rq := search.Query{Index: search.Tenders, Text: "pump", Size: 3}
	var walked []json.RawMessage
	for range 10 {
		page, err := b.Search(ctx, rq)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, page.Hits...)
		if page.Next == "" {
			break
		}
		rq.After = page.Next
	}
	if len(all.Hits) != 7 || !reflect.DeepEqual(walked, all.Hits) {
		t.Errorf("relevance walk:\n%s\nwant\n%s", walked, all.Hits)
	}

	// The padded form of a cursor is accepted too.
	raw, _ := base64.RawURLEncoding.DecodeString(r.Next)
	q.After = base64.URLEncoding.EncodeToString(raw)
	if _, err := b.Search(ctx, q); err != nil {
		t.Errorf("padded cursor: %v", err)
	}
}

func TestQueryErrors(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	for name, q := range map[string]search.Query{
		"unknown index":  {Index: "plans"},
		"unknown field":  {Index: search.Tenders, Filters: []search.Filter{{Field: "nope", Op: search.OpTerm, Values: []string{"x"}}}},
		"text field":     {Index: search.Tenders, Filters: []search.Filter{{Field: "title", Op: search.OpTerm, Values: []string{"x"}}}},
		"facts":          {Index: search.Tenders, Filters: []search.Filter{{Field: "facts", Op: search.OpTerm, Values: []string{"x"}}}},
		"prefix on long": {Index: search.Tenders, Filters: []search.Filter{{Field: "amountMinor", Op: search.OpPrefix, Values: []string{"1"}}}},
		"time on long":   {Index: search.Tenders, Filters: []search.Filter{{Field: "amountMinor", Op: search.OpRange, From: time.Now()}}},
		"long on date":   {Index: search.Tenders, Filters: []search.Filter{{Field: "date", Op: search.OpRange, From: int64(5)}}},
		"unknown sort":   {Index: search.Tenders, Sort: "budget"},
		"unknown facet":  {Index: search.Tenders, Facets: []string{"colour"}},
		"unknown op":     {Index: search.Tenders, Filters: []search.Filter{{Field: "id", Op: 9}}},
		"negative size":  {Index: search.Tenders, Size: -1},
		"contract field": {Index: search.Contracts, Filters: []search.Filter{{Field: "tenderers.id", Op: search.OpTerm, Values: []string{"x"}}}},
	} {
		if _, err := b.Search(ctx, q); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestFacetSums checks that sums are exact decimals well beyond what
// float formatting would get right.
func TestFacetSums(t *testing.T) {
	b := open(t)
	ctx := testCtx(t)
	amounts := []int64{123456789012345, 1, 99, 1<<52 - 1}
	var docs []search.Doc
	for i, a := range amounts {
		d := &search.TenderDoc{ID: fmt.Sprint("s", i), Status: "complete", Currency: "UAH", AmountMinor: &a, Version: 1}
		docs = append(docs, search.TenderDocument(d))
	}
	usd := int64(5)
	docs = append(docs, search.TenderDocument(&search.TenderDoc{ID: "usd", Status: "complete", Currency: "USD", AmountMinor: &usd, Version: 1}))
	docs = append(docs, search.TenderDocument(&search.TenderDoc{ID: "none", Status: "complete", Currency: "EUR", Version: 1}))
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx)
	r, err := b.Search(ctx, search.Query{Index: search.Tenders, Facets: []string{search.FacetStatus, search.FacetMonth}})
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Bucket{{Key: "complete", Count: 6, Sum: map[string]string{
		"UAH": "46270564163829.40", // (123456789012345 + 1 + 99 + 2^52-1) / 100
		"USD": "0.05",
	}}}
	if got := r.Facets[search.FacetStatus]; !reflect.DeepEqual(got, want) {
		t.Errorf("status facet %+v, want %+v", got, want)
	}
	if got := r.Facets[search.FacetMonth]; got == nil || len(got) != 0 {
		t.Errorf("month facet of undated documents: %#v, want empty", got)
	}
}

func TestMinorToDecimal(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {123450, "1234.50"}, {-250, "-2.50"},
		{1 << 53, "90071992547409.92"}, {1e15 + 1, "10000000000000.01"},
	} {
		if got := minorToDecimal(tc.in); got != tc.want {
			t.Errorf("minorToDecimal(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestInfo(t *testing.T) {
	b := open(t)
	v, dist, err := b.Info(testCtx(t))
	if err != nil || v == "" || dist == "" {
		t.Fatalf("Info: %q %q %v", v, dist, err)
	}
	t.Logf("%s %s", dist, v)
}

func TestDropAll(t *testing.T) {
	url := testURL(t)
	ctx := testCtx(t)
	prefix := freshPrefix()
	b, err := New(ctx, Config{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// A neighbour whose prefix extends ours survives.
	other := openPrefix(t, prefix+"-x")
	rb, err := b.Rebuild(ctx) // an unfinished rebuild goes too
	if err != nil {
		t.Fatal(err)
	}
	_ = rb
	if err := b.DropAll(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := b.do(ctx, "GET", "/_cat/indices/"+prefix+"-*", map[string][]string{"format": {"json"}, "h": {"index"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Index string }
	_ = json.Unmarshal(raw, &rows)
	for _, r := range rows {
		if !other.physicalPattern().MatchString(r.Index) {
			t.Errorf("left after DropAll: %s", r.Index)
		}
	}
	if len(rows) != 2 {
		t.Errorf("the neighbour's indexes: %v, want its 2", rows)
	}
	if err := b.DropAll(ctx); err != nil {
		t.Errorf("DropAll twice: %v", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	for _, cfg := range []Config{{}, {URL: "http://127.0.0.1:1", Prefix: "Upper"}, {URL: "http://127.0.0.1:1", Prefix: "-x"}} {
		if _, err := New(context.Background(), cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// flakyBulk answers the first _bulk request 429 as a whole and marks the
// first item of the second 429, as a cluster under load does.
type flakyBulk struct {
	mu    sync.Mutex
	bulks []int // items per _bulk request seen
}

func (f *flakyBulk) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/_bulk") {
		return http.DefaultTransport.RoundTrip(req)
	}
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.bulks = append(f.bulks, bytes.Count(body, []byte("\n"))/2)
	n := len(f.bulks)
	f.mu.Unlock()
	if n == 1 {
		return &http.Response{
			StatusCode: http.StatusTooManyRequests,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(strings.NewReader(`{"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":429}`)),
			Request:    req,
		}, nil
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || n != 2 {
		return res, err
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, op := range m["items"].([]any)[0].(map[string]any) {
		op.(map[string]any)["status"] = 429
		op.(map[string]any)["error"] = map[string]any{"type": "es_rejected_execution_exception", "reason": "busy"}
	}
	raw, _ = json.Marshal(m)
	res.Body = io.NopCloser(bytes.NewReader(raw))
	res.ContentLength = int64(len(raw))
	res.Header.Del("Content-Length")
	return res, nil
}

func TestBulkRetries(t *testing.T) {
	flaky := &flakyBulk{}
	b, err := New(testCtx(t), Config{URL: testURL(t), Prefix: freshPrefix(), HTTPClient: &http.Client{Transport: flaky}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.DropAll(context.Background()); _ = b.Close() })
	ctx := testCtx(t)
	docs := []search.Doc{tender("a", 1, "a"), tender("b", 1, "b"), tender("c", 1, "c")}
	if err := b.Put(ctx, search.Tenders, docs); err != nil {
		t.Fatalf("Put through a busy cluster: %v", err)
	}
	if want := []int{3, 3, 1}; !slices.Equal(flaky.bulks, want) {
		t.Errorf("bulk requests of %v items, want %v (all, all again, the rejected one)", flaky.bulks, want)
	}
	for _, id := range []string{"a", "b", "c"} {
		if got := getTitle(t, b, search.Tenders, id); got != id {
			t.Errorf("%s: %q", id, got)
		}
	}
}
