package mongodb_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb"
)

// TestServiceRaceNoLostUpdate races two owner sessions (one adding
// documents, one answering questions), bidders' questions and the
// chronograph on one tender, through the Service over two Stores on the real
// database, retrying lost races as a platform would. Every acknowledged
// change must be in the final tender and in its history.
func TestServiceRaceNoLostUpdate(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t, 3*time.Minute)
	svcs := []*tender.Service{
		{Store: s, Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true},
		{Store: mongodb.New(s.Database()), Calendar: tender.DefaultCalendar(), Now: time.Now, Sandbox: true},
	}
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1"}
	asker := tender.Actor{Platform: "asker", Role: tender.RoleBroker, Levels: "2"}
	org := func(name string) *tender.Organization {
		return &tender.Organization{Name: name, Identifier: tender.Identifier{Scheme: "UA-EDR", ID: "00037256"},
			Address: &tender.Address{CountryName: "Україна"}, ContactPoint: &tender.ContactPoint{Name: "Олена", Email: "o@example.org"}}
	}
	// Accelerated (3 working days last 1.5 s) with enquiries ending 8 s after
	// creation, enough for the questions and documents even on a loaded
	// machine; the chronograph's switch to tendering then races the bids.
	now := time.Now()
	tn, creds, err := svcs[0].Create(ctx, owner, tender.CreateRequest{Data: tender.TenderInput{
		Title: ptr("Гонка"), ProcurementMethodDetails: ptr("quick, accelerator=172800"), MainProcurementCategory: ptr("goods"), ProcuringEntity: org("Лікарня"),
		Value: &tender.Value{Amount: tender.MustAmount("100000"), Currency: "UAH"}, MinimalStep: &tender.Value{Amount: tender.MustAmount("1000"), Currency: "UAH"},
		Items:         []tender.Item{{Description: "Коробки", Classification: tender.Classification{Scheme: "ДК021", ID: "44617100-9", Description: "Коробки"}}},
		EnquiryPeriod: &tender.Period{EndDate: ptr(now.Add(8 * time.Second))},
		TenderPeriod:  &tender.Period{EndDate: ptr(now.Add(5 * time.Minute))},
	}})
	if err != nil {
		t.Fatal(err)
	}
	owner.Token = creds.Token
	if _, err := svcs[0].Patch(ctx, tn.ID, owner, tender.TenderInput{Status: ptr(tender.StatusEnquiries)}); err != nil {
		t.Fatal(err)
	}

	const n = 6
	retry := func(what string, fn func(svc *tender.Service) error) error {
		for attempt := 0; attempt < 200; attempt++ {
			err := fn(svcs[attempt%2])
			if !errors.Is(err, tender.ErrConflict) && tender.ErrorCode(err) != tender.CodeConflict {
				if err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
				return nil
			}
		}
		return fmt.Errorf("%s: too many conflicts", what)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 5*n)
	done := make(chan struct{})
	questions := make(chan string, n)
	wg.Add(4)
	go func() { // bidders wait for tendering, then bid
		defer wg.Done()
		for i := 0; i < n; i++ {
			bidder := tender.Actor{Platform: fmt.Sprintf("bidder%d", i), Role: tender.RoleBroker, Levels: "2"}
			in := tender.BidInput{Tenderers: []tender.Organization{*org(fmt.Sprintf("Постачальник %d", i))},
				Value: &tender.Value{Amount: tender.MustAmount(fmt.Sprint(90000 + i))}}
			in.Tenderers[0].Identifier.ID = fmt.Sprintf("4000000%d", i)
			deadline := time.Now().Add(time.Minute)
			errs <- retry("bid", func(svc *tender.Service) error {
				for {
					_, _, _, err := svc.AddBid(ctx, tn.ID, bidder, in)
					if tender.ErrorCode(err) != tender.CodeForbidden || time.Now().After(deadline) {
						return err
					}
					time.Sleep(20 * time.Millisecond) // not tendering yet
				}
			})
		}
	}()
	go func() { // bidders ask
		defer wg.Done()
		defer close(questions)
		for i := 0; i < n; i++ {
			var id string
			errs <- retry("ask", func(svc *tender.Service) error {
				_, q, err := svc.AddQuestion(ctx, tn.ID, asker, tender.QuestionInput{Author: org("Питальник"), Title: ptr(fmt.Sprintf("Q%d", i))})
				if err == nil {
					id = q.ID
				}
				return err
			})
			questions <- id
		}
	}()
	go func() { // the owner's first session answers once tendering began, racing the bids
		defer wg.Done()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if cur, err := s.Get(ctx, tn.ID); err == nil && cur.Status == tender.StatusTendering {
				break
			}
		}
		for id := range questions {
			if id == "" {
				continue
			}
			errs <- retry("answer", func(svc *tender.Service) error {
				_, _, err := svc.AnswerQuestion(ctx, tn.ID, id, owner, tender.QuestionInput{Answer: ptr("A " + id)})
				return err
			})
		}
	}()
	go func() { // the owner's second session adds documents
		defer wg.Done()
		for i := 0; i < n; i++ {
			errs <- retry("document", func(svc *tender.Service) error {
				_, _, err := svc.AddDocument(ctx, tn.ID, tender.DocTarget{Kind: "tender"}, owner, tender.DocumentInput{
					Title: ptr(fmt.Sprintf("doc%d.pdf", i)), URL: ptr("https://ds.example.org/" + fmt.Sprint(i)), Format: ptr("application/pdf")})
				return err
			})
		}
	}()
	chronoDone := make(chan struct{})
	go func() { // the chronograph keeps saving the same tender
		defer close(chronoDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := svcs[1].Chronograph(ctx, tn.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil && !errors.Is(err, tender.ErrConflict) {
				errs <- fmt.Errorf("chronograph: %w", err)
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	<-chronoDone
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.Get(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for _, q := range got.Questions {
		if q.Answer != "" {
			answered++
		}
	}
	if len(got.Questions) != n || answered != n || len(got.Documents) != n || len(got.Bids) != n {
		t.Fatalf("final tender has %d questions (%d answered), %d documents and %d bids, want %d of each: an update was lost",
			len(got.Questions), answered, len(got.Documents), len(got.Bids), n)
	}
	if got.Status != tender.StatusTendering {
		t.Errorf("status %s: the chronograph's switch was lost", got.Status)
	}
	revs, err := s.Revisions(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	// create + publish + n questions + n answers + n documents + n bids, and
	// the switch to tendering on its own unless a bid's write applied it.
	if want := 2 + 4*n; len(revs) != want && len(revs) != want+1 {
		t.Errorf("%d revisions, want %d or %d", len(revs), want, want+1)
	}
	first, _, _, err := svcs[0].Historical(ctx, tn.ID, tender.Actor{Role: tender.RoleAdmin}, 1)
	if err != nil {
		t.Fatalf("history does not rebuild: %v", err)
	}
	if first.Status != tender.StatusDraft || len(first.Questions) != 0 {
		t.Errorf("revision 1 rebuilt as %s with %d questions", first.Status, len(first.Questions))
	}
}
