package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"textsupport/internal/config"
	"textsupport/internal/store"
)

// newLogger writes JSON lines. Nothing the service logs carries a phone
// number, a message body or a secret; see the log-capture tests.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// openMigrated connects to the database and applies pending migrations;
// applied says how many it applied. While the database does not answer it
// says so on status, if given.
func openMigrated(ctx context.Context, url string, maxConns int32, status io.Writer) (db *store.DB, applied int, err error) {
	var waiting func()
	if status != nil {
		waiting = func() { fmt.Fprintln(status, "textsupport: waiting for the database…") }
	}
	db, err = store.OpenWaiting(ctx, url, maxConns, waiting)
	if err != nil {
		return nil, 0, err
	}
	if applied, err = store.Migrate(ctx, db.Pool); err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, applied, nil
}

// openForCommand is openMigrated for the operator commands, which need
// only DATABASE_URL.
func openForCommand(ctx context.Context, getenv func(string) string, maxConns int32) (*store.DB, int, error) {
	cfg, err := config.Load(getenv, config.Migrate)
	if err != nil {
		return nil, 0, err
	}
	return openMigrated(ctx, cfg.DatabaseURL, maxConns, nil)
}

func cmdMigrate(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	db, n, err := openForCommand(ctx, getenv, 4)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "applied %d migrations; the database is current\n", n)
	return nil
}

const tokenUsage = "usage: textsupport token create NAME [--scope stats|metrics|stats,metrics]"

// cmdToken: token create NAME [--scope …] prints a new API token as the
// last line of stdout. A token reads only what its scopes name: stats
// (the default) /api/v1/stats, metrics /metrics.
func cmdToken(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var scopes []string
	fs.Func("scope", "stats or metrics; may be given again", func(v string) error { scopes = append(scopes, v); return nil })
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return fmt.Errorf("%v\n%s", err, tokenUsage)
	}
	if len(positional) != 1 || strings.TrimSpace(positional[0]) == "" {
		return errors.New(tokenUsage)
	}
	name := strings.TrimSpace(positional[0])
	if len(name) > 100 {
		return errors.New("token name: at most 100 characters")
	}
	scopes, err = store.ParseScopes(scopes...)
	if err != nil {
		return err
	}
	db, _, err := openForCommand(ctx, getenv, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := db.CreateAPIToken(ctx, name, scopes...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API token %q created, reading %s. It is shown only now; keep it somewhere safe.\n%s\n", name, strings.Join(scopes, " and "), token)
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, and returns those.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
