package auction

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Store keeps auctions: the plan in one record, bids appended separately so
// that concurrent bids never overwrite each other (the document store's
// conditional updates are not atomic), each stamped with its commit time by
// the store's clock. Bids are never removed: one stored too late stays and
// never counts. Implementations live in auction/mongodb and auction/memory.
type Store interface {
	// Create stores a new auction; ErrExists when its id is taken.
	Create(ctx context.Context, a *Auction) error
	// Get returns the auction with its bids in the order they were made;
	// ErrNotFound when there is none.
	Get(ctx context.Context, id string) (*Auction, error)
	// SavePlan replaces the plan fields and status (never the bids); only the
	// worker holding the auction's lease calls it.
	SavePlan(ctx context.Context, a *Auction) error
	// AddBid appends a bid that passed the rules and returns when the store
	// committed it, taken from the store's own clock (the database's, never
	// the caller's), so that bids from every process are judged by one
	// clock (Auction.Counts). Get returns the bid with Stored set to that
	// time; a bid read before its stamp is visible has none. ErrExists when
	// the bid id is taken.
	AddBid(ctx context.Context, auctionID string, b Bid) (time.Time, error)
	// Active lists auctions not yet complete or cancelled, soonest first.
	Active(ctx context.Context, limit int) ([]*Auction, error)
	// Lease gives worker the auction until `until` when nobody else holds an
	// unexpired lease (or worker already does); it reports whether it did.
	Lease(ctx context.Context, id, worker string, now, until time.Time) (bool, error)
}

// Store errors.
var (
	ErrNotFound = errors.New("auction not found")
	ErrExists   = errors.New("auction already exists")
)

// Service is what bidders and observers act through: it checks a bidder's
// token, validates a bid against the rules at the service's clock and
// persists it. Safe for concurrent use.
//
// Whether a bid counts is decided by the store's commit stamp (see
// Auction.Counts), not by this clock. What is assumed of the clocks: the
// readers that publish (the hub of every process, the worker) read an ended
// turn after its cutoff by their own clock, and by then every bid stamped no
// later than the cutoff by the database's clock must be visible to them.
// That holds for a single-node database whose clock agrees with the
// processes' clocks to well within the grace; a stamp taken before the
// cutoff whose write is still on its way is waited for (Auction.Settled).
type Service struct {
	Store  Store
	Now    func() time.Time
	Secret []byte        // signs participation tokens
	NewID  func() string // bid ids
	// Grace is the grace of the auctions the worker plans (Auction.Grace):
	// how long after a turn ends a bid may still be stored and count.
	// Readers use each auction's own grace, never this one.
	Grace time.Duration
}

// Token returns bid's participation token in auction id: an HMAC, so the
// service needs to store nothing to check it.
func (s *Service) Token(auctionID, bidID string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(auctionID + "\x00" + bidID))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckToken reports whether token is bid's participation token.
func (s *Service) CheckToken(auctionID, bidID, token string) bool {
	return subtle.ConstantTimeCompare([]byte(s.Token(auctionID, bidID)), []byte(token)) == 1
}

// ErrBadToken is returned for a bid whose token does not match.
var ErrBadToken = errors.New("invalid participation token")

// PlaceBid validates and stores bid id's price (withdraw: its withdrawal of
// the turn's price) in auction auctionID, and returns the stored Bid. It
// answers by the same rule every reader applies (Auction.Counts): a bid the
// store committed after its turn's cutoff is refused (RuleLate). Such a bid
// stays in the store, where it never counts: deleting it would race with
// readers that saw it.
func (s *Service) PlaceBid(ctx context.Context, auctionID, bidID, token string, amount tender.Amount, withdraw bool) (Bid, error) {
	if !s.CheckToken(auctionID, bidID, token) {
		return Bid{}, ErrBadToken
	}
	a, err := s.Store.Get(ctx, auctionID)
	if err != nil {
		return Bid{}, err
	}
	now := s.Now()
	b, err := a.Place(now, bidID, amount, withdraw, s.NewID)
	if err != nil {
		return Bid{}, err
	}
	stored, err := s.Store.AddBid(ctx, auctionID, b)
	if err != nil {
		return Bid{}, err
	}
	b.Stored = &stored
	if !a.Counts(b) {
		return Bid{}, refuse(RuleLate, "The turn ended before the bid was stored")
	}
	return b, nil
}
