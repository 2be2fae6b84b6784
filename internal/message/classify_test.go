package message

import (
	"strings"
	"testing"
)

var joinKeywords = []string{"join", "Hope"}

// Shorthands for the table.
var (
	carrier = func(c Class, kw string) Classification {
		return Classification{Class: c, CarrierHandled: true, Keyword: kw}
	}
	own        = func(c Class, kw string) Classification { return Classification{Class: c, Keyword: kw} }
	optOut     = Classification{Class: ClassOptOut}
	crisis     = Classification{Class: ClassCrisis}
	crisisStop = Classification{Class: ClassCrisis, AlsoOptOut: true}
	other      = Classification{Class: ClassOther}
)

// verdict is what a caller acts on: the classification without its Rule
// and Distress, which have their own tests.
// verdict is what TestClassify compares: the rule, the distress flag and
// the decline flag have tables of their own (rule_test.go, TestDecline).
func verdict(c Classification) Classification {
	c.Rule, c.Distress, c.Decline = "", false, false
	return c
}

// An opt-out is a Decline only when its words may also answer a person on
// staff; keywords and requests that name our texts never are.
func TestDecline(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body    string
		class   Class
		decline bool
	}{
		{"no thanks", ClassOptOut, true},
		{"no thanks im good", ClassOptOut, true},
		{"I'm all good", ClassOptOut, true},
		{"im okay thx", ClassOptOut, true},
		{"nah im straight", ClassOptOut, true},
		{"estoy bien gracias", ClassOptOut, true},
		{"toy bien, no ocupo nada", ClassOptOut, true},
		{"Nope, but thank you", ClassOptOut, true},
		{"bye", ClassCrisis, true}, // as unclear as "goodbye": the safety reply, and the opt-out
		{"ok bye", ClassOptOut, true},
		{"chao", ClassOptOut, true},
		{"who is this?", ClassOptOut, true},
		{"whos this", ClassOptOut, true},
		{"quien me escribe", ClassOptOut, true},
		{"Not interested", ClassOptOut, true},
		{"stop 😂 that's so true", ClassOptOut, true},
		{"omg stop you're gonna make me cry", ClassOptOut, true},
		{"adios ✌️", ClassCrisis, true},
		// Never a decline: keywords, and requests that name us.
		{"STOP", ClassOptOut, false},
		{"stop please", ClassOptOut, false},
		{"BAJA", ClassOptOut, false},
		{"please stop texting me", ClassOptOut, false},
		{"take me off this list", ClassOptOut, false},
		{"why do you keep texting me", ClassOptOut, false},
		{"quit it. this is my wifes phone and shes never had a drink in her life", ClassOptOut, false},
		{"stop your texts", ClassOptOut, false},
		{"stop you're spamming me", ClassOptOut, false},
		{"not interested. stop texting me", ClassOptOut, false},
		{"not interested, remove me from this list", ClassOptOut, false},
		// Not opt-outs at all.
		{"I'm fine", ClassOther, false},
		{"estoy bien", ClassOther, false},
		{"bye for now, talk tomorrow", ClassOther, false},
		{"stop it ur making me cry 🥹 thank u", ClassOther, false},
		{"stop making me cry with these lol 😭 keep em coming", ClassOther, false},
		{"omg STOP my daughter just took her first steps!!", ClassOther, false},
		{"who is this sponsor you mentioned", ClassOther, false},
	} {
		c := Classify(tt.body, "", nil)
		if c.Class != tt.class || c.Decline != tt.decline {
			t.Errorf("Classify(%q) = class %s, decline %v (%s); want class %s, decline %v", tt.body, c.Class, c.Decline, c.Rule, tt.class, tt.decline)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		optOutType string
		want       Classification
	}{
		// Twilio's opt-out keywords, whole body, any case, spaces and
		// trailing punctuation ignored: carrier handled.
		{"STOP upper", "STOP", "", carrier(ClassOptOut, "STOP")},
		{"stop lower", "stop", "", carrier(ClassOptOut, "STOP")},
		{"Stop title", "Stop", "", carrier(ClassOptOut, "STOP")},
		{"sToP mixed", "sToP", "", carrier(ClassOptOut, "STOP")},
		{"stop spaces", "  stop \n", "", carrier(ClassOptOut, "STOP")},
		{"Stop period", "Stop.", "", carrier(ClassOptOut, "STOP")},
		{"STOP bangs", "STOP!!!", "", carrier(ClassOptOut, "STOP")},
		// Twilio acts on one word only: a keyword followed by anything
		// after a space is the same request, but ours to confirm.
		{"stop punctuation and space", "stop ! ", "", optOut},
		{"stop smiley not carrier", "stop :)", "", optOut},
		{"STOP STOP not carrier", "STOP STOP", "", optOut},
		{"stop space period not carrier", "Stop .", "", optOut},
		{"help space question not carrier", "help ?", "", Classification{Class: ClassHelp}},
		{"start space bang not carrier", "start !", "", Classification{Class: ClassOptIn}},
		{"STOPALL", "stopall", "", carrier(ClassOptOut, "STOPALL")},
		{"UNSUBSCRIBE", "Unsubscribe", "", carrier(ClassOptOut, "UNSUBSCRIBE")},
		{"CANCEL", "cancel", "", carrier(ClassOptOut, "CANCEL")},
		{"END", "End.", "", carrier(ClassOptOut, "END")},
		{"QUIT", "QUIT", "", carrier(ClassOptOut, "QUIT")},
		{"REVOKE", "revoke", "", carrier(ClassOptOut, "REVOKE")},
		{"OPTOUT", "OptOut", "", carrier(ClassOptOut, "OPTOUT")},
		{"tab and nbsp", "\tstop\u00a0", "", carrier(ClassOptOut, "STOP")},

		// "opt out" is the FCC's, not Twilio's: ours to confirm.
		{"OPT OUT", "opt out", "", own(ClassOptOut, "OPT OUT")},
		{"OPT  OUT collapsed", "Opt   out!", "", own(ClassOptOut, "OPT OUT")},
		{"OPT-OUT", "opt-out", "", own(ClassOptOut, "OPT-OUT")},

		// French "stop": ours, not one of Twilio's default keywords (see
		// ownKeywords for the sources).
		{"ARRET", "ARRET", "", own(ClassOptOut, "ARRET")},
		{"arrêt accented", "arrêt", "", own(ClassOptOut, "ARRÊT")},
		{"Arrête", "Arrête!", "", optOut},
		{"arrêt svp", "arrêt svp", "", optOut},

		// Opt-in and help keywords.
		{"START", "START", "", carrier(ClassOptIn, "START")},
		{"start lower", "start", "", carrier(ClassOptIn, "START")},
		{"UNSTOP", "Unstop", "", carrier(ClassOptIn, "UNSTOP")},
		{"YES", "yes", "", carrier(ClassOptIn, "YES")},
		{"Yes bang", "Yes!", "", carrier(ClassOptIn, "YES")},
		{"HELP", "HELP", "", carrier(ClassHelp, "HELP")},
		{"help question", "help?", "", carrier(ClassHelp, "HELP")},
		{"INFO", "info", "", carrier(ClassHelp, "INFO")},

		// Join keywords, any case.
		{"JOIN", "JOIN", "", own(ClassJoin, "JOIN")},
		{"join lower", " join ", "", own(ClassJoin, "JOIN")},
		{"hope", "hope!", "", own(ClassJoin, "HOPE")},
		{"join in a sentence", "I want to join", "", other},
		{"yes please is not a keyword", "yes please", "", other},

		// optOutType from Advanced Opt-Out wins over the body.
		{"optOutType STOP", "STOP", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType lower", "cancel", "stop", carrier(ClassOptOut, "CANCEL")},
		{"optOutType STOP custom keyword", "ARRET", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType START", "yes", "START", carrier(ClassOptIn, "YES")},
		{"optOutType HELP", "info", "HELP", carrier(ClassHelp, "INFO")},
		{"optOutType overrides a join body", "JOIN", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType STOP on a START body", "start", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType STOP on own keyword", "opt out", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType STOP on two words", "stop :)", "STOP", carrier(ClassOptOut, "STOP")},
		{"optOutType unknown", "please stop texting me", "SOMETHING", Classification{Class: ClassOptOut, CarrierHandled: true}},

		// Revocation in other words: ours to honour and confirm.
		{"please stop texting me", "please stop texting me", "", optOut},
		{"stop sending me messages", "Stop sending me messages", "", optOut},
		{"take me off this list", "Take me off this list.", "", optOut},
		{"take me off", "take me off", "", optOut},
		{"remove me", "remove me", "", optOut},
		{"please remove me from your list", "Please remove me from your list", "", optOut},
		{"unsubscribe me", "unsubscribe me", "", optOut},
		{"how do I unsubscribe", "how do I unsubscribe?", "", optOut},
		{"don't text me anymore", "don't text me anymore", "", optOut},
		{"curly apostrophe", "Don\u2019t text me anymore", "", optOut},
		{"do not contact me", "Do not contact me again", "", optOut},
		{"never text me again", "never text me again!!", "", optOut},
		{"leave me alone", "leave me alone", "", optOut},
		{"please just leave me alone", "Please just leave me alone", "", optOut},
		{"no more texts", "no more texts", "", optOut},
		{"no more msgs pls", "no more msgs pls", "", optOut},
		{"I don't want these messages", "I don't want these messages", "", optOut},
		{"I don't want to be on this list", "I dont want to be on this list", "", optOut},
		{"stop please", "Stop please", "", optOut},
		{"please stop", "please stop!", "", optOut},
		{"STOP STOP", "STOP STOP", "", optOut},
		{"stop stop stop", "stop. stop. stop!!!", "", optOut},
		{"stop it", "stop it", "", optOut},
		{"ok stop", "ok STOP", "", optOut},
		{"stop thank you", "Stop. Thank you", "", optOut},
		{"stop with emoji", "STOP \U0001F6D1", "", optOut},
		{"leading punctuation", "...stop", "", optOut},
		{"quoted STOP", "\"STOP\"", "", optOut},
		{"quit please", "quit please", "", optOut},
		{"cancel please", "Cancel please", "", optOut},
		{"stop all texts", "stop all texts", "", optOut},
		{"cancel my subscription", "cancel my subscription", "", optOut},
		{"stop the texts", "can you stop the texts", "", optOut},
		{"stop getting these", "how do I stop getting these messages", "", optOut},
		{"wrong number", "wrong number", "", optOut},
		{"you have the wrong number", "You have the wrong number", "", optOut},
		{"wrong #", "wrong #", "", optOut},
		{"never signed up", "I never signed up for this", "", optOut},
		{"didn't ask for these", "I didn't ask for these texts", "", optOut},
		{"opt me out", "opt me out", "", optOut},
		{"opted out already", "I already opted out, stop", "", optOut},
		{"revoke consent", "I revoke my consent", "", optOut},
		{"not interested", "Not interested", "", optOut},
		{"i'm not interested thanks", "I'm not interested thanks", "", optOut},
		{"delete my number", "delete my number", "", optOut},
		{"go away", "go away", "", optOut},
		{"spanish basta", "Basta", "", optOut},
		{"spanish no mas", "no más", "", optOut},
		{"stop txting me", "stop txting me plz", "", optOut},
		{"you can stop now", "you can stop now", "", optOut},
		{"can you stop", "can you please stop?", "", optOut},
		{"run-on stop", "please stop I'm at work", "", optOut},
		{"I said stop", "I said STOP!!", "", optOut},
		{"ending my subscription", "I'm ending my subscription", "", optOut},
		{"I want off this list", "I want off this list", "", optOut},
		{"no longer want these", "I no longer want to receive these", "", optOut},
		{"cease and desist", "cease and desist", "", optOut},
		{"pause the messages", "pause the messages", "", optOut},
		{"stop sending these", "stop sending these", "", optOut},
		{"stop using this number", "stop using this number", "", optOut},
		{"stop using my number", "please stop using my number", "", optOut},
		{"stop calling this number", "stop calling this number!", "", optOut},
		{"stop using my phone number", "stop using my phone number", "", optOut},
		{"no more", "no more", "", optOut},
		{"no more please", "no more please", "", optOut},
		{"no more bangs", "No more!!", "", optOut},
		{"run-on trailing stop", "my wife reads my phone stop", "", optOut},
		{"run-on trailing stop please", "my kids see these stop please", "", optOut},
		{"END alone keyword", "end", "", carrier(ClassOptOut, "END")},
		{"end please", "end please", "", optOut},

		// Recovery talk is never an opt-out.
		{"can't stop using", "I can't stop using", "", other},
		{"want to quit heroin", "I want to quit heroin", "", other},
		{"how do I stop the cravings", "how do I stop the cravings", "", other},
		{"want to quit, naming nothing: honoured, the safer side", "I want to quit", "", optOut},
		{"need to stop drinking", "I need to stop drinking", "", other},
		{"cancel my appointment", "how do I cancel my appointment", "", other},
		{"stopped using", "I stopped using 3 days ago", "", other},
		{"quit last week", "I quit last week", "", other},
		{"I quit, and nothing more: a refusal that names nothing", "I quit", "", optOut},
		{"can't stop texting my dealer", "I can't stop texting my dealer", "", other},
		{"stop texting him", "I need to stop texting him", "", other},
		{"don't stop the texts", "please don't stop the texts, they help", "", other},
		{"take me off methadone", "can my doctor take me off methadone", "", other},
		{"remove me from waitlist", "can you remove me from the detox waitlist", "", other},
		{"they won't leave me alone", "my cravings won't leave me alone", "", other},
		{"want the cravings to go away", "I want the cravings to go away", "", other},
		{"not interested in methadone", "not interested in methadone, what else is there", "", other},
		{"opted out of treatment", "I opted out of the methadone program", "", other},
		{"license revoked", "my license was revoked", "", other},
		{"no text today question", "no text today?", "", other},
		{"don't send me to rehab", "please don't send me to rehab", "", other},
		{"stop sending money", "I need to stop sending money to my dealer", "", other},
		// Naloxone asked for and nothing more gets the safety reply; asked
		// for later, it is a question.
		{"where is naloxone", "where can I get naloxone?", "", crisis},
		{"naloxone for later", "where can I get naloxone to keep at home just in case?", "", other},
		{"naloxone training", "narcan training at the library thurs, anyone going?", "", other},
		{"help asked", "I need help", "", crisis},
		{"thank you", "thank you, this helps", "", other},
		{"empty", "", "", other},
		{"only spaces", "   ", "", other},
		{"only punctuation", "?!", "", other},
		{"emoji", "\U0001F64F", "", other},
		{"odd is not OD", "that's odd", "", other},
		{"wrong number for the clinic", "I have a wrong number for the clinic", "", other},
		{"dying to know", "I'm dying to know more", "", other},
		{"it took a lot", "it took a lot of work to get here", "", other},
		{"took time off", "I took a lot of time off", "", other},
		{"home from treatment, a job", "sali del centro hace 3 meses y ya tengo trabajo", "", other},
		{"home from rehab, some sleep", "got out of rehab and got some sleep", "", other},
		{"home from rehab, not using", "got out of rehab last week and im not using", "", other},
		{"bought clothes after jail", "sali de la carcel y compre ropa", "", other},
		{"took my meds", "I took all my meds today", "", other},
		{"jump in the shower", "going to jump in the shower", "", other},
		{"someone else has a gun", "my dad has a gun", "", other},

		// Crisis language: the safety reply, whatever else is said.
		{"going to overdose", "I'm going to overdose", "", crisis},
		{"took too much", "I think I took too much", "", crisis},
		{"OD alone", "OD", "", crisis},
		{"he OD'd", "he OD'd", "", crisis},
		{"kill myself", "I want to kill myself", "", crisis},
		{"want to die", "I want to die", "", crisis},
		{"wanna die", "i just wanna die", "", crisis},
		{"suicidal", "feeling suicidal tonight", "", crisis},
		{"end my life", "I'm going to end my life", "", crisis},
		{"no reason to live", "there's no reason to live", "", crisis},
		{"hurt myself", "I want to hurt myself", "", crisis},
		{"self-harm", "thinking about self-harm", "", crisis},
		{"not breathing", "my friend is not breathing", "", crisis},
		{"unresponsive", "she's unresponsive", "", crisis},
		{"won't wake up", "he won't wake up", "", crisis},
		{"lips blue", "his lips are blue", "", crisis},
		{"someone blue", "she's blue and won't answer me", "", crisis},
		{"end the pain", "I just want to end the pain", "", crisis},
		{"friend died of overdose", "my friend died of an overdose last year and I want help", "", crisis},
		{"don't want to live", "I don't want to live anymore", "", crisis},
		{"CRISIS upper", "I WANT TO DIE", "", crisis},
		{"ending things", "thinking of ending things", "", crisis},
		{"over dose spaced", "Over dose", "", crisis},
		{"lost tolerance after jail", "just got out of jail today and im about to use", "", crisis},
		{"lost tolerance, Spanish", "sali del tratamiento ayer y ya me inyecte", "", crisis},
		{"gun in the lap", "my dads gun is in my lap rn", "", crisis},
		{"naloxone, bare", "NARCAN", "", crisis},
		{"told you to stop", "I told you to stop texting", "", optOut},
		{"too many pills", "I took too many pills", "", crisis},
		{"I'm dying", "I feel like I'm dying", "", crisis},
		{"can't take it anymore", "I can't take it anymore", "", crisis},
		{"kms", "im gonna kms", "", crisis},
		{"going to jump", "i'm going to jump", "", crisis},
		{"jump off a bridge", "gonna jump off a bridge", "", crisis},
		{"thinking about jumping", "thinking about jumping", "", crisis},
		{"took a bunch of fentanyl", "I took a bunch of fentanyl", "", crisis},
		{"swallowed a handful", "swallowed a handful of my xanax", "", crisis},
		{"took all my pills", "I took all my pills", "", crisis},
		{"took a lot", "I took a lot", "", crisis},
		{"took so much", "I took so much", "", crisis},
		{"I have a gun", "I have a gun", "", crisis},
		{"got a gun", "ive got a gun and i'm done", "", crisis},
		{"took too many pills", "I took too many pills", "", crisis},
		{"want to end it all", "I want to end it all", "", crisis},
		{"going to end it tonight", "going to end it tonight", "", crisis},
		// "end it" is never a plain opt-out: END alone is.
		{"end it", "end it", "", crisis},
		{"end it all", "end it all", "", crisis},
		{"end it period", "End it.", "", crisis},
		{"i want to end it", "i want to end it", "", crisis},
		{"END IT NOW", "END IT NOW", "", crisis},

		// Crisis and revocation together: safety first, opt-out honoured.
		{"stop texting me I want to die", "stop texting me I want to die", "", crisisStop},
		{"stop, want to die", "Stop. I want to die", "", crisisStop},
		{"leave me alone suicidal", "leave me alone, I'm suicidal", "", crisisStop},
		{"take me off list overdose", "take me off this list I'm going to overdose", "", crisisStop},
		{"stop texting me end it", "stop texting me, end it", "", crisisStop},
		{"stop using this number gun", "stop using this number, I have a gun", "", crisisStop},
		// "no more" counts only as the whole text: here it may be the drugs.
		{"no more then took a lot", "no more. I took a lot", "", crisis},
		{"optOutType beats crisis words", "STOP", "STOP", carrier(ClassOptOut, "STOP")},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("duplicate row name %q", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := verdict(Classify(tt.body, tt.optOutType, joinKeywords))
			if got != tt.want {
				t.Errorf("Classify(%q, %q) = %+v, want %+v", tt.body, tt.optOutType, got, tt.want)
			}
		})
	}
	if len(tests) < 80 {
		t.Errorf("only %d rows", len(tests))
	}
}

// Every keyword in every case, with and without trailing punctuation:
// carrier handled as one word, ours as more than one.
func TestClassifyEveryKeyword(t *testing.T) {
	t.Parallel()
	for kw, class := range twilioKeywords {
		for _, body := range []string{kw, strings.ToLower(kw), strings.ToUpper(kw[:1]) + strings.ToLower(kw[1:]),
			" " + kw + " ", kw + ".", kw + "!", kw + "?", kw + "!!", "\t" + kw + "...\n"} {
			got := verdict(Classify(body, "", nil))
			want := Classification{Class: class, CarrierHandled: true, Keyword: kw}
			if got != want {
				t.Errorf("Classify(%q) = %+v, want %+v", body, got, want)
			}
		}
		for _, body := range []string{kw + " !!", kw + " .", kw + " :)", strings.ToLower(kw) + " ?"} {
			got := verdict(Classify(body, "", nil))
			want := Classification{Class: class}
			if got != want {
				t.Errorf("Classify(%q) = %+v, want %+v (not carrier handled: two words)", body, got, want)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"trim and fold", "  stop  ", "STOP"},
		{"inner whitespace", "opt \t\n out", "OPT OUT"},
		{"trailing punctuation", "Stop.!?", "STOP"},
		{"punctuation then space", "stop . ", "STOP"},
		{"leading punctuation kept", "...stop", "...STOP"},
		{"inner punctuation kept", "don't stop", "DON'T STOP"},
		{"emoji kept", "stop \U0001F6D1", "STOP \U0001F6D1"},
		{"only punctuation", "!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Stops and quits aimed at a drug, a craving, a feeling or someone else are
// never opt-outs, and most are not crises either. A few are despair a
// careful reader hesitates over ("when will it stop", "I can't stop", "no
// more pain"): whether they are a crisis is the crisis readers' call (the
// model may read one), but the person always stays subscribed.
func TestStopsThatAreNotOptOuts(t *testing.T) {
	for _, text := range []string{
		"need to stop, any tips?", "I want off methadone", "when do these texts end", "I don't want to stop using",
		"stop using drugs", "stop using", "I need to stop using", "I'm quitting heroin", "how to stop cravings",
		"I need to stop using my phone", "no more drugs for me", "please make the cravings stop", "the cravings won't stop",
		"did the texts stop?", "I relapsed and need to stop", "my sponsor told me to stop",
	} {
		if got := Classify(text, "", nil); got.Class != ClassOther || got.AlsoOptOut {
			t.Errorf("Classify(%q) = %s (rule %q); want other: a stop aimed at something else", text, got.Class, got.Rule)
		}
	}
	// Despair, or a plea the model may read as a crisis ("dont send my son
	// back to that place"): never an opt-out.
	for _, text := range []string{"I can't stop", "no more pain", "I just want the voices to stop", "when will it stop", "dont send my son back to that place"} {
		if got := Classify(text, "", nil); got.Class == ClassOptOut || got.AlsoOptOut {
			t.Errorf("Classify(%q) = %s (rule %q), opts out; want the person to stay subscribed", text, got.Class, got.Rule)
		}
	}
}

// TestTimeAwayWords: every pattern of timeAway has a word of
// timeAwayWords in a slot of its own, so the gate never hides a match.
func TestTimeAwayWords(t *testing.T) {
	for _, p := range timeAway.all {
		found := false
		for _, s := range p {
			if len(s.words) == 0 {
				continue
			}
			all := true
			for w := range s.words {
				all = all && timeAwayWords[w]
			}
			found = found || all
		}
		if !found {
			t.Errorf("a timeAway pattern has no slot of timeAwayWords alone: %v", p)
		}
	}
}
