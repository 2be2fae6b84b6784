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

	"textsupport/internal/carrier"
	"textsupport/internal/config"
	"textsupport/internal/devphone"
	"textsupport/internal/pgserver"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
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
	if cfg.DataKeys == nil {
		key, err := devDataKey(dataDir)
		if err != nil {
			return err
		}
		cfg.DataKeys, cfg.LookupKey = []vault.Key{{ID: vault.LegacyID, Secret: key}}, key
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

	db, _, err := openMigrated(ctx, cfg.DatabaseURL, 0, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	staffEmail, staffPassword, err := devStaff(ctx, db)
	if err != nil {
		return err
	}

	phoneSim, err := devPhoneSimulator(cfg, ln.Addr(), fake, prog, devNotice(db, cfg, prog))
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
	url, err := srv.EnsureDatabase(ctx, "textsupport")
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
func devPhoneSimulator(cfg *config.Config, addr net.Addr, fake *twiliofake.Server, prog *program.Program,
	notice func(context.Context, string) string) (*devphone.Phone, error) {
	phoneSim, err := devphone.New(devphone.Config{
		ServiceURL: "http://" + devServiceHost(addr), PublicURL: cfg.PublicURL.String(), AccountSID: cfg.TwilioAccountSID, ServiceNumber: devNumber,
		Sign: func(u string, params url.Values) string {
			return twiliofake.Sign(cfg.TwilioAuthToken, u, params)
		},
		CarrierHandlesOptOut: cfg.TwilioHandlesOptOut, Carrier: fake, Notice: notice,
	})
	if err != nil {
		return nil, err
	}
	phoneSim.SetCarrierReplies(prog.Replies.Stop, prog.Replies.Confirmation, prog.Replies.Help)
	fake.OnMessage(func(r twiliofake.Request) { phoneSim.Deliver(r.To, r.Body) })
	fake.SetCallbacks(true)
	return phoneSim, nil
}

// devNotice is the phone simulator's notice for a number: when its next
// scheduled message goes, and whether the send window holds it.
func devNotice(db *store.DB, cfg *config.Config, prog *program.Program) func(context.Context, string) string {
	v, err := vault.NewRing(cfg.DataKeys, cfg.LookupKey)
	if err != nil {
		return nil // serveApp refuses the same key with a clear error
	}
	return func(ctx context.Context, number string) string {
		next, ok, err := db.NextStepFor(ctx, v.Hash(number))
		if err != nil || !ok {
			return ""
		}
		return nextStepNotice(next, number, prog, time.Now())
	}
}

// nextStepNotice says when a waiting step goes: held for the send window
// until it opens in the number's zones (as the sender decides, see
// internal/sending), or due in a while.
func nextStepNotice(next store.NextStep, number string, prog *program.Program, now time.Time) string {
	zones := sending.Zones(next.TimeZone, number, prog.DefaultTimeZone)
	due := next.Due
	if due.Before(now) {
		due = now
	}
	window := sending.Window{Start: prog.SendWindow.Start, End: prog.SendWindow.End}
	// Held: the window is shut when the step falls due, or it is shut now
	// and the sender has already put the step off to the opening (a River
	// snooze lands a moment after it).
	opensNow, _ := window.NextOpen(now, zones)
	opens, _ := window.NextOpen(due, zones)
	held := opens.After(due) || opensNow.After(now) && !due.After(opensNow.Add(time.Minute))
	if !opens.After(due) {
		opens = opensNow
	}
	if held && len(zones) > 0 {
		where := fmt.Sprintf("in this number's time zone (%s)", zones[0])
		if len(zones) > 1 {
			where = "in every time zone of this number's area code"
		}
		return fmt.Sprintf("Next message held for the send window until %s %s, %s from now. Replies to your texts still come at once.",
			opens.In(zones[0]).Format("15:04"), where, roughly(opens.Sub(now)))
	}
	if next.Due.After(now) {
		return fmt.Sprintf("Next scheduled message in %s.", roughly(next.Due.Sub(now)))
	}
	return ""
}

// roughly writes a wait as a person would say it: 45s, 12m, 6h 5m.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
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
