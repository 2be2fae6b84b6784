package message

import (
	"slices"
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		wantN   int
		wantEnc Encoding
	}{
		{"empty", "", 1, GSM7},
		{"short", "Reply STOP to opt out", 1, GSM7},
		{"160 GSM", strings.Repeat("a", 160), 1, GSM7},
		{"161 GSM", strings.Repeat("a", 161), 2, GSM7},
		{"306 GSM", strings.Repeat("a", 306), 2, GSM7},
		{"307 GSM", strings.Repeat("a", 307), 3, GSM7},
		{"459 GSM", strings.Repeat("a", 459), 3, GSM7},
		{"460 GSM", strings.Repeat("a", 460), 4, GSM7},
		{"one non-GSM accent", "Ça coûte £5 à Δ", 1, UCS2}, // û is not GSM-7
		{"GSM basic specials", "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", 1, GSM7},
		{"80 extension chars = 160 septets", strings.Repeat("€", 80), 1, GSM7},
		{"81 extension chars = 162 septets", strings.Repeat("{", 81), 2, GSM7},
		{"159 plain + 1 extension", strings.Repeat("a", 159) + "^", 2, GSM7},
		{"158 plain + 1 extension", strings.Repeat("a", 158) + "|", 1, GSM7},
		// 152 septets then an escape pair: the pair cannot straddle the
		// boundary, so it moves to segment 2 (153 would fit otherwise).
		{"escape not split", strings.Repeat("a", 152) + "[" + strings.Repeat("a", 152), 3, GSM7},
		{"escape fits exactly", strings.Repeat("a", 151) + "]" + strings.Repeat("a", 153), 2, GSM7},
		{"every extension char", "\f^{}\\[~]|€", 1, GSM7},
		{"70 UCS-2", strings.Repeat("ж", 70), 1, UCS2},
		{"71 UCS-2", strings.Repeat("ж", 71), 2, UCS2},
		{"134 UCS-2", strings.Repeat("ж", 134), 2, UCS2},
		{"135 UCS-2", strings.Repeat("ж", 135), 3, UCS2},
		{"curly quote flips", "Don\u2019t " + strings.Repeat("a", 70), 2, UCS2},
		{"en dash flips", "8:00\u201320:00", 1, UCS2},
		{"one emoji flips", strings.Repeat("a", 69) + "\U0001F600", 2, UCS2}, // 69 + 2 units = 71
		{"emoji fits", strings.Repeat("a", 68) + "\U0001F600", 1, UCS2},
		// 66 units then a surrogate pair: the pair cannot straddle the
		// boundary at 67.
		{"surrogate not split", strings.Repeat("a", 66) + "\U0001F600" + strings.Repeat("a", 66), 3, UCS2},
		{"surrogate fits exactly", strings.Repeat("a", 65) + "\U0001F600" + strings.Repeat("a", 67), 2, UCS2},
		{"ESC itself is not text", "\x1b", 1, UCS2},
		{"invalid UTF-8", "\xff", 1, UCS2},
		{"lowercase c cedilla is not GSM", "ç", 1, UCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, enc := Segments(tt.body)
			if n != tt.wantN || enc != tt.wantEnc {
				t.Errorf("Segments(%q) = %d, %s, want %d, %s", tt.body, n, enc, tt.wantN, tt.wantEnc)
			}
		})
	}
}

func TestNonGSM(t *testing.T) {
	t.Parallel()
	got := NonGSM("Don\u2019t \u2013 \u2019 ok € \U0001F600")
	want := []rune{'\u2019', '\u2013', '\U0001F600'}
	if !slices.Equal(got, want) {
		t.Errorf("NonGSM = %q, want %q", got, want)
	}
	if got := NonGSM("plain {GSM} text"); got != nil {
		t.Errorf("NonGSM(plain) = %q, want nil", got)
	}
}
