package store

import (
	"context"
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
	// RecentReplies are the replies named in the lookup that the number got
	// after Since, newest first.
	RecentReplies []RecentReply
}

// RecentReply is a reply a number got to one of its texts.
type RecentReply struct {
	Name string
	At   time.Time
}

// InboundLookup says what ViewInbound looks up.
type InboundLookup struct {
	PhoneHash  []byte
	MessageSID string
	// ReserveSubscriber, ReserveConversation: reserve an ID for a
	// subscriber or a conversation the message may create.
	ReserveSubscriber, ReserveConversation bool
	// RecentReplies, when set, asks which of these replies went to the
	// number after Since.
	RecentReplies []string
	Since         time.Time
	// StaffReplyWithin: how far back a reply from staff counts for
	// CurrentConversation.StaffRepliedLately.
	StaffReplyWithin time.Duration
}

// ViewInbound, in one round trip (with the transaction's BEGIN): locks the
// phone number and its subscriber for the rest of tx (as LockNumber does),
// finds an earlier delivery of the MessageSid, locks the number's
// conversation, and lists the named replies the number got lately. After
// the lock, what it reads is one statement.
func ViewInbound(ctx context.Context, tx pgx.Tx, l InboundLookup) (*InboundView, error) {
	b := &pgx.Batch{}
	queueNumberLock(b, l.PhoneHash)
	b.Queue(`SELECT `+lockedSubscriberColumns+`, p.reply_twiml, c.id, c.status, c.priority,
			EXISTS (SELECT FROM staff_replies r JOIN outbound_messages o ON o.id = r.outbound_id
				WHERE r.conversation_id = c.id AND r.status = 'sent' AND o.status NOT IN ('failed', 'undelivered', 'canceled')
				AND o.created_at > now() - make_interval(secs => $5)),
			CASE WHEN c.id IS NULL AND $4 THEN nextval('conversations_id_seq') END
		FROM `+lockedSubscriberFrom+`
		LEFT JOIN LATERAL (SELECT reply_twiml FROM inbound_messages WHERE message_sid = $3) p ON true
		LEFT JOIN LATERAL (SELECT id, status, priority FROM conversations WHERE phone_hash = $1 AND status <> 'closed' FOR UPDATE) c ON true`,
		l.PhoneHash, l.ReserveSubscriber, l.MessageSID, l.ReserveConversation, l.StaffReplyWithin.Seconds())
	if len(l.RecentReplies) > 0 {
		b.Queue(`SELECT reply_name, received_at FROM inbound_messages
			WHERE phone_hash = $1 AND received_at > $2 AND reply_name = ANY ($3)
			ORDER BY received_at DESC LIMIT 100`, l.PhoneHash, l.Since, l.RecentReplies)
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
	if _, err := br.Exec(); err != nil {
		return nil, err
	}
	var (
		sub              lockedSubscriber
		prior            *string
		convID, reserved *int64
		status           *ConversationStatus
		priority         *int
		staffReplied     *bool
	)
	if err := br.QueryRow().Scan(append(sub.dest(), &prior, &convID, &status, &priority, &staffReplied, &reserved)...); err != nil {
		return nil, err
	}
	v := &InboundView{Subscriber: sub.subscriber(l.PhoneHash), Conversation: &CurrentConversation{}}
	if prior != nil {
		v.PriorTwiML, v.Repeat = *prior, true
	}
	switch c := v.Conversation; {
	case convID != nil:
		c.ID, c.Status, c.Priority = *convID, *status, *priority
		c.StaffRepliedLately = staffReplied != nil && *staffReplied
	case reserved != nil:
		c.ID = *reserved
	}
	if len(l.RecentReplies) > 0 {
		rows, err := br.Query()
		if err != nil {
			return nil, err
		}
		if v.RecentReplies, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (RecentReply, error) {
			var r RecentReply
			err := row.Scan(&r.Name, &r.At)
			return r, err
		}); err != nil {
			return nil, err
		}
	}
	return v, nil
}
