package ocds_test

import (
	"strings"
	"testing"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/schema/schematest"
)

// TestPackagesValidate validates the packages of the full lifecycle, of a
// cancelled tender and of sealed bids against the OCDS 1.1.5 release-package
// schema with the declared extensions patched in.
func TestPackagesValidate(t *testing.T) {
	v := schematest.New(t)
	cfg := ocds.Config{Publisher: ocds.Publisher{Name: "Prozorro-Go sandbox"}}
	cases := map[string]func(t *testing.T) *env{
		"lifecycle": lifecycle,
		"cancelled": func(t *testing.T) *env {
			e := newEnv(t)
			e.publish()
			e.cancel()
			return e
		},
		"sealed": func(t *testing.T) *env {
			e := newEnv(t)
			e.publish()
			e.toTendering()
			e.bid("90000")
			return e
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			e := build(t)
			rels, _ := e.releases(cfg)
			pkg := mustJSON(t, ocds.Package("https://example.org/api/2.5/tenders/"+e.id+"/ocds/releases", rels, cfg))
			for _, err := range v.ValidateReleasePackage([]byte(pkg)) {
				t.Error(err)
			}
			// The validator is not vacuous: ProZorro's old "bid" tag fails.
			bad := strings.Replace(pkg, `"tag":["tender"]`, `"tag":["bid"]`, 1)
			if bad == pkg || len(v.ValidateReleasePackage([]byte(bad))) == 0 {
				t.Error("a release tagged bid validates")
			}
		})
	}
}
