package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds/schema/schematest"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// TestExportOCDSEndToEnd drives a tender of every implemented procedure to
// its final status over the real binary (the scenarios of TestProcedures),
// then runs `prozorro export ocds` against the same database and validates
// every exported release and record package against the OCDS 1.1.5 schemas
// with the declared extensions, and checks that no sealed bid shows in a
// release dated before the bids became public.
func TestExportOCDSEndToEnd(t *testing.T) {
	v := schematest.New(t)
	schemaDir, err := schematest.Dir()
	if err != nil {
		t.Fatal(err)
	}
	db := mongotest.DatabaseName()
	base := startServer(t, "PROZORRO_MONGO_DATABASE="+db)
	scenarios := []struct {
		name string
		run  func(t *testing.T, a actors)
	}{
		{"belowThreshold", featuresWeightedAward},
		{"belowThreshold/lots-fail", lotsAllFail},
		{"aboveThreshold", openTenderToComplete},
		{"aboveThresholdUA", uaTwoBidsComplete},
		{"aboveThresholdEU", euPrequalificationComplete},
		{"reporting", reportingToComplete},
		{"negotiation", func(t *testing.T, a actors) { negotiationToComplete(t, a, tender.ProcNegotiation) }},
		{"negotiation.quick", func(t *testing.T, a actors) { negotiationToComplete(t, a, tender.ProcNegotiationQuick) }},
	}
	var wg sync.WaitGroup
	for _, sc := range scenarios {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(sc.name, func(t *testing.T) { sc.run(t, newActors(t, base)) })
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	bin := binary(t)
	export := func(args ...string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "export")
		cmd := exec.Command(bin, append([]string{"export", "ocds", "-o", out}, args...)...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "PROZORRO_MONGO_URI="+mongotest.URI(t), "PROZORRO_MONGO_DATABASE="+db)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("export %v: %v\n%s", args, err, stderr.String())
		}
		t.Logf("export %v: %s", args, bytes.TrimSpace(stderr.Bytes()))
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	pkg := export("--package")
	if errs := v.ValidateReleasePackage(pkg); len(errs) > 0 {
		t.Fatalf("release package: %d findings, first %v", len(errs), errs[0])
	}
	var rp struct {
		Releases []map[string]any `json:"releases"`
	}
	if err := json.Unmarshal(pkg, &rp); err != nil {
		t.Fatal(err)
	}
	final := map[string]string{} // ocid → tender status of its last release
	opened := 0                  // releases showing a bid's value
	for _, r := range rp.Releases {
		final[str(r["ocid"])] = str(m(r["tender"])["status"])
		checkSealed(t, r)
		for _, b := range list(m(r["bids"])["details"]) {
			if m(b)["value"] != nil {
				opened++
				break
			}
		}
	}
	if opened == 0 {
		t.Error("no release shows an opened bid: the sealed-bid check is vacuous")
	}
	if len(final) != len(scenarios) {
		t.Errorf("%d processes exported, want %d (one per scenario): %v", len(final), len(scenarios), final)
	}
	for ocid, s := range final {
		if s != "complete" && s != "unsuccessful" {
			t.Errorf("%s: last release has tender status %s, want a final one", ocid, s)
		}
	}

	// JSON Lines, gzipped, hold the same releases.
	zr, err := gzip.NewReader(bytes.NewReader(export("--gzip")))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(jsonLines(t, lines)); n != len(rp.Releases) {
		t.Errorf("JSON Lines: %d releases, package: %d", n, len(rp.Releases))
	}

	// Records, by the embedded schema's merge rules and by the shared one's.
	for _, args := range [][]string{{"--package", "--format", "records"}, {"--package", "--format", "records", "--schema", schemaDir}} {
		recs := export(args...)
		if errs := v.ValidateRecordPackage(recs); len(errs) > 0 {
			t.Fatalf("record package %v: %d findings, first %v", args, len(errs), errs[0])
		}
	}

	// --since a moment after everything: nothing.
	if data := export("--since", time.Now().Add(time.Minute).UTC().Format(time.RFC3339)); len(data) != 0 {
		t.Errorf("--since the future exported %d bytes", len(data))
	}
}

// checkSealed fails if release r shows a bid while bids are sealed: before
// the tender period ends no bids and no tenderers at all, and while the
// tender is active with no award yet no bid's value.
func checkSealed(t *testing.T, r map[string]any) {
	t.Helper()
	tn := m(r["tender"])
	date := parseTime(t, r["date"])
	if end, ok := m(tn["tenderPeriod"])["endDate"]; ok && date.Before(parseTime(t, end)) {
		if r["bids"] != nil {
			t.Errorf("release %s dated %v before the tender period ends (%v) has bids: %s", r["id"], date, end, js(r["bids"]))
		}
		for _, p := range list(r["parties"]) {
			for _, role := range list(m(p)["roles"]) {
				if role == "tenderer" {
					t.Errorf("release %s dated %v before the tender period ends names tenderer %v", r["id"], date, m(p)["name"])
				}
			}
		}
	}
	if tn["status"] == "active" && len(list(r["awards"])) == 0 {
		for _, b := range list(m(r["bids"])["details"]) {
			if m(b)["value"] != nil {
				t.Errorf("release %s (tender active, no award) shows bid value %s", r["id"], fmt.Sprint(m(b)["value"]))
			}
		}
	}
}
