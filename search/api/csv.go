package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/search"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// table is the CSV layout of one index: the header, the document fields a
// row needs (Query.Fields) and how a hit becomes a row.
type table struct {
	header []string
	fields []string
	row    func(hit json.RawMessage) ([]string, error)
}

var tables = map[search.Index]table{
	search.Tenders: {
		header: []string{"id", "tenderID", "ocid", "title", "status", "procurementMethodType", "buyer.id", "buyer.name",
			"region", "amount", "currency", "date", "tenderEnd", "numberOfBids", "suppliers", "flags", "riskScore"},
		fields: []string{"id", "tenderID", "ocid", "title", "status", "procurementMethodType", "buyer",
			"region", "amount", "currency", "date", "tenderEnd", "numberOfBids", "suppliers", "flags", "riskScore"},
		row: func(hit json.RawMessage) ([]string, error) {
			var d search.TenderDoc
			if err := json.Unmarshal(hit, &d); err != nil {
				return nil, err
			}
			bids := ""
			if d.NumberOfBids != nil {
				bids = strconv.Itoa(*d.NumberOfBids)
			}
			return []string{d.ID, d.TenderID, d.OCID, d.Title, d.Status, d.ProcurementMethodType, d.Buyer.ID, d.Buyer.Name,
				d.Region, d.Amount, d.Currency, csvTime(d.Date), csvTime(d.TenderEnd), bids, orgIDs(d.Suppliers),
				strings.Join(d.Flags, ";"), csvFloat(d.RiskScore)}, nil
		},
	},
	search.Contracts: {
		header: []string{"id", "tenderID", "ocid", "awardID", "contractID", "title", "status", "contractStatus",
			"procurementMethodType", "buyer.id", "buyer.name", "region", "suppliers", "supplierNames", "amount", "currency",
			"date", "dateSigned", "flags", "riskScore"},
		fields: []string{"id", "tenderID", "ocid", "awardID", "contractID", "title", "status", "contractStatus",
			"procurementMethodType", "buyer", "region", "suppliers", "amount", "currency", "date", "dateSigned", "flags", "riskScore"},
		row: func(hit json.RawMessage) ([]string, error) {
			var d search.ContractDoc
			if err := json.Unmarshal(hit, &d); err != nil {
				return nil, err
			}
			names := make([]string, len(d.Suppliers))
			for i, o := range d.Suppliers {
				names[i] = o.Name
			}
			return []string{d.ID, d.TenderID, d.OCID, d.AwardID, d.ContractID, d.Title, d.Status, d.ContractStatus,
				d.ProcurementMethodType, d.Buyer.ID, d.Buyer.Name, d.Region, orgIDs(d.Suppliers), strings.Join(names, ";"),
				d.Amount, d.Currency, csvTime(d.Date), csvTime(d.DateSigned), strings.Join(d.Flags, ";"), csvFloat(d.RiskScore)}, nil
		},
	},
}

func orgIDs(orgs []search.Org) string {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return strings.Join(ids, ";")
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func csvFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

var number = regexp.MustCompile(`^-?\d+(\.\d+)?$`)

// safeCell keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a text cell that starts with = + - @ or a tab or carriage
// return gets a leading apostrophe. Numbers stay as they are.
func safeCell(s string) string {
	if s == "" || number.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// export streams every hit of q as CSV, walking the result with
// search_after. The size is checked before anything is sent, so a refused
// export is an ordinary error answer; a backend failure half-way aborts
// the response, so the client sees a broken transfer, never a short file
// that looks complete.
func (s *Server) export(c *gin.Context, q search.Query) {
	tb := tables[q.Index]
	q.From, q.Size, q.After, q.Facets, q.Fields = 0, s.cfg.ExportPageSize, "", nil, tb.fields
	res, err := s.search(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	if res.Total > s.cfg.MaxExportRows {
		s.fail(c, tenderapi.NewStatusError(http.StatusUnprocessableEntity, "query", "format",
			fmt.Sprintf("The result has %d rows; a CSV export takes at most %d: narrow the filters", res.Total, s.cfg.MaxExportRows)))
		return
	}
	w := csv.NewWriter(c.Writer)
	w.UseCRLF = true
	var rows int64
	write := func(res *search.Result) error {
		for _, h := range res.Hits {
			rows++
			if rows > s.cfg.MaxExportRows {
				return fmt.Errorf("the result grew past %d rows during the export", s.cfg.MaxExportRows)
			}
			row, err := tb.row(h)
			if err != nil {
				return fmt.Errorf("hit %.200s: %w", h, err)
			}
			for i := range row {
				row[i] = safeCell(row[i])
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
		w.Flush()
		c.Writer.Flush()
		return w.Error()
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%s.csv", q.Index))
	c.Status(http.StatusOK)
	_ = w.Write(tb.header)
	for {
		if err := write(res); err != nil {
			s.abort(c, err)
		}
		if res.Next == "" || len(res.Hits) == 0 {
			return
		}
		q.After = res.Next
		if res, err = s.search(c.Request.Context(), q); err != nil {
			s.abort(c, err)
		}
	}
}

// abort ends a response already under way: net/http drops the connection
// (or resets the stream), which the client sees as a failed download.
func (s *Server) abort(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil {
		s.log.Debug("CSV export abandoned by the client", "path", c.Request.URL.Path, "err", err)
	} else {
		s.log.Error("CSV export failed half-way", "path", c.Request.URL.Path, "query", c.Request.URL.RawQuery, "err", err)
	}
	panic(http.ErrAbortHandler)
}
