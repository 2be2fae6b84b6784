package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Audit log actions.
const (
	AuditLogin         = "login"
	AuditLoginFailed   = "login_failed"
	AuditLoginLimited  = "login_limited"
	AuditLogout        = "logout"
	AuditAlertOpened   = "alert_opened"
	AuditAlertHandled  = "alert_handled"
	AuditOptOut        = "opt_out"
	AuditOptOutNoMatch = "opt_out_no_match"
	AuditExport        = "export"
	AuditTokenRevoked  = "token_revoked"
	AuditMFAEnrolled   = "mfa_enrolled"
	AuditStaffDisabled = "staff_disabled"
	AuditStaffEnabled  = "staff_enabled"
	AuditStaffRole     = "staff_role"
	AuditStaffPassword = "staff_password_reset"
	// AuditRekey: textsupport rekey re-encrypted what is kept at rest.
	AuditRekey = "rekey"
)

// Actor is who does something, for the audit log.
type Actor struct {
	StaffID    int64
	ClientAddr string
}

// AuditEntry is one row of the audit log. Target names a row ("alert:12",
// "subscriber:40", "token:3"); Detail never holds a phone number or a body.
type AuditEntry struct {
	ID         int64
	At         time.Time
	StaffID    *int64
	StaffEmail string // filled in by ListAudit
	// Actor names who acted when no staff member did: CLIActor.
	Actor      string
	Action     string
	Target     string
	Detail     string
	ClientAddr string
}

// execer is a transaction or the pool.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// AppendAudit writes one audit row inside tx, so that it commits with what it records.
func AppendAudit(ctx context.Context, tx pgx.Tx, e AuditEntry) error {
	return appendAudit(ctx, tx, e)
}

// Audit writes one audit row on its own.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	return appendAudit(ctx, db.Pool, e)
}

func appendAudit(ctx context.Context, q execer, e AuditEntry) error {
	_, err := q.Exec(ctx, `INSERT INTO audit_log (staff_id, actor, action, target, detail, client_addr) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.StaffID, e.Actor, e.Action, e.Target, e.Detail, e.ClientAddr)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// Entry starts an audit entry for what a staff member does.
func (a Actor) Entry(action, target, detail string) AuditEntry {
	id := a.StaffID
	return AuditEntry{StaffID: &id, Action: action, Target: target, Detail: detail, ClientAddr: a.ClientAddr}
}

// AuditQuery selects audit rows: those with an ID below Before (0: from
// the newest), at most Limit, optionally for one Target only.
type AuditQuery struct {
	Before int64
	Limit  int
	Target string
}

// ListAudit lists audit rows, newest first.
func (db *DB) ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	entries, err := collect(ctx, db.Pool, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.StaffID, &e.StaffEmail, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.ClientAddr)
		return e, err
	}, `
		SELECT a.id, a.at, a.staff_id, coalesce(s.email, ''), a.actor, a.action, a.target, a.detail, a.client_addr
		FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
		WHERE a.id < $1 AND ($2 = '' OR a.target = $2)
		ORDER BY a.id DESC LIMIT $3`, before(q.Before), q.Target, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return entries, nil
}

// before is the ID a page starts below: 0 means from the newest.
func before(id int64) int64 {
	if id <= 0 {
		return math.MaxInt64
	}
	return id
}
