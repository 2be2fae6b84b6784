package twiliofake_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"textsupport/internal/carrier"
	"textsupport/internal/twiliofake"
)

type receiver struct {
	url string // the callback URL, with a query string, as a service would give it

	mu      sync.Mutex
	got     []url.Values
	headers []http.Header
	badSigs int
}

// newReceiver is a status callback endpoint that checks every request's
// signature with twilio-go's RequestValidator, as the web layer does.
func newReceiver(t *testing.T, each func(url.Values)) *receiver {
	t.Helper()
	r := &receiver{}
	validator := client.NewRequestValidator(authToken)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ok := validator.ValidateBody(r.url, body, req.Header.Get("X-Twilio-Signature"))
		form, _ := url.ParseQuery(string(body))
		r.mu.Lock()
		if !ok {
			r.badSigs++
		}
		r.got = append(r.got, form)
		r.headers = append(r.headers, req.Header.Clone())
		r.mu.Unlock()
		if each != nil {
			each(form)
		}
		if !ok {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, "<Response/>")
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/twilio/status?tenant=a&x=1"
	return r
}

func (r *receiver) snapshot() ([]url.Values, []http.Header, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got), slices.Clone(r.headers), r.badSigs
}

func TestSignMatchesRequestValidator(t *testing.T) {
	t.Parallel()
	validator := client.NewRequestValidator(authToken)
	params := url.Values{
		"MessageSid": {"SM0123"}, "Body": {"Stop please & thank you = ok ☺"}, "From": {"+15558675310"},
		"To": {from}, "NumMedia": {"0"}, "a": {""}, "Z": {"upper before lower"},
	}
	flat := map[string]string{}
	for k, v := range params {
		flat[k] = v[0]
	}
	for _, u := range []string{
		"https://example.org/twilio/sms",
		"https://example.org:443/twilio/sms",
		"http://127.0.0.1:8080/twilio/sms?x=1&y=%20z",
		"http://localhost/twilio/status",
	} {
		sig := twiliofake.Sign(authToken, u, params)
		if !validator.Validate(u, flat, sig) {
			t.Errorf("Validate(%s) = false for Sign's signature", u)
		}
		if !validator.ValidateBody(u, []byte(params.Encode()), sig) {
			t.Errorf("ValidateBody(%s) = false for Sign's signature", u)
		}
		if validator.Validate(u+"x", flat, sig) {
			t.Errorf("Validate(%sx) = true, want false for another URL", u)
		}
		tampered := maps.Clone(flat)
		tampered["Body"] = "START"
		if validator.Validate(u, tampered, sig) {
			t.Errorf("Validate(%s) = true with a changed Body", u)
		}
		if twiliofake.Sign("other", u, params) == sig {
			t.Errorf("Sign with another token gave the same signature")
		}
	}
}

func TestAutomaticCallbacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		service  bool
		outcome  string
		code     int
		statuses []string
	}{
		{name: "Delivered", statuses: []string{"sent", "delivered"}},
		{name: "DeliveredViaService", service: true, statuses: []string{"queued", "sent", "delivered"}},
		{name: "Undelivered", outcome: "undelivered", code: 30003, statuses: []string{"sent", "undelivered"}},
		{name: "Failed", outcome: "failed", code: 30006, statuses: []string{"failed"}},
		{name: "FailedOptedOutViaService", service: true, outcome: "failed", code: 21610, statuses: []string{"queued", "failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			s.SetCallbacks(true)
			s.SetCallbackDelay(time.Millisecond)
			if tt.outcome != "" {
				s.SetDeliveryOutcome(to, tt.outcome, tt.code)
			}
			r := newReceiver(t, nil)
			cfg := carrier.Config{}
			if tt.service {
				cfg.MessagingServiceSID = serviceSID
			}
			c := newClient(t, s, cfg)
			res, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: r.url})
			if err != nil {
				t.Fatal(err)
			}
			s.FlushCallbacks()
			got, headers, bad := r.snapshot()
			if bad != 0 {
				t.Errorf("%d callbacks failed twilio-go's signature check", bad)
			}
			var statuses []string
			for i, form := range got {
				statuses = append(statuses, form.Get("MessageStatus"))
				wantFrom := from
				if tt.service {
					wantFrom = twiliofake.PoolNumber
				}
				checks := map[string]string{
					"MessageSid": res.SID, "SmsSid": res.SID, "AccountSid": accountSID, "To": to,
					"From": wantFrom, "ApiVersion": "2010-04-01", "SmsStatus": form.Get("MessageStatus"),
				}
				for k, want := range checks {
					if form.Get(k) != want {
						t.Errorf("callback %d: %s = %q, want %q", i, k, form.Get(k), want)
					}
				}
				if tt.service && form.Get("MessagingServiceSid") != serviceSID {
					t.Errorf("callback %d: MessagingServiceSid = %q, want %q", i, form.Get("MessagingServiceSid"), serviceSID)
				}
				final := carrier.IsFinal(form.Get("MessageStatus"))
				if wantCode := final && tt.code != 0; form.Has("ErrorCode") != wantCode {
					t.Errorf("callback %d (%s): ErrorCode present = %v, want %v", i, form.Get("MessageStatus"), form.Has("ErrorCode"), wantCode)
				}
				if final && tt.code != 0 && form.Get("ErrorCode") != strconv.Itoa(tt.code) {
					t.Errorf("callback %d: ErrorCode = %q, want %d", i, form.Get("ErrorCode"), tt.code)
				}
				if ct := headers[i].Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
					t.Errorf("callback %d: Content-Type = %q", i, ct)
				}
			}
			if !slices.Equal(statuses, tt.statuses) {
				t.Errorf("callback statuses = %v, want %v", statuses, tt.statuses)
			}
			recorded := s.Callbacks()
			if len(recorded) != len(tt.statuses) {
				t.Fatalf("Callbacks() = %d entries, want %d", len(recorded), len(tt.statuses))
			}
			for _, cb := range recorded {
				if cb.Err != nil || cb.StatusCode != 200 || cb.SID != res.SID || cb.URL != r.url {
					t.Errorf("Callbacks() entry %+v, want a 200 for %s at %s", cb, res.SID, r.url)
				}
			}
		})
	}

	t.Run("Off", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		r := newReceiver(t, nil)
		c := newClient(t, s, carrier.Config{})
		if _, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: r.url}); err != nil {
			t.Fatal(err)
		}
		s.FlushCallbacks()
		time.Sleep(100 * time.Millisecond)
		if got, _, _ := r.snapshot(); len(got) != 0 {
			t.Errorf("%d callbacks with callbacks off, want 0", len(got))
		}
	})
}

func TestSendStatus(t *testing.T) {
	t.Parallel()
	s := setup(t)
	r := newReceiver(t, nil)
	c := newClient(t, s, carrier.Config{})
	res, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: r.url})
	if err != nil {
		t.Fatal(err)
	}
	// Out of order, as Twilio may deliver them.
	if err := s.SendStatus(res.SID, "delivered", 0); err != nil {
		t.Fatalf("SendStatus: %v", err)
	}
	if err := s.SendStatus(res.SID, "sent", 0); err != nil {
		t.Fatalf("SendStatus: %v", err)
	}
	if err := s.SendStatus(res.SID, "undelivered", 30005); err != nil {
		t.Fatalf("SendStatus: %v", err)
	}
	got, _, bad := r.snapshot()
	if bad != 0 || len(got) != 3 {
		t.Fatalf("receiver got %d callbacks, %d badly signed; want 3, 0", len(got), bad)
	}
	if got[1].Get("MessageStatus") != "sent" || got[2].Get("ErrorCode") != "30005" || got[2].Get("RawDlrDoneDate") == "" {
		t.Errorf("callbacks = %v", got)
	}

	if err := s.SendStatus("SMnope", "sent", 0); err == nil {
		t.Error("SendStatus(unknown SID) = nil, want an error")
	}
	res2, err := c.Send(context.Background(), carrier.Message{To: to, Body: "no callback"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendStatus(res2.SID, "sent", 0); err == nil {
		t.Error("SendStatus(message without StatusCallback) = nil, want an error")
	}

	t.Run("ReceiverRefuses", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}))
		t.Cleanup(srv.Close)
		c := newClient(t, s, carrier.Config{})
		res, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: srv.URL + "/twilio/status"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SendStatus(res.SID, "sent", 0); err == nil {
			t.Error("SendStatus to a receiver answering 500 = nil, want an error")
		}
		if cbs := s.Callbacks(); len(cbs) != 1 || cbs[0].StatusCode != 500 || cbs[0].Err == nil {
			t.Errorf("Callbacks() = %+v, want one 500 with an error", cbs)
		}
	})

	t.Run("NonLoopbackRefused", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		c := newClient(t, s, carrier.Config{})
		res, err := c.Send(context.Background(), carrier.Message{To: to, Body: "hi", StatusCallback: "https://example.org/twilio/status"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SendStatus(res.SID, "sent", 0); err == nil || !strings.Contains(err.Error(), "non-loopback") {
			t.Errorf("SendStatus to example.org = %v, want the loopback guard's refusal", err)
		}
	})
}

func TestPostWebhook(t *testing.T) {
	t.Parallel()
	s := setup(t)
	r := newReceiver(t, nil)
	status, body, err := s.PostWebhook(context.Background(), r.url, url.Values{
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "From": {to}, "To": {from}, "Body": {"STOP"},
	})
	if err != nil || status != 200 || body != "<Response/>" {
		t.Fatalf("PostWebhook = %d %q %v, want 200 <Response/>", status, body, err)
	}
	got, _, bad := r.snapshot()
	if bad != 0 || len(got) != 1 || got[0].Get("AccountSid") != accountSID || got[0].Get("Body") != "STOP" {
		t.Errorf("receiver got %v (%d bad signatures)", got, bad)
	}
}
