package mongodb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// newStore returns a Store on a fresh database of the test server, with its
// indexes in place.
func newStore(t testing.TB) *mongodb.Store {
	t.Helper()
	s := mongodb.New(mongotest.Database(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s
}

// testCtx returns a context that ends with the test or after d.
func testCtx(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

var tenderNo atomic.Int64

func ptr[T any](v T) *T { return &v }

// newTender returns a published tender with a unique tenderID; mode is "" for
// a real tender or "test".
func newTender(id, mode string) *tender.Tender {
	n := tenderNo.Add(1)
	now := time.Now().UTC()
	start := now.Add(24 * time.Hour)
	end := now.Add(10 * 24 * time.Hour)
	return &tender.Tender{
		ID:                      id,
		TenderID:                fmt.Sprintf("UA-2026-01-01-%06d-a-%s", n, id),
		Title:                   "v0",
		Status:                  tender.StatusTendering,
		ProcurementMethod:       "open",
		ProcurementMethodType:   "belowThreshold",
		SubmissionMethod:        "electronicAuction",
		MainProcurementCategory: "goods",
		AwardCriteria:           "lowestCost",
		Mode:                    mode,
		Owner:                   "broker",
		ProcuringEntity: tender.Organization{
			Name:       "Державне управління справами",
			Identifier: tender.Identifier{Scheme: "UA-EDR", ID: "00037256"},
		},
		Value:        tender.Value{Amount: tender.MustAmount("1000.00"), Currency: "UAH", ValueAddedTaxIncluded: ptr(true)},
		Items:        []tender.Item{{ID: "i1", Description: "item", Classification: tender.Classification{Scheme: "ДК021", ID: "44617100-9", Description: "Cartons"}}},
		TenderPeriod: &tender.Period{StartDate: &start, EndDate: &end},
		DateCreated:  now,
		DateModified: now,
	}
}

// rev returns revision r with a small patch, as the service builds it: Rev 1
// for Insert, the loaded Revision+1 for Save.
func rev(author string, r int64) tender.Revision {
	return tender.Revision{
		Rev:     r,
		Author:  author,
		Date:    time.Now().UTC(),
		Changes: json.RawMessage(fmt.Sprintf(`[{"op":"replace","path":"/title","value":"r%d"}]`, r)),
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return string(b)
}

func mustInsert(t testing.TB, s *mongodb.Store, tn *tender.Tender) {
	t.Helper()
	if err := s.Insert(context.Background(), tn, rev("broker", 1)); err != nil {
		t.Fatalf("Insert %s: %v", tn.ID, err)
	}
}

func mustGet(t testing.TB, s *mongodb.Store, id string) *tender.Tender {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get %s: %v", id, err)
	}
	return got
}

// mustSave loads id, applies change and saves it.
func mustSave(t testing.TB, s *mongodb.Store, id string, change func(*tender.Tender)) *tender.Tender {
	t.Helper()
	tn := mustGet(t, s, id)
	change(tn)
	tn.DateModified = time.Now().UTC()
	if err := s.Save(context.Background(), tn, rev("broker", tn.Revision+1), tender.SaveOptions{}); err != nil {
		t.Fatalf("Save %s: %v", id, err)
	}
	return tn
}
