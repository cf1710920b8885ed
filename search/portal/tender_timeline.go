package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// The tender page's history: the stored versions rebuilt from the
// revisions, each seen through the public view, and one entry for every
// revision that changed what the public sees. A revision that touched only
// sealed data (a bid during tendering) changes no public view and so shows
// nothing, not even its date.

// Limits that keep a long history cheap: entries shown; revisions read,
// newest first, and bytes of public JSON compared before the older history
// is left to the OCDS releases; versions rebuilt at a time.
const (
	tenderHistoryShown  = 200
	tenderHistoryRead   = 1000
	tenderHistoryBudget = 16 << 20 // bytes of public JSON compared
	tenderHistoryChunk  = 50
)

// tenderTimeline is the history section.
type tenderTimeline struct {
	Events      []tenderEvent // newest first
	Capped      bool          // older changes were left out
	Unavailable bool
}

// tenderEvent is one publicly visible change.
type tenderEvent struct {
	Date      time.Time
	Who       tenderLabel // kind (owner, chronograph, ...) and its words
	Published bool
	Status    string   // "from → to", or the status published with
	Changes   []string // sections that changed, in plain words
}

// tenderSnap is one version as the timeline compares it: the public view's
// top-level fields, and who the stored version says owns what (to name the
// author of the next change by role).
type tenderSnap struct {
	status       tender.Status
	public       bool
	fields       map[string][]byte // JSON of the non-empty fields
	counts       map[string]int    // lengths of the lists
	size         int               // bytes of JSON, for the reading budget
	owner        string
	complainants map[string]bool
	bidders      map[string]bool
}

// tenderHistoryIgnored are public fields every write touches or that only
// the chronograph's schedule moves: comparing them would show every
// revision, sealed bids included.
var tenderHistoryIgnored = map[string]bool{"dateModified": true, "next_check": true}

// tenderFields are the tender's JSON fields in their order, in which
// changed sections are listed.
var tenderFields = func() []tenderField {
	var out []tenderField
	rt := reflect.TypeOf(tender.Tender{})
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && rt.Field(i).IsExported() {
			out = append(out, tenderField{name, i})
		}
	}
	return out
}()

type tenderField struct {
	name  string
	index int
}

// tenderHistory rebuilds the public history of t, newest first. Only here
// is the stored tender loaded: tender.Versions needs the stored copy the
// revisions lead back from; every version is turned into its public view
// before anything is compared or shown.
func (s *Server) tenderHistory(ctx context.Context, lang string, pub *tender.Tender) tenderTimeline {
	key := tenderHistoryKey{s.cfg.Tenders, pub.ID, pub.Revision, lang}
	if tl, ok := tenderHistoryCache.get(key); ok {
		return tl
	}
	tl := s.tenderHistoryBuild(ctx, lang, pub)
	if !tl.Unavailable && pub.Revision > 0 {
		tenderHistoryCache.put(key, tl)
	}
	return tl
}

func (s *Server) tenderHistoryBuild(ctx context.Context, lang string, pub *tender.Tender) tenderTimeline {
	var tl tenderTimeline
	svc := s.cfg.Tenders
	stored, err := svc.Load(ctx, pub.ID)
	if err != nil {
		s.cfg.Log.Error("portal: tender history", "tender", pub.ID, "err", err)
		return tenderTimeline{Unavailable: true}
	}
	revs, err := svc.Store.Revisions(ctx, pub.ID)
	if err != nil {
		s.cfg.Log.Error("portal: tender history", "tender", pub.ID, "err", err)
		return tenderTimeline{Unavailable: true}
	}
	// A write between the two reads adds revisions the stored copy lacks.
	for stored.Revision > 0 && len(revs) > 0 && revs[len(revs)-1].Rev > stored.Revision {
		revs = revs[:len(revs)-1]
	}
	if len(revs) == 0 {
		return tl
	}
	bidsPublic := false
	for _, b := range pub.Bids {
		bidsPublic = bidsPublic || len(b.Tenderers) > 0
	}
	newer, err := tenderSnapOf(stored)
	if err != nil {
		s.cfg.Log.Error("portal: tender history", "tender", pub.ID, "err", err)
		return tenderTimeline{Unavailable: true}
	}
	add := func(ev tenderEvent) bool {
		if len(tl.Events) == tenderHistoryShown {
			tl.Capped = true
			return false
		}
		tl.Events = append(tl.Events, ev)
		return true
	}
	// cur is the version revs[hi] left; each round rebuilds the chunk of
	// versions before it (Versions wants the revisions up to cur's own).
	cur, hi, read, size := stored, len(revs)-1, 1, newer.size
	for hi > 0 {
		if read >= tenderHistoryRead || size >= tenderHistoryBudget {
			tl.Capped = true
			return tl
		}
		lo := max(0, hi-tenderHistoryChunk)
		vs, err := tender.Versions(cur, revs[lo:hi+1])
		if err != nil {
			s.cfg.Log.Error("portal: tender history", "tender", pub.ID, "err", err)
			tl.Capped = true
			return tl
		}
		for k := hi - 1; k >= lo; k-- {
			older, err := tenderSnapOf(vs[k-lo])
			if err != nil {
				s.cfg.Log.Error("portal: tender history", "tender", pub.ID, "err", err)
				tl.Capped = true
				return tl
			}
			// A write after the page's read is not the page's history.
			later := pub.Revision > 0 && revs[k+1].Rev > pub.Revision
			if ev, ok := tenderDiff(lang, older, newer, revs[k+1], bidsPublic); ok && !later && !add(ev) {
				return tl
			}
			newer = older
			read++
			size += older.size
		}
		cur, hi = vs[0], lo
	}
	if newer.public { // created already published (no draft stage)
		add(tenderEvent{Date: revs[0].Date, Who: tenderAuthor(lang, revs[0].Author, nil, newer, bidsPublic),
			Published: true, Status: tenderStatus(lang, "tender", string(newer.status)).Text})
	}
	return tl
}

// tenderSnapOf takes the public view of stored version v, field by
// field: each top-level field's JSON and, for lists, its length.
func tenderSnapOf(v *tender.Tender) (*tenderSnap, error) {
	s := &tenderSnap{status: v.Status, public: v.Status != "" && !strings.HasPrefix(string(v.Status), "draft"),
		owner: v.Owner, fields: make(map[string][]byte, len(tenderFields)), counts: map[string]int{},
		complainants: map[string]bool{}, bidders: map[string]bool{}}
	rv := reflect.ValueOf(v.View(tender.RolePublic, "")).Elem()
	for _, f := range tenderFields {
		fv := rv.Field(f.index)
		if tenderHistoryIgnored[f.name] || fv.IsZero() {
			continue
		}
		raw, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, err
		}
		s.fields[f.name] = raw
		s.size += len(raw)
		if fv.Kind() == reflect.Slice {
			s.counts[f.name] = fv.Len()
		}
	}
	for _, b := range v.Bids {
		s.bidders[b.Owner] = true
	}
	addComplaints := func(cs []tender.Complaint) {
		for _, c := range cs {
			s.complainants[c.Owner] = true
		}
	}
	addComplaints(v.Complaints)
	for _, a := range v.Awards {
		addComplaints(a.Complaints)
	}
	for _, q := range v.Qualifications {
		addComplaints(q.Complaints)
	}
	for _, c := range v.Cancellations {
		addComplaints(c.Complaints)
	}
	delete(s.bidders, "")
	delete(s.complainants, "")
	return s, nil
}

// tenderDiff describes what revision rev changed in the public view from
// older to newer; ok is false when the public saw no change.
func tenderDiff(lang string, older, newer *tenderSnap, rev tender.Revision, bidsPublic bool) (ev tenderEvent, ok bool) {
	if !newer.public {
		return ev, false
	}
	ev = tenderEvent{Date: rev.Date, Who: tenderAuthor(lang, rev.Author, older, newer, bidsPublic)}
	if !older.public {
		ev.Published = true
		ev.Status = tenderStatus(lang, "tender", string(newer.status)).Text
		return ev, true
	}
	statusChanged := older.status != newer.status
	if statusChanged {
		ev.Status = tr(lang, "tender.tl.status", tenderStatus(lang, "tender", string(older.status)).Text,
			tenderStatus(lang, "tender", string(newer.status)).Text)
	}
	for _, f := range tenderFields {
		key := f.name
		if key == "status" || (statusChanged && key == "date") {
			continue
		}
		a, b := older.fields[key], newer.fields[key]
		if bytes.Equal(a, b) {
			continue
		}
		label := tenderText(lang, "tender.field."+key, key)
		switch n := newer.counts[key] - older.counts[key]; {
		case n > 0:
			label += " +" + strconv.Itoa(n)
		case n < 0:
			label += " −" + strconv.Itoa(-n)
		}
		ev.Changes = append(ev.Changes, label)
	}
	return ev, statusChanged || len(ev.Changes) > 0
}

// tenderAuthor names the author of a revision by role, never by platform:
// Revision.Author is the acting platform's name, or the role (chronograph,
// auction, ...) of a robot acting without one. A platform is the buyer's
// when it owns the tender, a complainant's when it owns a complaint, a
// bidder's when it owns a bid — said only once bids are public; the
// auction module's platform is recognised by acting in active.auction.
func tenderAuthor(lang, author string, older, newer *tenderSnap, bidsPublic bool) tenderLabel {
	kind := "platform"
	switch {
	case author == string(tender.RoleChronograph):
		kind = "chronograph"
	case author == string(tender.RoleAuction):
		kind = "auction"
	case author == string(tender.RoleAdmin):
		kind = "admin"
	case author == string(tender.RoleReviewer):
		kind = "reviewer"
	case author == string(tender.RoleBot):
		kind = "bot"
	case author != "" && (author == newer.owner || (older != nil && author == older.owner)):
		kind = "owner"
	case newer.complainants[author]:
		kind = "complainant"
	case bidsPublic && newer.bidders[author]:
		kind = "bidder"
	case older != nil && older.status == tender.StatusAuction:
		kind = "auction"
	}
	return tenderLabel{kind, tr(lang, "tender.who."+kind)}
}

// tenderHistoryCache keeps the timelines last built: a version's history
// never changes, so (service, tender, revision, language) names it. A
// popular tender is rebuilt once per change, not once per view.
var tenderHistoryCache = &tenderLRU{max: 256, m: map[tenderHistoryKey]tenderTimeline{}}

type tenderHistoryKey struct {
	svc  *tender.Service
	id   string
	rev  int64
	lang string
}

// tenderLRU is a small map that forgets its oldest entries first.
type tenderLRU struct {
	mu    sync.Mutex
	max   int
	m     map[tenderHistoryKey]tenderTimeline
	order []tenderHistoryKey
}

func (c *tenderLRU) get(k tenderHistoryKey) (tenderTimeline, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tl, ok := c.m[k]
	return tl, ok
}

func (c *tenderLRU) put(k tenderHistoryKey, tl tenderTimeline) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[k] = tl
	c.order = append(c.order, k)
}
