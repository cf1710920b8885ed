// Package schemadata embeds the OCDS 1.1.5 release schema and the release
// schema patches of the extensions the service declares (bids, lots,
// enquiries), so the binary can build merge rules without ../shared.
//
// The files are Apache-2.0 data of the Open Contracting Partnership, copied
// verbatim (see NOTICE and LICENSE). ReleaseSchema applies the patches as
// JSON Merge Patches (RFC 7386), as OCDS prescribes. The record endpoints and
// the export call it once, to build an ocds/merge.Merger; validation in tests
// uses ocds/schema with the full shared schema directory instead.
package schemadata

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed release-schema.json extensions/*/release-schema.json
var files embed.FS

// Extensions are the embedded extension patches, in the order of
// ocds.Extensions (bids, lots, enquiries).
var Extensions = []string{"bids", "lots", "enquiries"}

// ReleaseSchema returns release-schema.json with every embedded extension's
// patch applied, as JSON.
func ReleaseSchema() ([]byte, error) {
	var schema any
	if err := read("release-schema.json", &schema); err != nil {
		return nil, err
	}
	for _, ext := range Extensions {
		var patch any
		if err := read("extensions/"+ext+"/release-schema.json", &patch); err != nil {
			return nil, err
		}
		schema = mergePatch(schema, patch)
	}
	return json.Marshal(schema)
}

func read(name string, dst any) error {
	data, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, dst); err != nil {
		return fmt.Errorf("schemadata: %s: %w", name, err)
	}
	return nil
}

// mergePatch applies patch to target by RFC 7386: objects merge member by
// member, null deletes, anything else replaces.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}
