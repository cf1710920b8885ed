package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/tender"
)

// The tender page: GET /tenders/{id} shows everything public about one
// tender, read as the anonymous public reads it (tender.Service.Get with
// RolePublic), its history rebuilt from the revisions (tender_timeline.go),
// its red flags with their evidence and links to its OCDS downloads.

func init() {
	page("/tenders/{id}", (*Server).tenderPage)
	messages(tenderMessagesUK, tenderMessagesEN)
}

// tenderAPI is where the API serves tenders, for the download links.
const tenderAPI = "/api/2.5/tenders/"

// tenderView is the tender page's data: the public view and what the
// template shows of it, formatted in the page's language.
type tenderView struct {
	Lang  string
	T     *tender.Tender // the public view
	ID    string
	Title string
	Desc  string
	OCID  string

	Status      tenderLabel
	Procedure   tenderLabel
	Category    string
	Buyer       tenderOrg
	BuyerScheme string // what the buyer's identifier is: "ЄДРПОУ" or the scheme
	Value       string
	VAT         string
	MinimalStep string
	Guarantee   string
	Modified    time.Time
	Periods     []tenderPeriodRow

	Items         []tenderItemRow
	Lots          []tenderLotRow
	Documents     []tenderDocRow
	Questions     []tenderQuestionRow
	Complaints    []tenderComplaintRow
	BidsSealed    bool
	Bids          []tenderBidRow
	Auctions      []tenderAuctionUnit
	Awards        []tenderAwardRow
	Contracts     []tenderContractRow
	Cancellations []tenderCancellationRow

	Timeline  tenderTimeline
	Risk      *tenderRisk
	Downloads []tenderLink
	Releases  tenderLink // the full public history, where the timeline stops
}

// tenderLabel is a code and its readable text.
type tenderLabel struct {
	Code, Text string
}

// tenderLink is a link: where and what it says.
type tenderLink struct {
	URL, Text string
}

// tenderOrg is a party with a link to its organisation page.
type tenderOrg struct {
	Name, ID, URL string
}

type tenderPeriodRow struct {
	Name       string
	Start, End *time.Time
}

type tenderItemRow struct {
	Description, CPV, CPVDesc, Quantity, Unit, Delivery, Lot string
}

type tenderLotRow struct {
	Title, Value, MinimalStep string
	Status                    tenderLabel
}

type tenderDocRow struct {
	Title, URL, Of, Type, Format, Hash string
	Published, Modified                time.Time
}

type tenderQuestionRow struct {
	Title, Description, Author, Answer, Of string
	Date                                   time.Time
	Answered                               *time.Time
}

type tenderComplaintRow struct {
	ComplaintID, Of, Title, Author, Resolution, Decision string
	Type, Status                                         tenderLabel
	Date                                                 time.Time
}

type tenderBidRow struct {
	Tenderers     []tenderOrg
	Values, Inits []string // by lot with lots; none while prices are sealed
	Status        tenderLabel
	Date          time.Time
}

// tenderAuctionUnit is the auction of the tender, or of one lot.
type tenderAuctionUnit struct {
	Title      string
	Start, End *time.Time
	Pages      []tenderLink
	Audits     []tenderDocRow
	Results    []tenderAuctionResult
}

type tenderAuctionResult struct {
	Place          int
	Tenderers      []tenderOrg
	Value, Initial string
}

type tenderAwardRow struct {
	Suppliers         []tenderOrg
	Value, Lot, Title string
	Status            tenderLabel
	Date              time.Time
}

type tenderContractRow struct {
	ContractID, Value string
	Suppliers         []tenderOrg
	Status            tenderLabel
	DateSigned        *time.Time
	Start, End        *time.Time
}

type tenderCancellationRow struct {
	Reason, ReasonType, Of string
	Status                 tenderLabel
	Date                   time.Time
}

// tenderPage answers GET /tenders/{id}.
func (s *Server) tenderPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := langOf(r)
	id := r.PathValue("id")
	if s.cfg.Tenders == nil || id == "" {
		s.fail(w, r, errNotFound)
		return
	}
	t, err := s.cfg.Tenders.Get(ctx, id, tender.Actor{Role: tender.RolePublic})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if t.Status == "" || strings.HasPrefix(string(t.Status), "draft") {
		s.fail(w, r, errNotFound) // never published: not public
		return
	}
	v := tenderBuild(lang, t, s.cfg)
	v.Timeline = s.tenderHistory(ctx, lang, t)
	v.Risk = s.tenderRisks(ctx, lang, t)
	if v.Risk != nil {
		v.Downloads = append(v.Downloads, tenderLink{tenderAPI + url.PathEscape(t.ID) + "/risks", tr(lang, "tender.dl.risks")})
	}
	title := v.Title
	if t.TenderID != "" {
		title += " (" + t.TenderID + ")"
	}
	s.render(w, r, http.StatusOK, "tender", s.common(r, title, ""), v)
}

// tenderBuild lays the public view out for the template.
func tenderBuild(lang string, t *tender.Tender, cfg Config) *tenderView {
	v := &tenderView{Lang: lang, T: t, ID: t.ID, Title: tenderPick(lang, t.Title, t.TitleEn),
		Desc: tenderPick(lang, t.Description, t.DescriptionEn), Modified: t.DateModified,
		Status:    tenderStatus(lang, "tender", string(t.Status)),
		Procedure: tenderLabel{t.ProcurementMethodType, tenderText(lang, "tender.proc."+t.ProcurementMethodType, t.ProcurementMethodType)},
		Category:  tenderText(lang, "tender.cat."+t.MainProcurementCategory, t.MainProcurementCategory),
		Buyer:     tenderOrgOf(lang, t.ProcuringEntity),
		Value:     tenderMoney(lang, &t.Value), MinimalStep: tenderMoney(lang, t.MinimalStep)}
	if v.Title == "" {
		v.Title = t.TenderID
	}
	if t.TenderID != "" {
		v.OCID = cfg.OCDS.OCID(t.TenderID)
	}
	v.BuyerScheme = t.ProcuringEntity.Identifier.Scheme
	if v.BuyerScheme == "UA-EDR" || v.BuyerScheme == "" {
		v.BuyerScheme = tr(lang, "tender.buyerID")
	}
	if vat := t.Value.ValueAddedTaxIncluded; vat != nil {
		v.VAT = tr(lang, "tender.vatExcl")
		if *vat {
			v.VAT = tr(lang, "tender.vatIncl")
		}
	}
	if g := t.Guarantee; g != nil {
		v.Guarantee = money(lang, g.Amount.String(), g.Currency)
	}
	for _, p := range []struct {
		key string
		p   *tender.Period
	}{{"enquiryPeriod", t.EnquiryPeriod}, {"tenderPeriod", t.TenderPeriod}, {"complaintPeriod", t.ComplaintPeriod},
		{"qualificationPeriod", t.QualificationPeriod}, {"auctionPeriod", t.AuctionPeriod}, {"awardPeriod", t.AwardPeriod}} {
		if p.p != nil && (p.p.StartDate != nil || p.p.EndDate != nil) {
			v.Periods = append(v.Periods, tenderPeriodRow{tr(lang, "tender.period."+p.key), p.p.StartDate, p.p.EndDate})
		}
	}

	lots := map[string]string{}
	for _, l := range t.Lots {
		title := tenderPick(lang, l.Title, l.TitleEn)
		lots[l.ID] = title
		v.Lots = append(v.Lots, tenderLotRow{Title: title, Value: tenderMoney(lang, &l.Value),
			MinimalStep: tenderMoney(lang, l.MinimalStep), Status: tenderStatus(lang, "lot", l.Status)})
	}
	items := map[string]string{}
	for _, it := range t.Items {
		row := tenderItemRow{Description: tenderPick(lang, it.Description, it.DescriptionEn), CPV: it.Classification.ID,
			CPVDesc: it.Classification.Description, Lot: lots[it.RelatedLot]}
		items[it.ID] = row.Description
		if it.Quantity != nil {
			row.Quantity = it.Quantity.String()
		}
		if it.Unit != nil {
			row.Unit = it.Unit.Name
			if row.Unit == "" {
				row.Unit = it.Unit.Code
			}
		}
		var del []string
		if a := it.DeliveryAddress; a != nil {
			del = append(del, tenderAddress(a))
		}
		if d := it.DeliveryDate; d != nil {
			switch {
			case d.StartDate != nil && d.EndDate != nil:
				del = append(del, date(d.StartDate)+" – "+date(d.EndDate))
			case d.EndDate != nil:
				del = append(del, tr(lang, "tender.item.until", date(d.EndDate)))
			case d.StartDate != nil:
				del = append(del, tr(lang, "tender.item.from", date(d.StartDate)))
			}
		}
		row.Delivery = strings.Join(del, "; ")
		v.Items = append(v.Items, row)
	}
	of := func(kind, rel string) string {
		switch kind {
		case "lot":
			return tr(lang, "tender.of.lot", lots[rel])
		case "item":
			return tr(lang, "tender.of.item", items[rel])
		}
		return tr(lang, "tender.of.tender")
	}

	// Documents: the tender's and those of every public object.
	addDocs := func(docs []tender.Document, where func(d tender.Document) string) {
		for _, d := range docs {
			v.Documents = append(v.Documents, tenderDocOf(d, where(d)))
		}
	}
	addDocs(t.Documents, func(d tender.Document) string { return of(d.DocumentOf, d.RelatedItem) })

	for _, q := range t.Questions {
		v.Questions = append(v.Questions, tenderQuestionRow{Title: q.Title, Description: q.Description, Author: q.Author.Name,
			Answer: q.Answer, Date: q.Date, Answered: q.DateAnswered, Of: of(q.QuestionOf, q.RelatedItem)})
	}

	addComplaints := func(cs []tender.Complaint, where func(c tender.Complaint) string) {
		for _, c := range cs {
			v.Complaints = append(v.Complaints, tenderComplaintRow{ComplaintID: c.ComplaintID, Of: where(c), Title: c.Title,
				Author: c.Author.Name, Resolution: c.Resolution, Decision: c.Decision, Date: c.Date,
				Type:   tenderLabel{c.Type, tenderText(lang, "tender.ctype."+c.Type, c.Type)},
				Status: tenderStatus(lang, "complaint", c.Status)})
			addDocs(c.Documents, func(tender.Document) string { return tr(lang, "tender.of.complaint", c.ComplaintID) })
		}
	}
	addComplaints(t.Complaints, func(c tender.Complaint) string {
		if c.RelatedLot != "" {
			return of("lot", c.RelatedLot)
		}
		return of("tender", "")
	})

	// Bids: present in the public view only once they are public.
	bidders := map[string][]tenderOrg{}
	for _, b := range t.Bids {
		row := tenderBidRow{Status: tenderStatus(lang, "bid", b.Status), Date: b.Date}
		for _, o := range b.Tenderers {
			row.Tenderers = append(row.Tenderers, tenderOrgOf(lang, o))
		}
		bidders[b.ID] = row.Tenderers
		if b.Value != nil {
			row.Values = append(row.Values, tenderMoney(lang, b.Value))
		}
		if b.InitialValue != nil {
			row.Inits = append(row.Inits, tenderMoney(lang, b.InitialValue))
		}
		for _, lv := range b.LotValues {
			if lv.Value != nil {
				row.Values = append(row.Values, lots[lv.RelatedLot]+": "+tenderMoney(lang, lv.Value))
			}
			if lv.InitialValue != nil {
				row.Inits = append(row.Inits, lots[lv.RelatedLot]+": "+tenderMoney(lang, lv.InitialValue))
			}
		}
		v.Bids = append(v.Bids, row)
		addDocs(b.Documents, func(tender.Document) string { return tr(lang, "tender.of.bid", tenderNames(row.Tenderers)) })
	}
	switch t.Status {
	case tender.StatusEnquiries, tender.StatusTendering, tender.StatusAuction:
		v.BidsSealed = len(t.Bids) == 0
	}

	for _, q := range t.Qualifications {
		addComplaints(q.Complaints, func(tender.Complaint) string {
			return tr(lang, "tender.of.qualification", tenderNames(bidders[q.BidID]))
		})
		addDocs(q.Documents, func(tender.Document) string {
			return tr(lang, "tender.of.qualification", tenderNames(bidders[q.BidID]))
		})
	}

	v.Auctions = tenderAuctions(lang, t, cfg, lots, bidders)

	for _, a := range t.Awards {
		row := tenderAwardRow{Value: tenderMoney(lang, &a.Value), Lot: lots[a.LotID], Title: a.Title,
			Status: tenderStatus(lang, "award", a.Status), Date: a.Date}
		for _, o := range a.Suppliers {
			row.Suppliers = append(row.Suppliers, tenderOrgOf(lang, o))
		}
		v.Awards = append(v.Awards, row)
		where := tr(lang, "tender.of.award", tenderNames(row.Suppliers))
		addDocs(a.Documents, func(tender.Document) string { return where })
		addComplaints(a.Complaints, func(tender.Complaint) string { return where })
	}
	for _, c := range t.Contracts {
		row := tenderContractRow{ContractID: c.ContractID, Status: tenderStatus(lang, "contract", c.Status), DateSigned: c.DateSigned}
		if c.Value != nil {
			row.Value = money(lang, c.Value.Amount.String(), c.Value.Currency)
		} else {
			row.Value = tr(lang, "none")
		}
		if c.Period != nil {
			row.Start, row.End = c.Period.StartDate, c.Period.EndDate
		}
		for _, o := range c.Suppliers {
			row.Suppliers = append(row.Suppliers, tenderOrgOf(lang, o))
		}
		v.Contracts = append(v.Contracts, row)
		addDocs(c.Documents, func(tender.Document) string { return tr(lang, "tender.of.contract", c.ContractID) })
	}
	for _, c := range t.Cancellations {
		where := of("tender", "")
		if c.RelatedLot != "" || c.CancellationOf == "lot" {
			where = of("lot", c.RelatedLot)
		}
		v.Cancellations = append(v.Cancellations, tenderCancellationRow{Reason: c.Reason, ReasonType: c.ReasonType, Of: where,
			Status: tenderStatus(lang, "cancellation", c.Status), Date: c.Date})
		addDocs(c.Documents, func(tender.Document) string { return tr(lang, "tender.of.cancellation") })
		addComplaints(c.Complaints, func(tender.Complaint) string { return tr(lang, "tender.of.cancellation") })
	}

	api := tenderAPI + url.PathEscape(t.ID)
	v.Downloads = []tenderLink{
		{api + "?opt_schema=ocds", tr(lang, "tender.dl.package")},
		{api + "/ocds/releases", tr(lang, "tender.dl.releases")},
		{api + "/ocds/record", tr(lang, "tender.dl.record")},
		{api, tr(lang, "tender.dl.api")},
	}
	v.Releases = v.Downloads[1]
	return v
}

// tenderAuctions returns the auction of the tender, or of each lot, that
// was planned, held or has an audit: its period, its page, its audit
// record (the auctionAudit document: url and hash) and, once held and
// bids are public, the final ranking.
func tenderAuctions(lang string, t *tender.Tender, cfg Config, lots map[string]string, bidders map[string][]tenderOrg) []tenderAuctionUnit {
	type unit struct {
		key   string // lot id, "" for the tender
		title string
		link  string // the page link's text
		ap    *tender.Period
		url   string
		live  bool // its auction is running or due
	}
	var units []unit
	if len(t.Lots) == 0 {
		units = append(units, unit{"", tr(lang, "tender.auction.ofTender"), tr(lang, "tender.auction.pageTender", t.TenderID),
			t.AuctionPeriod, t.AuctionURL, t.Status == tender.StatusAuction})
	}
	for _, l := range t.Lots {
		units = append(units, unit{l.ID, tr(lang, "tender.of.lot", lots[l.ID]), tr(lang, "tender.auction.pageLot", lots[l.ID]),
			l.AuctionPeriod, l.AuctionURL, t.Status == tender.StatusAuction && l.Status == tender.LotActive})
	}
	noAuction := strings.Contains(t.SubmissionMethodDetails, "no-auction")
	var out []tenderAuctionUnit
	for _, u := range units {
		au := tenderAuctionUnit{Title: u.title}
		if u.ap != nil {
			au.Start, au.End = u.ap.StartDate, u.ap.EndDate
		}
		page := u.url
		if page == "" && u.live && !noAuction && au.Start != nil {
			id := t.ID
			if u.key != "" {
				id += "_" + u.key
			}
			page = strings.TrimRight(cfg.AuctionURL, "/") + "/auctions/" + url.PathEscape(id)
		}
		if page != "" {
			au.Pages = append(au.Pages, tenderLink{withLang(lang, page), u.link})
		}
		for _, d := range t.Documents {
			if d.DocumentType != "auctionAudit" {
				continue
			}
			if (u.key == "" && d.DocumentOf != "lot") || (u.key != "" && d.DocumentOf == "lot" && d.RelatedItem == u.key) {
				au.Audits = append(au.Audits, tenderDocOf(d, u.title))
			}
		}
		if au.End != nil {
			au.Results = tenderRanking(lang, t, u.key, bidders)
		}
		if au.Start == nil && au.End == nil && len(au.Pages) == 0 && len(au.Audits) == 0 {
			continue
		}
		out = append(out, au)
	}
	return out
}

// tenderRanking orders the public bids of lot key ("" for the tender) by
// their final price; nothing while prices are sealed.
func tenderRanking(lang string, t *tender.Tender, key string, bidders map[string][]tenderOrg) []tenderAuctionResult {
	type entry struct {
		bid        string
		val, first *tender.Value
	}
	var es []entry
	for _, b := range t.Bids {
		if b.Status != tender.BidActive && b.Status != "" {
			continue
		}
		if key == "" && b.Value != nil {
			es = append(es, entry{b.ID, b.Value, b.InitialValue})
		}
		for _, lv := range b.LotValues {
			if lv.RelatedLot == key && key != "" && lv.Value != nil && (lv.Status == "" || lv.Status == "active" || lv.Status == "pending") {
				es = append(es, entry{b.ID, lv.Value, lv.InitialValue})
			}
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].val.Amount.Cmp(es[j].val.Amount) < 0 })
	out := make([]tenderAuctionResult, len(es))
	for i, e := range es {
		out[i] = tenderAuctionResult{Place: i + 1, Tenderers: bidders[e.bid], Value: tenderMoney(lang, e.val), Initial: tenderMoney(lang, e.first)}
	}
	return out
}

func tenderDocOf(d tender.Document, where string) tenderDocRow {
	return tenderDocRow{Title: d.Title, URL: d.URL, Of: where, Type: d.DocumentType, Format: d.Format, Hash: d.Hash,
		Published: d.DatePublished, Modified: d.DateModified}
}

// tenderPick returns the English text on English pages when there is one.
func tenderPick(lang, uk, en string) string {
	if lang == LangEN && en != "" {
		return en
	}
	return uk
}

// tenderText translates key, or returns fallback when there is no such
// message (a code the portal has no words for shows as it is).
func tenderText(lang, key, fallback string) string {
	if s := tr(lang, key); s != key {
		return s
	}
	if fallback == "" {
		return tr(lang, "none")
	}
	return fallback
}

// tenderStatus names the status of an object of kind (tender, lot, bid,
// award, contract, complaint, cancellation): the kind's own word for it,
// else the common one, else the code.
func tenderStatus(lang, kind, status string) tenderLabel {
	if s := tr(lang, "tender.st."+kind+"."+status); s != "tender.st."+kind+"."+status {
		return tenderLabel{status, s}
	}
	return tenderLabel{status, tenderText(lang, "tender.st."+status, status)}
}

// tenderMoney formats a value exactly; nil is "—".
func tenderMoney(lang string, v *tender.Value) string {
	if v == nil {
		return tr(lang, "none")
	}
	return money(lang, v.Amount.String(), v.Currency)
}

func tenderOrgOf(lang string, o tender.Organization) tenderOrg {
	out := tenderOrg{Name: tenderPick(lang, o.Name, o.NameEn), ID: o.Identifier.ID}
	if out.Name == "" {
		out.Name = o.Identifier.LegalName
	}
	if o.Identifier.ID != "" {
		out.URL = withLang(lang, "/organisations/"+url.PathEscape(o.Identifier.ID))
	}
	return out
}

func tenderNames(os []tenderOrg) string {
	names := make([]string, 0, len(os))
	for _, o := range os {
		names = append(names, o.Name)
	}
	return strings.Join(names, ", ")
}

func tenderAddress(a *tender.Address) string {
	var parts []string
	for _, s := range []string{a.StreetAddress, a.Locality, a.Region, a.PostalCode, a.CountryName} {
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// tenderRisk is the red flags section.
type tenderRisk struct {
	Flags       []tenderFlag
	Score       string
	StatsAt     time.Time
	Unavailable bool
}

// tenderFlag is one red flag with its evidence.
type tenderFlag struct {
	Code, Name, Description string
	Scope                   string
	Subject                 tenderOrg // URL set when the subject is a party of this tender
	Lot                     string
	Value, Weight           string
	Evidence                []tenderEvidence
}

type tenderEvidence struct {
	Key, Label, Value string
}

// tenderRisks evaluates the tender's red flags on its public state: nil
// when the portal has no evaluator.
func (s *Server) tenderRisks(ctx context.Context, lang string, t *tender.Tender) *tenderRisk {
	if s.cfg.Risk == nil {
		return nil
	}
	rel, ok := ocds.Current(t, s.cfg.OCDS)
	if !ok {
		return nil
	}
	a, err := s.cfg.Risk.Assess(ctx, &rel)
	if err != nil {
		s.cfg.Log.Error("portal: red flags", "tender", t.ID, "err", err)
		return &tenderRisk{Unavailable: true}
	}
	out := &tenderRisk{StatsAt: a.StatsAt}
	_, score := a.Codes()
	out.Score = strconv.FormatFloat(score, 'f', -1, 64)
	parties := tenderParties(lang, t)
	lots := map[string]string{}
	for _, l := range t.Lots {
		lots[l.ID] = tenderPick(lang, l.Title, l.TitleEn)
	}
	for _, f := range a.Flags {
		fl := tenderFlag{Code: f.Code, Name: f.Name, Scope: tenderText(lang, "tender.scope."+f.Scope, f.Scope),
			Value: tenderFloat(f.Value), Weight: tenderFloat(f.Weight), Lot: lots[f.Lot]}
		if ind, ok := flags.Lookup(f.Code); ok {
			fl.Name, fl.Description = ind.Name, ind.Description
		}
		// The portal's shared name of the flag, if it has one, else this page's.
		fl.Name = flagName(lang, f.Code)
		fl.Description = flagDescription(lang, f.Code, fl.Description)
		if f.Lot != "" && fl.Lot == "" {
			fl.Lot = f.Lot
		}
		if p, ok := parties[f.Subject]; ok && f.Scope != flags.ScopeOCID {
			fl.Subject = p
		} else {
			fl.Subject = tenderOrg{Name: f.Subject}
		}
		keys := make([]string, 0, len(f.Evidence))
		for k := range f.Evidence {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fl.Evidence = append(fl.Evidence, tenderEvidence{Key: k, Label: tenderText(lang, "tender.ev."+k, k),
				Value: tenderEvidenceValue(lang, f.Evidence[k], parties)})
		}
		out.Flags = append(out.Flags, fl)
	}
	return out
}

// tenderParties maps the OCDS party ids of the tender's organisations
// ("UA-EDR-00037256", what flags name) to their links.
func tenderParties(lang string, t *tender.Tender) map[string]tenderOrg {
	out := map[string]tenderOrg{}
	add := func(o tender.Organization) {
		if id := ocds.PartyID(o.Identifier); id != "" {
			out[id] = tenderOrgOf(lang, o)
		}
	}
	add(t.ProcuringEntity)
	for _, b := range t.Bids {
		for _, o := range b.Tenderers {
			add(o)
		}
	}
	for _, a := range t.Awards {
		for _, o := range a.Suppliers {
			add(o)
		}
	}
	for _, c := range t.Contracts {
		for _, o := range c.Suppliers {
			add(o)
		}
	}
	return out
}

func tenderFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 6 {
		s = strings.TrimRight(strings.TrimRight(strconv.FormatFloat(f, 'f', 6, 64), "0"), ".")
	}
	return s
}

// tenderEvidenceValue writes one evidence value for reading: numbers as
// numbers, party ids with their names, lists joined, anything else as
// compact JSON.
func tenderEvidenceValue(lang string, v any, parties map[string]tenderOrg) string {
	switch x := v.(type) {
	case nil:
		return tr(lang, "none")
	case string:
		if p, ok := parties[x]; ok && p.Name != "" {
			return p.Name + " (" + x + ")"
		}
		return x
	case bool:
		if x {
			return tr(lang, "tender.yes")
		}
		return tr(lang, "tender.no")
	case float64:
		return tenderFloat(x)
	case float32:
		return tenderFloat(float64(x))
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case fmt.Stringer:
		return x.String()
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = tenderEvidenceValue(lang, s, parties)
		}
		return strings.Join(out, "; ")
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return tr(lang, "none")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

var tenderMessagesUK = map[string]string{
	"tender.toc":                                     "Зміст сторінки",
	"tender.h.facts":                                 "Основні відомості",
	"tender.h.periods":                               "Строки",
	"tender.h.items":                                 "Предмет закупівлі",
	"tender.h.lots":                                  "Лоти",
	"tender.h.documents":                             "Документи",
	"tender.h.questions":                             "Запитання та відповіді",
	"tender.h.complaints":                            "Вимоги та скарги",
	"tender.h.bids":                                  "Пропозиції",
	"tender.h.auction":                               "Аукціон",
	"tender.h.awards":                                "Рішення щодо переможця",
	"tender.h.contracts":                             "Договори",
	"tender.h.cancellations":                         "Скасування",
	"tender.h.timeline":                              "Історія змін",
	"tender.h.risks":                                 "Індикатори ризику",
	"tender.h.downloads":                             "Завантажити дані",
	"tender.empty":                                   "Немає.",
	"tender.tenderID":                                "Ідентифікатор закупівлі",
	"tender.ocid":                                    "OCID",
	"tender.status":                                  "Статус",
	"tender.procedure":                               "Процедура",
	"tender.category":                                "Категорія",
	"tender.buyer":                                   "Замовник",
	"tender.buyerID":                                 "Код ЄДРПОУ",
	"tender.value":                                   "Очікувана вартість",
	"tender.vatIncl":                                 "з ПДВ",
	"tender.vatExcl":                                 "без ПДВ",
	"tender.minimalStep":                             "Мінімальний крок аукціону",
	"tender.guarantee":                               "Забезпечення пропозиції",
	"tender.modified":                                "Остання зміна",
	"tender.description":                             "Опис",
	"tender.kyivTime":                                "Час київський.",
	"tender.kyivShort":                               "за київським часом",
	"tender.period":                                  "Період",
	"tender.start":                                   "Початок",
	"tender.end":                                     "Кінець",
	"tender.period.enquiryPeriod":                    "Період уточнень",
	"tender.period.tenderPeriod":                     "Подання пропозицій",
	"tender.period.complaintPeriod":                  "Оскарження умов",
	"tender.period.qualificationPeriod":              "Прекваліфікація",
	"tender.period.auctionPeriod":                    "Аукціон",
	"tender.period.awardPeriod":                      "Кваліфікація",
	"tender.item.description":                        "Опис",
	"tender.item.cpv":                                "Код ДК 021:2015",
	"tender.item.quantity":                           "Кількість",
	"tender.item.unit":                               "Одиниця",
	"tender.item.delivery":                           "Доставка",
	"tender.item.lot":                                "Лот",
	"tender.item.until":                              "до %s",
	"tender.item.from":                               "з %s",
	"tender.lot.title":                               "Лот",
	"tender.lot.value":                               "Очікувана вартість",
	"tender.lot.minimalStep":                         "Мінімальний крок",
	"tender.doc.title":                               "Документ",
	"tender.doc.of":                                  "Стосується",
	"tender.doc.type":                                "Тип",
	"tender.doc.format":                              "Формат",
	"tender.doc.date":                                "Оприлюднено",
	"tender.doc.modified":                            "Змінено",
	"tender.doc.hash":                                "Хеш",
	"tender.of.tender":                               "Закупівля",
	"tender.of.lot":                                  "Лот «%s»",
	"tender.of.item":                                 "Предмет «%s»",
	"tender.of.bid":                                  "Пропозиція: %s",
	"tender.of.award":                                "Рішення щодо: %s",
	"tender.of.qualification":                        "Прекваліфікація: %s",
	"tender.of.contract":                             "Договір %s",
	"tender.of.cancellation":                         "Скасування",
	"tender.of.complaint":                            "Скарга %s",
	"tender.q.author":                                "Автор",
	"tender.q.date":                                  "Дата запитання",
	"tender.q.of":                                    "Стосується",
	"tender.q.answer":                                "Відповідь",
	"tender.q.answered":                              "Дата відповіді",
	"tender.q.noAnswer":                              "Відповіді ще немає.",
	"tender.c.id":                                    "Номер",
	"tender.c.of":                                    "Стосується",
	"tender.c.type":                                  "Тип",
	"tender.c.title":                                 "Суть",
	"tender.c.author":                                "Автор",
	"tender.c.resolution":                            "Рішення",
	"tender.c.date":                                  "Дата",
	"tender.ctype.claim":                             "Вимога",
	"tender.ctype.complaint":                         "Скарга",
	"tender.bids.sealed":                             "Пропозиції запечатані до завершення подання: їх кількість, учасники та ціни не розкриваються.",
	"tender.bids.none":                               "Пропозицій немає.",
	"tender.bid.tenderers":                           "Учасник",
	"tender.bid.value":                               "Ціна пропозиції",
	"tender.bid.initial":                             "Початкова ціна",
	"tender.bid.date":                                "Подано",
	"tender.bid.pricesSealed":                        "ціна ще не розкрита",
	"tender.auction.ofTender":                        "Аукціон закупівлі",
	"tender.auction.pageTender":                      "Сторінка аукціону закупівлі %s",
	"tender.auction.pageLot":                         "Сторінка аукціону лота «%s»",
	"tender.auction.audit":                           "Запис аудиту аукціону",
	"tender.auction.pages":                           "Сторінка аукціону",
	"tender.auction.results":                         "Результат",
	"tender.auction.place":                           "Місце",
	"tender.auction.final":                           "Остаточна ціна",
	"tender.auction.none":                            "Аукціон не проводився або ще не запланований.",
	"tender.award.supplier":                          "Постачальник",
	"tender.award.value":                             "Сума",
	"tender.award.lot":                               "Лот",
	"tender.award.date":                              "Дата рішення",
	"tender.contract.id":                             "Номер договору",
	"tender.contract.supplier":                       "Постачальник",
	"tender.contract.value":                          "Сума",
	"tender.contract.signed":                         "Дата підписання",
	"tender.contract.period":                         "Строк дії",
	"tender.cancel.reason":                           "Причина",
	"tender.cancel.reasonType":                       "Підстава",
	"tender.cancel.of":                               "Стосується",
	"tender.cancel.date":                             "Дата",
	"tender.tl.date":                                 "Коли",
	"tender.tl.who":                                  "Хто",
	"tender.tl.what":                                 "Що змінилося",
	"tender.tl.published":                            "Оприлюднено, статус: %s",
	"tender.tl.status":                               "Статус: %s → %s",
	"tender.tl.note":                                 "Показано лише зміни, які бачить кожен; дії із запечатаними пропозиціями не показуються. Автор — роль, а не назва майданчика; зміни за графіком набувають сили з першим записом після настання строку, тож їхнім автором може бути й інший учасник процесу.",
	"tender.tl.capped":                               "Показано лише останні зміни (%d). Повна публічна історія — у релізах OCDS:",
	"tender.tl.unavailable":                          "Історія змін зараз недоступна.",
	"tender.tl.empty":                                "Публічних змін ще немає.",
	"tender.who.owner":                               "Майданчик замовника",
	"tender.who.chronograph":                         "Хронограф (зміни за графіком)",
	"tender.who.auction":                             "Модуль аукціону",
	"tender.who.admin":                               "Адміністратор системи",
	"tender.who.reviewer":                            "Орган оскарження",
	"tender.who.bot":                                 "Платіжний робот",
	"tender.who.complainant":                         "Майданчик скаржника",
	"tender.who.bidder":                              "Майданчик учасника",
	"tender.who.platform":                            "Інший майданчик",
	"tender.field.title":                             "назва",
	"tender.field.title_en":                          "назва англійською",
	"tender.field.description":                       "опис",
	"tender.field.description_en":                    "опис англійською",
	"tender.field.procuringEntity":                   "замовник",
	"tender.field.value":                             "очікувана вартість",
	"tender.field.minimalStep":                       "мінімальний крок",
	"tender.field.guarantee":                         "забезпечення",
	"tender.field.lots":                              "лоти",
	"tender.field.items":                             "предмети закупівлі",
	"tender.field.features":                          "нецінові критерії",
	"tender.field.documents":                         "документи",
	"tender.field.questions":                         "запитання",
	"tender.field.complaints":                        "скарги",
	"tender.field.bids":                              "пропозиції",
	"tender.field.qualifications":                    "прекваліфікація",
	"tender.field.awards":                            "рішення щодо переможця",
	"tender.field.contracts":                         "договори",
	"tender.field.cancellations":                     "скасування",
	"tender.field.enquiryPeriod":                     "період уточнень",
	"tender.field.tenderPeriod":                      "період подання пропозицій",
	"tender.field.complaintPeriod":                   "період оскарження",
	"tender.field.qualificationPeriod":               "період прекваліфікації",
	"tender.field.auctionPeriod":                     "період аукціону",
	"tender.field.awardPeriod":                       "період кваліфікації",
	"tender.field.auctionUrl":                        "посилання на аукціон",
	"tender.field.owner":                             "майданчик-власник",
	"tender.field.date":                              "дата",
	"tender.field.mainProcurementCategory":           "категорія",
	"tender.field.procurementMethodDetails":          "деталі процедури",
	"tender.field.submissionMethodDetails":           "деталі подання",
	"tender.field.cause":                             "підстава",
	"tender.field.causeDescription":                  "обґрунтування підстави",
	"tender.risk.none":                               "Індикаторів ризику не виявлено.",
	"tender.risk.unavailable":                        "Індикатори ризику зараз недоступні.",
	"tender.risk.statsAt":                            "Статистику всього набору даних обчислено:",
	"tender.risk.noStats":                            "Статистику набору даних ще не обчислено: оцінено лише індикатори самої процедури.",
	"tender.risk.score":                              "Сума ваг індикаторів",
	"tender.risk.scope":                              "Кого стосується",
	"tender.risk.subject":                            "Суб'єкт",
	"tender.risk.lot":                                "Лот",
	"tender.risk.value":                              "Значення",
	"tender.risk.weight":                             "Вага",
	"tender.risk.evidence":                           "Підстави",
	"tender.risk.queue":                              "Черга ризиків: усі закупівлі за вагою індикаторів",
	"tender.scope.OCID":                              "Ця процедура",
	"tender.scope.Buyer":                             "Покупець",
	"tender.scope.ProcuringEntity":                   "Замовник",
	"tender.scope.Tenderer":                          "Учасник",
	"tender.ev.submission_days":                      "Днів на подання",
	"tender.ev.threshold":                            "Поріг",
	"tender.ev.procurement_method":                   "Спосіб закупівлі",
	"tender.ev.procurement_method_details":           "Деталі процедури",
	"tender.ev.number_of_tenderers":                  "Кількість учасників",
	"tender.ev.tenderers":                            "Учасники",
	"tender.ev.late_winners":                         "Переможці з пізньою пропозицією",
	"tender.ev.winner":                               "Переможець",
	"tender.ev.disqualified_tenderers":               "Дискваліфіковано учасників",
	"tender.ev.currency":                             "Валюта",
	"tender.ev.expected":                             "Очікувана вартість",
	"tender.ev.awarded":                              "Сума рішення",
	"tender.ev.savings_ratio":                        "Частка економії",
	"tender.ev.supplier":                             "Постачальник",
	"tender.ev.lots":                                 "Лотів",
	"tender.ev.minimum_lots":                         "Мінімум лотів",
	"tender.ev.buyer":                                "Покупець",
	"tender.ev.classification":                       "Класифікація",
	"tender.ev.year":                                 "Рік",
	"tender.ev.kind":                                 "Вид",
	"tender.ev.amount":                               "Сума",
	"tender.ev.total":                                "Разом",
	"tender.ev.processes":                            "Процедур",
	"tender.ev.difference":                           "Відносна різниця",
	"tender.ev.winning_bid":                          "Переможна ціна",
	"tender.ev.second_lowest_bidder":                 "Учасник із другою найнижчою ціною",
	"tender.ev.second_lowest_bid":                    "Друга найнижча ціна",
	"tender.ev.q1":                                   "Перший квартиль (Q1)",
	"tender.ev.q3":                                   "Третій квартиль (Q3)",
	"tender.ev.lower_fence":                          "Нижня межа",
	"tender.ev.upper_fence":                          "Верхня межа",
	"tender.ev.fixed_threshold":                      "Фіксований поріг",
	"tender.ev.wins":                                 "Перемог",
	"tender.ev.valid_bids":                           "Дійсних пропозицій",
	"tender.ev.ratio":                                "Співвідношення",
	"tender.ev.disqualified_bids":                    "Дискваліфікованих пропозицій",
	"tender.ev.submitted_bids":                       "Поданих пропозицій",
	"tender.ev.variety":                              "Різноманітність",
	"tender.ev.classifications":                      "Класифікації",
	"tender.ev.splits":                               "Групи закупівель",
	"tender.ev.ocid":                                 "Процедура (OCID)",
	"tender.yes":                                     "так",
	"tender.no":                                      "ні",
	"tender.dl.package":                              "Пакет релізу OCDS: поточний стан закупівлі",
	"tender.dl.releases":                             "Усі релізи OCDS закупівлі: її історія",
	"tender.dl.record":                               "Запис OCDS (record) закупівлі",
	"tender.dl.api":                                  "Закупівля у JSON відкритого API",
	"tender.dl.risks":                                "Індикатори ризику закупівлі у JSON",
	"tender.proc.belowThreshold":                     "Спрощена закупівля",
	"tender.proc.aboveThreshold":                     "Відкриті торги з особливостями",
	"tender.proc.aboveThresholdUA":                   "Відкриті торги",
	"tender.proc.aboveThresholdEU":                   "Відкриті торги з публікацією англійською мовою",
	"tender.proc.reporting":                          "Звіт про договір про закупівлю",
	"tender.proc.negotiation":                        "Переговорна процедура",
	"tender.proc.negotiation.quick":                  "Переговорна процедура (скорочена)",
	"tender.cat.goods":                               "Товари",
	"tender.cat.services":                            "Послуги",
	"tender.cat.works":                               "Роботи",
	"tender.st.draft":                                "Чернетка",
	"tender.st.active.enquiries":                     "Період уточнень",
	"tender.st.active.tendering":                     "Подання пропозицій",
	"tender.st.active.auction":                       "Аукціон",
	"tender.st.active.qualification":                 "Кваліфікація переможця",
	"tender.st.active.awarded":                       "Пропозиції розглянуто",
	"tender.st.active.pre-qualification":             "Прекваліфікація",
	"tender.st.active.pre-qualification.stand-still": "Прекваліфікація (період оскарження)",
	"tender.st.complete":                             "Завершено",
	"tender.st.unsuccessful":                         "Не відбулося",
	"tender.st.cancelled":                            "Скасовано",
	"tender.st.active":                               "Активний",
	"tender.st.pending":                              "Очікує рішення",
	"tender.st.invalid":                              "Недійсний",
	"tender.st.deleted":                              "Видалено",
	"tender.st.claim":                                "Вимогу подано",
	"tender.st.answered":                             "Надано відповідь",
	"tender.st.resolved":                             "Вирішено",
	"tender.st.mistaken":                             "Помилково подано",
	"tender.st.accepted":                             "Прийнято до розгляду",
	"tender.st.declined":                             "Відхилено",
	"tender.st.satisfied":                            "Задоволено",
	"tender.st.stopped":                              "Розгляд припинено",
	"tender.st.stopping":                             "Відкликається",
	"tender.st.tender.active":                        "Триває",
	"tender.st.tender.complete":                      "Завершена",
	"tender.st.tender.unsuccessful":                  "Не відбулася",
	"tender.st.tender.cancelled":                     "Скасована",
	"tender.st.lot.active":                           "Триває",
	"tender.st.bid.active":                           "Дійсна",
	"tender.st.bid.unsuccessful":                     "Неуспішна",
	"tender.st.bid.invalid":                          "Недійсна",
	"tender.st.bid.deleted":                          "Відкликана",
	"tender.st.bid.pending":                          "Розглядається",
	"tender.st.award.pending":                        "Розглядається",
	"tender.st.award.active":                         "Переможець",
	"tender.st.award.unsuccessful":                   "Дискваліфіковано",
	"tender.st.contract.pending":                     "Очікує підписання",
	"tender.st.contract.active":                      "Підписано",
	"tender.st.cancellation.active":                  "Набуло чинності",
	"tender.st.cancellation.pending":                 "Очікує завершення оскарження",
}

var tenderMessagesEN = map[string]string{
	"tender.toc":                                     "On this page",
	"tender.h.facts":                                 "Key facts",
	"tender.h.periods":                               "Periods",
	"tender.h.items":                                 "Items",
	"tender.h.lots":                                  "Lots",
	"tender.h.documents":                             "Documents",
	"tender.h.questions":                             "Questions and answers",
	"tender.h.complaints":                            "Claims and complaints",
	"tender.h.bids":                                  "Bids",
	"tender.h.auction":                               "Auction",
	"tender.h.awards":                                "Awards",
	"tender.h.contracts":                             "Contracts",
	"tender.h.cancellations":                         "Cancellations",
	"tender.h.timeline":                              "History",
	"tender.h.risks":                                 "Red flags",
	"tender.h.downloads":                             "Download the data",
	"tender.empty":                                   "None.",
	"tender.tenderID":                                "Tender ID",
	"tender.ocid":                                    "OCID",
	"tender.status":                                  "Status",
	"tender.procedure":                               "Procedure",
	"tender.category":                                "Category",
	"tender.buyer":                                   "Buyer",
	"tender.buyerID":                                 "Legal identifier",
	"tender.value":                                   "Expected value",
	"tender.vatIncl":                                 "VAT included",
	"tender.vatExcl":                                 "VAT excluded",
	"tender.minimalStep":                             "Minimal auction step",
	"tender.guarantee":                               "Bid guarantee",
	"tender.modified":                                "Last modified",
	"tender.description":                             "Description",
	"tender.kyivTime":                                "Times are Kyiv time.",
	"tender.kyivShort":                               "Kyiv time",
	"tender.period":                                  "Period",
	"tender.start":                                   "Start",
	"tender.end":                                     "End",
	"tender.period.enquiryPeriod":                    "Enquiry period",
	"tender.period.tenderPeriod":                     "Tender period",
	"tender.period.complaintPeriod":                  "Complaint period",
	"tender.period.qualificationPeriod":              "Pre-qualification",
	"tender.period.auctionPeriod":                    "Auction",
	"tender.period.awardPeriod":                      "Award period",
	"tender.item.description":                        "Description",
	"tender.item.cpv":                                "CPV code",
	"tender.item.quantity":                           "Quantity",
	"tender.item.unit":                               "Unit",
	"tender.item.delivery":                           "Delivery",
	"tender.item.lot":                                "Lot",
	"tender.item.until":                              "by %s",
	"tender.item.from":                               "from %s",
	"tender.lot.title":                               "Lot",
	"tender.lot.value":                               "Expected value",
	"tender.lot.minimalStep":                         "Minimal step",
	"tender.doc.title":                               "Document",
	"tender.doc.of":                                  "Belongs to",
	"tender.doc.type":                                "Type",
	"tender.doc.format":                              "Format",
	"tender.doc.date":                                "Published",
	"tender.doc.modified":                            "Modified",
	"tender.doc.hash":                                "Hash",
	"tender.of.tender":                               "Tender",
	"tender.of.lot":                                  "Lot “%s”",
	"tender.of.item":                                 "Item “%s”",
	"tender.of.bid":                                  "Bid: %s",
	"tender.of.award":                                "Award: %s",
	"tender.of.qualification":                        "Pre-qualification: %s",
	"tender.of.contract":                             "Contract %s",
	"tender.of.cancellation":                         "Cancellation",
	"tender.of.complaint":                            "Complaint %s",
	"tender.q.author":                                "Asked by",
	"tender.q.date":                                  "Asked on",
	"tender.q.of":                                    "About",
	"tender.q.answer":                                "Answer",
	"tender.q.answered":                              "Answered on",
	"tender.q.noAnswer":                              "Not answered yet.",
	"tender.c.id":                                    "Number",
	"tender.c.of":                                    "Against",
	"tender.c.type":                                  "Type",
	"tender.c.title":                                 "Subject",
	"tender.c.author":                                "Lodged by",
	"tender.c.resolution":                            "Resolution",
	"tender.c.date":                                  "Date",
	"tender.ctype.claim":                             "Claim",
	"tender.ctype.complaint":                         "Complaint",
	"tender.bids.sealed":                             "Bids are sealed until the submission period ends: their number, bidders and prices are not disclosed.",
	"tender.bids.none":                               "No bids.",
	"tender.bid.tenderers":                           "Bidder",
	"tender.bid.value":                               "Bid value",
	"tender.bid.initial":                             "Initial value",
	"tender.bid.date":                                "Submitted",
	"tender.bid.pricesSealed":                        "price not disclosed yet",
	"tender.auction.ofTender":                        "The tender's auction",
	"tender.auction.pageTender":                      "Auction page of tender %s",
	"tender.auction.pageLot":                         "Auction page of lot “%s”",
	"tender.auction.audit":                           "Auction audit record",
	"tender.auction.pages":                           "Auction page",
	"tender.auction.results":                         "Result",
	"tender.auction.place":                           "Place",
	"tender.auction.final":                           "Final price",
	"tender.auction.none":                            "No auction has been held or planned.",
	"tender.award.supplier":                          "Supplier",
	"tender.award.value":                             "Value",
	"tender.award.lot":                               "Lot",
	"tender.award.date":                              "Decided on",
	"tender.contract.id":                             "Contract number",
	"tender.contract.supplier":                       "Supplier",
	"tender.contract.value":                          "Value",
	"tender.contract.signed":                         "Signed on",
	"tender.contract.period":                         "Term",
	"tender.cancel.reason":                           "Reason",
	"tender.cancel.reasonType":                       "Ground",
	"tender.cancel.of":                               "Cancels",
	"tender.cancel.date":                             "Date",
	"tender.tl.date":                                 "When",
	"tender.tl.who":                                  "By",
	"tender.tl.what":                                 "What changed",
	"tender.tl.published":                            "Published, status: %s",
	"tender.tl.status":                               "Status: %s → %s",
	"tender.tl.note":                                 "Only changes everyone can see are listed; actions on sealed bids are not. The author is a role, not a platform's name; a scheduled change takes effect with the first write after it is due, so its author may be another party to the process.",
	"tender.tl.capped":                               "Only the latest changes (%d) are shown. The full public history is in the OCDS releases:",
	"tender.tl.unavailable":                          "The history is unavailable right now.",
	"tender.tl.empty":                                "No public changes yet.",
	"tender.who.owner":                               "Buyer's platform",
	"tender.who.chronograph":                         "Chronograph (scheduled change)",
	"tender.who.auction":                             "Auction module",
	"tender.who.admin":                               "System administrator",
	"tender.who.reviewer":                            "Review body",
	"tender.who.bot":                                 "Payment robot",
	"tender.who.complainant":                         "Complainant's platform",
	"tender.who.bidder":                              "Bidder's platform",
	"tender.who.platform":                            "Another platform",
	"tender.field.title":                             "title",
	"tender.field.title_en":                          "English title",
	"tender.field.description":                       "description",
	"tender.field.description_en":                    "English description",
	"tender.field.procuringEntity":                   "buyer",
	"tender.field.value":                             "expected value",
	"tender.field.minimalStep":                       "minimal step",
	"tender.field.guarantee":                         "guarantee",
	"tender.field.lots":                              "lots",
	"tender.field.items":                             "items",
	"tender.field.features":                          "non-price criteria",
	"tender.field.documents":                         "documents",
	"tender.field.questions":                         "questions",
	"tender.field.complaints":                        "complaints",
	"tender.field.bids":                              "bids",
	"tender.field.qualifications":                    "pre-qualification",
	"tender.field.awards":                            "awards",
	"tender.field.contracts":                         "contracts",
	"tender.field.cancellations":                     "cancellations",
	"tender.field.enquiryPeriod":                     "enquiry period",
	"tender.field.tenderPeriod":                      "tender period",
	"tender.field.complaintPeriod":                   "complaint period",
	"tender.field.qualificationPeriod":               "pre-qualification period",
	"tender.field.auctionPeriod":                     "auction period",
	"tender.field.awardPeriod":                       "award period",
	"tender.field.auctionUrl":                        "auction link",
	"tender.field.owner":                             "owning platform",
	"tender.field.date":                              "date",
	"tender.field.mainProcurementCategory":           "category",
	"tender.field.procurementMethodDetails":          "procedure details",
	"tender.field.submissionMethodDetails":           "submission details",
	"tender.field.cause":                             "ground",
	"tender.field.causeDescription":                  "ground's justification",
	"tender.risk.none":                               "No red flags.",
	"tender.risk.unavailable":                        "Red flags are unavailable right now.",
	"tender.risk.statsAt":                            "Statistics of the whole dataset computed at:",
	"tender.risk.noStats":                            "The dataset statistics are not computed yet: only the indicators of the procedure alone were evaluated.",
	"tender.risk.score":                              "Sum of the indicators' weights",
	"tender.risk.scope":                              "Scope",
	"tender.risk.subject":                            "Subject",
	"tender.risk.lot":                                "Lot",
	"tender.risk.value":                              "Value",
	"tender.risk.weight":                             "Weight",
	"tender.risk.evidence":                           "Evidence",
	"tender.risk.queue":                              "Risk queue: all tenders by the weight of their red flags",
	"tender.scope.OCID":                              "This procedure",
	"tender.scope.Buyer":                             "Buyer",
	"tender.scope.ProcuringEntity":                   "Procuring entity",
	"tender.scope.Tenderer":                          "Tenderer",
	"tender.ev.submission_days":                      "Submission days",
	"tender.ev.threshold":                            "Threshold",
	"tender.ev.procurement_method":                   "Procurement method",
	"tender.ev.procurement_method_details":           "Procurement method details",
	"tender.ev.number_of_tenderers":                  "Number of tenderers",
	"tender.ev.tenderers":                            "Tenderers",
	"tender.ev.late_winners":                         "Winners with late bids",
	"tender.ev.winner":                               "Winner",
	"tender.ev.disqualified_tenderers":               "Disqualified tenderers",
	"tender.ev.currency":                             "Currency",
	"tender.ev.expected":                             "Expected value",
	"tender.ev.awarded":                              "Awarded value",
	"tender.ev.savings_ratio":                        "Savings ratio",
	"tender.ev.supplier":                             "Supplier",
	"tender.ev.lots":                                 "Lots",
	"tender.ev.minimum_lots":                         "Minimum lots",
	"tender.ev.buyer":                                "Buyer",
	"tender.ev.classification":                       "Classification",
	"tender.ev.year":                                 "Year",
	"tender.ev.kind":                                 "Kind",
	"tender.ev.amount":                               "Amount",
	"tender.ev.total":                                "Total",
	"tender.ev.processes":                            "Processes",
	"tender.ev.difference":                           "Relative difference",
	"tender.ev.winning_bid":                          "Winning bid",
	"tender.ev.second_lowest_bidder":                 "Second-lowest bidder",
	"tender.ev.second_lowest_bid":                    "Second-lowest bid",
	"tender.ev.q1":                                   "First quartile (Q1)",
	"tender.ev.q3":                                   "Third quartile (Q3)",
	"tender.ev.lower_fence":                          "Lower fence",
	"tender.ev.upper_fence":                          "Upper fence",
	"tender.ev.fixed_threshold":                      "Fixed threshold",
	"tender.ev.wins":                                 "Wins",
	"tender.ev.valid_bids":                           "Valid bids",
	"tender.ev.ratio":                                "Ratio",
	"tender.ev.disqualified_bids":                    "Disqualified bids",
	"tender.ev.submitted_bids":                       "Submitted bids",
	"tender.ev.variety":                              "Variety",
	"tender.ev.classifications":                      "Classifications",
	"tender.ev.splits":                               "Purchase groups",
	"tender.ev.ocid":                                 "Procedure (OCID)",
	"tender.yes":                                     "yes",
	"tender.no":                                      "no",
	"tender.dl.package":                              "The tender's OCDS release package: its current state",
	"tender.dl.releases":                             "All the tender's OCDS releases: its history",
	"tender.dl.record":                               "The tender's OCDS record",
	"tender.dl.api":                                  "The tender as JSON from the open API",
	"tender.dl.risks":                                "The tender's red flags as JSON",
	"tender.proc.belowThreshold":                     "Simplified procurement (below threshold)",
	"tender.proc.aboveThreshold":                     "Open tender with special rules",
	"tender.proc.aboveThresholdUA":                   "Open tender",
	"tender.proc.aboveThresholdEU":                   "Open tender with publication in English",
	"tender.proc.reporting":                          "Report on a direct contract",
	"tender.proc.negotiation":                        "Negotiated procedure",
	"tender.proc.negotiation.quick":                  "Urgent negotiated procedure",
	"tender.cat.goods":                               "Goods",
	"tender.cat.services":                            "Services",
	"tender.cat.works":                               "Works",
	"tender.st.draft":                                "Draft",
	"tender.st.active.enquiries":                     "Enquiries",
	"tender.st.active.tendering":                     "Tendering",
	"tender.st.active.auction":                       "Auction",
	"tender.st.active.qualification":                 "Qualification",
	"tender.st.active.awarded":                       "Awarded",
	"tender.st.active.pre-qualification":             "Pre-qualification",
	"tender.st.active.pre-qualification.stand-still": "Pre-qualification (stand-still)",
	"tender.st.complete":                             "Complete",
	"tender.st.unsuccessful":                         "Unsuccessful",
	"tender.st.cancelled":                            "Cancelled",
	"tender.st.active":                               "Active",
	"tender.st.pending":                              "Pending",
	"tender.st.invalid":                              "Invalid",
	"tender.st.deleted":                              "Deleted",
	"tender.st.claim":                                "Claim lodged",
	"tender.st.answered":                             "Answered",
	"tender.st.resolved":                             "Resolved",
	"tender.st.mistaken":                             "Lodged by mistake",
	"tender.st.accepted":                             "Accepted for review",
	"tender.st.declined":                             "Declined",
	"tender.st.satisfied":                            "Upheld",
	"tender.st.stopped":                              "Review stopped",
	"tender.st.stopping":                             "Being withdrawn",
	"tender.st.tender.active":                        "Active",
	"tender.st.tender.complete":                      "Complete",
	"tender.st.tender.unsuccessful":                  "Unsuccessful",
	"tender.st.tender.cancelled":                     "Cancelled",
	"tender.st.lot.active":                           "Active",
	"tender.st.bid.active":                           "Valid",
	"tender.st.bid.unsuccessful":                     "Unsuccessful",
	"tender.st.bid.invalid":                          "Invalid",
	"tender.st.bid.deleted":                          "Withdrawn",
	"tender.st.bid.pending":                          "Under review",
	"tender.st.award.pending":                        "Under review",
	"tender.st.award.active":                         "Winner",
	"tender.st.award.unsuccessful":                   "Disqualified",
	"tender.st.contract.pending":                     "Awaiting signature",
	"tender.st.contract.active":                      "Signed",
	"tender.st.cancellation.active":                  "In force",
	"tender.st.cancellation.pending":                 "Awaiting the complaint period",
}
