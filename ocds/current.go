package ocds

import "github.com/prozorro-go/prozorro/tender"

// TagCompiled is the tag of a compiled release.
const TagCompiled = "compiled"

// Current returns the compiled release of a tender's present public state:
// every release is a full snapshot, so merging them all gives the latest
// snapshot (merging keeps an array entry a later release dropped; this
// engine never drops one). ok is false for a tender that is not public.
// It is what indexers and red-flag indicators read, without rebuilding the
// history.
func Current(t *tender.Tender, cfg Config) (rel Release, ok bool) {
	if t == nil || !published(t.Status) {
		return Release{}, false
	}
	v := t
	if v.Config != nil || v.Access != nil {
		v = v.View(tender.RolePublic, "")
	}
	rel = snapshot(v, cfg)
	rel.OCID = cfg.OCID(v.TenderID)
	rel.ID = rel.OCID + "-compiled"
	rel.Date = v.DateModified
	rel.Tag = []string{TagCompiled}
	return rel, true
}
