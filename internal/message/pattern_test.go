package message

import "testing"

// Every pattern can match some text: no slot waits only for words tokenize
// never leaves as they are (U is YOU, GOTTA is GOT TO, a 2 is TO), and no
// two slots wait only for words tokenize joins (DID NOT is DIDNT, ARE NOT is
// ARENT). Such a pattern looks like a rule and reads nothing.
func TestPatternsCanMatch(t *testing.T) {
	if len(compiled) < 1000 {
		t.Fatalf("only %d patterns recorded", len(compiled))
	}
	unreachable := func(w string) bool {
		if w == "2" {
			return true
		}
		sp, ok := spellings[w]
		return ok && !(len(sp) == 1 && sp[0] == w)
	}
	for _, c := range compiled {
		for i, s := range c.p {
			if len(s.words) == 0 || len(s.prefixes) > 0 || s.name || s.any {
				continue
			}
			live := false
			for w := range s.words {
				if !unreachable(w) {
					live = true
				}
			}
			if !live {
				t.Errorf("pattern %q: slot %d can never match (its words are spelt otherwise in a text)", c.src, i)
			}
			if i+1 < len(c.p) && len(c.p[i+1].words) > 0 && len(c.p[i+1].prefixes) == 0 && !c.p[i+1].name && !c.p[i+1].any {
				// The words after, when a slot holds one, as tokenize sees
				// them: STOP ALL stays two tokens before OF IT.
				after := func(k int) string {
					if k < len(c.p) && len(c.p[k].words) == 1 {
						for w := range c.p[k].words {
							return w
						}
					}
					return "?"
				}
				joined := true
				for a := range s.words {
					for b := range c.p[i+1].words {
						if f := foldPairs([]string{a, b, after(i + 2), after(i + 3)}); f[0] == a {
							joined = false // a and b stay two tokens
						}
					}
				}
				if joined {
					t.Errorf("pattern %q: slots %d and %d can never match (a text has their words as one token)", c.src, i, i+1)
				}
			}
		}
	}
}
