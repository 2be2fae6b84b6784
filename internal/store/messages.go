package store

import (
	"context"
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

// InsertInbound records a message. A MessageSid already recorded is refused
// by the database (unique), so a repeated delivery can never be stored twice.
func InsertInbound(ctx context.Context, tx pgx.Tx, m *Inbound) error {
	return tx.QueryRow(ctx, `
		INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, subscriber_id, class, body_enc, reply_name, reply_twiml)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id, received_at`,
		m.MessageSID, m.PhoneHash, m.PhoneEnc, m.Last4, m.SubscriberID, m.Class, m.BodyEnc, m.ReplyName, m.ReplyTwiML,
	).Scan(&m.ID, &m.ReceivedAt)
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
	CreatedAt    time.Time
}

// InsertOutbound records a message sent or answered.
func InsertOutbound(ctx context.Context, tx pgx.Tx, m *Outbound) error {
	return tx.QueryRow(ctx, `
		INSERT INTO outbound_messages (subscriber_id, kind, reply_name, step, subscription, twilio_sid, status, error_code, segments)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, NULLIF($6, ''), $7, $8, $9)
		RETURNING id, created_at`,
		m.SubscriberID, m.Kind, m.ReplyName, m.Step, m.Subscription, m.TwilioSID, m.Status, m.ErrorCode, m.Segments,
	).Scan(&m.ID, &m.CreatedAt)
}

// Alert kinds.
const (
	AlertCrisis   = "crisis"
	AlertFreeText = "free_text"
)

// InsertAlert records a message that waits for a person.
func InsertAlert(ctx context.Context, tx pgx.Tx, kind string, inboundID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO alerts (kind, inbound_id) VALUES ($1, $2) RETURNING id`, kind, inboundID).Scan(&id)
	return id, err
}
