package tender

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"
)

// Transfer is ProZorro's relocation ticket. A platform that is to take over an
// object creates one and receives, once, the owner token and transfer token
// the object will carry afterwards; the end user brings the object's current
// transfer token from the old platform; POST .../ownership with both moves the
// object to the transfer's platform. A transfer is used at most once.
type Transfer struct {
	ID      string    `json:"id"`
	Date    time.Time `json:"date"`
	Owner   string    `json:"owner"`
	UsedFor string    `json:"usedFor,omitempty"` // the object's path, filled by views from Use

	// Private: stored, never shown.
	Access *Access      `json:"access,omitempty"` // hashes of the tokens the object gets
	Use    *TransferUse `json:"-"`                // the claim on the transfer, filled by the store
}

// TransferUse is the claim that a transfer is, or is being, applied to one
// object. A claim is taken before the object is saved and confirmed after,
// so an unconfirmed claim means the change is in flight, failed with an
// unknown outcome, or succeeded without the confirmation getting through.
type TransferUse struct {
	UsedFor string // the object's path: /tenders/{id} or /tenders/{id}/bids/{bid}
	Done    bool   // the object was saved with the transfer's tokens
}

// OwnershipInput is the body of POST .../ownership: the transfer to apply and
// the object's current transfer token.
type OwnershipInput struct {
	ID       string `json:"id"`
	Transfer string `json:"transfer"`
}

// OwnershipTarget names the object whose owner changes: a tender, or one of
// its bids when BidID is set.
type OwnershipTarget struct {
	TenderID string
	BidID    string
}

// Path is the object's path under the API prefix, as ProZorro records it in
// a transfer's usedFor.
func (o OwnershipTarget) Path() string {
	if o.BidID != "" {
		return "/tenders/" + o.TenderID + "/bids/" + o.BidID
	}
	return "/tenders/" + o.TenderID
}

// parseOwnershipTarget reads a Path back.
func parseOwnershipTarget(path string) (OwnershipTarget, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "tenders":
		return OwnershipTarget{TenderID: parts[1]}, true
	case len(parts) == 4 && parts[0] == "tenders" && parts[2] == "bids":
		return OwnershipTarget{TenderID: parts[1], BidID: parts[3]}, true
	}
	return OwnershipTarget{}, false
}

// Sentinel errors of transfers; stores return them (wrapped) too.
var (
	ErrTransferNotFound = NotFound("transfer_id")
	ErrTransferUsed     = &Error{Code: CodeForbidden, Errors: []FieldError{{"body", "transfer", "Transfer already used"}}}
	errInvalidTransfer  = &Error{Code: CodeForbidden, Errors: []FieldError{{"body", "transfer", "Invalid transfer"}}}
)

// view is the transfer as anyone may see it: no token hashes, and usedFor
// only once the change is known to have happened.
func (tr *Transfer) view() *Transfer {
	v := *tr
	v.Access, v.Use, v.UsedFor = nil, nil, ""
	if tr.Use != nil && tr.Use.Done {
		v.UsedFor = tr.Use.UsedFor
	}
	return &v
}

// CreateTransfer makes a transfer owned by the calling platform and returns
// it with the raw tokens the object will get, shown this once.
func (s *Service) CreateTransfer(ctx context.Context, actor Actor) (*Transfer, Credentials, error) {
	if actor.Role != RoleBroker || actor.Platform == "" {
		return nil, Credentials{}, Forbidden("Only platforms can create transfers")
	}
	access, creds := newAccess()
	tr := &Transfer{ID: NewID(), Date: s.now(), Owner: actor.Platform, Access: access}
	if err := s.Store.InsertTransfer(ctx, tr); err != nil {
		return nil, Credentials{}, err
	}
	return tr.view(), creds, nil
}

// GetTransfer returns a transfer without its tokens. An unconfirmed claim
// whose object already carries the transfer's owner token is confirmed here:
// the change happened and only its confirmation was lost.
func (s *Service) GetTransfer(ctx context.Context, id string) (*Transfer, error) {
	tr, err := s.Store.GetTransfer(ctx, id)
	if err != nil {
		return nil, err
	}
	if tr.Use != nil && !tr.Use.Done && s.applied(ctx, tr) {
		tr.Use.Done = true
		_ = s.Store.ConfirmTransfer(ctx, tr.ID, tr.Use.UsedFor) // proven again on the next read if lost
	}
	return tr.view(), nil
}

// applied reports whether the object tr is claimed for now carries its owner
// token. Owner tokens are random per transfer, so this proves the change.
func (s *Service) applied(ctx context.Context, tr *Transfer) bool {
	target, ok := parseOwnershipTarget(tr.Use.UsedFor)
	if !ok || tr.Access == nil {
		return false
	}
	t, err := s.Store.Get(ctx, target.TenderID)
	if err != nil {
		return false
	}
	a := t.Access
	if target.BidID != "" {
		b := t.bid(target.BidID)
		if b == nil {
			return false
		}
		a = b.Access
	}
	return a != nil && a.TokenHash == tr.Access.TokenHash
}

// ChangeOwnership applies transfer in.ID to the tender or bid target: the
// object's owner becomes the transfer's platform and its owner and transfer
// tokens become the transfer's. The caller must be the transfer's platform,
// hold the accreditation needed to create the object, and present the
// object's current transfer token. It returns the saved tender.
//
// The transfer is claimed with a unique insert before the tender is saved
// through the revision check, so two requests never both use it. A change
// refused or lost to a concurrent write (which wrote nothing) releases the
// claim; one whose outcome is unknown (a store error) keeps it, so the
// transfer cannot reach a second object, and GetTransfer later shows
// whether it was applied.
func (s *Service) ChangeOwnership(ctx context.Context, target OwnershipTarget, actor Actor, in OwnershipInput) (*Tender, error) {
	if actor.Role != RoleBroker || actor.Platform == "" {
		return nil, Forbidden("Broker Accreditation level does not permit ownership change")
	}
	var p Problems
	if in.ID == "" {
		p.Add("id", "This field is required.")
	}
	if in.Transfer == "" {
		p.Add("transfer", "This field is required.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	t, err := s.Store.Get(ctx, target.TenderID)
	if err != nil {
		return nil, err
	}
	if _, err := t.ownershipAccess(target, actor, in.Transfer); err != nil {
		return nil, err
	}
	tr, err := s.Store.GetTransfer(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if tr.Use != nil {
		return nil, ErrTransferUsed
	}
	if tr.Owner != actor.Platform {
		return nil, &Error{Code: CodeForbidden, Errors: []FieldError{{"body", "id", "Transfer belongs to another platform"}}}
	}
	if tr.Access == nil {
		return nil, errInvalidTransfer
	}
	path := target.Path()
	if err := s.Store.ClaimTransfer(ctx, tr.ID, path); err != nil {
		return nil, err
	}
	t, err = s.update(ctx, target.TenderID, actor, SaveOptions{}, func(t *Tender, now time.Time) error {
		owner, err := t.ownershipAccess(target, actor, in.Transfer)
		if err != nil {
			return err
		}
		*owner.name = tr.Owner
		*owner.access = &Access{TokenHash: tr.Access.TokenHash, TransferHash: tr.Access.TransferHash}
		return nil
	})
	if err != nil {
		if ErrorCode(err) != CodeInternal { // refused or lost the race: nothing was written
			_ = s.Store.ReleaseTransfer(context.WithoutCancel(ctx), tr.ID, path)
		}
		return nil, err
	}
	_ = s.Store.ConfirmTransfer(context.WithoutCancel(ctx), tr.ID, path) // GetTransfer proves it if lost
	return t, nil
}

// objectOwner points at an object's owner name and credentials.
type objectOwner struct {
	name   *string
	access **Access
}

// ownershipAccess checks that actor may take target over with the object's
// transfer token, and returns where the object keeps its owner.
func (t *Tender) ownershipAccess(target OwnershipTarget, actor Actor, transferToken string) (objectOwner, error) {
	level, what := t.rules().createLevel, "tender"
	if target.BidID != "" {
		level = t.rules().bidLevel
	}
	if !actor.HasLevel(level) || (actor.HasLevel('t') && t.Mode != "test") {
		return objectOwner{}, Forbidden("Broker Accreditation level does not permit ownership change")
	}
	if t.Status.Final() {
		return objectOwner{}, Forbidden("Can't update credentials in current (%s) tender status", t.Status)
	}
	owner := objectOwner{name: &t.Owner, access: &t.Access}
	if target.BidID != "" {
		b := t.bid(target.BidID)
		if b == nil {
			return objectOwner{}, NotFound("bid_id")
		}
		if b.Status == BidDeleted {
			return objectOwner{}, Forbidden("Can't update credentials in current (%s) bid status", b.Status)
		}
		owner, what = objectOwner{name: &b.Owner, access: &b.Access}, "bid"
	}
	a := *owner.access
	if a == nil || a.TransferHash == "" {
		return objectOwner{}, Forbidden("This %s has no transfer token and cannot change owner", what)
	}
	if subtle.ConstantTimeCompare([]byte(HashToken(transferToken)), []byte(a.TransferHash)) != 1 {
		return objectOwner{}, errInvalidTransfer
	}
	return owner, nil
}
