package pgtest

import (
	"context"
	"testing"

	"textsupport/internal/store"
)

// CheckReferences fails t when a row of the consent ledger or of the
// message tables names a subscriber that does not exist. The database
// keeps no foreign keys from these tables (migrations/00007_lighter_join.sql
// says why): every writer takes the subscriber from a row it locked or
// wrote in the same transaction, and this check is the test of that.
func CheckReferences(t testing.TB, db *store.DB) {
	t.Helper()
	for _, table := range []string{"consent_events", "inbound_messages", "outbound_messages"} {
		var orphans, rows int
		err := db.Pool.QueryRow(context.Background(), `
			SELECT count(*) FILTER (WHERE t.subscriber_id IS NOT NULL AND s.id IS NULL), count(*)
			FROM `+table+` t LEFT JOIN subscribers s ON s.id = t.subscriber_id`).Scan(&orphans, &rows)
		if err != nil {
			t.Fatal(err)
		}
		if orphans > 0 {
			t.Errorf("%d of %d rows of %s name a subscriber that does not exist", orphans, rows, table)
		}
	}
}
