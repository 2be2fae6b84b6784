package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"time"
)

// deviceLifetime is how long a browser that signed in is remembered.
const deviceLifetime = 365 * 24 * time.Hour

// devices remember browsers that signed in to an account: a long-lived
// cookie holding a random device ID, when it was issued, and an HMAC over
// both and the account's email under a server secret. A sign-in from such
// a browser is limited by its own failures only, not by others' failures
// on the account or from its address.
type devices struct {
	key    []byte
	name   string
	secure bool
}

func newDevices(key []byte, secure bool) devices {
	name := "textsupport_device"
	if secure {
		name = "__Host-textsupport_device"
	}
	return devices{key: key, name: name, secure: secure}
}

// issue remembers this browser for the account of email.
func (d devices) issue(w http.ResponseWriter, email string, now time.Time) error {
	payload := make([]byte, 24)
	if _, err := rand.Read(payload[:16]); err != nil {
		return err
	}
	binary.BigEndian.PutUint64(payload[16:], uint64(now.Unix()))
	http.SetCookie(w, &http.Cookie{
		Name: d.name, Value: base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(d.mac(email, payload)),
		Path: "/", MaxAge: int(deviceLifetime / time.Second), HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// known returns the device ID of a browser that signed in to the account
// of email before, "" for any other.
func (d devices) known(r *http.Request, email string, now time.Time) string {
	c, err := r.Cookie(d.name)
	if err != nil {
		return ""
	}
	p, m, ok := strings.Cut(c.Value, ".")
	if !ok {
		return ""
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || len(payload) != 24 || !hmac.Equal(mac, d.mac(email, payload)) {
		return ""
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0)
	if now.Sub(issued) > deviceLifetime {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(payload[:16])
}

func (d devices) mac(email string, payload []byte) []byte {
	h := hmac.New(sha256.New, d.key)
	h.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	h.Write([]byte{0})
	h.Write(payload)
	return h.Sum(nil)
}
