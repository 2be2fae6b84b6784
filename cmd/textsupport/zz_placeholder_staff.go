package main

// Placeholders until cmd/textsupport/staff.go (the staff dashboard work)
// defines these; delete this file when it does.

import (
	"context"
	"errors"
	"io"

	"textsupport/internal/store"
)

func cmdStaff(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	return errors.New("staff accounts are not built yet")
}

func devStaff(ctx context.Context, db *store.DB) (string, string, error) { return "(none yet)", "(none yet)", nil }
