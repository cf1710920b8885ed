// Package searchtest is the behaviour suite every search.Backend must pass:
// the same tests run against Elasticsearch and the embedded index, so a
// watchdog's query means the same thing on both.
package searchtest

import (
	"fmt"
	"time"

	"github.com/prozorro-go/prozorro/search"
)

// T0 is the suite's reference time.
var T0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var (
	statuses   = []string{"active.tendering", "active.auction", "active.qualification", "complete", "unsuccessful", "cancelled"}
	procedures = []string{"belowThreshold", "aboveThreshold", "aboveThresholdUA", "aboveThresholdEU", "reporting", "negotiation"}
	methods    = map[string]string{"belowThreshold": "open", "aboveThreshold": "open", "aboveThresholdUA": "open", "aboveThresholdEU": "open", "reporting": "limited", "negotiation": "limited"}
	categories = []string{"goods", "services", "works"}
	buyers     = []search.Org{{ID: "00037256", Name: "Міська рада"}, {ID: "01234567", Name: "Київська обласна лікарня"}, {ID: "22334455", Name: "Школа №5"}, {ID: "31415926", Name: "Road Agency"}}
	postcodes  = []string{"01001", "02140", "04210", "61000", "79000", "65000"}
	suppliers  = []search.Org{{ID: "11111111", Name: "ТОВ Будівельник"}, {ID: "22222222", Name: "ФОП Петренко"}, {ID: "33333333", Name: "Computer Systems LLC"}}
	cpvs       = []string{"45233142-6", "45233120-6", "30213100-6", "33600000-6", "09130000-9", "79530000-8"}
	flagCodes  = []string{"R003", "R018", "PZ1"}
)

// texts holds the full-text fixtures: the suite's text tests rely on them.
var texts = []struct{ title, description, item string }{
	{"Ремонт дороги по вулиці Шевченка", "Поточний ремонт дорожнього покриття", "Асфальтування"},
	{"Закупівля комп'ютерів для школи", "Персональні комп'ютери та монітори", "Комп'ютер настільний"},
	{"Purchase of computers for the hospital", "Desktop computers and printers", "Desktop computer"},
	{"Закупка компьютеров", "Компьютеры для библиотеки", "Компьютер"},
	{"Медичні препарати", "Ліки для лікарні", "Парацетамол"},
	{"Road repair works", "Asphalt resurfacing of the main street", "Asphalt"},
}

// Tenders returns the suite's tender documents: n of them, every field
// varied deterministically, every one with Version 1.
func Tenders(n int) []*search.TenderDoc {
	out := make([]*search.TenderDoc, n)
	for i := range out {
		proc := procedures[i%len(procedures)]
		b := buyers[i%len(buyers)]
		pc := postcodes[i%len(postcodes)]
		txt := texts[i%len(texts)]
		date := T0.Add(time.Duration(i) * 97 * time.Hour) // spans several months
		mod := date.Add(time.Duration(n-i) * time.Hour)
		te := date.Add(time.Duration(7+i%9) * 24 * time.Hour)
		minor := int64(100000 + (i*7919)%5000000) // 1,000.00 .. 51,000.00, some equal
		if i%11 == 5 {
			minor = 2500000
		}
		cur := "UAH"
		if i%10 == 9 {
			cur = "EUR"
		}
		d := &search.TenderDoc{
			ID:       fmt.Sprintf("t%03d", i),
			OCID:     fmt.Sprintf("ocds-xxxxxx-UA-2026-%02d-%02d-%06d-a", date.Month(), date.Day(), i),
			TenderID: fmt.Sprintf("UA-2026-%02d-%02d-%06d-a", date.Month(), date.Day(), i),
			Source:   "local",
			Title:    fmt.Sprintf("%s #%d", txt.title, i), Description: txt.description,
			Status:                  statuses[i%len(statuses)],
			ProcurementMethod:       methods[proc],
			ProcurementMethodType:   proc,
			MainProcurementCategory: categories[i%len(categories)],
			Buyer:                   b, PostalCode: pc, Region: pc[:2],
			CPV:         []string{cpvs[i%len(cpvs)], cpvs[(i+1)%len(cpvs)]},
			Currency:    cur,
			Amount:      search.MinorString(minor),
			AmountMinor: &minor,
			Date:        &date, DateModified: &mod,
			TenderStart: &date, TenderEnd: &te,
			Items:   []search.ItemDoc{{ID: "i1", Description: txt.item, CPV: cpvs[i%len(cpvs)], Quantity: "2", Unit: "H87"}},
			Version: 1,
		}
		d.CPVDivision = search.Divisions(d.CPV)
		if i%3 == 0 {
			es, ee := date.Add(-24*time.Hour), date.Add(3*24*time.Hour)
			d.EnquiryStart, d.EnquiryEnd = &es, &ee
		}
		if i%4 == 1 {
			as := te.Add(26 * time.Hour)
			d.AuctionStart = &as
		}
		if d.Status == "complete" || d.Status == "active.qualification" {
			s := suppliers[i%len(suppliers)]
			d.Suppliers = []search.Org{s}
			aw := te.Add(72 * time.Hour)
			d.AwardStart = &aw
			nb := 1 + i%4
			d.NumberOfBids = &nb
		}
		if i%5 == 2 {
			d.Lots = []search.LotDoc{{ID: "l1", Title: "Лот 1", Status: "active", Amount: d.Amount, Currency: cur}, {ID: "l2", Title: "Lot 2", Status: "cancelled"}}
		}
		if i%7 == 3 {
			d.Flags = []string{flagCodes[i%len(flagCodes)]}
			d.RiskScore = 0.3
		}
		if i%14 == 3 {
			d.Flags = append(d.Flags, "R028")
			d.RiskScore += 0.2
		}
		if i == n-1 { // one document without a value or dates beyond the basics
			d.Currency, d.Amount, d.AmountMinor = "", "", nil
		}
		out[i] = d
	}
	return out
}

// ContractsOf returns one contract document per tender with suppliers.
func ContractsOf(ts []*search.TenderDoc) []*search.ContractDoc {
	var out []*search.ContractDoc
	for _, t := range ts {
		if len(t.Suppliers) == 0 {
			continue
		}
		c := &search.ContractDoc{
			ID: t.ID + "/a1", OCID: t.OCID, TenderID: t.TenderID, Tender: t.ID, Source: t.Source, AwardID: "a1",
			Title: t.Title, Status: "active", ProcurementMethod: t.ProcurementMethod,
			ProcurementMethodType: t.ProcurementMethodType, MainProcurementCategory: t.MainProcurementCategory,
			Buyer: t.Buyer, PostalCode: t.PostalCode, Region: t.Region, Suppliers: t.Suppliers,
			CPV: t.CPV, CPVDivision: t.CPVDivision, Currency: t.Currency, Amount: t.Amount, AmountMinor: t.AmountMinor,
			Date: t.AwardStart, DateModified: t.DateModified, Flags: t.Flags, RiskScore: t.RiskScore, Version: 1,
		}
		if t.Status == "complete" {
			c.ContractID, c.ContractStatus = t.TenderID+"-a1", "active"
			signed := t.AwardStart.Add(11 * 24 * time.Hour)
			c.DateSigned = &signed
		}
		out = append(out, c)
	}
	return out
}
