// Package api serves the public search over HTTP (Gin), beside the tender
// API and under its prefix /api/2.5:
//
//	GET /search/tenders     the tenders index: one document per contracting process
//	GET /search/contracts   the contracts index: one document per award, with its contract
//
// It answers from any search.Backend; cmd/prozorro mounts a Server on a
// ServeMux at Path. Every answer carries Access-Control-Allow-Origin: *, so
// watchdog tools call it from browsers.
//
// # Parameters
//
// search.ParseQuery reads openprocurement.search's parameter names.
// Multi-valued parameters (marked *) take repeats and comma lists: the values
// of one parameter are alternatives, different parameters must all hold.
// Empty values are ignored; an unknown parameter is an error, so a typo
// never widens a search to everything.
//
//	query                 full text (titles, descriptions, items, lots, names)
//	id* ocid* tid*        document id, ocid, tenderID, exact
//	tid_like*             tenderID prefix
//	cpv* cpv_like*        CPV code exact (45233142-6), or its prefix (4523)
//	edrpou* buyer*        buyer.id
//	supplier*             suppliers.id (active awards' suppliers; the award's in contracts)
//	tenderer*             tenderers.id                                    tenders only
//	proc_type*            procurementMethodType
//	procedure*            procurementMethod: open, selective, limited, direct
//	status*               status (in the contracts index: the award's)
//	award_status*         status                                          contracts only
//	contract_status*      contractStatus                                  contracts only
//	main_proc_category*   goods, services, works
//	region*               01 (region key), 01-09 (a range of them), 0 or 0110 (postal-code prefix)
//	value                 MIN-MAX amount with either side optional (1000-50000.50, 1000-, -50000); MAX inclusive
//	currency*             ISO 4217 (UAH)
//	flag*                 red-flag code (R018)
//	risk_min              riskScore at least
//	bids_min bids_max     numberOfBids, inclusive                         tenders only
//	source*               "local" or an OCDS publisher's name
//
// Date windows are name_start and name_end, each optional, both inclusive.
// A date (2026-11-22) is a whole day in Kyiv; a timestamp
// (2026-11-22T10:00:00+02:00, Kyiv time without a zone) is exact to the
// millisecond:
//
//	date_*      date (published; in the contracts index the award's date)
//	datemod_*   dateModified
//	tender_*    tenderPeriod.startDate                                  tenders only
//	deadline_*  tenderPeriod.endDate                                    tenders only
//	enquiry_*   enquiryPeriod.startDate                                 tenders only
//	auction_*   auctionPeriod.startDate (the earliest lot's)            tenders only
//	award_*     awardPeriod.startDate                                   tenders only
//	contract_*  signed_*   dateSigned (in the tenders index the first contract's)
//
// Order and paging:
//
//	sort          date (default; datePublished), dateModified, value, risk,
//	              relevance (_score; the default with query, needs query)
//	order         desc (default) or asc; relevance is best first only
//	from (start)  offset, 0 or more; from+size at most 10000
//	size (limit)  1..100, default 10
//	search_after  the cursor of next_page, instead of from: deep paging
//	facets        comma list of status, procedure, region, cpv, buyer,
//	              supplier, flag, month, method, mainProcurementCategory, or all
//	format        json (default) or csv
//	_             ignored (a browser's cache buster)
//
// # Answers
//
//	{"data": [hit, ...], "total": N,
//	 "next_page": {"search_after": "...", "uri": "<this query with search_after>"},
//	 "facets": {"status": [{"key": "complete", "count": 12, "sum": {"UAH": "1234.50"}}, ...]}}
//
// Hits are the indexed documents (search.TenderDoc, search.ContractDoc) less
// their red-flag facts. next_page appears while there may be more hits;
// following its uri walks the whole result however deep. facets appears
// when asked, with every facet asked for.
//
// format=csv sends the whole result, not one page, as text/csv with a
// header row, walking the backend with search_after in pages of
// Config.ExportPageSize and flushing each. Lists in a cell are joined with
// ';', amounts keep their exact decimal text, dates are RFC 3339 in UTC, and
// a text cell that a spreadsheet would take for a formula (= + - @) gets a
// leading apostrophe. A result larger than Config.MaxExportRows is refused
// with 422 before anything is sent; paging and facets are ignored. If the
// backend fails half-way the connection is dropped, so a client never takes
// a cut-off file for a whole one.
//
// Errors have ProZorro's shape {"status": "error", "errors": [{"location",
// "name", "description"}]}: 422 naming every bad parameter (location
// "query"), 400 for a cursor this server did not issue (search_after) or a
// malformed query string, 503 with Retry-After while the backend is
// unreachable or failing (the cause goes to the log only), 404 and 405 for
// other paths and methods.
package api
