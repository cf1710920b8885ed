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

	// Pre-qualification (aboveThresholdEU).
	StatusPrequalification  Status = "active.pre-qualification"
	StatusPrequalStandstill Status = "active.pre-qualification.stand-still"
	// StatusActive is the one working status of the limited procedures.
	StatusActive Status = "active"
)

// Final reports whether no further transition can leave s.
func (s Status) Final() bool {
	return s == StatusComplete || s == StatusUnsuccessful || s == StatusCancelled
}

// Tender is the aggregate: one tender with everything embedded, stored whole.
// Fields tagged for JSON are its stored form; Views strip what a reader may not see.
type Tender struct {
	ID                       string          `json:"id"`
	TenderID                 string          `json:"tenderID"`
	Title                    string          `json:"title"`
	TitleEn                  string          `json:"title_en,omitempty"`
	Description              string          `json:"description,omitempty"`
	DescriptionEn            string          `json:"description_en,omitempty"`
	Status                   Status          `json:"status"`
	ProcurementMethod        string          `json:"procurementMethod"`
	ProcurementMethodType    string          `json:"procurementMethodType"`
	ProcurementMethodDetails string          `json:"procurementMethodDetails,omitempty"`
	SubmissionMethod         string          `json:"submissionMethod"`
	SubmissionMethodDetails  string          `json:"submissionMethodDetails,omitempty"`
	MainProcurementCategory  string          `json:"mainProcurementCategory"`
	AwardCriteria            string          `json:"awardCriteria"`
	Mode                     string          `json:"mode,omitempty"`
	Owner                    string          `json:"owner"`
	ProcuringEntity          Organization    `json:"procuringEntity"`
	Value                    Value           `json:"value"`
	MinimalStep              *Value          `json:"minimalStep,omitempty"`
	Guarantee                *Money          `json:"guarantee,omitempty"`
	Cause                    string          `json:"cause,omitempty"`
	CauseDescription         string          `json:"causeDescription,omitempty"`
	Lots                     []Lot           `json:"lots,omitempty"`
	Items                    []Item          `json:"items"`
	Features                 []Feature       `json:"features,omitempty"`
	Documents                []Document      `json:"documents,omitempty"`
	Questions                []Question      `json:"questions,omitempty"`
	Complaints               []Complaint     `json:"complaints,omitempty"`
	Bids                     []Bid           `json:"bids,omitempty"`
	Qualifications           []Qualification `json:"qualifications,omitempty"`
	Awards                   []Award         `json:"awards,omitempty"`
	Contracts                []Contract      `json:"contracts,omitempty"`
	Cancellations            []Cancellation  `json:"cancellations,omitempty"`
	EnquiryPeriod            *Period         `json:"enquiryPeriod,omitempty"`
	TenderPeriod             *Period         `json:"tenderPeriod,omitempty"`
	ComplaintPeriod          *Period         `json:"complaintPeriod,omitempty"`
	QualificationPeriod      *Period         `json:"qualificationPeriod,omitempty"`
	AuctionPeriod            *Period         `json:"auctionPeriod,omitempty"`
	AwardPeriod              *Period         `json:"awardPeriod,omitempty"`
	AuctionURL               string          `json:"auctionUrl,omitempty"`
	Date                     *time.Time      `json:"date,omitempty"`
	DateCreated              time.Time       `json:"dateCreated"`
	DateModified             time.Time       `json:"dateModified"`
	NextCheck                *time.Time      `json:"next_check,omitempty"`

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
	// Enquiry period only: the answer deadline and the last owner edit that
	// invalidated submitted bids.
	ClarificationsUntil *time.Time `json:"clarificationsUntil,omitempty"`
	InvalidationDate    *time.Time `json:"invalidationDate,omitempty"`
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
	RelatedLot                string           `json:"relatedLot,omitempty"`
}

// Lot statuses.
const (
	LotActive       = "active"
	LotUnsuccessful = "unsuccessful"
	LotComplete     = "complete"
	LotCancelled    = "cancelled"
)

// Lot is a separately awarded part of a tender with its own value, bids,
// auction, awards and status.
type Lot struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	TitleEn       string     `json:"title_en,omitempty"`
	Description   string     `json:"description,omitempty"`
	Value         Value      `json:"value"`
	Guarantee     *Money     `json:"guarantee,omitempty"`
	MinimalStep   *Value     `json:"minimalStep,omitempty"`
	AuctionPeriod *Period    `json:"auctionPeriod,omitempty"`
	AuctionURL    string     `json:"auctionUrl,omitempty"`
	Status        string     `json:"status"`
	Date          *time.Time `json:"date,omitempty"`
}

// Feature is a non-price criterion: bidders pick one of its enum values,
// each a share (0–0.3) that lowers their weighted price.
type Feature struct {
	Code        string         `json:"code"`
	FeatureOf   string         `json:"featureOf"`
	RelatedItem string         `json:"relatedItem,omitempty"`
	Title       string         `json:"title"`
	TitleEn     string         `json:"title_en,omitempty"`
	Description string         `json:"description,omitempty"`
	Enum        []FeatureValue `json:"enum"`
}

// FeatureValue is one option of a Feature.
type FeatureValue struct {
	Value       Amount `json:"value"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Parameter is a bid's answer to a Feature.
type Parameter struct {
	Code  string `json:"code"`
	Value Amount `json:"value"`
}

// WeightedValue is a price adjusted by the bid's feature answers:
// amount = value / denominator, rounded to kopecks for display; ranking uses
// the exact quotient.
type WeightedValue struct {
	Amount      Amount `json:"amount"`
	Currency    string `json:"currency"`
	VAT         *bool  `json:"valueAddedTaxIncluded,omitempty"`
	Denominator Amount `json:"denominator"`
}

// LotValue is a bid's offer for one lot.
type LotValue struct {
	RelatedLot       string         `json:"relatedLot"`
	Value            *Value         `json:"value,omitempty"`
	InitialValue     *Value         `json:"initialValue,omitempty"`
	WeightedValue    *WeightedValue `json:"weightedValue,omitempty"`
	Status           string         `json:"status,omitempty"`
	Date             *time.Time     `json:"date,omitempty"`
	ParticipationURL string         `json:"participationUrl,omitempty"`
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

// Complaint is a claim to the buyer (type claim) or a complaint to the
// review body (type complaint), on the tender, a lot, an award, a
// qualification or a cancellation.
type Complaint struct {
	ID                      string       `json:"id"`
	ComplaintID             string       `json:"complaintID"`
	Type                    string       `json:"type"`
	Status                  string       `json:"status"`
	Author                  Organization `json:"author"`
	Title                   string       `json:"title"`
	Description             string       `json:"description,omitempty"`
	RelatedLot              string       `json:"relatedLot,omitempty"`
	Date                    time.Time    `json:"date"`
	DateSubmitted           *time.Time   `json:"dateSubmitted,omitempty"`
	DateAnswered            *time.Time   `json:"dateAnswered,omitempty"`
	DateEscalated           *time.Time   `json:"dateEscalated,omitempty"`
	DateAccepted            *time.Time   `json:"dateAccepted,omitempty"`
	DateDecision            *time.Time   `json:"dateDecision,omitempty"`
	DateCanceled            *time.Time   `json:"dateCanceled,omitempty"`
	Value                   *Value       `json:"value,omitempty"`
	Resolution              string       `json:"resolution,omitempty"`
	ResolutionType          string       `json:"resolutionType,omitempty"`
	Satisfied               *bool        `json:"satisfied,omitempty"`
	Decision                string       `json:"decision,omitempty"`
	RejectReason            string       `json:"rejectReason,omitempty"`
	RejectReasonDescription string       `json:"rejectReasonDescription,omitempty"`
	CancellationReason      string       `json:"cancellationReason,omitempty"`
	TendererAction          string       `json:"tendererAction,omitempty"`
	TendererActionDate      *time.Time   `json:"tendererActionDate,omitempty"`
	ReviewDate              *time.Time   `json:"reviewDate,omitempty"`
	ReviewPlace             string       `json:"reviewPlace,omitempty"`
	Documents               []Document   `json:"documents,omitempty"`
	Owner                   string       `json:"owner,omitempty"`
	Access                  *Access      `json:"access,omitempty"`
}

// Qualification statuses.
const (
	QualificationPending      = "pending"
	QualificationActive       = "active"
	QualificationUnsuccessful = "unsuccessful"
	QualificationCancelled    = "cancelled"
)

// Qualification is the buyer's pre-qualification decision on one bid (one
// lot value of it), before prices are opened.
type Qualification struct {
	ID          string      `json:"id"`
	BidID       string      `json:"bidID"`
	LotID       string      `json:"lotID,omitempty"`
	Status      string      `json:"status"`
	Date        time.Time   `json:"date"`
	Qualified   *bool       `json:"qualified,omitempty"`
	Eligible    *bool       `json:"eligible,omitempty"`
	Title       string      `json:"title,omitempty"`
	Description string      `json:"description,omitempty"`
	Documents   []Document  `json:"documents,omitempty"`
	Complaints  []Complaint `json:"complaints,omitempty"`
}

// Milestone is a deadline attached to an award, such as the
// abnormally-low-price explanation ("alp").
type Milestone struct {
	ID          string    `json:"id"`
	Code        string    `json:"code"`
	Description string    `json:"description,omitempty"`
	DueDate     time.Time `json:"dueDate"`
	Status      string    `json:"status"`
	Date        time.Time `json:"date"`
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
	WeightedValue    *WeightedValue `json:"weightedValue,omitempty"`
	LotValues        []LotValue     `json:"lotValues,omitempty"`
	Parameters       []Parameter    `json:"parameters,omitempty"`
	Documents        []Document     `json:"documents,omitempty"`
	SelfQualified    *bool          `json:"selfQualified,omitempty"`
	SelfEligible     *bool          `json:"selfEligible,omitempty"`
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
	BidID           string         `json:"bid_id,omitempty"`
	LotID           string         `json:"lotID,omitempty"`
	Status          string         `json:"status"`
	Date            time.Time      `json:"date"`
	Value           Value          `json:"value"`
	WeightedValue   *WeightedValue `json:"weightedValue,omitempty"`
	Suppliers       []Organization `json:"suppliers"`
	Qualified       *bool          `json:"qualified,omitempty"`
	Eligible        *bool          `json:"eligible,omitempty"`
	Milestones      []Milestone    `json:"milestones,omitempty"`
	Complaints      []Complaint    `json:"complaints,omitempty"`
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
	CancellationPending      = "pending"
	CancellationActive       = "active"
	CancellationUnsuccessful = "unsuccessful"
)

// Cancellation cancels the tender or one lot.
type Cancellation struct {
	ID              string      `json:"id"`
	Reason          string      `json:"reason"`
	ReasonType      string      `json:"reasonType"`
	Status          string      `json:"status"`
	Date            time.Time   `json:"date"`
	CancellationOf  string      `json:"cancellationOf"`
	RelatedLot      string      `json:"relatedLot,omitempty"`
	Documents       []Document  `json:"documents,omitempty"`
	ComplaintPeriod *Period     `json:"complaintPeriod,omitempty"`
	Complaints      []Complaint `json:"complaints,omitempty"`
}
