package jsonpatch_test

import (
	"encoding/json"
	"fmt"

	"github.com/prozorro-go/prozorro/tender/jsonpatch"
)

func Example() {
	oldDoc := []byte(`{"status":"active","value":{"amount":1500.50,"currency":"UAH"},"bids":[{"id":"b1"}]}`)
	newDoc := []byte(`{"status":"complete","value":{"amount":1499.99,"currency":"UAH"},"bids":[]}`)

	// A revision stores the patch from the new document back to the old one.
	reverse, err := jsonpatch.Diff(newDoc, oldDoc)
	if err != nil {
		panic(err)
	}
	stored, _ := json.Marshal(reverse)
	fmt.Println(string(stored))

	rebuilt, err := jsonpatch.Apply(newDoc, reverse)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(rebuilt))
	// Output:
	// [{"op":"add","path":"/bids/0","value":{"id":"b1"}},{"op":"replace","path":"/status","value":"active"},{"op":"replace","path":"/value/amount","value":1500.50}]
	// {"bids":[{"id":"b1"}],"status":"active","value":{"amount":1500.50,"currency":"UAH"}}
}
