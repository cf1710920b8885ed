package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
)

// engine serves GET / with h on NewEngine and Fail, logging into logs.
func engine(logs *bytes.Buffer, h func(c *gin.Context, log *slog.Logger), use ...gin.HandlerFunc) *gin.Engine {
	log := slog.New(slog.NewTextHandler(logs, nil))
	r := api.NewEngine(log, func(c *gin.Context, err error) { api.Fail(c, log, err) }, use...)
	r.GET("/", func(c *gin.Context) { h(c, log) })
	return r
}

func get(r http.Handler) *httptest.ResponseRecorder { return do(r, http.MethodGet, "/") }

func do(r http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestNewEngineRoutes(t *testing.T) {
	var logs bytes.Buffer
	mark := func(c *gin.Context) { c.Header("X-Use", "1") }
	r := engine(&logs, func(c *gin.Context, _ *slog.Logger) { c.String(http.StatusOK, "ok") }, mark)
	for _, tt := range []struct {
		method, path string
		status       int
		name         string
	}{
		{http.MethodGet, "/", http.StatusOK, ""},
		{http.MethodGet, "/nowhere", http.StatusNotFound, "path"},
		{http.MethodDelete, "/", http.StatusMethodNotAllowed, "method"},
	} {
		rec := do(r, tt.method, tt.path)
		if rec.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, rec.Code, tt.status)
		}
		if rec.Header().Get("X-Use") != "1" {
			t.Errorf("%s %s: the use middleware did not run", tt.method, tt.path)
		}
		if tt.name == "" {
			continue
		}
		var body api.ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Status != "error" || len(body.Errors) != 1 || body.Errors[0].Name != tt.name {
			t.Errorf("%s %s: body %s, want one error named %q", tt.method, tt.path, rec.Body, tt.name)
		}
	}
}

func TestFail(t *testing.T) {
	tests := []struct {
		what   string
		err    error
		status int
		name   string // of the first error entry
		shown  bool
	}{
		{"status error", api.NewStatusError(http.StatusBadRequest, "body", "data", "bad"), http.StatusBadRequest, "data", true},
		{"wrapped status error", fmt.Errorf("wrapped: %w", api.NewStatusError(http.StatusNotFound, "url", "path", "Not Found")), http.StatusNotFound, "path", true},
		{"invalid", tender.Invalid("value.amount", "must be positive"), http.StatusUnprocessableEntity, "value.amount", true},
		{"forbidden", tender.Forbidden("Can't do it in current (%s) status", "complete"), http.StatusForbidden, "", true},
		{"not found", tender.NotFound("tender_id"), http.StatusNotFound, "tender_id", true},
		{"unauthorized", tender.Unauthorized("no key"), http.StatusUnauthorized, "", true},
		{"conflict", &tender.Error{Code: tender.CodeConflict, Errors: []tender.FieldError{{Location: "body", Name: "data", Description: "conflict"}}}, http.StatusConflict, "data", true},
		{"internal", &tender.Error{Code: tender.CodeInternal, Errors: []tender.FieldError{{Location: "body", Name: "secret", Description: "db password"}}}, http.StatusInternalServerError, "data", false},
		{"plain error", errors.New("connection refused"), http.StatusInternalServerError, "data", false},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			if got := api.Shown(tt.err); got != tt.shown {
				t.Errorf("Shown = %v, want %v", got, tt.shown)
			}
			var logs bytes.Buffer
			rec := get(engine(&logs, func(c *gin.Context, log *slog.Logger) { api.Fail(c, log, tt.err) }))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			var body api.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Status != "error" || len(body.Errors) == 0 {
				t.Fatalf("not ProZorro's error shape: %s", rec.Body)
			}
			if tt.name != "" && body.Errors[0].Name != tt.name {
				t.Errorf("error name %q, want %q", body.Errors[0].Name, tt.name)
			}
			if !tt.shown {
				if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "refused") {
					t.Errorf("an internal error reached the client: %s", rec.Body)
				}
				if !strings.Contains(logs.String(), "internal error") {
					t.Errorf("an internal error was not logged: %s", logs.String())
				}
			}
		})
	}
}

func TestHTTPStatusUnknownCode(t *testing.T) {
	if got := api.HTTPStatus("no-such-code"); got != http.StatusInternalServerError {
		t.Errorf("HTTPStatus of an unknown code = %d, want 500", got)
	}
}

func TestRecover(t *testing.T) {
	t.Run("panic", func(t *testing.T) {
		var logs bytes.Buffer
		rec := get(engine(&logs, func(*gin.Context, *slog.Logger) { panic("index corrupted at /var/lib/secret") }))
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("the panic reached the client: %s", rec.Body)
		}
		if !strings.Contains(logs.String(), "msg=panic") || !strings.Contains(logs.String(), "stack=") {
			t.Errorf("the panic and its stack were not logged: %s", logs.String())
		}
	})
	t.Run("after the answer", func(t *testing.T) {
		var logs bytes.Buffer
		rec := get(engine(&logs, func(c *gin.Context, _ *slog.Logger) {
			c.String(http.StatusOK, "partial")
			panic("late")
		}))
		if rec.Code != http.StatusOK || rec.Body.String() != "partial" {
			t.Errorf("the answer already written was changed: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("ErrAbortHandler", func(t *testing.T) {
		var logs bytes.Buffer
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler to panic on", v)
			}
			if logs.Len() != 0 {
				t.Errorf("ErrAbortHandler was logged: %s", logs.String())
			}
		}()
		get(engine(&logs, func(*gin.Context, *slog.Logger) { panic(http.ErrAbortHandler) }))
	})
}
