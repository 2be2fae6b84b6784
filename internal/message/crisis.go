package message

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Crisis language. The rule is biased towards a safety reply: a false alarm
// costs one caring text (911, 988, the 24/7 line) and a staff alert, a missed
// one can cost a life. So any mention of overdose counts, even "my friend
// died of an overdose last year and I want help", and so does "I don't want
// to die" (a person afraid of dying right now should get the numbers too).
// "end the pain" counts as well: it is how people describe wanting to die,
// and it is never a request to stop the texts.

// crisisWords count on their own, each naming its rule.
var crisisWords = map[string]string{
	"OVERDOSE": "overdose", "OVERDOSED": "overdose", "OVERDOSING": "overdose", "OVERDOSES": "overdose",
	"OVERDOZE": "overdose", "OD": "overdose", "ODED": "overdose", "ODING": "overdose", "SOBREDOSIS": "overdose",
	"UNRESPONSIVE": "overdose-emergency",
	"SUICIDE":      "suicide", "SUICIDAL": "suicide", "KMS": "suicide", "UNALIVE": "suicide", "UNALIVING": "suicide",
	"SEWERSLIDE": "suicide", "SUICIDARME": "suicide", "SUICIDARSE": "suicide", "SUICIDIO": "suicide",
	"MATARME": "suicide", "SUICIDA": "suicide",
}

// crisisPhrases count as consecutive words, after crisisFillers are dropped
// and WANNA/GONNA/2 are spelled out ("i just wanna die" → I WANT TO DIE).
var (
	overdosePhrases = []string{ // overdose, someone in danger now
		"TOOK TOO MUCH", "TAKEN TOO MUCH", "TAKE TOO MUCH", "TOOK TOO MANY", "TAKEN TOO MANY",
		"TAKE TOO MANY", "USED TOO MUCH", "DID TOO MUCH", "USED TOO MANY", "TOO MANY PILLS", "WHOLE BOTTLE",
		"OVER DOSE", "OVER DOSED", "OVER DOSING",
		"NOT BREATHING", "ISNT BREATHING", "STOPPED BREATHING", "BARELY BREATHING", "HARDLY BREATHING",
		"CANT BREATHE", "CANT BREATH",
		"WONT WAKE UP", "CANT WAKE HIM", "CANT WAKE HER", "CANT WAKE THEM", "CANT WAKE MY", "NOT WAKING UP", "WONT RESPOND", "NOT RESPONDING", "ISNT RESPONDING",
		"TURNING BLUE", "LIPS ARE BLUE", "LIPS TURNING BLUE", "BLUE LIPS", "NEED NARCAN", "NEED NALOXONE",
	}
	suicidePhrases = []string{ // suicide and self-harm
		"KILL MYSELF", "KILLING MYSELF", "KILLED MYSELF", "END MY LIFE", "ENDING MY LIFE", "END MY OWN LIFE",
		"TAKE MY LIFE", "TAKE MY OWN LIFE", "TAKING MY LIFE", "TAKING MY OWN LIFE",
		"WANT TO DIE", "WANTED TO DIE", "WANT TO BE DEAD", "WISH I WAS DEAD", "WISH I WERE DEAD",
		"BETTER OFF DEAD", "READY TO DIE", "GOING TO DIE",
		"NO REASON TO LIVE", "NOTHING TO LIVE FOR", "NOT WORTH LIVING", "DONT WANT TO LIVE",
		"DONT WANT TO BE ALIVE", "DONT WANT TO BE HERE ANYMORE", "DONT WANT TO WAKE UP", "DONT WANT TO EXIST",
		"END THINGS", "ENDING THINGS", "TIRED OF LIVING", "TIRED OF BEING ALIVE", "WANT TO DISAPPEAR",
		"CANT GO ON", "CANT TAKE IT ANYMORE", "CANT DO THIS ANYMORE", "CANT DO IT ANYMORE", "CANT DO THIS ANY LONGER", "CANT DO IT ANY LONGER", "END IT ALL", "ENDING IT ALL", "GOING TO END IT", "WANT TO END IT",
		"END THE PAIN", "END MY PAIN", "MAKE THE PAIN STOP",
		"HURT MYSELF", "HURTING MYSELF", "HARM MYSELF", "HARMING MYSELF", "SELF HARM", "SELF HARMING",
		"CUT MYSELF", "CUTTING MYSELF", "SHOOT MYSELF", "HANG MYSELF", "HANGING MYSELF", "OFF MYSELF",
		"TOOK MUCH", "TOOK MANY", "TAKEN MUCH", "TAKEN MANY", // "took so much" once SO is dropped
	}
	// a weapon: from someone in an addiction programme, "I have a gun" gets
	// the safety reply; a false alarm costs one caring text.
	weaponPhrases = []string{
		"HAVE A GUN", "HAVE GUN", "GOT A GUN", "HAVE MY GUN", "GOT MY GUN", "BOUGHT A GUN", "GET A GUN",
		"GETTING A GUN", "HOLDING A GUN", "HOLDING MY GUN", "LOADED GUN", "LOADED THE GUN", "LOADED MY GUN",
		"GUN TO MY HEAD", "GUN IN MY MOUTH", "HAVE A PISTOL", "GOT A PISTOL", "PULL THE TRIGGER",
	}
	jumpPhrases = []string{
		"JUMP OFF", "JUMPING OFF", "JUMP FROM", "JUMPING FROM", "JUMP IN FRONT", "JUMPING IN FRONT",
		"JUMP OUT", "JUMPING OUT",
	}
)

// takeVerbs, amounts and substances make "I took a bunch of fentanyl", "I
// swallowed a handful of pills", "took all my pills", "I took a lot".
var (
	takeVerbs = newSet("TOOK", "TAKEN", "TAKE", "TAKING", "SWALLOWED", "SWALLOW", "POPPED", "SNORTED",
		"SHOT", "INJECTED", "USED", "DID", "ATE")
	// takeAlone may end the clause after the amount: "I took a lot".
	takeAlone = newSet("TOOK", "TAKEN", "SWALLOWED", "POPPED")
	amounts   = [][]string{
		{"A", "BUNCH"}, {"BUNCH"}, {"A", "LOT"}, {"ALOT"}, {"LOTS"}, {"A", "HANDFUL"}, {"HANDFUL"},
		{"A", "TON"}, {"TONS"}, {"ALL"}, {"THE", "WHOLE"}, {"A", "WHOLE"}, {"WHOLE"}, {"MUCH"}, {"MANY"},
		{"EXTRA"}, {"DOUBLE"}, {"TRIPLE"}, {"WAY", "MORE"}, {"A", "FISTFUL"}, {"FISTFUL"},
	}
	substances = newSet("PILLS", "PILL", "TABLETS", "MEDS", "MEDICATION", "MEDICATIONS", "MEDICINE",
		"FENTANYL", "FENT", "FETTY", "HEROIN", "DOPE", "OXY", "OXYS", "OXYCODONE", "OXYCONTIN", "PERCS",
		"PERCOCET", "PERCOCETS", "XANAX", "XANS", "XANNIES", "XANNY", "XANIES", "BARS", "BENZOS", "VALIUM", "KLONOPIN", "METHADONE",
		"SUBOXONE", "SUBS", "SUBUTEX", "BUPRENORPHINE", "ZUBSOLV", "MORPHINE", "TRAMADOL", "TYLENOL", "ADVIL", "ASPIRIN", "METH", "COKE",
		"COCAINE", "CRACK", "DRUGS", "STUFF", "SHIT", "IT", "THEM", "OPIOIDS", "OPIATES", "GABAPENTIN",
		// Prescriptions and what is in a medicine cabinet.
		"SERTRALINE", "ZOLOFT", "PROZAC", "FLUOXETINE", "LEXAPRO", "ESCITALOPRAM", "CITALOPRAM", "TRAZODONE", "WELLBUTRIN",
		"BUPROPION", "AMITRIPTYLINE", "LITHIUM", "LAMICTAL", "LAMOTRIGINE", "ACETAMINOPHEN", "IBUPROFEN", "BENADRYL", "NYQUIL",
		"INSULIN", "AMBIEN", "ZOLPIDEM", "SEROQUEL", "QUETIAPINE", "ABILIFY", "ADDERALL", "LYRICA", "FLEXERIL", "SOMA", "SOMAS",
		"ATIVAN", "ALPRAZOLAM", "CLONAZEPAM", "DIAZEPAM", "HYDROCODONE", "NORCO", "VICODIN", "DILAUDID", "ANTIDEPRESSANTS")
	// notMe before a take verb: "it took a lot of work".
	notMe = newSet("IT", "THAT", "THIS", "WHICH")
)

// crisisFillers are dropped before matching: "I really just want to die".
var crisisFillers = newSet("JUST", "REALLY", "LITERALLY", "SERIOUSLY", "HONESTLY", "ACTUALLY",
	"PROBABLY", "FUCKING", "FREAKING", "TRULY", "KINDA", "SO", "DAMN")

// crisisIn returns the rule by which the text speaks of danger now
// (overdose, suicide, self-harm, someone not breathing, dangerous use), or
// "". distress reports words of despair that are not clearly a crisis ("I'm
// so tired of fighting this", "nothing matters now", a death wish denied:
// "I'm not suicidal, just tired"): a person should read the text soon.
func crisisIn(clauses [][]string) (rule string, distress bool) {
	var toks []string
	for _, c := range clauses {
		for _, t := range c {
			if !crisisFillers[t] {
				toks = append(toks, t)
			}
		}
		// Clause breaks are kept apart so phrases do not join across them.
		toks = append(toks, "")
	}
	toks = foldPairs(toks) // "could just not exist" reads as COULDNT EXIST, as patterns are written
	spokenFigures(toks)
	takenBack := -2 // where a denial is taken back (-1: nowhere), read when a denial is found
	negatedAt := func(toks []string, i int) bool {
		if !negatedAt(toks, i) {
			return false
		}
		if takenBack == -2 {
			takenBack = -1
			for _, p := range retracted.all {
				takenBack = max(takenBack, p.find(toks))
			}
		}
		return takenBack < i
	}
	past := -1 // longAgo(toks), read only when a crisis word is found
	for i, t := range toks {
		if g := crisisWords[t]; g != "" {
			if negatedAt(toks, i) {
				distress = true
				continue
			}
			if past < 0 {
				past = 0
				if longAgo(toks) {
					past = 1
				}
			}
			if past == 1 {
				continue // "my cousin overdosed last year", "i od'd 3 years ago and survived"
			}
			return "crisis:" + g, distress
		}
	}
	if r := crisisBook.first(toks, func(i int) bool {
		if negatedAt(toks, i) {
			distress = true
			return false
		}
		return true
	}); r != "" {
		return r, distress
	}
	for i, t := range toks {
		switch {
		// "end it", "I'm going to end it tonight": how people say they
		// will end their life; never "end it with him".
		case (t == "END" || t == "ENDING") && at(toks, i+1) == "IT" && at(toks, i+2) != "WITH":
			return "crisis:end-it", distress
		// "I'm going to jump", "I want to jump", "thinking about jumping".
		case t == "JUMP" && at(toks, i-1) == "TO" && at(toks, i+1) == "":
			return "crisis:jump", distress
		case t == "JUMPING" && (at(toks, i-1) == "ABOUT" || at(toks, i-1) == "OF") && at(toks, i+1) == "":
			return "crisis:jump", distress
		case takeVerbs[t] && !notMe[at(toks, i-1)] && (tookALot(toks, i) || tookCount(toks, i)):
			return "crisis:overdose-amount", distress
		}
	}
	if overdoseSigns.matches(toks) && !slices.ContainsFunc(toks, isLaugh) && !longAgo(toks) {
		// "my roommate is out cold in the car", not "hes out cold, worked
		// a double. lol".
		return "crisis:overdose signs", distress
	}
	if slices.ContainsFunc(toks, func(t string) bool { return naloxoneWords[t] }) && (naloxoneNow(toks) || naloxoneAsked(toks)) {
		return "crisis:naloxone-now", distress
	}
	if pillFeelsWrong(toks) {
		return "crisis:unknown pill", distress
	}
	if r := dangerousUse(toks); r != "" {
		return r, distress
	}
	// "I'm dying" (withdrawal can be dangerous too), but not "I'm dying to
	// know" or "dying of laughter".
	for i := 0; i+1 < len(toks); i++ {
		if (toks[i] == "IM" || toks[i] == "AM") && toks[i+1] == "DYING" {
			switch at(toks, i+2) {
			case "TO", "FOR", "OF", "LAUGHING", "LAUGHIN", "LMAO", "LOL", "HERE", "OVER":
				continue
			case "IN", "AT":
				if placesOfWaiting[at(toks, i+3)] || placesOfWaiting[at(toks, i+4)] {
					continue // "im dying in this waiting room", "I am dying in the work"
				}
				if toks[i+2] == "AT" && slices.ContainsFunc(toks, isLaugh) {
					continue // "lol im dying at this meme": laughing
				}
			}
			return "crisis:dying", distress
		}
	}
	if firstMatch(distressSets, toks) != "" {
		distress = true
	}
	return "", distress
}

// longAgo: the text puts what it tells in the past, months or years ago
// ("last year", "back in 2019", "hace dos años", "and survived"), and says
// nothing of now. A crisis word alone in it is grief or history; a crisis
// phrase still counts ("I od'd last year and I want to die").
func longAgo(toks []string) bool {
	if treatedOrGone.matches(toks) && !stillUrgent.matches(toks) {
		return true // "mom is in the hospital after an OD but shes stable now", "my ex od'd and died last night"
	}
	if !pastCues.matches(toks) && !yearMentioned(toks) {
		return false
	}
	return !anyPattern(urgentNow, toks)
}

// treatedOrGone: the overdose is over: treated and stable, or a death
// told.
var treatedOrGone = wideRules("over", "{STABLE|ESTABLE|OUT OF THE ICU|RECOVERING|OK NOW|OKAY NOW|FINE NOW|AWAKE NOW}", "{OD|ODD|ODED|OVERDOSED} AND {DIED|PASSED}", "{DIED|PASSED|PASSED AWAY|MURIO|FALLECIO} {OF|FROM|DE} {AN|A|UNA|} {OVERDOSE|OD|SOBREDOSIS}")

// harmVerbs open a phrase of harm to oneself.
var harmVerbs = newSet("HURT", "CUT", "KILL", "HARM", "OFF", "END")

// stillUrgent: help asked now, beside an overdose that may be over.
var stillUrgent = wideRules("still urgent", "HELP", "AYUDA", "911", "NOT BREATHING", "NO RESPIRA", "AGAIN", "OTRA VEZ", "HURRY", "EMERGENCY", "URGENT*", "BLUE", "MORADO", "MORADA",
	"JUST {OVERDOSED|ODED|OD|ODD|OVERDOSE}", "OVERDOSING", "ODING", "RIGHT NOW", "RN", "TONIGHT", "TONITE", "ESTA NOCHE",
	"{GOING TO|GONNA|WANT TO|WANNA|ABOUT TO|VOY A|QUIERO} {OD|OVERDOSE|DIE|JOIN|END|USE|MORIR|MORIRME|IRME}")

// overdoseOver: treatedOrGone, and nothing stillUrgent, in the clauses.
func overdoseOver(clauses [][]string) bool {
	toks := joined(clauses)
	return treatedOrGone.matches(toks) && !stillUrgent.matches(toks)
}

// yearMentioned: a year before this one, "in 2019", "en el 2016".
func yearMentioned(toks []string) bool {
	for i, t := range toks {
		if n, err := strconv.Atoi(t); err == nil && n >= 1980 && n < time.Now().Year() && (at(toks, i-1) == "IN" || at(toks, i-1) == "EN" || at(toks, i-1) == "SINCE" || at(toks, i-1) == "EL" && at(toks, i-2) == "EN") {
			return true
		}
	}
	return false
}

// spokenFigures blanks the death words of two figures of speech the crisis
// phrases would otherwise read: "thought i was gonna die" after a run,
// "me estoy muriendo de sueño".
func spokenFigures(toks []string) {
	for i, t := range toks {
		switch t {
		case "DIE":
			if exertionFigure(toks, i) {
				toks[i] = "_"
			}
		case "MURIENDO", "MUERO", "MORIR", "MORIRME":
			if at(toks, i+1) == "DE" && figureCauses[at(toks, i+2)] {
				toks[i] = "_"
			}
		}
		if (t == "CORTO" || t == "CORTARON" || t == "CORTAN" || t == "CORTA") && cutOff(toks, i) {
			toks[i] = "_" // "se me cortó el agua otra vez", "me cortaron las horas"
		}
		if overdoseWords[t] && (at(toks, i+1) == "ON" && (figureFoods[at(toks, i+2)] || figureFoods[at(toks, i+3)]) || figureFoods[at(toks, i-1)] || at(toks, i-1) == "BINGE" && figureFoods[at(toks, i-2)]) {
			toks[i] = "_" // "overdosed on pizza last night lmao", "netflix binge overdose"
		}
		if (overdoseWords[t] || suicideWords[t]) && toldInMedia(toks, i) {
			toks[i] = "_" // "saw on the news a guy OD'd", "the movie had a suicide scene", "writing a paper on opioid overdose"
		}
		if suicideWords[t] && at(toks, i-1) == "BY" && (at(toks, i-2) == "DIED" || at(toks, i-2) == "DEATH") && !slices.ContainsFunc(toks[max(0, i-6):i], func(v string) bool { return v == "I" || v == "IM" || v == "ALMOST" || v == "NEARLY" }) {
			toks[i] = "_" // "a girl from my high school died by suicide": a death told
		}
		if t == "AROUND" && awayAwhile(toks, i) {
			toks[i] = "_" // "wont be around much this week, camping"
		}
		if (t == "GOODBYE" || t == "BYE") && at(toks, i+1) == "TO" && goodbyeThing(toks, i+2) {
			toks[i] = "_" // "saying goodbye to my old car", "goodbye to this town"
		}
		switch t {
		case "MURIENDO", "MUERE", "MURIO", "DYING", "DIES", "DIED":
			if deviceBefore(toks, i) {
				toks[i] = "_" // "la bateria se muere", "mi cel se esta muriendo", "phone is dying"
			}
		}
	}
}

// overdoseWords and suicideWords name an overdose or a suicide; said of
// food or a show (figureFoods), or told of a film, a song, the news or
// schoolwork (mediaWords, toldInMedia), they are no danger now.
var (
	overdoseWords = newSet("OVERDOSE", "OVERDOSED", "OVERDOSES", "OVERDOSING", "OD", "ODD", "ODED", "ODING", "ODS", "SOBREDOSIS")
	suicideWords  = newSet("SUICIDE", "SUICIDAL", "SUICIDIO")
	figureFoods   = newSet("PIZZA", "CANDY", "SUGAR", "CHOCOLATE", "CAFFEINE", "COFFEE", "NETFLIX", "TV", "COOKIES", "CARBS", "TACOS", "MEMES", "ANIME", "CUTENESS", "TIKTOK", "PIE", "DONUTS", "FRIES")
	mediaWords    = newSet("NEWS", "RADIO", "MOVIE", "FILM", "SHOW", "SERIES", "EPISODE", "SONG", "DOCUMENTARY", "PODCAST", "ARTICLE", "PAPER", "ESSAY", "BOOK", "SCENE", "VIDEO",
		"NOTICIAS", "PELICULA", "CANCION", "SERIE", "LIBRO", "LECTURE", "STATS", "STATISTICS", "REPORT", "PROJECT")
	personWords = newSet("I", "IM", "ME", "MY", "MYSELF", "ILL", "IVE", "ID", "YO", "MI", "HE", "HES", "SHE", "SHES", "HIM", "HER", "WE", "THEY", "THEYRE", "ESTOY", "PIENSO", "VOY", "QUIERO")
	aheadWords  = newSet("THINKING", "THINK", "THOUGHTS", "WANT", "WANNA", "FEEL", "FEELING", "PLANNING", "GONNA", "SOUNDS", "EASIER", "SEEMS", "GUESS", "TOMORROW", "SOON")
)

// toldInMedia: the word at i follows, within six words and in the same
// clause, a word naming a film, a song, the news or schoolwork; no person
// is in that clause (I, he, we, my, estoy), and nothing in the text looks
// ahead or wishes ("saw on the news a guy OD'd", "that new song is about
// overdose", "watched a documentary about vets and suicide. Heavy. I'm
// good though"). "im writing a paper on opioid overdose" is the writer's
// work, not their danger; "we were watching a movie and he od'd" and
// "school paper due tomorrow suicide seems easier" are danger.
func toldInMedia(toks []string, i int) bool {
	start, media := i, false
	for start > 0 && toks[start-1] != "" {
		start--
		media = media || i-start <= 6 && mediaWords[toks[start]]
	}
	if !media {
		return false
	}
	for k := start; k < len(toks) && toks[k] != ""; k++ {
		if t := toks[k]; personWords[t] && !(t == "IM" && (at(toks, k+1) == "WRITING" || at(toks, k+1) == "DOING" || at(toks, k+1) == "READING")) {
			return false
		}
	}
	return !slices.ContainsFunc(toks, func(t string) bool { return aheadWords[t] })
}

// figuresOnly: the text names an overdose or a suicide, and every time as a
// figure or as told in a film, a song, the news or schoolwork
// (spokenFigures).
func figuresOnly(clauses [][]string) bool {
	if !hasAnyToken(clauses, overdoseWords) && !hasAnyToken(clauses, suicideWords) {
		return false
	}
	toks := joined(clauses)
	spokenFigures(toks)
	for _, t := range toks {
		if overdoseWords[t] || suicideWords[t] {
			return false
		}
	}
	return true
}

// cutOff: the cutting at i is of a service or of pay, not of the person:
// "se me cortó el agua", "me cortaron la luz", "me cortaron las horas".
func cutOff(toks []string, i int) bool {
	if toks[i] == "CORTO" && at(toks, i-1) == "ME" && at(toks, i-2) == "SE" {
		return true
	}
	for k := i + 1; k <= i+3 && at(toks, k) != ""; k++ {
		if cutThings[toks[k]] {
			return true
		}
	}
	return false
}

// goodbyeThing: the words from i name a thing, a place or a habit said
// goodbye to ("my old car", "this town", "the bottle"), not a person,
// the world or life.
func goodbyeThing(toks []string, i int) bool {
	switch at(toks, i) {
	case "MY", "THIS", "THE", "OUR", "THAT":
	default:
		return false
	}
	for k := i + 1; k < i+3 && at(toks, k) != ""; k++ {
		if goodbyeThings[at(toks, k)] {
			return true
		}
	}
	return false
}

var goodbyeThings = newSet("OLD", "CAR", "TRUCK", "TOWN", "CITY", "APARTMENT", "HOUSE", "COUCH", "JOB", "BOTTLE", "DEALER", "ADDICTION",
	"HABIT", "PILLS", "DRUGS", "BOOZE", "SUMMER", "VACATION", "WEEKEND", "PHONE", "HAIR", "BEARD", "STATE", "NEIGHBORHOOD", "SCHOOL",
	"OFFICE", "DESK", "BAR", "DOPE", "WEED", "FENT", "CIGARETTES", "CIGS", "VAPE", "PLUG", "CONNECT", "LAPTOP", "BIKE", "BOAT", "DORM", "TEXTS", "MESSAGES", "REMINDERS", "LIST", "PROGRAM")

// devices die without danger to anyone.
var devices = newSet("BATERIA", "PILA", "CEL", "CELULAR", "TELEFONO", "PHONE", "PHONES", "BATTERY", "BATT", "CHARGER", "LAPTOP")

// exertionFigure: the DIE at i ends "thought i was going to die" in a text
// of running or training, where it is a figure (not after a hit, nor out
// of meds).
func exertionFigure(toks []string, i int) bool {
	return at(toks, i-1) == "TO" && at(toks, i-2) == "GOING" && at(toks, i-3) == "WAS" && at(toks, i-4) == "I" && at(toks, i-5) == "THOUGHT" &&
		slices.ContainsFunc(toks, func(t string) bool { return exerciseWords[t] })
}

var exerciseWords = newSet("RAN", "RUN", "RUNNING", "JOG", "JOGGING", "5K", "10K", "MILE", "MILES", "MARATHON", "GYM", "WORKOUT", "HIKE", "HIKING",
	"SPIN", "CROSSFIT", "TREADMILL", "STAIRS", "SQUATS", "YOGA", "PRACTICE", "CARDIO", "SWIM", "BIKE")

var figureCauses = newSet("SUENO", "RISA", "HAMBRE", "CALOR", "ABURRIMIENTO", "VERGUENZA", "GANAS", "CANSANCIO", "SED", "AMOR", "NERVIOS", "ENVIDIA")

// urgentNow: the text speaks of now.
var urgentNow = anyOfWide("NOW", "RN", "RIGHT NOW", "URGENT*", "ASAP", "HURRY", "EMERGENCY", "RAPIDO", "TONIGHT", "TONITE", "AHORA",
	"AHORITA", "ESTA NOCHE", "HELP", "AYUDA", "AGAIN", "OTRA VEZ", "DE NUEVO", "911", "WONT", "CANT", "NOT BREATHING", "NO RESPIRA")

// negatedAt: the words before i deny what follows: "I'm not suicidal",
// "no me quiero morir", "never going to hurt myself".
func negatedAt(toks []string, i int) bool {
	switch at(toks, i-1) {
	case "NOT", "NO", "NEVER", "NUNCA", "AINT", "ISNT", "NI":
		return true
	case "ME", "TE", "SE", "LO", "LA", "ESTOY", "SOY", "ANDO":
		return at(toks, i-2) == "NO" // "no me quiero morir", "no estoy suicida"
	case "AKO":
		return at(toks, i-2) == "HINDI" // "hindi ako magpapakamatay": Tagalog, "I won't kill myself"
	case "ABOUT", "OF":
		// "im not thinking about killing myself", "not thinking of suicide";
		// not "... anymore, im going to do it" (plainDenial)
		return (at(toks, i-2) == "THINKING" || at(toks, i-2) == "THINK") && (at(toks, i-3) == "NOT" || at(toks, i-3) == "NEVER" || at(toks, i-3) == "DONT") && plainDenial(toks)
	case "EN":
		// "no estoy pensando en matarme", "no pienso en suicidarme"
		return (at(toks, i-2) == "PENSANDO" && at(toks, i-3) == "ESTOY" && at(toks, i-4) == "NO" || at(toks, i-2) == "PIENSO" && at(toks, i-3) == "NO" && at(toks, i-4) != "YA") && plainDenial(toks)
	case "TO":
		if at(toks, i-2) == "ANYTHING" && at(toks, i-3) == "DO" && (at(toks, i-4) == "NEVER" || at(toks, i-4) == "NOT" || at(toks, i-4) == "WONT" || at(toks, i-4) == "WOULDNT") && plainDenial(toks) {
			return true // "i'd never do anything to hurt myself"
		}
		// "no plans to hurt myself", "not trying to hurt myself"; never
		// "no desire to live", whose denial is the danger, nor "not going
		// to hurt myself", risk denied, which raises it
		switch at(toks, i-2) {
		case "PLANS", "PLAN", "INTENTION", "INTENTIONS", "TRYING":
			q := at(toks, i-3)
			return q == "NO" || q == "ANY" || q == "NOT"
		case "URGE", "DESIRE", "WISH":
			// "no urge to hurt myself", never "no desire to live"
			q := at(toks, i-3)
			return (q == "NO" || q == "ANY" || q == "NOT") && harmVerbs[toks[i]]
		}
	}
	return false
}

// plainDenial: nothing in the text takes a denial of thinking about it
// back or goes past it: "not thinking about killing myself anymore, im
// going to do it", "... today, tomorrow maybe", "i told my therapist im
// not thinking about it but i lied", "ya lo decidi".
func plainDenial(toks []string) bool {
	return !slices.ContainsFunc(toks, func(t string) bool { return denialBreakers[t] })
}

var denialBreakers = newSet("ANYMORE", "YET", "TONIGHT", "TOMORROW", "LIED", "LYING", "DECIDED", "DECIDI", "HOW", "COMO", "DOING", "HACERLO", "PILLS", "PASTILLAS",
	"GUN", "ROPE", "PLAN", "SAYS", "ALREADY", "KIDDING", "MAS", "MORE")

// retracted: a denial taken back after it is said ("no estoy suicida...
// bueno si, si lo estoy", "im not suicidal. ok yes i am"): the crisis
// words before it count.
var retracted = anyOfWide("SI LO {ESTOY|SOY}", "CLARO QUE SI $", "BUENO SI $", "^ {OK|OKAY|MAYBE} I AM $", "^ {OK|OKAY|} {YES|YEAH} I AM $", "WHO AM I KIDDING", "A QUIEN ENGANO")

// tookALot: the take verb at i is followed by an amount and, within a few
// words, something to overdose on ("a bunch of fentanyl", "all my pills"),
// or, for TOOK and the like, by the amount alone ("I took a lot").
func tookALot(toks []string, i int) bool {
	for _, a := range amounts {
		if !hasPhrase(toks[i+1:min(len(toks), i+1+len(a))], a) {
			continue
		}
		k := i + 1 + len(a)
		if at(toks, k) == "" && takeAlone[toks[i]] && a[0] != "ALL" {
			return true
		}
		if a[0] == "ALL" && routineDose(toks, k) {
			continue // "I took all my meds today" is adherence, not an overdose
		}
		if at(toks, k) == "OF" {
			k++
		}
		for n := 0; n < 3 && at(toks, k+n) != ""; n++ {
			if substances[at(toks, k+n)] {
				return true
			}
		}
	}
	return false
}

// routineDose: the clause from k speaks of the usual daily dose.
func routineDose(toks []string, k int) bool {
	for ; k < len(toks) && toks[k] != ""; k++ {
		switch toks[k] {
		case "TODAY", "MORNING", "PRESCRIBED", "SCHEDULE", "SCHEDULED", "DAILY", "YESTERDAY":
			return true
		}
	}
	return false
}

// crisisBook reads a text once for all of crisisSets.
var crisisBook = newRuleBook(crisisSets...)

// naloxoneNow, in a text that speaks of naloxone: time running out in any sentence of
// the text: "do u have narcan?? need it NOW", "q farmacia tiene narcan
// abierta a esta hora? es pa ya", "where narcan at near the bridge hurry".
// Never in a text that puts it in the past ("narcan saved my life 3 years
// ago").
func naloxoneNow(toks []string) bool {
	for _, p := range hurryCues.all {
		if i := p.find(toks); i >= 0 && !negations[at(toks, i-1)] {
			return !longAgo(toks) // not "no emergency, just want it around"
		}
	}
	return false
}

var (
	naloxoneWords = newSet("NARCAN", "NALOXONE", "NALOXONA", "NARCAM")
	hurryCues     = anyOf("NEED IT ~ NOW|ASAP|RN|FAST", "^ HURRY", "HURRY $", "URGENT*", "ES PA|PARA YA", "PA|PARA YA $",
		"PA|PARA AHORITA", "AHORITA MISMO", "EMERGENCY", "ASAP", "RIGHT NOW", "THIS MINUTE",
		"ALREADY {GAVE|SPRAYED|USED} {IT|ONE|BOTH} $", "NODDING {HARD|OUT|OFF|BAD}", "{EVERYBODY|EVERYONE|HE|SHE|THEY|PEOPLE|BOTH|HES|SHES|THEYRE|EVERYBODYS|FRIEND|GUY|GIRL|BROTHER|SISTER|SON|DAUGHTER|HUSBAND|WIFE|BOYFRIEND|GIRLFRIEND} {IS|ARE|} FALLING OUT {$|AND|NOW|RN|AT|ON|IN|NARCAN|SEND|HELP}", "ALREADY {GAVE|SPRAYED} {HIM|HER|THEM} {$|ONE|TWO|TO DOSES|A DOSE|NARCAN|SOME|ANOTHER}")
)

// pillFeelsWrong: a pill of unknown make taken, and feeling very wrong
// after it, whichever sentence says which: "las pastillas azules que
// compre en la calle no eran lo que decian, me siento muy mal", "tome una
// pastilla q me pasaron y me siento mal mal".
func pillFeelsWrong(toks []string) bool {
	return unknownPill.matches(toks) && feelsWrong.matches(toks) && !longAgo(toks)
}

var (
	unknownPill = rules("unknown pill", "NO ERAN|ERA LO QUE", "QUE|Q ME PASARON|DIERON|VENDIERON", "COMPRE EN LA CALLE", "FROM THE STREET", "PRESSED",
		"FAKE PILL|PILLS|PERC|PERCS|XANAX|BARS", "WASNT|WERENT WHAT", "NOT WHAT ~ SAID", "DONT KNOW WHAT ~ WAS $", "DONT KNOW WHAT WAS IN", "NO SE Q|QUE ERA", "NO SE {Q|QUE} {ES|CONTENIA|TENIA|TRAIA}", "ME DIERON ALGO", "UN CONOCIDO ME DIO")
	feelsWrong = rules("feels wrong", "ME SIENTO MUY MAL|RARO|RARA", "ME SIENTO MAL MAL", "ME SIENTO BIEN|SUPER|RE MAL", "ME SIENTO {BASTANTE|TAN} MAL", "^ ME SIENTO MAL", "FEEL|FEELING ~ WEIRD|FAINT|WRONG|SICK|DIZZY $",
		"CANT FEEL", "HEART ~ RACING|POUNDING|CRAZY")
)

// overdoseSigns read as an overdose unless the text laughs.
var overdoseSigns = rules("overdose signs",
	"OUT COLD", "{BATHROOM|PORTA JOHN|PORTAJOHN|STALL|RESTROOM} ~ NOT {ANSWERING|RESPONDING}", "SLUMPED OVER|IN|ON|AGAINST", "SLUMPED $",
	"FOUND HIM|HER ON THE FLOOR|GROUND $", "FOUND HIM|HER ON THE FLOOR|GROUND IDK|NOT|AGAIN|BLUE", "FOUND HIM|HER ON THE FLOOR THIS MORNING $",
	"FOUND HIM|HER ON THE BATHROOM|KITCHEN|BEDROOM FLOOR $", "FOUND HIM|HER ON THE COUCH BLUE", "FOUND HIM|HER LYING|LAYING|PASSED ~ ON THE FLOOR|GROUND $",
	"FOUND MY MOM|DAD|SON|DAUGHTER|BROTHER|SISTER|ROOMMATE|HUSBAND|WIFE|BOYFRIEND|GIRLFRIEND|BF|GF|FRIEND|KID|UNCLE|COUSIN ON THE FLOOR|GROUND $", "ENCONTRE|ENCONTRAMOS A MI _ EN EL PISO|SUELO $", "ENCONTRE|ENCONTRAMOS A MI _ EN EL PISO|SUELO DEL BANO|BAÑO|CUARTO $",
	"FOUND MY MOM|DAD|SON|DAUGHTER|BROTHER|SISTER|ROOMMATE|HUSBAND|WIFE|BOYFRIEND|GIRLFRIEND|BF|GF|FRIEND|KID|UNCLE|COUSIN ON THE BATHROOM|KITCHEN|BEDROOM FLOOR $",
	"ASLEEP IN THE CAR ~ ~ HOUR|HOURS $",
	"NO ABRE LOS OJOS", "NO RESPONDE ~ NO ABRE", "NO LO|LA|LE PODEMOS|PUEDO|PUEDE|PUEDEN DESPERTAR")

func isLaugh(t string) bool {
	return laughWords[t] || strings.HasPrefix(t, "HAHA") || strings.HasPrefix(t, "JAJA") || strings.HasPrefix(t, "LMAO")
}

// naloxoneAsked, in a text that speaks of naloxone: asked for, where or how to get it, with nothing
// that puts it later ("to keep at home", "just in case", "for my kit"),
// nor in the past: "can u guys mail me narcan", "do pharmacies carry
// naloxone or do i need a doctor". The issue's policy reads a naloxone
// request as a crisis; one for later is a question.
func naloxoneAsked(toks []string) bool {
	return askedFor.matches(toks) && !laterCues.matches(toks) && !longAgo(toks) && !slices.ContainsFunc(toks, isLaugh)
}

var (
	askedFor = wideRules("asked for", "{WHERE|HOW} {CAN|DO|WOULD|SHOULD|COULD|MIGHT} {I|WE|PEOPLE|PPL|U|YOU|SOMEONE|SOMEBODY} ~ {GET|FIND|BUY|PICK UP|GRAB|ORDER|OBTAIN|PICK SOME UP|PICK IT UP}", "WHERE {I|WE} {CAN|COULD|MIGHT} {GET|FIND|BUY|PICK UP}", "{WHERE|HOW} {DOES|DO} {ONE|A PERSON|SOMEONE|SOMEBODY|PEOPLE} ~ {GET|FIND|ACQUIRE|OBTAIN|BUY}",
		"{CAN|COULD} {U|YOU|YALL|U GUYS|YOU GUYS} ~ {MAIL|SEND|GIVE|BRING|GET} ME", "{SELL|SELLS|CARRY|CARRIES|HAVE|GIVE OUT|GIVES OUT} {NARCAN|NALOXONE}",
		"{NARCAN|NALOXONE} FREE", "FREE {NARCAN|NALOXONE} ~ {WHERE|ANYWHERE|NEAR}", "WHERE {TO|I CAN|WE CAN} {GET|FIND|BUY|PICK UP|GRAB}", "{DONDE|COMO} {CONSIGO|COMPRO|VENDEN|DAN|PUEDO CONSEGUIR}")
	laterCues = wideRules("later", "KEEP", "KEEPING", "{JUST IN|IN} CASE", "POR SI ACASO", "HOME", "HOUSE", "CASA", "{HAVE|KEEP|SOME|IT|ONE} AROUND", "AROUND THE", "CAR", "PURSE", "BAG", "GLOVEBOX",
		"TRAINING", "CLASS", "CLASE", "EXPIRE*", "FOR MY {KIT|TENT|BACKPACK|ROOM|APARTMENT|SHELTER|TRUCK|SHOP|STORE|JOB}", "FOR {THE|OUR} {CLINIC|OFFICE|SCHOOL|CHURCH|SHELTER|PROGRAM|CLASS|STAFF|TEAM}", "WHATS NARCAN", "WHAT IS NARCAN", "CLASSROOM", "OUTREACH", "ASKING FOR {OUR|THE|MY} ~ {TEAM|GROUP|CLASS|CHURCH|SCHOOL|JOB}", "VENCE", "SCHOOL", "WORK", "STOCK", "SUPPLY", "FUTURE", "NOT USING", "NO EMERGENCY")
)
