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
	RoleReviewer    Role = "reviewers"   // the review body (AMCU): decides on complaints
	RoleBot         Role = "bots"        // the payment robot: submits complaints whose fee was paid
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
	case StatusDraft, StatusEnquiries, StatusTendering:
		return true
	case StatusAuction:
		return !t.Config.HasPrequalification
	}
	return false
}

// pricesSealed reports whether bid prices are still secret: during
// pre-qualification and its auction only who bid is public.
func (t *Tender) pricesSealed() bool {
	if t.bidsSealed() {
		return true
	}
	switch t.Status {
	case StatusPrequalification, StatusPrequalStandstill, StatusAuction:
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
	v.Complaints = complaintsView(t.Complaints)
	if len(t.Awards) > 0 {
		v.Awards = make([]Award, len(t.Awards))
		for i, a := range t.Awards {
			a.Complaints = complaintsView(a.Complaints)
			a.Documents = latestDocuments(a.Documents)
			v.Awards[i] = a
		}
	}
	if len(t.Contracts) > 0 {
		v.Contracts = make([]Contract, len(t.Contracts))
		for i, c := range t.Contracts {
			c.Documents = latestDocuments(c.Documents)
			v.Contracts[i] = c
		}
	}
	if len(t.Qualifications) > 0 {
		v.Qualifications = make([]Qualification, len(t.Qualifications))
		for i, q := range t.Qualifications {
			q.Complaints = complaintsView(q.Complaints)
			q.Documents = latestDocuments(q.Documents)
			v.Qualifications[i] = q
		}
	}
	if len(t.Cancellations) > 0 {
		v.Cancellations = make([]Cancellation, len(t.Cancellations))
		for i, c := range t.Cancellations {
			c.Complaints = complaintsView(c.Complaints)
			c.Documents = latestDocuments(c.Documents)
			v.Cancellations[i] = c
		}
	}
	v.Bids = nil
	for _, b := range t.Bids {
		switch {
		case b.ID == ownBid:
			v.Bids = append(v.Bids, b.view(true))
		case viewer == RoleAuction && t.Status == StatusAuction && b.Status == BidActive:
			// The auction sees prices and feature answers, never names.
			v.Bids = append(v.Bids, Bid{ID: b.ID, Status: b.Status, Date: b.Date, Value: b.Value,
				LotValues: b.LotValues, Parameters: b.Parameters, WeightedValue: b.WeightedValue,
				ParticipationURL: b.ParticipationURL})
		case viewer == RoleAuction && t.Status == StatusAuction:
			// Its results are aligned with every bid, so the others show as stubs.
			v.Bids = append(v.Bids, Bid{ID: b.ID, Status: b.Status, Date: b.Date})
		case t.bidsSealed():
		case t.pricesSealed():
			v.Bids = append(v.Bids, b.withoutPrices())
		default:
			v.Bids = append(v.Bids, b.view(false))
		}
	}
	return &v
}

// withoutPrices is what pre-qualification shows of a bid: who and which
// lots, not how much.
func (b Bid) withoutPrices() Bid {
	out := Bid{ID: b.ID, Status: b.Status, Date: b.Date, Tenderers: b.Tenderers,
		Documents: latestDocuments(b.Documents), SelfQualified: b.SelfQualified, SelfEligible: b.SelfEligible}
	for _, lv := range b.LotValues {
		out.LotValues = append(out.LotValues, LotValue{RelatedLot: lv.RelatedLot, Status: lv.Status, Date: lv.Date})
	}
	return out
}

// complaintsView strips complaint authors' credentials.
func complaintsView(cs []Complaint) []Complaint {
	if len(cs) == 0 {
		return cs
	}
	out := make([]Complaint, len(cs))
	for i, c := range cs {
		c.Owner, c.Access = "", nil
		c.Documents = latestDocuments(c.Documents)
		out[i] = c
	}
	return out
}

// view strips a bid's private fields; participationUrl is for its owner only.
func (b Bid) view(owner bool) Bid {
	b.Owner, b.Access = "", nil
	b.Documents = latestDocuments(b.Documents)
	if !owner {
		b.ParticipationURL = ""
		if len(b.LotValues) > 0 {
			lvs := make([]LotValue, len(b.LotValues))
			for i, lv := range b.LotValues {
				lv.ParticipationURL = ""
				lvs[i] = lv
			}
			b.LotValues = lvs
		}
		if b.Status == BidDeleted || b.Status == BidInvalid {
			return Bid{ID: b.ID, Status: b.Status, Date: b.Date}
		}
	}
	return b
}
