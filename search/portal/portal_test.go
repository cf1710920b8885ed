package portal

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/seed"
)

// fixture is a seeded store, indexed into an in-memory search backend, and
// the portal over both. It is built once per test binary: seeding is slow.
type fixture struct {
	svc     *tender.Service
	store   *memory.Store
	backend search.Backend
	risk    *search.Risk
	srv     *httptest.Server
	tenders []*tender.Tender // public views, feed order
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

// seeded returns the shared fixture: 60 seeded belowThreshold tenders.
func seeded(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = newFixture(60) })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func newFixture(n int) (*fixture, error) {
	ctx := context.Background()
	st := memory.New()
	if _, err := seed.Run(ctx, st, n, 11, time.Now()); err != nil {
		return nil, err
	}
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true}
	b, err := bleve.Open("")
	if err != nil {
		return nil, err
	}
	state := search.NewMemoryState()
	risk := search.NewRisk(flags.DefaultSettings(), state)
	ix := &search.Indexer{Feed: svc, Backend: b, State: state, Risk: risk, StatsEvery: -1}
	f := &fixture{svc: svc, store: st, backend: b, risk: risk}
	cur := ""
	for {
		page, err := svc.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: 100})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			break
		}
		if err := ix.Index(ctx, b, page.Items); err != nil {
			return nil, err
		}
		for _, tn := range page.Items {
			f.tenders = append(f.tenders, tn.View(tender.RolePublic, ""))
		}
		cur = page.Next
	}
	if _, err := ix.RecomputeStats(ctx); err != nil {
		return nil, err
	}
	f.srv = httptest.NewServer(New(Config{Search: b, Tenders: svc, Risk: risk}))
	return f, nil
}

// get fetches a portal path and returns the status and the body.
func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// keyRE finds the message keys templates ask for: {{t .Lang "key"}} or
// {{t $lang "key"}}.
var keyRE = regexp.MustCompile(`\bt (?:\.Lang|\$lang|\$\.Lang) "([^"]+)"`)

func TestTemplatesAndMessages(t *testing.T) {
	pages := parsePages()
	if _, ok := pages["error"]; !ok {
		t.Fatal("no error page")
	}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			for _, lang := range []string{LangUK, LangEN} {
				if _, ok := dict[lang][m[1]]; !ok {
					t.Errorf("%s: message %q has no %s text", f, m[1], lang)
				}
			}
		}
	}
}

func TestErrorsAndLanguages(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/no/such/page")
	if st != 404 || !strings.Contains(body, "Сторінку не знайдено") || !strings.Contains(body, `lang="uk"`) {
		t.Errorf("404 page: %d\n%s", st, body)
	}
	st, body = f.get(t, "/no/such/page?lang=en")
	if st != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("English 404 page: %d\n%s", st, body)
	}
	resp, err := http.Get(f.srv.URL + "/assets/portal.css")
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %v %v", resp, err)
	}
}
