package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// statusOf maps domain error codes to HTTP statuses, as the tender API does.
var statusOf = map[tender.Code]int{
	tender.CodeInvalid:      http.StatusUnprocessableEntity,
	tender.CodeForbidden:    http.StatusForbidden,
	tender.CodeNotFound:     http.StatusNotFound,
	tender.CodeConflict:     http.StatusConflict,
	tender.CodeUnauthorized: http.StatusUnauthorized,
	tender.CodeInternal:     http.StatusInternalServerError,
}

type errorBody struct {
	Status string              `json:"status"`
	Errors []tender.FieldError `json:"errors"`
}

// httpError is an error of this layer with its own status.
type httpError struct {
	status                      int
	location, name, description string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%d %s.%s: %s", e.status, e.location, e.name, e.description)
}

// unavailable is a backend failure: the search engine is down, slow or
// refused the query. Clients see 503 and retry later; the cause is logged.
type unavailable struct{ err error }

func (e *unavailable) Error() string { return "search backend: " + e.err.Error() }
func (e *unavailable) Unwrap() error { return e.err }

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "30"

// fail writes err in ProZorro's error shape; backend and internal errors are
// logged and never shown.
func (s *Server) fail(c *gin.Context, err error) {
	var he *httpError
	var un *unavailable
	var de *tender.Error
	switch {
	case errors.As(err, &he):
		c.AbortWithStatusJSON(he.status, errorBody{"error", []tender.FieldError{{Location: he.location, Name: he.name, Description: he.description}}})
	case errors.As(err, &de) && de.Code != tender.CodeInternal:
		c.AbortWithStatusJSON(statusOf[de.Code], errorBody{"error", de.Errors})
	case errors.As(err, &un) && c.Request.Context().Err() != nil:
		// The client went away and took the request's context with it:
		// nobody reads an answer.
		s.log.Debug("search abandoned by the client", "path", c.Request.URL.Path, "err", err)
		c.Abort()
	case errors.As(err, &un):
		s.log.Error("search backend failed", "method", c.Request.Method, "path", c.Request.URL.Path, "query", c.Request.URL.RawQuery, "err", un.err)
		c.Header("Retry-After", retryAfter)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{"error", []tender.FieldError{{Location: "body", Name: "data",
			Description: "Search is temporarily unavailable, please retry in a minute"}}})
	default:
		s.log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{"error", []tender.FieldError{{Location: "body", Name: "data", Description: "Internal server error"}}})
	}
}
