package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenize splits a text into clauses (split at . ! ? , ; : and line breaks)
// of upper-case word tokens. Apostrophes are dropped inside words (DON'T →
// DONT), hyphens and other symbols separate words (OPT-OUT → OPT OUT), and a
// few spellings are folded so the rules can be written once (PLZ → PLEASE,
// WANNA → WANT TO, DO NOT → DONT, OPT OUT → OPTOUT, OD'D → OD, PORFA →
// PORFAVOR, MSJS → MENSAJES).
//
// The text is folded first (fold: ＳＴＯＰ, S\u200bTOP and stóp read as STOP),
// stretched words are shortened (stoooop → STOP, pleaseeee → PLEASE), a
// clause spelled out letter by letter is joined (s t o p → STOP), and long
// key words typed with one mistake are corrected (unsubscibe → UNSUBSCRIBE,
// see typo.go). typos lists the corrections as "unsubscibe→UNSUBSCRIBE".
// odd writes "ODd" ("my cousin ODd") as "OD'd", which tokenize reads as
// OD; "odd" and "ODD" stay the word odd.
func odd(body string) string {
	i := strings.Index(body, "ODd")
	if i < 0 {
		return body
	}
	letter := func(j int) bool {
		return j >= 0 && j < len(body) && (body[j] >= 'A' && body[j] <= 'Z' || body[j] >= 'a' && body[j] <= 'z')
	}
	if letter(i-1) || letter(i+3) {
		return body[:i+3] + odd(body[i+3:])
	}
	return body[:i] + "OD'd" + odd(body[i+3:])
}

func tokenize(body string) (clauses [][]string, typos []string) {
	var (
		clause  []string
		word    strings.Builder
		hadApos bool
	)
	flushWord := func() {
		if word.Len() == 0 {
			hadApos = false
			return
		}
		w := word.String()
		word.Reset()
		if hadApos && (w == "ODD" || w == "ODED" || w == "ODING" || w == "ODS") {
			w = "OD" // OD'd, OD'ed, OD'ing, OD's
		}
		hadApos = false
		if sq, stretched := squash(w); stretched {
			orig := w
			w = sq
			if u := undouble(sq); stretchable[u] {
				w = u
			} else if one := unstretch(orig); !ruleWords[sq] && ruleWords[one] {
				w = one // "thisss" → THIS, "outtt" → OUT; "sleeep" stays SLEEP
			}
		}
		if t := typoOf(w); t != "" {
			typos = append(typos, strings.ToLower(w)+"→"+t)
			w = t
		}
		clause = append(clause, w)
	}
	flushClause := func() {
		flushWord()
		clause = heardUnsubscribe(joinSpelled(withoutIntensifiers(clause)))
		if len(clause) > 0 {
			folded := foldTokens(clause)
			typoAfterVerb(folded, &typos)
			clauses = append(clauses, foldPairs(folded))
		}
		clause = nil
	}
	body = strings.ToUpper(fold(odd(body)))
	for i, r := range body {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			word.WriteRune(r)
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00B4':
			if word.Len() > 0 {
				hadApos = true
			}
		case r == '#':
			// "wrong #", "lose my #", "this #" are a phone number; elsewhere
			// ("#1 fan", "#blessed") # is just a separator.
			hadWord := word.Len() > 0
			flushWord()
			if n := len(clause); n > 0 && (clause[n-1] == "WRONG" || clause[n-1] == "WRNG" || !hadWord && numberSign[clause[n-1]]) && !wordAfter(body, i) {
				clause = append(clause, "NUMBER")
			}
		case strings.ContainsRune(".!?,;:\n\r\u2026\u3002\uFF01\uFF1F", r):
			flushClause()
		default:
			flushWord()
		}
	}
	flushClause()
	return clauses, typos
}

// numberSign: words after which # means a phone number.
var numberSign = newSet("WRNG", "RONG", "WRONG", "MY", "THIS", "YOUR", "UR", "HIS", "HER", "THAT", "THE", "OUR", "MI", "ESTE", "SU", "DIS")

// wordAfter: a letter or digit follows the # at byte i ("#1", "#blessed").
func wordAfter(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// stretchable are the words people stretch whose doubled letters are not
// their own: "stoooop", "nooo", "pleaseeee", "helpppp".
var stretchable = newSet("STOP", "PLEASE", "PLS", "PLZ", "NO", "YES", "HELP", "SO", "BYE", "OK",
	"AYUDA", "ALTO", "BASTA", "YA", "UNSUBSCRIBE", "CANCEL", "QUIT", "END", "DONE",
	"BAJA", "PARAR", "PARA", "CANCELAR", "SALIR", "DETENER", "REMOVE", "EQUIVOCADO", "EQUIVOCADA", "ALONE",
	"ME", "TODO", "AWAY", "MORE", "MAS", "PAZ", "MENSAJES", "CEASE")

// withoutIntensifiers drops the swearing that only adds force ("never
// text this fucking number again", "get me the hell off this"), unless it
// is all the clause says.
func withoutIntensifiers(c []string) []string {
	out := c[:0:0]
	for i, t := range c {
		switch {
		case intensifiers[t] && !phrasalParticles[at(c, i+1)]:
			continue // not "freaking out", "fucking up"
		case t == "THE" && at(c, i+1) == "HELL" && (at(c, i+2) == "OFF" || at(c, i+2) == "OUT" || at(c, i+2) == "AWAY" || at(c, i+2) == "UP"):
			continue
		case t == "HELL" && at(c, i-1) == "THE" && (at(c, i+1) == "OFF" || at(c, i+1) == "OUT" || at(c, i+1) == "AWAY" || at(c, i+1) == "UP"):
			continue
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return c
	}
	return out
}

var phrasalParticles = newSet("OUT", "UP", "OFF", "AROUND", "WITH", "")

var intensifiers = newSet("FUCKING", "FUCKIN", "FCKING", "FKING", "FKN", "FCKN", "FCKIN", "FUKN", "FUKIN", "FUKING", "FUCKN", "FRICKING", "FRICKIN", "FRIGGIN", "FRIGGING", "FREAKING", "FREAKIN", "EFFING", "GODDAMN", "GODDAMNED", "BLOODY")

// joinSpelled joins a clause written one letter at a time: S T O P.
// heardUnsubscribe reads UNSUBSCRIBE as voice-to-text writes it, "on
// subscribe", "Ann subscribe", "un subscribe", and "and subscribe me from
// this"; "subscribe me" alone asks for the texts.
func heardUnsubscribe(c []string) []string {
	for i := 1; i < len(c); i++ {
		if c[i] != "SUBSCRIBE" {
			continue
		}
		switch c[i-1] {
		case "UN", "ON", "ANN", "AN", "OWN", "UM":
		case "AND":
			if at(c, i+1) != "ME" || at(c, i+2) != "FROM" {
				continue
			}
		default:
			continue
		}
		out := append(append(c[:i-1:i-1], "UNSUBSCRIBE"), c[i+1:]...)
		return heardUnsubscribe(out)
	}
	return c
}

func joinSpelled(c []string) []string {
	if len(c) < 3 {
		return c
	}
	for _, t := range c {
		if len(t) != 1 || t[0] < 'A' || t[0] > 'Z' {
			return c
		}
	}
	return []string{strings.Join(c, "")}
}

// spellings folds one token into one or more canonical tokens.
var spellings = map[string][]string{
	"U": {"YOU"}, "UR": {"YOUR"},
	"PLZ": {"PLEASE"}, "PLS": {"PLEASE"}, "PLEASEE": {"PLEASE"}, "PLEEZ": {"PLEASE"}, "PLEES": {"PLEASE"},
	"WANNA": {"WANT", "TO"}, "GONNA": {"GOING", "TO"}, "GOTTA": {"GOT", "TO"}, "2": {"TO"},
	"CANNOT": {"CANT"}, "DONOT": {"DONT"}, "DNT": {"DONT"},
	"YRS": {"YEARS"}, "CANX": {"CANCEL"}, "OFFA": {"OFF", "OF"}, "0PT": {"OPT"}, "CEACE": {"CEASE"}, "BOTHERIN": {"BOTHERING"}, "MORR": {"MORE"},
	"KITAME": {"QUITAME"}, "KITENME": {"QUITENME"}, "SAKENME": {"SACENME"}, "SAKAME": {"SACAME"},
	"TXT": {"TEXT"}, "TXTS": {"TEXTS"}, "TXTING": {"TEXTING"}, "TEXTIN": {"TEXTING"},
	"MSG": {"MESSAGE"}, "MSGS": {"MESSAGES"}, "MSGING": {"MESSAGING"}, "MESSAGIN": {"MESSAGING"},
	"STOPP": {"STOP"}, "STAHP": {"STOP"}, "STOPPP": {"STOP"},
	"UNSUB": {"UNSUBSCRIBE"}, "UNSUSCRIBE": {"UNSUBSCRIBE"}, "UNSUBCRIBE": {"UNSUBSCRIBE"}, "UNSUBSRIBE": {"UNSUBSCRIBE"},
	"SELFHARM": {"SELF", "HARM"}, "MÁS": {"MAS"},
	"ARRÊT": {"ARRET"}, "ARRÊTE": {"ARRETE"}, "ARRÊTEZ": {"ARRETEZ"}, "NOMORE": {"NO", "MORE"},
	"2NITE": {"TONIGHT"}, "TONITE": {"TONIGHT"}, "2NIGHT": {"TONIGHT"}, "THRU": {"THROUGH"},
	"NOONE": {"NO", "ONE"}, "EVERYBODY": {"EVERYONE"}, "STOPPPING": {"STOPPING"},
	"SOPT": {"STOP"}, "STIO": {"STOP"}, "MOAR": {"MORE"}, "CNT": {"CANT"}, "HELPP": {"HELP"}, "QUITING": {"QUITTING"}, "MAZ": {"MAS"}, "NOP": {"NOPE"}, "NOUP": {"NO"}, "UNSCRIBE": {"UNSUBSCRIBE"}, "SNDIN": {"SENDING"}, "SNDING": {"SENDING"}, "SENDN": {"SENDING"}, "FUCKIN": {"FUCKING"}, "FREAKIN": {"FREAKING"},
	"FRICKIN": {"FREAKING"}, "FORGT": {"FORGET"}, "NUMBR": {"NUMBER"}, "XFAVOR": {"PORFAVOR"}, "INTEREZA": {"INTERESA"}, "QUITTIN": {"QUITTING"}, "QIERO": {"QUIERO"}, "5TOP": {"STOP"}, "ST0P": {"STOP"}, "MOR": {"MORE"}, "MOORE": {"MORE"}, "NOO": {"NO"}, "COMIN": {"COMING"}, "FKN": {"FUCKING"}, "FKING": {"FUCKING"}, "FCKING": {"FUCKING"},
	"HLEP": {"HELP"}, "JION": {"JOIN"}, "BLU": {"BLUE"}, "TURNIN": {"TURNING"}, "TEXTN": {"TEXTING"}, "SENDIN": {"SENDING"},
	"THS": {"THIS"}, "THSE": {"THESE"}, "NMBR": {"NUMBER"}, "NYMR": {"ANYMORE"}, "NYMORE": {"ANYMORE"}, "FRVR": {"FOREVER"}, "NBDY": {"NOBODY"},
	"EVRYTHNG": {"EVERYTHING"}, "GVNG": {"GIVING"}, "WHR": {"WHERE"}, "WHER": {"WHERE"}, "NRCN": {"NARCAN"}, "NVR": {"NEVER"}, "SGND": {"SIGNED"}, "UNFLW": {"UNFOLLOW"},
	"NUFF": {"ENOUGH"}, "DIS": {"THIS"}, "PRAR": {"PARAR"}, "TXTZ": {"TEXTS"}, "NUM": {"NUMBER"}, "FRM": {"FROM"}, "SENDNG": {"SENDING"}, "GETTIN": {"GETTING"}, "TRYIN": {"TRYING"},
	"KNO": {"KNOW"}, "GUD": {"GOOD"}, "STR8": {"STRAIGHT"}, "GVE": {"GAVE"}, "JUS": {"JUST"}, "WNA": {"WANT", "TO"},
	"4EVER": {"FOREVER"}, "EVRYTHING": {"EVERYTHING"}, "EVRY": {"EVERY"}, "FUTUR": {"FUTURE"}, "GIV": {"GIVE"}, "LEAV": {"LEAVE"},
	"ALON": {"ALONE"}, "NUTHIN": {"NOTHING"}, "NOTHIN": {"NOTHING"}, "CRYIN": {"CRYING"}, "HLP": {"HELP"}, "SRY": {"SORRY"}, "RLY": {"REALLY"},
	"SRSLY": {"SERIOUSLY"}, "MO": {"MORE"}, "WIT": {"WITH"},
	"NEVR": {"NEVER"}, "SIGND": {"SIGNED"}, "GAV": {"GAVE"}, "GONA": {"GOING", "TO"}, "FOREVR": {"FOREVER"}, "WHATEVR": {"WHATEVER"},
	"HAPPNS": {"HAPPENS"}, "LIK": {"LIKE"}, "GIVIN": {"GIVING"}, "SMTHIN": {"SOMETHING"}, "SMTHN": {"SOMETHING"}, "SUMTHIN": {"SOMETHING"}, "TNIGHT": {"TONIGHT"},
	"NEMORE": {"ANYMORE"}, "NEMOR": {"ANYMORE"}, "KIL": {"KILL"}, "MYSLF": {"MYSELF"}, "WHRE": {"WHERE"}, "NARCN": {"NARCAN"}, "DISSAPEAR": {"DISAPPEAR"},
	"DISAPEAR": {"DISAPPEAR"}, "RELAPSD": {"RELAPSED"}, "SLEP": {"SLEEP"}, "THNK": {"THANK"}, "THNKS": {"THANKS"}, "GRAX": {"GRACIAS"}, "HEPL": {"HELP"}, "DONEE": {"DONE"}, "BYEE": {"BYE"}, "TEXTIGN": {"TEXTING"}, "TEXITNG": {"TEXTING"}, "MEE": {"ME"}, "STTP": {"STOP"}, "CHAU": {"CHAO"}, "PILSS": {"PILLS"}, "THEMM": {"THEM"}, "DRUNNK": {"DRUNK"}, "SHHH": {"SHH"}, "SHHHH": {"SHH"}, "SHUSH": {"SHH"}, "BYEBYE": {"BYE", "BYE"}, "GOODBY": {"GOODBYE"}, "GOODBYEE": {"GOODBYE"}, "GDBYE": {"GOODBYE"}, "GUDBYE": {"GOODBYE"}, "GOODBYYE": {"GOODBYE"}, "FAREWEL": {"FAREWELL"}, "ADIOSS": {"ADIOS"}, "STUVO": {"ESTUVO"}, "DSPS": {"DESPUES"}, "EVN": {"EVEN"},
	"NITE": {"NIGHT"}, "KANSELEN": {"CANCELEN"}, "STP": {"STOP"}, "STPP": {"STOP"}, "PLSS": {"PLS"}, "PLZZ": {"PLZ"}, "GOO": {"GO"}, "TXTNG": {"TEXTING"}, "CN": {"CAN"}, "ION": {"I", "DONT"},
	// Spanish as texted
	"Q": {"QUE"}, "KE": {"QUE"}, "XQ": {"PORQUE"}, "PQ": {"PORQUE"}, "PORFA": {"PORFAVOR"}, "XFA": {"PORFAVOR"},
	"PLIS": {"PORFAVOR"}, "PLISS": {"PORFAVOR"}, "MSJ": {"MENSAJE"}, "MSJS": {"MENSAJES"}, "MJS": {"MENSAJES"},
	"MENSAJITOS": {"MENSAJES"}, "KIERO": {"QUIERO"}, "KIERES": {"QUIERES"}, "KANCELAR": {"CANCELAR"},
	"KANSELAR": {"CANCELAR"}, "CANSELAR": {"CANCELAR"}, "CANSELA": {"CANCELA"}, "CANSELEN": {"CANCELEN"},
	"KANCELEN": {"CANCELEN"}, "BLOQUIE": {"BLOQUEE"}, "BLOKIE": {"BLOQUEE"}, "BLOQUIAR": {"BLOQUEAR"},
	"ESCRIVAN": {"ESCRIBAN"}, "ESCRIVIR": {"ESCRIBIR"}, "NESECITO": {"NECESITO"},
	"TMB": {"TAMBIEN"}, "TB": {"TAMBIEN"}, "NADIEN": {"NADIE"}, "MAÑANA": {"MANANA"},
}

// pairs folds two adjacent tokens into one.
var pairs = map[[2]string]string{
	{"DO", "NOT"}: "DONT", {"CAN", "NOT"}: "CANT", {"DOES", "NOT"}: "DOESNT", {"DID", "NOT"}: "DIDNT",
	{"WILL", "NOT"}: "WONT", {"IS", "NOT"}: "ISNT", {"ARE", "NOT"}: "ARENT", {"WOULD", "NOT"}: "WOULDNT",
	{"COULD", "NOT"}: "COULDNT", {"OPT", "OUT"}: "OPTOUT", {"OPTED", "OUT"}: "OPTOUT", {"OPTING", "OUT"}: "OPTOUT",
	{"MY", "SELF"}: "MYSELF", {"NO", "LONGER"}: "NOLONGER", {"ANY", "LONGER"}: "ANYMORE", {"STOP", "ALL"}: "STOPALL",
	{"POR", "FAVOR"}: "PORFAVOR", {"X", "FA"}: "PORFAVOR", {"X", "FAVOR"}: "PORFAVOR", {"W", "O"}: "WITHOUT", {"RE", "VOKE"}: "REVOKE", {"STO", "P"}: "STOP", {"S", "TOP"}: "STOP",
}

func foldTokens(in []string) []string {
	var out []string
	for _, t := range in {
		if f, ok := spellings[t]; ok {
			out = append(out, f...)
		} else {
			out = append(out, t)
		}
	}
	return foldPairs(out)
}

// foldPairs folds each two adjacent tokens of pairs into one.
func foldPairs(in []string) []string {
	folded := in[:0:0]
	for i := 0; i < len(in); i++ {
		if i+1 < len(in) && !(in[i] == "STOP" && in[i+1] == "ALL" && at(in, i+2) == "OF" && at(in, i+3) == "IT") { // "stop all of it, the pills": a request only as a whole sentence (revocation_lexicon.go)
			if p, ok := pairs[[2]string{in[i], in[i+1]}]; ok {
				folded = append(folded, p)
				i++
				continue
			}
		}
		folded = append(folded, in[i])
	}
	return folded
}

// set is a small set of tokens.
type set map[string]bool

func newSet(words ...string) set {
	s := make(set, len(words))
	for _, w := range words {
		s[w] = true
	}
	return s
}

func union(a, b set) set {
	u := make(set, len(a)+len(b))
	for w := range a {
		u[w] = true
	}
	for w := range b {
		u[w] = true
	}
	return u
}

// at returns the token at i, or "" past either end.
func at(toks []string, i int) string {
	if i < 0 || i >= len(toks) {
		return ""
	}
	return toks[i]
}

// hasPhrase reports whether phrase occurs as consecutive tokens in toks.
func hasPhrase(toks []string, phrase []string) bool {
	if len(phrase) == 0 || len(phrase) > len(toks) {
		return false
	}
outer:
	for i := 0; i+len(phrase) <= len(toks); i++ {
		for j, p := range phrase {
			if toks[i+j] != p {
				continue outer
			}
		}
		return true
	}
	return false
}
