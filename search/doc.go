// Package search keeps watchdog search indexes of tenders and of awards with
// their contracts, fed from the tender feed and from other publishers' OCDS
// data, and answers ProZorro-style search queries over them.
//
// The package defines the documents (TenderDoc, ContractDoc), the query model
// (Query, parsed from ProZorro's search parameters by ParseQuery) and the
// Backend interface. search/elastic implements it on Elasticsearch 7 (or
// OpenSearch 2); search/bleve on an embedded index for a single process. The
// Indexer follows the tender feed and keeps a backend in step.
package search

import (
	"encoding/json"
	"time"
)

// Index names one of the two logical indexes.
type Index string

// The logical indexes. Backends map them to physical indexes behind aliases.
const (
	Tenders   Index = "tenders"
	Contracts Index = "contracts"
)

// Indexes lists the logical indexes.
var Indexes = []Index{Tenders, Contracts}

// Org is a buyer or supplier as the index sees it.
type Org struct {
	ID   string `json:"id"` // legal identifier (EDRPOU for Ukrainian entities)
	Name string `json:"name,omitempty"`
}

// LotDoc is one lot of a tender document.
type LotDoc struct {
	ID       string `json:"id"`
	Title    string `json:"title,omitempty"`
	Status   string `json:"status,omitempty"`
	Amount   string `json:"amount,omitempty"`
	Currency string `json:"currency,omitempty"`
}

// ItemDoc is one item of a tender document.
type ItemDoc struct {
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
	CPV         string `json:"cpv,omitempty"`
	Quantity    string `json:"quantity,omitempty"`
	Unit        string `json:"unit,omitempty"`
	Lot         string `json:"lot,omitempty"`
}

// TenderDoc is one contracting process in the tenders index. Its fields are
// flat so that every backend filters, sorts and aggregates them alike; the
// JSON names are the field names Query uses.
type TenderDoc struct {
	ID       string `json:"id"` // tender id for our tenders, ocid for imported ones
	OCID     string `json:"ocid"`
	TenderID string `json:"tenderID,omitempty"`
	Source   string `json:"source"` // "local" or the publisher's name

	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`

	// Status is the publisher's own: ProZorro's statuses for our tenders
	// (active.tendering, complete, ...), OCDS tender.status for imported ones.
	Status                  string `json:"status,omitempty"`
	ProcurementMethod       string `json:"procurementMethod,omitempty"`
	ProcurementMethodType   string `json:"procurementMethodType,omitempty"`
	MainProcurementCategory string `json:"mainProcurementCategory,omitempty"`

	Buyer      Org    `json:"buyer"`
	PostalCode string `json:"postalCode,omitempty"` // of the buyer
	Region     string `json:"region,omitempty"`     // the postal code's first two digits
	Suppliers  []Org  `json:"suppliers,omitempty"`  // of active awards
	Tenderers  []Org  `json:"tenderers,omitempty"`  // once bids are public

	CPV         []string `json:"cpv,omitempty"`         // items' classification codes, "45233142-6"
	CPVDivision []string `json:"cpvDivision,omitempty"` // their first two digits

	Currency    string `json:"currency,omitempty"`
	Amount      string `json:"amount,omitempty"`      // exact decimal
	AmountMinor *int64 `json:"amountMinor,omitempty"` // amount in hundredths, for ranges, sorting and sums

	Date         *time.Time `json:"date,omitempty"` // published
	DateModified *time.Time `json:"dateModified,omitempty"`
	TenderStart  *time.Time `json:"tenderStart,omitempty"`
	TenderEnd    *time.Time `json:"tenderEnd,omitempty"`
	EnquiryStart *time.Time `json:"enquiryStart,omitempty"`
	EnquiryEnd   *time.Time `json:"enquiryEnd,omitempty"`
	AuctionStart *time.Time `json:"auctionStart,omitempty"`
	AuctionEnd   *time.Time `json:"auctionEnd,omitempty"`
	AwardStart   *time.Time `json:"awardStart,omitempty"`
	AwardEnd     *time.Time `json:"awardEnd,omitempty"`
	DateSigned   *time.Time `json:"dateSigned,omitempty"` // first signed contract

	NumberOfBids *int      `json:"numberOfBids,omitempty"` // once bids are public
	Lots         []LotDoc  `json:"lots,omitempty"`
	Items        []ItemDoc `json:"items,omitempty"`

	Flags     []string `json:"flags,omitempty"` // red-flag codes raised on this process
	RiskScore float64  `json:"riskScore"`       // sum of the flags' weights

	// Facts is the process's summary for the red-flag statistics
	// (flags.Facts as JSON): stored, never indexed; the statistics job
	// reads it back from the index, which is the dataset.
	Facts json.RawMessage `json:"facts,omitempty"`

	Version int64 `json:"version"` // dateModified in µs: a stale write never wins
}

// ContractDoc is one award, with its contract once there is one, in the
// contracts index.
type ContractDoc struct {
	ID       string `json:"id"` // "<tender doc id>/<award id>"
	OCID     string `json:"ocid"`
	TenderID string `json:"tenderID,omitempty"`
	Tender   string `json:"tender"` // the TenderDoc id
	Source   string `json:"source"`
	AwardID  string `json:"awardID"`
	Lot      string `json:"lot,omitempty"`

	Title                   string `json:"title,omitempty"`  // the tender's, or the lot's
	Status                  string `json:"status,omitempty"` // the award's
	ContractID              string `json:"contractID,omitempty"`
	ContractStatus          string `json:"contractStatus,omitempty"`
	ProcurementMethod       string `json:"procurementMethod,omitempty"`
	ProcurementMethodType   string `json:"procurementMethodType,omitempty"`
	MainProcurementCategory string `json:"mainProcurementCategory,omitempty"`

	Buyer      Org    `json:"buyer"`
	PostalCode string `json:"postalCode,omitempty"`
	Region     string `json:"region,omitempty"`
	Suppliers  []Org  `json:"suppliers,omitempty"`

	CPV         []string `json:"cpv,omitempty"`
	CPVDivision []string `json:"cpvDivision,omitempty"`

	// The contract's value when it has one, else the award's.
	Currency    string `json:"currency,omitempty"`
	Amount      string `json:"amount,omitempty"`
	AmountMinor *int64 `json:"amountMinor,omitempty"`

	Date          *time.Time `json:"date,omitempty"` // the award's
	DateModified  *time.Time `json:"dateModified,omitempty"`
	DateSigned    *time.Time `json:"dateSigned,omitempty"`
	ContractStart *time.Time `json:"contractStart,omitempty"`
	ContractEnd   *time.Time `json:"contractEnd,omitempty"`

	Flags     []string `json:"flags,omitempty"` // the process's flags
	RiskScore float64  `json:"riskScore"`

	Version int64 `json:"version"`
}

// Doc is one document to write: its id, its version and its body (a
// *TenderDoc or *ContractDoc, or anything that marshals like one).
type Doc struct {
	ID      string
	Version int64
	Body    any
}

// TenderDocument wraps d for writing.
func TenderDocument(d *TenderDoc) Doc { return Doc{ID: d.ID, Version: d.Version, Body: d} }

// ContractDocument wraps d for writing.
func ContractDocument(d *ContractDoc) Doc { return Doc{ID: d.ID, Version: d.Version, Body: d} }

// Version is the external version of a document modified at t: µs since the
// epoch, as ProZorro's search does.
func Version(t time.Time) int64 { return t.UnixMicro() }

// Hit is one document found, as stored.
type Hit = json.RawMessage
