package dashboard

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"textsupport/internal/message"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web/httpx"
)

const conversationsPerPage = 50

// maxReplySegments is the longest reply the sender takes (sending's own
// limit), checked here too so the page can say so beside the text.
const maxReplySegments = 10

// maxRevealReason bounds the reason given for revealing a number.
const maxRevealReason = 200

type inboxPage struct {
	Closed bool
	Counts store.ConversationCounts
	// OldestWait is how long the conversation waiting longest for staff
	// has waited, in seconds (nil: none waits).
	OldestWait *int64
	// List is nil for those who see only the counts.
	List    []store.ConversationSummary
	CanOpen bool
	// Full: more conversations wait than the page lists.
	Full bool
	// Older is the ID the next page of closed ones starts below, 0 on the
	// last page.
	Older int64
	// Live is where the page's script fetches the inbox again.
	Live string
}

// HandleInbox lists the conversations: those not closed (waiting for
// staff first, crisis first), or closed ones with ?status=closed. Viewers
// see only how many wait and for how long.
func HandleInbox(logger *slog.Logger, db *store.DB, views *Views, now func() time.Time) http.HandlerFunc {
	return inbox(logger, db, views, now, false)
}

// HandleInboxLive answers the inbox's own part of the page, for its script
// to put in place every few seconds.
func HandleInboxLive(logger *slog.Logger, db *store.DB, views *Views, now func() time.Time) http.HandlerFunc {
	return inbox(logger, db, views, now, true)
}

func inbox(logger *slog.Logger, db *store.DB, views *Views, now func() time.Time, part bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		staff := staffFrom(ctx)
		p := inboxPage{Closed: r.URL.Query().Get("status") == "closed", CanOpen: staff.CanAnswer(), Live: "/staff/conversations/live"}
		if p.Closed {
			p.Live += "?status=closed"
		}
		f := store.ConversationFilter{Closed: p.Closed, Limit: conversationsPerPage}
		var ok bool
		if f.Before, ok = before(views, w, r, "That page of conversations does not exist."); !ok {
			return
		}
		if f.Before != 0 {
			p.Live = "" // an older page stays as it is
		}
		var err error
		if p.Counts, err = db.CountConversations(ctx); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		if p.Counts.OldestOpen != nil {
			s := max(0, int64(now().Sub(*p.Counts.OldestOpen).Seconds()))
			p.OldestWait = &s
		}
		if p.CanOpen {
			if p.List, err = db.ListConversations(ctx, f); err != nil {
				httpx.ServerError(logger, w, r, err)
				return
			}
			if len(p.List) == conversationsPerPage {
				if p.Closed {
					p.Older = p.List[len(p.List)-1].ID
				} else {
					p.Full = true
				}
			}
		}
		pg := page{Title: "Conversations", Nav: "conversations", Data: p}
		if part {
			views.renderPart(w, r, "conversations", "inbox", pg)
			return
		}
		views.render(w, r, http.StatusOK, "conversations", pg)
	}
}

// threadMessage is a message as the thread shows it, its text decrypted.
type threadMessage struct {
	store.ThreadMessage
	Text string
	// TextError: the text does not decrypt with the current key.
	TextError bool
}

type threadPage struct {
	Thread   *store.Thread
	Messages []threadMessage
	// OptedOut: nothing can be sent to the person.
	OptedOut     bool
	Closed       bool
	AssignedToMe bool
	// The reply form: its one-time key, the text (kept after a refusal),
	// the ready-made answers, what went wrong.
	Key, Body      string
	Canned         []program.CannedReply
	ReplyError     string
	Segments       int
	MaxSegments    int
	RevealError    string
	Reason         string
	OptedOutSaying string
}

// optedOutText is what staff are told when a reply cannot go.
const optedOutText = "This person has opted out: nothing can be sent to them."

// HandleThread shows one conversation to an admin or a responder: every
// message both ways, numbers masked. The opening is in the audit log
// before the page is sent. ?canned=NAME fills the reply box with that
// ready-made answer (the buttons work without JavaScript).
func HandleThread(logger *slog.Logger, db *store.DB, views *Views, clients Clients, v *vault.Vault, canned []program.CannedReply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		form := threadPage{}
		if name := r.URL.Query().Get("canned"); name != "" {
			for _, c := range canned {
				if c.Name == name {
					form.Body = c.Body
				}
			}
		}
		showThread(logger, db, views, clients, v, canned, w, r, http.StatusOK, form)
	}
}

// showThread opens the thread the path names (audited) and renders it
// with form: the reply box's text and any refusal to show.
func showThread(logger *slog.Logger, db *store.DB, views *Views, clients Clients, v *vault.Vault, canned []program.CannedReply,
	w http.ResponseWriter, r *http.Request, status int, form threadPage) {
	id, t, ok := findConversation(logger, views, w, r, func(ctx context.Context, id int64) (*store.Thread, error) {
		return db.OpenThread(ctx, id, clients.actor(r))
	})
	if !ok {
		return
	}
	p := form
	p.Thread, p.Canned, p.MaxSegments, p.OptedOutSaying = t, canned, maxReplySegments, optedOutText
	p.Key = rand.Text()
	p.Closed = t.Status == store.ConversationClosed
	p.OptedOut = t.State != nil && (*t.State == store.Stopped || *t.State == store.Invalid)
	p.AssignedToMe = t.AssigneeID != nil && *t.AssigneeID == staffFrom(r.Context()).ID
	if p.Body != "" && p.Segments == 0 {
		p.Segments, _ = message.Segments(p.Body)
	}
	for _, m := range t.Messages {
		tm := threadMessage{ThreadMessage: m}
		if m.BodyEnc != nil {
			var err error
			if tm.Text, err = v.OpenString(vault.Body, t.PhoneHash, m.BodyEnc); err != nil {
				tm.TextError = true
				logger.LogAttrs(r.Context(), slog.LevelError, "message body does not decrypt",
					slog.Int64("conversation_id", id), slog.String("error", err.Error()))
			}
		}
		p.Messages = append(p.Messages, tm)
	}
	logStaff(logger, r, "conversation opened", slog.Int64("conversation_id", id))
	views.render(w, r, status, "conversation", page{Title: fmt.Sprintf("Conversation %d", id), Nav: "conversations", Data: p})
}

// HandleReply sends a staff reply through the sender. The form's one-time
// key makes a form sent twice one reply. A refusal shows the thread again
// with the text kept and the reason beside it.
func HandleReply(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, v *vault.Vault,
	canned []program.CannedReply, conv Conversations) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			views.renderError(w, r, http.StatusNotFound, "There is no such conversation.")
			return
		}
		if !readStaffForm(views, w, r) {
			return
		}
		body := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("body"), "\r\n", "\n"))
		key := r.PostForm.Get("key")
		segments, _ := message.Segments(body)
		refuse := func(status int, why string) {
			showThread(logger, db, views, clients, v, canned, w, r, status, threadPage{Body: body, Segments: segments, ReplyError: why})
		}
		switch {
		case key == "" || len(key) > 64:
			refuse(http.StatusBadRequest, "The form was out of date. Check the text below and send it again.")
			return
		case body == "":
			refuse(http.StatusUnprocessableEntity, "Write a reply first.")
			return
		case segments > maxReplySegments:
			refuse(http.StatusUnprocessableEntity, fmt.Sprintf("This reply is %d text messages long; at most %d can go at once. Shorten it or send it in parts.", segments, maxReplySegments))
			return
		}
		replyID, created, err := conv.Reply(r.Context(), sending.ReplyRequest{ConversationID: id, Body: body, Key: key, Actor: clients.actor(r)})
		switch {
		case errors.Is(err, store.ErrNotFound):
			views.renderError(w, r, http.StatusNotFound, "There is no such conversation.")
			return
		case errors.Is(err, sending.ErrReplyOptedOut):
			logStaff(logger, r, "staff reply refused: opted out", slog.Int64("conversation_id", id))
			refuse(http.StatusConflict, optedOutText)
			return
		case errors.Is(err, sending.ErrConversationClosed):
			refuse(http.StatusConflict, "This conversation is closed: nothing more can be sent in it. If the person writes again, a new conversation opens.")
			return
		case errors.Is(err, sending.ErrEmptyReply):
			refuse(http.StatusUnprocessableEntity, "Write a reply first.")
			return
		case err != nil:
			httpx.ServerError(logger, w, r, err)
			return
		}
		if created {
			logStaff(logger, r, "staff reply queued", slog.Int64("conversation_id", id), slog.Int64("reply_id", replyID))
			sessions.flash(r.Context(), fmt.Sprintf("Your reply is on its way: %d text message%s.", segments, plural(segments)))
		} else {
			sessions.flash(r.Context(), "That reply was already sent once; it was not sent again.")
		}
		http.Redirect(w, r, fmt.Sprintf("/staff/conversations/%d#reply", id), http.StatusSeeOther)
	}
}

// HandleAssign gives the conversation to the one asking (to=me) or to
// nobody (to=nobody).
func HandleAssign(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !readStaffForm(views, w, r) {
			return
		}
		var to *int64
		switch r.PostForm.Get("to") {
		case "me":
			me := staffFrom(r.Context()).ID
			to = &me
		case "nobody":
		default:
			views.renderError(w, r, http.StatusBadRequest, "Assign the conversation to yourself or to nobody.")
			return
		}
		id, _, ok := findConversation(logger, views, w, r, func(ctx context.Context, id int64) (struct{}, error) {
			return struct{}{}, db.AssignConversation(ctx, id, to, clients.actor(r))
		})
		if !ok {
			return
		}
		if to != nil {
			sessions.flash(r.Context(), "The conversation is assigned to you.")
		} else {
			sessions.flash(r.Context(), "The conversation is assigned to nobody.")
		}
		logStaff(logger, r, "conversation assigned", slog.Int64("conversation_id", id), slog.Bool("to_self", to != nil))
		http.Redirect(w, r, fmt.Sprintf("/staff/conversations/%d", id), http.StatusSeeOther)
	}
}

// HandleMisread marks an inbound message of the conversation misread, with
// what it should have been read as (field as, one of the corpus's labels);
// audited. `textsupport corpus export` lists the marked messages.
func HandleMisread(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !readStaffForm(views, w, r) {
			return
		}
		msg, err := strconv.ParseInt(r.PostForm.Get("message"), 10, 64)
		as := r.PostForm.Get("as")
		if err != nil || msg <= 0 || !slices.Contains(store.MisreadLabels, as) {
			views.renderError(w, r, http.StatusBadRequest, "Say which message was misread, and what it was.")
			return
		}
		id, _, ok := findConversation(logger, views, w, r, func(ctx context.Context, id int64) (struct{}, error) {
			return struct{}{}, db.MarkMisread(ctx, id, msg, as, clients.actor(r))
		})
		if !ok {
			return
		}
		sessions.flash(r.Context(), "The message is marked misread, as "+misreadLabels[as]+". Thank you: it will help the service read people better.")
		logStaff(logger, r, "message marked misread", slog.Int64("conversation_id", id))
		http.Redirect(w, r, fmt.Sprintf("/staff/conversations/%d#thread", id), http.StatusSeeOther)
	}
}

// misreadLabels say the corpus's labels to staff.
var misreadLabels = map[string]string{
	"opt_out": "a request to stop the texts", "crisis": "a crisis", "help": "a request for help",
	"join": "a request to join", "recovery": "talk about recovery", "free_text": "something else",
}

// HandleClose closes a conversation; the person's sequence resumes.
func HandleClose(logger *slog.Logger, views *Views, sessions *Sessions, clients Clients, conv Conversations) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, closed, ok := findConversation(logger, views, w, r, func(ctx context.Context, id int64) (bool, error) {
			return conv.CloseConversation(ctx, id, clients.actor(r))
		})
		if !ok {
			return
		}
		if closed {
			sessions.flash(r.Context(), fmt.Sprintf("Conversation %d is closed. If the person writes again, a new one opens.", id))
			logStaff(logger, r, "conversation closed", slog.Int64("conversation_id", id))
		} else {
			sessions.flash(r.Context(), fmt.Sprintf("Conversation %d was already closed.", id))
		}
		http.Redirect(w, r, "/staff/conversations", http.StatusSeeOther)
	}
}

type revealPage struct {
	ID     int64
	Number string
	Reason string
	At     time.Time
}

// HandleReveal shows a conversation's full number once, to call the
// person back: after a reason and a second confirmation, recorded in the
// audit log with who and why. The number is on this page only: never in a
// URL, a log or the audit log.
func HandleReveal(logger *slog.Logger, db *store.DB, views *Views, clients Clients, v *vault.Vault, canned []program.CannedReply, now func() time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			views.renderError(w, r, http.StatusNotFound, "There is no such conversation.")
			return
		}
		if !readStaffForm(views, w, r) {
			return
		}
		reason := strings.Join(strings.Fields(r.PostForm.Get("reason")), " ")
		why := ""
		switch {
		case reason == "":
			why = "Say why you need the full number."
		case len([]rune(reason)) > maxRevealReason:
			why = fmt.Sprintf("Keep the reason under %d characters.", maxRevealReason)
		case digits(reason) >= 7:
			// The reason goes in the audit log, which never holds a number.
			why = "Write the reason without a phone number in it."
		case r.PostForm.Get("confirm") != "yes":
			why = "Tick the box to confirm that you need the full number."
		}
		if why != "" {
			showThread(logger, db, views, clients, v, canned, w, r, http.StatusUnprocessableEntity, threadPage{RevealError: why, Reason: reason})
			return
		}
		_, sealed, ok := findConversation(logger, views, w, r, func(ctx context.Context, id int64) (*store.SealedNumber, error) {
			return db.RevealNumber(ctx, id, clients.actor(r), reason)
		})
		if !ok {
			return
		}
		number, err := v.OpenPhone(sealed.PhoneHash, sealed.PhoneEnc)
		if err != nil {
			httpx.ServerError(logger, w, r, fmt.Errorf("conversation %d: number does not decrypt: %w", id, err))
			return
		}
		logStaff(logger, r, "number revealed", slog.Int64("conversation_id", id))
		views.render(w, r, http.StatusOK, "reveal", page{Title: fmt.Sprintf("Conversation %d: full number", id), Nav: "conversations",
			Data: revealPage{ID: id, Number: number, Reason: reason, At: now()}})
	}
}

func digits(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// HandleAlertsMoved sends the old alert pages to the conversations. Alert
// IDs did not survive as conversation IDs, so an old alert's link goes to
// the inbox rather than to whatever conversation has its number.
func HandleAlertsMoved() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		to := "/staff/conversations"
		if chi.URLParam(r, "id") == "" && r.URL.Query().Get("status") == "handled" {
			to += "?status=closed"
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
	}
}

// findConversation runs find on the conversation the path names and
// answers for it when there is no such conversation (404) or find fails;
// ok says the handler goes on.
func findConversation[T any](logger *slog.Logger, views *Views, w http.ResponseWriter, r *http.Request, find func(ctx context.Context, id int64) (T, error)) (id int64, v T, ok bool) {
	id, ok = pathID(r)
	if !ok {
		views.renderError(w, r, http.StatusNotFound, "There is no such conversation.")
		return id, v, false
	}
	v, err := find(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		views.renderError(w, r, http.StatusNotFound, "There is no such conversation.")
		return id, v, false
	case err != nil:
		httpx.ServerError(logger, w, r, err)
		return id, v, false
	}
	return id, v, true
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	return id, err == nil && id > 0
}

// before reads a list's ?before=ID, the page that starts below that ID (0:
// the first page). Anything but a positive whole number is answered 400
// with notFound, and ok is false.
func before(views *Views, w http.ResponseWriter, r *http.Request, notFound string) (id int64, ok bool) {
	b := r.URL.Query().Get("before")
	if b == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(b, 10, 64)
	if err != nil || id <= 0 {
		views.renderError(w, r, http.StatusBadRequest, notFound)
		return 0, false
	}
	return id, true
}
