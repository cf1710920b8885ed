// Package tendertest holds what tests of the tender domain and of the
// packages built on it share: a clock tests move by hand, and a valid
// belowThreshold tender with the parties validation asks for. Only tests
// import it.
package tendertest

import (
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// Day is one procedure day of the fixture tender: "accelerator=86400"
// turns every day into one second of clock time.
const Day = time.Second

// T0 is when fixture clocks start: a Monday morning in Kyiv.
var T0 = time.Date(2026, time.March, 2, 10, 0, 0, 0, tender.Kyiv)

// Clock is a clock tests move by hand; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock d on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// Org is a party with everything validation asks for.
func Org(name, edrpou string) tender.Organization {
	return tender.Organization{
		Name:         name,
		Identifier:   tender.Identifier{Scheme: "UA-EDR", ID: edrpou, LegalName: name},
		Address:      &tender.Address{StreetAddress: "вул. Хрещатик, 1", Locality: "Київ", PostalCode: "01001", CountryName: "Україна"},
		ContactPoint: &tender.ContactPoint{Name: "Олена", Email: "olena@example.org"},
		Scale:        "sme",
	}
}

// Buyer is the fixture tender's procuring entity.
var Buyer = Org("Київська міська лікарня №1", "00037256")

// UAH is a VAT-inclusive value in hryvnias.
func UAH(amount string) *tender.Value {
	return &tender.Value{Amount: tender.MustAmount(amount), Currency: "UAH", ValueAddedTaxIncluded: Ptr(true)}
}

// Request is a valid belowThreshold tender worth 100000 UAH created at now:
// enquiries for 10 days, tendering for 10 more, accelerated 86400 times.
func Request(now time.Time) tender.CreateRequest {
	return tender.CreateRequest{Data: tender.TenderInput{
		Title:                    Ptr("Картонні коробки"),
		ProcurementMethodDetails: Ptr("quick, accelerator=86400"),
		MainProcurementCategory:  Ptr("goods"),
		ProcuringEntity:          Ptr(Buyer),
		Value:                    UAH("100000.00"),
		MinimalStep:              UAH("1000.00"),
		Items: []tender.Item{{
			Description:    "Коробки картонні",
			Classification: tender.Classification{Scheme: "ДК021", ID: "44617100-9", Description: "Картонні коробки"},
			Unit:           &tender.Unit{Code: "H87", Name: "штука"},
			Quantity:       Ptr(tender.MustAmount("1000")),
		}},
		EnquiryPeriod: &tender.Period{EndDate: Ptr(now.Add(10 * Day))},
		TenderPeriod:  &tender.Period{EndDate: Ptr(now.Add(20 * Day))},
	}}
}
