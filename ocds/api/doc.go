// Package api serves OCDS over HTTP (Gin), beside the tender API and under
// its prefix /api/2.5:
//
//	GET /tenders/{id}?opt_schema=ocds   release package: the latest release
//	GET /tenders/{id}/ocds/releases     release package: every release
//	GET /tenders/{id}/ocds/record       record package: one record
//	GET /ocds/releases                  bulk feed of release packages
//
// The tender API owns GET /tenders/{id}; Server.Intercept wraps its handler
// and takes the opt_schema=ocds requests and the OCDS paths, passing the rest
// on. cmd/prozorro mounts it so.
//
// Releases come from ocds.History, which rebuilds only public views, so
// sealed bids never reach a response. Records embed their releases in full,
// with compiledRelease and versionedRelease built by the shared
// ocds.Merger (the release schema and extension patches embedded by
// ocds/schemadata).
//
// The bulk feed walks the tender feed with its cursors and parameters
// (offset, limit, descending, mode): a page holds every release of each
// tender of the matching tender-feed page, each tender's releases oldest
// first, and next_page / prev_page carry the tender feed's cursors. A tender
// changed after a reader passed it moves to the end of the feed and is sent
// again in full, so following next_page gives every release at least once;
// a reader keeps the newest copy of each release id. limit counts tenders,
// not releases; tender-feed pages that give no release are skipped.
//
// Every page with releases is a valid release package. The page past the end
// is not a package (the schema wants at least one release) but only
//
//	{"releases": [], "next_page": {...}, "prev_page": {...}}
//
// so a reader pages until releases is empty and later polls that next_page.
//
// Errors have ProZorro's shape {"status": "error", "errors": [...]}: 404 for
// an unknown or unpublished tender, 422 for a bad query parameter.
package api
