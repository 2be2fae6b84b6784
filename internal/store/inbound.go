package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// InboundView is what handling one inbound message needs to know before it
// decides anything.
type InboundView struct {
	// PriorTwiML is the answer to an earlier delivery of the same MessageSid.
	PriorTwiML string
	Repeat     bool
	// Subscriber is the number's record, locked until the transaction ends
	// (see LockNumber: not Recorded if the number is not on record).
	Subscriber *Subscriber
	// Conversation is the number's conversation that is not closed, locked;
	// when there is none, its ID is the one reserved (0 if not asked).
	Conversation *CurrentConversation
	// Answered: the number got the reply named in the lookup after Since.
	Answered bool
}

// InboundLookup says what ViewInbound looks up.
type InboundLookup struct {
	PhoneHash  []byte
	MessageSID string
	// ReserveSubscriber, ReserveConversation: reserve an ID for a
	// subscriber or a conversation the message may create.
	ReserveSubscriber, ReserveConversation bool
	// AnsweredName, when set, asks whether that reply went to the number
	// after Since.
	AnsweredName string
	Since        time.Time
}

// ViewInbound, in one round trip (with the transaction's BEGIN): locks the
// phone number and its subscriber for the rest of tx (LockNumber), finds
// an earlier delivery of the MessageSid, locks the number's conversation,
// and tells whether the named reply went to the number lately.
func ViewInbound(ctx context.Context, tx pgx.Tx, l InboundLookup) (*InboundView, error) {
	b := &pgx.Batch{}
	queueLockNumber(b, l.PhoneHash, Reserve(l.ReserveSubscriber))
	b.Queue(`SELECT reply_twiml FROM inbound_messages WHERE message_sid = $1`, l.MessageSID)
	b.Queue(`SELECT id, status, priority FROM conversations WHERE phone_hash = $1 AND status <> 'closed' FOR UPDATE`, l.PhoneHash)
	if l.ReserveConversation {
		b.Queue(`SELECT nextval('conversations_id_seq') WHERE NOT EXISTS
			(SELECT 1 FROM conversations WHERE phone_hash = $1 AND status <> 'closed')`, l.PhoneHash)
	}
	if l.AnsweredName != "" {
		b.Queue(`SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE phone_hash = $1 AND received_at > $2 AND reply_name = $3)`,
			l.PhoneHash, l.Since, l.AnsweredName)
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	v, err := readInboundView(br, l)
	if err != nil {
		return nil, fmt.Errorf("view inbound: %w", err)
	}
	return v, br.Close()
}

func readInboundView(br pgx.BatchResults, l InboundLookup) (*InboundView, error) {
	sub, err := readLockNumber(br, l.PhoneHash, Reserve(l.ReserveSubscriber))
	if err != nil {
		return nil, err
	}
	v := &InboundView{Subscriber: sub, Conversation: &CurrentConversation{}}
	switch err := br.QueryRow().Scan(&v.PriorTwiML); {
	case err == nil:
		v.Repeat = true
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, err
	}
	c := v.Conversation
	if err := br.QueryRow().Scan(&c.ID, &c.Status, &c.Priority); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	if l.ReserveConversation {
		if err := br.QueryRow().Scan(&c.ID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
	}
	if l.AnsweredName != "" {
		if err := br.QueryRow().Scan(&v.Answered); err != nil {
			return nil, err
		}
	}
	return v, nil
}
