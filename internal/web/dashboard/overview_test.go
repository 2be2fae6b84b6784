package dashboard_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
)

// seedHistory writes a small programme's history with figures worked out by
// hand (the comments), so every figure on the overview has a known answer.
//
//	A keyword  day 100 active                                  → active
//	B keyword  day 40 active, day 20 stopped                   → stopped
//	C web form day 10 pending, day 10 active (YES), day 3 stopped by carrier → stopped
//	D keyword  day 5 active, today stopped, today active again → active
//	E web form today pending                                   → pending
//	F keyword  day 2 active, day 1 invalid                     → invalid
//	G staff    day 6 active                                    → active
//
// Messages (all today): A steps 1, 2 delivered, step 3 failed before it
// left; C its sign-up confirmation delivered, step 1 undelivered; D step 1
// sent, no report yet; G step 1 timed out (unknown).
// Inbound: a crisis text from a number that never subscribed (an open
// crisis conversation), free text from A (open; its reply counts as a
// message sent), free text from B (a conversation closed by the admin).
func seedHistory(t *testing.T, b *staffBundle) (ids map[string]int64, convs map[string]int64) {
	t.Helper()
	a, k, w, st := store.Active, store.MethodKeyword, store.MethodWebForm, store.MethodStaff
	ids = map[string]int64{
		"A": b.seedPerson(t, "+12125550101", k, change{100, a, k}),
		"B": b.seedPerson(t, "+12125550102", k, change{40, a, k}, change{20, store.Stopped, k}),
		"C": b.seedPerson(t, "+12125550103", w, change{10, store.Pending, w}, change{10, a, k}, change{3, store.Stopped, store.MethodCarrier}),
		"D": b.seedPerson(t, "+12125550104", k, change{5, a, k}, change{0, store.Stopped, k}, change{0, a, k}),
		"E": b.seedPerson(t, "+12125550105", w, change{0, store.Pending, w}),
		"F": b.seedPerson(t, "+12125550106", k, change{2, a, k}, change{1, store.Invalid, store.MethodCarrier}),
		"G": b.seedPerson(t, "+12125550107", st, change{6, a, st}),
	}

	ctx := context.Background()
	step := func(n int) *int { return &n }
	type out struct {
		who, kind string
		step      *int
		sid       string
		report    string // the delivery status callback, "" for none
		apiStatus string // what the send itself recorded when not "queued"
	}
	outs := []out{
		{"A", store.KindStep, step(0), "SM001", "delivered", ""},
		{"A", store.KindStep, step(1), "SM002", "delivered", ""},
		{"A", store.KindStep, step(2), "", "", "failed"},
		{"C", store.KindSignupConfirm, nil, "SM003", "delivered", ""},
		{"C", store.KindStep, step(0), "SM004", "undelivered", ""},
		{"D", store.KindStep, step(0), "SM005", "", ""},
		{"G", store.KindStep, step(0), "", "", "unknown"},
	}
	for _, o := range outs {
		err := b.db.InTx(ctx, func(tx pgx.Tx) error {
			// As the sender records it: the carrier's answer, else queued.
			status := "queued"
			if o.apiStatus != "" {
				status = o.apiStatus
			}
			now := time.Now()
			m := store.Outbound{SubscriberID: ids[o.who], Kind: o.kind, Step: o.step, TwilioSID: o.sid, Status: status, Segments: 1}
			if o.step != nil {
				m.Subscription = &now
			}
			return store.RecordOutbound(ctx, tx, m)
		})
		if err != nil {
			t.Fatal(err)
		}
		if o.report != "" {
			if err := b.sender.RecordStatus(ctx, o.sid, "sent", 0); err != nil {
				t.Fatal(err)
			}
			if err := b.sender.RecordStatus(ctx, o.sid, o.report, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A late, out-of-order callback changes nothing.
	if err := b.sender.RecordStatus(ctx, "SM001", "undelivered", 0); err != nil {
		t.Fatal(err)
	}

	convs = map[string]int64{
		"crisis": b.seedText(t, "SM101", "+13125550199", "I took too much and feel strange", "crisis", store.PriorityCrisis),
		"free":   b.seedAnswered(t, "SM102", "+12125550101", "Is there a meeting near Elm St?", "free_text", store.PriorityNormal),
		"closed": b.seedText(t, "SM103", "+12125550102", "thanks for the info", "free_text", store.PriorityNormal),
	}
	if _, err := b.sender.CloseConversation(ctx, convs["closed"], store.Actor{StaffID: b.admin.ID, ClientAddr: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	return ids, convs
}

// Every figure of the overview against a seeded database with known answers.
func TestOverviewFigures(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	stats, err := b.db.Overview(context.Background(), time.Now(), 90, len(b.program.Sequence))
	if err != nil {
		t.Fatal(err)
	}
	f64 := func(f float64) *float64 { return &f }
	i64 := func(n int64) *int64 { return &n }
	checks := []struct {
		name      string
		got, want any
	}{
		{"subscribers", stats.Subscribers, map[store.State]int64{store.Active: 3, store.Pending: 1, store.Stopped: 2, store.Invalid: 1}},
		{"opt-ins", stats.OptIns, store.Periods{Today: 1, Last7Days: 4, Last30Days: 5}},
		{"opt-outs", stats.OptOuts, store.Periods{Today: 1, Last7Days: 2, Last30Days: 3}},
		{"sources", stats.Sources, map[string]store.SourceFigures{
			"keyword": {Last30Days: 3, AllTime: 5}, "web_form": {Last30Days: 1, AllTime: 1}, "staff": {Last30Days: 1, AllTime: 1}}},
		{"messages", stats.Messages, map[string]int64{"inbound": 3, "outbound": 8}},
		{"consent events", stats.ConsentEvents, int64(13)},
		{"delivery", stats.Delivery, store.Delivery{Sent: 7, Delivered: 3, Undelivered: 1, Failed: 1, Unknown: 1, Awaiting: i64(1), Rate: f64(0.6)}},
		{"delivery, 30 days", stats.DeliveryLast30Days, store.Delivery{Sent: 7, Delivered: 3, Undelivered: 1, Failed: 1, Unknown: 1, Rate: f64(0.6)}},
		{"open alerts", stats.OpenAlerts, map[string]int64{"crisis": 1, "free_text": 1}},
		{"days in the trend", len(stats.Daily), 90},
		{"step count", len(stats.Steps), len(b.program.Sequence)},
		{"step 1", stats.Steps[0], store.StepReach{Step: 1, Sent: 4, Delivered: 1}},
		{"step 2", stats.Steps[1], store.StepReach{Step: 2, Sent: 1, Delivered: 1}},
		{"step 3", stats.Steps[2], store.StepReach{Step: 3, Sent: 1, Delivered: 0}},
		{"step 4", stats.Steps[3], store.StepReach{Step: 4}},
	}
	for _, c := range checks {
		if g, w := jsonOf(c.got), jsonOf(c.want); g != w {
			t.Errorf("%s = %s, want %s", c.name, g, w)
		}
	}

	// The active total at the end of each day, newest first, and the day's
	// opt-ins and opt-outs.
	want := []struct {
		daysAgo           int
		active, ins, outs int64
	}{
		{0, 3, 1, 1}, {1, 3, 0, 0}, {2, 4, 1, 0}, {3, 3, 0, 1}, {4, 4, 0, 0}, {5, 4, 1, 0}, {6, 3, 1, 0},
		{7, 2, 0, 0}, {10, 2, 1, 0}, {11, 1, 0, 0}, {20, 1, 0, 1}, {21, 2, 0, 0}, {40, 2, 1, 0}, {41, 1, 0, 0}, {89, 1, 0, 0},
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, w := range want {
		d := stats.Daily[len(stats.Daily)-1-w.daysAgo]
		if wantDay := today.AddDate(0, 0, -w.daysAgo).Format(time.DateOnly); d.Day != wantDay {
			t.Fatalf("trend day %d ago is %s, want %s", w.daysAgo, d.Day, wantDay)
		}
		if d.Active != w.active || d.OptIns != w.ins || d.OptOuts != w.outs {
			t.Errorf("%s (%d days ago): active %d, opt-ins %d, opt-outs %d; want %d, %d, %d", d.Day, w.daysAgo, d.Active, d.OptIns, d.OptOuts, w.active, w.ins, w.outs)
		}
	}

	// Folding the counter deltas into the counters changes no figure.
	if _, err := b.db.FoldCounters(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM counter_deltas`); n != 0 {
		t.Errorf("after folding, %d counter deltas remain", n)
	}
	again, err := b.db.Overview(context.Background(), stats.AsOf, 90, len(b.program.Sequence))
	if err != nil {
		t.Fatal(err)
	}
	if g, w := jsonOf(again), jsonOf(stats); g != w {
		t.Errorf("figures changed by folding:\n%s\nwant\n%s", g, w)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The overview page shows those figures, with the chart, to both roles,
// and no phone number or message to either.
func TestOverviewPage(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	for _, email := range []string{staffAdminEmail, staffViewerEmail} {
		t.Run(email, func(t *testing.T) {
			page := b.signedIn(t, email).get("/staff")
			if page.code != http.StatusOK {
				t.Fatalf("GET /staff = %d", page.code)
			}
			html := page.body
			admin := email == staffAdminEmail
			states := map[string]string{"subscribers-active": "3"}
			rows := map[string][]string{
				"opt-ins":  {"Opt-ins", "1", "4", "5"},
				"opt-outs": {"Opt-outs", "1", "2", "3"},
				"net":      {"Net change", "0", "+2", "+2"},
			}
			// Only admins see what a web sign-up moves (README "Security").
			if admin {
				states["subscribers-pending"], states["subscribers-stopped"], states["subscribers-invalid"] = "1", "2", "1"
				for id, cells := range map[string][]string{
					"sent":           {"Sent through the carrier", "7", "7"},
					"delivered":      {"Delivered", "3", "3"},
					"undelivered":    {"Undelivered", "1", "1"},
					"failed":         {"Failed", "1", "1"},
					"unknown":        {"Outcome unknown (timed out)", "1", "1"},
					"awaiting":       {"Awaiting a delivery report", "—", "1"},
					"rate":           {"Delivery rate", "60.0 %", "60.0 %"},
					"texts-received": {"Texts received", "—", "3"},
					"texts-sent":     {"Texts sent, replies included", "—", "8"},
				} {
					rows[id] = cells
				}
			} else {
				for _, id := range []string{"subscribers-pending", "subscribers-stopped", "subscribers-invalid", "delivery", "texts-sent"} {
					if strings.Contains(html, `id="`+id+`"`) {
						t.Errorf("a viewer sees #%s", id)
					}
				}
				if !strings.Contains(html, `id="limited-figures"`) {
					t.Errorf("the viewer's page does not say which figures are for admins")
				}
			}
			for id, want := range states {
				if got := textOf(t, html, id); got != want {
					t.Errorf("#%s = %q, want %q", id, got, want)
				}
			}
			for id, want := range rows {
				if got := cells(t, html, id); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("row %s = %q, want %q", id, got, want)
				}
			}
			for _, want := range []string{
				`<th scope="row">Texted a keyword</th><td class="n">3</td><td class="n">5</td>`,
				`<th scope="row">Web sign-up form</th><td class="n">1</td><td class="n">1</td>`,
				`<th scope="row">Added by staff</th><td class="n">1</td><td class="n">1</td>`,
				`<th scope="row">1</th><td>1 minute after opt-in</td><td class="n">4</td><td class="n">1</td><td class="n">100.0 %</td>`,
				`<th scope="row">2</th><td>1 day after opt-in</td><td class="n">1</td><td class="n">1</td><td class="n">100.0 %</td>`,
				`<div class="chart" id="trend-chart" role="img"`, `data-series="Active subscribers"`, `data-series="Opt-ins"`, `data-series="Opt-outs"`,
				`active subscribers went from 1 to 3, with 6 opt-ins and 3 opt-outs in all`,
				`<p class="big" id="conv-open-crisis">1</p>`, `<p class="big" id="conv-open-other">1</p>`, `<p class="big" id="conv-waiting">0</p>`,
				`1 crisis conversation waiting for staff.`,
			} {
				if !strings.Contains(html, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			if got := strings.Count(html, "<tr><th scope=\"row\">20"); got != 90 {
				t.Errorf("the chart's table has %d days, want 90", got)
			}
			for _, secret := range []string{"5550101", "5550199", "0101", "too much", "Elm St"} {
				if strings.Contains(html, secret) {
					t.Errorf("the overview shows %q", secret)
				}
			}
			if admin := strings.Contains(html, `action="/staff/export.csv"`); admin != (email == staffAdminEmail) {
				t.Errorf("export form shown = %v for %s", admin, email)
			}
		})
	}
}

// The API answers the overview's figures to a token and to a staff session.
func TestStatsAPI(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	token, err := b.db.CreateAPIToken(context.Background(), "reporting")
	if err != nil {
		t.Fatal(err)
	}
	metricsToken, err := b.db.CreateAPIToken(context.Background(), "prometheus", store.ScopeMetrics)
	if err != nil {
		t.Fatal(err)
	}
	get := func(br *browser, bearer string) staffAnswer {
		req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return br.do(req)
	}
	cases := []struct {
		name   string
		br     *browser
		bearer string
		code   int
	}{
		{"token", b.browser(t), token, 200},
		{"admin session", b.signedIn(t, staffAdminEmail), "", 200},
		{"viewer session", b.signedIn(t, staffViewerEmail), "", 200},
		{"nothing", b.browser(t), "", 401},
		{"wrong token", b.browser(t), token + "x", 401},
		{"wrong token beside a session", b.signedIn(t, staffViewerEmail), token + "x", 401},
		{"metrics token", b.browser(t), metricsToken, 403},
	}
	for _, c := range cases {
		a := get(c.br, c.bearer)
		if a.code != c.code {
			t.Errorf("%s: %d, want %d", c.name, a.code, c.code)
			continue
		}
		if c.code != 200 {
			continue
		}
		var got struct {
			Subscribers   map[string]int64 `json:"subscribers"`
			Messages      map[string]int64 `json:"messages"`
			ConsentEvents int64            `json:"consent_events"`
			OptIns        store.Periods    `json:"opt_ins"`
			OptOuts       store.Periods    `json:"opt_outs"`
			Delivery      struct {
				Sent, Delivered, Undelivered, Failed, Unknown, Awaiting int64
				Rate                                                    float64
			} `json:"delivery"`
			Sources    map[string]store.SourceFigures `json:"sources"`
			Steps      []store.StepReach              `json:"steps"`
			OpenAlerts map[string]int64               `json:"open_alerts"`
			Daily      []store.Day                    `json:"daily"`
		}
		if err := json.Unmarshal([]byte(a.body), &got); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, a.body)
		}
		summary := fmt.Sprintf("%v %v %d %+v %+v %+v %v %v %d %+v",
			got.Subscribers, got.Messages, got.ConsentEvents, got.OptIns, got.OptOuts, got.Delivery,
			got.Sources["keyword"], got.OpenAlerts, len(got.Daily), got.Steps[0])
		want := "map[active:3 invalid:1 pending:1 stopped:2] map[inbound:3 outbound:8] 13 {Today:1 Last7Days:4 Last30Days:5} {Today:1 Last7Days:2 Last30Days:3} " +
			"{Sent:7 Delivered:3 Undelivered:1 Failed:1 Unknown:1 Awaiting:1 Rate:0.6} {3 5} map[crisis:1 free_text:1] 90 {Step:1 Sent:4 Delivered:1}"
		if c.name != "admin session" {
			// Below admin, only what a sign-up cannot move.
			want = "map[active:3] map[] 0 {Today:1 Last7Days:4 Last30Days:5} {Today:1 Last7Days:2 Last30Days:3} " +
				"{Sent:0 Delivered:0 Undelivered:0 Failed:0 Unknown:0 Awaiting:0 Rate:0} {3 5} map[crisis:1 free_text:1] 90 {Step:1 Sent:4 Delivered:1}"
		}
		if summary != want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, summary, want)
		}
		if d := got.Daily[len(got.Daily)-1]; d.OptIns != 1 || d.OptOuts != 1 || d.Active != 3 {
			t.Errorf("%s: today = %+v", c.name, d)
		}
		if strings.Contains(a.body, "5550101") {
			t.Errorf("%s: the API shows a number", c.name)
		}
	}
}

// What a web sign-up does to the database (a new number pending, its
// ledger row, the YES request sent and delivered) moves nothing a viewer
// or a stats token reads: a role below admin who posts the form cannot
// tell from the figures whether the number was enrolled.
func TestSignupMovesNothingBelowAdmin(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	token, err := b.db.CreateAPIToken(context.Background(), "reporting")
	if err != nil {
		t.Fatal(err)
	}
	viewer := b.signedIn(t, staffViewerEmail)
	figures := func() (api, tokenAPI, page string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
		api = viewer.do(req).body
		req, _ = http.NewRequest(http.MethodGet, b.server.URL+"/api/v1/stats", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		tokenAPI = b.browser(t).do(req).body
		page = viewer.get("/staff").body
		// The time stamp and the longest wait move with the clock, not
		// with a sign-up.
		asOf := regexp.MustCompile(`"as_of":"[^"]*"|Figures as of [^.]*\.|"oldest_open_seconds":\d+|id="conv-oldest">[^<]*<`)
		return asOf.ReplaceAllString(api, ""), asOf.ReplaceAllString(tokenAPI, ""), asOf.ReplaceAllString(page, "")
	}
	api, tokenAPI, page := figures()

	id := b.seedPerson(t, "+12125550131", store.MethodWebForm, change{0, store.Pending, store.MethodWebForm})
	ctx := context.Background()
	if err := b.db.InTx(ctx, func(tx pgx.Tx) error {
		return store.RecordOutbound(ctx, tx, store.Outbound{SubscriberID: id, Kind: store.KindSignupConfirm, TwilioSID: "SM131", Status: "queued", Segments: 1})
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.sender.RecordStatus(ctx, "SM131", "delivered", 0); err != nil {
		t.Fatal(err)
	}

	api2, tokenAPI2, page2 := figures()
	if api2 != api {
		t.Errorf("a sign-up moved the viewer's API figures:\n%s\nthen\n%s", api, api2)
	}
	if tokenAPI2 != tokenAPI {
		t.Errorf("a sign-up moved the stats token's figures:\n%s\nthen\n%s", tokenAPI, tokenAPI2)
	}
	if page2 != page {
		t.Errorf("a sign-up moved the viewer's overview")
	}
}

// The CSV export: daily counts, oldest first, for admins only, each export
// in the audit log.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	seedHistory(t, b)
	admin := b.signedIn(t, staffAdminEmail)
	a := admin.get("/staff/export.csv?days=30")
	if a.code != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(a.header.Get("Content-Disposition"), `attachment; filename="textsupport-daily-`) {
		t.Fatalf("export = %d %v", a.code, a.header)
	}
	records, err := csv.NewReader(strings.NewReader(a.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 31 {
		t.Fatalf("%d lines, want a header and 30 days", len(records))
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	today := time.Now().UTC().Format(time.DateOnly)
	tenAgo := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	wants := []struct {
		row  int
		day  string
		vals map[string]string
	}{
		{30, today, map[string]string{"opt_ins": "1", "opt_outs": "1", "active_at_end_of_day": "3", "opt_ins_keyword": "1",
			"opt_outs_keyword": "1", "joined_keyword": "1", "sends": "7", "delivery_delivered": "3", "delivery_undelivered": "1",
			"delivery_failed": "1", "delivery_unknown": "1", "messages_inbound": "3", "messages_outbound": "8"}},
		{20, tenAgo, map[string]string{"opt_ins": "1", "opt_ins_keyword": "1", "joined_web_form": "1", "active_at_end_of_day": "2", "sends": "0"}},
		{1, time.Now().UTC().AddDate(0, 0, -29).Format(time.DateOnly), map[string]string{"opt_ins": "0", "active_at_end_of_day": "2"}}, // A and B
	}
	for _, w := range wants {
		rec := records[w.row]
		if rec[0] != w.day {
			t.Errorf("line %d is day %s, want %s", w.row, rec[0], w.day)
		}
		for name, want := range w.vals {
			i, ok := col[name]
			if !ok {
				t.Fatalf("no column %s in %v", name, records[0])
			}
			if rec[i] != want {
				t.Errorf("%s %s = %s, want %s", w.day, name, rec[i], want)
			}
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'export' AND staff_id = $1 AND detail = 'daily figures, 30 days'`, b.admin.ID); n != 1 {
		t.Errorf("export audit rows = %d, want 1", n)
	}
	for _, bad := range []string{"0", "-3", "x", "99999"} {
		if a := admin.get("/staff/export.csv?days=" + bad); a.code != http.StatusBadRequest {
			t.Errorf("days=%s: %d, want 400", bad, a.code)
		}
	}
}

// The conversation figures, on the overview and in the API: how many wait
// and for how long, and the time to the first staff reply over 7 and 30
// days (median and 90th percentile over the conversations answered).
func TestConversationFigures(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	// Opened 10 minutes, 2 days and 20 days ago; answered after 4 minutes,
	// 1 hour and 2 hours. Over 7 days: 240 s and 3,600 s, median 1,920 s,
	// 90th percentile 3,264 s. Over 30 days: median 3,600 s, 90th 6,480 s.
	for id, at := range map[int64]struct{ opened, reply string }{
		convs["crisis"]: {"10 minutes", "4 minutes"}, convs["free"]: {"2 days", "1 hour"}, convs["closed"]: {"20 days", "2 hours"},
	} {
		if _, err := b.db.Pool.Exec(context.Background(), `
			UPDATE conversations SET opened_at = now() - $2::interval, last_inbound_at = now() - $2::interval,
			       first_reply_at = now() - $2::interval + $3::interval WHERE id = $1`, id, at.opened, at.reply); err != nil {
			t.Fatal(err)
		}
	}
	admin := b.signedIn(t, staffAdminEmail)
	page := admin.get("/staff").body
	for row, want := range map[string][]string{
		"first-reply-7":  {"Last 7 days", "2", "2", "32 min", "54 min"},
		"first-reply-30": {"Last 30 days", "3", "3", "1 h", "1 h 48 min"},
	} {
		if got := cells(t, page, row); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s = %q, want %q", row, got, want)
		}
	}
	if got := textOf(t, page, "conv-oldest"); got != "2 days" {
		t.Errorf("the longest wait = %q, want 2 days", got)
	}

	var api struct {
		OpenAlerts    map[string]int64 `json:"open_alerts"`
		Conversations struct {
			OpenCrisis int64 `json:"open_crisis"`
			OpenOther  int64 `json:"open_other"`
			Waiting    int64 `json:"waiting_for_person"`
			Oldest     int64 `json:"oldest_open_seconds"`
			Last7      struct {
				Opened, Replied int64
				Median          *int64 `json:"median_seconds"`
				P90             *int64 `json:"p90_seconds"`
			} `json:"first_reply_last_7_days"`
			Last30 struct {
				Opened, Replied int64
				Median          *int64 `json:"median_seconds"`
				P90             *int64 `json:"p90_seconds"`
			} `json:"first_reply_last_30_days"`
		} `json:"conversations"`
	}
	a := admin.get("/api/v1/stats")
	if err := json.Unmarshal([]byte(a.body), &api); err != nil {
		t.Fatal(err)
	}
	c := api.Conversations
	if c.OpenCrisis != 1 || c.OpenOther != 1 || c.Waiting != 0 || c.Oldest < 2*86400 || c.Oldest > 3*86400 {
		t.Errorf("API conversations = %+v", c)
	}
	if c.Last7.Opened != 2 || c.Last7.Replied != 2 || c.Last7.Median == nil || *c.Last7.Median != 1920 || c.Last7.P90 == nil || *c.Last7.P90 != 3264 {
		t.Errorf("API first replies, 7 days = %+v", c.Last7)
	}
	if c.Last30.Opened != 3 || c.Last30.Median == nil || *c.Last30.Median != 3600 || c.Last30.P90 == nil || *c.Last30.P90 != 6480 {
		t.Errorf("API first replies, 30 days = %+v", c.Last30)
	}
	if api.OpenAlerts["crisis"] != 1 || api.OpenAlerts["free_text"] != 1 {
		t.Errorf("API open_alerts = %v, want its old shape: crisis 1, free_text 1", api.OpenAlerts)
	}
}

// When the carrier refuses the account, every staff page says sending is
// paused and why; people whose steps the window holds for days are counted
// on the overview. Neither shows when there is nothing to say.
func TestPauseAndStalledShown(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	viewer := b.signedIn(t, staffViewerEmail)
	for _, path := range []string{"/staff", "/staff/conversations"} {
		if strings.Contains(viewer.get(path).body, `id="sending-paused"`) {
			t.Fatalf("%s shows a pause with sending not paused", path)
		}
	}
	if strings.Contains(viewer.get("/staff").body, `id="stalled"`) {
		t.Fatal("the overview counts stalled people with none")
	}
	_, err := b.db.Pool.Exec(context.Background(), `
		INSERT INTO sending_pause (id, code, reason, since, last_seen, next_probe_at) VALUES (1, 20003, 'authentication failed', now(), now(), now());
		INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source, opted_in_at) VALUES ('\x01', 'x', '0001', 'active', 'keyword', '2026-01-01');
		INSERT INTO stalled_steps (subscriber_id, subscription, step_id, due_at) SELECT id, '2026-01-01', 'welcome', now() - interval '4 days' FROM subscribers`)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/staff", "/staff/conversations"} {
		page := viewer.get(path).body
		if !strings.Contains(page, `id="sending-paused"`) || !strings.Contains(page, "error 20003") {
			t.Errorf("%s does not say sending is paused, with the carrier's error", path)
		}
	}
	if got := textOf(t, viewer.get("/staff").body, "stalled"); !strings.Contains(got, "1 person's next message has been held") {
		t.Errorf("stalled note = %q", got)
	}
}
