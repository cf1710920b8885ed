package searchtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/search"
)

// N is the number of tender documents the suite loads.
const N = 60

// Run runs the behaviour suite. open returns an empty backend of its own
// for one test (each subtest opens one).
func Run(t *testing.T, open func(t *testing.T) search.Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b search.Backend)
	}{
		{"GetAndVersions", testGetAndVersions},
		{"Filters", testFilters},
		{"Sorts", testSorts},
		{"Paging", testPaging},
		{"SearchAfter", testSearchAfter},
		{"FullText", testFullText},
		{"Facets", testFacets},
		{"Contracts", testContracts},
		{"Rebuild", testRebuild},
		{"ConcurrentPuts", testConcurrentPuts},
		{"Facts", testFacts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func load(t *testing.T, b search.Backend) []*search.TenderDoc {
	t.Helper()
	ts := Tenders(N)
	docs := make([]search.Doc, len(ts))
	for i, d := range ts {
		docs[i] = search.TenderDocument(d)
	}
	if err := b.Put(ctx(t), search.Tenders, docs); err != nil {
		t.Fatalf("Put tenders: %v", err)
	}
	var cs []search.Doc
	for _, c := range ContractsOf(ts) {
		cs = append(cs, search.ContractDocument(c))
	}
	if err := b.Put(ctx(t), search.Contracts, cs); err != nil {
		t.Fatalf("Put contracts: %v", err)
	}
	if err := b.Refresh(ctx(t)); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	return ts
}

func search1(t *testing.T, b search.Backend, q search.Query) *search.Result {
	t.Helper()
	if q.Index == "" {
		q.Index = search.Tenders
	}
	r, err := b.Search(ctx(t), q)
	if err != nil {
		t.Fatalf("Search %+v: %v", q, err)
	}
	return r
}

func ids(t *testing.T, r *search.Result) []string {
	t.Helper()
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		var d struct{ ID string }
		if err := json.Unmarshal(h, &d); err != nil {
			t.Fatalf("hit %s: %v", h, err)
		}
		out[i] = d.ID
	}
	return out
}

func asAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func testGetAndVersions(t *testing.T, b search.Backend) {
	ts := load(t, b)
	got, err := b.Get(ctx(t), search.Tenders, ts[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	var back search.TenderDoc
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if back.Title != ts[3].Title || back.Amount != ts[3].Amount || !reflect.DeepEqual(back.CPV, ts[3].CPV) || !back.Date.Equal(*ts[3].Date) {
		t.Errorf("Get returned %+v, want what was Put: %+v", back, ts[3])
	}
	if _, err := b.Get(ctx(t), search.Tenders, "nope"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Get unknown: %v, want ErrNotFound", err)
	}
	if _, err := b.Get(ctx(t), search.Contracts, ts[3].ID); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("a tender id in the contracts index: %v, want ErrNotFound", err)
	}

	// Newer wins, stale loses, equal replaces.
	d := *ts[3]
	d.Title, d.Version = "newer", 5
	stale := *ts[3]
	stale.Title, stale.Version = "stale", 4
	equal := *ts[3]
	equal.Title, equal.Version = "equal", 5
	for _, step := range []struct {
		doc  *search.TenderDoc
		want string
	}{{&d, "newer"}, {&stale, "newer"}, {&equal, "equal"}} {
		if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(step.doc)}); err != nil {
			t.Fatalf("Put version %d: %v", step.doc.Version, err)
		}
		if err := b.Refresh(ctx(t)); err != nil {
			t.Fatal(err)
		}
		got, err := b.Get(ctx(t), search.Tenders, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(got, &back)
		if back.Title != step.want {
			t.Errorf("after Put of %q (version %d) the title is %q, want %q", step.doc.Title, step.doc.Version, back.Title, step.want)
		}
		r := search1(t, b, search.Query{Filters: []search.Filter{{Field: "id", Op: search.OpTerm, Values: []string{d.ID}}}, Size: 5})
		if len(r.Hits) != 1 || !jsonHas(r.Hits[0], "title", step.want) {
			t.Errorf("search sees %s, want title %q", r.Hits, step.want)
		}
	}
	// A stale write in the middle of a batch skips only itself.
	a, c := *ts[1], *ts[2]
	a.Title, a.Version = "batch-a", 2
	c.Title, c.Version = "batch-c", 2
	old := *ts[3]
	old.Version = 1
	if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(&a), search.TenderDocument(&old), search.TenderDocument(&c)}); err != nil {
		t.Fatalf("a batch with one stale doc: %v", err)
	}
	_ = b.Refresh(ctx(t))
	for id, want := range map[string]string{a.ID: "batch-a", c.ID: "batch-c", old.ID: "equal"} {
		got, _ := b.Get(ctx(t), search.Tenders, id)
		if !jsonHas(got, "title", want) {
			t.Errorf("%s: %s, want title %q", id, got, want)
		}
	}
}

func jsonHas(raw json.RawMessage, field, want string) bool {
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m[field] == want
}

func testFilters(t *testing.T, b search.Backend) {
	ts := load(t, b)
	jan := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	may := time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		filters []search.Filter
	}{
		{"id", []search.Filter{{Field: "id", Op: search.OpTerm, Values: []string{"t001", "t007", "zzz"}}}},
		{"tenderID exact", []search.Filter{{Field: "tenderID", Op: search.OpTerm, Values: []string{ts[9].TenderID}}}},
		{"tenderID prefix", []search.Filter{{Field: "tenderID", Op: search.OpPrefix, Values: []string{ts[20].TenderID[:13]}}}},
		{"status", []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"complete"}}}},
		{"status any of", []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"complete", "cancelled"}}}},
		{"procedure", []search.Filter{{Field: "procurementMethodType", Op: search.OpTerm, Values: []string{"aboveThresholdUA"}}}},
		{"method", []search.Filter{{Field: "procurementMethod", Op: search.OpTerm, Values: []string{"limited"}}}},
		{"category", []search.Filter{{Field: "mainProcurementCategory", Op: search.OpTerm, Values: []string{"works"}}}},
		{"buyer", []search.Filter{{Field: "buyer.id", Op: search.OpTerm, Values: []string{"01234567"}}}},
		{"supplier", []search.Filter{{Field: "suppliers.id", Op: search.OpTerm, Values: []string{"11111111"}}}},
		{"cpv exact", []search.Filter{{Field: "cpv", Op: search.OpTerm, Values: []string{"45233142-6"}}}},
		{"cpv prefix", []search.Filter{{Field: "cpv", Op: search.OpPrefix, Values: []string{"4523", "336"}}}},
		{"division", []search.Filter{{Field: "cpvDivision", Op: search.OpTerm, Values: []string{"30"}}}},
		{"region", []search.Filter{{Field: "postalCode", Op: search.OpPrefix, Values: []string{"0"}}}},
		{"region key", []search.Filter{{Field: "region", Op: search.OpTerm, Values: []string{"61", "79"}}}},
		{"flags", []search.Filter{{Field: "flags", Op: search.OpTerm, Values: []string{"R028"}}}},
		{"lots status", []search.Filter{{Field: "lots.status", Op: search.OpTerm, Values: []string{"cancelled"}}}},
		{"currency", []search.Filter{{Field: "currency", Op: search.OpTerm, Values: []string{"EUR"}}}},
		{"value range", []search.Filter{{Field: "amountMinor", Op: search.OpRange, From: int64(1000000), To: int64(2500001)}}},
		{"value from", []search.Filter{{Field: "amountMinor", Op: search.OpRange, From: int64(2500000)}}},
		{"value to", []search.Filter{{Field: "amountMinor", Op: search.OpRange, To: int64(500000)}}},
		{"bids", []search.Filter{{Field: "numberOfBids", Op: search.OpRange, From: int64(2)}}},
		{"risk", []search.Filter{{Field: "riskScore", Op: search.OpRange, From: 0.25}}},
		{"date window", []search.Filter{{Field: "date", Op: search.OpRange, From: jan, To: may}}},
		{"date to", []search.Filter{{Field: "date", Op: search.OpRange, To: jan}}},
		{"tender end", []search.Filter{{Field: "tenderEnd", Op: search.OpRange, From: jan}}},
		{"enquiry window", []search.Filter{{Field: "enquiryStart", Op: search.OpRange, From: jan, To: may}}},
		{"auction window", []search.Filter{{Field: "auctionStart", Op: search.OpRange, From: jan}}},
		{"award window", []search.Filter{{Field: "awardStart", Op: search.OpRange, To: may}}},
		{"modified", []search.Filter{{Field: "dateModified", Op: search.OpRange, From: may}}},
		{"combined", []search.Filter{
			{Field: "status", Op: search.OpTerm, Values: []string{"complete", "active.qualification", "active.tendering"}},
			{Field: "cpv", Op: search.OpPrefix, Values: []string{"45"}},
			{Field: "amountMinor", Op: search.OpRange, From: int64(200000)},
		}},
		{"nothing", []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"complete"}}, {Field: "status", Op: search.OpTerm, Values: []string{"cancelled"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := expect(asAny(ts), tc.filters, "id", false)
			if tc.name != "nothing" && len(want) == 0 {
				t.Fatalf("the fixture has no match for %s: fix the fixture", tc.name)
			}
			if tc.name != "nothing" && len(want) == N {
				t.Fatalf("every fixture matches %s: the case tests nothing", tc.name)
			}
			r := search1(t, b, search.Query{Filters: tc.filters, Sort: search.SortDate, Size: 100})
			got := ids(t, r)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			if r.Total != int64(len(want)) {
				t.Errorf("total %d, want %d", r.Total, len(want))
			}
			cnt := search1(t, b, search.Query{Filters: tc.filters})
			if cnt.Total != int64(len(want)) || len(cnt.Hits) != 0 {
				t.Errorf("Size 0: total %d with %d hits, want %d with none", cnt.Total, len(cnt.Hits), len(want))
			}
		})
	}
}

func testSorts(t *testing.T, b search.Backend) {
	ts := load(t, b)
	cases := []struct {
		sort, field string
	}{
		{search.SortDate, "date"}, {search.SortDateModified, "dateModified"},
		{search.SortValue, "amountMinor"}, {search.SortRisk, "riskScore"},
	}
	for _, tc := range cases {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s desc=%v", tc.sort, desc), func(t *testing.T) {
				want := expect(asAny(ts), nil, tc.field, desc)
				got := ids(t, search1(t, b, search.Query{Sort: tc.sort, Desc: desc, Size: 100}))
				if !slices.Equal(got, want) {
					t.Errorf("got  %v\nwant %v", got, want)
				}
			})
		}
	}
	// Without text the default order is by date, newest first.
	want := expect(asAny(ts), nil, "date", true)
	if got := ids(t, search1(t, b, search.Query{Desc: true, Size: 100})); !slices.Equal(got, want) {
		t.Errorf("default sort: got %v\nwant %v", got, want)
	}
}

func testPaging(t *testing.T, b search.Backend) {
	ts := load(t, b)
	want := expect(asAny(ts), nil, "amountMinor", true)
	var got []string
	for from := 0; from < N+10; from += 7 {
		r := search1(t, b, search.Query{Sort: search.SortValue, Desc: true, From: from, Size: 7})
		if r.Total != N {
			t.Fatalf("total %d, want %d", r.Total, N)
		}
		got = append(got, ids(t, r)...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages joined: %v\nwant %v", got, want)
	}
}

func testSearchAfter(t *testing.T, b search.Backend) {
	ts := load(t, b)
	filters := []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"complete", "cancelled", "active.tendering", "unsuccessful"}}}
	for _, s := range []struct {
		sort, field string
		desc        bool
	}{{search.SortValue, "amountMinor", false}, {search.SortDate, "date", true}, {search.SortRisk, "riskScore", true}} {
		t.Run(s.sort, func(t *testing.T) {
			want := expect(asAny(ts), filters, s.field, s.desc)
			q := search.Query{Filters: filters, Sort: s.sort, Desc: s.desc, Size: 6}
			var got []string
			for range 100 {
				r := search1(t, b, q)
				got = append(got, ids(t, r)...)
				if r.Next == "" {
					break
				}
				if len(r.Hits) != q.Size {
					t.Fatalf("a cursor after a short page (%d hits)", len(r.Hits))
				}
				q.After = r.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("search_after walk: %v\nwant %v", got, want)
			}
		})
	}
	if _, err := b.Search(ctx(t), search.Query{Index: search.Tenders, Sort: search.SortDate, Size: 5, After: "not a cursor!"}); !errors.Is(err, search.ErrBadCursor) {
		t.Errorf("bad cursor: %v, want ErrBadCursor", err)
	}
	// A cursor stays valid while documents are added before it.
	r := search1(t, b, search.Query{Sort: search.SortDate, Size: 10})
	extra := *ts[0]
	early := T0.Add(-1000 * time.Hour)
	extra.ID, extra.Date, extra.Version = "t-early", &early, 1
	if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(&extra)}); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	next := search1(t, b, search.Query{Sort: search.SortDate, Size: 10, After: r.Next})
	want := expect(asAny(ts), nil, "date", false)[10:20]
	if got := ids(t, next); !slices.Equal(got, want) {
		t.Errorf("page after an insert before the cursor: %v, want %v", got, want)
	}
}

func testFullText(t *testing.T, b search.Backend) {
	load(t, b)
	has := func(t *testing.T, text string, wantAtLeast int, mustContain ...string) []string {
		t.Helper()
		r := search1(t, b, search.Query{Text: text, Size: 100})
		got := ids(t, r)
		if len(got) < wantAtLeast || r.Total != int64(len(got)) {
			t.Errorf("%q: %d hits (total %d), want at least %d", text, len(got), r.Total, wantAtLeast)
		}
		for _, id := range mustContain {
			if !slices.Contains(got, id) {
				t.Errorf("%q: %v lacks %s", text, got, id)
			}
		}
		return got
	}
	per := N / len(texts) // each text appears this often
	has(t, "ремонт", per, "t000")
	has(t, "Шевченка", per, "t000")
	has(t, "РЕМОНТ ДОРОГИ", per, "t000")
	has(t, "асфальтування", per, "t000")      // items' descriptions
	has(t, "Парацетамол", per, "t004")        // items
	has(t, "лікарня", per/2)                  // buyer names
	has(t, "Computer Systems", 1)             // supplier names
	has(t, "computers hospital", per, "t002") // every word, any field
	has(t, "computer", per, "t002")           // English stemming: computers ~ computer
	has(t, "компьютеры", per, "t003")         // Russian stemming: компьютеров ~ компьютеры
	has(t, "Лот", 1, "t002")                  // lot titles
	if got := has(t, "ремонт асфальтування", 0); len(got) != per {
		t.Errorf("all words must match: %v", got)
	}
	if r := search1(t, b, search.Query{Text: "ремонт computers"}); r.Total != 0 {
		t.Errorf("words from different documents matched together: %d", r.Total)
	}
	// Text and filters combine; relevance is the default order with text.
	r := search1(t, b, search.Query{Text: "computers", Filters: []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"complete"}}}, Size: 100})
	for _, h := range r.Hits {
		if !jsonHas(h, "status", "complete") {
			t.Errorf("filter ignored with text: %s", h)
		}
	}
	// tenderID is searchable as text too.
	has(t, Tenders(N)[17].TenderID, 1, "t017")
}

func testFacets(t *testing.T, b search.Backend) {
	ts := load(t, b)
	filters := []search.Filter{{Field: "procurementMethod", Op: search.OpTerm, Values: []string{"open"}}}
	var sel []*search.TenderDoc
	for _, d := range ts {
		if d.ProcurementMethod == "open" {
			sel = append(sel, d)
		}
	}
	all := []string{search.FacetStatus, search.FacetProcedure, search.FacetRegion, search.FacetCPV, search.FacetBuyer,
		search.FacetSupplier, search.FacetFlag, search.FacetMonth, search.FacetMethod, search.FacetCategory}
	r := search1(t, b, search.Query{Filters: filters, Facets: all, Size: 1})
	keys := map[string]func(d *search.TenderDoc) []string{
		search.FacetStatus:    func(d *search.TenderDoc) []string { return []string{d.Status} },
		search.FacetProcedure: func(d *search.TenderDoc) []string { return []string{d.ProcurementMethodType} },
		search.FacetRegion:    func(d *search.TenderDoc) []string { return []string{d.Region} },
		search.FacetCPV:       func(d *search.TenderDoc) []string { return d.CPVDivision },
		search.FacetBuyer:     func(d *search.TenderDoc) []string { return []string{d.Buyer.ID} },
		search.FacetSupplier: func(d *search.TenderDoc) []string {
			var out []string
			for _, s := range d.Suppliers {
				out = append(out, s.ID)
			}
			return out
		},
		search.FacetFlag:     func(d *search.TenderDoc) []string { return d.Flags },
		search.FacetMonth:    func(d *search.TenderDoc) []string { return []string{search.MonthKey(*d.Date)} },
		search.FacetMethod:   func(d *search.TenderDoc) []string { return []string{d.ProcurementMethod} },
		search.FacetCategory: func(d *search.TenderDoc) []string { return []string{d.MainProcurementCategory} },
	}
	for _, f := range all {
		want := map[string]search.Bucket{}
		for _, d := range sel {
			for _, k := range keys[f](d) {
				bk := want[k]
				bk.Key = k
				bk.Count++
				if d.AmountMinor != nil {
					if bk.Sum == nil {
						bk.Sum = map[string]string{}
					}
					prev, _ := decimal.NewFromString(bk.Sum[d.Currency])
					bk.Sum[d.Currency] = prev.Add(decimal.New(*d.AmountMinor, -2)).StringFixed(2)
				}
				want[k] = bk
			}
		}
		got := r.Facets[f]
		if len(got) != len(want) {
			t.Errorf("facet %s: %d buckets %+v, want %d %+v", f, len(got), got, len(want), want)
			continue
		}
		for i, g := range got {
			w := want[g.Key]
			if g.Count != w.Count || !reflect.DeepEqual(nonEmpty(g.Sum), nonEmpty(w.Sum)) {
				t.Errorf("facet %s bucket %q: %+v, want %+v", f, g.Key, g, w)
			}
			if i > 0 {
				p := got[i-1]
				if f == search.FacetMonth {
					if p.Key >= g.Key {
						t.Errorf("month buckets out of order: %s before %s", p.Key, g.Key)
					}
				} else if p.Count < g.Count || (p.Count == g.Count && p.Key > g.Key) {
					t.Errorf("facet %s out of order: %+v before %+v", f, p, g)
				}
			}
		}
	}
	if len(r.Facets[search.FacetMonth]) < 3 {
		t.Errorf("the fixture spans too few months: %+v", r.Facets[search.FacetMonth])
	}
	if r2 := search1(t, b, search.Query{Filters: filters}); len(r2.Facets) != 0 {
		t.Errorf("facets nobody asked for: %v", r2.Facets)
	}
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func testContracts(t *testing.T, b search.Backend) {
	ts := load(t, b)
	cs := ContractsOf(ts)
	r := search1(t, b, search.Query{Index: search.Contracts, Sort: search.SortValue, Size: 100})
	want := expect(asAny(cs), nil, "amountMinor", false)
	if got := ids(t, r); !slices.Equal(got, want) {
		t.Errorf("contracts: %v\nwant %v", got, want)
	}
	f := []search.Filter{{Field: "contractStatus", Op: search.OpTerm, Values: []string{"active"}}, {Field: "dateSigned", Op: search.OpRange, From: T0.Add(30 * 24 * time.Hour)}}
	want = expect(asAny(cs), f, "id", false)
	got := ids(t, search1(t, b, search.Query{Index: search.Contracts, Filters: f, Size: 100}))
	sort.Strings(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("signed contracts: %v, want %v", got, want)
	}
	fr := search1(t, b, search.Query{Index: search.Contracts, Facets: []string{search.FacetSupplier}})
	total := int64(0)
	for _, bk := range fr.Facets[search.FacetSupplier] {
		total += bk.Count
	}
	if total != int64(len(cs)) || fr.Total != int64(len(cs)) {
		t.Errorf("supplier facet counts %d of %d contracts", total, len(cs))
	}
	if r := search1(t, b, search.Query{Index: search.Contracts, Text: "computers"}); r.Total == 0 {
		t.Error("no contract found by its title")
	}
}

func testRebuild(t *testing.T, b search.Backend) {
	ts := load(t, b)
	rb, err := b.Rebuild(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	// While the rebuild fills, search still answers from the live index.
	half := ts[:N/2]
	var docs []search.Doc
	for _, d := range half {
		c := *d
		c.Title = "rebuilt " + c.Title
		docs = append(docs, search.TenderDocument(&c))
	}
	if err := rb.Put(ctx(t), search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	if r := search1(t, b, search.Query{}); r.Total != N {
		t.Errorf("during the rebuild search sees %d, want the live %d", r.Total, N)
	}
	// Live writes go on meanwhile.
	live := *ts[N-1]
	live.Title, live.Version = "live write", 9
	if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(&live)}); err != nil {
		t.Fatal(err)
	}
	if err := rb.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	r := search1(t, b, search.Query{Size: 100})
	if r.Total != int64(len(half)) {
		t.Errorf("after commit: %d documents, want the rebuilt %d", r.Total, len(half))
	}
	for _, h := range r.Hits {
		var d search.TenderDoc
		_ = json.Unmarshal(h, &d)
		if len(d.Title) < 8 || d.Title[:8] != "rebuilt " {
			t.Errorf("after commit a document from the old index: %s", d.Title)
		}
	}
	if cr := search1(t, b, search.Query{Index: search.Contracts}); cr.Total != 0 {
		t.Errorf("contracts after a rebuild that wrote none: %d", cr.Total)
	}
	// Writes after the commit land in the new index.
	if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(&live)}); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	if got, err := b.Get(ctx(t), search.Tenders, live.ID); err != nil || !jsonHas(got, "title", "live write") {
		t.Errorf("write after commit: %s, %v", got, err)
	}

	// An aborted rebuild changes nothing.
	rb2, err := b.Rebuild(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := rb2.Put(ctx(t), search.Tenders, docs[:1]); err != nil {
		t.Fatal(err)
	}
	if err := rb2.Abort(ctx(t)); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	if r := search1(t, b, search.Query{}); r.Total != int64(len(half))+1 {
		t.Errorf("after abort: %d documents, want %d", r.Total, len(half)+1)
	}
}

func testConcurrentPuts(t *testing.T, b search.Backend) {
	ts := Tenders(1)
	const writers, versions = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for v := range versions {
				d := *ts[0]
				d.Version = int64(1 + (v*writers+w)%(writers*versions))
				d.Title = fmt.Sprintf("v%d", d.Version)
				if err := b.Put(ctx(t), search.Tenders, []search.Doc{search.TenderDocument(&d)}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	got, err := b.Get(ctx(t), search.Tenders, ts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("v%d", writers*versions); !jsonHas(got, "title", want) {
		t.Errorf("after racing writers: %s, want the highest version %s", got, want)
	}
}

func testFacts(t *testing.T, b search.Backend) {
	ts := Tenders(3)
	ts[1].Facts = json.RawMessage(`{"buyer":"zqxfacts","bids":[{"tenderer":"zqxfacts","value":12.5}]}`)
	var docs []search.Doc
	for _, d := range ts {
		docs = append(docs, search.TenderDocument(d))
	}
	if err := b.Put(ctx(t), search.Tenders, docs); err != nil {
		t.Fatal(err)
	}
	_ = b.Refresh(ctx(t))
	got, err := b.Get(ctx(t), search.Tenders, ts[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	var back search.TenderDoc
	_ = json.Unmarshal(got, &back)
	var a, c any
	_ = json.Unmarshal(back.Facts, &a)
	_ = json.Unmarshal(ts[1].Facts, &c)
	if !reflect.DeepEqual(a, c) {
		t.Errorf("facts came back as %s, want %s", back.Facts, ts[1].Facts)
	}
	if r := search1(t, b, search.Query{Text: "zqxfacts"}); r.Total != 0 {
		t.Errorf("facts are indexed: full text found %d", r.Total)
	}
	// Asking for some fields still gives at least those.
	r := search1(t, b, search.Query{Sort: search.SortDate, Size: 10, Fields: []string{"id", "version", "facts", "flags"}})
	if len(r.Hits) != 3 {
		t.Fatalf("%d hits, want 3", len(r.Hits))
	}
	for _, h := range r.Hits {
		var d search.TenderDoc
		_ = json.Unmarshal(h, &d)
		if d.ID == "" || d.Version != 1 || (d.ID == ts[1].ID && len(d.Facts) == 0) {
			t.Errorf("a hit with Fields lacks them: %s", h)
		}
	}
}
