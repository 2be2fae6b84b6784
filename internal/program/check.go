package program

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"textsupport/internal/message"
	"textsupport/internal/phone"
)

// replyField describes one reply: its key in the file, where it lives, what
// it must say and how many segments it may take before a warning.
type replyField struct {
	key string
	get func(*Replies) *string
	raw func(*replies) string
	// limit is the segment budget. Service replies should be one segment
	// (COMPLIANCE.md). The confirmation gets two: name, what, how often,
	// "Msg & data rates may apply", HELP, STOP and a terms link do not fit
	// in 160 characters with any warmth left. The crisis-and-opt-out reply
	// carries two messages' worth and also gets two.
	limit int
	// needs lists what the rendered text must contain.
	needs func(p *Program, text string) []string
	// exposed: the text goes out unasked, so its opening must be discreet
	// on a lock screen. Crisis replies answer the person's own words.
	exposed bool
}

var replyFields = []replyField{
	{key: "confirmation", limit: 2, exposed: true,
		get: func(r *Replies) *string { return &r.Confirmation },
		raw: func(r *replies) string { return r.Confirmation },
		needs: func(p *Program, t string) []string {
			missing := want(t, "the program name", p.Name, "the frequency", p.Frequency,
				"", "Msg & data rates may apply", "", "Reply HELP for help", "", "Reply STOP to opt out")
			return append(missing, termsPointer(p, t)...)
		}},
	{key: "pending_confirm", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.PendingConfirm },
		raw: func(r *replies) string { return r.PendingConfirm },
		needs: func(p *Program, t string) []string {
			return want(t, "the program name", p.Name, "", "Reply YES")
		}},
	{key: "already_active", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.AlreadyActive },
		raw: func(r *replies) string { return r.AlreadyActive },
		needs: func(p *Program, t string) []string {
			return want(t, "the program name", p.Name)
		}},
	{key: "help", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.Help },
		raw: func(r *replies) string { return r.Help },
		needs: func(p *Program, t string) []string {
			missing := want(t, "the program name", p.Name, "", "Reply STOP")
			if !(p.Support.Phone != "" && contains(t, p.Support.Phone) || p.Support.URL != "" && containsLink(t, p.Support.URL)) {
				missing = append(missing, "the support phone or URL")
			}
			return missing
		}},
	{key: "stop", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.Stop },
		raw: func(r *replies) string { return r.Stop },
		needs: func(p *Program, t string) []string {
			return append(want(t, "the program name", p.Name), noMoreMessages(t)...)
		}},
	{key: "crisis", limit: 1,
		get: func(r *Replies) *string { return &r.Crisis },
		raw: func(r *replies) string { return r.Crisis },
		needs: func(p *Program, t string) []string {
			return want(t, "", "911", "", "988", "the 24/7 line (support.phone)", p.Support.Phone)
		}},
	{key: "crisis_opt_out", limit: 2,
		get: func(r *Replies) *string { return &r.CrisisOptOut },
		raw: func(r *replies) string { return r.CrisisOptOut },
		needs: func(p *Program, t string) []string {
			missing := want(t, "", "911", "", "988", "the 24/7 line (support.phone)", p.Support.Phone,
				"the program name", p.Name)
			return append(missing, noMoreMessages(t)...)
		}},
	{key: "free_text", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.FreeText },
		raw: func(r *replies) string { return r.FreeText },
		needs: func(p *Program, t string) []string {
			return want(t, "the program name", p.Name, "how to reach a person (support.phone)", p.Support.Phone)
		}},
	{key: "free_text_ack", limit: 1, exposed: true,
		get: func(r *Replies) *string { return &r.FreeTextAck },
		raw: func(r *replies) string { return r.FreeTextAck },
		needs: func(p *Program, t string) []string {
			return want(t, "the program name", p.Name, "how to reach a person now (support.phone)", p.Support.Phone)
		}},
}

// stepLimit is the segment budget of a sequence message.
const stepLimit = 2

// discreetPrefix is how much of a message a lock screen shows, roughly.
const discreetPrefix = 60

// revealing words should not open an unasked-for message: whoever glances at
// the lock screen would learn what the person is dealing with.
var revealing = regexp.MustCompile(`(?i)\b(heroin|opioids?|opiates?|fentanyl|methadone|buprenorphine|suboxone|subutex|naloxone|narcan|naltrexone|vivitrol|overdos\w*|addict\w*|drugs?|relaps\w*|detox\w*|withdrawal|cocaine|meth|alcohol\w*|rehab)\b`)

// perDay reads "Up to 3 msgs/day" style wording.
var perDay = regexp.MustCompile(`(?i)\bup to (\d+)\s*(?:msgs?|messages?|texts?)?\s*(?:/|per|a|each)\s*day\b`)

var clock = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)

// stepID is what a step's id may be: it is kept in job arguments and rows.
var stepID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// checker collects problems and warnings while building a Program.
type checker struct {
	errs     []error
	warnings []string
	bad      map[string]bool // fields decode already reported
	public   *url.URL        // the service's public URL
}

func (c *checker) errorf(field, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

func (c *checker) warnf(field, format string, args ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf("%s: %s", field, fmt.Sprintf(format, args...)))
}

// reported: decode already complained about field or what holds it.
func (c *checker) reported(field string) bool {
	for p := range c.bad {
		if field == p || strings.HasPrefix(field, p+".") || strings.HasPrefix(field, p+"[") {
			return true
		}
	}
	return false
}

// required reports a missing or blank value and says whether it is there.
func (c *checker) required(field, v string) bool {
	if strings.TrimSpace(v) == "" {
		if !c.reported(field) {
			c.errorf(field, "missing")
		}
		return false
	}
	return true
}

// check turns the file into a Program, or says everything that is wrong.
// Each step checks one part of the file and fills in that part of p; the
// order is the order of the messages.
func (f *file) check(public *url.URL) (*Program, []error) {
	c := checker{bad: f.bad, public: public}
	p := &Program{}
	c.name(p, f)
	c.keywords(p, f)
	c.support(p, f)
	c.dailyCap(p, f)
	c.frequency(p, f)
	c.sendWindow(p, f)
	c.timeZone(p, f)
	c.links(p, f)
	// Texts last: they may use every value above as a placeholder.
	c.replies(p, f)
	c.sequence(p, f)
	c.conversations(p, f)

	if len(c.errs) > 0 {
		return nil, c.errs
	}
	p.Warnings = c.warnings
	p.Placeholders = f.placeholders()
	return p, nil
}

func (c *checker) name(p *Program, f *file) {
	if !c.required("name", f.Name) {
		return
	}
	p.Name = strings.TrimSpace(f.Name)
	if strings.ContainsAny(p.Name, "\r\n") {
		c.errorf("name", "must be one line")
	}
}

// support: the phone is required (HELP and crisis replies give it), the
// URL optional.
func (c *checker) support(p *Program, f *file) {
	if c.required("support.phone", f.Support.Phone) {
		p.Support.Phone = strings.TrimSpace(f.Support.Phone)
		if !phoneLike(p.Support.Phone) {
			c.errorf("support.phone", "%q is not a phone number (7 to 15 digits, with spaces, dashes, dots, brackets or a leading +)", p.Support.Phone)
		}
	}
	if u := strings.TrimSpace(f.Support.URL); u != "" {
		if !absoluteURL(u) {
			c.errorf("support.url", "%q is not an absolute http(s) URL", u)
		}
		p.Support.URL = u
	}
}

func (c *checker) dailyCap(p *Program, f *file) {
	if !c.required("daily_cap", f.DailyCap) {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.DailyCap))
	switch {
	case err != nil:
		c.errorf("daily_cap", "%q is not a whole number", f.DailyCap)
	case n < 1:
		c.errorf("daily_cap", "%d: must be at least 1", n)
	default:
		p.DailyCap = n
		if n > 3 {
			c.warnf("daily_cap", "%d a day is more than the 3 per 24 hours Florida and Oklahoma allow", n)
		}
	}
}

// frequency runs after dailyCap: the wording must not promise fewer
// messages a day than the cap lets through.
func (c *checker) frequency(p *Program, f *file) {
	if !c.required("frequency", f.Frequency) {
		return
	}
	p.Frequency = strings.TrimSpace(f.Frequency)
	if m := perDay.FindStringSubmatch(p.Frequency); m != nil && p.DailyCap > 0 {
		if n, _ := strconv.Atoi(m[1]); n < p.DailyCap {
			c.errorf("frequency", "%q promises at most %d a day, but daily_cap is %d", p.Frequency, n, p.DailyCap)
		}
	}
}

func (c *checker) timeZone(p *Program, f *file) {
	if !c.required("time_zone", f.TimeZone) {
		return
	}
	tz := strings.TrimSpace(f.TimeZone)
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		c.errorf("time_zone", "%q is not an IANA time zone such as America/New_York", tz)
	}
	p.DefaultTimeZone = tz
}

// links: the terms and privacy pages, each an absolute URL or a path on
// this service; by default the service's own /terms and /privacy, so a
// program never sends people to a page nobody wrote.
func (c *checker) links(p *Program, f *file) {
	for _, u := range []struct {
		field, v, def string
		dst, link     *string
	}{
		{"terms_url", f.TermsURL, "/terms", &p.TermsURL, &p.TermsLink},
		{"privacy_url", f.PrivacyURL, "/privacy", &p.PrivacyURL, &p.PrivacyLink},
	} {
		v := strings.TrimSpace(u.v)
		if v == "" {
			if c.reported(u.field) {
				continue
			}
			v = u.def
		}
		*u.dst, *u.link = v, v
		switch {
		case absoluteURL(v):
		case strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//"):
			if c.public != nil {
				*u.link = c.public.JoinPath(v).String()
			}
		default:
			c.errorf(u.field, "%q is neither an absolute http(s) URL nor a path such as /terms", v)
		}
	}
}

// replies renders each reply, then checks what it must say and its cost.
func (c *checker) replies(p *Program, f *file) {
	for _, r := range replyFields {
		field := "replies." + r.key
		text, ok := c.render(field, r.raw(&f.Replies), p)
		if !ok {
			continue
		}
		*r.get(&p.Replies) = text
		for _, m := range r.needs(p, text) {
			c.errorf(field, "must contain %s", m)
		}
		c.cost(field, text, r.limit, r.exposed)
	}
}

func (c *checker) keywords(p *Program, f *file) {
	if len(f.Keywords) == 0 {
		if !c.reported("keywords") {
			c.errorf("keywords", "missing: at least one join keyword")
		}
		return
	}
	seen := map[string]bool{}
	for i, k := range f.Keywords {
		field := fmt.Sprintf("keywords[%d]", i)
		k = strings.ToUpper(strings.TrimSpace(k))
		switch {
		case k == "":
			c.errorf(field, "missing")
			continue
		case !oneWord(k):
			c.errorf(field, "%q: must be one word of letters and digits", k)
			continue
		case seen[k]:
			c.errorf(field, "%q is listed twice", k)
			continue
		}
		if cl := message.Classify(k, "", nil); cl.Class != message.ClassOther {
			c.errorf(field, "%q is reserved: people sending it are classified %s", k, cl.Class)
			continue
		}
		seen[k] = true
		p.Keywords = append(p.Keywords, k)
	}
}

func (c *checker) sendWindow(p *Program, f *file) {
	start, okStart := c.clock("send_window.start", f.SendWindow.Start)
	end, okEnd := c.clock("send_window.end", f.SendWindow.End)
	if !okStart || !okEnd {
		return
	}
	if start >= end {
		c.errorf("send_window", "start %s is not before end %s", hhmm(start), hhmm(end))
		return
	}
	if start < Federal.Start {
		c.warnf("send_window.start", "%s is before %s, the federal limit (47 CFR 64.1200(c)(1)); narrowed to %s", hhmm(start), hhmm(Federal.Start), hhmm(Federal.Start))
		start = Federal.Start
	}
	if end > Federal.End {
		c.warnf("send_window.end", "%s is after %s, the federal limit (47 CFR 64.1200(c)(1)); narrowed to %s", hhmm(end), hhmm(Federal.End), hhmm(Federal.End))
		end = Federal.End
	}
	if start >= end {
		c.errorf("send_window", "%s to %s lies outside the federal %s to %s", f.SendWindow.Start, f.SendWindow.End, hhmm(Federal.Start), hhmm(Federal.End))
		return
	}
	p.SendWindow = Window{Start: start, End: end}
	// A window no longer than the gap between an area code's zones is
	// never open in all of them at once: those people's steps would wait
	// for ever (reported as stalled; the zone a person gives on the form
	// is used instead of the area code's).
	var wide []string
	for _, w := range phone.WideAreaCodes {
		if end-start <= w.Spread {
			wide = append(wide, fmt.Sprintf("%s (%gh apart)", w.NPA, w.Spread.Hours()))
		}
	}
	if end-start <= phone.TwoZoneSpread {
		wide = append(wide, "every area code in two zones (850, 219, 541 and others, 1h apart)")
	}
	if len(wide) > 0 {
		c.warnf("send_window", "%s to %s is never open in every zone of area codes %s: people there get no sequence message unless they gave their time zone",
			hhmm(start), hhmm(end), strings.Join(wide, ", "))
	}
}

// clock parses "HH:MM" (00:00 to 24:00) as an offset from midnight.
func (c *checker) clock(field, v string) (time.Duration, bool) {
	if !c.required(field, v) {
		return 0, false
	}
	m := clock.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		c.errorf(field, "%q: want HH:MM", v)
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	if h > 24 || mi > 59 || h == 24 && mi != 0 {
		c.errorf(field, "%q is not a time of day", v)
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, true
}

func hhmm(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func (c *checker) sequence(p *Program, f *file) {
	if len(f.Sequence) == 0 {
		if !c.reported("sequence") {
			c.errorf("sequence", "missing: at least one step")
		}
		return
	}
	var prev time.Duration
	ids := map[string]int{}
	for i, s := range f.Sequence {
		field := fmt.Sprintf("sequence[%d]", i)
		id := strings.TrimSpace(s.ID)
		if c.required(field+".id", s.ID) {
			if !stepID.MatchString(id) {
				c.errorf(field+".id", "%q: use 1 to 40 lower-case letters, digits, - and _, starting with a letter or digit", s.ID)
			} else if j, dup := ids[id]; dup {
				c.errorf(field+".id", "%q is also sequence[%d]'s id: each step needs its own", id, j)
			}
			ids[id] = i
		}
		var after time.Duration
		if c.required(field+".after", s.After) {
			d, err := time.ParseDuration(strings.TrimSpace(s.After))
			switch {
			case err != nil:
				c.errorf(field+".after", "%q: invalid duration (write it like 90s, 30m, 24h or 72h30m)", s.After)
			case d < 0:
				c.errorf(field+".after", "%q: must not be negative", s.After)
			case i > 0 && d < prev:
				c.errorf(field+".after", "%q comes before the previous step's %s: steps must be in order", s.After, formatDuration(prev))
			default:
				after = d
			}
			if err == nil && d >= 0 {
				prev = max(prev, d)
			}
		}
		body, ok := c.render(field+".body", s.Body, p)
		if !ok {
			continue
		}
		n, enc := message.Segments(body)
		p.Sequence = append(p.Sequence, Step{ID: id, After: after, Body: body, Segments: n, Encoding: enc})
		c.cost(field+".body", body, stepLimit, true)
	}
}

// textData is what a text's placeholders see: the program, with its terms
// and privacy links absolute, since a phone cannot open "/terms".
type textData struct {
	*Program
	TermsURL, PrivacyURL string
}

// render fills a text's placeholders ({{.Name}}, {{.Support.Phone}}, …) from
// the program and trims it.
func (c *checker) render(field, raw string, p *Program) (string, bool) {
	if !c.required(field, raw) {
		return "", false
	}
	t, err := template.New(field).Option("missingkey=error").Parse(raw)
	if err != nil {
		c.errorf(field, "%v", err)
		return "", false
	}
	var b strings.Builder
	if err := t.Execute(&b, textData{Program: p, TermsURL: p.TermsLink, PrivacyURL: p.PrivacyLink}); err != nil {
		c.errorf(field, "%v", err)
		return "", false
	}
	text := strings.TrimSpace(b.String())
	if text == "" {
		c.errorf(field, "empty once its placeholders are filled")
		return "", false
	}
	return text, true
}

// cost warns about a text's price and discretion.
func (c *checker) cost(field, text string, limit int, exposed bool) {
	n, enc := message.Segments(text)
	if n > limit {
		c.warnf(field, "%d segments (%s, %d chars); aim for %d", n, enc, len([]rune(text)), limit)
	}
	if enc == message.UCS2 {
		c.warnf(field, "sent as UCS-2 (70 chars a segment) because of %q; use plain quotes and dashes", string(message.NonGSM(text)))
	}
	if exposed {
		head := []rune(text)
		if len(head) > discreetPrefix {
			head = head[:discreetPrefix]
		}
		if w := revealing.FindString(string(head)); w != "" {
			c.warnf(field, "%q in the first %d characters shows on a lock screen", w, discreetPrefix)
		}
	}
}

// want returns the descriptions of the required pieces text lacks. Pairs of
// (description, piece); an empty description means the piece quoted.
func want(text string, pairs ...string) []string {
	var missing []string
	for i := 0; i+1 < len(pairs); i += 2 {
		desc, piece := pairs[i], pairs[i+1]
		if piece == "" || contains(text, piece) {
			continue
		}
		if desc == "" {
			desc = strconv.Quote(piece)
		} else {
			desc = fmt.Sprintf("%s (%q)", desc, piece)
		}
		missing = append(missing, desc)
	}
	return missing
}

// contains compares case-insensitively, with runs of white space as one space.
func contains(text, piece string) bool {
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return strings.Contains(fold(text), fold(piece))
}

// containsLink finds an absolute URL with or without its scheme.
func containsLink(text, link string) bool {
	if contains(text, link) {
		return true
	}
	bare := strings.TrimPrefix(strings.TrimPrefix(link, "https://"), "http://")
	return bare != link && contains(text, bare)
}

// termsPointer: the confirmation says where terms and privacy are, with a
// link the phone can open: the terms or privacy link (absolute, as texts
// carry them), or the support URL.
func termsPointer(p *Program, t string) []string {
	var missing []string
	for _, w := range []string{"terms", "privacy"} {
		if !contains(t, w) {
			missing = append(missing, fmt.Sprintf("the word %q", w))
		}
	}
	var links []string
	for _, l := range []string{p.TermsLink, p.PrivacyLink, p.Support.URL} {
		if absoluteURL(l) {
			links = append(links, l)
		}
	}
	if !slices.ContainsFunc(links, func(l string) bool { return containsLink(t, l) }) {
		if len(links) == 0 {
			missing = append(missing, "a link to the terms and privacy policy (set terms_url, privacy_url or support.url to an absolute URL)")
		} else {
			missing = append(missing, fmt.Sprintf("a link to the terms and privacy policy (one of %s)", strings.Join(links, ", ")))
		}
	}
	return missing
}

// noMoreMessages: the opt-out confirmation says nothing more will come.
func noMoreMessages(t string) []string {
	for _, s := range []string{"no more", "no further", "won't receive", "will not receive", "won't get",
		"will not get", "won't send", "will not send", "unsubscribed", "opted out"} {
		if contains(t, s) {
			return nil
		}
	}
	return []string{`that no more messages will come (e.g. "no more messages")`}
}

func oneWord(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func phoneLike(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// cannedLimit is the segment budget of a canned reply.
const cannedLimit = 3

// conversations checks how conversations with staff go: how long the
// sequence waits after a conversation's latest message, and the canned
// replies staff may pick (unique names, texts within their budget).
func (c *checker) conversations(p *Program, f *file) {
	p.ConversationQuiet = DefaultConversationQuiet
	if q := strings.TrimSpace(f.ConversationQuiet); q != "" {
		d, err := time.ParseDuration(q)
		switch {
		case err != nil:
			c.errorf("conversation_quiet", "%q: invalid duration (write it like 24h or 48h)", f.ConversationQuiet)
		case d < time.Hour:
			c.errorf("conversation_quiet", "%q: must be at least 1h", f.ConversationQuiet)
		default:
			p.ConversationQuiet = d
		}
	}
	names := map[string]bool{}
	for i, r := range f.CannedReplies {
		field := fmt.Sprintf("canned_replies[%d]", i)
		name := strings.TrimSpace(r.Name)
		switch {
		case !c.required(field+".name", r.Name):
		case names[strings.ToLower(name)]:
			c.errorf(field+".name", "%q is the name of an earlier canned reply", name)
		default:
			names[strings.ToLower(name)] = true
		}
		body, ok := c.render(field+".body", r.Body, p)
		if !ok || name == "" {
			continue
		}
		n, _ := message.Segments(body)
		p.CannedReplies = append(p.CannedReplies, CannedReply{Name: name, Body: body, Segments: n})
		c.cost(field+".body", body, cannedLimit, true)
	}
}
