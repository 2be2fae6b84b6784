package store_test

import (
	"context"
	"slices"
	"testing"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// Every column of ciphertexts in the schema is one rekey re-encrypts: a
// migration that adds one must add it to store.EncryptedColumns.
func TestEncryptedColumnsAreAll(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	rows, err := db.Pool.Query(context.Background(), `
		SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name LIKE '%\_enc' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var inSchema []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		inSchema = append(inSchema, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range store.EncryptedColumns {
		listed = append(listed, c.Name())
	}
	slices.Sort(listed)
	if !slices.Equal(inSchema, listed) {
		t.Fatalf("encrypted columns in the schema = %v, store.EncryptedColumns = %v", inSchema, listed)
	}
}
