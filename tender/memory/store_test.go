package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, time.March, 2, 10, 0, 0, 0, tender.Kyiv)
)

func newTender(id string, status tender.Status, mode string) *tender.Tender {
	return &tender.Tender{
		ID: id, TenderID: "UA-2026-03-02-" + id + "-a", Title: "Tender " + id, Status: status, Mode: mode,
		Value:       tender.Value{Amount: tender.MustAmount("1500.50"), Currency: "UAH"},
		DateCreated: t0, DateModified: t0,
	}
}

func rev(n int64) tender.Revision {
	return tender.Revision{Rev: n, Author: "acme", Date: t0, Changes: json.RawMessage(`[]`)}
}

func mustInsert(t *testing.T, s *memory.Store, tn *tender.Tender) {
	t.Helper()
	if err := s.Insert(ctx, tn, rev(1)); err != nil {
		t.Fatalf("insert %s: %v", tn.ID, err)
	}
}

// touch saves tn again unchanged but for its title, taking a new feed number.
func touch(t *testing.T, s *memory.Store, id string) {
	t.Helper()
	tn, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tn.Title += "!"
	if err := s.Save(ctx, tn, rev(tn.Revision+1), tender.SaveOptions{}); err != nil {
		t.Fatalf("save %s: %v", id, err)
	}
}

func wantNotFound(t *testing.T, err error) {
	t.Helper()
	var e *tender.Error
	if tender.ErrorCode(err) != tender.CodeNotFound || !errors.As(err, &e) || e.Errors[0].Name != "tender_id" {
		t.Errorf("err = %v, want not found naming tender_id", err)
	}
	if !errors.Is(err, tender.ErrNotFound) {
		t.Errorf("err = %v does not wrap tender.ErrNotFound", err)
	}
}

func wantConflict(t *testing.T, err error) {
	t.Helper()
	if tender.ErrorCode(err) != tender.CodeConflict || !errors.Is(err, tender.ErrConflict) {
		t.Errorf("err = %v, want tender.ErrConflict", err)
	}
}

func TestInsertGetCopies(t *testing.T) {
	s := memory.New()
	in := newTender("a", tender.StatusDraft, "")
	mustInsert(t, s, in)
	if in.Revision != 1 || in.Seq != 1 {
		t.Errorf("after insert revision %d seq %d, want 1 1", in.Revision, in.Seq)
	}
	in.Title = "changed after insert"
	got, err := s.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Tender a" || got.Revision != 1 || got.Seq != 1 {
		t.Errorf("got title %q rev %d seq %d", got.Title, got.Revision, got.Seq)
	}
	if got.Value.Amount.Cmp(tender.MustAmount("1500.50")) != 0 || got.Value.Amount.String() != "1500.5" {
		t.Errorf("amount = %s, want exactly 1500.50", got.Value.Amount)
	}
	got.Title = "changed after get"
	again, _ := s.Get(ctx, "a")
	if again.Title != "Tender a" {
		t.Errorf("stored title = %q: Get did not copy", again.Title)
	}
}

func TestInsertDuplicate(t *testing.T) {
	s := memory.New()
	mustInsert(t, s, newTender("a", tender.StatusDraft, ""))
	wantConflict(t, s.Insert(ctx, newTender("a", tender.StatusDraft, ""), rev(1)))
	dup := newTender("b", tender.StatusDraft, "")
	dup.TenderID = "UA-2026-03-02-a-a"
	wantConflict(t, s.Insert(ctx, dup, rev(1)))
	_, err := s.Get(ctx, "b")
	wantNotFound(t, err)
}

func TestSaveCompareAndSet(t *testing.T) {
	s := memory.New()
	mustInsert(t, s, newTender("a", tender.StatusDraft, ""))
	first, _ := s.Get(ctx, "a")
	second, _ := s.Get(ctx, "a")

	first.Status = tender.StatusEnquiries
	if err := s.Save(ctx, first, rev(2), tender.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if first.Revision != 2 || first.Seq != 2 {
		t.Errorf("after save revision %d seq %d, want 2 2", first.Revision, first.Seq)
	}
	second.Title = "lost update"
	wantConflict(t, s.Save(ctx, second, rev(2), tender.SaveOptions{}))
	if second.Revision != 1 {
		t.Errorf("a failed save changed the copy's revision to %d", second.Revision)
	}
	got, _ := s.Get(ctx, "a")
	if got.Status != tender.StatusEnquiries || got.Title != "Tender a" || got.Revision != 2 {
		t.Errorf("stored %q %q rev %d after a lost race", got.Status, got.Title, got.Revision)
	}
	revs, _ := s.Revisions(ctx, "a")
	if len(revs) != 2 {
		t.Errorf("revisions = %d, want 2", len(revs))
	}
	// The failed save took no feed number.
	mustInsert(t, s, newTender("b", tender.StatusDraft, ""))
	if b, _ := s.Get(ctx, "b"); b.Seq != 3 {
		t.Errorf("next feed number = %d, want 3", b.Seq)
	}
}

func TestNotFound(t *testing.T) {
	s := memory.New()
	_, err := s.Get(ctx, "missing")
	wantNotFound(t, err)
	wantNotFound(t, s.Save(ctx, newTender("missing", tender.StatusDraft, ""), rev(2), tender.SaveOptions{}))
	_, err = s.Revisions(ctx, "missing")
	wantNotFound(t, err)
}

func TestStampBid(t *testing.T) {
	s := memory.New()
	now := t0.Add(1234567 * time.Microsecond)
	s.Now = func() time.Time { return now }
	mustInsert(t, s, newTender("a", tender.StatusEnquiries, ""))

	tn, _ := s.Get(ctx, "a")
	if tn.BidCommits != nil {
		t.Errorf("new tender has bid commits %v", tn.BidCommits)
	}
	if err := s.Save(ctx, tn, rev(2), tender.SaveOptions{StampBid: "b1"}); err != nil {
		t.Fatal(err)
	}
	want := now.Truncate(time.Millisecond)
	if !tn.BidCommits["b1"].Equal(want) {
		t.Errorf("saved copy: b1 committed %v, want %v", tn.BidCommits["b1"], want)
	}
	tn.BidCommits["b1"] = time.Time{} // the caller's map is its own

	now = now.Add(time.Second)
	tn, _ = s.Get(ctx, "a")
	if err := s.Save(ctx, tn, rev(3), tender.SaveOptions{StampBid: "b2"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, "a")
	if !got.BidCommits["b1"].Equal(want) || !got.BidCommits["b2"].Equal(want.Add(time.Second)) || len(got.BidCommits) != 2 {
		t.Errorf("bid commits = %v", got.BidCommits)
	}
	// Restamping moves the commit time.
	now = now.Add(time.Second)
	if err := s.Save(ctx, got, rev(4), tender.SaveOptions{StampBid: "b1"}); err != nil {
		t.Fatal(err)
	}
	if !got.BidCommits["b1"].Equal(want.Add(2 * time.Second)) {
		t.Errorf("restamped b1 = %v", got.BidCommits["b1"])
	}
}

func TestNextSequence(t *testing.T) {
	var s memory.Store // the zero Store works
	for i, name := range []string{"tender_2026-03-02", "tender_2026-03-02", "tender_2026-03-03", "tender_2026-03-02"} {
		want := map[int]int64{0: 1, 1: 2, 2: 1, 3: 3}[i]
		if n, err := s.NextSequence(ctx, name); err != nil || n != want {
			t.Errorf("NextSequence(%s) #%d = %d, %v; want %d", name, i, n, err, want)
		}
	}
}

func TestRevisionsOldestFirst(t *testing.T) {
	s := memory.New()
	mustInsert(t, s, newTender("a", tender.StatusDraft, ""))
	touch(t, s, "a")
	touch(t, s, "a")
	revs, err := s.Revisions(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range revs {
		got = append(got, r.Rev)
	}
	if !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("revisions = %v, want 1 2 3", got)
	}
	revs[0].Changes[0] = 'X'
	again, _ := s.Revisions(ctx, "a")
	if string(again[0].Changes) != "[]" {
		t.Errorf("Revisions did not copy: %s", again[0].Changes)
	}
}

func TestDue(t *testing.T) {
	s := memory.New()
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	for _, x := range []struct {
		id   string
		next *time.Time
	}{{"late", at(3 * time.Second)}, {"none", nil}, {"early", at(time.Second)}, {"now", at(5 * time.Second)}, {"future", at(time.Minute)}, {"tie", at(time.Second)}} {
		tn := newTender(x.id, tender.StatusEnquiries, "")
		tn.NextCheck = x.next
		mustInsert(t, s, tn)
	}
	tests := []struct {
		now   time.Time
		limit int
		want  []string
	}{
		{t0, 10, []string{}},
		{t0.Add(5 * time.Second), 10, []string{"early", "tie", "late", "now"}},
		{t0.Add(5 * time.Second), 2, []string{"early", "tie"}},
		{t0.Add(5 * time.Second).In(time.UTC), 0, []string{"early", "tie", "late", "now"}},
	}
	for _, tc := range tests {
		got, err := s.Due(ctx, tc.now, tc.limit)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Due(%v, %d) = %v, %v; want %v", tc.now, tc.limit, got, err, tc.want)
		}
	}
	// Due follows saves.
	tn, _ := s.Get(ctx, "early")
	tn.NextCheck = nil
	if err := s.Save(ctx, tn, rev(2), tender.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Due(ctx, t0.Add(time.Second), 10); !slices.Equal(got, []string{"tie"}) {
		t.Errorf("after save Due = %v, want [tie]", got)
	}
}

func TestFeed(t *testing.T) {
	s := memory.New()
	// Feed numbers: d1 draft, r2 real, t3 test, r4 real, r5 real; then r2 is
	// saved again (6) and d1 (7, still a draft).
	mustInsert(t, s, newTender("d1", tender.StatusDraft, ""))
	mustInsert(t, s, newTender("r2", tender.StatusEnquiries, ""))
	mustInsert(t, s, newTender("t3", tender.StatusEnquiries, "test"))
	mustInsert(t, s, newTender("r4", tender.StatusTendering, ""))
	mustInsert(t, s, newTender("r5", tender.StatusComplete, ""))
	touch(t, s, "r2")
	touch(t, s, "d1")

	tests := []struct {
		name       string
		q          tender.FeedQuery
		want       []string
		next, prev string
	}{
		{"real from the start", tender.FeedQuery{Limit: 100}, []string{"r4", "r5", "r2"}, "6", "4"},
		{"real first page", tender.FeedQuery{Limit: 2}, []string{"r4", "r5"}, "5", "4"},
		{"real next page", tender.FeedQuery{Offset: "5", Limit: 2}, []string{"r2"}, "6", "6"},
		{"real past the end", tender.FeedQuery{Offset: "6", Limit: 2}, nil, "6", "6"},
		{"test only", tender.FeedQuery{Mode: tender.FeedTest, Limit: 10}, []string{"t3"}, "3", "3"},
		{"all modes", tender.FeedQuery{Mode: tender.FeedAll, Limit: 10}, []string{"t3", "r4", "r5", "r2"}, "6", "3"},
		{"no limit", tender.FeedQuery{Mode: tender.FeedAll}, []string{"t3", "r4", "r5", "r2"}, "6", "3"},
		{"descending from the top", tender.FeedQuery{Descending: true, Limit: 2}, []string{"r2", "r5"}, "5", "6"},
		{"descending next page", tender.FeedQuery{Descending: true, Offset: "5", Limit: 2}, []string{"r4"}, "4", "4"},
		{"descending past the start", tender.FeedQuery{Descending: true, Offset: "4", Limit: 2}, nil, "4", "4"},
		{"unknown mode means all", tender.FeedQuery{Descending: true, Mode: "other", Limit: 2}, []string{"r2", "r5"}, "5", "6"},
		{"descending test only", tender.FeedQuery{Descending: true, Mode: tender.FeedTest, Offset: "3"}, nil, "3", "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.Feed(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tn := range page.Items {
				got = append(got, tn.ID)
				if tn.Seq == 0 || tn.Revision == 0 {
					t.Errorf("%s without seq/revision", tn.ID)
				}
			}
			if !slices.Equal(got, tc.want) || page.Next != tc.next || page.Prev != tc.prev {
				t.Errorf("Feed = %v next %q prev %q, want %v next %q prev %q", got, page.Next, page.Prev, tc.want, tc.next, tc.prev)
			}
		})
	}

	empty := memory.New()
	if page, _ := empty.Feed(ctx, tender.FeedQuery{Descending: true, Limit: 10}); page.Next != "0" || page.Prev != "0" || len(page.Items) != 0 {
		t.Errorf("empty descending feed = %+v, want next 0 prev 0 (the top of an empty feed), as tender/mongodb answers", page)
	}
	if page, _ := empty.Feed(ctx, tender.FeedQuery{Limit: 10}); page.Next != "0" || page.Prev != "0" {
		t.Errorf("empty ascending feed = %+v, want next 0 prev 0", page)
	}
	for _, bad := range []string{"abc", "-1", "1.5"} {
		_, err := s.Feed(ctx, tender.FeedQuery{Offset: bad})
		var e *tender.Error
		if tender.ErrorCode(err) != tender.CodeInvalid || !errors.As(err, &e) || e.Errors[0].Name != "offset" {
			t.Errorf("offset %q: err = %v, want invalid naming offset", bad, err)
		}
	}
}

// TestConcurrentSaves races writers with retries: every write lands exactly
// once and takes its own feed number.
func TestConcurrentSaves(t *testing.T) {
	s := memory.New()
	mustInsert(t, s, newTender("a", tender.StatusEnquiries, ""))
	mustInsert(t, s, newTender("b", tender.StatusEnquiries, ""))
	const writers, writes = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	seqs := map[int64]bool{}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := []string{"a", "b"}[w%2]
			for i := 0; i < writes; {
				tn, err := s.Get(ctx, id)
				if err != nil {
					t.Error(err)
					return
				}
				tn.Description = fmt.Sprintf("w%d-%d", w, i)
				err = s.Save(ctx, tn, rev(tn.Revision+1), tender.SaveOptions{StampBid: "w" + strconv.Itoa(w)})
				if errors.Is(err, tender.ErrConflict) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seqs[tn.Seq] {
					t.Errorf("feed number %d taken twice", tn.Seq)
				}
				seqs[tn.Seq] = true
				mu.Unlock()
				i++
			}
		}()
		wg.Add(1)
		go func() { // readers alongside
			defer wg.Done()
			for range writes {
				if _, err := s.Feed(ctx, tender.FeedQuery{Limit: 10}); err != nil {
					t.Error(err)
				}
				if _, err := s.Due(ctx, t0, 10); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range []string{"a", "b"} {
		tn, _ := s.Get(ctx, id)
		revs, _ := s.Revisions(ctx, id)
		want := 1 + writers/2*writes
		if int(tn.Revision) != want || len(revs) != want || len(tn.BidCommits) != writers/2 {
			t.Errorf("%s: revision %d, %d revisions, %d bid commits; want %d, %d, %d", id, tn.Revision, len(revs), len(tn.BidCommits), want, want, writers/2)
		}
	}
	if len(seqs) != writers*writes {
		t.Errorf("%d feed numbers for %d writes", len(seqs), writers*writes)
	}
}

func TestCancelledContext(t *testing.T) {
	s := memory.New()
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Insert(c, newTender("a", tender.StatusDraft, ""), rev(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("insert with a cancelled context: %v", err)
	}
	if _, err := s.Get(ctx, "a"); tender.ErrorCode(err) != tender.CodeNotFound {
		t.Errorf("insert with a cancelled context stored the tender: %v", err)
	}
}

func BenchmarkGetSave(b *testing.B) {
	s := memory.New()
	tn := newTender("a", tender.StatusEnquiries, "")
	if err := s.Insert(ctx, tn, rev(1)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tn, err := s.Get(ctx, "a")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Save(ctx, tn, rev(tn.Revision+1), tender.SaveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
