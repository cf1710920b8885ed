package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/tendertest"
)

// tenderFixture returns the first fixture tender (a public view) that ok
// accepts.
func tenderFixture(t *testing.T, f *fixture, what string, ok func(*tender.Tender) bool) *tender.Tender {
	t.Helper()
	for _, tn := range f.tenders {
		if ok(tn) {
			return tn
		}
	}
	t.Fatalf("the fixture has no %s tender", what)
	return nil
}

// tenderEnv drives one extra tender on the shared store with its own
// clock, as the seed does. The store stamps bids with the real clock, so
// the tender's clock starts now.
type tenderEnv struct {
	t      *testing.T
	ctx    context.Context
	clock  *tendertest.Clock
	svc    *tender.Service
	owner  tender.Actor
	id     string
	title  string
	epEnd  time.Time
	tpEnd  time.Time
	bidIDs []string
	bidder []tender.Actor // with each bid's token
}

// tenderNew creates a draft tender titled title (made unique) on f.store.
func tenderNew(t *testing.T, f *fixture, title string) *tenderEnv {
	t.Helper()
	c := tendertest.NewClock(time.Now().Truncate(time.Millisecond)) // the service keeps microseconds
	e := &tenderEnv{t: t, ctx: context.Background(), clock: c,
		svc:   &tender.Service{Store: f.store, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true},
		owner: tender.Actor{Platform: "portal-test-buyer", Role: tender.RoleBroker, Levels: "1234"},
		title: fmt.Sprintf("%s %d", title, time.Now().UnixNano())}
	req := tendertest.Request(c.Now())
	req.Data.Title = &e.title
	tn, creds, err := e.svc.Create(e.ctx, e.owner, req)
	e.must("create", err)
	e.owner.Token = creds.Token
	e.id, e.epEnd, e.tpEnd = tn.ID, *tn.EnquiryPeriod.EndDate, *tn.TenderPeriod.EndDate
	return e
}

func (e *tenderEnv) must(what string, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

func (e *tenderEnv) publish() {
	e.t.Helper()
	_, err := e.svc.Patch(e.ctx, e.id, e.owner, tender.TenderInput{Status: tendertest.Ptr(tender.StatusEnquiries)})
	e.must("publish", err)
}

func (e *tenderEnv) chrono(at time.Time) {
	e.t.Helper()
	e.clock.Set(at)
	_, err := e.svc.Chronograph(e.ctx, e.id, tender.Actor{Role: tender.RoleChronograph})
	e.must("chronograph", err)
}

func (e *tenderEnv) bid(platform, name, edrpou, amount string) {
	e.t.Helper()
	actor := tender.Actor{Platform: platform, Role: tender.RoleBroker, Levels: "2"}
	_, b, creds, err := e.svc.AddBid(e.ctx, e.id, actor,
		tender.BidInput{Tenderers: []tender.Organization{tendertest.Org(name, edrpou)}, Value: &tender.Value{Amount: tender.MustAmount(amount)}})
	e.must("bid", err)
	actor.Token = creds.Token
	e.bidIDs, e.bidder = append(e.bidIDs, b.ID), append(e.bidder, actor)
}

func (e *tenderEnv) stored() *tender.Tender {
	e.t.Helper()
	tn, err := e.svc.Load(e.ctx, e.id)
	e.must("load", err)
	return tn
}

var (
	tenderH1RE      = regexp.MustCompile(`<h1[ >]`)
	tenderHeadingRE = regexp.MustCompile(`<h([1-6])[ >]`)
	tenderIDRE      = regexp.MustCompile(`\sid="([^"]+)"`)
	tenderControlRE = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	tenderEventRE   = regexp.MustCompile(`<tr class="event">`)
)

// tenderValidHTML checks the basics every page must keep: one h1,
// headings that never skip a level, unique ids, labelled controls, header
// cells with a scope, no template error marker.
func tenderValidHTML(t *testing.T, body string) {
	t.Helper()
	if n := len(tenderH1RE.FindAllString(body, -1)); n != 1 {
		t.Errorf("%d <h1> elements, want 1", n)
	}
	prev := 0
	for _, m := range tenderHeadingRE.FindAllStringSubmatch(body, -1) {
		level := int(m[1][0] - '0')
		if level > prev+1 {
			t.Errorf("heading h%d follows h%d", level, prev)
		}
		prev = level
	}
	seen := map[string]bool{}
	for _, m := range tenderIDRE.FindAllStringSubmatch(body, -1) {
		if seen[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		seen[m[1]] = true
	}
	for _, c := range tenderControlRE.FindAllString(body, -1) {
		id := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(c)
		if strings.Contains(c, `type="hidden"`) {
			continue
		}
		if id == nil || !strings.Contains(body, `for="`+id[1]+`"`) {
			t.Errorf("control without a label: %s", c)
		}
	}
	if strings.Count(body, "<th>")+strings.Count(body, "<th ") != strings.Count(body, "<th scope=") {
		t.Errorf("a header cell has no scope")
	}
	if strings.Contains(body, "ZgotmplZ") {
		t.Errorf("a value was refused by the template's escaper")
	}
}

// tenderSection returns the HTML of the section with id.
func tenderSection(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<section id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q", id)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

func TestTenderPageComplete(t *testing.T) {
	f := seeded(t)
	tn := tenderFixture(t, f, "complete with several bids", func(tn *tender.Tender) bool {
		return tn.Status == tender.StatusComplete && len(tn.Bids) >= 2 && len(tn.Contracts) == 1
	})
	st, body := f.get(t, "/tenders/"+tn.ID)
	if st != 200 {
		t.Fatalf("status %d\n%s", st, body)
	}
	tenderValidHTML(t, body)
	esc := func(s string) string { return strings.ReplaceAll(s, "'", "&#39;") }
	buyer := tn.ProcuringEntity
	for _, want := range []string{
		"<h1>" + tn.Title + "</h1>", tn.TenderID, "Завершена", "Спрощена закупівля",
		`<a href="/organisations/` + buyer.Identifier.ID + `">` + buyer.Name + `</a>`,
		`id="tender-value" class="money">` + money(LangUK, tn.Value.Amount.String(), "UAH"),
		money(LangUK, tn.MinimalStep.Amount.String(), "UAH"),
		tn.Items[0].Classification.ID, tn.Items[0].Quantity.String(),
		`href="#facts"`, `href="#timeline"`, `href="#risks"`, `href="#downloads"`,
		`href="/api/2.5/tenders/` + tn.ID + `?opt_schema=ocds"`,
		`href="/api/2.5/tenders/` + tn.ID + `/ocds/releases"`,
		`href="/api/2.5/tenders/` + tn.ID + `/ocds/record"`,
		`href="/api/2.5/tenders/` + tn.ID + `"`,
		datetime(tn.TenderPeriod.EndDate),
	} {
		if !strings.Contains(body, esc(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	bids := tenderSection(t, body, "bids")
	for _, b := range tn.Bids {
		o := b.Tenderers[0]
		for _, want := range []string{`<a href="/organisations/` + o.Identifier.ID + `">` + o.Name + `</a>`, money(LangUK, b.Value.Amount.String(), "UAH")} {
			if !strings.Contains(bids, want) {
				t.Errorf("bids lack %q", want)
			}
		}
	}
	if n := strings.Count(bids, `<tr class="bid">`); n != len(tn.Bids) {
		t.Errorf("%d bid rows, want %d", n, len(tn.Bids))
	}
	aw := tn.Awards[0]
	awards := tenderSection(t, body, "awards")
	if !strings.Contains(awards, `/organisations/`+aw.Suppliers[0].Identifier.ID+`">`+aw.Suppliers[0].Name) ||
		!strings.Contains(awards, money(LangUK, aw.Value.Amount.String(), "UAH")) || !strings.Contains(awards, "Переможець") {
		t.Errorf("awards section:\n%s", awards)
	}
	c := tn.Contracts[0]
	contracts := tenderSection(t, body, "contracts")
	if !strings.Contains(contracts, c.ContractID) || !strings.Contains(contracts, "Підписано") || !strings.Contains(contracts, datetime(c.DateSigned)) {
		t.Errorf("contracts section:\n%s", contracts)
	}
	// The auction (no-auction mode) ranks the bids by price.
	auction := tenderSection(t, body, "auction")
	if strings.Count(auction, `<td data-label="Місце"`) != len(tn.Bids) || !strings.Contains(auction, money(LangUK, aw.Value.Amount.String(), "UAH")) {
		t.Errorf("auction section:\n%s", auction)
	}

	// The timeline: publication by the buyer's platform, the chronograph's
	// status changes, no platform's name.
	tl := tenderSection(t, body, "timeline")
	for _, want := range []string{"Оприлюднено, статус: Період уточнень", "Майданчик замовника", "Хронограф",
		"Статус: Аукціон → Кваліфікація переможця", "пропозиції &#43;" + fmt.Sprint(len(tn.Bids)), "Статус: Пропозиції розглянуто → Завершена"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
	if strings.Contains(body, "seed-buyer") || strings.Contains(body, "seed-bidder") {
		t.Error("the page names a platform")
	}
	revs, err := f.store.Revisions(context.Background(), tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Every revision but the draft's creation and the bids' (sealed) shows.
	if n, want := len(tenderEventRE.FindAllString(tl, -1)), len(revs)-1-len(tn.Bids)+1; n != want {
		t.Errorf("%d timeline entries, want %d (%d revisions, %d bids)", n, want, len(revs), len(tn.Bids))
	}

	// English: texts, and links that keep the language.
	st, en := f.get(t, "/tenders/"+tn.ID+"?lang=en")
	if st != 200 {
		t.Fatalf("English page: %d", st)
	}
	tenderValidHTML(t, en)
	for _, want := range []string{`lang="en"`, "Key facts", "Complete", "Simplified procurement", "Buyer&#39;s platform",
		`<a href="/organisations/` + buyer.Identifier.ID + `?lang=en">`, money(LangEN, tn.Value.Amount.String(), "UAH"),
		`href="/tenders/` + tn.ID + `"`, // the switch back to Ukrainian
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English page lacks %q", want)
		}
	}
	if strings.Contains(en, "Основні відомості") {
		t.Error("the English page shows Ukrainian headings")
	}
}

func TestTenderPageCancelledAndUnsuccessful(t *testing.T) {
	f := seeded(t)
	tn := tenderFixture(t, f, "cancelled", func(tn *tender.Tender) bool { return tn.Status == tender.StatusCancelled })
	st, body := f.get(t, "/tenders/"+tn.ID)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	tenderValidHTML(t, body)
	cn := tn.Cancellations[0]
	sec := tenderSection(t, body, "cancellations")
	for _, want := range []string{cn.Reason, cn.ReasonType, "Набуло чинності", datetime(cn.Date)} {
		if !strings.Contains(sec, want) {
			t.Errorf("cancellations lack %q:\n%s", want, sec)
		}
	}
	if !strings.Contains(tenderSection(t, body, "timeline"), "Статус: Період уточнень → Скасована") {
		t.Error("the timeline misses the cancellation")
	}

	tn = tenderFixture(t, f, "unsuccessful", func(tn *tender.Tender) bool { return tn.Status == tender.StatusUnsuccessful })
	st, body = f.get(t, "/tenders/"+tn.ID+"?lang=en")
	if st != 200 || !strings.Contains(body, "Unsuccessful") || !strings.Contains(tenderSection(t, body, "bids"), "No bids.") {
		t.Errorf("unsuccessful tender: %d\n%s", st, tenderSection(t, body, "bids"))
	}
}

func TestTenderPageNotFound(t *testing.T) {
	f := seeded(t)
	for _, path := range []string{"/tenders/no-such-tender", "/tenders/" + strings.Repeat("0", 32), "/tenders/", "/tenders/a/b"} {
		st, body := f.get(t, path)
		if st != 404 || !strings.Contains(body, "Сторінку не знайдено") {
			t.Errorf("%s: %d", path, st)
		}
	}
	st, body := f.get(t, "/tenders/no-such-tender?lang=en")
	if st != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("English 404: %d", st)
	}
	// A draft is not public, whatever its id.
	e := tenderNew(t, f, "Портал: чернетка")
	st, body = f.get(t, "/tenders/"+e.id)
	if st != 404 || strings.Contains(body, e.title) {
		t.Errorf("draft: %d", st)
	}
	// Unknown parameters are ignored, not an error.
	tn := f.tenders[0]
	if st, _ := f.get(t, "/tenders/"+tn.ID+"?page=x&lang=fr&sort=%ZZ"); st != 200 {
		t.Errorf("unknown parameters: %d", st)
	}
}

// TestTenderPageSealed follows a tender through enquiries into tendering
// with bids: questions, a document and a claim show, the bids do not — not
// their number, bidders, prices, nor a trace in the history.
func TestTenderPageSealed(t *testing.T) {
	f := seeded(t)
	e := tenderNew(t, f, "Портал: закупівля на етапі подання")
	e.publish()
	doc := tender.DocumentInput{Title: tendertest.Ptr("Тендерна документація.pdf"), URL: tendertest.Ptr("https://ds.example.org/portal-tz"),
		Format: tendertest.Ptr("application/pdf"), Hash: tendertest.Ptr("md5:" + strings.Repeat("0f", 16)),
		DocumentType: tendertest.Ptr("biddingDocuments")}
	_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.owner, doc)
	e.must("document", err)
	asker := tender.Actor{Platform: "portal-test-asker", Role: tender.RoleBroker, Levels: "2"}
	_, q, err := e.svc.AddQuestion(e.ctx, e.id, asker, tender.QuestionInput{Author: tendertest.Ptr(tendertest.Org("ТОВ Допитливий", "41234567")),
		Title: tendertest.Ptr("Яка щільність картону?"), Description: tendertest.Ptr("Уточніть, будь ласка.")})
	e.must("question", err)
	_, _, err = e.svc.AnswerQuestion(e.ctx, e.id, q.ID, e.owner, tender.QuestionInput{Answer: tendertest.Ptr("Не менше 450 г/м²")})
	e.must("answer", err)
	_, _, _, err = e.svc.AddComplaint(e.ctx, e.id, tender.ComplaintOf{Kind: "tender"}, tender.Actor{Platform: "portal-test-watchdog", Role: tender.RoleBroker, Levels: "2"},
		tender.ComplaintInput{Type: tendertest.Ptr("claim"), Status: tendertest.Ptr(tender.ComplaintClaim),
			Author: tendertest.Ptr(tendertest.Org("ГО Прозорість", "43000001")), Title: tendertest.Ptr("Дискримінаційні вимоги"),
			Description: tendertest.Ptr("Вимога щодо досвіду обмежує конкуренцію")})
	e.must("claim", err)
	e.chrono(e.epEnd)
	if st := e.stored().Status; st != tender.StatusTendering {
		t.Fatalf("status %s", st)
	}

	st, before := f.get(t, "/tenders/"+e.id)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	eventsBefore := len(tenderEventRE.FindAllString(before, -1))

	bidders := []struct{ platform, name, edrpou, amount string }{
		{"portal-test-bidder-1", "ТОВ Таємний Учасник Альфа", "49990011", "87654.32"},
		{"portal-test-bidder-2", "ТОВ Таємний Учасник Бета", "49990022", "91234.56"},
	}
	for _, b := range bidders {
		e.bid(b.platform, b.name, b.edrpou, b.amount)
	}
	if n := len(e.stored().Bids); n != 2 {
		t.Fatalf("%d bids stored", n)
	}

	for _, lang := range []string{"", "?lang=en"} {
		st, body := f.get(t, "/tenders/"+e.id+lang)
		if st != 200 {
			t.Fatalf("status %d", st)
		}
		tenderValidHTML(t, body)
		for _, b := range bidders {
			for _, secret := range []string{b.name, b.edrpou, b.platform, b.amount, "87654", "87,654", "87\u00a0654", "91234", "91,234", "91\u00a0234"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s: the page shows sealed %q", lang, secret)
				}
			}
		}
		for _, id := range e.bidIDs {
			if strings.Contains(body, id) {
				t.Errorf("%s: the page shows a bid id", lang)
			}
		}
		if strings.Contains(body, `class="bid"`) || !strings.Contains(body, `id="bids-sealed"`) {
			t.Errorf("%s: bids section:\n%s", lang, tenderSection(t, body, "bids"))
		}
		if strings.Contains(body, "Майданчик учасника") || strings.Contains(body, "Bidder&#39;s platform") {
			t.Errorf("%s: the history names a bidder's platform before bids are public", lang)
		}
		if strings.Contains(body, "portal-test-") {
			t.Errorf("%s: the page names a platform", lang)
		}
	}
	st, body := f.get(t, "/tenders/"+e.id)
	if st != 200 {
		t.Fatal(st)
	}
	if n := len(tenderEventRE.FindAllString(body, -1)); n != eventsBefore {
		t.Errorf("bids added %d history entries", n-eventsBefore)
	}
	for _, want := range []string{"Подання пропозицій", "Пропозиції запечатані", e.title} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	docs := tenderSection(t, body, "documents")
	for _, want := range []string{`<a href="https://ds.example.org/portal-tz">Тендерна документація.pdf</a>`, "md5:" + strings.Repeat("0f", 16), "biddingDocuments", "application/pdf"} {
		if !strings.Contains(docs, want) {
			t.Errorf("documents lack %q:\n%s", want, docs)
		}
	}
	qs := tenderSection(t, body, "questions")
	for _, want := range []string{"<h3>Яка щільність картону?</h3>", "ТОВ Допитливий", "Не менше 450 г/м²", "Уточніть, будь ласка."} {
		if !strings.Contains(qs, want) {
			t.Errorf("questions lack %q:\n%s", want, qs)
		}
	}
	cs := tenderSection(t, body, "complaints")
	for _, want := range []string{"Дискримінаційні вимоги", "Вимога", "Вимогу подано", "ГО Прозорість"} {
		if !strings.Contains(cs, want) {
			t.Errorf("complaints lack %q:\n%s", want, cs)
		}
	}
	tl := tenderSection(t, body, "timeline")
	for _, want := range []string{"документи &#43;1", "запитання &#43;1", "скарги &#43;1", "Майданчик скаржника", "Інший майданчик",
		"Статус: Період уточнень → Подання пропозицій", "Хронограф", "Оприлюднено"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
	// publish, document, question, answer, claim, tendering.
	if n := len(tenderEventRE.FindAllString(tl, -1)); n != 6 {
		t.Errorf("%d timeline entries, want 6:\n%s", n, tl)
	}
}

// TestTenderPageAuction holds a tender's auction the way the auction
// module does: its page link, its audit record and its results.
func TestTenderPageAuction(t *testing.T) {
	f := seeded(t)
	e := tenderNew(t, f, "Портал: закупівля з аукціоном")
	e.publish()
	e.chrono(e.epEnd)
	e.bid("portal-test-bidder-a", "ТОВ Аукціонний Учасник Один", "48880011", "95000")
	e.bid("portal-test-bidder-b", "ТОВ Аукціонний Учасник Два", "48880022", "97000.50")
	e.chrono(e.tpEnd.Add(time.Millisecond))
	tn := e.stored()
	if tn.Status != tender.StatusAuction {
		t.Fatalf("status %s", tn.Status)
	}
	// While the auction waits, bids stay sealed; the page links the
	// auction page under the configured base.
	srv := httptest.NewServer(New(Config{Search: f.backend, Tenders: f.svc, AuctionURL: "https://auction.example.org/"}))
	defer srv.Close()
	g := &fixture{srv: srv}
	st, body := g.get(t, "/tenders/"+e.id)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	if !strings.Contains(body, `href="https://auction.example.org/auctions/`+e.id+`"`) || strings.Contains(body, "ТОВ Аукціонний") ||
		!strings.Contains(body, `id="bids-sealed"`) {
		t.Errorf("auction due:\n%s\n%s", tenderSection(t, body, "auction"), tenderSection(t, body, "bids"))
	}

	robot := tender.Actor{Role: tender.RoleAuction}
	auctionURL := "https://auctions.example.org/auctions/" + e.id
	_, err := e.svc.PatchAuctionURLs(e.ctx, e.id, "", robot, tender.AuctionURLs{AuctionURL: auctionURL})
	e.must("auction URLs", err)
	hash := "sha256:" + strings.Repeat("ab", 32)
	_, _, err = e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, robot, tender.DocumentInput{
		Title: tendertest.Ptr("audit_" + e.id + ".json"), URL: tendertest.Ptr(auctionURL + "/audit.json"),
		Format: tendertest.Ptr("application/json"), Hash: &hash, DocumentType: tendertest.Ptr("auctionAudit"), DocumentOf: tendertest.Ptr("tender")})
	e.must("audit", err)
	e.clock.Set(tn.AuctionPeriod.StartDate.Add(time.Second))
	var res tender.AuctionResults
	raw, _ := json.Marshal(map[string]any{"bids": []map[string]any{
		{"id": e.bidIDs[0], "value": map[string]any{"amount": json.Number("90000")}},
		{"id": e.bidIDs[1], "value": map[string]any{"amount": json.Number("89500.25")}},
	}})
	e.must("results", json.Unmarshal(raw, &res))
	_, err = e.svc.PostAuction(e.ctx, e.id, "", robot, res)
	e.must("post auction", err)
	if st := e.stored().Status; st != tender.StatusQualification {
		t.Fatalf("status %s", st)
	}

	for _, lang := range []string{LangUK, LangEN} {
		q := ""
		if lang == LangEN {
			q = "?lang=en"
		}
		st, body := f.get(t, "/tenders/"+e.id+q)
		if st != 200 {
			t.Fatalf("status %d", st)
		}
		tenderValidHTML(t, body)
		au := tenderSection(t, body, "auction")
		for _, want := range []string{
			`<a class="auction-page" href="` + withLang(lang, auctionURL) + `">`,
			`<a href="` + auctionURL + `/audit.json">audit_` + e.id + `.json</a>`, `<code class="hash">` + hash + `</code>`,
			money(lang, "89500.25", "UAH"), money(lang, "97000.50", "UAH"), money(lang, "90000", "UAH"), money(lang, "95000", "UAH"),
		} {
			if !strings.Contains(au, want) {
				t.Errorf("%s: the auction section lacks %q:\n%s", lang, want, au)
			}
		}
		// The lower final price ranks first.
		if i, j := strings.Index(au, "ТОВ Аукціонний Учасник Два"), strings.Index(au, "ТОВ Аукціонний Учасник Один"); i < 0 || j < 0 || i > j {
			t.Errorf("%s: ranking:\n%s", lang, au)
		}
		bids := tenderSection(t, body, "bids")
		if strings.Count(bids, `<tr class="bid">`) != 2 || !strings.Contains(bids, `/organisations/48880011`) {
			t.Errorf("%s: bids:\n%s", lang, bids)
		}
	}
	// The winner explains its price: a public change by a bidder's platform.
	_, _, err = e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "bid", ID: e.bidIDs[1]}, e.bidder[1], tender.DocumentInput{
		Title: tendertest.Ptr("Пояснення ціни.pdf"), URL: tendertest.Ptr("https://ds.example.org/portal-explain"), Format: tendertest.Ptr("application/pdf")})
	e.must("bid document", err)
	_, body = f.get(t, "/tenders/"+e.id)
	if docs := tenderSection(t, body, "documents"); !strings.Contains(docs, "Пропозиція: ТОВ Аукціонний Учасник Два") {
		t.Errorf("the bid's document:\n%s", docs)
	}
	tl := tenderSection(t, body, "timeline")
	for _, want := range []string{"Модуль аукціону", "посилання на аукціон", "документи &#43;1", "Статус: Аукціон → Кваліфікація переможця", "Майданчик учасника"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
}

// TestTenderPageRisks compares the red flags shown with an evaluation of
// the tender's public state, and checks that without an evaluator the
// section is gone.
func TestTenderPageRisks(t *testing.T) {
	f := seeded(t)
	ctx := context.Background()
	shown := 0
	for _, tn := range f.tenders[:20] {
		rel, ok := ocds.Current(tn, ocds.Config{})
		if !ok {
			t.Fatalf("%s: no release", tn.ID)
		}
		a, err := f.risk.Assess(ctx, &rel)
		if err != nil {
			t.Fatal(err)
		}
		st, body := f.get(t, "/tenders/"+tn.ID)
		if st != 200 {
			t.Fatalf("status %d", st)
		}
		sec := tenderSection(t, body, "risks")
		if n := strings.Count(sec, `<li class="risk-flag">`); n != len(a.Flags) {
			t.Errorf("%s: %d flags shown, %d evaluated", tn.ID, n, len(a.Flags))
		}
		if a.StatsAt.IsZero() || !strings.Contains(sec, datetime(a.StatsAt)) {
			t.Errorf("%s: statistics time missing", tn.ID)
		}
		for _, fl := range a.Flags {
			shown++
			if !strings.Contains(sec, `<span class="flag">`+fl.Code+`</span> `+flagName(LangUK, fl.Code)) {
				t.Errorf("%s: flag %s missing:\n%s", tn.ID, fl.Code, sec)
			}
			for k := range fl.Evidence {
				if !strings.Contains(sec, `<code class="muted">`+k+`</code>`) {
					t.Errorf("%s: flag %s: evidence %q missing", tn.ID, fl.Code, k)
				}
			}
		}
		if len(a.Flags) == 0 && !strings.Contains(sec, `id="risk-none"`) {
			t.Errorf("%s: no flags, no word of it", tn.ID)
		}
	}
	if shown == 0 {
		t.Fatal("no flag in the first 20 tenders: the test checks nothing")
	}
	// R003 names its threshold; English shows the catalogue's words.
	tn := tenderFixture(t, f, "with a contract", func(tn *tender.Tender) bool { return len(tn.Contracts) > 0 })
	_, en := f.get(t, "/tenders/"+tn.ID+"?lang=en")
	if sec := tenderSection(t, en, "risks"); !strings.Contains(sec, "Short submission period") || !strings.Contains(sec, "Submission days") {
		t.Errorf("English flags:\n%s", sec)
	}

	srv := httptest.NewServer(New(Config{Search: f.backend, Tenders: f.svc}))
	defer srv.Close()
	g := &fixture{srv: srv}
	st, body := g.get(t, "/tenders/"+tn.ID)
	if st != 200 || strings.Contains(body, `id="risks"`) || strings.Contains(body, `href="#risks"`) || strings.Contains(body, "/risks\"><") {
		t.Errorf("without an evaluator: %d, risks shown", st)
	}
}

func TestTenderHistoryCap(t *testing.T) {
	f := seeded(t)
	e := tenderNew(t, f, "Портал: довга історія")
	e.publish()
	// Many public edits: each document is one entry.
	for i := 0; i < tenderHistoryShown+5; i++ {
		_, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, e.owner, tender.DocumentInput{
			Title: tendertest.Ptr(fmt.Sprintf("doc-%03d.pdf", i)), URL: tendertest.Ptr("https://ds.example.org/" + url.PathEscape(fmt.Sprint(i))),
			Format: tendertest.Ptr("application/pdf")})
		e.must("document", err)
	}
	st, body := f.get(t, "/tenders/"+e.id)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	tl := tenderSection(t, body, "timeline")
	if n := len(tenderEventRE.FindAllString(tl, -1)); n != tenderHistoryShown {
		t.Errorf("%d entries shown, want %d", n, tenderHistoryShown)
	}
	if !strings.Contains(tl, fmt.Sprintf("Показано лише останні зміни (%d)", tenderHistoryShown)) ||
		!strings.Contains(tl, `href="/api/2.5/tenders/`+e.id+`/ocds/releases"`) {
		t.Errorf("the cap is not said:\n%.600s", tl)
	}
	// Newest first: the last document's entry leads.
	if first := strings.Index(tl, `<tr class="event">`); first < 0 || strings.Contains(tl[:first], "Оприлюднено") || strings.Contains(tl, "Оприлюднено") {
		t.Error("the publication (the oldest entry) should be cut off")
	}
}

// TestTenderPageLots: lots with their values, items by lot, and each lot's
// auction with its own page, audit and ranking.
func TestTenderPageLots(t *testing.T) {
	f := seeded(t)
	c := tendertest.NewClock(time.Now().Truncate(time.Millisecond))
	svc := &tender.Service{Store: f.store, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}
	e := &tenderEnv{t: t, ctx: context.Background(), clock: c, svc: svc,
		owner: tender.Actor{Platform: "portal-test-buyer", Role: tender.RoleBroker, Levels: "1234"},
		title: fmt.Sprintf("Портал: закупівля з лотами %d", time.Now().UnixNano())}
	req := tendertest.Request(c.Now())
	req.Data.Title, req.Data.MinimalStep = &e.title, nil
	item := req.Data.Items[0]
	req.Data.Items = nil
	for i, a := range []string{"60000", "40000"} {
		id := fmt.Sprintf("lot%d", i+1)
		req.Data.Lots = append(req.Data.Lots, tender.Lot{ID: id, Title: "Партія " + id, Value: *tendertest.UAH(a), MinimalStep: tendertest.UAH("600")})
		it := item
		it.ID, it.RelatedLot, it.Description = "item-"+id, id, "Коробки для "+id
		req.Data.Items = append(req.Data.Items, it)
	}
	tn, creds, err := svc.Create(e.ctx, e.owner, req)
	e.must("create", err)
	e.owner.Token, e.id, e.epEnd, e.tpEnd = creds.Token, tn.ID, *tn.EnquiryPeriod.EndDate, *tn.TenderPeriod.EndDate
	e.publish()
	e.chrono(e.epEnd)
	lotBid := func(platform, name, edrpou string, lvs ...string) {
		in := tender.BidInput{Tenderers: []tender.Organization{tendertest.Org(name, edrpou)}}
		for i := 0; i < len(lvs); i += 2 {
			in.LotValues = append(in.LotValues, tender.LotValue{RelatedLot: lvs[i], Value: &tender.Value{Amount: tender.MustAmount(lvs[i+1])}})
		}
		_, b, _, err := svc.AddBid(e.ctx, e.id, tender.Actor{Platform: platform, Role: tender.RoleBroker, Levels: "2"}, in)
		e.must("bid", err)
		e.bidIDs = append(e.bidIDs, b.ID)
	}
	lotBid("portal-test-lb1", "ТОВ Лотовий Один", "47770011", "lot1", "55000", "lot2", "39000")
	lotBid("portal-test-lb2", "ТОВ Лотовий Два", "47770022", "lot1", "58000")
	e.chrono(e.tpEnd.Add(time.Millisecond))
	robot := tender.Actor{Role: tender.RoleAuction}
	lotURL := "https://auctions.example.org/auctions/" + e.id + "_lot1"
	_, err = svc.PatchAuctionURLs(e.ctx, e.id, "lot1", robot, tender.AuctionURLs{AuctionURL: lotURL})
	e.must("lot URL", err)
	hash := "sha256:" + strings.Repeat("cd", 32)
	_, _, err = svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "tender"}, robot, tender.DocumentInput{
		Title: tendertest.Ptr("audit_lot1.json"), URL: tendertest.Ptr(lotURL + "/audit.json"), Format: tendertest.Ptr("application/json"),
		Hash: &hash, DocumentType: tendertest.Ptr("auctionAudit"), DocumentOf: tendertest.Ptr("lot"), RelatedItem: tendertest.Ptr("lot1")})
	e.must("lot audit", err)
	if ap := e.stored().Lots[0].AuctionPeriod; ap != nil && ap.StartDate != nil {
		c.Set(ap.StartDate.Add(time.Second))
	}
	var res tender.AuctionResults
	raw, _ := json.Marshal(map[string]any{"bids": []map[string]any{
		{"id": e.bidIDs[0], "lotValues": []map[string]any{{"relatedLot": "lot1", "value": map[string]any{"amount": json.Number("54000")}}}},
		{"id": e.bidIDs[1], "lotValues": []map[string]any{{"relatedLot": "lot1", "value": map[string]any{"amount": json.Number("53000.10")}}}},
	}})
	e.must("results", json.Unmarshal(raw, &res))
	_, err = svc.PostAuction(e.ctx, e.id, "lot1", robot, res)
	e.must("lot1 results", err)

	st, body := f.get(t, "/tenders/"+e.id)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	tenderValidHTML(t, body)
	lots := tenderSection(t, body, "lots")
	for _, want := range []string{"Партія lot1", "Партія lot2", money(LangUK, "60000", "UAH"), money(LangUK, "40000", "UAH")} {
		if !strings.Contains(lots, want) {
			t.Errorf("lots lack %q:\n%s", want, lots)
		}
	}
	if items := tenderSection(t, body, "items"); !strings.Contains(items, `data-label="Лот">Партія lot2</td>`) {
		t.Errorf("items without their lot:\n%s", items)
	}
	au := tenderSection(t, body, "auction")
	i1, i2 := strings.Index(au, "<h3>Лот «Партія lot1»</h3>"), strings.Index(au, "<h3>Лот «Партія lot2»</h3>")
	if i1 < 0 {
		t.Fatalf("no lot1 auction:\n%s", au)
	}
	lot1 := au[i1:]
	if i2 > i1 {
		lot1 = au[i1:i2]
	}
	for _, want := range []string{`href="` + lotURL + `">Сторінка аукціону лота «Партія lot1»</a>`, `<a href="` + lotURL + `/audit.json">audit_lot1.json</a>`,
		hash, money(LangUK, "53000.10", "UAH"), money(LangUK, "58000", "UAH")} {
		if !strings.Contains(lot1, want) {
			t.Errorf("lot1's auction lacks %q:\n%s", want, lot1)
		}
	}
	if strings.Index(lot1, "ТОВ Лотовий Два") > strings.Index(lot1, "ТОВ Лотовий Один") {
		t.Errorf("lot1 ranking:\n%s", lot1)
	}
	if bids := tenderSection(t, body, "bids"); !strings.Contains(bids, "Партія lot2: "+money(LangUK, "39000", "UAH")) {
		t.Errorf("bids without lot values:\n%s", bids)
	}
}
