package ocds_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
)

// lifecycle drives the fixture tender from draft to complete: publish, an
// owner edit, a question and its answer, two bids, the auction, the award
// and the signed contract.
func lifecycle(t *testing.T) *env {
	e := newEnv(t)
	e.publish()
	e.retitle("Картонні коробки, гофрокартон")
	e.ask()
	e.answerAll()
	e.toTendering()
	e.bid("90000")
	e.bid("95000")
	e.closeTendering()
	e.auction("88000", "89000")
	e.qualify()
	e.sign()
	return e
}

func TestReleasesLifecycle(t *testing.T) {
	e := lifecycle(t)
	cfg := ocds.Config{Prefix: "ocds-abc123"}
	rels, revs := e.releases(cfg)

	// rev 1 is the draft; the switch to tendering (6), the last bid's
	// commit while sealed (7, 8) and the switch to the auction (9) change
	// nothing the public sees.
	want := []struct {
		rev  int64
		tags []string
	}{
		{2, []string{"tender"}},
		{3, []string{"tenderAmendment"}},
		{4, []string{"tenderUpdate"}}, // the question
		{5, []string{"tenderUpdate"}}, // its answer
		{10, []string{"tenderUpdate", "award"}},
		{11, []string{"tenderUpdate", "awardUpdate", "contract"}},
		{12, []string{"tenderUpdate", "contractUpdate"}},
	}
	if len(rels) != len(want) {
		for _, r := range rels {
			t.Logf("%s %v", r.ID, r.Tag)
		}
		t.Fatalf("%d releases, want %d", len(rels), len(want))
	}
	ocid := "ocds-abc123-" + e.tid
	for i, w := range want {
		r := rels[i]
		if r.OCID != ocid {
			t.Errorf("release %d: ocid %q, want %q", i, r.OCID, ocid)
		}
		if wantID := ocid + "-" + strconv.FormatInt(w.rev, 10); r.ID != wantID {
			t.Errorf("release %d: id %q, want %q", i, r.ID, wantID)
		}
		if !r.Date.Equal(revs[w.rev-1].Date) {
			t.Errorf("release %s: date %s, want the revision's %s", r.ID, r.Date, revs[w.rev-1].Date)
		}
		if !slices.Equal(r.Tag, w.tags) {
			t.Errorf("release %s: tags %v, want %v", r.ID, r.Tag, w.tags)
		}
		if r.InitiationType != "tender" || r.Tender == nil || r.Buyer == nil || r.Buyer.ID != "UA-EDR-00037256" {
			t.Errorf("release %s: initiationType %q, tender %v, buyer %+v", r.ID, r.InitiationType, r.Tender != nil, r.Buyer)
		}
	}

	amendments := rels[1].Tender.Amendments
	if len(amendments) != 1 || amendments[0].AmendsReleaseID != rels[0].ID || amendments[0].ReleaseID != rels[1].ID ||
		!strings.Contains(amendments[0].Description, "title") {
		t.Errorf("amendments = %+v", amendments)
	}
	if got := rels[2].Tender.Enquiries; len(got) != 1 || got[0].Answer != "" || got[0].Author == nil {
		t.Errorf("enquiries after the question = %+v", got)
	} else if !hasRole(rels[2], got[0].Author.ID, ocds.RoleEnquirer) {
		t.Errorf("the enquiry's author %s is not a party with role enquirer: %+v", got[0].Author.ID, rels[2].Parties)
	}
	if got := rels[3].Tender.Enquiries; len(got) != 1 || got[0].Answer == "" || got[0].DateAnswered == nil {
		t.Errorf("enquiries after the answer = %+v", got)
	}

	last := rels[len(rels)-1]
	tn := last.Tender
	if tn.Status != "complete" || tn.ProcurementMethod != "open" || tn.ProcurementMethodDetails != "belowThreshold" ||
		tn.MainProcurementCategory != "goods" || tn.NumberOfTenderers == nil || *tn.NumberOfTenderers != 2 {
		t.Errorf("tender = %+v", tn)
	}
	if it := tn.Items[0]; it.Classification.Scheme != "CPV" || it.Classification.ID != "44617100-9" ||
		it.Quantity.String() != "1000" || it.Unit.Scheme != "UNCEFACT" || it.Unit.ID != "H87" {
		t.Errorf("item = %+v", it)
	}
	if tn.Value.Amount.String() != "100000" || tn.Value.Currency != "UAH" {
		t.Errorf("tender value = %+v", tn.Value)
	}
	roles := map[string][]string{}
	for _, p := range last.Parties {
		roles[p.ID] = p.Roles
	}
	wantRoles := map[string][]string{
		"UA-EDR-00037256": {"buyer", "procuringEntity"},
		"UA-EDR-40000001": {"tenderer", "supplier"},
		"UA-EDR-40000002": {"tenderer"},
	}
	for id, w := range wantRoles {
		if !slices.Equal(roles[id], w) {
			t.Errorf("party %s roles %v, want %v", id, roles[id], w)
		}
	}
	if len(last.Awards) != 1 || len(last.Contracts) != 1 {
		t.Fatalf("%d awards, %d contracts", len(last.Awards), len(last.Contracts))
	}
	a, c := last.Awards[0], last.Contracts[0]
	if a.Status != "active" || a.Value.Amount.String() != "88000" || len(a.Suppliers) != 1 ||
		a.Suppliers[0].ID != "UA-EDR-40000001" || a.RelatedBid == "" || len(a.Items) != 1 {
		t.Errorf("award = %+v", a)
	}
	if c.Status != "active" || c.AwardID != a.ID || c.DateSigned == nil || c.Value.Amount.String() != "88000" {
		t.Errorf("contract = %+v", c)
	}
	if last.Bids == nil || len(last.Bids.Details) != 2 || last.Bids.Details[0].Status != "valid" {
		t.Fatalf("bids = %+v", last.Bids)
	}
	stats := map[string]string{}
	for _, s := range last.Bids.Statistics {
		stats[s.Measure] = s.Value.String()
	}
	if stats["bids"] != "2" || stats["validBids"] != "2" || stats["lowestValidBidValue"] != "88000" || stats["highestValidBidValue"] != "89000" {
		t.Errorf("statistics = %v", stats)
	}

	// Stable: a second build gives the same bytes.
	again, _ := e.releases(cfg)
	if a, b := mustJSON(t, rels), mustJSON(t, again); a != b {
		t.Errorf("releases differ between calls")
	}
}

func TestReleasesCancelled(t *testing.T) {
	e := newEnv(t)
	e.publish()
	e.cancel()
	rels, _ := e.releases(ocds.Config{})
	if len(rels) != 2 || !slices.Equal(rels[1].Tag, []string{"tenderCancellation"}) || rels[1].Tender.Status != "cancelled" {
		for _, r := range rels {
			t.Logf("%s %v %s", r.ID, r.Tag, r.Tender.Status)
		}
		t.Fatalf("want [tender] then [tenderCancellation]")
	}
	if !strings.HasPrefix(rels[0].OCID, ocds.PlaceholderPrefix+"-UA-") {
		t.Errorf("ocid %q does not use the placeholder prefix", rels[0].OCID)
	}
}

// TestSealedBidsNeverLeak: while bids are sealed no release carries a
// bid, its bidder, its price or even their number, whether Releases gets
// public views (History) or, by mistake, the stored versions.
func TestSealedBidsNeverLeak(t *testing.T) {
	e := newEnv(t)
	e.publish()
	e.toTendering()
	e.bid("90000.17")
	e.bid("95000.23")
	e.closeTendering() // active.auction: still sealed below the threshold

	current := e.get()
	if current.Status != tender.StatusAuction || len(current.Bids) != 2 {
		t.Fatalf("status %s with %d bids", current.Status, len(current.Bids))
	}
	revs, err := e.store.Revisions(e.ctx, e.id)
	e.must("revisions", err)
	stored, err := tender.Versions(current, revs)
	e.must("versions", err)
	views, _, err := ocds.History(e.ctx, e.store, e.id)
	e.must("history", err)

	secrets := []string{"Постачальник", "40000001", "40000002", "90000.17", "95000.23", "tenderer", `"bids"`, "numberOfTenderers"}
	for _, b := range current.Bids {
		secrets = append(secrets, b.ID)
	}
	for name, versions := range map[string][]*tender.Tender{"public views": views, "stored versions": stored} {
		rels, err := ocds.Releases(versions, revs, ocds.Config{})
		e.must("releases", err)
		if len(rels) == 0 {
			t.Fatalf("%s: no releases", name)
		}
		out := mustJSON(t, ocds.Package("https://example.org/x", rels, ocds.Config{}))
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s: the package carries %q while bids are sealed", name, s)
			}
		}
	}
}

// TestBidsAppearWhenOpened: in the full lifecycle, every release dated
// before the bids were opened is free of them; the first one after shows them.
func TestBidsAppearWhenOpened(t *testing.T) {
	e := lifecycle(t)
	rels, _ := e.releases(ocds.Config{})
	opened := false
	for _, r := range rels {
		body := mustJSON(t, r)
		has := strings.Contains(body, "Постачальник")
		if !opened && has {
			opened = true
			if r.Bids == nil || len(r.Bids.Details) != 2 || !slices.Contains(r.Tag, "award") {
				t.Errorf("bids first appear in %s (%v) without their details", r.ID, r.Tag)
			}
		}
		if opened && !has {
			t.Errorf("%s: bidders gone again", r.ID)
		}
	}
	if !opened {
		t.Fatal("bids never appear")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hasRole reports whether release r has party id with role.
func hasRole(r ocds.Release, id, role string) bool {
	for _, p := range r.Parties {
		if p.ID == id {
			for _, x := range p.Roles {
				if x == role {
					return true
				}
			}
		}
	}
	return false
}
