package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// runFerretDB serves the MongoDB wire protocol on top of PostgreSQL (or SQLite)
// with FerretDB's embeddable package, pinned in go.mod. The test command uses it
// as the project's MongoDB-compatible server; operators may use it too.
func runFerretDB(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("ferretdb", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:27017", "TCP address to serve the MongoDB wire protocol on")
	pgURL := fs.String("postgresql-url", "", "PostgreSQL URL for the postgresql handler")
	sqliteDir := fs.String("sqlite-dir", "", "directory for the sqlite handler (used when -postgresql-url is empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: quietLogger(log)}
	switch {
	case *pgURL != "":
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", *pgURL
	case *sqliteDir != "":
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+*sqliteDir+"/"
	default:
		return fmt.Errorf("ferretdb: set -postgresql-url or -sqlite-dir")
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		return fmt.Errorf("ferretdb: %w", err)
	}
	log.Info("ferretdb listening", "handler", cfg.Handler, "uri", f.MongoDBURI())
	fmt.Fprintln(stdout, f.MongoDBURI())
	return f.Run(ctx)
}
