package portal

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// The risk queue: tenders by the summed weight of their red flags, heaviest
// first, filtered with the search API's own parameters (search.ParseQuery),
// so a link to the queue and a link to the API mean the same query.

// Defaults the queue adds to the API's parameters when they are not given.
const (
	risksSort = search.SortRisk
	// risksMin keeps tenders with any flag: scores are sums of weights
	// rounded to thousandths (search.Assessment.Codes), so any positive
	// score is at least 0.001.
	risksMin      = "0.001"
	risksPageSize = 20
)

// risksFacets are the facets the queue shows, each with the API parameter
// its links set.
var risksFacets = []risksFacetParam{
	{search.FacetRegion, "region"},
	{search.FacetProcedure, "proc_type"},
	{search.FacetFlag, "flag"},
	{search.FacetStatus, "status"},
}

type risksFacetParam struct{ facet, param string }

// risksAPIPath is the search API's tenders endpoint (search/api), which the
// queue's CSV and JSON links call with the queue's parameters.
const risksAPIPath = "/api/2.5/search/tenders"

type risksData struct {
	Total    int64
	Rows     []risksRow
	Facets   []risksFacet
	Query    string // the full-text query, for the form
	RiskMin  string // as given; "" when the default applies
	FlagOpts []risksOption
	Hidden   []risksHidden // the other filters, kept by the form
	Others   []risksActive // the filters neither the form nor the facets show
	StatsAt  string
	CSV      string
	JSON     string
	Prev     string
	Next     string
	First    string
	From     int
	Shown    int
}

// risksRow is one tender of the queue.
type risksRow struct {
	URL      string
	Title    string
	TenderID string
	Buyer    string
	BuyerURL string
	Value    string
	Status   string
	Region   string
	Score    string
	Flags    []risksFlag
}

// risksFlag is a flag code with its name in the page's language.
type risksFlag struct{ Code, Name string }

type risksFacet struct {
	Name    string // heading
	Param   string
	AllURL  string
	Active  bool // a value of this facet's parameter is set
	Buckets []risksBucket
}

type risksBucket struct {
	Label  string
	Count  int64
	URL    string
	Active bool
}

type risksOption struct {
	Value, Label string
	Selected     bool
}

type risksHidden struct{ Name, Value string }

// risksActive is a filter set by a link (an organisation's page sends
// buyer= or tenderer=) with the link that drops it.
type risksActive struct{ Name, Value, Remove string }

// risksPage answers GET /risks.
func (s *Server) risksPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, &badRequest{tr(lang, "risks.badQuery")})
		return
	}
	v.Del("lang")
	api := risksDefaults(v)
	if v.Get("format") == search.FormatCSV {
		http.Redirect(w, r, risksAPIURL(api, search.FormatCSV), http.StatusFound)
		return
	}
	pq := risksClone(api)
	pq.Set("facets", strings.Join(risksFacetNames(), ","))
	if strings.TrimSpace(pq.Get("size")) == "" && strings.TrimSpace(pq.Get("limit")) == "" {
		pq.Del("size")
		pq.Del("limit")
		pq.Set("size", strconv.Itoa(risksPageSize))
	}
	q, _, err := search.ParseQuery(search.Tenders, pq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.cfg.Search.Search(r.Context(), q)
	if errors.Is(err, search.ErrBadCursor) {
		s.fail(w, r, tender.Invalid("search_after", "%s", tr(lang, "risks.badCursor")))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := risksData{Total: res.Total, Query: v.Get("query"), From: q.From,
		CSV: risksAPIURL(api, search.FormatCSV), JSON: risksAPIURL(api, "")}
	if rm := strings.TrimSpace(v.Get("risk_min")); rm != "" {
		d.RiskMin = rm
	}
	for _, h := range res.Hits {
		var doc search.TenderDoc
		if err := json.Unmarshal(h, &doc); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Rows = append(d.Rows, risksRowOf(lang, &doc))
	}
	d.Shown = len(d.Rows)
	d.Facets = risksFacetsOf(lang, "/risks", r.URL.RawQuery, v, res.Facets)
	d.FlagOpts = risksFlagOptions(lang, v.Get("flag"))
	for _, name := range risksSortedKeys(v) {
		switch name {
		case "query", "flag", "risk_min", "from", "start", "search_after", "facets", "format":
			continue
		}
		var vals []string
		for _, val := range v[name] {
			if val = strings.TrimSpace(val); val != "" {
				vals = append(vals, val)
				d.Hidden = append(d.Hidden, risksHidden{name, val})
			}
		}
		shown := slices.ContainsFunc(risksFacets, func(f risksFacetParam) bool { return f.param == name }) ||
			slices.Contains([]string{"size", "limit", "sort", "order"}, name)
		if len(vals) > 0 && !shown {
			d.Others = append(d.Others, risksActive{name, strings.Join(vals, ", "), setQuery("/risks", r.URL.RawQuery, name, "")})
		}
	}
	if s.cfg.Risk != nil {
		if _, at := s.cfg.Risk.Stats(r.Context()); !at.IsZero() {
			d.StatsAt = datetime(at)
		}
	}
	if lang == LangEN {
		d.Hidden = append(d.Hidden, risksHidden{"lang", LangEN})
	}
	d.Prev, d.Next, d.First = risksPageLinks(lang, "/risks", v, q, res)
	s.render(w, r, http.StatusOK, "risks", s.common(r, tr(lang, "risks.title"), "risks"), d)
}

// risksDefaults returns the API parameters of the queue: the request's, with
// sort=risk and risk_min when they are not given.
func risksDefaults(v url.Values) url.Values {
	api := risksClone(v)
	if strings.TrimSpace(api.Get("sort")) == "" {
		api.Set("sort", risksSort)
	}
	if strings.TrimSpace(api.Get("risk_min")) == "" {
		api.Set("risk_min", risksMin)
	}
	return api
}

// risksAPIURL is the search API's URL for the queue's filters and order,
// without the page's paging and facets: the CSV export is the whole
// result.
func risksAPIURL(api url.Values, format string) string {
	out := risksClone(api)
	for _, k := range []string{"from", "start", "size", "limit", "search_after", "facets", "format"} {
		out.Del(k)
	}
	if format != "" {
		out.Set("format", format)
	}
	return risksAPIPath + "?" + out.Encode()
}

func risksFacetNames() []string {
	out := make([]string, len(risksFacets))
	for i, f := range risksFacets {
		out[i] = f.facet
	}
	return out
}

func risksFacetsOf(lang, path, rawQuery string, v url.Values, got map[string][]search.Bucket) []risksFacet {
	var out []risksFacet
	for _, f := range risksFacets {
		cur := v.Get(f.param)
		rf := risksFacet{Name: tr(lang, "risks.facet."+f.facet), Param: f.param, Active: cur != "",
			AllURL: setQuery(path, rawQuery, f.param, "")}
		for _, b := range got[f.facet] {
			label := b.Key
			if f.facet == search.FacetFlag {
				label = b.Key + " — " + risksFlagName(lang, b.Key)
			}
			rf.Buckets = append(rf.Buckets, risksBucket{Label: label, Count: b.Count,
				URL: setQuery(path, rawQuery, f.param, b.Key), Active: cur == b.Key})
		}
		out = append(out, rf)
	}
	return out
}

func risksFlagOptions(lang, selected string) []risksOption {
	var out []risksOption
	for _, c := range flags.Codes() {
		out = append(out, risksOption{Value: c.Code, Label: c.Code + " — " + risksFlagName(lang, c.Code), Selected: c.Code == selected})
	}
	return out
}

func risksRowOf(lang string, d *search.TenderDoc) risksRow {
	row := risksRow{URL: withLang(lang, risksTenderPath(d.ID)), Title: d.Title, TenderID: d.TenderID,
		Buyer: d.Buyer.Name, Value: money(lang, d.Amount, d.Currency),
		Status: d.Status, Region: d.Region, Score: risksScore(lang, d.RiskScore), Flags: risksFlagsOf(lang, d.Flags)}
	if row.Title == "" {
		row.Title = risksFirst(d.TenderID, d.ID)
	}
	if row.Buyer == "" {
		row.Buyer = d.Buyer.ID
	}
	if organisationIDValid(d.Buyer.ID) {
		row.BuyerURL = withLang(lang, organisationPath(d.Buyer.ID))
	}
	return row
}

func risksFlagsOf(lang string, codes []string) []risksFlag {
	out := make([]risksFlag, 0, len(codes))
	for _, c := range codes {
		out = append(out, risksFlag{Code: c, Name: risksFlagName(lang, c)})
	}
	return out
}

// risksScore formats a risk score with the language's decimal mark.
func risksScore(lang string, score float64) string {
	s := strconv.FormatFloat(score, 'f', -1, 64)
	if lang == LangUK {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// risksFlagName names a red-flag code in lang.
func risksFlagName(lang, code string) string { return flagName(lang, code) }

// risksPageLinks returns the previous (offset), next (search_after cursor, as
// the API's next_page) and first-page links of a result page of path.
func risksPageLinks(lang, path string, v url.Values, q search.Query, res *search.Result) (prev, next, first string) {
	link := func(set func(url.Values)) string {
		u := risksClone(v)
		u.Del("from")
		u.Del("start")
		u.Del("search_after")
		set(u)
		if lang == LangEN {
			u.Set("lang", LangEN)
		}
		if enc := u.Encode(); enc != "" {
			return path + "?" + enc
		}
		return path
	}
	more := q.After != "" || int64(q.From+len(res.Hits)) < res.Total
	if res.Next != "" && more {
		next = link(func(u url.Values) { u.Set("search_after", res.Next) })
	}
	switch {
	case q.After != "":
		first = link(func(url.Values) {})
	case q.From > 0:
		prev = link(func(u url.Values) {
			if p := q.From - max(q.Size, 1); p > 0 {
				u.Set("from", strconv.Itoa(p))
			}
		})
	}
	return prev, next, first
}

// risksSortedKeys returns v's names in order.
func risksSortedKeys(v url.Values) []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func risksClone(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

func risksFirst(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// risksTenderPath is the portal's page of a tender (or imported process).
func risksTenderPath(id string) string { return "/tenders/" + url.PathEscape(id) }

func init() {
	page("/risks", (*Server).risksPage)
	messages(map[string]string{
		"risks.title":           "Черга ризиків",
		"risks.intro":           "Закупівлі, упорядковані за сумарною вагою червоних прапорців: спершу найризиковіші. Фільтри ті самі, що й у пошуковому API.",
		"risks.badQuery":        "Неправильний рядок запиту.",
		"risks.badCursor":       "Курсор сторінки застарів або неправильний: почніть з першої сторінки.",
		"risks.filters":         "Фільтри черги",
		"risks.query":           "Слова в назві, описі, назвах учасників",
		"risks.flag":            "Червоний прапорець",
		"risks.anyFlag":         "Будь-який",
		"risks.riskMin":         "Мінімальна вага ризику",
		"risks.riskMinHint":     "Порожньо — будь-яка вага понад 0",
		"risks.apply":           "Показати",
		"risks.refine":          "Уточнити",
		"risks.others":          "Також відібрано за параметрами пошукового API:",
		"risks.remove":          "прибрати фільтр %s",
		"risks.statsAt":         "Прапорці, що порівнюють закупівлю з усім набором даних, спираються на статистику від %s.",
		"risks.all":             "усі",
		"risks.facet.region":    "Регіон (поштовий код)",
		"risks.facet.procedure": "Процедура",
		"risks.facet.flag":      "Прапорець",
		"risks.facet.status":    "Статус",
		"risks.results":         "Закупівлі",
		"risks.total":           "Знайдено закупівель з ризиками: %d.",
		"risks.shown":           "Показано %d–%d.",
		"risks.none":            "Немає закупівель з такими ризиками.",
		"risks.col.score":       "Вага ризику",
		"risks.col.flags":       "Прапорці",
		"risks.col.tender":      "Закупівля",
		"risks.col.buyer":       "Замовник",
		"risks.col.value":       "Очікувана вартість",
		"risks.col.status":      "Статус",
		"risks.col.region":      "Регіон",
		"risks.prev":            "Попередня сторінка",
		"risks.next":            "Наступна сторінка",
		"risks.first":           "Перша сторінка",
		"risks.csv":             "Завантажити всю чергу з цими фільтрами (CSV)",
		"risks.json":            "Ця черга у пошуковому API (JSON)",
	}, map[string]string{
		"risks.title":           "Risk queue",
		"risks.intro":           "Tenders ordered by the summed weight of their red flags, riskiest first. The filters are the search API's.",
		"risks.badQuery":        "Malformed query string.",
		"risks.badCursor":       "The page cursor is stale or invalid: start again from the first page.",
		"risks.filters":         "Queue filters",
		"risks.query":           "Words in titles, descriptions, names",
		"risks.flag":            "Red flag",
		"risks.anyFlag":         "Any",
		"risks.riskMin":         "Minimum risk weight",
		"risks.riskMinHint":     "Empty: any weight above 0",
		"risks.apply":           "Show",
		"risks.refine":          "Refine",
		"risks.others":          "Also filtered by search API parameters:",
		"risks.remove":          "remove filter %s",
		"risks.statsAt":         "Flags that compare a tender with the whole dataset use the statistics of %s.",
		"risks.all":             "all",
		"risks.facet.region":    "Region (postal code)",
		"risks.facet.procedure": "Procedure",
		"risks.facet.flag":      "Flag",
		"risks.facet.status":    "Status",
		"risks.results":         "Tenders",
		"risks.total":           "Tenders with risks found: %d.",
		"risks.shown":           "Showing %d–%d.",
		"risks.none":            "No tenders with such risks.",
		"risks.col.score":       "Risk weight",
		"risks.col.flags":       "Flags",
		"risks.col.tender":      "Tender",
		"risks.col.buyer":       "Buyer",
		"risks.col.value":       "Expected value",
		"risks.col.status":      "Status",
		"risks.col.region":      "Region",
		"risks.prev":            "Previous page",
		"risks.next":            "Next page",
		"risks.first":           "First page",
		"risks.csv":             "Download the whole queue with these filters (CSV)",
		"risks.json":            "This queue in the search API (JSON)",
	})
}
