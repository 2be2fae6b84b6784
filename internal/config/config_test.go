package config

import (
	"strings"
	"testing"
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
		"DATA_KEY":           "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(valid()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.PublicURL.String() != "http://localhost:8080" || !c.TwilioHandlesOptOut ||
		c.SendRate != 1 || c.SendWorkers != 16 || c.TwilioAPIURL != "https://api.twilio.com" || len(c.DataKey) != 32 {
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
