package program

import (
	"fmt"
	"strings"
	"testing"
)

// The daily cap and the frequency wording, one step each, and the second
// held to the first.
func TestCheckDailyCapAndFrequency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cap, frequency string
		wantCap              int
		wantErr, wantWarn    string
	}{
		{"within the cap", "3", "Up to 3 msgs/day", 3, "", ""},
		{"wording says fewer than the cap", "3", "Up to 2 msgs/day", 3, `frequency: "Up to 2 msgs/day" promises at most 2 a day, but daily_cap is 3`, ""},
		{"wording without a number", "2", "A few a week", 2, "", ""},
		{"cap above the strictest states", "4", "Up to 4 texts per day", 4, "", "daily_cap: 4 a day is more than the 3 per 24 hours"},
		{"cap not a number", "three", "Up to 3 msgs/day", 0, `daily_cap: "three" is not a whole number`, ""},
		{"cap zero", "0", "Up to 3 msgs/day", 0, "daily_cap: 0: must be at least 1", ""},
		{"both missing", " ", "", 0, "daily_cap: missing", ""},
	}
	for _, tt := range tests {
		c := checker{}
		p := &Program{}
		f := &file{DailyCap: tt.cap, Frequency: tt.frequency}
		c.dailyCap(p, f)
		c.frequency(p, f)
		errs := fmt.Sprint(c.errs)
		if p.DailyCap != tt.wantCap {
			t.Errorf("%s: DailyCap = %d, want %d", tt.name, p.DailyCap, tt.wantCap)
		}
		if tt.wantErr == "" && len(c.errs) > 0 || !strings.Contains(errs, tt.wantErr) {
			t.Errorf("%s: errors %s, want %q", tt.name, errs, tt.wantErr)
		}
		if warns := strings.Join(c.warnings, "\n"); tt.wantWarn == "" && warns != "" || !strings.Contains(warns, tt.wantWarn) {
			t.Errorf("%s: warnings %q, want %q", tt.name, warns, tt.wantWarn)
		}
	}
}
