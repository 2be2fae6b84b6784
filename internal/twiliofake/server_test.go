package twiliofake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
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
)

var httpClient = &http.Client{Transport: twiliofake.LoopbackOnly(nil)}

func setup(t *testing.T) *twiliofake.Server {
	t.Helper()
	s := twiliofake.New(accountSID, authToken)
	t.Cleanup(s.Close)
	return s
}

func messagesURL(s *twiliofake.Server, account string) string {
	return s.URL + "/2010-04-01/Accounts/" + account + "/Messages.json"
}

// post makes a raw create request and decodes the JSON answer.
func post(t *testing.T, target, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decoding answer: %v", err)
	}
	return resp.StatusCode, out
}

func TestCreateAnswer(t *testing.T) {
	t.Parallel()
	s := setup(t)
	status, got := post(t, messagesURL(s, accountSID), accountSID, authToken, url.Values{
		"To": {to}, "From": {from}, "Body": {"hello"}, "StatusCallback": {"http://127.0.0.1:1/s"}, "ValidityPeriod": {"600"},
	})
	if status != http.StatusCreated {
		t.Fatalf("status = %d, want 201 (%v)", status, got)
	}
	sid, _ := got["sid"].(string)
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(sid) {
		t.Errorf("sid = %q, want SM + 32 hex", sid)
	}
	want := map[string]any{
		"account_sid": accountSID, "api_version": "2010-04-01", "body": "hello", "direction": "outbound-api",
		"from": from, "to": to, "status": "queued", "num_segments": "1", "num_media": "0",
		"messaging_service_sid": nil, "error_code": nil, "error_message": nil, "price": nil, "date_sent": nil,
		"uri": "/2010-04-01/Accounts/" + accountSID + "/Messages/" + sid + ".json",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for _, k := range []string{"date_created", "date_updated"} {
		if _, err := time.Parse(time.RFC1123Z, fmt.Sprint(got[k])); err != nil {
			t.Errorf("%s = %v, want an RFC 2822 date: %v", k, got[k], err)
		}
	}
	if _, ok := got["subresource_uris"].(map[string]any); !ok {
		t.Errorf("subresource_uris = %#v, want an object", got["subresource_uris"])
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].SID != sid || reqs[0].ValidityPeriod != 600 || reqs[0].StatusCallback != "http://127.0.0.1:1/s" {
		t.Errorf("Requests() = %+v, want the one message", reqs)
	}
}

func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	valid := url.Values{"To": {to}, "From": {from}, "Body": {"hello"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range valid {
			f[kk] = vv
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	tests := []struct {
		name       string
		path       string // account in the path; default accountSID
		user, pass string
		method     string
		form       url.Values
		status     int
		code       int
	}{
		{name: "NoAuth", form: valid, status: 401, code: 20003},
		{name: "WrongToken", user: accountSID, pass: "nope", form: valid, status: 401, code: 20003},
		{name: "WrongAccountPath", path: "AC99999999999999999999999999999999", user: accountSID, pass: authToken, form: valid, status: 404, code: 20404},
		{name: "PUT", method: http.MethodPut, user: accountSID, pass: authToken, status: 405, code: 20004},
		{name: "NoTo", user: accountSID, pass: authToken, form: with("To", ""), status: 400, code: 21604},
		{name: "NoSender", user: accountSID, pass: authToken, form: with("From", ""), status: 400, code: 21603},
		{name: "NoBody", user: accountSID, pass: authToken, form: with("Body", ""), status: 400, code: 21602},
		{name: "BodyTooLong", user: accountSID, pass: authToken, form: with("Body", strings.Repeat("x", 1601)), status: 400, code: 21617},
		{name: "ToNotE164", user: accountSID, pass: authToken, form: with("To", "5558675310"), status: 400, code: 21211},
		{name: "ToIsFrom", user: accountSID, pass: authToken, form: with("To", from), status: 400, code: 21266},
		{name: "ValidityZero", user: accountSID, pass: authToken, form: with("ValidityPeriod", "0"), status: 400, code: 21624},
		{name: "ValidityTooLong", user: accountSID, pass: authToken, form: with("ValidityPeriod", "36001"), status: 400, code: 21624},
		{name: "ValidityNotNumber", user: accountSID, pass: authToken, form: with("ValidityPeriod", "10m"), status: 400, code: 21624},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			account := accountSID
			if tt.path != "" {
				account = tt.path
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, messagesURL(s, account), strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			resp, err := httpClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Code     int    `json:"code"`
				Message  string `json:"message"`
				MoreInfo string `json:"more_info"`
				Status   int    `json:"status"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || body.Code != tt.code || body.Status != tt.status || body.Message == "" ||
				body.MoreInfo != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", tt.code) {
				t.Errorf("answer = %d %+v, want %d with code %d", resp.StatusCode, body, tt.status, tt.code)
			}
			if n := len(s.Requests()); n != 0 {
				t.Errorf("accepted %d messages, want 0", n)
			}
		})
	}

	t.Run("UnknownPath", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		status, body := post(t, s.URL+"/2010-04-01/Accounts/"+accountSID+"/Calls.json", accountSID, authToken, valid)
		if status != 404 || body["code"] != float64(20404) {
			t.Errorf("answer = %d %v, want 404 code 20404", status, body)
		}
	})
}

func newClient(t *testing.T, s *twiliofake.Server, cfg carrier.Config) *carrier.Client {
	t.Helper()
	cfg.AccountSID, cfg.AuthToken = accountSID, authToken
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		cfg.From = from
	}
	cfg.APIURL = s.URL
	cfg.HTTPClient = httpClient
	c, err := carrier.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestScripting(t *testing.T) {
	t.Parallel()

	t.Run("FailNextThenRecover", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		c := newClient(t, s, carrier.Config{})
		s.FailNext(2, 503, 20503)
		s.FailNext(1, 429, 20429)
		for i, wantCode := range []int{20503, 20503, 20429} {
			_, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi"})
			var ce *carrier.Error
			if !errors.As(err, &ce) || ce.Code != wantCode {
				t.Errorf("send %d = %v, want code %d", i, err, wantCode)
			}
		}
		if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi"}); err != nil {
			t.Errorf("send after the scripted failures: %v", err)
		}
		if got := s.AttemptsTo(to); got != 4 {
			t.Errorf("AttemptsTo = %d, want 4", got)
		}
		if got := len(s.RequestsTo(to)); got != 1 {
			t.Errorf("RequestsTo = %d messages, want 1", got)
		}
	})

	t.Run("OptOutOptIn", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		c := newClient(t, s, carrier.Config{})
		s.OptOut(to)
		if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi"}); err == nil {
			t.Error("send to an opted-out number succeeded")
		}
		// Others are unaffected.
		if _, err := c.Send(context.Background(), carrier.Message{To: "+15558675311", Body: "hi"}); err != nil {
			t.Errorf("send to another number: %v", err)
		}
		s.OptIn(to)
		if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi"}); err != nil {
			t.Errorf("send after OptIn: %v", err)
		}
	})

	t.Run("OnMessageBeforeAnswer", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		c := newClient(t, s, carrier.Config{})
		var seen atomic.Int32
		var got twiliofake.Request
		var mu sync.Mutex
		s.OnMessage(func(r twiliofake.Request) {
			mu.Lock()
			got = r
			mu.Unlock()
			seen.Add(1)
		})
		res, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if seen.Load() != 1 || got.SID != res.SID || got.Body != "hi" {
			t.Errorf("OnMessage saw %d calls, last %+v; want one with SID %s", seen.Load(), got, res.SID)
		}
	})

	t.Run("Close", func(t *testing.T) {
		t.Parallel()
		s := twiliofake.New(accountSID, authToken)
		s.Close()
		s.Close() // twice is fine
		if _, err := httpClient.Post(s.URL, "text/plain", nil); err == nil {
			t.Error("a closed fake still answers")
		}
	})
}

func TestSegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want int
	}{
		{"", 0},
		{"hello", 1},
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("a", 306), 2},
		{strings.Repeat("a", 307), 3},
		{strings.Repeat("€", 80), 1},  // extension: 2 septets each
		{strings.Repeat("€", 81), 2},  // 162 septets
		{strings.Repeat("é", 160), 1}, // é is in GSM-7
		{"It’s ok", 1},                // curly quote: UCS-2
		{strings.Repeat("a", 70) + "’", 2},
		{strings.Repeat("a", 69) + "’", 1},
		{strings.Repeat("😀", 35), 1}, // 70 UTF-16 units
		{strings.Repeat("😀", 36), 2},
	}
	for _, tt := range tests {
		if got := twiliofake.Segments(tt.body); got != tt.want {
			t.Errorf("Segments(%q) = %d, want %d", tt.body, got, tt.want)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	var called atomic.Int32
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		called.Add(1)
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	})
	rt := twiliofake.LoopbackOnly(next)
	for _, u := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:80/", "http://127.1.2.3/", "http://app.localhost/"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if _, err := rt.RoundTrip(req); err != nil {
			t.Errorf("RoundTrip(%s) = %v, want it passed on", u, err)
		}
	}
	if called.Load() != 5 {
		t.Errorf("next transport called %d times, want 5", called.Load())
	}
	called.Store(0)
	for _, u := range []string{"https://api.twilio.com/2010-04-01", "http://10.0.0.1/", "http://example.com/", "http://localhost.example.com/", "http://0.0.0.0/"} {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("x"))
		if _, err := rt.RoundTrip(req); err == nil {
			t.Errorf("RoundTrip(%s) passed, want refused", u)
		}
	}
	if called.Load() != 0 {
		t.Errorf("next transport called %d times for non-loopback hosts, want 0", called.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestConcurrentWithCallbacks(t *testing.T) {
	t.Parallel()
	s := setup(t)
	s.SetCallbacks(true)
	s.SetCallbackDelay(0)
	var received atomic.Int32
	receiver := newReceiver(t, func(url.Values) { received.Add(1) })
	c := newClient(t, s, carrier.Config{})
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := c.Send(context.Background(), carrier.Message{
				To: fmt.Sprintf("+1555%07d", i), Body: "hi", StatusCallback: receiver.url,
			}); err != nil {
				t.Errorf("Send: %v", err)
			}
			_ = s.Requests() // readers race writers
		})
	}
	wg.Wait()
	s.FlushCallbacks()
	if got := len(s.Requests()); got != n {
		t.Errorf("Requests() = %d, want %d", got, n)
	}
	if got := received.Load(); got != 2*n {
		t.Errorf("receiver got %d callbacks, want %d (sent and delivered each)", got, 2*n)
	}
	if got := len(s.Callbacks()); got != 2*n {
		t.Errorf("Callbacks() = %d, want %d", got, 2*n)
	}
}

// Close stops callbacks still waiting and returns.
func TestCloseStopsCallbacks(t *testing.T) {
	t.Parallel()
	s := twiliofake.New(accountSID, authToken)
	s.SetCallbacks(true)
	s.SetCallbackDelay(time.Hour)
	receiver := newReceiver(t, nil)
	c := newClient(t, s, carrier.Config{})
	if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: receiver.url}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return with a callback pending")
	}
	if n := len(s.Callbacks()); n != 0 {
		t.Errorf("%d callbacks posted after Close, want 0", n)
	}
}
