package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The parsers below are pure: a value in, a value or a problem out. Their
// errors do not name the variable; Load does.

func checkListenAddr(v string) error {
	_, port, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Errorf("%q is not host:port", v)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q has no valid port", v)
	}
	return nil
}

// parsePublicURL drops a trailing slash: callback URLs are built by
// appending paths.
func parsePublicURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", v)
	}
	// Paths are appended to it, and Twilio signs the URL it calls: a query
	// or fragment would end up in the middle of every one.
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#") || u.User != nil {
		return nil, fmt.Errorf("%q: want a scheme, host and optional path, with no query, fragment or user", v)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

func isHTTPURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func parseBool(v string) (bool, error) {
	switch v = strings.ToLower(v); v {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q: want true or false", v)
}

func parseLogLevel(v string) (slog.Level, error) {
	switch v = strings.ToLower(v); v {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q: want debug, info, warn or error", v)
}

// parseCountries reads comma-separated two-letter codes, naming each bad one.
func parseCountries(v string) ([]string, error) {
	var out []string
	var errs []error
	for _, r := range strings.Split(v, ",") {
		r = strings.ToUpper(strings.TrimSpace(r))
		if len(r) != 2 {
			errs = append(errs, fmt.Errorf("%q is not a two-letter country code", r))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// parseRate reads "N" (per hour), "N/DURATION" ("5/1h", "100/24h") or "0"
// (off). The duration is at most longest.
func parseRate(s string, longest time.Duration) (Rate, error) {
	count, per, hasPer := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 0 {
		return Rate{}, fmt.Errorf("%q: want a count, or count/duration such as 5/1h", s)
	}
	r := Rate{N: n, Per: time.Hour}
	if hasPer {
		d, err := time.ParseDuration(strings.TrimSpace(per))
		if err != nil || d < time.Second || d > longest {
			return Rate{}, fmt.Errorf("%q: the duration after / must be between 1s and %s, such as 1h", s, formatDuration(longest))
		}
		r.Per = d
	}
	return r, nil
}

// parseDuration reads a Go duration of at least least.
func parseDuration(v string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration such as 24h or 168h", v)
	case d < least:
		return 0, fmt.Errorf("%s is shorter than the %s allowed", v, formatDuration(least))
	}
	return d, nil
}

// parseTrustedProxies reads a comma-separated list of addresses or CIDR
// prefixes ("10.0.0.0/8, 192.0.2.7"); blank means none.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var bad []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		bad = append(bad, f)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%q: want IP addresses or CIDR prefixes such as 10.0.0.0/8", strings.Join(bad, ", "))
	}
	return out, nil
}

// formatDuration writes 24h rather than 24h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
