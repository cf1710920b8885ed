// Package tender is the procurement domain: tenders and everything embedded in
// them (lots, items, features, documents, questions, complaints, bids,
// qualifications, awards, contracts, cancellations), exact money, the
// procedure configurations and their state machines (belowThreshold, the open
// procedures with and without pre-qualification, the limited ones), the due
// events that drive them in time, the working-day calendar, role-based views,
// ownership transfers, and the Store interface the adapters implement.
//
// Apart from reading and watching a holiday file for the calendar, it does no
// I/O. Every function that depends on time takes `now`; Service holds the
// clock. tender/mongodb stores tenders, tender/api serves them over HTTP, and
// cmd/prozorro wires both.
package tender
