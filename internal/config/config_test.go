package config

import (
	"bytes"
	"encoding/base64"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// Keys as openssl rand -base64 32 makes them.
const (
	testKey1 = "CM3PQd0/dyb7Sm0f2sJ1Ffgt9dH01nzjMB626aOHRKg="
	testKey2 = "paQMb2P+VY5WhidJ/KQID/ecFMTkf7jWRQvgb/nFl8A="
	testKey3 = "W5fGKuPSE4HXi35T66ibkiN5VnBBgsn5HIJ51mH7J60="
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func valid() map[string]string {
	return map[string]string{
		"DATABASE_URL":       "postgres://u@localhost/db",
		"TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
		"TWILIO_AUTH_TOKEN":  "secret-token-value",
		"TWILIO_FROM":        "+15005550006",
		"DATA_KEY":           testKey1,
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(valid()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.PublicURL.String() != "http://localhost:8080" || !c.TwilioHandlesOptOut ||
		c.SendRate != 1 || c.SendWorkers != 16 || c.TwilioAPIURL != "https://api.twilio.com" || len(c.DataKeys) != 1 || c.DataKeys[0].ID != 1 || !bytes.Equal(c.LookupKey, c.DataKeys[0].Secret) {
		t.Fatalf("defaults wrong: %+v", c)
	}
}

// Every problem is named in the one error, and no secret value is echoed.
func TestLoadReportsEveryProblem(t *testing.T) {
	m := map[string]string{
		"LISTEN_ADDR":            "nope",
		"PUBLIC_URL":             "ftp://x",
		"TWILIO_ACCOUNT_SID":     "XX123",
		"TWILIO_AUTH_TOKEN":      "",
		"TWILIO_HANDLES_OPT_OUT": "maybe",
		"SEND_RATE":              "-3",
		"SEND_WORKERS":           "0",
		"DATA_KEY":               "c2hvcnQ=",
		"LOG_LEVEL":              "loud",
		"TWILIO_API_URL":         "not a url",
	}
	_, err := Load(env(m), Serve)
	if err == nil {
		t.Fatal("Load = nil error, want one")
	}
	for _, name := range []string{"DATABASE_URL", "LISTEN_ADDR", "PUBLIC_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
		"TWILIO_FROM", "TWILIO_HANDLES_OPT_OUT", "SEND_RATE", "SEND_WORKERS", "DATA_KEY", "LOG_LEVEL", "TWILIO_API_URL"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if strings.Contains(err.Error(), "c2hvcnQ=") {
		t.Errorf("error echoes the DATA_KEY value")
	}
}

func TestLoadModes(t *testing.T) {
	if _, err := Load(env(map[string]string{"DATABASE_URL": "postgres://x/y"}), Migrate); err != nil {
		t.Errorf("Migrate with only DATABASE_URL: %v", err)
	}
	if _, err := Load(env(nil), Migrate); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("Migrate without DATABASE_URL = %v, want it named", err)
	}
	if _, err := Load(env(nil), Dev); err != nil {
		t.Errorf("Dev with nothing set: %v", err)
	}
	m := valid()
	delete(m, "TWILIO_FROM")
	m["TWILIO_MESSAGING_SERVICE_SID"] = "MG00000000000000000000000000000000"
	if _, err := Load(env(m), Serve); err != nil {
		t.Errorf("Serve with a Messaging Service: %v", err)
	}
}

func TestLoadSendWorkers(t *testing.T) {
	m := valid()
	m["SEND_WORKERS"] = "40"
	c, err := Load(env(m), Serve)
	if err != nil || c.SendWorkers != 40 {
		t.Fatalf("SEND_WORKERS=40: %v, %+v", err, c)
	}
	for _, v := range []string{"0", "-1", "513", "many", "2.5"} {
		m["SEND_WORKERS"] = v
		if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "SEND_WORKERS:") {
			t.Errorf("SEND_WORKERS=%q: err %v, want one naming SEND_WORKERS", v, err)
		}
	}
}

// Dev's own defaults, and what it leaves for cmd/textsupport/dev.go to fill in.
func TestLoadDevDefaults(t *testing.T) {
	c, err := Load(env(nil), Dev)
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:8080" {
		t.Errorf("dev ListenAddr = %q, want 127.0.0.1:8080 (this machine only)", c.ListenAddr)
	}
	if c.PublicURL != nil || c.DataKeys != nil || c.DatabaseURL != "" || c.TwilioAccountSID != "" || c.TwilioAuthToken != "" {
		t.Errorf("dev filled in what it finds at start: %+v", c)
	}
	c, err = Load(env(map[string]string{"LISTEN_ADDR": ":9090", "PUBLIC_URL": "https://demo.example.org/"}), Dev)
	if err != nil || c.ListenAddr != ":9090" || c.PublicURL.String() != "https://demo.example.org" {
		t.Errorf("dev with LISTEN_ADDR and PUBLIC_URL = %+v, %v", c, err)
	}
	// Dev's simulated carrier replaces Twilio: serve's checks of it do not apply.
	c, err = Load(env(map[string]string{"TWILIO_FROM": "not a number", "TWILIO_ACCOUNT_SID": "XX"}), Dev)
	if err != nil || c.TwilioFrom != "not a number" {
		t.Errorf("dev with serve's Twilio settings = %+v, %v", c, err)
	}
}

// Migrate reads DATABASE_URL only, and its one problem is named bare.
func TestLoadMigrateReadsOnlyTheDatabase(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://x/y", "LOG_LEVEL": "loud", "SEND_RATE": "-1"}), Migrate)
	if err != nil || c.DatabaseURL != "postgres://x/y" {
		t.Errorf("Migrate with other bad settings = %+v, %v", c, err)
	}
	if _, err := Load(env(nil), Migrate); err == nil || err.Error() != "DATABASE_URL: required" {
		t.Errorf("Migrate without DATABASE_URL = %v, want DATABASE_URL: required", err)
	}
}

func TestLoadAllowedCountries(t *testing.T) {
	c, err := Load(env(valid()), Serve)
	if err != nil || strings.Join(c.AllowedCountries, ",") != "US,CA" {
		t.Fatalf("default AllowedCountries = %v, %v", c.AllowedCountries, err)
	}
	m := valid()
	m["ALLOWED_COUNTRIES"] = " us, gb "
	if c, err := Load(env(m), Serve); err != nil || strings.Join(c.AllowedCountries, ",") != "US,GB" {
		t.Errorf("ALLOWED_COUNTRIES=%q: %v, %v", m["ALLOWED_COUNTRIES"], c, err)
	}
	m["ALLOWED_COUNTRIES"] = "US,USA,C"
	_, err = Load(env(m), Serve)
	if err == nil || !strings.Contains(err.Error(), `ALLOWED_COUNTRIES: "USA" is not`) || !strings.Contains(err.Error(), `ALLOWED_COUNTRIES: "C" is not`) {
		t.Errorf("ALLOWED_COUNTRIES=%q: %v, want each bad code named", m["ALLOWED_COUNTRIES"], err)
	}
}

func TestLoadSignupLimits(t *testing.T) {
	c, err := Load(env(valid()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	defaults := SignupLimits{
		PostsPerIP: Rate{30, time.Hour}, PerIP: Rate{5, time.Hour}, PerPrefix: Rate{10, time.Hour}, Global: Rate{200, time.Hour},
		NumberWindow: day, PerNumber: Rate{3, 30 * day}, ExpireAfter: 7 * day,
	}
	if c.Signup != defaults {
		t.Errorf("no settings = %+v; want the defaults %+v", c.Signup, defaults)
	}

	m := valid()
	for k, v := range map[string]string{
		"SIGNUP_LIMIT_POSTS_PER_IP": "60/1h", "SIGNUP_LIMIT_PER_IP": "3", "SIGNUP_LIMIT_PER_PREFIX": "0",
		"SIGNUP_LIMIT_GLOBAL": "1000/24h", "SIGNUP_NUMBER_WINDOW": "48h", "SIGNUP_LIMIT_PER_NUMBER": "2/2160h", "SIGNUP_EXPIRE_AFTER": "72h",
	} {
		m[k] = v
	}
	c, err = Load(env(m), Serve)
	want := SignupLimits{
		PostsPerIP: Rate{60, time.Hour}, PerIP: Rate{3, time.Hour}, PerPrefix: Rate{0, time.Hour}, Global: Rate{1000, day},
		NumberWindow: 48 * time.Hour, PerNumber: Rate{2, 90 * day}, ExpireAfter: 72 * time.Hour,
	}
	if err != nil || c.Signup != want {
		t.Fatalf("settings = %+v, %v; want %+v", c, err, want)
	}

	m = valid()
	for k, v := range map[string]string{
		"SIGNUP_LIMIT_PER_IP": "lots", "SIGNUP_NUMBER_WINDOW": "1h", "SIGNUP_EXPIRE_AFTER": "a week",
		"SIGNUP_LIMIT_GLOBAL": "10/720h", "SIGNUP_LIMIT_PER_NUMBER": "3/9000h",
	} {
		m[k] = v
	}
	_, err = Load(env(m), Serve)
	if err == nil {
		t.Fatal("Load = nil error, want one")
	}
	for _, name := range []string{"SIGNUP_LIMIT_PER_IP", "SIGNUP_NUMBER_WINDOW", "SIGNUP_EXPIRE_AFTER", "SIGNUP_LIMIT_GLOBAL", "SIGNUP_LIMIT_PER_NUMBER"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	for _, want := range []string{
		`SIGNUP_LIMIT_PER_IP: "lots": want a count, or count/duration such as 5/1h`,
		`SIGNUP_NUMBER_WINDOW: 1h is shorter than the 24h allowed`,
		`SIGNUP_EXPIRE_AFTER: "a week" is not a duration such as 24h or 168h`,
		`SIGNUP_LIMIT_GLOBAL: "10/720h": the duration after / must be between 1s and 168h, such as 1h`,
		`SIGNUP_LIMIT_PER_NUMBER: "3/9000h": the duration after / must be between 1s and 8760h, such as 1h`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 5 {
		t.Errorf("%d problems, want 5 (every problem at once):\n%v", n, err)
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	good := map[string]Rate{
		"5": {5, time.Hour}, " 5/1h ": {5, time.Hour}, "100/24h": {100, 24 * time.Hour}, "0": {0, time.Hour}, "3/90s": {3, 90 * time.Second},
	}
	for in, want := range good {
		if got, err := parseRate(in, week); err != nil || got != want {
			t.Errorf("parseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "five", "5/", "5/0s", "5/soon", "5/200h", "1.5/1h"} {
		if got, err := parseRate(in, week); err == nil {
			t.Errorf("parseRate(%q) = %v, want an error", in, got)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	m := valid()
	m["TRUSTED_PROXIES"] = "10.1.2.3/8, 192.0.2.7, ::1, ::ffff:198.51.100.1"
	c, err := Load(env(m), Serve)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("198.51.100.1/32")}
	if !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("TRUSTED_PROXIES=%q: %v, want %v", m["TRUSTED_PROXIES"], c.TrustedProxies, want)
	}
	m["TRUSTED_PROXIES"] = "10.0.0.0/8, proxy.internal, 300.1.1.1"
	if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES:") || !strings.Contains(err.Error(), "proxy.internal") {
		t.Errorf("TRUSTED_PROXIES with bad entries = %v, want an error naming them", err)
	}
	if p, err := parseTrustedProxies(" , "); err != nil || len(p) != 0 {
		t.Errorf("parseTrustedProxies(blank) = %v, %v", p, err)
	}
}

// PUBLIC_URL is a base that paths are appended to: a query or fragment
// would land in the middle of every callback URL Twilio signs.
func TestPublicURLHasNoQueryOrFragment(t *testing.T) {
	for _, v := range []string{"https://texts.example.org?x=1", "https://texts.example.org/?", "https://texts.example.org#top",
		"https://texts.example.org/base#", "https://user:pw@texts.example.org"} {
		if _, err := Load(env(map[string]string{"PUBLIC_URL": v}), Dev); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL:") {
			t.Errorf("PUBLIC_URL=%s: Load error = %v, want one naming PUBLIC_URL", v, err)
		}
	}
	for _, v := range []string{"https://texts.example.org", "https://texts.example.org/base/", "http://localhost:8080"} {
		if _, err := Load(env(map[string]string{"PUBLIC_URL": v}), Dev); err != nil {
			t.Errorf("PUBLIC_URL=%s: Load error = %v, want none", v, err)
		}
	}
}

func TestLoadKeys(t *testing.T) {
	decode := func(s string) []byte { b, _ := base64.StdEncoding.DecodeString(s); return b }
	ring := func(m map[string]string) (*Config, error) {
		e := valid()
		delete(e, "DATA_KEY")
		maps.Copy(e, m)
		return Load(env(e), Serve)
	}
	c, err := ring(map[string]string{"DATA_KEYS": "2:" + testKey2 + ", 1:" + testKey1})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.DataKeys) != 2 || c.DataKeys[0].ID != 2 || c.DataKeys[1].ID != 1 || !bytes.Equal(c.DataKeys[0].Secret, decode(testKey2)) {
		t.Errorf("DATA_KEYS = %v, want key 2 then key 1", c.DataKeys)
	}
	if !bytes.Equal(c.LookupKey, decode(testKey1)) {
		t.Error("the lookup key is not key 1's")
	}
	// Key 1 retired from the ring: the lookup key must be given.
	if _, err := ring(map[string]string{"DATA_KEYS": "3:" + testKey3 + ",2:" + testKey2}); err == nil || !strings.Contains(err.Error(), "LOOKUP_KEY:") {
		t.Errorf("DATA_KEYS without key 1 nor LOOKUP_KEY = %v, want LOOKUP_KEY named", err)
	}
	c, err = ring(map[string]string{"DATA_KEYS": "3:" + testKey3, "LOOKUP_KEY": testKey1})
	if err != nil || !bytes.Equal(c.LookupKey, decode(testKey1)) {
		t.Errorf("LOOKUP_KEY: %v, want key 1's bytes", err)
	}
	for name, m := range map[string]map[string]string{
		"both":          {"DATA_KEY": testKey1, "DATA_KEYS": "2:" + testKey2},
		"no ID":         {"DATA_KEYS": testKey2},
		"zero key":      {"DATA_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32))},
		"repeated byte": {"DATA_KEYS": "2:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))},
		"text":          {"DATA_KEY": base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))},
		"weak lookup":   {"DATA_KEY": testKey1, "LOOKUP_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32))},
	} {
		_, err := ring(m)
		if err == nil || !strings.Contains(err.Error(), "DATA_KEY") && !strings.Contains(err.Error(), "LOOKUP_KEY") {
			t.Errorf("%s: Load = %v, want a key problem", name, err)
			continue
		}
		for _, v := range m {
			for _, part := range strings.Split(v, ",") {
				if _, key, _ := strings.Cut(part, ":"); len(key) > 8 && strings.Contains(err.Error(), key) || strings.Contains(err.Error(), v) {
					t.Errorf("%s: the error repeats a key: %v", name, err)
				}
			}
		}
	}
	if _, err := ring(nil); err == nil || !strings.Contains(err.Error(), "DATA_KEY: required") {
		t.Errorf("no key: %v, want DATA_KEY required", err)
	}
	keys, lookup, err := Keys(env(map[string]string{"DATA_KEYS": "2:" + testKey2 + ",1:" + testKey1}))
	if err != nil || len(keys) != 2 || !bytes.Equal(lookup, decode(testKey1)) {
		t.Errorf("Keys = %v, %v, want the ring and key 1 as the lookup key", keys, err)
	}
}
