package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// tokenPrefix marks our API tokens, so a leaked one is easy to recognise and search for.
const tokenPrefix = "tsk_"

// Scopes say what a token may read. A token reads only what its scopes
// name: a stats token cannot read /metrics, nor a metrics token the stats.
const (
	ScopeStats   = "stats"   // GET /api/v1/stats
	ScopeMetrics = "metrics" // GET /metrics, for operators
)

// ParseScopes checks scopes named on the command line ("stats",
// "metrics", or both, comma-separated or given again); none is stats.
func ParseScopes(names ...string) ([]string, error) {
	var out []string
	for _, n := range names {
		for _, s := range strings.Split(n, ",") {
			switch s = strings.ToLower(strings.TrimSpace(s)); s {
			case ScopeStats, ScopeMetrics:
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			case "":
			default:
				return nil, fmt.Errorf("scope %q: want stats or metrics", s)
			}
		}
	}
	if len(out) == 0 {
		out = []string{ScopeStats}
	}
	slices.Sort(out)
	return out, nil
}

// APIToken is a token's record; the token itself is never stored.
type APIToken struct {
	ID         int64
	Name       string
	Scopes     []string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// Can tells whether the token has scope.
func (t *APIToken) Can(scope string) bool { return slices.Contains(t.Scopes, scope) }

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateAPIToken makes a new token with scopes (none: stats) and returns
// it; only its hash is kept. Tokens carry 256 random bits, so a plain
// SHA-256 is enough to store them.
func (db *DB) CreateAPIToken(ctx context.Context, name string, scopes ...string) (string, error) {
	scopes, err := ParseScopes(scopes...)
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("create API token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO api_tokens (name, token_hash, scopes) VALUES ($1, $2, $3)`, name, hashToken(token), scopes); err != nil {
		return "", fmt.Errorf("create API token: %w", err)
	}
	return token, nil
}

// CheckAPIToken returns the token's record if it is known and not revoked.
func (db *DB) CheckAPIToken(ctx context.Context, token string) (*APIToken, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, ErrNotFound
	}
	var t APIToken
	err := db.Pool.QueryRow(ctx, `
		UPDATE api_tokens SET last_used_at = now()
		WHERE token_hash = $1 AND revoked_at IS NULL
		RETURNING id, name, scopes, created_at, revoked_at, last_used_at`, hashToken(token),
	).Scan(&t.ID, &t.Name, &t.Scopes, &t.CreatedAt, &t.RevokedAt, &t.LastUsedAt)
	if err != nil {
		if err = notFound(err); err == ErrNotFound {
			return nil, err
		}
		return nil, fmt.Errorf("check API token: %w", err)
	}
	return &t, nil
}

// ListAPITokens lists every token, newest first.
func (db *DB) ListAPITokens(ctx context.Context) ([]APIToken, error) {
	tokens, err := collect(ctx, db.Pool, pgx.RowToStructByPos[APIToken],
		`SELECT id, name, scopes, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return tokens, nil
}

// RevokeAPIToken stops a token from working.
func (db *DB) RevokeAPIToken(ctx context.Context, id int64) error {
	tag, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("revoke API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
