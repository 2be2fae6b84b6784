package message

import "strings"

// A pattern is a short sequence of slots matched against consecutive tokens
// of one clause. It is written as words separated by spaces:
//
//	WANT|WISH TO DIE     alternatives for one token
//	CORT*                any token starting with CORT (CORTE, CORTARME)
//	_                    any one token
//	~                    up to three tokens, or none
//	$                    the end of the clause
//	^                    the start of the clause (first slot only)
//
// Patterns never match across a clause break.
type pattern []slot

type slot struct {
	words    set
	prefixes []string
	any      bool
	gap      int
	end      bool
}

func compile(p string) pattern {
	var out pattern
	for _, f := range strings.Fields(p) {
		switch f {
		case "_":
			out = append(out, slot{any: true})
		case "~":
			out = append(out, slot{gap: 3})
		case "$":
			out = append(out, slot{end: true})
		case "^":
			out = append(out, slot{end: true, gap: -1})
		default:
			s := slot{words: set{}}
			for _, w := range strings.Split(f, "|") {
				if p, ok := strings.CutSuffix(w, "*"); ok {
					s.prefixes = append(s.prefixes, p)
				} else {
					s.words[w] = true
				}
			}
			out = append(out, s)
		}
	}
	return out
}

func compileAll(ps ...string) []pattern {
	out := make([]pattern, len(ps))
	for i, p := range ps {
		out[i] = compile(p)
	}
	return out
}

func (s slot) matches(t string) bool {
	if t == "" {
		return false
	}
	if s.any || s.words[t] {
		return true
	}
	for _, p := range s.prefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// find returns the index where p first matches in toks, or -1.
func (p pattern) find(toks []string) int {
	for i := range toks {
		if p.matchAt(toks, i, 0) {
			return i
		}
	}
	return -1
}

func (p pattern) matchAt(toks []string, i, k int) bool {
	if k == len(p) {
		return true
	}
	s := p[k]
	if s.end {
		if s.gap < 0 { // ^
			return at(toks, i-1) == "" && p.matchAt(toks, i, k+1)
		}
		return at(toks, i) == "" && p.matchAt(toks, i, k+1)
	}
	if s.gap > 0 {
		for n := 0; n <= s.gap; n++ {
			if n > 0 && at(toks, i+n-1) == "" {
				return false
			}
			if p.matchAt(toks, i+n, k+1) {
				return true
			}
		}
		return false
	}
	if !s.matches(at(toks, i)) {
		return false
	}
	return p.matchAt(toks, i+1, k+1)
}

// ruleSet is a named group of patterns: the name says why a text matched.
// Patterns are indexed by the words their first slot accepts, so a text is
// only tried against the patterns that can start at each of its words.
type ruleSet struct {
	name    string
	byFirst map[string][]pattern
	other   []pattern // first slot is a prefix or any word
}

func rules(name string, ps ...string) ruleSet {
	rs := ruleSet{name: name, byFirst: map[string][]pattern{}}
	for _, p := range compileAll(ps...) {
		first := p[0]
		if first.end && first.gap < 0 && len(p) > 1 { // ^: index on the next slot
			first = p[1]
		}
		if first.any || first.end || first.gap > 0 || len(first.prefixes) > 0 {
			rs.other = append(rs.other, p)
			continue
		}
		for w := range first.words {
			rs.byFirst[w] = append(rs.byFirst[w], p)
		}
	}
	return rs
}

// each calls fn with every position where one of the patterns matches,
// until fn returns true; it reports whether fn did.
func (rs *ruleSet) each(toks []string, fn func(i int) bool) bool {
	for i, t := range toks {
		if t == "" {
			continue
		}
		for _, p := range rs.byFirst[t] {
			if p.matchAt(toks, i, 0) && fn(i) {
				return true
			}
		}
		for _, p := range rs.other {
			if p.matchAt(toks, i, 0) && fn(i) {
				return true
			}
		}
	}
	return false
}

// firstMatch returns the name of the first rule set with a pattern matching
// toks.
func firstMatch(sets []ruleSet, toks []string) string {
	for i := range sets {
		if sets[i].each(toks, func(int) bool { return true }) {
			return sets[i].name
		}
	}
	return ""
}
