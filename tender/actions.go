package tender

import (
	"context"
	"time"
)

// DocTarget names the object a document belongs to.
type DocTarget struct {
	Kind string // "tender", "bid", "award", "contract", "cancellation", "qualification"
	ID   string // the object's id; empty for the tender itself
	// Complaint, when set, is a complaint lodged against that object: the
	// documents are the complaint's (see complaintDocs).
	Complaint string
}

// docsOf returns the document list of target and checks that actor may add
// to it in the tender's current state.
func (t *Tender) docsOf(target DocTarget, actor Actor) (*[]Document, error) {
	if target.Complaint != "" {
		return t.complaintDocs(target, actor)
	}
	ownerErr := Forbidden("Forbidden")
	switch target.Kind {
	case "tender":
		if actor.Role == RoleAuction {
			// The auction's audit (see checkAuctionDocument), before its results.
			if t.Status != StatusAuction {
				return nil, statusForbidden("add document", t.Status)
			}
			return &t.Documents, nil
		}
		if !owns(actor, t.Owner, t.Access) {
			return nil, ownerErr
		}
		if !t.editable() {
			return nil, statusForbidden("add document", t.Status)
		}
		return &t.Documents, nil
	case "bid":
		b := t.bid(target.ID)
		if b == nil {
			return nil, NotFound("bid_id")
		}
		if !owns(actor, b.Owner, b.Access) {
			return nil, ownerErr
		}
		// During tendering, and later while the bid's award waits for a
		// decision (the bidder explains an abnormally low price).
		if b.Status == BidDeleted || t.Status != StatusTendering && !t.awaitingDecision(b.ID) {
			return nil, statusForbidden("add document", t.Status)
		}
		return &b.Documents, nil
	case "award":
		a := t.award(target.ID)
		if a == nil {
			return nil, NotFound("award_id")
		}
		if !owns(actor, t.Owner, t.Access) {
			return nil, ownerErr
		}
		if (t.Status != StatusQualification && t.Status != StatusAwarded) || (a.Status != AwardPending && a.Status != AwardActive) {
			return nil, statusForbidden("add document", t.Status)
		}
		return &a.Documents, nil
	case "contract":
		c := t.contract(target.ID)
		if c == nil {
			return nil, NotFound("contract_id")
		}
		if !owns(actor, t.Owner, t.Access) {
			return nil, ownerErr
		}
		if t.Status != StatusAwarded || c.Status != ContractPending {
			return nil, statusForbidden("add document", t.Status)
		}
		return &c.Documents, nil
	case "qualification":
		q := t.qualification(target.ID)
		if q == nil {
			return nil, NotFound("qualification_id")
		}
		if !owns(actor, t.Owner, t.Access) {
			return nil, ownerErr
		}
		if t.Status != StatusPrequalification || q.Status == QualificationCancelled {
			return nil, statusForbidden("add document", t.Status)
		}
		return &q.Documents, nil
	case "cancellation":
		c := t.cancellation(target.ID)
		if c == nil {
			return nil, NotFound("cancellation_id")
		}
		if !owns(actor, t.Owner, t.Access) {
			return nil, ownerErr
		}
		if t.Status.Final() || c.Status != CancellationDraft {
			return nil, statusForbidden("add document", t.Status)
		}
		return &c.Documents, nil
	}
	return nil, NotFound("document_of")
}

// AddDocument adds document metadata to the tender or one of its objects.
func (s *Service) AddDocument(ctx context.Context, id string, target DocTarget, actor Actor, in DocumentInput) (*Tender, *Document, error) {
	var out Document
	t, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		docs, err := t.docsOf(target, actor)
		if err != nil {
			return err
		}
		doc, err := documentFromInput(Document{}, in, now, NewID)
		if err != nil {
			return err
		}
		doc.Author = t.authorOf(target, actor)
		if doc.Author == "auction" {
			if err := t.checkAuctionDocument(doc, nil); err != nil {
				return err
			}
		}
		*docs = append(*docs, doc)
		out = doc
		return t.conditionsChanged(target, now, s.Calendar)
	})
	if err != nil {
		return nil, nil, err
	}
	return t, &out, nil
}

// UpdateDocument changes a document: newVersion (PUT) adds a version under
// the same id, otherwise (PATCH) the metadata of the current version changes.
func (s *Service) UpdateDocument(ctx context.Context, id string, target DocTarget, docID string, actor Actor, in DocumentInput, newVersion bool) (*Tender, *Document, error) {
	var out Document
	t, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		docs, err := t.docsOf(target, actor)
		if err != nil {
			return err
		}
		cur := findDocument(*docs, docID)
		if cur == nil {
			return NotFound("document_id")
		}
		if target.Complaint != "" && cur.Author != t.authorOf(target, actor) {
			return Forbidden("Can update document only author")
		}
		// check applies the auction's rules to the version it writes.
		check := func(doc Document) error {
			if t.authorOf(target, actor) != "auction" {
				return nil
			}
			return t.checkAuctionDocument(doc, cur)
		}
		if newVersion {
			if in.URL == nil {
				return Invalid("url", "This field is required.")
			}
			base := Document{ID: cur.ID, DatePublished: now, Author: cur.Author}
			doc, err := documentFromInput(base, in, now, NewID)
			if err != nil {
				return err
			}
			if err := check(doc); err != nil {
				return err
			}
			*docs = append(*docs, doc)
			out = doc
			return t.conditionsChanged(target, now, s.Calendar)
		}
		if in.URL != nil || in.Hash != nil {
			return Invalid("url", "Upload a new version with PUT to change the file")
		}
		doc, err := documentFromInput(*cur, in, now, NewID)
		if err != nil {
			return err
		}
		if err := check(doc); err != nil {
			return err
		}
		*cur = doc
		out = doc
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, &out, nil
}

// conditionsChanged applies the open procedures' rule for tender documents
// changed during tendering: enough time must remain, and submitted bids are
// invalidated as by any other edit of the conditions.
func (t *Tender) conditionsChanged(target DocTarget, now time.Time, cal *Calendar) error {
	if target.Kind != "tender" || target.Complaint != "" || t.Status != StatusTendering {
		return nil
	}
	var p Problems
	t.validateExtension(now, cal, &p)
	if err := p.Err(); err != nil {
		return err
	}
	t.invalidateBids(now)
	return nil
}

// awaitingDecision reports a pending award on bid id.
func (t *Tender) awaitingDecision(bidID string) bool {
	if t.Status != StatusQualification {
		return false
	}
	for _, a := range t.Awards {
		if a.BidID == bidID && a.Status == AwardPending {
			return true
		}
	}
	return false
}

func (t *Tender) authorOf(target DocTarget, actor Actor) string {
	if target.Complaint != "" {
		return t.complaintDocAuthor(target, actor)
	}
	switch {
	case target.Kind == "bid":
		return "bid_owner"
	case target.Kind == "tender" && actor.Role == RoleAuction:
		return "auction"
	}
	return "tender_owner"
}

// AddQuestion records an enquiry from a platform's user.
func (s *Service) AddQuestion(ctx context.Context, id string, actor Actor, in QuestionInput) (*Tender, *Question, error) {
	var out Question
	t, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		if actor.Role != RoleBroker || !actor.HasLevel(t.rules().bidLevel) {
			return Forbidden("Broker Accreditation level does not permit question creation")
		}
		q, err := t.addQuestion(in, now, NewID)
		if err != nil {
			return err
		}
		out = *q
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, &out, nil
}

// AnswerQuestion records the owner's answer.
func (s *Service) AnswerQuestion(ctx context.Context, id, questionID string, actor Actor, in QuestionInput) (*Tender, *Question, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Question, error) {
		return t.answerQuestion(questionID, in, now)
	})
}

// AddBid submits a sealed bid. The store stamps the bid's commit time with
// its own clock; a bid committed after tenderPeriod.endDate is withdrawn at
// once and refused (and dropped at the end of tendering should the
// withdrawal not get through).
func (s *Service) AddBid(ctx context.Context, id string, actor Actor, in BidInput) (*Tender, *Bid, Credentials, error) {
	var out Bid
	var creds Credentials
	bidID := NewID()
	t, err := s.update(ctx, id, actor, SaveOptions{StampBid: bidID}, func(t *Tender, now time.Time) error {
		if actor.Role != RoleBroker || !actor.HasLevel(t.rules().bidLevel) {
			return Forbidden("Broker Accreditation level does not permit bid creation")
		}
		if owns(actor, t.Owner, t.Access) {
			return Forbidden("The tender owner can't bid on its own tender")
		}
		b, err := t.addBid(in, now, bidID, NewID)
		if err != nil {
			return err
		}
		for i := range b.Documents {
			b.Documents[i].Author = "bid_owner"
		}
		b.Owner = actor.Platform
		b.Access, creds = newAccess() // the transfer token lets another platform take the bid over
		out = *b
		return nil
	})
	if err != nil {
		return nil, nil, Credentials{}, err
	}
	if late := s.lateBid(t, bidID); late != nil {
		return nil, nil, Credentials{}, late
	}
	return t, &out, creds, nil
}

// lateBid withdraws bidID when the store committed it after the tender
// period ended, and returns the refusal to send.
func (s *Service) lateBid(t *Tender, bidID string) error {
	at, ok := t.BidCommits[bidID]
	if !ok || t.TenderPeriod == nil || !at.After(*t.TenderPeriod.EndDate) {
		return nil
	}
	ctx := context.Background() // the withdrawal must not be lost to a cancelled request
	for attempt := 0; attempt < 10; attempt++ {
		_, err := s.update(ctx, t.ID, Actor{Role: RoleChronograph}, SaveOptions{}, func(t *Tender, now time.Time) error {
			kept := t.Bids[:0]
			for _, b := range t.Bids {
				if b.ID != bidID {
					kept = append(kept, b)
				}
			}
			t.Bids = kept
			if len(t.Bids) == 0 {
				t.Bids = nil
			}
			return nil
		})
		if err == nil || !isConflict(err) {
			break
		}
	}
	return Forbidden("Bid was committed after the tendering period ended (%s)", t.TenderPeriod.EndDate.Format(time.RFC3339Nano))
}

func isConflict(err error) bool { return ErrorCode(err) == CodeConflict }

// bidAccess loads a tender and one bid the actor owns.
func (t *Tender) ownBid(bidID string, actor Actor) (*Bid, error) {
	b := t.bid(bidID)
	if b == nil {
		return nil, NotFound("bid_id")
	}
	if !owns(actor, b.Owner, b.Access) {
		return nil, Forbidden("Forbidden")
	}
	return b, nil
}

// GetBid returns one bid: to its owner at any time, to others once bids are public.
func (s *Service) GetBid(ctx context.Context, id, bidID string, actor Actor) (*Bid, error) {
	t, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	b := t.bid(bidID)
	if b == nil {
		return nil, NotFound("bid_id")
	}
	if owns(actor, b.Owner, b.Access) {
		v := b.view(true)
		return &v, nil
	}
	if t.bidsSealed() {
		return nil, statusForbidden("view bid", t.Status)
	}
	if t.pricesSealed() {
		v := b.withoutPrices()
		return &v, nil
	}
	v := b.view(false)
	return &v, nil
}

// ListBids returns the bids once they are public.
func (s *Service) ListBids(ctx context.Context, id string, actor Actor) ([]Bid, error) {
	t, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.bidsSealed() {
		return nil, statusForbidden("view bids", t.Status)
	}
	return t.View(actor.Role, "").Bids, nil
}

// PatchBid changes a bid (its owner, during tendering).
func (s *Service) PatchBid(ctx context.Context, id, bidID string, actor Actor, in BidInput) (*Bid, error) {
	var out Bid
	t, err := s.update(ctx, id, actor, SaveOptions{StampBid: bidID}, func(t *Tender, now time.Time) error {
		b, err := t.ownBid(bidID, actor)
		if err != nil {
			return err
		}
		if err := t.patchBid(b, in, now, NewID); err != nil {
			return err
		}
		out = b.view(true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if late := s.lateBid(t, bidID); late != nil {
		return nil, late
	}
	return &out, nil
}

// DeleteBid withdraws a bid (its owner, during tendering).
func (s *Service) DeleteBid(ctx context.Context, id, bidID string, actor Actor) (*Bid, error) {
	var out Bid
	_, err := s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		b, err := t.ownBid(bidID, actor)
		if err != nil {
			return err
		}
		if err := t.deleteBid(b, now); err != nil {
			return err
		}
		out = b.view(true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PostAuction records the auction's results for lot (auction role; "" for
// a tender without lots) and starts awarding once every auction has ended.
func (s *Service) PostAuction(ctx context.Context, id, lot string, actor Actor, res AuctionResults) (*Tender, error) {
	if actor.Role != RoleAuction && actor.Role != RoleAdmin {
		return nil, Forbidden("Only the auction role can report auction results")
	}
	return s.update(ctx, id, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		if err := t.validateAuctionResults(lot, res); err != nil {
			return err
		}
		t.recordAuction(lot, &res, now)
		t.afterAuction(now, s.Calendar, NewID)
		return nil
	})
}

// PatchAward records the owner's decision on an award.
func (s *Service) PatchAward(ctx context.Context, id, awardID string, actor Actor, in AwardInput) (*Tender, *Award, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Award, error) {
		return t.patchAward(awardID, in, now, s.Calendar, NewID)
	})
}

// PatchContract edits or signs a contract (owner).
func (s *Service) PatchContract(ctx context.Context, id, contractID string, actor Actor, in ContractInput) (*Tender, *Contract, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Contract, error) {
		return t.patchContract(contractID, in, now)
	})
}

// AddCancellation starts (or, with status active, performs) a cancellation.
func (s *Service) AddCancellation(ctx context.Context, id string, actor Actor, in CancellationInput) (*Tender, *Cancellation, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Cancellation, error) {
		return t.addCancellation(in, now, s.Calendar, NewID)
	})
}

// PatchCancellation edits or activates a cancellation (owner).
func (s *Service) PatchCancellation(ctx context.Context, id, cancellationID string, actor Actor, in CancellationInput) (*Tender, *Cancellation, error) {
	return ownerAct(s, ctx, id, actor, func(t *Tender, now time.Time) (*Cancellation, error) {
		return t.patchCancellation(cancellationID, in, now, s.Calendar, NewID)
	})
}
