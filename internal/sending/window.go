package sending

import (
	"time"
)

// Window is the part of each local day when sequence messages may go out,
// as offsets from local midnight: Start ≤ t < End.
type Window struct {
	Start, End time.Duration
}

// Federal is the widest window the law allows anywhere in the US (47 CFR 64.1200).
var Federal = Window{Start: 8 * time.Hour, End: 21 * time.Hour}

// at returns the moment a day's offset falls on, in loc, on the day of t.
func at(t time.Time, off time.Duration) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, t.Location())
}

// open tells whether t is inside the window in loc.
func (w Window) open(t time.Time, loc *time.Location) bool {
	local := t.In(loc)
	return !local.Before(at(local, w.Start)) && local.Before(at(local, w.End))
}

// NextOpen returns the earliest moment ≥ t at which the window is open in
// every one of zones, and how long from then until it first closes in any
// of them. With no zones it answers for UTC.
func (w Window) NextOpen(t time.Time, zones []*time.Location) (time.Time, time.Duration) {
	next, left, _ := w.NextOpenAll(t, zones)
	return next, left
}

// NextOpenAll is NextOpen, and ok is false when no moment in the next few
// days is open in every zone (zones further apart than the window is
// long): the moment returned is then not open everywhere.
func (w Window) NextOpenAll(t time.Time, zones []*time.Location) (next time.Time, left time.Duration, ok bool) {
	if len(zones) == 0 {
		zones = []*time.Location{time.UTC}
	}
	candidate := t
	// Each pass moves candidate to the next opening in a zone where it is
	// closed; zones differ by hours, so a few passes settle it. The bound
	// guards against zones whose windows never overlap.
	for pass := 0; pass < 16; pass++ {
		moved := false
		for _, loc := range zones {
			if w.open(candidate, loc) {
				continue
			}
			local := candidate.In(loc)
			next := at(local, w.Start)
			if !next.After(local) {
				next = at(local.AddDate(0, 0, 1), w.Start)
			}
			candidate, moved = next, true
		}
		if !moved {
			break
		}
	}
	left = time.Duration(1<<63 - 1)
	ok = true
	for _, loc := range zones {
		ok = ok && w.open(candidate, loc)
		local := candidate.In(loc)
		if d := at(local, w.End).Sub(local); d < left {
			left = d
		}
	}
	return candidate, left, ok
}
