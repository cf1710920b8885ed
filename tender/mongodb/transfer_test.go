package mongodb_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

func newTransfer(id string) *tender.Transfer {
	return &tender.Transfer{ID: id, Owner: "broker", Date: time.Date(2026, 3, 4, 10, 11, 12, 123456789, tender.Kyiv),
		Access: &tender.Access{TokenHash: "t-" + id, TransferHash: "x-" + id}}
}

// TestTransferStore: transfers round-trip exactly, a claim is unique, and
// only an unconfirmed claim of the same object can be released.
func TestTransferStore(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)

	in := newTransfer("tr1")
	if err := s.InsertTransfer(ctx, in); err != nil {
		t.Fatalf("InsertTransfer: %v", err)
	}
	if err := s.InsertTransfer(ctx, newTransfer("tr1")); !errors.Is(err, tender.ErrConflict) {
		t.Errorf("second insert: %v, want ErrConflict", err)
	}
	got, err := s.GetTransfer(ctx, "tr1")
	if err != nil {
		t.Fatalf("GetTransfer: %v", err)
	}
	if mustJSON(t, got) != mustJSON(t, in) || !got.Date.Equal(in.Date) || got.Use != nil {
		t.Errorf("round trip: got %s use %+v, want %s", mustJSON(t, got), got.Use, mustJSON(t, in))
	}
	if _, err := s.GetTransfer(ctx, "nope"); !errors.Is(err, tender.ErrTransferNotFound) || tender.ErrorCode(err) != tender.CodeNotFound {
		t.Errorf("unknown transfer: %v, want ErrTransferNotFound", err)
	}

	if err := s.ClaimTransfer(ctx, "tr1", "/tenders/a"); err != nil {
		t.Fatalf("ClaimTransfer: %v", err)
	}
	if err := s.ClaimTransfer(ctx, "tr1", "/tenders/b"); !errors.Is(err, tender.ErrTransferUsed) || tender.ErrorCode(err) != tender.CodeForbidden {
		t.Errorf("second claim: %v, want ErrTransferUsed", err)
	}
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use == nil || *got.Use != (tender.TransferUse{UsedFor: "/tenders/a"}) {
		t.Errorf("claimed use %+v", got.Use)
	}
	if err := s.ReleaseTransfer(ctx, "tr1", "/tenders/b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use == nil {
		t.Errorf("releasing another object's claim removed it")
	}
	if err := s.ReleaseTransfer(ctx, "tr1", "/tenders/a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use != nil {
		t.Errorf("released claim still there: %+v", got.Use)
	}
	if err := s.ClaimTransfer(ctx, "tr1", "/tenders/b"); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	if err := s.ConfirmTransfer(ctx, "tr1", "/tenders/b"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseTransfer(ctx, "tr1", "/tenders/b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use == nil || *got.Use != (tender.TransferUse{UsedFor: "/tenders/b", Done: true}) {
		t.Errorf("confirmed use %+v, want done for /tenders/b and not released", got.Use)
	}
}

// TestTransferClaimRace: of many concurrent claims on one transfer, across
// two store instances, exactly one wins.
func TestTransferClaimRace(t *testing.T) {
	s := newStore(t)
	s2 := mongodb.New(s.Database())
	ctx := testCtx(t, 60*time.Second)
	if err := s.InsertTransfer(ctx, newTransfer("race")); err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = s2
			}
			errs[i] = st.ClaimTransfer(ctx, "race", "/tenders/"+string(rune('a'+i)))
		}(i)
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, tender.ErrTransferUsed):
			t.Errorf("claim %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d claims won, want exactly 1", wins)
	}
}
