package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/search"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// Prefix is the URL prefix of every route, the tender API's.
const Prefix = "/api/2.5"

// Path is the subtree the server answers: mount it there on a ServeMux.
const Path = Prefix + "/search/"

// Defaults of Config.
const (
	DefaultMaxExportRows  = 1_000_000
	DefaultExportPageSize = 1000
	DefaultTimeout        = 30 * time.Second
)

// Config is what the search endpoints need beside the backend.
type Config struct {
	// BaseURL is the public URL of the API in next_page links; empty:
	// http://<request host>.
	BaseURL string
	// MaxExportRows caps a CSV export: a larger result is refused before
	// anything is sent. 0: DefaultMaxExportRows.
	MaxExportRows int64
	// ExportPageSize is how many documents a CSV export asks the backend
	// for at a time. 0: DefaultExportPageSize.
	ExportPageSize int
	// Timeout bounds each backend call. 0: DefaultTimeout.
	Timeout time.Duration
	// Risks, when set, serves GET /tenders/{id}/risks (mount RisksPath).
	Risks *Risks
}

// Server is the search HTTP handler.
type Server struct {
	backend search.Backend
	cfg     Config
	log     *slog.Logger
	handler http.Handler
}

// New returns the search handler over b.
func New(b search.Backend, cfg Config, log *slog.Logger) *Server {
	if cfg.MaxExportRows <= 0 {
		cfg.MaxExportRows = DefaultMaxExportRows
	}
	if cfg.ExportPageSize <= 0 {
		cfg.ExportPageSize = DefaultExportPageSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{backend: b, cfg: cfg, log: log}
	r := tenderapi.NewEngine(log, s.fail, cors)
	g := r.Group(Prefix)
	g.GET("/search/tenders", s.handle(search.Tenders))
	g.GET("/search/contracts", s.handle(search.Contracts))
	if cfg.Risks != nil {
		g.GET("/tenders/:id/risks", s.risks)
	}
	s.handler = r
	return s
}

// ServeHTTP serves the search routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// cors lets browser tools on any origin read the answers: everything here
// is public and read-only.
func cors(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Content-Disposition")
	c.Next()
}

// page is one page of hits in ProZorro's envelope.
type page struct {
	Data     []json.RawMessage          `json:"data"`
	Total    int64                      `json:"total"`
	NextPage *nextPage                  `json:"next_page,omitempty"`
	Facets   map[string][]search.Bucket `json:"facets,omitempty"`
}

// nextPage is the cursor after a page and the URL that fetches the next one.
type nextPage struct {
	SearchAfter string `json:"search_after"`
	URI         string `json:"uri"`
}

func (s *Server) handle(idx search.Index) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := url.ParseQuery(c.Request.URL.RawQuery)
		if err != nil {
			s.fail(c, tenderapi.NewStatusError(http.StatusBadRequest, "url", "query", "Malformed query string: "+err.Error()))
			return
		}
		q, format, err := search.ParseQuery(idx, v)
		if err != nil {
			s.fail(c, err)
			return
		}
		if format == search.FormatCSV {
			s.export(c, q)
			return
		}
		res, err := s.search(c.Request.Context(), q)
		if err != nil {
			s.fail(c, err)
			return
		}
		p := page{Data: make([]json.RawMessage, 0, len(res.Hits)), Total: res.Total}
		for _, h := range res.Hits {
			p.Data = append(p.Data, public(h))
		}
		more := q.After != "" || int64(q.From+len(res.Hits)) < res.Total
		if res.Next != "" && more {
			p.NextPage = &nextPage{SearchAfter: res.Next, URI: s.nextURI(c, v, res.Next)}
		}
		if len(q.Facets) > 0 {
			p.Facets = make(map[string][]search.Bucket, len(q.Facets))
			for _, f := range q.Facets {
				p.Facets[f] = res.Facets[f]
				if p.Facets[f] == nil {
					p.Facets[f] = []search.Bucket{}
				}
			}
		}
		c.PureJSON(http.StatusOK, p)
	}
}

// search asks the backend within the configured time and classifies its
// errors: a bad cursor is the client's, anything else the backend's.
func (s *Server) search(ctx context.Context, q search.Query) (*search.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	res, err := s.backend.Search(ctx, q)
	if err == nil {
		return res, nil
	}
	if errors.Is(err, search.ErrBadCursor) {
		return nil, tenderapi.NewStatusError(http.StatusBadRequest, "query", "search_after", "Invalid cursor: start again without search_after")
	}
	return nil, &unavailable{err}
}

// public drops the red-flag facts, the statistics job's working data, from
// a hit.
func public(hit json.RawMessage) json.RawMessage {
	if !bytes.Contains(hit, []byte(`"facts"`)) {
		return hit
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(hit, &m) != nil {
		return hit
	}
	if _, ok := m["facts"]; !ok {
		return hit
	}
	delete(m, "facts")
	out, err := json.Marshal(m)
	if err != nil {
		return hit
	}
	return out
}

// nextURI is this request's URL with the cursor and without an offset.
func (s *Server) nextURI(c *gin.Context, v url.Values, cursor string) string {
	next := url.Values{}
	for k, vals := range v {
		if k != "from" && k != "start" && k != "search_after" {
			next[k] = vals
		}
	}
	next.Set("search_after", cursor)
	return tenderapi.BaseURL(c, s.cfg.BaseURL) + c.Request.URL.Path + "?" + next.Encode()
}
