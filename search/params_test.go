package search_test

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// kyivDay is midnight of a civil day in Kyiv, in UTC.
func kyivDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, tender.Kyiv).UTC()
}

func term(field string, vals ...string) search.Filter {
	return search.Filter{Field: field, Op: search.OpTerm, Values: vals}
}

func prefix(field string, vals ...string) search.Filter {
	return search.Filter{Field: field, Op: search.OpPrefix, Values: vals}
}

func rng(field string, from, to any) search.Filter {
	return search.Filter{Field: field, Op: search.OpRange, From: from, To: to}
}

func ts(s string) time.Time { return must(time.Parse(time.RFC3339Nano, s)).UTC() }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

const T, C = search.Tenders, search.Contracts

// validCase runs on idx, or with idx "" on every index that has all its
// parameters.
type validCase struct {
	name   string
	idx    search.Index
	query  string
	want   func(q *search.Query) // applied to the defaults
	format string                // "" is json
}

var validCases = []validCase{
	{name: "nothing", query: "", want: func(q *search.Query) {}},
	{name: "empty values are absent", query: "status=&query=&cpv=,&value=", want: func(q *search.Query) {}},
	{name: "cache buster", query: "_=1712345678", want: func(q *search.Query) {}},

	// Full text.
	{name: "query", query: "query=ремонт+дороги", want: func(q *search.Query) { q.Text = "ремонт дороги" }},
	{name: "query with commas stays whole", query: "query=a,b", want: func(q *search.Query) { q.Text = "a,b" }},

	// Exact and prefix terms.
	{name: "id", query: "id=abc&id=def,abc", want: filters(term("id", "abc", "def"))},
	{name: "ocid", query: "ocid=ocds-be6bcu-UA-2026-01-01-000001-a", want: filters(term("ocid", "ocds-be6bcu-UA-2026-01-01-000001-a"))},
	{name: "tid", query: "tid=UA-2026-01-01-000001-a", want: filters(term("tenderID", "UA-2026-01-01-000001-a"))},
	{name: "tid_like", query: "tid_like=UA-2026-01", want: filters(prefix("tenderID", "UA-2026-01"))},
	{name: "cpv", query: "cpv=45233142-6,30213100-6", want: filters(term("cpv", "45233142-6", "30213100-6"))},
	{name: "cpv_like", query: "cpv_like=4523&cpv_like=45233142-", want: filters(prefix("cpv", "4523", "45233142-"))},
	{name: "edrpou", query: "edrpou=00037256", want: filters(term("buyer.id", "00037256"))},
	{name: "buyer", query: "buyer=00037256, 01234567", want: filters(term("buyer.id", "00037256", "01234567"))},
	{name: "supplier", query: "supplier=11111111", want: filters(term("suppliers.id", "11111111"))},
	{name: "tenderer", query: "tenderer=11111111", want: filters(term("tenderers.id", "11111111"))},
	{name: "proc_type", query: "proc_type=aboveThresholdUA&proc_type=belowThreshold", want: filters(term("procurementMethodType", "aboveThresholdUA", "belowThreshold"))},
	{name: "procedure", query: "procedure=open,limited", want: filters(term("procurementMethod", "open", "limited"))},
	{name: "status", query: "status=complete,active.tendering", want: filters(term("status", "complete", "active.tendering"))},
	{name: "status on contracts is the award's", idx: C, query: "status=active", want: filters(term("status", "active"))},
	{name: "award_status", query: "award_status=active,unsuccessful", want: filters(term("status", "active", "unsuccessful"))},
	{name: "contract_status", query: "contract_status=active", want: filters(term("contractStatus", "active"))},
	{name: "main_proc_category", query: "main_proc_category=works", want: filters(term("mainProcurementCategory", "works"))},
	{name: "currency, upper-cased", query: "currency=uah,EUR", want: filters(term("currency", "UAH", "EUR"))},
	{name: "flag", query: "flag=R018&flag=PZ1", want: filters(term("flags", "R018", "PZ1"))},
	{name: "source", query: "source=local", want: filters(term("source", "local"))},

	// Region.
	{name: "region key", query: "region=01", want: filters(term("region", "01"))},
	{name: "region range", query: "region=01-04", want: filters(term("region", "01", "02", "03", "04"))},
	{name: "regions and ranges", query: "region=79,61-62&region=01", want: filters(term("region", "01", "61", "62", "79"))},
	{name: "region postal prefix", query: "region=0", want: filters(prefix("postalCode", "0"))},
	{name: "postal prefixes with a range", query: "region=0110,79-80", want: filters(prefix("postalCode", "0110", "79", "80"))},

	// Value.
	{name: "value range", query: "value=1000-50000.50", want: filters(rng("amountMinor", int64(100000), int64(5000051)))},
	{name: "value from", query: "value=1000.5-", want: filters(rng("amountMinor", int64(100050), nil))},
	{name: "value to", query: "value=-25000", want: filters(rng("amountMinor", nil, int64(2500001)))},
	{name: "value one amount", query: "value=7-7", want: filters(rng("amountMinor", int64(700), int64(701)))},

	// Numbers.
	{name: "risk_min", query: "risk_min=0.25", want: filters(rng("riskScore", 0.25, nil))},
	{name: "bids_min", query: "bids_min=2", want: filters(rng("numberOfBids", int64(2), nil))},
	{name: "bids_max", query: "bids_max=1", want: filters(rng("numberOfBids", nil, int64(2)))},
	{name: "bids window", query: "bids_min=1&bids_max=1", want: filters(rng("numberOfBids", int64(1), int64(2)))},

	// Dates: a day in Kyiv, ends inclusive.
	{name: "date window", query: "date_start=2026-11-22&date_end=2026-11-30",
		want: filters(rng("date", kyivDay(2026, 11, 22), kyivDay(2026, 12, 1)))},
	{name: "date across the DST change", query: "date_start=2026-03-29&date_end=2026-03-29",
		want: filters(rng("date", ts("2026-03-28T22:00:00Z"), ts("2026-03-29T21:00:00Z")))},
	{name: "date_start timestamp", query: "date_start=2026-11-22T10:00:00%2B02:00", want: filters(rng("date", ts("2026-11-22T08:00:00Z"), nil))},
	{name: "a '+' decoded into a space", query: "date_start=2026-11-22T10:00:00+02:00", want: filters(rng("date", ts("2026-11-22T08:00:00Z"), nil))},
	{name: "date_end timestamp inclusive", query: "date_end=2026-11-22T10:00:00Z", want: filters(rng("date", nil, ts("2026-11-22T10:00:00.001Z")))},
	{name: "timestamp without a zone is Kyiv's", query: "date_start=2026-07-01T12:00:00", want: filters(rng("date", ts("2026-07-01T09:00:00Z"), nil))},
	{name: "datemod", query: "datemod_start=2026-01-01", want: filters(rng("dateModified", kyivDay(2026, 1, 1), nil))},
	{name: "tender window", query: "tender_end=2026-01-31", want: filters(rng("tenderStart", nil, kyivDay(2026, 2, 1)))},
	{name: "deadline", query: "deadline_start=2026-02-01&deadline_end=2026-02-01", want: filters(rng("tenderEnd", kyivDay(2026, 2, 1), kyivDay(2026, 2, 2)))},
	{name: "enquiry", query: "enquiry_start=2026-02-01", want: filters(rng("enquiryStart", kyivDay(2026, 2, 1), nil))},
	{name: "auction", query: "auction_end=2026-02-01", want: filters(rng("auctionStart", nil, kyivDay(2026, 2, 2)))},
	{name: "award", query: "award_start=2026-02-01", want: filters(rng("awardStart", kyivDay(2026, 2, 1), nil))},
	{name: "contract on tenders", query: "contract_start=2026-02-01", want: filters(rng("dateSigned", kyivDay(2026, 2, 1), nil))},
	{name: "contract on contracts", query: "contract_end=2026-02-01", want: filters(rng("dateSigned", nil, kyivDay(2026, 2, 2)))},
	{name: "signed on contracts", query: "signed_start=2026-02-01&signed_end=2026-02-03", want: filters(rng("dateSigned", kyivDay(2026, 2, 1), kyivDay(2026, 2, 4)))},

	// Filters combine in the table's order.
	{name: "combined", query: "value=100-&status=complete&date_start=2026-01-01&cpv_like=45&query=ремонт",
		want: func(q *search.Query) {
			q.Text = "ремонт"
			q.Filters = []search.Filter{prefix("cpv", "45"), term("status", "complete"), rng("amountMinor", int64(10000), nil), rng("date", kyivDay(2026, 1, 1), nil)}
		}},

	// Order and paging.
	{name: "sort date asc", query: "sort=date&order=asc", want: func(q *search.Query) { q.Sort, q.Desc = search.SortDate, false }},
	{name: "sort datePublished", query: "sort=datePublished", want: func(q *search.Query) { q.Sort = search.SortDate }},
	{name: "sort dateModified", query: "sort=dateModified&order=desc", want: func(q *search.Query) { q.Sort = search.SortDateModified }},
	{name: "sort value", query: "sort=value", want: func(q *search.Query) { q.Sort = search.SortValue }},
	{name: "sort risk", query: "sort=risk", want: func(q *search.Query) { q.Sort = search.SortRisk }},
	{name: "sort _score", query: "sort=_score&query=x", want: func(q *search.Query) { q.Sort, q.Text = search.SortRelevance, "x" }},
	{name: "order asc without text", query: "order=asc", want: func(q *search.Query) { q.Desc = false }},
	{name: "from and size", query: "from=20&size=100", want: func(q *search.Query) { q.From, q.Size = 20, 100 }},
	{name: "start and limit", query: "start=5&limit=1", want: func(q *search.Query) { q.From, q.Size = 5, 1 }},
	{name: "the last window", query: "from=9900&size=100", want: func(q *search.Query) { q.From, q.Size = 9900, 100 }},
	{name: "search_after", query: "search_after=abc&from=0", want: func(q *search.Query) { q.After = "abc" }},

	// Facets and format.
	{name: "facets", query: "facets=status,cpv&facets=status", want: func(q *search.Query) { q.Facets = []string{"status", "cpv"} }},
	{name: "facets all", query: "facets=month,all", want: func(q *search.Query) {
		q.Facets = append([]string{"month"}, slices.DeleteFunc(slices.Clone(search.AllFacets), func(s string) bool { return s == "month" })...)
	}},
	{name: "format csv", query: "format=csv", want: func(q *search.Query) {}, format: "csv"},
	{name: "format json", query: "format=json", want: func(q *search.Query) {}},
}

// indexesOf returns idx, or the indexes that accept every parameter of query
// (all of them when none does and all is true).
func indexesOf(idx search.Index, query string, all bool) []search.Index {
	if idx != "" {
		return []search.Index{idx}
	}
	var out []search.Index
	for _, i := range search.Indexes {
		ok := true
		for k := range must(url.ParseQuery(query)) {
			ok = ok && slices.Contains(search.Parameters(i), k)
		}
		if ok {
			out = append(out, i)
		}
	}
	if len(out) == 0 && all {
		return search.Indexes
	}
	return out
}

// freeTerms are the parameters whose values are not checked beyond their
// count and length.
var freeTerms = []string{"id", "ocid", "tid", "tid_like", "edrpou", "buyer", "supplier", "tenderer",
	"proc_type", "status", "award_status", "contract_status", "source"}

// windows are the date parameters' stems with their fields; "" where the
// index has no such window.
var windows = []struct{ stem, tenders, contracts string }{
	{"date", "date", "date"}, {"datemod", "dateModified", "dateModified"},
	{"tender", "tenderStart", ""}, {"deadline", "tenderEnd", ""},
	{"enquiry", "enquiryStart", ""}, {"auction", "auctionStart", ""}, {"award", "awardStart", ""},
	{"contract", "dateSigned", "dateSigned"}, {"signed", "dateSigned", "dateSigned"},
}

func init() {
	for _, name := range freeTerms {
		invalidCases = append(invalidCases,
			invalidCase{name + " too long", "", name + "=" + strings.Repeat("ж", 101), []string{name}},
			invalidCase{name + " too many", "", name + "=" + many, []string{name}})
	}
	for _, w := range windows {
		q := w.stem + "_start=2026-01-01&" + w.stem + "_end=2026-01-31"
		for idx, field := range map[search.Index]string{T: w.tenders, C: w.contracts} {
			if field == "" {
				invalidCases = append(invalidCases, invalidCase{w.stem + " window elsewhere", idx, q, []string{w.stem + "_end", w.stem + "_start"}})
				continue
			}
			validCases = append(validCases, validCase{name: w.stem + " window", idx: idx, query: q,
				want: filters(rng(field, kyivDay(2026, 1, 1), kyivDay(2026, 2, 1)))})
		}
		invalidCases = append(invalidCases,
			invalidCase{w.stem + "_start bad", "", w.stem + "_start=2026-13-01", []string{w.stem + "_start"}},
			invalidCase{w.stem + "_end bad", "", w.stem + "_end=2026-01-01T25:00:00Z", []string{w.stem + "_end"}})
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range validCases {
		idxs := indexesOf(tc.idx, tc.query, false)
		if len(idxs) == 0 {
			t.Errorf("%s: no index takes %s", tc.name, tc.query)
		}
		for _, idx := range idxs {
			t.Run(string(idx)+"/"+tc.name, func(t *testing.T) {
				testValid(t, idx, tc)
			})
		}
	}
}

func testValid(t *testing.T, idx search.Index, tc validCase) {
	v, err := url.ParseQuery(tc.query)
	if err != nil {
		t.Fatal(err)
	}
	got, format, err := search.ParseQuery(idx, v)
	if err != nil {
		t.Fatalf("%s: %v", tc.query, err)
	}
	want := search.Query{Index: idx, Desc: true, Size: search.DefaultSize}
	tc.want(&want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s\n got %+v\nwant %+v", tc.query, got, want)
	}
	if wantFormat := or(tc.format, "json"); format != wantFormat {
		t.Errorf("format %q, want %q", format, wantFormat)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func filters(fs ...search.Filter) func(q *search.Query) {
	return func(q *search.Query) { q.Filters = fs }
}

// many is 101 distinct values, one more than a parameter takes.
var many = func() string {
	var b strings.Builder
	for i := range 101 {
		fmt.Fprintf(&b, "v%d,", i)
	}
	return b.String()
}()

// invalidCase runs on idx, or with idx "" on every index that has all its
// parameters (on both when neither has them).
type invalidCase struct {
	name  string
	idx   search.Index
	query string
	bad   []string // the parameters named, sorted
}

var invalidCases = []invalidCase{
	{"unknown", "", "stauts=complete", []string{"stauts"}},
	{"unknown with case", "", "Query=x", []string{"Query"}},
	{"several at once", "", "value=abc&sort=price&size=0&foo=1", []string{"foo", "size", "sort", "value"}},

	{"query repeated", "", "query=a&query=b", []string{"query"}},
	{"query too long", "", "query=" + strings.Repeat("a", 1001), []string{"query"}},
	{"too many ids", "", "id=" + many, []string{"id"}},
	{"an id too long", "", "ocid=" + strings.Repeat("a", 201), []string{"ocid"}},
	{"cpv prefix given as cpv", "", "cpv=4523", []string{"cpv"}},
	{"cpv without its check digit", "", "cpv=45233142", []string{"cpv"}},
	{"cpv_like not a code", "", "cpv_like=45x", []string{"cpv_like"}},
	{"cpv_like too long", "", "cpv_like=45233142-66", []string{"cpv_like"}},
	{"procedure", "", "procedure=opn", []string{"procedure"}},
	{"main_proc_category", "", "main_proc_category=good", []string{"main_proc_category"}},
	{"currency", "", "currency=hryvnia", []string{"currency"}},
	{"flag", "", "flag=R 018", []string{"flag"}},

	{"region letters", "", "region=Kyiv", []string{"region"}},
	{"region too long", "", "region=010010", []string{"region"}},
	{"region range backwards", "", "region=09-01", []string{"region"}},
	{"region range of prefixes", "", "region=1-9", []string{"region"}},

	{"value without a dash", "", "value=1000", []string{"value"}},
	{"value dash only", "", "value=-", []string{"value"}},
	{"value decimal comma", "", "value=1000,50-2000", []string{"value"}},
	{"value three decimals", "", "value=1.005-", []string{"value"}},
	{"value negative", "", "value=--5", []string{"value"}},
	{"value backwards", "", "value=500-100", []string{"value"}},
	{"value exponent", "", "value=1e3-", []string{"value"}},
	{"value repeated", "", "value=1-2&value=3-4", []string{"value"}},

	{"risk_min negative", "", "risk_min=-1", []string{"risk_min"}},
	{"risk_min text", "", "risk_min=high", []string{"risk_min"}},
	{"risk_min infinite", "", "risk_min=Inf", []string{"risk_min"}},
	{"bids_min negative", "", "bids_min=-1", []string{"bids_min"}},
	{"bids_max fraction", "", "bids_max=1.5", []string{"bids_max"}},
	{"bids backwards", "", "bids_min=3&bids_max=2", []string{"bids_max"}},

	{"date not a date", "", "date_start=yesterday", []string{"date_start"}},
	{"date impossible", "", "datemod_end=2026-02-30", []string{"datemod_end"}},
	{"date slashes", "", "enquiry_start=22/11/2026", []string{"enquiry_start"}},
	{"date window backwards", "", "date_start=2026-11-23&date_end=2026-11-22", []string{"date_end"}},
	{"date repeated", "", "auction_start=2026-01-01&auction_start=2026-01-02", []string{"auction_start"}},

	{"sort unknown", "", "sort=budget", []string{"sort"}},
	{"relevance without text", "", "sort=relevance", []string{"sort"}},
	{"relevance ascending", "", "sort=relevance&query=x&order=asc", []string{"order"}},
	{"text ascending by default relevance", "", "query=x&order=asc", []string{"order"}},
	{"order", "", "order=up", []string{"order"}},
	{"from negative", "", "from=-1", []string{"from"}},
	{"from not a number", "", "start=ten", []string{"start"}},
	{"size zero", "", "size=0", []string{"size"}},
	{"size over 100", "", "limit=101", []string{"limit"}},
	{"from and start", "", "from=1&start=2", []string{"start"}},
	{"size and limit", "", "size=1&limit=2", []string{"limit"}},
	{"deep paging", "", "from=9901&size=100", []string{"from"}},
	{"deep paging by start", "", "start=10000", []string{"start"}},
	{"search_after with from", "", "search_after=abc&from=10", []string{"search_after"}},
	{"search_after too long", "", "search_after=" + strings.Repeat("a", 5000), []string{"search_after"}},
	{"facet unknown", "", "facets=status,colour", []string{"facets"}},
	{"format", "", "format=xml", []string{"format"}},

	// Filters the contracts index does not have, and the reverse.
	{"tenderer on contracts", C, "tenderer=1", []string{"tenderer"}},
	{"bids on contracts", C, "bids_min=1&bids_max=3", []string{"bids_max", "bids_min"}},
	{"tender periods on contracts", C, "tender_start=2026-01-01&deadline_end=2026-01-01&enquiry_start=2026-01-01&auction_end=2026-01-01",
		[]string{"auction_end", "deadline_end", "enquiry_start", "tender_start"}},
	{"award window on contracts", C, "award_start=2026-01-01", []string{"award_start"}},
	{"award_status on tenders", T, "award_status=active", []string{"award_status"}},
	{"contract_status on tenders", T, "contract_status=active", []string{"contract_status"}},
	{"good and bad together", C, "status=active&tenderer=1&value=x", []string{"tenderer", "value"}},
}

func TestParseQueryInvalid(t *testing.T) {
	for _, tc := range invalidCases {
		for _, idx := range indexesOf(tc.idx, tc.query, true) {
			t.Run(string(idx)+"/"+tc.name, func(t *testing.T) {
				testInvalid(t, idx, tc)
			})
		}
	}
}

func testInvalid(t *testing.T, idx search.Index, tc invalidCase) {
	v, err := url.ParseQuery(tc.query)
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := search.ParseQuery(idx, v)
	if err == nil {
		t.Fatalf("%s: no error, query %+v", tc.query, q)
	}
	var e *tender.Error
	if !errors.As(err, &e) || e.Code != tender.CodeInvalid {
		t.Fatalf("%s: %v, want a tender.CodeInvalid error", tc.query, err)
	}
	var names []string
	for _, fe := range e.Errors {
		if fe.Location != "query" {
			t.Errorf("location %q, want query", fe.Location)
		}
		if d, ok := fe.Description.([]string); !ok || len(d) == 0 || d[0] == "" {
			t.Errorf("%s: description %v", fe.Name, fe.Description)
		}
		names = append(names, fe.Name)
	}
	if !slices.Equal(names, tc.bad) {
		t.Errorf("%s: errors %v, want %v", tc.query, e.Errors, tc.bad)
	}
}

func TestParseQuerySuggests(t *testing.T) {
	_, _, err := search.ParseQuery(search.Tenders, url.Values{"cpv_lik": {"45"}})
	var e *tender.Error
	if !errors.As(err, &e) || len(e.Errors) != 1 || !strings.Contains(e.Errors[0].Description.([]string)[0], "cpv_like") {
		t.Errorf("a typo of cpv_like: %v, want a suggestion", err)
	}
	_, _, err = search.ParseQuery(search.Contracts, url.Values{"deadline_start": {"2026-01-01"}})
	if !errors.As(err, &e) || !strings.Contains(e.Errors[0].Description.([]string)[0], "contracts index") {
		t.Errorf("a tenders-only filter on contracts: %v, want it named as such", err)
	}
}

func TestParseQueryUnknownIndex(t *testing.T) {
	if _, _, err := search.ParseQuery("plans", nil); err == nil || tender.ErrorCode(err) != tender.CodeInternal {
		t.Errorf("unknown index: %v, want a plain error", err)
	}
}

// TestEveryParameterTested: each parameter of each index has a valid and an
// invalid case above, so a new parameter cannot go in untested.
func TestEveryParameterTested(t *testing.T) {
	for _, idx := range search.Indexes {
		valid, invalid := map[string]bool{}, map[string]bool{}
		for _, tc := range validCases {
			if slices.Contains(indexesOf(tc.idx, tc.query, false), idx) {
				for k := range must(url.ParseQuery(tc.query)) {
					valid[k] = true
				}
			}
		}
		for _, tc := range invalidCases {
			if slices.Contains(indexesOf(tc.idx, tc.query, true), idx) {
				for _, k := range tc.bad {
					invalid[k] = true
				}
			}
		}
		for _, name := range search.Parameters(idx) {
			if name == "_" {
				continue
			}
			if !valid[name] {
				t.Errorf("%s: %s has no valid case", idx, name)
			}
			if !invalid[name] {
				t.Errorf("%s: %s has no invalid case", idx, name)
			}
		}
	}
}
