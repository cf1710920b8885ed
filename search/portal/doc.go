// Package portal is the public web portal: watchdogs, journalists and
// auditors search, read and follow tenders in a browser, without an
// account.
//
// Pages are server-rendered html/template with embedded assets; they work
// without JavaScript, in Ukrainian (default) and English (?lang=en), on a
// phone. They read through the same services as the API: the search
// backend for lists, facets and charts, the tender service's public view
// for a tender, the red-flag evaluator for risks. Nothing sealed is ever
// shown because nothing sealed is ever read: the search index holds public
// views only and tenders are read as RolePublic.
//
// Routes (all GET):
//
//	/                      → /search
//	/search                tenders (or ?index=contracts) with filters, facets, charts, CSV link
//	/tenders/{id}          one tender: everything public, its timeline, its red flags, OCDS downloads
//	/organisations/{id}    a buyer or supplier by legal identifier
//	/risks                 the risk queue: tenders by the weight of their red flags
//	/live-auctions         today's and upcoming auctions
//	/assets/...            CSS (and the little progressive-enhancement script)
package portal
