package tenderapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prozorro-go/prozorro/auction/tenderapi"
	"github.com/prozorro-go/prozorro/tender"
)

// TestRefusals: the tender API's error shape comes back as *tender.Error
// with the code of the status, the error list kept.
func TestRefusals(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   tender.Code
		name   string
	}{
		{403, `{"status":"error","errors":[{"location":"body","name":"data","description":"Can't report auction results in current (active.qualification) tender status"}]}`, tender.CodeForbidden, "data"},
		{422, `{"status":"error","errors":[{"location":"body","name":"bids","description":["Number of auction results did not match the number of tender bids"]}]}`, tender.CodeInvalid, "bids"},
		{404, `{"status":"error","errors":[{"location":"url","name":"tender_id","description":"Not Found"}]}`, tender.CodeNotFound, "tender_id"},
		{409, `{"status":"error","errors":[{"location":"body","name":"data","description":"Conflict"}]}`, tender.CodeConflict, "data"},
		{502, `<html>bad gateway</html>`, tender.CodeInternal, "data"},
	}
	for _, tc := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if user, _, ok := r.BasicAuth(); !ok || user != "auctionkey" {
				t.Errorf("auth %q", r.Header.Get("Authorization"))
			}
			if r.URL.Path != "/api/2.5/tenders/t1/auction/l1" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
			}
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		err := tenderapi.New(srv.URL, "auctionkey").PostResults(context.Background(), "t1", "l1", tender.AuctionResults{})
		srv.Close()
		var te *tender.Error
		if !errors.As(err, &te) || te.Code != tc.code || len(te.Errors) != 1 || te.Errors[0].Name != tc.name {
			t.Errorf("status %d: %v, want code %s naming %s", tc.status, err, tc.code, tc.name)
		}
	}
	if err := tenderapi.New("http://127.0.0.1:1", "k").PostResults(context.Background(), "t1", "", tender.AuctionResults{}); tender.ErrorCode(err) != tender.CodeInternal {
		t.Errorf("network error: %v", err)
	}
}

// TestFeed reads a page of ProZorro's feed shape.
func TestFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("offset") != "41" || q.Get("mode") != "_all_" || q.Get("opt_fields") != "status,lots" {
			t.Errorf("query %v", q)
		}
		w.Write([]byte(`{"data":[{"id":"t1","dateModified":"2026-03-02T11:00:00+02:00","status":"active.auction",
			"lots":[{"id":"l1","title":"","value":{"amount":100,"currency":"UAH"},"status":"active"}]}],
			"next_page":{"offset":"42","path":"/api/2.5/tenders?offset=42","uri":"x"},"prev_page":{"offset":"41"}}`))
	}))
	defer srv.Close()
	page, err := tenderapi.New(srv.URL, "").Feed(context.Background(), "41")
	if err != nil {
		t.Fatal(err)
	}
	if page.Next != "42" || len(page.Items) != 1 || page.Items[0].Status != tender.StatusAuction || page.Items[0].Lots[0].ID != "l1" {
		t.Errorf("page %+v", page)
	}
}
