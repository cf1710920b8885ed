package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// transferRoutes registers ProZorro's relocation endpoints on the /api/2.5
// group: transfers, and the ownership change of tenders and bids.
func (s *server) transferRoutes(g *gin.RouterGroup) {
	g.POST("/transfers", s.handle(s.createTransfer))
	g.GET("/transfers/:tid", s.handle(s.getTransfer))
	g.POST("/tenders/:id/ownership", s.handle(s.changeOwnership))
	g.POST("/tenders/:id/bids/:sub/ownership", s.handle(s.changeOwnership))
}

// createTransfer answers POST /transfers {"data": {}} with the transfer and,
// once, the tokens the taken-over object will carry.
func (s *server) createTransfer(c *gin.Context, actor tender.Actor) error {
	var in struct{}
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	tr, creds, err := s.svc.CreateTransfer(c, actor)
	if err != nil {
		return err
	}
	c.Header("Location", s.transferURL(c, tr.ID))
	c.PureJSON(http.StatusCreated, gin.H{"data": tr, "access": creds})
	return nil
}

func (s *server) getTransfer(c *gin.Context, _ tender.Actor) error {
	tr, err := s.svc.GetTransfer(c, c.Param("tid"))
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": tr})
	return nil
}

// changeOwnership applies a transfer to a tender or, with :sub, to one of its
// bids, and answers as ProZorro does with the object's id and new owner.
func (s *server) changeOwnership(c *gin.Context, actor tender.Actor) error {
	var in tender.OwnershipInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	target := tender.OwnershipTarget{TenderID: c.Param("id"), BidID: c.Param("sub")}
	t, err := s.svc.ChangeOwnership(c, target, actor, in)
	if err != nil {
		return err
	}
	id, owner := t.ID, t.Owner
	if target.BidID != "" {
		b, err := findBy(t.Bids, target.BidID, func(b *tender.Bid) string { return b.ID }, "bid_id")
		if err != nil {
			return err
		}
		id, owner = b.ID, b.Owner
	}
	c.PureJSON(http.StatusOK, gin.H{"data": gin.H{"id": id, "owner": owner}})
	return nil
}

func (s *server) transferURL(c *gin.Context, id string) string {
	return strings.TrimSuffix(s.tenderURL(c, ""), "/tenders/") + "/transfers/" + id
}
