package auction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// WorkerStore is the Store a Worker runs on: the auctions, plus the notes the
// feed follower leaves for whoever runs an auction, and small records of the
// worker's own progress (the feed cursor, published links, the token secret).
// Every record has one writer at a time, the holder of a lease, or is
// written by a unique insert, so nothing here needs an atomic update.
type WorkerStore interface {
	Store
	// Pending lists the plans (without bids) of auctions not yet complete or
	// cancelled, soonest first.
	Pending(ctx context.Context, limit int) ([]*Auction, error)
	// AddNote records a note; a note whose ID is already stored is ignored.
	AddNote(ctx context.Context, n Note) error
	// Notes lists notes not yet applied, oldest version first.
	Notes(ctx context.Context, limit int) ([]Note, error)
	// DeleteNote removes an applied note.
	DeleteNote(ctx context.Context, id string) error
	// State returns record key; ErrNotFound when there is none.
	State(ctx context.Context, key string) ([]byte, error)
	// PutState writes record key.
	PutState(ctx context.Context, key string, value []byte) error
	// CreateState writes record key unless it exists (ErrExists).
	CreateState(ctx context.Context, key string, value []byte) error
}

// Note is what the tender said about an auction at one of its versions,
// left by the feed follower for the worker that runs the auction (only the
// lease holder changes an auction's plan). Its facts are absolute, so notes
// apply in version order and applying one twice changes nothing.
type Note struct {
	ID        string    `json:"id"` // auction id + "#" + version
	AuctionID string    `json:"auctionID"`
	Version   int64     `json:"version"` // the tender's dateModified, in Unix nanoseconds
	Start     time.Time `json:"start,omitempty"`
	Cancelled bool      `json:"cancelled,omitempty"`
	// Names are the bidders' names by bid id, once they may be shown.
	Names map[string]string `json:"names,omitempty"`
}

// TenderClient is the tender API as the auction role uses it.
// auction/tenderapi implements it over HTTP; errors are *tender.Error with
// the code of the HTTP status.
type TenderClient interface {
	// Feed returns the page of the tender feed after offset (test tenders
	// included), with each tender's id, status, dateModified and lots.
	Feed(ctx context.Context, offset string) (tender.FeedPage, error)
	// Auction returns GET /tenders/{id}/auction as the auction role sees it.
	Auction(ctx context.Context, id string) (*tender.Tender, error)
	// PatchAuctionURLs sets the auction's and participants' links of the
	// tender's auction (lot "") or of a lot's.
	PatchAuctionURLs(ctx context.Context, id, lot string, urls tender.AuctionURLs) error
	// Documents lists the tender's documents.
	Documents(ctx context.Context, id string) ([]tender.Document, error)
	// AddDocument adds a tender document.
	AddDocument(ctx context.Context, id string, doc tender.Document) error
	// UpdateDocument uploads a new version of document docID.
	UpdateDocument(ctx context.Context, id, docID string, doc tender.Document) error
	// PostResults posts an auction's results.
	PostResults(ctx context.Context, id, lot string, res tender.AuctionResults) error
}

// Worker finds auctions in the tender feed and runs them: it publishes the
// bidders' links, moves each auction through its statuses and posts the
// audit and the results. Several workers may share a store: each auction
// (and the feed) is handled by the holder of its lease. The serve loop calls
// Tick on a ticker; tests call it directly.
type Worker struct {
	Store   WorkerStore
	Tenders TenderClient
	Service *Service // participation tokens; its Grace is given to the auctions planned
	ID      string   // this worker's name in leases
	Now     func() time.Time
	Log     *slog.Logger
	// LeaseFor is how long a lease lasts; a worker renews it when half is
	// left, so it must exceed a tick's work plus the clocks' skew.
	LeaseFor time.Duration
	// BaseURL is the public URL of the auction pages: links are
	// BaseURL/auctions/{id}.
	BaseURL string
	// Durations are the stage lengths before the sandbox accelerator; zero
	// means DefaultDurations.
	Durations Durations
	// MaxAccelerator caps the accelerator applied to auction durations, so
	// that sandbox auctions stay humanly playable; 0 means no cap.
	MaxAccelerator int

	mu        sync.Mutex
	leases    map[string]time.Time // held leases: until
	published map[string]bool      // auctions whose links are known published
	notRun    map[string]time.Time // auction → the Start it was found unpublished past its deadline
	feed      *feedState           // the cursor while this worker holds the feed lease
}

// feedLease is the lease id of the feed follower (auction ids are tender ids).
const feedLease = "#feed"

// batch is how many auctions or notes one tick looks at.
const batch = 1000

// Tick does one round of work: follows the feed, then advances every
// auction that has something due. Errors are returned joined; everything
// is retried on the next tick.
func (w *Worker) Tick(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.leases == nil {
		w.leases, w.published, w.notRun = map[string]time.Time{}, map[string]bool{}, map[string]time.Time{}
	}
	return errors.Join(w.discover(ctx), w.run(ctx))
}

func (w *Worker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

func (w *Worker) leaseFor() time.Duration {
	if w.LeaseFor <= 0 {
		return 10 * time.Second
	}
	return w.LeaseFor
}

// lease reports whether this worker holds id's lease, taking or renewing it
// in the store when less than half of it is left.
func (w *Worker) lease(ctx context.Context, id string) (bool, error) {
	now, d := w.now(), w.leaseFor()
	if until, ok := w.leases[id]; ok && until.Sub(now) > d/2 {
		return true, nil
	}
	ok, err := w.Store.Lease(ctx, id, w.ID, now, now.Add(d))
	if err != nil || !ok {
		delete(w.leases, id)
		if id == feedLease {
			w.feed = nil
		}
		return false, err
	}
	w.leases[id] = now.Add(d)
	return true, nil
}

// run advances the auctions not yet complete and those with notes.
func (w *Worker) run(ctx context.Context) error {
	plans, err := w.Store.Pending(ctx, batch)
	if err != nil {
		return err
	}
	notes, err := w.Store.Notes(ctx, batch)
	if err != nil {
		return err
	}
	byAuction := map[string][]Note{}
	var order []string
	for _, n := range notes {
		if _, ok := byAuction[n.AuctionID]; !ok {
			order = append(order, n.AuctionID)
		}
		byAuction[n.AuctionID] = append(byAuction[n.AuctionID], n)
	}
	var errs []error
	for _, a := range plans {
		ns := byAuction[a.ID]
		delete(byAuction, a.ID)
		if err := w.step(ctx, a, ns); err != nil {
			errs = append(errs, fmt.Errorf("auction %s: %w", a.ID, err))
		}
	}
	for _, id := range order {
		if ns, ok := byAuction[id]; ok {
			if err := w.step(ctx, &Auction{ID: id}, ns); err != nil {
				errs = append(errs, fmt.Errorf("auction %s: %w", id, err))
			}
		}
	}
	for id, until := range w.leases {
		if !until.After(w.now()) {
			delete(w.leases, id)
		}
	}
	if len(plans) < batch {
		// Forget what is known of auctions that are over.
		live := make(map[string]bool, len(plans))
		for _, a := range plans {
			live[a.ID] = true
		}
		for id := range w.published {
			if !live[id] {
				delete(w.published, id)
			}
		}
		for id := range w.notRun {
			if !live[id] {
				delete(w.notRun, id)
			}
		}
	}
	return errors.Join(errs...)
}

// deadline is when an auction whose links are not published yet is given
// up for this start: halfway through the first pause, as ProZorro lets an
// auction begin up to LATENCY_TIME (2 of the 5 minutes) late. No bid can be
// placed before it, and no link is published after it.
func deadline(a *Auction) time.Time { return a.Start.Add(a.Durations.FirstPause / 2) }

// resultsAt is when the results are final: announced, and the last turn's
// bids past the auction's grace.
func (w *Worker) resultsAt(a *Auction) time.Time {
	at := a.ResultsDue()
	if g := a.End().Add(a.Grace); g.After(at) {
		at = g
	}
	return at
}

// due reports whether plan a (as listed) needs its runner now. Between its
// status changes an auction runs by itself (its state follows from the
// clock), so nobody needs to hold it.
func (w *Worker) due(ctx context.Context, a *Auction) (bool, error) {
	now := w.now()
	switch a.Status {
	case StatusActive:
		return !now.Before(a.End()), nil
	case StatusFinished:
		return !now.Before(w.resultsAt(a)), nil
	case StatusScheduled:
	default:
		return false, nil
	}
	if w.published[a.ID] {
		return !now.Before(a.Start), nil
	}
	if now.Before(deadline(a)) {
		return true, nil // publish the links
	}
	if s, ok := w.notRun[a.ID]; ok && s.Equal(a.Start) {
		return false, nil // waits for the tender to plan it again
	}
	// Past the deadline without a known publication: another worker may have
	// published the links; look once.
	pub, err := w.isPublished(ctx, a)
	if err != nil {
		return false, err
	}
	if !pub {
		w.notRun[a.ID] = a.Start
		w.log().Warn("auction links were not published in time; waiting for the tender to plan it again",
			"auction", a.ID, "start", a.Start)
	}
	return pub, nil
}

// published records are JSON {"at": time} under "urls:<auction id>".
type publication struct {
	At time.Time `json:"at"`
}

func (w *Worker) isPublished(ctx context.Context, a *Auction) (bool, error) {
	if w.published[a.ID] {
		return true, nil
	}
	raw, err := w.Store.State(ctx, "urls:"+a.ID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var p publication
	if err := json.Unmarshal(raw, &p); err != nil {
		return false, fmt.Errorf("publication record of %s: %w", a.ID, err)
	}
	w.published[a.ID] = true
	return true, nil
}

// step advances one auction: applies its notes, publishes its links, moves
// its status with the time and posts its results. Only the lease holder
// does any of it.
func (w *Worker) step(ctx context.Context, a *Auction, notes []Note) error {
	if len(notes) == 0 {
		if ok, err := w.due(ctx, a); err != nil || !ok {
			return err
		}
	}
	if ok, err := w.lease(ctx, a.ID); err != nil || !ok {
		return err
	}
	if len(notes) > 0 || a.Bidders == nil {
		fresh, err := w.Store.Get(ctx, a.ID)
		if errors.Is(err, ErrNotFound) {
			return w.dropNotes(ctx, notes)
		}
		if err != nil {
			return err
		}
		a = fresh
	}
	if len(notes) > 0 {
		if err := w.applyNotes(ctx, a, notes); err != nil {
			return err
		}
	}
	if a.Status != StatusScheduled && a.Status != StatusActive && a.Status != StatusFinished {
		return nil
	}
	now := w.now()
	pub, err := w.isPublished(ctx, a)
	if err != nil {
		return err
	}
	if !pub {
		if now.Before(deadline(a)) {
			return w.publish(ctx, a)
		}
		return nil
	}
	if now.Before(a.Start) {
		return nil
	}
	status := StatusActive
	if !now.Before(a.End()) {
		status = StatusFinished
	}
	if a.Status != status && a.Status != StatusFinished {
		a.Status = status
		if err := w.Store.SavePlan(ctx, a); err != nil {
			return err
		}
		w.log().Info("auction "+status, "auction", a.ID)
	}
	if now.Before(w.resultsAt(a)) {
		return nil
	}
	return w.finish(ctx, a)
}

// applyNotes applies notes to a in version order, saves the plan if it
// changed, and deletes them.
func (w *Worker) applyNotes(ctx context.Context, a *Auction, notes []Note) error {
	changed := false
	now := w.now()
	for _, n := range notes {
		final := a.Status == StatusComplete || a.Status == StatusCancelled
		if n.Cancelled && !final {
			a.Status = StatusCancelled
			changed = true
			w.log().Info("auction cancelled: the tender or lot left the auction", "auction", a.ID)
		}
		if !n.Start.IsZero() && !n.Start.Equal(a.Start) && a.Status == StatusScheduled {
			pub, err := w.isPublished(ctx, a)
			if err != nil {
				return err
			}
			if !pub || now.Before(a.Start) {
				w.log().Info("auction planned again", "auction", a.ID, "from", a.Start, "to", n.Start)
				a.Start = n.Start
				delete(w.notRun, a.ID)
				changed = true
			}
		}
		if n.Names != nil && !a.Revealed {
			for i := range a.Bidders {
				a.Bidders[i].Name = n.Names[a.Bidders[i].BidID]
			}
			a.Revealed = true
			changed = true
		}
	}
	if changed {
		if err := w.Store.SavePlan(ctx, a); err != nil {
			return err
		}
	}
	return w.dropNotes(ctx, notes)
}

func (w *Worker) dropNotes(ctx context.Context, notes []Note) error {
	var errs []error
	for _, n := range notes {
		errs = append(errs, w.Store.DeleteNote(ctx, n.ID))
	}
	return errors.Join(errs...)
}

// URL returns the public page of auction id.
func (w *Worker) URL(id string) string { return w.BaseURL + "/auctions/" + url.PathEscape(id) }

// ParticipationURL returns bid's personal link to auction id.
func (w *Worker) ParticipationURL(id, bidID string) string {
	q := url.Values{"bidder_id": {bidID}, "hash": {w.Service.Token(id, bidID)}}
	return w.URL(id) + "/login?" + q.Encode()
}

// publish sends the auction's and the bidders' links to the tender, aligned
// with the tender's bids, and records that it did.
func (w *Worker) publish(ctx context.Context, a *Auction) error {
	t, err := w.Tenders.Auction(ctx, a.TenderID)
	if err != nil {
		return err
	}
	if t.Status != tender.StatusAuction {
		return nil // the feed follower will note where it went
	}
	in := map[string]bool{}
	for _, b := range a.Bidders {
		in[b.BidID] = true
	}
	urls := tender.AuctionURLs{AuctionURL: w.URL(a.ID), Bids: make([]tender.AuctionURLBid, len(t.Bids))}
	for i, b := range t.Bids {
		urls.Bids[i].ID = b.ID
		if !in[b.ID] {
			continue
		}
		u := w.ParticipationURL(a.ID, b.ID)
		if a.LotID == "" {
			urls.Bids[i].ParticipationURL = u
		} else {
			urls.Bids[i].LotValues = []tender.AuctionURLLotValue{{RelatedLot: a.LotID, ParticipationURL: u}}
		}
	}
	if err := w.Tenders.PatchAuctionURLs(ctx, a.TenderID, a.LotID, urls); err != nil {
		return fmt.Errorf("publishing links: %w", err)
	}
	rec, _ := json.Marshal(publication{At: w.now()})
	if err := w.Store.PutState(ctx, "urls:"+a.ID, rec); err != nil {
		return err
	}
	w.published[a.ID] = true
	w.log().Info("auction links published", "auction", a.ID, "start", a.Start)
	return nil
}

// lotResult is one lot value of tender.AuctionBid.
type lotResult = struct {
	RelatedLot string               `json:"relatedLot"`
	Value      *tender.AuctionValue `json:"value"`
}

// finish publishes the audit and posts the results, then completes the
// auction. A refusal because the tender or lot already left the auction is
// checked on the tender: results already recorded complete the auction,
// anything else cancels it.
func (w *Worker) finish(ctx context.Context, a *Auction) error {
	a, err := w.Store.Get(ctx, a.ID) // with every bid
	if err != nil {
		return err
	}
	if !a.Settled(w.now()) {
		return nil // a bid's stamp is on its way: read again next tick
	}
	t, err := w.Tenders.Auction(ctx, a.TenderID)
	if err != nil {
		return err
	}
	if open, done := auctionOpen(t, a.LotID); !open {
		return w.closeAs(ctx, a, done)
	}
	if err := w.publishAudit(ctx, a); err != nil {
		return err
	}
	results := a.Results()
	res := tender.AuctionResults{Bids: make([]tender.AuctionBid, len(t.Bids))}
	for i, b := range t.Bids {
		res.Bids[i].ID = b.ID
		amount, ok := results[b.ID]
		if !ok {
			continue
		}
		v := &tender.AuctionValue{Amount: amount}
		if a.LotID == "" {
			res.Bids[i].Value = v
		} else {
			res.Bids[i].LotValues = []lotResult{{RelatedLot: a.LotID, Value: v}}
		}
	}
	err = w.Tenders.PostResults(ctx, a.TenderID, a.LotID, res)
	if tender.ErrorCode(err) == tender.CodeForbidden {
		t, gerr := w.Tenders.Auction(ctx, a.TenderID)
		if gerr != nil {
			return errors.Join(err, gerr)
		}
		if open, done := auctionOpen(t, a.LotID); !open {
			return w.closeAs(ctx, a, done)
		}
	}
	if err != nil {
		return fmt.Errorf("posting results: %w", err)
	}
	w.log().Info("auction results posted", "auction", a.ID)
	return w.closeAs(ctx, a, true)
}

// closeAs completes (done) or cancels a.
func (w *Worker) closeAs(ctx context.Context, a *Auction, done bool) error {
	a.Status = StatusCancelled
	if done {
		a.Status = StatusComplete
	}
	return w.Store.SavePlan(ctx, a)
}

// auctionOpen reports whether the tender still waits for lot's auction, and
// if not, whether its results were recorded.
func auctionOpen(t *tender.Tender, lot string) (open, done bool) {
	ap, active := t.AuctionPeriod, true
	if lot != "" {
		ap, active = nil, false
		for _, l := range t.Lots {
			if l.ID == lot {
				ap, active = l.AuctionPeriod, l.Status == tender.LotActive
			}
		}
	}
	done = ap != nil && ap.EndDate != nil
	return t.Status == tender.StatusAuction && active && !done, done
}

// publishAudit adds the audit document to the tender, or a new version of
// it when an earlier attempt left different bytes; nothing when it is there.
func (w *Worker) publishAudit(ctx context.Context, a *Auction) error {
	body, err := AuditJSON(a)
	if err != nil {
		return err
	}
	doc := tender.Document{Title: AuditTitle(a.ID), URL: w.URL(a.ID) + "/audit.json", Hash: AuditHash(body),
		Format: "application/json", DocumentType: "auctionAudit", DocumentOf: "tender"}
	if a.LotID != "" {
		doc.DocumentOf, doc.RelatedItem = "lot", a.LotID
	}
	docs, err := w.Tenders.Documents(ctx, a.TenderID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Title == doc.Title && d.DocumentType == doc.DocumentType {
			if d.Hash == doc.Hash {
				return nil
			}
			return w.Tenders.UpdateDocument(ctx, a.TenderID, d.ID, doc)
		}
	}
	if err := w.Tenders.AddDocument(ctx, a.TenderID, doc); err != nil {
		return fmt.Errorf("publishing the audit: %w", err)
	}
	return nil
}
