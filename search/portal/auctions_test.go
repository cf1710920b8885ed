package portal

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

// auctionsFixture is two tenders added to the shared fixture whose auctions
// are still to come (the seeded ones are over): one without lots, whose
// auction service published an auctionUrl, and one with two lots, which
// has none. Their bids are sealed (active.auction of belowThreshold).
type auctionsFixture struct {
	plain, lots *tender.Tender // public views
	plainURL    string
	bidder      tender.Organization
	bidPrices   []string // as a page could show them, in any language
}

var (
	auctionsOnce sync.Once
	auctionsFix  *auctionsFixture
	auctionsErr  error
)

// auctionsUpcoming adds the fixture's upcoming auctions once (titles of
// their own, nothing seeded changes) and returns them.
func auctionsUpcoming(t *testing.T) *auctionsFixture {
	t.Helper()
	f := seeded(t)
	auctionsOnce.Do(func() { auctionsFix, auctionsErr = newAuctionsFixture(f) })
	if auctionsErr != nil {
		t.Fatal(auctionsErr)
	}
	return auctionsFix
}

func newAuctionsFixture(f *fixture) (*auctionsFixture, error) {
	ctx := context.Background()
	af := &auctionsFixture{plainURL: "https://auctions.example.org/watch/plain-upcoming",
		bidder:    tendertest.Org("ТОВ Таємний Учасник Аукціону", "44444401"),
		bidPrices: []string{"98765.43", "98\u00a0765,43", "98,765.43", "48765.43", "48\u00a0765,43", "48,765.43"}}
	ix := &search.Indexer{Backend: f.backend, State: search.NewMemoryState(), Risk: f.risk}
	// add creates a quick tender whose tendering ends at start, so that its
	// auction is planned for then (auction planning: an accelerated tender
	// starts an hour/accelerator after it leaves tendering).
	add := func(title string, start time.Time, lots int) (*tender.Tender, error) {
		const day = tendertest.Day
		clock := tendertest.NewClock(start.Add(-20*day - time.Millisecond))
		svc := &tender.Service{Store: f.store, Calendar: tender.DefaultCalendar(), Now: clock.Now, Sandbox: true}
		req := tendertest.Request(clock.Now())
		req.Data.Title = tendertest.Ptr(title)
		if lots > 0 {
			req.Data.MinimalStep = nil
			item := req.Data.Items[0]
			req.Data.Items = nil
			for i := range lots {
				id := fmt.Sprintf("lot%d", i+1)
				req.Data.Lots = append(req.Data.Lots, tender.Lot{ID: id, Title: "Лот " + id, Value: *tendertest.UAH("50000"), MinimalStep: tendertest.UAH("500")})
				it := item
				it.ID, it.RelatedLot = "item-"+id, id
				req.Data.Items = append(req.Data.Items, it)
			}
		}
		owner := tender.Actor{Platform: "portal-test", Role: tender.RoleBroker, Levels: "1"}
		tn, creds, err := svc.Create(ctx, owner, req)
		if err != nil {
			return nil, err
		}
		owner.Token = creds.Token
		if _, err := svc.Patch(ctx, tn.ID, owner, tender.TenderInput{Status: tendertest.Ptr(tender.StatusEnquiries)}); err != nil {
			return nil, err
		}
		clock.Advance(10*day + time.Millisecond)
		for k, who := range []tender.Organization{af.bidder, tendertest.Org("ТОВ Другий Прихований Учасник", "44444402")} {
			in := tender.BidInput{Tenderers: []tender.Organization{who}}
			price := []string{"98765.43", "99000.00"}[k]
			if lots == 0 {
				in.Value = tendertest.UAH(price)
			}
			for i := range lots {
				in.LotValues = append(in.LotValues, tender.LotValue{RelatedLot: fmt.Sprintf("lot%d", i+1),
					Value: tendertest.UAH([]string{"48765.43", "49000.00"}[k])})
			}
			bidder := tender.Actor{Platform: fmt.Sprintf("portal-bidder-%d", k), Role: tender.RoleBroker, Levels: "2"}
			if _, _, _, err := svc.AddBid(ctx, tn.ID, bidder, in); err != nil {
				return nil, fmt.Errorf("bid: %w", err)
			}
		}
		clock.Set(start)
		if _, err := svc.Chronograph(ctx, tn.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
			return nil, err
		}
		if lots == 0 {
			if _, err := svc.PatchAuctionURLs(ctx, tn.ID, "", tender.Actor{Role: tender.RoleAuction},
				tender.AuctionURLs{AuctionURL: af.plainURL}); err != nil {
				return nil, err
			}
		}
		stored, err := svc.Load(ctx, tn.ID) // for the indexer, which takes the public view itself
		if err != nil {
			return nil, err
		}
		if stored.Status != tender.StatusAuction {
			return nil, fmt.Errorf("%s: status %s, want active.auction", title, stored.Status)
		}
		if err := ix.Index(ctx, f.backend, []*tender.Tender{stored}); err != nil {
			return nil, err
		}
		return svc.Get(ctx, tn.ID, tender.Actor{Role: tender.RolePublic})
	}
	var err error
	now := time.Now()
	if af.plain, err = add("Портальний тест: аукціон без лотів", now.Add(26*time.Hour), 0); err != nil {
		return nil, err
	}
	if af.lots, err = add("Портальний тест: аукціон двох лотів", now.Add(50*time.Hour), 2); err != nil {
		return nil, err
	}
	return af, f.backend.Refresh(ctx)
}

// auctionsDaySection returns the day section of the page holding start.
func auctionsDaySection(t *testing.T, body string, start time.Time) string {
	t.Helper()
	id := `id="day-` + start.In(kyiv).Format("2006-01-02") + `"`
	i := strings.Index(body, id)
	if i < 0 {
		t.Fatalf("no day section %s", id)
	}
	sec := body[i:]
	if j := strings.Index(sec, "</section>"); j >= 0 {
		sec = sec[:j]
	}
	return sec
}

// auctionsRowOfTender returns the row of tender id.
func auctionsRowOfTender(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `data-tender="`+id+`"`)
	if i < 0 {
		t.Fatalf("no row for tender %s", id)
	}
	row := body[i:]
	return row[:strings.Index(row, "</tr>")]
}

func TestLiveAuctions(t *testing.T) {
	f := seeded(t)
	af := auctionsUpcoming(t)

	st, body := f.get(t, "/live-auctions")
	if st != 200 {
		t.Fatalf("status %d\n%s", st, body)
	}
	risksHTMLBasics(t, "/live-auctions", body)
	if !strings.Contains(body, `<div id="results">`) {
		t.Error("no #results")
	}
	if !strings.Contains(body, `aria-current="page">Аукціони`) {
		t.Error("the auctions menu entry is not marked current")
	}

	// The plain tender: under its day, at its Kyiv time, with the
	// auctionUrl its auction service published.
	start := *af.plain.AuctionPeriod.StartDate
	sec := auctionsDaySection(t, body, start)
	row := auctionsRowOfTender(t, sec, af.plain.ID)
	for _, want := range []string{
		`href="/tenders/` + af.plain.ID + `"`, af.plain.Title, `href="/organisations/00037256"`, tendertest.Buyer.Name,
		"100\u00a0000,00\u00a0UAH", `<span class="auction-time">` + start.In(kyiv).Format("15:04") + `</span>`,
		`class="auction-link" href="` + af.plainURL + `"`, "заплановано",
	} {
		if !strings.Contains(row, want) {
			t.Errorf("plain tender's row lacks %q:\n%s", want, row)
		}
	}
	if day := start.In(kyiv); day.Format("2006-01-02") == time.Now().In(kyiv).AddDate(0, 0, 1).Format("2006-01-02") &&
		!strings.Contains(sec, "Завтра, "+day.Format("2006-01-02")) {
		t.Errorf("tomorrow's section is not called tomorrow:\n%s", sec[:min(len(sec), 300)])
	}

	// The lot tender: one observer link per lot, on the auction service's
	// page of tender id + "_" + lot id (auction.New), this host.
	lrow := auctionsRowOfTender(t, body, af.lots.ID)
	for _, l := range af.lots.Lots {
		want := `href="/auctions/` + af.lots.ID + "_" + l.ID + `"`
		if !strings.Contains(lrow, want) || !strings.Contains(lrow, l.Title) {
			t.Errorf("lot tender's row lacks %s (%s):\n%s", want, l.Title, lrow)
		}
	}
	if !strings.Contains(auctionsDaySection(t, body, *af.lots.Lots[0].AuctionPeriod.StartDate), af.lots.ID) {
		t.Error("the lot tender is not under its auction's day")
	}

	// Sorted by auction start, earliest first, and only cancelled tenders
	// left out.
	var starts []string
	for _, m := range regexp.MustCompile(`data-start="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		starts = append(starts, m[1])
	}
	parsed := make([]time.Time, len(starts))
	for i, s := range starts {
		p, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("data-start %q: %v", s, err)
		}
		parsed[i] = p
	}
	if !slices.IsSortedFunc(parsed, func(a, b time.Time) int { return a.Compare(b) }) {
		t.Errorf("rows are not in auction order: %v", starts)
	}
	today := time.Now().In(kyiv).Format("2006-01-02")
	for _, tn := range f.tenders {
		if tn.AuctionPeriod == nil || tn.AuctionPeriod.StartDate == nil || tn.Status == tender.StatusCancelled {
			continue
		}
		at := tn.AuctionPeriod.StartDate.In(kyiv)
		in := at.Format("2006-01-02") >= today && at.Before(time.Now().AddDate(0, 0, 13))
		if got := strings.Contains(body, `data-tender="`+tn.ID+`"`); in && !got {
			t.Errorf("seeded tender %s with an auction at %s is missing", tn.ID, at)
		} else if got && tn.AuctionPeriod.EndDate != nil && !strings.Contains(auctionsRowOfTender(t, body, tn.ID), `<span class="auction-state finished">завершено</span>`) {
			t.Errorf("seeded tender %s's auction has results but is not shown finished", tn.ID)
		}
	}

	// Sealed: the bidders of an auction to come are nowhere.
	for _, secret := range append([]string{af.bidder.Name, af.bidder.Identifier.ID, "ТОВ Другий Прихований Учасник", "44444402"}, af.bidPrices...) {
		if strings.Contains(body, secret) {
			t.Errorf("sealed bid data %q on the page", secret)
		}
	}

	// English, links keeping the language.
	_, en := f.get(t, "/live-auctions?lang=en")
	erow := auctionsRowOfTender(t, en, af.plain.ID)
	for _, want := range []string{"Auctions today and in the coming days", "Watch the auction", `href="/tenders/` + af.plain.ID + `?lang=en"`, "100,000.00\u00a0UAH", "scheduled"} {
		if !strings.Contains(en, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	if !strings.Contains(erow, `href="/organisations/00037256?lang=en"`) {
		t.Errorf("English row's buyer link loses the language:\n%s", erow)
	}
}

func TestLiveAuctionsFilters(t *testing.T) {
	f := seeded(t)
	af := auctionsUpcoming(t)
	// A seeded tender with an auction, outside region 01.
	var other *tender.Tender
	for _, tn := range f.tenders {
		if tn.AuctionPeriod != nil && tn.AuctionPeriod.StartDate != nil && tn.ProcuringEntity.Address != nil &&
			!strings.HasPrefix(tn.ProcuringEntity.Address.PostalCode, "01") && tn.Status != tender.StatusCancelled {
			other = tn
			break
		}
	}
	if other == nil {
		t.Fatal("no seeded auction outside region 01")
	}
	_, all := f.get(t, "/live-auctions")
	if !strings.Contains(all, `data-tender="`+other.ID+`"`) {
		t.Fatalf("seeded tender %s missing unfiltered", other.ID)
	}
	if !strings.Contains(all, `href="/live-auctions?region=01"`) {
		t.Error("no region facet link")
	}
	st, body := f.get(t, "/live-auctions?region=01")
	if st != 200 || strings.Contains(body, `data-tender="`+other.ID+`"`) || !strings.Contains(body, `data-tender="`+af.plain.ID+`"`) {
		t.Errorf("region=01: status %d, other tender shown %v, ours shown %v", st, strings.Contains(body, other.ID), strings.Contains(body, af.plain.ID))
	}
	for _, bad := range []struct{ path, name string }{
		{"/live-auctions?foo=1", "foo"},
		{"/live-auctions?region=kyiv", "region"},
		{"/live-auctions?status=complete", "status"},
	} {
		st, body := f.get(t, bad.path)
		if st != 422 || !strings.Contains(body, bad.name+":") {
			t.Errorf("%s: status %d, want 422 naming %s\n%s", bad.path, st, bad.name, body)
		}
	}
}

// TestLiveAuctionsMany: when the window holds more tenders than the page
// reads, the ones it shows are the soonest, and it says so.
func TestLiveAuctionsMany(t *testing.T) {
	f := seeded(t)
	af := auctionsUpcoming(t)
	defer func(n int) { auctionsMax = n }(auctionsMax)
	auctionsMax = 3
	today := time.Now().In(kyiv).Format("2006-01-02")
	first := ""
	for _, tn := range f.tenders {
		if p := tn.AuctionPeriod; p != nil && p.StartDate != nil && tn.Status != tender.StatusCancelled {
			if d := p.StartDate.In(kyiv).Format("2006-01-02"); d >= today && (first == "" || d < first) {
				first = d
			}
		}
	}
	_, body := f.get(t, "/live-auctions")
	if !strings.Contains(body, `id="auctions-truncated"`) || !strings.Contains(body, "показано найближчі") {
		t.Error("the page does not say it shows only some")
	}
	n := 0
	for _, m := range regexp.MustCompile(`data-tender="([^"]+)" data-start="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if m[1] == af.plain.ID || m[1] == af.lots.ID {
			continue // in active.auction: always shown
		}
		n++
		at, _ := time.Parse(time.RFC3339Nano, m[2])
		if d := at.In(kyiv).Format("2006-01-02"); d != first {
			t.Errorf("tender %s of %s shown, but %s has more than 3 auctions", m[1], d, first)
		}
	}
	if !strings.Contains(body, `<a href="/search?auction_end=`) {
		t.Error("no link to all of them in search")
	}
	if n != 3 {
		t.Errorf("%d seeded tenders shown, want 3", n)
	}
}

// TestLiveAuctionsBaseURL: the links of auctions without a published
// auctionUrl follow Config.AuctionURL.
func TestLiveAuctionsBaseURL(t *testing.T) {
	f := seeded(t)
	af := auctionsUpcoming(t)
	srv := httptest.NewServer(New(Config{Search: f.backend, Tenders: f.svc, Risk: f.risk, AuctionURL: "https://auction.example.net/"}))
	defer srv.Close()
	g := &fixture{srv: srv}
	_, body := g.get(t, "/live-auctions")
	row := auctionsRowOfTender(t, body, af.lots.ID)
	if want := `href="https://auction.example.net/auctions/` + af.lots.ID + `_lot1"`; !strings.Contains(row, want) {
		t.Errorf("lot link is not on the configured auction host: want %s in\n%s", want, row)
	}
	if !strings.Contains(auctionsRowOfTender(t, body, af.plain.ID), af.plainURL) {
		t.Error("the published auctionUrl lost to the configured host")
	}
}
