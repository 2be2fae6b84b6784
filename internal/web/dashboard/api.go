package dashboard

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// APIAuth lets a request through with a valid API token (Authorization:
// Bearer …) or the session cookie of a signed-in staff member, of either
// role: the API answers aggregate figures only. sessions is nil when the
// service has no staff side: only tokens are taken then.
func APIAuth(logger *slog.Logger, db *store.DB, sessions *Sessions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if ok && token != "" {
				_, err := db.CheckAPIToken(r.Context(), strings.TrimSpace(token))
				if err == nil {
					next.ServeHTTP(w, r)
					return
				}
				if !errors.Is(err, store.ErrNotFound) {
					httpx.ServerError(logger, w, r, err)
					return
				}
			} else if sessions != nil {
				staff, err := sessions.staffOfCookie(r)
				if err != nil {
					httpx.ServerError(logger, w, r, err)
					return
				}
				if staff != nil {
					next.ServeHTTP(w, r)
					return
				}
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="textsupport"`)
			httpx.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "a valid API token or a staff session is required"})
		})
	}
}

// HandleStats answers GET /api/v1/stats: the overview's figures (see
// store.Overview) for a sequence of steps steps.
func HandleStats(logger *slog.Logger, db *store.DB, now func() time.Time, steps int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		stats, err := db.Overview(r.Context(), now(), trendDays, steps)
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		httpx.WriteJSON(w, http.StatusOK, stats)
	}
}
