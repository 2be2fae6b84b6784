package httpx

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// ServerError logs what went wrong and answers with a generic message.
func ServerError(logger *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
		slog.String("route", chi.RouteContext(r.Context()).RoutePattern()), slog.String("error", err.Error()))
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ParseForm reads a POST body of at most limit bytes into r.PostForm.
// tooBig says the body was over the limit (413); any other error is the
// client's (400).
func ParseForm(w http.ResponseWriter, r *http.Request, limit int64) (tooBig bool, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err = r.ParseForm()
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe), err
}

// StyleCSP is the Content-Security-Policy of an HTML page whose only style
// is the one element css: nothing from outside, no script, and that style
// allowed by its hash. Images come from the site, and from imgSources
// ("data:") when given.
func StyleCSP(css []byte, imgSources ...string) string {
	sum := sha256.Sum256(css)
	img := strings.Join(append([]string{"'self'"}, imgSources...), " ")
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src " + img + "; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// ScriptCSP is StyleCSP for a page that also runs the one inline script
// js, allowed by its hash, which may fetch from the page's own origin.
func ScriptCSP(css, js []byte, imgSources ...string) string {
	styleSum, scriptSum := sha256.Sum256(css), sha256.Sum256(js)
	img := strings.Join(append([]string{"'self'"}, imgSources...), " ")
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(styleSum[:]) + "'; " +
		"script-src 'sha256-" + base64.StdEncoding.EncodeToString(scriptSum[:]) + "'; connect-src 'self'; img-src " + img + "; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// PageHeaders sets the headers every HTML page of the service carries: its
// CSP, no sniffing, no framing, and the referrer policy given.
func PageHeaders(h http.Header, csp, referrerPolicy string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", referrerPolicy)
	h.Set("X-Frame-Options", "DENY")
}
