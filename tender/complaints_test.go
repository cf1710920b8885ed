package tender_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Claims and complaints over the in-memory store, one table per procedure.
// Every row runs through runTable: the action's error code and field, the
// tender's status after it and, for a refusal, the stored tender unchanged.

var (
	reviewer   = tender.Actor{Platform: "amcu", Role: tender.RoleReviewer}
	paymentBot = tender.Actor{Platform: "payments", Role: tender.RoleBot}
)

// lodged is a complaint a test lodged: where, its id and its author with
// the author's token.
type lodged struct {
	of     tender.ComplaintOf
	id     string
	author tender.Actor
}

// lodgedBy keeps each env's complaints (rows run in parallel).
var lodgedBy sync.Map // *env → *[]lodged

func (e *env) lodged() *[]lodged {
	v, _ := lodgedBy.LoadOrStore(e, &[]lodged{})
	return v.(*[]lodged)
}

// last returns the complaint lodged last.
func (e *env) last() lodged {
	e.t.Helper()
	l := *e.lodged()
	if len(l) == 0 {
		e.t.Fatal("no complaint lodged")
	}
	return l[len(l)-1]
}

// complaint returns the stored last complaint.
func (e *env) complaint() tender.Complaint {
	e.t.Helper()
	l := e.last()
	cs, err := e.get().ComplaintsOf(l.of)
	e.must("complaints", err)
	for _, c := range cs {
		if c.ID == l.id {
			return c
		}
	}
	e.t.Fatalf("complaint %s not stored", l.id)
	return tender.Complaint{}
}

// target returns what a complaint of kind goes against now: the tender,
// the last decided award or qualification, the last cancellation.
func (e *env) target(kind string) tender.ComplaintOf {
	tn := e.get()
	of := tender.ComplaintOf{Kind: kind}
	switch kind {
	case "award":
		for _, a := range tn.Awards {
			if a.Status == tender.AwardActive || a.Status == tender.AwardUnsuccessful {
				of.ID = a.ID
			}
		}
	case "qualification":
		for _, q := range tn.Qualifications {
			if q.Status == tender.QualificationActive || q.Status == tender.QualificationUnsuccessful {
				of.ID = q.ID
			}
		}
	case "cancellation":
		if n := len(tn.Cancellations); n > 0 {
			of.ID = tn.Cancellations[n-1].ID
		}
	}
	return of
}

// who picks the complaint's author in a row.
type who func(e *env) tender.Actor

var outsider who = func(*env) tender.Actor { return bidPlatform("gromada") }

// bidderNo is the platform of the n-th bid (from 1), with the bid's token.
func bidderNo(n int) who { return func(e *env) tender.Actor { return e.bids[n-1].actor } }

func complaintInput(typ string) tender.ComplaintInput {
	return tender.ComplaintInput{Type: ptr(typ), Author: ptr(org("ГО Прозорість", "43000001")),
		Title: ptr("Дискримінаційні вимоги"), Description: ptr("Вимога щодо досвіду обмежує конкуренцію")}
}

// lodge lodges a claim or a complaint of typ against kind as by, edited by edits.
func (e *env) lodge(kind, typ string, by who, edits ...func(*tender.ComplaintInput)) error {
	in := complaintInput(typ)
	for _, edit := range edits {
		edit(&in)
	}
	actor := by(e)
	of := e.target(kind)
	_, c, creds, err := e.svc.AddComplaint(e.ctx, e.id, of, actor, in)
	if err != nil {
		return err
	}
	if c.Access != nil || c.Owner != "" || creds.Token == "" {
		return fmt.Errorf("credentials: stored %v/%q returned, token %q", c.Access, c.Owner, creds.Token)
	}
	actor.Token = creds.Token
	*e.lodged() = append(*e.lodged(), lodged{of: of, id: c.ID, author: actor})
	return nil
}

func file(kind, typ string, by who, edits ...func(*tender.ComplaintInput)) step {
	return step{fmt.Sprintf("%s against the %s", typ, kind), func(e *env) error { return e.lodge(kind, typ, by, edits...) }}
}

func asClaim(in *tender.ComplaintInput) { in.Status = ptr(tender.ComplaintClaim) }

// patch moves the last complaint on as actor.
func (e *env) patch(as tender.Actor, in tender.ComplaintInput) error {
	l := e.last()
	_, _, err := e.svc.PatchComplaint(e.ctx, e.id, l.of, l.id, as, in)
	return err
}

// by returns the actor of a party to the last complaint.
func (e *env) by(party string) tender.Actor {
	switch party {
	case "author":
		return e.last().author
	case "owner":
		return e.owner
	case "reviewer":
		return reviewer
	case "bot":
		return paymentBot
	}
	return bidPlatform(party)
}

func move(party string, in tender.ComplaintInput) step {
	return step{party + " moves the complaint to " + deref(in.Status), func(e *env) error { return e.patch(e.by(party), in) }}
}

func deref(s *string) string {
	if s == nil {
		return "(same)"
	}
	return *s
}

func moveTo(party, status string, edit func(*tender.ComplaintInput)) func(*env) error {
	in := tender.ComplaintInput{Status: ptr(status)}
	if edit != nil {
		edit(&in)
	}
	return move(party, in).do
}

var (
	payFee     = move("bot", tender.ComplaintInput{Status: ptr(tender.ComplaintPending)})
	acceptIt   = move("reviewer", tender.ComplaintInput{Status: ptr(tender.ComplaintAccepted), ReviewDate: ptr(t0.Add(30 * day)), ReviewPlace: ptr("АМКУ, Київ, вул. Митрополита Василя Липківського, 45")})
	upholdIt   = move("reviewer", tender.ComplaintInput{Status: ptr(tender.ComplaintSatisfied), Decision: ptr("Скаргу задовольнити")})
	declineIt  = move("reviewer", tender.ComplaintInput{Status: ptr(tender.ComplaintDeclined), Decision: ptr("У задоволенні скарги відмовити")})
	submitIt   = move("author", tender.ComplaintInput{Status: ptr(tender.ComplaintClaim)})
	answerIt   = move("owner", tender.ComplaintInput{Status: ptr(tender.ComplaintAnswered), Resolution: ptr("Вимогу щодо досвіду вилучено з документації"), ResolutionType: ptr("resolved")})
	fixedIt    = move("owner", tender.ComplaintInput{Status: ptr(tender.ComplaintResolved), TendererAction: ptr("Документацію змінено згідно з рішенням АМКУ")})
	cancelAwrd = step{"owner cancels the award", func(e *env) error {
		_, _, err := e.svc.PatchAward(e.ctx, e.id, e.last().of.ID, e.owner, tender.AwardInput{Status: ptr(tender.AwardCancelled)})
		return err
	}}
	cancelQual = step{"owner cancels the qualification", func(e *env) error {
		_, _, err := e.svc.PatchQualification(e.ctx, e.id, e.last().of.ID, e.owner, tender.QualificationInput{Status: ptr(tender.QualificationCancelled)})
		return err
	}}
	pendingCancellation = step{"owner sends a cancellation to its complaint period", func(e *env) error {
		_, c, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{Reason: ptr("Зникла потреба"), ReasonType: ptr("noDemand")})
		if err != nil {
			return err
		}
		if _, _, err := e.svc.AddDocument(e.ctx, e.id, tender.DocTarget{Kind: "cancellation", ID: c.ID}, e.owner, tender.DocumentInput{
			Title: ptr("cancellation.p7s"), URL: ptr("https://ds.example.org/c"), Format: ptr("application/pkcs7-signature"), DocumentType: ptr("cancellationReport")}); err != nil {
			return err
		}
		_, _, err = e.svc.PatchCancellation(e.ctx, e.id, c.ID, e.owner, tender.CancellationInput{Status: ptr(tender.CancellationPending)})
		return err
	}}
)

// at moves the clock to an instant computed from the env and runs the chronograph.
func at(what string, when func(e *env) time.Time) step {
	return step{"clock at " + what, func(e *env) error { e.clock.Set(when(e)); return e.chrono() }}
}

// explained logs why each refused action was refused (go test -v shows it).
func explained(tests []transition) []transition {
	for i := range tests {
		action := tests[i].action
		tests[i].action = func(e *env) error {
			err := action(e)
			if err != nil {
				e.t.Logf("refused: %v", err)
			}
			return err
		}
	}
	return tests
}

// complaintIs checks the last complaint's status.
func complaintIs(status string) func(t *testing.T, e *env, tn *tender.Tender) {
	return func(t *testing.T, e *env, tn *tender.Tender) {
		t.Helper()
		if c := e.complaint(); c.Status != status {
			t.Errorf("complaint status %q, want %q", c.Status, status)
		}
	}
}

func TestComplaintsBelowThreshold(t *testing.T) {
	enquiries := []step{publish}
	awarded := []step{publish, toTendering, bids("90000", "95000"), closeTendering, auction("88000", "89000"), qualify}
	runTable(t, nil, explained([]transition{
		{
			name: "claim on the tender during enquiries, submitted at once", setup: enquiries,
			action: func(e *env) error { return e.lodge("tender", tender.TypeClaim, outsider, asClaim) },
			status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				c := e.complaint()
				if c.Status != tender.ComplaintClaim || c.DateSubmitted == nil || c.Value != nil || c.Owner != "gromada" || c.Access == nil {
					t.Errorf("claim %+v", c)
				}
				if !strings.HasPrefix(c.ComplaintID, e.tid+".") || len(c.ComplaintID) <= len(e.tid)+1 {
					t.Errorf("complaintID %q, want %s.<n>", c.ComplaintID, e.tid)
				}
				if v := tn.View(tender.RolePublic, ""); v.Complaints[0].Access != nil || v.Complaints[0].Owner != "" {
					t.Errorf("public view shows credentials: %+v", v.Complaints[0])
				}
			},
		},
		{name: "claim in draft", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider)), status: tender.StatusEnquiries, check: complaintIs(tender.ComplaintDraft)},
		{name: "complaint to the review body on a belowThreshold tender", setup: enquiries, action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "claim after the enquiry period", setup: []step{publish, toTendering}, action: do(file("tender", tender.TypeClaim, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "claim on a draft tender", action: do(file("tender", tender.TypeClaim, outsider)), status: tender.StatusDraft, code: tender.CodeForbidden},
		{name: "claim by the tender owner", setup: enquiries, action: do(file("tender", tender.TypeClaim, func(e *env) tender.Actor { return e.owner })), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "claim by a platform without level 2", setup: enquiries, action: do(file("tender", tender.TypeClaim, func(*env) tender.Actor {
			return tender.Actor{Platform: "low", Role: tender.RoleBroker, Levels: "1"}
		})), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "claim by a robot", setup: enquiries, action: do(file("tender", tender.TypeClaim, func(*env) tender.Actor { return paymentBot })), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "claim without a type", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) { in.Type = nil })), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "type"},
		{name: "claim of an unknown type", setup: enquiries, action: do(file("tender", "appeal", outsider)), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "type"},
		{name: "claim without a title", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) { in.Title = ptr(" ") })), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "title"},
		{name: "claim by an author without an identifier", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) {
			a := org("ГО", "")
			in.Author = &a
		})), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "author.identifier.id"},
		{name: "claim created answered", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) { in.Status = ptr("answered") })), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "status"},
		{name: "claim with a resolution from its author", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) { in.Resolution = ptr("x") })), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "resolution"},
		{name: "claim on an unknown lot", setup: enquiries, action: do(file("tender", tender.TypeClaim, outsider, func(in *tender.ComplaintInput) { in.RelatedLot = ptr("nolot") })), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "relatedLot"},

		// The claim's life.
		{name: "author submits a draft claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider)}), action: do(submitIt), status: tender.StatusEnquiries, check: complaintIs(tender.ComplaintClaim)},
		{name: "author submits a draft claim after the enquiry period", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider), toTendering}), action: do(submitIt), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "author edits a draft", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider)}), action: do(move("author", tender.ComplaintInput{Title: ptr("Нова назва")})), status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Title != "Нова назва" {
					t.Errorf("title %q", c.Title)
				}
			}},
		{name: "author edits a submitted claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}), action: do(move("author", tender.ComplaintInput{Title: ptr("Нова назва")})), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "another platform moves the claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider)}), action: do(move("stranger", tender.ComplaintInput{Status: ptr(tender.ComplaintClaim)})), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "the author's platform without the token", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider)}), action: do(move("gromada", tender.ComplaintInput{Status: ptr(tender.ComplaintClaim)})), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "owner answers", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}), action: do(answerIt), status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintAnswered || c.DateAnswered == nil || c.ResolutionType != "resolved" {
					t.Errorf("answered claim %+v", c)
				}
			}},
		{name: "owner answers in under 20 characters", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}),
			action: moveTo("owner", tender.ComplaintAnswered, func(in *tender.ComplaintInput) {
				in.Resolution, in.ResolutionType = ptr("Виправлено"), ptr("resolved")
			}),
			status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "resolution"},
		{name: "owner answers with an unknown resolutionType", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}),
			action: moveTo("owner", tender.ComplaintAnswered, func(in *tender.ComplaintInput) {
				in.Resolution, in.ResolutionType = ptr("Вимогу щодо досвіду вилучено з документації"), ptr("accepted")
			}),
			status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "resolutionType"},
		{name: "owner answers a draft", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider)}), action: do(answerIt), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "author answers their own claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}), action: moveTo("author", tender.ComplaintAnswered, nil), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "review body answers a claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}), action: moveTo("reviewer", tender.ComplaintAccepted, nil), status: tender.StatusEnquiries, code: tender.CodeForbidden},
		{name: "author satisfied → resolved", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), answerIt}),
			action: moveTo("author", tender.ComplaintResolved, func(in *tender.ComplaintInput) { in.Satisfied = ptr(true) }), status: tender.StatusEnquiries, check: complaintIs(tender.ComplaintResolved)},
		{name: "resolved without being satisfied", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), answerIt}),
			action: moveTo("author", tender.ComplaintResolved, nil), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "satisfied"},
		{name: "not satisfied: the claim stays answered", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), answerIt}),
			action: do(move("author", tender.ComplaintInput{Satisfied: ptr(false)})), status: tender.StatusEnquiries, check: complaintIs(tender.ComplaintAnswered)},
		{name: "author cancels a submitted claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}),
			action: moveTo("author", tender.ComplaintCancelled, func(in *tender.ComplaintInput) { in.CancellationReason = ptr("Питання знято") }), status: tender.StatusEnquiries,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintCancelled || c.DateCanceled == nil || c.CancellationReason == "" {
					t.Errorf("cancelled claim %+v", c)
				}
			}},
		{name: "author cancels without a reason", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim)}),
			action: moveTo("author", tender.ComplaintCancelled, nil), status: tender.StatusEnquiries, code: tender.CodeInvalid, field: "cancellationReason"},
		{name: "author cancels a resolved claim", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), answerIt,
			move("author", tender.ComplaintInput{Status: ptr(tender.ComplaintResolved), Satisfied: ptr(true)})}),
			action: moveTo("author", tender.ComplaintCancelled, func(in *tender.ComplaintInput) { in.CancellationReason = ptr("x") }), status: tender.StatusEnquiries, code: tender.CodeForbidden},

		// Blocking: an unanswered claim holds the tender period open.
		{name: "an unanswered claim holds the end of tendering", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), toTendering, bids("90000")}),
			action: do(closeTendering), status: tender.StatusTendering},
		{name: "answered, the tender moves on", setup: then(enquiries, []step{file("tender", tender.TypeClaim, outsider, asClaim), toTendering, bids("90000"), closeTendering, answerIt}),
			action: do(runChrono), status: tender.StatusQualification, check: complaintIs("resolved")},

		// Awards: claims only, during the award's complaint period, by a bidder.
		{name: "losing bidder claims against the award", setup: awarded, action: do(file("award", tender.TypeClaim, bidderNo(2), asClaim)), status: tender.StatusAwarded, check: complaintIs(tender.ComplaintClaim)},
		{name: "complaint against an award in belowThreshold", setup: awarded, action: do(file("award", tender.TypeComplaint, bidderNo(2))), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "claim against the award by a non-bidder", setup: awarded, action: do(file("award", tender.TypeClaim, outsider)), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "claim against the award with the tender owner's token", setup: awarded, action: do(file("award", tender.TypeClaim, func(e *env) tender.Actor { return e.owner })), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "claim after the award's complaint period", setup: then(awarded, []step{advance(3 * day)}), action: do(file("award", tender.TypeClaim, bidderNo(2))), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "claim against a pending award", setup: []step{publish, toTendering, bids("90000", "95000"), closeTendering, auction("88000", "89000")},
			action: func(e *env) error {
				_, _, _, err := e.svc.AddComplaint(e.ctx, e.id, tender.ComplaintOf{Kind: "award", ID: e.pendingAward().ID}, e.bids[1].actor, complaintInput(tender.TypeClaim))
				return err
			}, status: tender.StatusQualification, code: tender.CodeForbidden},
		{name: "claim against an unknown award", setup: awarded,
			action: func(e *env) error {
				_, _, _, err := e.svc.AddComplaint(e.ctx, e.id, tender.ComplaintOf{Kind: "award", ID: "nope"}, e.bids[1].actor, complaintInput(tender.TypeClaim))
				return err
			}, status: tender.StatusAwarded, code: tender.CodeNotFound, field: "award_id"},
		{name: "an unanswered award claim stops the contract", setup: then(awarded, []step{file("award", tender.TypeClaim, bidderNo(2), asClaim)}), action: do(sign), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "answered, the contract is signed", setup: then(awarded, []step{file("award", tender.TypeClaim, bidderNo(2), asClaim), answerIt}), action: do(sign), status: tender.StatusComplete},
		{name: "claim on a complete tender", setup: then(awarded, []step{sign}), action: do(file("award", tender.TypeClaim, bidderNo(2))), status: tender.StatusComplete, code: tender.CodeForbidden},
	}))
}

// uaAward is an aboveThresholdUA tender whose first award (to bid 1) is active.
var uaAward = []step{publishOpen, bids("80000", "85000"), closeTendering, noAuctionRun, qualifyOpen}

func TestComplaintsAboveThresholdUA(t *testing.T) {
	base := []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdUA, 16), noAuctionMode}
	tendering := []step{publishOpen}
	pending := then(tendering, []step{file("tender", tender.TypeComplaint, outsider), payFee})
	accepted := then(pending, []step{acceptIt})
	runTable(t, base, explained([]transition{
		{
			name: "complaint on the tender conditions: a draft with its fee", setup: tendering,
			action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				c := e.complaint()
				if c.Status != tender.ComplaintDraft || c.Value == nil || c.Value.Currency != "UAH" || c.DateSubmitted != nil {
					t.Fatalf("complaint %+v", c)
				}
				amountIs(t, "fee", c.Value.Amount, "2000")
			},
		},
		{name: "complaint created pending", setup: tendering, action: do(file("tender", tender.TypeComplaint, outsider, func(in *tender.ComplaintInput) { in.Status = ptr("pending") })), status: tender.StatusTendering, code: tender.CodeInvalid, field: "status"},
		{name: "claim until enquiryPeriod.endDate", setup: then(tendering, []step{at("a second before enquiries end", func(e *env) time.Time { return e.epEnd.Add(-time.Millisecond) })}),
			action: do(file("tender", tender.TypeClaim, outsider, asClaim)), status: tender.StatusTendering},
		{name: "claim after enquiryPeriod.endDate", setup: then(tendering, []step{at("enquiries end", func(e *env) time.Time { return e.epEnd })}),
			action: do(file("tender", tender.TypeClaim, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "complaint after enquiries, before complaintPeriod.endDate", setup: then(tendering, []step{at("5 days before the end", func(e *env) time.Time { return e.tpEnd.Add(-5 * day) })}),
			action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusTendering},
		{name: "complaint after complaintPeriod.endDate", setup: then(tendering, []step{at("4 days before the end", func(e *env) time.Time { return e.tpEnd.Add(-4 * day) })}),
			action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},

		// Payment and review.
		{name: "payment robot: draft → pending", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: do(payFee), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintPending || c.DateSubmitted == nil {
					t.Errorf("paid complaint %+v", c)
				}
			}},
		{name: "author marks their own complaint paid", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: moveTo("author", tender.ComplaintPending, nil), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "review body takes an unpaid complaint", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: do(acceptIt), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "payment robot accepts for review", setup: pending, action: moveTo("bot", tender.ComplaintAccepted, nil), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "payment robot sends a decision", setup: pending, action: do(move("bot", tender.ComplaintInput{Status: ptr(tender.ComplaintAccepted), Decision: ptr("x")})), status: tender.StatusTendering, code: tender.CodeInvalid, field: "decision"},
		{name: "author drops an unpaid draft → mistaken", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: moveTo("author", tender.ComplaintMistaken, nil), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintMistaken || c.RejectReason != "cancelledByComplainant" {
					t.Errorf("dropped complaint %+v", c)
				}
			}},
		{name: "an unpaid draft turns mistaken when the complaint period ends", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}),
			action: do(at("complaintPeriod.endDate", func(e *env) time.Time { return e.tpEnd.Add(-4 * day) })), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintMistaken || c.RejectReason != "complaintPeriodEnded" {
					t.Errorf("expired complaint %+v", c)
				}
			}},
		{name: "accepted for review", setup: pending, action: do(acceptIt), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintAccepted || c.DateAccepted == nil || c.ReviewDate == nil || c.ReviewPlace == "" {
					t.Errorf("accepted complaint %+v", c)
				}
			}},
		{name: "accepted without reviewDate", setup: pending, action: moveTo("reviewer", tender.ComplaintAccepted, func(in *tender.ComplaintInput) { in.ReviewPlace = ptr("АМКУ") }),
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "reviewDate"},
		{name: "left without consideration", setup: pending, action: moveTo("reviewer", tender.ComplaintInvalid, func(in *tender.ComplaintInput) { in.RejectReason = ptr("lawNonCompliance") }),
			status: tender.StatusTendering, check: complaintIs(tender.ComplaintInvalid)},
		{name: "left without consideration for an unknown reason", setup: pending, action: moveTo("reviewer", tender.ComplaintInvalid, func(in *tender.ComplaintInput) { in.RejectReason = ptr("tooLate") }),
			status: tender.StatusTendering, code: tender.CodeInvalid, field: "rejectReason"},
		{name: "satisfied straight from pending", setup: pending, action: do(upholdIt), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "declined", setup: accepted, action: do(declineIt), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintDeclined || c.DateDecision == nil || c.Decision == "" {
					t.Errorf("declined complaint %+v", c)
				}
			}},
		{name: "decision without its text", setup: accepted, action: moveTo("reviewer", tender.ComplaintSatisfied, nil), status: tender.StatusTendering, code: tender.CodeInvalid, field: "decision"},
		{name: "author withdraws → stopping", setup: accepted, action: moveTo("author", tender.ComplaintStopping, func(in *tender.ComplaintInput) {
			in.CancellationReason = ptr("Замовник виправив документацію")
		}),
			status: tender.StatusTendering, check: complaintIs(tender.ComplaintStopping)},
		{name: "author withdraws without a reason", setup: accepted, action: moveTo("author", tender.ComplaintStopping, nil), status: tender.StatusTendering, code: tender.CodeInvalid, field: "cancellationReason"},
		{name: "review body stops a withdrawn complaint", setup: then(accepted, []step{move("author", tender.ComplaintInput{Status: ptr(tender.ComplaintStopping), CancellationReason: ptr("Відкликано")})}),
			action: moveTo("reviewer", tender.ComplaintStopped, func(in *tender.ComplaintInput) { in.Decision = ptr("Розгляд припинено") }), status: tender.StatusTendering, check: complaintIs(tender.ComplaintStopped)},
		{name: "owner resolves a complaint that was not upheld", setup: then(accepted, []step{declineIt}), action: do(fixedIt), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "owner resolves an upheld complaint in under 20 characters", setup: then(accepted, []step{upholdIt}),
			action: moveTo("owner", tender.ComplaintResolved, func(in *tender.ComplaintInput) { in.TendererAction = ptr("Зроблено") }), status: tender.StatusTendering, code: tender.CodeInvalid, field: "tendererAction"},
		{name: "owner resolves an upheld complaint", setup: then(accepted, []step{upholdIt}), action: do(fixedIt), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := e.complaint(); c.Status != tender.ComplaintResolved || c.TendererActionDate == nil {
					t.Errorf("resolved complaint %+v", c)
				}
			}},

		// Blocking: complaints on the conditions hold the end of tendering.
		{name: "a pending complaint holds the end of tendering", setup: then(pending, []step{bids("80000", "85000")}), action: do(closeTendering), status: tender.StatusTendering},
		{name: "an upheld, unresolved complaint holds it too", setup: then(accepted, []step{upholdIt, bids("80000", "85000")}), action: do(closeTendering), status: tender.StatusTendering},
		{name: "a declined complaint does not", setup: then(accepted, []step{declineIt, bids("80000", "85000")}), action: do(closeTendering), status: tender.StatusAuction},
		{name: "an unpaid draft does not", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider), bids("80000", "85000")}), action: do(closeTendering), status: tender.StatusAuction},
		{name: "resolved, the tender moves on", setup: then(accepted, []step{upholdIt, bids("80000", "85000"), closeTendering, fixedIt}), action: do(runChrono), status: tender.StatusAuction},

		// Awards.
		{name: "losing bidder complains against the award: fee at the later rate", setup: uaAward, action: do(file("award", tender.TypeComplaint, bidderNo(2))), status: tender.StatusAwarded,
			check: func(t *testing.T, e *env, tn *tender.Tender) { amountIs(t, "fee", e.complaint().Value.Amount, "3000") }},
		{name: "losing bidder claims against the award", setup: uaAward, action: do(file("award", tender.TypeClaim, bidderNo(2), asClaim)), status: tender.StatusAwarded},
		{name: "complaint against the award by a non-bidder", setup: uaAward, action: do(file("award", tender.TypeComplaint, outsider)), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "complaint after the 10-day standstill", setup: then(uaAward, []step{advance(10 * day)}), action: do(file("award", tender.TypeComplaint, bidderNo(2))), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "a paid award complaint stops the contract after the standstill", setup: then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), payFee, afterDays(10)}),
			action: do(sign), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "an unpaid one turns mistaken and does not", setup: then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), afterDays(10)}),
			action: do(sign), status: tender.StatusComplete, check: complaintIs(tender.ComplaintMistaken)},
		{name: "upheld: resolving before the award is cancelled", setup: then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), payFee, acceptIt, upholdIt}),
			action: do(fixedIt), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "upheld: the contract stays blocked after the standstill", setup: then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), payFee, acceptIt, upholdIt, afterDays(10)}),
			action: do(sign), status: tender.StatusAwarded, code: tender.CodeForbidden},
		{name: "upheld: award cancelled, complaint resolved, the bid is decided again",
			setup:  then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), payFee, acceptIt, upholdIt, cancelAwrd}),
			action: do(fixedIt), status: tender.StatusQualification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if len(tn.Awards) != 2 || tn.Awards[0].Status != tender.AwardCancelled || tn.Awards[1].Status != tender.AwardPending || tn.Awards[1].BidID != e.bids[0].id {
					t.Errorf("awards %+v", tn.Awards)
				}
				if tn.Contracts[0].Status != tender.ContractCancelled {
					t.Errorf("contract %q, want cancelled", tn.Contracts[0].Status)
				}
			}},
		{name: "upheld: the next bidder wins and signs after its own standstill",
			setup: then(uaAward, []step{file("award", tender.TypeComplaint, bidderNo(2)), payFee, acceptIt, upholdIt, cancelAwrd, fixedIt,
				disqualifyOpen, qualifyOpen, afterDays(10)}),
			action: do(sign), status: tender.StatusComplete,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if a := tn.Awards[len(tn.Awards)-1]; a.BidID != e.bids[1].id || a.Status != tender.AwardActive {
					t.Errorf("winning award %+v", a)
				}
			}},

		// Cancellations.
		{name: "complaint against a pending cancellation", setup: then(tendering, []step{pendingCancellation}), action: do(file("cancellation", tender.TypeComplaint, outsider)), status: tender.StatusTendering},
		{name: "claim against a cancellation", setup: then(tendering, []step{pendingCancellation}), action: do(file("cancellation", tender.TypeClaim, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "complaint against a draft cancellation", setup: then(tendering, []step{{"draft cancellation", func(e *env) error {
			_, _, err := e.svc.AddCancellation(e.ctx, e.id, e.owner, tender.CancellationInput{Reason: ptr("Зникла потреба"), ReasonType: ptr("noDemand")})
			return err
		}}}), action: do(file("cancellation", tender.TypeComplaint, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "a pending complaint holds the cancellation past its complaint period", setup: then(tendering, []step{pendingCancellation, file("cancellation", tender.TypeComplaint, outsider), payFee}),
			action: do(afterDays(11)), status: tender.StatusTendering},
		{name: "without one the cancellation takes effect", setup: then(tendering, []step{pendingCancellation}), action: do(afterDays(11)), status: tender.StatusCancelled},
		{name: "declined, the cancellation takes effect", setup: then(tendering, []step{pendingCancellation, file("cancellation", tender.TypeComplaint, outsider), payFee, acceptIt, afterDays(11)}),
			action: do(declineIt), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				e.must("chronograph", e.chrono())
				if s := e.get().Status; s != tender.StatusCancelled {
					t.Errorf("status after the decision %q, want cancelled", s)
				}
			}},
		{name: "upheld, the cancellation does not take effect", setup: then(tendering, []step{pendingCancellation, file("cancellation", tender.TypeComplaint, outsider), payFee, acceptIt}),
			action: do(upholdIt), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if c := tn.Cancellations[0]; c.Status != tender.CancellationUnsuccessful {
					t.Errorf("cancellation %q, want unsuccessful", c.Status)
				}
				e.clock.Advance(11 * day)
				e.must("chronograph", e.chrono())
				if s := e.get().Status; s != tender.StatusTendering {
					t.Errorf("status %q after the complaint period, want active.tendering", s)
				}
				e.must("owner resolves", fixedIt.do(e))
			}},
		{name: "complaints on the tender wait while it is being cancelled", setup: then(tendering, []step{pendingCancellation}), action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusTendering, code: tender.CodeForbidden},

		// Documents.
		{name: "author adds a document to a draft", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: complaintDoc("author"), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if ds := e.complaint().Documents; len(ds) != 1 || ds[0].Author != "complaint_owner" {
					t.Errorf("documents %+v", ds)
				}
			}},
		{name: "a complaint's document is not a change of the conditions", setup: then(tendering, []step{bids("80000"), file("tender", tender.TypeComplaint, outsider)}),
			action: complaintDoc("author"), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.Bids[0].Status != tender.BidPending || tn.EnquiryPeriod.InvalidationDate != nil {
					t.Errorf("bid %q, invalidationDate %v: the bids were invalidated", tn.Bids[0].Status, tn.EnquiryPeriod.InvalidationDate)
				}
			}},
		{name: "review body adds its decision while reviewing", setup: accepted, action: complaintDoc("reviewer"), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if ds := e.complaint().Documents; len(ds) != 1 || ds[0].Author != "aboveThresholdReviewers" {
					t.Errorf("documents %+v", ds)
				}
			}},
		{name: "owner adds to a draft complaint", setup: then(tendering, []step{file("tender", tender.TypeComplaint, outsider)}), action: complaintDoc("owner"), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "a stranger adds a document", setup: pending, action: complaintDoc("stranger"), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "author adds after the decision", setup: then(accepted, []step{declineIt}), action: complaintDoc("author"), status: tender.StatusTendering, code: tender.CodeForbidden},
		{name: "author replaces the review body's document", setup: then(pending, []step{{"reviewer's doc", complaintDoc("reviewer")}}),
			action: func(e *env) error {
				doc := e.complaint().Documents[0]
				_, _, err := e.svc.UpdateDocument(e.ctx, e.id, complaintDocTarget(e), doc.ID, e.by("author"), docInput(), true)
				return err
			}, status: tender.StatusTendering, code: tender.CodeForbidden},
	}))
}

func complaintDocTarget(e *env) tender.DocTarget {
	l := e.last()
	return tender.DocTarget{Kind: l.of.Kind, ID: l.of.ID, Complaint: l.id}
}

func docInput() tender.DocumentInput {
	return tender.DocumentInput{Title: ptr("complaint.pdf"), URL: ptr("https://ds.example.org/complaint"),
		Hash: ptr("md5:00000000000000000000000000000000"), Format: ptr("application/pdf")}
}

func complaintDoc(party string) func(*env) error {
	return func(e *env) error {
		_, _, err := e.svc.AddDocument(e.ctx, e.id, complaintDocTarget(e), e.by(party), docInput())
		return err
	}
}

func TestComplaintsAboveThresholdEU(t *testing.T) {
	base := []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdEU, 31), noAuctionMode}
	prequal := []step{publishOpen, bids("90000", "95000", "97000"), closeTendering}
	standstill := then(prequal, []step{decideQualifications("active", "active", "unsuccessful"), toStandstill})
	// The third bidder complains against the decision that turned it down.
	rejected := then(standstill, []step{file("qualification", tender.TypeComplaint, bidderNo(3)), payFee, acceptIt})
	runTable(t, base, explained([]transition{
		{name: "rejected bidder complains during the stand-still", setup: standstill, action: do(file("qualification", tender.TypeComplaint, bidderNo(3))), status: tender.StatusPrequalStandstill,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if e.last().of.ID != tn.Qualifications[2].ID {
					t.Errorf("complaint against %s, want the third qualification", e.last().of.ID)
				}
			}},
		{name: "complaint before the stand-still", setup: then(prequal, []step{decideQualifications("active", "active", "unsuccessful")}),
			action: do(file("qualification", tender.TypeComplaint, bidderNo(3))), status: tender.StatusPrequalification, code: tender.CodeForbidden},
		{name: "complaint by a non-bidder", setup: standstill, action: do(file("qualification", tender.TypeComplaint, outsider)), status: tender.StatusPrequalStandstill, code: tender.CodeForbidden},
		{name: "complaint after the stand-still", setup: then(standstill, []step{advance(5 * day)}), action: do(file("qualification", tender.TypeComplaint, bidderNo(3))), status: tender.StatusPrequalStandstill, code: tender.CodeForbidden},
		{name: "a complaint under review holds the stand-still", setup: rejected, action: do(afterDays(6)), status: tender.StatusPrequalStandstill},
		{name: "declined, the stand-still ends", setup: then(rejected, []step{declineIt}), action: do(afterDays(6)), status: tender.StatusAuction},
		{name: "owner cancels a decision without an upheld complaint", setup: standstill, action: func(e *env) error {
			_, _, err := e.svc.PatchQualification(e.ctx, e.id, e.get().Qualifications[2].ID, e.owner, tender.QualificationInput{Status: ptr(tender.QualificationCancelled)})
			return err
		}, status: tender.StatusPrequalStandstill, code: tender.CodeForbidden},
		{name: "upheld: resolving before the decision is cancelled", setup: then(rejected, []step{upholdIt}), action: do(fixedIt), status: tender.StatusPrequalStandstill, code: tender.CodeForbidden},
		{name: "upheld: cancelling the decision reopens pre-qualification", setup: then(rejected, []step{upholdIt}), action: do(cancelQual), status: tender.StatusPrequalification,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				if tn.QualificationPeriod.EndDate != nil {
					t.Errorf("qualificationPeriod.endDate %v, want cleared", tn.QualificationPeriod.EndDate)
				}
				if q := tn.Qualifications[len(tn.Qualifications)-1]; q.Status != tender.QualificationPending || q.BidID != e.bids[2].id {
					t.Errorf("new qualification %+v", q)
				}
			}},
		{name: "upheld: no stand-still before the complaint is resolved", setup: then(rejected, []step{upholdIt, cancelQual, decideQualifications("active")}),
			action: do(toStandstill), status: tender.StatusPrequalification, code: tender.CodeForbidden},
		{name: "upheld: resolved, decided again, a new stand-still", setup: then(rejected, []step{upholdIt, cancelQual, fixedIt, decideQualifications("active")}),
			action: do(toStandstill), status: tender.StatusPrequalStandstill},
	}))
}

func TestComplaintsLimited(t *testing.T) {
	awarded := []step{publishLimited, directAward, activateAward}
	t.Run("negotiation", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){limitedProc(tender.ProcNegotiation)}, explained([]transition{
			{name: "anyone may complain against the award (no bidders)", setup: awarded, action: do(file("award", tender.TypeComplaint, outsider)), status: tender.StatusActive,
				check: func(t *testing.T, e *env, tn *tender.Tender) { amountIs(t, "fee", e.complaint().Value.Amount, "3000") }},
			{name: "no claims on awards", setup: awarded, action: do(file("award", tender.TypeClaim, outsider)), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "no claims on the tender", setup: []step{publishLimited}, action: do(file("tender", tender.TypeClaim, outsider)), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "no complaints on the tender", setup: []step{publishLimited}, action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "a paid complaint holds the contract", setup: then(awarded, []step{file("award", tender.TypeComplaint, outsider), payFee, afterDays(5)}), action: do(sign), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "complaint against a pending cancellation", setup: []step{publishLimited, pendingCancellation}, action: do(file("cancellation", tender.TypeComplaint, outsider)), status: tender.StatusActive},
		}))
	})
	t.Run("reporting", func(t *testing.T) {
		runTable(t, []func(*tender.CreateRequest){limitedProc(tender.ProcReporting)}, explained([]transition{
			{name: "no complaints on awards", setup: awarded, action: do(file("award", tender.TypeComplaint, outsider)), status: tender.StatusActive, code: tender.CodeForbidden},
			{name: "no claims on awards", setup: awarded, action: do(file("award", tender.TypeClaim, outsider)), status: tender.StatusActive, code: tender.CodeForbidden},
		}))
	})
}

func TestComplaintsLots(t *testing.T) {
	bigLot2 := func(r *tender.CreateRequest) {
		r.Data.Lots[1].Value, r.Data.Lots[1].MinimalStep = *uah("10000000"), uah("100000")
	}
	base := []func(*tender.CreateRequest){openProc(tender.ProcAboveThresholdUA, 16), lots(2), bigLot2}
	runTable(t, base, explained([]transition{
		{name: "complaint on one lot: the fee follows the lot's value", setup: []step{publishOpen},
			action: do(file("tender", tender.TypeComplaint, outsider, func(in *tender.ComplaintInput) { in.RelatedLot = ptr("lot2") })), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) {
				c := e.complaint()
				if c.RelatedLot != "lot2" {
					t.Errorf("relatedLot %q", c.RelatedLot)
				}
				amountIs(t, "fee", c.Value.Amount, "30000")
			}},
		{name: "complaint on the whole tender: the fee follows the tender's value", setup: []step{publishOpen},
			action: do(file("tender", tender.TypeComplaint, outsider)), status: tender.StatusTendering,
			check: func(t *testing.T, e *env, tn *tender.Tender) { amountIs(t, "fee", e.complaint().Value.Amount, "30180") }},
		{name: "complaint on a cancelled lot", setup: []step{publishOpen, {"cancel lot1 through its complaint period", func(e *env) error {
			return e.cancelWithWindow("lot1", 10)
		}}}, action: do(file("tender", tender.TypeComplaint, outsider, func(in *tender.ComplaintInput) { in.RelatedLot = ptr("lot1") })), status: tender.StatusTendering, code: tender.CodeForbidden},
	}))
}

// TestComplaintFee checks the fee over the bounds, at both rates, exactly.
func TestComplaintFee(t *testing.T) {
	for _, tc := range []struct {
		value, currency string
		tendering       bool
		want            string
	}{
		{"100000", "UAH", true, "2000"},
		{"1000000", "UAH", true, "3000"},
		{"12345678.91", "UAH", true, "37037.04"},
		{"28333333.33", "UAH", true, "85000"},
		{"40000000", "UAH", true, "85000"},
		{"100000", "UAH", false, "3000"},
		{"1000000", "UAH", false, "6000"},
		{"12345678.91", "UAH", false, "74074.07"},
		{"40000000", "UAH", false, "170000"},
		{"1000000", "EUR", false, "6000"}, // no exchange rates: the amount is taken as is
	} {
		rate := "later"
		if tc.tendering {
			rate = "tendering"
		}
		t.Run(fmt.Sprintf("%s %s %s", tc.value, tc.currency, rate), func(t *testing.T) {
			t.Parallel()
			value := &tender.Value{Amount: tender.MustAmount(tc.value), Currency: tc.currency, ValueAddedTaxIncluded: ptr(true)}
			var e *env
			if tc.tendering {
				e = newEnv(t, openProc(tender.ProcAboveThresholdUA, 16), func(r *tender.CreateRequest) {
					r.Data.Value = value
					ms := value.Amount.Decimal().Div(tender.MustAmount("100").Decimal()).Round(2)
					r.Data.MinimalStep = &tender.Value{Amount: tender.AmountFromDecimal(ms), Currency: tc.currency, ValueAddedTaxIncluded: ptr(true)}
				})
				e.run(publishOpen, file("tender", tender.TypeComplaint, outsider))
			} else {
				e = newEnv(t, limitedProc(tender.ProcNegotiation), func(r *tender.CreateRequest) { r.Data.Value = value })
				e.run(publishLimited, pendingCancellation, file("cancellation", tender.TypeComplaint, outsider))
			}
			c := e.complaint()
			if c.Value.Currency != "UAH" {
				t.Errorf("fee currency %q", c.Value.Currency)
			}
			amountIs(t, "fee", c.Value.Amount, tc.want)
		})
	}
}

// TestComplaintIDs: every complaint of a tender gets its own complaintID,
// whatever it is lodged against.
func TestComplaintIDs(t *testing.T) {
	e := newEnv(t, openProc(tender.ProcAboveThresholdUA, 16), noAuctionMode)
	e.run(publishOpen, file("tender", tender.TypeClaim, outsider), file("tender", tender.TypeComplaint, outsider), bids("80000", "85000"),
		closeTendering, noAuctionRun, qualifyOpen, file("award", tender.TypeComplaint, bidderNo(2)))
	seen := map[string]bool{}
	tn := e.get()
	for _, cs := range [][]tender.Complaint{tn.Complaints, tn.Awards[0].Complaints} {
		for _, c := range cs {
			if seen[c.ComplaintID] || !strings.HasPrefix(c.ComplaintID, e.tid+".") {
				t.Errorf("complaintID %q (seen: %v)", c.ComplaintID, seen)
			}
			seen[c.ComplaintID] = true
		}
	}
	if len(seen) != 3 {
		t.Errorf("%d complaintIDs, want 3", len(seen))
	}
}
