package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// documentRoutes registers the document endpoints of the tender and of each
// object that carries documents.
func (s *server) documentRoutes(t *gin.RouterGroup) {
	for _, kind := range []string{"tender", "bid", "award", "contract", "cancellation", "qualification"} {
		path := "/documents"
		if kind != "tender" {
			path = "/" + kind + "s/:sub/documents"
		}
		target := func(c *gin.Context) tender.DocTarget { return tender.DocTarget{Kind: kind, ID: c.Param("sub")} }
		s.docRoutes(t, path, target, func(c *gin.Context, actor tender.Actor) ([]tender.Document, error) {
			return s.documents(c, actor, target(c))
		})
	}
}

// docRoutes registers list, read, add, new version (PUT) and metadata edit
// (PATCH) of one document list at path.
func (s *server) docRoutes(t *gin.RouterGroup, path string, target func(*gin.Context) tender.DocTarget,
	list func(*gin.Context, tender.Actor) ([]tender.Document, error)) {
	t.GET(path, s.handle(func(c *gin.Context, actor tender.Actor) error {
		docs, err := list(c, actor)
		if err != nil {
			return err
		}
		c.PureJSON(http.StatusOK, gin.H{"data": listOf(docs)})
		return nil
	}))
	t.GET(path+"/:doc", s.handle(func(c *gin.Context, actor tender.Actor) error {
		docs, err := list(c, actor)
		if err != nil {
			return err
		}
		d, err := findBy(docs, c.Param("doc"), func(d *tender.Document) string { return d.ID }, "document_id")
		if err != nil {
			return err
		}
		c.PureJSON(http.StatusOK, gin.H{"data": d})
		return nil
	}))
	t.POST(path, s.handle(func(c *gin.Context, actor tender.Actor) error {
		var in tender.DocumentInput
		if _, err := s.decode(c, &actor, &in); err != nil {
			return err
		}
		tn, d, err := s.svc.AddDocument(c, c.Param("id"), target(c), actor, in)
		if err != nil {
			return err
		}
		c.Header("Location", s.tenderURL(c, tn.ID)+c.Request.URL.Path[len(Prefix+"/tenders/"+tn.ID):]+"/"+d.ID)
		c.PureJSON(http.StatusCreated, gin.H{"data": d})
		return nil
	}))
	update := func(newVersion bool) gin.HandlerFunc {
		return s.handle(func(c *gin.Context, actor tender.Actor) error {
			var in tender.DocumentInput
			if _, err := s.decode(c, &actor, &in); err != nil {
				return err
			}
			_, d, err := s.svc.UpdateDocument(c, c.Param("id"), target(c), c.Param("doc"), actor, in, newVersion)
			if err != nil {
				return err
			}
			c.PureJSON(http.StatusOK, gin.H{"data": d})
			return nil
		})
	}
	t.PUT(path+"/:doc", update(true))
	t.PATCH(path+"/:doc", update(false))
}

// documents returns the current documents of target as actor may see them.
func (s *server) documents(c *gin.Context, actor tender.Actor, target tender.DocTarget) ([]tender.Document, error) {
	if target.Kind == "bid" {
		b, err := s.svc.GetBid(c, c.Param("id"), target.ID, actor)
		if err != nil {
			return nil, err
		}
		return b.Documents, nil
	}
	v, err := s.load(c, actor)
	if err != nil {
		return nil, err
	}
	switch target.Kind {
	case "award":
		a, err := findBy(v.Awards, target.ID, func(a *tender.Award) string { return a.ID }, "award_id")
		if err != nil {
			return nil, err
		}
		return a.Documents, nil
	case "contract":
		x, err := findBy(v.Contracts, target.ID, func(x *tender.Contract) string { return x.ID }, "contract_id")
		if err != nil {
			return nil, err
		}
		return x.Documents, nil
	case "qualification":
		x, err := findBy(v.Qualifications, target.ID, func(x *tender.Qualification) string { return x.ID }, "qualification_id")
		if err != nil {
			return nil, err
		}
		return x.Documents, nil
	case "cancellation":
		x, err := findBy(v.Cancellations, target.ID, func(x *tender.Cancellation) string { return x.ID }, "cancellation_id")
		if err != nil {
			return nil, err
		}
		return x.Documents, nil
	}
	return v.Documents, nil
}
