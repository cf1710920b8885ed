package tender

import (
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// DocumentInput is the metadata a platform posts after uploading a file to
// the document service.
type DocumentInput struct {
	Title        *string `json:"title"`
	Description  *string `json:"description"`
	URL          *string `json:"url"`
	Hash         *string `json:"hash"`
	Format       *string `json:"format"`
	DocumentType *string `json:"documentType"`
	DocumentOf   *string `json:"documentOf"`
	RelatedItem  *string `json:"relatedItem"`
	Language     *string `json:"language"`
}

var hashRE = regexp.MustCompile(`^(md5:[0-9a-f]{32}|sha256:[0-9a-f]{64})$`)

var documentTypes = map[string]bool{
	"": true, "notice": true, "biddingDocuments": true, "technicalSpecifications": true, "evaluationCriteria": true,
	"clarifications": true, "eligibilityCriteria": true, "shortlistedFirms": true, "riskProvisions": true,
	"billOfQuantity": true, "bidders": true, "conflictOfInterest": true, "debarments": true,
	"evaluationReports": true, "winningBid": true, "complaints": true, "contractSigned": true,
	"contractArrangements": true, "contractSchedule": true, "contractAnnexe": true, "contractGuarantees": true,
	"subContract": true, "eligibilityDocuments": true, "commercialProposal": true, "qualificationDocuments": true,
	"registerExtract": true, "tenderNotice": true, "awardNotice": true, "contractNotice": true,
	"cancellationDetails": true, "cancellationReport": true, "proposal": true, "contractProforma": true,
	"auctionProtocol": true, "auctionAudit": true, "deviationReport": true,
}

// newDocument validates document metadata from the stored-type input used on
// tender create and converts it to a Document.
func newDocument(d Document, now time.Time, newID func() string) (Document, error) {
	in := DocumentInput{Title: &d.Title, URL: &d.URL, Format: &d.Format}
	if d.Description != "" {
		in.Description = &d.Description
	}
	if d.Hash != "" {
		in.Hash = &d.Hash
	}
	if d.DocumentType != "" {
		in.DocumentType = &d.DocumentType
	}
	if d.DocumentOf != "" {
		in.DocumentOf = &d.DocumentOf
	}
	if d.RelatedItem != "" {
		in.RelatedItem = &d.RelatedItem
	}
	if d.Language != "" {
		in.Language = &d.Language
	}
	return documentFromInput(Document{}, in, now, newID)
}

// documentFromInput applies in over base (a previous version, or empty for a
// new document) and validates the result.
func documentFromInput(base Document, in DocumentInput, now time.Time, newID func() string) (Document, error) {
	var p Problems
	doc := base
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&doc.Title, in.Title)
	set(&doc.Description, in.Description)
	set(&doc.URL, in.URL)
	set(&doc.Hash, in.Hash)
	set(&doc.Format, in.Format)
	set(&doc.DocumentType, in.DocumentType)
	set(&doc.DocumentOf, in.DocumentOf)
	set(&doc.RelatedItem, in.RelatedItem)
	set(&doc.Language, in.Language)
	if doc.Title == "" {
		p.Add("title", "This field is required.")
	}
	if u, err := url.Parse(doc.URL); doc.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.Add("url", "Not a well formed URL.")
	}
	if doc.Format == "" {
		p.Add("format", "This field is required.")
	}
	if doc.Hash != "" && !hashRE.MatchString(doc.Hash) {
		p.Add("hash", "Hash type is not supported: use md5:<32 hex> or sha256:<64 hex>")
	}
	if !documentTypes[doc.DocumentType] {
		p.Add("documentType", "Value must be a ProZorro documentType")
	}
	switch doc.DocumentOf {
	case "", "tender", "item", "lot":
	default:
		p.Add("documentOf", "Value must be one of: tender, item, lot")
	}
	if err := p.Err(); err != nil {
		return Document{}, err
	}
	if doc.DocumentOf == "" {
		doc.DocumentOf = "tender"
	}
	if doc.ID == "" {
		doc.ID = newID()
		doc.DatePublished = now
	}
	doc.DateModified = now
	return doc, nil
}

// QuestionInput is a question or an answer to it.
type QuestionInput struct {
	Author      *Organization `json:"author"`
	Title       *string       `json:"title"`
	Description *string       `json:"description"`
	QuestionOf  *string       `json:"questionOf"`
	RelatedItem *string       `json:"relatedItem"`
	Answer      *string       `json:"answer"`
}

func (t *Tender) addQuestion(in QuestionInput, now time.Time, newID func() string) (*Question, error) {
	if t.Status != StatusEnquiries && !(t.Status == StatusTendering && !t.Config.HasEnquiries) {
		return nil, Forbidden("Can add question only in enquiryPeriod")
	}
	if now.Before(*t.EnquiryPeriod.StartDate) || !now.Before(*t.EnquiryPeriod.EndDate) {
		return nil, Forbidden("Can add question only in enquiryPeriod")
	}
	var p Problems
	if in.Author == nil {
		p.Add("author", "This field is required.")
	} else {
		validateOrganization("author", *in.Author, true, &p)
	}
	if in.Title == nil || *in.Title == "" {
		p.Add("title", "This field is required.")
	}
	if in.Answer != nil {
		p.Add("answer", "Rogue field")
	}
	q := Question{ID: newID(), Date: now, QuestionOf: "tender"}
	if in.QuestionOf != nil {
		q.QuestionOf = *in.QuestionOf
	}
	switch q.QuestionOf {
	case "tender":
		if in.RelatedItem != nil && *in.RelatedItem != "" {
			p.Add("relatedItem", "relatedItem is allowed only for questionOf item")
		}
	case "item":
		if in.RelatedItem == nil || t.item(*in.RelatedItem) == nil {
			p.Add("relatedItem", "relatedItem should be one of items")
		} else {
			q.RelatedItem = *in.RelatedItem
		}
	case "lot":
		if in.RelatedItem == nil || t.lot(*in.RelatedItem) == nil {
			p.Add("relatedItem", "relatedItem should be one of lots")
		} else if !t.lotOpen(*in.RelatedItem) {
			return nil, Forbidden("Can add question only in active lot status")
		} else {
			q.RelatedItem = *in.RelatedItem
		}
	default:
		p.Add("questionOf", "Value must be one of: tender, item, lot")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	q.Author = *in.Author
	q.Title = *in.Title
	if in.Description != nil {
		q.Description = *in.Description
	}
	t.Questions = append(t.Questions, q)
	return &t.Questions[len(t.Questions)-1], nil
}

func (t *Tender) answerQuestion(id string, in QuestionInput, now time.Time) (*Question, error) {
	q := t.question(id)
	if q == nil {
		return nil, NotFound("question_id")
	}
	if t.Status != StatusEnquiries && t.Status != StatusTendering {
		return nil, statusForbidden("update question", t.Status)
	}
	var p Problems
	if in.Author != nil || in.Title != nil || in.Description != nil || in.QuestionOf != nil || in.RelatedItem != nil {
		p.Add("data", "Only answer can be updated")
	}
	if in.Answer == nil || *in.Answer == "" {
		p.Add("answer", "This field is required.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	q.Answer = *in.Answer
	q.DateAnswered = ptr(now)
	return q, nil
}

func (t *Tender) item(id string) *Item {
	for i := range t.Items {
		if t.Items[i].ID == id {
			return &t.Items[i]
		}
	}
	return nil
}

func (t *Tender) question(id string) *Question {
	for i := range t.Questions {
		if t.Questions[i].ID == id {
			return &t.Questions[i]
		}
	}
	return nil
}

// findDocument returns the latest version of a document in docs (ProZorro
// keeps every version under the same id; the last one is current).
func findDocument(docs []Document, id string) *Document {
	for i := len(docs) - 1; i >= 0; i-- {
		if docs[i].ID == id {
			return &docs[i]
		}
	}
	return nil
}

// latestDocuments returns the current version of each document, in order of
// first publication.
func latestDocuments(docs []Document) []Document {
	idx := map[string]int{}
	var out []Document
	for _, d := range docs {
		if i, ok := idx[d.ID]; ok {
			out[i] = d
			continue
		}
		idx[d.ID] = len(out)
		out = append(out, d)
	}
	return out
}

func errorf(code Code, name, format string, args ...any) *Error {
	return &Error{Code: code, Errors: []FieldError{{"body", name, fmt.Sprintf(format, args...)}}}
}
