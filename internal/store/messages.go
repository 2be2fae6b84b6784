package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Inbound is one message a person sent.
type Inbound struct {
	ID           int64
	MessageSID   string
	PhoneHash    []byte
	PhoneEnc     []byte
	Last4        string
	SubscriberID *int64
	Class        string
	BodyEnc      []byte
	ReplyName    string
	ReplyTwiML   string
	ReceivedAt   time.Time
}

// Alert kinds.
const (
	AlertCrisis   = "crisis"
	AlertFreeText = "free_text"
)

// RecordInbound records a message, and the alert it raises for staff
// (alert "" for none), with tx's COMMIT. A MessageSid already recorded is
// refused by the database (unique), so a repeated delivery can never be
// stored twice.
func RecordInbound(ctx context.Context, tx pgx.Tx, m Inbound, alert string) error {
	const insert = `
		INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, subscriber_id, class, body_enc, reply_name, reply_twiml)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	args := []any{m.MessageSID, m.PhoneHash, m.PhoneEnc, m.Last4, m.SubscriberID, m.Class, m.BodyEnc, m.ReplyName, m.ReplyTwiML}
	sql := insert
	if alert != "" {
		sql = `WITH m AS (` + insert + ` RETURNING id) INSERT INTO alerts (kind, inbound_id) SELECT $10, id FROM m`
		args = append(args, alert)
	}
	if err := AtCommit(ctx, tx, sql, args...); err != nil {
		return fmt.Errorf("record inbound: %w", err)
	}
	return nil
}

// Outbound kinds.
const (
	KindReply         = "reply"
	KindStep          = "step"
	KindSignupConfirm = "signup_confirm"
)

// Outbound is one message the service sent or answered with.
type Outbound struct {
	ID           int64
	SubscriberID int64
	Kind         string
	ReplyName    string
	Step         *int
	Subscription *time.Time
	TwilioSID    string
	Status       string
	ErrorCode    *int
	Segments     int
	// CreatedAt is when it was sent; zero: the database's now.
	CreatedAt time.Time
}

// RecordOutbound records a message sent or answered, with tx's COMMIT: the
// one place an outbound row is written. A sequence step already recorded
// for the subscription is refused by the database (unique), so no step is
// recorded twice (invariant 5).
func RecordOutbound(ctx context.Context, tx pgx.Tx, m Outbound) error {
	var at *time.Time
	if !m.CreatedAt.IsZero() {
		at = &m.CreatedAt
	}
	err := AtCommit(ctx, tx, `
		INSERT INTO outbound_messages (subscriber_id, kind, reply_name, step, subscription, twilio_sid, status, error_code, segments, created_at, updated_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, NULLIF($6, ''), $7, $8, $9, coalesce($10, now()), coalesce($10, now()))`,
		m.SubscriberID, m.Kind, m.ReplyName, m.Step, m.Subscription, m.TwilioSID, m.Status, m.ErrorCode, max(1, m.Segments), at)
	if err != nil {
		return fmt.Errorf("record outbound: %w", err)
	}
	return nil
}

// SIDRecorded tells whether an outbound row has the carrier's message SID.
func SIDRecorded(ctx context.Context, tx pgx.Tx, sid string) (bool, error) {
	var recorded bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_messages WHERE twilio_sid = $1)`, sid).Scan(&recorded); err != nil {
		return false, fmt.Errorf("find recorded message: %w", err)
	}
	return recorded, nil
}

// SentMessage is an outbound message as a delivery report finds it.
type SentMessage struct {
	ID           int64
	SubscriberID int64
	Status       string
}

// LockSentMessage finds the outbound message with a carrier SID and locks
// it until tx ends (ErrNotFound when no row has the SID).
func LockSentMessage(ctx context.Context, tx pgx.Tx, sid string) (SentMessage, error) {
	var m SentMessage
	err := tx.QueryRow(ctx, `SELECT id, subscriber_id, status FROM outbound_messages WHERE twilio_sid = $1 FOR UPDATE`, sid).
		Scan(&m.ID, &m.SubscriberID, &m.Status)
	if err != nil {
		if err = notFound(err); err == ErrNotFound {
			return m, err
		}
		return m, fmt.Errorf("find sent message: %w", err)
	}
	return m, nil
}

// SetDeliveryStatus records a message's new delivery status (errorCode
// nil: keep the one recorded).
func SetDeliveryStatus(ctx context.Context, tx pgx.Tx, id int64, status string, errorCode *int) error {
	_, err := tx.Exec(ctx, `UPDATE outbound_messages SET status = $2, error_code = coalesce($3, error_code), updated_at = now() WHERE id = $1`,
		id, status, errorCode)
	if err != nil {
		return fmt.Errorf("set delivery status: %w", err)
	}
	return nil
}
