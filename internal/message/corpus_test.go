package message

import (
	"cmp"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// corpusScore counts, over one part of the corpus and one language group,
// what Classify makes of the texts that matter most.
type corpusScore struct {
	crisis, crisisHit     int // labelled crisis, or ambiguous with safer crisis
	optOut, optOutHit     int // labelled opt_out, or ambiguous with safer opt_out
	recovery, falseOptOut int // labelled recovery (safer not opt_out), read as opt_out
	freeText, falseCrisis int // labelled free_text (safer not crisis), read as crisis
	misread               []string
}

func pct(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return 100 * float64(n) / float64(d)
}

func (s *corpusScore) add(c corpusText, got Classification) {
	miss := ""
	if c.Label == "crisis" || c.Safer == "crisis" {
		s.crisis++
		if got.Class == ClassCrisis {
			s.crisisHit++
		} else {
			miss = "crisis missed"
		}
	}
	if c.Label == "opt_out" || c.Safer == "opt_out" {
		s.optOut++
		if got.Class == ClassOptOut || got.AlsoOptOut {
			s.optOutHit++
		} else {
			miss = "opt-out missed"
		}
	}
	if c.Label == "recovery" && c.Safer != "opt_out" {
		s.recovery++
		if got.Class == ClassOptOut || got.AlsoOptOut { // a crisis reply that also opts out unsubscribes too
			s.falseOptOut++
			miss = "false opt-out"
		}
	}
	if c.Label == "free_text" && c.Safer != "crisis" {
		s.freeText++
		if got.Class == ClassCrisis {
			s.falseCrisis++
			miss = "false crisis"
		}
	}
	if miss != "" {
		s.misread = append(s.misread, fmt.Sprintf("%-14s %-9s %s %q (%s)", miss, got.Class, c.Lang, c.Text, c.Note))
	}
}

func (s *corpusScore) String() string {
	return fmt.Sprintf("crisis recall %5.1f%% (%d/%d)  opt-out recall %5.1f%% (%d/%d)  false opt-outs on recovery %d/%d  false crisis on free text %4.1f%% (%d/%d)",
		pct(s.crisisHit, s.crisis), s.crisisHit, s.crisis,
		pct(s.optOutHit, s.optOut), s.optOutHit, s.optOut,
		s.falseOptOut, s.recovery,
		pct(s.falseCrisis, s.freeText), s.falseCrisis, s.freeText)
}

func langGroup(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "es" // es and spanglish
}

func scoreCorpus(texts []corpusText) map[string]*corpusScore {
	return scoreWith(texts, func(body string) Classification { return Classify(body, "", nil) })
}

func scoreWith(texts []corpusText, classify func(string) Classification) map[string]*corpusScore {
	scores := map[string]*corpusScore{"all": {}, "en": {}, "es": {}, "clear": {}, "ambiguous": {}}
	for _, c := range texts {
		got := classify(c.Text)
		scores["all"].add(c, got)
		scores[langGroup(c.Lang)].add(c, got)
		if c.Ambiguous {
			scores["ambiguous"].add(c, got)
		} else {
			scores["clear"].add(c, got)
		}
	}
	return scores
}

// Targets on the test part, always enforced.
const (
	minCrisisRecall = 97.0
	minOptOutRecall = 95.0
	maxFalseCrisis  = 10.0
)

// The floor on the test part, always enforced: what the classifier reaches
// now, at or above the targets. A change that reads people worse than this
// fails. The model thresholds are chosen, and the model trained, on the dev
// and extra texts only (TestModelCrossValidation), so the crisis floor has
// moved with them both ways (95.1%, then 94.3%, 95.1% again, 95.9%, 96.7%,
// 95.9% again, 96.7%, 95.9% once more when the forty-ninth batch joined
// the training texts, 96.7% with the fifty-first, and 97.6% with the
// fifty-fifth, the first to meet the target).
const (
	floorCrisisRecall = 97.5 // 120 of 123, printed 97.6%
	floorOptOutRecall = 96.8
	floorFalseOptOuts = 0
)

// crossval measures the dev part alone, split in two halves, so that a
// change can be judged before the test part is looked at: tune on the
// misreads of one half, keep the change only if the other half's figures
// improve too, then swap.
var crossval = flag.String("corpus.crossval", "", "measure only the dev part, split into halves A and B; list the misreads of the named half (A or B) with -v")

// crossvalHalves splits the dev part in two, deterministically: within each
// stratum (lang, label, safer) the texts are ordered by a hash of the text
// salted differently from the dev/test split, and dealt alternately to A
// and B.
func crossvalHalves(dev []corpusText) (a, b []corpusText) {
	strata := map[string][]corpusText{}
	var keys []string
	for _, c := range dev {
		k := c.Lang + "/" + c.Label + "/" + c.Safer
		if _, ok := strata[k]; !ok {
			keys = append(keys, k)
		}
		strata[k] = append(strata[k], c)
	}
	inA := map[string]bool{}
	for _, k := range keys {
		s := strata[k]
		slices.SortFunc(s, func(x, y corpusText) int {
			return cmp.Or(cmp.Compare(fnv1a("crossval "+x.Text), fnv1a("crossval "+y.Text)), strings.Compare(x.Text, y.Text))
		})
		for i, c := range s {
			if i%2 == 0 {
				inA[c.Text] = true
			}
		}
	}
	for _, c := range dev {
		if inA[c.Text] {
			a = append(a, c)
		} else {
			b = append(b, c)
		}
	}
	return a, b
}

// TestCorpus measures Classify on the held-out corpus (testdata/corpus). It
// prints aggregate figures for the test part, the dev part and the extra
// texts written after the split (extra.jsonl). The extra texts are read by
// the rules alone, since the model learnt from them
// (TestModelCrossValidation measures the model on them); rules were
// written from their misreads too, so neither figure says how the
// classifier reads texts it never saw: the test part's does. With -v it
// lists the dev part's misread texts. The test part's texts are never
// printed: rules are tuned on the dev and extra texts only.
//
// With -corpus.crossval=A (or B) it reads the dev part only, and prints
// the figures of its two halves, for Classify and for the stem lexicons
// alone (stems.go); with -v it lists the misreads of the named half only.
func TestCorpus(t *testing.T) {
	if *crossval != "" {
		corpusCrossval(t, *crossval)
		return
	}
	rulesAlone := func(body string) Classification {
		return classifyBody(body, Normalize(body), nil, allLayers&^modelLayer)
	}
	for _, part := range []string{"test", "dev", "extra"} {
		var scores map[string]*corpusScore
		switch part {
		case "extra":
			scores = scoreWith(readCorpus(t, "extra.jsonl"), rulesAlone)
		default:
			scores = scoreCorpus(readCorpus(t, part+".jsonl"))
		}
		for _, lang := range []string{"all", "en", "es", "clear", "ambiguous"} {
			t.Logf("%-7s %-9s %s", part, lang, scores[lang])
		}
		if a := scores["all"]; part == "test" {
			var miss []string
			if r := pct(a.crisisHit, a.crisis); r < minCrisisRecall {
				miss = append(miss, fmt.Sprintf("crisis recall %.1f%% < %.0f%%", r, minCrisisRecall))
			}
			if r := pct(a.optOutHit, a.optOut); r < minOptOutRecall {
				miss = append(miss, fmt.Sprintf("opt-out recall %.1f%% < %.0f%%", r, minOptOutRecall))
			}
			if a.falseOptOut > 0 {
				miss = append(miss, fmt.Sprintf("%d false opt-outs on recovery talk", a.falseOptOut))
			}
			if r := pct(a.falseCrisis, a.freeText); r > maxFalseCrisis {
				miss = append(miss, fmt.Sprintf("false crisis %.1f%% > %.0f%% of free text", r, maxFalseCrisis))
			}
			if r := pct(a.crisisHit, a.crisis); r < floorCrisisRecall {
				t.Errorf("test part: crisis recall %.1f%% fell below the floor of %.1f%%", r, floorCrisisRecall)
			}
			if r := pct(a.optOutHit, a.optOut); r < floorOptOutRecall {
				t.Errorf("test part: opt-out recall %.1f%% fell below the floor of %.1f%%", r, floorOptOutRecall)
			}
			if a.falseOptOut > floorFalseOptOuts {
				t.Errorf("test part: %d false opt-outs on recovery talk, more than the %d of the floor", a.falseOptOut, floorFalseOptOuts)
			}
			for _, m := range miss {
				t.Errorf("test part below target: %s", m)
			}
		}
		if part == "dev" && testing.Verbose() {
			t.Logf("dev part, misread:\n%s", strings.Join(scores["all"].misread, "\n"))
		}
	}
}

func corpusCrossval(t *testing.T, tune string) {
	if tune != "A" && tune != "B" {
		t.Fatalf("-corpus.crossval=%q: want A or B, the half whose misreads to list", tune)
	}
	a, b := crossvalHalves(readCorpus(t, "dev.jsonl"))
	halves := map[string][]corpusText{"A": a, "B": b}
	readers := []struct {
		name     string
		classify func(string) Classification
	}{
		{"classify", func(body string) Classification { return Classify(body, "", nil) }},
		{"phrases", func(body string) Classification { return classifyBody(body, Normalize(body), nil, phraseLayer) }},
		{"stems", func(body string) Classification { return classifyBody(body, Normalize(body), nil, stemLayer) }},
	}
	for _, r := range readers {
		for _, half := range []string{"A", "B"} {
			scores := scoreWith(halves[half], r.classify)
			for _, lang := range []string{"all", "en", "es"} {
				t.Logf("%-8s dev %s %-3s %s", r.name, half, lang, scores[lang])
			}
			if half == tune && testing.Verbose() {
				t.Logf("%s, dev half %s, misread:\n%s", r.name, half, strings.Join(scores["all"].misread, "\n"))
			}
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	var texts []string
	for _, name := range []string{"en.jsonl", "es.jsonl"} {
		for _, c := range readCorpus(b, name) {
			texts = append(texts, c.Text)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Classify(texts[i%len(texts)], "", nil)
	}
}
