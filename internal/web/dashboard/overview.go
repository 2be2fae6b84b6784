package dashboard

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// trendDays is how far back the overview's chart goes.
const trendDays = 90

type overviewPage struct {
	Stats            *store.Stats
	States           []stateRow
	TotalSubscribers int64
	Net              store.Periods
	Sources          []sourceRow
	Steps            []stepRow
	Chart            chart
	ExportDays       []int
	// Stalled counts the people whose next step the send window has held
	// for days (zones that share no open hour, or a window too narrow).
	Stalled int64
}

type stateRow struct {
	Key, Label, Hint string
	Count            int64
}

// states are shown in this order; expired only where sign-ups can expire.
var stateLabels = []struct{ key, label, hint string }{
	{"active", "Active", "getting the messages"},
	{"pending", "Pending", "signed up on the web, not yet replied YES"},
	{"stopped", "Stopped", "opted out"},
	{"invalid", "Invalid", "the number cannot get texts"},
	{"expired", "Expired", "never replied YES to a web sign-up"},
}

type sourceRow struct {
	Label   string
	Figures store.SourceFigures
}

type stepRow struct {
	store.StepReach
	Label string
}

var sourceLabels = []struct{ key, label string }{
	{store.MethodKeyword, "Texted a keyword"},
	{store.MethodWebForm, "Web sign-up form"},
	{store.MethodStaff, "Added by staff"},
}

// HandleOverview shows the figures at a glance. Everything on it comes
// from counters (store.Overview): a handful of index reads at any size.
// steps label the sequence's steps, in order.
func HandleOverview(logger *slog.Logger, db *store.DB, views *Views, now func() time.Time, steps []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		stats, err := db.Overview(r.Context(), now(), trendDays, len(steps))
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if !staffFrom(r.Context()).IsAdmin() {
			stats = limitedStats(stats)
		}
		p := overviewPage{Stats: stats, Chart: buildChart(stats.Daily), ExportDays: []int{30, 90, 365}}
		if p.Stalled, err = db.CountStalledSubscribers(r.Context()); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		for _, n := range stats.Subscribers {
			p.TotalSubscribers += n
		}
		for _, st := range stateLabels {
			n, ok := stats.Subscribers[store.State(st.key)]
			if ok || (st.key != "expired" && !stats.Limited) {
				p.States = append(p.States, stateRow{Key: st.key, Label: st.label, Hint: st.hint, Count: n})
			}
		}
		p.Net = store.Periods{
			Today:      stats.OptIns.Today - stats.OptOuts.Today,
			Last7Days:  stats.OptIns.Last7Days - stats.OptOuts.Last7Days,
			Last30Days: stats.OptIns.Last30Days - stats.OptOuts.Last30Days,
		}
		for _, src := range sourceLabels {
			p.Sources = append(p.Sources, sourceRow{Label: src.label, Figures: stats.Sources[src.key]})
		}
		for _, st := range stats.Steps {
			label := fmt.Sprintf("Step %d", st.Step)
			if st.Step <= len(steps) {
				label = steps[st.Step-1]
			}
			p.Steps = append(p.Steps, stepRow{StepReach: st, Label: label})
		}
		views.render(w, r, http.StatusOK, "overview", page{Title: "Overview", Nav: "overview", Data: p})
	}
}

// StepLabel says when a sequence step goes, for the step reach table:
// "1 minute after opt-in", "3 days after opt-in".
func StepLabel(after time.Duration) string {
	unit := func(n int, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	switch {
	case after <= 0:
		return "at opt-in"
	case after < time.Hour:
		return unit(int(after.Round(time.Minute)/time.Minute), "minute") + " after opt-in"
	case after%(24*time.Hour) == 0:
		return unit(int(after/(24*time.Hour)), "day") + " after opt-in"
	default:
		return unit(int(after.Round(time.Hour)/time.Hour), "hour") + " after opt-in"
	}
}
