// Package config reads the service's settings from the environment, as
// DESIGN.md names them, and reports every problem at once.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"textsupport/internal/phone"
	"textsupport/internal/vault"
)

// Config is the service's settings.
type Config struct {
	DatabaseURL string
	ListenAddr  string
	PublicURL   *url.URL

	TwilioAccountSID          string
	TwilioAuthToken           string
	TwilioFrom                string
	TwilioMessagingServiceSID string
	TwilioAPIURL              string
	TwilioHandlesOptOut       bool

	SendRate    float64 // message segments per second
	SendWorkers int     // sends in flight at once
	DataKey     []byte  // 32 bytes

	ProgramFile string
	LogLevel    slog.Level

	// AllowedCountries are the ISO regions whose numbers the web form accepts.
	AllowedCountries []string
}

// Mode says which settings are required.
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
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		DatabaseURL:               get("DATABASE_URL", ""),
		ListenAddr:                get("LISTEN_ADDR", ":8080"),
		TwilioAccountSID:          get("TWILIO_ACCOUNT_SID", ""),
		TwilioAuthToken:           get("TWILIO_AUTH_TOKEN", ""),
		TwilioFrom:                get("TWILIO_FROM", ""),
		TwilioMessagingServiceSID: get("TWILIO_MESSAGING_SERVICE_SID", ""),
		TwilioAPIURL:              strings.TrimRight(get("TWILIO_API_URL", "https://api.twilio.com"), "/"),
		ProgramFile:               get("PROGRAM_FILE", ""),
	}

	if c.DatabaseURL == "" && mode != Dev {
		bad("DATABASE_URL", "required")
	} else if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("DATABASE_URL", "want a postgres:// connection string")
		}
	}
	if mode == Migrate {
		return c, errors.Join(errs...)
	}

	if _, port, ok := strings.Cut(c.ListenAddr, ":"); !ok {
		bad("LISTEN_ADDR", "%q is not host:port", c.ListenAddr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("LISTEN_ADDR", "%q has no valid port", c.ListenAddr)
	}

	public := get("PUBLIC_URL", "http://localhost:8080")
	if u, err := url.Parse(public); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("PUBLIC_URL", "%q is not an http(s) URL", public)
	} else {
		u.Path = strings.TrimRight(u.Path, "/")
		c.PublicURL = u
	}

	if mode == Serve {
		if c.TwilioAccountSID == "" {
			bad("TWILIO_ACCOUNT_SID", "required")
		} else if !strings.HasPrefix(c.TwilioAccountSID, "AC") {
			bad("TWILIO_ACCOUNT_SID", "an account SID starts with AC")
		}
		if c.TwilioAuthToken == "" {
			bad("TWILIO_AUTH_TOKEN", "required")
		}
		switch {
		case c.TwilioFrom == "" && c.TwilioMessagingServiceSID == "":
			bad("TWILIO_FROM", "one of TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required")
		case c.TwilioFrom != "":
			if _, err := phone.E164(c.TwilioFrom); err != nil {
				bad("TWILIO_FROM", "want an E.164 number such as +15005550006")
			}
		}
		if c.TwilioMessagingServiceSID != "" && !strings.HasPrefix(c.TwilioMessagingServiceSID, "MG") {
			bad("TWILIO_MESSAGING_SERVICE_SID", "a Messaging Service SID starts with MG")
		}
	}
	if u, err := url.Parse(c.TwilioAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TWILIO_API_URL", "%q is not an http(s) URL", c.TwilioAPIURL)
	}

	switch v := strings.ToLower(get("TWILIO_HANDLES_OPT_OUT", "true")); v {
	case "true", "1", "yes":
		c.TwilioHandlesOptOut = true
	case "false", "0", "no":
	default:
		bad("TWILIO_HANDLES_OPT_OUT", "%q: want true or false", v)
	}

	rate := get("SEND_RATE", "1")
	if r, err := strconv.ParseFloat(rate, 64); err != nil || r <= 0 || r > 10000 {
		bad("SEND_RATE", "%q: want a number of segments per second above 0", rate)
	} else {
		c.SendRate = r
	}

	workers := get("SEND_WORKERS", "16")
	if n, err := strconv.Atoi(workers); err != nil || n < 1 || n > 512 {
		bad("SEND_WORKERS", "%q: want a whole number of sends in flight from 1 to 512", workers)
	} else {
		c.SendWorkers = n
	}

	if key := get("DATA_KEY", ""); key == "" {
		if mode == Serve {
			bad("DATA_KEY", "required: base64 of 32 random bytes (openssl rand -base64 32)")
		}
	} else if k, err := vault.ParseKey(key); err != nil {
		bad("DATA_KEY", "%v: want base64 of 32 random bytes (openssl rand -base64 32)", err)
	} else {
		c.DataKey = k
	}

	switch v := strings.ToLower(get("LOG_LEVEL", "info")); v {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL", "%q: want debug, info, warn or error", v)
	}

	c.AllowedCountries = phone.DefaultRegions
	if v := get("ALLOWED_COUNTRIES", ""); v != "" {
		c.AllowedCountries = nil
		for _, r := range strings.Split(v, ",") {
			r = strings.ToUpper(strings.TrimSpace(r))
			if len(r) != 2 {
				bad("ALLOWED_COUNTRIES", "%q is not a two-letter country code", r)
				continue
			}
			c.AllowedCountries = append(c.AllowedCountries, r)
		}
	}

	if len(errs) > 0 {
		return nil, fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return c, nil
}
