package schemadata

import (
	"encoding/json"
	"testing"

	"github.com/prozorro-go/prozorro/ocds/merge"
)

func TestReleaseSchemaHasExtensions(t *testing.T) {
	data, err := ReleaseSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties  map[string]json.RawMessage `json:"properties"`
		Definitions map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.Properties["bids"] == nil || s.Properties["ocid"] == nil {
		t.Error("release has no bids (bids extension) or no ocid")
	}
	for _, f := range []string{"lots", "enquiries"} {
		if s.Definitions["Tender"].Properties[f] == nil {
			t.Errorf("tender has no %s", f)
		}
	}
	if _, err := merge.NewMerger(data); err != nil {
		t.Fatal(err)
	}
}
