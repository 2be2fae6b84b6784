package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"textsupport/internal/web"
)

func TestStrictTransportWhenPublicURLIsHTTPS(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		public string
		want   string
	}{
		{"https://texts.example.org", "max-age=31536000"},
		{"http://localhost:8080", ""},
	} {
		u, _ := url.Parse(tt.public)
		h := web.NewServer(&web.Deps{Logger: slog.New(slog.DiscardHandler), PublicURL: u, AuthToken: "token"})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != tt.want {
			t.Errorf("PUBLIC_URL %s: Strict-Transport-Security = %q, want %q", tt.public, got, tt.want)
		}
	}
}

func TestAllowedHosts(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("http://localhost:8080")
	h := web.NewServer(&web.Deps{Logger: slog.New(slog.DiscardHandler), PublicURL: u, AuthToken: "token", AllowedHosts: web.LocalHosts("8080")})
	for host, want := range map[string]int{
		"localhost:8080": http.StatusOK, "127.0.0.1:8080": http.StatusOK, "[::1]:8080": http.StatusOK, "LOCALHOST:8080": http.StatusOK,
		"rebind.example:8080": http.StatusForbidden, "localhost:9999": http.StatusForbidden, "localhost": http.StatusForbidden,
	} {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}
