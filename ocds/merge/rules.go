package merge

import (
	"encoding/json"
	"fmt"
	"strings"
)

// kind is the merge rule the schema gives a field.
type kind uint8

const (
	// byStructure: no rule from the schema; objects merge field by field,
	// arrays of objects merge by identifier, everything else is a literal.
	byStructure kind = iota
	// omit: the field is dropped ("omitWhenMerged": true; OCDS 1.0
	// "mergeStrategy": "ocdsOmit").
	omit
	// replace: the array is one value ("wholeListMerge": true; OCDS 1.0
	// "mergeStrategy": "ocdsVersion"; arrays of non-objects; arrays of
	// objects without an id property).
	replace
)

// Strategy overrides identifier merge for one array path, for publishers whose
// ids are not unique.
type Strategy uint8

const (
	// IdentifierMerge is the standard strategy: objects match on id.
	IdentifierMerge Strategy = iota
	// Append adds every object of every release as a new entry.
	Append
	// MergeByPosition matches objects on their index in the array.
	MergeByPosition
)

// rule is one node of the rule tree. Paths are field names only: an array's
// items share the array's node, as in the schema.
type rule struct {
	kind     kind
	strategy Strategy
	children map[string]*rule
}

func (r *rule) child(key string) *rule {
	if r == nil {
		return nil
	}
	return r.children[key]
}

func (r *rule) ensure(key string) *rule {
	if r.children == nil {
		r.children = make(map[string]*rule)
	}
	c := r.children[key]
	if c == nil {
		c = &rule{}
		r.children[key] = c
	}
	return c
}

// rulesFromSchema builds the rule tree from a release schema, resolving local
// "$ref"s (#/definitions/...) as it goes.
func rulesFromSchema(schema []byte) (*rule, error) {
	var root map[string]any
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, fmt.Errorf("merge: reading schema: %w", err)
	}
	b := builder{root: root}
	top := &rule{}
	resolved, _ := b.resolve(root, nil)
	props, _ := resolved["properties"].(map[string]any)
	if props == nil {
		return nil, fmt.Errorf("merge: schema has no properties")
	}
	if err := b.properties(top, props, nil); err != nil {
		return nil, err
	}
	return top, nil
}

type builder struct {
	root map[string]any
}

// resolve follows "$ref" until it reaches a schema without one. seen holds the
// references already followed on the current path, to stop on cycles.
func (b *builder) resolve(s map[string]any, seen []string) (map[string]any, []string) {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s, seen
		}
		for _, r := range seen {
			if r == ref {
				return nil, seen
			}
		}
		seen = append(append([]string(nil), seen...), ref)
		target := b.pointer(ref)
		if target == nil {
			return s, seen
		}
		s = target
	}
}

func (b *builder) pointer(ref string) map[string]any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	var cur any = b.root
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

func (b *builder) properties(r *rule, props map[string]any, seen []string) error {
	for name, raw := range props {
		sub, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		sub, refs := b.resolve(sub, seen)
		if sub == nil {
			continue // a cycle: the field has no rules of its own
		}
		if err := b.field(r, name, sub, refs); err != nil {
			return err
		}
	}
	return nil
}

// field applies the merging rules of OCDS 1.1 (docs/schema/merging.md) to
// one property, in the reference implementation's order of precedence.
func (b *builder) field(parent *rule, name string, s map[string]any, seen []string) error {
	types := typesOf(s)
	switch {
	case s["omitWhenMerged"] == true || s["mergeStrategy"] == "ocdsOmit":
		parent.ensure(name).kind = omit
	case types["array"] && (s["wholeListMerge"] == true || s["mergeStrategy"] == "ocdsVersion"):
		// wholeListMerge supersedes any rule nested inside.
		parent.ensure(name).kind = replace
	case types["object"] && s["properties"] != nil:
		props, _ := s["properties"].(map[string]any)
		return b.properties(parent.ensure(name), props, seen)
	case types["array"] && s["items"] != nil:
		items, _ := s["items"].(map[string]any)
		if items == nil {
			return nil
		}
		items, seen = b.resolve(items, seen)
		if items == nil {
			return nil
		}
		itemTypes := typesOf(items)
		for t := range itemTypes {
			if t != "object" {
				parent.ensure(name).kind = replace
				return nil
			}
		}
		props, _ := items["properties"].(map[string]any)
		if !itemTypes["object"] || props == nil {
			return nil
		}
		if _, ok := props["id"]; !ok {
			parent.ensure(name).kind = replace
			return nil
		}
		return b.properties(parent.ensure(name), props, seen)
	}
	return nil
}

func typesOf(s map[string]any) map[string]bool {
	switch t := s["type"].(type) {
	case string:
		return map[string]bool{t: true}
	case []any:
		m := make(map[string]bool, len(t))
		for _, e := range t {
			if str, ok := e.(string); ok {
				m[str] = true
			} else {
				m[""] = true
			}
		}
		return m
	}
	return nil
}
