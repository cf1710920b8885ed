package portal

// TestPortalBrowser walks the portal in Debian's headless Chromium the way a
// watchdog would, over a seeded data set served as in production: the
// portal, the tender API, the OCDS endpoints and the search API on one
// ServeMux (cmd/prozorro's serve and mountSearch), so that every link on
// the pages leads somewhere real.

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/prozorro-go/prozorro/ocds"
	ocdsapi "github.com/prozorro-go/prozorro/ocds/api"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	searchapi "github.com/prozorro-go/prozorro/search/api"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/tender"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/seed"
	"github.com/prozorro-go/prozorro/tender/tendertest/chromium"
)

// ---------------------------------------------------------------- the site

// browserSite is the data set and the server the browser walks.
type browserSite struct {
	url     string
	ocds    ocds.Config
	svc     *tender.Service
	byID    map[string]*tender.Tender // public views
	docs    *tender.Tender            // the tender with documents, public view
	hashes  []string                  // its documents' hashes
	buyerID string                    // its buyer's EDRPOU
}

// browserDocTitle is the title of the one tender with documents; its words
// are in no seeded tender.
const browserDocTitle = "Капітальний ремонт даху школи № 5"

func browserPtr[T any](v T) *T { return &v }

func browserOrg(name, id string) tender.Organization {
	return tender.Organization{Name: name, Identifier: tender.Identifier{Scheme: "UA-EDR", ID: id, LegalName: name},
		Address:      &tender.Address{Region: "Київська область", PostalCode: "07400", Locality: "Бровари", StreetAddress: "вул. Гагаріна, 15", CountryName: "Україна"},
		ContactPoint: &tender.ContactPoint{Name: "Олена Коваль", Email: "zakupivli@example.org"}, Scale: "sme"}
}

// browserClock is the clock of the tender with documents: the procedure
// runs on accelerated time (a day is a second) as tender/seed's do.
type browserClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *browserClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *browserClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// browserTenderWithDocuments runs one tender through its whole procedure
// with documents on the tender, the award and the contract, as a buyer's
// platform would, and returns its id and the documents' hashes.
func browserTenderWithDocuments(ctx context.Context, store tender.Store, buyerID string) (string, []string, error) {
	const day = time.Second // accelerator=86400
	c := &browserClock{now: time.Now()}
	svc := &tender.Service{Store: store, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}
	owner := tender.Actor{Platform: "browser-buyer", Role: tender.RoleBroker, Levels: "1"}
	buyer := browserOrg("Відділ освіти Броварської міської ради", buyerID)
	now := c.Now()
	t, creds, err := svc.Create(ctx, owner, tender.CreateRequest{Data: tender.TenderInput{
		Title: browserPtr(browserDocTitle), Description: browserPtr("Заміна покрівлі спортивної зали, утеплення та водовідведення."),
		ProcurementMethodDetails: browserPtr("quick, accelerator=86400"), SubmissionMethodDetails: browserPtr("quick(mode:no-auction)"),
		MainProcurementCategory: browserPtr("works"), ProcuringEntity: &buyer,
		Value:       &tender.Value{Amount: tender.MustAmount("1250000"), Currency: "UAH"},
		MinimalStep: &tender.Value{Amount: tender.MustAmount("12500"), Currency: "UAH"},
		Items: []tender.Item{
			{Description: "Улаштування покрівлі з металочерепиці", Classification: tender.Classification{Scheme: "ДК021", ID: "45261000-4", Description: "Покрівельні роботи"},
				Unit: &tender.Unit{Code: "MTK", Name: "метр квадратний"}, Quantity: browserPtr(tender.MustAmount("640"))},
			{Description: "Утеплення горища мінеральною ватою", Classification: tender.Classification{Scheme: "ДК021", ID: "45321000-3", Description: "Теплоізоляційні роботи"},
				Unit: &tender.Unit{Code: "MTK", Name: "метр квадратний"}, Quantity: browserPtr(tender.MustAmount("600"))},
		},
		EnquiryPeriod: &tender.Period{EndDate: browserPtr(now.Add(4 * day))},
		TenderPeriod:  &tender.Period{EndDate: browserPtr(now.Add(8 * day))},
	}})
	if err != nil {
		return "", nil, fmt.Errorf("create: %w", err)
	}
	owner.Token = creds.Token
	if _, err := svc.Patch(ctx, t.ID, owner, tender.TenderInput{Status: browserPtr(tender.StatusEnquiries)}); err != nil {
		return "", nil, fmt.Errorf("publish: %w", err)
	}
	sum := sha256.Sum256([]byte("оголошення"))
	md := md5.Sum([]byte("технічні вимоги"))
	sum2 := sha256.Sum256([]byte("договір"))
	hashes := []string{"sha256:" + hex.EncodeToString(sum[:]), "md5:" + hex.EncodeToString(md[:]), "sha256:" + hex.EncodeToString(sum2[:])}
	doc := func(title, typ, format, hash string) tender.DocumentInput {
		in := tender.DocumentInput{Title: browserPtr(title), URL: browserPtr("https://docs.example.org/" + url.PathEscape(title)),
			Format: browserPtr(format), DocumentType: browserPtr(typ)}
		if hash != "" {
			in.Hash = browserPtr(hash)
		}
		return in
	}
	for _, in := range []tender.DocumentInput{
		doc("Оголошення про проведення закупівлі.pdf", "tenderNotice", "application/pdf", hashes[0]),
		doc("Технічні вимоги.docx", "technicalSpecifications", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", hashes[1]),
	} {
		if _, _, err := svc.AddDocument(ctx, t.ID, tender.DocTarget{Kind: "tender"}, owner, in); err != nil {
			return "", nil, fmt.Errorf("tender document: %w", err)
		}
	}
	c.set(now.Add(4*day + time.Millisecond))
	for k, b := range []struct{ name, id, amount string }{
		{"ТОВ «Покрівля-Сервіс»", "41234567", "1180000"},
		{"ТОВ «Будмонтаж Груп»", "39876543", "1215500.50"},
	} {
		bidder := tender.Actor{Platform: fmt.Sprintf("browser-bidder-%d", k), Role: tender.RoleBroker, Levels: "2"}
		if _, _, _, err := svc.AddBid(ctx, t.ID, bidder, tender.BidInput{Tenderers: []tender.Organization{browserOrg(b.name, b.id)},
			Value: &tender.Value{Amount: tender.MustAmount(b.amount)}}); err != nil {
			return "", nil, fmt.Errorf("bid: %w", err)
		}
	}
	c.set(now.Add(8*day + time.Millisecond))
	if _, err := svc.Chronograph(ctx, t.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
		return "", nil, err
	}
	cur, err := svc.Load(ctx, t.ID)
	if err != nil {
		return "", nil, err
	}
	if cur.NextCheck != nil { // the no-auction mode settles the auction at its start
		c.set(*cur.NextCheck)
		if _, err := svc.Chronograph(ctx, t.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
			return "", nil, err
		}
	}
	if cur, err = svc.Load(ctx, t.ID); err != nil {
		return "", nil, err
	}
	for _, a := range cur.Awards {
		if a.Status != tender.AwardPending {
			continue
		}
		if _, _, err := svc.AddDocument(ctx, t.ID, tender.DocTarget{Kind: "award", ID: a.ID}, owner,
			doc("Протокол розгляду пропозицій.pdf", "evaluationReports", "application/pdf", "")); err != nil {
			return "", nil, fmt.Errorf("award document: %w", err)
		}
		if _, _, err := svc.PatchAward(ctx, t.ID, a.ID, owner, tender.AwardInput{Status: browserPtr(tender.AwardActive), Qualified: browserPtr(true)}); err != nil {
			return "", nil, fmt.Errorf("award: %w", err)
		}
	}
	if cur, err = svc.Load(ctx, t.ID); err != nil {
		return "", nil, err
	}
	for _, k := range cur.Contracts {
		if k.Status != tender.ContractPending {
			continue
		}
		if _, _, err := svc.AddDocument(ctx, t.ID, tender.DocTarget{Kind: "contract", ID: k.ID}, owner,
			doc("Договір № 5-П.pdf", "contractSigned", "application/pdf", hashes[2])); err != nil {
			return "", nil, fmt.Errorf("contract document: %w", err)
		}
		if _, _, err := svc.PatchContract(ctx, t.ID, k.ID, owner, tender.ContractInput{Status: browserPtr(tender.ContractActive)}); err != nil {
			return "", nil, fmt.Errorf("contract: %w", err)
		}
	}
	return t.ID, hashes, nil
}

// browserSiteUp seeds 60 tenders as the shared fixture does, adds the tender
// with documents, indexes them with red flags and statistics, and serves
// the portal beside the APIs.
func browserSiteUp(t *testing.T) *browserSite {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	if _, err := seed.Run(ctx, st, 60, 11, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := &browserSite{ocds: ocds.Config{Prefix: "ocds-be6bcu"}, buyerID: "02143412", byID: map[string]*tender.Tender{}}
	docID, hashes, err := browserTenderWithDocuments(ctx, st, s.buyerID)
	if err != nil {
		t.Fatal("the tender with documents:", err)
	}
	s.hashes = hashes
	s.svc = &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true}
	b, err := bleve.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	state := search.NewMemoryState()
	risk := search.NewRisk(flags.DefaultSettings(), state)
	ix := &search.Indexer{Feed: s.svc, Backend: b, State: state, Risk: risk, OCDS: s.ocds, StatsEvery: -1}
	for cur := ""; ; {
		page, err := s.svc.Feed(ctx, tender.FeedQuery{Offset: cur, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			break
		}
		if err := ix.Index(ctx, b, page.Items); err != nil {
			t.Fatal(err)
		}
		for _, tn := range page.Items {
			s.byID[tn.ID] = tn.View(tender.RolePublic, "")
		}
		cur = page.Next
	}
	if _, err := ix.RecomputeStats(ctx); err != nil {
		t.Fatal(err)
	}
	if s.docs = s.byID[docID]; s.docs == nil || s.docs.Status != tender.StatusComplete {
		t.Fatalf("the tender with documents is not complete: %+v", s.docs)
	}

	log := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	o, err := ocdsapi.New(st, ocdsapi.Config{OCDS: s.ocds}, log)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/", o.Intercept(tenderapi.New(s.svc, tenderapi.Config{}, log)))
	api := searchapi.New(b, searchapi.Config{Risks: &searchapi.Risks{Load: s.svc.Load, Risk: risk, OCDS: s.ocds}}, log)
	mux.Handle(searchapi.Path, api)
	mux.Handle(searchapi.RisksPath, api)
	p := New(Config{Search: b, Tenders: s.svc, Risk: risk, OCDS: s.ocds, Log: log})
	for _, path := range Paths {
		mux.Handle(path, p)
	}
	// A page whose inline script renames it: how the no-JavaScript pass
	// knows scripts are really off.
	mux.HandleFunc("GET /browser-script-probe", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>off</title><h1>Probe</h1><script>document.title = "on"</script>`)
	})
	// A page too wide for a phone: how the phone pass knows it would see one.
	mux.HandleFunc("GET /browser-wide-probe", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><title>wide</title><h1>Probe</h1><table><tr><td>`+strings.Repeat("ширина ", 5)+`</td><td style="white-space:nowrap">`+strings.Repeat("широкий рядок ", 20)+`</td></tr></table>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// ---------------------------------------------------------------- the browser

// browserTab is one tab in a browser context of its own.
type browserTab struct {
	name  string
	ctx   context.Context
	dir   string // screenshots
	shots *[]string

	mu   sync.Mutex
	errs []string // script exceptions, failed subresources, console errors
}

func browserJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browserEval evaluates expr in the tab's page.
func browserEval[T any](t *testing.T, tb *browserTab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: evaluating %s: %v", tb.name, expr, err)
	}
	return v
}

// text is the text content of the first element sel matches, "" if none.
func (tb *browserTab) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(browserEval[string](t, tb, fmt.Sprintf(`(function(){var e=document.querySelector(%s);return e?e.textContent:""})()`, browserJS(sel))))
}

// texts are the trimmed text contents of every element sel matches.
func (tb *browserTab) texts(t *testing.T, sel string) []string {
	t.Helper()
	return browserEval[[]string](t, tb, fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).map(function(e){return e.textContent.replace(/\s+/g," ").trim()})`, browserJS(sel)))
}

func (tb *browserTab) count(t *testing.T, sel string) int {
	t.Helper()
	return browserEval[int](t, tb, fmt.Sprintf(`document.querySelectorAll(%s).length`, browserJS(sel)))
}

func (tb *browserTab) attr(t *testing.T, sel, name string) string {
	t.Helper()
	return browserEval[string](t, tb, fmt.Sprintf(`(function(){var e=document.querySelector(%s);return e?(e.getAttribute(%s)||""):""})()`, browserJS(sel), browserJS(name)))
}

// location is the page's path and query.
func (tb *browserTab) location(t *testing.T) string {
	t.Helper()
	return browserEval[string](t, tb, `location.pathname + location.search`)
}

// checkResponse fails unless the page loaded with want and has one h1.
func (tb *browserTab) checkResponse(t *testing.T, what string, resp *network.Response, err error, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	if resp == nil || resp.Status != int64(want) {
		st := int64(0)
		if resp != nil {
			st = resp.Status
		}
		main := browserEval[string](t, tb, `(document.querySelector("main")||document.body).innerText`)
		t.Fatalf("%s: %s: HTTP %d at %s, want %d\n%s", tb.name, what, st, tb.location(t), want, main)
	}
	if strings.HasPrefix(resp.MimeType, "text/html") {
		if n := tb.count(t, "h1"); n != 1 {
			t.Errorf("%s: %s: %d h1 elements at %s, want one", tb.name, what, n, tb.location(t))
		}
	}
}

// open navigates to path (on the site) and waits for the page.
func (tb *browserTab) open(t *testing.T, base, path string) *network.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	tb.checkResponse(t, "opening "+path, resp, err, http.StatusOK)
	return resp
}

// follow clicks sel, which must navigate, and waits for the new page.
func (tb *browserTab) follow(t *testing.T, what, sel string) *network.Response {
	t.Helper()
	if tb.count(t, sel) == 0 {
		t.Fatalf("%s: %s: nothing matches %s at %s", tb.name, what, sel, tb.location(t))
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	tb.checkResponse(t, what, resp, err, http.StatusOK)
	return resp
}

// do runs actions that do not navigate.
func (tb *browserTab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// shot saves a full-page PNG of the page.
func (tb *browserTab) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("%s: screenshot %s: %v", tb.name, name, err)
		return
	}
	path := filepath.Join(tb.dir, "portal-"+tb.name+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
		return
	}
	*tb.shots = append(*tb.shots, path)
	t.Logf("screenshot %s", path)
}

// browserWidth is how wide a page is against its window, with the
// outermost elements that stick out.
type browserWidth struct {
	Scroll, Inner int
	Wide          []string
}

func (tb *browserTab) width(t *testing.T) browserWidth {
	t.Helper()
	return browserEval[browserWidth](t, tb, `(function(){
		var iw = window.innerWidth, wide = [];
		document.querySelectorAll("body *").forEach(function(e){
			var r = e.getBoundingClientRect();
			if (r.right > iw + 1 && wide.length < 6 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > iw + 1)) {
				wide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\s+/g, ".") : "") +
					" (right edge " + Math.round(r.right) + "px): " + e.textContent.replace(/\s+/g, " ").trim().slice(0, 60));
			}
		});
		return {Scroll: document.scrollingElement.scrollWidth, Inner: iw, Wide: wide};
	})()`)
}

// noHorizontalScroll fails when the page is wider than the window, naming
// the elements that stick out.
func (tb *browserTab) noHorizontalScroll(t *testing.T, page string) {
	t.Helper()
	if w := tb.width(t); w.Scroll > w.Inner {
		t.Errorf("%s: %s scrolls sideways on a %d px wide screen: the page is %d px wide; sticking out:\n  %s",
			tb.name, page, w.Inner, w.Scroll, strings.Join(w.Wide, "\n  "))
	}
}

// langLinks returns the links to portal pages that do not keep lang=en.
func (tb *browserTab) langLinks(t *testing.T) []string {
	t.Helper()
	return browserEval[[]string](t, tb, `(function(){
		var bad = [];
		document.querySelectorAll("a[href]").forEach(function(a){
			var u = new URL(a.getAttribute("href"), location.href);
			if (u.origin !== location.origin || a.getAttribute("hreflang") === "uk") return;
			if (/^\/(api|assets)\//.test(u.pathname)) return;
			if (u.pathname === location.pathname && u.search === location.search && u.hash) return;
			if (u.searchParams.get("lang") !== "en") bad.push(a.getAttribute("href") + " (" + a.textContent.replace(/\s+/g, " ").trim().slice(0, 40) + ")");
		});
		return bad;
	})()`)
}

// reportErrors fails with what the tab's pages got wrong on their own.
func (tb *browserTab) reportErrors(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.errs) > 0 {
		t.Errorf("%s: errors while loading pages:\n  %s", tb.name, strings.Join(tb.errs, "\n  "))
	}
}

// browserAmount reads a Ukrainian money string ("1 180 000,00 UAH") as a
// number, for comparing orders.
func browserAmount(s string) float64 {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ',':
			b.WriteRune('.')
		}
	}
	f, _ := strconv.ParseFloat(b.String(), 64)
	return f
}

// browserNumber is the first whole number in s ("Знайдено: 43" → 43).
func browserNumber(s string) int {
	digits := ""
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits += string(r)
		} else if digits != "" && r != ' ' && r != '\u00a0' && r != '\u202f' {
			break
		}
	}
	n, _ := strconv.Atoi(digits)
	return n
}

// ---------------------------------------------------------------- the test

// TestPortalBrowser walks the portal in headless Chromium:
//
//   - a watchdog on a desktop: searches by words, opens the tender found
//     (items, documents with their hashes, award, contract, timeline, red
//     flags), downloads its OCDS record, opens its buyer's page; filters the
//     search by a status facet, sorts by value, goes to the next page,
//     opens a tender from there, then the risk queue (filtered by a flag)
//     and the live auctions;
//   - the same pages switched to English: texts change, links keep lang=en;
//   - the same pages on a phone (390×844): no sideways scrolling;
//   - with JavaScript off: the search form submits and links lead on.
//
// Every page visited is saved as a full-page PNG under $PROZORRO_ARTIFACTS
// (or a temporary directory); script errors, failed stylesheets and
// console errors fail the test.
func TestPortalBrowser(t *testing.T) {
	exe := chromium.Path(t)
	artifacts := chromium.Artifacts(t)
	site := browserSiteUp(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	browser := chromium.Start(ctx, t, exe, 1280, 900)
	var shots []string
	newTab := func(name string) *browserTab {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		tb := &browserTab{name: name, ctx: ctx, dir: artifacts, shots: &shots}
		if err := chromedp.Do(ctx); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Listen(ctx, func(ev any) {
			var msg string
			switch e := ev.(type) {
			case *runtime.EventExceptionThrown:
				d := e.ExceptionDetails
				msg = fmt.Sprintf("script error %s (line %d:%d)", d.Text, d.LineNumber+1, d.ColumnNumber+1)
			case *network.EventResponseReceived:
				if e.Type != network.ResourceTypeDocument && e.Response.Status >= 400 && !strings.HasSuffix(e.Response.URL, "/favicon.ico") {
					msg = fmt.Sprintf("HTTP %d for %s %s", e.Response.Status, e.Type, e.Response.URL)
				}
			case *network.EventLoadingFailed:
				if e.Type != network.ResourceTypeDocument && !e.Canceled {
					msg = fmt.Sprintf("%s did not load: %s", e.Type, e.ErrorText)
				}
			case *cdplog.EventEntryAdded:
				if e.Entry.Level == cdplog.EntryLevelError && !strings.Contains(e.Entry.URL, "/favicon.ico") {
					msg = fmt.Sprintf("console error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
				}
			}
			if msg != "" {
				tb.mu.Lock()
				tb.errs = append(tb.errs, msg)
				tb.mu.Unlock()
			}
		}); err != nil {
			t.Fatal(err)
		}
		return tb
	}

	// visited are the pages of the walk, for the English, phone and
	// no-JavaScript passes.
	type visit struct{ name, path string }
	var visited []visit

	t.Run("watchdog", func(t *testing.T) {
		w := newTab("desktop")
		defer w.reportErrors(t)
		uk := func(key string) string { return tr(LangUK, key) }

		// The search page: every tender, newest first.
		w.open(t, site.url, "/search")
		if h := w.text(t, "h1"); h != uk("search.title.tenders") {
			t.Errorf("search page h1 %q, want %q", h, uk("search.title.tenders"))
		}
		all := browserNumber(w.text(t, "#search-total"))
		if all != len(site.byID) {
			t.Errorf("the search page finds %d tenders, the store holds %d", all, len(site.byID))
		}
		if n := w.count(t, "#results tr.search-hit"); n != searchPageSize {
			t.Errorf("%d rows on the first page, want %d", n, searchPageSize)
		}
		w.shot(t, "search")
		visited = append(visited, visit{"search", w.location(t)})

		// Words typed into the search box find the tender with documents.
		w.do(t, "typing a query", chromedp.SendKeys(chromedp.CSS("#search-query"), "даху школи"))
		w.follow(t, "submitting the search", `#search-form button[type="submit"]`)
		if loc := w.location(t); !strings.Contains(loc, "query=") {
			t.Errorf("the search form went to %s, without the query", loc)
		}
		if n := browserNumber(w.text(t, "#search-total")); n != 1 {
			t.Fatalf("«даху школи» finds %d tenders, want 1: %v", n, w.texts(t, "#results tr.search-hit"))
		}
		if id := w.attr(t, "#results tr.search-hit", "data-id"); id != site.docs.ID {
			t.Errorf("«даху школи» finds %s, want %s", id, site.docs.ID)
		}
		if act := strings.Join(w.texts(t, ".search-active li"), " | "); !strings.Contains(act, "даху школи") {
			t.Errorf("the active filters do not show the query: %q", act)
		}
		if v := browserEval[string](t, w, `document.getElementById("search-query").value`); v != "даху школи" {
			t.Errorf("the search box holds %q after the search", v)
		}
		w.shot(t, "search-query")

		// The tender found: facts, items, documents with hashes, award,
		// contract, timeline, red flags, downloads.
		w.follow(t, "opening the tender found", "#results tr.search-hit td a")
		doc := site.docs
		if loc := w.location(t); loc != "/tenders/"+doc.ID {
			t.Errorf("the result links to %s", loc)
		}
		if h := w.text(t, "h1"); h != browserDocTitle {
			t.Errorf("tender h1 %q, want %q", h, browserDocTitle)
		}
		facts := w.text(t, "#facts")
		for _, want := range []string{doc.TenderID, site.ocds.OCID(doc.TenderID), "1 250 000,00", doc.ProcuringEntity.Name} {
			if !strings.Contains(strings.ReplaceAll(facts, "\u00a0", " "), want) {
				t.Errorf("the tender's facts lack %q:\n%s", want, facts)
			}
		}
		if n := w.count(t, "#items tbody tr"); n != len(doc.Items) {
			t.Errorf("%d item rows, want %d", n, len(doc.Items))
		}
		if items := w.text(t, "#items"); !strings.Contains(items, "45261000-4") || !strings.Contains(items, "Утеплення горища") {
			t.Errorf("the items lack their CPV or description:\n%s", items)
		}
		if n := w.count(t, "#documents tr.document"); n != 4 {
			t.Errorf("%d document rows, want 4 (two of the tender, the award's, the contract's): %v", n, w.texts(t, "#documents tr.document"))
		}
		hashes := w.texts(t, "#documents code.hash")
		slices.Sort(hashes)
		want := slices.Clone(site.hashes)
		slices.Sort(want)
		if !slices.Equal(hashes, want) {
			t.Errorf("document hashes %q, want %q", hashes, want)
		}
		if n := w.count(t, "#awards tr.award"); n != len(doc.Awards) || n == 0 {
			t.Errorf("%d award rows, want %d", n, len(doc.Awards))
		}
		if aw := w.text(t, "#awards"); !strings.Contains(aw, "Покрівля-Сервіс") || !strings.Contains(strings.ReplaceAll(aw, "\u00a0", " "), "1 180 000,00") {
			t.Errorf("the award does not show the winner and its price:\n%s", aw)
		}
		if n := w.count(t, "#contracts tr.contract"); n != len(doc.Contracts) || n == 0 {
			t.Errorf("%d contract rows, want %d", n, len(doc.Contracts))
		}
		if n := w.count(t, "#bids tr.bid"); n != 2 {
			t.Errorf("%d bid rows after the tender ended, want 2", n)
		}
		if n := w.count(t, "#timeline tr.event"); n < 5 {
			t.Errorf("%d timeline events, want at least 5 (published, bids, award, contract, complete)", n)
		}
		if w.count(t, "#risks") != 1 {
			t.Error("no red flags section")
		} else if w.count(t, "#risks .risk-flag")+w.count(t, "#risk-none") == 0 {
			t.Errorf("the red flags section shows neither flags nor their absence:\n%s", w.text(t, "#risks"))
		}
		w.shot(t, "tender-documents")
		visited = append(visited, visit{"tender-documents", w.location(t)})
		tenderPath := w.location(t)

		// Its OCDS record, through the download link.
		rec := w.follow(t, "downloading the OCDS record", `#downloads a[href$="/ocds/record"]`)
		if !strings.Contains(rec.MimeType, "json") {
			t.Errorf("the record is served as %q", rec.MimeType)
		}
		raw := browserEval[string](t, w, `(document.querySelector("pre") || document.body).innerText`)
		var pkg struct {
			URI           string `json:"uri"`
			Version       string `json:"version"`
			PublishedDate string `json:"publishedDate"`
			Records       []struct {
				OCID     string            `json:"ocid"`
				Releases []json.RawMessage `json:"releases"`
				Compiled struct {
					OCID   string `json:"ocid"`
					Tender struct {
						ID    string `json:"id"`
						Title string `json:"title"`
					} `json:"tender"`
				} `json:"compiledRelease"`
			} `json:"records"`
		}
		if err := json.Unmarshal([]byte(raw), &pkg); err != nil {
			t.Fatalf("the record link does not give JSON: %v\n%.500s", err, raw)
		}
		ocid := site.ocds.OCID(doc.TenderID)
		if pkg.URI == "" || pkg.Version == "" || pkg.PublishedDate == "" || len(pkg.Records) != 1 {
			t.Errorf("not a record package: uri %q, version %q, publishedDate %q, %d records", pkg.URI, pkg.Version, pkg.PublishedDate, len(pkg.Records))
		} else if r := pkg.Records[0]; r.OCID != ocid || r.Compiled.OCID != ocid || len(r.Releases) < 2 || r.Compiled.Tender.Title != browserDocTitle {
			t.Errorf("the record is of %q (compiled %q, %q) with %d releases, want %q", r.OCID, r.Compiled.OCID, r.Compiled.Tender.Title, len(r.Releases), ocid)
		}
		w.shot(t, "record")

		// Back on the tender page, its buyer.
		w.open(t, site.url, tenderPath)
		w.follow(t, "opening the buyer", "#facts .tender-buyer a")
		if loc := w.location(t); loc != "/organisations/"+site.buyerID {
			t.Errorf("the buyer link goes to %s", loc)
		}
		if h := w.text(t, "h1"); h != doc.ProcuringEntity.Name {
			t.Errorf("organisation h1 %q, want %q", h, doc.ProcuringEntity.Name)
		}
		if id := w.text(t, "#org-id"); id != site.buyerID {
			t.Errorf("organisation id %q, want %s", id, site.buyerID)
		}
		if w.count(t, fmt.Sprintf(`#org-tenders a[href^="/tenders/%s"]`, doc.ID)) != 1 {
			t.Errorf("the buyer's page does not list its tender:\n%s", w.text(t, "main"))
		}
		w.shot(t, "organisation")
		visited = append(visited, visit{"organisation", w.location(t)})

		// Back to the search from the menu; a status facet.
		w.follow(t, "the menu's search link", `header.site nav a[href="/search"]`)
		facet := `ul.search-facet[aria-labelledby="search-facet-status"] a[href$="status=complete"]`
		facetCount := browserNumber(browserEval[string](t, w, fmt.Sprintf(`document.querySelector(%s).parentElement.querySelector(".count").textContent`, browserJS(facet))))
		before := w.texts(t, "#results tr.search-hit td:first-child a")
		w.follow(t, "the status facet «complete»", facet)
		if n := browserNumber(w.text(t, "#search-total")); n != facetCount || n >= all {
			t.Errorf("the status facet said %d, the results say %d (of %d)", facetCount, n, all)
		}
		if act := strings.Join(w.texts(t, ".search-active li"), " | "); !strings.Contains(act, uk("search.param.status")) || !strings.Contains(act, uk("search.status.tender.complete")) {
			t.Errorf("the active filters do not show the status: %q", act)
		}
		if w.count(t, `ul.search-facet[aria-labelledby="search-facet-status"] li.active a[aria-current="true"]`) != 1 {
			t.Error("the chosen status is not marked active in its facet")
		}
		if v := browserEval[string](t, w, `document.getElementById("search-status").value`); v != "complete" {
			t.Errorf("the status box shows %q after the facet", v)
		}
		for _, s := range w.texts(t, "#results tr.search-hit .status") {
			if s != uk("search.status.tender.complete") {
				t.Errorf("a result of the «complete» filter has the status %q", s)
			}
		}
		if slices.Equal(before, w.texts(t, "#results tr.search-hit td:first-child a")) && facetCount != all {
			t.Error("the results did not change with the facet")
		}
		w.shot(t, "search-facet")
		visited = append(visited, visit{"search-facet", w.location(t)})

		// Sorted by value, smallest first.
		w.do(t, "choosing the sort", chromedp.SetValue(chromedp.CSS("#search-sort"), "value"), chromedp.SetValue(chromedp.CSS("#search-order"), "asc"))
		w.follow(t, "submitting the sort", `#search-form button[type="submit"]`)
		loc := w.location(t)
		if q, _ := url.ParseQuery(strings.TrimPrefix(loc[strings.Index(loc, "?")+1:], "?")); q.Get("sort") != "value" || q.Get("order") != "asc" || q.Get("status") != "complete" {
			t.Errorf("sorting went to %s: want sort=value, order=asc and the status kept", loc)
		}
		values := func() []float64 {
			var out []float64
			for _, s := range w.texts(t, "#results tr.search-hit td.num") {
				out = append(out, browserAmount(s))
			}
			return out
		}
		page1 := values()
		if !slices.IsSorted(page1) || len(page1) != searchPageSize {
			t.Errorf("values sorted ascending: %v", page1)
		}

		// The next page keeps the filter and the order.
		w.follow(t, "the next page", `nav.pager a[rel="next"]`)
		if rng := w.text(t, "#search-total"); !strings.Contains(rng, "21") {
			t.Errorf("the second page says %q", rng)
		}
		page2 := values()
		if len(page2) == 0 || !slices.IsSorted(page2) || page2[0] < page1[len(page1)-1] {
			t.Errorf("the second page's values %v do not follow the first's %v", page2, page1)
		}
		if w.count(t, `nav.pager a[rel="prev"]`) != 1 {
			t.Error("no link back from the second page")
		}
		w.shot(t, "search-page2")
		visited = append(visited, visit{"search-page2", w.location(t)})

		// A seeded tender from the second page, one with red flags if
		// the page has one.
		row := "#results tr.search-hit:has(.flag)"
		if w.count(t, row) == 0 {
			row = "#results tr.search-hit"
		}
		id := w.attr(t, row, "data-id")
		rowFlags := w.texts(t, fmt.Sprintf(`#results tr.search-hit[data-id=%s] .flag`, browserJS(id)))
		w.follow(t, "opening a tender from the results", row+" td a")
		tn := site.byID[id]
		if tn == nil || w.location(t) != "/tenders/"+id {
			t.Fatalf("the first result (%s) opened %s", id, w.location(t))
		}
		if h := w.text(t, "h1"); h != tn.Title {
			t.Errorf("tender h1 %q, want %q", h, tn.Title)
		}
		if n := w.count(t, "#awards tr.award"); n != len(tn.Awards) {
			t.Errorf("%d award rows, want %d", n, len(tn.Awards))
		}
		if n := w.count(t, "#contracts tr.contract"); n != len(tn.Contracts) {
			t.Errorf("%d contract rows, want %d", n, len(tn.Contracts))
		}
		if n := w.count(t, "#timeline tr.event"); n < 3 {
			t.Errorf("%d timeline events", n)
		}
		var pageFlags []string
		for _, f := range w.texts(t, "#risks .risk-flag h3 .flag") {
			pageFlags = append(pageFlags, f)
		}
		var searchFlags []string
		for _, f := range rowFlags {
			searchFlags = append(searchFlags, strings.TrimSpace(strings.SplitN(f, ":", 2)[0]))
		}
		slices.Sort(pageFlags)
		slices.Sort(searchFlags)
		if !slices.Equal(slices.Compact(pageFlags), searchFlags) {
			t.Errorf("the results list the flags %v, the tender page %v", searchFlags, pageFlags)
		}
		w.shot(t, "tender")
		visited = append(visited, visit{"tender", w.location(t)})

		// The risk queue, from the menu, then one flag.
		w.follow(t, "the menu's risk queue link", `header.site nav a[href="/risks"]`)
		if h := w.text(t, "h1"); h != uk("risks.title") {
			t.Errorf("risks h1 %q", h)
		}
		var scores []float64
		for _, s := range w.texts(t, "#results tr.risk-row td.score") {
			scores = append(scores, browserAmount(s))
		}
		if len(scores) == 0 || !slices.IsSortedFunc(scores, func(a, b float64) int { return int(b*1000 - a*1000) }) {
			t.Errorf("risk scores not highest first: %v", scores)
		}
		w.shot(t, "risks")
		visited = append(visited, visit{"risks", w.location(t)})
		flagLink := `ul.facet[data-param="flag"] li:nth-child(2) a`
		href := w.attr(t, flagLink, "href")
		u, _ := url.Parse(href)
		code := u.Query().Get("flag")
		w.follow(t, "a flag in the risk queue", flagLink)
		rows := w.count(t, "#results tr.risk-row")
		if code == "" || rows == 0 {
			t.Errorf("the flag facet %q shows %d rows", href, rows)
		}
		for i, fl := range w.texts(t, "#results tr.risk-row .flag-list") {
			if !strings.Contains(fl, code) {
				t.Errorf("row %d of the %s queue has the flags %q", i, code, fl)
			}
		}
		if w.count(t, `ul.facet[data-param="flag"] a[aria-current="true"][href*="flag=`+code+`"]`) == 0 &&
			w.count(t, `ul.facet[data-param="flag"] a[aria-current="true"]`) != 1 {
			t.Error("the chosen flag is not marked in its facet")
		}
		w.shot(t, "risks-flag")
		visited = append(visited, visit{"risks-flag", w.location(t)})

		// Live auctions, from the menu.
		w.follow(t, "the menu's auctions link", `header.site nav a[href="/live-auctions"]`)
		if h := w.text(t, "h1"); h != uk("auctions.title") {
			t.Errorf("auctions h1 %q", h)
		}
		n := browserNumber(w.text(t, "#auctions-count"))
		if rows := w.count(t, "#results tr.auction-row"); rows != n {
			t.Errorf("the auctions page counts %d and lists %d", n, rows)
		}
		if bad := browserEval[int](t, w, `Array.from(document.querySelectorAll("#results tr.auction-row")).filter(function(r){return !r.querySelector('a[href^="/tenders/"]')}).length`); bad > 0 {
			t.Errorf("%d auction rows without a link to their tender", bad)
		}
		w.shot(t, "auctions")
		visited = append(visited, visit{"auctions", w.location(t)})
	})
	if len(visited) == 0 {
		t.Fatal("the walk visited nothing")
	}

	t.Run("english", func(t *testing.T) {
		e := newTab("english")
		defer e.reportErrors(t)
		for _, v := range visited {
			e.open(t, site.url, v.path)
			ukMain := e.text(t, "main")
			e.follow(t, "the language switch on "+v.name, `header.site nav a[hreflang="en"]`)
			if l := e.attr(t, "html", "lang"); l != LangEN {
				t.Errorf("%s in English: html lang %q", v.name, l)
			}
			if s := e.text(t, `header.site nav a[href^="/search"]`); s != tr(LangEN, "nav.search") {
				t.Errorf("%s in English: the menu says %q", v.name, s)
			}
			if e.text(t, "main") == ukMain {
				t.Errorf("%s: the English page's text is the Ukrainian one", v.name)
			}
			if bad := e.langLinks(t); len(bad) > 0 {
				t.Errorf("%s in English: %d links lose lang=en, e.g.\n  %s", v.name, len(bad), strings.Join(bad[:min(len(bad), 8)], "\n  "))
			}
			switch v.name {
			case "search-page2":
				if h := e.text(t, "h1"); h != tr(LangEN, "search.title.tenders") {
					t.Errorf("English search h1 %q", h)
				}
				if act := strings.Join(e.texts(t, ".search-active li"), " | "); !strings.Contains(act, tr(LangEN, "search.status.tender.complete")) {
					t.Errorf("English active filters: %q", act)
				}
				if loc := e.location(t); !strings.Contains(loc, "from=20") || !strings.Contains(loc, "sort=value") {
					t.Errorf("the language switch lost the page or the order: %s", loc)
				}
				// Links lead on in English.
				e.follow(t, "the next page in English", `nav.pager a[rel="prev"]`)
				if l := e.attr(t, "html", "lang"); l != LangEN {
					t.Errorf("the previous page link left English")
				}
				e.open(t, site.url, v.path+"&lang=en")
			case "tender", "tender-documents":
				if h := e.text(t, "#items-h"); h != tr(LangEN, "tender.h.items") {
					t.Errorf("English tender page: items heading %q", h)
				}
			case "risks", "risks-flag":
				if h := e.text(t, "h1"); h != tr(LangEN, "risks.title") {
					t.Errorf("English risks h1 %q", h)
				}
			case "auctions":
				if h := e.text(t, "h1"); h != tr(LangEN, "auctions.title") {
					t.Errorf("English auctions h1 %q", h)
				}
			}
			e.shot(t, v.name)
		}
	})

	t.Run("phone", func(t *testing.T) {
		p := newTab("phone")
		defer p.reportErrors(t)
		p.do(t, "emulating a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		p.open(t, site.url, "/browser-wide-probe")
		if w := p.width(t); w.Scroll <= w.Inner || len(w.Wide) == 0 {
			t.Fatalf("the width check misses a page too wide for the phone: %+v", w)
		}
		for _, v := range visited {
			p.open(t, site.url, v.path)
			if w := browserEval[int](t, p, `window.innerWidth`); w != 390 {
				t.Fatalf("the phone's window is %d px wide", w)
			}
			p.noHorizontalScroll(t, v.name)
			p.shot(t, v.name)
		}
	})

	t.Run("no-javascript", func(t *testing.T) {
		n := newTab("nojs")
		defer n.reportErrors(t)
		n.do(t, "turning JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		n.open(t, site.url, "/browser-script-probe")
		if title := browserEval[string](t, n, `document.title`); title != "off" {
			t.Fatalf("scripts still run (the probe page's title is %q)", title)
		}

		n.open(t, site.url, "/search?lang=en")
		n.do(t, "typing a query", chromedp.SendKeys(chromedp.CSS("#search-query"), "school"))
		n.follow(t, "submitting the search without JavaScript", `#search-form button[type="submit"]`)
		if loc := n.location(t); !strings.Contains(loc, "query=school") || !strings.Contains(loc, "lang=en") {
			t.Errorf("the form went to %s", loc)
		}
		n.open(t, site.url, "/search")
		n.do(t, "typing a query", chromedp.SendKeys(chromedp.CSS("#search-query"), "даху"))
		n.follow(t, "submitting the search without JavaScript", `#search-form button[type="submit"]`)
		if id := n.attr(t, "#results tr.search-hit", "data-id"); id != site.docs.ID {
			t.Errorf("without JavaScript «даху» finds %q", id)
		}
		n.shot(t, "search")
		n.follow(t, "a result without JavaScript", "#results tr.search-hit td a")
		if n.count(t, "#documents tr.document") != 4 {
			t.Error("the tender page without JavaScript lacks its documents")
		}
		n.shot(t, "tender")
		n.follow(t, "the buyer without JavaScript", "#facts .tender-buyer a")
		n.follow(t, "the search menu link without JavaScript", `header.site nav a[href="/search"]`)
		n.follow(t, "the next page without JavaScript", `nav.pager a[rel="next"]`)
		if loc := n.location(t); !strings.Contains(loc, "from=20") {
			t.Errorf("the next page is %s", loc)
		}
		n.follow(t, "the risk queue without JavaScript", `header.site nav a[href="/risks"]`)
		n.do(t, "choosing a flag", chromedp.SetValue(chromedp.CSS("#risks-flag"), "R018"))
		n.follow(t, "filtering the risk queue without JavaScript", `#risks-filters button[type="submit"]`)
		if loc := n.location(t); !strings.Contains(loc, "flag=R018") {
			t.Errorf("the risk form went to %s", loc)
		}
		n.shot(t, "risks")
		n.follow(t, "the auctions without JavaScript", `header.site nav a[href="/live-auctions"]`)
		n.follow(t, "the language switch without JavaScript", `header.site nav a[hreflang="en"]`)
		if l := n.attr(t, "html", "lang"); l != LangEN {
			t.Errorf("the language switch without JavaScript gave lang %q", l)
		}
	})

	t.Logf("%d screenshots in %s", len(shots), artifacts)
}
