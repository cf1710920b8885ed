package jsonpatch

import (
	"errors"
	"fmt"
)

// Apply applies ops to doc in order and returns the resulting document as
// compact JSON with object keys sorted.
//
// All RFC 6902 operations are supported: "add", "remove", "replace",
// "move", "copy" and "test". The "test" operation compares numbers by their
// literal text, like [Diff]. Apply returns an error, and no document, if doc
// or an operation value is not valid JSON, a pointer is malformed, a path
// does not exist, an array index is out of range, a required value is
// missing, an operation is unknown or a "test" operation fails. Removing the
// whole document (path "") is an error; "add" and "replace" with path ""
// replace the whole document.
func Apply(doc []byte, ops []Operation) ([]byte, error) {
	root, err := decode(doc)
	if err != nil {
		return nil, fmt.Errorf("jsonpatch: invalid document: %w", err)
	}
	for i, op := range ops {
		root, err = applyOp(root, op)
		if err != nil {
			return nil, fmt.Errorf("jsonpatch: operation %d (%s %q): %w", i, op.Op, op.Path, err)
		}
	}
	out, err := encode(root)
	if err != nil {
		return nil, fmt.Errorf("jsonpatch: encoding result: %w", err)
	}
	return out, nil
}

func applyOp(root any, op Operation) (any, error) {
	path, err := parsePointer(op.Path)
	if err != nil {
		return nil, err
	}
	switch op.Op {
	case opAdd, opReplace, opTest:
		if op.Value == nil {
			return nil, errors.New("missing value")
		}
		v, err := decode(op.Value)
		if err != nil {
			return nil, fmt.Errorf("invalid value: %w", err)
		}
		switch op.Op {
		case opAdd:
			return add(root, path, v)
		case opReplace:
			return replace(root, path, v)
		default:
			cur, err := get(root, path)
			if err != nil {
				return nil, err
			}
			if !equal(cur, v) {
				return nil, errors.New("test failed: value differs")
			}
			return root, nil
		}
	case opRemove:
		root, _, err = remove(root, path)
		return root, err
	case opMove, opCopy:
		from, err := parsePointer(op.From)
		if err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
		if op.Op == opCopy {
			v, err := get(root, from)
			if err != nil {
				return nil, fmt.Errorf("from: %w", err)
			}
			return add(root, path, deepCopy(v))
		}
		if isProperPrefix(from, path) {
			return nil, fmt.Errorf("cannot move %q into its own child", op.From)
		}
		root, v, err := remove(root, from)
		if err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
		return add(root, path, v)
	default:
		return nil, fmt.Errorf("unknown operation %q", op.Op)
	}
}

func isProperPrefix(prefix, path []string) bool {
	if len(prefix) >= len(path) {
		return false
	}
	for i := range prefix {
		if prefix[i] != path[i] {
			return false
		}
	}
	return true
}

// get returns the value at path.
func get(node any, path []string) (any, error) {
	for i, tok := range path {
		switch t := node.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, notFound(path[:i+1])
			}
			node = v
		case []any:
			idx, err := arrayIndex(tok)
			if err != nil {
				return nil, err
			}
			if idx >= len(t) {
				return nil, fmt.Errorf("array index %d out of range (length %d)", idx, len(t))
			}
			node = t[idx]
		default:
			return nil, notFound(path[:i+1])
		}
	}
	return node, nil
}

func notFound(path []string) error {
	p := ""
	for _, tok := range path {
		p += "/" + escapeToken(tok)
	}
	return fmt.Errorf("path %q not found", p)
}

// modify walks to the container holding the last token of path, calls fn
// with that container and the last token, stores the container returned by
// fn back into its parent, and returns the (possibly new) root.
func modify(root any, path []string, fn func(parent any, tok string) (any, error)) (any, error) {
	if len(path) == 1 {
		return fn(root, path[0])
	}
	tok := path[0]
	switch t := root.(type) {
	case map[string]any:
		child, ok := t[tok]
		if !ok {
			return nil, fmt.Errorf("path component %q not found", tok)
		}
		child, err := modify(child, path[1:], fn)
		if err != nil {
			return nil, err
		}
		t[tok] = child
		return t, nil
	case []any:
		idx, err := arrayIndex(tok)
		if err != nil {
			return nil, err
		}
		if idx >= len(t) {
			return nil, fmt.Errorf("array index %d out of range (length %d)", idx, len(t))
		}
		child, err := modify(t[idx], path[1:], fn)
		if err != nil {
			return nil, err
		}
		t[idx] = child
		return t, nil
	default:
		return nil, fmt.Errorf("path component %q not found: parent is not a container", tok)
	}
}

func add(root any, path []string, v any) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	return modify(root, path, func(parent any, tok string) (any, error) {
		switch t := parent.(type) {
		case map[string]any:
			t[tok] = v
			return t, nil
		case []any:
			if tok == "-" {
				return append(t, v), nil
			}
			idx, err := arrayIndex(tok)
			if err != nil {
				return nil, err
			}
			if idx > len(t) {
				return nil, fmt.Errorf("array index %d out of range (length %d)", idx, len(t))
			}
			s := make([]any, 0, len(t)+1)
			s = append(s, t[:idx]...)
			s = append(s, v)
			s = append(s, t[idx:]...)
			return s, nil
		default:
			return nil, fmt.Errorf("cannot add %q: parent is not a container", tok)
		}
	})
}

func replace(root any, path []string, v any) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	return modify(root, path, func(parent any, tok string) (any, error) {
		switch t := parent.(type) {
		case map[string]any:
			if _, ok := t[tok]; !ok {
				return nil, fmt.Errorf("member %q not found", tok)
			}
			t[tok] = v
			return t, nil
		case []any:
			idx, err := arrayIndex(tok)
			if err != nil {
				return nil, err
			}
			if idx >= len(t) {
				return nil, fmt.Errorf("array index %d out of range (length %d)", idx, len(t))
			}
			t[idx] = v
			return t, nil
		default:
			return nil, fmt.Errorf("cannot replace %q: parent is not a container", tok)
		}
	})
}

// remove deletes the value at path and returns the new root and the removed
// value.
func remove(root any, path []string) (any, any, error) {
	if len(path) == 0 {
		return nil, nil, errors.New("cannot remove the whole document")
	}
	var removed any
	root, err := modify(root, path, func(parent any, tok string) (any, error) {
		switch t := parent.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("member %q not found", tok)
			}
			removed = v
			delete(t, tok)
			return t, nil
		case []any:
			idx, err := arrayIndex(tok)
			if err != nil {
				return nil, err
			}
			if idx >= len(t) {
				return nil, fmt.Errorf("array index %d out of range (length %d)", idx, len(t))
			}
			removed = t[idx]
			s := make([]any, 0, len(t)-1)
			s = append(s, t[:idx]...)
			s = append(s, t[idx+1:]...)
			return s, nil
		default:
			return nil, fmt.Errorf("cannot remove %q: parent is not a container", tok)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return root, removed, nil
}
