package signuppage

import (
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted bool
		want    string
	}{
		{"no proxies configured: the peer, whatever the header says", "203.0.113.9:5000", []string{"198.51.100.1"}, false, "203.0.113.9"},
		{"untrusted peer: the header is ignored", "203.0.113.9:5000", []string{"198.51.100.1"}, true, "203.0.113.9"},
		{"trusted proxy: the client it saw", "10.1.2.3:5000", []string{"198.51.100.1"}, true, "198.51.100.1"},
		{"a chain of proxies: the nearest untrusted hop", "10.1.2.3:5000", []string{"198.51.100.1, 10.9.9.9"}, true, "198.51.100.1"},
		{"client-written entries further left are not believed", "10.1.2.3:5000", []string{"1.2.3.4, 198.51.100.1"}, true, "198.51.100.1"},
		{"several headers are one list", "192.0.2.7:5000", []string{"1.2.3.4", "198.51.100.2, 10.0.0.1"}, true, "198.51.100.2"},
		{"garbage in the chain: the last good address", "10.1.2.3:5000", []string{"nonsense, 10.4.4.4"}, true, "10.4.4.4"},
		{"only proxies: the furthest", "10.1.2.3:5000", []string{"10.4.4.4"}, true, "10.4.4.4"},
		{"no header from a proxy: the proxy", "10.1.2.3:5000", nil, true, "10.1.2.3"},
		{"IPv6 peer", "[2001:db8::5]:443", nil, true, "2001:db8::5"},
		{"IPv4-mapped", "[::ffff:203.0.113.9]:443", nil, false, "203.0.113.9"},
		{"IPv6 loopback proxy", "[::1]:443", []string{"2001:db8::7"}, true, "2001:db8::7"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/signup", nil)
		r.RemoteAddr = tt.remote
		for _, h := range tt.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		var tr []netip.Prefix
		if tt.trusted {
			tr = trusted
		}
		if got := clientAddress(r, tr); got.String() != tt.want {
			t.Errorf("%s: clientAddress = %s, want %s", tt.name, got, tt.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.internal, 300.1.1.1"); err == nil || !strings.Contains(err.Error(), "proxy.internal") {
		t.Errorf("ParseTrustedProxies with bad entries = %v, want an error naming them", err)
	}
	if p, err := ParseTrustedProxies(" "); err != nil || len(p) != 0 {
		t.Errorf("ParseTrustedProxies(blank) = %v, %v", p, err)
	}
}

func TestSignupWording(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		20 * time.Second: "in a minute", 5 * time.Minute: "in about 5 minutes", 59*time.Minute + time.Second: "in about an hour", 59 * time.Minute: "in about 59 minutes",
		70 * time.Minute: "in about an hour", 5 * time.Hour: "in about 5 hours",
	} {
		if got := retryIn(d); got != want {
			t.Errorf("retryIn(%s) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{8 * time.Hour: "8 am", 20 * time.Hour: "8 pm", 12 * time.Hour: "12 pm", 0: "12 am", 9*time.Hour + 30*time.Minute: "9:30 am"} {
		if got := clockTime(d); got != want {
			t.Errorf("clockTime(%s) = %q, want %q", d, got, want)
		}
	}
	for in, want := range map[string]string{"+12125550199": "(212) 555-0199", "+442071838750": "+442071838750", "": ""} {
		if got := displayNumber(in); got != want {
			t.Errorf("displayNumber(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"US,CA": "a US or Canadian", "US": "a US", "CA": "a Canadian", "US,CA,MX": "a US, Canadian or Mexican", "AU": "an AU"} {
		if got := regionsPhrase(strings.Split(in, ",")); got != want {
			t.Errorf("regionsPhrase(%s) = %q, want %q", in, got, want)
		}
	}
	if got := asSentence("Up to 3 msgs/day"); got != "Up to 3 msgs/day." {
		t.Errorf("asSentence = %q", got)
	}
	if got := asSentence("Msg frequency varies."); got != "Msg frequency varies." {
		t.Errorf("asSentence = %q", got)
	}
	if got := telLink("1-800-555-0142"); got != "18005550142" {
		t.Errorf("telLink = %q", got)
	}
	if got := sitePath("https://example.org/terms", "/terms"); got != "/terms" {
		t.Errorf("sitePath(absolute) = %q", got)
	}
	if got := sitePath("/sms-terms", "/terms"); got != "/sms-terms" {
		t.Errorf("sitePath(path) = %q", got)
	}
	for _, odd := range []string{"//evil.example/terms", "/terms?x=1", "/{id}", "/terms/*"} {
		if got := sitePath(odd, "/terms"); got != "/terms" {
			t.Errorf("sitePath(%q) = %q, want the default", odd, got)
		}
	}
	if got := plainText(`Reply <a href="/x">HELP</a> &amp; <b>STOP</b>
	now.`); got != "Reply HELP & STOP now." {
		t.Errorf("plainText = %q", got)
	}
}

// Whatever arrives, reading and checking the form never panics, keeps only
// valid UTF-8 of bounded length, and accepts a number only in E.164.
func FuzzSignupForm(f *testing.F) {
	for _, seed := range []string{
		"phone=212-555-0123&consent=yes&tz=America%2FChicago",
		"phone=%2B44+20+7183+8750&consent=yes",
		"phone=&consent=on&tz=Local",
		"phone=%FF%FE&consent=yes&tz=..%2F..%2Fetc%2Fpasswd",
		"phone=1&phone=2&consent=yes&consent=no&website=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		sf := readSignupForm(form)
		for _, v := range []string{sf.Phone, sf.TZ, sf.ConsentValue, sf.Honeypot} {
			if !utf8.ValidString(v) || len(v) > maxSignupField {
				t.Fatalf("field %q kept: invalid UTF-8 or longer than %d", v, maxSignupField)
			}
		}
		e164, problems, _ := sf.validate(nil)
		if len(problems) == 0 {
			if !strings.HasPrefix(e164, "+1") || !sf.Consent {
				t.Fatalf("accepted %+v as %q", sf, e164)
			}
			if sf.TZ != "" {
				if _, err := time.LoadLocation(sf.TZ); err != nil {
					t.Fatalf("accepted zone %q", sf.TZ)
				}
			}
		}
		for _, p := range problems {
			if p.Field != "phone" && p.Field != "consent" && p.Field != "tz" {
				t.Fatalf("problem for unknown field %q", p.Field)
			}
		}
	})
}
