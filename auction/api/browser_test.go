package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/memory"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/tendertest/chromium"
)

// tab is one browser page with its own cookies.
type tab struct {
	name string
	ctx  context.Context
	mu   sync.Mutex
	errs []string // uncaught script exceptions
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitJS polls the page until the expression is truthy.
func (tb *tab) waitJS(t *testing.T, what, expr string, timeout time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		text, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		t.Fatalf("%s: waiting for %s: %v\npage:\n%s", tb.name, what, err, text)
	}
}

// waitText waits until the element sel is shown and its text holds want.
func (tb *tab) waitText(t *testing.T, sel, want string, timeout time.Duration) {
	t.Helper()
	tb.waitJS(t, fmt.Sprintf("%s shows %q", sel, want), fmt.Sprintf(
		`(function(){var e=document.querySelector(%s);return !!e && !e.hidden && e.textContent.indexOf(%s)>=0})()`,
		jsString(sel), jsString(want)), timeout)
}

// row returns the standings row text of a label, "" when absent.
func (tb *tab) row(t *testing.T, label int) string {
	t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(function(){var r=document.querySelector('#standings tr[data-label="%d"]');return r?r.textContent:""})()`, label)))
	if err != nil {
		t.Fatalf("%s: %v", tb.name, err)
	}
	return s
}

// waitRow waits until label's standings row shows the price want.
func (tb *tab) waitRow(t *testing.T, label int, want string, timeout time.Duration) {
	t.Helper()
	tb.waitJS(t, fmt.Sprintf("Bidder #%d at %s", label, want), fmt.Sprintf(
		`(function(){var r=document.querySelector('#standings tr[data-label="%d"]');return !!r && r.textContent.indexOf(%s)>=0})()`,
		label, jsString(want)), timeout)
}

// bid types amount into the form and presses the bid button.
func (tb *tab) bid(t *testing.T, amount string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx,
		chromedp.WaitVisible(chromedp.CSS("#amount")),
		discard(chromedp.Evaluate[bool](`(document.getElementById("amount").value = "") === ""`)),
		chromedp.SendKeys(chromedp.CSS("#amount"), amount),
		chromedp.Click(chromedp.CSS("#bid-button")),
	); err != nil {
		t.Fatalf("%s: bidding %s: %v", tb.name, amount, err)
	}
}

// discard drops an action's value.
func discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func (tb *tab) screenshot(t *testing.T, dir string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("%s: screenshot: %v", tb.name, err)
		return
	}
	path := filepath.Join(dir, "auction-"+tb.name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
		return
	}
	t.Logf("screenshot %s", path)
}

// TestBrowser drives the real page in headless Chromium: two bidders (each
// in its own browser context, logged in by its participation link; one on
// a phone-sized screen, in English) and an observer bid through the form in
// an auction of a few seconds per turn, see refusals, and see the standings
// change on all three pages when each turn ends.
func TestBrowser(t *testing.T) {
	exe := chromium.Path(t)
	artifacts := chromium.Artifacts(t)

	store := memory.New()
	var mu sync.Mutex
	n := 0
	svc := &auction.Service{Store: store, Now: time.Now, Secret: []byte("browser test"), Grace: 200 * time.Millisecond,
		NewID: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprint("bid", n) }}
	ts := httptest.NewServer(New(svc, Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer ts.Close() // after the browser is gone (defers run last first), so no stream holds it open

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	browser := chromium.Start(ctx, t, exe, 1000, 1100)
	newTab := func(name string) *tab {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		tb := &tab{name: name, ctx: ctx}
		if err := chromedp.Do(ctx); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*runtime.EventExceptionThrown); ok {
				tb.mu.Lock()
				d := e.ExceptionDetails
				msg := fmt.Sprintf("%s (line %d:%d)", d.Text, d.LineNumber+1, d.ColumnNumber+1)
				if d.Exception != nil {
					msg += ": " + d.Exception.Description
				}
				tb.errs = append(tb.errs, msg)
				tb.mu.Unlock()
			}
		}); err != nil {
			t.Fatal(err)
		}
		return tb
	}
	a, b, obs := newTab("bidder1"), newTab("bidder2"), newTab("observer")

	// The auction starts now: a 15 s first pause, then 6 s turns. Bidder #1
	// (A, the worse price) bids first.
	d := auction.DefaultDurations().Accelerated(20)
	start := time.Now()
	au, err := auction.New(auction.Input{TenderID: "browser", TenderRef: "UA-2026-03-01-000002-a", Title: "Папір офісний А4",
		Currency: "UAH", MinimalStep: tender.MustAmount("1000"), Start: start, Durations: d,
		Bids: []auction.InputBid{
			{BidID: "A", Amount: tender.MustAmount("100000"), Date: start.Add(-2 * time.Hour)},
			{BidID: "B", Amount: tender.MustAmount("95000"), Date: start.Add(-time.Hour)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	au.Status = auction.StatusActive
	if err := store.Create(ctx, au); err != nil {
		t.Fatal(err)
	}
	turn1 := start.Add(d.FirstPause)
	turn2 := turn1.Add(d.Turn)
	round2 := turn2.Add(d.Turn)
	login := func(bid, lang string) string {
		return ts.URL + "/auctions/" + au.ID + "/login?lang=" + lang + "&bidder_id=" + bid + "&hash=" + svc.Token(au.ID, bid)
	}
	if err := chromedp.Do(a.ctx, chromedp.Navigate(login("A", "uk"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(login("B", "en"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(obs.ctx, chromedp.Navigate(ts.URL+"/auctions/"+au.ID+"?lang=en")); err != nil {
		t.Fatal(err)
	}
	a.waitText(t, "#you-h", "Ви — Учасник #1", 5*time.Second)
	b.waitText(t, "#you-h", "You are Bidder #2", 5*time.Second)
	obs.waitText(t, ".observer", "You are observing", 5*time.Second)
	for _, tb := range []*tab{a, b, obs} {
		tb.waitJS(t, "the live countdown", `/^\d\d:\d\d$/.test(document.getElementById("countdown").textContent)`, 5*time.Second)
	}
	if time.Now().After(turn1) {
		t.Fatalf("the pages took the whole first pause (%v) to open", d.FirstPause)
	}

	// Turn 1 is Bidder #1's: the pages switch without a reload.
	wait := time.Until(turn1) + 10*time.Second
	a.waitJS(t, "bidder 1's turn", `document.getElementById("my-turn").classList.contains("now")`, wait)
	obs.waitText(t, "#whose", "Bidding now: Bidder #1", 5*time.Second)

	b.bid(t, "90000")
	b.waitText(t, "#notice.error", "Bid refused: it is not your turn.", 5*time.Second)

	a.bid(t, "99500")
	a.waitText(t, "#notice.error", "занадто висока ставка: запропонуйте не більше 99\u00a0000,00", 5*time.Second)
	a.bid(t, "98000")
	a.waitText(t, "#notice.ok", "Вашу ставку 98\u00a0000,00 прийнято.", 5*time.Second)
	a.waitText(t, "#my-turn-bid", "98\u00a0000,00", 5*time.Second)
	if time.Until(turn2) > time.Second {
		// still in the turn: nobody else sees the price yet
		for _, tb := range []*tab{b, obs} {
			if row := tb.row(t, 1); !strings.Contains(row, "100,000.00") {
				t.Errorf("%s sees Bidder #1 at %q during the turn; the bid must stay hidden", tb.name, row)
			}
		}
	}

	// The turn ends: all three pages show 98 000 for Bidder #1.
	wait = time.Until(turn2) + 10*time.Second
	a.waitRow(t, 1, "98\u00a0000,00", wait)
	b.waitRow(t, 1, "98,000.00", wait)
	obs.waitRow(t, 1, "98,000.00", wait)

	// Turn 2 is Bidder #2's, on the phone.
	b.waitJS(t, "bidder 2's turn", `document.getElementById("my-turn").classList.contains("now")`, 5*time.Second)
	b.bid(t, "94000.505")
	b.waitText(t, "#notice.error", "at most 2 decimal places", 5*time.Second)
	b.bid(t, "94000")
	b.waitText(t, "#notice.ok", "Your bid 94,000.00 was accepted.", 5*time.Second)

	wait = time.Until(round2) + 10*time.Second
	a.waitRow(t, 2, "94\u00a0000,00", wait)
	b.waitRow(t, 2, "94,000.00", wait)
	obs.waitRow(t, 2, "94,000.00", wait)
	for _, tb := range []*tab{a, b, obs} {
		tb.waitText(t, "#stage-text", map[*tab]string{a: "Раунд 2 з 3", b: "Round 2 of 3", obs: "Round 2 of 3"}[tb], 5*time.Second)
	}
	for _, tb := range []*tab{a, b, obs} {
		tb.screenshot(t, artifacts)
		tb.mu.Lock()
		if len(tb.errs) > 0 {
			t.Errorf("%s: script errors: %v", tb.name, tb.errs)
		}
		tb.mu.Unlock()
	}
}
