package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/merge"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

const exportUsage = `usage: prozorro export ocds [flags]

Writes the OCDS releases (or records) of every public tender, real and test,
changed since a date: JSON Lines, one release or record a line, or with
--package one release or record package. Records are those of
GET /api/2.5/tenders/{id}/ocds/record: every release embedded, with
compiledRelease and versionedRelease.
`

// runExport is `prozorro export <what>`; only ocds exists.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "ocds" {
		fmt.Fprint(stderr, exportUsage)
		return errors.New("export: want `export ocds`")
	}
	// commandFlags, not commandConfig: -format and -schema are checked
	// before the configuration is read.
	fs, loadCfg := commandFlags("export ocds", getenv)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage); fs.PrintDefaults() }
	var opt exportOptions
	fs.Func("since", "only releases dated at or after this date (RFC 3339 or YYYY-MM-DD)", func(v string) (err error) {
		opt.Since, err = parseSince(v)
		return err
	})
	format := fs.String("format", "releases", "releases or records")
	fs.BoolVar(&opt.Package, "package", false, "write one release or record package instead of JSON Lines")
	fs.BoolVar(&opt.Gzip, "gzip", false, "gzip the output")
	out := fs.String("o", "-", "output file (- is stdout)")
	schemaPath := fs.String("schema", "", "release-schema.json (or the directory holding it) whose merge rules compile records; default: the embedded OCDS 1.1.5 schema with the bids, lots and enquiries extensions")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch *format {
	case "releases":
	case "records":
		m, err := loadMerger(*schemaPath)
		if err != nil {
			return err
		}
		opt.Merger = m
	default:
		return fmt.Errorf("export: --format %q: want releases or records", *format)
	}
	cfg, err := loadCfg()
	if err != nil {
		return err
	}
	opt.OCDS = cfg.OCDS.ocds()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	store, err := openConfiguredStore(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())

	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	base := cfg.HTTP.BaseURL
	if base == "" {
		base = "http://" + cfg.HTTP.Addr
	}
	opt.URI = base + "/api/2.5/ocds/" + opt.noun()
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && stderr == os.Stderr {
		opt.Progress = func(s exportStats) {
			fmt.Fprintf(stderr, "\r%d tenders, %d %s, %s", s.Tenders, s.Items, opt.noun(), byteSize(s.Bytes))
		}
	}
	start := time.Now()
	st, err := exportOCDS(ctx, store, w, opt)
	if opt.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && w != stdout {
		if err := f.Close(); err != nil {
			return err
		}
	}
	d := time.Since(start)
	fmt.Fprintf(stderr, "exported %d tenders, %d %s, %s in %s (%.0f %s/s, %s/s)\n",
		st.Tenders, st.Items, opt.noun(), byteSize(st.Bytes), d.Round(time.Millisecond),
		float64(st.Items)/d.Seconds(), opt.noun(), byteSize(int64(float64(st.Bytes)/d.Seconds())))
	return nil
}

// openConfiguredStore opens the store the config names: mongo.uri, or the
// embedded FerretDB on mongo.data_dir (created when create is set), as serve
// runs it; only while no serve holds that directory. The embedded server
// stops with ctx.
func openConfiguredStore(ctx context.Context, cfg Config, log *slog.Logger, create bool) (*mongodb.Store, error) {
	uri := cfg.Mongo.URI
	if uri == "" {
		dir, err := filepath.Abs(cfg.Mongo.DataDir)
		if err != nil {
			return nil, err
		}
		if create {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("data dir: %w (set mongo.uri to use MongoDB)", err)
		}
		f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite", SQLiteURL: "file:" + dir + "/",
			Logger: quietLogger(log)})
		if err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		go func() { _ = f.Run(ctx) }()
		uri = f.MongoDBURI()
	}
	st, err := openStore(ctx, uri, cfg.Mongo.Database)
	if err != nil {
		return nil, err
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		st.Close(context.Background())
		return nil, err
	}
	return st, nil
}

// parseSince reads an RFC 3339 time or a date (midnight UTC).
func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("want RFC 3339 or YYYY-MM-DD")
	}
	return t, nil
}

// loadMerger builds a record merger from a release schema file, from
// release-schema.json in a directory, or, when path is "", from the embedded
// schema with the declared extensions applied.
func loadMerger(path string) (*merge.Merger, error) {
	if path == "" {
		m, err := ocds.Merger() // the endpoints' merger
		if err != nil {
			return nil, fmt.Errorf("export: embedded schema: %w", err)
		}
		return m, nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "release-schema.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("export: schema: %w", err)
	}
	m, err := merge.NewMerger(data)
	if err != nil {
		return nil, fmt.Errorf("export: schema %s: %w", path, err)
	}
	return m, nil
}

// exportStore is what the export reads: the feed and each tender's history.
type exportStore interface {
	ocds.HistoryStore
	Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error)
}

// exportOptions shape one export.
type exportOptions struct {
	Since   time.Time        // releases dated before are left out; zero: all
	Merger  *merge.Merger    // non-nil: write records compiled by it
	Package bool             // one package instead of JSON Lines
	Gzip    bool             // gzip the output
	OCDS    ocds.Config      // prefix and publisher
	URI     string           // the package's uri
	Now     func() time.Time // the package's publishedDate; nil: time.Now
	// Progress, if set, is called after each tender.
	Progress func(exportStats)
}

func (o exportOptions) noun() string {
	if o.Merger != nil {
		return "records"
	}
	return "releases"
}

// exportStats count what an export wrote. Bytes is the output's size,
// after compression.
type exportStats struct {
	Tenders, Items int
	Bytes          int64
}

// exportPageSize is how many tenders one feed page holds: the export keeps
// one page of tenders and one tender's history in memory at a time.
const exportPageSize = 100

// exportOCDS walks the whole feed (real and test tenders) and writes the
// releases, or records, of every tender with a release dated at or after
// opt.Since. Memory is bounded by one feed page and one tender's history.
func exportOCDS(ctx context.Context, st exportStore, out io.Writer, opt exportOptions) (exportStats, error) {
	var stats exportStats
	cw := &countingWriter{w: out}
	var w io.Writer = cw
	var gz *gzip.Writer
	if opt.Gzip {
		gz = gzip.NewWriter(cw)
		w = gz
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	// The package header waits for the first item: a package must hold at
	// least one release or record, so an export of nothing writes nothing.
	first := true
	emit := func(v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		switch {
		case !opt.Package:
		case first:
			if err := writePackageHeader(bw, opt, now()); err != nil {
				return err
			}
			bw.WriteByte('\n')
		default:
			bw.WriteString(",\n")
		}
		first = false
		if _, err := bw.Write(data); err != nil || opt.Package {
			return err
		}
		return bw.WriteByte('\n')
	}

	q := tender.FeedQuery{Limit: exportPageSize, Mode: tender.FeedAll}
	for {
		page, err := st.Feed(ctx, q)
		if err != nil {
			return stats, fmt.Errorf("export: feed: %w", err)
		}
		if len(page.Items) == 0 {
			break
		}
		for _, t := range page.Items {
			if !opt.Since.IsZero() && t.DateModified.Before(opt.Since) {
				continue // nothing of it changed since
			}
			n, err := exportTender(ctx, st, t.ID, opt, emit)
			if err != nil {
				return stats, err
			}
			if n > 0 {
				stats.Tenders++
				stats.Items += n
			}
			if opt.Progress != nil {
				bw.Flush()
				stats.Bytes = cw.n
				opt.Progress(stats)
			}
		}
		q.Offset = page.Next
	}
	if opt.Package && !first {
		bw.WriteString("\n]}\n")
	}
	if err := bw.Flush(); err != nil {
		return stats, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return stats, err
		}
	}
	stats.Bytes = cw.n
	return stats, cw.err
}

// exportTender emits the releases of tender id dated since opt.Since, or its
// record when any is; it returns how many it emitted.
func exportTender(ctx context.Context, st exportStore, id string, opt exportOptions, emit func(any) error) (int, error) {
	versions, revs, err := ocds.History(ctx, st, id)
	if err != nil {
		if errors.Is(err, tender.ErrNotFound) {
			return 0, nil
		}
		return 0, fmt.Errorf("export: tender %s: %w", id, err)
	}
	releases, err := ocds.Releases(versions, revs, opt.OCDS)
	if err != nil {
		return 0, fmt.Errorf("export: tender %s: %w", id, err)
	}
	from := len(releases)
	for i, r := range releases {
		if !r.Date.Before(opt.Since) {
			from = i
			break
		}
	}
	if from == len(releases) {
		return 0, nil
	}
	if opt.Merger == nil {
		for _, r := range releases[from:] {
			if err := emit(r); err != nil {
				return 0, err
			}
		}
		return len(releases) - from, nil
	}
	// The record the endpoint serves: every release, compiledRelease and
	// versionedRelease.
	rec, err := ocds.NewRecord(opt.Merger, releases)
	if err != nil {
		return 0, fmt.Errorf("export: record of %s: %w", id, err)
	}
	return 1, emit(rec)
}

// writePackageHeader writes the package's metadata and opens its releases
// (or records) array; the caller streams the items and closes with "]}".
func writePackageHeader(w *bufio.Writer, opt exportOptions, published time.Time) error {
	head := ocds.Package(opt.URI, nil, opt.OCDS)
	head.PublishedDate = published.UTC()
	data, err := json.Marshal(struct {
		ocds.ReleasePackage
		Releases *struct{} `json:"releases,omitempty"` // shadowed: streamed below
	}{ReleasePackage: head})
	if err != nil {
		return err
	}
	// data ends with "}" (the shadowed field is left out); reopen it.
	w.Write(data[:len(data)-1])
	_, err = fmt.Fprintf(w, ",%q:[", opt.noun())
	return err
}

// countingWriter counts the bytes written through it and keeps the first
// error.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// byteSize formats n bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
