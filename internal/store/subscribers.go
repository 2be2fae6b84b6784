package store

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/jackc/pgx/v5"
)

// State is where a subscriber stands.
type State string

const (
	Pending State = "pending" // web sign-up awaiting YES
	Active  State = "active"
	Stopped State = "stopped"
	Invalid State = "invalid" // the carrier says the number cannot receive
)

// Consent methods: how a change of state came about.
const (
	MethodKeyword = "keyword"
	MethodWebForm = "web_form"
	MethodStaff   = "staff"
	MethodCarrier = "carrier"
)

// Subscriber is one phone number's record.
type Subscriber struct {
	ID        int64
	PhoneHash []byte
	PhoneEnc  []byte
	Last4     string
	State     State
	Source    string
	TimeZone  string
	OptedInAt *time.Time
	CreatedAt time.Time
}

// ConsentEvent is one row of the consent ledger.
type ConsentEvent struct {
	ID                int64
	SubscriberID      int64
	At                time.Time
	FromState         *State
	ToState           State
	Method            string
	Reason            string
	MessageSID        string
	DisclosureVersion string
	StaffID           *int64
	EvidenceEnc       []byte
}

const subscriberColumns = `id, phone_hash, phone_enc, phone_last4, state, source, coalesce(time_zone, ''), opted_in_at, created_at`

func scanSubscriber(row pgx.Row) (*Subscriber, error) {
	var s Subscriber
	err := row.Scan(&s.ID, &s.PhoneHash, &s.PhoneEnc, &s.Last4, &s.State, &s.Source, &s.TimeZone, &s.OptedInAt, &s.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// LockPhone serialises, until tx ends, everything done for one phone number:
// two messages from one number never race, whether or not it is subscribed yet.
func LockPhone(ctx context.Context, tx pgx.Tx, phoneHash []byte) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(binary.BigEndian.Uint64(phoneHash[:8])))
	return err
}

// LockSubscriberByHash finds a subscriber by phone hash and locks the row until tx ends.
func LockSubscriberByHash(ctx context.Context, tx pgx.Tx, phoneHash []byte) (*Subscriber, error) {
	return scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE phone_hash = $1 FOR UPDATE`, phoneHash))
}

// LockSubscriber finds a subscriber by ID and locks the row until tx ends.
func LockSubscriber(ctx context.Context, tx pgx.Tx, id int64) (*Subscriber, error) {
	return scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = $1 FOR UPDATE`, id))
}

// FindSubscriber reads a subscriber without locking it.
func (db *DB) FindSubscriber(ctx context.Context, id int64) (*Subscriber, error) {
	return scanSubscriber(db.Pool.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = $1`, id))
}

// FindSubscriberByHash reads a subscriber by phone hash without locking it.
func (db *DB) FindSubscriberByHash(ctx context.Context, phoneHash []byte) (*Subscriber, error) {
	return scanSubscriber(db.Pool.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE phone_hash = $1`, phoneHash))
}

// CreateSubscriber inserts a new subscriber in state s.State, with the ledger
// row that records how it came to be. s.ID and s.OptedInAt are filled in.
func CreateSubscriber(ctx context.Context, tx pgx.Tx, s *Subscriber, ev ConsentEvent) error {
	var tz *string
	if s.TimeZone != "" {
		tz = &s.TimeZone
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source, time_zone, opted_in_at)
		VALUES ($1, $2, $3, $4::subscriber_state, $5, $6, CASE WHEN $4::subscriber_state = 'active' THEN now() END)
		RETURNING id, opted_in_at, created_at`,
		s.PhoneHash, s.PhoneEnc, s.Last4, s.State, s.Source, tz,
	).Scan(&s.ID, &s.OptedInAt, &s.CreatedAt)
	if err != nil {
		return err
	}
	ev.SubscriberID, ev.FromState, ev.ToState = s.ID, nil, s.State
	return AppendConsent(ctx, tx, ev)
}

// SetState moves a subscriber to a new state and appends the ledger row in
// the same transaction. Moving to active starts a new subscription: the
// sequence counts from now. s is updated.
func SetState(ctx context.Context, tx pgx.Tx, s *Subscriber, to State, ev ConsentEvent) error {
	from := s.State
	err := tx.QueryRow(ctx, `
		UPDATE subscribers
		SET state = $2::subscriber_state, updated_at = now(),
		    opted_in_at = CASE WHEN $2::subscriber_state = 'active' AND state <> 'active' THEN now() ELSE opted_in_at END
		WHERE id = $1
		RETURNING opted_in_at`, s.ID, to).Scan(&s.OptedInAt)
	if err != nil {
		return notFound(err)
	}
	s.State = to
	ev.SubscriberID, ev.FromState, ev.ToState = s.ID, &from, to
	return AppendConsent(ctx, tx, ev)
}

// SetTimeZone records the zone a person gave (on the form).
func SetTimeZone(ctx context.Context, tx pgx.Tx, id int64, tz string) error {
	_, err := tx.Exec(ctx, `UPDATE subscribers SET time_zone = NULLIF($2, ''), updated_at = now() WHERE id = $1`, id, tz)
	return err
}

// AppendConsent writes one ledger row. The ledger is append-only: the
// database refuses to change or delete a row.
func AppendConsent(ctx context.Context, tx pgx.Tx, ev ConsentEvent) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), $8, $9)`,
		ev.SubscriberID, ev.FromState, ev.ToState, ev.Method, ev.Reason, ev.MessageSID, ev.DisclosureVersion, ev.StaffID, ev.EvidenceEnc)
	return err
}

// ConsentHistory lists a subscriber's ledger rows, oldest first.
func (db *DB) ConsentHistory(ctx context.Context, subscriberID int64) ([]ConsentEvent, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT id, subscriber_id, at, from_state, to_state, method, reason, coalesce(message_sid, ''),
		       coalesce(disclosure_version, ''), staff_id, evidence_enc
		FROM consent_events WHERE subscriber_id = $1 ORDER BY id`, subscriberID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConsentEvent, error) {
		var e ConsentEvent
		err := row.Scan(&e.ID, &e.SubscriberID, &e.At, &e.FromState, &e.ToState, &e.Method, &e.Reason,
			&e.MessageSID, &e.DisclosureVersion, &e.StaffID, &e.EvidenceEnc)
		return e, err
	})
}
