package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
	"github.com/prozorro-go/prozorro/search"
	"github.com/prozorro-go/prozorro/tender"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// Risks is what GET /tenders/{id}/risks needs: the stored tenders and the
// red-flag evaluator with the dataset statistics.
type Risks struct {
	// Load returns a stored tender or an error wrapping tender.ErrNotFound.
	Load func(ctx context.Context, id string) (*tender.Tender, error)
	Risk *search.Risk
	OCDS ocds.Config
}

// RisksPath is the route pattern of the risks endpoint on a ServeMux.
const RisksPath = "GET " + Prefix + "/tenders/{id}/risks"

// riskFlag is one flag as the endpoint shows it: the indicator's catalogue
// entry beside the evidence.
type riskFlag struct {
	flags.Flag
	Description string `json:"description,omitempty"`
	Dataset     bool   `json:"dataset"` // judged against the dataset's statistics
}

type riskReport struct {
	ID        string     `json:"id"`
	TenderID  string     `json:"tenderID"`
	OCID      string     `json:"ocid"`
	Status    string     `json:"status"`
	Flags     []riskFlag `json:"flags"`
	Codes     []string   `json:"codes"`
	RiskScore float64    `json:"riskScore"`
	// StatsComputedAt is when the dataset statistics used were computed;
	// absent before the first computation (then only the indicators of the
	// process alone were evaluated).
	StatsComputedAt *time.Time `json:"statsComputedAt,omitempty"`
	EvaluatedAt     time.Time  `json:"evaluatedAt"`
}

// risks answers GET /tenders/{id}/risks: the tender's red flags, evaluated
// now from its public state, with the evidence of each.
func (s *Server) risks(c *gin.Context) {
	rk := s.cfg.Risks
	t, err := rk.Load(c.Request.Context(), c.Param("id"))
	if tender.ErrorCode(err) == tender.CodeNotFound {
		s.fail(c, tenderapi.NewStatusError(http.StatusNotFound, "url", "tender_id", "Not Found"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	rel, ok := ocds.Current(t, rk.OCDS)
	if !ok {
		s.fail(c, tenderapi.NewStatusError(http.StatusNotFound, "url", "tender_id", "Not Found"))
		return
	}
	a, err := rk.Risk.Assess(c.Request.Context(), &rel)
	if err != nil {
		s.fail(c, err)
		return
	}
	rep := riskReport{ID: t.ID, TenderID: t.TenderID, OCID: rel.OCID, Status: string(t.Status), Flags: []riskFlag{},
		EvaluatedAt: time.Now().UTC()}
	rep.Codes, rep.RiskScore = a.Codes()
	if rep.Codes == nil {
		rep.Codes = []string{}
	}
	if !a.StatsAt.IsZero() {
		at := a.StatsAt.UTC()
		rep.StatsComputedAt = &at
	}
	for _, f := range a.Flags {
		rf := riskFlag{Flag: f}
		if ind, ok := flags.Lookup(f.Code); ok {
			rf.Description, rf.Dataset = ind.Description, ind.Dataset
		}
		rep.Flags = append(rep.Flags, rf)
	}
	c.PureJSON(http.StatusOK, gin.H{"data": rep})
}
