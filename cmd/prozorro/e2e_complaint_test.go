package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// complaintAccelerator makes one day of the law 0.4 s: tendering (15 days)
// takes 6.4 s and an award's standstill (10 days) 4 s. ProZorro's own
// sandbox examples use accelerator=1440 (a day a minute), which would make
// this test run for more than half an hour.
const complaintAccelerator = 216000

func lawDuration(days int) time.Duration {
	return time.Duration(days) * 24 * time.Hour / complaintAccelerator
}

// complaintTender is an aboveThresholdUA tender in the sandbox's no-auction
// mode whose tender period is one law day longer than the minimum.
func complaintTender() map[string]any {
	return map[string]any{"data": map[string]any{
		"title": "Дизельне паливо", "procurementMethodType": "aboveThresholdUA",
		"procurementMethodDetails": fmt.Sprintf("quick, accelerator=%d", complaintAccelerator),
		"submissionMethodDetails":  "quick(mode:no-auction)",
		"mainProcurementCategory":  "goods", "procuringEntity": organization("Школа №1", "00037256"),
		"value": map[string]any{"amount": 150000, "currency": "UAH"}, "minimalStep": map[string]any{"amount": 1500, "currency": "UAH"},
		"items": []any{map[string]any{"description": "Дизельне паливо", "quantity": 1000, "unit": map[string]any{"code": "LTR", "name": "літр"},
			"classification": map[string]any{"scheme": "ДК021", "id": "09130000-9", "description": "Нафта і дистиляти"}}},
		"tenderPeriod": map[string]any{"endDate": time.Now().Add(lawDuration(16)).Format(time.RFC3339Nano)},
	}}
}

// sleepPast waits until the RFC 3339 instant at has passed on the server's clock.
func sleepPast(t *testing.T, at any) {
	t.Helper()
	end, err := time.Parse(time.RFC3339Nano, str(at))
	if err != nil {
		t.Fatalf("instant %v: %v", at, err)
	}
	time.Sleep(time.Until(end) + 100*time.Millisecond)
}

func pendingAwardOf(t *testing.T, c client, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, a := range c.must(200, "GET", "/tenders/"+id, nil)["awards"].([]any) {
			if a := a.(map[string]any); a["status"] == "pending" {
				return a
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("tender %s has no pending award", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestComplaintUpheldAgainstAward drives the real binary through an award
// complaint the review body upholds: the losing bidder complains, the
// payment robot submits the paid complaint, the review body accepts and
// satisfies it, the contract stays blocked past the standstill, the buyer
// cancels the award and reports what it did, decides again, and the other
// bidder's contract is signed after its own standstill.
func TestComplaintUpheldAgainstAward(t *testing.T) {
	base := startServer(t, "PROZORRO_MONGO_DATABASE="+mongotest.DatabaseName(),
		"PROZORRO_PLATFORMS=buyerplat:buyerkey:1234,bidplat1:bidkey1:24,bidplat2:bidkey2:24,amcu:amcukey::reviewers,payments:botkey::bots")
	public, buyer := client{t, base, ""}, client{t, base, "buyerkey"}
	bidder1, bidder2 := client{t, base, "bidkey1"}, client{t, base, "bidkey2"}
	amcu, bot := client{t, base, "amcukey"}, client{t, base, "botkey"}

	r := buyer.do("POST", "/tenders", complaintTender())
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id, token := str(r.Body["data"].(map[string]any)["id"]), str(r.Body["access"].(map[string]any)["token"])
	owner := func(path string) string { return path + "?acc_token=" + token }
	buyer.must(200, "PATCH", owner("/tenders/"+id), map[string]any{"data": map[string]any{"status": "active.tendering"}})
	bidder1.must(201, "POST", "/tenders/"+id+"/bids", bid(120000, "ТОВ Перший", "22222222"))
	rb := bidder2.do("POST", "/tenders/"+id+"/bids", bid(125000, "ТОВ Другий", "33333333"))
	if rb.Status != 201 {
		t.Fatalf("bid: %d %s", rb.Status, rb.Raw)
	}
	bid2, bid2Token := str(rb.Body["data"].(map[string]any)["id"]), str(rb.Body["access"].(map[string]any)["token"])

	waitStatus(t, public, id, "active.qualification")
	first := pendingAwardOf(t, public, id)
	if first["bid_id"] == bid2 {
		t.Fatalf("the lower bid should be awarded first: %v", first)
	}
	awardPath := "/tenders/" + id + "/awards/" + str(first["id"])
	first = buyer.must(200, "PATCH", owner(awardPath), map[string]any{"data": map[string]any{"status": "active", "qualified": true, "eligible": true}})

	// The losing bidder complains with its bid's token and gets the complaint's own.
	rc := bidder2.do("POST", awardPath+"/complaints?acc_token="+bid2Token, map[string]any{"data": map[string]any{
		"type": "complaint", "title": "Переможець не відповідає кваліфікаційним вимогам",
		"description": "Відсутній досвід виконання аналогічного договору", "author": organization("ТОВ Другий", "33333333")}})
	if rc.Status != 201 {
		t.Fatalf("complaint: %d %s", rc.Status, rc.Raw)
	}
	complaint := rc.Body["data"].(map[string]any)
	if complaint["status"] != "draft" || str(complaint["value"].(map[string]any)["amount"]) != "3000" || rc.Body["access"] == nil {
		t.Fatalf("complaint %v, access %v", complaint, rc.Body["access"])
	}
	complaintPath := awardPath + "/complaints/" + str(complaint["id"])
	authorToken := str(rc.Body["access"].(map[string]any)["token"])
	bidder2.must(201, "POST", complaintPath+"/documents?acc_token="+authorToken, map[string]any{"data": map[string]any{
		"title": "complaint.pdf", "url": "https://ds.example.com/complaint.pdf", "hash": "md5:00000000000000000000000000000000", "format": "application/pdf"}})

	// Paid, accepted, upheld.
	bot.must(200, "PATCH", complaintPath, map[string]any{"data": map[string]any{"status": "pending"}})
	amcu.must(200, "PATCH", complaintPath, map[string]any{"data": map[string]any{"status": "accepted",
		"reviewDate": time.Now().Add(time.Hour).Format(time.RFC3339), "reviewPlace": "АМКУ, Київ"}})
	amcu.must(201, "POST", complaintPath+"/documents", map[string]any{"data": map[string]any{
		"title": "decision.pdf", "url": "https://ds.example.com/decision.pdf", "hash": "md5:00000000000000000000000000000000", "format": "application/pdf"}})
	amcu.must(200, "PATCH", complaintPath, map[string]any{"data": map[string]any{"status": "satisfied", "decision": "Зобов'язати замовника скасувати рішення"}})

	// The upheld complaint holds the contract past the standstill.
	sleepPast(t, first["complaintPeriod"].(map[string]any)["endDate"])
	d := public.must(200, "GET", "/tenders/"+id, nil)
	contract := d["contracts"].([]any)[0].(map[string]any)
	if r := buyer.do("PATCH", owner("/tenders/"+id+"/contracts/"+str(contract["id"])), map[string]any{"data": map[string]any{"status": "active"}}); r.Status != 403 {
		t.Fatalf("contract signed despite the upheld complaint: %d %s", r.Status, r.Raw)
	}
	resolve := map[string]any{"data": map[string]any{"status": "resolved", "tendererAction": "Рішення про визначення переможця скасовано"}}
	if r := buyer.do("PATCH", owner(complaintPath), resolve); r.Status != 403 {
		t.Fatalf("complaint resolved before the award was cancelled: %d %s", r.Status, r.Raw)
	}
	if d := public.must(200, "GET", "/tenders/"+id, nil); d["status"] != "active.awarded" {
		t.Fatalf("status %v, want active.awarded while the complaint holds it", d["status"])
	}

	// The buyer cancels the award, reports, and decides again.
	buyer.must(200, "PATCH", owner(awardPath), map[string]any{"data": map[string]any{"status": "cancelled"}})
	if c := buyer.must(200, "PATCH", owner(complaintPath), resolve); c["status"] != "resolved" || c["owner"] != nil {
		t.Fatalf("resolved complaint %v", c)
	}
	again := pendingAwardOf(t, public, id)
	if again["bid_id"] != first["bid_id"] {
		t.Fatalf("the cancelled award's bid should be decided again: %v", again)
	}
	buyer.must(200, "PATCH", owner("/tenders/"+id+"/awards/"+str(again["id"])), map[string]any{"data": map[string]any{"status": "unsuccessful", "qualified": false}})
	second := pendingAwardOf(t, public, id)
	if second["bid_id"] != bid2 {
		t.Fatalf("the complainant's bid should be next: %v", second)
	}
	second = buyer.must(200, "PATCH", owner("/tenders/"+id+"/awards/"+str(second["id"])), map[string]any{"data": map[string]any{"status": "active", "qualified": true, "eligible": true}})

	// Signed after the new award's standstill: complete.
	sleepPast(t, second["complaintPeriod"].(map[string]any)["endDate"])
	for _, c := range public.must(200, "GET", "/tenders/"+id, nil)["contracts"].([]any) {
		if c := c.(map[string]any); c["status"] == "pending" && c["awardID"] == second["id"] {
			buyer.must(200, "PATCH", owner("/tenders/"+id+"/contracts/"+str(c["id"])), map[string]any{"data": map[string]any{"status": "active"}})
		}
	}
	d = waitStatus(t, public, id, "complete")
	if cs := d["awards"].([]any)[0].(map[string]any)["complaints"].([]any); len(cs) != 1 || cs[0].(map[string]any)["status"] != "resolved" {
		t.Errorf("award complaints %v", cs)
	}
	got := public.must(200, "GET", complaintPath, nil)
	if got["status"] != "resolved" || got["owner"] != nil || got["access"] != nil || len(got["documents"].([]any)) != 2 {
		t.Errorf("public complaint %v", got)
	}
}
