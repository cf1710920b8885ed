package memory_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
)

// TestTransferStore: the in-memory store keeps tender/mongodb's transfer
// semantics: copies, a unique claim, release only of an unconfirmed claim of
// the same object.
func TestTransferStore(t *testing.T) {
	s := memory.New()
	in := &tender.Transfer{ID: "tr1", Owner: "broker", Date: t0, Access: &tender.Access{TokenHash: "t", TransferHash: "x"}}
	if err := s.InsertTransfer(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertTransfer(ctx, in); !errors.Is(err, tender.ErrConflict) {
		t.Errorf("second insert: %v, want ErrConflict", err)
	}
	in.Owner = "changed after insert"
	got, err := s.GetTransfer(ctx, "tr1")
	if err != nil || got.Owner != "broker" || !got.Date.Equal(t0) || got.Access.TokenHash != "t" || got.Use != nil {
		t.Fatalf("GetTransfer = %+v, %v", got, err)
	}
	if _, err := s.GetTransfer(ctx, "nope"); !errors.Is(err, tender.ErrTransferNotFound) {
		t.Errorf("unknown transfer: %v", err)
	}

	var wg sync.WaitGroup
	wins := make(chan string, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			if err := s.ClaimTransfer(ctx, "tr1", path); err == nil {
				wins <- path
			} else if !errors.Is(err, tender.ErrTransferUsed) {
				t.Errorf("claim: %v", err)
			}
		}("/tenders/" + string(rune('a'+i)))
	}
	wg.Wait()
	close(wins)
	var won []string
	for p := range wins {
		won = append(won, p)
	}
	if len(won) != 1 {
		t.Fatalf("claims won: %v, want exactly one", won)
	}
	got, _ = s.GetTransfer(ctx, "tr1")
	got.Use.Done = true // a copy
	if again, _ := s.GetTransfer(ctx, "tr1"); again.Use == nil || again.Use.UsedFor != won[0] || again.Use.Done {
		t.Fatalf("use = %+v, want unconfirmed %s", again.Use, won[0])
	}
	s.ReleaseTransfer(ctx, "tr1", "/tenders/other")
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use == nil {
		t.Fatal("released another object's claim")
	}
	s.ReleaseTransfer(ctx, "tr1", won[0])
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use != nil {
		t.Fatal("claim not released")
	}
	if err := s.ClaimTransfer(ctx, "tr1", "/tenders/z"); err != nil {
		t.Fatal(err)
	}
	s.ConfirmTransfer(ctx, "tr1", "/tenders/z")
	s.ReleaseTransfer(ctx, "tr1", "/tenders/z")
	if got, _ := s.GetTransfer(ctx, "tr1"); got.Use == nil || !got.Use.Done {
		t.Fatalf("confirmed claim: %+v", got.Use)
	}
}
