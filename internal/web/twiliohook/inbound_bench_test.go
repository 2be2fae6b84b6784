package twiliohook_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"textsupport/internal/twiliofake"
)

// BenchmarkInboundJoin sends signed JOINs from new numbers through the
// whole HTTP path on real Postgres (new subscriber, ledger row, scheduled
// step, stored message and reply) from 16×GOMAXPROCS goroutines.
// cmd/loadtest inbound measures the same path with the service in its own process.
func BenchmarkInboundJoin(b *testing.B) {
	bd := setup(b)
	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			form := url.Values{"MessageSid": {fmt.Sprintf("SM%032d", i)}, "From": {fmt.Sprintf("+1212%07d", 2000000+i)}, "Body": {"JOIN"}}
			req, _ := http.NewRequest("POST", bd.server.URL+"/twilio/sms", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", twiliofake.Sign(authToken, bd.public+"/twilio/sms", form))
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v %v", err, resp)
			}
			resp.Body.Close()
		}
	})
}
