package sending

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps this process's sends to rate segments per second in two
// stages. The token bucket (burst 1) is waited on before the subscriber's
// row is locked, so that a STOP never queues behind pacing. The spacer is
// passed just before the carrier request, under the lock: it only absorbs
// the jitter between the two (a few milliseconds), so that the requests
// themselves, not just their reservations, are never closer together than
// the rate allows. No one-second window then holds more than the rate.
type pacer struct {
	bucket *rate.Limiter
	gap    time.Duration // per segment

	mu   sync.Mutex
	next time.Time
}

func newPacer(segmentsPerSecond float64) *pacer {
	return &pacer{
		bucket: rate.NewLimiter(rate.Limit(segmentsPerSecond), 1),
		// 1% over the exact gap absorbs the few milliseconds by which
		// requests that left evenly spaced can arrive unevenly.
		gap: time.Duration(1.01 * float64(time.Second) / segmentsPerSecond),
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
	if wait := p.next.Sub(now); wait > 0 {
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
