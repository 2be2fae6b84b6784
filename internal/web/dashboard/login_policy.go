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

// LoginLimits bound failed sign-ins. Attempts are counted before the
// password is checked, so a burst sent at once cannot exceed them.
type LoginLimits struct {
	PerAccount int           // attempts per email per Window (default 5)
	PerClient  int           // attempts per client address per Window (default 20)
	Window     time.Duration // default 15 minutes
}

// loginRefusal is why a sign-in attempt is refused before its password is
// checked: too many attempts for the account or the client address.
type loginRefusal struct {
	limit   string // "account" or "client address"
	minutes int    // until the oldest counted attempt leaves the window, at least 1
}

// refuseLogin says whether an attempt, counted with the others in the
// window (count includes it), is refused at now. When both limits are
// over, the client address's is the one named.
func refuseLogin(lim LoginLimits, count store.LoginCount, now time.Time) (loginRefusal, bool) {
	if count.Account <= lim.PerAccount && count.Client <= lim.PerClient {
		return loginRefusal{}, false
	}
	until, which := count.AccountOldest, "account"
	if count.Client > lim.PerClient {
		until, which = count.ClientOldest, "client address"
	}
	wait := until.Add(lim.Window).Sub(now)
	return loginRefusal{limit: which, minutes: max(1, int(math.Ceil(wait.Minutes())))}, true
}

// auditDetail is the refusal as the audit log records it.
func (l loginRefusal) auditDetail() string { return "too many attempts for this " + l.limit }

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
