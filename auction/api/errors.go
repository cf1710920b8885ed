package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/auction"
)

// FieldError is one entry of ProZorro's error body. Rule names the bidding
// rule a refused bid broke (auction.Rule), so that clients can react without
// parsing the description.
type FieldError struct {
	Location    string `json:"location"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Rule        string `json:"rule,omitempty"`
}

// Error is an error with its HTTP status and ProZorro error entries.
type Error struct {
	Status int
	Errors []FieldError
}

func (e *Error) Error() string { return fmt.Sprintf("%d %v", e.Status, e.Errors) }

func newError(status int, location, name, format string, args ...any) *Error {
	return &Error{Status: status, Errors: []FieldError{{Location: location, Name: name, Description: fmt.Sprintf(format, args...)}}}
}

func errNotFound() *Error { return newError(http.StatusNotFound, "url", "auction_id", "Not Found") }

// ruleStatus is the one table from broken bidding rules to HTTP statuses:
// rules about who may bid now are refusals in this state (403), rules about
// the amount are invalid input (422) naming "amount".
var ruleStatus = map[auction.Rule]int{
	auction.RuleNotBidding:  http.StatusForbidden,
	auction.RuleNotYourTurn: http.StatusForbidden,
	auction.RuleUnknown:     http.StatusForbidden,
	auction.RuleNoBid:       http.StatusForbidden,
	auction.RuleLate:        http.StatusForbidden,
	auction.RuleNotPositive: http.StatusUnprocessableEntity,
	auction.RulePrecision:   http.StatusUnprocessableEntity,
	auction.RuleStep:        http.StatusUnprocessableEntity,
}

// asError turns a service or store error into an *Error; ok is false for
// internal errors, which are never shown.
func asError(err error) (*Error, bool) {
	var he *Error
	var be *auction.BidError
	switch {
	case errors.As(err, &he):
		return he, true
	case errors.Is(err, auction.ErrNotFound):
		return errNotFound(), true
	case errors.Is(err, auction.ErrBadToken):
		return newError(http.StatusForbidden, "body", "hash", "Invalid hash"), true
	case errors.As(err, &be):
		status, ok := ruleStatus[be.Rule]
		if !ok {
			status = http.StatusForbidden
		}
		name := string(be.Rule)
		if status == http.StatusUnprocessableEntity {
			name = "amount"
		}
		return &Error{Status: status, Errors: []FieldError{{Location: "body", Name: name, Description: be.Message, Rule: string(be.Rule)}}}, true
	}
	return nil, false
}

type errorBody struct {
	Status string       `json:"status"`
	Errors []FieldError `json:"errors"`
}

// fail writes err in ProZorro's error shape; internal errors are logged and
// answered with a bare 500.
func fail(c *gin.Context, log *slog.Logger, err error) {
	if he, ok := asError(err); ok {
		c.AbortWithStatusJSON(he.Status, errorBody{"error", he.Errors})
		return
	}
	log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{"error", []FieldError{{Location: "body", Name: "data", Description: "Internal server error"}}})
}
