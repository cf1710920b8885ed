package tender

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/prozorro-go/prozorro/tender/jsonpatch"
)

// Service runs the procurement use cases over a Store: load, check who may
// act, apply due time events, change the tender with the domain rules, and
// save with the revision check. It is safe for concurrent use.
type Service struct {
	Store    Store
	Calendar *Calendar
	Now      func() time.Time // the clock; tests replace it
	Sandbox  bool             // allow accelerated and quick tenders
}

// Credentials are an owner's raw tokens, returned once on create.
type Credentials struct {
	Token    string `json:"token"`
	Transfer string `json:"transfer,omitempty"`
}

// NewID returns a random 32-hex identifier.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// HashToken returns the stored form of an owner token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newAccess() (*Access, Credentials) {
	c := Credentials{Token: NewID(), Transfer: NewID()}
	return &Access{TokenHash: HashToken(c.Token), TransferHash: HashToken(c.Transfer)}, c
}

// owns reports whether actor presented the owner token of an object owned by platform.
func owns(actor Actor, owner string, a *Access) bool {
	if a == nil || actor.Token == "" || actor.Platform == "" || actor.Platform != owner {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(HashToken(actor.Token)), []byte(a.TokenHash)) == 1
}

func (s *Service) now() time.Time {
	return s.Now().In(Kyiv).Truncate(time.Microsecond)
}

// Get returns the tender as actor may see it.
func (s *Service) Get(ctx context.Context, id string, actor Actor) (*Tender, error) {
	t, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return t.View(actor.Role, ""), nil
}

// Load returns the stored tender without any view applied, for callers that
// pick a view themselves (the feed, the API's sub-resources).
func (s *Service) Load(ctx context.Context, id string) (*Tender, error) {
	return s.Store.Get(ctx, id)
}

// Create stores a new draft tender owned by actor's platform.
func (s *Service) Create(ctx context.Context, actor Actor, req CreateRequest) (*Tender, Credentials, error) {
	if actor.Role != RoleBroker && actor.Role != RoleAdmin {
		return nil, Credentials{}, Forbidden("Only platforms can create tenders")
	}
	pmt := ProcBelowThreshold
	if req.Data.ProcurementMethodType != nil {
		pmt = *req.Data.ProcurementMethodType
	}
	if r, ok := procedures[pmt]; ok && !actor.HasLevel(r.createLevel) {
		return nil, Credentials{}, Forbidden("Broker Accreditation level does not permit tender creation")
	}
	if actor.HasLevel('t') && !actor.HasLevel(procedures[pmt].createLevel) {
		return nil, Credentials{}, Forbidden("Broker Accreditation level does not permit tender creation")
	}
	now := s.now()
	t, err := newTender(req, now, s.Sandbox, NewID)
	if err != nil {
		return nil, Credentials{}, err
	}
	var p Problems
	t.validatePeriods(now, s.Calendar, &p)
	if err := p.Err(); err != nil {
		return nil, Credentials{}, err
	}
	n, err := s.Store.NextSequence(ctx, "tender_"+now.Format("2006-01-02"))
	if err != nil {
		return nil, Credentials{}, err
	}
	t.ID = NewID()
	t.TenderID = fmt.Sprintf("UA-%s-%06d-a", now.Format("2006-01-02"), n)
	t.Owner = actor.Platform
	var creds Credentials
	t.Access, creds = newAccess()
	t.NextCheck = t.nextCheck()
	changes, err := revisionChanges(t, []byte("{}"))
	if err != nil {
		return nil, Credentials{}, err
	}
	if err := s.Store.Insert(ctx, t, Revision{Rev: 1, Author: actor.Platform, Date: now, Changes: changes}); err != nil {
		return nil, Credentials{}, err
	}
	return t, creds, nil
}

func revisionChanges(t *Tender, before []byte) (json.RawMessage, error) {
	after, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	ops, err := jsonpatch.Diff(after, before)
	if err != nil {
		return nil, err
	}
	return json.Marshal(ops)
}

// update is the one write path: load, apply due time events, let fn change
// the tender, and save it with the revision check. When fn fails nothing is
// written. A save that changes nothing is skipped.
func (s *Service) update(ctx context.Context, id string, actor Actor, opt SaveOptions, fn func(t *Tender, now time.Time) error) (*Tender, error) {
	t, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	before, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	now := s.now()
	t.advance(now, s.Calendar, NewID)
	if err := fn(t, now); err != nil {
		return nil, err
	}
	t.NextCheck = t.nextCheck()
	if after, err := json.Marshal(t); err != nil {
		return nil, err
	} else if string(after) == string(before) {
		return t, nil // nothing changed: no revision, no feed entry
	}
	t.DateModified = now
	changes, err := revisionChanges(t, before)
	if err != nil {
		return nil, err
	}
	author := actor.Platform
	if author == "" {
		author = string(actor.Role)
	}
	rev := Revision{Rev: t.Revision + 1, Author: author, Date: now, Changes: changes}
	if err := s.Store.Save(ctx, t, rev, opt); err != nil {
		return nil, err
	}
	return t, nil
}

// asOwner wraps fn with the tender-owner check.
func asOwner(actor Actor, fn func(t *Tender, now time.Time) error) func(t *Tender, now time.Time) error {
	return func(t *Tender, now time.Time) error {
		if !owns(actor, t.Owner, t.Access) {
			return Forbidden("Forbidden")
		}
		return fn(t, now)
	}
}

// ownerAct runs an owner's action on one object of the tender through the
// write path and returns the saved tender and a copy of the object.
func ownerAct[T any](s *Service, ctx context.Context, id string, actor Actor, fn func(t *Tender, now time.Time) (*T, error)) (*Tender, *T, error) {
	var out T
	t, err := s.update(ctx, id, actor, SaveOptions{}, asOwner(actor, func(t *Tender, now time.Time) error {
		x, err := fn(t, now)
		if err != nil {
			return err
		}
		out = *x
		return nil
	}))
	if err != nil {
		return nil, nil, err
	}
	return t, &out, nil
}

// Patch edits a tender or publishes it (owner only).
func (s *Service) Patch(ctx context.Context, id string, actor Actor, in TenderInput) (*Tender, error) {
	return s.update(ctx, id, actor, SaveOptions{}, asOwner(actor, func(t *Tender, now time.Time) error {
		return t.patch(in, now, s.Calendar, s.Sandbox, NewID)
	}))
}

// Chronograph applies every due time event of a tender and saves it; lost
// races are retried, since the events are recomputed from the fresh copy.
func (s *Service) Chronograph(ctx context.Context, id string, actor Actor) (*Tender, error) {
	if actor.Role != RoleChronograph && actor.Role != RoleAdmin {
		return nil, Forbidden("Forbidden")
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var t *Tender
		t, err = s.update(ctx, id, actor, SaveOptions{}, func(*Tender, time.Time) error { return nil })
		if !errors.Is(err, ErrConflict) {
			return t, err
		}
	}
	return nil, err
}

// Tick runs the chronograph once over every tender that is due and returns
// how many it processed; the serve loop calls it on a ticker.
func (s *Service) Tick(ctx context.Context) (int, error) {
	ids, err := s.Store.Due(ctx, s.now(), 500)
	if err != nil {
		return 0, err
	}
	var first error
	for _, id := range ids {
		if _, err := s.Chronograph(ctx, id, Actor{Role: RoleChronograph}); err != nil && first == nil {
			first = fmt.Errorf("chronograph %s: %w", id, err)
		}
	}
	return len(ids), first
}

// Feed returns a page of the public feed.
func (s *Service) Feed(ctx context.Context, q FeedQuery) (FeedPage, error) {
	return s.Store.Feed(ctx, q)
}

// Historical rebuilds version n of a tender from its reverse patches, for
// readers with accreditation h. It returns the version, its revision and the
// number of the newest revision.
func (s *Service) Historical(ctx context.Context, id string, actor Actor, n int64) (*Tender, Revision, int64, error) {
	if !actor.HasLevel('h') && actor.Role != RoleAdmin {
		return nil, Revision{}, 0, Forbidden("Accreditation level h is required to read history")
	}
	t, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, Revision{}, 0, err
	}
	revs, err := s.Store.Revisions(ctx, id)
	if err != nil {
		return nil, Revision{}, 0, err
	}
	last := int64(len(revs))
	if n == 0 {
		n = last
	}
	if n < 1 || n > last {
		return nil, Revision{}, last, &Error{Code: CodeNotFound, Errors: []FieldError{{"header", "X-Revision-N", fmt.Sprintf("Revision %d not found; revisions are 1..%d", n, last)}}}
	}
	doc, err := json.Marshal(t)
	if err != nil {
		return nil, Revision{}, last, err
	}
	for k := last; k > n; k-- {
		var ops []jsonpatch.Operation
		if err := json.Unmarshal(revs[k-1].Changes, &ops); err != nil {
			return nil, Revision{}, last, fmt.Errorf("revision %d: %w", k, err)
		}
		if doc, err = jsonpatch.Apply(doc, ops); err != nil {
			return nil, Revision{}, last, fmt.Errorf("revision %d: %w", k, err)
		}
	}
	var old Tender
	if err := json.Unmarshal(doc, &old); err != nil {
		return nil, Revision{}, last, fmt.Errorf("revision %d: %w", n, err)
	}
	return old.View(actor.Role, ""), revs[n-1], last, nil
}
