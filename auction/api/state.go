package api

import (
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

// State is the public state of an auction at a moment, as GET
// /api/auctions/{id} answers it (inside "data") and as every SSE "state"
// event carries it. Bidder is present only for a bidder's own requests.
type State struct {
	ID          string        `json:"id"`
	TenderID    string        `json:"tenderID"`
	TenderRef   string        `json:"tenderRef"`
	LotID       string        `json:"lotID,omitempty"`
	Title       string        `json:"title"`
	Status      string        `json:"status"` // the stored auction status
	Currency    string        `json:"currency"`
	MinimalStep tender.Amount `json:"minimalStep"`
	Start       time.Time     `json:"start"`      // the first pause starts
	End         time.Time     `json:"end"`        // the results are announced
	Rounds      int           `json:"rounds"`     // rounds in the auction
	Turns       int           `json:"turns"`      // turns in a round: one per bidder
	Stage       StageView     `json:"stage"`      // where the auction is now
	ServerTime  time.Time     `json:"serverTime"` // the server's clock when this was made
	Revealed    bool          `json:"revealed"`   // bidder names are shown
	Standings   []StandingRow `json:"standings"`  // best first; the running turn's bid stays hidden
	Bidder      *BidderView   `json:"bidder,omitempty"`
}

// StageView is the current stage without bid ids: whose turn it is goes by
// label only.
type StageView struct {
	// Kind is scheduled, pause, turn, announcement, finished or cancelled.
	Kind  string     `json:"kind"`
	Round int        `json:"round,omitempty"`
	Turn  int        `json:"turn,omitempty"`
	Label int        `json:"label,omitempty"` // whose turn
	Start *time.Time `json:"start,omitempty"`
	End   *time.Time `json:"end,omitempty"` // absent once finished or cancelled
}

// StandingRow is one bidder's published position, by label (and name once
// revealed).
type StandingRow struct {
	Place      int           `json:"place"`
	Label      int           `json:"label"`
	Name       string        `json:"name,omitempty"`
	Amount     tender.Amount `json:"amount"`
	Normalised tender.Amount `json:"normalised"`
}

// BidderView is what a bidder sees of itself.
type BidderView struct {
	BidID  string        `json:"bidID"`
	Label  int           `json:"label"`
	Amount tender.Amount `json:"amount"` // the own current (published) price
	Limit  tender.Amount `json:"limit"`  // the most one may bid now: amount − minimal step
	MyTurn bool          `json:"myTurn"`
	// TurnBid is the own price placed in the running turn, hidden from
	// others until the turn ends; absent when none or withdrawn.
	TurnBid *TurnBid `json:"turnBid,omitempty"`
}

// TurnBid is a price placed in a turn.
type TurnBid struct {
	ID     string        `json:"id"`
	Amount tender.Amount `json:"amount"`
	Time   time.Time     `json:"time"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// NewState renders a's state at now; bidID, when not empty, adds that
// bidder's own view.
func NewState(a *auction.Auction, now time.Time, bidID string) State {
	st := a.StageAt(now)
	s := State{ID: a.ID, TenderID: a.TenderID, TenderRef: a.TenderRef, LotID: a.LotID, Title: a.Title,
		Status: a.Status, Currency: a.Currency, MinimalStep: a.MinimalStep, Start: a.Start, End: a.ResultsDue(),
		Rounds: a.Durations.Rounds, Turns: len(a.Bidders), ServerTime: now, Revealed: a.Revealed,
		Stage: StageView{Kind: st.Kind, Round: st.Round, Turn: st.Turn, Label: st.Label, Start: timePtr(st.Start), End: timePtr(st.End)}}
	if a.Status == auction.StatusCancelled {
		s.Stage = StageView{Kind: auction.StatusCancelled}
	}
	standings := a.Standings(now)
	s.Standings = make([]StandingRow, len(standings))
	for i, r := range standings {
		s.Standings[i] = StandingRow{Place: r.Place, Label: r.Label, Name: r.Name, Amount: r.Amount, Normalised: r.Normalised}
	}
	if bidID == "" {
		return s
	}
	for _, b := range a.Bidders {
		if b.BidID != bidID {
			continue
		}
		v := &BidderView{BidID: bidID, Label: b.Label, Amount: b.Initial}
		for _, r := range standings {
			if r.BidID == bidID {
				v.Amount = r.Amount
			}
		}
		v.Limit = tender.AmountFromDecimal(v.Amount.Decimal().Sub(a.MinimalStep.Decimal()))
		v.MyTurn = st.Kind == auction.StageTurn && st.BidID == bidID && s.Stage.Kind != auction.StatusCancelled
		if b, ok := a.TurnBid(now, bidID); ok {
			v.TurnBid = &TurnBid{ID: b.ID, Amount: b.Amount, Time: b.Time}
		}
		s.Bidder = v
	}
	return s
}

// bidderOf reports whether bidID takes part in a.
func bidderOf(a *auction.Auction, bidID string) bool {
	for _, b := range a.Bidders {
		if b.BidID == bidID {
			return true
		}
	}
	return false
}

// finished reports whether a's results are final at now.
func finished(a *auction.Auction, now time.Time) bool {
	switch a.Status {
	case auction.StatusCancelled:
		return false
	case auction.StatusFinished, auction.StatusComplete:
		return true
	}
	return a.StageAt(now).Kind == auction.StageFinished
}
