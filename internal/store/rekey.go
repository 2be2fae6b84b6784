package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"textsupport/internal/vault"
)

// An EncryptedColumn is a column of ciphertexts and what each is sealed
// for: its purpose and its row (the number's phone hash, or the staff
// login).
type EncryptedColumn struct {
	Table, Column, Purpose string
	// from is the FROM clause, the table as t; hash the phone hash the
	// ciphertext is bound to, NULL for a staff login's.
	from, hash string
	staff      bool
}

// Name is table.column.
func (c EncryptedColumn) Name() string { return c.Table + "." + c.Column }

// Row is the row binding of a ciphertext in c, of row id with hash.
func (c EncryptedColumn) Row(id int64, hash []byte) []byte {
	if c.staff {
		return vault.StaffRow(id)
	}
	return hash
}

// EncryptedColumns are every column that holds a ciphertext. A migration
// that adds one adds it here (TestEncryptedColumnsAreAll checks).
var EncryptedColumns = []EncryptedColumn{
	{Table: "subscribers", Column: "phone_enc", Purpose: vault.Phone, from: "subscribers t", hash: "t.phone_hash"},
	{Table: "consent_events", Column: "evidence_enc", Purpose: vault.Evidence,
		from: "consent_events t JOIN subscribers s ON s.id = t.subscriber_id", hash: "s.phone_hash"},
	{Table: "inbound_messages", Column: "phone_enc", Purpose: vault.Phone, from: "inbound_messages t", hash: "t.phone_hash"},
	{Table: "inbound_messages", Column: "body_enc", Purpose: vault.Body, from: "inbound_messages t", hash: "t.phone_hash"},
	{Table: "conversations", Column: "phone_enc", Purpose: vault.Phone, from: "conversations t", hash: "t.phone_hash"},
	{Table: "staff_replies", Column: "body_enc", Purpose: vault.Body,
		from: "staff_replies t JOIN conversations c ON c.id = t.conversation_id", hash: "c.phone_hash"},
	{Table: "staff", Column: "totp_secret_enc", Purpose: vault.TOTP, from: "staff t", hash: "NULL::bytea", staff: true},
}

// A Resealer opens a ciphertext with whichever key it names and seals it
// again with the newest (vault.Vault).
type Resealer interface {
	Reseal(purpose string, row, sealed []byte) (out []byte, changed bool, err error)
	NewestID() byte
}

// RekeyCount is what a rekey did to one column.
type RekeyCount struct {
	Rekeyed int // sealed again under the newest key
	Current int // already under it
	// Changed were written anew by the service between the read and the
	// write: the service seals with the newest key.
	Changed int
	// Unreadable open with no key of the ring (their IDs, the first few,
	// in UnreadableIDs); they are left as they are.
	Unreadable    int
	UnreadableIDs []int64
	// LastID is the last row done: a batch at a time, rows up to it are
	// under the newest key.
	LastID int64
}

// RekeyColumn seals every ciphertext of col that is not under the newest
// key again under it, batch rows per transaction, in order of ID, while
// the service runs. It is idempotent: rows already under the newest key
// are left alone, so an interrupted run is finished by running it again,
// and two runs at once do no harm (a row is written only if it still holds
// what was read). after, if set, is called after each batch.
func (db *DB) RekeyColumn(ctx context.Context, col EncryptedColumn, r Resealer, batch int, after func(RekeyCount)) (RekeyCount, error) {
	var n RekeyCount
	read := fmt.Sprintf(`SELECT t.id, %s, t.%s FROM %s WHERE t.id > $1 AND t.%[2]s IS NOT NULL ORDER BY t.id LIMIT $2`,
		col.hash, col.Column, col.from)
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rows, err := db.Pool.Query(ctx, read, n.LastID, batch)
		if err != nil {
			return n, fmt.Errorf("rekey %s: %w", col.Name(), err)
		}
		var ids []int64
		var olds, news [][]byte
		count := 0
		var id int64
		var hash, sealed []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &hash, &sealed}, func() error {
			count++
			n.LastID = id
			out, changed, err := r.Reseal(col.Purpose, col.Row(id, hash), sealed)
			switch {
			case err != nil:
				n.Unreadable++
				if len(n.UnreadableIDs) < 10 {
					n.UnreadableIDs = append(n.UnreadableIDs, id)
				}
			case !changed:
				n.Current++
			default:
				ids, olds, news = append(ids, id), append(olds, sealed), append(news, out)
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("rekey %s: %w", col.Name(), err)
		}
		if len(ids) > 0 {
			written, err := db.rekeyWrite(ctx, col, ids, olds, news)
			if err != nil {
				return n, err
			}
			n.Rekeyed += written
			n.Changed += len(ids) - written
		}
		if after != nil {
			after(n)
		}
		if count < batch {
			return n, nil
		}
	}
}

// rekeyWrite writes one batch in one transaction, each row only if it
// still holds what was read. A lock wait that ends in a deadlock or a
// timeout is tried again.
func (db *DB) rekeyWrite(ctx context.Context, col EncryptedColumn, ids []int64, olds, news [][]byte) (int, error) {
	update := fmt.Sprintf(`UPDATE %s t SET %s = u.new
		FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS u(id, old, new)
		WHERE t.id = u.id AND t.%[2]s = u.old`, col.Table, col.Column)
	for attempt := 1; ; attempt++ {
		var written int
		err := db.InTx(ctx, func(tx pgx.Tx) error {
			// A sending transaction holds its subscriber's row while the
			// carrier answers: wait for that, not for ever.
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '10s'`); err != nil {
				return err
			}
			if col.Table == "consent_events" {
				// The ledger's trigger lets a rekey change the evidence alone.
				if _, err := tx.Exec(ctx, `SET LOCAL textsupport.rekey = 'on'`); err != nil {
					return err
				}
			}
			tag, err := tx.Exec(ctx, update, ids, olds, news)
			written = int(tag.RowsAffected())
			return err
		})
		var pgErr *pgconn.PgError
		if err != nil && attempt < 5 && errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "55P03") {
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(time.Duration(attempt) * time.Second):
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("rekey %s: %w", col.Name(), err)
		}
		return written, nil
	}
}

// NotUnderKey counts the ciphertexts of col that do not start with key
// id's header: what is left under other keys (or unreadable).
func (db *DB) NotUnderKey(ctx context.Context, col EncryptedColumn, id byte) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s IS NOT NULL AND substring(%[2]s FROM 1 FOR 2) <> $1`,
		col.Table, col.Column), vault.Header(id)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s under other keys: %w", col.Name(), err)
	}
	return n, nil
}
