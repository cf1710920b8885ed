// Package schema validates OCDS 1.1 JSON (release packages, record packages
// and single releases) against the OCDS 1.1.5 schemas with the declared
// extensions applied.
//
// It owns nothing the service emits; tests of the ocds exporters and the
// end-to-end tests call it to prove that every package is valid. A Validator
// is built by New from a directory laid out like shared/ocds/schema:
//
//	release-schema.json, release-package-schema.json, record-package-schema.json,
//	versioned-release-validation-schema.json, codelists/*.csv,
//	extensions/<id>/{extension.json,release-schema.json,codelists/*.csv},
//	extension-registry/extension_versions.csv (maps extension URLs to ids)
//
// The schemas are not embedded: they are data shared by the project, loaded
// from the directory the caller names.
//
// Each extension's release-schema.json is applied to the core release schema
// as a JSON Merge Patch (RFC 7386), as OCDS prescribes, and the package
// schemas' remote $ref to release-schema.json resolves to the patched copy.
// A package's "extensions" array selects the extensions; each URL is mapped
// to a local extension through the extension registry (any version of a
// registered extension maps to the local copy).
//
// Three checks run on every document:
//
//   - JSON Schema (draft-04, formats asserted) with
//     github.com/santhosh-tekuri/jsonschema/v6;
//   - closed codelists: every value of a field marked
//     "openCodelist": false, including array items such as tag, must be a
//     Code of the codelist CSV (core, or the extension's, with "+" and "-"
//     codelist patches applied);
//   - unknown fields: a property the patched schema does not describe is
//     reported, so an extension's fields are accepted only when the extension
//     is declared. OCDS itself allows additional fields; this check is
//     stricter on purpose, and Validator.AllowAdditionalFields turns it off.
//
// versionedRelease in a record is checked against the core
// versioned-release-validation-schema.json only; extension fields inside it
// are neither validated nor reported.
package schema
