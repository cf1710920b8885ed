package searchtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/search"
)

// fieldValues returns the values at a dotted path of a decoded document,
// flattening arrays on the way.
func fieldValues(v any, path string) []any {
	head, rest, more := strings.Cut(path, ".")
	var out []any
	switch x := v.(type) {
	case map[string]any:
		next, ok := x[head]
		if !ok || next == nil {
			return nil
		}
		if !more {
			if arr, ok := next.([]any); ok {
				return arr
			}
			return []any{next}
		}
		return fieldValues(next, rest)
	case []any:
		for _, e := range x {
			out = append(out, fieldValues(e, path)...)
		}
	}
	return out
}

func decode(doc any) map[string]any {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

// matches is the reference meaning of a filter.
func matches(doc map[string]any, f search.Filter) bool {
	vals := fieldValues(doc, f.Field)
	for _, v := range vals {
		switch f.Op {
		case search.OpTerm:
			for _, want := range f.Values {
				if fmt.Sprint(v) == want {
					return true
				}
			}
		case search.OpPrefix:
			for _, want := range f.Values {
				if s, ok := v.(string); ok && strings.HasPrefix(s, want) {
					return true
				}
			}
		case search.OpRange:
			if inRange(v, f.From, f.To) {
				return true
			}
		}
	}
	return false
}

func inRange(v, from, to any) bool {
	cmp := func(bound any) (int, bool) {
		switch b := bound.(type) {
		case int64:
			x, ok := v.(float64)
			if !ok {
				return 0, false
			}
			return compare(x, float64(b)), true
		case float64:
			x, ok := v.(float64)
			if !ok {
				return 0, false
			}
			return compare(x, b), true
		case time.Time:
			s, ok := v.(string)
			if !ok {
				return 0, false
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return 0, false
			}
			return t.Compare(b), true
		}
		return 0, false
	}
	if from != nil {
		c, ok := cmp(from)
		if !ok || c < 0 {
			return false
		}
	}
	if to != nil {
		c, ok := cmp(to)
		if !ok || c >= 0 {
			return false
		}
	}
	return true
}

func compare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// expect returns the ids of docs matching every filter, in the order of
// sortField (a JSON field; missing values last) then id.
func expect(docs []any, filters []search.Filter, sortField string, desc bool) []string {
	type row struct {
		id  string
		key any
	}
	var rows []row
	for _, d := range docs {
		m := decode(d)
		ok := true
		for _, f := range filters {
			ok = ok && matches(m, f)
		}
		if !ok {
			continue
		}
		var key any
		if vs := fieldValues(m, sortField); len(vs) > 0 {
			key = vs[0]
		}
		rows = append(rows, row{m["id"].(string), key})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].key, rows[j].key
		if (a == nil) != (b == nil) {
			return b == nil // missing last, either direction
		}
		if a != nil {
			c := 0
			switch x := a.(type) {
			case float64:
				c = compare(x, b.(float64))
			case string:
				c = strings.Compare(x, b.(string))
			}
			if desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return rows[i].id < rows[j].id
	})
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	return ids
}
