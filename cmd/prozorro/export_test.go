package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	ocdsapi "github.com/prozorro-go/prozorro/ocds/api"
	"github.com/prozorro-go/prozorro/ocds/schema/schematest"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/memory"
)

// exportFixture is a memory store holding three belowThreshold sandbox
// tenders made through tender.Service on a fake clock: one cancelled, one
// with a sealed bid in tendering, and one draft (not in the feed).
type exportFixture struct {
	store *memory.Store
	now   time.Time
	// t1 is a time between the first tender's releases and the second's.
	t1 time.Time
}

func newExportFixture(t *testing.T) *exportFixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, time.March, 2, 10, 0, 0, 0, tender.Kyiv)
	clock := func() time.Time { return now }
	st := memory.New()
	st.Now = clock
	svc := &tender.Service{Store: st, Calendar: tender.DefaultCalendar(), Now: clock, Sandbox: true}
	owner := tender.Actor{Platform: "acme", Role: tender.RoleBroker, Levels: "1234h"}
	ptr := func(s string) *string { return &s }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	org := func(name, edr string) tender.Organization {
		return tender.Organization{Name: name, Identifier: tender.Identifier{Scheme: "UA-EDR", ID: edr, LegalName: name},
			Address:      &tender.Address{StreetAddress: "вул. Хрещатик, 1", Locality: "Київ", PostalCode: "01001", CountryName: "Україна"},
			ContactPoint: &tender.ContactPoint{Name: "Олена", Email: "olena@example.org"}, Scale: "sme"}
	}
	create := func() (string, tender.Actor, time.Time, time.Time) {
		t.Helper()
		ep, tp := now.Add(10*time.Second), now.Add(20*time.Second)
		q := tender.MustAmount("10")
		vat := true
		tn, creds, err := svc.Create(ctx, owner, tender.CreateRequest{Data: tender.TenderInput{
			Title: ptr("Картонні коробки"), ProcurementMethodDetails: ptr("quick, accelerator=86400"),
			MainProcurementCategory: ptr("goods"), ProcuringEntity: func() *tender.Organization { o := org("Лікарня №1", "00037256"); return &o }(),
			Value:       &tender.Value{Amount: tender.MustAmount("100000.00"), Currency: "UAH", ValueAddedTaxIncluded: &vat},
			MinimalStep: &tender.Value{Amount: tender.MustAmount("1000.00"), Currency: "UAH", ValueAddedTaxIncluded: &vat},
			Items: []tender.Item{{Description: "Коробки", Classification: tender.Classification{Scheme: "ДК021", ID: "44617100-9", Description: "Картонні коробки"},
				Unit: &tender.Unit{Code: "H87", Name: "штука"}, Quantity: &q}},
			EnquiryPeriod: &tender.Period{EndDate: &ep}, TenderPeriod: &tender.Period{EndDate: &tp},
		}})
		must("create", err)
		a := owner
		a.Token = creds.Token
		return tn.ID, a, ep, tp
	}
	publish := func(id string, a tender.Actor) {
		now = now.Add(time.Millisecond)
		_, err := svc.Patch(ctx, id, a, tender.TenderInput{Status: func() *tender.Status { s := tender.StatusEnquiries; return &s }()})
		must("publish", err)
	}

	// A cancelled tender.
	id, a, _, _ := create()
	publish(id, a)
	now = now.Add(time.Millisecond)
	_, _, err := svc.AddCancellation(ctx, id, a, tender.CancellationInput{Reason: ptr("Відсутність потреби"), ReasonType: ptr("noDemand"),
		Status: func() *string { s := tender.CancellationActive; return &s }()})
	must("cancel", err)
	now = now.Add(time.Second)
	t1 := now

	// A tender in tendering with a sealed bid.
	id, a, ep, _ := create()
	publish(id, a)
	now = ep
	_, err = svc.Chronograph(ctx, id, tender.Actor{Role: tender.RoleChronograph})
	must("chronograph", err)
	now = now.Add(time.Millisecond)
	_, _, _, err = svc.AddBid(ctx, id, tender.Actor{Platform: "bidder", Role: tender.RoleBroker, Levels: "24"},
		tender.BidInput{Tenderers: []tender.Organization{org("ТОВ Постачальник", "40000001")}, Value: &tender.Value{Amount: tender.MustAmount("90000")}})
	must("bid", err)

	// A draft.
	create()
	return &exportFixture{store: st, now: now, t1: t1}
}

func (f *exportFixture) export(t *testing.T, opt exportOptions) ([]byte, exportStats) {
	t.Helper()
	opt.Now = func() time.Time { return f.now }
	opt.URI = "https://example.org/api/2.5/ocds/releases"
	opt.OCDS.Publisher.Name = "Prozorro-Go test"
	var buf bytes.Buffer
	st, err := exportOCDS(context.Background(), f.store, &buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Errorf("stats say %d bytes, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func jsonLines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %d: %v: %s", len(out)+1, err, sc.Bytes())
		}
		out = append(out, v)
	}
	return out
}

func TestExportJSONLines(t *testing.T) {
	f := newExportFixture(t)
	data, st := f.export(t, exportOptions{})
	lines := jsonLines(t, data)
	if st.Tenders != 2 || st.Items != len(lines) || len(lines) < 3 {
		t.Fatalf("stats %+v for %d lines", st, len(lines))
	}
	v := schematest.New(t)
	ocids := map[string]bool{}
	for i, l := range lines {
		raw, _ := json.Marshal(l)
		for _, err := range v.ValidateRelease(raw, ocds.Extensions...) {
			t.Errorf("line %d: %v", i+1, err)
		}
		ocids[fmt.Sprint(l["ocid"])] = true
		if _, ok := l["bids"]; ok {
			t.Errorf("line %d: a release shows the sealed bid: %s", i+1, raw)
		}
	}
	if len(ocids) != 2 {
		t.Errorf("ocids %v, want the two published tenders", ocids)
	}

	// --since keeps only releases dated at or after it.
	data, st = f.export(t, exportOptions{Since: f.t1})
	for i, l := range jsonLines(t, data) {
		d, err := time.Parse(time.RFC3339Nano, fmt.Sprint(l["date"]))
		if err != nil || d.Before(f.t1) {
			t.Errorf("line %d dated %v, before --since %v", i+1, l["date"], f.t1)
		}
	}
	if st.Tenders != 1 {
		t.Errorf("--since: %d tenders, want 1", st.Tenders)
	}
}

func TestExportPackage(t *testing.T) {
	f := newExportFixture(t)
	v := schematest.New(t)
	plain, st := f.export(t, exportOptions{Package: true})
	if errs := v.ValidateReleasePackage(plain); len(errs) > 0 {
		t.Fatalf("release package: %v\n%s", errs, plain)
	}
	var pkg struct {
		Releases      []ocds.Release `json:"releases"`
		PublishedDate time.Time      `json:"publishedDate"`
		Extensions    []string       `json:"extensions"`
	}
	if err := json.Unmarshal(plain, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Releases) != st.Items || len(pkg.Extensions) != len(ocds.Extensions) || !pkg.PublishedDate.Equal(f.now) {
		t.Errorf("package: %d releases (stats %d), %d extensions, published %v", len(pkg.Releases), st.Items, len(pkg.Extensions), pkg.PublishedDate)
	}

	// A package holds at least one release: an export of nothing writes
	// nothing.
	if empty, _ := f.export(t, exportOptions{Package: true, Since: f.now.Add(time.Hour)}); len(empty) != 0 {
		t.Errorf("empty export wrote %s", empty)
	}

	// gzip round-trips to the same bytes.
	zipped, _ := f.export(t, exportOptions{Package: true, Gzip: true})
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain) {
		t.Errorf("gunzipped package differs from the plain one")
	}
}

func TestExportRecords(t *testing.T) {
	f := newExportFixture(t)
	v := schematest.New(t)
	m, err := loadMerger("") // the embedded schema
	if err != nil {
		t.Fatal(err)
	}
	data, st := f.export(t, exportOptions{Package: true, Merger: m})
	if errs := v.ValidateRecordPackage(data); len(errs) > 0 {
		t.Fatalf("record package: %v\n%s", errs, data)
	}
	var pkg struct {
		Records []struct {
			OCID            string           `json:"ocid"`
			Releases        []map[string]any `json:"releases"`
			CompiledRelease map[string]any   `json:"compiledRelease"`
		} `json:"records"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Records) != 2 || st.Items != 2 {
		t.Fatalf("%d records (stats %+v), want 2", len(pkg.Records), st)
	}
	for _, r := range pkg.Records {
		last := r.Releases[len(r.Releases)-1]
		if r.CompiledRelease["ocid"] != r.OCID || !strings.Contains(fmt.Sprint(r.CompiledRelease["tag"]), "compiled") ||
			fmt.Sprint(m2(r.CompiledRelease["tender"])["status"]) != fmt.Sprint(m2(last["tender"])["status"]) {
			t.Errorf("record %s: compiled release %v does not end where the last release does", r.OCID, r.CompiledRelease)
		}
	}

	// Each exported record is the one the record endpoint serves, versioned
	// release included, in JSON Lines and in the package alike.
	srv, err := ocdsapi.New(f.store, ocdsapi.Config{OCDS: ocds.Config{Publisher: ocds.Publisher{Name: "Prozorro-Go test"}}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var full struct {
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{} // ocid → tender id
	page, err := f.store.Feed(context.Background(), tender.FeedQuery{Limit: 100, Mode: tender.FeedAll})
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range page.Items {
		ids[ocds.Config{}.OCID(tn.TenderID)] = tn.ID
	}
	lines, _ := f.export(t, exportOptions{Merger: m})
	jl := jsonLines(t, lines)
	if len(jl) != len(full.Records) {
		t.Fatalf("JSON Lines: %d records, package: %d", len(jl), len(full.Records))
	}
	for i, raw := range full.Records {
		var got map[string]any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, jl[i]) {
			t.Errorf("record %d: JSON Lines and package differ", i)
		}
		if got["versionedRelease"] == nil {
			t.Errorf("record %v has no versionedRelease", got["ocid"])
		}
		ocid := got["ocid"].(string)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ocdsapi.Prefix+"/tenders/"+ids[ocid]+"/ocds/record", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET record of %s: %d %s", ocid, rec.Code, rec.Body)
		}
		var served struct {
			Records []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &served); err != nil {
			t.Fatal(err)
		}
		if len(served.Records) != 1 || !reflect.DeepEqual(served.Records[0], got) {
			t.Errorf("exported record %s differs from the endpoint's:\n%s\n%s", ocid, raw, rec.Body)
		}
	}
}

func m2(v any) map[string]any { x, _ := v.(map[string]any); return x }
