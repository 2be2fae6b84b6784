// Package signuppage serves the public web sign-up: the form (/signup),
// the page every valid sign-up leads to, and the terms and privacy pages
// its consent text links to.
package signuppage

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

	"github.com/prometheus/client_golang/prometheus"

	"textsupport/internal/metrics"
	"textsupport/internal/program"
	"textsupport/internal/signup"
	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// Config is what the public sign-up form is built from.
type Config struct {
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
	// Metrics, when set, counts form posts by kind (valid, invalid,
	// honeypot, limited) and refusals by limit; never what a sign-up did.
	Metrics *metrics.Metrics
	// AnswerAfter is when a valid sign-up is answered: exactly this long
	// after the request began, whatever the database took, so that response
	// times do not tell a new number from an enrolled one. Work not done by
	// then finishes after the answer, which is the same. Default 300 ms;
	// negative answers when the work is done (tests).
	AnswerAfter time.Duration
}

// Site is the sign-up form as built at start-up: its pages and what a
// posted form goes through. Build it with New.
type Site struct {
	Pages  *Pages
	Intake *Intake
}

// Intake is what a posted sign-up goes through: the sign-up service, the
// limits on where it comes from, and the metrics.
type Intake struct {
	cfg     Config
	pages   *Pages
	signups *prometheus.CounterVec // by kind of post; nil without metrics
}

// maxSignupBody caps a form post: three short fields.
const maxSignupBody = 16 << 10

// New parses the pages, renders the disclosure and records its version, so
// that a broken template or an unreachable database stops start-up rather
// than the first sign-up.
func New(ctx context.Context, cfg Config) (*Site, error) {
	if cfg.Service == nil || cfg.Program == nil {
		return nil, errors.New("signup: Service and Program are required")
	}
	if len(cfg.Program.Keywords) == 0 {
		return nil, errors.New("signup: the program has no join keyword")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AnswerAfter == 0 {
		cfg.AnswerAfter = 300 * time.Millisecond
	}
	s, err := parsePages(cfg)
	if err != nil {
		return nil, err
	}
	if s.termsHTML, err = s.renderStatic(s.terms); err != nil {
		return nil, err
	}
	if s.privacyHTML, err = s.renderStatic(s.privacy); err != nil {
		return nil, err
	}
	if s.disclosure, err = s.buildDisclosure(); err != nil {
		return nil, fmt.Errorf("signup disclosure: %w", err)
	}
	// The pages that depend only on the program are rendered once; the
	// others must render too before anything is served.
	if s.formHTML, err = s.renderStatic(s.form); err != nil {
		return nil, err
	}
	if s.doneHTML, err = s.renderStatic(s.done); err != nil {
		return nil, err
	}
	if _, err = s.renderStatic(s.wait); err != nil {
		return nil, err
	}
	if err := cfg.Service.RegisterDisclosure(ctx, s.disclosure); err != nil {
		return nil, fmt.Errorf("signup disclosure: %w", err)
	}
	in := &Intake{cfg: cfg, pages: s}
	if cfg.Metrics != nil {
		in.signups = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_signups_total",
			Help: "Web sign-up form posts: valid, invalid, honeypot, limited. What a valid one did is never counted: it would tell whether the number is enrolled.",
		}, []string{"outcome"})
		cfg.Metrics.Register(in.signups)
	}
	return &Site{Pages: s, Intake: in}, nil
}

// Disclosure is the consent text the form shows, with its version.
func (s *Site) Disclosure() store.Disclosure { return s.Pages.disclosure }

// renderStatic renders a page that depends only on the program.
func (s *Pages) renderStatic(t *template.Template) ([]byte, error) {
	d := s.basePage()
	d.Zones = zoneOptions("")
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		return nil, fmt.Errorf("templates: %s: %w", t.Name(), err)
	}
	return buf.Bytes(), nil
}

// TermsPaths are where the terms are served: /terms, and also where the
// program's terms_url points when it is a path here.
func (s *Pages) TermsPaths() []string { return uniq("/terms", s.termsPath) }

// PrivacyPaths are where the privacy notice is served, as TermsPaths.
func (s *Pages) PrivacyPaths() []string { return uniq("/privacy", s.privacyPath) }

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// HandleForm answers GET /signup: the empty form.
func HandleForm(s *Pages) http.HandlerFunc { return s.serve(s.formHTML, "no-store") }

// HandleDone is the page every valid sign-up leads to.
func HandleDone(s *Pages) http.HandlerFunc { return s.serve(s.doneHTML, "no-store") }

// HandleTerms serves the terms the disclosure links to.
func HandleTerms(s *Pages) http.HandlerFunc { return s.serve(s.termsHTML, "public, max-age=300") }

// HandlePrivacy serves the privacy notice the disclosure links to.
func HandlePrivacy(s *Pages) http.HandlerFunc { return s.serve(s.privacyHTML, "public, max-age=300") }

// serve answers with a page rendered at start-up.
func (s *Pages) serve(page []byte, cacheControl string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.publicHeaders(w)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", cacheControl)
		w.Write(page)
	}
}

// HandleSubmit answers POST /signup. Every valid sign-up, whatever became
// of it, gets the same answer (303 to /signup/done) at the same moment,
// AnswerAfter after the request began; only problems with the form itself
// (422, beside the fields) and full limits (429) are answered otherwise.
func HandleSubmit(logger *slog.Logger, s *Intake) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		answerAt := time.Now().Add(s.cfg.AnswerAfter)
		ctx := r.Context()
		addr := httpx.ClientAddress(r, s.cfg.TrustedProxies)

		if err := s.cfg.Service.CountPost(ctx, addr); err != nil {
			s.refuse(w, r, logger, err)
			return
		}
		if tooBig, err := httpx.ParseForm(w, r, maxSignupBody); err != nil {
			if tooBig {
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
			s.waitUntil(r, answerAt)
			s.done(w, r)
			return
		}
		e164, problems, notAllowed := f.validate(s.cfg.AllowedRegions)
		if notAllowed {
			s.limited("signup_country")
		}
		if len(problems) > 0 {
			s.count("invalid")
			page := s.pages.basePage()
			page.Form, page.Errors = f, problems
			tz := f.TZ
			if page.FieldError("tz") != "" {
				tz = ""
			}
			page.Zones = zoneOptions(tz)
			s.pages.render(w, s.pages.form, http.StatusUnprocessableEntity, page)
			return
		}

		req := signup.Request{
			Phone: e164, TimeZone: f.TZ, Address: addr, DisclosureVersion: s.pages.disclosure.Version,
			Evidence: s.evidence(r, f, e164, addr),
		}
		if s.cfg.AnswerAfter < 0 {
			if err := s.submit(ctx, req); err != nil {
				s.refuse(w, r, logger, err)
				return
			}
			s.done(w, r)
			return
		}
		// The work runs on its own, not cut short by the answer or by the
		// client going away; the answer waits for the deadline only.
		result := make(chan error, 1)
		go func() { result <- s.submit(context.WithoutCancel(ctx), req) }()
		s.waitUntil(r, answerAt)
		select {
		case err := <-result:
			if err != nil {
				s.refuse(w, r, logger, err)
				return
			}
		default:
			go func() {
				if err := <-result; err != nil {
					s.late(logger, err)
				}
			}()
		}
		s.done(w, r)
	}
}

// submit records a valid sign-up and counts it as valid, whatever it did.
func (s *Intake) submit(ctx context.Context, req signup.Request) error {
	if _, err := s.cfg.Service.Submit(ctx, req); err != nil {
		return err
	}
	s.count("valid")
	return nil
}

// waitUntil waits for t, or for the client to go away.
func (s *Intake) waitUntil(r *http.Request, t time.Time) {
	wait := time.Until(t)
	if wait <= 0 {
		return
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
	}
}

// done answers a valid sign-up: the same redirect for everyone.
func (s *Intake) done(w http.ResponseWriter, r *http.Request) {
	s.pages.publicHeaders(w)
	http.Redirect(w, r, "/signup/done", http.StatusSeeOther)
}

// late records what went wrong with a sign-up already answered.
func (s *Intake) late(logger *slog.Logger, err error) {
	if le, ok := signup.IsLimited(err); ok {
		s.limited(le.Limit)
		s.count("limited")
		return
	}
	logger.LogAttrs(context.Background(), slog.LevelError, "web sign-up failed after its answer", slog.String("error", err.Error()))
}

// refuse answers a full limit with 429 and when to try again, and
// anything else as a server error.
func (s *Intake) refuse(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	le, ok := signup.IsLimited(err)
	if !ok {
		httpx.ServerError(logger, w, r, err)
		return
	}
	s.limited(le.Limit)
	s.count("limited")
	page := s.pages.basePage()
	page.RetryIn = retryIn(le.RetryAfter)
	page.Busy = le.Limit == signup.LimitGlobal || le.Limit == signup.LimitPerPrefix
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(le.RetryAfter.Seconds()))))
	s.pages.render(w, s.pages.wait, http.StatusTooManyRequests, page)
}

// evidence is the raw form input and its circumstances, for the ledger
// (encrypted there).
func (s *Intake) evidence(r *http.Request, f signupForm, e164 string, addr netip.Addr) signup.Evidence {
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
		DisclosureText: s.pages.disclosure.Text,
	}
}

func (s *Intake) count(outcome string) {
	if s.signups != nil {
		s.signups.WithLabelValues(outcome).Inc()
	}
}

func (s *Intake) limited(limit string) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.Limited.WithLabelValues(limit).Inc()
	}
}
