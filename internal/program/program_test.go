package program

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"textsupport/internal/message"
)

func TestLoadDefault(t *testing.T) {
	t.Parallel()
	p, err := Load("")
	if err != nil {
		t.Fatalf("Load(\"\") = %v", err)
	}
	for _, l := range p.SegmentReport() {
		t.Log(l)
	}
	if len(p.Warnings) > 0 {
		t.Errorf("the default program has warnings:\n%s", strings.Join(p.Warnings, "\n"))
	}
	if !slices.Equal(p.Keywords, []string{"JOIN", "HOPE"}) {
		t.Errorf("Keywords = %q, want [JOIN HOPE]", p.Keywords)
	}
	if want := (Window{8 * time.Hour, 20 * time.Hour}); p.SendWindow != want {
		t.Errorf("SendWindow = %+v, want %+v", p.SendWindow, want)
	}
	if p.DailyCap != 3 || p.Frequency != "Up to 3 msgs/day" || p.DefaultTimeZone != "America/New_York" {
		t.Errorf("DailyCap, Frequency, DefaultTimeZone = %d, %q, %q", p.DailyCap, p.Frequency, p.DefaultTimeZone)
	}
	if !strings.HasPrefix(p.Support.Phone, "1-800-555-01") {
		t.Errorf("Support.Phone = %q, want a fictional 555-01xx number", p.Support.Phone)
	}
	if len(p.Sequence) < 10 {
		t.Errorf("%d sequence steps, want at least 10", len(p.Sequence))
	}
	for i, s := range p.Sequence {
		if s.Encoding != message.GSM7 || s.Segments > 2 {
			t.Errorf("sequence[%d] = %d segments %s, want at most 2 GSM-7", i, s.Segments, s.Encoding)
		}
		if strings.Contains(s.Body, "{{") {
			t.Errorf("sequence[%d] has an unfilled placeholder: %q", i, s.Body)
		}
	}
	for name, text := range p.Replies.ByName() {
		if n, enc := message.Segments(text); enc != message.GSM7 || n > 2 {
			t.Errorf("replies.%s = %d segments %s", name, n, enc)
		}
	}
	// What the CTIA asks of the confirmation, spelled out once more here.
	for _, piece := range []string{"Recovery Text Support", "Up to 3 msgs/day", "Msg & data rates may apply",
		"Reply HELP for help", "Reply STOP to opt out", "http://localhost:8080/terms", "http://localhost:8080/privacy"} {
		if !strings.Contains(p.Replies.Confirmation, piece) {
			t.Errorf("Confirmation = %q, want it to contain %q", p.Replies.Confirmation, piece)
		}
	}
	for _, piece := range []string{"911", "988", p.Support.Phone} {
		if !strings.Contains(p.Replies.Crisis, piece) || !strings.Contains(p.Replies.CrisisOptOut, piece) {
			t.Errorf("crisis replies lack %q", piece)
		}
	}
}

// validFile is a small program that passes every check; the broken files
// below are this with one thing changed.
const validFile = `
name: Test Line
keywords: [join]
support:
  phone: 555-0100
  url: https://example.org/help
frequency: Up to 3 msgs/day
send_window: {start: "08:00", end: "20:00"}
daily_cap: 3
time_zone: America/Chicago
terms_url: /terms
privacy_url: /privacy
replies:
  confirmation: "{{.Name}}: texts. {{.Frequency}}. Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out. Terms & privacy: {{.Support.URL}}"
  pending_confirm: "{{.Name}}: Reply YES to confirm."
  already_active: "{{.Name}}: you're in."
  help: "{{.Name}}: call {{.Support.Phone}}. Reply STOP to opt out."
  stop: "{{.Name}}: no more messages."
  crisis: "Call 911 or 988. Us: {{.Support.Phone}}"
  crisis_opt_out: "Call 911 or 988. Us: {{.Support.Phone}}. {{.Name}}: no more messages."
  free_text: "{{.Name}}: call {{.Support.Phone}}."
  free_text_ack: "{{.Name}}: got it. Call {{.Support.Phone}}."
sequence:
  - id: hello
    after: 1m
    body: "{{.Name}}: hello"
  - id: second
    after: 24h
    body: second
`

func TestParseValid(t *testing.T) {
	t.Parallel()
	p, err := Parse([]byte(validFile))
	if err != nil {
		t.Fatalf("Parse(validFile) = %v", err)
	}
	if len(p.Warnings) > 0 {
		t.Errorf("Warnings = %q, want none", p.Warnings)
	}
	if p.Keywords[0] != "JOIN" {
		t.Errorf("Keywords = %q, want upper case", p.Keywords)
	}
	if p.TermsURL != "/terms" || p.PrivacyURL != "/privacy" {
		t.Errorf("TermsURL, PrivacyURL = %q, %q", p.TermsURL, p.PrivacyURL)
	}
	want := []Step{
		{ID: "hello", After: time.Minute, Body: "Test Line: hello", Segments: 1, Encoding: message.GSM7},
		{ID: "second", After: 24 * time.Hour, Body: "second", Segments: 1, Encoding: message.GSM7},
	}
	if !slices.Equal(p.Sequence, want) {
		t.Errorf("Sequence = %+v, want %+v", p.Sequence, want)
	}
	if got := len(p.SegmentReport()); got != len(replyFields)+len(want) {
		t.Errorf("SegmentReport has %d lines, want %d", got, len(replyFields)+len(want))
	}
}

func TestParseBroken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		old     string // replaced in validFile by new
		new     string
		wantErr []string // each must appear in the error
	}{
		{"empty file", validFile, "", []string{"empty"}},
		{"not YAML", "name: Test Line", "name: [Test", []string{"not valid YAML"}},
		{"top level list", validFile, "- a\n- b\n", []string{"the file: want keys and values"}},
		{"unknown top key", "daily_cap: 3", "daily_cap: 3\ncolour: blue", []string{"colour: unknown key (line"}},
		{"unknown nested key", "  url: https://example.org/help", "  url: https://example.org/help\n  fax: 1", []string{"support.fax: unknown key"}},
		{"unknown step key", "    body: second", "    body: second\n    boddy: x", []string{"sequence[1].boddy: unknown key"}},
		{"unknown reply key", "  stop: ", "  goodbye: x\n  stop: ", []string{"replies.goodbye: unknown key"}},
		{"key twice", "daily_cap: 3", "daily_cap: 3\ndaily_cap: 2", []string{"daily_cap: given twice"}},
		{"name missing", "name: Test Line", "", []string{"name: missing"}},
		{"name a list", "name: Test Line", "name: [a, b]", []string{"name: want a single value"}},
		{"keywords missing", "keywords: [join]", "", []string{"keywords: missing"}},
		{"keyword reserved", "keywords: [join]", "keywords: [join, stop]", []string{`keywords[1]: "STOP" is reserved`}},
		{"keyword reserved help", "keywords: [join]", "keywords: [INFO]", []string{`keywords[0]: "INFO" is reserved`}},
		{"keyword crisis", "keywords: [join]", "keywords: [OD]", []string{`keywords[0]: "OD" is reserved`}},
		{"keyword two words", "keywords: [join]", "keywords: [join us]", []string{"keywords[0]", "one word"}},
		{"keyword twice", "keywords: [join]", "keywords: [join, JOIN]", []string{"keywords[1]", "twice"}},
		{"keywords scalar", "keywords: [join]", "keywords: join", []string{"keywords: want a list"}},
		{"phone missing", "  phone: 555-0100", "", []string{"support.phone: missing"}},
		{"phone letters", "  phone: 555-0100", "  phone: call-us", []string{"support.phone", "not a phone number"}},
		{"url relative", "  url: https://example.org/help", "  url: example.org/help", []string{"support.url", "absolute"}},
		{"frequency missing", "frequency: Up to 3 msgs/day", "", []string{"frequency: missing"}},
		{"frequency below cap", "frequency: Up to 3 msgs/day", "frequency: Up to 2 msgs/day", []string{"frequency", "daily_cap is 3"}},
		{"window start bad", `start: "08:00"`, `start: "8am"`, []string{`send_window.start: "8am": want HH:MM`}},
		{"window end 25h", `end: "20:00"`, `end: "25:00"`, []string{"send_window.end", "not a time of day"}},
		{"window reversed", `send_window: {start: "08:00", end: "20:00"}`, `send_window: {start: "20:00", end: "09:00"}`, []string{"send_window: start 20:00 is not before end 09:00"}},
		{"window outside federal", `send_window: {start: "08:00", end: "20:00"}`, `send_window: {start: "05:00", end: "07:30"}`, []string{"send_window: 05:00 to 07:30 lies outside"}},
		{"window missing", `send_window: {start: "08:00", end: "20:00"}`, "", []string{"send_window.start: missing", "send_window.end: missing"}},
		{"daily cap zero", "daily_cap: 3", "daily_cap: 0", []string{"daily_cap: 0: must be at least 1"}},
		{"daily cap text", "daily_cap: 3", "daily_cap: three", []string{`daily_cap: "three" is not a whole number`}},
		{"time zone bad", "time_zone: America/Chicago", "time_zone: Mars/Olympus", []string{`time_zone: "Mars/Olympus"`}},
		{"time zone Local", "time_zone: America/Chicago", "time_zone: Local", []string{`time_zone: "Local"`}},
		{"terms bad", "terms_url: /terms", "terms_url: terms", []string{"terms_url", "neither"}},
		{"confirmation lacks STOP", "Reply STOP to opt out. Terms", "Terms", []string{`replies.confirmation: must contain "Reply STOP to opt out"`}},
		{"confirmation stop2quit", "Reply STOP to opt out. Terms", "Reply STOP2QUIT. Terms", []string{`replies.confirmation: must contain "Reply STOP to opt out"`}},
		{"confirmation lacks HELP", "Reply HELP for help. ", "", []string{`replies.confirmation: must contain "Reply HELP for help"`}},
		{"confirmation lacks rates", "Msg & data rates may apply. ", "", []string{`must contain "Msg & data rates may apply"`}},
		{"confirmation lacks frequency", "texts. {{.Frequency}}.", "texts.", []string{"replies.confirmation: must contain the frequency"}},
		{"confirmation lacks name", `confirmation: "{{.Name}}: texts.`, `confirmation: "texts.`, []string{"replies.confirmation: must contain the program name"}},
		{"confirmation lacks terms", "Terms & privacy: {{.Support.URL}}", "", []string{`the word "terms"`, "a link to the terms and privacy policy"}},
		{"confirmation other link only", "Terms & privacy: {{.Support.URL}}", "Terms & privacy: https://elsewhere.test", []string{"replies.confirmation: must contain a link to the terms"}},
		{"help lacks contact", "help: \"{{.Name}}: call {{.Support.Phone}}.", "help: \"{{.Name}}: hi.", []string{"replies.help: must contain the support phone or URL"}},
		{"help lacks STOP", "call {{.Support.Phone}}. Reply STOP to opt out.\"", "call {{.Support.Phone}}.\"", []string{`replies.help: must contain "Reply STOP"`}},
		{"stop lacks no more", `stop: "{{.Name}}: no more messages."`, `stop: "{{.Name}}: bye."`, []string{"replies.stop: must contain that no more messages will come"}},
		{"crisis lacks 988", `crisis: "Call 911 or 988.`, `crisis: "Call 911.`, []string{`replies.crisis: must contain "988"`}},
		{"crisis lacks line", `crisis: "Call 911 or 988. Us: {{.Support.Phone}}"`, `crisis: "Call 911 or 988."`, []string{"replies.crisis: must contain the 24/7 line"}},
		{"pending lacks YES", `pending_confirm: "{{.Name}}: Reply YES to confirm."`, `pending_confirm: "{{.Name}}: hi"`, []string{`replies.pending_confirm: must contain "Reply YES"`}},
		{"reply missing", `  already_active: "{{.Name}}: you're in."`, "", []string{"replies.already_active: missing"}},
		{"reply bad template", `already_active: "{{.Name}}: you're in."`, `already_active: "{{.Name: you're in."`, []string{"replies.already_active:"}},
		{"reply unknown placeholder", `already_active: "{{.Name}}: you're in."`, `already_active: "{{.Nmae}}: you're in."`, []string{"replies.already_active:", "Nmae"}},
		{"sequence missing", "sequence:", "nothing:", []string{"sequence: missing"}},
		{"sequence empty", "sequence:\n  - id: hello\n    after: 1m\n    body: \"{{.Name}}: hello\"\n  - id: second\n    after: 24h\n    body: second\n", "sequence: []\n", []string{"sequence: missing"}},
		{"after bad", "after: 24h", "after: 3x", []string{`sequence[1].after: "3x": invalid duration`}},
		{"after negative", "after: 24h", "after: -1h", []string{`sequence[1].after: "-1h": must not be negative`}},
		{"after out of order", "after: 24h", "after: 30s", []string{`sequence[1].after: "30s" comes before`}},
		{"after missing", "    after: 24h\n", "", []string{"sequence[1].after: missing"}},
		{"id missing", "  - id: second\n", "  - \n", []string{"sequence[1].id: missing"}},
		{"id twice", "id: second", "id: hello", []string{`sequence[1].id: "hello" is also sequence[0]'s id`}},
		{"id malformed", "id: second", "id: Second Step", []string{`sequence[1].id: "Second Step": use`}},
		{"body missing", "    body: second\n", "", []string{"sequence[1].body: missing"}},
		{"body blank after render", "    body: second\n", "    body: \"{{if false}}x{{end}}\"\n", []string{"sequence[1].body: empty once"}},
		{"more documents", validFile, validFile + "\n---\nname: x\n", []string{"more than one YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(validFile, tt.old) {
				t.Fatalf("validFile lacks %q", tt.old)
			}
			data := strings.Replace(validFile, tt.old, tt.new, 1)
			p, err := Parse([]byte(data))
			if err == nil {
				t.Fatalf("Parse(%s) = nil error, want %q", tt.name, tt.wantErr)
			}
			if p != nil {
				t.Errorf("Parse(%s) returned a program with its error", tt.name)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%s) = %v, want it to contain %q", tt.name, err, w)
				}
			}
		})
	}
}

// Every problem is reported at once.
func TestParseReportsEverything(t *testing.T) {
	t.Parallel()
	data := strings.NewReplacer("daily_cap: 3", "daily_cap: 0", "after: 24h", "after: soon",
		"  url: https://example.org/help", "  url: https://example.org/help\n  fax: 1").Replace(validFile)
	_, err := Parse([]byte(data))
	if err == nil {
		t.Fatal("Parse = nil error")
	}
	for _, w := range []string{"daily_cap:", "sequence[1].after:", "support.fax:"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Parse = %v, want it to mention %s", err, w)
		}
	}
}

func TestSendWindowNarrowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, start, end string
		want             Window
		warnings         []string
	}{
		{"inside", "09:30", "17:45", Window{9*time.Hour + 30*time.Minute, 17*time.Hour + 45*time.Minute}, nil},
		{"federal exactly", "08:00", "21:00", Federal, nil},
		{"early start", "07:00", "20:00", Window{8 * time.Hour, 20 * time.Hour}, []string{"send_window.start: 07:00 is before 08:00"}},
		{"late end", "08:00", "22:30", Window{8 * time.Hour, 21 * time.Hour}, []string{"send_window.end: 22:30 is after 21:00"}},
		{"whole day", "00:00", "24:00", Federal, []string{"send_window.start", "send_window.end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := strings.Replace(validFile, `send_window: {start: "08:00", end: "20:00"}`,
				`send_window: {start: "`+tt.start+`", end: "`+tt.end+`"}`, 1)
			p, err := Parse([]byte(data))
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if p.SendWindow != tt.want {
				t.Errorf("SendWindow = %+v, want %+v", p.SendWindow, tt.want)
			}
			if len(p.Warnings) != len(tt.warnings) {
				t.Errorf("Warnings = %q, want %d", p.Warnings, len(tt.warnings))
			}
			for _, w := range tt.warnings {
				if !slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("Warnings = %q, want one containing %q", p.Warnings, w)
				}
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	p, err := Parse([]byte(validFile))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"confirmation":    "Test Line: texts. Up to 3 msgs/day. Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out. Terms & privacy: https://example.org/help",
		"pending_confirm": "Test Line: Reply YES to confirm.",
		"already_active":  "Test Line: you're in.",
		"help":            "Test Line: call 555-0100. Reply STOP to opt out.",
		"stop":            "Test Line: no more messages.",
		"crisis":          "Call 911 or 988. Us: 555-0100",
		"crisis_opt_out":  "Call 911 or 988. Us: 555-0100. Test Line: no more messages.",
		"free_text":       "Test Line: call 555-0100.",
		"free_text_ack":   "Test Line: got it. Call 555-0100.",
	}
	got := p.Replies.ByName()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("replies.%s = %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ByName has %d replies, want %d", len(got), len(want))
	}

	// Every field a placeholder may use.
	data := strings.Replace(validFile, "body: second",
		`body: "{{.Name}}|{{.Support.Phone}}|{{.Support.URL}}|{{.Frequency}}|{{.DailyCap}}|{{.TermsURL}}|{{.PrivacyURL}}|{{.DefaultTimeZone}}|{{index .Keywords 0}}"`, 1)
	p, err = Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	const all = "Test Line|555-0100|https://example.org/help|Up to 3 msgs/day|3|http://localhost:8080/terms|http://localhost:8080/privacy|America/Chicago|JOIN"
	if got := p.Sequence[1].Body; got != all {
		t.Errorf("sequence[1].body = %q, want %q", got, all)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 70)
	data := strings.NewReplacer(
		"body: second", "body: \"Heroin can wait. Don\u2019t worry\"",
		`crisis: "Call 911 or 988. Us: {{.Support.Phone}}"`, `crisis: "Call 911 or 988. Us: {{.Support.Phone}}. `+long+`"`,
		"daily_cap: 3", "daily_cap: 4", "Up to 3 msgs/day", "Up to 4 msgs/day",
	).Replace(validFile)
	p, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`sequence[1].body: "Heroin" in the first 60 characters`,
		"sequence[1].body: sent as UCS-2",
		"replies.crisis: 3 segments",
		"daily_cap: 4 a day",
	} {
		if !slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("Warnings = %q, want one containing %q", p.Warnings, w)
		}
	}
	if p.Sequence[1].Encoding != message.UCS2 {
		t.Errorf("sequence[1] encoding = %s, want UCS-2", p.Sequence[1].Encoding)
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "program.yaml")
	if err := os.WriteFile(path, []byte(validFile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil || p.Name != "Test Line" {
		t.Fatalf("Load(%s) = %v, %v", path, p, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("Load(missing) = nil error")
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(validFile, "daily_cap: 3", "daily_cap: 0", 1)), 0o600)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "daily_cap") {
		t.Errorf("Load(bad) = %v, want the path and daily_cap", err)
	}
}

// Terms and privacy default to the service's own pages, and texts carry
// them absolute on the service's public URL; an absolute link stays as is.
func TestLinks(t *testing.T) {
	t.Parallel()
	public, _ := url.Parse("https://texts.provider.test/base")
	withLinks := strings.Replace(validFile, "Terms & privacy: {{.Support.URL}}", "Terms: {{.TermsURL}} Privacy: {{.PrivacyURL}}", 1)
	tests := []struct {
		name, file                       string
		termsURL, termsLink, privacyLink string
	}{
		{"left out", strings.NewReplacer("terms_url: /terms\n", "", "privacy_url: /privacy\n", "").Replace(withLinks),
			"/terms", "https://texts.provider.test/base/terms", "https://texts.provider.test/base/privacy"},
		{"paths", withLinks,
			"/terms", "https://texts.provider.test/base/terms", "https://texts.provider.test/base/privacy"},
		{"absolute", strings.Replace(withLinks, "terms_url: /terms", "terms_url: https://provider.test/sms-terms", 1),
			"https://provider.test/sms-terms", "https://provider.test/sms-terms", "https://texts.provider.test/base/privacy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParseFor([]byte(tt.file), public)
			if err != nil {
				t.Fatal(err)
			}
			if p.TermsURL != tt.termsURL || p.TermsLink != tt.termsLink || p.PrivacyLink != tt.privacyLink {
				t.Errorf("TermsURL, TermsLink, PrivacyLink = %q, %q, %q, want %q, %q, %q",
					p.TermsURL, p.TermsLink, p.PrivacyLink, tt.termsURL, tt.termsLink, tt.privacyLink)
			}
			want := "Terms: " + tt.termsLink + " Privacy: " + tt.privacyLink
			if !strings.Contains(p.Replies.Confirmation, want) {
				t.Errorf("Confirmation = %q, want it to contain %q", p.Replies.Confirmation, want)
			}
		})
	}
}

// Example domains and fictional numbers are named by field, once each, in
// the file as written; real content is not.
func TestPlaceholderContent(t *testing.T) {
	t.Parallel()
	def, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"support.phone: a fictional 555-01xx number", "support.url: an example address (example.org)"}; !slices.Equal(def.Placeholders, want) {
		t.Errorf("default program: Placeholders = %q, want %q", def.Placeholders, want)
	}

	real := strings.NewReplacer("555-0100", "1-800-662-4357", "https://example.org/help", "https://provider.test/help").Replace(validFile)
	p, err := Parse([]byte(real))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Placeholders) > 0 {
		t.Errorf("real content: Placeholders = %q, want none", p.Placeholders)
	}

	for _, tt := range []struct{ name, old, new, want string }{
		{"number in a text", "body: second", "body: Call (212) 555-0123", "sequence[1].body: a fictional 555-01xx number"},
		{"e164 number", "body: second", "body: Call +12125550199 now", "sequence[1].body: a fictional 555-01xx number"},
		{"subdomain", "body: second", "body: see https://www.Example.com/x", "sequence[1].body: an example address (www.example.com)"},
		{"terms", "terms_url: /terms", "terms_url: https://example.net/terms", "terms_url: an example address (example.net)"},
		{"support", "  url: https://provider.test/help", "  url: https://help.example", "support.url: an example address (help.example)"},
	} {
		p, err := Parse([]byte(strings.Replace(real, tt.old, tt.new, 1)))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(p.Placeholders, []string{tt.want}) {
			t.Errorf("%s: Placeholders = %q, want [%q]", tt.name, p.Placeholders, tt.want)
		}
	}
	// Not fictional: 555 followed by other digits, or inside a longer number.
	for _, ok := range []string{"Call 1-800-555-2368", "Ref 95550123", "5550100123"} {
		p, err := Parse([]byte(strings.Replace(real, "body: second", "body: "+ok, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Placeholders) > 0 {
			t.Errorf("%q: Placeholders = %q, want none", ok, p.Placeholders)
		}
	}
}

// A send window shorter than an area code's zone spread is warned about.
func TestNarrowWindowWarns(t *testing.T) {
	t.Parallel()
	data := strings.Replace(validFile, `end: "20:00"`, `end: "10:30"`, 1)
	if data == validFile {
		t.Fatal("validFile has no send_window end of 20:00")
	}
	p, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "867") && !strings.Contains(w, "907") }) {
		t.Errorf("Warnings = %q, want one naming 867 (3h) and not 907 (2h)", p.Warnings)
	}
}
