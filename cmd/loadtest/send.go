package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"textsupport/internal/carrier"
	"textsupport/internal/pgserver"
	"textsupport/internal/phone"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
)

// sendLoad measures the sending side against the fake carrier on loopback:
//
//  1. seeding: N subscribers by COPY and their first step scheduled (-seed);
//  2. throughput: -n subscribers with a step due now, no rate limit;
//  3. pacing: SEND_RATE=-rate for -duration, the achieved rate and the most
//     requests in any one-second window.
func sendLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("send", flag.ExitOnError)
	seedN := fs.Int("seed", 1_000_000, "subscribers to seed in the seeding run (0 skips it)")
	n := fs.Int("n", 20000, "subscribers with a step due now in the throughput run")
	workers := fs.Int("workers", 32, "sends in flight at once (SEND_WORKERS)")
	paceRate := fs.Float64("rate", 20, "SEND_RATE for the pacing run (0 skips it)")
	paceFor := fs.Duration("duration", 60*time.Second, "length of the pacing run")
	durable := fs.Bool("durable", true, "run Postgres with fsync on")
	pgStats := fs.Bool("pgstats", false, "print the statements Postgres spent most time on")
	socket := fs.Bool("socket", true, "reach Postgres through its Unix socket (false: TCP on loopback)")
	fs.Parse(args)

	settings := map[string]string{"max_wal_size": "4GB"}
	if *pgStats {
		settings["shared_preload_libraries"] = "pg_stat_statements"
		settings["pg_stat_statements.track_planning"] = "on"
	}
	pg, err := pgserver.Start(ctx, pgserver.Options{Durable: *durable, Settings: settings})
	if err != nil {
		return err
	}
	defer pg.Stop()
	serverURL := pg.URL
	if *socket {
		serverURL = pg.SocketURL
	}
	key := make([]byte, 32)
	rand.Read(key)
	v, _ := vault.New(key)
	prog, err := program.Load("")
	if err != nil {
		return err
	}

	if *seedN > 0 {
		db, err := freshDB(ctx, serverURL, "seed")
		if err != nil {
			return err
		}
		sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, NoWork: true})
		if err != nil {
			return err
		}
		start := time.Now()
		if err := seed(ctx, db, v, sender, *seedN, time.Now().Add(-time.Minute), ""); err != nil {
			return err
		}
		took := time.Since(start)
		var jobs int
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'send_step'`).Scan(&jobs)
		fmt.Printf("seeding: %d subscribers (with ledger rows) and %d first steps scheduled in %.1f s\n", *seedN, jobs, took.Seconds())
		db.Close()
	}

	if *n > 0 {
		r, err := sendRun(ctx, serverURL, "throughput", v, prog, *n, 1e9, *workers, 0)
		if err != nil {
			return err
		}
		fmt.Printf("throughput: %d sends in %.2f s = %.0f sends/s; due→carrier p50 %s, p99 %s; machine CPU %.2f ms per send; peak RSS of this process %.0f MB\n",
			r.count, r.elapsed.Seconds(), float64(r.count)/r.elapsed.Seconds(), ms(r.p50), ms(r.p99),
			float64(r.busy.Microseconds())/1000/float64(max(1, r.count)), selfRSS())
	}
	if *pgStats {
		printStatements(ctx, serverURL)
	}
	if *paceRate > 0 {
		count := int(*paceRate * paceFor.Seconds() * 3) // more due than the run can send
		r, err := sendRun(ctx, serverURL, "pacing", v, prog, count, *paceRate, *workers, *paceFor)
		if err != nil {
			return err
		}
		seg := prog.Sequence[0].Segments // every message of the run is step 0
		achieved := float64(r.count*seg) / paceFor.Seconds()
		fmt.Printf("pacing at SEND_RATE=%g segments/s for %s: %d messages of %d segments, %.2f segments/s achieved (%.1f%% of the rate); most segments in any 1 s window: %d\n",
			*paceRate, *paceFor, r.count, seg, achieved, 100*achieved / *paceRate, r.maxWindow*seg)
	}
	return nil
}

type sendResult struct {
	count     int
	elapsed   time.Duration
	p50, p99  time.Duration
	maxWindow int
	busy      time.Duration // machine CPU time over the run
}

// sendRun seeds count subscribers with a step due now and lets a sender
// work them against the fake carrier; with limit > 0 it stops after limit.
func sendRun(ctx context.Context, serverURL, name string, v *vault.Vault, prog *program.Program, count int, rate float64, workers int, limit time.Duration) (sendResult, error) {
	db, err := freshDB(ctx, serverURL, name)
	if err != nil {
		return sendResult{}, err
	}
	defer db.Close()
	fake := twiliofake.New("AC0123456789abcdef0123456789abcdef", "token")
	defer fake.Close()
	var mu sync.Mutex
	var arrivals []time.Time
	fake.OnMessage(func(r twiliofake.Request) {
		mu.Lock()
		arrivals = append(arrivals, r.At)
		mu.Unlock()
	})
	client, err := carrier.New(carrier.Config{AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, From: "+12125550199", APIURL: fake.URL,
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxIdleConns: workers}}})
	if err != nil {
		return sendResult{}, err
	}
	// Subscribers in a zone where it is early afternoon now, so the send
	// window is open for the whole run.
	zone := afternoonZone()
	sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, Carrier: client, SendRate: rate,
		Workers: workers, Logger: slog.New(slog.DiscardHandler), PollInterval: 100 * time.Millisecond})
	if err != nil {
		return sendResult{}, err
	}
	due := time.Now()
	if err := seed(ctx, db, v, sender, count, due.Add(-prog.Sequence[0].After), zone); err != nil {
		return sendResult{}, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start, busy0 := time.Now(), machineBusy()
	if err := sender.Start(runCtx); err != nil {
		return sendResult{}, err
	}
	// A timed run is measured from its first send: River's start-up is not pacing.
	for {
		mu.Lock()
		got := len(arrivals)
		if got > 0 && limit > 0 && start.Before(arrivals[0]) {
			start = arrivals[0]
		}
		mu.Unlock()
		if got >= count || (limit > 0 && got > 0 && time.Since(start) >= limit) || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed, busy := time.Since(start), machineBusy()-busy0
	stopCtx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
	sender.Stop(stopCtx)
	c2()

	mu.Lock()
	defer mu.Unlock()
	var in []time.Time
	for _, a := range arrivals {
		if limit == 0 || (!a.Before(start) && a.Sub(start) < limit) {
			in = append(in, a)
		}
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Before(in[j]) })
	r := sendResult{count: len(in), elapsed: elapsed, busy: busy}
	if limit > 0 {
		r.elapsed = limit
	}
	if len(in) > 0 {
		lat := make([]time.Duration, len(in))
		for i, a := range in {
			lat[i] = a.Sub(due)
		}
		r.p50, r.p99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
		// Most arrivals in any window [t, t+1s).
		j := 0
		for i := range in {
			for in[i].Sub(in[j]) >= time.Second {
				j++
			}
			r.maxWindow = max(r.maxWindow, i-j+1)
		}
	}
	return r, nil
}

// seed writes count active subscribers (and their ledger rows) with COPY
// and schedules step 0 of each, due at optedIn + the step's delay. Two
// transactions load half each at once, so both cores work: one encrypts
// numbers while Postgres indexes the other's rows.
func seed(ctx context.Context, db *store.DB, v *vault.Vault, sender *sending.Sender, count int, optedIn time.Time, zone string) error {
	var first int64
	if err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM subscribers`).Scan(&first); err != nil {
		return err
	}
	parallel := 1
	if count >= 10_000 {
		parallel = 2
	}
	share := (count + parallel - 1) / parallel
	g, gctx := errgroup.WithContext(ctx)
	for w := range parallel {
		lo, hi := w*share, min(count, (w+1)*share)
		g.Go(func() error { return seedShare(gctx, db, v, sender, first, lo, hi, optedIn, zone) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The rows were given their IDs; the identity goes on after them.
	_, err := db.Pool.Exec(ctx, `SELECT setval(pg_get_serial_sequence('subscribers', 'id'), (SELECT max(id) FROM subscribers))`)
	return err
}

// seedShare loads subscribers lo to hi-1 of a seed in one transaction,
// with IDs first+lo onwards.
func seedShare(ctx context.Context, db *store.DB, v *vault.Vault, sender *sending.Sender, first int64, lo, hi int, optedIn time.Time, zone string) error {
	return db.InTx(ctx, func(tx pgx.Tx) error {
		// Bulk load: the row triggers (counters) are off for the COPY and the
		// counters are set once from the result.
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		var tz any
		if zone != "" {
			tz = zone
		}
		// Rows are made as COPY asks for them: Postgres works on the first
		// while the next are encrypted.
		i := lo
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i >= hi {
				return nil, nil
			}
			number := fmt.Sprintf("+1%03d%07d", 201+i/9_000_000, 2_000_000+i%8_000_000)
			hash := v.Hash(number)
			row := []any{first + int64(i), hash, v.SealString(vault.Phone, hash, number), phone.Last4(number), "active", "keyword", tz, optedIn}
			i++
			return row, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"subscribers"},
			[]string{"id", "phone_hash", "phone_enc", "phone_last4", "state", "source", "time_zone", "opted_in_at"}, src); err != nil {
			return err
		}
		from, to := first+int64(lo), first+int64(hi)-1
		if _, err := tx.Exec(ctx, `
			INSERT INTO consent_events (subscriber_id, at, from_state, to_state, method, reason)
			SELECT id, opted_in_at, NULL, 'active', 'keyword', 'JOIN' FROM subscribers WHERE id BETWEEN $1 AND $2`, from, to); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO counters (name, day, n)
			VALUES ('consent_events', '-infinity', $1), ('subscribers.active', '-infinity', $1)
			ON CONFLICT (name, day) DO UPDATE SET n = counters.n + EXCLUDED.n`, hi-lo); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = origin`); err != nil {
			return err
		}
		steps := make([]sending.StepArgs, 0, hi-lo)
		for id := from; id <= to; id++ {
			steps = append(steps, sending.StepArgs{SubscriberID: id, Step: 0, Subscription: optedIn.UnixMicro()})
		}
		_, err := sender.ScheduleMany(ctx, tx, steps)
		return err
	})
}

func freshDB(ctx context.Context, serverURL, name string) (*store.DB, error) {
	u, err := createDatabase(ctx, serverURL, name)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, u, 120)
	if err != nil {
		return nil, err
	}
	if _, err := store.Migrate(ctx, db.Pool); err != nil {
		return nil, err
	}
	return db, nil
}

// afternoonZone is a fixed-offset zone where it is between 12:00 and 13:00 now.
func afternoonZone() string {
	h := time.Now().UTC().Hour()
	off := 12 - h // local = UTC + off
	if off > 12 {
		off -= 24
	}
	if off < -12 {
		off += 24
	}
	// Etc/GMT+N is N hours *behind* UTC.
	switch {
	case off == 0:
		return "Etc/UTC"
	case off > 0:
		if off > 14 {
			off -= 24
			return fmt.Sprintf("Etc/GMT+%d", -off)
		}
		return fmt.Sprintf("Etc/GMT-%d", off)
	default:
		return fmt.Sprintf("Etc/GMT+%d", -off)
	}
}

func selfRSS() float64 { return rssOf("self") }

// printStatements shows where Postgres spent its time, across databases.
func printStatements(ctx context.Context, serverURL string) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
	rows, err := conn.Query(ctx, `SELECT calls, plans, round(total_exec_time)::bigint, round(total_plan_time)::bigint, left(regexp_replace(query, '\s+', ' ', 'g'), 100)
		FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`)
	if err != nil {
		fmt.Println("pg_stat_statements:", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var calls, plans, ms, planMS int64
		var q string
		rows.Scan(&calls, &plans, &ms, &planMS, &q)
		fmt.Printf("%8d calls %7d ms, %8d plans %6d ms  %s\n", calls, ms, plans, planMS, q)
	}
}
