package pgtest

import (
	"context"
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
		sub.PhoneEnc, sub.Last4, sub.TimeZone = v.SealString(vault.Phone, number), phone.Last4(number), tz
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
	sub, err := db.FindSubscriber(context.Background(), id)
	if err != nil {
		t.Fatalf("pgtest: find subscriber %d: %v", id, err)
	}
	return sub
}
