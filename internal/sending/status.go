package sending

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/carrier"
	"textsupport/internal/program"
	"textsupport/internal/store"
)

// windowOf is the programme's send window, never wider than the federal one.
func windowOf(p *program.Program) Window {
	return Window{
		Start: max(p.SendWindow.Start, Federal.Start),
		End:   min(p.SendWindow.End, Federal.End),
	}
}

// RecordStatus records a delivery status callback. Callbacks arrive out of
// order: a status never replaces one that comes later in a message's life,
// and a final status (delivered, undelivered, failed, canceled) is never
// moved back. A permanent failure marks the number invalid; 21610 marks it
// stopped. An unknown MessageSid is ignored.
func (s *Sender) RecordStatus(ctx context.Context, sid, status string, errorCode int) error {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.StatusUpdates.WithLabelValues(metricStatus(status)).Inc()
	}
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		m, err := store.LockSentMessage(ctx, tx, sid)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if carrier.StatusRank(status) <= carrier.StatusRank(m.Status) || carrier.IsFinal(m.Status) {
			return nil
		}
		var code *int
		if errorCode != 0 {
			code = &errorCode
		}
		if err := store.SetDeliveryStatus(ctx, tx, m.ID, status, code); err != nil {
			return err
		}
		var to store.State
		switch carrier.CallbackEffect(errorCode) {
		case carrier.EffectInvalid:
			to = store.Invalid
		case carrier.EffectOptedOut:
			to = store.Stopped
		default:
			return nil
		}
		sub, err := store.LockSubscriber(ctx, tx, m.SubscriberID)
		if err != nil {
			return err
		}
		if sub.State != store.Active && sub.State != store.Pending {
			return nil
		}
		return s.Transition(ctx, tx, sub, to, store.ConsentEvent{Method: store.MethodCarrier, Reason: strconv.Itoa(errorCode), MessageSID: sid})
	})
	if err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	return nil
}

// metricStatus keeps label values to Twilio's known statuses.
func metricStatus(status string) string {
	if carrier.StatusRank(status) == 0 {
		return "other"
	}
	return status
}
