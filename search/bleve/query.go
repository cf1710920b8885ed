package bleve

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	blv "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/prozorro-go/prozorro/search"
)

// errInvalid marks a query the backend cannot run.
var errInvalid = errors.New("search/bleve: invalid query")

// order is a query's resolved sort.
type order struct {
	key   string // the sort and its direction, checked against cursors
	score bool   // by relevance
	field string // else by this field
	desc  bool
}

// resolveOrder resolves q's sort and its defaults.
func resolveOrder(q search.Query) (order, error) {
	s := q.Sort
	if s == "" {
		s = search.SortDate
		if strings.TrimSpace(q.Text) != "" {
			s = search.SortRelevance
		}
	}
	if s == search.SortRelevance {
		// Relevance is always best first: an ascending score has no use.
		return order{key: s, score: true}, nil
	}
	f, ok := sortFields[s]
	if !ok {
		return order{}, fmt.Errorf("%w: unknown sort %q", errInvalid, q.Sort)
	}
	key := s
	if q.Desc {
		key += ":desc"
	}
	return order{key: key, field: f, desc: q.Desc}, nil
}

// sortOrder is o with the tiebreak on the document id, ascending.
func (o order) sortOrder() bsearch.SortOrder {
	first := bsearch.SearchSort(&bsearch.SortScore{Desc: true})
	if !o.score {
		// Auto type: the sort values are the raw prefix-coded terms, which
		// the cursor carries back unchanged.
		first = &bsearch.SortField{Field: o.field, Desc: o.desc, Type: bsearch.SortFieldAuto, Missing: bsearch.SortFieldMissingLast}
	}
	return bsearch.SortOrder{first, &bsearch.SortDocID{}}
}

// cursor is what Result.Next encodes: the last hit's sort values.
type cursor struct {
	Sort   string   `json:"s"`
	Values [][]byte `json:"v"`
}

func (o order) cursor(h *bsearch.DocumentMatch) string {
	c := cursor{Sort: o.key, Values: [][]byte{[]byte(h.Sort[0]), []byte(h.ID)}}
	if o.score {
		c.Values[0] = []byte(strconv.FormatFloat(h.Score, 'g', -1, 64))
	}
	data, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(data)
}

// after decodes a cursor issued for o.
func (o order) after(s string) ([]string, error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(data, &c) != nil || c.Sort != o.key || len(c.Values) != 2 {
		return nil, search.ErrBadCursor
	}
	if o.score {
		if _, err := strconv.ParseFloat(string(c.Values[0]), 64); err != nil {
			return nil, search.ErrBadCursor
		}
	}
	return []string{string(c.Values[0]), string(c.Values[1])}, nil
}

// request translates q.
func (b *Backend) request(q search.Query) (*blv.SearchRequest, order, error) {
	o, err := resolveOrder(q)
	if err != nil {
		return nil, o, err
	}
	qq, err := b.query(q)
	if err != nil {
		return nil, o, err
	}
	size, from := max(q.Size, 0), max(q.From, 0)
	var after []string
	if q.After != "" {
		if after, err = o.after(q.After); err != nil {
			return nil, o, err
		}
		from = 0
	}
	req := blv.NewSearchRequestOptions(qq, size, from, false)
	req.SortByCustom(o.sortOrder())
	req.SearchAfter = after
	req.Fields = []string{sourceField}
	if !o.score {
		req.Score = "none"
	}
	return req, o, nil
}

// query is the text query, if any, with the filters around it; filters do
// not score.
func (b *Backend) query(q search.Query) (query.Query, error) {
	var filters []query.Query
	for _, f := range q.Filters {
		fq, err := filter(f)
		if err != nil {
			return nil, err
		}
		filters = append(filters, fq)
	}
	var must query.Query
	if text := strings.TrimSpace(q.Text); text != "" {
		must = b.text(text)
		if must == nil {
			return query.NewMatchNoneQuery(), nil
		}
	}
	switch {
	case len(filters) == 0 && must == nil:
		return query.NewMatchAllQuery(), nil
	case len(filters) == 0:
		return must, nil
	case must == nil:
		// Nothing to score: the filters themselves are the query, which
		// spares a scan of every document.
		return query.NewConjunctionQuery(filters), nil
	}
	bq := query.NewBooleanQuery([]query.Query{must}, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(filters))
	return bq, nil
}

// text matches documents where every word of text matches some text field,
// or where text is an identifier. It is nil when text has no words.
func (b *Backend) text(text string) query.Query {
	type word struct {
		stop   bool
		tokens map[string][]string // per analyzer
	}
	var words []word
	seen := map[string]bool{}
	allStop := true
	for _, t := range b.words.Analyze([]byte(text)) {
		w := string(t.Term)
		if seen[w] {
			continue
		}
		seen[w] = true
		wd := word{tokens: map[string][]string{}}
		for name, a := range b.stems {
			for _, tok := range a.Analyze(t.Term) {
				wd.tokens[name] = append(wd.tokens[name], string(tok.Term))
			}
			wd.stop = wd.stop || len(wd.tokens[name]) == 0
		}
		allStop = allStop && wd.stop
		words = append(words, wd)
	}
	if len(words) == 0 {
		return nil
	}
	var conj []query.Query
	for _, w := range words {
		if w.stop && !allStop {
			continue
		}
		var alts []query.Query
		for _, f := range allTextFields {
			toks := w.tokens[f.analyzer]
			if len(toks) == 0 {
				continue
			}
			var all []query.Query
			for _, tok := range toks {
				tq := query.NewTermQuery(tok)
				tq.SetField(f.name)
				all = append(all, tq)
			}
			if len(all) == 1 {
				alts = append(alts, all[0])
			} else {
				alts = append(alts, query.NewConjunctionQuery(all))
			}
		}
		conj = append(conj, query.NewDisjunctionQuery(alts))
	}
	alts := []query.Query{query.NewConjunctionQuery(conj)}
	for _, f := range exactTextFields {
		tq := query.NewTermQuery(text)
		tq.SetField(f)
		alts = append(alts, tq)
	}
	return query.NewDisjunctionQuery(alts)
}

// filter translates one filter; the field's kind in the mapping decides how
// values are read.
func filter(f search.Filter) (query.Query, error) {
	k, mapped := fields[f.Field]
	if !mapped || k == kindText {
		// Not indexed as a value: like an unmapped field in Elasticsearch,
		// it matches nothing.
		return query.NewMatchNoneQuery(), nil
	}
	switch f.Op {
	case search.OpTerm, search.OpPrefix:
		var alts []query.Query
		for _, v := range f.Values {
			q, err := termQuery(f, k, v)
			if err != nil {
				return nil, err
			}
			alts = append(alts, q)
		}
		switch len(alts) {
		case 0:
			return query.NewMatchNoneQuery(), nil
		case 1:
			return alts[0], nil
		}
		return query.NewDisjunctionQuery(alts), nil
	case search.OpRange:
		return rangeQuery(f, k)
	}
	return nil, fmt.Errorf("%w: filter on %s: unknown op %d", errInvalid, f.Field, f.Op)
}

func termQuery(f search.Filter, k kind, v string) (query.Query, error) {
	if f.Op == search.OpPrefix {
		if k != kindKeyword {
			return nil, fmt.Errorf("%w: prefix filter on %s, which is not a keyword", errInvalid, f.Field)
		}
		q := query.NewPrefixQuery(v)
		q.SetField(f.Field)
		return q, nil
	}
	inclusive := true
	switch k {
	case kindNumber:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s = %q: not a number", errInvalid, f.Field, v)
		}
		q := query.NewNumericRangeInclusiveQuery(&x, &x, &inclusive, &inclusive)
		q.SetField(f.Field)
		return q, nil
	case kindDate:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, fmt.Errorf("%w: %s = %q: not a date", errInvalid, f.Field, v)
		}
		q := query.NewDateRangeInclusiveQuery(t, t, &inclusive, &inclusive)
		q.SetField(f.Field)
		return q, nil
	}
	q := query.NewTermQuery(v)
	q.SetField(f.Field)
	return q, nil
}

// rangeQuery is From <= field < To; with neither bound, the field exists.
func rangeQuery(f search.Filter, k kind) (query.Query, error) {
	yes, no := true, false
	bad := func(v any) error {
		return fmt.Errorf("%w: range on %s: bound %v (%T) does not fit the field", errInvalid, f.Field, v, v)
	}
	switch k {
	case kindNumber:
		lo, hi := math.Inf(-1), math.Inf(1)
		for _, end := range []struct {
			v   any
			dst *float64
		}{{f.From, &lo}, {f.To, &hi}} {
			if end.v == nil {
				continue
			}
			x, ok := number(end.v)
			if !ok {
				return nil, bad(end.v)
			}
			*end.dst = x
		}
		hiIncl := f.To == nil // +Inf: every value is below it
		q := query.NewNumericRangeInclusiveQuery(&lo, &hi, &yes, &hiIncl)
		q.SetField(f.Field)
		return q, nil
	case kindDate:
		var lo, hi time.Time
		for _, end := range []struct {
			v   any
			dst *time.Time
		}{{f.From, &lo}, {f.To, &hi}} {
			if end.v == nil {
				continue
			}
			t, ok := end.v.(time.Time)
			if !ok {
				return nil, bad(end.v)
			}
			*end.dst = t
		}
		if lo.IsZero() && hi.IsZero() {
			inf, sup := math.Inf(-1), math.Inf(1)
			q := query.NewNumericRangeInclusiveQuery(&inf, &sup, &yes, &yes)
			q.SetField(f.Field)
			return q, nil
		}
		q := query.NewDateRangeInclusiveQuery(lo, hi, &yes, &no)
		q.SetField(f.Field)
		return q, nil
	}
	if f.From == nil && f.To == nil {
		q := query.NewPrefixQuery("")
		q.SetField(f.Field)
		return q, nil
	}
	var lo, hi string
	for _, end := range []struct {
		v   any
		dst *string
	}{{f.From, &lo}, {f.To, &hi}} {
		if end.v == nil {
			continue
		}
		s, ok := end.v.(string)
		if !ok {
			return nil, bad(end.v)
		}
		*end.dst = s
	}
	q := query.NewTermRangeInclusiveQuery(lo, hi, &yes, &no)
	q.SetField(f.Field)
	return q, nil
}

// number reads a numeric range bound.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
