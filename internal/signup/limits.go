package signup

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
)

// Limit allows N uses per Per, counted in fixed windows (aligned to Per) in
// Postgres, so that every replica shares them. N == 0 turns it off.
type Limit struct {
	N   int
	Per time.Duration
}

func (l Limit) String() string {
	if l.N == 0 {
		return "off"
	}
	return fmt.Sprintf("%d/%s", l.N, formatDuration(l.Per))
}

// Limits are the sign-up form's defences against SMS pumping and against
// texting someone who did not ask.
type Limits struct {
	// PostsPerAddress counts every form post from one client address,
	// valid or not: it stops scripted probing before anything else runs.
	PostsPerAddress Limit
	// PerAddress counts valid sign-ups from one client address.
	PerAddress Limit
	// PerPrefix counts valid sign-ups for numbers sharing all but their last
	// four digits (a North American exchange, +1 NPA NXX): pumping fraud
	// works through ranges of numbers.
	PerPrefix Limit
	// Global counts valid sign-ups in all: the ceiling on what an attack
	// from many addresses for many numbers can cost.
	Global Limit
	// NumberWindow: at most one YES-request text per number in this long
	// (rolling, not a fixed window).
	NumberWindow time.Duration
	// PerNumber caps the YES requests to one number over a longer rolling
	// period, answered or not: without it, someone could have the request
	// (which names a recovery programme) sent to another person's phone
	// every day.
	PerNumber Limit
	// ExpireAfter: a pending sign-up unanswered this long expires.
	ExpireAfter time.Duration
}

// DefaultLimits are what the service runs with unless configured.
func DefaultLimits() Limits {
	return Limits{
		PostsPerAddress: Limit{N: 30, Per: time.Hour},
		PerAddress:      Limit{N: 5, Per: time.Hour},
		PerPrefix:       Limit{N: 10, Per: time.Hour},
		Global:          Limit{N: 200, Per: time.Hour},
		NumberWindow:    24 * time.Hour,
		PerNumber:       Limit{N: 3, Per: 30 * 24 * time.Hour},
		ExpireAfter:     7 * 24 * time.Hour,
	}
}

// Limit names: the label of textsupport_limited_total and of LimitError.
const (
	LimitPostsPerAddress = "signup_posts_ip"
	LimitPerAddress      = "signup_ip"
	LimitPerPrefix       = "signup_prefix"
	LimitGlobal          = "signup_global"
)

// LimitError is a request refused by a limit: answer 429 with when to try again.
type LimitError struct {
	Limit      string // one of the Limit… names
	RetryAfter time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("sign-up limit %s reached; try again in %s", e.Limit, e.RetryAfter.Round(time.Second))
}

// IsLimited returns the limit that refused err, if one did.
func IsLimited(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}

// use is one limit about to be counted.
type use struct {
	name  string
	limit Limit
	key   string
}

// hit counts one use of each limit, all or nothing: if any is over, none of
// the uses is kept (a sign-up refused for its address does not eat into the
// global budget). The refusal names the limit that frees up last, since
// all must have room for a retry to pass.
func (s *Service) hit(ctx context.Context, now time.Time, uses []use) error {
	var hits []store.LimitHit
	var on []use
	for _, u := range uses {
		if u.limit.N <= 0 {
			continue
		}
		on = append(on, u)
		hits = append(hits, store.LimitHit{Key: u.key, WindowStart: now.Truncate(u.limit.Per), Window: u.limit.Per})
	}
	if len(hits) == 0 {
		return nil
	}
	var refused *LimitError
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		counts, err := store.HitLimits(ctx, tx, hits)
		if err != nil {
			return err
		}
		for i, n := range counts {
			if n <= on[i].limit.N {
				continue
			}
			wait := hits[i].WindowStart.Add(hits[i].Window).Sub(now)
			if refused == nil || wait > refused.RetryAfter {
				refused = &LimitError{Limit: on[i].name, RetryAfter: wait}
			}
		}
		if refused != nil {
			return refused // rolls the uses back
		}
		return nil
	})
	return err
}

// CountPost counts one form post from addr against PostsPerAddress. It
// runs before the form is read, valid or not.
func (s *Service) CountPost(ctx context.Context, addr netip.Addr) error {
	l := s.cfg.Limits.PostsPerAddress
	if l.N <= 0 {
		return nil
	}
	now := s.cfg.Now()
	start := now.Truncate(l.Per)
	n, err := s.cfg.DB.HitLimit(ctx, store.LimitHit{Key: s.key(LimitPostsPerAddress, AddressBucket(addr)), WindowStart: start, Window: l.Per})
	if err != nil {
		return err
	}
	if n > l.N {
		return &LimitError{Limit: LimitPostsPerAddress, RetryAfter: start.Add(l.Per).Sub(now)}
	}
	return nil
}

// key names a limit's counter: the limit and a keyed hash of what it
// counts, so the table holds no address or number prefix in the clear.
func (s *Service) key(name, value string) string {
	if value == "" {
		return name
	}
	return name + ":" + base64.RawURLEncoding.EncodeToString(s.cfg.Vault.Hash(name + "\x00" + value)[:18])
}

// AddressBucket is what the per-address limits count: an IPv4 address, or
// the /64 an IPv6 address is in (one subscriber line gets a whole /64, so
// counting single IPv6 addresses would limit nothing).
func AddressBucket(a netip.Addr) string {
	a = a.Unmap()
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// Prefix is what the per-prefix limit counts: the number without its last
// four digits (+1 212 555 for +1 212 555 0123), a block of 10,000 numbers.
func Prefix(e164 string) string {
	if len(e164) <= 4 {
		return e164
	}
	return e164[:len(e164)-4]
}

// formatDuration writes 24h rather than 24h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
