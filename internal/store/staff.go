package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"
)

// Role is what a staff login may see and do.
type Role string

const (
	// RoleAdmin sees masked numbers and message bodies, opts numbers out on
	// request, exports figures, manages API tokens and reads the audit log.
	RoleAdmin Role = "admin"
	// RoleResponder reads and answers conversations (numbers masked, the
	// full number only by an audited reveal); nothing of the admin's pages.
	RoleResponder Role = "responder"
	// RoleViewer sees aggregate figures and conversation counts, nothing more.
	RoleViewer Role = "viewer"
)

// ParseRole checks a role given on the command line.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleResponder, RoleViewer:
		return r, nil
	}
	return "", fmt.Errorf("role %q: want admin, responder or viewer", s)
}

// Staff is one staff login.
type Staff struct {
	ID          int64
	Email       string
	Role        Role
	CreatedAt   time.Time
	LastLoginAt *time.Time
	DisabledAt  *time.Time
	// MFAEnrolled says the login has a second factor (TOTP) enrolled.
	MFAEnrolled bool
}

// IsAdmin tells whether the login has the admin role.
func (s *Staff) IsAdmin() bool { return s.Role == RoleAdmin }

// CanAnswer tells whether the login reads and answers conversations.
func (s *Staff) CanAnswer() bool { return s.Role == RoleAdmin || s.Role == RoleResponder }

// Password limits. bcrypt reads at most 72 bytes, so a longer password
// would be silently cut; it is refused instead.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 72
)

// bcryptCost is the work factor: about 50 ms a check on a small machine.
const bcryptCost = bcrypt.DefaultCost

var (
	// ErrStaffExists is returned when a login for the email already exists.
	ErrStaffExists = errors.New("a staff login for that email already exists")
	// ErrBadCredentials is returned for an unknown email, a disabled login or
	// a wrong password alike, so the answer tells nothing about which.
	ErrBadCredentials = errors.New("email or password is wrong")
)

// NormalizeEmail lower-cases and checks an email address.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 254 {
		return "", errors.New("email: not an email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", errors.New("email: not an email address")
	}
	return s, nil
}

// CheckPassword says what is wrong with a new password, if anything.
func CheckPassword(password string) error {
	switch {
	case len([]rune(password)) < MinPasswordLen:
		return fmt.Errorf("password: at least %d characters", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("password: at most %d bytes", MaxPasswordLen)
	}
	return nil
}

func hashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	return string(h), err
}

const staffColumns = `id, email, role, created_at, last_login_at, disabled_at, totp_enrolled_at IS NOT NULL`

func scanStaff(row interface{ Scan(...any) error }) (*Staff, error) {
	var s Staff
	if err := row.Scan(&s.ID, &s.Email, &s.Role, &s.CreatedAt, &s.LastLoginAt, &s.DisabledAt, &s.MFAEnrolled); err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// CreateStaff adds a staff login. The email must be new.
func (db *DB) CreateStaff(ctx context.Context, email, password string, role Role) (*Staff, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	s, err := scanStaff(db.Pool.QueryRow(ctx, `
		INSERT INTO staff (email, password_hash, role) VALUES ($1, $2, $3)
		RETURNING `+staffColumns, email, hash, role))
	if IsUniqueViolation(err) {
		return nil, ErrStaffExists
	}
	if err != nil {
		return nil, fmt.Errorf("create staff: %w", err)
	}
	return s, nil
}

// SetStaffPassword replaces a login's password (and enables it again).
func (db *DB) SetStaffPassword(ctx context.Context, email, password string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	tag, err := db.Pool.Exec(ctx, `UPDATE staff SET password_hash = $2, disabled_at = NULL WHERE email = $1`, email, hash)
	if err != nil {
		return fmt.Errorf("set staff password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// FindStaff reads a login by ID; a disabled one is not found.
func (db *DB) FindStaff(ctx context.Context, id int64) (*Staff, error) {
	s, err := scanStaff(db.Pool.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = $1 AND disabled_at IS NULL`, id))
	if err != nil && err != ErrNotFound {
		return nil, fmt.Errorf("find staff: %w", err)
	}
	return s, err
}

// dummyHash is compared against when the email is unknown, so that an
// unknown email takes as long to refuse as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such staff login, ever"), bcryptCost)

// CheckStaffLogin returns the enabled login with this email and password,
// and sets its last_login_at. Otherwise the error is ErrBadCredentials,
// and the login is returned as well when the email is known (disabled, or
// a wrong password), for the audit log; it must not be treated as signed in.
func (db *DB) CheckStaffLogin(ctx context.Context, email, password string) (*Staff, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var hash string
	s, err := db.staffWithHash(ctx, email, &hash)
	if errors.Is(err, ErrNotFound) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, ErrBadCredentials
	} else if err != nil {
		return nil, fmt.Errorf("check staff login: %w", err)
	}
	if len(password) > MaxPasswordLen {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password[:MaxPasswordLen]))
		return s, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || s.DisabledAt != nil {
		return s, ErrBadCredentials
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE staff SET last_login_at = now() WHERE id = $1`, s.ID); err != nil {
		return s, fmt.Errorf("check staff login: %w", err)
	}
	return s, nil
}

func (db *DB) staffWithHash(ctx context.Context, email string, hash *string) (*Staff, error) {
	var s Staff
	err := db.Pool.QueryRow(ctx, `SELECT `+staffColumns+`, password_hash FROM staff WHERE email = $1`, email).
		Scan(&s.ID, &s.Email, &s.Role, &s.CreatedAt, &s.LastLoginAt, &s.DisabledAt, &s.MFAEnrolled, hash)
	if err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// LoginCount is how many failed sign-in attempts (and attempts still being
// checked), this one included, are in the window: on the account from the
// client (Pair), from the client on any account (Client), on the account
// from anywhere (Account); and when the oldest of Pair and Client leave it.
// The client is an address, or a device that signed in before.
type LoginCount struct {
	AttemptID    int64
	Pair         int
	Client       int
	Account      int
	PairOldest   time.Time
	ClientOldest time.Time
}

func accountKey(email string) []byte {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return sum[:]
}

// RecordLoginAttempt counts a sign-in attempt before its password is
// checked, and returns the attempts in the window since now-window, this
// one included. An attempt that is refused, or whose password is right, is
// taken back (ForgetLoginAttempt, LoginSucceeded): only failures stay. The
// insert commits before the count is read, so of attempts made at the same
// instant the k-th to commit sees at least k: no burst can slip more than
// a limit through.
func (db *DB) RecordLoginAttempt(ctx context.Context, email, client string, now time.Time, window time.Duration) (LoginCount, error) {
	c := LoginCount{PairOldest: now, ClientOldest: now}
	account := accountKey(email)
	if err := db.Pool.QueryRow(ctx, `INSERT INTO login_attempts (account, client_addr, at) VALUES ($1, $2, $3) RETURNING id`,
		account, client, now).Scan(&c.AttemptID); err != nil {
		return c, fmt.Errorf("record login attempt: %w", err)
	}
	err := db.Pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM login_attempts WHERE account = $1 AND client_addr = $2 AND at > $3),
		       (SELECT coalesce(min(at), $4) FROM login_attempts WHERE account = $1 AND client_addr = $2 AND at > $3),
		       (SELECT count(*) FROM login_attempts WHERE client_addr = $2 AND at > $3),
		       (SELECT coalesce(min(at), $4) FROM login_attempts WHERE client_addr = $2 AND at > $3),
		       (SELECT count(*) FROM login_attempts WHERE account = $1 AND at > $3)`,
		account, client, now.Add(-window), now).Scan(&c.Pair, &c.PairOldest, &c.Client, &c.ClientOldest, &c.Account)
	if err != nil {
		return c, fmt.Errorf("record login attempt: %w", err)
	}
	return c, nil
}

// ForgetLoginAttempt takes back an attempt that is not a failure: one
// refused unchecked, or one whose password was right.
func (db *DB) ForgetLoginAttempt(ctx context.Context, attemptID int64) error {
	if _, err := db.Pool.Exec(ctx, `DELETE FROM login_attempts WHERE id = $1`, attemptID); err != nil {
		return fmt.Errorf("forget login attempt: %w", err)
	}
	return nil
}

// LoginSucceeded takes back the attempt that turned out good and clears
// the account's failures from this client. Other clients' failures on the
// account stay, and the client keeps its failures: one good login must not
// let an address start guessing other accounts afresh.
func (db *DB) LoginSucceeded(ctx context.Context, email, client string, attemptID int64) error {
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE id = $1`, attemptID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE login_attempts SET account = NULL WHERE account = $1 AND client_addr = $2`, accountKey(email), client)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear login attempts: %w", err)
	}
	return nil
}

// FirstLoginRefusal records that client was refused a sign-in in the window
// starting at windowStart, and tells whether it is the first such refusal:
// a flood gets one audit row per client and window.
func (db *DB) FirstLoginRefusal(ctx context.Context, client string, windowStart time.Time) (bool, error) {
	tag, err := db.Pool.Exec(ctx, `INSERT INTO login_refusals (client_addr, window_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`, client, windowStart)
	if err != nil {
		return false, fmt.Errorf("record login refusal: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// DeleteExpiredLogins removes sessions past their expiry and sign-in
// attempts older than keep: periodic maintenance.
func (db *DB) DeleteExpiredLogins(ctx context.Context, now time.Time, keep time.Duration) error {
	if _, err := db.Pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, now); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := db.Pool.Exec(ctx, `DELETE FROM login_refusals WHERE window_start < $1`, now.Add(-keep)); err != nil {
		return fmt.Errorf("delete old login refusals: %w", err)
	}
	if _, err := db.Pool.Exec(ctx, `DELETE FROM login_attempts WHERE at < $1`, now.Add(-keep)); err != nil {
		return fmt.Errorf("delete old login attempts: %w", err)
	}
	return nil
}
