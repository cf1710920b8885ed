package api_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/search"
	searchapi "github.com/prozorro-go/prozorro/search/api"
	"github.com/prozorro-go/prozorro/search/searchtest"
)

// counting counts the backend's searches and what they asked for.
type counting struct {
	search.Backend
	calls atomic.Int32
	sizes []int
}

func (c *counting) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	c.calls.Add(1)
	c.sizes = append(c.sizes, q.Size)
	return c.Backend.Search(ctx, q)
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return rows
}

func column(rows [][]string, name string) []string {
	i := slices.Index(rows[0], name)
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestCSVWholeResult(t *testing.T) {
	var cb *counting
	e := newEnv(t, searchapi.Config{ExportPageSize: 7}, func(b search.Backend) search.Backend {
		cb = &counting{Backend: b}
		return cb
	})
	// size and from are a page's: the export ignores them.
	rec := e.get(searchapi.Prefix + "/search/tenders?format=csv&size=5&from=10&sort=value")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != "attachment; filename=tenders.csv" {
		t.Errorf("Content-Disposition %q", cd)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("no CORS header")
	}
	rows := readCSV(t, rec.Body.String())
	wantHeader := []string{"id", "tenderID", "ocid", "title", "status", "procurementMethodType", "buyer.id", "buyer.name",
		"region", "amount", "currency", "date", "tenderEnd", "numberOfBids", "suppliers", "flags", "riskScore"}
	if !slices.Equal(rows[0], wantHeader) {
		t.Errorf("header %v", rows[0])
	}
	want := e.want(func(*search.TenderDoc) bool { return true }, true)
	if got := column(rows, "id"); !slices.Equal(got, want) {
		t.Errorf("%d rows %v\nwant %d %v", len(got), got, len(want), want)
	}
	// Every page of 7, and one more that finds the end.
	if n := int(cb.calls.Load()); n < (len(want)+6)/7 || slices.ContainsFunc(cb.sizes, func(s int) bool { return s != 7 }) {
		t.Errorf("%d backend calls with sizes %v, want pages of 7", n, cb.sizes)
	}

	// The cells of one document.
	byID := map[string]*search.TenderDoc{}
	for _, d := range e.tenders {
		byID[d.ID] = d
	}
	checked := 0
	for _, r := range rows[1:] {
		d := byID[r[0]]
		if len(d.Suppliers) == 0 || len(d.Flags) == 0 || d.NumberOfBids == nil {
			continue
		}
		checked++
		var sup []string
		for _, s := range d.Suppliers {
			sup = append(sup, s.ID)
		}
		want := []string{d.ID, d.TenderID, d.OCID, d.Title, d.Status, d.ProcurementMethodType, d.Buyer.ID, d.Buyer.Name,
			d.Region, d.Amount, d.Currency, d.Date.UTC().Format(time.RFC3339), d.TenderEnd.UTC().Format(time.RFC3339),
			itoa(*d.NumberOfBids), strings.Join(sup, ";"), strings.Join(d.Flags, ";"), ftoa(d.RiskScore)}
		if !slices.Equal(r, want) {
			t.Errorf("row %v\nwant %v", r, want)
		}
	}
	if checked == 0 {
		t.Fatal("no row with suppliers, flags and bids: the check tests nothing")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func TestCSVContracts(t *testing.T) {
	e := newEnv(t, searchapi.Config{ExportPageSize: 4}, nil)
	rec := e.get(searchapi.Prefix + "/search/contracts?format=csv&contract_status=active")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Disposition") != "attachment; filename=contracts.csv" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rows := readCSV(t, rec.Body.String())
	var want []string
	for _, c := range e.contracts {
		if c.ContractStatus == "active" {
			want = append(want, c.ID)
		}
	}
	got := column(rows, "id")
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	for _, col := range []string{"contractID", "contractStatus", "dateSigned", "suppliers", "supplierNames", "amount"} {
		for i, v := range column(rows, col) {
			if v == "" {
				t.Errorf("row %d: empty %s", i+1, col)
			}
		}
	}
}

func TestCSVFormulaInjection(t *testing.T) {
	d := searchtest.Tenders(1)[0]
	d.ID, d.Title = "evil", `=HYPERLINK("http://evil.example","click")`
	d.Buyer.Name, d.Flags = "+380 44 000", []string{"@SUM"}
	d.Description = "-2+3"
	e := newEnv(t, searchapi.Config{}, nil, d)
	rec := e.get(searchapi.Prefix + "/search/tenders?format=csv&id=evil")
	rows := readCSV(t, rec.Body.String())
	if len(rows) != 2 {
		t.Fatalf("rows %v", rows)
	}
	row := map[string]string{}
	for i, h := range rows[0] {
		row[h] = rows[1][i]
	}
	for col, want := range map[string]string{"title": "'" + d.Title, "buyer.name": "'+380 44 000", "flags": "'@SUM", "amount": d.Amount, "riskScore": "0"} {
		if row[col] != want {
			t.Errorf("%s = %q, want %q", col, row[col], want)
		}
	}
}

func TestCSVCap(t *testing.T) {
	var cb *counting
	e := newEnv(t, searchapi.Config{MaxExportRows: 10, ExportPageSize: 5}, func(b search.Backend) search.Backend {
		cb = &counting{Backend: b}
		return cb
	})
	rec := e.get(searchapi.Prefix + "/search/tenders?format=csv")
	descs := assertError(t, rec, http.StatusUnprocessableEntity, "format")
	if !strings.Contains(descs[0], "10") {
		t.Errorf("the refusal does not say the limit: %v", descs)
	}
	if cb.calls.Load() != 1 {
		t.Errorf("%d backend calls before refusing, want 1", cb.calls.Load())
	}
	// At the cap it goes through.
	rec = e.get(searchapi.Prefix + "/search/tenders?format=csv&status=complete")
	if rec.Code != http.StatusOK || len(readCSV(t, rec.Body.String())) != 11 {
		t.Errorf("10 rows at a cap of 10: %d %s", rec.Code, rec.Body)
	}
}

// gated holds the backend's second search until the client has read the
// first page's rows, which it can only if the server flushed them.
type gated struct {
	search.Backend
	calls atomic.Int32
	open  chan struct{}
}

func (g *gated) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if g.calls.Add(1) == 2 {
		select {
		case <-g.open:
		case <-time.After(10 * time.Second):
			return nil, errors.New("the client never saw the first page")
		}
	}
	return g.Backend.Search(ctx, q)
}

func TestCSVStreams(t *testing.T) {
	g := &gated{open: make(chan struct{})}
	e := newEnv(t, searchapi.Config{ExportPageSize: 5}, func(b search.Backend) search.Backend { g.Backend = b; return g })
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + searchapi.Prefix + "/search/tenders?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := csv.NewReader(resp.Body)
	for i := range 6 { // the header and the first page
		if _, err := r.Read(); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	close(g.open)
	rest, err := r.ReadAll()
	if err != nil || len(rest) != len(e.tenders)-5 {
		t.Errorf("after the first page %d rows (%v), want %d", len(rest), err, len(e.tenders)-5)
	}
}

func TestCSVFailsHalfWay(t *testing.T) {
	e := newEnv(t, searchapi.Config{ExportPageSize: 5}, func(b search.Backend) search.Backend {
		return &failing{Backend: b, n: 3, err: errors.New("node lost")}
	})
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + searchapi.Prefix + "/search/tenders?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("a download cut short read cleanly (%d bytes): the client would take it for the whole file", len(body))
	}
	if n := strings.Count(string(body), "\n"); n != 11 {
		t.Errorf("%d lines before the failure, want the header and two pages", n)
	}
}
