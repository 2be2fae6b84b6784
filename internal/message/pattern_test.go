package message

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

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

// TestIndexesFindAll: every index (a rule set, a rule book, an anchored
// set) finds what trying each of its patterns at each position finds, on
// the texts of the corpus and on every pattern's own words, so that an
// index is only ever a faster way to the same answer.
func TestIndexesFindAll(t *testing.T) {
	if len(indexedSets) < 50 || len(books) == 0 || len(anchoredSets) < 5 {
		t.Fatalf("only %d rule sets, %d rule books and %d anchored sets recorded", len(indexedSets), len(books), len(anchoredSets))
	}
	var texts [][]string // each as matched: clauses, each followed by ""
	add := func(body string) {
		clauses, _ := tokenize(body)
		texts = append(texts, joined(clauses))
		for _, c := range clauses {
			texts = append(texts, append(c[:len(c):len(c)], ""))
		}
	}
	// A sample, deterministic: trying every pattern of every index on
	// every text would take minutes.
	for _, name := range []string{"en.jsonl", "es.jsonl", "extra.jsonl"} {
		every := 3
		if name == "extra.jsonl" {
			every = 97
		}
		for i, c := range readCorpus(t, name) {
			if i%every == 0 {
				add(c.Text)
			}
		}
	}
	for i, c := range compiled {
		if i%31 != 0 {
			continue
		}
		// A pattern's own words, wildcards left out: a text it matches or
		// nearly does.
		var words []string
		for _, s := range c.p {
			for w := range s.words {
				words = append(words, w)
				break
			}
		}
		texts = append(texts, append(words, ""))
	}
	linear := func(ps []pattern, toks []string, accept func(int) bool) bool {
		for _, p := range ps {
			for i := range toks {
				if p.matchAt(toks, i, 0) && accept(i) {
					return true
				}
			}
		}
		return false
	}
	always := func(int) bool { return true }
	odd := func(i int) bool { return i%2 == 1 }
	type found struct{ always, odd bool }
	for _, toks := range texts {
		// What every pattern tried finds, per rule set: its first pattern
		// names it.
		want := map[*pattern]found{}
		for _, rs := range indexedSets {
			if len(rs.all) == 0 {
				continue
			}
			w := found{linear(rs.all, toks, always), linear(rs.all, toks, odd)}
			want[&rs.all[0]] = w
			if got := rs.matches(toks); got != w.always {
				t.Errorf("rule set %q (%d patterns) on %q: index says %v, every pattern tried says %v", rs.name, len(rs.all), toks, got, w.always)
			}
			if got := rs.each(toks, odd); got != w.odd {
				t.Errorf("rule set %q on %q at odd positions: index says %v, every pattern tried says %v", rs.name, toks, got, w.odd)
			}
		}
		for _, b := range books {
			for _, odds := range []bool{false, true} {
				accept, first := always, ""
				if odds {
					accept = odd
				}
				for _, rs := range b.sets {
					if w := want[&rs.all[0]]; w.always && !odds || w.odd && odds {
						first = rs.name
						break
					}
				}
				if got := b.first(toks, accept); got != first {
					t.Errorf("rule book on %q (odd positions only: %v): index says %q, every pattern tried says %q", toks, odds, got, first)
				}
			}
		}
		for _, a := range anchoredSets {
			want := false
			for _, p := range a.all {
				want = want || p.matchAt(toks, 0, 0)
			}
			if got := a.match(toks); got != want {
				t.Errorf("anchored set on %q: index says %v, every pattern tried says %v", toks, got, want)
			}
		}
	}
}

// TestCrisisPatternsSkipFillers: crisisIn drops filler words (JUST, SO,
// KINDA) before the crisis rules read a text, so a crisis pattern that
// waits for one can never match, unless it is one form of a group whose
// other form leaves the filler out ("{JUST|} WANT TO DIE").
func TestCrisisPatternsSkipFillers(t *testing.T) {
	src := map[*slot]string{}
	for _, c := range compiled {
		if len(c.p) > 0 {
			src[&c.p[0]] = c.src
		}
	}
	key := func(p pattern) string {
		var b strings.Builder
		for _, s := range p {
			var ws []string
			for w := range s.words {
				ws = append(ws, w)
			}
			slices.Sort(ws)
			fmt.Fprintf(&b, "%v|%v|%v|%v|%d|%v;", ws, s.prefixes, s.any, s.name, s.gap, s.end)
		}
		return b.String()
	}
	for _, rs := range crisisSets {
		have := map[string]bool{}
		for _, p := range rs.all {
			have[key(p)] = true
		}
		for _, p := range rs.all {
			var live pattern // p without its filler slots
			dead := false
			for _, s := range p {
				filler := len(s.words) > 0 && len(s.prefixes) == 0
				for w := range s.words {
					filler = filler && crisisFillers[w]
				}
				if filler {
					dead = true
				} else {
					live = append(live, s)
				}
			}
			if dead && !have[key(live)] {
				t.Errorf("%s: %q waits for a filler crisisIn drops, and no form of it leaves the filler out", rs.name, strings.Join(strings.Fields(src[&p[0]]), " "))
			}
		}
	}
}
