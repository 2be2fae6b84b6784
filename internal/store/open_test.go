package store

import (
	"context"
	"net"
	"testing"
	"time"
)

// Open says, once, that it is waiting for a database that does not answer
// yet, and keeps trying until its context ends.
func TestOpenWaiting(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	// A refused connection fails at once, so a second Open would retry many
	// times in a second.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	calls := 0
	db, err := OpenWaiting(ctx, "postgres://nobody@"+addr+"/none?connect_timeout=5", 1, func() { calls++ })
	if err == nil {
		db.Close()
		t.Fatal("OpenWaiting with nothing listening = nil error")
	}
	if calls != 1 {
		t.Errorf("waiting called %d times, want once", calls)
	}
}
