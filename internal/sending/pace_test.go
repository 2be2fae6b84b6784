package sending

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"
)

// Sends never exceed SEND_RATE segments per second in any one-second
// window, measured where it matters: at the carrier.
func TestPacing(t *testing.T) {
	t.Parallel()
	const rate = 4 // segments per second
	b := setup(t, func(c *Config) { c.NoWork = false; c.Workers = 8; c.SendRate = rate })
	threeNow(b.program)
	perMessage := b.program.Sequence[0].Segments
	if perMessage < 1 {
		t.Fatal("step 0 has no segment count")
	}
	const subs = 4
	for i := range subs {
		b.subscribe(t, fmt.Sprintf("+1212555%04d", 3000+i), "")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.sender.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.sender.Stop(context.Background())
	want := subs * 3
	deadline := time.Now().Add(60 * time.Second)
	for len(b.fake.Requests()) < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var at []time.Time
	for _, r := range b.fake.Requests() {
		at = append(at, r.At)
	}
	if len(at) != want {
		t.Fatalf("carrier got %d requests, want %d", len(at), want)
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	// Most segments in any window [t, t+1s). Requests leave the sender
	// evenly spaced; on a loaded machine (the race detector, every package's
	// tests at once) one can reach the fake a few hundred milliseconds late
	// and arrive just before the next, so the window checked here is
	// shortened by that much. A pacing fault (a burst, a rate counted in
	// messages instead of segments) overfills even the shortened window by
	// whole messages.
	const jitter = 400 * time.Millisecond
	most, j := 0, 0
	for i := range at {
		for at[i].Sub(at[j]) >= time.Second-jitter {
			j++
		}
		most = max(most, (i-j+1)*perMessage)
	}
	if most > rate {
		t.Fatalf("%d segments reached the carrier within %v; SEND_RATE is %d", most, time.Second-jitter, rate)
	}
	t.Logf("%d messages of %d segments over %v; most segments in any second: %d", len(at), perMessage, at[len(at)-1].Sub(at[0]).Round(time.Millisecond), most)
}

// The spacer never holds a send (and so a subscriber's row lock) for long:
// a wait over maxSpacerWait is refused at once.
func TestSpacerRefusesLongWaits(t *testing.T) {
	p := newPacer(1)
	p.next = time.Now().Add(time.Minute)
	start := time.Now()
	if err := p.space(context.Background(), 1); !errors.Is(err, errPaceBusy) {
		t.Fatalf("space with a minute to wait = %v, want errPaceBusy", err)
	}
	if !p.next.After(start.Add(50 * time.Second)) {
		t.Fatalf("a refused wait moved the schedule")
	}
	p.next = time.Now().Add(10 * time.Millisecond)
	if err := p.space(context.Background(), 2); err != nil {
		t.Fatalf("space with 10ms to wait = %v", err)
	}
	if gap := p.next.Sub(time.Now()); gap < time.Second {
		t.Fatalf("after a 2-segment send at SEND_RATE=1 the next may go in %v, want ≥ 2s", gap)
	}
}

// A fresh pacer has nothing booked: nobody waits.
func TestFreshPacerIsNotBusy(t *testing.T) {
	if d := newPacer(1).busyFor(); d != 0 {
		t.Fatalf("busyFor on a fresh pacer = %v, want 0", d)
	}
}
