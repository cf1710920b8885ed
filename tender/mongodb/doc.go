// Package mongodb stores tenders in MongoDB (or FerretDB) with
// go.mongodb.org/mongo-driver, using only operations that are atomic on
// both. FerretDB v1 applies an update as read-modify-write, so a conditional
// update ({_id, rev}) is NOT a safe compare-and-set there, and concurrent
// $push/$pull on one document lose entries (measured: 20 writers, 474
// "successful" increments of a counter that ended at 43). The one primitive
// that is atomic everywhere is inserting a unique _id, and the store is built
// on it:
//
//   - Revisions. A write of revision r+1 first inserts the revision record
//     "<id>:<r+1>" (author, date, reverse patch) into `revisions`; the insert
//     that loses the race gets a duplicate key and the write answers 409,
//     changing nothing. Only the winner then replaces the tender document, so
//     no two writers ever update one tender at once. The records are the audit
//     trail, outside the tender document (no 16 MB ceiling on history).
//   - The feed. Each write takes a feed number by inserting a ticket
//     {_id: n, state: "pending"} into `feed_tickets`, stamps the tender with n,
//     and marks the ticket done. Readers serve numbers up to the highest
//     ticket, but never past the lowest ticket still pending, so a slow writer
//     holds the feed back instead of being passed over: the feed never skips
//     and, since every number is unique, never repeats.
//
// A ticket or revision record older than Lease whose writer never finished is
// taken for a crash and ignored (ticket) or reclaimed (revision). A writer
// that finishes after its ticket expired stamps its tender again with a fresh
// number, so its change still reaches crawlers.
//
// A tender document keeps the aggregate as its canonical JSON in `data`, so
// money and timestamps round-trip exactly (FerretDB has no Decimal128), with
// the fields the store queries (status, next_check, seq, public, test) beside
// it, and the server-side commit time of bids (stamped with $currentDate).
package mongodb
