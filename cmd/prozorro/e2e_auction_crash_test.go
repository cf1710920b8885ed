package main

import (
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// TestAuctionCrashRecovery runs the API (serve without the auction service)
// and a separate `prozorro auction` process on one database, kills the
// auction process with SIGKILL after an accepted bid, during the next turn,
// and starts it again after that turn has passed. The turn passed while it
// was down closes as "no bid", the participation links stay valid (the
// token secret lives in the store), bidding goes on, and the results posted
// to the tender are the ones the bids make.
func TestAuctionCrashRecovery(t *testing.T) {
	db := mongotest.DatabaseName()
	base := startServer(t, "PROZORRO_MONGO_DATABASE="+db, "PROZORRO_AUCTION_ENABLED=false")
	addr := freePort(t)
	auctionEnv := []string{"PROZORRO_MONGO_DATABASE=" + db, "PROZORRO_HTTP_ADDR=" + addr,
		"PROZORRO_AUCTION_BASE_URL=http://" + addr, "PROZORRO_AUCTION_API_URL=" + base, "PROZORRO_AUCTION_API_KEY=auctionkey",
		"PROZORRO_AUCTION_MAX_ACCELERATOR=30", "PROZORRO_AUCTION_TICK=100ms", "PROZORRO_AUCTION_LEASE=1s", "PROZORRO_AUCTION_GRACE=300ms"}
	worker := startProc(t, "auction", auctionEnv...)

	public := client{t, base, ""}
	id, _ := auctionTender(t, base)
	b1, b2 := placeSealed(t, base, id)
	waitStatus(t, public, id, "active.auction")
	p1 := participation(t, b1.owner, id, b1.id, b1.token)
	p2 := participation(t, b2.owner, id, b2.id, b2.token)

	// Round 1: b1 bids; during b2's turn the auction process dies.
	p1.awaitTurn(t, 1)
	p1.bid(t, "137000")
	s := p2.awaitTurn(t, 1)
	turnEnd, err := time.Parse(time.RFC3339Nano, str(m(s["stage"])["end"]))
	if err != nil {
		t.Fatal(err)
	}
	worker.kill(t)
	if st := p2.state(t); st != nil {
		t.Fatalf("the auction service answers after SIGKILL: %v", st)
	}
	time.Sleep(time.Until(turnEnd) + 500*time.Millisecond)
	worker = startProc(t, "auction", auctionEnv...)

	// The same links work; b2's round-1 turn passed without a bid, so b2
	// (139000.99) goes first in round 2.
	s = p2.awaitTurn(t, 2)
	if m(s["bidder"])["amount"] != 139000.99 {
		t.Errorf("b2's price after its missed turn: %v", m(s["bidder"])["amount"])
	}
	p2.bid(t, "136000")
	p1.awaitTurn(t, 2)
	p1.bid(t, "134000")
	p2.awaitTurn(t, 3)
	p2.bid(t, "133500")

	au := checkResults(t, base, id, map[string]string{b1.id: "134000", b2.id: "133500"}, b2.id)
	for _, turn := range list(au["turns"]) {
		tn := m(turn)
		if tn["round"] == 1.0 && tn["bidID"] == b2.id && tn["amount"] != nil {
			t.Errorf("the turn that passed while the service was down has a bid: %v", tn)
		}
	}
}
