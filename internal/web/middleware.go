package web

import (
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// requestLog logs each request by its route pattern, never its query or
// form: those can hold phone numbers.
func requestLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			route := chi.RouteContext(r.Context()).RoutePattern()
			if route == "" {
				route = "unmatched"
			}
			logger.LogAttrs(r.Context(), slog.LevelDebug, "http request",
				slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", ww.Status()), slog.Duration("took", time.Since(start)))
		})
	}
}

// recoverer turns a panic into a 500 without echoing anything the request held.
func recoverer(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					logger.Error("panic serving request", slog.String("path_pattern", chi.RouteContext(r.Context()).RoutePattern()),
						slog.String("stack", string(debug.Stack())))
					http.Error(w, "internal error", http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// LocalHosts are the Host headers a server on this machine's loopback
// answers to at port: localhost, 127.0.0.1 and [::1] (without the port too
// when it is 80, as browsers send it).
func LocalHosts(port string) []string {
	hosts := []string{net.JoinHostPort("localhost", port), net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)}
	if port == "80" {
		hosts = append(hosts, "localhost", "127.0.0.1", "[::1]")
	}
	return hosts
}

// onlyHosts refuses a request whose Host header is not one of hosts. A web
// page elsewhere can point its own name at 127.0.0.1 (DNS rebinding) and
// then read what a server there answers; its requests carry its own name.
func onlyHosts(hosts []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !slices.Contains(hosts, strings.ToLower(r.Host)) {
				http.Error(w, "this server answers only to its own address", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// strictTransport tells browsers to reach the service over https only,
// for a year, once they have reached it that way.
func strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}
