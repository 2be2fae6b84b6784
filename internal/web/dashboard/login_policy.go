package dashboard

// The sign-in policy: when an attempt is refused and what the person is
// told. Pure functions of the attempts counted; handleLogin does the I/O.

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"textsupport/internal/store"
)

// LoginLimits bound failed sign-ins. Only attempts whose password was
// checked and wrong count; attempts are counted before the check, so a
// burst sent at once cannot exceed a limit.
//
// A client (an address, or a browser that signed in to the account before:
// see devices) that fails too often is refused for a while; nobody else
// is. Failures on an account from everywhere only slow its sign-ins down,
// except from a browser that signed in before, so strangers cannot keep
// staff out.
type LoginLimits struct {
	PerAccountClient int           // failures on one account from one client per Window (default 5)
	PerClient        int           // failures from one client, any account, per Window (default 20)
	SlowAfter        int           // failures on an account, from anywhere, per Window before its sign-ins slow down (default 5)
	MaxDelay         time.Duration // the longest an attempt is held (default 10 s)
	Window           time.Duration // default 15 minutes
}

// withDefaults fills in the zero fields.
func (l LoginLimits) withDefaults() LoginLimits {
	if l.PerAccountClient <= 0 {
		l.PerAccountClient = 5
	}
	if l.PerClient <= 0 {
		l.PerClient = 20
	}
	if l.SlowAfter <= 0 {
		l.SlowAfter = 5
	}
	if l.MaxDelay <= 0 {
		l.MaxDelay = 10 * time.Second
	}
	if l.Window <= 0 {
		l.Window = 15 * time.Minute
	}
	return l
}

// loginRefusal is why a sign-in attempt is refused before its password is
// checked: too many failures from its client, on the account or on any.
type loginRefusal struct {
	limit   string // "account from this client" or "client"
	minutes int    // until the oldest counted failure leaves the window, at least 1
}

// refuseLogin says whether an attempt, counted with the others in the
// window (count includes it), is refused at now. When both limits are
// over, the client's is the one named.
func refuseLogin(lim LoginLimits, count store.LoginCount, now time.Time) (loginRefusal, bool) {
	if count.Pair <= lim.PerAccountClient && count.Client <= lim.PerClient {
		return loginRefusal{}, false
	}
	until, which := count.PairOldest, "account from this client"
	if count.Client > lim.PerClient {
		until, which = count.ClientOldest, "client"
	}
	wait := until.Add(lim.Window).Sub(now)
	return loginRefusal{limit: which, minutes: max(1, int(math.Ceil(wait.Minutes())))}, true
}

// loginDelay is how long an attempt waits before its password is checked:
// nothing until the account has had SlowAfter failures in the window from
// anywhere, then 1 s, doubling with each further failure, up to MaxDelay.
// A browser that signed in to the account before never waits.
func loginDelay(lim LoginLimits, count store.LoginCount, knownDevice bool) time.Duration {
	failures := count.Account - 1 // without this attempt
	if knownDevice || failures < lim.SlowAfter {
		return 0
	}
	d := time.Second << min(failures-lim.SlowAfter, 16)
	return min(d, lim.MaxDelay)
}

// windowStart is the start of the fixed window now falls in: refusals are
// audited once per client and window.
func windowStart(lim LoginLimits, now time.Time) time.Time { return now.Truncate(lim.Window) }

// auditDetail is the refusal as the audit log records it.
func (l loginRefusal) auditDetail() string { return "too many failures for this " + l.limit }

// retryAfter is the Retry-After header's value, in seconds.
func (l loginRefusal) retryAfter() string { return strconv.Itoa(l.minutes * 60) }

// message is what the sign-in form says.
func (l loginRefusal) message() string {
	return fmt.Sprintf("Too many sign-in attempts. Try again in %d minute%s.", l.minutes, plural(l.minutes))
}

// Messages of the sign-in form, for the other ways an attempt fails.
const (
	loginIncomplete = "Enter your email and your password."
	loginMismatch   = "That email and password do not match a staff login."
)

// loginFailedEntry is the audit row of a wrong email or password: the
// login's ID when the email is one, else "no such login".
func loginFailedEntry(staff *store.Staff, clientAddr string) store.AuditEntry {
	entry := store.AuditEntry{Action: store.AuditLoginFailed, ClientAddr: clientAddr}
	if staff != nil {
		entry.StaffID = &staff.ID
	} else {
		entry.Detail = "no such login"
	}
	return entry
}
