// Package api serves an auction to people and platforms over HTTP (Gin):
//
//   - the bidders' page (GET /auctions/{id}), server-rendered from embedded
//     templates so it works without JavaScript, with a little plain
//     JavaScript for live updates and bidding without reloads; observers
//     get the same page read-only;
//   - the participation link (GET /auctions/{id}/login?bidder_id=&hash=)
//     that turns a bidder's token into an HttpOnly cookie for that auction;
//   - Server-Sent Events (GET [/api]/auctions/{id}/events) pushing the public
//     state at every stage change, and a bidder's own accepted bids to that
//     bidder's connections only;
//   - the REST interface for platforms: state (GET /api/auctions/{id}), bids
//     in turn (POST /api/auctions/{id}/bids) in ProZorro's error shape, and
//     the audit of a finished auction (GET /auctions/{id}/audit.json).
//
// The rules live in package auction: this package decodes requests, checks
// participation tokens through auction.Service, and renders
// auction.Auction.StageAt and Standings. The Hub keeps one timer per watched
// auction that re-reads the store at every stage end (plus the auction's
// grace), so several processes serving one auction converge on the same
// standings: whether a bid counts follows from its commit stamp alone
// (auction.Auction.Counts). cmd/prozorro mounts the handler returned by New.
package api
