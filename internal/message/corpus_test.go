package message

import (
	"flag"
	"fmt"
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
		if got.Class == ClassOptOut {
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
	scores := map[string]*corpusScore{"all": {}, "en": {}, "es": {}}
	for _, c := range texts {
		got := Classify(c.Text, "", nil)
		scores["all"].add(c, got)
		scores[langGroup(c.Lang)].add(c, got)
	}
	return scores
}

// gate makes TestCorpus fail when the test part misses the targets. It is
// off by default while the classifier is below them (see README.md "How
// texts are read"); turn it on with go test -run Corpus -corpus.gate.
var gate = flag.Bool("corpus.gate", false, "fail TestCorpus when the test part misses the targets")

// Targets on the test part.
const (
	minCrisisRecall = 97.0
	minOptOutRecall = 95.0
	maxFalseCrisis  = 10.0
)

// TestCorpus measures Classify on the held-out corpus (testdata/corpus). It
// prints aggregate figures for the test part and the dev part; with -v it
// lists the dev part's misread texts. The test part's texts are never
// printed: rules are tuned on the dev part only.
func TestCorpus(t *testing.T) {
	for _, part := range []string{"test", "dev"} {
		scores := scoreCorpus(readCorpus(t, part+".jsonl"))
		for _, lang := range []string{"all", "en", "es"} {
			t.Logf("%-4s %-3s %s", part, lang, scores[lang])
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
			for _, m := range miss {
				if *gate {
					t.Errorf("test part: %s", m)
				} else {
					t.Logf("test part below target: %s", m)
				}
			}
		}
		if part == "dev" && testing.Verbose() {
			t.Logf("dev part, misread:\n%s", strings.Join(scores["all"].misread, "\n"))
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
