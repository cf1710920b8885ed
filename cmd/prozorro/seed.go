package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prozorro-go/prozorro/tender/seed"
)

const seedUsage = `usage: prozorro seed [--tenders N] [--seed S] [--config FILE]

Fills the configured store (mongo.uri, or the embedded store under
mongo.data_dir) with N realistic belowThreshold sandbox tenders, each driven
through its whole procedure so that it has a real revision history: most
end complete with a contract, some unsuccessful, some cancelled. The same
seed gives the same tenders. For demos and the export benchmark.
`

// runSeed is the seed command.
func runSeed(ctx context.Context, args []string, stderr io.Writer, log *slog.Logger, getenv func(string) string) error {
	var n *int
	var s *uint64
	cfg, _, err := commandConfig("seed", args, getenv, func(fs *flag.FlagSet) {
		fs.SetOutput(stderr)
		fs.Usage = func() { fmt.Fprint(stderr, seedUsage); fs.PrintDefaults() }
		n = fs.Int("tenders", 100, "how many tenders")
		s = fs.Uint64("seed", 1, "random seed")
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	store, err := openConfiguredStore(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	start := time.Now()
	st, err := seed.Run(ctx, store, *n, *s, start)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "seeded %d tenders (%d bids, %d contracts, %d unsuccessful, %d cancelled) in %s\n",
		st.Tenders, st.Bids, st.Contracts, st.Unsuccessful, st.Cancelled, time.Since(start).Round(time.Millisecond))
	return nil
}
