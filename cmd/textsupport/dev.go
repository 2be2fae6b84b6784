package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/carrier"
	"textsupport/internal/config"
	"textsupport/internal/devphone"
	"textsupport/internal/pgserver"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
)

// devNumber is the simulated service's own number (a 555-01xx fictional one).
const devNumber = "+12125550199"

// cmdDev runs the zero-setup demo: its own Postgres unless DATABASE_URL is
// set, the simulated carrier instead of Twilio, a demo staff login, and the
// phone simulator at /dev/phone.
func cmdDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", "", "keep the database and its key in `DIR` instead of a temporary folder removed on exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, signupCfg, err := loadConfig(getenv, config.Dev)
	if err != nil {
		return err
	}
	// The phone simulator can text the service as any number: by default
	// it listens on this machine only.
	if strings.TrimSpace(getenv("LISTEN_ADDR")) == "" {
		cfg.ListenAddr = "127.0.0.1:8080"
	}
	logger := newLogger(stderr, cfg.LogLevel)

	if cfg.DatabaseURL == "" {
		opts := pgserver.Options{}
		if *dataDir != "" {
			if err := os.MkdirAll(*dataDir, 0o755); err != nil {
				return err
			}
			opts.DataDir = filepath.Join(*dataDir, "pgdata")
		}
		fmt.Fprintln(stdout, "textsupport dev: starting a local Postgres…")
		srv, err := pgserver.Start(ctx, opts)
		if err != nil {
			return err
		}
		defer func() {
			srv.Stop()
			fmt.Fprintln(stdout, "textsupport dev: local Postgres stopped")
		}()
		if cfg.DatabaseURL, err = devDatabase(ctx, srv.URL); err != nil {
			return err
		}
	}
	if cfg.DataKey == nil {
		if cfg.DataKey, err = devDataKey(*dataDir); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	if strings.TrimSpace(getenv("PUBLIC_URL")) == "" {
		cfg.PublicURL = &url.URL{Scheme: "http", Host: "localhost:" + portOf(ln.Addr())}
	}

	// The simulated carrier: the fake Twilio API, with random credentials.
	cfg.TwilioAccountSID, cfg.TwilioAuthToken = "AC"+randomHex(16), randomHex(16)
	fake := twiliofake.New(cfg.TwilioAccountSID, cfg.TwilioAuthToken)
	defer fake.Close()
	client, err := carrier.New(carrier.Config{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken, From: devNumber, APIURL: fake.URL,
	})
	if err != nil {
		return err
	}

	prog, err := loadProgram(cfg, logger)
	if err != nil {
		return err
	}
	// In the demo a day of the sequence passes in a minute, and the daily
	// cap lets the whole (shortened) sequence through. The send window is
	// kept: outside it, steps wait for the morning as they would for real.
	for i := range prog.Sequence {
		prog.Sequence[i].After /= 24 * 60
	}
	prog.DailyCap = max(prog.DailyCap, len(prog.Sequence))

	db, _, err := openMigrated(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return err
	}
	defer db.Close()
	staffEmail, staffPassword, err := devStaff(ctx, db)
	if err != nil {
		return err
	}

	phoneSim, err := devphone.New(devphone.Config{
		ServiceURL: "http://" + ln.Addr().String(), PublicURL: cfg.PublicURL.String(), AccountSID: cfg.TwilioAccountSID, ServiceNumber: devNumber,
		Sign: func(u string, params url.Values) string {
			return twiliofake.Sign(cfg.TwilioAuthToken, u, params)
		},
		CarrierHandlesOptOut: cfg.TwilioHandlesOptOut, Carrier: fake,
	})
	if err != nil {
		return err
	}
	phoneSim.SetCarrierReplies(prog.Replies.Stop, prog.Replies.Confirmation, prog.Replies.Help)
	fake.OnMessage(func(r twiliofake.Request) { phoneSim.Deliver(r.To, r.Body) })
	fake.SetCallbacks(true)

	return serveApp(ctx, app{
		cfg: cfg, signup: signupCfg, logger: logger, db: db, program: prog, carrier: client, stdout: stdout,
		devPhone: phoneSim.Handler(), listener: ln,
		ready: func(base string) {
			fmt.Fprintf(stdout, "textsupport dev: ready\n  phone simulator  %s/dev/phone\n  sign-up form     %s/signup\n  staff dashboard  %s/staff  (email %s, password %s)\n  stop with Ctrl-C\n",
				cfg.PublicURL, cfg.PublicURL, cfg.PublicURL, staffEmail, staffPassword)
			now := time.Now()
			if loc, err := time.LoadLocation(prog.DefaultTimeZone); err == nil {
				local := now.In(loc)
				start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc).Add(prog.SendWindow.Start)
				end := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc).Add(prog.SendWindow.End)
				if local.Before(start) || !local.Before(end) {
					logger.Info("outside the send window now: sequence messages wait for it to open, replies still come at once",
						slog.String("zone", prog.DefaultTimeZone))
				}
			}
		},
	})
}

// devDatabase creates the demo's database on the local server if needed.
func devDatabase(ctx context.Context, serverURL string) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'textsupport')").Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE textsupport"); err != nil {
			return "", err
		}
	}
	u, _ := url.Parse(serverURL)
	u.Path = "/textsupport"
	return u.String(), nil
}

// devDataKey makes a DATA_KEY for the demo, kept beside the data when
// --data is given so the kept data stays readable.
func devDataKey(dir string) ([]byte, error) {
	if dir == "" {
		key := make([]byte, 32)
		_, err := rand.Read(key)
		return key, err
	}
	path := filepath.Join(dir, "data_key")
	if b, err := os.ReadFile(path); err == nil {
		return vault.ParseKey(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	return key, os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600)
}

func portOf(addr net.Addr) string {
	_, port, _ := net.SplitHostPort(addr.String())
	return port
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
