package portal

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// An organisation's page gathers what the indexes know of one legal
// identifier: the tenders it announced (buyer.id), the awards it made and
// won (the contracts index's buyer.id and suppliers.id, active awards only),
// the tenders it bid in once bids are public (tenderers.id), and the
// dataset-level red flags the statistics hold on it. Every query goes
// through search.ParseQuery, as the API's do.

func init() {
	page("/organisations/{id}", (*Server).organisationPage)
}

// Sizes of the organisation page's lists and charts.
const (
	organisationTendersPage   = 20
	organisationContractsPage = 10
	organisationTopN          = 10
	organisationMonths        = 36 // the monthly charts' last months
	organisationIDMaxRunes    = 64
)

// organisationIDValid reports a plausible legal identifier: 1–64 letters, digits
// and . _ - / (EDRPOU and tax numbers are digits; passports of individuals
// and foreign registers add letters, Cyrillic ones too). Commas are out:
// the search parameters read them as lists.
func organisationIDValid(id string) bool {
	if id == "" || !utf8.ValidString(id) || utf8.RuneCountInString(id) > organisationIDMaxRunes {
		return false
	}
	for _, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-/", r) {
			return false
		}
	}
	return true
}

// organisationPath is the portal's page of organisation id.
func organisationPath(id string) string { return "/organisations/" + url.PathEscape(id) }

type organisationData struct {
	ID   string
	Name string

	Tenders      []organisationTenderRow
	TendersTotal int64
	TendersFrom  int
	TendersPrev  string
	TendersNext  string
	TendersAll   string // the search page with buyer=id

	BuyerTable             organisationTable[organisationContractRow]
	BuyerContractsTotal    int64
	BuyerContractsAll      string
	SupplierTable          organisationTable[organisationContractRow]
	SupplierContractsTotal int64
	SupplierContractsAll   string
	BidTotal               int64 // tenders it bid in, once bids are public

	Years []organisationYear

	TopSuppliers organisationTable[organisationCounterpart] // of its contracts as buyer
	TopBuyers    organisationTable[organisationCounterpart] // of its contracts as supplier

	TenderFlags []organisationFlagCount // on the tenders it announced
	BidFlags    []organisationFlagCount // on the tenders it bid in
	OrgFlags    []organisationFlag      // on the organisation itself, from the dataset statistics
	StatsAt     string
	RiskOn      bool

	BuyerCharts    []organisationChart
	SupplierCharts []organisationChart

	APIJSON string
	APICSV  string
}

type organisationTenderRow struct {
	URL, Title, TenderID, Date, Status, Value string
	Flags                                     []risksFlag
}

type organisationContractRow struct {
	URL, Title, Date, Status, Value string
	Parties                         []organisationLink // suppliers (as buyer) or the buyer (as supplier)
}

// organisationTable is what a table sub-template gets: the language, the
// table's id, the message key of its parties column and the rows.
type organisationTable[R any] struct {
	Lang, ID, PartiesKey string
	Rows                 []R
}

type organisationLink struct{ Name, URL string }

type organisationYear struct {
	Year                                    string
	Tenders, BuyerCount, SupplierCount      int64
	TendersValue, BuyerValue, SupplierValue string
}

type organisationCounterpart struct {
	Name, URL string
	Count     int64
	Value     string
}

type organisationFlagCount struct {
	Code, Name, URL string
	Count           int64
}

type organisationFlag struct {
	Code, Name, Scope, Detail string
	Buyer                     *organisationLink
	Splits                    []string
}

type organisationChart struct {
	Title string
	SVG   string
}

// organisationPage answers GET /organisations/{id}.
func (s *Server) organisationPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	id := r.PathValue("id")
	if !organisationIDValid(id) {
		s.fail(w, r, &badRequest{tr(lang, "organisation.badID")})
		return
	}
	v := r.URL.Query()
	if err := organisationOnly(v, tr(lang, "organisation.unknownParam"), "from", "lang"); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	ask := func(idx search.Index, v url.Values) (*search.Result, error) {
		q, _, err := search.ParseQuery(idx, v)
		if err != nil {
			return nil, err
		}
		return s.cfg.Search.Search(ctx, q)
	}
	contractFacets := search.FacetMonth + "," + search.FacetProcedure + "," + search.FacetCPV
	tenders, err := ask(search.Tenders, url.Values{"buyer": {id}, "sort": {search.SortDate}, "from": v["from"],
		"size": {strconv.Itoa(organisationTendersPage)}, "facets": {search.FacetMonth + "," + search.FacetFlag}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	asBuyer, err := ask(search.Contracts, url.Values{"buyer": {id}, "status": {tender.AwardActive}, "sort": {search.SortDate},
		"size": {strconv.Itoa(organisationContractsPage)}, "facets": {contractFacets + "," + search.FacetSupplier}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	asSupplier, err := ask(search.Contracts, url.Values{"supplier": {id}, "status": {tender.AwardActive}, "sort": {search.SortDate},
		"size": {strconv.Itoa(organisationContractsPage)}, "facets": {contractFacets + "," + search.FacetBuyer}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bids, err := ask(search.Tenders, url.Values{"tenderer": {id}, "size": {"1"}, "facets": {search.FacetFlag}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tenders.Total == 0 && asBuyer.Total == 0 && asSupplier.Total == 0 && bids.Total == 0 {
		s.fail(w, r, errNotFound)
		return
	}
	tenderDocs, err1 := organisationDecode[search.TenderDoc](tenders.Hits)
	buyerDocs, err2 := organisationDecode[search.ContractDoc](asBuyer.Hits)
	supplierDocs, err3 := organisationDecode[search.ContractDoc](asSupplier.Hits)
	bidDocs, err4 := organisationDecode[search.TenderDoc](bids.Hits)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		s.fail(w, r, err)
		return
	}

	d := organisationData{ID: id, TendersTotal: tenders.Total, BuyerContractsTotal: asBuyer.Total,
		SupplierContractsTotal: asSupplier.Total, BidTotal: bids.Total}
	// The name as the documents give it: as buyer, as supplier, as bidder.
	var names []string
	for _, doc := range tenderDocs {
		names = append(names, doc.Buyer.Name)
	}
	for _, c := range buyerDocs {
		names = append(names, c.Buyer.Name)
	}
	for _, c := range supplierDocs {
		names = append(names, organisationNameIn(c.Suppliers, id))
	}
	for _, doc := range bidDocs {
		names = append(names, organisationNameIn(doc.Tenderers, id))
	}
	d.Name = risksFirst(append(names, id)...)

	if len(v["from"]) == 1 {
		d.TendersFrom, _ = strconv.Atoi(strings.TrimSpace(v.Get("from"))) // ParseQuery accepted it
	}
	for _, doc := range tenderDocs {
		row := organisationTenderRow{URL: withLang(lang, risksTenderPath(doc.ID)), Title: risksFirst(doc.Title, doc.TenderID, doc.ID),
			TenderID: doc.TenderID, Status: doc.Status, Value: money(lang, doc.Amount, doc.Currency), Flags: risksFlagsOf(lang, doc.Flags)}
		if doc.Date != nil {
			row.Date = date(*doc.Date)
		}
		d.Tenders = append(d.Tenders, row)
	}
	if d.TendersFrom > 0 {
		d.TendersPrev = withLang(lang, organisationPath(id)+organisationFromQuery(d.TendersFrom-organisationTendersPage))
	}
	if next := d.TendersFrom + len(tenderDocs); int64(next) < tenders.Total && next+organisationTendersPage <= search.MaxWindow {
		d.TendersNext = withLang(lang, organisationPath(id)+organisationFromQuery(next))
	}
	d.TendersAll = withLang(lang, "/search?"+url.Values{"buyer": {id}}.Encode())
	d.BuyerContractsAll = withLang(lang, "/search?"+url.Values{"index": {"contracts"}, "buyer": {id}, "status": {tender.AwardActive}}.Encode())
	d.SupplierContractsAll = withLang(lang, "/search?"+url.Values{"index": {"contracts"}, "supplier": {id}, "status": {tender.AwardActive}}.Encode())
	d.BuyerTable = organisationTable[organisationContractRow]{lang, "org-buyer-contracts", "organisation.col.suppliers",
		organisationContracts(lang, buyerDocs, func(c *search.ContractDoc) []search.Org { return c.Suppliers })}
	d.SupplierTable = organisationTable[organisationContractRow]{lang, "org-supplier-contracts", "organisation.col.buyer",
		organisationContracts(lang, supplierDocs, func(c *search.ContractDoc) []search.Org { return []search.Org{c.Buyer} })}

	d.Years = organisationYears(lang, tenders.Facets[search.FacetMonth], asBuyer.Facets[search.FacetMonth], asSupplier.Facets[search.FacetMonth])

	d.TopSuppliers = organisationTable[organisationCounterpart]{Lang: lang, ID: "org-top-suppliers"}
	if d.TopSuppliers.Rows, err = s.organisationCounterparts(ctx, lang, id, asBuyer.Facets[search.FacetSupplier], "buyer", "supplier"); err != nil {
		s.fail(w, r, err)
		return
	}
	d.TopBuyers = organisationTable[organisationCounterpart]{Lang: lang, ID: "org-top-buyers"}
	if d.TopBuyers.Rows, err = s.organisationCounterparts(ctx, lang, id, asSupplier.Facets[search.FacetBuyer], "supplier", "buyer"); err != nil {
		s.fail(w, r, err)
		return
	}

	d.TenderFlags = organisationFlagCounts(lang, tenders.Facets[search.FacetFlag], "buyer", id)
	d.BidFlags = organisationFlagCounts(lang, bids.Facets[search.FacetFlag], "tenderer", id)
	if s.cfg.Risk != nil {
		d.RiskOn = true
		st, at := s.cfg.Risk.Stats(ctx)
		d.OrgFlags = organisationFlagsOf(lang, st, id)
		if !at.IsZero() {
			d.StatsAt = datetime(at)
		}
	}

	if asBuyer.Total > 0 {
		d.BuyerCharts = organisationCharts(lang, "organisation.chart.buyer", asBuyer.Facets)
	}
	if asSupplier.Total > 0 {
		d.SupplierCharts = organisationCharts(lang, "organisation.chart.supplier", asSupplier.Facets)
	}
	api := url.Values{"buyer": {id}}
	d.APIJSON = risksAPIPath + "?" + api.Encode()
	api.Set("format", search.FormatCSV)
	d.APICSV = risksAPIPath + "?" + api.Encode()

	s.render(w, r, http.StatusOK, "organisation", s.common(r, d.Name, ""), d)
}

// organisationOnly refuses, as the API does (422, every one named), the
// query parameters a page does not take.
func organisationOnly(v url.Values, msg string, allowed ...string) error {
	e := &tender.Error{Code: tender.CodeInvalid}
	for _, name := range risksSortedKeys(v) {
		if !slices.Contains(allowed, name) {
			e.Errors = append(e.Errors, tender.FieldError{Location: "query", Name: name, Description: msg})
		}
	}
	if len(e.Errors) > 0 {
		return e
	}
	return nil
}

// organisationDecode decodes search hits.
func organisationDecode[T any](hits []search.Hit) ([]T, error) {
	out := make([]T, len(hits))
	for i, h := range hits {
		if err := json.Unmarshal(h, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func organisationFromQuery(from int) string {
	if from <= 0 {
		return ""
	}
	return "?from=" + strconv.Itoa(from)
}

// organisationNameIn returns the name of organisation id in list.
func organisationNameIn(list []search.Org, id string) string {
	for _, o := range list {
		if o.ID == id {
			return o.Name
		}
	}
	return ""
}

func organisationLinkOf(lang string, o search.Org) organisationLink {
	l := organisationLink{Name: risksFirst(o.Name, o.ID)}
	if organisationIDValid(o.ID) {
		l.URL = withLang(lang, organisationPath(o.ID))
	}
	return l
}

func organisationContracts(lang string, docs []search.ContractDoc, parties func(*search.ContractDoc) []search.Org) []organisationContractRow {
	var out []organisationContractRow
	for i := range docs {
		c := &docs[i]
		row := organisationContractRow{URL: withLang(lang, risksTenderPath(c.Tender)), Title: risksFirst(c.Title, c.ContractID, c.TenderID),
			Status: risksFirst(c.ContractStatus, c.Status), Value: money(lang, c.Amount, c.Currency)}
		switch {
		case c.DateSigned != nil:
			row.Date = date(*c.DateSigned)
		case c.Date != nil:
			row.Date = date(*c.Date)
		}
		for _, o := range parties(c) {
			row.Parties = append(row.Parties, organisationLinkOf(lang, o))
		}
		out = append(out, row)
	}
	return out
}

// organisationSums is counts and per-currency sums folded from facet buckets.
type organisationSums struct {
	count int64
	sum   map[string]decimal.Decimal
}

func (o *organisationSums) add(b search.Bucket) {
	o.count += b.Count
	if o.sum == nil {
		o.sum = map[string]decimal.Decimal{}
	}
	for cur, s := range b.Sum {
		if d, err := decimal.NewFromString(s); err == nil {
			o.sum[cur] = o.sum[cur].Add(d)
		}
	}
}

// text shows the sums, one per currency, exactly.
func (o *organisationSums) text(lang string) string {
	if o == nil || len(o.sum) == 0 {
		return tr(lang, "none")
	}
	var parts []string
	for _, cur := range slices.Sorted(maps.Keys(o.sum)) {
		parts = append(parts, money(lang, o.sum[cur].StringFixed(2), cur))
	}
	return strings.Join(parts, "; ")
}

// organisationYears folds the month facets (keys "2026-11") of the three roles into
// years, newest first.
func organisationYears(lang string, tenders, asBuyer, asSupplier []search.Bucket) []organisationYear {
	type row struct{ t, b, s organisationSums }
	years := map[string]*row{}
	fold := func(bs []search.Bucket, pick func(*row) *organisationSums) {
		for _, b := range bs {
			y, _, ok := strings.Cut(b.Key, "-")
			if !ok || b.Count == 0 {
				continue
			}
			if years[y] == nil {
				years[y] = &row{}
			}
			pick(years[y]).add(b)
		}
	}
	fold(tenders, func(r *row) *organisationSums { return &r.t })
	fold(asBuyer, func(r *row) *organisationSums { return &r.b })
	fold(asSupplier, func(r *row) *organisationSums { return &r.s })
	var out []organisationYear
	for _, y := range slices.Sorted(maps.Keys(years)) {
		r := years[y]
		out = append(out, organisationYear{Year: y, Tenders: r.t.count, BuyerCount: r.b.count, SupplierCount: r.s.count,
			TendersValue: r.t.text(lang), BuyerValue: r.b.text(lang), SupplierValue: r.s.text(lang)})
	}
	slices.Reverse(out)
	return out
}

// organisationCounterparts names the top counterparts of a facet (suppliers of a
// buyer, buyers of a supplier): one more search, for the contracts between
// the organisation (param self) and them, reads their names.
func (s *Server) organisationCounterparts(ctx context.Context, lang, id string, bs []search.Bucket, self, other string) ([]organisationCounterpart, error) {
	var ids []string
	for _, b := range bs {
		if b.Key != id && organisationIDValid(b.Key) {
			ids = append(ids, b.Key)
		}
		if len(ids) == organisationTopN {
			break
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q, _, err := search.ParseQuery(search.Contracts, url.Values{self: {id}, other: {strings.Join(ids, ",")},
		"status": {tender.AwardActive}, "size": {strconv.Itoa(search.MaxSize)}})
	if err != nil {
		return nil, err
	}
	q.Fields = []string{"buyer", "suppliers"}
	res, err := s.cfg.Search.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, h := range res.Hits {
		var c search.ContractDoc
		if json.Unmarshal(h, &c) != nil {
			continue
		}
		for _, o := range append([]search.Org{c.Buyer}, c.Suppliers...) {
			if o.Name != "" && names[o.ID] == "" {
				names[o.ID] = o.Name
			}
		}
	}
	var out []organisationCounterpart
	for _, b := range bs {
		if !slices.Contains(ids, b.Key) {
			continue
		}
		sums := organisationSums{}
		sums.add(b)
		out = append(out, organisationCounterpart{Name: risksFirst(names[b.Key], b.Key), URL: withLang(lang, organisationPath(b.Key)),
			Count: b.Count, Value: sums.text(lang)})
	}
	return out, nil
}

// organisationFlagCounts lists a flag facet with links to the risk queue of the
// organisation's tenders (param buyer or tenderer) carrying each flag.
func organisationFlagCounts(lang string, bs []search.Bucket, param, id string) []organisationFlagCount {
	var out []organisationFlagCount
	for _, b := range bs {
		u := "/risks?" + url.Values{param: {id}, "flag": {b.Key}}.Encode()
		out = append(out, organisationFlagCount{Code: b.Key, Name: risksFlagName(lang, b.Key), Count: b.Count, URL: withLang(lang, u)})
	}
	return out
}

// organisationFlagsOf reads the organisation's own flags (R025, R038, R048, PZ3,
// PZ4) from the dataset statistics, which hold them per scope.
func organisationFlagsOf(lang string, st *flags.Stats, id string) []organisationFlag {
	if st == nil {
		return nil
	}
	var out []organisationFlag
	for _, g := range []struct {
		scope string
		m     map[string]map[string]flags.Result
	}{
		{flags.ScopeBuyer, st.Buyer},
		{flags.ScopeProcuringEntity, st.ProcuringEntity},
		{flags.ScopeTenderer, st.Tenderer},
	} {
		res := g.m[id]
		codes := slices.Collect(maps.Keys(res))
		slices.SortFunc(codes, func(a, b string) int { return organisationCodeRank(a) - organisationCodeRank(b) })
		for _, code := range codes {
			r := res[code]
			f := organisationFlag{Code: code, Name: risksFlagName(lang, code), Scope: tr(lang, "organisation.scope."+g.scope)}
			ratio := strconv.FormatFloat(r.Value, 'f', 2, 64)
			switch code {
			case "R025":
				f.Detail = tr(lang, "organisation.why.R025", r.Numerator, r.Denominator, ratio)
			case "R038":
				f.Detail = tr(lang, "organisation.why.R038", r.Numerator, r.Denominator, ratio)
			case "R048":
				f.Detail = tr(lang, "organisation.why.R048", len(r.Codes), r.Denominator, strings.Join(r.Codes, ", "))
			case "PZ3":
				f.Detail = tr(lang, "organisation.why.PZ3", r.Denominator)
				if r.Buyer != "" {
					l := organisationLinkOf(lang, search.Org{ID: r.Buyer})
					f.Buyer = &l
				}
			case "PZ4":
				f.Detail = tr(lang, "organisation.why.PZ4", len(r.Splits))
				for _, k := range r.Splits {
					sp, ok := st.Splits[k]
					if !ok {
						continue
					}
					f.Splits = append(f.Splits, tr(lang, "organisation.why.split", sp.Classification, sp.Year, sp.Processes,
						money(lang, sp.Total.String(), sp.Currency), money(lang, sp.Threshold.String(), sp.Currency)))
				}
			default:
				if c, ok := flags.Lookup(code); ok {
					f.Detail = c.Description
				}
			}
			out = append(out, f)
		}
	}
	return out
}

func organisationCodeRank(code string) int {
	for i, c := range flags.Codes() {
		if c.Code == code {
			return i
		}
	}
	return len(flags.Codes())
}

// organisationCharts draws a role's contracts: monthly value and count, value by
// procedure and by CPV division. Charts draw in floats; their labels are
// the exact sums.
func organisationCharts(lang, role string, facets map[string][]search.Bucket) []organisationChart {
	cur := organisationMainCurrency(facets[search.FacetMonth])
	var out []organisationChart
	add := func(title, svg string) {
		if svg != "" {
			out = append(out, organisationChart{Title: title, SVG: svg})
		}
	}
	months := monthSeries(facets[search.FacetMonth], organisationMonths)
	var values, counts []Point
	for _, m := range months {
		v, text := organisationBucketValue(lang, m, cur)
		values = append(values, Point{Label: m.Key, Value: v, Text: text})
		counts = append(counts, Point{Label: m.Key, Value: float64(m.Count), Text: strconv.FormatInt(m.Count, 10)})
	}
	title := tr(lang, role+".months", cur)
	add(title, ColumnChart(title, values))
	title = tr(lang, role+".count")
	add(title, ColumnChart(title, counts))
	for _, f := range []string{search.FacetProcedure, search.FacetCPV} {
		var bars []Bar
		for _, b := range facets[f] {
			v, text := organisationBucketValue(lang, b, cur)
			bars = append(bars, Bar{Label: b.Key, Value: v, Text: text})
		}
		title := tr(lang, role+"."+f, cur)
		add(title, BarChart(title, bars))
	}
	return out
}

// organisationMainCurrency is the currency the charts draw: UAH when present, else
// the one with the most documents.
func organisationMainCurrency(bs []search.Bucket) string {
	n := map[string]int64{}
	for _, b := range bs {
		for cur := range b.Sum {
			n[cur] += b.Count
		}
	}
	if _, ok := n["UAH"]; ok || len(n) == 0 {
		return "UAH"
	}
	best := ""
	for _, cur := range slices.Sorted(maps.Keys(n)) {
		if best == "" || n[cur] > n[best] {
			best = cur
		}
	}
	return best
}

// organisationBucketValue is a bucket's sum in cur, as a float to draw and as the
// exact text, with the count.
func organisationBucketValue(lang string, b search.Bucket, cur string) (float64, string) {
	s, ok := b.Sum[cur]
	if !ok {
		return 0, tr(lang, "organisation.chart.countOnly", b.Count)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, s
	}
	return d.InexactFloat64(), tr(lang, "organisation.chart.sum", money(lang, s, cur), b.Count)
}

func init() {
	messages(map[string]string{
		"organisation.badID":                    "Неправильний ідентифікатор організації: до 64 літер, цифр і знаків . _ - /",
		"organisation.unknownParam":             "Невідомий параметр: сторінка організації приймає лише from і lang",
		"organisation.id":                       "Код ЄДРПОУ або інший ідентифікатор",
		"organisation.summary":                  "Коротко",
		"organisation.asBuyerCount":             "Оголошено закупівель",
		"organisation.asBuyerContracts":         "Укладено договорів як замовник",
		"organisation.asSupplierContracts":      "Виграно договорів як постачальник",
		"organisation.bids":                     "Брала участь у закупівлях (коли пропозиції вже відкриті)",
		"organisation.years":                    "Підсумки за роками",
		"organisation.col.year":                 "Рік",
		"organisation.col.tenders":              "Закупівель оголошено",
		"organisation.col.tendersValue":         "Їхня очікувана вартість",
		"organisation.col.buyerCount":           "Договорів як замовник",
		"organisation.col.buyerValue":           "Сума як замовник",
		"organisation.col.supplierCount":        "Договорів як постачальник",
		"organisation.col.supplierValue":        "Сума як постачальник",
		"organisation.flags":                    "Червоні прапорці",
		"organisation.orgFlags":                 "Прапорці самої організації",
		"organisation.orgFlagsNone":             "Статистика набору даних не позначила цю організацію.",
		"organisation.orgFlagsNoStats":          "Статистику набору даних ще не обчислено.",
		"organisation.statsAt":                  "Статистику обчислено %s.",
		"organisation.tenderFlags":              "Прапорці на її закупівлях",
		"organisation.bidFlags":                 "Прапорці на закупівлях, де вона брала участь",
		"organisation.flagTenders":              "закупівель: %d",
		"organisation.withFlag":                 "з прапорцем %s",
		"organisation.flagsNone":                "Немає.",
		"organisation.col.flag":                 "Прапорець",
		"organisation.col.scope":                "Як",
		"organisation.col.why":                  "Чому",
		"organisation.col.count":                "Закупівель",
		"organisation.scope.Buyer":              "замовник",
		"organisation.scope.ProcuringEntity":    "організатор закупівлі",
		"organisation.scope.Tenderer":           "учасник",
		"organisation.why.R025":                 "Перемог: %d з %d дійсних пропозицій (частка %s).",
		"organisation.why.R038":                 "Відхилено %d з %d поданих пропозицій (частка %s).",
		"organisation.why.R048":                 "Поставки %d різних класів CPV у %d закупівлях: %s.",
		"organisation.why.PZ3":                  "Усі %d перемог — в одного замовника:",
		"organisation.why.PZ4":                  "Груп закупівель, що разом перевищують поріг: %d.",
		"organisation.why.split":                "CPV %s, %d рік: %d закупівель на %s (поріг %s)",
		"organisation.tenders":                  "Закупівлі як замовник",
		"organisation.tendersAll":               "Усі закупівлі цього замовника в пошуку",
		"organisation.col.date":                 "Дата",
		"organisation.col.tender":               "Закупівля",
		"organisation.col.status":               "Статус",
		"organisation.col.value":                "Вартість",
		"organisation.col.flags":                "Прапорці",
		"organisation.col.suppliers":            "Постачальники",
		"organisation.col.buyer":                "Замовник",
		"organisation.col.contracts":            "Договорів",
		"organisation.col.sum":                  "Сума",
		"organisation.col.name":                 "Назва",
		"organisation.prev":                     "Новіші закупівлі",
		"organisation.next":                     "Старіші закупівлі",
		"organisation.shown":                    "Показано %d–%d з %d.",
		"organisation.buyerContracts":           "Договори як замовник",
		"organisation.supplierContracts":        "Договори як постачальник",
		"organisation.latest":                   "Останні %d з %d.",
		"organisation.contractsAllBuyer":        "Усі договори цього замовника в пошуку",
		"organisation.contractsAllSupplier":     "Усі договори цього постачальника в пошуку",
		"organisation.topSuppliers":             "Найбільші постачальники",
		"organisation.topBuyers":                "Найбільші замовники",
		"organisation.chartsBuyer":              "Витрати як замовник",
		"organisation.chartsSupplier":           "Надходження як постачальник",
		"organisation.chart.buyer.months":       "Сума договорів як замовник за місяцями, %s",
		"organisation.chart.buyer.count":        "Кількість договорів як замовник за місяцями",
		"organisation.chart.buyer.procedure":    "Витрати за видом процедури, %s",
		"organisation.chart.buyer.cpv":          "Витрати за розділом CPV, %s",
		"organisation.chart.supplier.months":    "Сума договорів як постачальник за місяцями, %s",
		"organisation.chart.supplier.count":     "Кількість договорів як постачальник за місяцями",
		"organisation.chart.supplier.procedure": "Договори за видом процедури, %s",
		"organisation.chart.supplier.cpv":       "Договори за розділом CPV, %s",
		"organisation.chart.sum":                "%s (договорів: %d)",
		"organisation.chart.countOnly":          "договорів: %d",
		"organisation.data":                     "Дані",
		"organisation.apiJSON":                  "Закупівлі цього замовника в пошуковому API (JSON)",
		"organisation.apiCSV":                   "Закупівлі цього замовника (CSV)",
	}, map[string]string{
		"organisation.badID":                    "Invalid organisation identifier: up to 64 letters, digits and . _ - /",
		"organisation.unknownParam":             "Unknown parameter: the organisation page takes only from and lang",
		"organisation.id":                       "EDRPOU code or other identifier",
		"organisation.summary":                  "In short",
		"organisation.asBuyerCount":             "Tenders announced",
		"organisation.asBuyerContracts":         "Contracts awarded as buyer",
		"organisation.asSupplierContracts":      "Contracts won as supplier",
		"organisation.bids":                     "Tenders bid in (once bids are public)",
		"organisation.years":                    "Totals by year",
		"organisation.col.year":                 "Year",
		"organisation.col.tenders":              "Tenders announced",
		"organisation.col.tendersValue":         "Their expected value",
		"organisation.col.buyerCount":           "Contracts as buyer",
		"organisation.col.buyerValue":           "Value as buyer",
		"organisation.col.supplierCount":        "Contracts as supplier",
		"organisation.col.supplierValue":        "Value as supplier",
		"organisation.flags":                    "Red flags",
		"organisation.orgFlags":                 "Flags on the organisation itself",
		"organisation.orgFlagsNone":             "The dataset statistics do not flag this organisation.",
		"organisation.orgFlagsNoStats":          "The dataset statistics have not been computed yet.",
		"organisation.statsAt":                  "Statistics computed %s.",
		"organisation.tenderFlags":              "Flags on its tenders",
		"organisation.bidFlags":                 "Flags on tenders it bid in",
		"organisation.flagTenders":              "tenders: %d",
		"organisation.withFlag":                 "with flag %s",
		"organisation.flagsNone":                "None.",
		"organisation.col.flag":                 "Flag",
		"organisation.col.scope":                "As",
		"organisation.col.why":                  "Why",
		"organisation.col.count":                "Tenders",
		"organisation.scope.Buyer":              "buyer",
		"organisation.scope.ProcuringEntity":    "procuring entity",
		"organisation.scope.Tenderer":           "tenderer",
		"organisation.why.R025":                 "%d wins of %d valid bids (ratio %s).",
		"organisation.why.R038":                 "%d of %d submitted bids disqualified (ratio %s).",
		"organisation.why.R048":                 "Supplied %d CPV classes in %d processes: %s.",
		"organisation.why.PZ3":                  "All %d awards from one buyer:",
		"organisation.why.PZ4":                  "Groups of purchases that together pass the threshold: %d.",
		"organisation.why.split":                "CPV %s, %d: %d purchases totalling %s (threshold %s)",
		"organisation.tenders":                  "Tenders as buyer",
		"organisation.tendersAll":               "All tenders of this buyer in search",
		"organisation.col.date":                 "Date",
		"organisation.col.tender":               "Tender",
		"organisation.col.status":               "Status",
		"organisation.col.value":                "Value",
		"organisation.col.flags":                "Flags",
		"organisation.col.suppliers":            "Suppliers",
		"organisation.col.buyer":                "Buyer",
		"organisation.col.contracts":            "Contracts",
		"organisation.col.sum":                  "Value",
		"organisation.col.name":                 "Name",
		"organisation.prev":                     "Newer tenders",
		"organisation.next":                     "Older tenders",
		"organisation.shown":                    "Showing %d–%d of %d.",
		"organisation.buyerContracts":           "Contracts as buyer",
		"organisation.supplierContracts":        "Contracts as supplier",
		"organisation.latest":                   "Latest %d of %d.",
		"organisation.contractsAllBuyer":        "All contracts of this buyer in search",
		"organisation.contractsAllSupplier":     "All contracts of this supplier in search",
		"organisation.topSuppliers":             "Top suppliers",
		"organisation.topBuyers":                "Top buyers",
		"organisation.chartsBuyer":              "Spending as buyer",
		"organisation.chartsSupplier":           "Income as supplier",
		"organisation.chart.buyer.months":       "Contract value as buyer by month, %s",
		"organisation.chart.buyer.count":        "Contracts as buyer by month",
		"organisation.chart.buyer.procedure":    "Spending by procedure type, %s",
		"organisation.chart.buyer.cpv":          "Spending by CPV division, %s",
		"organisation.chart.supplier.months":    "Contract value as supplier by month, %s",
		"organisation.chart.supplier.count":     "Contracts as supplier by month",
		"organisation.chart.supplier.procedure": "Contracts by procedure type, %s",
		"organisation.chart.supplier.cpv":       "Contracts by CPV division, %s",
		"organisation.chart.sum":                "%s (contracts: %d)",
		"organisation.chart.countOnly":          "contracts: %d",
		"organisation.data":                     "Data",
		"organisation.apiJSON":                  "This buyer's tenders in the search API (JSON)",
		"organisation.apiCSV":                   "This buyer's tenders (CSV)",
	})
}
