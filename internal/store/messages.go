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
	// ConversationID is the conversation the message joins, 0 for none.
	ConversationID int64
	// Rule is why the message was read as Class (the classifier's rule).
	Rule string
}

// RecordInbound records a message, with tx's COMMIT, and the change it
// makes to its number's conversation (nil: none). A MessageSid already
// recorded is refused by the database (unique), so a repeated delivery can
// never be stored twice.
//
// The reply the message got is recorded on it: its name (ReplyName) and
// the TwiML that carried it (ReplyTwiML), which a repeated delivery is
// answered with again. replied says whether that reply counts as a
// message sent (messages.outbound).
func RecordInbound(ctx context.Context, tx pgx.Tx, m Inbound, conv *ConversationChange, replied bool) error {
	if conv != nil {
		if err := queueConversationChange(ctx, tx, *conv); err != nil {
			return fmt.Errorf("record inbound: %w", err)
		}
		m.ConversationID = conv.ID
	}
	var convID *int64
	if m.ConversationID != 0 {
		convID = &m.ConversationID
	}
	// The message counts itself, and its reply: the statement appends
	// their deltas (migrations/00007_lighter_join.sql says why no trigger
	// does). Nothing else writes an inbound row.
	counted := []string{"messages.inbound"}
	if replied {
		counted = append(counted, "messages.outbound")
	}
	if err := AtCommit(ctx, tx, `
		WITH msg AS (
			INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, subscriber_id, class, body_enc, reply_name, reply_twiml, conversation_id, rule)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING 1
		)
		INSERT INTO counter_deltas (name, day, n)
		SELECT c.name, (now() AT TIME ZONE 'UTC')::date, 1 FROM msg, unnest($12::text[]) AS c (name)`,
		m.MessageSID, m.PhoneHash, m.PhoneEnc, m.Last4, m.SubscriberID, m.Class, m.BodyEnc, m.ReplyName, m.ReplyTwiML, convID, m.Rule, counted); err != nil {
		return fmt.Errorf("record inbound: %w", err)
	}
	return nil
}

// Outbound kinds. A reply carried in the TwiML answer is recorded on the
// message it answers (RecordInbound); rows of kind 'reply' are from before
// migration 00007.
const (
	KindStep          = "step"
	KindSignupConfirm = "signup_confirm"
	KindStaffReply    = "staff_reply"
)

// Outbound is one message the service sent or answered with.
type Outbound struct {
	ID int64
	// SubscriberID is 0 only for a staff reply to a number that never
	// subscribed.
	SubscriberID int64
	Kind         string
	ReplyName    string
	// Step is a sequence step's place in the program when it was sent;
	// StepID is the step (what at most once goes by).
	Step         *int
	StepID       string
	Subscription *time.Time
	// BodyHash is the hash of the text the carrier was given
	// (program.BodyHash), for a sequence step.
	BodyHash  string
	TwilioSID string
	Status    string
	ErrorCode *int
	Segments  int
	// CreatedAt is when it was sent; zero: the database's now.
	CreatedAt time.Time
	// StaffReplyID is the staff reply this message sends (KindStaffReply),
	// in conversation ConversationID.
	StaffReplyID, ConversationID int64
}

// outboundInsert is the one INSERT of an outbound message, with its
// arguments ($1 to $13).
func outboundInsert(m Outbound) (string, []any) {
	var at *time.Time
	if !m.CreatedAt.IsZero() {
		at = &m.CreatedAt
	}
	return `
		INSERT INTO outbound_messages (subscriber_id, kind, reply_name, step, subscription, twilio_sid, status, error_code, segments,
		                               created_at, updated_at, conversation_id, step_id, body_hash)
		VALUES (NULLIF($1, 0), $2, NULLIF($3, ''), $4, $5, NULLIF($6, ''), $7, $8, $9, coalesce($10, now()), coalesce($10, now()), NULLIF($11, 0),
		        NULLIF($12, ''), NULLIF($13, ''))`,
		[]any{m.SubscriberID, m.Kind, m.ReplyName, m.Step, m.Subscription, m.TwilioSID, m.Status, m.ErrorCode, max(1, m.Segments), at, m.ConversationID,
			m.StepID, m.BodyHash}
}

// RecordOutbound records a message sent, with tx's COMMIT: the
// one place an outbound row is written. A sequence step already recorded
// for the subscription is refused by the database (unique), so no step is
// recorded twice (invariant 5).
func RecordOutbound(ctx context.Context, tx pgx.Tx, m Outbound) error {
	insert, args := outboundInsert(m)
	sql := insert
	if m.StaffReplyID != 0 {
		// A staff reply that went: the reply points at its message, and the
		// conversation has been answered and waits for the person.
		sql = `WITH o AS (` + insert + ` RETURNING id), r AS (
				UPDATE staff_replies SET status = 'sent', outbound_id = (SELECT id FROM o), held_until = NULL WHERE id = $14
			)
			UPDATE conversations SET first_reply_at = coalesce(first_reply_at, now()), last_activity_at = now(),
			       status = CASE WHEN status = 'open' THEN 'waiting'::conversation_status ELSE status END
			WHERE id = $11`
		args = append(args, m.StaffReplyID)
	}
	if err := AtCommit(ctx, tx, sql, args...); err != nil {
		return fmt.Errorf("record outbound: %w", err)
	}
	return nil
}

// SignupRequestSent tells whether a YES-request went to the subscriber at
// or after since (the sign-up it answers).
func SignupRequestSent(ctx context.Context, tx pgx.Tx, subscriberID int64, since time.Time) (bool, error) {
	var sent bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_messages WHERE subscriber_id = $1 AND kind = 'signup_confirm' AND created_at >= $2)`,
		subscriberID, since).Scan(&sent)
	if err != nil {
		return false, fmt.Errorf("find sent YES-request: %w", err)
	}
	return sent, nil
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
