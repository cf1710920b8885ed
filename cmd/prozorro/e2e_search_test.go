package main

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/mongodb/mongotest"
)

// esURL returns the test Elasticsearch node, skipping without one (and
// failing under CI, whose test command always starts one).
func esURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("PROZORRO_TEST_ES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PROZORRO_TEST_ES_URL is not set: the test command starts Elasticsearch (.ci/test-servers.sh)")
		}
		t.Skip("PROZORRO_TEST_ES_URL is not set (run the tests through make test)")
	}
	return u
}

func randomPrefix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "e2e-" + hex.EncodeToString(b[:])
}

// TestSearchEndToEnd runs tenders through the binary and finds them, their
// contracts and their red flags through search, on the embedded index and
// on Elasticsearch.
func TestSearchEndToEnd(t *testing.T) {
	backends := []struct {
		name string
		env  func(t *testing.T) []string
	}{
		{"embedded", func(t *testing.T) []string { return nil }},
		{"elasticsearch", func(t *testing.T) []string {
			return []string{"PROZORRO_ELASTICSEARCH_URL=" + esURL(t), "PROZORRO_SEARCH_INDEX_PREFIX=" + randomPrefix()}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			env := append([]string{"PROZORRO_MONGO_DATABASE=" + mongotest.DatabaseName(), "PROZORRO_SEARCH_STATS_INTERVAL=1s"}, b.env(t)...)
			searchScenario(t, startServer(t, env...))
		})
	}
}

func searchScenario(t *testing.T, base string) {
	a := newActors(t, base)

	// A tender still sealed: one bid, whose bidder must not show anywhere.
	// 8640: a day of the law is 10 s, so tendering lasts 150 s, past the
	// end of this test.
	const pmt, acc = tender.ProcAboveThresholdUA, 8640
	sealedID, sealedToken := a.create(t, procTender(pmt, acc, true))
	a.publish(t, sealedID, sealedToken, pmt, acc)
	sealed := a.public.must(200, "GET", "/tenders/"+sealedID, nil)
	a.addBid(t, a.bidder1, sealedID, bid(100000, "ТОВ Таємний", "55555555"))

	// A reporting tender to completion, with a contract.
	start := time.Now()
	reportingToComplete(t, a)
	done := time.Now()
	var reportingTID string
	eventually(t, "a completed reporting tender is searchable", func() bool {
		r := a.public.do("GET", "/search/tenders?proc_type=reporting&status=complete", nil)
		if r.Status != 200 {
			t.Fatalf("search: %d %s", r.Status, r.Raw)
		}
		hits := list(r.Body["data"])
		if len(hits) == 1 {
			reportingTID = str(m(hits[0])["tenderID"])
			return true
		}
		return false
	})
	t.Logf("a completed tender became searchable %v after its last change (scenario took %v)", time.Since(done).Round(time.Millisecond), done.Sub(start).Round(time.Millisecond))

	// Filters, text, facets, contracts.
	q := func(path string, want int) map[string]any {
		t.Helper()
		r := a.public.do("GET", path, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Raw)
		}
		if got := len(list(r.Body["data"])); got != want {
			t.Errorf("%s: %d hits, want %d: %s", path, got, want, r.Raw)
		}
		return r.Body
	}
	q("/search/tenders?tid="+url.QueryEscape(reportingTID), 1)
	q("/search/tenders?tid_like="+url.QueryEscape(reportingTID[:13]), 2)
	q("/search/tenders?query="+url.QueryEscape("медичне обладнання"), 2)
	q("/search/tenders?edrpou=01993671&proc_type=aboveThresholdUA", 1)
	q("/search/tenders?region=01&value=150000-150000", 2)
	q("/search/tenders?value=-149999.99", 0)
	eventually(t, "the reporting contract is searchable", func() bool {
		r := a.public.do("GET", "/search/contracts?supplier=44444444&contract_status=active", nil)
		return r.Status == 200 && len(list(r.Body["data"])) == 1
	})
	fr := a.public.do("GET", "/search/tenders?facets=status,procedure", nil)
	facets := m(fr.Body["facets"])
	if len(list(facets["status"])) != 2 || len(list(facets["procedure"])) != 2 {
		t.Errorf("facets: %s", js(facets))
	}

	// Sealed data: the bidder of the tender in tendering is nowhere.
	for _, path := range []string{"/search/tenders?tenderer=55555555", "/search/tenders?query=55555555", "/search/tenders?query=" + url.QueryEscape("Таємний")} {
		q(path, 0)
	}
	d := q("/search/tenders?id="+sealedID, 1)
	hit := m(list(d["data"])[0])
	if hit["numberOfBids"] != nil || hit["tenderers"] != nil || hit["status"] != sealed["status"] {
		t.Errorf("a tender in tendering shows its bids: %s", js(hit))
	}
	csv := a.public.do("GET", "/search/tenders?format=csv", nil)
	if csv.Status != 200 || !strings.Contains(string(csv.Raw), reportingTID) || strings.Contains(string(csv.Raw), "55555555") {
		t.Errorf("csv export: %d\n%s", csv.Status, csv.Raw)
	}
	if n := strings.Count(strings.TrimSpace(string(csv.Raw)), "\n"); n != 2 {
		t.Errorf("csv export has %d rows, want 2", n)
	}

	// Bad parameters change nothing and name themselves.
	for _, p := range []string{"value=abc", "sort=price", "size=1000", "region=x", "date_start=yesterday"} {
		r := a.public.do("GET", "/search/tenders?"+p, nil)
		name := strings.SplitN(p, "=", 2)[0]
		if r.Status != 422 || !strings.Contains(string(r.Raw), `"name":"`+name+`"`) {
			t.Errorf("%s: %d %s, want 422 naming %s", p, r.Status, r.Raw, name)
		}
	}

	// Red flags: the risks endpoint evaluates the tender now; the index
	// holds the same codes.
	rid := str(m(list(q("/search/tenders?tid="+url.QueryEscape(reportingTID), 1)["data"])[0])["id"])
	risks := a.public.must(200, "GET", "/tenders/"+rid+"/risks", nil)
	if risks["ocid"] == nil || risks["flags"] == nil || risks["riskScore"] == nil {
		t.Errorf("risks: %s", js(risks))
	}
	for _, f := range list(risks["flags"]) {
		if m(f)["evidence"] == nil || m(f)["code"] == nil {
			t.Errorf("a flag without evidence: %s", js(f))
		}
	}
	if r := a.public.do("GET", "/tenders/ffffffffffffffffffffffffffffffff/risks", nil); r.Status != 404 {
		t.Errorf("risks of an unknown tender: %d %s", r.Status, r.Raw)
	}
	eventually(t, "the index carries the endpoint's flags", func() bool {
		h := m(list(q("/search/tenders?id="+rid, 1)["data"])[0])
		return js(h["flags"]) == js(risks["codes"]) || (h["flags"] == nil && len(list(risks["codes"])) == 0)
	})
}

// eventually waits up to 30 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIndexerKilled runs a separate `prozorro indexer` that takes every feed
// partition, SIGKILLs it, and checks that serve's indexer takes the
// partitions over from the saved cursors: nothing is lost.
func TestIndexerKilled(t *testing.T) {
	es := esURL(t)
	db, prefix := mongotest.DatabaseName(), randomPrefix()
	common := []string{"PROZORRO_MONGO_URI=" + mongotest.URI(t), "PROZORRO_MONGO_DATABASE=" + db,
		"PROZORRO_ELASTICSEARCH_URL=" + es, "PROZORRO_SEARCH_INDEX_PREFIX=" + prefix,
		"PROZORRO_SEARCH_PARTITIONS=4", "PROZORRO_SEARCH_LEASE=2s"}

	ix := exec.Command(binary(t), "indexer")
	ix.Dir = t.TempDir()
	ix.Env = append(append(os.Environ(), common...), "PROZORRO_SEARCH_INDEXER_ID=separate")
	var ixLog syncBuffer
	ix.Stderr = &ixLog
	if err := ix.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Process.Kill(); _ = ix.Wait() })
	eventually(t, "the separate indexer holds all four partitions", func() bool {
		return strings.Count(ixLog.String(), "partition taken") == 4
	})

	base := startServer(t, append(common, "PROZORRO_SEARCH_INDEXER_ID=serve")...)
	a := newActors(t, base)
	tids := func() []string {
		var out []string
		for range 3 {
			id, token := a.create(t, procTender(tender.ProcReporting, 172800, false))
			d := a.publish(t, id, token, tender.ProcReporting, 172800)
			out = append(out, str(d["tenderID"]))
		}
		return out
	}
	searchable := func(tid string) bool {
		r := a.public.do("GET", "/search/tenders?tid="+url.QueryEscape(tid), nil)
		return r.Status == 200 && len(list(r.Body["data"])) == 1
	}
	for _, tid := range tids() {
		eventually(t, tid+" indexed by the separate indexer", func() bool { return searchable(tid) })
	}

	if err := ix.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = ix.Wait()
	for _, tid := range tids() {
		eventually(t, tid+" indexed after the kill", func() bool { return searchable(tid) })
	}
}
