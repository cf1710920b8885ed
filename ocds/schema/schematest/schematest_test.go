package schematest_test

import (
	"testing"

	"github.com/prozorro-go/prozorro/ocds/schema/schematest"
)

func TestNew(t *testing.T) {
	v := schematest.New(t)
	if errs := v.ValidateRelease([]byte(`{"ocid":"ocds-abc123-1","id":"1","date":"2024-01-02T03:04:05Z","tag":["tender"],"initiationType":"tender"}`)); len(errs) != 0 {
		t.Errorf("minimal release: %v", errs)
	}
}
