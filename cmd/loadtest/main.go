// Command loadtest measures the service on this machine, against real
// Postgres and the fake carrier over loopback.
//
//	go run ./cmd/loadtest inbound [-n 40000] [-c 32]   signed webhooks, and the bare-handler baseline
//	go run ./cmd/loadtest send [-n 20000]              the sending side
//	go run ./cmd/loadtest dashboard                    staff pages at a million subscribers
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadtest inbound|send|dashboard [flags]")
		os.Exit(2)
	}
	if path := os.Getenv("LOADTEST_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch os.Args[1] {
	case "inbound":
		err = inboundLoad(ctx, os.Args[2:])
	case "bare-server":
		err = bareServer(ctx, os.Args[2:])
	case "send":
		err = sendLoad(ctx, os.Args[2:])
	case "dashboard":
		err = dashboardLoad(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown load %q", os.Args[1])
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
