package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"textsupport/internal/config"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// cmdRekey: rekey [--batch N] seals every ciphertext the service keeps
// again under the newest key of DATA_KEYS, a batch of rows per
// transaction, while the service runs. Run it after every replica runs
// with the new ring; it can be stopped and run again, and it ends by
// counting what is left under other keys, which must be 0 before an old
// key leaves the ring.
func cmdRekey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rekey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	batch := fs.Int("batch", 500, "rows per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batch < 1 || *batch > 10000 {
		return errors.New("rekey: --batch: want 1 to 10000 rows")
	}
	keys, lookup, err := config.Keys(getenv)
	if err != nil {
		return err
	}
	v, err := vault.NewRing(keys, lookup)
	if err != nil {
		return err
	}
	db, _, err := openForCommand(ctx, getenv, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	return rekey(ctx, db, v, *batch, stdout, nil)
}

// rekey is the command's work; after, if set, is called after each batch
// (tests interrupt it there).
func rekey(ctx context.Context, db *store.DB, v *vault.Vault, batch int, stdout io.Writer, after func(store.EncryptedColumn, store.RekeyCount)) error {
	newest := v.NewestID()
	fmt.Fprintf(stdout, "rekey: sealing everything under key %d, %d rows per transaction\n", newest, batch)
	var summary []string
	var left, unreadable int64
	for _, col := range store.EncryptedColumns {
		var each func(store.RekeyCount)
		if after != nil {
			each = func(n store.RekeyCount) { after(col, n) }
		}
		n, err := db.RekeyColumn(ctx, col, v, batch, each)
		if err != nil {
			fmt.Fprintf(stdout, "%s: stopped after row %d (%d re-encrypted); run rekey again to finish\n", col.Name(), n.LastID, n.Rekeyed)
			return err
		}
		line := fmt.Sprintf("%s: %d re-encrypted, %d already under key %d", col.Name(), n.Rekeyed, n.Current, newest)
		if n.Changed > 0 {
			line += fmt.Sprintf(", %d rewritten by the service meanwhile", n.Changed)
		}
		if n.Unreadable > 0 {
			unreadable += int64(n.Unreadable)
			line += fmt.Sprintf(", %d open with no key of the ring (ids %s)", n.Unreadable, idList(n.UnreadableIDs))
		}
		fmt.Fprintln(stdout, line)
		summary = append(summary, fmt.Sprintf("%s %d", col.Name(), n.Rekeyed))
	}
	for _, col := range store.EncryptedColumns {
		n, err := db.NotUnderKey(ctx, col, newest)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d rows left under other keys\n", col.Name(), n)
		left += n
	}
	if err := db.Audit(ctx, store.AuditEntry{Actor: store.CLIActor, Action: store.AuditRekey,
		Detail: fmt.Sprintf("key %d; re-encrypted: %s; left under other keys: %d", newest, strings.Join(summary, ", "), left)}); err != nil {
		return err
	}
	switch {
	case unreadable > 0:
		return fmt.Errorf("rekey: %d rows open with no key of DATA_KEYS: keep every old key until they are dealt with", unreadable)
	case left > 0:
		return fmt.Errorf("rekey: %d rows left under other keys (a replica still running with an older ring?): restart every replica with the new DATA_KEYS and run rekey again", left)
	}
	fmt.Fprintf(stdout, "rekey: done; 0 rows left under other keys: keys other than %d may leave DATA_KEYS\n", newest)
	return nil
}

func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
