package portal

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

var (
	risksH1RE      = regexp.MustCompile(`<h1[\s>]`)
	risksControlRE = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	risksIDAttrRE  = regexp.MustCompile(`\bid="([^"]+)"`)
	risksTypeRE    = regexp.MustCompile(`\btype="([^"]+)"`)
	risksHeadingRE = regexp.MustCompile(`<h([1-6])[\s>]`)
)

// risksHTMLBasics checks what every page owes: one h1, headings that do not
// skip a level, and a label for every form control.
func risksHTMLBasics(t *testing.T, page, body string) {
	t.Helper()
	if n := len(risksH1RE.FindAllString(body, -1)); n != 1 {
		t.Errorf("%s: %d <h1>, want 1", page, n)
	}
	prev := 0
	for _, m := range risksHeadingRE.FindAllStringSubmatch(body, -1) {
		lvl, _ := strconv.Atoi(m[1])
		if lvl > prev+1 {
			t.Errorf("%s: <h%d> after <h%d>", page, lvl, prev)
		}
		prev = lvl
	}
	for _, c := range risksControlRE.FindAllString(body, -1) {
		if m := risksTypeRE.FindStringSubmatch(c); m != nil && (m[1] == "hidden" || m[1] == "submit") {
			continue
		}
		id := risksIDAttrRE.FindStringSubmatch(c)
		if id == nil || !strings.Contains(body, `<label for="`+id[1]+`"`) {
			t.Errorf("%s: control without a label: %s", page, c)
		}
	}
}

// risksRows returns the queue's rows.
func risksRows(body string) []string {
	parts := strings.Split(body, `<tr class="risk-row">`)
	var out []string
	for _, p := range parts[1:] {
		out = append(out, p[:strings.Index(p, "</tr>")])
	}
	return out
}

var risksScoreRE = regexp.MustCompile(`class="num score"[^>]*>([^<]+)<`)
var risksTenderRE = regexp.MustCompile(`href="/tenders/([0-9a-f]+)`)

// risksSearch asks the backend what the queue should show.
func risksSearch(t *testing.T, f *fixture, v url.Values) *search.Result {
	t.Helper()
	q, _, err := search.ParseQuery(search.Tenders, v)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.backend.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRisksQueue(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/risks")
	if st != 200 {
		t.Fatalf("status %d\n%s", st, body)
	}
	risksHTMLBasics(t, "/risks", body)
	if !strings.Contains(body, `<table class="responsive" id="results">`) {
		t.Error("no #results table")
	}
	want := risksSearch(t, f, url.Values{"sort": {"risk"}, "risk_min": {"0.001"}, "size": {"20"}, "facets": {"region"}})
	if want.Total == 0 || want.Total == int64(len(f.tenders)) {
		t.Fatalf("the fixture should have tenders with and without flags: %d of %d", want.Total, len(f.tenders))
	}
	if !strings.Contains(body, "Знайдено закупівель з ризиками: "+strconv.FormatInt(want.Total, 10)+".") {
		t.Errorf("total %d not shown", want.Total)
	}
	rows := risksRows(body)
	if len(rows) != len(want.Hits) {
		t.Fatalf("%d rows, want %d", len(rows), len(want.Hits))
	}
	prev := 1e9
	for i, row := range rows {
		var doc search.TenderDoc
		if err := json.Unmarshal(want.Hits[i], &doc); err != nil {
			t.Fatal(err)
		}
		m := risksScoreRE.FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("row %d has no score:\n%s", i, row)
		}
		score, err := strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
		if err != nil || score <= 0 || score > prev {
			t.Errorf("row %d: score %q after %v: want positive, non-increasing", i, m[1], prev)
		}
		prev = score
		if score != doc.RiskScore {
			t.Errorf("row %d: score %v, the index has %v", i, score, doc.RiskScore)
		}
		for _, w := range []string{`href="/organisations/` + doc.Buyer.ID + `"`, html.EscapeString(doc.Buyer.Name),
			money(LangUK, doc.Amount, doc.Currency), "status-" + doc.Status, ">" + doc.Region + "<"} {
			if !strings.Contains(row, w) {
				t.Errorf("row %d lacks %q:\n%s", i, w, row)
			}
		}
		for _, code := range doc.Flags {
			if !strings.Contains(row, `<span class="flag">`+code+`</span> `+risksFlagName(LangUK, code)) {
				t.Errorf("row %d lacks flag %s with its name", i, code)
			}
		}
	}
	// The heaviest first, ties as the index orders them.
	var top search.TenderDoc
	_ = json.Unmarshal(want.Hits[0], &top)
	if m := risksTenderRE.FindStringSubmatch(rows[0]); m == nil || m[1] != top.ID {
		t.Errorf("first row %v, want %s", m, top.ID)
	}
	// Tenders without flags are not in the queue.
	for _, tn := range f.tenders {
		if tn.Status == tender.StatusCancelled && strings.Contains(body, "/tenders/"+tn.ID) {
			t.Errorf("cancelled (unflagged) tender %s is in the queue", tn.ID)
		}
	}
	if !strings.Contains(body, "Короткий строк подання пропозицій") {
		t.Error("R003's Ukrainian name missing")
	}
	if _, at := f.risk.Stats(context.Background()); !strings.Contains(body, "статистику від "+datetime(at)) {
		t.Error("the statistics' time is not shown")
	}
	// Facets with counts.
	for _, b := range want.Facets["region"] {
		link := `<a href="/risks?region=` + b.Key + `">` + b.Key + `</a> <span class="count">` + strconv.FormatInt(b.Count, 10) + `</span>`
		if !strings.Contains(body, link) {
			t.Errorf("region facet lacks %s", link)
		}
	}
	// The CSV of the same query.
	if !strings.Contains(body, `href="/api/2.5/search/tenders?format=csv&amp;risk_min=0.001&amp;sort=risk"`) {
		t.Error("no CSV link to the API with the queue's parameters")
	}
	if !strings.Contains(body, `aria-current="page">Черга ризиків`) {
		t.Error("the risks menu entry is not marked current")
	}
}

func TestRisksFilters(t *testing.T) {
	f := seeded(t)
	cases := []url.Values{
		{"region": {"01"}},
		{"flag": {"R018"}},
		{"proc_type": {"belowThreshold"}, "status": {"complete"}},
		{"region": {"65"}, "flag": {"R003"}, "risk_min": {"0.5"}},
	}
	for _, v := range cases {
		st, body := f.get(t, "/risks?"+v.Encode())
		if st != 200 {
			t.Errorf("%s: status %d", v.Encode(), st)
			continue
		}
		api := url.Values{"sort": {"risk"}, "risk_min": {"0.001"}, "size": {"20"}}
		for k, vals := range v {
			api[k] = vals
		}
		want := risksSearch(t, f, api)
		if want.Total == 0 {
			t.Errorf("%s: the fixture has none: the case tests nothing", v.Encode())
		}
		if !strings.Contains(body, "Знайдено закупівель з ризиками: "+strconv.FormatInt(want.Total, 10)+".") {
			t.Errorf("%s: total %d not shown", v.Encode(), want.Total)
		}
		rows := risksRows(body)
		if len(rows) != len(want.Hits) {
			t.Errorf("%s: %d rows, want %d", v.Encode(), len(rows), len(want.Hits))
		}
		for _, row := range rows {
			if r := v.Get("region"); r != "" && !strings.Contains(row, `data-label="Регіон">`+r+`<`) {
				t.Errorf("%s: a row of another region:\n%s", v.Encode(), row)
			}
			if fl := v.Get("flag"); fl != "" && !strings.Contains(row, `<span class="flag">`+fl+`</span>`) {
				t.Errorf("%s: a row without %s", v.Encode(), fl)
			}
		}
		csv, _ := url.Parse("/api/2.5/search/tenders?" + risksAPIQuery(api))
		if !strings.Contains(body, `id="risks-csv"`) || !strings.Contains(body, html.EscapeString(csv.String())) {
			t.Errorf("%s: CSV link is not the API's with the same parameters (%s)", v.Encode(), csv)
		}
		// The form keeps the filters it does not show.
		if r := v.Get("region"); r != "" && !strings.Contains(body, `<input type="hidden" name="region" value="`+r+`">`) {
			t.Errorf("%s: the form drops the region", v.Encode())
		}
	}
	// The selected flag is selected in the form.
	_, body := f.get(t, "/risks?flag=R018")
	if !strings.Contains(body, `<option value="R018" selected>`) {
		t.Error("flag R018 not selected in the form")
	}
	// A filter the page has no control for (an organisation's page links
	// buyer=) is said, with a way to drop it.
	var doc search.TenderDoc
	_ = json.Unmarshal(risksSearch(t, f, url.Values{"sort": {"risk"}, "size": {"1"}}).Hits[0], &doc)
	_, body = f.get(t, "/risks?buyer="+doc.Buyer.ID+"&flag="+doc.Flags[0])
	if !strings.Contains(body, `<code>buyer=`+doc.Buyer.ID+`</code> <a href="/risks?flag=`+doc.Flags[0]+`">`) {
		t.Errorf("the buyer filter is not shown with a link dropping it")
	}
	if rows := risksRows(body); len(rows) != 1 || !strings.Contains(rows[0], "/tenders/"+doc.ID) {
		t.Errorf("buyer %s's flagged tenders: %d rows", doc.Buyer.ID, len(rows))
	}
}

// risksAPIQuery is the query the CSV link should carry for api.
func risksAPIQuery(api url.Values) string {
	out := url.Values{}
	for k, v := range api {
		if k != "size" {
			out[k] = v
		}
	}
	out.Set("format", "csv")
	return out.Encode()
}

func TestRisksPaging(t *testing.T) {
	f := seeded(t)
	_, first := f.get(t, "/risks?size=10")
	m := regexp.MustCompile(`href="(/risks\?[^"]*search_after=[^"]*)" rel="next"`).FindStringSubmatch(first)
	if m == nil {
		t.Fatal("no next page link")
	}
	next := html.UnescapeString(m[1])
	if strings.Contains(next, "from=") || !strings.Contains(next, "size=10") {
		t.Errorf("next link %s", next)
	}
	st, second := f.get(t, next)
	if st != 200 {
		t.Fatalf("next page: %d", st)
	}
	seen := map[string]bool{}
	for _, row := range risksRows(first) {
		seen[risksTenderRE.FindStringSubmatch(row)[1]] = true
	}
	rows := risksRows(second)
	if len(rows) != 10 {
		t.Errorf("second page has %d rows", len(rows))
	}
	for _, row := range rows {
		if id := risksTenderRE.FindStringSubmatch(row)[1]; seen[id] {
			t.Errorf("tender %s on both pages", id)
		}
	}
	if !strings.Contains(second, `rel="first"`) {
		t.Error("a cursor page has no link to the first page")
	}
	// Offsets as the API's: from=10 is the second page too.
	_, byOffset := f.get(t, "/risks?size=10&from=10")
	if got := risksRows(byOffset); len(got) != 10 || risksTenderRE.FindStringSubmatch(got[0])[1] != risksTenderRE.FindStringSubmatch(rows[0])[1] {
		t.Error("from=10 and the cursor disagree on the second page")
	}
	if !strings.Contains(byOffset, `href="/risks?size=10" rel="prev"`) {
		t.Error("from=10 has no link back to the first page")
	}
	if !strings.Contains(byOffset, "Показано 11–20.") {
		t.Error("from=10 does not say which rows it shows")
	}
}

func TestRisksBadParameters(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct{ query, name string }{
		{"risk_min=abc", "risk_min"},
		{"foo=1", "foo"},
		{"region=kyiv", "region"},
		{"sort=price", "sort"},
		{"size=1000", "size"},
		{"search_after=bogus", "search_after"},
		{"from=5&search_after=x", "search_after"},
	} {
		st, body := f.get(t, "/risks?"+c.query)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "<li>"+c.name+":") {
			t.Errorf("%s: status %d, want 422 listing %s\n%s", c.query, st, c.name, body)
		}
	}
	// format=csv is the API's download.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(f.srv.URL + "/risks?region=01&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/api/2.5/search/tenders?format=csv&region=01&risk_min=0.001&sort=risk" {
		t.Errorf("format=csv: %d to %q", resp.StatusCode, loc)
	}
}

func TestRisksEnglish(t *testing.T) {
	f := seeded(t)
	st, body := f.get(t, "/risks?lang=en&flag=R018")
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	risksHTMLBasics(t, "/risks?lang=en", body)
	for _, want := range []string{`<html lang="en">`, "Risk queue", "Single bid received", "Tenders with risks found:", "?lang=en\">"} {
		if !strings.Contains(body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	for _, row := range risksRows(body) {
		if !regexp.MustCompile(`href="/organisations/\d+\?lang=en"`).MatchString(row) || !regexp.MustCompile(`href="/tenders/[0-9a-f]+\?lang=en"`).MatchString(row) {
			t.Errorf("row links lose the language:\n%s", row)
		}
		if !regexp.MustCompile(`class="num score"[^>]*>0\.\d+<`).MatchString(row) {
			t.Errorf("English score without a decimal point:\n%s", row)
		}
	}
	if !strings.Contains(body, `<input type="hidden" name="lang" value="en">`) {
		t.Error("the form loses the language")
	}
	if strings.Contains(body, "Черга ризиків") {
		t.Error("Ukrainian text on the English page")
	}
}
