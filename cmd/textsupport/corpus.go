package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"textsupport/internal/config"
	"textsupport/internal/vault"
)

// cmdCorpus: corpus export [--include-bodies] writes the messages staff
// marked misread as CSV, in the columns of the classifier's corpus
// (internal/message/testdata/corpus), to add to it. Bodies are decrypted
// only with --include-bodies, which needs DATA_KEY: the rows are then
// people's own words, for an operator's eyes.
func cmdCorpus(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New("usage: textsupport corpus export [--include-bodies]")
	}
	fs := flag.NewFlagSet("corpus export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	withBodies := fs.Bool("include-bodies", false, "decrypt the messages' text (needs DATA_KEY)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var v *vault.Vault
	if *withBodies {
		keys, lookup, err := config.Keys(getenv)
		if err != nil {
			return err
		}
		if v, err = vault.NewRing(keys, lookup); err != nil {
			return err
		}
	}
	db, _, err := openForCommand(ctx, getenv, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.MisreadMessages(ctx)
	if err != nil {
		return err
	}
	w := csv.NewWriter(stdout)
	w.Write([]string{"id", "received", "text", "label", "read_as", "rule"})
	for _, m := range list {
		text := ""
		if v != nil {
			if text, err = v.OpenString(vault.Body, m.PhoneHash, m.BodyEnc); err != nil {
				return fmt.Errorf("message %d does not decrypt with these keys: %w", m.ID, err)
			}
		}
		w.Write([]string{strconv.FormatInt(m.ID, 10), m.ReceivedAt.UTC().Format(time.DateOnly), text, m.MisreadAs, m.Class, m.Rule})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d messages marked misread\n", len(list))
	return nil
}
