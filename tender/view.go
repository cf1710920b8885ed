package tender

// Role is who is reading or acting, as far as visibility and permissions go.
type Role string

// Roles. Brokers (platforms) act for buyers and bidders; robots have their own.
const (
	RolePublic      Role = ""            // anonymous reader
	RoleBroker      Role = "broker"      // a platform (e-marketplace)
	RoleAuction     Role = "auction"     // the auction service
	RoleChronograph Role = "chronograph" // the chronograph role
	RoleAdmin       Role = "admin"       // operators
)

// Actor is the caller of a service method: the platform, its role and
// accreditation levels, and the owner token it presented, if any.
type Actor struct {
	Platform string
	Role     Role
	Levels   string
	Token    string
}

// HasLevel reports whether the actor holds accreditation level l.
func (a Actor) HasLevel(l byte) bool {
	for i := 0; i < len(a.Levels); i++ {
		if a.Levels[i] == l {
			return true
		}
	}
	return false
}

// bidsSealed reports whether bids are still secret in t's status.
func (t *Tender) bidsSealed() bool {
	switch t.Status {
	case StatusDraft, StatusEnquiries, StatusTendering, StatusAuction:
		return true
	}
	return false
}

// View returns the copy of t that viewer may see: private fields stripped,
// sealed bids hidden except the viewer's own (ownBid) and, for the auction
// role, prices without bidder names.
func (t *Tender) View(viewer Role, ownBid string) *Tender {
	v := *t
	v.Config, v.Access, v.BidCommits = nil, nil, nil
	v.Documents = latestDocuments(t.Documents)
	if len(t.Questions) > 0 {
		v.Questions = make([]Question, len(t.Questions))
		for i, q := range t.Questions {
			q.Author = Organization{} // questions are anonymous to everyone
			v.Questions[i] = q
		}
	}
	v.Bids = nil
	for _, b := range t.Bids {
		switch {
		case b.ID == ownBid:
			v.Bids = append(v.Bids, b.view(true))
		case t.bidsSealed() && viewer == RoleAuction && t.Status == StatusAuction && b.Status == BidActive:
			v.Bids = append(v.Bids, Bid{ID: b.ID, Status: b.Status, Date: b.Date, Value: b.Value, ParticipationURL: b.ParticipationURL})
		case t.bidsSealed():
		default:
			v.Bids = append(v.Bids, b.view(false))
		}
	}
	return &v
}

// view strips a bid's private fields; participationUrl is for its owner only.
func (b Bid) view(owner bool) Bid {
	b.Owner, b.Access = "", nil
	b.Documents = latestDocuments(b.Documents)
	if !owner {
		b.ParticipationURL = ""
		if b.Status == BidDeleted || b.Status == BidInvalid {
			return Bid{ID: b.ID, Status: b.Status, Date: b.Date}
		}
	}
	return b
}
