package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Stats are the figures staff and the API see. Every one is read from the
// counters kept with each change (the Counters section of
// migrations/00001_baseline.sql, and 00007): a few thousand rows at most,
// whatever the number of subscribers, plus the deltas of the last few
// seconds not yet folded in. Days are UTC days.
//
// The counter names read here are written by: subscribers.<state>,
// consent_events, opt_ins.<method>, opt_outs.<method>, active.net and
// joined.<source> by the SQL function state_change_deltas (migration
// 00007), which store.ChangeState's statements call; messages.inbound by
// RecordInbound; messages.outbound by RecordInbound for replies and by the
// trigger function count_outbound for the rest; sends,
// delivery.<status> and step.<n>.sent|delivered by count_outbound. A name
// changed on one side must change on the other.
type Stats struct {
	Subscribers   map[State]int64  `json:"subscribers"`
	Messages      map[string]int64 `json:"messages,omitempty"` // inbound, outbound (replies included)
	ConsentEvents int64            `json:"consent_events,omitzero"`
	// Limited says the figures a sign-up moves are left out: Subscribers
	// holds active only, and Messages, ConsentEvents and the delivery
	// figures are absent (roles below admin; see README "Security").
	Limited bool `json:"limited,omitzero"`

	// The rest is filled in by Overview, not by Totals.
	AsOf    time.Time `json:"as_of"`
	Today   string    `json:"today"` // the UTC day the periods end with
	OptIns  Periods   `json:"opt_ins"`
	OptOuts Periods   `json:"opt_outs"`
	// Sources are opt-ins by where the person came from: keyword, web_form, staff.
	Sources map[string]SourceFigures `json:"sources"`
	// Delivery is what became of the messages sent through the carrier API
	// (sequence steps and sign-up confirmations); replies carried in the
	// webhook's answer get no delivery report and are not in it.
	Delivery           Delivery    `json:"delivery,omitzero"`
	DeliveryLast30Days Delivery    `json:"delivery_last_30_days,omitzero"`
	Steps              []StepReach `json:"steps"`
	// OpenAlerts are the conversations waiting for staff: crisis, free_text
	// (the rest), as the API has always named them.
	OpenAlerts    map[string]int64    `json:"open_alerts"`
	Conversations ConversationFigures `json:"conversations"`
	Daily         []Day               `json:"daily"`
}

// ConversationFigures are the conversations not closed and how soon staff
// first answer.
type ConversationFigures struct {
	OpenCrisis int64 `json:"open_crisis"`
	OpenOther  int64 `json:"open_other"`
	Waiting    int64 `json:"waiting_for_person"`
	// OldestOpenSeconds is how long the conversation waiting longest for
	// staff has waited since the person last wrote, 0 when none waits.
	OldestOpenSeconds int64 `json:"oldest_open_seconds"`
	// FirstReply is the time to the first staff reply of the conversations
	// opened in the last 7 and 30 days.
	FirstReplyLast7Days  ReplyFigures `json:"first_reply_last_7_days"`
	FirstReplyLast30Days ReplyFigures `json:"first_reply_last_30_days"`
}

// ReplyFigures are ReplyTimes in seconds, for JSON (null: none answered).
type ReplyFigures struct {
	Opened        int64  `json:"opened"`
	Replied       int64  `json:"replied"`
	MedianSeconds *int64 `json:"median_seconds"`
	P90Seconds    *int64 `json:"p90_seconds"`
}

func replyFigures(r ReplyTimes) ReplyFigures {
	secs := func(d *time.Duration) *int64 {
		if d == nil {
			return nil
		}
		s := int64(d.Seconds())
		return &s
	}
	return ReplyFigures{Opened: r.Opened, Replied: r.Replied, MedianSeconds: secs(r.Median), P90Seconds: secs(r.P90)}
}

// ConversationFigures reads the conversation figures as of now.
func (db *DB) ConversationFigures(ctx context.Context, now time.Time) (ConversationFigures, error) {
	var f ConversationFigures
	c, err := db.CountConversations(ctx)
	if err != nil {
		return f, err
	}
	f.OpenCrisis, f.OpenOther, f.Waiting = c.OpenCrisis, c.OpenOther, c.Waiting
	if c.OldestOpen != nil {
		f.OldestOpenSeconds = max(0, int64(now.Sub(*c.OldestOpen).Seconds()))
	}
	for _, p := range []struct {
		days int
		to   *ReplyFigures
	}{{7, &f.FirstReplyLast7Days}, {30, &f.FirstReplyLast30Days}} {
		r, err := db.FirstReplyTimes(ctx, now.Add(-time.Duration(p.days)*24*time.Hour))
		if err != nil {
			return f, err
		}
		*p.to = replyFigures(r)
	}
	return f, nil
}

// Periods count something today, over the last 7 days and over the last 30
// days, today included (UTC days).
type Periods struct {
	Today      int64 `json:"today"`
	Last7Days  int64 `json:"last_7_days"`
	Last30Days int64 `json:"last_30_days"`
}

// SourceFigures are the opt-ins from one source.
type SourceFigures struct {
	Last30Days int64 `json:"last_30_days"`
	AllTime    int64 `json:"all_time"`
}

// Delivery counts carrier sends and their outcomes.
type Delivery struct {
	Sent        int64 `json:"sent"`
	Delivered   int64 `json:"delivered"`   // delivered, read or partially delivered
	Undelivered int64 `json:"undelivered"` // the carrier could not deliver it
	Failed      int64 `json:"failed"`      // refused or canceled before it left
	Unknown     int64 `json:"unknown"`     // the request timed out; never retried
	// Awaiting are sends with no outcome yet (all-time figures only).
	Awaiting *int64 `json:"awaiting,omitempty"`
	// Rate is delivered / (delivered + undelivered + failed); nil before any outcome.
	Rate *float64 `json:"rate"`
}

// StepReach is how many got one step of the sequence (Step counts from 1).
type StepReach struct {
	Step      int   `json:"step"`
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
}

// Day is one UTC day of the trend.
type Day struct {
	Date    time.Time `json:"-"`
	Day     string    `json:"day"`
	OptIns  int64     `json:"opt_ins"`
	OptOuts int64     `json:"opt_outs"`
	// Active is the number of active subscribers at the end of the day.
	Active int64 `json:"active"`
}

// Sources and consent methods the counters are kept for.
var (
	statSources = []string{MethodKeyword, MethodWebForm, MethodStaff}
	statMethods = []string{MethodKeyword, MethodWebForm, MethodStaff, MethodCarrier}
	// deliveryStatuses are the final statuses counted as delivery.<status>
	// (is_final_status in migrations/00001_baseline.sql).
	deliveryStatuses = []string{"delivered", "read", "partially_delivered", "undelivered", "failed", "canceled", "unknown"}
)

// trendCounters are the per-day counters of the trend (every day of it);
// periodCounters those summed over the last 30 days only.
func trendCounters() []string {
	names := []string{"active.net"}
	for _, m := range statMethods {
		names = append(names, "opt_ins."+m, "opt_outs."+m)
	}
	return names
}

func periodCounters() []string {
	names := []string{"sends"}
	for _, s := range statSources {
		names = append(names, "joined."+s)
	}
	for _, s := range deliveryStatuses {
		names = append(names, "delivery."+s)
	}
	return names
}

// Totals reads the running totals only: subscribers by state, messages and
// consent events.
func (db *DB) Totals(ctx context.Context) (*Stats, error) {
	totals, err := db.runningTotals(ctx)
	if err != nil {
		return nil, fmt.Errorf("read totals: %w", err)
	}
	s := &Stats{}
	s.fillTotals(totals)
	return s, nil
}

func (db *DB) runningTotals(ctx context.Context) (map[string]int64, error) {
	// counters_totals (a partial index on day = '-infinity') keeps this to
	// the running-total rows.
	rows, err := db.Pool.Query(ctx, `SELECT name, sum(n)::bigint FROM counter_sums WHERE day = '-infinity' GROUP BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	totals := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		totals[name] = n
	}
	return totals, rows.Err()
}

func (s *Stats) fillTotals(totals map[string]int64) {
	s.Subscribers = map[State]int64{Pending: 0, Active: 0, Stopped: 0, Invalid: 0}
	s.Messages = map[string]int64{"inbound": 0, "outbound": 0}
	for name, n := range totals {
		switch {
		case strings.HasPrefix(name, "subscribers."):
			s.Subscribers[State(strings.TrimPrefix(name, "subscribers."))] = n
		case strings.HasPrefix(name, "messages."):
			s.Messages[strings.TrimPrefix(name, "messages.")] = n
		case name == "consent_events":
			s.ConsentEvents = n
		}
	}
}

// utcDay is the UTC day t falls in, as midnight UTC.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Overview reads every figure of the staff overview as of now: the totals,
// the periods ending today, and a trend of the last days days (today
// included). steps is the number of steps in the programme's sequence;
// steps beyond it that have counts (an older, longer sequence) are shown too.
func (db *DB) Overview(ctx context.Context, now time.Time, days, steps int) (*Stats, error) {
	if days < 30 {
		days = 30
	}
	today := utcDay(now)
	totals, err := db.runningTotals(ctx)
	if err != nil {
		return nil, fmt.Errorf("read overview: %w", err)
	}
	daily, err := db.dailyCounts(ctx, trendCounters(), today.AddDate(0, 0, -(days-1)), periodCounters(), today.AddDate(0, 0, -29))
	if err != nil {
		return nil, fmt.Errorf("read overview: %w", err)
	}
	conv, err := db.ConversationFigures(ctx, now)
	if err != nil {
		return nil, err
	}
	alerts := map[string]int64{"crisis": conv.OpenCrisis, "free_text": conv.OpenOther}
	s := &Stats{AsOf: now, Today: today.Format(time.DateOnly), OpenAlerts: alerts, Conversations: conv, Sources: map[string]SourceFigures{}}
	s.fillTotals(totals)

	// sum adds the named counters over the last n days, today included.
	sum := func(n int, names ...string) int64 {
		var total int64
		for d := today.AddDate(0, 0, -(n - 1)); !d.After(today); d = d.AddDate(0, 0, 1) {
			for _, name := range names {
				total += daily[d][name]
			}
		}
		return total
	}
	periods := func(prefix string) Periods {
		var names []string
		for _, m := range statMethods {
			names = append(names, prefix+m)
		}
		return Periods{Today: sum(1, names...), Last7Days: sum(7, names...), Last30Days: sum(30, names...)}
	}
	s.OptIns, s.OptOuts = periods("opt_ins."), periods("opt_outs.")
	for _, src := range statSources {
		s.Sources[src] = SourceFigures{Last30Days: sum(30, "joined."+src), AllTime: totals["joined."+src]}
	}

	s.Delivery = delivery(func(name string) int64 { return totals[name] })
	awaiting := max(0, s.Delivery.Sent-s.Delivery.Delivered-s.Delivery.Undelivered-s.Delivery.Failed-s.Delivery.Unknown)
	s.Delivery.Awaiting = &awaiting
	s.DeliveryLast30Days = delivery(func(name string) int64 { return sum(30, name) })

	for name := range totals {
		if i, ok := stepIndex(name); ok {
			steps = max(steps, i+1)
		}
	}
	for i := range steps {
		s.Steps = append(s.Steps, StepReach{Step: i + 1,
			Sent: totals[fmt.Sprintf("step.%d.sent", i)], Delivered: totals[fmt.Sprintf("step.%d.delivered", i)]})
	}

	s.Daily = trend(daily, today.AddDate(0, 0, -(days-1)), today, s.Subscribers[Active])
	return s, nil
}

func delivery(count func(name string) int64) Delivery {
	d := Delivery{
		Sent:        count("sends"),
		Delivered:   count("delivery.delivered") + count("delivery.read") + count("delivery.partially_delivered"),
		Undelivered: count("delivery.undelivered"),
		Failed:      count("delivery.failed") + count("delivery.canceled"),
		Unknown:     count("delivery.unknown"),
	}
	if known := d.Delivered + d.Undelivered + d.Failed; known > 0 {
		rate := float64(d.Delivered) / float64(known)
		d.Rate = &rate
	}
	return d
}

// trend builds the days from first to last. The active total at the end of
// a day is today's total less the net change of every later day.
func trend(daily map[time.Time]map[string]int64, first, last time.Time, activeNow int64) []Day {
	var later int64
	for d, c := range daily {
		if d.After(last) { // a clock ahead of ours wrote them: count them as later
			later += c["active.net"]
		}
	}
	var out []Day
	for d := last; !d.Before(first); d = d.AddDate(0, 0, -1) {
		c := daily[d]
		var in, outs int64
		for _, m := range statMethods {
			in += c["opt_ins."+m]
			outs += c["opt_outs."+m]
		}
		out = append(out, Day{Date: d, Day: d.Format(time.DateOnly), OptIns: in, OptOuts: outs, Active: activeNow - later})
		later += c["active.net"]
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// dailyCounts reads per-day counters, folded or not: the names
// in long from the UTC day of longFrom on, those in short from shortFrom
// on (later days included).
func (db *DB) dailyCounts(ctx context.Context, long []string, longFrom time.Time, short []string, shortFrom time.Time) (map[time.Time]map[string]int64, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT name, day, sum(n)::bigint FROM counter_sums
		WHERE (name = ANY($1) AND day >= $2) OR (name = ANY($3) AND day >= $4)
		GROUP BY name, day`, long, utcDay(longFrom), short, utcDay(shortFrom))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[time.Time]map[string]int64{}
	for rows.Next() {
		var name string
		var day time.Time
		var n int64
		if err := rows.Scan(&name, &day, &n); err != nil {
			return nil, err
		}
		day = utcDay(day)
		if out[day] == nil {
			out[day] = map[string]int64{}
		}
		out[day][name] = n
	}
	return out, rows.Err()
}

// DailyRow is one UTC day of figures for the CSV export: the day's counters
// by name (see ExportColumns) and the active total at its end.
type DailyRow struct {
	Date   time.Time
	Counts map[string]int64
	Active int64
}

// ExportColumns are the counter columns of the daily export, in order.
func ExportColumns() []string {
	cols := []string{}
	for _, m := range statMethods {
		cols = append(cols, "opt_ins."+m)
	}
	for _, m := range statMethods {
		cols = append(cols, "opt_outs."+m)
	}
	for _, s := range statSources {
		cols = append(cols, "joined."+s)
	}
	cols = append(cols, "messages.inbound", "messages.outbound", "sends")
	for _, s := range deliveryStatuses {
		cols = append(cols, "delivery."+s)
	}
	return cols
}

// DailyFigures reads the last days UTC days up to now's, oldest first.
func (db *DB) DailyFigures(ctx context.Context, now time.Time, days int) ([]DailyRow, error) {
	today := utcDay(now)
	first := today.AddDate(0, 0, -(days - 1))
	totals, err := db.Totals(ctx)
	if err != nil {
		return nil, err
	}
	daily, err := db.dailyCounts(ctx, append(trendCounters(), ExportColumns()...), first, nil, first)
	if err != nil {
		return nil, fmt.Errorf("read daily figures: %w", err)
	}
	trendDays := trend(daily, first, today, totals.Subscribers[Active])
	out := make([]DailyRow, len(trendDays))
	for i, d := range trendDays {
		counts := daily[d.Date]
		if counts == nil {
			counts = map[string]int64{}
		}
		out[i] = DailyRow{Date: d.Date, Counts: counts, Active: d.Active}
	}
	return out, nil
}

// FoldCounters moves the counter deltas committed so far into counters, one
// row per counter and day (a per-day delta of a counter that keeps a total
// goes to its total too: keeps_total, migration 00007), in one transaction: readers of counter_sums see
// the same figures before and after. Deltas that commit meanwhile wait for
// the next fold; folds running at once never count a delta twice (a
// delta is deleted once). It returns how many deltas it folded.
func (db *DB) FoldCounters(ctx context.Context) (folded int64, err error) {
	err = db.Pool.QueryRow(ctx, `
		WITH gone AS (
			DELETE FROM counter_deltas RETURNING name, day, n
		), counted AS (
			SELECT name, day, n FROM gone
			UNION ALL
			SELECT name, '-infinity', n FROM gone WHERE day <> '-infinity' AND keeps_total(name)
		), folded AS (
			INSERT INTO counters (name, day, n)
			SELECT name, day, sum(n) FROM counted GROUP BY name, day ORDER BY name, day
			ON CONFLICT (name, day) DO UPDATE SET n = counters.n + EXCLUDED.n
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM gone)`).Scan(&folded)
	if err != nil {
		return 0, fmt.Errorf("fold counters: %w", err)
	}
	return folded, nil
}

// stepIndex parses "step.<n>.<what>" counter names.
func stepIndex(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "step.")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, ".")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}
