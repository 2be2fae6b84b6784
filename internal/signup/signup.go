// Package signup is the double opt-in behind the web form: it records a
// sign-up as a pending subscriber with its consent evidence, asks the
// number (once per window) to reply YES, keeps the abuse limits, and
// expires sign-ups nobody answers. The YES itself arrives as an inbound
// text (package inbound), which activates the subscriber and starts the
// sequence.
//
// Whatever the number's state, a sign-up looks the same from outside: the
// caller gets an Outcome for tests only (not for metrics or logs, which
// would tell their readers), and must answer every valid sign-up with the
// same page.
package signup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/message"
	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// Config is what the service needs.
type Config struct {
	DB    *store.DB
	Vault *vault.Vault
	// Subscriptions makes the changes of state and sends the YES request:
	// the *sending.Sender.
	Subscriptions Subscriptions
	Limits        Limits
	// Now is the clock; tests move it.
	Now    func() time.Time
	Logger *slog.Logger
}

// Subscriptions is what sign-ups need of the sending side, in the caller's
// transaction: the one way a subscriber's state changes, and the one text
// asking a pending subscriber to reply YES.
type Subscriptions interface {
	Transition(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error
	RequestConfirmation(ctx context.Context, tx pgx.Tx, subscriberID int64, requested time.Time) error
}

// Service runs web sign-ups.
type Service struct {
	cfg Config
}

// New checks the configuration and builds the service.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Vault == nil || cfg.Subscriptions == nil {
		return nil, errors.New("signup: DB, Vault and Subscriptions are required")
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	if cfg.Limits.NumberWindow <= 0 || cfg.Limits.ExpireAfter <= 0 {
		return nil, errors.New("signup: Limits.NumberWindow and Limits.ExpireAfter must be set")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}, nil
}

// Limits are the limits the service keeps.
func (s *Service) Limits() Limits { return s.cfg.Limits }

// Request is one valid sign-up, as the form checked it.
type Request struct {
	Phone    string // E.164
	TimeZone string // IANA zone the person chose, "" for none
	// Address is the client's address, for the per-address limit.
	Address           netip.Addr
	DisclosureVersion string
	// Evidence is what the person sent and who sent it; stored encrypted
	// in the ledger row.
	Evidence Evidence
}

// Evidence is the raw form input and its circumstances: the proof of
// consent the sender must be able to show (TCPA), kept encrypted.
type Evidence struct {
	SubmittedAt       time.Time `json:"submitted_at"`
	PhoneTyped        string    `json:"phone_typed"`
	Phone             string    `json:"phone"`
	Consent           string    `json:"consent"`
	TimeZone          string    `json:"tz,omitempty"`
	IP                string    `json:"ip"`
	RemoteAddr        string    `json:"remote_addr"`
	ForwardedFor      string    `json:"forwarded_for,omitempty"`
	UserAgent         string    `json:"user_agent"`
	AcceptLanguage    string    `json:"accept_language,omitempty"`
	Referer           string    `json:"referer,omitempty"`
	PageURL           string    `json:"page_url"`
	DisclosureVersion string    `json:"disclosure_version"`
	DisclosureText    string    `json:"disclosure_text"`
}

// Outcome is what a sign-up did. The person is never told: every valid
// sign-up gets the same answer.
type Outcome string

const (
	// Requested: a YES request is on its way (a new number, or one that
	// was pending, expired or invalid, with no request in the window).
	Requested Outcome = "requested"
	// AlreadyActive: nothing to do; the number is subscribed.
	AlreadyActive Outcome = "active"
	// OptedOut: the person asked us to stop, in any words or through
	// staff: only their own JOIN or START by text re-opens the number, so
	// the form sends nothing.
	OptedOut Outcome = "opted_out"
	// Recent: a YES request went to this number within the window.
	Recent Outcome = "recent"
	// NumberCapped: the number has had Limits.PerNumber YES requests in its
	// period already.
	NumberCapped Outcome = "number_capped"
	// CarrierBlocked: the number opted out with the carrier (an exact STOP
	// through Twilio, or a send refused with 21610), so Twilio would refuse
	// the text. Only the person can lift that, by texting START.
	CarrierBlocked Outcome = "carrier_blocked"
)

// Ledger reasons this package writes.
const (
	ReasonSignup  = "signup"
	ReasonExpired = "expired"
)

// Submit records a sign-up: it counts the per-address, per-prefix and
// global limits (a *LimitError when one is full), then, under the number's
// lock, records a pending subscriber with its ledger row and schedules the
// YES request, or does nothing, as the number's state requires.
func (s *Service) Submit(ctx context.Context, r Request) (Outcome, error) {
	if _, err := phone.E164(r.Phone); err != nil {
		return "", fmt.Errorf("signup: %w", err)
	}
	if r.DisclosureVersion == "" {
		return "", errors.New("signup: the disclosure version is required")
	}
	now := s.cfg.Now()
	l := s.cfg.Limits
	if err := s.hit(ctx, now, []use{
		{LimitPerAddress, l.PerAddress, s.key(LimitPerAddress, AddressBucket(r.Address))},
		{LimitPerPrefix, l.PerPrefix, s.key(LimitPerPrefix, Prefix(r.Phone))},
		{LimitGlobal, l.Global, s.key(LimitGlobal, "")},
	}); err != nil {
		if _, limited := IsLimited(err); limited {
			return "", err
		}
		return "", fmt.Errorf("signup: %w", err)
	}
	ev, err := s.consent(r, now)
	if err != nil {
		return "", fmt.Errorf("signup: %w", err)
	}
	var out Outcome
	err = s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		out, err = s.submit(ctx, tx, r, ev, now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("signup: %w", err)
	}
	// Neither the number nor what became of it: whoever reads the logs
	// must not learn from them whether a number is enrolled.
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "web sign-up")
	return out, nil
}

// consent is the ledger row a sign-up writes: the disclosure shown and the
// raw form input, encrypted.
func (s *Service) consent(r Request, now time.Time) (store.ConsentEvent, error) {
	r.Evidence.SubmittedAt = now.UTC()
	r.Evidence.DisclosureVersion = r.DisclosureVersion
	evidence, err := json.Marshal(r.Evidence)
	if err != nil {
		return store.ConsentEvent{}, err
	}
	return store.ConsentEvent{
		Method:            store.MethodWebForm,
		Reason:            ReasonSignup,
		DisclosureVersion: r.DisclosureVersion,
		EvidenceEnc:       s.cfg.Vault.Seal(vault.Evidence, s.cfg.Vault.Hash(r.Phone), evidence),
	}, nil
}

// submit is one sign-up's transaction: lock the number, decide, and, when
// a YES request is due, make the number pending (a number already pending
// gets this sign-up's ledger row too), keep the zone the person gave, and
// schedule the request.
func (s *Service) submit(ctx context.Context, tx pgx.Tx, r Request, ev store.ConsentEvent, now time.Time) (Outcome, error) {
	hash := s.cfg.Vault.Hash(r.Phone)
	sub, err := store.LockNumber(ctx, tx, hash, true)
	if err != nil {
		return "", err
	}
	sit, err := s.situation(ctx, tx, sub, now)
	if err != nil {
		return "", err
	}
	if out := decide(sit); out != Requested {
		return out, nil
	}
	zoneChanged := sub.Recorded() && r.TimeZone != "" && r.TimeZone != sub.TimeZone
	if !sub.Recorded() {
		sub.PhoneEnc, sub.Last4, sub.TimeZone = s.cfg.Vault.SealString(vault.Phone, hash, r.Phone), phone.Last4(r.Phone), r.TimeZone
	}
	if err := s.cfg.Subscriptions.Transition(ctx, tx, sub, store.Pending, ev); err != nil {
		return "", err
	}
	if zoneChanged {
		if err := store.SetTimeZone(ctx, tx, sub.ID, r.TimeZone); err != nil {
			return "", err
		}
	}
	if err := store.RecordSignupRequest(ctx, tx, sub.ID, now); err != nil {
		return "", err
	}
	return Requested, s.cfg.Subscriptions.RequestConfirmation(ctx, tx, sub.ID, now)
}

// situation reads what decide needs to know about a locked number.
func (s *Service) situation(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, now time.Time) (situation, error) {
	l := s.cfg.Limits
	sit := situation{now: now, window: l.NumberWindow, perNumber: l.PerNumber}
	if !sub.Recorded() {
		return sit, nil
	}
	sit.state = &sub.State
	var err error
	sit.lastRequest, sit.requestsInPeriod, err = store.SignupRequestHistory(ctx, tx, sub.ID, now.Add(-l.PerNumber.Per))
	if err != nil {
		return sit, err
	}
	if sub.State != store.Active {
		sit.carrierBlocked, err = carrierBlocked(ctx, tx, sub.ID)
	}
	return sit, err
}

// situation is everything decide needs to know about a number.
type situation struct {
	state            *store.State // nil: not on record
	lastRequest      time.Time    // zero: never asked
	requestsInPeriod int          // YES requests within perNumber.Per
	carrierBlocked   bool
	now              time.Time
	window           time.Duration
	perNumber        Limit
}

// decide applies the double opt-in's rules. It is pure, so every
// combination is covered by a table test.
func decide(s situation) Outcome {
	if s.state == nil {
		return Requested
	}
	switch {
	case *s.state == store.Active:
		return AlreadyActive
	case *s.state == store.Stopped:
		return OptedOut
	case !s.lastRequest.IsZero() && s.now.Sub(s.lastRequest) < s.window:
		// At most one YES request per number per window, whatever became
		// of the last one.
		return Recent
	case s.perNumber.N > 0 && s.requestsInPeriod >= s.perNumber.N:
		return NumberCapped
	case s.carrierBlocked:
		return CarrierBlocked
	}
	// Pending, expired, invalid: the person (or someone) asks again, and
	// the one text that asks them to confirm is all they get.
	return Requested
}

// carrierBlocked tells whether Twilio would refuse a text to the subscriber
// with 21610: their latest ledger row that Twilio acts on is an opt-out. An
// exact STOP-family keyword (or an OptOutType of STOP) makes Twilio block
// the number, and so does a send the carrier refused as opted out; an exact
// START, UNSTOP or YES lifts it. Opt-outs in other words, "OPT OUT" with a
// space and staff changes never reach Twilio's list.
//
// When TWILIO_HANDLES_OPT_OUT is false Twilio may not be blocking at all;
// treating the number as blocked then costs only the one text, and the page
// tells everyone how to start by texting.
func carrierBlocked(ctx context.Context, tx pgx.Tx, subscriberID int64) (bool, error) {
	events, err := store.RecentConsent(ctx, tx, subscriberID, 100)
	if err != nil {
		return false, err
	}
	for _, e := range events {
		switch e.Method {
		case store.MethodCarrier:
			if e.ToState == store.Stopped {
				return true, nil
			}
		case store.MethodKeyword:
			c := message.Classify(e.Reason, "", nil)
			if !c.CarrierHandled {
				continue
			}
			switch c.Class {
			case message.ClassOptOut:
				return true, nil
			case message.ClassOptIn:
				return false, nil
			}
		}
	}
	return false, nil
}

// RegisterDisclosure records the disclosure the form shows, before any
// sign-up names its version.
func (s *Service) RegisterDisclosure(ctx context.Context, d store.Disclosure) error {
	return s.cfg.DB.RegisterDisclosure(ctx, d)
}
