package tender

import "time"

// Complaint types and statuses (ProZorro's rules since 2020-04-19).
const (
	TypeClaim     = "claim"
	TypeComplaint = "complaint"

	ComplaintDraft     = "draft"
	ComplaintClaim     = "claim"    // a claim submitted to the buyer
	ComplaintAnswered  = "answered" // the buyer answered a claim
	ComplaintResolved  = "resolved"
	ComplaintCancelled = "cancelled"
	ComplaintPending   = "pending" // fee paid, with the review body
	ComplaintMistaken  = "mistaken"
	ComplaintAccepted  = "accepted"
	ComplaintInvalid   = "invalid"
	ComplaintDeclined  = "declined"
	ComplaintSatisfied = "satisfied" // upheld: the buyer must fix
	ComplaintStopped   = "stopped"
	ComplaintStopping  = "stopping"
)

// blockingStatus lists the statuses in which a claim or complaint holds the
// procedure: an unanswered claim, and a complaint the review body has not
// finished with or that was upheld and not yet fixed.
var blockingStatus = map[string]bool{
	ComplaintClaim: true, ComplaintPending: true, ComplaintAccepted: true, ComplaintSatisfied: true, ComplaintStopping: true,
}

func blocking(cs []Complaint, lot string) bool {
	for _, c := range cs {
		if blockingStatus[c.Status] && (lot == "" || c.RelatedLot == "" || c.RelatedLot == lot) {
			return true
		}
	}
	return false
}

// tenderComplaintsBlock reports complaints on the tender's conditions that
// stop the tender period from ending.
func (t *Tender) tenderComplaintsBlock() bool { return blocking(t.Complaints, "") }

// awardBlocked reports complaints on an award that stop its contract from
// being signed and its lot from closing.
func (a *Award) blocked() bool { return blocking(a.Complaints, "") }

// lotAwardsBlocked reports blocking complaints on any award of lot key.
func (t *Tender) lotAwardsBlocked(key string) bool {
	for i := range t.Awards {
		if t.Awards[i].LotID == key && t.Awards[i].blocked() {
			return true
		}
	}
	return false
}

// qualificationsBlocked reports blocking complaints on any qualification.
func (t *Tender) qualificationsBlocked() bool {
	for _, q := range t.Qualifications {
		if blocking(q.Complaints, "") {
			return true
		}
	}
	return false
}

// blocked reports complaints that stop a cancellation from taking effect.
func (c *Cancellation) blocked() bool { return blocking(c.Complaints, "") }

// complaintList is one place complaints live, with the end of the window in
// which they may be lodged there.
type complaintList struct {
	list      *[]Complaint
	windowEnd *time.Time
}

// complaintLists returns every complaint list of t: the tender's, each
// award's, each qualification's and each cancellation's.
func (t *Tender) complaintLists() []complaintList {
	var end *time.Time
	if t.ComplaintPeriod != nil {
		end = t.ComplaintPeriod.EndDate
	}
	out := []complaintList{{&t.Complaints, end}}
	for i := range t.Awards {
		a := &t.Awards[i]
		var e *time.Time
		if a.ComplaintPeriod != nil {
			e = a.ComplaintPeriod.EndDate
		}
		out = append(out, complaintList{&a.Complaints, e})
	}
	for i := range t.Qualifications {
		var e *time.Time
		if t.QualificationPeriod != nil {
			e = t.QualificationPeriod.EndDate
		}
		out = append(out, complaintList{&t.Qualifications[i].Complaints, e})
	}
	for i := range t.Cancellations {
		c := &t.Cancellations[i]
		var e *time.Time
		if c.ComplaintPeriod != nil {
			e = c.ComplaintPeriod.EndDate
		}
		out = append(out, complaintList{&c.Complaints, e})
	}
	return out
}

// draftComplaintsDue returns when the first unpaid draft complaint expires.
func (t *Tender) draftComplaintsDue() *time.Time {
	var next *time.Time
	for _, cl := range t.complaintLists() {
		if cl.windowEnd == nil {
			continue
		}
		for _, c := range *cl.list {
			if c.Type == TypeComplaint && c.Status == ComplaintDraft && (next == nil || cl.windowEnd.Before(*next)) {
				next = cl.windowEnd
			}
		}
	}
	return next
}

// expireDraftComplaints turns complaints still unpaid when their window
// closed into mistaken ones.
func (t *Tender) expireDraftComplaints(now time.Time) bool {
	changed := false
	for _, cl := range t.complaintLists() {
		if cl.windowEnd == nil || cl.windowEnd.After(now) {
			continue
		}
		for i := range *cl.list {
			c := &(*cl.list)[i]
			if c.Type == TypeComplaint && c.Status == ComplaintDraft {
				c.Status, c.RejectReason = ComplaintMistaken, "complaintPeriodEnded"
				changed = true
			}
		}
	}
	return changed
}
