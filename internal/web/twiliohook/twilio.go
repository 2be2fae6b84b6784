// Package twiliohook answers Twilio's webhooks: inbound messages
// (POST /twilio/sms) and delivery status callbacks (POST /twilio/status),
// both behind a check of Twilio's signature.
package twiliohook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	twilioclient "github.com/twilio/twilio-go/client"

	"textsupport/internal/inbound"
	"textsupport/internal/web/httpx"
)

// maxWebhookBody caps what a webhook may send; Twilio's are a few kilobytes.
const maxWebhookBody = 64 << 10

// Signed refuses (403) any request without a valid X-Twilio-Signature
// over the public URL and every POST parameter, before anything is read
// into the service. Twilio adds parameters without notice, so the signature
// covers whatever arrived.
func Signed(authToken string, publicURL *url.URL) func(http.Handler) http.Handler {
	validator := twilioclient.NewRequestValidator(authToken)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tooBig, err := httpx.ParseForm(w, r, maxWebhookBody); err != nil {
				if tooBig {
					http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
					return
				}
				http.Error(w, "cannot parse form: "+err.Error(), http.StatusBadRequest)
				return
			}
			params := make(map[string]string, len(r.PostForm))
			for k, v := range r.PostForm {
				// twilio-go signs over each key's first value; a repeated key
				// would let unsigned values ride along, and Twilio never sends one.
				if len(v) != 1 {
					http.Error(w, "parameter "+k+" repeated", http.StatusBadRequest)
					return
				}
				params[k] = v[0]
			}
			signed := publicURL.String() + r.URL.RequestURI()
			sig := r.Header.Get("X-Twilio-Signature")
			if sig == "" || !validator.Validate(signed, params, sig) {
				http.Error(w, "invalid Twilio signature", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// writeTwiML answers a webhook.
func writeTwiML(w http.ResponseWriter, twiml string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(twiml))
}

// inboundForm is the part of Twilio's inbound webhook the service reads.
type inboundForm struct {
	MessageSID string
	From       string
	Body       string
	OptOutType string
}

func decodeInbound(form url.Values) (inboundForm, error) {
	f := inboundForm{
		MessageSID: form.Get("MessageSid"),
		From:       form.Get("From"),
		Body:       form.Get("Body"),
		OptOutType: strings.ToUpper(form.Get("OptOutType")),
	}
	var problems []string
	if f.MessageSID == "" {
		problems = append(problems, "MessageSid is missing")
	} else if len(f.MessageSID) > 64 || !(strings.HasPrefix(f.MessageSID, "SM") || strings.HasPrefix(f.MessageSID, "MM")) {
		problems = append(problems, "MessageSid is not a message SID")
	}
	if f.From == "" {
		problems = append(problems, "From is missing")
	}
	if len(f.Body) > 1600*4 {
		problems = append(problems, "Body is longer than an SMS can be")
	}
	switch f.OptOutType {
	case "", "STOP", "START", "HELP":
	default:
		problems = append(problems, "OptOutType is not STOP, START or HELP")
	}
	if len(problems) > 0 {
		return f, errors.New(strings.Join(problems, "; "))
	}
	return f, nil
}

// HandleInbound answers POST /twilio/sms: classify, change state, reply in TwiML.
func HandleInbound(logger *slog.Logger, svc *inbound.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := decodeInbound(r.PostForm)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// A sender that is not a phone number (a short code, an
		// alphanumeric sender, another channel) is ignored; Twilio still
		// gets 200 so it neither retries nor falls back.
		if !isPhoneNumber(f.From) {
			writeTwiML(w, inbound.EmptyTwiML)
			return
		}
		res, err := svc.Handle(r.Context(), inbound.Message{SID: f.MessageSID, From: f.From, Body: f.Body, OptOutType: f.OptOutType})
		if err != nil {
			if errors.Is(err, inbound.ErrInvalid) {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			httpx.ServerError(logger, w, r, err)
			return
		}
		writeTwiML(w, res.TwiML)
	}
}

func isPhoneNumber(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' {
		return false
	}
	_, err := strconv.ParseUint(s[1:], 10, 64)
	return err == nil
}

// StatusRecorder records one delivery status callback: Twilio's report of
// what became of a message it sent (errorCode 0: none).
type StatusRecorder interface {
	RecordStatus(ctx context.Context, messageSID, status string, errorCode int) error
}

// HandleStatus answers POST /twilio/status: record a delivery report.
func HandleStatus(logger *slog.Logger, rec StatusRecorder) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sid, status := r.PostForm.Get("MessageSid"), strings.ToLower(r.PostForm.Get("MessageStatus"))
		if sid == "" || status == "" {
			http.Error(w, "MessageSid and MessageStatus are required", http.StatusBadRequest)
			return
		}
		errorCode := 0
		if code := r.PostForm.Get("ErrorCode"); code != "" {
			n, err := strconv.Atoi(code)
			if err != nil {
				http.Error(w, fmt.Sprintf("ErrorCode %q is not a number", code), http.StatusBadRequest)
				return
			}
			errorCode = n
		}
		// Recorded to the end even if Twilio stops waiting: a 21610 or a
		// permanent failure must not be lost.
		if err := rec.RecordStatus(context.WithoutCancel(r.Context()), sid, status, errorCode); err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		writeTwiML(w, inbound.EmptyTwiML)
	}
}
