// Package flags computes red-flag indicators from OCDS compiled releases,
// so they work on any publisher's data: eleven of Cardinal's
// (open-contracting/cardinal-rs, re-implemented with its definitions,
// settings, defaults and output shape) and four of ProZorro's risk
// practice (PZ1–PZ4). Codes lists them with their weights.
//
// The work is split so that a dataset can be kept up to date one process
// at a time:
//
//	p, err := flags.ParseRelease(line)    // the fields the indicators read, parsed tolerantly
//	f := flags.Extract(p, settings)       // per-process facts: compact JSON, one per tender
//	stats := flags.ComputeStats(all, s)   // quartiles, fences, flagged organizations
//	fl := flags.Evaluate(f, stats, s)     // the flags concerning one process, with evidence
//	report := flags.Indicators(all, s)    // Cardinal's `indicators` JSON for the dataset
//
// ReadFacts does the first two steps in parallel over a JSON Lines stream;
// Settings come from DefaultSettings or a Cardinal settings.ini
// (LoadSettings).
//
// Cardinal's rules kept here: cancelled tenders (tender.status) and the
// procurementMethodDetails of the exclusions setting are left out of every
// indicator; bid prices are compared in one main currency; outlier fences
// are Q1 − 1.5·IQR or Q3 + 1.5·IQR with R-8 quartiles (Rust statrs), unless
// a fixed threshold is set; as the ratios are never negative, R024 and
// R025 are skipped when Q1 or the lower fence is 0 (or less), and R038 and
// R058 when the upper fence is 0, which would flag most of the dataset
// (R048 has no such guard in Cardinal, nor here).
//
// Where this package departs from Cardinal (each is documented where it
// happens): bids and awards that name lots (relatedLots, as in ProZorro)
// are evaluated per lot, so multi-lot tenders are not skipped; the main
// currency, when not set, is the most frequent rather than the first seen
// (which in Cardinal depends on thread scheduling); bid dates are compared
// as instants; R003 has ProZorro's legal minimum periods per procedure.
//
// The `prozorro flags` command and the search indexer call this package;
// it imports only tender (for Amount).
package flags
