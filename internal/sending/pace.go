package sending

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps this process's sends to rate segments per second in two
// stages. The token bucket (burst 1) is waited on before the subscriber's
// row is locked, so that a STOP never queues behind pacing. The spacer is
// passed just before the carrier request, under the lock, so that the
// requests themselves, not just their reservations, are never closer
// together than the rate allows: no one-second window then holds more than
// the rate. Both run at the same pace, so the spacer only absorbs the
// jitter between them; a wait longer than maxSpacerWait is refused
// (errPaceBusy) and the send goes back to the bucket without the lock.
type pacer struct {
	bucket *rate.Limiter
	gap    time.Duration // per segment

	mu   sync.Mutex
	next time.Time
}

// maxSpacerWait is the longest a send waits in the spacer, holding the
// subscriber's row lock.
const maxSpacerWait = 250 * time.Millisecond

var errPaceBusy = errors.New("pacing: the spacer is behind")

func newPacer(segmentsPerSecond float64) *pacer {
	// 1% under the rate absorbs the few milliseconds by which requests that
	// left evenly spaced can arrive unevenly.
	paced := segmentsPerSecond / 1.01
	return &pacer{
		bucket: rate.NewLimiter(rate.Limit(paced), 1),
		gap:    time.Duration(float64(time.Second) / paced),
	}
}

// reserve waits for the bucket to allow segments.
func (p *pacer) reserve(ctx context.Context, segments int) error {
	for range segments {
		if err := p.bucket.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// space waits until the request may go, and books the gap after it.
func (p *pacer) space(ctx context.Context, segments int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	wait := p.next.Sub(now)
	if wait > maxSpacerWait {
		return errPaceBusy
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		now = p.next
	}
	p.next = now.Add(time.Duration(segments) * p.gap)
	return nil
}
