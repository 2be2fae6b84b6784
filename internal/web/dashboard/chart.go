package dashboard

// The overview's trend chart: pure arithmetic from daily figures to SVG
// coordinates and labels, with no I/O.

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"textsupport/internal/store"
)

// chart is the trend drawn as SVG on the server: two panels over the same
// days, the active total above and the daily opt-ins and opt-outs below,
// each on its own scale, with the same figures in a table below it.
//
// It fits any width with text at its real size: the axis labels are in a
// narrow SVG of their own, the dates are placed in percent, and the lines
// are drawn in a nested SVG that stretches to the width (its strokes do
// not scale).
type chart struct {
	Height  int
	AxisY   float64 // where the date axis is
	Panels  []panel
	XTicks  []xTick
	Summary string
	Days    []store.Day
}

// DaysNewestFirst is the table under the chart.
func (c chart) DaysNewestFirst() []store.Day {
	out := make([]store.Day, len(c.Days))
	for i, d := range c.Days {
		out[len(out)-1-i] = d
	}
	return out
}

type panel struct {
	Title       string
	Top, Height float64
	TitleY      float64
	YTicks      []tick
	Series      []series
}

type series struct {
	Name   string
	Color  string
	Dash   string
	Points string // in the panel's own units: x 0–1000, y 0–Height
	Area   string // polygon under the line, "" for none
	// KeyX is where its key is drawn, counted from the right edge; 0 for none.
	KeyX float64
}

type tick struct {
	Pos   float64
	Label string
}

type xTick struct {
	Percent float64
	Label   string
	Anchor  string
	Minor   bool // left out on narrow screens
}

// plotWidth is the width of a panel's own coordinates.
const plotWidth = 1000

func buildChart(days []store.Day) chart {
	c := chart{Height: 410, AxisY: 380, Days: days}
	n := len(days)
	if n == 0 {
		return c
	}
	x := func(i int) float64 {
		if n == 1 {
			return 0
		}
		return float64(i) * plotWidth / float64(n-1)
	}
	line := func(vals []float64, y func(float64) float64) string {
		var b strings.Builder
		for i, v := range vals {
			fmt.Fprintf(&b, "%.1f,%.1f ", x(i), y(v))
		}
		return strings.TrimSpace(b.String())
	}
	active, ins, outs := make([]float64, n), make([]float64, n), make([]float64, n)
	lo, hi, hiDaily := math.Inf(1), math.Inf(-1), 0.0
	for i, d := range days {
		active[i], ins[i], outs[i] = float64(d.Active), float64(d.OptIns), float64(d.OptOuts)
		lo, hi = min(lo, active[i]), max(hi, active[i])
		hiDaily = max(hiDaily, ins[i], outs[i])
	}

	// The active total on its own range, so that a change of a few hundred
	// in a million still shows; the axis labels say where it starts.
	top := panel{Title: "Active subscribers, end of day", Top: 36, Height: 140, TitleY: 18}
	alo, ahi, astep := niceScale(max(0, lo), hi, 5)
	ay := scaleY(alo, ahi, 0, top.Height)
	top.YTicks = ticks(alo, ahi, astep, ay, top.Top)
	area := fmt.Sprintf("0,%.1f %s %.1f,%.1f", top.Height, line(active, ay), x(n-1), top.Height)
	top.Series = []series{{Name: "Active subscribers", Color: "#1b6e3a", Points: line(active, ay), Area: area}}

	bottom := panel{Title: "Per day", Top: 236, Height: c.AxisY - 236, TitleY: 218}
	_, dhi, dstep := niceScale(0, max(hiDaily, 4), 4)
	dy := scaleY(0, dhi, 0, bottom.Height)
	bottom.YTicks = ticks(0, dhi, dstep, dy, bottom.Top)
	bottom.Series = []series{
		{Name: "Opt-ins", Color: "#1d4ed8", Points: line(ins, dy), KeyX: 190},
		{Name: "Opt-outs", Color: "#b45309", Dash: "6 4", Points: line(outs, dy), KeyX: 90},
	}
	c.Panels = []panel{top, bottom}

	// Five dates across, the first and last kept inside the edges.
	for k := 0; k <= 4; k++ {
		i := k * (n - 1) / 4
		t := xTick{Percent: x(i) / plotWidth * 100, Label: days[i].Date.Format("Jan 2"), Anchor: "middle", Minor: k%2 == 1}
		switch k {
		case 0:
			t.Anchor = "start"
		case 4:
			t.Anchor = "end"
		}
		if k > 0 && i == (k-1)*(n-1)/4 {
			continue
		}
		c.XTicks = append(c.XTicks, t)
	}

	var sumIn, sumOut int64
	for _, d := range days {
		sumIn += d.OptIns
		sumOut += d.OptOuts
	}
	c.Summary = fmt.Sprintf("Over the %d days from %s to %s, active subscribers went from %s to %s, with %s opt-ins and %s opt-outs in all.",
		n, days[0].Date.Format("January 2"), days[n-1].Date.Format("January 2"),
		formatCount(days[0].Active), formatCount(days[n-1].Active), formatCount(sumIn), formatCount(sumOut))
	return c
}

// scaleY maps a value in [lo, hi] to a panel's y, top at 0.
func scaleY(lo, hi, top, bottom float64) func(float64) float64 {
	return func(v float64) float64 {
		if hi == lo {
			return bottom
		}
		return bottom - (v-lo)/(hi-lo)*(bottom-top)
	}
}

// ticks are the labelled values from lo to hi, at y offset by the panel's top.
func ticks(lo, hi, step float64, y func(float64) float64, offset float64) []tick {
	var out []tick
	for v := lo; v <= hi+step/2; v += step {
		out = append(out, tick{Pos: offset + y(v), Label: compactCount(v)})
	}
	return out
}

// niceScale widens [lo, hi] to round numbers with about n ticks, in whole
// steps (counts are whole numbers).
func niceScale(lo, hi float64, n int) (nlo, nhi, step float64) {
	if hi <= lo {
		hi = lo + 1
	}
	step = max(1, niceNumber((hi-lo)/float64(n-1)))
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

func niceNumber(x float64) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	switch {
	case f <= 1:
		f = 1
	case f <= 2:
		f = 2
	case f <= 5:
		f = 5
	default:
		f = 10
	}
	return f * math.Pow(10, exp)
}

// formatCount writes 1234567 as "1,234,567".
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// compactCount labels an axis: 950, 12k, 1.25M.
func compactCount(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v/1e6, 'f', 2, 64), "0"), ".") + "M"
	case a >= 1e4:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v/1e3, 'f', 1, 64), "0"), ".") + "k"
	default:
		return formatCount(int64(math.Round(v)))
	}
}
