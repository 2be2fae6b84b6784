package carrier

import (
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		private  []string
	}{
		{in: "The 'To' number +15558675310 is not a valid phone number.", want: "The 'To' number [redacted] is not a valid phone number."},
		{in: "The 'To' number 15558675310 is not valid", want: "The 'To' number [redacted] is not valid"},
		{in: "To: +1 (555) 867-5310, From: 555.867.5310", want: "To: [redacted], From: [redacted]"},
		{in: "error 21211 at https://www.twilio.com/docs/errors/21211", want: "error 21211 at https://www.twilio.com/docs/errors/21211"},
		{in: "Attempt to send to unsubscribed recipient", want: "Attempt to send to unsubscribed recipient"},
		{in: "body 'see you at 5' rejected", private: []string{"see you at 5"}, want: "body '[redacted]' rejected"},
		{in: "number 5558675310", private: []string{"+15558675310"}, want: "number [redacted]"},
	}
	for _, tt := range tests {
		if got := scrub(tt.in, tt.private...); got != tt.want {
			t.Errorf("scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzScrub(f *testing.F) {
	f.Add("The 'To' number +15558675310 is not a valid phone number.", "+15558675310")
	f.Add("x 1-555-867-5310 y", "+15558675310")
	f.Fuzz(func(t *testing.T, msg, number string) {
		got := scrub(msg, number)
		if len(number) >= 3 && strings.Contains(got, number) && !strings.Contains(redacted, number) {
			t.Errorf("scrub(%q, %q) = %q still holds the number", msg, number, got)
		}
	})
}
