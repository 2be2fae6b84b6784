package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"textsupport/internal/carrier"
	"textsupport/internal/config"
	"textsupport/internal/inbound"
	"textsupport/internal/metrics"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/signup"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web"
)

func cmdServe(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv, config.Serve)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)
	prog, err := loadProgram(cfg, logger)
	if err != nil {
		return err
	}
	db, _, err := openMigrated(ctx, cfg.DatabaseURL, 0, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	carrierClient, err := carrier.New(carrier.Config{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken,
		From: cfg.TwilioFrom, MessagingServiceSID: cfg.TwilioMessagingServiceSID, APIURL: cfg.TwilioAPIURL,
	})
	if err != nil {
		return err
	}
	return serveApp(ctx, app{cfg: cfg, logger: logger, db: db, program: prog, carrier: carrierClient, stdout: stdout})
}

// app is everything serve and dev share.
type app struct {
	cfg     *config.Config
	logger  *slog.Logger
	db      *store.DB
	program *program.Program
	carrier sending.Carrier
	stdout  io.Writer

	// devPhone, in dev mode, is the phone simulator served under /dev.
	devPhone http.Handler
	// allowedHosts, in dev mode, are the only Host headers answered.
	allowedHosts []string
	// listener, when set, is used instead of listening on cfg.ListenAddr.
	listener net.Listener
	// ready, when set, is called with the base URL once the server listens.
	ready func(baseURL string)
}

// serveApp runs the HTTP server and the sender until ctx ends, then shuts
// both down: in-flight requests finish, running sends complete.
func serveApp(ctx context.Context, a app) error {
	v, err := vault.NewRing(a.cfg.DataKeys, a.cfg.LookupKey)
	if err != nil {
		return err
	}
	m := metrics.New()
	var signups *signup.Service
	sender, err := sending.New(sending.Config{
		Maintenance: append(signupMaintenance(func() *signup.Service { return signups }), staffMaintenance(a.db)...),
		DB:          a.db, Vault: v, Program: a.program, Carrier: a.carrier, Logger: a.logger,
		SendRate: a.cfg.SendRate, Workers: a.cfg.SendWorkers, StatusCallbackURL: a.cfg.PublicURL.String() + "/twilio/status", Metrics: m,
		AlertWebhook: alertWebhook(a.cfg),
	})
	if err != nil {
		return err
	}
	in := &inbound.Service{
		DB: a.db, Vault: v, Logger: a.logger,
		Replies: inboundReplies(a.program), JoinKeywords: a.program.Keywords,
		CarrierHandlesOptOut: a.cfg.TwilioHandlesOptOut,
		Subscriptions:        sender,
		Notify:               sender.NeedsPerson,
		Observe:              func(r inbound.Result) { m.InboundHandled(string(r.Class), r.Repeat) },
	}
	m.Register(metrics.NewQueueDepth(a.db))
	m.Register(metrics.NewConversations(a.db))
	if signups, err = newSignups(a, v, sender); err != nil {
		return err
	}
	signupForm, err := signupDeps(ctx, a, signups, m)
	if err != nil {
		return err
	}
	staff, err := staffDeps(a, v, sender)
	if err != nil {
		return err
	}
	handler := web.NewServer(&web.Deps{
		Signup: signupForm,
		Staff:  staff,
		Logger: a.logger, DB: a.db, Inbound: in, AuthToken: a.cfg.TwilioAuthToken, PublicURL: a.cfg.PublicURL,
		Status: sender, Metrics: m.Handler(), DevPhone: a.devPhone, AllowedHosts: a.allowedHosts,
	})

	ln := a.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", a.cfg.ListenAddr); err != nil {
			return fmt.Errorf("LISTEN_ADDR: %w", err)
		}
	}
	srv := &http.Server{
		Handler:           m.Instrument(handler),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	if err := sender.Start(ctx); err != nil {
		return err
	}
	foldCtx, stopFolding := context.WithCancel(ctx)
	folding := make(chan struct{})
	go func() { defer close(folding); keepCountersFolded(foldCtx, a.db, a.logger) }()
	defer func() { stopFolding(); <-folding }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	a.logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("public_url", a.cfg.PublicURL.String()))
	fmt.Fprintf(a.stdout, "textsupport: listening on %s\n", base)
	if a.ready != nil {
		a.ready(base)
	}

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	if serr := sender.Stop(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.logger.Info("stopped")
	return err
}

// alertWebhook is the outgoing "conversation needs a person" webhook, nil
// when ALERT_WEBHOOK_URL is unset.
func alertWebhook(cfg *config.Config) *sending.AlertWebhook {
	if cfg.AlertWebhookURL == "" {
		return nil
	}
	return &sending.AlertWebhook{URL: cfg.AlertWebhookURL, Secret: cfg.AlertWebhookSecret, DashboardURL: cfg.PublicURL.String()}
}
