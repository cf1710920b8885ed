// Package api serves tenders over HTTP with Gin, following ProZorro's public
// conventions: the /api/2.5 prefix, the {"data": ...} envelope, owner tokens,
// the feed, and ProZorro's error shape. It decodes and validates requests,
// authenticates platforms, and maps domain error codes to HTTP statuses in one
// table; the rules themselves live in package tender.
//
// That table and ProZorro's error shape are shared: the OCDS and search APIs
// answer errors through HTTPStatus, ErrorBody, StatusError and Fail, build
// their engines, 404 and 405 included, with NewEngine and their links with
// BaseURL; the auction API, whose errors have a shape of their own, recovers
// from panics with Recover.
package api
