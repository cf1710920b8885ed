package tender

import (
	"encoding/json"
	"fmt"

	"github.com/prozorro-go/prozorro/tender/jsonpatch"
)

// Versions rebuilds every stored version of a tender from its current copy
// and its history (oldest first, as Store.Revisions returns it), applying
// each reverse patch once: versions[i] is the tender as revs[i] left it.
// The versions are the stored form, not views; callers choose the view
// (ocds builds its releases from View(RolePublic, "")).
func Versions(current *Tender, revs []Revision) ([]*Tender, error) {
	doc, err := json.Marshal(current)
	if err != nil {
		return nil, err
	}
	out := make([]*Tender, len(revs))
	for k := len(revs) - 1; k >= 0; k-- {
		v := new(Tender)
		if err := json.Unmarshal(doc, v); err != nil {
			return nil, fmt.Errorf("revision %d: %w", revs[k].Rev, err)
		}
		v.Revision = revs[k].Rev
		out[k] = v
		if k == 0 {
			break
		}
		var ops []jsonpatch.Operation
		if err := json.Unmarshal(revs[k].Changes, &ops); err != nil {
			return nil, fmt.Errorf("revision %d: %w", revs[k].Rev, err)
		}
		if doc, err = jsonpatch.Apply(doc, ops); err != nil {
			return nil, fmt.Errorf("revision %d: %w", revs[k].Rev, err)
		}
	}
	return out, nil
}
