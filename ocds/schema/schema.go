package schema

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// BaseURL is the URL prefix of the OCDS 1.1.5 schema files; the package
// schemas $ref the release schema under it.
const BaseURL = "https://standard.open-contracting.org/schema/1__1__5/"

const (
	releaseSchema   = "release-schema.json"
	releasePackage  = "release-package-schema.json"
	recordPackage   = "record-package-schema.json"
	versionedSchema = "versioned-release-validation-schema.json"
)

// Kind classifies an Error.
type Kind int

// The kinds of Error.
const (
	// KindSyntax: the input is not JSON.
	KindSyntax Kind = iota + 1
	// KindSchema: the JSON Schema rejects the value.
	KindSchema
	// KindCodelist: a value is not in a closed codelist.
	KindCodelist
	// KindUnknownField: the patched schema does not describe the field.
	KindUnknownField
	// KindExtension: a declared extension is not available locally.
	KindExtension
)

var kindNames = map[Kind]string{
	KindSyntax:       "syntax",
	KindSchema:       "schema",
	KindCodelist:     "codelist",
	KindUnknownField: "unknown field",
	KindExtension:    "extension",
}

// String returns the kind's name.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is one problem found in a document, located by a JSON Pointer
// (RFC 6901) into the document; "" is the whole document.
type Error struct {
	Path    string
	Kind    Kind
	Message string
}

// Error returns "path: kind: message".
func (e Error) Error() string {
	p := e.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + e.Kind.String() + ": " + e.Message
}

// Validator validates OCDS documents. It is safe for concurrent use; set
// AllowAdditionalFields before the first use.
type Validator struct {
	// AllowAdditionalFields turns off the unknown-field check.
	AllowAdditionalFields bool

	raw        map[string][]byte          // core schema files by name
	codelists  map[string]map[string]bool // core codelists by file name
	extensions map[string]*extension      // local extensions by id
	urls       map[string]string          // extension.json URL → registry id

	mu       sync.Mutex
	compiled map[string]*compiled // by sorted, comma-joined extension ids
}

type extension struct {
	id        string
	patch     []byte
	codelists map[string]map[string]bool // by file name, "+x.csv"/"-x.csv" kept as is
}

// New loads the schemas, codelists, extensions and extension registry from
// dir (laid out like shared/ocds/schema).
func New(dir string) (*Validator, error) {
	v := &Validator{
		raw:        map[string][]byte{},
		extensions: map[string]*extension{},
		urls:       map[string]string{},
		compiled:   map[string]*compiled{},
	}
	for _, name := range []string{releaseSchema, releasePackage, recordPackage, versionedSchema} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("ocds schema: %w", err)
		}
		v.raw[name] = b
	}
	var err error
	if v.codelists, err = readCodelists(filepath.Join(dir, "codelists")); err != nil {
		return nil, err
	}
	if len(v.codelists) == 0 {
		return nil, fmt.Errorf("ocds schema: no codelists in %s", filepath.Join(dir, "codelists"))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "extensions"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("ocds schema: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		edir := filepath.Join(dir, "extensions", e.Name())
		patch, err := os.ReadFile(filepath.Join(edir, releaseSchema))
		if errors.Is(err, os.ErrNotExist) {
			patch = nil // an extension may add only codelists
		} else if err != nil {
			return nil, fmt.Errorf("ocds schema: %w", err)
		}
		cl, err := readCodelists(filepath.Join(edir, "codelists"))
		if err != nil {
			return nil, err
		}
		v.extensions[e.Name()] = &extension{id: e.Name(), patch: patch, codelists: cl}
	}
	if err := v.readRegistry(filepath.Join(dir, "extension-registry", "extension_versions.csv")); err != nil {
		return nil, err
	}
	// Compile the core set now, so a broken schema directory fails here.
	if _, err := v.compile(nil); err != nil {
		return nil, err
	}
	return v, nil
}

// readCodelists reads every CSV in dir into code sets keyed by file name.
// A missing dir yields no codelists.
func readCodelists(dir string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	} else if err != nil {
		return nil, fmt.Errorf("ocds schema: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".csv") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("ocds schema: %w", err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("ocds schema: codelist %s: %w", e.Name(), err)
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("ocds schema: codelist %s is empty", e.Name())
		}
		col := -1
		for i, h := range rows[0] {
			if strings.TrimPrefix(h, "\ufeff") == "Code" {
				col = i
			}
		}
		if col < 0 {
			return nil, fmt.Errorf("ocds schema: codelist %s has no Code column", e.Name())
		}
		codes := map[string]bool{}
		for _, r := range rows[1:] {
			if col < len(r) {
				codes[r[col]] = true
			}
		}
		out[e.Name()] = codes
	}
	return out, nil
}

// readRegistry maps each registered extension.json URL to its extension id.
// Without the registry, extensions can be named by id only.
func (v *Validator) readRegistry(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("ocds schema: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("ocds schema: extension registry: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	id, base := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "Id":
			id = i
		case "Base URL":
			base = i
		}
	}
	if id < 0 || base < 0 {
		return fmt.Errorf("ocds schema: extension registry lacks Id or Base URL columns")
	}
	for _, r := range rows[1:] {
		if id < len(r) && base < len(r) {
			v.urls[r[base]+"extension.json"] = r[id]
		}
	}
	return nil
}

// ExtensionID returns the id of the local extension that an extension.json
// URL (or a bare id) names, and whether one exists.
func (v *Validator) ExtensionID(urlOrID string) (string, bool) {
	id := urlOrID
	if r, ok := v.urls[urlOrID]; ok {
		id = r
	}
	_, ok := v.extensions[id]
	return id, ok
}

// ValidateReleasePackage validates a release package; the extensions it
// declares are applied.
func (v *Validator) ValidateReleasePackage(data []byte) []Error {
	return v.validatePackage(data, releasePackage)
}

// ValidateRecordPackage validates a record package; the extensions it
// declares are applied to its embedded and compiled releases.
func (v *Validator) ValidateRecordPackage(data []byte) []Error {
	return v.validatePackage(data, recordPackage)
}

// ValidateRelease validates one release with the given extensions applied;
// each is an extension.json URL or a local extension id.
func (v *Validator) ValidateRelease(data []byte, extensions ...string) []Error {
	inst, err := decode(data)
	if err != nil {
		return []Error{{Kind: KindSyntax, Message: err.Error()}}
	}
	var errs []Error
	var ids []string
	for _, u := range extensions {
		id, ok := v.ExtensionID(u)
		if !ok {
			errs = append(errs, Error{Kind: KindExtension, Message: fmt.Sprintf("extension %q is not available locally", u)})
			continue
		}
		ids = append(ids, id)
	}
	return append(errs, v.validate(inst, ids, releaseSchema)...)
}

func (v *Validator) validatePackage(data []byte, name string) []Error {
	inst, err := decode(data)
	if err != nil {
		return []Error{{Kind: KindSyntax, Message: err.Error()}}
	}
	var errs []Error
	var ids []string
	if obj, ok := inst.(map[string]any); ok {
		if list, ok := obj["extensions"].([]any); ok {
			for i, u := range list {
				s, ok := u.(string)
				if !ok {
					continue // the schema reports it
				}
				id, ok := v.ExtensionID(s)
				if !ok {
					errs = append(errs, Error{
						Path:    "/extensions/" + strconv.Itoa(i),
						Kind:    KindExtension,
						Message: fmt.Sprintf("extension %q is not available locally, so its fields cannot be validated", s),
					})
					continue
				}
				ids = append(ids, id)
			}
		}
	}
	return append(errs, v.validate(inst, ids, name)...)
}

func (v *Validator) validate(inst any, ids []string, name string) []Error {
	c, err := v.compile(ids)
	if err != nil {
		return []Error{{Kind: KindExtension, Message: err.Error()}}
	}
	var errs []Error
	if err := c.schemas[name].Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return []Error{{Kind: KindSchema, Message: err.Error()}}
		}
		errs = append(errs, flatten(ve)...)
	}
	w := walker{c: c, unknown: !v.AllowAdditionalFields}
	w.walk(c.docs[name], c.docs[name], inst, nil)
	// Where a closed codelist also has a schema enum, keep the codelist
	// finding, which names the list, instead of the enum's.
	coded := map[string]bool{}
	for _, e := range w.errs {
		if e.Kind == KindCodelist {
			coded[e.Path] = true
		}
	}
	errs = slices.DeleteFunc(errs, func(e Error) bool { return coded[e.Path] })
	errs = append(errs, w.errs...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return errs
}

// decode parses JSON keeping numbers exact, as the schema library expects.
func decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: trailing data after the top-level value")
	}
	return v, nil
}

var printer = message.NewPrinter(language.English)

// flatten turns the library's error tree into leaf errors. Of the branches
// of a failed oneOf/anyOf, only the best-matching one (the deepest error) is
// kept, as the others only say the value is not of that other shape.
func flatten(ve *jsonschema.ValidationError) []Error {
	if len(ve.Causes) == 0 {
		loc := pointer(ve.InstanceLocation)
		if r, ok := ve.ErrorKind.(*kind.Required); ok {
			out := make([]Error, 0, len(r.Missing))
			for _, m := range r.Missing {
				out = append(out, Error{Path: loc + "/" + escape(m), Kind: KindSchema, Message: "missing required property " + strconv.Quote(m)})
			}
			return out
		}
		return []Error{{Path: loc, Kind: KindSchema, Message: ve.ErrorKind.LocalizedString(printer)}}
	}
	switch ve.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		var best []Error
		bestDepth := -1
		for _, c := range ve.Causes {
			errs := flatten(c)
			d := 0
			for _, e := range errs {
				d = max(d, strings.Count(e.Path, "/"))
			}
			if d > bestDepth {
				best, bestDepth = errs, d
			}
		}
		return best
	}
	var out []Error
	for _, c := range ve.Causes {
		out = append(out, flatten(c)...)
	}
	return out
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
