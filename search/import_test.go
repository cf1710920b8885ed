package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/search/bleve"
)

const fictional = "../ocds/testdata/shared/ocds/fixtures/fictional-example"

func importInto(t *testing.T, data []byte, source string) (search.Backend, search.ImportReport) {
	t.Helper()
	b, err := bleve.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	rep, err := search.Import(context.Background(), bytes.NewReader(data), source, b, search.NewRisk(flags.DefaultSettings(), nil))
	if err != nil {
		t.Fatal(err)
	}
	return b, rep
}

func docOf(t *testing.T, b search.Backend, idx search.Index, id string) map[string]any {
	t.Helper()
	raw, err := b.Get(context.Background(), idx, id)
	if err != nil {
		t.Fatalf("%s %s: %v", idx, id, err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

func TestImportReleasePackagesAndRecords(t *testing.T) {
	// The OCP fictional example: six release packages, one after another.
	var packages []byte
	files, _ := filepath.Glob(filepath.Join(fictional, "ocds-213czf-000-00001-0*.json"))
	if len(files) != 6 {
		t.Fatalf("fixture: %d release packages, want 6", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		packages = append(packages, b...)
	}
	fromReleases, rep := importInto(t, packages, "fictional")
	if rep.Processes != 1 || rep.Releases != 6 || len(rep.Skipped) != 0 {
		t.Fatalf("release packages: %+v", rep)
	}
	record, err := os.ReadFile(filepath.Join(fictional, "record", "ocds-213czf-000-00001.json"))
	if err != nil {
		t.Fatal(err)
	}
	fromRecord, rep := importInto(t, record, "fictional")
	if rep.Processes != 1 || len(rep.Skipped) != 0 {
		t.Fatalf("record package: %+v", rep)
	}

	const ocid = "ocds-213czf-000-00001"
	a, b := docOf(t, fromReleases, search.Tenders, ocid), docOf(t, fromRecord, search.Tenders, ocid)
	for _, k := range []string{"title", "status", "amount", "currency", "buyer", "suppliers", "source", "procurementMethod", "tenderStart", "tenderEnd"} {
		if ja, jb := js(a[k]), js(b[k]); ja != jb || a[k] == nil {
			t.Errorf("%s: compiled from releases %s, from the record %s", k, ja, jb)
		}
	}
	if a["source"] != "fictional" || a["title"] != "Planned cycle lane improvements" || a["currency"] != "GBP" || a["amount"] != "1100000" {
		t.Errorf("imported document: %s", js(a))
	}
	r, err := fromReleases.Search(context.Background(), search.Query{Index: search.Tenders, Text: "cycle lane", Size: 5})
	if err != nil || r.Total != 1 {
		t.Errorf("full text over the import: %v %v", r, err)
	}
	cr, err := fromReleases.Search(context.Background(), search.Query{Index: search.Contracts, Size: 5})
	if err != nil || cr.Total == 0 {
		t.Fatalf("no contract documents: %v %v", cr, err)
	}
	c := map[string]any{}
	_ = json.Unmarshal(cr.Hits[0], &c)
	if c["tender"] != ocid || c["suppliers"] == nil || c["contractStatus"] == nil {
		t.Errorf("contract document: %s", js(c))
	}
}

func TestImportTolerance(t *testing.T) {
	// A null amount and a date without a zone must not lose the process;
	// a value that is neither a package nor a release is reported.
	data := `{"ocid":"ocds-aaaaaa-1","id":"1","date":"2024-01-02T10:00:00","tag":["tender"],"initiationType":"tender",
	  "tender":{"id":"t1","title":"Шкільні меблі","value":{"amount":null,"currency":"UAH"},"tenderPeriod":{"startDate":"2024-01-02","endDate":"2024-01-20T00:00:00Z"}}}
	{"hello":"world"}
	{"ocid":"ocds-aaaaaa-1","id":"2","date":"2024-02-01T10:00:00Z","tag":["award"],"initiationType":"tender",
	  "awards":[{"id":"a1","status":"active","value":{"amount":"950.50","currency":"UAH"},"suppliers":[{"id":"UA-EDR-1","name":"ТОВ Меблі"}]}]}`
	b, rep := importInto(t, []byte(data), "other")
	if rep.Processes != 1 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0], "value 2") {
		t.Fatalf("report: %+v", rep)
	}
	d := docOf(t, b, search.Tenders, "ocds-aaaaaa-1")
	if d["title"] != "Шкільні меблі" || d["amount"] != nil || d["tenderStart"] == nil {
		t.Errorf("tolerant import: %s", js(d))
	}
	c := docOf(t, b, search.Contracts, "ocds-aaaaaa-1/a1")
	if c["amount"] != "950.5" || c["status"] != "active" {
		t.Errorf("award document: %s", js(c))
	}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
