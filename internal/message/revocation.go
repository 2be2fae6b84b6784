package message

import (
	"slices"
	"strings"
)

// Revocation in other words. The FCC counts "any reasonable means" of
// revoking consent (47 CFR 64.1200(a)(10), FCC 24-24), so "please stop
// texting me" must end the texts even though Twilio only acts on a bare
// keyword. The people who text this line also talk about stopping and
// quitting their own use ("I can't stop using", "I want to quit", "how do I
// stop the cravings"), and that must never read as an opt-out. So every rule
// below needs the *object* of the stopping to be the messages, the list or
// the contact itself, never a substance, a feeling or another person; words
// that only make sense as a request to us ("unsubscribe", "wrong number")
// count on their own.

var (
	// fillers are words that can surround a bare opt-out word without
	// changing what it means: "stop please", "ok STOP", "stop it now".
	fillers = newSet("PLEASE", "NOW", "JUST", "ALREADY", "THANKS", "THANK", "YOU", "THX", "TY",
		"OK", "OKAY", "K", "NO", "ALL", "IMMEDIATELY", "RIGHT", "AWAY", "FOREVER", "SERIOUSLY", "AGAIN",
		"ME", "IT", "THIS", "THESE", "SIR", "MAAM", "DUDE", "MAN", "BRO", "GUYS", "YALL", "HEY", "HI",
		"HELLO", "SORRY", "AND", "ASAP", "DAMN", "FUCKING", "FREAKING", "GOD", "OMG", "LOL",
		"SVP", "MERCI", "YA", "PORFAVOR", "GRACIAS", "TODO", "AHORA", "MISMO", "OKEY",
		"PORFA", "PORFAS", "PORFIS", "PLIS", "XFA", "FAVOR", "PLEAS", "PLEASEE", "PERIOD", "BYE", "BAI", "CHAO", "FR", "FRFR", "BRUH", "YO", "EN", "SERIO", "WTF",
		"FAM", "SHEESH", "JEEZ", "SMH", "UGH", "UGHH", "NEL", "SHH", "HOMBRE", "MIJO", "MIJA", "VIEJO", "Y", "NGL", "BUD", "GUEY", "WEY", "CHAMO", "VALE", "PO", "PUES", "POS", "ESTUVO")

	// clauseStopWords are opt-out words unambiguous enough to count as a
	// whole clause of a longer text: "Stop. Thank you".
	clauseStopWords = newSet("STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT", "REVOKE")

	// bodyStopWords count only when the whole text is opt-out words and
	// fillers: "quit" or "cancel please" alone, never "I quit last week".
	// "end it" is not one of them (see bareOptOut). Spanish and French ones
	// are here because the person may not write English; none of them is one
	// of Twilio's default keywords.
	bodyStopWords = newSet("STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT", "REVOKE", "CANCEL", "END",
		"QUIT", "REMOVE", "ALTO", "BASTA", "PARA", "PARAR", "CANCELAR", "ARRET", "ARRETE", "ARRETEZ",
		"CEASE", "SPAM", "UNFOLLOW", "ENOUGH", "DONE", "BLOCKED", "PAUSE", "UNSUBSCRIBED",
		"BAJA", "SALIR", "SALIRME", "FIN", "PAREN", "CANCELA", "CANCELEN", "DESUSCRIBIR", "DESUSCRIBIRME",
		"DETENER", "DETENGAN", "CANCELO", "DESACTIVAR", "DISCONTINUE", "DEACTIVATE", "UNSUB", "ESTOP",
		"OFF", "FINISHED", "QUITTING", "OVER", "DETEN", "PARENLE", "QUITAR", "BORRAR", "TERMINATE", "SILENCE",
		"STAWP", "ENUF", "RMV", "CALLENSE", "FUERA", "ANULAR", "ELIMINAR",
		"STOPPIT", "PLEASESTOP", "STOPPLEASE", "STOPPLS", "PLSSTOP", "STOPIT", "STOPNOW", "BJA", "PRAR", "ALOTO", "STOOP",
		"UNINSTALL", "DELETE", "TERMINAR", "FINALIZAR", "DETENTE", "CESE", "UNJOIN", "DEREGISTER", "CANCELLATION", "DEBAJA", "APAGAR", "OPTMEOUT", "SILENCIAR", "UNFOLLOWED", "UNADD", "DEJENME", "DEJAME", "CALLATE", "CALLENSE", "LARGATE", "LARGUENSE", "LARGO", "VETE", "VAYANSE", "SHOO", "BAJAR", "STOPPEN", "ERASE", "SHUTUP", "GTFO", "FUCKOFF", "UNREGISTER", "UNLIST", "NOTEXTS", "NOTEXT", "DETENGANSE", "REMUEVANME", "KWIT", "EXIT", "DESIST", "STAP", "STAHP", "SCRAM", "UNFRIEND", "UNFOLLOWING", "MUTE",
		"SALIDA", "JUNK", "EDN", "SALR", "YANO", "CANCELENLO", "ANULEN", "DUNZO", "UNENROLL", "REVOCAR", "CANCELENME", "CANCELALO", "CANCELALA")

	// stopVerbs end something; what they end decides whether it is an opt-out.
	stopVerbs = newSet("STOP", "STOPALL", "QUIT", "CEASE", "END", "CANCEL", "HALT", "PAUSE", "DISABLE", "DISCONTINUE",
		"STOPPING", "ENDING", "CANCELING", "CANCELLING", "QUITTING", "PAUSING")

	// selfNegations before a stop verb make it about the person, or make it
	// the opposite of a request: "I can't stop texting him", "don't stop".
	selfNegations = newSet("CANT", "COULDNT", "DONT", "NEVER", "NOT", "DIDNT")

	negations = newSet("DONT", "NOT", "NEVER", "DIDNT", "WONT", "NO", "ISNT", "DOESNT", "WOULDNT")

	// messageNouns are the texts themselves.
	messageNouns = newSet("TEXT", "TEXTS", "MESSAGE", "MESSAGES", "SMS", "SMSES", "NOTIFICATIONS",
		"ALERTS", "SUBSCRIPTION", "TEXTMESSAGES", "COMMUNICATION", "COMMUNICATIONS",
		"MENSAJES", "MENSAJE", "TEXTOS")

	// messageGerunds are us texting them.
	messageGerunds = newSet("TEXTING", "MESSAGING", "CONTACTING", "CALLING", "SPAMMING",
		"HARASSING", "EMAILING", "SENDING", "BOTHERING")

	// contactVerbs after "don't" / "never": "don't text me again".
	contactVerbs = newSet("TEXT", "MESSAGE", "CONTACT", "CALL", "EMAIL", "SEND", "SPAM", "HARASS")

	// bridge words may stand between a stop verb and the messages:
	// "stop all these damn texts", "stop getting messages".
	bridge = newSet("THE", "THESE", "THIS", "THOSE", "ALL", "ANY", "YOUR", "WITH", "GETTING", "EVERY", "EACH",
		"RECEIVING", "ME", "MY", "MORE", "OF", "DAMN", "STUPID", "FUCKING", "FREAKING", "AUTOMATED",
		"DAILY", "SO", "MANY", "YOU", "THAT", "SUCH", "IT")

	// wantBridge may stand between "don't want" and the messages:
	// "I don't want to get these texts", "don't want to be on this list".
	wantBridge = union(bridge, newSet("TO", "RECEIVE", "GET", "BE", "ON", "IN", "ANYMORE", "EVEN", "KEEP",
		"GETTING", "RECEIVING"))

	// afterGerund may follow "stop texting": "stop texting me", "stop
	// texting, please"; anything else ("stop texting my dealer") is about
	// someone else.
	afterGerund = newSet("ME", "US", "PLEASE", "ANYMORE", "NOW", "AGAIN", "EVER", "ALREADY", "OK",
		"OKAY", "THANKS", "THANK", "I", "IM", "SO", "EVERY", "ALL", "DAMN", "FUCKING", "HERE", "OMG",
		"RN", "TODAY", "PRONTO", "FAM", "BRO", "DUDE", "MAN", "LOL", "WTF", "SMH", "SHEESH", "JEEZ", "UGH", "YA", "AHORA", "PORFAVOR", "ASAP", "SERIOUSLY", "FR")

	// sendObjects may follow "stop sending (me)".
	sendObjects = newSet("THESE", "THIS", "THOSE", "THAT", "THEM", "EM", "ANY", "ANYTHING", "MORE", "STUFF",
		"ALL", "SHIT", "CRAP", "JUNK", "SPAM", "PLEASE", "NOW", "ANYMORE")

	// listDeterminers and listObjects name what someone asks to be taken
	// off: "this text list", "your messages", "it".
	listDeterminers = newSet("THIS", "THE", "YOUR", "THAT", "THESE", "THOSE", "ALL", "OF", "YOU", "GUYS",
		"YALLS", "MAILING", "TEXT", "TEXTING", "SMS", "CONTACT", "CALL", "MESSAGE", "MESSAGING", "TEXTS")
	listObjects = newSet("LIST", "LISTS", "TEXTS", "TEXT", "MESSAGES", "MESSAGE", "SUBSCRIPTION", "PROGRAM",
		"SERVICE", "NUMBER", "THING", "ALERTS", "IT", "THIS", "THESE", "THAT", "THEM", "HERE",
		"LINE", "SYSTEM", "DATABASE", "ANYTHING", "ANY")

	// family: "stop texting my daughter", "my girlfriends phone": a
	// relative asks for the number they answer for.
	family = newSet("DAUGHTER", "SON", "WIFE", "HUSBAND", "GIRLFRIEND", "BOYFRIEND", "MOM", "DAD", "MOTHER",
		"FATHER", "KID", "KIDS", "CHILD", "BROTHER", "SISTER", "GRANDMA", "GRANDPA", "DAUGHTERS", "SONS",
		"WIFES", "HUSBANDS", "GIRLFRIENDS", "BOYFRIENDS", "MOMS", "DADS", "MOTHERS", "FATHERS", "KIDS",
		"CHILDS", "BROTHERS", "SISTERS", "GRANDMAS", "GRANDPAS", "GRANDSON", "GRANDDAUGHTER", "GIRL", "BOY",
		"GRANDSONS", "GRANDDAUGHTERS", "GRANDMOTHER", "GRANDFATHER", "GRANDMOTHERS", "GRANDFATHERS", "AUNT", "UNCLE",
		"NIECE", "NEPHEW", "STEPSON", "STEPDAUGHTER", "PARTNER", "PARTNERS", "TEEN", "TEENAGER", "BABY",
		"HIJO", "HIJA", "ESPOSA", "ESPOSO", "MAMA", "PAPA", "NIETO", "NIETA", "ABUELA", "ABUELO", "MUJER", "MARIDO",
		"ABUELITA", "ABUELITO", "MAMI", "PAPI", "HIJITO", "HIJITA", "MAMITA", "NINA", "NINO", "HERMANO", "HERMANA", "SOBRINO", "SOBRINA")

	numberWords = newSet("NUMBER", "PHONE", "CELL", "INFO", "INFORMATION", "DETAILS", "DATA", "CONTACT")

	// polite may come before "leave me alone": "can you please just leave
	// me alone", "I asked you to leave me alone"; "they won't leave me
	// alone" is about someone else.
	polite = newSet("PLEASE", "JUST", "CAN", "COULD", "WOULD", "WILL", "YOU", "I", "SAID", "ASKED",
		"TO", "WANT", "NEED", "TOLD", "SO", "GOD", "OMG", "OK", "OKAY", "NOW", "SERIOUSLY", "HEY", "DUDE",
		"MAN", "BRO", "WHY", "CANT", "WONT", "ALREADY", "LIKE", "THEN", "STOP", "AND", "YALL", "GUYS")

	goAwayPhrases = [][]string{
		{"LEAVE", "ME", "ALONE"}, {"LEAVE", "ME", "BE"}, {"GO", "AWAY"}, {"FUCK", "OFF"}, {"F", "OFF"},
		{"PISS", "OFF"}, {"BUZZ", "OFF"}, {"BACK", "OFF"}, {"GET", "LOST"}, {"SCREW", "OFF"}, {"LET", "ME", "BE"},
	}

	// addressed may come before a bare STOP: "can you please stop", "you
	// can stop now". Never I or NEED: "I need to stop" is recovery talk.
	addressed = newSet("PLEASE", "JUST", "CAN", "COULD", "WOULD", "WILL", "YOU", "YALL", "GUYS", "SO", "KINDLY",
		"OK", "OKAY", "NOW", "SERIOUSLY", "HEY", "DUDE", "MAN", "BRO", "AND", "OMG", "GOD", "NO")

	// newSentence starts a sentence someone ran on without a full stop.
	newSentence = newSet("I", "IM", "IVE", "ID", "ILL", "OR", "ITS", "WHO", "WHOEVER", "WHY", "QUIERO", "ESTO", "YO", "QUIEN")

	wrongWhat = newSet("NUMBER", "NUMBERS", "NUM", "NO", "PERSON", "PHONE", "CELL", "GUY", "GIRL", "LADY")

	// ownStop before a clause-final STOP makes STOP the verb of the
	// person's own sentence ("I can't stop", "make it stop", "when will the
	// cravings stop", "I'm going to stop"), never a request to us.
	ownStop = newSet("TO", "I", "IM", "ID", "ILL", "ITLL", "THEYLL", "WE", "THEY", "HE", "SHE", "IT", "CAN", "CANT", "COULD",
		"COULDNT", "WILL", "WONT", "WOULD", "WOULDNT", "SHOULD", "SHOULDNT", "MUST", "MIGHT", "MAY", "DO",
		"DONT", "DOES", "DOESNT", "DID", "DIDNT", "NEVER", "NOT", "ISNT", "ARENT", "JUST", "ALL", "NOLONGER")

	// ownStopCue anywhere before a clause-final STOP also makes it the
	// person's own: "make the pain stop", "I wish the cravings would stop",
	// "how do I stop", "when does it stop".
	ownStopCue = newSet("MAKE", "MAKES", "LET", "LETS", "HELP", "HOW", "WHEN", "WHY", "WISH", "WANT",
		"WANTS", "NEED", "NEEDS", "TRY", "TRYING", "HOPE", "PRAY", "PRAYING", "UNTIL", "TILL", "IF",
		"NEVER", "CANT", "WONT", "DONT")

	// questionStart opening a clause makes it a question, never a request:
	// "did the texts stop", "will the cravings ever stop".
	questionStart = newSet("DID", "DO", "DOES", "WILL", "WOULD", "CAN", "COULD", "SHOULD", "IS", "ARE",
		"HAS", "HAVE", "WHAT", "WHERE", "WHO", "WHICH")
)

// clauseRules each recognise one way of revoking consent within a clause.
var clauseRules = []struct {
	name string
	f    func(c []string) bool
}{
	{"revocation:stop", stopClause}, {"revocation:stop", runOnStop}, {"revocation:stop the texts", stopsMessages},
	{"revocation:no more texts", noMore}, {"revocation:unsubscribe", unsubscribes},
	{"revocation:does not want texts", doesNotWant}, {"revocation:do not contact", noContact},
	{"revocation:remove me", removeMe}, {"revocation:leave me alone", goAway},
	{"revocation:never consented", neverConsented}, {"revocation:not interested", notInterested},
	{"revocation:cease and desist", func(c []string) bool { return hasPhrase(c, []string{"CEASE", "AND", "DESIST"}) }},
}

// revokes returns the rule by which the text asks, in any reasonable words
// (English or Spanish), for the messages to stop, or "".
func revokes(clauses [][]string) string {
	if r := bareOptOut(clauses); r != "" {
		return r
	}
	if declined(clauses) {
		return "revocation:declined"
	}
	for _, c := range clauses {
		for _, rule := range clauseRules {
			if rule.f(c) {
				return rule.name
			}
		}
	}
	toks := joined(clauses)
	return revocationBook.first(toks, func(i int) bool {
		return !negations[at(toks, i-1)] && at(toks, i-1) != "NUNCA"
	})
}

// revocationBook reads a text once for all of revocationSets.
var revocationBook = newRuleBook(revocationSets...)

// declined: the whole text politely declines: "no thanks", "I'm good",
// "not for me", "no gracias", "ya no". Naming nothing, the safer reading of
// a refusal is that the person wants no more texts.
func declined(clauses [][]string) bool {
	if len(clauses) == 0 {
		return false
	}
	refused, weakNo, kind := false, false, false
	for i, c := range clauses {
		if i >= 2 && hasAny(c, statusWords) && slices.Equal(c, clauses[i-1]) && slices.Equal(c, clauses[i-2]) {
			return false // "Im fine. Im fine. Im fine.": how they are, said over and over, is not a refusal
		}
		if len(c) == 1 && len(clauses) > 1 && (isLaugh(c[0]) || sighs[c[0]]) {
			continue // "yawn. every single day huh", "jaja. no gracias"
		}
		if len(c) == 1 && c[0] == "NO" && len(clauses) > 1 {
			weakNo = true // "No, thanks anyway.": a refusal only beside a courtesy
			continue
		}
		// The clause as written, and without what may end a refusal without
		// changing it: "im good lol", "nah ty maam", "time out pls", "no
		// sir thank you".
		bare := c
		for len(bare) > 1 {
			if n := tailPhrase(bare); n > 0 && n < len(bare) {
				bare = bare[:len(bare)-n]
				continue
			}
			if !(isLaugh(bare[len(bare)-1]) || softeners[bare[len(bare)-1]] || firstNames[bare[len(bare)-1]] && !streetNames[bare[len(bare)-1]] || bare[len(bare)-1] == "YOU" && at(bare, len(bare)-2) == "THANK" && len(bare) > 2) {
				break
			}
			if bare[len(bare)-1] == "YOU" {
				bare = bare[:len(bare)-1]
			}
			bare = bare[:len(bare)-1]
		}
		led := bare
		for len(led) > 1 && (leadIns[led[0]] || laughedNo(led)) {
			led = led[1:] // "yeah im over this", "ok im done here", "jaja no thanks"
		}
		ok := false
		for _, form := range [][]string{c, bare, led} {
			form = append(form[:len(form):len(form)], "")
			if declinePatterns.match(form) {
				ok, refused = true, true
			}
			if courtesy.match(form) {
				ok, kind = true, true
			} else if busyOrLate.match(form) || programDone.match(form) || lateReply(form) {
				ok = true // beside a refusal, but it does not make a lone "no" one: "no, at work"
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	if !refused && !(weakNo && kind) {
		return false
	}
	// "all good, thanks for checking in!": how the person is, to a question.
	return !anyMatch(statusThanks, clauses)
}

// tailPhrases may end a refusal without changing it, as softeners do:
// "im done lol for real this time tho", "no more i swear", "im out 4
// real". Not "for good": "done for good this time" may be a farewell.
var tailPhrases = [][]string{{"FOR", "REAL", "THIS", "TIME"}, {"THIS", "TIME"}, {"FOR", "REAL"}, {"4", "REAL"}, {"I", "SWEAR"}, {"I", "MEAN", "IT"}}

// tailPhrase is the length of the tailPhrase ending c, or 0.
func tailPhrase(c []string) int {
	for _, p := range tailPhrases {
		if len(c) >= len(p) && slices.Equal(c[len(c)-len(p):], p) {
			return len(p)
		}
	}
	return 0
}

// withoutTails is the clauses without the tailPhrases (and the laughs and
// softeners around them) that end them; tailPhrased, whether any had one.
func withoutTails(clauses [][]string) [][]string {
	out, _ := trimTails(clauses)
	return out
}

func tailPhrased(clauses [][]string) bool {
	_, had := trimTails(clauses)
	return had
}

func trimTails(clauses [][]string) ([][]string, bool) {
	out := make([][]string, len(clauses))
	had := false
	for k, c := range clauses {
		for len(c) > 1 {
			if n := tailPhrase(c); n > 0 && n < len(c) {
				c, had = c[:len(c)-n], true
			} else if isLaugh(c[len(c)-1]) || softeners[c[len(c)-1]] {
				c = c[:len(c)-1]
			} else {
				break
			}
		}
		out[k] = c
	}
	return out, had
}

// statusWords say how the person is.
var statusWords = newSet("FINE", "OK", "OKAY", "GOOD", "ALRIGHT", "BIEN")

// statusThanks thanks someone for asking after the writer.
var statusThanks = anyOfWide("{THANKS|THANK YOU|THX|TY|THANK U} {FOR|4} {CHECKING|ASKING|CARING|THE INFO|THE INFORMATION|THE TIPS}", "GRACIAS POR {PREGUNTAR|PREOCUPARSE|PREOCUPARTE}")

// leadIns may begin a refusal without changing it.
var leadIns = newSet("BUENO", "PUES", "MMK", "BRUH", "NGL", "IGHT", "AIGHT", "M", "MM", "YEAH", "YEP", "YUP", "OK", "OKAY", "K", "WELL", "UGH", "HONESTLY", "WELP", "ALRIGHT", "HMM", "UH", "UM", "UHH", "UMM", "NEL", "AW", "AWW", "ISTG", "TBH")

// softeners may end a refusal without changing it.
var softeners = newSet("ANYWAY", "ANYWAYS", "SORRY", "DEAR", "HUN", "HON", "HONEY", "SWEETIE", "YA", "KINDLY", "PLEASE", "THANKS", "THX", "TY", "THO", "THOUGH", "MAAM", "SIR", "BRO", "FAM", "MAN", "DUDE", "HONESTLY", "TBH", "FR", "GRACIAS", "PORFAVOR", "THANK", "K", "OK", "OKAY", "PLS", "PLZ", "SMH", "SIGH",
	"BUD", "BUDDY", "PAL", "PO", "PUES", "NGL", "NETA", "DEAR", "GUEY", "WEY", "CHAMO", "VALE")

// courtesy may stand beside a refusal ("no gracias. gracias por todo", "no
// thanks, thanks anyway"), never alone: "thanks" and "gracias" are thanks.
var courtesy = anchored("^ WHATEVER $", "^ HONESTLY $", "^ {ITS|IT HAS} BEEN REAL $", "^ HOW MANY TIMES {DO I HAVE TO SAY IT|} $", "^ WELP|WELL|OK|OKAY|K|SO|ALRIGHT $", "^ BUT I APPRECIATE IT $", "^ THANKS|GRACIAS|THX|TY ~ $", "^ FOR REAL THIS TIME $", "^ FOR REAL $", "^ I MEAN IT $", "^ I SWEAR $", "^ REALLY $", "^ SERIOUSLY $", "^ {JESUS|GOSH|OMG|GEEZ} $", "^ {IM|I AM} {SO|DEAD|} SERIOUS $", "^ THANKS|GRACIAS|THX ~ $", "^ BYE|ADIOS|CHAO|GOODBYE $", "^ BYE|ADIOS|GOODBYE FOREVER|BENDICIONES $",
	"^ YA $", "^ BUT THANK|THANKS|THX ~ $", "^ {TY|THANKS|THX|THANK YOU} {THO|THOUGH|MAAM|SIR} $", "^ THANK U|YOU $", "^ PLEASE $", "^ ESTOY|TOY|STOY BIEN $", "^ APPRECIATE IT ~ $", "^ THANK YOU $", "^ THANK YOU THO|THOUGH|ANYWAY|ANYWAYS $", "^ ALL GOOD $",
	"^ SORRY $", "^ PERDON $", "^ PORFAVOR $", "^ AMEN AND THANK YOU $", "^ GRACIAS IGUAL $", "^ {CUIDENSE|CUIDATE|TAKE CARE} $", "^ GEEZ|JEEZ|SHEESH|SMH|UGH $", "^ I ALREADY SAID {THAT|SO|THIS|IT|IT ONCE} $", "^ GOOD LUCK ~ $", "^ GL ~ $", "^ AMEN $", "^ IN JESUS NAME {AMEN|} $", "^ PEACE BE WITH YOU $", "^ BLESS YOUR HEART $", "^ LORD WILLING $",
	"^ PRAISE {THE LORD|GOD|JESUS} $", "^ THANK YOU AND {GOD|} BLESS {YOU|YALL} $",
	"^ THANK YOU {VERY MUCH|SO MUCH} $",
	"^ {BUT|} {THANK YOU|THANKS} FOR {THINKING OF ME|REACHING OUT|ASKING|THE OFFER} $", "^ SINCERELY $", "^ THANK YA {KINDLY|} $", "^ NOT MAD JUST CONFUSED $", "^ NO OFFENSE $", "^ SIGH $", "^ {THANK YOU|THANKS} {ALL THE SAME|ANYWAY|ANYWAYS} $", "^ WHO {EVEN|} IS THIS $", "^ NO LO|LA NECESITO $", "^ DONT NEED IT {ANYMORE|NO MORE|} $", "^ GOD BLESS ~ $", "^ BLESSINGS $", "^ IM FINE ~ $", "^ GOT WHAT I NEEDED $", "^ THANKS|THX ANYWAY|ANYWAYS $")

// busyOrLate may stand beside a refusal ("dont need this no more. thx. gotta
// go", "sorry for the late reply. this isnt for me") but does not make a
// lone "no" one: "no, at work" answers a question.
var busyOrLate = anchored("^ {AT WORK|RUNNING LATE|IM AT WORK|IM DRIVING} $", "^ {SORRY|} {BACK TO WORK|GOT TO GO|GTG|SWAMPED|BUSY|ON BREAK|ON BREAK GTG|CANT RN} $",
	"^ MY BAD $", "^ {SORRY|APOLOGIES} FOR THE LATE {REPLY|RESPONSE} $", "^ {SORRY|} HOURS LATE $", "^ SORRY MY PHONE DIED {EARLIER|} $")

// laughedNo: a laugh before a plain no ("lol no", "jaja no thanks", "lol
// im good"), not before "im done", which may be a joke or may not.
func laughedNo(c []string) bool {
	return isLaugh(c[0]) && (laughedRefusals[at(c, 1)] || at(c, 1) == "IM" && at(c, 2) == "GOOD")
}

var laughedRefusals = newSet("NO", "NAH", "NAW", "NOPE", "NEL", "PASS")

// quitIt is quitting "it" or "the whole thing", told as done and naming
// nothing: "I gave it up", "not doing it anymore", "calling it quits", "ya
// lo deje", "ya no ando en eso". Not "im off it" alone, which the corpus's
// writers read both ways, nor "i gave up on it" (on staying sober?).
var quitIt = anchored("^ {I|} {GAVE|GIVEN} IT UP {FOR GOOD|TODAY|FINALLY|} $", "^ {IM|I AM|} OFF IT FOR GOOD $", "^ {IM|I AM|} {DONE|FINISHED} WITH IT FOR GOOD $",
	"^ {IM|I AM|} NOT DOING IT {ANYMORE|NO MORE} $", "^ YA LO DEJE $", "^ YA NO ESTOY EN ESO $", "^ YA LE PARE $", "^ YA NO ANDO EN ESO $",
	"^ YA PARE {|DESDE EL LUNES|DESDE EL MARTES|DESDE EL MIERCOLES|DESDE EL JUEVES|DESDE EL VIERNES|DESDE EL SABADO|DESDE EL DOMINGO|DESDE AYER|DESDE ANOCHE|HOY} $",
	"^ {I|} DROPPED IT $", "^ {FINALLY|} DONE WITH IT {FINALLY|} $", "^ CALLING IT QUITS {$|ON THE WHOLE THING $|ON THE WHOLE THING TODAY $|ON THESE TEXTS $}",
	"^ {IM|I AM|} {DONE|FINISHED} WITH THE WHOLE THING {FR|} $")

// programDone is the programme finished, a reason given beside a refusal
// ("ya termine el programa, ya no hace falta"), not one alone: "graduated
// the program lol" may be news to celebrate.
var programDone = anchored("^ {YA|} {TERMINE|ACABE|COMPLETE} {EL|MI} PROGRAMA $", "^ {I|} {FINISHED|COMPLETED|GRADUATED} {THE|MY} PROGRAM $")

// sighs are a reaction that may stand as a sentence before a refusal.
var sighs = newSet("YAWN", "SIGH", "UGH", "SMH", "BRUH", "MEH")

var declinePatterns = anchored("^ {I WOULD|ID} LIKE NO MORE $", "^ {THANK YOU BUT|THANKS BUT|} {I|} NO LONGER {REQUIRE|NEED} {THIS|THESE|THEM|IT} $", "^ YA BASTA $", "^ {THANK YOU|THANKS} {KINDLY|} BUT NO $",
	"^ {IM|I AM|} NOT PARTICIPATING {ANYMORE|} $", "^ {NAH|} SKIP ME $", "^ {I|} WANT NO PART OF {THIS|THESE|IT} $", "^ {I|} {AINT|AM NOT|IM NOT} DOING THIS {NO MORE|ANYMORE} $",
	"^ THATS THE LAST OF {THIS|THESE|IT} FOR ME $", "^ {IM|I AM|} {SO|} THROUGH {WITH|W} {THIS|THESE} $",
	"^ {NAH|NO|PUES|} {YA|} NO HACE FALTA {GRACIAS|} $",
	// Signing off, and Spanish ways to call an end: "logging off", "aqui
	// le paramos", "ya con esto es suficiente", "ya porfa".
	"^ {IM|I AM|I WILL BE|ILL BE|} {SIGNING|LOGGING} OFF {NOW|} $", "^ {IM|} LEAVING THE {LIST|TEXT LINE} $", "^ AQUI LE PARAMOS $",
	"^ {YA|} CON ESTO {ES|} SUFICIENTE $", "^ YA {PORFA|PORFAVOR|POR FAVOR|XFA|X FA|PLS} $", "^ {MUY AMABLES|MUY AMABLE|QUE AMABLES} PERO {YA NO|NO GRACIAS} $",
	"^ {NO NEED|DONT NEED|YOU DONT NEED|U DONT NEED} TO CHECK {ON|IN ON|UP ON} ME {ANYMORE|NO MORE|} $",
	"^ {I THINK|THINK|PRETTY SURE|} IM ALL SET WITH {THIS|THESE|THE TEXTS} {NOW|} $", "^ ERASE ME $", "^ STOP THE NOISE $", "^ {IM|} LEAVING THE PROGRAM $", "^ {DONT|DO NOT} NEED IT {NOW|ANYMORE|NO MORE} $", "^ TAKE A HINT $", "^ {YA|} ESTUVO {BUENO|} $", "^ {ADIOS|BYE|GOODBYE} {PARA SIEMPRE|FOREVER} $",
	"^ {JUST|PLEASE|} LEAVE ME $", "^ BYE FELICIA $", "^ {NAH|NOPE|NO} {BUT|} {I|} {APPRECIATE IT|APPRECIATE U|APPRECIATE YOU|THX|THANKS|THANK YOU|TY} $", "^ {ILL|I WILL} PASS ON THIS $", "^ MISS ME WITH {THAT|THIS} $", "^ {NAH|NAW|} {IM|I AM} OUT $", "^ {PLEASE|} LEAVE ME OUT {PLEASE|} $",
	"^ {NOT|NO} MORE OF {THIS|THESE|IT} $", "^ {IM|I AM} {PRETTY MUCH|SO|} DONE WITH ALL {THIS|OF THIS} {STUFF|} $", "^ {SO|IM SO} OVER THIS $",
	"^ {I|} {DONT|DO NOT} {THINK I|REALLY|} NEED THIS {NOW|ANYMORE|NO MORE|} $", "^ {WE CAN|CAN WE} {DO|TAKE|HAVE} A PAUSE $",
	"^ {WERE|WE ARE} DONE HERE $", "^ {I AM|IM|I} NOT WANT {$|IT|THIS|THESE}", "^ {JUST|} DONT $", "^ {WERE|WE ARE} ALL GOOD {HERE|} $",
	"^ {IM|I AM} GOOD ON {THAT|THIS|THESE|IT} $", "^ NUH UH $", "^ YA NO {LO|LOS|LAS} {DESEO|QUIERO|NECESITO} $", "^ {I THINK|} {IM|I AM|I} {FINISHED|FINISH|DONE} WITH {THIS|THIS THING|THESE|IT} {NOW|} $",
	"^ THATS ENOUGH {PERIOD|FOR TODAY|FOREVER} $",
	"^ {I|} CANT WITH {THESE|THESE TEXTS|THE TEXTS|YALL|YOU GUYS} {RN|RIGHT NOW|ANYMORE|NO MORE|TODAY|} $",
	"^ {I BELIEVE|I THINK|} THAT WILL BE {ALL|SUFFICIENT|QUITE SUFFICIENT|PLENTY} $", "^ MUST {YOU|U} $", "^ {I THINK|} THATS ENOUGH FOR ME {NOW|} $",
	"^ ALL SET $", "^ {NAH|NAW|NO|NOPE} {IM|I AM} {FINE|ALRIGHT|OKAY} $", "^ {YA|} NO QUIERO MAS $", "^ {NOT|NO} NEED $",
	"^ NO THANKS|THANK|THX|TY $", "^ NO THANKS|THX IM GOOD $", "^ IM GOOD GRACIAS $", "^ IM GOOD FOR NOW $", "^ IM FINE THANKS|THX|TY $", "^ IM FINE THANK YOU $", "^ ALL SET THANKS|THX|TY $", "^ IM ALL GOOD|SET THANKS|THX|TY $",
	"^ GRACIAS|THANKS|THX PERO|BUT NO THANKS|GRACIAS|THX $", "^ NO THX|THANKS YA $", "^ NAH YA NO $", "^ IM GOOD YA NO $", "^ NO THANK YOU $", "^ NO THANKS YOU $",
	"^ IM GOOD $", "^ IM GOOD THANKS|THANK $", "^ NOT FOR ME $", "^ PLEASE DONT $", "^ NO GRACIAS $",
	"^ YA NO $", "^ YA NO GRACIAS $", "^ NO MAS $", "^ QUIERO PARAR $", "^ NO PORFAVOR $", "^ NO PLEASE $",
	// Ending, leaving or declining, naming nothing: "im over this", "leave me
	// out", "not anymore", "nope, but thank you".
	"^ IM|YA DONE $", "^ I AM DONE $", "^ IM OVER THIS|IT $", "^ OVER THIS $", "^ FINISHED WITH THIS|IT $", "^ DONE W|WITH ALL THIS $",
	"^ NOT ANYMORE $", "^ NONE OF THIS ANYMORE $", "^ LEAVE ME OUT $", "^ IM NOT IN $", "^ IM OUT $",
	"^ NOPE THANKS|THX|TY $", "^ NOPE BUT THANKS|THANK $", "^ I AM FINISHED $", "^ DONE $", "^ IM DUN $", "^ NO MORE NEEDED $", "^ NOT MORE {PLEASE|} $", "^ {PLEASE|} IS ENOUGH $",
	"^ {NO THANK YOU|NO THANKS} {NO THANK YOU|NO THANKS} ~ $", "^ {BUT|} THATS ENOUGH FOR ME $", "^ NO TIME FOR THESE $", "^ {I|} DONT HAVE TIME FOR THESE {ANYMORE|NO MORE|} $", "^ {I|} DONT HAVE TIME FOR THIS {ANYMORE|NO MORE} $",
	"^ {GRACIAS PERO|} ESTO NO ES {PA|PARA} MI $", "^ NO ES {PA|PARA} MI $", "^ YA FUE SUFICIENTE {PARA MI|PA MI|} $", "^ YA TERMINE CON ESTO $", "^ NOT FOR US $",
	"^ NOT SOMETHING WE NEED $", "^ THAT WILL BE ALL $", "^ {GOODBYE|BYE|ADIOS} {AND|Y} {GOOD LUCK|GOD BLESS|THANK YOU|THANKS|GRACIAS} ~ $", "^ I WOULD RATHER NOT $", "^ ILL HAVE TO DECLINE $", "^ I HAVE NO NEED OF {THIS|IT|THESE} {ANY LONGER|ANYMORE|} $", "^ DONT COUNT {WITH|ON} ME $",
	"^ {IM|I AM} DONE {W|WITH} {THIS|IT|ALL THIS} $", "^ I {DONT|NOT} WANT $", "^ {I|} {JUST|} DONT THINK {IM|I AM} INTERESTED $", "^ {OH|} NO THANK YOU SO MUCH {THOUGH|} $", "^ I AM DONE NOW $",
	"^ IM {THRU|THROUGH} {WITH THIS|WITH THESE|} $", "^ THAT WILL BE {QUITE|} ENOUGH NOW $", "^ I {DONT|DO NOT} {BELIEVE|THINK} {THIS|IT} IS {REALLY|} FOR ME $",
	"^ {I|} {DONT|AINT} {REALLY|} NEED {THIS|IT|THESE} {ANY LONGER|ANY MORE} $", "^ I {AINT|DONT} NEED THIS NO MORE $", "^ I DONT WANT NONE OF THIS {NO MORE|ANYMORE|} $",
	"^ {COULD|CAN} WE {MAYBE|PLEASE|} {TAKE|HAVE} {A LITTLE BREAK|A LIL BREAK} {FOR A WHILE|FOR A BIT|} $", "^ {THIS|IT} {JUST|REALLY|} {ISNT|AINT} {REALLY|} FOR ME $", "^ {I|} DONT WANT THIS {CRAP|STUFF|SHIT|JUNK} {ANYMORE|NO MORE} $",
	"^ NONE OF THIS {JUNK|STUFF|CRAP|SHIT} $", "^ {THIS|IT} {JUST|REALLY|} {ISNT|AINT} {REALLY|} MY {THING|VIBE|STYLE} $", "^ THATS {SWEET|KIND|NICE} BUT NO {THANK YOU|THANKS|} $", "^ {YA|} QUIERO PARAR CON ESTO $", "^ DONE HERE $", "^ NOLONGER NEEDED $", "^ {MENSAJES|TEXTOS} NO $", "^ CERO {MENSAJES|TEXTOS} $", "^ WE ARE {DONE|FINISHED} WITH {THIS|THESE} $", "^ THAT WILL BE {QUITE|} ENOUGH $", "^ {WE|I} {WILL|SHALL} PASS $", "^ WELL PASS $",
	"^ I NOLONGER {REQUIRE|NEED} {THIS|THESE|IT|THEM} $", "^ I HAVE {ZERO|NO} NEED FOR {THIS|THESE} $", "^ {IM|} SO OVER {THIS|IT} $", "^ {NAH|} THIS {AINT|ISNT} {4|FOR} ME $",
	"^ NO MORE OF {THIS|THESE} {SHIT|CRAP|STUFF|} $", "^ {THEY|THESE} {ARE|ARENT} NOT {REALLY|} FOR ME $", "^ THEY ARENT {REALLY|} FOR ME $", "^ {I THINK|} WE NEED A {LITTLE|LIL|} BREAK {FOR A WHILE|FOR A BIT|} $",
	"^ {DESEO|QUIERO} {SALIR|SALIRME} $", "^ QUISIERA|KISIERA PARAR $", "^ {PUES|POS} FIN $", "^ NO|NOPE BUT THANK YOU|U {KINDLY|SO MUCH|VERY MUCH|} $", "^ GRACIAS PERO NO $", "^ DONT {REALLY|} NEED IT|THIS|THESE {NO MORE|ANYMORE|ANY MORE} $", "^ IM ALL SET $", "^ DONT NEED IT $",
	"^ NO DONT $", "^ YA KIERO|QUIERO PARAR $", "^ KIERO PARAR $", "^ YA ESTUVO $", "^ NOT THE RIGHT NUMBER|PERSON $",
	// "I'm all good", "im okay thx", "nah im straight", "estoy bien gracias":
	// fine without us. "I'm fine" and "estoy bien" alone say how the person
	// is, not what they want.
	"^ IM ALL GOOD $", "^ IM OK|OKAY THANKS|THX|TY $", "^ IM OK|OKAY THANK YOU $", "^ NAH|NAHH|NO IM STRAIGHT|GOOD|OK $", "^ IM STRAIGHT $", "^ NOPE|NAH|NAHH $",
	"^ ESTOY|TOY|STOY BIEN GRACIAS $", "^ NO OCUPO|NECESITO NADA $", "^ NAH|NAHH|NEL ESTOY|TOY GOOD|BIEN $",
	"^ NO|NOPE THANKS|THX|TY BYE $", "^ NOPE|NAH|NAHH NO MORE $", "^ NO MOREE $", "^ PLEASE|PLS|PLZ NO $", "^ NO|NOPE BUT THANKS|THANK|THX $",
	"^ NOTHING ELSE PLEASE|PLS|PLZ|THANKS $", "^ DONT WANT ANY MORE $", "^ NOT MINE $", "^ NO QUIERO $", "^ SUFICIENTE $", "^ NEL $",
	"^ LEAVE $", "^ YA FUE $", "^ PERO YA NO $", "^ NO ES POR MAL $", "^ CANCEL EVERYTHING|ALL $", "^ NO THANKS|THX YA $", "^ THANK|THANKS ~ AND BYE $",
	// A goodbye, naming nothing, to a line that texts daily: "bye", "chao",
	// "ok bye", "oh great another one. bye".
	"^ THANK YOU BUT NO $", "^ THANKS|THX BUT NO $", "^ ILL DECLINE $", "^ DONT $", "^ NO NO PLEASE|PLS DONT $", "^ SKIP ME $",
	"^ IM FINISHED WITH THIS|IT $", "^ I AM FINISHED WITH THIS|IT $", "^ IM SET $", "^ IM GOOD THX|TY $", "^ YA NO EH $", "^ POS|PUES YA NO $", "^ KIERO|QUIERO PARAR ESTO $",
	"^ QUIERO QUE|Q ESTO PARE $", "^ YA QUIERO PARARLE $", "^ NO INTERESADO|INTERESADA $", "^ OK|OKAY THATS ENOUGH $", "^ APPRECIATE IT BUT NO $", "^ ID RATHER NOT $", "^ IM COOL THX|THANKS $", "^ YA NEL $",
	"^ NO MASS $", "^ NI UNO MAS $", "^ DUN $", "^ IM FINISHED $", "^ THATS PLENTY $", "^ THATLL DO $", "^ NOMO $", "^ NOLONGER $",
	"^ NTY $", "^ NO THNKS|TAHNKS|THNX|THANX|TNX|THANKYOU $", "^ NOPE THANKS|THX|TY ~ $", "^ I APPRECIATE IT BUT NO ~ $", "^ APPRECIATE IT BUT NO ~ $",
	"^ BUT ILL DECLINE $", "^ POLITELY DECLINING ~ $", "^ NO THANK YOU ~ $", "^ K|OK|OKAY IM DONE $", "^ HAD ENOUGH $", "^ IVE HAD ENOUGH $",
	"^ MO MORE $", "^ NO MROE $", "^ NOO MAS $", "^ NAH NOT MY THING $", "^ NOT MY VIBE $", "^ EH NOT MY VIBE $", "^ NO NEED FOR IT ~ $", "^ IM PAST THIS $",
	"^ NAH DONT $", "^ I SAID DONT $", "^ DEAL ME OUT $", "^ NOT IN $", "^ INCLUDE ME OUT ~ $", "^ I WANT NONE OF THIS $", "^ NOT DOING THIS ANYMORE $", "^ NOT DOING THIS $",
	// "all good here", "all good bud": as "I'm good", fine without us (not
	// "all good, thanks for checking in!": statusThanks). A complaint at
	// one more text: "ugh these again", "every single day huh".
	"^ {ALL GOOD|GOOD HERE|ALL GOOD HERE|WERE GOOD HERE|WE ARE GOOD HERE} $",
	"^ UGH|OMG|SERIOUSLY|WOW|OH|REALLY|BRUH|SMH {AGAIN|ANOTHER ONE|EVERY DAY|EVERYDAY|EVERY SINGLE DAY|YOU AGAIN|U AGAIN|THESE AGAIN} {SERIOUSLY|REALLY|ALREADY|HUH|} $", "^ OH GREAT ANOTHER ONE $",
	"^ {ANOTHER ONE|EVERY DAY|EVERYDAY|EVERY SINGLE DAY} {SERIOUSLY|REALLY|ALREADY|HUH} $", "^ {YOU AGAIN|U AGAIN|THESE AGAIN} {SERIOUSLY|REALLY|ALREADY|HUH|} $", "^ AGAIN SERIOUSLY|REALLY $",
	"^ ENOUGH ALREADY $", "^ {BUT|} {ITS|IT IS|THIS IS} NO LONGER NEEDED $", "^ FINISHED WITH {ALL THIS|ALL OF THIS} $", "^ {IM|I AM} {FINISHED|DONE|DUN} WITH ALL THAT $", "^ {IM|I AM} DUN WITH {IT|THIS} $",
	"^ NO MORE {FOR ME|OK} $", "^ NO MORE OF {EM|THEM|IT|ANY OF IT} {FOR ME|} $", "^ {I|} DONT WANT ANY MORE OF {IT|THIS|THESE|EM|THEM} $", "^ THATS IT IM DONE $", "^ {IMMA|IM GONNA|ILL|IM GOING TO} HEAD OUT $", "^ DEUCES $", "^ {YA|} {DEJALO|DEJENLO} ASI $",
	"^ NONE OF THIS ANYMORE PLZ|PLS|PLEASE $", "^ ENOUGH OF ALL THIS $", "^ NO MORE OF IT $", "^ IM SO DONE WITH IT|THIS $", "^ DONE W|WITH THIS ~ $",
	"^ OVER IT HONESTLY|TBH|FR $", "^ IM STRAIGHT BRO $", "^ WE GOOD $", "^ IM ALRIGHT $", "^ GOOD FOR NOW ~ $", "^ NEL YA NO $", "^ IA NO $",
	"^ YA NO MI PANA|COMPA|AMIGO|HERMANO|BRO $", "^ SE ACABO $", "^ HASTA AQUI $", "^ TERMINADO $", "^ KIERO|QUIERO PARAR YA $", "^ QUISIERA PARAR ESTO $",
	"^ YA QUIERO QUE|Q PARE $", "^ NO INTERESA $",
	"^ {NOPE|NO|NAH} {NOPE|NO|NAH} {NOPE|NO|NAH|} $", "^ THATS IT FOR ME {THANKS|THX|} $", "^ {KINDA|PRETTY MUCH|DEADASS|LOWKEY|HONESTLY|SO|SOO} DONE {TBH|FR|HONESTLY|NOW|} $",
	"^ IS FINISH $", "^ {IM|I AM} OUT OF HERE $", "^ {IM|I AM|} {GOOD|OK|OKAY|FINE} ON MY OWN {NOW|} $", "^ {THIS IS|ITS|THESE ARE|THIS} NOLONGER {NECESSARY|NEEDED} ~ $",
	"^ {I|} DONT NEED {REMINDING|REMINDERS|THE REMINDERS} {ANYMORE|} $", "^ NOT FOR {MY|OUR} {HOUSEHOLD|HOUSE|FAMILY|HOME} $", "^ {NAH|NO} FAM {IM|} {STRAIGHT|GOOD} $", "^ WERE GOOD HERE $",
	"^ {PLEASE|PLS|PLZ} NO MORE {TODAY|TONIGHT|NOW} $", "^ QUIT {BUGGIN|BUGGING|BOTHERING|PESTERING} ME ~ $", "^ {BRO|BRUH|DUDE|MAN} {IM|I AM} {GOOD|STRAIGHT|OK|FINE} $",
	"^ I {SAID|TOLD YOU|TOLD U} NO ALREADY $", "^ {IM|I AM} OUT {YALL|GUYS|PEOPLE|FOLKS} $", "^ NO MORE NEED {THANK YOU|THANKS|} $",
	"^ {IS|IT IS|ITS} NOT FOR ME {THIS|} $", "^ {IM|I AM} GOOD ON {REMINDERS|THE REMINDERS|TEXTS|THE TEXTS|MESSAGES|THESE} $",
	"^ {I|} DONT NEED THE {PEP TALKS|PEP TALK|REMINDERS|LECTURES|QUOTES|TIPS} {THANKS|THX|} $", "^ WHOEVER THIS IS {PLEASE|} DONT $",
	"^ {GRADUATED|FINISHED THE PROGRAM} SO {IM|I AM} DONE {HERE|} $", "^ CANCEL {THAT|THE} WHOLE THING $", "^ FAREWELL $",
	// "dont want it", "changed my mind", "i said no", "ya no me sirven".
	"^ {I|} DONT WANT {ANY OF THIS|ANY OF IT|NONE OF IT} {ANYMORE|NO MORE|} $", "^ NO QUIERO {ESTO|ESO} $",
	"^ YA NO {LOS|LAS} NECESITO {GRACIAS|} $", "^ YA NO ME SIRVEN $", "^ {I|} {CHANGED|CHANGE} MY MIND {ABOUT THIS|ABOUT THESE|} $",
	"^ {YA|} {CAMBIE|CAMBIO} DE {OPINION|PARECER} $", "^ {I|} {ALREADY|} {TOLD|SAID} {YOU|U|YALL|} NO $", "^ NO MEANS NO $", "^ I QUIT {THIS|THESE} $",
	"^ {OK|OKAY|ALRIGHT|ALRIGHTY} THATS ENOUGH {NOW|ALREADY|} $", "^ THATS ENOUGH {NOW|ALREADY} $", "^ NO {TYVM|TYSM|THANKS SO MUCH} $",
	"^ {LETS|LET US} TAKE {SOME TIME OFF|A BREAK|A LITTLE BREAK|A PAUSE} $",
	// Offence, texts that do not help, "ya dije que no".
	"^ HOW DARE YOU $", "^ {I|} {HAVE|} NO FURTHER NEED {FOR|OF} {THIS|THESE|IT} $", "^ {NO|NOPE} BUT I THANK {YOU|U} {KINDLY|} $",
	"^ {PLEASE|} DONT INCLUDE ME {ANYMORE|IN THIS|IN THESE|} $", "^ I WANT NOTHING MORE {FROM|OF} {THIS|THESE|YOU} $", "^ {IM|I AM} FINISHED {W|WITH} {ALL THIS|ALL OF THIS} $", "^ ALL GOOD HERE {THX|THANKS|TY} $", "^ {IM|} {SO|} TIRED OF {THESE|THESE TEXTS|YOUR TEXTS} $", "^ I DONT THINK I WANT {THESE|THEM} {ANYMORE|NO MORE|} $",
	"^ I THINK {IM|I AM} {OK|OKAY|FINE|GOOD} WITHOUT {THESE|THEM|THE TEXTS} {NOW|} $",
	// Whose phone it is, said alone: "this is my dads phone", "este cel lo usa
	// mi hijo"; not "this is my moms phone, can you tell me about detox".
	"^ {THIS IS|ITS} MY {KIDS|CHILDS|SONS|DAUGHTERS|MOMS|DADS|MOTHERS|FATHERS|GRANDMAS|GRANDPAS|WIFES|HUSBANDS|BROTHERS|SISTERS|ABUELAS|ABUELOS|GRANDMOTHERS|GRANDFATHERS} {PHONE|NUMBER|CELL} $",
	"^ {ESTE|EL} {CEL|CELULAR|TELEFONO|PHONE|NUMERO} {ES DE|LO USA} MI {HIJO|HIJA|MAMA|PAPA|ESPOSO|ESPOSA|ABUELA|ABUELO|HERMANO|HERMANA} $", "^ SHARED PHONE {FYI|$}",
	// Someone else saw our text: "my wife saw it", "mi esposo lo vio".
	"^ MY {WIFE|HUSBAND|GF|BF|GIRLFRIEND|BOYFRIEND|MOM|DAD|BOSS|KIDS|PARTNER|ROOMMATE|SON|DAUGHTER} {SAW|ALMOST SAW} {IT|THIS|THAT|THAT ONE|$} {SMH|$}",
	"^ {MI|MY} {ESPOSO|ESPOSA|NOVIA|NOVIO|GIRLFRIEND|BOYFRIEND|MAMA|PAPA|JEFE|JEFA|HIJO|HIJA} LO VIO $", "^ {GF|BF|WIFE|HUSBAND|MY WIFE|MY HUSBAND|MY GF|MY BF|MY MOM} WENT {THRU|THROUGH} MY PHONE ~ SAW {THIS|IT|THESE|$}", "^ I FIND THIS {INSULTING|OFFENSIVE} $", "^ {THIS IS|HOW} {INSULTING|OFFENSIVE} $",
	"^ {THESE|YOUR|THE} {TEXTS|MESSAGES|} {ARENT|DONT} {HELPING|HELP} {ME|} {AT ALL|HONESTLY|TBH|} $",
	"^ {YA|} NO ME AYUDAN {ESTOS MENSAJES|LOS MENSAJES|SUS MENSAJES} $", "^ {ESTOS MENSAJES|THESE TEXTS|THESE} {YA|} NO ME AYUDAN $",
	"^ YA {DIJE|TE DIJE|LES DIJE} {QUE|Q} NO $", "^ {THIS|IT} {AINT|ISNT|IS NOT} WORKING FOR ME {FAM|BRO|HONESTLY|} $", "^ IM DONE WITH THEM $",
	"^ I|ILL RESPECTFULLY|POLITELY DECLINE $", "^ RESPECTFULLY|POLITELY DECLINE $", "^ TIME OUT $", "^ I WANT ZERO MORE $",
	"^ NO FURTHER {ONES|TEXTS|MESSAGES|} $", "^ NOTHING|NOTHIN FURTHER $", "^ {JUST|PLEASE|PLS|NOW} LET ME BE $", "^ {NAH|NO|} NOT IN ON THIS $", "^ {CAN|COULD} WE {MAYBE|} TAKE {SOME TIME OFF|A BREAK|A PAUSE} $", "^ KISIERA|QUISIERA PARAR YA $", "^ I|IM DONT WANT ANY MORE OF THIS|THESE|THEM $", "^ IVE HAD IT WITH THIS|THESE $", "^ I DONT REALLY NEED THIS|THESE|IT ~ $",
	"^ DONT NEED THIS|THESE NO MORE $", "^ NOT TODAY $", "^ NO|NAH|NOPE SIR|MAAM $", "^ NO|NAH|NOPE $", "^ NO FURTHER $", "^ TIME OUT $", "^ IM ALRIGHT $",
	"^ THIS ISNT @NAME $", "^ THIS IS NOT @NAME $", "^ THIS IS OVER FOR ME $", "^ I DONT WANT ANY MORE OF THIS $", "^ GOT NO USE FOR THIS ~ $",
	"^ THIS ISNT SOMETHING I NEED $", "^ DONT THINK THIS IS MY KIND OF THING $", "^ KINDLY DONT $", "^ NAH NOT IN ON THIS $",
	"^ IM {ALRIGHT|OK|OKAY|GOOD|STRAIGHT} {THANK YOU|THANKS|THX|TY} {THO|THOUGH} $", "^ NAH|NAW|NO|NOPE IM OK|OKAY|GOOD|STRAIGHT|ALRIGHT|FINE THANKS|THX|TY ~ $",
	"^ ALL DONE $", "^ ALL DONE HERE $", "^ SO|SOO DONE $", "^ DONE W|WITH IT $", "^ FIN DE ESTO $", "^ SALGO $", "^ YA ME SALGO $",
	"^ YA NO WE|GUEY|WEY|MANO|BRO|AMIGA|AMIGO|COMPA|MIJA|MIJO|OIGA|SENOR|SENORA $", "^ NOMAS YA $",
	// A break or some space asked of us, and nothing more: "taking a
	// break ok", "need a breather", not "taking a break from social media".
	"^ TAKING A BREAK {|OK|K|OKAY} $", "^ LETS TAKE A {BREATHER|BREAK} {|OK} $", "^ I THINK WE NEED {SOME|} SPACE {FROM EACH OTHER|} $",
	"^ NO MO $", "^ {NAH|} THIS AINT IT $", "^ NOT {REALLY|} MY {VIBE|THING|STYLE} $", "^ {EH|NAH|MEH|} {THIS|} DOESNT WORK FOR ME $", "^ {THIS|IT|} DOESNT {FIT|SUIT} ME $",
	"^ IM FINE WITHOUT {THIS|THESE} {NOW|} $", "^ OK|OKAY THATS ENOUGH NOW $", "^ IM DONE NOW|HERE $", "^ {|THANKS BUT|THX BUT|TY BUT} {ITS|THIS IS|THATS} NOT {REALLY|} MY {THING|VIBE|CUP OF TEA|STYLE} $", "^ NOT NEEDED ANYMORE $", "^ {THANKS|THX|TY} BUT {NAH|NO} $",
	"^ {THANKYOU|THANK YOU} NO $", "^ NO THANK YA $", "^ NO PLEASE DONT $", "^ NO MORE OF ALL THIS $", "^ {NOTHIN|NOTHING} MORE OF THIS $",
	"^ I DONT WANT ANY OF THIS {NO MORE|ANYMORE} $", "^ IM SO DONE {W|WITH} THIS $", "^ FINISHED WITH THIS WHOLE THING $", "^ {NAH|NO} IM COOL $", "^ IM GUCCI $",
	"^ NO MAS DE ESTO $", "^ BUT NO $", "^ {THATS|THAT IS} {KIND|SWEET|NICE} OF {YOU|YALL} BUT NO $", "^ OUT FOR ME $",
	"^ {NOPE|NAH|} NOT DOING THIS {NO MORE|ANYMORE} $", "^ DONT WANT ANY MORE OF THIS $", "^ I AM FINISHED WITH {ALL OF THIS|ALL THIS|THIS} $",
	"^ {THIS|IT|} DOESNT APPLY TO ME $", "^ CAN {YOU|YALL} {GUYS|} CHILL {FOR A BIT|FOR A WHILE|} $", "^ MAYBE A {LITTLE|LIL} BREAK $",
	"^ LETS PAUSE {THIS|THESE|IT} {FOR NOW|} $", "^ GIVE ME A BREATHER $", "^ THIS ISNT SOMETHING I NEED NOW $", "^ {CAN I GET|I NEED|NEED} A {LIL|LITTLE|} BREAK {FOR A BIT|FOR A WHILE|FROM ALL THIS|FROM THIS|FROM THESE} $",
	"^ {I THINK|} IM FINE WITHOUT {THIS|THESE} {NOW|} $", "^ NAH PLEASE NO $", "^ {IM|SO} OVER {ALL THIS|THIS} $", "^ NONE OF THIS NO MORE $",
	"^ IM FINISHED WITH {ALL OF THIS|ALL THIS|THIS} $", "^ TOTALLY|COMPLETELY DONE $", "^ NONE ANYMORE $", "^ NOTHING MORE $", "^ NOT REALLY FOR ME $", "^ NOPE|NAH NOT FOR|4 ME $",
	"^ NOT 4 ME $", "^ NOT MY CUP OF TEA $", "^ {CAN|COULD} WE {HIT|PRESS} PAUSE $", "^ NOT NEEDING {THIS|THESE} {NOW|ANYMORE|} $", "^ THIS ISNT SOMETHING I NEED ANYMORE $",
	"^ NAW IM GOOD|OK|STRAIGHT|COOL $", "^ PASS $", "^ HIT UNFOLLOW $", "^ MUTE {THIS|THIS CHAT|THESE|IT|CHAT} $", "^ RATHER NOT $", "^ OUT $",
	"^ NOT DOING THIS {NO MORE|ANYMORE} $", "^ NO MORE {DIS|THIS} $", "^ NO IM DONE $", "^ SO OVER IT $", "^ {NAH|NO} WE GOOD $", "^ YA NOP|NOUP|NOPE $",
	"^ NOPE YA NO $", "^ NOT SOMETHING I NEED $", "^ SO|SOO DONE W|WITH THIS $", "^ IM DONE HERE $", "^ NO MAS {SENOR|SENORA|MIJA|MIJO|OIGA|SENORITA} $", "^ EL FIN $", "^ {I|WE|} {NEED|NEEDS} A BREATHER {FROM ALL THIS|FROM THIS|FROM THESE|FROM YOU|FROM YALL} $",
	"^ {CAN|COULD} {WE|YOU|YALL} SLOW DOWN {|A BIT|FOR A WHILE|FOR A BIT} $", "^ {MEH|NAH|EH} NOT MY {THING|VIBE|STYLE} $", "^ I THINK WE NEED SOME SPACE $", "^ {I|} NEED SOME SPACE $",
	"^ THIS|IT AINT|ISNT MY THING|VIBE|STYLE $",
	// A bare no, alone or said again ("no", "NO.", "no no no"): a refusal
	// naming nothing. To a person who wrote lately it is an answer
	// (Classification.Decline, inbound.asAnswer).
	"^ NO $", "^ NO NO $", "^ NO NO NO $", "^ NOT ME $", "^ I DONT WANT THIS|THESE $", "^ I DONT WANT THIS|THESE STUFF|THING|SERVICE $", "^ DONT WANT THIS|THESE $",
	"^ CYA|PEACE|LATERS|LATER $", "^ DONE DONE $", "^ PEACE OUT $", "^ FINITO $", "^ LEAVE GROUP $", "^ DISLIKE $",
	"^ BYE|BAI|BYEE|CHAO|CIAO|ADIOS|GOODBYE $", "^ OK|OKAY|K BYE|CHAO|ADIOS $", "^ BYE YA $", "^ OH GREAT ANOTHER ONE $", "^ OTRA VEZ USTEDES $",
	// More of the same, naming nothing: "good bye", "bye bye",
	// "not now", "maybe later", "no need anymore", "hell no", "i dont want
	// it", "no ty im good", "this is annoying", "why wont you stop", "mejor
	// no". Not "this isnt me" (shame, said of oneself), "nvm im good" (a
	// disclosure taken back) nor "nope not anymore" (still using?).
	"^ {GOOD BYE|BYE BYE|BYEBYE|BYE NOW} $", "^ {NOT NOW|MAYBE LATER|NOT RIGHT NOW|MAYBE ANOTHER TIME|ANOTHER TIME} $",
	"^ {NOT|NO} NEEDED {ANYMORE|NO MORE|NOW|} $", "^ NO NEED {ANYMORE|NO MORE|NOW} $", "^ {HELL NO|ABSOLUTELY NOT|NO WAY JOSE|HECK NO|NO SIR} $",
	"^ {I|} {DONT|DO NOT} WANT {IT|ANY|ANY MORE} $", "^ {NO|NAH|NOPE} {THANKS|THX|TY|THANK YOU} {IM|I AM} {GOOD|OK|OKAY|FINE|STRAIGHT|ALL SET} $",
	"^ {THIS IS|THIS|THATS|SO|THESE ARE|THESE R|THESE|UR TEXTS ARE|YOUR TEXTS ARE} {GETTING|} {SO|REALLY|SOOO|VERY|} ANNOYING $", "^ {GOODBYE|BYE} FOR GOOD $", "^ QUIEN IS THIS $",
	"^ {WHY WONT|WHEN WILL|WILL|WHEN DO|DO} {YOU|U|YALL|THESE|THESE TEXTS|THE TEXTS} {EVER|} STOP {COMING|} $",
	"^ {MEJOR|AHORITA|AHORA} NO $", "^ NO GRASIAS|GRACIA|GRAX|GRACIS $", "^ {ALRIGHT|OK|OKAY} ENOUGH $", "^ DONT WANT $", "^ YA NO QUIERO $")

// onlyFillers: every token is a filler ("ok", "so"), or there are none.
func onlyFillers(toks []string) bool {
	for _, t := range toks {
		if !fillers[t] {
			return false
		}
	}
	return true
}

// reactionStop: a STOP said at a message, laughing or moved ("stop 😂
// that's so true", "omg stop you're gonna make me cry", "stop it lmao
// facts"). Many writers mean it as praise, but it names no drug and asks
// us to stop: honouring it is the safer side, and the confirmation says
// how to come back. A text that thanks us or wants more ("stop it ur
// making me cry 🥹 thank u", "keep em coming") wants the texts; a STOP
// followed by what else is stopped ("stop making me cry", "stop lying",
// "omg STOP my daughter just walked") is about that.
func reactionStop(clauses [][]string) bool {
	if len(clauses) == 0 {
		return false
	}
	c := clauses[0]
	i := 0
	for i < len(c) && (reactionOpeners[c[i]] || isLaugh(c[i])) {
		i++
	}
	switch {
	case at(c, i) == "STOP" || at(c, i) == "STAWP":
		i++
	case at(c, i) == "QUIT" && at(c, i+1) == "IT":
		i++
	default:
		return false
	}
	if at(c, i) == "IT" {
		i++
	}
	if !reactionFollows[at(c, i)] && !(at(c, i) == "" && len(clauses) > 1 && at(c, 0) != "QUIT" && movedNext[clauses[1][0]]) {
		return false // not "stop it, you'll have me crying at work" either
	}
	for _, cl := range clauses {
		for _, t := range cl {
			if wantsMore[t] || ourNouns[t] || ourGerunds[t] || t == "NUMBER" || strings.HasPrefix(t, "SPAM") {
				return false // praise, or our texts named: other rules read it
			}
		}
	}
	return true
}

// movedToThanks: a STOP said at a message that moved the person, who
// thanks us or asks for more ("stop im crying, thank u"): the texts are
// wanted.
func movedToThanks(body string, clauses [][]string) bool {
	if len(clauses) == 0 || !laughsOrCries(body, clauses) || !hasAnyToken(clauses, wantsMore) {
		return false
	}
	c := clauses[0]
	i := 0
	for i < len(c) && (reactionOpeners[c[i]] || isLaugh(c[i])) {
		i++
	}
	return at(c, i) == "STOP" && reactionFollows[at(c, i+1)]
}

// movedNext may begin the sentence after a bare "stop it" said at a
// message: "Stop it, you'll have me crying at work", "noooo stop, crying in
// the car now".
var movedNext = newSet("YOULL", "YOURE", "CRYING", "IM", "THIS", "THATS")

// laughsOrCries: the text laughs or is moved, in words or pictures. A STOP
// said at a message without either ("stop thats so true", "stop this
// hurts") is not read as a request.
func laughsOrCries(body string, clauses [][]string) bool {
	return laughs(body, clauses) || hasAnyToken(clauses, movedWords) || strings.ContainsAny(body, cryEmoji)
}

var movedWords = newSet("BAWLING", "WATERING", "CHOKED", "TEARY", "TEARED", "CRY", "CRYING", "CRIED", "TEAR", "TEARS", "TEARING", "EMOTIONAL", "FEELS", "SOBBING", "LMAOO", "LLORAR", "LLORANDO")

// lateReply: the clause says sorry for answering late and nothing more:
// "oh sorry i missed this earlier", "just now seeing all this", "oops
// didnt see this til now". c ends in "".
func lateReply(c []string) bool {
	i := 0
	for lateOpeners[at(c, i)] {
		i++
	}
	if !lateSeen[at(c, i)] {
		return false
	}
	for i++; at(c, i) != ""; i++ {
		if !lateWhat[c[i]] {
			return false
		}
	}
	return true
}

var (
	lateOpeners = newSet("OH", "SORRY", "OOPS", "UGH", "APOLOGIES", "I", "JUST", "ONLY", "NOW", "DIDNT")
	lateSeen    = newSet("SAW", "SEEN", "SEEING", "MISSED", "SEE")
	lateWhat    = newSet("THIS", "THESE", "ALL", "ONE", "YOUR", "TEXT", "TEXTS", "MESSAGE", "MESSAGES", "EARLIER", "NOW", "TIL", "UNTIL", "HOURS", "LATER", "TODAY")
)

// praises: the text says the texts help or are liked ("they help", "she
// loves the texts", "what keeps me going"); a thanks is a courtesy.
func praises(clauses [][]string) bool {
	return hasAnyToken(clauses, praiseWords) || anyMatch(keepsMeGoing, clauses)
}

var keepsMeGoing = anyOf("{KEEPS|KEEPING|KEEP} ME {GOING|SANE|ALIVE|SOBER|CLEAN|STRONG}", "KEEP IT UP", "{HELPING|HELP} ME")

// goodWords beside a frequency complaint say the texts are welcome: "you
// text too much but youre great", "a lot of texts lol good stuff".
var goodWords = newSet("GOOD", "GREAT", "PROUD", "NICE", "ALIVE", "SOBER", "CLEAN", "HELPING", "THANKS", "THANK", "THX", "TY", "GRACIAS", "KEEP", "DAYS", "DIAS")

// helpNeeded: the text asks for a person's help.
var helpNeeded = newSet("HELP", "AYUDA", "NEED", "NEEDS", "NECESITA", "NECESITO", "COUNSELOR", "CONSEJERO", "CONSEJERA")

var praiseWords = newSet("BEST", "AMAZING", "AWESOME", "LOVE", "LOVES", "HELPS", "HELPED", "HELPFUL", "APPRECIATE", "NEEDED", "INSPIRING", "BLESSED", "PERFECT", "ENJOY", "HELP", "LOVED")

// saidStop: the clause is a STOP and nothing more, said at a message:
// "stop", "omg stop", "stop it".
func saidStop(c []string) bool {
	i := 0
	for i < len(c) && reactionOpeners[c[i]] {
		i++
	}
	if at(c, i) != "STOP" && at(c, i) != "STAWP" {
		return false
	}
	if at(c, i+1) == "IT" {
		i++
	}
	return i+1 == len(c)
}

var (
	reactionOpeners = newSet("OMGG", "NO", "OMG", "MY", "GOD", "SORRY", "LOL", "LMAO", "LMFAO", "HAHA", "JAJA", "OH", "GIRL", "BRO", "DUDE", "OMFG", "AY", "AYY", "NAH", "UGH", "UGHH")
	// reactionFollows: what comes after a STOP said at a message: "you're
	// gonna make me cry", "that's so true", "so real", "lmao facts", "im
	// literally crying".
	reactionFollows = newSet("ITS", "SORRY", "YALL", "FR", "LORD", "YOULL", "CRYING", "WHY", "TOO", "REAL", "RN", "YOURE", "YOU", "YOUR", "THATS", "THAT", "SO", "FACTS", "LMAO", "LMAOO", "LOL", "LMFAO", "HAHA", "JAJA", "IM", "THIS", "OMG", "NO", "I", "NOT", "LITERALLY")
	wantsMore       = newSet("THANK", "THANKS", "THX", "TY", "GRACIAS", "LOVE", "BEAUTIFUL", "SWEET", "KEEP", "NEEDED", "BLESS", "BLESSED", "GOOD", "AMAZING",
		"BEST", "HELPFUL", "HELPS", "HELPED", "GREAT", "DAY", "PROUD", "APPRECIATE", "INSPIRING", "BLUSH", "BLUSHING")
)

// bareOptOut: the whole text is opt-out words and fillers ("Stop please",
// "STOP STOP", "quit it", "no mas", "no more please"). "end it" is not: it
// is how people speak of ending their life (crisis.go), and a person who
// may be in danger must not be unsubscribed from the support they signed up
// for on those words alone. END on its own stays an opt-out.
func bareOptOut(clauses [][]string) string {
	if len(clauses) == 1 && len(clauses[0]) == 2 && clauses[0][0] == "OPT" && clauses[0][1] != "IN" && editDistance(clauses[0][1], "OUT", 1) <= 1 ||
		len(clauses) == 1 && len(clauses[0]) == 2 && clauses[0][1] == "OUT" && opTypos[clauses[0][0]] {
		return "typo:" + strings.ToLower(clauses[0][0]+" "+clauses[0][1]) + "→OPTOUT" // "opt oit", "opt ou", "op out"
	}
	if quitSaid(clauses) {
		// "I quit", "yeah i'm quittin", "ok thats it. im quitting", "i
		// wanna quit fr", "ready to quit", "I quit today": quitting,
		// naming nothing, with nothing beside it but a few words
		// (quitWords; not "im quitting again", "ugh i quit", "help me
		// quit", "trying to quit"; nor "I quit 💪", classifyText). It may
		// be a drug; naming none, honouring it is the safer side, and the
		// confirmation says how to come back. To a person who wrote
		// lately it is an answer (declineRules): "did you quit?" "I quit".
		return "revocation:i quit"
	}
	if stopSaid(clauses) {
		// "I want to stop", "ready to stop", "stopping today", "I
		// stopped.": the same, with STOP. Not "I need to stop" ("Stop. I
		// need to stop."), nor "want it to stop" (a plea, crisis.go).
		return "revocation:i stop"
	}
	if len(clauses) == 1 && quitIt.whole(clauses[0]) {
		// "I gave it up", "not doing it anymore", "ya lo deje": quitting
		// "it", told as done, the whole text; read as "I quit" is.
		return "revocation:i quit"
	}
	if len(clauses) == 1 && howToQuit(clauses[0]) {
		// "how do i quit": how to leave, naming nothing; to a person who
		// wrote lately, a question about the drug (declineRules).
		return "revocation:how do i quit"
	}
	var toks []string
	held := "" // the rule when a key word had a letter doubled by a slip
	for _, c := range clauses {
		for i := 0; i < len(c); i++ {
			switch {
			case (c[i] == "END" || c[i] == "ENDING") && at(c, i+1) == "IT":
				return ""
			case c[i] == "QUIT" && at(c, i+1) == "AGAIN":
				return "" // "quit again lol": quitting a drug once more
			case bodyStopWords[c[i]] && (at(c, i+1) == "ME" && selfStops[c[i]] || tagalogVerb[at(c, i-1)]):
				return "" // "stop me bud", "mag stop": the person stopping, not us
			case c[i] == "I" && at(c, i+1) == "SAID":
				i++
			case c[i] == "SO" && at(c, i+1) == "MUCH" && i > 0:
				i++ // "cancel thx so much"
			case c[i] == "N" && i > 0:
				// "stop pls n thank u"
			case isLaugh(c[i]):
				// "ya basta jajaja", "stop lmaooo": a laugh beside the
				// request, as "stop lol" (a filler).
			case firstNames[c[i]] && i > 0 && onlyWords(toks, bodyStopWords):
				// "STOP - Linda": signed
			case c[i] == "I" && at(c, i+1) == "QUIT" && len(clauses) == 1 && allIn(c, quitWords):
				// "I quit", "I QUIT I QUIT", and nothing more: a refusal that
				// names nothing, honoured (not "I quit last week", "I want to
				// quit", "I need to quit": words about the person's life).
			case (c[i] == "IM" || c[i] == "HEREBY") && at(c, i+1) == "QUITTING" && len(clauses) <= 2 && allIn(c, quitWords) && allIn(clauses[0], quitWords):
				// "ok thats it im quitting", "Hereby quitting."
				toks = append(toks, "QUIT")
				i++
			case c[i] == "QUITTING" && len(clauses) == 1 && allIn(c, quitWords):
				toks = append(toks, "QUIT")
			case c[i] == "THATS" && at(c, i+1) == "IT" && (i == 0 || onlyFillers(c[:i])):
				i++ // "ok thats it, stop"
			case c[i] == "I":
				return ""
			case (c[i] == "NO" || c[i] == "YA") && (at(c, i+1) == "MAS" || at(c, i+1) == "MORE" || at(c, i+1) == "NO"):
				toks = append(toks, "BASTA")
				i++
				if c[i] == "NO" && (at(c, i+1) == "MAS" || at(c, i+1) == "MORE") {
					i++ // "STOP ya no mas pls"
				}
			case (c[i] == "POR" || c[i] == "X") && at(c, i+1) == "FAVOR":
				i++
			case c[i] == "STOP" && at(c, i+1) == "ME":
				return "" // "please stop me" asks for help, not for silence
			case (c[i] == "THO" || c[i] == "THOUGH") && i > 0 && clauseStopWords[c[i-1]]:
				// "stop tho srsly"; not "quit tho", "end tho?"
			case c[i] == "OF" && (at(c, i+1) == "THIS" || at(c, i+1) == "THAT" || at(c, i+1) == "THESE"):
				i++
			default:
				t := c[i]
				if u := undouble(t); u != t && !bodyStopWords[t] && !fillers[t] && !bareRealWords[t] && (bodyStopWords[u] || fillers[u] || u == "PLZ") {
					if bodyStopWords[u] && held == "" {
						held = "typo:" + strings.ToLower(t) + "→" + u
					}
					t = u // "altoo altooo", "STOPPPPP plzz": a letter held down
				}
				if t == "PLZ" || t == "PLS" {
					t = "PLEASE"
				}
				toks = append(toks, t)
			}
		}
	}
	if onlyWords(toks, bodyStopWords) {
		if held != "" {
			return held
		}
		for _, t := range toks {
			if bodyStopWords[t] {
				return "bare:" + t
			}
		}
	}
	// A key word spelt out or broken up: "s t o p please", "s.t.o.p.",
	// "st op now", "al to x favor".
	if w := spacedOut(toks); bodyStopWords[w] {
		return "spaced:" + w
	}
	// A short key word mistyped, as the whole text: "stpo", "sotp pls".
	var word string
	for _, t := range toks {
		if fillers[t] {
			continue
		}
		if word != "" {
			return ""
		}
		word = t
	}
	if k := shortTypoOf(word); k != "" {
		return "typo:" + strings.ToLower(word) + "→" + k
	}
	if k := shortTypoOf(undouble(word)); k != "" && undouble(word) != word {
		return "typo:" + strings.ToLower(word) + "→" + k // "sotppppp"
	}
	if stopShort[word] {
		return "typo:" + strings.ToLower(word) + "→STOP" // "sto", "sop": a letter dropped
	}
	// Words run together: "stopstopstop", "takemeoff", "yanomemandenmas".
	if parts := glued(word); parts != nil {
		if r := revokes([][]string{parts}); r != "" {
			return "glued:" + r
		}
	}
	// A key word with a letter doubled by a slip: "sstop", "ENDD", "pararr".
	if u := undouble(word); u != word && bodyStopWords[u] && !bareRealWords[word] {
		return "typo:" + strings.ToLower(word) + "→" + u
	}
	// A long key word one edit off: "rmove", "detenr", "cancell".
	if len(word) >= 5 && !bareRealWords[word] && !realWords[word] && !bodyStopWords[word] {
		for _, t := range bareTypoTargets {
			if editDistance(word, t, 1) <= 1 {
				return "typo:" + strings.ToLower(word) + "→" + t
			}
		}
	}
	return ""
}

// spacedOut joins the words that are not fillers when each is one or two
// letters and there are at least two of them ("S T O P", "ST OP"), or
// returns "".
func spacedOut(toks []string) string {
	var b strings.Builder
	n := 0
	for _, t := range toks {
		if fillers[t] && len(t) > 2 {
			continue
		}
		if len(t) > 2 {
			return ""
		}
		if t == "0" {
			t = "O" // "S T 0 P"
		}
		b.WriteString(t)
		n++
	}
	if n < 2 {
		return ""
	}
	return b.String()
}

// glued splits a word run together from opt-out words and fillers
// ("STOPSTOPSTOP", "TAKEMEOFF"), or returns nil.
func glued(w string) []string { return gluedFrom(w, gluable) }

// gluedFrom splits w into words of vocab, or returns nil.
func gluedFrom(w string, vocab set) []string {
	if len(w) < 6 || len(w) > 32 {
		return nil
	}
	// best[i]: a split of w[:i] into known words, nil if none.
	best := make([][]string, len(w)+1)
	best[0] = []string{}
	for i := 1; i <= len(w); i++ {
		for j := max(0, i-11); j < i; j++ {
			if best[j] != nil && vocab[w[j:i]] {
				best[i] = append(append([]string{}, best[j]...), w[j:i])
				break
			}
		}
	}
	if p := best[len(w)]; len(p) > 1 {
		return p
	}
	return nil
}

var gluable = union(union(bodyStopWords, fillers), newSet("TAKE", "OFF", "MANDEN", "MAS", "NO", "TEXTING", "STOP", "ME", "YA", "REMOVE", "UNSUBSCRIBE", "MORE", "TEXTS",
	"GO", "AWAY", "YANOMAS", "WRONG", "NUMBER", "NOT", "INTERESTED", "NUMERO", "EQUIVOCADO", "INTERESA", "CONOZCO", "LEAVE", "ALONE"))

// bareTypoTargets are the key words of five letters or more that a whole
// text one edit off is read as, in a fixed order. Not the words that only
// dismiss (DEJENME, LARGATE) or are near words of their own (DETENTE and
// demente, TERMINAR and terminal, DELETE and deleted).
var bareTypoTargets = func() []string {
	var out []string
	for t := range bodyStopWords {
		if len(t) >= 5 && !noTypoStopWords[t] {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}()

var noTypoStopWords = newSet("UNFOLLOWED", "UNADD", "DETENTE", "TERMINAR", "FINALIZAR", "DELETE", "UNJOIN", "DEREGISTER", "CANCELLATION", "DEBAJA", "APAGAR",
	"OPTMEOUT", "SILENCIAR", "DEJENME", "DEJAME", "CALLATE", "CALLENSE", "LARGATE", "LARGUENSE", "LARGO", "VAYANSE", "BAJAR", "STOPPEN",
	"ERASE", "SHUTUP", "FUCKOFF", "UNREGISTER", "UNLIST", "NOTEXTS", "NOTEXT")

// stopShort are STOP with a letter dropped, read only as the whole text:
// TOP and SOT are words people send alone.
var stopShort = newSet("STO", "SOP", "SPT")

// allIn: every token is one of words.
func allIn(toks []string, words set) bool {
	for _, t := range toks {
		if !words[t] {
			return false
		}
	}
	return true
}

// streetNames are first names that also name a drug: "not today tina"
// (meth), "no Charlie" (cocaine), "no more Jack" (whiskey).
var streetNames = newSet("TINA", "CHARLIE", "GINA", "MARY", "JACK", "HENRY", "MOLLY", "LUCY", "JANE", "CRYSTAL", "JUANITA", "DIANE", "ROXY", "MARIA")

// selfStops, followed by ME, ask someone to stop the writer: "stop me
// bud", "detenme".
var selfStops = newSet("STOP", "QUIT", "PARA", "PARAR", "DETEN", "DETENER", "ALTO", "STOPP", "STAHP")

// quitSaid: the whole text, in at most three sentences, says the writer
// quits or means to, and nothing else (quitWords): "I quit", "ok thats
// it. im quitting", "gonna quit now", "I need to quit", "QUIT. for real
// this time". A writer must be there (I, IM, GONNA, WANNA, READY...):
// "quit please" and "quit it" ask us, and are read as such elsewhere.
func quitSaid(clauses [][]string) bool {
	return intentSaid(clauses, 3, quitWords, quitWriters, func(c []string, i int) bool { return c[i] == "QUIT" || c[i] == "QUITTING" }) || soleSaid(clauses, "QUIT")
}

// soleSaid, with verb QUIT or STOP: "trying to quit", "im trying to
// stop", "tryna quit", "I need to stop", "i really have to stop", the
// whole text in one sentence, said once and naming nothing: as bare as "I want to quit", and read the
// same way. Beside anything else ("trying to quit. day 3", "Stop. I need
// to stop."), said twice ("I need to stop I need to stop"), after a yes
// ("yeah im trying to quit": an answer) or with a picture (classifyText)
// it is the person's struggle.
func soleSaid(clauses [][]string, verb string) bool {
	if len(clauses) != 1 {
		return false
	}
	c := forGoodCut(clauses[0])
	verbs, trying, really := 0, 0, 0
	for i, t := range c {
		switch {
		case verbs > 0:
			if !soleTail[t] {
				return false // "im trying to quit i really am"
			}
		case t == verb:
			if p := at(c, i-1); p != "TO" && p != "TRYNA" && p != "GOTTA" {
				return false
			}
			verbs++
		case !soleWords[t]:
			return false
		case t == "TRYING" || t == "TRYNA" || t == "NEED" || t == "HAVE" || t == "GOTTA" || t == "GOT":
			trying++
		case t == "REALLY":
			really++
		}
	}
	return verbs == 1 && trying == 1 && really <= 1
}

// opTypos are OPT mistyped before OUT: "op out", "otp out".
var opTypos = newSet("OP", "OTP", "0PT", "OPPT", "OPTT", "OPR", "OPG")

var (
	soleWords = newSet("I", "IM", "AM", "REALLY", "TRYING", "TRYNA", "TO", "NEED", "HAVE", "GOTTA", "GOT")
	soleTail  = newSet("FR", "FOR", "REAL")
)

// stopSaid is quitSaid for STOP: "I want to stop", "wanna stop for real
// this time", "think im ready to stop", "time to stop", "I stopped.".
func stopSaid(clauses [][]string) bool {
	return intentSaid(clauses, 2, stopIntentWords, stopWriters, func(c []string, i int) bool {
		return c[i] == "STOP" && (at(c, i-1) == "TO" && at(c, i-2) != "THIS" || at(c, i-1) == "WANNA") || c[i] == "STOPPING" || c[i] == "STOPPED"
	}) || soleSaid(clauses, "STOP")
}

// intentSaid: at most max clauses, all of words, with a verb (verbAt) and
// one of writers among them.
func intentSaid(clauses [][]string, max int, words, writers set, verbAt func(c []string, i int) bool) bool {
	if len(clauses) == 0 || len(clauses) > max {
		return false
	}
	verb, writer := false, false
	for _, c := range clauses {
		if len(clauses) > 1 && asideClause(c) {
			continue // "sorry just saw this. i quit", "Quitting now, thank you dear"
		}
		c = forGoodCut(c)
		if !allIn(c, words) {
			return false
		}
		for i, t := range c {
			verb = verb || verbAt(c, i)
			writer = writer || writers[t]
		}
	}
	return verb && writer
}

// asideClause is a sentence said beside a quit that leaves it as it is: a
// late reply ("sorry just saw this") or thanks ("thank you dear").
func asideClause(c []string) bool {
	form := append(c[:len(c):len(c)], "")
	if lateReply(form) && hasAny(c, lateMarks) {
		return true // not "i saw. i quit"
	}
	if c[0] != "THANK" && c[0] != "THANKS" && c[0] != "THX" && c[0] != "TY" && c[0] != "GRACIAS" {
		return false
	}
	for _, t := range c[1:] {
		if t != "YOU" && t != "U" && !softeners[t] {
			return false
		}
	}
	return true
}

var lateMarks = newSet("SORRY", "JUST", "LATE")

// forGoodCut drops "for good" (and "for good this time") from the end of
// a clause: "I quit for good", "finally stopped for good"; not GOOD on its
// own ("good, i quit").
func forGoodCut(c []string) []string {
	n := len(c)
	if n >= 4 && c[n-2] == "THIS" && c[n-1] == "TIME" && c[n-4] == "FOR" && c[n-3] == "GOOD" {
		return c[:n-4]
	}
	if n >= 2 && c[n-2] == "FOR" && c[n-1] == "GOOD" {
		return c[:n-2]
	}
	return c
}

// howToQuit asks how to quit, naming nothing: "how do i quit", "so how
// can u even quit". Not "how do i stop??", the plea of someone who cannot
// (ownStopCue), nor "how do i get out".
func howToQuit(c []string) bool {
	i := 0
	if howOpeners[at(c, i)] {
		i++
	}
	if at(c, i) != "HOW" || !howAsks[at(c, i+1)] || !howWho[at(c, i+2)] {
		return false
	}
	i += 3
	if at(c, i) == "EVEN" {
		i++
	}
	if at(c, i) != "QUIT" {
		return false
	}
	i++
	return i == len(c) || i == len(c)-1 && howEnds[c[i]]
}

var (
	howOpeners = newSet("SO", "OK", "UM", "HEY")
	howAsks    = newSet("DO", "CAN", "WOULD")
	howWho     = newSet("I", "U", "YOU", "WE")
	howEnds    = newSet("NOW", "PLEASE", "PLS", "LOL")
)

// stopIntentWords may stand beside a STOP of the writer's own. Not NEED,
// GOTTA, GOING or IT: "I need to stop" (said to oneself: "Stop. I need to
// stop."), "I'm going to stop", "want it to stop".
var stopIntentWords = newSet("I", "IM", "AM", "WANT", "WANNA", "TO", "STOP", "STOPPING", "STOPPED", "READY", "THINK", "IMMA", "DECIDED", "ID", "LIKE", "WOULD",
	"REALLY", "FOR", "REAL", "THIS", "TIME", "FR", "TODAY", "NOW", "RN", "OK", "OKAY", "SO", "YEAH", "WELL", "NGL", "TBH", "LOL", "PLEASE", "PLS", "ITS", "OFFICIALLY", "FINALLY")

// stopWriters say who stops, or that they mean to.
var stopWriters = newSet("I", "IM", "WANNA", "WANT", "READY", "IMMA", "DECIDED", "ID", "STOPPING", "STOPPED", "TIME")

// quitWords may stand beside an "I quit": "ok thats it im quitting", "I
// QUIT I QUIT", "i wanna quit fr", "I think its time i quit", "I need to
// quit", "I finally quit", "I quit for good this time": a
// quit told as done or decided now, naming nothing. Not AGAIN, UGH,
// TRYING, HELP, CANT, TOMORROW or DAY: "im quitting again", "ugh i quit",
// "trying to quit", "help me quit", "I can't quit", "ill quit tomorrow",
// "quit. day 1" tell a struggle or a plan, the person's own.
var quitWords = newSet("AM", "NOW", "PERIOD", "NGL", "SO", "GUESS", "THAT", "THATS", "OK", "OKAY", "K", "WELP", "YEP", "YEAH", "YUP", "WELL", "QUIT", "QUITTING", "I", "IM", "HEREBY", "IT", "LOL", "LMAO", "PLEASE", "BYE", "THANKS", "THX",
	"WANT", "WANNA", "TO", "NEED", "GOTTA", "HAVE", "WOULD", "LIKE", "ID", "DECIDED", "IVE", "READY", "REALLY", "FOR", "REAL", "THIS", "TIME", "FR", "FRFR", "TODAY",
	"GONNA", "IMMA", "IMA", "GOING", "OFFICIALLY", "THINK", "ITS", "TBH", "HONESTLY", "RN", "ILL", "WILL", "THEN", "IGHT", "AIGHT", "ALRIGHT", "AND", "PLS", "PLZ", "WHATEVER", "GOT", "BAD", "SWEAR", "MEAN", "THO", "JUST",
	"FINALLY")

// quitWriters say who quits, or that they mean to: "I quit", "gonna
// quit", "ready to quit".
var quitWriters = newSet("I", "IM", "IMMA", "IMA", "GONNA", "GOING", "GOT", "WANNA", "WANT", "NEED", "GOTTA", "READY", "DECIDED", "ID", "ILL", "QUITTING")

// bareRealWords are words of their own one slip away from a key word.
var bareRealWords = newSet("PAGAR", "PAGAN", "PAGUE", "OFFER", "REMOTE", "SALIO", "SALIRA", "PARAN", "PARAS", "PARED", "OVERT", "COVER",
	"OVEN", "ENDS", "QUITE", "QUITO", "QUITA", "CANCER", "SPAMS", "BORRAR", "DONE", "BLOCKED", "ENOUGH")

// stopClause: one clause of a longer text is a bare STOP ("Stop. Thank you
// for the help"), perhaps addressed to us ("can you stop", "you can stop
// now") or run into the next sentence without a full stop ("please stop I
// can't take it"). "I need to stop" and "need to stop" are about the person,
// and so is anything with I before the STOP.
func stopClause(c []string) bool {
	i := 0
	for i < len(c) && addressed[c[i]] {
		i++
	}
	if !clauseStopWords[at(c, i)] {
		return false
	}
	if at(c, i+1) == "ME" {
		return false // "please stop me", "stop me im driving to him" ask for help, not for silence
	}
	if rest := c[i+1:]; len(rest) > 0 && bareHelp.whole(rest) {
		return true // "STOP help me": the stop, and a plea beside it (stopThenPlea)
	}
	for _, t := range c[i+1:] {
		if newSentence[t] {
			return true
		}
		if !fillers[t] && !clauseStopWords[t] {
			return false
		}
	}
	return true
}

// runOnStop: a sentence run into a final STOP without a full stop, as "my
// wife reads my phone stop" for "my wife reads my phone. Stop": read it as
// its punctuated twin, which stopClause already takes as an opt-out. Not
// when the words before make STOP the verb of the person's own sentence:
// "I can't stop", "make it stop", "the cravings won't stop", "how do I
// stop", "I need to stop" (ownStop, ownStopCue).
func runOnStop(c []string) bool {
	end := len(c)
	for end > 0 && fillers[c[end-1]] && c[end-1] != "IT" && c[end-1] != "ALL" {
		end--
	}
	if end < 2 || c[end-1] != "STOP" || ownStop[c[end-2]] || questionStart[c[0]] || at(c, end) == "ME" || stopNoun[c[end-2]] || tagalogVerb[c[end-2]] {
		return false
	}
	for _, t := range c[:end-1] {
		if ownStopCue[t] || stopVerbs[t] {
			return false
		}
	}
	return true
}

// stopNoun before a final STOP makes it a noun: "from the bus stop", "at
// the next stop", "a pit stop".
var stopNoun = newSet("BUS", "TRUCK", "PIT", "NEXT", "LAST", "FIRST", "THE", "A", "FULL", "NON", "REST", "TRAIN", "MY", "YOUR", "THAT", "THIS")

// onlyWords: every token is a filler or one of words, and at least one is
// one of words.
func onlyWords(toks []string, words set) bool {
	found := false
	for _, t := range toks {
		switch {
		case words[t]:
			found = true
		case fillers[t]:
		default:
			return false
		}
	}
	return found
}

// stopsMessages: a stop verb whose object is the messages: "please stop
// texting me", "stop sending me messages", "cancel my subscription", "quit
// the texts". "how do I stop the cravings" and "I can't stop texting him"
// are not.
func stopsMessages(c []string) bool {
	for i, t := range c {
		if !stopVerbs[t] || selfNegations[at(c, i-1)] || toldSomeoneElse(c[:i]) {
			continue
		}
		if messageObject(c, i+1, bridge) || numberObject(c, i+1) {
			return true
		}
	}
	return false
}

// toldSomeoneElse: "I told my dealer to stop texting me" reports what the
// person asked of someone else.
func toldSomeoneElse(before []string) bool {
	for i, t := range before {
		if (t == "DIJE" || t == "DIJO") && (at(before, i-1) == "LES" || at(before, i-1) == "LE") && at(before, i+1) == "A" {
			return true // "les dije a los del barrio"
		}
		if t == "TOLD" || t == "ASKED" {
			switch at(before, i+1) {
			case "YOU", "YALL", "US", "THIS", "":
				continue
			}
			return true
		}
	}
	return false
}

// numberObject: from j, perhaps after one verb in -ING, this number itself
// and nothing more: "stop using this number", "stop calling my number",
// "quit using my phone number please". The object decides: "stop using
// drugs", "stop using" and "stop using my phone" (a device, the person's own
// habit) are not.
func numberObject(c []string, j int) bool {
	if t := at(c, j); strings.HasSuffix(t, "ING") && !messageGerunds[t] {
		j++
	}
	switch at(c, j) {
	case "THIS", "THAT", "MY", "YOUR":
	default:
		return false
	}
	k := j + 1
	switch at(c, k) {
	case "NUMBER", "NUM", "#":
	case "PHONE", "CELL":
		if at(c, k+1) == "NUMBER" {
			k++
		} else if at(c, j) != "THIS" {
			return false // "stop using my phone" is about the person's habit
		}
	default:
		return false
	}
	for _, t := range c[k+1:] {
		if !fillers[t] && t != "ANYMORE" {
			return false
		}
	}
	return true
}

// messageObject: from j, after at most four bridge words, the messages
// themselves (or us texting them).
func messageObject(c []string, j int, bridge set) bool {
	k := j
	for n := 0; n < 4 && bridge[at(c, k)]; n++ {
		k++
	}
	t := at(c, k)
	switch {
	case t == "" && k > j && (c[k-1] == "THESE" || c[k-1] == "THOSE"):
		return true // "is there a way to stop getting these"
	case afterThese[t] && k == j+1 && c[j] == "THESE" && j > 0 && (at(c, j-2) == "PLEASE" || onlyWords(append(slices.Clone(c[:j-1]), "PLEASE"), commandWords)):
		return true // "pls stop these before she sees", not "how do I stop these before I relapse"
	case messageGerunds[t]:
		return gerundObject(c, t, k+1)
	case messageNouns[t]:
		return nounFollows(c, k+1)
	case textTopics[t] && messageNouns[at(c, k+1)]:
		return nounFollows(c, k+2) // "stop the drug texts"
	}
	return false
}

// afterThese may follow "stop these" without naming another thing:
// "stop these before she sees", not "stop these cravings".
var afterThese = newSet("BEFORE", "NOW", "ASAP", "ALREADY", "IMMEDIATELY", "PLEASE", "OR", "TODAY", "FOREVER")

// commandWords may stand before a stop verb that is said to us: "pls",
// "can you", "yall".
var commandWords = newSet("PLEASE", "CAN", "COULD", "YOU", "YALL", "GUYS", "OK", "OKAY", "SO", "AND", "NOW", "HEY", "YO")

// textTopics name what our texts are about, before the texts: "stop
// sending drug messages", "no more recovery texts".
var textTopics = newSet("DRUG", "DRUGS", "RECOVERY", "ADDICTION", "REHAB", "SOBRIETY", "TREATMENT")

// gerundObject: what follows "stop texting" / "stop sending" makes it about us.
func gerundObject(c []string, gerund string, k int) bool {
	if gerund == "SENDING" || gerund == "SEND" {
		if t := at(c, k); t == "ME" || t == "US" {
			k++
		} else if (t == "MY" || t == "MI") && family[at(c, k+1)] && !slices.ContainsFunc(c[:k], func(w string) bool { return ownStopCue[w] || w == "I" || w == "IM" }) {
			k += 2 // "stop sending my wife this stuff", not "how do i stop sending my brother texts when im high"
		}
		t := at(c, k)
		return t == "" || sendObjects[t] || messageNouns[t] || textTopics[t] && messageNouns[at(c, k+1)]
	}
	t := at(c, k)
	switch {
	case t == "":
		return true
	case t == "THIS" || t == "MY" || t == "MI":
		n := at(c, k+1)
		if phoneNoun(at(c, k+2)) && at(c, k+3) == "" {
			n = at(c, k+2) // "my work phone", "this old number"
		}
		return n == "" || phoneNoun(n) || (t == "MY" || t == "MI") && family[n]
	case t == "HIS" || t == "HER" || t == "THEIR":
		// "please stop texting his phone", not "I need to stop texting
		// her phone" (the person's own habit).
		for _, w := range c[:k] {
			if ownStopCue[w] || w == "I" || w == "IM" {
				return false
			}
		}
		return phoneNoun(at(c, k+1))
	case t == "IT" && at(c, k+1) == "":
		return true // "please stop texting it" (this number)
	}
	return afterGerund[t]
}

func phoneNoun(t string) bool { return t == "NUMBER" || t == "PHONE" || t == "CELL" }

// nounFollows: "stop the texts from my sponsor" is someone else's texts.
func nounFollows(c []string, k int) bool {
	if at(c, k) != "FROM" {
		return true
	}
	switch at(c, k+1) {
	case "YOU", "YALL", "THIS", "THESE", "YOUR", "US", "THE", "THAT", "HERE", "":
		return true
	}
	return false
}

// noMore: a clause that opens with "no (more)" or "enough" and is about the
// messages and nothing else: "no more texts please", "enough with the
// messages". "no text today?" is not.
func noMore(c []string) bool {
	i := 0
	for i < len(c) && fillers[c[i]] && c[i] != "NO" {
		i++
	}
	if t := at(c, i); t != "NO" && t != "ENOUGH" {
		return false
	}
	k := i + 1
	for n := 0; n < 4 && bridge[at(c, k)]; n++ {
		k++
	}
	t := at(c, k)
	if !messageNouns[t] && !messageGerunds[t] {
		return false
	}
	if (t == "TEXT" || t == "MESSAGE") && at(c, k-1) != "MORE" && at(c, k-1) != "ANY" {
		return false // singular and bare: "no text today" is a question
	}
	for _, r := range c[k+1:] {
		if !fillers[r] && r != "ANYMORE" {
			return false
		}
	}
	return true
}

// unsubscribes: words that only ever mean leaving a list, unless negated:
// "how do I unsubscribe", "I opted out already", "opt me out", "I revoke my
// consent". "I opted out of the methadone program" is about treatment.
func unsubscribes(c []string) bool {
	for i, t := range c {
		switch t {
		case "UNSUBSCRIBE", "UNSUBSCRIBED", "UNSUBSCRIBING":
		case "OPTOUT":
			if at(c, i+1) == "OF" && !ofMessages(c, i+2) {
				continue
			}
		case "OPT", "OPTING":
			if at(c, i+1) != "ME" || at(c, i+2) != "OUT" {
				continue
			}
		case "REVOKE", "REVOKING", "REVOKED":
			// "my license was revoked" is not about us: only revoking
			// consent counts (a bare REVOKE is a keyword or a stop clause).
			if !consentWithin(c, i+1, 3) && !(at(c, i-1) == "I" && at(c, i+1) == "") {
				continue
			}
		default:
			continue
		}
		if !negatedBefore(c, i, 3) {
			return true
		}
	}
	return false
}

func ofMessages(c []string, k int) bool {
	for bridge[at(c, k)] || listDeterminers[at(c, k)] {
		k++
	}
	t := at(c, k)
	return t == "" || messageNouns[t] || t == "LIST" || t == "PROGRAM" || t == "SERVICE" || t == "THING"
}

func consentWithin(c []string, k, n int) bool {
	for j := k; j < k+n && j < len(c); j++ {
		switch c[j] {
		case "CONSENT", "PERMISSION", "AUTHORIZATION", "SUBSCRIPTION", "AGREEMENT":
			return true
		}
	}
	return false
}

// negatedBefore: one of the n tokens before i is a negation.
func negatedBefore(c []string, i, n int) bool {
	for j := i - 1; j >= 0 && j >= i-n; j-- {
		if negations[c[j]] {
			return true
		}
	}
	return false
}

// doesNotWant: "I don't want these messages", "I no longer want texts",
// "don't want to be on this list", "I don't need you texting me".
func doesNotWant(c []string) bool {
	for i, t := range c {
		if t != "DONT" && t != "NEVER" && t != "NOLONGER" && t != "DIDNT" {
			continue
		}
		j := i + 1
		if w := at(c, j); w == "REALLY" || w == "EVEN" || w == "EVER" {
			j++
		}
		switch at(c, j) {
		case "WANT", "NEED", "LIKE", "WISH", "WANNA":
		default:
			continue
		}
		if messageObject(c, j+1, wantBridge) || listAfter(c, j+1, wantBridge) || theseAtEnd(c, j+1) {
			return true
		}
	}
	return false
}

// theseAtEnd: "I no longer want to receive these", "don't want them". Not
// "this" or "it": "I don't want this" is as often about a life as a text.
func theseAtEnd(c []string, k int) bool {
	for k < len(c) && (c[k] == "TO" || c[k] == "RECEIVE" || c[k] == "GET" || c[k] == "GETTING" ||
		c[k] == "RECEIVING" || c[k] == "ANY" || c[k] == "MORE" || c[k] == "OF") {
		k++
	}
	if t := at(c, k); t != "THESE" && t != "THEM" && t != "THOSE" {
		return false
	}
	for _, t := range c[k+1:] {
		if !fillers[t] && t != "ANYMORE" {
			return false
		}
	}
	return true
}

// listAfter: "... to be on this list", "... to be subscribed".
func listAfter(c []string, k int, skip set) bool {
	for n := 0; n < 6 && skip[at(c, k)]; n++ {
		k++
	}
	switch at(c, k) {
	case "LIST", "SUBSCRIBED", "ENROLLED", "SIGNED", "TEXTED", "CONTACTED", "MESSAGED":
		return true
	}
	return false
}

// noContact: "don't text me anymore", "never contact me again", "do not
// send me anything". "don't text my dealer" and "don't send me to rehab"
// are not.
func noContact(c []string) bool {
	for i, t := range c {
		if t != "DONT" && t != "NEVER" {
			continue
		}
		j := i + 1
		for at(c, j) == "EVER" || at(c, j) == "AGAIN" || at(c, j) == "PLEASE" {
			j++
		}
		v := at(c, j)
		if !contactVerbs[v] {
			continue
		}
		if v == "SEND" {
			if gerundObject(c, "SEND", j+1) {
				return true
			}
			continue
		}
		if gerundObject(c, v, j+1) {
			return true
		}
	}
	return false
}

// removeMe: "take me off this list", "remove me", "remove me from your
// texts", "delete my number". "take me off methadone" and "remove me from
// the detox waitlist" are about treatment.
func removeMe(c []string) bool {
	for i, t := range c {
		if negatedBefore(c, i, 2) {
			continue
		}
		switch t {
		case "TAKE", "GET", "PUT":
			if at(c, i+1) == "ME" && at(c, i+2) == "OFF" && offList(c, i+3) {
				return true
			}
		case "WANT", "WANNA":
			// "I want off this list", never "I want off methadone".
			if at(c, i+1) == "OFF" && at(c, i+2) != "" && offList(c, i+2) {
				return true
			}
			if (at(c, i+1) == "MY" || at(c, i+1) == "THIS") && at(c, i+2) == "NUMBER" &&
				(at(c, i+3) == "OFF" || at(c, i+3) == "OUT") && offList(c, i+4) {
				return true
			}
		case "REMOVE", "DROP", "UNENROLL", "DISENROLL", "DELETE", "UNSUBSCRIBE":
			if at(c, i+1) == "ME" {
				rest := at(c, i+2)
				if rest == "" || fillers[rest] || rest == "I" || rest == "IM" || rest == "OFF" && offList(c, i+3) || rest == "FROM" && offList(c, i+3) {
					return true
				}
			}
		}
		switch t {
		case "REMOVE", "DELETE", "ERASE", "LOSE", "FORGET":
			if d := at(c, i+1); (d == "MY" || d == "THIS" || d == "THE") && numberWords[at(c, i+2)] {
				return true
			}
		}
	}
	return false
}

// offList: what follows "take me off" / "remove me from" is the list or the
// texts, or nothing at all.
func offList(c []string, k int) bool {
	if k >= len(c) || fillers[c[k]] && !listDeterminers[c[k]] && !listObjects[c[k]] {
		return true
	}
	obj := false
	for ; k < len(c) && (listDeterminers[c[k]] || listObjects[c[k]]); k++ {
		if listObjects[c[k]] {
			obj = true
		}
	}
	return obj
}

// goAway: "leave me alone", "please go away", "I asked you to leave me
// alone" — but not "they won't leave me alone" or "I want the cravings to go
// away".
func goAway(c []string) bool {
	for _, p := range goAwayPhrases {
		for i := 0; i+len(p) <= len(c); i++ {
			if !hasPhrase(c[i:i+len(p)], p) || p[0] == "LET" && slices.ContainsFunc(c[i+len(p):], func(t string) bool { return !letMeBeTail[t] }) {
				continue // not "let me be honest"
			}
			prefix := polite
			if p[0] == "GO" {
				prefix = fillers // "I just want to go away" is not about us
			}
			ok := true
			for _, t := range c[:i] {
				if !prefix[t] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// letMeBeTail may end "let me be": "pls let me be now" (not "let me be me",
// "let me be honest").
var letMeBeTail = newSet("NOW", "PLEASE", "PLS", "PLZ", "ALONE", "OK", "OKAY", "THANKS", "ALREADY")

// neverConsented: the person at this number never agreed to the texts:
// "wrong number", "I never signed up for this", "didn't ask for these".
func neverConsented(c []string) bool {
	for i, t := range c {
		// "you have the wrong number", not "I have a wrong number for the clinic".
		// Nor "I was the wrong person for my family".
		if t == "WRONG" && wrongWhat[at(c, i+1)] && at(c, i-1) != "A" && !(at(c, i-1) == "THE" && (at(c, i-2) == "WAS" || at(c, i-2) == "BEEN" || at(c, i-2) == "IM")) {
			return true
		}
		if t != "NEVER" && t != "DIDNT" {
			continue
		}
		j := i + 1
		if at(c, j) == "EVEN" || at(c, j) == "EVER" {
			j++
		}
		switch at(c, j) {
		case "SIGN", "SIGNED":
			if at(c, j+1) == "UP" && forThis(c, j+2) {
				return true
			}
		case "SUBSCRIBE", "SUBSCRIBED", "CONSENT", "CONSENTED", "AGREE", "AGREED":
			if forThis(c, j+1) {
				return true
			}
		case "OPT", "OPTED":
			if at(c, j+1) == "IN" && forThis(c, j+2) {
				return true
			}
		case "ASK", "ASKED", "REQUEST", "REQUESTED":
			if at(c, j+1) == "FOR" && offList(c, j+2) && at(c, j+2) != "" && !lifeNouns[at(c, j+3)] {
				return true // not "I didn't ask for this disease"
			}
		}
	}
	return false
}

// lifeNouns are what a person did not ask for in life, not texts.
var lifeNouns = newSet("DISEASE", "ADDICTION", "LIFE", "PAIN", "ILLNESS", "SICKNESS", "CONDITION", "MESS", "TRAUMA", "BODY", "FAMILY")

// forThis: nothing, or "for/to this", "to these texts", "for any of this".
func forThis(c []string, k int) bool {
	switch at(c, k) {
	case "":
		return true
	case "FOR", "TO":
		return offList(c, k+1)
	}
	return fillers[at(c, k)]
}

// notInterested: "not interested", "I'm not interested thanks"; "not
// interested in methadone" is a question about treatment.
func notInterested(c []string) bool {
	for i := 0; i+1 < len(c); i++ {
		if c[i] != "NOT" || c[i+1] != "INTERESTED" {
			continue
		}
		rest := true
		for _, t := range c[i+2:] {
			if !fillers[t] && t != "ANYMORE" {
				rest = false
				break
			}
		}
		if rest {
			return true
		}
	}
	return false
}
