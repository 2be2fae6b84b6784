package httpx

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	// TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7, ::1", as config reads it.
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted bool
		want    string
	}{
		{"no proxies configured: the peer, whatever the header says", "203.0.113.9:5000", []string{"198.51.100.1"}, false, "203.0.113.9"},
		{"untrusted peer: the header is ignored", "203.0.113.9:5000", []string{"198.51.100.1"}, true, "203.0.113.9"},
		{"trusted proxy: the client it saw", "10.1.2.3:5000", []string{"198.51.100.1"}, true, "198.51.100.1"},
		{"a chain of proxies: the nearest untrusted hop", "10.1.2.3:5000", []string{"198.51.100.1, 10.9.9.9"}, true, "198.51.100.1"},
		{"client-written entries further left are not believed", "10.1.2.3:5000", []string{"1.2.3.4, 198.51.100.1"}, true, "198.51.100.1"},
		{"several headers are one list", "192.0.2.7:5000", []string{"1.2.3.4", "198.51.100.2, 10.0.0.1"}, true, "198.51.100.2"},
		{"garbage in the chain: the last good address", "10.1.2.3:5000", []string{"nonsense, 10.4.4.4"}, true, "10.4.4.4"},
		{"only proxies: the furthest", "10.1.2.3:5000", []string{"10.4.4.4"}, true, "10.4.4.4"},
		{"no header from a proxy: the proxy", "10.1.2.3:5000", nil, true, "10.1.2.3"},
		{"IPv6 peer", "[2001:db8::5]:443", nil, true, "2001:db8::5"},
		{"IPv4-mapped", "[::ffff:203.0.113.9]:443", nil, false, "203.0.113.9"},
		{"IPv6 loopback proxy", "[::1]:443", []string{"2001:db8::7"}, true, "2001:db8::7"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/signup", nil)
		r.RemoteAddr = tt.remote
		for _, h := range tt.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		var tr []netip.Prefix
		if tt.trusted {
			tr = trusted
		}
		if got := ClientAddress(r, tr); got.String() != tt.want {
			t.Errorf("%s: ClientAddress = %s, want %s", tt.name, got, tt.want)
		}
	}
}
