package program

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"

	"gopkg.in/yaml.v3"
)

// file is the program file as written. Every leaf is text so that a value
// of the wrong kind is reported against its field by check, not as a YAML
// type error without one.
type file struct {
	Name       string   `yaml:"name"`
	Keywords   []string `yaml:"keywords"`
	Support    support  `yaml:"support"`
	Frequency  string   `yaml:"frequency"`
	SendWindow window   `yaml:"send_window"`
	DailyCap   string   `yaml:"daily_cap"`
	TimeZone   string   `yaml:"time_zone"`
	TermsURL   string   `yaml:"terms_url"`
	PrivacyURL string   `yaml:"privacy_url"`
	Replies    replies  `yaml:"replies"`
	Sequence   []step   `yaml:"sequence"`
	// ConversationQuiet and CannedReplies are optional.
	ConversationQuiet string   `yaml:"conversation_quiet"`
	CannedReplies     []canned `yaml:"canned_replies"`

	seen map[string]bool // paths present in the file: "support.phone"
	bad  map[string]bool // paths whose value was of the wrong kind, already reported
}

type support struct {
	Phone string `yaml:"phone"`
	URL   string `yaml:"url"`
}

type window struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

type replies struct {
	Confirmation   string `yaml:"confirmation"`
	PendingConfirm string `yaml:"pending_confirm"`
	AlreadyActive  string `yaml:"already_active"`
	Help           string `yaml:"help"`
	Stop           string `yaml:"stop"`
	Crisis         string `yaml:"crisis"`
	CrisisOptOut   string `yaml:"crisis_opt_out"`
	FreeText       string `yaml:"free_text"`
	FreeTextAck    string `yaml:"free_text_ack"`
}

type step struct {
	ID    string `yaml:"id"`
	After string `yaml:"after"`
	Body  string `yaml:"body"`
}

type canned struct {
	Name string `yaml:"name"`
	Body string `yaml:"body"`
}

// decode reads data into f. fatal means the file could not be read at all
// and checking it further would only add noise. Like yaml.v3's KnownFields it rejects keys the
// file format does not have, but it walks the node tree itself so that each
// problem names its full path ("sequence[2].boddy: unknown key") rather than
// a Go type, and it reports all of them.
func decode(data []byte, f *file) (errs []error, fatal bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return []error{errors.New("the file is empty")}, true
		}
		return []error{fmt.Errorf("not valid YAML: %w", err)}, true
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return []error{errors.New("more than one YAML document (a second ---)")}, true
	}
	f.seen, f.bad = map[string]bool{}, map[string]bool{}
	root := &doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return []error{fmt.Errorf("the file: want keys and values, got %s (line %d)", kindName(root), root.Line)}, true
	}
	w := walker{seen: f.seen, bad: f.bad}
	w.walk(root, "", reflect.ValueOf(f).Elem())
	return w.errs, false
}

type walker struct {
	seen, bad map[string]bool
	errs      []error
}

func (w *walker) walk(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	fail := func(format string, args ...any) {
		w.bad[path] = true
		w.errs = append(w.errs, fmt.Errorf("%s: %s (line %d)", path, fmt.Sprintf(format, args...), n.Line))
	}
	null := n.Kind == yaml.ScalarNode && n.Tag == "!!null"

	switch v.Kind() {
	case reflect.Struct:
		if null {
			return // reported as missing fields by check
		}
		if n.Kind != yaml.MappingNode {
			fail("want keys and values, got %s", kindName(n))
			return
		}
		keys := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			idx := fieldByTag(v.Type(), k.Value)
			switch {
			case idx < 0:
				w.errs = append(w.errs, fmt.Errorf("%s: unknown key (line %d)", p, k.Line))
				continue
			case keys[k.Value]:
				w.errs = append(w.errs, fmt.Errorf("%s: given twice (line %d)", p, k.Line))
				continue
			}
			keys[k.Value] = true
			w.seen[p] = true
			w.walk(val, p, v.Field(idx))
		}

	case reflect.Slice:
		if null {
			return
		}
		if n.Kind != yaml.SequenceNode {
			fail("want a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			w.walk(c, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
		}
		v.Set(s)

	case reflect.String:
		if null {
			return
		}
		if n.Kind != yaml.ScalarNode {
			fail("want a single value, got %s", kindName(n))
			return
		}
		v.SetString(n.Value)
	}
}

// fieldByTag finds the struct field whose yaml tag is name.
func fieldByTag(t reflect.Type, name string) int {
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" && tag == name {
			return i
		}
	}
	return -1
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}
