package message

import (
	"bytes"
	"encoding/json"
	"flag"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus/dev.jsonl and test.jsonl from en.jsonl and es.jsonl")

// corpusText is one labelled text of testdata/corpus.
type corpusText struct {
	Text      string `json:"text"`
	Lang      string `json:"lang"`  // en, es, spanglish
	Label     string `json:"label"` // opt_out crisis help join recovery free_text
	Ambiguous bool   `json:"ambiguous"`
	Safer     string `json:"safer"`
	Note      string `json:"note"`
}

// testShare is the percentage of each stratum held out as the test part.
const testShare = 35

func readCorpus(t testing.TB, name string) []corpusText {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusText
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var c corpusText
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("%s:%d: %v", name, i+1, err)
		}
		out = append(out, c)
	}
	return out
}

func fnv1a(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// splitCorpus splits the texts once, deterministically: within each stratum
// (lang, label, safer) the texts are ordered by the FNV-1a hash of their text
// and the first ceil(35%) go to the test part, the rest to the dev part.
func splitCorpus(all []corpusText) (dev, test []corpusText) {
	strata := map[string][]corpusText{}
	var keys []string
	for _, c := range all {
		k := c.Lang + "/" + c.Label + "/" + c.Safer
		if _, ok := strata[k]; !ok {
			keys = append(keys, k)
		}
		strata[k] = append(strata[k], c)
	}
	inTest := map[string]bool{}
	for _, k := range keys {
		s := strata[k]
		slices.SortFunc(s, func(a, b corpusText) int {
			ha, hb := fnv1a(a.Text), fnv1a(b.Text)
			switch {
			case ha < hb:
				return -1
			case ha > hb:
				return 1
			}
			return strings.Compare(a.Text, b.Text)
		})
		n := (len(s)*testShare + 99) / 100
		for _, c := range s[:n] {
			inTest[c.Text] = true
		}
	}
	// Keep the source order within each part.
	for _, c := range all {
		if inTest[c.Text] {
			test = append(test, c)
		} else {
			dev = append(dev, c)
		}
	}
	return dev, test
}

func encodeCorpus(t *testing.T, texts []corpusText) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, c := range texts {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestCorpusSplit checks that dev.jsonl and test.jsonl are the split of
// en.jsonl and es.jsonl; with -update it writes them.
func TestCorpusSplit(t *testing.T) {
	all := append(readCorpus(t, "en.jsonl"), readCorpus(t, "es.jsonl")...)
	dev, test := splitCorpus(all)
	if len(test)*100 < len(all)*testShare {
		t.Fatalf("test part %d of %d texts, under %d%%", len(test), len(all), testShare)
	}
	for name, part := range map[string][]corpusText{"dev.jsonl": dev, "test.jsonl": test} {
		path := filepath.Join("testdata", "corpus", name)
		want := encodeCorpus(t, part)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not the split of en.jsonl and es.jsonl: run go test -run TestCorpusSplit -update", path)
		}
	}
	t.Logf("%d texts: %d dev, %d test", len(all), len(dev), len(test))
}

// TestCorpusExtra checks extra.jsonl, the texts written after the split:
// each has a known language and label (and a safer label exactly when it
// is ambiguous), and none repeats another, nor a text of en.jsonl or
// es.jsonl, once case, accents and punctuation are set aside.
func TestCorpusExtra(t *testing.T) {
	labels := map[string]bool{"opt_out": true, "crisis": true, "help": true, "join": true, "recovery": true, "free_text": true}
	langs := map[string]bool{"en": true, "es": true, "spanglish": true}
	key := func(s string) string {
		f := strings.FieldsFunc(strings.ToLower(fold(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(f) == 0 {
			return strings.TrimSpace(s) // emoji alone
		}
		return strings.Join(f, " ")
	}
	seen := map[string]string{}
	for _, name := range []string{"en.jsonl", "es.jsonl"} {
		for _, c := range readCorpus(t, name) {
			seen[key(c.Text)] = name
		}
	}
	extra := readCorpus(t, "extra.jsonl")
	for i, c := range extra {
		switch {
		case !langs[c.Lang]:
			t.Errorf("extra.jsonl:%d: lang %q", i+1, c.Lang)
		case !labels[c.Label]:
			t.Errorf("extra.jsonl:%d: label %q", i+1, c.Label)
		case c.Ambiguous != (c.Safer != ""), c.Safer != "" && !labels[c.Safer]:
			t.Errorf("extra.jsonl:%d: ambiguous %v with safer %q", i+1, c.Ambiguous, c.Safer)
		}
		if where, dup := seen[key(c.Text)]; dup {
			t.Errorf("extra.jsonl:%d repeats a text of %s", i+1, where)
		}
		seen[key(c.Text)] = "extra.jsonl"
	}
	if len(extra) < 2000 {
		t.Errorf("extra.jsonl has %d texts", len(extra))
	}
}
