package twiliofake

import "unicode/utf16"

// gsm7 is the GSM 03.38 basic character set; gsm7Ext the extension table,
// whose characters take two septets.
const (
	gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "\f^{}\\[~]|€"
)

var gsm7Septets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsm7 {
		m[r] = 1
	}
	for _, r := range gsm7Ext {
		m[r] = 2
	}
	return m
}()

// Segments counts the SMS segments of body as a carrier would: GSM-7, 160
// septets in one segment or 153 per segment when split; any other character
// makes it UCS-2, 70 UTF-16 units or 67 per segment. A character is never
// split across segments.
func Segments(body string) int {
	if body == "" {
		return 0
	}
	gsm := true
	for _, r := range body {
		if gsm7Septets[r] == 0 {
			gsm = false
			break
		}
	}
	if gsm {
		return count(body, 160, 153, func(r rune) int { return gsm7Septets[r] })
	}
	return count(body, 70, 67, func(r rune) int { return utf16.RuneLen(r) })
}

func count(body string, single, part int, size func(rune) int) int {
	total := 0
	for _, r := range body {
		total += size(r)
	}
	if total <= single {
		return 1
	}
	segments, used := 1, 0
	for _, r := range body {
		n := size(r)
		if used+n > part {
			segments++
			used = 0
		}
		used += n
	}
	return segments
}
