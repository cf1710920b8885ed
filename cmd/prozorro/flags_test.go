package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// flagsInput has two single-bid open tenders, one cancelled, a blank line,
// a line that is not JSON and one without an ocid.
const flagsInput = `{"ocid":"ocds-1","buyer":{"id":"B"},"tender":{"procurementMethod":"open","numberOfTenderers":1}}
{"ocid":"ocds-2","tender":{"procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{"startDate":"2024-01-01T00:00:00Z","endDate":"2024-01-03T00:00:00Z"}}}

{"ocid":"ocds-3",
{"ocid":"ocds-4","tender":{"status":"cancelled","procurementMethod":"open","numberOfTenderers":1}}
{"tender":{}}
`

// runFlagsTest runs the command and returns stdout and stderr.
func runFlagsTest(t *testing.T, stdin string, args ...string) (map[string]json.RawMessage, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := runFlags(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	if err != nil {
		return nil, stderr.String(), err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout.String())
	}
	return out, stderr.String(), nil
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFlagsCommand(t *testing.T) {
	path := writeFile(t, "releases.jsonl", []byte(flagsInput))
	out, stderr, err := runFlagsTest(t, "", path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out["OCID"]), `{"ocds-1":{"R018":1},"ocds-2":{"R003":1,"R018":1}}`; got != want {
		t.Errorf("OCID = %s, want %s", got, want)
	}
	if _, ok := out["Meta"]; !ok || len(out) != 2 {
		t.Errorf("keys = %v, want OCID and Meta", out)
	}
	for _, want := range []string{"line 4: invalid JSON", "line 6: no string ocid", "3 processes read, 2 bad lines skipped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestFlagsCommandOptions(t *testing.T) {
	settings := writeFile(t, "settings.ini", []byte("[R003]\nthreshold = 1\n"))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(flagsInput))
	w.Close()
	gzPath := writeFile(t, "releases.jsonl.gz", gz.Bytes())

	// Settings: only R003 runs, and 2 days is not under 1.
	out, _, err := runFlagsTest(t, "", "-settings", settings, "-no-meta", "-workers", "3", gzPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 0 {
		t.Errorf("with R003 threshold 1: %v", out)
	}
	// Standard input, gzip recognised by its bytes; -count.
	out, stderr, err := runFlagsTest(t, gz.String(), "-no-meta", "-count", "-")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out["Meta"]; ok || len(out) != 1 {
		t.Errorf("-no-meta: %v", out)
	}
	if !strings.Contains(stderr, "OCID: 2\n") {
		t.Errorf("-count: %q", stderr)
	}
}

func TestFlagsCommandErrors(t *testing.T) {
	bad := writeFile(t, "bad.ini", []byte("[R024]\nthreshhold = 1\n"))
	notGzip := writeFile(t, "x.jsonl.gz", []byte(flagsInput))
	for _, args := range [][]string{
		{},
		{"a", "b"},
		{filepath.Join(t.TempDir(), "missing.jsonl")},
		{"-settings", bad, "-"},
		{"-settings", filepath.Join(t.TempDir(), "missing.ini"), "-"},
		{notGzip},
	} {
		if _, _, err := runFlagsTest(t, "", args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	// An interrupt stops reading.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if err := runFlags(ctx, []string{"-"}, strings.NewReader(flagsInput), &stdout, &stderr); err == nil {
		t.Error("a cancelled context gave no error")
	}
}
