package message

import (
	"slices"
	"strconv"
	"strings"
)

// The stem lexicons: a second, broad reading of free text, written from how
// people say these things rather than from any list of texts, so that it
// holds for wordings nobody wrote down. Each lexicon is word stems and
// short patterns (pattern.go) in English and Spanish, with the exclusions
// that keep it honest: figures of speech ("traffic is killing me", "me muero
// de risa"), the past ("years ago", "hace un año"), other people's deaths,
// explicit denials ("not suicidal", "no me quiero morir"), and, for
// opt-outs, anything the person wants to stop in their own life.

// stemText is one text prepared for the stem lexicons.
type stemText struct {
	clauses [][]string // tokens per clause, key words read through a typing mistake
	toks    []string   // all clauses, "" between them, crisisFillers dropped, figures of speech blanked
	laugh   bool       // lol, haha, 😂: "kms lol" is a joke
	errand  bool       // "jump in the shower", "my phone's about to die": an everyday jump, a device dying
}

func newStemText(body string, clauses [][]string) *stemText {
	st := &stemText{clauses: make([][]string, len(clauses))}
	for i, c := range clauses {
		cc := make([]string, len(c))
		for j, t := range c {
			cc[j] = stemTypo(t)
		}
		st.clauses[i] = cc
		for _, t := range cc {
			if isLaugh(t) {
				st.laugh = true
			}
			if !crisisFillers[t] {
				st.toks = append(st.toks, t)
			}
		}
		st.toks = append(st.toks, "")
	}
	if strings.ContainsAny(body, laughEmoji) {
		st.laugh = true
	}
	deviceDied := blankFigures(st.toks, st.laugh)
	// An everyday jump, or a device dying when that is all the text says.
	st.errand = slices.Contains(st.toks, everydayJump) || deviceDied && len(st.clauses) == 1
	return st
}

// threatBefore: someone else will "kill me" (a figure for anger): "coach
// is gonna kill me", "she'll kill me", "mom will kill me".
func threatBefore(toks []string, i int) bool {
	if slices.ContainsFunc(toks, isDrugOrWeapon) {
		return false // "he will kill me if i leave, he has guns", "the pills are gonna kill me if"
	}
	for k := i - 1; k >= max(0, i-8) && toks[k] != ""; k-- {
		if everydayAngry[toks[k]] {
			return true
		}
	}
	return false
}

// everydayAngry are the people whose "gonna kill me" is a figure for
// their anger at a late arrival or a bad grade.
var everydayAngry = newSet("MOM", "MOMS", "MAMA", "MOTHER", "DAD", "DADS", "FATHER", "COACH", "BOSS", "TEACHER", "PROF", "PROFESSOR", "MANAGER", "GRANDMA", "GRANDPA", "SISTER", "BROTHER", "SUPERVISOR")

// deviceBefore: a device is named within three words before i, in the
// same clause ("my phone's about to die", "la bateria se muere").
func deviceBefore(toks []string, i int) bool {
	if anyPattern(meToo, toks) {
		return false // "se me muere la bateria y yo tambien", "my phone is dying and so am i"
	}
	for k := i - 1; k >= max(0, i-3) && toks[k] != ""; k-- {
		if devices[toks[k]] {
			return true
		}
	}
	return false
}

var meToo = anyOf("Y YO TAMBIEN", "AND SO AM I", "AND AM I", "AND SO IS MY", "AND ME TOO", "ME TOO", "AND SO WILL I", "Y YO IGUAL")

// laughEmoji laugh (😂 🤣 💀 😆 😅); cryEmoji are moved to tears (😭 🥹 🥺 😢).
const (
	laughEmoji = "\U0001F602\U0001F923\U0001F480\U0001F606\U0001F605"
	cryEmoji   = "\U0001F62D\U0001F979\U0001F97A\U0001F622"
)

var laughWords = newSet("LOL", "LMAO", "LMFAO", "ROFL", "HAHA", "JK", "JAJA", "XD", "LOLOL", "LMFAOO")

// stemTypo reads the key words of the stem lexicons through one typing
// mistake (two for long words). Real words one edit away are kept.
func stemTypo(t string) string {
	if len(t) < 5 || stemTargetSet[t] || stemRealWords[t] {
		return t
	}
	for _, w := range stemTargets {
		max := 1
		if len(w) >= 9 {
			max = 2
		}
		if d := len(t) - len(w); d > max || -d > max {
			continue
		}
		if t[0] != w[0] && t[1] != w[1] {
			continue
		}
		if editDistance(t, w, max) <= max {
			return w
		}
	}
	return t
}

var (
	stemTargets = []string{
		"MESSAGES", "MESSAGE", "MESSAGING", "TEXTING", "CONTACTING", "UNSUBSCRIBE", "SUBSCRIPTION",
		"REMOVE", "DELETE", "CANCEL", "NUMBER", "INTERESTED", "HARASSING", "HARASSMENT", "REPORTING",
		"MENSAJES", "MENSAJE", "CANCELAR", "ESCRIBAN", "MANDEN", "EQUIVOCADO", "NUMERO", "BLOQUEAR",
		"SUSCRIPCION", "QUITENME", "BORRENME",
		"SUICIDE", "SUICIDAL", "OVERDOSE", "OVERDOSED", "OVERDOSING", "BREATHING", "BREATHE",
		"UNRESPONSIVE", "NARCAN", "NALOXONE", "SEIZURE", "UNCONSCIOUS", "GOODBYE", "HOPELESS",
		"MYSELF", "ANYMORE", "SOBREDOSIS", "RESPIRA", "DESPIERTA", "MATARME", "MORIRME", "SUICIDARME",
		"INCONSCIENTE", "DESPEDIDA",
	}
	stemTargetSet = newSet(stemTargets...)
	// stemRealWords are words of their own one edit from a target.
	stemRealWords = newSet("TESTING", "MASSAGE", "MASSAGES", "PASSAGE", "MESSAGED", "TEXTED", "REMOTE",
		"REMOVED", "DELETED", "CANCER", "CANCELS", "CANCELED", "NUMBERS", "NUMBED", "INTERESTING",
		"CONTRACTING", "OVERDOES", "BREATH", "BREATHES", "BREATHED", "BREATHER", "SEIZURES", "HOPELESSLY",
		"MENSAJERO", "NUMEROS", "CANCELA", "CANCELO", "CANCELE", "CANCELAN", "CANCELEN", "MATARTE",
		"MATARLE", "MATARLO", "MATARLA", "MORIRSE", "MORIRTE", "RESPIRO", "RESPIRAR", "DESPIERTO", "DESPIERTE",
		"YOURSELF", "HIMSELF", "HERSELF", "ITSELF", "MANDEN", "MANDAN", "SENDING", "SPENDING", "REPORTING",
		"SUICIDES", "NARCANS", "MESSAGING", "HARASSED", "REPORTED", "MANDEN", "ESCRIBAN", "ESCRIBEN",
		"ANYMORE", "ANYONE", "GOODBYES", "CARCEL", "RESUBSCRIBE", "SUBSCRIBE", "SUBSCRIBED", "SUBSCRIBES",
		"SUBSCRIBING", "SUBSCRIBER", "RESUBSCRIBED")
)

var (
	// lateWords: a delay forgiven, not a farewell.
	lateWords = newSet("DELAY", "LATE", "REPLY", "REPLYING", "RESPONDING", "RESPONSE", "SILENCE", "TARDANZA", "DEMORA")
	// paperFrom: a letter from the doctor, not a farewell note.
	paperFrom = newSet("DOCTOR", "MEDICO", "SEGURO", "TRABAJO", "JUEZ", "ABOGADO", "ESCUELA", "BANCO", "PATRON", "RECOMENDACION", "CORTE")
	// pointOfLife: "whats the point of living", not "of algebra".
	pointOfLife = newSet("LIFE", "LIVING", "ANYTHING", "IT", "TRYING", "GOING", "EVEN", "ME", "THIS", "ANY", "ALL", "WAKING", "BEING", "STAYING", "FIGHTING", "EXISTING")
	// cutThings: hours, power or hair cut, not skin.
	cutThings = newSet("HORAS", "LUZ", "AGUA", "PELO", "CABELLO", "SERVICIO", "LINEA", "CEL", "TELEFONO", "CHECK", "SUELDO", "PAGO", "INTERNET", "SENAL", "LLAMADA", "GAS", "CABLE")
	// deadThings: what is dead in everyday speech ("work is so dead", "the
	// wifi is dead again", "my feet are dead").
	deadThings = newSet("PHONES", "WORK", "WIFI", "FEET", "LEGS", "ARMS", "SHIFT", "PHONE", "BATTERY", "CAR", "LAPTOP", "SIGNAL", "INTERNET", "TV", "REMOTE", "CHAT",
		"PLANTS", "PLANT", "FLOWERS", "GARDEN", "TEAM", "STORE", "SHOP", "BAR", "RESTAURANT", "TOWN", "MALL", "PLACE", "STREETS", "BATTERIES", "TOMATOES")
	// relativesOf: a relative's death, told.
	relativesOf = newSet("DADS", "MOMS", "FATHERS", "MOTHERS", "BROTHERS", "SISTERS", "SONS", "DAUGHTERS", "HUSBANDS", "WIFES", "FRIENDS", "GRANDMAS", "GRANDPAS", "COUSINS", "UNCLES", "AUNTS", "GRANDMOTHERS", "GRANDFATHERS")
	// killers in everyday speech: "this heat is gonna kill me".
	// No relative or partner: a threat from family stays a crisis.
	everydayKillers = newSet("HEAT", "WEATHER", "SUN", "TRAFFIC", "WORK", "JOB", "BOSS", "HOMEWORK", "TEST", "EXAM", "SCHOOL", "CLASS", "COLD", "HUMIDITY", "COMMUTE", "SHOES", "FEET", "BACK")
	// diaryKillers "kill" in Spanish as everydayKillers do in English: "ese
	// examen me mato", "la novela me dejo muerta".
	diaryKillers = newSet("EXAMEN", "TRABAJO", "JEFE", "JEFA", "TRAFICO", "CALOR", "ESCUELA", "CLASE", "NOVELA", "SERIE", "PELICULA", "PARTIDO", "GYM", "TAREA", "TURNO", "CHAMBA")
	// weatherWords: the cold is the weather's.
	weatherWords = newSet("CLIMA", "HACE", "AFUERA", "TIEMPO", "DIA", "CAFE", "AGUA", "CUARTO", "CASA", "INVIERNO", "NOCHE", "MANANA", "COMIDA")
	// endingThings end without harm: "my favorite novela ends tonight".
	endingThings = newSet("NOVELA", "SHOW", "SEASON", "SERIES", "GAME", "PARTY", "SALE", "CLASS", "SHIFT", "MOVIE", "SEMESTER", "LEASE", "PLAN", "CONTRACT", "PROMO", "TRIAL")
	// placesOfWaiting: "im dying in this waiting room".
	placesOfWaiting = newSet("WAITING", "ROOM", "LINE", "TRAFFIC", "HEAT", "SUN", "CLASS", "MEETING", "DMV", "BANK", "LOBBY")
)

// countedDrug: a drug is named a few words after i ("me zampe 20
// pastillas"), so ME before a count is the taking.
func countedDrug(toks []string, i int) bool {
	for k := i + 1; k <= i+6 && at(toks, k) != ""; k++ {
		if downers[toks[k]] || toks[k] == "PASTILLAS" || toks[k] == "PILLS" {
			return true
		}
	}
	return false
}

// isDrugOrWeapon: a drug or a weapon named ("the pills and the heat are
// gonna kill me").
func isDrugOrWeapon(t string) bool {
	switch t {
	case "GUN", "KNIFE", "LINE", "LINES", "MACHETE", "BAT", "HAMMER", "RIFLE", "PISTOL", "CHOKE", "CHOKING":
		return true
	}
	return namedDrug(t)
}

// subjectBefore: the word before i, past the little words between a thing
// and what it is: "my phone is about to DIE" → PHONE, "work is so DEAD"
// → WORK.
func subjectBefore(toks []string, i int) string {
	for k := i - 1; k >= 0; k-- {
		if !linkWords[toks[k]] {
			switch at(toks, k-1) {
			case "AT", "FROM", "IN", "ON", "OF", "AFTER":
				return "" // "my friend at work is dead": a person, not the thing
			}
			return toks[k]
		}
	}
	return ""
}

var linkWords = newSet("IS", "ARE", "WAS", "ESTA", "KEEPS", "KEEP", "KEEPING", "SO", "ABOUT", "TO", "ALMOST", "GONNA", "GOING", "AGAIN", "ALREADY", "LIKE", "BASICALLY", "TOTALLY",
	"KINDA", "REALLY", "PRETTY", "COMPLETELY", "JUST", "ALL", "DEAD")

// anyBefore: a token of s stands in the n tokens before i.
func anyBefore(toks []string, i, n int, s set) bool {
	for k := max(0, i-n); k < i; k++ {
		if s[toks[k]] {
			return true
		}
	}
	return false
}

// meantWords say a figure is meant: "literally", "i have it planned".
var meantWords = newSet("TOMORROW", "TONIGHT", "LITERALLY", "PLANNED", "PLAN", "SERIOUSLY")

// awayAwhile: "wont be around" at i, for a time that ends.
func awayAwhile(toks []string, i int) bool {
	return at(toks, i-1) == "BE" && (at(toks, i-2) == "WONT" || at(toks, i-2) == "NOT") && awhile(toks, i+1) && !hasAny(toks, everWords)
}

// awhile: the words from i name a time that ends: "(much) this week",
// "for a few days"; not "much longer", "for long" or "tomorrow", which a
// farewell says too.
func awhile(toks []string, i int) bool {
	if at(toks, i) == "MUCH" {
		i++
	}
	switch at(toks, i) {
	case "THIS", "NEXT":
		return spans[at(toks, i+1)]
	case "FOR":
		return (at(toks, i+1) == "A" || at(toks, i+1) == "THE") && (spans[at(toks, i+2)] || at(toks, i+2) == "FEW" || at(toks, i+2) == "COUPLE")
	}
	return false
}

var everWords = newSet("EVER", "FOREVER", "AGAIN", "ANYMORE")

var spans = newSet("WEEK", "WEEKEND", "MONTH", "MORNING", "AFTERNOON", "SUMMER", "HOLIDAYS", "DAYS")

// foods: "ate way too much turkey" is a meal.
var foods = newSet("TURKEY", "FOOD", "PIZZA", "CAKE", "CANDY", "PIE", "COOKIES", "TACOS", "DINNER", "LUNCH", "BREAKFAST", "CHOCOLATE",
	"ICE", "CHIPS", "SNACKS", "PASTA", "RICE", "BREAD", "TAMALES", "CARBS", "SUGAR", "WINGS", "BURGERS", "FRIES", "HAM", "STUFFING", "DESSERT", "COMIDA")

// isTiredWord: work or tiredness, beside "estoy muerta".
func isTiredWord(t string) bool {
	switch t {
	case "SHIFT", "TURNO", "TRABAJO", "WORK", "CHAMBA", "TERMINE", "DOBLE", "CANSANCIO", "SUENO":
		return true
	}
	return strings.HasPrefix(t, "CANSAD")
}

// blankFigures blanks the key word of figures of speech, so that no
// lexicon reads them: "this traffic is killing me", "dying to know",
// "me muero de risa", "my phone died", "killed it", "kms lol". It reports
// whether a word it blanked was a device dying ("my phone's about to
// die").
func blankFigures(toks []string, laugh bool) (deviceDied bool) {
	for i, t := range toks {
		n1, n2 := at(toks, i+1), at(toks, i+2)
		switch t {
		case "KILLING", "KILLIN", "KILLS":
			if (n1 == "ME" || n1 == "IT" || n1 == "TIME") && !wishBefore(toks, i) {
				toks[i] = "_"
			}
		case "KILL", "KILLED":
			if n1 == "ME" && (n2 == "IF" || n2 == "WHEN" || n2 == "" && slices.Contains(toks[max(0, i-8):i], "IF")) && threatBefore(toks, i) {
				toks[i] = "_" // "coach is gonna kill me if im late", "she'll kill me if I fail chem"
			}
			if n1 == "IT" || n1 == "TIME" || n1 == "FOR" || laugh && n1 == "ME" || at(toks, i-1) == "ALMOST" ||
				n1 == "ME" && anyBefore(toks, i, 4, everydayKillers) && !slices.ContainsFunc(toks, isDrugOrWeapon) {
				toks[i] = "_" // "this heat is gonna kill me", "the test almost kill me"
			}
		case "DYING", "DIE", "DIED", "DEAD", "DIES":
			if t == "DIE" && exertionFigure(toks, i) {
				toks[i] = "_" // "ran a 5k and thought i was gonna die"
			}
			switch n1 {
			case "TO", "FOR", "LAUGHING", "OF", "TIRED", "ASS", "SERIOUS", "SERIOUSLY", "WRONG", "LAST", "END", "ZONE", "WEIGHT", "BATTERY", "PHONE":
				if !(n1 == "OF" && (n2 == "OVERDOSE" || n2 == "AN" || n2 == "OD")) {
					toks[i] = "_"
				}
			}
			if laugh && (t == "DEAD" || t == "DYING" || t == "DIED") {
				toks[i] = "_"
			}
			if t == "DEAD" && n1 == "IF" && (at(toks, i-1) == "SO" || at(toks, i-1) == "IM" || at(toks, i-1) == "BE") {
				toks[i] = "_" // "im so dead if my mom finds out", "ill be dead if i miss the bus"
			}
			if t == "DEAD" && (n1 == "ASLEEP" || n1 == "IN" && n2 == "THE" && at(toks, i+3) == "WATER" ||
				n1 == "IN" && n2 == "HERE" && (at(toks, i-1) == "ITS" || at(toks, i-1) == "SO" && at(toks, i-2) == "ITS" || deadThings[subjectBefore(toks, i)])) {
				toks[i] = "_" // "dead asleep on the couch", "its dead in here at 3am", "dead in the water"
			}
			switch at(toks, i-1) {
			case "PHONE", "BATTERY", "CAR", "LAPTOP", "PLANT", "PLANTS", "BATT", "CHARGER", "SCREEN", "PHONES", "BATTERIES", "SIGNAL", "WIFI", "CONVERSATION", "CHAT", "PARTY", "PLAY", "DEADASS":
				toks[i] = "_"
			}
			if n1 != "AND" && deadThings[subjectBefore(toks, i)] ||
				t == "DYING" && (at(toks, i-1) == "IM" || at(toks, i-1) == "AM") && (n1 == "IN" || n1 == "AT") && (placesOfWaiting[n2] || placesOfWaiting[at(toks, i+3)]) {
				toks[i] = "_" // "my phone is about to die", "work is so dead today", "im dying in this waiting room"; not "and so am i"
			}
		case "AROUND":
			if awayAwhile(toks, i) {
				toks[i] = "_" // "wont be around much this week, camping"
			}
		case "GOODBYE", "BYE":
			if n1 == "TO" && goodbyeThing(toks, i+2) {
				toks[i] = "_" // "saying goodbye to my old car", "goodbye to this town"
			}
		case "DEATH":
			if at(toks, i-1) == "TO" || n1 == "BY" || n1 == "METAL" || n1 == "WARMED" || n1 == "OF" && n2 == "ME" || laugh || relativesOf[at(toks, i-1)] {
				toks[i] = "_"
			}
		case "KMS", "KYS", "KMSS":
			if laugh {
				toks[i] = "_"
			}
		case "MUERO", "MUERE", "MORIR", "MORIRME", "MUERTO", "MUERTA", "MUERTOS", "MURIENDO", "MORIA":
			if n1 == "DE" || n1 == "DEL" || n1 == "POR" || n1 == "X" {
				switch n2 {
				case "SOBREDOSIS", "OVERDOSE", "TRISTEZA", "DOLOR", "PENA":
				default:
					toks[i] = "_"
				}
			}
			if laugh || (t == "MUERTA" || t == "MUERTO") && (at(toks, i-1) == "ESTOY" || at(toks, i-1) == "TOY") && slices.ContainsFunc(toks, isTiredWord) ||
				(t == "MUERTA" || t == "MUERTO") && at(toks, i-1) == "TIENE" || t == "MUERO" && (slices.Contains(toks, "COMER") || slices.Contains(toks, "HAMBRE")) ||
				t == "MURIENDO" && ((n1 == "EL" || n1 == "MI") && (n2 == "CEL" || n2 == "TELEFONO" || n2 == "BATERIA") || n1 == "CEL" || n1 == "TELEFONO") {
				toks[i] = "_" // "estoy muerta" after a shift, "este calor me tiene muerta", "no comi, me muero", "se me esta muriendo el cel"
			}
			if deviceBefore(toks, i) {
				toks[i] = "_" // "la bateria se muere", "mi cel se esta muriendo"
			}
			if (t == "MUERTA" || t == "MUERTO") && (at(toks, i-1) == "DEJO" || at(toks, i-1) == "DEJA") && anyBefore(toks, i, 6, diaryKillers) {
				toks[i] = "_" // "la novela de anoche me dejo muerta"
			}
		case "KIDS", "KID", "HIJOS":
			if phoneNoun(n1) {
				toks[i] = "_" // "this is my kids phone": whose phone, not a goodbye to them
			}
		case "FRIO", "FRIA":
			if anyBefore(toks, i, 4, weatherWords) {
				toks[i] = "_" // "el clima esta muy frio hoy"
			}
		case "RESPONDER":
			if at(toks, i-1) == "PODRE" || at(toks, i-1) == "PUEDO" || at(toks, i-1) == "PODER" {
				toks[i] = "_" // "hoy no podre responder": busy, not unresponsive
			}
		case "MATO", "MATARON":
			if laugh || at(toks, i-1) == "ME" && anyBefore(toks, i, 4, diaryKillers) && !slices.Contains(toks[:i], "SI") && !slices.Contains(toks, "HOY") && !slices.ContainsFunc(toks, isDrugOrWeapon) {
				toks[i] = "_" // "ese meme me mato 💀", "ese examen me mato pero pase"; not "si pierdo el trabajo me mato"
			}
		case "FORGIVE", "PERDONEN", "PERDONA", "PERDONE":
			for k := i + 1; k <= i+5 && at(toks, k) != ""; k++ {
				if lateWords[toks[k]] {
					toks[i] = "_" // "please forgive my delay in responding"
				}
			}
		case "CARTA", "CARTAS":
			if (n1 == "DEL" || n1 == "DE") && paperFrom[n2] {
				toks[i] = "_" // "una carta del doctor"
			}
		case "LEFT":
			if at(toks, i-1) == "NOTHING" && n1 == "IN" && n2 == "THE" && at(toks, i+3) == "TANK" {
				toks[i-1] = "_" // "nothing left in the tank": worn out
			}
		case "POINT":
			if at(toks, i-1) == "THE" && n1 == "OF" && n2 != "" && !pointOfLife[n2] {
				toks[i] = "_" // "whats the point of algebra"
			}
		case "CORTARON", "CORTAN", "CORTA":
			if cutOff(toks, i) {
				toks[i] = "_" // "me cortaron las horas", "se me cortó el agua"
			}
		case "ATE", "EATEN", "EAT", "EATING":
			for k := i + 1; k <= i+5 && at(toks, k) != ""; k++ {
				if foods[toks[k]] {
					toks[i] = "_" // "ate way too much turkey"
				}
			}
		case "MATA", "MATAN", "MATANDO":
			toks[i] = "_" // "el trabajo me esta matando"
		case "CUT", "CUTTING", "CUTS":
			switch n1 {
			case "BACK", "DOWN", "OFF", "OUT", "TIES", "CORNERS", "HAIR", "MY", "IT", "THE", "ME":
				if n1 != "MY" || hairLike[n2] {
					toks[i] = "_"
				}
			}
		case "END", "ENDING", "ENDED", "ENDS":
			if (n1 == "THINGS" || n1 == "IT") && n2 == "WITH" || anyBefore(toks, i, 3, endingThings) {
				toks[i] = "_" // "my novela ends tonight", "the season finale ends tonight"
			}
			if t == "END" && n1 == "OF" && n2 == "ME" && anyBefore(toks, i, 6, everydayKillers) && !slices.ContainsFunc(toks, isDrugOrWeapon) && !hasAny(toks, meantWords) {
				toks[i] = "_" // "this warehouse job is gonna be the end of me"; not "school tomorrow will be the end of me. i have it planned"
			}
		case "QUIERO":
			// "ya no quiero que me lleguen sus recados", "ya no quiero these
			// messages": what is no longer wanted is our texts.
			if at(toks, i-1) == "NO" && (n1 == "QUE" || n1 == "Q" || n1 == "K") && (n2 == "ME" || n2 == "LE" || n2 == "NOS") &&
				wantedSent[at(toks, i+3)] || at(toks, i-1) == "NO" && (ourNouns[n1] || n1 == "THESE" || n1 == "ESTOS") {
				toks[i] = "_"
			}
		case "JUMP", "JUMPING":
			if (n1 == "IN" || n1 == "ON" || n1 == "INTO") && (n2 == "THE" || n2 == "A") {
				switch at(toks, i+3) {
				case "SHOWER", "POOL", "BATH", "CAR", "CALL", "TRUCK", "LINE", "GAME", "CONVERSATION", "CHAT", "BED", "VAN", "UBER":
					toks[i] = everydayJump // "going to jump in the shower"
				}
			}
		case "LIFE":
			if n1 == "BACK" {
				toks[i] = "_" // "taking my life back"
			}
		case "CORTE", "CORTO", "CORTAR", "CORTARME":
			if n2 == "PELO" || n2 == "CABELLO" || n2 == "UNAS" || n1 == "PELO" || cutThings[n1] || cutThings[n2] || cutThings[at(toks, i+3)] || cutOff(toks, i) ||
				t == "CORTE" && (at(toks, i-1) == "LA" || at(toks, i-1) == "EL") { // "me gradue de la corte de drogas": a court
				toks[i] = "_"
			}
		}
		if toks[i] == "_" && t != "_" && deviceBefore(toks, i) {
			deviceDied = true
		}
	}
	return deviceDied
}

// wantedSent are the verbs of our texts reaching the person: "no quiero que
// me lleguen", "que me sigan escribiendo".
var wantedSent = newSet("LLEGUEN", "LLEGUE", "LLEGEN", "MANDEN", "ESCRIBAN", "SIGAN", "SIGAS", "ENVIEN", "TEXTEEN", "CONTACTEN",
	"VUELVAN", "LLAMEN", "MOLESTEN")

// wishBefore: a wish stands just before i: "I hope the next one kills me".
func wishBefore(toks []string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-4 && toks[k] != ""; k-- {
		switch toks[k] {
		case "HOPE", "WISH", "PRAY", "NEXT", "MAYBE", "LET", "PLEASE", "WANT":
			return true
		}
	}
	return false
}

var ownedLast = newSet("YOUR", "UR", "THE", "THAT", "YALLS", "MY", "HIS", "HER", "SU", "TU", "EL")

var hairLike = newSet("HAIR", "NAILS", "BEARD", "LOSSES", "FINGER", "HAND", "LAWN", "GRASS", "HOURS", "SHIFT")

// --- crisis ---

// stemCrisisSets are spoken of the person's own danger now; a denial just
// before ("not", "never", "no me") turns one into distress. A group {…|…}
// holds alternatives of several words (pattern.go, expand).
var stemCrisisSets = []ruleSet{
	wideRules("crisis:suicide (broad)",
		"SUICID*", "SUISID*", "SUCID*", "SUICD*", "SUISAID*", "SEWERSLIDE", "SEWER SLIDE", "SEWERSIDE", "UNALIV*", "UN ALIVE", "KMS", "KMSS",
		"KILL|KILLING|KILLIN|KILLED|OFF|OFFING|END|ENDING|HANG|HANGING|SHOOT|SHOOTING|DROWN|DROWNING|POISON|STAB|SUFFOCATE|OD|OVERDOSE MYSELF|MESELF|MYSLF|MYSEF|MYSELFF",
		"END|ENDING|TAKE|TAKING|ENDED MY {|OWN} LIFE", "END|ENDING|ENDED IT|EVERYTHING|THINGS", "END OF ME",
		"{THINKING|THINK|THOUGHT} ~ {JUMPING|JUMP}", "{ROOF|BRIDGE|LEDGE|OVERPASS} ~ {JUMP*|THINKING|LOOKING DOWN}",
		"{HOPE|WISH|PRAY|NEXT ONE|NEXT SHOT|NEXT HIT|MAYBE} ~ {KILLS|KILL|TAKES} ME", "WONT NEED ~ {AFTER TONIGHT|AFTER TODAY|WHERE IM GOING}", "WHERE IM GOING {SOON|TONIGHT|$}",
		"{NEVER|NOT|WONT|NOTHING} ~ GET BETTER", "NEVER {GONNA|GOING TO} CHANGE", "NO FUTURE", "{DONT|CANT} SEE ~ FUTURE",
		"DO ~ TO MYSELF", "{MIGHT|GONNA|GOING TO} DO SOMETHING", "DO SOMETHING {STUPID|DUMB|BAD|DRASTIC|CRAZY|FOOLISH|RASH}",
		"{WANT|GOING|THINKING|EASY|COULD|SHOULD} ~ {TAKE|SWALLOW} ~ ALL ~ {OF THEM|MY|THE|PILLS|MEDS|$}",
		"{WANT|NEED|WISH} ~ {IT ALL|EVERYTHING} ~ {STOP|END|OVER}", "MAKE IT ALL {STOP|END|GO AWAY}", "WANT IT {OVER|TO BE OVER}",
		"WANT|WANTED|WISH|WISHING|HOPE|HOPING|PRAY|PRAYING|READY|PLAN|PLANNING|THINKING|DECIDED|RATHER|DESERVE|TRYING|TEMPTED|URGE|URGES|CONSIDERING|GOING|DREAM|FANTASIZE|SHOULD ~ DIE|DEAD|DEATH|DYING|DISAPPEAR|UNALIVE|SUICIDE",
		"ABOUT TO DIE", "KILL ME $", "WILL|WOULD|GOING|MIGHT|COULD ~ KILL ME", "PLEASE|SOMEONE|GOD|LORD KILL ME", "GOD|LORD TAKE ME", "PLEASE|SOMEONE TAKE ME $",
		"WISH|WISHED|HOPE|PRAY ~ I {WAS|WERE|WASNT|WERENT|DIDNT|DONT|WOULDNT|WAS NEVER|WERE NEVER|NEVER|DO NOT} DEAD|BORN|ALIVE|EXIST|WAKE|HERE",
		"NEVER BEEN BORN", "SLEEP FOREVER", "SLEEP AND {NEVER|NOT}", "{AND|TO} NEVER WAKE UP", "NOT WAKE UP",
		"DONT|NOLONGER|DIDNT WANT|WISH ~ {LIVE|LIVING|ALIVE|EXIST|EXISTING|WAKE|BE HERE|GO ON|KEEP GOING|CONTINUE|BE AROUND|SEE TOMORROW}",
		"{NO|NOT|DONT HAVE|DONT SEE} ~ REASON|REASONS|POINT ~ {LIVE|LIVING|GO ON|GOING ON|KEEP GOING|KEEP TRYING|TRYING|BE HERE|WAKE|EXIST|ANYMORE|STAY|STAYING}",
		"NO POINT $", "NO POINT ANYMORE", "WHATS THE POINT", "WHAT IS THE POINT", "POINTLESS", "NOTHING TO LIVE FOR",
		"BETTER OFF ~ {WITHOUT|DEAD|GONE|IF I|IF IM}", "BETTER WITHOUT ME", "IF I {WAS GONE|WERE GONE|WAS DEAD|WERE DEAD|DIED|DISAPPEARED|DIE|WASNT HERE|WASNT AROUND}",
		"{NO ONE|NOBODY|NOONE|NO1} ~ WOULD|WILL|WOULDNT|EVEN|EVER ~ CARE|MISS|NOTICE", "WOULDNT|WONT|NOT MISS ME",
		"{NO ONE|NOBODY|NOONE} ~ CARES|CARE|LOVES ~ ME|IF", "{NO ONE|NOBODY|NOONE} ~ CARES|CARE|LOVES ~ ABOUT {ME|MYSELF|WHAT HAPPENS|IF|WHETHER|US|PEOPLE LIKE|A JUNKIE|AN ADDICT|ADDICTS|JUNKIES|$}", "{NO ONE|NOBODY|NOONE} ~ CARES|CARE|LOVES ~ ABOUT MY {LIFE|FEELINGS|EXISTENCE|RECOVERY|PAIN|PROBLEMS|STRUGGLE|SOBRIETY|MENTAL HEALTH}", "{NO ONE|NOBODY|NOONE} CARES $", "IM A BURDEN", "BURDEN ON|TO", "SUCH A BURDEN", "JUST A BURDEN",
		"DONE WITH|OF ~ {LIFE|LIVING|EVERYTHING|IT ALL|THIS LIFE|THIS WORLD|BEING ALIVE}", "{IM|I AM} DONE W {EVERYTHING|IT ALL|LIFE|LIVING}",
		"TIRED|SICK|EXHAUSTED ~ OF ~ {LIVING|LIFE|EVERYTHING|IT ALL|BEING ALIVE|EXISTING|THIS LIFE|BEING ME|WAKING UP}",
		"CANT|COULDNT|UNABLE {GO ON|KEEP GOING|KEEP LIVING|KEEP DOING THIS|LIVE LIKE|DO THIS ANYMORE|DO IT ANYMORE|DO THIS NO|TAKE IT ANYMORE|TAKE THIS ANYMORE|TAKE ANYMORE|TAKE NO MORE|FACE ANOTHER|FACE TOMORROW|BE HERE|HANDLE LIFE|ANYMORE|DO THIS $|DO LIFE|DEAL ANYMORE|FIGHT ANYMORE|DO IT NO}",
		"GIVE|GIVING|GAVE|GIVEN UP $", "GIVE|GIVING|GAVE|GIVEN UP ON ~ {LIFE|LIVING|EVERYTHING|MYSELF|ME $|HOPE|IT ALL|TRYING}",
		"HOPELESS*", "NO HOPE", "LOST ~ HOPE", "NO WAY OUT", "TRAPPED", "NOTHING LEFT",
		"WORTHLESS", "DEAD INSIDE", "EMPTY INSIDE",
		"PILLS|GUN|ROPE|RAZOR|NOOSE|BELT|KNIFE|BLADE ~ READY|LINED|COUNTED|LOADED", "GOT|HAVE|BOUGHT|FOUND ~ ROPE|NOOSE",
		"{ON|AT} ~ BRIDGE|LEDGE|ROOF|TRACKS|EDGE $", "JUMP|JUMPING {OFF|FROM|IN FRONT}",
		// Spanish
		"QUIERO|QUISIERA|OJALA|GANAS|PREFIERO|PIENSO|PENSANDO|VOY|MEREZCO|DESEO|DECIDI|PLANEO|PLANEANDO|LISTO|LISTA|DEBERIA ~ {MORIR*|MUERT*|MUERA|MATARME|DESAPARECER|SUICID*|NO DESPERTAR|NO EXISTIR|DORMIR PARA SIEMPRE|IRME PARA SIEMPRE}",
		"MORIRME", "MORIR $", "ME QUIERO MORIR", "MATARME", "ME VOY A MATAR", "ME MATO", "MATAR ME", "QUITAR* LA VIDA", "QUITARME ~ VIDA",
		"NO QUIERO SEGUIR $", "NO QUIERO {VIVIR|DESPERTAR|EXISTIR|ESTAR AQUI|SEGUIR AQUI|SEGUIR VIVIENDO|VIVIR MAS}", "YA NO {QUIERO|PUEDO|AGUANTO}",
		"NO AGUANTO {MAS|NADA|ESTO|LA VIDA}", "NO PUEDO MAS", "NO PUEDO SEGUIR", "ME RINDO", "ME DOY POR VENCID*", "TIRAR LA TOALLA",
		"SIN ESPERANZA*", "NO HAY ESPERANZA", "PERDI ~ {ESPERANZA|GANAS DE VIVIR}", "SIN SALIDA", "NO HAY|VEO|TENGO|ENCUENTRO ~ SALIDA",
		"NO VALE LA PENA", "NO TIENE SENTIDO", "SIN SENTIDO", "NO LE VEO SENTIDO", "PARA|PA QUE VIVIR|SEGUIR|LUCHAR|INTENTAR|SIGO|VIVO",
		"SOY UNA CARGA", "SOY UN ESTORBO", "MEJOR ~ SIN MI", "ESTARIAN MEJOR", "NADIE ~ EXTRAN*|NOTARIA|IMPORTO|IMPORTARIA|QUIERE",
		"A NADIE LE IMPORTO", "NO VALGO NADA", "CANSAD*|HARTO|HARTA ~ DE ~ {VIVIR|TODO|LUCHAR|LA VIDA|ESTA VIDA|INTENTAR|SUFRIR|EXISTIR}",
		"DESAPARECER", "DORMIR ~ {PARA SIEMPRE|Y NO DESPERTAR}", "MEJOR MUERT*", "ESTAR MUERT*", "ME QUIERO IR", "QUITARME DE EN MEDIO",
		"TENGO ~ PASTILLAS|SOGA|PISTOLA|CUCHILLO|NAVAJA ~ LISTA*|AQUI", "VOY A BRINCAR|SALTAR|AVENTARME|TIRARME",
		"MEJOR ME {MUERO|MATO}", "ME MUERO $", "CANSE|CANSO|CANSADO|CANSADA DE VIVIR", "TENGO ~ PLAN", "TENGO UN PLAN",
		"{GOD|DIOS|LORD} ~ {TAKE|TAKES|TAKING|LLEVE|LLEVA|RECOJA} ME", "{TAKE|TAKES} ME IN MY SLEEP", "DONE LIVING", "{AFTER|WHEN|ONCE} IM GONE",
		"{NOT GOING TO|NOT GONNA|WONT|NOT|DONT THINK ILL|DONT THINK I WILL} MAKE IT ~ {THROUGH|TIL|TILL|PAST|$}", "CARE {WHAT HAPPENS|IF I}",
		"TONIGHTS THE NIGHT", "{DONT|NOLONGER} WANT ~ {DO THIS|DO IT} ANYMORE", "{RAZON|RAZONES|MOTIVO|MOTIVOS} ~ {PARA|PA} VIVIR|SEGUIR", "TERMIN*|ACABAR|ACABO|ACABAR* CON {TODO|MI VIDA}",
		"A DONDE VOY", "YA NO ~ {LOS|LAS|LO|LA} ~ NECESITAR", "NO TENGO FUTURO", "NO HAY FUTURO", "{NUNCA|NADA} VA A MEJORAR", "HACER UNA LOCURA", "HACERME ALGO",
	),
	wideRules("crisis:death words (broad)",
		"DIE", "DYING", "DEAD", "DEATH", "MUERTE", "MORIR*", "MUERA", "MUERTO", "MUERTA", "BE GONE", "ALL ~ BE OVER", "BE OVER SOON",
		"AT PEACE", "MADE ~ {MY DECISION|THE DECISION|MY MIND UP|UP MY MIND}", "{HAVE|GOT|HAD} A PLAN", "DE ESTE MUNDO", "IRME PARA SIEMPRE",
		"DIOS ME ~ LLEVE|RECOJA", "REST FOREVER", "GO TO SLEEP FOREVER", "TOMAR LA DECISION", "YA TOME LA DECISION",
	),
	wideRules("crisis:despair (broad)",
		"STOPPED CARING", "CARE WHAT HAPPENS", "NOTHING {GOING TO|WILL|IS GOING TO|EVER} CHANGE", "WHAT FUTURE", "SAME HELL", "WHATS LEFT FOR ME",
		"TEARS ALL NIGHT", "CRY EVERY {DAY|NIGHT}", "KEEP BREAKING DOWN", "{ROUGH|DARK|BAD} THOUGHTS", "NO MAS DOLOR",
		"CRYING ALL DAY|NIGHT", "CANT STOP CRYING", "HATE MY LIFE", "HATE MYSELF", "DONT CARE ANYMORE", "FEEL|FEELING|FEELS ~ EMPTY|NUMB|HOPELESS|WORTHLESS",
		"SO|ALL|COMPLETELY|TOTALLY ALONE", "FEEL|FEELING|FEELS ~ DARK", "SO SAD", "DEPRESSED", "DEPRIMID*", "MUY TRISTE", "ME SIENTO ~ VACIO|VACIA|SOLO|SOLA|FATAL|HORRIBLE",
		"LLORANDO ~ {TODO EL DIA|TODA LA NOCHE}", "NO PUEDO DEJAR DE LLORAR", "ODIO MI VIDA", "ME ODIO",
		"{I|IVE|} {HAVENT|HAVE NOT} {STOPPED|BEEN ABLE TO STOP} CRYING {$|FOR|SINCE|ALL|TODAY|TONIGHT|AND|IDK|SMH|RN|NOW}", "^ {MY|THE|} TEARS {WONT|DONT|WILL NOT|CANT} {STOP|QUIT}", "{CRIED|CRYING} {NONSTOP|NON STOP} {$|FOR|SINCE|ALL|TODAY|TONIGHT|AND|IDK|SMH|RN|NOW}",
		"{NONSTOP|NON STOP} CRYING {$|FOR|SINCE|ALL|TODAY|TONIGHT|AND|IDK|SMH|RN|NOW}", "NO PARO DE LLORAR", "LLORANDO SIN PARAR", "LLEVO {HORAS|TODO EL DIA} LLORANDO", "{I|} CANT STOP THE TEARS",
	),
	wideRules("crisis:farewell (broad)",
		"GOODBYE*", "GOOD BYE", "BYE|GOODBYE ~ {FOREVER|EVERYONE|WORLD|ALL|YALL|FOR GOOD|CRUEL}", "FAREWELL",
		"LAST {TEXT|MESSAGE} {$|EVER|FROM ME|YOU|U|YALL|ILL|IM|I|TO|BEFORE|GOODBYE|BYE|LOVE}", "LAST {GOODBYE|WORDS|NIGHT ALIVE|DAY ALIVE|TIME YOU|TIME YALL|TIME ILL}", "SORRY FOR EVERYTHING", "FORGIVE ME", "PLEASE FORGIVE",
		"TELL ~ MY|HER|HIM|THEM|MOM|MAMA|KIDS|WIFE|SON|DAUGHTER|FAMILY ~ {I LOVE|THAT I LOVE|IM SORRY|SORRY}", "LOVE YOU ALL", "I LOVED YOU",
		"TAKE|TAKES|TAKING CARE OF MY KIDS|DOG|CAT|SON|DAUGHTER|BABY|MOM|FAMILY|CHILDREN|GIRL|BOY|BABIES", "WONT BE {AROUND|HERE|A BURDEN|BOTHERING|A PROBLEM}",
		"YOU|YALL WONT ~ {HEAR FROM|SEE ME|HAVE TO WORRY}", "NOT BE {AROUND|HERE} ~ {TOMORROW|MUCH LONGER|LONG|ANYMORE|MORNING}",
		"SEE YOU ~ {OTHER SIDE|NEXT LIFE|IN HEAVEN}", "GIVING|GAVE|GIVE AWAY ~ MY|STUFF|THINGS|EVERYTHING", "MADE MY PEACE", "AT PEACE NOW",
		"WROTE|WRITING|WRITTEN|LEFT A|MY|THE|SOME|ALL NOTE|NOTES|LETTER|LETTERS", "WROTE|WRITING|WRITTEN|LEFT NOTE|NOTES|LETTERS", "LETTERS|NOTES FOR|TO EVERYONE|EVERYBODY", "THIS IS GOODBYE", "IT ENDS TONIGHT", "TONIGHT ~ {THE NIGHT|IT ENDS}",
		"BY THE TIME {YOU|U} ~ READ", "WHEN {YOU|U} ~ READ THIS", "THANK YOU FOR TRYING", "THANKS FOR TRYING", "IM SORRY ~ MOM|MAMA",
		// Spanish
		"ADIOS ~ {PARA SIEMPRE|A TODOS|MUNDO|FAMILIA|MAMA}", "ME DESPIDO", "DESPEDI*", "{PERDON|PERDONENME|PERDONAME|PERDONEN} POR TODO", "PERDONENME $",
		"DIGAN|DIGANLE|DILE|DIGALE|DIGALES ~ QUE ~ QUIERO|AMO", "CUIDEN|CUIDA|CUIDES ~ {A MIS|MI|A MI|DE MIS|DE MI}",
		"ULTIMO|ULTIMA MENSAJE|VEZ|NOCHE|DIA $", "ULTIMO|ULTIMA MENSAJE|VEZ|NOCHE|DIA QUE|Q ESCRIBO|LES|ME|LOS|ESTOY", "MI ULTIMO|ULTIMA MENSAJE|NOCHE", "ULTIMO|ULTIMA DIA|NOCHE DE MI VIDA", "YA NO ~ {ME VAN A VER|VOLVERAN A|ME VERAN}", "NO ME VAN A VOLVER A VER", "CARTA*", "NOS VEMOS EN EL OTRO",
		"GRACIAS POR TODO ~ ADIOS", "{ESTA NOCHE|HOY} SE ACABA", "YA NO VOY A ESTAR",
	),
	wideRules("crisis:self-harm (broad)",
		"CUT|CUTS|CUTTING|CUTTIN|CUTTED|SLIT|SLICE|SLICED|SLICING|CARVE|CARVING {MYSELF|MY ARM*|MY WRIST*|MY LEG*|MY THIGH*|MY SKIN|MY STOMACH|MY BODY|MY VEIN*|MY HIP*|WRIST*}",
		"CUT|CUTTING|CUTTIN AGAIN|TONIGHT|RN|DEEP|DEEPER", "SELF HARM*", "SELFHARM*",
		"HURT|HURTING|HARM|HARMING|BURN|BURNING|BURNED|BURNT|PUNISH|PUNISHING|HIT|HITTING|PUNCH*|BANG*|SCRATCH*|STARV*|BEAT|BEATING {MYSELF|MY SELF}",
		"RAZOR*", "BLADE*", "BLEED|BLEEDING ~ {CANT|WONT|A LOT|ALOT|BAD|EVERYWHERE|OUT|STOP}", "SH {AGAIN|RN|TONIGHT|URGE*}",
		"URGE|URGES|WANT|NEED ~ TO {CUT|HURT MYSELF|SH|BURN}", "RELAPS* ~ {CUTTING|ON SH|SELF HARM}",
		// Spanish
		"ME {CORTE|CORTO|CORTADO|CORTANDO|CORTARE|CORTAR}", "CORTARME", "CORTANDOME", "ME ESTOY CORTANDO", "ME LASTIM*", "LASTIMARME", "LASTIMANDOME", "HACERME DANO",
		"ME HAGO DANO", "ME HICE DANO", "{ME HAGO|ME HICE|HACERME|ME ESTOY HACIENDO} ~ {QUEMADURAS|CORTES|CORTADAS}", "ME {TOY|ESTOY} HACIENDO DANO", "ME QUEM*", "QUEMARME", "NAVAJA", "CUCHILLA", "RASURADORA", "SANGR*", "LAS MUNECAS",
	),
	wideRules("crisis:overdose (broad)",
		"NOT|ISNT|STOPPED|BARELY|HARDLY|CANT|CANNOT|NO|AINT|WASNT|QUIT ~ BREATH*|BREATING|BREATHIN|BREATHNG|BRETHING",
		"BREATH*|BREATING ~ SLOW|WEIRD|FUNNY|SHALLOW|STRANGE|LOUD|DIFFERENT|BAD|WRONG|RAGGED|GASP*|SLOWLY|HEAVY|GURGL*|STOPPED|NOISY",
		"GASPING", "GURGL*", "SNORING|SNORE|SNORES|SNORIN ~ WEIRD|LOUD|FUNNY|STRANGE|BAD|LIKE|HEAVY|GURGL*", "{HIS|HER|THEIR} {LIPS|FACE|SKIN} ~ {ODD|WEIRD|STRANGE|FUNNY|BAD} {COLOR|COLOUR|SHADE}", "DEATH RATTLE", "CHOK* ~ VOMIT|THROW|PUKE|ON",
		"BLUE|GRAY|GREY|PURPLE|ASHY ~ LIPS|FACE|FINGERS|FINGERTIPS|NAILS|SKIN|TINT", "LIPS|FACE|FINGERS|FINGERTIPS|NAILS|SKIN ~ BLUE|GRAY|GREY|PURPLE|ASHY|PALE|WHITE|COLD",
		"TURNING|TURNED|GOING|GONE|LOOKS|LOOK ~ BLUE|GRAY|GREY|PURPLE", "{HES|SHES|HE IS|SHE IS|THEYRE|THEY ARE} {BLUE|GRAY|GREY|PURPLE}",
		"UNRESPONSIV*", "UNRESPONSIBLE", "NOT|ISNT|WONT|CANT|NO|AINT ~ RESPOND*|REACT*|MOVING|MOVE|AWAKE",
		"{WONT|CANT|CANNOT|NOT|COULDNT|CAN NOT|ISNT|AINT} ~ WAKE*|WAKING", "{CANNOT|CANT|CAN NOT|COULDNT|WONT} BE {WOKEN|AWOKEN|ROUSED}", "WONT|CANT|COULDNT GET HIM|HER|THEM ~ UP|WAKE|RESPOND",
		"PASSED|PASSING|PASSES OUT", "FELL|FALLEN OUT", "NODDING|NODDED|NODDIN|NOD OUT|OFF", "COLLAPS*", "UNCONSCIOUS*", "KNOCKED OUT",
		"SEIZURE*", "SEIZING", "HAVING A FIT", "CONVULS*", "FOAM*", "LIMP", "PUPILS ~ PINNED|PINPOINT|TINY",
		"HEART ~ RACING|POUNDING|STOPPED|STOPPING|FAST|SKIPPING|WEIRD|EXPLODE|HURTS|POUNDIN", "CHEST ~ PAIN|PAINS|HURTS|HURT|TIGHT|TIGHTNESS|PRESSURE",
		"CALL|CALLING|CALLED|CALLIN ~ 911|AMBULANCE|EMS", "911", "AMBULANCE", "EMERGENCY", "EMERGENCIA",
		"{HES|SHES|THEYRE|HE IS|SHE IS|HE|SHE} DYING", "IM DYING", "{IS HE|IS SHE|SHES|HES} DEAD", "THINK {HES|SHES|HE|SHE|THEYRE|IM|HE IS|SHE IS} ~ DEAD|DYING|OVERDOS*|OD",
		"TOOK|TAKEN|DID|USED|SHOT|SNORTED|SMOKED|POPPED|SWALLOWED|INJECTED|HIT|ATE|DONE|RAILED ~ {TOO MUCH|TOO MANY|TOO STRONG|TOO BIG|TOO HARD|WAY TOO}",
		"{TOO MUCH|TOO MANY} ~ FENT*|DOPE|PILLS|XANAX|BARS|HEROIN|OXY*|PERC*|METH|COKE|BLUES|SUBS|METHADONE",
		"TOOK|TAKEN|SWALLOWED|POPPED|ATE|DID|USED|SHOT|SNORTED ~ {EVERYTHING|WHOLE|BUNCH|HANDFUL|FISTFUL|ENTIRE|DOUBLE|TRIPLE|TWICE|MORE THAN}",
		"WHOLE|ENTIRE ~ BOTTLE|PACK|SHEET|STRIP|BAG|BUNDLE|SCRIPT|PRESCRIPTION", "EMPTY BOTTLE",
		"TOOK|TAKEN|SWALLOWED|POPPED ~ AT ONCE", "TOOK|TAKEN|TAKING|POPPED|DID|USED ~ EXTRA", "MORE THAN {PRESCRIBED|USUAL|NORMAL|I SHOULD|IM SUPPOSED|SUPPOSED}", "{TOOK|TAKEN|POPPED|TAKE|DID|USED|SNORTED|SHOT} ~ MORE {PILLS|BARS|XANAX|PERCS|OXYS|SUBS|DOPE|FENT} THAN I {SHOULD|SHOULDVE|SHOULDA|SHOULD HAVE}",
		"MAS DE LO {NORMAL|USUAL|QUE DEBIA|QUE DEBO|DE COSTUMBRE}", "FRASCO|BOTELLA|BOTE|CAJA ENTER*",
		"{ME TOME|TOMO|TOME|SE TOMO|TOOK|TAKEN|SMOKED|SNORTED|TOMARME|ME METI} {ALGO|SOMETHING}", "{BABY|KID|TODDLER|CHILD|SON|DAUGHTER|NINO|NINA|HIJO|HIJA|BEBE|YEAR OLD|YR OLD} ~ {TAKE|TOOK|GOT INTO|GRABBED|ATE|AGARRO|TOMO} {MY|MIS|MI} {PILLS|MEDS|MEDICINE|BOTTLE|PASTILLAS|METHADONE|SUBOXONE|SUBUTEX|SUBS|STASH|FENT|PERCS|OXY|XANAX|METADONA}", "{ME DIERON|ME DIO|ME ECHARON|ME PUSIERON|GAVE ME|SLIPPED ME} {ALGO|SOMETHING} {NI SE|NO SE|IDK|DONT KNOW|DUNNO|I DONT KNOW} {QUE FUE|QUE ERA|WHAT IT WAS|WHAT THAT WAS|WHAT WAS IN IT}", "GOT INTO ~ PILLS|MEDS|STASH|SUBS|DOPE|BAG|FENT*|DRUGS|PASTILLAS",
		"BABY|KID|SON|DAUGHTER|CHILD|TODDLER|DOG|PUPPY|NINO|NINA|HIJO|HIJA|BEBE ~ SWALLOWED|ATE|TRAGO|SE TRAGO|SE COMIO", "CANT TELL IF ~ OK|OKAY|ALIVE|BREATHING",
		"ASLEEP|SLEEPING|OUT ~ AFTER ~ USING|USED|SHOOTING|HIT", "ME ~ CORTAR|CORTANDO|CORTE|LASTIMANDO|LASTIMAR|QUEMANDO|QUEMAR", "CANT FEEL MY ~ LEGS|ARMS|FACE|BODY|HANDS|FEET", "NO SIENTO ~ PIERNAS|BRAZOS|CARA|CUERPO",
		"NARCAN|NALOXONE|NALOXONA|NARCAM|NARKAN|NARCANS ~ NOW|ASAP|URGENT|HURRY|QUICK|FAST|PLEASE|HELP|NOT|ISNT|DIDNT|DOESNT|AINT|WORK*|AGAIN|TWICE|SECOND|ANOTHER|RAPIDO|YA|URGENTE|AYUDA|NO",
		"{NEED|NEEDS|NEEDED|GAVE|GIVE|GIVING|USED|USING|SPRAYED|HIT HIM WITH|HIT HER WITH|HAVE ANY|GOT ANY|BRING|SECOND|ANOTHER|TWO|3} ~ NARCAN*|NALOXONE|NALOXONA|NARCAM",
		"OVERDOS*", "OVRDOS*", "OVERDOZ*", "OVER DOS*", "OD", "ODED", "ODING", "ODS", "ODIN",
		// Spanish
		"NO RESPIR*", "NO ESTA RESPIRANDO", "{APENAS|CASI NO} ~ RESPIR*", "RESPIR* ~ RARO|LENTO|LENTITO|POCO|MAL|FEO|DIFICIL|FUERTE|MUY",
		"NO PUEDO|PUEDE RESPIRAR", "MORAD*", "{SE PUSO|ESTA|ESTAN|TIENE} ~ AZUL*|GRIS|PALID*|BLANCO|FRIO", "LABIOS|CARA|DEDOS|UNAS ~ AZUL*|MORAD*|GRIS|PALID*",
		"NO DESPIERTA*", "NO REACCIONA*", "NO RESPONDE", "NO SE MUEVE", "NO SE DESPIERTA", "NO LO|LA PUEDO DESPERTAR", "INCONSCIENTE",
		"DESMAY*", "CONVULS*", "ATAQUE", "ESPUMA", "AMBULANCIA", "SOBREDOSIS", "SOBRE DOSIS", "SOBREDOSI*",
		"{ME PASE|SE PASO} ~ DOSIS|PASTILLAS|DROGA|FENTA*|CHIVA|MANO",
		"{TOME|TOMO|TRAGUE|TRAGO|ME TOME|SE TOMO|METI|USE|INYECTE|FUME|ESNIFE|ME METI|SE METIO|TOMAR|TOMARME|TRAGAR|TRAGARME} ~ DEMASIAD*|TODAS|TODO|TODOS|MUCHAS|MUCHOS|FRASCO|BOTE|CAJA|PUNADO|MONTON|CHINGO|BOTELLA",
		"DEMASIADAS|DEMASIADOS|DEMASIADO ~ PASTILLAS|FENTA*|CHIVA|HEROINA|DROGA|XANAX", "PASTILLAS ~ TODAS|FRASCO|CAJA|MUCHAS|PUNADO|MONTON",
		"SE ESTA MURIENDO", "ME ESTOY MURIENDO", "SE VA A MORIR", "SE MUERE", "ESTA MURIENDO", "CREO QUE ~ {ESTA MUERT*|SE MURIO|MURIENDO|SOBREDOSIS}",
		"DUELE ~ PECHO|CORAZON", "DOLOR DE PECHO", "CORAZON ~ RAPIDO|ACELERADO|FUERTE|MUY", "PUSE|DIMOS|DI|USE|USAMOS|NECESITO|NECESITAMOS|TIENEN|TIENES ~ NARCAN*|NALOXONA|NARCAM",
	),
	wideRules("crisis:dangerous use (broad)",
		"MIX|MIXED|MIXING|MIXIN|COMBIN*|PLUS ~ BENZO*|XANAX|XANS|XANNIES|BARS|KLONOPIN|KLONOS|KPINS|VALIUM|ATIVAN|ALCOHOL|DRINKING|DRANK|BOOZE|LIQUOR|VODKA|LEAN|GABAPENTIN|GABBIES|DOWNERS|SOMAS|FENT*|DOPE|HEROIN|OXY*|METHADONE|SUBS|PILLS|BEER*|WINE|WHISKEY",
		"{USING|USE|SHOOT|SHOOTING|SNORT|SNORTING|SMOKING|DO IT|GET HIGH|GETTING HIGH|HIGH|DOSE|DOSING|FIX} ~ {ALONE|BY MYSELF|WITH NO ONE|WITHOUT ANYONE|NOBODY AROUND|NO ONE AROUND}",
		"ALONE ~ USING|USE|SHOOT|HIGH|FENT*|DOPE|PILLS", "{NOBODY|NO ONE|NOONE} ~ HERE|AROUND|HOME ~ IF|NARCAN|OD|USING|HAPPENS",
		"TOLERANCE", "FIRST TIME SINCE {SALI|GOT OUT|I GOT OUT|GETTING OUT|RELEASE|LEAVING} ~ {USING|USED|HIGH|SHOOTING|FENT|DOPE|PILLS|DRINKING|DRANK|$}", "{USE|USING|USED|SHOOT|SHOOTING|SHOT|SNORT|SNORTED|SMOKE|SMOKED|DRINK|DRANK|DRINKING|HIGH|TOOK|RELAPSED|HIT|FENT|DOPE|PILLS|SLIPPED|BOUGHT|COPPED|BAG|LINE} ~ FIRST TIME ~ IN|SINCE ~ MONTHS|YEARS|WEEKS|YEAR|MONTH|WHILE|LONG|REHAB|DETOX|JAIL|PRISON|TREATMENT", "FIRST TIME {USING|SHOOTING|DRINKING|SMOKING|GETTING HIGH} ~ IN|SINCE",
		"FIRST TIME {IN|SINCE} ~ {MONTHS|YEARS|WEEKS|REHAB|DETOX|JAIL|PRISON|TREATMENT} ~ {USE|USING|USED|HIGH|DOPE|FENT|BAG|LINE|BOUGHT|COPPED|SLIPPED|SCARED|DRINK|DRANK|SHOT|SHOOT|PICKED UP|RELAPSED}",
		"{USE|USING|SHOOT|SHOOTING|SNORT|SMOKE} ~ FIRST TIME SINCE {JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|CHRISTMAS|LAST YEAR|SPRING|SUMMER|FALL|WINTER}", "{DO|TAKE|TAKING|DOING|DID|USE|USING|SHOOT} THE DOSE I USED TO",
		"AFTER ~ MONTHS|YEARS|WEEKS|REHAB|DETOX|JAIL|PRISON|LOCKUP ~ CLEAN|SOBER|OFF|OUT|INSIDE|AWAY|DRY", "JUST GOT OUT ~ JAIL|PRISON|REHAB|DETOX|TREATMENT|LOCKUP",
		"SAME ~ AMOUNT|DOSE", "OLD ~ DOSE|AMOUNT", "USUAL ~ AMOUNT|DOSE", "HOT SHOT", "BAD BATCH", "LACED", "CARFENT*", "XYLAZINE", "TRANQ",
		"{GOING TO|ABOUT TO} ~ USE|SHOOT|SNORT|SMOKE|DO ~ TONIGHT|NOW|RN|ALONE",
		"{VOY A|VA A} {USAR|METERME|CONSUMIR|INYECTARME|FUMAR} LO MISMO {QUE|Q} ANTES", "^ {I|IVE|I JUST|JUST|} {DOUBLED|TRIPLED|DOUBLE DOSED} {MY|UP ON|UP MY} {METHADONE|DOSE|SUBS|SUBOXONE|PILLS|BUPE}",
		"{NODDING|NODDIN} {HARD|OUT|OFF|BAD} ~ {METHADONE|DOSE|SUBS|PILLS|DOUBLED}", "{METHADONE|DOSE|SUBS|DOUBLED} ~ {NODDING|NODDIN} {HARD|OUT|OFF|BAD}",
		"{HAD|TOOK|POPPED|TAKING|DID|DOING} {A|SOME|MY|TWO|} {XANAX|BAR|BARS|BENZO|BENZOS|KLONOPIN|VALIUM|ATIVAN} ~ {SINCE STARTING|WHILE ON|ON TOP OF|WITH MY} {SUBS|SUBOXONE|METHADONE|BUPE|DOSE}",
		// Spanish
		"MEZCL*", "COMBINE|COMBINANDO|COMBINAR", "CON ~ ALCOHOL|PISTO|CERVEZA*|TRAGOS ~ Y|CON ~ PASTILLAS|XANAX|FENTA*|CHIVA|HEROINA",
		"SOLO|SOLA|SOLITO|SOLITA ~ USANDO|METIENDO|DROGANDO|INYECTANDO|FUMANDO|CONSUMIENDO|USAR|METERME|DROGARME|INYECTARME|CONSUMIR",
		"USANDO|METIENDOME|DROGANDOME|INYECTANDOME|CONSUMIENDO|USAR|METERME|DROGARME|INYECTARME|CONSUMIR ~ SOLO|SOLA|SOLITO|SOLITA",
		"DESPUES DE ~ MESES|ANOS|SEMANAS ~ LIMPIO|LIMPIA|SOBRIO|SOBRIA|SIN|LIMPIOS", "{USE|CONSUMI|ME METI|FUME|TOME|INYECTE|ME DROGUE|RECAI} ~ PRIMERA VEZ ~ EN|DESDE ~ MESES|ANOS|SEMANAS|REHAB|CARCEL", "PRIMERA VEZ QUE {USO|CONSUMO|ME METO|FUMO|ME DROGO} ~ EN|DESDE", "PRIMERA VEZ {EN|DESDE} ~ {MESES|ANOS|SEMANAS|ANO|REHAB|CARCEL} ~ QUE {CONSUMO|ME DROGO|ME METO|USO|FUMO}",
		"TOLERANCIA", "MISMA ~ CANTIDAD|DOSIS", "RECIEN SALI ~ CARCEL|REHAB|PRISION", "NADIE ~ AQUI|CONMIGO ~ SI|Y",
	),
	wideRules("crisis:plea (broad)", "^ HELP ME $", "^ PLEASE HELP ME $", "^ SOMEONE HELP", "^ SOMEBODY HELP", "HELP ME PLEASE $", "HELP HELP",
		"PLEASE HELP $", "^ AYUDAME $", "^ AYUDA AYUDA", "^ AYUDA PORFAVOR $", "^ AYUDA URGENTE", "AYUDENME", "AUXILIO", "SOCORRO",
		// Not "sos bien necio" (vos sos: you are).
		"^ SOS $", "SOS {PLEASE|PLS|HELP|AYUDA|NEED|NECESITO|SOS}"),
}

var stemCrisisBook = newRuleBook(stemCrisisSets...)

// pastCues put what the text speaks of in the past; presentCues bring it
// back to now ("I tried years ago and I'm there again tonight").
var (
	pastCues = wideRules("past", "{YEAR|YEARS|YR|YRS|MONTH|MONTHS|WEEKS|DECADE|DECADES|LONG TIME|WHILE|LIFETIME} AGO", "LAST YEAR|MONTH|SUMMER|WINTER|SPRING|FALL|CHRISTMAS|JANUARY|DECEMBER", "USED TO",
		"SURVIV*", "ANNIVERSARY", "BACK IN|WHEN", "WHEN I WAS", "AS A KID|TEEN|TEENAGER", "IN HIGH SCHOOL", "YEARS BACK",
		"HACE ~ ANO|ANOS|MESES|TIEMPO|SEMANAS", "ANO PASADO", "CUANDO ERA", "SOBREVIVI*", "YA PASO", "EN EL PASADO", "IN THE PAST")
	presentCues = wideRules("present", "NOW", "RN", "{ABOUT|BOUT} TO", "FIRST TIME SINCE", "URGENT", "URGENTE", "ASAP", "HURRY", "EMERGENCY", "RAPIDO", "QUICK", "TONIGHT", "TODAY", "AGAIN", "ANYMORE", "STILL", "CURRENTLY", "THIS MORNING",
		"AHORA", "AHORITA", "HOY", "ESTA NOCHE", "OTRA VEZ", "DE NUEVO", "TODAVIA", "AUN", "YA NO")
	// lifeToday: a past told against the life of today, with no other
	// word of now: "two years ago today I overdosed in a parking lot.
	// Today I'm a peer coach", "hace dos años tuve una sobredosis. Hoy
	// trabajo ayudando a otros". A "today" that opens how the person is
	// now (todayState) must open the good life (lifeGood): "a year ago
	// today I overdosed. Today I have the pills in my hand" is now
	// (lifeTodayOnly).
	lifeToday  = wideRules("life today", "{YEARS|YEAR|YR|YRS|MONTHS|MONTH} AGO TODAY", "THIS DAY LAST YEAR", "{ANOS|ANO|MESES} HOY", "TODAY {IM|I AM|I WORK|I HAVE|IVE GOT|I HELP|I CELEBRATE}", "HOY {TRABAJO|SOY|AYUDO|TENGO|ESTOY|CELEBRO}")
	todayState = wideRules("today's state", "TODAY {I|IM|IVE|ID|ILL|IS|FEELS|FELT}", "HOY")
	lifeGood   = wideRules("the good life",
		"TODAY {IM|I AM} {|ACTUALLY|REALLY|SO|FINALLY|STILL|PROUD TO BE} {A|AN} {PEER|COACH|COUNSELOR|SPONSOR|NURSE|MOM|DAD|MOTHER|FATHER|GRANDMA|GRANDPA|HUSBAND|WIFE|STUDENT|GRADUATE|MANAGER|VOLUNTEER|TEACHER|CHEF}",
		"TODAY {IM|I AM} {|ACTUALLY|REALLY|SO|FINALLY|STILL} {CLEAN|SOBER|GRATEFUL|HAPPY|ALIVE|HEALTHY|THRIVING|MARRIED|HELPING|HOPEFUL|BLESSED}",
		"TODAY {IM|I AM} _ {YEARS|YEAR|MONTHS|MONTH|DAYS|WEEKS|YRS} {CLEAN|SOBER}", "TODAY {IM|I AM} {DOING|DO} {GOOD|GREAT|WELL|BETTER}",
		"TODAY {IM|I AM} IN RECOVERY", "TODAY I {WORK|HELP|COACH|COACHED|SPONSOR|MENTOR|VOLUNTEER|CELEBRATE|CELEBRATED|RAN|GRADUATED|HUGGED|STARTED|FINISHED|HELD|WALKED}", "TODAY {IM|I AM} {SAYING HI|CELEBRATING|COACHING|HELPING|WORKING}", "TODAY IS MY ~ {CLEAN DATE|SOBRIETY DATE|SOBER DATE|BIRTHDAY|ANNIVERSARY|RECOVERY}", "TODAY {FEELS|IS} {AMAZING|GREAT|WONDERFUL|BEAUTIFUL}", "HOY CUMPLO ~ {LIMPIO|LIMPIA|SOBRIO|SOBRIA|ANOS|ANO|MESES}",
		"TODAY {I HAVE|IVE GOT|I GOT} ~ {JOB|FAMILY|KIDS|HOME|HOUSE|APARTMENT|CAR|LIFE|PURPOSE|DAUGHTER|SON|WIFE|HUSBAND|DEGREE|SOBRIETY|CAREER}", "TODAY {I HAVE|IVE GOT|I GOT} ~ {YEARS|MONTHS|DAYS|WEEKS|YRS} {$|CLEAN|SOBER|OF SOBRIETY|IN RECOVERY}",
		"HOY ESTOY {|MUY|TAN} {LIMPIO|LIMPIA|SOBRIO|SOBRIA|AGRADECIDO|AGRADECIDA|FELIZ|VIVO|VIVA|SANO|SANA}", "HOY ESTOY BIEN {$|GRACIAS|LIMPIO|LIMPIA|SOBRIO|SOBRIA|FELIZ|GRACIAS A DIOS}", "HOY {TRABAJO|AYUDO|CELEBRO|AYUDANDO|VIVO|ESTUDIO|SIRVO}", "HOY ESTOY CON {MIS|MI} ~ {HIJOS|HIJO|HIJA|HIJAS|FAMILIA|NIETOS|ESPOSA|ESPOSO}",
		"HOY SOY ~ {CONSEJERO|CONSEJERA|MADRE|PADRE|MAMA|PAPA|OTRA|OTRO|FELIZ|ABUELO|ABUELA|ESTUDIANTE|VOLUNTARIO|VOLUNTARIA|PADRINO|MADRINA}",
		"HOY TENGO ~ {TRABAJO|FAMILIA|HIJOS|HIJO|HIJA|CASA|CARRO|ESPOSA|ESPOSO|CARRERA}", "HOY TENGO ~ {ANOS|MESES|DIAS|SEMANAS} {$|LIMPIO|LIMPIA|SOBRIO|SOBRIA|SIN}")
	presentOnly = wideRules("present beyond today", "NOW", "RN", "{ABOUT|BOUT} TO", "URGENT", "URGENTE", "ASAP", "HURRY", "EMERGENCY", "RAPIDO", "TONIGHT", "AGAIN",
		"AHORA", "AHORITA", "ESTA NOCHE", "OTRA VEZ", "DE NUEVO")
	// otherDeath: a death the person speaks of, someone else's and past:
	// "my brother died of an overdose" is grief, not an emergency.
	otherDeath = wideRules("other death", "DIED", "PASSED AWAY", "PASSED", "FUNERAL", "RIP", "MEMORIAL", "LOST MY|HIS|HER|OUR", "IN MEMORY",
		"MURIO", "FALLECIO", "FALLECIDO", "FALLECIDA", "VELORIO", "FUNERAL", "PERDI A", "DESCANSE EN PAZ", "NEWS", "ARTICLE",
		"MOVIE", "SHOW", "SONG", "BOOK", "PODCAST", "DOCUMENTARY", "EPISODE", "NOTICIAS", "PELICULA", "CANCION", "SERIE",
		"STATISTICS", "CLASS", "HOMEWORK", "ESSAY", "TRAINING")
	// infoQuestion opens a clause asking about a subject, not a person:
	// "what are the signs of an overdose", "can you overdose on subs".
	infoQuestion = wideRules("question", "^ WHAT|HOW|WHERE|WHICH|WHY", "^ CAN|COULD {YOU|SOMEONE|A PERSON|PEOPLE}", "^ IS IT|THERE", "^ DOES|DO|ARE",
		"^ QUE|COMO|DONDE|CUALES|CUAL", "^ SE PUEDE", "SIGNS OF", "SIGNOS|SENALES DE")
)

// lifeTodayOnly: the text's words of now are a past told against the life
// of today (lifeToday), and no "today" or "hoy" opens a state of now other
// than the good life.
func lifeTodayOnly(toks []string) bool {
	if !lifeToday.matches(toks) || presentOnly.matches(toks) {
		return false
	}
	good := map[int]bool{}
	lifeGood.each(toks, func(i int) bool {
		good[i] = true
		return false
	})
	return !todayState.each(toks, func(i int) bool { return !good[i] && !agoWords[at(toks, i-1)] }) // "two years ago today I overdosed"
}

// agoWords before "today" or "hoy" make it the anniversary's.
var agoWords = newSet("AGO", "ANOS", "ANO", "MESES", "YEAR")

// goodToday: a past told against a good life today ("a year ago today I
// overdosed in a gas station bathroom. today I coached my son's game").
func (st *stemText) goodToday() bool {
	return pastCues.matches(st.toks) && lifeGood.matches(st.toks) && lifeTodayOnly(st.toks)
}

// mentionOnly are the lexicon's bare words (overdose, OD, sobredosis,
// suicide): said of someone's past death, a film or a question about them,
// they are not danger now.
var mentionOnly = newSet("DIE", "DYING", "DEAD", "DEATH", "MUERTE", "MORIR", "MUERA", "MUERTO", "MUERTA", "OVERDOSE", "OVERDOSED", "OVERDOSES", "OVERDOSING", "OD", "ODED", "ODING", "ODS", "ODIN", "ODD", "ODDED",
	"SOBREDOSIS", "SUICIDE", "SUICIDES", "SUICIDIO", "EMERGENCY", "911", "AMBULANCE", "EMERGENCIA", "AMBULANCIA",
	"NARCAN", "NALOXONE", "NALOXONA", "TOLERANCE", "TOLERANCIA", "LACED", "XYLAZINE", "TRANQ", "SEIZURE", "SEIZURES",
	"ATAQUE", "RAZOR", "BLADE", "CARTA", "CARTAS", "MEZCLE", "MEZCLAR", "MEZCLA", "LIMP", "FOAM", "GOODBYE", "DESMAYO")

// crisis returns the stem lexicons' crisis rule, or "", and whether the
// text speaks of despair that was not taken as a crisis (denied, or past).
func (st *stemText) crisis() (rule string, distress bool) {
	toks := st.toks
	past := pastCues.matches(toks) && (!presentCues.matches(toks) || lifeTodayOnly(toks))
	grief := otherDeath.matches(toks)
	if !past && !grief {
		if r := st.combination(); r != "" {
			return r, distress
		}
	}
	over := -1 // overdoseOver(st.clauses), read at most once
	rule = stemCrisisBook.first(toks, func(i int) bool {
		if deniedAt(toks, i) {
			distress = true
			return false
		}
		if past {
			distress = true
			return false
		}
		if toks[i] == "LAST" && ownedLast[at(toks, i-1)] {
			return false // "the link in your last text"
		}
		if mentionOnly[toks[i]] {
			if grief || questionAt(toks, i) {
				return false
			}
			if over < 0 {
				over = 0
				if overdoseOver(st.clauses) {
					over = 1
				}
			}
			if over == 1 {
				return false // "mom is in the hospital after an OD but shes stable now"
			}
		}
		return true
	})
	return rule, distress
}

// deniedAt: a denial stands before i, perhaps across the words of intent
// between: "not suicidal", "I'm not going to kill myself", "I would never
// hurt myself", "no me quiero morir".
func deniedAt(toks []string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		switch toks[k] {
		case "NOT", "NO", "NEVER", "NUNCA", "NI", "AINT", "ISNT", "WOULDNT", "WONT", "JAMAS":
			return true
		case "ME", "TE", "SE", "LO", "LA", "QUIERO", "QUIERE", "VOY", "VA", "A", "GOING", "TO", "WANT", "TRYING",
			"PLANNING", "THINKING", "ABOUT", "ESTOY", "PIENSO", "PENSANDO", "EN", "I", "IM", "AM", "WOULD", "EVER", "BE",
			"GONNA", "PLAN", "PLANS", "INTENTION", "INTENTIONS", "URGE", "DESIRE", "OF":
			continue
		}
		return false
	}
	return false
}

var (
	spanishTake = newSet("TOME", "TOMO", "TRAGUE", "TRAGO", "METI", "INYECTE", "TOMARME", "TOMAR", "ECHE", "AVENTE", "POPPED")
	aloneNow    = wideRules("alone", "{NO ONE|NOBODY|NOONE} {|ELSE} {HERE|AROUND|HOME|WITH ME}", "NADIE ~ {AQUI|CONMIGO|EN CASA}")
)

// combination: drinking with opioids, benzos or pills, or using alone, said
// of now: "drank a lot and took my meds", "trying it alone".
func (st *stemText) combination() string {
	drink, downer, use, alone := false, false, false, false
	benzo, opioid := false, false
	for i, t := range st.toks {
		drink = drink || drinkWords[t] || strings.HasPrefix(t, "DRINK") || strings.HasPrefix(t, "DRUNK") || t == "VODKA" ||
			t == "HENNY" || t == "SHOTS" || t == "FIFTH"
		benzo = benzo || benzos[t] || strings.HasPrefix(t, "BENZO")
		opioid = opioid || opioids[t] || strings.HasPrefix(t, "FENT") || strings.HasPrefix(t, "OXY") || strings.HasPrefix(t, "PERC") ||
			t == "H" && (at(st.toks, i-1) == "SOME" || at(st.toks, i-1) == "OF" || at(st.toks, i-1) == "DID")
		downer = downer || downers[t] || t == "PILLS" || t == "MEDS" || strings.HasPrefix(t, "FENT") || strings.HasPrefix(t, "BENZO")
		use = use || useWords[t] && !((t == "DOING" || t == "TRYING") && notUseObjects[at(st.toks, i+1)]) || t == "COPPED" || t == "SHOOTING" || t == "FIX"
		alone = alone || t == "ALONE" || t == "SOLO" && at(st.toks, i-1) != "NO" || t == "SOLA" || t == "SOLITO" || t == "SOLITA" ||
			t == "MYSELF" && at(st.toks, i-1) == "BY"
	}
	if len(st.toks) == 0 {
		return ""
	}
	if drink && (downer || opioid) || benzo && opioid {
		return "crisis:dangerous use (broad)"
	}
	if st.lostTolerance() {
		return "crisis:lost tolerance (broad)"
	}
	for i, t := range st.toks {
		if takeVerbs[t] || spanishTake[t] || t == "ME" && countedDrug(st.toks, i) {
			if tookCount(st.toks, i) {
				return "crisis:overdose (broad)"
			}
		}
	}
	alone = alone || aloneNow.matches(st.toks)
	if alone && (use || downer) {
		return "crisis:dangerous use (broad)"
	}
	onMyOwn := hasPhrase(st.toks, []string{"ON", "MY", "OWN"}) && (slices.Contains(st.toks, "DETOX") || slices.Contains(st.toks, "DETOXING")) &&
		!slices.ContainsFunc(st.toks, func(t string) bool { return milderHabits[t] })
	if (alone && (drink || benzo || opioid) || onMyOwn) && withdrawing(st.toks) {
		// "day 2 no alcohol alone at home, shaking like crazy": alcohol
		// or benzo withdrawal alone can kill.
		return "crisis:dangerous use (broad)"
	}
	return ""
}

// withdrawing: the text speaks of what withdrawal does to a body, not
// "shaking my head".
func withdrawing(toks []string) bool {
	for i, t := range toks {
		if withdrawalSigns[t] && at(toks, i+1) != "MY" && at(toks, i+1) != "HIS" && at(toks, i+1) != "HER" && at(toks, i+1) != "HEAD" {
			return true
		}
	}
	return false
}

// isDrugWord: a substance or a word of use ("the pills, the drinking").
func isDrugWord(t string) bool {
	return substances[t] || drinkWords[t] || downers[t] || t == "DRINKING" || t == "USING"
}

// milderHabits are what a detox on one's own is not dangerous from.
var milderHabits = newSet("WEED", "CIGS", "CIGARETTES", "NICOTINE", "CAFFEINE", "COFFEE", "VAPE", "VAPING", "SUGAR", "SODA", "SMOKING", "POT", "SOCIAL")

// withdrawalSigns are what withdrawal does to a body.
var withdrawalSigns = newSet("SHAKING", "SHAKES", "SHAKY", "TREMORS", "SEIZURE", "SEIZURES", "DTS", "SHIVERING", "HALLUCINATING", "TEMBLANDO", "TEMBLORES", "CONVULSIONES")

var (
	// benzos and opioids together are a dangerous mix: "took valium with
	// my oxy", "tome klonopin y voy a usar heroina".
	benzos = newSet("XANAX", "XANS", "XANNIES", "XANNY", "XANIES", "XANAS", "BARS", "KLONOPIN", "KPINS", "VALIUM", "CLONAZEPAM", "RIVOTRIL",
		"ATIVAN", "ALPRAZOLAM", "DIAZEPAM")
	opioids = newSet("FETTY", "HEROIN", "HEROINA", "DOPE", "METHADONE", "METADONA", "MORPHINE", "MORFINA", "CHIVA", "M30",
		"M30S", "BLUES", "ROXYS", "TRAMADOL", "LEAN", "OXICODONA", "OPIOIDS", "OPIOIDES", "NORCO", "VICODIN")
	// released: out of jail, treatment or a hospital, where tolerance was
	// lost. usingNow: using, or about to.
	released = anyOf("GOT|GETTING|JUST|CAME|WALKED|BROKE ~ OUT|OFF", "RELEASED", "DISCHARGED", "LET OUT", "SALGO", "ALTA",
		"SALI|SALIO|SALIENDO|SALIR", "ACABO DE SALIR", "DIERON DE ALTA", "ESTABA ENCERRADO|ENCERRADA", "BEEN IN ~ HOSPITAL|JAIL|REHAB|DETOX")
	institutions = newSet("JAIL", "PRISON", "PEN", "COUNTY", "DETOX", "REHAB", "PROGRAM", "HOSPITAL", "TREATMENT", "PROGRAMA", "LOCKED", "ALTA", "DISCHARGED", "RELEASED",
		"LOCKUP", "VIVITROL", "CARCEL", "CENTRO", "TRATAMIENTO", "PRISION", "BOTE", "ENCERRADO", "ENCERRADA")
	usingNow = anyOf("ABOUT|GONNA|GOING ~ USE|SHOOT|DO", "GET HIGH", "ALREADY ~ COPPED|HIGH|USING|USED", "ALREADY GOT SOME",
		"COPPED", "NODDING", "IM|HES|SHES|THEYRE USING", "ROOM USING", "FIRST TIME USING", "DO MY USUAL",
		"VOY A ~ USAR|METER|CELEBRAR", "YA COMPRE", "YA ME ~ INYECTE|METI", "YA ESTOY CON", "YA TENGO LA BOLSA",
		"HAD|GOT|SCORED|BOUGHT ~ DOPE|BAG|FENT|HEROIN|RIG", "COOKED|COOKING IT", "SHOOTING UP", "FIRST HIT|SHOT|BAG|LINE",
		"WHAT I USED TO ~ DO|USE|TAKE|SHOOT", "HOW MUCH I USED TO", "SAME|USUAL|OLD ~ AMOUNT|DOSE", "WITH A RIG", "IM HOLDING",
		"ESTOY|ESTA|ESTAN ~ USING|USANDO|INYECTANDO|INYECTANDOME|METIENDO", "ME ESTOY ~ INYECTANDO|METIENDO", "METERME",
		"LO PRIMERO ~ METER*|USAR|PISTEAR|DROGAR*",
		"BOUT TO ~ SHOOT|USE|DO|COP", "I BOUGHT $", "YA TENGO FENTA|FENTY|FENT|CHIVA", "YA TENGO LA|MI BOLSA", "VA A USAR", "HOY USE", "ME VOY A PONER",
		"DOSIS DE SIEMPRE", "LO MISMO DE SIEMPRE", "ENCONTRAR|ENCONTRE|ENCONTRADO USANDO", "WRAPPER", "COMPRE ~ DE SIEMPRE", "^ PICKED UP $", "CONSEGUI FENTA|FENTY|CHIVA|FENT", "ME PIQUE", "YA USE", "USE OTRA VEZ",
		"SE METIO HEROINA|FENTA|CHIVA|FENTANILO", "VOLVI A ~ USAR|PASTILLAS|HEROINA|FENTA|FENTANILO|CHIVA|METERME|CONSUMIR|INYECTARME",
		"USO|USA|USE|CONSUMIO|CONSUMI OTRA VEZ", "YA USO|USE|CONSUMIO|CONSUMI", "ME INYECTE", "LO MISMO QUE USABA", "ANDA|ANDO USANDO", "RECAI CON", "ACABO DE USAR|INYECTARME|METERME", "ME METI DE NUEVO|OTRA", "ME FUME ~ FENTY|FENTA|PASTILLA|PASTILLAS|CHIVA")
	usingNowWide = anyOfWide("PRIMERA VEZ {QUE|Q} {USO|USE|ME METO|ME METI|CONSUMO|CONSUMI} ~ DESDE")
	// abstinent: a stretch without use, after which the old dose can kill
	// as surely as after jail: "6 months clean and im sitting in my car
	// with a rig", "been sober 6 months but got a bag tonight".
	abstinent = anyOf("CLEAN|SOBER ~ DAYS|WEEKS|MONTHS|YEARS|SINCE", "OFF IT ~ DAYS|WEEKS|MONTHS|YEARS|SINCE", "DAYS|WEEKS|MONTHS|YEARS|YRS|MOS ~ CLEAN|SOBER|OFF",
		"STOPPED ~ SUBS|SUBOXONE|METHADONE|VIVITROL", "LIMPIO|LIMPIA|SOBRIO|SOBRIA ~ DIAS|SEMANAS|MESES|ANOS",
		"DIAS|SEMANAS|MESES|ANOS|ANO|MES ~ LIMPIO|LIMPIA|SOBRIO|SOBRIA|SIN USAR", "YA NO USABA", "LLEVABA|TENIA ~ DIAS|SEMANAS|MESES|ANOS SIN",
		"TRAS|DESPUES ~ DIAS|SEMANAS|MESES|ANOS SIN", "HAVENT|HADNT USED|DRANK|SHOT|TOUCHED ~ SINCE")
)

// lostTolerance: using, or about to, on release from jail, treatment or a
// hospital, when the body no longer tolerates the old dose: "just got out
// of jail today and im about to use", "sali del tratamiento ayer y ya me
// inyecte".
func (st *stemText) lostTolerance() bool {
	place := false
	for _, t := range st.toks {
		place = place || institutions[t]
	}
	if !(place && anyPattern(released, st.toks)) && !anyPattern(abstinent, st.toks) {
		return false
	}
	for _, p := range append(usingNow.all[:len(usingNow.all):len(usingNow.all)], usingNowWide.all...) {
		if i := p.find(st.toks); i >= 0 && !deniedAt(st.toks, i) {
			return true
		}
	}
	return false
}

// rulesOwn: the text speaks of something the rules have a reading of their
// own for, or the rules read distress in it: an amount taken ("I took all
// my meds today", "took a lot of time off"), release from jail or
// treatment ("got out of rehab and got some sleep"), naloxone ("where can
// I get naloxone?"), a weapon ("my dad has a gun"), despair that is not
// clearly a crisis ("I'm so tired of fighting this": a person reads it), an
// everyday jump ("going to jump in the shower"), an end to a drug ("no
// mas blues para mi") or blame for someone else's relapse.
// Where no rule reads a crisis in such a text, the model (classifyText)
// does not either: these are the look-alikes a reader of words confuses
// most, and the rules were written for them.
func (st *stemText) rulesOwn(distress bool) bool {
	if distress || st.errand || quitsADrug.matches(st.toks) || othersRelapse.matches(st.toks) || len(st.clauses) == 1 && (callMe.matches(st.toks) || missedVisit.matches(st.toks)) || notEmergency.matches(st.toks) && !presentOnly.matches(st.toks) && !unreachable.matches(st.toks) {
		return true
	}
	place := false
	for i, t := range st.toks {
		place = place || institutions[t]
		if ruledWords[t] || t == "ODD" && oddSaid[at(st.toks, i-1)] {
			// "that's odd", "kinda odd": the word odd, not OD'd
			return true
		}
		if takeVerbs[t] {
			for _, a := range amounts {
				if hasPhrase(st.toks[i+1:min(len(st.toks), i+1+len(a))], a) {
					return true
				}
			}
		}
	}
	return place && anyPattern(released, st.toks)
}

// notEmergency: the writer says it is none ("not an emergency, just
// worried about my brother"): the rules read what danger it tells.
// unreachable: someone not heard from.
var (
	notEmergency = wideRules("not an emergency", "{NOT|NO} {AN|ES UNA|} {EMERGENCY|EMERGENCIA}", "NOTHING URGENT", "NADA URGENTE")
	unreachable  = wideRules("unreachable", "{HAVENT|HASNT|NOT} {HEARD FROM|ANSWERING|ANSWERED|PICKING UP|RESPONDING}", "{ISNT|WONT|NOT} {ANSWERING|ANSWER|PICKING UP|RESPONDING}", "NO {CONTESTA|RESPONDE|SE NADA DE|HE SABIDO}")
)

// missedVisit: a group, an appointment or a session missed or moved
// ("CANCEL thursday please I cant make group"): the rules' to read.
var missedVisit = wideRules("missed visit",
	"{CANT|CAN NOT|CANNOT|WONT|COULDNT|NOT GONNA|NOT GOING TO} {MAKE|MAKE IT TO|COME TO|GO TO|GET TO} {GROUP|THE GROUP|MY APPOINTMENT|THE APPOINTMENT|MY APPT|THE MEETING|MY SESSION|SESSION|CLASS}",
	"RESCHEDULE", "REAGENDAR", "NO PUEDO {IR A|LLEGAR A} {LA CITA|EL GRUPO|LA JUNTA|MI CITA|LA SESION}")

// deniesUse: the writer, or the person whose phone it is, never used or
// needed treatment. stillRecovering: unless the text speaks of their own
// recovery too ("i dont use anymore", "clean", "cravings").
var (
	deniesUse = wideRules("denies use", "{NEVER|DONT|DOESNT|DO NOT|DOES NOT|DIDNT|NEVA} {|EVEN|EVER} {USE|USED|DO|DID|DRINK|DRANK|SMOKE|SMOKED|TOUCHED|TRIED|NEEDED|TAKE|TOOK} {DRUGS|ANYTHING|WEED|ALCOHOL|REHAB|NOTHING|A THING|PILLS|DRUG|TREATMENT|$}",
		"{NOT|NEVER} {AN ADDICT|A USER|A DRUG USER|IN RECOVERY|BEEN TO REHAB|BEEN IN REHAB|BEEN IN TREATMENT|BEEN AN ADDICT}",
		"{DONT|DOESNT|DO NOT|DOES NOT} HAVE {AN|A} {ADDICTION|DRUG PROBLEM|PROBLEM}", "NO {SOY|ES|SON} {ADICTO|ADICTA|DROGADICTO|DROGADICTA|ADICTOS}",
		"NO {CONSUMO|CONSUME|USO|USA|FUMO|FUMA} {NADA|DROGAS|$}", "NUNCA {HE|HA} {USADO|CONSUMIDO|PROBADO|TOMADO}", "NEVER BEEN TO {REHAB|TREATMENT|DETOX}")
	stillRecovering = wideRules("still recovering", "ANYMORE", "NO MORE", "CLEAN", "SOBER", "RELAPS*", "CRAVING*", "RECAI*", "YA NO", "LIMPIO", "LIMPIA", "SINCE", "DESDE")
)

// tagalog words beside "na" make it Tagalog.
var tagalog = newSet("PO", "AKO", "KO", "KAYO", "TAMA", "AYOKO", "PAGOD", "GUSTO", "MABUHAY", "MAMATAY", "MAGPAPAKAMATAY", "SALAMAT", "PAKI", "WAG", "HUWAG", "NYO", "NIYO", "SARILI")

// tagalogVerb makes the English word after it a Tagalog verb: "ma stop",
// "mag stop" ("to stop", said of oneself).
var tagalogVerb = newSet("MA", "MAG", "MAKA", "MAKAPAG", "NAG")

// politePo may come before the Tagalog courtesy "po".
var politePo = newSet("NA", "STOP", "PLEASE", "CANCEL", "YOU", "THANKS", "NEED", "SALAMAT", "SORRY", "REMOVE")

// everydayJump blanks JUMP in "jump in the shower": a figure the model,
// which reads words, would take for a plan.
const everydayJump = "_JUMP"

// quitsADrug: the text ends something for the person, not their life: "no
// mas blues para mi", "no more percs for me".
// callMe: a call asked for, and nothing more ("can someone call me"): a
// person answers it in the conversation; the model read it as "someone
// call 911".
var callMe = wideRules("call me", "^ {CAN|COULD|WILL|WOULD} {SOMEONE|SOMEBODY|YOU|YALL|A PERSON|ANYONE} {PLEASE|} {CALL|PHONE|RING} ME {|BACK|TODAY|TOMORROW|LATER|PLEASE} $",
	"^ {PLEASE|} {CALL|PHONE|RING} ME {|BACK|TODAY|TOMORROW|LATER|PLEASE|WHEN YOU CAN} $")

// othersRelapse: fault or blame for someone else's use ("it isnt Kevins
// fault he relapsed"), which the model, having learnt "it wasnt her fault"
// from farewells, would read as one.
var othersRelapse = wideRules("others relapse", "{ISNT|NOT|WASNT|AINT|HER|HIS|THEIR} ~ FAULT {HE|SHE|THEY} {RELAPSED|USED|USES|DRANK|DRINKS|STARTED|PICKED UP|WENT BACK}")

var quitsADrug = wideRules("quits a drug", "{NO MAS|NO MORE} ~ {PARA MI|FOR ME|PA MI} $")

var ruledWords = newSet("NALOXONE", "NARCAN", "NALOXONA", "NARCAM", "GUN", "GUNS", "PISTOL", "RIFLE", "SHOTGUN",
	"FIREARM", "PISTOLA", "ARMA", "REVOLVER",
	// "I just want the voices to stop": the rules send it to a person.
	"VOICES", "VOCES")

// questionAt: the clause holding i asks about something in general.
func questionAt(toks []string, i int) bool {
	s := i
	for s > 0 && toks[s-1] != "" {
		s--
	}
	e := i
	for e < len(toks) && toks[e] != "" {
		e++
	}
	c := toks[s:min(e+1, len(toks))]
	if presentCues.matches(c) {
		return false
	}
	for _, t := range c {
		switch t {
		case "HE", "SHE", "HES", "SHES", "HIM", "HER", "MY", "IM", "THEYRE", "MI", "ESTA":
			return false
		}
	}
	return infoQuestion.matches(c)
}

func anyPattern(ps ruleSet, toks []string) bool { return ps.matches(toks) }

// --- opt-out ---

var (
	// ourNouns are the texts, the list, the subscription.
	ourNouns = newSet("TEXT", "TEXTS", "MESSAGE", "MESSAGES", "SMS", "NOTIFICATIONS", "NOTIFICATION", "ALERTS",
		"REMINDERS", "SUBSCRIPTION", "LIST", "TEXTMESSAGES", "MENSAJE", "MENSAJES", "TEXTOS", "LISTA", "SUSCRIPCION", "SUBSCRIPCION",
		"MSGS", "TXTS", "TXT", "MSJ", "MSJS", "MESAGES", "MESSEGES", "NOTIFICACIONES", "RECORDATORIOS", "AVISOS")
	// ourGerunds are us texting the person.
	ourGerunds = newSet("TEXTING", "MESSAGING", "CONTACTING", "SPAMMING", "SENDING", "BOTHERING", "HARASSING", "BUGGING",
		"CALLING", "BLOWING", "HITTING", "TEXTEANDO", "MANDANDO", "ESCRIBIENDO", "ENVIANDO", "MOLESTANDO", "LLAMANDO",
		"MSGIN", "MSGN", "MSGING", "TXTN", "TXTIN", "TXTING", "TEXTN", "TEXTIN", "MESSAGIN", "SENDIN")
	// stemStopVerbs end something; the object decides what.
	stemStopVerbs = newSet("STOP", "STP", "STOPALL", "QUIT", "CEASE", "END", "CANCEL", "HALT", "PAUSE", "DISABLE", "STAHP",
		"REMOVE", "DELETE", "ERASE", "UNENROLL", "DROP", "UNFOLLOW", "BLOCK", "KILL", "TURN", "SHUT", "LOSE", "FORGET", "TRASH",
		"PARA", "PARAR", "PAREN", "PARE", "ALTO", "BASTA", "CANCELA", "CANCELAR", "CANCELEN", "CANCELE", "SUSPENDE",
		"SUSPENDAN", "QUITA", "QUITEN", "SACA", "SAQUEN", "BORRA", "BORREN", "ELIMINA", "ELIMINEN", "DETENGAN", "TERMINEN")
	// stemBridge may stand between a stop verb and the texts: "stop
	// sending me all these damn texts", "cancel the reminders".
	stemBridge = union(bridge, newSet("WHATEVER", "W", "GETTING", "RECEIVING", "SENDING", "ALL", "THOSE", "UR", "YALLS", "STUPID",
		"ANNOYING", "CONSTANT", "RANDOM", "WEEKLY", "DAILY", "EVERYDAY", "MOTIVATIONAL", "REMINDER", "TEXT", "PLEASE",
		"LOS", "LAS", "SUS", "ESTOS", "ESTAS", "TODOS", "TODAS", "MIS", "ME", "DE", "WITH", "RECOVERY", "INSPIRATIONAL"))
	// stemFillers may surround a bare stop: "omg just STOP already", "stop it wtf".
	stemFillers = union(fillers, newSet("BOT", "BOTS", "ROBOT", "ROBOTS", "WTF", "FFS", "JESUS", "CHRIST", "LORD", "SMH", "UGH", "YO", "FOR", "REAL",
		"FR", "ANYMORE", "EVER", "MORE", "WITH", "THAT", "THE", "NONSENSE", "SHIT", "CRAP", "BS", "BULLSHIT",
		"JUNK", "STUFF", "FUCK", "HELL", "GEEZ", "JEEZ", "STOP", "ENOUGH", "IS", "NO", "NOPE", "NAH", "LADY",
		"SIR", "YALL", "GUYS", "PEOPLE", "DUDE", "OH", "MY", "WHOEVER", "ARE", "BUDDY", "PAL", "STOPPP",
		"POR", "FAVOR", "YA", "OIGA", "OIGAN", "GRACIAS", "SENOR", "SENORA", "OYE", "OK", "VALE", "BUENO",
		"I", "SAID", "SAY", "TOLD", "YOU", "ASKED", "TO", "DIJE", "QUE", "KINDLY"))
	// bareStops end the texts said on their own, as a whole clause.
	bareStops = newSet("STOP", "STOPALL", "QUIT", "CEASE", "END", "CANCEL", "HALT", "STAHP", "UNSUBSCRIBE",
		"PARA", "PARAR", "PAREN", "PARE", "ALTO", "BASTA", "CANCELA", "CANCELAR", "CANCELEN", "FIN", "SALIR", "BAJA",
		"DETENGAN", "UNSUB", "OPTOUT", "UNFOLLOW")
	// recoveryWords are drugs, use, habits, feelings and treatment: a text
	// with one of them stops the texts only when it names them.
	recoveryWords = newSet("POISON", "KIT", "DABS", "DABBING", "USING", "USE", "DRUG", "DRUGS", "DRINK", "DRINKING", "DRANK", "DRUNK", "ALCOHOL",
		"BOOZE", "BEER", "BEERS", "WINE", "LIQUOR", "VODKA", "SMOKE", "SMOKING", "VAPE", "VAPING", "WEED", "POT",
		"MARIJUANA", "METH", "ICE", "COKE", "COCAINE", "CRACK", "HEROIN", "DOPE", "FENT", "FENTANYL", "PILL", "PILLS",
		"OXY", "OXYS", "PERCS", "XANAX", "XANS", "XANNIES", "XANNY", "BARS", "BENZOS", "OPIOIDS", "OPIATES", "SUBS", "SUBOXONE", "SUBUTEX", "ZUBSOLV",
		"METHADONE", "CRAVINGS", "CRAVING", "CRAVE", "URGE", "URGES", "RELAPSE", "RELAPSED", "RELAPSING", "SOBER",
		"SOBRIETY", "CLEAN", "ADDICTION", "ADDICTED", "ADDICT", "HABIT", "HIGH", "GAMBLING", "DEALER", "PLUG",
		"DEALERS", "PLUGS", "TRIGGER", "TRIGGERS", "CRYSTAL", "VENDE", "VENDIA", "VENDEDOR", "JALE", "USABA",
		"SHOOTING", "SNORTING", "WITHDRAWAL", "WITHDRAWALS", "DETOX", "REHAB", "TREATMENT", "COURT", "PROBATION",
		"PAROLE", "JUDGE", "PAIN", "ANXIETY", "VOICES", "THOUGHTS", "CRYING", "FEELING", "FEELINGS", "SHAKES",
		"DOPESICK", "SICK", "TEMBLORES", "SUDORES", "SWEATS", "NIGHTMARES", "PUKING", "MEDS", "MEDICATION", "NICOTINE", "CIGARETTES", "CIGS", "KRATOM", "ME", "GABAPENTIN", "GABAS", "LYRICA", "ABUSING",
		"DROGA", "DROGAS", "USAR", "USANDO", "CONSUMIR", "CONSUMO", "CONSUMIENDO", "TOMAR", "TOMANDO", "BEBER",
		"BEBIENDO", "CHUPAR", "PISTEAR", "CERVEZA", "CERVEZAS", "PASTILLA", "PASTILLAS", "FUMAR", "FUMANDO", "MOTA",
		"PERICO", "COCA", "COCAINA", "POLVO", "STASH", "PROBAR", "MARIHUANA", "METANFETAMINA", "CRICO", "CRISTAL", "PIEDRA", "HEROINA", "CHIVA", "FENTA", "FENTANILO", "VICIO", "VICIOS",
		"GANAS", "ANTOJO", "ANTOJOS", "RECAI", "RECAIDA", "SOBRIO", "SOBRIA", "LIMPIO", "LIMPIA", "ADICCION",
		"ADICTO", "ADICTA", "TRATAMIENTO", "REHABILITACION", "ANSIEDAD", "DOLOR", "METADONA", "TOMARME",
		"MEETING", "MEETINGS", "AA", "NA", "SPONSOR", "STEPS", "THERAPY", "THERAPIST", "COUNSELOR", "DOCTOR", "CLINIC",
		"VIVITROL", "SUBLOCADE", "NALTREXONE", "BUPRENORPHINE", "PO", "CASE", "CHARGES", "DUI", "CPS", "CUSTODY",
		"JUNTAS", "PADRINO", "MADRINA", "TERAPIA", "CONSEJERO", "CONSEJERA", "DOCTORA", "CLINICA", "GRUPO",
		"CONNECT", "CONNECTS", "PERKYS", "PERKY", "ROMO", "PISTO", "CHELA", "CHELAS", "GUARO", "TEQUILA", "DOSIS",
		"BOTELLA", "BOTELLAS", "BOTTLE", "BOTTLES", "TOMADO", "TOMADA", "BORRACHO", "BORRACHA", "LIQUOR", "BAR", "BARS", "BLUES", "CHEVES", "CHEVE", "TOMO", "USA", "USAN",
		"BAZUCO", "BASUCO", "PERICAZO", "PERICAZOS", "MERCANCIA", "MERCA", "BRAIN")
	// selfStop makes the stopping the person's own: "I need to stop", "help
	// me quit", "how do I stop", "quiero dejar de".
	selfStop = wideRules("self", "I|IM|ID|ILL|IVE|WE|HE|SHE|THEY|CANT|DONT|NEED|NEEDS|WANT|WANTS|TRYING|TRY|GOTTA|MUST|SHOULD|GOING|HOW|HELP|WILL|WONT|CAN ~ TO|ME|NOT|NEVER ~ STOP|QUIT|END|CANCEL",
		"STOP|QUIT ~ ME $", "^ {PLEASE|} STOP ME {NOW|PLEASE|RN|ASAP}", "MAKE IT|THIS|THEM ~ STOP", "I|IM|WE|ID QUIT|STOP|STOPPED|QUITTING|STOPPING", "DEJAR DE", "DEJE DE", "QUIERO PARAR", "PARAR DE", "AYUDAME A")
	// toldUs: "I told you to stop", "I said stop": asked of us before.
	toldUs             = wideRules("told us", "{TOLD|ASKED} {YOU|YALL|U}", "SAID STOP", "DIJE QUE")
	stemRevocationSets = []ruleSet{
		wideRules("revocation:unsubscribe (broad)", "UNSUB*", "OPTOUT $", "OPTOUT OF ~ THIS|THESE|TEXT*|MESSAG*|LIST|IT|ALL",
			"OPT ME OUT", "OPT ME OUTTA", "OPT* OUT", "STOPALL", "DESUSCRIB*", "DESINSCRIB*", "DESAFILI*", "DE BAJA", "BAJA $", "^ BAJA",
			"CANCELAR ~ SUSCRIPCION|MENSAJES|ESTO|TODO|SERVICIO", "CANCELAR $", "REVOK* ~ CONSENT|PERMISSION|AUTHORIZATION|SUBSCRIPTION"),
		wideRules("revocation:complaint (broad)", "SPAM*", "SCAM*", "FCC", "TCPA", "FTC", "7726", "{DO NOT|DONT} CALL|TEXT LIST", "DNC",
			"SUE|SUING YOU|YALL|YA|YOUR", "LAWSUIT", "CEASE", "HARASS*",
			"REPORT*|REPORTING|REPORTED ~ YOU|THIS|SPAM|NUMBER|FCC|7726|CARRIER|AUTHORITIES|YALL|ATT|VERIZON|TMOBILE",
			"BLOCK*|BLOCKING|BLOCKED ~ YOU|THIS|YALL|THESE|YOUR", "BLOCK*|BLOCKING|BLOCKED {THE|THAT|} NUMBER {$|NOW|TODAY|ASAP|IF|UNLESS|LOL|RN}", "BLOCK*|BLOCKING|BLOCKED {YALLS|YALL} NUMBER",
			"^ {JUST|PLEASE|PLS|} BLOCK ME {$|PLEASE|PLS|THEN}", "^ BLOCK|BLOCKED|BLOCKING $", "{AND|GETTING|GET|BE|BEEN|BEING|IM|YOURE|UR} BLOCKED $",
			"LAWYER", "ATTORNEY", "ABOGADO", "{LOS|LES} ~ {DEMANDAR|DENUNCIAR|REPORTAR|BLOQUEAR|DEMANDO|DENUNCIO|REPORTO|BLOQUEO}",
			"DEMANDARLOS", "DENUNCIARLOS", "REPORTARLOS", "BLOQUEARLOS", "VOY A REPORTAR*|DENUNCIAR*|DEMANDAR*", "REPORT* ~ ESTE|NUMERO|SPAM",
			"ACOSO", "ACOSANDO", "BLOQUE* {ESTE NUMERO|SU NUMERO|A USTEDES|USTEDES|$}", "BLOQUE* EL NUMERO $", "^ BLOQUE* {$|YA|A USTEDES|ESTE NUMERO}", "TE {BLOQUE*|VOY A BLOQUEAR}", "BLOQUEEN {MI|ESTE} NUMERO", "ESTAFA*"),
		wideRules("revocation:wrong number (broad)", "WRONG ~ NUMBER|PERSON|NUM|GUY|GIRL|PHONE|CELL|NUMBR|NUMBE|NUMERO", "WRING NUMBER", "NOT THIS PERSON",
			"{NO ONE|NOBODY|NOONE} ~ {BY THAT NAME|NAMED|HERE BY}", "DONT KNOW {WHO YOU|WHO U|WHO THIS|WHO YALL|YOU|YALL|ANYONE NAMED|ANYONE BY|ANY}",
			"WHO {IS THIS|DIS|THIS IS|ARE YOU|R YOU|ARE YALL|IS THAT}", "^ WHO THIS", "WHO THE ~ IS|ARE|THIS",
			"HOW|WHERE|WHY {DID|D} {YOU|U|YALL} GET {MY|THIS} NUMBER|INFO|#|CELL", "WHO ~ GAVE|SOLD ~ {YOU|U|YALL} ~ NUMBER|INFO|#", "WHO {IS|} {GIVE|GIVES} {YOU|U} MY NUMBER $",
			"{NEVER|DIDNT|NOT} ~ {SIGNED UP|SIGN UP|SUBSCRIBED|SUBSCRIBE|OPTED IN|REGISTERED|ENROLLED|AGREED TO|CONSENTED}", "NEW NUMBER", "NOT MY PHONE",
			"{THIS ISNT|THIS IS NOT} ~ PHONE|NUMBER|CELL", "NOT {THE PERSON|WHO} {YOU|U|YOURE|YOUR} ~ {LOOKING|THINK|WANT|TRYING}", "REASSIGNED",
			"NUMBER CHANGED|BELONGS", "{NUMERO|PERSONA} EQUIVOCAD*", "EQUIVOCAD* DE {NUMERO|PERSONA}", "SE EQUIVOCARON",
			"^ QUIEN|QUIENES {ES|ERES|SON|HABLA|ESCRIBE|MANDA} ~ {$|ESTE|ESTO|USTED|USTEDES}", "NO CONOZCO ~ NUMERO|USTEDES|NOMBRE",
			"NO SE QUIEN|QUIENES {SON|ERES|ES ESTE|ES ESTO|ES USTED}", "{NUNCA|NO} ME {INSCRIBI|REGISTRE|SUSCRIBI|APUNTE|ANOTE}",
			"{NO|NUNCA} PEDI ~ {ESTO|ESTOS|MENSAJES|INFORMACION|SUSCRIBIRME}", "NUMERO NUEVO", "ESTE NUMERO YA NO", "CAMBIO DE DUENO", "NUMERO ~ CAMBIO"),
		wideRules("revocation:not interested (broad)", "{NOT|NEVER|NOLONGER|AINT} INTERESTED", "NO INTEREST", "IM OUT $", "COUNT ME OUT",
			"NAH ~ IM GOOD", "I PASS", "NOT FOR ME", "NO NEED $", "{DONT|NOLONGER} NEED {THESE|THEM|YOUR|YOU|YALL} ~ {ANYMORE|$}",
			"NO ME INTERESA*", "NO ESTOY INTERESAD*", "NO NOS INTERESA*", "NO GRACIAS", "NO NECESITO ~ ESTO|ESTOS|MENSAJES",
			"NO QUIERO ~ {MENSAJE*|TEXTOS|RECIBIR|ESTAR EN LA LISTA}", "YA NO ~ QUIERO ~ {MENSAJE*|RECIBIR|TEXTOS}",
			"{TOO|SO|WAY TOO} MANY ~ TEXT*|MESSAG*|MSG*|NOTIFICATIONS", "{FEWER|LESS|LESS OF} ~ TEXT*|MESSAG*", "{TANTOS|MUCHOS|DEMASIADOS|MENOS} ~ MENSAJE*|TEXTOS|MSJ*",
			"{SICK|TIRED} OF ~ TEXT*|MESSAG*|YOU|YALL", "HART*|CANSAD* ~ {DE|CON} ~ MENSAJE*|TEXTOS"),
		wideRules("revocation:leave me alone (broad)", "LEAVE ME {ALONE|BE|THE HELL}", "^ {|PLEASE|JUST|PLEASE JUST|OMG|NOW|JUST} GO AWAY", "FUCK OFF", "PISS OFF", "BACK OFF", "BUZZ OFF",
			"GET LOST", "DEJEN|DEJAME|DEJENME ~ {EN PAZ|TRANQUIL*}", "NO ME MOLEST*", "NO MOLEST*"),
		wideRules("revocation:do not contact (broad)",
			"{DONT|NEVER|NO|STOP|QUIT} {|EVER|AGAIN|PLEASE|EVER AGAIN} {TEXT|TEXTING|MESSAGE|MESSAGING|CONTACT|CONTACTING|CALL|CALLING|SEND|SENDING|EMAIL|HIT} {ME|US|THIS NUMBER|AGAIN|ANYMORE|ANYTHING|NOTHING|MORE}",
			"{DONT|NEVER} {|EVER} {TEXT|MESSAGE|CONTACT} $", "{THIS NUMBER|THIS PHONE|I} {SHOULD NOT|SHOULDNT|MUST NOT|IS NOT TO} BE {TEXTED|CONTACTED|MESSAGED}",
			"{NO|DO NOT|DONT} {TEXTING|TEXT|CONTACT|CALL|CALLING|MESSAGING} LIST", "{DONT|NOLONGER|NEVER} WANT|NEED ~ TEXTS|MESSAGES|MSGS|NOTIFICATIONS|REMINDERS|ALERTS|CHECKINS", "{DONT|NOLONGER|NEVER} {WANT|NEED} {THE|THESE|YOUR|ANY|ANY MORE} CHECK INS {$|NO MORE|ANYMORE}",
			"{NO MORE|NOMORE|ENOUGH} ~ {TEXT*|MESSAG*|MSG*|MENSAJ*|OF THIS|OF THESE|OF YOUR}",
			"NO {|ME|LE|NOS|LES|MAS} {MANDEN|ENVIEN|ESCRIBAN|LLAMEN|CONTACTEN|TEXTEEN|MOLESTEN|MANDES|ESCRIBAS|MANDE|ESCRIBA|MANDAN|ESCRIBEN|ENVIES|ENVIE|VUELVAN|TEXTIEN|MARQUEN}",
			"DEJEN|DEJA|DEJE|DEJAR|PAREN|PARE|PARA|PARAR ~ DE ~ MANDAR*|ENVIAR*|ESCRIBIR*|TEXTEAR*|MOLESTAR*|LLAMAR*|CONTACTAR*|MENSAJEAR*",
			"{NO MAS|NOMAS} ~ {MENSAJE*|TEXTOS|TEXTS}", "{NO MAS|NOMAS} {$|PORFAVOR|GRACIAS}", "BASTA|SUFICIENTE ~ DE|CON ~ MENSAJE*|TEXTOS",
			"QUITENME|QUITAME|QUITEME|SAQUENME|SACAME|BORRENME|BORRAME|ELIMINENME|ELIMINAME ~ {LISTA|SISTEMA|BASE|AQUI|ESTO|ESTA|NUMERO|$}",
			"SAQUEN|QUITEN|BORREN|ELIMINEN ~ {LISTA|SISTEMA|NUMERO|CEL|TELEFONO}",
			"{QUIERO SALIR|QUIERO SALIRME} {$|DE LA LISTA|DE ESTA LISTA|DE LOS MENSAJES}", "SALIR DE ~ LISTA|MENSAJES",
			"{TAKE|GET|PUT|REMOVE|DELETE|DROP|ERASE|UNSUBSCRIBE} {ME|MY NUMBER|US} {OFF|FROM|$} ~ {$|LIST|LISTS|TEXT*|MESSAG*|MAILING|SMS|THIS $|IT $|THESE $|THIS LIST|YOUR LIST}",
			"WANT {OFF|OUT|OUT OF} {$|THIS LIST|THE LIST|YOUR LIST|THIS $|THESE TEXTS|THE TEXTS}", "WANT {OFF|OUT} ~ LIST|TEXTS|MESSAGES",
			"{TAKE|REMOVE|DELETE|ERASE|GET|PUT} ~ NUMBER ~ {OFF|FROM|OUT}", "DELETE|REMOVE|ERASE ~ FROM ~ SYSTEM|DATABASE|LIST|RECORDS",
			"MAKE {THESE|THEM|THOSE|THE TEXTS|THE MESSAGES} ~ STOP", "{TEXTS|MESSAGES|MSGS|THESE} {TO STOP|STOP COMING|TO END}",
			"DONE WITH ~ {TEXTS|MESSAGES|THESE|YOU|YALL|THIS $}", "{TAKE|NEED} A BREAK ~ {FROM|$}", "{DONT|NOLONGER} WANT ~ {THESE|THEM} $",
			"NO {QUIERO|QUEREMOS} ~ {MENSAJE*|TEXTOS}", "^ YA NO $", "YA ESTUVO ~ MENSAJES|TEXTOS", "ASSIGNED TO ME",
			"I DONT WANT ~ {THESE|THEM|YOUR|ANY|TO GET|TO RECEIVE} ~ {ANYMORE|TEXT*|MESSAG*}", "I DONT WANT {THESE|THEM|THESE ANYMORE} $"),
	}
)

var stemRevocationBook = newRuleBook(stemRevocationSets...)

// revocation returns the stem lexicons' opt-out rule, or "".
func (st *stemText) revocation() string {
	recovery := st.recoveryTalk()
	ours := st.ourObject()
	toks := joined(st.clauses)
	// A stop verb aimed at the texts: "stop sending me these damn texts",
	// "quit messaging me", "cancel the reminders".
	for i, t := range toks {
		if !stemStopVerbs[t] || negations[at(toks, i-1)] || toldSomeoneElse(toks[clauseStart(toks, i):i]) {
			continue
		}
		k := i + 1
		for n := 0; n < 5 && stemBridge[at(toks, k)] && !numberAt(toks, k); n++ {
			k++
		}
		if ourNouns[toks[k]] && at(toks, k+1) != "FROM" || ourGerunds[toks[k]] && gerundOurs(toks, k) || numberAt(toks, k) ||
			at(toks, k) == "" && k > i+1 && (toks[k-1] == "THESE" || toks[k-1] == "THOSE") {
			return "revocation:stop the texts (broad)"
		}
		if k == i+1 && (toks[k] == "THEM" || toks[k] == "EM") && (at(toks, k+1) == "" || stemFillers[at(toks, k+1)] || at(toks, k+1) == "ON" || at(toks, k+1) == "FOR") &&
			textsBefore(toks, i) {
			return "revocation:stop the texts (broad)" // "these texts are something else. stop them"
		}
	}
	if !recovery || ours {
		if r := stemRevocationBook.first(toks, func(i int) bool {
			if toks[i] == "WRONG" {
				// "I have a wrong number for the clinic", "I was the wrong
				// person for my family"
				return at(toks, i-1) != "A" && !(at(toks, i-1) == "THE" && (at(toks, i-2) == "WAS" || at(toks, i-2) == "BEEN" || at(toks, i-2) == "IM"))
			}
			if toks[i] == "LEAVE" && at(toks, i-1) == "TO" && (at(toks, i-2) == "IT" || at(toks, i-2) == "THEM" || at(toks, i-2) == "HIM" || at(toks, i-2) == "HER") {
				return false // "i want it to leave me alone": a craving, a voice, someone else
			}
			return !negations[at(toks, i-1)] && at(toks, i-1) != "NUNCA"
		}); r != "" {
			return r
		}
	}
	if recovery || selfStop.matches(toks) && !toldUs.matches(toks) {
		return ""
	}
	// A bare stop in a clause of its own, however it is dressed: "omg just
	// STOP already", "stop it wtf", "PLEASE STOPPP". QUIT, said of use as
	// often as of us, only as the last clause or as "quit it" ("just quit?
	// if only it were that simple").
	for ci, c := range st.clauses {
		stop, other := false, false
		for j, t := range c {
			if (t == "END" || t == "ENDING") && at(c, j+1) == "IT" {
				other = true // "end it" is how people speak of ending their life
			}
			if t == "HALT" && (at(c, j+1) == "IS" || at(c, j+1) == "WORKS") {
				other = true // "HALT is real": hungry, angry, lonely, tired
			}
			switch {
			case (t == "QUIT" || shortTypoOf(t) == "QUIT") && (ci < len(st.clauses)-1 && at(c, j+1) != "IT" || at(c, j+1) == "AGAIN"):
				other = true // "just quit? if only it were that simple", "quit again lol"
			case (bareStops[t] || t == "PARA") && (at(c, j+1) == "ME" || tagalogVerb[at(c, j-1)]):
				other = true // "stop me bud", "di ko ma stop", "gusto ko na mag stop": the person stopping
			case bareStops[t] || shortTypoOf(t) == "STOP" || shortTypoOf(t) == "QUIT" || t == "ENOUGH" && len(st.clauses) == 1:
				stop = true
			case stemFillers[t] || ourNouns[t] || ourGerunds[t]:
			default:
				other = true
			}
		}
		if stop && !other {
			return "revocation:stop (broad)"
		}
	}
	return ""
}

// textsBefore: the last thing named before toks[i] is our texts, so that
// a pronoun after it points back to them: "the texts come at the worst
// time every day. stop them", not "the texts help but the cravings, how do
// i stop them".
func textsBefore(toks []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch t := toks[j]; {
		case ourNouns[t] && t != "LIST" && t != "LISTA":
			p := at(toks, j-1)
			return p != "HIS" && p != "HER" && p != "THEIR" && p != "SUS" // not "her texts keep coming"
		case t != "ME" && (recoveryWords[t] || dealerWords[t] || family[t]):
			return false
		}
	}
	return false
}

func clauseStart(toks []string, i int) int {
	for i > 0 && toks[i-1] != "" {
		i--
	}
	return i
}

// gerundOurs: "texting me", "sending these", "texting this number"; not
// "texting my dealer".
func gerundOurs(toks []string, k int) bool {
	switch at(toks, k+1) {
	case "", "ME", "US", "THIS", "THESE", "THOSE", "THAT", "ANY", "ANYTHING", "ANYMORE", "PLEASE", "MESSAGES", "TEXTS",
		"NOW", "AGAIN", "ALL", "UP", "EVERY", "MY", "THEM":
		if at(toks, k+1) == "THEM" && at(toks, k+2) != "" && !stemFillers[at(toks, k+2)] {
			return false // "sending them money"
		}
		if at(toks, k+1) == "MY" {
			return numberAt(toks, k+1) || family[at(toks, k+2)] // "stop texting my daughter"
		}
		return true
	}
	return false
}

// numberAt: "this number", "my number", "my phone number", "mi numero".
func numberAt(toks []string, k int) bool {
	switch at(toks, k) {
	case "THIS", "MY", "THAT", "MI", "ESTE":
		switch at(toks, k+1) {
		case "NUMBER", "NUM", "#", "NUMERO", "CEL", "CELULAR", "TELEFONO":
			return true
		case "PHONE", "CELL", "LINE":
			return at(toks, k+2) == "NUMBER" || at(toks, k) == "THIS"
		}
	}
	return false
}

// ourObject: the text names our texts, this number or the list, or uses a
// word that can only be about them (unsubscribe, opt out, wrong number,
// spam).
func (st *stemText) ourObject() bool {
	for _, c := range st.clauses {
		for i, t := range c {
			switch {
			case ourNouns[t] && at(c, i+1) != "FROM" && !ownedBy[at(c, i-1)] && !thirdPerson[at(c, i-1)] &&
				(!singular[t] || ourDeterminer[at(c, i-1)]):
				return true
			case ourGerunds[t] && (at(c, i+1) == "ME" || at(c, i+1) == "US" || at(c, i+1) == "") && !toldSomeoneElse(c[:i]):
				return true
			case numberAt(c, i):
				return true
			case (t == "MY" || t == "MI") && family[at(c, i+1)] && (ourVerbs[at(c, i-1)] || phoneNoun(at(c, i+2)) ||
				(at(c, i+2) == "IS" || at(c, i+2) == "ES" || at(c, i+2) == "TIENE") && isAge(at(c, i+3))):
				return true // "stop texting my kid", "my daughter is 14": a relative's number, whatever drug the text names
			case t == "ME" && ourContact[at(c, i+1)] && (at(c, i-1) == "NO" || at(c, i-1) == "DONT"):
				return true // "no me manden sus cosas de drogas"
			case t == "THESE" && (at(c, i-1) == "NEED" || at(c, i-1) == "WANT") && theseEnd[at(c, i+1)]:
				return true // "2 yrs clean dont need these anymore"
			case (t == "THIS" || t == "THEM" || t == "ESTO") && (at(c, i-1) == "NEED" || at(c, i-1) == "NECESITO") && theseEnd[at(c, i+1)] &&
				setMatch(&supportNow, st.clauses):
				return true // "I signed up in rehab but I'm out now, don't need them anymore", "got a counselor now so dont need this"
			case strings.HasPrefix(t, "UNSUB") || t == "OPTOUT" || t == "STOPALL" || strings.HasPrefix(t, "SPAM") ||
				t == "FCC" || t == "TCPA" || t == "WRONG" && (at(c, i+1) == "NUMBER" || at(c, i+1) == "PERSON") ||
				t == "EQUIVOCADO" || t == "BAJA" || strings.HasPrefix(t, "DESUSCRIB"):
				return true
			}
		}
	}
	return false
}

// elsewhere: what the text unsubscribes from, opts out of or asks to stop
// is named, and it is not us: "unsubbed from the liquor store emails",
// "unsub de la botella", "opt me out of family dinner", "baja de la
// metadona"; or the text speaks of a dealer or the person's old life and
// never addresses us: "told my dealer to lose my number", "got a new
// number so my old connects cant find me", "blocking every number from my
// old life". Such a text asks nothing of the line.
func (st *stemText) elsewhere() bool {
	dealer, addressed := false, false
	for _, c := range st.clauses {
		for i, t := range c {
			switch {
			case t == "BAJA" && elsewhereSkip[at(c, i+1)] && at(c, i+2) != "" && !ourNouns[at(c, i+2)] && !usWords[at(c, i+2)] && !numberAt(c, i+1):
				return true // "BAJA la dosis de metadona": lower the dose
			case strings.HasPrefix(t, "UNSUB") || t == "OPTOUT" || t == "BAJA" || t == "OPT" && (at(c, i+1) == "OUT" || at(c, i+2) == "OUT"):
				j := i + 1
				for at(c, j) == "ME" || at(c, j) == "OUT" {
					j++
				}
				if !elsewhereFrom[at(c, j)] {
					continue
				}
				if adverbOfTime(c, j) {
					continue // "baja de una vez", "de inmediato": when, not from what
				}
				j++
				for elsewhereSkip[at(c, j)] || receivingWords[at(c, j)] {
					j++ // "opt out of receiving these"
				}
				if at(c, j) == "OF" && at(c, j-1) == "ALL" {
					j++ // "from all of it"
				}
				o := at(c, j)
				if o == "WHATEVER" {
					continue // "unsubscribe me from whatever this is"
				}
				if (o == "THIS" || o == "THAT" || o == "ESTE" || o == "ESTA") && at(c, j+1) != "" && !fillers[at(c, j+1)] {
					o = at(c, j+1) // "unsubscribe me from this craving", not "from this list"
				}
				ours, other := false, false
				for k := j; k < j+4 && at(c, k) != ""; k++ {
					// "from the family support thing", "de su programa de textos";
					// not "from the liquor store's email list"
					w := at(c, k)
					ours = ours || ourNouns[w] || phoneNoun(w) || w == "NUMERO" || w == "CEL" || anything[w] && (k == j || !pronouns[w]) || w == "PROGRAM" || w == "PROGRAMA" || w == "SERVICE"
					other = other || foreign[w] || recoveryWords[w] && w != "ME"
				}
				if o != "" && (other || !ours && !ourNouns[o] && !usWords[o] && !anything[o] && !family[o]) {
					return true
				}
			case dealerWords[t] || t == "OLD" && (at(c, i+1) == "LIFE" || at(c, i+1) == "CONNECTS") || t == "ESA" && at(c, i+1) == "VIDA":
				dealer = true
			case usWords[t] && t != "THIS" && t != "THESE" && t != "ESTO" && t != "ESTOS":
				addressed = true
			case (t == "DOSIS" || t == "DOSE") && (strings.HasPrefix(at(c, i-2), "BAJ") || strings.HasPrefix(at(c, i-1), "BAJ") || strings.HasPrefix(at(c, i-2), "LOWER") || strings.HasPrefix(at(c, i-2), "TAPER")):
				return true // "baja... voy bajando la dosis de suboxone": the dose lowered
			case t == "DIJE" && at(c, i-1) == "LE" && at(c, i+1) == "A":
				return true // "le dije a mi hija que deje de mandarme tantos stickers"
			case (t == "BLOCK" || t == "BLOQUEAR") && (at(c, i+1) == "A" || at(c, i+1) == "HIS" || at(c, i+1) == "HER" || at(c, i+1) == "THEIR" || at(c, i+1) == "UN" || at(c, i+1) == "SU") &&
				(phoneNoun(at(c, i+2)) || at(c, i+2) == "NUMERO" || at(c, i+2) == "CONTACT" || at(c, i+2) == "CONTACTO"):
				return true // "how do u block a number on iphone", not "I'm blocking this number"
			case (t == "PLAN" || t == "RULE" || t == "GOAL") && (at(c, i-1) == "MY" || at(c, i-1) == "MI") && at(c, i-2) != "ON" && // not "this phone is on my plan"
				(at(c, i+1) == "" || at(c, i+1) == "IS" || at(c, i+1) == "TO" || at(c, i+1) == "WAS" || at(c, i+1) == "ES" || at(c, i+1) == "THIS" || at(c, i-2) == "THATS"):
				return true // "stop buying. stop calling. thats my plan"
			case t == "NOT" && (at(c, i+1) == "YOU" || at(c, i+1) == "U") && (at(c, i-1) == "WAIT" || at(c, i+2) == ""):
				return true // "STOP. wait not u. i was yelling at myself"
			case i == 0 && t == "NOT" && at(c, i+1) == "THE" && ourNouns[at(c, i+2)] && at(c, i+3) == "":
				return true // "Stop. Not the texts. Me. I need to stop."
			}
		}
	}
	return dealer && !addressed
}

var (
	anything = newSet("ANYTHING", "EVERYTHING", "EVRYTHING", "EVERYTHIN", "ALL", "IT", "HERE", "NADA", "TODO", "AQUI", "AKI", "ME", "HIM", "HER", "THEM",
		"BS", "BULLSHIT", "CRAP", "SHIT", "STUFF", "JUNK", "NONSENSE", "THING", "GARBAGE", "SPAM", "MIERDA", "PORQUERIA", "COSA", "MAMADA")
	pronouns      = newSet("ME", "HIM", "HER", "THEM", "IT")
	elsewhereFrom = newSet("FROM", "OF", "DE", "DEL", "A", "AL", "TO")
	elsewhereSkip = newSet("THE", "LA", "EL", "LOS", "LAS", "ALL", "MY", "MI", "MIS")
	usWords       = newSet("THIS", "THESE", "YOUR", "UR", "YOU", "U", "YALL", "USTEDES", "ESTO", "ESTOS", "ESTA", "ESTE", "SU", "SUS",
		"LISTA", "LIST", "SISTEMA", "PROGRAMA", "PROGRAM", "SERVICE", "SERVICIO", "TEXTS", "MESSAGES", "MENSAJES", "TEXTOS")
	dealerWords = newSet("DEALER", "DEALERS", "PLUG", "PLUGS", "CONNECT", "CONNECTS", "SELLS", "SELLER", "SELLERS",
		"VENDIA", "VENDE", "VENDEN", "VENDIENDO", "VENDEDOR", "VENDEDORES", "VENDIAN", "JALE", "CONECTE", "CONECTA", "CONECT", "COMPRAR", "BUYING", "COPPING",
		"OFRECIA", "OFFERING", "MERCANCIA", "MERCA")
)

// receivingWords stand between "opt out of" and what is opted out of.
var receivingWords = newSet("RECEIVING", "RECIEVING", "GETTING", "RECIBIR", "RECIBIENDO")

// adverbOfTime: the word at j ("DE") opens a phrase of time or manner, not
// what is left: "baja de una vez", "de inmediato", "de ya".
func adverbOfTime(c []string, j int) bool {
	if at(c, j) != "DE" {
		return false
	}
	switch at(c, j+1) {
	case "INMEDIATO", "YA", "VERDAD", "PLANO", "NUEVO", "UNA":
		return at(c, j+1) != "UNA" || at(c, j+2) == "VEZ" || at(c, j+2) == "VES" || at(c, j+2) == "BUENA" || at(c, j+2) == ""
	}
	return false
}

// isAge: a number a person's age might be.
func isAge(t string) bool {
	n, err := strconv.Atoi(t)
	return err == nil && n > 0 && n < 120
}

var (
	ourVerbs   = newSet("TEXTING", "MESSAGING", "SENDING", "TEXT", "MESSAGE", "REMOVE", "TAKE", "UNSUBSCRIBE", "CONTACTING", "CALLING")
	foreign    = newSet("STORE", "STORES", "EMAIL", "EMAILS", "PROMO", "PROMOS", "COUPON", "COUPONS", "APP", "APPS", "CASINO", "BAR", "BARS", "LIQUOR", "DELIVERY", "NEWSLETTER")
	ourContact = newSet("MANDEN", "ENVIEN", "ESCRIBAN", "TEXTEEN", "MANDES", "ESCRIBAS", "TEXT", "CONTACT", "MESSAGE", "CALL")
	// supportNow: the text says how the person came to the line, or what
	// support they have instead, so "this" and "them" are our texts.
	supportNow = wideRules("support now", "{SIGNED|SIGN} UP", "SUBSCRIBED", "{ME|} {INSCRIBI|REGISTRE|APUNTE}", "LONG ENOUGH",
		"{GOT|HAVE|FOUND|TENGO|CONSEGUI} {A|UN|UNA|MY|MI|} {COUNSELOR|THERAPIST|SPONSOR|CONSEJERO|CONSEJERA|TERAPEUTA|PADRINO|MADRINA|COUNSELLOR}")
	theseEnd = newSet("", "ANYMORE", "NO", "STOP", "PLEASE", "NOW", "THANKS", "BYE", "GRACIAS")
)

var (
	ownedBy       = newSet("MY", "HIS", "HER", "THEIR", "A", "MIS", "SUS", "SU")
	thirdPerson   = newSet("HE", "SHE", "THEY", "SOMEONE", "SOMEBODY") // "if he texts again": a verb
	singular      = newSet("TEXT", "MESSAGE", "LIST", "MENSAJE", "LISTA")
	ourDeterminer = newSet("THE", "THIS", "THESE", "YOUR", "UR", "ANY", "MORE", "THAT", "LA", "ESTA", "ESTE", "SU", "TU")
)

// notTheDrugWord: a recovery word used in another sense: "en na" (en
// nada), "whatever system yall use", "residents can't use this service".
func notTheDrugWord(c []string, i int) bool {
	p, n := at(c, i-1), at(c, i+1)
	if p == "ABOUT" {
		return true // "I'm getting things about addiction"
	}
	switch c[i] {
	case "MEETING", "MEETINGS":
		// "in a meeting", "in meetings all day", "work meeting": not a
		// recovery meeting, which people are at or go to.
		if p == "IN" || p == "A" && at(c, i-2) == "IN" || workMeeting[p] {
			return true
		}
	case "DRUG", "RELAPSE":
		// "why is a drug program texting her", "these drug texts",
		// "'relapse prevention'": what the texts are, not the writer's use
		// ("drug program starts monday" is).
		if ourProgramNouns[n] && (ourProgramDeterminers[p] || n == "PREVENTION" || n == "TEXTS" || n == "MESSAGES" || n == "SPAM") {
			return true
		}
	case "CLEAN":
		if n == "START" || n == "SLATE" || n == "BREAK" {
			return true
		}
	case "COURT":
		// "see you in court", "take you to court": a threat to us.
		if p == "IN" && (at(c, i-2) == "YOU" || at(c, i-2) == "YALL") || p == "TO" && (at(c, i-2) == "YOU" || at(c, i-2) == "YALL") {
			return true
		}
	case "CRYING":
		// "stoppp im literally crying": moved by a message, not "I can't
		// stop crying".
		if i > 0 && (c[0] == "STOP" || c[0] == "STAHP" || reactionOpeners[c[0]] && at(c, 1) == "STOP") && !hasAny(c[:i], denial) && !hasAny(c[:i], ownStopCue) {
			return true
		}
	}
	if recoveryPlaces[c[i]] && p == "IN" && (saidOfUs(c[:i]) || aboutSomeoneElse(c[:i])) {
		// "you guys were great in detox", "he's in rehab with no phone":
		// thanks for a stay that is over, or someone else's. Not "I was in
		// detox last week".
		return true
	}
	switch c[i] {
	case "NA":
		switch p {
		case "EN", "A", "DE", "PA", "PARA", "SIN", "NI", "POR", "PA'":
			return true
		}
		if tagalog[n] || tagalog[p] {
			return true // "stop na po", "ayoko na mabuhay": Tagalog "now", not Narcotics Anonymous
		}
	case "USE", "USA", "USAN", "USAR":
		switch n {
		case "THIS", "THAT", "YOUR", "UR", "ESTE", "ESTA", "SU", "BIEN":
			return true
		case "EL", "LA", "MY", "MI", "THE":
			switch at(c, i+2) {
			case "CEL", "CELULAR", "TELEFONO", "PHONE", "CELL", "APP":
				return true // "no sabe usar el cel"
			}
		}
		switch p {
		case "YOU", "U", "YALL", "THEY", "USTEDES":
			return true
		}
	}
	return false
}

// oddSaid come before the adjective odd.
var oddSaid = newSet("THATS", "ITS", "SO", "VERY", "KINDA", "BIT", "SEEMS", "LOOKS", "FEELS", "HOW", "AN", "PRETTY", "REALLY", "SUPER", "IS", "WAS", "SOUNDS", "QUITE")

var (
	workMeeting           = newSet("WORK", "TEAM", "BUSINESS", "STAFF", "ZOOM", "BOARD", "CLIENT", "SALES", "PTA", "SCHOOL")
	ourProgramNouns       = newSet("PROGRAM", "REHAB", "TEXTS", "TEXT", "MESSAGES", "MESSAGE", "STUFF", "LINE", "SERVICE", "COMPANY", "PEOPLE", "PREVENTION", "CENTER", "HOTLINE", "SPAM")
	recoveryPlaces        = newSet("REHAB", "DETOX", "TREATMENT", "SOBER", "CLINIC")
	ourProgramDeterminers = newSet("A", "THIS", "YOUR", "UR", "SOME", "RANDOM", "THESE", "THAT", "WHAT")
	thirdPersons          = newSet("HE", "HES", "SHE", "SHES", "THEYRE", "HIS", "HER")
	firstPersons          = newSet("I", "IM", "IVE", "ID", "ILL", "ME", "MYSELF", "MY")
)

// aboutSomeoneElse: the words before speak of someone else, not the writer: "he's
// in rehab", "it was my brother, he's in a sober house".
func aboutSomeoneElse(before []string) bool {
	return hasAny(before, thirdPersons) && !hasAny(before, firstPersons)
}

// saidOfUs: the words before speak of us, in the past: "you guys were
// great in detox".
func saidOfUs(before []string) bool {
	return hasAny(before, usWho) && hasAny(before, usWere)
}

var usWho, usWere = newSet("YOU", "YALL", "GUYS"), newSet("WERE", "WAS", "HELPED")

func hasAny(toks []string, words set) bool {
	for _, t := range toks {
		if words[t] {
			return true
		}
	}
	return false
}

var denial = newSet("DONT", "NEVER", "NOT", "NO", "DIDNT", "AINT", "NUNCA", "DOESNT", "ISNT", "WASNT", "NADA")

// recoveryTalk: the text speaks of a drug, use, a habit, a feeling, the
// person themself, or treatment.
func (st *stemText) recoveryTalk() bool {
	if deniesUse.matches(st.toks) && !stillRecovering.matches(st.toks) {
		// "why am i getting drug stuff i've never used anything", "parenle
		// ya con sus msjs q no soy adicto": someone the texts reached by
		// mistake; the drug words say what the texts are about.
		return false
	}
	for k, c := range st.clauses {
		for i, t := range c {
			if t == "CRYING" && at(c, i-1) != "STOP" && k == 0 && reactionStop(st.clauses) {
				continue // "nooo stop im literally crying at work": moved, in one sentence
			}
			if t == "CRYING" && k > 0 && saidStop(st.clauses[k-1]) {
				// "Stop, I'm crying at work", "stop it. you'll have me
				// crying": moved by a message, in two sentences.
				prev := st.clauses[k-1]
				if notTheDrugWord(append(slices.Clip(prev), c...), len(prev)+i) {
					continue
				}
			}
			if t == "ME" {
				// "stop me", "help me stop", not "text me" / "remove me", nor
				// "STOP help me", a stop and a plea, nor "you cant help me".
				if p := at(c, i-1); (p == "STOP" || p == "HELP" || p == "QUIT") && !(p == "HELP" && (at(c, i-2) == "STOP" || at(c, i-2) == "ALTO" || at(c, i-2) == "CANT" || at(c, i-2) == "COULDNT" || at(c, i-2) == "WONT")) {
					if at(c, i+1) == "" || at(c, i+1) == "FROM" || at(c, i+1) == "STOP" || at(c, i+1) == "QUIT" || at(c, i+1) == "PLEASE" {
						return true
					}
				}
				continue
			}
			if (t == "PARTY" || t == "PARTYING") && (at(c, i-1) == "DONT" || at(c, i-1) == "STOPPED" || at(c, i-1) == "QUIT" || at(c, i-1) == "MORE" || at(c, i-1) == "CANT") {
				return true // "i dont party anymore", "no more partying": the writer's own use
			}
			if t == "DAY" && (at(c, i+1) == "ONE" || at(c, i+1) == "1") && (at(c, i+2) == "AGAIN" || at(c, i+2) == "" || at(c, i-1) == "ON") {
				return true // "over it. day one again": a count of sober days starting over
			}
			if t == "PO" && (politePo[at(c, i-1)] || at(c, i+1) == "STOP") {
				continue // "Stop po. Thank you", "please po stop": a courtesy in Tagalog, not a probation officer
			}
			if (t == "FEELINGS" || t == "FEELING") && at(c, i-1) == "HARD" {
				continue // "STOP no hard feelings": a courtesy, not feelings to stop
			}
			if recoveryWords[t] {
				// "I don't do drugs", "I'm not an addict": someone the texts
				// reached by mistake.
				p1, p2 := at(c, i-1), at(c, i-2)
				if denial[p1] || denial[p2] && (p1 == "DO" || p1 == "USE" || p1 == "DID" || p1 == "AN" || p1 == "A" || p1 == "TAKE" || p1 == "ON" || p1 == "EVEN" || p1 == "INTO" ||
					p1 == "TOUCHED" || p1 == "TRIED" || p1 == "USED" || p1 == "DONE" || p1 == "DE") {
					continue
				}
				if notTheDrugWord(c, i) {
					continue
				}
				if p3 := at(c, i-3); denial[p3] && (p1 == "A" || p1 == "AN" || p1 == "ANY") &&
					(p2 == "HAD" || p2 == "TAKEN" || p2 == "TOUCHED" || p2 == "DONE" || p2 == "USED" || p2 == "TRIED") {
					continue // "she's never had a drink in her life"
				}
				return true
			}
		}
	}
	return false
}
