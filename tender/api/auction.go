package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// auctionView is what GET/PATCH /auction answer: the tender fields an
// auction service plans and runs auctions from. v is already the caller's
// view: for the auction role during active.auction, bids carry prices,
// feature answers and participation URLs but no names.
func auctionView(v *tender.Tender) gin.H {
	return gin.H{
		"id": v.ID, "tenderID": v.TenderID, "status": v.Status, "mode": v.Mode,
		"title": v.Title, "title_en": v.TitleEn, "description": v.Description, "description_en": v.DescriptionEn,
		"procuringEntity": v.ProcuringEntity, "value": v.Value, "minimalStep": v.MinimalStep,
		"auctionPeriod": v.AuctionPeriod, "auctionUrl": v.AuctionURL, "awardCriteria": v.AwardCriteria,
		"bids": v.Bids, "items": v.Items, "lots": v.Lots, "features": v.Features,
		"procurementMethodType":    v.ProcurementMethodType,
		"procurementMethodDetails": v.ProcurementMethodDetails,
		"submissionMethodDetails":  v.SubmissionMethodDetails,
		"dateModified":             v.DateModified,
	}
}

// patchAuction records the auction URL and the participants' links of the
// tender's auction, or of one lot's.
func (s *server) patchAuction(c *gin.Context, actor tender.Actor) error {
	var in tender.AuctionURLs
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, err := s.svc.PatchAuctionURLs(c, c.Param("id"), c.Param("lot"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": auctionView(t.View(actor.Role, ""))})
	return nil
}
