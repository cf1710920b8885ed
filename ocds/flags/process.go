package flags

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// ErrNoOCID is returned by ParseRelease for JSON that is not a release with
// a string ocid; Cardinal skips such lines.
var ErrNoOCID = errors.New("no string ocid")

// Process is the part of one OCDS compiled release the indicators read.
// Fields of an unexpected JSON type are left empty rather than failing the
// whole release: a nil slice means the array was missing (or not an
// array), an empty string a missing (or non-string) value.
type Process struct {
	OCID   string  `json:"ocid"`
	Date   string  `json:"date"`
	Buyer  OrgRef  `json:"buyer"`
	Tender Tender  `json:"tender"`
	Bids   Bids    `json:"bids"`
	Awards []Award `json:"awards"`
}

// OrgRef is an organization reference.
type OrgRef struct {
	ID string `json:"id"`
}

// Tender is the part of /tender the indicators read.
type Tender struct {
	Status                   string `json:"status"`
	ProcurementMethod        string `json:"procurementMethod"`
	ProcurementMethodDetails string `json:"procurementMethodDetails"`
	MainProcurementCategory  string `json:"mainProcurementCategory"`
	NumberOfTenderers        Count  `json:"numberOfTenderers"`
	TenderPeriod             Period `json:"tenderPeriod"`
	Value                    *Value `json:"value"`
	ProcuringEntity          OrgRef `json:"procuringEntity"`
	Items                    []Item `json:"items"`
	Lots                     []Lot  `json:"lots"`
}

// Period is an OCDS period; dates stay strings until an indicator parses
// them.
type Period struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

// Value is an amount and its currency.
type Value struct {
	Amount   Amount `json:"amount"`
	Currency string `json:"currency"`
}

// Amount is a JSON number read exactly; anything else (a string, null)
// leaves Valid false.
type Amount struct {
	Decimal decimal.Decimal
	Valid   bool
}

// UnmarshalJSON reads a JSON number and never fails.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		return nil
	}
	d, err := decimal.NewFromString(string(b))
	if err == nil {
		a.Decimal, a.Valid = d, true
	}
	return nil
}

// Count is a JSON non-negative integer; anything else (a negative or
// fractional number, a string) leaves Valid false.
type Count struct {
	N     int
	Valid bool
}

// UnmarshalJSON reads a JSON integer and never fails.
func (c *Count) UnmarshalJSON(b []byte) error {
	if n, err := strconv.ParseUint(string(b), 10, 31); err == nil {
		c.N, c.Valid = int(n), true
	}
	return nil
}

// Item is an item with its classification.
type Item struct {
	Classification Classification `json:"classification"`
}

// Classification is an item classification (CPV, UNSPSC...).
type Classification struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// Lot is a lot of the lots extension.
type Lot struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Value  *Value `json:"value"`
}

// Bids is the bids extension's /bids.
type Bids struct {
	Details []Bid `json:"details"`
}

// Bid is one of /bids/details.
type Bid struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Date        string   `json:"date"`
	Tenderers   []OrgRef `json:"tenderers"`
	Value       *Value   `json:"value"`
	RelatedLots []string `json:"relatedLots"`
}

// Award is one of /awards.
type Award struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Suppliers   []OrgRef `json:"suppliers"`
	Value       *Value   `json:"value"`
	Items       []Item   `json:"items"`
	RelatedLots []string `json:"relatedLots"`
	RelatedBid  string   `json:"relatedBid"`
}

// line is a compiled release, or a record whose compiledRelease is used.
type line struct {
	Process
	CompiledRelease *Process `json:"compiledRelease"`
}

// ParseRelease reads one compiled release (or an OCDS record, whose
// compiledRelease it reads). It fails on invalid JSON and returns ErrNoOCID
// when there is no string ocid; values of unexpected types are skipped.
func ParseRelease(data []byte) (*Process, error) {
	var l line
	if err := json.Unmarshal(data, &l); err != nil {
		// A type mismatch only skips the field; encoding/json decodes the rest.
		if _, mismatch := errors.AsType[*json.UnmarshalTypeError](err); !mismatch {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
	}
	p := &l.Process
	if l.CompiledRelease != nil {
		p = l.CompiledRelease
	}
	if p.OCID == "" {
		return nil, ErrNoOCID
	}
	return p, nil
}
