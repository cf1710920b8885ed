// Package tender is the procurement domain: tenders and everything embedded in
// them (documents, questions, bids, awards, contracts, cancellations), exact
// money, the procedure configuration, the belowThreshold state machine, the due
// events that drive it in time, role-based views, and the Store interface the
// adapters implement.
//
// It imports no I/O library. Every function that depends on time takes `now`;
// Service holds the clock. tender/mongodb stores tenders, tender/api serves them
// over HTTP, and cmd/prozorro wires both.
package tender
