package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// State is where a subscriber stands (the subscriber_state type).
type State string

const (
	Pending State = "pending" // web sign-up awaiting YES
	Active  State = "active"
	Stopped State = "stopped"
	Invalid State = "invalid" // the carrier says the number cannot receive
	// Expired is a web sign-up that never answered the YES request: final,
	// never texted again. A later opt-in from the number (YES, START, a join
	// keyword, a new web sign-up) moves it on like any other.
	Expired State = "expired"
)

// Consent methods: how a change of state came about.
const (
	MethodKeyword = "keyword"
	MethodWebForm = "web_form"
	MethodStaff   = "staff"
	MethodCarrier = "carrier"
)

// Subscriber is one phone number's record. A Subscriber with no State is
// not on record yet: LockNumber reserved its ID, and ChangeState creates it.
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

// Recorded tells whether the subscriber exists in the database.
func (s *Subscriber) Recorded() bool { return s.State != "" }

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

// Reserve says whether LockNumber should reserve an ID for a number that
// is not on record, so that a new subscriber can be created with the COMMIT.
type Reserve bool

// The number's advisory lock is its own statement, and everything read
// under it comes in one statement after it: a statement's snapshot is
// taken when it starts, so what is read must start after the lock is held.
// Serialising on the number (not only on its subscriber row) covers a
// number not yet on record: two messages from one number never race.
func queueNumberLock(b *pgx.Batch, phoneHash []byte) {
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, int64(binary.BigEndian.Uint64(phoneHash[:8])))
}

// lockedSubscriberFrom is the FROM clause that reads the number's
// subscriber ($1, the phone hash) locked, as s, or a row of nulls when it
// is not on record; a caller's statement joins more to it.
const lockedSubscriberFrom = `(SELECT 1) AS one
	LEFT JOIN LATERAL (SELECT id, phone_hash, phone_enc, phone_last4, state, source, coalesce(time_zone, '') AS time_zone, opted_in_at, created_at
		FROM subscribers WHERE phone_hash = $1 FOR UPDATE) s ON true`

// lockedSubscriberColumns are s's columns, and an ID reserved ($2) when
// the number is not on record.
const lockedSubscriberColumns = `s.id, s.phone_hash, s.phone_enc, s.phone_last4, s.state, s.source, s.time_zone, s.opted_in_at, s.created_at,
	CASE WHEN s.id IS NULL AND $2 THEN nextval('subscribers_id_seq') END`

// lockedSubscriber scans lockedSubscriberColumns.
type lockedSubscriber struct {
	id, reserved         *int64
	phoneHash, phoneEnc  []byte
	last4, source, tz    *string
	state                *State
	optedInAt, createdAt *time.Time
}

func (l *lockedSubscriber) dest() []any {
	return []any{&l.id, &l.phoneHash, &l.phoneEnc, &l.last4, &l.state, &l.source, &l.tz, &l.optedInAt, &l.createdAt, &l.reserved}
}

// subscriber is the number's record, or, not on record, one with no State
// and the reserved ID (0 when none was asked for).
func (l *lockedSubscriber) subscriber(phoneHash []byte) *Subscriber {
	if l.id == nil {
		sub := &Subscriber{PhoneHash: phoneHash}
		if l.reserved != nil {
			sub.ID = *l.reserved
		}
		return sub
	}
	return &Subscriber{ID: *l.id, PhoneHash: l.phoneHash, PhoneEnc: l.phoneEnc, Last4: *l.last4, State: *l.state,
		Source: *l.source, TimeZone: *l.tz, OptedInAt: l.optedInAt, CreatedAt: *l.createdAt}
}

// LockNumber locks one phone number until tx ends, whether or not it is on
// record, and returns its subscriber, locked too. A number not on record
// comes back as a Subscriber with no State (Recorded is false), with an ID
// reserved for it if reserve is set, else 0. One round trip.
func LockNumber(ctx context.Context, tx pgx.Tx, phoneHash []byte, reserve Reserve) (*Subscriber, error) {
	b := &pgx.Batch{}
	queueNumberLock(b, phoneHash)
	b.Queue(`SELECT `+lockedSubscriberColumns+` FROM `+lockedSubscriberFrom, phoneHash, bool(reserve))
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	var l lockedSubscriber
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("lock number: %w", err)
	}
	if err := br.QueryRow().Scan(l.dest()...); err != nil {
		return nil, fmt.Errorf("lock number: %w", err)
	}
	return l.subscriber(phoneHash), br.Close()
}

// LockSubscriber finds a subscriber by ID and locks the row until tx ends.
func LockSubscriber(ctx context.Context, tx pgx.Tx, id int64) (*Subscriber, error) {
	sub, err := scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = $1 FOR UPDATE`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("lock subscriber: %w", err)
	}
	return sub, err
}

// ChangeState writes a subscriber's new state and its consent-ledger row,
// together, with tx's COMMIT (AtCommit): one statement, no round trip of
// its own. The caller holds the number's lock (LockNumber). A subscriber
// not on record is created, with ev.Method as its source and the ID
// LockNumber reserved; one already in state to gets the ledger row only (a
// repeated web sign-up keeps each sign-up's evidence). Moving to active
// starts a new subscription at at (the sequence counts from it). sub is
// updated; it is the only place a state is written, so every change has its
// ledger row (invariant 3). Callers go through the sender's Transition,
// which also starts or ends the sequence.
// countChange ends each of ChangeState's statements: the change's ledger
// row (e) counts itself, with the subscriber's source (s), in the same
// statement. No trigger counts the ledger (migrations/00007_lighter_join.sql).
const countChange = `
	INSERT INTO counter_deltas (name, day, n)
	SELECT d.name, d.day, d.n FROM e, s, state_change_deltas(e.from_state, e.to_state, e.method, s.source, e.at) AS d`

func ChangeState(ctx context.Context, tx pgx.Tx, sub *Subscriber, to State, ev ConsentEvent, at time.Time) error {
	from := sub.State
	at = at.Truncate(time.Microsecond) // as Postgres keeps it: the subscription is compared exactly
	var fromP *State
	if from != "" {
		fromP = &from
	}
	ledger := []any{ev.Method, ev.Reason, ev.MessageSID, ev.DisclosureVersion, ev.StaffID, ev.EvidenceEnc}
	var err error
	switch {
	case !sub.Recorded():
		if sub.ID == 0 {
			return errors.New("change state: a new subscriber needs an ID reserved by LockNumber")
		}
		var tz *string
		if sub.TimeZone != "" {
			tz = &sub.TimeZone
		}
		sub.Source = ev.Method
		err = AtCommit(ctx, tx, `
			WITH s AS (
				INSERT INTO subscribers (id, phone_hash, phone_enc, phone_last4, state, source, time_zone, opted_in_at)
				OVERRIDING SYSTEM VALUE
				VALUES ($7, $8, $9, $10, $11, $12, $13, CASE WHEN $11::subscriber_state = 'active' THEN $14::timestamptz END)
				RETURNING id, source
			), e AS (
				INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
				SELECT id, NULL, $11, $1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6 FROM s
				RETURNING from_state, to_state, method, at
			)`+countChange,
			append(ledger, sub.ID, sub.PhoneHash, sub.PhoneEnc, sub.Last4, to, sub.Source, tz, at)...)
	case from == to:
		err = AtCommit(ctx, tx, `
			WITH s AS (
				SELECT ''::text AS source
			), e AS (
				INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
				VALUES ($7, $8, $8, $1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6)
				RETURNING from_state, to_state, method, at
			)`+countChange,
			append(ledger, sub.ID, to)...)
	default:
		err = AtCommit(ctx, tx, `
			WITH s AS (
				UPDATE subscribers
				SET state = $8, updated_at = now(),
				    opted_in_at = CASE WHEN $8::subscriber_state = 'active' THEN $10::timestamptz ELSE opted_in_at END
				WHERE id = $7
				RETURNING id, source
			), e AS (
				INSERT INTO consent_events (subscriber_id, from_state, to_state, method, reason, message_sid, disclosure_version, staff_id, evidence_enc)
				SELECT id, $9, $8, $1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6 FROM s
				RETURNING from_state, to_state, method, at
			)`+countChange,
			append(ledger, sub.ID, to, fromP, at)...)
	}
	if err != nil {
		return fmt.Errorf("change state: %w", err)
	}
	sub.State = to
	if to == Active && from != Active {
		sub.OptedInAt = &at
	}
	return nil
}

// SetTimeZone records the zone a person gave (on the form), with tx's COMMIT.
func SetTimeZone(ctx context.Context, tx pgx.Tx, id int64, tz string) error {
	if err := AtCommit(ctx, tx, `UPDATE subscribers SET time_zone = NULLIF($2, ''), updated_at = now() WHERE id = $1`, id, tz); err != nil {
		return fmt.Errorf("set time zone: %w", err)
	}
	return nil
}
