package message

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The statistical reader: a multinomial logistic regression over the words
// of a text, trained on the labelled corpus (testdata/corpus: dev.jsonl and
// extra.jsonl, never test.jsonl). It reads crises the phrase rules and stem
// lexicons were never written for: the many ways people say they want to
// die without the phrases the rules know. The rules stay first and explain
// most verdicts; the model only adds a crisis where no rule saw one and the
// text has a crisis cue (classifyText), never an opt-out: on texts it did
// not learn it read too many recovery texts as opt-outs. Its Rule names
// the words that weighed most: "model:crisis 0.93 (WAKE UP, DONT WANT)".
//
// model.txt.gz is generated, as the average of trainFits fits that read
// the texts in different orders (model_test.go): go test
// ./internal/message -run TestModelTrained -model.train rewrites it from
// the corpus, and
// TestModelTrained checks that the committed file is what the corpus
// trains.

// Labels the model tells apart: the corpus labels.
const (
	labelCrisis = iota
	labelOptOut
	labelRecovery
	labelHelp
	labelJoin
	labelFreeText
	nLabels
)

var labelNames = [nLabels]string{"crisis", "opt_out", "recovery", "help", "join", "free_text"}

//go:embed model.txt.gz
var modelFile []byte

// weights is a trained model: one weight per label for each feature, and a
// bias per label.
type weights struct {
	bias [nLabels]float32
	w    map[string][nLabels]float32
}

var (
	loadModel = sync.OnceValue(func() *weights {
		m, err := parseModel(modelFile)
		if err != nil {
			panic("message: the embedded model.txt.gz is unreadable: " + err.Error())
		}
		return m
	})
)

// parseModel reads the model file: a first line "bias w0 … w5", then one
// line per feature, "feature<TAB>w0 … w5", gzipped.
func parseModel(gz []byte) (*weights, error) {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	m := &weights{w: map[string][nLabels]float32{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		name, vals, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: no tab", line)
		}
		f := strings.Fields(vals)
		if len(f) != nLabels {
			return nil, fmt.Errorf("line %d: %d weights, want %d", line, len(f), nLabels)
		}
		var ws [nLabels]float32
		for i, s := range f {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			ws[i] = float32(v)
		}
		if line == 1 {
			if name != "bias" {
				return nil, fmt.Errorf("line 1: %q, want bias", name)
			}
			m.bias = ws
			continue
		}
		m.w[name] = ws
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := r.Close(); err != nil {
		return nil, err
	}
	return m, nil
}

// features are what the model reads of a text's tokens (tokenize: folded,
// upper case, stretched words shortened, long key words' typos corrected):
// each word, each pair of neighbouring words in a clause, the first four
// letters of longer words (so MATARME and MATARTE, UNALIVING and UNALIVE
// share a feature), and the text's length in words.
func features(clauses [][]string) []string {
	n := 0
	for _, c := range clauses {
		n += len(c)
	}
	out := make([]string, 0, 3*n+1)
	for _, c := range clauses {
		for i, t := range c {
			out = append(out, "w:"+t)
			if i > 0 {
				out = append(out, "b:"+c[i-1]+" "+t)
			}
			if utf8.RuneCountInString(t) >= 6 {
				out = append(out, "p:"+prefix(t, 4))
			}

		}
	}
	switch {
	case n <= 1:
		out = append(out, "n:1")
	case n <= 3:
		out = append(out, "n:2-3")
	case n <= 8:
		out = append(out, "n:4-8")
	default:
		out = append(out, "n:9+")
	}
	return out
}

func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// reading is the model's verdict on one text.
type reading struct {
	p     [nLabels]float64
	m     *weights
	feats []string // the text's features, each once
}

// read scores a text's features. Each feature counts once.
func (m *weights) read(feats []string) reading {
	var z [nLabels]float64
	for i := range z {
		z[i] = float64(m.bias[i])
	}
	r := reading{m: m, feats: make([]string, 0, len(feats))}
	for _, f := range feats {
		ws, ok := m.w[f]
		if !ok || slices.Contains(r.feats, f) {
			continue // unknown, or counted already: a text has a few dozen features, fewer known
		}
		r.feats = append(r.feats, f)
		for l, v := range ws {
			z[l] += float64(v)
		}
	}
	r.p = softmax(z)
	return r
}

// why names the three features that weighed most for label, of those
// that weighed much at all.
func (r reading) why(label int) []string {
	top := make([]string, 0, 3)
	for _, f := range r.feats {
		if r.m.w[f][label] > 0.3 {
			top = append(top, f)
		}
	}
	slices.SortStableFunc(top, func(a, b string) int { return cmp.Compare(r.m.w[b][label], r.m.w[a][label]) })
	for i := range top[:min(3, len(top))] {
		top[i] = top[i][2:]
	}
	return top[:min(3, len(top))]
}

func softmax(z [nLabels]float64) [nLabels]float64 {
	mx := slices.Max(z[:])
	var sum float64
	var p [nLabels]float64
	for i, v := range z {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// rule names a model verdict for staff: "model:crisis 0.93 (WAKE UP, DONT
// WANT)".
func (r reading) rule(label int) string {
	s := fmt.Sprintf("model:%s %.2f", labelNames[label], r.p[label])
	if why := r.why(label); len(why) > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	return s
}
