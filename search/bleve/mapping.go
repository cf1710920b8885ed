package bleve

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/prozorro-go/prozorro/search"
)

// kind is how a document field is indexed.
type kind int

const (
	kindKeyword kind = iota // exact term
	kindNumber              // float64
	kindDate                // datetime
	kindText                // full text only
)

// plainAnalyzer is the Ukrainian-friendly analyzer: apostrophes made one
// (Ukrainian text mixes ' ’ ʼ in комп'ютер), Unicode words, lower case, no
// stemming and no stop words.
const plainAnalyzer = "plain"

const apostropheFilter = "apostrophe"

// Stored-only fields.
const (
	sourceField  = "_source" // the document as Put marshalled it
	versionField = "version"
)

// fields maps every indexed field (its JSON path, dotted for nested objects
// and arrays of them) of TenderDoc and ContractDoc to its kind.
var fields = map[string]kind{
	"id": kindKeyword, "ocid": kindKeyword, "tenderID": kindKeyword, "source": kindKeyword,
	"status": kindKeyword, "procurementMethod": kindKeyword, "procurementMethodType": kindKeyword,
	"mainProcurementCategory": kindKeyword,
	"buyer.id":                kindKeyword, "postalCode": kindKeyword, "region": kindKeyword,
	"suppliers.id": kindKeyword, "tenderers.id": kindKeyword,
	"cpv": kindKeyword, "cpvDivision": kindKeyword, "currency": kindKeyword, "amount": kindKeyword,
	"flags":   kindKeyword,
	"lots.id": kindKeyword, "lots.status": kindKeyword, "lots.amount": kindKeyword, "lots.currency": kindKeyword,
	"items.id": kindKeyword, "items.cpv": kindKeyword, "items.quantity": kindKeyword, "items.unit": kindKeyword,
	"items.lot": kindKeyword,
	// ContractDoc's own.
	"tender": kindKeyword, "awardID": kindKeyword, "lot": kindKeyword, "contractID": kindKeyword,
	"contractStatus": kindKeyword,

	"amountMinor": kindNumber, "numberOfBids": kindNumber, "riskScore": kindNumber, versionField: kindNumber,

	"date": kindDate, "dateModified": kindDate, "tenderStart": kindDate, "tenderEnd": kindDate,
	"enquiryStart": kindDate, "enquiryEnd": kindDate, "auctionStart": kindDate, "auctionEnd": kindDate,
	"awardStart": kindDate, "awardEnd": kindDate, "dateSigned": kindDate,
	"contractStart": kindDate, "contractEnd": kindDate,

	"title": kindText, "description": kindText, "items.description": kindText, "lots.title": kindText,
	"buyer.name": kindText, "suppliers.name": kindText,
}

// languages are the analyzers every text field is indexed with.
var languages = []string{en.AnalyzerName, ru.AnalyzerName, plainAnalyzer}

// idTextFields are keyword fields also indexed as plain text, so that full
// text finds an identifier by its parts.
var idTextFields = []string{"tenderID", "contractID"}

// exactTextFields are keyword fields the whole Query.Text may equal.
var exactTextFields = []string{"id", "ocid", "tenderID", "contractID"}

// Fields sorted on or aggregated keep doc values (a column per field).
var (
	sortFields = map[string]string{
		search.SortDate: "date", search.SortDateModified: "dateModified",
		search.SortValue: "amountMinor", search.SortRisk: "riskScore",
	}
	currencyField, amountField, monthField = "currency", "amountMinor", "date"
)

func hasDocValues(path string) bool {
	for _, f := range search.FacetFields {
		if f == path {
			return true
		}
	}
	for _, f := range sortFields {
		if f == path {
			return true
		}
	}
	return path == currencyField || path == amountField || path == monthField
}

// textFieldName is the indexed name of text field path under an analyzer.
func textFieldName(path, analyzer string) string { return path + "." + analyzer }

// textField is one indexed full-text field.
type textField struct{ name, analyzer string }

// allTextFields lists the full-text fields, sorted so that scores add up in
// the same order every time.
var allTextFields = textFields()

func textFields() []textField {
	var out []textField
	for path, k := range fields {
		if k != kindText {
			continue
		}
		for _, a := range languages {
			out = append(out, textField{textFieldName(path, a), a})
		}
	}
	for _, path := range idTextFields {
		out = append(out, textField{textFieldName(path, plainAnalyzer), plainAnalyzer})
	}
	slices.SortFunc(out, func(a, b textField) int { return strings.Compare(a.name, b.name) })
	return out
}

// newMapping builds the index mapping shared by both indexes.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := blv.NewIndexMapping()
	err := m.AddCustomCharFilter(apostropheFilter, map[string]any{
		"type": regexp.Name, "regexp": "[’ʼ‘`´]", "replace": "'",
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(plainAnalyzer, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{apostropheFilter},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = keyword.Name
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	m.ScoringModel = index.BM25Scoring

	root := blv.NewDocumentStaticMapping()
	for path, k := range fields {
		parent, name := subDocument(root, path)
		parent.AddFieldMappingsAt(name, fieldMappings(path, name, k)...)
	}
	root.AddFieldMappingsAt(sourceField, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true})
	// No composite _all field: full text names its fields.
	root.AddSubDocumentMapping("_all", blv.NewDocumentDisabledMapping())
	m.DefaultMapping = root
	return m, m.Validate()
}

// subDocument returns the mapping holding the last element of a dotted
// path, creating static sub-document mappings on the way.
func subDocument(root *mapping.DocumentMapping, path string) (*mapping.DocumentMapping, string) {
	parts := strings.Split(path, ".")
	dm := root
	for _, p := range parts[:len(parts)-1] {
		sub, ok := dm.Properties[p]
		if !ok {
			sub = blv.NewDocumentStaticMapping()
			dm.AddSubDocumentMapping(p, sub)
		}
		dm = sub
	}
	return dm, parts[len(parts)-1]
}

func fieldMappings(path, name string, k kind) []*mapping.FieldMapping {
	dv := hasDocValues(path)
	switch k {
	case kindNumber:
		return []*mapping.FieldMapping{{Type: "number", Index: true, DocValues: dv, Store: path == versionField}}
	case kindDate:
		return []*mapping.FieldMapping{{Type: "datetime", Index: true, DocValues: dv}}
	case kindText:
		var out []*mapping.FieldMapping
		for _, a := range languages {
			out = append(out, &mapping.FieldMapping{Type: "text", Name: textFieldName(name, a), Analyzer: a, Index: true})
		}
		return out
	}
	out := []*mapping.FieldMapping{{Type: "text", Analyzer: keyword.Name, Index: true, DocValues: dv}}
	for _, p := range idTextFields {
		if p == path {
			out = append(out, &mapping.FieldMapping{Type: "text", Name: textFieldName(name, plainAnalyzer), Analyzer: plainAnalyzer, Index: true})
		}
	}
	return out
}

// indexed is one document ready for a bleve batch.
type indexed struct {
	id      string
	version int64
	fields  map[string]any
}

// prepare marshals d and builds what bleve indexes: the decoded JSON with
// dates parsed, the version from d, and the JSON itself as _source.
func prepare(d search.Doc) (indexed, error) {
	if d.ID == "" {
		return indexed{}, errors.New("search/bleve: a document without an id")
	}
	raw, err := json.Marshal(d.Body)
	if err != nil {
		return indexed{}, fmt.Errorf("search/bleve: document %s: %w", d.ID, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return indexed{}, fmt.Errorf("search/bleve: document %s is not a JSON object", d.ID)
	}
	if err := parseDates(m, ""); err != nil {
		return indexed{}, fmt.Errorf("search/bleve: document %s: %w", d.ID, err)
	}
	m[versionField] = float64(d.Version)
	m[sourceField] = string(raw)
	return indexed{id: d.ID, version: d.Version, fields: m}, nil
}

// parseDates replaces the date strings of mapped datetime fields with
// time.Time values, so that a malformed date is an error rather than a
// silently unindexed field.
func parseDates(m map[string]any, prefix string) error {
	for k, v := range m {
		path := prefix + k
		switch x := v.(type) {
		case map[string]any:
			if err := parseDates(x, path+"."); err != nil {
				return err
			}
		case []any:
			for _, e := range x {
				if o, ok := e.(map[string]any); ok {
					if err := parseDates(o, path+"."); err != nil {
						return err
					}
				}
			}
		case string:
			if fields[path] != kindDate {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return fmt.Errorf("field %s: %w", path, err)
			}
			m[k] = t
		}
	}
	return nil
}
