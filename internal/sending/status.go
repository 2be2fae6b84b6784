package sending

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

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
// stopped. A callback whose MessageSid no row has yet (it came before the
// send's row was committed) is kept and applied once the row is there
// (recordSend, and statusSweepLoop for a row committed meanwhile).
func (s *Sender) RecordStatus(ctx context.Context, sid, status string, errorCode int) error {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.StatusUpdates.WithLabelValues(metricStatus(status)).Inc()
	}
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		m, err := store.LockSentMessage(ctx, tx, sid)
		if errors.Is(err, store.ErrNotFound) {
			if sid == "" || carrier.StatusRank(status) == 0 {
				return nil
			}
			return store.KeepEarlyStatus(ctx, tx, store.EarlyStatus{SID: sid, Status: status, ErrorCode: errorCode})
		} else if err != nil {
			return err
		}
		return s.applyStatus(ctx, tx, m, sid, status, errorCode)
	})
	if err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	return nil
}

// applyStatus records a delivery status on a message row locked in tx.
func (s *Sender) applyStatus(ctx context.Context, tx pgx.Tx, m store.SentMessage, sid, status string, errorCode int) error {
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
}

// earlyKeep is how long a delivery report waits for its message's row.
const earlyKeep = 7 * 24 * time.Hour

// ApplyEarlyStatuses applies the kept delivery reports whose message is
// now on record, a batch at a time, and drops those kept past earlyKeep.
func (s *Sender) ApplyEarlyStatuses(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
			early, err := store.TakeRecordedEarlyStatuses(ctx, tx, 100, earlyKeep)
			if err != nil {
				return err
			}
			n = len(early)
			for _, e := range early {
				m, err := store.LockSentMessage(ctx, tx, e.SID)
				if err != nil {
					return err
				}
				if err := s.applyStatus(ctx, tx, m, e.SID, e.Status, e.ErrorCode); err != nil {
					return err
				}
			}
			return nil
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("apply early statuses: %w", err)
		}
		if n < 100 {
			return total, nil
		}
	}
}

// statusSweepEvery is how often a sender applies kept delivery reports.
const statusSweepEvery = 5 * time.Second

// statusSweepLoop runs ApplyEarlyStatuses every statusSweepEvery until
// done closes.
func (s *Sender) statusSweepLoop(done <-chan struct{}) {
	tick := time.NewTicker(statusSweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := s.ApplyEarlyStatuses(ctx); err != nil {
			s.cfg.Logger.Error("applying early delivery reports", slog.String("error", err.Error()))
		}
		cancel()
	}
}

// metricStatus keeps label values to Twilio's known statuses.
func metricStatus(status string) string {
	if carrier.StatusRank(status) == 0 {
		return "other"
	}
	return status
}
