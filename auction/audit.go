package auction

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// AuditJSON returns the audit of a finished auction as the exact bytes the
// worker publishes and hashes: the same auction always gives the same bytes,
// whichever process or store produced it. Times are in UTC and bidder names
// are left out (they are revealed only after the document was published, and
// the document must not change).
func AuditJSON(a *Auction) ([]byte, error) {
	au := a.Audit()
	utc := func(t time.Time) time.Time { return t.UTC() }
	au.Start = utc(au.Start)
	bidders := make([]Bidder, len(au.InitialBids))
	for i, b := range au.InitialBids {
		b.Name = ""
		b.Date = utc(b.Date)
		bidders[i] = b
	}
	au.InitialBids = bidders
	turns := make([]Turn, len(au.Turns))
	for i, t := range au.Turns {
		t.Start, t.End = utc(t.Start), utc(t.End)
		if t.BidAt != nil {
			at := utc(*t.BidAt)
			t.BidAt = &at
		}
		turns[i] = t
	}
	au.Turns = turns
	actions := make([]Bid, len(au.Actions))
	for i, b := range au.Actions {
		b.Time = utc(b.Time)
		actions[i] = b
	}
	au.Actions = actions
	results := make([]Standing, len(au.Results))
	for i, s := range au.Results {
		s.Name = ""
		results[i] = s
	}
	au.Results = results
	out, err := json.MarshalIndent(au, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// AuditHash returns ProZorro's document hash of audit bytes: "sha256:<hex>".
func AuditHash(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// AuditTitle is the title of auction id's audit document on the tender.
func AuditTitle(id string) string { return "audit_" + id + ".json" }
