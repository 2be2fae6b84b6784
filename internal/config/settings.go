package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"textsupport/internal/phone"
	"textsupport/internal/vault"
)

// A setting is one environment variable. README.md's "Settings" table
// lists the same variables with the same defaults (readme_test.go checks).
type setting struct {
	name string
	doc  string // what it means, in short; README.md says it in full

	in       modes // the modes that read it
	required modes // the modes that stop when it is unset
	// hint follows "required" in the message when it is missing.
	hint string

	// def is used when the variable is unset or blank; unset says what
	// no value means when there is no default (README's default column).
	def   string
	unset string
	// dev replaces def in Dev mode; devFills instead says what dev fills
	// in itself at start (cmd/textsupport/dev.go), with no default here.
	dev      string
	devFills string

	// parse checks a value and stores it in c; its error need not name
	// the variable.
	parse func(c *Config, v string) error
	// serveCheck, run in Serve mode once every value is read, checks what
	// serve needs that dev does not.
	serveCheck func(c *Config) error
	// finish, run in every mode that reads the setting once every value
	// is read, fills in what depends on several settings.
	finish func(c *Config) error
}

// settings are every variable the service reads, in README.md's order.
var settings = []setting{
	{name: "DATABASE_URL", doc: "Postgres connection string",
		in: allModes, required: serveAndMigrate, devFills: "a throwaway Postgres of its own",
		parse: func(c *Config, v string) error {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				return errors.New("want a postgres:// connection string")
			}
			c.DatabaseURL = v
			return nil
		}},
	// The phone simulator can text the service as any number, so dev
	// listens on this machine only.
	{name: "LISTEN_ADDR", doc: "HTTP listen address",
		in: serveAndDev, def: ":8080", dev: "127.0.0.1:8080",
		parse: func(c *Config, v string) error {
			c.ListenAddr = v
			return checkListenAddr(v)
		}},
	{name: "PUBLIC_URL", doc: "base URL as Twilio and browsers reach the service",
		in: serveAndDev, def: "http://localhost:8080", devFills: "`http://localhost:PORT`, the port it listens on",
		parse: func(c *Config, v string) (err error) {
			c.PublicURL, err = parsePublicURL(v)
			return err
		}},
	// Dev's simulated carrier makes up its own credentials.
	{name: "TWILIO_ACCOUNT_SID", doc: "Twilio account SID",
		in: serveOnly, required: serveOnly, devFills: "random, for the simulated carrier",
		parse: func(c *Config, v string) error {
			if !strings.HasPrefix(v, "AC") {
				return errors.New("an account SID starts with AC")
			}
			c.TwilioAccountSID = v
			return nil
		}},
	{name: "TWILIO_AUTH_TOKEN", doc: "Twilio auth token; also checks webhook signatures",
		in: serveOnly, required: serveOnly, devFills: "random, for the simulated carrier",
		parse: func(c *Config, v string) error {
			c.TwilioAuthToken = v
			return nil
		}},
	// Dev reads TWILIO_FROM (the sign-up form shows it) but only serve
	// sends from it.
	{name: "TWILIO_FROM", doc: "sender number (E.164)",
		in: serveAndDev, unset: "one required for serve",
		parse: func(c *Config, v string) error {
			c.TwilioFrom = v
			return nil
		},
		serveCheck: checkSender},
	{name: "TWILIO_MESSAGING_SERVICE_SID", doc: "sender Messaging Service",
		in: serveOnly, unset: "one required for serve",
		parse: func(c *Config, v string) error {
			if !strings.HasPrefix(v, "MG") {
				return errors.New("a Messaging Service SID starts with MG")
			}
			c.TwilioMessagingServiceSID = v
			return nil
		}},
	{name: "TWILIO_API_URL", doc: "base URL of the Twilio REST API",
		in: serveAndDev, def: "https://api.twilio.com",
		parse: func(c *Config, v string) error {
			v = strings.TrimRight(v, "/")
			c.TwilioAPIURL = v
			if !isHTTPURL(v) {
				return fmt.Errorf("%q is not an http(s) URL", v)
			}
			return nil
		}},
	{name: "TWILIO_HANDLES_OPT_OUT", doc: "whether Twilio answers STOP/START/HELP itself",
		in: serveAndDev, def: "true",
		parse: func(c *Config, v string) (err error) {
			c.TwilioHandlesOptOut, err = parseBool(v)
			return err
		}},
	{name: "SEND_RATE", doc: "message segments per second this process may send",
		in: serveAndDev, def: "1",
		parse: func(c *Config, v string) error {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r <= 0 || r > 10000 {
				return fmt.Errorf("%q: want a number of segments per second above 0", v)
			}
			c.SendRate = r
			return nil
		}},
	{name: "SEND_WORKERS", doc: "sequence sends in flight at once in this process",
		in: serveAndDev, def: "16",
		parse: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 512 {
				return fmt.Errorf("%q: want a whole number of sends in flight from 1 to 512", v)
			}
			c.SendWorkers = n
			return nil
		}},
	// Keys: DATA_KEY is key 1 alone; DATA_KEYS a ring, to rotate. Values
	// are secrets: no message ever repeats one.
	{name: "DATA_KEY", doc: "base64 of 32 random bytes; encrypts numbers and bodies at rest (key 1)",
		in: serveAndDev, unset: "this or `DATA_KEYS` required for serve", devFills: "generated (kept in `--data DIR`)",
		parse: func(c *Config, v string) error {
			k, err := vault.ParseKey(v)
			if err != nil {
				return fmt.Errorf("%v: want %s", err, dataKeyHint)
			}
			c.DataKeys = []vault.Key{{ID: vault.LegacyID, Secret: k}}
			return nil
		},
		serveCheck: func(c *Config) error {
			if c.DataKeys == nil && !c.ringGiven {
				return fmt.Errorf("required (or DATA_KEYS): %s", dataKeyHint)
			}
			return nil
		}},
	{name: "DATA_KEYS", doc: "the keys in use, ID:KEY,ID:KEY newest first, while keys rotate",
		in: serveAndDev, unset: "`1:DATA_KEY`",
		parse: func(c *Config, v string) error {
			c.ringGiven = true
			if c.DataKeys != nil {
				return errors.New("set DATA_KEY or DATA_KEYS, not both (DATA_KEY is key 1: write it in DATA_KEYS as 1:KEY)")
			}
			keys, err := vault.ParseRing(v)
			if err != nil {
				return err
			}
			c.DataKeys = keys
			return nil
		}},
	{name: "LOOKUP_KEY", doc: "the key of the lookup hash numbers are found by; never rotates with DATA_KEYS",
		in: serveAndDev, unset: "key 1 of `DATA_KEYS` (that is, `DATA_KEY`)",
		parse: func(c *Config, v string) error {
			k, err := vault.ParseKey(v)
			if err != nil {
				return fmt.Errorf("%v: want the first DATA_KEY the service had", err)
			}
			c.LookupKey = k
			return nil
		},
		finish: finishLookupKey},
	{name: "PROGRAM_FILE", doc: "a program file replacing the built-in one",
		in: serveAndDev, unset: "built in",
		parse: func(c *Config, v string) error {
			c.ProgramFile = v
			return nil
		}},
	{name: "LOG_LEVEL", doc: "debug, info, warn or error",
		in: serveAndDev, def: "info",
		parse: func(c *Config, v string) (err error) {
			c.LogLevel, err = parseLogLevel(v)
			return err
		}},
	{name: "ALLOWED_COUNTRIES", doc: "ISO codes whose numbers the web form accepts",
		in: serveAndDev, def: strings.Join(phone.DefaultRegions, ","),
		parse: func(c *Config, v string) (err error) {
			c.AllowedCountries, err = parseCountries(v)
			return err
		}},
	{name: "SIGNUP_LIMIT_POSTS_PER_IP", doc: "sign-up form posts of any kind per client address",
		in: serveAndDev, def: "30/1h", parse: rate(func(c *Config) *Rate { return &c.Signup.PostsPerIP }, week)},
	{name: "SIGNUP_LIMIT_PER_IP", doc: "valid sign-ups per client address",
		in: serveAndDev, def: "5/1h", parse: rate(func(c *Config) *Rate { return &c.Signup.PerIP }, week)},
	{name: "SIGNUP_LIMIT_PER_PREFIX", doc: "valid sign-ups per number prefix",
		in: serveAndDev, def: "10/1h", parse: rate(func(c *Config) *Rate { return &c.Signup.PerPrefix }, week)},
	{name: "SIGNUP_LIMIT_GLOBAL", doc: "valid sign-ups in all",
		in: serveAndDev, def: "200/1h", parse: rate(func(c *Config) *Rate { return &c.Signup.Global }, week)},
	// One YES request per number per 24 hours is the promise (COMPLIANCE.md):
	// the window may be longer, never shorter.
	{name: "SIGNUP_NUMBER_WINDOW", doc: "at most one YES-request text per number in this long",
		in: serveAndDev, def: "24h", parse: duration(func(c *Config) *time.Duration { return &c.Signup.NumberWindow }, 24*time.Hour)},
	{name: "SIGNUP_LIMIT_PER_NUMBER", doc: "YES-request texts per number over a longer rolling period",
		in: serveAndDev, def: "3/720h", parse: rate(func(c *Config) *Rate { return &c.Signup.PerNumber }, 365*24*time.Hour)},
	{name: "SIGNUP_EXPIRE_AFTER", doc: "a pending web sign-up with no YES expires after this long",
		in: serveAndDev, def: "168h", parse: duration(func(c *Config) *time.Duration { return &c.Signup.ExpireAfter }, time.Hour)},
	{name: "TRUSTED_PROXIES", doc: "addresses or CIDR prefixes of the reverse proxies in front",
		in: serveAndDev, unset: "empty",
		parse: func(c *Config, v string) (err error) {
			c.TrustedProxies, err = parseTrustedProxies(v)
			return err
		}},
	// The secret comes first: the URL is refused without one.
	{name: "ALERT_WEBHOOK_SECRET", doc: "the key that signs each alert webhook event (HMAC-SHA256)",
		in: serveAndDev, unset: "none",
		parse: func(c *Config, v string) error {
			if len(v) < 16 {
				return errors.New("want at least 16 characters (openssl rand -hex 32)")
			}
			c.AlertWebhookSecret = []byte(v)
			return nil
		}},
	{name: "ALERT_WEBHOOK_URL", doc: "where to post \"conversation needs a person\" events",
		in: serveAndDev, unset: "none: no events",
		parse: func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%q is not an http(s) URL", v)
			}
			if c.AlertWebhookSecret == nil {
				return errors.New("needs ALERT_WEBHOOK_SECRET, the key that signs each event")
			}
			c.AlertWebhookURL = v
			return nil
		}},
	{name: "REQUIRE_MFA", doc: "who must sign in with a second factor: off, admin or all",
		in: serveAndDev, def: "off",
		parse: func(c *Config, v string) error {
			switch v = strings.ToLower(v); v {
			case "off", "admin", "all":
				c.RequireMFA = v
				return nil
			}
			return fmt.Errorf("%q: want off, admin or all", v)
		}},
}

const dataKeyHint = "base64 of 32 random bytes (openssl rand -base64 32)"

// finishLookupKey: without LOOKUP_KEY, the lookup hash's key is key 1 of
// the ring, the DATA_KEY the service began with. It never falls back to
// another key: hashes made with a different key would find no one.
func finishLookupKey(c *Config) error {
	if c.LookupKey != nil || c.DataKeys == nil {
		return nil
	}
	for _, k := range c.DataKeys {
		if k.ID == vault.LegacyID {
			c.LookupKey = k.Secret
			return nil
		}
	}
	return errors.New("required when DATA_KEYS has no key 1: the lookup hash stays the key 1 the numbers were hashed with (README, \"Rotating keys\")")
}

// week is the longest window of most sign-up limits.
const week = 7 * 24 * time.Hour

// modes is a set of Modes.
type modes uint8

const (
	serveOnly       = modes(1 << Serve)
	serveAndDev     = modes(1<<Serve | 1<<Dev)
	serveAndMigrate = modes(1<<Serve | 1<<Migrate)
	allModes        = modes(1<<Serve | 1<<Migrate | 1<<Dev)
)

func (m modes) has(mode Mode) bool { return m&(1<<mode) != 0 }

// String names the modes as README.md does: "serve/migrate".
func (m modes) String() string {
	var names []string
	for mode, name := range []string{Serve: "serve", Migrate: "migrate", Dev: "dev"} {
		if m.has(Mode(mode)) {
			names = append(names, name)
		}
	}
	return strings.Join(names, "/")
}

// documentedDefault is README's default column for s.
func (s setting) documentedDefault() string {
	var d string
	switch {
	case s.def != "":
		d = "`" + s.def + "`"
	case s.required != 0:
		d = "required for " + s.required.String()
	default:
		d = s.unset
	}
	switch {
	case s.dev != "":
		d += "; dev: `" + s.dev + "`"
	case s.devFills != "":
		d += "; dev: " + s.devFills
	}
	return d
}

// checkSender: serve sends from a number or a Messaging Service.
func checkSender(c *Config) error {
	switch {
	case c.TwilioFrom == "" && c.TwilioMessagingServiceSID == "":
		return errors.New("one of TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required")
	case c.TwilioFrom != "":
		if _, err := phone.E164(c.TwilioFrom); err != nil {
			return errors.New("want an E.164 number such as +15005550006")
		}
	}
	return nil
}

// rate parses into the Rate field picks, with windows up to longest.
func rate(field func(*Config) *Rate, longest time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		r, err := parseRate(v, longest)
		if err != nil {
			return err
		}
		*field(c) = r
		return nil
	}
}

// duration parses into the field picks, at least least.
func duration(field func(*Config) *time.Duration, least time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := parseDuration(v, least)
		if err != nil {
			return err
		}
		*field(c) = d
		return nil
	}
}
