package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
)

// platform is a test API client: name, raw key, accreditation levels, role.
type platform struct {
	name, key, levels string
	role              tender.Role
}

// serveAPI starts the tender API over svc for the given platforms; the
// server closes with the test.
func serveAPI(t testing.TB, svc *tender.Service, ps ...platform) *httptest.Server {
	t.Helper()
	var platforms []api.Platform
	for _, p := range ps {
		platforms = append(platforms, api.Platform{Name: p.name, KeyHash: api.HashKey(p.key), Levels: p.levels, Role: p.role})
	}
	srv := httptest.NewServer(api.New(svc, api.Config{Platforms: platforms}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}
