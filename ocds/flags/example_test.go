package flags_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/prozorro-go/prozorro/ocds/flags"
)

// One tender, evaluated on its own: a competitive procedure with one bid,
// whose award is 40% below the expected value.
func ExampleEvaluate() {
	release := `{"ocid":"ocds-be6bcu-UA-2024-01-01-000001-a","buyer":{"id":"UA-EDR-1"},
		"tender":{"status":"complete","procurementMethod":"open","procurementMethodDetails":"aboveThreshold",
			"numberOfTenderers":1,"value":{"amount":1000000,"currency":"UAH"}},
		"bids":{"details":[{"status":"valid","tenderers":[{"id":"UA-EDR-2"}],"value":{"amount":600000,"currency":"UAH"}}]},
		"awards":[{"status":"active","suppliers":[{"id":"UA-EDR-2"}],"value":{"amount":600000,"currency":"UAH"}}]}`
	s := flags.DefaultSettings()
	p, err := flags.ParseRelease([]byte(release))
	if err != nil {
		panic(err)
	}
	for _, f := range flags.Evaluate(flags.Extract(p, s), nil, s) {
		fmt.Printf("%s %s (weight %.1f): %v\n", f.Code, f.Name, f.Weight, f.Value)
	}
	// Output:
	// R018 Single bid received (weight 0.3): 1
	// PZ1 Large savings (weight 0.3): 0.4
}

// A dataset, reported in Cardinal's shape.
func ExampleIndicators() {
	lines := []string{
		`{"ocid":"a","bids":{"details":[{"status":"disqualified","tenderers":[{"id":"D"}]},{"status":"valid","tenderers":[{"id":"V"}]}]},"awards":[{"status":"active","suppliers":[{"id":"V"}]}]}`,
		`{"ocid":"b","bids":{"details":[{"status":"valid","tenderers":[{"id":"V"}],"value":{"amount":5,"currency":"USD"}},{"status":"valid","tenderers":[{"id":"W"}],"value":{"amount":5,"currency":"USD"}}]}}`,
		`{"ocid":"c","tender":{"status":"cancelled"},"bids":{"details":[{"status":"disqualified","tenderers":[{"id":"D"}]}]}}`,
	}
	s, err := flags.ParseSettings(strings.NewReader("[R028]\n[R035]\n"))
	if err != nil {
		panic(err)
	}
	facts, err := flags.ReadFacts(strings.NewReader(strings.Join(lines, "\n")), s, 2, nil)
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(flags.Indicators(facts, s))
	fmt.Println(string(out))
	// Output:
	// {"OCID":{"a":{"R035":1},"b":{"R028":1}},"Tenderer":{"V":{"R028":1,"R035":0},"W":{"R028":1}},"Meta":{}}
}
