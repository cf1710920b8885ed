package flags

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Settings configure the indicators: Cardinal's settings with Cardinal's
// defaults, plus those of the ProZorro indicators PZ1–PZ4. The zero value
// enables nothing; start from DefaultSettings.
type Settings struct {
	// Currency is the main currency: bid prices in other currencies are not
	// compared (R024, R036, R058). Empty means the most frequent currency of
	// the dataset (Cardinal takes the first one it sees, which depends on
	// thread scheduling). INI: top-level `currency`.
	Currency string
	// NoPriceComparisonProcurementMethods are the
	// tender.procurementMethodDetails values whose bid prices are not compared
	// (R024, R028, R036, R058). INI: top-level
	// `no_price_comparison_procurement_methods`, pipe-separated.
	NoPriceComparisonProcurementMethods []string
	// PriceComparisonProcurementMethods, when set, are the only
	// procurementMethodDetails values whose bid prices are compared; it
	// overrides NoPriceComparisonProcurementMethods. INI: top-level
	// `price_comparison_procurement_methods`.
	PriceComparisonProcurementMethods []string
	// ExcludeProcurementMethodDetails leaves these procurementMethodDetails
	// out of every indicator, as cancelled tenders are. INI:
	// `[exclusions] procurement_method_details`.
	ExcludeProcurementMethodDetails []string

	R003 R003Settings
	R018 R018Settings
	R024 FenceSettings
	R025 R025Settings
	R028 Toggle
	R030 Toggle
	R035 R035Settings
	R036 Toggle
	R038 R038Settings
	R048 R048Settings
	R058 FenceSettings
	PZ1  PZ1Settings
	PZ2  PZ2Settings
	PZ3  PZ3Settings
	PZ4  PZ4Settings
}

// Toggle is what every indicator has: whether it runs and the weight of its
// flags. INI: the indicator's section enables it; `weight` sets the weight.
type Toggle struct {
	Enabled bool
	Weight  float64
}

// R003Settings configure "Short submission period".
type R003Settings struct {
	Toggle
	// Threshold is the shortest acceptable submission period in whole days
	// (default 15). INI: `threshold`.
	Threshold int
	// ProcurementMethods restricts the indicator to these
	// tender.procurementMethod values; empty means all. INI:
	// `procurement_methods`.
	ProcurementMethods []string
	// ProcurementMethodDetails overrides Threshold per
	// tender.procurementMethodDetails. INI: section
	// `[R003.procurement_method_details]`, one `details = days` a line.
	ProcurementMethodDetails map[string]int
}

// R018Settings configure "Single bid received".
type R018Settings struct {
	Toggle
	// ProcurementMethods are the competitive procurement methods (default
	// open, selective). INI: `procurement_methods`.
	ProcurementMethods []string
}

// FenceSettings configure an indicator whose fence comes from the quartiles
// of the dataset unless Threshold fixes it (R024, R058). INI: `threshold`.
type FenceSettings struct {
	Toggle
	Threshold *float64
}

// R025Settings configure "Excessive unsuccessful bids".
type R025Settings struct {
	Toggle
	// Percentile of the numbers of valid bids per tenderer at or above which
	// a tenderer is a top tenderer (default 75). INI: `percentile`.
	Percentile int
	// Threshold fixes the lower fence of the win ratio. INI: `threshold`.
	Threshold *float64
}

// R035Settings configure "All except winning bid disqualified".
type R035Settings struct {
	Toggle
	// Threshold is the least number of other tenderers disqualified (default
	// and minimum 1). INI: `threshold`.
	Threshold int
}

// R038Settings configure "Excessive disqualified bids".
type R038Settings struct {
	Toggle
	// Threshold fixes the upper fence of the disqualified ratio. INI:
	// `threshold`.
	Threshold *float64
	// MinimumSubmittedBids leaves out tenderers with fewer submitted bids
	// (default 2). INI: `minimum_submitted_bids`.
	MinimumSubmittedBids int
	// MinimumContractingProcesses leaves out buyers and procuring entities
	// below it (default 2). As in Cardinal's code (its documentation says
	// contracting processes), it is compared with the number of bids
	// submitted to the organization. INI: `minimum_contracting_processes`.
	MinimumContractingProcesses int
}

// R048Settings configure "Heterogeneous supplier".
type R048Settings struct {
	Toggle
	// Digits of the item classification that make its first level (default
	// 2, the CPV division). INI: `digits`.
	Digits int
	// Threshold fixes the upper fence of the variety. INI: `threshold`.
	Threshold *int
	// MinimumContractingProcesses: only suppliers awarded in at least this
	// many processes count (default 20). INI:
	// `minimum_contracting_processes`.
	MinimumContractingProcesses int
}

// PZ1Settings configure "Large savings".
type PZ1Settings struct {
	Toggle
	// Threshold is the least savings ratio, (expected − awarded) / expected,
	// that is flagged (default 0.30, the State Audit Service's "obvious
	// overstatement"). INI: `threshold`.
	Threshold float64
}

// PZ2Settings configure "Winner took every lot".
type PZ2Settings struct {
	Toggle
	// MinimumLots is the least number of lots of the tender (default 5).
	// INI: `minimum_lots`.
	MinimumLots int
}

// PZ3Settings configure "Supplier dependent on one buyer".
type PZ3Settings struct {
	Toggle
	// MinimumContractingProcesses is the least number of processes in which
	// the supplier has an active award (default 3). INI:
	// `minimum_contracting_processes`.
	MinimumContractingProcesses int
}

// PZ4Settings configure "Split purchases".
type PZ4Settings struct {
	Toggle
	// Digits of the CPV code that make the subject (default 4, the CPV
	// class). INI: `digits`.
	Digits int
	// Currency of the thresholds; purchases in other currencies are left out
	// (default UAH). INI: `currency`.
	Currency string
	// GoodsServicesThreshold and WorksThreshold (defaults 400,000 and
	// 1,500,000) are the values at or above which the law requires an open
	// procedure. INI: `threshold_goods_services`, `threshold_works`.
	GoodsServicesThreshold decimal.Decimal
	WorksThreshold         decimal.Decimal
	// ProcurementMethods (default limited, direct) and
	// ProcurementMethodDetails (default belowThreshold, reporting) select the
	// processes that can split a purchase: either matches. INI:
	// `procurement_methods`, `procurement_method_details`.
	ProcurementMethods       []string
	ProcurementMethodDetails []string
}

// DefaultSettings enables every indicator with Cardinal's defaults, the
// defaults of PZ1–PZ4 and the weights of the catalogue (Codes). One
// addition to Cardinal's defaults: R003 uses the legal minimum tendering
// periods of ProZorro's procedures (belowThreshold 2 days, aboveThreshold 7,
// aboveThresholdUA 15, aboveThresholdEU 30, calendar days), as the
// indicator's documentation suggests, so that short but lawful simplified
// procurements are not all flagged.
func DefaultSettings() Settings {
	on := func(code string) Toggle { return Toggle{Enabled: true, Weight: defaultWeight(code)} }
	return Settings{
		R003: R003Settings{Toggle: on("R003"), Threshold: 15, ProcurementMethodDetails: map[string]int{
			"belowThreshold": 2, "aboveThreshold": 7, "aboveThresholdUA": 15, "aboveThresholdEU": 30,
		}},
		R018: R018Settings{Toggle: on("R018"), ProcurementMethods: []string{"open", "selective"}},
		R024: FenceSettings{Toggle: on("R024")},
		R025: R025Settings{Toggle: on("R025"), Percentile: 75},
		R028: on("R028"),
		R030: on("R030"),
		R035: R035Settings{Toggle: on("R035"), Threshold: 1},
		R036: on("R036"),
		R038: R038Settings{Toggle: on("R038"), MinimumSubmittedBids: 2, MinimumContractingProcesses: 2},
		R048: R048Settings{Toggle: on("R048"), Digits: 2, MinimumContractingProcesses: 20},
		R058: FenceSettings{Toggle: on("R058")},
		PZ1:  PZ1Settings{Toggle: on("PZ1"), Threshold: 0.30},
		PZ2:  PZ2Settings{Toggle: on("PZ2"), MinimumLots: 5},
		PZ3:  PZ3Settings{Toggle: on("PZ3"), MinimumContractingProcesses: 3},
		PZ4: PZ4Settings{Toggle: on("PZ4"), Digits: 4, Currency: "UAH",
			GoodsServicesThreshold:   decimal.NewFromInt(400_000),
			WorksThreshold:           decimal.NewFromInt(1_500_000),
			ProcurementMethods:       []string{"limited", "direct"},
			ProcurementMethodDetails: []string{"belowThreshold", "reporting"},
		},
	}
}

// toggles lists every indicator's toggle in catalogue order.
func (s *Settings) toggles() []*Toggle {
	return []*Toggle{&s.R003.Toggle, &s.R018.Toggle, &s.R024.Toggle, &s.R025.Toggle, &s.R028, &s.R030,
		&s.R035.Toggle, &s.R036, &s.R038.Toggle, &s.R048.Toggle, &s.R058.Toggle,
		&s.PZ1.Toggle, &s.PZ2.Toggle, &s.PZ3.Toggle, &s.PZ4.Toggle}
}

// toggle returns the toggle of the indicator code, or nil.
func (s *Settings) toggle(code string) *Toggle {
	switch code {
	case "R003":
		return &s.R003.Toggle
	case "R018":
		return &s.R018.Toggle
	case "R024":
		return &s.R024.Toggle
	case "R025":
		return &s.R025.Toggle
	case "R028":
		return &s.R028
	case "R030":
		return &s.R030
	case "R035":
		return &s.R035.Toggle
	case "R036":
		return &s.R036
	case "R038":
		return &s.R038.Toggle
	case "R048":
		return &s.R048.Toggle
	case "R058":
		return &s.R058.Toggle
	case "PZ1":
		return &s.PZ1.Toggle
	case "PZ2":
		return &s.PZ2.Toggle
	case "PZ3":
		return &s.PZ3.Toggle
	case "PZ4":
		return &s.PZ4.Toggle
	}
	return nil
}

// LoadSettings reads an INI settings file in Cardinal's format (see
// ParseSettings).
func LoadSettings(path string) (Settings, error) {
	f, err := os.Open(path)
	if err != nil {
		return Settings{}, err
	}
	defer f.Close()
	s, err := ParseSettings(f)
	if err != nil {
		return Settings{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSettings reads settings in the INI format of Cardinal's settings.ini,
// with its keys, on top of DefaultSettings. As in Cardinal, a section names
// an indicator to run: if the file has any indicator section, only the
// indicators with a section run; a file without any (only `currency`, say)
// keeps them all. Cardinal's `prepare` sections are accepted and ignored;
// an unknown section or key is an error, as in Cardinal. Comments start
// with ; or #, also after a value.
func ParseSettings(r io.Reader) (Settings, error) {
	s := DefaultSettings()
	named := map[string]bool{}
	section := ""
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return Settings{}, fmt.Errorf("line %d: unterminated section %q", n, line)
			}
			section = strings.TrimSpace(line[1:end])
			code, sub, _ := strings.Cut(section, ".")
			code = strings.ToUpper(code)
			if t := s.toggle(code); t != nil && (sub == "" || code == "R003" && sub == "procurement_method_details") {
				named[code] = true
			} else if !knownSection(section) {
				return Settings{}, fmt.Errorf("line %d: unknown section [%s]", n, section)
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return Settings{}, fmt.Errorf("line %d: want key = value, got %q", n, line)
		}
		key, value = strings.TrimSpace(key), iniValue(value)
		if err := s.set(section, key, value); err != nil {
			return Settings{}, fmt.Errorf("line %d: %s: %w", n, strings.Trim("["+section+"] ", "[] ")+key, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Settings{}, err
	}
	if len(named) > 0 {
		for i, t := range s.toggles() {
			t.Enabled = named[catalogue[i].Code]
		}
	}
	return s, nil
}

// knownSection reports the sections Cardinal's settings.ini may hold that
// do not name an indicator.
func knownSection(name string) bool {
	switch name {
	case "exclusions", "output", "defaults", "redactions", "corrections", "modifications":
		return true
	}
	return strings.HasPrefix(name, "codelists.")
}

// iniValue strips an inline comment and surrounding quotes from a value.
func iniValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	if i := strings.IndexAny(v, ";#"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}

// pipes splits a pipe-separated list, as Cardinal does.
func pipes(v string) []string {
	var out []string
	for _, p := range strings.Split(v, "|") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// set applies one key of a section.
func (s *Settings) set(section, key, value string) error {
	code, sub, _ := strings.Cut(section, ".")
	code = strings.ToUpper(code)
	if code == "R003" && sub == "procurement_method_details" {
		n, err := natural(value)
		if err != nil {
			return err
		}
		if s.R003.ProcurementMethodDetails == nil {
			s.R003.ProcurementMethodDetails = map[string]int{}
		}
		s.R003.ProcurementMethodDetails[key] = n
		return nil
	}
	if t := s.toggle(code); t != nil && key == "weight" {
		w, err := strconv.ParseFloat(value, 64)
		if err != nil || w < 0 {
			return fmt.Errorf("want a non-negative number, got %q", value)
		}
		t.Weight = w
		return nil
	}
	var err error
	switch section {
	case "":
		switch key {
		case "currency":
			s.Currency = value
		case "no_price_comparison_procurement_methods":
			s.NoPriceComparisonProcurementMethods = pipes(value)
		case "price_comparison_procurement_methods":
			s.PriceComparisonProcurementMethods = pipes(value)
		default:
			return errUnknownKey
		}
	case "exclusions":
		if key != "procurement_method_details" {
			return errUnknownKey
		}
		s.ExcludeProcurementMethodDetails = pipes(value)
	case "output", "defaults", "redactions", "corrections", "modifications":
		// Cardinal's prepare command and log levels: nothing to do here.
	default:
		if strings.HasPrefix(section, "codelists.") {
			return nil
		}
		err = s.setIndicator(code, key, value)
	}
	return err
}

var errUnknownKey = fmt.Errorf("unknown key")

// setIndicator applies one key of an indicator's section.
func (s *Settings) setIndicator(code, key, value string) error {
	var err error
	switch code + "." + key {
	case "R003.threshold":
		s.R003.Threshold, err = natural(value)
	case "R003.procurement_methods":
		s.R003.ProcurementMethods = pipes(value)
	case "R018.procurement_methods":
		s.R018.ProcurementMethods = pipes(value)
	case "R024.threshold":
		s.R024.Threshold, err = ratio(value)
	case "R025.percentile":
		s.R025.Percentile, err = natural(value)
		if err == nil && s.R025.Percentile > 100 {
			err = fmt.Errorf("want a percentage, got %q", value)
		}
	case "R025.threshold":
		s.R025.Threshold, err = ratio(value)
	case "R035.threshold":
		s.R035.Threshold, err = natural(value)
	case "R038.threshold":
		s.R038.Threshold, err = ratio(value)
	case "R038.minimum_submitted_bids":
		s.R038.MinimumSubmittedBids, err = natural(value)
	case "R038.minimum_contracting_processes":
		s.R038.MinimumContractingProcesses, err = natural(value)
	case "R048.digits":
		s.R048.Digits, err = natural(value)
	case "R048.threshold":
		var n int
		n, err = natural(value)
		s.R048.Threshold = &n
	case "R048.minimum_contracting_processes":
		s.R048.MinimumContractingProcesses, err = natural(value)
	case "R058.threshold":
		s.R058.Threshold, err = ratio(value)
	case "PZ1.threshold":
		var t *float64
		t, err = ratio(value)
		if t != nil {
			s.PZ1.Threshold = *t
		}
	case "PZ2.minimum_lots":
		s.PZ2.MinimumLots, err = natural(value)
	case "PZ3.minimum_contracting_processes":
		s.PZ3.MinimumContractingProcesses, err = natural(value)
	case "PZ4.digits":
		s.PZ4.Digits, err = natural(value)
	case "PZ4.currency":
		s.PZ4.Currency = value
	case "PZ4.threshold_goods_services":
		s.PZ4.GoodsServicesThreshold, err = decimal.NewFromString(value)
	case "PZ4.threshold_works":
		s.PZ4.WorksThreshold, err = decimal.NewFromString(value)
	case "PZ4.procurement_methods":
		s.PZ4.ProcurementMethods = pipes(value)
	case "PZ4.procurement_method_details":
		s.PZ4.ProcurementMethodDetails = pipes(value)
	default:
		return errUnknownKey
	}
	return err
}

func natural(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a natural number, got %q", v)
	}
	return n, nil
}

func ratio(v string) (*float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fmt.Errorf("want a decimal, got %q", v)
	}
	return &f, nil
}
