package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web/httpx"
)

const alertsPerPage = 50

type alertsPage struct {
	Handled bool
	Alerts  []store.Alert
	Counts  map[string]int64
	// Older is the ID the next page starts below, 0 on the last page.
	Older int64
}

// HandleAlerts lists alerts, newest first: open ones, or handled ones with
// ?status=handled. Everyone on staff sees that an alert exists, its kind
// and when; only admins can open it.
func HandleAlerts(logger *slog.Logger, db *store.DB, views *Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := store.AlertFilter{Handled: q.Get("status") == "handled", Limit: alertsPerPage}
		var ok bool
		if f.Before, ok = before(views, w, r, "That page of alerts does not exist."); !ok {
			return
		}
		alerts, err := db.ListAlerts(r.Context(), f)
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		counts, err := db.OpenAlertCounts(r.Context())
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		p := alertsPage{Handled: f.Handled, Alerts: alerts, Counts: counts}
		if len(alerts) == alertsPerPage {
			p.Older = alerts[len(alerts)-1].ID
		}
		views.render(w, r, http.StatusOK, "alerts", page{Title: "Alerts", Nav: "alerts", Data: p})
	}
}

type alertPage struct {
	Alert *store.AlertMessage
	Body  string
	// BodyError is set when the body cannot be decrypted.
	BodyError bool
}

// HandleAlert opens one alert for an admin: the number masked but for its
// last four digits, and the message. The opening is in the audit log before
// the page is sent.
func HandleAlert(logger *slog.Logger, db *store.DB, views *Views, clients Clients, v *vault.Vault) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, m, ok := findAlert(logger, views, w, r, func(ctx context.Context, id int64) (*store.AlertMessage, error) {
			return db.OpenAlert(ctx, id, clients.actor(r))
		})
		if !ok {
			return
		}
		p := alertPage{Alert: m}
		var err error
		if p.Body, err = v.OpenString(vault.Body, m.BodyEnc); err != nil {
			p.BodyError = true
			logger.LogAttrs(r.Context(), slog.LevelError, "alert body does not decrypt", slog.Int64("alert_id", id), slog.String("error", err.Error()))
		}
		logStaff(logger, r, "alert opened", slog.Int64("alert_id", id))
		views.render(w, r, http.StatusOK, "alert", page{Title: fmt.Sprintf("Alert %d", id), Nav: "alerts", Data: p})
	}
}

// HandleAlertHandled marks an alert handled.
func HandleAlertHandled(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, done, ok := findAlert(logger, views, w, r, func(ctx context.Context, id int64) (bool, error) {
			return db.HandleAlert(ctx, id, clients.actor(r))
		})
		if !ok {
			return
		}
		if done {
			sessions.flash(r.Context(), fmt.Sprintf("Alert %d is marked handled.", id))
			logStaff(logger, r, "alert handled", slog.Int64("alert_id", id))
		} else {
			sessions.flash(r.Context(), fmt.Sprintf("Alert %d was already handled.", id))
		}
		http.Redirect(w, r, "/staff/alerts", http.StatusSeeOther)
	}
}

// findAlert runs find on the alert the path names and answers for it when
// there is no such alert (404) or find fails; ok says the handler goes on.
func findAlert[T any](logger *slog.Logger, views *Views, w http.ResponseWriter, r *http.Request, find func(ctx context.Context, id int64) (T, error)) (id int64, v T, ok bool) {
	id, ok = pathID(r)
	if !ok {
		views.renderError(w, r, http.StatusNotFound, "There is no such alert.")
		return id, v, false
	}
	v, err := find(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		views.renderError(w, r, http.StatusNotFound, "There is no such alert.")
		return id, v, false
	case err != nil:
		httpx.ServerError(logger, w, r, err)
		return id, v, false
	}
	return id, v, true
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	return id, err == nil && id > 0
}

// before reads a list's ?before=ID, the page that starts below that ID (0:
// the first page). Anything but a positive whole number is answered 400
// with notFound, and ok is false.
func before(views *Views, w http.ResponseWriter, r *http.Request, notFound string) (id int64, ok bool) {
	b := r.URL.Query().Get("before")
	if b == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(b, 10, 64)
	if err != nil || id <= 0 {
		views.renderError(w, r, http.StatusBadRequest, notFound)
		return 0, false
	}
	return id, true
}
