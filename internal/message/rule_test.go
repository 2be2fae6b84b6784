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
