package search

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/tender"
)

// Paging limits of ParseQuery.
const (
	DefaultSize = 10    // page size when size (limit) is not given
	MaxSize     = 100   // largest page size
	MaxWindow   = 10000 // from+size may not pass it: deeper pages follow search_after
)

// Output formats ParseQuery accepts.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// Limits on what one parameter may carry, so a query stays cheap to build.
const (
	maxValues   = 100  // values of one multi-valued parameter
	maxValueLen = 200  // bytes of one value
	maxTextLen  = 1000 // bytes of the full-text query
	maxCursor   = 4096 // bytes of a search_after cursor
)

// AllFacets lists every facet, in the order facets=all asks for them.
var AllFacets = []string{FacetStatus, FacetProcedure, FacetRegion, FacetCPV, FacetBuyer,
	FacetSupplier, FacetFlag, FacetMonth, FacetMethod, FacetCategory}

// ParseQuery turns ProZorro-style search parameters (openprocurement.search's
// names, extended for the red flags and the contracts index) into a Query on
// idx, and names the output format ("json" or "csv").
//
// Multi-valued parameters take repeats and comma lists: their values are
// alternatives, the parameters all hold. Empty values are ignored. An
// unknown parameter, one that does not apply to idx, or a bad value is a
// tender.CodeInvalid error listing every bad parameter (location "query").
// The parameter table is in search/api's package documentation.
func ParseQuery(idx Index, v url.Values) (q Query, format string, err error) {
	if idx != Tenders && idx != Contracts {
		return Query{}, "", fmt.Errorf("search: unknown index %q", idx)
	}
	p := &parser{idx: idx, q: Query{Index: idx, Desc: true, Size: DefaultSize}, format: FormatJSON,
		windows: map[string]*Filter{}, errs: map[string][]string{}}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s, ok := specByName[name]
		switch {
		case !ok:
			p.fail(name, "Unknown parameter%s", suggest(name, idx))
		case !s.applies(idx):
			p.fail(name, "Not a filter of the %s index%s", idx, s.hintText())
		}
	}
	// Parse in the table's order, so the filters come out in a stable order.
	for _, s := range specs {
		vals, ok := v[s.name]
		if !ok || !s.applies(idx) {
			continue
		}
		s.parse(p, s.name, s.fieldFor(idx), vals)
	}
	p.finish()
	if len(p.errs) > 0 {
		errNames := make([]string, 0, len(p.errs))
		for name := range p.errs {
			errNames = append(errNames, name)
		}
		sort.Strings(errNames)
		e := &tender.Error{Code: tender.CodeInvalid}
		for _, name := range errNames {
			e.Errors = append(e.Errors, tender.FieldError{Location: "query", Name: name, Description: p.errs[name]})
		}
		return Query{}, "", e
	}
	return p.q, p.format, nil
}

// spec is one accepted parameter: the document field it filters in each
// index ("" for parameters that are not filters) and its parser.
type spec struct {
	name     string
	tenders  *string // nil: does not apply to the tenders index
	contract *string // nil: does not apply to the contracts index
	hint     string  // why it does not apply, for the error
	parse    func(p *parser, name, field string, vals []string)
}

func (s spec) applies(idx Index) bool {
	if idx == Contracts {
		return s.contract != nil
	}
	return s.tenders != nil
}

func (s spec) fieldFor(idx Index) string {
	if idx == Contracts {
		return *s.contract
	}
	return *s.tenders
}

func (s spec) hintText() string {
	if s.hint == "" {
		return ""
	}
	return ": " + s.hint
}

func f(field string) *string { return &field }

// both is a parameter of both indexes on the same field.
func both(name, field string, parse func(*parser, string, string, []string)) spec {
	return spec{name: name, tenders: f(field), contract: f(field), parse: parse}
}

// tendersOnly is a parameter of the tenders index only.
func tendersOnly(name, field, hint string, parse func(*parser, string, string, []string)) spec {
	return spec{name: name, tenders: f(field), hint: hint, parse: parse}
}

// contractsOnly is a parameter of the contracts index only.
func contractsOnly(name, field, hint string, parse func(*parser, string, string, []string)) spec {
	return spec{name: name, contract: f(field), hint: hint, parse: parse}
}

// dateWindow is the pair name_start, name_end on field.
func dateWindow(name, tendersField, contractsField, hint string) []spec {
	out := make([]spec, 0, 2)
	for _, end := range []bool{false, true} {
		suffix := "_start"
		if end {
			suffix = "_end"
		}
		s := spec{name: name + suffix, hint: hint, parse: dateParser(name, end)}
		if tendersField != "" {
			s.tenders = f(tendersField)
		}
		if contractsField != "" {
			s.contract = f(contractsField)
		}
		out = append(out, s)
	}
	return out
}

var (
	cpvCode   = regexp.MustCompile(`^\d{8}-\d$`)
	cpvPrefix = regexp.MustCompile(`^(\d{1,8}|\d{8}-\d?)$`)
	currency  = regexp.MustCompile(`^[A-Z]{3}$`)
	flagCode  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)
	amountRe  = regexp.MustCompile(`^\d{1,15}(\.\d{1,2})?$`)
	digits    = regexp.MustCompile(`^\d{1,5}$`)
	regionRng = regexp.MustCompile(`^(\d\d)-(\d\d)$`)
)

const (
	noBids     = "contract documents carry no bids"
	noPeriods  = "contract documents carry no tender periods; the contracts index has date (the award's), datemod, contract and signed"
	awardDates = "a contract document's date is its award's: use date_start/date_end"
	noAwardSt  = "tender documents have no award status of their own: search the contracts index"
	noContrSt  = "tender documents have no contract status of their own: search the contracts index"
)

// specs is the parameter table, in the order filters are built.
var specs = slices.Concat([]spec{
	both("query", "", parseText),
	both("id", "id", terms(nil)),
	both("ocid", "ocid", terms(nil)),
	both("tid", "tenderID", terms(nil)),
	both("tid_like", "tenderID", prefixes(nil)),
	both("cpv", "cpv", terms(matching(cpvCode, "Expected a CPV code such as 45233142-6 (for a prefix use cpv_like)"))),
	both("cpv_like", "cpv", prefixes(matching(cpvPrefix, "Expected the start of a CPV code such as 4523 or 45233142-6"))),
	both("edrpou", "buyer.id", terms(nil)),
	both("buyer", "buyer.id", terms(nil)),
	both("supplier", "suppliers.id", terms(nil)),
	tendersOnly("tenderer", "tenderers.id", "contract documents name suppliers: use supplier", terms(nil)),
	both("proc_type", "procurementMethodType", terms(nil)),
	both("procedure", "procurementMethod", terms(oneOf("open", "selective", "limited", "direct"))),
	both("status", "status", terms(nil)), // the award's status in the contracts index
	contractsOnly("award_status", "status", noAwardSt, terms(nil)),
	contractsOnly("contract_status", "contractStatus", noContrSt, terms(nil)),
	both("main_proc_category", "mainProcurementCategory", terms(oneOf("goods", "services", "works"))),
	both("region", "region", parseRegion),
	both("value", "amountMinor", parseValue),
	both("currency", "currency", terms(upper(matching(currency, "Expected an ISO 4217 code such as UAH")))),
	both("flag", "flags", terms(matching(flagCode, "Expected a red-flag code such as R018"))),
	both("risk_min", "riskScore", parseRisk),
	tendersOnly("bids_min", "numberOfBids", noBids, parseBids),
	tendersOnly("bids_max", "numberOfBids", noBids, parseBids),
	both("source", "source", terms(nil)),
},
	dateWindow("date", "date", "date", ""),
	dateWindow("datemod", "dateModified", "dateModified", ""),
	dateWindow("tender", "tenderStart", "", noPeriods),
	dateWindow("deadline", "tenderEnd", "", noPeriods),
	dateWindow("enquiry", "enquiryStart", "", noPeriods),
	dateWindow("auction", "auctionStart", "", noPeriods),
	dateWindow("award", "awardStart", "", awardDates),
	dateWindow("contract", "dateSigned", "dateSigned", ""),
	dateWindow("signed", "dateSigned", "dateSigned", ""),
	[]spec{
		both("sort", "", parseSort),
		both("order", "", parseOrder),
		both("from", "", parsePaging),
		both("start", "", parsePaging),
		both("size", "", parsePaging),
		both("limit", "", parsePaging),
		both("search_after", "", parseAfter),
		both("facets", "", parseFacets),
		both("format", "", parseFormat),
		both("_", "", func(*parser, string, string, []string) {}), // a browser's cache buster
	},
)

var specByName = func() map[string]spec {
	m := make(map[string]spec, len(specs))
	for _, s := range specs {
		m[s.name] = s
	}
	return m
}()

// parser accumulates the query and the problems of every parameter.
type parser struct {
	idx     Index
	q       Query
	format  string
	errs    map[string][]string
	windows map[string]*Filter // date windows by parameter stem, built from _start and _end
	order   []string           // stems in the order their windows were opened

	sortSet, ascending bool
	orderName          string
	from, size         int
	fromName, sizeName string // the parameter that set them, for errors
	bidsMin, bidsMax   *int64
}

func (p *parser) fail(name, format string, args ...any) {
	p.errs[name] = append(p.errs[name], fmt.Sprintf(format, args...))
}

// values splits repeats and comma lists, trims them and drops empty and
// repeated values; it reports too many or too long values.
func (p *parser) values(name string, vals []string) ([]string, bool) {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" || slices.Contains(out, s) {
				continue
			}
			if len(s) > maxValueLen {
				p.fail(name, "A value is longer than %d bytes", maxValueLen)
				return nil, false
			}
			out = append(out, s)
		}
	}
	if len(out) > maxValues {
		p.fail(name, "At most %d values", maxValues)
		return nil, false
	}
	return out, true
}

// single returns the one non-empty value of a single-valued parameter.
func (p *parser) single(name string, vals []string) (string, bool) {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	switch len(out) {
	case 0:
		return "", false
	case 1:
		return out[0], true
	}
	p.fail(name, "Give one value, not %d", len(out))
	return "", false
}

// check validates or normalises one value; ok false with a message.
type check func(string) (string, string)

func matching(re *regexp.Regexp, msg string) check {
	return func(s string) (string, string) {
		if !re.MatchString(s) {
			return "", msg
		}
		return s, ""
	}
}

func oneOf(allowed ...string) check {
	return func(s string) (string, string) {
		if !slices.Contains(allowed, s) {
			return "", "Value must be one of: " + strings.Join(allowed, ", ")
		}
		return s, ""
	}
}

func upper(c check) check {
	return func(s string) (string, string) { return c(strings.ToUpper(s)) }
}

func listFilter(op Op, c check) func(*parser, string, string, []string) {
	return func(p *parser, name, field string, vals []string) {
		list, ok := p.values(name, vals)
		if !ok || len(list) == 0 {
			return
		}
		out := list[:0:0]
		for _, s := range list {
			if c != nil {
				v, msg := c(s)
				if msg != "" {
					p.fail(name, "%s: %q", msg, s)
					continue
				}
				s = v
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		p.q.Filters = append(p.q.Filters, Filter{Field: field, Op: op, Values: out})
	}
}

func terms(c check) func(*parser, string, string, []string)    { return listFilter(OpTerm, c) }
func prefixes(c check) func(*parser, string, string, []string) { return listFilter(OpPrefix, c) }

func parseText(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	if len(s) > maxTextLen {
		p.fail(name, "Longer than %d bytes", maxTextLen)
		return
	}
	p.q.Text = s
}

// parseRegion: two-digit region keys and ranges of them (01-09) become one
// term filter on region; other postal-code prefixes (0, 012) a prefix filter
// on postalCode, with any ranges expanded into two-digit prefixes.
func parseRegion(p *parser, name, _ string, vals []string) {
	list, ok := p.values(name, vals)
	if !ok || len(list) == 0 {
		return
	}
	var keys []string
	onlyKeys := true
	for _, s := range list {
		if m := regionRng.FindStringSubmatch(s); m != nil {
			lo, _ := strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			if lo > hi {
				p.fail(name, "The range %q runs backwards", s)
				continue
			}
			for r := lo; r <= hi; r++ {
				keys = append(keys, fmt.Sprintf("%02d", r))
			}
			continue
		}
		if !digits.MatchString(s) {
			p.fail(name, "Expected a postal-code prefix such as 01 or 0110, or a range of regions such as 01-09: %q", s)
			continue
		}
		onlyKeys = onlyKeys && len(s) == 2
		keys = append(keys, s)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if onlyKeys {
		p.q.Filters = append(p.q.Filters, Filter{Field: "region", Op: OpTerm, Values: keys})
	} else {
		p.q.Filters = append(p.q.Filters, Filter{Field: "postalCode", Op: OpPrefix, Values: keys})
	}
}

// parseValue: MIN-MAX in the documents' currency, either side optional, MAX
// inclusive; amounts with at most two decimal places.
func parseValue(p *parser, name, field string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	const form = "Expected MIN-MAX with a point for decimals, e.g. 1000-50000.50, 1000- or -50000"
	lo, hi, dash := strings.Cut(s, "-")
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if !dash || (lo == "" && hi == "") {
		p.fail(name, "%s: %q", form, s)
		return
	}
	minor := func(a string) (int64, bool) {
		if !amountRe.MatchString(a) {
			return 0, false
		}
		m, ok := Minor(decimal.RequireFromString(a))
		return m, ok
	}
	var fl Filter
	fl.Field, fl.Op = field, OpRange
	var from, to int64
	if lo != "" {
		m, ok := minor(lo)
		if !ok {
			p.fail(name, "%s: %q", form, s)
			return
		}
		from, fl.From = m, m
	}
	if hi != "" {
		m, ok := minor(hi)
		if !ok {
			p.fail(name, "%s: %q", form, s)
			return
		}
		to, fl.To = m+1, m+1
	}
	if lo != "" && hi != "" && from >= to {
		p.fail(name, "MIN is above MAX: %q", s)
		return
	}
	p.q.Filters = append(p.q.Filters, fl)
}

func parseRisk(p *parser, name, field string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		p.fail(name, "Expected a number, 0 or more: %q", s)
		return
	}
	p.q.Filters = append(p.q.Filters, Filter{Field: field, Op: OpRange, From: x})
}

// parseBids reads bids_min or bids_max; finish joins them into one range.
func parseBids(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		p.fail(name, "Expected a whole number, 0 or more: %q", s)
		return
	}
	if name == "bids_min" {
		p.bidsMin = &n
	} else {
		p.bidsMax = &n
	}
}

// dateParser reads stem_start (inclusive) or stem_end (inclusive: a date
// ends with its day, a timestamp with its millisecond).
func dateParser(stem string, end bool) func(*parser, string, string, []string) {
	return func(p *parser, name, field string, vals []string) {
		s, ok := p.single(name, vals)
		if !ok {
			return
		}
		t, day, ok := parseTime(s)
		if !ok {
			p.fail(name, "Expected a date such as 2026-11-22 (a whole day in Kyiv) or a timestamp such as 2026-11-22T10:00:00+02:00: %q", s)
			return
		}
		w := p.windows[stem]
		if w == nil {
			w = &Filter{Field: field, Op: OpRange}
			p.windows[stem] = w
			p.order = append(p.order, stem)
		}
		switch {
		case !end:
			w.From = t.UTC()
		case day:
			w.To = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, tender.Kyiv).UTC()
		default:
			w.To = t.Truncate(time.Millisecond).Add(time.Millisecond).UTC()
		}
		if from, ok := w.From.(time.Time); ok {
			if to, ok := w.To.(time.Time); ok && !from.Before(to) {
				p.fail(stem+"_end", "Ends before %s_start", stem)
			}
		}
	}
}

// parseTime reads a date (midnight in Kyiv; day true), a timestamp with a
// zone, or one without (Kyiv time). A '+' of the zone that the query
// string decoded into a space is put back.
func parseTime(s string) (t time.Time, day bool, ok bool) {
	if d, err := time.ParseInLocation("2006-01-02", s, tender.Kyiv); err == nil {
		return d, true, true
	}
	if strings.Contains(s, "T") {
		s = strings.Replace(s, " ", "+", 1)
	}
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return ts.UTC(), false, true
	}
	if ts, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, tender.Kyiv); err == nil {
		return ts.UTC(), false, true
	}
	return time.Time{}, false, false
}

var sortNames = map[string]string{
	SortDate: SortDate, "datePublished": SortDate,
	SortDateModified: SortDateModified,
	SortValue:        SortValue,
	SortRelevance:    SortRelevance, "_score": SortRelevance,
	SortRisk: SortRisk,
}

func parseSort(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	v, ok := sortNames[s]
	if !ok {
		p.fail(name, "Value must be one of: date, dateModified, value, relevance, risk (ProZorro's datePublished and _score are accepted): %q", s)
		return
	}
	p.q.Sort, p.sortSet = v, true
}

func parseOrder(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	switch s {
	case "asc":
		p.q.Desc, p.ascending, p.orderName = false, true, name
	case "desc":
		p.q.Desc = true
	default:
		p.fail(name, "Value must be one of: asc, desc: %q", s)
	}
}

// parsePaging reads from (start) and size (limit); finish checks them
// together.
func parsePaging(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	isFrom := name == "from" || name == "start"
	prev := p.sizeName
	if isFrom {
		prev = p.fromName
	}
	if prev != "" {
		p.fail(name, "Give %s or %s, not both", prev, name)
		return
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		p.fail(name, "Expected a whole number: %q", s)
		return
	case isFrom && n < 0:
		p.fail(name, "Must be 0 or more")
		return
	case !isFrom && (n < 1 || n > MaxSize):
		p.fail(name, "Must be between 1 and %d", MaxSize)
		return
	}
	if isFrom {
		p.from, p.fromName = n, name
	} else {
		p.size, p.sizeName = n, name
	}
}

func parseAfter(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	if len(s) > maxCursor {
		p.fail(name, "Not a cursor this server issued")
		return
	}
	p.q.After = s
}

func parseFacets(p *parser, name, _ string, vals []string) {
	list, ok := p.values(name, vals)
	if !ok {
		return
	}
	for _, s := range list {
		switch {
		case s == "all":
			for _, f := range AllFacets {
				if !slices.Contains(p.q.Facets, f) {
					p.q.Facets = append(p.q.Facets, f)
				}
			}
		case slices.Contains(AllFacets, s):
			if !slices.Contains(p.q.Facets, s) {
				p.q.Facets = append(p.q.Facets, s)
			}
		default:
			p.fail(name, "Unknown facet %q: use all or any of %s", s, strings.Join(AllFacets, ", "))
		}
	}
}

func parseFormat(p *parser, name, _ string, vals []string) {
	s, ok := p.single(name, vals)
	if !ok {
		return
	}
	switch s {
	case FormatJSON, FormatCSV:
		p.format = s
	default:
		p.fail(name, "Value must be one of: json, csv: %q", s)
	}
}

// finish checks what spans parameters and adds the filters built from
// several of them.
func (p *parser) finish() {
	for _, stem := range p.order {
		p.q.Filters = append(p.q.Filters, *p.windows[stem])
	}
	if p.bidsMin != nil || p.bidsMax != nil {
		fl := Filter{Field: "numberOfBids", Op: OpRange}
		if p.bidsMin != nil {
			fl.From = *p.bidsMin
		}
		if p.bidsMax != nil {
			fl.To = *p.bidsMax + 1
		}
		if p.bidsMin != nil && p.bidsMax != nil && *p.bidsMin > *p.bidsMax {
			p.fail("bids_max", "Below bids_min")
		} else {
			p.q.Filters = append(p.q.Filters, fl)
		}
	}
	if p.sizeName != "" {
		p.q.Size = p.size
	}
	p.q.From = p.from
	if p.q.From+p.q.Size > MaxWindow {
		p.fail(p.fromName, "%s+%s may not pass %d: page deeper with next_page (search_after)",
			p.fromName, or(p.sizeName, "size"), MaxWindow)
	}
	if p.q.After != "" && p.q.From > 0 {
		p.fail("search_after", "search_after pages by itself: drop %s", p.fromName)
	}
	relevance := p.q.Sort == SortRelevance || (p.q.Sort == "" && p.q.Text != "")
	switch {
	case p.q.Sort == SortRelevance && p.q.Text == "":
		p.fail("sort", "relevance needs a full-text query (query)")
	case relevance && p.ascending:
		p.fail(p.orderName, "Relevance sorts best first only: drop order=asc or sort by something else")
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// suggest names the accepted parameter closest to an unknown one.
func suggest(name string, idx Index) string {
	best, dist := "", 3
	for _, s := range specs {
		if !s.applies(idx) || s.name == "_" {
			continue
		}
		if d := editDistance(strings.ToLower(name), s.name); d < dist {
			best, dist = s.name, d
		}
	}
	if best == "" {
		return ""
	}
	return ": did you mean " + best + "?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Parameters lists the parameters ParseQuery accepts on idx.
func Parameters(idx Index) []string {
	var out []string
	for _, s := range specs {
		if s.applies(idx) {
			out = append(out, s.name)
		}
	}
	return out
}
