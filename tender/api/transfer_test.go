package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// faultyStore is the real store with faults a test switches on: every Save
// fails with saveErr, and ConfirmTransfer calls are lost.
type faultyStore struct {
	tender.Store
	mu          sync.Mutex
	saveErr     error
	dropConfirm bool
}

func (s *faultyStore) set(saveErr error, dropConfirm bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saveErr, s.dropConfirm = saveErr, dropConfirm
}

func (s *faultyStore) Save(ctx context.Context, t *tender.Tender, rev tender.Revision, opt tender.SaveOptions) error {
	s.mu.Lock()
	err := s.saveErr
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Store.Save(ctx, t, rev, opt)
}

func (s *faultyStore) ConfirmTransfer(ctx context.Context, id, usedFor string) error {
	s.mu.Lock()
	drop := s.dropConfirm
	s.mu.Unlock()
	if drop {
		return errors.New("connection reset")
	}
	return s.Store.ConfirmTransfer(ctx, id, usedFor)
}

// transferEnv is the API over the real store (behind faultyStore) with a
// movable clock and platforms of every kind the transfer rules tell apart.
type transferEnv struct {
	t     *testing.T
	srv   *httptest.Server
	svc   *tender.Service
	store *mongodb.Store
	fault *faultyStore
	clock *benchClock
}

func newTransferEnv(t *testing.T) *transferEnv {
	t.Helper()
	st := mongodb.New(mongotest.Database(t))
	if err := st.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	fs := &faultyStore{Store: st}
	clock := &benchClock{}
	svc := &tender.Service{Store: fs, Calendar: tender.DefaultCalendar(), Now: clock.Now, Sandbox: true}
	srv := serveAPI(t, svc,
		platform{"buyer", "buyerkey", "1234", tender.RoleBroker},
		platform{"newbroker", "newkey", "1234", tender.RoleBroker},
		platform{"other", "otherkey", "1234", tender.RoleBroker},
		platform{"historian", "histkey", "h", tender.RoleBroker},
		platform{"tester", "testkey", "12t", tender.RoleBroker},
		platform{"bidder", "bidkey", "2", tender.RoleBroker},
		platform{"bidder2", "bid2key", "2", tender.RoleBroker},
		platform{"auction", "robotkey", "", tender.RoleAuction},
	)
	return &transferEnv{t: t, srv: srv, svc: svc, store: st, fault: fs, clock: clock}
}

// do sends a request and checks its status; it returns the body.
func (e *transferEnv) do(method, path, key, body string, want int) []byte {
	e.t.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	status, raw := call(e.t, e.srv, method, "/api/2.5"+path, key, ctype, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return raw
}

// refused sends a request that must fail with status, in ProZorro's error
// shape, naming field.
func (e *transferEnv) refused(method, path, key, body string, status int, field string) {
	e.t.Helper()
	raw := e.do(method, path, key, body, status)
	var eb errorBody
	if err := json.Unmarshal(raw, &eb); err != nil || eb.Status != "error" || len(eb.Errors) == 0 {
		e.t.Fatalf("%s %s: not ProZorro's error shape: %s", method, path, raw)
	}
	for _, fe := range eb.Errors {
		if fe.Name == field {
			return
		}
	}
	e.t.Fatalf("%s %s: no error names %q: %s", method, path, field, raw)
}

type access struct {
	Token    string `json:"token"`
	Transfer string `json:"transfer"`
}

type created struct {
	Data struct {
		ID    string `json:"id"`
		Owner string `json:"owner"`
	} `json:"data"`
	Access access `json:"access"`
}

func decodeCreated(t *testing.T, raw []byte) created {
	t.Helper()
	var c created
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return c
}

// newTender creates a draft tender as buyer and returns its id and tokens.
func (e *transferEnv) newTender() created {
	e.t.Helper()
	c := decodeCreated(e.t, e.do("POST", "/tenders", "buyerkey", mustJSON(validTender()), 201))
	if c.Access.Token == "" || c.Access.Transfer == "" {
		e.t.Fatalf("tender created without both tokens: %+v", c.Access)
	}
	return c
}

// newTransfer creates a transfer as the platform with key.
func (e *transferEnv) newTransfer(key string) created {
	e.t.Helper()
	c := decodeCreated(e.t, e.do("POST", "/transfers", key, `{"data":{}}`, 201))
	if c.Data.ID == "" || c.Access.Token == "" || c.Access.Transfer == "" {
		e.t.Fatalf("transfer without id or tokens: %+v", c)
	}
	return c
}

func ownershipBody(transferID, token string) string {
	return mustJSON(map[string]any{"data": map[string]any{"id": transferID, "transfer": token}})
}

// snapshot is the whole stored tender, tokens' hashes included, with its
// revision: what a refused request must leave alone.
func (e *transferEnv) snapshot(id string) string {
	e.t.Helper()
	tn, err := e.store.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	revs, err := e.store.Revisions(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := json.Marshal(struct {
		T    *tender.Tender
		Rev  int64
		Revs int
	}{tn, tn.Revision, len(revs)})
	return string(b)
}

// usedFor returns the transfer's public usedFor, checking that no token or
// hash is shown.
func (e *transferEnv) usedFor(id string) string {
	e.t.Helper()
	raw := e.do("GET", "/transfers/"+id, "", "", 200)
	if strings.Contains(string(raw), "token") || strings.Contains(string(raw), "sha256") || strings.Contains(string(raw), "access") {
		e.t.Fatalf("transfer view shows credentials: %s", raw)
	}
	var v struct {
		Data struct {
			ID      string `json:"id"`
			Owner   string `json:"owner"`
			UsedFor string `json:"usedFor"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Data.ID != id || v.Data.Owner == "" {
		e.t.Fatalf("transfer view %s: %v", raw, err)
	}
	return v.Data.UsedFor
}

// TestTransferTender: a new platform takes a tender over and works it with
// the transfer's token; the old token stops working; the tender's transfer
// token is now the transfer's, so it can move on again.
func TestTransferTender(t *testing.T) {
	e := newTransferEnv(t)
	tn := e.newTender()
	tr := e.newTransfer("newkey")
	if tr.Data.Owner != "newbroker" {
		t.Errorf("transfer owner %q, want newbroker", tr.Data.Owner)
	}
	if u := e.usedFor(tr.Data.ID); u != "" {
		t.Errorf("fresh transfer usedFor %q", u)
	}

	raw := e.do("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 200)
	if got := decodeCreated(t, raw); got.Data.ID != tn.Data.ID || got.Data.Owner != "newbroker" {
		t.Errorf("ownership answer %s", raw)
	}
	if strings.Contains(string(raw), tn.Access.Transfer) || strings.Contains(string(raw), "token") {
		t.Errorf("ownership answer leaks credentials: %s", raw)
	}
	if u := e.usedFor(tr.Data.ID); u != "/tenders/"+tn.Data.ID {
		t.Errorf("usedFor %q, want /tenders/%s", u, tn.Data.ID)
	}
	var view struct{ Data map[string]any }
	json.Unmarshal(e.do("GET", "/tenders/"+tn.Data.ID, "", "", 200), &view)
	if view.Data["owner"] != "newbroker" {
		t.Errorf("tender owner %v, want newbroker", view.Data["owner"])
	}

	edit := `{"data":{"description":"taken over"}}`
	e.do("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+tr.Access.Token, "newkey", edit, 200)
	e.refused("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+tn.Access.Token, "buyerkey", edit, 403, "data")
	e.refused("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+tn.Access.Token, "newkey", edit, 403, "data")
	// The old transfer token is spent; the transfer's one moves the tender on.
	back := e.newTransfer("buyerkey")
	e.refused("POST", "/tenders/"+tn.Data.ID+"/ownership", "buyerkey", ownershipBody(back.Data.ID, tn.Access.Transfer), 403, "transfer")
	e.do("POST", "/tenders/"+tn.Data.ID+"/ownership", "buyerkey", ownershipBody(back.Data.ID, tr.Access.Transfer), 200)
	e.do("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+back.Access.Token, "buyerkey", edit, 200)
	e.refused("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+tr.Access.Token, "newkey", edit, 403, "data")
}

// TestTransferRefusals: every refusal answers in ProZorro's shape, changes
// neither the tender nor the transfer, and leaves the transfer usable.
func TestTransferRefusals(t *testing.T) {
	e := newTransferEnv(t)
	tn := e.newTender()
	tr := e.newTransfer("newkey")
	hist := e.newTransfer("histkey")
	test := e.newTransfer("testkey")
	used := e.newTransfer("newkey")
	elsewhere := e.newTender()
	e.do("POST", "/tenders/"+elsewhere.Data.ID+"/ownership", "newkey", ownershipBody(used.Data.ID, elsewhere.Access.Transfer), 200)
	before := e.snapshot(tn.Data.ID)

	own := "/tenders/" + tn.Data.ID + "/ownership"
	cases := []struct {
		name, path, key, body string
		status                int
		field                 string
	}{
		{"wrong transfer token", own, "newkey", ownershipBody(tr.Data.ID, tn.Access.Token), 403, "transfer"},
		{"used transfer", own, "newkey", ownershipBody(used.Data.ID, tn.Access.Transfer), 403, "transfer"},
		{"unknown transfer", own, "newkey", ownershipBody("0123456789abcdef0123456789abcdef", tn.Access.Transfer), 404, "transfer_id"},
		{"unknown tender", "/tenders/0123456789abcdef0123456789abcdef/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 404, "tender_id"},
		{"no transfer id", own, "newkey", `{"data":{"transfer":"` + tn.Access.Transfer + `"}}`, 422, "id"},
		{"no transfer token", own, "newkey", `{"data":{"id":"` + tr.Data.ID + `"}}`, 422, "transfer"},
		{"rogue field", own, "newkey", `{"data":{"id":"` + tr.Data.ID + `","owner":"newbroker"}}`, 422, "owner"},
		{"history level only", own, "histkey", ownershipBody(hist.Data.ID, tn.Access.Transfer), 403, "data"},
		{"bidder level only", own, "bidkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 403, "data"},
		{"test-only platform on a real tender", own, "testkey", ownershipBody(test.Data.ID, tn.Access.Transfer), 403, "data"},
		{"robot", own, "robotkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 403, "data"},
		{"anonymous", own, "", ownershipBody(tr.Data.ID, tn.Access.Transfer), 403, "data"},
		{"another platform's transfer", own, "otherkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 403, "id"},
		{"robot creates a transfer", "/transfers", "robotkey", `{"data":{}}`, 403, "data"},
		{"anonymous creates a transfer", "/transfers", "", `{"data":{}}`, 403, "data"},
		{"transfer with fields", "/transfers", "newkey", `{"data":{"owner":"x"}}`, 422, "owner"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := *e
			e.t = t
			e.refused("POST", tc.path, tc.key, tc.body, tc.status, tc.field)
		})
	}
	e.refused("GET", "/transfers/0123456789abcdef0123456789abcdef", "", "", 404, "transfer_id")
	if after := e.snapshot(tn.Data.ID); after != before {
		t.Fatalf("refused requests changed the tender:\nbefore %s\nafter  %s", before, after)
	}
	if u := e.usedFor(tr.Data.ID); u != "" {
		t.Errorf("refused requests marked the transfer used for %q", u)
	}
	e.do("POST", own, "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 200)
}

// TestTransferBid: a bid gets a transfer token once, and another bidding
// platform takes the bid over with it.
func TestTransferBid(t *testing.T) {
	e := newTransferEnv(t)
	tn := decodeCreated(t, e.do("POST", "/tenders", "buyerkey", string(bCreateBody(e.clock.Now())), 201))
	e.do("PATCH", "/tenders/"+tn.Data.ID+"?acc_token="+tn.Access.Token, "buyerkey", string(bPublishBody), 200)
	e.clock.Advance(bJumpToBidding)
	if got, err := e.svc.Chronograph(context.Background(), tn.Data.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil || got.Status != tender.StatusTendering {
		t.Fatalf("chronograph: %v", err)
	}
	bid := decodeCreated(t, e.do("POST", "/tenders/"+tn.Data.ID+"/bids", "bidkey", string(bBidBody(bNextEDRPOU())), 201))
	if bid.Access.Token == "" || bid.Access.Transfer == "" {
		t.Fatalf("bid created without both tokens: %+v", bid.Access)
	}
	bidPath := "/tenders/" + tn.Data.ID + "/bids/" + bid.Data.ID
	if raw := e.do("GET", bidPath+"?acc_token="+bid.Access.Token, "bidkey", "", 200); strings.Contains(string(raw), "sha256") || strings.Contains(string(raw), bid.Access.Transfer) {
		t.Errorf("bid view shows credentials: %s", raw)
	}

	tr := e.newTransfer("bid2key")
	hist := e.newTransfer("histkey")
	before := e.snapshot(tn.Data.ID)
	e.refused("POST", bidPath+"/ownership", "bid2key", ownershipBody(tr.Data.ID, bid.Access.Token), 403, "transfer")
	e.refused("POST", bidPath+"/ownership", "bid2key", ownershipBody(tr.Data.ID, tn.Access.Transfer), 403, "transfer")
	e.refused("POST", bidPath+"/ownership", "histkey", ownershipBody(hist.Data.ID, bid.Access.Transfer), 403, "data")
	e.refused("POST", "/tenders/"+tn.Data.ID+"/bids/0123456789abcdef0123456789abcdef/ownership", "bid2key", ownershipBody(tr.Data.ID, bid.Access.Transfer), 404, "bid_id")
	e.refused("POST", "/tenders/"+tn.Data.ID+"/ownership", "bid2key", ownershipBody(tr.Data.ID, bid.Access.Transfer), 403, "data")
	if after := e.snapshot(tn.Data.ID); after != before {
		t.Fatalf("refused requests changed the tender:\nbefore %s\nafter  %s", before, after)
	}

	raw := e.do("POST", bidPath+"/ownership", "bid2key", ownershipBody(tr.Data.ID, bid.Access.Transfer), 200)
	if got := decodeCreated(t, raw); got.Data.ID != bid.Data.ID || got.Data.Owner != "bidder2" {
		t.Errorf("ownership answer %s", raw)
	}
	if u := e.usedFor(tr.Data.ID); u != bidPath {
		t.Errorf("usedFor %q, want %s", u, bidPath)
	}
	patch := `{"data":{"value":{"amount":139000,"currency":"UAH","valueAddedTaxIncluded":true}}}`
	e.do("PATCH", bidPath+"?acc_token="+tr.Access.Token, "bid2key", patch, 200)
	e.refused("PATCH", bidPath+"?acc_token="+bid.Access.Token, "bidkey", patch, 403, "data")
	e.refused("GET", bidPath+"?acc_token="+bid.Access.Token, "bidkey", "", 403, "data")
}

// TestTransferUsedOnce: one transfer raced onto several tenders at once
// moves exactly one of them.
func TestTransferUsedOnce(t *testing.T) {
	e := newTransferEnv(t)
	const n = 8
	tenders := make([]created, n)
	for i := range tenders {
		tenders[i] = e.newTender()
	}
	tr := e.newTransfer("newkey")
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range tenders {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i], _ = call(t, e.srv, "POST", "/api/2.5/tenders/"+tenders[i].Data.ID+"/ownership", "newkey", "application/json",
				ownershipBody(tr.Data.ID, tenders[i].Access.Transfer))
		}(i)
	}
	wg.Wait()
	won := -1
	for i, st := range statuses {
		switch st {
		case 200:
			if won >= 0 {
				t.Fatalf("transfer used twice: tenders %d and %d (statuses %v)", won, i, statuses)
			}
			won = i
		case 403:
		default:
			t.Errorf("tender %d: status %d", i, st)
		}
	}
	if won < 0 {
		t.Fatalf("no tender moved: %v", statuses)
	}
	for i, tn := range tenders {
		got, err := e.store.Get(context.Background(), tn.Data.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: "newbroker", false: "buyer"}[i == won]; got.Owner != want {
			t.Errorf("tender %d owner %q, want %q", i, got.Owner, want)
		}
	}
	if u := e.usedFor(tr.Data.ID); u != "/tenders/"+tenders[won].Data.ID {
		t.Errorf("usedFor %q, want the moved tender", u)
	}
}

// TestTransferLostRaceReleases: two transfers raced onto one tender; the
// loser (409, or 403 once the winner changed the transfer token) wrote
// nothing and its transfer stays usable.
func TestTransferLostRaceReleases(t *testing.T) {
	e := newTransferEnv(t)
	tn := e.newTender()
	trs := []created{e.newTransfer("newkey"), e.newTransfer("otherkey")}
	keys := []string{"newkey", "otherkey"}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range trs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i], _ = call(t, e.srv, "POST", "/api/2.5/tenders/"+tn.Data.ID+"/ownership", keys[i], "application/json",
				ownershipBody(trs[i].Data.ID, tn.Access.Transfer))
		}(i)
	}
	wg.Wait()
	won, lost := 0, 1
	if statuses[1] == 200 {
		won, lost = 1, 0
	}
	if statuses[won] != 200 || (statuses[lost] != 409 && statuses[lost] != 403) {
		t.Fatalf("statuses %v, want one 200 and one 409 or 403", statuses)
	}
	if u := e.usedFor(trs[lost].Data.ID); u != "" {
		t.Errorf("losing transfer marked used for %q", u)
	}
	other := e.newTender()
	e.do("POST", "/tenders/"+other.Data.ID+"/ownership", keys[lost], ownershipBody(trs[lost].Data.ID, other.Access.Transfer), 200)
}

// TestTransferSaveFails plays the failures between claiming a transfer and
// confirming its use.
func TestTransferSaveFails(t *testing.T) {
	e := newTransferEnv(t)

	// A save that wrote nothing (a lost race) releases the transfer.
	tn := e.newTender()
	tr := e.newTransfer("newkey")
	before := e.snapshot(tn.Data.ID)
	e.fault.set(tender.ErrConflict, false)
	e.refused("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 409, "data")
	e.fault.set(nil, false)
	if after := e.snapshot(tn.Data.ID); after != before {
		t.Fatalf("failed save changed the tender:\nbefore %s\nafter  %s", before, after)
	}
	if u := e.usedFor(tr.Data.ID); u != "" {
		t.Errorf("released transfer shows usedFor %q", u)
	}
	e.do("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 200)

	// A save with an unknown outcome keeps the claim: the transfer can reach
	// no other object, the tender keeps its transfer token, a new transfer works.
	tn = e.newTender()
	tr = e.newTransfer("newkey")
	before = e.snapshot(tn.Data.ID)
	e.fault.set(errors.New("connection reset"), false)
	e.refused("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 500, "data")
	e.fault.set(nil, false)
	if after := e.snapshot(tn.Data.ID); after != before {
		t.Fatalf("failed save changed the tender:\nbefore %s\nafter  %s", before, after)
	}
	if u := e.usedFor(tr.Data.ID); u != "" {
		t.Errorf("transfer whose change did not happen shows usedFor %q", u)
	}
	other := e.newTender()
	e.refused("POST", "/tenders/"+other.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, other.Access.Transfer), 403, "transfer")
	fresh := e.newTransfer("newkey")
	e.do("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(fresh.Data.ID, tn.Access.Transfer), 200)

	// A lost confirmation: the change happened, and reading the transfer
	// proves and records it.
	tn = e.newTender()
	tr = e.newTransfer("newkey")
	e.fault.set(nil, true)
	e.do("POST", "/tenders/"+tn.Data.ID+"/ownership", "newkey", ownershipBody(tr.Data.ID, tn.Access.Transfer), 200)
	got, err := e.store.GetTransfer(context.Background(), tr.Data.ID)
	if err != nil || got.Use == nil || got.Use.Done {
		t.Fatalf("after a lost confirmation the claim is %+v (%v), want unconfirmed", got.Use, err)
	}
	if u := e.usedFor(tr.Data.ID); u != "/tenders/"+tn.Data.ID {
		t.Errorf("usedFor %q, want /tenders/%s", u, tn.Data.ID)
	}
	e.fault.set(nil, false)
	e.usedFor(tr.Data.ID)
	if got, err := e.store.GetTransfer(context.Background(), tr.Data.ID); err != nil || got.Use == nil || !got.Use.Done {
		t.Errorf("reading the transfer did not confirm it: %+v (%v)", got, err)
	}
}
