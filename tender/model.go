package tender

import "time"

// Status is a tender status.
type Status string

// Tender statuses of the belowThreshold procedure.
const (
	StatusDraft         Status = "draft"
	StatusEnquiries     Status = "active.enquiries"
	StatusTendering     Status = "active.tendering"
	StatusAuction       Status = "active.auction"
	StatusQualification Status = "active.qualification"
	StatusAwarded       Status = "active.awarded"
	StatusComplete      Status = "complete"
	StatusUnsuccessful  Status = "unsuccessful"
	StatusCancelled     Status = "cancelled"
)

// Final reports whether no further transition can leave s.
func (s Status) Final() bool {
	return s == StatusComplete || s == StatusUnsuccessful || s == StatusCancelled
}

// Tender is the aggregate: one tender with everything embedded, stored whole.
// Fields tagged for JSON are its stored form; Views strip what a reader may not see.
type Tender struct {
	ID                       string         `json:"id"`
	TenderID                 string         `json:"tenderID"`
	Title                    string         `json:"title"`
	TitleEn                  string         `json:"title_en,omitempty"`
	Description              string         `json:"description,omitempty"`
	DescriptionEn            string         `json:"description_en,omitempty"`
	Status                   Status         `json:"status"`
	ProcurementMethod        string         `json:"procurementMethod"`
	ProcurementMethodType    string         `json:"procurementMethodType"`
	ProcurementMethodDetails string         `json:"procurementMethodDetails,omitempty"`
	SubmissionMethod         string         `json:"submissionMethod"`
	SubmissionMethodDetails  string         `json:"submissionMethodDetails,omitempty"`
	MainProcurementCategory  string         `json:"mainProcurementCategory"`
	AwardCriteria            string         `json:"awardCriteria"`
	Mode                     string         `json:"mode,omitempty"`
	Owner                    string         `json:"owner"`
	ProcuringEntity          Organization   `json:"procuringEntity"`
	Value                    Value          `json:"value"`
	MinimalStep              *Value         `json:"minimalStep,omitempty"`
	Guarantee                *Money         `json:"guarantee,omitempty"`
	Items                    []Item         `json:"items"`
	Documents                []Document     `json:"documents,omitempty"`
	Questions                []Question     `json:"questions,omitempty"`
	Bids                     []Bid          `json:"bids,omitempty"`
	Awards                   []Award        `json:"awards,omitempty"`
	Contracts                []Contract     `json:"contracts,omitempty"`
	Cancellations            []Cancellation `json:"cancellations,omitempty"`
	EnquiryPeriod            *Period        `json:"enquiryPeriod,omitempty"`
	TenderPeriod             *Period        `json:"tenderPeriod,omitempty"`
	AuctionPeriod            *Period        `json:"auctionPeriod,omitempty"`
	AwardPeriod              *Period        `json:"awardPeriod,omitempty"`
	AuctionURL               string         `json:"auctionUrl,omitempty"`
	Date                     *time.Time     `json:"date,omitempty"`
	DateCreated              time.Time      `json:"dateCreated"`
	DateModified             time.Time      `json:"dateModified"`
	NextCheck                *time.Time     `json:"next_check,omitempty"`

	// Private: stored, never shown.
	Config   *Config `json:"config,omitempty"`
	Access   *Access `json:"access,omitempty"`
	Revision int64   `json:"-"` // the store's revision this copy was read at
	Seq      int64   `json:"-"` // the feed stamp this copy was read at
	// BidCommits is when the store committed each bid's last change, by the
	// store's clock; bids committed after tenderPeriod.endDate are refused.
	BidCommits map[string]time.Time `json:"-"`
}

// Access holds an owner's credentials, hashed; raw tokens are returned once.
type Access struct {
	TokenHash    string `json:"token_sha256"`
	TransferHash string `json:"transfer_sha256,omitempty"`
}

// Period is a time window; either end may be open.
type Period struct {
	StartDate        *time.Time `json:"startDate,omitempty"`
	EndDate          *time.Time `json:"endDate,omitempty"`
	ShouldStartAfter *time.Time `json:"shouldStartAfter,omitempty"`
}

// Organization is a party: procuring entity, tenderer, supplier, question author.
type Organization struct {
	Name         string         `json:"name"`
	NameEn       string         `json:"name_en,omitempty"`
	Identifier   Identifier     `json:"identifier"`
	Address      *Address       `json:"address,omitempty"`
	ContactPoint *ContactPoint  `json:"contactPoint,omitempty"`
	Kind         string         `json:"kind,omitempty"`
	Scale        string         `json:"scale,omitempty"`
	Additional   []Identifier   `json:"additionalIdentifiers,omitempty"`
	Signer       map[string]any `json:"signerInfo,omitempty"`
}

// Identifier is a legal identifier such as UA-EDR 00037256.
type Identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
	URI       string `json:"uri,omitempty"`
}

// Address is a postal address.
type Address struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryName   string `json:"countryName"`
}

// ContactPoint is a person to contact.
type ContactPoint struct {
	Name      string `json:"name"`
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	FaxNumber string `json:"faxNumber,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Classification is a code from a scheme (ДК021 is CPV).
type Classification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description"`
}

// Unit is a unit of measure (UN/CEFACT code).
type Unit struct {
	Code  string `json:"code"`
	Name  string `json:"name,omitempty"`
	Value *Value `json:"value,omitempty"`
}

// Item is one thing being bought.
type Item struct {
	ID                        string           `json:"id"`
	Description               string           `json:"description"`
	DescriptionEn             string           `json:"description_en,omitempty"`
	Classification            Classification   `json:"classification"`
	AdditionalClassifications []Classification `json:"additionalClassifications,omitempty"`
	Unit                      *Unit            `json:"unit,omitempty"`
	Quantity                  *Amount          `json:"quantity,omitempty"`
	DeliveryDate              *Period          `json:"deliveryDate,omitempty"`
	DeliveryAddress           *Address         `json:"deliveryAddress,omitempty"`
}

// Document is document metadata; the file itself lives in a document service.
type Document struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	Description   string    `json:"description,omitempty"`
	URL           string    `json:"url"`
	Hash          string    `json:"hash,omitempty"`
	Format        string    `json:"format"`
	DocumentType  string    `json:"documentType,omitempty"`
	DocumentOf    string    `json:"documentOf,omitempty"`
	RelatedItem   string    `json:"relatedItem,omitempty"`
	Language      string    `json:"language,omitempty"`
	Author        string    `json:"author,omitempty"`
	DatePublished time.Time `json:"datePublished"`
	DateModified  time.Time `json:"dateModified"`
}

// Question is an enquiry to the buyer and its answer.
type Question struct {
	ID           string       `json:"id"`
	Author       Organization `json:"author"`
	Title        string       `json:"title"`
	Description  string       `json:"description,omitempty"`
	Date         time.Time    `json:"date"`
	Answer       string       `json:"answer,omitempty"`
	DateAnswered *time.Time   `json:"dateAnswered,omitempty"`
	QuestionOf   string       `json:"questionOf"`
	RelatedItem  string       `json:"relatedItem,omitempty"`
}

// Bid statuses.
const (
	BidDraft        = "draft"
	BidPending      = "pending"
	BidActive       = "active"
	BidUnsuccessful = "unsuccessful"
	BidInvalid      = "invalid"
	BidDeleted      = "deleted"
)

// Bid is a sealed offer.
type Bid struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	Date             time.Time      `json:"date"`
	SubmissionDate   *time.Time     `json:"submissionDate,omitempty"`
	Tenderers        []Organization `json:"tenderers"`
	Value            *Value         `json:"value,omitempty"`
	InitialValue     *Value         `json:"initialValue,omitempty"`
	Documents        []Document     `json:"documents,omitempty"`
	SelfQualified    *bool          `json:"selfQualified,omitempty"`
	ParticipationURL string         `json:"participationUrl,omitempty"`
	Owner            string         `json:"owner,omitempty"`
	Access           *Access        `json:"access,omitempty"`
}

// Award statuses (contracts share pending/active/cancelled).
const (
	AwardPending      = "pending"
	AwardActive       = "active"
	AwardUnsuccessful = "unsuccessful"
	AwardCancelled    = "cancelled"
)

// Award is the buyer's decision on one bid.
type Award struct {
	ID              string         `json:"id"`
	BidID           string         `json:"bid_id"`
	Status          string         `json:"status"`
	Date            time.Time      `json:"date"`
	Value           Value          `json:"value"`
	Suppliers       []Organization `json:"suppliers"`
	Qualified       *bool          `json:"qualified,omitempty"`
	Title           string         `json:"title,omitempty"`
	Description     string         `json:"description,omitempty"`
	Documents       []Document     `json:"documents,omitempty"`
	Period          *Period        `json:"period,omitempty"`
	ComplaintPeriod *Period        `json:"complaintPeriod,omitempty"`
}

// Contract statuses.
const (
	ContractPending   = "pending"
	ContractActive    = "active"
	ContractCancelled = "cancelled"
)

// Contract is the agreement signed with an awarded supplier.
type Contract struct {
	ID             string         `json:"id"`
	AwardID        string         `json:"awardID"`
	ContractID     string         `json:"contractID"`
	ContractNumber string         `json:"contractNumber,omitempty"`
	Title          string         `json:"title,omitempty"`
	Description    string         `json:"description,omitempty"`
	Status         string         `json:"status"`
	Period         *Period        `json:"period,omitempty"`
	Value          *ContractValue `json:"value,omitempty"`
	Items          []Item         `json:"items,omitempty"`
	Suppliers      []Organization `json:"suppliers"`
	DateSigned     *time.Time     `json:"dateSigned,omitempty"`
	Date           time.Time      `json:"date"`
	Documents      []Document     `json:"documents,omitempty"`
}

// ContractValue is a contract's price with and without VAT.
type ContractValue struct {
	Amount                Amount  `json:"amount"`
	AmountNet             *Amount `json:"amountNet,omitempty"`
	Currency              string  `json:"currency"`
	ValueAddedTaxIncluded *bool   `json:"valueAddedTaxIncluded,omitempty"`
}

// Cancellation statuses.
const (
	CancellationDraft        = "draft"
	CancellationActive       = "active"
	CancellationUnsuccessful = "unsuccessful"
)

// Cancellation cancels the tender.
type Cancellation struct {
	ID             string     `json:"id"`
	Reason         string     `json:"reason"`
	ReasonType     string     `json:"reasonType"`
	Status         string     `json:"status"`
	Date           time.Time  `json:"date"`
	CancellationOf string     `json:"cancellationOf"`
	Documents      []Document `json:"documents,omitempty"`
}
