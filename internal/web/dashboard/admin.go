package dashboard

import (
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web/httpx"
)

// requestChannels are the ways a person may ask staff to stop the texts.
// Reason is what the consent ledger records.
var requestChannels = []requestChannel{
	{"phone", "By phone", "request by phone"},
	{"email", "By email", "request by email"},
	{"in_person", "In person", "request in person"},
	{"letter", "By letter", "request by letter"},
	{"other", "Another way", "request made another way"},
}

type requestChannel struct{ Value, Label, Reason string }

type optOutPage struct {
	Channels []requestChannel
	Channel  string
	Error    string
}

// HandleOptOutForm shows the form staff opt a number out with.
func HandleOptOutForm(views *Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		views.render(w, r, http.StatusOK, "optout", page{Title: "Opt a number out", Nav: "optout", Data: optOutPage{Channels: requestChannels}})
	}
}

// HandleOptOut opts a number out at its owner's request, made to staff by
// phone, email or otherwise. The number comes in the form body, never the
// URL, and is neither logged nor echoed back: the result names its last
// four digits only. The state change, its consent-ledger row (method
// "staff"), the cancelling of scheduled sends and the audit row commit
// together or not at all.
// regions are the countries whose numbers the form accepts; transition
// makes the change of state.
func HandleOptOut(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, v *vault.Vault, regions []string, transition Transition) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if !readStaffForm(views, w, r) {
			return
		}
		form := optOutPage{Channels: requestChannels, Channel: r.PostForm.Get("channel")}
		reason := ""
		for _, c := range requestChannels {
			if c.Value == form.Channel {
				reason = c.Reason
			}
		}
		number, err := phone.Normalize(r.PostForm.Get("phone"), regions)
		switch {
		case errors.Is(err, phone.ErrNotAllowed):
			form.Error = "The service only texts numbers from " + optOutRegions(regions) + ", so that number cannot be subscribed."
		case err != nil:
			form.Error = "That is not a valid phone number. Type it with its area code, for example (212) 555-0100."
		case reason == "":
			form.Error = "Say how the person asked to stop."
		}
		if form.Error != "" {
			views.render(w, r, http.StatusUnprocessableEntity, "optout", page{Title: "Opt a number out", Nav: "optout", Data: form})
			return
		}

		staff := staffFrom(ctx)
		hash, last4 := v.Hash(number), phone.Last4(number)
		masked := phone.Mask(last4)
		var result string
		err = db.InTx(ctx, func(tx pgx.Tx) error {
			sub, err := store.LockNumber(ctx, tx, hash, false)
			if err != nil {
				return err
			}
			if !sub.Recorded() {
				result = fmt.Sprintf("No subscriber has the number %s. Nothing was changed: the service does not text it.", masked)
				return store.AppendAudit(ctx, tx, clients.actor(r).Entry(store.AuditOptOutNoMatch, "", "number ending "+last4+"; "+reason))
			}
			target := fmt.Sprintf("subscriber:%d", sub.ID)
			if sub.State == store.Stopped {
				result = fmt.Sprintf("The number %s was already opted out. Nothing was changed.", masked)
				return store.AppendAudit(ctx, tx, clients.actor(r).Entry(store.AuditOptOut, target, "already stopped; number ending "+last4+"; "+reason))
			}
			from := sub.State
			if err := transition(ctx, tx, sub, store.Stopped, store.ConsentEvent{Method: store.MethodStaff, Reason: reason, StaffID: &staff.ID}); err != nil {
				return err
			}
			result = fmt.Sprintf("The number %s is opted out (it was %s). It will get no more messages.", masked, from)
			return store.AppendAudit(ctx, tx, clients.actor(r).Entry(store.AuditOptOut, target, "was "+string(from)+"; number ending "+last4+"; "+reason))
		})
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		logStaff(logger, r, "staff opt-out request handled")
		sessions.flash(ctx, result)
		http.Redirect(w, r, "/staff/opt-out", http.StatusSeeOther)
	}
}

func optOutRegions(regions []string) string {
	if len(regions) == 0 {
		regions = phone.DefaultRegions
	}
	names := map[string]string{"US": "the United States", "CA": "Canada"}
	var out []string
	for _, r := range regions {
		if n, ok := names[r]; ok {
			out = append(out, n)
		} else {
			out = append(out, r)
		}
	}
	return strings.Join(out, " and ")
}

type tokensPage struct {
	Tokens []store.APIToken
}

// HandleTokens lists the API tokens. New ones are made on the command line
// (textsupport token create NAME), which shows a token once.
func HandleTokens(logger *slog.Logger, db *store.DB, views *Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tokens, err := db.ListAPITokens(r.Context())
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		views.render(w, r, http.StatusOK, "tokens", page{Title: "API tokens", Nav: "tokens", Data: tokensPage{Tokens: tokens}})
	}
}

// HandleRevokeToken revokes an API token: it stops working at once.
func HandleRevokeToken(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			views.renderError(w, r, http.StatusNotFound, "There is no such token.")
			return
		}
		err := db.RevokeAPIToken(r.Context(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			sessions.flash(r.Context(), fmt.Sprintf("Token %d was already revoked, or does not exist.", id))
		case err != nil:
			httpx.ServerError(logger, w, r, err)
			return
		default:
			if err := db.Audit(r.Context(), clients.actor(r).Entry(store.AuditTokenRevoked, fmt.Sprintf("token:%d", id), "")); err != nil {
				httpx.ServerError(logger, w, r, err)
				return
			}
			logStaff(logger, r, "API token revoked", slog.Int64("token_id", id))
			sessions.flash(r.Context(), fmt.Sprintf("Token %d is revoked: it no longer works.", id))
		}
		http.Redirect(w, r, "/staff/tokens", http.StatusSeeOther)
	}
}

const auditPerPage = 100

type auditPage struct {
	Entries []store.AuditEntry
	Older   int64 // the ID the next page starts below, 0 on the last page
}

// HandleAudit shows the audit log, newest first.
func HandleAudit(logger *slog.Logger, db *store.DB, views *Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := store.AuditQuery{Limit: auditPerPage}
		var ok bool
		if q.Before, ok = before(views, w, r, "That page of the audit log does not exist."); !ok {
			return
		}
		entries, err := db.ListAudit(r.Context(), q)
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		p := auditPage{Entries: entries}
		if len(entries) == auditPerPage {
			p.Older = entries[len(entries)-1].ID
		}
		views.render(w, r, http.StatusOK, "audit", page{Title: "Audit log", Nav: "audit", Data: p})
	}
}

// maxExportDays bounds the CSV export (ten years of days).
const maxExportDays = 3660

// HandleExport sends the daily aggregate figures as CSV: counts only,
// never a number or a message. ?days=N (default 90) ending today (UTC).
func HandleExport(logger *slog.Logger, db *store.DB, views *Views, clients Clients, clock func() time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		days := 90
		if v := r.URL.Query().Get("days"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxExportDays {
				views.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("days must be a whole number from 1 to %d.", maxExportDays))
				return
			}
			days = n
		}
		now := clock()
		rows, err := db.DailyFigures(r.Context(), now, days)
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if err := db.Audit(r.Context(), clients.actor(r).Entry(store.AuditExport, "", fmt.Sprintf("daily figures, %d days", days))); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		cols := store.ExportColumns()
		header := []string{"day", "opt_ins", "opt_outs", "active_at_end_of_day"}
		for _, c := range cols {
			header = append(header, strings.ReplaceAll(c, ".", "_"))
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="textsupport-daily-%s.csv"`, now.UTC().Format(time.DateOnly)))
		cw := csv.NewWriter(w)
		cw.Write(header)
		for _, row := range rows {
			var in, out int64
			for _, c := range cols {
				if strings.HasPrefix(c, "opt_ins.") {
					in += row.Counts[c]
				} else if strings.HasPrefix(c, "opt_outs.") {
					out += row.Counts[c]
				}
			}
			rec := []string{row.Date.Format(time.DateOnly), strconv.FormatInt(in, 10), strconv.FormatInt(out, 10), strconv.FormatInt(row.Active, 10)}
			for _, c := range cols {
				rec = append(rec, strconv.FormatInt(row.Counts[c], 10))
			}
			cw.Write(rec)
		}
		cw.Flush()
		logStaff(logger, r, "daily figures exported", slog.Int("days", days))
	}
}
