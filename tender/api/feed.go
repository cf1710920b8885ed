package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// feedFields are the opt_fields a feed reader may ask for.
var feedFields = map[string]bool{
	"dateCreated": true, "dateModified": true, "tenderPeriod": true, "qualificationPeriod": true, "auctionPeriod": true,
	"awardPeriod": true, "status": true, "tenderID": true, "lots": true, "contracts": true, "agreements": true,
	"procuringEntity": true, "procurementMethodType": true, "procurementMethod": true, "next_check": true, "mode": true,
	"enquiryPeriod": true, "title": true, "value": true, "owner": true,
}

func queryError(name, description string) error {
	return NewStatusError(http.StatusUnprocessableEntity, "query", name, description)
}

// feed serves GET /tenders: public tenders in the order of their last change,
// with ProZorro's paging parameters.
func (s *server) feed(c *gin.Context, actor tender.Actor) error {
	q := tender.FeedQuery{Offset: c.Query("offset"), Limit: 100, Descending: c.Query("descending") != "", Mode: c.Query("mode")}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return queryError("limit", "Must be an integer")
		}
		q.Limit = min(max(n, 1), 1000)
	}
	switch q.Mode {
	case tender.FeedReal, tender.FeedTest, tender.FeedAll:
	default:
		return queryError("mode", "Value must be one of: test, _all_")
	}
	var fields []string
	if f := c.Query("opt_fields"); f != "" {
		for _, name := range strings.Split(f, ",") {
			name = strings.TrimSpace(name)
			if !feedFields[name] {
				return queryError("opt_fields", "Unknown field "+name)
			}
			fields = append(fields, name)
		}
	}
	page, err := s.svc.Feed(c, q)
	if err != nil {
		return err
	}
	items := make([]map[string]json.RawMessage, 0, len(page.Items))
	for _, t := range page.Items {
		raw, err := json.Marshal(t.View(actor.Role, ""))
		if err != nil {
			return err
		}
		var all map[string]json.RawMessage
		if err := json.Unmarshal(raw, &all); err != nil {
			return err
		}
		item := map[string]json.RawMessage{"id": all["id"], "dateModified": all["dateModified"]}
		for _, f := range fields {
			if v, ok := all[f]; ok {
				item[f] = v
			}
		}
		items = append(items, item)
	}
	c.PureJSON(http.StatusOK, gin.H{
		"data":      items,
		"next_page": s.pageLink(c, page.Next, q.Descending),
		"prev_page": s.pageLink(c, page.Prev, !q.Descending),
	})
	return nil
}

func (s *server) pageLink(c *gin.Context, offset string, descending bool) gin.H {
	v := url.Values{}
	for k, vals := range c.Request.URL.Query() {
		if k != "offset" && k != "descending" {
			v[k] = vals
		}
	}
	v.Set("offset", offset)
	if descending {
		v.Set("descending", "1")
	}
	path := Prefix + "/tenders?" + v.Encode()
	base := s.baseURL
	if base == "" {
		base = "http://" + c.Request.Host
	}
	return gin.H{"offset": offset, "path": path, "uri": base + path}
}
