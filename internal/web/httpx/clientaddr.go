// Package httpx holds the HTTP helpers the service's handler packages
// share: the client address behind proxies, the generic server error, JSON
// answers and the security headers of HTML pages.
package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddress is the address a request came from, for limits and
// evidence. It is the connection's peer unless that peer is a trusted
// proxy; then it is the nearest address in X-Forwarded-For that is not a
// trusted proxy, read from the right: entries further left were written by
// the client and could say anything.
func ClientAddress(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := remoteAddr(r)
	if len(trusted) == 0 || !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop the proxies would not have written: the last address
			// known good is the closest we can honestly get.
			return addr
		}
		addr = a.Unmap()
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return addr
}

func remoteAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
