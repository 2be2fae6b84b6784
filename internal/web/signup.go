package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"textsupport/internal/metrics"
	"textsupport/internal/program"
	"textsupport/internal/signup"
	"textsupport/internal/store"
)

// SignupConfig is what the public sign-up form is built from.
type SignupConfig struct {
	Service *signup.Service
	Program *program.Program
	Logger  *slog.Logger
	// AllowedRegions are the countries whose numbers the form accepts
	// (ALLOWED_COUNTRIES; US and CA when empty).
	AllowedRegions []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (TRUSTED_PROXIES); none: the peer address is the client's.
	TrustedProxies []netip.Prefix
	// ServiceNumber is the E.164 number texts come from, shown so people
	// can text START or the join keyword; "" when unknown (a Messaging
	// Service with a pool of numbers).
	ServiceNumber string
	// PublicURL is the service's base URL as browsers reach it, recorded in
	// the evidence as the page the form was on.
	PublicURL *url.URL
	// Metrics, when set, counts sign-ups by outcome and refusals by limit.
	Metrics *metrics.Metrics
	// MinResponse is the least time a valid sign-up takes to answer,
	// whatever happened, so that response times do not tell a new number
	// from an enrolled one. Default 300 ms; negative turns it off (tests).
	MinResponse time.Duration
}

// SignupDeps are what the sign-up form needs; build them with NewSignup.
type SignupDeps struct {
	cfg         SignupConfig
	pages       *publicPages
	disclosure  store.Disclosure
	termsPath   string
	privacyPath string
	signups     *prometheus.CounterVec // by outcome; nil without metrics
}

// maxSignupBody caps a form post: three short fields.
const maxSignupBody = 16 << 10

// NewSignup parses the pages, renders the disclosure and records its
// version, so that a broken template or an unreachable database stops
// start-up rather than the first sign-up.
func NewSignup(ctx context.Context, cfg SignupConfig) (*SignupDeps, error) {
	if cfg.Service == nil || cfg.Program == nil {
		return nil, errors.New("signup: Service and Program are required")
	}
	if len(cfg.Program.Keywords) == 0 {
		return nil, errors.New("signup: the program has no join keyword")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MinResponse == 0 {
		cfg.MinResponse = 300 * time.Millisecond
	}
	s := &SignupDeps{
		cfg:         cfg,
		termsPath:   sitePath(cfg.Program.TermsURL, "/terms"),
		privacyPath: sitePath(cfg.Program.PrivacyURL, "/privacy"),
	}
	var err error
	if s.pages, err = parsePublicPages(); err != nil {
		return nil, err
	}
	if s.pages.termsHTML, err = s.renderStatic(s.pages.terms); err != nil {
		return nil, err
	}
	if s.pages.privacyHTML, err = s.renderStatic(s.pages.privacy); err != nil {
		return nil, err
	}
	if s.disclosure, err = s.buildDisclosure(); err != nil {
		return nil, fmt.Errorf("signup disclosure: %w", err)
	}
	// The pages that depend only on the program are rendered once; the
	// others must render too before anything is served.
	if s.pages.formHTML, err = s.renderStatic(s.pages.form); err != nil {
		return nil, err
	}
	if s.pages.doneHTML, err = s.renderStatic(s.pages.done); err != nil {
		return nil, err
	}
	if _, err = s.renderStatic(s.pages.wait); err != nil {
		return nil, err
	}
	if err := cfg.Service.RegisterDisclosure(ctx, s.disclosure); err != nil {
		return nil, fmt.Errorf("signup disclosure: %w", err)
	}
	if cfg.Metrics != nil {
		s.signups = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_signups_total",
			Help: "Web sign-up form posts by outcome: requested (a YES request scheduled); active, recent, number_capped, carrier_blocked (valid, no text); invalid, honeypot, limited.",
		}, []string{"outcome"})
		cfg.Metrics.Register(s.signups)
	}
	return s, nil
}

// Disclosure is the consent text the form shows, with its version.
func (s *SignupDeps) Disclosure() store.Disclosure { return s.disclosure }

// renderStatic renders a page that depends only on the program.
func (s *SignupDeps) renderStatic(t *template.Template) ([]byte, error) {
	d := s.basePage()
	d.Zones = zoneOptions("")
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		return nil, fmt.Errorf("templates: %s: %w", t.Name(), err)
	}
	return buf.Bytes(), nil
}

// signupRoutes mounts the public sign-up form and the pages it links to.
func signupRoutes(r chi.Router, d *Deps) {
	s := d.Signup
	r.Get("/signup", s.handleForm)
	r.Post("/signup", s.handleSubmit(d))
	r.Get("/signup/done", s.handleDone)
	// Terms and privacy are at /terms and /privacy, and also where the
	// program's terms_url and privacy_url point when they are paths here.
	public := func(page []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.writePage(w, page, "public, max-age=300")
		}
	}
	for _, p := range uniq("/terms", s.termsPath) {
		r.Get(p, public(s.pages.termsHTML))
	}
	for _, p := range uniq("/privacy", s.privacyPath) {
		r.Get(p, public(s.pages.privacyHTML))
	}
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func (s *SignupDeps) handleForm(w http.ResponseWriter, r *http.Request) {
	s.writePage(w, s.pages.formHTML, "no-store")
}

// handleDone is the page every valid sign-up leads to.
func (s *SignupDeps) handleDone(w http.ResponseWriter, r *http.Request) {
	s.writePage(w, s.pages.doneHTML, "no-store")
}

// writePage serves a page rendered at start-up.
func (s *SignupDeps) writePage(w http.ResponseWriter, page []byte, cacheControl string) {
	s.publicHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
	w.Write(page)
}

// handleSubmit answers POST /signup. Every valid sign-up, whatever became
// of it, gets the same answer (303 to /signup/done) after the same least
// time; only problems with the form itself (422, beside the fields) and
// full limits (429) are answered otherwise.
func (s *SignupDeps) handleSubmit(d *Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		ctx := r.Context()
		addr := clientAddress(r, s.cfg.TrustedProxies)

		if err := s.cfg.Service.CountPost(ctx, addr); err != nil {
			s.refuse(w, r, d, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxSignupBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read the form", http.StatusBadRequest)
			return
		}
		f := readSignupForm(r.PostForm)

		if f.Honeypot != "" {
			// A bot: it gets the page everyone gets, and nothing happens.
			s.limited("signup_honeypot")
			s.count("honeypot")
			s.done(w, r, started)
			return
		}
		e164, problems, notAllowed := f.validate(s.cfg.AllowedRegions)
		if notAllowed {
			s.limited("signup_country")
		}
		if len(problems) > 0 {
			s.count("invalid")
			page := s.basePage()
			page.Form, page.Errors = f, problems
			tz := f.TZ
			if page.FieldError("tz") != "" {
				tz = ""
			}
			page.Zones = zoneOptions(tz)
			s.render(w, s.pages.form, http.StatusUnprocessableEntity, page)
			return
		}

		outcome, err := s.cfg.Service.Submit(ctx, signup.Request{
			Phone: e164, TimeZone: f.TZ, Address: addr, DisclosureVersion: s.disclosure.Version,
			Evidence: s.evidence(r, f, e164, addr),
		})
		if err != nil {
			s.refuse(w, r, d, err)
			return
		}
		s.count(string(outcome))
		s.done(w, r, started)
	}
}

// done answers a valid sign-up: the same redirect for everyone, never
// sooner than MinResponse after the request began.
func (s *SignupDeps) done(w http.ResponseWriter, r *http.Request, started time.Time) {
	if wait := s.cfg.MinResponse - time.Since(started); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	s.publicHeaders(w)
	http.Redirect(w, r, "/signup/done", http.StatusSeeOther)
}

// refuse answers a full limit with 429 and when to try again, and
// anything else as a server error.
func (s *SignupDeps) refuse(w http.ResponseWriter, r *http.Request, d *Deps, err error) {
	le, ok := signup.IsLimited(err)
	if !ok {
		serverError(d, w, r, err)
		return
	}
	s.limited(le.Limit)
	s.count("limited")
	page := s.basePage()
	page.RetryIn = retryIn(le.RetryAfter)
	page.Busy = le.Limit == signup.LimitGlobal || le.Limit == signup.LimitPerPrefix
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(le.RetryAfter.Seconds()))))
	s.render(w, s.pages.wait, http.StatusTooManyRequests, page)
}

// evidence is the raw form input and its circumstances, for the ledger
// (encrypted there).
func (s *SignupDeps) evidence(r *http.Request, f signupForm, e164 string, addr netip.Addr) signup.Evidence {
	page := "/signup"
	if s.cfg.PublicURL != nil {
		page = s.cfg.PublicURL.String() + "/signup"
	}
	return signup.Evidence{
		PhoneTyped:     f.Phone,
		Phone:          e164,
		Consent:        f.ConsentValue,
		TimeZone:       f.TZ,
		IP:             addr.String(),
		RemoteAddr:     r.RemoteAddr,
		ForwardedFor:   clipField(r.Header.Get("X-Forwarded-For"), 512),
		UserAgent:      clipField(r.UserAgent(), 1024),
		AcceptLanguage: clipField(r.Header.Get("Accept-Language"), 256),
		Referer:        clipField(r.Referer(), 1024),
		PageURL:        page,
		DisclosureText: s.disclosure.Text,
	}
}

func (s *SignupDeps) count(outcome string) {
	if s.signups != nil {
		s.signups.WithLabelValues(outcome).Inc()
	}
}

func (s *SignupDeps) limited(limit string) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.Limited.WithLabelValues(limit).Inc()
	}
}
