// Package mongodb stores tenders in MongoDB (or FerretDB) with
// go.mongodb.org/mongo-driver, using only what works on both: one document per
// tender written whole with findOneAndUpdate on its revision, counters by
// upsert + $inc, and an indexed sequence number for the feed.
//
// A tender document keeps the aggregate as its canonical JSON in `data`, so
// money and timestamps round-trip exactly (FerretDB has no Decimal128), with
// the fields the store queries (status, next_check, seq, public, test)
// projected beside it, the audit trail in `revisions`, and `bid_commits`, the
// server-side commit time of each bid, stamped with $currentDate.
//
// The feed never skips a change. Every write takes the next feed number from
// a counter document and, in the same atomic update, registers it as in
// flight; it deregisters after its tender write. Readers serve only numbers
// below the lowest one still in flight, so a slow writer holds the feed back
// instead of being passed over. An in-flight entry older than Lease is taken
// for a crashed writer and ignored; a writer that finds its entry expired
// stamps its tender again with a fresh number, so its change still appears.
package mongodb
