package bleve

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/prozorro-go/prozorro/search"
)

var jsonUnmarshal = json.Unmarshal

func TestSumExact(t *testing.T) {
	for _, tc := range []struct {
		adds []int64
		want string
	}{
		{nil, "0.00"},
		{[]int64{123450}, "1234.50"},
		{[]int64{1, 2, -10}, "-0.07"},
		{[]int64{math.MaxInt64, 1}, "92233720368547758.08"},
		{[]int64{math.MaxInt64, math.MaxInt64, 2}, "184467440737095516.16"},
		{[]int64{math.MinInt64, -1}, "-92233720368547758.09"},
	} {
		var s sum
		for _, v := range tc.adds {
			s.add(v)
		}
		if got := s.String(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.adds, got, tc.want)
		}
	}
}

func TestFacetSums(t *testing.T) {
	b := open(t, "")
	big := int64(1) << 52 // the largest amounts bleve keeps exactly are below 2^53
	var ds []*search.TenderDoc
	for i, c := range []struct {
		cur    string
		minor  int64
		status string
		flags  []string
	}{
		{"UAH", 105, "complete", []string{"R1", "R1", "R2"}}, // a repeated value counts once
		{"UAH", 210, "complete", nil},
		{"EUR", big, "complete", []string{"R1"}},
		{"EUR", big, "cancelled", nil},
		{"", 5, "cancelled", nil}, // an amount without a currency counts, sums nothing
	} {
		d := tender(string(rune('a'+i)), "x", 1)
		d.Currency, d.AmountMinor, d.Status, d.Flags = c.cur, &c.minor, c.status, c.flags
		ds = append(ds, d)
	}
	nilAmount := tender("z", "x", 1)
	nilAmount.AmountMinor, nilAmount.Status = nil, "complete"
	put(t, b, append(ds, nilAmount)...)

	r, err := b.Search(context.Background(), search.Query{Index: search.Tenders, Facets: []string{search.FacetStatus, search.FacetFlag, search.FacetMonth, search.FacetStatus}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(r.Facets)
	want := `{"flag":[{"key":"R1","count":2,"sum":{"EUR":"45035996273704.96","UAH":"1.05"}},{"key":"R2","count":1,"sum":{"UAH":"1.05"}}],` +
		`"month":[{"key":"2026-03","count":6,"sum":{"EUR":"90071992547409.92","UAH":"3.15"}}],` +
		`"status":[{"key":"complete","count":4,"sum":{"EUR":"45035996273704.96","UAH":"3.15"}},{"key":"cancelled","count":2,"sum":{"EUR":"45035996273704.96"}}]}`
	if string(got) != want {
		t.Errorf("facets\n got %s\nwant %s", got, want)
	}
}

func TestFacetSize(t *testing.T) {
	b := open(t, "")
	var ds []*search.TenderDoc
	for i := range search.FacetSize + 20 {
		d := tender(string(rune(0x100+i)), "x", 1)
		d.Buyer = search.Org{ID: string(rune(0x100 + i%(search.FacetSize+10)))}
		ds = append(ds, d)
	}
	put(t, b, ds...)
	r, err := b.Search(context.Background(), search.Query{Index: search.Tenders, Facets: []string{search.FacetBuyer}})
	if err != nil {
		t.Fatal(err)
	}
	bs := r.Facets[search.FacetBuyer]
	if len(bs) != search.FacetSize || bs[0].Count != 2 || bs[9].Count != 2 || bs[10].Count != 1 || bs[0].Key > bs[1].Key {
		t.Errorf("%d buckets: %+v", len(bs), bs)
	}
}
