package devphone

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Phone numbers in a message are kept whole, whatever their writing.
func TestParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want []Part
	}{
		{"Call 1-800-662-4357, 24/7.", []Part{{Text: "Call "}, {Text: "1-800-662-4357", Number: true}, {Text: ", 24/7."}}},
		{"(212) 555-0123", []Part{{Text: "(212) 555-0123", Number: true}}},
		{"Text +12125550100 or 988", []Part{{Text: "Text "}, {Text: "+12125550100", Number: true}, {Text: " or 988"}}},
		{"Up to 3 msgs/day", []Part{{Text: "Up to 3 msgs/day"}}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := parts(tt.body); !slices.Equal(got, tt.want) {
			t.Errorf("parts(%q) = %+v, want %+v", tt.body, got, tt.want)
		}
	}
}

// The page shows the notice and keeps numbers in bubbles on one line.
func TestPage(t *testing.T) {
	t.Parallel()
	p, err := New(Config{ServiceNumber: "+12125550199", Notice: func(_ context.Context, number string) string {
		if number != "+12125550100" {
			return ""
		}
		return "Next message held for the send window until 08:00"
	}})
	if err != nil {
		t.Fatal(err)
	}
	p.Deliver("+12125550100", "Call us at 1-800-662-4357 any time.")
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	get := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	page := get("/phone")
	for _, want := range []string{`<span class="num">1-800-662-4357</span>`, `role="status">Next message held for the send window until 08:00</p>`, ".num { white-space: nowrap"} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /dev/phone lacks %q", want)
		}
	}
	if got := get("/phone/notice"); !strings.Contains(got, `"notice":"Next message held`) {
		t.Errorf("GET /dev/phone/notice = %s", got)
	}
}
