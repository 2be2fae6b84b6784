package phone

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, raw string
		allowed   []string
		want      string
		err       error
	}{
		{"us formatted", "(212) 555-0142", nil, "+12125550142", nil},
		{"us dashes", "212-555-0142", nil, "+12125550142", nil},
		{"us with country code", "+1 212 555 0142", nil, "+12125550142", nil},
		{"canada", "+1 416 555 0199", nil, "+14165550199", nil},
		{"uk not allowed by default", "+44 20 7946 0958", nil, "", ErrNotAllowed},
		{"uk allowed when configured", "+44 20 7946 0958", []string{"US", "GB"}, "+442079460958", nil},
		{"too short", "555-0142", nil, "", ErrInvalid},
		{"letters", "call me", nil, "", ErrInvalid},
		{"empty", "  ", nil, "", ErrInvalid},
		{"very long", "+1212555014212125550142121255501421212555014212", nil, "", ErrInvalid},
		{"invalid area code", "(099) 555-0142", nil, "", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.raw, tt.allowed)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("Normalize(%q) = %q, %v, want %q, %v", tt.raw, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestE164(t *testing.T) {
	for _, ok := range []string{"+12125550142", "+442079460958"} {
		if _, err := E164(ok); err != nil {
			t.Errorf("E164(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "12125550142", "+0125550142", "+1212555O142", "+1", "+12125550142123456"} {
		if _, err := E164(bad); err == nil {
			t.Errorf("E164(%q) = nil, want an error", bad)
		}
	}
}

func TestTimeZones(t *testing.T) {
	if got := TimeZones("+12125550142"); !slices.Equal(got, []string{"America/New_York"}) {
		t.Errorf("TimeZones(NYC) = %v, want [America/New_York]", got)
	}
	// 850 (Florida panhandle) spans Central and Eastern time.
	got := TimeZones("+18505550142")
	if !slices.Contains(got, "America/Chicago") || !slices.Contains(got, "America/New_York") {
		t.Errorf("TimeZones(850) = %v, want both America/Chicago and America/New_York", got)
	}
	// Every number of an area code gets the same zones, whatever its exchange.
	if a, b := TimeZones("+18502220142"), TimeZones("+18509990142"); !slices.Equal(a, b) {
		t.Errorf("TimeZones differs within area code 850: %v vs %v", a, b)
	}
	if got := TimeZones("+442079460958"); !slices.Equal(got, []string{"Europe/London"}) {
		t.Errorf("TimeZones(London) = %v, want [Europe/London]", got)
	}
}

func TestLast4(t *testing.T) {
	if got := Last4("+12125550142"); got != "0142" {
		t.Errorf("Last4 = %q, want 0142", got)
	}
	if got := Mask("0142"); got != "•••-•••-0142" {
		t.Errorf("Mask = %q", got)
	}
}

// Non-geographic area codes (toll-free, 5XX, 900 and the like) have no
// zone: the program's default applies, not every North American zone.
func TestTimeZonesNonGeographic(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"+18005550100", "+18335550100", "+18445550100", "+18555550100", "+18665550100",
		"+18775550100", "+18885550100", "+15005550100", "+15335550100", "+16005550100", "+17005550100", "+19005550100"} {
		if z := TimeZones(n); len(z) != 0 {
			t.Errorf("TimeZones(%s…) = %d zones, want none", n[:5], len(z))
		}
	}
	if z := TimeZones("+12125550100"); len(z) != 1 || z[0] != "America/New_York" {
		t.Errorf("TimeZones(+1212…) = %q, want New York", z)
	}
}

// Geographic codes that look like service codes stay geographic.
func TestGeographicLookAlikes(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"+15205550100", "+18085550100", "+18285550100", "+15035550100", "+18185550100"} {
		if NonGeographic(n) || len(TimeZones(n)) == 0 {
			t.Errorf("%s… taken for non-geographic", n[:5])
		}
	}
}

// The spreads the program check warns about match the time-zone data.
func TestWideAreaCodes(t *testing.T) {
	t.Parallel()
	for _, w := range WideAreaCodes {
		var most time.Duration
		for _, at := range []time.Time{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)} {
			lo, hi := 24*time.Hour, -24*time.Hour
			for _, z := range TimeZones("+1" + w.NPA + "5550100") {
				loc, err := time.LoadLocation(z)
				if err != nil {
					t.Fatal(err)
				}
				_, off := at.In(loc).Zone()
				lo, hi = min(lo, time.Duration(off)*time.Second), max(hi, time.Duration(off)*time.Second)
			}
			most = max(most, hi-lo)
		}
		if most != w.Spread {
			t.Errorf("area code %s: zones %v apart, WideAreaCodes says %v", w.NPA, most, w.Spread)
		}
	}
	// An area code not in service gets no zone, not all of them.
	if z := TimeZones("+19355550100"); len(z) != 0 {
		t.Errorf("TimeZones(+1935…) = %d zones, want none", len(z))
	}
}
