package schema

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compiled is the schema set for one combination of extensions.
type compiled struct {
	docs      map[string]any // decoded schema documents; the release schema is patched
	schemas   map[string]*jsonschema.Schema
	codelists map[string]map[string]bool

	mu       sync.Mutex
	patterns map[string]*regexp.Regexp
}

// compile returns the schema set for the extension ids, building it once.
func (v *Validator) compile(ids []string) (*compiled, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	key := strings.Join(ids, ",")

	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.compiled[key]; ok {
		return c, nil
	}
	c := &compiled{
		docs:      map[string]any{},
		schemas:   map[string]*jsonschema.Schema{},
		codelists: maps.Clone(v.codelists),
		patterns:  map[string]*regexp.Regexp{},
	}
	for name, raw := range v.raw {
		doc, err := decode(raw)
		if err != nil {
			return nil, fmt.Errorf("ocds schema: %s: %w", name, err)
		}
		c.docs[name] = doc
	}
	for _, id := range ids {
		ext, ok := v.extensions[id]
		if !ok {
			return nil, fmt.Errorf("ocds schema: extension %q is not available locally", id)
		}
		if ext.patch != nil {
			patch, err := decode(ext.patch)
			if err != nil {
				return nil, fmt.Errorf("ocds schema: extension %s: %w", id, err)
			}
			c.docs[releaseSchema] = mergePatch(c.docs[releaseSchema], patch)
		}
		for name, codes := range ext.codelists {
			switch {
			case strings.HasPrefix(name, "+"):
				merged := maps.Clone(c.codelists[name[1:]])
				if merged == nil {
					merged = map[string]bool{}
				}
				maps.Copy(merged, codes)
				c.codelists[name[1:]] = merged
			case strings.HasPrefix(name, "-"):
				reduced := maps.Clone(c.codelists[name[1:]])
				for code := range codes {
					delete(reduced, code)
				}
				c.codelists[name[1:]] = reduced
			default:
				c.codelists[name] = codes
			}
		}
	}

	jc := jsonschema.NewCompiler()
	jc.DefaultDraft(jsonschema.Draft4)
	for name, doc := range c.docs {
		if err := jc.AddResource(BaseURL+name, doc); err != nil {
			return nil, fmt.Errorf("ocds schema: %s: %w", name, err)
		}
	}
	for _, name := range []string{releaseSchema, releasePackage, recordPackage} {
		s, err := jc.Compile(BaseURL + name)
		if err != nil {
			return nil, fmt.Errorf("ocds schema: compile %s with extensions [%s]: %w", name, key, err)
		}
		c.schemas[name] = s
	}
	v.compiled[key] = c
	return c, nil
}

// mergePatch applies patch to target as a JSON Merge Patch (RFC 7386) and
// returns the result. target may be modified.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, pv := range p {
		if pv == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], pv)
	}
	return t
}

func (c *compiled) pattern(expr string) *regexp.Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	re, ok := c.patterns[expr]
	if !ok {
		re, _ = regexp.Compile(expr) // nil on error: the JSON Schema compiler has vetted the patterns
		c.patterns[expr] = re
	}
	return re
}

// walker follows a schema document and an instance together, checking
// closed codelists and, if unknown is set, reporting undescribed fields.
type walker struct {
	c       *compiled
	unknown bool
	errs    []Error
}

// walk checks inst against the schema node of document doc.
func (w *walker) walk(doc, node, inst any, path []string) {
	for range 32 { // resolve $ref chains, with a bound against cycles
		n, ok := node.(map[string]any)
		if !ok {
			return
		}
		ref, ok := n["$ref"].(string)
		if !ok {
			break
		}
		doc, node = w.resolve(doc, ref)
		if node == nil {
			return
		}
	}
	n, ok := node.(map[string]any)
	if !ok {
		return
	}

	if file, ok := n["codelist"].(string); ok && n["openCodelist"] == false {
		w.codelist(file, inst, path)
	}
	for _, sub := range asSlice(n["allOf"]) {
		w.walk(doc, sub, inst, path)
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		if branches := asSlice(n[kw]); len(branches) > 0 {
			w.branch(doc, branches, inst, path)
		}
	}

	switch x := inst.(type) {
	case map[string]any:
		props, hasProps := n["properties"].(map[string]any)
		patterns, _ := n["patternProperties"].(map[string]any)
		additional, hasAdditional := n["additionalProperties"]
		for _, k := range slices.Sorted(maps.Keys(x)) {
			child := append(path[:len(path):len(path)], k)
			if s, ok := props[k]; ok {
				w.walk(doc, s, x[k], child)
				continue
			}
			matched := false
			for expr, s := range patterns {
				if re := w.c.pattern(expr); re != nil && re.MatchString(k) {
					w.walk(doc, s, x[k], child)
					matched = true
				}
			}
			switch {
			case matched:
			case hasAdditional && additional != false && additional != true:
				w.walk(doc, additional, x[k], child)
			case hasAdditional:
				// false: the JSON Schema reports it; true: allowed.
			case hasProps && w.unknown:
				w.errs = append(w.errs, Error{Path: pointer(child), Kind: KindUnknownField,
					Message: fmt.Sprintf("field %q is not in the schema or any declared extension", k)})
			}
		}
	case []any:
		switch items := n["items"].(type) {
		case map[string]any:
			for i, e := range x {
				w.walk(doc, items, e, append(path[:len(path):len(path)], strconv.Itoa(i)))
			}
		case []any:
			for i, e := range x {
				if i < len(items) {
					w.walk(doc, items[i], e, append(path[:len(path):len(path)], strconv.Itoa(i)))
				}
			}
		}
	}
}

// branch walks the oneOf/anyOf branch that fits inst best: the first with no
// findings, else the one with the fewest.
func (w *walker) branch(doc any, branches []any, inst any, path []string) {
	var best []Error
	for i, b := range branches {
		sub := walker{c: w.c, unknown: w.unknown}
		sub.walk(doc, b, inst, path)
		if i == 0 || len(sub.errs) < len(best) {
			best = sub.errs
		}
		if len(sub.errs) == 0 {
			break
		}
	}
	w.errs = append(w.errs, best...)
}

func (w *walker) codelist(file string, inst any, path []string) {
	codes, ok := w.c.codelists[file]
	check := func(v any, p []string) {
		s, isString := v.(string)
		if !isString {
			return // null or a wrong type, which the JSON Schema reports
		}
		if !ok {
			w.errs = append(w.errs, Error{Path: pointer(p), Kind: KindCodelist,
				Message: fmt.Sprintf("closed codelist %s is not available", file)})
			return
		}
		if !codes[s] {
			w.errs = append(w.errs, Error{Path: pointer(p), Kind: KindCodelist,
				Message: fmt.Sprintf("%q is not a code of the closed codelist %s", s, file)})
		}
	}
	if arr, isArr := inst.([]any); isArr {
		for i, e := range arr {
			check(e, append(path[:len(path):len(path)], strconv.Itoa(i)))
		}
		return
	}
	check(inst, path)
}

// resolve follows a $ref from document doc. References to the versioned
// release schema resolve to nil: the walker does not descend into it.
func (w *walker) resolve(doc any, ref string) (any, any) {
	file, frag, _ := strings.Cut(ref, "#")
	if file != "" {
		name := file[strings.LastIndex(file, "/")+1:]
		if name != releaseSchema && name != releasePackage && name != recordPackage {
			return nil, nil
		}
		doc = w.c.docs[name]
	}
	node := doc
	if frag == "" {
		return doc, node
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]any)
		if !ok {
			return nil, nil
		}
		node = m[tok]
	}
	return doc, node
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
