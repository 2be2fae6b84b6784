package signuppage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"regexp"
	"strings"
	"time"

	"textsupport/internal/program"
	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
	"textsupport/templates"
)

// Pages are the sign-up form's pages, parsed once at start-up, and what
// they are rendered from.
type Pages struct {
	cfg                    Config
	disclosure             store.Disclosure
	termsPath, privacyPath string

	form, done, wait, terms, privacy *template.Template
	// csp is the Content-Security-Policy of every public page: nothing
	// from outside, no script, and only the layout's own style.
	csp string
	// termsHTML and privacyHTML are the static pages, rendered once: their
	// exact bytes are part of the disclosure version.
	termsHTML, privacyHTML []byte
	// formHTML (the empty form) and doneHTML depend only on the program.
	formHTML, doneHTML []byte
}

func parsePages(cfg Config) (*Pages, error) {
	p := &Pages{
		cfg:         cfg,
		termsPath:   sitePath(cfg.Program.TermsURL, "/terms"),
		privacyPath: sitePath(cfg.Program.PrivacyURL, "/privacy"),
	}
	for _, pg := range []struct {
		dst  **template.Template
		file string
	}{
		{&p.form, "signup.html"}, {&p.done, "signup_done.html"}, {&p.wait, "signup_wait.html"},
		{&p.terms, "terms.html"}, {&p.privacy, "privacy.html"},
	} {
		t, err := template.New(pg.file).Option("missingkey=error").ParseFS(templates.FS, "public.html", pg.file)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		*pg.dst = t
	}
	var css bytes.Buffer
	if err := p.form.ExecuteTemplate(&css, "css", nil); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	p.csp = httpx.StyleCSP(css.Bytes())
	return p, nil
}

// publicPage is what every public page is rendered from.
type publicPage struct {
	Program           *program.Program
	SupportTel        string // the support phone as a tel: link
	TermsPath         string
	PrivacyPath       string
	JoinKeyword       string
	ServiceNumber     string // as people write it; "" when unknown
	ServiceNumberE164 string
	Frequency         string // the program's, as a sentence
	WindowStart       string // "8 am"
	WindowEnd         string
	ExpireDays        int
	NumberHint        string // which numbers the form takes
	// Terms and privacy pages: the provider's full texts, when elsewhere.
	ProviderTermsURL, ProviderPrivacyURL string

	// The form.
	Form       signupForm
	Errors     []fieldProblem
	Disclosure template.HTML
	Zones      []zoneOption

	// The 429 page.
	RetryIn string
	Busy    bool
}

// FieldError returns the error shown beside a field, "" for none.
func (d publicPage) FieldError(field string) string {
	for _, e := range d.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// render writes a public page with its security headers.
func (s *Pages) render(w http.ResponseWriter, t *template.Template, status int, d publicPage) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		// Templates are checked at start-up and by tests; this is a bug.
		s.cfg.Logger.Error("rendering a public page", "template", t.Name(), "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.publicHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Pages) publicHeaders(w http.ResponseWriter) {
	h := w.Header()
	httpx.PageHeaders(h, s.csp, "no-referrer")
	// A page may hold what the person typed: never cache it anywhere.
	h.Set("Cache-Control", "no-store")
}

// basePage is the part of publicPage every page shares.
func (s *Pages) basePage() publicPage {
	p := s.cfg.Program
	return publicPage{
		Program:            p,
		SupportTel:         telLink(p.Support.Phone),
		TermsPath:          s.termsPath,
		PrivacyPath:        s.privacyPath,
		JoinKeyword:        p.Keywords[0],
		ServiceNumber:      displayNumber(s.cfg.ServiceNumber),
		ServiceNumberE164:  s.cfg.ServiceNumber,
		Frequency:          asSentence(p.Frequency),
		WindowStart:        clockTime(p.SendWindow.Start),
		WindowEnd:          clockTime(p.SendWindow.End),
		ExpireDays:         int(math.Ceil(s.cfg.Service.Limits().ExpireAfter.Hours() / 24)),
		ProviderTermsURL:   absoluteOnly(p.TermsURL),
		ProviderPrivacyURL: absoluteOnly(p.PrivacyURL),
		Disclosure:         template.HTML(s.disclosure.HTML),
		NumberHint:         upperFirst(regionsPhrase(s.cfg.AllowedRegions)) + " number that can get texts, for example 212-555-0123.",
	}
}

// buildDisclosure renders the consent text once and computes its version:
// the label in the template, and a hash of exactly what is served (the
// checkbox label and the terms and privacy pages it links to). The ledger
// records the version; the disclosures table keeps the texts.
func (s *Pages) buildDisclosure() (store.Disclosure, error) {
	p := s.cfg.Program
	var label, body bytes.Buffer
	if err := s.form.ExecuteTemplate(&label, "disclosure_label", nil); err != nil {
		return store.Disclosure{}, err
	}
	data := struct {
		Name, Frequency, TermsPath, PrivacyPath string
	}{p.Name, asSentence(p.Frequency), s.termsPath, s.privacyPath}
	if err := s.form.ExecuteTemplate(&body, "disclosure", data); err != nil {
		return store.Disclosure{}, err
	}
	d := store.Disclosure{
		Label:       strings.TrimSpace(label.String()),
		HTML:        body.String(),
		Text:        plainText(body.String()),
		TermsHTML:   string(s.termsHTML),
		PrivacyHTML: string(s.privacyHTML),
	}
	h := sha256.New()
	for _, part := range []string{d.HTML, d.TermsHTML, d.PrivacyHTML} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	d.Version = d.Label + "+" + hex.EncodeToString(h.Sum(nil))[:16]
	return d, nil
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// plainText is what a person reads in an HTML fragment.
func plainText(fragment string) string {
	return strings.Join(strings.Fields(html.UnescapeString(htmlTag.ReplaceAllString(fragment, ""))), " ")
}

// asSentence ends s with a full stop unless it already ends a sentence.
func asSentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// clockTime writes an offset from midnight as people read it: "8 am", "8:30 pm".
func clockTime(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	suffix := "am"
	switch {
	case h == 0 || h == 24:
		h, suffix = 12, "am"
	case h == 12:
		suffix = "pm"
	case h > 12:
		h, suffix = h-12, "pm"
	}
	if m == 0 {
		return fmt.Sprintf("%d %s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d %s", h, m, suffix)
}

// displayNumber writes a North American E.164 number as people write it,
// (212) 555-0199; other numbers stay in E.164.
func displayNumber(e164 string) string {
	if len(e164) == 12 && strings.HasPrefix(e164, "+1") {
		return "(" + e164[2:5] + ") " + e164[5:8] + "-" + e164[8:]
	}
	return e164
}

// telLink keeps the digits (and a leading +) of a phone number as written.
func telLink(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func absoluteOnly(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// sitePath is where the service serves a page the program names: the
// program's path when it gives a plain one (/sms-terms), else the default.
func sitePath(programURL, def string) string {
	if simplePath.MatchString(programURL) && !strings.HasPrefix(programURL, "//") {
		return programURL
	}
	return def
}

var simplePath = regexp.MustCompile(`^/[A-Za-z0-9._/-]+$`)

// retryIn says when to try again, as a person would: "in about 40 minutes".
func retryIn(d time.Duration) string {
	switch m := int(math.Ceil(d.Minutes())); {
	case m <= 1:
		return "in a minute"
	case m < 60:
		return fmt.Sprintf("in about %d minutes", m)
	case m < 90:
		return "in about an hour"
	default:
		return fmt.Sprintf("in about %d hours", int(math.Round(d.Hours())))
	}
}

// zoneOption is one choice of time zone.
type zoneOption struct {
	Value, Label string
	Selected     bool
}

// zoneChoices are the North American zones the form offers, east to west.
// Any other valid IANA zone posted is accepted and shown as itself.
var zoneChoices = []zoneOption{
	{"", "Not sure: go by my area code", false},
	{"America/St_Johns", "Newfoundland Time", false},
	{"America/Halifax", "Atlantic Time", false},
	{"America/Puerto_Rico", "Atlantic Time, no daylight saving (Puerto Rico)", false},
	{"America/New_York", "Eastern Time", false},
	{"America/Chicago", "Central Time", false},
	{"America/Regina", "Central Time, no daylight saving (Saskatchewan)", false},
	{"America/Denver", "Mountain Time", false},
	{"America/Phoenix", "Mountain Time, no daylight saving (Arizona)", false},
	{"America/Los_Angeles", "Pacific Time", false},
	{"America/Anchorage", "Alaska Time", false},
	{"Pacific/Honolulu", "Hawaii Time", false},
}

// zoneOptions lists the choices with selected marked; a valid zone not in the
// list is added so that what the person sent is kept.
func zoneOptions(selected string) []zoneOption {
	out := make([]zoneOption, len(zoneChoices), len(zoneChoices)+1)
	copy(out, zoneChoices)
	found := false
	for i := range out {
		if out[i].Value == selected {
			out[i].Selected, found = true, true
		}
	}
	if !found && selected != "" {
		out = append(out, zoneOption{Value: selected, Label: strings.ReplaceAll(selected, "_", " "), Selected: true})
	}
	return out
}
