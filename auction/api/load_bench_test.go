package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/api"
	"github.com/prozorro-go/prozorro/auction/memory"
	"github.com/prozorro-go/prozorro/auction/mongodb"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// The load harness runs many auctions at once in one process, on the real
// clock, behind a real HTTP server, and measures what the issue asks of the
// auction service:
//
//   - bid acceptance: in every auction the bidder whose turn it is posts a
//     valid bid (POST /api/auctions/{id}/bids) at a random moment in the
//     first 60% of its turn; the client-side latency of each POST;
//   - fan-out: every stage boundary is shared by all auctions (same start,
//     same durations); the hub publishes at boundary + Grace, and the
//     harness measures from there until the last observer of an auction,
//     and the last of all observers, got the state of the new stage;
//   - memory and goroutines with everything connected.
//
// The observers' HTTP clients run in a child process (this test binary
// re-executed as TestHelperObservers), because one process cannot hold both
// ends of 10,000 connections under a 20,000 file-descriptor limit. The child
// timestamps each state event as it reads it (wall clock, which both
// processes share) and writes its records to a file once the parent closes
// its stdin. The parent checks that every observer got the state of every
// boundary and that the standings in it are the ones the accepted bids make.

// loadConfig is one load scenario.
type loadConfig struct {
	auctions  int
	bidders   int           // per auction
	observers int           // in all, spread round-robin over the auctions
	lead      time.Duration // auction start − creation: the observers connect meanwhile
	pause     time.Duration // the first pause and the pause between rounds
	turn      time.Duration
	grace     time.Duration // the auctions' grace (auction.Auction.Grace)
	turns     int           // turns the bidders bid in, from round 1 turn 1
	settle    time.Duration // waited after the last boundary + grace before stopping the observers
}

// loadResult is what one run measured.
type loadResult struct {
	storeLabel string

	// observers and memory
	connected   int           // observers whose stream opened
	dropped     int           // observers whose stream ended before the stop
	connectTime time.Duration // the child's time to open them all
	heapBase    uint64        // bytes in use after a GC: server and auctions only
	heapInuse   uint64        // the same with every observer connected, before the start
	goroutines  int           // in the server process, every observer connected

	// bids
	bidLatency []time.Duration
	bidSent    []time.Time   // when each bid of bidLatency was sent
	bidWindow  time.Duration // first POST sent .. last answer read
	accepted   int
	refused    []string // auction, bidder, time, status and body of each refused bid
	// bidLatency split: sent while a boundary's update was going out, or not
	bidDuringFanout, bidQuiet []time.Duration

	// fan-out
	boundaries  []time.Time
	perAuction  []time.Duration // per (boundary, auction): until its last observer had the update
	perBoundary []time.Duration // per boundary: until every observer had it
	missed      int             // (observer, boundary) pairs without the update
	wrong       int             // updates whose standings differ from the accepted bids'
	firstWrong  string          // one of them, for the message

	// CPU (user + system) from the observers' ready line to their stop
	runTime, serverCPU, childCPU time.Duration
}

const (
	loadObserversEnv = "PROZORRO_LOAD_OBSERVERS" // the child's spec, JSON; set only in the child
	loadReady        = "load-observers-ready"
	loadSecret       = "load secret"
)

// TestAuctionLoadQuick is the CI-sized run of the load harness: 20 auctions
// of 5 bidders and 50 observers for one turn. Every bid must be accepted and
// every observer must get every update with the right standings, so that the
// harness behind BenchmarkAuctionLoad cannot break unnoticed.
func TestAuctionLoadQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("real clock, a few seconds")
	}
	cfg := loadConfig{auctions: 20, bidders: 5, observers: 50, lead: 3 * time.Second, pause: 500 * time.Millisecond,
		turn: 1500 * time.Millisecond, grace: 50 * time.Millisecond, turns: 1, settle: 2 * time.Second}
	r := runLoad(t, cfg, memory.New())
	if r.connected != cfg.observers || r.dropped != 0 {
		t.Errorf("%d of %d observers connected, %d dropped", r.connected, cfg.observers, r.dropped)
	}
	if want := cfg.auctions * cfg.turns; r.accepted != want || len(r.refused) != 0 {
		t.Errorf("%d bids accepted, want %d; refused: %v", r.accepted, want, r.refused)
	}
	if r.missed != 0 {
		t.Errorf("%d (observer, boundary) updates missed over %d boundaries", r.missed, len(r.boundaries))
	}
	if r.wrong != 0 {
		t.Errorf("%d updates with the wrong standings, e.g. %s", r.wrong, r.firstWrong)
	}
	if len(r.perBoundary) != len(r.boundaries) || len(r.boundaries) != 3 {
		t.Errorf("%d boundaries measured, want 3 (start, round 1, end of turn 1)", len(r.perBoundary))
	}
	t.Logf("bid p50 %.1f ms, every observer within %v of each boundary", ms(percentile(r.bidLatency, 50)), slices.Max(r.perBoundary))
}

// BenchmarkAuctionLoad is the benchmark: 1,000 concurrent auctions
// of 5 bidders each, with 10,000 observers on SSE, over the whole of
// round 1 (five 2-second turns). Run it once:
//
//	make bench BENCH=AuctionLoad PKGS=./auction/api/ BENCHFLAGS=-benchtime=1x
//
// memory is the in-memory store: the service's own overhead. ferretdb is
// auction/mongodb on the test server (FerretDB on PostgreSQL, as `make
// bench` starts it) at the same scale, over two 20-second turns after a
// 5-second pause: a bid there is three reads and an insert, and each
// boundary re-reads 1,000 auctions, which 2-second turns and a 1-second
// pause do not leave time for (see the README).
func BenchmarkAuctionLoad(b *testing.B) {
	full := loadConfig{auctions: 1000, bidders: 5, observers: 10000, lead: 15 * time.Second, pause: time.Second,
		turn: 2 * time.Second, grace: 50 * time.Millisecond, turns: 5, settle: 4 * time.Second}
	b.Run("memory", func(b *testing.B) {
		for range b.N {
			reportLoad(b, full, runLoad(b, full, memory.New()))
		}
	})
	b.Run("ferretdb", func(b *testing.B) {
		cfg := full
		cfg.turns, cfg.turn, cfg.pause, cfg.lead, cfg.settle = 2, 20*time.Second, 5*time.Second, 45*time.Second, 10*time.Second
		for range b.N {
			s := mongodb.New(mongotest.Database(b))
			if err := s.EnsureIndexes(context.Background()); err != nil {
				b.Fatal(err)
			}
			reportLoad(b, cfg, runLoad(b, cfg, s))
		}
	})
}

func reportLoad(b *testing.B, cfg loadConfig, r loadResult) {
	b.Helper()
	b.ReportMetric(ms(percentile(r.bidLatency, 50)), "bid-p50-ms")
	b.ReportMetric(ms(percentile(r.bidLatency, 99)), "bid-p99-ms")
	b.ReportMetric(float64(r.accepted)/r.bidWindow.Seconds(), "bids/s")
	b.ReportMetric(ms(percentile(r.perAuction, 50)), "auction-all-obs-p50-ms")
	b.ReportMetric(ms(percentile(r.perAuction, 99)), "auction-all-obs-p99-ms")
	b.ReportMetric(ms(slices.Max(r.perAuction)), "auction-all-obs-max-ms")
	b.ReportMetric(ms(percentile(r.perBoundary, 50)), "every-obs-p50-ms")
	b.ReportMetric(ms(slices.Max(r.perBoundary)), "every-obs-max-ms")
	b.ReportMetric(float64(r.connected), "observers")
	b.ReportMetric(float64(r.heapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(r.goroutines), "goroutines")
	b.ReportMetric(float64(r.missed), "missed-updates")
	b.ReportMetric(float64(len(r.refused)), "refused-bids")
	b.ReportMetric(float64(r.wrong), "wrong-updates")
	b.ReportMetric(0, "ns/op") // one op is the whole scenario: meaningless
	b.Logf("%s: %d auctions × %d bidders, %d observers (%d connected in %v, %d dropped); turn %v, grace %v",
		r.storeLabel, cfg.auctions, cfg.bidders, cfg.observers, r.connected, r.connectTime.Round(time.Millisecond), r.dropped, cfg.turn, cfg.grace)
	b.Logf("bids: %d accepted, %d refused, in %v; p50 %.1f ms, p99 %.1f ms, max %.1f ms",
		r.accepted, len(r.refused), r.bidWindow.Round(time.Millisecond), ms(percentile(r.bidLatency, 50)),
		ms(percentile(r.bidLatency, 99)), ms(slices.Max(r.bidLatency)))
	b.Logf("bids sent while a boundary's update was going out: %d, p50 %.1f ms, p99 %.1f ms; the others: %d, p50 %.1f ms, p99 %.1f ms",
		len(r.bidDuringFanout), ms(percentile(r.bidDuringFanout, 50)), ms(percentile(r.bidDuringFanout, 99)),
		len(r.bidQuiet), ms(percentile(r.bidQuiet, 50)), ms(percentile(r.bidQuiet, 99)))
	var per []string
	for i, d := range r.perBoundary {
		pa := r.perAuction[i*cfg.auctions : (i+1)*cfg.auctions]
		per = append(per, fmt.Sprintf("%.0f/%.0f/%.0f", ms(percentile(pa, 50)), ms(slices.Max(pa)), ms(d)))
	}
	b.Logf("per boundary, ms after boundary + grace (an auction's last observer p50 / max, every observer): %s", strings.Join(per, " "))
	if len(r.refused) > 0 {
		b.Logf("refused bids by answer: %v; first: %s", refusalKinds(r.refused), r.refused[0])
	}
	b.Logf("heap in use %.1f MiB (%.1f MiB before the observers: %.1f KiB per observer), %d goroutines",
		float64(r.heapInuse)/(1<<20), float64(r.heapBase)/(1<<20),
		(float64(r.heapInuse)-float64(r.heapBase))/float64(max(r.connected, 1))/1024, r.goroutines)
	b.Logf("CPU from the observers' ready line to their stop (%v): server process %v, observers' process %v",
		r.runTime.Round(time.Millisecond), r.serverCPU.Round(time.Millisecond), r.childCPU.Round(time.Millisecond))
	if r.missed > 0 || r.wrong > 0 {
		// measured, not failed: TestAuctionLoadQuick is the check
		b.Logf("%d updates missed, %d with standings other than the accepted bids make (e.g. %s)", r.missed, r.wrong, r.firstWrong)
	}
}

// runLoad runs one scenario against store and returns what it measured.
func runLoad(tb testing.TB, cfg loadConfig, store auction.Store) loadResult {
	tb.Helper()
	raiseFileLimit(tb)
	var res loadResult
	res.storeLabel = fmt.Sprintf("%T", store)
	if need := uint64(cfg.observers) + 2000; fileLimit() < need {
		tb.Fatalf("RLIMIT_NOFILE %d: %d observers need about %d descriptors in the server process", fileLimit(), cfg.observers, need)
	}

	var seq atomic.Int64
	svc := &auction.Service{Store: store, Now: time.Now, Secret: []byte(loadSecret), Grace: cfg.grace,
		NewID: func() string { return fmt.Sprintf("lb%d", seq.Add(1)) }}
	log := slog.New(slog.NewTextHandler(io.Discard, nil)) // formatted, as in production, then dropped
	ts := httptest.NewServer(api.New(svc, api.Config{}, log))
	defer ts.Close()
	defer ts.CloseClientConnections()

	// The auctions: one start for all, so they share every boundary.
	ctx := context.Background()
	start := time.Now().Add(cfg.lead).Round(0).Truncate(time.Millisecond)
	dur := auction.Durations{FirstPause: cfg.pause, Pause: cfg.pause, Turn: cfg.turn, Announcement: time.Second, Rounds: 3}
	mirrors := make([]*auction.Auction, cfg.auctions)
	{
		var wg sync.WaitGroup
		errs := make(chan error, cfg.auctions)
		sem := make(chan struct{}, 16)
		for i := range mirrors {
			in := auction.Input{TenderID: fmt.Sprintf("load-%04d", i), TenderRef: fmt.Sprintf("UA-2026-03-02-%06d-a", i),
				Title: "Навантаження", Currency: "UAH", MinimalStep: tender.MustAmount("100"), Start: start, Durations: dur,
				Grace: cfg.grace}
			for k := range cfg.bidders {
				in.Bids = append(in.Bids, auction.InputBid{BidID: fmt.Sprintf("b%d", k),
					Amount: tender.MustAmount(fmt.Sprint(100000 + 1000*k)), Date: start.Add(-time.Duration(k+1) * time.Hour)})
			}
			a, err := auction.New(in)
			if err != nil {
				tb.Fatal(err)
			}
			a.Status = auction.StatusActive
			mirrors[i] = a
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if err := store.Create(ctx, a); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
	if time.Until(start) < time.Second {
		tb.Fatalf("creating %d auctions took longer than the %v lead", cfg.auctions, cfg.lead)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	res.heapBase = m.HeapInuse

	// Boundaries: the start, the end of the first pause, and the end of
	// every measured turn; turns hold the turn stages the bidders bid in.
	res.boundaries = []time.Time{start}
	var turns []auction.Stage
	for t := start; len(turns) < cfg.turns; {
		st := mirrors[0].StageAt(t)
		if st.Kind == auction.StageTurn {
			turns = append(turns, st)
		}
		t = st.End
		res.boundaries = append(res.boundaries, t)
	}
	last := res.boundaries[len(res.boundaries)-1]

	// The observers' process.
	obs := startObservers(tb, ts.URL, cfg)
	defer obs.kill()
	ready := obs.waitReady(tb, time.Until(start))
	res.connectTime = ready.took
	if ready.connected == 0 {
		tb.Fatalf("no observer could connect: %s", obs.output)
	}
	runtime.GC()
	runtime.ReadMemStats(&m)
	res.heapInuse = m.HeapInuse
	res.goroutines = runtime.NumGoroutine()
	if time.Until(start) < 0 {
		tb.Fatalf("the observers connected after the auctions started: raise the lead (%v)", cfg.lead)
	}
	cpu0, t0 := processCPU(), time.Now()

	// The bidders: one goroutine per auction bids in each measured turn.
	tr := &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 2048, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var (
		mu         sync.Mutex
		firstSent  time.Time
		lastAnswer time.Time
	)
	var wg sync.WaitGroup
	for i, a := range mirrors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			price := map[string]tender.Amount{}
			for _, bd := range a.Bidders {
				price[bd.BidID] = bd.Initial
			}
			for _, st := range turns {
				at := st.Start.Add(time.Duration((0.05 + 0.55*rng.Float64()) * float64(cfg.turn)))
				time.Sleep(time.Until(at))
				bidID := a.StageAt(at).BidID // the turn order of later rounds follows the bids
				amount := tender.AmountFromDecimal(price[bidID].Decimal().Sub(a.MinimalStep.Decimal()))
				body := fmt.Sprintf(`{"data":{"bidder_id":%q,"amount":%s,"hash":%q}}`, bidID, amount, svc.Token(a.ID, bidID))
				sent := time.Now()
				status, answer, err := post(client, ts.URL+"/api/auctions/"+a.ID+"/bids", body)
				done := time.Now()
				mu.Lock()
				if firstSent.IsZero() || sent.Before(firstSent) {
					firstSent = sent
				}
				if done.After(lastAnswer) {
					lastAnswer = done
				}
				res.bidLatency = append(res.bidLatency, done.Sub(sent))
				res.bidSent = append(res.bidSent, sent)
				var resp struct{ Data api.BidResponse }
				if err == nil && status == http.StatusOK && json.Unmarshal(answer, &resp) == nil {
					res.accepted++
					d := resp.Data
					// accepted: stored in time, so it counts in the mirror
					a.Bids = append(a.Bids, auction.Bid{ID: d.ID, BidID: d.BidderID, Round: d.Round, Turn: d.Turn, Amount: *d.Amount,
						Time: d.Time, Stored: &d.Time})
					price[bidID] = amount
				} else {
					res.refused = append(res.refused, fmt.Sprintf("%s %s at %s: %d %v %s", a.ID, bidID,
						sent.Format("15:04:05.000"), status, err, answer))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.bidWindow = lastAnswer.Sub(firstSent)
	time.Sleep(time.Until(last.Add(cfg.grace + cfg.settle)))
	res.serverCPU, res.runTime = processCPU()-cpu0, time.Since(t0)

	records, childCPU := obs.stop(tb)
	res.childCPU = childCPU
	analyse(&res, cfg, mirrors, records)
	return res
}

// post sends one bid and reads the whole answer.
func post(c *http.Client, url, body string) (int, []byte, error) {
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// analyse matches the observers' records against the boundaries and the
// standings the accepted bids make.
func analyse(res *loadResult, cfg loadConfig, mirrors []*auction.Auction, records []observerRecord) {
	want := make([][]string, len(res.boundaries)) // [boundary][auction] standings
	for j, bt := range res.boundaries {
		want[j] = make([]string, len(mirrors))
		for i, a := range mirrors {
			want[j][i] = standingsKey(a.Standings(bt))
		}
	}
	lastAt := make([][]int64, len(res.boundaries)) // [boundary][auction]: latest arrival
	for j := range lastAt {
		lastAt[j] = make([]int64, len(mirrors))
	}
	for _, o := range records {
		if o.Connected {
			res.connected++
		}
		if o.Err != "" {
			res.dropped++
		}
		got := map[int64]observerEvent{}
		for _, e := range o.Events {
			if _, seen := got[e.Start]; !seen {
				got[e.Start] = e
			}
		}
		for j, bt := range res.boundaries {
			e, ok := got[bt.UnixNano()]
			if !ok {
				res.missed++
				continue
			}
			if e.Standings != want[j][o.Auction] {
				if res.wrong == 0 {
					id := mirrors[o.Auction].ID
					res.firstWrong = fmt.Sprintf("%s at boundary %d: got %s, want %s", id, j, e.Standings, want[j][o.Auction])
					for _, r := range res.refused {
						if strings.HasPrefix(r, id+" ") {
							res.firstWrong += "; refused there: " + r
						}
					}
				}
				res.wrong++
			}
			lastAt[j][o.Auction] = max(lastAt[j][o.Auction], e.At)
		}
	}
	for j, bt := range res.boundaries {
		from := bt.Add(cfg.grace).UnixNano()
		var every time.Duration
		for i := range mirrors {
			d := time.Duration(lastAt[j][i] - from)
			if lastAt[j][i] == 0 {
				d = 0 // nobody got it: counted in missed
			}
			res.perAuction = append(res.perAuction, d)
			every = max(every, d)
		}
		res.perBoundary = append(res.perBoundary, every)
	}
	for k, sent := range res.bidSent {
		during := false
		for j, bt := range res.boundaries {
			from := bt.Add(cfg.grace)
			during = during || !sent.Before(from) && sent.Before(from.Add(res.perBoundary[j]))
		}
		if during {
			res.bidDuringFanout = append(res.bidDuringFanout, res.bidLatency[k])
		} else {
			res.bidQuiet = append(res.bidQuiet, res.bidLatency[k])
		}
	}
}

// refusalKinds counts refused bids by the error's description, numbers
// left out.
func refusalKinds(refused []string) map[string]int {
	out := map[string]int{}
	for _, r := range refused {
		k := r
		if i := strings.Index(r, `"description":"`); i >= 0 {
			k = r[i+len(`"description":"`):]
			k = k[:strings.IndexAny(k, `"#0123456789`)]
		}
		out[k]++
	}
	return out
}

// standingsKey is "label:amount" best first, as observers and the mirror
// both render it.
func standingsKey(st []auction.Standing) string {
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = fmt.Sprintf("%d:%s", s.Label, s.Amount)
	}
	return strings.Join(parts, ",")
}

// observerSpec is what the parent tells the observers' process.
type observerSpec struct {
	URL       string `json:"url"`
	Auctions  int    `json:"auctions"`
	Observers int    `json:"observers"`
	Out       string `json:"out"`
}

// observersReport is what the observers' process writes when it stops.
type observersReport struct {
	CPU       time.Duration    `json:"cpu"` // its CPU time from the ready line to the stop
	Observers []observerRecord `json:"observers"`
}

// observerRecord is one observer's stream as the child saw it.
type observerRecord struct {
	Auction   int             `json:"auction"`
	Connected bool            `json:"connected"`
	Err       string          `json:"err,omitempty"` // the stream ended before the stop
	Events    []observerEvent `json:"events"`
}

// observerEvent is one state event: the stage it shows (its start, Unix
// ns; 0 before the auction starts), when it was read (Unix ns) and the
// standings in it.
type observerEvent struct {
	Start     int64  `json:"start"`
	At        int64  `json:"at"`
	Standings string `json:"standings"`
}

type observersProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    string
	ready  chan readyLine
	output *lockedBuffer // everything else the child printed
	done   chan struct{} // stdout closed
}

// lockedBuffer collects the child's stderr and the rest of its stdout,
// written from two goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type readyLine struct {
	connected int
	took      time.Duration
}

// startObservers re-executes this test binary as TestHelperObservers.
func startObservers(tb testing.TB, url string, cfg loadConfig) *observersProc {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "observers.json")
	spec, _ := json.Marshal(observerSpec{URL: url, Auctions: cfg.auctions, Observers: cfg.observers, Out: out})
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperObservers$", "-test.count=1", "-test.timeout=0")
	cmd.Env = append(os.Environ(), loadObserversEnv+"="+string(spec))
	p := &observersProc{cmd: cmd, out: out, ready: make(chan readyLine, 1), output: &lockedBuffer{}, done: make(chan struct{})}
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = p.output
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var r readyLine
			var ns int64
			if _, err := fmt.Sscanf(sc.Text(), loadReady+" %d %d", &r.connected, &ns); err == nil {
				r.took = time.Duration(ns)
				p.ready <- r
				continue
			}
			fmt.Fprintln(p.output, sc.Text())
		}
	}()
	return p
}

func (p *observersProc) waitReady(tb testing.TB, within time.Duration) readyLine {
	tb.Helper()
	select {
	case r := <-p.ready:
		return r
	case <-p.done:
		_ = p.cmd.Wait()
		tb.Fatalf("the observers' process exited early: %s", p.output)
	case <-time.After(within):
		tb.Fatalf("the observers did not connect before the auctions started (%v): raise the lead", within)
	}
	return readyLine{}
}

// stop closes the child's stdin (its signal to disconnect and report) and
// reads its records.
func (p *observersProc) stop(tb testing.TB) ([]observerRecord, time.Duration) {

	tb.Helper()
	p.stdin.Close()
	<-p.done
	if err := p.cmd.Wait(); err != nil {
		tb.Fatalf("observers' process: %v: %s", err, p.output)
	}
	b, err := os.ReadFile(p.out)
	if err != nil {
		tb.Fatal(err)
	}
	var rep observersReport
	if err := json.Unmarshal(b, &rep); err != nil {
		tb.Fatal(err)
	}
	return rep.Observers, rep.CPU
}

func (p *observersProc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// TestHelperObservers is the observers' process of the load harness; it
// runs only when re-executed by it (PROZORRO_LOAD_OBSERVERS set). It opens
// the event streams, prints the ready line, and on EOF of stdin disconnects
// and writes its records as JSON to the spec's file.
func TestHelperObservers(t *testing.T) {
	raw := os.Getenv(loadObserversEnv)
	if raw == "" {
		t.Skip("the load harness's child process")
	}
	var spec observerSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	raiseFileLimit(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: -1}}

	type stream struct {
		rec    observerRecord
		raw    [][]byte // data lines of state events, parsed after the stop
		at     []int64
		ended  chan struct{}
		closed atomic.Bool // the parent asked to stop
	}
	streams := make([]*stream, spec.Observers)
	began := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // the listen backlog is finite: connect a few at a time
	var connected atomic.Int64
	for i := range streams {
		s := &stream{rec: observerRecord{Auction: i % spec.Auctions}, ended: make(chan struct{})}
		streams[i] = s
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer close(s.ended)
			url := fmt.Sprintf("%s/api/auctions/load-%04d/events", spec.URL, s.rec.Auction)
			req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
			resp, err := client.Do(req)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d", resp.StatusCode)
				resp.Body.Close()
			}
			<-sem
			if err != nil {
				s.rec.Err = err.Error()
				wg.Done()
				return
			}
			defer resp.Body.Close()
			s.rec.Connected = true
			connected.Add(1)
			wg.Done()
			br := bufio.NewReaderSize(resp.Body, 8<<10)
			var name string
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					if !s.closed.Load() && ctx.Err() == nil {
						s.rec.Err = err.Error()
					}
					return
				}
				switch {
				case bytes.HasPrefix(line, []byte("event: ")):
					name = string(bytes.TrimSpace(line[len("event: "):]))
				case bytes.HasPrefix(line, []byte("data: ")) && name == "state":
					s.at = append(s.at, time.Now().UnixNano())
					s.raw = append(s.raw, bytes.Clone(bytes.TrimSpace(line[len("data: "):])))
				case len(bytes.TrimSpace(line)) == 0:
					name = ""
				}
			}
		}()
	}
	wg.Wait()
	cpu0 := processCPU()
	fmt.Printf("%s %d %d\n", loadReady, connected.Load(), time.Since(began).Nanoseconds())

	_, _ = io.Copy(io.Discard, os.Stdin) // the parent closes it to stop us
	rep := observersReport{CPU: processCPU() - cpu0}
	for _, s := range streams {
		s.closed.Store(true)
	}
	cancel()
	recs := make([]observerRecord, len(streams))
	for i, s := range streams {
		<-s.ended
		for k, data := range s.raw {
			var ev struct {
				Data struct {
					Stage struct {
						Start *time.Time `json:"start"`
					} `json:"stage"`
					Standings []struct {
						Label  int           `json:"label"`
						Amount tender.Amount `json:"amount"`
					} `json:"standings"`
				} `json:"data"`
			}
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatalf("observer %d: event %s: %v", i, data, err)
			}
			e := observerEvent{At: s.at[k]}
			if ev.Data.Stage.Start != nil {
				e.Start = ev.Data.Stage.Start.UnixNano()
			}
			st := make([]auction.Standing, len(ev.Data.Standings))
			for n, r := range ev.Data.Standings {
				st[n] = auction.Standing{Label: r.Label, Amount: r.Amount}
			}
			e.Standings = standingsKey(st)
			s.rec.Events = append(s.rec.Events, e)
		}
		recs[i] = s.rec
	}
	rep.Observers = recs
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec.Out, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// raiseFileLimit lifts the soft RLIMIT_NOFILE to the hard one.
func raiseFileLimit(tb testing.TB) {
	tb.Helper()
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		tb.Fatal(err)
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			tb.Fatal(err)
		}
	}
}

func fileLimit() uint64 {
	var l syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	return l.Cur
}

// processCPU is this process's user + system time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile returns the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := (len(s)*p + 99) / 100
	return s[max(k-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
