package sending

import (
	"context"
	"errors"
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
	return s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		var id, subscriberID int64
		var current string
		err := tx.QueryRow(ctx, `SELECT id, subscriber_id, status FROM outbound_messages WHERE twilio_sid = $1 FOR UPDATE`, sid).
			Scan(&id, &subscriberID, &current)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if carrier.StatusRank(status) <= carrier.StatusRank(current) || carrier.IsFinal(current) {
			return nil
		}
		var code *int
		if errorCode != 0 {
			code = &errorCode
		}
		if _, err := tx.Exec(ctx, `UPDATE outbound_messages SET status = $2, error_code = coalesce($3, error_code), updated_at = now() WHERE id = $1`,
			id, status, code); err != nil {
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
		sub, err := store.LockSubscriber(ctx, tx, subscriberID)
		if err != nil {
			return err
		}
		if sub.State != store.Active && sub.State != store.Pending {
			return nil
		}
		ev := store.ConsentEvent{Method: store.MethodCarrier, Reason: strconv.Itoa(errorCode), MessageSID: sid}
		if err := store.SetState(ctx, tx, sub, to, ev); err != nil {
			return err
		}
		return s.Stopped(ctx, tx, sub.ID)
	})
}

// metricStatus keeps label values to Twilio's known statuses.
func metricStatus(status string) string {
	if carrier.StatusRank(status) == 0 {
		return "other"
	}
	return status
}
