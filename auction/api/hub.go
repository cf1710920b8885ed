package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/auction"
)

// snapshot is an auction as read from the store at a moment. Subscribers
// render their own view of it; the public view is rendered once.
type snapshot struct {
	a   *auction.Auction
	now time.Time

	once   sync.Once
	public []byte
}

// publicJSON is the observers' state event, rendered once per snapshot.
func (s *snapshot) publicJSON() []byte {
	s.once.Do(func() { s.public = stateJSON(NewState(s.a, s.now, "")) })
	return s.public
}

// stateJSON is the body of GET /api/auctions/{id} and of an SSE "state"
// event: {"data": State}.
func stateJSON(s State) []byte {
	b, err := json.Marshal(struct {
		Data State `json:"data"`
	}{s})
	if err != nil { // State holds only marshalable fields
		panic(err)
	}
	return b
}

// BidEvent tells a bidder, on its own connections only, that its bid was
// stored: kind is accepted, replaced (an earlier price of the same turn) or
// withdrawn.
type BidEvent struct {
	Kind    string      `json:"kind"`
	Message string      `json:"message"` // in the subscriber's language
	Bid     auction.Bid `json:"bid"`
}

// maxQueuedBidEvents bounds a slow subscriber's queue of bid notices; the
// state it gets next shows its turn bid anyway.
const maxQueuedBidEvents = 16

// subscriber is one event-stream connection. The hub never blocks on it:
// a new state replaces an undelivered one (a slow reader skips to the
// latest, which is all it needs), and bid notices queue up to a bound.
type subscriber struct {
	bidID string // "" for observers
	lang  string
	wake  chan struct{} // capacity 1: something to deliver

	mu     sync.Mutex
	state  *snapshot
	events []BidEvent
}

func newSubscriber(bidID, lang string) *subscriber {
	return &subscriber{bidID: bidID, lang: lang, wake: make(chan struct{}, 1)}
}

func (s *subscriber) offer(snap *snapshot, ev *BidEvent) {
	s.mu.Lock()
	if snap != nil {
		s.state = snap
	}
	if ev != nil {
		if len(s.events) == maxQueuedBidEvents {
			s.events = s.events[1:]
		}
		s.events = append(s.events, *ev)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// take returns what is waiting and clears it.
func (s *subscriber) take() (*snapshot, []BidEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, evs := s.state, s.events
	s.state, s.events = nil, nil
	return snap, evs
}

// room is the subscribers of one auction and its stage timer.
type room struct {
	id    string
	subs  map[*subscriber]struct{}
	timer *time.Timer
	snap  *snapshot // the latest read
}

// Hub fans an auction's state out to its event-stream subscribers. Per
// auction with subscribers it keeps one timer that fires at each stage end
// plus the auction's grace (the cutoff of the turn that ended), re-reads the
// auction from the store (so bids stored by other processes count) and
// pushes the new state to everyone. What counts follows the bids' commit
// stamps (auction.Auction.Counts), so every process publishes the same
// standings; a read with a bid whose stamp is still on its way is not
// published but read again shortly (auction.Auction.Settled).
type Hub struct {
	svc *auction.Service
	log *slog.Logger

	mu    sync.Mutex
	rooms map[string]*room
	// maxAge bounds how long a snapshot serves new subscribers within one
	// stage: status changes (cancelled, names revealed) show up that soon.
	maxAge time.Duration
}

// NewHub returns a hub reading auctions through svc.
func NewHub(svc *auction.Service, log *slog.Logger) *Hub {
	return &Hub{svc: svc, log: log, rooms: map[string]*room{}, maxAge: 30 * time.Second}
}

// settleRetry is how soon the hub reads again an auction read with a bid
// whose stamp is still on its way.
const settleRetry = 10 * time.Millisecond

// fresh reports whether snap still shows the public state at now: no stage
// boundary (plus grace, while bids may still be stored in time) passed since
// it was read.
func (h *Hub) fresh(snap *snapshot, now time.Time) bool {
	if snap == nil || now.Sub(snap.now) > h.maxAge || now.Before(snap.now) {
		return false
	}
	st, was := snap.a.StageAt(now), snap.a.StageAt(snap.now)
	same := st.Kind == was.Kind && st.Round == was.Round && st.Turn == was.Turn && st.Start.Equal(was.Start)
	return same && !snap.now.Before(st.Start.Add(snap.a.Grace))
}

// read returns auction id's current snapshot: the room's when it is fresh
// and the caller needs only the public view, else from the store.
func (h *Hub) read(ctx context.Context, id string, public bool) (*snapshot, error) {
	now := h.svc.Now()
	if public {
		h.mu.Lock()
		var snap *snapshot
		if r := h.rooms[id]; r != nil {
			snap = r.snap
		}
		h.mu.Unlock()
		if h.fresh(snap, now) {
			return &snapshot{a: snap.a, now: now}, nil
		}
	}
	a, err := h.svc.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &snapshot{a: a, now: h.svc.Now()}, nil
}

// Subscribe adds a subscriber to auction id, sends it the current state and
// starts the auction's timer if it is the first. The returned func removes it.
func (h *Hub) Subscribe(ctx context.Context, id, bidID, lang string) (*subscriber, func(), error) {
	snap, err := h.read(ctx, id, bidID == "")
	if err != nil {
		return nil, nil, err
	}
	sub := newSubscriber(bidID, lang)
	sub.offer(snap, nil)
	h.mu.Lock()
	r := h.rooms[id]
	if r == nil {
		r = &room{id: id, subs: map[*subscriber]struct{}{}}
		h.rooms[id] = r
	}
	r.subs[sub] = struct{}{}
	if (r.snap == nil || snap.now.After(r.snap.now)) && snap.a.Settled(snap.now) {
		r.snap = snap
	}
	if r.timer == nil {
		h.scheduleLocked(r)
	}
	h.mu.Unlock()
	return sub, func() { h.unsubscribe(id, sub) }, nil
}

func (h *Hub) unsubscribe(id string, sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[id]
	if r == nil {
		return
	}
	delete(r.subs, sub)
	if len(r.subs) == 0 {
		if r.timer != nil {
			r.timer.Stop()
		}
		delete(h.rooms, id)
	}
}

// scheduleLocked arms r's timer for the end of the stage its snapshot is in,
// plus the auction's grace; a finished or cancelled auction needs no timer.
func (h *Hub) scheduleLocked(r *room) {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.snap == nil || r.snap.a.Status == auction.StatusCancelled {
		return
	}
	now := h.svc.Now()
	st := r.snap.a.StageAt(now)
	if st.Kind == auction.StageFinished {
		return
	}
	h.refreshInLocked(r, st.End.Add(r.snap.a.Grace).Sub(now))
}

// refreshInLocked arms r's timer to refresh it after d (10 ms at least).
func (h *Hub) refreshInLocked(r *room, d time.Duration) {
	if r.timer != nil {
		r.timer.Stop()
	}
	d = max(d, 10*time.Millisecond)
	id := r.id
	r.timer = time.AfterFunc(d, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h.Refresh(ctx, id)
	})
}

// Refresh re-reads auction id from the store, pushes its state to every
// subscriber and re-arms the timer. The timer calls it at stage ends; tests
// call it directly after moving their clock. A read that is not settled (a
// bid of an ended turn whose stamp is on its way) is not pushed: the timer
// reads again shortly.
func (h *Hub) Refresh(ctx context.Context, id string) {
	h.mu.Lock()
	_, watched := h.rooms[id]
	h.mu.Unlock()
	if !watched {
		return
	}
	a, err := h.svc.Store.Get(ctx, id)
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[id]
	if r == nil {
		return
	}
	if err != nil {
		h.log.Warn("auction refresh", "auction", id, "err", err)
		// try again soon rather than leave the subscribers at an old stage
		h.refreshInLocked(r, time.Second)
		return
	}
	now := h.svc.Now()
	if !a.Settled(now) {
		h.refreshInLocked(r, settleRetry)
		return
	}
	r.snap = &snapshot{a: a, now: now}
	for sub := range r.subs {
		sub.offer(r.snap, nil)
	}
	h.scheduleLocked(r)
}

// BidStored tells bidID's own subscribers of auction a (read after the bid
// was stored) about the bid; other subscribers hear nothing, since the bid
// stays hidden until its turn ends.
func (h *Hub) BidStored(a *auction.Auction, bidID string, ev BidEvent) {
	snap := &snapshot{a: a, now: h.svc.Now()}
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[a.ID]
	if r == nil {
		return
	}
	for sub := range r.subs {
		if sub.bidID == bidID {
			e := ev
			e.Message = bidMessage(sub.lang, ev.Kind, ev.Bid)
			sub.offer(snap, &e)
		}
	}
}

// subscribers counts auction id's subscribers (for tests and metrics).
func (h *Hub) subscribers(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[id]; r != nil {
		return len(r.subs)
	}
	return 0
}
