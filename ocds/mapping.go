package ocds

import (
	"strconv"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Party roles (the open partyRole codelist and the enquiries extension).
const (
	RoleBuyer           = "buyer"
	RoleProcuringEntity = "procuringEntity"
	RoleTenderer        = "tenderer"
	RoleSupplier        = "supplier"
	RoleEnquirer        = "enquirer"
	RoleReviewBody      = "reviewBody"
)

// roleOrder is the order roles are listed in within a party.
var roleOrder = []string{RoleBuyer, RoleProcuringEntity, RoleTenderer, RoleSupplier, RoleEnquirer, RoleReviewBody}

// TenderStatus maps a ProZorro tender status to the closed tenderStatus
// codelist: every active.* stage is "active"; draft is "planning" (drafts
// are never published, so no release carries it).
func TenderStatus(s tender.Status) string {
	switch s {
	case tender.StatusComplete:
		return "complete"
	case tender.StatusCancelled:
		return "cancelled"
	case tender.StatusUnsuccessful:
		return "unsuccessful"
	case tender.StatusDraft:
		return "planning"
	}
	return "active"
}

// LotStatus maps a ProZorro lot status to the tenderStatus codelist.
func LotStatus(s string) string {
	switch s {
	case tender.LotCancelled, tender.LotUnsuccessful, tender.LotComplete:
		return s
	}
	return "active"
}

// AwardStatus maps a ProZorro award status to the closed awardStatus codelist.
func AwardStatus(s string) string {
	switch s {
	case tender.AwardActive, tender.AwardCancelled, tender.AwardUnsuccessful:
		return s
	}
	return "pending"
}

// ContractStatus maps a ProZorro contract status to the closed
// contractStatus codelist ("terminated" is the contracting module's end of
// a signed contract).
func ContractStatus(s string) string {
	switch s {
	case tender.ContractActive, tender.ContractCancelled, "terminated":
		return s
	}
	return "pending"
}

// BidStatus maps a ProZorro bid (or lot value) status to the closed bidStatus
// codelist; "" means the bid is not published (drafts).
func BidStatus(s string) string {
	switch s {
	case tender.BidActive:
		return "valid"
	case tender.BidPending:
		return "pending"
	case tender.BidInvalid, tender.BidUnsuccessful, "invalid.pre-qualification":
		return "disqualified"
	case tender.BidDeleted:
		return "withdrawn"
	}
	return ""
}

// PartyID is the stable id of an organization across all processes: its
// legal identifier's scheme and id, "UA-EDR-00037256".
func PartyID(id tender.Identifier) string {
	switch {
	case id.ID == "":
		return ""
	case id.Scheme == "":
		return id.ID
	}
	return id.Scheme + "-" + id.ID
}

// parties collects organizations and their roles in a stable order: first
// seen first.
type parties struct {
	list []Organization
	idx  map[string]int
}

// add records org with role and returns its reference; an organization
// without a legal identifier (an anonymised author) gives nil.
func (p *parties) add(org tender.Organization, role string) *OrgRef {
	id := PartyID(org.Identifier)
	if id == "" {
		return nil
	}
	if p.idx == nil {
		p.idx = map[string]int{}
	}
	i, ok := p.idx[id]
	if !ok {
		i = len(p.list)
		p.idx[id] = i
		p.list = append(p.list, organization(id, org))
	}
	if !hasString(p.list[i].Roles, role) {
		p.list[i].Roles = sortRoles(append(p.list[i].Roles, role))
	}
	return &OrgRef{ID: id, Name: org.Name}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortRoles(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roleOrder {
		if hasString(roles, r) {
			out = append(out, r)
		}
	}
	for _, r := range roles {
		if !hasString(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func organization(id string, o tender.Organization) Organization {
	out := Organization{ID: id, Name: o.Name, Identifier: identifier(o.Identifier)}
	for _, a := range o.Additional {
		out.AdditionalIdentifiers = append(out.AdditionalIdentifiers, *identifier(a))
	}
	if a := o.Address; a != nil {
		out.Address = &Address{StreetAddress: a.StreetAddress, Locality: a.Locality, Region: a.Region,
			PostalCode: a.PostalCode, CountryName: a.CountryName}
	}
	if c := o.ContactPoint; c != nil {
		out.ContactPoint = &ContactPoint{Name: c.Name, Email: c.Email, Telephone: c.Telephone,
			FaxNumber: c.FaxNumber, URL: c.URL}
	}
	return out
}

func identifier(id tender.Identifier) *Identifier {
	return &Identifier{Scheme: id.Scheme, ID: id.ID, LegalName: id.LegalName, URI: id.URI}
}

func value(v *tender.Value) *Value {
	if v == nil {
		return nil
	}
	return &Value{Amount: v.Amount, Currency: v.Currency}
}

func period(p *tender.Period) *Period {
	if p == nil || (p.StartDate == nil && p.EndDate == nil) {
		return nil
	}
	return &Period{StartDate: p.StartDate, EndDate: p.EndDate}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// classification maps ProZorro's ДК021 (the Ukrainian edition of CPV 2008,
// same codes) to the scheme CPV; other schemes keep their names.
func classification(c tender.Classification) Classification {
	scheme := c.Scheme
	if scheme == "ДК021" {
		scheme = "CPV"
	}
	return Classification{Scheme: scheme, ID: c.ID, Description: c.Description}
}

func items(in []tender.Item, lot string) []Item {
	var out []Item
	for _, it := range in {
		if lot != "" && it.RelatedLot != lot {
			continue
		}
		c := classification(it.Classification)
		o := Item{ID: it.ID, Description: it.Description, Classification: &c, Quantity: it.Quantity, RelatedLot: it.RelatedLot}
		for _, a := range it.AdditionalClassifications {
			o.AdditionalClassifications = append(o.AdditionalClassifications, classification(a))
		}
		if u := it.Unit; u != nil {
			o.Unit = &Unit{Scheme: "UNCEFACT", ID: u.Code, Name: u.Name, Value: value(u.Value)}
		}
		out = append(out, o)
	}
	return out
}

func documents(in []tender.Document) []Document {
	var out []Document
	for _, d := range in {
		o := Document{ID: d.ID, DocumentType: d.DocumentType, Title: d.Title, Description: d.Description,
			URL: d.URL, DatePublished: timePtr(d.DatePublished), DateModified: timePtr(d.DateModified),
			Format: d.Format, Language: d.Language}
		if d.DocumentOf == "lot" && d.RelatedItem != "" {
			o.RelatedLots = []string{d.RelatedItem}
		}
		out = append(out, o)
	}
	return out
}

var methods = map[string]bool{"open": true, "selective": true, "limited": true, "direct": true}
var categories = map[string]bool{"goods": true, "works": true, "services": true}

// snapshot maps one public view to a release without its ocid, id, date and
// tag. v must be a public view: whatever it shows, the release may show.
func snapshot(v *tender.Tender, cfg Config) Release {
	var ps parties
	r := Release{InitiationType: "tender", Language: "uk"}
	pe := ps.add(v.ProcuringEntity, RoleBuyer)
	ps.add(v.ProcuringEntity, RoleProcuringEntity)
	r.Buyer = pe

	t := &Tender{
		ID: v.ID, Title: v.Title, Description: v.Description, Status: TenderStatus(v.Status),
		ProcuringEntity: pe, Items: items(v.Items, ""), Value: value(&v.Value),
		ProcurementMethodDetails:   v.ProcurementMethodType,
		ProcurementMethodRationale: v.CauseDescription,
		SubmissionMethodDetails:    v.SubmissionMethodDetails,
		TenderPeriod:               period(v.TenderPeriod), EnquiryPeriod: period(v.EnquiryPeriod),
		AwardPeriod: period(v.AwardPeriod), Documents: documents(v.Documents),
	}
	if v.Value.Currency == "" {
		t.Value = nil
	}
	if methods[v.ProcurementMethod] {
		t.ProcurementMethod = v.ProcurementMethod
	}
	if categories[v.MainProcurementCategory] {
		t.MainProcurementCategory = v.MainProcurementCategory
	}
	if v.AwardCriteria != "" {
		t.AwardCriteria = v.AwardCriteria // lowestCost is a deprecated code of the open list
	}
	if v.SubmissionMethod != "" {
		t.SubmissionMethod = []string{v.SubmissionMethod}
	}
	for _, c := range v.Cancellations {
		if c.Status == tender.CancellationActive {
			t.Documents = append(t.Documents, documents(c.Documents)...)
		}
	}
	for _, l := range v.Lots {
		t.Lots = append(t.Lots, Lot{ID: l.ID, Title: l.Title, Description: l.Description,
			Status: LotStatus(l.Status), Value: value(&l.Value)})
	}
	if v.EnquiryPeriod != nil || len(v.Questions) > 0 {
		has := len(v.Questions) > 0
		t.HasEnquiries = &has
	}
	for _, q := range v.Questions {
		e := Enquiry{ID: q.ID, Date: timePtr(q.Date), Title: q.Title, Description: q.Description,
			Answer: q.Answer, DateAnswered: q.DateAnswered}
		switch q.QuestionOf {
		case "item":
			e.RelatedItem = q.RelatedItem
		case "lot":
			e.RelatedLot = q.RelatedItem
		}
		e.Author = ps.add(q.Author, RoleEnquirer)
		t.Enquiries = append(t.Enquiries, e)
	}
	r.Tender = t
	r.Bids = bids(v, t, &ps)

	for _, a := range v.Awards {
		o := Award{ID: a.ID, Title: a.Title, Description: a.Description, Status: AwardStatus(a.Status),
			Date: timePtr(a.Date), Value: value(&a.Value), Documents: documents(a.Documents)}
		if a.Value.Currency == "" {
			o.Value = nil
		}
		for _, s := range a.Suppliers {
			if ref := ps.add(s, RoleSupplier); ref != nil {
				o.Suppliers = append(o.Suppliers, *ref)
			}
		}
		o.Items = items(v.Items, a.LotID)
		if a.LotID != "" {
			o.RelatedLots = []string{a.LotID}
		}
		if a.BidID != "" && r.Bids != nil && len(r.Bids.Details) > 0 {
			o.RelatedBid = bidDetailID(a.BidID, a.LotID)
		}
		r.Awards = append(r.Awards, o)
	}
	for _, c := range v.Contracts {
		o := Contract{ID: c.ID, AwardID: c.AwardID, Title: c.Title, Description: c.Description,
			Status: ContractStatus(c.Status), Period: period(c.Period), Items: items(c.Items, ""),
			DateSigned: c.DateSigned, Documents: documents(c.Documents)}
		if c.Value != nil {
			o.Value = &Value{Amount: c.Value.Amount, Currency: c.Value.Currency}
		}
		r.Contracts = append(r.Contracts, o)
	}
	if cfg.ReviewBody != nil && hasReviewComplaint(v) {
		ps.add(*cfg.ReviewBody, RoleReviewBody)
	}
	r.Parties = ps.list
	return r
}

// hasReviewComplaint reports whether any complaint of v went to the review
// body (type complaint, as opposed to a claim to the buyer).
func hasReviewComplaint(v *tender.Tender) bool {
	toReviewBody := func(cs []tender.Complaint) bool {
		for _, c := range cs {
			if c.Type == "complaint" {
				return true
			}
		}
		return false
	}
	if toReviewBody(v.Complaints) {
		return true
	}
	for _, a := range v.Awards {
		if toReviewBody(a.Complaints) {
			return true
		}
	}
	for _, q := range v.Qualifications {
		if toReviewBody(q.Complaints) {
			return true
		}
	}
	for _, c := range v.Cancellations {
		if toReviewBody(c.Complaints) {
			return true
		}
	}
	return false
}

func bidDetailID(bid, lot string) string {
	if lot == "" {
		return bid
	}
	return bid + "-" + lot
}

// bids maps the bids the view shows (none while they are sealed) to the bids
// extension and fills the tender's tenderers and numberOfTenderers. A
// multi-lot bid becomes one detail per lot value.
func bids(v *tender.Tender, t *Tender, ps *parties) *Bids {
	if len(v.Bids) == 0 {
		return nil
	}
	out := &Bids{}
	n := 0
	seen := map[string]bool{}
	for _, b := range v.Bids {
		st := BidStatus(b.Status)
		if st == "" {
			continue
		}
		if st != "withdrawn" {
			n++
		}
		var refs []OrgRef
		for _, o := range b.Tenderers {
			if ref := ps.add(o, RoleTenderer); ref != nil {
				refs = append(refs, *ref)
				if !seen[ref.ID] {
					seen[ref.ID] = true
					t.Tenderers = append(t.Tenderers, *ref)
				}
			}
		}
		if len(b.LotValues) == 0 {
			out.Details = append(out.Details, Bid{ID: b.ID, Date: timePtr(b.Date), Status: st, Tenderers: refs,
				Value: value(b.Value), Documents: documents(b.Documents)})
			continue
		}
		for _, lv := range b.LotValues {
			lst := st
			if s := BidStatus(lv.Status); s != "" && st == "valid" {
				lst = s
			}
			out.Details = append(out.Details, Bid{ID: bidDetailID(b.ID, lv.RelatedLot), Date: timePtr(b.Date),
				Status: lst, Tenderers: refs, Value: value(lv.Value), Documents: documents(b.Documents),
				RelatedLots: []string{lv.RelatedLot}})
		}
	}
	if len(out.Details) == 0 {
		return nil
	}
	t.NumberOfTenderers = &n
	out.Statistics = statistics(v, out.Details)
	return out
}

// statistics counts the published bids per lot (or for the tender): bids,
// validBids and, once prices are public, the lowest and highest valid bid.
func statistics(v *tender.Tender, details []Bid) []BidStatistic {
	lots := []string{""}
	if len(v.Lots) > 0 {
		lots = lots[:0]
		for _, l := range v.Lots {
			lots = append(lots, l.ID)
		}
	}
	var out []BidStatistic
	for _, lot := range lots {
		var total, valid int64
		var low, high *Value
		for _, d := range details {
			if lot != "" && !hasString(d.RelatedLots, lot) {
				continue
			}
			if d.Status == "withdrawn" {
				continue
			}
			total++
			if d.Status != "valid" {
				continue
			}
			valid++
			if d.Value == nil {
				continue
			}
			if low == nil || d.Value.Amount.Cmp(low.Amount) < 0 {
				low = d.Value
			}
			if high == nil || d.Value.Amount.Cmp(high.Amount) > 0 {
				high = d.Value
			}
		}
		id := func(measure string) string {
			if lot == "" {
				return measure
			}
			return lot + "-" + measure
		}
		out = append(out,
			BidStatistic{ID: id("bids"), Measure: "bids", Value: count(total), RelatedLot: lot},
			BidStatistic{ID: id("validBids"), Measure: "validBids", Value: count(valid), RelatedLot: lot})
		if low != nil {
			out = append(out,
				BidStatistic{ID: id("lowestValidBidValue"), Measure: "lowestValidBidValue", Value: low.Amount, Currency: low.Currency, RelatedLot: lot},
				BidStatistic{ID: id("highestValidBidValue"), Measure: "highestValidBidValue", Value: high.Amount, Currency: high.Currency, RelatedLot: lot})
		}
	}
	return out
}

func count(n int64) tender.Amount { return tender.MustAmount(strconv.FormatInt(n, 10)) }
