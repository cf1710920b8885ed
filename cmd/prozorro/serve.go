package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	amongodb "github.com/prozorro-go/prozorro/auction/mongodb"
	ocdsapi "github.com/prozorro-go/prozorro/ocds/api"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

var errEOF = io.EOF

// roles says which parts of the system a command runs.
type roles struct {
	api, chronograph, auction, indexer bool
}

// runServe runs the API, the chronograph loop and/or the auction service
// until ctx ends. serve runs the auction service unless auction.enabled is
// false.
func runServe(ctx context.Context, name string, args []string, r roles, stdout io.Writer, log *slog.Logger, getenv func(string) string) error {
	cfg, _, err := commandConfig(name, args, getenv, nil)
	if err != nil {
		return err
	}
	if name == "serve" && !cfg.Auction.Enabled {
		r.auction = false
	}
	if name == "serve" && !cfg.Search.Enabled {
		r.indexer = false
	}
	if r.indexer && name != "serve" && cfg.Search.ElasticsearchURL == "" {
		return errEmbeddedSearch
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	uri := cfg.Mongo.URI
	errc := make(chan error, 4)
	if uri == "" {
		if !r.api || !r.chronograph {
			return errors.New("the embedded store serves one process only: set mongo.uri (PROZORRO_MONGO_URI) to run roles separately")
		}
		dir, err := filepath.Abs(cfg.Mongo.DataDir)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite", SQLiteURL: "file:" + dir + "/",
			Logger: quietLogger(log)})
		if err != nil {
			return fmt.Errorf("embedded store: %w", err)
		}
		go func() { errc <- f.Run(ctx) }()
		uri = f.MongoDBURI()
		log.Info("store: embedded FerretDB (SQLite handler)", "data_dir", dir, "uri", uri)
	} else {
		log.Info("store: MongoDB", "uri", redact(uri), "database", cfg.Mongo.Database)
	}

	var svc *tender.Service
	var astore *amongodb.Store
	var sp *searchParts
	if r.api || r.chronograph || r.indexer {
		cal, err := openCalendar(ctx, cfg.CalendarFile, log)
		if err != nil {
			return err
		}
		store, err := openStore(ctx, uri, cfg.Mongo.Database)
		if err != nil {
			return err
		}
		defer store.Close(context.Background())
		svc = &tender.Service{Store: store, Calendar: cal, Now: time.Now, Sandbox: cfg.Sandbox}
		if cfg.Sandbox {
			log.Warn("sandbox mode: accelerated and quick tenders are allowed")
		}
		if r.auction {
			astore = amongodb.New(store.Database())
			if err := ensureAuctionIndexes(ctx, astore); err != nil {
				return err
			}
		}
		// The API serves search when this process indexes, or when the
		// indexes are in a shared Elasticsearch.
		if r.indexer || (r.api && cfg.Search.Enabled && cfg.Search.ElasticsearchURL != "") {
			if sp, err = openSearchParts(ctx, cfg, store.Database(), log); err != nil {
				return err
			}
			defer sp.backend.Close()
		}
	} else if r.auction {
		octx, done := context.WithTimeout(ctx, 30*time.Second)
		astore, err = amongodb.Open(octx, uri, cfg.Mongo.Database)
		done()
		if err != nil {
			return err
		}
		defer astore.Close(context.Background())
	}

	if r.chronograph {
		go func() {
			t := time.NewTicker(cfg.Chronograph.Interval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if n, err := svc.Tick(ctx); err != nil && ctx.Err() == nil {
						log.Error("chronograph", "processed", n, "err", err)
					}
				}
			}
		}()
		// Done feed tickets pile up with every write, and every write and
		// feed read looks the newest one up: keep the collection small.
		go func() {
			t := time.NewTicker(time.Minute)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := svc.Store.(*mongodb.Store).PruneTickets(ctx, 1000); err != nil && ctx.Err() == nil {
						log.Warn("pruning feed tickets", "err", err)
					}
				}
			}
		}()
		log.Info("chronograph loop running", "interval", cfg.Chronograph.Interval)
	}
	if r.indexer {
		ix := sp.indexer(cfg, svc, log)
		go func() {
			if err := ix.Run(ctx); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("indexer: %w", err)
			}
		}()
	}
	if !r.api && !r.auction {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	self := "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	if r.api {
		platforms := cfg.apiPlatforms()
		if len(platforms) == 0 {
			if cfg.Sandbox {
				key := randomKey()
				platforms = append(platforms,
					api.Platform{Name: "demo", KeyHash: api.HashKey(key), Levels: "123456h", Role: tender.RoleBroker})
				fmt.Fprintf(stdout, "sandbox demo platform key (accreditation 123456h): %s\n", key)
			} else {
				log.Warn("no platforms configured: the API is read-only (set PROZORRO_PLATFORMS)")
			}
		}
		if r.auction && cfg.Auction.APIKey == "" && cfg.Sandbox {
			// The worker in this process needs the auction role: give it
			// a key of its own.
			cfg.Auction.APIKey = randomKey()
			platforms = append(platforms, api.Platform{Name: "auction-service", KeyHash: api.HashKey(cfg.Auction.APIKey), Role: tender.RoleAuction})
			log.Info("sandbox: the auction worker has its own auction-role platform", "platform", "auction-service")
		}
		tenders := api.New(svc, api.Config{Platforms: platforms, MaxBody: cfg.HTTP.MaxBodyBytes, BaseURL: cfg.HTTP.BaseURL}, log)
		// The OCDS endpoints take their paths and GET /tenders/{id}?opt_schema=ocds.
		o, err := ocdsapi.New(svc.Store, ocdsapi.Config{OCDS: cfg.OCDS.ocds(), BaseURL: cfg.HTTP.BaseURL}, log)
		if err != nil {
			_ = ln.Close()
			return err
		}
		mux.Handle("/", o.Intercept(tenders))
		if sp != nil {
			mountSearch(mux, sp, svc, cfg, log)
		}
	}
	if r.auction {
		h, err := startAuction(ctx, cfg, astore, self, r.api, log)
		if err != nil {
			_ = ln.Close()
			return err
		}
		for _, p := range []string{"/auctions", "/auctions/", "/api/auctions", "/api/auctions/"} {
			mux.Handle(p, h)
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { errc <- srv.Serve(ln) }()
	if r.api {
		log.Info("API listening", "addr", ln.Addr().String(), "url", self+api.Prefix+"/tenders")
	}
	if r.auction {
		log.Info("auctions listening", "url", self+"/auctions")
	}
	fmt.Fprintf(stdout, "listening on %s\n", self)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	return srv.Shutdown(shutdown)
}

func openStore(ctx context.Context, uri, db string) (*mongodb.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return mongodb.Open(ctx, uri, db)
}

// redact hides a password in a MongoDB URI for the logs.
func redact(uri string) string {
	for i := 0; i+3 < len(uri); i++ {
		if uri[i:i+3] == "://" {
			rest := uri[i+3:]
			for j := 0; j < len(rest); j++ {
				if rest[j] == '@' {
					return uri[:i+3] + "***@" + rest[j+1:]
				}
				if rest[j] == '/' {
					break
				}
			}
			break
		}
	}
	return uri
}

// quietLogger keeps FerretDB's per-request warnings (every refused write is
// one) out of the service log.
func quietLogger(log *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{log.Handler(), slog.LevelError}).With("component", "ferretdb")
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(attrs), f.min}
}

func (f levelFilter) WithGroup(name string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(name), f.min}
}
