package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/olivere/elastic/v7"

	"github.com/prozorro-go/prozorro/search"
)

// DefaultPrefix is the index and alias name prefix when Config.Prefix is
// empty.
const DefaultPrefix = "prozorro"

// Config says where the cluster is and how to lay out the indexes.
type Config struct {
	URL    string // http://127.0.0.1:9200
	Prefix string // index and alias name prefix; DefaultPrefix when empty
	// Shards and Replicas of each new physical index. Shards 0 means 1.
	// Facet counts are exact with one shard; with more they are exact as
	// long as each shard's top terms agree (shard_size is generous).
	Shards, Replicas int
	HTTPClient       *http.Client // optional
	Logger           *slog.Logger // optional; debug logs of stale writes
}

// Backend is search.Backend on one Elasticsearch or OpenSearch cluster.
type Backend struct {
	client   *elastic.Client
	prefix   string
	shards   int
	replicas int
	log      *slog.Logger
	now      func() time.Time // names new physical indexes
}

var _ search.Backend = (*Backend)(nil)

var prefixPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// New connects to the cluster and makes sure both aliases exist, creating a
// physical index behind each missing one. Processes calling New at once
// end up sharing the same indexes.
func New(ctx context.Context, cfg Config) (*Backend, error) {
	if cfg.URL == "" {
		return nil, errors.New("search/elastic: no URL")
	}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !prefixPattern.MatchString(prefix) {
		return nil, fmt.Errorf("search/elastic: prefix %q: want lower-case letters, digits, '.', '_' or '-'", prefix)
	}
	if cfg.Shards <= 0 {
		cfg.Shards = 1
	}
	if cfg.Replicas < 0 {
		cfg.Replicas = 0
	}
	opts := []elastic.ClientOptionFunc{
		elastic.SetURL(cfg.URL),
		elastic.SetSniff(false),
		elastic.SetHealthcheck(false),
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, elastic.SetHttpClient(cfg.HTTPClient))
	}
	client, err := elastic.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("search/elastic: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Backend{client: client, prefix: prefix, shards: cfg.Shards, replicas: cfg.Replicas, log: log, now: time.Now}
	for _, idx := range search.Indexes {
		if err := b.ensure(ctx, idx); err != nil {
			client.Stop()
			return nil, err
		}
	}
	return b, nil
}

// alias is the alias name of idx.
func (b *Backend) alias(idx search.Index) string { return b.prefix + "-" + string(idx) }

// physicalName is a new physical index name for idx.
func (b *Backend) physicalName(idx search.Index) string {
	return b.alias(idx) + "-" + b.now().UTC().Format("20060102t150405.000000000z")
}

// physicalPattern matches the physical index names under the prefix.
func (b *Backend) physicalPattern() *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(b.prefix) + `-(tenders|contracts)-\d{8}t\d{6}\.\d{9}z$`)
}

// checkIndex resolves idx to its alias.
func (b *Backend) checkIndex(idx search.Index) (string, error) {
	if idx != search.Tenders && idx != search.Contracts {
		return "", fmt.Errorf("search/elastic: unknown index %q", idx)
	}
	return b.alias(idx), nil
}

// ensure creates the alias of idx with a physical index behind it unless
// the alias exists. The index is created with the alias as its write index
// in one request; Elasticsearch refuses a second write index for an alias,
// so of processes racing here exactly one creates an index and the others
// get that refusal, create nothing and use the winner's alias.
func (b *Backend) ensure(ctx context.Context, idx search.Index) error {
	alias := b.alias(idx)
	for attempt := 0; ; attempt++ {
		exists, err := b.aliasExists(ctx, alias)
		if err != nil || exists {
			return err
		}
		name := b.physicalName(idx)
		body := indexBody(idx, b.shards, b.replicas, "")
		body["aliases"] = map[string]any{alias: map[string]any{"is_write_index": true}}
		_, err = b.do(ctx, "PUT", "/"+name, nil, body)
		if err == nil {
			return nil
		}
		var e *elastic.Error
		lost := errors.As(err, &e) && e.Details != nil &&
			(e.Details.Type == "illegal_state_exception" && strings.Contains(e.Details.Reason, "more than one write index") ||
				e.Details.Type == "resource_already_exists_exception")
		if !lost || attempt >= 5 {
			return fmt.Errorf("search/elastic: create index %s: %w", name, err)
		}
		// Another process won the race: if our index was created after
		// all (an acknowledgement lost on the way), drop it, then use
		// the winner's alias.
		b.log.DebugContext(ctx, "search/elastic: another process created the index first", "alias", alias, "error", e.Details.Reason)
		if e.Details.Type != "resource_already_exists_exception" {
			if err := b.deleteIndexes(ctx, name); err != nil {
				return err
			}
		}
	}
}

// aliasExists reports whether alias names at least one index.
func (b *Backend) aliasExists(ctx context.Context, alias string) (bool, error) {
	indexes, err := b.aliasIndexes(ctx, alias)
	return len(indexes) > 0, err
}

// aliasIndexes lists the physical indexes behind alias.
func (b *Backend) aliasIndexes(ctx context.Context, alias string) ([]string, error) {
	res, err := b.client.PerformRequest(ctx, elastic.PerformRequestOptions{
		Method:       "GET",
		Path:         "/_alias/" + url.PathEscape(alias),
		IgnoreErrors: []int{http.StatusNotFound},
	})
	if err != nil {
		return nil, fmt.Errorf("search/elastic: alias %s: %w", alias, err)
	}
	if res.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(res.Body, &m); err != nil {
		return nil, fmt.Errorf("search/elastic: alias %s: %w", alias, err)
	}
	var names []string
	for name := range m {
		names = append(names, name)
	}
	return names, nil
}

// deleteIndexes deletes the named physical indexes, missing ones ignored.
func (b *Backend) deleteIndexes(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	_, err := b.do(ctx, "DELETE", "/"+strings.Join(names, ","),
		url.Values{"ignore_unavailable": {"true"}}, nil)
	if err != nil {
		return fmt.Errorf("search/elastic: delete %s: %w", strings.Join(names, ","), err)
	}
	return nil
}

// DropAll deletes every physical index under the prefix, and with them
// the aliases, including the indexes of unfinished rebuilds.
func (b *Backend) DropAll(ctx context.Context) error {
	res, err := b.do(ctx, "GET", "/_cat/indices/"+b.prefix+"-tenders-*,"+b.prefix+"-contracts-*",
		url.Values{"format": {"json"}, "h": {"index"}, "expand_wildcards": {"all"}}, nil)
	if err != nil {
		return fmt.Errorf("search/elastic: list indexes: %w", err)
	}
	var rows []struct {
		Index string `json:"index"`
	}
	if err := json.Unmarshal(res, &rows); err != nil {
		return fmt.Errorf("search/elastic: list indexes: %w", err)
	}
	pattern := b.physicalPattern()
	var names []string
	for _, r := range rows {
		if pattern.MatchString(r.Index) {
			names = append(names, r.Index)
		}
	}
	return b.deleteIndexes(ctx, names...)
}

// Info reads the cluster's version number and distribution
// ("elasticsearch" or "opensearch").
func (b *Backend) Info(ctx context.Context) (version, distribution string, err error) {
	res, err := b.do(ctx, "GET", "/", nil, nil)
	if err != nil {
		return "", "", fmt.Errorf("search/elastic: info: %w", err)
	}
	var info struct {
		Version struct {
			Number       string `json:"number"`
			Distribution string `json:"distribution"`
		} `json:"version"`
	}
	if err := json.Unmarshal(res, &info); err != nil {
		return "", "", fmt.Errorf("search/elastic: info: %w", err)
	}
	distribution = info.Version.Distribution
	if distribution == "" {
		distribution = "elasticsearch"
	}
	return info.Version.Number, distribution, nil
}

// Get returns the stored document id of idx, or search.ErrNotFound.
func (b *Backend) Get(ctx context.Context, idx search.Index, id string) (json.RawMessage, error) {
	alias, err := b.checkIndex(idx)
	if err != nil {
		return nil, err
	}
	res, err := b.client.PerformRequest(ctx, elastic.PerformRequestOptions{
		Method:       "GET",
		Path:         "/" + alias + "/_doc/" + url.PathEscape(id),
		IgnoreErrors: []int{http.StatusNotFound},
	})
	if err != nil {
		return nil, fmt.Errorf("search/elastic: get %s %s: %w", idx, id, err)
	}
	var doc struct {
		Found  bool            `json:"found"`
		Source json.RawMessage `json:"_source"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		return nil, fmt.Errorf("search/elastic: get %s %s: %w", idx, id, err)
	}
	if len(doc.Error) > 0 {
		return nil, fmt.Errorf("search/elastic: get %s %s: %s", idx, id, doc.Error)
	}
	if !doc.Found {
		return nil, search.ErrNotFound
	}
	return doc.Source, nil
}

// Refresh makes every write so far searchable in both live indexes.
func (b *Backend) Refresh(ctx context.Context) error {
	return b.refresh(ctx, b.alias(search.Tenders), b.alias(search.Contracts))
}

func (b *Backend) refresh(ctx context.Context, names ...string) error {
	if _, err := b.do(ctx, "POST", "/"+strings.Join(names, ",")+"/_refresh", nil, nil); err != nil {
		return fmt.Errorf("search/elastic: refresh: %w", err)
	}
	return nil
}

// Close releases the client.
func (b *Backend) Close() error {
	b.client.Stop()
	return nil
}

// do performs one request and returns the response body; a response other
// than 2xx is an *elastic.Error.
func (b *Backend) do(ctx context.Context, method, path string, params url.Values, body any) (json.RawMessage, error) {
	opts := elastic.PerformRequestOptions{Method: method, Path: path, Params: params, Body: body}
	if body != nil {
		opts.ContentType = "application/json"
	}
	res, err := b.client.PerformRequest(ctx, opts)
	if err != nil {
		return nil, err
	}
	return res.Body, nil
}

// errorType is the Elasticsearch error type of err, or "".
func errorType(err error) string {
	var e *elastic.Error
	if errors.As(err, &e) && e.Details != nil {
		return e.Details.Type
	}
	return ""
}

// errorStatus is the HTTP status of an *elastic.Error, or 0.
func errorStatus(err error) int {
	var e *elastic.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}
