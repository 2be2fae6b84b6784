package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"strings"
	"testing"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// corpus export writes the messages marked misread as CSV rows, their text
// only with --include-bodies and the right DATA_KEY.
func TestCorpusExport(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	key := randomKey()
	v, _ := vault.New(key)
	env := map[string]string{"DATABASE_URL": dbURL, "DATA_KEY": base64.StdEncoding.EncodeToString(key)}
	var out, errOut bytes.Buffer
	// Migrate, then seed one message marked misread and one not.
	if err := run(context.Background(), []string{"textsupport", "migrate"}, envFunc(env), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Pool.Exec(context.Background(), `
		INSERT INTO inbound_messages (message_sid, phone_hash, phone_enc, phone_last4, class, rule, body_enc, reply_twiml, misread_as, misread_at)
		VALUES ('SM1', 'h', 'x', '0001', 'other', 'none', $1, '', 'crisis', now()),
		       ('SM2', 'h', 'x', '0001', 'other', 'none', $2, '', NULL, NULL)`,
		v.SealString(vault.Body, []byte("h"), "i just want to sleep and not wake up"), v.SealString(vault.Body, []byte("h"), "thanks"))
	if err != nil {
		t.Fatal(err)
	}
	export := func(args ...string) [][]string {
		t.Helper()
		out.Reset()
		if err := run(context.Background(), append([]string{"textsupport", "corpus", "export"}, args...), envFunc(env), nil, &out, &errOut); err != nil {
			t.Fatalf("corpus export %v = %v", args, err)
		}
		rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := export()
	if len(rows) != 2 || rows[1][3] != "crisis" || rows[1][4] != "other" || rows[1][2] != "" {
		t.Fatalf("export without bodies = %v, want the one marked message, no text", rows)
	}
	rows = export("--include-bodies")
	if len(rows) != 2 || rows[1][2] != "i just want to sleep and not wake up" {
		t.Fatalf("export with bodies = %v, want the text", rows)
	}
	env["DATA_KEY"] = base64.StdEncoding.EncodeToString(randomKey())
	if err := run(context.Background(), []string{"textsupport", "corpus", "export", "--include-bodies"}, envFunc(env), nil, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "does not decrypt") {
		t.Fatalf("export with the wrong key = %v, want a clear refusal", err)
	}
	delete(env, "DATA_KEY")
	if err := run(context.Background(), []string{"textsupport", "corpus", "export", "--include-bodies"}, envFunc(env), nil, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "DATA_KEY") {
		t.Fatalf("export with bodies and no key = %v, want DATA_KEY named", err)
	}
}
