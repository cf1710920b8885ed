package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	aapi "github.com/prozorro-go/prozorro/auction/api"
	amongodb "github.com/prozorro-go/prozorro/auction/mongodb"
	"github.com/prozorro-go/prozorro/auction/tenderapi"
	"github.com/prozorro-go/prozorro/tender"
)

func ensureAuctionIndexes(ctx context.Context, s *amongodb.Store) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return s.EnsureIndexes(ctx)
}

// startAuction starts the auction worker loop and returns the handler of
// the auction pages and REST interface. self is this process's URL, the
// default for the public auction URL and (with the API in this process, or
// no http.base_url) for the tender API.
func startAuction(ctx context.Context, cfg Config, store *amongodb.Store, self string, withAPI bool, log *slog.Logger) (http.Handler, error) {
	ac := cfg.Auction
	secret, err := auctionSecret(ctx, ac.Secret, store)
	if err != nil {
		return nil, err
	}
	svc := &auction.Service{Store: store, Now: time.Now, Secret: secret, NewID: tender.NewID, Grace: ac.Grace}
	log = log.With("component", "auction")
	base := ac.BaseURL
	if base == "" {
		base = self
	}
	h := aapi.New(svc, aapi.Config{SecureCookies: strings.HasPrefix(base, "https://"), Done: ctx.Done()}, log)

	if ac.APIKey == "" {
		if !withAPI {
			return nil, errors.New("auction: set PROZORRO_AUCTION_API_KEY, the key of an auction-role platform of the tender API")
		}
		log.Warn("auction worker not started: set PROZORRO_AUCTION_API_KEY (an auction-role platform key); the auction pages are served")
		return h, nil
	}
	apiURL := ac.APIURL
	if apiURL == "" {
		apiURL = cfg.HTTP.BaseURL
		if apiURL == "" || withAPI {
			apiURL = self
		}
	}
	id := ac.WorkerID
	if id == "" {
		host, _ := os.Hostname()
		id = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	d := ac.Durations
	w := &auction.Worker{Store: store, Tenders: tenderapi.New(apiURL, ac.APIKey), Service: svc, ID: id, Now: time.Now,
		Log: log, LeaseFor: ac.Lease, BaseURL: base, MaxAccelerator: ac.MaxAccelerator,
		Durations: auction.Durations{FirstPause: d.FirstPause, Pause: d.Pause, Turn: d.Turn, Announcement: d.Announcement, Rounds: d.Rounds}}
	go func() {
		t := time.NewTicker(ac.Tick)
		defer t.Stop()
		var last string
		var logged time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := w.Tick(ctx)
				if err == nil || ctx.Err() != nil {
					last = ""
					continue
				}
				// Errors are retried every tick: log a repeated one once a minute.
				if msg := err.Error(); msg != last || time.Since(logged) > time.Minute {
					log.Warn("auction worker", "err", err)
					last, logged = msg, time.Now()
				}
			}
		}
	}()
	log.Info("auction worker running", "worker", id, "tick", ac.Tick, "lease", ac.Lease, "tender_api", apiURL, "base_url", base)
	return h, nil
}

// auctionSecret returns the participation token secret: the configured one,
// or the one kept in the store, made on first use so that links stay valid
// across restarts and for every worker.
func auctionSecret(ctx context.Context, configured string, store auction.WorkerStore) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	v, err := store.State(ctx, "secret")
	if errors.Is(err, auction.ErrNotFound) {
		var b [32]byte
		_, _ = rand.Read(b[:])
		err = store.CreateState(ctx, "secret", []byte(hex.EncodeToString(b[:])))
		if err != nil && !errors.Is(err, auction.ErrExists) {
			return nil, fmt.Errorf("auction secret: %w", err)
		}
		v, err = store.State(ctx, "secret")
	}
	if err != nil {
		return nil, fmt.Errorf("auction secret: %w", err)
	}
	return v, nil
}
