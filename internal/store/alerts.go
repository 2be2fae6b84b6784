package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// Alert is a message waiting for a person, as anyone on staff may see it:
// what kind, when, and whether someone has handled it.
type Alert struct {
	ID             int64
	Kind           string // AlertCrisis or AlertFreeText
	CreatedAt      time.Time
	HandledAt      *time.Time
	HandledBy      *int64
	HandledByEmail string
}

// AlertMessage is an alert opened: the message behind it. Only admins see
// it, and every opening is in the audit log.
type AlertMessage struct {
	Alert
	Last4      string
	BodyEnc    []byte
	Class      string
	ReplyName  string // the reply the service gave, "" for none
	ReceivedAt time.Time
	// State is the number's subscriber state now, nil when it never subscribed.
	State *State
}

// AlertFilter selects alerts: open or handled ones, with an ID below Before
// (0: from the newest), at most Limit.
type AlertFilter struct {
	Handled bool
	Before  int64
	Limit   int
}

// ListAlerts lists alerts, newest first.
func (db *DB) ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	// Two statements, so that the open list reads its partial index
	// (alerts_open_id) however many handled alerts there are.
	where := `a.handled_at IS NULL`
	if f.Handled {
		where = `a.handled_at IS NOT NULL`
	}
	alerts, err := collect(ctx, db.Pool, func(row pgx.CollectableRow) (Alert, error) {
		var a Alert
		err := row.Scan(&a.ID, &a.Kind, &a.CreatedAt, &a.HandledAt, &a.HandledBy, &a.HandledByEmail)
		return a, err
	}, `
		SELECT a.id, a.kind, a.created_at, a.handled_at, a.handled_by, coalesce(s.email, '')
		FROM alerts a LEFT JOIN staff s ON s.id = a.handled_by
		WHERE `+where+` AND a.id < $1
		ORDER BY a.id DESC LIMIT $2`, before(f.Before), f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return alerts, nil
}

// OpenAlertCounts counts the alerts nobody has handled yet, by kind.
func (db *DB) OpenAlertCounts(ctx context.Context) (map[string]int64, error) {
	counts := map[string]int64{AlertCrisis: 0, AlertFreeText: 0}
	rows, err := db.Pool.Query(ctx, `SELECT kind, count(*) FROM alerts WHERE handled_at IS NULL GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	var kind string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&kind, &n}, func() error { counts[kind] = n; return nil }); err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	return counts, nil
}

// before is the ID a page starts below: 0 means from the newest.
func before(id int64) int64 {
	if id <= 0 {
		return math.MaxInt64
	}
	return id
}

func alertTarget(id int64) string { return fmt.Sprintf("alert:%d", id) }

// OpenAlert reads the message behind an alert and writes, in the same
// transaction, who opened it: the message is never shown unrecorded.
func (db *DB) OpenAlert(ctx context.Context, id int64, by Actor) (*AlertMessage, error) {
	var m AlertMessage
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			SELECT a.id, a.kind, a.created_at, a.handled_at, a.handled_by, coalesce(st.email, ''),
			       i.phone_last4, i.body_enc, i.class, i.reply_name, i.received_at, s.state
			FROM alerts a
			JOIN inbound_messages i ON i.id = a.inbound_id
			LEFT JOIN subscribers s ON s.phone_hash = i.phone_hash
			LEFT JOIN staff st ON st.id = a.handled_by
			WHERE a.id = $1`, id).Scan(&m.ID, &m.Kind, &m.CreatedAt, &m.HandledAt, &m.HandledBy, &m.HandledByEmail,
			&m.Last4, &m.BodyEnc, &m.Class, &m.ReplyName, &m.ReceivedAt, &m.State)
		if err != nil {
			return notFound(err)
		}
		return AppendAudit(ctx, tx, by.Entry(AuditAlertOpened, alertTarget(id), m.Kind))
	})
	if err != nil {
		if err == ErrNotFound {
			return nil, err
		}
		return nil, fmt.Errorf("open alert: %w", err)
	}
	return &m, nil
}

// HandleAlert marks an alert handled, and records who did. An alert
// already handled stays as it was; done then reports false.
func (db *DB) HandleAlert(ctx context.Context, id int64, by Actor) (done bool, err error) {
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		var handled *time.Time
		if err := tx.QueryRow(ctx, `SELECT handled_at FROM alerts WHERE id = $1 FOR UPDATE`, id).Scan(&handled); err != nil {
			return notFound(err)
		}
		if handled != nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE alerts SET handled_at = now(), handled_by = $2 WHERE id = $1`, id, by.StaffID); err != nil {
			return err
		}
		done = true
		return AppendAudit(ctx, tx, by.Entry(AuditAlertHandled, alertTarget(id), ""))
	})
	if err != nil {
		if err == ErrNotFound {
			return false, err
		}
		return false, fmt.Errorf("handle alert: %w", err)
	}
	return done, nil
}
