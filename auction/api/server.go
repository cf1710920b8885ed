package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// Config is what the auction's HTTP layer needs beside the service.
type Config struct {
	// Heartbeat is how often an idle event stream gets a comment line;
	// 0 means 15 s.
	Heartbeat time.Duration
	// MaxBody limits request bodies in bytes; 0 means 64 KiB.
	MaxBody int64
	// SecureCookies marks the login cookie Secure (set it behind HTTPS
	// termination; a TLS request gets it anyway).
	SecureCookies bool
	// ListLimit caps the auctions GET /auctions lists; 0 means 200.
	ListLimit int
	// Done, when closed, ends every event stream, so that a graceful
	// http.Server.Shutdown need not wait for them: pass the process's
	// shutdown signal (ctx.Done()). Browsers reconnect to another process.
	Done <-chan struct{}
}

type server struct {
	svc *auction.Service
	cfg Config
	log *slog.Logger
	hub *Hub
}

// New returns the handler of the auction page, its event streams and the
// platforms' REST interface (routes in the package doc and README).
func New(svc *auction.Service, cfg Config, log *slog.Logger) http.Handler {
	return newServer(svc, cfg, log).routes()
}

func newServer(svc *auction.Service, cfg Config, log *slog.Logger) *server {
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10
	}
	if cfg.ListLimit <= 0 {
		cfg.ListLimit = 200
	}
	return &server{svc: svc, cfg: cfg, log: log, hub: NewHub(svc, log)}
}

func (s *server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(tenderapi.Recover(s.log, func(c *gin.Context, err error) { fail(c, s.log, err) }))
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			fail(c, s.log, newError(http.StatusNotFound, "url", "path", "Not Found"))
			return
		}
		s.errorPage(c, http.StatusNotFound, "")
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, s.log, newError(http.StatusMethodNotAllowed, "url", "method", "Method not allowed"))
	})

	r.GET("/auctions", s.listPage)
	r.GET("/auctions/:id", s.page)
	r.GET("/auctions/:id/login", s.login)
	r.GET("/auctions/:id/events", s.events)
	r.POST("/auctions/:id/bid", s.formBid)
	r.GET("/auctions/:id/audit.json", s.api(s.audit))

	g := r.Group("/api/auctions")
	g.GET("", s.api(s.list))
	g.GET("/:id", s.api(s.state))
	g.GET("/:id/events", s.events)
	g.POST("/:id/bids", s.api(s.postBid))
	return r
}

// api adapts a JSON endpoint: its error goes out in ProZorro's shape.
func (s *server) api(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			fail(c, s.log, err)
		}
	}
}

func (s *server) get(c *gin.Context) (*auction.Auction, error) {
	return s.svc.Store.Get(c.Request.Context(), c.Param("id"))
}

// state answers GET /api/auctions/{id}: {"data": State}.
func (s *server) state(c *gin.Context) error {
	a, err := s.get(c)
	if err != nil {
		return err
	}
	bidID, _, _, err := s.credentials(c, a, "", "")
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", stateJSON(NewState(a, s.svc.Now(), bidID)))
	return nil
}

// ListItem is one auction in GET /api/auctions.
type ListItem struct {
	ID        string    `json:"id"`
	TenderID  string    `json:"tenderID"`
	TenderRef string    `json:"tenderRef"`
	LotID     string    `json:"lotID,omitempty"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Stage     StageView `json:"stage"`
	URL       string    `json:"url"` // the auction page, relative to this host
}

// listed returns today's and upcoming auctions, soonest first.
func (s *server) listed(c *gin.Context) ([]ListItem, error) {
	as, err := s.svc.Store.Active(c.Request.Context(), s.cfg.ListLimit)
	if err != nil {
		return nil, err
	}
	now := s.svc.Now()
	y, m, d := now.In(tender.Kyiv).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, tender.Kyiv)
	out := []ListItem{}
	for _, a := range as {
		if a.ResultsDue().Before(today) {
			continue
		}
		st := NewState(a, now, "")
		out = append(out, ListItem{ID: a.ID, TenderID: a.TenderID, TenderRef: a.TenderRef, LotID: a.LotID,
			Title: a.Title, Status: a.Status, Start: a.Start, End: st.End, Stage: st.Stage, URL: "/auctions/" + a.ID})
	}
	return out, nil
}

// list answers GET /api/auctions.
func (s *server) list(c *gin.Context) error {
	items, err := s.listed(c)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": items})
	return nil
}

// audit answers GET /auctions/{id}/audit.json once the auction finished.
func (s *server) audit(c *gin.Context) error {
	a, err := s.get(c)
	if err != nil {
		return err
	}
	if !finished(a, s.svc.Now()) {
		return newError(http.StatusNotFound, "url", "auction_id", "The audit is published when the auction finishes")
	}
	b, err := auction.AuditJSON(a)
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/json", b)
	return nil
}

// bidRequest is the data of POST /api/auctions/{id}/bids.
type bidRequest struct {
	BidderID string         `json:"bidder_id"`
	Amount   *tender.Amount `json:"amount"`
	Withdraw bool           `json:"withdraw"`
	Hash     string         `json:"hash"`
}

// BidResponse is the data of an accepted bid. Status is accepted, replaced
// (an earlier price of the same turn) or withdrawn.
type BidResponse struct {
	ID       string         `json:"id"`
	BidderID string         `json:"bidder_id"`
	Round    int            `json:"round"`
	Turn     int            `json:"turn"`
	Amount   *tender.Amount `json:"amount,omitempty"`
	Withdraw bool           `json:"withdraw,omitempty"`
	Time     time.Time      `json:"time"`
	Status   string         `json:"status"`
}

// decodeBid reads {"data": bidRequest} strictly.
func (s *server) decodeBid(c *gin.Context) (bidRequest, error) {
	var req bidRequest
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return req, newError(http.StatusBadRequest, "header", "Content-Type", "Content-Type header should be one of ['application/json']")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return req, newError(http.StatusRequestEntityTooLarge, "body", "data", "Request body is larger than %d bytes", mbe.Limit)
		}
		return req, newError(http.StatusBadRequest, "body", "data", "Could not read the body")
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return req, decodeError(err)
	}
	if dec.More() {
		return req, newError(http.StatusBadRequest, "body", "data", "Expecting one JSON object")
	}
	if len(env.Data) == 0 || env.Data[0] != '{' {
		return req, newError(http.StatusUnprocessableEntity, "body", "data", "Data not available: expected an object")
	}
	dec = json.NewDecoder(bytes.NewReader(env.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, decodeError(err)
	}
	return req, nil
}

// decodeError is a 400 for bytes that are not JSON, a 422 naming the field
// for JSON of the wrong shape.
func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return newError(http.StatusBadRequest, "body", "data", "Expecting a JSON object: %s", msg)
	case errors.As(err, &typ):
		name := typ.Field
		if name == "" {
			name = "data"
		}
		return newError(http.StatusUnprocessableEntity, "body", name, "Expected %s, got %s", typ.Type, typ.Value)
	case strings.HasPrefix(msg, "amount:"):
		return newError(http.StatusUnprocessableEntity, "body", "amount", "%s", strings.TrimSpace(strings.TrimPrefix(msg, "amount:")))
	}
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return newError(http.StatusUnprocessableEntity, "body", strings.Trim(f, `"`), "Rogue field")
	}
	return newError(http.StatusBadRequest, "body", "data", "Expecting a JSON object: %s", msg)
}

// postBid answers POST /api/auctions/{id}/bids.
func (s *server) postBid(c *gin.Context) error {
	a, err := s.get(c)
	if err != nil {
		return err
	}
	req, err := s.decodeBid(c)
	if err != nil {
		return err
	}
	bidID, token, location, err := s.credentials(c, a, req.BidderID, req.Hash)
	if err != nil {
		return err
	}
	if bidID == "" {
		return newError(http.StatusForbidden, "body", "hash", "Participation token (hash) required")
	}
	if location == "cookie" && !sameOrigin(c) {
		return newError(http.StatusForbidden, "header", "Origin", "Cross-site request refused")
	}
	var amount tender.Amount
	switch {
	case req.Withdraw && req.Amount != nil:
		return newError(http.StatusUnprocessableEntity, "body", "amount", "Give either an amount or withdraw, not both")
	case !req.Withdraw && req.Amount == nil:
		return newError(http.StatusUnprocessableEntity, "body", "amount", "This field is required.")
	case req.Amount != nil:
		amount = *req.Amount
	}
	b, kind, err := s.place(c, a, bidID, token, amount, req.Withdraw)
	if err != nil {
		return err
	}
	resp := BidResponse{ID: b.ID, BidderID: b.BidID, Round: b.Round, Turn: b.Turn, Withdraw: b.Withdraw, Time: b.Time, Status: kind}
	if !b.Withdraw {
		resp.Amount = &b.Amount
	}
	c.PureJSON(http.StatusOK, gin.H{"data": resp})
	return nil
}

// place stores a bid through the service and tells the bidder's own event
// streams; kind says whether it was a first price in the turn, a
// replacement or a withdrawal.
func (s *server) place(c *gin.Context, a *auction.Auction, bidID, token string, amount tender.Amount, withdraw bool) (auction.Bid, string, error) {
	kind := kindAccepted
	if withdraw {
		kind = kindWithdrawn
	} else if _, ok := a.TurnBid(s.svc.Now(), bidID); ok {
		kind = kindReplaced
	}
	ctx := c.Request.Context()
	b, err := s.svc.PlaceBid(ctx, a.ID, bidID, token, amount, withdraw)
	if err != nil {
		return b, "", err
	}
	s.log.Info("bid stored", "auction", a.ID, "bid", bidID, "kind", kind, "round", b.Round, "turn", b.Turn)
	if fresh, err := s.svc.Store.Get(ctx, a.ID); err == nil {
		s.hub.BidStored(fresh, bidID, BidEvent{Kind: kind, Bid: b})
	} else {
		s.log.Warn("re-reading the auction after a bid", "auction", a.ID, "err", err)
	}
	return b, kind, nil
}
