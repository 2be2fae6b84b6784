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
//	@NAME                a person's first name (names.go)
//
// Patterns never match across a clause break.
type pattern []slot

type slot struct {
	words    set
	one      string // the only word of words, compared without a lookup
	prefixes []string
	any      bool
	name     bool
	gap      int
	end      bool
}

// indexedSets, books and anchoredSets are every index the package built,
// so that a test can check that each finds what trying every pattern at
// every position finds (TestIndexesFindAll).
var (
	indexedSets  []ruleSet
	books        []*ruleBook
	anchoredSets []anchoredSet
)

// compiled is every pattern the package compiled, with its source, so
// that a test can check each can match a text (TestPatternsCanMatch).
var compiled []compiledPattern

type compiledPattern struct {
	src string
	p   pattern
}

// compile builds the pattern p, whose words canonical has already written
// as fields.
func compile(p string, fields []string) pattern {
	out := compileFields(p, fields)
	compiled = append(compiled, compiledPattern{p, out})
	return out
}

func compileFields(p string, fields []string) pattern {
	var out pattern
	for _, f := range fields {
		switch f {
		case "_":
			out = append(out, slot{any: true})
		case "~":
			out = append(out, slot{gap: 3})
		case "$":
			out = append(out, slot{end: true})
		case "^":
			out = append(out, slot{end: true, gap: -1})
		case "@NAME":
			out = append(out, slot{name: true})
		default:
			s := slot{words: set{}}
			for _, w := range strings.Split(f, "|") {
				if w == "" || strings.ContainsAny(w, "$^~_@") {
					// "ANYMORE|$" would wait for a token "$", which no
					// text has: the end is a slot of its own.
					panic("message: pattern " + p + ": " + f + " mixes words with a marker or an empty word")
				}
				if p, ok := strings.CutSuffix(w, "*"); ok {
					s.prefixes = append(s.prefixes, p)
				} else {
					s.words[w] = true
				}
			}
			if len(s.words) == 1 && len(s.prefixes) == 0 {
				for w := range s.words {
					s.one = w
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// canonical writes a pattern's words as tokenize writes a text's, so that
// a pattern written "{YOU|U} DID NOT" waits for the tokens YOU DIDNT, which
// is what "u did not" becomes: U → YOU, PLS → PLEASE, WANNA → WANT TO, DID
// NOT → DIDNT (spellings and pairs, tokens.go).
func canonical(fields []string) []string {
	var out []string
	for _, f := range fields {
		switch {
		case strings.ContainsAny(f, "*~_$^@") && !strings.Contains(f, "|"):
			out = append(out, f)
		case strings.Contains(f, "|"):
			alts := strings.Split(f, "|")
			for i, a := range alts {
				if s, ok := spellings[a]; ok && len(s) == 1 && a != "2" {
					alts[i] = s[0]
				}
			}
			out = append(out, strings.Join(alts, "|"))
		default:
			if s, ok := spellings[f]; ok && f != "2" {
				// Not 2 (TO in a text): in a pattern it is a count.
				out = append(out, s...)
			} else {
				out = append(out, f)
			}
		}
	}
	return foldPairs(out)
}

func compileAll(ps ...string) []pattern {
	out := make([]pattern, 0, len(ps))
	seen := map[string]bool{}
	for _, p := range ps {
		for _, e := range expand(p) {
			// Spellings make some written forms one: DO NOT and DONT, U and
			// YOU. Each is compiled and tried once.
			fields := canonical(strings.Fields(e))
			if k := strings.Join(fields, " "); !seen[k] {
				seen[k] = true
				out = append(out, compile(e, fields))
			}
		}
	}
	return out
}

// splitDead writes out, one pattern each, the alternatives of a slot that
// tokenize never leaves as one token beside its neighbours: GOTTA (GOT TO
// in a text) in "TEXTS ~ GOTTA|HAFTA GO", ARE in "ARE|IS NOT WANTED" (ARENT
// in a text). It returns nil when there are none.
func splitDead(p string) []string {
	if strings.ContainsAny(p, "{}") {
		return nil // groups first (expand)
	}
	fields := strings.Fields(p)
	plain := func(f string) bool { return f != "" && !strings.ContainsAny(f, "{}|*~_$^@") }
	for i, f := range fields {
		if !strings.Contains(f, "|") || strings.ContainsAny(f, "{}*~_$^@") {
			continue
		}
		alts := strings.Split(f, "|")
		dead := false
		for _, a := range alts {
			one := a
			if sp, ok := spellings[a]; ok {
				if len(sp) > 1 {
					dead = true
					break
				}
				one = sp[0]
			}
			if i+1 < len(fields) && plain(fields[i+1]) {
				if _, ok := pairs[[2]string{one, fields[i+1]}]; ok {
					dead = true
				}
			}
			if i > 0 && plain(fields[i-1]) {
				if _, ok := pairs[[2]string{fields[i-1], one}]; ok {
					dead = true
				}
			}
		}
		if !dead {
			continue
		}
		var out []string
		for _, a := range alts {
			w := a
			if sp, ok := spellings[a]; ok && a != "2" {
				w = strings.Join(sp, " ")
			}
			out = append(out, strings.Join(append(append(append([]string{}, fields[:i]...), w), fields[i+1:]...), " "))
		}
		return out
	}
	return nil
}

func (s *slot) matches(t string) bool {
	if t == "" {
		return false
	}
	if s.one != "" {
		return t == s.one
	}
	if s.any || s.words[t] {
		return true
	}
	if s.name {
		return firstNames[t]
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
	s := &p[k]
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

// matchIndexed is matchAt(toks, i, 0) for a pattern found in a byFirst
// index under toks[i]: the slot it was indexed on (the first, or the one
// after ^) already holds toks[i], so matching resumes after it.
func (p pattern) matchIndexed(toks []string, i int) bool { return p.resume(toks, i, 1) }

// matchAfterTwo is matchIndexed for a pattern found in a firstWord's byNext
// index under toks[i] and toks[i+1]: both slots already hold, so matching
// resumes after them.
func (p pattern) matchAfterTwo(toks []string, i int) bool { return p.resume(toks, i, 2) }

// resume matches p at i when its n slots from the one indexed on are known
// to hold toks[i:i+n].
func (p pattern) resume(toks []string, i, n int) bool {
	k := nextSlot(p) - 1 // the slot indexed on: 1 after ^
	if k == 1 && at(toks, i-1) != "" {
		return false
	}
	return p.matchAt(toks, i+n, k+n)
}

// ruleSet is a named group of patterns: the name says why a text matched.
// Patterns are indexed by the words their first slot accepts, so a text is
// only tried against the patterns that can start at each of its words.
type ruleSet struct {
	name     string
	all      []pattern // every pattern, for asking where one matches
	byFirst  map[string][]pattern
	byPrefix map[string][]pattern // first slot is prefixes of three letters or more, by those three letters
	other    []pattern            // first slot is a short prefix or any word
}

func rules(name string, ps ...string) ruleSet { return indexed(name, compileAll(ps...)) }

// indexed is the rule set of compiled patterns.
func indexed(name string, ps []pattern) ruleSet {
	rs := ruleSet{name: name, all: ps, byFirst: map[string][]pattern{}, byPrefix: map[string][]pattern{}}
	defer func() { indexedSets = append(indexedSets, rs) }()
	for _, p := range ps {
		first := p[0]
		if first.end && first.gap < 0 && len(p) > 1 { // ^: index on the next slot
			first = p[1]
		}
		if first.any || first.name || first.end || first.gap > 0 {
			rs.other = append(rs.other, p)
			continue
		}
		if len(first.prefixes) > 0 {
			short := false
			for _, x := range first.prefixes {
				short = short || len(x) < 3
			}
			if short {
				rs.other = append(rs.other, p)
				continue
			}
			keys := map[string]bool{}
			for _, x := range first.prefixes {
				keys[x[:3]] = true
			}
			for w := range first.words {
				if len(w) >= 3 {
					keys[w[:3]] = true
				} else {
					rs.byFirst[w] = append(rs.byFirst[w], p)
				}
			}
			for k := range keys {
				rs.byPrefix[k] = append(rs.byPrefix[k], p)
			}
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
			if p.matchIndexed(toks, i) && fn(i) {
				return true
			}
		}
		if len(t) >= 3 && len(rs.byPrefix) > 0 {
			for _, p := range rs.byPrefix[t[:3]] {
				if p.matchAt(toks, i, 0) && fn(i) {
					return true
				}
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

// matches reports whether one of the patterns matches toks.
func (rs *ruleSet) matches(toks []string) bool {
	return rs.each(toks, func(int) bool { return true })
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

// expand writes out the groups of a pattern, {GO ON|KEEP GOING|ANYMORE $},
// whose alternatives may be several slots long (or empty: {|PLEASE}): one
// pattern per choice.
func expand(p string) []string {
	if parts := splitDead(p); parts != nil {
		var out []string
		for _, part := range parts {
			out = append(out, expand(part)...)
		}
		return out
	}
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	end := strings.IndexByte(p[open:], '}')
	if end < 0 {
		return []string{p}
	}
	end += open
	alts := strings.Split(p[open+1:end], "|")
	if oneWordEach(alts) {
		// {TEXTS|MESSAGES}: one slot of alternatives, TEXTS|MESSAGES, not
		// a pattern for each (the same matches, far fewer patterns to try).
		return expand(p[:open] + " " + strings.Join(alts, "|") + " " + p[end+1:])
	}
	var out []string
	for _, alt := range alts {
		out = append(out, expand(p[:open]+" "+alt+" "+p[end+1:])...)
	}
	return out
}

// oneWordEach: every alternative is one word, none empty or a marker.
func oneWordEach(alts []string) bool {
	for _, a := range alts {
		if a == "" || strings.ContainsAny(a, " $^~_@") {
			return false
		}
	}
	return true
}

// wideRules is rules with groups (expand).
func wideRules(name string, ps ...string) ruleSet {
	var all []string
	for _, p := range ps {
		all = append(all, expand(p)...)
	}
	return rules(name, all...)
}

// anyOf is patterns asked only whether one of them matches (anyMatch),
// indexed as a rule set's are; anyOfWide, with groups (expand).
func anyOf(ps ...string) ruleSet { return indexed("", compileAll(ps...)) }

func anyOfWide(ps ...string) ruleSet { return indexed("", compileWide(ps...)) }

// compileWide is compileAll with groups (expand).
func compileWide(ps ...string) []pattern {
	var all []string
	for _, p := range ps {
		all = append(all, expand(p)...)
	}
	return compileAll(all...)
}

// ruleBook is rule sets in order of precedence, indexed together so that a
// text is read once for all of them.
type ruleBook struct {
	sets     []ruleSet
	byFirst  map[string]*firstWord
	byPrefix map[string][]bookEntry
	other    []bookEntry
}

type bookEntry struct {
	set int
	p   pattern
}

// firstWord is the patterns a word can begin, indexed again by the words
// their next slot accepts when it is a slot of plain words: a common first
// word (HOW, NO, THESE) begins hundreds of patterns, and most of them wait
// for a next word the text does not have.
type firstWord struct {
	byNext map[string][]bookEntry
	rest   []bookEntry // next slot is not plain words, or there is none
}

// nextSlot is the index of the slot after the one a pattern is indexed on:
// the first, or the one after ^.
func nextSlot(p pattern) int {
	if p[0].end && p[0].gap < 0 {
		return 2
	}
	return 1
}

func (f *firstWord) add(e bookEntry) {
	k := nextSlot(e.p)
	if k >= len(e.p) {
		f.rest = append(f.rest, e)
		return
	}
	s := e.p[k]
	if len(s.words) == 0 || len(s.prefixes) > 0 || s.any || s.name || s.end || s.gap != 0 {
		f.rest = append(f.rest, e)
		return
	}
	if f.byNext == nil {
		f.byNext = map[string][]bookEntry{}
	}
	for w := range s.words {
		f.byNext[w] = append(f.byNext[w], e)
	}
}

func newRuleBook(sets ...ruleSet) *ruleBook {
	b := &ruleBook{sets: sets, byFirst: map[string]*firstWord{}, byPrefix: map[string][]bookEntry{}}
	books = append(books, b)
	for k, rs := range sets {
		for w, ps := range rs.byFirst {
			f := b.byFirst[w]
			if f == nil {
				f = &firstWord{}
				b.byFirst[w] = f
			}
			for _, p := range ps {
				f.add(bookEntry{k, p})
			}
		}
		for w, ps := range rs.byPrefix {
			for _, p := range ps {
				b.byPrefix[w] = append(b.byPrefix[w], bookEntry{k, p})
			}
		}
		for _, p := range rs.other {
			b.other = append(b.other, bookEntry{k, p})
		}
	}
	return b
}

// first returns the name of the first rule set with a pattern matching toks
// at a position accept allows, or "".
func (b *ruleBook) first(toks []string, accept func(i int) bool) string {
	best := len(b.sets)
	try := func(es []bookEntry, i int) {
		for _, e := range es {
			if e.set < best && e.p.matchAt(toks, i, 0) && accept(i) {
				best = e.set
			}
		}
	}
	for i, t := range toks {
		if t == "" {
			continue
		}
		if f := b.byFirst[t]; f != nil {
			for _, e := range f.rest {
				if e.set < best && e.p.matchIndexed(toks, i) && accept(i) {
					best = e.set
				}
			}
			if next := at(toks, i+1); next != "" && f.byNext != nil {
				for _, e := range f.byNext[next] {
					// The slot indexed and the next hold toks[i] and next.
					if e.set < best && e.p.matchAfterTwo(toks, i) && accept(i) {
						best = e.set
					}
				}
			}
		}
		if len(t) >= 3 {
			try(b.byPrefix[t[:3]], i)
		}
		try(b.other, i)
	}
	if best == len(b.sets) {
		return ""
	}
	return b.sets[best].name
}

// anchoredSet is patterns that each match a whole clause from its start
// ("^ NO THANKS $"), indexed by the words of their first slot, and again by
// those of their next (as a ruleBook's are), so that a clause is tried only
// against the patterns that can begin it: hundreds begin with I or NO.
type anchoredSet struct {
	all     []pattern
	byFirst map[string]*firstWord
	other   []pattern
}

func anchored(ps ...string) anchoredSet {
	a := anchoredSet{all: compileWide(ps...), byFirst: map[string]*firstWord{}}
	defer func() { anchoredSets = append(anchoredSets, a) }()
	for _, p := range a.all {
		first := p[0]
		if first.end && first.gap < 0 && len(p) > 1 {
			first = p[1]
		}
		if len(first.words) == 0 || len(first.prefixes) > 0 || first.any || first.name {
			a.other = append(a.other, p)
			continue
		}
		for w := range first.words {
			f := a.byFirst[w]
			if f == nil {
				f = &firstWord{}
				a.byFirst[w] = f
			}
			f.add(bookEntry{p: p})
		}
	}
	return a
}

// whole: a pattern matches the clause c, as written, from its first token
// to its end.
func (a anchoredSet) whole(c []string) bool {
	return a.match(append(c[:len(c):len(c)], ""))
}

// match: a pattern matches c (a clause ending in "") from its first token.
func (a anchoredSet) match(c []string) bool {
	if f := a.byFirst[at(c, 0)]; f != nil {
		for _, e := range f.rest {
			if e.p.matchIndexed(c, 0) {
				return true
			}
		}
		if next := at(c, 1); next != "" && f.byNext != nil {
			for _, e := range f.byNext[next] {
				if e.p.matchAfterTwo(c, 0) {
					return true
				}
			}
		}
	}
	for _, p := range a.other {
		if p.matchAt(c, 0, 0) {
			return true
		}
	}
	return false
}
