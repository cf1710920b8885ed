// Package memory is an in-memory tender.Store. It serves the domain's tests
// and benchmarks of the layers above the store (tender.Service, tender/api),
// which get a fresh, isolated store per test without a database.
//
// It keeps the semantics of tender/mongodb: each tender is stored as its JSON
// with the revision, feed number and bid commit times beside it, so every
// read and write deep-copies; Save is a compare-and-set on the revision; every
// write takes the next feed number; and the feed, the due list and the named
// sequences answer the same queries. All writes land atomically under one
// mutex, so no feed number is ever in flight and the feed serves every one.
package memory
