package jsonpatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// decodeForTest decodes a document with UseNumber for comparisons.
func decodeForTest(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return v
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(decodeForTest(t, a), decodeForTest(t, b))
}

// checkRoundTrip verifies Apply(a, Diff(a, b)) == b, including after the
// operations went through a JSON encode/decode cycle (as stored revisions do).
func checkRoundTrip(t testing.TB, a, b string) []Operation {
	t.Helper()
	ops, err := Diff([]byte(a), []byte(b))
	if err != nil {
		t.Fatalf("Diff(%s, %s): %v", a, b, err)
	}
	got, err := Apply([]byte(a), ops)
	if err != nil {
		t.Fatalf("Apply(%s, %+v): %v", a, opsString(ops), err)
	}
	if !jsonEqual(t, got, []byte(b)) {
		t.Fatalf("Apply(a, Diff(a, b)) mismatch\n a:   %s\n b:   %s\n ops: %s\n got: %s", a, b, opsString(ops), got)
	}
	enc, err := json.Marshal(ops)
	if err != nil {
		t.Fatalf("marshal ops: %v", err)
	}
	var ops2 []Operation
	if err := json.Unmarshal(enc, &ops2); err != nil {
		t.Fatalf("unmarshal ops: %v", err)
	}
	got2, err := Apply([]byte(a), ops2)
	if err != nil {
		t.Fatalf("Apply with re-decoded ops %s: %v", enc, err)
	}
	if !bytes.Equal(got, got2) {
		t.Fatalf("re-decoded ops give %s, want %s", got2, got)
	}
	return ops
}

func opsString(ops []Operation) string {
	b, err := json.Marshal(ops)
	if err != nil {
		return fmt.Sprintf("%+v", ops)
	}
	return string(b)
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string // expected ops as JSON
	}{
		{"equal scalars", `1`, `1`, `[]`},
		{"equal objects", `{"a":1,"b":[1,2]}`, `{"b":[1,2],"a":1}`, `[]`},
		{"root scalar replace", `1`, `"x"`, `[{"op":"replace","path":"","value":"x"}]`},
		{"root null to object", `null`, `{}`, `[{"op":"replace","path":"","value":{}}]`},
		{"root object to null", `{}`, `null`, `[{"op":"replace","path":"","value":null}]`},
		{"empty object to array", `{}`, `[]`, `[{"op":"replace","path":"","value":[]}]`},
		{"empty arrays", `[]`, `[]`, `[]`},
		{
			"object add remove replace sorted",
			`{"c":1,"a":"x","d":true}`,
			`{"b":2,"a":"y","d":true}`,
			`[{"op":"replace","path":"/a","value":"y"},{"op":"add","path":"/b","value":2},{"op":"remove","path":"/c"}]`,
		},
		{
			"nested objects",
			`{"tender":{"value":{"amount":100,"currency":"UAH"},"status":"active"}}`,
			`{"tender":{"value":{"amount":200,"currency":"UAH"},"status":"active"}}`,
			`[{"op":"replace","path":"/tender/value/amount","value":200}]`,
		},
		{
			"array grows",
			`{"a":[1,2]}`,
			`{"a":[1,2,3,{"x":1}]}`,
			`[{"op":"add","path":"/a/2","value":3},{"op":"add","path":"/a/3","value":{"x":1}}]`,
		},
		{
			"array shrinks from the end",
			`{"a":[1,2,3,4]}`,
			`{"a":[1]}`,
			`[{"op":"remove","path":"/a/3"},{"op":"remove","path":"/a/2"},{"op":"remove","path":"/a/1"}]`,
		},
		{
			"array shrinks and changes",
			`[{"id":"a","v":1},{"id":"b"},{"id":"c"}]`,
			`[{"id":"a","v":2}]`,
			`[{"op":"replace","path":"/0/v","value":2},{"op":"remove","path":"/2"},{"op":"remove","path":"/1"}]`,
		},
		{
			"array to empty",
			`{"a":[1,2]}`,
			`{"a":[]}`,
			`[{"op":"remove","path":"/a/1"},{"op":"remove","path":"/a/0"}]`,
		},
		{
			"nested arrays",
			`{"a":[[1,2],[3]]}`,
			`{"a":[[1],[3,4],[]]}`,
			`[{"op":"remove","path":"/a/0/1"},{"op":"add","path":"/a/1/1","value":4},{"op":"add","path":"/a/2","value":[]}]`,
		},
		{
			"type changes",
			`{"a":1,"b":"1","c":[1],"d":{"x":1},"e":null,"f":true}`,
			`{"a":"1","b":1,"c":{"0":1},"d":[1],"e":false,"f":null}`,
			`[{"op":"replace","path":"/a","value":"1"},{"op":"replace","path":"/b","value":1},{"op":"replace","path":"/c","value":{"0":1}},{"op":"replace","path":"/d","value":[1]},{"op":"replace","path":"/e","value":false},{"op":"replace","path":"/f","value":null}]`,
		},
		{
			"replace to null keeps value",
			`{"a":"x"}`,
			`{"a":null}`,
			`[{"op":"replace","path":"/a","value":null}]`,
		},
		{
			"add null keeps value",
			`{}`,
			`{"a":null}`,
			`[{"op":"add","path":"/a","value":null}]`,
		},
		{
			"escaping",
			`{"a/b":1,"m~n":2,"~/":{"x":1}}`,
			`{"a/b":2,"m~n":3,"~/":{"x":2},"/":0,"~":0,"":0}`,
			`[{"op":"add","path":"/","value":0},{"op":"add","path":"/~1","value":0},{"op":"replace","path":"/a~1b","value":2},{"op":"replace","path":"/m~0n","value":3},{"op":"add","path":"/~0","value":0},{"op":"replace","path":"/~0~1/x","value":2}]`,
		},
		{
			"money preserved",
			`{"value":{"amount":1500.50}}`,
			`{"value":{"amount":1500.500}}`,
			`[{"op":"replace","path":"/value/amount","value":1500.500}]`,
		},
		{
			"numbers compared literally",
			`[1, 1.0, 1e2, 12345678901234567890.12345678901234567890]`,
			`[1.0, 1.0, 100, 12345678901234567890.12345678901234567890]`,
			`[{"op":"replace","path":"/0","value":1.0},{"op":"replace","path":"/2","value":100}]`,
		},
		{
			"html characters not escaped",
			`{"a":"x"}`,
			`{"a":"<b>&amp;</b>"}`,
			`[{"op":"replace","path":"/a","value":"<b>&amp;</b>"}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := checkRoundTrip(t, tt.a, tt.b)
			// Encode without HTML escaping so that values appear as
			// produced by Diff (json.Marshal would escape <, > and &).
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(ops); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(buf.String(), "\n"); got != tt.want {
				t.Errorf("Diff(%s, %s)\n got: %s\nwant: %s", tt.a, tt.b, got, tt.want)
			}
			// The reverse direction must round-trip as well.
			checkRoundTrip(t, tt.b, tt.a)
		})
	}
}

func TestDiffDeterministic(t *testing.T) {
	a := `{"z":1,"y":2,"x":3,"w":{"b":1,"a":2},"v":[1,2,3]}`
	b := `{"a":1,"b":2,"c":3,"w":{"c":1,"d":2},"v":[3]}`
	first, err := Diff([]byte(a), []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		ops, err := Diff([]byte(a), []byte(b))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ops, first) {
			t.Fatalf("non-deterministic output: %s vs %s", opsString(ops), opsString(first))
		}
	}
}

func TestDiffEncodingOfValue(t *testing.T) {
	ops, err := Diff([]byte(`{"a":1,"b":2}`), []byte(`{"a":null}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"replace","path":"/a","value":null},{"op":"remove","path":"/b"}]`
	if string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	for _, op := range ops {
		if op.Op == "remove" && op.Value != nil {
			t.Errorf("remove operation has a value: %s", op.Value)
		}
		if op.Op != "remove" && op.Value == nil {
			t.Errorf("%s operation has no value", op.Op)
		}
	}
	var back []Operation
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if string(back[0].Value) != "null" {
		t.Errorf("decoded null value = %q, want \"null\"", back[0].Value)
	}
}

func TestMoneyPreservedExactly(t *testing.T) {
	oldDoc := `{"value":{"amount":1500.50,"currency":"UAH","valueAddedTaxIncluded":true},"bids":[{"value":{"amount":0.10}}],"minimalStep":{"amount":1.000}}`
	newDoc := `{"value":{"amount":99999999999999999999.99,"currency":"UAH","valueAddedTaxIncluded":true},"bids":[{"value":{"amount":0.1}},{"value":{"amount":1E+3}}],"minimalStep":{"amount":1.000}}`

	// Reverse patch: from the new document back to the old one.
	ops, err := Diff([]byte(newDoc), []byte(oldDoc))
	if err != nil {
		t.Fatal(err)
	}
	rebuilt, err := Apply([]byte(newDoc), ops)
	if err != nil {
		t.Fatal(err)
	}
	for _, lit := range []string{`"amount":1500.50`, `"amount":0.10`, `"amount":1.000`} {
		if !strings.Contains(string(rebuilt), lit) {
			t.Errorf("rebuilt document %s lacks %s", rebuilt, lit)
		}
	}
	forward, err := Diff([]byte(oldDoc), []byte(newDoc))
	if err != nil {
		t.Fatal(err)
	}
	next, err := Apply(rebuilt, forward)
	if err != nil {
		t.Fatal(err)
	}
	for _, lit := range []string{`"amount":99999999999999999999.99`, `"amount":0.1}`, `"amount":1E+3`} {
		if !strings.Contains(string(next), lit) {
			t.Errorf("document %s lacks %s", next, lit)
		}
	}
	// Applying an empty patch re-encodes numbers verbatim.
	out, err := Apply([]byte(`[1500.50, -0.0, 1e-7, 123456789012345678901234567890]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[1500.50,-0.0,1e-7,123456789012345678901234567890]`; string(out) != want {
		t.Errorf("Apply = %s, want %s", out, want)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		ops  string
		want string
	}{
		{"no ops", `{"b":1,"a":2}`, `[]`, `{"a":2,"b":1}`},
		{"add member", `{"a":1}`, `[{"op":"add","path":"/b","value":[1]}]`, `{"a":1,"b":[1]}`},
		{"add replaces member", `{"a":1}`, `[{"op":"add","path":"/a","value":2}]`, `{"a":2}`},
		{"add array insert", `[1,3]`, `[{"op":"add","path":"/1","value":2}]`, `[1,2,3]`},
		{"add array end index", `[1]`, `[{"op":"add","path":"/1","value":2}]`, `[1,2]`},
		{"add array dash", `{"a":[1]}`, `[{"op":"add","path":"/a/-","value":2}]`, `{"a":[1,2]}`},
		{"add root", `{"a":1}`, `[{"op":"add","path":"","value":[true]}]`, `[true]`},
		{"add null", `{}`, `[{"op":"add","path":"/a","value":null}]`, `{"a":null}`},
		{"remove member", `{"a":1,"b":2}`, `[{"op":"remove","path":"/a"}]`, `{"b":2}`},
		{"remove array element", `[1,2,3]`, `[{"op":"remove","path":"/1"}]`, `[1,3]`},
		{"replace member", `{"a":{"b":1}}`, `[{"op":"replace","path":"/a/b","value":"x"}]`, `{"a":{"b":"x"}}`},
		{"replace root", `1`, `[{"op":"replace","path":"","value":{"a":1}}]`, `{"a":1}`},
		{"replace with null", `{"a":1}`, `[{"op":"replace","path":"/a","value":null}]`, `{"a":null}`},
		{"move member", `{"a":{"b":1},"c":{}}`, `[{"op":"move","from":"/a/b","path":"/c/d"}]`, `{"a":{},"c":{"d":1}}`},
		{"move array element", `[1,2,3,4]`, `[{"op":"move","from":"/1","path":"/3"}]`, `[1,3,4,2]`},
		{"move to same place", `{"a":1}`, `[{"op":"move","from":"/a","path":"/a"}]`, `{"a":1}`},
		{"copy member", `{"a":{"b":[1]}}`, `[{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}]`, `{"a":{"b":[1]},"c":{"b":[1,2]}}`},
		{"test passes", `{"a":[1,{"b":"x"}]}`, `[{"op":"test","path":"/a","value":[1,{"b":"x"}]}]`, `{"a":[1,{"b":"x"}]}`},
		{"test null", `{"a":null}`, `[{"op":"test","path":"/a","value":null}]`, `{"a":null}`},
		{"escaped keys", `{"a/b":{"c~d":1}}`, `[{"op":"replace","path":"/a~1b/c~0d","value":2}]`, `{"a/b":{"c~d":2}}`},
		{"~01 is ~1 not /", `{"~1":1,"/":2}`, `[{"op":"remove","path":"/~01"}]`, `{"/":2}`},
		{"empty key", `{"":1}`, `[{"op":"replace","path":"/","value":2}]`, `{"":2}`},
		{"money value", `{"amount":1}`, `[{"op":"replace","path":"/amount","value":1500.50}]`, `{"amount":1500.50}`},
		{"whitespace in value", `{}`, `[{"op":"add","path":"/a","value":{ "x" : [ 1 , 2 ] }}]`, `{"a":{"x":[1,2]}}`},
		{"sequence", `{"items":[{"id":1},{"id":2}]}`, `[{"op":"remove","path":"/items/0"},{"op":"add","path":"/items/-","value":{"id":3}},{"op":"replace","path":"/items/0/id","value":20}]`, `{"items":[{"id":20},{"id":3}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ops []Operation
			if err := json.Unmarshal([]byte(tt.ops), &ops); err != nil {
				t.Fatal(err)
			}
			got, err := Apply([]byte(tt.doc), ops)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Apply(%s, %s) = %s, want %s", tt.doc, tt.ops, got, tt.want)
			}
		})
	}
}

func TestApplyDoesNotAliasOps(t *testing.T) {
	doc := []byte(`{"a":[1,2]}`)
	ops := []Operation{{Op: "add", Path: "/b", Value: json.RawMessage(`{"x":1}`)}}
	if _, err := Apply(doc, ops); err != nil {
		t.Fatal(err)
	}
	if string(doc) != `{"a":[1,2]}` || string(ops[0].Value) != `{"x":1}` {
		t.Fatal("Apply modified its inputs")
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		ops  []Operation
	}{
		{"invalid document", `{"a":`, nil},
		{"empty document", ``, nil},
		{"trailing data", `{} {}`, nil},
		{"unknown op", `{}`, []Operation{{Op: "merge", Path: "/a", Value: json.RawMessage(`1`)}}},
		{"empty op", `{}`, []Operation{{Path: "/a"}}},
		{"pointer without slash", `{"a":1}`, []Operation{{Op: "remove", Path: "a"}}},
		{"bad escape", `{"a":1}`, []Operation{{Op: "remove", Path: "/a~2"}}},
		{"trailing tilde", `{"a~":1}`, []Operation{{Op: "remove", Path: "/a~"}}},
		{"remove missing member", `{"a":1}`, []Operation{{Op: "remove", Path: "/b"}}},
		{"remove missing parent", `{"a":1}`, []Operation{{Op: "remove", Path: "/b/c"}}},
		{"remove root", `{"a":1}`, []Operation{{Op: "remove", Path: ""}}},
		{"remove through scalar", `{"a":1}`, []Operation{{Op: "remove", Path: "/a/b"}}},
		{"replace missing member", `{"a":1}`, []Operation{{Op: "replace", Path: "/b", Value: json.RawMessage(`1`)}}},
		{"add missing parent", `{}`, []Operation{{Op: "add", Path: "/a/b", Value: json.RawMessage(`1`)}}},
		{"add into scalar", `{"a":"s"}`, []Operation{{Op: "add", Path: "/a/b", Value: json.RawMessage(`1`)}}},
		{"add without value", `{}`, []Operation{{Op: "add", Path: "/a"}}},
		{"replace without value", `{"a":1}`, []Operation{{Op: "replace", Path: "/a"}}},
		{"test without value", `{"a":1}`, []Operation{{Op: "test", Path: "/a"}}},
		{"invalid value", `{}`, []Operation{{Op: "add", Path: "/a", Value: json.RawMessage(`{`)}}},
		{"index out of range add", `[1]`, []Operation{{Op: "add", Path: "/2", Value: json.RawMessage(`1`)}}},
		{"index out of range remove", `[1]`, []Operation{{Op: "remove", Path: "/1"}}},
		{"index out of range replace", `[]`, []Operation{{Op: "replace", Path: "/0", Value: json.RawMessage(`1`)}}},
		{"index out of range nested", `[[1]]`, []Operation{{Op: "remove", Path: "/1/0"}}},
		{"negative index", `[1]`, []Operation{{Op: "remove", Path: "/-1"}}},
		{"leading zero index", `[1,2]`, []Operation{{Op: "remove", Path: "/01"}}},
		{"non-numeric index", `[1]`, []Operation{{Op: "remove", Path: "/x"}}},
		{"dash on remove", `[1]`, []Operation{{Op: "remove", Path: "/-"}}},
		{"huge index", `[1]`, []Operation{{Op: "remove", Path: "/99999999999999999999999"}}},
		{"test fails", `{"a":1}`, []Operation{{Op: "test", Path: "/a", Value: json.RawMessage(`2`)}}},
		{"test number literal differs", `{"a":1.0}`, []Operation{{Op: "test", Path: "/a", Value: json.RawMessage(`1`)}}},
		{"test type differs", `{"a":1}`, []Operation{{Op: "test", Path: "/a", Value: json.RawMessage(`"1"`)}}},
		{"test missing", `{"a":1}`, []Operation{{Op: "test", Path: "/b", Value: json.RawMessage(`1`)}}},
		{"move missing from", `{"a":1}`, []Operation{{Op: "move", From: "/b", Path: "/c"}}},
		{"move into child", `{"a":{"b":{}}}`, []Operation{{Op: "move", From: "/a", Path: "/a/b/c"}}},
		{"move bad from", `{"a":1}`, []Operation{{Op: "move", From: "a", Path: "/c"}}},
		{"copy missing from", `{"a":1}`, []Operation{{Op: "copy", From: "/b", Path: "/c"}}},
		{"copy to missing parent", `{"a":1}`, []Operation{{Op: "copy", From: "/a", Path: "/x/y"}}},
		{"failure after success", `{"a":1}`, []Operation{{Op: "remove", Path: "/a"}, {Op: "remove", Path: "/a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply([]byte(tt.doc), tt.ops)
			if err == nil {
				t.Fatalf("Apply(%s, %s) = %s, want error", tt.doc, opsString(tt.ops), got)
			}
			if got != nil {
				t.Errorf("Apply returned document %s together with error %v", got, err)
			}
			if !strings.HasPrefix(err.Error(), "jsonpatch: ") {
				t.Errorf("error %q lacks package prefix", err)
			}
		})
	}
}

func TestDiffErrors(t *testing.T) {
	valid := `{"a":1}`
	for _, bad := range []string{``, ` `, `{`, `{"a":1}}`, `[1,]`, `nul`, `1 2`, `{"a":01}`, "\"\x00\""} {
		if ops, err := Diff([]byte(bad), []byte(valid)); err == nil {
			t.Errorf("Diff(%q, valid) = %v, want error", bad, ops)
		}
		if ops, err := Diff([]byte(valid), []byte(bad)); err == nil {
			t.Errorf("Diff(valid, %q) = %v, want error", bad, ops)
		}
	}
}

func TestParsePointer(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"", nil, true},
		{"/", []string{""}, true},
		{"/a/b", []string{"a", "b"}, true},
		{"/a~1b/~0", []string{"a/b", "~"}, true},
		{"/~01", []string{"~1"}, true},
		{"//", []string{"", ""}, true},
		{"a", nil, false},
		{"/~", nil, false},
		{"/~x", nil, false},
	}
	for _, tt := range tests {
		got, err := parsePointer(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parsePointer(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePointer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, key := range []string{"", "a", "a/b", "~", "~1", "/~/", "~0~1"} {
		got, err := parsePointer("/" + escapeToken(key))
		if err != nil || len(got) != 1 || got[0] != key {
			t.Errorf("escape round trip of %q: got %q, %v", key, got, err)
		}
	}
}

// --- property test ---------------------------------------------------------

var (
	randKeys    = []string{"id", "status", "value", "amount", "items", "a/b", "m~n", "~1", "", "title", "lots", "x"}
	randNumbers = []string{"0", "1", "-1", "1500.50", "1500.5", "0.10", "1e3", "1E+3", "-0.0", "12345678901234567890.123456789", "3.14159"}
	randStrings = []string{"", "active", "UAH", "<tag>&", "ÜнІкОд", "line\nbreak", `quote"s`, "slash/tilde~"}
)

func randValue(r *rand.Rand, depth int) any {
	k := r.Intn(10)
	if depth <= 0 {
		k = r.Intn(5)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return r.Intn(2) == 0
	case 2:
		return json.Number(randNumbers[r.Intn(len(randNumbers))])
	case 3, 4:
		return randStrings[r.Intn(len(randStrings))]
	case 5, 6, 7:
		m := map[string]any{}
		for range r.Intn(5) {
			m[randKeys[r.Intn(len(randKeys))]] = randValue(r, depth-1)
		}
		return m
	default:
		s := make([]any, r.Intn(5))
		for i := range s {
			s[i] = randValue(r, depth-1)
		}
		return s
	}
}

// mutate returns a modified deep copy of v, so that random pairs share
// structure like successive revisions of a document do.
func mutate(r *rand.Rand, v any, depth int) any {
	if r.Intn(8) == 0 {
		return randValue(r, depth)
	}
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			switch r.Intn(6) {
			case 0: // drop the key
			case 1:
				m[k] = mutate(r, x, depth-1)
			default:
				m[k] = deepCopy(x)
			}
		}
		if r.Intn(3) == 0 {
			m[randKeys[r.Intn(len(randKeys))]] = randValue(r, depth-1)
		}
		return m
	case []any:
		var s []any
		for _, x := range t {
			switch r.Intn(6) {
			case 0: // drop the element
			case 1:
				s = append(s, mutate(r, x, depth-1))
			default:
				s = append(s, deepCopy(x))
			}
		}
		for range r.Intn(3) {
			s = append(s, randValue(r, depth-1))
		}
		if s == nil {
			s = []any{}
		}
		return s
	default:
		return v
	}
}

func TestDiffApplyRandom(t *testing.T) {
	r := rand.New(rand.NewSource(20240601))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		va := randValue(r, 5)
		var vb any
		if i%4 == 0 {
			vb = randValue(r, 5)
		} else {
			vb = mutate(r, va, 5)
		}
		a, err := encode(va)
		if err != nil {
			t.Fatal(err)
		}
		b, err := encode(vb)
		if err != nil {
			t.Fatal(err)
		}
		checkPair(t, a, b)
		checkPair(t, b, a)
	}
}

func checkPair(t *testing.T, a, b []byte) {
	t.Helper()
	ops, err := Diff(a, b)
	if err != nil {
		t.Fatalf("Diff(%s, %s): %v", a, b, err)
	}
	got, err := Apply(a, ops)
	if err != nil {
		t.Fatalf("Apply(%s, %s): %v", a, opsString(ops), err)
	}
	if !jsonEqual(t, got, b) {
		t.Fatalf("Apply(a, Diff(a, b)) != b\n a:   %s\n b:   %s\n ops: %s\n got: %s", a, b, opsString(ops), got)
	}
	if bytes.Equal(a, b) && len(ops) != 0 {
		t.Fatalf("Diff of equal documents %s returned %s", a, opsString(ops))
	}
}

// --- fuzz test -------------------------------------------------------------

func FuzzDiffApply(f *testing.F) {
	seeds := [][2]string{
		{`{}`, `{}`},
		{`null`, `[]`},
		{`{"a":1500.50}`, `{"a":1500.5}`},
		{`{"a":[1,2,3]}`, `{"a":[1]}`},
		{`[[1],[2,3]]`, `[[1,2],{"x":null}]`},
		{`{"a/b":{"~":1}}`, `{"a/b":{"~":[true]}}`},
		{`{"a":1}`, `[{"op":"remove","path":"/a"}]`},
		{`[1,2]`, `[{"op":"move","from":"/0","path":"/-"},{"op":"test","path":"/1","value":1}]`},
		{`{"a":{"b":1}}`, `[{"op":"copy","from":"/a","path":"/a/c"}]`},
		{`{`, `}`},
		{``, `1`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ops, err := Diff(a, b)
		if err != nil {
			if json.Valid(a) && json.Valid(b) {
				t.Fatalf("Diff failed on valid documents %q, %q: %v", a, b, err)
			}
		} else {
			got, err := Apply(a, ops)
			if err != nil {
				t.Fatalf("Apply(%q, Diff) failed: %v (ops %s)", a, err, opsString(ops))
			}
			if !jsonEqual(t, got, b) {
				t.Fatalf("round trip mismatch: a=%q b=%q got=%s ops=%s", a, b, got, opsString(ops))
			}
		}
		// Arbitrary patches against arbitrary documents must never panic.
		var fuzzOps []Operation
		if json.Unmarshal(b, &fuzzOps) == nil {
			_, _ = Apply(a, fuzzOps)
		}
		_, _ = Apply(a, []Operation{
			{Op: "add", Path: string(b), Value: json.RawMessage(`1`)},
			{Op: "move", From: string(b), Path: "/x"},
			{Op: "copy", From: "/x", Path: string(b)},
			{Op: "test", Path: string(b), Value: b},
			{Op: "replace", Path: string(b), Value: b},
			{Op: "remove", Path: string(b)},
		})
	})
}

// --- benchmark -------------------------------------------------------------

// tenderDocument builds a realistic tender of roughly 20 KB. The revision
// argument changes a few fields the way a typical update does.
func tenderDocument(tb testing.TB, revision int) []byte {
	tb.Helper()
	amount := func(v string) map[string]any {
		return map[string]any{"amount": json.Number(v), "currency": "UAH", "valueAddedTaxIncluded": true}
	}
	document := func(i int) map[string]any {
		return map[string]any{
			"id":            fmt.Sprintf("d%031x", i),
			"title":         fmt.Sprintf("Технічна специфікація %d.pdf", i),
			"format":        "application/pdf",
			"url":           fmt.Sprintf("https://public-docs.prozorro.gov.ua/get/%032x?Signature=abc&KeyID=52462340", i),
			"hash":          fmt.Sprintf("md5:%032x", i*7919),
			"documentType":  "technicalSpecifications",
			"datePublished": "2024-05-01T10:00:00+03:00",
			"dateModified":  "2024-05-01T10:00:00+03:00",
			"author":        "tender_owner",
		}
	}
	var items, lots, bids, docs []any
	for i := range 6 {
		lots = append(lots, map[string]any{
			"id":          fmt.Sprintf("l%031x", i),
			"title":       fmt.Sprintf("Лот %d: постачання обладнання", i+1),
			"status":      "active",
			"value":       amount(fmt.Sprintf("%d500.50", i+1)),
			"minimalStep": amount("15.05"),
			"date":        "2024-05-01T10:00:00+03:00",
		})
		items = append(items, map[string]any{
			"id":             fmt.Sprintf("i%031x", i),
			"description":    fmt.Sprintf("Комп'ютерне обладнання, позиція %d", i+1),
			"relatedLot":     fmt.Sprintf("l%031x", i),
			"quantity":       json.Number(strconv.Itoa(10 + i)),
			"classification": map[string]any{"scheme": "ДК021", "id": "30230000-0", "description": "Комп'ютерне обладнання"},
			"unit":           map[string]any{"code": "H87", "name": "штука", "value": amount("150.00")},
			"deliveryDate":   map[string]any{"startDate": "2024-06-01T00:00:00+03:00", "endDate": "2024-07-01T00:00:00+03:00"},
			"deliveryAddress": map[string]any{
				"countryName": "Україна", "region": "м. Київ", "locality": "Київ",
				"streetAddress": "вул. Хрещатик, 1", "postalCode": "01001",
			},
		})
	}
	for i := range 11 {
		docs = append(docs, document(i))
	}
	for i := range 6 {
		var lotValues []any
		for j := range 3 {
			lotValues = append(lotValues, map[string]any{
				"relatedLot": fmt.Sprintf("l%031x", j),
				"value":      amount(fmt.Sprintf("%d%d00.25", j+1, i)),
				"date":       "2024-05-10T12:00:00+03:00",
			})
		}
		bids = append(bids, map[string]any{
			"id":     fmt.Sprintf("b%031x", i),
			"status": "active",
			"date":   "2024-05-10T12:00:00+03:00",
			"tenderers": []any{map[string]any{
				"name":       fmt.Sprintf("ТОВ \"Постачальник %d\"", i),
				"identifier": map[string]any{"scheme": "UA-EDR", "id": fmt.Sprintf("%08d", 30000000+i)},
				"contactPoint": map[string]any{
					"name": "Іван Петренко", "email": "bidder@example.com", "telephone": "+380441234567",
				},
			}},
			"lotValues": lotValues,
			"documents": []any{document(100 + i)},
		})
	}
	doc := map[string]any{
		"id":                    "f2f4cfb2c5e34b0e8d4f4e0b6f1b6a52",
		"tenderID":              "UA-2024-05-01-000001-a",
		"title":                 "Закупівля комп'ютерного обладнання",
		"procurementMethod":     "open",
		"procurementMethodType": "aboveThresholdUA",
		"status":                "active.tendering",
		"dateModified":          "2024-05-01T10:00:00+03:00",
		"value":                 amount("21003.00"),
		"minimalStep":           amount("210.03"),
		"procuringEntity": map[string]any{
			"name": "Міністерство закупівель", "kind": "general",
			"identifier": map[string]any{"scheme": "UA-EDR", "id": "00000000", "legalName": "Міністерство закупівель"},
		},
		"tenderPeriod": map[string]any{"startDate": "2024-05-01T10:00:00+03:00", "endDate": "2024-05-20T10:00:00+03:00"},
		"items":        items,
		"lots":         lots,
		"documents":    docs,
		"bids":         bids,
	}
	if revision > 0 {
		doc["status"] = "active.qualification"
		doc["dateModified"] = "2024-05-21T10:00:00+03:00"
		doc["value"] = amount("21003.50")
		lots[2].(map[string]any)["status"] = "cancelled"
		doc["documents"] = append(docs[:10:10], document(200), document(201))
		doc["bids"] = append(bids[:5:5], map[string]any{"id": "new", "status": "draft"})
		doc["awards"] = []any{map[string]any{"id": "a1", "bid_id": "b1", "status": "pending", "value": amount("1100.25")}}
	}
	out, err := encode(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestTenderDocumentRoundTrip(t *testing.T) {
	oldDoc, newDoc := tenderDocument(t, 0), tenderDocument(t, 1)
	if n := len(oldDoc); n < 18000 || n > 26000 {
		t.Errorf("tender document is %d bytes, want about 20 KB", n)
	}
	// Revision as stored by the service: patch from new back to old.
	ops, err := Diff(newDoc, oldDoc)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	var loaded []Operation
	if err := json.Unmarshal(stored, &loaded); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := Apply(newDoc, loaded)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rebuilt, oldDoc) {
		t.Fatalf("rebuilt old version differs:\n got: %s\nwant: %s", rebuilt, oldDoc)
	}
}

func BenchmarkDiff(b *testing.B) {
	oldDoc, newDoc := tenderDocument(b, 0), tenderDocument(b, 1)
	b.SetBytes(int64(len(newDoc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Diff(newDoc, oldDoc); err != nil {
			b.Fatal(err)
		}
	}
}
