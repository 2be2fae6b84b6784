// Package program loads the program file: everything an operator changes
// without a release (name, keywords, replies, send window, daily cap and the
// resource sequence), checked against the CTIA and FCC rules in
// COMPLIANCE.md before the service will start with it.
package program

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	// The default time zone is checked at load, so the zone database must
	// be there even in a minimal container image.
	_ "time/tzdata"

	"textsupport/internal/message"
	"textsupport/templates"
)

// DefaultFile is the name of the embedded default program in templates.FS.
const DefaultFile = "program.yaml"

// Program is a loaded, checked program file. Every text in it is rendered
// (placeholders filled) and ready to send.
type Program struct {
	Name     string
	Keywords []string // join keywords, upper case
	Support  struct{ Phone, URL string }
	// Frequency is the wording the confirmation promises, e.g. "Up to 3
	// msgs/day" or "Msg frequency varies".
	Frequency  string
	SendWindow Window
	DailyCap   int
	// DefaultTimeZone is the IANA zone used when neither the form nor the
	// area code gives one.
	DefaultTimeZone string
	// TermsURL and PrivacyURL are absolute URLs or paths ("/terms") the
	// service serves; "/terms" and "/privacy" when the file leaves them out.
	TermsURL, PrivacyURL string
	// TermsLink and PrivacyLink are the same as texts carry them ({{.TermsURL}}):
	// absolute, a path joined to the service's public URL.
	TermsLink, PrivacyLink string
	Replies                Replies
	Sequence               []Step
	// ConversationQuiet is how long the sequence waits after the latest
	// message of a conversation that is not closed (default 48h).
	ConversationQuiet time.Duration
	// CannedReplies are texts staff may pick to answer in a conversation.
	CannedReplies []CannedReply
	// Warnings are what the operator should know but need not fix: a send
	// window narrowed to the federal 08:00–21:00, a reply longer than its
	// segment budget, a message that forces UCS-2.
	Warnings []string
	// Placeholders name the example content still in the file (example.org
	// links, fictional 555-01xx numbers), each as "field: what": fine for a
	// demo, never for real people (see PlaceholderContent).
	Placeholders []string
}

// Replies are the service's answers, rendered.
type Replies struct {
	// Confirmation is the first message after any opt-in (keyword, YES to a
	// web sign-up, START after STOP): program name, what and how often,
	// "Msg & data rates may apply", HELP and STOP, terms and privacy.
	Confirmation string
	// PendingConfirm asks a web sign-up to reply YES (double opt-in).
	PendingConfirm string
	// AlreadyActive answers a subscriber who texts a join keyword again.
	AlreadyActive string
	// Help answers HELP and INFO: program name, support contact, how to opt out.
	Help string
	// Stop is the one opt-out confirmation: program name, no more messages.
	Stop string
	// Crisis answers overdose, suicide or self-harm language: 911, 988 and
	// the program's 24/7 line.
	Crisis string
	// CrisisOptOut answers a message that is both a crisis and a revocation
	// (message.Classification.AlsoOptOut): the crisis reply and the opt-out
	// confirmation in one text, since nothing may follow the confirmation.
	CrisisOptOut string
	// FreeText answers anything else, at most once a day: how to reach a person.
	FreeText string
	// FreeTextAck acknowledges a further text the same day, at most once an
	// hour: a person has the conversation, and how to reach one now.
	FreeTextAck string
}

// Step is one message of the resource sequence.
type Step struct {
	// ID is the step's identity: what was sent, what is owed and what a
	// job sends are all known by it, so steps may be inserted, removed
	// and reordered while people are mid-sequence.
	ID       string
	After    time.Duration // after the opt-in
	Body     string
	Segments int
	Encoding message.Encoding
}

// Hash is a short hash of the step's text: kept with its jobs and its
// outbound row, so a retried send looks for the text that actually went.
func (s Step) Hash() string { return BodyHash(s.Body) }

// BodyHash is the hash Step.Hash gives a text.
func BodyHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:8])
}

// StepByID finds a step of the sequence and its place in it.
func (p *Program) StepByID(id string) (Step, int, bool) {
	for i, s := range p.Sequence {
		if s.ID == id {
			return s, i, true
		}
	}
	return Step{}, -1, false
}

// CannedReply is a ready-made answer for staff, rendered.
type CannedReply struct {
	Name     string
	Body     string
	Segments int
}

// DefaultConversationQuiet is how long the sequence waits after a
// conversation's latest message when the program file does not say.
const DefaultConversationQuiet = 48 * time.Hour

// Window is the part of the day when sequence messages may go, as offsets
// from local midnight; Start is inclusive, End exclusive.
type Window struct{ Start, End time.Duration }

// Federal is the widest window 47 CFR 64.1200(c)(1) allows: 08:00 to 21:00
// at the recipient's location.
var Federal = Window{Start: 8 * time.Hour, End: 21 * time.Hour}

// ByName returns the replies keyed by their names in the program file
// (confirmation, pending_confirm, already_active, help, stop, crisis,
// crisis_opt_out, free_text, free_text_ack).
func (r Replies) ByName() map[string]string {
	m := make(map[string]string, len(replyFields))
	for _, f := range replyFields {
		m[f.key] = *f.get(&r)
	}
	return m
}

// LocalURL is the service's default PUBLIC_URL. Load and Parse join paths
// such as /terms to it; the service itself uses LoadFor with its own.
var LocalURL = &url.URL{Scheme: "http", Host: "localhost:8080"}

// Load is LoadFor with LocalURL.
func Load(path string) (*Program, error) { return LoadFor(path, LocalURL) }

// LoadFor reads a program file for the service at publicURL, which makes
// the links texts carry absolute; path "" is the embedded default
// (templates/program.yaml).
func LoadFor(path string, publicURL *url.URL) (*Program, error) {
	var (
		data []byte
		err  error
	)
	if path == "" {
		path = "embedded " + DefaultFile
		data, err = templates.FS.ReadFile(DefaultFile)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("program file: %w", err)
	}
	p, err := ParseFor(data, publicURL)
	if err != nil {
		return nil, fmt.Errorf("program file %s:\n%w", path, err)
	}
	return p, nil
}

// Parse is ParseFor with LocalURL.
func Parse(data []byte) (*Program, error) { return ParseFor(data, LocalURL) }

// ParseFor reads and checks a program file for the service at publicURL.
// Every problem is reported at once, each naming its field
// (`sequence[3].after: "3x": invalid duration`), and nothing half valid is
// returned.
func ParseFor(data []byte, publicURL *url.URL) (*Program, error) {
	var f file
	errs, fatal := decode(data, &f)
	if fatal {
		return nil, errors.Join(errs...)
	}
	p, more := f.check(publicURL)
	if errs = append(errs, more...); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// SegmentReport is one line per reply and sequence step: its name, segment
// count and encoding. The service prints it at start-up so an operator sees
// what each text costs.
func (p *Program) SegmentReport() []string {
	var lines []string
	for _, f := range replyFields {
		body := *f.get(&p.Replies)
		n, enc := message.Segments(body)
		lines = append(lines, fmt.Sprintf("replies.%-15s %d %-8s %s, %d chars", f.key, n, plural(n), enc, len([]rune(body))))
	}
	for i, s := range p.Sequence {
		name := fmt.Sprintf("sequence[%d] %s +%s", i, s.ID, formatDuration(s.After))
		lines = append(lines, fmt.Sprintf("%-23s %d %-8s %s, %d chars", name, s.Segments, plural(s.Segments), s.Encoding, len([]rune(s.Body))))
	}
	return lines
}

// Texts are the bodies of the replies and the sequence steps, in
// SegmentReport's order.
func (p *Program) Texts() []string {
	var texts []string
	for _, f := range replyFields {
		texts = append(texts, *f.get(&p.Replies))
	}
	for _, s := range p.Sequence {
		texts = append(texts, s.Body)
	}
	return texts
}

func plural(n int) string {
	if n == 1 {
		return "segment"
	}
	return "segments"
}

// formatDuration writes whole days as days: 504h is "21d".
func formatDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
