package flags

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadFacts(t *testing.T) {
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, `{"ocid":"o%d","buyer":{"id":"B"}}`+"\r\n", i)
		switch i {
		case 10:
			in.WriteString("   \n") // blank: skipped silently
		case 20:
			in.WriteString("{not json\n")
		case 30:
			in.WriteString(`{"id":"no ocid"}` + "\n")
		case 999:
			// A line longer than the read buffer.
			in.WriteString(`{"ocid":"long","tender":{"description":"` + strings.Repeat("x", 3<<20) + `"}}`)
		}
	}
	var bad []*LineError
	facts, err := ReadFacts(strings.NewReader(in.String()), DefaultSettings(), 4, func(e *LineError) { bad = append(bad, e) })
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 1001 {
		t.Fatalf("%d facts, want 1001", len(facts))
	}
	for i := range 1000 {
		if facts[i].OCID != fmt.Sprintf("o%d", i) || facts[i].Buyer != "B" {
			t.Fatalf("facts[%d] = %+v: out of order", i, facts[i])
		}
	}
	if facts[1000].OCID != "long" {
		t.Errorf("last = %q", facts[1000].OCID)
	}
	// Lines: o0..o10 are 1–11, the blank 12, o11..o20 13–22, the bad JSON 23,
	// o21..o30 24–33, the line without ocid 34.
	if len(bad) != 2 || bad[0].Line != 23 || bad[1].Line != 34 || !errors.Is(bad[1], ErrNoOCID) {
		for _, b := range bad {
			t.Log(b)
		}
		t.Fatalf("bad lines = %v", bad)
	}
	if !strings.HasPrefix(bad[0].Error(), "line 23: invalid JSON") {
		t.Errorf("error = %q", bad[0].Error())
	}
}

func TestReadFactsReadError(t *testing.T) {
	r := iotest.TimeoutReader(strings.NewReader(`{"ocid":"a"}` + "\n" + strings.Repeat(" ", 2<<20)))
	if _, err := ReadFacts(r, DefaultSettings(), 1, nil); !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("err = %v, want the read error", err)
	}
}

// TestShardedStats checks that summing the facts in shards gives the same
// statistics as one pass.
func TestShardedStats(t *testing.T) {
	s := DefaultSettings()
	s.R048.MinimumContractingProcesses = 2
	s.PZ3.MinimumContractingProcesses = 2
	facts, err := ReadFacts(strings.NewReader(string(synthetic(4000, 3))), s, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A supplier of one buyer, in processes that land in different shards.
	for i := range 3 {
		loyal := factsOf(t, s, rel{OCID: "loyal" + strconv.Itoa(i), Buyer: "B",
			Awards: []award{{Status: "active", Suppliers: []string{"LOYAL"}}}})
		facts = slices.Insert(facts, i*len(facts)/3, loyal[0])
	}
	one, _ := json.Marshal(computeStats(facts, s, 1))
	for _, n := range []int{2, 7} {
		many, _ := json.Marshal(computeStats(facts, s, n))
		if string(many) != string(one) {
			t.Errorf("%d shards differ from one:\n%s\n%s", n, many, one)
		}
	}
	for _, key := range []string{`"R048"`, `"PZ3"`, `"R038"`, `"R025"`} {
		if !strings.Contains(string(one), key) {
			t.Errorf("the statistics have no %s: the comparison does not cover it", key)
		}
	}
}
