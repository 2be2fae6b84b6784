// Package twiliofake is a fake of Twilio's Messages API over HTTP, for
// tests and for the service's dev mode. It speaks the create-message
// endpoint as Twilio does (path, basic auth, form fields, validations, JSON
// answers and error bodies), records what it accepted, fails on demand, and
// posts status callbacks signed as Twilio signs them.
//
// All methods are safe for concurrent use.
package twiliofake

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// APIVersion is the Messages API version the fake speaks.
const APIVersion = "2010-04-01"

// PoolNumber is the sender the fake reports for a message sent through a
// Messaging Service without From (Twilio picks one from the service's pool).
const PoolNumber = "+15005550006"

// Request is one message the fake accepted: what a phone would receive.
type Request struct {
	To, From, MessagingServiceSID, Body, StatusCallback string
	ValidityPeriod                                      int // seconds; 0 when not sent
	SID                                                 string
	At                                                  time.Time
}

// Callback is one status callback the fake posted (or tried to).
type Callback struct {
	SID, Status string
	ErrorCode   int
	URL         string
	StatusCode  int   // the receiver's HTTP status; 0 if none came
	Err         error // transport error, if any
	At          time.Time
}

// Server is the fake. Built by New it listens on 127.0.0.1 and URL is its
// base URL (give it to carrier.Config.APIURL); built by NewHandler it is
// only an http.Handler for another server to mount.
type Server struct {
	URL        string
	AccountSID string
	AuthToken  string

	mu            sync.Mutex
	requests      []Request
	attempts      map[string]int // by To: every authenticated create, accepted or not
	cancelled     int
	inFlight      int
	messages      map[string]*message
	failures      []failure
	optedOut      map[string]bool
	invalid       map[string]bool
	outcomes      map[string]outcome
	latency       time.Duration
	callbacksOn   bool
	callbackDelay time.Duration
	callbackHTTP  *http.Client
	callbacks     []Callback
	hooks         []func(Request)
	pending       int        // callback sequences not yet finished
	idle          *sync.Cond // signalled when pending drops to 0

	ctx    context.Context // cancelled by Close: stops latency waits and callbacks
	cancel context.CancelFunc

	httpServer *http.Server
	closeOnce  sync.Once
}

type message struct {
	Request
	status string
}

type failure struct {
	remaining, httpStatus, code int
}

type outcome struct {
	status string // "failed" or "undelivered"
	code   int
}

// New starts a fake on 127.0.0.1 at a free port. Close it when done.
func New(accountSID, authToken string) *Server {
	s := NewHandler(accountSID, authToken)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("twiliofake: listen: %v", err))
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpServer = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpServer.Serve(ln) }()
	return s
}

// NewHandler builds a fake without a listener: mount it on your own server
// (under a prefix, with or without http.StripPrefix: it finds its path by
// the "/2010-04-01/" part) and point the carrier's APIURL at that prefix.
// Close still stops its callbacks.
func NewHandler(accountSID, authToken string) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		AccountSID:    accountSID,
		AuthToken:     authToken,
		attempts:      map[string]int{},
		messages:      map[string]*message{},
		optedOut:      map[string]bool{},
		invalid:       map[string]bool{},
		outcomes:      map[string]outcome{},
		callbackDelay: 50 * time.Millisecond,
		// A fake carrier never calls out of the machine unless told to
		// (SetCallbackClient).
		callbackHTTP: &http.Client{
			Transport:     LoopbackOnly(nil),
			Timeout:       15 * time.Second, // as long as Twilio waits for a webhook
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:    ctx,
		cancel: cancel,
	}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// Close stops the listener (if any) and pending callbacks, and waits for
// them to finish.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		if s.httpServer != nil {
			_ = s.httpServer.Close()
		}
		s.mu.Lock()
		for s.pending > 0 {
			s.idle.Wait()
		}
		s.mu.Unlock()
	})
}

// Requests returns the messages accepted so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsTo returns the messages accepted for one number, in order.
func (s *Server) RequestsTo(to string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.To == to {
			out = append(out, r)
		}
	}
	return out
}

// AttemptsTo counts every authenticated create request for a number,
// refused ones included (those the client abandoned during latency are not
// counted: see Cancelled).
func (s *Server) AttemptsTo(to string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[to]
}

// Cancelled counts requests whose client went away while the fake was
// waiting out its latency; none of them was accepted.
func (s *Server) Cancelled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cancelled
}

// InFlight counts create requests received in full and not yet answered
// (waiting out the latency, say): a test can wait for a send to be under
// way before it cancels or stops something.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// FailNext makes the next n create requests fail with this HTTP status and
// Twilio error code, with the error body Twilio sends. Calls queue up.
func (s *Server) FailNext(n int, httpStatus, twilioCode int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{remaining: n, httpStatus: httpStatus, code: twilioCode})
}

// OptOut makes later sends to number fail with 400 / 21610, as Twilio does
// after the person texts an exact STOP.
func (s *Server) OptOut(number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.optedOut[number] = true
}

// OptIn undoes OptOut, as Twilio does after START.
func (s *Server) OptIn(number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.optedOut, number)
}

// SetInvalid makes later sends to number fail with 400 / 21211.
func (s *Server) SetInvalid(number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalid[number] = true
}

// SetLatency delays every authenticated create request by d before it is
// accepted or refused. A client that gives up meanwhile has nothing accepted.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// OnMessage adds a function called with each accepted message, before the
// create request is answered, so it has run by the time the sender's call
// returns. It runs on the request's goroutine without the Server's lock
// held (it may call the Server's methods); a slow hook slows the answer.
func (s *Server) OnMessage(f func(Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, f)
}

// ServeHTTP answers POST /2010-04-01/Accounts/{AccountSid}/Messages.json.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := strings.Index(r.URL.Path, "/"+APIVersion+"/")
	if i < 0 {
		writeError(w, http.StatusNotFound, 20404, fmt.Sprintf("The requested resource %s was not found", r.URL.Path))
		return
	}
	path := r.URL.Path[i:]
	account, ok := strings.CutPrefix(path, "/"+APIVersion+"/Accounts/")
	account, ok2 := strings.CutSuffix(account, "/Messages.json")
	if !ok || !ok2 || account == "" || strings.Contains(account, "/") {
		writeError(w, http.StatusNotFound, 20404, fmt.Sprintf("The requested resource %s was not found", path))
		return
	}
	user, pass, hasAuth := r.BasicAuth()
	if !hasAuth || !equal(user, s.AccountSID) || !equal(pass, s.AuthToken) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"code":      20003,
			"detail":    "Your AccountSid or AuthToken was incorrect.",
			"message":   "Authenticate",
			"more_info": "https://www.twilio.com/docs/errors/20003",
			"status":    http.StatusUnauthorized,
		})
		return
	}
	if account != s.AccountSID {
		writeError(w, http.StatusNotFound, 20404, fmt.Sprintf("The requested resource %s was not found", path))
		return
	}
	if r.Method == http.MethodGet {
		s.list(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, http.StatusMethodNotAllowed, 20004, "Method not allowed")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Unable to parse request body")
		return
	}

	// The body is read, so the server now notices a client that hangs up.
	s.mu.Lock()
	latency := s.latency
	s.inFlight++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.mu.Lock()
			s.cancelled++
			s.mu.Unlock()
			return
		case <-s.ctx.Done():
			t.Stop()
			writeError(w, http.StatusServiceUnavailable, 20503, "Service Unavailable")
			return
		}
	}

	req, status, code, msg := s.create(r)
	// A scripted failure may have no Twilio code (a gateway's 503).
	if code != 0 || status >= 400 {
		writeError(w, status, code, msg)
		return
	}
	s.mu.Lock()
	hooks := slices.Clone(s.hooks)
	s.mu.Unlock()
	for _, h := range hooks {
		h(req)
	}
	writeJSON(w, http.StatusCreated, resource(s.AccountSID, req))
	s.scheduleCallbacks(req)
}

var (
	e164      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	shortCode = regexp.MustCompile(`^[0-9]{3,8}$`)
	alphaID   = regexp.MustCompile(`^[A-Za-z0-9 ]{1,11}$`)
)

// create validates a create request and records it, or says why not.
func (s *Server) create(r *http.Request) (req Request, httpStatus, code int, msg string) {
	f := r.PostForm
	req = Request{
		To:                  f.Get("To"),
		From:                f.Get("From"),
		MessagingServiceSID: f.Get("MessagingServiceSid"),
		Body:                f.Get("Body"),
		StatusCallback:      f.Get("StatusCallback"),
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts[req.To]++
	if len(s.failures) > 0 {
		fl := &s.failures[0]
		fl.remaining--
		status, code := fl.httpStatus, fl.code
		if fl.remaining == 0 {
			s.failures = s.failures[1:]
		}
		return Request{}, status, code, errorMessage(code, req.To, req.From)
	}

	bad := func(code int) (Request, int, int, string) {
		return Request{}, http.StatusBadRequest, code, errorMessage(code, req.To, req.From)
	}
	switch {
	case req.To == "":
		return bad(21604)
	case req.From == "" && req.MessagingServiceSID == "":
		return bad(21603)
	case req.Body == "":
		return bad(21602)
	case utf8.RuneCountInString(req.Body) > 1600:
		return bad(21617)
	case !e164.MatchString(req.To):
		return bad(21211)
	case req.From != "" && !e164.MatchString(req.From) && !shortCode.MatchString(req.From) && !alphaID.MatchString(req.From):
		return bad(21212)
	case req.MessagingServiceSID != "" && !strings.HasPrefix(req.MessagingServiceSID, "MG"):
		return bad(21705)
	case req.To == req.From:
		return bad(21266)
	}
	if v := f.Get("ValidityPeriod"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 36000 {
			return bad(21624)
		}
		req.ValidityPeriod = n
	}
	if s.invalid[req.To] {
		return bad(21211)
	}
	if s.optedOut[req.To] {
		return bad(21610)
	}

	req.SID = newSID("SM")
	req.At = time.Now().UTC()
	s.requests = append(s.requests, req)
	s.messages[req.SID] = &message{Request: req, status: initialStatus(req)}
	return req, http.StatusCreated, 0, ""
}

// initialStatus is queued, or accepted through a Messaging Service; Twilio
// sends no callback for it.
func initialStatus(r Request) string {
	if r.MessagingServiceSID != "" {
		return "accepted"
	}
	return "queued"
}

// resource is the JSON Twilio answers a create with.
// list answers a Messages list request: the messages created here,
// newest first, filtered by To and From if given, one page of PageSize
// (default 50, at most 1000). Every list fits one page.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := 50
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, 20001, "Invalid PageSize")
			return
		}
		size = n
	}
	to, from := q.Get("To"), q.Get("From")
	s.mu.Lock()
	var found []*message
	for _, m := range s.messages {
		if (to == "" || m.To == to) && (from == "" || m.From == from) {
			found = append(found, m)
		}
	}
	slices.SortFunc(found, func(a, b *message) int { return b.At.Compare(a.At) })
	found = found[:min(len(found), size)]
	page := make([]*messageResource, len(found))
	for i, m := range found {
		page[i] = resource(s.AccountSID, m.Request)
		page[i].Status = m.status
	}
	s.mu.Unlock()
	uri := fmt.Sprintf("/%s/Accounts/%s/Messages.json?PageSize=%d", APIVersion, s.AccountSID, size)
	writeJSON(w, http.StatusOK, map[string]any{
		"messages": page, "page": 0, "page_size": size, "start": 0, "end": max(0, len(page)-1),
		"uri": uri, "first_page_uri": uri, "next_page_uri": nil, "previous_page_uri": nil,
	})
}

// messageResource is a Message as Twilio's API answers with it.
type messageResource struct {
	AccountSID          string  `json:"account_sid"`
	APIVersion          string  `json:"api_version"`
	Body                string  `json:"body"`
	DateCreated         string  `json:"date_created"`
	DateSent            *string `json:"date_sent"`
	DateUpdated         string  `json:"date_updated"`
	Direction           string  `json:"direction"`
	ErrorCode           *int    `json:"error_code"`
	ErrorMessage        *string `json:"error_message"`
	From                *string `json:"from"`
	MessagingServiceSID *string `json:"messaging_service_sid"`
	NumMedia            string  `json:"num_media"`
	NumSegments         string  `json:"num_segments"`
	Price               *string `json:"price"`
	PriceUnit           string  `json:"price_unit"`
	SID                 string  `json:"sid"`
	Status              string  `json:"status"`
	SubresourceURIs     struct {
		Media    string `json:"media"`
		Feedback string `json:"feedback"`
	} `json:"subresource_uris"`
	To  string `json:"to"`
	URI string `json:"uri"`
}

func resource(accountSID string, r Request) *messageResource {
	uri := fmt.Sprintf("/%s/Accounts/%s/Messages/%s", APIVersion, accountSID, r.SID)
	date := r.At.Format(time.RFC1123Z)
	m := &messageResource{
		AccountSID: accountSID, APIVersion: APIVersion, Body: r.Body,
		DateCreated: date, DateUpdated: date, Direction: "outbound-api",
		NumMedia: "0", NumSegments: strconv.Itoa(Segments(r.Body)), PriceUnit: "USD",
		SID: r.SID, Status: initialStatus(r), To: r.To, URI: uri + ".json",
	}
	m.SubresourceURIs.Media = uri + "/Media.json"
	m.SubresourceURIs.Feedback = uri + "/Feedback.json"
	if r.From != "" {
		m.From = &r.From
	}
	if r.MessagingServiceSID != "" {
		m.MessagingServiceSID = &r.MessagingServiceSID
		m.NumSegments = "0" // no sender chosen yet
	}
	return m
}

// errorMessages are Twilio's texts for the codes the fake produces. Like
// Twilio's, some echo the number: the carrier package must scrub them.
var errorMessages = map[int]string{
	20001: "Bad request",
	20003: "Authenticate",
	20004: "Method not allowed",
	20404: "The requested resource was not found",
	20429: "Too Many Requests",
	20500: "Internal Server Error",
	20503: "Service Unavailable",
	21211: "The 'To' number %[1]s is not a valid phone number.",
	21212: "The 'From' number %[2]s is not a valid phone number, shortcode, or alphanumeric sender ID.",
	21266: "'To' and 'From' number cannot be the same: %[1]s",
	21602: "Message body is required.",
	21603: "A 'From' phone number is required.",
	21604: "A 'To' phone number is required.",
	21610: "Attempt to send to unsubscribed recipient",
	21611: "This 'From' number has exceeded the maximum number of queued messages",
	21612: "The 'To' phone number: %[1]s, is not currently reachable using the 'From' phone number: %[2]s via SMS.",
	21614: "'To' number %[1]s is not a valid mobile number",
	21617: "The concatenated message body exceeds the 1600 character limit.",
	21624: "Invalid validity period value",
	21635: "'To' number %[1]s cannot be a landline",
	21705: "The Messaging Service Sid is invalid.",
}

func errorMessage(code int, to, from string) string {
	f, ok := errorMessages[code]
	if !ok {
		return fmt.Sprintf("Error %d", code)
	}
	if strings.Contains(f, "%") {
		return fmt.Sprintf(f, to, from)
	}
	return f
}

func writeError(w http.ResponseWriter, httpStatus, code int, message string) {
	writeJSON(w, httpStatus, map[string]any{
		"code":      code,
		"message":   message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
		"status":    httpStatus,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// newSID makes a Twilio-shaped SID: a two-letter prefix and 32 hex digits.
func newSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}
