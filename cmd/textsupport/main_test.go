package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/twiliofake"
)

// lockedBuffer collects a process's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func envFunc(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// started is a running `textsupport` started through run, as main does.
type started struct {
	base   string
	stdout *lockedBuffer
	stderr *lockedBuffer
	done   chan error
	cancel context.CancelFunc
}

// start runs the program with args and env until the test ends, and waits
// for it to listen and answer /healthz.
func start(t *testing.T, env map[string]string, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan error, 1), cancel: cancel}
	go func() {
		s.done <- run(ctx, append([]string{"textsupport"}, args...), envFunc(env), strings.NewReader(""), io.MultiWriter(pw, s.stdout), s.stderr)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				found <- u
			}
		}
	}()
	select {
	case s.base = <-found:
	case err := <-s.done:
		t.Fatalf("run exited before listening: %v\n%s", err, s.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("not listening after 60s\n%s", s.stderr)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("run returned %v on shutdown", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("run did not return within 30s of cancel")
		}
	})
	for i := 0; ; i++ {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatalf("/healthz never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

type text struct {
	From, Body string
}

// A new user's first session: dev mode, the phone simulator, JOIN, HELP, STOP.
func TestDevPhoneExchange(t *testing.T) {
	t.Parallel()
	s := start(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_URL": pgtest.URL(t)}, "dev")
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	say := func(number, body string) []text {
		t.Helper()
		resp, err := client.PostForm(s.base+"/dev/phone", url.Values{"number": {number}, "body": {body}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 { // after the redirect back to the page
			t.Fatalf("POST /dev/phone %q = %d", body, resp.StatusCode)
		}
		resp, err = client.Get(s.base + "/dev/phone/messages")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var thread []text
		json.NewDecoder(resp.Body).Decode(&thread)
		return thread
	}
	thread := say("(212) 555-0123", "JOIN")
	if len(thread) != 2 || thread[1].From != "service" || !strings.Contains(thread[1].Body, "Reply STOP to opt out") {
		t.Fatalf("after JOIN the phone shows %+v, want the confirmation", thread)
	}
	// Sequence steps arrive on their own while the window is open, so each
	// answer is looked for right after the text it answers.
	answer := func(thread []text, sent string) []text {
		t.Helper()
		for i := len(thread) - 1; i >= 0; i-- {
			if thread[i].From == "me" {
				if thread[i].Body != sent {
					t.Fatalf("the phone's last text is %q, want %q", thread[i].Body, sent)
				}
				var after []text
				for _, m := range thread[i+1:] {
					if m.From != "service" || !isStep(m.Body) {
						after = append(after, m)
					}
				}
				return after
			}
		}
		t.Fatalf("the phone shows no text sent: %+v", thread)
		return nil
	}
	thread = say("(212) 555-0123", "HELP")
	// The simulated carrier answers exact HELP itself, as Twilio's Advanced
	// Opt-Out does, with the programme's text; the service adds nothing.
	if got := answer(thread, "HELP"); len(got) != 1 || got[0].From != "carrier" || !strings.Contains(got[0].Body, "Recovery Text Support") {
		t.Fatalf("after HELP the phone shows %+v, want only the carrier's answer", got)
	}
	thread = say("(212) 555-0123", "STOP")
	if got := answer(thread, "STOP"); len(got) != 1 || got[0].From != "carrier" || !strings.Contains(got[0].Body, "no more messages") {
		t.Fatalf("after STOP the phone shows %+v, want exactly one confirmation, from the carrier", got)
	}
	n := len(thread)
	thread = say("(212) 555-0123", "hello?")
	if len(thread) != n+1 {
		t.Fatalf("after STOP free text got an answer: %+v", thread[n:])
	}
	page, _ := client.Get(s.base + "/dev/phone")
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(body), "Phone simulator") {
		t.Fatalf("GET /dev/phone does not show the simulator")
	}
	if strings.Contains(s.stderr.String(), "5550123") {
		t.Errorf("dev logs contain the phone number")
	}
	// A page elsewhere whose name resolves here (DNS rebinding) is refused.
	req, _ := http.NewRequest(http.MethodGet, s.base+"/dev/phone/messages", nil)
	req.Host = "rebind.example:" + req.URL.Port()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /dev/phone/messages with Host %s = %d, want 403", req.Host, resp.StatusCode)
	}
}

// serve with a bad environment names every problem at once and starts nothing.
func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"textsupport", "serve"}, envFunc(map[string]string{"SEND_RATE": "fast"}), nil, &stdout, &stderr)
	if err == nil {
		t.Fatal("serve with nothing set started")
	}
	for _, name := range []string{"DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "DATA_KEY", "SEND_RATE"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

// serve against the fake Twilio: readiness, API tokens, stats, a signed webhook.
func TestServe(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	fake := twiliofake.New("AC0123456789abcdef0123456789abcdef", "auth-token-for-tests")
	defer fake.Close()
	env := map[string]string{
		"DATABASE_URL": dbURL, "LISTEN_ADDR": "127.0.0.1:0", "PUBLIC_URL": "https://texts.example.org",
		"TWILIO_ACCOUNT_SID": fake.AccountSID, "TWILIO_AUTH_TOKEN": fake.AuthToken, "TWILIO_FROM": "+12125550199",
		"TWILIO_API_URL": fake.URL, "DATA_KEY": base64.StdEncoding.EncodeToString(randomKey()),
		"LOG_LEVEL": "debug",
	}
	s := start(t, env, "serve")

	resp, err := http.Get(s.base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz = %v %v, want 200", resp.StatusCode, err)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"textsupport", "token", "create", "dashboard"}, envFunc(env), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]

	get := func(tok string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", s.base+"/api/v1/stats", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if code, _ := get(""); code != 401 {
		t.Errorf("stats without a token = %d, want 401", code)
	}
	if code, _ := get(token + "x"); code != 401 {
		t.Errorf("stats with a wrong token = %d, want 401", code)
	}

	form := url.Values{"MessageSid": {"SM11111111111111111111111111111111"}, "From": {"+12125550177"}, "To": {"+12125550199"}, "Body": {"JOIN"}}
	req, _ := http.NewRequest("POST", s.base+"/twilio/sms", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twiliofake.Sign(fake.AuthToken, "https://texts.example.org/twilio/sms", form))
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("signed JOIN = %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	code, stats := get(token)
	if code != 200 {
		t.Fatalf("stats with the token = %d", code)
	}
	subs, _ := stats["subscribers"].(map[string]any)
	msgs, _ := stats["messages"].(map[string]any)
	// A stats token reads what a viewer reads: no figure a sign-up moves.
	if subs["active"] != float64(1) || len(subs) != 1 || msgs != nil || stats["consent_events"] != nil || stats["limited"] != true {
		t.Errorf("stats = %v", stats)
	}
	// The service folds the counter deltas of the JOIN into the counters
	// within a few seconds; the figures stay the same.
	db, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var left int
		if err := db.QueryRow(context.Background(), `SELECT count(*) FROM counter_deltas`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d counter deltas still unfolded after 30 s", left)
		}
	}
	if _, again := get(token); fmt.Sprint(again["subscribers"], again["messages"], again["consent_events"]) != fmt.Sprint(stats["subscribers"], stats["messages"], stats["consent_events"]) {
		t.Errorf("stats after folding = %v, before %v", again, stats)
	}
	// Metrics are for operators: a token with the metrics scope, not a
	// stats token; a token given both reads both.
	newToken := func(args ...string) string {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"textsupport", "token", "create"}, args...), envFunc(env), nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		return lines[len(lines)-1]
	}
	metricsToken, both := newToken("prometheus", "--scope", "metrics"), newToken("--scope", "stats,metrics", "ops")
	if code, _ := get(metricsToken); code != 403 {
		t.Errorf("stats with a metrics token = %d, want 403", code)
	}
	if code, _ := get(both); code != 200 {
		t.Errorf("stats with a stats and metrics token = %d, want 200", code)
	}
	for _, c := range []struct {
		tok  string
		want int
	}{{"", 401}, {token, 403}, {metricsToken, 200}, {both, 200}} {
		req, _ := http.NewRequest("GET", s.base+"/metrics", nil)
		if c.tok != "" {
			req.Header.Set("Authorization", "Bearer "+c.tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || (c.want == 200 && !strings.Contains(string(body), `textsupport_inbound_messages_total{class="join"} 1`)) {
			t.Errorf("/metrics with token %.8s = %d, want %d with the inbound count", c.tok, resp.StatusCode, c.want)
		}
	}
	if strings.Contains(s.stderr.String(), "5550177") || strings.Contains(s.stderr.String(), fake.AuthToken) {
		t.Errorf("serve's logs contain a number or the auth token")
	}
}

// stepBodies are the default program's sequence texts.
var stepBodies = sync.OnceValue(func() map[string]bool {
	prog, err := program.Load("")
	if err != nil {
		panic(err)
	}
	bodies := map[string]bool{}
	for _, st := range prog.Sequence {
		bodies[st.Body] = true
	}
	return bodies
})

// isStep tells whether a text the phone got is a sequence step.
func isStep(body string) bool { return stepBodies()[body] }

// randomKey is a data key as openssl rand -base64 32 makes one: start-up
// refuses keys that are not random.
func randomKey() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}
