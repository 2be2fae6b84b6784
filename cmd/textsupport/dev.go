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
	"textsupport/internal/program"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
	"textsupport/internal/web"
)

// devNumber is the simulated service's own number (a 555-01xx fictional one).
const devNumber = "+12125550199"

// cmdDev runs the zero-setup demo: its own Postgres unless DATABASE_URL is
// set, the simulated carrier instead of Twilio, a demo staff login, and the
// phone simulator at /dev/phone. Dev's defaults are in the settings table
// (internal/config/settings.go); the steps here fill in what only exists
// once it runs: the database, the data key, the port, the carrier.
func cmdDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dataDir, err := parseDevFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := config.Load(getenv, config.Dev)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)

	if cfg.DatabaseURL == "" {
		url, stop, err := startDevPostgres(ctx, dataDir, stdout)
		if err != nil {
			return err
		}
		defer stop()
		cfg.DatabaseURL = url
	}
	if cfg.DataKey == nil {
		if cfg.DataKey, err = devDataKey(dataDir); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	if cfg.PublicURL == nil {
		cfg.PublicURL = localURL(ln.Addr())
	}

	fake, client, err := startDevCarrier(cfg)
	if err != nil {
		return err
	}
	defer fake.Close()

	prog, err := loadProgram(cfg, logger)
	if err != nil {
		return err
	}
	quicken(prog)

	db, _, err := openMigrated(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return err
	}
	defer db.Close()
	staffEmail, staffPassword, err := devStaff(ctx, db)
	if err != nil {
		return err
	}

	phoneSim, err := devPhoneSimulator(cfg, ln.Addr(), fake, prog)
	if err != nil {
		return err
	}

	return serveApp(ctx, app{
		cfg: cfg, logger: logger, db: db, program: prog, carrier: client, stdout: stdout,
		devPhone: phoneSim.Handler(), listener: ln, allowedHosts: devHosts(ln.Addr()),
		ready: func(string) {
			fmt.Fprint(stdout, devBanner(cfg.PublicURL, staffEmail, staffPassword))
			if outsideSendWindow(time.Now(), prog) {
				logger.Info("outside the send window now: sequence messages wait for it to open, replies still come at once",
					slog.String("zone", prog.DefaultTimeZone))
			}
		},
	})
}

// parseDevFlags reads dev's flags: --data DIR, where to keep the data.
func parseDevFlags(args []string, stderr io.Writer) (dataDir string, err error) {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&dataDir, "data", "", "keep the database and its key in `DIR` instead of a temporary folder removed on exit")
	err = fs.Parse(args)
	return dataDir, err
}

// startDevPostgres starts the demo's own Postgres, its data in dataDir if
// given, and returns the demo database's URL and how to stop the server.
func startDevPostgres(ctx context.Context, dataDir string, stdout io.Writer) (string, func(), error) {
	opts := pgserver.Options{}
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return "", nil, err
		}
		opts.DataDir = filepath.Join(dataDir, "pgdata")
	}
	fmt.Fprintln(stdout, "textsupport dev: starting a local Postgres…")
	srv, err := pgserver.Start(ctx, opts)
	if err != nil {
		return "", nil, err
	}
	stop := func() {
		srv.Stop()
		fmt.Fprintln(stdout, "textsupport dev: local Postgres stopped")
	}
	url, err := devDatabase(ctx, srv.URL)
	if err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// localURL is the public URL when PUBLIC_URL is unset: this machine, on
// the port the listener got (LISTEN_ADDR may ask for port 0).
func localURL(addr net.Addr) *url.URL {
	return &url.URL{Scheme: "http", Host: "localhost:" + portOf(addr)}
}

// startDevCarrier starts the simulated carrier, the fake Twilio API, with
// random credentials that it puts in cfg, and a client that sends through it.
func startDevCarrier(cfg *config.Config) (*twiliofake.Server, *carrier.Client, error) {
	cfg.TwilioAccountSID, cfg.TwilioAuthToken = "AC"+randomHex(16), randomHex(16)
	fake := twiliofake.New(cfg.TwilioAccountSID, cfg.TwilioAuthToken)
	client, err := carrier.New(carrier.Config{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken, From: devNumber, APIURL: fake.URL,
	})
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	return fake, client, nil
}

// quicken makes the program a demo: a day of the sequence passes in a
// minute, and the daily cap lets the whole (shortened) sequence through.
// The send window is kept: outside it, steps wait for the morning as they
// would for real.
func quicken(prog *program.Program) {
	for i := range prog.Sequence {
		prog.Sequence[i].After /= 24 * 60
	}
	prog.DailyCap = max(prog.DailyCap, len(prog.Sequence))
}

// devPhoneSimulator is the phone simulator, texting the service at addr
// through the fake carrier as a phone would, and seeing its replies.
func devPhoneSimulator(cfg *config.Config, addr net.Addr, fake *twiliofake.Server, prog *program.Program) (*devphone.Phone, error) {
	phoneSim, err := devphone.New(devphone.Config{
		ServiceURL: "http://" + devServiceHost(addr), PublicURL: cfg.PublicURL.String(), AccountSID: cfg.TwilioAccountSID, ServiceNumber: devNumber,
		Sign: func(u string, params url.Values) string {
			return twiliofake.Sign(cfg.TwilioAuthToken, u, params)
		},
		CarrierHandlesOptOut: cfg.TwilioHandlesOptOut, Carrier: fake,
	})
	if err != nil {
		return nil, err
	}
	phoneSim.SetCarrierReplies(prog.Replies.Stop, prog.Replies.Confirmation, prog.Replies.Help)
	fake.OnMessage(func(r twiliofake.Request) { phoneSim.Deliver(r.To, r.Body) })
	fake.SetCallbacks(true)
	return phoneSim, nil
}

// devHosts are the Host headers dev answers to: its own address, and this
// machine's loopback names at its port. Any other name pointing here is a
// web page reaching the simulator through DNS rebinding.
func devHosts(addr net.Addr) []string {
	hosts := web.LocalHosts(portOf(addr))
	if ip := addrIP(addr); ip != nil && !ip.IsUnspecified() {
		hosts = append(hosts, addr.String())
	}
	return hosts
}

// devServiceHost is where the simulator reaches the service: the
// listener's address, or 127.0.0.1 when it listens on every address.
func devServiceHost(addr net.Addr) string {
	if ip := addrIP(addr); ip == nil || ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", portOf(addr))
	}
	return addr.String()
}

func addrIP(addr net.Addr) net.IP {
	if a, ok := addr.(*net.TCPAddr); ok {
		return a.IP
	}
	return nil
}

// devBanner is what dev prints once it serves: where to go, how to sign in.
func devBanner(public *url.URL, staffEmail, staffPassword string) string {
	return fmt.Sprintf("textsupport dev: ready\n  phone simulator  %s/dev/phone\n  sign-up form     %s/signup\n  staff dashboard  %s/staff  (email %s, password %s)\n  stop with Ctrl-C\n",
		public, public, public, staffEmail, staffPassword)
}

// outsideSendWindow says whether now is outside the program's send window
// in its default time zone (false if the zone is unknown).
func outsideSendWindow(now time.Time, prog *program.Program) bool {
	loc, err := time.LoadLocation(prog.DefaultTimeZone)
	if err != nil {
		return false
	}
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	start, end := midnight.Add(prog.SendWindow.Start), midnight.Add(prog.SendWindow.End)
	return local.Before(start) || !local.Before(end)
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
