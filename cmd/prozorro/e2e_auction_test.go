package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// The auction tests run tenders at accelerator 86400 (a law day a second),
// and cap the auction's own acceleration so a human-sized auction plays out
// in well under a minute: ProZorro's 5-minute first pause becomes
// 300 s/auctionCap, each 2-minute turn 120 s/auctionCap.

// syncBuffer is a process's stderr, safe to read while it is written.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running prozorro process.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan struct{}
}

// startProc runs `prozorro <command>` with the test store in the
// environment plus env (later entries win), and waits until it listens.
func startProc(t *testing.T, command string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), command)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PROZORRO_HTTP_ADDR=127.0.0.1:0", "PROZORRO_MONGO_URI="+mongotest.URI(t))
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", command, p.stderr.String())
		}
	})
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("%s exited before listening:\n%s", command, p.stderr.String())
			}
			if u, found := strings.CutPrefix(l, "listening on "); found {
				p.url = u
				go func() {
					for range lines {
					}
				}()
				return p
			}
		case <-deadline:
			t.Fatalf("%s did not start:\n%s", command, p.stderr.String())
		}
	}
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// freePort returns a loopback address nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// awaitTender polls the public tender until ok holds, for up to timeout.
func awaitTender(t *testing.T, c client, id, what string, timeout time.Duration, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		d := c.must(200, "GET", "/tenders/"+id, nil)
		if ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("tender %s: no %s within %v; status %v", id, what, timeout, d["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// participant is a bid's owner as the auction knows it.
type participant struct {
	bidID, hash, auctionID string
	auction                string // the auction service's base URL
}

// participation waits for the auction service to publish bid's link, seen
// by its owner, and reads it.
func participation(t *testing.T, owner client, tenderID, bidID, token string) participant {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b := owner.must(200, "GET", "/tenders/"+tenderID+"/bids/"+bidID+"?acc_token="+token, nil)
		if u := str(b["participationUrl"]); b["participationUrl"] != nil && u != "" {
			pu, err := url.Parse(u)
			if err != nil {
				t.Fatal(err)
			}
			path, ok := strings.CutSuffix(pu.Path, "/login")
			id, found := strings.CutPrefix(path, "/auctions/")
			if !ok || !found || pu.Query().Get("bidder_id") != bidID || pu.Query().Get("hash") == "" {
				t.Fatalf("participationUrl %s", u)
			}
			return participant{bidID: bidID, hash: pu.Query().Get("hash"), auctionID: id, auction: pu.Scheme + "://" + pu.Host}
		}
		if time.Now().After(deadline) {
			t.Fatalf("bid %s got no participationUrl", bidID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// call sends a request to the auction service's REST interface.
func (p participant) call(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(map[string]any{"data": body})
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.auction+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil // the service is down
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// state reads the auction as this bidder sees it.
func (p participant) state(t *testing.T) map[string]any {
	t.Helper()
	q := url.Values{"bidder_id": {p.bidID}, "hash": {p.hash}}
	status, body := p.call(t, "GET", "/api/auctions/"+p.auctionID+"?"+q.Encode(), nil)
	if status != 200 {
		return nil
	}
	return m(body["data"])
}

// awaitTurn waits for this bidder's turn in round r.
func (p participant) awaitTurn(t *testing.T, r int) map[string]any {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if s := p.state(t); s != nil {
			st, me := m(s["stage"]), m(s["bidder"])
			round, _ := st["round"].(float64) // absent before the start
			if st["kind"] == "turn" && int(round) == r && me["myTurn"] == true {
				return s
			}
			if int(round) > r || st["kind"] == "announcement" || st["kind"] == "finished" {
				t.Fatalf("bidder %s missed its turn in round %d: now %v", p.bidID, r, st)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("bidder %s: no turn in round %d", p.bidID, r)
	return nil
}

// bid places amount in the bidder's current turn and checks it was taken.
func (p participant) bid(t *testing.T, amount string) {
	t.Helper()
	status, body := p.call(t, "POST", "/api/auctions/"+p.auctionID+"/bids",
		map[string]any{"bidder_id": p.bidID, "hash": p.hash, "amount": json.Number(amount)})
	if status != 200 || str(m(body["data"])["amount"]) != amount {
		t.Fatalf("bid %s by %s: %d %v", amount, p.bidID, status, body)
	}
}

// auctionTender is tenderBody's belowThreshold tender: a law day a second.
func auctionTender(t *testing.T, base string) (id, token string) {
	t.Helper()
	buyer := client{t, base, "buyerkey"}
	r := buyer.do("POST", "/tenders", tenderBody(false))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id, token = str(m(r.Body["data"])["id"]), str(m(r.Body["access"])["token"])
	buyer.must(200, "PATCH", "/tenders/"+id+"?acc_token="+token, map[string]any{"data": map[string]any{"status": "active.enquiries"}})
	return id, token
}

type sealedBid struct {
	owner        client
	id, token    string
	name, amount string
	edr          string
}

func placeSealed(t *testing.T, base, tenderID string) (b1, b2 sealedBid) {
	t.Helper()
	public := client{t, base, ""}
	waitStatus(t, public, tenderID, "active.tendering")
	b1 = sealedBid{owner: client{t, base, "bidkey1"}, name: "ТОВ Перший", amount: "140000", edr: "22222222"}
	b2 = sealedBid{owner: client{t, base, "bidkey2"}, name: "ТОВ Другий", amount: "139000.99", edr: "33333333"}
	for _, b := range []*sealedBid{&b1, &b2} {
		r := b.owner.do("POST", "/tenders/"+tenderID+"/bids", map[string]any{"data": map[string]any{
			"tenderers": []any{organization(b.name, b.edr)},
			"value":     map[string]any{"amount": json.Number(b.amount), "currency": "UAH", "valueAddedTaxIncluded": true}}})
		if r.Status != 201 {
			t.Fatalf("bid: %d %s", r.Status, r.Raw)
		}
		b.id, b.token = str(m(r.Body["data"])["id"]), str(m(r.Body["access"])["token"])
	}
	return b1, b2
}

// checkResults waits for the tender to leave the auction and checks every
// bid's price, the award and the audit document.
func checkResults(t *testing.T, base, tenderID string, want map[string]string, winner string) map[string]any {
	t.Helper()
	public := client{t, base, ""}
	d := awaitTender(t, public, tenderID, "results", 120*time.Second, func(d map[string]any) bool { return d["status"] != "active.auction" })
	if d["status"] != "active.qualification" {
		t.Fatalf("after the auction: %v", d["status"])
	}
	for _, b := range list(d["bids"]) {
		if got := str(m(m(b)["value"])["amount"]); got != want[str(m(b)["id"])] {
			t.Errorf("bid %v: %s, want %s", m(b)["id"], got, want[str(m(b)["id"])])
		}
	}
	award := m(list(d["awards"])[0])
	if award["bid_id"] != winner || str(m(award["value"])["amount"]) != want[winner] {
		t.Errorf("award %v, want bid %s at %s", award, winner, want[winner])
	}
	var audit map[string]any
	for _, doc := range list(d["documents"]) {
		if m(doc)["documentType"] == "auctionAudit" {
			audit = m(doc)
		}
	}
	if audit == nil || audit["title"] != "audit_"+tenderID+".json" {
		t.Fatalf("audit document: %v", audit)
	}
	resp, err := http.Get(str(audit["url"]))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sum := sha256.Sum256(body)
	if resp.StatusCode != 200 || audit["hash"] != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("GET %v: %d; its sha256 %x, the tender records %v", audit["url"], resp.StatusCode, sum, audit["hash"])
	}
	var au map[string]any
	if err := json.Unmarshal(body, &au); err != nil || au["tenderID"] != tenderID {
		t.Errorf("audit: %v %s", err, body)
	}
	return au
}

// TestAuctionEndToEnd: a sandbox tender, two sealed bids, the auction
// service in `serve` plans the auction, publishes the links, takes bids over
// its REST interface in three rounds, and posts the results and the audit;
// the award goes to the best auction price.
func TestAuctionEndToEnd(t *testing.T) {
	base := startServer(t, "PROZORRO_MONGO_DATABASE="+mongotest.DatabaseName(), "PROZORRO_AUCTION_ENABLED=true",
		"PROZORRO_AUCTION_MAX_ACCELERATOR=40", "PROZORRO_AUCTION_TICK=100ms", "PROZORRO_AUCTION_LEASE=2s", "PROZORRO_AUCTION_GRACE=300ms")
	public := client{t, base, ""}
	id, _ := auctionTender(t, base)
	b1, b2 := placeSealed(t, base, id)
	waitStatus(t, public, id, "active.auction")
	p1 := participation(t, b1.owner, id, b1.id, b1.token)
	p2 := participation(t, b2.owner, id, b2.id, b2.token)
	if p1.auctionID != id || p1.auction != base {
		t.Errorf("auction %s at %s, want %s at %s", p1.auctionID, p1.auction, id, base)
	}
	if d := public.must(200, "GET", "/tenders/"+id, nil); d["auctionUrl"] != base+"/auctions/"+id {
		t.Errorf("auctionUrl %v", d["auctionUrl"])
	}
	// Another bidder's view never shows the participation link.
	if d := b2.owner.must(200, "GET", "/tenders/"+id+"/bids/"+b2.id+"?acc_token="+b2.token, nil); strings.Contains(str(d["participationUrl"]), b1.id) {
		t.Errorf("bid 2 sees %v", d["participationUrl"])
	}

	// Labels go worst price first: b1 (140000) is Bidder #1 and bids first.
	s := p1.awaitTurn(t, 1)
	if m(s["bidder"])["label"].(float64) != 1 || len(list(s["standings"])) != 2 {
		t.Errorf("state at the first turn: %v", s)
	}
	if status, _ := p2.call(t, "POST", "/api/auctions/"+id+"/bids", map[string]any{"bidder_id": b2.id, "hash": p2.hash, "amount": 130000}); status != 403 {
		t.Errorf("a bid out of turn: %d, want 403", status)
	}
	if status, _ := p1.call(t, "POST", "/api/auctions/"+id+"/bids", map[string]any{"bidder_id": b1.id, "hash": p2.hash, "amount": 130000}); status != 403 {
		t.Errorf("a bid with another bidder's hash: %d, want 403", status)
	}
	if status, _ := p1.call(t, "POST", "/api/auctions/"+id+"/bids", map[string]any{"bidder_id": b1.id, "hash": p1.hash, "amount": 139000}); status != 422 {
		t.Errorf("a bid not beating the own price by the step: %d, want 422", status)
	}
	p1.bid(t, "137000")
	p2.awaitTurn(t, 1)
	p2.bid(t, "135000")
	// Round 2: b1 (137000) first, then b2.
	p1.awaitTurn(t, 2)
	p1.bid(t, "134000")
	// Round 3: b2 (135000) first.
	p2.awaitTurn(t, 3)
	p2.bid(t, "133000")

	au := checkResults(t, base, id, map[string]string{b1.id: "134000", b2.id: "133000"}, b2.id)
	if n := len(list(au["turns"])); n != 6 {
		t.Errorf("audit turns: %d, want 6", n)
	}
	// Names appear once the tender is in active.qualification.
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := p1.state(t)
		if s != nil && s["revealed"] == true {
			names := map[string]bool{}
			for _, row := range list(s["standings"]) {
				names[str(m(row)["name"])] = true
			}
			if !names[b1.name] || !names[b2.name] {
				t.Errorf("revealed standings %v", s["standings"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("names not revealed: %v", s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
