package signup

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

func stateP(s store.State) *store.State { return &s }

// decide, for every state the number can be in.
func TestDecide(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name string
		sit  situation
		want Outcome
	}{
		{"new number", situation{}, Requested},
		{"pending, never asked", situation{state: stateP(store.Pending)}, Requested},
		{"pending, asked an hour ago", situation{state: stateP(store.Pending), lastRequest: now.Add(-time.Hour)}, Recent},
		{"pending, asked just under a day ago", situation{state: stateP(store.Pending), lastRequest: now.Add(-day + time.Second)}, Recent},
		{"pending, asked a day ago", situation{state: stateP(store.Pending), lastRequest: now.Add(-day)}, Requested},
		{"active", situation{state: stateP(store.Active)}, AlreadyActive},
		{"active, asked long ago", situation{state: stateP(store.Active), lastRequest: now.Add(-30 * day)}, AlreadyActive},
		{"stopped in words: only the person re-opens it", situation{state: stateP(store.Stopped)}, OptedOut},
		{"stopped with the carrier", situation{state: stateP(store.Stopped), carrierBlocked: true}, OptedOut},
		{"stopped after a request this morning", situation{state: stateP(store.Stopped), lastRequest: now.Add(-3 * time.Hour)}, OptedOut},
		{"invalid after a STOP: the carrier blocks it", situation{state: stateP(store.Invalid), carrierBlocked: true}, CarrierBlocked},
		{"expired", situation{state: stateP(store.Expired), lastRequest: now.Add(-8 * day)}, Requested},
		{"invalid", situation{state: stateP(store.Invalid)}, Requested},
		{"pending, asked twice this month", situation{state: stateP(store.Pending), lastRequest: now.Add(-2 * day), requestsInPeriod: 2}, Requested},
		{"pending, asked three times this month", situation{state: stateP(store.Pending), lastRequest: now.Add(-2 * day), requestsInPeriod: 3}, NumberCapped},
		{"expired, asked three times this month", situation{state: stateP(store.Expired), lastRequest: now.Add(-8 * day), requestsInPeriod: 3}, NumberCapped},
		{"stopped in words, asked three times", situation{state: stateP(store.Stopped), lastRequest: now.Add(-8 * day), requestsInPeriod: 3}, OptedOut},
		{"active, asked three times", situation{state: stateP(store.Active), requestsInPeriod: 3}, AlreadyActive},
	}
	for _, tt := range tests {
		tt.sit.now, tt.sit.window, tt.sit.perNumber = now, day, Limit{N: 3, Per: 30 * day}
		if got := decide(tt.sit); got != tt.want {
			t.Errorf("%s: decide = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestBuckets(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.7": "192.0.2.7", "::ffff:192.0.2.7": "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "2001:db8:1:2::9": "2001:db8:1:2::/64",
	} {
		if got := AddressBucket(netip.MustParseAddr(in)); got != want {
			t.Errorf("AddressBucket(%s) = %s, want %s", in, got, want)
		}
	}
	if got := AddressBucket(netip.Addr{}); got != "unknown" {
		t.Errorf("AddressBucket(zero) = %s", got)
	}
	if got := Prefix("+12125550123"); got != "+1212555" {
		t.Errorf("Prefix = %s", got)
	}
	for d, want := range map[time.Duration]string{time.Hour: "1h", 24 * time.Hour: "24h", 90 * time.Second: "1m30s", 30 * time.Minute: "30m", 90 * time.Minute: "1h30m"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%s) = %s, want %s", d, got, want)
		}
	}
}

// bundle is a sign-up service on its own database, with a recorder in
// place of the sender.
type bundle struct {
	svc       *Service
	db        *store.DB
	vault     *vault.Vault
	now       atomic.Pointer[time.Time]
	mu        sync.Mutex
	requested []int64
}

func setup(t *testing.T, limits Limits) *bundle {
	t.Helper()
	b := &bundle{db: pgtest.New(t)}
	var err error
	if b.vault, err = vault.New(bytes.Repeat([]byte{3}, 32)); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	b.now.Store(&now)
	sender, err := sending.New(sending.Config{DB: b.db, Vault: b.vault, Program: &program.Program{}, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	b.svc, err = New(Config{
		DB: b.db, Vault: b.vault, Limits: limits, Now: func() time.Time { return *b.now.Load() },
		Subscriptions: requests{b, sender},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.db.RegisterDisclosure(context.Background(), store.Disclosure{Version: "t+1", Label: "t", HTML: "x", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	return b
}

// requests changes states through the real sender, and notes the YES
// requests asked for instead of scheduling them.
type requests struct {
	b *bundle
	*sending.Sender
}

func (r requests) RequestConfirmation(ctx context.Context, tx pgx.Tx, id int64, _ time.Time) error {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	r.b.requested = append(r.b.requested, id)
	return nil
}

func (b *bundle) submit(t *testing.T, number, addr string) (Outcome, error) {
	t.Helper()
	return b.svc.Submit(context.Background(), Request{
		Phone: number, Address: netip.MustParseAddr(addr), DisclosureVersion: "t+1",
		Evidence: Evidence{Phone: number, IP: addr, UserAgent: "test"},
	})
}

func (b *bundle) advance(d time.Duration) {
	t := b.now.Load().Add(d)
	b.now.Store(&t)
}

// setState moves a subscriber as the inbound side or the carrier would,
// with its ledger row.
func (b *bundle) setState(t *testing.T, number string, to store.State, method, reason string) {
	t.Helper()
	err := b.db.InTx(context.Background(), func(tx pgx.Tx) error {
		sub, err := store.LockNumber(context.Background(), tx, b.vault.Hash(number), true)
		if err != nil {
			return err
		}
		if !sub.Recorded() {
			sub.PhoneEnc, sub.Last4 = b.vault.SealString(vault.Phone, sub.PhoneHash, number), number[len(number)-4:]
		}
		return store.ChangeState(context.Background(), tx, sub, to, store.ConsentEvent{Method: method, Reason: reason}, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Whether Twilio would refuse the text follows the last thing Twilio acted
// on: its keywords, a 21610, and nothing else.
func TestCarrierBlocked(t *testing.T) {
	t.Parallel()
	type change struct {
		to             store.State
		method, reason string
	}
	kw := func(to store.State, reason string) change { return change{to, store.MethodKeyword, reason} }
	tests := []struct {
		name    string
		history []change
		want    Outcome
	}{
		// A number stopped in any words, by the carrier or by staff gets
		// nothing from the form: only the person re-opens it, by text.
		{"STOP", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "STOP")}, OptedOut},
		{"Twilio's other opt-out words", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "UNSUBSCRIBE")}, OptedOut},
		{"OptOutType STOP on other words", []change{kw(store.Active, "HOPE"), kw(store.Stopped, "STOP")}, OptedOut},
		{"OPT OUT is not on Twilio's list", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "OPT OUT")}, OptedOut},
		{"revocation in words", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "revocation")}, OptedOut},
		{"crisis and stop", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "crisis")}, OptedOut},
		{"STOP then START then words", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "STOP"), kw(store.Active, "START"), kw(store.Stopped, "revocation")}, OptedOut},
		{"STOP then JOIN then 21610", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "STOP"), kw(store.Active, "JOIN"), {store.Stopped, store.MethodCarrier, "21610"}}, OptedOut},
		{"21610", []change{kw(store.Active, "JOIN"), {store.Stopped, store.MethodCarrier, "21610"}}, OptedOut},
		{"staff opt-out", []change{kw(store.Active, "JOIN"), {store.Stopped, store.MethodStaff, "staff"}}, OptedOut},
		// Numbers that are not stopped: the one YES request, unless the
		// carrier would refuse it.
		{"invalid number", []change{kw(store.Active, "JOIN"), {store.Invalid, store.MethodCarrier, "21211"}}, Requested},
		{"STOP, then the carrier says invalid", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "STOP"), {store.Invalid, store.MethodCarrier, "30005"}}, CarrierBlocked},
		{"STOP then START, then invalid", []change{kw(store.Active, "JOIN"), kw(store.Stopped, "STOP"), kw(store.Active, "START"), {store.Invalid, store.MethodCarrier, "30005"}}, Requested},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultLimits())
			const number = "+12125550150"
			for _, c := range tt.history {
				b.setState(t, number, c.to, c.method, c.reason)
			}
			got, err := b.submit(t, number, "192.0.2.1")
			if err != nil || got != tt.want {
				t.Fatalf("Submit = %s, %v; want %s", got, err, tt.want)
			}
			sub, _ := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(number))
			if wantPending := tt.want == Requested; (sub.State == store.Pending) != wantPending || (len(b.requested) == 1) != wantPending {
				t.Errorf("state %s, %d requests; want a request: %v", sub.State, len(b.requested), wantPending)
			}
		})
	}
}

// The limits are all or nothing: a sign-up refused by one does not use up
// the others, and the refusal says when the limit frees up.
func TestLimitsAllOrNothing(t *testing.T) {
	t.Parallel()
	l := DefaultLimits()
	l.PerAddress = Limit{N: 1, Per: time.Hour}
	l.Global = Limit{N: 2, Per: time.Hour}
	b := setup(t, l)
	at := time.Date(2026, 3, 1, 12, 40, 0, 0, time.UTC)
	b.now.Store(&at)
	if _, err := b.submit(t, "+12125550161", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, err := b.submit(t, "+12125550162", "192.0.2.1")
		le, ok := IsLimited(err)
		if !ok || le.Limit != LimitPerAddress || le.RetryAfter != 20*time.Minute {
			t.Fatalf("second sign-up from the address = %v, want %s for 20m", err, LimitPerAddress)
		}
	}
	// The refusals above did not eat the global budget: one place is left.
	if _, err := b.submit(t, "+12125550163", "192.0.2.2"); err != nil {
		t.Fatalf("sign-up from another address = %v, want it through", err)
	}
	if _, err := b.submit(t, "+12125550164", "192.0.2.3"); err == nil {
		t.Fatal("third sign-up within the global limit of 2 went through")
	} else if le, _ := IsLimited(err); le.Limit != LimitGlobal {
		t.Fatalf("refused by %s, want %s", le.Limit, LimitGlobal)
	}
	if len(b.requested) != 2 {
		t.Fatalf("%d requests, want 2", len(b.requested))
	}
	// Windows are pruned once over.
	b.advance(2 * time.Hour)
	if n, err := b.svc.PruneLimits(context.Background()); err != nil || n == 0 {
		t.Fatalf("PruneLimits = %d, %v", n, err)
	}
	if _, err := b.submit(t, "+12125550164", "192.0.2.3"); err != nil {
		t.Fatalf("sign-up in a new window = %v", err)
	}
}

// CountPost counts every post, and refuses past the limit until the window ends.
func TestCountPost(t *testing.T) {
	t.Parallel()
	l := DefaultLimits()
	l.PostsPerAddress = Limit{N: 3, Per: time.Minute}
	b := setup(t, l)
	addr := netip.MustParseAddr("2001:db8::1")
	for i := range 3 {
		if err := b.svc.CountPost(context.Background(), addr); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	// Another address in the same /64 is the same client.
	if _, ok := IsLimited(b.svc.CountPost(context.Background(), netip.MustParseAddr("2001:db8::2"))); !ok {
		t.Fatal("fourth post from the /64 not refused")
	}
	if err := b.svc.CountPost(context.Background(), netip.MustParseAddr("2001:db8:0:1::1")); err != nil {
		t.Fatalf("another /64: %v", err)
	}
	b.advance(time.Minute)
	if err := b.svc.CountPost(context.Background(), addr); err != nil {
		t.Fatalf("next window: %v", err)
	}
}

// Sign-ups for one number at once: one subscriber, one ledger row, one request.
func TestConcurrentSignups(t *testing.T) {
	t.Parallel()
	l := DefaultLimits()
	l.PerAddress.N, l.PerPrefix.N = 0, 0
	b := setup(t, l)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.submit(t, "+12125550170", "192.0.2."+strings.Repeat("1", 1+i%3)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var subs, events, reqs int
	b.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM subscribers), (SELECT count(*) FROM consent_events), (SELECT count(*) FROM signup_requests)`).Scan(&subs, &events, &reqs)
	if subs != 1 || events != 1 || reqs != 1 || len(b.requested) != 1 {
		t.Fatalf("subscribers %d, ledger rows %d, requests %d, scheduled %d; want 1 each", subs, events, reqs, len(b.requested))
	}
}

// Expiry: only pending sign-ups untouched for the whole period, each with
// its ledger row; a renewal restarts the clock; a YES in the meantime wins.
func TestExpirePending(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultLimits())
	ctx := context.Background()
	for _, n := range []string{"+12125550181", "+12125550182", "+12125550183"} {
		if _, err := b.submit(t, n, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	b.setState(t, "+12125550183", store.Active, store.MethodKeyword, "YES")
	b.advance(3 * 24 * time.Hour)
	if _, err := b.submit(t, "+12125550182", "192.0.2.1"); err != nil { // renewed after the window
		t.Fatal(err)
	}
	b.advance(4*24*time.Hour + time.Minute)
	n, err := b.svc.ExpirePending(ctx)
	if err != nil || n != 1 {
		t.Fatalf("ExpirePending = %d, %v; want 1 (the renewed and the active one stay)", n, err)
	}
	want := map[string]store.State{"+12125550181": store.Expired, "+12125550182": store.Pending, "+12125550183": store.Active}
	for number, st := range want {
		sub, _ := pgtest.FindSubscriberByHash(ctx, b.db, b.vault.Hash(number))
		if sub.State != st {
			t.Errorf("%s is %s, want %s", number, sub.State, st)
		}
	}
	b.advance(3 * 24 * time.Hour)
	if n, err := b.svc.ExpirePending(ctx); err != nil || n != 1 {
		t.Fatalf("ExpirePending a week after the renewal = %d, %v; want 1", n, err)
	}
	// An expired number that signs up again starts a new double opt-in.
	if got, err := b.submit(t, "+12125550181", "192.0.2.9"); err != nil || got != Requested {
		t.Fatalf("sign-up after expiry = %s, %v", got, err)
	}
}
