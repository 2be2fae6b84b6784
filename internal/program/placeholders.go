package program

import (
	"fmt"
	"regexp"
	"strings"
)

// exampleDomain matches the domains reserved for examples (RFC 2606):
// example.org, .com, .net and their subdomains, and names under .example.
var exampleDomain = regexp.MustCompile(`(?i)\b(?:[a-z0-9-]+\.)*(?:example\.(?:org|com|net)|[a-z0-9-]+\.example)\b`)

// phoneLikeRun finds what may be a phone number: digits with the usual
// separators.
var phoneLikeRun = regexp.MustCompile(`\+?[0-9][0-9 .\-()]{5,}[0-9]`)

// hasFictionalNumber finds a NANP number reserved for fiction, 555-0100 to
// 555-0199, however it is written: 7 digits, 10, or 11 starting with 1.
func hasFictionalNumber(s string) bool {
	for _, run := range phoneLikeRun.FindAllString(s, -1) {
		d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, run)
		switch {
		case len(d) == 11 && d[0] == '1':
			d = d[4:]
		case len(d) == 10:
			d = d[3:]
		}
		if len(d) == 7 && strings.HasPrefix(d, "55501") {
			return true
		}
	}
	return false
}

// placeholders lists the example content left in the file: each field
// whose value (as written, before placeholders are filled, so a support
// number used by every text is named once) holds an example domain or a
// fictional number.
func (f *file) placeholders() []string {
	fields := []struct{ name, v string }{
		{"support.phone", f.Support.Phone}, {"support.url", f.Support.URL},
		{"terms_url", f.TermsURL}, {"privacy_url", f.PrivacyURL},
	}
	for _, r := range replyFields {
		fields = append(fields, struct{ name, v string }{"replies." + r.key, r.raw(&f.Replies)})
	}
	for i, s := range f.Sequence {
		fields = append(fields, struct{ name, v string }{fmt.Sprintf("sequence[%d].body", i), s.Body})
	}
	var found []string
	for _, fl := range fields {
		var what []string
		if d := exampleDomain.FindString(fl.v); d != "" {
			what = append(what, "an example address ("+strings.ToLower(d)+")")
		}
		if hasFictionalNumber(fl.v) {
			what = append(what, "a fictional 555-01xx number")
		}
		if len(what) > 0 {
			found = append(found, fl.name+": "+strings.Join(what, " and "))
		}
	}
	return found
}
