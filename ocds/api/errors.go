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

// fail writes err in ProZorro's error shape; internal errors are logged and
// never shown.
func (s *Server) fail(c *gin.Context, err error) {
	var he *httpError
	if errors.As(err, &he) {
		c.AbortWithStatusJSON(he.status, errorBody{"error", []tender.FieldError{{Location: he.location, Name: he.name, Description: he.description}}})
		return
	}
	var de *tender.Error
	if errors.As(err, &de) && de.Code != tender.CodeInternal {
		c.AbortWithStatusJSON(statusOf[de.Code], errorBody{"error", de.Errors})
		return
	}
	s.log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{"error", []tender.FieldError{{Location: "body", Name: "data", Description: "Internal server error"}}})
}
