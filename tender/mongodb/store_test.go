package mongodb_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

// richTender fills most of the aggregate, with money that float64 would mangle.
func richTender(id string) *tender.Tender {
	tn := newTender(id, "")
	loc := time.FixedZone("EET", 2*3600)
	d := time.Date(2026, 3, 4, 10, 11, 12, 123456789, loc)
	later := d.Add(36 * time.Hour)
	tn.Description = "Опис із лапками \" і <тегами> & юнікодом 🙂"
	tn.TitleEn = "Title"
	tn.Value = tender.Value{Amount: tender.MustAmount("150000.50"), Currency: "UAH", ValueAddedTaxIncluded: ptr(false)}
	tn.MinimalStep = &tender.Value{Amount: tender.MustAmount("0.01"), Currency: "UAH"}
	tn.Guarantee = &tender.Money{Amount: tender.MustAmount("123456789012345.67"), Currency: "UAH"}
	q := tender.MustAmount("12345678901234567.89")
	tn.Items[0].Quantity = &q
	tn.Items[0].Unit = &tender.Unit{Code: "H87", Name: "штука", Value: &tender.Value{Amount: tender.MustAmount("0.01"), Currency: "UAH"}}
	tn.Items[0].DeliveryDate = &tender.Period{StartDate: &d, EndDate: &later}
	tn.Items[0].DeliveryAddress = &tender.Address{CountryName: "Україна", Locality: "Київ"}
	tn.EnquiryPeriod = &tender.Period{StartDate: &d, EndDate: &later}
	tn.Documents = []tender.Document{{ID: "d1", Title: "doc.pdf", URL: "http://ds/1", Format: "application/pdf", DatePublished: d, DateModified: later}}
	tn.Questions = []tender.Question{{ID: "q1", Title: "Q?", Date: d, QuestionOf: "tender", Author: tender.Organization{Name: "A", Identifier: tender.Identifier{Scheme: "UA-EDR", ID: "1"}}}}
	tn.Bids = []tender.Bid{{
		ID: "b1", Status: tender.BidPending, Date: d,
		Tenderers: []tender.Organization{{Name: "Постачальник", Identifier: tender.Identifier{Scheme: "UA-EDR", ID: "2"}, Signer: map[string]any{"name": "x", "n": json.Number("1")}}},
		Value:     &tender.Value{Amount: tender.MustAmount("149999.99"), Currency: "UAH"},
		Access:    &tender.Access{TokenHash: "abc"},
	}}
	tn.NextCheck = &later
	tn.Date = &d
	tn.Config = &tender.Config{}
	tn.Access = &tender.Access{TokenHash: "deadbeef", TransferHash: "cafe"}
	tn.DateCreated = d
	tn.DateModified = d
	return tn
}

func TestInsertGetRoundTrip(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)

	tn := richTender("t1")
	want := mustJSON(t, tn)
	if err := s.Insert(ctx, tn, rev("broker", 1)); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	if tn.Revision != 1 || tn.Seq <= 0 {
		t.Fatalf("after Insert: Revision=%d Seq=%d, want 1 and > 0", tn.Revision, tn.Seq)
	}
	got, err := s.Get(ctx, "t1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if g := mustJSON(t, got); g != want {
		t.Fatalf("round trip changed the tender:\n got %s\nwant %s", g, want)
	}
	if got.Revision != 1 || got.Seq != tn.Seq {
		t.Fatalf("Get: Revision=%d Seq=%d, want 1 and %d", got.Revision, got.Seq, tn.Seq)
	}
	for _, c := range []struct {
		name string
		a    tender.Amount
		want string
	}{
		{"value", got.Value.Amount, "150000.5"}, // 150000.50: same number, canonical digits
		{"minimalStep", got.MinimalStep.Amount, "0.01"},
		{"guarantee", got.Guarantee.Amount, "123456789012345.67"},
		{"quantity", *got.Items[0].Quantity, "12345678901234567.89"},
		{"bid", got.Bids[0].Value.Amount, "149999.99"},
	} {
		if c.a.String() != c.want {
			t.Errorf("%s amount = %s, want %s", c.name, c.a, c.want)
		}
	}
	if got.Value.Amount.Cmp(tender.MustAmount("150000.50")) != 0 {
		t.Errorf("value amount %s != 150000.50", got.Value.Amount)
	}
	if !got.DateModified.Equal(tn.DateModified) || got.DateModified.Nanosecond() != 123456789 {
		t.Errorf("dateModified = %v, want %v with nanoseconds", got.DateModified, tn.DateModified)
	}

	// The stored JSON keeps the exact digits (no float64 or Decimal128 on the way).
	var raw bson.M
	if err := s.Database().Collection("tenders").FindOne(ctx, bson.M{"_id": "t1"}).Decode(&raw); err != nil {
		t.Fatalf("raw find: %v", err)
	}
	data, _ := raw["data"].(string)
	for _, digits := range []string{"150000.5", "0.01", "123456789012345.67", "12345678901234567.89"} {
		if !strings.Contains(data, digits) {
			t.Errorf("stored data lacks %s: %s", digits, data)
		}
	}

	// A second tender gets a later feed number.
	tn2 := newTender("t2", "")
	mustInsert(t, s, tn2)
	if tn2.Seq <= tn.Seq {
		t.Errorf("second insert Seq=%d, want > %d", tn2.Seq, tn.Seq)
	}
}

func TestGetMissing(t *testing.T) {
	s := newStore(t)
	_, err := s.Get(testCtx(t, 30*time.Second), "nope")
	if tender.ErrorCode(err) != tender.CodeNotFound {
		t.Fatalf("Get missing: err=%v code=%s, want not_found", err, tender.ErrorCode(err))
	}
}

func TestInsertDuplicateIsConflict(t *testing.T) {
	s := newStore(t)
	mustInsert(t, s, newTender("dup", ""))
	err := s.Insert(testCtx(t, 30*time.Second), newTender("dup", ""), rev("broker", 1))
	if tender.ErrorCode(err) != tender.CodeConflict {
		t.Fatalf("duplicate Insert: err=%v code=%s, want conflict", err, tender.ErrorCode(err))
	}
	if got := mustGet(t, s, "dup"); got.Revision != 1 {
		t.Fatalf("duplicate Insert changed the stored tender: Revision=%d", got.Revision)
	}
}

func TestSaveRevisionCheck(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)
	mustInsert(t, s, newTender("t1", ""))

	a := mustGet(t, s, "t1")
	stale := mustGet(t, s, "t1")
	seq1 := a.Seq

	a.Title = "first save"
	if err := s.Save(ctx, a, rev("broker", 2), tender.SaveOptions{}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if a.Revision != 2 || a.Seq <= seq1 {
		t.Fatalf("after Save: Revision=%d Seq=%d, want 2 and > %d", a.Revision, a.Seq, seq1)
	}
	want := mustJSON(t, a)
	if got := mustGet(t, s, "t1"); mustJSON(t, got) != want || got.Revision != 2 || got.Seq != a.Seq {
		t.Fatalf("stored after Save: rev=%d seq=%d %s", got.Revision, got.Seq, mustJSON(t, got))
	}

	stale.Title = "stale save"
	err := s.Save(ctx, stale, rev("other", 2), tender.SaveOptions{StampBid: "b9"})
	if tender.ErrorCode(err) != tender.CodeConflict || !errors.Is(err, tender.ErrConflict) {
		t.Fatalf("stale Save: err=%v code=%s, want conflict", err, tender.ErrorCode(err))
	}
	got := mustGet(t, s, "t1")
	if mustJSON(t, got) != want || got.Revision != 2 || got.Seq != a.Seq || len(got.BidCommits) != 0 {
		t.Fatalf("stale Save changed the stored tender: rev=%d seq=%d commits=%v %s", got.Revision, got.Seq, got.BidCommits, mustJSON(t, got))
	}
	revs, err := s.Revisions(ctx, "t1")
	if err != nil || len(revs) != 2 {
		t.Fatalf("Revisions after a refused Save: %d entries, err=%v; want 2", len(revs), err)
	}

	// Save again from the fresh copy: revision 3.
	a.Title = "second save"
	if err := s.Save(ctx, a, rev("broker", 3), tender.SaveOptions{}); err != nil || a.Revision != 3 {
		t.Fatalf("second Save: err=%v Revision=%d", err, a.Revision)
	}

}

func TestSaveMissingIsNotFound(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)
	missing := newTender("ghost", "")
	missing.Revision = 1
	err := s.Save(ctx, missing, rev("broker", 2), tender.SaveOptions{})
	if tender.ErrorCode(err) != tender.CodeNotFound {
		t.Errorf("Save missing: err=%v code=%s, want not_found", err, tender.ErrorCode(err))
	}
	if _, err := s.Get(ctx, "ghost"); tender.ErrorCode(err) != tender.CodeNotFound {
		t.Fatalf("Save of a missing tender created it: err=%v", err)
	}
	// The failed Save must leave nothing behind: a tender created later under
	// that id can be saved at once.
	tn := newTender("ghost", "")
	mustInsert(t, s, tn)
	tn.Title = "after"
	if err := s.Save(ctx, tn, rev("broker", 2), tender.SaveOptions{}); err != nil {
		t.Errorf("Save of a tender whose id once failed a Save: %v", err)
	}
}

// TestSaveConcurrentNoLostUpdate: goroutines increment a counter kept in the
// title with load+modify+save, retrying on conflict; every successful save
// must be counted exactly once.
func TestSaveConcurrentNoLostUpdate(t *testing.T) {
	s := newStore(t)
	saveConcurrently(t, []*mongodb.Store{s}, loadScale(20, 10), 0)
}

// TestSaveConcurrentTwoProcesses: the same with the writers split over two
// Stores on one database, as two API processes would be.
func TestSaveConcurrentTwoProcesses(t *testing.T) {
	s := newStore(t)
	saveConcurrently(t, []*mongodb.Store{s, mongodb.New(s.Database())}, loadScale(20, 10), 0)
}

// TestSaveConcurrentClockSkew: two processes whose clocks differ by more than
// Lease (the second one's revisions are dated 2*Lease in the past). A
// revision's date is the caller's business; it must not let one writer take
// a revision another one is still writing.
func TestSaveConcurrentClockSkew(t *testing.T) {
	s := newStore(t)
	saveConcurrently(t, []*mongodb.Store{s, mongodb.New(s.Database())}, loadScale(20, 10), -2*mongodb.Lease)
}

// saveConcurrently runs workers spread over stores that each add one to the
// counter in the title; the revisions of workers on stores[1:] are dated skew
// from now.
func saveConcurrently(t *testing.T, stores []*mongodb.Store, workers int, skew time.Duration) {
	s := stores[0]
	ctx := testCtx(t, 2*time.Minute)
	tn := newTender("c", "")
	tn.Title = "n=0"
	mustInsert(t, s, tn)

	var (
		mu        sync.Mutex
		successes int
		conflicts int
		seen      = map[int][]string{} // counter value written -> by whom
	)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := stores[w%len(stores)]
			for attempt := 0; ; attempt++ {
				if attempt > 500 {
					errs <- fmt.Errorf("worker %d: too many conflicts", w)
					return
				}
				cur, err := s.Get(ctx, "c")
				if err != nil {
					errs <- err
					return
				}
				k, err := strconv.Atoi(strings.TrimPrefix(cur.Title, "n="))
				if err != nil {
					errs <- fmt.Errorf("title %q: %v", cur.Title, err)
					return
				}
				cur.Title = fmt.Sprintf("n=%d", k+1)
				r := rev(fmt.Sprintf("w%d", w), cur.Revision+1)
				if w%len(stores) != 0 {
					r.Date = r.Date.Add(skew)
				}
				err = s.Save(ctx, cur, r, tender.SaveOptions{})
				if tender.ErrorCode(err) == tender.CodeConflict {
					mu.Lock()
					conflicts++
					mu.Unlock()
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				successes++
				seen[k+1] = append(seen[k+1], fmt.Sprintf("w%d", w))
				mu.Unlock()
				return
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("%d saves, %d conflicts retried", successes, conflicts)

	got := mustGet(t, s, "c")
	if got.Title != fmt.Sprintf("n=%d", successes) || successes != workers {
		t.Errorf("title %q after %d successful saves (want n=%d): lost updates", got.Title, successes, workers)
	}
	for v, by := range seen {
		if len(by) != 1 {
			t.Errorf("counter value %d was written by %d successful saves (%v) from the same revision", v, len(by), by)
		}
	}
	if got.Revision != int64(successes+1) {
		t.Errorf("Revision = %d, want %d", got.Revision, successes+1)
	}
	revs, err := s.Revisions(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != successes+1 {
		t.Errorf("Revisions() has %d entries, want %d", len(revs), successes+1)
	}
	for i, r := range revs {
		if r.Rev != int64(i+1) {
			t.Errorf("revision %d has Rev %d", i, r.Rev)
		}
		// Revision i+1 set the counter to i: its author is the worker whose
		// save of n=i succeeded.
		if by := seen[i]; i > 0 && (len(by) != 1 || r.Author != by[0]) {
			t.Errorf("revision %d is by %s, but n=%d was saved by %v", r.Rev, r.Author, i, by)
		}
	}
}

func TestSaveStampBid(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)
	mustInsert(t, s, newTender("t1", ""))

	tn := mustGet(t, s, "t1")
	if len(tn.BidCommits) != 0 {
		t.Fatalf("new tender has BidCommits %v", tn.BidCommits)
	}
	before := time.Now()
	if err := s.Save(ctx, tn, rev("bidder", 2), tender.SaveOptions{StampBid: "b1"}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	c, ok := tn.BidCommits["b1"]
	if !ok {
		t.Fatalf("Save did not return a commit time for b1: %v", tn.BidCommits)
	}
	if d := c.Sub(before); d < -5*time.Second || d > 5*time.Second {
		t.Fatalf("commit time %v is %v away from now", c, d)
	}
	got := mustGet(t, s, "t1")
	if gc, ok := got.BidCommits["b1"]; !ok || !gc.Equal(c) {
		t.Fatalf("Get: BidCommits=%v, want b1=%v", got.BidCommits, c)
	}

	// Another bid is stamped beside it; the first one keeps its time.
	time.Sleep(20 * time.Millisecond)
	if err := s.Save(ctx, got, rev("bidder", 3), tender.SaveOptions{StampBid: "b2"}); err != nil {
		t.Fatalf("Save b2: %v", err)
	}
	got = mustGet(t, s, "t1")
	if len(got.BidCommits) != 2 || !got.BidCommits["b1"].Equal(c) || !got.BidCommits["b2"].After(c) {
		t.Fatalf("BidCommits after stamping b2: %v (b1 was %v)", got.BidCommits, c)
	}
	// A save without StampBid keeps them.
	if err := s.Save(ctx, got, rev("owner", 4), tender.SaveOptions{}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if len(got.BidCommits) != 2 || len(mustGet(t, s, "t1").BidCommits) != 2 {
		t.Fatalf("plain Save dropped BidCommits: %v", got.BidCommits)
	}
}

func TestRevisionsOldestFirst(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)
	tn := newTender("t1", "")
	want := []tender.Revision{{Rev: 1, Author: "broker", Date: time.Now().UTC().Truncate(time.Millisecond), Changes: json.RawMessage(`[{"op":"remove","path":"/status"}]`)}}
	if err := s.Insert(ctx, tn, want[0]); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 4; i++ {
		r := tender.Revision{
			Rev:     int64(i),
			Author:  fmt.Sprintf("author%d", i),
			Date:    time.Now().UTC().Truncate(time.Millisecond),
			Changes: json.RawMessage(fmt.Sprintf(`[{"op":"replace","path":"/title","value":"v%d \"q\" ü"},{"op":"add","path":"/items/0/quantity","value":123456789012345.67}]`, i)),
		}
		tn.Title = fmt.Sprintf("v%d", i)
		if err := s.Save(ctx, tn, r, tender.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
		time.Sleep(2 * time.Millisecond)
	}
	got, err := s.Revisions(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d revisions, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Rev != w.Rev || g.Author != w.Author || !g.Date.Equal(w.Date) || string(g.Changes) != string(w.Changes) {
			t.Errorf("revision %d = %+v (changes %s), want %+v (changes %s)", i, g, g.Changes, w, w.Changes)
		}
		if !json.Valid(g.Changes) {
			t.Errorf("revision %d changes are not valid JSON: %s", i, g.Changes)
		}
	}
	if _, err := s.Revisions(ctx, "missing"); tender.ErrorCode(err) != tender.CodeNotFound {
		t.Errorf("Revisions of a missing tender: %v", err)
	}
	// Get does not need the history but still works after it grew.
	if g := mustGet(t, s, "t1"); g.Revision != 4 || g.Title != "v4" {
		t.Errorf("Get after 3 saves: rev=%d title=%q", g.Revision, g.Title)
	}
}

func TestNextSequence(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 60*time.Second)
	for i := int64(1); i <= 3; i++ {
		n, err := s.NextSequence(ctx, "a")
		if err != nil || n != i {
			t.Fatalf("NextSequence(a) #%d = %d, %v", i, n, err)
		}
	}
	if n, err := s.NextSequence(ctx, "b"); err != nil || n != 1 {
		t.Fatalf("NextSequence(b) = %d, %v; want 1", n, err)
	}
	if n, err := s.NextSequence(ctx, "a"); err != nil || n != 4 {
		t.Fatalf("NextSequence(a) = %d, %v; want 4", n, err)
	}
	// Feed numbers live in the same collection and do not disturb it.
	mustInsert(t, s, newTender("t1", ""))
	if n, err := s.NextSequence(ctx, "feed"); err != nil || n != 1 {
		t.Fatalf("NextSequence(feed) = %d, %v; want 1", n, err)
	}
}

func TestNextSequenceConcurrent(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 60*time.Second)
	if _, err := s.NextSequence(ctx, "c"); err != nil { // the counter exists: no racing upserts
		t.Fatal(err)
	}
	workers, each := 8, loadScale(10, 4)
	var (
		mu  sync.Mutex
		got []int64
		wg  sync.WaitGroup
	)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n, err := s.NextSequence(ctx, "c")
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(got)
	for i, n := range got {
		if n != int64(i+2) {
			t.Fatalf("concurrent NextSequence returned %v; want each of 2..%d once", got, workers*each+1)
		}
	}
}

func TestNextSequenceConcurrentFirstUse(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 60*time.Second)
	const workers = 8
	var wg sync.WaitGroup
	res := make([]int64, workers)
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[w], errs[w] = s.NextSequence(ctx, "fresh")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent first NextSequence: %v", err)
		}
	}
	slices.Sort(res)
	for i, n := range res {
		if n != int64(i+1) {
			t.Fatalf("concurrent first NextSequence returned %v; want 1..%d", res, workers)
		}
	}
}

func TestDue(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 30*time.Second)
	now := time.Now().UTC().Truncate(time.Millisecond)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	cases := []struct {
		id   string
		next *time.Time
	}{
		{"past2", at(-2 * time.Hour)},
		{"past1", at(-time.Minute)},
		{"exact", at(0)},
		{"future", at(time.Millisecond)},
		{"later", at(24 * time.Hour)},
		{"never", nil},
	}
	for _, c := range cases {
		tn := newTender(c.id, "")
		tn.NextCheck = c.next
		mustInsert(t, s, tn)
	}
	draft := newTender("draftdue", "")
	draft.Status = tender.StatusDraft
	draft.NextCheck = at(-3 * time.Hour)
	mustInsert(t, s, draft)

	ids, err := s.Due(ctx, now, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"draftdue", "past2", "past1", "exact"} // oldest next_check first
	if !slices.Equal(ids, want) {
		t.Fatalf("Due(now) = %v, want %v", ids, want)
	}
	if ids, err := s.Due(ctx, now, 2); err != nil || !slices.Equal(ids, want[:2]) {
		t.Fatalf("Due(now, 2) = %v, %v; want %v", ids, err, want[:2])
	}
	if ids, err := s.Due(ctx, now.Add(-24*time.Hour), 100); err != nil || len(ids) != 0 {
		t.Fatalf("Due(yesterday) = %v, %v; want none", ids, err)
	}

	// Moving next_check forward (or clearing it) takes a tender off the list.
	mustSave(t, s, "past1", func(tn *tender.Tender) { tn.NextCheck = at(time.Hour) })
	mustSave(t, s, "exact", func(tn *tender.Tender) { tn.NextCheck = nil })
	if ids, err := s.Due(ctx, now, 100); err != nil || !slices.Equal(ids, []string{"draftdue", "past2"}) {
		t.Fatalf("Due after moving next_check = %v, %v; want [draftdue past2]", ids, err)
	}
	if ids, err := s.Due(ctx, now.Add(48*time.Hour), 100); err != nil ||
		!slices.Equal(ids, []string{"draftdue", "past2", "future", "past1", "later"}) {
		t.Fatalf("Due(+48h) = %v, %v", ids, err)
	}
}
