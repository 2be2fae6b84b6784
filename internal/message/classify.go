// Package message is the pure logic of the text line: what an inbound text
// asks for (Classify) and what an outbound text costs (Segments). It does no
// I/O and uses nothing beyond the standard library and golang.org/x/text
// (Unicode normalisation, to read texts as people type them).
package message

import (
	"slices"
	"strings"
	"unicode"
)

// Class is what an inbound message asks for.
type Class string

const (
	ClassOptOut Class = "opt_out" // STOP family or revocation in other words
	ClassOptIn  Class = "opt_in"  // START, UNSTOP, YES
	ClassHelp   Class = "help"    // HELP, INFO
	ClassJoin   Class = "join"    // one of the program's join keywords
	ClassCrisis Class = "crisis"  // overdose / suicide / self-harm language
	ClassOther  Class = "other"   // anything else (free text kept for staff)
)

// Classification is the verdict on one inbound message.
type Classification struct {
	Class Class
	// CarrierHandled is true when Twilio itself has already answered this
	// message (its default opt-out handling on long codes): optOutType was
	// non-empty, or the body is a single word (no whitespace inside it once
	// trimmed) that is one of Twilio's own keywords (STOP STOPALL UNSUBSCRIBE
	// CANCEL END QUIT REVOKE OPTOUT / START UNSTOP YES / HELP INFO), in any
	// case, perhaps followed by punctuation written against it. "OPT OUT"
	// with a space, ARRET, and revocation in other words are not carrier
	// handled.
	//
	// Twilio's article on its STOP filtering (help.twilio.com/articles/
	// 223134027, "Twilio support for opt-out keywords (SMS STOP filtering)")
	// says only single-word messages trigger the block and that "STOP PLEASE"
	// does not. So "stop :)", "stop !" and "STOP STOP" (two words as sent) are
	// the service's own opt-outs, to confirm itself, even though their
	// normalised body is STOP; otherwise, with the carrier's handling on, the
	// person would get no confirmation at all.
	//
	// Punctuation against the word ("Stop.", "STOP!!") is not covered by the
	// article, nor by the Advanced Opt-Out tutorial
	// (twilio.com/docs/messaging/tutorials/advanced-opt-out) nor any issue we
	// found. We count it as carrier handled: it is still one word, and of the
	// two possible mistakes this one can only cost a missing confirmation,
	// never a second one (the FCC allows one); the opt-out itself is recorded
	// either way.
	CarrierHandled bool
	// Keyword is the matched keyword, upper case, "" when none (revocation in
	// other words, crisis, other). With an optOutType it is the normalised
	// body when that is one of Twilio's keywords, else the optOutType.
	// A Twilio keyword sent as more than one word ("stop :)", "help ?") keeps
	// its class but gets no Keyword: callers reclassify the recorded Keyword
	// to learn whether the carrier acted (internal/signup), so Classify(Keyword)
	// must give the same CarrierHandled as the message itself.
	Keyword string
	// AlsoOptOut is set on a crisis message that also revokes consent
	// ("stop texting me I want to die"). The safety reply goes first (Class
	// is ClassCrisis), but the revocation must be honoured too: record the
	// opt-out and send nothing after the safety reply.
	AlsoOptOut bool
	// Rule says why, for staff and tests: "keyword:STOP", "optouttype:STOP",
	// "join:HOPE", "bare:BAJA", "typo:stpo→STOP", "revocation:stop the
	// texts", "crisis:overdose-emergency", "crisis:suicide +
	// revocation:remove me". A long key word read through a typing mistake
	// adds it: "revocation:unsubscribe (typo:unsubscibe→UNSUBSCRIBE)".
	Rule string
	// Distress marks despair that is not clearly danger now ("I'm so tired
	// of fighting this", "nothing matters", "I'm not suicidal, just
	// tired"): a person should read it soon. The class stays what the text
	// asks for (usually ClassOther).
	Distress bool
	// Decline is set when the opt-out rests only on words a person may
	// also say to a responder: a refusal or goodbye naming nothing ("no
	// thanks", "im good", "bye"), a question of who writes ("who is
	// this?"), or a STOP said at a message ("stop ur making me cry"). Out of
	// a conversation they are honoured, the safer side; said in reply to a
	// person on staff, they answer that person (internal/inbound).
	Decline bool
}

// twilioKeywords are the whole-body keywords Twilio answers itself on long
// codes by default.
var twilioKeywords = map[string]Class{
	"STOP": ClassOptOut, "STOPALL": ClassOptOut, "UNSUBSCRIBE": ClassOptOut, "CANCEL": ClassOptOut,
	"END": ClassOptOut, "QUIT": ClassOptOut, "REVOKE": ClassOptOut, "OPTOUT": ClassOptOut,
	"START": ClassOptIn, "UNSTOP": ClassOptIn, "YES": ClassOptIn,
	"HELP": ClassHelp, "INFO": ClassHelp,
}

// ownKeywords are whole-body keywords only the service recognises: "opt out"
// is on the FCC's list (47 CFR 64.1200(a)(12)) but not on Twilio's.
//
// ARRET / ARRÊT (French "stop"; Canada is allowed by default) is ours too,
// not carrier handled. Twilio's STOP-filtering article (help.twilio.com/
// articles/223134027), the Advanced Opt-Out tutorial (twilio.com/docs/
// messaging/tutorials/advanced-opt-out) and error 23002 (twilio.com/docs/api/
// errors/23002) list only the English keywords above as handled by default
// on long codes; other languages are added per Messaging Service with
// Advanced Opt-Out, and then the webhook carries OptOutType, which Classify
// honours first. The one Twilio page naming ARRET (twilio.com/docs/proxy/
// opt-out-keywords: Proxy drops STOP ... ARRETT, ARRET, ARRETE) is about the
// Proxy product, not default SMS filtering. Should Twilio answer ARRET after
// all, the cost is a second confirmation; counting it as carrier handled
// when it is not would cost the only one.
var ownKeywords = map[string]Class{
	"OPT OUT": ClassOptOut,
	"OPT-OUT": ClassOptOut,
	"ARRET":   ClassOptOut,
	"ARRÊT":   ClassOptOut,
}

// Normalize trims, case-folds (upper), collapses inner whitespace to one space
// and drops trailing punctuation. It is idempotent.
func Normalize(body string) string {
	s := strings.Join(strings.Fields(strings.ToUpper(body)), " ")
	for {
		t := strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
		if t == s {
			break
		}
		s = t
	}
	// ToUpper is not idempotent for a handful of runes (the upper case of
	// some lower-case letters has a different upper case again); one more
	// round settles them.
	if u := strings.ToUpper(s); u != s {
		return Normalize(u)
	}
	return s
}

// Classify applies DESIGN.md's order: optOutType (STOP/START/HELP, any case)
// first, then whole-body keywords, then revocation in other words, then
// crisis language, else other. joinKeywords are the program's keywords (any
// case).
//
// One deliberate exception to the order: a message that both revokes consent
// and speaks of overdose, suicide or self-harm is ClassCrisis with AlsoOptOut
// set. A person who may be in danger gets the safety reply even when they
// asked us to stop; a false alarm costs one caring text, a missed one can cost
// a life.
func Classify(body, optOutType string, joinKeywords []string) Classification {
	norm := Normalize(body)

	if t := strings.ToUpper(strings.TrimSpace(optOutType)); t != "" {
		c := Classification{CarrierHandled: true, Keyword: t, Rule: "optouttype:" + t}
		switch t {
		case "STOP":
			c.Class = ClassOptOut
		case "START":
			c.Class = ClassOptIn
		case "HELP":
			c.Class = ClassHelp
		default:
			// A value Twilio may add one day: it answered something, so it is
			// carrier handled, but what was asked comes from the body.
			c = classifyBody(body, norm, joinKeywords, allLayers)
			c.CarrierHandled = true
			c.Rule = "optouttype:" + t + " " + c.Rule
			return c
		}
		// Only Twilio's own keywords replace the optOutType: a custom
		// Advanced Opt-Out keyword ("ARRET", "opt out") is recorded as the
		// optOutType, so that reclassifying the recorded Keyword still says
		// the carrier handled it.
		if k, ok := twilioKeywords[norm]; ok && k == c.Class {
			c.Keyword = norm
		}
		return c
	}
	return classifyBody(body, norm, joinKeywords, allLayers)
}

// oneWord reports whether the trimmed body has no whitespace inside it: the
// only kind of message Twilio acts on.
func oneWord(body string) bool {
	return len(strings.Fields(body)) == 1
}

// layers are the two readings of free text: the phrase rules (revocation.go,
// crisis.go, lexicon.go, revocation_lexicon.go) and the broad stem lexicons
// (stems.go). Classify uses both; the corpus test measures the stem
// lexicons alone too.
type layers uint8

const (
	phraseLayer layers = 1 << iota
	stemLayer
	modelLayer
	allLayers = phraseLayer | stemLayer | modelLayer
)

// modelCrisisAt: a text none of the rules reads as a crisis is one when
// the model (model.go) gives crisis at least this and the text has a
// crisis cue (crisisCues), or at least modelCrisisBareAt without one; a
// text of shortWords words or fewer without a cue ("cant anymore", "so
// tired. ugh") needs modelCrisisShortAt: it has too few words for a rule
// to read, and the model has learnt such replies. Chosen by
// cross-validation on the corpus's dev and extra texts
// (TestModelCrossValidation), never on its test part; variables only so
// that the cross-validation can sweep them.
var (
	modelCrisisAt      = 0.6
	modelCrisisBareAt  = 0.7
	modelCrisisShortAt = 0.7
)

const shortWords = 3

func classifyBody(body, norm string, joinKeywords []string, use layers) Classification {
	return classifyText(body, norm, joinKeywords, use, loadModel)
}

// classifyText is classifyBody with the model given: the cross-validation
// trains its own.
func classifyText(body, norm string, joinKeywords []string, use layers, model func() *weights) Classification {
	if c, ok := twilioKeywords[norm]; ok {
		if oneWord(body) {
			return Classification{Class: c, CarrierHandled: true, Keyword: norm, Rule: "keyword:" + norm}
		}
		// "stop :)", "STOP STOP", "help ?": the same request, but Twilio
		// saw more than one word and left it to us.
		return Classification{Class: c, Rule: "keyword:" + norm}
	}
	if c, ok := ownKeywords[norm]; ok {
		return Classification{Class: c, Keyword: norm, Rule: "keyword:" + norm}
	}
	for _, k := range joinKeywords {
		if k := Normalize(k); k != "" && k == norm {
			return Classification{Class: ClassJoin, Keyword: k, Rule: "join:" + k}
		}
	}
	// The same keywords written in other Unicode forms (ＳＴＯＰ, S\u200bTOP,
	// ｓｔｏｐ): the same request, but not one Twilio recognises, so ours to
	// confirm and recorded without a Keyword.
	folded := Normalize(fold(body))
	if folded != norm {
		if c, ok := twilioKeywords[folded]; ok {
			return Classification{Class: c, Rule: "keyword:" + folded}
		}
		if c, ok := ownKeywords[folded]; ok {
			return Classification{Class: c, Rule: "keyword:" + folded}
		}
		for _, k := range joinKeywords {
			if k := Normalize(fold(k)); k != "" && k == folded {
				return Classification{Class: ClassJoin, Rule: "join:" + k}
			}
		}
	}

	if deathSigns(body) {
		// "😔🔫", "🪦 soon", "😵💊💊💊": danger in pictures.
		return Classification{Class: ClassCrisis, Rule: "emoji:danger"}
	}
	if stopSigns(body) {
		// "🛑", "📵", "🚫📱": a stop sign, with nothing else.
		return Classification{Class: ClassOptOut, Rule: "emoji:stop"}
	}
	clauses, typos := tokenize(body)
	clauses = unsigned(clauses)
	var (
		revoked, crisis string
		distress        bool
	)
	if use&phraseLayer != 0 {
		revoked = revokes(clauses)
		if (revoked == "" || revoked == "revocation:stop") && reactionStop(clauses) && laughsOrCries(body, clauses) {
			revoked = "revocation:stop at a message"
		}
		if revoked == "" && keywordShouted(body, clauses) && !laughsOrCries(body, clauses) && !laughs(body, clauses) {
			revoked = "revocation:keyword first"
		}
		if revoked == "" && stopTextingSomeone(clauses) {
			revoked = "revocation:for them"
		}
		if revoked == "revocation:remove me" && offItAfterDrug(clauses) {
			revoked = "" // "how dangerous is stopping klonopin all at once, i want off it"
		}
		if revoked == "revocation:stop" && movedToThanks(body, clauses) {
			revoked = "" // "stop im crying, thank u": moved by a message, and grateful for it
		}
		if revoked == "revocation:too many" && (praises(clauses) || hasAnyToken(clauses, goodWords)) || revoked == "revocation:for them" && praises(clauses) ||
			revoked == "revocation:who is this" && (praises(clauses) || hasAnyToken(clauses, helpNeeded)) {
			revoked = "" // "yall send a lot of texts but honestly they help", "i dont recognize this number, is this my counselor? i need to talk"
		}
		crisis, distress = crisisIn(clauses)
		if strings.HasPrefix(crisis, "crisis:means now") && meansSafe(clauses) {
			crisis = "" // "gave away the bottle and the gun", "drunk with my gun club buddies"
		}
	}
	var st *stemText
	ours := false // the text asks us to stop, in words whose object is our texts
	if use&stemLayer != 0 {
		st = newStemText(body, clauses)
		if crisis != "" && st.goodToday() && pastCrisesOnly(clauses, st) {
			// "four years ago today i tried to end it. today i ran my first
			// 5k": history; not when a sentence without a past reads a
			// crisis ("... today im working a double and thinking about
			// ending it all", "i cant stop thinking about killing myself.
			// 5 years ago today i got sober").
			crisis, distress = "", true
		}
		if revoked == "" {
			revoked = st.revocation()
		}
		asked := false // the text ends in a sentence that asks us to stop (lastAsks)
		if revoked == "" {
			if last := lastAsks(clauses); strongAsk(last) {
				revoked, asked = last, true
			}
		}
		if revoked == "revocation:declined" && hasAnyToken(clauses, seenWords) && strings.ContainsAny(body, celebrateEmoji+fondEmoji) {
			revoked = "" // "my kids saw it 😊", "my wife saw it ❤️": proud, not found out
		}
		if revoked == "revocation:i quit" || revoked == "revocation:i stop" {
			switch {
			case (soleSaid(clauses, "QUIT") || soleSaid(clauses, "STOP")) && pictured(body):
				revoked = "" // "trying to quit 😔", "i need to stop 💔": said alone but for a picture, the person's own
			case dangerEmoji(body):
				crisis = "emoji:danger" // "I want to stop 😔🔫": the safety reply, and the opt-out
			case strings.ContainsAny(body, celebrateEmoji+joyEmoji+drugEmoji) || strings.Contains(body, ":)"):
				revoked = "" // "I quit 💪", "I QUIT 🎉", "I quit today 🙏", "I quit 🍺": quitting a drug, celebrated or pictured
			}
		}
		if revoked == "revocation:declined" {
			switch {
			case crisis == "" && dangerEmoji(body):
				crisis = "emoji:danger" // "im so through w this 🔫": the safety reply, and the opt-out
			case strings.ContainsAny(body, drugEmoji):
				revoked = "" // "thats the last of it for me 🍺": a drink pictured, the person's own
			}
		}
		if (revoked == "bare:BASTA" || revoked == "bare:DONE") && strings.ContainsAny(body, drugEmoji) && !dangerEmoji(body) {
			revoked = "" // "no more 🍺", "no more ❄️": a drug pictured is what is no more
		}
		if crisis == "" && declines(revoked) && tailPhrased(clauses) {
			// "im done i swear", "im out for real this time": the ending
			// that leaves the refusal as it is leaves its despair too.
			crisis, distress = crisisIn(withoutTails(clauses))
		}
		if revoked == "" && len(clauses) >= 2 && anyMatch(makeItStop, clauses) && hasAnyToken(clauses, textsTalk) && !distress {
			// "Every damn morning. Make it stop.", "4th time asking. make it
			// stop", "Make it stop. Every day at 9am": beside a sentence
			// about the texts; not "day 2 no pills and my whole body
			// hurts. make it stop".
			revoked = wishRule
		}
		if revoked == "" && crisis == "" && len(clauses) == 1 && (anyMatch(makeItStop, clauses) || hasAnyToken(clauses, stopOrStopped) && anyMatch(wantItStopped, clauses)) {
			// "make it stop pls", "i want it to stop", alone: the texts or
			// the person's pain.
			// Both readings are honoured: the safety reply, and the
			// opt-out.
			revoked, crisis = "revocation:make it stop", "crisis:plea (make it stop)"
		}
		if revoked == "" && (deathToldIn(clauses) && anyMatch(theirLine, clauses) || anyMatch(familySays, clauses[:min(1, len(clauses))]) && anyMatch(personDied, clauses) || len(clauses) == 1 && anyMatch(goneFromUs, clauses)) && !comesBack(clauses) {
			// "my son passed in may from fentanyl. he was on your list",
			// "this phone belonged to my son. he passed away": the person
			// the texts were for has died. "ella ya no esta con
			// nosotros" says it gently, of the person the texts reach.
			revoked = "revocation:they died"
		}
		if revoked == "" && notWantedAfter(clauses) {
			revoked = "revocation:does not want them"
		}
		if revoked == "" && notOneOfUsText(clauses) {
			revoked = "revocation:not one of us"
		}
		explicit := revoked == "revocation:stop the texts" || revoked == "revocation:do not contact"
		ourObject := revoked != "" && revoked != "revocation:stop asking" && st.ourObject()
		ours = explicit || ourObject
		if revoked != "" && (!ours && !asked && st.recoveryTalk() && lastAsks(clauses) == "" && earlierAsks(clauses) == "" || st.elsewhere() ||
			revoked == "revocation:stop" && !ours && anyMatch(needToStop, clauses) || // "Stop. I need to stop."
			comesBack(clauses) || !explicit && (setMatch(&whatIfLeaving, clauses) || len(clauses) > 0 && anyMatch(orWhat, clauses[len(clauses)-1:])) || declines(revoked) && setMatch(&backLater, clauses) && !anyMatch(foreverWords, clauses)) {
			// A text about a drug, a habit or the person themself stops the
			// texts only when it names them: "stop, I relapsed" is not an
			// opt-out, "stop texting me, I relapsed" is; so is "stop texting
			// my kid, she's asking what fentanyl is", whose stop verb has
			// our texts for object (stopsMessages). Nor does a text that
			// names what else it stops (elsewhere).
			revoked = ""
		}
	}
	if crisis == "" && distress && revoked != "" {
		// Despair from someone leaving the line: they get the safety
		// reply once, since nobody will text them again.
		crisis = "crisis:distress-leaving"
	}
	if crisis == "" && distress && anyMatch(nowCue, clauses) && !laughs(body, clauses) {
		crisis = "crisis:distress-tonight"
	}
	if crisis == "" && anyMatch(relapseCue, clauses) && anyMatch(despairCue, clauses) {
		// "relapsed. nothing matters", "drank again after 90 days and I
		// stopped caring": despair on a relapse, when an overdose is likeliest.
		crisis = "crisis:distress-relapse"
	}
	if crisis == "" && soleDespair(body, clauses) {
		crisis = "crisis:worn out"
	}
	if crisis == "" && len(clauses) == 1 && loneBye.whole(clauses[0]) && !strings.ContainsRune(body, '👋') {
		// "bye", "bye bye" or "bye now", and nothing more: a goodbye as unclear as
		// "goodbye", read the same way (the safety reply, and the opt-out
		// it also asks for); "ok bye", "bye for now" and a wave ("bye bye
		// 👋") are everyday.
		crisis = "crisis:farewell"
	}
	if crisis == "" && shortFarewell(clauses) {
		// "love you guys. sorry. bye": nothing but love, sorrow and a
		// goodbye.
		crisis = "crisis:farewell"
	}
	if crisis == "crisis:overdose-emergency" && withdrawalAskedOrTold(clauses) {
		// "can alcohol withdrawal cause seizures?", "my mom had alcohol
		// withdrawal seizures when i was young": a question for a person.
		crisis, distress = "", true
	}
	if crisis == "" && dangerousWithdrawal(clauses) {
		// "coming off benzos cold turkey, seeing stuff", "quit drinking
		// cold turkey yesterday alone, the shakes r terrible": withdrawal
		// from alcohol or benzodiazepines can bring seizures.
		crisis = "crisis:dangerous withdrawal"
	}
	if crisis == "" && usedAfterTimeAway(clauses) {
		// "relapsed on fent today, had 4 months clean", "sali del centro
		// la semana pasada y hoy me meti": use now after weeks without,
		// when the old dose can kill.
		crisis = "crisis:use after time away"
	}
	if crisis == "" && distress && anyMatch(farewellCue, clauses) {
		// "bye im done", "tell my kids que los quiero, im done", "gave my
		// dog to my cousin. im done": despair with a goodbye.
		crisis = "crisis:distress-farewell"
	}
	if crisis == "" && use&phraseLayer != 0 && len(clauses) == 1 && len(clauses[0]) == 1 {
		// Words run together: "imgonnakillmyselftonight", "yanoquierovivir".
		if parts := gluedFrom(clauses[0][0], gluableCrisis); parts != nil {
			crisis, _ = crisisIn([][]string{parts})
		}
	}
	if crisis == "" && st != nil && len(clauses) == 1 && setMatch(&helpAsked, clauses) {
		// Help asked for and nothing more: "help pls", "i need help", "can
		// u help", "necesito ayuda". Whatever it is, a person should read
		// it now; with more words ("i need help getting off xanax") the
		// rest says what help.
		crisis = "crisis:plea (help asked)"
	}
	if crisis == "" && st != nil && someoneUnreachable(st.toks) && hasAnyToken(st.clauses, useWordsNow) {
		// "havent heard from my son in 4 days. last time he was using
		// heavy", "mi hija no contesta desde anoche y estaba consumiendo":
		// someone who uses, not answering; a person reads it now.
		crisis = "crisis:someone unreachable"
	}
	if crisis == "" && revoked != "" && st != nil && stopThenPlea(clauses) {
		// "STOP i need help", "stop. im scared", "ALTO tengo miedo": a
		// stop, then a plea. The opt-out stands; a person reads the plea
		// now.
		crisis = "crisis:plea (help asked)"
	}
	if crisis == "" && urgentHelp(body, clauses) {
		// "heeelp", "helppp", "help 😭", "help.. please": help said with
		// letters held down, tears or a pause is a plea, not the HELP
		// keyword ("HELP", "help?", "hellp", "HELP pls" are).
		crisis = "crisis:plea (urgent)"
	}
	if crisis == "" && st != nil {
		var d bool
		crisis, d = st.crisis()
		distress = distress || d
		if strings.HasSuffix(crisis, "(broad)") && (setMatch(&notEmergency, clauses) || overdoseOver(clauses) || strings.HasPrefix(crisis, "crisis:overdose") && withdrawalAskedOrTold(clauses)) {
			crisis, distress = "", true // "not an emergency, just worried about my brother. sleeping all day"
		}
		if strings.HasSuffix(crisis, "(broad)") && figuresOnly(clauses) {
			crisis = "" // "overdosed on pizza last night lmao", "im writing a paper on opioid overdose"
		}
	}
	if crisis == "" && revoked == goodbyeRule && !anyMatch(plainReason, clauses) {
		// "signing off forever", "so long folks": a goodbye to the line
		// or to life; the safety reply, and the opt-out it also asks for.
		crisis = "crisis:farewell"
	}
	if crisis == "" && use&modelLayer != 0 && !(st != nil && (st.laugh || st.rulesOwn(distress))) {
		// What the rules miss, the model may read: "made sure the dog has
		// somewhere to go", "this is the last text you'll get from me". A
		// text with a crisis cue needs less of it than one without; one
		// without that asks us to stop our texts ("I'm ending my
		// subscription"), a text that laughs ("lol", "jaja", 💀), or one the
		// rules have a reading of their own for (rulesOwn), needs a rule.
		at := modelCrisisBareAt
		if tokenCount(clauses) <= shortWords {
			at = modelCrisisShortAt
		}
		if anyMatch(lifePlan, clauses) {
			// No crisis cue and a life planned ahead ("quitting my job and
			// going back to school, no one can talk me out of it"): the
			// model must be surer.
			at = lifePlanAt
		}
		if ours {
			at = 2 // no crisis cue and a request to stop our texts: a rule must read the crisis
		}
		if st != nil && anyPattern(crisisCues, st.toks) || st == nil && anyMatch(crisisCues, clauses) {
			at = modelCrisisAt // a cue word, not one in a figure of speech (blankFigures)
		}
		if r := model().read(features(clauses)); r.p[labelCrisis] >= at {
			crisis = r.rule(labelCrisis)
		}
	}
	if crisis == "" && revoked == "" && len(clauses) > 1 && anyMatch(makeItStop, clauses) {
		distress = true // "day 2 no pills and my whole body hurts. make it stop": a person reads it soon
	}
	if crisis == "" && revoked != "" && (anyMatch(leavingDespair, clauses) || anyMatch(phoneGoodbye, clauses) && !anyMatch(plainReason, clauses) ||
		anyMatch(awayGoodbye, clauses) && !anyMatch(plainReason, clauses) && !anyMatch(awayReason, clauses)) {
		// "stop bothering me nothing means anything": despair from someone
		// leaving the line, said in words the model is not asked to read
		// in a request to stop.
		crisis = "crisis:distress-leaving"
		distress = true
	}
	if crisis == "" && anyMatch(deniedRisk, clauses) {
		// "not gonna do anything stupid", "no estoy en peligro": risk
		// denied, which raises it. A person reads it; one who also leaves
		// the line gets the safety reply once, as nobody will text them
		// again.
		distress = true
		if revoked != "" {
			crisis = "crisis:distress-leaving"
		}
	}
	if crisis != "" && !strings.HasPrefix(crisis, "model:") && crisis != "crisis:worn out" && (revoked == wishRule || revoked == noUseRule) {
		// "how do i make this stop, i cant live like this", "these texts
		// arent helping i want to die": the crisis speaking, not a
		// request. A goodbye stays: "nothing helps. im checking out" gets
		// the safety reply and the opt-out. The model never takes an
		// opt-out away: beside a crisis only it reads, the request
		// stands. A plain request at the end stands too: "whats the point
		// of these texts i want to die so just stop".
		revoked = ""
		if last := lastAsks(clauses); strongAsk(last) && last != wishRule && last != noUseRule {
			revoked = last
		} else if anyMatch(finalStop, clauses[len(clauses)-1:]) {
			revoked = "revocation:stop"
		}
	}
	var c Classification
	switch {
	case crisis != "":
		c = Classification{Class: ClassCrisis, AlsoOptOut: revoked != "", Rule: crisis}
		if revoked != "" {
			c.Rule += " + " + revoked
		}
	case revoked != "":
		c = Classification{Class: ClassOptOut, Rule: revoked}
	case isSpanishHelp(clauses):
		c = Classification{Class: ClassHelp, Rule: "es:ayuda"}
	case len(clauses) == 1 && anyMatch(helpWord, clauses):
		// The HELP keyword stretched, mistyped or with a courtesy ("heeelp",
		// "hellp", "HELP pls"): what this line is and how to reach a person.
		c = Classification{Class: ClassHelp, Rule: "help:in words"}
	default:
		c = Classification{Class: ClassOther}
	}
	c.Distress = distress
	c.Decline = declines(revoked) && !ours
	if len(typos) > 0 && c.Class != ClassOther {
		c.Rule += " (typo:" + strings.Join(typos, ", ") + ")"
	}
	return c
}

// keywordShouted: the text opens with a carrier keyword typed in capitals
// and goes on in lower case, as people answer "Reply STOP to opt out":
// "STOP my mom saw ur message wtf", "CANCEL - this is his employers
// phone", "STOP (sorry my grandson showed me how)". Not "STOP ME from
// relapsing", "QUIT PLAYING", "STOP drinking is the goal" (a verb of its
// own follows: what the writer stops is named), nor a text in capitals
// throughout.
func keywordShouted(body string, clauses [][]string) bool {
	f := strings.FieldsFunc(body, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".,:;!?-()\"'", r) })
	if len(f) < 2 || len(clauses) == 0 || len(clauses[0]) < 2 {
		return false
	}
	switch f[0] {
	case "STOP", "CANCEL", "UNSUBSCRIBE", "STOPALL", "END", "QUIT", "OPTOUT", "REVOKE", "BAJA", "ALTO", "CANCELAR":
	default:
		return false
	}
	if strings.ToUpper(f[1]) == f[1] {
		return false // "STOP ME from", "STOP DRINKING is", a text in capitals: the next word is shouted too
	}
	next := clauses[0][1]
	if f[0] == "END" && !slices.ContainsFunc(clauses[0], func(t string) bool { return ourNouns[t] || t == "THIS" || t == "THESE" }) {
		return false // "END the day with a meeting": END only before the texts
	}
	named := slices.ContainsFunc(clauses[0], func(t string) bool {
		return ourNouns[t] || t == "THESE" || t == "NUMBER" || t == "NUMERO" || t == "REMINDER"
	})
	first := clauses[0][1:min(6, len(clauses[0]))]
	praised := (hasAny(first, shoutedPraise) || hasPhrase(first, []string{"THE", "BEST"})) && !hasAny(clauses[0], declineTurns) && !hasAny(clauses[0], ourNouns)
	if praised || !named && (shoutedElse[next] || shoutedElse[at(clauses[0], 2)] || whenWords[next] && anyMatch(rearranged, clauses) || shoutedDrug(clauses[0])) {
		return false // "CANCEL the appointment", "CANCEL thursday I cant make group", "STOP you guys are the best", "ALTO al consumo de cocaina"
	}
	switch {
	case next == "ME" || next == "HIM" || next == "HER" || next == "THEM" || next == "YOURSELF" || next == "MYSELF":
		return false // "STOP me im bout to drive to his house"
	case named && (ourNouns[at(clauses[0], 2)] || !strings.HasSuffix(next, "ING") && !strings.HasSuffix(next, "IN")):
		// "STOP meeting reminders", "CANCEL my refill reminder"; not "QUIT
		// playing these games"
	case strings.HasSuffix(next, "IN") && len(next) > 4 && !ourVerbs[next+"G"]:
		return false // "QUIT smokin", "QUIT drinkin today"
	case strings.HasSuffix(next, "ING") && !ourVerbs[next], strings.HasSuffix(next, "ANDO"), strings.HasSuffix(next, "IENDO"):
		return false // "STOP drinking is the goal", "QUIT playing"
	case next == "OF" || next == "IT" && clauses[0][0] == "END":
		return false // "END of week 1 no pills", "END it all tonight"
	case next == "MY" || next == "MI":
		// "STOP my mom saw ur message", not "CANCEL my appointment
		// thursday", "QUIT my job today"
		return family[at(clauses[0], 2)] || phoneNoun(at(clauses[0], 2)) || at(clauses[0], 2) == "NUMERO"
	}
	return true
}

// pastCrisesOnly: every sentence that reads a crisis puts it in the past.
func pastCrisesOnly(clauses [][]string, st *stemText) bool {
	for j := range clauses {
		if r, _ := crisisIn(clauses[j : j+1]); r != "" && !pastCues.matches(append(slices.Clone(st.clauses[j]), "")) {
			return false
		}
	}
	return true
}

// meansSafe: every gun the text names is the object of its putting out of
// reach ("gave away the bottle and the gun", "locked my pistol in the
// safe"), or the text is at a range ("drunk with my gun club buddies at
// the range"), and none is held to the body.
func meansSafe(clauses [][]string) bool {
	if anyMatch(gunHeld, clauses) {
		return false
	}
	for _, c := range clauses {
		if hasAny(c, gunWords) && anyMatch(gunPastime, [][]string{c}) {
			return true // "drunk with my gun club buddies at the range"
		}
	}
	guns := 0
	for _, c := range clauses {
		for i, t := range c {
			if !gunWords[t] {
				continue
			}
			guns++
			given := false
		back:
			for k := i - 1; k >= max(0, i-6); k-- {
				switch {
				case gunGiven[c[k]]:
					given = true
					break back
				case !gunBetween[c[k]]:
					break back // "locked the door drunk and my gun": the door, not the gun
				}
			}
			if !given {
				return false // "gave away the pills and now have the gun in my hand"
			}
		}
	}
	return guns > 0
}

var (
	gunWords   = newSet("GUN", "GUNS", "PISTOL", "HANDGUN", "PISTOLA", "RIFLE", "RIFLES", "SHOTGUN", "ARMA")
	gunGiven   = newSet("GAVE", "GIVEN", "HANDED", "LOCKED", "SOLD", "AWAY", "REGALE", "ENTREGUE", "VENDI", "GUARDE")
	gunBetween = newSet("MY", "THE", "HIS", "HER", "BOTH", "ALL", "AND", "A", "AN", "OF", "EL", "LA", "MI", "SU", "Y", "BOTTLE", "PILLS", "KNIFE", "AMMO", "RIFLES", "GUNS")
	gunPastime = anyOfWide("AT THE RANGE", "TARGET PRACTICE", "{GUN|SHOOTING} RANGE")
	gunHeld    = anyOfWide("{TO|AT|IN|AGAINST} MY {HEAD|TEMPLE|MOUTH|CHEST|CHIN}", "{IN|ON} MY {HAND|HANDS|LAP}", "LOADED", "CARGADA", "EN LA {MANO|CABEZA|BOCA}")
)

// shoutedDrug: the keyword in capitals has a drug for object ("QUIT
// meth", "ALTO al alcohol"), not a denial of one ("STOP never did cocaine
// in my life").
func shoutedDrug(c []string) bool {
	if hasAny(c, negations) || slices.Contains(c, "NEVER") {
		return false
	}
	return namedDrug(at(c, 1)) || objectWords[at(c, 1)] && namedDrug(at(c, 2))
}

var objectWords = newSet("THE", "MY", "AL", "EL", "LA", "LAS", "LOS", "MI", "MIS", "WITH", "CON", "DOING", "USING", "TAKING")

// After a keyword in capitals, words that name what else ends, when the
// text names none of our texts: an appointment or a group (shoutedElse),
// a day with a plan changed (whenWords, rearranged), praise
// (shoutedPraise: "STOP ur so sweet").
var (
	shoutedElse = newSet("APPOINTMENT", "APPOINTMENTS", "APPT", "GROUP", "SESSION", "MEETING", "VISIT", "CLASS", "BLEEDING",
		"CITA", "CITAS", "SESION", "JUNTA", "REUNION", "GRUPO", "CONSULTA", "CONSUMO")
	whenWords = newSet("TODAY", "TOMORROW", "TONIGHT", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "WEEKEND",
		"LUNES", "MARTES", "MIERCOLES", "JUEVES", "VIERNES", "SABADO", "DOMINGO", "MANANA", "HOY")
	rearranged    = anyOfWide("{CANT|CAN NOT|CANNOT|WONT|NOT GONNA} {MAKE|COME|GO|BE THERE}", "RESCHEDULE", "REAGENDAR", "NO PUEDO {IR|LLEGAR}")
	shoutedPraise = newSet("SWEET", "AMAZING", "AWESOME", "INSPIRING", "HELPFUL")
	declineTurns  = newSet("BUT", "PERO", "DONE", "NOT", "ISNT", "ARENT", "NO")
)

// stopTextingSomeone: the text opens telling us to stop texting a
// relative or a number: "stop texting my son", "Stop messaging Kevin.
// He's my son", "stop texting este numero". A partner or an ex ("stop
// texting my bf") is as often the writer's own resolution, and so is
// anything said later in a text ("I need to stop texting my ex").
func stopTextingSomeone(clauses [][]string) bool {
	if len(clauses) == 0 {
		return false
	}
	c := clauses[0]
	i := 0
	for i < len(c) && (c[i] == "PLEASE" || c[i] == "HEY" || c[i] == "YO" || c[i] == "OK" || c[i] == "OKAY" || c[i] == "SO") {
		i++
	}
	if at(c, i) != "STOP" && at(c, i) != "QUIT" || !ourVerbs[at(c, i+1)] || !strings.HasSuffix(at(c, i+1), "ING") {
		return false
	}
	j := i + 2
	mine := false
	if w := at(c, j); w == "MY" || w == "MI" || w == "ESTE" || w == "THIS" || w == "THAT" {
		j++
		mine = true
	}
	for k := j; k < j+3; k++ {
		w := at(c, k)
		relative := family[w] && !partners[w]
		if !(relative || firstNames[w] || phoneNoun(w) || w == "NUMERO" || w == "CEL") {
			if !mine {
				return false // "stop texting old friends"
			}
			continue // "my elderly mothers phone"
		}
		next := at(c, k+1)
		if phoneNoun(next) || next == "HE" || next == "SHE" || next == "HES" || next == "SHES" {
			return true // "stop messaging Kevin. He's my son"
		}
		return (next == "" || next == "PLEASE") && !firstNames[w]
	}
	return false
}

// partners: a partner, whose texts the writer may be the one to stop.
var partners = newSet("WIFE", "HUSBAND", "GIRLFRIEND", "BOYFRIEND", "PARTNER", "WIFES", "HUSBANDS", "GIRLFRIENDS", "BOYFRIENDS", "PARTNERS",
	"MUJER", "MARIDO", "ESPOSA", "ESPOSO", "BABY", "GIRL", "BOY")

// helpAsked: a whole text that asks for help and says nothing of what for.
var helpAsked = wideRules("help asked",
	"^ {I|} {REALLY|} NEED {SOME|} HELP {|PLEASE|NOW|ASAP|BAD|BADLY} $", "^ PLEASE I {REALLY|} NEED {SOME|} HELP $",
	"^ {CAN|COULD} {YOU|SOMEONE|SOMEBODY|ANYONE|YALL} {PLEASE|} HELP {|ME|ME PLEASE|PLEASE} $", "^ HELP ME OUT {|HERE|PLEASE} $",
	"^ NECESITO AYUDA {|PORFAVOR|YA|URGENTE} $", "^ ALGUIEN ~ {AYUDEME|AYUDENME|AYUDAME} $")

// stopThenPlea: the text opens with a stop word, and all the rest, in up
// to three sentences, is a plea: "STOP i need help", "stop. im scared.
// help", "ALTO, necesito ayuda".
func stopThenPlea(clauses [][]string) bool {
	if len(clauses) == 0 || len(clauses) > 4 {
		return false
	}
	switch clauses[0][0] {
	case "STOP", "ALTO", "PARA", "PAREN", "CANCEL", "END", "QUIT":
	default:
		return false
	}
	rest := clauses[1:]
	if len(clauses[0]) > 1 {
		rest = append([][]string{clauses[0][1:]}, rest...)
	}
	plea := false
	for _, c := range rest {
		for len(c) > 1 && (c[0] == "PLS" || c[0] == "PLEASE" || c[0] == "PORFA" || c[0] == "PORFAVOR") {
			c = c[1:]
		}
		switch {
		case setMatch(&helpAsked, [][]string{c}) || anyMatch(scaredPlea, [][]string{c}) || bareHelp.whole(c):
			plea = true
		case anyMatch(pleaWords, [][]string{c}):
		default:
			return false
		}
	}
	return plea
}

// soleDespair: worn out by it all, or sure nobody would care, naming
// nothing, as the whole text ("i dont wanna keep doing this", "its all
// too much", "barely hanging on", "estoy al limite", "nobody cares lol",
// "not like anyone would care 🙃 lol"), perhaps beside a word of the same
// despair ("its too much. all of it", "life is too much, im done").
// Every writer of the corpus reads it as a crisis, the safer side. Said
// of something ("rent went up again. its too much", "night shift again.
// i dont wanna keep doing this", "who won the game? nobody cares lol") it
// is everyday, and so is being worn out with a laugh ("this is too much
// rn 😂"); only the unmissed may laugh.
func soleDespair(body string, clauses [][]string) bool {
	found, laughed := false, laughs(body, clauses)
	for _, c := range clauses {
		if len(c) == 1 && (isLaugh(c[0]) || sighs[c[0]]) {
			continue
		}
		form := append(c[:len(c):len(c)], "")
		switch {
		case unmissed.match(form) || !laughed && wornOut.match(form):
			found = true // "its all too much. i dont wanna keep doing this"
		case despairBeside.match(form):
		default:
			return false
		}
	}
	return found
}

var (
	wornOut = anchored("^ {LORD|HONESTLY|TBH|NGL|GOD|UGH|MAN|BRO|} {I|} {DONT|DO NOT|DONT REALLY} {WANNA|WANT TO} KEEP DOING THIS {TO MYSELF|SHIT|} {ANYMORE|NO MORE|ANY LONGER|} {TBH|FR|HONESTLY|} $",
		"^ {LORD|HONESTLY|TBH|NGL|GOD|UGH|} {IM|I AM|} {NOT WANTING|NO LONGER WANT|NO LONGER WANNA} TO DO THIS {ANYMORE|NO MORE|ANY LONGER|} $",
		"^ {HONESTLY|TBH|NGL|UGH|} {IM|I AM|} {SO|JUST|REALLY|} TIRED OF DOING THIS {ANYMORE|NO MORE|} {TBH|FR|HONESTLY|} $",
		"^ {HONESTLY|TBH|NGL|UGH|} {ITS|IT IS|THIS IS|ITS ALL|IT IS ALL|ITS JUST|ITS ALL JUST|EVERYTHING IS|LIFE IS|ITS WAY|ITS GETTING|ITS GETTING TO BE} {WAY|} TOO MUCH {ANYMORE|ALL OF IT|NOW|RN|TONIGHT|} {TBH|FR|HONESTLY|} $",
		"^ {THIS|IT|LIFE|NOTHING} {JUST|} {ISNT|IS NOT|AINT|IS} WORTH IT {ANYMORE|NO MORE} {TBH|FR|HONESTLY|} $",
		"^ {IM|I AM|} BARELY {HANGING|HANGIN|HOLDING|HOLDIN} ON {BY A THREAD|} {TBH|FR|HONESTLY|} $", "^ {IM|I AM|} {HANGING|HANGIN} {ON|} BY A THREAD $",
		"^ {THERES|THERE IS|} NO {COMING BACK|WAY BACK|GOING BACK} FROM {THIS|IT|THIS ONE} {FOR ME|} $", "^ {I|} CANT COME BACK FROM {THIS|IT} $",
		"^ {REHAB|TREATMENT|DETOX|THIS|THAT|IT} WAS MY LAST {CHANCE|SHOT} AND I {BLEW IT|BLEW IT AGAIN|WASTED IT|RUINED IT} $", "^ {WHITE FLAG|I GIVE UP|I SURRENDER} $",
		"^ {YA|} {ESTOY|TOY|STOY|ANDO} {Q|QUE} NO AGUANTO {YA|MAS|} $", "^ {YA|} {ESTOY|TOY|STOY|ANDO} AL LIMITE {YA|LA NETA|} $", "^ {HONESTLY|} LIFE CAN {GO F ITSELF|F OFF|GO FUCK ITSELF|FUCK OFF|GO TO HELL} {HONESTLY|} {IM DONE|} $", "^ {HONESTLY|TBH|NGL|} {I|} CANT DO THIS {MUCH|ANY} LONGER {TBH|FR|HONESTLY|} $",
		"^ {I|} REALLY {DONT|DO NOT} {WANNA|WANT TO} KEEP DOING THIS {ANYMORE|} $", "^ {ITS|IT IS} {ALL|} TOO MUCH {MAN|BRO|LA NETA} $")
	unmissed = anchored("^ {LITERALLY|HONESTLY|} {NO ONE|NOBODY|NOONE|NOBDY|NO1} {REALLY|EVEN|} CARES {ANYWAY|ANYWAYS|AT ALL|} {LOL|LMAO|HAHA|JAJA|TBH|FR|HONESTLY|} $",
		"^ {ITS|} NOT LIKE {ANYONE|ANYBODY|ANY1|NOBODY} {WOULD|WILL|WOULDVE|IS GONNA|IS GOING TO} {EVEN|} {CARE|NOTICE|MISS ME} {ANYWAY|ANYWAYS|} {LOL|LMAO|TBH|FR|} $",
		"^ {PPL|PEOPLE|THEY} {WOULDNT|WOULD NOT|WONT} EVEN {CARE|NOTICE} {LOL|LMAO|TBH|FR|} $",
		"^ {NO ONE|NOBODY|NOONE} {GONNA|GOING TO|WOULD|WILL|IS GONNA|IS GOING TO} {COME|SHOW UP|SHOW} {TO|AT|FOR} MY FUNERAL {ANYWAY|ANYWAYS|} {LOL|LMAO|TBH|FR|} $",
		"^ {IM|I AM|} {SO|} OVER {LIFE|LIVING} {LOL|LMAO|TBH|FR|HONESTLY|} $", "^ {OK|} {LOGGING|LOG} OFF {LIFE|OF LIFE|FROM LIFE} {SOON|FOREVER|FOR GOOD|FOR REAL|FOR REAL THIS TIME|} {LOL|LMAO|TBH|FR|} $",
		"^ UNINSTALLING LIFE {LOL|LMAO|} $", "^ A NADIE LE IMPORTA {LOL|JAJA|} $", "^ NADIE SE PREOCUPA POR MI {LOL|JAJA|} $",
		"^ WHO {WOULD|WOULD EVEN|WILL|WILL EVEN|IS EVEN GONNA} {COME|SHOW UP} {TO|AT} MY FUNERAL {ANYWAY|ANYWAYS|} {LOL|LMAO|} $", "^ WHO CARES ABOUT ME {ANYWAY|ANYWAYS|} {LOL|LMAO|} $",
		"^ {ITS|} NOT LIKE {ANYONE|ANYBODY} {GIVES A SHIT|GIVES A DAMN|GIVES A FUCK} {LOL|LMAO|} $", "^ {ITS|} NOT LIKE {ANYONE|ANYBODY} {WOULD|WILL} {EVEN|} NOTICE {IM|I WAS|I AM} GONE {LOL|LMAO|} $",
		"^ {NO ONE|NOBODY} CARES {LOL|LMAO} {WHATEVER|ANYWAY} $")
	despairBeside = anchored("^ ALL OF IT $", "^ {SO|} {IM|I AM} {SO|JUST|REALLY|} DONE {WITH EVERYTHING|} $", "^ {IM|} {SO|JUST|} TIRED $", "^ IDK ANYMORE $",
		"^ NOT GREAT $", "^ EVERYTHING $", "^ I CANT {DO IT|} $", "^ {UGH|SIGH|IDK|WHATEVER|BYE|IDC|IDC ANYMORE} $", "^ {HONESTLY|TBH} $", "^ NOBODY GETS IT $",
		"^ {IDK|I DONT KNOW} WHAT TO DO ANYMORE $", "^ FOR REAL THIS TIME $")
)

// bareHelp after a stop is a plea too ("stop. help", "STOP help me").
var bareHelp = anchored("^ {HELP|HELP ME|PLEASE HELP|PLEASE HELP ME|HELP ME PLEASE|AYUDA|AYUDAME} $")

// loneBye: a goodbye said alone, as unclear as "goodbye".
var loneBye = anchored("^ {BYE|BYEBYE|BYE BYE|BYE NOW} $")

var pleaWords = anyOfWide("^ {HELP|HELP ME|PLEASE|PLS|PLEASE HELP|PLEASE HELP ME|HELP ME PLEASE|AYUDA|AYUDAME|PORFAVOR} $")

// deathToldIn: a death told ("he passed", not "i passed my drug test").
func deathToldIn(clauses [][]string) bool {
	for _, c := range clauses {
		for i, t := range c {
			if deathTold[t] && !(t == "PASSED" && (at(c, i+1) == "MY" || at(c, i+1) == "THE" || at(c, i+1) == "A" || at(c, i+1) == "AN")) {
				return true
			}
		}
	}
	return false
}

// deathTold and theirLine: a death told, of the person the texts were for.
var (
	deathTold = newSet("PASSED", "DIED", "FALLECIO", "MURIO", "FALLECIDO", "FALLECIDA")
	theirLine = anyOfWide("{WAS|ESTABA} {ON YOUR|IN YOUR|EN SU|EN EL} {LIST|PROGRAM|PROGRAMA|LISTA|TEXTS}", "{THIS PHONE|THIS NUMBER|THIS CELL} {WAS|BELONGED TO}", "LIKED GETTING THESE",
		"{ESTE CEL|ESTE TELEFONO|ESTE NUMERO} ERA DE")
)

// familySays opens a text from the person's family ("This is his
// mother."); personDied, a sentence that says the person died ("He passed
// in May."), not "he passed out", "he almost died" or "his father passed".
var (
	familySays = anyOfWide("^ THIS IS {HIS|HER|THEIR} {MOTHER|MOM|FATHER|DAD|WIFE|HUSBAND|SISTER|BROTHER|DAUGHTER|SON|GRANDMOTHER|GRANDMA} $")
	personDied = anyOfWide("^ {HE|SHE} {PASSED|DIED|PASSED AWAY} {$|IN|ON|LAST|YESTERDAY|RECENTLY|THIS|EARLIER}")
	// goneFromUs: the person has died, said gently, in the third person,
	// as the whole text: not "my son is no longer with us. hes in sober
	// living now", nor a parent's death told by the person.
	goneFromUs = anyOfWide("^ {HE|SHE|HES|SHES|MY SON|MY DAUGHTER|MY HUSBAND|MY WIFE|MY BOY|MY GIRL} {IS|} {NO LONGER|NOT|AINT} {WITH|W} US {ANYMORE|NO MORE|} $",
		"^ {EL|ELLA|MI HIJO|MI HIJA|MI ESPOSO|MI ESPOSA|} YA NO ESTA {CON|ENTRE} NOSOTROS $")
)

// textsTalk: words of the texts and their timing, beside "make it stop".
var textsTalk = union(ourNouns, newSet("THESE", "TEXTING", "MESSAGING", "MORNING", "MORNINGS", "EVERY", "ASKING", "TEXTED", "NUMBER", "PHONE", "DAILY", "9AM", "8AM", "SIM", "RANDOM", "SPAM"))

// makeItStop: a sentence that asks for an end, naming nothing.
var makeItStop = anyOfWide("^ {PLEASE|PLS|JUST|} MAKE {IT|THIS|THEM} {STOP|STOPPP|STOPP} {$|PLS|PLEASE|PLZ}")

// wantItStopped, alone, is as unclear as "make it stop": "i want it to
// stop", "i just want this to stop".
var (
	stopOrStopped = newSet("STOP", "STOPPED")
	wantItStopped = anyOfWide("^ {I|} {JUST|REALLY|} {WANT|WANNA|NEED} {IT|THIS} {TO STOP|STOPPED} {$|PLS|PLEASE|PLZ}")
)

// useWordsNow: words of use beside someone not answering (unreachable).
var useWordsNow = newSet("USING", "RELAPSING", "RELAPSED", "CONSUMIENDO", "USANDO", "DROGANDO", "FENT", "DOPE", "SMELL", "OLOR", "NODDING")

// someoneUnreachable: someone else not answering (not "im not answering
// my ex").
func someoneUnreachable(toks []string) bool {
	return unreachable.each(toks, func(i int) bool {
		p := at(toks, i-1)
		return p != "IM" && p != "I" && p != "ME" && p != "YO"
	})
}

// scaredPlea: fear said and nothing more.
var scaredPlea = anyOfWide("^ {IM|I AM|I M} {SO|REALLY|} {SCARED|TERRIFIED|NOT OK|NOT OKAY|FREAKING OUT} $", "^ {TENGO|TENGO MUCHO} MIEDO $", "^ {ESTOY|TOY} {ASUSTADO|ASUSTADA} $", "^ HELP ME $", "^ {PLEASE|PLS} HELP {ME|} $", "^ NECESITO AYUDA $")

// leavingDespair: despair that, beside a request to stop, makes it a
// goodbye.
var leavingDespair = anyOfWide("{NOTHINGS|NOTHING IS|NOTHING} WORTH ANYTHING", "{IM|I AM} {CHECKING|CHECKIN} OUT {$|FOR GOOD|PERMANENTLY|EARLY}", "DOESNT MATTER ANYWAY", "TIRED OF ALL OF IT", "{NOTHINGS|NOTHING IS|NOTHING} {EVER|} {GONNA|GOING TO} FIX ME", "NOTHING EVER {WORKS|GOES|TURNS} {OUT|RIGHT} FOR ME", "{THERES|THERE IS} NO HELPING ME",
	"{I|} MADE MY {CHOICE|DECISION} $", "{I|} ALREADY DECIDED $", "NOT LIKE {ILL|I WILL} BE AROUND", "NO VOY A ESTAR $", "NO QUIERO NADA DE NADIE", "NO MORE ME $", "IT ALL DOESNT MATTER", "NOTHING MEANS ANYTHING", "NONE OF THIS MATTERS", "NONE OF IT MEANS ANYTHING", "NOTHING {GOING TO|IS GOING TO|WILL} CHANGE",
	"WONT {NEED|BE NEEDING} {THEM|THESE|EM} WHERE", "WONT NEED ANYTHING {SOON|$}", "LIFE INCLUDED $", "DONE WITH {ALL OF IT|EVERYTHING|IT ALL}", "{IM|I AM} NOT WORTH {ANYTHING|IT|SAVING|THE TEXTS|THE EFFORT}",
	"{DONT|DOESNT|WONT|CANT} STOP A BULLET", "NOTHING STOPS A BULLET", "BULLET STOPS EVERYTHING", "{NOBODY|NO ONE|NOONE} {CAN|WILL|CAN EVER} TALK ME OUT OF IT",
	"{GOING|GONE|GO|MOVING} TO A BETTER PLACE", "NO VALGO LA PENA", "{MOVING|GOING} TO HEAVEN", "NEXT LIFE", "IN WITH GOD", "AWAY FROM EVERYTHING", "{WASTE|WASTING|GASTEN} ~ {ON ME|EN MI|LIKE ME}", "{CAN|CAN STILL} BE HELPED", "TIRED OF TRYING $",
	"{NOTHING|NOTHINGS} {IS GONNA|IS GOING TO|GONNA|GOING TO|WILL|CAN|EVER} HELP {ANYWAY|ME|$}", "NOTHING HELPS {ANYWAY|$}", "NOTHING WORKS {ANYWAY|ANYMORE|} $", "BETTER THAN THIS LIFE", "^ {ITS|IT IS} {ALL|} OVER $", "NO TIENE CASO {NADA|SEGUIR|VIVIR|$}", "{RATHER|WANNA|WANT TO} {JUST|} VANISH",
	"{NOBODY|NO ONE|NOONE} CARES ANYWAY", "NO MORE NOTHING", "{YOU|U|YALL} CANT HELP ME {$|ANYWAY|NOBODY CAN}", "{YA|} NO IMPORTA NADA", "YA NO IMPORTA $", "{ME VOY|VOY} A IR PARA SIEMPRE", "ME VOY PARA SIEMPRE")

// phoneGoodbye: a phone or a chance the person will not need, or going
// away unreachable, beside a request to stop ("lose my number, wont be
// needing a phone soon", "stop the texts, its too late for me", "I'm going
// away for a while. Please don't text."), is a goodbye unless the text gives an
// everyday reason (plainReason: a new phone, a carrier, a real move, being
// asleep, work, a trip, the army, treatment or jail).
var (
	phoneGoodbye = anyOfWide("{NOT GONNA|WONT|WILL NOT|NOT GOING TO|DONT|WONT BE} {NEED|NEEDING} {THESE|THIS|THEM|IT} AFTER {TODAY|TONIGHT|TOMORROW}", "{DONT|DO NOT} EXPECT TO NEED {IT|THIS|THESE|THEM|YOU} MUCH LONGER", "{DONT|DO NOT} EXPECT TO BE {AROUND|HERE} MUCH LONGER", "{DONT THINK ILL|WONT} NEED {THESE|THIS|THEM|IT} MUCH LONGER", "{WONT|WILL NOT} {NEED|BE NEEDING} {A|THIS|MY} PHONE {SOON|MUCH LONGER|AFTER TONIGHT|ANYMORE|$}",
		"TOO LATE FOR ME", "{WONT|WILL NOT} BE IN SERVICE ~ {LONGER|SOON}")
	// awayGoodbye: going away unreachable, beside a request to stop ("I'm
	// going away for a while. Please don't text."), a goodbye unless a
	// reason is given (plainReason: a trip, the army; or awayReason:
	// treatment, jail, a place without phones).
	awayGoodbye = anyOfWide("{GOING|GOIN} AWAY FOR {A WHILE|A LONG TIME|A LONG WHILE|GOOD} {$|NOW}", "{WONT|WILL NOT} BE ABLE TO REACH ME {$|SOON|ANYWAY|AFTER}",
		"{WONT|WILL NOT} BE REACHABLE {$|AFTER|ANYMORE|SOON|AGAIN|FOR A WHILE|FOR LONG}", "WHERE {IM|I AM} GOING {$|NO VOY|I WONT|THEY|THERE}")
	awayReason  = anyOfWide("TREATMENT", "REHAB", "DETOX", "JAIL", "PRISON", "MEXICO", "{DONT|DONT ALLOW|TAKE} {PHONES|YOUR PHONE|UR PHONE}")
	plainReason = anyOfWide("SWITCHING", "ENDS TODAY", "LAST DAY", "PROBATION", "DISCHARG*", "{I|IM|I AM} {GRADUATED|GRADUATING|GRADUATE} {FROM|THE PROGRAM}", "{FINISHING|FINISHED|COMPLETING|COMPLETED|DONE WITH} {THE|MY} {PROGRAM|PROGRAMME|TREATMENT}", "CARRIER*", "NEW {PHONE|NUMBER|ONE|CARRIER|PLAN}", "GETTING A NEW", "GAVE ME ONE", "MOVING {TO|INTO|OUT|BACK|HOUSE|ACROSS|OVERSEAS|ABROAD|STATES}", "MOVING IN WITH {MY|OUR|A|HER|HIS}", "ASLEEP",
		"WORK EARLY", "AT NIGHT", "TO READ", "TO BE GETTING", "OVERSEAS", "CAMBIO DE {CEL|TELEFONO|NUMERO|COMPANIA}",
		"DEPLOY*", "ARMY", "MILITARY", "NAVY", "BOOT CAMP", "{WORK|BUSINESS|CAMPING|FAMILY} TRIP", "VACATION", "CRUISE")
)

// dangerousWithdrawal: the text tells of stopping cold turkey with a sign
// of danger or nobody near: seizures, shaking, seeing things, alone. Asking
// whether it is safe ("is it bad if i quit bars cold turkey") is not.
func dangerousWithdrawal(clauses [][]string) bool {
	cold := false
	for _, c := range clauses {
		for i, t := range c {
			if t == "COLD" && at(c, i+1) == "TURKEY" || t == "DE" && at(c, i+1) == "GOLPE" && slices.ContainsFunc(c[max(0, i-4):i], func(v string) bool {
				return v == "DEJE" || v == "DEJO" || v == "PARE" || v == "DEJAR" || v == "QUITE" || v == "STOPPED" || v == "QUIT"
			}) {
				cold = true
			}
		}
	}
	if (hasAnyToken(clauses, withdrawalWords) && hasAnyToken(clauses, withdrawalRisk) && severeNow(clauses) || hasAnyToken(clauses, dtsWords) && anyMatch(dtsNow, clauses)) &&
		!anyMatch(withdrawalPast, clauses) && !anyMatch(withdrawalFeared, clauses) && !questionStart[at(clauses[0], 0)] && !hasAnyToken(clauses, generalWords) {
		return true // "alcohol withdrawal and hallucinating", "i have the dts"
	}
	if !cold && hasAnyToken(clauses, withdrawalRisk) && stoppedLately(clauses) && severeNow(clauses) {
		return true // "llevo 2 dias sin tomar y estoy temblando mucho, veo cosas", "3 days off alcohol and the walls are melting"
	}
	if !cold && hasAnyToken(clauses, withdrawalRisk) && anyMatch(drinkStopped, clauses) && severeNow(clauses) && !anyMatch(withdrawalPast, clauses) && !anyMatch(withdrawalFeared, clauses) &&
		!slices.ContainsFunc(joined(clauses), isLaugh) {
		return true // "stopped my klonopin when i moved in and today i blacked out and bit my tongue": a severe sign needs no time said
	}
	if !cold || !hasAnyToken(clauses, withdrawalRisk) {
		return false // "quit vaping cold turkey, shaking": not a drink or a benzodiazepine
	}
	if !symptomNow(clauses) && (anyMatch(withdrawalPast, clauses) && !anyMatch(nowCue, clauses) && !anyMatch(withdrawalRecent, clauses) || anyMatch(withdrawalFeared, clauses)) {
		return false // "quit drinking cold turkey 2 yrs ago, had the shakes", "scared of the shakes if i quit"
	}
	if severeNow(clauses) {
		return true // "dejo de tomar de golpe hace 2 dias y ve cosas q no estan"
	}
	for _, c := range clauses {
		for i, t := range c {
			if at(c, i-1) == "NO" || at(c, i-1) == "NOT" || at(c, i-1) == "WITHOUT" || at(c, i-1) == "SIN" {
				continue // "6 months ago, no seizures"
			}
			switch {
			case strings.HasPrefix(t, "SEIZ"), strings.HasPrefix(t, "HALLUCINAT"), t == "SHAKING" || t == "SHAKIN" || t == "SHAKES" || t == "CONVULSING",
				t == "SEEING" && (at(c, i+1) == "STUFF" || at(c, i+1) == "THINGS" || at(c, i+1) == "BUGS" || at(c, i+1) == "SHIT"),
				t == "MYSELF" && at(c, i-1) == "BY", t == "ALONE",
				t == "TEMBLANDO" || t == "TEMBLORES" || t == "TIEMBLA" || t == "TIEMBLO" || strings.HasPrefix(t, "CONVULSION") || strings.HasPrefix(t, "ALUCIN"),
				(t == "SOLO" || t == "SOLA" || t == "SOLITO" || t == "SOLITA") && (aloneAfter[at(c, i-1)] || at(c, i+1) == "EN" && at(c, i+2) == "CASA"):
				return true
			}
		}
	}
	return false
}

// stoppedLately: drink or benzodiazepines stopped, said with a time of
// days in the same sentence, or with signs told as happening.
func stoppedLately(clauses [][]string) bool {
	for _, c := range clauses {
		one := [][]string{c}
		if anyMatch(drinkStopped, one) && anyMatch(drinkRecent, one) {
			return true
		}
	}
	return anyMatch(drinkStopped, clauses) && symptomNow(clauses)
}

// severeNow: a severe sign, not denied ("no seizures no hallucinations").
func severeNow(clauses [][]string) bool {
	kept := make([][]string, len(clauses))
	for k, c := range clauses {
		kept[k] = slices.Clone(c)
		for i := 1; i < len(c); i++ {
			switch c[i-1] {
			case "NO", "NI", "SIN", "WITHOUT", "NOT", "NOR":
				if p := at(c, i-2); p != "Q" && p != "QUE" && p != "THAT" && p != "WHO" {
					kept[k][i] = "-" // not "gente q no existe"
				}
			}
		}
	}
	return anyMatch(severeSigns, kept)
}

// drinkStopped: drinking (or benzodiazepines) stopped lately; severeSigns:
// what makes that withdrawal an emergency: seeing or hearing what is not
// there, confusion, seizures.
var (
	drinkStopped = anyOfWide("{SIN|OFF|WITHOUT|NO} {TOMAR|ALCOHOL|DRINKING|DRINK|BEBER|BOOZE|PISTO|CHUPAR|BENZOS|XANAX|PASTILLAS}", "OFF THE {BOTTLE|BOOZE|SAUCE}", "{DEJE|DEJO|DEJAMOS} DE {TOMAR|BEBER|CHUPAR|PISTEAR}",
		"{QUIT|STOPPED|STOP} {MY|THE|} {DRINKING|DRINKIN|DRINK|BOOZE|ALCOHOL|BENZOS|XANAX|ATIVAN|KLONOPIN|VALIUM|LIBRIUM|CLONAZEPAM|LORAZEPAM}",
		"RAN OUT OF {VODKA|BOOZE|LIQUOR|WHISKEY|ALCOHOL|XANAX|BENZOS|KLONOPIN|ATIVAN|VALIUM}", "{DAY|DAYS|DIAS|DIA} {OFF|SIN|WITHOUT}")
	drinkRecent = anyOfWide("{1|2|3|4|5|6|7|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|UN|UNO|DOS|TRES|CUATRO|CINCO|SEIS|SIETE|COUPLE|FEW|12|24|36|48|72} {DAYS|DAY|DIAS|DIA|HOURS|HRS|HORAS}", "{DAY|DIA} {1|2|3|4|5|6|7|ONE|TWO|THREE|FOUR|FIVE}",
		"YESTERDAY", "AYER", "ANOCHE", "LAST NIGHT", "THIS MORNING", "ESTA MANANA", "{MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY|LUNES|MARTES|MIERCOLES|JUEVES|VIERNES|SABADO|DOMINGO}", "DESDE EL {LUNES|MARTES|MIERCOLES|JUEVES|VIERNES|SABADO|DOMINGO}")
	severeSigns = anyOfWide("{VEO|VE|VEIA|VEMOS} {BICHOS|ARANAS|COSAS Q NO|COSAS QUE NO|GENTE Q NO|GENTE QUE NO}", "VIENDO {COSAS|BICHOS|ARANAS|GENTE}", "{SEEING|SEES|SAW|SEE} {BUGS|SPIDERS|STUFF|SHIT|COSAS|THINGS THAT ARENT|THINGS THAT ARE NOT|THINGS THAT IS NOT|THINGS THAT ISNT|PEOPLE THAT ARENT|PEOPLE WHO ARENT}", "BLACKED OUT AND BIT MY TONGUE", "BIT MY TONGUE ~ ~ {FLOOR|GROUND}", "HEARING {MUSIC|VOICES} ~ {NOBODY|NO ONE|THAT|ISNT|ARENT}", "{HEARING|HEARIN} VOICES", "WALLS ~ {MELTING|MOVING|BREATHING}",
		"{SEEING|HEARING|SEEIN|HEARIN} {THINGS|STUFF|SHIT} {$|MOVE|MOVING|CRAWLING|AGAIN|NOW|RN|TOO|ALREADY|THAT ARENT|THAT ISNT|THAT ARE NOT|HELP|PLEASE|PLS|EVERYWHERE}", "{SEE|SEEING|SAW} SPIDERS", "{ESCUCHO|OIGO|ESCUCHA|OYE} {COSAS|VOCES}",
		"{GONNA|GOING TO|ABOUT TO} {SEIZE|HAVE A SEIZURE} {$|AGAIN|RN|NOW|SOON}", "{DOESNT|DONT|DOES NOT|DO NOT} KNOW WHAT DAY",
		"{Q|QUE|THAT|WHO} NO {EXISTE|EXISTEN|ESTAN|ESTA AHI}", "{ISNT|ARENT} {REALLY|} THERE $", "NOBODY ELSE {HEARS|SEES}", "{IS|HES|SHES|IM|ESTA|ANDA|ESTOY} {CONFUSED|CONFUNDIDO|CONFUNDIDA} {$|AND|Y|DOESNT|NO SABE}",
		"SEIZURE*", "SEIZING", "CONVULS*", "ALUCIN*", "HALLUCINAT*", "{LEGS|ARMS|BODY} ~ {JERKING|JERKIN|TWITCHING|TWITCHIN}")
)

// withdrawalAskedOrTold: withdrawal named, and asked about in general,
// read or learnt of, or told of years ago, with no sign told as happening
// now.
func withdrawalAskedOrTold(clauses [][]string) bool {
	if !hasAnyToken(clauses, withdrawalWords) || symptomNow(clauses) {
		return false
	}
	return questionStart[at(clauses[0], 0)] && hasAnyToken(clauses, generalWords) || anyMatch(withdrawalPast, clauses) || anyMatch(whenYoung, clauses) ||
		hasAnyToken(clauses, learntWords)
}

var (
	whenYoung   = anyOfWide("WHEN I WAS {A KID|YOUNG|LITTLE|A TEEN|A TEENAGER|IN HIGH SCHOOL|GROWING UP}")
	learntWords = newSet("LEARNED", "LEARNT", "VIDEO", "ARTICLE", "CLASS", "LECTURE", "DOCUMENTARY", "PODCAST")
)

// withdrawalWords name withdrawal; dtsNow, delirium tremens told as
// happening: "i have the dts", "dts", "shes in the dts".
var (
	withdrawalWords = newSet("WITHDRAWAL", "WITHDRAWALS", "WITHDRAWL", "WITHDRAWLS", "WITHDRAWING", "DETOXING", "ABSTINENCIA", "WD", "WDS")
	dtsWords        = newSet("DTS", "DELIRIUM")
	dtsNow          = anyOfWide("{I|IM|HE|SHE|HES|SHES|IS|ARE|THEYRE|HUSBAND|WIFE|DAD|MOM|FATHER|MOTHER|BROTHER|SISTER|SON|DAUGHTER|FRIEND|PARTNER|BF|GF|BOYFRIEND|GIRLFRIEND|UNCLE} {HAVE|HAS|HAVING|GETTING|IN} {THE|} {DTS|DELIRIUM TREMENS} {$|RN|NOW|AGAIN|BAD|AND|I THINK}", "^ {THE|} {DTS|DELIRIUM TREMENS} {$|RN|NOW|AGAIN|BAD|STARTED|STARTING|KICKING IN}",
		"{TIENE|TENGO|ESTA CON|ESTOY CON} {EL|} {DELIRIUM|DELIRIO} {TREMENS|}")
	// generalWords ask or tell about withdrawal in general: "does benzo
	// withdrawal cause hallucinations", "the video said xanax withdrawal
	// can cause seizures".
	generalWords = newSet("CAUSE", "CAUSES", "DANGEROUS", "VIDEO", "ARTICLE", "READ", "HEARD", "PAPER", "CLASS", "WHEN")
)

// withdrawalPast and withdrawalFeared put the withdrawal in the past
// ("in 2019", "2 yrs ago") or in a fear of it ("scared of the shakes if
// i quit"); withdrawalRecent and signs told as happening bring it back
// ("started drinking 20 years ago. quit cold turkey 2 days ago, shaking").
var (
	withdrawalPast   = anyOfWide("{YEARS|YEAR|YRS|YR|MONTHS|MONTH|DECADE|DECADES} AGO", "{BACK IN|YEARS BACK|LAST YEAR|ONCE BEFORE|THE LAST TIME|EL ANO PASADO}", "HACE {_|MUCHOS|UNOS|UN} {ANOS|MESES|ANO|MES}", "IN {2010|2011|2012|2013|2014|2015|2016|2017|2018|2019|2020|2021|2022|2023|2024}")
	withdrawalRecent = anyOfWide("{DAYS|DAY|HOURS|HRS|HR|HOUR} AGO", "YESTERDAY", "LAST NIGHT", "THIS MORNING", "HACE {_|UNOS|DOS|TRES} {DIAS|HORAS}", "AYER", "ANOCHE", "ESTA MANANA")
	withdrawalFeared = anyOfWide("{SCARED|AFRAID|WORRIED|FEAR|TERRIFIED|NERVOUS} {OF|ABOUT} ~ {SHAKES|SEIZURES|SEIZURE|WITHDRAWAL|WITHDRAWALS|DTS}", "{WHAT IF|IF} I {QUIT|STOP}", "{SHOULD|CAN|COULD} I {QUIT|STOP}", "{MIEDO|MIEDA} {DE|A} ~ {TEMBLORES|CONVULSIONES}")
	// symptomsNow are withdrawal's signs told as happening (symptomNow).
	symptomsNow = newSet("SHAKING", "SHAKIN", "TEMBLANDO", "HALLUCINATING", "ALUCINANDO", "SEEING", "CONVULSING", "SEIZING", "SWEATING", "SUDANDO",
		"SHAKES", "SWEATS", "TREMORS", "DTS", "TEMBLORES")
	// aloneAfter: words before "solo" or "sola" that make it "alone", not
	// "just" ("solo quiero saber").
	aloneAfter = newSet("ESTOY", "ESTABA", "ANDO", "QUEDE", "TEMBLANDO", "AQUI", "ACA", "CASA", "TOY", "STOY", "SIGO", "VIVO")
)

// symptomNow: a sign of withdrawal told as happening, not feared nor had
// ("scared of the shakes", "had the shakes").
func symptomNow(clauses [][]string) bool {
	for _, c := range clauses {
		told := false
		for i, t := range c {
			if symptomsNow[t] && !symptomBefore[at(c, i-1)] && !slices.ContainsFunc(c[max(0, i-3):i], func(v string) bool { return v == "HAD" || v == "WAS" || v == "WERE" || v == "TUVE" || v == "ESTUVE" }) {
				told = true
				break
			}
		}
		if one := [][]string{c}; told && !anyMatch(withdrawalPast, one) && !anyMatch(withdrawalFeared, one) {
			return true
		}
	}
	return false
}

// symptomBefore: words before a sign that make it feared or had ("scared
// of the shakes", "i was shaking for days", "ill get shakes").
var symptomBefore = newSet("THE", "OF", "LOS", "HAD", "WAS", "WERE", "GET", "GOT", "ILL", "WILL", "BE", "ESTUVE", "TUVE")

// withdrawalRisk: drinks and benzodiazepines, whose withdrawal can bring
// seizures.
var withdrawalRisk = union(benzos, newSet("DRINKING", "DRINKIN", "ALCOHOL", "BOOZE", "VODKA", "LIQUOR", "BEER", "WINE", "WHISKEY", "TEQUILA",
	"BOTTLE", "SAUCE", "BENZOS", "BENZO", "TOMAR", "TOMADERA", "PISTO", "ALCOHOLISMO", "BEBER", "CHUPAR", "PISTEAR", "CERVEZA", "TRAGO"))

// offItAfterDrug: the text ends "I want off it" after naming a drug: off
// the drug.
func offItAfterDrug(clauses [][]string) bool {
	n := len(clauses)
	if n < 2 {
		return false
	}
	last := clauses[n-1]
	if len(last) < 3 || last[len(last)-1] != "IT" || last[len(last)-2] != "OFF" {
		return false
	}
	for _, c := range clauses[:n-1] {
		if slices.ContainsFunc(c, namedDrug) && !hasAny(c, negations) && !hasAny(c, ourNouns) {
			return true // not "I don't use fentanyl. i want off it", nor "these suboxone reminders are annoying"
		}
	}
	return false
}

// lifePlan: the writer's own life planned ahead, told as news; without a
// crisis cue the model then needs at least lifePlanAt.
var lifePlan = anyOfWide("{GOING|GO|HEADING} BACK TO {SCHOOL|COLLEGE|CLASS|CLASSES}", "{STARTING|START} A NEW JOB",
	"{ENROLLING|ENROLLED|SIGNING UP|SIGNED UP|APPLYING|APPLIED} {IN|FOR|TO} {SCHOOL|COLLEGE|CLASSES|THE ACADEMY}",
	"{VOY A|VOLVER A|REGRESO A|REGRESAR A} LA {ESCUELA|UNIVERSIDAD|PREPA}", "EMPIEZO {UN|MI} NUEVO TRABAJO")

const lifePlanAt = 0.9

// deniedRisk: the writer says they are in no danger.
var deniedRisk = anyOfWide("{NOT GOING TO|WONT|NOT|AINT GOING TO} DO {ANYTHING|NOTHING|NOTHIN} {STUPID|DUMB|CRAZY|RASH|BAD}", "NOT IN DANGER", "IM SAFE I PROMISE",
	"NO ESTOY EN PELIGRO", "NO VOY A HACER {NINGUNA TONTERIA|UNA TONTERIA|NINGUNA LOCURA|NADA MALO|NADA}", "NO ME VOY A HACER NADA")

// seenWords say someone saw our text.
var seenWords = newSet("SAW", "VIO")

// fondEmoji are warmth: a heart, a smile.
const fondEmoji = "❤😊🥰😍🙂☺💕💖💙💜🤗"

// celebrateEmoji beside "I quit" celebrate it.
const celebrateEmoji = "💪🎉🥳👏🙌✨🏆🎊💯"

// relapseCue: use again after a time without.
var relapseCue = anyOfWide("RELAPSED", "RELAPSE", "RELAPSING", "{USED|DRANK|USING|DRINKING|SHOT UP|PICKED UP} AGAIN", "I USE AGAIN", "BACK ON {IT|THE}", "SLIPPED",
	"{USED|DRANK|SHOT UP|PICKED UP} AFTER ~ {DAYS|WEEKS|MONTHS|YEARS|YRS}",
	"RECAI", "RECAIDA", "VOLVI A {USAR|TOMAR|CONSUMIR|METERME|CAER}")

// usedAfterTimeAway: use said of today, after weeks or more without, and
// it is a drug that was used: a relapse or drug word, or the verb alone
// ("used today"). Not "picked up my 6 month chip", "used my coping skills
// today, 2 months sober".
func usedAfterTimeAway(clauses [][]string) bool {
	if hasAnyToken(clauses, firstWords) && anyMatch(firstTimeIn, clauses) && anyMatch(relapseCue, clauses) {
		return true // "i slipped, first time in 9 months"
	}
	if !hasAnyToken(clauses, timeAwayWords) || !anyMatch(timeAway, clauses) {
		return false
	}
	if anyMatch(justOutThem, clauses) && (someoneUnreachable(joined(clauses)) || anyMatch(unheardAfterOut, clauses)) || anyMatch(justOut, clauses) && anyMatch(dealerAfterOut, clauses) {
		return true // "cant get my daughter to answer her door. she just got out of treatment tuesday"
	}
	if anyMatch(usualDose, clauses) && !hasAnyToken(clauses, maintenance) {
		return true // "clean since last spring, gonna do my usual amount"
	}
	if !anyMatch(usedNow, clauses) || anyMatch(withdrawalPast, clauses) {
		return false // not "I used after 3 months clean back in 2019, now 4 years sober"
	}
	if anyMatch(relapseCue, clauses) || anyMatch(usedBare, clauses) {
		return true
	}
	for _, c := range clauses {
		if slices.ContainsFunc(c, namedDrug) {
			return true
		}
	}
	return false
}

var usedBare = anyOfWide(append([]string{"{USED|SHOT UP|PICKED UP|CONSUMI|ME INYECTE|ME METI} {TODAY|TONIGHT|RN|RIGHT NOW|JUST NOW|THIS MORNING|HOY|AHORITA|AGAIN|AFTER|$}",
	"HOY {USE|CONSUMI|RECAI}", "HOY ME METI {$|OTRA VEZ|DE NUEVO}"}, justUsed...)...)

// justUsed: use said as just done or under way, in words that name no
// time of day: "and using again", "first thing i did was cop", "took a
// hit 20 min ago", "ya me drogue" (usedBare and usedNow).
var justUsed = []string{"AND|NOW|IM|ALREADY USING {$|AGAIN|TONIGHT|TODAY|RN|NOW}", "AND|NOW|IM|ALREADY GETTING|GOT HIGH {$|AGAIN|TONIGHT|TODAY|RN|NOW}", "AND|NOW|IM|ALREADY SHOOTING UP {$|AGAIN|TONIGHT|TODAY|RN|NOW}",
	"^ {GETTING|GOT} HIGH {TONIGHT|TODAY|NOW|RN|$}", "NOW IM HIGH", "TOOK|DID|HIT|SHOT|USED ~ _ MIN|MINS|MINUTES AGO", "BACK AT IT {TONIGHT|TODAY|RN|NOW}", "{YA|HOY} ME {DROGUE|METI|INYECTE}",
	"FIRST THING {IM DOING|IMMA DO|IM GONNA DO|I WANNA DO|ILL DO} IS {GETTING HIGH|GET HIGH|SHOOTING UP|HIT MY PLUG|HITTING MY PLUG|CALLING MY PLUG}", "FIRST THING {IM DOING|IMMA DO|IM GONNA DO|I WANNA DO|ILL DO} IS {COPPING|COP|SCORE|SCORING|USING} $",
	"{USE|USED} {FENT|DOPE|HEROIN|PILLS|IT|CRISTAL|COKE} {HOY|TODAY|TONIGHT|LAST NIGHT|} AFTER BEING {CLEAN|SOBER} {FOR|}",
	"FIRST THING I DID WAS COP|SCORE", "FIRST THING I DID WAS GO COP|SCORE", "FIRST THING I DID WAS GET HIGH", "FIRST THING I DID WAS SHOOT UP", "FIRST THING I DID WAS CALL MY DEALER|PLUG",
	"VOY A METERME|USAR|INYECTARME LO DE SIEMPRE", "{YA|} VOY A COMPRAR LO DE SIEMPRE", "^ FIRST ONE {TONIGHT|RN|NOW} $", "{WENT|GOING|HEADED|HEADING} STRAIGHT TO THE {TRAP|PLUG|DEALER} {$|AND}",
	"{ALREADY|JUST} {COPPED|SCORED} {$|SOME|A BAG|DOPE|FENT|PILLS|BLUES|BARS|IT}", "ME ACABO DE {INYECTAR|METER|DROGAR}", "{AND|NOW|IM|AM} ABOUT TO {USE|SHOOT UP|GET HIGH} {$|TONIGHT|NOW|RN|AGAIN}", "^ USING {NOW|RN|RIGHT NOW} $", "YA {CONSEGUI|CONSIGUIO}"}

// usualDose: the old amount about to be used, or being used: the dose
// that kills after time away.
var usualDose = anyOfWide("{DO|DOING|TAKE|TAKING|USE|USING|SHOOT|SHOOTING|SNORT|SMOKE|HIT} {MY|THE|} {USUAL|SAME|OLD|REGULAR|NORMAL} {AMOUNT|DOSE|SHOT|HIT|BAG|BAGS|LINE|LINES} {$|TONIGHT|NOW|RN|LIKE BEFORE|LIKE I USED TO}",
	"{GONNA|GOING TO|ABOUT TO} {DO|USE|TAKE|SHOOT} {WHAT|HOW MUCH} I USED TO {$|DO $|USE $|TAKE $}", "SAME AS I USED TO {$|DO $|USE $}", "{MI|LA} {DOSIS|CANTIDAD} DE {SIEMPRE|ANTES} {$|HOY|ESTA NOCHE|AHORITA}",
	"{SAME|LO MISMO} {AS BEFORE|QUE ANTES|DE ANTES}", "{CURARME|METERME|DARME|INYECTARME|PONERME} COMO ANTES")

// maintenance: a medication taken as prescribed, whose usual dose is no
// danger ("clean since january, still taking my normal dose of methadone").
var maintenance = newSet("METHADONE", "METADONA", "BUPE", "SUBOXONE", "SUBS", "SUB", "BUPRENORPHINE", "VIVITROL", "SUBLOCADE", "MEDS", "MEDICATION", "MEDICINA", "MEDICAMENTO", "PRESCRIPTION",
	"PRESSURE", "INSULIN", "VITAMINS", "BLOOD")

// laughs: the text laughs, in words or pictures ("jaja", "lol", 😂).
func laughs(body string, clauses [][]string) bool {
	for _, c := range clauses {
		if slices.ContainsFunc(c, isLaugh) {
			return true
		}
	}
	return strings.ContainsAny(body, laughEmoji)
}

var (
	firstWords  = newSet("FIRST")
	firstTimeIn = anyOfWide("FIRST TIME {IN|SINCE} ~ {MONTHS|YEARS|WEEKS|REHAB|DETOX|JAIL|PRISON|TREATMENT}")
)

// hasAnyToken: a token of the text is in s (hasAny, clause by clause).
func hasAnyToken(clauses [][]string, s set) bool {
	return slices.ContainsFunc(clauses, func(c []string) bool { return hasAny(c, s) })
}

// timeAwayWords: every timeAway pattern has one of them
// (TestTimeAwayWords), so a text with none is not read further.
var timeAwayWords = newSet("GOT", "FRESH", "CLEAN", "SOBER", "LIMPIO", "LIMPIA", "SOBRIO", "SOBRIA", "SIN", "OFF", "LLEVABA", "DESPUES", "AFTER",
	"REHAB", "DETOX", "JAIL", "PRISON", "TREATMENT", "CENTRO", "CARCEL", "BOTE", "TANQUE", "PRISION", "ANEXO", "COUNTY", "PENAL", "CLINICA")

// usedNow: use said of today or just now.
var usedNow = anyOfWide(append([]string{"{RELAPSED|USED|USING|SHOT UP|PICKED UP|PICKING UP|SMOKED|SNORTED|RECAI|CONSUMI|ME METI|ME INYECTE} ~ {TODAY|TONIGHT|RN|RIGHT NOW|JUST NOW|THIS MORNING|HOY|AHORITA|ORITA|HACE RATO}",
	"{TODAY|TONIGHT|JUST|HOY|AHORITA|ORITA} ~ {RELAPSED|USED|SHOT UP|PICKED UP|RECAI|CONSUMI|ME METI|ME INYECTE}", "{HOY|AHORITA|ORITA} {USE|FUME}",
	"ALREADY {COPPED|USED|SHOT UP|PICKED UP|RELAPSED}", "{ACABO|ACABA} DE {INYECTAR|METER|USAR|FUMAR|CONSUMIR}",
	"{RELAPSED|USED|SHOT UP} AFTER"}, justUsed...)...)

// timeAway: weeks or more without, or just out of a place without.
var timeAway = anyOfWide("{MONTHS|WEEKS|YEARS|MONTH|YEAR|DAYS|MESES|SEMANAS|ANOS|MES|ANO|DIAS} {CLEAN|SOBER|LIMPIO|LIMPIA|SOBRIO|SOBRIA|SIN USAR|SIN CONSUMIR|OFF IT}",
	"{CLEAN|SOBER} {FOR|SINCE|} ~ {MONTHS|WEEKS|YEARS|MONTH|YEAR}", "{LIMPIO|LIMPIA|SOBRIO|SOBRIA} DESDE {ENERO|FEBRERO|MARZO|ABRIL|MAYO|JUNIO|JULIO|AGOSTO|SEPTIEMBRE|OCTUBRE|NOVIEMBRE|DICIEMBRE|NAVIDAD}", "{CLEAN|SOBER} SINCE {LAST|} {SPRING|SUMMER|FALL|WINTER|CHRISTMAS|JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER}", "LLEVABA ~ {MESES|SEMANAS|ANOS|MES|ANO}", "AFTER {REHAB|DETOX|JAIL|PRISON|TREATMENT}",
	"DESPUES DE ~ {MESES|ANOS|SEMANAS|MES|ANO}", "AFTER ~ {MONTHS|YEARS|MONTH|YEAR} {CLEAN|SOBER|OFF|$}", "AFTER _ DAYS {CLEAN|SOBER|OFF|$}",
	"{JUST GOT OUT|FRESH OUT|JUST GOT RELEASED} {AND|$}", "{GOT OUT|OUT OF|OUTTA|LEFT|SALI DEL|SALI DE|SALIO DEL|SALIO DE|RECIEN SALI|GOT BACK FROM|RELEASED FROM|HOME FROM} ~ {REHAB|JAIL|PRISON|DETOX|TREATMENT|CENTRO|CARCEL|BOTE|TANQUE|PRISION|ANEXO|COUNTY|PENAL|CLINICA}")

// justOut: just out of jail or treatment, when tolerance is lowest;
// unheardAfterOut, someone then not answering, shut in, or met by a
// dealer.
var (
	justOut         = anyOfWide("LEFT {REHAB|DETOX|TREATMENT|JAIL|PRISON} {YESTERDAY|TODAY|THIS MORNING|LAST NIGHT|$}", "{GOT OUT|JUST GOT OUT|OUT OF|HOME FROM|RELEASED FROM|GOT RELEASED FROM|SALIO DEL|SALIO DE|SALI DEL|SALI DE|RECIEN SALI|RECIEN SALIO} ~ {REHAB|JAIL|PRISON|DETOX|TREATMENT|CARCEL|BOTE|PRISION|COUNTY|PENAL} {YESTERDAY|TODAY|TUESDAY|MONDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY|THIS WEEK|LAST NIGHT|THIS MORNING|AYER|HOY|$}")
	unheardAfterOut = anyOfWide("LOCKED IN ~ {ROOM|BATHROOM}", "{CANT|CAN NOT|COULDNT} GET {HIM|HER|THEM|MY} ~ TO {ANSWER|OPEN|RESPOND|PICK UP}")
	dealerAfterOut  = anyOfWide("{HIS|HER|A} {GUY|PLUG|DEALER} ~ {TEXTED|DROP|DROPPED|CAME BY}", "MY {PLUG|DEALER} ~ {TEXTED|CAME BY|HIT ME}", "MY GUY TEXTED {BACK|ME BACK|$}")
	// justOutThem: the one just out is someone else, not the writer
	// ("just got out of jail today and my PO isnt answering" is not).
	justOutThem = anyOfWide("{HE|SHE|HES|SHES|SON|DAUGHTER|BROTHER|SISTER|DAD|MOM|HUSBAND|WIFE|BF|GF|BOYFRIEND|GIRLFRIEND|UNCLE|AUNT|COUSIN|FRIEND|ROOMMATE|PARTNER|HIJO|HIJA|HERMANO|HERMANA|ESPOSO|NOVIO|PAPA} ~ {GOT OUT|OUT OF|HOME FROM|RELEASED FROM|SALIO DEL|SALIO DE} ~ {REHAB|JAIL|PRISON|DETOX|TREATMENT|CARCEL|BOTE|PRISION|COUNTY|PENAL}")
)

// despairCue: not caring what happens to oneself.
var despairCue = anyOfWide("IDC ABOUT MYSELF", "{NOT|DONT|DO NOT} CARE {NO MORE|ANYMORE} WHAT {HAPPEN|HAPPENS} TO ME", "IDC {ABOUT ANYTHING|ANYMORE|WHAT HAPPENS|IF I|NO MORE}", "NOTHING {EVEN|REALLY|} MATTERS", "{IT|NOTHING} DOESNT MATTER ANYMORE", "AINT NOTHING MATTER*", "{DONT|DIDNT} {EVEN|REALLY|} CARE {ANYMORE|NO MORE|WHAT|ABOUT ANYTHING|IF I|$}", "STOPPED CARING", "CARE WHAT HAPPENS", "{IDC|DONT CARE} {WHAT|WHATEVER} HAPPENS", "WHATEVER HAPPENS ~ {AT THIS POINT|NOW|ANYMORE}",
	"WHATS THE POINT", "HOPELESS", "WORTHLESS", "HATE MYSELF", "NADA IMPORTA", "YA NO ME IMPORTA", "NO ME IMPORTA NADA", "{NO|YA NO} TIENE SENTIDO")

// farewellCue: a goodbye, said or done, that turns despair into a crisis.
var farewellCue = anyOfWide("BYE", "GOODBYE", "ADIOS", "TELL MY", "{LOS|LAS} QUIERO", "LOVE YOU ALL", "{GAVE|GIVING|GIVE} ~ {DOG|CAT|STUFF|THINGS|AWAY}", "{MAKING SURE|MADE SURE} ~ {DOG|CAT|KIDS|PETS} ~ {FOOD|FED|TAKEN CARE OF}",
	"{NO ONE|NOBODY} CAN HELP")

// gluableCrisis are the words a crisis run together is read from.
var gluableCrisis = newSet("I", "IM", "GONNA", "GOING", "TO", "KILL", "MYSELF", "TONIGHT", "WANT", "WANNA", "DIE", "END", "IT", "ALL",
	"YA", "NO", "QUIERO", "KIERO", "VIVIR", "DEJAR", "DE", "ME", "MORIR", "MATAR", "MATARME", "NOT", "BE", "HERE", "ANYMORE",
	"CANT", "GO", "ON", "DONT", "LIVE", "PUEDO", "MAS", "AGUANTO", "SUICIDE", "MORIRME", "VOY", "A")

// declineRules are the revocation rules whose words may answer a person
// rather than revoke consent (Classification.Decline).
var declineRules = map[string]bool{
	"revocation:declined": true, "revocation:stop at a message": true, "revocation:who is this": true,
	"revocation:not interested": true, "revocation:stop asking": true, "revocation:i quit": true, "revocation:i stop": true, "revocation:how do i quit": true,
	"revocation:not one of us": true,
}

// declines: rule is one of declineRules, broad or not.
func declines(rule string) bool {
	return declineRules[strings.TrimSuffix(rule, " (broad)")]
}

// stopSigns: the text is nothing but emoji, and they say stop: a stop
// sign, a crossed-out phone or a no (🛑, 📵, ⛔, ❌, 🚫📱).
func stopSigns(body string) bool {
	stop := false
	for _, r := range body {
		switch r {
		case '🛑', '📵', '⛔', '🚫', '❌':
			stop = true
		case '📱', '💬', '📲', '☎', ' ', '\uFE0F', '\u200D':
		default:
			return false
		}
	}
	return stop
}

// deathSigns: the text is mostly emoji, and they picture a gun, a grave or
// a coffin, or pills by the handful: "😔🔫", "🪦 soon", "😵💊💊💊".
// dangerEmoji: a weapon, a grave, a coffin or a noose, or three pills,
// however many words are beside them.
func dangerEmoji(body string) bool {
	pills := 0
	for _, r := range body {
		switch r {
		case '🔫', '🪦', '⚰', '🪢':
			return true
		case '💊':
			pills++
		}
	}
	return pills >= 3
}

// joyEmoji and drugEmoji beside "I quit" say it is a drug that was quit:
// "I quit today 🙏", "I quit 🚬".
const (
	joyEmoji  = "🙏❤😊☺🥰😁🥲😭"
	drugEmoji = "🍺🍻🍷🍸🍹🥃🍾🚬💉🌿🍃🎰🚭💊❄🍄"
)

// pictured: the text has an emoji or another picture symbol.
func pictured(body string) bool {
	for _, r := range body {
		if r >= 0x2190 && (unicode.Is(unicode.So, r) || r >= 0x1F000) {
			return true
		}
	}
	return false
}

func deathSigns(body string) bool {
	sign, pills, letters := false, 0, 0
	for _, r := range body {
		switch {
		case r == '🔫' || r == '🪦' || r == '⚰' || r == '🪢':
			sign = true
		case r == '💊':
			pills++
		case unicode.IsLetter(r):
			letters++
		}
	}
	return (sign || pills >= 3) && letters <= 6
}

// strongAsk: a rule that asks for our texts to stop in words that can
// mean nothing else: a carrier keyword or its Spanish twin, or a stop verb
// with our texts for object. DONE, QUIT, NO MAS, BASTA and the like may
// be said of a drug ("done with meth. DONE.").
func strongAsk(rule string) bool {
	w := rule[strings.LastIndex(rule, ":")+1:]
	if _, after, ok := strings.Cut(w, "→"); ok {
		w = after // "typo:sstop→STOP"
	}
	switch w {
	case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "REVOKE", "OPTOUT", "ALTO", "BAJA", "CANCELAR", "DETENER",
		"REMOVE", "DESUSCRIBIR", "DESUSCRIBIRME", "STAWP":
		return strings.HasPrefix(rule, "bare:") || strings.HasPrefix(rule, "typo:")
	}
	return rule == "revocation:stop the texts" || rule == "revocation:do not contact" || rule == "revocation:unsubscribe" ||
		rule == "revocation:stop"
}

// lastAsks returns the rule by which the text ends in a sentence that asks
// us to stop and speaks of nothing else, or "": "I quit drinking 5 years
// ago, I don't need this. Stop", "cravings peak and pass in front of my
// whole family. Take me off.", "...no entiende xq le llegan msjs de drogas.
// cancelar porfa". What came before explains the request; it does not take
// it back. A last sentence that points back ("how do i make them stop")
// is not on its own.
func lastAsks(clauses [][]string) string {
	for len(clauses) > 2 && signOff(clauses[len(clauses)-1]) {
		clauses = clauses[:len(clauses)-1] // "...please stop. thanks for everything"
	}
	if len(clauses) < 2 || onlyWords(clauses[len(clauses)-1], saidOfDrugs) {
		return "" // "parce ayudeme a dejar el bazuco, ya no mas"
	}
	last, before := clauses[len(clauses)-1], clauses[len(clauses)-2]
	if namesSubstance(before) && (slices.Equal(last, []string{"YA", "NO"}) || slices.Contains(last, "ESTO") || slices.Contains(last, "ESO")) {
		return "" // "im done with the pills, ya no", "ya no quiero seguir con las pastillas, como me salgo de esto"
	}
	if anyMatch(stopThis, [][]string{last}) && (namesSubstance(before) || hasAnyToken([][]string{before}, symptoms)) {
		return "" // "day 2 off dope, how do i make this stop": this is the withdrawal
	}
	return clauseAsks(clauses[len(clauses)-1:])
}

// namesSubstance: the clause names a drug, a medicine or a drink.
func namesSubstance(c []string) bool {
	for _, t := range c {
		if substances[t] && !pronouns[t] && t != "STUFF" && t != "SHIT" || spanishSubstances[t] {
			return true
		}
	}
	return false
}

// wishRule names the requests made as a wish or a question
// (revocationSets).
const wishRule = "revocation:a wish"

// finalStop: a stop that ends a text: "... so just stop".
var finalStop = anyOfWide("{SO|JUST|PLEASE|PLS|NOW} STOP {$|IT|PLEASE|PLS|NOW}")

// noUseRule names the complaints that the texts do no good
// (revocationSets).
const noUseRule = "revocation:no use"

// goodbyeRule names the goodbyes that may be farewells (revocationSets).
const goodbyeRule = "revocation:goodbye"

// stopThis asks to end what the sentence before spoke of; symptoms are
// what withdrawal brings.
var (
	stopThis = anyOfWide("{MAKE|GET} {THIS|IT|THESE|THEM} {STOP|GO AWAY|TO STOP}", "LIKE {THIS|IT} TO {STOP|END}", "THESE EVER {STOP|END}", "GET OUT OF {THIS|IT}", "COMO {LO|LOS} {PARO|DETENGO|QUITO}", "COMO ME SALGO DE {ESTO|ESO}")
	symptoms = newSet("SHAKES", "SHAKING", "SWEATS", "SWEATING", "CRAVINGS", "CRAVING", "WITHDRAWAL", "WITHDRAWALS", "DOPESICK", "SICK", "PUKING",
		"NIGHTMARES", "TEMBLORES", "SUDORES", "ANTOJOS", "ANSIAS", "MALILLA", "ABSTINENCIA")
)

var spanishSubstances = newSet("PASTILLA", "PASTILLAS", "DROGA", "DROGAS", "CRISTAL", "PERICO", "COCA", "COCAINA", "HEROINA", "CHIVA",
	"FENTA", "FENTANILO", "MOTA", "MARIHUANA", "POLVO", "PIEDRA", "ALCOHOL", "BOTELLA", "METADONA")

// unsigned drops the name a text is signed with: "Enough, thank you.
// Dad", "Stop texting this number. - Karen". A name alone says nothing of
// what the text asks.
func unsigned(clauses [][]string) [][]string {
	n := len(clauses)
	if n < 2 {
		return clauses
	}
	switch last := clauses[n-1]; {
	case len(last) == 1 && (firstNames[last[0]] && !streetNames[last[0]] || signers[last[0]]),
		len(last) == 2 && (last[0] == "HIS" || last[0] == "HER" || last[0] == "THEIR") && signers[last[1]]:
		return clauses[:n-1] // "please don't. her mom."
	}
	return clauses
}

var signers = newSet("MOM", "DAD", "MOTHER", "FATHER", "GRANDMA", "GRANDPA", "MAMA", "PAPA", "ABUELA", "ABUELO", "MAMI", "PAPI")

// signOff: a clause that closes a message and says nothing more: "thanks
// for everything", "take care", "god bless".
func signOff(c []string) bool { return signOffs.whole(c) }

var signOffs = anchored("^ {THANKS|THANK YOU|THX|TY|GRACIAS} {|FOR EVERYTHING|FOR ALL YOU DO|FOR YOUR HELP|FOR THE HELP|SO MUCH|POR TODO|ANYWAY} $",
	"^ TAKE CARE $", "^ GOD BLESS {|YOU|YALL} $", "^ {BYE|ADIOS|BENDICIONES|BLESSINGS|PEACE|CHEERS} $", "^ BEST $", "^ SINCERELY ~ $")

// comesBack: the text asks to come back, and does not refuse to ("no
// quiero volver a recibir contacto").
func comesBack(clauses [][]string) bool {
	return setMatch(&comingBack, clauses) && !anyMatch(refusedBack, clauses)
}

var refusedBack = anyOfWide("{NO|NUNCA} {QUIERO|QUEREMOS|DESEO|DESEAMOS|QUISIERA} VOLVER A", "{DONT|NEVER} WANT TO {GET|BE|GO} BACK ON")

// comingBack: the text asks to come back: "sign me back up, i was wrong to
// quit these", "resubscribe me please", "me di de baja por error". It
// speaks of stopping without asking for it.
var comingBack = wideRules("coming back",
	"{SIGN|PUT|ADD|LET} ME BACK", "{GET|BE|PUT} {ME|HIM|HER} BACK ON", "{TURN|SWITCH} ~ BACK ON", "BACK ON THE {LIST|TEXTS}",
	"GET BACK ON", "RESUBSCRIBE", "RE SUBSCRIBE", "GET {THESE|THEM|THE TEXTS} ON {IT|MY NEW|THE NEW|THIS ONE}", "{SEND|MOVE|SWITCH|TRANSFER} {THEM|THESE|THE TEXTS} TO MY NEW", "VOLVER A {RECIBIR|ENTRAR|INSCRIBIRME|APUNTARME}", "{DI|DIO} DE BAJA POR {ERROR|ACCIDENTE}",
	"{^|SI|YO|YA} QUIERO QUE ME SIGAN {ESCRIBIENDO|MANDANDO|ENVIANDO}", "SIN QUERER {MANDE|PUSE|ESCRIBI}", "{NEARLY|ALMOST} {OPTED|OPTOUT|UNSUBSCRIBED|QUIT}",
	"GLAD I STUCK AROUND", "{DONT|DO NOT|NEVER} {EVER|} {REMOVE|DROP|CUT|UNSUBSCRIBE} ME", "{DONT|DO NOT|NEVER} WANT TO BE {REMOVED|TAKEN OFF|UNSUBSCRIBED|DROPPED}", "{DONT|DO NOT} {WANNA|WANT TO} STOP {GETTING|RECEIVING}",
	"{DONT|DO NOT|NEVER} {STOP|QUIT} {SENDING|TEXTING|THE TEXTS|THESE}", "KEEP {EM|THEM|THESE|THE TEXTS} COMING", "{BUT|CAN YOU|COULD YOU} KEEP {SENDING|TEXTING|MESSAGING} {ME|HIM|HER|THEM|THE TEXTS|THESE}", "KEEP ME GOING", "WANT BACK IN",
	"WANT {THEM|THESE|THE TEXTS} BACK", "^ START {AGAIN|BACK|UP AGAIN}", "START AGAIN {PLS|PLEASE|$}", "{TEXTED|SENT|TYPED|PRESSED|HIT|REPLIED} STOP BY {ACCIDENT|MISTAKE}",
	"ACCIDENTALLY {TEXTED|SENT|TYPED|REPLIED} STOP", "{KINDA|I} MISS THEM", "{ARREPENTI|ARREPIENTO} DE {PONER|MANDAR} {BAJA|ALTO}", "ME VUELVEN A METER",
	"^ NOT {CANCEL|STOP|UNSUBSCRIBE} $", "NOT {CANCEL|STOP|UNSUBSCRIBE} {JUST|ONLY} PAUSE")

// shortFarewell: the text is made only of love, sorrow and goodbye, and
// has all three: "love you guys. sorry. bye"; not "bye love u", which may
// be meant for someone else.
func shortFarewell(clauses [][]string) bool {
	bye, love, sorry := false, false, false
	for _, c := range clauses {
		for _, t := range c {
			switch {
			case t == "BYE" || t == "GOODBYE" || t == "ADIOS":
				bye = true
			case t == "LOVE" || t == "QUIERO":
				love = true
			case t == "SORRY" || t == "PERDON":
				sorry = true
			case !farewellFillers[t]:
				return false
			}
		}
	}
	return bye && love && sorry
}

var farewellFillers = newSet("I", "IM", "YOU", "U", "YA", "GUYS", "ALL", "YALL", "EVERYONE", "FOR", "EVERYTHING", "SO", "MUCH", "LOS", "LAS", "TE", "A", "TODOS", "POR", "TODO", "MOM", "MAMA")

// notOneOfUs: a whole text, of one sentence, from someone who says the
// line is not for them: "i'm not an addict", "i dont do drugs wtf", "my
// husband doesnt do drugs". Never beside more ("i dont do drugs... except
// pills"), nor with "anymore" (recovery told). Said to a responder, it is
// an answer (declineRules).
var notOneOfUs = anchored(
	"^ {IM|I AM} NOT {AN|A} {ADDICT|ALCOHOLIC|JUNKIE|DRUGGIE|CRACKHEAD|DRUNK} {WTF|LOL|LMAO|BRO|SMH|} $", "^ {IM|I AM} NOT IN RECOVERY {WTF|LOL|LMAO|BRO|SMH|} $", "^ I {DONT|DO NOT|NEVER} {DO|USE|TOOK|DID} DRUGS {WTF|LOL|LMAO|BRO|SMH|STOP|} $", "^ {I|} NEVER {DID|DONE|USED|TOOK} DRUGS IN MY LIFE {WTF|LOL|BRO|STOP|} $",
	"^ I {DONT|DO NOT} HAVE {A|ANY} {DRUG|DRINKING|ALCOHOL|SUBSTANCE} PROBLEM {WTF|LOL|LMAO|BRO|SMH|} $", "^ {I|} {DONT|DO NOT} EVEN {DRINK|SMOKE|DO DRUGS|USE DRUGS} $",
	"^ MY {HUSBAND|WIFE|SON|DAUGHTER|MOM|DAD|KID|MOTHER|FATHER|PARTNER} DOESNT {DO|USE} DRUGS $", "^ MY {HUSBAND|WIFE|MOM|DAD|MOTHER|FATHER|PARTNER} DOESNT {DRINK|USE} $",
	"^ {HE|SHE} DOESNT {DO|USE} DRUGS $",
	"^ {YO|} NO {USO|CONSUMO|TOMO|HAGO} DROGAS $", "^ {YO|} NO SOY {ADICTO|ADICTA|ALCOHOLICO|ALCOHOLICA|DROGADICTO|DROGADICTA|VICIOSO|VICIOSA|BORRACHO|BORRACHA} $",
	"^ {MI ESPOSO|MI ESPOSA|MI MAMA|MI PAPA|EL|ELLA} NO {USA|CONSUME} DROGAS $")

// offended may stand beside notOneOfUs: "I'm NOT an addict. Why would you
// send me this", "yo no soy adicta!! q falta de respeto".
var offended = anchored("^ WHAT EVEN IS THIS $", "^ WHY {WOULD|DO|ARE|R} {YOU|U|YALL} {SEND|SENDING|TEXT|TEXTING} {ME|US|HIM|HER} {THIS|THESE|THAT|THIS STUFF} $",
	"^ {WTF|HOW DARE YOU|HOW RUDE|SO RUDE|RUDE|THIS IS INSULTING|THIS IS OFFENSIVE|THATS OFFENSIVE|Q FALTA DE RESPETO|QUE FALTA DE RESPETO|Q LES PASA|QUE LES PASA|QUE ONDA} $",
	"^ {SO|} {IM|I AM} CONFUSED WHY {WE|I} {KEEP GETTING|GET|AM GETTING|ARE GETTING} {THESE|THIS|THEM} $", "^ {POR QUE|PORQUE|XQ|PQ} {LE|ME|NOS} LLEGAN {ESTOS MENSAJES|ESTOS|} $",
	"^ {SO|} WHY {DO|AM|ARE} {I|WE} {KEEP GETTING|GETTING} {THESE|THIS|THEM} $", "^ {I THINK|} {UR|YOURE|YOU ARE|U R} CONFUSED $")

// notOneOfUsText: one sentence of notOneOfUs, and beside it only offence
// or courtesy.
func notOneOfUsText(clauses [][]string) bool {
	found := false
	for _, c := range clauses {
		switch {
		case notOneOfUs.match(c):
			found = true
		case offended.match(c) || courtesy.match(c):
		default:
			return false
		}
	}
	return found
}

// whatIfLeaving: the text asks what leaving would do: "what happens to my
// info if i unsubscribe someday?", "si pongo alto puedo volver despues?".
// Unless it also asks, in so many words, for the texts to stop.
var whatIfLeaving = wideRules("what if leaving",
	"WHAT HAPPENS {IF|WHEN|TO}", "{DOES|WILL|WOULD} {UNSUBSCRIBING|STOPPING|OPTING}",
	"IF I {UNSUBSCRIBE|STOP|TEXT|REPLY|SEND|OPT|CANCEL|SAY|TYPE} ~ {WILL|CAN|DO|DOES|WOULD|SOMEDAY|LATER}", "QUE PASA SI",
	"{SI|CUANDO} {PONGO|MANDO|ESCRIBO|DIGO} {BAJA|ALTO|STOP|CANCELAR}", "NOT CANCEL",
	"WITHOUT LEAVING", "DID {YOU|U|YALL} ~ STOP {SENDING|TEXTING|MANDANDO}", "IF I OPT", "IF I BLOCK", "WILL STOPPING", "DO I HAVE TO {UNSUB|UNSUBSCRIBE|STOP}",
	"NOT NOW ~ JUST ASKING", "WHAT DOES {STOP|STOPALL|UNSUBSCRIBE} DO", "ME DIERON DE BAJA {EN|DEL|AT} {EL TRABAJO|TRABAJO|LA CHAMBA|MI TRABAJO|WORK}",
	"QUE PALABRAS PUEDO")

// needToStop: a sentence that makes the stopping the writer's own.
var needToStop = anyOfWide("^ {I|} {NEED|GOTTA|HAVE|GOT|MUST} {TO|} {STOP|QUIT} {$|NOW|FOR REAL|FR|FOR GOOD}")

// orWhat: a text that ends asking "... or what?" ("si pongo baja se
// quitan o que?") asks about leaving; one that goes on after the question
// ("esto es spam o q? stop") asks to leave.
var orWhat = anyOfWide("O Q $", "O QUE $")

// backLater: a goodbye that says the person will be back ("bye for now",
// "ill text when im out"), which a bare refusal ("nah im good, bye for
// now") does not outweigh; a request ("please remove me. bye for now")
// still asks.
var backLater = wideRules("back later", "BYE FOR NOW", "{ILL|I WILL} {TEXT|BE BACK} WHEN IM {OUT|BACK} $")

// foreverWords keep a goodbye final: "bye for now. forever".
var foreverWords = anyOf("FOREVER", "NEVER", "FOR GOOD", "PARA SIEMPRE")

// notWantedAfter: the text complains of our texts, then ends "ya no
// quiero" or "no lo quiero": "me despiertan a las 6am con sus mensajes, ya
// no quiero". What is no longer wanted is the texts.
func notWantedAfter(clauses [][]string) bool {
	n := len(clauses)
	if n < 2 || !onlyWords(clauses[n-1], notWantedWords) || !slices.Contains(clauses[n-1], "QUIERO") {
		return false
	}
	before := newStemText("", clauses[:n-1])
	if before.recoveryTalk() {
		return false
	}
	for _, c := range before.clauses {
		for i, t := range c {
			if (ourNouns[t] || t == "MSJS" || t == "MENSAJITOS" || t == "PITIDO") && !ownedBy[at(c, i-1)] || ourNouns[t] && at(c, i-1) == "SUS" {
				return true // "sus mensajes": yours, said to us
			}
		}
	}
	return false
}

var notWantedWords = newSet("QUIERO", "NADA", "MAS", "LO", "LOS")

// saidOfDrugs may end a text about a drug as well as one about us: "no
// more", "ya no mas", "enough", "done".
var saidOfDrugs = newSet("MAS", "MORE", "NOMAS", "BASTA", "ENOUGH", "DONE", "OVER", "QUIT")

// earlierAsks returns the rule by which a sentence asks us to stop, on its
// own and in words that can mean nothing else, or "":
// "Please remove me. I'm in a custody case and can't have these on my
// phone", "u guys were great in detox but pls take me off now". A bare
// stop does not count here ("stop. drinking. that's my only goal this
// week"): only at the end of the text (lastAsks); nor do the words "no
// more" or "enough" alone, which may be said of a drug.
func earlierAsks(clauses [][]string) string {
	for i := 0; i < len(clauses); i++ {
		if onlyWords(clauses[i], saidOfDrugs) {
			continue
		}
		switch r := clauseAsks(clauses[i : i+1]); r {
		case "bare:REMOVE", "bare:UNSUBSCRIBE", "bare:OPTOUT", "bare:STOPALL", "bare:REVOKE", "bare:DESUSCRIBIR", "bare:DESUSCRIBIRME",
			"revocation:remove me", "revocation:how do i stop them", "revocation:unsubscribe", "revocation:wrong number", "revocation:not them",
			"revocation:take me off", "revocation:goodbye to the texts", "revocation:wrong person", "revocation:not the person",
			"revocation:no permission", "revocation:threat", "revocation:not interested (broad)", "revocation:do not contact (broad)":
			if !offSomethingElse(clauses[i]) {
				return r
			}
		}
	}
	return ""
}

// offSomethingElse: the clause takes the person off something it names
// that is not us: "get me off this stuff", "take me off these pills".
func offSomethingElse(c []string) bool {
	for i, t := range c {
		if t == "OFF" && (at(c, i+1) == "THIS" || at(c, i+1) == "THESE" || at(c, i+1) == "THAT") {
			switch o := at(c, i+2); {
			case o == "", ourNouns[o], usWords[o], anything[o] && o != "STUFF" && o != "SHIT" && o != "CRAP" && o != "JUNK":
			default:
				return true
			}
		}
	}
	return false
}

// clauseAsks returns the rule by which the one clause asks us to stop,
// speaking of nothing else, or "".
func clauseAsks(clause [][]string) string {
	for _, t := range clause[0] {
		if t == "THEM" || t == "IT" || t == "THOSE" || t == "THEY" || t == "LE" || t == "LO" {
			return ""
		}
	}
	st := newStemText("", clause)
	if st.recoveryTalk() {
		return ""
	}
	r := revokes(clause)
	if r == "" {
		r = st.revocation()
	}
	return r
}

// crisisCues are the words with one of which the model reads a crisis at
// modelCrisisAt, not modelCrisisBareAt: words of death, harm, overdose
// signs, farewells, hopelessness and dangerous use, in English and
// Spanish. A word ending in * stands for every word it begins. Without
// them the model must be surer, so that it does not read a crisis into the
// shape of ordinary words ("I took a lot of time off", "finally got my car
// fixed").
var crisisCues = anyOf(strings.Join([]string{
	"DIE", "DIED", "DYING", "DEAD", "DEATH", "KILL", "KILLING", "KMS", "CTB", "SUICID*", "UNALIV*", "SEWERSLID*",
	"OD", "ODED", "ODING", "OVERDOS*", "BREATH*", "BLUE", "LIPS", "SNORING", "WAKE", "UNRESPONS*",
	"CUT", "CUTS", "CUTTING", "HURT", "HARM", "BLEED*", "GOODBYE", "FAREWELL", "FORGIVE", "SORRY", "KIDS",
	"LIVE", "LIVING", "ALIVE", "HOPELESS", "ANYMORE", "FOREVER", "BURDEN", "POINT", "END", "DONE", "GONE", "OVER",
	"LAST", "TONIGHT", "JUMP", "BRIDGE", "ROPE", "HANG", "PILLS", "BOTTLE", "ALONE",
	"FENT", "FENTANYL", "XANAX", "BARS", "MIXED", "MIXING",
	"MORIR", "MUERT*", "MATAR*", "SOBREDOSIS", "RESPIR*", "MORAD*", "DESPIERT*", "DESPERT*", "CORTAR*", "ADIOS",
	"PERDON*", "CUIDEN", "HIJOS", "AGUANTO", "PUEDO", "VIVIR", "VIDA", "SENTIDO", "NADA", "ULTIM*", "NOCHE",
	"PUENTE", "CUERDA", "PASTILL*", "SOLO", "SOLA", "FENTANIL*", "MEZCL*",
}, "|"))

// isSpanishHelp: the whole text asks what this is, in Spanish: "AYUDA",
// "informacion", "que es esto".
func isSpanishHelp(clauses [][]string) bool {
	return len(clauses) == 1 && anyMatch(spanishHelp, clauses)
}

// urgentHelp: the text is HELP, or HELP and PLEASE, typed with a letter
// held down (three times or more), beside a crying or frightened face, or
// with PLEASE as a sentence of its own.
func urgentHelp(body string, clauses [][]string) bool {
	var toks []string
	for _, c := range clauses {
		toks = append(toks, c...)
	}
	if len(toks) == 0 || toks[0] != "HELP" || len(toks) > 2 || len(toks) == 2 && toks[1] != "PLEASE" && toks[1] != "SIGH" && toks[1] != "UGH" {
		return false
	}
	if len(clauses) == 2 {
		return true // "help.. please"
	}
	if strings.ContainsAny(body, distressEmoji) {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToUpper(fold(body)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if _, stretched := squash(w); stretched && strings.HasPrefix(undouble(w), "HE") {
			return true // "heeelp", "HELPPPP"; not "pleaseee"
		}
	}
	return false
}

// distressEmoji cry or are afraid: 😢 🥺 😩 😫 😰 😱 😥 🆘 (😭 is as often a laugh).
const distressEmoji = "\U0001F622\U0001F97A\U0001F629\U0001F62B\U0001F630\U0001F631\U0001F625\U0001F198"

var helpWord = anyOf("^ HELP $", "^ HELP PLEASE $", "^ HELLP|HEELP|HEPL $") // HELPP is spelt HELP (tokens.go)

var spanishHelp = anyOf("^ AYUDA $", "^ INFORMACION $", "^ QUE ES ESTO $", "^ MAS INFORMACION $")

// joined: the clauses as one run of tokens, each clause ended by "", so
// that patterns do not join across a clause break.
func joined(clauses [][]string) []string {
	var toks []string
	for _, c := range clauses {
		toks = append(append(toks, c...), "")
	}
	return toks
}

// setMatch: a pattern of rs matches in the text.
func setMatch(rs *ruleSet, clauses [][]string) bool {
	return rs.matches(joined(clauses))
}

// anyMatch: one of ps matches in the text.
func anyMatch(ps ruleSet, clauses [][]string) bool {
	var buf [48]string // most texts fit: no allocation
	toks := buf[:0]
	for _, c := range clauses {
		toks = append(append(toks, c...), "")
	}
	return ps.matches(toks)
}

// tokenCount is the number of words of a text.
func tokenCount(clauses [][]string) int {
	n := 0
	for _, c := range clauses {
		n += len(c)
	}
	return n
}
