package signuppage

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"textsupport/internal/phone"
)

// signupForm is the sign-up form as posted. Only the POST body is read:
// a number in a query string would end up in logs and histories.
type signupForm struct {
	Phone   string // as typed
	Consent bool
	TZ      string
	// ConsentValue is the checkbox's raw value, kept as evidence.
	ConsentValue string
	// Honeypot is the field people never see; bots fill it in.
	Honeypot string
}

// fieldProblem is a problem shown beside a field and in the summary.
type fieldProblem struct {
	Field, Message string
}

// maxSignupField bounds what one field may hold; anything longer is not a
// phone number or a zone, and is not worth keeping.
const maxSignupField = 64

func readSignupForm(form url.Values) signupForm {
	f := signupForm{
		Phone:        clipField(form.Get("phone"), maxSignupField),
		ConsentValue: clipField(form.Get("consent"), maxSignupField),
		TZ:           clipField(strings.TrimSpace(form.Get("tz")), maxSignupField),
		Honeypot:     clipField(form.Get("website"), maxSignupField),
	}
	f.Consent = f.ConsentValue == "yes"
	return f
}

// clipField cuts s to at most n bytes on a rune boundary, and drops invalid UTF-8.
func clipField(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// validate checks the form and returns the number in E.164 and the
// problems, each worded for the person and placed beside its field. A
// number from a country not allowed is reported as notAllowed too, for
// the metrics.
func (f signupForm) validate(allowed []string) (e164 string, problems []fieldProblem, notAllowed bool) {
	switch n, err := phone.Normalize(f.Phone, allowed); {
	case strings.TrimSpace(f.Phone) == "":
		problems = append(problems, fieldProblem{"phone", "Enter your mobile phone number"})
	case errors.Is(err, phone.ErrNotAllowed):
		notAllowed = true
		problems = append(problems, fieldProblem{"phone", "Enter " + regionsPhrase(allowed) + " mobile number: we can only text numbers there"})
	case err != nil:
		problems = append(problems, fieldProblem{"phone", "Enter " + regionsPhrase(allowed) + " mobile number, like 212-555-0123"})
	default:
		e164 = n
	}
	if !f.Consent {
		problems = append(problems, fieldProblem{"consent", "Check the box to agree to get text messages"})
	}
	if f.TZ != "" && !validZone(f.TZ) {
		problems = append(problems, fieldProblem{"tz", "Choose your time zone from the list, or leave it as it is"})
	}
	return e164, problems, notAllowed
}

// validZone accepts IANA zone names the service can load ("America/Denver"),
// not "Local", which would mean the server's own zone.
func validZone(name string) bool {
	if name == "Local" || len(name) > maxSignupField {
		return false
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return false
		}
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

var regionAdjectives = map[string]string{"US": "US", "CA": "Canadian", "GB": "UK", "MX": "Mexican", "PR": "Puerto Rican"}

// regionsPhrase names the allowed countries as an adjective phrase:
// "a US or Canadian".
func regionsPhrase(allowed []string) string {
	if len(allowed) == 0 {
		allowed = phone.DefaultRegions
	}
	names := make([]string, 0, len(allowed))
	for _, r := range allowed {
		if n, ok := regionAdjectives[r]; ok {
			names = append(names, n)
		} else {
			names = append(names, r)
		}
	}
	var phrase string
	switch len(names) {
	case 1:
		phrase = names[0]
	default:
		phrase = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	if strings.ContainsRune("AEIOU", rune(phrase[0])) && !strings.HasPrefix(phrase, "US") && !strings.HasPrefix(phrase, "UK") {
		return "an " + phrase
	}
	return "a " + phrase
}
