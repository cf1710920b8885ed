package jsonpatch

import (
	"fmt"
	"slices"
	"strconv"
)

// Diff returns the operations that turn document a into document b.
//
// Both documents must be complete JSON values. Objects are compared key by
// key in sorted key order, so the output is deterministic. Arrays are
// compared element by element by index: the common prefix is compared
// recursively, extra elements of b are added at the end with explicit
// indices, and surplus elements of a are removed from the end backwards
// (highest index first) so that every index stays valid while the patch is
// applied. Scalars that differ and values of different types are replaced.
//
// Values of "add" and "replace" operations are always present, a JSON null
// being encoded as the literal null. Numbers keep their literal text. When
// the documents are equal Diff returns an empty, non-nil slice.
func Diff(a, b []byte) ([]Operation, error) {
	va, err := decode(a)
	if err != nil {
		return nil, fmt.Errorf("jsonpatch: invalid source document: %w", err)
	}
	vb, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("jsonpatch: invalid target document: %w", err)
	}
	d := differ{ops: make([]Operation, 0)}
	if err := d.diff("", va, vb); err != nil {
		return nil, fmt.Errorf("jsonpatch: %w", err)
	}
	return d.ops, nil
}

type differ struct {
	ops []Operation
}

func (d *differ) diff(path string, a, b any) error {
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			return d.diffObject(path, av, bv)
		}
	case []any:
		if bv, ok := b.([]any); ok {
			return d.diffArray(path, av, bv)
		}
	default:
		if equal(a, b) {
			return nil
		}
	}
	return d.emit(opReplace, path, b)
}

func (d *differ) diffObject(path string, a, b map[string]any) error {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := path + "/" + escapeToken(k)
		av, inA := a[k]
		bv, inB := b[k]
		var err error
		switch {
		case inA && inB:
			err = d.diff(p, av, bv)
		case inA:
			d.ops = append(d.ops, Operation{Op: opRemove, Path: p})
		default:
			err = d.emit(opAdd, p, bv)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *differ) diffArray(path string, a, b []any) error {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if err := d.diff(path+"/"+strconv.Itoa(i), a[i], b[i]); err != nil {
			return err
		}
	}
	for i := n; i < len(b); i++ {
		if err := d.emit(opAdd, path+"/"+strconv.Itoa(i), b[i]); err != nil {
			return err
		}
	}
	for i := len(a) - 1; i >= n; i-- {
		d.ops = append(d.ops, Operation{Op: opRemove, Path: path + "/" + strconv.Itoa(i)})
	}
	return nil
}

// emit appends an operation carrying value v.
func (d *differ) emit(op, path string, v any) error {
	raw, err := encode(v)
	if err != nil {
		return fmt.Errorf("encoding value for %s %q: %w", op, path, err)
	}
	d.ops = append(d.ops, Operation{Op: op, Path: path, Value: raw})
	return nil
}
