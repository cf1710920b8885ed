package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Store implements tender.Store in memory. The zero Store is empty and ready
// to use; it is safe for concurrent use.
type Store struct {
	// Now is the store's clock, used for the bid commit times that
	// SaveOptions.StampBid records; nil means time.Now. Tests set it to a
	// time after tenderPeriod.endDate to play a bid that lands late.
	Now func() time.Time

	mu      sync.Mutex
	tenders map[string]*record
	ids     map[string]string // tenderID → id, unique like the MongoDB index
	seqs    map[string]int64  // named counters of NextSequence
	feed    int64             // the last feed number taken
	xfers   transfers         // transfers and their claims (transfer.go)
}

var _ tender.Store = (*Store)(nil)

// record is one stored tender: its JSON and what the store keeps beside it.
type record struct {
	id         string
	tenderID   string
	data       []byte
	rev        int64
	seq        int64
	public     bool
	test       bool
	nextCheck  *time.Time
	bidCommits map[string]time.Time
	revisions  []tender.Revision
}

// New returns an empty Store on the real clock.
func New() *Store {
	return &Store{Now: time.Now}
}

func (s *Store) init() {
	if s.tenders == nil {
		s.tenders = map[string]*record{}
		s.ids = map[string]string{}
		s.seqs = map[string]int64{}
	}
}

// commitTime is the store's clock at millisecond precision in UTC, as
// MongoDB's $currentDate stamps it.
func (s *Store) commitTime() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Millisecond)
}

// project fills the queried fields of r from t and stores t's JSON.
func project(r *record, t *tender.Tender) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("memory: marshal %s: %w", t.ID, err)
	}
	r.data = data
	r.public = t.Status != tender.StatusDraft
	r.test = t.Mode == "test"
	r.nextCheck = nil
	if t.NextCheck != nil {
		at := *t.NextCheck
		r.nextCheck = &at
	}
	return nil
}

// tender decodes a fresh copy of the stored tender.
func (r *record) tender() (*tender.Tender, error) {
	var t tender.Tender
	if err := json.Unmarshal(r.data, &t); err != nil {
		return nil, fmt.Errorf("memory: tender %s: %w", r.id, err)
	}
	t.Revision, t.Seq, t.BidCommits = r.rev, r.seq, copyCommits(r.bidCommits)
	return &t, nil
}

func copyCommits(m map[string]time.Time) map[string]time.Time {
	if m == nil {
		return nil
	}
	out := make(map[string]time.Time, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyRevision(r tender.Revision) tender.Revision {
	r.Changes = append(json.RawMessage(nil), r.Changes...)
	return r
}

// Insert stores a new tender with its first revision and sets t.Revision and
// t.Seq. A tender whose id or tenderID is taken fails with tender.ErrConflict.
func (s *Store) Insert(ctx context.Context, t *tender.Tender, rev tender.Revision) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &record{id: t.ID, tenderID: t.TenderID, rev: 1}
	if err := project(r, t); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if _, ok := s.tenders[t.ID]; ok {
		return fmt.Errorf("memory: insert %s: %w", t.ID, tender.ErrConflict)
	}
	if _, ok := s.ids[t.TenderID]; ok {
		return fmt.Errorf("memory: insert %s: tenderID %s: %w", t.ID, t.TenderID, tender.ErrConflict)
	}
	s.feed++
	r.seq = s.feed
	r.revisions = []tender.Revision{copyRevision(rev)}
	s.tenders[t.ID] = r
	s.ids[t.TenderID] = t.ID
	t.Revision, t.Seq = r.rev, r.seq
	return nil
}

// Get returns a copy of the tender with BidCommits filled, or an error
// wrapping tender.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*tender.Tender, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.tenders[id]
	if !ok {
		return nil, notFound()
	}
	return r.tender()
}

// notFound is tender.ErrNotFound, whose body is that of
// tender.NotFound("tender_id"), so both errors.Is and ErrorCode recognise it.
func notFound() error { return tender.ErrNotFound }

// Save replaces the tender if its stored revision still equals t.Revision,
// appending rev to its history; otherwise it fails with tender.ErrConflict and
// changes nothing. With opt.StampBid it records the store's clock as that
// bid's commit time. On success t.Revision, t.Seq and t.BidCommits are those
// of the stored tender.
func (s *Store) Save(ctx context.Context, t *tender.Tender, rev tender.Revision, opt tender.SaveOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var next record
	if err := project(&next, t); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.tenders[t.ID]
	if !ok {
		return notFound()
	}
	if r.rev != t.Revision {
		return tender.ErrConflict
	}
	if r.tenderID != t.TenderID {
		if other, taken := s.ids[t.TenderID]; taken && other != t.ID {
			return fmt.Errorf("memory: save %s: tenderID %s: %w", t.ID, t.TenderID, tender.ErrConflict)
		}
		delete(s.ids, r.tenderID)
		s.ids[t.TenderID] = t.ID
		r.tenderID = t.TenderID
	}
	r.data, r.public, r.test, r.nextCheck = next.data, next.public, next.test, next.nextCheck
	r.rev = t.Revision + 1
	s.feed++
	r.seq = s.feed
	r.revisions = append(r.revisions, copyRevision(rev))
	if opt.StampBid != "" {
		if r.bidCommits == nil {
			r.bidCommits = map[string]time.Time{}
		}
		r.bidCommits[opt.StampBid] = s.commitTime()
	}
	t.Revision, t.Seq, t.BidCommits = r.rev, r.seq, copyCommits(r.bidCommits)
	return nil
}

// NextSequence increments and returns the named counter; the first call for
// a name returns 1.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.seqs[name]++
	return s.seqs[name], nil
}

// Revisions returns a copy of the tender's history, oldest first.
func (s *Store) Revisions(ctx context.Context, id string) ([]tender.Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.tenders[id]
	if !ok {
		return nil, notFound()
	}
	out := make([]tender.Revision, len(r.revisions))
	for i, rev := range r.revisions {
		out[i] = copyRevision(rev)
	}
	return out, nil
}

// Due returns the ids of tenders whose next_check is at or before now,
// earliest first, at most limit of them (all when limit is 0 or less).
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type entry struct {
		id  string
		at  time.Time
		seq int64
	}
	s.mu.Lock()
	var due []entry
	for _, r := range s.tenders {
		if r.nextCheck != nil && !r.nextCheck.After(now) {
			due = append(due, entry{r.id, *r.nextCheck, r.seq})
		}
	}
	s.mu.Unlock()
	sort.Slice(due, func(i, j int) bool {
		if !due[i].at.Equal(due[j].at) {
			return due[i].at.Before(due[j].at)
		}
		return due[i].seq < due[j].seq
	})
	if limit > 0 && len(due) > limit {
		due = due[:limit]
	}
	ids := make([]string, len(due))
	for i, e := range due {
		ids[i] = e.id
	}
	return ids, nil
}

// Feed returns a page of public (non-draft) tenders in the order of their
// feed numbers, with the cursors of tender/mongodb: an offset is the decimal
// feed number of a page's edge; ascending pages hold numbers above it,
// descending ones numbers below it (from the newest when the offset is
// empty). Mode selects real (tender.FeedReal), test (tender.FeedTest) or all
// tenders. A Limit of 0 means no limit.
func (s *Store) Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error) {
	if err := ctx.Err(); err != nil {
		return tender.FeedPage{}, err
	}
	offset, err := tender.ParseFeedOffset(q.Offset)
	if err != nil {
		return tender.FeedPage{}, err
	}
	limit := q.Limit
	if limit < 0 {
		limit = -limit // as MongoDB reads a negative limit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*record
	for _, r := range s.tenders {
		if !r.public {
			continue
		}
		switch q.Mode {
		case tender.FeedReal:
			if r.test {
				continue
			}
		case tender.FeedTest:
			if !r.test {
				continue
			}
		}
		switch {
		case !q.Descending:
			if r.seq <= offset {
				continue
			}
		case q.Offset != "":
			if r.seq >= offset {
				continue
			}
		}
		match = append(match, r)
	}
	sort.Slice(match, func(i, j int) bool {
		if q.Descending {
			return match[i].seq > match[j].seq
		}
		return match[i].seq < match[j].seq
	})
	if limit > 0 && len(match) > limit {
		match = match[:limit]
	}
	page := tender.FeedPage{Items: make([]*tender.Tender, 0, len(match))}
	for _, r := range match {
		t, err := r.tender()
		if err != nil {
			return tender.FeedPage{}, err
		}
		page.Items = append(page.Items, t)
	}
	var first, last int64
	if len(match) > 0 {
		first, last = match[0].seq, match[len(match)-1].seq
	}
	page.SetCursors(q, offset, first, last, s.feed)
	return page, nil
}
