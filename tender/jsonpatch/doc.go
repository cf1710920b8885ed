// Package jsonpatch computes and applies RFC 6902 JSON patches.
//
// The tender service stores every change of a tender as a revision that
// holds a patch computed from the new document back to the old one:
//
//	ops, err := jsonpatch.Diff(newDoc, oldDoc) // reverse patch
//	...
//	oldDoc, err = jsonpatch.Apply(newDoc, ops) // rebuild the old version
//
// Documents are handled as generic JSON values. Numbers are never converted
// to float64: they are decoded as [encoding/json.Number] and written back with
// exactly the literal text they had in the input, so a money amount such as
// 1500.50 survives a Diff/Apply round trip byte for byte. Two numbers are
// considered equal when their literal texts are equal (1.0 and 1 differ).
//
// [Diff] produces a deterministic, minimal-effort patch: objects are compared
// key by key in sorted key order, arrays element by element by index (the
// common prefix is compared recursively, extra elements are added at the end
// and surplus elements are removed from the end, highest index first), and
// values of different kinds or differing scalars are replaced.
//
// [Apply] supports all six RFC 6902 operations: add, remove, replace, move,
// copy and test. Paths are RFC 6901 JSON pointers; "~1" stands for "/" and
// "~0" for "~" inside a reference token. The document produced by Apply is
// compact JSON with object keys in sorted order.
package jsonpatch
