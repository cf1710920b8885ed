package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/merge"
	"github.com/prozorro-go/prozorro/tender"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// Prefix is the URL prefix of every route, the tender API's.
const Prefix = "/api/2.5"

// Store is what the handlers read: tenders, their revisions and the feed.
// tender.Store satisfies it.
type Store interface {
	ocds.HistoryStore
	Feed(ctx context.Context, q tender.FeedQuery) (tender.FeedPage, error)
}

// Config is what the OCDS endpoints need beside the store.
type Config struct {
	// OCDS sets the ocid prefix, the publisher and the licence.
	OCDS ocds.Config
	// BaseURL is the public URL of the API in package uris and page links;
	// empty: http://<request host>.
	BaseURL string
}

// Server is the OCDS HTTP handler.
type Server struct {
	store   Store
	cfg     Config
	merger  *merge.Merger
	log     *slog.Logger
	handler http.Handler
}

// New returns the OCDS handler over store. It fails only if the embedded
// release schema does not give merge rules.
func New(store Store, cfg Config, log *slog.Logger) (*Server, error) {
	m, err := ocds.Merger()
	if err != nil {
		return nil, fmt.Errorf("ocds api: %w", err)
	}
	s := &Server{store: store, cfg: cfg, merger: m, log: log}
	r := tenderapi.NewEngine(log, s.fail)
	g := r.Group(Prefix)
	g.GET("/tenders/:id", s.handle(s.current))
	g.GET("/tenders/:id/ocds/releases", s.handle(s.releases))
	g.GET("/tenders/:id/ocds/record", s.handle(s.record))
	g.GET("/ocds/releases", s.handle(s.feed))
	s.handler = r
	return s, nil
}

// ServeHTTP serves the OCDS routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Intercept returns a handler that serves the OCDS requests (GET
// /tenders/{id}?opt_schema=ocds, /tenders/{id}/ocds/..., /ocds/...) and
// passes every other request to next, the tender API.
func (s *Server) Intercept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Owns(r) {
			s.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Owns reports whether r is an OCDS request.
func Owns(r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix+"/")
	if !ok {
		return false
	}
	if rest == "ocds" || strings.HasPrefix(rest, "ocds/") {
		return true
	}
	id, sub, ok := strings.Cut(strings.TrimPrefix(rest, "tenders/"), "/")
	if !strings.HasPrefix(rest, "tenders/") || id == "" {
		return false
	}
	if ok {
		return sub == "ocds" || strings.HasPrefix(sub, "ocds/")
	}
	return r.Method == http.MethodGet && r.URL.Query().Get("opt_schema") == "ocds"
}

func (s *Server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// uri is the public URL of this request, the package's uri.
func (s *Server) uri(c *gin.Context) string {
	u := tenderapi.BaseURL(c, s.cfg.BaseURL) + c.Request.URL.Path
	if q := c.Request.URL.RawQuery; q != "" {
		u += "?" + q
	}
	return u
}

// tenderReleases returns the releases of tender id; a tender with none (a
// draft) is not found.
func (s *Server) tenderReleases(ctx context.Context, id string) ([]ocds.Release, error) {
	versions, revs, err := ocds.History(ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	rels, err := ocds.Releases(versions, revs, s.cfg.OCDS)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, tender.ErrNotFound
	}
	return rels, nil
}

// current serves GET /tenders/{id}?opt_schema=ocds: a release package of the
// latest release, the current public state.
func (s *Server) current(c *gin.Context) error {
	if c.Query("opt_schema") != "ocds" {
		return tenderapi.NewStatusError(http.StatusNotFound, "url", "path", "Not Found")
	}
	rels, err := s.tenderReleases(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, ocds.Package(s.uri(c), rels[len(rels)-1:], s.cfg.OCDS))
	return nil
}

// releases serves GET /tenders/{id}/ocds/releases.
func (s *Server) releases(c *gin.Context) error {
	rels, err := s.tenderReleases(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, ocds.Package(s.uri(c), rels, s.cfg.OCDS))
	return nil
}

// record serves GET /tenders/{id}/ocds/record.
func (s *Server) record(c *gin.Context) error {
	rels, err := s.tenderReleases(c, c.Param("id"))
	if err != nil {
		return err
	}
	rec, err := ocds.NewRecord(s.merger, rels)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, ocds.PackageRecords(s.uri(c), []ocds.Record{rec}, s.cfg.OCDS))
	return nil
}

// feedPage is a page of the bulk feed: a release package with the tender
// feed's page links.
type feedPage struct {
	ocds.ReleasePackage
	NextPage pageLink `json:"next_page"`
	PrevPage pageLink `json:"prev_page"`
}

// feedEnd is the page past the end of the bulk feed: the page links and an
// empty releases list, but no package, since a release package needs at
// least one release. A reader that pages until releases is empty stops on it
// as on any empty page, and can poll its next_page later.
type feedEnd struct {
	Releases []ocds.Release `json:"releases"`
	NextPage pageLink       `json:"next_page"`
	PrevPage pageLink       `json:"prev_page"`
}

type pageLink struct {
	Offset string `json:"offset"`
	Path   string `json:"path"`
	URI    string `json:"uri"`
}

// feed serves GET /ocds/releases (see the package doc).
func (s *Server) feed(c *gin.Context) error {
	q := tender.FeedQuery{Offset: c.Query("offset"), Limit: 100, Descending: c.Query("descending") != "", Mode: c.Query("mode")}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return tenderapi.NewStatusError(http.StatusUnprocessableEntity, "query", "limit", "Must be an integer")
		}
		q.Limit = min(max(n, 1), 1000)
	}
	switch q.Mode {
	case tender.FeedReal, tender.FeedTest, tender.FeedAll:
	default:
		return tenderapi.NewStatusError(http.StatusUnprocessableEntity, "query", "mode", "Value must be one of: test, _all_")
	}
	// Skip tender-feed pages that give no release, so an empty page means
	// the end of the feed and nothing else.
	page, err := s.store.Feed(c, q)
	if err != nil {
		return err
	}
	prev := page.Prev
	var rels []ocds.Release
	for {
		for _, t := range page.Items {
			r, err := s.tenderReleases(c, t.ID)
			if errors.Is(err, tender.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			rels = append(rels, r...)
		}
		if len(rels) > 0 || len(page.Items) == 0 || page.Next == q.Offset {
			break
		}
		q.Offset = page.Next
		if page, err = s.store.Feed(c, q); err != nil {
			return err
		}
	}
	next, prevLink := s.pageLink(c, page.Next, q.Descending), s.pageLink(c, prev, !q.Descending)
	if len(rels) == 0 {
		c.PureJSON(http.StatusOK, feedEnd{Releases: []ocds.Release{}, NextPage: next, PrevPage: prevLink})
		return nil
	}
	c.PureJSON(http.StatusOK, feedPage{
		ReleasePackage: ocds.Package(s.uri(c), rels, s.cfg.OCDS),
		NextPage:       next,
		PrevPage:       prevLink,
	})
	return nil
}

func (s *Server) pageLink(c *gin.Context, offset string, descending bool) pageLink {
	v := url.Values{}
	for k, vals := range c.Request.URL.Query() {
		if k != "offset" && k != "descending" {
			v[k] = vals
		}
	}
	v.Set("offset", offset)
	if descending {
		v.Set("descending", "1")
	}
	path := Prefix + "/ocds/releases?" + v.Encode()
	return pageLink{Offset: offset, Path: path, URI: tenderapi.BaseURL(c, s.cfg.BaseURL) + path}
}
