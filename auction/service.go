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

// Store keeps auctions: the plan in one record, accepted bids appended
// separately so that concurrent bids never overwrite each other (the
// document store's conditional updates are not atomic). Implementations live
// in auction/mongodb and auction/memory.
type Store interface {
	// Create stores a new auction; ErrExists when its id is taken.
	Create(ctx context.Context, a *Auction) error
	// Get returns the auction with its bids in the order they were made;
	// ErrNotFound when there is none.
	Get(ctx context.Context, id string) (*Auction, error)
	// SavePlan replaces the plan fields and status (never the bids); only the
	// worker holding the auction's lease calls it.
	SavePlan(ctx context.Context, a *Auction) error
	// AddBid appends an accepted bid.
	AddBid(ctx context.Context, auctionID string, b Bid) error
	// RemoveBid deletes an appended bid (a bid whose write finished too late).
	RemoveBid(ctx context.Context, auctionID, bidID string) error
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
type Service struct {
	Store  Store
	Now    func() time.Time
	Secret []byte        // signs participation tokens
	NewID  func() string // bid ids
	// Grace is how long after a turn ends a bid's write may still finish; a
	// bid stored later is withdrawn and refused, so the standings published
	// at turn end + Grace are final.
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
// the turn's price) in auction auctionID, and returns the stored Bid.
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
	if err := s.Store.AddBid(ctx, auctionID, b); err != nil {
		return Bid{}, err
	}
	if end := a.StageAt(now).End; s.Now().After(end.Add(s.Grace)) {
		// Stored after the turn's results were published: take it back.
		_ = s.Store.RemoveBid(context.WithoutCancel(ctx), auctionID, b.ID)
		return Bid{}, refuse(RuleNotBidding, "The turn ended before the bid was stored")
	}
	return b, nil
}
