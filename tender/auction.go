package tender

import (
	"context"
	"math/rand/v2"
	"net/url"
	"time"
)

// Auction planning, as ProZorro computes it on save (openprocurement.api
// state/auction.py, api/constants.py, core/constants.py): a lot's auction
// may start after shouldStartAfter, is placed in a half-hour slot between
// 11:00 and 16:00 Kyiv of a working day, and is planned again when no
// result arrived in the time the auction can take.
const (
	auctionDayStart    = 11 * time.Hour   // AUCTION_DAY_START
	auctionSlots       = 10               // AUCTION_TIME_SLOTS_NUMBER: 11:00–16:00
	auctionSlot        = 30 * time.Minute // HALF_HOUR_SECONDS
	auctionLead        = time.Hour        // the least time between planning and the start
	auctionBidderTime  = 6 * time.Minute  // BIDDER_TIME: three 2-minute turns
	auctionServiceTime = 9 * time.Minute  // SERVICE_TIME: the pauses and announcement
	auctionStandStill  = 15 * time.Minute // AUCTION_STAND_STILL_TIME
	auctionReplanAfter = time.Hour        // AUCTION_REPLAN_BUFFER_MINUTES
)

// auctionRand returns a random integer in [0, n): the slot and the offset
// inside it. Tests replace it with a fixed choice.
var auctionRand = rand.IntN

// auctionShouldStartAfter is the earliest moment lot auctions may start:
// the Kyiv midnight after tenderPeriod.endDate (qualificationPeriod.endDate
// with pre-qualification), or after a complaint that held the tender there
// was decided (tendererActionDate for an upheld one), whichever is later.
// An accelerated tender uses after, the moment it left tendering or
// pre-qualification, as it is.
func (t *Tender) auctionShouldStartAfter(after time.Time) time.Time {
	if t.accelerator() > 1 {
		return after.In(Kyiv)
	}
	at := after
	complaints := t.Complaints
	switch {
	case t.Config.HasPrequalification && t.QualificationPeriod != nil && t.QualificationPeriod.EndDate != nil:
		at = *t.QualificationPeriod.EndDate
		complaints = nil
		for _, q := range t.Qualifications {
			complaints = append(complaints, q.Complaints...)
		}
	case t.TenderPeriod != nil && t.TenderPeriod.EndDate != nil:
		at = *t.TenderPeriod.EndDate
	}
	for _, c := range complaints {
		unblocked := c.DateDecision
		if c.TendererActionDate != nil {
			unblocked = c.TendererActionDate
		}
		if unblocked != nil && unblocked.After(at) {
			at = *unblocked
		}
	}
	y, m, d := at.In(Kyiv).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, Kyiv)
}

// auctionStart plans an auction start after shouldStartAfter as seen at now
// (a replanned auction passes now for both). max(shouldStartAfter, now) +
// 1 h is moved to the next working day when it falls on a day off or at
// 11:00 or later, and the auction takes a random one of the day's ten
// half-hour slots from 11:00 plus a random offset inside it. In the sandbox
// (accelerator > 1) the start is shouldStartAfter + 1 h / accelerator, or
// now when the chronograph came later than that, so that a quick tender
// goes on at once.
func (t *Tender) auctionStart(shouldStartAfter, now time.Time, cal *Calendar) time.Time {
	if acc := t.accelerator(); acc > 1 {
		at := shouldStartAfter.Add(auctionLead / time.Duration(acc)).In(Kyiv).Truncate(time.Microsecond)
		if at.Before(now) {
			at = now
		}
		return at
	}
	at := shouldStartAfter
	if now.After(at) {
		at = now
	}
	at = at.Add(auctionLead).In(Kyiv)
	y, m, d := at.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, Kyiv)
	if !cal.IsWorkingDay(day) || at.Sub(day) >= auctionDayStart {
		for d++; !cal.IsWorkingDay(time.Date(y, m, d, 12, 0, 0, 0, Kyiv)); d++ {
		}
	}
	slot := time.Duration(auctionRand(auctionSlots)) * auctionSlot
	offset := time.Duration(auctionRand(int(auctionSlot/time.Microsecond))) * time.Microsecond
	return time.Date(y, m, d, 11, 0, 0, 0, Kyiv).Add(slot + offset)
}

// planAuction sets lot key's auction period: shouldStartAfter and a start.
func (t *Tender) planAuction(key string, after, now time.Time, cal *Calendar) {
	after = t.auctionShouldStartAfter(after)
	ap := t.lotAuctionPeriod(key)
	if *ap == nil {
		*ap = &Period{}
	}
	(*ap).ShouldStartAfter = ptr(after)
	(*ap).StartDate = ptr(t.auctionStart(after, now, cal))
}

// auctionReplanAt returns when lot key's planned auction is given up for
// lost and planned again: its start plus the time it takes (6 minutes a
// bidder and 9 of service), the 15-minute stand-still and an hour's margin;
// nil when the lot waits for no auction. As in ProZorro (procedure/utils.py:
// calc_auction_replan_time) the margin is real time even in the sandbox:
// the auction service slows accelerated auctions down to be playable
// (auction.Worker.MaxAccelerator), so an accelerated margin would replan
// auctions while they run, and the replanning saves would race with the
// results.
func (t *Tender) auctionReplanAt(key string) *time.Time {
	ap := *t.lotAuctionPeriod(key)
	if ap == nil || ap.StartDate == nil || ap.EndDate != nil {
		return nil
	}
	d := time.Duration(len(t.offers(key)))*auctionBidderTime + auctionServiceTime + auctionStandStill + auctionReplanAfter
	at := ap.StartDate.Add(d)
	return &at
}

// replanAuctions plans again every auction whose replanning time has come
// and reports whether any was.
func (t *Tender) replanAuctions(now time.Time, cal *Calendar) bool {
	changed := false
	for _, key := range t.auctionLots() {
		if at := t.auctionReplanAt(key); at != nil && !at.After(now) {
			(*t.lotAuctionPeriod(key)).StartDate = ptr(t.auctionStart(now, now, cal))
			changed = true
		}
	}
	return changed
}

// checkAuctionLot checks that the auction of lot key ("" without lots)
// waits for its service: the tender is in active.auction, the lot exists
// and its auction has no result yet.
func (t *Tender) checkAuctionLot(key, what string) error {
	if t.Status != StatusAuction {
		return statusForbidden(what, t.Status)
	}
	if key != "" && t.lot(key) == nil {
		return NotFound("lot_id")
	}
	if len(t.Lots) > 0 && key == "" {
		return Forbidden("Use /auction/{lot_id}: each lot has its own auction")
	}
	for _, k := range t.auctionLots() {
		if k == key {
			return nil
		}
	}
	return Forbidden("Can't %s for a lot without an auction in progress", what)
}

// AuctionURLs is the auction role's PATCH /auction[/{lot_id}] body: where the
// auction is held and each participant's personal link. Bids are aligned
// with the tender's bids; a bid outside this auction may be {} or its id.
type AuctionURLs struct {
	AuctionURL string          `json:"auctionUrl"`
	Bids       []AuctionURLBid `json:"bids"`
}

// AuctionURLBid is one bid's link: participationUrl for a tender without
// lots, the lot value's participationUrl with lots.
type AuctionURLBid struct {
	ID               string               `json:"id"`
	ParticipationURL string               `json:"participationUrl"`
	LotValues        []AuctionURLLotValue `json:"lotValues"`
}

// AuctionURLLotValue is one lot value's link; {} stands for a lot value of
// another lot.
type AuctionURLLotValue struct {
	RelatedLot       string `json:"relatedLot"`
	ParticipationURL string `json:"participationUrl"`
}

// setAuctionURLs records lot key's auction URL and its participants' links.
// All participants get a link or none does; nothing changes on a refusal.
func (t *Tender) setAuctionURLs(key string, in AuctionURLs) error {
	if err := t.checkAuctionLot(key, "set auction URLs"); err != nil {
		return err
	}
	var p Problems
	if in.AuctionURL != "" && !httpURL(in.AuctionURL) {
		p.Add("auctionUrl", "Not a well formed URL.")
	}
	if in.Bids != nil && len(in.Bids) != len(t.Bids) {
		p.Add("bids", "Number of auction bids did not match the number of tender bids")
		return p.Err()
	}
	type link struct {
		o   offer
		url string
	}
	var links []link
	participants := 0
	for i, rb := range in.Bids {
		b := &t.Bids[i]
		name := "bids[" + itoa(i) + "]"
		o, ok := b.offerFor(key)
		inAuction := ok && o.active()
		if inAuction {
			participants++
		}
		if rb.ID != b.ID && (inAuction || rb.ID != "") {
			p.Add(name+".id", "Auction bids should be identical to the tender bids")
			continue
		}
		u := rb.ParticipationURL
		if key == "" {
			if len(rb.LotValues) > 0 {
				p.Add(name+".lotValues", "Rogue field: the tender has no lots")
			}
		} else {
			if u != "" {
				p.Add(name+".participationUrl", "Set participationUrl on the lot value of lot %s", key)
				u = ""
			}
			for j, lv := range rb.LotValues {
				lvName := name + ".lotValues[" + itoa(j) + "]"
				switch {
				case lv.RelatedLot == key:
					u = lv.ParticipationURL
				case lv.ParticipationURL != "":
					p.Add(lvName+".participationUrl", "Only the participationUrl of lot %s can be set here", key)
				case lv.RelatedLot != "" && !bidsOn(b, lv.RelatedLot):
					p.Add(lvName+".relatedLot", "relatedLot should be one of the bid's lot values")
				}
			}
		}
		switch {
		case u == "":
		case !inAuction:
			p.Add(name+".participationUrl", "The bid does not take part in this auction")
		case !httpURL(u):
			p.Add(name+".participationUrl", "Not a well formed URL.")
		default:
			links = append(links, link{o, u})
		}
	}
	if len(links) > 0 && len(links) < participants {
		p.Add("bids", "All bids in the auction should get a participationUrl, or none")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if in.AuctionURL != "" {
		if l := t.lot(key); l != nil {
			l.AuctionURL = in.AuctionURL
		} else {
			t.AuctionURL = in.AuctionURL
		}
	}
	for _, l := range links {
		if l.o.lv != nil {
			l.o.lv.ParticipationURL = l.url
		} else {
			l.o.bid.ParticipationURL = l.url
		}
	}
	return nil
}

// bidsOn reports whether b has a lot value for lot.
func bidsOn(b *Bid, lot string) bool {
	_, ok := b.offerFor(lot)
	return ok
}

// httpURL reports an absolute http(s) URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// PatchAuctionURLs records where the auction of lot ("" for a tender without
// lots) is held and each participant's link (auction role, during
// active.auction). Sending the same URLs again changes nothing.
func (s *Service) PatchAuctionURLs(ctx context.Context, id, lot string, actor Actor, in AuctionURLs) (*Tender, error) {
	if actor.Role != RoleAuction && actor.Role != RoleAdmin {
		return nil, Forbidden("Only the auction role can set auction URLs")
	}
	return s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		return t.setAuctionURLs(lot, in)
	})
}

// auctionDocType is the only document the auction adds: its audit trail,
// whose hash the document carries, added while the tender is in
// active.auction, before the results are posted.
const auctionDocType = "auctionAudit"

// checkAuctionDocument checks a tender document the auction role adds or
// changes (cur is the current version, nil for a new one).
func (t *Tender) checkAuctionDocument(doc Document, cur *Document) error {
	if cur != nil && cur.Author != "auction" {
		return Forbidden("Can update document only author")
	}
	var p Problems
	if doc.DocumentType != auctionDocType {
		p.Add("documentType", "The auction can add only %s documents", auctionDocType)
	}
	switch doc.DocumentOf {
	case "tender":
	case "lot":
		if t.lot(doc.RelatedItem) == nil {
			p.Add("relatedItem", "relatedItem should be one of lots")
		}
	default:
		p.Add("documentOf", "Value must be one of: tender, lot")
	}
	return p.Err()
}
