package twiliofake

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SetCallbacks turns automatic status callbacks on or off (default off).
// When on, each accepted message with a StatusCallback gets, one after the
// other, the callbacks Twilio would send after its initial status: queued
// (only through a Messaging Service, whose initial status is accepted),
// sent, then delivered, or the outcome set by SetDeliveryOutcome.
func (s *Server) SetCallbacks(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbacksOn = enabled
}

// SetCallbackDelay sets the pause before each automatic callback (default
// 50 ms, so the sender has usually stored the SID before the first arrives;
// Twilio promises no such thing).
func (s *Server) SetCallbackDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbackDelay = d
}

// SetCallbackClient replaces the client that posts callbacks and webhooks.
// The default refuses any host but loopback ones and waits 15 s, as Twilio
// waits for a webhook.
func (s *Server) SetCallbackClient(c *http.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbackHTTP = c
}

// SetDeliveryOutcome sets how automatic callbacks end for messages to
// number: "delivered" (the default; clears any outcome), "undelivered"
// (after sent) or "failed" (instead of sent), with errorCode (e.g. 30003,
// 30005, 30006, 21610).
func (s *Server) SetDeliveryOutcome(number, status string, errorCode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch status {
	case "undelivered", "failed":
		s.outcomes[number] = outcome{status: status, code: errorCode}
	default:
		delete(s.outcomes, number)
	}
}

// Callbacks returns the status callbacks posted so far, in order.
func (s *Server) Callbacks() []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Callback(nil), s.callbacks...)
}

// FlushCallbacks waits until every automatic callback scheduled so far has
// been posted (or given up at Close).
func (s *Server) FlushCallbacks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.pending > 0 {
		s.idle.Wait()
	}
}

// SendStatus posts one status callback for message sid now, signed as
// Twilio signs it. errorCode 0 sends no ErrorCode. It fails if the message
// is unknown or has no StatusCallback, the post fails, or the receiver
// answers other than 2xx.
func (s *Server) SendStatus(sid, status string, errorCode int) error {
	return s.postStatus(s.ctx, sid, status, errorCode)
}

// PostWebhook posts params to webhookURL as Twilio posts its webhooks (an
// inbound SMS, say): form-encoded, AccountSid and ApiVersion added when
// missing, signed with the auth token in X-Twilio-Signature. It returns the
// receiver's status and body (up to 1 MiB).
func (s *Server) PostWebhook(ctx context.Context, webhookURL string, params url.Values) (status int, body string, err error) {
	p := url.Values{}
	for k, v := range params {
		p[k] = append([]string(nil), v...)
	}
	if p.Get("AccountSid") == "" {
		p.Set("AccountSid", s.AccountSID)
	}
	if p.Get("ApiVersion") == "" {
		p.Set("ApiVersion", APIVersion)
	}
	s.mu.Lock()
	hc := s.callbackHTTP
	s.mu.Unlock()
	resp, err := s.post(ctx, hc, webhookURL, p)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), err
}

// Sign computes X-Twilio-Signature for a POST of params to fullURL:
// base64(HMAC-SHA1(authToken, fullURL + each name and value, sorted by
// name)). A name given several values contributes each, values sorted, as
// Twilio's own libraries do; twilio-go's RequestValidator only checks the
// first value of a name, so the two agree when no name repeats.
func Sign(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

type step struct {
	status string
	code   int
}

// scheduleCallbacks starts the automatic callbacks for an accepted message.
func (s *Server) scheduleCallbacks(r Request) {
	s.mu.Lock()
	if !s.callbacksOn || r.StatusCallback == "" || s.ctx.Err() != nil {
		s.mu.Unlock()
		return
	}
	var steps []step
	if r.MessagingServiceSID != "" {
		steps = append(steps, step{"queued", 0})
	}
	switch o := s.outcomes[r.To]; o.status {
	case "failed":
		steps = append(steps, step{"failed", o.code})
	case "undelivered":
		steps = append(steps, step{"sent", 0}, step{"undelivered", o.code})
	default:
		steps = append(steps, step{"sent", 0}, step{"delivered", 0})
	}
	delay := s.callbackDelay
	s.pending++
	s.mu.Unlock()

	go func() {
		defer func() {
			s.mu.Lock()
			s.pending--
			if s.pending == 0 {
				s.idle.Broadcast()
			}
			s.mu.Unlock()
		}()
		for _, st := range steps {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
			// A failed post is recorded in Callbacks; Twilio does not retry
			// status callbacks either.
			_ = s.postStatus(s.ctx, r.SID, st.status, st.code)
		}
	}()
}

func (s *Server) postStatus(ctx context.Context, sid, status string, errorCode int) error {
	s.mu.Lock()
	m := s.messages[sid]
	if m == nil {
		s.mu.Unlock()
		return fmt.Errorf("twiliofake: no message %s", sid)
	}
	if m.StatusCallback == "" {
		s.mu.Unlock()
		return fmt.Errorf("twiliofake: message %s has no StatusCallback", sid)
	}
	m.status = status
	target := m.StatusCallback
	from := m.From
	if from == "" {
		from = PoolNumber
	}
	p := url.Values{
		"AccountSid":    {s.AccountSID},
		"ApiVersion":    {APIVersion},
		"From":          {from},
		"MessageSid":    {sid},
		"MessageStatus": {status},
		"SmsSid":        {sid},
		"SmsStatus":     {status},
		"To":            {m.To},
	}
	if m.MessagingServiceSID != "" {
		p.Set("MessagingServiceSid", m.MessagingServiceSID)
	}
	if errorCode != 0 {
		p.Set("ErrorCode", strconv.Itoa(errorCode))
	}
	if status == "delivered" || status == "undelivered" {
		// Carriers' delivery receipt time, YYMMDDhhmm: one of the fields
		// Twilio adds that a receiver must sign over without knowing it.
		p.Set("RawDlrDoneDate", time.Now().UTC().Format("0601021504"))
	}
	hc := s.callbackHTTP
	s.mu.Unlock()

	cb := Callback{SID: sid, Status: status, ErrorCode: errorCode, URL: target, At: time.Now()}
	resp, err := s.post(ctx, hc, target, p)
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		cb.StatusCode = resp.StatusCode
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			err = fmt.Errorf("twiliofake: status callback for %s answered HTTP %d", sid, resp.StatusCode)
		}
	}
	cb.Err = err
	s.mu.Lock()
	s.callbacks = append(s.callbacks, cb)
	s.mu.Unlock()
	return err
}

// post sends one signed form POST, as Twilio sends webhooks.
func (s *Server) post(ctx context.Context, hc *http.Client, target string, p url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(p.Encode()))
	if err != nil {
		return nil, fmt.Errorf("twiliofake: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", Sign(s.AuthToken, target, p))
	req.Header.Set("I-Twilio-Idempotency-Token", newSID("")[:32])
	return hc.Do(req)
}
