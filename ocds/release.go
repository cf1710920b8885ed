package ocds

import (
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// PlaceholderPrefix is the default OCID prefix. It has the valid form
// (`ocds-` + 6 lowercase alphanumerics) but is NOT registered with the Open
// Contracting Partnership: operators must register their own prefix and set
// Config.Prefix before publishing. ProZorro's own prefix is ocds-be6bcu; only
// its registrant may mint ocids under it.
const PlaceholderPrefix = "ocds-xxxxxx"

// Config is what a publisher sets once for all its releases and packages.
type Config struct {
	// Prefix is the registered OCID prefix; "" means PlaceholderPrefix.
	Prefix string
	// Publisher names the organization publishing the data.
	Publisher Publisher
	// License and PublicationPolicy are URLs copied into packages, if set.
	License           string
	PublicationPolicy string
	// ReviewBody is the complaint review body (in Ukraine the Antimonopoly
	// Committee). When set, it becomes a party with the role reviewBody in
	// every release of a tender with a complaint to the review body.
	ReviewBody *tender.Organization
}

// prefix returns the configured OCID prefix or the placeholder.
func (c Config) prefix() string {
	if c.Prefix == "" {
		return PlaceholderPrefix
	}
	return c.Prefix
}

// OCID returns the ocid of the contracting process of the tender with the
// given tenderID ("UA-2026-03-02-000001-a"): one tender, lots and all, is
// one contracting process.
func (c Config) OCID(tenderID string) string { return c.prefix() + "-" + tenderID }

// Release tags: the closed releaseTag codelist, less the planning,
// implementation and compiled stages, which this engine does not produce.
const (
	TagTender              = "tender"
	TagTenderAmendment     = "tenderAmendment"
	TagTenderUpdate        = "tenderUpdate"
	TagTenderCancellation  = "tenderCancellation"
	TagAward               = "award"
	TagAwardUpdate         = "awardUpdate"
	TagAwardCancellation   = "awardCancellation"
	TagContract            = "contract"
	TagContractUpdate      = "contractUpdate"
	TagContractAmendment   = "contractAmendment"
	TagContractTermination = "contractTermination"
)

// Release is one OCDS 1.1 release (release-schema.json with the bids, lots
// and enquiries extensions). Every release is a full snapshot of the public
// state at its date, so merging any prefix of the releases gives that
// state; its tags say what changed since the previous release.
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           time.Time      `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language,omitempty"`
	Parties        []Organization `json:"parties,omitempty"`
	Buyer          *OrgRef        `json:"buyer,omitempty"`
	Tender         *Tender        `json:"tender,omitempty"`
	Bids           *Bids          `json:"bids,omitempty"`
	Awards         []Award        `json:"awards,omitempty"`
	Contracts      []Contract     `json:"contracts,omitempty"`
}

// Organization is a party: one entry per legal entity, with all its roles.
type Organization struct {
	ID                    string        `json:"id"`
	Name                  string        `json:"name,omitempty"`
	Identifier            *Identifier   `json:"identifier,omitempty"`
	AdditionalIdentifiers []Identifier  `json:"additionalIdentifiers,omitempty"`
	Address               *Address      `json:"address,omitempty"`
	ContactPoint          *ContactPoint `json:"contactPoint,omitempty"`
	Roles                 []string      `json:"roles"`
}

// OrgRef refers to an entry of parties by id (OrganizationReference).
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Identifier is a legal identifier: scheme from org-id.guide (UA-EDR) and id.
type Identifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
	URI       string `json:"uri,omitempty"`
}

// Address is a postal address.
type Address struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryName   string `json:"countryName,omitempty"`
}

// ContactPoint is a person to contact.
type ContactPoint struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	FaxNumber string `json:"faxNumber,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Value is an exact amount of money and its ISO 4217 currency.
type Value struct {
	Amount   tender.Amount `json:"amount"`
	Currency string        `json:"currency,omitempty"`
}

// Period is a time window.
type Period struct {
	StartDate *time.Time `json:"startDate,omitempty"`
	EndDate   *time.Time `json:"endDate,omitempty"`
}

// Classification is a code from a scheme; ProZorro's ДК021 is CPV.
type Classification struct {
	Scheme      string `json:"scheme,omitempty"`
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
}

// Unit is a unit of measure from UN/CEFACT Recommendation 20.
type Unit struct {
	Scheme string `json:"scheme,omitempty"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Value  *Value `json:"value,omitempty"`
}

// Item is one thing being bought.
type Item struct {
	ID                        string           `json:"id"`
	Description               string           `json:"description,omitempty"`
	Classification            *Classification  `json:"classification,omitempty"`
	AdditionalClassifications []Classification `json:"additionalClassifications,omitempty"`
	Quantity                  *tender.Amount   `json:"quantity,omitempty"`
	Unit                      *Unit            `json:"unit,omitempty"`
	RelatedLot                string           `json:"relatedLot,omitempty"`
}

// Document is a published document's metadata.
type Document struct {
	ID            string     `json:"id"`
	DocumentType  string     `json:"documentType,omitempty"`
	Title         string     `json:"title,omitempty"`
	Description   string     `json:"description,omitempty"`
	URL           string     `json:"url,omitempty"`
	DatePublished *time.Time `json:"datePublished,omitempty"`
	DateModified  *time.Time `json:"dateModified,omitempty"`
	Format        string     `json:"format,omitempty"`
	Language      string     `json:"language,omitempty"`
	RelatedLots   []string   `json:"relatedLots,omitempty"`
}

// Amendment records a change to the tender's terms after publication.
type Amendment struct {
	ID              string    `json:"id"`
	Date            time.Time `json:"date"`
	Description     string    `json:"description,omitempty"`
	AmendsReleaseID string    `json:"amendsReleaseID,omitempty"`
	ReleaseID       string    `json:"releaseID,omitempty"`
}

// Lot is a separately awarded part of the tender (lots extension).
type Lot struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Status      string `json:"status,omitempty"`
	Value       *Value `json:"value,omitempty"`
}

// Enquiry is a question to the buyer and its answer (enquiries extension);
// its author is a party with the enquirer role.
type Enquiry struct {
	ID           string     `json:"id"`
	Date         *time.Time `json:"date,omitempty"`
	Author       *OrgRef    `json:"author,omitempty"`
	Title        string     `json:"title,omitempty"`
	Description  string     `json:"description,omitempty"`
	Answer       string     `json:"answer,omitempty"`
	DateAnswered *time.Time `json:"dateAnswered,omitempty"`
	RelatedItem  string     `json:"relatedItem,omitempty"`
	RelatedLot   string     `json:"relatedLot,omitempty"`
}

// Tender is the tender section of a release.
type Tender struct {
	ID                         string      `json:"id"`
	Title                      string      `json:"title,omitempty"`
	Description                string      `json:"description,omitempty"`
	Status                     string      `json:"status,omitempty"`
	ProcuringEntity            *OrgRef     `json:"procuringEntity,omitempty"`
	Items                      []Item      `json:"items,omitempty"`
	Value                      *Value      `json:"value,omitempty"`
	ProcurementMethod          string      `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails   string      `json:"procurementMethodDetails,omitempty"`
	ProcurementMethodRationale string      `json:"procurementMethodRationale,omitempty"`
	MainProcurementCategory    string      `json:"mainProcurementCategory,omitempty"`
	AwardCriteria              string      `json:"awardCriteria,omitempty"`
	SubmissionMethod           []string    `json:"submissionMethod,omitempty"`
	SubmissionMethodDetails    string      `json:"submissionMethodDetails,omitempty"`
	TenderPeriod               *Period     `json:"tenderPeriod,omitempty"`
	EnquiryPeriod              *Period     `json:"enquiryPeriod,omitempty"`
	HasEnquiries               *bool       `json:"hasEnquiries,omitempty"`
	AwardPeriod                *Period     `json:"awardPeriod,omitempty"`
	NumberOfTenderers          *int        `json:"numberOfTenderers,omitempty"`
	Tenderers                  []OrgRef    `json:"tenderers,omitempty"`
	Documents                  []Document  `json:"documents,omitempty"`
	Amendments                 []Amendment `json:"amendments,omitempty"`
	Lots                       []Lot       `json:"lots,omitempty"`
	Enquiries                  []Enquiry   `json:"enquiries,omitempty"`
}

// Bids is the bids extension's section: statistics, and the bids themselves
// once the procedure has opened them.
type Bids struct {
	Statistics []BidStatistic `json:"statistics,omitempty"`
	Details    []Bid          `json:"details,omitempty"`
}

// BidStatistic is one measure from the bidStatistics codelist.
type BidStatistic struct {
	ID         string        `json:"id"`
	Measure    string        `json:"measure"`
	Value      tender.Amount `json:"value"`
	Currency   string        `json:"currency,omitempty"`
	RelatedLot string        `json:"relatedLot,omitempty"`
}

// Bid is one bid, or one lot value of a multi-lot bid (id "<bid>-<lot>").
type Bid struct {
	ID          string     `json:"id"`
	Date        *time.Time `json:"date,omitempty"`
	Status      string     `json:"status,omitempty"`
	Tenderers   []OrgRef   `json:"tenderers,omitempty"`
	Value       *Value     `json:"value,omitempty"`
	Documents   []Document `json:"documents,omitempty"`
	RelatedLots []string   `json:"relatedLots,omitempty"`
}

// Award is a decision on a bid.
type Award struct {
	ID          string     `json:"id"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status,omitempty"`
	Date        *time.Time `json:"date,omitempty"`
	Value       *Value     `json:"value,omitempty"`
	Suppliers   []OrgRef   `json:"suppliers,omitempty"`
	Items       []Item     `json:"items,omitempty"`
	Documents   []Document `json:"documents,omitempty"`
	RelatedLots []string   `json:"relatedLots,omitempty"`
	RelatedBid  string     `json:"relatedBid,omitempty"`
}

// Contract is an agreement with an awarded supplier.
type Contract struct {
	ID          string     `json:"id"`
	AwardID     string     `json:"awardID"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status,omitempty"`
	Period      *Period    `json:"period,omitempty"`
	Value       *Value     `json:"value,omitempty"`
	Items       []Item     `json:"items,omitempty"`
	DateSigned  *time.Time `json:"dateSigned,omitempty"`
	Documents   []Document `json:"documents,omitempty"`
}
