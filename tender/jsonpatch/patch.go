package jsonpatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Operation is a single RFC 6902 patch operation.
//
// Op is one of "add", "remove", "replace", "move", "copy" or "test". Path
// (and From for "move" and "copy") are RFC 6901 JSON pointers. Value holds
// the raw JSON value for "add", "replace" and "test"; it is nil for the
// other operations. A JSON null value is represented by the literal
// RawMessage("null"), so it is kept when the operation is encoded.
type Operation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	From  string          `json:"from,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Operation names.
const (
	opAdd     = "add"
	opRemove  = "remove"
	opReplace = "replace"
	opMove    = "move"
	opCopy    = "copy"
	opTest    = "test"
)

// decode parses a complete JSON document, keeping numbers as json.Number.
// Trailing data after the first value is an error.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty document")
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid data after top-level value")
	}
	return v, nil
}

// encode writes v as compact JSON without HTML escaping. Numbers are
// json.Number values and are written with their original literal text.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// equal reports whether two decoded JSON values are equal. Numbers are
// compared by their literal text.
func equal(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !equal(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case json.Number:
		bv, ok := b.(json.Number)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case nil:
		return b == nil
	default:
		return false
	}
}

// deepCopy returns a copy of a decoded JSON value that shares no maps or
// slices with v.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	default:
		return v
	}
}

var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapeToken escapes an object key for use as an RFC 6901 reference token.
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return tokenEscaper.Replace(s)
}

// parsePointer splits an RFC 6901 JSON pointer into unescaped reference
// tokens. The empty pointer refers to the whole document.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("invalid JSON pointer %q: must be empty or start with '/'", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, part := range parts {
		if !strings.Contains(part, "~") {
			continue
		}
		var sb strings.Builder
		for j := 0; j < len(part); j++ {
			c := part[j]
			if c != '~' {
				sb.WriteByte(c)
				continue
			}
			if j+1 >= len(part) {
				return nil, fmt.Errorf("invalid JSON pointer %q: incomplete escape sequence", p)
			}
			j++
			switch part[j] {
			case '0':
				sb.WriteByte('~')
			case '1':
				sb.WriteByte('/')
			default:
				return nil, fmt.Errorf("invalid JSON pointer %q: invalid escape sequence ~%c", p, part[j])
			}
		}
		parts[i] = sb.String()
	}
	return parts, nil
}

// arrayIndex parses an RFC 6901 array index: "0" or a decimal number
// without leading zeros or sign.
func arrayIndex(tok string) (int, error) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, fmt.Errorf("invalid array index %q", tok)
		}
	}
	n, err := strconv.Atoi(tok)
	if err != nil {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	return n, nil
}
