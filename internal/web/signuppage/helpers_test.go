package signuppage_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/carrier"
	"textsupport/internal/inbound"
	"textsupport/internal/metrics"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/signup"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
	"textsupport/internal/web"
	"textsupport/internal/web/signuppage"
	"textsupport/internal/web/webtest"
)

// signupBundle is the whole service on its own database: the sign-up form,
// the inbound webhook and a sender working jobs through the real twilio-go
// client against a fake Twilio.
type signupBundle struct {
	db      *store.DB
	vault   *vault.Vault
	program *program.Program
	fake    *twiliofake.Server
	svc     *signup.Service
	deps    *signuppage.Site
	metrics *metrics.Metrics
	handler http.Handler
	server  *httptest.Server
	public  string
	logs    *webtest.SyncBuffer
	now     atomic.Pointer[time.Time] // the sign-up service's clock
	sid     atomic.Int64
}

type signupOption func(*signupSetup)

type signupSetup struct {
	limits      signup.Limits
	answerAfter time.Duration
	proxies     []netip.Prefix
	program     func(*program.Program)
}

func withProgram(f func(*program.Program)) signupOption {
	return func(s *signupSetup) { s.program = f }
}

func withLimits(f func(*signup.Limits)) signupOption {
	return func(s *signupSetup) { f(&s.limits) }
}

func withAnswerAfter(d time.Duration) signupOption {
	return func(s *signupSetup) { s.answerAfter = d }
}

func withTrustedProxies(p string) signupOption {
	return func(s *signupSetup) { s.proxies = append(s.proxies, netip.MustParsePrefix(p)) }
}

// inWindow is a moment when the send window is open in New York (the
// test numbers' area code): 12:00 there, today.
func inWindow() time.Time {
	return time.Now().UTC().Truncate(24 * time.Hour).Add(16 * time.Hour)
}

// authToken is the Twilio auth token the service checks signatures with.
const authToken = "test-auth-token-0123456789"

func setupSignup(t *testing.T, opts ...signupOption) *signupBundle {
	t.Helper()
	st := signupSetup{limits: signup.DefaultLimits(), answerAfter: -1}
	for _, o := range opts {
		o(&st)
	}
	db := pgtest.New(t)
	v, err := vault.New(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	// The first step goes at once, so a YES shows the sequence starting.
	prog.Sequence[0].After = 0
	if st.program != nil {
		st.program(prog)
	}

	b := &signupBundle{db: db, vault: v, program: prog, logs: &webtest.SyncBuffer{}, public: "https://textsupport.example.org"}
	now := time.Now()
	b.now.Store(&now)
	logger := slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	b.fake = twiliofake.New("AC00000000000000000000000000000005", "fake-token")
	t.Cleanup(b.fake.Close)
	client, err := carrier.New(carrier.Config{
		AccountSID: b.fake.AccountSID, AuthToken: b.fake.AuthToken, From: "+12125550199", APIURL: b.fake.URL,
		HTTPClient: &http.Client{Transport: twiliofake.LoopbackOnly(http.DefaultTransport)},
	})
	if err != nil {
		t.Fatal(err)
	}
	b.metrics = metrics.New()
	sender, err := sending.New(sending.Config{
		DB: db, Vault: v, Program: prog, Carrier: client, Logger: logger, Metrics: b.metrics,
		SendRate: 10000, PollInterval: 50 * time.Millisecond, SendTimeout: 2 * time.Second,
		Now: func() time.Time { return inWindow() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		sender.Stop(ctx)
	})

	b.svc, err = signup.New(signup.Config{
		DB: db, Vault: v, Limits: st.limits, Logger: logger,
		Subscriptions: sender,
		Now:           func() time.Time { return *b.now.Load() },
	})
	if err != nil {
		t.Fatal(err)
	}
	public, _ := url.Parse(b.public)
	b.deps, err = signuppage.New(context.Background(), signuppage.Config{
		Service: b.svc, Program: prog, Logger: logger, ServiceNumber: "+12125550199",
		PublicURL: public, Metrics: b.metrics, AnswerAfter: st.answerAfter, TrustedProxies: st.proxies,
	})
	if err != nil {
		t.Fatal(err)
	}
	in := &inbound.Service{
		DB: db, Vault: v, Logger: logger, JoinKeywords: prog.Keywords, CarrierHandlesOptOut: true,
		Replies:       prog.Replies.ByName(),
		Subscriptions: sender,
	}
	b.handler = web.NewServer(&web.Deps{
		Logger: logger, DB: db, Inbound: in, AuthToken: authToken, PublicURL: public,
		Status: sender, Metrics: b.metrics.Handler(), Signup: b.deps,
	})
	b.server = httptest.NewServer(b.handler)
	t.Cleanup(b.server.Close)
	return b
}

// advance moves the sign-up service's clock.
func (b *signupBundle) advance(d time.Duration) {
	t := b.now.Load().Add(d)
	b.now.Store(&t)
}

// client follows nothing: each answer is seen as sent.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// answer is one HTTP answer, whole.
type answer struct {
	code   int
	header http.Header
	body   string
}

// submit posts the form over HTTP from 127.0.0.1, as a browser would.
func (b *signupBundle) submit(t *testing.T, form url.Values, header ...string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.server.URL+"/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Mozilla/5.0 (signup test)")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(t, req)
}

func (b *signupBundle) get(t *testing.T, path string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.server.URL+path, nil)
	return b.do(t, req)
}

func (b *signupBundle) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// post serves one form post in process, from addr: for the abuse tests'
// thousands of requests from many addresses.
func (b *signupBundle) post(form url.Values, addr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return rec
}

// signUp is a valid form for number.
func signUp(number string, extra ...string) url.Values {
	f := url.Values{"phone": {number}, "consent": {"yes"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// text posts a signed inbound message, as Twilio would.
func (b *signupBundle) text(t *testing.T, from, body string) string {
	t.Helper()
	form := url.Values{"MessageSid": {fmt.Sprintf("SM%032d", b.sid.Add(1))},
		"AccountSid": {"AC123"}, "From": {from}, "To": {"+12125550199"}, "Body": {body}}
	req, _ := http.NewRequest(http.MethodPost, b.server.URL+"/twilio/sms", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twiliofake.Sign(authToken, b.public+"/twilio/sms", form))
	a := b.do(t, req)
	if a.code != http.StatusOK {
		t.Fatalf("text %q: %d %s", body, a.code, a.body)
	}
	return a.body
}

// textsTo waits until the fake carrier has accepted want messages for
// number (or the deadline passes) and returns them.
func (b *signupBundle) textsTo(t *testing.T, number string, want int) []twiliofake.Request {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := b.fake.RequestsTo(number)
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle waits until no sign-up request or step job is waiting to run now.
func (b *signupBundle) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n := b.count(t, `SELECT count(*) FROM river_job WHERE kind IN ('send_signup_request', 'send_step')
			AND state IN ('available', 'running', 'retryable', 'pending') AND scheduled_at <= now()`)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d send jobs still waiting after 30s", n)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (b *signupBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *signupBundle) subscriber(t *testing.T, number string) *store.Subscriber {
	t.Helper()
	s, err := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(number))
	if err != nil {
		t.Fatalf("subscriber for the number: %v", err)
	}
	return s
}

// findDisclosure reads a disclosure version as recorded.
func findDisclosure(db *store.DB, version string) (*store.Disclosure, error) {
	// The columns in the order of store.Disclosure's fields.
	rows, err := db.Pool.Query(context.Background(), `
		SELECT version, label, html, text, terms_html, privacy_html, registered_at
		FROM disclosures WHERE version = $1`, version)
	if err != nil {
		return nil, err
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[store.Disclosure])
}

func (b *signupBundle) state(number string) store.State {
	s, err := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(number))
	if err != nil {
		return "none"
	}
	return s.State
}
