package flags

// Scopes of a flag: Cardinal's group names.
const (
	ScopeOCID            = "OCID"
	ScopeBuyer           = "Buyer"
	ScopeProcuringEntity = "ProcuringEntity"
	ScopeTenderer        = "Tenderer"
)

// Indicator describes one indicator of the catalogue.
type Indicator struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Scopes      []string `json:"scopes"`  // the groups it flags
	Weight      float64  `json:"weight"`  // the default weight of its flags
	Dataset     bool     `json:"dataset"` // it needs statistics of the whole dataset
	Source      string   `json:"source"`
}

// The default weights follow the impact scale of the State Audit Service's
// risk indicators (0.1–0.5): 0.5 where the pattern is, or is close to, a
// breach of the procurement law (a late bid accepted, every competitor but
// the winner rejected, purchases split under the open-procedure threshold,
// SAS RISK2-13 and RISK2-5/2-6 carry 0.5); 0.4 for direct signs of
// manipulation of one procedure; 0.3 for the classic single-procedure
// patterns (single bid, short period, prices close together, inflated
// estimate, outliers of a buyer); 0.2 for statistical patterns of an
// organization across the dataset, which are weak evidence about any one
// tender.
var catalogue = []Indicator{
	{"R003", "Short submission period", "The submission period is shorter than the threshold for the procurement method.",
		[]string{ScopeOCID}, 0.3, false, "Cardinal R003"},
	{"R018", "Single bid received", "Only one tenderer submitted a bid in a competitive procedure.",
		[]string{ScopeOCID}, 0.3, false, "Cardinal R018"},
	{"R024", "Price close to winning bid", "The percentage difference between the winning bid and the second-lowest valid bid is a low outlier.",
		[]string{ScopeOCID, ScopeTenderer}, 0.3, true, "Cardinal R024"},
	{"R025", "Excessive unsuccessful bids", "The ratio of winning bids to submitted bids for a top tenderer is a low outlier.",
		[]string{ScopeTenderer}, 0.2, true, "Cardinal R025"},
	{"R028", "Identical bid prices", "Different tenderers submitted bids with the same price.",
		[]string{ScopeOCID, ScopeTenderer}, 0.4, false, "Cardinal R028"},
	{"R030", "Late bid won", "The winning bid was received after the submission deadline.",
		[]string{ScopeOCID, ScopeTenderer}, 0.5, false, "Cardinal R030"},
	{"R035", "All except winning bid disqualified", "Bids are disqualified if not submitted by the single tenderer of the winning bid.",
		[]string{ScopeOCID, ScopeTenderer}, 0.5, false, "Cardinal R035; SAS sas-3-2, RISK2-13"},
	{"R036", "Lowest bid disqualified", "The lowest submitted bid is disqualified, while the award criterion is price only.",
		[]string{ScopeOCID}, 0.4, false, "Cardinal R036; SAS RISK-2-9"},
	{"R038", "Excessive disqualified bids", "The ratio of disqualified bids to submitted bids is a high outlier per buyer, procuring entity or tenderer.",
		[]string{ScopeBuyer, ScopeProcuringEntity, ScopeTenderer}, 0.3, true, "Cardinal R038"},
	{"R048", "Heterogeneous supplier", "The variety of items supplied by a tenderer is a high outlier.",
		[]string{ScopeTenderer}, 0.2, true, "Cardinal R048"},
	{"R058", "Heavily discounted bid", "The percentage difference between the winning bid and the second-lowest valid bid is a high outlier.",
		[]string{ScopeOCID, ScopeTenderer}, 0.2, true, "Cardinal R058"},
	{"PZ1", "Large savings", "An active award is at least 30% below the expected value of its lot (or of the tender).",
		[]string{ScopeOCID}, 0.3, false, "SAS sas-3-6 (obvious overstatement of the expected value); Dozorro unusual savings"},
	{"PZ2", "Winner took every lot", "One supplier won every lot of a tender with at least 5 lots.",
		[]string{ScopeOCID, ScopeTenderer}, 0.4, false, "SAS RISK2-3 / RISK2-4"},
	{"PZ3", "Supplier dependent on one buyer", "A supplier awarded in at least 3 processes, all of the same buyer.",
		[]string{ScopeTenderer}, 0.2, true, "Dozorro \"works with one customer\"; SAS RISK2-2"},
	{"PZ4", "Split purchases", "A buyer bought the same CPV class in one year through non-competitive or below-threshold processes, each under the open-procedure threshold but together at or above it.",
		[]string{ScopeOCID, ScopeBuyer}, 0.5, true, "SAS sas24-3-14-1/14-2, RISK2-5_1, RISK2-6_1"},
}

// Codes returns the catalogue of indicators, in the order flags are
// reported. The slice is a copy.
func Codes() []Indicator {
	out := make([]Indicator, len(catalogue))
	copy(out, catalogue)
	for i := range out {
		out[i].Scopes = append([]string(nil), out[i].Scopes...)
	}
	return out
}

// Lookup returns the catalogue entry of code.
func Lookup(code string) (Indicator, bool) {
	for _, c := range catalogue {
		if c.Code == code {
			return c, true
		}
	}
	return Indicator{}, false
}

func defaultWeight(code string) float64 {
	c, _ := Lookup(code)
	return c.Weight
}

// codeRank orders codes as the catalogue does.
func codeRank(code string) int {
	for i, c := range catalogue {
		if c.Code == code {
			return i
		}
	}
	return len(catalogue)
}
