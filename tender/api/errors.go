package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
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

// HTTPStatus is the HTTP status of a domain error code, from the one table
// that the tender, OCDS and search APIs share. A code outside the table is a
// 500.
func HTTPStatus(code tender.Code) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// ErrorBody is ProZorro's error shape:
// {"status": "error", "errors": [{"location", "name", "description"}...]}.
type ErrorBody struct {
	Status string              `json:"status"`
	Errors []tender.FieldError `json:"errors"`
}

// StatusError is an error of the HTTP layer that carries its own status: a
// request that cannot be decoded, an unknown route, a bad query parameter.
type StatusError struct {
	Status int
	Errors []tender.FieldError
}

func (e *StatusError) Error() string { return fmt.Sprintf("%d %v", e.Status, e.Errors) }

// NewStatusError returns a StatusError with one entry.
func NewStatusError(status int, location, name, description string) *StatusError {
	return &StatusError{status, []tender.FieldError{{Location: location, Name: name, Description: description}}}
}

func badRequest(location, name, description string) error {
	return NewStatusError(http.StatusBadRequest, location, name, description)
}

// Shown reports whether Fail shows err to the client: a *StatusError, or a
// *tender.Error other than an internal one.
func Shown(err error) bool {
	var se *StatusError
	var de *tender.Error
	return errors.As(err, &se) || errors.As(err, &de) && de.Code != tender.CodeInternal
}

// Fail writes err in ProZorro's error shape and aborts the request: a
// *StatusError with its status, a *tender.Error with the status of its code.
// Anything else, internal errors included, is logged and answered with a bare
// 500 that shows nothing of it.
func Fail(c *gin.Context, log *slog.Logger, err error) {
	var se *StatusError
	if errors.As(err, &se) {
		c.AbortWithStatusJSON(se.Status, ErrorBody{"error", se.Errors})
		return
	}
	var de *tender.Error
	if errors.As(err, &de) && de.Code != tender.CodeInternal {
		c.AbortWithStatusJSON(HTTPStatus(de.Code), ErrorBody{"error", de.Errors})
		return
	}
	log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{"error", []tender.FieldError{{Location: "body", Name: "data", Description: "Internal server error"}}})
}

// Recover returns the middleware that turns a panic into a 500: the stack
// goes to log only, and the answer, unless one is already written, to fail.
// http.ErrAbortHandler panics on, so that net/http aborts the response as the
// handler meant.
func Recover(log *slog.Logger, fail func(*gin.Context, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					fail(c, fmt.Errorf("panic: %v", v))
				}
			}
		}()
		c.Next()
	}
}

// NewEngine returns a Gin engine, in release mode, that answers in ProZorro's
// error shape through fail: a panic as Recover does, an unknown path with 404
// and a known path asked with another method with 405. The use middleware
// runs first, on every request, errors included.
func NewEngine(log *slog.Logger, fail func(*gin.Context, error), use ...gin.HandlerFunc) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(use...)
	r.Use(Recover(log, fail))
	r.NoRoute(func(c *gin.Context) { fail(c, NewStatusError(http.StatusNotFound, "url", "path", "Not Found")) })
	r.NoMethod(func(c *gin.Context) {
		fail(c, NewStatusError(http.StatusMethodNotAllowed, "url", "method", "Method not allowed"))
	})
	return r
}

// decodeError turns a json decoding error into a 400 or a 422 naming the field.
func decodeError(err error, prefix string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return NewStatusError(http.StatusRequestEntityTooLarge, "body", "data", fmt.Sprintf("Request body is larger than %d bytes", mbe.Limit))
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
