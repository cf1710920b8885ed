package tender

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// Store keeps tenders. Each tender is one record written whole; every write
// carries the revision it was read at and fails with ErrConflict when another
// write got there first, changing nothing. Implementations live in adapter
// packages (tender/mongodb).
type Store interface {
	// Insert stores a new tender with its first revision and sets t.Revision and t.Seq.
	Insert(ctx context.Context, t *Tender, rev Revision) error
	// Get returns the tender with BidCommits filled, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (*Tender, error)
	// Save replaces the tender if its stored revision still equals t.Revision,
	// appending rev to its history and, when opt.StampBid is set, recording the
	// store's own commit time for that bid in t.BidCommits.
	Save(ctx context.Context, t *Tender, rev Revision, opt SaveOptions) error
	// NextSequence atomically increments and returns the named counter.
	NextSequence(ctx context.Context, name string) (int64, error)
	// Feed lists public tenders in the order of their last change.
	Feed(ctx context.Context, q FeedQuery) (FeedPage, error)
	// Revisions returns a tender's history, oldest first.
	Revisions(ctx context.Context, id string) ([]Revision, error)
	// Due returns ids of tenders whose next_check is at or before now.
	Due(ctx context.Context, now time.Time, limit int) ([]string, error)

	// InsertTransfer stores a new transfer.
	InsertTransfer(ctx context.Context, tr *Transfer) error
	// GetTransfer returns a transfer with its Use filled when it was claimed,
	// or an error wrapping ErrTransferNotFound.
	GetTransfer(ctx context.Context, id string) (*Transfer, error)
	// ClaimTransfer records, atomically, that transfer id is being applied to
	// the object at usedFor. Only the first claim of a transfer succeeds; the
	// others fail with an error wrapping ErrTransferUsed.
	ClaimTransfer(ctx context.Context, id, usedFor string) error
	// ReleaseTransfer withdraws an unconfirmed claim (id, usedFor) whose change
	// wrote nothing, so the transfer may be used again.
	ReleaseTransfer(ctx context.Context, id, usedFor string) error
	// ConfirmTransfer marks the claim (id, usedFor) done: the object was saved
	// with the transfer's tokens.
	ConfirmTransfer(ctx context.Context, id, usedFor string) error
}

// SaveOptions tune one Save.
type SaveOptions struct {
	StampBid string // bid id whose commit time the store records
}

// Revision is one entry of a tender's audit trail: who changed it, when, and
// the RFC 6902 patch that turns the new version back into the previous one.
type Revision struct {
	Rev     int64           `json:"rev"`
	Author  string          `json:"author"`
	Date    time.Time       `json:"date"`
	Changes json.RawMessage `json:"changes"`
}

// Feed modes.
const (
	FeedReal = ""      // real tenders only
	FeedTest = "test"  // test tenders only
	FeedAll  = "_all_" // both
)

// FeedQuery asks for one page of the feed. Offset is the opaque cursor of a
// previous page ("" starts at the beginning, or at the end when Descending).
type FeedQuery struct {
	Offset     string
	Limit      int
	Descending bool
	Mode       string
}

// FeedPage is one page of the feed. Next continues in the same direction,
// Prev turns back from the page's first item.
type FeedPage struct {
	Items []*Tender
	Next  string
	Prev  string
}

// ParseFeedOffset reads a feed cursor (a decimal feed number; "" is 0).
func ParseFeedOffset(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, &Error{Code: CodeInvalid, Errors: []FieldError{{Location: "query", Name: "offset", Description: "Offset must be a cursor returned in next_page or prev_page"}}}
	}
	return n, nil
}

// SetCursors fills Next and Prev for a page read with q from offset. first
// and last are the feed numbers of the page's first and last items (ignored
// when the page is empty); top is the highest number readers may see.
func (p *FeedPage) SetCursors(q FeedQuery, offset, first, last, top int64) {
	switch {
	case len(p.Items) > 0:
		p.Next, p.Prev = strconv.FormatInt(last, 10), strconv.FormatInt(first, 10)
	case q.Descending && q.Offset == "":
		p.Next, p.Prev = "0", strconv.FormatInt(top, 10)
	case q.Descending:
		p.Next, p.Prev = q.Offset, q.Offset
	default:
		p.Next, p.Prev = strconv.FormatInt(offset, 10), strconv.FormatInt(offset, 10)
	}
}
