package carrier

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// ErrOptedOut: the person opted out with the carrier (Twilio 21610, after
// an exact STOP). Never retry; record the subscriber as stopped.
var ErrOptedOut = errors.New("recipient opted out")

// ErrInvalidNumber: the number cannot receive SMS at all (21211, 21614,
// 21635, 21265). Never retry; record the subscriber as invalid.
//
// 21612 ("not reachable using the 'From' number") is deliberately not here:
// it is about the sender and route (country, short code, carrier
// connectivity), not the person's number, so it is a plain non-retryable
// error that changes no subscriber.
var ErrInvalidNumber = errors.New("invalid number")

// ErrAccount: the carrier refused the send for a reason about the account
// or its sender, not the person: wrong credentials (20003), an account
// suspended or closed (10001, 20005, 30002), a sender the account does not
// own or that cannot send SMS (21212, 21606, 21659, 21660), a Messaging
// Service with no sender (21703, 21704, 21705). Every other send would fail
// the same way: sending pauses until the account works again.
var ErrAccount = errors.New("the carrier refused the account or its sender")

// sendErrorCodes is what a Twilio error code means for a send, as data.
// Codes not listed are neither retryable nor about the number, unless the
// HTTP status is 429 or 5xx.
var sendErrorCodes = map[int]struct {
	sentinel  error
	retryable bool
}{
	21610: {sentinel: ErrOptedOut},      // Attempt to send to unsubscribed recipient
	21211: {sentinel: ErrInvalidNumber}, // Invalid 'To' phone number
	21614: {sentinel: ErrInvalidNumber}, // 'To' number is not a valid mobile number
	21635: {sentinel: ErrInvalidNumber}, // 'To' number cannot be a landline (outside US, CA, UK)
	21265: {sentinel: ErrInvalidNumber}, // 'To' number cannot be a short code
	20003: {sentinel: ErrAccount},       // Authentication error (account SID or auth token)
	20005: {sentinel: ErrAccount},       // Account not active
	10001: {sentinel: ErrAccount},       // Account is not active
	30002: {sentinel: ErrAccount},       // Account suspended
	21212: {sentinel: ErrAccount},       // Invalid 'From' phone number
	21606: {sentinel: ErrAccount},       // 'From' number is not a valid, SMS-capable number of this account
	21659: {sentinel: ErrAccount},       // 'From' is not a Twilio number of this account
	21660: {sentinel: ErrAccount},       // 'From' number does not belong to the account
	21703: {sentinel: ErrAccount},       // Messaging Service has no phone numbers (or is invalid)
	21704: {sentinel: ErrAccount},       // Messaging Service has no senders
	21705: {sentinel: ErrAccount},       // Messaging Service is invalid
	20429: {retryable: true},            // Too Many Requests
	21611: {retryable: true},            // 'From' has exceeded the maximum number of queued messages (10 h)
	20500: {retryable: true},            // Internal Server Error
	20503: {retryable: true},            // Service Unavailable
}

// Error is a send that Twilio refused or that did not complete. Its text
// never holds the phone number or the body: Twilio's own message can echo
// the number ("The 'To' number +1555... is not a valid phone number"), so it
// is scrubbed before it is kept.
type Error struct {
	Code       int    // Twilio error code; 0 when there was no Twilio answer
	HTTPStatus int    // 0 when no response came
	Message    string // scrubbed
	retryable  bool
	ambiguous  bool
	cause      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("twilio")
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": error %d", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Retryable reports whether sending the same message later may succeed:
// 429 / 20429, HTTP 5xx, queue overflow (21611), network errors, timeouts
// and cancellations. Check Ambiguous too: after some of these Twilio may
// have accepted the message anyway.
func (e *Error) Retryable() bool { return e.retryable }

// Ambiguous reports whether Twilio may have accepted the message although
// Send failed: the whole request was written but no readable answer came
// (a timeout or cancellation while waiting, a dropped connection), a
// gateway answered 502 or 504 without a Twilio error body (it lost the
// upstream's answer), or Twilio answered 2xx with a body that could not be
// read. Sending again could then deliver the message twice. A request that
// failed before it was fully written (connection refused, DNS, TLS) or that
// Twilio answered with an error is not ambiguous.
func (e *Error) Ambiguous() bool { return e.ambiguous }

// IsAmbiguous reports whether err, or an error it wraps, is an *Error that
// is Ambiguous.
func IsAmbiguous(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.ambiguous
}

// Unwrap gives ErrOptedOut or ErrInvalidNumber where they apply, and the
// network or context error (context.Canceled, context.DeadlineExceeded…)
// for a request that did not complete.
func (e *Error) Unwrap() error { return e.cause }

// IsRetryable reports whether err, or an error it wraps, says to try again.
// Errors that do not say are not retryable.
func IsRetryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

func apiError(code, httpStatus int, message string) *Error {
	meaning := sendErrorCodes[code]
	if meaning.sentinel == nil && code == 0 && (httpStatus == 401 || httpStatus == 403) {
		meaning.sentinel = ErrAccount // refused without a Twilio error body: the credentials
	}
	return &Error{
		Code:       code,
		HTTPStatus: httpStatus,
		Message:    message,
		cause:      meaning.sentinel,
		retryable: meaning.sentinel == nil &&
			(meaning.retryable || httpStatus == 429 || httpStatus >= 500),
	}
}

// classify turns what twilio-go returned into an *Error. status is the
// HTTP status of the response, if one came; wrote says the whole request
// went out; private are strings (the number, the body, the sender) that
// must not appear in the result.
func classify(err error, status int, wrote bool, ctx context.Context, private ...string) *Error {
	var rest *client.TwilioRestError
	if errors.As(err, &rest) {
		if status == 0 {
			status = rest.Status
		}
		return apiError(rest.Code, status, scrub(rest.Message, private...))
	}
	var restV1 *client.RestErrorV1
	if errors.As(err, &restV1) {
		if status == 0 {
			status = restV1.HttpStatusCode
		}
		return apiError(restV1.Code, status, scrub(restV1.Message, private...))
	}

	switch {
	case status >= 200 && status < 300:
		// Twilio accepted the request but the answer could not be read, so
		// the message may exist: a retry could send it twice.
		return &Error{HTTPStatus: status, Message: "message accepted but the response could not be read", ambiguous: true, cause: err}
	case status >= 300:
		// An answer without a Twilio error body (a proxy, a redirect).
		e := apiError(0, status, "response without a Twilio error body")
		e.ambiguous = status == http.StatusBadGateway || status == http.StatusGatewayTimeout
		return e
	}

	// No response: the request failed on the way, or was cancelled.
	cause := err
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		cause = fmt.Errorf("%w: %w", ctxErr, err)
	}
	inner := err
	var uerr *url.Error
	if errors.As(err, &uerr) {
		inner = uerr.Err // drop "Post <url>": the account SID is in the path
	}
	msg := "request failed: " + inner.Error()
	if ctx.Err() != nil && !errors.Is(inner, ctx.Err()) {
		msg += " (" + ctx.Err().Error() + ")"
	}
	return &Error{Message: scrubExact(msg, private...), retryable: true, ambiguous: wrote, cause: cause}
}

const redacted = "[redacted]"

// phoneLike matches runs that could be a phone number in any common
// notation; those with at least 7 digits are removed. Error codes (5
// digits) survive.
var phoneLike = regexp.MustCompile(`\+?\(?\d[\d\s().\-/]{4,}\d`)

// scrub removes the private strings and anything that looks like a phone
// number from a message Twilio wrote.
func scrub(s string, private ...string) string {
	s = scrubExact(s, private...)
	return phoneLike.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 7 {
			return redacted
		}
		return m
	})
}

func scrubExact(s string, private ...string) string {
	for _, p := range private {
		if len(p) >= 3 {
			s = strings.ReplaceAll(s, p, redacted)
		}
		// The number without its "+", as some messages print it.
		if q := strings.TrimPrefix(p, "+"); q != p && len(q) >= 7 {
			s = strings.ReplaceAll(s, q, redacted)
		}
	}
	return s
}
