package portal

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// The search page: GET /search (tenders) and GET /search?index=contracts.
//
// Its parameters are the search API's (search.ParseQuery reads them, so a
// link copied from the portal to /api/2.5/search/... means the same), plus
// the portal's own, which are translated away before parsing: lang, index,
// and value_min/value_max (the form's two boxes for value=MIN-MAX).

// searchPageSize is how many results a page shows unless size says
// otherwise.
const searchPageSize = 20

// searchFacetParams maps each facet of the sidebar to the API parameter
// that filters by its keys, in the order the sidebar shows them.
var searchFacetParams = []struct{ facet, param string }{
	{search.FacetStatus, "status"},
	{search.FacetProcedure, "proc_type"},
	{search.FacetFlag, "flag"},
	{search.FacetRegion, "region"},
	{search.FacetCPV, "cpv_like"},
	{search.FacetBuyer, "edrpou"},
	{search.FacetSupplier, "supplier"},
}

// searchFacetShown is how many values of a facet the sidebar lists.
var searchFacetShown = map[string]int{search.FacetBuyer: 10, search.FacetSupplier: 10, search.FacetCPV: 20, search.FacetRegion: 30}

// searchNotFilters are the API parameters that order or page rather than
// filter: they are not listed among the active filters.
var searchNotFilters = []string{"lang", "index", "sort", "order", "from", "start", "size", "limit", "search_after", "facets", "format", "_"}

func init() {
	page("/search", (*Server).searchPage)
}

// searchData is the search template's data.
type searchData struct {
	Contracts bool
	Text      string // the full-text query
	Form      searchForm
	Active    []searchActive
	ResetURL  string
	OtherURL  string // the same text query in the other index

	Total      int64
	TotalText  string
	RangeText  string // "21–40 of 60", or what a cursor page shows
	Rows       []searchRow
	Prev, Next string
	First      string // back to the first page (cursor pages have no previous)
	PageSize   int
	CSV, JSON  string
	Facets     []searchFacet
	Charts     []searchChart
	MainCurr   string
	HasFilters bool
}

// searchForm is the filter form's current values and choices.
type searchForm struct {
	Query, CPV, Buyer, Supplier, ValueMin, ValueMax, DateStart, DateEnd string

	Status, ContractStatus, ProcType, Region, Flag, Sort, Order []searchOption
	Hidden                                                      []searchHidden
}

type searchOption struct {
	Value, Label string
	Selected     bool
}

type searchHidden struct{ Name, Value string }

// searchActive is one filter in force and the link that drops it.
type searchActive struct {
	Label, Value, Remove string
}

// searchRow is one result.
type searchRow struct {
	ID, Title, URL, OCID, TenderID string
	Source                         string // "" for our own
	Buyer                          searchOrgLink
	Suppliers                      []searchOrgLink
	Value                          string
	Status, StatusCode             string
	ContractStatus                 string
	Deadline, Signed               string
	Flags                          []searchFlag
}

type searchOrgLink struct{ Name, ID, URL string }

type searchFlag struct{ Code, Name string }

// searchFacet is one group of the sidebar.
type searchFacet struct {
	Name, Title string
	Items       []searchFacetItem
	More        int
}

type searchFacetItem struct {
	Label, Count, Sum, URL string
	Active                 bool
}

// searchChart is a chart and its figures as a table.
type searchChart struct {
	ID, Title string
	SVG       string
	Head      []string
	Rows      []searchChartRow
}

type searchChartRow struct {
	Label, Link string
	Cells       []string
}

// searchPage answers GET /search.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	raw, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, &badRequest{tr(lang, "search.badQuery")})
		return
	}
	cv, idx, err := searchCanonical(lang, raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api := searchAPIValues(cv)
	if !api.Has("size") && !api.Has("limit") {
		api.Set("size", strconv.Itoa(searchPageSize))
	}
	q, _, err := search.ParseQuery(idx, api)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.Facets = []string{search.FacetStatus, search.FacetProcedure, search.FacetRegion, search.FacetCPV,
		search.FacetBuyer, search.FacetSupplier, search.FacetFlag, search.FacetMonth}
	res, err := s.cfg.Search.Search(r.Context(), q)
	if errors.Is(err, search.ErrBadCursor) {
		s.fail(w, r, &badRequest{tr(lang, "search.badCursor")})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.searchView(r.Context(), lang, idx, cv, q, res)
	nav, title := "search", tr(lang, "search.title.tenders")
	if idx == search.Contracts {
		nav, title = "contracts", tr(lang, "search.title.contracts")
	}
	s.render(w, r, http.StatusOK, "search", s.common(r, title, nav), d)
}

// searchCanonical drops empty parameters, reads the portal's own (index,
// lang, value_min, value_max) and returns the parameters every link of the
// page starts from: the API's as given, value folded from its two boxes,
// and lang=en on English pages.
func searchCanonical(lang string, raw url.Values) (url.Values, search.Index, error) {
	v := url.Values{}
	for k, vals := range raw {
		for _, x := range vals {
			if strings.TrimSpace(x) != "" {
				v[k] = append(v[k], x)
			}
		}
	}
	idx := search.Tenders
	switch v.Get("index") {
	case "", string(search.Tenders):
		v.Del("index")
	case string(search.Contracts):
		idx = search.Contracts
		v.Set("index", string(search.Contracts))
	default:
		return nil, "", &tender.Error{Code: tender.CodeInvalid, Errors: []tender.FieldError{{
			Location: "query", Name: "index", Description: []string{"Value must be one of: tenders, contracts"}}}}
	}
	v.Del("lang")
	if lang == LangEN {
		v.Set("lang", LangEN)
	}
	lo, hi := searchAmount(v.Get("value_min")), searchAmount(v.Get("value_max"))
	v.Del("value_min")
	v.Del("value_max")
	if lo != "" || hi != "" {
		v.Add("value", lo+"-"+hi)
	}
	return v, idx, nil
}

// searchAmount reads an amount typed into a value box the way people
// type it: "1 000 000,50" is 1000000.50.
func searchAmount(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'':
			return -1
		case ',':
			return '.'
		}
		return r
	}, s)
	return s
}

// searchAPIValues is cv without the portal's parameters: what ParseQuery
// and the API links get.
func searchAPIValues(cv url.Values) url.Values {
	api := url.Values{}
	for k, vals := range cv {
		if k != "lang" && k != "index" {
			api[k] = slices.Clone(vals)
		}
	}
	return api
}

// searchURL is /search with cv changed by edit.
func searchURL(cv url.Values, edit func(v url.Values)) string {
	v := url.Values{}
	for k, vals := range cv {
		v[k] = slices.Clone(vals)
	}
	if edit != nil {
		edit(v)
	}
	if enc := v.Encode(); enc != "" {
		return "/search?" + enc
	}
	return "/search"
}

// searchFilterURL is a link that changes one filter: the page goes back to
// the first one.
func searchFilterURL(cv url.Values, edit func(v url.Values)) string {
	return searchURL(cv, func(v url.Values) {
		v.Del("from")
		v.Del("start")
		v.Del("search_after")
		edit(v)
	})
}

// searchSplit is the values of a multi-valued parameter as ParseQuery
// reads them: repeats and comma lists.
func searchSplit(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// searchView builds the page's data from the query and its result.
func (s *Server) searchView(ctx context.Context, lang string, idx search.Index, cv url.Values, q search.Query, res *search.Result) *searchData {
	d := &searchData{Contracts: idx == search.Contracts, Text: q.Text, Total: res.Total, PageSize: q.Size}
	d.TotalText = searchNum(lang, res.Total)
	d.ResetURL = searchURL(url.Values{}, func(v url.Values) {
		if idx == search.Contracts {
			v.Set("index", string(search.Contracts))
		}
		if lang == LangEN {
			v.Set("lang", LangEN)
		}
	})
	d.OtherURL = searchURL(url.Values{}, func(v url.Values) {
		if idx == search.Tenders {
			v.Set("index", string(search.Contracts))
		}
		if lang == LangEN {
			v.Set("lang", LangEN)
		}
		if q.Text != "" {
			v.Set("query", q.Text)
		}
	})
	d.Form = searchFormOf(lang, idx, cv, q, res)
	d.Active = searchActiveOf(lang, idx, cv)
	d.HasFilters = len(d.Active) > 0

	for _, h := range res.Hits {
		if row, ok := searchRowOf(lang, idx, h); ok {
			d.Rows = append(d.Rows, row)
		}
	}
	searchPaging(lang, d, cv, q, res)

	api := searchAPIValues(cv)
	for _, k := range []string{"from", "start", "search_after", "size", "limit", "facets", "format"} {
		api.Del(k)
	}
	base := "/api/2.5/search/" + string(idx)
	if enc := api.Encode(); enc != "" {
		d.JSON = base + "?" + enc
	} else {
		d.JSON = base
	}
	api.Set("format", search.FormatCSV)
	d.CSV = base + "?" + api.Encode()

	if res.Total > 0 {
		d.MainCurr = searchMainCurrency(res.Facets)
		names := s.searchOrgNames(ctx, idx, res)
		d.Facets = searchFacetsOf(lang, idx, cv, res, d.MainCurr, names)
		d.Charts = searchChartsOf(lang, cv, res, d.MainCurr)
	}
	return d
}

// searchPaging sets the previous and next links: by offset while the next
// page stays within search.MaxWindow, then by the backend's cursor.
func searchPaging(lang string, d *searchData, cv url.Values, q search.Query, res *search.Result) {
	n := len(res.Hits)
	if q.After != "" {
		d.RangeText = tr(lang, "search.deepRange", searchNum(lang, int64(n)), d.TotalText)
		d.First = searchURL(cv, func(v url.Values) { v.Del("search_after"); v.Del("from"); v.Del("start") })
		if res.Next != "" && n == q.Size {
			d.Next = searchURL(cv, func(v url.Values) { v.Set("search_after", res.Next) })
		}
		return
	}
	if n > 0 {
		d.RangeText = tr(lang, "search.range", searchNum(lang, int64(q.From+1)), searchNum(lang, int64(q.From+n)), d.TotalText)
	}
	if q.From > 0 {
		prev := max(q.From-q.Size, 0)
		d.Prev = searchURL(cv, func(v url.Values) {
			v.Del("start")
			v.Del("search_after")
			if prev == 0 {
				v.Del("from")
			} else {
				v.Set("from", strconv.Itoa(prev))
			}
		})
	}
	if int64(q.From+n) >= res.Total || n == 0 {
		return
	}
	next := q.From + q.Size
	switch {
	case next+q.Size <= search.MaxWindow:
		d.Next = searchURL(cv, func(v url.Values) { v.Del("start"); v.Set("from", strconv.Itoa(next)) })
	case res.Next != "":
		d.Next = searchURL(cv, func(v url.Values) { v.Del("start"); v.Del("from"); v.Set("search_after", res.Next) })
	}
}

// searchRowOf reads one hit for the results table.
func searchRowOf(lang string, idx search.Index, hit json.RawMessage) (searchRow, bool) {
	var row searchRow
	if idx == search.Contracts {
		var c search.ContractDoc
		if json.Unmarshal(hit, &c) != nil {
			return row, false
		}
		row = searchRow{ID: c.ID, Title: c.Title, OCID: c.OCID, TenderID: c.TenderID,
			Buyer: searchOrg(lang, c.Buyer), Value: money(lang, c.Amount, c.Currency),
			StatusCode: c.Status, Status: searchLabel(lang, "search.status.award.", c.Status),
			Signed: date(c.DateSigned), Flags: searchFlags(lang, c.Flags)}
		if c.ContractStatus != "" {
			row.ContractStatus = searchLabel(lang, "search.status.contract.", c.ContractStatus)
		}
		for _, o := range c.Suppliers {
			row.Suppliers = append(row.Suppliers, searchOrg(lang, o))
		}
		switch {
		case c.Source == "local" || c.Source == "":
			row.URL = withLang(lang, "/tenders/"+url.PathEscape(c.Tender))
		default:
			row.Source = c.Source
			if c.OCID != "" {
				row.URL = searchURL(nil, func(v url.Values) {
					v.Set("ocid", c.OCID)
					if lang == LangEN {
						v.Set("lang", LangEN)
					}
				})
			}
		}
	} else {
		var t search.TenderDoc
		if json.Unmarshal(hit, &t) != nil {
			return row, false
		}
		row = searchRow{ID: t.ID, Title: t.Title, OCID: t.OCID, TenderID: t.TenderID,
			Buyer: searchOrg(lang, t.Buyer), Value: money(lang, t.Amount, t.Currency),
			StatusCode: t.Status, Status: searchLabel(lang, "search.status.tender.", t.Status),
			Deadline: datetime(t.TenderEnd), Flags: searchFlags(lang, t.Flags)}
		if t.Source == "local" || t.Source == "" {
			row.URL = withLang(lang, "/tenders/"+url.PathEscape(t.ID))
		} else {
			row.Source = t.Source
		}
	}
	if row.Title == "" {
		row.Title = cmp.Or(row.TenderID, row.OCID, row.ID)
	}
	return row, true
}

func searchOrg(lang string, o search.Org) searchOrgLink {
	l := searchOrgLink{Name: o.Name, ID: o.ID}
	if l.Name == "" {
		l.Name = o.ID
	}
	if o.ID != "" {
		l.URL = withLang(lang, "/organisations/"+url.PathEscape(o.ID))
	}
	return l
}

// searchFlagName is the indicator's name in lang.
func searchFlagName(lang, code string) string { return flagName(lang, code) }

func searchFlags(lang string, codes []string) []searchFlag {
	out := make([]searchFlag, 0, len(codes))
	for _, c := range codes {
		out = append(out, searchFlag{Code: c, Name: searchFlagName(lang, c)})
	}
	return out
}

// searchLabel translates a code under prefix, or shows the code.
func searchLabel(lang, prefix, code string) string {
	if code == "" {
		return tr(lang, "none")
	}
	if s := tr(lang, prefix+code); s != prefix+code {
		return s
	}
	return code
}

// searchRegionName names a region key or range (01, 01-06) or a
// postal-code prefix.
func searchRegionName(lang, key string) string {
	code := key
	if lo, _, ok := strings.Cut(key, "-"); ok {
		code = lo
	}
	if len(code) >= 2 {
		if n, err := strconv.Atoi(code[:2]); err == nil {
			for _, r := range searchRegions {
				if n >= r.from && n <= r.to {
					name := r.uk
					if lang == LangEN {
						name = r.en
					}
					return name + " (" + key + ")"
				}
			}
		}
	}
	return key
}

// searchCPVName names a CPV division.
func searchCPVName(lang, div string) string {
	if s := tr(lang, "search.cpv."+div); s != "search.cpv."+div {
		return div + " " + s
	}
	return div
}

// searchNum writes a count with the language's digit grouping.
func searchNum(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == LangUK {
		sep = "\u00a0"
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// searchMainCurrency is the currency the charts draw: UAH when the result
// has any, else the one in most months.
func searchMainCurrency(facets map[string][]search.Bucket) string {
	seen := map[string]int{}
	for _, b := range facets[search.FacetMonth] {
		for c := range b.Sum {
			seen[c]++
		}
	}
	if seen["UAH"] > 0 || len(seen) == 0 {
		return "UAH"
	}
	best := ""
	for c, n := range seen {
		if best == "" || n > seen[best] || (n == seen[best] && c < best) {
			best = c
		}
	}
	return best
}

// searchSums writes a bucket's sums, the main currency first.
func searchSums(lang string, sum map[string]string, main string) string {
	curs := make([]string, 0, len(sum))
	for c := range sum {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool {
		if (curs[i] == main) != (curs[j] == main) {
			return curs[i] == main
		}
		return curs[i] < curs[j]
	})
	parts := make([]string, 0, len(curs))
	for _, c := range curs {
		parts = append(parts, money(lang, sum[c], c))
	}
	return strings.Join(parts, "; ")
}

// searchFloat is a sum for drawing only.
func searchFloat(s string) float64 {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0
	}
	return d.InexactFloat64()
}

// searchOrgNames finds the names of the buyers and suppliers the sidebar
// lists, which the facets know only by identifier: from this page's hits,
// then from one search for the rest.
func (s *Server) searchOrgNames(ctx context.Context, idx search.Index, res *search.Result) map[string]string {
	names := map[string]string{}
	learn := func(hit json.RawMessage) {
		var doc struct {
			Buyer     search.Org   `json:"buyer"`
			Suppliers []search.Org `json:"suppliers"`
		}
		if json.Unmarshal(hit, &doc) != nil {
			return
		}
		for _, o := range append(doc.Suppliers, doc.Buyer) {
			if o.ID != "" && o.Name != "" && names[o.ID] == "" {
				names[o.ID] = o.Name
			}
		}
	}
	for _, h := range res.Hits {
		learn(h)
	}
	for _, fc := range []struct{ facet, field string }{{search.FacetBuyer, "buyer.id"}, {search.FacetSupplier, "suppliers.id"}} {
		var missing []string
		for i, b := range res.Facets[fc.facet] {
			if i >= searchFacetShown[fc.facet] {
				break
			}
			if names[b.Key] == "" {
				missing = append(missing, b.Key)
			}
		}
		if len(missing) == 0 {
			continue
		}
		r, err := s.cfg.Search.Search(ctx, search.Query{Index: idx, Sort: search.SortDate, Desc: true, Size: search.MaxSize,
			Filters: []search.Filter{{Field: fc.field, Op: search.OpTerm, Values: missing}},
			Fields:  []string{"buyer", "suppliers"}})
		if err != nil {
			s.cfg.Log.Warn("portal: search: organisation names", "err", err)
			continue
		}
		for _, h := range r.Hits {
			learn(h)
		}
	}
	return names
}

// searchFacetsOf builds the sidebar: each value links to the result with
// that filter, the active one to the result without it.
func searchFacetsOf(lang string, idx search.Index, cv url.Values, res *search.Result, main string, names map[string]string) []searchFacet {
	var out []searchFacet
	for _, fp := range searchFacetParams {
		buckets := res.Facets[fp.facet]
		if len(buckets) == 0 {
			continue
		}
		f := searchFacet{Name: fp.facet, Title: tr(lang, "search.facet."+fp.facet)}
		active := searchSplit(cv[fp.param])
		shown := searchFacetShown[fp.facet]
		if shown == 0 {
			shown = len(buckets)
		}
		for i, b := range buckets {
			on := slices.Contains(active, b.Key)
			if i >= shown && !on {
				f.More++
				continue
			}
			it := searchFacetItem{Label: searchFacetLabel(lang, idx, fp.facet, b.Key, names), Count: searchNum(lang, b.Count),
				Sum: searchSums(lang, b.Sum, main), Active: on}
			key := b.Key
			if on {
				rest := slices.DeleteFunc(slices.Clone(active), func(s string) bool { return s == key })
				it.URL = searchFilterURL(cv, func(v url.Values) {
					v.Del(fp.param)
					if len(rest) > 0 {
						v.Set(fp.param, strings.Join(rest, ","))
					}
				})
			} else {
				it.URL = searchFilterURL(cv, func(v url.Values) { v.Set(fp.param, key) })
			}
			f.Items = append(f.Items, it)
		}
		out = append(out, f)
	}
	return out
}

// searchFacetLabel names a facet value for people.
func searchFacetLabel(lang string, idx search.Index, facet, key string, names map[string]string) string {
	switch facet {
	case search.FacetStatus:
		if idx == search.Contracts {
			return searchLabel(lang, "search.status.award.", key)
		}
		return searchLabel(lang, "search.status.tender.", key)
	case search.FacetProcedure:
		return searchLabel(lang, "search.proc.", key)
	case search.FacetRegion:
		return searchRegionName(lang, key)
	case search.FacetCPV:
		return searchCPVName(lang, key)
	case search.FacetFlag:
		return key + " " + searchFlagName(lang, key)
	case search.FacetBuyer, search.FacetSupplier:
		if n := names[key]; n != "" {
			return n + " (" + key + ")"
		}
	}
	return key
}

// searchChartsOf draws the result: monthly volume and count, spending by
// procedure and by CPV division, each with its figures as a table.
func searchChartsOf(lang string, cv url.Values, res *search.Result, main string) []searchChart {
	var out []searchChart
	months := monthSeries(res.Facets[search.FacetMonth], searchMonthsMax)
	if len(months) > 0 {
		vol := searchChart{ID: "search-chart-month-sum", Title: tr(lang, "search.chart.monthSum", main),
			Head: []string{tr(lang, "search.col.month"), tr(lang, "search.col.sum", main)}}
		cnt := searchChart{ID: "search-chart-month-count", Title: tr(lang, "search.chart.monthCount"),
			Head: []string{tr(lang, "search.col.month"), tr(lang, "search.col.count")}}
		var vp, cp []Point
		anySum := false
		for _, m := range months {
			sum := m.Sum[main]
			if sum != "" {
				anySum = true
			}
			text := money(lang, cmp.Or(sum, "0"), main)
			vp = append(vp, Point{Label: m.Key, Value: searchFloat(sum), Text: text})
			vol.Rows = append(vol.Rows, searchChartRow{Label: m.Key, Cells: []string{text}})
			ct := searchNum(lang, m.Count)
			cp = append(cp, Point{Label: m.Key, Value: float64(m.Count), Text: ct})
			cnt.Rows = append(cnt.Rows, searchChartRow{Label: m.Key, Cells: []string{ct}})
		}
		vol.SVG = ColumnChart(vol.Title, vp)
		cnt.SVG = ColumnChart(cnt.Title, cp)
		if anySum {
			out = append(out, vol)
		}
		out = append(out, cnt)
	}
	bars := func(id, title, head, param string, buckets []search.Bucket, label func(string) string, limit int) {
		buckets = slices.Clone(buckets)
		sort.SliceStable(buckets, func(i, j int) bool {
			return searchFloat(buckets[i].Sum[main]) > searchFloat(buckets[j].Sum[main])
		})
		c := searchChart{ID: id, Title: title,
			Head: []string{head, tr(lang, "search.col.count"), tr(lang, "search.col.sum", main)}}
		var bs []Bar
		for _, b := range buckets {
			if len(bs) == limit {
				break
			}
			sum := b.Sum[main]
			if sum == "" {
				continue
			}
			key := b.Key
			link := searchFilterURL(cv, func(v url.Values) { v.Set(param, key) })
			text := money(lang, sum, main)
			bs = append(bs, Bar{Label: label(key), Value: searchFloat(sum), Text: text, Link: link})
			c.Rows = append(c.Rows, searchChartRow{Label: label(key), Link: link, Cells: []string{searchNum(lang, b.Count), text}})
		}
		if len(bs) == 0 {
			return
		}
		c.SVG = BarChart(c.Title, bs)
		out = append(out, c)
	}
	bars("search-chart-procedure", tr(lang, "search.chart.procedure", main), tr(lang, "search.col.procedure"), "proc_type",
		res.Facets[search.FacetProcedure], func(k string) string { return searchLabel(lang, "search.proc.", k) }, 15)
	bars("search-chart-cpv", tr(lang, "search.chart.cpv", main), tr(lang, "search.col.cpv"), "cpv_like",
		res.Facets[search.FacetCPV], func(k string) string { return searchCPVName(lang, k) }, 15)
	return out
}

// searchMonthsMax bounds the monthly charts to the latest 20 years.
const searchMonthsMax = 240

// searchFormOf fills the filter form from the parameters.
func searchFormOf(lang string, idx search.Index, cv url.Values, q search.Query, res *search.Result) searchForm {
	joined := func(k string) string { return strings.Join(searchSplit(cv[k]), ",") }
	f := searchForm{Query: q.Text, CPV: joined("cpv_like"), Buyer: joined("edrpou"), Supplier: joined("supplier"),
		DateStart: cv.Get("date_start"), DateEnd: cv.Get("date_end")}
	if v := cv.Get("value"); v != "" {
		f.ValueMin, f.ValueMax, _ = strings.Cut(v, "-")
	}
	facetKeys := func(facet string) []string {
		var keys []string
		for _, b := range res.Facets[facet] {
			keys = append(keys, b.Key)
		}
		return keys
	}
	opts := func(param string, known []string, label func(string) string) []searchOption {
		cur := joined(param)
		var out []searchOption
		for _, k := range known {
			if !slices.ContainsFunc(out, func(o searchOption) bool { return o.Value == k }) {
				out = append(out, searchOption{Value: k, Label: label(k), Selected: k == cur})
			}
		}
		if cur != "" && !slices.ContainsFunc(out, func(o searchOption) bool { return o.Value == cur }) {
			out = append(out, searchOption{Value: cur, Label: label(cur), Selected: true})
		}
		return out
	}
	if idx == search.Contracts {
		f.Status = opts("status", append(slices.Clone(searchAwardStatuses), facetKeys(search.FacetStatus)...),
			func(k string) string { return searchLabel(lang, "search.status.award.", k) })
		f.ContractStatus = opts("contract_status", searchContractStatuses,
			func(k string) string { return searchLabel(lang, "search.status.contract.", k) })
	} else {
		f.Status = opts("status", append(slices.Clone(searchTenderStatuses), facetKeys(search.FacetStatus)...),
			func(k string) string { return searchLabel(lang, "search.status.tender.", k) })
	}
	f.ProcType = opts("proc_type", append(slices.Clone(searchProcTypes), facetKeys(search.FacetProcedure)...),
		func(k string) string { return searchLabel(lang, "search.proc.", k) })
	var regions []string
	for _, r := range searchRegions {
		if r.from == r.to {
			regions = append(regions, searchTwoDigits(r.from))
		} else {
			regions = append(regions, searchTwoDigits(r.from)+"-"+searchTwoDigits(r.to))
		}
	}
	f.Region = opts("region", regions, func(k string) string { return searchRegionName(lang, k) })
	var codes []string
	for _, ind := range flags.Codes() {
		codes = append(codes, ind.Code)
	}
	f.Flag = opts("flag", codes, func(k string) string { return k + " " + searchFlagName(lang, k) })

	cur := q.Sort
	if cur == search.SortRelevance || (cur == search.SortDate && q.Text == "") {
		cur = ""
	}
	first := search.SortDate
	if q.Text != "" {
		first = search.SortRelevance
	}
	f.Sort = []searchOption{{Value: "", Label: tr(lang, "search.sort."+first), Selected: cur == ""}}
	for _, k := range []string{search.SortDate, search.SortDateModified, search.SortValue, search.SortRisk} {
		if k == first {
			continue
		}
		f.Sort = append(f.Sort, searchOption{Value: k, Label: tr(lang, "search.sort."+k), Selected: cur == k})
	}
	f.Order = []searchOption{
		{Value: "", Label: tr(lang, "search.order.desc"), Selected: q.Desc},
		{Value: "asc", Label: tr(lang, "search.order.asc"), Selected: !q.Desc},
	}

	inForm := []string{"lang", "index", "query", "status", "contract_status", "proc_type", "region", "cpv_like", "edrpou",
		"supplier", "value", "date_start", "date_end", "flag", "sort", "order", "from", "start", "search_after"}
	var keys []string
	for k := range cv {
		if !slices.Contains(inForm, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range cv[k] {
			f.Hidden = append(f.Hidden, searchHidden{Name: k, Value: v})
		}
	}
	return f
}

func searchTwoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// searchActiveOf lists the filters in force, each with a link without it.
func searchActiveOf(lang string, idx search.Index, cv url.Values) []searchActive {
	var keys []string
	for k := range cv {
		if !slices.Contains(searchNotFilters, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []searchActive
	for _, k := range keys {
		vals := searchSplit(cv[k])
		labels := make([]string, 0, len(vals))
		for _, v := range vals {
			labels = append(labels, searchParamValue(lang, idx, k, v))
		}
		key := k
		label := k
		if s := tr(lang, "search.param."+k); s != "search.param."+k {
			label = s
		}
		out = append(out, searchActive{Label: label, Value: strings.Join(labels, ", "),
			Remove: searchFilterURL(cv, func(v url.Values) { v.Del(key) })})
	}
	return out
}

// searchParamValue shows a filter's value for people.
func searchParamValue(lang string, idx search.Index, param, v string) string {
	switch param {
	case "status":
		if idx == search.Contracts {
			return searchLabel(lang, "search.status.award.", v)
		}
		return searchLabel(lang, "search.status.tender.", v)
	case "contract_status":
		return searchLabel(lang, "search.status.contract.", v)
	case "proc_type":
		return searchLabel(lang, "search.proc.", v)
	case "region":
		return searchRegionName(lang, v)
	case "flag":
		return v + " " + searchFlagName(lang, v)
	case "value":
		lo, hi, _ := strings.Cut(v, "-")
		return cmp.Or(lo, "0") + " – " + cmp.Or(hi, "∞")
	}
	return v
}

// Statuses and procedure types the form offers; the result's facets add
// any other (an imported publisher's statuses, say).
var (
	searchTenderStatuses = []string{"active.enquiries", "active.tendering", "active.pre-qualification",
		"active.pre-qualification.stand-still", "active.auction", "active.qualification", "active.awarded",
		"active", "complete", "unsuccessful", "cancelled"}
	searchAwardStatuses    = []string{"pending", "active", "unsuccessful", "cancelled"}
	searchContractStatuses = []string{"pending", "active", "cancelled", "terminated"}
	searchProcTypes        = []string{tender.ProcBelowThreshold, tender.ProcAboveThreshold, tender.ProcAboveThresholdUA,
		tender.ProcAboveThresholdEU, tender.ProcNegotiation, tender.ProcNegotiationQuick, tender.ProcReporting}
)

// searchRegions are Ukraine's regions by the first two digits of the
// postal code.
var searchRegions = []struct {
	from, to int
	uk, en   string
}{
	{1, 6, "м. Київ", "Kyiv city"},
	{7, 9, "Київська область", "Kyiv Oblast"},
	{10, 13, "Житомирська область", "Zhytomyr Oblast"},
	{14, 17, "Чернігівська область", "Chernihiv Oblast"},
	{18, 20, "Черкаська область", "Cherkasy Oblast"},
	{21, 24, "Вінницька область", "Vinnytsia Oblast"},
	{25, 28, "Кіровоградська область", "Kirovohrad Oblast"},
	{29, 32, "Хмельницька область", "Khmelnytskyi Oblast"},
	{33, 35, "Рівненська область", "Rivne Oblast"},
	{36, 39, "Полтавська область", "Poltava Oblast"},
	{40, 42, "Сумська область", "Sumy Oblast"},
	{43, 45, "Волинська область", "Volyn Oblast"},
	{46, 48, "Тернопільська область", "Ternopil Oblast"},
	{49, 53, "Дніпропетровська область", "Dnipropetrovsk Oblast"},
	{54, 57, "Миколаївська область", "Mykolaiv Oblast"},
	{58, 60, "Чернівецька область", "Chernivtsi Oblast"},
	{61, 64, "Харківська область", "Kharkiv Oblast"},
	{65, 68, "Одеська область", "Odesa Oblast"},
	{69, 72, "Запорізька область", "Zaporizhzhia Oblast"},
	{73, 75, "Херсонська область", "Kherson Oblast"},
	{76, 78, "Івано-Франківська область", "Ivano-Frankivsk Oblast"},
	{79, 82, "Львівська область", "Lviv Oblast"},
	{83, 87, "Донецька область", "Donetsk Oblast"},
	{88, 90, "Закарпатська область", "Zakarpattia Oblast"},
	{91, 94, "Луганська область", "Luhansk Oblast"},
	{95, 98, "Автономна Республіка Крим", "Autonomous Republic of Crimea"},
	{99, 99, "м. Севастополь", "Sevastopol"},
}

// searchCPVDivisions are the divisions of CPV (ДК 021:2015).
var searchCPVDivisions = []struct{ code, uk, en string }{
	{"03", "Продукція сільського господарства, рибальства, лісівництва", "Agricultural, farming, fishing and forestry products"},
	{"09", "Нафтопродукти, паливо, електроенергія", "Petroleum products, fuel, electricity and other energy"},
	{"14", "Гірнича продукція, неблагородні метали", "Mining, basic metals and related products"},
	{"15", "Продукти харчування, напої, тютюн", "Food, beverages, tobacco"},
	{"16", "Сільськогосподарська техніка", "Agricultural machinery"},
	{"18", "Одяг, взуття, сумки та аксесуари", "Clothing, footwear, luggage and accessories"},
	{"19", "Шкіряні, текстильні, пластмасові та гумові матеріали", "Leather, textile, plastic and rubber materials"},
	{"22", "Друкована продукція", "Printed matter"},
	{"24", "Хімічна продукція", "Chemical products"},
	{"30", "Офісна та комп’ютерна техніка", "Office and computing machinery"},
	{"31", "Електротехнічне устаткування; освітлення", "Electrical machinery and equipment; lighting"},
	{"32", "Радіо-, телевізійна та телекомунікаційна апаратура", "Radio, television and telecommunication equipment"},
	{"33", "Медичне обладнання, фармацевтична продукція", "Medical equipment and pharmaceuticals"},
	{"34", "Транспортне обладнання", "Transport equipment"},
	{"35", "Охоронне, протипожежне, поліцейське та оборонне обладнання", "Security, fire-fighting, police and defence equipment"},
	{"37", "Музичні інструменти, спорттовари, іграшки", "Musical instruments, sport goods, toys"},
	{"38", "Лабораторне, оптичне та високоточне обладнання", "Laboratory, optical and precision equipment"},
	{"39", "Меблі, побутова техніка, засоби для чищення", "Furniture, domestic appliances, cleaning products"},
	{"41", "Зібрана та очищена вода", "Collected and purified water"},
	{"42", "Промислова техніка", "Industrial machinery"},
	{"43", "Гірничодобувне та будівельне обладнання", "Mining and construction machinery"},
	{"44", "Конструкції та будівельні матеріали", "Construction structures and materials"},
	{"45", "Будівельні роботи та поточний ремонт", "Construction work"},
	{"48", "Програмне забезпечення та інформаційні системи", "Software packages and information systems"},
	{"50", "Ремонт і технічне обслуговування", "Repair and maintenance services"},
	{"51", "Послуги зі встановлення", "Installation services"},
	{"55", "Готельні, ресторанні послуги, роздрібна торгівля", "Hotel, restaurant and retail services"},
	{"60", "Транспортні послуги", "Transport services"},
	{"63", "Допоміжні транспортні послуги; туристичні агентства", "Supporting transport services; travel agencies"},
	{"64", "Поштові та телекомунікаційні послуги", "Postal and telecommunications services"},
	{"65", "Комунальні послуги", "Public utilities"},
	{"66", "Фінансові та страхові послуги", "Financial and insurance services"},
	{"70", "Послуги у сфері нерухомості", "Real estate services"},
	{"71", "Архітектурні, будівельні, інженерні послуги", "Architectural, construction and engineering services"},
	{"72", "Послуги у сфері інформаційних технологій", "IT services"},
	{"73", "Дослідження та розробки", "Research and development services"},
	{"75", "Адміністративні, оборонні послуги, соціальний захист", "Administration, defence and social security services"},
	{"76", "Послуги для нафтогазової промисловості", "Oil and gas industry services"},
	{"77", "Послуги у сфері сільського та лісового господарства", "Agricultural and forestry services"},
	{"79", "Ділові послуги: юридичні, маркетингові, консультаційні", "Business services: law, marketing, consulting"},
	{"80", "Освіта та навчання", "Education and training services"},
	{"85", "Охорона здоров’я та соціальна допомога", "Health and social work services"},
	{"90", "Стічні води, сміття, прибирання, довкілля", "Sewage, refuse, cleaning and environmental services"},
	{"92", "Відпочинок, культура та спорт", "Recreational, cultural and sporting services"},
	{"98", "Інші громадські, соціальні та особисті послуги", "Other community, social and personal services"},
}

func init() {
	uk := map[string]string{
		"search.title.tenders":     "Пошук закупівель",
		"search.title.contracts":   "Пошук договорів",
		"search.intro.tenders":     "Закупівлі за словами в назві та описі, замовником, постачальником, кодом CPV, регіоном, сумою, датою та ризиками.",
		"search.intro.contracts":   "Переможці та договори: хто, кому і скільки, за тими самими фільтрами.",
		"search.other.tenders":     "Шукати серед договорів",
		"search.other.contracts":   "Шукати серед закупівель",
		"search.form":              "Пошук і фільтри",
		"search.query":             "Слова, номер закупівлі чи назва організації",
		"search.status":            "Статус",
		"search.status.award":      "Статус рішення",
		"search.contractStatus":    "Статус договору",
		"search.procType":          "Процедура",
		"search.region":            "Регіон",
		"search.cpv":               "Код CPV (початок, напр. 4523)",
		"search.buyer":             "ЄДРПОУ замовника",
		"search.supplier":          "ЄДРПОУ постачальника",
		"search.valueMin":          "Сума від",
		"search.valueMax":          "Сума до",
		"search.dateStart":         "Оприлюднено з",
		"search.dateEnd":           "Оприлюднено по",
		"search.dateStart.award":   "Рішення з",
		"search.dateEnd.award":     "Рішення по",
		"search.flag":              "Червоний прапорець",
		"search.sort":              "Сортувати за",
		"search.order":             "Порядок",
		"search.any":               "Будь-який",
		"search.submit":            "Шукати",
		"search.reset":             "Скинути всі фільтри",
		"search.active":            "Діючі фільтри",
		"search.removeFilter":      "прибрати фільтр",
		"search.results":           "Результати",
		"search.total":             "Знайдено: %s",
		"search.range":             "Показано %s–%s з %s",
		"search.deepRange":         "Показано %s з %s (сторінка за курсором)",
		"search.csv":               "Завантажити всі результати (%s) у CSV",
		"search.json":              "Цей самий пошук в API (JSON)",
		"search.col.title":         "Назва",
		"search.col.buyer":         "Замовник",
		"search.col.value":         "Очікувана вартість",
		"search.col.status":        "Статус",
		"search.col.deadline":      "Кінцевий строк пропозицій",
		"search.col.flags":         "Ризики",
		"search.col.suppliers":     "Постачальник",
		"search.col.contract":      "Сума договору",
		"search.col.signed":        "Підписано",
		"search.col.month":         "Місяць",
		"search.col.count":         "Кількість",
		"search.col.sum":           "Сума, %s",
		"search.col.procedure":     "Процедура",
		"search.col.cpv":           "Розділ CPV",
		"search.contract":          "договір: %s",
		"search.imported":          "джерело: %s",
		"search.noFlags":           "немає",
		"search.pager":             "Сторінки результатів",
		"search.prev":              "Попередні результати",
		"search.next":              "Наступні результати",
		"search.first":             "На першу сторінку результатів",
		"search.empty":             "За цим запитом нічого не знайдено.",
		"search.emptyWords":        "Перевірте написання або спробуйте менше чи інші слова.",
		"search.emptyFilters":      "Приберіть частину фільтрів вище або",
		"search.facets":            "Уточнити пошук",
		"search.facet.status":      "Статус",
		"search.facet.procedure":   "Процедура",
		"search.facet.region":      "Регіон",
		"search.facet.cpv":         "Розділ CPV",
		"search.facet.buyer":       "Замовник",
		"search.facet.supplier":    "Постачальник",
		"search.facet.flag":        "Червоні прапорці",
		"search.facet.more":        "та ще %d — уточніть пошук, щоб побачити",
		"search.facet.count":       "результатів",
		"search.charts":            "Графіки результатів",
		"search.chart.monthSum":    "Обсяг за місяцями оприлюднення, %s",
		"search.chart.monthCount":  "Кількість за місяцями оприлюднення",
		"search.chart.procedure":   "Витрати за процедурами, %s",
		"search.chart.cpv":         "Витрати за розділами CPV, %s",
		"search.chart.figures":     "Цифри графіка",
		"search.sort.relevance":    "Релевантністю",
		"search.sort.date":         "Датою оприлюднення",
		"search.sort.dateModified": "Датою зміни",
		"search.sort.value":        "Вартістю",
		"search.sort.risk":         "Ризиком",
		"search.order.desc":        "Спочатку більші / новіші",
		"search.order.asc":         "Спочатку менші / старіші",
		"search.badQuery":          "Адресу пошуку пошкоджено: параметри неможливо прочитати.",
		"search.badCursor":         "Посилання на сторінку результатів застаріло. Почніть пошук з першої сторінки.",

		"search.param.query":           "Слова",
		"search.param.status":          "Статус",
		"search.param.contract_status": "Статус договору",
		"search.param.award_status":    "Статус рішення",
		"search.param.proc_type":       "Процедура",
		"search.param.procedure":       "Спосіб закупівлі",
		"search.param.region":          "Регіон",
		"search.param.cpv":             "Код CPV",
		"search.param.cpv_like":        "Код CPV починається з",
		"search.param.edrpou":          "Замовник",
		"search.param.buyer":           "Замовник",
		"search.param.supplier":        "Постачальник",
		"search.param.tenderer":        "Учасник",
		"search.param.value":           "Сума",
		"search.param.currency":        "Валюта",
		"search.param.flag":            "Червоний прапорець",
		"search.param.risk_min":        "Ризик не менше",
		"search.param.date_start":      "Оприлюднено з",
		"search.param.date_end":        "Оприлюднено по",
		"search.param.ocid":            "OCID",
		"search.param.id":              "Ідентифікатор",
		"search.param.tid":             "Номер закупівлі",
		"search.param.tid_like":        "Номер закупівлі починається з",
		"search.param.source":          "Джерело",

		"search.status.tender.active.enquiries":                     "Період уточнень",
		"search.status.tender.active.tendering":                     "Подання пропозицій",
		"search.status.tender.active.pre-qualification":             "Прекваліфікація",
		"search.status.tender.active.pre-qualification.stand-still": "Прекваліфікація (оскарження)",
		"search.status.tender.active.auction":                       "Аукціон",
		"search.status.tender.active.qualification":                 "Кваліфікація",
		"search.status.tender.active.awarded":                       "Пропозиції розглянуто",
		"search.status.tender.active":                               "Активна",
		"search.status.tender.complete":                             "Завершена",
		"search.status.tender.unsuccessful":                         "Не відбулася",
		"search.status.tender.cancelled":                            "Скасована",
		"search.status.tender.planning":                             "Планування",
		"search.status.tender.planned":                              "Запланована",
		"search.status.tender.withdrawn":                            "Відкликана",
		"search.status.award.pending":                               "Розглядається",
		"search.status.award.active":                                "Переможець",
		"search.status.award.unsuccessful":                          "Відхилено",
		"search.status.award.cancelled":                             "Скасовано",
		"search.status.contract.pending":                            "Очікує підписання",
		"search.status.contract.active":                             "Підписаний",
		"search.status.contract.cancelled":                          "Скасований",
		"search.status.contract.terminated":                         "Виконаний",

		"search.proc.belowThreshold":            "Спрощена закупівля",
		"search.proc.aboveThreshold":            "Відкриті торги з особливостями",
		"search.proc.aboveThresholdUA":          "Відкриті торги",
		"search.proc.aboveThresholdEU":          "Відкриті торги з публікацією англійською",
		"search.proc.negotiation":               "Переговорна процедура",
		"search.proc.negotiation.quick":         "Переговорна процедура (скорочена)",
		"search.proc.reporting":                 "Звіт про договір",
		"search.proc.competitiveDialogueUA":     "Конкурентний діалог",
		"search.proc.competitiveDialogueEU":     "Конкурентний діалог з публікацією англійською",
		"search.proc.priceQuotation":            "Запит ціни пропозицій",
		"search.proc.esco":                      "Енергосервіс",
		"search.proc.closeFrameworkAgreementUA": "Рамкова угода",
	}
	en := map[string]string{
		"search.title.tenders":     "Search tenders",
		"search.title.contracts":   "Search contracts",
		"search.intro.tenders":     "Tenders by words in their title and description, buyer, supplier, CPV code, region, value, date and red flags.",
		"search.intro.contracts":   "Winners and contracts: who bought from whom and for how much, with the same filters.",
		"search.other.tenders":     "Search contracts instead",
		"search.other.contracts":   "Search tenders instead",
		"search.form":              "Search and filters",
		"search.query":             "Words, tender ID or organisation name",
		"search.status":            "Status",
		"search.status.award":      "Award status",
		"search.contractStatus":    "Contract status",
		"search.procType":          "Procedure",
		"search.region":            "Region",
		"search.cpv":               "CPV code (its start, e.g. 4523)",
		"search.buyer":             "Buyer's identifier (EDRPOU)",
		"search.supplier":          "Supplier's identifier (EDRPOU)",
		"search.valueMin":          "Value from",
		"search.valueMax":          "Value up to",
		"search.dateStart":         "Published from",
		"search.dateEnd":           "Published until",
		"search.dateStart.award":   "Awarded from",
		"search.dateEnd.award":     "Awarded until",
		"search.flag":              "Red flag",
		"search.sort":              "Sort by",
		"search.order":             "Order",
		"search.any":               "Any",
		"search.submit":            "Search",
		"search.reset":             "Clear all filters",
		"search.active":            "Filters in use",
		"search.removeFilter":      "remove filter",
		"search.results":           "Results",
		"search.total":             "Found: %s",
		"search.range":             "Showing %s–%s of %s",
		"search.deepRange":         "Showing %s of %s (a page by cursor)",
		"search.csv":               "Download all %s results as CSV",
		"search.json":              "The same search in the API (JSON)",
		"search.col.title":         "Title",
		"search.col.buyer":         "Buyer",
		"search.col.value":         "Expected value",
		"search.col.status":        "Status",
		"search.col.deadline":      "Bid deadline",
		"search.col.flags":         "Red flags",
		"search.col.suppliers":     "Supplier",
		"search.col.contract":      "Contract value",
		"search.col.signed":        "Signed",
		"search.col.month":         "Month",
		"search.col.count":         "Count",
		"search.col.sum":           "Sum, %s",
		"search.col.procedure":     "Procedure",
		"search.col.cpv":           "CPV division",
		"search.contract":          "contract: %s",
		"search.imported":          "source: %s",
		"search.noFlags":           "none",
		"search.pager":             "Result pages",
		"search.prev":              "Previous results",
		"search.next":              "Next results",
		"search.first":             "Back to the first page of results",
		"search.empty":             "Nothing matches this search.",
		"search.emptyWords":        "Check the spelling, or try fewer or other words.",
		"search.emptyFilters":      "Remove some of the filters above, or",
		"search.facets":            "Refine",
		"search.facet.status":      "Status",
		"search.facet.procedure":   "Procedure",
		"search.facet.region":      "Region",
		"search.facet.cpv":         "CPV division",
		"search.facet.buyer":       "Buyer",
		"search.facet.supplier":    "Supplier",
		"search.facet.flag":        "Red flags",
		"search.facet.more":        "and %d more: refine the search to see them",
		"search.facet.count":       "results",
		"search.charts":            "Charts of the results",
		"search.chart.monthSum":    "Value by month published, %s",
		"search.chart.monthCount":  "Number by month published",
		"search.chart.procedure":   "Spending by procedure, %s",
		"search.chart.cpv":         "Spending by CPV division, %s",
		"search.chart.figures":     "Figures of the chart",
		"search.sort.relevance":    "Relevance",
		"search.sort.date":         "Date published",
		"search.sort.dateModified": "Date modified",
		"search.sort.value":        "Value",
		"search.sort.risk":         "Risk",
		"search.order.desc":        "Largest / newest first",
		"search.order.asc":         "Smallest / oldest first",
		"search.badQuery":          "The search address is damaged: its parameters cannot be read.",
		"search.badCursor":         "This link to a page of results has expired. Start the search again from the first page.",

		"search.param.query":           "Words",
		"search.param.status":          "Status",
		"search.param.contract_status": "Contract status",
		"search.param.award_status":    "Award status",
		"search.param.proc_type":       "Procedure",
		"search.param.procedure":       "Procurement method",
		"search.param.region":          "Region",
		"search.param.cpv":             "CPV code",
		"search.param.cpv_like":        "CPV code starts with",
		"search.param.edrpou":          "Buyer",
		"search.param.buyer":           "Buyer",
		"search.param.supplier":        "Supplier",
		"search.param.tenderer":        "Bidder",
		"search.param.value":           "Value",
		"search.param.currency":        "Currency",
		"search.param.flag":            "Red flag",
		"search.param.risk_min":        "Risk at least",
		"search.param.date_start":      "Published from",
		"search.param.date_end":        "Published until",
		"search.param.ocid":            "OCID",
		"search.param.id":              "Identifier",
		"search.param.tid":             "Tender ID",
		"search.param.tid_like":        "Tender ID starts with",
		"search.param.source":          "Source",

		"search.status.tender.active.enquiries":                     "Enquiries",
		"search.status.tender.active.tendering":                     "Accepting bids",
		"search.status.tender.active.pre-qualification":             "Pre-qualification",
		"search.status.tender.active.pre-qualification.stand-still": "Pre-qualification stand-still",
		"search.status.tender.active.auction":                       "Auction",
		"search.status.tender.active.qualification":                 "Qualification",
		"search.status.tender.active.awarded":                       "Awarded",
		"search.status.tender.active":                               "Active",
		"search.status.tender.complete":                             "Complete",
		"search.status.tender.unsuccessful":                         "Unsuccessful",
		"search.status.tender.cancelled":                            "Cancelled",
		"search.status.tender.planning":                             "Planning",
		"search.status.tender.planned":                              "Planned",
		"search.status.tender.withdrawn":                            "Withdrawn",
		"search.status.award.pending":                               "Under consideration",
		"search.status.award.active":                                "Winner",
		"search.status.award.unsuccessful":                          "Rejected",
		"search.status.award.cancelled":                             "Cancelled",
		"search.status.contract.pending":                            "Awaiting signature",
		"search.status.contract.active":                             "Signed",
		"search.status.contract.cancelled":                          "Cancelled",
		"search.status.contract.terminated":                         "Terminated",

		"search.proc.belowThreshold":            "Below-threshold procurement",
		"search.proc.aboveThreshold":            "Open tender with special features",
		"search.proc.aboveThresholdUA":          "Open tender",
		"search.proc.aboveThresholdEU":          "Open tender with publication in English",
		"search.proc.negotiation":               "Negotiated procedure",
		"search.proc.negotiation.quick":         "Urgent negotiated procedure",
		"search.proc.reporting":                 "Contract report",
		"search.proc.competitiveDialogueUA":     "Competitive dialogue",
		"search.proc.competitiveDialogueEU":     "Competitive dialogue with publication in English",
		"search.proc.priceQuotation":            "Request for quotations",
		"search.proc.esco":                      "Energy service contract",
		"search.proc.closeFrameworkAgreementUA": "Framework agreement",
	}
	for _, c := range searchCPVDivisions {
		uk["search.cpv."+c.code] = c.uk
		en["search.cpv."+c.code] = c.en
	}
	messages(uk, en)
}
