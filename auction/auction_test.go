package auction_test

import (
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

var start = time.Date(2026, time.March, 2, 11, 0, 0, 0, tender.Kyiv)

func amt(s string) tender.Amount { return tender.MustAmount(s) }

// three bids: A 100000 (earliest), B 95000, C 95000 (later than B).
func newAuction(t *testing.T, edit ...func(*auction.Input)) *auction.Auction {
	t.Helper()
	in := auction.Input{TenderID: "t1", TenderRef: "UA-2026-03-01-000001-a", Title: "Коробки", Currency: "UAH",
		MinimalStep: amt("1000"), Start: start, Durations: auction.DefaultDurations(),
		Bids: []auction.InputBid{
			{BidID: "A", Amount: amt("100000"), Date: start.Add(-3 * time.Hour)},
			{BidID: "B", Amount: amt("95000"), Date: start.Add(-2 * time.Hour)},
			{BidID: "C", Amount: amt("95000"), Date: start.Add(-1 * time.Hour)},
		}}
	for _, e := range edit {
		e(&in)
	}
	a, err := auction.New(in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func seq() func() string {
	n := 0
	return func() string { n++; return fmt.Sprint("b", n) }
}

// at returns the moment of round r, turn k (1-based), plus d.
func at(a *auction.Auction, r, k int, d time.Duration) time.Time {
	dd := a.Durations
	t := a.Start.Add(dd.FirstPause)
	for i := 1; i < r; i++ {
		t = t.Add(time.Duration(len(a.Bidders))*dd.Turn + dd.Pause)
	}
	return t.Add(time.Duration(k-1)*dd.Turn + d)
}

// place places bid's price at now and stores it at once, stamped now.
func place(t *testing.T, a *auction.Auction, now time.Time, bid, amount string) {
	t.Helper()
	b, err := a.Place(now, bid, amt(amount), false, seq())
	if err != nil {
		t.Fatalf("place %s %s at %v: %v", bid, amount, now, err)
	}
	b.Stored = &now
	a.Bids = append(a.Bids, b)
}

func labels(a *auction.Auction) string {
	s := ""
	for _, b := range a.Bidders {
		s += fmt.Sprintf("%s=%d ", b.BidID, b.Label)
	}
	return s
}

func TestLabelsWorstFirstTiesLaterFirst(t *testing.T) {
	a := newAuction(t)
	if got := labels(a); got != "A=1 C=2 B=3 " {
		t.Errorf("labels %q, want A=1 C=2 B=3 (worst price first; on a tie the later bid first)", got)
	}
}

func TestStages(t *testing.T) {
	a := newAuction(t)
	tests := []struct {
		at   time.Time
		kind string
		r, k int
		bid  string
	}{
		{start.Add(-time.Second), auction.StageScheduled, 0, 0, ""},
		{start, auction.StagePause, 1, 0, ""},
		{at(a, 1, 1, 0), auction.StageTurn, 1, 1, "A"},
		{at(a, 1, 2, time.Minute), auction.StageTurn, 1, 2, "C"},
		{at(a, 1, 3, 119*time.Second), auction.StageTurn, 1, 3, "B"},
		{at(a, 2, 1, -time.Second), auction.StagePause, 2, 0, ""},
		{at(a, 3, 3, 0), auction.StageTurn, 3, 3, "B"},
		{at(a, 3, 4, 0), auction.StageAnnouncement, 0, 0, ""},
		{at(a, 3, 4, 2*time.Minute), auction.StageFinished, 0, 0, ""},
	}
	for _, tc := range tests {
		st := a.StageAt(tc.at)
		if st.Kind != tc.kind || st.Round != tc.r || st.Turn != tc.k || st.BidID != tc.bid {
			t.Errorf("at %v: %+v, want %s round %d turn %d bidder %q", tc.at, st, tc.kind, tc.r, tc.k, tc.bid)
		}
	}
	// 5 + 3×6 + 2×2 = 27 minutes to the last turn's end; results 2 minutes later.
	if got := a.ResultsDue().Sub(start); got != 29*time.Minute {
		t.Errorf("results due after %v, want 29m", got)
	}
}

func TestPlaceRules(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(a *auction.Auction)
		now    func(a *auction.Auction) time.Time
		bid    string
		amount string
		rule   auction.Rule
	}{
		{"before the start", nil, func(a *auction.Auction) time.Time { return start.Add(-time.Minute) }, "A", "90000", auction.RuleNotBidding},
		{"in the first pause", nil, func(a *auction.Auction) time.Time { return start }, "A", "90000", auction.RuleNotBidding},
		{"out of turn", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "B", "90000", auction.RuleNotYourTurn},
		{"unknown bidder", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "Z", "90000", auction.RuleUnknown},
		{"zero", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "0", auction.RuleNotPositive},
		{"negative", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "-5", auction.RuleNotPositive},
		{"three decimals", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "90000.001", auction.RulePrecision},
		{"own price minus less than the step", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "99000.01", auction.RuleStep},
		{"own price minus exactly the step", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "99000", ""},
		{"beating the leader is not required", nil, func(a *auction.Auction) time.Time { return at(a, 1, 1, 0) }, "A", "98000", ""},
		{"after the turn ended", nil, func(a *auction.Auction) time.Time { return at(a, 1, 2, 0) }, "A", "90000", auction.RuleNotYourTurn},
		{"during announcement", nil, func(a *auction.Auction) time.Time { return at(a, 3, 4, 0) }, "B", "90000", auction.RuleNotBidding},
		{"the step counts from the own new price in the next round", func(a *auction.Auction) {
			place(t, a, at(a, 1, 1, 0), "A", "90000")
		}, func(a *auction.Auction) time.Time { return at(a, 2, 1, 0) }, "C", "94000", ""},
		{"round 2: own price from round 1", func(a *auction.Auction) {
			place(t, a, at(a, 1, 3, 0), "B", "90000")
		}, func(a *auction.Auction) time.Time { return at(a, 2, 3, 0) }, "B", "89000.01", auction.RuleStep},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuction(t)
			if tc.setup != nil {
				tc.setup(a)
			}
			before := len(a.Bids)
			_, err := a.Place(tc.now(a), tc.bid, amt(tc.amount), false, seq())
			var be *auction.BidError
			switch {
			case tc.rule == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.rule != "" && (!errors.As(err, &be) || be.Rule != tc.rule):
				t.Fatalf("err %v, want rule %s", err, tc.rule)
			}
			if len(a.Bids) != before {
				t.Errorf("Place changed the auction")
			}
		})
	}
}

func TestHiddenUntilTurnEndsRepostAndWithdraw(t *testing.T) {
	a := newAuction(t)
	now := at(a, 1, 1, time.Second)
	place(t, a, now, "A", "94000")
	if s := a.Standings(now.Add(time.Second)); s[len(s)-1].Label != 1 || s[len(s)-1].Amount.Cmp(amt("100000")) != 0 {
		t.Errorf("the turn's bid is visible before the turn ends: %+v", s)
	}
	place(t, a, now.Add(2*time.Second), "A", "93000") // re-posting replaces
	w, err := a.Place(now.Add(3*time.Second), "A", tender.Amount{}, true, seq())
	if err != nil {
		t.Fatal(err)
	}
	w.Stored = &w.Time
	a.Bids = append(a.Bids, w)
	place(t, a, now.Add(4*time.Second), "A", "92000")
	s := a.Standings(at(a, 1, 2, 0))
	if s[0].Label != 1 || s[0].Amount.Cmp(amt("92000")) != 0 {
		t.Errorf("standings after the turn: %+v, want Bidder #1 first at 92000", s)
	}
	// Withdrawn in turn: the price stays what it was.
	b := newAuction(t)
	place(t, b, at(b, 1, 1, 0), "A", "94000")
	w, _ = b.Place(at(b, 1, 1, time.Second), "A", tender.Amount{}, true, seq())
	w.Stored = &w.Time
	b.Bids = append(b.Bids, w)
	if r := b.Results()["A"]; r.Cmp(amt("100000")) != 0 {
		t.Errorf("withdrawn bid counted: %s", r)
	}
}

func TestLeaderBidsLastAndTieGoesToEarlierBid(t *testing.T) {
	a := newAuction(t)
	place(t, a, at(a, 1, 1, 0), "A", "90000") // A leads
	st := a.StageAt(at(a, 2, 3, 0))
	if st.BidID != "A" {
		t.Errorf("round 2 last turn is %s, want the leader A", st.BidID)
	}
	// B and C tie at 95000: the earlier bid (B) ranks better.
	s := a.Standings(at(a, 2, 1, 0))
	if s[1].BidID != "B" || s[2].BidID != "C" {
		t.Errorf("standings %+v, want A, B, C", s)
	}
	// A turn that nobody used is simply no bid: the results after the end.
	res := a.Results()
	if res["A"].Cmp(amt("90000")) != 0 || res["B"].Cmp(amt("95000")) != 0 {
		t.Errorf("results %v", res)
	}
}

func TestNormalisedPrices(t *testing.T) {
	// B answers features worth 0.2 of max 0.2: denominator 1 + 0.2/0.8 = 5/4.
	a := newAuction(t, func(in *auction.Input) {
		in.Bids[1].Denominator = big.NewRat(5, 4)
		in.Bids[2].Denominator = big.NewRat(8, 7)
	})
	// Normalised: A 100000, B 76000, C 83125: labels worst first.
	if got := labels(a); got != "A=1 C=2 B=3 " {
		t.Errorf("labels %q", got)
	}
	// The step is on the bidder's own price, exactly: B may bid 94000, not 94000.01.
	if _, err := a.Place(at(a, 1, 3, 0), "B", amt("94000.01"), false, seq()); err == nil {
		t.Error("B beat its own price by less than the step")
	}
	place(t, a, at(a, 1, 3, 0), "B", "94000")
	s := a.Standings(at(a, 2, 1, 0))
	if s[0].BidID != "B" || s[0].Normalised.Cmp(amt("75200")) != 0 {
		t.Errorf("standings %+v, want B first at normalised 75200", s)
	}
}

func TestAcceleratedDurations(t *testing.T) {
	a := newAuction(t, func(in *auction.Input) { in.Durations = auction.DefaultDurations().Accelerated(60) })
	if got := a.ResultsDue().Sub(start); got != 29*time.Second {
		t.Errorf("accelerated auction lasts %v, want 29s", got)
	}
}

func TestAuditTimeline(t *testing.T) {
	a := newAuction(t)
	place(t, a, at(a, 1, 1, time.Second), "A", "90000")
	place(t, a, at(a, 3, 2, time.Second), "B", "89000") // round 3 order: C, B, A
	au := a.Audit()
	if len(au.Turns) != 9 || len(au.Actions) != 2 {
		t.Fatalf("%d turns, %d actions", len(au.Turns), len(au.Actions))
	}
	if au.Turns[0].Amount == nil || au.Turns[1].Amount != nil {
		t.Errorf("turn 1 %+v, turn 2 %+v", au.Turns[0], au.Turns[1])
	}
	if au.Results[0].BidID != "B" || au.Results[0].Amount.Cmp(amt("89000")) != 0 {
		t.Errorf("results %+v", au.Results)
	}
}

// TestStoredInTime is the one rule of what counts: a bid counts for an ended
// turn only if the store committed it no later than the turn's end plus the
// auction's grace; one read unstamped does not. In the running turn the
// bidder's own unstamped actions count for its own view and its withdrawal.
func TestStoredInTime(t *testing.T) {
	const grace = 2 * time.Second
	const unstamped = time.Duration(-1 << 63)
	tests := []struct {
		name   string
		grace  time.Duration
		stored time.Duration // after turn 1's end; unstamped: not stamped when read
		counts bool
	}{
		{"stored during the turn", grace, -time.Minute, true},
		{"stored after the end, within the grace", grace, grace - time.Nanosecond, true},
		{"stored exactly at the cutoff", grace, grace, true},
		{"stored a nanosecond late", grace, grace + time.Nanosecond, false},
		{"stored long after", grace, time.Minute, false},
		{"not stamped when read", grace, unstamped, false},
		{"no grace (planned before it existed): the end is the cutoff", 0, 0, true},
		{"no grace: a nanosecond after the end is late", 0, time.Nanosecond, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuction(t, func(in *auction.Input) { in.Grace = tc.grace })
			b, err := a.Place(at(a, 1, 1, 119*time.Second), "A", amt("90000"), false, seq())
			if err != nil {
				t.Fatal(err)
			}
			if tc.stored != unstamped {
				stored := at(a, 1, 2, tc.stored)
				b.Stored = &stored
			}
			a.Bids = append(a.Bids, b)
			if got := a.Counts(b); got != tc.counts {
				t.Errorf("Counts = %v, want %v", got, tc.counts)
			}
			want := "100000"
			if tc.counts {
				want = "90000"
			}
			// Everything derived agrees: the standings after the turn, the
			// results, the audit and the next round's prices.
			if got := standing(a.Standings(at(a, 1, 2, time.Minute)), "A"); got != want {
				t.Errorf("standings after the turn: A at %s, want %s", got, want)
			}
			if got := a.Results()["A"].String(); got != want {
				t.Errorf("results: A at %s, want %s", got, want)
			}
			au := a.Audit()
			if counted := len(au.Actions) == 1; counted != tc.counts || (au.Turns[0].Amount != nil) != tc.counts {
				t.Errorf("audit: %d actions, turn 1 %+v; counts %v", len(au.Actions), au.Turns[0], tc.counts)
			}
			if len(au.Actions) == 1 && au.Actions[0].Stored != nil {
				t.Errorf("the audit shows the store's stamp: %+v", au.Actions[0])
			}
			for k := 1; k <= 3; k++ {
				if now := at(a, 2, k, 0); a.StageAt(now).BidID == "A" {
					limit := amt(want).Decimal().Sub(a.MinimalStep.Decimal())
					if _, err := a.Place(now, "A", tender.AmountFromDecimal(limit), false, seq()); err != nil {
						t.Errorf("round 2: A may not bid %s, its price %s minus the step: %v", limit, want, err)
					}
					if _, err := a.Place(now, "A", tender.AmountFromDecimal(limit.Add(amt("0.01").Decimal())), false, seq()); err == nil {
						t.Errorf("round 2: A may bid above %s, its price %s minus the step", limit, want)
					}
				}
			}
		})
	}
}

// standing returns bid's amount in s.
func standing(s []auction.Standing, bid string) string {
	for _, r := range s {
		if r.BidID == bid {
			return r.Amount.String()
		}
	}
	return ""
}

// TestOwnRunningTurn: while its turn runs, a bidder's own actions count for
// its own view and its withdrawal, stamped or not yet; others see none of
// them; once the turn ends, the rule decides.
func TestOwnRunningTurn(t *testing.T) {
	a := newAuction(t, func(in *auction.Input) { in.Grace = time.Second })
	now := at(a, 1, 1, 10*time.Second)
	b, err := a.Place(now, "A", amt("90000"), false, seq())
	if err != nil {
		t.Fatal(err)
	}
	a.Bids = append(a.Bids, b) // read before its stamp landed
	if got, ok := a.TurnBid(now.Add(time.Second), "A"); !ok || got.Amount.String() != "90000" {
		t.Errorf("own view of the running turn: %+v %v, want the unstamped 90000", got, ok)
	}
	if _, ok := a.TurnBid(now.Add(time.Second), "B"); ok {
		t.Errorf("B sees a turn bid in A's turn")
	}
	if got := standing(a.Standings(now.Add(time.Second)), "A"); got != "100000" {
		t.Errorf("standings during the turn: A at %s, want 100000 (hidden)", got)
	}
	w, err := a.Place(now.Add(2*time.Second), "A", tender.Amount{}, true, seq())
	if err != nil {
		t.Fatalf("withdrawing the own unstamped bid: %v", err)
	}
	if !w.Withdraw {
		t.Errorf("not a withdrawal: %+v", w)
	}
	// The turn ended and the bid never got its stamp: it never counted.
	if got := standing(a.Standings(at(a, 1, 2, time.Minute)), "A"); got != "100000" {
		t.Errorf("after the turn: A at %s, want 100000: an unstamped bid does not count", got)
	}
	if _, ok := a.TurnBid(at(a, 1, 2, 0), "A"); ok {
		t.Errorf("TurnBid outside the bidder's turn")
	}
	// Stamped late, it is refused even in the own view.
	late := at(a, 1, 2, 2*time.Second)
	a.Bids[0].Stored = &late
	if _, ok := a.TurnBid(now.Add(time.Second), "A"); ok {
		t.Errorf("own view shows a bid stamped after the cutoff")
	}
}

// TestSettled: a read with an unstamped bid of an ended turn is not final
// until its cutoff plus one more grace, while the stamp may still land in
// time; a stamped or running turn's bid does not hold it up.
func TestSettled(t *testing.T) {
	a := newAuction(t, func(in *auction.Input) { in.Grace = time.Second })
	end := at(a, 1, 2, 0)
	b, err := a.Place(end.Add(-time.Second), "A", amt("90000"), false, seq())
	if err != nil {
		t.Fatal(err)
	}
	a.Bids = append(a.Bids, b)
	tests := []struct {
		now     time.Time
		stored  *time.Time
		settled bool
	}{
		{end.Add(-time.Millisecond), nil, true}, // the turn runs
		{end, nil, false},
		{end.Add(time.Second), nil, false}, // the cutoff: the hub reads now
		{end.Add(2*time.Second - time.Nanosecond), nil, false},
		{end.Add(2 * time.Second), nil, true}, // a stamp would be visible by now: it never came
		{end.Add(time.Second), &end, true},
	}
	for _, tc := range tests {
		a.Bids[0].Stored = tc.stored
		if got := a.Settled(tc.now); got != tc.settled {
			t.Errorf("at end%+v, stored %v: Settled = %v, want %v", tc.now.Sub(end), tc.stored, got, tc.settled)
		}
	}
}
