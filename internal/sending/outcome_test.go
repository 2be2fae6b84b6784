package sending

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"textsupport/internal/carrier"
	"textsupport/internal/store"
)

// retryable is an error the carrier client marks retryable (429, 5xx, no connection).
type retryable struct{}

func (retryable) Error() string   { return "carrier busy" }
func (retryable) Retryable() bool { return true }

func TestClassifySend(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want sendOutcome
	}{
		{"accepted", nil, sendOutcome{metric: "queued", status: "queued"}},
		{"opted out with the carrier", fmt.Errorf("send: %w", carrier.ErrOptedOut), sendOutcome{metric: "opted_out", status: "failed", to: store.Stopped}},
		{"number cannot receive", fmt.Errorf("send: %w", carrier.ErrInvalidNumber), sendOutcome{metric: "invalid_number", status: "failed", to: store.Invalid}},
		{"carrier busy: retried, nothing kept", retryable{}, sendOutcome{metric: "retry"}},
		{"timed out after sending: unknown, never retried", fmt.Errorf("send: %w", context.DeadlineExceeded), sendOutcome{metric: "unknown", status: "unknown"}},
		{"refused otherwise: failed, the sequence goes on", errors.New("bad request"), sendOutcome{metric: "failed", status: "failed"}},
	}
	for _, tt := range tests {
		if got := classifySend(tt.err); got != tt.want {
			t.Errorf("%s: classifySend = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
