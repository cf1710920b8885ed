package auction

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/prozorro-go/prozorro/tender"
)

// Durations are the lengths of an auction's stages: ProZorro's 5-minute
// first pause, 2-minute pauses before later rounds, 2-minute turns, three
// rounds and a 2-minute announcement before the results are posted.
type Durations struct {
	FirstPause   time.Duration `json:"firstPause"`
	Pause        time.Duration `json:"pause"`
	Turn         time.Duration `json:"turn"`
	Announcement time.Duration `json:"announcement"`
	Rounds       int           `json:"rounds"`
}

// DefaultDurations returns ProZorro's stage lengths.
func DefaultDurations() Durations {
	return Durations{FirstPause: 5 * time.Minute, Pause: 2 * time.Minute, Turn: 2 * time.Minute,
		Announcement: 2 * time.Minute, Rounds: 3}
}

// Accelerated divides every duration by n (the sandbox accelerator).
func (d Durations) Accelerated(n int) Durations {
	if n <= 1 {
		return d
	}
	k := time.Duration(n)
	return Durations{FirstPause: d.FirstPause / k, Pause: d.Pause / k, Turn: d.Turn / k,
		Announcement: d.Announcement / k, Rounds: d.Rounds}
}

// Status of an auction as a whole.
const (
	StatusScheduled = "scheduled" // planned, not started
	StatusActive    = "active"    // between the start and the announcement
	StatusFinished  = "finished"  // all rounds done: results known, not yet posted
	StatusComplete  = "complete"  // results posted to the tender
	StatusCancelled = "cancelled" // the tender or lot left the auction
)

// Bidder is one bid taking part in the auction.
type Bidder struct {
	BidID string `json:"bidID"`
	// Label is the bidder's fixed number ("Bidder #n"), assigned at the
	// start in descending order of the initial prices.
	Label   int           `json:"label"`
	Name    string        `json:"name,omitempty"` // revealed once the tender is in active.qualification
	Initial tender.Amount `json:"initial"`        // the sealed price
	// Denominator is the bid's feature coefficient 1 + Σp/(1 − Σmax) as an
	// exact fraction ("8/7"); "1" without features. Prices are ranked
	// normalised: amount / denominator.
	Denominator string    `json:"denominator"`
	Date        time.Time `json:"date"` // the bid's date, for ties: the earlier bid wins
}

// Bid is one action in a turn that passed the rules: a price, or a
// withdrawal of the turn's earlier price. Within a turn the last action that
// counts (see Counts) is the bidder's price.
type Bid struct {
	ID       string        `json:"id"`
	BidID    string        `json:"bidID"`
	Round    int           `json:"round"`
	Turn     int           `json:"turn"` // 1-based position in the round
	Amount   tender.Amount `json:"amount"`
	Withdraw bool          `json:"withdraw,omitempty"`
	Time     time.Time     `json:"time"` // when the service validated it, by its clock
	// Stored is when the store committed the bid, by the store's own clock
	// (Store.AddBid); nil while it is not stamped yet.
	Stored *time.Time `json:"stored,omitempty"`
}

// Auction is one auction: of a tender without lots, or of one lot.
type Auction struct {
	ID          string        `json:"id"` // tender id, or tender id + "_" + lot id
	TenderID    string        `json:"tenderID"`
	TenderRef   string        `json:"tenderRef"` // UA-YYYY-MM-DD-NNNNNN-a
	LotID       string        `json:"lotID,omitempty"`
	Title       string        `json:"title"`
	Currency    string        `json:"currency"`
	MinimalStep tender.Amount `json:"minimalStep"`
	Start       time.Time     `json:"start"`
	Durations   Durations     `json:"durations"`
	// Grace is how long after a turn ends a bid may still be stored and
	// count (see Counts). It is part of the plan so that every process
	// applies the same cutoff; auctions planned before it existed read as 0:
	// their cutoff is the turn's end itself.
	Grace   time.Duration `json:"grace"`
	Bidders []Bidder      `json:"bidders"` // in label order
	Bids    []Bid         `json:"bids"`    // as stored, in the order they were made; see Counts
	Status  string        `json:"status"`
	// Revealed is set once bidder names may be shown.
	Revealed bool `json:"revealed,omitempty"`
}

// Input is what an auction is built from: the tender's (or lot's) data as
// the auction role sees it.
type Input struct {
	TenderID, TenderRef, LotID, Title string
	Currency                          string
	MinimalStep                       tender.Amount
	Start                             time.Time
	Durations                         Durations
	Grace                             time.Duration // see Auction.Grace
	Bids                              []InputBid
}

// InputBid is one sealed bid.
type InputBid struct {
	BidID       string
	Amount      tender.Amount
	Denominator *big.Rat // nil means 1
	Date        time.Time
}

// New plans an auction: bidders get their labels in descending order of
// normalised initial price (the worst first), ties putting the later bid
// first, so the leader always bids last.
func New(in Input) (*Auction, error) {
	if len(in.Bids) < 2 {
		return nil, fmt.Errorf("an auction needs at least 2 bids, got %d", len(in.Bids))
	}
	if in.Durations.Rounds < 1 || in.Durations.Turn <= 0 {
		return nil, fmt.Errorf("durations: need at least one round and a positive turn")
	}
	if in.Grace < 0 {
		return nil, fmt.Errorf("grace: must not be negative")
	}
	a := &Auction{
		ID: in.TenderID, TenderID: in.TenderID, TenderRef: in.TenderRef, LotID: in.LotID, Title: in.Title,
		Currency: in.Currency, MinimalStep: in.MinimalStep, Start: in.Start, Durations: in.Durations,
		Grace: in.Grace, Status: StatusScheduled,
	}
	if in.LotID != "" {
		a.ID = in.TenderID + "_" + in.LotID
	}
	for _, b := range in.Bids {
		den := b.Denominator
		if den == nil {
			den = big.NewRat(1, 1)
		}
		a.Bidders = append(a.Bidders, Bidder{BidID: b.BidID, Initial: b.Amount, Denominator: den.RatString(), Date: b.Date})
	}
	prices := make([]tender.Amount, len(a.Bidders))
	for i, b := range a.Bidders {
		prices[i] = b.Initial
	}
	order := a.order(prices)
	sorted := make([]Bidder, len(order))
	for i, k := range order {
		sorted[i] = a.Bidders[k]
		sorted[i].Label = i + 1
	}
	a.Bidders = sorted
	return a, nil
}

// denominator returns bidder i's exact coefficient.
func (a *Auction) denominator(i int) *big.Rat {
	r, ok := new(big.Rat).SetString(a.Bidders[i].Denominator)
	if !ok || r.Sign() <= 0 {
		return big.NewRat(1, 1)
	}
	return r
}

func ratOf(x tender.Amount) *big.Rat {
	r, _ := new(big.Rat).SetString(x.String())
	return r
}

// normalised is bidder i's price amount / denominator, exactly.
func (a *Auction) normalised(i int, amount tender.Amount) *big.Rat {
	return new(big.Rat).Quo(ratOf(amount), a.denominator(i))
}

// order returns bidder indexes in turn order for the given current prices:
// normalised price descending, and on a tie the later bid first.
func (a *Auction) order(prices []tender.Amount) []int {
	idx := make([]int, len(a.Bidders))
	norm := make([]*big.Rat, len(a.Bidders))
	for i := range idx {
		idx[i] = i
		norm[i] = a.normalised(i, prices[i])
	}
	sort.SliceStable(idx, func(x, y int) bool {
		i, j := idx[x], idx[y]
		if c := norm[i].Cmp(norm[j]); c != 0 {
			return c > 0
		}
		return a.Bidders[i].Date.After(a.Bidders[j].Date)
	})
	return idx
}

// Stage kinds.
const (
	StagePause        = "pause"
	StageTurn         = "turn"
	StageAnnouncement = "announcement"
	StageScheduled    = "scheduled"
	StageFinished     = "finished"
)

// Stage is where an auction is at a moment.
type Stage struct {
	Kind  string    `json:"kind"`
	Round int       `json:"round,omitempty"`
	Turn  int       `json:"turn,omitempty"` // 1-based within the round
	Start time.Time `json:"start"`
	End   time.Time `json:"end"` // zero once finished
	// BidID is whose turn it is (turn stages only).
	BidID string `json:"bidID,omitempty"`
	Label int    `json:"label,omitempty"`
}

// roundStart returns when round r (1-based) starts, after its pause.
func (a *Auction) roundStart(r int) time.Time {
	d := a.Durations
	n := time.Duration(len(a.Bidders))
	t := a.Start.Add(d.FirstPause)
	for k := 1; k < r; k++ {
		t = t.Add(n*d.Turn + d.Pause)
	}
	return t
}

// End returns when the last turn ends (the announcement starts).
func (a *Auction) End() time.Time {
	return a.roundStart(a.Durations.Rounds).Add(time.Duration(len(a.Bidders)) * a.Durations.Turn)
}

// ResultsDue returns when the results are announced and may be posted.
func (a *Auction) ResultsDue() time.Time { return a.End().Add(a.Durations.Announcement) }

// StageAt returns the stage at now.
func (a *Auction) StageAt(now time.Time) Stage {
	d := a.Durations
	if now.Before(a.Start) {
		return Stage{Kind: StageScheduled, End: a.Start}
	}
	if now.Before(a.Start.Add(d.FirstPause)) {
		return Stage{Kind: StagePause, Round: 1, Start: a.Start, End: a.Start.Add(d.FirstPause)}
	}
	n := time.Duration(len(a.Bidders))
	for r := 1; r <= d.Rounds; r++ {
		rs := a.roundStart(r)
		if r > 1 && now.Before(rs) {
			return Stage{Kind: StagePause, Round: r, Start: rs.Add(-d.Pause), End: rs}
		}
		if now.Before(rs.Add(n * d.Turn)) {
			k := int(now.Sub(rs) / d.Turn)
			order := a.turnOrder(r)
			i := order[k]
			start := rs.Add(time.Duration(k) * d.Turn)
			return Stage{Kind: StageTurn, Round: r, Turn: k + 1, Start: start, End: start.Add(d.Turn),
				BidID: a.Bidders[i].BidID, Label: a.Bidders[i].Label}
		}
	}
	end := a.End()
	if now.Before(end.Add(d.Announcement)) {
		return Stage{Kind: StageAnnouncement, Start: end, End: end.Add(d.Announcement)}
	}
	return Stage{Kind: StageFinished, Start: end.Add(d.Announcement)}
}

// Cutoff returns the moment bids of (round, turn) must be stored by to
// count: the turn's end plus the auction's grace.
func (a *Auction) Cutoff(round, turn int) time.Time { return a.turnEnd(round, turn).Add(a.Grace) }

// turnEnd returns when turn (round, turn) ends.
func (a *Auction) turnEnd(round, turn int) time.Time {
	return a.roundStart(round).Add(time.Duration(turn) * a.Durations.Turn)
}

// Counts reports whether b counts for its turn once the turn has ended: it
// was stored no later than the turn's Cutoff, by the store's clock. A bid
// not stamped when it was read does not count. This is the one rule: the
// service answers a bidder by it (Service.PlaceBid), and the standings, the
// results and the audit are derived by it, in every process.
func (a *Auction) Counts(b Bid) bool {
	return b.Stored != nil && !b.Stored.After(a.Cutoff(b.Round, b.Turn))
}

// Settled reports whether a, read at now, is final for every turn ended by
// now as far as stamps go: false while a bid of such a turn is read without
// a stamp and its turn's cutoff passed less than a grace ago. A store takes
// its clock for the stamp a moment before the write is visible, so such a
// bid may still turn out stored in time; past cutoff + grace it cannot.
// Readers that publish what counts (the hub at each stage end, the worker's
// results) read again until it holds.
func (a *Auction) Settled(now time.Time) bool {
	for _, b := range a.Bids {
		if b.Stored != nil {
			continue
		}
		if !now.Before(a.turnEnd(b.Round, b.Turn)) && now.Before(a.Cutoff(b.Round, b.Turn).Add(a.Grace)) {
			return false
		}
	}
	return true
}

// last returns bidder i's last action in (round, turn) that counts: for an
// ended turn one that Counts; in the running turn (running) also the
// bidder's own actions not stamped yet, read while their answer is on its
// way, as only the bidder sees the running turn's actions. Nil when none.
func (a *Auction) last(i, round, turn int, running bool) *Bid {
	var got *Bid
	for k := range a.Bids {
		b := &a.Bids[k]
		if b.BidID != a.Bidders[i].BidID || b.Round != round || b.Turn != turn {
			continue
		}
		if a.Counts(*b) || running && b.Stored == nil {
			got = b
		}
	}
	return got
}

// turnBid returns the price bidder i set in the ended turn (round, turn):
// its last action there that counts, if it is not a withdrawal.
func (a *Auction) turnBid(i, round, turn int) (tender.Amount, bool) {
	got := a.last(i, round, turn, false)
	if got == nil || got.Withdraw {
		return tender.Amount{}, false
	}
	return got.Amount, true
}

// TurnBid returns bidID's own price in the turn running at now (the turn must
// be bidID's): its last action there, own actions not stamped yet included,
// unless that was a withdrawal. It is for the bidder's own view only: the
// running turn's actions stay hidden from others until it ends, and whether
// they count is decided then by Counts.
func (a *Auction) TurnBid(now time.Time, bidID string) (Bid, bool) {
	st := a.StageAt(now)
	if st.Kind != StageTurn || st.BidID != bidID {
		return Bid{}, false
	}
	for i, b := range a.Bidders {
		if b.BidID == bidID {
			if got := a.last(i, st.Round, st.Turn, true); got != nil && !got.Withdraw {
				return *got, true
			}
		}
	}
	return Bid{}, false
}

// pricesAfter returns every bidder's price after the first `turns` turns of
// round r have ended (turns = 0: before the round).
func (a *Auction) pricesAfter(r, turns int) []tender.Amount {
	prices := make([]tender.Amount, len(a.Bidders))
	for i, b := range a.Bidders {
		prices[i] = b.Initial
	}
	for round := 1; round <= r; round++ {
		order := a.orderFor(round, prices)
		limit := len(order)
		if round == r {
			limit = turns
		}
		for k := 0; k < limit; k++ {
			if p, ok := a.turnBid(order[k], round, k+1); ok {
				prices[order[k]] = p
			}
		}
	}
	return prices
}

// orderFor is round r's turn order given the prices before it; round 1
// follows the labels.
func (a *Auction) orderFor(r int, prices []tender.Amount) []int {
	if r == 1 {
		idx := make([]int, len(a.Bidders))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return a.order(prices)
}

// turnOrder returns the bidder indexes of round r in turn order.
func (a *Auction) turnOrder(r int) []int {
	return a.orderFor(r, a.pricesAfter(r-1, len(a.Bidders)))
}

// Standing is one bidder's published position.
type Standing struct {
	Label      int           `json:"label"`
	BidID      string        `json:"bidID,omitempty"` // shown to the auction service and the bidder itself
	Name       string        `json:"name,omitempty"`
	Amount     tender.Amount `json:"amount"`
	Normalised tender.Amount `json:"normalised"` // amount / denominator, rounded to kopecks for display
	Place      int           `json:"place"`
}

// Standings returns the prices published at now: the bids of every ended
// turn that count (Counts), the current turn's bid hidden until it ends.
// Best first.
func (a *Auction) Standings(now time.Time) []Standing {
	st := a.StageAt(now)
	var prices []tender.Amount
	switch st.Kind {
	case StageScheduled, StagePause:
		if st.Kind == StagePause && st.Round > 1 {
			prices = a.pricesAfter(st.Round-1, len(a.Bidders))
		} else {
			prices = a.pricesAfter(0, 0)
		}
	case StageTurn:
		prices = a.pricesAfter(st.Round, st.Turn-1)
	default:
		prices = a.pricesAfter(a.Durations.Rounds, len(a.Bidders))
	}
	return a.rank(prices)
}

// rank orders bidders best first: lowest normalised price, earlier bid on a tie.
func (a *Auction) rank(prices []tender.Amount) []Standing {
	idx := a.order(prices)
	out := make([]Standing, len(idx))
	for k := range idx {
		i := idx[len(idx)-1-k] // order is worst first
		n := a.normalised(i, prices[i])
		out[k] = Standing{Label: a.Bidders[i].Label, BidID: a.Bidders[i].BidID, Amount: prices[i],
			Normalised: tender.AmountFromDecimal(ratDecimal(n)), Place: k + 1}
		if a.Revealed {
			out[k].Name = a.Bidders[i].Name
		}
	}
	return out
}

func ratDecimal(r *big.Rat) decimal.Decimal {
	return decimal.NewFromBigInt(r.Num(), 0).DivRound(decimal.NewFromBigInt(r.Denom(), 0), 2)
}

// Results returns every bidder's final price, keyed by bid id: the bids
// that count (Counts).
func (a *Auction) Results() map[string]tender.Amount {
	prices := a.pricesAfter(a.Durations.Rounds, len(a.Bidders))
	out := make(map[string]tender.Amount, len(prices))
	for i, b := range a.Bidders {
		out[b.BidID] = prices[i]
	}
	return out
}

// Rule names a broken bidding rule; the API maps them to 403 or 422.
type Rule string

// The bidding rules.
const (
	RuleNotBidding  Rule = "not_bidding_stage" // no turn is running
	RuleNotYourTurn Rule = "not_your_turn"
	RuleUnknown     Rule = "unknown_bidder"
	RuleNotPositive Rule = "amount_not_positive"
	RulePrecision   Rule = "amount_precision"
	RuleStep        Rule = "step_not_beaten" // must beat the own current price by the minimal step
	RuleNoBid       Rule = "nothing_to_withdraw"
	// RuleLate: the bid passed the rules but was stored after its turn's
	// cutoff (Counts), so it does not count.
	RuleLate Rule = "stored_too_late"
)

// BidError is a refused bid: the rule it broke and a message for people.
type BidError struct {
	Rule    Rule
	Message string
}

func (e *BidError) Error() string { return e.Message }

func refuse(r Rule, format string, args ...any) *BidError {
	return &BidError{Rule: r, Message: fmt.Sprintf(format, args...)}
}

// Place validates bid id's price (or withdrawal) at now and returns the
// accepted Bid for the caller to persist; a refused bid changes nothing.
// The price must be positive, in kopecks, and at most the bidder's own
// current price minus the minimal step.
func (a *Auction) Place(now time.Time, bidID string, amount tender.Amount, withdraw bool, newID func() string) (Bid, error) {
	i := -1
	for k, b := range a.Bidders {
		if b.BidID == bidID {
			i = k
		}
	}
	if i < 0 {
		return Bid{}, refuse(RuleUnknown, "Not a bidder of this auction")
	}
	st := a.StageAt(now)
	if st.Kind != StageTurn || a.Status == StatusCancelled {
		return Bid{}, refuse(RuleNotBidding, "Bids are accepted only during a turn; now: %s", st.Kind)
	}
	if st.BidID != bidID {
		return Bid{}, refuse(RuleNotYourTurn, "It is Bidder #%d's turn, not yours (Bidder #%d)", st.Label, a.Bidders[i].Label)
	}
	b := Bid{ID: newID(), BidID: bidID, Round: st.Round, Turn: st.Turn, Time: now}
	if withdraw {
		if _, ok := a.TurnBid(now, bidID); !ok {
			return Bid{}, refuse(RuleNoBid, "No bid in this turn to withdraw")
		}
		b.Withdraw = true
		return b, nil
	}
	if !amount.IsPositive() {
		return Bid{}, refuse(RuleNotPositive, "Amount must be greater than 0")
	}
	if amount.Places() > 2 {
		return Bid{}, refuse(RulePrecision, "Amount must have at most 2 decimal places")
	}
	current := a.pricesAfter(st.Round, st.Turn-1)[i]
	limit := current.Decimal().Sub(a.MinimalStep.Decimal())
	if amount.Decimal().Cmp(limit) > 0 {
		return Bid{}, refuse(RuleStep, "Too high value: your price is %s, bid at most %s (minimal step %s)",
			current, limit, a.MinimalStep)
	}
	b.Amount = amount
	return b, nil
}

// Turn is one turn of the audit timeline.
type Turn struct {
	Round  int            `json:"round"`
	Turn   int            `json:"turn"`
	Label  int            `json:"label"`
	BidID  string         `json:"bidID"`
	Start  time.Time      `json:"start"`
	End    time.Time      `json:"end"`
	Amount *tender.Amount `json:"amount,omitempty"` // nil: no bid
	BidAt  *time.Time     `json:"bidTime,omitempty"`
}

// Audit is the full timeline anyone can check the auction against.
type Audit struct {
	AuctionID   string    `json:"auctionID"`
	TenderID    string    `json:"tenderID"`
	TenderRef   string    `json:"tenderRef"`
	LotID       string    `json:"lotID,omitempty"`
	MinimalStep string    `json:"minimalStep"`
	Start       time.Time `json:"start"`
	InitialBids []Bidder  `json:"initialBids"`
	Turns       []Turn    `json:"turns"`
	// Actions are every action that counts (Counts), withdrawals and
	// replaced prices included; bids stored too late are left out, as their
	// bidders were told. The store's stamps are left out too: they are its
	// bookkeeping, and audits published before stamps existed keep their bytes.
	Actions []Bid      `json:"actions"`
	Results []Standing `json:"results"`
}

// Audit returns the timeline of a finished auction.
func (a *Auction) Audit() Audit {
	au := Audit{AuctionID: a.ID, TenderID: a.TenderID, TenderRef: a.TenderRef, LotID: a.LotID,
		MinimalStep: a.MinimalStep.String(), Start: a.Start, InitialBids: a.Bidders}
	for _, b := range a.Bids {
		if a.Counts(b) {
			b.Stored = nil
			au.Actions = append(au.Actions, b)
		}
	}
	d := a.Durations
	for r := 1; r <= d.Rounds; r++ {
		order := a.turnOrder(r)
		rs := a.roundStart(r)
		for k, i := range order {
			t := Turn{Round: r, Turn: k + 1, Label: a.Bidders[i].Label, BidID: a.Bidders[i].BidID,
				Start: rs.Add(time.Duration(k) * d.Turn), End: rs.Add(time.Duration(k+1) * d.Turn)}
			if b := a.last(i, r, k+1, false); b != nil && !b.Withdraw {
				amount, at := b.Amount, b.Time
				t.Amount, t.BidAt = &amount, &at
			}
			au.Turns = append(au.Turns, t)
		}
	}
	au.Results = a.rank(a.pricesAfter(d.Rounds, len(a.Bidders)))
	return au
}
