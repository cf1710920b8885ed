// Package seed fills a store with realistic tenders for demos and
// benchmarks: belowThreshold sandbox tenders driven through tender.Service
// on a clock the generator moves, so every tender has a real revision
// history. The same seed gives the same tenders.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Stats count what Run made.
type Stats struct {
	Tenders, Bids, Contracts, Cancelled, Unsuccessful int
}

// clock is the generator's own clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

var cpvs = []struct{ id, desc string }{
	{"44617100-9", "Картонні коробки"}, {"33600000-6", "Фармацевтична продукція"}, {"09310000-5", "Електрична енергія"},
	{"45453000-7", "Капітальний ремонт"}, {"30190000-7", "Офісне устаткування"}, {"15810000-9", "Хлібопродукти"},
	{"72260000-5", "Послуги з розробки ПЗ"}, {"34110000-1", "Легкові автомобілі"}, {"03221000-6", "Овочі"},
	{"90910000-9", "Послуги з прибирання"},
}

var regions = []struct{ region, postal string }{
	{"м. Київ", "01001"}, {"Львівська область", "79000"}, {"Харківська область", "61000"},
	{"Одеська область", "65000"}, {"Дніпропетровська область", "49000"},
}

func ptr[T any](v T) *T { return &v }

func org(name, edr string, r *rand.Rand) tender.Organization {
	reg := regions[r.IntN(len(regions))]
	return tender.Organization{Name: name, Identifier: tender.Identifier{Scheme: "UA-EDR", ID: edr, LegalName: name},
		Address:      &tender.Address{Region: reg.region, PostalCode: reg.postal, Locality: reg.region, CountryName: "Україна"},
		ContactPoint: &tender.ContactPoint{Name: "Контакт", Email: "info@example.org"}, Scale: "sme"}
}

// Run creates n tenders in store, the i-th starting at from + 37 min × i,
// with random choices drawn from seed. Their owner and bidders are platforms
// named seed-*. from must not be before the store's clock: stores stamp a
// bid's commit with their own clock and refuse bids committed after the
// tender period, so the generated periods must still be open by that clock.
func Run(ctx context.Context, store tender.Store, n int, seed uint64, from time.Time) (Stats, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &clock{now: from}
	svc := &tender.Service{Store: store, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}
	var st Stats
	for i := 0; i < n; i++ {
		start := from.Add(time.Duration(i) * 37 * time.Minute)
		c.set(start)
		if err := one(ctx, svc, c, r, i, &st); err != nil {
			return st, fmt.Errorf("tender %d: %w", i, err)
		}
		st.Tenders++
	}
	return st, nil
}

func one(ctx context.Context, svc *tender.Service, c *clock, r *rand.Rand, i int, st *Stats) error {
	const day = time.Second // accelerator=86400
	owner := tender.Actor{Platform: "seed-buyer", Role: tender.RoleBroker, Levels: "1"}
	cpv := cpvs[r.IntN(len(cpvs))]
	value := 10000 + r.IntN(190000)
	now := c.Now()
	buyer := org(fmt.Sprintf("Замовник %d", i%97), fmt.Sprintf("%08d", 10000000+i%97), r)
	req := tender.CreateRequest{Data: tender.TenderInput{
		Title: ptr(cpv.desc), ProcurementMethodDetails: ptr("quick, accelerator=86400"),
		SubmissionMethodDetails: ptr("quick(mode:no-auction)"),
		MainProcurementCategory: ptr([]string{"goods", "services", "works"}[r.IntN(3)]), ProcuringEntity: &buyer,
		Value:       &tender.Value{Amount: tender.MustAmount(fmt.Sprint(value)), Currency: "UAH"},
		MinimalStep: &tender.Value{Amount: tender.MustAmount(fmt.Sprintf("%.2f", float64(value)*0.01)), Currency: "UAH"},
		Items: []tender.Item{{Description: cpv.desc, Classification: tender.Classification{Scheme: "ДК021", ID: cpv.id, Description: cpv.desc},
			Unit: &tender.Unit{Code: "H87", Name: "штука"}, Quantity: ptr(tender.MustAmount(fmt.Sprint(1 + r.IntN(500))))}},
		EnquiryPeriod: &tender.Period{EndDate: ptr(now.Add(4 * day))},
		TenderPeriod:  &tender.Period{EndDate: ptr(now.Add(8 * day))},
	}}
	t, creds, err := svc.Create(ctx, owner, req)
	if err != nil {
		return err
	}
	owner.Token = creds.Token
	if _, err := svc.Patch(ctx, t.ID, owner, tender.TenderInput{Status: ptr(tender.StatusEnquiries)}); err != nil {
		return err
	}
	if r.IntN(10) == 0 { // cancelled while open
		_, _, err := svc.AddCancellation(ctx, t.ID, owner, tender.CancellationInput{Reason: ptr("Відсутність потреби"),
			ReasonType: ptr("noDemand"), Status: ptr(tender.CancellationActive)})
		st.Cancelled++
		return err
	}
	c.set(now.Add(4*day + time.Millisecond))
	bids := r.IntN(5)
	for k := 0; k < bids; k++ {
		bidder := tender.Actor{Platform: fmt.Sprintf("seed-bidder-%d", k), Role: tender.RoleBroker, Levels: "2"}
		amount := value - r.IntN(value/5+1)
		if _, _, _, err := svc.AddBid(ctx, t.ID, bidder, tender.BidInput{
			Tenderers: []tender.Organization{org(fmt.Sprintf("ТОВ Постачальник %d", (i+k)%211), fmt.Sprintf("%08d", 30000000+(i+k)%211), r)},
			Value:     &tender.Value{Amount: tender.MustAmount(fmt.Sprint(amount))}}); err != nil {
			return err
		}
		st.Bids++
	}
	c.set(now.Add(8*day + time.Millisecond))
	if _, err := svc.Chronograph(ctx, t.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
		return err
	}
	if bids == 0 {
		st.Unsuccessful++
		return nil
	}
	if bids > 1 { // the no-auction mode settles the auction at its start
		cur, err := svc.Load(ctx, t.ID)
		if err != nil {
			return err
		}
		if cur.NextCheck != nil {
			c.set(*cur.NextCheck)
		}
		if _, err := svc.Chronograph(ctx, t.ID, tender.Actor{Role: tender.RoleChronograph}); err != nil {
			return err
		}
	}
	cur, err := svc.Load(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, a := range cur.Awards {
		if a.Status == tender.AwardPending {
			if _, _, err := svc.PatchAward(ctx, t.ID, a.ID, owner, tender.AwardInput{Status: ptr(tender.AwardActive), Qualified: ptr(true)}); err != nil {
				return err
			}
		}
	}
	cur, err = svc.Load(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, k := range cur.Contracts {
		if k.Status == tender.ContractPending {
			if _, _, err := svc.PatchContract(ctx, t.ID, k.ID, owner, tender.ContractInput{Status: ptr(tender.ContractActive)}); err != nil {
				return err
			}
			st.Contracts++
		}
	}
	return nil
}
