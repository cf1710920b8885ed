// Package bleve implements search.Backend on embedded bleve indexes, so that
// a single process (a newcomer's `prozorro serve`) has search without an
// Elasticsearch server. cmd/prozorro opens it when no Elasticsearch URL is
// configured; it answers the same queries as search/elastic, and both pass
// the suite in search/searchtest.
//
// # Storage
//
// Open("") keeps everything in memory (tests). Open(dir) keeps one bleve
// index per logical index and generation, dir/tenders-<gen> and
// dir/contracts-<gen>, and a pointer file dir/live naming the live
// generation. Rebuild fills generation gen+1 beside the live one; Commit
// rewrites the pointer (temp file, fsync, rename) and only then drops the
// old generation, so a crash leaves either the old or the new generation
// live, never an empty or half-swapped one. Open removes whatever is not
// the live generation (an interrupted rebuild, an old generation not yet
// removed, a temp pointer). A lock file keeps a second process out of dir.
// Every write is durable when Put returns (bleve's scorch waits for the
// segment to be persisted).
//
// # Mapping
//
// The mapping is explicit and static: only the fields the query model knows
// are indexed; the rest of a document (facts, amounts as strings, ...) is
// kept in the stored _source, which Search and Get return byte for byte as
// Put marshalled it. Identifiers, codes and statuses are keywords (exact,
// case-sensitive); amountMinor, numberOfBids, riskScore and version are
// numbers (float64 inside bleve: exact up to 2^53, about 90 trillion in
// hundredths); every date is a datetime.
//
// Titles, descriptions, item descriptions, lot titles and buyer and supplier
// names are indexed three times: with bleve's English analyzer (Porter
// stemming, English stop words), its Russian analyzer (Snowball stemming,
// Russian stop words) and a plain analyzer (Unicode word segmentation and
// lower case). bleve has no Ukrainian stemmer, so Ukrainian words match by
// their exact (lower-cased) form through the plain analyzer, and sometimes
// through the Russian stemmer where the endings coincide. tenderID and
// contractID are indexed with the plain analyzer as well, so a pasted
// identifier is found by full text.
//
// # Full text
//
// Query.Text is split into words; every word must match at least one text
// field under at least one analyzer (a word may match the title, another
// the supplier's name). A word that the English or Russian analyzer drops as
// a stop word ("of", "для") is not required, unless every word is one. The
// whole text also matches an id, ocid, tenderID or contractID exactly.
//
// # Facets
//
// bleve's own facets count but do not sum, so the backend computes buckets
// itself in the same pass that collects the hits: for every matching
// document it reads the facet fields, currency, amountMinor and date from
// the column-stored doc values and adds them up exactly in Go (int64,
// falling back to big integers on overflow). The cost is linear in the
// number of matching documents, not in the page size: a query with facets
// over the whole index touches every document.
package bleve
