package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// complaintRoutes registers claims and complaints on the tender, awards,
// qualifications and cancellations, with their documents:
//
//	GET, POST          .../complaints
//	GET, PATCH         .../complaints/{cid}
//	GET, POST          .../complaints/{cid}/documents
//	GET, PUT, PATCH    .../complaints/{cid}/documents/{did}
func (s *server) complaintRoutes(t *gin.RouterGroup) {
	for _, kind := range []string{"tender", "award", "qualification", "cancellation"} {
		path := "/complaints"
		if kind != "tender" {
			path = "/" + kind + "s/:sub/complaints"
		}
		kind := kind
		of := func(c *gin.Context) tender.ComplaintOf { return tender.ComplaintOf{Kind: kind, ID: c.Param("sub")} }
		docs := func(c *gin.Context) tender.DocTarget {
			return tender.DocTarget{Kind: kind, ID: c.Param("sub"), Complaint: c.Param("cid")}
		}
		t.GET(path, s.handle(func(c *gin.Context, actor tender.Actor) error {
			list, err := s.complaints(c, actor, of(c))
			if err != nil {
				return err
			}
			c.PureJSON(http.StatusOK, gin.H{"data": listOf(list)})
			return nil
		}))
		t.GET(path+"/:cid", s.handle(func(c *gin.Context, actor tender.Actor) error {
			x, err := s.complaint(c, actor, of(c))
			if err != nil {
				return err
			}
			c.PureJSON(http.StatusOK, gin.H{"data": x})
			return nil
		}))
		t.POST(path, s.handle(func(c *gin.Context, actor tender.Actor) error {
			var in tender.ComplaintInput
			if _, err := s.decode(c, &actor, &in); err != nil {
				return err
			}
			tn, x, creds, err := s.svc.AddComplaint(c, c.Param("id"), of(c), actor, in)
			if err != nil {
				return err
			}
			c.Header("Location", s.tenderURL(c, tn.ID)+c.Request.URL.Path[len(Prefix+"/tenders/"+tn.ID):]+"/"+x.ID)
			c.PureJSON(http.StatusCreated, gin.H{"data": x, "access": creds})
			return nil
		}))
		t.PATCH(path+"/:cid", s.handle(func(c *gin.Context, actor tender.Actor) error {
			var in tender.ComplaintInput
			if _, err := s.decode(c, &actor, &in); err != nil {
				return err
			}
			_, x, err := s.svc.PatchComplaint(c, c.Param("id"), of(c), c.Param("cid"), actor, in)
			if err != nil {
				return err
			}
			c.PureJSON(http.StatusOK, gin.H{"data": x})
			return nil
		}))
		s.docRoutes(t, path+"/:cid/documents", docs, func(c *gin.Context, actor tender.Actor) ([]tender.Document, error) {
			x, err := s.complaint(c, actor, of(c))
			if err != nil {
				return nil, err
			}
			return x.Documents, nil
		})
	}
}

// complaints returns the complaints lodged against of, as the public sees them.
func (s *server) complaints(c *gin.Context, actor tender.Actor, of tender.ComplaintOf) ([]tender.Complaint, error) {
	v, err := s.load(c, actor)
	if err != nil {
		return nil, err
	}
	return v.ComplaintsOf(of)
}

// complaint returns the complaint named in the URL.
func (s *server) complaint(c *gin.Context, actor tender.Actor, of tender.ComplaintOf) (*tender.Complaint, error) {
	list, err := s.complaints(c, actor, of)
	if err != nil {
		return nil, err
	}
	return findBy(list, c.Param("cid"), func(x *tender.Complaint) string { return x.ID }, "complaint_id")
}
