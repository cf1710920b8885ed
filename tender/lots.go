package tender

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// A tender without lots is handled as one implicit lot whose key is "": its
// value, minimal step, auction period and bids' values are the tender's own.
// Every per-lot rule below works on keys, so both shapes share one path.

// lotKeys returns the keys of the lots that can still be bid on, awarded or
// cancelled, in order: lot ids, or "" for a tender without lots.
func (t *Tender) lotKeys() []string {
	if len(t.Lots) == 0 {
		return []string{""}
	}
	var out []string
	for _, l := range t.Lots {
		if l.Status == LotActive {
			out = append(out, l.ID)
		}
	}
	return out
}

func (t *Tender) lot(id string) *Lot {
	for i := range t.Lots {
		if t.Lots[i].ID == id {
			return &t.Lots[i]
		}
	}
	return nil
}

// lotOpen reports whether lot key still takes part in the procedure.
func (t *Tender) lotOpen(key string) bool {
	if key == "" {
		return len(t.Lots) == 0 && !t.Status.Final()
	}
	l := t.lot(key)
	return l != nil && l.Status == LotActive
}

// closeLot sets a lot's final status; for the implicit lot it is the
// tender's own (the caller derives the tender status from the lots).
func (t *Tender) closeLot(key, status string, now time.Time) {
	if key == "" {
		switch status {
		case LotComplete:
			t.Status = StatusComplete
		case LotUnsuccessful:
			t.Status = StatusUnsuccessful
		case LotCancelled:
			t.Status = StatusCancelled
		}
		return
	}
	if l := t.lot(key); l != nil && l.Status == LotActive {
		l.Status = status
		l.Date = ptr(now)
	}
}

// lotValue returns the budget of lot key.
func (t *Tender) lotValue(key string) Value {
	if l := t.lot(key); l != nil {
		return l.Value
	}
	return t.Value
}

// lotMinimalStep returns the minimal auction step of lot key, or nil.
func (t *Tender) lotMinimalStep(key string) *Value {
	if l := t.lot(key); l != nil {
		return l.MinimalStep
	}
	return t.MinimalStep
}

// lotAuctionPeriod returns the auction period of lot key (nil when none).
func (t *Tender) lotAuctionPeriod(key string) **Period {
	if l := t.lot(key); l != nil {
		return &l.AuctionPeriod
	}
	return &t.AuctionPeriod
}

// offer is a bid's offer for one lot: its value and status, whichever shape
// the bid has.
type offer struct {
	bid *Bid
	lv  *LotValue // nil for a tender without lots
}

func (o offer) value() *Value {
	if o.lv != nil {
		return o.lv.Value
	}
	return o.bid.Value
}

func (o offer) setValue(v *Value) {
	if o.lv != nil {
		o.lv.Value = v
	} else {
		o.bid.Value = v
	}
}

func (o offer) initialValue() *Value {
	if o.lv != nil {
		return o.lv.InitialValue
	}
	return o.bid.InitialValue
}

func (o offer) weighted() **WeightedValue {
	if o.lv != nil {
		return &o.lv.WeightedValue
	}
	return &o.bid.WeightedValue
}

// active reports an offer still competing: the bid is active (or pending
// before activation) and, with lots, its lot value was not turned down.
func (o offer) active() bool {
	if o.bid.Status != BidActive && o.bid.Status != BidPending {
		return false
	}
	return o.lv == nil || o.lv.Status == "" || o.lv.Status == BidActive || o.lv.Status == BidPending
}

// offerFor returns b's offer for lot key, or false when b does not bid on it.
func (b *Bid) offerFor(key string) (offer, bool) {
	if key == "" {
		return offer{bid: b}, b.Value != nil
	}
	for i := range b.LotValues {
		if b.LotValues[i].RelatedLot == key {
			return offer{bid: b, lv: &b.LotValues[i]}, true
		}
	}
	return offer{}, false
}

// offers returns the competing offers for lot key, in bid order.
func (t *Tender) offers(key string) []offer {
	var out []offer
	for i := range t.Bids {
		if o, ok := t.Bids[i].offerFor(key); ok && o.active() {
			out = append(out, o)
		}
	}
	return out
}

// featuresOf returns the features that apply to lot key: tenderer features,
// the lot's own, and those of the lot's items.
func (t *Tender) featuresOf(key string) []Feature {
	var out []Feature
	for _, f := range t.Features {
		switch f.FeatureOf {
		case "tenderer":
			out = append(out, f)
		case "lot":
			if f.RelatedItem == key {
				out = append(out, f)
			}
		case "item":
			if it := t.item(f.RelatedItem); it != nil && (key == "" || it.RelatedLot == key) {
				out = append(out, f)
			}
		}
	}
	return out
}

var ratOne = big.NewRat(1, 1)

// ratFromDecimal converts an exact decimal to an exact rational.
func ratFromDecimal(d decimal.Decimal) *big.Rat {
	if e := d.Exponent(); e < 0 {
		return new(big.Rat).SetFrac(d.Coefficient(), pow10(-e))
	} else {
		return new(big.Rat).SetInt(new(big.Int).Mul(d.Coefficient(), pow10(e)))
	}
}

func pow10(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// denominator returns 1 + Σ params / (1 − Σ max feature values) for bid b on
// lot key, exactly; 1 when no feature applies.
func (t *Tender) denominator(b *Bid, key string) *big.Rat {
	features := t.featuresOf(key)
	if len(features) == 0 {
		return new(big.Rat).Set(ratOne)
	}
	sumMax, sumParams := new(big.Rat), new(big.Rat)
	for _, f := range features {
		var max *big.Rat
		for _, e := range f.Enum {
			if r := ratFromDecimal(e.Value.d); max == nil || r.Cmp(max) > 0 {
				max = r
			}
		}
		if max != nil {
			sumMax.Add(sumMax, max)
		}
		for _, p := range b.Parameters {
			if p.Code == f.Code {
				sumParams.Add(sumParams, ratFromDecimal(p.Value.d))
			}
		}
	}
	rest := new(big.Rat).Sub(ratOne, sumMax)
	if rest.Sign() <= 0 {
		return new(big.Rat).Set(ratOne)
	}
	d := new(big.Rat).Quo(sumParams, rest)
	return d.Add(d, ratOne)
}

// weightedRat returns the exact ranking price of an offer: amount /
// denominator.
func (t *Tender) weightedRat(o offer, key string) *big.Rat {
	v := o.value()
	return new(big.Rat).Quo(ratFromDecimal(v.Amount.d), t.denominator(o.bid, key))
}

// calcWeightedValues stores each offer's weighted value when the tender has
// features (rounded for display; ranking recomputes the exact quotient).
func (t *Tender) calcWeightedValues() {
	if len(t.Features) == 0 {
		return
	}
	for _, key := range t.lotKeys() {
		for _, o := range t.offers(key) {
			if o.value() == nil {
				continue
			}
			den := t.denominator(o.bid, key)
			w := new(big.Rat).Quo(ratFromDecimal(o.value().Amount.d), den)
			v := o.value()
			*o.weighted() = &WeightedValue{
				Amount:      Amount{ratDecimal(w, 2)},
				Currency:    v.Currency,
				VAT:         v.ValueAddedTaxIncluded,
				Denominator: Amount{ratDecimal(den, 10)},
			}
		}
	}
}

// ratDecimal rounds r half away from zero to places digits.
func ratDecimal(r *big.Rat, places int32) decimal.Decimal {
	num := decimal.NewFromBigInt(r.Num(), 0)
	den := decimal.NewFromBigInt(r.Denom(), 0)
	return num.DivRound(den, places+4).Round(places)
}

// rankOffers sorts offers best first: by exact weighted price (or price),
// then the earlier bid.
func (t *Tender) rankOffers(key string, os []offer) {
	prices := make(map[*Bid]*big.Rat, len(os))
	for _, o := range os {
		prices[o.bid] = t.weightedRat(o, key)
	}
	sort.SliceStable(os, func(i, j int) bool {
		if c := prices[os[i].bid].Cmp(prices[os[j].bid]); c != 0 {
			return c < 0
		}
		return bidTime(os[i].bid).Before(bidTime(os[j].bid))
	})
}

// bidTime is the bid's date (its last change), for tie-breaks.
func bidTime(b *Bid) time.Time { return b.Date }

// validateLots checks the lots and the tender's relation to them: lot values
// in the tender's currency, minimal steps, tender value = Σ lots.
func (t *Tender) validateLots(p *Problems) {
	if len(t.Lots) == 0 {
		return
	}
	seen := map[string]bool{}
	sum := decimal.Zero
	var guarantee decimal.Decimal
	hasGuarantee := false
	for i := range t.Lots {
		l := &t.Lots[i]
		name := fmt.Sprintf("lots[%d]", i)
		if seen[l.ID] {
			p.Add(name+".id", "Lot id should be uniq for all lots")
		}
		seen[l.ID] = true
		if l.Title == "" {
			p.Add(name+".title", "This field is required.")
		}
		if l.Value.Currency == "" {
			l.Value.Currency = t.Value.Currency
		}
		if l.Value.ValueAddedTaxIncluded == nil {
			l.Value.ValueAddedTaxIncluded = t.Value.ValueAddedTaxIncluded
		}
		validateValue(name+".value", &l.Value, p)
		if l.Value.Currency != t.Value.Currency {
			p.Add(name+".value.currency", "currency should be identical to currency of value of tender")
		}
		if boolOr(l.Value.ValueAddedTaxIncluded, true) != boolOr(t.Value.ValueAddedTaxIncluded, true) {
			p.Add(name+".value.valueAddedTaxIncluded", "valueAddedTaxIncluded should be identical to valueAddedTaxIncluded of value of tender")
		}
		sum = sum.Add(l.Value.Amount.d)
		if l.Guarantee != nil {
			hasGuarantee = true
			guarantee = guarantee.Add(l.Guarantee.Amount.d)
		}
		if t.Config.HasAuction && !t.rules().limited() && l.MinimalStep == nil {
			p.Add(name+".minimalStep", "This field is required.")
		}
		if l.MinimalStep != nil {
			if l.MinimalStep.Currency == "" {
				l.MinimalStep.Currency = l.Value.Currency
			}
			validateValue(name+".minimalStep", l.MinimalStep, p)
			validateStep(name+".minimalStep", l.MinimalStep, l.Value, p)
		}
	}
	if t.MinimalStep != nil {
		p.Add("minimalStep", "Rogue field: with lots the minimal step is set per lot")
	}
	// With lots the tender's budget and guarantee are the sums of the lots'.
	t.Value.Amount = Amount{sum}
	if hasGuarantee {
		t.Guarantee = &Money{Amount: Amount{guarantee}, Currency: t.Value.Currency}
	}
	for i, it := range t.Items {
		switch {
		case it.RelatedLot == "":
			p.Add(fmt.Sprintf("items[%d].relatedLot", i), "This field is required when the tender has lots.")
		case !seen[it.RelatedLot]:
			p.Add(fmt.Sprintf("items[%d].relatedLot", i), "relatedLot should be one of lots")
		}
	}
}

// validateStep checks a minimal step against its value: 0.5–3 % of it, in
// its currency and VAT mode, and below it.
func validateStep(name string, ms *Value, v Value, p *Problems) {
	if !v.Amount.IsPositive() {
		return
	}
	if ms.Currency != v.Currency {
		p.Add(name+".currency", "currency should be identical to currency of value of tender")
	}
	if ms.ValueAddedTaxIncluded != nil && boolOr(ms.ValueAddedTaxIncluded, true) != boolOr(v.ValueAddedTaxIncluded, true) {
		p.Add(name+".valueAddedTaxIncluded", "valueAddedTaxIncluded should be identical to valueAddedTaxIncluded of value of tender")
	}
	ms.ValueAddedTaxIncluded = v.ValueAddedTaxIncluded
	low := v.Amount.d.Mul(decimal.RequireFromString("0.005")).Round(2)
	high := v.Amount.d.Mul(decimal.RequireFromString("0.03")).Round(2)
	if ms.Amount.d.Cmp(v.Amount.d) >= 0 {
		p.Add(name+".amount", "value should be less than value of tender")
	} else if ms.Amount.d.Cmp(low) < 0 || ms.Amount.d.Cmp(high) > 0 {
		p.Add(name+".amount", "minimalstep must be between 0.5%% and 3%% of value (with 2 digits precision): from %s to %s", low, high)
	}
}

var maxFeatureValue = decimal.RequireFromString("0.3")

// validateFeatures checks codes, what each feature belongs to, enum values
// 0–0.3 and Σ max ≤ 0.3 for every lot.
func (t *Tender) validateFeatures(p *Problems) {
	codes := map[string]bool{}
	for i, f := range t.Features {
		name := fmt.Sprintf("features[%d]", i)
		if f.Code == "" {
			p.Add(name+".code", "This field is required.")
		} else if codes[f.Code] {
			p.Add(name+".code", "Feature code should be uniq for all features")
		}
		codes[f.Code] = true
		if f.Title == "" {
			p.Add(name+".title", "This field is required.")
		}
		switch f.FeatureOf {
		case "tenderer":
			if f.RelatedItem != "" {
				p.Add(name+".relatedItem", "relatedItem is not allowed for featureOf tenderer")
			}
		case "lot":
			if t.lot(f.RelatedItem) == nil {
				p.Add(name+".relatedItem", "relatedItem should be one of lots")
			}
		case "item":
			if t.item(f.RelatedItem) == nil {
				p.Add(name+".relatedItem", "relatedItem should be one of items")
			}
		default:
			p.Add(name+".featureOf", "Value must be one of: tenderer, lot, item")
		}
		if len(f.Enum) == 0 {
			p.Add(name+".enum", "Please provide at least 1 item.")
		}
		vals := map[string]bool{}
		for j, e := range f.Enum {
			en := fmt.Sprintf("%s.enum[%d]", name, j)
			if e.Value.d.IsNegative() || e.Value.d.Cmp(maxFeatureValue) > 0 {
				p.Add(en+".value", "Float value should be from 0 to 0.3.")
			}
			if vals[e.Value.d.String()] {
				p.Add(en+".value", "Feature value should be uniq for feature")
			}
			vals[e.Value.d.String()] = true
			if e.Title == "" {
				p.Add(en+".title", "This field is required.")
			}
		}
	}
	if len(t.Features) == 0 {
		return
	}
	keys := []string{""}
	if len(t.Lots) > 0 {
		keys = nil
		for _, l := range t.Lots {
			keys = append(keys, l.ID)
		}
	}
	for _, key := range keys {
		sum := decimal.Zero
		for _, f := range t.featuresOf(key) {
			max := decimal.Zero
			for _, e := range f.Enum {
				max = decimal.Max(max, e.Value.d)
			}
			sum = sum.Add(max)
		}
		if sum.Cmp(maxFeatureValue) > 0 {
			name := "features"
			if key != "" {
				name = "features (lot " + key + ")"
			}
			p.Add(name, "Sum of max value of all features should be less then or equal to 30%%")
		}
	}
}

// validateParameters checks a bid's answers: exactly one per applicable
// feature, each one of the feature's values.
func (t *Tender) validateParameters(b *Bid, p *Problems) {
	if len(t.Features) == 0 {
		if len(b.Parameters) > 0 {
			p.Add("parameters", "Rogue field: the tender has no features")
		}
		return
	}
	need := map[string]Feature{}
	keys := []string{""}
	if len(t.Lots) > 0 {
		keys = nil
		for _, lv := range b.LotValues {
			keys = append(keys, lv.RelatedLot)
		}
	}
	for _, key := range keys {
		for _, f := range t.featuresOf(key) {
			need[f.Code] = f
		}
	}
	got := map[string]bool{}
	for i, pr := range b.Parameters {
		name := fmt.Sprintf("parameters[%d]", i)
		f, ok := need[pr.Code]
		if !ok {
			p.Add(name+".code", "code should be one of feature code.")
			continue
		}
		if got[pr.Code] {
			p.Add(name+".code", "Parameter code should be uniq for all parameters")
		}
		got[pr.Code] = true
		match := false
		for _, e := range f.Enum {
			match = match || e.Value.d.Equal(pr.Value.d)
		}
		if !match {
			p.Add(name+".value", "value should be one of feature value.")
		}
	}
	for code := range need {
		if !got[code] {
			p.Add("parameters", "All features parameters is required.")
			break
		}
	}
}

// before returns the moment days (working or calendar) before end: the
// backward counterpart of Calendar.AddDuration, used for deadlines counted
// back from the end of tendering.
func before(cal *Calendar, end time.Time, days int, working bool, accelerator int) time.Time {
	end = end.In(Kyiv)
	if accelerator > 1 {
		return end.Add(-time.Duration(days) * 24 * time.Hour / time.Duration(accelerator))
	}
	if !working {
		return end.AddDate(0, 0, -days)
	}
	at := end
	for counted := 0; counted < days; {
		at = at.AddDate(0, 0, -1)
		if cal.IsWorkingDay(at) {
			counted++
		}
	}
	return at
}
