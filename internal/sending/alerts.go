package sending

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"textsupport/internal/store"
)

// AlertWebhook posts "conversation needs a person" events to a provider's
// on-call tools (ALERT_WEBHOOK_URL). An event names the conversation, its
// priority and when it opened — never a number or a body. Each is signed:
// X-Textsupport-Signature is "sha256=" and the hex HMAC-SHA256, keyed with
// the secret, of the X-Textsupport-Timestamp header's value, a full stop
// and the body, so a receiver can refuse a forged or replayed event.
type AlertWebhook struct {
	URL    string
	Secret []byte
	// DashboardURL is the base of the links in events (PUBLIC_URL).
	DashboardURL string
	// Client makes the requests (nil: one with a 10-second timeout).
	Client *http.Client
}

// Event headers.
const (
	HeaderTimestamp = "X-Textsupport-Timestamp"
	HeaderSignature = "X-Textsupport-Signature"
)

// AlertEvent is the body of one event.
type AlertEvent struct {
	Event          string    `json:"event"` // conversation.needs_person
	ConversationID int64     `json:"conversation_id"`
	Priority       string    `json:"priority"` // crisis or normal
	OpenedAt       time.Time `json:"opened_at"`
	URL            string    `json:"url"` // the conversation on the dashboard
}

// Sign is the signature of body sent at timestamp (Unix seconds).
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// NeedsPersonArgs is the job that posts one event.
type NeedsPersonArgs struct {
	ConversationID int64 `json:"conversation_id"`
	// At (Unix microseconds) tells one event from a later one for the same
	// conversation.
	At int64 `json:"at"`
}

// Kind names the job in River's table.
func (NeedsPersonArgs) Kind() string { return "alert_webhook" }

// InsertOpts: its own queue, so a slow receiver never holds up sending;
// retried with River's growing backoff for about a day.
func (NeedsPersonArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueAlerts, MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

const queueAlerts = "alerts"

// NeedsPerson schedules, in the inbound message's transaction, the event
// saying a conversation newly needs a person. Without ALERT_WEBHOOK_URL it
// does nothing. The webhook is never called from the transaction: the
// inbound message never waits for it.
func (s *Sender) NeedsPerson(ctx context.Context, tx pgx.Tx, conversationID int64) error {
	if s.cfg.AlertWebhook == nil {
		return nil
	}
	_, err := s.river.InsertTx(ctx, tx, NeedsPersonArgs{ConversationID: conversationID, At: time.Now().UnixMicro()}, nil)
	if err != nil {
		return fmt.Errorf("schedule alert: %w", err)
	}
	return nil
}

type alertWorker struct {
	river.WorkerDefaults[NeedsPersonArgs]
	s *Sender
}

func (w *alertWorker) Work(ctx context.Context, job *river.Job[NeedsPersonArgs]) error {
	return w.s.postAlert(ctx, job.Args)
}

// errPermanent is a receiver's refusal that retrying will not change.
var errPermanent = errors.New("the receiver refused the event")

// postAlert posts one event. A 2xx ends it; a 5xx, a 429 or no answer is
// retried with backoff; any other answer is final.
func (s *Sender) postAlert(ctx context.Context, a NeedsPersonArgs) error {
	hook := s.cfg.AlertWebhook
	if hook == nil {
		return river.JobCancel(errors.New("no ALERT_WEBHOOK_URL"))
	}
	c, err := s.cfg.DB.FindConversation(ctx, a.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	ev := AlertEvent{
		Event: "conversation.needs_person", ConversationID: c.ID, Priority: "normal", OpenedAt: c.OpenedAt.UTC(),
		URL: fmt.Sprintf("%s/staff/conversations/%d", hook.DashboardURL, c.ID),
	}
	if c.Priority == store.PriorityCrisis {
		ev.Priority = "crisis"
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "textsupport")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(hook.Secret, ts, body))
	client := hook.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("alert webhook: %w", err) // retried
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("alert webhook: answered %d", resp.StatusCode) // retried
	default:
		return river.JobCancel(fmt.Errorf("%w: %d", errPermanent, resp.StatusCode))
	}
}
