package tender

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Claims and complaints, ProZorro's rules since 2020-04-19.
//
// A claim (вимога) goes to the buyer: draft → claim → answered → resolved,
// or cancelled by its author. A complaint (скарга) goes to the review body
// (AMCU): draft → pending once the payment robot sees the fee paid →
// accepted | invalid → declined | satisfied | stopped; satisfied → resolved
// once the buyer has fixed what the review body found. Its author may stop
// it (stopping, then stopped by the review body) or drop an unpaid draft
// (mistaken). Which of them block the procedure is in blocking.go.

// ComplaintOf names what a complaint is lodged against.
type ComplaintOf struct {
	Kind string // "tender", "award", "qualification" or "cancellation"
	ID   string // the object's id; empty for the tender itself
}

// ComplaintInput is what the author sends to lodge a claim or a complaint
// and what each party may send to move it on. Nil fields are "not sent".
type ComplaintInput struct {
	Type                    *string       `json:"type"`
	Status                  *string       `json:"status"`
	Author                  *Organization `json:"author"`
	Title                   *string       `json:"title"`
	Description             *string       `json:"description"`
	RelatedLot              *string       `json:"relatedLot"`
	Resolution              *string       `json:"resolution"`
	ResolutionType          *string       `json:"resolutionType"`
	Satisfied               *bool         `json:"satisfied"`
	CancellationReason      *string       `json:"cancellationReason"`
	Decision                *string       `json:"decision"`
	RejectReason            *string       `json:"rejectReason"`
	RejectReasonDescription *string       `json:"rejectReasonDescription"`
	ReviewDate              *time.Time    `json:"reviewDate"`
	ReviewPlace             *string       `json:"reviewPlace"`
	TendererAction          *string       `json:"tendererAction"`
}

// sent lists the fields of in that were sent, by JSON name, in order.
func (in ComplaintInput) sent() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"type", in.Type != nil}, {"status", in.Status != nil}, {"author", in.Author != nil}, {"title", in.Title != nil},
		{"description", in.Description != nil}, {"relatedLot", in.RelatedLot != nil}, {"resolution", in.Resolution != nil},
		{"resolutionType", in.ResolutionType != nil}, {"satisfied", in.Satisfied != nil},
		{"cancellationReason", in.CancellationReason != nil}, {"decision", in.Decision != nil},
		{"rejectReason", in.RejectReason != nil}, {"rejectReasonDescription", in.RejectReasonDescription != nil},
		{"reviewDate", in.ReviewDate != nil}, {"reviewPlace", in.ReviewPlace != nil}, {"tendererAction", in.TendererAction != nil},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// rejectReasons are the grounds on which the review body leaves a complaint
// without consideration.
var rejectReasons = []string{"lawNonCompliance", "alreadyExists", "buyerViolationsCorrected", "tenderCancelled",
	"cancelledByComplainant", "complaintPeriodEnded", "incorrectPayment"}

// minAnswer is the shortest answer to a claim and the shortest account of
// what the buyer did about an upheld complaint, in characters.
const minAnswer = 20

// The complaint fee (UAH): a share of the tender's (or lot's) value, within
// bounds; lower while tendering is still under way.
var (
	feeRateTendering = decimal.RequireFromString("0.003")
	feeMinTendering  = decimal.NewFromInt(2000)
	feeMaxTendering  = decimal.NewFromInt(85000)
	feeRate          = decimal.RequireFromString("0.006")
	feeMin           = decimal.NewFromInt(3000)
	feeMax           = decimal.NewFromInt(170000)
)

// complaintFee returns the fee for a complaint about something worth base.
// The amount is taken as UAH whatever its currency: there are no exchange
// rates here.
func complaintFee(base Amount, tendering bool) *Value {
	rate, lo, hi := feeRate, feeMin, feeMax
	if tendering {
		rate, lo, hi = feeRateTendering, feeMinTendering, feeMaxTendering
	}
	fee := base.d.Mul(rate)
	switch {
	case fee.LessThan(lo):
		fee = lo
	case fee.GreaterThan(hi):
		fee = hi
	}
	return &Value{Amount: Amount{fee.Round(2)}, Currency: "UAH"}
}

// complaintSite is one place complaints are lodged: the tender, an award, a
// qualification or a cancellation.
type complaintSite struct {
	of            ComplaintOf
	list          *[]Complaint
	lot           string // the lot whose value sets the fee ("" for the tender's)
	award         *Award
	qualification *Qualification
	cancellation  *Cancellation
}

func (t *Tender) complaintSite(of ComplaintOf) (*complaintSite, error) {
	s := &complaintSite{of: of}
	switch of.Kind {
	case "tender":
		s.list = &t.Complaints
	case "award":
		a := t.award(of.ID)
		if a == nil {
			return nil, NotFound("award_id")
		}
		s.award, s.list, s.lot = a, &a.Complaints, a.LotID
	case "qualification":
		q := t.qualification(of.ID)
		if q == nil {
			return nil, NotFound("qualification_id")
		}
		s.qualification, s.list, s.lot = q, &q.Complaints, q.LotID
	case "cancellation":
		c := t.cancellation(of.ID)
		if c == nil {
			return nil, NotFound("cancellation_id")
		}
		s.cancellation, s.list, s.lot = c, &c.Complaints, c.RelatedLot
	default:
		return nil, NotFound("complaint_of")
	}
	return s, nil
}

func (s *complaintSite) find(id string) (*Complaint, error) {
	for i := range *s.list {
		if (*s.list)[i].ID == id {
			return &(*s.list)[i], nil
		}
	}
	return nil, NotFound("complaint_id")
}

// ComplaintsOf returns the complaints lodged against of. Readers call it on
// a View, which strips the authors' credentials.
func (t *Tender) ComplaintsOf(of ComplaintOf) ([]Complaint, error) {
	s, err := t.complaintSite(of)
	if err != nil {
		return nil, err
	}
	return *s.list, nil
}

func within(now time.Time, p *Period) bool {
	return p != nil && p.EndDate != nil && (p.StartDate == nil || !now.Before(*p.StartDate)) && now.Before(*p.EndDate)
}

func periodText(p *Period) string {
	if p == nil || p.EndDate == nil {
		return "none"
	}
	start := "-"
	if p.StartDate != nil {
		start = p.StartDate.Format(time.RFC3339)
	}
	return fmt.Sprintf("from (%s) to (%s)", start, p.EndDate.Format(time.RFC3339))
}

// checkWindow refuses a claim or complaint of type typ at site outside the
// window in which the procedure allows it.
func (t *Tender) checkWindow(s *complaintSite, typ string, now time.Time) error {
	pmt := t.ProcurementMethodType
	switch s.of.Kind {
	case "tender":
		if typ == TypeClaim {
			open := t.Status == StatusEnquiries || t.Status == StatusTendering && !t.Config.HasEnquiries
			if t.EnquiryPeriod == nil || !open || !within(now, t.EnquiryPeriod) {
				return Forbidden("Can submit claim only in enquiryPeriod (%s)", periodText(t.EnquiryPeriod))
			}
			return nil
		}
		if !t.Config.HasTenderComplaints {
			return Forbidden("Complaints on the tender conditions are not allowed in %s", pmt)
		}
		if t.Status != StatusTendering || !within(now, t.ComplaintPeriod) {
			return Forbidden("Can submit complaint only in complaintPeriod (%s)", periodText(t.ComplaintPeriod))
		}
	case "award":
		a := s.award
		if typ == TypeClaim && t.rules().limited() {
			return Forbidden("Claims on awards are not allowed in %s", pmt)
		}
		if typ == TypeComplaint && !t.Config.HasAwardComplaints {
			return Forbidden("Complaints on awards are not allowed in %s", pmt)
		}
		if !t.awardDecisionStatus() {
			return statusForbidden("add complaint", t.Status)
		}
		if a.Status != AwardActive && a.Status != AwardUnsuccessful {
			return Forbidden("Can add complaint only on an active or unsuccessful award, not %s", a.Status)
		}
		if !t.lotOpen(a.LotID) {
			return Forbidden("Can add complaint only in active lot status")
		}
		if !within(now, a.ComplaintPeriod) {
			return Forbidden("Can submit complaint only in award complaintPeriod (%s)", periodText(a.ComplaintPeriod))
		}
	case "qualification":
		q := s.qualification
		if !t.Config.HasQualificationComplaints {
			return Forbidden("Complaints on qualifications are not allowed in %s", pmt)
		}
		if t.Status != StatusPrequalStandstill {
			return statusForbidden("add complaint", t.Status)
		}
		if q.Status != QualificationActive && q.Status != QualificationUnsuccessful {
			return Forbidden("Can add complaint only on an active or unsuccessful qualification, not %s", q.Status)
		}
		if !t.lotOpen(q.LotID) {
			return Forbidden("Can add complaint only in active lot status")
		}
		if !within(now, t.QualificationPeriod) {
			return Forbidden("Can submit complaint only in qualificationPeriod (%s)", periodText(t.QualificationPeriod))
		}
	case "cancellation":
		c := s.cancellation
		if typ == TypeClaim {
			return Forbidden("Only complaints (type complaint) may be lodged against a cancellation")
		}
		if !t.Config.HasCancellationComplaints {
			return Forbidden("Complaints on cancellations are not allowed in %s", pmt)
		}
		if c.Status != CancellationPending || !within(now, c.ComplaintPeriod) {
			return Forbidden("Can submit complaint only while the cancellation is pending, in its complaintPeriod (%s)", periodText(c.ComplaintPeriod))
		}
	}
	return nil
}

// bidderOf reports whether actor presented the token of one of t's
// submitted bids.
func (t *Tender) bidderOf(actor Actor, statuses ...string) bool {
	for i := range t.Bids {
		b := &t.Bids[i]
		for _, st := range statuses {
			if b.Status == st && owns(actor, b.Owner, b.Access) {
				return true
			}
		}
	}
	return false
}

// addComplaint lodges a claim or a complaint for actor's user. Awards and
// qualifications of a procedure with bids may be complained about only by
// a bidder, who proves it with the bid's token, as in ProZorro.
func (t *Tender) addComplaint(of ComplaintOf, actor Actor, in ComplaintInput, now time.Time, newID func() string) (*Complaint, error) {
	if actor.Role != RoleBroker || !actor.HasLevel(t.rules().bidLevel) {
		return nil, Forbidden("Broker Accreditation level does not permit complaint creation")
	}
	if owns(actor, t.Owner, t.Access) {
		return nil, Forbidden("The tender owner can't complain about its own tender")
	}
	s, err := t.complaintSite(of)
	if err != nil {
		return nil, err
	}
	var p Problems
	for _, name := range in.sent() {
		switch name {
		case "type", "status", "author", "title", "description", "relatedLot":
		default:
			p.Add(name, "Rogue field")
		}
	}
	typ := ""
	switch {
	case in.Type == nil:
		p.Add("type", "This field is required.")
	case *in.Type == TypeClaim || *in.Type == TypeComplaint:
		typ = *in.Type
	default:
		p.Add("type", "Value must be one of: claim, complaint")
	}
	status := ComplaintDraft
	if in.Status != nil {
		status = *in.Status
		if status != ComplaintDraft && !(status == ComplaintClaim && typ == TypeClaim) {
			if typ == TypeClaim {
				p.Add("status", "Value must be one of: draft, claim")
			} else {
				p.Add("status", "Value must be draft: a complaint goes to the review body once its fee is paid")
			}
		}
	}
	if in.Author == nil {
		p.Add("author", "This field is required.")
	} else {
		validateOrganization("author", *in.Author, true, &p)
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		p.Add("title", "This field is required.")
	}
	lot := s.lot
	if in.RelatedLot != nil && *in.RelatedLot != "" {
		switch {
		case of.Kind != "tender":
			p.Add("relatedLot", "Rogue field: only complaints on the tender name a lot")
		case t.lot(*in.RelatedLot) == nil:
			p.Add("relatedLot", "relatedLot should be one of lots")
		default:
			lot = *in.RelatedLot
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if lot != "" && !t.lotOpen(lot) {
		return nil, Forbidden("Can add complaint only in active lot status")
	}
	if of.Kind != "cancellation" {
		if err := t.checkNotCancelling(lot); err != nil {
			return nil, err
		}
	}
	if err := t.checkWindow(s, typ, now); err != nil {
		return nil, err
	}
	if (of.Kind == "award" || of.Kind == "qualification") && !t.rules().limited() &&
		!t.bidderOf(actor, BidPending, BidActive, BidUnsuccessful) {
		return nil, Forbidden("Only a bidder may complain about the %s: send the bid's token", of.Kind)
	}
	c := Complaint{
		ID: newID(), ComplaintID: fmt.Sprintf("%s.a%d", t.TenderID, t.complaintCount()+1),
		Type: typ, Status: status, Author: *in.Author, Title: *in.Title, Date: now, Owner: actor.Platform,
	}
	if of.Kind == "tender" {
		c.RelatedLot = lot
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if status == ComplaintClaim {
		c.DateSubmitted = ptr(now)
	}
	if typ == TypeComplaint {
		c.Value = complaintFee(t.lotValue(lot).Amount, t.Status == StatusTendering)
	}
	*s.list = append(*s.list, c)
	return &(*s.list)[len(*s.list)-1], nil
}

// complaintCount is how many claims and complaints t holds, everywhere.
func (t *Tender) complaintCount() int {
	n := 0
	for _, cl := range t.complaintLists() {
		n += len(*cl.list)
	}
	return n
}

// Parties to a complaint, as far as what they may do with it goes.
const (
	partyAuthor   = "complaint_owner"
	partyOwner    = "tender_owner"
	partyReviewer = "aboveThresholdReviewers"
	partyBot      = "bots"
)

// complaintParty returns who actor is to complaint c, or a refusal.
func (t *Tender) complaintParty(c *Complaint, actor Actor) (string, error) {
	switch {
	case actor.Role == RoleReviewer:
		return partyReviewer, nil
	case actor.Role == RoleBot:
		return partyBot, nil
	case owns(actor, c.Owner, c.Access):
		return partyAuthor, nil
	case owns(actor, t.Owner, t.Access):
		return partyOwner, nil
	}
	return "", Forbidden("Forbidden")
}

// patchFields lists, per party, the fields it may send on a complaint.
var patchFields = map[string]map[string]bool{
	partyAuthor:   {"status": true, "title": true, "description": true, "satisfied": true, "cancellationReason": true},
	partyOwner:    {"status": true, "resolution": true, "resolutionType": true, "tendererAction": true},
	partyReviewer: {"status": true, "decision": true, "rejectReason": true, "rejectReasonDescription": true, "reviewDate": true, "reviewPlace": true},
	partyBot:      {"status": true},
}

// patchComplaint moves complaint id at of on as party actor may.
func (t *Tender) patchComplaint(of ComplaintOf, id string, actor Actor, in ComplaintInput, now time.Time) (*Complaint, error) {
	s, err := t.complaintSite(of)
	if err != nil {
		return nil, err
	}
	c, err := s.find(id)
	if err != nil {
		return nil, err
	}
	party, err := t.complaintParty(c, actor)
	if err != nil {
		return nil, err
	}
	if t.Status.Final() && party != partyReviewer {
		return nil, statusForbidden("update complaint", t.Status)
	}
	var p Problems
	for _, name := range in.sent() {
		switch {
		case patchFields[party][name]:
		case name == "type" && *in.Type == c.Type, name == "relatedLot" && *in.RelatedLot == c.RelatedLot:
		default:
			p.Add(name, "Rogue field")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	to := c.Status
	if in.Status != nil {
		to = *in.Status
	}
	refused := Forbidden("Can't update %s from %s to %s status as %s", c.Type, c.Status, to, party)
	if to == c.Status {
		refused = Forbidden("Can't update %s in current (%s) status as %s", c.Type, c.Status, party)
		return c, t.editComplaint(c, party, in, refused)
	}
	switch party {
	case partyAuthor:
		return c, t.authorMoves(s, c, to, in, now, refused)
	case partyOwner:
		return c, t.ownerMoves(s, c, to, in, now, refused)
	case partyReviewer:
		return c, t.reviewerMoves(s, c, to, in, now, refused)
	case partyBot:
		if c.Type != TypeComplaint || c.Status != ComplaintDraft || to != ComplaintPending {
			return nil, refused
		}
		c.Status, c.DateSubmitted = ComplaintPending, ptr(now)
		return c, nil
	}
	return nil, refused
}

// editComplaint applies a patch that keeps the status: the author edits a
// draft or says whether the buyer's answer satisfied them.
func (t *Tender) editComplaint(c *Complaint, party string, in ComplaintInput, refused error) error {
	switch {
	case party == partyAuthor && c.Status == ComplaintDraft && in.Satisfied == nil && in.CancellationReason == nil:
		if in.Title != nil {
			if strings.TrimSpace(*in.Title) == "" {
				return Invalid("title", "This field is required.")
			}
			c.Title = *in.Title
		}
		if in.Description != nil {
			c.Description = *in.Description
		}
		return nil
	case party == partyAuthor && c.Status == ComplaintAnswered && in.Satisfied != nil &&
		in.Title == nil && in.Description == nil && in.CancellationReason == nil:
		c.Satisfied = in.Satisfied
		return nil
	case len(in.sent()) == 0 || len(in.sent()) == 1 && in.Status != nil:
		return nil // nothing to change
	}
	return refused
}

func requireText(p *Problems, name string, v *string, min int) string {
	switch {
	case v == nil || strings.TrimSpace(*v) == "":
		p.Add(name, "This field is required.")
	case utf8.RuneCountInString(strings.TrimSpace(*v)) < min:
		p.Add(name, "String value is too short: at least %d characters", min)
	default:
		return *v
	}
	return ""
}

// authorMoves: a claim is submitted, withdrawn or accepted as resolved; an
// unpaid complaint is dropped; a complaint under review is withdrawn.
func (t *Tender) authorMoves(s *complaintSite, c *Complaint, to string, in ComplaintInput, now time.Time, refused error) error {
	var p Problems
	if in.Title != nil || in.Description != nil {
		if c.Status != ComplaintDraft {
			return refused
		}
		if in.Title != nil {
			if strings.TrimSpace(*in.Title) == "" {
				return Invalid("title", "This field is required.")
			}
			c.Title = *in.Title
		}
		if in.Description != nil {
			c.Description = *in.Description
		}
	}
	claim := c.Type == TypeClaim
	switch {
	case claim && c.Status == ComplaintDraft && to == ComplaintClaim:
		if err := t.checkWindow(s, TypeClaim, now); err != nil {
			return err
		}
		c.Status, c.DateSubmitted = ComplaintClaim, ptr(now)
	case claim && to == ComplaintCancelled && (c.Status == ComplaintDraft || c.Status == ComplaintClaim || c.Status == ComplaintAnswered),
		!claim && to == ComplaintStopping && (c.Status == ComplaintPending || c.Status == ComplaintAccepted):
		reason := requireText(&p, "cancellationReason", in.CancellationReason, 1)
		if err := p.Err(); err != nil {
			return err
		}
		c.Status, c.CancellationReason, c.DateCanceled = to, reason, ptr(now)
	case claim && c.Status == ComplaintAnswered && to == ComplaintResolved:
		if in.Satisfied != nil {
			c.Satisfied = in.Satisfied
		}
		if !boolOr(c.Satisfied, false) {
			return Invalid("satisfied", "A claim is resolved only when its author is satisfied with the answer")
		}
		c.Status = ComplaintResolved
	case !claim && c.Status == ComplaintDraft && to == ComplaintMistaken:
		c.Status, c.RejectReason = ComplaintMistaken, "cancelledByComplainant"
	default:
		return refused
	}
	if in.Satisfied != nil && to != ComplaintResolved {
		return Invalid("satisfied", "Only an answered claim can be marked satisfied")
	}
	if in.CancellationReason != nil && to != ComplaintCancelled && to != ComplaintStopping {
		return Invalid("cancellationReason", "Rogue field: only for status cancelled or stopping")
	}
	return nil
}

// ownerMoves: the buyer answers a claim, or reports what it did about an
// upheld complaint. An upheld complaint on an award or a qualification is
// resolved once that decision has been cancelled.
func (t *Tender) ownerMoves(s *complaintSite, c *Complaint, to string, in ComplaintInput, now time.Time, refused error) error {
	var p Problems
	switch {
	case c.Type == TypeClaim && c.Status == ComplaintClaim && to == ComplaintAnswered:
		if in.TendererAction != nil {
			p.Add("tendererAction", "Rogue field: only for resolving an upheld complaint")
		}
		resolution := requireText(&p, "resolution", in.Resolution, minAnswer)
		rt := ""
		switch {
		case in.ResolutionType == nil:
			p.Add("resolutionType", "This field is required.")
		case *in.ResolutionType == "resolved" || *in.ResolutionType == "declined" || *in.ResolutionType == "invalid":
			rt = *in.ResolutionType
		default:
			p.Add("resolutionType", "Value must be one of: resolved, declined, invalid")
		}
		if err := p.Err(); err != nil {
			return err
		}
		c.Status, c.Resolution, c.ResolutionType, c.DateAnswered = ComplaintAnswered, resolution, rt, ptr(now)
	case c.Type == TypeComplaint && c.Status == ComplaintSatisfied && to == ComplaintResolved:
		if in.Resolution != nil || in.ResolutionType != nil {
			p.Add("resolution", "Rogue field: only for answering a claim")
		}
		action := requireText(&p, "tendererAction", in.TendererAction, minAnswer)
		if err := p.Err(); err != nil {
			return err
		}
		if a := s.award; a != nil && a.Status != AwardCancelled {
			return Forbidden("Cancel the award the complaint was upheld against before resolving the complaint")
		}
		if q := s.qualification; q != nil && q.Status != QualificationCancelled {
			return Forbidden("Cancel the qualification the complaint was upheld against before resolving the complaint")
		}
		c.Status, c.TendererAction, c.TendererActionDate = ComplaintResolved, action, ptr(now)
	default:
		return refused
	}
	return nil
}

// reviewerMoves: the review body accepts a paid complaint for review or
// rejects it, then decides on it; an upheld complaint on a cancellation
// stops that cancellation.
func (t *Tender) reviewerMoves(s *complaintSite, c *Complaint, to string, in ComplaintInput, now time.Time, refused error) error {
	if c.Type != TypeComplaint {
		return Forbidden("Claims are answered by the buyer, not by the review body")
	}
	var p Problems
	rogue := func(names ...string) {
		for _, n := range names {
			for _, sent := range in.sent() {
				if sent == n {
					p.Add(n, "Rogue field for status %s", to)
				}
			}
		}
	}
	switch {
	case c.Status == ComplaintPending && to == ComplaintAccepted:
		rogue("decision", "rejectReason", "rejectReasonDescription")
		if in.ReviewDate == nil {
			p.Add("reviewDate", "This field is required.")
		}
		place := requireText(&p, "reviewPlace", in.ReviewPlace, 1)
		if err := p.Err(); err != nil {
			return err
		}
		c.Status, c.ReviewDate, c.ReviewPlace, c.DateAccepted = ComplaintAccepted, ptr(in.ReviewDate.In(Kyiv)), place, ptr(now)
	case (c.Status == ComplaintPending || c.Status == ComplaintStopping) && to == ComplaintInvalid:
		rogue("decision", "reviewDate", "reviewPlace")
		reason := ""
		switch {
		case in.RejectReason == nil:
			p.Add("rejectReason", "This field is required.")
		case !contains(rejectReasons, *in.RejectReason):
			p.Add("rejectReason", "Value must be one of: %s", strings.Join(rejectReasons, ", "))
		default:
			reason = *in.RejectReason
		}
		if err := p.Err(); err != nil {
			return err
		}
		c.Status, c.RejectReason, c.DateDecision = ComplaintInvalid, reason, ptr(now)
		if in.RejectReasonDescription != nil {
			c.RejectReasonDescription = *in.RejectReasonDescription
		}
	case c.Status == ComplaintAccepted && (to == ComplaintDeclined || to == ComplaintSatisfied || to == ComplaintStopped),
		c.Status == ComplaintStopping && to == ComplaintStopped:
		rogue("rejectReason", "rejectReasonDescription", "reviewDate", "reviewPlace")
		decision := requireText(&p, "decision", in.Decision, 1)
		if err := p.Err(); err != nil {
			return err
		}
		c.Status, c.Decision, c.DateDecision = to, decision, ptr(now)
		if x := s.cancellation; to == ComplaintSatisfied && x != nil && x.Status == CancellationPending {
			x.Status = CancellationUnsuccessful // the cancellation does not take effect
		}
	default:
		return refused
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// upheldIn reports a satisfied complaint, or one resolved after it was upheld.
func upheldIn(cs []Complaint) bool {
	for _, c := range cs {
		if c.Type == TypeComplaint && (c.Status == ComplaintSatisfied || c.Status == ComplaintResolved) {
			return true
		}
	}
	return false
}

// reopensPrequalification reports a request to cancel, during the
// stand-still, a qualification decision the review body found wrong: the
// tender then returns to active.pre-qualification.
func (t *Tender) reopensPrequalification(q *Qualification, in QualificationInput) bool {
	return t.Status == StatusPrequalStandstill && in.Status != nil && *in.Status == QualificationCancelled && upheldIn(q.Complaints)
}

// complaintDocs returns the document list of the complaint target names and
// checks that actor may add to it now: the author while the complaint is
// open, the buyer while it must act on it, the review body while it
// reviews.
func (t *Tender) complaintDocs(target DocTarget, actor Actor) (*[]Document, error) {
	s, err := t.complaintSite(ComplaintOf{Kind: target.Kind, ID: target.ID})
	if err != nil {
		return nil, err
	}
	c, err := s.find(target.Complaint)
	if err != nil {
		return nil, err
	}
	party, err := t.complaintParty(c, actor)
	if err != nil {
		return nil, err
	}
	open := map[string][]string{
		partyAuthor:   {ComplaintDraft, ComplaintClaim, ComplaintPending, ComplaintAccepted},
		partyOwner:    {ComplaintClaim, ComplaintPending, ComplaintAccepted, ComplaintSatisfied},
		partyReviewer: {ComplaintPending, ComplaintAccepted, ComplaintStopping},
	}
	if t.Status.Final() || !contains(open[party], c.Status) {
		return nil, Forbidden("Can't add document in current (%s) complaint status", c.Status)
	}
	return &c.Documents, nil
}

// complaintDocAuthor names who adds a complaint document.
func (t *Tender) complaintDocAuthor(target DocTarget, actor Actor) string {
	s, err := t.complaintSite(ComplaintOf{Kind: target.Kind, ID: target.ID})
	if err != nil {
		return ""
	}
	c, err := s.find(target.Complaint)
	if err != nil {
		return ""
	}
	party, _ := t.complaintParty(c, actor)
	return party
}

// view strips a complaint's credentials.
func (c Complaint) view() Complaint {
	return complaintsView([]Complaint{c})[0]
}

// AddComplaint lodges a claim or a complaint against of for a platform's
// user (a broker with the procedure's bid accreditation). The author's
// token is returned once.
func (s *Service) AddComplaint(ctx context.Context, id string, of ComplaintOf, actor Actor, in ComplaintInput) (*Tender, *Complaint, Credentials, error) {
	var out Complaint
	var creds Credentials
	t, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		c, err := t.addComplaint(of, actor, in, now, NewID)
		if err != nil {
			return err
		}
		creds = Credentials{Token: NewID()}
		c.Access = &Access{TokenHash: HashToken(creds.Token)}
		out = c.view()
		return nil
	})
	if err != nil {
		return nil, nil, Credentials{}, err
	}
	return t, &out, creds, nil
}

// PatchComplaint moves a claim or a complaint on: its author (complaint
// token), the buyer (tender token), the review body (reviewers role) or the
// payment robot (bots role), each within its own transitions.
func (s *Service) PatchComplaint(ctx context.Context, id string, of ComplaintOf, complaintID string, actor Actor, in ComplaintInput) (*Tender, *Complaint, error) {
	var out Complaint
	t, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		c, err := t.patchComplaint(of, complaintID, actor, in, now)
		if err != nil {
			return err
		}
		out = c.view()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, &out, nil
}
