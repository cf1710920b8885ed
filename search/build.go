package search

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
)

// SourceLocal is the Source of this engine's own tenders.
const SourceLocal = "local"

// amount fills the exact amount, its minor units and currency.
func amount(d decimal.Decimal, cur string) (string, *int64, string) {
	if cur == "" {
		return "", nil, ""
	}
	s := d.String()
	if m, ok := Minor(d); ok {
		return s, &m, cur
	}
	return s, nil, cur
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return tp(*t)
}

func addOrg(list []Org, o Org) []Org {
	if o.ID == "" || slices.ContainsFunc(list, func(x Org) bool { return x.ID == o.ID }) {
		return list
	}
	return append(list, o)
}

func addString(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// FromTender builds the documents of one of our tenders from its public
// view (t.View(tender.RolePublic, "")): the tender and one document per
// award. Sealed data never reaches them because the view hides it. ocid is
// the tender's OCDS ocid.
func FromTender(v *tender.Tender, ocid string) (*TenderDoc, []*ContractDoc) {
	d := &TenderDoc{
		ID: v.ID, OCID: ocid, TenderID: v.TenderID, Source: SourceLocal,
		Title: v.Title, Description: v.Description, Status: string(v.Status),
		ProcurementMethod: v.ProcurementMethod, ProcurementMethodType: v.ProcurementMethodType,
		MainProcurementCategory: v.MainProcurementCategory,
		Buyer:                   Org{ID: v.ProcuringEntity.Identifier.ID, Name: v.ProcuringEntity.Name},
		Date:                    utc(v.Date), DateModified: tp(v.DateModified),
		Version: Version(v.DateModified),
	}
	if d.Date == nil {
		d.Date = tp(v.DateCreated)
	}
	if a := v.ProcuringEntity.Address; a != nil {
		d.PostalCode, d.Region = a.PostalCode, Region(a.PostalCode)
	}
	d.Amount, d.AmountMinor, d.Currency = amount(v.Value.Amount.Decimal(), v.Value.Currency)
	if p := v.TenderPeriod; p != nil {
		d.TenderStart, d.TenderEnd = utc(p.StartDate), utc(p.EndDate)
	}
	if p := v.EnquiryPeriod; p != nil {
		d.EnquiryStart, d.EnquiryEnd = utc(p.StartDate), utc(p.EndDate)
	}
	auction := func(p *tender.Period) {
		if p == nil || p.StartDate == nil {
			return
		}
		if d.AuctionStart == nil || p.StartDate.Before(*d.AuctionStart) {
			d.AuctionStart = utc(p.StartDate)
		}
		if p.EndDate != nil && (d.AuctionEnd == nil || p.EndDate.After(*d.AuctionEnd)) {
			d.AuctionEnd = utc(p.EndDate)
		}
	}
	auction(v.AuctionPeriod)
	for _, l := range v.Lots {
		auction(l.AuctionPeriod)
		ld := LotDoc{ID: l.ID, Title: l.Title, Status: l.Status}
		ld.Amount, _, ld.Currency = amount(l.Value.Amount.Decimal(), l.Value.Currency)
		d.Lots = append(d.Lots, ld)
	}
	if p := v.AwardPeriod; p != nil {
		d.AwardStart, d.AwardEnd = utc(p.StartDate), utc(p.EndDate)
	}
	for _, it := range v.Items {
		id := ItemDoc{ID: it.ID, Description: it.Description, CPV: it.Classification.ID, Lot: it.RelatedLot}
		if it.Quantity != nil {
			id.Quantity = it.Quantity.String()
		}
		if it.Unit != nil {
			id.Unit = it.Unit.Code
		}
		d.Items = append(d.Items, id)
		d.CPV = addString(d.CPV, it.Classification.ID)
	}
	d.CPVDivision = Divisions(d.CPV)
	if len(v.Bids) > 0 {
		n := 0
		for _, b := range v.Bids {
			if b.Status == "deleted" {
				continue
			}
			n++
			for _, o := range b.Tenderers {
				d.Tenderers = addOrg(d.Tenderers, Org{ID: o.Identifier.ID, Name: o.Name})
			}
		}
		d.NumberOfBids = &n
	}

	lotTitle := map[string]string{}
	for _, l := range v.Lots {
		lotTitle[l.ID] = l.Title
	}
	contracts := map[string]*tender.Contract{}
	for i := range v.Contracts {
		contracts[v.Contracts[i].AwardID] = &v.Contracts[i]
	}
	var cs []*ContractDoc
	for _, a := range v.Awards {
		c := &ContractDoc{
			ID: d.ID + "/" + a.ID, OCID: ocid, TenderID: v.TenderID, Tender: d.ID, Source: SourceLocal,
			AwardID: a.ID, Lot: a.LotID, Title: v.Title, Status: a.Status,
			ProcurementMethod: d.ProcurementMethod, ProcurementMethodType: d.ProcurementMethodType,
			MainProcurementCategory: d.MainProcurementCategory,
			Buyer:                   d.Buyer, PostalCode: d.PostalCode, Region: d.Region,
			Date: tp(a.Date), DateModified: d.DateModified, Version: d.Version,
		}
		if t := lotTitle[a.LotID]; t != "" {
			c.Title = v.Title + " — " + t
		}
		for _, s := range a.Suppliers {
			c.Suppliers = addOrg(c.Suppliers, Org{ID: s.Identifier.ID, Name: s.Name})
		}
		for _, it := range v.Items {
			if a.LotID == "" || it.RelatedLot == a.LotID {
				c.CPV = addString(c.CPV, it.Classification.ID)
			}
		}
		c.CPVDivision = Divisions(c.CPV)
		c.Amount, c.AmountMinor, c.Currency = amount(a.Value.Amount.Decimal(), a.Value.Currency)
		if k := contracts[a.ID]; k != nil {
			c.ContractID, c.ContractStatus, c.DateSigned = k.ContractID, k.Status, utc(k.DateSigned)
			if k.Value != nil {
				c.Amount, c.AmountMinor, c.Currency = amount(k.Value.Amount.Decimal(), k.Value.Currency)
			}
			if p := k.Period; p != nil {
				c.ContractStart, c.ContractEnd = utc(p.StartDate), utc(p.EndDate)
			}
			if c.DateSigned != nil && (d.DateSigned == nil || c.DateSigned.Before(*d.DateSigned)) {
				d.DateSigned = c.DateSigned
			}
		}
		if a.Status == tender.AwardActive {
			d.Suppliers = append(d.Suppliers, c.Suppliers...)
		}
		cs = append(cs, c)
	}
	d.Suppliers = dedupOrgs(d.Suppliers)
	return d, cs
}

func dedupOrgs(in []Org) []Org {
	var out []Org
	for _, o := range in {
		out = addOrg(out, o)
	}
	return out
}

// FromRelease builds the documents of a compiled release from any
// publisher: the tenders index gets the contracting process (id = ocid),
// the contracts index one document per award. source names the publisher;
// version orders writes of the same process (use the release's date).
func FromRelease(r *ocds.Release, source string) (*TenderDoc, []*ContractDoc) {
	parties := map[string]ocds.Organization{}
	for _, p := range r.Parties {
		parties[p.ID] = p
	}
	org := func(ref *ocds.OrgRef) (Org, string) {
		if ref == nil {
			return Org{}, ""
		}
		o := Org{ID: ref.ID, Name: ref.Name}
		p, ok := parties[ref.ID]
		if !ok {
			return o, ""
		}
		if p.Identifier != nil && p.Identifier.ID != "" {
			o.ID = p.Identifier.ID
		}
		if o.Name == "" {
			o.Name = p.Name
		}
		pc := ""
		if p.Address != nil {
			pc = p.Address.PostalCode
		}
		return o, pc
	}
	d := &TenderDoc{ID: r.OCID, OCID: r.OCID, Source: source, Date: tp(r.Date), DateModified: tp(r.Date), Version: Version(r.Date)}
	buyer := r.Buyer
	t := r.Tender
	if t != nil && buyer == nil {
		buyer = t.ProcuringEntity
	}
	d.Buyer, d.PostalCode = org(buyer)
	d.Region = Region(d.PostalCode)
	if t != nil {
		d.TenderID = t.ID
		d.Title, d.Description, d.Status = t.Title, t.Description, t.Status
		d.ProcurementMethod, d.ProcurementMethodType = t.ProcurementMethod, t.ProcurementMethodDetails
		d.MainProcurementCategory = t.MainProcurementCategory
		if t.Value != nil {
			d.Amount, d.AmountMinor, d.Currency = amount(t.Value.Amount.Decimal(), t.Value.Currency)
		}
		if p := t.TenderPeriod; p != nil {
			d.TenderStart, d.TenderEnd = utc(p.StartDate), utc(p.EndDate)
			if p.StartDate != nil {
				d.Date = utc(p.StartDate)
			}
		}
		if p := t.EnquiryPeriod; p != nil {
			d.EnquiryStart, d.EnquiryEnd = utc(p.StartDate), utc(p.EndDate)
		}
		if p := t.AwardPeriod; p != nil {
			d.AwardStart, d.AwardEnd = utc(p.StartDate), utc(p.EndDate)
		}
		for _, l := range t.Lots {
			ld := LotDoc{ID: l.ID, Title: l.Title, Status: l.Status}
			if l.Value != nil {
				ld.Amount, _, ld.Currency = amount(l.Value.Amount.Decimal(), l.Value.Currency)
			}
			d.Lots = append(d.Lots, ld)
		}
		for _, it := range t.Items {
			id := ItemDoc{ID: it.ID, Description: it.Description, Lot: it.RelatedLot}
			if it.Classification != nil {
				id.CPV = it.Classification.ID
				d.CPV = addString(d.CPV, it.Classification.ID)
			}
			if it.Quantity != nil {
				id.Quantity = it.Quantity.String()
			}
			if it.Unit != nil {
				id.Unit = it.Unit.ID
			}
			d.Items = append(d.Items, id)
		}
		d.CPVDivision = Divisions(d.CPV)
		if t.NumberOfTenderers != nil {
			n := *t.NumberOfTenderers
			d.NumberOfBids = &n
		}
	}
	if r.Bids != nil && len(r.Bids.Details) > 0 {
		bidders := map[string]bool{}
		for _, b := range r.Bids.Details {
			for _, ref := range b.Tenderers {
				o, _ := org(&ref)
				d.Tenderers = addOrg(d.Tenderers, o)
			}
			bidders[b.ID] = true
		}
		if d.NumberOfBids == nil {
			n := len(bidders)
			d.NumberOfBids = &n
		}
	}
	if d.Date == nil {
		d.Date = tp(r.Date)
	}
	contracts := map[string]*ocds.Contract{}
	for i := range r.Contracts {
		contracts[r.Contracts[i].AwardID] = &r.Contracts[i]
	}
	var cs []*ContractDoc
	for _, a := range r.Awards {
		c := &ContractDoc{
			ID: d.ID + "/" + a.ID, OCID: r.OCID, TenderID: d.TenderID, Tender: d.ID, Source: source,
			AwardID: a.ID, Title: d.Title, Status: a.Status,
			ProcurementMethod: d.ProcurementMethod, ProcurementMethodType: d.ProcurementMethodType,
			MainProcurementCategory: d.MainProcurementCategory,
			Buyer:                   d.Buyer, PostalCode: d.PostalCode, Region: d.Region,
			Date: utc(a.Date), DateModified: d.DateModified, Version: d.Version,
		}
		if len(a.RelatedLots) > 0 {
			c.Lot = a.RelatedLots[0]
		}
		if a.Title != "" {
			c.Title = a.Title
		}
		for _, ref := range a.Suppliers {
			o, _ := org(&ref)
			c.Suppliers = addOrg(c.Suppliers, o)
		}
		items := a.Items
		if len(items) == 0 && t != nil {
			for _, it := range t.Items {
				if c.Lot == "" || it.RelatedLot == c.Lot {
					items = append(items, it)
				}
			}
		}
		for _, it := range items {
			if it.Classification != nil {
				c.CPV = addString(c.CPV, it.Classification.ID)
			}
		}
		c.CPVDivision = Divisions(c.CPV)
		if a.Value != nil {
			c.Amount, c.AmountMinor, c.Currency = amount(a.Value.Amount.Decimal(), a.Value.Currency)
		}
		if k := contracts[a.ID]; k != nil {
			c.ContractID, c.ContractStatus, c.DateSigned = k.ID, k.Status, utc(k.DateSigned)
			if k.Value != nil {
				c.Amount, c.AmountMinor, c.Currency = amount(k.Value.Amount.Decimal(), k.Value.Currency)
			}
			if p := k.Period; p != nil {
				c.ContractStart, c.ContractEnd = utc(p.StartDate), utc(p.EndDate)
			}
			if c.DateSigned != nil && (d.DateSigned == nil || c.DateSigned.Before(*d.DateSigned)) {
				d.DateSigned = c.DateSigned
			}
		}
		if a.Status == "active" {
			d.Suppliers = append(d.Suppliers, c.Suppliers...)
		}
		cs = append(cs, c)
	}
	d.Suppliers = dedupOrgs(d.Suppliers)
	return d, cs
}

// SetFlags records a process's red flags on its documents.
func SetFlags(d *TenderDoc, cs []*ContractDoc, codes []string, score float64) {
	d.Flags, d.RiskScore = codes, score
	for _, c := range cs {
		c.Flags, c.RiskScore = codes, score
	}
}
