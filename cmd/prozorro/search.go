package main

import (
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	searchapi "github.com/prozorro-go/prozorro/search/api"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/search/elastic"
	smongodb "github.com/prozorro-go/prozorro/search/mongodb"
	"github.com/prozorro-go/prozorro/search/portal"
	"github.com/prozorro-go/prozorro/tender"
)

// searchParts is what the search roles share in one process.
type searchParts struct {
	backend search.Backend
	state   search.State
	risk    *search.Risk
}

// openSearch opens the configured backend: Elasticsearch when a URL is set,
// else the embedded index under the data directory. ns names the indexes
// for the shared state: the Elasticsearch prefix, or the embedded index's
// own id, made when the index is, so a deleted index is rebuilt in full.
func openSearch(ctx context.Context, cfg Config, log *slog.Logger) (b search.Backend, ns string, err error) {
	sc := cfg.Search
	if sc.ElasticsearchURL != "" {
		octx, done := context.WithTimeout(ctx, 60*time.Second)
		defer done()
		eb, err := elastic.New(octx, elastic.Config{URL: sc.ElasticsearchURL, Prefix: sc.IndexPrefix})
		if err != nil {
			return nil, "", fmt.Errorf("search: %w", err)
		}
		if v, dist, err := eb.Info(octx); err == nil {
			log.Info("search: Elasticsearch", "url", redact(sc.ElasticsearchURL), "version", v, "distribution", dist, "prefix", sc.IndexPrefix)
		}
		return eb, "es:" + sc.IndexPrefix, nil
	}
	dir, err := filepath.Abs(filepath.Join(cfg.Mongo.DataDir, "search"))
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, "", fmt.Errorf("search dir: %w", err)
	}
	bb, err := bleve.Open(dir)
	if err != nil {
		return nil, "", fmt.Errorf("search: embedded index: %w", err)
	}
	id, err := indexID(filepath.Join(dir, "index-id"))
	if err != nil {
		_ = bb.Close()
		return nil, "", err
	}
	log.Info("search: embedded index (no elasticsearch_url)", "dir", dir)
	return bb, "embedded:" + id, nil
}

// indexID reads the embedded index's id, making one if there is none.
func indexID(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	id := randomKey()
	if err := os.WriteFile(path, []byte(id+"\n"), 0o640); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	return id, nil
}

// flagSettings reads search.flags_settings, or the defaults.
func flagSettings(cfg Config) (flags.Settings, error) {
	if cfg.Search.FlagsSettings == "" {
		return flags.DefaultSettings(), nil
	}
	s, err := flags.LoadSettings(cfg.Search.FlagsSettings)
	if err != nil {
		return s, fmt.Errorf("search.flags_settings: %w", err)
	}
	return s, nil
}

// openSearchParts opens the backend, the shared state in db and the risk
// evaluator.
func openSearchParts(ctx context.Context, cfg Config, db *mongo.Database, log *slog.Logger) (*searchParts, error) {
	fs, err := flagSettings(cfg)
	if err != nil {
		return nil, err
	}
	b, ns, err := openSearch(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	st, err := smongodb.New(ctx, db, ns)
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return &searchParts{backend: b, state: st, risk: search.NewRisk(fs, st)}, nil
}

// indexer returns an indexer over the parts following svc's feed.
func (p *searchParts) indexer(cfg Config, svc *tender.Service, log *slog.Logger) *search.Indexer {
	sc := cfg.Search
	return &search.Indexer{
		Feed: svc, Backend: p.backend, State: p.state, Risk: p.risk, OCDS: cfg.OCDS.ocds(), Log: log.With("role", "indexer"),
		ID: sc.IndexerID, Partitions: sc.Partitions, PageSize: sc.PageSize, Idle: sc.Idle, LeaseFor: sc.Lease,
		StatsEvery: sc.StatsInterval,
	}
}

// errEmbeddedSearch explains why a role running alone needs Elasticsearch.
var errEmbeddedSearch = errors.New("the embedded search index serves one process only: set search.elasticsearch_url (PROZORRO_ELASTICSEARCH_URL) to run search roles separately")

// openIndexer opens what the commands that write the indexes outside serve
// (reindex, import) work on: the configured store (its data directory made
// if create), the search parts over its database and an indexer following
// the store's feed. done closes the backend, then the store.
func openIndexer(ctx context.Context, cfg Config, log *slog.Logger, create bool) (sp *searchParts, ix *search.Indexer, done func(), err error) {
	store, err := openConfiguredStore(ctx, cfg, log, create)
	if err != nil {
		return nil, nil, nil, err
	}
	if sp, err = openSearchParts(ctx, cfg, store.Database(), log); err != nil {
		store.Close(context.Background())
		return nil, nil, nil, err
	}
	done = func() {
		_ = sp.backend.Close()
		store.Close(context.Background())
	}
	return sp, sp.indexer(cfg, &tender.Service{Store: store, Now: time.Now}, log), done, nil
}

// runReindex rebuilds the search indexes from the feed into new indexes
// and swaps them in, then recomputes the red-flag statistics.
func runReindex(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger, getenv func(string) string) error {
	cfg, _, err := commandConfig("reindex", args, getenv, nil)
	if err != nil {
		return err
	}
	_, ix, done, err := openIndexer(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer done()
	start := time.Now()
	n, err := ix.Reindex(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	rep, err := ix.RecomputeStats(ctx)
	if err != nil {
		return fmt.Errorf("reindex: red-flag statistics: %w", err)
	}
	fmt.Fprintf(stdout, "reindexed %d tenders in %s; red flags re-evaluated on %d processes (%d changed)\n",
		n, time.Since(start).Round(time.Millisecond), rep.Processes, rep.Changed)
	return nil
}

const importUsage = `usage: prozorro import ocds [-source NAME] [-config FILE] FILE...

Loads OCDS release packages, record packages or releases (one JSON value after
another, or JSON Lines; FILE - reads stdin, *.gz is gunzipped) from any
publisher into the search indexes, with red flags, keyed by ocid.
`

// runImport loads other publishers' OCDS data into the search indexes.
func runImport(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "ocds" {
		return errors.New("import: want `import ocds FILE`\n" + importUsage)
	}
	var source string
	cfg, fs, err := commandConfig("import ocds", args[1:], getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&source, "source", "", "publisher name stored with every document (default: the file name)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import ocds: no FILE\n" + importUsage)
	}
	sp, ix, done, err := openIndexer(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer done()
	for _, name := range fs.Args() {
		src := source
		if src == "" {
			src = filepath.Base(name)
		}
		r, closeFn, err := openInput(name)
		if err != nil {
			return err
		}
		rep, err := search.Import(ctx, r, src, sp.backend, sp.risk)
		closeFn()
		if err != nil {
			return fmt.Errorf("import %s: %w", name, err)
		}
		for _, s := range rep.Skipped {
			log.Warn("import: skipped", "file", name, "what", s)
		}
		fmt.Fprintf(stdout, "%s: %d releases, %d contracting processes indexed as source %q, %d skipped\n", name, rep.Releases, rep.Processes, src, len(rep.Skipped))
	}
	if err := sp.backend.Refresh(ctx); err != nil {
		return err
	}
	rep, err := ix.RecomputeStats(ctx)
	if err != nil {
		return fmt.Errorf("import: red-flag statistics: %w", err)
	}
	fmt.Fprintf(stdout, "red flags re-evaluated on %d processes (%d changed)\n", rep.Processes, rep.Changed)
	return nil
}

// openInput opens a file, stdin for "-", gunzipping names ending in .gz.
func openInput(name string) (io.Reader, func(), error) {
	var f io.ReadCloser = os.Stdin
	if name != "-" {
		var err error
		if f, err = os.Open(name); err != nil {
			return nil, nil, err
		}
	}
	if !strings.HasSuffix(name, ".gz") {
		return f, func() { _ = f.Close() }, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return z, func() { _ = z.Close(); _ = f.Close() }, nil
}

// mountSearch serves the search endpoints, the risks endpoint and the
// public portal's pages on mux.
func mountSearch(mux *http.ServeMux, sp *searchParts, svc *tender.Service, cfg Config, log *slog.Logger) {
	h := searchapi.New(sp.backend, searchapi.Config{BaseURL: cfg.HTTP.BaseURL,
		Risks: &searchapi.Risks{Load: svc.Load, Risk: sp.risk, OCDS: cfg.OCDS.ocds()}}, log)
	mux.Handle(searchapi.Path, h)
	mux.Handle(searchapi.RisksPath, h)
	p := portal.New(portal.Config{Search: sp.backend, Tenders: svc, Risk: sp.risk, OCDS: cfg.OCDS.ocds(),
		AuctionURL: cfg.Auction.BaseURL, Log: log.With("component", "portal")})
	for _, path := range portal.Paths {
		mux.Handle(path, p)
	}
}
