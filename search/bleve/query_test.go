package bleve

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"testing"

	"github.com/prozorro-go/prozorro/search"
)

func hitIDs(t *testing.T, b search.Backend, q search.Query) []string {
	t.Helper()
	if q.Index == "" {
		q.Index = search.Tenders
	}
	if q.Size == 0 {
		q.Size = 100
	}
	r, err := b.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range r.Hits {
		out = append(out, string(jsonField(t, h, "id")))
	}
	slices.Sort(out)
	return out
}

func jsonField(t *testing.T, raw []byte, f string) string {
	t.Helper()
	var m map[string]any
	if err := jsonUnmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[f].(string)
	return s
}

func TestLanguages(t *testing.T) {
	b := open(t, "")
	put(t, b,
		tender("en1", "Computer supply", 1),
		tender("en2", "Desktop computers for the school", 1),
		tender("ru1", "Компьютер для библиотеки", 1),
		tender("ru2", "Закупка компьютеров", 1),
		tender("uk1", "Закупівля комп’ютерів", 1), // typographic apostrophe
		tender("uk2", "Ремонт дороги", 1),
	)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"computers", []string{"en1", "en2"}}, // English stemming, both ways
		{"computer", []string{"en1", "en2"}},
		{"компьютеры", []string{"ru1", "ru2"}}, // Russian stemming
		{"компьютер", []string{"ru1", "ru2"}},
		{"комп'ютерів", []string{"uk1"}}, // Ukrainian: exact form, any apostrophe
		{"комп’ютерів", []string{"uk1"}},
		{"КОМПʼЮТЕРІВ", []string{"uk1"}},
		{"supply of computers", []string{"en1"}},  // "of" is a stop word: not required
		{"компьютер для", []string{"ru1", "ru2"}}, // "для" too (Russian)
		{"the", []string{"en2"}},                  // only stop words: required as words
		{"computer дороги", nil},                  // every word must match
		{"!!!", nil},                              // no words
		{"ocds-ru2", []string{"ru2"}},             // an identifier, exactly
	} {
		if got := hitIDs(t, b, search.Query{Text: tc.text}); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestDottedFieldsOnArrays(t *testing.T) {
	b := open(t, "")
	a, c := tender("a", "a", 1), tender("c", "c", 1)
	a.Suppliers = []search.Org{{ID: "111", Name: "Alpha"}, {ID: "222", Name: "Beta"}}
	c.Suppliers = []search.Org{{ID: "333", Name: "Gamma"}}
	a.Lots = []search.LotDoc{{ID: "l1", Status: "active"}, {ID: "l2", Status: "cancelled"}}
	put(t, b, a, c)
	for _, tc := range []struct {
		f    search.Filter
		want []string
	}{
		{search.Filter{Field: "suppliers.id", Op: search.OpTerm, Values: []string{"222"}}, []string{"a"}},
		{search.Filter{Field: "suppliers.id", Op: search.OpTerm, Values: []string{"222", "333"}}, []string{"a", "c"}},
		{search.Filter{Field: "lots.status", Op: search.OpTerm, Values: []string{"cancelled"}}, []string{"a"}},
		{search.Filter{Field: "suppliers.id", Op: search.OpPrefix, Values: []string{"3"}}, []string{"c"}},
		{search.Filter{Field: "suppliers.id", Op: search.OpTerm}, nil},
		{search.Filter{Field: "numberOfBids", Op: search.OpRange}, nil}, // no bounds: the field exists
		{search.Filter{Field: "amountMinor", Op: search.OpRange}, []string{"a", "c"}},
		{search.Filter{Field: "date", Op: search.OpRange}, []string{"a", "c"}},
		{search.Filter{Field: "amountMinor", Op: search.OpTerm, Values: []string{"100"}}, []string{"a", "c"}},
		{search.Filter{Field: "facts", Op: search.OpTerm, Values: []string{"x"}}, nil}, // not indexed
	} {
		if got := hitIDs(t, b, search.Query{Filters: []search.Filter{tc.f}}); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}
	if got := hitIDs(t, b, search.Query{Text: "gamma"}); !slices.Equal(got, []string{"c"}) {
		t.Errorf("supplier name: %v", got)
	}
}

func TestCursors(t *testing.T) {
	b := open(t, "")
	var ds []*search.TenderDoc
	for i := range 25 {
		d := tender(string(rune('a'+i)), "road repair", 1)
		if i%2 == 0 {
			d.Description = "road road road"
		}
		ds = append(ds, d)
	}
	put(t, b, ds...)
	ctx := context.Background()

	// Relevance pages join up without gaps or repeats.
	q := search.Query{Index: search.Tenders, Text: "road", Size: 4}
	var got []string
	for {
		r, err := b.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Hits {
			got = append(got, jsonField(t, h, "id"))
		}
		if r.Next == "" {
			break
		}
		q.After = r.Next
	}
	if len(got) != 25 {
		t.Fatalf("relevance walk: %d hits %v", len(got), got)
	}
	slices.Sort(got)
	if len(slices.Compact(got)) != 25 {
		t.Errorf("relevance walk repeats: %v", got)
	}

	// A cursor is only good for its own sort.
	r, err := b.Search(ctx, search.Query{Index: search.Tenders, Sort: search.SortValue, Size: 5})
	if err != nil || r.Next == "" {
		t.Fatal(r, err)
	}
	for _, q := range []search.Query{
		{Sort: search.SortValue, Desc: true, After: r.Next},
		{Sort: search.SortDate, After: r.Next},
		{Text: "road", After: r.Next},
		{Sort: search.SortValue, After: base64.RawURLEncoding.EncodeToString([]byte(`{"s":"value","v":["AA=="]}`))},
		{Sort: search.SortRelevance, After: base64.RawURLEncoding.EncodeToString([]byte(`{"s":"relevance","v":["eA==","eA=="]}`))},
	} {
		q.Index, q.Size = search.Tenders, 5
		if _, err := b.Search(ctx, q); !errors.Is(err, search.ErrBadCursor) {
			t.Errorf("%+v: %v, want ErrBadCursor", q, err)
		}
	}
	// A short page has no cursor; neither does a count.
	if r, _ := b.Search(ctx, search.Query{Index: search.Tenders, Size: 30}); r.Next != "" {
		t.Error("a cursor after the last page")
	}
	if r, _ := b.Search(ctx, search.Query{Index: search.Tenders}); r.Next != "" || len(r.Hits) != 0 || r.Total != 25 {
		t.Errorf("count only: %+v", r)
	}
}
