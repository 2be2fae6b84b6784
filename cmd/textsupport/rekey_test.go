package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/vault"

	"github.com/jackc/pgx/v5"
)

// Rows sealed under key 1 (some in the form without a key ID, from before
// keys had IDs) are all under key 2 after rekey with the ring 2,1, even
// when a run is interrupted after its first batch and finished by two runs
// at once; then key 2 alone opens everything, each for its own row, and
// numbers are still found by their hash.
func TestRekey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.URL(t)
	k1, k2 := randomKey(), randomKey()
	b64 := base64.StdEncoding.EncodeToString
	env := map[string]string{"DATABASE_URL": dbURL, "DATA_KEYS": "2:" + b64(k2) + ",1:" + b64(k1)}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"textsupport", "migrate"}, envFunc(env), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, dbURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old, _ := vault.New(k1)
	seed := seedUnderKey1(t, db, old, k1)

	ring, err := vault.NewRing([]vault.Key{{ID: 2, Secret: k2}, {ID: 1, Secret: k1}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	// Interrupted after its first batch.
	cut, cancel := context.WithCancel(ctx)
	var first store.RekeyCount
	err = rekey(cut, db, ring, 20, &out, func(col store.EncryptedColumn, n store.RekeyCount) {
		first = n
		cancel()
	})
	if !errors.Is(err, context.Canceled) || first.Rekeyed != 20 {
		t.Fatalf("interrupted rekey = %v after %+v, want context.Canceled after 20 rows", err, first)
	}
	if n, _ := db.NotUnderKey(ctx, store.EncryptedColumns[0], 2); n != int64(seed.subscribers-20) {
		t.Fatalf("after one batch, %d subscribers under other keys, want %d", n, seed.subscribers-20)
	}

	// Finished by two runs at once.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = rekey(ctx, db, ring, 20, new(bytes.Buffer), nil) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("two rekeys at once: %v", err)
	}

	// Run again as an operator would: nothing left to do.
	out.Reset()
	if err := run(ctx, []string{"textsupport", "rekey", "--batch", "20"}, envFunc(env), nil, &out, &errOut); err != nil {
		t.Fatalf("rekey again: %v\n%s", err, out.String())
	}
	for _, col := range store.EncryptedColumns {
		for _, want := range []string{col.Name() + ": 0 re-encrypted", col.Name() + ": 0 rows left under other keys"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("rekey run twice does not say %q:\n%s", want, out.String())
			}
		}
	}
	if strings.Contains(out.String(), b64(k1)) || strings.Contains(out.String(), b64(k2)) {
		t.Error("rekey printed a key")
	}

	// Key 2 alone, with key 1 kept as the lookup key only.
	newOnly, err := vault.NewRing([]vault.Key{{ID: 2, Secret: k2}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	opened := 0
	for _, col := range store.EncryptedColumns {
		for _, r := range sealedRows(t, db, col) {
			if !bytes.HasPrefix(r.sealed, vault.Header(2)) {
				t.Errorf("%s row %d is not under key 2", col.Name(), r.id)
			}
			plain, err := newOnly.Open(col.Purpose, col.Row(r.id, r.hash), r.sealed)
			if err != nil {
				t.Errorf("%s row %d does not open with key 2 alone: %v", col.Name(), r.id, err)
				continue
			}
			if col.Purpose == vault.Phone {
				if _, err := newOnly.OpenPhone(r.hash, r.sealed); err != nil {
					t.Errorf("%s row %d: %v", col.Name(), r.id, err)
				}
			}
			if want := seed.plain[col.Name()+fmt.Sprint(r.id)]; want != "" && string(plain) != want {
				t.Errorf("%s row %d opens to %q, want %q", col.Name(), r.id, plain, want)
			}
			opened++
		}
	}
	if want := seed.rows(); opened != want {
		t.Errorf("opened %d ciphertexts, want %d", opened, want)
	}
	// The service's reads: a number is found by its hash and opens.
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := store.LockNumber(ctx, tx, newOnly.Hash(seed.number), false)
		if err != nil || !sub.Recorded() {
			return fmt.Errorf("number not found by its hash: %v", err)
		}
		number, err := newOnly.OpenPhone(sub.PhoneHash, sub.PhoneEnc)
		if err != nil || number != seed.number {
			return fmt.Errorf("OpenPhone = %q, %v", number, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Bodies, through corpus export with key 2 alone.
	out.Reset()
	onlyEnv := map[string]string{"DATABASE_URL": dbURL, "DATA_KEYS": "2:" + b64(k2), "LOOKUP_KEY": b64(k1)}
	if err := run(ctx, []string{"textsupport", "corpus", "export", "--include-bodies"}, envFunc(onlyEnv), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "body 0") {
		t.Errorf("corpus export with key 2 alone does not show the bodies:\n%s", out.String())
	}
	// The ledger is still append-only outside a rekey.
	if _, err := db.Pool.Exec(ctx, `UPDATE consent_events SET evidence_enc = evidence_enc || '\x00'::bytea`); err == nil {
		t.Error("the ledger's evidence was changed outside a rekey")
	}
}

type sealedRow struct {
	id           int64
	hash, sealed []byte
}

// sealedRows reads every ciphertext of col with the phone hash it is
// bound to.
func sealedRows(t *testing.T, db *store.DB, col store.EncryptedColumn) []sealedRow {
	t.Helper()
	q := map[string]string{
		"subscribers.phone_enc":       `SELECT id, phone_hash, phone_enc FROM subscribers`,
		"consent_events.evidence_enc": `SELECT e.id, s.phone_hash, e.evidence_enc FROM consent_events e JOIN subscribers s ON s.id = e.subscriber_id WHERE e.evidence_enc IS NOT NULL`,
		"inbound_messages.phone_enc":  `SELECT id, phone_hash, phone_enc FROM inbound_messages`,
		"inbound_messages.body_enc":   `SELECT id, phone_hash, body_enc FROM inbound_messages`,
		"conversations.phone_enc":     `SELECT id, phone_hash, phone_enc FROM conversations`,
		"staff_replies.body_enc":      `SELECT r.id, c.phone_hash, r.body_enc FROM staff_replies r JOIN conversations c ON c.id = r.conversation_id`,
		"staff.totp_secret_enc":       `SELECT id, NULL::bytea, totp_secret_enc FROM staff WHERE totp_secret_enc IS NOT NULL`,
	}[col.Name()]
	if q == "" {
		t.Fatalf("no query for %s", col.Name())
	}
	rows, err := db.Pool.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sealedRow, error) {
		var r sealedRow
		return r, row.Scan(&r.id, &r.hash, &r.sealed)
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// seeded is what seedUnderKey1 wrote.
type seeded struct {
	subscribers, evidence, inbound, conversations, replies, staff int
	number                                                        string            // one subscriber's
	plain                                                         map[string]string // by column name and row ID
}

func (s seeded) rows() int {
	return s.subscribers + s.evidence + 2*s.inbound + s.conversations + s.replies + s.staff
}

// seedUnderKey1 writes rows of every encrypted column under key 1: half
// in the form without a key ID (as written before keys had IDs), half
// with key 1's.
func seedUnderKey1(t *testing.T, db *store.DB, v *vault.Vault, k1 []byte) seeded {
	t.Helper()
	ctx := context.Background()
	s := seeded{subscribers: 70, inbound: 30, conversations: 5, replies: 5, staff: 2, plain: map[string]string{}}
	i := 0
	seal := func(purpose string, row []byte, text string) []byte {
		i++
		if i%2 == 0 {
			return sealWithoutKeyID(t, k1, purpose, []byte(text))
		}
		return v.SealString(purpose, row, text)
	}
	exec := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.Pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	s.number = "+12025550100"
	for n := range s.subscribers {
		number := fmt.Sprintf("+120255501%02d", n)
		hash := v.Hash(number)
		id := exec(`INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source) VALUES ($1, $2, $3, 'active', 'keyword') RETURNING id`,
			hash, seal(vault.Phone, hash, number), number[len(number)-4:])
		s.plain[fmt.Sprint("subscribers.phone_enc", id)] = number
		if n%2 == 0 {
			ev := fmt.Sprintf(`{"body":"JOIN %d"}`, n)
			eid := exec(`INSERT INTO consent_events (subscriber_id, to_state, method, evidence_enc) VALUES ($1, 'active', 'keyword', $2) RETURNING id`,
				id, seal(vault.Evidence, hash, ev))
			s.plain[fmt.Sprint("consent_events.evidence_enc", eid)] = ev
			s.evidence++
		}
		if n < s.inbound {
			body := fmt.Sprintf("body %d", n)
			mid := exec(`INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, class, body_enc, reply_twiml, misread_as, misread_at)
				VALUES ($1, $2, $3, $4, 'other', $5, '', 'other', now()) RETURNING id`,
				fmt.Sprintf("SM%d", n), hash, seal(vault.Phone, hash, number), number[len(number)-4:], seal(vault.Body, hash, body))
			s.plain[fmt.Sprint("inbound_messages.body_enc", mid)] = body
		}
	}
	staffIDs := make([]int64, s.staff)
	for n := range s.staff {
		st, err := db.CreateStaff(ctx, fmt.Sprintf("staff%d@clinic.example", n), "a long enough password", store.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		staffIDs[n] = st.ID
		secret := fmt.Sprintf("TOTPSECRET%d", n)
		exec(`UPDATE staff SET totp_secret_enc = $2 WHERE id = $1 RETURNING id`, st.ID, seal(vault.TOTP, vault.StaffRow(st.ID), secret))
		s.plain[fmt.Sprint("staff.totp_secret_enc", st.ID)] = secret
	}
	for n := range s.conversations {
		number := fmt.Sprintf("+120255501%02d", n)
		hash := v.Hash(number)
		cid := exec(`INSERT INTO conversations (phone_hash, phone_enc, phone_last4, priority) VALUES ($1, $2, $3, 1) RETURNING id`,
			hash, seal(vault.Phone, hash, number), number[len(number)-4:])
		reply := fmt.Sprintf("reply %d", n)
		rid := exec(`INSERT INTO staff_replies (conversation_id, staff_id, request_key, body_enc, segments) VALUES ($1, $2, $3, $4, 1) RETURNING id`,
			cid, staffIDs[0], fmt.Sprint("key", n), seal(vault.Body, hash, reply))
		s.plain[fmt.Sprint("staff_replies.body_enc", rid)] = reply
	}
	return s
}

// sealWithoutKeyID seals as the service did before ciphertexts carried a
// key ID: nonce || ciphertext, bound to the purpose only.
func sealWithoutKeyID(t *testing.T, key []byte, purpose string, plaintext []byte) []byte {
	t.Helper()
	encKey, err := hkdf.Key(sha256.New, key, nil, "textsupport encryption v1", 32)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(encKey)
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plaintext, []byte(purpose))
}
