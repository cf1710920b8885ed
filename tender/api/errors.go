package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
)

// statusOf is the one table from domain error codes to HTTP statuses.
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

// httpError is an error that carries its own HTTP status (decoding problems).
type httpError struct {
	status int
	errs   []tender.FieldError
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %v", e.status, e.errs) }

func badRequest(location, name, description string) error {
	return &httpError{http.StatusBadRequest, []tender.FieldError{{Location: location, Name: name, Description: description}}}
}

// fail writes err in ProZorro's error shape. Internal errors are logged and
// never shown.
func fail(c *gin.Context, log *slog.Logger, err error) {
	var he *httpError
	if errors.As(err, &he) {
		c.AbortWithStatusJSON(he.status, errorBody{"error", he.errs})
		return
	}
	var de *tender.Error
	if errors.As(err, &de) && de.Code != tender.CodeInternal {
		c.AbortWithStatusJSON(statusOf[de.Code], errorBody{"error", de.Errors})
		return
	}
	log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{"error", []tender.FieldError{{Location: "body", Name: "data", Description: "Internal server error"}}})
}

// decodeError turns a json decoding error into a 400 or a 422 naming the field.
func decodeError(err error, prefix string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &httpError{http.StatusRequestEntityTooLarge, []tender.FieldError{{Location: "body", Name: "data", Description: fmt.Sprintf("Request body is larger than %d bytes", mbe.Limit)}}}
	case errors.As(err, &syn), errors.Is(err, errUnexpectedEOF):
		return badRequest("body", "data", "Expecting a JSON object: "+err.Error())
	case errors.As(err, &typ):
		name := strings.TrimPrefix(prefix+"."+typ.Field, ".")
		if typ.Field == "" {
			name = prefix
		}
		return tender.Invalid(name, "Expected %s, got %s", typ.Type.String(), typ.Value)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return tender.Invalid(strings.TrimPrefix(prefix+"."+strings.Trim(f, `"`), "."), "Rogue field")
	}
	if strings.HasPrefix(msg, "amount:") {
		return tender.Invalid(prefix, "%s", msg)
	}
	if strings.Contains(msg, "parsing time") {
		return tender.Invalid(prefix, "Could not parse a date: use ISO 8601 with a time zone, e.g. 2026-11-22T10:00:00+02:00")
	}
	return badRequest("body", "data", "Expecting a JSON object: "+msg)
}
