package ocds_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
)

func amount(s string) *ocds.Value { return &ocds.Value{Amount: tender.MustAmount(s), Currency: "UAH"} }

// base is a release with one active tender, one active award and one
// signed contract.
func base() *ocds.Release {
	return &ocds.Release{
		Tender:    &ocds.Tender{ID: "t", Title: "Коробки", Status: "active", Value: amount("100")},
		Awards:    []ocds.Award{{ID: "a1", Status: "active", Value: amount("90")}},
		Contracts: []ocds.Contract{{ID: "c1", AwardID: "a1", Status: "active", Value: amount("90")}},
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *ocds.Release)
		want   []string
	}{
		{"nothing", func(r *ocds.Release) {}, nil},
		{"title", func(r *ocds.Release) { r.Tender.Title = "Ящики" }, []string{"tenderAmendment"}},
		{"value", func(r *ocds.Release) { r.Tender.Value = amount("120") }, []string{"tenderAmendment"}},
		{"document", func(r *ocds.Release) { r.Tender.Documents = []ocds.Document{{ID: "d"}} }, []string{"tenderUpdate"}},
		{"status", func(r *ocds.Release) { r.Tender.Status = "complete" }, []string{"tenderUpdate"}},
		{"cancelled", func(r *ocds.Release) {
			r.Tender.Status = "cancelled"
			r.Tender.Documents = []ocds.Document{{ID: "d"}}
		}, []string{"tenderCancellation"}},
		{"bids", func(r *ocds.Release) { r.Bids = &ocds.Bids{Details: []ocds.Bid{{ID: "b"}}} }, []string{"tenderUpdate"}},
		{"party only", func(r *ocds.Release) {
			r.Parties = []ocds.Organization{{ID: "UA-EDR-1", Roles: []string{"reviewBody"}}}
		}, []string{"tenderUpdate"}},
		{"new award", func(r *ocds.Release) { r.Awards = append(r.Awards, ocds.Award{ID: "a2", Status: "pending"}) }, []string{"award"}},
		{"award cancelled", func(r *ocds.Release) { r.Awards[0].Status = "cancelled" }, []string{"awardCancellation"}},
		{"award document", func(r *ocds.Release) { r.Awards[0].Documents = []ocds.Document{{ID: "d"}} }, []string{"awardUpdate"}},
		{"new contract", func(r *ocds.Release) {
			r.Contracts = append(r.Contracts, ocds.Contract{ID: "c2", AwardID: "a1", Status: "pending"})
		}, []string{"contract"}},
		{"contract value", func(r *ocds.Release) { r.Contracts[0].Value = amount("85") }, []string{"contractAmendment"}},
		{"contract period", func(r *ocds.Release) {
			end := time.Date(2026, 12, 31, 0, 0, 0, 0, tender.Kyiv)
			r.Contracts[0].Period = &ocds.Period{EndDate: &end}
		}, []string{"contractAmendment"}},
		{"contract document", func(r *ocds.Release) { r.Contracts[0].Documents = []ocds.Document{{ID: "d"}} }, []string{"contractUpdate"}},
		{"contract terminated", func(r *ocds.Release) { r.Contracts[0].Status = "terminated" }, []string{"contractTermination"}},
		{"award and contract", func(r *ocds.Release) {
			r.Awards[0].Status = "cancelled"
			r.Contracts[0].Status = "cancelled"
		}, []string{"awardCancellation", "contractUpdate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prev, cur := base(), base()
			tc.change(cur)
			got, _ := ocds.Tags(prev, cur)
			if !slices.Equal(got, tc.want) {
				t.Errorf("tags = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTagsLotStatusIsNoAmendment(t *testing.T) {
	prev, cur := base(), base()
	prev.Tender.Lots = []ocds.Lot{{ID: "l1", Status: "active", Value: amount("50")}}
	cur.Tender.Lots = []ocds.Lot{{ID: "l1", Status: "cancelled", Value: amount("50")}}
	if got, terms := ocds.Tags(prev, cur); !slices.Equal(got, []string{"tenderUpdate"}) || len(terms) != 0 {
		t.Errorf("lot cancelled: tags %v, terms %v; want [tenderUpdate] and no terms", got, terms)
	}
	cur.Tender.Lots[0].Value = amount("60")
	if got, terms := ocds.Tags(prev, cur); !slices.Equal(got, []string{"tenderAmendment"}) || !slices.Equal(terms, []string{"lots"}) {
		t.Errorf("lot value: tags %v, terms %v; want [tenderAmendment] and [lots]", got, terms)
	}
}

// TestLots maps a two-lot tender in qualification, given as a public view:
// lots, items per lot, one bid detail per lot value, per-lot statistics,
// awards tied to their lot and bid.
func TestLots(t *testing.T) {
	d := time.Date(2026, 3, 2, 10, 0, 0, 0, tender.Kyiv)
	v := func(s string) *tender.Value { return &tender.Value{Amount: tender.MustAmount(s), Currency: "UAH"} }
	bidder := org("ТОВ Постачальник 1", "40000001")
	view := &tender.Tender{
		ID: "t1", TenderID: "UA-2026-03-02-000001-a", Title: "Два лоти", Status: tender.StatusQualification,
		ProcurementMethod: "open", ProcurementMethodType: "aboveThreshold", MainProcurementCategory: "works",
		ProcuringEntity: buyer, Value: *v("300"),
		Lots: []tender.Lot{
			{ID: "l1", Title: "Лот 1", Value: *v("100"), Status: tender.LotActive},
			{ID: "l2", Title: "Лот 2", Value: *v("200"), Status: tender.LotCancelled},
		},
		Items: []tender.Item{
			{ID: "i1", RelatedLot: "l1", Classification: tender.Classification{Scheme: "ДК021", ID: "45000000-7"}},
			{ID: "i2", RelatedLot: "l2", Classification: tender.Classification{Scheme: "ДК021", ID: "45000000-7"}},
		},
		Documents: []tender.Document{{ID: "doc", Title: "ТЗ", DocumentOf: "lot", RelatedItem: "l1", URL: "https://example.org/doc"}},
		Bids: []tender.Bid{{ID: "b1", Status: tender.BidActive, Date: d, Tenderers: []tender.Organization{bidder},
			LotValues: []tender.LotValue{{RelatedLot: "l1", Value: v("90"), Status: "active"}, {RelatedLot: "l2", Value: v("180"), Status: "pending"}}}},
		Awards: []tender.Award{{ID: "a1", BidID: "b1", LotID: "l1", Status: tender.AwardPending, Date: d, Value: *v("90"),
			Suppliers: []tender.Organization{bidder}}},
	}
	rels, err := ocds.Releases([]*tender.Tender{view}, []tender.Revision{{Rev: 7, Date: d}}, ocds.Config{})
	if err != nil || len(rels) != 1 {
		t.Fatalf("releases: %v, %d", err, len(rels))
	}
	r := rels[0]
	if !slices.Equal(r.Tag, []string{"tender", "award"}) {
		t.Errorf("tags %v", r.Tag)
	}
	if len(r.Tender.Lots) != 2 || r.Tender.Lots[1].Status != "cancelled" || r.Tender.Lots[0].Value.Amount.String() != "100" {
		t.Errorf("lots %+v", r.Tender.Lots)
	}
	if got := r.Tender.Documents[0].RelatedLots; !slices.Equal(got, []string{"l1"}) {
		t.Errorf("document relatedLots %v", got)
	}
	var ids []string
	for _, b := range r.Bids.Details {
		ids = append(ids, b.ID+":"+b.Status+":"+b.Value.Amount.String())
	}
	if !slices.Equal(ids, []string{"b1-l1:valid:90", "b1-l2:pending:180"}) {
		t.Errorf("bid details %v", ids)
	}
	stats := map[string]string{}
	for _, s := range r.Bids.Statistics {
		stats[s.ID] = s.Value.String()
	}
	if stats["l1-validBids"] != "1" || stats["l2-validBids"] != "0" || stats["l2-bids"] != "1" || stats["l1-lowestValidBidValue"] != "90" {
		t.Errorf("statistics %v", stats)
	}
	a := r.Awards[0]
	if a.RelatedBid != "b1-l1" || !slices.Equal(a.RelatedLots, []string{"l1"}) || len(a.Items) != 1 || a.Items[0].ID != "i1" {
		t.Errorf("award %+v", a)
	}
	if r.Tender.MainProcurementCategory != "works" || r.Tender.Status != "active" {
		t.Errorf("tender %+v", r.Tender)
	}
}

func TestReleasesLengthMismatch(t *testing.T) {
	if _, err := ocds.Releases([]*tender.Tender{{}}, nil, ocds.Config{}); err == nil {
		t.Fatal("want an error for versions without revisions")
	}
}

func TestPackage(t *testing.T) {
	e := lifecycle(t)
	cfg := ocds.Config{Publisher: ocds.Publisher{Name: "Prozorro-Go sandbox"}, License: "https://creativecommons.org/publicdomain/zero/1.0/"}
	rels, _ := e.releases(cfg)
	p := ocds.Package("https://example.org/api/2.5/tenders/"+e.id+"/ocds/releases", rels, cfg)
	if p.Version != "1.1" || p.Publisher.Name != cfg.Publisher.Name || p.License != cfg.License || len(p.Releases) != len(rels) {
		t.Errorf("package %+v", p)
	}
	if !p.PublishedDate.Equal(rels[len(rels)-1].Date) {
		t.Errorf("publishedDate %s, want the latest release date %s", p.PublishedDate, rels[len(rels)-1].Date)
	}
	if len(p.Extensions) != 3 {
		t.Errorf("extensions %v", p.Extensions)
	}
	for _, u := range p.Extensions {
		if !slices.Contains([]string{"ocds_bid_extension", "ocds_lots_extension", "ocds_enquiry_extension"}, extName(u)) {
			t.Errorf("extension %s", u)
		}
	}
	empty := mustJSON(t, ocds.Package("https://example.org/empty", nil, cfg))
	if !strings.Contains(empty, `"releases":[]`) {
		t.Errorf("empty package %s", empty)
	}
}

// extName returns the repository of an extension URL pinned to v1.1.5.
func extName(u string) string {
	rest, ok := strings.CutPrefix(u, "https://raw.githubusercontent.com/open-contracting-extensions/")
	if !ok {
		return ""
	}
	name, ok := strings.CutSuffix(rest, "/v1.1.5/extension.json")
	if !ok {
		return ""
	}
	return name
}

// TestExtensionsRegistered checks the declared URLs against the extension
// registry copied to shared/ocds (skipped where that copy is absent).
func TestExtensionsRegistered(t *testing.T) {
	raw, err := os.ReadFile("testdata/shared/ocds/schema/extension-registry/extension_versions.csv")
	if err != nil {
		t.Skip("no extension registry copy:", err)
	}
	for _, u := range ocds.Extensions {
		base := strings.TrimSuffix(u, "extension.json")
		if !strings.Contains(string(raw), ",v1.1.5,"+base+",") {
			t.Errorf("%s is not a registered v1.1.5 extension", u)
		}
	}
}
