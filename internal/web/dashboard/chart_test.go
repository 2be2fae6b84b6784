package dashboard

import (
	"strings"
	"testing"
	"time"

	"textsupport/internal/store"
)

func TestNiceScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		lo, hi        float64
		n             int
		nlo, nhi, stp float64
	}{
		{"small counts step by whole numbers", 0, 4, 4, 0, 4, 2},
		{"a flat line still has a range", 7, 7, 5, 7, 8, 1},
		{"a million, moving by hundreds", 1_000_120, 1_000_480, 5, 1_000_100, 1_000_500, 100},
		{"daily counts", 0, 37, 4, 0, 40, 20},
	}
	for _, tt := range tests {
		nlo, nhi, step := niceScale(tt.lo, tt.hi, tt.n)
		if nlo != tt.nlo || nhi != tt.nhi || step != tt.stp {
			t.Errorf("%s: niceScale(%v, %v, %d) = %v, %v, %v, want %v, %v, %v", tt.name, tt.lo, tt.hi, tt.n, nlo, nhi, step, tt.nlo, tt.nhi, tt.stp)
		}
	}
}

func TestNiceNumber(t *testing.T) {
	t.Parallel()
	for x, want := range map[float64]float64{0.7: 1, 1: 1, 1.5: 2, 3: 5, 7: 10, 13: 20, 450: 500, 9000: 10000} {
		if got := niceNumber(x); got != want {
			t.Errorf("niceNumber(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestScaleY(t *testing.T) {
	t.Parallel()
	y := scaleY(0, 100, 0, 140)
	for v, want := range map[float64]float64{0: 140, 50: 70, 100: 0} {
		if got := y(v); got != want {
			t.Errorf("scaleY(0, 100, 0, 140)(%v) = %v, want %v", v, got, want)
		}
	}
	if got := scaleY(5, 5, 0, 140)(5); got != 140 {
		t.Errorf("scaleY of an empty range = %v, want the bottom (140)", got)
	}
}

func TestTicks(t *testing.T) {
	t.Parallel()
	got := ticks(0, 40, 20, scaleY(0, 40, 0, 100), 36)
	want := []tick{{136, "0"}, {86, "20"}, {36, "40"}}
	if len(got) != len(want) {
		t.Fatalf("ticks = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tick %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestCountLabels(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
	for v, want := range map[float64]string{950: "950", 9999: "9,999", 12000: "12k", 12500: "12.5k", 1_250_000: "1.25M", 2_000_000: "2M"} {
		if got := compactCount(v); got != want {
			t.Errorf("compactCount(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestBuildChart(t *testing.T) {
	t.Parallel()
	if c := buildChart(nil); len(c.Panels) != 0 || c.Summary != "" {
		t.Errorf("buildChart(no days) = %+v, want an empty chart", c)
	}

	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var days []store.Day
	for i := range 9 {
		days = append(days, store.Day{Date: start.AddDate(0, 0, i), Active: int64(1000 + 10*i), OptIns: int64(i), OptOuts: 1})
	}
	c := buildChart(days)
	if len(c.Panels) != 2 {
		t.Fatalf("buildChart: %d panels, want 2", len(c.Panels))
	}
	top, bottom := c.Panels[0], c.Panels[1]
	line := strings.Fields(top.Series[0].Points)
	if len(line) != len(days) || line[0] != "0.0,140.0" || line[len(line)-1] != "1000.0,0.0" {
		t.Errorf("active line = %v, want 9 points from the bottom left (0.0,140.0) to the top right (1000.0,0.0)", line)
	}
	if !strings.HasPrefix(top.Series[0].Area, "0,140.0 0.0,140.0") || !strings.HasSuffix(top.Series[0].Area, "1000.0,140.0") {
		t.Errorf("active area = %q, want it closed along the bottom", top.Series[0].Area)
	}
	if got := []string{bottom.Series[0].Name, bottom.Series[1].Name}; got[0] != "Opt-ins" || got[1] != "Opt-outs" {
		t.Errorf("daily series = %v", got)
	}
	var labels []string
	for _, x := range c.XTicks {
		labels = append(labels, x.Label+"@"+x.Anchor)
	}
	if got, want := strings.Join(labels, " "), "Mar 1@start Mar 3@middle Mar 5@middle Mar 7@middle Mar 9@end"; got != want {
		t.Errorf("date axis = %q, want %q", got, want)
	}
	want := "Over the 9 days from March 1 to March 9, active subscribers went from 1,000 to 1,080, with 36 opt-ins and 9 opt-outs in all."
	if c.Summary != want {
		t.Errorf("summary = %q, want %q", c.Summary, want)
	}

	// Two days: no date is repeated on the axis.
	two := buildChart(days[:2])
	if len(two.XTicks) != 2 {
		t.Errorf("two days: %d date labels, want 2: %+v", len(two.XTicks), two.XTicks)
	}
}
