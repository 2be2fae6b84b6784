package dashboard

import (
	"net/http"
	"net/netip"

	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
)

// Clients finds the client address of a request for the audit log and the
// sign-in limits: the connection's peer, or behind trusted proxies the
// address they forwarded (see httpx.ClientAddress).
type Clients struct {
	trusted []netip.Prefix
}

// addr is the request's client address as the audit log records it.
func (c Clients) addr(r *http.Request) string {
	a := httpx.ClientAddress(r, c.trusted)
	if !a.IsValid() {
		return r.RemoteAddr
	}
	return a.String()
}

// key is the address sign-in attempts are counted by: an IPv6 client
// controls a whole /64, so it counts as one.
func (c Clients) key(r *http.Request) string {
	a := httpx.ClientAddress(r, c.trusted)
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return c.addr(r)
}

// actor is the signed-in staff member at their address, for audit rows.
func (c Clients) actor(r *http.Request) store.Actor {
	return store.Actor{StaffID: staffFrom(r.Context()).ID, ClientAddr: c.addr(r)}
}
