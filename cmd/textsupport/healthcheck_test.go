package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	readyz := func(code int, body string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/readyz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(code)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	// An address nothing listens on: a port given up once the servers of
	// the table below are listening, so that none of them is given it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()

	tests := []struct {
		name    string
		addr    string // LISTEN_ADDR
		args    []string
		wantErr []string // "" when healthy
	}{
		{name: "ready", addr: readyz(200, `{"status":"ready"}`).Listener.Addr().String()},
		{name: "ready, URL given", args: []string{readyz(200, `{"status":"ready"}`).URL + "/readyz"}},
		{name: "ready on every interface", addr: ":" + portOf(readyz(200, `{}`).Listener.Addr())},
		{name: "not ready", addr: readyz(503, `{"status":"migrations pending"}`).Listener.Addr().String(),
			wantErr: []string{"/readyz: not ready: 503 Service Unavailable: migrations pending"}},
		{name: "not found", args: []string{readyz(200, ``).URL + "/nope"}, wantErr: []string{"not ready: 404"}},
		{name: "nothing listening", addr: closed, wantErr: []string{"http://" + closed + "/readyz: not reachable", "refused"}},
		{name: "two URLs", args: []string{"http://a", "http://b"}, wantErr: []string{"usage"}},
	}
	ln.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout bytes.Buffer
			err := run(context.Background(), append([]string{"textsupport", "healthcheck"}, tt.args...),
				envFunc(map[string]string{"LISTEN_ADDR": tt.addr}), nil, &stdout, &bytes.Buffer{})
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("healthcheck = %v, want ready", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("healthcheck = nil error, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("healthcheck = %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("healthcheck = %q, want one line", err)
			}
		})
	}
}

func TestReadyzURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/readyz",
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/readyz",
		"[::]:8080":      "http://[::1]:8080/readyz",
		"127.0.0.1:8081": "http://127.0.0.1:8081/readyz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/readyz",
		"localhost:80":   "http://localhost:80/readyz",
	} {
		if got := readyzURL(addr); got != want {
			t.Errorf("readyzURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
