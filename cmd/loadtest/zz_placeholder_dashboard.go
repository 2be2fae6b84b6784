package main

// Placeholder until cmd/loadtest/dashboard.go defines dashboardLoad; delete this file when it does.

import (
	"context"
	"errors"
)

func dashboardLoad(ctx context.Context, args []string) error { return errors.New("not built yet") }
