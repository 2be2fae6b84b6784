// Package config reads the service's settings from the environment, as
// README.md's "Settings" table names them, and reports every problem at once.
//
// Every variable is one row of settings (settings.go): its name, its
// defaults, the modes that read it and how its value is parsed.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"textsupport/internal/vault"
	"time"
)

// Config is the service's settings.
type Config struct {
	DatabaseURL string
	ListenAddr  string
	// PublicURL is nil only in Dev mode when PUBLIC_URL is unset: dev
	// builds it from the port it ends up listening on.
	PublicURL *url.URL

	TwilioAccountSID          string
	TwilioAuthToken           string
	TwilioFrom                string
	TwilioMessagingServiceSID string
	TwilioAPIURL              string
	TwilioHandlesOptOut       bool

	SendRate    float64 // message segments per second
	SendWorkers int     // sends in flight at once
	// DataKeys encrypt what is kept at rest, newest first (DATA_KEYS, or
	// DATA_KEY as key 1); nil only in Dev mode when both are unset.
	DataKeys []vault.Key
	// LookupKey makes the lookup hash: LOOKUP_KEY, else key 1's.
	LookupKey []byte
	ringGiven bool // DATA_KEYS is set, whether or not it parsed

	ProgramFile string
	LogLevel    slog.Level

	// AllowedCountries are the ISO regions whose numbers the web form accepts.
	AllowedCountries []string

	Signup SignupLimits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; empty: the client is the connection's peer.
	TrustedProxies []netip.Prefix

	// AlertWebhookURL, when set, is told of every conversation that newly
	// needs a person, each event signed with AlertWebhookSecret.
	AlertWebhookURL    string
	AlertWebhookSecret []byte

	// RequireMFA is who must have a second factor: off, admin or all.
	RequireMFA string
}

// SignupLimits are the web sign-up's defences (signup.Limits describes
// each); cmd/textsupport turns them into a signup.Limits.
type SignupLimits struct {
	PostsPerIP   Rate
	PerIP        Rate
	PerPrefix    Rate
	Global       Rate
	NumberWindow time.Duration
	PerNumber    Rate
	ExpireAfter  time.Duration
}

// Rate is N uses per Per; N == 0 turns a limit off.
type Rate struct {
	N   int
	Per time.Duration
}

// Mode says which settings are read and which are required.
type Mode int

const (
	// Serve needs everything: a database and real Twilio credentials.
	Serve Mode = iota
	// Migrate needs only the database.
	Migrate
	// Dev fills in what it can itself: a local database, a simulated carrier.
	Dev
)

// Load reads settings through getenv. Every problem is reported in one error.
func Load(getenv func(string) string, mode Mode) (*Config, error) {
	c := &Config{}
	problems := make([]error, len(settings))
	for i, s := range settings {
		if s.in.has(mode) {
			problems[i] = s.read(c, getenv, mode)
		}
	}
	for i, s := range settings {
		if s.finish != nil && s.in.has(mode) && problems[i] == nil {
			problems[i] = named(s.name, s.finish(c))
		}
	}
	if mode == Serve {
		// Serve's rules may look at several settings, so they run once
		// every value is in; their problems still come in table order.
		for i, s := range settings {
			if s.serveCheck != nil && problems[i] == nil {
				problems[i] = named(s.name, s.serveCheck(c))
			}
		}
	}
	if err := errors.Join(problems...); err != nil {
		if mode == Migrate {
			// The operator commands read one setting: its name says it all.
			return nil, err
		}
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// Names are the environment variables the service reads, in the settings
// table's order.
func Names() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.name
	}
	return names
}

// read is one setting's step of Load: the value or its default for mode,
// the required check, then the parser.
func (s setting) read(c *Config, getenv func(string) string, mode Mode) error {
	v := strings.TrimSpace(getenv(s.name))
	if v == "" {
		v = s.defaultIn(mode)
	}
	if v == "" {
		if s.required.has(mode) {
			if s.hint != "" {
				return fmt.Errorf("%s: required: %s", s.name, s.hint)
			}
			return fmt.Errorf("%s: required", s.name)
		}
		return nil
	}
	return named(s.name, s.parse(c, v))
}

// defaultIn is the value used when the variable is unset.
func (s setting) defaultIn(mode Mode) string {
	if mode == Dev && (s.dev != "" || s.devFills != "") {
		return s.dev
	}
	return s.def
}

// named prefixes each problem in err with the variable's name.
func named(name string, err error) error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var each []error
		for _, e := range joined.Unwrap() {
			each = append(each, named(name, e))
		}
		return errors.Join(each...)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Keys reads DATA_KEY, DATA_KEYS and LOOKUP_KEY alone, through their rows
// of the settings table, for the operator commands that decrypt what the
// service keeps: the ring, newest first, and the lookup key.
func Keys(getenv func(string) string) ([]vault.Key, []byte, error) {
	c := &Config{}
	var problems []error
	for _, s := range settings {
		switch s.name {
		case "DATA_KEY", "DATA_KEYS", "LOOKUP_KEY":
			if v := strings.TrimSpace(getenv(s.name)); v != "" {
				problems = append(problems, named(s.name, s.parse(c, v)))
			}
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	if c.DataKeys == nil {
		return nil, nil, fmt.Errorf("configuration: DATA_KEY: required (or DATA_KEYS): %s", dataKeyHint)
	}
	if err := finishLookupKey(c); err != nil {
		return nil, nil, fmt.Errorf("configuration: LOOKUP_KEY: %w", err)
	}
	return c.DataKeys, c.LookupKey, nil
}
