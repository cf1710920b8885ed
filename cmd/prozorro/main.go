// Command prozorro is the one binary of the procurement engine: serve runs every
// role in one process; each role can also run alone against a shared store.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Kyiv must resolve on machines without system tzdata
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "prozorro:", err)
		os.Exit(1)
	}
}

const usage = `usage: prozorro <command> [flags]

commands:
  serve        run every role: the API, the chronograph loop and the auction service
  api          run the API role alone (no chronograph loop)
  chronograph  run the chronograph role alone against a shared store
  auction      run the auction service alone (worker and pages) against a shared store
  indexer      run the search indexer alone against a shared store and Elasticsearch
  reindex      rebuild the search indexes from the feed and swap them in at once
  import       import ocds FILE: load another publisher's OCDS packages into search
  export       export ocds: write OCDS releases or records as JSON Lines or packages
  seed         fill the store with realistic tenders (demos, benchmarks)
  flags        flags FILE: red-flag indicators over OCDS compiled releases (Cardinal's output)
  ferretdb     serve the MongoDB wire protocol over PostgreSQL or SQLite (FerretDB)
  version      print the version
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, "serve", args[1:], roles{api: true, chronograph: true, auction: true, indexer: true}, stdout, log, os.Getenv)
	case "api":
		return runServe(ctx, "api", args[1:], roles{api: true}, stdout, log, os.Getenv)
	case "chronograph":
		return runServe(ctx, "chronograph", args[1:], roles{chronograph: true}, stdout, log, os.Getenv)
	case "auction":
		return runServe(ctx, "auction", args[1:], roles{auction: true}, stdout, log, os.Getenv)
	case "indexer":
		return runServe(ctx, "indexer", args[1:], roles{indexer: true}, stdout, log, os.Getenv)
	case "reindex":
		return runReindex(ctx, args[1:], stdout, log, os.Getenv)
	case "import":
		return runImport(ctx, args[1:], stdout, log, os.Getenv)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr, log, os.Getenv)
	case "seed":
		return runSeed(ctx, args[1:], stderr, log, os.Getenv)
	case "flags":
		return runFlags(ctx, args[1:], os.Stdin, stdout, stderr)
	case "ferretdb":
		return runFerretDB(ctx, args[1:], stdout, log)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
