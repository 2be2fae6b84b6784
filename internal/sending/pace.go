package sending

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps this process's sends to rate segments per second in two
// stages. The token bucket is never waited on while the subscriber's row
// is locked (a send takes its tokens under the lock only if they are there
// at once), so that a STOP never queues behind pacing. The spacer is
// passed just before the carrier request, under the lock, so that the
// requests themselves, not just their reservations, are never closer
// together than the rate allows: no one-second window then holds more than
// the rate. A wait in the spacer longer than maxSpacerWait is refused
// (errPaceBusy) and the send goes back to the bucket without the lock, so
// a STOP never waits long behind pacing.
type pacer struct {
	bucket *rate.Limiter
	gap    time.Duration // per segment

	// maxWait is the longest a send waits in the spacer (maxSpacerWait).
	maxWait time.Duration

	mu   sync.Mutex
	next time.Time
}

// maxSpacerWait is the longest a send waits in the spacer, holding the
// subscriber's row lock.
const maxSpacerWait = 250 * time.Millisecond

var errPaceBusy = errors.New("pacing: the spacer is behind")

func newPacer(segmentsPerSecond float64) *pacer {
	return &pacer{
		// A message's segments are reserved together, so a send never
		// holds half its tokens while others take theirs. The bucket may
		// let a short burst through; the spacer still spaces the requests.
		bucket: rate.NewLimiter(rate.Limit(segmentsPerSecond), maxBurst),
		// 4% over the exact gap absorbs up to 40 ms by which requests
		// that left evenly spaced can reach the carrier unevenly: a
		// one-second window at the carrier then never holds more than the
		// rate. The spacer is thus the slightly slower stage: a send or two
		// always waits in it, so it never idles and the rate holds at 96%.
		gap:     time.Duration(1.04 * float64(time.Second) / segmentsPerSecond),
		maxWait: maxSpacerWait,
	}
}

// delay is how long the carrier needs, at this rate, to send segments.
func (p *pacer) delay(segments int) time.Duration {
	return time.Duration(segments) * p.gap
}

// maxBurst is the most segments one message may reserve at once (a
// message over 10 segments waits for them ten at a time).
const maxBurst = 10

// reserve waits for the bucket to allow segments.
func (p *pacer) reserve(ctx context.Context, segments int) error {
	for segments > 0 {
		n := min(segments, maxBurst)
		if err := p.bucket.WaitN(ctx, n); err != nil {
			return err
		}
		segments -= n
	}
	return nil
}

// tryReserve takes segments from the bucket if it holds them now, without
// waiting; a message of more than maxBurst segments never gets them here.
func (p *pacer) tryReserve(segments int) bool {
	return segments <= maxBurst && p.bucket.AllowN(time.Now(), segments)
}

// busyFor says how long a send refused by the spacer should wait, holding
// nothing, before it tries again; its tokens are already reserved.
func (p *pacer) busyFor() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	// (Not max(0, until-…): until the first send, next is the zero time
	// and the subtraction would overflow.)
	if wait := time.Until(p.next); wait > p.maxWait/2 {
		return wait - p.maxWait/2
	}
	return 0
}

// space waits until the request may go, and books the gap after it. The
// booking is made under the mutex; the wait is not, so other sends (each
// holding its own subscriber's row lock) never queue behind this one's
// sleep. A send whose wait is cut short has booked a slot it does not use:
// the rate errs on the slow side.
func (p *pacer) space(ctx context.Context, segments int) error {
	p.mu.Lock()
	now := time.Now()
	wait := p.next.Sub(now)
	if wait > p.maxWait {
		p.mu.Unlock()
		return errPaceBusy
	}
	at := now
	if wait > 0 {
		at = p.next
	}
	p.next = at.Add(time.Duration(segments) * p.gap)
	p.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
