// Package devphone is dev mode's phone simulator: a page where a person
// picks a phone number, texts the service and sees what comes back, as a
// phone would. Texts go through the same signed webhook Twilio calls;
// messages the service sends through the carrier API arrive from the
// simulated carrier.
package devphone

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"textsupport/internal/message"
	"textsupport/internal/phone"
	"textsupport/templates"
)

// Carrier is the simulated carrier's side the phone needs.
type Carrier interface {
	// OptOut and OptIn keep the carrier's own opt-out list, as Twilio does
	// for exact STOP and START keywords.
	OptOut(number string)
	OptIn(number string)
}

// Config wires the phone to the service.
type Config struct {
	// ServiceURL is where the service listens (http://127.0.0.1:PORT).
	ServiceURL string
	// PublicURL is the URL Twilio would sign (PUBLIC_URL).
	PublicURL string
	// Sign computes X-Twilio-Signature for a request to url with params.
	Sign func(url string, params url.Values) string
	// AccountSID and ServiceNumber fill the webhook's AccountSid and To.
	AccountSID, ServiceNumber string
	// CarrierHandlesOptOut: the carrier answers exact STOP/START/HELP itself.
	CarrierHandlesOptOut bool
	Carrier              Carrier
	// Notice, if set, says what the number is waiting for, e.g. a
	// scheduled message held for the send window ("" for nothing), so a
	// quiet phone does not look broken.
	Notice func(ctx context.Context, number string) string
	// CarrierReplies are the carrier's own answers to exact STOP, START and
	// HELP, as an operator sets them in Twilio's Advanced Opt-Out (the
	// programme's texts; Twilio's defaults lack the programme's name).
	CarrierReplies struct{ Stop, Start, Help string }
}

// Text is one message on a simulated phone.
type Text struct {
	From string    `json:"from"` // "me", "service" or "carrier"
	Body string    `json:"body"`
	At   time.Time `json:"at"`
	// Parts are Body cut around phone numbers, which the page keeps on
	// one line.
	Parts []Part `json:"parts"`
}

// Part is a piece of a message; a Number must not wrap.
type Part struct {
	Text   string `json:"text"`
	Number bool   `json:"number,omitempty"`
}

// numberLike is a phone number as texts write them: 1-800-662-4357,
// (212) 555-0123, +12125550100.
var numberLike = regexp.MustCompile(`\(?\+?[0-9][0-9().\- ]{5,}[0-9]`)

// parts cuts body around the phone numbers in it.
func parts(body string) []Part {
	var out []Part
	last := 0
	for _, m := range numberLike.FindAllStringIndex(body, -1) {
		if m[0] > last {
			out = append(out, Part{Text: body[last:m[0]]})
		}
		out = append(out, Part{Text: body[m[0]:m[1]], Number: true})
		last = m[1]
	}
	if last < len(body) {
		out = append(out, Part{Text: body[last:]})
	}
	return out
}

// Phone is the simulator.
type Phone struct {
	cfg  Config
	page *template.Template
	http *http.Client

	mu      sync.Mutex
	threads map[string][]Text // by E.164 number
}

// New makes a phone simulator.
func New(cfg Config) (*Phone, error) {
	page, err := template.ParseFS(templates.FS, "devphone.html")
	if err != nil {
		return nil, err
	}
	return &Phone{cfg: cfg, page: page, http: &http.Client{Timeout: 20 * time.Second}, threads: map[string][]Text{}}, nil
}

// Deliver shows a message the service sent through the carrier API. The
// simulated carrier calls it for each message it accepts.
func (p *Phone) Deliver(to, body string) {
	p.add(to, Text{From: "service", Body: body, At: time.Now()})
}

func (p *Phone) add(number string, t Text) {
	t.Parts = parts(t.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.threads[number] = append(p.threads[number], t)
}

func (p *Phone) thread(number string) []Text {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Text{}, p.threads[number]...)
}

// Handler serves the simulator, to be mounted at /dev.
func (p *Phone) Handler() http.Handler {
	r := chi.NewRouter()
	r.Get("/phone", p.handlePage)
	r.Post("/phone", p.handleSend)
	r.Get("/phone/messages", p.handleMessages)
	r.Get("/phone/notice", p.handleNotice)
	return r
}

// The chosen number lives in a cookie, not the URL: numbers never go in URLs.
const numberCookie = "devphone_number"

func (p *Phone) number(r *http.Request) string {
	if c, err := r.Cookie(numberCookie); err == nil {
		if n, err := phone.E164(c.Value); err == nil {
			return n
		}
	}
	return "+12125550100"
}

type pageData struct {
	Number   string
	Thread   []Text
	Notice   string
	Error    string
	Draft    string
	Service  string
	Handling bool
}

func (p *Phone) handlePage(w http.ResponseWriter, r *http.Request) {
	n := p.number(r)
	p.render(w, pageData{Number: n, Thread: p.thread(n), Notice: p.notice(r.Context(), n)})
}

func (p *Phone) notice(ctx context.Context, number string) string {
	if p.cfg.Notice == nil {
		return ""
	}
	return p.cfg.Notice(ctx, number)
}

// handleNotice is the page's notice as JSON, for the page's script.
func (p *Phone) handleNotice(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"notice": p.notice(r.Context(), p.number(r))})
}

func (p *Phone) render(w http.ResponseWriter, d pageData) {
	d.Service, d.Handling = p.cfg.ServiceNumber, p.cfg.CarrierHandlesOptOut
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if d.Error != "" {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	p.page.Execute(w, d)
}

func (p *Phone) handleMessages(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(p.thread(p.number(r)))
}

// handleSend texts the service from the chosen number.
func (p *Phone) handleSend(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "cannot parse form", http.StatusBadRequest)
		return
	}
	number, err := phone.Normalize(r.PostForm.Get("number"), []string{"US", "CA"})
	if err != nil {
		p.render(w, pageData{Number: r.PostForm.Get("number"), Draft: r.PostForm.Get("body"), Error: "Phone number: " + err.Error()})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: numberCookie, Value: number, Path: "/dev", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	body := r.PostForm.Get("body")
	if strings.TrimSpace(body) != "" {
		if err := p.Text(number, body); err != nil {
			p.render(w, pageData{Number: number, Thread: p.thread(number), Draft: body, Error: err.Error()})
			return
		}
	}
	http.Redirect(w, r, "/dev/phone", http.StatusSeeOther)
}

// Text sends body from number to the service as Twilio would: the carrier
// first applies its own STOP/START/HELP handling, then the signed webhook
// goes to the service and its TwiML reply comes back to the phone.
func (p *Phone) Text(number, body string) error {
	p.add(number, Text{From: "me", Body: body, At: time.Now()})
	if p.cfg.CarrierHandlesOptOut {
		c := message.Classify(body, "", nil)
		if c.CarrierHandled {
			switch c.Class {
			case message.ClassOptOut:
				p.cfg.Carrier.OptOut(number)
				p.add(number, Text{From: "carrier", Body: p.cfg.CarrierReplies.Stop, At: time.Now()})
			case message.ClassOptIn:
				p.cfg.Carrier.OptIn(number)
				p.add(number, Text{From: "carrier", Body: p.cfg.CarrierReplies.Start, At: time.Now()})
			case message.ClassHelp:
				p.add(number, Text{From: "carrier", Body: p.cfg.CarrierReplies.Help, At: time.Now()})
			}
		}
	}

	sid := make([]byte, 16)
	rand.Read(sid)
	form := url.Values{
		"MessageSid": {"SM" + hex.EncodeToString(sid)}, "SmsSid": {"SM" + hex.EncodeToString(sid)},
		"AccountSid": {p.cfg.AccountSID}, "From": {number}, "To": {p.cfg.ServiceNumber},
		"Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}, "ApiVersion": {"2010-04-01"},
	}
	req, err := http.NewRequest(http.MethodPost, p.cfg.ServiceURL+"/twilio/sms", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", p.cfg.Sign(p.cfg.PublicURL+"/twilio/sms", form))
	resp, err := p.http.Do(req)
	if err != nil {
		return fmt.Errorf("the service did not answer: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the service answered %s: %s", resp.Status, strings.TrimSpace(string(raw)))
	}
	var twiml struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.NewDecoder(bytes.NewReader(raw)).Decode(&twiml); err != nil {
		return fmt.Errorf("the service's TwiML does not parse: %w", err)
	}
	for _, m := range twiml.Messages {
		p.add(number, Text{From: "service", Body: m, At: time.Now()})
	}
	return nil
}

// SetCarrierReplies sets what the simulated carrier answers to exact STOP,
// START and HELP.
func (p *Phone) SetCarrierReplies(stop, start, help string) {
	p.cfg.CarrierReplies.Stop, p.cfg.CarrierReplies.Start, p.cfg.CarrierReplies.Help = stop, start, help
}
