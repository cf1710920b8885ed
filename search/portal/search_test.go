package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
)

// searchBackend asks the fixture's backend what the page should show.
func searchBackend(t *testing.T, f *fixture, idx search.Index, raw string) *search.Result {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := search.ParseQuery(idx, v)
	if err != nil {
		t.Fatal(err)
	}
	q.Facets = search.AllFacets
	res, err := f.backend.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func searchTenderDocs(t *testing.T, res *search.Result) []search.TenderDoc {
	t.Helper()
	var out []search.TenderDoc
	for _, h := range res.Hits {
		var d search.TenderDoc
		if err := json.Unmarshal(h, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

var (
	searchRowRE  = regexp.MustCompile(`(?s)<tr class="search-hit" data-id="([^"]+)">(.*?)</tr>`)
	searchHrefRE = regexp.MustCompile(`href="([^"]*)"`)
	searchATagRE = regexp.MustCompile(`<a\b[^>]*>`)
)

// searchRows returns the results table's rows: the document id and the
// row's HTML.
func searchRows(body string) [][2]string {
	var out [][2]string
	for _, m := range searchRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// searchLinks returns the page's links, unescaped, but the one to the
// other language.
func searchLinks(body string) []string {
	var out []string
	for _, a := range searchATagRE.FindAllString(body, -1) {
		if m := searchHrefRE.FindStringSubmatch(a); m != nil && !strings.Contains(a, "hreflang=") {
			out = append(out, html.UnescapeString(m[1]))
		}
	}
	return out
}

// searchLinkAfter returns the first link at or after marker.
func searchLinkAfter(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s in the page", marker)
	}
	m := searchHrefRE.FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("no link after %s", marker)
	}
	return html.UnescapeString(m[1])
}

var (
	searchTagRE   = regexp.MustCompile(`<(input|select)\b([^>]*)>`)
	searchIDRE    = regexp.MustCompile(`\bid="([^"]+)"`)
	searchHeadRE  = regexp.MustCompile(`<h([1-6])\b`)
	searchLabelRE = regexp.MustCompile(`<label\b[^>]*\bfor="([^"]+)"`)
)

// searchCheckHTML checks the basics every page owes: one h1, headings in
// order, a label for every control, no script.
func searchCheckHTML(t *testing.T, body string) {
	t.Helper()
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("%d <h1> elements", n)
	}
	prev := 0
	for _, m := range searchHeadRE.FindAllStringSubmatch(body, -1) {
		lvl, _ := strconv.Atoi(m[1])
		if lvl > prev+1 {
			t.Errorf("heading h%d after h%d", lvl, prev)
		}
		prev = lvl
	}
	labels := map[string]bool{}
	for _, m := range searchLabelRE.FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
	}
	for _, m := range searchTagRE.FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[2], `type="hidden"`) {
			continue
		}
		id := searchIDRE.FindStringSubmatch(m[2])
		if id == nil || !labels[id[1]] {
			t.Errorf("<%s%s> has no label", m[1], m[2])
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the page has a script")
	}
}

func TestSearchTenders(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/search")
	if st != http.StatusOK {
		t.Fatalf("status %d\n%s", st, body)
	}
	searchCheckHTML(t, body)
	if !strings.Contains(body, "<h1>Пошук закупівель</h1>") || !strings.Contains(body, `<a href="/search" aria-current="page">`) {
		t.Error("not the tenders search, or its menu entry is not current")
	}
	// Other tests may add tenders to the shared fixture: the backend says
	// what there is.
	res := searchBackend(t, f, search.Tenders, "size=20")
	if res.Total < int64(len(f.tenders)) || !strings.Contains(body, "Знайдено: "+searchNum(LangUK, res.Total)) ||
		!strings.Contains(body, "Показано 1–20 з "+searchNum(LangUK, res.Total)) {
		t.Errorf("total: want %d tenders", res.Total)
	}
	want := searchTenderDocs(t, res)
	rows := searchRows(body)
	if len(rows) != searchPageSize || len(want) != searchPageSize {
		t.Fatalf("%d rows, backend %d; want %d", len(rows), len(want), searchPageSize)
	}
	for i, d := range want {
		id, row := rows[i][0], rows[i][1]
		if id != d.ID {
			t.Errorf("row %d is %s, want %s (newest first)", i, id, d.ID)
			continue
		}
		tn, err := f.svc.Get(context.Background(), id, tender.Actor{Role: tender.RolePublic})
		if err != nil {
			t.Fatalf("row %s: %v", id, err)
		}
		for _, s := range []string{
			`<a href="/tenders/` + id + `">` + html.EscapeString(tn.Title) + `</a>`,
			`<a href="/organisations/` + tn.ProcuringEntity.Identifier.ID + `">` + html.EscapeString(tn.ProcuringEntity.Name) + `</a>`,
			money(LangUK, tn.Value.Amount.String(), tn.Value.Currency),
			`status-` + string(tn.Status) + `">` + searchLabel(LangUK, "search.status.tender.", string(tn.Status)),
			datetime(tn.TenderPeriod.EndDate),
		} {
			if !strings.Contains(row, s) {
				t.Errorf("row %s lacks %q:\n%s", id, s, row)
			}
		}
		for _, code := range d.Flags {
			if !strings.Contains(row, `<span class="flag" title="`+searchFlagName(LangUK, code)+`">`+code) {
				t.Errorf("row %s lacks flag %s:\n%s", id, code, row)
			}
		}
	}
	if got := searchLinkAfter(t, body, `id="search-csv"`); got != "/api/2.5/search/tenders?format=csv" {
		t.Errorf("CSV link %q", got)
	}
	if !strings.Contains(body, "Наступні результати") || strings.Contains(body, `rel="prev"`) {
		t.Error("the first page should have a next link and no previous one")
	}
}

func TestSearchFacetsAndCharts(t *testing.T) {
	f := seeded(t)
	_, body := f.get(t, "/search")
	res := searchBackend(t, f, search.Tenders, "")
	complete, sum := int64(-1), ""
	for _, b := range res.Facets[search.FacetStatus] {
		if b.Key == "complete" {
			complete, sum = b.Count, b.Sum["UAH"]
		}
	}
	if complete <= 0 {
		t.Fatal("the fixture has no complete tender")
	}
	item := `<a href="/search?status=complete">Завершена</a>
<span class="search-facet-n"><span class="count">` + strconv.FormatInt(complete, 10)
	if !strings.Contains(body, item) || !strings.Contains(body, money(LangUK, sum, "UAH")) {
		t.Errorf("status facet: want %d complete worth %s", complete, sum)
	}
	// Buyers are named, not only numbered, also those of no result on
	// this page (the page looks their names up).
	onPage := map[string]bool{}
	for _, d := range searchTenderDocs(t, searchBackend(t, f, search.Tenders, "size=20")) {
		onPage[d.Buyer.ID] = true
	}
	checked := 0
	for _, b := range res.Facets[search.FacetBuyer][:10] {
		if onPage[b.Key] {
			continue
		}
		docs := searchTenderDocs(t, searchBackend(t, f, search.Tenders, "size=1&edrpou="+b.Key))
		name := docs[0].Buyer.Name
		if name == "" || !strings.Contains(body, `<a href="/search?edrpou=`+b.Key+`">`+html.EscapeString(name)+" ("+b.Key+")</a>") {
			t.Errorf("buyer facet does not name %s (%s)", b.Key, name)
		}
		checked++
	}
	if checked == 0 {
		t.Error("every buyer of the facet is on the first page: nothing tests the name look-up")
	}
	// Every chart is followed by its figures.
	for _, id := range []string{"search-chart-month-sum", "search-chart-month-count", "search-chart-procedure", "search-chart-cpv"} {
		i := strings.Index(body, `id="`+id+`"`)
		if i < 0 {
			t.Errorf("no chart %s", id)
			continue
		}
		chart := body[i:]
		chart = chart[:strings.Index(chart, "</details>")]
		if !strings.Contains(chart, "<svg") || !strings.Contains(chart, "<details>") || !strings.Contains(chart, `<th scope="row">`) {
			t.Errorf("chart %s lacks its picture or its table", id)
		}
	}
	for _, b := range res.Facets[search.FacetMonth] {
		row := `<th scope="row">` + b.Key + `</th><td class="num">` + money(LangUK, b.Sum["UAH"], "UAH") + `</td>`
		if !strings.Contains(body, row) {
			t.Errorf("monthly figures lack %s", row)
		}
		row = `<th scope="row">` + b.Key + `</th><td class="num">` + strconv.FormatInt(b.Count, 10) + `</td>`
		if !strings.Contains(body, row) {
			t.Errorf("monthly counts lack %s", row)
		}
	}
	for _, b := range res.Facets[search.FacetCPV] {
		row := `<a href="/search?cpv_like=` + b.Key + `">` + html.EscapeString(searchCPVName(LangUK, b.Key)) + `</a></th><td class="num">` +
			strconv.FormatInt(b.Count, 10) + `</td><td class="num">` + money(LangUK, b.Sum["UAH"], "UAH") + `</td>`
		if !strings.Contains(body, row) {
			t.Errorf("CPV figures lack %s", row)
		}
	}
}

func TestSearchFilterEnglish(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/search?status=complete&lang=en&query=&region=")
	if st != http.StatusOK {
		t.Fatalf("status %d\n%s", st, body)
	}
	searchCheckHTML(t, body)
	res := searchBackend(t, f, search.Tenders, "status=complete")
	if !strings.Contains(body, "<h1>Search tenders</h1>") || !strings.Contains(body, fmt.Sprintf("Found: %d", res.Total)) {
		t.Errorf("English page with %d complete tenders expected", res.Total)
	}
	for _, r := range searchRows(body) {
		if !strings.Contains(r[1], `status-complete">Complete<`) {
			t.Errorf("row %s is not complete", r[0])
		}
	}
	// The active facet value is marked, and its link drops the filter.
	i := strings.Index(body, `<li class="active">`)
	if i < 0 {
		t.Fatal("no active facet value")
	}
	remove := searchLinkAfter(t, body[i:], `<a`)
	if remove != "/search?lang=en" || !strings.Contains(body[i:i+200], `aria-current="true"`) {
		t.Errorf("active facet links to %q", remove)
	}
	if !strings.Contains(body, `<option value="complete" selected>Complete</option>`) {
		t.Error("the form does not show the status chosen")
	}
	// Every link of the page keeps the language.
	for _, l := range searchLinks(body) {
		if strings.HasPrefix(l, "/search") || strings.HasPrefix(l, "/tenders/") || strings.HasPrefix(l, "/organisations/") {
			if !strings.Contains(l, "lang=en") {
				t.Errorf("link %q loses the language", l)
			}
		}
		if strings.HasPrefix(l, "/search?") && strings.Contains(l, "status=complete") && strings.Contains(l, "query=") {
			t.Errorf("link %q carries empty parameters", l)
		}
	}
	if got := searchLinkAfter(t, body, `id="search-csv"`); got != "/api/2.5/search/tenders?format=csv&status=complete" {
		t.Errorf("CSV link %q", got)
	}
}

func TestSearchValueRange(t *testing.T) {
	f := seeded(t)
	// The form's two boxes, typed the Ukrainian way, become the API's value.
	st, body := f.get(t, "/search?value_min="+url.QueryEscape("100 000")+"&value_max=150000,50&sort=value&order=asc")
	if st != http.StatusOK {
		t.Fatalf("status %d\n%s", st, body)
	}
	res := searchBackend(t, f, search.Tenders, "value=100000-150000.50&sort=value&order=asc&size=20")
	if res.Total == 0 {
		t.Fatal("the fixture has no tender in the range")
	}
	if !strings.Contains(body, fmt.Sprintf("Знайдено: %d", res.Total)) {
		t.Errorf("want %d in range", res.Total)
	}
	docs := searchTenderDocs(t, res)
	rows := searchRows(body)
	if len(rows) != len(docs) {
		t.Fatalf("%d rows, want %d", len(rows), len(docs))
	}
	for i, d := range docs {
		if rows[i][0] != d.ID || !strings.Contains(rows[i][1], money(LangUK, d.Amount, d.Currency)) {
			t.Errorf("row %d: %s, want %s worth %s", i, rows[i][0], d.ID, d.Amount)
		}
	}
	csv := searchLinkAfter(t, body, `id="search-csv"`)
	if csv != "/api/2.5/search/tenders?format=csv&order=asc&sort=value&value=100000-150000.50" {
		t.Errorf("CSV link %q", csv)
	}
	if !strings.Contains(body, `name="value_min" value="100000"`) || !strings.Contains(body, `name="value_max" value="150000.50"`) {
		t.Error("the form does not show the range")
	}
	if !strings.Contains(body, `<option value="value" selected>`) || !strings.Contains(body, `<option value="asc" selected>`) {
		t.Error("the form does not keep the order")
	}
}

func TestSearchText(t *testing.T) {
	f := seeded(t)
	word := f.tenders[0].Title
	_, body := f.get(t, "/search?query="+url.QueryEscape(word))
	res := searchBackend(t, f, search.Tenders, "query="+url.QueryEscape(word))
	if res.Total == 0 || !strings.Contains(body, fmt.Sprintf("Знайдено: %d", res.Total)) {
		t.Fatalf("want %d hits for %q", res.Total, word)
	}
	for _, r := range searchRows(body) {
		if !strings.Contains(r[1], ">"+html.EscapeString(word)+"</a>") {
			t.Errorf("row %s does not match %q", r[0], word)
		}
	}
	if !strings.Contains(body, `<option value="" selected>Релевантністю</option>`) {
		t.Error("a text search is not sorted by relevance")
	}
}

func TestSearchContracts(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/search?index=contracts&lang=en")
	if st != http.StatusOK {
		t.Fatalf("status %d\n%s", st, body)
	}
	searchCheckHTML(t, body)
	if !strings.Contains(body, "<h1>Search contracts</h1>") || !strings.Contains(body, `aria-current="page">Contracts</a>`) {
		t.Error("not the contracts search, or its menu entry is not current")
	}
	res := searchBackend(t, f, search.Contracts, "size=20")
	if res.Total == 0 || !strings.Contains(body, fmt.Sprintf("Found: %d", res.Total)) {
		t.Fatalf("want %d contracts", res.Total)
	}
	rows := searchRows(body)
	if len(rows) != len(res.Hits) {
		t.Fatalf("%d rows, want %d", len(rows), len(res.Hits))
	}
	for i, h := range res.Hits {
		var c search.ContractDoc
		if err := json.Unmarshal(h, &c); err != nil {
			t.Fatal(err)
		}
		row := rows[i][1]
		if rows[i][0] != c.ID {
			t.Errorf("row %d is %s, want %s", i, rows[i][0], c.ID)
		}
		for _, s := range []string{
			`<a href="/tenders/` + c.Tender + `?lang=en">`,
			`<a href="/organisations/` + c.Suppliers[0].ID + `?lang=en">` + html.EscapeString(c.Suppliers[0].Name) + `</a>`,
			`<a href="/organisations/` + c.Buyer.ID + `?lang=en">`,
			money(LangEN, c.Amount, c.Currency),
			date(c.DateSigned),
			"contract: Signed",
		} {
			if !strings.Contains(row, s) {
				t.Errorf("row %s lacks %q:\n%s", c.ID, s, row)
			}
		}
	}
	if got := searchLinkAfter(t, body, `id="search-csv"`); got != "/api/2.5/search/contracts?format=csv" {
		t.Errorf("CSV link %q", got)
	}
	if !strings.Contains(body, `id="search-contract-status"`) || !strings.Contains(body, `<input type="hidden" name="index" value="contracts">`) {
		t.Error("the contracts form lacks its own controls")
	}
	// A supplier facet value narrows to that supplier's contracts.
	sup := res.Facets[search.FacetSupplier][0]
	_, body = f.get(t, "/search?index=contracts&supplier="+sup.Key)
	if !strings.Contains(body, fmt.Sprintf("Знайдено: %d", sup.Count)) {
		t.Errorf("supplier %s: want %d contracts", sup.Key, sup.Count)
	}
}

func TestSearchPaging(t *testing.T) {
	f := seeded(t)
	_, body := f.get(t, "/search?from=20&flag=R003")
	res := searchBackend(t, f, search.Tenders, "from=20&size=20&flag=R003")
	docs := searchTenderDocs(t, res)
	rows := searchRows(body)
	if len(rows) != len(docs) || len(rows) == 0 {
		t.Fatalf("%d rows, want %d", len(rows), len(docs))
	}
	for i := range docs {
		if rows[i][0] != docs[i].ID {
			t.Errorf("row %d is %s, want %s", i, rows[i][0], docs[i].ID)
		}
	}
	if prev := searchLinkAfter(t, body, `<nav class="pager"`); prev != "/search?flag=R003" {
		t.Errorf("previous page %q", prev)
	}
	wantNext := res.Total > 40
	if next := strings.Contains(body, `<a href="/search?flag=R003&amp;from=40" rel="next">`); next != wantNext {
		t.Errorf("next link present %v, want %v (total %d)", next, wantNext, res.Total)
	}
	if !strings.Contains(body, fmt.Sprintf("Показано 21–%d з %d", 20+len(docs), res.Total)) {
		t.Error("range text")
	}

	// A cursor page: what the backend returns after its first page.
	first := searchBackend(t, f, search.Tenders, "size=20")
	_, body = f.get(t, "/search?search_after="+url.QueryEscape(first.Next))
	second := searchTenderDocs(t, searchBackend(t, f, search.Tenders, "size=20&search_after="+url.QueryEscape(first.Next)))
	rows = searchRows(body)
	if len(rows) != len(second) {
		t.Fatalf("cursor page: %d rows, want %d", len(rows), len(second))
	}
	for i := range second {
		if rows[i][0] != second[i].ID {
			t.Errorf("cursor row %d is %s, want %s", i, rows[i][0], second[i].ID)
		}
	}
	if !strings.Contains(body, `<a href="/search" rel="first">`) || strings.Contains(body, `rel="prev"`) {
		t.Error("a cursor page links to the first page, not to a previous one")
	}

	st, body := f.get(t, "/search?search_after=bm90IGEgY3Vyc29y")
	if st != http.StatusBadRequest || !strings.Contains(body, "застаріло") {
		t.Errorf("foreign cursor: %d\n%s", st, body)
	}
}

func TestSearchPagingBeyondWindow(t *testing.T) {
	cv := url.Values{"status": {"complete"}, "from": {"9960"}}
	q := search.Query{From: 9960, Size: 20}
	res := &search.Result{Total: 50000, Next: "CURSOR", Hits: make([]json.RawMessage, 20)}
	d := &searchData{}
	searchPaging(LangUK, d, cv, q, res)
	if d.Next != "/search?from=9980&status=complete" {
		t.Errorf("within the window: next %q", d.Next)
	}
	cv.Set("from", "9980")
	q.From = 9980
	d = &searchData{}
	searchPaging(LangUK, d, cv, q, res)
	if d.Next != "/search?search_after=CURSOR&status=complete" || d.Prev != "/search?from=9960&status=complete" {
		t.Errorf("at the window's end: next %q prev %q", d.Next, d.Prev)
	}
	// Deeper, by cursor: the next cursor page while pages are full.
	cv = url.Values{"search_after": {"A"}}
	d = &searchData{}
	searchPaging(LangUK, d, cv, search.Query{After: "A", Size: 20}, res)
	if d.Next != "/search?search_after=CURSOR" || d.First != "/search" || d.Prev != "" {
		t.Errorf("cursor page: next %q first %q prev %q", d.Next, d.First, d.Prev)
	}
	res.Hits = res.Hits[:5]
	d = &searchData{}
	searchPaging(LangUK, d, cv, search.Query{After: "A", Size: 20}, res)
	if d.Next != "" {
		t.Errorf("a short cursor page has a next link %q", d.Next)
	}
}

func TestSearchBadParameters(t *testing.T) {
	f := seeded(t)
	for path, names := range map[string][]string{
		"/search?bogus=1&value=abc&sort=relevance":     {"bogus", "value", "sort"},
		"/search?index=plans":                          {"index"},
		"/search?index=contracts&deadline_start=x":     {"deadline_start"},
		"/search?value_min=5000&value_max=100&lang=en": {"value"},
		"/search?from=-1&order=sideways":               {"from", "order"},
	} {
		st, body := f.get(t, path)
		if st != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", path, st)
			continue
		}
		searchCheckHTML(t, body)
		for _, n := range names {
			if !strings.Contains(body, "<li>"+n+": ") {
				t.Errorf("%s: %s is not listed\n%s", path, n, body)
			}
		}
	}
	if st, _ := f.get(t, "/search/tenders"); st != http.StatusNotFound {
		t.Errorf("/search/tenders: %d, want 404", st)
	}
	if st, _ := f.get(t, "/search?query=%zz"); st != http.StatusBadRequest {
		t.Errorf("malformed query string: %d, want 400", st)
	}
}

func TestSearchEmpty(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/search?query=zzqxjw&status=complete")
	if st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	searchCheckHTML(t, body)
	if strings.Contains(body, `id="results"`) || !strings.Contains(body, `id="search-empty"`) ||
		!strings.Contains(body, "Знайдено: 0") || !strings.Contains(body, "Перевірте написання") {
		t.Errorf("no helpful empty result:\n%s", body)
	}
	if !strings.Contains(body, `<a href="/search">Скинути всі фільтри</a>.`) ||
		!strings.Contains(body, `<a href="/search?index=contracts&amp;query=zzqxjw">`) {
		t.Error("the empty result offers no way on")
	}
	if strings.Contains(body, "search-chart") || strings.Contains(body, `id="search-csv"`) {
		t.Error("an empty result has charts or a download")
	}
}

func TestSearchCanonical(t *testing.T) {
	raw := url.Values{"value_min": {"1 000,5"}, "value_max": {""}, "lang": {"EN"}, "index": {"tenders"}, "query": {" "}, "flag": {"R018"}}
	cv, idx, err := searchCanonical(LangEN, raw)
	if err != nil || idx != search.Tenders {
		t.Fatal(idx, err)
	}
	if got := cv.Encode(); got != "flag=R018&lang=en&value=1000.5-" {
		t.Errorf("canonical %q", got)
	}
	if got := searchAPIValues(cv).Encode(); got != "flag=R018&value=1000.5-" {
		t.Errorf("API parameters %q", got)
	}
}

// searchSealed is a portal over one tender still accepting bids, with a
// bid in, and one imported process.
type searchSealed struct {
	srv      *httptest.Server
	id       string
	bidder   string
	bidValue string
}

var (
	searchSealedOnce sync.Once
	searchSealedFix  *searchSealed
	searchSealedErr  error
)

func searchSealedFixture(t *testing.T) *searchSealed {
	t.Helper()
	searchSealedOnce.Do(func() { searchSealedFix, searchSealedErr = searchNewSealed() })
	if searchSealedErr != nil {
		t.Fatal(searchSealedErr)
	}
	return searchSealedFix
}

func searchNewSealed() (*searchSealed, error) {
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	start := time.Now()
	var mu sync.Mutex
	now := start
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	svc := &tender.Service{Store: memory.New(), Calendar: tender.DefaultCalendar(), Now: clock, Sandbox: true}
	const day = time.Second // accelerator=86400
	org := func(name, id string) tender.Organization {
		return tender.Organization{Name: name, Identifier: tender.Identifier{Scheme: "UA-EDR", ID: id, LegalName: name},
			Address:      &tender.Address{Region: "м. Київ", PostalCode: "01001", Locality: "Київ", CountryName: "Україна"},
			ContactPoint: &tender.ContactPoint{Name: "Контакт", Email: "info@example.org"}, Scale: "sme"}
	}
	buyer := org("Замовник Запечатаний", "11112222")
	owner := tender.Actor{Platform: "test-buyer", Role: tender.RoleBroker, Levels: "1"}
	tn, creds, err := svc.Create(ctx, owner, tender.CreateRequest{Data: tender.TenderInput{
		Title: ptr("Ремонт даху школи"), ProcurementMethodDetails: ptr("quick, accelerator=86400"),
		SubmissionMethodDetails: ptr("quick(mode:no-auction)"), MainProcurementCategory: ptr("works"), ProcuringEntity: &buyer,
		Value:       &tender.Value{Amount: tender.MustAmount("500000"), Currency: "UAH"},
		MinimalStep: &tender.Value{Amount: tender.MustAmount("5000"), Currency: "UAH"},
		Items: []tender.Item{{Description: "Ремонт даху", Classification: tender.Classification{Scheme: "ДК021", ID: "45261000-4", Description: "Покрівельні роботи"},
			Unit: &tender.Unit{Code: "H87", Name: "штука"}, Quantity: searchAmountPtr(tender.MustAmount("1"))}},
		EnquiryPeriod: &tender.Period{EndDate: searchTimePtr(start.Add(4 * day))},
		TenderPeriod:  &tender.Period{EndDate: searchTimePtr(start.Add(60 * day))},
	}})
	if err != nil {
		return nil, err
	}
	owner.Token = creds.Token
	enquiries := tender.StatusEnquiries
	if _, err := svc.Patch(ctx, tn.ID, owner, tender.TenderInput{Status: &enquiries}); err != nil {
		return nil, err
	}
	mu.Lock()
	now = start.Add(4*day + time.Millisecond)
	mu.Unlock()
	if _, err := svc.Chronograph(ctx, tn.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
		return nil, err
	}
	sf := &searchSealed{id: tn.ID, bidder: "ТОВ Таємний Учасник", bidValue: "432109.87"}
	bidder := tender.Actor{Platform: "test-bidder", Role: tender.RoleBroker, Levels: "2"}
	if _, _, _, err := svc.AddBid(ctx, tn.ID, bidder, tender.BidInput{Tenderers: []tender.Organization{org(sf.bidder, "99887766")},
		Value: &tender.Value{Amount: tender.MustAmount(sf.bidValue)}}); err != nil {
		return nil, err
	}
	pub, err := svc.Get(ctx, tn.ID, tender.Actor{Role: tender.RolePublic})
	if err != nil {
		return nil, err
	}
	if pub.Status != tender.StatusTendering {
		return nil, fmt.Errorf("the tender is %s, not accepting bids", pub.Status)
	}

	b, err := bleve.Open("")
	if err != nil {
		return nil, err
	}
	state := search.NewMemoryState()
	risk := search.NewRisk(flags.DefaultSettings(), state)
	ix := &search.Indexer{Feed: svc, Backend: b, State: state, Risk: risk, StatsEvery: -1}
	feed, err := svc.Feed(ctx, tender.FeedQuery{Limit: 100})
	if err != nil {
		return nil, err
	}
	if err := ix.Index(ctx, b, feed.Items); err != nil {
		return nil, err
	}
	minor := int64(123450)
	at := start.Add(-24 * time.Hour)
	imported := &search.TenderDoc{ID: "ocds-imp-0001", OCID: "ocds-imp-0001", Source: "example-publisher", Title: "Imported road repair",
		Status: "active", Buyer: search.Org{ID: "GB-COH-0001", Name: "Imported Buyer Ltd"}, Currency: "GBP", Amount: "1234.50",
		AmountMinor: &minor, Date: &at, DateModified: &at, Version: search.Version(at)}
	if err := b.Put(ctx, search.Tenders, []search.Doc{search.TenderDocument(imported)}); err != nil {
		return nil, err
	}
	contract := &search.ContractDoc{ID: "ocds-imp-0001/a1", OCID: "ocds-imp-0001", Tender: "ocds-imp-0001", Source: "example-publisher",
		AwardID: "a1", Title: "Imported road repair", Status: "active", Buyer: imported.Buyer,
		Suppliers: []search.Org{{ID: "GB-COH-0002", Name: "Roads & Co"}}, Currency: "GBP", Amount: "1234.50", AmountMinor: &minor,
		Date: &at, DateModified: &at, DateSigned: &at, Version: search.Version(at)}
	if err := b.Put(ctx, search.Contracts, []search.Doc{search.ContractDocument(contract)}); err != nil {
		return nil, err
	}
	if err := b.Refresh(ctx); err != nil {
		return nil, err
	}
	sf.srv = httptest.NewServer(New(Config{Search: b, Tenders: svc, Risk: risk}))
	return sf, nil
}

func searchAmountPtr(v tender.Amount) *tender.Amount { return &v }
func searchTimePtr(v time.Time) *time.Time           { return &v }

func searchGet(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSearchSealedAndImported(t *testing.T) {
	sf := searchSealedFixture(t)
	st, body := searchGet(t, sf.srv, "/search")
	if st != http.StatusOK {
		t.Fatalf("status %d\n%s", st, body)
	}
	rows := searchRows(body)
	var open, imported string
	for _, r := range rows {
		switch r[0] {
		case sf.id:
			open = r[1]
		case "ocds-imp-0001":
			imported = r[1]
		}
	}
	if !strings.Contains(open, `<a href="/tenders/`+sf.id+`">Ремонт даху школи</a>`) || !strings.Contains(open, "Подання пропозицій") ||
		strings.Contains(open, "search-source") {
		t.Errorf("the open tender's row:\n%s", open)
	}
	// The bid is sealed: neither its bidder nor its price shows, anywhere.
	for _, p := range []string{"/search", "/search?index=contracts", "/search?lang=en", "/search?query=" + url.QueryEscape("Таємний")} {
		_, b := searchGet(t, sf.srv, p)
		for _, s := range []string{sf.bidder, "99887766", "432109", "432 109", "432,109"} {
			if strings.Contains(b, s) {
				t.Errorf("%s shows sealed %q", p, s)
			}
		}
	}
	// An imported process has no page here: no link, its source named.
	if imported == "" || strings.Contains(imported, "/tenders/") || !strings.Contains(imported, "Imported road repair") ||
		!strings.Contains(imported, "джерело: example-publisher") || !strings.Contains(imported, "1\u00a0234,50\u00a0GBP") {
		t.Errorf("imported row:\n%s", imported)
	}
	// Sums in another currency stay apart from the main one.
	if !strings.Contains(body, "500\u00a0000,00\u00a0UAH") || !strings.Contains(body, "1\u00a0234,50\u00a0GBP") {
		t.Error("sums by currency")
	}
	_, body = searchGet(t, sf.srv, "/search?index=contracts&lang=en")
	if !strings.Contains(body, `<a href="/search?lang=en&amp;ocid=ocds-imp-0001">Imported road repair</a>`) ||
		!strings.Contains(body, `<a href="/organisations/GB-COH-0002?lang=en">Roads &amp; Co</a>`) {
		t.Errorf("imported contract row:\n%s", body)
	}
}
