package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"unicode/utf8"
)

// The merger works on its own small JSON tree rather than map[string]any:
// objects keep their members in input order (so output key order is
// deterministic and follows the publisher's), and numbers stay json.Number
// (their exact text), never float64.
//
// Values in the tree are: nil, bool, string, json.Number, []any, *object,
// and, inside a merge in progress, *idArray and *history.

// object is a JSON object whose members keep their order.
type object struct {
	keys []string
	vals []any
}

func (o *object) index(key string) int {
	for i, k := range o.keys {
		if k == key {
			return i
		}
	}
	return -1
}

func (o *object) get(key string) any {
	if i := o.index(key); i >= 0 {
		return o.vals[i]
	}
	return nil
}

func (o *object) set(key string, v any) {
	if i := o.index(key); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

func (o *object) del(key string) {
	if i := o.index(key); i >= 0 {
		o.keys = append(o.keys[:i], o.keys[i+1:]...)
		o.vals = append(o.vals[:i], o.vals[i+1:]...)
	}
}

// errSyntax is wrapped by every parse error.
var errSyntax = errors.New("invalid JSON")

// parse decodes one JSON document into the ordered tree.
func parse(data []byte) (any, error) {
	p := parser{data: data}
	p.skip()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos != len(p.data) {
		return nil, p.fail("trailing data")
	}
	return v, nil
}

type parser struct {
	data []byte
	pos  int
	// keys interns object keys: a release repeats a few dozen names
	// thousands of times.
	keys map[string]string
}

// key reads an object key, sharing one string per distinct name.
func (p *parser) key() (string, error) {
	start := p.pos
	for i := p.pos + 1; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			raw := p.data[start+1 : i]
			if k, ok := p.keys[string(raw)]; ok {
				p.pos = i + 1
				return k, nil
			}
			break
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	k, err := p.string()
	if err != nil {
		return "", err
	}
	if p.keys == nil {
		p.keys = make(map[string]string, 64)
	}
	p.keys[k] = k
	return k, nil
}

func (p *parser) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errSyntax, what, p.pos)
}

func (p *parser) skip() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.string()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.fail("unexpected character")
	}
}

func (p *parser) literal(word string) error {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return p.fail("invalid literal")
	}
	p.pos += len(word)
	return nil
}

func (p *parser) object() (*object, error) {
	p.pos++ // {
	o := &object{keys: make([]string, 0, 8), vals: make([]any, 0, 8)}
	p.skip()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return o, nil
	}
	for {
		p.skip()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected object key")
		}
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.pos++
		p.skip()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		// A repeated key keeps its first position and its last value, as
		// encoding/json does.
		if i := o.index(key); i >= 0 {
			o.vals[i] = v
		} else {
			o.keys = append(o.keys, key)
			o.vals = append(o.vals, v)
		}
		p.skip()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return o, nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *parser) array() ([]any, error) {
	p.pos++ // [
	a := []any{}
	p.skip()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return a, nil
	}
	for {
		p.skip()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.skip()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return a, nil
		default:
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

func (p *parser) string() (string, error) {
	start := p.pos
	p.pos++ // "
	escaped, ascii := false, true
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			p.pos++
			if s := p.data[start+1 : p.pos-1]; !escaped && (ascii || utf8.Valid(s)) {
				return string(s), nil
			}
			// Escapes or invalid UTF-8: decode as encoding/json does.
			var s string
			if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
				return "", fmt.Errorf("%w: %v", errSyntax, err)
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.pos += 2
		case c < 0x20:
			return "", p.fail("control character in string")
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			p.pos++
		}
	}
	return "", p.fail("unterminated string")
}

func (p *parser) number() (json.Number, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return "", p.fail("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return "", p.fail("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return "", p.fail("invalid number")
		}
	}
	return json.Number(p.data[start:p.pos]), nil
}

// fromGo converts a value decoded by encoding/json (map[string]any, with
// numbers as json.Number or float64) into the ordered tree. Map keys are
// sorted, so the result does not depend on map iteration order.
func fromGo(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, json.Number:
		return x, nil
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), nil
	case json.RawMessage:
		return parse(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &object{keys: keys, vals: make([]any, len(keys))}
		for i, k := range keys {
			c, err := fromGo(x[k])
			if err != nil {
				return nil, err
			}
			o.vals[i] = c
		}
		return o, nil
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			c, err := fromGo(e)
			if err != nil {
				return nil, err
			}
			a[i] = c
		}
		return a, nil
	default:
		data, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		return parse(data)
	}
}

// equal reports whether two tree values are the same JSON value. Object
// member order does not matter; numbers compare by value (1 equals 1.0).
func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *object:
		y, ok := b.(*object)
		if !ok || len(x.keys) != len(y.keys) {
			return false
		}
		for i, k := range x.keys {
			j := y.index(k)
			if j < 0 || !equal(x.vals[i], y.vals[j]) {
				return false
			}
		}
		return true
	}
	return false
}

// encoder writes the tree as compact JSON.
type encoder struct {
	buf []byte
}

func (e *encoder) value(v any) {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case string:
		e.string(x)
	case json.Number:
		e.buf = append(e.buf, x...)
	case []any:
		e.buf = append(e.buf, '[')
		for i, c := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(c)
		}
		e.buf = append(e.buf, ']')
	case *object:
		e.buf = append(e.buf, '{')
		for i, k := range x.keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.string(k)
			e.buf = append(e.buf, ':')
			e.value(x.vals[i])
		}
		e.buf = append(e.buf, '}')
	case *idArray:
		e.buf = append(e.buf, '[')
		for i, c := range x.items {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(c)
		}
		e.buf = append(e.buf, ']')
	case *history:
		e.buf = append(e.buf, '[')
		for i, c := range x.entries {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = append(e.buf, `{"releaseID":`...)
			e.value(c.release.id)
			e.buf = append(e.buf, `,"releaseDate":`...)
			e.value(c.release.date)
			e.buf = append(e.buf, `,"releaseTag":`...)
			e.value(c.release.tag)
			e.buf = append(e.buf, `,"value":`...)
			e.value(c.value)
			e.buf = append(e.buf, '}')
		}
		e.buf = append(e.buf, ']')
	default:
		panic(fmt.Sprintf("merge: unexpected %T in tree", v))
	}
}

const hexDigits = "0123456789abcdef"

func (e *encoder) string(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			e.buf = append(e.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				e.buf = append(e.buf, '\\', c)
			case '\n':
				e.buf = append(e.buf, '\\', 'n')
			case '\r':
				e.buf = append(e.buf, '\\', 'r')
			case '\t':
				e.buf = append(e.buf, '\\', 't')
			default:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}
