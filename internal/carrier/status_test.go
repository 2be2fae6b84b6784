package carrier_test

import (
	"testing"

	"textsupport/internal/carrier"
)

func TestIsFinal(t *testing.T) {
	t.Parallel()
	final := []string{"delivered", "undelivered", "failed", "canceled", "partially_delivered", "read"}
	notFinal := []string{"accepted", "scheduled", "queued", "sending", "sent", "receiving", "received", "", "Delivered", "bogus"}
	for _, s := range final {
		if !carrier.IsFinal(s) {
			t.Errorf("IsFinal(%q) = false, want true", s)
		}
	}
	for _, s := range notFinal {
		if carrier.IsFinal(s) {
			t.Errorf("IsFinal(%q) = true, want false", s)
		}
	}
}

func TestStatusRank(t *testing.T) {
	t.Parallel()
	// Each group outranks every earlier one; within a group ranks are equal.
	order := [][]string{
		{"bogus", "", "received"},
		{"accepted", "scheduled"},
		{"queued"},
		{"sending"},
		{"sent"},
		{"delivered", "undelivered", "failed", "canceled", "partially_delivered"},
		{"read"},
	}
	for i, group := range order {
		for _, a := range group {
			for _, b := range group {
				if carrier.StatusRank(a) != carrier.StatusRank(b) {
					t.Errorf("StatusRank(%q) = %d, StatusRank(%q) = %d, want equal", a, carrier.StatusRank(a), b, carrier.StatusRank(b))
				}
			}
			for _, earlier := range order[:i] {
				for _, b := range earlier {
					if carrier.StatusRank(a) <= carrier.StatusRank(b) {
						t.Errorf("StatusRank(%q) = %d, want above StatusRank(%q) = %d", a, carrier.StatusRank(a), b, carrier.StatusRank(b))
					}
				}
			}
		}
	}
	// The property callers rely on: no callback moves a final status back.
	for _, final := range []string{"delivered", "undelivered", "failed", "canceled"} {
		for _, late := range []string{"accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed"} {
			if carrier.StatusRank(late) > carrier.StatusRank(final) {
				t.Errorf("a late %q would replace final %q", late, final)
			}
		}
	}
}

func TestCallbackEffect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		want carrier.Effect
	}{
		{0, carrier.EffectNone},
		{30001, carrier.EffectNone},
		{30003, carrier.EffectNone},
		{30007, carrier.EffectNone},
		{30008, carrier.EffectNone},
		{30004, carrier.EffectInvalid},
		{30005, carrier.EffectInvalid},
		{30006, carrier.EffectInvalid},
		{21211, carrier.EffectInvalid},
		{21614, carrier.EffectInvalid},
		{21610, carrier.EffectOptedOut},
	}
	for _, tt := range tests {
		if got := carrier.CallbackEffect(tt.code); got != tt.want {
			t.Errorf("CallbackEffect(%d) = %v, want %v", tt.code, got, tt.want)
		}
	}
}
