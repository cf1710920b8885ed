package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// Prefix is the URL prefix of every API route.
const Prefix = "/api/2.5"

// Config is what the HTTP layer needs beside the service.
type Config struct {
	Platforms []Platform
	MaxBody   int64 // request body limit in bytes; 0 means 1 MiB
	BaseURL   string
}

type server struct {
	svc       *tender.Service
	platforms []Platform
	maxBody   int64
	baseURL   string
	log       *slog.Logger
}

// New returns the HTTP handler of the tender API.
func New(svc *tender.Service, cfg Config, log *slog.Logger) http.Handler {
	s := &server{svc: svc, platforms: cfg.Platforms, maxBody: cfg.MaxBody, baseURL: cfg.BaseURL, log: log}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	r := NewEngine(log, func(c *gin.Context, err error) { Fail(c, log, err) })
	g := r.Group(Prefix)
	g.GET("/health", func(c *gin.Context) { c.PureJSON(http.StatusOK, gin.H{"data": gin.H{"status": "ok"}}) })
	g.GET("/tenders", s.handle(s.feed))
	g.POST("/tenders", s.handle(s.createTender))
	t := g.Group("/tenders/:id")
	t.GET("", s.handle(s.getTender))
	t.PATCH("", s.handle(s.patchTender))
	t.GET("/historical", s.handle(s.historical))
	t.PATCH("/chronograph", s.handle(s.chronograph))
	t.GET("/auction", s.handle(s.getAuction))
	t.GET("/auction/:lot", s.handle(s.getAuction))
	t.PATCH("/auction", s.handle(s.patchAuction))
	t.PATCH("/auction/:lot", s.handle(s.patchAuction))
	t.POST("/auction", s.handle(s.postAuction))
	t.POST("/auction/:lot", s.handle(s.postAuction))
	t.GET("/questions", s.handle(s.listQuestions))
	t.POST("/questions", s.handle(s.addQuestion))
	t.GET("/questions/:sub", s.handle(s.getQuestion))
	t.PATCH("/questions/:sub", s.handle(s.answerQuestion))
	t.GET("/bids", s.handle(s.listBids))
	t.POST("/bids", s.handle(s.addBid))
	t.GET("/bids/:sub", s.handle(s.getBid))
	t.PATCH("/bids/:sub", s.handle(s.patchBid))
	t.DELETE("/bids/:sub", s.handle(s.deleteBid))
	t.GET("/awards", s.handle(s.listAwards))
	t.POST("/awards", s.handle(s.addAward))
	t.GET("/qualifications", s.handle(s.listQualifications))
	t.GET("/qualifications/:sub", s.handle(s.getQualification))
	t.PATCH("/qualifications/:sub", s.handle(s.patchQualification))
	t.GET("/lots", s.handle(s.listLots))
	t.GET("/lots/:sub", s.handle(s.getLot))
	t.GET("/awards/:sub", s.handle(s.getAward))
	t.PATCH("/awards/:sub", s.handle(s.patchAward))
	t.GET("/contracts", s.handle(s.listContracts))
	t.GET("/contracts/:sub", s.handle(s.getContract))
	t.PATCH("/contracts/:sub", s.handle(s.patchContract))
	t.GET("/cancellations", s.handle(s.listCancellations))
	t.POST("/cancellations", s.handle(s.addCancellation))
	t.GET("/cancellations/:sub", s.handle(s.getCancellation))
	t.PATCH("/cancellations/:sub", s.handle(s.patchCancellation))
	s.documentRoutes(t)
	s.complaintRoutes(t)
	s.transferRoutes(g)
	return r
}

// handler is one endpoint: it gets the authenticated actor.
type handler func(c *gin.Context, actor tender.Actor) error

func (s *server) handle(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		actor, err := s.authenticate(c)
		if err == nil {
			err = h(c, actor)
		}
		if err != nil {
			Fail(c, s.log, err)
		}
	}
}

// envelope is the request body: data, plus config on create and an optional
// access.token.
type envelope struct {
	Data   json.RawMessage `json:"data"`
	Config map[string]any  `json:"config"`
	Access *struct {
		Token string `json:"token"`
	} `json:"access"`
	Options map[string]any `json:"options"`
}

var errUnexpectedEOF = io.ErrUnexpectedEOF

// decode reads the request envelope into dst (strictly: unknown fields are
// refused) and returns the envelope; actor picks up access.token.
func (s *server) decode(c *gin.Context, actor *tender.Actor, dst any) (*envelope, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, badRequest("header", "Content-Type", "Content-Type header should be one of ['application/json']")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody))
	if err != nil {
		return nil, decodeError(err, "data")
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, decodeError(err, "")
	}
	if dec.More() {
		return nil, badRequest("body", "data", "Expecting one JSON object")
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return nil, tender.Invalid("data", "Data not available")
	}
	if env.Data[0] != '{' {
		return nil, tender.Invalid("data", "Data not available: expected an object")
	}
	if env.Access != nil && env.Access.Token != "" && actor.Token == "" {
		actor.Token = env.Access.Token
	}
	dec = json.NewDecoder(bytes.NewReader(env.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return nil, decodeError(err, "")
	}
	return &env, nil
}

// BaseURL is the scheme and host that links in answers start with: base, the
// configured public URL, without a trailing slash when set, else the scheme
// and host this request came to.
func BaseURL(c *gin.Context, base string) string {
	if base != "" {
		return strings.TrimSuffix(base, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

func (s *server) tenderURL(c *gin.Context, id string) string {
	base := s.baseURL
	if base == "" {
		scheme := "http"
		if c.Request.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.Request.Host
	}
	return base + Prefix + "/tenders/" + id
}

// writeTender answers with a tender view and its config.
func writeTender(c *gin.Context, status int, t *tender.Tender, view *tender.Tender, extra gin.H) {
	body := gin.H{"data": view, "config": t.Config}
	for k, v := range extra {
		body[k] = v
	}
	c.PureJSON(status, body)
}

func (s *server) createTender(c *gin.Context, actor tender.Actor) error {
	var req tender.CreateRequest
	env, err := s.decode(c, &actor, &req.Data)
	if err != nil {
		return err
	}
	req.Config = env.Config
	t, creds, err := s.svc.Create(c, actor, req)
	if err != nil {
		return err
	}
	c.Header("Location", s.tenderURL(c, t.ID))
	writeTender(c, http.StatusCreated, t, t.View(actor.Role, ""), gin.H{"access": creds})
	return nil
}

func (s *server) getTender(c *gin.Context, actor tender.Actor) error {
	t, err := s.svc.Load(c, c.Param("id"))
	if err != nil {
		return err
	}
	writeTender(c, http.StatusOK, t, t.View(actor.Role, ""), nil)
	return nil
}

func (s *server) patchTender(c *gin.Context, actor tender.Actor) error {
	var in tender.TenderInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, err := s.svc.Patch(c, c.Param("id"), actor, in)
	if err != nil {
		return err
	}
	writeTender(c, http.StatusOK, t, t.View(actor.Role, ""), nil)
	return nil
}

func (s *server) chronograph(c *gin.Context, actor tender.Actor) error {
	t, err := s.svc.Chronograph(c, c.Param("id"), actor)
	if err != nil {
		return err
	}
	writeTender(c, http.StatusOK, t, t.View(actor.Role, ""), nil)
	return nil
}

func (s *server) getAuction(c *gin.Context, actor tender.Actor) error {
	t, err := s.svc.Load(c, c.Param("id"))
	if err != nil {
		return err
	}
	if lot := c.Param("lot"); lot != "" {
		if _, err := findBy(t.Lots, lot, func(l *tender.Lot) string { return l.ID }, "lot_id"); err != nil {
			return err
		}
	}
	c.PureJSON(http.StatusOK, gin.H{"data": auctionView(t.View(actor.Role, ""))})
	return nil
}

func (s *server) postAuction(c *gin.Context, actor tender.Actor) error {
	var res tender.AuctionResults
	if _, err := s.decode(c, &actor, &res); err != nil {
		return err
	}
	t, err := s.svc.PostAuction(c, c.Param("id"), c.Param("lot"), actor, res)
	if err != nil {
		return err
	}
	writeTender(c, http.StatusOK, t, t.View(actor.Role, ""), nil)
	return nil
}

func (s *server) historical(c *gin.Context, actor tender.Actor) error {
	var n int64
	if h := c.GetHeader("X-Revision-N"); h != "" {
		if _, err := fmt.Sscan(h, &n); err != nil || n < 1 {
			return NewStatusError(http.StatusUnprocessableEntity, "header", "X-Revision-N", "Must be a positive integer")
		}
	}
	v, rev, last, err := s.svc.Historical(c, c.Param("id"), actor, n)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if n == 0 {
		n = last
	}
	c.Header("X-Revision-N", fmt.Sprint(n))
	c.Header("X-Revision-Date", rev.Date.Format("2006-01-02T15:04:05.999999Z07:00"))
	c.Header("X-Revision-Author", rev.Author)
	c.Header("X-Revision-Hash", HashKey(string(data)))
	c.Header("X-Revision-Last", fmt.Sprint(last))
	c.PureJSON(http.StatusOK, gin.H{"data": json.RawMessage(data)})
	return nil
}

// sub returns the tender for a sub-resource read.
func (s *server) load(c *gin.Context, actor tender.Actor) (*tender.Tender, error) {
	t, err := s.svc.Load(c, c.Param("id"))
	if err != nil {
		return nil, err
	}
	return t.View(actor.Role, ""), nil
}

func findBy[T any](list []T, id string, idOf func(*T) string, name string) (*T, error) {
	for i := range list {
		if idOf(&list[i]) == id {
			return &list[i], nil
		}
	}
	return nil, tender.NotFound(name)
}

func listOf[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

func (s *server) listQuestions(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Questions)})
	return nil
}

func (s *server) getQuestion(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	q, err := findBy(v.Questions, c.Param("sub"), func(q *tender.Question) string { return q.ID }, "question_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": q})
	return nil
}

func (s *server) addQuestion(c *gin.Context, actor tender.Actor) error {
	var in tender.QuestionInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, q, err := s.svc.AddQuestion(c, c.Param("id"), actor, in)
	if err != nil {
		return err
	}
	c.Header("Location", s.tenderURL(c, t.ID)+"/questions/"+q.ID)
	c.PureJSON(http.StatusCreated, gin.H{"data": q})
	return nil
}

func (s *server) answerQuestion(c *gin.Context, actor tender.Actor) error {
	var in tender.QuestionInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	_, q, err := s.svc.AnswerQuestion(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": q})
	return nil
}

func (s *server) listBids(c *gin.Context, actor tender.Actor) error {
	bids, err := s.svc.ListBids(c, c.Param("id"), actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(bids)})
	return nil
}

func (s *server) getBid(c *gin.Context, actor tender.Actor) error {
	b, err := s.svc.GetBid(c, c.Param("id"), c.Param("sub"), actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": b})
	return nil
}

func (s *server) addBid(c *gin.Context, actor tender.Actor) error {
	var in tender.BidInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, b, creds, err := s.svc.AddBid(c, c.Param("id"), actor, in)
	if err != nil {
		return err
	}
	c.Header("Location", s.tenderURL(c, t.ID)+"/bids/"+b.ID)
	v := *b
	v.Owner, v.Access = "", nil
	c.PureJSON(http.StatusCreated, gin.H{"data": v, "access": creds})
	return nil
}

func (s *server) patchBid(c *gin.Context, actor tender.Actor) error {
	var in tender.BidInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	b, err := s.svc.PatchBid(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": b})
	return nil
}

func (s *server) deleteBid(c *gin.Context, actor tender.Actor) error {
	b, err := s.svc.DeleteBid(c, c.Param("id"), c.Param("sub"), actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": b})
	return nil
}

func (s *server) listAwards(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Awards)})
	return nil
}

func (s *server) getAward(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	a, err := findBy(v.Awards, c.Param("sub"), func(a *tender.Award) string { return a.ID }, "award_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": a})
	return nil
}

func (s *server) patchAward(c *gin.Context, actor tender.Actor) error {
	var in tender.AwardInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	_, a, err := s.svc.PatchAward(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": a})
	return nil
}

func (s *server) listContracts(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Contracts)})
	return nil
}

func (s *server) getContract(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	ct, err := findBy(v.Contracts, c.Param("sub"), func(x *tender.Contract) string { return x.ID }, "contract_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": ct})
	return nil
}

func (s *server) patchContract(c *gin.Context, actor tender.Actor) error {
	var in tender.ContractInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	_, ct, err := s.svc.PatchContract(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": ct})
	return nil
}

func (s *server) listCancellations(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Cancellations)})
	return nil
}

func (s *server) getCancellation(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	x, err := findBy(v.Cancellations, c.Param("sub"), func(x *tender.Cancellation) string { return x.ID }, "cancellation_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": x})
	return nil
}

func (s *server) addCancellation(c *gin.Context, actor tender.Actor) error {
	var in tender.CancellationInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, x, err := s.svc.AddCancellation(c, c.Param("id"), actor, in)
	if err != nil {
		return err
	}
	c.Header("Location", s.tenderURL(c, t.ID)+"/cancellations/"+x.ID)
	c.PureJSON(http.StatusCreated, gin.H{"data": x})
	return nil
}

func (s *server) patchCancellation(c *gin.Context, actor tender.Actor) error {
	var in tender.CancellationInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	_, x, err := s.svc.PatchCancellation(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": x})
	return nil
}
