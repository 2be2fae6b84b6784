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
	// Answered: the number got the reply named in ViewInbound after since.
	Answered bool
}

// ViewInbound, in one round trip (with the transaction's BEGIN): locks the
// phone number and its subscriber for the rest of tx (LockNumber, reserving
// an ID if reserve is set), finds an earlier delivery of messageSID, and,
// with answeredName set, tells whether that reply went to this number
// after since.
func ViewInbound(ctx context.Context, tx pgx.Tx, phoneHash []byte, reserve Reserve, messageSID, answeredName string, since time.Time) (*InboundView, error) {
	b := &pgx.Batch{}
	queueLockNumber(b, phoneHash, reserve)
	b.Queue(`SELECT reply_twiml FROM inbound_messages WHERE message_sid = $1`, messageSID)
	if answeredName != "" {
		b.Queue(`SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE phone_hash = $1 AND received_at > $2 AND reply_name = $3)`,
			phoneHash, since, answeredName)
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	v, err := readInboundView(br, phoneHash, reserve, answeredName != "")
	if err != nil {
		return nil, fmt.Errorf("view inbound: %w", err)
	}
	return v, br.Close()
}

func readInboundView(br pgx.BatchResults, phoneHash []byte, reserve Reserve, answered bool) (*InboundView, error) {
	sub, err := readLockNumber(br, phoneHash, reserve)
	if err != nil {
		return nil, err
	}
	v := &InboundView{Subscriber: sub}
	switch err := br.QueryRow().Scan(&v.PriorTwiML); {
	case err == nil:
		v.Repeat = true
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, err
	}
	if answered {
		if err := br.QueryRow().Scan(&v.Answered); err != nil {
			return nil, err
		}
	}
	return v, nil
}
