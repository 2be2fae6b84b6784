package signuppage_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"textsupport/internal/signup"
)

// SMS pumping: bursts of form posts, with the default limits, and how many
// texts reach the carrier. Each scenario posts 1,000 valid sign-ups, 25 at
// a time, through the whole HTTP stack and a sender working against the
// fake Twilio, and counts what the fake accepted.
func TestSignupAbuse(t *testing.T) {
	t.Parallel()
	defaults := signup.DefaultLimits()
	const posts = 1000
	tests := []struct {
		name   string
		addr   func(i int) string
		number func(i int) string
		// bound is the most texts the limits allow; want is the exact
		// count when it is known.
		bound, want int
		why         string
	}{
		{
			name:   "one address, a new number each time",
			addr:   func(int) string { return "203.0.113.7:40000" },
			number: func(i int) string { return northAmerican(i) },
			bound:  defaults.PerAddress.N, want: defaults.PerAddress.N,
			why: "SIGNUP_LIMIT_PER_IP",
		},
		{
			name:   "one IPv6 /64, a new address and number each time",
			addr:   func(i int) string { return fmt.Sprintf("[2001:db8:1:2:%x::1]:40000", i) },
			number: func(i int) string { return northAmerican(i) },
			bound:  defaults.PerAddress.N, want: defaults.PerAddress.N,
			why: "SIGNUP_LIMIT_PER_IP counts a /64 as one address",
		},
		{
			name: "many addresses, four numbers",
			addr: func(i int) string { return fmt.Sprintf("198.51.%d.%d:40000", i/250, i%250+1) },
			number: func(i int) string {
				return []string{"+12125550131", "+13125550132", "+14165550133", "+12025550134"}[i%4]
			},
			bound: 4, want: 4,
			why: "one YES request per number per 24 hours",
		},
		{
			name:   "many addresses, one exchange (+1 212 555)",
			addr:   func(i int) string { return fmt.Sprintf("198.51.%d.%d:40000", i/250, i%250+1) },
			number: func(i int) string { return fmt.Sprintf("+1212555%04d", i) },
			bound:  defaults.PerPrefix.N, want: defaults.PerPrefix.N,
			why: "SIGNUP_LIMIT_PER_PREFIX",
		},
		{
			name:   "many addresses, many exchanges",
			addr:   func(i int) string { return fmt.Sprintf("198.51.%d.%d:40000", i/250, i%250+1) },
			number: func(i int) string { return northAmerican(i) },
			bound:  defaults.Global.N, want: defaults.Global.N,
			why: "SIGNUP_LIMIT_GLOBAL",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupSignup(t)
			codes := map[int]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			next := make(chan int)
			for range 25 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						rec := b.post(signUp(tt.number(i)), tt.addr(i))
						mu.Lock()
						codes[rec.Code]++
						mu.Unlock()
					}
				}()
			}
			for i := range posts {
				next <- i
			}
			close(next)
			wg.Wait()
			b.settle(t)
			texts := len(b.fake.Requests())
			numbers := map[string]int{}
			for _, r := range b.fake.Requests() {
				numbers[r.To]++
				if r.Body != b.program.Replies.PendingConfirm {
					t.Errorf("a text other than the YES request went out: %q", r.Body)
				}
			}
			t.Logf("%d posts: %d answered 303, %d answered 429, %d other; %d texts sent to %d numbers (limit: %s)",
				posts, codes[http.StatusSeeOther], codes[http.StatusTooManyRequests], posts-codes[http.StatusSeeOther]-codes[http.StatusTooManyRequests],
				texts, len(numbers), tt.why)
			if texts > tt.bound || texts != tt.want {
				t.Errorf("%d texts, want %d (at most %d)", texts, tt.want, tt.bound)
			}
			for n, c := range numbers {
				if c > 1 {
					t.Errorf("%d texts to one number (…%s), want at most 1", c, n[len(n)-4:])
				}
			}
			if codes[http.StatusSeeOther]+codes[http.StatusTooManyRequests] != posts {
				t.Errorf("answers = %v, want only 303 and 429", codes)
			}
		})
	}
}

// northAmerican is a distinct valid number for each i, each in its own
// exchange: +1 212 NXX 0100, then +1 312, +1 416…
func northAmerican(i int) string {
	areas := []string{"212", "312", "416", "202", "310", "617", "415", "503"}
	return fmt.Sprintf("+1%s%03d0100", areas[i/800%len(areas)], 200+i%800)
}
