// Package carrier sends SMS through Twilio's Messages API with the official
// twilio-go client, and turns what Twilio says back into decisions the rest
// of the service can act on: which send errors mean "opted out", "invalid
// number" or "try again later", and which delivery statuses are final.
//
// Nothing in this package logs, and no error it returns carries a phone
// number or a message body.
package carrier

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// DefaultAPIURL is Twilio's REST API.
const DefaultAPIURL = "https://api.twilio.com"

// DefaultTimeout bounds a send when neither the context nor
// Config.HTTPClient.Timeout says otherwise; it is twilio-go's own default.
const DefaultTimeout = 10 * time.Second

// ValidityPeriod bounds, as Twilio accepts them: whole seconds from 1 to
// 36000 (10 h, also the default and Twilio's maximum queue time; error 21624
// outside that range).
const (
	MinValidityPeriod = time.Second
	MaxValidityPeriod = 36000 * time.Second
)

// Config is what a Client needs. From and MessagingServiceSID may both be
// set: Twilio then sends from From, which must belong to the service.
type Config struct {
	AccountSID, AuthToken string
	From                  string // E.164 sender, or
	MessagingServiceSID   string // one of the two (or both)
	// APIURL is the base URL of the REST API, default DefaultAPIURL. It may
	// carry a path prefix (a fake mounted under /dev/twilio). Plain http is
	// accepted only for loopback hosts: the auth token travels in every
	// request.
	APIURL string
	// HTTPClient is optional. Its Transport carries the requests (default: a
	// pooled transport of our own); its Timeout, when set, replaces
	// DefaultTimeout. Redirects are never followed, whatever it says.
	HTTPClient *http.Client
}

// Message is one outbound SMS.
type Message struct {
	To             string // E.164
	Body           string
	StatusCallback string // full URL, e.g. PUBLIC_URL + "/twilio/status"; empty: none
	// ValidityPeriod is how long Twilio may keep the message queued before
	// dropping it (failed, 30001 with a Messaging Service). 0 leaves Twilio's
	// default (10 h), so a caller computing "time left in the send window"
	// must not send at all when that is <= 0. Whole seconds are sent,
	// rounded down so the message never outlives the caller's deadline;
	// under MinValidityPeriod is an error, over MaxValidityPeriod is sent as
	// the maximum.
	ValidityPeriod time.Duration
}

// Result is Twilio's answer to an accepted send.
type Result struct {
	SID    string
	Status string // "queued", or "accepted" through a Messaging Service
	// Segments is num_segments as Twilio returned it; 0 when absent, and
	// always 0 through a Messaging Service (no sender chosen yet).
	Segments int
}

// Client sends messages. It is safe for concurrent use.
type Client struct {
	accountSID, authToken string
	from, serviceSID      string
	target                *url.URL // scheme, host and path prefix every request is sent to
	transport             http.RoundTripper
	timeout               time.Duration
}

var alphanumeric = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// New checks cfg and builds a Client. Every problem is named in one error,
// never with the auth token's value.
func New(cfg Config) (*Client, error) {
	var problems []string
	if !alphanumeric.MatchString(cfg.AccountSID) {
		problems = append(problems, "account SID: required, letters and digits only")
	}
	if cfg.AuthToken == "" || strings.ContainsFunc(cfg.AuthToken, unicode.IsControl) {
		problems = append(problems, "auth token: required, no control characters")
	}
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		problems = append(problems, "one of From or MessagingServiceSID is required")
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	target, err := parseAPIURL(apiURL)
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, errors.New("carrier config: " + strings.Join(problems, "; "))
	}

	c := &Client{
		accountSID: cfg.AccountSID,
		authToken:  cfg.AuthToken,
		from:       cfg.From,
		serviceSID: cfg.MessagingServiceSID,
		target:     target,
		timeout:    DefaultTimeout,
	}
	if cfg.HTTPClient != nil {
		c.transport = cfg.HTTPClient.Transport
		if cfg.HTTPClient.Timeout > 0 {
			c.timeout = cfg.HTTPClient.Timeout
		}
	}
	if c.transport == nil {
		// http.DefaultTransport keeps 2 idle connections per host: with
		// dozens of concurrent sends that means a new TLS handshake for most.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		c.transport = t
	}
	return c, nil
}

// String describes the client without its auth token, so that logging
// one by mistake leaks nothing.
func (c *Client) String() string {
	return fmt.Sprintf("carrier.Client{account %s, API %s}", c.accountSID, c.target)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

func parseAPIURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, errors.New("API URL: not a URL")
	}
	shown := u.Redacted() // never repeat a password given in the URL
	switch {
	case u.Host == "" || u.Opaque != "":
		return nil, fmt.Errorf("API URL %q: not an absolute http(s) URL", shown)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("API URL %q: no user info, query or fragment", shown)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, fmt.Errorf("API URL %q: plain http only to a loopback host; the auth token would cross the network in clear", shown)
	default:
		return nil, fmt.Errorf("API URL %q: not an http(s) URL", shown)
	}
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send asks Twilio to send m and returns once the request is finished or
// abandoned: when ctx is done the HTTP request is cancelled and its
// connection closed, so nothing more leaves this process after Send returns.
// (A request already fully written before the cancel may still have reached
// Twilio: the error is then retryable and Ambiguous.)
//
// Errors from Twilio or the network are *Error; check them with
// errors.Is(err, ErrOptedOut), errors.Is(err, ErrInvalidNumber),
// IsRetryable and IsAmbiguous. A message this package refuses before
// sending (no To, no Body, bad ValidityPeriod) is a plain, non-retryable
// error.
func (c *Client) Send(ctx context.Context, m Message) (Result, error) {
	params, err := c.params(m)
	if err != nil {
		return Result{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tr, api := c.api(ctx)
	defer tr.closeBodies() // twilio-go leaves error responses open

	msg, err := api.CreateMessage(params)
	if err != nil {
		return Result{}, classify(err, tr.lastStatus(), tr.wrote.Load(), ctx, m.To, m.Body, c.from)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		// Twilio answered 2xx: the message may well exist. Retrying could
		// send it twice.
		return Result{}, &Error{HTTPStatus: tr.lastStatus(), Message: "response has no message SID", ambiguous: true}
	}
	res := Result{SID: *msg.Sid}
	if msg.Status != nil {
		res.Status = *msg.Status
	}
	if msg.NumSegments != nil {
		res.Segments, _ = strconv.Atoi(*msg.NumSegments)
	}
	return res, nil
}

// findPage is how many of the newest messages to a number Find reads: far
// more than the service sends anyone between two attempts at one step.
const findPage = 50

// Find looks for a message this account sent to a number with exactly this
// body, created at or after since, among the newest messages to that
// number; found is false if there is none. A send that may have reached
// Twilio without its answer being recorded (the process stopped in
// between) is looked for this way before it is tried again.
func (c *Client) Find(ctx context.Context, to, body string, since time.Time) (res Result, found bool, err error) {
	all, err := c.FindMatching(ctx, to, since, func(b string) bool { return b == body })
	if err != nil || len(all) == 0 {
		return Result{}, false, err
	}
	return all[0], true, nil
}

// FindMatching returns the messages this account sent to a number whose
// body match accepts, created at or after since, newest first, among the
// newest messages to that number.
func (c *Client) FindMatching(ctx context.Context, to string, since time.Time, match func(body string) bool) ([]Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tr, api := c.api(ctx)
	defer tr.closeBodies()
	p := &openapi.ListMessageParams{}
	p.SetTo(to).SetPageSize(findPage).SetLimit(findPage)
	msgs, err := api.ListMessage(p)
	if err != nil {
		return nil, classify(err, tr.lastStatus(), false, ctx, to, c.from)
	}
	var out []Result
	for _, m := range msgs {
		if m.Sid == nil || m.Body == nil || !match(*m.Body) || m.Direction == nil || *m.Direction != "outbound-api" || m.DateCreated == nil {
			continue
		}
		created, err := time.Parse(time.RFC1123Z, *m.DateCreated)
		if err != nil || created.Before(since.Truncate(time.Second)) { // Twilio's dates are whole seconds
			continue
		}
		res := Result{SID: *m.Sid}
		if m.Status != nil {
			res.Status = *m.Status
		}
		if m.NumSegments != nil {
			res.Segments, _ = strconv.Atoi(*m.NumSegments)
		}
		out = append(out, res)
	}
	return out, nil
}

// api is twilio-go's Api service for one call, bound to ctx.
func (c *Client) api(ctx context.Context) (*callTransport, *openapi.ApiService) {
	tr := &callTransport{base: c.transport, ctx: ctx, target: c.target, user: c.accountSID, pass: c.authToken}

	// twilio-go builds each request with context.Background() and a fixed
	// host; a base client per call gives the request this call's context and
	// our host through its transport. Only the Api service is needed, and a
	// RequestHandler built directly ignores TWILIO_EDGE and TWILIO_REGION,
	// so APIURL alone decides where requests go. The transport also adds the
	// basic auth: twilio-go would refuse a token that is not alphanumeric
	// (21224), which real tokens are but test and provider tokens may not be.
	base := &client.Client{
		Credentials: client.NewCredentials("", ""),
		HTTPClient: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	base.SetAccountSid(c.accountSID)
	return tr, openapi.NewApiService(&client.RequestHandler{Client: base})
}

func (c *Client) params(m Message) (*openapi.CreateMessageParams, error) {
	if m.To == "" {
		return nil, errors.New("carrier: message has no To")
	}
	if m.Body == "" {
		return nil, errors.New("carrier: message has no Body")
	}
	p := &openapi.CreateMessageParams{}
	p.SetTo(m.To).SetBody(m.Body)
	if c.from != "" {
		p.SetFrom(c.from)
	}
	if c.serviceSID != "" {
		p.SetMessagingServiceSid(c.serviceSID)
	}
	if m.StatusCallback != "" {
		p.SetStatusCallback(m.StatusCallback)
	}
	switch v := m.ValidityPeriod; {
	case v == 0:
	case v < MinValidityPeriod:
		return nil, fmt.Errorf("carrier: validity period %v is under %v", v, MinValidityPeriod)
	default:
		p.SetValidityPeriod(int(min(v, MaxValidityPeriod) / time.Second))
	}
	return p, nil
}
