package message

import (
	"strings"
	"testing"
)

// optOutWords are the whole-body opt-out keywords, Twilio's and ours.
var optOutWords = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT"}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"STOP", "stop please", "I can't stop using", "I want to die", "", " ", "\xff",
		"take me off this list", "Don\u2019t text me", "OD'd", "wrong #", "STOP \U0001F6D1", "no más",
		"stop :)", "end it", "stop using this number", "arrêt", "my wife reads my phone stop",
		"ＳＴＯＰ", "ｓｔｏｐ please", "S\u200bTOP", "stop\u00a0texting me", "st\u00adop", "stpo", "s t o p",
		"stoooop", "unsubscibe", "BAJA", "dejen de mandarme mensajes", "me quiero morir", "ＯＤ",
		"e\u0301\u0301\u0301", "\ufeffSTOP", "\u3000stop\u3000"} {
		f.Add(s, "", uint8(0), "", "")
	}
	f.Add("anything", "STOP", uint8(3), " .", "!!")
	f.Add("x", "help", uint8(8), "\t\"", "?)")

	f.Fuzz(func(t *testing.T, body, optOutType string, kw uint8, prefix, suffix string) {
		// Never panics, on anything.
		c := Classify(body, optOutType, []string{body, "JOIN"})
		switch c.Class {
		case ClassOptOut, ClassOptIn, ClassHelp, ClassJoin, ClassCrisis, ClassOther:
		default:
			t.Fatalf("Classify(%q, %q) = unknown class %q", body, optOutType, c.Class)
		}
		if c.AlsoOptOut && c.Class != ClassCrisis {
			t.Errorf("Classify(%q) = %+v: AlsoOptOut outside a crisis", body, c)
		}

		// Normalize is idempotent.
		n := Normalize(body)
		if nn := Normalize(n); nn != n {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", body, nn, n)
		}
		// Classification depends on the normalised body only for keywords
		// sent as one word; the class holds for any such body.
		if k, ok := twilioKeywords[n]; ok && optOutType == "" {
			want := Classify(n, "", nil)
			if len(strings.Fields(body)) != 1 {
				want = Classification{Class: k}
			}
			if verdict(c) != verdict(want) {
				t.Errorf("Classify(%q) = %+v, want %+v", body, c, want)
			}
		}
		// Twilio acts on one word only.
		if optOutType == "" && c.CarrierHandled && len(strings.Fields(body)) != 1 {
			t.Errorf("Classify(%q) = %+v: carrier handled but not one word", body, c)
		}
		// The recorded keyword tells again whether the carrier acted
		// (internal/signup reclassifies it).
		if optOutType == "" && c.Keyword != "" {
			if again := Classify(c.Keyword, "", nil); again.CarrierHandled != c.CarrierHandled {
				t.Errorf("Classify(%q) = %+v, but its Keyword classifies as %+v", body, c, again)
			}
		}

		// A whole-body opt-out keyword, in any case, surrounded by spaces
		// and punctuation, is always an opt-out.
		word := optOutWords[int(kw)%len(optOutWords)]
		var mixed strings.Builder
		for i, r := range word {
			if (uint(i)+uint(kw))%2 == 0 {
				mixed.WriteString(strings.ToLower(string(r)))
			} else {
				mixed.WriteRune(r)
			}
		}
		wrapped := only(prefix, " \t\n.,!?;:'\"()-*~") + mixed.String() + only(suffix, " \t\n.,!?;:'\"()-*~")
		if got := Classify(wrapped, "", nil); got.Class != ClassOptOut {
			t.Errorf("Classify(%q) = %+v, want class %s", wrapped, got, ClassOptOut)
		}
	})
}

// only keeps the runes of s that are in allowed.
func only(s, allowed string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(allowed, r) {
			return r
		}
		return -1
	}, s)
}

func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "a", strings.Repeat("a", 161), strings.Repeat("€", 81), "\U0001F600", "Don\u2019t", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		n, enc := Segments(body)
		if n < 1 {
			t.Fatalf("Segments(%q) = %d, want at least 1", body, n)
		}
		if (enc == GSM7) != (len(NonGSM(body)) == 0) {
			t.Fatalf("Segments(%q) encoding %s disagrees with NonGSM %q", body, enc, NonGSM(body))
		}
		if enc != GSM7 && enc != UCS2 {
			t.Fatalf("Segments(%q) encoding %q", body, enc)
		}
		units, single, part, widest := 0, ucsSingle, ucsPart, 2
		if enc == GSM7 {
			single, part = gsmSingle, gsmPart
			for _, r := range body {
				units += gsmSeptets[r]
			}
		} else {
			for _, r := range body {
				units += utf16Units(r)
			}
		}
		if units <= single {
			if n != 1 {
				t.Errorf("Segments(%q) = %d for %d units, want 1", body, n, units)
			}
			return
		}
		// Split: at least ceil(units/part); at most one unit wasted per
		// segment boundary, since no character is wider than two.
		if lo := (units + part - 1) / part; n < lo {
			t.Errorf("Segments(%q) = %d for %d units, want at least %d", body, n, units, lo)
		}
		if hi := (units + part - widest) / (part - widest + 1); n > hi {
			t.Errorf("Segments(%q) = %d for %d units, want at most %d", body, n, units, hi)
		}
		// Appending never makes a message cheaper.
		if m, _ := Segments(body + "a"); m < n {
			t.Errorf("Segments(%q+\"a\") = %d < Segments(%q) = %d", body, m, body, n)
		}
	})
}
