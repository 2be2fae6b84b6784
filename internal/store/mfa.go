package store

import (
	"context"
	"crypto/sha256"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// NormalizeRecoveryCode is a recovery code as typed, without spaces or
// dashes and in lower case, as it is hashed.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(code))
}

// hashRecoveryCode hashes a recovery code. The codes are random (80 bits),
// so a plain SHA-256 is enough to store them.
func hashRecoveryCode(code string) []byte {
	sum := sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
	return sum[:]
}

// EnrollTOTP gives a login its second factor: the TOTP secret (sealed),
// the time step of the code that confirmed it, and new recovery codes in
// place of any earlier ones.
func (db *DB) EnrollTOTP(ctx context.Context, staffID int64, secretEnc []byte, step int64, recoveryCodes []string) error {
	return db.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE staff SET totp_secret_enc = $2, totp_enrolled_at = now(), totp_last_step = $3 WHERE id = $1`,
			staffID, secretEnc, step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM staff_recovery_codes WHERE staff_id = $1`, staffID); err != nil {
			return err
		}
		for _, c := range recoveryCodes {
			if _, err := tx.Exec(ctx, `INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)`, staffID, hashRecoveryCode(c)); err != nil {
				return err
			}
		}
		return nil
	})
}

// StaffTOTP reads a login's sealed TOTP secret (ErrNotFound when none).
func (db *DB) StaffTOTP(ctx context.Context, staffID int64) ([]byte, error) {
	var secret []byte
	err := db.Pool.QueryRow(ctx, `SELECT totp_secret_enc FROM staff WHERE id = $1 AND totp_secret_enc IS NOT NULL`, staffID).Scan(&secret)
	return secret, notFound(err)
}

// UseTOTPStep takes a code's time step for the login: true when no code of
// that step or a later one was used before, so each code works once.
func (db *DB) UseTOTPStep(ctx context.Context, staffID, step int64) (bool, error) {
	tag, err := db.Pool.Exec(ctx, `UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, staffID, step)
	return err == nil && tag.RowsAffected() == 1, err
}

// UseRecoveryCode spends one of the login's recovery codes: true when it
// was one and unused.
func (db *DB) UseRecoveryCode(ctx context.Context, staffID int64, code string) (bool, error) {
	tag, err := db.Pool.Exec(ctx, `UPDATE staff_recovery_codes SET used_at = now() WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL`,
		staffID, hashRecoveryCode(code))
	return err == nil && tag.RowsAffected() == 1, err
}

// RecoveryCodesLeft counts the login's unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, staffID int64) (int, error) {
	var n int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL`, staffID).Scan(&n)
	return n, err
}

// The operator's changes to logins (textsupport staff …), each written to
// the audit log with the actor "cli" in the same transaction.

// CLIActor is the audit log's actor for the operator commands.
const CLIActor = "cli"

// SetStaffDisabled disables a login (its sessions end at their next
// request) or enables it again.
func (db *DB) SetStaffDisabled(ctx context.Context, email string, disabled bool) (*Staff, error) {
	action, set := AuditStaffEnabled, `disabled_at = NULL`
	if disabled {
		action, set = AuditStaffDisabled, `disabled_at = coalesce(disabled_at, now())`
	}
	return db.changeStaff(ctx, email, `UPDATE staff SET `+set+` WHERE email = $1 RETURNING `+staffColumns, action, "", nil)
}

// SetStaffRole changes a login's role.
func (db *DB) SetStaffRole(ctx context.Context, email string, role Role) (*Staff, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	return db.changeStaff(ctx, email, `UPDATE staff SET role = $2 WHERE email = $1 RETURNING `+staffColumns, AuditStaffRole, string(role), []any{role})
}

// ResetStaffPassword replaces a login's password; whether it is enabled
// does not change.
func (db *DB) ResetStaffPassword(ctx context.Context, email, password string) (*Staff, error) {
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	return db.changeStaff(ctx, email, `UPDATE staff SET password_hash = $2 WHERE email = $1 RETURNING `+staffColumns, AuditStaffPassword, "", []any{hash})
}

func (db *DB) changeStaff(ctx context.Context, email, update, action, detail string, args []any) (*Staff, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	var s *Staff
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if s, err = scanStaff(tx.QueryRow(ctx, update, append([]any{email}, args...)...)); err != nil {
			return err
		}
		id := s.ID
		return AppendAudit(ctx, tx, AuditEntry{Actor: CLIActor, Action: action, Target: "staff:" + itoa(id), Detail: detail})
	})
	return s, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
