package elastic

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/search"
)

// facetShardSize is how many top terms each shard reports for a facet.
// With one shard (the default) counts are exact anyway; with more, a
// generous shard size keeps the top search.FacetSize exact in practice.
const facetShardSize = 20 * search.FacetSize

// maxCurrencies bounds the currencies summed within one facet bucket.
const maxCurrencies = 100

// moneyAggs are the sub-aggregations of every facet bucket: per currency,
// the sum of amountMinor and how many of its documents have one.
var moneyAggs = map[string]any{
	"cur": map[string]any{
		"terms": map[string]any{"field": "currency", "size": maxCurrencies},
		"aggs": map[string]any{
			"sum": map[string]any{"sum": map[string]any{"field": "amountMinor"}},
			"n":   map[string]any{"value_count": map[string]any{"field": "amountMinor"}},
		},
	},
}

// facetAggs is the aggs section for the requested facets, one aggregation
// named after each facet.
func facetAggs(facets []string) (map[string]any, error) {
	aggs := make(map[string]any, len(facets))
	for _, name := range facets {
		if name == search.FacetMonth {
			aggs[name] = map[string]any{
				"date_histogram": map[string]any{
					"field":             "date",
					"calendar_interval": "month",
					"time_zone":         "UTC",
					"min_doc_count":     1,
				},
				"aggs": moneyAggs,
			}
			continue
		}
		f, ok := search.FacetFields[name]
		if !ok {
			return nil, fmt.Errorf("search/elastic: unknown facet %q", name)
		}
		aggs[name] = map[string]any{
			"terms": map[string]any{
				"field":      f,
				"size":       search.FacetSize,
				"shard_size": facetShardSize,
				"order":      []any{map[string]any{"_count": "desc"}, map[string]any{"_key": "asc"}},
			},
			"aggs": moneyAggs,
		}
	}
	return aggs, nil
}

// aggBucket is one bucket of a terms or date_histogram aggregation with
// the money sub-aggregations.
type aggBucket struct {
	Key      json.RawMessage `json:"key"`
	DocCount int64           `json:"doc_count"`
	Cur      struct {
		Buckets []struct {
			Key string `json:"key"`
			Sum struct {
				Value float64 `json:"value"`
			} `json:"sum"`
			N struct {
				Value int64 `json:"value"`
			} `json:"n"`
		} `json:"buckets"`
	} `json:"cur"`
}

// facetResults reads the facets' buckets from the aggregations.
func facetResults(facets []string, aggs map[string]json.RawMessage) (map[string][]search.Bucket, error) {
	out := make(map[string][]search.Bucket, len(facets))
	for _, name := range facets {
		var agg struct {
			Buckets []aggBucket `json:"buckets"`
		}
		if raw, ok := aggs[name]; ok {
			if err := json.Unmarshal(raw, &agg); err != nil {
				return nil, fmt.Errorf("search/elastic: facet %s: %w", name, err)
			}
		}
		buckets := make([]search.Bucket, 0, len(agg.Buckets))
		for _, ab := range agg.Buckets {
			key, err := bucketKey(name, ab.Key)
			if err != nil {
				return nil, fmt.Errorf("search/elastic: facet %s: %w", name, err)
			}
			bucket := search.Bucket{Key: key, Count: ab.DocCount}
			for _, c := range ab.Cur.Buckets {
				if c.N.Value == 0 {
					continue // no document of this currency has an amount
				}
				if bucket.Sum == nil {
					bucket.Sum = map[string]string{}
				}
				bucket.Sum[c.Key] = minorToDecimal(c.Sum.Value)
			}
			buckets = append(buckets, bucket)
		}
		out[name] = buckets
	}
	return out, nil
}

// bucketKey is a bucket's key as the facet reports it: the term, or for
// the month facet "2006-01" of the bucket's start (epoch milliseconds).
func bucketKey(facet string, raw json.RawMessage) (string, error) {
	if facet == search.FacetMonth {
		var ms int64
		if err := json.Unmarshal(raw, &ms); err != nil {
			return "", err
		}
		return search.MonthKey(time.UnixMilli(ms)), nil
	}
	var key string
	err := json.Unmarshal(raw, &key)
	return key, err
}

// minorToDecimal turns a sum of minor units into an exact decimal string
// with two places. Elasticsearch sums in float64, which is exact for
// integers up to 2^53 (about 9.007e15 minor units, 90 trillion in major
// units); larger sums come back rounded.
func minorToDecimal(sum float64) string {
	return decimal.New(int64(math.Round(sum)), -2).StringFixed(2)
}
