package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// binary returns the prozorro binary the test command built, or builds one.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("PROZORRO_TEST_BIN"); b != "" {
		return b
	}
	out := filepath.Join(t.TempDir(), "prozorro")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return out
}

var e2eDB = mongotest.DatabaseName()

func dumpCounters(t *testing.T) {
	ctx := context.Background()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	var m bson.M
	err = c.Database(e2eDB).Collection("counters").FindOne(ctx, bson.M{"_id": "feed"}).Decode(&m)
	t.Logf("counters: %v %v", err, m)
	cur, _ := c.Database(e2eDB).Collection("tenders").Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"seq": 1, "public": 1, "test": 1, "status": 1}))
	var all []bson.M
	cur.All(ctx, &all)
	t.Logf("tenders: %v", all)
}

// startServer runs `prozorro serve` in sandbox mode against the test server
// in a fresh database and returns its base URL; env entries override the
// defaults (the last value of a key wins).
func startServer(t *testing.T, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary(t), "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(),
		"PROZORRO_HTTP_ADDR=127.0.0.1:0",
		"PROZORRO_MONGO_URI="+mongotest.URI(t),
		"PROZORRO_MONGO_DATABASE="+e2eDB,
		"PROZORRO_SANDBOX=true",
		"PROZORRO_CHRONOGRAPH_INTERVAL=100ms",
		// These tests post auction results themselves; e2e_auction_test.go
		// runs the auction service.
		"PROZORRO_AUCTION_ENABLED=false",
		"PROZORRO_PLATFORMS=buyerplat:buyerkey:1234h,bidplat1:bidkey1:24,bidplat2:bidkey2:24,auction:auctionkey::auction,lowlevel:lowkey:1",
	)
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited before listening:\n%s", stderr.String())
			}
			if u, found := strings.CutPrefix(l, "listening on "); found {
				go func() {
					for range lines {
					}
				}()
				return u
			}
		case <-deadline:
			t.Fatalf("server did not start:\n%s", stderr.String())
		}
	}
}

type client struct {
	t    *testing.T
	base string
	key  string
}

type reply struct {
	Status int
	Body   map[string]any
	Raw    []byte
	Header http.Header
}

func (c client) do(method, path string, body any) reply {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/api/2.5"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.SetBasicAuth(c.key, "")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{Status: resp.StatusCode, Raw: raw, Header: resp.Header}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

// must checks the status and returns the reply's data object.
func (c client) must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	d, _ := r.Body["data"].(map[string]any)
	return d
}

func str(v any) string { return fmt.Sprint(v) }

func organization(name, edr string) map[string]any {
	return map[string]any{
		"name": name, "identifier": map[string]any{"scheme": "UA-EDR", "id": edr},
		"address":      map[string]any{"countryName": "Україна", "postalCode": "01001", "region": "м. Київ"},
		"contactPoint": map[string]any{"name": "Контакт", "email": "c@example.com"},
	}
}

// tenderBody is a belowThreshold tender where one day of the law takes one
// second (accelerator 86400): enquiries 3 s, tendering 2 s minimum.
func tenderBody(noAuction bool) map[string]any {
	now := time.Now()
	details := "quick"
	if noAuction {
		details = "quick(mode:no-auction)"
	}
	return map[string]any{"data": map[string]any{
		"title": "Ноутбуки для шкіл", "procurementMethodType": "belowThreshold",
		"procurementMethodDetails": "quick, accelerator=86400", "submissionMethodDetails": details,
		"mainProcurementCategory": "goods", "procuringEntity": organization("Школа №1", "00037256"),
		"value": map[string]any{"amount": 150000.50, "currency": "UAH"}, "minimalStep": map[string]any{"amount": 1500, "currency": "UAH"},
		"items": []any{map[string]any{"description": "Ноутбук", "quantity": 10, "unit": map[string]any{"code": "H87", "name": "штука"},
			"classification": map[string]any{"scheme": "ДК021", "id": "30213100-6", "description": "Портативні комп’ютери"}}},
		"enquiryPeriod": map[string]any{"endDate": now.Add(4 * time.Second).Format(time.RFC3339Nano)},
		"tenderPeriod":  map[string]any{"endDate": now.Add(7 * time.Second).Format(time.RFC3339Nano)},
	}}
}

func waitStatus(t *testing.T, c client, id, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d := c.must(200, "GET", "/tenders/"+id, nil)
		if d["status"] == want {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("tender %s stayed %v, want %s", id, d["status"], want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func bid(amount float64, name, edr string) map[string]any {
	return map[string]any{"data": map[string]any{
		"tenderers": []any{organization(name, edr)},
		"value":     map[string]any{"amount": amount, "currency": "UAH", "valueAddedTaxIncluded": true},
	}}
}

// TestEndToEnd drives belowThreshold tenders through every ending over HTTP
// against the real binary and the real store.
func TestEndToEnd(t *testing.T) {
	base := startServer(t)
	public := client{t, base, ""}
	auction := client{t, base, "auctionkey"}

	create := func(t *testing.T, noAuction bool) (string, string) {
		buyer := client{t, base, "buyerkey"}
		r := buyer.do("POST", "/tenders", tenderBody(noAuction))
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Raw)
		}
		d := r.Body["data"].(map[string]any)
		id := str(d["id"])
		if !strings.HasSuffix(r.Header.Get("Location"), "/api/2.5/tenders/"+id) {
			t.Errorf("Location = %q", r.Header.Get("Location"))
		}
		token := str(r.Body["access"].(map[string]any)["token"])
		buyer.must(201, "POST", "/tenders/"+id+"/documents?acc_token="+token, map[string]any{"data": map[string]any{
			"title": "notice.pdf", "url": "https://docs.example.com/notice.pdf", "hash": "md5:00000000000000000000000000000000",
			"format": "application/pdf", "documentType": "notice"}})
		buyer.must(200, "PATCH", "/tenders/"+id+"?acc_token="+token, map[string]any{"data": map[string]any{"status": "active.enquiries"}})
		return id, token
	}

	t.Run("auction-award-contract-complete", func(t *testing.T) {
		t.Parallel()
		buyer, bidder1, bidder2 := client{t, base, "buyerkey"}, client{t, base, "bidkey1"}, client{t, base, "bidkey2"}
		id, token := create(t, false)
		q := bidder1.must(201, "POST", "/tenders/"+id+"/questions", map[string]any{"data": map[string]any{
			"author": organization("ТОВ Питання", "11111111"), "title": "Гарантія?", "description": "Скільки років?"}})
		buyer.must(200, "PATCH", "/tenders/"+id+"/questions/"+str(q["id"])+"?acc_token="+token, map[string]any{"data": map[string]any{"answer": "Три роки"}})
		waitStatus(t, public, id, "active.tendering")

		// The buyer's own platform and token cannot bid; over-budget bids are refused.
		if r := buyer.do("POST", "/tenders/"+id+"/bids?acc_token="+token, bid(1000, "ТОВ Свій", "99999999")); r.Status != 403 {
			t.Errorf("owner bid: %d %s", r.Status, r.Raw)
		}
		if r := bidder1.do("POST", "/tenders/"+id+"/bids", bid(200000, "ТОВ Дорого", "22222222")); r.Status != 422 {
			t.Errorf("over-budget bid: %d %s", r.Status, r.Raw)
		}
		r1 := bidder1.do("POST", "/tenders/"+id+"/bids", bid(140000, "ТОВ Перший", "22222222"))
		r2 := bidder2.do("POST", "/tenders/"+id+"/bids", bid(139000.99, "ТОВ Другий", "33333333"))
		if r1.Status != 201 || r2.Status != 201 {
			t.Fatalf("bids: %d %s / %d %s", r1.Status, r1.Raw, r2.Status, r2.Raw)
		}
		b1 := r1.Body["data"].(map[string]any)
		tok1 := str(r1.Body["access"].(map[string]any)["token"])
		// Sealed: only the bid's owner sees it.
		if r := public.do("GET", "/tenders/"+id+"/bids", nil); r.Status != 403 {
			t.Errorf("public bids list during tendering: %d", r.Status)
		}
		if r := bidder2.do("GET", "/tenders/"+id+"/bids/"+str(b1["id"]), nil); r.Status != 403 {
			t.Errorf("foreign bid during tendering: %d", r.Status)
		}
		own := bidder1.must(200, "GET", "/tenders/"+id+"/bids/"+str(b1["id"])+"?acc_token="+tok1, nil)
		if str(own["value"].(map[string]any)["amount"]) != "140000" {
			t.Errorf("own bid value = %v", own["value"])
		}
		if d := public.must(200, "GET", "/tenders/"+id, nil); d["bids"] != nil {
			t.Errorf("bids leaked during tendering: %v", d["bids"])
		}

		d := waitStatus(t, public, id, "active.auction")
		if d["bids"] != nil {
			t.Errorf("bids leaked during auction: %v", d["bids"])
		}
		// The auction role sees prices in the tender's bid order and posts results aligned with them.
		ad := auction.must(200, "GET", "/tenders/"+id+"/auction", nil)
		abids := ad["bids"].([]any)
		if len(abids) != 2 || abids[0].(map[string]any)["tenderers"] != nil {
			t.Fatalf("auction view bids = %v", abids)
		}
		results := []any{}
		for _, b := range abids {
			bm := b.(map[string]any)
			amount := 137500.00
			if bm["id"] == b1["id"] {
				amount = 136000.00
			}
			results = append(results, map[string]any{"id": bm["id"], "value": map[string]any{"amount": amount}})
		}
		if r := buyer.do("POST", "/tenders/"+id+"/auction", map[string]any{"data": map[string]any{"bids": results}}); r.Status != 403 {
			t.Errorf("broker posting auction results: %d", r.Status)
		}
		auction.must(200, "POST", "/tenders/"+id+"/auction", map[string]any{"data": map[string]any{"bids": results}})
		d = public.must(200, "GET", "/tenders/"+id, nil)
		if d["status"] != "active.qualification" || len(d["bids"].([]any)) != 2 {
			t.Fatalf("after auction: %v bids=%v", d["status"], d["bids"])
		}
		awards := d["awards"].([]any)
		award := awards[0].(map[string]any)
		if award["bid_id"] != b1["id"] || str(award["value"].(map[string]any)["amount"]) != "136000" {
			t.Fatalf("award should go to the lowest auction price: %v", award)
		}
		buyer.must(200, "PATCH", "/tenders/"+id+"/awards/"+str(award["id"])+"?acc_token="+token,
			map[string]any{"data": map[string]any{"status": "active", "qualified": true}})
		d = public.must(200, "GET", "/tenders/"+id, nil)
		if d["status"] != "active.awarded" {
			t.Fatalf("after award: %v", d["status"])
		}
		contract := d["contracts"].([]any)[0].(map[string]any)
		if contract["contractID"] != str(d["tenderID"])+"-a1" {
			t.Errorf("contractID = %v", contract["contractID"])
		}
		if r := buyer.do("PATCH", "/tenders/"+id+"/contracts/"+str(contract["id"])+"?acc_token="+token,
			map[string]any{"data": map[string]any{"value": map[string]any{"amount": 136000.01}}}); r.Status != 422 {
			t.Errorf("contract above award: %d %s", r.Status, r.Raw)
		}
		buyer.must(200, "PATCH", "/tenders/"+id+"/contracts/"+str(contract["id"])+"?acc_token="+token,
			map[string]any{"data": map[string]any{"status": "active", "contractNumber": "42/2026", "value": map[string]any{"amount": 136000, "amountNet": 113333.33}}})
		d = public.must(200, "GET", "/tenders/"+id, nil)
		if d["status"] != "complete" {
			t.Fatalf("after signing: %v", d["status"])
		}

		// History: version 1 is the draft; every revision rebuilds.
		hist := client{t, base, "buyerkey"}
		r := hist.do("GET", "/tenders/"+id+"/historical", nil)
		if r.Status != 200 {
			t.Fatalf("historical: %d %s", r.Status, r.Raw)
		}
		var last int
		fmt.Sscan(r.Header.Get("X-Revision-N"), &last)
		if last < 8 {
			t.Errorf("only %d revisions", last)
		}
		req, _ := http.NewRequest("GET", base+"/api/2.5/tenders/"+id+"/historical", nil)
		req.SetBasicAuth("buyerkey", "")
		req.Header.Set("X-Revision-N", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v1 struct{ Data map[string]any }
		json.NewDecoder(resp.Body).Decode(&v1)
		resp.Body.Close()
		if v1.Data["status"] != "draft" {
			t.Errorf("revision 1 status = %v", v1.Data["status"])
		}
		if r := (client{t, base, "bidkey1"}).do("GET", "/tenders/"+id+"/historical", nil); r.Status != 403 {
			t.Errorf("historical without accreditation h: %d", r.Status)
		}
	})

	t.Run("no-auction-mode", func(t *testing.T) {
		t.Parallel()
		bidder1, bidder2 := client{t, base, "bidkey1"}, client{t, base, "bidkey2"}
		id, _ := create(t, true)
		waitStatus(t, public, id, "active.tendering")
		bidder1.must(201, "POST", "/tenders/"+id+"/bids", bid(120000, "ТОВ Перший", "22222222"))
		bidder2.must(201, "POST", "/tenders/"+id+"/bids", bid(110000, "ТОВ Другий", "33333333"))
		d := waitStatus(t, public, id, "active.qualification")
		award := d["awards"].([]any)[0].(map[string]any)
		if str(award["value"].(map[string]any)["amount"]) != "110000" {
			t.Errorf("award = %v", award)
		}
	})

	t.Run("one-bid-goes-straight-to-qualification", func(t *testing.T) {
		t.Parallel()
		id, _ := create(t, false)
		waitStatus(t, public, id, "active.tendering")
		client{t, base, "bidkey1"}.must(201, "POST", "/tenders/"+id+"/bids", bid(99999.99, "ТОВ Один", "22222222"))
		d := waitStatus(t, public, id, "active.qualification")
		if d["auctionPeriod"] != nil || len(d["awards"].([]any)) != 1 {
			t.Errorf("one bid: auctionPeriod=%v awards=%v", d["auctionPeriod"], d["awards"])
		}
	})

	t.Run("no-bids-unsuccessful", func(t *testing.T) {
		t.Parallel()
		id, _ := create(t, false)
		waitStatus(t, public, id, "unsuccessful")
	})

	t.Run("cancelled-during-tendering-hides-bids", func(t *testing.T) {
		t.Parallel()
		buyer := client{t, base, "buyerkey"}
		id, token := create(t, false)
		waitStatus(t, public, id, "active.tendering")
		client{t, base, "bidkey1"}.must(201, "POST", "/tenders/"+id+"/bids", bid(100000, "ТОВ Таємний", "22222222"))
		if r := buyer.do("POST", "/tenders/"+id+"/cancellations", map[string]any{"data": map[string]any{"reason": "x", "reasonType": "noDemand", "status": "active"}}); r.Status != 403 {
			t.Errorf("cancellation without token: %d", r.Status)
		}
		buyer.must(201, "POST", "/tenders/"+id+"/cancellations?acc_token="+token, map[string]any{"data": map[string]any{
			"reason": "Потреба відпала", "reasonType": "noDemand", "status": "active"}})
		d := public.must(200, "GET", "/tenders/"+id, nil)
		if d["status"] != "cancelled" || d["bids"] != nil {
			t.Errorf("cancelled tender: status %v bids %v", d["status"], d["bids"])
		}
		if r := public.do("GET", "/tenders/"+id+"/bids", nil); r.Status != 200 || strings.Contains(string(r.Raw), "Таємний") {
			t.Errorf("bids after cancellation: %d %s", r.Status, r.Raw)
		}
	})

	// The feed lists every published tender once, newest change last.
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		seen := map[string]int{}
		offset := ""
		for i := 0; i < 100; i++ {
			r := public.do("GET", "/tenders?limit=2&opt_fields=status,tenderID&offset="+offset, nil)
			items := r.Body["data"].([]any)
			if len(items) == 0 {
				if len(seen) == 0 {
					t.Logf("empty feed: %s", r.Raw)
					dumpCounters(t)
				}
				break
			}
			for _, it := range items {
				seen[str(it.(map[string]any)["id"])]++
			}
			offset = str(r.Body["next_page"].(map[string]any)["offset"])
		}
		if len(seen) != 5 {
			t.Errorf("feed saw %d tenders, want 5: %v", len(seen), seen)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("feed repeated %s %d times", id, n)
			}
		}
	})
}
