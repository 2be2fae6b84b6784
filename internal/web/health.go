package web

import (
	"context"
	"net/http"
	"time"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

func handleHealthz() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz answers 200 only when the database answers and every
// migration is applied.
func handleReadyz(db *store.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Pool.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		current, err := store.MigrationsCurrent(ctx, db.Pool)
		if err != nil || !current {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}
