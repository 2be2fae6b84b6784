package message

import "unicode/utf8"

// Encoding is how a message travels: GSM-7 when every character is in the
// GSM 03.38 default alphabet or its extension table, else UCS-2.
type Encoding string

const (
	GSM7 Encoding = "GSM-7"
	UCS2 Encoding = "UCS-2"
)

// Segment sizes (3GPP TS 23.038/23.040): a split message loses room to the
// user data header that ties its parts together.
const (
	gsmSingle = 160 // septets
	gsmPart   = 153
	ucsSingle = 70 // UTF-16 code units
	ucsPart   = 67
)

// gsmBasic is the GSM 03.38 default alphabet (one septet each). ESC (0x1B)
// is left out: it only introduces an extension character.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension characters take an escape and a septet: two each.
const gsmExtension = "\f^{}\\[~]|€"

var gsmSeptets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Segments returns how many SMS segments body takes and its encoding. GSM-7:
// 160 septets in one segment, 153 per segment when split; extension
// characters count two septets and are never split from their escape. Any
// other character makes the whole message UCS-2: 70 code units in one
// segment, 67 per segment when split, counted in UTF-16 (an emoji is two) and
// never splitting a surrogate pair. An empty body is one segment: the carrier
// charges for it.
func Segments(body string) (n int, enc Encoding) {
	enc = GSM7
	for _, r := range body {
		if gsmSeptets[r] == 0 {
			enc = UCS2
			break
		}
	}
	single, part := gsmSingle, gsmPart
	width := func(r rune) int { return gsmSeptets[r] }
	if enc == UCS2 {
		single, part = ucsSingle, ucsPart
		width = utf16Units
	}

	total := 0
	for _, r := range body {
		total += width(r)
	}
	if total <= single {
		return 1, enc
	}
	n, used := 1, 0
	for _, r := range body {
		w := width(r)
		if used+w > part {
			n++
			used = 0
		}
		used += w
	}
	return n, enc
}

// NonGSM returns, once each and in order of appearance, the characters of
// body that force UCS-2: what to replace to make a message cheaper.
func NonGSM(body string) []rune {
	var out []rune
	seen := map[rune]bool{}
	for _, r := range body {
		if gsmSeptets[r] == 0 && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// utf16Units is how many UTF-16 code units r takes. Invalid UTF-8 decodes as
// U+FFFD, which is what the carrier would be sent.
func utf16Units(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// GSMAlphabet returns the characters GSM-7 carries: one septet each
// (basic) and two each (extension), for a page that counts segments as
// someone types, the same way Segments does.
func GSMAlphabet() (basic, extension string) { return gsmBasic, gsmExtension }
