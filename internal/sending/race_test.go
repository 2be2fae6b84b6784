package sending

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/store"
)

// threeNow is a sequence of three steps all due at once, so a test sees
// every step go out without waiting.
func threeNow(p *program.Program) {
	p.Sequence = p.Sequence[:3]
	for i := range p.Sequence {
		p.Sequence[i].After = 0
	}
	p.DailyCap = 3
}

// Two service instances on one database, both working the queue: every
// step reaches every subscriber exactly once.
func TestTwoInstancesNeverDoubleSend(t *testing.T) {
	t.Parallel()
	// A carrier request that outlives SendTimeout is recorded as unknown and
	// not retried; on a loaded machine a generous timeout keeps every step
	// a definite send.
	a := setup(t, func(c *Config) { c.NoWork = false; c.Workers = 20; c.SendTimeout = 30 * time.Second })
	threeNow(a.program)
	// A second instance: same database, same carrier, its own River client.
	bcfg := a.sender.cfg
	second, err := New(bcfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	var subs []*store.Subscriber
	for i := range n {
		subs = append(subs, a.subscribe(t, fmt.Sprintf("+1212555%04d", 1000+i), ""))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := a.sender.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer second.Stop(context.Background())
	defer a.sender.Stop(context.Background())

	// Wait until every step job has ended (completed, cancelled or
	// discarded): a send that reached the carrier but was not recorded
	// would still be waiting for a retry, and its second request would show.
	a.waitJobsEnded(t, 90*time.Second)
	seen := map[string]int{}
	for _, r := range a.fake.Requests() {
		seen[r.To+"|"+r.Body]++
	}
	if got := len(a.fake.Requests()); got != 3*n {
		t.Fatalf("carrier got %d requests, want %d (3 steps × %d subscribers)", got, 3*n, n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%d copies of one step to one number (%s)", c, k[:12])
		}
	}
	if got := a.count(t, `SELECT count(DISTINCT (subscriber_id, step)) FROM outbound_messages WHERE kind = 'step' AND status <> 'unknown'`); got != 3*n {
		t.Errorf("recorded sends = %d, want %d; outbound rows by status: %s", got, 3*n, a.statuses(t))
	}
}

// Subscribers say STOP at random moments while their steps are being sent.
// After a STOP has committed, no request for that number reaches the carrier.
func TestStopDuringSends(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.NoWork = false; c.Workers = 30; c.SendTimeout = 30 * time.Second })
	threeNow(b.program)
	b.fake.SetLatency(10 * time.Millisecond)
	const n = 80
	var subs []*store.Subscriber
	numbers := map[int64]string{}
	for i := range n {
		number := fmt.Sprintf("+1212555%04d", 2000+i)
		s := b.subscribe(t, number, "")
		subs = append(subs, s)
		numbers[s.ID] = number
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.sender.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.sender.Stop(context.Background())

	// The STOPs begin once sending has: every STOP then lands while steps
	// are in flight or about to be.
	for deadline := time.Now().Add(30 * time.Second); len(b.fake.Requests()) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("no send started within 30s")
		}
		time.Sleep(time.Millisecond)
	}
	// stoppedAt is taken after the STOP's transaction has committed.
	var mu sync.Mutex
	stoppedAt := map[string]time.Time{}
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
			err := b.db.InTx(context.Background(), func(tx pgx.Tx) error { return b.stopIn(tx, s.ID) })
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			stoppedAt[numbers[s.ID]] = time.Now()
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.waitJobsEnded(t, 60*time.Second) // every send that would break the rule has happened

	late, total := 0, 0
	for _, r := range b.fake.Requests() {
		total++
		if r.At.After(stoppedAt[r.To]) {
			late++
			t.Errorf("a request reached the carrier %v after the number's STOP committed", r.At.Sub(stoppedAt[r.To]))
		}
	}
	// Every request that reached the carrier was recorded by a send that
	// committed before the STOP.
	if recorded := b.count(t, `SELECT count(*) FROM outbound_messages WHERE kind = 'step'`); recorded != total {
		t.Errorf("carrier got %d requests, %d recorded; outbound rows by status: %s", total, recorded, b.statuses(t))
	}
	t.Logf("%d subscribers stopped during sending; %d steps reached the carrier before their STOP, %d after", n, total, late)
	if total == 3*n {
		t.Fatalf("every step went out before any STOP: the race was not exercised")
	}
	pgtest.CheckReferences(t, b.db)
}

// waitJobsEnded waits until no step job is left to run and no step is
// owed, and fails the test if some still are after d.
func (b *bundle) waitJobsEnded(t *testing.T, d time.Duration) {
	t.Helper()
	const q = `SELECT (SELECT count(*) FROM river_job WHERE kind = 'send_step'
		AND state NOT IN ('completed', 'cancelled', 'discarded')) + (SELECT count(*) FROM steps_to_schedule)`
	deadline := time.Now().Add(d)
	for b.count(t, q) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d step jobs still to run after %v", b.count(t, q), d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// statuses counts the step messages by status, for failure messages.
func (b *bundle) statuses(t *testing.T) string {
	t.Helper()
	var out string
	err := b.db.Pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(status || '=' || n, ' '), '')
		FROM (SELECT status, count(*) AS n FROM outbound_messages WHERE kind = 'step' GROUP BY status ORDER BY status) s`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// While sends wait for the rate limiter, no worker holds a subscriber's row
// lock: a STOP goes through at once instead of queueing behind pacing. And
// stopping the service ends those waits at once.
func TestStopNeverWaitsBehindPacing(t *testing.T) {
	t.Parallel()
	// One segment per 5 s: the bucket holds 10 segments, so five of the six
	// two-segment steps get their tokens at once and wait for the spacer;
	// the sixth waits 10 s for its tokens. Either wait is longer than the
	// STOP below allows.
	b := setup(t, func(c *Config) { c.NoWork = false; c.Workers = 8; c.SendRate = 0.2 })
	threeNow(b.program)
	var subs []*store.Subscriber
	for i := range 6 {
		subs = append(subs, b.subscribe(t, fmt.Sprintf("+1212555%04d", 3000+i), ""))
	}
	if err := b.sender.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(b.fake.Requests()) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no send started within 30s")
		}
	}
	time.Sleep(300 * time.Millisecond) // every worker is now waiting to be paced
	before := len(b.fake.Requests())
	for _, s := range subs {
		err := b.db.InTx(context.Background(), func(tx pgx.Tx) error {
			// A worker holding the row while it waits to be paced would
			// make this fail: pacing waits here are 10 s and more.
			if _, err := tx.Exec(context.Background(), `SET LOCAL lock_timeout = '3s'`); err != nil {
				return err
			}
			return b.stopIn(tx, s.ID)
		})
		if err != nil {
			t.Fatalf("STOP while sends wait to be paced: %v", err)
		}
	}
	// Stopping does not wait out the pacing.
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.sender.Stop(stopCtx); err != nil {
		t.Fatalf("stopping the sender while sends wait to be paced: %v", err)
	}
	if after := len(b.fake.Requests()); after != before || before > 1 {
		t.Errorf("%d requests before the STOPs and %d after; want the one paced send only", before, after)
	}
	// Nothing is left to send: the stopped subscribers' jobs are cancelled,
	// or end at their next run.
	if n := b.count(t, `SELECT count(*) FROM outbound_messages WHERE kind = 'step'`); n != before {
		t.Errorf("%d sends recorded, want %d", n, before)
	}
}
