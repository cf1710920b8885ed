package search

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Op is what a Filter tests.
type Op int

// Filter operations.
const (
	OpTerm   Op = iota // the field equals one of Values
	OpPrefix           // the field starts with one of Values
	OpRange            // From <= field < To (either end may be nil)
)

// Filter is one condition on a document field; a Query's filters must all
// hold. Field is the document's JSON field name; for nested objects the
// dotted path (buyer.id, suppliers.id, lots.status).
type Filter struct {
	Field  string
	Op     Op
	Values []string // OpTerm, OpPrefix: any of them
	// OpRange: int64 for amountMinor and numberOfBids, float64 for
	// riskScore, time.Time for dates.
	From, To any
}

// Sort orders.
const (
	SortRelevance    = "relevance"
	SortDate         = "date"
	SortDateModified = "dateModified"
	SortValue        = "value" // amountMinor
	SortRisk         = "risk"  // riskScore
)

// Facets the backends compute.
const (
	FacetStatus    = "status"                  // field status
	FacetProcedure = "procedure"               // field procurementMethodType
	FacetRegion    = "region"                  // field region
	FacetCPV       = "cpv"                     // field cpvDivision
	FacetBuyer     = "buyer"                   // field buyer.id
	FacetSupplier  = "supplier"                // field suppliers.id
	FacetFlag      = "flag"                    // field flags
	FacetMonth     = "month"                   // monthly histogram of field date (UTC), keys "2026-11"
	FacetMethod    = "method"                  // field procurementMethod
	FacetCategory  = "mainProcurementCategory" // field mainProcurementCategory
)

// FacetFields maps each facet but month to the field it counts.
var FacetFields = map[string]string{
	FacetStatus: "status", FacetProcedure: "procurementMethodType", FacetRegion: "region",
	FacetCPV: "cpvDivision", FacetBuyer: "buyer.id", FacetSupplier: "suppliers.id", FacetFlag: "flags",
	FacetMethod: "procurementMethod", FacetCategory: "mainProcurementCategory",
}

// FacetSize is how many buckets a term facet returns at most (largest
// counts first, ties by key).
const FacetSize = 50

// Query is one search: full text, filters, order, one page and facets.
type Query struct {
	Index   Index
	Text    string // full text over titles, descriptions, items, lots and names
	Filters []Filter
	Sort    string // one of the Sort constants; "" is relevance with text, else date
	Desc    bool
	From    int    // offset; ignored when After is set
	Size    int    // page size; 0 counts only
	After   string // a Result.Next cursor from the same query
	Facets  []string
	// Fields, when set, asks for hits with only these top-level fields
	// (a backend may return more).
	Fields []string
}

// Bucket is one facet value: how many documents have it and the sum of
// their amounts, per currency, as exact decimals.
type Bucket struct {
	Key   string            `json:"key"`
	Count int64             `json:"count"`
	Sum   map[string]string `json:"sum,omitempty"`
}

// Result is one page of hits with the total and the facets.
type Result struct {
	Total  int64               `json:"total"`
	Hits   []json.RawMessage   `json:"hits"`
	Next   string              `json:"next,omitempty"` // cursor after the last hit; "" when the page was not full
	Facets map[string][]Bucket `json:"facets,omitempty"`
}

// ErrBadCursor is returned by Search for an After it did not issue.
var ErrBadCursor = errors.New("search: invalid search_after cursor")

// ErrNotFound is returned by Get for an unknown id.
var ErrNotFound = errors.New("search: document not found")

// Backend is a search engine holding both indexes. Implementations are safe
// for concurrent use.
type Backend interface {
	// Put writes docs to the live index. A document whose Version is lower
	// than the stored one's is skipped (stale); an equal version replaces it.
	Put(ctx context.Context, idx Index, docs []Doc) error
	// Get returns a stored document.
	Get(ctx context.Context, idx Index, id string) (json.RawMessage, error)
	// Search answers q.
	Search(ctx context.Context, q Query) (*Result, error)
	// Refresh makes every write so far searchable.
	Refresh(ctx context.Context) error
	// Rebuild starts new, empty physical indexes beside the live ones.
	Rebuild(ctx context.Context) (Rebuild, error)
	// Close releases the backend's resources.
	Close() error
}

// Rebuild fills new indexes while the old ones keep serving, then swaps
// them in at once: search is never empty.
type Rebuild interface {
	// Put writes docs to the new indexes, versioned as Backend.Put.
	Put(ctx context.Context, idx Index, docs []Doc) error
	// Commit makes the new indexes live (one atomic alias swap) and drops
	// the old ones.
	Commit(ctx context.Context) error
	// Abort drops the new indexes.
	Abort(ctx context.Context) error
}

// MonthKey is the month facet's key of t.
func MonthKey(t time.Time) string { return t.UTC().Format("2006-01") }
