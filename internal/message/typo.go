package message

import "strings"

// Typing mistakes in the words that matter most. A long key word (five
// letters or more) is recognised at one edit (a letter added, dropped,
// changed, or two neighbours swapped: unsubscibe, cancle, cancell, narcn),
// ten letters or more at two. Short words are riskier: STEP, SHOP and SPOT
// are words of their own. So a four-letter key word is recognised only with
// two neighbours swapped (stpo, sotp) or one letter hit on a neighbouring
// key (stoo, atop, stip), or B and V swapped in Spanish (vaja), and only
// when it is the whole text (see bareOptOut).

// longTargets are recognised anywhere in a text.
var longTargets = []string{
	"UNSUBSCRIBE", "CANCEL", "STOPALL", "REVOKE", "OPTOUT",
	"CANCELAR", "DESUSCRIBIR", "DESUSCRIBIRME",
	"SUICIDE", "SUICIDAL", "OVERDOSE", "OVERDOSED", "OVERDOSING", "UNRESPONSIVE",
	"NALOXONE", "NARCAN", "NALOXONA", "SOBREDOSIS", "SUICIDARME", "MATARME", "MORIRME",
}

// realWords are words of their own within one edit of a target.
var realWords = newSet("CANCER", "CANCELS", "CANCELED", "REVOKED", "REVOKES", "OVERDOES",
	"OVERDOSES", "SUICIDES", "MATARTE", "MATARLE", "MATARLO", "MATARLA", "MORIRSE", "MORIRTE",
	"CANCELA", "CANCELO", "CANCELE", "CANCELAN", "CANCELEN", "CARCEL", "RESUBSCRIBE",
	// "subscribe me" asks for the texts: two letters from UNSUBSCRIBE.
	"SUBSCRIBE", "SUBSCRIBED", "SUBSCRIBES", "SUBSCRIBING", "SUBSCRIBER", "RESUBSCRIBED")

// shortTargets are recognised only as the whole text.
var shortTargets = []string{"STOP", "QUIT", "BAJA", "ALTO"}

var shortRealWords = newSet("STEP", "SHOP", "SPOT", "SLOT", "SNOT", "SOUP", "STOW", "ATOM",
	"SHOT", "SPOT", "QUID", "SUIT", "ALSO", "ALTA", "BAJO", "BAYA", "CAJA", "FAJA", "BATA")

// typoOf returns the long target word w is a mistyping of, or "".
func typoOf(w string) string {
	if len(w) < 5 || realWords[w] {
		return ""
	}
	for _, t := range longTargets {
		if w == t {
			return ""
		}
	}
	for _, t := range longTargets {
		max := 1
		if len(t) >= 10 {
			max = 2
		}
		if d := len(w) - len(t); d > max || -d > max {
			continue
		}
		if editDistance(w, t, max) <= max {
			return t
		}
	}
	return ""
}

// shortTypoOf returns the short target word w is a mistyping of, or "".
func shortTypoOf(w string) string {
	if len(w) != 4 || shortRealWords[w] {
		return ""
	}
	for _, t := range shortTargets {
		if w == t {
			return ""
		}
		diff := []int{}
		for i := 0; i < 4; i++ {
			if w[i] != t[i] {
				diff = append(diff, i)
			}
		}
		switch {
		case len(diff) == 2 && diff[1] == diff[0]+1 && w[diff[0]] == t[diff[1]] && w[diff[1]] == t[diff[0]]:
			return t
		case len(diff) == 1 && (neighbourKeys(w[diff[0]], t[diff[0]]) ||
			w[diff[0]] == 'V' && t[diff[0]] == 'B'):
			return t
		}
	}
	return ""
}

var keyboardRows = []string{"1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"}

// neighbourKeys: a and b are next to each other on a QWERTY keyboard.
func neighbourKeys(a, b byte) bool {
	pos := func(c byte) (int, int) {
		for r, row := range keyboardRows {
			if i := strings.IndexByte(row, c); i >= 0 {
				return r, i
			}
		}
		return -9, -9
	}
	ra, ca := pos(a)
	rb, cb := pos(b)
	if ra < 0 || rb < 0 {
		return false
	}
	switch ra - rb {
	case 0:
		return ca-cb == 1 || cb-ca == 1
	case 1: // a is on the row below b, shifted half a key to the right
		return ca == cb || ca == cb-1
	case -1:
		return cb == ca || cb == ca-1
	}
	return false
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions, adjacent swaps), or max+1 once it
// is certain to exceed max.
func editDistance(a, b string, max int) int {
	la, lb := len(a), len(b)
	var rows [3][32]int // on the stack for the short words this is used for
	var prev2, prev, cur []int
	if lb < 32 {
		prev2, prev, cur = rows[0][:lb+1], rows[1][:lb+1], rows[2][:lb+1]
	} else {
		prev2, prev, cur = make([]int, lb+1), make([]int, lb+1), make([]int, lb+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// squash shortens runs of three or more of one letter to two ("stopppp" →
// STOPP, "pleaseeee" → PLEASEE); stretched reports whether it did.
func squash(w string) (out string, stretched bool) {
	var b strings.Builder
	run := 0
	var last rune = -1
	for _, r := range w {
		if r == last {
			run++
		} else {
			run, last = 1, r
		}
		if run <= 2 {
			b.WriteRune(r)
		} else {
			stretched = true
		}
	}
	return b.String(), stretched
}

// unstretch writes each letter typed three times or more once, and keeps
// letters typed twice: THISSS → THIS, SLEEEP → SLEP.
func unstretch(w string) string {
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		if j-i >= 3 {
			b.WriteRune(rs[i])
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

// ruleWords are the words some pattern looks for, and the spellings texts
// are folded to: the words a stretched token is read back to ("thisss").
// It is filled once every pattern is compiled; a text tokenized while the
// package's variables are made reads stretched words as before.
var ruleWords set

func init() {
	ruleWords = set{}
	for _, c := range compiled {
		for _, s := range c.p {
			for w := range s.words {
				ruleWords[w] = true
			}
		}
	}
	for _, f := range spellings {
		for _, w := range f {
			ruleWords[w] = true
		}
	}
}

// undouble drops every doubled letter: STOOP → STOP.
func undouble(w string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// Typing mistakes in the word after a request's verb: "stop txitng",
// "stop sendign", "no thnaks", "wrong perosn", "remove nubmer". The word is
// read as the one a request has there when it is one edit from it (two
// neighbours swapped for four letters), and is not a word of its own
// ("stop spending", "no tanks").
var (
	typoAfter = map[string][]string{
		"STOP": stoppedThings, "QUIT": stoppedThings, "CEASE": stoppedThings, "HALT": stoppedThings,
		"NO": {"THANKS", "GRACIAS", "TEXTS", "MESSAGES", "MORE", "INTERESTED", "MAS"}, "MORE": {"TEXTS", "MESSAGES"},
		"CANCEL": {"PLEASE"}, "END": {"PLEASE"},
		"WRONG": {"NUMBER", "PERSON"}, "REMOVE": {"NUMBER"}, "DELETE": {"NUMBER"}, "LOSE": {"NUMBER"}, "ERASE": {"NUMBER"},
		"NOT": {"INTERESTED"}, "OPT": {"OUT"},
	}
	stoppedThings = []string{"TEXTING", "SENDING", "MESSAGING", "CONTACTING", "CALLING", "MESSAGES", "TEXTS", "THANKS", "PLEASE"}
	nearRealWords = newSet("SPENDING", "LENDING", "TENDING", "SANDING", "SEEDING", "SENSING", "MENDING", "BENDING", "FENDING",
		"TEXAS", "TANKS", "THINKS", "THANK", "TEXT", "MESSAGE", "NUMBERS", "PERSONS", "PARSON", "MOREE", "MOOR", "MARE", "MORN",
		"MOTE", "MODE", "MOVE", "MOLE", "MORES", "OUR", "OUTS", "PUT", "OAT", "CURT", "CALLINGS", "COSTING", "CONTESTING",
		"PLEAS", "PLEASED", "PLEASES", "GRACIA", "LEASE", "PEASE", "REMOTE", "REMOVED", "DELETED", "DEPLETE", "WRONGS", "WRING", "WRUNG",
		"NO", "NOW", "NUT", "NET", "NOTE", "TOP", "SOP", "STEP", "MY", "ME", "ON", "TO", "IN",
		"ENDING", "TESTING", "TESTS", "FALLING", "CALMING", "BALLING", "SEXTING", "TENTS", "PENDING", "VENDING", "MASSAGES",
		"TEXTO", "MASS", "WONG", "PRONG", "TEXTER", "SENDER", "CALLIN", "CALLER")
)

// typoBefore: the same, for the request's verb before the word it has
// after it: "sttop texting", "wrnog number", "rmove my number", "nto
// interested".
var typoBefore = map[string][]string{
	"TEXTING": {"STOP"}, "MESSAGING": {"STOP"}, "SENDING": {"STOP"}, "TEXTS": {"STOP"}, "MESSAGES": {"STOP"}, "CONTACTING": {"STOP"},
	"NUMBER": {"WRONG", "REMOVE", "DELETE"}, "PERSON": {"WRONG"}, "INTERESTED": {"NOT"}, "ME": {"REMOVE", "DELETE"}, "MY": {"REMOVE", "DELETE"},
}

// typoAfterVerb rewrites the word after a request's verb, or the verb
// before the word a request has after it, when it is a slip of the word a
// request has there; typos records it.
func typoAfterVerb(c []string, typos *[]string) {
	for i := 1; i < len(c); i++ {
		if t := slipOf(c[i], typoAfter[c[i-1]]); t != "" {
			*typos = append(*typos, strings.ToLower(c[i])+"→"+t)
			c[i] = t
		}
	}
	for i := 0; i+1 < len(c); i++ {
		if t := slipOf(c[i], typoBefore[c[i+1]]); t != "" {
			*typos = append(*typos, strings.ToLower(c[i])+"→"+t)
			c[i] = t
		}
	}
}

// slipOf returns the target w is a slip of, or "": one edit from a target
// of five letters or more, two neighbours swapped or a letter doubled in a
// shorter one ("sotp", "sstop", "nto"), never a word of its own.
func slipOf(w string, targets []string) string {
	if len(targets) == 0 || len(w) < 2 || nearRealWords[w] || shortRealWords[w] || bareRealWords[w] || realWords[w] {
		return ""
	}
	for _, t := range targets {
		if w == t {
			return ""
		}
	}
	for _, t := range targets {
		switch {
		case len(t) >= 5 && len(w) >= 4 && (len(w) == len(t) && swapped(w, t) || dropped(w, t) || undouble(w) == t && len(w) == len(t)+1):
			// Neighbours swapped, a letter left out (not the first) or one
			// held down: never a letter changed, which makes words of their
			// own (testing, falling, tests, pending).
			return t
		case len(t) < 5 && (len(w) == len(t) && swapped(w, t) || undouble(w) == t && len(w) == len(t)+1):
			return t
		case t == "STOP" && (stopShort[w] || shortTypoOf(w) == t):
			return t
		}
	}
	return ""
}

// dropped: w is t with one letter, not the first, left out.
func dropped(w, t string) bool {
	if len(w)+1 != len(t) || w[0] != t[0] {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] != t[i] {
			return w[i:] == t[i+1:]
		}
	}
	return true
}

// swapped: w is t with two neighbouring letters swapped.
func swapped(w, t string) bool {
	for i := 0; i+1 < len(w); i++ {
		if w[i] != t[i] {
			return w[i] == t[i+1] && w[i+1] == t[i] && w[i+2:] == t[i+2:]
		}
	}
	return false
}
