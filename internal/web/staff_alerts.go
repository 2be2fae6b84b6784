package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"textsupport/internal/store"
	"textsupport/internal/vault"
)

const alertsPerPage = 50

type alertsPage struct {
	Handled bool
	Alerts  []store.Alert
	Counts  map[string]int64
	// Older is the ID the next page starts below, 0 on the last page.
	Older int64
}

// handleAlerts lists alerts, newest first: open ones, or handled ones with
// ?status=handled. Everyone on staff sees that an alert exists, its kind
// and when; only admins can open it.
func handleAlerts(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := store.AlertFilter{Handled: q.Get("status") == "handled", Limit: alertsPerPage}
		if b := q.Get("before"); b != "" {
			var err error
			if f.Before, err = strconv.ParseInt(b, 10, 64); err != nil || f.Before <= 0 {
				s.renderError(d, w, r, http.StatusBadRequest, "That page of alerts does not exist.")
				return
			}
		}
		alerts, err := d.DB.ListAlerts(r.Context(), f)
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		counts, err := d.DB.OpenAlertCounts(r.Context())
		if err != nil {
			serverError(d, w, r, err)
			return
		}
		p := alertsPage{Handled: f.Handled, Alerts: alerts, Counts: counts}
		if len(alerts) == alertsPerPage {
			p.Older = alerts[len(alerts)-1].ID
		}
		s.render(d, w, r, http.StatusOK, "alerts", page{Title: "Alerts", Nav: "alerts", Data: p})
	}
}

type alertPage struct {
	Alert *store.AlertMessage
	Body  string
	// BodyError is set when the body cannot be decrypted.
	BodyError bool
}

// handleAlert opens one alert for an admin: the number masked but for its
// last four digits, and the message. The opening is in the audit log before
// the page is sent.
func handleAlert(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.renderError(d, w, r, http.StatusNotFound, "There is no such alert.")
			return
		}
		m, err := d.DB.OpenAlert(r.Context(), id, s.actor(r))
		if errors.Is(err, store.ErrNotFound) {
			s.renderError(d, w, r, http.StatusNotFound, "There is no such alert.")
			return
		} else if err != nil {
			serverError(d, w, r, err)
			return
		}
		p := alertPage{Alert: m}
		if p.Body, err = s.cfg.Vault.OpenString(vault.Body, m.BodyEnc); err != nil {
			p.BodyError = true
			d.Logger.LogAttrs(r.Context(), slog.LevelError, "alert body does not decrypt", slog.Int64("alert_id", id), slog.String("error", err.Error()))
		}
		logStaff(d, r, "alert opened", slog.Int64("alert_id", id))
		s.render(d, w, r, http.StatusOK, "alert", page{Title: fmt.Sprintf("Alert %d", id), Nav: "alerts", Data: p})
	}
}

// handleAlertHandled marks an alert handled.
func handleAlertHandled(d *Deps) http.HandlerFunc {
	s := d.Staff
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.renderError(d, w, r, http.StatusNotFound, "There is no such alert.")
			return
		}
		done, err := d.DB.HandleAlert(r.Context(), id, s.actor(r))
		if errors.Is(err, store.ErrNotFound) {
			s.renderError(d, w, r, http.StatusNotFound, "There is no such alert.")
			return
		} else if err != nil {
			serverError(d, w, r, err)
			return
		}
		if done {
			s.flash(r.Context(), fmt.Sprintf("Alert %d is marked handled.", id))
			logStaff(d, r, "alert handled", slog.Int64("alert_id", id))
		} else {
			s.flash(r.Context(), fmt.Sprintf("Alert %d was already handled.", id))
		}
		http.Redirect(w, r, "/staff/alerts", http.StatusSeeOther)
	}
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	return id, err == nil && id > 0
}
