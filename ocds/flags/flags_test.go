package flags

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func value1(group Results, id, code string) (float64, bool) {
	v, ok := group[id][code]
	return v, ok
}

func ptr[T any](v T) *T { return &v }

func TestR003ShortSubmissionPeriod(t *testing.T) {
	day := func(d int) string { return "2024-03-" + strconv.Itoa(10+d) + "T10:00:00+02:00" }
	tests := []struct {
		name string
		r    rel
		s    func(*Settings)
		want bool
	}{
		{"14 days is short", rel{Start: day(0), End: day(14)}, nil, true},
		{"15 days is not", rel{Start: day(0), End: day(15)}, nil, false},
		{"a second short of 15 days is 14 whole days", rel{Start: day(0), End: "2024-03-25T09:59:59+02:00"}, nil, true},
		{"offsets count: 15 days in UTC", rel{Start: day(0), End: "2024-03-25T08:00:00Z"}, nil, false},
		{"no end date", rel{Start: day(0)}, nil, false},
		{"invalid date", rel{Start: "yesterday", End: day(1)}, nil, false},
		{"threshold setting", rel{Start: day(0), End: day(14)}, func(s *Settings) { s.R003.Threshold = 10 }, false},
		{"ProZorro belowThreshold minimum is 2 days", rel{Details: "belowThreshold", Start: day(0), End: day(3)}, nil, false},
		{"belowThreshold under 2 days", rel{Details: "belowThreshold", Start: day(0), End: "2024-03-11T09:00:00+02:00"}, nil, true},
		{"aboveThresholdEU needs 30", rel{Details: "aboveThresholdEU", Start: day(0), End: day(20)}, nil, true},
		{"procurement_methods excludes limited", rel{Method: "limited", Start: day(0), End: day(1)},
			func(s *Settings) { s.R003.ProcurementMethods = []string{"open"} }, false},
		{"procurement_methods includes open", rel{Method: "open", Start: day(0), End: day(1)},
			func(s *Settings) { s.R003.ProcurementMethods = []string{"open"} }, true},
		{"cancelled tenders are excluded", rel{Status: "cancelled", Start: day(0), End: day(1)}, nil, false},
		{"exclusions setting", rel{Details: "X", Start: day(0), End: day(1)},
			func(s *Settings) { s.ExcludeProcurementMethodDetails = []string{"X"} }, false},
		{"disabled", rel{Start: day(0), End: day(1)}, func(s *Settings) { s.R003.Enabled = false }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("R003")
			if tt.s != nil {
				tt.s(&s)
			}
			tt.r.OCID = "P"
			fl := Evaluate(factsOf(t, s, tt.r)[0], nil, s)
			if got := slices.Contains(codes(fl), "OCID P R003"); got != tt.want {
				t.Errorf("flagged = %v, want %v (%v)", got, tt.want, codes(fl))
			}
		})
	}
}

func TestR003Evidence(t *testing.T) {
	s := only("R003")
	f := factsOf(t, s, rel{OCID: "P", Details: "aboveThresholdUA", Start: "2024-01-01T00:00:00Z", End: "2024-01-08T00:00:00Z"})[0]
	fl := Evaluate(f, nil, s)
	if len(fl) != 1 {
		t.Fatalf("flags = %v", codes(fl))
	}
	want := Flag{Code: "R003", Name: "Short submission period", Scope: ScopeOCID, Subject: "P", Value: 1, Weight: 0.3,
		Evidence: map[string]any{"submission_days": 7, "threshold": 15, "procurement_method": "",
			"procurement_method_details": "aboveThresholdUA"}}
	if !reflect.DeepEqual(fl[0], want) {
		t.Errorf("flag = %+v\nwant %+v", fl[0], want)
	}
}

func TestR018SingleBid(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		n       int
		methods []string
		want    bool
	}{
		{"open, one", "open", 1, nil, true},
		{"selective, one", "selective", 1, nil, true},
		{"open, two", "open", 2, nil, false},
		{"limited, one", "limited", 1, nil, false},
		{"no method, one", "", 1, nil, false},
		{"no number", "open", 0, nil, false},
		{"setting adds limited", "limited", 1, []string{"open", "limited"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("R018")
			if tt.methods != nil {
				s.R018.ProcurementMethods = tt.methods
			}
			f := factsOf(t, s, rel{OCID: "P", Method: tt.method, Tenderers: tt.n})[0]
			if got := len(Evaluate(f, nil, s)) == 1; got != tt.want {
				t.Errorf("flagged = %v, want %v", got, tt.want)
			}
		})
	}
	// A negative or fractional numberOfTenderers is not one tenderer.
	s := only("R018")
	for _, n := range []string{"-1", "1.5", `"1x"`} {
		p, err := ParseRelease([]byte(`{"ocid":"P","tender":{"procurementMethod":"open","numberOfTenderers":` + n + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		if fl := Evaluate(Extract(p, s), nil, s); len(fl) != 0 {
			t.Errorf("numberOfTenderers %s flagged: %v", n, codes(fl))
		}
	}
}

// gapDataset has differences 0.1 ×6, 0.12, 0.11 plus the extra processes.
func gapDataset(extra ...rel) []rel {
	rs := []rel{}
	for i, lose := range []string{"110", "110", "110", "110", "110", "110", "112", "111"} {
		rs = append(rs, priced2("N"+strconv.Itoa(i), "W"+strconv.Itoa(i), "100", "L"+strconv.Itoa(i), lose, "USD"))
	}
	return append(rs, extra...)
}

func TestR024R058PriceGaps(t *testing.T) {
	s := only("R024", "R058")
	facts := factsOf(t, s, gapDataset(
		priced2("CLOSE", "W", "1000", "L", "1001", "USD"),  // 0.001: a low outlier
		priced2("FAR", "W", "100", "L", "190", "USD"),      // 0.9: a high outlier
		priced2("EUR", "W", "100", "L", "100", "EUR"),      // another currency: not compared
		priced2("NONPRICE", "W", "200", "L", "100", "USD"), // the lowest bid lost: not price-only
	)...)
	r := Indicators(facts, s)
	if v, ok := value1(r.OCID, "CLOSE", "R024"); !ok || math.Abs(v-0.001) > 1e-12 {
		t.Errorf("CLOSE R024 = %v %v, want 0.001", v, ok)
	}
	if _, ok := r.Tenderer["W"]["R024"]; !ok {
		t.Error("the winner of CLOSE is not flagged")
	}
	if _, ok := r.Tenderer["L"]["R024"]; !ok {
		t.Error("the runner-up of CLOSE is not flagged")
	}
	if v, ok := value1(r.OCID, "FAR", "R058"); !ok || math.Abs(v-0.9) > 1e-12 {
		t.Errorf("FAR R058 = %v %v, want 0.9", v, ok)
	}
	for _, id := range []string{"EUR", "NONPRICE", "N0", "N6"} {
		if len(r.OCID[id]) != 0 {
			t.Errorf("%s flagged: %v", id, r.OCID[id])
		}
	}
	if len(r.OCID) != 2 {
		t.Errorf("OCID results = %v, want CLOSE and FAR", r.OCID)
	}
	// The evidence names the bids and the fence.
	stats := ComputeStats(facts, s)
	if stats.Currency != "USD" {
		t.Errorf("main currency = %q, want USD (the most frequent)", stats.Currency)
	}
	fl := Evaluate(facts[8], stats, s)
	if len(fl) == 0 || fl[0].Evidence["second_lowest_bidder"] != "L" || fl[0].Evidence["lower_fence"] == nil {
		t.Errorf("evidence = %+v", fl)
	}
}

func TestR024FixedThresholdAndNoStats(t *testing.T) {
	s := only("R024")
	facts := factsOf(t, s, priced2("P", "W", "100", "L", "104", "USD"))
	// No statistics and no threshold: R024 cannot run.
	if fl := Evaluate(facts[0], nil, s); len(fl) != 0 {
		t.Errorf("without stats or threshold: %v", codes(fl))
	}
	// A fixed threshold overrides the fence and needs no statistics.
	s.R024.Threshold = ptr(0.05)
	if got := codes(Evaluate(facts[0], nil, s)); !slices.Equal(got, []string{"OCID P R024", "Tenderer L R024", "Tenderer W R024"}) {
		t.Errorf("with threshold 0.05: %v", got)
	}
	s.R024.Threshold = ptr(0.03)
	if fl := Evaluate(facts[0], nil, s); len(fl) != 0 {
		t.Errorf("with threshold 0.03: %v", codes(fl))
	}
	r := Indicators(facts, s)
	if _, ok := r.Meta["R024"]["q1"]; ok || r.Meta["R024"]["lower_fence"] != 0.03 {
		t.Errorf("Meta with a fixed threshold = %v, want only lower_fence", r.Meta["R024"])
	}
}

// TestOutlierSkipRule checks Cardinal's rule: when Q1 (or the fence) is 0,
// an outlier indicator on non-negative ratios flags nothing rather than
// most of the dataset.
func TestOutlierSkipRule(t *testing.T) {
	var rs []rel
	for i := range 7 { // seven processes where the bids are equal: difference 0
		rs = append(rs, priced2("Z"+strconv.Itoa(i), "W", "100", "L", "100", "USD"))
	}
	rs = append(rs, priced2("A", "W", "100", "L", "150", "USD"))
	s := only("R024", "R058")
	r := Indicators(factsOf(t, s, rs...), s)
	if r.Meta["R024"]["q1"] != 0 || r.Meta["R058"]["q3"] != 0 || r.Meta["R058"]["upper_fence"] != 0 {
		t.Fatalf("meta = %v, want Q1 = Q3 = 0", r.Meta)
	}
	// Without the rule every process would be flagged by R058 (difference ≥ 0).
	if len(r.OCID) != 0 {
		t.Errorf("flagged with Q1 = Q3 = 0: %v", r.OCID)
	}
	// One more spread-out value makes Q3 positive: A is a high outlier.
	rs = append(rs, priced2("B", "W", "100", "L", "101", "USD"), priced2("C", "W", "100", "L", "102", "USD"))
	r = Indicators(factsOf(t, s, rs...), s)
	if len(r.OCID) != 1 || r.OCID["A"]["R058"] != 0.5 {
		t.Errorf("with Q3 > 0: %v (meta %v)", r.OCID, r.Meta)
	}

	// R038: most buyers disqualify nothing, so the fence is 0: skip.
	var rr []rel
	for i := range 7 {
		rr = append(rr, rel{OCID: strconv.Itoa(i), Buyer: "B" + strconv.Itoa(i), Bids: []bid{
			{Status: "valid", Tenderers: []string{"T1"}}, {Status: "valid", Tenderers: []string{"T2"}}}})
	}
	rr = append(rr, rel{OCID: "D", Buyer: "BAD", Bids: []bid{
		{Status: "disqualified", Tenderers: []string{"T1"}}, {Status: "valid", Tenderers: []string{"T2"}}}})
	s = only("R038")
	r = Indicators(factsOf(t, s, rr...), s)
	if r.Meta["R038"]["Buyer_upper_fence"] != 0 || len(r.Buyer) != 0 {
		t.Errorf("R038 with a zero fence: meta %v, buyers %v", r.Meta["R038"], r.Buyer)
	}
	// A fixed threshold does not depend on the quartiles.
	s.R038.Threshold = ptr(0.4)
	r = Indicators(factsOf(t, s, rr...), s)
	if v := r.Buyer["BAD"]["R038"]; v != 0.5 {
		t.Errorf("R038 BAD with threshold 0.4 = %v, want 0.5", v)
	}
}

func TestPerLotPriceGaps(t *testing.T) {
	// Cardinal skips a process with two active awards; by lot, each lot has
	// one award and its own gap.
	multi := rel{OCID: "M", Method: "open",
		Lots: []lot{{ID: "l1"}, {ID: "l2"}, {ID: "l3", Status: "cancelled"}},
		Bids: []bid{
			{Status: "valid", Tenderers: []string{"A"}, Amount: "1000", Currency: "USD", Lot: "l1"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "1001", Currency: "USD", Lot: "l1"},
			{Status: "valid", Tenderers: []string{"A"}, Amount: "100", Currency: "USD", Lot: "l2"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "110", Currency: "USD", Lot: "l2"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "1", Currency: "USD", Lot: "l3"},
		},
		Awards: []award{{Status: "active", Suppliers: []string{"A"}, Lot: "l1"}, {Status: "active", Suppliers: []string{"A"}, Lot: "l2"}}}
	s := only("R024")
	facts := factsOf(t, s, gapDataset(multi)...)
	m := facts[len(facts)-1]
	if len(m.Units) != 2 || m.Units[0].Lot != "l1" || m.Units[1].Lot != "l2" {
		t.Fatalf("units = %+v, want lots l1 and l2 (l3 is cancelled)", m.Units)
	}
	fl := Evaluate(m, ComputeStats(facts, s), s)
	if got := codes(fl); !slices.Equal(got, []string{"OCID M R024 lot l1", "Tenderer A R024 lot l1", "Tenderer B R024 lot l1"}) {
		t.Errorf("flags = %v", got)
	}
}

func TestR025ExcessiveUnsuccessfulBids(t *testing.T) {
	// LOSER bids in 9 processes and wins one; the others win what they bid.
	var rs []rel
	for i := range 9 {
		w := "S" + strconv.Itoa(i)
		winner := w
		if i == 0 {
			winner = "LOSER"
		}
		rs = append(rs, rel{OCID: strconv.Itoa(i), Bids: []bid{{Status: "valid", Tenderers: []string{"LOSER"}},
			{Status: "valid", Tenderers: []string{w}}}, Awards: []award{{Status: "active", Suppliers: []string{winner}}}})
	}
	s := only("R025")
	facts := factsOf(t, s, rs...)
	r := Indicators(facts, s)
	if v := r.Tenderer["LOSER"]["R025"]; math.Abs(v-1.0/9) > 1e-12 {
		t.Errorf("LOSER R025 = %v, want 1/9 (tenderers %v)", v, r.Tenderer)
	}
	if len(r.Tenderer) != 2 || r.Tenderer["S0"] == nil {
		// S0 bid once and lost: a ratio of 0 but with one valid bid it is a top tenderer only because
		// the 75th percentile of valid bids is 1.
		t.Errorf("tenderers = %v, want LOSER and S0", r.Tenderer)
	}
	// A higher percentile makes only LOSER a top tenderer.
	s.R025.Percentile = 95
	r = Indicators(facts, s)
	if len(r.Tenderer) != 1 || r.Tenderer["LOSER"] == nil {
		t.Errorf("with percentile 95: %v (meta %v)", r.Tenderer, r.Meta["R025"])
	}
	// The tenderer's flag reaches Evaluate of each of its processes.
	fl := Evaluate(facts[3], ComputeStats(facts, s), s)
	if got := codes(fl); !slices.Equal(got, []string{"Tenderer LOSER R025"}) {
		t.Errorf("Evaluate = %v", got)
	}
	if ev := fl[0].Evidence; ev["wins"] != 1 || ev["valid_bids"] != 9 {
		t.Errorf("evidence = %v", ev)
	}
	// A pending award makes a process's results unstable: not counted.
	p := rs[1]
	p.Awards = append(p.Awards, award{Status: "pending"})
	if f := factsOf(t, s, p)[0]; len(f.Units) != 0 {
		t.Errorf("with a pending award: units %+v", f.Units)
	}
}

func TestR028IdenticalBidPrices(t *testing.T) {
	tests := []struct {
		name string
		r    rel
		s    func(*Settings)
		want []string
	}{
		{"two tenderers, one price", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100"},
			{Status: "disqualified", Tenderers: []string{"B"}, Amount: "100.00"}}}, nil,
			[]string{"OCID P R028", "Tenderer A R028", "Tenderer B R028"}},
		{"one tenderer twice", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100"},
			{Status: "valid", Tenderers: []string{"A"}, Amount: "100"}}}, nil, nil},
		{"different currencies", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100", Currency: "USD"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "100", Currency: "EUR"}}}, nil, nil},
		{"withdrawn bids are not submitted", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100"},
			{Status: "withdrawn", Tenderers: []string{"B"}, Amount: "100"}}}, nil, nil},
		{"missing amount", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}},
			{Status: "valid", Tenderers: []string{"B"}}}}, nil, nil},
		{"other lots", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100", Lot: "1"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "100", Lot: "2"}}}, nil, nil},
		{"no price comparison", rel{Details: "reporting", Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "100"}}},
			func(s *Settings) { s.NoPriceComparisonProcurementMethods = []string{"reporting"} }, nil},
		{"price comparison allow list", rel{Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "100"},
			{Status: "valid", Tenderers: []string{"B"}, Amount: "100"}}},
			func(s *Settings) { s.PriceComparisonProcurementMethods = []string{"auction"} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("R028")
			if tt.s != nil {
				tt.s(&s)
			}
			tt.r.OCID = "P"
			if got := codes(Evaluate(factsOf(t, s, tt.r)[0], nil, s)); !slices.Equal(got, tt.want) {
				t.Errorf("flags = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestR030LateBidWon(t *testing.T) {
	end := "2024-03-15T00:00:00Z"
	tests := []struct {
		name, date string
		winner     string
		want       bool
	}{
		{"late winner", "2024-03-16T00:00:00Z", "A", true},
		{"late loser", "2024-03-16T00:00:00Z", "B", false},
		{"on time", "2024-03-14T23:00:00Z", "A", false},
		// As strings "2024-03-15T01:00:00+02:00" > "2024-03-15T00:00:00Z", but it is 23:00 UTC the day before.
		{"on time in another offset", "2024-03-15T01:00:00+02:00", "A", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("R030")
			r := rel{OCID: "P", End: end, Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Date: tt.date}},
				Awards: []award{{Status: "active", Suppliers: []string{tt.winner}}}}
			want := []string(nil)
			if tt.want {
				want = []string{"OCID P R030", "Tenderer A R030"}
			}
			if got := codes(Evaluate(factsOf(t, s, r)[0], nil, s)); !slices.Equal(got, want) {
				t.Errorf("flags = %v, want %v", got, want)
			}
		})
	}
}

func TestR035AllExceptWinnerDisqualified(t *testing.T) {
	twoOut := rel{OCID: "P", Bids: []bid{{Status: "valid", Tenderers: []string{"V"}},
		{Status: "disqualified", Tenderers: []string{"D1"}}, {Status: "disqualified", Tenderers: []string{"D2"}}},
		Awards: []award{{Status: "active", Suppliers: []string{"V"}}}}
	s := only("R035")
	fl := Evaluate(factsOf(t, s, twoOut)[0], nil, s)
	if got := codes(fl); !slices.Equal(got, []string{"OCID P R035", "Tenderer V R035"}) || fl[0].Value != 2 || fl[1].Value != 0 {
		t.Errorf("flags = %v %+v", got, fl)
	}
	s.R035.Threshold = 3
	if fl := Evaluate(factsOf(t, s, twoOut)[0], nil, s); len(fl) != 0 {
		t.Errorf("threshold 3 flagged %v", codes(fl))
	}
	s.R035.Threshold = 0 // Cardinal raises it to 1
	otherWon := twoOut
	otherWon.Awards = []award{{Status: "active", Suppliers: []string{"X"}}}
	if fl := Evaluate(factsOf(t, s, otherWon)[0], nil, s); len(fl) != 0 {
		t.Errorf("award to another supplier flagged %v", codes(fl))
	}
	noOther := rel{OCID: "P", Bids: []bid{{Status: "valid", Tenderers: []string{"V"}}}, Awards: twoOut.Awards}
	if fl := Evaluate(factsOf(t, s, noOther)[0], nil, s); len(fl) != 0 {
		t.Errorf("threshold 0 with nobody disqualified flagged %v", codes(fl))
	}
}

func TestR036LowestBidDisqualified(t *testing.T) {
	tests := []struct {
		name string
		bids []bid
		curr string
		want bool
	}{
		{"lowest disqualified", []bid{{Status: "disqualified", Amount: "90"}, {Status: "valid", Amount: "100"}}, "", true},
		{"lowest valid", []bid{{Status: "disqualified", Amount: "110"}, {Status: "valid", Amount: "100"}}, "", false},
		{"equal: the first counts", []bid{{Status: "disqualified", Amount: "100"}, {Status: "valid", Amount: "100"}}, "", true},
		{"no valid amount", []bid{{Status: "disqualified", Amount: "90"}, {Status: "valid"}}, "", false},
		{"the lowest is in another currency", []bid{{Status: "disqualified", Amount: "1", Currency: "EUR"},
			{Status: "valid", Amount: "100", Currency: "UAH"}, {Status: "disqualified", Amount: "200", Currency: "UAH"}}, "UAH", false},
		{"main currency setting", []bid{{Status: "valid", Amount: "100", Currency: "UAH"},
			{Status: "disqualified", Amount: "1", Currency: "EUR"}, {Status: "valid", Amount: "5", Currency: "EUR"}}, "EUR", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("R036")
			s.Currency = tt.curr
			r := rel{OCID: "P", Bids: tt.bids, Awards: []award{{Status: "active"}}}
			if got := len(Evaluate(factsOf(t, s, r)[0], nil, s)) == 1; got != tt.want {
				t.Errorf("flagged = %v, want %v", got, tt.want)
			}
		})
	}
	// Without the main currency setting and without statistics, the
	// process's first bid currency is the main one.
	s := only("R036")
	r := rel{OCID: "P", Awards: []award{{Status: "active"}}, Bids: []bid{{Status: "disqualified", Amount: "1", Currency: "EUR"},
		{Status: "valid", Amount: "5", Currency: "EUR"}, {Status: "valid", Amount: "100", Currency: "UAH"}}}
	if fl := Evaluate(factsOf(t, s, r)[0], nil, s); len(fl) != 1 {
		t.Errorf("first currency EUR: %v", codes(fl))
	}
	s.Currency = "UAH"
	if fl := Evaluate(factsOf(t, s, r)[0], nil, s); len(fl) != 0 {
		t.Errorf("main currency UAH: %v", codes(fl))
	}
}

func TestR038ExcessiveDisqualifiedBids(t *testing.T) {
	var rs []rel
	// Buyers B0..B3 disqualify one bid in four; BAD disqualifies three in four.
	for i := range 4 {
		rs = append(rs, rel{OCID: strconv.Itoa(i), Buyer: "B" + strconv.Itoa(i), PE: "P" + strconv.Itoa(i), Bids: []bid{
			{Status: "disqualified", Tenderers: []string{"X" + strconv.Itoa(i)}}, {Status: "valid", Tenderers: []string{"T1"}},
			{Status: "valid", Tenderers: []string{"T2"}}, {Status: "valid", Tenderers: []string{"T3"}}}})
	}
	rs = append(rs, rel{OCID: "bad", Buyer: "BAD", PE: "BADPE", Bids: []bid{
		{Status: "disqualified", Tenderers: []string{"T1"}}, {Status: "disqualified", Tenderers: []string{"T2"}},
		{Status: "disqualified", Tenderers: []string{"T3"}}, {Status: "valid", Tenderers: []string{"Y"}}}},
		rel{OCID: "small", Buyer: "SMALL", Bids: []bid{{Status: "disqualified", Tenderers: []string{"Z"}}}},
		rel{OCID: "cancelled", Buyer: "B0", Status: "cancelled", Bids: []bid{{Status: "disqualified", Tenderers: []string{"T1"}}}})
	s := only("R038")
	r := Indicators(factsOf(t, s, rs...), s)
	if v := r.Buyer["BAD"]["R038"]; v != 0.75 {
		t.Errorf("BAD R038 = %v, want 0.75 (buyers %v, meta %v)", v, r.Buyer, r.Meta["R038"])
	}
	if v := r.ProcuringEntity["BADPE"]["R038"]; v != 0.75 {
		t.Errorf("BADPE R038 = %v, want 0.75", v)
	}
	if len(r.Buyer) != 1 {
		t.Errorf("buyers = %v: SMALL has one bid, under the minimum of 2", r.Buyer)
	}
	// SMALL (one bid, disqualified) counts only from a minimum of 1.
	s.R038.Threshold = ptr(0.9)
	if r := Indicators(factsOf(t, s, rs...), s); len(r.Buyer) != 0 {
		t.Errorf("threshold 0.9, minimum 2: %v", r.Buyer)
	}
	s.R038.MinimumContractingProcesses = 1
	if r := Indicators(factsOf(t, s, rs...), s); len(r.Buyer) != 1 || r.Buyer["SMALL"]["R038"] != 1 {
		t.Errorf("threshold 0.9, minimum 1: %v", r.Buyer)
	}
}

func TestR048HeterogeneousSupplier(t *testing.T) {
	var rs []rel
	for i := range 8 {
		sup := "S" + strconv.Itoa(i%4)
		rs = append(rs, rel{OCID: strconv.Itoa(i), Awards: []award{{Status: "active", Suppliers: []string{sup},
			Items: []string{"30100000-0", "30200000-1"}}}})
	}
	rs = append(rs,
		rel{OCID: "h1", Awards: []award{{Status: "active", Suppliers: []string{"H"}, Items: []string{"03100000-2", "09100000-0"}}}},
		rel{OCID: "h2", Awards: []award{{Status: "active", Suppliers: []string{"H"}, Items: []string{"15100000-9", "33100000-1"}}}},
		rel{OCID: "joint", Awards: []award{{Status: "active", Suppliers: []string{"H", "S0"}, Items: []string{"45000000-7"}}}})
	s := only("R048")
	s.R048.MinimumContractingProcesses = 2
	r := Indicators(factsOf(t, s, rs...), s)
	if v := r.Tenderer["H"]["R048"]; v != 4 {
		t.Errorf("H R048 = %v, want 4 divisions (a joint award does not count)", v)
	}
	// With 3 digits the S suppliers have two groups (301, 302), H has four.
	s.R048.Digits = 3
	r = Indicators(factsOf(t, s, rs...), s)
	if r.Meta["R048"]["q1"] != 2 || r.Tenderer["H"]["R048"] != 4 {
		t.Errorf("digits 3: meta %v, tenderers %v", r.Meta["R048"], r.Tenderer)
	}
	// The default minimum of 20 processes leaves nobody.
	s = only("R048")
	if r := Indicators(factsOf(t, s, rs...), s); len(r.Tenderer) != 0 {
		t.Errorf("minimum 20: %v", r.Tenderer)
	}
}

func TestPZ1LargeSavings(t *testing.T) {
	lots := []lot{{ID: "1", Amount: "1000"}, {ID: "2", Amount: "1000"}, {ID: "3", Amount: "1000", Currency: "USD"}, {ID: "4", Amount: "1000"}}
	r := rel{OCID: "P", Amount: "4000", Lots: lots, Awards: []award{
		{Status: "active", Suppliers: []string{"A"}, Amount: "600", Lot: "1"},     // 40% saved
		{Status: "active", Suppliers: []string{"A"}, Amount: "900", Lot: "2"},     // 10%
		{Status: "active", Suppliers: []string{"A"}, Amount: "100", Lot: "3"},     // UAH against a USD estimate
		{Status: "unsuccessful", Suppliers: []string{"A"}, Amount: "1", Lot: "4"}, // not active
	}}
	s := only("PZ1")
	f := factsOf(t, s, r)[0]
	fl := Evaluate(f, nil, s)
	if got := codes(fl); !slices.Equal(got, []string{"OCID P PZ1 lot 1"}) {
		t.Fatalf("flags = %v", got)
	}
	ev := fl[0].Evidence
	if fl[0].Value != 0.4 || ev["savings_ratio"] != 0.4 || ev["threshold"] != 0.3 || ev["expected"].(json.Marshaler) == nil {
		t.Errorf("flag = %+v", fl[0])
	}
	s.PZ1.Threshold = 0.5
	if fl := Evaluate(f, nil, s); len(fl) != 0 {
		t.Errorf("threshold 0.5: %v", codes(fl))
	}
	// Without lots the tender's value is the estimate.
	s = only("PZ1")
	whole := rel{OCID: "W", Amount: "1000", Awards: []award{{Status: "active", Suppliers: []string{"A"}, Amount: "700"}}}
	if got := codes(Evaluate(factsOf(t, s, whole)[0], nil, s)); !slices.Equal(got, []string{"OCID W PZ1"}) {
		t.Errorf("tender-level: %v", got)
	}
	whole.Amount = ""
	if fl := Evaluate(factsOf(t, s, whole)[0], nil, s); len(fl) != 0 {
		t.Errorf("no estimate: %v", codes(fl))
	}
}

func TestPZ2WinnerTookEveryLot(t *testing.T) {
	tender := func(n int, other bool, cancel bool) rel {
		r := rel{OCID: "P"}
		for i := range n {
			id := strconv.Itoa(i)
			r.Lots = append(r.Lots, lot{ID: id})
			sup := "A"
			if other && i == n-1 {
				sup = "B"
			}
			r.Awards = append(r.Awards, award{Status: "active", Suppliers: []string{sup}, Lot: id})
		}
		if cancel {
			r.Lots = append(r.Lots, lot{ID: "x", Status: "cancelled"})
		}
		return r
	}
	tests := []struct {
		name    string
		r       rel
		minimum int
		want    []string
	}{
		{"five lots, one winner", tender(5, false, false), 0, []string{"OCID P PZ2", "Tenderer A PZ2"}},
		{"a cancelled lot does not count", tender(5, false, true), 0, []string{"OCID P PZ2", "Tenderer A PZ2"}},
		{"four lots", tender(4, false, false), 0, nil},
		{"four lots with minimum 3", tender(4, false, false), 3, []string{"OCID P PZ2", "Tenderer A PZ2"}},
		{"another winner on one lot", tender(6, true, false), 0, nil},
		{"a lot without award", func() rel { r := tender(6, false, false); r.Lots = append(r.Lots, lot{ID: "y"}); return r }(), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := only("PZ2")
			if tt.minimum > 0 {
				s.PZ2.MinimumLots = tt.minimum
			}
			if got := codes(Evaluate(factsOf(t, s, tt.r)[0], nil, s)); !slices.Equal(got, tt.want) {
				t.Errorf("flags = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPZ3SupplierDependentOnOneBuyer(t *testing.T) {
	won := func(ocid, buyer, supplier string) rel {
		return rel{OCID: ocid, Buyer: buyer, Awards: []award{{Status: "active", Suppliers: []string{supplier}}}}
	}
	rs := []rel{won("1", "B", "LOYAL"), won("2", "B", "LOYAL"), won("3", "B", "LOYAL"),
		won("4", "B", "FREE"), won("5", "C", "FREE"), won("6", "B", "FREE"),
		won("7", "B", "NEW"), won("8", "B", "NEW")}
	s := only("PZ3")
	facts := factsOf(t, s, rs...)
	r := Indicators(facts, s)
	if len(r.Tenderer) != 1 || r.Tenderer["LOYAL"]["PZ3"] != 3 {
		t.Errorf("tenderers = %v, want LOYAL with 3", r.Tenderer)
	}
	s.PZ3.MinimumContractingProcesses = 2
	r = Indicators(facts, s)
	if len(r.Tenderer) != 2 || r.Tenderer["NEW"]["PZ3"] != 2 {
		t.Errorf("minimum 2: %v", r.Tenderer)
	}
	fl := Evaluate(facts[0], ComputeStats(facts, s), s)
	if len(fl) != 1 || fl[0].Evidence["buyer"] != "B" {
		t.Errorf("Evaluate = %+v", fl)
	}
}

func TestPZ4SplitPurchases(t *testing.T) {
	buy := func(ocid, buyer, cpv, amount, date, details, method, category string) rel {
		return rel{OCID: ocid, Buyer: buyer, Items: []string{cpv}, Amount: amount, Date: date,
			Details: details, Method: method, Category: category}
	}
	y24, y25 := "2024-05-01T10:00:00+03:00", "2025-01-10T10:00:00+02:00"
	rs := []rel{
		buy("a", "B", "30190000-7", "150000", y24, "reporting", "limited", "goods"),
		buy("b", "B", "30192000-1", "150000", y24, "belowThreshold", "open", "goods"),
		buy("c", "B", "30199000-0", "100000", y24, "reporting", "limited", "goods"),
		buy("other-year", "B", "30190000-7", "390000", y25, "reporting", "limited", "goods"),
		buy("open", "B", "30190000-7", "390000", y24, "aboveThreshold", "open", "goods"),
		buy("big", "B", "30190000-7", "450000", y24, "reporting", "limited", "goods"),
		buy("usd", "B", "30190000-7", "390000", y24, "reporting", "limited", "goods"),
		buy("w1", "B", "45210000-2", "800000", y24, "reporting", "limited", ""),
		buy("w2", "B", "45210000-2", "600000", y24, "reporting", "limited", ""),
	}
	rs[6].Currency = "USD"
	s := only("PZ4")
	facts := factsOf(t, s, rs...)
	stats := ComputeStats(facts, s)
	r := ReportOf(facts, stats, s)
	var flagged []string
	for id := range r.OCID {
		flagged = append(flagged, id)
	}
	slices.Sort(flagged)
	if !slices.Equal(flagged, []string{"a", "b", "c"}) {
		t.Errorf("flagged processes = %v, want a, b, c (works total 1.4M < 1.5M)", flagged)
	}
	if r.OCID["a"]["PZ4"] != 400000 || r.Buyer["B"]["PZ4"] != 1 {
		t.Errorf("values: %v %v", r.OCID["a"], r.Buyer)
	}
	fl := Evaluate(facts[1], stats, s)
	if got := codes(fl); !slices.Equal(got, []string{"OCID b PZ4", "Buyer B PZ4"}) {
		t.Errorf("Evaluate = %v", got)
	}
	if ev := fl[0].Evidence; ev["classification"] != "3019" || ev["processes"] != 3 || ev["year"] != 2024 {
		t.Errorf("evidence = %v", ev)
	}
	// The works threshold is a setting.
	s.PZ4.WorksThreshold = decimal.NewFromInt(1_000_000)
	if r := Indicators(facts, s); r.OCID["w1"] == nil || r.OCID["w2"] == nil {
		t.Errorf("works threshold 1M: %v", r.OCID)
	}
	// Grouping by CPV division (2 digits) is a setting too; "open" stays out.
	s = only("PZ4")
	s.PZ4.Digits = 2
	if r := Indicators(facts, s); r.OCID["open"] != nil || r.OCID["a"] == nil {
		t.Errorf("digits 2: %v", r.OCID)
	}
}

func TestCancelledExcludedEverywhere(t *testing.T) {
	s := DefaultSettings()
	r := rel{OCID: "C", Status: "cancelled", Method: "open", Tenderers: 1, Start: "2024-01-01T00:00:00Z", End: "2024-01-02T00:00:00Z",
		Bids: []bid{{Status: "valid", Tenderers: []string{"A"}, Amount: "1"}, {Status: "valid", Tenderers: []string{"B"}, Amount: "1"}}}
	facts := factsOf(t, s, r)
	if facts[0].Excluded != "cancelled" || facts[0].Bidders != nil {
		t.Fatalf("facts = %+v", facts[0])
	}
	stats := ComputeStats(facts, s)
	if stats.Processes != 0 || len(Evaluate(facts[0], stats, s)) != 0 {
		t.Errorf("a cancelled process counted: %+v", stats)
	}
	// The same process not cancelled raises R003, R018 and R028.
	r.Status = ""
	if got := codes(Evaluate(factsOf(t, s, r)[0], nil, s)); len(got) != 5 {
		t.Errorf("not cancelled: %v", got)
	}
}

func TestParseReleaseTolerance(t *testing.T) {
	tests := []struct {
		name, json string
		err        error
		check      func(*Process) bool
	}{
		{"invalid JSON", `{"ocid":`, nil, nil},
		{"no ocid", `{"tender":{}}`, ErrNoOCID, nil},
		{"numeric ocid", `{"ocid":5}`, ErrNoOCID, nil},
		{"not an object", `[0]`, ErrNoOCID, nil},
		{"awards is an object", `{"ocid":"x","awards":{"id":1},"buyer":{"id":"B"}}`, nil,
			func(p *Process) bool { return p.Awards == nil && p.Buyer.ID == "B" }},
		{"amount is a string", `{"ocid":"x","tender":{"value":{"amount":"100","currency":"UAH"},"status":"active"}}`, nil,
			func(p *Process) bool { return !p.Tender.Value.Amount.Valid && p.Tender.Status == "active" }},
		{"amount is null", `{"ocid":"x","tender":{"value":{"amount":null}}}`, nil,
			func(p *Process) bool { return !p.Tender.Value.Amount.Valid }},
		{"exact amount", `{"ocid":"x","tender":{"value":{"amount":0.1000000000000000055511151231257827}}}`, nil,
			func(p *Process) bool {
				return p.Tender.Value.Amount.Decimal.String() == "0.1000000000000000055511151231257827"
			}},
		{"tenderer id is a number", `{"ocid":"x","bids":{"details":[{"status":"valid","tenderers":[{"id":7},{"id":"B"}]}]}}`, nil,
			func(p *Process) bool {
				return len(p.Bids.Details[0].Tenderers) == 2 && p.Bids.Details[0].Tenderers[1].ID == "B"
			}},
		{"a record's compiled release", `{"ocid":"x","releases":[],"compiledRelease":{"ocid":"x","buyer":{"id":"B"}}}`, nil,
			func(p *Process) bool { return p.Buyer.ID == "B" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseRelease([]byte(tt.json))
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Errorf("err = %v, want %v", err, tt.err)
				}
			case tt.check == nil:
				if err == nil || errors.Is(err, ErrNoOCID) {
					t.Errorf("err = %v, want invalid JSON", err)
				}
			case err != nil:
				t.Errorf("err = %v", err)
			case !tt.check(p):
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

// dataset is a mixed dataset that raises most indicators.
func dataset(t testing.TB, s Settings) []Facts {
	rs := gapDataset(priced2("CLOSE", "W", "1000", "L", "1001", "USD"), priced2("FAR", "W", "100", "L", "190", "USD"))
	for i := range rs {
		rs[i].Buyer = "B" + strconv.Itoa(i%3)
		rs[i].Tenderers = 2
		rs[i].Start, rs[i].End = "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"
	}
	rs = append(rs, rel{OCID: "R035", Buyer: "B0", Method: "open", Tenderers: 3, Bids: []bid{{Status: "valid", Tenderers: []string{"V"}},
		{Status: "disqualified", Tenderers: []string{"D1"}}, {Status: "disqualified", Tenderers: []string{"D2"}}},
		Awards: []award{{Status: "active", Suppliers: []string{"V"}, Amount: "10", Currency: "USD"}}, Amount: "100", Currency: "USD"})
	return factsOf(t, s, rs...)
}

func TestFactsAndStatsRoundTripJSON(t *testing.T) {
	s := DefaultSettings()
	facts := dataset(t, s)
	stats := ComputeStats(facts, s)
	data, err := json.Marshal(stats)
	if err != nil {
		t.Fatal(err)
	}
	var stats2 Stats
	if err := json.Unmarshal(data, &stats2); err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		fd, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var f2 Facts
		if err := json.Unmarshal(fd, &f2); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(Evaluate(f, stats, s))
		got, _ := json.Marshal(Evaluate(f2, &stats2, s))
		if string(got) != string(want) {
			t.Errorf("%s after a JSON round trip:\n got %s\nwant %s", f.OCID, got, want)
		}
	}
	if !strings.Contains(string(data), `"R024":{"q1":`) {
		t.Errorf("stats JSON = %s", data)
	}
}

func TestDeterministic(t *testing.T) {
	s := DefaultSettings()
	facts := dataset(t, s)
	want, _ := json.Marshal(Indicators(facts, s))
	wantStats, _ := json.Marshal(ComputeStats(facts, s))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(facts), func(i, j int) { facts[i], facts[j] = facts[j], facts[i] })
		got, _ := json.Marshal(Indicators(facts, s))
		gotStats, _ := json.Marshal(ComputeStats(facts, s))
		if string(got) != string(want) || string(gotStats) != string(wantStats) {
			t.Fatalf("order changed the result:\n%s\n%s", got, want)
		}
	}
	// Evaluate lists flags in catalogue order, then scope.
	fl := Evaluate(facts[0], ComputeStats(facts, s), s)
	for i := 1; i < len(fl); i++ {
		if codeRank(fl[i-1].Code) > codeRank(fl[i].Code) {
			t.Errorf("order: %v", codes(fl))
		}
	}
}

func TestWeights(t *testing.T) {
	def := DefaultSettings()
	for _, c := range Codes() {
		if c.Weight < 0.1 || c.Weight > 0.5 {
			t.Errorf("%s weight %v outside 0.1–0.5", c.Code, c.Weight)
		}
		if tg := def.toggle(c.Code); tg == nil || !tg.Enabled || tg.Weight != c.Weight {
			t.Errorf("%s: default settings %+v", c.Code, tg)
		}
	}
	if len(Codes()) != 15 {
		t.Errorf("%d indicators, want 15", len(Codes()))
	}
	s := only("R018")
	s.R018.Weight = 0.45
	fl := Evaluate(factsOf(t, s, rel{OCID: "P", Method: "open", Tenderers: 1})[0], nil, s)
	if len(fl) != 1 || fl[0].Weight != 0.45 {
		t.Errorf("flags = %+v", fl)
	}
}
