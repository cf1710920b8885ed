package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
	"github.com/prozorro-go/prozorro/tender/memory"
	"github.com/prozorro-go/prozorro/tender/mongodb"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// The benchmarks measure three operations at three depths:
//
//	BenchmarkAPI/ferretdb/*   HTTP + domain + the FerretDB (on PostgreSQL) store
//	BenchmarkAPI/memory/*     HTTP + domain over the in-memory store
//	BenchmarkService/memory/* the domain layer alone (tender.Service calls)
//
// and the operations are
//
//	create_publish  POST /tenders then PATCH it to active.enquiries (one op)
//	bid             POST /tenders/{id}/bids on a tender in active.tendering
//	get             GET /tenders/{id}, anonymously
//
// Each op is run by benchWorkers goroutines at once, every op's latency is
// recorded, and besides ns/op each benchmark reports req/s (ops per second of
// wall time; a create_publish op is two requests) and the p50/p99 latency of
// an op in milliseconds. A request answered with an unexpected status fails
// the benchmark. The HTTP benchmarks run the real handler in-process behind
// httptest.NewServer, called by an http.Client that keeps its connections
// alive.
//
// Run them against FerretDB on PostgreSQL with
//
//	make bench PKGS=./tender/api/ BENCH=. BENCHFLAGS='-benchtime=3s'
//
// (without the server the test command starts, the ferretdb store is an
// embedded FerretDB on SQLite, as in every mongotest user).

// benchWorkers is how many ops are in flight at once: 8 unless the test
// binary gets -bench.workers=N (for example through
// BENCHFLAGS='-benchtime=3s -args -bench.workers=2'). With more workers than
// CPUs, the latency of the CPU-bound in-memory benchmarks includes waiting
// for a CPU.
var benchWorkers int

func init() {
	flag.IntVar(&benchWorkers, "bench.workers", 8, "ops in flight at once in BenchmarkAPI and BenchmarkService")
}

func checkWorkers(b *testing.B) {
	if benchWorkers < 1 {
		b.Fatalf("-bench.workers=%d: need at least one worker", benchWorkers)
	}
}

// benchGetPool is how many published tenders the get benchmark reads, in turn.
const benchGetPool = 50

// Bids go round-robin to a pool of tenders in active.tendering, made afresh
// for every run: at least benchMinBidPool tenders, more when b.N is large, so
// that a tender gets about benchBidsPerTender bids at most (each bid adds about
// 1 KB to the tender, and every write reads and rewrites the whole tender).
// The pool is split between the workers (see bidTarget).
const (
	benchMinBidPool    = 50
	benchBidsPerTender = 20
)

const (
	bBuyerKey  = "buyerkey"
	bBidderKey = "bidderkey"
	bNBidders  = 4
)

var (
	bBuyer   = tender.Actor{Platform: "buyer", Role: tender.RoleBroker, Levels: "1234h"}
	bBidders = func() []tender.Actor {
		out := make([]tender.Actor, bNBidders)
		for i := range out {
			out[i] = tender.Actor{Platform: fmt.Sprintf("bidder%d", i+1), Role: tender.RoleBroker, Levels: "2"}
		}
		return out
	}()
	bPlatforms = func() []api.Platform {
		out := []api.Platform{{Name: bBuyer.Platform, KeyHash: api.HashKey(bBuyerKey), Levels: bBuyer.Levels, Role: tender.RoleBroker}}
		for i, b := range bBidders {
			out = append(out, api.Platform{Name: b.Platform, KeyHash: api.HashKey(fmt.Sprintf("%s%d", bBidderKey, i+1)), Levels: b.Levels, Role: tender.RoleBroker})
		}
		return out
	}()
	bChronograph = tender.Actor{Role: tender.RoleChronograph}
)

// bBidderSeq numbers the bidders' EDRPOU codes, so that every bid comes from a
// distinct tenderer.
var bBidderSeq atomic.Int64

func bNextEDRPOU() string { return fmt.Sprintf("%08d", 40000000+bBidderSeq.Add(1)) }

// benchClock is the real clock plus an offset the bid setup moves forward,
// so that tenders reach active.tendering without waiting.
type benchClock struct{ offset atomic.Int64 }

func (c *benchClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *benchClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

const bDay = 24 * time.Hour

// Tenders are plain (not accelerated) belowThreshold ones: enquiries for 10
// days, tendering for 10 more. The bid setup moves the service's clock 11
// days on, into the tender period; the stores stamp bid commits with the real
// clock, which stays well before its end.
const (
	bEnquiryDays   = 10
	bTenderEndDays = 20
	bJumpToBidding = 11 * bDay
)

func bPtr[T any](v T) *T { return &v }

func bOrg(name, edrpou string) tender.Organization {
	return tender.Organization{
		Name:         name,
		Identifier:   tender.Identifier{Scheme: "UA-EDR", ID: edrpou},
		Address:      &tender.Address{CountryName: "Україна", PostalCode: "01001", Region: "м. Київ"},
		ContactPoint: &tender.ContactPoint{Name: "Контакт", Email: "c@example.com"},
	}
}

func bOrgJSON(name, edrpou string) map[string]any {
	return map[string]any{
		"name": name, "identifier": map[string]any{"scheme": "UA-EDR", "id": edrpou},
		"address":      map[string]any{"countryName": "Україна", "postalCode": "01001", "region": "м. Київ"},
		"contactPoint": map[string]any{"name": "Контакт", "email": "c@example.com"},
	}
}

// bCreateRequest is the tender every benchmark creates, for the service.
func bCreateRequest(now time.Time) tender.CreateRequest {
	return tender.CreateRequest{Data: tender.TenderInput{
		Title:                   bPtr("Ноутбуки для шкіл"),
		ProcurementMethodType:   bPtr("belowThreshold"),
		MainProcurementCategory: bPtr("goods"),
		ProcuringEntity:         bPtr(bOrg("Школа №1", "00037256")),
		Value:                   &tender.Value{Amount: tender.MustAmount("150000.50"), Currency: "UAH", ValueAddedTaxIncluded: bPtr(true)},
		MinimalStep:             &tender.Value{Amount: tender.MustAmount("1500"), Currency: "UAH", ValueAddedTaxIncluded: bPtr(true)},
		Items: []tender.Item{{
			Description:    "Ноутбук",
			Classification: tender.Classification{Scheme: "ДК021", ID: "30213100-6", Description: "Портативні комп’ютери"},
			Unit:           &tender.Unit{Code: "H87", Name: "штука"},
			Quantity:       bPtr(tender.MustAmount("10")),
		}},
		EnquiryPeriod: &tender.Period{EndDate: bPtr(now.Add(bEnquiryDays * bDay))},
		TenderPeriod:  &tender.Period{EndDate: bPtr(now.Add(bTenderEndDays * bDay))},
	}}
}

// bCreateBody is the same tender as an HTTP request body.
func bCreateBody(now time.Time) []byte {
	body, err := json.Marshal(map[string]any{"data": map[string]any{
		"title": "Ноутбуки для шкіл", "procurementMethodType": "belowThreshold",
		"mainProcurementCategory": "goods", "procuringEntity": bOrgJSON("Школа №1", "00037256"),
		"value":       map[string]any{"amount": 150000.50, "currency": "UAH", "valueAddedTaxIncluded": true},
		"minimalStep": map[string]any{"amount": 1500, "currency": "UAH", "valueAddedTaxIncluded": true},
		"items": []any{map[string]any{"description": "Ноутбук", "quantity": 10, "unit": map[string]any{"code": "H87", "name": "штука"},
			"classification": map[string]any{"scheme": "ДК021", "id": "30213100-6", "description": "Портативні комп’ютери"}}},
		"enquiryPeriod": map[string]any{"endDate": now.Add(bEnquiryDays * bDay).Format(time.RFC3339Nano)},
		"tenderPeriod":  map[string]any{"endDate": now.Add(bTenderEndDays * bDay).Format(time.RFC3339Nano)},
	}})
	if err != nil {
		panic(err)
	}
	return body
}

var bPublishBody = []byte(`{"data":{"status":"active.enquiries"}}`)

func bPublishInput() tender.TenderInput {
	return tender.TenderInput{Status: bPtr(tender.StatusEnquiries)}
}

func bBidInput(edrpou string) tender.BidInput {
	return tender.BidInput{
		Tenderers: []tender.Organization{bOrg("ТОВ Постачальник", edrpou)},
		Value:     &tender.Value{Amount: tender.MustAmount("140000"), Currency: "UAH", ValueAddedTaxIncluded: bPtr(true)},
	}
}

// bBidBody returns the HTTP body of bBidInput(edrpou), cut from a template.
var bBidBody = func() func(edrpou string) []byte {
	const mark = "EDRPOU-MARK"
	tpl, err := json.Marshal(map[string]any{"data": map[string]any{
		"tenderers": []any{bOrgJSON("ТОВ Постачальник", mark)},
		"value":     map[string]any{"amount": 140000, "currency": "UAH", "valueAddedTaxIncluded": true},
	}})
	if err != nil {
		panic(err)
	}
	head, tail, ok := bytes.Cut(tpl, []byte(mark))
	if !ok {
		panic("bid template lost its mark")
	}
	return func(edrpou string) []byte {
		out := make([]byte, 0, len(head)+len(edrpou)+len(tail))
		return append(append(append(out, head...), edrpou...), tail...)
	}
}()

// benchEnv is one store with its service and clock; it serves one
// operation's benchmark, across all its rounds (b.N values).
type benchEnv struct {
	ctx     context.Context
	clock   *benchClock
	svc     *tender.Service
	getPool []string // published tenders to read, made on first use
}

func newBenchEnv(st tender.Store) *benchEnv {
	c := &benchClock{}
	return &benchEnv{ctx: context.Background(), clock: c,
		svc: &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: c.Now, Sandbox: true}}
}

// benchStores are the stores the HTTP benchmarks run on.
var benchStores = []struct {
	name string
	open func(b *testing.B) tender.Store
}{
	{"memory", func(*testing.B) tender.Store { return memory.New() }},
	{"ferretdb", func(b *testing.B) tender.Store {
		if os.Getenv("PROZORRO_TEST_MONGO_URI") == "" {
			b.Log("PROZORRO_TEST_MONGO_URI is unset: using an embedded FerretDB on SQLite, not the PostgreSQL one `make bench` starts")
		}
		st := mongodb.New(mongotest.Database(b))
		if err := st.EnsureIndexes(context.Background()); err != nil {
			b.Fatalf("EnsureIndexes: %v", err)
		}
		return st
	}},
}

// publishedTender creates and publishes a tender through the service.
func (e *benchEnv) publishedTender() (string, error) {
	t, creds, err := e.svc.Create(e.ctx, bBuyer, bCreateRequest(e.clock.Now()))
	if err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	owner := bBuyer
	owner.Token = creds.Token
	if _, err := e.svc.Patch(e.ctx, t.ID, owner, bPublishInput()); err != nil {
		return "", fmt.Errorf("publish %s: %w", t.ID, err)
	}
	return t.ID, nil
}

// getTenders returns the get benchmark's pool, making it on first use.
func (e *benchEnv) getTenders(b *testing.B) []string {
	b.Helper()
	if e.getPool == nil {
		e.getPool = make([]string, benchGetPool)
		benchSetup(b, benchGetPool, func(i int) (err error) {
			e.getPool[i], err = e.publishedTender()
			return err
		})
	}
	return e.getPool
}

// bidTenders makes a fresh pool of tenders in active.tendering for b.N bids:
// it publishes them, moves the clock into their tender period and lets the
// chronograph switch them over.
func (e *benchEnv) bidTenders(b *testing.B) []string {
	b.Helper()
	n := max(benchMinBidPool, (b.N+benchBidsPerTender-1)/benchBidsPerTender)
	n = (n + benchWorkers - 1) / benchWorkers * benchWorkers
	ids := make([]string, n)
	benchSetup(b, n, func(i int) (err error) {
		ids[i], err = e.publishedTender()
		return err
	})
	e.clock.Advance(bJumpToBidding)
	benchSetup(b, n, func(i int) error {
		t, err := e.svc.Chronograph(e.ctx, ids[i], bChronograph)
		if err != nil {
			return fmt.Errorf("chronograph %s: %w", ids[i], err)
		}
		if t.Status != tender.StatusTendering {
			return fmt.Errorf("tender %s is %s after the chronograph, want %s", ids[i], t.Status, tender.StatusTendering)
		}
		return nil
	})
	return ids
}

// bidTarget is the tender of worker w's k-th bid: each worker goes
// round-robin over its own share of the pool, so bids never race for a tender
// (a lost race is a 409 that a real client would retry).
func bidTarget(ids []string, w, k int) string {
	per := len(ids) / benchWorkers
	return ids[w+benchWorkers*(k%per)]
}

// getTarget is the tender of worker w's k-th read.
func getTarget(ids []string, w, k int) string { return ids[(w+benchWorkers*k)%len(ids)] }

// benchSetup runs fn(0..n-1) on benchWorkers goroutines, untimed, and fails the
// benchmark on the first error.
func benchSetup(b *testing.B, n int, fn func(i int) error) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	var next atomic.Int64
	var errOnce sync.Once
	var first error
	var wg sync.WaitGroup
	for range benchWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errOnce.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		b.Fatalf("setup: %v", first)
	}
}

// benchMeasure runs b.N ops on benchWorkers goroutines, times each op and
// reports the throughput and latency percentiles; op(w, k) is worker w's k-th
// op. The first failing op stops the run and fails the benchmark.
func benchMeasure(b *testing.B, op func(w, k int) error) {
	b.Helper()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var stop atomic.Bool
	var errOnce sync.Once
	var first error
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range benchWorkers {
		wg.Go(func() {
			for k := 0; !stop.Load(); k++ {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := op(w, k); err != nil {
					errOnce.Do(func() { first = fmt.Errorf("op %d: %w", i, err) })
					stop.Store(true)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if first != nil {
		b.Fatal(first)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(benchMS(benchPercentile(lat, 0.50)), "p50-ms")
	b.ReportMetric(benchMS(benchPercentile(lat, 0.99)), "p99-ms")
}

// benchPercentile returns the nearest-rank p-quantile of the sorted durations.
func benchPercentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func benchMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ---------------------------------------------------------------- HTTP

// benchHTTP is the API in-process and a keep-alive client for it.
type benchHTTP struct {
	*benchEnv
	base   string
	client *http.Client
}

func newBenchHTTP(b *testing.B, st tender.Store) *benchHTTP {
	e := newBenchEnv(st)
	srv := httptest.NewServer(api.New(e.svc, api.Config{Platforms: bPlatforms}, slog.New(slog.DiscardHandler)))
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConns: 4 * benchWorkers, MaxIdleConnsPerHost: 4 * benchWorkers, IdleConnTimeout: time.Minute}
	b.Cleanup(tr.CloseIdleConnections) // before srv.Close: cleanups run last-in first-out
	return &benchHTTP{benchEnv: e, base: srv.URL + api.Prefix, client: &http.Client{Transport: tr, Timeout: time.Minute}}
}

// do sends one request and checks its status; with out it decodes the reply
// into out, otherwise it drains it (the connection then goes back to the pool).
func (h *benchHTTP) do(method, path, key string, body []byte, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

type benchCreated struct {
	Data struct {
		ID string `json:"id"`
	} `json:"data"`
	Access struct {
		Token string `json:"token"`
	} `json:"access"`
}

// bidderKeys are the bidder platforms' API keys, in the order of bBidders.
var bidderKeys = func() []string {
	out := make([]string, bNBidders)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", bBidderKey, i+1)
	}
	return out
}()

// apiOps are the operations of BenchmarkAPI.
var apiOps = []struct {
	name string
	run  func(b *testing.B, h *benchHTTP)
}{
	{"create_publish", func(b *testing.B, h *benchHTTP) {
		body := bCreateBody(h.clock.Now())
		benchMeasure(b, func(int, int) error {
			var c benchCreated
			if err := h.do(http.MethodPost, "/tenders", bBuyerKey, body, http.StatusCreated, &c); err != nil {
				return err
			}
			return h.do(http.MethodPatch, "/tenders/"+c.Data.ID+"?acc_token="+c.Access.Token, bBuyerKey, bPublishBody, http.StatusOK, nil)
		})
	}},
	{"bid", func(b *testing.B, h *benchHTTP) {
		ids := h.bidTenders(b)
		benchMeasure(b, func(w, k int) error {
			return h.do(http.MethodPost, "/tenders/"+bidTarget(ids, w, k)+"/bids", bidderKeys[w%bNBidders], bBidBody(bNextEDRPOU()), http.StatusCreated, nil)
		})
	}},
	{"get", func(b *testing.B, h *benchHTTP) {
		ids := h.getTenders(b)
		benchMeasure(b, func(w, k int) error {
			return h.do(http.MethodGet, "/tenders/"+getTarget(ids, w, k), "", nil, http.StatusOK, nil)
		})
	}},
}

// BenchmarkAPI drives the HTTP API on each store; every operation gets a
// store (a database) of its own, so that none depends on what the others left.
func BenchmarkAPI(b *testing.B) {
	checkWorkers(b)
	for _, s := range benchStores {
		b.Run(s.name, func(b *testing.B) {
			for _, op := range apiOps {
				h := newBenchHTTP(b, s.open(b))
				b.Run(op.name, func(b *testing.B) { op.run(b, h) })
			}
		})
	}
}

// ---------------------------------------------------------------- domain

// serviceOps are the operations of BenchmarkService.
var serviceOps = []struct {
	name string
	run  func(b *testing.B, e *benchEnv)
}{
	{"create_publish", func(b *testing.B, e *benchEnv) {
		benchMeasure(b, func(int, int) error {
			_, err := e.publishedTender()
			return err
		})
	}},
	{"bid", func(b *testing.B, e *benchEnv) {
		ids := e.bidTenders(b)
		benchMeasure(b, func(w, k int) error {
			_, _, _, err := e.svc.AddBid(e.ctx, bidTarget(ids, w, k), bBidders[w%bNBidders], bBidInput(bNextEDRPOU()))
			return err
		})
	}},
	{"get", func(b *testing.B, e *benchEnv) {
		ids := e.getTenders(b)
		benchMeasure(b, func(w, k int) error {
			_, err := e.svc.Get(e.ctx, getTarget(ids, w, k), tender.Actor{Role: tender.RolePublic})
			return err
		})
	}},
}

// BenchmarkService calls tender.Service directly over the in-memory store:
// the domain layer's share of BenchmarkAPI/memory.
func BenchmarkService(b *testing.B) {
	checkWorkers(b)
	b.Run("memory", func(b *testing.B) {
		for _, op := range serviceOps {
			e := newBenchEnv(memory.New())
			b.Run(op.name, func(b *testing.B) { op.run(b, e) })
		}
	})
}
