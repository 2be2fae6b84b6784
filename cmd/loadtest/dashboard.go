package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"textsupport/internal/pgserver"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web"
	"textsupport/internal/web/dashboard"
)

// dashboardLoad measures the staff dashboard at a million subscribers:
//
//  1. seeding: -subscribers people with -days of history, written in SQL
//     (generate_series) with the row triggers off: subscribers, their
//     consent ledger, the messages sent and received, conversations, and the
//     counters the triggers and the folds would have kept;
//  2. a check of the seeded counters against counts over the raw tables;
//  3. -n requests each of GET /staff (a session) and GET /api/v1/stats (a
//     token, then a session) against the real handler, -c at a time: p50,
//     p99, max; then the same with deltas not yet folded. It fails when a
//     p99 is over -target.
func dashboardLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dashboard", flag.ExitOnError)
	subscribers := fs.Int("subscribers", 1_000_000, "subscribers to seed")
	days := fs.Int("days", 365, "days of history")
	messages := fs.Bool("messages", true, "seed the messages too (sequence steps, replies, texts received); the pages read only counters")
	n := fs.Int("n", 400, "requests per endpoint")
	c := fs.Int("c", 4, "concurrent clients")
	target := fs.Duration("target", 100*time.Millisecond, "p99 each endpoint must stay under")
	fs.Parse(args)

	pg, err := pgserver.Start(ctx, pgserver.Options{Settings: map[string]string{
		"max_wal_size": "8GB", "maintenance_work_mem": "512MB", "work_mem": "64MB", "checkpoint_timeout": "30min",
	}})
	if err != nil {
		return err
	}
	defer pg.Stop()
	db, err := freshDB(ctx, pg.URL, "dashboard")
	if err != nil {
		return err
	}
	defer db.Close()
	prog, err := program.Load("")
	if err != nil {
		return err
	}

	fmt.Printf("seeding %d subscribers with %d days of history…\n", *subscribers, *days)
	start := time.Now()
	if err := seedDashboard(ctx, db, prog, *subscribers, *days, *messages); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	var sizes string
	db.Pool.QueryRow(ctx, `
		SELECT string_agg(format('%s %s', relname, to_char(n_live_tup, 'FM999,999,999')), ', ' ORDER BY relname)
		FROM pg_stat_user_tables WHERE relname IN ('subscribers', 'consent_events', 'outbound_messages', 'inbound_messages', 'conversations', 'counters')`).Scan(&sizes)
	fmt.Printf("seeded in %.1f s: %s rows\n", time.Since(start).Seconds(), sizes)
	if err := checkSeed(ctx, db); err != nil {
		return err
	}
	// The real handler, with the staff side as serve builds it.
	key := make([]byte, 32)
	rand.Read(key)
	v, _ := vault.New(key)
	steps := make([]string, len(prog.Sequence))
	for i, st := range prog.Sequence {
		steps[i] = dashboard.StepLabel(st.After)
	}
	staff, err := dashboard.New(db, dashboard.Config{Logger: slog.New(slog.DiscardHandler), Vault: v, Steps: steps,
		Transition: func(context.Context, pgx.Tx, *store.Subscriber, store.State, store.ConsentEvent) error {
			return errors.New("not in the benchmark")
		},
		Conversations: noConversations{}})
	if err != nil {
		return err
	}
	public, _ := url.Parse("http://127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: web.NewServer(&web.Deps{Logger: slog.New(slog.DiscardHandler), DB: db, PublicURL: public, Staff: staff})}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	const email, password = "bench@clinic.example", "benchmark password 1"
	if _, err := db.CreateStaff(ctx, email, password, store.RoleAdmin); err != nil {
		return err
	}
	cookies, err := signIn(base, email, password)
	if err != nil {
		return err
	}
	token, err := db.CreateAPIToken(ctx, "benchmark")
	if err != nil {
		return err
	}

	type endpoint struct {
		name, path, want string
		header           func(*http.Request)
	}
	endpoints := []endpoint{
		{"GET /staff (session)", "/staff", `id="subscribers-active"`, withCookies(cookies)},
		{"GET /api/v1/stats (token)", "/api/v1/stats", `"subscribers"`, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }},
		{"GET /api/v1/stats (session)", "/api/v1/stats", `"subscribers"`, withCookies(cookies)},
	}
	measure := func(e endpoint) result {
		return load(*n, *c, func(client *http.Client, i int) bool {
			req, _ := http.NewRequest(http.MethodGet, base+e.path, nil)
			e.header(req)
			resp, err := client.Do(req)
			if err != nil {
				return false
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode == 200 && strings.Contains(string(body), e.want)
		})
	}
	var failed []string
	run := func(title string) {
		fmt.Printf("\n%s: %d requests each, %d at a time\n", title, *n, *c)
		fmt.Printf("%-30s %8s %10s %10s %10s %8s\n", "", "req/s", "p50", "p99", "max", "errors")
		for _, e := range endpoints {
			load(20, 1, func(client *http.Client, i int) bool { // warm up
				req, _ := http.NewRequest(http.MethodGet, base+e.path, nil)
				e.header(req)
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				return err == nil
			})
			r := measure(e)
			fmt.Printf("%-30s %8.0f %10s %10s %10s %8d\n", e.name, r.rate(), ms(r.pct(.50)), ms(r.pct(.99)), ms(r.latencies[len(r.latencies)-1]), r.errors)
			if r.pct(.99) > *target || r.errors > 0 {
				failed = append(failed, fmt.Sprintf("%s (%s): p99 %s, %d errors", e.name, title, ms(r.pct(.99)), r.errors))
			}
		}
	}
	var rows int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM counters`).Scan(&rows)
	run(fmt.Sprintf("counters all folded (%d rows)", rows))

	// Between folds (every 2 s) readers also add up the deltas not yet
	// folded: a JOIN appends 7, so 21,000 are 2 s of 1,500 JOINs a second.
	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO counter_deltas (name, day, n)
		SELECT (ARRAY['subscribers.active', 'consent_events', 'opt_ins.keyword', 'active.net', 'joined.keyword',
		              'messages.inbound', 'messages.outbound'])[1 + i % 7],
		       CASE WHEN i % 7 IN (0, 1) THEN '-infinity'::date ELSE (now() AT TIME ZONE 'UTC')::date END, 1
		FROM generate_series(1, 21000) i`); err != nil {
		return err
	}
	db.Pool.Exec(ctx, `ANALYZE counter_deltas`)
	run("with 21000 counter deltas not yet folded (2 s of 1,500 JOINs a second)")

	fmt.Printf("\ntarget: p99 ≤ %s\n", ms(*target))
	if len(failed) > 0 {
		return fmt.Errorf("over target: %s", strings.Join(failed, "; "))
	}
	fmt.Println("all within target")
	return nil
}

// withCookies sets a signed-in browser's cookies on a request.
func withCookies(cookies []*http.Cookie) func(*http.Request) {
	return func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	}
}

// signIn signs in through the form, as a browser would, and returns its
// cookies (the session's, and the one that remembers the browser).
func signIn(base, email, password string) ([]*http.Cookie, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/staff/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	if cookies := jar.Cookies(u); len(cookies) > 0 {
		return cookies, nil
	}
	return nil, errors.New("sign-in set no cookie")
}

// seedDashboard writes the history in SQL, triggers off, then the counters
// the triggers would have kept, as the folds leave them: one row per
// counter and day.
//
// Each person joins on a day of the period (web-form sign-ups confirm with
// YES ten minutes later; 1 % are recent sign-ups still pending); 24 % stop
// later (by text, the carrier or staff) and 3 % become invalid. The
// sequence's steps go at their delays while the person is active; 95 % are
// delivered, 2.5 % undelivered, 1.5 % fail, the last hour's await a report.
func seedDashboard(ctx context.Context, db *store.DB, prog *program.Program, count, days int, messages bool) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	afters := make([]int64, len(prog.Sequence))
	for i, st := range prog.Sequence {
		afters[i] = int64(st.After / time.Second)
	}
	exec := func(label, sql string, args ...any) error {
		t0 := time.Now()
		tag, err := conn.Exec(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		if label != "" {
			fmt.Printf("  %-34s %12s rows %7.1f s\n", label, fmtInt(tag.RowsAffected()), time.Since(t0).Seconds())
		}
		return nil
	}
	type step struct {
		label, sql string
		args       []any
	}
	steps := []step{
		{"", `SET session_replication_role = replica`, nil},
		{"", `SELECT setseed(0.4242)`, nil},
		{"plan", `
			CREATE UNLOGGED TABLE seed_plan AS
			WITH r AS (
				SELECT i, random() AS r_source, random() AS r_fate, random() AS r_left, random() AS r_how,
				       now() - interval '15 minutes' - random() * $2 * interval '1 day' AS joined_at
				FROM generate_series(1, $1) i)
			SELECT i AS id, joined_at,
			       CASE WHEN r_source < 0.70 THEN 'keyword' WHEN r_source < 0.98 THEN 'web_form' ELSE 'staff' END AS source,
			       CASE WHEN r_source >= 0.70 AND r_source < 0.98 AND joined_at > now() - interval '7 days' AND r_fate > 0.85 THEN 'pending'
			            WHEN r_fate < 0.24 THEN 'stopped' WHEN r_fate < 0.27 THEN 'invalid' ELSE 'active' END::subscriber_state AS state,
			       -- after a web sign-up's YES, ten minutes after joining
			       joined_at + interval '11 minutes' + (now() - joined_at - interval '11 minutes') * r_left AS left_at,
			       CASE WHEN r_how < 0.90 THEN 'keyword' WHEN r_how < 0.98 THEN 'carrier' ELSE 'staff' END AS stop_method
			FROM r`, []any{count, days}},
		{"subscribers", `
			INSERT INTO subscribers (id, phone_hash, phone_enc, phone_last4, state, source, opted_in_at, created_at, updated_at)
			OVERRIDING SYSTEM VALUE
			SELECT id, sha256(int8send(id)), sha256(int8send(-id)) || sha256(int8send(id + 7)), lpad((id % 10000)::text, 4, '0'),
			       state, source, CASE WHEN state <> 'pending' THEN joined_at END, joined_at, coalesce(left_at, joined_at)
			FROM seed_plan`, nil},
		{"", `SELECT setval(pg_get_serial_sequence('subscribers', 'id'), (SELECT max(id) FROM subscribers))`, nil},
		{"consent_events", `
			INSERT INTO consent_events (subscriber_id, at, from_state, to_state, method, reason)
			SELECT id, joined_at, NULL::subscriber_state, CASE WHEN source = 'web_form' THEN 'pending' ELSE 'active' END::subscriber_state, source,
			       CASE WHEN source = 'keyword' THEN 'JOIN' ELSE '' END
			FROM seed_plan
			UNION ALL
			SELECT id, joined_at + interval '10 minutes', 'pending'::subscriber_state, 'active'::subscriber_state, 'keyword', 'YES' FROM seed_plan
			WHERE source = 'web_form' AND state <> 'pending'
			UNION ALL
			SELECT id, left_at, 'active'::subscriber_state, state, CASE WHEN state = 'invalid' THEN 'carrier' ELSE stop_method END,
			       CASE WHEN state = 'invalid' THEN '30005' WHEN stop_method = 'keyword' THEN 'STOP' WHEN stop_method = 'carrier' THEN '21610' ELSE 'request by phone' END
			FROM seed_plan WHERE state IN ('stopped', 'invalid')
			ORDER BY 2`, nil},
	}
	if messages {
		steps = append(steps, []step{
			{"outbound_messages (steps)", `
				INSERT INTO outbound_messages (subscriber_id, kind, step, subscription, twilio_sid, status, segments, created_at, updated_at)
				SELECT p.id, 'step', s.step, p.joined_at, 'SMs' || p.id || 'x' || s.step,
				       CASE WHEN at > now() - interval '1 hour' THEN 'sent' WHEN r < 0.95 THEN 'delivered' WHEN r < 0.975 THEN 'undelivered' ELSE 'failed' END,
				       2, at, at + interval '5 seconds'
				FROM seed_plan p
				CROSS JOIN LATERAL (SELECT step - 1 AS step, p.joined_at + after * interval '1 second' AS at, random() AS r
				                    FROM unnest($1::bigint[]) WITH ORDINALITY AS a (after, step)) s
				WHERE p.state <> 'pending' AND s.at < CASE WHEN p.state = 'active' THEN now() ELSE p.left_at END`, []any{afters}},
			{"outbound_messages (sign-up confirmations)", `
				INSERT INTO outbound_messages (subscriber_id, kind, twilio_sid, status, created_at, updated_at)
				SELECT id, 'signup_confirm', 'SMc' || id, 'delivered', joined_at, joined_at + interval '5 seconds' FROM seed_plan WHERE source = 'web_form'`, nil},
			{"inbound_messages", `
				INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, subscriber_id, received_at, class, body_enc, reply_name, reply_twiml)
				SELECT 'SMi' || p.id || m.what, sha256(int8send(p.id)), sha256(int8send(-p.id)), lpad((p.id % 10000)::text, 4, '0'), p.id, m.at, m.class,
				       sha256(int8send(p.id * 3)) || sha256(int8send(p.id * 5)), m.reply, '<Response/>'
				FROM seed_plan p
				CROSS JOIN LATERAL (VALUES ('j', p.joined_at, 'join', 'confirmation', p.source = 'keyword'),
				                           ('y', p.joined_at + interval '10 minutes', 'opt_in', 'confirmation', p.source = 'web_form' AND p.state <> 'pending'),
				                           ('s', p.left_at, 'opt_out', 'stop', p.state = 'stopped' AND p.stop_method = 'keyword'),
				                           ('f', p.joined_at + interval '2 days', 'free_text', 'free_text', p.id % 50 = 0),
				                           ('c', p.joined_at + interval '3 days', 'crisis', 'crisis', p.id % 400 = 0)) AS m (what, at, class, reply, yes)
				WHERE m.yes AND m.at < now()`, nil},
			{"conversations", `
				INSERT INTO conversations (phone_hash, phone_enc, phone_last4, subscriber_id, status, priority,
				                           opened_at, last_inbound_at, last_activity_at, closed_at)
				SELECT DISTINCT ON (phone_hash) phone_hash, phone_enc, phone_last4, subscriber_id,
				       CASE WHEN received_at < now() - interval '2 days' THEN 'closed' ELSE 'open' END::conversation_status,
				       CASE WHEN class = 'crisis' THEN 0 ELSE 1 END, received_at, received_at, received_at,
				       CASE WHEN received_at < now() - interval '2 days' THEN received_at + interval '3 hours' END
				FROM inbound_messages WHERE class IN ('crisis', 'free_text') ORDER BY phone_hash, received_at DESC`, nil},
		}...)
	}
	steps = append(steps, []step{
		{"counters", `
			INSERT INTO counters (name, day, n)
			SELECT name, day, sum(n) FROM (
				SELECT 'subscribers.' || state AS name, '-infinity'::date AS day, 1 AS n FROM subscribers
				UNION ALL SELECT 'consent_events', '-infinity', 1 FROM consent_events
				UNION ALL SELECT 'opt_ins.' || method, (at AT TIME ZONE 'UTC')::date, 1 FROM consent_events
					WHERE to_state = 'active' AND from_state IS DISTINCT FROM 'active'
				UNION ALL SELECT 'opt_outs.' || method, (at AT TIME ZONE 'UTC')::date, 1 FROM consent_events
					WHERE to_state = 'stopped' AND from_state IS DISTINCT FROM 'stopped'
				UNION ALL SELECT 'active.net', (at AT TIME ZONE 'UTC')::date,
					CASE WHEN to_state = 'active' AND from_state IS DISTINCT FROM 'active' THEN 1 ELSE -1 END FROM consent_events
					WHERE (to_state = 'active') <> (from_state IS NOT DISTINCT FROM 'active')
				UNION ALL SELECT 'joined.' || s.source, d, 1 FROM consent_events c JOIN subscribers s ON s.id = c.subscriber_id,
					LATERAL (VALUES ((c.at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
					WHERE c.to_state = 'active' AND c.from_state IS DISTINCT FROM 'active'
				UNION ALL SELECT 'messages.inbound', d, 1 FROM inbound_messages,
					LATERAL (VALUES ((received_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
				UNION ALL SELECT 'messages.outbound', d, 1 FROM outbound_messages,
					LATERAL (VALUES ((created_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
				UNION ALL SELECT 'messages.outbound', d, 1 FROM inbound_messages,
					LATERAL (VALUES ((received_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
					WHERE reply_name <> '' AND subscriber_id IS NOT NULL
				UNION ALL SELECT 'sends', d, 1 FROM outbound_messages,
					LATERAL (VALUES ((created_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
				UNION ALL SELECT 'delivery.' || status, d, 1 FROM outbound_messages,
					LATERAL (VALUES ((updated_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
					WHERE is_final_status(status)
				UNION ALL SELECT 'step.' || step || '.sent', '-infinity', 1 FROM outbound_messages WHERE kind = 'step'
				UNION ALL SELECT 'step.' || step || '.delivered', '-infinity', 1 FROM outbound_messages
					WHERE kind = 'step' AND status IN ('delivered', 'read', 'partially_delivered')
			) c GROUP BY name, day`, nil},
		{"", `DROP TABLE seed_plan`, nil},
		{"", `SET session_replication_role = origin`, nil},
		{"vacuum analyze", `VACUUM ANALYZE`, nil},
	}...)
	// The message tables' secondary indexes are dropped for the bulk insert
	// and built again after it: much faster than maintaining them row by row.
	var rebuild []string
	for i, s := range steps {
		if messages && s.label == "outbound_messages (steps)" {
			var err error
			if rebuild, err = dropIndexes(ctx, conn, "outbound_messages", "inbound_messages"); err != nil {
				return err
			}
		}
		if messages && s.label == "conversations" {
			t0 := time.Now()
			for _, stmt := range rebuild {
				if _, err := conn.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", stmt, err)
				}
			}
			fmt.Printf("  %-34s %12d      %7.1f s\n", "indexes rebuilt", len(rebuild), time.Since(t0).Seconds())
		}
		if err := exec(steps[i].label, s.sql, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// dropIndexes drops the tables' indexes and unique constraints but their
// primary keys, and returns the statements that make them again.
func dropIndexes(ctx context.Context, conn interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, tables ...string) ([]string, error) {
	rows, err := conn.Query(ctx, `
		SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
		       format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c WHERE c.conrelid = ANY($1::regclass[]) AND c.contype = 'u'
		UNION ALL
		SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
		FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, tables)
	if err != nil {
		return nil, err
	}
	type pair struct{ drop, create string }
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
		var p pair
		return p, r.Scan(&p.drop, &p.create)
	})
	if err != nil {
		return nil, err
	}
	var rebuild []string
	for _, p := range pairs {
		if _, err := conn.Exec(ctx, p.drop); err != nil {
			return nil, fmt.Errorf("%s: %w", p.drop, err)
		}
		rebuild = append(rebuild, p.create)
	}
	return rebuild, nil
}

// checkSeed compares the figures read from the counters with counts over
// the raw tables (which the pages never run).
func checkSeed(ctx context.Context, db *store.DB) error {
	stats, err := db.Overview(ctx, time.Now(), 90, 0)
	if err != nil {
		return err
	}
	var active, pending, stopped, invalid, activeMonthAgo, optIns30 int64
	err = db.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'pending'),
		       count(*) FILTER (WHERE state = 'stopped'), count(*) FILTER (WHERE state = 'invalid'),
		       (SELECT count(*) FROM (SELECT DISTINCT ON (subscriber_id) to_state FROM consent_events
		         WHERE at < $1 ORDER BY subscriber_id, at DESC, id DESC) x WHERE to_state = 'active'),
		       (SELECT count(*) FROM consent_events WHERE at >= $2 AND to_state = 'active' AND from_state IS DISTINCT FROM 'active')
		FROM subscribers`, time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -29), time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -29)).
		Scan(&active, &pending, &stopped, &invalid, &activeMonthAgo, &optIns30)
	if err != nil {
		return err
	}
	monthAgo := stats.Daily[len(stats.Daily)-31]
	got := fmt.Sprint(stats.Subscribers[store.Active], stats.Subscribers[store.Pending], stats.Subscribers[store.Stopped], stats.Subscribers[store.Invalid], monthAgo.Active, stats.OptIns.Last30Days)
	want := fmt.Sprint(active, pending, stopped, invalid, activeMonthAgo, optIns30)
	if got != want {
		return fmt.Errorf("seeded counters disagree with the tables: active pending stopped invalid, active at the end of %s, opt-ins in 30 days: counters %s, tables %s", monthAgo.Day, got, want)
	}
	fmt.Printf("check: counters agree with the tables (active %s, stopped %s, active at the end of %s %s, opt-ins in the last 30 days %s)\n",
		fmtInt(active), fmtInt(stopped), monthAgo.Day, fmtInt(activeMonthAgo), fmtInt(optIns30))
	return nil
}

func fmtInt(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// noConversations stands in for the sender: the benchmark reads pages only.
type noConversations struct{}

func (noConversations) Reply(context.Context, sending.ReplyRequest) (int64, bool, error) {
	return 0, false, errors.New("not in the benchmark")
}

func (noConversations) CloseConversation(context.Context, int64, store.Actor) (bool, error) {
	return false, errors.New("not in the benchmark")
}
