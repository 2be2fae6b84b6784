package main

import (
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"textsupport/internal/program"
	"textsupport/internal/store"
)

func TestParseDevFlags(t *testing.T) {
	t.Parallel()
	if dir, err := parseDevFlags(nil, io.Discard); err != nil || dir != "" {
		t.Errorf("parseDevFlags() = %q, %v; want a temporary folder", dir, err)
	}
	if dir, err := parseDevFlags([]string{"--data", "/tmp/demo"}, io.Discard); err != nil || dir != "/tmp/demo" {
		t.Errorf("parseDevFlags(--data /tmp/demo) = %q, %v", dir, err)
	}
	if _, err := parseDevFlags([]string{"--nope"}, io.Discard); err == nil {
		t.Errorf("parseDevFlags(--nope) = nil error, want one")
	}
}

// Without PUBLIC_URL, dev is reached on the port it got.
func TestLocalURL(t *testing.T) {
	t.Parallel()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 43210}
	if got := localURL(addr).String(); got != "http://localhost:43210" {
		t.Errorf("localURL(%s) = %s, want http://localhost:43210", addr, got)
	}
}

// Dev answers to its own address only: a page elsewhere that points its
// name at 127.0.0.1 (DNS rebinding) must not reach the simulator.
func TestDevHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr        *net.TCPAddr
		allowed     []string
		refused     []string
		serviceHost string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080},
			[]string{"localhost:8080", "127.0.0.1:8080", "[::1]:8080"},
			[]string{"evil.example:8080", "localhost:8081", "localhost", "127.0.0.1.nip.io:8080"}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9090},
			[]string{"localhost:9090", "127.0.0.1:9090"}, []string{"[::]:9090", "rebind.example:9090"}, "127.0.0.1:9090"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8080},
			[]string{"192.0.2.7:8080", "localhost:8080"}, []string{"example.org:8080"}, "192.0.2.7:8080"},
	}
	for _, tt := range tests {
		hosts := devHosts(tt.addr)
		for _, h := range tt.allowed {
			if !slices.Contains(hosts, h) {
				t.Errorf("devHosts(%s) = %q, want it to hold %s", tt.addr, hosts, h)
			}
		}
		for _, h := range tt.refused {
			if slices.Contains(hosts, h) {
				t.Errorf("devHosts(%s) = %q, want it without %s", tt.addr, hosts, h)
			}
		}
		if got := devServiceHost(tt.addr); got != tt.serviceHost {
			t.Errorf("devServiceHost(%s) = %s, want %s", tt.addr, got, tt.serviceHost)
		}
	}
}

// A day of the sequence passes in a minute, and the cap lets it all through.
func TestQuicken(t *testing.T) {
	t.Parallel()
	p := &program.Program{DailyCap: 1, Sequence: []program.Step{{After: 0}, {After: 24 * time.Hour}, {After: 72 * time.Hour}}}
	quicken(p)
	for i, want := range []time.Duration{0, time.Minute, 3 * time.Minute} {
		if p.Sequence[i].After != want {
			t.Errorf("step %d after %s, want %s", i, p.Sequence[i].After, want)
		}
	}
	if p.DailyCap != 3 {
		t.Errorf("daily cap %d, want 3 (the whole sequence)", p.DailyCap)
	}
	p = &program.Program{DailyCap: 5, Sequence: []program.Step{{After: time.Hour}}}
	if quicken(p); p.DailyCap != 5 {
		t.Errorf("daily cap %d, want 5 (never lowered)", p.DailyCap)
	}
}

func TestOutsideSendWindow(t *testing.T) {
	t.Parallel()
	p := &program.Program{DefaultTimeZone: "America/New_York", SendWindow: program.Window{Start: 8 * time.Hour, End: 20 * time.Hour}}
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before it opens", time.Date(2026, 3, 2, 7, 59, 0, 0, ny), true},
		{"as it opens", time.Date(2026, 3, 2, 8, 0, 0, 0, ny), false},
		{"midday, given in UTC", time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC), false},
		{"as it closes", time.Date(2026, 3, 2, 20, 0, 0, 0, ny), true},
	}
	for _, tt := range tests {
		if got := outsideSendWindow(tt.at, p); got != tt.want {
			t.Errorf("%s: outsideSendWindow(%s) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
	p.DefaultTimeZone = "Nowhere/Else"
	if outsideSendWindow(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC), p) {
		t.Errorf("an unknown zone: outsideSendWindow = true, want false (nothing to say)")
	}
}

func TestDevBanner(t *testing.T) {
	t.Parallel()
	got := devBanner(localURL(&net.TCPAddr{Port: 8080}), "demo@example.org", "pw")
	for _, want := range []string{"textsupport dev: ready\n", "http://localhost:8080/dev/phone", "http://localhost:8080/signup", "email demo@example.org, password pw"} {
		if !strings.Contains(got, want) {
			t.Errorf("devBanner = %q, want it to contain %q", got, want)
		}
	}
}

// The phone simulator says when a quiet phone will hear next: held for the
// send window in the number's zone, or due in a while.
func TestNextStepNotice(t *testing.T) {
	t.Parallel()
	prog := &program.Program{DefaultTimeZone: "America/New_York", SendWindow: program.Window{Start: 8 * time.Hour, End: 20 * time.Hour}}
	guamMidnight := time.Date(2030, 1, 2, 14, 0, 0, 0, time.UTC) // 00:00 in Guam (UTC+10)
	guamNoon := time.Date(2030, 1, 2, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		next   store.NextStep
		number string
		now    time.Time
		want   string
	}{
		{"held at night", store.NextStep{Due: guamMidnight.Add(time.Minute)}, "+16715550111", guamMidnight,
			"Next message held for the send window until 08:00 in this number's time zone (Pacific/Guam), 8h 0m from now."},
		{"overdue, held", store.NextStep{Due: guamMidnight.Add(-time.Hour)}, "+16715550111", guamMidnight.Add(90 * time.Minute),
			"until 08:00 in this number's time zone (Pacific/Guam), 6h 30m from now."},
		// The sender snoozes a held step to the opening: still held.
		{"snoozed to the opening", store.NextStep{Due: guamMidnight.Add(8 * time.Hour)}, "+16715550111", guamMidnight,
			"Next message held for the send window until 08:00 in this number's time zone (Pacific/Guam), 8h 0m from now."},
		{"snoozed to just after the opening", store.NextStep{Due: guamMidnight.Add(8*time.Hour + 80*time.Millisecond)}, "+16715550111", guamMidnight,
			"held for the send window until 08:00 in this number's time zone (Pacific/Guam), 8h 0m from now."},
		{"shut now, due after the opening", store.NextStep{Due: guamMidnight.Add(10 * time.Hour)}, "+16715550111", guamMidnight,
			"Next scheduled message in 10h 0m."},
		{"open, due soon", store.NextStep{Due: guamNoon.Add(40 * time.Second)}, "+16715550111", guamNoon, "Next scheduled message in 40s."},
		{"open, due now", store.NextStep{Due: guamNoon.Add(-time.Second)}, "+16715550111", guamNoon, ""},
		// The zone given on the form wins over the area code's.
		{"given zone", store.NextStep{Due: guamNoon, TimeZone: "America/New_York"}, "+16715550111", guamNoon,
			"until 08:00 in this number's time zone (America/New_York), 11h 0m from now."},
	}
	for _, tt := range tests {
		got := nextStepNotice(tt.next, tt.number, prog, tt.now)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: nextStepNotice = %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}

// While the database does not answer, dev says it is waiting for it.
func TestDevSaysItWaitsForTheDatabase(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"textsupport", "dev"}, envFunc(map[string]string{
			"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_URL": "postgres://nobody@" + closed + "/none",
		}), nil, stdout, io.Discard)
	}()
	for deadline := time.Now().Add(25 * time.Second); !strings.Contains(stdout.String(), "waiting for the database…"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("dev printed %q, never that it waits for the database", stdout)
		}
	}
	cancel()
	if err := <-done; err == nil {
		t.Error("dev without a database = nil error")
	}
}
