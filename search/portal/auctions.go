package portal

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
)

// Live auctions: the tenders whose auction starts from the beginning of
// today (Kyiv) to two weeks on, and those in active.auction whatever their
// planned start, grouped by day with a link to every auction's observer
// page.

func init() {
	page("/live-auctions", (*Server).auctionsPage)
}

const (
	auctionsDays = 14
	// auctionsReaders bounds the concurrent reads of public views.
	auctionsReaders = 8
)

// auctionsMax is how many tenders the page reads at most (a variable for
// tests). The search API sorts by date, dateModified, value and risk only,
// not by auctionStart, so the page fetches the matching documents (up to
// this many) and sorts them by auction start itself; when the window holds
// more, it reads it a day at a time from today, so that the ones it shows
// are the soonest.
var auctionsMax = 200

// auctionsParams are the search parameters the page passes on.
var auctionsParams = []string{"region", "proc_type"}

type auctionsData struct {
	Days      []auctionsDay
	Count     int
	Truncated bool   // more tenders matched than the page reads
	SearchURL string // the search page with the same window
	From, To  string
	Facets    []risksFacet
	Window    int // days
}

type auctionsDay struct {
	ID    string // "day-2026-11-22"
	Label string
	Rows  []auctionsRow
}

type auctionsRow struct {
	Time     string
	Date     string // with Time, for an auction planned before today
	URL      string
	Title    string
	TenderID string
	Buyer    organisationLink
	Value    string
	Status   string
	State    string // scheduled, live, finished
	Auctions []auctionsLink
	ID       string // the tender's
	Start    string // RFC 3339, for scripts and tests

	start time.Time
}

type auctionsLink struct {
	Label string // the lot's title, "" for the tender's one auction
	Time  string
	URL   string
	State string
}

// auctionsPage answers GET /live-auctions.
func (s *Server) auctionsPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, &badRequest{tr(lang, "auctions.badQuery")})
		return
	}
	v.Del("lang")
	if err := organisationOnly(v, tr(lang, "auctions.unknownParam"), auctionsParams...); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	y, m, dd := now.In(kyiv).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, kyiv)
	last := today.AddDate(0, 0, auctionsDays-1) // auction_end is inclusive of its day
	window := risksClone(v)
	window.Set("auction_start", today.Format("2006-01-02"))
	window.Set("auction_end", last.Format("2006-01-02"))
	window.Set("facets", search.FacetRegion+","+search.FacetProcedure)
	docs, total, facets, err := s.auctionsFetch(r.Context(), window, auctionsMax)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if total > int64(len(docs)) {
		docs = docs[:0]
		for day := today; !day.After(last) && len(docs) < auctionsMax; day = day.AddDate(0, 0, 1) {
			one := risksClone(v)
			one.Set("auction_start", day.Format("2006-01-02"))
			one.Set("auction_end", day.Format("2006-01-02"))
			got, _, _, err := s.auctionsFetch(r.Context(), one, auctionsMax-len(docs))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			docs = append(docs, got...)
		}
	}
	running := risksClone(v)
	running.Set("status", string(tender.StatusAuction))
	more, moreTotal, _, err := s.auctionsFetch(r.Context(), running, auctionsMax)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auctionsData{Window: auctionsDays, Truncated: total > int64(len(docs)) || moreTotal > int64(len(more)),
		From: today.Format("2006-01-02"), To: last.Format("2006-01-02")}
	seen := map[string]bool{}
	var all []*search.TenderDoc
	for _, doc := range append(docs, more...) {
		if seen[doc.ID] || doc.Status == string(tender.StatusCancelled) {
			continue
		}
		seen[doc.ID] = true
		all = append(all, doc)
	}
	views := s.auctionsViews(r.Context(), all)
	var rows []auctionsRow
	for i, doc := range all {
		rows = append(rows, s.auctionsRowOf(lang, now, today, doc, views[i]))
	}
	slices.SortFunc(rows, func(a, b auctionsRow) int {
		return cmp.Or(a.start.Compare(b.start), strings.Compare(a.ID, b.ID))
	})
	for _, row := range rows {
		day := auctionsDay0(row.start, today)
		key := "day-" + day.Format("2006-01-02")
		if n := len(d.Days); n == 0 || d.Days[n-1].ID != key {
			d.Days = append(d.Days, auctionsDay{ID: key, Label: auctionsDayLabel(lang, today, day)})
		}
		d.Days[len(d.Days)-1].Rows = append(d.Days[len(d.Days)-1].Rows, row)
	}
	d.Count = len(rows)
	sq := risksClone(v)
	sq.Set("auction_start", d.From)
	sq.Set("auction_end", d.To)
	d.SearchURL = withLang(lang, "/search?"+sq.Encode())
	for _, f := range risksFacetsOf(lang, "/live-auctions", r.URL.RawQuery, v, facets) {
		if slices.Contains(auctionsParams, f.Param) {
			f.Name = tr(lang, "auctions.facet."+f.Param)
			d.Facets = append(d.Facets, f)
		}
	}
	s.render(w, r, http.StatusOK, "auctions", s.common(r, tr(lang, "auctions.title"), "auctions"), d)
}

// auctionsFetch reads up to limit tenders matching v (API parameters),
// following the search cursor a page of search.MaxSize at a time, and
// returns them with the total and the first page's facets.
func (s *Server) auctionsFetch(ctx context.Context, v url.Values, limit int) ([]*search.TenderDoc, int64, map[string][]search.Bucket, error) {
	v = risksClone(v)
	v.Set("size", strconv.Itoa(min(search.MaxSize, limit)))
	q, _, err := search.ParseQuery(search.Tenders, v)
	if err != nil {
		return nil, 0, nil, err
	}
	var out []*search.TenderDoc
	var total int64
	var facets map[string][]search.Bucket
	for page := 0; ; page++ {
		res, err := s.cfg.Search.Search(ctx, q)
		if err != nil {
			return nil, 0, nil, err
		}
		if page == 0 {
			facets, total = res.Facets, res.Total
		}
		for _, h := range res.Hits {
			var doc search.TenderDoc
			if err := json.Unmarshal(h, &doc); err != nil {
				return nil, 0, nil, err
			}
			out = append(out, &doc)
		}
		if res.Next == "" || len(out) >= limit || int64(len(out)) >= total {
			return out, total, facets, nil
		}
		q.After, q.Facets = res.Next, nil
		q.Size = min(search.MaxSize, limit-len(out))
	}
}

// auctionsViews reads the public view of each of our tenders (nil for an
// imported process, or when there is no tender service or the read fails):
// the auction periods of lots and the auctionUrl the auction service set
// are in the view, not in the search document.
func (s *Server) auctionsViews(ctx context.Context, docs []*search.TenderDoc) []*tender.Tender {
	out := make([]*tender.Tender, len(docs))
	if s.cfg.Tenders == nil {
		return out
	}
	sem := make(chan struct{}, auctionsReaders)
	var wg sync.WaitGroup
	for i, doc := range docs {
		if doc.Source != search.SourceLocal {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t, err := s.cfg.Tenders.Get(ctx, doc.ID, tender.Actor{Role: tender.RolePublic})
			if err != nil {
				s.cfg.Log.Warn("portal: live auctions: public view", "tender", doc.ID, "err", err)
				return
			}
			out[i] = t
		})
	}
	wg.Wait()
	return out
}

// auctionsURL is the observer page of auction id on the auction service
// (auction/api serves /auctions/{id}; auction.Worker.URL builds the same).
func (s *Server) auctionsURL(id string) string {
	return strings.TrimRight(s.cfg.AuctionURL, "/") + "/auctions/" + url.PathEscape(id)
}

func (s *Server) auctionsRowOf(lang string, now, today time.Time, doc *search.TenderDoc, view *tender.Tender) auctionsRow {
	row := auctionsRow{URL: withLang(lang, risksTenderPath(doc.ID)), Title: risksFirst(doc.Title, doc.TenderID, doc.ID),
		TenderID: doc.TenderID, Buyer: organisationLinkOf(lang, doc.Buyer), Value: money(lang, doc.Amount, doc.Currency),
		Status: doc.Status, ID: doc.ID, start: now}
	if doc.AuctionStart != nil {
		row.start = *doc.AuctionStart
	}
	day := auctionsDay0(row.start, today)
	live := doc.Status == string(tender.StatusAuction)
	state := func(start, end *time.Time) string {
		switch {
		case end != nil: // set with the auction's results
			return "finished"
		case live && start != nil && !start.After(now):
			return "live"
		}
		return "scheduled"
	}
	// A sandbox tender in no-auction mode has an auction period but no
	// auction to watch: link only what the auction service published, as
	// the tender page does.
	fallback := s.auctionsURL
	if view != nil && strings.Contains(view.SubmissionMethodDetails, "no-auction") {
		fallback = func(string) string { return "" }
	}
	if view != nil {
		// Auction ids are the tender's id, or tender id + "_" + lot id
		// (auction.New); the auction service publishes its page as
		// auctionUrl, which wins when set.
		if len(view.Lots) == 0 {
			if p := view.AuctionPeriod; p != nil && p.StartDate != nil {
				row.Auctions = append(row.Auctions, auctionsLink{Time: auctionsTime(day, *p.StartDate),
					URL: cmp.Or(view.AuctionURL, fallback(view.ID)), State: state(p.StartDate, p.EndDate)})
			}
		}
		for _, l := range view.Lots {
			p := l.AuctionPeriod
			if p == nil || p.StartDate == nil || l.Status == tender.LotCancelled {
				continue
			}
			row.Auctions = append(row.Auctions, auctionsLink{Label: risksFirst(l.Title, l.ID), Time: auctionsTime(day, *p.StartDate),
				URL: cmp.Or(l.AuctionURL, fallback(view.ID+"_"+l.ID)), State: state(p.StartDate, p.EndDate)})
		}
	}
	if len(row.Auctions) == 0 && doc.AuctionStart != nil {
		// No view: the search document's earliest start and the auction
		// ids the worker uses.
		if len(doc.Lots) == 0 {
			row.Auctions = append(row.Auctions, auctionsLink{Time: auctionsTime(day, *doc.AuctionStart), URL: s.auctionsURL(doc.ID),
				State: state(doc.AuctionStart, doc.AuctionEnd)})
		}
		for _, l := range doc.Lots {
			if l.Status == tender.LotCancelled {
				continue
			}
			row.Auctions = append(row.Auctions, auctionsLink{Label: risksFirst(l.Title, l.ID), URL: s.auctionsURL(doc.ID + "_" + l.ID),
				State: state(doc.AuctionStart, nil)})
		}
	}
	for i := range row.Auctions { // the auction pages speak English with ?lang=en too
		if row.Auctions[i].URL != "" {
			row.Auctions[i].URL = withLang(lang, row.Auctions[i].URL)
		}
	}
	row.State = auctionsState(row.Auctions)
	row.Start = row.start.UTC().Format(time.RFC3339Nano)
	row.Time = row.start.In(kyiv).Format("15:04")
	if row.start.Before(today) {
		row.Date = row.start.In(kyiv).Format("2006-01-02")
	}
	return row
}

// auctionsState is a tender's state from its auctions': running when one
// runs, finished when all are, else scheduled.
func auctionsState(as []auctionsLink) string {
	finished := len(as) > 0
	for _, a := range as {
		if a.State == "live" {
			return "live"
		}
		finished = finished && a.State == "finished"
	}
	if finished {
		return "finished"
	}
	return "scheduled"
}

// auctionsDay0 is the Kyiv midnight of the day a start is listed under:
// its own, or today for an auction planned before today that has not run
// (still in active.auction).
func auctionsDay0(start, today time.Time) time.Time {
	y, m, d := start.In(kyiv).Date()
	if day := time.Date(y, m, d, 0, 0, 0, 0, kyiv); day.After(today) {
		return day
	}
	return today
}

// auctionsTime shows a start in Kyiv time, with the date when it is not on
// day.
func auctionsTime(day, t time.Time) string {
	k := t.In(kyiv)
	if k.Before(day) || !k.Before(day.AddDate(0, 0, 1)) {
		return k.Format("2006-01-02 15:04")
	}
	return k.Format("15:04")
}

// auctionsDayLabel names a day: today, tomorrow, or its weekday and date.
func auctionsDayLabel(lang string, today, day time.Time) string {
	iso := day.Format("2006-01-02")
	switch {
	case day.Equal(today):
		return tr(lang, "auctions.today", iso)
	case day.Equal(today.AddDate(0, 0, 1)):
		return tr(lang, "auctions.tomorrow", iso)
	}
	return tr(lang, "auctions.weekday."+strconv.Itoa(int(day.Weekday()))) + ", " + iso
}

func init() {
	messages(map[string]string{
		"auctions.title":           "Аукціони сьогодні й найближчими днями",
		"auctions.intro":           "Аукціони з початку сьогоднішнього дня на %d днів уперед і ті, що тривають зараз. Час — київський. Спостерігати за аукціоном може кожен, без реєстрації.",
		"auctions.badQuery":        "Неправильний рядок запиту.",
		"auctions.unknownParam":    "Невідомий параметр: сторінка аукціонів приймає лише region, proc_type і lang",
		"auctions.count":           "Аукціонів у закупівлях: %d.",
		"auctions.truncated":       "Аукціонів у ці дні більше, ніж уміщує сторінка: показано найближчі. Усі — в пошуку:",
		"auctions.search":          "ці закупівлі в пошуку",
		"auctions.none":            "Найближчими днями аукціонів немає.",
		"auctions.today":           "Сьогодні, %s",
		"auctions.tomorrow":        "Завтра, %s",
		"auctions.weekday.0":       "Неділя",
		"auctions.weekday.1":       "Понеділок",
		"auctions.weekday.2":       "Вівторок",
		"auctions.weekday.3":       "Середа",
		"auctions.weekday.4":       "Четвер",
		"auctions.weekday.5":       "Пʼятниця",
		"auctions.weekday.6":       "Субота",
		"auctions.col.time":        "Початок",
		"auctions.col.tender":      "Закупівля",
		"auctions.col.buyer":       "Замовник",
		"auctions.col.value":       "Очікувана вартість",
		"auctions.col.auctions":    "Аукціон",
		"auctions.watch":           "Дивитися аукціон",
		"auctions.watchOf":         "закупівлі «%s»",
		"auctions.state.scheduled": "заплановано",
		"auctions.state.live":      "триває",
		"auctions.state.finished":  "завершено",
		"auctions.noLink":          "посилання ще немає",
		"auctions.refine":          "Уточнити",
		"auctions.facet.region":    "Регіон (поштовий код)",
		"auctions.facet.proc_type": "Процедура",
		"auctions.all":             "усі",
	}, map[string]string{
		"auctions.title":           "Auctions today and in the coming days",
		"auctions.intro":           "Auctions from the start of today for %d days, and those running now. Times are Kyiv time. Anyone may watch an auction, without an account.",
		"auctions.badQuery":        "Malformed query string.",
		"auctions.unknownParam":    "Unknown parameter: the auctions page takes only region, proc_type and lang",
		"auctions.count":           "Tenders with auctions: %d.",
		"auctions.truncated":       "There are more auctions in these days than the page holds: the soonest are shown. All of them are in search:",
		"auctions.search":          "these tenders in search",
		"auctions.none":            "No auctions in the coming days.",
		"auctions.today":           "Today, %s",
		"auctions.tomorrow":        "Tomorrow, %s",
		"auctions.weekday.0":       "Sunday",
		"auctions.weekday.1":       "Monday",
		"auctions.weekday.2":       "Tuesday",
		"auctions.weekday.3":       "Wednesday",
		"auctions.weekday.4":       "Thursday",
		"auctions.weekday.5":       "Friday",
		"auctions.weekday.6":       "Saturday",
		"auctions.col.time":        "Starts",
		"auctions.col.tender":      "Tender",
		"auctions.col.buyer":       "Buyer",
		"auctions.col.value":       "Expected value",
		"auctions.col.auctions":    "Auction",
		"auctions.watch":           "Watch the auction",
		"auctions.watchOf":         "of “%s”",
		"auctions.state.scheduled": "scheduled",
		"auctions.state.live":      "running",
		"auctions.state.finished":  "finished",
		"auctions.noLink":          "no link yet",
		"auctions.refine":          "Refine",
		"auctions.facet.region":    "Region (postal code)",
		"auctions.facet.proc_type": "Procedure",
		"auctions.all":             "all",
	})
}
