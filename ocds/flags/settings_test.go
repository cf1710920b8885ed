package flags

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// cardinalInit is the settings file `ocdscardinal init` writes.
const cardinalInit = `; currency = USD
; no_price_comparison_procurement_methods = Random Selection

[output]
; info_currency_mismatches = true

[defaults]
; currency = USD

[redactions]
; amount = 0

[corrections]
; award_status_by_contract_status = true

[modifications]
; move_auctions = true

[codelists.bid_status]
; qualified = valid

[exclusions]
; procurement_method_details = Random Selection

[R003]
; threshold = 15

[R003.procurement_method_details]
; emergency = 10

[R018]
[R024]
[R025]
[R028]
[R030]
[R035]
[R036]
[R038]
[R048]
[R058]
`

func TestParseSettingsCardinalInit(t *testing.T) {
	s, err := ParseSettings(strings.NewReader(cardinalInit))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	want.PZ1.Enabled, want.PZ2.Enabled, want.PZ3.Enabled, want.PZ4.Enabled = false, false, false, false
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings = %+v\nwant %+v", s, want)
	}
}

func TestParseSettings(t *testing.T) {
	in := `currency = UAH
no_price_comparison_procurement_methods = reporting|negotiation ; comment
[exclusions]
procurement_method_details = Random Selection|Sorteo de Obras
[R003]
threshold = 10 # default is 15
procurement_methods = open|selective
weight = 0.45
[R003.procurement_method_details]
Licitación de Seguros = 10
belowThreshold = 3
[R024]
threshold = 0.05
[R025]
percentile = 90
[R035]
threshold = 2
[R038]
minimum_submitted_bids = 3
minimum_contracting_processes = 4
[R048]
digits = 3
threshold = 10
minimum_contracting_processes = 5
[PZ1]
threshold = 0.5
[PZ2]
minimum_lots = 3
[PZ4]
digits = 3
currency = "USD"
threshold_goods_services = 10000.50
procurement_methods = limited
`
	s, err := ParseSettings(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"currency", s.Currency, "UAH"},
		{"no price comparison", s.NoPriceComparisonProcurementMethods, []string{"reporting", "negotiation"}},
		{"exclusions", s.ExcludeProcurementMethodDetails, []string{"Random Selection", "Sorteo de Obras"}},
		{"R003 threshold", s.R003.Threshold, 10},
		{"R003 methods", s.R003.ProcurementMethods, []string{"open", "selective"}},
		{"R003 weight", s.R003.Weight, 0.45},
		{"R003 details", s.R003.ProcurementMethodDetails["Licitación de Seguros"], 10},
		{"R003 details override", s.R003.ProcurementMethodDetails["belowThreshold"], 3},
		{"R003 details kept", s.R003.ProcurementMethodDetails["aboveThresholdEU"], 30},
		{"R024", *s.R024.Threshold, 0.05},
		{"R025", s.R025.Percentile, 90},
		{"R035", s.R035.Threshold, 2},
		{"R038", [2]int{s.R038.MinimumSubmittedBids, s.R038.MinimumContractingProcesses}, [2]int{3, 4}},
		{"R048", [3]int{s.R048.Digits, *s.R048.Threshold, s.R048.MinimumContractingProcesses}, [3]int{3, 10, 5}},
		{"PZ1", s.PZ1.Threshold, 0.5},
		{"PZ2", s.PZ2.MinimumLots, 3},
		{"PZ4 digits", s.PZ4.Digits, 3},
		{"PZ4 currency", s.PZ4.Currency, "USD"},
		{"PZ4 threshold", s.PZ4.GoodsServicesThreshold.String(), "10000.5"},
		{"PZ4 works default", s.PZ4.WorksThreshold.String(), "1500000"},
		{"PZ4 methods", s.PZ4.ProcurementMethods, []string{"limited"}},
		{"R058 default", s.R058.Threshold == nil, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var on []string
	for i, tg := range s.toggles() {
		if tg.Enabled {
			on = append(on, catalogue[i].Code)
		}
	}
	if want := []string{"R003", "R024", "R025", "R035", "R038", "R048", "PZ1", "PZ2", "PZ4"}; !slices.Equal(on, want) {
		t.Errorf("enabled = %v, want the sections named: %v", on, want)
	}
}

func TestParseSettingsWithoutSectionsKeepsAll(t *testing.T) {
	s, err := ParseSettings(strings.NewReader("currency = USD\n[exclusions]\nprocurement_method_details = X\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, tg := range s.toggles() {
		if !tg.Enabled {
			t.Errorf("%s disabled", catalogue[i].Code)
		}
	}
}

func TestParseSettingsErrors(t *testing.T) {
	for _, in := range []string{
		"[R024]\nthreshhold = 0.05\n",
		"[R099]\n",
		"[R024.foo]\n",
		"[R003]\nthreshold = -1\n",
		"[R003]\nthreshold = soon\n",
		"[R025]\npercentile = 101\n",
		"[R003.procurement_method_details]\nx = many\n",
		"[R018]\nweight = heavy\n",
		"[R018\n",
		"[R018]\njust a line\n",
		"unknown = 1\n",
		"[exclusions]\nmethods = x\n",
		"[PZ4]\nthreshold_works = a lot\n",
	} {
		if _, err := ParseSettings(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := LoadSettings("testdata/no-such-file.ini"); err == nil {
		t.Error("a missing file gave no error")
	}
}

func TestReportShape(t *testing.T) {
	r := Report{
		OCID:     Results{"ocds-1": {"R018": 1, "R024": 0.01}},
		Buyer:    Results{},
		Tenderer: Results{"T": {"R024": 0}},
		Meta:     map[string]map[string]float64{"R024": {"q1": 2.0 / 3, "q3": 1, "lower_fence": math.NaN()}},
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"OCID":{"ocds-1":{"R018":1,"R024":0.01}},"Tenderer":{"T":{"R024":0}},"Meta":{"R024":{"lower_fence":null,"q1":0.6667,"q3":1}}}`
	if string(data) != want {
		t.Errorf("report = %s\nwant     %s", data, want)
	}
	r.Meta = nil // --no-meta
	data, _ = json.Marshal(r)
	if want := `{"OCID":{"ocds-1":{"R018":1,"R024":0.01}},"Tenderer":{"T":{"R024":0}}}`; string(data) != want {
		t.Errorf("report without meta = %s", data)
	}
}

// TestEmptyReport checks Cardinal's output for an empty file with every R
// indicator on: only the Meta of the outlier indicators, with null
// quartiles; R038 has no Meta without organizations.
func TestEmptyReport(t *testing.T) {
	s, err := ParseSettings(strings.NewReader(cardinalInit))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(Indicators(nil, s))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Meta":{"R024":{"lower_fence":null,"q1":null,"q3":null},` +
		`"R025":{"lower_fence":null,"q1":null,"q3":null,"upper_fence":null},` +
		`"R048":{"q1":null,"q3":null,"upper_fence":null},"R058":{"q1":null,"q3":null,"upper_fence":null}}}`
	if string(data) != want {
		t.Errorf("report = %s\nwant     %s", data, want)
	}
}

// TestQuantileMatchesStatrs uses the vectors of statrs 0.16's
// test_quantile_short, the estimator Cardinal's quartiles come from.
func TestQuantileMatchesStatrs(t *testing.T) {
	data := []float64{-1.0, 5.0, 0.0, -3.0, 10.0, -0.5, 4.0, 0.2, 1.0, 6.0}
	slices.Sort(data)
	for _, c := range []struct{ tau, want float64 }{
		{0, -3}, {1, 10}, {0.5, 3.0 / 5}, {0.2, -4.0 / 5}, {0.7, 137.0 / 30}, {0.01, -3}, {0.99, 10},
		{0.52, 287.0 / 375}, {0.325, -37.0 / 240},
	} {
		if got := quantile(data, c.tau); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("quantile(%v) = %v, want %v", c.tau, got, c.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of no data is not NaN")
	}
	if got := quantile([]float64{7}, 0.25); got != 7 {
		t.Errorf("quantile of one value = %v", got)
	}
}

func TestTogglesFollowTheCatalogue(t *testing.T) {
	s := DefaultSettings()
	for i, tg := range s.toggles() {
		if s.toggle(catalogue[i].Code) != tg {
			t.Errorf("toggle(%s) is not toggles()[%d]", catalogue[i].Code, i)
		}
	}
}
