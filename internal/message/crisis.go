package message

import "strings"

// Crisis language. The rule is biased towards a safety reply: a false alarm
// costs one caring text (911, 988, the 24/7 line) and a staff alert, a missed
// one can cost a life. So any mention of overdose counts, even "my friend
// died of an overdose last year and I want help", and so does "I don't want
// to die" (a person afraid of dying right now should get the numbers too).
// "end the pain" counts as well: it is how people describe wanting to die,
// and it is never a request to stop the texts.

// crisisWords count on their own.
var crisisWords = newSet(
	"OVERDOSE", "OVERDOSED", "OVERDOSING", "OVERDOSES", "OVERDOZE", "OD", "ODED", "ODING",
	"SUICIDE", "SUICIDAL", "KMS", "UNRESPONSIVE", "UNALIVE",
)

// crisisPhrases count as consecutive words, after crisisFillers are dropped
// and WANNA/GONNA/2 are spelled out ("i just wanna die" → I WANT TO DIE).
var crisisPhrases = phrases(
	// overdose, someone in danger now
	"TOOK TOO MUCH", "TAKEN TOO MUCH", "TAKE TOO MUCH", "TOOK TOO MANY", "TAKEN TOO MANY",
	"TAKE TOO MANY", "USED TOO MUCH", "DID TOO MUCH", "USED TOO MANY", "TOO MANY PILLS", "WHOLE BOTTLE",
	"OVER DOSE", "OVER DOSED", "OVER DOSING",
	"NOT BREATHING", "ISNT BREATHING", "STOPPED BREATHING", "BARELY BREATHING", "HARDLY BREATHING",
	"CANT BREATHE", "CANT BREATH",
	"WONT WAKE UP", "CANT WAKE HIM", "CANT WAKE HER", "CANT WAKE THEM", "CANT WAKE MY", "NOT WAKING UP", "WONT RESPOND", "NOT RESPONDING", "ISNT RESPONDING",
	"TURNING BLUE", "LIPS ARE BLUE", "LIPS TURNING BLUE", "BLUE LIPS", "NEED NARCAN", "NEED NALOXONE",
	// suicide and self-harm
	"KILL MYSELF", "KILLING MYSELF", "KILLED MYSELF", "END MY LIFE", "ENDING MY LIFE", "END MY OWN LIFE",
	"TAKE MY LIFE", "TAKE MY OWN LIFE", "TAKING MY LIFE", "TAKING MY OWN LIFE",
	"WANT TO DIE", "WANTED TO DIE", "WANT TO BE DEAD", "WISH I WAS DEAD", "WISH I WERE DEAD",
	"BETTER OFF DEAD", "READY TO DIE", "GOING TO DIE",
	"NO REASON TO LIVE", "NOTHING TO LIVE FOR", "NOT WORTH LIVING", "DONT WANT TO LIVE",
	"DONT WANT TO BE ALIVE", "DONT WANT TO BE HERE ANYMORE", "DONT WANT TO WAKE UP", "DONT WANT TO EXIST",
	"END THINGS", "ENDING THINGS", "TIRED OF LIVING", "TIRED OF BEING ALIVE", "WANT TO DISAPPEAR",
	"CANT GO ON", "CANT TAKE IT ANYMORE", "CANT DO THIS ANYMORE", "CANT DO IT ANYMORE", "END IT ALL", "ENDING IT ALL", "GOING TO END IT", "WANT TO END IT",
	"END THE PAIN", "END MY PAIN", "MAKE THE PAIN STOP",
	"HURT MYSELF", "HURTING MYSELF", "HARM MYSELF", "HARMING MYSELF", "SELF HARM", "SELF HARMING",
	"CUT MYSELF", "CUTTING MYSELF", "SHOOT MYSELF", "HANG MYSELF", "HANGING MYSELF", "OFF MYSELF",
)

// crisisFillers are dropped before matching: "I really just want to die".
var crisisFillers = newSet("JUST", "REALLY", "LITERALLY", "SERIOUSLY", "HONESTLY", "ACTUALLY",
	"PROBABLY", "FUCKING", "FREAKING", "TRULY", "KINDA", "SO", "DAMN")

func phrases(ps ...string) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Fields(p)
	}
	return out
}

// isCrisis reports whether the text speaks of overdose, suicide, self-harm or
// someone not breathing.
func isCrisis(clauses [][]string) bool {
	var toks []string
	for _, c := range clauses {
		for _, t := range c {
			if crisisWords[t] {
				return true
			}
			if !crisisFillers[t] {
				toks = append(toks, t)
			}
		}
		// Clause breaks are kept apart so phrases do not join across them.
		toks = append(toks, "")
	}
	for _, p := range crisisPhrases {
		if hasPhrase(toks, p) {
			return true
		}
	}
	// "I'm dying" (withdrawal can be dangerous too), but not "I'm dying to
	// know" or "dying of laughter".
	for i := 0; i+1 < len(toks); i++ {
		if (toks[i] == "IM" || toks[i] == "AM") && toks[i+1] == "DYING" {
			switch at(toks, i+2) {
			case "TO", "FOR", "OF", "LAUGHING", "LAUGHIN", "LMAO", "LOL", "HERE", "OVER":
				continue
			}
			return true
		}
	}
	return false
}
