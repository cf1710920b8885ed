// Package schematest gives tests anywhere in the module a schema.Validator
// loaded from the OCDS schemas vendored in
// <repo>/ocds/testdata/shared/ocds/schema. Tests of exporters and the
// end-to-end tests call New; it fails the test under CI when the files are missing and
// skips it elsewhere.
package schematest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/prozorro-go/prozorro/ocds/schema"
)

var (
	once sync.Once
	v    *schema.Validator
	dir  string
	err  error
)

// New returns the shared Validator, loaded once per test binary.
func New(t testing.TB) *schema.Validator {
	t.Helper()
	once.Do(func() {
		dir, err = Dir()
		if err == nil {
			v, err = schema.New(dir)
		}
	})
	if err != nil {
		if os.IsNotExist(err) && os.Getenv("CI") == "" {
			t.Skipf("shared OCDS schemas missing: %v", err)
		}
		t.Fatalf("OCDS schemas: %v", err)
	}
	return v
}

// Dir returns <repo>/ocds/testdata/shared/ocds/schema (the vendored copy of
// the shared folder), finding the repository root as
// the nearest directory above the working directory holding go.mod.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "ocds", "testdata", "shared", "ocds", "schema")
			_, err := os.Stat(dir)
			return dir, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", &os.PathError{Op: "find", Path: wd, Err: os.ErrNotExist}
		}
		d = parent
	}
}
