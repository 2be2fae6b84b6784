package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// A failing store call names its operation, so a log line says which one
// failed; an absent row is still store.ErrNotFound.
func TestErrorsNameTheOperation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)

	for name, call := range map[string]func() error{
		"OpenThread":         func() error { _, err := db.OpenThread(ctx, 1, store.Actor{StaffID: 1}); return err },
		"RevealNumber":       func() error { _, err := db.RevealNumber(ctx, 1, store.Actor{StaffID: 1}, "call back"); return err },
		"AssignConversation": func() error { return db.AssignConversation(ctx, 1, nil, store.Actor{StaffID: 1}) },
		"FindConversation":   func() error { _, err := db.FindConversation(ctx, 1); return err },
		"CheckAPIToken":      func() error { _, err := db.CheckAPIToken(ctx, "tsk_unknown"); return err },
		"RevokeAPIToken":     func() error { return db.RevokeAPIToken(ctx, 1) },
		"FindStaff":          func() error { _, err := db.FindStaff(ctx, 1); return err },
		"SetStaffPassword":   func() error { return db.SetStaffPassword(ctx, "nobody@clinic.example", "a long enough password") },
	} {
		if err := call(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of nothing = %v, want ErrNotFound", name, err)
		}
	}

	db.Pool.Close()
	now := time.Now()
	for op, call := range map[string]func() error{
		"list conversations":    func() error { _, err := db.ListConversations(ctx, store.ConversationFilter{}); return err },
		"count conversations":   func() error { _, err := db.CountConversations(ctx); return err },
		"first reply times":     func() error { _, err := db.FirstReplyTimes(ctx, now); return err },
		"open thread":           func() error { _, err := db.OpenThread(ctx, 1, store.Actor{StaffID: 1}); return err },
		"reveal number":         func() error { _, err := db.RevealNumber(ctx, 1, store.Actor{StaffID: 1}, "call back"); return err },
		"assign conversation":   func() error { return db.AssignConversation(ctx, 1, nil, store.Actor{StaffID: 1}) },
		"find conversation":     func() error { _, err := db.FindConversation(ctx, 1); return err },
		"append audit":          func() error { return db.Audit(ctx, store.AuditEntry{Action: store.AuditLogout}) },
		"list audit":            func() error { _, err := db.ListAudit(ctx, store.AuditQuery{}); return err },
		"create API token":      func() error { _, err := db.CreateAPIToken(ctx, "reports"); return err },
		"check API token":       func() error { _, err := db.CheckAPIToken(ctx, "tsk_unknown"); return err },
		"list API tokens":       func() error { _, err := db.ListAPITokens(ctx); return err },
		"revoke API token":      func() error { return db.RevokeAPIToken(ctx, 1) },
		"register disclosure":   func() error { return db.RegisterDisclosure(ctx, store.Disclosure{Version: "v1"}) },
		"list inactive pending": func() error { _, err := db.PendingInactiveSince(ctx, now, 0, 10); return err },
		"hit limit": func() error {
			_, err := db.HitLimit(ctx, store.LimitHit{Key: "k", WindowStart: now, Window: time.Hour})
			return err
		},
		"prune limits": func() error { _, err := db.PruneLimits(ctx, now); return err },
		"create staff": func() error {
			_, err := db.CreateStaff(ctx, "ada@clinic.example", "a long enough password", store.RoleAdmin)
			return err
		},
		"set staff password": func() error { return db.SetStaffPassword(ctx, "ada@clinic.example", "a long enough password") },
		"find staff":         func() error { _, err := db.FindStaff(ctx, 1); return err },
		"check staff login": func() error {
			_, err := db.CheckStaffLogin(ctx, "ada@clinic.example", "a long enough password")
			return err
		},
		"record login attempt": func() error {
			_, err := db.RecordLoginAttempt(ctx, "ada@clinic.example", "192.0.2.1", now, time.Hour)
			return err
		},
		"clear login attempts":    func() error { return db.LoginSucceeded(ctx, "ada@clinic.example", "192.0.2.1", 1) },
		"delete expired sessions": func() error { return db.DeleteExpiredLogins(ctx, now, time.Hour) },
		"read totals":             func() error { _, err := db.Totals(ctx); return err },
		"read overview":           func() error { _, err := db.Overview(ctx, now, 30, 3); return err },
		"fold counters":           func() error { _, err := db.FoldCounters(ctx); return err },
		"read queue depths":       func() error { _, err := db.QueueDepths(ctx); return err },
		"check migrations":        func() error { _, err := store.MigrationsCurrent(ctx, db.Pool); return err },
	} {
		if err := call(); err == nil || !strings.HasPrefix(err.Error(), op+": ") {
			t.Errorf("with the database gone, error = %v; want it to start %q", err, op+": ")
		}
	}
}
