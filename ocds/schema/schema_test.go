package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prozorro-go/prozorro/ocds/schema"
)

// shared is the vendored copy of the project's shared data folder.
const shared = "../testdata/shared"

const (
	bidsURL = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
	lotsURL = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)

var (
	once      sync.Once
	validator *schema.Validator
	loadErr   error
)

// newValidator loads the shared schemas; without them the test fails under
// CI and is skipped elsewhere.
func newValidator(t *testing.T) *schema.Validator {
	t.Helper()
	dir := filepath.Join(shared, "ocds", "schema")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared OCDS schemas missing under CI: %v", err)
		}
		t.Skipf("shared OCDS schemas missing: %v", err)
	}
	once.Do(func() { validator, loadErr = schema.New(dir) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return validator
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shared, "ocds", "fixtures", "fictional-example", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFictionalExampleIsValid(t *testing.T) {
	v := newValidator(t)
	dir := filepath.Join(shared, "ocds", "fixtures", "fictional-example")
	releases, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	records, _ := filepath.Glob(filepath.Join(dir, "record", "*.json"))
	if len(releases) == 0 || len(records) == 0 {
		t.Fatalf("fixtures missing: %d release packages, %d record packages", len(releases), len(records))
	}
	check := func(files []string, validate func([]byte) []schema.Error) {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range validate(b) {
				t.Errorf("%s: %v", filepath.Base(f), e)
			}
		}
	}
	check(releases, v.ValidateReleasePackage)
	check(records, v.ValidateRecordPackage)
}

// edit decodes a package, lets fn change it, and encodes it again.
func edit(t *testing.T, data []byte, fn func(pkg map[string]any)) []byte {
	t.Helper()
	var pkg map[string]any
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	fn(pkg)
	b, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(v any, path ...any) map[string]any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v.(map[string]any)
}

type finding struct {
	Path string
	Kind schema.Kind
}

func findings(errs []schema.Error) []finding {
	var out []finding
	for _, e := range errs {
		out = append(out, finding{e.Path, e.Kind})
	}
	return out
}

func TestBrokenPackageIsRejected(t *testing.T) {
	v := newValidator(t)
	data := edit(t, fixture(t, "ocds-213czf-000-00001-02-tender.json"), func(pkg map[string]any) {
		r := obj(pkg, "releases", 0)
		delete(r, "ocid")
		r["tag"] = []any{"tender", "bogusTag"}
		obj(r, "tender", "value")["amount"] = "a lot"
		obj(r, "tender")["status"] = "open-ish"
		obj(r, "tender", "value")["currency"] = "XYZ"
	})
	got := findings(v.ValidateReleasePackage(data))
	want := []finding{
		{"/releases/0/ocid", schema.KindSchema},
		{"/releases/0/tag/1", schema.KindCodelist},
		{"/releases/0/tender/status", schema.KindCodelist},
		{"/releases/0/tender/value/amount", schema.KindSchema},
		{"/releases/0/tender/value/currency", schema.KindCodelist},
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %v in %v", w, got)
		}
	}
	for _, g := range got {
		if !slices.ContainsFunc(want, func(w finding) bool { return w.Path == g.Path }) {
			t.Errorf("unexpected %v", g)
		}
	}
}

func TestBrokenRecordPackageIsRejected(t *testing.T) {
	v := newValidator(t)
	data := edit(t, fixture(t, "record/ocds-213czf-000-00001.json"), func(pkg map[string]any) {
		obj(pkg, "records", 0, "compiledRelease")["initiationType"] = "auction"
		delete(obj(pkg, "records", 0), "ocid")
	})
	got := findings(v.ValidateRecordPackage(data))
	want := []finding{
		{"/records/0/compiledRelease/initiationType", schema.KindCodelist},
		{"/records/0/ocid", schema.KindSchema},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestExtensionFieldsNeedTheExtension(t *testing.T) {
	v := newValidator(t)
	base := fixture(t, "ocds-213czf-000-00001-02-tender.json")
	withBids := func(extensions []any, stat map[string]any) []byte {
		return edit(t, base, func(pkg map[string]any) {
			if extensions != nil {
				pkg["extensions"] = extensions
			}
			obj(pkg, "releases", 0)["bids"] = map[string]any{"statistics": []any{stat}}
			obj(pkg, "releases", 0, "tender")["lots"] = []any{map[string]any{"id": "1", "title": "Lot 1", "status": "active"}}
		})
	}
	good := map[string]any{"id": "1", "measure": "bids", "value": 3}

	tests := []struct {
		name       string
		extensions []any
		stat       map[string]any
		want       []finding
	}{
		{"undeclared", nil, good, []finding{
			{"/releases/0/bids", schema.KindUnknownField},
			{"/releases/0/tender/lots", schema.KindUnknownField},
		}},
		{"bids only", []any{bidsURL}, good, []finding{
			{"/releases/0/tender/lots", schema.KindUnknownField},
		}},
		{"declared", []any{bidsURL, lotsURL}, good, nil},
		{"declared by another version", []any{strings.Replace(bidsURL, "v1.1.5", "master", 1), lotsURL}, good, nil},
		{"declared, statistic lacks value", []any{bidsURL, lotsURL}, map[string]any{"id": "1", "measure": "bids"}, []finding{
			{"/releases/0/bids/statistics/0/value", schema.KindSchema},
		}},
		{"unknown extension", []any{bidsURL, lotsURL, "https://example.com/nope/extension.json"}, good, []finding{
			{"/extensions/2", schema.KindExtension},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(v.ValidateReleasePackage(withBids(tt.extensions, tt.stat)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExtensionClosedCodelist(t *testing.T) {
	v := newValidator(t)
	release := edit(t, fixture(t, "ocds-213czf-000-00001-02-tender.json"), func(pkg map[string]any) {
		r := obj(pkg, "releases", 0)
		r["bids"] = map[string]any{"details": []any{map[string]any{"id": "b1", "status": "winning"}}}
		for k := range pkg {
			delete(pkg, k)
		}
		for k, v := range r {
			pkg[k] = v
		}
	})
	got := findings(v.ValidateRelease(release, "bids"))
	want := []finding{{"/bids/details/0/status", schema.KindCodelist}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSyntaxError(t *testing.T) {
	v := newValidator(t)
	got := findings(v.ValidateReleasePackage([]byte(`{"releases": [`)))
	if want := []finding{{"", schema.KindSyntax}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAllowAdditionalFields(t *testing.T) {
	v, err := schema.New(filepath.Join(shared, "ocds", "schema"))
	if err != nil {
		if os.Getenv("CI") == "" && os.IsNotExist(err) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	v.AllowAdditionalFields = true
	data := edit(t, fixture(t, "ocds-213czf-000-00001-02-tender.json"), func(pkg map[string]any) {
		obj(pkg, "releases", 0)["localField"] = "x"
	})
	if errs := v.ValidateReleasePackage(data); len(errs) != 0 {
		t.Errorf("got %v", errs)
	}
}
