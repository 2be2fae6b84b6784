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
