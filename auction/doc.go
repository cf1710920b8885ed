// Package auction holds the rules of ProZorro's descending multi-round
// auction: the plan of stages (pauses, one turn per bidder per round), the
// bidders' fixed labels and turn order, validation of a bid in a turn, and
// the results. An Auction is its plan plus an append-only list of bids, each
// stamped by the store with its commit time; every other fact (the current
// stage, who bids now, the standings, the final prices) is derived from them
// and the time, so an auction read back after a crash is exactly where it
// was, and a turn that passed while nobody ran it simply has no bid. Whether
// a bid counts is one rule on its stamp (Auction.Counts), which the service
// answering the bidder and every reader apply alike.
//
// It does no I/O and takes `now` everywhere. auction/mongodb persists
// auctions, auction/api serves bidders and observers, and the worker in this
// package drives auctions through the tender API; cmd/prozorro wires them.
package auction
