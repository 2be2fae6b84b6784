package message

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldChain takes a text to the form the rules read: compatibility forms
// unfolded (NFKD: ＳＴＯＰ → STOP, ﬁ → fi), accents dropped (más → mas,
// arrêt → arret), then recomposed.
// A chain keeps state while it runs, so each caller takes its own.
var foldChains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// fold prepares a text for matching, never for display or keywords recorded
// as sent: Unicode compatibility forms are unfolded and accents dropped,
// format characters (zero-width spaces and joiners, soft hyphens, byte order
// marks) removed, and every other kind of space (no-break, ideographic)
// turned into a plain one. Plain ASCII, the usual case, is returned as is.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		case r != '\n' && unicode.IsSpace(r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	t := foldChains.Get().(transform.Transformer)
	defer foldChains.Put(t)
	if out, _, err := transform.String(t, s); err == nil {
		return out
	}
	return s
}
