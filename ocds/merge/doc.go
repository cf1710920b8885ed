// Package merge compiles the releases of an OCDS 1.1 contracting process into
// a compiled release and a versioned release, by the merge rules of the
// standard (docs/schema/merging.md).
//
// It is a general merger: the rules come from whatever release schema the
// caller passes to NewMerger (the OCDS 1.1.5 release-schema.json, with
// extension patches applied by the caller), so it compiles any publisher's
// releases, not only ours. The ocds package calls it to build records; the
// record endpoints and the bulk export call it through ocds.
//
// The rules, read from the schema with local $refs resolved:
//
//   - "omitWhenMerged" fields (release id, date and tag) are dropped.
//   - Arrays with "wholeListMerge", arrays of non-objects and arrays of
//     objects without an id property are replaced as a whole.
//   - Other arrays of objects merge by identifier: an object matches the
//     earlier object with the same id (1 and "1" differ), otherwise it is
//     appended; objects without an id are always appended; an empty array
//     changes nothing.
//   - Objects merge field by field; an empty object changes nothing; a null
//     removes the field from the compiled release, and is a versioned value
//     (null) in the versioned release.
//   - In the versioned release an object's id is versioned, and an id inside
//     an array is the object's name and is not: "versionId" is implied by
//     position, as in the reference implementation.
//   - Fields the schema does not know merge by the shape of the data.
//
// OCDS 1.0 annotations ("mergeStrategy": "ocdsOmit" and "ocdsVersion") are
// read too, so a 1.0 schema gives 1.0 rules.
//
// Releases are ordered by date (a stable sort) before merging. The compiled
// release starts with "tag": ["compiled"], "id": "<ocid>-<date>", the last
// release's date and the ocid, as the reference implementation (ocdsmerge)
// writes it.
//
// The merger parses JSON into its own ordered tree: numbers keep their exact
// text (never float64) and object members keep the order in which they first
// appear, so the output is deterministic.
//
// Where this differs from the reference implementation, on data the golden
// vectors do not cover: a null over an object or array removes it from the
// compiled release (the reference keeps the earlier values under it), and a
// field that changes between literal and object is replaced rather than
// rejected.
package merge
