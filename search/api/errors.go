package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
	tenderapi "github.com/prozorro-go/prozorro/tender/api"
)

// unavailable is a backend failure: the search engine is down, slow or
// refused the query. Clients see 503 and retry later; the cause is logged.
type unavailable struct{ err error }

func (e *unavailable) Error() string { return "search backend: " + e.err.Error() }
func (e *unavailable) Unwrap() error { return e.err }

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "30"

// fail writes err in ProZorro's error shape with the tender API's status
// table; backend and internal errors are logged and never shown.
func (s *Server) fail(c *gin.Context, err error) {
	var un *unavailable
	switch {
	case tenderapi.Shown(err) || !errors.As(err, &un):
		tenderapi.Fail(c, s.log, err)
	case c.Request.Context().Err() != nil:
		// The client went away and took the request's context with it:
		// nobody reads an answer.
		s.log.Debug("search abandoned by the client", "path", c.Request.URL.Path, "err", err)
		c.Abort()
	default:
		s.log.Error("search backend failed", "method", c.Request.Method, "path", c.Request.URL.Path, "query", c.Request.URL.RawQuery, "err", un.err)
		c.Header("Retry-After", retryAfter)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, tenderapi.ErrorBody{Status: "error", Errors: []tender.FieldError{{Location: "body", Name: "data",
			Description: "Search is temporarily unavailable, please retry in a minute"}}})
	}
}
