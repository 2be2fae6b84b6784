package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// healthcheckTimeout is short: Docker runs the check every few seconds and
// kills it after its own --timeout (Dockerfile).
const healthcheckTimeout = 2 * time.Second

// cmdHealthcheck asks a running service whether it is ready (GET /readyz)
// and fails unless it answers 200. It needs no shell and no curl, so the
// container's HEALTHCHECK can run the binary itself.
func cmdHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var target string
	switch len(args) {
	case 0:
		target = readyzURL(getenv("LISTEN_ADDR"))
	case 1:
		target = args[0]
	default:
		return errors.New("usage: textsupport healthcheck [URL]")
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s: not reachable: %w", target, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// /readyz says why in {"status": "..."}.
		var body struct{ Status string }
		json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body)
		reason := resp.Status
		if body.Status != "" {
			reason += ": " + body.Status
		}
		return fmt.Errorf("healthcheck: %s: not ready: %s", target, reason)
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

// readyzURL is /readyz on this machine at the port the service listens on:
// LISTEN_ADDR as serve reads it (":8080" when unset). An address on every
// interface is asked on loopback.
func readyzURL(listenAddr string) string {
	addr := strings.TrimSpace(listenAddr)
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "", "8080"
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}

// unwrapURLError drops net/http's "Get URL:" prefix: the message already
// names the URL once.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
