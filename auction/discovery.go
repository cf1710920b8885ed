package auction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/prozorro-go/prozorro/tender"
)

// feedState is the feed follower's record: where it is in the feed, and the
// tenders whose processing failed, retried every tick.
type feedState struct {
	Cursor string   `json:"cursor"`
	Retry  []string `json:"retry,omitempty"`
}

// feedPages is how many feed pages one tick reads at most.
const feedPages = 10

// discover follows the tender feed while this worker holds the feed lease:
// it creates the auctions of tenders in active.auction and leaves notes for
// auctions whose tender was planned again, cancelled, or revealed names.
func (w *Worker) discover(ctx context.Context) error {
	if ok, err := w.lease(ctx, feedLease); err != nil || !ok {
		return err
	}
	if w.feed == nil {
		st := &feedState{}
		raw, err := w.Store.State(ctx, "feed")
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(raw, st); err != nil {
				return fmt.Errorf("feed record: %w", err)
			}
		}
		w.feed = st
	}
	st := w.feed
	var errs []error
	retry := st.Retry[:0:0]
	for _, id := range st.Retry {
		if err := w.tenderChanged(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("tender %s: %w", id, err))
			retry = append(retry, id)
		}
	}
	retried := len(retry) != len(st.Retry)
	st.Retry = retry
	for range feedPages {
		page, err := w.Tenders.Feed(ctx, st.Cursor)
		if err != nil {
			errs = append(errs, fmt.Errorf("feed: %w", err))
			break
		}
		for _, t := range page.Items {
			if !w.relevant(ctx, t) {
				continue
			}
			if err := w.tenderChanged(ctx, t.ID); err != nil {
				errs = append(errs, fmt.Errorf("tender %s: %w", t.ID, err))
				if !slices.Contains(st.Retry, t.ID) {
					st.Retry = append(st.Retry, t.ID)
				}
			}
		}
		moved := len(page.Items) > 0 && page.Next != "" && page.Next != st.Cursor
		if moved {
			st.Cursor = page.Next
		}
		if moved || retried {
			if err := w.saveFeed(ctx, st); err != nil {
				return errors.Join(append(errs, err)...)
			}
			retried = false
		}
		if !moved {
			break
		}
	}
	return errors.Join(errs...)
}

// saveFeed writes the feed record if this worker still holds the feed.
func (w *Worker) saveFeed(ctx context.Context, st *feedState) error {
	if ok, err := w.lease(ctx, feedLease); err != nil || !ok {
		return err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return w.Store.PutState(ctx, "feed", raw)
}

// relevant reports whether a feed item may concern an auction: a tender in
// active.auction, or one past it with an auction in the store.
func (w *Worker) relevant(ctx context.Context, t *tender.Tender) bool {
	switch t.Status {
	case tender.StatusAuction:
		return true
	case tender.StatusQualification, tender.StatusAwarded, tender.StatusComplete,
		tender.StatusUnsuccessful, tender.StatusCancelled:
	default:
		return false
	}
	for _, key := range auctionKeys(t) {
		if _, err := w.Store.Get(ctx, auctionID(t.ID, key)); !errors.Is(err, ErrNotFound) {
			return true // an error is handled by tenderChanged's retries
		}
	}
	return false
}

// auctionKeys are a tender's possible auctions: "" without lots, else each
// lot's id.
func auctionKeys(t *tender.Tender) []string {
	if len(t.Lots) == 0 {
		return []string{""}
	}
	keys := make([]string, len(t.Lots))
	for i, l := range t.Lots {
		keys[i] = l.ID
	}
	return keys
}

func auctionID(tenderID, lot string) string {
	if lot == "" {
		return tenderID
	}
	return tenderID + "_" + lot
}

// tenderChanged reads tender id as the auction role sees it and brings its
// auctions in line: creates the missing ones, and notes a new start, a
// cancellation or the bidders' names for existing ones.
func (w *Worker) tenderChanged(ctx context.Context, id string) error {
	t, err := w.Tenders.Auction(ctx, id)
	if err != nil {
		return err
	}
	var errs []error
	for _, key := range auctionKeys(t) {
		if err := w.lotChanged(ctx, t, key); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) lotChanged(ctx context.Context, t *tender.Tender, key string) error {
	id := auctionID(t.ID, key)
	a, err := w.Store.Get(ctx, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	open, done := auctionOpen(t, key)
	ap := lotPeriod(t, key)
	offers := activeOffers(t, key)
	if a == nil {
		if !open || ap == nil || ap.StartDate == nil || len(offers) < 2 {
			return nil
		}
		in, err := w.input(t, key, offers)
		if err != nil {
			return err
		}
		a, err := New(in)
		if err != nil {
			return err
		}
		if err := w.Store.Create(ctx, a); err != nil && !errors.Is(err, ErrExists) {
			return err
		}
		w.log().Info("auction planned", "auction", a.ID, "start", a.Start, "bidders", len(a.Bidders))
		return nil
	}
	n := Note{AuctionID: id, Version: t.DateModified.UnixNano()}
	n.ID = fmt.Sprintf("%s#%d", id, n.Version)
	final := a.Status == StatusComplete || a.Status == StatusCancelled
	switch {
	case final:
	case open && len(offers) < 2:
		n.Cancelled = true
	case open:
		if ap != nil && ap.StartDate != nil && !ap.StartDate.Equal(a.Start) && a.Status == StatusScheduled {
			n.Start = *ap.StartDate
		}
	case !done:
		n.Cancelled = true
	}
	if !a.Revealed && revealed(t.Status) {
		n.Names = map[string]string{}
		for _, b := range t.Bids {
			var names []string
			for _, o := range b.Tenderers {
				names = append(names, o.Name)
			}
			n.Names[b.ID] = strings.Join(names, "; ")
		}
	}
	if !n.Cancelled && n.Start.IsZero() && n.Names == nil {
		return nil
	}
	return w.Store.AddNote(ctx, n)
}

// revealed reports the tender statuses in which bidder names are shown.
func revealed(s tender.Status) bool {
	switch s {
	case tender.StatusQualification, tender.StatusAwarded, tender.StatusComplete, tender.StatusUnsuccessful:
		return true
	}
	return false
}

func lotPeriod(t *tender.Tender, key string) *tender.Period {
	if key == "" {
		return t.AuctionPeriod
	}
	for _, l := range t.Lots {
		if l.ID == key {
			return l.AuctionPeriod
		}
	}
	return nil
}

// activeOffers returns the bids competing in lot key's auction, in bid
// order: the bid active (or pending) and, with lots, its lot value not
// turned down.
func activeOffers(t *tender.Tender, key string) []InputBid {
	var out []InputBid
	for i := range t.Bids {
		b := &t.Bids[i]
		if b.Status != tender.BidActive && b.Status != tender.BidPending {
			continue
		}
		v, date := b.Value, b.Date
		if key != "" {
			v = nil
			for _, lv := range b.LotValues {
				if lv.RelatedLot == key && (lv.Status == "" || lv.Status == tender.BidActive || lv.Status == tender.BidPending) {
					v = lv.Value
					if lv.Date != nil {
						date = *lv.Date
					}
				}
			}
		}
		if v == nil {
			continue
		}
		out = append(out, InputBid{BidID: b.ID, Amount: v.Amount, Denominator: Denominator(t, b, key), Date: date})
	}
	return out
}

// Denominator returns bid b's feature coefficient on lot key ("" without
// lots) exactly, as the tender computes it: 1 + Σ params / (1 − Σ max
// feature values) over the features of the tenderer, the lot and its items;
// 1 when no feature applies.
func Denominator(t *tender.Tender, b *tender.Bid, key string) *big.Rat {
	one := big.NewRat(1, 1)
	sumMax, sumParams := new(big.Rat), new(big.Rat)
	applies := false
	for _, f := range t.Features {
		switch f.FeatureOf {
		case "tenderer":
		case "lot":
			if f.RelatedItem != key {
				continue
			}
		case "item":
			related := false
			for _, it := range t.Items {
				if it.ID == f.RelatedItem && (key == "" || it.RelatedLot == key) {
					related = true
				}
			}
			if !related {
				continue
			}
		default:
			continue
		}
		applies = true
		var max *big.Rat
		for _, e := range f.Enum {
			if r := e.Value.Decimal().Rat(); max == nil || r.Cmp(max) > 0 {
				max = r
			}
		}
		if max != nil {
			sumMax.Add(sumMax, max)
		}
		for _, p := range b.Parameters {
			if p.Code == f.Code {
				sumParams.Add(sumParams, p.Value.Decimal().Rat())
			}
		}
	}
	rest := new(big.Rat).Sub(one, sumMax)
	if !applies || rest.Sign() <= 0 {
		return one
	}
	d := new(big.Rat).Quo(sumParams, rest)
	return d.Add(d, one)
}

var acceleratorRE = regexp.MustCompile(`(?:^|[\s,])accelerator=(\d+)(?:$|[\s,])`)

// Accelerator reads the sandbox accelerator N of "quick, accelerator=N"; 1
// when there is none.
func Accelerator(procurementMethodDetails string) int {
	m := acceleratorRE.FindStringSubmatch(procurementMethodDetails)
	if m == nil {
		return 1
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// input builds lot key's auction from the tender.
func (w *Worker) input(t *tender.Tender, key string, offers []InputBid) (Input, error) {
	in := Input{TenderID: t.ID, TenderRef: t.TenderID, LotID: key, Title: t.Title, Currency: t.Value.Currency, Bids: offers}
	step, ap := t.MinimalStep, t.AuctionPeriod
	if key != "" {
		found := false
		for _, l := range t.Lots {
			if l.ID == key {
				found = true
				in.Title, in.Currency, step, ap = l.Title, l.Value.Currency, l.MinimalStep, l.AuctionPeriod
			}
		}
		if !found {
			return Input{}, fmt.Errorf("lot %s not in tender %s", key, t.ID)
		}
	}
	if step != nil {
		in.MinimalStep = step.Amount
	} else {
		in.MinimalStep = tender.MustAmount("0")
	}
	in.Start = *ap.StartDate
	d := w.Durations
	if d.Rounds == 0 {
		d = DefaultDurations()
	}
	acc := Accelerator(t.ProcurementMethodDetails)
	if w.MaxAccelerator > 0 && acc > w.MaxAccelerator {
		acc = w.MaxAccelerator
	}
	in.Durations = d.Accelerated(acc)
	if w.Service != nil {
		in.Grace = w.Service.Grace // covers writes, so not accelerated
	}
	return in, nil
}
