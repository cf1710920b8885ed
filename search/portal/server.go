package portal

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Config is what the portal reads through.
type Config struct {
	Search  search.Backend  // lists, facets, charts
	Tenders *tender.Service // one tender's public view and history
	Risk    *search.Risk    // red flags with evidence; nil hides them
	OCDS    ocds.Config     // ocids
	// AuctionURL is the public base URL of the auction pages ("" → the
	// same host, /auctions).
	AuctionURL string
	Log        *slog.Logger
	Now        func() time.Time
}

// Server serves the portal's pages.
type Server struct {
	cfg   Config
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns the portal. It panics if the embedded templates do not parse
// (a test loads them).
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, pages: parsePages(), mux: http.NewServeMux()}
	sub, _ := fs.Sub(assetFS, "assets")
	s.mux.Handle("GET /assets/", cacheFor(24*time.Hour, http.StripPrefix("/assets/", http.FileServerFS(sub))))
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, withLang(langOf(r), "/search"), http.StatusFound)
	})
	for _, rt := range routes {
		s.mux.HandleFunc("GET "+rt.pattern, func(w http.ResponseWriter, r *http.Request) { rt.handle(s, w, r) })
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errNotFound) })
	return s
}

// route is one page; page files add theirs from init functions.
type route struct {
	pattern string
	handle  func(s *Server, w http.ResponseWriter, r *http.Request)
}

var routes []route

// page registers a route.
func page(pattern string, handle func(s *Server, w http.ResponseWriter, r *http.Request)) {
	routes = append(routes, route{pattern, handle})
}

// Paths is every path prefix the portal answers, for mounting it beside the
// API on one ServeMux.
var Paths = []string{"/{$}", "/search", "/tenders/", "/organisations/", "/risks", "/live-auctions", "/assets/"}

// ServeHTTP serves a page; a panic becomes the error page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Log.Error("portal: panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.fail(w, r, errors.New("panic"))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// Common is what every page's template gets beside its own data.
type Common struct {
	Lang         string
	OtherLang    string
	OtherLangURL string
	Title        string
	Nav          string // the active menu entry: search, contracts, risks, auctions
	Path         string // the request's path and query, for links back here
}

// View is the template's dot: the common part and the page's data.
type View struct {
	Common
	Data any
}

func (s *Server) common(r *http.Request, title, nav string) Common {
	lang := langOf(r)
	other := LangEN
	q := r.URL.Query()
	if lang == LangEN {
		other = LangUK
		q.Del("lang")
	} else {
		q.Set("lang", LangEN)
	}
	u := r.URL.Path
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return Common{Lang: lang, OtherLang: other, OtherLangURL: u, Title: title, Nav: nav, Path: r.URL.RequestURI()}
}

// render writes page name with data; a template error becomes the error
// page, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, c Common, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.cfg.Log.Error("portal: no such page template", "page", name)
		s.fail(w, r, errors.New("no template "+name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", View{Common: c, Data: data}); err != nil {
		s.cfg.Log.Error("portal: render", "page", name, "err", err)
		if name != "error" {
			s.fail(w, r, err)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", c.Lang)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Errors pages show.
var (
	errNotFound = errors.New("not found")
	errBad      = errors.New("bad request")
)

// badRequest is a client error with a message for the page.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

type errorData struct {
	Message string
	Details []string
}

// fail shows the error page: 404, 400 (with what was wrong) or 500, whose
// cause goes only to the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r)
	c := s.common(r, tr(lang, "error.title"), "")
	var br *badRequest
	var te *tender.Error
	switch {
	case errors.Is(err, errNotFound), tender.ErrorCode(err) == tender.CodeNotFound:
		s.render(w, r, http.StatusNotFound, "error", c, errorData{Message: tr(lang, "error.notFound")})
	case errors.As(err, &br):
		s.render(w, r, http.StatusBadRequest, "error", c, errorData{Message: tr(lang, "error.bad"), Details: []string{br.msg}})
	case errors.As(err, &te) && te.Code == tender.CodeInvalid:
		d := errorData{Message: tr(lang, "error.bad")}
		for _, f := range te.Errors {
			d.Details = append(d.Details, f.Name+": "+strings.Trim(strings.ReplaceAll(fmtAny(f.Description), "\n", " "), "[]"))
		}
		s.render(w, r, http.StatusUnprocessableEntity, "error", c, d)
	case errors.Is(err, errBad):
		s.render(w, r, http.StatusBadRequest, "error", c, errorData{Message: tr(lang, "error.bad")})
	default:
		s.cfg.Log.Error("portal: page failed", "path", r.URL.Path, "err", err)
		s.render(w, r, http.StatusInternalServerError, "error", c, errorData{Message: tr(lang, "error.internal")})
	}
}

// parsePages builds one template set per page: the layout and partials
// (layout.html, partials.html) plus the page's own file.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
	}
	return out
}
