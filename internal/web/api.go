package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"textsupport/internal/store"
)

// apiAuth lets a request through with a valid API token (Authorization:
// Bearer …) or the session cookie of a signed-in staff member, of either
// role: the API answers aggregate figures only.
func apiAuth(d *Deps) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if ok && token != "" {
				_, err := d.DB.CheckAPIToken(r.Context(), strings.TrimSpace(token))
				if err == nil {
					next.ServeHTTP(w, r)
					return
				}
				if !errors.Is(err, store.ErrNotFound) {
					serverError(d, w, r, err)
					return
				}
			} else if d.Staff != nil {
				staff, err := d.Staff.staffOfCookie(r)
				if err != nil {
					serverError(d, w, r, err)
					return
				}
				if staff != nil {
					next.ServeHTTP(w, r)
					return
				}
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="textsupport"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "a valid API token or a staff session is required"})
		})
	}
}

// handleStats answers GET /api/v1/stats: the overview's figures (see store.Stats).
func handleStats(d *Deps) http.HandlerFunc {
	now, steps := time.Now, 0
	if d.Staff != nil {
		now, steps = d.Staff.cfg.Now, len(d.Staff.cfg.Steps)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		stats, err := d.DB.Overview(r.Context(), now(), trendDays, steps)
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, stats)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func handleHealthz() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz answers 200 only when the database answers and every
// migration is applied.
func handleReadyz(d *Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.DB.Pool.Ping(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		current, err := store.MigrationsCurrent(ctx, d.DB.Pool)
		if err != nil || !current {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}
