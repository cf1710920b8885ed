// Package tenderapi is the tender API as the auction service calls it over
// HTTP: an auction.TenderClient authenticated with the auction role's
// platform key (HTTP Basic, key as the user name, as ProZorro's clients do).
// Refusals come back as *tender.Error with the code of the HTTP status and
// ProZorro's error list, so the worker can tell a 403 from a network error.
package tenderapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

// Prefix is the tender API's path prefix.
const Prefix = "/api/2.5"

// Client calls the tender API at BaseURL (scheme and host, without Prefix).
type Client struct {
	BaseURL string
	Key     string // the auction role's platform key
	HTTP    *http.Client
}

var _ auction.TenderClient = (*Client)(nil)

// New returns a Client with a 30-second request timeout.
func New(baseURL, key string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Key: key, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// codeOf is the one table from HTTP statuses back to the domain's codes.
var codeOf = map[int]tender.Code{
	http.StatusUnprocessableEntity: tender.CodeInvalid,
	http.StatusBadRequest:          tender.CodeInvalid,
	http.StatusForbidden:           tender.CodeForbidden,
	http.StatusNotFound:            tender.CodeNotFound,
	http.StatusConflict:            tender.CodeConflict,
	http.StatusUnauthorized:        tender.CodeUnauthorized,
}

// do sends body (JSON-encoded under "data" unless nil) and decodes the
// reply's "data" into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(map[string]any{"data": body})
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+Prefix+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.Key != "" {
		req.SetBasicAuth(c.Key, "")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("tender API %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("tender API %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return replyError(method, path, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("tender API %s %s: %w", method, path, err)
	}
	return nil
}

// replyError turns a refusal in ProZorro's shape ({"status":"error",
// "errors":[...]}) into a *tender.Error.
func replyError(method, path string, status int, raw []byte) error {
	var body struct {
		Errors []tender.FieldError `json:"errors"`
	}
	_ = json.Unmarshal(raw, &body)
	code, ok := codeOf[status]
	if !ok {
		code = tender.CodeInternal
	}
	if len(body.Errors) == 0 {
		body.Errors = []tender.FieldError{{Location: "body", Name: "data", Description: strings.TrimSpace(string(raw))}}
	}
	return &tender.Error{Code: code, Errors: body.Errors, Err: fmt.Errorf("tender API %s %s: HTTP %d", method, path, status)}
}

func tenderPath(id string) string { return "/tenders/" + url.PathEscape(id) }

func auctionPath(id, lot string) string {
	p := tenderPath(id) + "/auction"
	if lot != "" {
		p += "/" + url.PathEscape(lot)
	}
	return p
}

// Feed reads one page of the feed after offset, test tenders included,
// with each tender's status and lots.
func (c *Client) Feed(ctx context.Context, offset string) (tender.FeedPage, error) {
	q := url.Values{"opt_fields": {"status,lots"}, "mode": {tender.FeedAll}, "limit": {"100"}}
	if offset != "" {
		q.Set("offset", offset)
	}
	var page struct {
		Data     []*tender.Tender `json:"data"`
		NextPage struct {
			Offset string `json:"offset"`
		} `json:"next_page"`
		PrevPage struct {
			Offset string `json:"offset"`
		} `json:"prev_page"`
	}
	// The feed answers at the top level, not under "data" alone.
	if err := c.do(ctx, http.MethodGet, "/tenders?"+q.Encode(), nil, &page); err != nil {
		return tender.FeedPage{}, err
	}
	return tender.FeedPage{Items: page.Data, Next: page.NextPage.Offset, Prev: page.PrevPage.Offset}, nil
}

type envelope[T any] struct {
	Data T `json:"data"`
}

// Auction reads GET /tenders/{id}/auction.
func (c *Client) Auction(ctx context.Context, id string) (*tender.Tender, error) {
	var r envelope[*tender.Tender]
	if err := c.do(ctx, http.MethodGet, auctionPath(id, ""), nil, &r); err != nil {
		return nil, err
	}
	if r.Data == nil {
		return nil, fmt.Errorf("tender API: GET %s: no data", auctionPath(id, ""))
	}
	return r.Data, nil
}

// PatchAuctionURLs sends PATCH /tenders/{id}/auction[/{lot}].
func (c *Client) PatchAuctionURLs(ctx context.Context, id, lot string, urls tender.AuctionURLs) error {
	return c.do(ctx, http.MethodPatch, auctionPath(id, lot), urls, nil)
}

// PostResults sends POST /tenders/{id}/auction[/{lot}].
func (c *Client) PostResults(ctx context.Context, id, lot string, res tender.AuctionResults) error {
	return c.do(ctx, http.MethodPost, auctionPath(id, lot), res, nil)
}

// Documents lists the tender's documents.
func (c *Client) Documents(ctx context.Context, id string) ([]tender.Document, error) {
	var r envelope[[]tender.Document]
	if err := c.do(ctx, http.MethodGet, tenderPath(id)+"/documents", nil, &r); err != nil {
		return nil, err
	}
	return r.Data, nil
}

// documentInput is what a document upload may carry.
type documentInput struct {
	Title        string `json:"title"`
	URL          string `json:"url"`
	Hash         string `json:"hash,omitempty"`
	Format       string `json:"format"`
	DocumentType string `json:"documentType,omitempty"`
	DocumentOf   string `json:"documentOf,omitempty"`
	RelatedItem  string `json:"relatedItem,omitempty"`
}

func inputOf(d tender.Document) documentInput {
	return documentInput{Title: d.Title, URL: d.URL, Hash: d.Hash, Format: d.Format, DocumentType: d.DocumentType,
		DocumentOf: d.DocumentOf, RelatedItem: d.RelatedItem}
}

// AddDocument sends POST /tenders/{id}/documents.
func (c *Client) AddDocument(ctx context.Context, id string, doc tender.Document) error {
	return c.do(ctx, http.MethodPost, tenderPath(id)+"/documents", inputOf(doc), nil)
}

// UpdateDocument sends PUT /tenders/{id}/documents/{docID}: a new version.
func (c *Client) UpdateDocument(ctx context.Context, id, docID string, doc tender.Document) error {
	return c.do(ctx, http.MethodPut, tenderPath(id)+"/documents/"+url.PathEscape(docID), inputOf(doc), nil)
}
