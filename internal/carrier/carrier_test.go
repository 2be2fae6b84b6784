package carrier_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"textsupport/internal/carrier"
	"textsupport/internal/twiliofake"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "f00dfeedf00dfeedf00dfeedf00dfeed"
	from       = "+15005550006"
	serviceSID = "MG0123456789abcdef0123456789abcdef"
	to         = "+15558675310"
	body       = "Recovery resources: you are not alone, a person is here 24/7."
)

// loopbackClient keeps everything under test on this machine.
func loopbackClient() *http.Client {
	return &http.Client{Transport: twiliofake.LoopbackOnly(nil)}
}

type bundle struct {
	fake *twiliofake.Server
}

func setup(t *testing.T, mutate ...func(*carrier.Config)) (*carrier.Client, bundle) {
	t.Helper()
	fake := twiliofake.New(accountSID, authToken)
	t.Cleanup(fake.Close)
	cfg := carrier.Config{
		AccountSID: accountSID,
		AuthToken:  authToken,
		From:       from,
		APIURL:     fake.URL,
		HTTPClient: loopbackClient(),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := carrier.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, bundle{fake: fake}
}

var sidPattern = regexp.MustCompile(`^SM[0-9a-f]{32}$`)

func TestSend(t *testing.T) {
	t.Parallel()

	t.Run("FieldsArrive", func(t *testing.T) {
		t.Parallel()
		c, b := setup(t)
		res, err := c.Send(context.Background(), carrier.Message{
			To:             to,
			Body:           body,
			StatusCallback: "https://example.org/twilio/status",
			ValidityPeriod: 90 * time.Minute,
		})
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if !sidPattern.MatchString(res.SID) || res.Status != "queued" || res.Segments != 1 {
			t.Errorf("Send = %+v, want an SM SID, status queued, 1 segment", res)
		}
		got := b.fake.Requests()
		if len(got) != 1 {
			t.Fatalf("fake received %d messages, want 1", len(got))
		}
		want := twiliofake.Request{
			To: to, From: from, Body: body,
			StatusCallback: "https://example.org/twilio/status",
			ValidityPeriod: 5400,
			SID:            res.SID,
			At:             got[0].At,
		}
		if got[0] != want {
			t.Errorf("fake received %+v, want %+v", got[0], want)
		}
	})

	t.Run("MessagingService", func(t *testing.T) {
		t.Parallel()
		c, b := setup(t, func(cfg *carrier.Config) { cfg.From = ""; cfg.MessagingServiceSID = serviceSID })
		res, err := c.Send(context.Background(), carrier.Message{To: to, Body: body})
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		// Twilio: initial status accepted, num_segments 0 until a sender is chosen.
		if res.Status != "accepted" || res.Segments != 0 {
			t.Errorf("Send = %+v, want status accepted, 0 segments", res)
		}
		got := b.fake.Requests()
		if len(got) != 1 || got[0].MessagingServiceSID != serviceSID || got[0].From != "" ||
			got[0].StatusCallback != "" || got[0].ValidityPeriod != 0 {
			t.Errorf("fake received %+v, want only To, Body and MessagingServiceSid", got)
		}
	})

	t.Run("Segments", func(t *testing.T) {
		t.Parallel()
		c, _ := setup(t)
		res, err := c.Send(context.Background(), carrier.Message{To: to, Body: strings.Repeat("a", 161)})
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if res.Segments != 2 {
			t.Errorf("Segments = %d, want 2", res.Segments)
		}
	})

	// twilio-go refuses non-alphanumeric tokens itself (21224); tests and
	// Twilio-compatible providers use such tokens, so auth goes around it.
	t.Run("TokenWithPunctuation", func(t *testing.T) {
		t.Parallel()
		fake := twiliofake.New(accountSID, "auth-token-for-tests")
		t.Cleanup(fake.Close)
		c, err := carrier.New(carrier.Config{
			AccountSID: accountSID, AuthToken: "auth-token-for-tests", From: from,
			APIURL: fake.URL, HTTPClient: loopbackClient(),
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: body}); err != nil {
			t.Fatalf("Send: %v", err)
		}
	})

	t.Run("PathPrefix", func(t *testing.T) {
		t.Parallel()
		for _, strip := range []bool{true, false} {
			fake := twiliofake.NewHandler(accountSID, authToken)
			t.Cleanup(fake.Close)
			mux := http.NewServeMux()
			if strip {
				mux.Handle("/dev/twilio/", http.StripPrefix("/dev/twilio", fake))
			} else {
				mux.Handle("/dev/twilio/", fake)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			c, err := carrier.New(carrier.Config{
				AccountSID: accountSID, AuthToken: authToken, From: from,
				APIURL: srv.URL + "/dev/twilio/", HTTPClient: loopbackClient(),
			})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: body}); err != nil {
				t.Fatalf("Send through a prefix (strip %v): %v", strip, err)
			}
			if n := len(fake.Requests()); n != 1 {
				t.Errorf("fake under a prefix (strip %v) received %d messages, want 1", strip, n)
			}
		}
	})
}

func TestSendValidityPeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       time.Duration
		want    int // seconds the fake receives
		wantErr bool
	}{
		{name: "Omitted", v: 0, want: 0},
		{name: "RoundedDown", v: 1500 * time.Millisecond, want: 1},
		{name: "Minimum", v: time.Second, want: 1},
		{name: "Maximum", v: 10 * time.Hour, want: 36000},
		{name: "ClampedToMaximum", v: 48 * time.Hour, want: 36000},
		{name: "UnderOneSecond", v: 999 * time.Millisecond, wantErr: true},
		{name: "Negative", v: -time.Minute, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, b := setup(t)
			_, err := c.Send(context.Background(), carrier.Message{To: to, Body: body, ValidityPeriod: tt.v})
			if tt.wantErr {
				if err == nil || carrier.IsRetryable(err) {
					t.Errorf("Send(ValidityPeriod %v) = %v, want a non-retryable error", tt.v, err)
				}
				if n := b.fake.AttemptsTo(to); n != 0 {
					t.Errorf("Send(ValidityPeriod %v) made %d requests, want 0", tt.v, n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send(ValidityPeriod %v): %v", tt.v, err)
			}
			if got := b.fake.Requests()[0].ValidityPeriod; got != tt.want {
				t.Errorf("Send(ValidityPeriod %v) sent %d s, want %d", tt.v, got, tt.want)
			}
		})
	}
}

func TestSendRefusesIncompleteMessage(t *testing.T) {
	t.Parallel()
	c, b := setup(t)
	for _, m := range []carrier.Message{{Body: body}, {To: to}} {
		if _, err := c.Send(context.Background(), m); err == nil || carrier.IsRetryable(err) {
			t.Errorf("Send(%+v) = %v, want a non-retryable error", m, err)
		}
	}
	if n := len(b.fake.Requests()); n != 0 {
		t.Errorf("fake received %d messages, want 0", n)
	}
}

// assertPrivate fails if err's text holds the number (in any notation) or the body.
func assertPrivate(t *testing.T, err error) {
	t.Helper()
	text := err.Error() + fmt.Sprintf(" %v %+v", err, err)
	for _, secret := range []string{to, strings.TrimPrefix(to, "+"), "5558675310", body, authToken} {
		if strings.Contains(text, secret) {
			t.Errorf("error text %q contains %q", text, secret)
		}
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		script     func(*twiliofake.Server)
		mutate     func(*carrier.Config)
		code       int
		httpStatus int
		is         error
		retryable  bool
	}{
		{name: "OptedOut", script: func(f *twiliofake.Server) { f.OptOut(to) },
			code: 21610, httpStatus: 400, is: carrier.ErrOptedOut},
		{name: "OptedOutScripted", script: func(f *twiliofake.Server) { f.FailNext(1, 400, 21610) },
			code: 21610, httpStatus: 400, is: carrier.ErrOptedOut},
		{name: "InvalidNumber", script: func(f *twiliofake.Server) { f.SetInvalid(to) },
			code: 21211, httpStatus: 400, is: carrier.ErrInvalidNumber},
		{name: "NotMobile", script: func(f *twiliofake.Server) { f.FailNext(1, 400, 21614) },
			code: 21614, httpStatus: 400, is: carrier.ErrInvalidNumber},
		{name: "Landline", script: func(f *twiliofake.Server) { f.FailNext(1, 400, 21635) },
			code: 21635, httpStatus: 400, is: carrier.ErrInvalidNumber},
		{name: "UnreachableFromSender", script: func(f *twiliofake.Server) { f.FailNext(1, 400, 21612) },
			code: 21612, httpStatus: 400},
		{name: "TooManyRequests", script: func(f *twiliofake.Server) { f.FailNext(1, 429, 20429) },
			code: 20429, httpStatus: 429, retryable: true},
		{name: "QueueOverflow", script: func(f *twiliofake.Server) { f.FailNext(1, 400, 21611) },
			code: 21611, httpStatus: 400, retryable: true},
		{name: "InternalError", script: func(f *twiliofake.Server) { f.FailNext(1, 500, 20500) },
			code: 20500, httpStatus: 500, retryable: true},
		{name: "Unavailable", script: func(f *twiliofake.Server) { f.FailNext(1, 503, 20503) },
			code: 20503, httpStatus: 503, retryable: true},
		{name: "UnknownCode5xx", script: func(f *twiliofake.Server) { f.FailNext(1, 502, 12345) },
			code: 12345, httpStatus: 502, retryable: true},
		{name: "WrongToken", mutate: func(c *carrier.Config) { c.AuthToken = "wrong0token" },
			code: 20003, httpStatus: 401},
		{name: "WrongAccount", mutate: func(c *carrier.Config) { c.AccountSID = "AC99999999999999999999999999999999" },
			code: 20003, httpStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mutate []func(*carrier.Config)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			c, b := setup(t, mutate...)
			if tt.script != nil {
				tt.script(b.fake)
			}
			_, err := c.Send(context.Background(), carrier.Message{To: to, Body: body})
			var cerr *carrier.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Send = %v, want a *carrier.Error", err)
			}
			if cerr.Code != tt.code || cerr.HTTPStatus != tt.httpStatus {
				t.Errorf("Send error code, status = %d, %d, want %d, %d", cerr.Code, cerr.HTTPStatus, tt.code, tt.httpStatus)
			}
			for _, sentinel := range []error{carrier.ErrOptedOut, carrier.ErrInvalidNumber} {
				if got, want := errors.Is(err, sentinel), sentinel == tt.is; got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, sentinel, got, want)
				}
			}
			if got := carrier.IsRetryable(err); got != tt.retryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tt.retryable)
			}
			if got := cerr.Retryable(); got != tt.retryable {
				t.Errorf("Retryable() = %v, want %v", got, tt.retryable)
			}
			// Twilio answered: it has not taken the message.
			if carrier.IsAmbiguous(err) {
				t.Errorf("IsAmbiguous(%v) = true, want false", err)
			}
			// Wrapping keeps the classification.
			if got := carrier.IsRetryable(fmt.Errorf("send step: %w", err)); got != tt.retryable {
				t.Errorf("IsRetryable(wrapped) = %v, want %v", got, tt.retryable)
			}
			assertPrivate(t, err)
			if n := len(b.fake.Requests()); n != 0 {
				t.Errorf("fake accepted %d messages, want 0", n)
			}
		})
	}
}

// The fake echoes the number in 21211's message as Twilio does; the error
// must keep the meaning and lose the number.
func TestSendErrorScrubsEchoedNumber(t *testing.T) {
	t.Parallel()
	c, b := setup(t)
	b.fake.SetInvalid(to)
	_, err := c.Send(context.Background(), carrier.Message{To: to, Body: body})
	var cerr *carrier.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Send = %v, want a *carrier.Error", err)
	}
	if !strings.Contains(cerr.Message, "[redacted]") || !strings.Contains(cerr.Message, "is not a valid phone number") {
		t.Errorf("Message = %q, want Twilio's text with the number redacted", cerr.Message)
	}
	assertPrivate(t, err)
}

func TestSendNetworkErrors(t *testing.T) {
	t.Parallel()

	t.Run("ConnectionRefused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c, err := carrier.New(carrier.Config{
			AccountSID: accountSID, AuthToken: authToken, From: from,
			APIURL: "http://" + addr, HTTPClient: loopbackClient(),
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), carrier.Message{To: to, Body: body})
		var cerr *carrier.Error
		if !errors.As(err, &cerr) || !cerr.Retryable() || cerr.Ambiguous() || cerr.HTTPStatus != 0 {
			t.Errorf("Send to a closed port = %v, want a retryable, unambiguous *carrier.Error without HTTP status", err)
		}
		assertPrivate(t, err)
	})

	t.Run("NoAnswerTimesOut", func(t *testing.T) {
		t.Parallel()
		addr := silentServer(t)
		c, err := carrier.New(carrier.Config{
			AccountSID: accountSID, AuthToken: authToken, From: from,
			APIURL: "http://" + addr, HTTPClient: loopbackClient(),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		// The server never answers: only the deadline can end this call.
		_, err = c.Send(ctx, carrier.Message{To: to, Body: body})
		if !carrier.IsRetryable(err) || !carrier.IsAmbiguous(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send to a silent server = %v, want retryable, ambiguous, errors.Is DeadlineExceeded", err)
		}
		assertPrivate(t, err)
	})

	t.Run("ConfigTimeout", func(t *testing.T) {
		t.Parallel()
		c, b := setup(t, func(cfg *carrier.Config) {
			cfg.HTTPClient = &http.Client{Transport: twiliofake.LoopbackOnly(nil), Timeout: 200 * time.Millisecond}
		})
		b.fake.SetLatency(10 * time.Second)
		// Unless the client's timeout ends it, this call succeeds after 10 s.
		_, err := c.Send(context.Background(), carrier.Message{To: to, Body: body})
		if !carrier.IsRetryable(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send = %v, want retryable, errors.Is DeadlineExceeded", err)
		}
	})

	t.Run("NonLoopbackRefused", func(t *testing.T) {
		t.Parallel()
		// The default API URL under a loopback-only transport: nothing leaves.
		c, err := carrier.New(carrier.Config{
			AccountSID: accountSID, AuthToken: authToken, From: from, HTTPClient: loopbackClient(),
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), carrier.Message{To: to, Body: body})
		if err == nil || !strings.Contains(err.Error(), "non-loopback") || carrier.IsAmbiguous(err) {
			t.Errorf("Send to api.twilio.com = %v, want the loopback guard's refusal, unambiguous", err)
		}
	})
}

// silentServer accepts connections and reads, but never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Go(func() {
				buf := make([]byte, 4096)
				for {
					if _, err := conn.Read(buf); err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// Answers that do not come from Twilio's API as such: a proxy's HTML page,
// a redirect, a success body that cannot be read.
func TestSendOddAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		httpStatus int
		retryable  bool
		ambiguous  bool
	}{
		{name: "ProxyBadGateway", status: 502, body: "<html>Bad Gateway</html>", httpStatus: 502, retryable: true, ambiguous: true},
		{name: "ProxyGatewayTimeout", status: 504, body: "<html>Timeout</html>", httpStatus: 504, retryable: true, ambiguous: true},
		{name: "ProxyUnavailable", status: 503, body: "<html>Down</html>", httpStatus: 503, retryable: true},
		{name: "ProxyTooMany", status: 429, body: "slow down", httpStatus: 429, retryable: true},
		{name: "ProxyForbidden", status: 403, body: "<html>no</html>", httpStatus: 403},
		{name: "Redirect", status: 307, header: map[string]string{"Location": "http://127.0.0.1:1/elsewhere"}, httpStatus: 307},
		// Twilio said created: retrying could send twice.
		{name: "CreatedUnreadable", status: 201, body: "{not json", httpStatus: 201, ambiguous: true},
		{name: "CreatedWithoutSID", status: 201, body: `{"status":"queued"}`, httpStatus: 201, ambiguous: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			c, err := carrier.New(carrier.Config{
				AccountSID: accountSID, AuthToken: authToken, From: from,
				APIURL: srv.URL, HTTPClient: loopbackClient(),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(context.Background(), carrier.Message{To: to, Body: body})
			var cerr *carrier.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Send = %v, want a *carrier.Error", err)
			}
			if cerr.HTTPStatus != tt.httpStatus || cerr.Retryable() != tt.retryable || cerr.Ambiguous() != tt.ambiguous {
				t.Errorf("Send = %v (HTTP %d, retryable %v, ambiguous %v), want HTTP %d, retryable %v, ambiguous %v",
					err, cerr.HTTPStatus, cerr.Retryable(), cerr.Ambiguous(), tt.httpStatus, tt.retryable, tt.ambiguous)
			}
			assertPrivate(t, err)
		})
	}
}

// A send cancelled while Twilio is slow returns at once, and its request is
// really gone: the fake sees the client hang up and accepts nothing.
func TestSendCancelDuringLatency(t *testing.T) {
	t.Parallel()
	c, b := setup(t)
	b.fake.SetLatency(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Send(ctx, carrier.Message{To: to, Body: body})
		done <- err
	}()
	waitFor(t, "the request to reach the fake", func() bool { return b.fake.InFlight() == 1 })
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Send did not return within 2s of the cancel")
	}
	// The request was written before the cancel: Twilio might have it.
	if !carrier.IsRetryable(err) || !carrier.IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("Send = %v, want retryable, ambiguous, errors.Is Canceled", err)
	}
	assertPrivate(t, err)
	waitFor(t, "the fake to see the request cancelled", func() bool { return b.fake.Cancelled() == 1 })
	if n := len(b.fake.Requests()); n != 0 {
		t.Errorf("fake accepted %d messages after the cancel, want 0", n)
	}
}

func TestSendConcurrent(t *testing.T) {
	t.Parallel()
	c, b := setup(t)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sids := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			res, err := c.Send(context.Background(), carrier.Message{
				To: fmt.Sprintf("+1555%07d", i), Body: fmt.Sprintf("message %d", i),
			})
			if err != nil {
				errs <- err
				return
			}
			sids <- res.SID
		})
	}
	wg.Wait()
	close(errs)
	close(sids)
	for err := range errs {
		t.Errorf("Send: %v", err)
	}
	seen := map[string]bool{}
	for sid := range sids {
		if seen[sid] {
			t.Errorf("SID %s returned twice", sid)
		}
		seen[sid] = true
	}
	got := b.fake.Requests()
	if len(got) != n || len(seen) != n {
		t.Fatalf("fake recorded %d messages, %d distinct SIDs returned, want %d", len(got), len(seen), n)
	}
	for i := range n {
		number := fmt.Sprintf("+1555%07d", i)
		if r := b.fake.RequestsTo(number); len(r) != 1 || r[0].Body != fmt.Sprintf("message %d", i) || !seen[r[0].SID] {
			t.Errorf("RequestsTo(%s) = %+v, want its one message", number, r)
		}
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	valid := carrier.Config{AccountSID: accountSID, AuthToken: authToken, From: from}
	tests := []struct {
		name    string
		mutate  func(*carrier.Config)
		wantErr string
	}{
		{name: "Valid", mutate: func(*carrier.Config) {}},
		{name: "ServiceOnly", mutate: func(c *carrier.Config) { c.From = ""; c.MessagingServiceSID = serviceSID }},
		{name: "Both", mutate: func(c *carrier.Config) { c.MessagingServiceSID = serviceSID }},
		{name: "LoopbackHTTP", mutate: func(c *carrier.Config) { c.APIURL = "http://127.0.0.1:8080" }},
		{name: "LocalhostHTTP", mutate: func(c *carrier.Config) { c.APIURL = "http://localhost:8080/dev/twilio" }},
		{name: "IPv6LoopbackHTTP", mutate: func(c *carrier.Config) { c.APIURL = "http://[::1]:8080" }},
		{name: "OtherProvider", mutate: func(c *carrier.Config) { c.APIURL = "https://api.example.com/" }},
		{name: "NoAccount", mutate: func(c *carrier.Config) { c.AccountSID = "" }, wantErr: "account SID"},
		{name: "NoToken", mutate: func(c *carrier.Config) { c.AuthToken = "" }, wantErr: "auth token"},
		{name: "TokenPunctuation", mutate: func(c *carrier.Config) { c.AuthToken = "auth-token-for-tests" }},
		{name: "TokenControlChars", mutate: func(c *carrier.Config) { c.AuthToken = "secret\ntoken" }, wantErr: "auth token"},
		{name: "AccountPunctuation", mutate: func(c *carrier.Config) { c.AccountSID = "AC:x" }, wantErr: "account SID"},
		{name: "NoSender", mutate: func(c *carrier.Config) { c.From = "" }, wantErr: "From or MessagingServiceSID"},
		{name: "RemoteHTTP", mutate: func(c *carrier.Config) { c.APIURL = "http://api.example.com" }, wantErr: "loopback"},
		{name: "NotURL", mutate: func(c *carrier.Config) { c.APIURL = "api.twilio.com" }, wantErr: "API URL"},
		{name: "FTP", mutate: func(c *carrier.Config) { c.APIURL = "ftp://api.twilio.com" }, wantErr: "API URL"},
		{name: "Query", mutate: func(c *carrier.Config) { c.APIURL = "https://api.twilio.com/?x=1" }, wantErr: "API URL"},
		{name: "UserInfo", mutate: func(c *carrier.Config) { c.APIURL = "https://u:hunter2@api.twilio.com" }, wantErr: "API URL"},
		{name: "Garbage", mutate: func(c *carrier.Config) { c.APIURL = "http://[::1" }, wantErr: "API URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.mutate(&cfg)
			_, err := carrier.New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("New(%+v) = %v, want nil", cfg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New = %v, want an error naming %q", err, tt.wantErr)
			}
			for _, secret := range []string{cfg.AuthToken, "hunter2"} {
				if err != nil && secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("New error %q contains the secret %q", err, secret)
				}
			}
		})
	}

	t.Run("AllProblemsAtOnce", func(t *testing.T) {
		t.Parallel()
		_, err := carrier.New(carrier.Config{APIURL: "http://api.example.com"})
		for _, want := range []string{"account SID", "auth token", "From or MessagingServiceSID", "loopback"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("New(empty) = %v, want it to name %q", err, want)
			}
		}
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClientFormatHidesToken(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, c); strings.Contains(s, authToken) {
			t.Errorf("Sprintf(%s, client) = %q, contains the auth token", verb, s)
		}
	}
}

// A context already done sends nothing, and says so.
func TestSendContextAlreadyDone(t *testing.T) {
	t.Parallel()
	c, b := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Send(ctx, carrier.Message{To: to, Body: body})
	if !carrier.IsRetryable(err) || carrier.IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("Send(done ctx) = %v, want retryable, unambiguous, errors.Is Canceled", err)
	}
	if n := b.fake.AttemptsTo(to) + b.fake.Cancelled(); n != 0 {
		t.Errorf("fake saw %d requests, want 0", n)
	}
}

// Find sees a message Twilio took, by number, body and time, and nothing
// else; a failure to ask is an error, never "not found".
func TestFind(t *testing.T) {
	c, b := setup(t)
	ctx := context.Background()
	before := time.Now().Add(-2 * time.Second)
	if _, found, err := c.Find(ctx, to, body, before); err != nil || found {
		t.Fatalf("Find with nothing sent = %v, %v; want not found", found, err)
	}
	sent, err := c.Send(ctx, carrier.Message{To: to, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, carrier.Message{To: to, Body: "another message"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, carrier.Message{To: "+15558675311", Body: body}); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.Find(ctx, to, body, before)
	if err != nil || !found || got.SID != sent.SID || got.Status == "" {
		t.Fatalf("Find = %+v, %v, %v; want %s", got, found, err, sent.SID)
	}
	for name, probe := range map[string]struct {
		to, body string
		since    time.Time
	}{
		"other body":   {to, "a body never sent", before},
		"other number": {"+15558675312", body, before},
		"sent before":  {to, body, time.Now().Add(2 * time.Second)},
	} {
		if got, found, err := c.Find(ctx, probe.to, probe.body, probe.since); err != nil || found {
			t.Errorf("%s: Find = %+v, %v, %v; want not found", name, got, found, err)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // nothing answers there
	down, _ := setup(t, func(cfg *carrier.Config) { cfg.APIURL = "http://" + ln.Addr().String() })
	if _, found, err := down.Find(ctx, to, body, before); err == nil || found || !carrier.IsRetryable(err) {
		t.Errorf("Find while Twilio is unreachable = %v, %v; want a retryable error", found, err)
	}
	_ = b
	bad, _ := setup(t, func(cfg *carrier.Config) { cfg.AuthToken = "wrong" })
	if _, found, err := bad.Find(ctx, to, body, before); err == nil || found {
		t.Errorf("Find with a wrong token = %v, %v; want an error", found, err)
	}
}
