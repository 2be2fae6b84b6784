package message

import "testing"

// Texts as people type them: other Unicode forms, typing mistakes, Spanish,
// and the rule that explains each verdict.
func TestClassifyRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body     string
		class    Class
		also     bool
		rule     string
		distress bool
	}{
		{"STOP", ClassOptOut, false, "keyword:STOP", false},
		{"ＳＴＯＰ", ClassOptOut, false, "keyword:STOP", false},
		{"S\u200bTOP", ClassOptOut, false, "keyword:STOP", false},
		{"ｓｔｏｐ please", ClassOptOut, false, "bare:STOP", false},
		{"stop\u00a0texting me", ClassOptOut, false, "revocation:stop the texts", false},
		{"stop te\u00adxting\u200d me", ClassOptOut, false, "revocation:stop the texts", false},
		{"stpo", ClassOptOut, false, "typo:stpo→STOP", false},
		{"sotp", ClassOptOut, false, "typo:sotp→STOP", false},
		{"step", ClassOther, false, "", false},
		{"shop", ClassOther, false, "", false},
		{"stoooop", ClassOptOut, false, "bare:STOP", false},
		{"s t o p", ClassOptOut, false, "bare:STOP", false},
		{"unsubscibe", ClassOptOut, false, "bare:UNSUBSCRIBE (typo:unsubscibe→UNSUBSCRIBE)", false},
		{"cancer", ClassOther, false, "", false},
		{"BAJA", ClassOptOut, false, "bare:BAJA", false},
		{"vaja", ClassOptOut, false, "typo:vaja→BAJA", false},
		{"dejen de mandarme mensajes", ClassOptOut, false, "revocation:list", false},
		{"no dejen de mandarme mensajes", ClassOther, false, "", false},
		{"quiero dejar de usar", ClassOther, false, "", false},
		{"alto a las drogas", ClassOther, false, "", false},
		{"me quiero morir", ClassCrisis, false, "crisis:suicide", false},
		{"no me quiero morir, solo estoy cansado", ClassOther, false, "", true},
		{"I'm not suicidal just tired", ClassOther, false, "", true},
		{"I'm so tired of fighting this", ClassOther, false, "", true},
		{"nothing matters now", ClassOther, false, "", true},
		{"feeling hopeless tonight", ClassCrisis, false, "crisis:distress-tonight", true},
		{"leave me alone. nothing matters", ClassCrisis, true, "crisis:distress-leaving + revocation:leave me alone", true},
		{"stop texting me I want to die", ClassCrisis, true, "crisis:suicide + revocation:stop the texts", false},
		{"he's not breathing", ClassCrisis, false, "crisis:overdose-emergency", false},
		{"ＯＶＥＲＤＯＳＥ", ClassCrisis, false, "crisis:overdose", false},
		{"sui\u200bcidal", ClassCrisis, false, "crisis:suicide", false},
		{"AYUDA", ClassHelp, false, "es:ayuda", false},
		// A key word with a letter doubled or one slip off, as the whole text.
		{"sstop", ClassOptOut, false, "typo:sstop→STOP", false},
		{"pararr", ClassOptOut, false, "typo:pararr→PARAR", false},
		{"rmove", ClassOptOut, false, "typo:rmove→REMOVE", false},
		{"remote", ClassOther, false, "", false},
		{"quite", ClassOther, false, "", false},
		{"cancelar porfis", ClassOptOut, false, "bare:CANCELAR", false},
		{"off", ClassOptOut, false, "bare:OFF", false},
		{"off to work", ClassOther, false, "", false},
		// Turning the texts off, in short, wanting none, not the person's.
		{"turn these off please", ClassOptOut, false, "revocation:turn off", false},
		{"turn off the stove", ClassOther, false, "", false},
		{"detener mensajes", ClassOptOut, false, "revocation:turn off", false},
		{"please remove, this is my work phone", ClassOptOut, false, "revocation:in short", false},
		{"I would like to no longer receive texts", ClassOptOut, false, "revocation:do not want them", false},
		{"can u not text me anymore", ClassOptOut, false, "revocation:do not want them", false},
		{"no me textees mas", ClassOptOut, false, "revocation:do not want them", false},
		{"me cambiaron el numero", ClassOptOut, false, "revocation:not them", false},
		{"i texted stop twice already", ClassOptOut, false, "revocation:again", false},
		{"salirme de esto es lo q mas quiero", ClassOther, false, "", false},
		{"i need to stop texting her", ClassOther, false, "", false},
		{"you've got the wrong Dave", ClassOptOut, false, "revocation:not them", false},
		{"ya no es mi numero", ClassOptOut, false, "revocation:not them", false},
		{"quien me apunto a esto", ClassOptOut, false, "revocation:not them", false},
		{"sacanlo de su lista", ClassOptOut, false, "revocation:list", false},
		{"unsubscribe a mi esposa porfa", ClassOptOut, false, "revocation:unsubscribe", false},
		{"lo reporte como espam", ClassOptOut, false, "revocation:reported", false},
		{"me pueden sacar de la lista?", ClassOptOut, false, "revocation:list", false},
		{"who is this stop", ClassOptOut, false, "revocation:asked", false},
		{"no thanks im good", ClassOptOut, false, "revocation:declined", false},
		{"no gracias. gracias por todo", ClassOptOut, false, "revocation:declined", false},
		{"thanks", ClassOther, false, "", false},
		{"gracias", ClassOther, false, "", false},
		{"thanks a lot", ClassOther, false, "", false},
		{"gracias pero no thanks", ClassOptOut, false, "revocation:declined", false},
		// Ending or leaving, naming nothing, is honoured; a text that
		// wants the texts, or asks to come back, is not an opt-out.
		{"im over this", ClassOptOut, false, "revocation:declined", false},
		{"leave me out", ClassOptOut, false, "revocation:declined", false},
		{"subscribe me", ClassOther, false, "", false},
		{"on subscribe", ClassOptOut, false, "bare:UNSUBSCRIBE", false},
		{"please on subscribe me from this service", ClassOptOut, false, "revocation:unsubscribe", false},
		{"good mornin from the bus stop", ClassOther, false, "", false},
		{"please dont ever remove me, these keep me going", ClassOther, false, "", false},
		{"start again pls i texted stop by accident", ClassOther, false, "", false},
		{"did my stop go thru? i kinda miss them now", ClassOther, false, "", false},
		{"can i pause the texts while im in inpatient? not cancel, just pause", ClassOther, false, "", false},
		// A goodbye to the texts leaves them, whatever else it reads as.
		{"going to step away from the texts for good, take care", ClassOptOut, false, "revocation:goodbye to the texts", false},
		{"no thanks, bye forever", ClassCrisis, true, "crisis:farewell + revocation:declined", false},
		{"me despiertan a las 6am con sus mensajes, ya no quiero", ClassCrisis, true, "crisis:suicide (broad) + revocation:does not want them", false},
		{"mi vida es un desastre, ya no quiero", ClassCrisis, false, "crisis:suicide (broad)", false},
		{"please take me off your list, my dealer has this number too", ClassOptOut, false, "revocation:remove me", false},
		// Questions that are requests.
		{"is there a way to make these not come anymore", ClassOptOut, false, "revocation:how do i stop them", false},
		{"can I be taken off?", ClassOptOut, false, "revocation:how do i stop them", false},
		{"the sweats from coming off oxy, how do i make it stop", ClassOther, false, "", false},
		{"please stop sending him these, he is 13", ClassOptOut, false, "revocation:how do i stop them", false},
		{"i need to stop texting him", ClassOther, false, "", false},
		{"🛑", ClassOptOut, false, "emoji:stop", false},
		{"🚫📱", ClassOptOut, false, "emoji:stop", false},
		{"📱", ClassOther, false, "", false},
		{"stoop texting me", ClassOptOut, false, "revocation:how do i stop them", false},
		{"my son is 12 stop texting him", ClassOptOut, false, "revocation:how do i stop them", false},
		{"BAJA la dosis de metadona me esta pegando duro", ClassOther, false, "", false},
		// The object of the stop verb is our texts: the drug named later
		// does not make it recovery talk.
		{"stop texting my kid, she's asking me what fentanyl is", ClassOptOut, false, "revocation:stop the texts", false},
		{"idk who this is but i aint on drugs lol stop", ClassOptOut, false, "revocation:stop", false},
		// A last sentence that asks, after one that explains.
		{"i quit drinking 5 yrs ago i dont need this. stop", ClassOptOut, false, "revocation:stop", false},
		{"cravings peak and pass, in front of my whole family. Take me off.", ClassOptOut, false, "revocation:remove me", false},
		{"stop. no more. i mean the drinking", ClassOther, false, "", false},
		{"unsubscribe me from this craving lol", ClassOther, false, "", false},
		// What else is stopped, named: not us.
		{"unsubscribed from the casino emails today", ClassOther, false, "", false},
		{"opt me out of the office party, too much drinking", ClassOther, false, "", false},
		{"told my plug to lose my number", ClassOther, false, "", false},
		{"i changed my number so my old connects cant reach me", ClassOther, false, "", false},
		{"baja de la metadona", ClassOther, false, "", false},
		{"no mas perkys", ClassOther, false, "", false},
		{"opt me out of everything", ClassOptOut, false, "revocation:unsubscribe", false},
		// Naloxone wanted in a hurry, and use after a stretch without it.
		{"whos got narcan near me", ClassCrisis, false, "crisis:naloxone-now", false},
		{"do u have narcan?? need it NOW", ClassCrisis, false, "crisis:naloxone-now", false},
		{"q farmacia tiene narcan abierta a esta hora? es pa ya", ClassCrisis, false, "crisis:naloxone-now", false},
		{"Narcan saved my life 3 years ago. now I carry it everywhere", ClassOther, false, "", false},
		{"im at the 24hr pharmacy, my roommate is out cold in the car", ClassCrisis, false, "crisis:overdose signs", false},
		{"hes out cold, worked a double. lol", ClassOther, false, "", false},
		{"las pastillas azules que compre en la calle no eran lo que decian, me siento muy mal", ClassCrisis, false, "crisis:unknown pill", false},
		{"imgonnakillmyselftonight", ClassCrisis, false, "crisis:suicide", false},
		{"bye im done", ClassCrisis, false, "crisis:distress-farewell", true},
		{"took all my husbands heart pills, feel faint", ClassCrisis, false, "crisis:danger now (more words)", false},
		{"I have taken all of my husband's old pain pills to the pharmacy drop box. Good riddance.", ClassOther, false, "", false},
		{"im on the roof of my building and its really high lol", ClassCrisis, false, "crisis:danger now (more words)", false},
		{"out of narcan and hes going down again", ClassCrisis, false, "crisis:naloxone-now", false},
		{"6 months clean and im sitting in my car with a rig", ClassCrisis, false, "crisis:lost tolerance (broad)", false},
		{"6 months clean and i got a new job", ClassOther, false, "", false},
		{"me dieron de alta ayer y ya me estoy inyectando", ClassCrisis, false, "crisis:lost tolerance (broad)", false},
		{"me dieron de alta ayer y ya estoy en mi casa", ClassOther, false, "", false},
		// Someone else's danger, guns at hand, danger in pictures.
		{"my son says he is going to kill himself", ClassCrisis, false, "crisis:someone else", false},
		{"my brother tried to kill himself in 2019", ClassOther, false, "", false},
		{"got my pistol out", ClassCrisis, false, "crisis:means now", false},
		{"hes turnin blu", ClassCrisis, false, "crisis:overdose-emergency", false},
		{"😔🔫", ClassCrisis, false, "emoji:danger", false},
		{"😵💊💊💊", ClassCrisis, false, "emoji:danger", false},
		{"🔫 lol that movie", ClassOther, false, "", false},
		{"unsubscribe me from this bs", ClassOptOut, false, "revocation:unsubscribe", false},
		// Words run together; a last sentence that is a keyword; not "done".
		{"stopstopstop", ClassOptOut, false, "glued:bare:STOP", false},
		{"takemeoff", ClassOptOut, false, "glued:revocation:remove me", false},
		{"mi mama no entiende xq le llegan msjs de drogas. cancelar porfa", ClassOptOut, false, "bare:CANCELAR", false},
		{"mi mama no entiende xq le llegan msjs de drogas. sstop", ClassOptOut, false, "typo:sstop→STOP", false},
		{"done with meth. DONE.", ClassOther, false, "", false},
		{"STOP. wait not u. i was yelling at myself, i almost bought a bag", ClassOther, false, "", false},
		{"unsubscribed from the liquor store's email list, small wins", ClassOther, false, "", false},
		{"q hago pa q mi hijo deje de llamarle a su dealer", ClassOther, false, "", false},
		{"stop texting mi hijo, he's only 13", ClassOptOut, false, "revocation:stop the texts", false},
		{"ion want these no more", ClassOptOut, false, "revocation:do not want them", false},
		{"❌", ClassOptOut, false, "emoji:stop", false},
		{"nomoretexts", ClassOptOut, false, "glued:revocation:no more texts", false},
		{"favor de no contactarme mas", ClassOptOut, false, "revocation:how do i stop them", false},
		{"stop buying. stop calling. stop going. thats my plan", ClassOther, false, "", false},
		{"no mas blues para mi", ClassOther, false, "", false},
		{"bloquie a mi primo porque siempre me ofrecia", ClassOther, false, "", false},
		// A relative's number: "does not drink" denies use, it does not talk of it.
		{"stop texting my wife. she does not drink", ClassOptOut, false, "revocation:stop the texts", false},
		// The model reads what no rule does, but not a joke, nor what the
		// rules have a reading of their own for.
		{"made sure the dog has somewhere to go lol", ClassOther, false, "", false},
		{"got out of detox and slept all day", ClassOther, false, "", false},
		{"my uncle keeps a shotgun in the truck", ClassOther, false, "", false},
		// A pronoun whose last antecedent is our texts; a request in a
		// sentence of its own, whatever the others say of a drug.
		{"the texts come at the worst time every day. stop them", ClassOptOut, false, "revocation:stop the texts (broad)", false},
		{"the texts are ok but the cravings, how do i stop them", ClassOther, false, "", false},
		{"Please remove me. I'm in a custody case and can't have these on my phone", ClassOptOut, false, "revocation:remove me", false},
		{"get me off this stuff, sick every morning till i use", ClassOther, false, "", false},
		{"parce ayudeme a dejar el bazuco, ya no mas", ClassOther, false, "", false},
		{"me dan ganas de usar cada vez q cobro, como le paro", ClassOther, false, "", false},
		// Keywords spelt out; a stop run into the next sentence.
		{"al to x favor", ClassOptOut, false, "spaced:ALTO", false},
		{"st op now", ClassOptOut, false, "spaced:STOP", false},
		{"Stop or I'm contacting the Better Business Bureau", ClassOptOut, false, "revocation:stop", false},
		// "nomas" is "just"; "no mas" names what is no more.
		{"no mas pericazos, ya me canse de amanecer asi", ClassOther, false, "", false},
		{"nomas queria decir gracias", ClassOther, false, "", false},
		// Words that only look like a drug or a plan.
		{"my plan charges me per text now and i cant afford it. unsubscribe", ClassOptOut, false, "revocation:stop", false},
		{"klk con esta vaina, yo no me inscribi en na, dejenme quieto", ClassOptOut, false, "revocation:wrong number", false},
		{"please erase my info from whatever system yall use", ClassOptOut, false, "revocation:remove me", false},
		{"Gracias por todo. Por favor den de baja mi numero", ClassOptOut, false, "revocation:list", false},
		{"quit it. this is my wifes phone and shes never had a drink in her life", ClassOptOut, false, "revocation:stop (broad)", false},
		{"how do u block a number on iphone my dealer keeps hitting me up", ClassOther, false, "", false},
		{"how do i unsubscribe from my own brain telling me to drink lol", ClassOther, false, "", false},
		{"el vato me sigue escribiendo que tiene mercancia nueva, como hago pa que ya no me escriba", ClassOther, false, "", false},
		{"le dije a mi hija que deje de mandarme tantos stickers", ClassOther, false, "", false},
		{"sali de la carcel y compre ropa", ClassOther, false, "", false},
		// Taken off in other words, the wrong person, goodbyes, threats.
		{"Would you mind removing me? Thank you kindly.", ClassOptOut, false, "revocation:take me off", false},
		{"ya no quiero que me lleguen sus recados", ClassOptOut, false, "revocation:take me off", false},
		{"this is the new owner of this phone, whoever had it before signed up", ClassOptOut, false, "revocation:not the person", false},
		{"this isnt Maria. Maria hasnt had this phone in ages. bye", ClassOptOut, false, "revocation:wrong person", false},
		{"no soy Marcos, no lo conozco", ClassOptOut, false, "revocation:wrong person", false},
		{"it isnt Kevins fault he relapsed", ClassOther, false, "", false},
		{"i need to stop texting Derek", ClassOther, false, "", false},
		{"signing off from these, God bless", ClassOptOut, false, "revocation:goodbye to the texts", false},
		{"signing off from the old me. day 1 sober", ClassOther, false, "", false},
		{"you do not have my permission to contact me", ClassOptOut, false, "revocation:no permission", false},
		{"if I get another one I'm calling the BBB", ClassOptOut, false, "revocation:threat", false},
		// Coming back, or asking what leaving does, is not leaving.
		{"sign me back up, i was wrong to quit these", ClassOther, false, "", false},
		{"resubscribe me please, I missed these", ClassOther, false, "", false},
		{"si pongo alto y luego quiero volver, se puede?", ClassOther, false, "", false},
		{"what happens to my info if i unsubscribe someday?", ClassOther, false, "", false},
		// Last wishes, overdose in more words; their look-alikes.
		{"i want my ashes at the beach in Galveston", ClassCrisis, false, "crisis:last wishes", false},
		{"hasta aqui llegue", ClassCrisis, false, "crisis:last wishes", false},
		{"sternum rub isnt working whats next", ClassCrisis, false, "crisis:overdose (more words)", false},
		{"is 2 narcans enough?? hes still blue", ClassCrisis, false, "crisis:overdose (more words) (typo:narcans→NARCAN)", false},
		{"i dont see a way out of this parking lot lmao", ClassOther, false, "", false},
		{"le estoy contando las pastillas a mi abuelo pa la semana", ClassOther, false, "", false},
		{"no quiero que me sigas escribiendo, sos bien necio", ClassOptOut, false, "revocation:take me off", false},
		// This number thrown away; no contact of any kind; polite declines.
		{"scrub my digits from this", ClassOptOut, false, "revocation:lose my number", false},
		{"No further contact please.", ClassOptOut, false, "revocation:no contact", false},
		{"consent to text me is hereby revoked", ClassOptOut, false, "revocation:no contact", false},
		{"nah thanks", ClassOptOut, false, "revocation:no contact", false},
		{"DESIST", ClassOptOut, false, "bare:DESIST", false},
		{"STAP", ClassOptOut, false, "bare:STAP", false},
		{"just quit? if only it were that simple", ClassOther, false, "", false},
		{"nunca mas escriban a este cel", ClassOptOut, false, "revocation:no contact", false},
		// Crises in more of their words; distress said tonight.
		{"my toddler ate some of my meds", ClassCrisis, false, "crisis:overdose (more words)", false},
		{"got a belt tied to the closet rod", ClassCrisis, false, "crisis:overdose (more words)", false},
		{"kmsss tonight srsly", ClassCrisis, false, "crisis:suicide (broad)", false},
		{"in a real dark place rn", ClassCrisis, false, "crisis:distress-tonight", true},
		{"in a dark place", ClassOther, false, "", true},
		{"ya se acabo el frasco de jarabe pa la tos, compro otro?", ClassOther, false, "", false},
		{"mi hija se acabo el bote de tylenol hace una hora", ClassCrisis, false, "crisis:overdose (more words)", false},
		// A crisis word alone, told of months or years ago, is history; a
		// crisis phrase, or any word of now, still counts.
		{"my cousin died of an od last year and i miss him", ClassOther, false, "", true},
		{"back in 2019 i od'd, pero gracias a dios sigo aqui", ClassOther, false, "", true},
		{"i od'd last year and im about to od again tonight", ClassCrisis, false, "crisis:overdose", false},
		{"overdosed last year and i want to die", ClassCrisis, false, "crisis:suicide", false},
		{"my cousin ODd", ClassCrisis, false, "crisis:overdose", false},
		// Last wishes and means, in more words.
		{"changed my beneficiary to my son this morning. last thing on the list", ClassCrisis, false, "crisis:last wishes", false},
		{"cars running in the garage. doors shut. just wanted to text someone", ClassCrisis, false, "crisis:overdose (more words)", false},
		{"my homie is slumped over on the couch after thanksgiving dinner lmao", ClassOther, false, "", false},
	}
	for _, tt := range tests {
		got := Classify(tt.body, "", nil)
		if got.Class != tt.class || got.AlsoOptOut != tt.also || got.Rule != tt.rule || got.Distress != tt.distress {
			t.Errorf("Classify(%q) = %+v, want class %s, also %v, rule %q, distress %v",
				tt.body, got, tt.class, tt.also, tt.rule, tt.distress)
		}
		if tt.body != "STOP" && (got.CarrierHandled || got.Keyword != "") {
			t.Errorf("Classify(%q) = %+v: not a carrier keyword as sent", tt.body, got)
		}
	}
}
