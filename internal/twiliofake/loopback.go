package twiliofake

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// LoopbackOnly wraps rt (http.DefaultTransport when nil) so that any request
// to a host other than localhost or a loopback address fails before it is
// sent: give it to every client under test and nothing can reach the
// internet, Twilio included.
func LoopbackOnly(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return loopbackOnly{rt}
}

type loopbackOnly struct{ next http.RoundTripper }

func (l loopbackOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if !IsLoopback(req.URL.Hostname()) {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, fmt.Errorf("twiliofake: refused a request to non-loopback host %q", req.URL.Hostname())
	}
	return l.next.RoundTrip(req)
}

// IsLoopback reports whether host (no port) is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
