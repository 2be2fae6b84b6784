package signuppage

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

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
