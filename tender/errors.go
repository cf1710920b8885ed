package tender

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an Error; tender/api maps each code to one HTTP status.
type Code string

// The error codes. Tests assert codes, never message strings.
const (
	CodeInvalid      Code = "invalid"      // semantic validation failed: 422 with every field listed
	CodeForbidden    Code = "forbidden"    // not allowed in this status or for this role: 403
	CodeNotFound     Code = "not_found"    // 404
	CodeConflict     Code = "conflict"     // a concurrent change won the race: 409
	CodeUnauthorized Code = "unauthorized" // missing or unknown credentials: 401
	CodeInternal     Code = "internal"     // 500; the message never reaches the client
)

// FieldError is one entry of ProZorro's error list.
type FieldError struct {
	Location    string `json:"location"`
	Name        string `json:"name"`
	Description any    `json:"description"`
}

// Error is the one error type of the domain.
type Error struct {
	Code   Code
	Errors []FieldError
	Err    error // wrapped cause, for logs
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "; %s %s: %v", f.Location, f.Name, f.Description)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of err, or CodeInternal when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinel errors that stores return; wrap them, test them with errors.Is.
var (
	ErrNotFound = &Error{Code: CodeNotFound, Errors: []FieldError{{"url", "tender_id", "Not Found"}}}
	ErrConflict = &Error{Code: CodeConflict, Errors: []FieldError{{"body", "data", "Conflict while updating document. Please, retry"}}}
)

// Forbidden returns a 403-class error with ProZorro's usual body location.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Errors: []FieldError{{"body", "data", fmt.Sprintf(format, args...)}}}
}

// NotFound returns a 404-class error naming the missing URL parameter.
func NotFound(name string) *Error {
	return &Error{Code: CodeNotFound, Errors: []FieldError{{"url", name, "Not Found"}}}
}

// Unauthorized returns a 401-class error.
func Unauthorized(description string) *Error {
	return &Error{Code: CodeUnauthorized, Errors: []FieldError{{"header", "Authorization", description}}}
}

// statusForbidden is the ProZorro wording for an operation refused in a status.
func statusForbidden(what string, status Status) *Error {
	return Forbidden("Can't %s in current (%s) tender status", what, status)
}

// Problems accumulates field errors so a 422 lists every invalid field at once.
type Problems struct{ list []FieldError }

// Add records a problem with the body field name.
func (p *Problems) Add(name string, format string, args ...any) {
	p.list = append(p.list, FieldError{Location: "body", Name: name, Description: []string{fmt.Sprintf(format, args...)}})
}

// Err returns nil when nothing was added, else a CodeInvalid error.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Errors: p.list}
}

// Invalid returns a 422-class error for one field.
func Invalid(name, format string, args ...any) *Error {
	var p Problems
	p.Add(name, format, args...)
	return p.Err().(*Error)
}
