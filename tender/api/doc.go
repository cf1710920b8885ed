// Package api serves tenders over HTTP with Gin, following ProZorro's public
// conventions: the /api/2.5 prefix, the {"data": ...} envelope, owner tokens,
// the feed, and ProZorro's error shape. It decodes and validates requests,
// authenticates platforms, and maps domain error codes to HTTP statuses in one
// table; the rules themselves live in package tender.
package api
