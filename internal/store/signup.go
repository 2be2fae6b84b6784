package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Disclosure is one version of the sign-up form's consent text, exactly as
// served, with the terms and privacy pages it links to.
type Disclosure struct {
	Version      string // what the ledger's disclosure_version holds
	Label        string // the human part of the version
	HTML         string // the consent checkbox's label as served
	Text         string // the same as plain text
	TermsHTML    string
	PrivacyHTML  string
	RegisteredAt time.Time
}

// RegisterDisclosure records a disclosure version before any sign-up names
// it. A version already recorded is left as it is: the version is a hash of
// its content, so the content is the same.
func (db *DB) RegisterDisclosure(ctx context.Context, d Disclosure) error {
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO disclosures (version, label, html, text, terms_html, privacy_html)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (version) DO NOTHING`,
		d.Version, d.Label, d.HTML, d.Text, d.TermsHTML, d.PrivacyHTML)
	if err != nil {
		return fmt.Errorf("register disclosure: %w", err)
	}
	return nil
}

// SignupRequestHistory returns when the subscriber's latest YES request
// was asked for (zero if never) and how many were asked for after since.
func SignupRequestHistory(ctx context.Context, tx pgx.Tx, subscriberID int64, since time.Time) (last time.Time, count int, err error) {
	var at *time.Time
	err = tx.QueryRow(ctx, `
		SELECT max(requested_at), count(*) FILTER (WHERE requested_at > $2)
		FROM signup_requests WHERE subscriber_id = $1`, subscriberID, since).Scan(&at, &count)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("read sign-up requests: %w", err)
	}
	if at != nil {
		last = *at
	}
	return last, count, nil
}

// RecordSignupRequest records, with tx's COMMIT, that a YES request was
// asked for at.
func RecordSignupRequest(ctx context.Context, tx pgx.Tx, subscriberID int64, at time.Time) error {
	if err := AtCommit(ctx, tx, `INSERT INTO signup_requests (subscriber_id, requested_at) VALUES ($1, $2)`, subscriberID, at); err != nil {
		return fmt.Errorf("record sign-up request: %w", err)
	}
	return nil
}

// RecentConsent lists a subscriber's latest ledger rows, newest first, at
// most limit of them, inside tx. Evidence is not read.
func RecentConsent(ctx context.Context, tx pgx.Tx, subscriberID int64, limit int) ([]ConsentEvent, error) {
	events, err := collect(ctx, tx, func(row pgx.CollectableRow) (ConsentEvent, error) {
		var e ConsentEvent
		err := row.Scan(&e.ID, &e.SubscriberID, &e.At, &e.FromState, &e.ToState, &e.Method, &e.Reason,
			&e.MessageSID, &e.DisclosureVersion, &e.StaffID)
		return e, err
	}, `
		SELECT id, subscriber_id, at, from_state, to_state, method, reason, coalesce(message_sid, ''),
		       coalesce(disclosure_version, ''), staff_id
		FROM consent_events WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2`, subscriberID, limit)
	if err != nil {
		return nil, fmt.Errorf("read recent consent: %w", err)
	}
	return events, nil
}

// PendingCandidate is a pending subscriber that may have gone unanswered too long.
type PendingCandidate struct {
	ID        int64
	PhoneHash []byte
}

// lastPendingActivity is when a subscriber last asked (or was asked) to
// confirm: its latest YES request or its latest ledger row, whichever is
// later. The request time comes from the service's clock, the ledger's from
// the database's; in production they agree.
const lastPendingActivity = `greatest(
	(SELECT max(requested_at) FROM signup_requests r WHERE r.subscriber_id = s.id),
	(SELECT max(at) FROM consent_events c WHERE c.subscriber_id = s.id))`

// PendingInactiveSince lists pending subscribers with nothing since cutoff
// (no YES request, no ledger row), in ID order after afterID, at most limit
// of them. Nothing is locked: callers re-check each one under its locks
// with PendingActivity.
func (db *DB) PendingInactiveSince(ctx context.Context, cutoff time.Time, afterID int64, limit int) ([]PendingCandidate, error) {
	candidates, err := collect(ctx, db.Pool, pgx.RowToStructByPos[PendingCandidate], `
		SELECT s.id, s.phone_hash FROM subscribers s
		WHERE s.state = 'pending' AND s.id > $2 AND `+lastPendingActivity+` < $1
		ORDER BY s.id LIMIT $3`, cutoff, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list inactive pending: %w", err)
	}
	return candidates, nil
}

// PendingActivity is when the subscriber last asked (or was asked) to
// confirm, inside tx.
func PendingActivity(ctx context.Context, tx pgx.Tx, subscriberID int64) (time.Time, error) {
	var at *time.Time
	err := tx.QueryRow(ctx, `SELECT `+lastPendingActivity+` FROM subscribers s WHERE s.id = $1`, subscriberID).Scan(&at)
	if err != nil {
		if err = notFound(err); err == ErrNotFound {
			return time.Time{}, err
		}
		return time.Time{}, fmt.Errorf("read pending activity: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return *at, nil
}

// LimitHit is one use of a fixed-window limit.
type LimitHit struct {
	Key         string // the limit's name and a keyed hash of what it limits
	WindowStart time.Time
	Window      time.Duration
}

// HitLimits counts one use of each limit, in order, and returns each one's
// count in its window including this use. Callers keep the order fixed
// (narrowest first, the global limit last) so that concurrent hits on the
// shared rows never deadlock.
func HitLimits(ctx context.Context, tx pgx.Tx, hits []LimitHit) ([]int, error) {
	counts := make([]int, len(hits))
	for i, h := range hits {
		if err := tx.QueryRow(ctx, hitLimitSQL, h.Key, h.WindowStart, h.WindowStart.Add(h.Window)).Scan(&counts[i]); err != nil {
			return nil, fmt.Errorf("hit limits: %w", err)
		}
	}
	return counts, nil
}

// HitLimit counts one use of a single limit, in its own statement.
func (db *DB) HitLimit(ctx context.Context, h LimitHit) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, hitLimitSQL, h.Key, h.WindowStart, h.WindowStart.Add(h.Window)).Scan(&n); err != nil {
		return 0, fmt.Errorf("hit limit: %w", err)
	}
	return n, nil
}

const hitLimitSQL = `
	INSERT INTO signup_limits (key, window_start, expires_at, hits) VALUES ($1, $2, $3, 1)
	ON CONFLICT (key, window_start) DO UPDATE SET hits = signup_limits.hits + 1
	RETURNING hits`

// PruneLimits deletes limit windows that ended before now.
func (db *DB) PruneLimits(ctx context.Context, now time.Time) (int64, error) {
	tag, err := db.Pool.Exec(ctx, `DELETE FROM signup_limits WHERE expires_at < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("prune limits: %w", err)
	}
	return tag.RowsAffected(), nil
}
