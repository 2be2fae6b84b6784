package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"textsupport/internal/message"
	"textsupport/internal/phone"
	"textsupport/internal/store"
	"textsupport/internal/web/httpx"
	"textsupport/templates"
)

// Views are the staff pages, parsed once at start-up, and what every page
// shows besides its own content: who is signed in, the conversations
// waiting for staff, the last action's result.
type Views struct {
	pages    map[string]*template.Template
	csp      string
	db       *store.DB
	sessions *Sessions
	logger   *slog.Logger
}

// parseViews parses each staff_*.html page with the shared layout.
func parseViews(db *store.DB, sessions *Sessions, cfg Config) (*Views, error) {
	v := &Views{db: db, sessions: sessions, logger: cfg.Logger}
	base, err := template.New("staff").Funcs(templateFuncs(cfg.TimeZone, cfg.Now)).ParseFS(templates.FS, "staff_layout.html", "staff_chart.html")
	if err != nil {
		return nil, err
	}
	var css, js bytes.Buffer
	probe, err := base.Clone() // a template that has run cannot be cloned
	if err != nil {
		return nil, err
	}
	if err := probe.ExecuteTemplate(&css, "css", nil); err != nil {
		return nil, err
	}
	// The script is hashed as the layout writes it, inside its element:
	// html/template escapes some text differently outside one.
	if probe, err = base.Clone(); err != nil {
		return nil, err
	}
	if probe, err = probe.New("script-probe").Parse(`<script>{{template "script"}}</script>`); err != nil {
		return nil, err
	}
	if err := probe.ExecuteTemplate(&js, "script-probe", nil); err != nil {
		return nil, err
	}
	script := bytes.TrimSuffix(bytes.TrimPrefix(js.Bytes(), []byte("<script>")), []byte("</script>"))
	// The one style element and the one script (the live inbox, the reply
	// box's counter) are allowed by their hashes; nothing else runs. Images
	// from data: URIs too, for the second factor's QR code, made here.
	v.csp = httpx.ScriptCSP(css.Bytes(), script, "data:")

	names, err := fs.Glob(templates.FS, "staff_*.html")
	if err != nil {
		return nil, err
	}
	v.pages = map[string]*template.Template{}
	for _, name := range names {
		if name == "staff_layout.html" || name == "staff_chart.html" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templates.FS, name); err != nil {
			return nil, err
		}
		v.pages[strings.TrimSuffix(strings.TrimPrefix(name, "staff_"), ".html")] = t
	}
	for _, want := range []string{"login", "code", "mfa", "overview", "conversations", "conversation", "reveal", "optout", "tokens", "audit", "error"} {
		if v.pages[want] == nil {
			return nil, fmt.Errorf("staff_%s.html is missing", want)
		}
	}
	return v, nil
}

// Headers keeps staff pages out of caches and frames, and allows only the
// staff pages' own script and nothing from elsewhere.
func Headers(v *Views) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", "no-store")
			httpx.PageHeaders(h, v.csp, "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

// RequireAdmin refuses (403) what only admins may see or do.
func RequireAdmin(v *Views) func(http.Handler) http.Handler {
	return require(v, (*store.Staff).IsAdmin, "Only admins can see this page. Ask an admin if you need something from it.")
}

// RequireResponder refuses (403) the conversations themselves to those who
// may see only their counts.
func RequireResponder(v *Views) func(http.Handler) http.Handler {
	return require(v, (*store.Staff).CanAnswer, "Only admins and responders can read and answer conversations. Ask an admin if you need to.")
}

// require refuses (403), with refusal, a signed-in login that may not.
func require(v *Views, may func(*store.Staff) bool, refusal string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !may(staffFrom(r.Context())) {
				v.renderError(w, r, http.StatusForbidden, refusal)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// HandleNotFound answers any other path under /staff.
func HandleNotFound(v *Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v.renderError(w, r, http.StatusNotFound, "There is no such page.")
	}
}

// page is what every staff page template gets.
type page struct {
	Title string
	Nav   string // which nav entry is current
	Staff *store.Staff
	// Waiting counts the conversations waiting for staff, for the nav.
	Waiting int64
	// Paused, when set, is why sending is paused (an account error at the
	// carrier): every page says so, until it works again.
	Paused *store.Pause
	Flash  string
	Data   any
}

// render writes a page, executed in full before anything is sent so that
// a failure gives a clean error.
func (v *Views) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	ctx := r.Context()
	p.Staff = staffFrom(ctx)
	if p.Staff != nil {
		if p.Flash == "" {
			p.Flash = v.sessions.popFlash(ctx)
		}
		counts, err := v.db.CountConversations(ctx)
		if err != nil {
			httpx.ServerError(v.logger, w, r, err)
			return
		}
		p.Waiting = counts.OpenCrisis + counts.OpenOther
		if p.Paused, err = v.db.SendingPause(ctx); err != nil {
			httpx.ServerError(v.logger, w, r, err)
			return
		}
	}
	v.execute(w, r, status, name, "layout", p)
}

// renderPart writes one named part of a page on its own (the live inbox's
// refresh), with the page's data.
func (v *Views) renderPart(w http.ResponseWriter, r *http.Request, name, part string, p page) {
	p.Staff = staffFrom(r.Context())
	v.execute(w, r, http.StatusOK, name, part, p)
}

func (v *Views) execute(w http.ResponseWriter, r *http.Request, status int, name, tmpl string, p page) {
	var buf bytes.Buffer
	if err := v.pages[name].ExecuteTemplate(&buf, tmpl, p); err != nil {
		httpx.ServerError(v.logger, w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (v *Views) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	v.render(w, r, status, "error", page{Title: http.StatusText(status), Data: message})
}

// templateFuncs are the helpers staff pages use.
func templateFuncs(loc *time.Location, now func() time.Time) template.FuncMap {
	when := func(t time.Time) string { return t.In(loc).Format("Jan 2, 2006, 3:04 PM MST") }
	return template.FuncMap{
		"num": formatCount,
		"add": func(a, b float64) float64 { return a + b },
		"sub": func(a, b float64) float64 { return a - b },
		"ago": func(t time.Time) string { return sinceText(now(), t) },
		"signed": func(n int64) string {
			if n > 0 {
				return "+" + formatCount(n)
			}
			return formatCount(n)
		},
		"pct": func(f *float64) string {
			if f == nil {
				return "—"
			}
			return strconv.FormatFloat(*f*100, 'f', 1, 64) + " %"
		},
		"share": func(part, whole int64) string {
			if whole <= 0 {
				return "—"
			}
			return strconv.FormatFloat(float64(part)/float64(whole)*100, 'f', 1, 64) + " %"
		},
		"when": when,
		"whenp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return when(*t)
		},
		"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"mask": phone.Mask,
		"derefState": func(s *store.State) string {
			if s == nil {
				return "never subscribed"
			}
			return string(*s)
		},
		"statusLabel": func(s store.ConversationStatus) string {
			switch s {
			case store.ConversationOpen:
				return "waiting for staff"
			case store.ConversationWaiting:
				return "waiting for the person"
			}
			return string(s)
		},
		"classLabel": func(class string) string {
			if l, ok := classLabels[message.Class(class)]; ok {
				return l
			}
			return strings.ReplaceAll(class, "_", " ")
		},
		"misreadLabel":   func(label string) string { return misreadLabels[label] },
		"misreadChoices": func() []string { return store.MisreadLabels },
		"words":          func(name string) string { return strings.ReplaceAll(name, "_", " ") },
		"isCrisis":       func(priority int) bool { return priority == store.PriorityCrisis },
		"seconds":        func(n *int64) string { return durationText(n) },
		"clock":          func(t time.Time) string { return t.In(loc).Format("15:04") },
		"ptr":            func(n int64) *int64 { return &n },
		"derefTime": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"gsmBasic": func() string { b, _ := message.GSMAlphabet(); return b },
		"gsmExt":   func() string { _, e := message.GSMAlphabet(); return e },
		"actionLabel": func(action string) string {
			if l, ok := auditActionLabels[action]; ok {
				return l
			}
			return action
		},
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
	}
}

// classLabels say how the service read an inbound text.
var classLabels = map[message.Class]string{
	message.ClassOptOut: "an opt-out", message.ClassOptIn: "an opt-in", message.ClassHelp: "a request for help",
	message.ClassJoin: "a join keyword", message.ClassCrisis: "crisis", message.ClassOther: "free text",
}

var auditActionLabels = map[string]string{
	store.AuditLogin:                "signed in",
	store.AuditLoginFailed:          "sign-in failed",
	store.AuditLoginLimited:         "sign-in refused (too many attempts)",
	store.AuditLogout:               "signed out",
	store.AuditAlertOpened:          "opened an alert",
	store.AuditAlertHandled:         "marked an alert handled",
	store.AuditConversationOpened:   "opened a conversation",
	store.AuditConversationReply:    "replied in a conversation",
	store.AuditConversationAssigned: "assigned a conversation",
	store.AuditConversationClosed:   "closed a conversation",
	store.AuditNumberRevealed:       "revealed a full number",
	store.AuditOptOut:               "opted a number out on request",
	store.AuditOptOutNoMatch:        "tried to opt out a number that is not subscribed",
	store.AuditExport:               "exported figures",
	store.AuditTokenRevoked:         "revoked an API token",
	store.AuditMFAEnrolled:          "set up a second factor",
	store.AuditStaffDisabled:        "disabled a login",
	store.AuditStaffEnabled:         "enabled a login",
	store.AuditStaffRole:            "changed a login's role",
	store.AuditStaffPassword:        "reset a login's password",
	store.AuditMarkedMisread:        "marked a message misread",
	store.AuditRekey:                "re-encrypted the data under a new key",
}

// durationText says a number of seconds for people: "40 s", "12 min",
// "3 h 5 min", "2 days 4 h"; "—" for none.
func durationText(n *int64) string {
	if n == nil {
		return "—"
	}
	d := time.Duration(*n) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", *n)
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%d days", days)
		}
		return fmt.Sprintf("%d days %d h", days, h)
	}
}
