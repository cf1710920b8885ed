package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// events answers GET /auctions/{id}/events and /api/auctions/{id}/events
// with Server-Sent Events:
//
//	event: state   data: {"data": State}     on connect, at every stage change
//	event: bid     data: BidEvent            the caller's own stored bid only
//	: heartbeat                              every Config.Heartbeat when idle
//
// A bidder identified by cookie, query (bidder_id, hash) or the
// X-Participation-Token header gets its own view in every state.
func (s *server) events(c *gin.Context) {
	a, err := s.get(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	bidID, _, _, err := s.credentials(c, a, "", "")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	ctx := c.Request.Context()
	sub, unsubscribe, err := s.hub.Subscribe(ctx, a.ID, bidID, langOf(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	defer unsubscribe()

	w := c.Writer
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // no proxy buffering
	// A server-wide write timeout would cut the stream; lift it here.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	// retry: how soon EventSource reconnects after a drop
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	w.Flush()

	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.Done:
			return
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return
			}
		case <-sub.wake:
			snap, evs := sub.take()
			for _, ev := range evs {
				b, _ := json.Marshal(ev)
				if err := writeEvent(w, "bid", b); err != nil {
					return
				}
			}
			if snap != nil {
				b := snap.publicJSON()
				if sub.bidID != "" {
					b = stateJSON(NewState(snap.a, snap.now, sub.bidID))
				}
				if err := writeEvent(w, "state", b); err != nil {
					return
				}
			}
			beat.Reset(s.cfg.Heartbeat)
		}
		w.Flush()
	}
}

// writeEvent writes one SSE event; data is one line of JSON.
func writeEvent(w gin.ResponseWriter, name string, data []byte) error {
	_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
	return err
}
