package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// ConversationStatus is where a conversation stands (conversation_status).
type ConversationStatus string

const (
	// ConversationOpen waits for a person on staff.
	ConversationOpen ConversationStatus = "open"
	// ConversationWaiting: staff answered; it waits for the person.
	ConversationWaiting ConversationStatus = "waiting"
	ConversationClosed  ConversationStatus = "closed"
)

// Conversation priorities: crisis is answered first.
const (
	PriorityCrisis = 0
	PriorityNormal = 1
)

// Conversation audit actions.
const (
	AuditConversationOpened   = "conversation_opened"
	AuditConversationReply    = "conversation_reply"
	AuditConversationAssigned = "conversation_assigned"
	AuditConversationClosed   = "conversation_closed"
	AuditNumberRevealed       = "number_revealed"
	AuditMarkedMisread        = "message_marked_misread"
)

func conversationTarget(id int64) string { return fmt.Sprintf("conversation:%d", id) }

// CurrentConversation is a number's conversation that is not closed, as an
// inbound message finds it (locked), or the ID reserved for a new one.
type CurrentConversation struct {
	ID       int64
	Status   ConversationStatus // "" when there is none yet
	Priority int
	// StaffRepliedLately: a reply from staff in this conversation went to
	// the number (the carrier took it and has not reported it failed or
	// undelivered) within the InboundLookup's StaffReplyWithin, by the
	// database's clock.
	StaffRepliedLately bool
}

// Exists tells whether the conversation is on record.
func (c *CurrentConversation) Exists() bool { return c != nil && c.Status != "" }

// ConversationChange is what one inbound message does to its number's
// conversation.
type ConversationChange struct {
	ID int64
	// New: create it, with the ID ViewInbound reserved.
	New bool
	// NeedsPerson: the message waits for staff (status open, priority at
	// least Priority); otherwise it only joins the thread.
	NeedsPerson  bool
	Priority     int
	PhoneHash    []byte
	PhoneEnc     []byte
	Last4        string
	SubscriberID *int64
}

// queueConversationChange queues, with tx's COMMIT, the conversation's
// creation or update for one inbound message.
func queueConversationChange(ctx context.Context, tx pgx.Tx, c ConversationChange) error {
	if c.New {
		return AtCommit(ctx, tx, `
			INSERT INTO conversations (id, phone_hash, phone_enc, phone_last4, subscriber_id, status, priority)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, 'open', $6)`,
			c.ID, c.PhoneHash, c.PhoneEnc, c.Last4, c.SubscriberID, c.Priority)
	}
	return AtCommit(ctx, tx, `
		UPDATE conversations SET
			last_inbound_at = now(), last_activity_at = now(),
			subscriber_id = coalesce(subscriber_id, $2),
			status = CASE WHEN $3 THEN 'open' ELSE status END,
			priority = CASE WHEN $3 THEN least(priority, $4) ELSE priority END
		WHERE id = $1`, c.ID, c.SubscriberID, c.NeedsPerson, c.Priority)
}

// ConversationSummary is a conversation as the inbox lists it. Numbers are
// masked to their last four digits.
type ConversationSummary struct {
	ID             int64
	Status         ConversationStatus
	Priority       int
	Last4          string
	SubscriberID   *int64
	AssigneeID     *int64
	AssigneeEmail  string
	OpenedAt       time.Time
	FirstReplyAt   *time.Time
	LastInboundAt  time.Time
	LastActivityAt time.Time
	ClosedAt       *time.Time
}

const summaryColumns = `c.id, c.status, c.priority, c.phone_last4, c.subscriber_id, c.assignee, coalesce(st.email, ''),
	c.opened_at, c.first_reply_at, c.last_inbound_at, c.last_activity_at, c.closed_at`

func scanSummary(row pgx.Row, c *ConversationSummary) error {
	return row.Scan(&c.ID, &c.Status, &c.Priority, &c.Last4, &c.SubscriberID, &c.AssigneeID, &c.AssigneeEmail,
		&c.OpenedAt, &c.FirstReplyAt, &c.LastInboundAt, &c.LastActivityAt, &c.ClosedAt)
}

// ConversationFilter selects an inbox page: conversations not closed, or
// closed ones (newest first) with an ID below Before; at most Limit.
type ConversationFilter struct {
	Closed bool
	Before int64
	Limit  int
}

// ListConversations lists the inbox. Not closed: those waiting for staff
// first, crisis before the rest, the newest crisis first and then the one
// waiting longest; then those waiting for the person. Closed: newest first.
func (db *DB) ListConversations(ctx context.Context, f ConversationFilter) ([]ConversationSummary, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT ` + summaryColumns + ` FROM conversations c LEFT JOIN staff st ON st.id = c.assignee
		WHERE c.status <> 'closed'
		ORDER BY c.status = 'waiting', c.priority,
		         CASE WHEN c.priority = 0 THEN c.last_inbound_at END DESC NULLS LAST, c.last_inbound_at
		LIMIT $1`
	args := []any{f.Limit}
	if f.Closed {
		before := f.Before
		if before <= 0 {
			before = math.MaxInt64
		}
		q = `SELECT ` + summaryColumns + ` FROM conversations c LEFT JOIN staff st ON st.id = c.assignee
			WHERE c.status = 'closed' AND c.id < $2 ORDER BY c.id DESC LIMIT $1`
		args = append(args, before)
	}
	rows, err := db.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConversationSummary, error) {
		var c ConversationSummary
		err := scanSummary(row, &c)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return list, nil
}

// ConversationCounts are the figures anyone on staff may see.
type ConversationCounts struct {
	OpenCrisis int64 // waiting for staff, crisis
	OpenOther  int64 // waiting for staff, the rest
	Waiting    int64 // waiting for the person
	// OldestOpen is when the longest-waiting conversation's person last
	// wrote (nil: none waits for staff).
	OldestOpen *time.Time
}

// CountConversations counts the conversations not closed.
func (db *DB) CountConversations(ctx context.Context) (ConversationCounts, error) {
	var c ConversationCounts
	err := db.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status = 'open' AND priority = 0),
		       count(*) FILTER (WHERE status = 'open' AND priority <> 0),
		       count(*) FILTER (WHERE status = 'waiting'),
		       min(last_inbound_at) FILTER (WHERE status = 'open')
		FROM conversations WHERE status <> 'closed'`).Scan(&c.OpenCrisis, &c.OpenOther, &c.Waiting, &c.OldestOpen)
	if err != nil {
		return c, fmt.Errorf("count conversations: %w", err)
	}
	return c, nil
}

// ReplyTimes are the times to the first staff reply of the conversations
// opened since a time.
type ReplyTimes struct {
	Opened  int64 // conversations opened
	Replied int64 // of which staff answered
	// Median and P90 of the time from opening to the first reply, over
	// those answered; nil when none was.
	Median, P90 *time.Duration
}

// FirstReplyTimes measures how soon staff first answered the
// conversations opened since since.
func (db *DB) FirstReplyTimes(ctx context.Context, since time.Time) (ReplyTimes, error) {
	var r ReplyTimes
	var median, p90 *float64
	err := db.Pool.QueryRow(ctx, `
		SELECT count(*), count(first_reply_at),
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - opened_at)),
		       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - opened_at))
		FROM conversations WHERE opened_at >= $1`, since).Scan(&r.Opened, &r.Replied, &median, &p90)
	if err != nil {
		return r, fmt.Errorf("first reply times: %w", err)
	}
	seconds := func(f *float64) *time.Duration {
		if f == nil {
			return nil
		}
		d := time.Duration(*f * float64(time.Second)).Round(time.Second)
		return &d
	}
	r.Median, r.P90 = seconds(median), seconds(p90)
	return r, nil
}

// ThreadMessage is one message of a conversation, either way.
type ThreadMessage struct {
	// ID is the inbound message's (for MarkMisread) or the staff reply's.
	ID      int64
	At      time.Time
	Inbound bool // from the person
	// BodyEnc is the text, encrypted (vault.Body); nil for an automatic
	// reply, whose text is the program's (AutoReply names it).
	BodyEnc []byte
	// Class is how an inbound message was read, Rule why, and MisreadAs
	// what someone on staff said it should have been ("" if not marked).
	Class, Rule, MisreadAs string
	// AutoReply names the program's reply the service answered an inbound
	// message with, "" for none.
	AutoReply string
	// StaffEmail is who wrote a staff reply.
	StaffEmail string
	// Status of a staff reply: pending, refused, or the carrier's delivery
	// status once sent.
	Status        string
	RefusedReason string
	HeldUntil     *time.Time
}

// Thread is a conversation opened by someone on staff.
type Thread struct {
	ConversationSummary
	// PhoneHash is the number's lookup hash: its messages are sealed for it.
	PhoneHash []byte
	// State is the number's subscriber state, nil when it never subscribed.
	State    *State
	Messages []ThreadMessage
	// Reveals are the audit rows of every reveal of the full number.
	Reveals []AuditEntry
}

// OpenThread reads a conversation with its messages, and writes in the
// same transaction who opened it: a thread is never shown unrecorded.
func (db *DB) OpenThread(ctx context.Context, id int64, by Actor) (*Thread, error) {
	var t Thread
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		err := scanSummary(tx.QueryRow(ctx, `SELECT `+summaryColumns+`
			FROM conversations c LEFT JOIN staff st ON st.id = c.assignee WHERE c.id = $1`, id), &t.ConversationSummary)
		if err != nil {
			return notFound(err)
		}
		if err := tx.QueryRow(ctx, `SELECT phone_hash FROM conversations WHERE id = $1`, id).Scan(&t.PhoneHash); err != nil {
			return err
		}
		if t.SubscriberID != nil {
			var s State
			if err := tx.QueryRow(ctx, `SELECT state FROM subscribers WHERE id = $1`, *t.SubscriberID).Scan(&s); err != nil {
				return err
			}
			t.State = &s
		}
		rows, err := tx.Query(ctx, `
			SELECT ord, at, inbound, body_enc, class, rule, misread_as, reply_name, email, status, reason, held_until FROM (
				SELECT i.received_at AS at, i.id AS ord, true AS inbound, i.body_enc, i.class, i.rule,
				       coalesce(i.misread_as, '') AS misread_as, i.reply_name,
				       '' AS email, '' AS status, '' AS reason, NULL::timestamptz AS held_until
				FROM inbound_messages i WHERE i.conversation_id = $1
				UNION ALL
				SELECT r.created_at, r.id, false, r.body_enc, '', '', '', '', s.email,
				       CASE WHEN r.status = 'sent' THEN coalesce(o.status, 'sent') ELSE r.status END,
				       r.refused_reason, r.held_until
				FROM staff_replies r JOIN staff s ON s.id = r.staff_id
				LEFT JOIN outbound_messages o ON o.id = r.outbound_id
				WHERE r.conversation_id = $1
			) m ORDER BY at, inbound DESC, ord`, id)
		if err != nil {
			return err
		}
		t.Messages, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (ThreadMessage, error) {
			var m ThreadMessage
			err := row.Scan(&m.ID, &m.At, &m.Inbound, &m.BodyEnc, &m.Class, &m.Rule, &m.MisreadAs, &m.AutoReply, &m.StaffEmail, &m.Status, &m.RefusedReason, &m.HeldUntil)
			return m, err
		})
		if err != nil {
			return err
		}
		if t.Reveals, err = auditFor(ctx, tx, conversationTarget(id), AuditNumberRevealed); err != nil {
			return err
		}
		return AppendAudit(ctx, tx, by.Entry(AuditConversationOpened, conversationTarget(id), ""))
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("open thread: %w", err)
	}
	return &t, nil
}

// auditFor lists the audit rows of one action on one target, oldest first.
func auditFor(ctx context.Context, tx pgx.Tx, target, action string) ([]AuditEntry, error) {
	rows, err := tx.Query(ctx, `
		SELECT a.id, a.at, a.staff_id, coalesce(s.email, ''), a.action, a.target, a.detail, a.client_addr
		FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
		WHERE a.target = $1 AND a.action = $2 ORDER BY a.id`, target, action)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.StaffID, &e.StaffEmail, &e.Action, &e.Target, &e.Detail, &e.ClientAddr)
		return e, err
	})
}

// SealedNumber is a number as stored: its lookup hash and the number
// encrypted (vault.Phone) for that hash.
type SealedNumber struct {
	PhoneHash, PhoneEnc []byte
}

// RevealNumber returns a conversation's full number (encrypted) for
// someone on staff to call the person back, and records who did, when and
// why in the same transaction.
func (db *DB) RevealNumber(ctx context.Context, id int64, by Actor, reason string) (*SealedNumber, error) {
	var n SealedNumber
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT phone_hash, phone_enc FROM conversations WHERE id = $1`, id).Scan(&n.PhoneHash, &n.PhoneEnc); err != nil {
			return notFound(err)
		}
		return AppendAudit(ctx, tx, by.Entry(AuditNumberRevealed, conversationTarget(id), reason))
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("reveal number: %w", err)
	}
	return &n, nil
}

// AssignConversation gives a conversation to someone on staff (nil: to
// nobody), and records who did.
func (db *DB) AssignConversation(ctx context.Context, id int64, to *int64, by Actor) error {
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE conversations SET assignee = $2 WHERE id = $1`, id, to)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		detail := "nobody"
		if to != nil {
			detail = fmt.Sprintf("staff:%d", *to)
		}
		return AppendAudit(ctx, tx, by.Entry(AuditConversationAssigned, conversationTarget(id), detail))
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("assign conversation: %w", err)
	}
	return err
}

// CloseConversation closes a conversation in tx and records who did. It
// returns the conversation's subscriber, whose sequence may resume (nil:
// none), and whether it was open (closing a closed one changes nothing).
func CloseConversation(ctx context.Context, tx pgx.Tx, id int64, by Actor) (subscriberID *int64, closed bool, err error) {
	var status ConversationStatus
	err = tx.QueryRow(ctx, `SELECT status, subscriber_id FROM conversations WHERE id = $1 FOR UPDATE`, id).Scan(&status, &subscriberID)
	if err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return nil, false, err
		}
		return nil, false, fmt.Errorf("close conversation: %w", err)
	}
	if status == ConversationClosed {
		return subscriberID, false, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET status = 'closed', closed_at = now(), closed_by = $2 WHERE id = $1`,
		id, by.StaffID); err != nil {
		return nil, false, fmt.Errorf("close conversation: %w", err)
	}
	if err := AppendAudit(ctx, tx, by.Entry(AuditConversationClosed, conversationTarget(id), "")); err != nil {
		return nil, false, fmt.Errorf("close conversation: %w", err)
	}
	return subscriberID, true, nil
}

// ReplyTarget is what a staff reply needs to know of its conversation,
// locked until tx ends.
type ReplyTarget struct {
	ConversationID int64
	Status         ConversationStatus
	PhoneHash      []byte
	PhoneEnc       []byte
	LastInboundAt  time.Time
}

// ConversationPhoneHash reads, without a lock, the phone hash of a
// conversation (it never changes), so that a caller can lock the number
// before the conversation.
func ConversationPhoneHash(ctx context.Context, tx pgx.Tx, id int64) ([]byte, error) {
	var hash []byte
	if err := tx.QueryRow(ctx, `SELECT phone_hash FROM conversations WHERE id = $1`, id).Scan(&hash); err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("conversation phone: %w", err)
	}
	return hash, nil
}

// LockConversation reads and locks a conversation for a reply. Lock its
// number first (LockNumber), as an inbound message does.
func LockConversation(ctx context.Context, tx pgx.Tx, id int64) (*ReplyTarget, error) {
	t := &ReplyTarget{ConversationID: id}
	err := tx.QueryRow(ctx, `SELECT status, phone_hash, phone_enc, last_inbound_at FROM conversations WHERE id = $1 FOR UPDATE`, id).
		Scan(&t.Status, &t.PhoneHash, &t.PhoneEnc, &t.LastInboundAt)
	if err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("lock conversation: %w", err)
	}
	return t, nil
}

// StaffReply is one reply someone on staff asked to send.
type StaffReply struct {
	ID             int64
	ConversationID int64
	StaffID        int64
	// Key makes a form submitted twice one reply.
	Key      string
	BodyEnc  []byte
	Segments int
	Status   string // pending, sent, refused
}

// AddStaffReply records a reply to send. A reply with the same Key already
// recorded is left as it is: created is false and r gets its ID.
func AddStaffReply(ctx context.Context, tx pgx.Tx, r *StaffReply) (created bool, err error) {
	err = tx.QueryRow(ctx, `
		INSERT INTO staff_replies (conversation_id, staff_id, request_key, body_enc, segments)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (request_key) DO NOTHING RETURNING id`,
		r.ConversationID, r.StaffID, r.Key, r.BodyEnc, r.Segments).Scan(&r.ID)
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return false, fmt.Errorf("add staff reply: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT id FROM staff_replies WHERE request_key = $1`, r.Key).Scan(&r.ID); err != nil {
		return false, fmt.Errorf("add staff reply: %w", err)
	}
	return false, nil
}

// LockStaffReply reads a reply and locks it until tx ends.
func LockStaffReply(ctx context.Context, tx pgx.Tx, id int64) (*StaffReply, error) {
	r := &StaffReply{ID: id}
	err := tx.QueryRow(ctx, `SELECT conversation_id, staff_id, request_key, body_enc, segments, status FROM staff_replies WHERE id = $1 FOR UPDATE`, id).
		Scan(&r.ConversationID, &r.StaffID, &r.Key, &r.BodyEnc, &r.Segments, &r.Status)
	if err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("lock staff reply: %w", err)
	}
	return r, nil
}

// RefuseStaffReply marks a reply not sent, and why (said to staff).
func RefuseStaffReply(ctx context.Context, tx pgx.Tx, id int64, reason string) error {
	if _, err := tx.Exec(ctx, `UPDATE staff_replies SET status = 'refused', refused_reason = $2, held_until = NULL WHERE id = $1`, id, reason); err != nil {
		return fmt.Errorf("refuse staff reply: %w", err)
	}
	return nil
}

// HoldStaffReply records until when a reply waits for the send window.
func HoldStaffReply(ctx context.Context, tx pgx.Tx, id int64, until time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE staff_replies SET held_until = $2 WHERE id = $1`, id, until); err != nil {
		return fmt.Errorf("hold staff reply: %w", err)
	}
	return nil
}

// FindConversation reads one conversation's summary.
func (db *DB) FindConversation(ctx context.Context, id int64) (*ConversationSummary, error) {
	var c ConversationSummary
	err := scanSummary(db.Pool.QueryRow(ctx, `SELECT `+summaryColumns+`
		FROM conversations c LEFT JOIN staff st ON st.id = c.assignee WHERE c.id = $1`, id), &c)
	if err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("find conversation: %w", err)
	}
	return &c, nil
}

// Labels a message marked misread may be given: the corpus's labels.
var MisreadLabels = []string{"opt_out", "crisis", "help", "join", "recovery", "free_text"}

// MarkMisread records that someone on staff read an inbound message of a
// conversation differently from the classifier, and as what; audited.
func (db *DB) MarkMisread(ctx context.Context, conversationID, messageID int64, as string, by Actor) error {
	known := false
	for _, l := range MisreadLabels {
		known = known || l == as
	}
	if !known {
		return fmt.Errorf("mark misread: %q is not a label", as)
	}
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE inbound_messages SET misread_as = $3, misread_by = $4, misread_at = now()
			WHERE id = $1 AND conversation_id = $2`, messageID, conversationID, as, by.StaffID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return AppendAudit(ctx, tx, by.Entry(AuditMarkedMisread, conversationTarget(conversationID), fmt.Sprintf("message:%d as %s", messageID, as)))
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("mark misread: %w", err)
	}
	return err
}

// MisreadMessage is a message marked misread, for the corpus.
type MisreadMessage struct {
	ID         int64
	ReceivedAt time.Time
	Class      string // how the classifier read it
	Rule       string
	MisreadAs  string // how staff read it
	PhoneHash  []byte // what the body is sealed for
	BodyEnc    []byte
}

// MisreadMessages lists every message marked misread, oldest first.
func (db *DB) MisreadMessages(ctx context.Context) ([]MisreadMessage, error) {
	list, err := collect(ctx, db.Pool, func(row pgx.CollectableRow) (MisreadMessage, error) {
		var m MisreadMessage
		err := row.Scan(&m.ID, &m.ReceivedAt, &m.Class, &m.Rule, &m.MisreadAs, &m.PhoneHash, &m.BodyEnc)
		return m, err
	}, `SELECT id, received_at, class, rule, misread_as, phone_hash, body_enc FROM inbound_messages
		WHERE misread_at IS NOT NULL ORDER BY misread_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list misread messages: %w", err)
	}
	return list, nil
}
