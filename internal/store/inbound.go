package store

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// InboundView is what handling one inbound message needs to know before it
// decides anything.
type InboundView struct {
	// PriorTwiML is the answer to an earlier delivery of the same MessageSid.
	PriorTwiML string
	Repeat     bool
	// Subscriber is the number's record, locked until the transaction ends; nil if none.
	Subscriber *Subscriber
	// AnsweredSince: the number got the named reply after the given time.
	Answered bool
}

// ViewInbound, in one round trip: locks the phone number for the rest of
// tx (two messages from one number never race), finds an earlier delivery
// of messageSID, and reads and locks the subscriber. With answeredName set
// it also tells whether that reply went to this number after since.
func ViewInbound(ctx context.Context, tx pgx.Tx, phoneHash []byte, messageSID, answeredName string, since time.Time) (*InboundView, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, int64(binary.BigEndian.Uint64(phoneHash[:8])))
	b.Queue(`SELECT reply_twiml FROM inbound_messages WHERE message_sid = $1`, messageSID)
	b.Queue(`SELECT `+subscriberColumns+` FROM subscribers WHERE phone_hash = $1 FOR UPDATE`, phoneHash)
	if answeredName != "" {
		b.Queue(`SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE phone_hash = $1 AND received_at > $2 AND reply_name = $3)`,
			phoneHash, since, answeredName)
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	v := &InboundView{}
	if _, err := br.Exec(); err != nil {
		return nil, err
	}
	switch err := br.QueryRow().Scan(&v.PriorTwiML); {
	case err == nil:
		v.Repeat = true
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, err
	}
	sub, err := scanSubscriber(br.QueryRow())
	switch {
	case err == nil:
		v.Subscriber = sub
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	if answeredName != "" {
		if err := br.QueryRow().Scan(&v.Answered); err != nil {
			return nil, err
		}
	}
	return v, br.Close()
}

// InboundEffects are everything one inbound message writes.
type InboundEffects struct {
	Inbound *Inbound
	// NewSubscriber, when set, is created (in NewState) with Consent as its first ledger row.
	NewSubscriber *Subscriber
	// Existing, with ToState set, moves to ToState with Consent as its ledger row.
	Existing *Subscriber
	ToState  State
	Consent  ConsentEvent
	// Alert kind to raise for staff, "" for none.
	Alert string
	// Reply, when set, is recorded as an outbound reply to the subscriber.
	Reply *Outbound
}

// RecordInbound writes a message's effects in one round trip: the
// subscriber's new state and its ledger row, the message, the alert and
// the reply. The subscriber (new or changed) is updated in place.
func RecordInbound(ctx context.Context, tx pgx.Tx, e InboundEffects) error {
	b := &pgx.Batch{}
	var sub *Subscriber
	switch {
	case e.NewSubscriber != nil:
		sub = e.NewSubscriber
		var tz *string
		if sub.TimeZone != "" {
			tz = &sub.TimeZone
		}
		b.Queue(`
			WITH s AS (
				INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source, time_zone, opted_in_at)
				VALUES ($1, $2, $3, $4::subscriber_state, $5, $6, CASE WHEN $4::subscriber_state = 'active' THEN now() END)
				RETURNING id, opted_in_at, created_at
			), ev AS (
				INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
				SELECT id, NULL, $4::subscriber_state, $7, $8, NULLIF($9, ''), NULLIF($10, ''), $11, $12 FROM s
			)
			SELECT id, opted_in_at, created_at FROM s`,
			sub.PhoneHash, sub.PhoneEnc, sub.Last4, sub.State, sub.Source, tz,
			e.Consent.Method, e.Consent.Reason, e.Consent.MessageSID, e.Consent.DisclosureVersion, e.Consent.StaffID, e.Consent.EvidenceEnc)
	case e.Existing != nil && e.ToState != "":
		sub = e.Existing
		from := sub.State
		b.Queue(`
			WITH s AS (
				UPDATE subscribers
				SET state = $2::subscriber_state, updated_at = now(),
				    opted_in_at = CASE WHEN $2::subscriber_state = 'active' AND state <> 'active' THEN now() ELSE opted_in_at END
				WHERE id = $1
				RETURNING id, opted_in_at, created_at
			), ev AS (
				INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
				SELECT id, $3::subscriber_state, $2::subscriber_state, $4, $5, NULLIF($6, ''), NULLIF($7, ''), $8, $9 FROM s
			)
			SELECT id, opted_in_at, created_at FROM s`,
			sub.ID, e.ToState, from,
			e.Consent.Method, e.Consent.Reason, e.Consent.MessageSID, e.Consent.DisclosureVersion, e.Consent.StaffID, e.Consent.EvidenceEnc)
		sub.State = e.ToState
	case e.Existing != nil:
		sub = e.Existing
	}

	m := e.Inbound
	inboundSQL := `
		INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, subscriber_id, class, body_enc, reply_name, reply_twiml)
		VALUES ($1, $2, $3, $4, (SELECT id FROM subscribers WHERE phone_hash = $2), $5, $6, $7, $8)
		RETURNING id, received_at`
	if e.Alert != "" {
		inboundSQL = `
			WITH m AS (` + inboundSQL + `), a AS (
				INSERT INTO alerts (kind, inbound_id) SELECT $9, id FROM m
			)
			SELECT id, received_at FROM m`
	}
	args := []any{m.MessageSID, m.PhoneHash, m.PhoneEnc, m.Last4, m.Class, m.BodyEnc, m.ReplyName, m.ReplyTwiML}
	if e.Alert != "" {
		args = append(args, e.Alert)
	}
	b.Queue(inboundSQL, args...)

	if e.Reply != nil && sub != nil {
		b.Queue(`
			INSERT INTO outbound_messages (subscriber_id, kind, reply_name, status, segments)
			VALUES ((SELECT id FROM subscribers WHERE phone_hash = $1), 'reply', $2, $3, $4)`,
			sub.PhoneHash, e.Reply.ReplyName, e.Reply.Status, e.Reply.Segments)
	}

	br := tx.SendBatch(ctx, b)
	defer br.Close()
	if e.NewSubscriber != nil || (e.Existing != nil && e.ToState != "") {
		if err := br.QueryRow().Scan(&sub.ID, &sub.OptedInAt, &sub.CreatedAt); err != nil {
			return notFound(err)
		}
	}
	if err := br.QueryRow().Scan(&m.ID, &m.ReceivedAt); err != nil {
		return err
	}
	if sub != nil {
		m.SubscriberID = &sub.ID
	}
	return br.Close()
}
