package dashboard_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/pgtest"
	"textsupport/internal/phone"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web"
	"textsupport/internal/web/dashboard"
	"textsupport/internal/web/webtest"
)

// staffBundle is the service's HTTP side with the staff dashboard, on its
// own database, with a sender that schedules and cancels jobs (no sending).
type staffBundle struct {
	db      *store.DB
	vault   *vault.Vault
	program *program.Program
	sender  *sending.Sender
	server  *httptest.Server
	logs    *webtest.SyncBuffer
	now     atomic.Pointer[time.Time] // the staff side's clock; nil: the real one
	// transition, when set, replaces the sender's Transition.
	transition atomic.Pointer[pgtest.Transition]
	admin      *store.Staff
	responder  *store.Staff
	viewer     *store.Staff
}

const (
	staffAdminEmail     = "admin@clinic.example"
	staffViewerEmail    = "viewer@clinic.example"
	staffResponderEmail = "responder@clinic.example"
	staffPassword       = "correct horse battery staple"
	staffToken          = "test-auth-token-0123456789"
)

type staffOption func(*dashboard.Config)

func setupStaff(t *testing.T, opts ...staffOption) *staffBundle {
	t.Helper()
	clearOfMidnight()
	ctx := context.Background()
	db := pgtest.New(t)
	v, err := vault.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	b := &staffBundle{db: db, vault: v, program: prog, logs: &webtest.SyncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b.sender, err = sending.New(sending.Config{DB: db, Vault: v, Program: prog, Logger: logger, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]string, len(prog.Sequence))
	for i := range steps {
		steps[i] = dashboard.StepLabel(prog.Sequence[i].After)
	}
	cfg := dashboard.Config{
		Logger: logger, Vault: v, Steps: steps, Conversations: b.sender, CannedReplies: prog.CannedReplies,
		Transition: func(ctx context.Context, tx pgx.Tx, sub *store.Subscriber, to store.State, ev store.ConsentEvent) error {
			if f := b.transition.Load(); f != nil {
				return (*f)(ctx, tx, sub, to, ev)
			}
			return b.sender.Transition(ctx, tx, sub, to, ev)
		},
		Now: func() time.Time {
			if t := b.now.Load(); t != nil {
				return *t
			}
			return time.Now()
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	staff, err := dashboard.New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	public, _ := url.Parse("https://textsupport.example.org")
	b.server = httptest.NewServer(web.NewServer(&web.Deps{Logger: logger, DB: db, AuthToken: staffToken, PublicURL: public, Staff: staff}))
	t.Cleanup(b.server.Close)
	if b.admin, err = db.CreateStaff(ctx, staffAdminEmail, staffPassword, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if b.viewer, err = db.CreateStaff(ctx, staffViewerEmail, staffPassword, store.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if b.responder, err = db.CreateStaff(ctx, staffResponderEmail, staffPassword, store.RoleResponder); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *staffBundle) setNow(t time.Time) { b.now.Store(&t) }

// browser is a client with its own cookie jar that does not follow redirects.
type browser struct {
	t      *testing.T
	b      *staffBundle
	client *http.Client
}

func (b *staffBundle) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, b: b, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn is a browser signed in as email.
func (b *staffBundle) signedIn(t *testing.T, email string) *browser {
	t.Helper()
	br := b.browser(t)
	if r := br.login(email, staffPassword); r.code != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d, want 303\n%s", email, r.code, r.body)
	}
	return br
}

type staffAnswer struct {
	code   int
	body   string
	header http.Header
}

func (br *browser) do(req *http.Request) staffAnswer {
	br.t.Helper()
	resp, err := br.client.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return staffAnswer{code: resp.StatusCode, body: string(raw), header: resp.Header}
}

func (br *browser) get(path string) staffAnswer {
	br.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, br.b.server.URL+path, nil)
	return br.do(req)
}

func (br *browser) post(path string, form url.Values, header ...string) staffAnswer {
	br.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, br.b.server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return br.do(req)
}

func (br *browser) login(email, password string) staffAnswer {
	br.t.Helper()
	return br.post("/staff/login", url.Values{"email": {email}, "password": {password}})
}

func (b *staffBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (b *staffBundle) state(t *testing.T, number string) store.State {
	t.Helper()
	s, err := pgtest.FindSubscriberByHash(context.Background(), b.db, b.vault.Hash(number))
	if err != nil {
		return "none"
	}
	return s.State
}

// change is one line of a seeded subscriber's consent history.
type change struct {
	daysAgo int
	to      store.State
	method  string
}

// seedPerson creates a subscriber whose history happened on past UTC days,
// written as the service writes it: the subscriber row in its first state,
// then each change of state with its ledger row and the counter deltas
// the ledger row appends (as store.ChangeState does). It returns the subscriber's ID.
func (b *staffBundle) seedPerson(t *testing.T, number, source string, history ...change) int64 {
	t.Helper()
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var id int64
	err := b.db.InTx(ctx, func(tx pgx.Tx) error {
		var from *store.State
		for i, c := range history {
			at := today.AddDate(0, 0, -c.daysAgo).Add(time.Duration(i) * time.Second)
			if i == 0 {
				if err := tx.QueryRow(ctx, `
					INSERT INTO subscribers (phone_hash, phone_enc, phone_last4, state, source, opted_in_at, created_at)
					VALUES ($1, $2, $3, $4::subscriber_state, $5, CASE WHEN $4::subscriber_state = 'active' THEN $6::timestamptz END, $6) RETURNING id`,
					b.vault.Hash(number), b.vault.SealString(vault.Phone, b.vault.Hash(number), number), phone.Last4(number), c.to, source, at).Scan(&id); err != nil {
					return err
				}
			} else if _, err := tx.Exec(ctx, `UPDATE subscribers SET state = $2 WHERE id = $1`, id, c.to); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `
				WITH e AS (
					INSERT INTO consent_events (subscriber_id, at, from_state, to_state, method, reason)
					VALUES ($1, $2, $3, $4, $5, 'seed') RETURNING from_state, to_state, method, at
				)
				INSERT INTO counter_deltas (name, day, n)
				SELECT d.name, d.day, d.n FROM e, state_change_deltas(e.from_state, e.to_state, e.method, $6, e.at) AS d`,
				id, at, from, c.to, c.method, source); err != nil {
				return err
			}
			to := c.to
			from = &to
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// needsNobody, for seedText: the text needs no person.
const needsNobody = -1

// seedText records a text from number as the inbound side does. With a
// priority (store.PriorityCrisis, store.PriorityNormal) it opens the
// number's conversation, or joins it and makes it wait for staff again;
// with needsNobody it only joins a conversation going on. It returns the
// conversation's ID, 0 for none. The text's reply is not counted as a
// message sent; seedAnswered counts it.
func (b *staffBundle) seedText(t *testing.T, sid, number, body, class string, priority int) (conversationID int64) {
	t.Helper()
	return b.seedMessage(t, sid, number, body, class, priority, false)
}

// seedAnswered is seedText for a text whose reply counts as a message sent
// (as the inbound side records a reply to a subscriber).
func (b *staffBundle) seedAnswered(t *testing.T, sid, number, body, class string, priority int) (conversationID int64) {
	t.Helper()
	return b.seedMessage(t, sid, number, body, class, priority, true)
}

func (b *staffBundle) seedMessage(t *testing.T, sid, number, body, class string, priority int, replied bool) (conversationID int64) {
	t.Helper()
	ctx := context.Background()
	hash := b.vault.Hash(number)
	err := b.db.InTx(ctx, func(tx pgx.Tx) error {
		m := store.Inbound{MessageSID: sid, PhoneHash: hash, PhoneEnc: b.vault.SealString(vault.Phone, hash, number),
			Last4: phone.Last4(number), Class: class, BodyEnc: b.vault.SealString(vault.Body, hash, body), ReplyName: class, ReplyTwiML: "<Response/>"}
		var subID *int64
		if err := tx.QueryRow(ctx, `SELECT id FROM subscribers WHERE phone_hash = $1`, hash).Scan(&subID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		m.SubscriberID = subID
		c := store.ConversationChange{PhoneHash: hash, PhoneEnc: m.PhoneEnc, Last4: m.Last4, SubscriberID: subID,
			NeedsPerson: priority != needsNobody, Priority: max(priority, store.PriorityCrisis)}
		err := tx.QueryRow(ctx, `SELECT id FROM conversations WHERE phone_hash = $1 AND status <> 'closed' FOR UPDATE`, hash).Scan(&c.ID)
		switch {
		case errors.Is(err, pgx.ErrNoRows) && priority == needsNobody:
			return store.RecordInbound(ctx, tx, m, nil, replied)
		case errors.Is(err, pgx.ErrNoRows):
			c.New = true
			if err := tx.QueryRow(ctx, `SELECT nextval('conversations_id_seq')`).Scan(&c.ID); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		conversationID = c.ID
		return store.RecordInbound(ctx, tx, m, &c, replied)
	})
	if err != nil {
		t.Fatal(err)
	}
	return conversationID
}

// cells returns the text of the cells of the table row with the given id.
func cells(t *testing.T, page, rowID string) []string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr id="` + regexp.QuoteMeta(rowID) + `">(.*?)</tr>`).FindStringSubmatch(page)
	if row == nil {
		t.Fatalf("no row %q in the page", rowID)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`).FindAllStringSubmatch(row[1], -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))))
	}
	return out
}

// textOf returns the text of the element with the given id.
func textOf(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no element #%s in the page", id)
	}
	return html.UnescapeString(strings.TrimSpace(m[1]))
}

// clearOfMidnight waits, when the next UTC midnight is under two minutes
// away, until just past it. The tests seed history by days before "today"
// and then read figures for today: a test that seeded at 23:59:59 and read
// at 00:00:01 would find today's events under yesterday.
func clearOfMidnight() {
	now := time.Now().UTC()
	next := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	if wait := next.Sub(now); wait < 2*time.Minute {
		time.Sleep(wait + 2*time.Second)
	}
}
