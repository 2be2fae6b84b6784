package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

type fullFiguresKey struct{}

// APIAuth lets a request through with an API token of the stats scope
// (Authorization: Bearer …) or the session cookie of a signed-in staff
// member, of either role. Only an admin's session reads every figure;
// viewers and tokens read those a sign-up cannot move (see limitedStats).
// sessions is nil when the service has no staff side: only tokens are
// taken then.
func APIAuth(logger *slog.Logger, db *store.DB, sessions *Sessions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if token, ok := bearer(r); ok {
				if tokenCan(logger, db, w, r, token, store.ScopeStats) {
					next.ServeHTTP(w, r)
				}
				return
			}
			if sessions != nil {
				staff, err := sessions.staffOfCookie(r)
				if err != nil {
					httpx.ServerError(logger, w, r, err)
					return
				}
				if staff != nil && !sessions.mustEnrol(staff) {
					next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), fullFiguresKey{}, staff.IsAdmin())))
					return
				}
			}
			unauthorized(w, "a valid API token or a staff session is required")
		})
	}
}

// MetricsAuth lets a request through only with an API token of the
// metrics scope: the metrics are for operators, not for staff sessions.
func MetricsAuth(logger *slog.Logger, db *store.DB) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := bearer(r)
			if !ok {
				unauthorized(w, "an API token with the metrics scope is required")
				return
			}
			if tokenCan(logger, db, w, r, token, store.ScopeMetrics) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

func bearer(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	token = strings.TrimSpace(token)
	return token, ok && token != ""
}

// tokenCan checks a token for scope; when it fails it has answered (401
// for an unknown token, 403 for one without the scope).
func tokenCan(logger *slog.Logger, db *store.DB, w http.ResponseWriter, r *http.Request, token, scope string) bool {
	t, err := db.CheckAPIToken(r.Context(), token)
	switch {
	case errors.Is(err, store.ErrNotFound):
		unauthorized(w, "a valid API token is required")
		return false
	case err != nil:
		httpx.ServerError(logger, w, r, err)
		return false
	case !t.Can(scope):
		httpx.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "this token does not have the " + scope + " scope"})
		return false
	}
	return true
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="textsupport"`)
	httpx.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": msg})
}

// HandleStats answers GET /api/v1/stats: the overview's figures (see
// store.Overview) for a sequence of steps steps; for anyone but an admin,
// only those a sign-up cannot move.
func HandleStats(logger *slog.Logger, db *store.DB, now func() time.Time, steps int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		stats, err := db.Overview(r.Context(), now(), trendDays, steps)
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if full, _ := r.Context().Value(fullFiguresKey{}).(bool); !full {
			stats = limitedStats(stats)
		}
		w.Header().Set("Cache-Control", "no-store")
		httpx.WriteJSON(w, http.StatusOK, stats)
	}
}

// limitedStats are the figures for roles below admin. A web sign-up of a
// number moves, at once and by one, the pending count (and the count of
// the state it left), the ledger's row count, the messages sent and their
// delivery figures, each only when the number was not already enrolled:
// whoever can post the form and read those would learn whether a number
// is enrolled. What is left moves only when a person texts (YES, JOIN,
// STOP) from their own phone: active subscribers, opt-ins and opt-outs,
// where people came from, the sequence's reach, open alerts, the trend.
func limitedStats(s *store.Stats) *store.Stats {
	l := *s
	l.Subscribers = map[store.State]int64{store.Active: s.Subscribers[store.Active]}
	l.Messages, l.ConsentEvents = nil, 0
	l.Delivery, l.DeliveryLast30Days = store.Delivery{}, store.Delivery{}
	l.Limited = true
	return &l
}
