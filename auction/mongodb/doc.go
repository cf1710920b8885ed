// Package mongodb stores auctions in MongoDB (or FerretDB) with
// go.mongodb.org/mongo-driver. Like tender/mongodb it relies on one
// primitive only, inserting a unique _id, because FerretDB applies an update
// as read-modify-write: a conditional update is no compare-and-set there.
//
//   - `auctions` holds each auction's plan (bidders, start, durations,
//     status) as canonical JSON beside the queried fields. It is created by a
//     unique insert and afterwards replaced only by the worker holding the
//     auction's lease.
//   - `auction_bids` holds bids, one document each with the bid id as _id:
//     concurrent bids are concurrent inserts and never overwrite one
//     another, and a crash loses nothing that was acknowledged. An auction's
//     state is its plan plus its bids, read back in the order they were made.
//     Right after its insert a bid is stamped with `$currentDate` by its
//     only writer, so that whether it was stored in time is judged by the
//     server's one clock (auction.Auction.Counts); until then it reads
//     unstamped. Bids are never deleted: one stored too late stays, refused.
//   - `auction_leases` holds lease generations "<auction id>#<n>" {holder,
//     until}. The highest generation is the lease; it belongs to its holder
//     until `until`. Taking an expired (or absent) lease and renewing one's
//     own are the same step: insert generation n+1. Two workers racing for
//     it insert the same _id and exactly one succeeds; a worker that read a
//     stale generation collides with the existing one. Old generations are
//     deleted, so an insert also re-reads the highest generation and counts
//     only if it is its own. The lease is kept in its own collection rather
//     than in the auction document, whose only writer is the lease holder.
//   - `auction_notes` holds the feed follower's notes for auction runners
//     (unique inserts, deleted once applied), and `auction_state` small
//     records: the feed cursor, published links, the participation token
//     secret.
//
// Times that order or expire things are stored as Unix nanoseconds, since
// BSON dates keep milliseconds only; a bid's stamp, a BSON date from the
// server's clock, reads as the last nanosecond of its millisecond.
package mongodb
