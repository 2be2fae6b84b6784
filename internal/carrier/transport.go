package carrier

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"sync/atomic"
)

// callTransport carries the requests of one Send: it gives each the call's
// context (twilio-go uses context.Background()), points it at the
// configured API URL, adds basic auth, and remembers what came back so Send
// can classify errors twilio-go reports without a status and close the
// response bodies twilio-go leaves open.
type callTransport struct {
	base       http.RoundTripper
	ctx        context.Context
	target     *url.URL
	user, pass string

	wrote atomic.Bool // the whole request went out: Twilio may have it

	mu     sync.Mutex
	status int
	bodies []io.ReadCloser
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(httptrace.WithClientTrace(t.ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				t.wrote.Store(true)
			}
		},
	}))
	r.URL.Scheme = t.target.Scheme
	r.URL.Host = t.target.Host
	r.URL.Path = t.target.Path + r.URL.Path
	r.URL.RawPath = ""
	r.Host = ""
	r.SetBasicAuth(t.user, t.pass)
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.status = resp.StatusCode
	t.bodies = append(t.bodies, resp.Body)
	t.mu.Unlock()
	return resp, nil
}

// lastStatus is the HTTP status of the last response, 0 if none came.
func (t *callTransport) lastStatus() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// closeBodies closes every response body of the call. It does not drain
// them: a server that stalls mid-body must not hold Send up.
func (t *callTransport) closeBodies() {
	t.mu.Lock()
	bodies := t.bodies
	t.bodies = nil
	t.mu.Unlock()
	for _, b := range bodies {
		_ = b.Close()
	}
}
