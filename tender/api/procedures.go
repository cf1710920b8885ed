package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

func (s *server) addAward(c *gin.Context, actor tender.Actor) error {
	var in tender.AwardInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	t, a, err := s.svc.AddAward(c, c.Param("id"), actor, in)
	if err != nil {
		return err
	}
	c.Header("Location", s.tenderURL(c, t.ID)+"/awards/"+a.ID)
	c.PureJSON(http.StatusCreated, gin.H{"data": a})
	return nil
}

func (s *server) listQualifications(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Qualifications)})
	return nil
}

func (s *server) getQualification(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	q, err := findBy(v.Qualifications, c.Param("sub"), func(x *tender.Qualification) string { return x.ID }, "qualification_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": q})
	return nil
}

func (s *server) patchQualification(c *gin.Context, actor tender.Actor) error {
	var in tender.QualificationInput
	if _, err := s.decode(c, &actor, &in); err != nil {
		return err
	}
	_, q, err := s.svc.PatchQualification(c, c.Param("id"), c.Param("sub"), actor, in)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": q})
	return nil
}

func (s *server) listLots(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": listOf(v.Lots)})
	return nil
}

func (s *server) getLot(c *gin.Context, actor tender.Actor) error {
	v, err := s.load(c, actor)
	if err != nil {
		return err
	}
	l, err := findBy(v.Lots, c.Param("sub"), func(x *tender.Lot) string { return x.ID }, "lot_id")
	if err != nil {
		return err
	}
	c.PureJSON(http.StatusOK, gin.H{"data": l})
	return nil
}
