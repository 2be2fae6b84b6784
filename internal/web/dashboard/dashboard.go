// Package dashboard is the staff side: sign-in and sessions, the overview,
// conversations (the inbox, threads and replies), opt-outs made on a person's request, API tokens, the audit log,
// the CSV export and the JSON API.
package dashboard

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"

	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// Config is what the staff side needs from the command that runs it.
type Config struct {
	// Logger logs what staff did, by IDs only, and what went wrong.
	Logger *slog.Logger
	// Vault decrypts message bodies and revealed numbers, and makes the
	// lookup hash of a number typed on the opt-out form.
	Vault *vault.Vault
	// Transition is the one way a subscriber's state changes
	// ((*sending.Sender).Transition): an opt-out made by staff writes the
	// state and its ledger row and cancels whatever was scheduled.
	Transition Transition
	// Conversations sends staff replies and closes conversations
	// (*sending.Sender).
	Conversations Conversations
	// CannedReplies are the programme's ready-made answers, offered to fill
	// the reply box.
	CannedReplies []program.CannedReply
	// SecureCookies marks the session cookie Secure (PUBLIC_URL is https).
	SecureCookies bool
	// Steps describe the programme's sequence steps, in order ("right after
	// opt-in", "after 3 days", …), for the step reach table.
	Steps []string
	// Regions are the countries whose numbers the opt-out form accepts
	// (nil: phone.DefaultRegions).
	Regions []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed for the client address (TRUSTED_PROXIES); none: the peer's.
	TrustedProxies []netip.Prefix
	// TimeZone shows times of day (conversations, audit log); nil is UTC. Daily
	// figures are always UTC days.
	TimeZone *time.Location
	// Limits on failed sign-ins; zero fields take the defaults.
	Limits LoginLimits
	// DeviceKey signs the cookie that remembers a browser that signed in
	// (derived from DATA_KEY); nil: a random key, forgotten on restart.
	DeviceKey []byte
	// RequireMFA is who must have a second factor before anything else:
	// MFAOff (""), MFAAdmins or MFAEveryone (REQUIRE_MFA).
	RequireMFA string
	// Sleep holds a sign-in attempt (nil: a timer); tests record instead.
	Sleep func(ctx context.Context, d time.Duration)
	// SessionStore keeps sessions; nil is Postgres (the sessions table),
	// shared by every replica. Expired rows are removed by
	// store.DeleteExpiredLogins, run as periodic maintenance.
	SessionStore scs.Store
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Dashboard is the staff side as built at start-up: the parts its handlers
// take, each what it needs. New makes it.
type Dashboard struct {
	Views    *Views
	Sessions *Sessions
	Clients  Clients
	SignIn   *SignIn
	Now      func() time.Time
	// Steps label the programme's sequence steps, in order.
	Steps      []string
	Vault      *vault.Vault
	Transition Transition
	// Regions are the countries whose numbers the opt-out form accepts.
	Regions       []string
	Conversations Conversations
	CannedReplies []program.CannedReply
}

// Conversations is what the conversation pages ask of the sender: a staff
// reply goes through the sending path (opt-out re-checked before it
// leaves), and closing a conversation lets the person's sequence resume.
type Conversations interface {
	Reply(ctx context.Context, r sending.ReplyRequest) (replyID int64, created bool, err error)
	CloseConversation(ctx context.Context, id int64, by store.Actor) (closed bool, err error)
}

// SignIn is what signing in needs: the limits on failures, the clock, the
// remembered browsers, and the second factor's secrets.
type SignIn struct {
	Limits  LoginLimits
	Now     func() time.Time
	Sleep   func(ctx context.Context, d time.Duration)
	Vault   *vault.Vault
	devices devices
}

// Who must have a second factor (REQUIRE_MFA).
const (
	MFAOff      = ""
	MFAAdmins   = "admin"
	MFAEveryone = "all"
)

// Transition changes a subscriber's state, in the caller's transaction:
// (*sending.Sender).Transition.
type Transition func(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error

// New checks the configuration and parses the staff pages, so that a
// broken template stops start-up rather than a request.
func New(db *store.DB, cfg Config) (*Dashboard, error) {
	if cfg.Vault == nil || cfg.Transition == nil || cfg.Conversations == nil {
		return nil, errors.New("staff: Vault, Transition and Conversations are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.DeviceKey == nil {
		cfg.DeviceKey = make([]byte, 32)
		rand.Read(cfg.DeviceKey)
	}
	switch cfg.RequireMFA {
	case MFAOff, MFAAdmins, MFAEveryone:
	default:
		return nil, fmt.Errorf("staff: RequireMFA %q: want off, admin or all", cfg.RequireMFA)
	}
	if cfg.SessionStore == nil {
		// No cleanup goroutine: expired sessions are found by the store's
		// own expiry check and deleted by periodic maintenance.
		cfg.SessionStore = pgxstore.NewWithCleanupInterval(db.Pool, 0)
	}
	sessions := newSessions(db, cfg)
	views, err := parseViews(db, sessions, cfg)
	if err != nil {
		return nil, fmt.Errorf("staff pages: %w", err)
	}
	signIn := &SignIn{Limits: cfg.Limits, Now: cfg.Now, Sleep: cfg.Sleep, Vault: cfg.Vault, devices: newDevices(cfg.DeviceKey, cfg.SecureCookies)}
	return &Dashboard{
		Views: views, Sessions: sessions, Clients: Clients{trusted: cfg.TrustedProxies},
		SignIn: signIn, Now: cfg.Now, Steps: cfg.Steps, Vault: cfg.Vault, Transition: cfg.Transition, Regions: cfg.Regions,
		Conversations: cfg.Conversations, CannedReplies: cfg.CannedReplies,
	}, nil
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
