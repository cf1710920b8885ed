package portal

import (
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// organisationPair finds, in the contracts index, a seeded buyer with an
// active award and the supplier of that award who won at least twice (so
// that it has two buyers to rank).
func organisationPair(t *testing.T, f *fixture) (buyer, supplier search.Org, won *search.Result) {
	t.Helper()
	ctx := context.Background()
	all, err := f.backend.Search(ctx, search.Query{Index: search.Contracts, Size: 0,
		Filters: []search.Filter{{Field: "status", Op: search.OpTerm, Values: []string{"active"}}}, Facets: []string{search.FacetSupplier}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all.Facets[search.FacetSupplier] {
		if b.Count < 2 {
			continue
		}
		won, err = f.backend.Search(ctx, search.Query{Index: search.Contracts, Size: 10,
			Filters: []search.Filter{{Field: "suppliers.id", Op: search.OpTerm, Values: []string{b.Key}}, {Field: "status", Op: search.OpTerm, Values: []string{"active"}}},
			Facets:  []string{search.FacetBuyer, search.FacetMonth}})
		if err != nil {
			t.Fatal(err)
		}
		var c search.ContractDoc
		if err := json.Unmarshal(won.Hits[0], &c); err != nil {
			t.Fatal(err)
		}
		for _, s := range c.Suppliers {
			if s.ID == b.Key {
				supplier = s
			}
		}
		return c.Buyer, supplier, won
	}
	t.Fatal("no supplier with two awards in the fixture")
	return
}

func TestOrganisationBuyer(t *testing.T) {
	f := seeded(t)
	buyer, supplier, _ := organisationPair(t, f)
	st, body := f.get(t, "/organisations/"+buyer.ID)
	if st != 200 {
		t.Fatalf("status %d\n%s", st, body)
	}
	risksHTMLBasics(t, "buyer page", body)
	if !strings.Contains(body, `<h1 id="org-name">`+html.EscapeString(buyer.Name)+`</h1>`) {
		t.Errorf("h1 is not the buyer's name %q", buyer.Name)
	}
	if !strings.Contains(body, `<title>`+html.EscapeString(buyer.Name)+` — `) {
		t.Error("the page title is not the buyer's name")
	}

	tenders := risksSearch(t, f, url.Values{"buyer": {buyer.ID}, "facets": {"month,flag"}})
	if tenders.Total == 0 {
		t.Fatal("the buyer has no tenders")
	}
	var td search.TenderDoc
	_ = json.Unmarshal(tenders.Hits[0], &td)
	sec := organisationSection(t, body, `id="org-tenders"`)
	for _, want := range []string{`href="/tenders/` + td.ID + `"`, html.EscapeString(td.Title), td.TenderID, money(LangUK, td.Amount, td.Currency), "status-" + td.Status} {
		if !strings.Contains(sec, want) {
			t.Errorf("tenders table lacks %q", want)
		}
	}
	for _, code := range td.Flags {
		if !strings.Contains(body, `<a href="/risks?buyer=`+buyer.ID+`&amp;flag=`+code+`">`) {
			t.Errorf("no link to the buyer's tenders with flag %s", code)
		}
	}

	// Its contracts, with the supplier linked to its own page.
	sec = organisationSection(t, body, `id="org-buyer-contracts"`)
	if !strings.Contains(sec, `<a href="/organisations/`+supplier.ID+`">`+html.EscapeString(supplier.Name)+`</a>`) {
		t.Errorf("buyer's contracts do not link the supplier %s:\n%s", supplier.ID, sec)
	}
	if !strings.Contains(organisationSection(t, body, `id="org-top-suppliers"`), `/organisations/`+supplier.ID) {
		t.Error("the supplier is not among the top suppliers")
	}

	// Totals by year: the month facets folded.
	contracts, err := f.backend.Search(context.Background(), search.Query{Index: search.Contracts,
		Filters: []search.Filter{{Field: "buyer.id", Op: search.OpTerm, Values: []string{buyer.ID}}, {Field: "status", Op: search.OpTerm, Values: []string{"active"}}},
		Facets:  []string{search.FacetMonth}})
	if err != nil {
		t.Fatal(err)
	}
	years := organisationSection(t, body, `id="org-years"`)
	for _, m := range tenders.Facets[search.FacetMonth] {
		if !strings.Contains(years, `<th scope="row" data-label="Рік">`+m.Key[:4]+`</th>`) {
			t.Errorf("no row for year %s", m.Key[:4])
		}
	}
	if len(tenders.Facets[search.FacetMonth]) == 1 && len(contracts.Facets[search.FacetMonth]) == 1 {
		for _, want := range []string{money(LangUK, tenders.Facets[search.FacetMonth][0].Sum["UAH"], "UAH"),
			money(LangUK, contracts.Facets[search.FacetMonth][0].Sum["UAH"], "UAH")} {
			if !strings.Contains(years, want) {
				t.Errorf("years table lacks %q:\n%s", want, years)
			}
		}
	}

	// Charts: server-side SVG with the exact sums in their labels.
	if n := strings.Count(body, `<svg class="chart"`); n != 4 {
		t.Errorf("%d charts, want 4 (monthly value and count, by procedure, by CPV division)", n)
	}
	for _, want := range []string{"Витрати за видом процедури", "Витрати за розділом CPV", "belowThreshold: "} {
		if !strings.Contains(body, want) {
			t.Errorf("charts lack %q", want)
		}
	}
	if strings.Contains(body, "org-supplier-contracts") {
		t.Error("a buyer that won nothing has a table of contracts as supplier")
	}
}

func TestOrganisationSupplier(t *testing.T) {
	f := seeded(t)
	_, supplier, won := organisationPair(t, f)
	st, body := f.get(t, "/organisations/"+supplier.ID+"?lang=en")
	if st != 200 {
		t.Fatalf("status %d\n%s", st, body)
	}
	risksHTMLBasics(t, "supplier page", body)
	if !strings.Contains(body, "Contracts won as supplier</dt><dd>"+strconv.FormatInt(won.Total, 10)+"</dd>") {
		t.Errorf("supplier's contract count %d not shown", won.Total)
	}
	top := organisationSection(t, body, `id="org-top-buyers"`)
	for _, b := range won.Facets[search.FacetBuyer] {
		row := `<a href="/organisations/` + b.Key + `?lang=en">`
		if !strings.Contains(top, row) || !strings.Contains(top, money(LangEN, b.Sum["UAH"], "UAH")) {
			t.Errorf("top buyers lack %s with %s:\n%s", b.Key, b.Sum["UAH"], top)
		}
	}
	if strings.Contains(top, `>`+won.Facets[search.FacetBuyer][0].Key+`</a>`) {
		t.Error("a top buyer is shown by its id, not its name")
	}
	var total string
	for _, m := range won.Facets[search.FacetMonth] {
		total = m.Sum["UAH"]
	}
	if len(won.Facets[search.FacetMonth]) == 1 && !strings.Contains(organisationSection(t, body, `id="org-years"`), money(LangEN, total, "UAH")) {
		t.Errorf("years table lacks the supplier's total %s", total)
	}
	for _, want := range []string{`<html lang="en">`, "Income as supplier", "Contracts by CPV division", "Flags on tenders it bid in", `href="/risks?flag=`} {
		if !strings.Contains(body, want) {
			t.Errorf("English supplier page lacks %q", want)
		}
	}
	if strings.Contains(body, "Постачальник</dt>") || strings.Contains(body, "Підсумки") {
		t.Error("Ukrainian text on the English page")
	}
}

// TestOrganisationOwnFlags: the organisation-level flags come from the
// dataset statistics, with what they rest on.
func TestOrganisationOwnFlags(t *testing.T) {
	f := seeded(t)
	buyer, supplier, _ := organisationPair(t, f)
	ctx := context.Background()
	state := search.NewMemoryState()
	st := flags.Stats{
		Tenderer: map[string]map[string]flags.Result{supplier.ID: {
			"PZ3":  {Value: 3, Denominator: 3, Buyer: buyer.ID},
			"R038": {Value: 0.75, Numerator: 3, Denominator: 4},
		}},
		Buyer: map[string]map[string]flags.Result{buyer.ID: {"PZ4": {Value: 1, Splits: []string{buyer.ID + "|4461|2026|goods_services"}}}},
		Splits: map[string]flags.Split{buyer.ID + "|4461|2026|goods_services": {Buyer: buyer.ID, Classification: "4461", Year: 2026,
			Kind: "goods_services", Currency: "UAH", Total: tender.MustAmount("450000"), Threshold: tender.MustAmount("400000"), Processes: 3}},
	}
	raw, _ := json.Marshal(st)
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	if err := state.SetStats(ctx, raw, at); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Config{Search: f.backend, Tenders: f.svc, Risk: search.NewRisk(flags.DefaultSettings(), state)}))
	defer srv.Close()
	g := &fixture{srv: srv}

	_, body := g.get(t, "/organisations/"+supplier.ID)
	own := organisationSection(t, body, `id="org-own-flags"`)
	for _, want := range []string{
		`<span class="flag">PZ3</span> ` + flagName(LangUK, "PZ3"), "Усі 3 перемог — в одного замовника:",
		`<a href="/organisations/` + buyer.ID + `">`, `<span class="flag">R038</span>`, "Відхилено 3 з 4 поданих пропозицій (частка 0.75).", "учасник",
	} {
		if !strings.Contains(own, want) {
			t.Errorf("supplier's own flags lack %q:\n%s", want, own)
		}
	}
	if strings.Index(own, "R038") > strings.Index(own, "PZ3") {
		t.Error("own flags are not in the catalogue's order (R038 before PZ3)")
	}
	if !strings.Contains(body, "Статистику обчислено 2026-03-02 10:00.") {
		t.Error("no Kyiv time of the statistics")
	}
	_, body = g.get(t, "/organisations/"+buyer.ID+"?lang=en")
	own = organisationSection(t, body, `id="org-own-flags"`)
	for _, want := range []string{"PZ4", "Split purchases", "buyer", "CPV 4461, 2026: 3 purchases totalling 450,000.00\u00a0UAH (threshold 400,000.00\u00a0UAH)"} {
		if !strings.Contains(own, want) {
			t.Errorf("buyer's own flags lack %q:\n%s", want, own)
		}
	}
	// Without statistics the page says so; without a Risk it says nothing.
	_, body = f.get(t, "/organisations/"+buyer.ID)
	if !strings.Contains(body, "Статистика набору даних не позначила цю організацію.") {
		t.Error("an unflagged organisation is not said to be unflagged")
	}
}

func TestOrganisationPaging(t *testing.T) {
	f := seeded(t)
	af := auctionsUpcoming(t) // two tenders of one buyer
	id := af.plain.ProcuringEntity.Identifier.ID
	_, first := f.get(t, "/organisations/"+id)
	if !strings.Contains(first, "Показано 1–2 з 2.") {
		t.Errorf("first page does not show both tenders")
	}
	_, second := f.get(t, "/organisations/"+id+"?from=1&lang=en")
	sec := organisationSection(t, second, `id="org-tenders"`)
	if strings.Count(sec, `href="/tenders/`) != 1 || !strings.Contains(second, "Showing 2–2 of 2.") {
		t.Errorf("from=1 shows:\n%s", sec)
	}
	if !strings.Contains(second, `href="/organisations/`+id+`?lang=en" rel="prev"`) {
		t.Error("from=1 has no link back")
	}
	// Sealed: the bidders of a tender in active.auction are unknown to the
	// portal, and so is anything about them.
	for _, secret := range []string{af.bidder.Identifier.ID, "44444402"} {
		if st, _ := f.get(t, "/organisations/"+secret); st != 404 {
			t.Errorf("sealed bidder %s: status %d, want 404", secret, st)
		}
	}
	if strings.Contains(first, af.bidder.Name) {
		t.Error("a sealed bidder's name is on its buyer's page")
	}
}

func TestOrganisationErrors(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct {
		path   string
		status int
		text   string
	}{
		{"/organisations/99999999", 404, "Сторінку не знайдено"},
		{"/organisations/99999999?lang=en", 404, "Page not found"},
		{"/organisations/" + url.PathEscape("<script>"), 400, "Неправильний ідентифікатор"},
		{"/organisations/a%20b", 400, "Неправильний ідентифікатор"},
		{"/organisations/1,2", 400, "Неправильний ідентифікатор"},
		{"/organisations/" + strings.Repeat("1", 65), 400, "Неправильний ідентифікатор"},
		{"/organisations/10000003?from=-1", 422, "from:"},
		{"/organisations/10000003?from=abc", 422, "from:"},
		{"/organisations/10000003?size=5", 422, "size:"},
		{"/organisations/10000003?from=20000", 422, "from:"},
	} {
		st, body := f.get(t, c.path)
		if st != c.status || !strings.Contains(body, c.text) {
			t.Errorf("%s: %d, want %d with %q\n%s", c.path, st, c.status, c.text, body)
		}
	}
	st, body := f.get(t, "/organisations/10000003?a=1&b=2")
	if st != 422 || !strings.Contains(body, "<li>a:") || !strings.Contains(body, "<li>b:") {
		t.Errorf("two unknown parameters: %d, want 422 naming both", st)
	}
	// Cyrillic letters (passports of individuals) are identifiers too.
	if st, _ := f.get(t, "/organisations/"+url.PathEscape("ВН123456")); st != 404 {
		t.Errorf("a passport-like id: %d, want 404 (valid, unknown)", st)
	}
}

// organisationSection returns the table or list whose opening tag holds
// marker, up to its end tag.
func organisationSection(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s on the page", marker)
	}
	open := strings.LastIndex(body[:i], "<")
	tag, _, _ := strings.Cut(body[open+1:i], " ")
	s := body[open:]
	if j := strings.Index(s, "</"+tag+">"); j >= 0 {
		return s[:j]
	}
	return s
}
