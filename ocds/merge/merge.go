package merge

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// ErrInvalidRelease is wrapped by the errors Compile and Versioned return when
// a release is not a JSON object, or, among several releases, has no string
// date.
var ErrInvalidRelease = errors.New("merge: invalid release")

// Merger compiles the releases of one contracting process into a compiled
// release or a versioned release, following the merge rules of its schema.
// A Merger is safe for concurrent use.
type Merger struct {
	rules *rule
}

// Option configures a Merger.
type Option func(*Merger)

// WithStrategy merges the array at path (field names from the release's top
// level, e.g. "awards", "suppliers") by strategy instead of by identifier.
func WithStrategy(path []string, strategy Strategy) Option {
	return func(m *Merger) {
		r := m.rules
		for _, p := range path {
			r = r.ensure(p)
		}
		r.strategy = strategy
	}
}

// NewMerger builds a Merger from a release schema (JSON Schema, with local
// "$ref"s such as those of the OCDS release-schema.json; extension patches, if
// any, already applied). A nil schema gives a Merger without rules, which
// merges by the shape of the data alone.
func NewMerger(schema []byte, opts ...Option) (*Merger, error) {
	m := &Merger{rules: &rule{}}
	if schema != nil {
		r, err := rulesFromSchema(schema)
		if err != nil {
			return nil, err
		}
		m.rules = r
	}
	for _, o := range opts {
		o(m)
	}
	return m, nil
}

// Compile merges the releases of one contracting process into a compiled
// release: releases are taken in date order, later values win, a null removes
// a field, arrays merge by identifier or as a whole by the schema's rules. The
// result has "tag": ["compiled"], "date" of the last release and
// "id" = "<ocid>-<date>".
func (m *Merger) Compile(releases []json.RawMessage) (json.RawMessage, error) {
	rs, err := parseReleases(releases)
	if err != nil {
		return nil, err
	}
	return m.compile(rs)
}

// Versioned merges the releases of one contracting process into a versioned
// release: each field's value becomes the list of its changes, each as
// {releaseID, releaseDate, releaseTag, value}.
func (m *Merger) Versioned(releases []json.RawMessage) (json.RawMessage, error) {
	rs, err := parseReleases(releases)
	if err != nil {
		return nil, err
	}
	return m.versioned(rs)
}

// CompileValues is Compile for releases already decoded by encoding/json
// (map[string]any, or json.RawMessage). Decode with UseNumber to keep numbers
// exact; map keys come out sorted.
func (m *Merger) CompileValues(releases []any) (json.RawMessage, error) {
	rs, err := convertReleases(releases)
	if err != nil {
		return nil, err
	}
	return m.compile(rs)
}

// VersionedValues is Versioned for releases already decoded by encoding/json.
func (m *Merger) VersionedValues(releases []any) (json.RawMessage, error) {
	rs, err := convertReleases(releases)
	if err != nil {
		return nil, err
	}
	return m.versioned(rs)
}

func parseReleases(releases []json.RawMessage) ([]*object, error) {
	rs := make([]*object, len(releases))
	for i, raw := range releases {
		v, err := parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: release %d: %w", ErrInvalidRelease, i, err)
		}
		o, ok := v.(*object)
		if !ok {
			return nil, fmt.Errorf("%w: release %d is not an object", ErrInvalidRelease, i)
		}
		rs[i] = o
	}
	return rs, nil
}

func convertReleases(releases []any) ([]*object, error) {
	rs := make([]*object, len(releases))
	for i, r := range releases {
		v, err := fromGo(r)
		if err != nil {
			return nil, fmt.Errorf("%w: release %d: %w", ErrInvalidRelease, i, err)
		}
		o, ok := v.(*object)
		if !ok {
			return nil, fmt.Errorf("%w: release %d is not an object", ErrInvalidRelease, i)
		}
		rs[i] = o
	}
	return rs, nil
}

// sortByDate orders releases by date, stably. Dates are compared as instants
// when both parse as RFC 3339, so offsets that change (Kyiv's +02:00/+03:00
// across daylight saving) cannot misorder them; otherwise as strings, as the
// reference implementation does. With more than one release, each needs a
// string date.
func sortByDate(rs []*object) error {
	if len(rs) < 2 {
		return nil
	}
	dates := make([]string, len(rs))
	for i, r := range rs {
		d, ok := r.get("date").(string)
		if !ok {
			return fmt.Errorf("%w: release %d has no string date", ErrInvalidRelease, i)
		}
		dates[i] = d
	}
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	instants := make([]time.Time, len(rs))
	parsed := make([]bool, len(rs))
	for i, d := range dates {
		t, err := time.Parse(time.RFC3339Nano, d)
		instants[i], parsed[i] = t, err == nil
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if parsed[i] && parsed[j] {
			return instants[i].Before(instants[j])
		}
		return dates[i] < dates[j]
	})
	sorted := make([]*object, len(rs))
	for i, j := range idx {
		sorted[i] = rs[j]
	}
	copy(rs, sorted)
	return nil
}

func (m *Merger) compile(rs []*object) (json.RawMessage, error) {
	if err := sortByDate(rs); err != nil {
		return nil, err
	}
	st := state{}
	out := &object{}
	var ocid, date any
	for _, r := range rs {
		ocid, date = r.get("ocid"), r.get("date")
		st.mergeObject(out, r, m.rules, true)
	}

	// The compiled release's own metadata, as the reference implementation
	// writes it: tag, id, date, ocid, then the merged fields.
	head := &object{}
	head.set("tag", []any{"compiled"})
	head.set("id", text(ocid)+"-"+text(date))
	if date != nil {
		head.set("date", date)
	}
	if ocid != nil {
		head.set("ocid", ocid)
	}
	head.keys = append(head.keys, out.keys...)
	head.vals = append(head.vals, out.vals...)
	e := encoder{buf: make([]byte, 0, 4096)}
	e.value(head)
	return e.buf, nil
}

func (m *Merger) versioned(rs []*object) (json.RawMessage, error) {
	if err := sortByDate(rs); err != nil {
		return nil, err
	}
	out := &object{}
	var ocid any
	for _, r := range rs {
		ocid = r.get("ocid")
		st := state{versioned: true, release: &release{id: r.get("id"), date: r.get("date"), tag: r.get("tag")}}
		st.mergeObject(out, r, m.rules, true)
	}
	head := &object{}
	if ocid != nil {
		head.set("ocid", ocid)
	}
	head.keys = append(head.keys, out.keys...)
	head.vals = append(head.vals, out.vals...)
	e := encoder{buf: make([]byte, 0, 4096)}
	e.value(head)
	return e.buf, nil
}

// text is how a date or ocid reads in the compiled release's id: a string as
// itself, null as "None" (as the Python reference writes it), anything else as
// JSON.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "None"
	default:
		e := encoder{}
		e.value(x)
		return string(e.buf)
	}
}

// release is the metadata a versioned value records.
type release struct {
	id, date, tag any
}

// history is a versioned field: its values, each with the release that set it.
type history struct {
	entries []entry
}

type entry struct {
	release *release
	value   any
}

// idArray is an array being merged by identifier: the objects in order of
// first appearance, and where each identifier is.
type idArray struct {
	items []*object
	index map[string]int
}

// state is one merge in progress.
type state struct {
	versioned bool
	release   *release // the release being merged, when versioned
}

// mergeObject folds src into dst. top marks the release's top level, where
// ocid, tag and (for the compiled release) id and date are the merger's own.
func (st *state) mergeObject(dst, src *object, r *rule, top bool) {
	for i, key := range src.keys {
		v := src.vals[i]
		if top {
			switch key {
			case "ocid", "tag":
				continue
			case "id", "date":
				if !st.versioned {
					continue
				}
			}
		}
		cr := r.child(key)
		if cr != nil {
			switch cr.kind {
			case omit:
				continue
			case replace:
				st.setLeaf(dst, key, v)
				continue
			}
		}
		switch x := v.(type) {
		case *object:
			if len(x.keys) == 0 {
				continue // an empty object changes nothing
			}
			if sub, ok := dst.get(key).(*object); ok {
				st.mergeObject(sub, x, cr, false)
				continue
			}
			// A new object appears only if something was merged into it:
			// {"budget": {}} adds nothing.
			sub := &object{}
			st.mergeObject(sub, x, cr, false)
			if len(sub.keys) > 0 {
				dst.set(key, sub)
			}
		case []any:
			if len(x) == 0 {
				continue // an empty array of objects changes nothing
			}
			if !allObjects(x) || st.versioned && allVersionedValues(x) {
				st.setLeaf(dst, key, v)
				continue
			}
			if arr, ok := dst.get(key).(*idArray); ok {
				st.mergeArray(arr, x, cr)
				continue
			}
			arr := &idArray{}
			st.mergeArray(arr, x, cr)
			if len(arr.items) > 0 {
				dst.set(key, arr)
			}
		default:
			st.setLeaf(dst, key, v)
		}
	}
}

// mergeArray merges an array of objects into arr by identifier (or by the
// path's overriding strategy). Objects without an id are appended: they
// cannot be matched. Several objects with one id in a release merge into one,
// the last winning.
func (st *state) mergeArray(arr *idArray, src []any, r *rule) {
	strategy := IdentifierMerge
	if r != nil {
		strategy = r.strategy
	}
	for pos, e := range src {
		o := e.(*object)
		id := o.get("id")
		key, matchable := "", false
		switch strategy {
		case MergeByPosition:
			key, matchable = strconv.Itoa(pos), true
		case IdentifierMerge:
			key, matchable = idKey(id)
		}
		var item *object
		if matchable {
			if i, ok := arr.index[key]; ok {
				item = arr.items[i]
			}
		}
		if item == nil {
			item = &object{}
			if id != nil {
				// The identifier is the item's name, never a versioned value.
				item.set("id", id)
			}
			if matchable {
				if arr.index == nil {
					arr.index = make(map[string]int)
				}
				arr.index[key] = len(arr.items)
			}
			arr.items = append(arr.items, item)
		}
		st.mergeItem(item, o, r)
		if len(item.keys) == 0 {
			// A new object without an id to which nothing was merged.
			arr.items = arr.items[:len(arr.items)-1]
			if matchable {
				delete(arr.index, key)
			}
		}
	}
}

// mergeItem merges an array's object: as mergeObject, but the id the item
// was created with stays.
func (st *state) mergeItem(dst, src *object, r *rule) {
	if dst.index("id") < 0 || src.index("id") < 0 {
		st.mergeObject(dst, src, r, false)
		return
	}
	i := src.index("id")
	rest := &object{
		keys: append(src.keys[:i:i], src.keys[i+1:]...),
		vals: append(src.vals[:i:i], src.vals[i+1:]...),
	}
	st.mergeObject(dst, rest, r, false)
}

// idKey is the identity of an id value: strings and integers are distinct
// (1 is not "1"); other numbers are taken by their text, as strings. A null or
// missing id cannot be matched.
func idKey(id any) (string, bool) {
	switch x := id.(type) {
	case string:
		return "s" + x, true
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "i" + strconv.FormatInt(n, 10), true
		}
		return "s" + string(x), true
	case nil:
		return "", false
	default:
		// Booleans, arrays and objects are not valid ids; keep such objects
		// apart rather than guess.
		return "", false
	}
}

// setLeaf sets a literal (or whole-list) value. In a compiled release a null
// removes the field. In a versioned release the value is appended to the
// field's history when it differs from the latest.
func (st *state) setLeaf(dst *object, key string, v any) {
	if !st.versioned {
		if v == nil {
			dst.del(key)
		} else {
			dst.set(key, v)
		}
		return
	}
	h, ok := dst.get(key).(*history)
	if !ok {
		if old := dst.get(key); old != nil && v == nil {
			// A null over an object or array ends every value inside it.
			st.nullify(old)
			return
		}
		h = &history{}
		dst.set(key, h)
	}
	if n := len(h.entries); n == 0 || !equal(h.entries[n-1].value, v) {
		h.entries = append(h.entries, entry{release: st.release, value: v})
	}
}

// nullify records, in a versioned release, that every field under v was
// removed.
func (st *state) nullify(v any) {
	switch x := v.(type) {
	case *history:
		if n := len(x.entries); n > 0 && x.entries[n-1].value != nil {
			x.entries = append(x.entries, entry{release: st.release, value: nil})
		}
	case *object:
		for _, c := range x.vals {
			st.nullify(c)
		}
	case *idArray:
		for _, c := range x.items {
			st.nullify(c)
		}
	}
}

func allObjects(a []any) bool {
	for _, e := range a {
		if _, ok := e.(*object); !ok {
			return false
		}
	}
	return true
}

// allVersionedValues reports whether an array already holds versioned values
// ({releaseID, releaseDate, releaseTag, value}); such an array is a literal.
func allVersionedValues(a []any) bool {
	for _, e := range a {
		o := e.(*object)
		if len(o.keys) != 4 || o.index("releaseID") < 0 || o.index("releaseDate") < 0 ||
			o.index("releaseTag") < 0 || o.index("value") < 0 {
			return false
		}
	}
	return true
}
