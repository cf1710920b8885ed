// Package elastic implements search.Backend on Elasticsearch 7.10 or
// OpenSearch 2.x through github.com/olivere/elastic/v7.
//
// Each logical index (search.Tenders, search.Contracts) is an alias,
// <prefix>-tenders and <prefix>-contracts, over one physical index named
// <alias>-<UTC timestamp with nanoseconds>. New creates the physical index
// and its alias in one request when the alias is missing, so that processes
// starting together agree on one index. Backend.Rebuild fills fresh physical
// indexes beside the live ones and swaps both aliases in one _aliases
// request, so search never sees an empty index.
//
// The mappings are explicit (mapping.go): identifiers and codes are keyword,
// instants date_nanos, amounts in minor units long, the risk score double,
// and every text field is analysed four ways: standard, English, Russian and
// a light Ukrainian analyser built from core filters. Writes use the
// document's Version as an external version (version_type external_gte), so
// a stale write never replaces a newer document.
//
// cmd/prozorro wires it in when the search backend is configured as
// Elasticsearch. The tests need a node at PROZORRO_TEST_ES_URL
// (.ci/test-servers.sh starts one with .ci/elasticsearch/start.sh); they
// skip without it, and fail without it when CI is set.
package elastic
