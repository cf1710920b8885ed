package elastic

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/olivere/elastic/v7"

	"github.com/prozorro-go/prozorro/search"
)

// searchAttempts bounds how often Search asks again when the index it
// resolved was deleted under it: a rebuild that committed between the
// alias lookup and the shard search. The next attempt resolves the alias
// to the new index.
const searchAttempts = 3

// Search answers q on the live index it names.
func (b *Backend) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	alias, err := b.checkIndex(q.Index)
	if err != nil {
		return nil, err
	}
	body, err := searchBody(q)
	if err != nil {
		return nil, err
	}
	var res *searchResponse
	for attempt := 1; ; attempt++ {
		res, err = b.search(ctx, alias, body)
		if err == nil {
			break
		}
		if q.After != "" && errorStatus(err) == 400 && mentions(err, "search_after") {
			return nil, fmt.Errorf("%w: %v", search.ErrBadCursor, err)
		}
		if attempt == searchAttempts || !indexGone(err) {
			return nil, fmt.Errorf("search/elastic: search %s: %w", q.Index, err)
		}
		b.log.DebugContext(ctx, "search/elastic: search again: index gone under it", "index", q.Index, "error", err)
	}
	out := &search.Result{Total: res.Hits.Total.Value, Hits: make([]json.RawMessage, 0, len(res.Hits.Hits))}
	for _, h := range res.Hits.Hits {
		out.Hits = append(out.Hits, h.Source)
	}
	if n := len(res.Hits.Hits); q.Size > 0 && n == q.Size {
		last := res.Hits.Hits[n-1].Sort
		if len(last) == 0 {
			return nil, errors.New("search/elastic: search response: hit without sort values")
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, last); err != nil {
			return nil, fmt.Errorf("search/elastic: search response: %w", err)
		}
		out.Next = base64.RawURLEncoding.EncodeToString(compact.Bytes())
	}
	if len(q.Facets) > 0 {
		if out.Facets, err = facetResults(q.Facets, res.Aggregations); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// search runs one _search request; shards that failed make it fail.
func (b *Backend) search(ctx context.Context, alias string, body any) (*searchResponse, error) {
	raw, err := b.do(ctx, "POST", "/"+alias+"/_search", nil, body)
	if err != nil {
		return nil, err
	}
	var res searchResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	if res.Shards.Failed > 0 {
		return nil, &shardsFailed{res.Shards.Failed, res.Shards.Total, res.Shards.Failures}
	}
	return &res, nil
}

// shardsFailed is a search answered by only some shards. It is retried:
// shards fail when their index is deleted under a running search.
type shardsFailed struct {
	failed, total int
	failures      json.RawMessage
}

func (e *shardsFailed) Error() string {
	return fmt.Sprintf("%d of %d shards failed: %s", e.failed, e.total, e.failures)
}

// indexGone reports whether err says the searched index disappeared.
func indexGone(err error) bool {
	var sf *shardsFailed
	if errors.As(err, &sf) {
		return true
	}
	if errorStatus(err) == 400 {
		return false // the request's own fault
	}
	switch errorType(err) {
	case "index_not_found_exception", "search_phase_execution_exception", "index_closed_exception":
		return true
	}
	return false
}

// mentions reports whether an Elasticsearch error or its causes mention s.
func mentions(err error, s string) bool {
	var e *elastic.Error
	if !errors.As(err, &e) || e.Details == nil {
		return false
	}
	details, _ := json.Marshal(e.Details)
	return strings.Contains(string(details), s)
}

// searchResponse is the part of a _search answer Search reads. Sort values
// stay raw JSON: they travel back in the cursor digit for digit (a long
// above 2^53 would not survive float64).
type searchResponse struct {
	Shards struct {
		Total    int             `json:"total"`
		Failed   int             `json:"failed"`
		Failures json.RawMessage `json:"failures"`
	} `json:"_shards"`
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			Source json.RawMessage `json:"_source"`
			Sort   json.RawMessage `json:"sort"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]json.RawMessage `json:"aggregations"`
}

// sortKey is one sort level: a field (or _score) and its direction.
type sortKey struct {
	field string
	desc  bool
	kind  kind // of the field; double for _score
}

// sortFields maps the Sort constants to document fields.
var sortFields = map[string]string{
	search.SortDate:         "date",
	search.SortDateModified: "dateModified",
	search.SortValue:        "amountMinor",
	search.SortRisk:         "riskScore",
}

// sortKeys is the order of q: the requested field, then id ascending so
// that equal values page stably. Relevance ranks by descending score
// whatever q.Desc says; without text there is no score, and relevance
// falls back to date.
func sortKeys(q search.Query) ([]sortKey, error) {
	s := q.Sort
	if s == "" || s == search.SortRelevance {
		if q.Text != "" {
			return []sortKey{{"_score", true, double}, {"id", false, keyword}}, nil
		}
		s = search.SortDate
	}
	f, ok := sortFields[s]
	if !ok {
		return nil, fmt.Errorf("search/elastic: unknown sort %q", q.Sort)
	}
	return []sortKey{{f, q.Desc, fieldKinds[q.Index][f]}, {"id", false, keyword}}, nil
}

// searchBody translates q into a _search request body.
func searchBody(q search.Query) (map[string]any, error) {
	kinds := fieldKinds[q.Index]
	if q.Size < 0 || q.From < 0 {
		return nil, fmt.Errorf("search/elastic: negative from %d or size %d", q.From, q.Size)
	}
	filters := make([]any, 0, len(q.Filters))
	for _, f := range q.Filters {
		c, err := filterClause(kinds, f)
		if err != nil {
			return nil, err
		}
		filters = append(filters, c)
	}
	boolQuery := map[string]any{"filter": filters}
	if q.Text != "" {
		boolQuery["must"] = map[string]any{"multi_match": map[string]any{
			"query":    q.Text,
			"type":     "cross_fields",
			"operator": "and",
			"fields":   textFields[q.Index],
		}}
	}
	keys, err := sortKeys(q)
	if err != nil {
		return nil, err
	}
	sort := make([]any, 0, len(keys))
	for _, k := range keys {
		order := "asc"
		if k.desc {
			order = "desc"
		}
		if k.field == "_score" {
			sort = append(sort, map[string]any{"_score": map[string]any{"order": order}})
			continue
		}
		sort = append(sort, map[string]any{k.field: map[string]any{"order": order, "missing": "_last"}})
	}
	body := map[string]any{
		"query":            map[string]any{"bool": boolQuery},
		"sort":             sort,
		"size":             q.Size,
		"track_total_hits": true,
	}
	if q.Text != "" {
		body["track_scores"] = true
	}
	if len(q.Fields) > 0 {
		body["_source"] = map[string]any{"includes": q.Fields}
	}
	if q.After != "" {
		after, err := decodeCursor(q.After, keys)
		if err != nil {
			return nil, err
		}
		body["search_after"] = after
	} else if q.From > 0 {
		body["from"] = q.From
	}
	if len(q.Facets) > 0 {
		aggs, err := facetAggs(q.Facets)
		if err != nil {
			return nil, err
		}
		body["aggs"] = aggs
	}
	return body, nil
}

// decodeCursor checks that a cursor is base64url of a JSON array holding
// one value of the right type per sort key, and returns the array.
func decodeCursor(cursor string, keys []sortKey) (json.RawMessage, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		if raw, err = base64.URLEncoding.DecodeString(cursor); err != nil {
			return nil, search.ErrBadCursor
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var values []any
	if err := dec.Decode(&values); err != nil || dec.More() || len(values) != len(keys) {
		return nil, search.ErrBadCursor
	}
	for i, k := range keys {
		switch v := values[i].(type) {
		case json.Number:
			if k.kind == keyword || k.kind == ident {
				return nil, search.ErrBadCursor
			}
			if k.kind == double {
				if f, err := strconv.ParseFloat(v.String(), 64); err != nil || math.IsInf(f, 0) {
					return nil, search.ErrBadCursor
				}
			} else if _, err := strconv.ParseInt(v.String(), 10, 64); err != nil {
				return nil, search.ErrBadCursor
			}
		case string:
			// Elasticsearch writes a missing double as "Infinity" or
			// "-Infinity"; keywords are strings.
			if k.kind != keyword && k.kind != ident && !(k.kind == double && (v == "Infinity" || v == "-Infinity")) {
				return nil, search.ErrBadCursor
			}
		default:
			return nil, search.ErrBadCursor
		}
	}
	return json.RawMessage(raw), nil
}

// filterClause translates one filter into a query clause.
func filterClause(kinds map[string]kind, f search.Filter) (any, error) {
	k, ok := kinds[f.Field]
	if !ok {
		return nil, fmt.Errorf("search/elastic: unknown filter field %q", f.Field)
	}
	if k == text || k == stored {
		return nil, fmt.Errorf("search/elastic: cannot filter on %q: not indexed for filters", f.Field)
	}
	switch f.Op {
	case search.OpTerm:
		if len(f.Values) == 0 {
			return map[string]any{"match_none": map[string]any{}}, nil
		}
		return map[string]any{"terms": map[string]any{f.Field: f.Values}}, nil
	case search.OpPrefix:
		if k != keyword && k != ident {
			return nil, fmt.Errorf("search/elastic: prefix filter on non-keyword field %q", f.Field)
		}
		if len(f.Values) == 0 {
			return map[string]any{"match_none": map[string]any{}}, nil
		}
		should := make([]any, 0, len(f.Values))
		for _, v := range f.Values {
			should = append(should, map[string]any{"prefix": map[string]any{f.Field: map[string]any{"value": v}}})
		}
		return map[string]any{"bool": map[string]any{"should": should, "minimum_should_match": 1}}, nil
	case search.OpRange:
		r := map[string]any{}
		for bound, v := range map[string]any{"gte": f.From, "lt": f.To} {
			if v == nil {
				continue
			}
			val, err := rangeValue(k, v)
			if err != nil {
				return nil, fmt.Errorf("search/elastic: range filter on %q: %w", f.Field, err)
			}
			r[bound] = val
		}
		return map[string]any{"range": map[string]any{f.Field: r}}, nil
	}
	return nil, fmt.Errorf("search/elastic: unknown filter op %d on %q", f.Op, f.Field)
}

// rangeValue converts one end of a range to what the field's kind takes:
// an RFC 3339 instant with nanoseconds for dates, a number otherwise.
func rangeValue(k kind, v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		if k == date {
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	case *time.Time:
		if k == date && x != nil {
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if k == long || k == double {
			return x, nil
		}
	case float32:
		return rangeValue(k, float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("bound %v", x)
		}
		if k == double || k == long && x == math.Trunc(x) {
			return x, nil
		}
	case json.Number:
		if k == long || k == double {
			return x, nil
		}
	case string:
		if k == keyword || k == ident || k == date {
			return x, nil
		}
	}
	return nil, fmt.Errorf("bound %v of type %T does not fit the field", v, v)
}
