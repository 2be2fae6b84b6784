package sending

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWindowNextOpen(t *testing.T) {
	ny, chi, la := mustLoad(t, "America/New_York"), mustLoad(t, "America/Chicago"), mustLoad(t, "America/Los_Angeles")
	w := Window{Start: 8 * time.Hour, End: 20 * time.Hour}
	tests := []struct {
		name  string
		now   time.Time
		zones []*time.Location
		want  time.Time
		left  time.Duration
	}{
		{"inside in New York", time.Date(2026, 3, 2, 12, 0, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 2, 12, 0, 0, 0, ny), 8 * time.Hour},
		{"at opening", time.Date(2026, 3, 2, 8, 0, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 2, 8, 0, 0, 0, ny), 12 * time.Hour},
		{"at closing waits for tomorrow", time.Date(2026, 3, 2, 20, 0, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 3, 8, 0, 0, 0, ny), 12 * time.Hour},
		{"night waits for morning", time.Date(2026, 3, 2, 23, 30, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 3, 8, 0, 0, 0, ny), 12 * time.Hour},
		{"early morning", time.Date(2026, 3, 2, 6, 59, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 2, 8, 0, 0, 0, ny), 12 * time.Hour},
		// 08:30 in New York is 07:30 in Chicago: an area code in both waits for Chicago.
		{"two zones wait for the later opening", time.Date(2026, 3, 2, 8, 30, 0, 0, ny), []*time.Location{ny, chi}, time.Date(2026, 3, 2, 8, 0, 0, 0, chi), 11 * time.Hour},
		// 19:30 Chicago is 20:30 New York: closed for the New York half.
		{"two zones close at the earlier closing", time.Date(2026, 3, 2, 19, 30, 0, 0, chi), []*time.Location{ny, chi}, time.Date(2026, 3, 3, 8, 0, 0, 0, chi), 11 * time.Hour},
		{"pacific", time.Date(2026, 3, 2, 9, 0, 0, 0, ny), []*time.Location{la}, time.Date(2026, 3, 2, 8, 0, 0, 0, la), 12 * time.Hour},
		// On the night clocks spring forward, 08:00 still comes as 08:00.
		{"across daylight saving", time.Date(2026, 3, 7, 22, 0, 0, 0, ny), []*time.Location{ny}, time.Date(2026, 3, 8, 8, 0, 0, 0, ny), 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, left := w.NextOpen(tt.now, tt.zones)
			if !got.Equal(tt.want) || left != tt.left {
				t.Errorf("NextOpen(%v) = %v, %v, want %v, %v", tt.now, got, left, tt.want, tt.left)
			}
			for _, loc := range tt.zones {
				if !w.open(got, loc) {
					t.Errorf("NextOpen(%v) = %v, closed in %v", tt.now, got, loc)
				}
			}
		})
	}
}

// Whatever the moment and zones, the answer is open everywhere and not in the past.
func TestWindowNextOpenAlwaysOpen(t *testing.T) {
	zones := []*time.Location{mustLoad(t, "America/New_York"), mustLoad(t, "America/Chicago"), mustLoad(t, "America/Denver"), mustLoad(t, "Pacific/Honolulu")}
	w := Window{Start: 8 * time.Hour, End: 20 * time.Hour}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 24*4*400; i += 7 {
		now := start.Add(time.Duration(i) * 15 * time.Minute)
		for n := 1; n <= len(zones); n++ {
			got, left := w.NextOpen(now, zones[:n])
			if got.Before(now) || left <= 0 {
				t.Fatalf("NextOpen(%v, %d zones) = %v, %v", now, n, got, left)
			}
			for _, loc := range zones[:n] {
				if !w.open(got, loc) {
					t.Fatalf("NextOpen(%v, %d zones) = %v, closed in %v", now, n, got, loc)
				}
			}
		}
	}
}
