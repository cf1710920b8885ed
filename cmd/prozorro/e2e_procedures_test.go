package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// TestProcedures drives a tender of every procedure to a final status over
// the HTTP API of the real binary in sandbox mode: accelerated periods, the
// chronograph loop of `serve`, auction results from the no-auction mode or
// the auction role. Every refusal on the way is checked for ProZorro's error
// shape and for leaving the tender untouched. The scenarios share one server
// (with its own database, so TestEndToEnd's feed stays its own) and wait on
// the server's own deadlines, never on fixed sleeps.
func TestProcedures(t *testing.T) {
	base := startServer(t, "PROZORRO_MONGO_DATABASE="+mongotest.DatabaseName())
	scenarios := []struct {
		name string
		run  func(t *testing.T, a actors)
	}{
		{"aboveThreshold", openTenderToComplete},
		{"aboveThresholdUA/one-bid-unsuccessful", uaOneBidUnsuccessful},
		{"aboveThresholdUA/two-bids-complete", uaTwoBidsComplete},
		{"aboveThresholdEU/prequalification-complete", euPrequalificationComplete},
		{"aboveThresholdEU/rejected-unsuccessful", euRejectedUnsuccessful},
		{"reporting", reportingToComplete},
		{"negotiation", func(t *testing.T, a actors) { negotiationToComplete(t, a, tender.ProcNegotiation) }},
		{"negotiation.quick", func(t *testing.T, a actors) { negotiationToComplete(t, a, tender.ProcNegotiationQuick) }},
		{"lots/aboveThreshold-complete-unsuccessful-cancelled", lotsToComplete},
		{"lots/belowThreshold-every-lot-fails", lotsAllFail},
		{"features/weighted-award", featuresWeightedAward},
	}
	// The scenarios spend their time waiting for the server's clock, so all
	// run at once: t.Parallel would cap them at -parallel (GOMAXPROCS), which
	// serializes them on a small machine.
	var wg sync.WaitGroup
	for _, sc := range scenarios {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(sc.name, func(t *testing.T) { sc.run(t, newActors(t, base)) })
		}()
	}
	wg.Wait()
}

// uaOneBidUnsuccessful: aboveThresholdUA needs two bids; one is not enough.
func uaOneBidUnsuccessful(t *testing.T, a actors) {
	const pmt, acc = tender.ProcAboveThresholdUA, 216000
	id, token := a.create(t, procTender(pmt, acc, true))
	a.publish(t, id, token, pmt, acc)
	a.addBid(t, a.bidder1, id, bid(100000, "ТОВ Єдиний", "22222222"))
	d := awaitStatus(t, a.public, id, "unsuccessful")
	if len(list(d["awards"])) != 0 || d["auctionPeriod"] != nil {
		t.Errorf("one bid of minBidsNumber 2: awards %v, auctionPeriod %v", d["awards"], d["auctionPeriod"])
	}
	if b := list(d["bids"]); len(b) != 1 || m(b[0])["status"] != "unsuccessful" {
		t.Errorf("the lone bid should be unsuccessful: %s", js(d["bids"]))
	}
}

// uaTwoBidsComplete runs aboveThresholdUA through its auction, an award that
// needs eligibility, and the 10-day stand-still.
func uaTwoBidsComplete(t *testing.T, a actors) {
	const pmt, acc = tender.ProcAboveThresholdUA, 216000
	id, token := a.create(t, procTender(pmt, acc, true))
	a.publish(t, id, token, pmt, acc)
	a.addBid(t, a.bidder1, id, bid(110000, "ТОВ Перший", "22222222"))
	b2, _ := a.addBid(t, a.bidder2, id, bid(100000, "ТОВ Другий", "33333333"))
	award := firstPendingAward(t, a, id, b2)
	awardPath := withToken("/tenders/"+id+"/awards/"+str(award["id"]), token)
	refused(t, a.buyer, id, 422, "eligible", "PATCH", awardPath, data{"status": "active", "qualified": true})
	a.buyer.must(200, "PATCH", awardPath, env(data{"status": "active", "qualified": true, "eligible": true}))
	signContract(t, a, id, token, str(award["id"]))
	awaitStatus(t, a.public, id, "complete")
}

// euPrequalificationComplete runs aboveThresholdEU: both bids admitted,
// stand-still, auction, award, contract.
func euPrequalificationComplete(t *testing.T, a actors) {
	id, token, bids := prequalification(t, a)
	qs := getList(t, a.public, "/tenders/"+id+"/qualifications")
	if len(qs) != 2 {
		t.Fatalf("GET qualifications: %s", js(qs))
	}
	for i, q := range qs {
		path := withToken("/tenders/"+id+"/qualifications/"+str(m(q)["id"]), token)
		if i == 0 {
			refused(t, a.buyer, id, 422, "eligible", "PATCH", path, data{"status": "active", "qualified": true})
		}
		if d := a.buyer.must(200, "PATCH", path, env(data{"status": "active", "qualified": true, "eligible": true})); d["status"] != "active" {
			t.Errorf("qualification after approval: %s", js(d))
		}
	}
	standstill(t, a, id, token)
	award := firstPendingAward(t, a, id, bids[0])
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token),
		env(data{"status": "active", "qualified": true, "eligible": true}))
	signContract(t, a, id, token, str(award["id"]))
	d := awaitStatus(t, a.public, id, "complete")
	for _, b := range list(d["bids"]) {
		if m(b)["value"] == nil {
			t.Errorf("prices should be public once the tender is complete: %s", js(b))
		}
	}
}

// euRejectedUnsuccessful: the owner turns one of two bids down, which
// leaves fewer than minBidsNumber after the stand-still.
func euRejectedUnsuccessful(t *testing.T, a actors) {
	id, token, bids := prequalification(t, a)
	for _, q := range getList(t, a.public, "/tenders/"+id+"/qualifications") {
		decision := data{"status": "active", "qualified": true, "eligible": true}
		if m(q)["bidID"] == bids[1] {
			decision = data{"status": "unsuccessful", "qualified": false}
		}
		a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/qualifications/"+str(m(q)["id"]), token), env(decision))
	}
	standstill(t, a, id, token)
	d := awaitStatus(t, a.public, id, "unsuccessful")
	if len(list(d["awards"])) != 0 {
		t.Errorf("no awards expected with one admitted bid: %s", js(d["awards"]))
	}
	for _, b := range list(d["bids"]) {
		if m(b)["status"] != "unsuccessful" {
			t.Errorf("bid %v: status %v, want unsuccessful", m(b)["id"], m(b)["status"])
		}
	}
}

// reportingToComplete: the owner reports a direct award; no stand-still.
func reportingToComplete(t *testing.T, a actors) {
	const pmt, acc = tender.ProcReporting, 172800
	id, token := a.create(t, procTender(pmt, acc, false))
	if d := a.publish(t, id, token, pmt, acc); d["status"] != "active" {
		t.Fatalf("reporting after publication: %v", d["status"])
	}
	awards := withToken("/tenders/"+id+"/awards", token)
	supplier := []any{organization("ТОВ Постачальник", "44444444")}
	refused(t, a.buyer, id, 422, "value.amount", "POST", awards, data{"suppliers": supplier, "value": money(150000.01)})
	award := a.buyer.must(201, "POST", awards, env(data{"suppliers": supplier, "value": money(120000), "qualified": true}))
	if award["status"] != "pending" {
		t.Errorf("new award: %s", js(award))
	}
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token), env(data{"status": "active"}))
	if c := signContract(t, a, id, token, str(award["id"])); c["status"] != "active" {
		t.Errorf("contract: %s", js(c))
	}
	awaitStatus(t, a.public, id, "complete")
}

// openTenderToComplete is the open tender (aboveThreshold) with everything
// on the way: no enquiries status, a question answered during tendering,
// an owner edit that invalidates a submitted bid, re-confirmation, an
// abnormally low price and the award stand-still.
func openTenderToComplete(t *testing.T, a actors) {
	const pmt, acc = tender.ProcAboveThreshold, 86400
	bad := procTender(pmt, acc, true)
	bad["data"].(data)["minimalStep"] = money(4500.01) // 3 % is 4500
	checkRefusal(t, a.buyer.do("POST", "/tenders", bad), 422, "minimalStep.amount", "minimal step above 3 %")

	id, token := a.create(t, procTender(pmt, acc, true))
	self := withToken("/tenders/"+id, token)
	refused(t, a.buyer, id, 422, "minimalStep.amount", "PATCH", self, data{"minimalStep": money(749.99)}) // 0.5 % is 750
	refused(t, a.buyer, id, 422, "status", "PATCH", self, data{"status": "active.enquiries"})
	d := a.publish(t, id, token, pmt, acc)
	ep, tp := m(d["enquiryPeriod"]), m(d["tenderPeriod"])
	if !parseTime(t, ep["endDate"]).Before(parseTime(t, tp["endDate"])) || ep["invalidationDate"] != nil {
		t.Errorf("enquiryPeriod %v should end before tenderPeriod %v", ep, tp)
	}

	q := a.bidder1.must(201, "POST", "/tenders/"+id+"/questions", env(data{
		"author": organization("ТОВ Питання", "11111111"), "title": "Сертифікати?", "description": "Потрібен сертифікат CE?"}))
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/questions/"+str(q["id"]), token), env(data{"answer": "Так"}))

	bids := "/tenders/" + id + "/bids"
	refused(t, a.bidder1, id, 422, "value", "POST", bids, bid(150000.01, "ТОВ Дорого", "22222222"))
	foreign := bid(100000, "ТОВ Валюта", "22222222")
	foreign["data"].(map[string]any)["value"].(map[string]any)["currency"] = "USD"
	refused(t, a.bidder1, id, 422, "value", "POST", bids, foreign)
	b1, tok1 := a.addBid(t, a.bidder1, id, bid(55000, "ТОВ Дешево", "22222222"))

	// The owner edits the conditions: the submitted bid must be confirmed again.
	d = a.buyer.must(200, "PATCH", self, env(data{"description": "Уточнено вимоги до моніторів"}))
	if m(d["enquiryPeriod"])["invalidationDate"] == nil {
		t.Errorf("owner edit during tendering: no enquiryPeriod.invalidationDate: %s", js(d["enquiryPeriod"]))
	}
	own := withToken(bids+"/"+b1, tok1)
	if b := a.bidder1.must(200, "GET", own, nil); b["status"] != "invalid" {
		t.Errorf("bid after the owner's edit: status %v, want invalid", b["status"])
	}
	if b := a.bidder1.must(200, "PATCH", own, env(data{"status": "pending"})); b["status"] != "pending" {
		t.Errorf("re-confirmed bid: status %v, want pending", b["status"])
	}
	a.addBid(t, a.bidder2, id, bid(100000, "ТОВ Дорожче", "33333333"))

	award := firstPendingAward(t, a, id, b1)
	awardPath := withToken("/tenders/"+id+"/awards/"+str(award["id"]), token)
	ms := list(award["milestones"])
	if len(ms) != 1 || m(ms[0])["code"] != "alp" {
		t.Fatalf("55000 against 100000 is abnormally low: milestones %s", js(award["milestones"]))
	}
	accept := data{"status": "active", "qualified": true, "eligible": true}
	due := parseTime(t, m(ms[0])["dueDate"])
	if time.Until(due) > 150*time.Millisecond {
		refused(t, a.buyer, id, 403, "data", "PATCH", awardPath, accept)
	} else {
		t.Logf("the alp milestone was due before the early decision could be tried")
	}
	time.Sleep(time.Until(due))
	refused(t, a.buyer, id, 422, "eligible", "PATCH", awardPath, data{"status": "active", "qualified": true})
	if aw := a.buyer.must(200, "PATCH", awardPath, env(accept)); m(list(aw["milestones"])[0])["status"] != "met" || aw["complaintPeriod"] == nil {
		t.Errorf("active award: %s", js(aw))
	}
	signContract(t, a, id, token, str(award["id"]))
	d = awaitStatus(t, a.public, id, "complete")
	if len(list(d["questions"])) != 1 || m(list(d["questions"])[0])["answer"] != "Так" {
		t.Errorf("questions: %s", js(d["questions"]))
	}
}

// euAccelerator makes the 30-day tendering of aboveThresholdEU take 6 s.
const euAccelerator = 432000

// prequalification runs an aboveThresholdEU tender with two bids into
// active.pre-qualification and checks what is public there. It returns the
// tender, its token and the bid ids, cheaper first.
func prequalification(t *testing.T, a actors) (string, string, []string) {
	const pmt = tender.ProcAboveThresholdEU
	id, token := a.create(t, procTender(pmt, euAccelerator, true))
	a.publish(t, id, token, pmt, euAccelerator)
	b1, _ := a.addBid(t, a.bidder1, id, bid(90000, "ТОВ Перший", "22222222"))
	b2, _ := a.addBid(t, a.bidder2, id, bid(95000, "ТОВ Другий", "33333333"))
	d := awaitStatus(t, a.public, id, "active.pre-qualification")
	qs := list(d["qualifications"])
	if len(qs) != 2 {
		t.Fatalf("one qualification per bid expected: %s", js(qs))
	}
	for _, q := range qs {
		if q := m(q); q["status"] != "pending" || (q["bidID"] != b1 && q["bidID"] != b2) {
			t.Errorf("qualification %s", js(q))
		}
	}
	checkBidsWithoutPrices(t, a, id, d)
	refused(t, a.buyer, id, 403, "data", "PATCH", withToken("/tenders/"+id, token), data{"status": "active.pre-qualification.stand-still"})
	return id, token, []string{b1, b2}
}

// checkBidsWithoutPrices checks that the tender d shows who bid but not at
// what price, in the tender and in the bids list.
func checkBidsWithoutPrices(t *testing.T, a actors, id string, d map[string]any) {
	t.Helper()
	bids := list(d["bids"])
	if len(bids) != 2 {
		t.Fatalf("bids should be listed in %v: %s", d["status"], js(bids))
	}
	for _, b := range bids {
		if b := m(b); len(list(b["tenderers"])) == 0 || b["value"] != nil {
			t.Errorf("bid in %v: want tenderers without a value: %s", d["status"], js(b))
		}
	}
	r := a.public.do("GET", "/tenders/"+id+"/bids", nil)
	if r.Status != 200 || bytes.Contains(r.Raw, []byte(`"amount"`)) || !bytes.Contains(r.Raw, []byte(`"tenderers"`)) {
		t.Errorf("GET bids in %v: %d %s", d["status"], r.Status, r.Raw)
	}
}

// standstill switches a pre-qualified tender to its stand-still: refused
// with anything but the status in the body, accepted with only it.
func standstill(t *testing.T, a actors, id, token string) {
	t.Helper()
	self := withToken("/tenders/"+id, token)
	refused(t, a.buyer, id, 422, "data", "PATCH", self, data{"status": "active.pre-qualification.stand-still", "title": "Інша назва"})
	d := a.buyer.must(200, "PATCH", self, env(data{"status": "active.pre-qualification.stand-still"}))
	if d["status"] != "active.pre-qualification.stand-still" || m(d["qualificationPeriod"])["endDate"] == nil {
		t.Fatalf("stand-still: status %v, qualificationPeriod %v", d["status"], d["qualificationPeriod"])
	}
	cfg, _ := tender.ConfigFor(tender.ProcAboveThresholdEU)
	got := parseTime(t, m(d["qualificationPeriod"])["endDate"]).Sub(parseTime(t, d["dateModified"]))
	if want := lawDays(euAccelerator, cfg.QualificationComplainDur); got != want {
		t.Errorf("qualification stand-still lasts %v, want %v", got, want)
	}
	checkBidsWithoutPrices(t, a, id, d)
}

// negotiationToComplete runs negotiation or negotiation.quick: a cause is
// required, the owner awards directly and signs after the stand-still.
func negotiationToComplete(t *testing.T, a actors, pmt string) {
	const acc = 172800
	r := a.buyer.do("POST", "/tenders", procTender(pmt, acc, false))
	checkRefusal(t, r, 422, "cause", "negotiation without a cause")
	checkRefusal(t, r, 422, "causeDescription", "negotiation without a cause")
	body := procTender(pmt, acc, false)
	body["data"].(data)["cause"] = "noCompetition"
	body["data"].(data)["causeDescription"] = "Єдиний виробник обладнання"
	id, token := a.create(t, body)
	if d := a.publish(t, id, token, pmt, acc); d["status"] != "active" {
		t.Fatalf("%s after publication: %v", pmt, d["status"])
	}
	award := a.buyer.must(201, "POST", withToken("/tenders/"+id+"/awards", token), env(data{
		"suppliers": []any{organization("ТОВ Виробник", "55555555")}, "value": money(140000)}))
	awardPath := withToken("/tenders/"+id+"/awards/"+str(award["id"]), token)
	refused(t, a.buyer, id, 422, "qualified", "PATCH", awardPath, data{"status": "active"})
	a.buyer.must(200, "PATCH", awardPath, env(data{"status": "active", "qualified": true}))
	signContract(t, a, id, token, str(award["id"]))
	awaitStatus(t, a.public, id, "complete")
}

// lotsToComplete runs an aboveThreshold tender with three lots: one
// completes through an auction the auction role reports, one gets no bids,
// one is cancelled through the cancellation complaint period.
func lotsToComplete(t *testing.T, a actors) {
	const pmt, acc = tender.ProcAboveThreshold, 86400
	l1, l2, l3 := tender.NewID(), tender.NewID(), tender.NewID()
	body := procTender(pmt, acc, false)
	d := body["data"].(data)
	delete(d, "minimalStep")
	d["value"] = money(100000)
	d["lots"] = []any{lot(l1, "Монітори", 50000), lot(l2, "Дефібрилятори", 30000), lot(l3, "Кардіографи", 20000)}
	d["items"] = []any{procItem("Монітор", l1), procItem("Дефібрилятор", l2), procItem("Кардіограф", l3)}
	id, token := a.create(t, body)
	if v := a.public.must(200, "GET", "/tenders/"+id, nil)["value"]; str(m(v)["amount"]) != "100000" {
		t.Errorf("tender value should be the sum of the lots: %v", v)
	}
	bad := []any{lot(l1, "Монітори", 50000), lot(l2, "Дефібрилятори", 30000), lot(l3, "Кардіографи", 20000)}
	m(bad[0])["minimalStep"] = money(100) // 0.5 % of 50000 is 250
	refused(t, a.buyer, id, 422, "lots[0].minimalStep.amount", "PATCH", withToken("/tenders/"+id, token), data{"lots": bad})
	a.publish(t, id, token, pmt, acc)

	bids := "/tenders/" + id + "/bids"
	refused(t, a.bidder2, id, 422, "lotValues[0].value", "POST", bids, lotBid("ТОВ Дорого", "33333333", l1, 50000.01))
	b1, tok1 := a.addBid(t, a.bidder1, id, lotBid("ТОВ Перший", "22222222", l1, 40000, l3, 15000))
	a.addBid(t, a.bidder2, id, lotBid("ТОВ Другий", "33333333", l1, 45000))

	// Lot 3 is cancelled: not at once in an open tender, but after the
	// complaint period that starts once the report is attached.
	cancellations := withToken("/tenders/"+id+"/cancellations", token)
	cancel := data{"cancellationOf": "lot", "relatedLot": l3, "reason": "Кардіографи вже закуплено", "reasonType": "noDemand"}
	withStatus := data{"status": "active"}
	for k, v := range cancel {
		withStatus[k] = v
	}
	refused(t, a.buyer, id, 422, "status", "POST", cancellations, withStatus)
	c := a.buyer.must(201, "POST", cancellations, env(cancel))
	cpath := withToken("/tenders/"+id+"/cancellations/"+str(c["id"]), token)
	refused(t, a.buyer, id, 403, "data", "PATCH", cpath, data{"status": "pending"})
	a.buyer.must(201, "POST", withToken("/tenders/"+id+"/cancellations/"+str(c["id"])+"/documents", token), env(document("cancellationReport")))
	c = a.buyer.must(200, "PATCH", cpath, env(data{"status": "pending"}))
	if c["status"] != "pending" || m(c["complaintPeriod"])["endDate"] == nil {
		t.Fatalf("pending cancellation: %s", js(c))
	}
	await(t, a.public, id, "lot 3 cancelled", func(d map[string]any) bool { return lotStatus(d, l3) == "cancelled" })
	if own := a.bidder1.must(200, "GET", withToken(bids+"/"+b1, tok1), nil); len(list(own["lotValues"])) != 1 {
		t.Errorf("the offer for the cancelled lot should be gone: %s", js(own["lotValues"]))
	}

	d = awaitStatus(t, a.public, id, "active.auction")
	if lotStatus(d, l2) != "unsuccessful" || lotStatus(d, l1) != "active" {
		t.Errorf("lots at the auction: %s", js(d["lots"]))
	}
	view := list(a.auction.must(200, "GET", "/tenders/"+id+"/auction", nil)["bids"])
	if len(view) != 2 {
		t.Fatalf("auction view bids: %s", js(view))
	}
	first := -1
	for i, b := range view {
		if m(b)["tenderers"] != nil {
			t.Errorf("the auction sees bidder names: %s", js(b))
		}
		if m(b)["id"] == b1 {
			first = i
		}
	}
	lotAuction := "/tenders/" + id + "/auction/" + l1
	refused(t, a.auction, id, 422, fmt.Sprintf("bids[%d].lotValues(%s).value.amount", first, l1), "POST", lotAuction,
		data{"bids": auctionResults(view, l1, b1, 40000.01, 44000)}) // above the sealed 40000
	refused(t, a.auction, id, 403, "data", "POST", "/tenders/"+id+"/auction", data{"bids": auctionResults(view, l1, b1, 39000, 44000)})
	a.auction.must(200, "POST", lotAuction, env(data{"bids": auctionResults(view, l1, b1, 39000, 44000)}))

	award := firstPendingAward(t, a, id, b1)
	if award["lotID"] != l1 || str(m(award["value"])["amount"]) != "39000" {
		t.Fatalf("award on lot 1 should be the auction's best price: %s", js(award))
	}
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token),
		env(data{"status": "active", "qualified": true, "eligible": true}))
	signContract(t, a, id, token, str(award["id"]))
	d = awaitStatus(t, a.public, id, "complete")
	if cs := list(d["contracts"]); len(cs) != 1 || len(list(m(cs[0])["items"])) != 1 || m(list(m(cs[0])["items"])[0])["relatedLot"] != l1 {
		t.Errorf("the contract should carry lot 1's items only: %s", js(d["contracts"]))
	}
	for l, want := range map[string]string{l1: "complete", l2: "unsuccessful", l3: "cancelled"} {
		if got := lotStatus(d, l); got != want {
			t.Errorf("lot %s: status %s, want %s", l, got, want)
		}
	}
}

// auctionResults are the auction's prices aligned with the tender's bids:
// winner gets first, everyone else other.
func auctionResults(bids []any, lotID, winner string, first, other float64) []any {
	out := []any{}
	for _, b := range bids {
		amount := other
		if m(b)["id"] == winner {
			amount = first
		}
		out = append(out, map[string]any{"id": m(b)["id"], "lotValues": []any{
			map[string]any{"relatedLot": lotID, "value": map[string]any{"amount": amount}}}})
	}
	return out
}

// lotsAllFail runs a belowThreshold tender with three lots that all fail:
// one cancelled at once, one without bids, one whose only bidder the owner
// turns down.
func lotsAllFail(t *testing.T, a actors) {
	const pmt, acc = tender.ProcBelowThreshold, 86400
	l1, l2, l3 := tender.NewID(), tender.NewID(), tender.NewID()
	body := procTender(pmt, acc, false)
	d := body["data"].(data)
	delete(d, "minimalStep")
	d["lots"] = []any{lot(l1, "Бинти", 10000), lot(l2, "Шприци", 10000), lot(l3, "Рукавички", 10000)}
	d["items"] = []any{procItem("Бинт", l1), procItem("Шприц", l2), procItem("Рукавички", l3)}
	id, token := a.create(t, body)
	a.publish(t, id, token, pmt, acc)

	c := a.buyer.must(201, "POST", withToken("/tenders/"+id+"/cancellations", token), env(data{
		"cancellationOf": "lot", "relatedLot": l1, "reason": "Бинти не потрібні", "reasonType": "noDemand", "status": "active"}))
	if c["status"] != "active" || lotStatus(a.public.must(200, "GET", "/tenders/"+id, nil), l1) != "cancelled" {
		t.Fatalf("belowThreshold lot cancellation should act at once: %s", js(c))
	}
	awaitStatus(t, a.public, id, "active.tendering")
	b, _ := a.addBid(t, a.bidder1, id, lotBid("ТОВ Рукавички", "22222222", l3, 9000))
	award := firstPendingAward(t, a, id, b)
	refused(t, a.buyer, id, 422, "eligible", "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token),
		data{"status": "unsuccessful", "qualified": false, "eligible": false}) // belowThreshold has no eligibility
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token), env(data{"status": "unsuccessful", "qualified": false}))
	d = awaitStatus(t, a.public, id, "unsuccessful")
	for l, want := range map[string]string{l1: "cancelled", l2: "unsuccessful", l3: "unsuccessful"} {
		if got := lotStatus(d, l); got != want {
			t.Errorf("lot %s: status %s, want %s", l, got, want)
		}
	}
}

// featuresWeightedAward checks MEAT: the dearer bid with the better answer
// wins on weightedValue = amount / (1 + p / (1 − Σ max)).
func featuresWeightedAward(t *testing.T, a actors) {
	const pmt, acc = tender.ProcBelowThreshold, 86400
	feature := func(code string, values ...float64) map[string]any {
		enum := []any{}
		for _, v := range values {
			enum = append(enum, map[string]any{"value": v, "title": fmt.Sprintf("Варіант %v", v)})
		}
		return map[string]any{"code": code, "featureOf": "tenderer", "title": "Критерій " + code, "enum": enum}
	}
	body := procTender(pmt, acc, true)
	body["data"].(data)["features"] = []any{feature("delivery", 0, 0.1, 0.2)}
	id, token := a.create(t, body)
	self := withToken("/tenders/"+id, token)
	refused(t, a.buyer, id, 422, "features", "PATCH", self, data{"features": []any{feature("delivery", 0, 0.1, 0.2), feature("warranty", 0, 0.2)}})
	refused(t, a.buyer, id, 422, "features[0].enum[1].value", "PATCH", self, data{"features": []any{feature("delivery", 0, 0.35)}})
	a.publish(t, id, token, pmt, acc)
	awaitStatus(t, a.public, id, "active.tendering")

	withParam := func(amount float64, name, edr string, p float64) map[string]any {
		b := bid(amount, name, edr)
		b["data"].(map[string]any)["parameters"] = []any{map[string]any{"code": "delivery", "value": p}}
		return b
	}
	bids := "/tenders/" + id + "/bids"
	refused(t, a.bidder1, id, 422, "parameters", "POST", bids, bid(100000, "ТОВ Без відповіді", "22222222"))
	refused(t, a.bidder1, id, 422, "parameters[0].value", "POST", bids, withParam(100000, "ТОВ Не те", "22222222", 0.15))
	cheap, _ := a.addBid(t, a.bidder1, id, withParam(100000, "ТОВ Дешево", "22222222", 0))
	dear, _ := a.addBid(t, a.bidder2, id, withParam(110000, "ТОВ Швидко", "33333333", 0.2))

	// 110000 / (1 + 0.2/0.8) = 88000 < 100000 / 1.
	award := firstPendingAward(t, a, id, dear)
	if str(m(award["value"])["amount"]) != "110000" || str(m(award["weightedValue"])["amount"]) != "88000" {
		t.Errorf("award: value %v weightedValue %v", award["value"], award["weightedValue"])
	}
	want := map[string][2]string{cheap: {"100000", "1"}, dear: {"88000", "1.25"}}
	for _, b := range list(a.public.must(200, "GET", "/tenders/"+id, nil)["bids"]) {
		w := m(m(b)["weightedValue"])
		if exp := want[str(m(b)["id"])]; str(w["amount"]) != exp[0] || str(w["denominator"]) != exp[1] {
			t.Errorf("bid %v weightedValue %v, want amount %s denominator %s", m(b)["id"], w, exp[0], exp[1])
		}
	}
	a.buyer.must(200, "PATCH", withToken("/tenders/"+id+"/awards/"+str(award["id"]), token), env(data{"status": "active", "qualified": true}))
	signContract(t, a, id, token, str(award["id"]))
	awaitStatus(t, a.public, id, "complete")
}

// data is a JSON object; env wraps it in the request envelope.
type data map[string]any

func env(d data) map[string]any { return map[string]any{"data": map[string]any(d)} }

// actors are the callers of one scenario.
type actors struct {
	public, buyer, bidder1, bidder2, auction client
}

func newActors(t *testing.T, base string) actors {
	return actors{client{t, base, ""}, client{t, base, "buyerkey"}, client{t, base, "bidkey1"}, client{t, base, "bidkey2"}, client{t, base, "auctionkey"}}
}

func (a actors) create(t *testing.T, body map[string]any) (id, token string) {
	t.Helper()
	r := a.buyer.do("POST", "/tenders", body)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	return str(m(r.Body["data"])["id"]), str(m(r.Body["access"])["token"])
}

// publish publishes a draft with its periods counted from now, so the time
// spent in draft does not eat into them, and checks the status it enters.
func (a actors) publish(t *testing.T, id, token, pmt string, acc int) map[string]any {
	t.Helper()
	want := map[string]string{tender.ProcBelowThreshold: "active.enquiries", tender.ProcReporting: "active",
		tender.ProcNegotiation: "active", tender.ProcNegotiationQuick: "active"}[pmt]
	if want == "" {
		want = "active.tendering"
	}
	in := data{"status": want}
	for k, v := range periods(pmt, acc) {
		in[k] = v
	}
	d := a.buyer.must(200, "PATCH", withToken("/tenders/"+id, token), env(in))
	if d["status"] != want {
		t.Fatalf("published %s: status %v, want %s", pmt, d["status"], want)
	}
	return d
}

func (a actors) addBid(t *testing.T, c client, id string, body map[string]any) (bidID, token string) {
	t.Helper()
	r := c.do("POST", "/tenders/"+id+"/bids", body)
	if r.Status != 201 {
		t.Fatalf("bid: %d %s", r.Status, r.Raw)
	}
	return str(m(r.Body["data"])["id"]), str(m(r.Body["access"])["token"])
}

// lawDays is n days of the law at accelerator acc.
func lawDays(acc, n int) time.Duration { return time.Duration(n) * 24 * time.Hour / time.Duration(acc) }

// periods are the shortest periods procedure pmt allows from now, plus a
// margin for the requests made before the deadline.
func periods(pmt string, acc int) data {
	cfg, _ := tender.ConfigFor(pmt)
	now := time.Now()
	switch pmt {
	case tender.ProcReporting, tender.ProcNegotiation, tender.ProcNegotiationQuick:
		return nil
	case tender.ProcBelowThreshold:
		enq := now.Add(lawDays(acc, cfg.MinEnquiriesDuration) + time.Second)
		return data{"enquiryPeriod": data{"endDate": enq.Format(time.RFC3339Nano)},
			"tenderPeriod": data{"endDate": enq.Add(lawDays(acc, cfg.MinTenderingDuration) + 1500*time.Millisecond).Format(time.RFC3339Nano)}}
	}
	return data{"tenderPeriod": data{"endDate": now.Add(lawDays(acc, cfg.MinTenderingDuration) + 1500*time.Millisecond).Format(time.RFC3339Nano)}}
}

// procTender is a draft of procedure pmt where one day of the law takes
// 86400/acc seconds; noAuction makes the chronograph close auctions with
// the sealed prices.
func procTender(pmt string, acc int, noAuction bool) map[string]any {
	d := data{
		"title": "Медичне обладнання", "procurementMethodType": pmt,
		"procurementMethodDetails": fmt.Sprintf("quick, accelerator=%d", acc),
		"mainProcurementCategory":  "goods", "procuringEntity": organization("Лікарня №3", "01993671"),
		"value": money(150000), "items": []any{procItem("Монітор пацієнта", "")},
	}
	for k, v := range periods(pmt, acc) {
		d[k] = v
	}
	switch pmt {
	case tender.ProcReporting, tender.ProcNegotiation, tender.ProcNegotiationQuick:
		return map[string]any{"data": d}
	}
	d["minimalStep"] = money(1500)
	d["submissionMethodDetails"] = "quick"
	if noAuction {
		d["submissionMethodDetails"] = "quick(mode:no-auction)"
	}
	return map[string]any{"data": d}
}

func money(amount float64) map[string]any { return map[string]any{"amount": amount, "currency": "UAH"} }

func procItem(description, lotID string) map[string]any {
	it := map[string]any{"description": description, "quantity": 2, "unit": map[string]any{"code": "H87", "name": "штука"},
		"classification": map[string]any{"scheme": "ДК021", "id": "33195100-4", "description": "Монітори"}}
	if lotID != "" {
		it["relatedLot"] = lotID
	}
	return it
}

// lot is a lot of value amount with a 1 % minimal step.
func lot(id, title string, amount float64) map[string]any {
	return map[string]any{"id": id, "title": title, "value": money(amount), "minimalStep": money(amount / 100)}
}

// lotBid is a bid with offers given as lot id, amount pairs.
func lotBid(name, edr string, offers ...any) map[string]any {
	lvs := []any{}
	for i := 0; i+1 < len(offers); i += 2 {
		lvs = append(lvs, map[string]any{"relatedLot": offers[i], "value": map[string]any{"amount": offers[i+1], "currency": "UAH", "valueAddedTaxIncluded": true}})
	}
	return map[string]any{"data": map[string]any{"tenderers": []any{organization(name, edr)}, "lotValues": lvs}}
}

func document(documentType string) data {
	return data{"title": documentType + ".p7s", "url": "https://docs.example.com/" + documentType + ".p7s",
		"hash": "md5:00000000000000000000000000000000", "format": "application/pkcs7-signature", "documentType": documentType}
}

func withToken(path, token string) string { return path + "?acc_token=" + token }

// firstPendingAward waits for the tender to reach active.qualification and
// returns its pending award, checking that it is for bid bidID.
func firstPendingAward(t *testing.T, a actors, id, bidID string) map[string]any {
	t.Helper()
	d := awaitStatus(t, a.public, id, "active.qualification")
	for _, aw := range list(d["awards"]) {
		if m(aw)["status"] == "pending" {
			if m(aw)["bid_id"] != bidID {
				t.Fatalf("pending award for bid %v, want %s: %s", m(aw)["bid_id"], bidID, js(d["awards"]))
			}
			return m(aw)
		}
	}
	t.Fatalf("no pending award: %s", js(d["awards"]))
	return nil
}

// signContract signs the contract of awardID: where award complaints exist,
// refused while the award's stand-still runs and accepted once it is over;
// elsewhere accepted at once. It returns the signed contract.
func signContract(t *testing.T, a actors, id, token, awardID string) map[string]any {
	t.Helper()
	r := a.public.do("GET", "/tenders/"+id, nil)
	d, cfg := m(r.Body["data"]), m(r.Body["config"])
	var award, contract map[string]any
	for _, x := range list(d["awards"]) {
		if m(x)["id"] == awardID {
			award = m(x)
		}
	}
	for _, x := range list(d["contracts"]) {
		if m(x)["awardID"] == awardID && m(x)["status"] == "pending" {
			contract = m(x)
		}
	}
	if award == nil || contract == nil {
		t.Fatalf("no pending contract for award %s: %s", awardID, js(d["contracts"]))
	}
	path := withToken("/tenders/"+id+"/contracts/"+str(contract["id"]), token)
	sign := data{"status": "active", "contractNumber": "Д-" + awardID[:6]}
	if cp := m(award["complaintPeriod"]); cfg["hasAwardComplaints"] == true {
		if cp == nil {
			t.Fatalf("award %s has no stand-still: %s", awardID, js(award))
		}
		end := parseTime(t, cp["endDate"])
		var acc int
		fmt.Sscanf(str(d["procurementMethodDetails"]), "quick, accelerator=%d", &acc)
		days := int(cfg["awardComplainDuration"].(float64))
		if got, want := end.Sub(parseTime(t, cp["startDate"])), lawDays(acc, days); got != want {
			t.Errorf("award stand-still lasts %v, want %d days at accelerator %d (%v)", got, days, acc, want)
		}
		if time.Until(end) > 150*time.Millisecond {
			refused(t, a.buyer, id, 403, "data", "PATCH", path, sign)
		} else {
			t.Errorf("the stand-still (until %v) was over before the early signature could be tried", end)
		}
		time.Sleep(time.Until(end))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := a.buyer.do("PATCH", path, env(sign))
		if r.Status == 200 {
			c := m(r.Body["data"])
			if c["status"] != "active" || c["dateSigned"] == nil {
				t.Errorf("signed contract: %s", r.Raw)
			}
			return c
		}
		if r.Status != 403 || time.Now().After(deadline) {
			t.Fatalf("signing: %d %s", r.Status, r.Raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// refused sends a request the API must turn down with status want and an
// error naming field, and checks that the tender did not change: the same
// dateModified and the same JSON before and after. A data body is sent in
// the envelope; any other body as it is.
func refused(t *testing.T, c client, tenderID string, want int, field, method, path string, body any) {
	t.Helper()
	if d, ok := body.(data); ok {
		body = env(d)
	}
	public := client{t, c.base, ""}
	get := func() (any, []byte) {
		r := public.do("GET", "/tenders/"+tenderID, nil)
		if r.Status != 200 {
			t.Fatalf("GET tender %s: %d %s", tenderID, r.Status, r.Raw)
		}
		return m(r.Body["data"])["dateModified"], r.Raw
	}
	modified, before := get()
	checkRefusal(t, c.do(method, path, body), want, field, method+" "+path)
	if modifiedAfter, after := get(); modifiedAfter != modified || !bytes.Equal(before, after) {
		t.Errorf("%s %s was refused but the tender changed:\nbefore %s\nafter  %s", method, path, before, after)
	}
}

// checkRefusal checks a refusal: status want, ProZorro's error shape, and
// an error naming field.
func checkRefusal(t *testing.T, r reply, want int, field, what string) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, want, r.Raw)
		return
	}
	errs := list(r.Body["errors"])
	if r.Body["status"] != "error" || len(errs) == 0 {
		t.Errorf("%s: not ProZorro's error shape: %s", what, r.Raw)
		return
	}
	named := false
	for _, e := range errs {
		e := m(e)
		if e["location"] == nil || e["name"] == nil || e["description"] == nil {
			t.Errorf("%s: error without location, name or description: %s", what, r.Raw)
		}
		named = named || e["name"] == field
	}
	if !named {
		t.Errorf("%s: no error names %q: %s", what, field, r.Raw)
	}
}

// await polls the tender until cond holds; it fails at a deadline or when
// the tender reached a final status cond does not accept.
func await(t *testing.T, c client, id, what string, cond func(d map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		d := c.must(200, "GET", "/tenders/"+id, nil)
		if cond(d) {
			return d
		}
		final := d["status"] == "complete" || d["status"] == "unsuccessful" || d["status"] == "cancelled"
		if final || time.Now().After(deadline) {
			t.Fatalf("tender %s: waiting for %s, got status %v: %s", id, what, d["status"], js(d))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// getList returns the data array of a list endpoint.
func getList(t *testing.T, c client, path string) []any {
	t.Helper()
	r := c.do("GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Raw)
	}
	return list(r.Body["data"])
}

func awaitStatus(t *testing.T, c client, id, want string) map[string]any {
	t.Helper()
	return await(t, c, id, "status "+want, func(d map[string]any) bool { return d["status"] == want })
}

func lotStatus(d map[string]any, lotID string) string {
	for _, l := range list(d["lots"]) {
		if m(l)["id"] == lotID {
			return str(m(l)["status"])
		}
	}
	return ""
}

func m(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return x
	case data:
		return x
	}
	return nil
}

func list(v any) []any { x, _ := v.([]any); return x }

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func parseTime(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, str(v))
	if err != nil {
		t.Fatalf("time %v: %v", v, err)
	}
	return at
}
