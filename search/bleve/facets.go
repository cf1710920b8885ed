package bleve

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/search"
)

// facets computes the requested facets over every document a search
// matches, from doc values, in the pass that collects the hits.
type facets struct {
	names  []string // requested term facets
	fields []string // their fields
	month  bool
	read   []string         // every field to read
	slots  map[string][]int // term facets by field

	terms  []map[string]*bucket // per term facet
	months map[int]*bucket      // by year*12 + month-1
	curs   map[string]string    // interned currencies

	// The document being visited.
	arena    []byte
	spans    [][][2]int // per term facet, values as arena offsets
	currency string
	amount   int64
	hasAmt   bool
	date     int64
	hasDate  bool
}

// bucket accumulates one facet value.
type bucket struct {
	count int64
	sums  map[string]*sum
}

// sum is an exact sum of amounts in hundredths.
type sum struct {
	small int64
	big   *big.Int // once small would overflow
}

func (s *sum) add(v int64) {
	if s.big != nil {
		s.big.Add(s.big, big.NewInt(v))
		return
	}
	if (v > 0 && s.small > math.MaxInt64-v) || (v < 0 && s.small < math.MinInt64-v) {
		s.big = new(big.Int).Add(big.NewInt(s.small), big.NewInt(v))
		return
	}
	s.small += v
}

// String formats the sum like search.MinorString: "1234.50".
func (s *sum) String() string {
	if s.big != nil {
		return decimal.NewFromBigInt(s.big, -2).StringFixed(2)
	}
	return search.MinorString(s.small)
}

func newFacets(names []string) (*facets, error) {
	f := &facets{curs: map[string]string{}, slots: map[string][]int{}}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if n == search.FacetMonth {
			f.month = true
			f.months = map[int]*bucket{}
			continue
		}
		field, ok := search.FacetFields[n]
		if !ok {
			return nil, fmt.Errorf("%w: unknown facet %q", errInvalid, n)
		}
		f.slots[field] = append(f.slots[field], len(f.names))
		f.names = append(f.names, n)
		f.fields = append(f.fields, field)
		f.terms = append(f.terms, map[string]*bucket{})
	}
	f.spans = make([][][2]int, len(f.names))
	f.read = append(slices.Clone(f.fields), currencyField, amountField)
	if f.month {
		f.read = append(f.read, monthField)
	}
	slices.Sort(f.read)
	f.read = slices.Compact(f.read)
	return f, nil
}

// install makes searches under the returned context feed f: it wraps
// bleve's top-N handler, which sees every matching document.
func (f *facets) install(ctx context.Context) context.Context {
	makeHandler := func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		dv, err := sctx.IndexReader.DocValueReader(f.read)
		if err != nil {
			return nil, false, err
		}
		return func(d *bsearch.DocumentMatch) error {
			if d != nil {
				if err := f.add(dv, d.IndexInternalID); err != nil {
					return err
				}
			}
			return next(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(makeHandler))
}

// add counts one matching document.
func (f *facets) add(dv index.DocValueReader, id index.IndexInternalID) error {
	f.arena = f.arena[:0]
	for i := range f.spans {
		f.spans[i] = f.spans[i][:0]
	}
	f.currency, f.hasAmt, f.hasDate = "", false, false
	err := dv.VisitDocValues(id, f.visit)
	if err != nil {
		return err
	}
	for i, spans := range f.spans {
	values:
		for j, sp := range spans {
			v := f.arena[sp[0]:sp[1]]
			for _, prev := range spans[:j] {
				if bytes.Equal(f.arena[prev[0]:prev[1]], v) {
					continue values // a document counts once per value
				}
			}
			bk := f.terms[i][string(v)]
			if bk == nil {
				bk = &bucket{}
				f.terms[i][string(v)] = bk
			}
			f.count(bk)
		}
	}
	if f.month && f.hasDate {
		t := time.Unix(0, f.date).UTC()
		k := t.Year()*12 + int(t.Month()) - 1
		bk := f.months[k]
		if bk == nil {
			bk = &bucket{}
			f.months[k] = bk
		}
		f.count(bk)
	}
	return nil
}

func (f *facets) count(bk *bucket) {
	bk.count++
	if !f.hasAmt || f.currency == "" {
		return
	}
	if bk.sums == nil {
		bk.sums = map[string]*sum{}
	}
	s := bk.sums[f.currency]
	if s == nil {
		s = &sum{}
		bk.sums[f.currency] = s
	}
	s.add(f.amount)
}

// visit takes one doc value of the document being added.
func (f *facets) visit(field string, term []byte) {
	switch field {
	case currencyField:
		c, ok := f.curs[string(term)]
		if !ok {
			c = string(term)
			f.curs[c] = c
		}
		f.currency = c
	case amountField:
		if v, ok := shiftZero(term); ok {
			f.amount, f.hasAmt = int64(math.Round(numeric.Int64ToFloat64(v))), true
		}
	}
	if f.month && field == monthField {
		if v, ok := shiftZero(term); ok {
			f.date, f.hasDate = v, true
		}
	}
	if slots := f.slots[field]; len(slots) > 0 {
		start := len(f.arena)
		f.arena = append(f.arena, term...)
		for _, i := range slots {
			f.spans[i] = append(f.spans[i], [2]int{start, len(f.arena)})
		}
	}
}

// shiftZero decodes the full-precision term of a numeric or date field.
func shiftZero(term []byte) (int64, bool) {
	pc := numeric.PrefixCoded(term)
	if shift, err := pc.Shift(); err != nil || shift != 0 {
		return 0, false
	}
	v, err := pc.Int64()
	return v, err == nil
}

// result returns the buckets: term facets by count, largest first, then by
// key, at most search.FacetSize; months by key.
func (f *facets) result() map[string][]search.Bucket {
	out := map[string][]search.Bucket{}
	for i, name := range f.names {
		bs := make([]search.Bucket, 0, len(f.terms[i]))
		for k, bk := range f.terms[i] {
			bs = append(bs, bk.out(k))
		}
		slices.SortFunc(bs, func(a, b search.Bucket) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Key, b.Key)
		})
		out[name] = bs[:min(len(bs), search.FacetSize)]
	}
	if f.month {
		keys := make([]int, 0, len(f.months))
		for k := range f.months {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		bs := make([]search.Bucket, 0, len(keys))
		for _, k := range keys {
			bs = append(bs, f.months[k].out(search.MonthKey(time.Date(k/12, time.Month(k%12+1), 1, 0, 0, 0, 0, time.UTC))))
		}
		out[search.FacetMonth] = bs
	}
	return out
}

func (bk *bucket) out(key string) search.Bucket {
	b := search.Bucket{Key: key, Count: bk.count}
	if len(bk.sums) > 0 {
		b.Sum = make(map[string]string, len(bk.sums))
		for c, s := range bk.sums {
			b.Sum[c] = s.String()
		}
	}
	return b
}
