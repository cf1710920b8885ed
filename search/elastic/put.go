package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/olivere/elastic/v7"

	"github.com/prozorro-go/prozorro/search"
)

// maxBulkBytes is the size above which one Put is split into several bulk
// requests (Elasticsearch's http.max_content_length is 100 MB; a few MB per
// request is the usual sweet spot). A variable for the tests.
var maxBulkBytes = 5 << 20

// Bulk retries: a request answered 429 or 503, or items rejected with 429,
// are sent again after a growing pause, this many times at most.
const (
	bulkAttempts  = 8
	bulkFirstWait = 100 * time.Millisecond
	bulkMaxWait   = 5 * time.Second
)

// maxListedErrors caps how many failed documents one error names.
const maxListedErrors = 10

// Put writes docs to the live index of idx.
func (b *Backend) Put(ctx context.Context, idx search.Index, docs []search.Doc) error {
	alias, err := b.checkIndex(idx)
	if err != nil {
		return err
	}
	return b.bulk(ctx, alias, docs)
}

// bulkItem is one serialised index operation.
type bulkItem struct {
	id   string
	body []byte // action line and source line, each ending in \n
}

// bulk indexes docs into target (an alias or a physical index) with their
// versions as external versions: a document whose stored version is
// higher is left alone (409, counted as stale); an equal one is replaced.
func (b *Backend) bulk(ctx context.Context, target string, docs []search.Doc) error {
	items := make([]bulkItem, 0, len(docs))
	for _, d := range docs {
		item, err := encodeItem(target, d)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	var failed []string
	stale := 0
	for start := 0; start < len(items); {
		end, size := start, 0
		for end < len(items) && (end == start || size+len(items[end].body) <= maxBulkBytes) {
			size += len(items[end].body)
			end++
		}
		s, f, err := b.bulkChunk(ctx, items[start:end])
		if err != nil {
			return fmt.Errorf("search/elastic: put %s: %w", target, err)
		}
		stale += s
		failed = append(failed, f...)
		start = end
	}
	if stale > 0 {
		b.log.DebugContext(ctx, "search/elastic: stale writes ignored", "index", target, "stale", stale, "docs", len(docs))
	}
	if len(failed) > 0 {
		msg := strings.Join(failed[:min(len(failed), maxListedErrors)], "; ")
		if len(failed) > maxListedErrors {
			msg += fmt.Sprintf("; and %d more", len(failed)-maxListedErrors)
		}
		return fmt.Errorf("search/elastic: put %s: %d of %d documents failed: %s", target, len(failed), len(docs), msg)
	}
	return nil
}

func encodeItem(target string, d search.Doc) (bulkItem, error) {
	if d.ID == "" {
		return bulkItem{}, errors.New("search/elastic: put: document without id")
	}
	if d.Body == nil {
		return bulkItem{}, fmt.Errorf("search/elastic: put %s: no body", d.ID)
	}
	source, err := json.Marshal(d.Body)
	if err != nil {
		return bulkItem{}, fmt.Errorf("search/elastic: put %s: %w", d.ID, err)
	}
	action, err := json.Marshal(map[string]any{"index": map[string]any{
		"_index": target, "_id": d.ID, "version": d.Version, "version_type": "external_gte",
	}})
	if err != nil {
		return bulkItem{}, fmt.Errorf("search/elastic: put %s: %w", d.ID, err)
	}
	var buf bytes.Buffer
	buf.Grow(len(action) + len(source) + 2)
	buf.Write(action)
	buf.WriteByte('\n')
	buf.Write(source) // one line: json.Marshal writes no newline (and compacts a RawMessage)
	buf.WriteByte('\n')
	return bulkItem{id: d.ID, body: buf.Bytes()}, nil
}

// bulkResponse is the part of a _bulk answer Put reads.
type bulkResponse struct {
	Items []map[string]bulkResult `json:"items"` // one key each: the operation
}

type bulkResult struct {
	Status int                   `json:"status"`
	Error  *elastic.ErrorDetails `json:"error"`
}

// bulkChunk sends items in one bulk request, and again those the cluster
// asked to retry. It returns how many were stale and a description of
// each failed item; err is for a request that failed as a whole.
func (b *Backend) bulkChunk(ctx context.Context, items []bulkItem) (stale int, failed []string, err error) {
	wait := bulkFirstWait
	for attempt := 1; ; attempt++ {
		var body bytes.Buffer
		for _, it := range items {
			body.Write(it.body)
		}
		res, err := b.client.PerformRequest(ctx, elastic.PerformRequestOptions{
			Method:      "POST",
			Path:        "/_bulk",
			Body:        body.String(),
			ContentType: "application/x-ndjson",
		})
		status := errorStatus(err)
		if err != nil && (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable || attempt == bulkAttempts) {
			return stale, failed, err
		}
		var retry []bulkItem
		if err != nil {
			retry = items
		} else {
			var r bulkResponse
			if err := json.Unmarshal(res.Body, &r); err != nil {
				return stale, failed, fmt.Errorf("bulk response: %w", err)
			}
			if len(r.Items) != len(items) {
				return stale, failed, fmt.Errorf("bulk response: %d items for %d documents", len(r.Items), len(items))
			}
			for i, ri := range r.Items {
				var it bulkResult
				for _, v := range ri {
					it = v
				}
				switch {
				case it.Status >= 200 && it.Status < 300:
				case it.Status == http.StatusConflict:
					stale++
				case it.Status == http.StatusTooManyRequests && attempt < bulkAttempts:
					retry = append(retry, items[i])
				default:
					reason := http.StatusText(it.Status)
					if it.Error != nil {
						reason = it.Error.Type + ": " + it.Error.Reason
						if c := it.Error.CausedBy; c != nil {
							reason += fmt.Sprintf(" (%v: %v)", c["type"], c["reason"])
						}
					}
					failed = append(failed, fmt.Sprintf("%s: %s", items[i].id, reason))
				}
			}
		}
		if len(retry) == 0 {
			return stale, failed, nil
		}
		items = retry
		select {
		case <-ctx.Done():
			return stale, failed, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, bulkMaxWait)
	}
}
