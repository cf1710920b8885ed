package flags

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cardinalSettings returns the settings Cardinal's build.rs gives a
// fixture: the one indicator named, with Cardinal's defaults (no ProZorro
// R003 periods), the setting the file name carries, NPC as a
// no-price-comparison method and EXC excluded.
func cardinalSettings(t *testing.T, name string) Settings {
	t.Helper()
	s := DefaultSettings()
	for _, tg := range s.toggles() {
		tg.Enabled = false
	}
	s.R003.ProcurementMethodDetails = nil
	s.NoPriceComparisonProcurementMethods = []string{"NPC"}
	s.ExcludeProcurementMethodDetails = []string{"EXC"}
	parts := strings.Split(strings.ReplaceAll(name, "+", "|"), "-")
	code := parts[0]
	s.toggle(code).Enabled = true
	switch {
	case len(parts) == 3:
		if err := s.setIndicator(code, parts[1], parts[2]); err != nil {
			t.Fatal(err)
		}
	case len(parts) > 3:
		for i := 2; i+1 < len(parts); i += 2 {
			if err := s.set(code+"."+parts[1], parts[i], parts[i+1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// readFacts parses and extracts a JSON Lines file as the command does.
func readFacts(t *testing.T, path string, s Settings) []Facts {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var facts []Facts
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		p, err := ParseRelease(sc.Bytes())
		if errors.Is(err, ErrNoOCID) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		facts = append(facts, Extract(p, s))
	}
	return facts
}

func readReport(t *testing.T, path string) Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	if len(bytes.TrimSpace(data)) == 0 {
		return r
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// diffResults lists the differences between two reports' results.
func diffResults(got, want Report) []string {
	var out []string
	for _, g := range []struct {
		name      string
		got, want Results
	}{{ScopeOCID, got.OCID, want.OCID}, {ScopeBuyer, got.Buyer, want.Buyer},
		{ScopeProcuringEntity, got.ProcuringEntity, want.ProcuringEntity}, {ScopeTenderer, got.Tenderer, want.Tenderer}} {
		for id, codes := range g.want {
			for code, v := range codes {
				if gv, ok := g.got[id][code]; !ok || math.Abs(gv-v) > 1e-9 {
					out = append(out, g.name+" "+id+" "+code+": got "+fmtValue(gv, ok)+", want "+strconv.FormatFloat(v, 'g', -1, 64))
				}
			}
		}
		for id, codes := range g.got {
			for code, v := range codes {
				if _, ok := g.want[id][code]; !ok {
					out = append(out, g.name+" "+id+" "+code+": got "+strconv.FormatFloat(v, 'g', -1, 64)+", want nothing")
				}
			}
		}
	}
	return out
}

func fmtValue(v float64, ok bool) string {
	if !ok {
		return "nothing"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// TestCardinalFixtures runs every test fixture of Cardinal's indicators
// (tests/fixtures/indicators) and compares the results with its expected
// output.
func TestCardinalFixtures(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/cardinal/fixtures/*.jsonl")
	if len(inputs) != 15 {
		t.Fatalf("want Cardinal's 15 indicator fixtures, found %d", len(inputs))
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".jsonl")
		t.Run(name, func(t *testing.T) {
			s := cardinalSettings(t, name)
			got := Indicators(readFacts(t, in, s), s)
			want := readReport(t, strings.TrimSuffix(in, ".jsonl")+".expected")
			for _, d := range diffResults(got, want) {
				t.Error(d)
			}
		})
	}
}

// TestCardinalExamples runs the demonstrations of Cardinal's indicator
// pages with their settings files, which also checks that LoadSettings
// reads Cardinal's INI files: settings.ini enables every R indicator and
// no PZ indicator.
func TestCardinalExamples(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/cardinal/examples/*.jsonl")
	if len(inputs) != 11 {
		t.Fatalf("want Cardinal's 11 indicator examples, found %d", len(inputs))
	}
	for _, in := range inputs {
		stem := strings.TrimSuffix(in, ".jsonl")
		t.Run(filepath.Base(stem), func(t *testing.T) {
			ini := stem + ".ini"
			if _, err := os.Stat(ini); err != nil {
				ini = "testdata/cardinal/examples/settings.ini"
			}
			s, err := LoadSettings(ini)
			if err != nil {
				t.Fatal(err)
			}
			got := Indicators(readFacts(t, in, s), s)
			want := readReport(t, stem+".expected")
			for _, d := range diffResults(got, want) {
				t.Error(d)
			}
		})
	}
}

// TestCardinalMeta checks the quartiles and fence of the example on
// Cardinal's indicators page ("q1": 66.6667, "q3": 100.0, "lower_fence":
// 16.6667), which are those of the R024 fixture.
func TestCardinalMeta(t *testing.T) {
	s := cardinalSettings(t, "R024")
	r := Indicators(readFacts(t, "testdata/cardinal/fixtures/R024.jsonl", s), s)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Meta map[string]map[string]float64
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"q1": 66.6667, "q3": 100, "lower_fence": 16.6667}
	if len(out.Meta["R024"]) != len(want) {
		t.Fatalf("Meta R024 = %v, want %v", out.Meta["R024"], want)
	}
	for k, v := range want {
		if out.Meta["R024"][k] != v {
			t.Errorf("Meta R024 %s = %v, want %v", k, out.Meta["R024"][k], v)
		}
	}
}
