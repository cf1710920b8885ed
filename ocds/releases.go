package ocds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/prozorro-go/prozorro/tender"
)

// HistoryStore is what History reads: a tender and its revisions.
// tender.Store satisfies it.
type HistoryStore interface {
	Get(ctx context.Context, id string) (*tender.Tender, error)
	Revisions(ctx context.Context, id string) ([]tender.Revision, error)
}

// History loads a tender's revisions and the public view of the tender as
// each revision left it, oldest first: the input of Releases.
func History(ctx context.Context, st HistoryStore, id string) ([]*tender.Tender, []tender.Revision, error) {
	t, err := st.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	revs, err := st.Revisions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	versions, err := tender.Versions(t, revs)
	if err != nil {
		return nil, nil, fmt.Errorf("ocds: history of %s: %w", id, err)
	}
	for i, v := range versions {
		versions[i] = v.View(tender.RolePublic, "")
	}
	return versions, revs, nil
}

// Releases turns a tender's history into its OCDS releases, oldest first:
// one release per revision that changed what the public sees, skipping
// drafts and revisions with no public effect (a chronograph check, a change
// to sealed bids). versions[i] is the public view of the tender as
// revisions[i] left it (see History); a stored version (one that still has
// its private config) is passed through View(RolePublic) first, so nothing a
// public reader could not see at that date reaches a release.
//
// Each release is a full snapshot of the public state; its id is
// "<ocid>-<revision number>" (stable across calls), its date the revision's
// date, and its tags say what changed since the previous release (see Tags).
func Releases(versions []*tender.Tender, revisions []tender.Revision, cfg Config) ([]Release, error) {
	if len(versions) != len(revisions) {
		return nil, fmt.Errorf("ocds: %d versions for %d revisions", len(versions), len(revisions))
	}
	var out []Release
	var amendments []Amendment
	for i, v := range versions {
		if v == nil || !published(v.Status) {
			continue
		}
		if v.Config != nil || v.Access != nil {
			v = v.View(tender.RolePublic, "")
		}
		rel := snapshot(v, cfg)
		rel.OCID = cfg.OCID(v.TenderID)
		rel.ID = rel.OCID + "-" + strconv.FormatInt(revisions[i].Rev, 10)
		rel.Date = revisions[i].Date
		if len(out) == 0 {
			rel.Tag = initialTags(&rel)
		} else {
			prev := &out[len(out)-1]
			var changed []string
			rel.Tag, changed = Tags(prev, &rel)
			if len(rel.Tag) == 0 {
				continue
			}
			if hasString(rel.Tag, TagTenderAmendment) {
				amendments = append(amendments, Amendment{
					ID:              strconv.FormatInt(revisions[i].Rev, 10),
					Date:            rel.Date,
					Description:     "Changed: " + strings.Join(changed, ", "),
					AmendsReleaseID: prev.ID,
					ReleaseID:       rel.ID,
				})
			}
		}
		if rel.Tender != nil && len(amendments) > 0 {
			rel.Tender.Amendments = append([]Amendment(nil), amendments...)
		}
		out = append(out, rel)
	}
	return out, nil
}

// published reports whether a tender in status s is public: everything but
// drafts.
func published(s tender.Status) bool {
	return s != "" && !strings.HasPrefix(string(s), "draft")
}

// tagOrder is the order tags are listed in: the releaseTag codelist's.
var tagOrder = []string{TagTender, TagTenderAmendment, TagTenderUpdate, TagTenderCancellation,
	TagAward, TagAwardUpdate, TagAwardCancellation,
	TagContract, TagContractUpdate, TagContractAmendment, TagContractTermination}

func orderTags(set map[string]bool) []string {
	var out []string
	for _, t := range tagOrder {
		if set[t] {
			out = append(out, t)
		}
	}
	return out
}

func initialTags(r *Release) []string {
	set := map[string]bool{TagTender: true}
	if r.Tender != nil && r.Tender.Status == "cancelled" {
		set[TagTenderCancellation] = true
	}
	if len(r.Awards) > 0 {
		set[TagAward] = true
	}
	if len(r.Contracts) > 0 {
		set[TagContract] = true
	}
	return orderTags(set)
}

// termFields are the tender fields the buyer sets as the terms of the
// procurement: changing one after publication is an amendment.
var termFields = map[string]bool{
	"title": true, "description": true, "procuringEntity": true, "items": true, "value": true,
	"procurementMethod": true, "procurementMethodDetails": true, "procurementMethodRationale": true,
	"mainProcurementCategory": true, "awardCriteria": true, "submissionMethod": true,
	"submissionMethodDetails": true, "tenderPeriod": true, "enquiryPeriod": true, "lots": true,
}

// Tags derives the tags of release cur from what changed since prev, and
// lists the tender terms that changed (for the amendment's description).
// No tags means no public change.
//
//   - tender: the tender is cancelled → tenderCancellation; else one of its
//     terms (title, description, buyer, items, value, method, category,
//     award criteria, submission, tender and enquiry periods, lots other than
//     their status) changed → tenderAmendment; else anything else in the
//     tender, the bids or the parties changed (status, awardPeriod,
//     documents, enquiries, lot status, bids opened) → tenderUpdate.
//   - each new award → award; an award cancelled → awardCancellation; any
//     other change to an award → awardUpdate.
//   - each new contract → contract; a contract terminated →
//     contractTermination; a change to a signed contract's value, period or
//     items → contractAmendment; any other change → contractUpdate.
func Tags(prev, cur *Release) (tags []string, changedTerms []string) {
	set := map[string]bool{}
	pt, ct := fields(tenderBody(prev.Tender)), fields(tenderBody(cur.Tender))
	var changed []string
	for k := range union(pt, ct) {
		if !bytes.Equal(pt[k], ct[k]) {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	for _, k := range changed {
		if termFields[k] && (k != "lots" || !lotsOnlyStatus(prev.Tender, cur.Tender)) {
			changedTerms = append(changedTerms, k)
		}
	}
	switch {
	case cur.Tender != nil && cur.Tender.Status == "cancelled" && (prev.Tender == nil || prev.Tender.Status != "cancelled"):
		set[TagTenderCancellation] = true
	case len(changedTerms) > 0:
		set[TagTenderAmendment] = true
	case len(changed) > 0 || !jsonEqual(prev.Bids, cur.Bids):
		set[TagTenderUpdate] = true
	}

	prevAwards := map[string]Award{}
	for _, a := range prev.Awards {
		prevAwards[a.ID] = a
	}
	for _, a := range cur.Awards {
		p, ok := prevAwards[a.ID]
		switch {
		case !ok:
			set[TagAward] = true
		case jsonEqual(p, a):
		case a.Status == "cancelled" && p.Status != "cancelled":
			set[TagAwardCancellation] = true
		default:
			set[TagAwardUpdate] = true
		}
	}
	prevContracts := map[string]Contract{}
	for _, c := range prev.Contracts {
		prevContracts[c.ID] = c
	}
	for _, c := range cur.Contracts {
		p, ok := prevContracts[c.ID]
		switch {
		case !ok:
			set[TagContract] = true
		case jsonEqual(p, c):
		case c.Status == "terminated" && p.Status != "terminated":
			set[TagContractTermination] = true
		case p.Status == "active" && (!jsonEqual(p.Value, c.Value) || !jsonEqual(p.Period, c.Period) || !jsonEqual(p.Items, c.Items)):
			set[TagContractAmendment] = true
		default:
			set[TagContractUpdate] = true
		}
	}
	if len(set) == 0 && (!jsonEqual(prev.Parties, cur.Parties) || !jsonEqual(prev.Buyer, cur.Buyer)) {
		set[TagTenderUpdate] = true
	}
	return orderTags(set), changedTerms
}

// tenderBody is t without the amendments Releases adds.
func tenderBody(t *Tender) *Tender {
	if t == nil {
		return nil
	}
	c := *t
	c.Amendments = nil
	return &c
}

// lotsOnlyStatus reports whether the lots of a and b differ in status only.
func lotsOnlyStatus(a, b *Tender) bool {
	strip := func(t *Tender) []Lot {
		if t == nil {
			return nil
		}
		out := make([]Lot, len(t.Lots))
		for i, l := range t.Lots {
			l.Status = ""
			out[i] = l
		}
		return out
	}
	return jsonEqual(strip(a), strip(b))
}

// fields splits a section into its top-level JSON fields.
func fields(v any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	b, err := json.Marshal(v)
	if err != nil || bytes.Equal(b, []byte("null")) {
		return out
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return map[string]json.RawMessage{}
	}
	return out
}

func union(a, b map[string]json.RawMessage) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// jsonEqual compares a and b as the JSON they publish.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
