package pgtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// Transition is the sender's Transition, or nil to write the state and
// its ledger row alone (store.ChangeState), with nothing scheduled or
// cancelled: for tests that make a history.
type Transition func(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error

func (tr Transition) apply(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error {
	if tr == nil {
		return store.ChangeState(ctx, tx, sub, to, ev, time.Now())
	}
	return tr(ctx, tx, sub, to, ev)
}

// NewSubscriber records the number as a new subscriber in state to (its
// zone tz, "" for none), as an opt-in through ev.Method would, and returns
// it as committed.
func NewSubscriber(t testing.TB, db *store.DB, v *vault.Vault, number, tz string, to store.State, ev store.ConsentEvent, tr Transition) *store.Subscriber {
	t.Helper()
	ctx := context.Background()
	var sub *store.Subscriber
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		if sub, err = store.LockNumber(ctx, tx, v.Hash(number), true); err != nil {
			return err
		}
		if sub.Recorded() {
			t.Fatalf("pgtest: the number ending %s is on record already", phone.Last4(number))
		}
		sub.PhoneEnc, sub.Last4, sub.TimeZone = v.SealString(vault.Phone, v.Hash(number), number), phone.Last4(number), tz
		return tr.apply(ctx, tx, sub, to, ev)
	})
	if err != nil {
		t.Fatalf("pgtest: new subscriber: %v", err)
	}
	return Subscriber(t, db, sub.ID)
}

// SetState moves a subscriber to state to, as a change through ev.Method
// would, and returns it as committed.
func SetState(t testing.TB, db *store.DB, id int64, to store.State, ev store.ConsentEvent, tr Transition) *store.Subscriber {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := store.LockSubscriber(ctx, tx, id)
		if err != nil {
			return err
		}
		return tr.apply(ctx, tx, sub, to, ev)
	})
	if err != nil {
		t.Fatalf("pgtest: set state: %v", err)
	}
	return Subscriber(t, db, id)
}

// Subscriber reads a subscriber as committed.
func Subscriber(t testing.TB, db *store.DB, id int64) *store.Subscriber {
	t.Helper()
	sub, err := FindSubscriber(context.Background(), db, id)
	if err != nil {
		t.Fatalf("pgtest: find subscriber %d: %v", id, err)
	}
	return sub
}

// FindSubscriber reads a subscriber as committed, without locking it
// (store.ErrNotFound: none).
func FindSubscriber(ctx context.Context, db *store.DB, id int64) (*store.Subscriber, error) {
	return findSubscriber(ctx, db, `id = $1`, id)
}

// FindSubscriberByHash reads a number's subscriber as committed, without
// locking it (store.ErrNotFound: none).
func FindSubscriberByHash(ctx context.Context, db *store.DB, phoneHash []byte) (*store.Subscriber, error) {
	return findSubscriber(ctx, db, `phone_hash = $1`, phoneHash)
}

func findSubscriber(ctx context.Context, db *store.DB, where string, arg any) (*store.Subscriber, error) {
	// The columns in the order of store.Subscriber's fields.
	rows, err := db.Pool.Query(ctx, `
		SELECT id, phone_hash, phone_enc, phone_last4, state, source, coalesce(time_zone, ''), opted_in_at, created_at
		FROM subscribers WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	sub, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[store.Subscriber])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return sub, err
}

// ConsentHistory lists a subscriber's ledger rows, oldest first.
func ConsentHistory(ctx context.Context, db *store.DB, subscriberID int64) ([]store.ConsentEvent, error) {
	// The columns in the order of store.ConsentEvent's fields.
	rows, err := db.Pool.Query(ctx, `
		SELECT id, subscriber_id, at, from_state, to_state, method, reason, coalesce(message_sid, ''),
		       coalesce(disclosure_version, ''), staff_id, evidence_enc
		FROM consent_events WHERE subscriber_id = $1 ORDER BY id`, subscriberID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[store.ConsentEvent])
}
