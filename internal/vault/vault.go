// Package vault encrypts what must not be readable at rest (phone numbers,
// message bodies, consent evidence, staff TOTP secrets) and makes the keyed
// hashes numbers are found by.
//
// Encryption keys form a ring, so they can rotate: a ciphertext starts with
// a version byte and the ID of the key that sealed it; Seal uses the newest
// key, Open whichever key the ID names. The lookup hash comes from a key of
// its own that does not rotate with them (see NewRing).
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Vault holds the encryption keys (AES-256-GCM, derived from each master
// key of the ring) and the lookup-hash key (HMAC-SHA256).
type Vault struct {
	newest *ringKey
	byID   map[byte]*ringKey
	macKey []byte
}

type ringKey struct {
	id   byte
	aead cipher.AEAD
}

// A Key is one master key of the ring and the ID its ciphertexts carry.
type Key struct {
	ID     byte
	Secret []byte
}

// LegacyID is the ID of DATA_KEY alone. Ciphertexts sealed before they
// carried an ID are this key's.
const LegacyID = 1

// version is the first byte of every ciphertext that carries a key ID.
const version = 0x01

// headerSize is the version byte and the key ID.
const headerSize = 2

// hexKey is what openssl rand -hex 32 prints.
var hexKey = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ParseKey decodes one key: base64 (standard or URL alphabet, padded or
// not) of 32 random bytes. A key that cannot be random (all zeros, a
// repeated pattern, text) is refused.
func ParseKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != 32 {
				if hexKey.MatchString(s) {
					// Also valid base64, of 48 bytes: say what happened.
					return nil, fmt.Errorf("decodes to %d bytes, want 32: it looks like hex, from openssl rand -hex; make one with openssl rand -base64 32", len(key))
				}
				return nil, fmt.Errorf("decodes to %d bytes, want 32", len(key))
			}
			return key, CheckRandom(key)
		}
	}
	return nil, errors.New("not base64")
}

// minDistinct is the fewest different byte values a key may have. 32
// random bytes have about 30; fewer than 16 happens to one random key in
// 3·10^16 (TestCheckRandomNeverRefusesRandomKeys draws many).
const minDistinct = 16

// CheckRandom refuses a key that was not drawn at random: too few distinct
// byte values (all zeros, one byte repeated, a short pattern), or nothing
// but printable ASCII (a password or a hex string, base64-encoded), which
// 32 random bytes are once in 10^13.
func CheckRandom(key []byte) error {
	var seen [256]bool
	distinct, printable := 0, true
	for _, b := range key {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
		if b < 0x20 || b > 0x7e {
			printable = false
		}
	}
	switch {
	case distinct < minDistinct:
		return fmt.Errorf("is not random (%d different byte values in %d bytes)", distinct, len(key))
	case printable:
		return errors.New("is not random (it is text, base64-encoded)")
	}
	return nil
}

// ParseRing decodes DATA_KEYS: comma-separated ID:KEY pairs, newest first,
// where ID is 1 to 255 and KEY is as ParseKey reads it. Errors never
// repeat a key.
func ParseRing(s string) ([]Key, error) {
	var keys []Key
	var problems []error
	seen := map[byte]bool{}
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		idText, secret, ok := strings.Cut(item, ":")
		if !ok {
			problems = append(problems, fmt.Errorf("entry %d: want ID:KEY, such as 2:$(openssl rand -base64 32)", i+1))
			continue
		}
		id, err := strconv.Atoi(strings.TrimSpace(idText))
		if err != nil || id < 1 || id > 255 {
			problems = append(problems, fmt.Errorf("entry %d: key ID %q: want a whole number from 1 to 255", i+1, idText))
			continue
		}
		if seen[byte(id)] {
			problems = append(problems, fmt.Errorf("entry %d: key ID %d appears twice", i+1, id))
			continue
		}
		seen[byte(id)] = true
		k, err := ParseKey(strings.TrimSpace(secret))
		if err != nil {
			problems = append(problems, fmt.Errorf("key %d: %w", id, err))
			continue
		}
		keys = append(keys, Key{ID: byte(id), Secret: k})
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return keys, nil
}

// New makes a vault of one master key: DATA_KEY, key 1, which also gives
// the lookup hash.
func New(master []byte) (*Vault, error) {
	return NewRing([]Key{{ID: LegacyID, Secret: master}}, master)
}

// NewRing makes a vault of the encryption keys, newest first, and the
// master key the lookup hash is derived from. The lookup key must never
// change with the encryption keys: hashes are how numbers are found, in
// unique indexes and advisory locks. It is key 1 of a ring that began as
// DATA_KEY alone.
func NewRing(keys []Key, lookup []byte) (*Vault, error) {
	if len(keys) == 0 {
		return nil, errors.New("vault: no key")
	}
	if len(lookup) != 32 {
		return nil, fmt.Errorf("vault: lookup key is %d bytes, want 32", len(lookup))
	}
	v := &Vault{byID: map[byte]*ringKey{}}
	for _, k := range keys {
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("vault: key %d is %d bytes, want 32", k.ID, len(k.Secret))
		}
		if _, dup := v.byID[k.ID]; dup {
			return nil, fmt.Errorf("vault: key ID %d appears twice", k.ID)
		}
		encKey, err := hkdf.Key(sha256.New, k.Secret, nil, "textsupport encryption v1", 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(encKey)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		rk := &ringKey{id: k.ID, aead: aead}
		v.byID[k.ID] = rk
		if v.newest == nil {
			v.newest = rk
		}
	}
	macKey, err := hkdf.Key(sha256.New, lookup, nil, "textsupport lookup hash v1", 32)
	if err != nil {
		return nil, err
	}
	v.macKey = macKey
	return v, nil
}

// Purposes bind a ciphertext to what it holds, so a body can never be
// decrypted as if it were a phone number.
const (
	Phone    = "phone"
	Body     = "body"
	Evidence = "evidence"
	// TOTP is a staff login's second-factor secret.
	TOTP = "totp"
)

// A ciphertext is also bound to its row: for numbers, bodies and consent
// evidence, the phone hash of the number they belong to (the row's, or its
// subscriber's or conversation's); for a TOTP secret, StaffRow of the
// login. Copied onto another person's row, it does not open.

// StaffRow is the row binding of a staff login's secrets.
func StaffRow(staffID int64) []byte {
	return binary.BigEndian.AppendUint64([]byte("staff:"), uint64(staffID))
}

// Seal encrypts plaintext for a purpose and a row with the newest key; the
// result is version || key ID || nonce || ciphertext.
func (v *Vault) Seal(purpose string, row, plaintext []byte) []byte {
	k := v.newest
	n := k.aead.NonceSize()
	out := make([]byte, headerSize+n, headerSize+n+len(plaintext)+k.aead.Overhead())
	out[0], out[1] = version, k.id
	if _, err := rand.Read(out[headerSize:]); err != nil {
		panic("vault: no randomness: " + err.Error())
	}
	return k.aead.Seal(out, out[headerSize:], plaintext, associated(out[:headerSize], purpose, row))
}

// SealString is Seal for text.
func (v *Vault) SealString(purpose string, row []byte, s string) []byte {
	return v.Seal(purpose, row, []byte(s))
}

// associated is the data a ciphertext is bound to: its header, its purpose
// and its row.
func associated(header []byte, purpose string, row []byte) []byte {
	ad := make([]byte, 0, len(header)+len(purpose)+1+len(row))
	ad = append(append(append(ad, header...), purpose...), 0)
	return append(ad, row...)
}

var errCannotOpen = errors.New("vault: cannot decrypt (key not in DATA_KEYS, wrong key, another row's data, or damaged)")

// Open decrypts what Seal made for the same purpose and row, with the key
// its ID names.
func (v *Vault) Open(purpose string, row, sealed []byte) ([]byte, error) {
	plain, _, err := v.open(purpose, row, sealed)
	return plain, err
}

// OpenString is Open for text.
func (v *Vault) OpenString(purpose string, row, sealed []byte) (string, error) {
	b, err := v.Open(purpose, row, sealed)
	return string(b), err
}

// OpenPhone opens a number sealed for the row whose phone hash is hash,
// and checks that the number hashes to it: what is sent to is what the
// row was found by.
func (v *Vault) OpenPhone(hash, sealed []byte) (string, error) {
	number, err := v.OpenString(Phone, hash, sealed)
	if err != nil {
		return "", err
	}
	if !hmac.Equal(v.Hash(number), hash) {
		return "", errors.New("vault: the number does not match its row's phone hash")
	}
	return number, nil
}

// Current reports whether sealed opens for purpose and row under the
// newest key: a rekey leaves it as it is.
func (v *Vault) Current(purpose string, row, sealed []byte) bool {
	_, id, err := v.open(purpose, row, sealed)
	return err == nil && id == v.newest.id
}

// Reseal opens sealed with whichever key it names and seals it again with
// the newest; changed is false when it was already under the newest key.
func (v *Vault) Reseal(purpose string, row, sealed []byte) (out []byte, changed bool, err error) {
	plain, id, err := v.open(purpose, row, sealed)
	if err != nil {
		return nil, false, err
	}
	if id == v.newest.id {
		return sealed, false, nil
	}
	return v.Seal(purpose, row, plain), true, nil
}

// Header is how every ciphertext sealed with key id starts.
func Header(id byte) []byte { return []byte{version, id} }

// NewestID is the ID of the key Seal uses.
func (v *Vault) NewestID() byte { return v.newest.id }

// open returns the plaintext and the ID of the key that opened it (0 for
// a ciphertext of the form without a key ID).
func (v *Vault) open(purpose string, row, sealed []byte) ([]byte, byte, error) {
	if len(sealed) >= headerSize && sealed[0] == version {
		if k, ok := v.byID[sealed[1]]; ok {
			n := k.aead.NonceSize()
			if len(sealed) >= headerSize+n+k.aead.Overhead() {
				body := sealed[headerSize:]
				if plain, err := k.aead.Open(nil, body[:n], body[n:], associated(sealed[:headerSize], purpose, row)); err == nil {
					return plain, k.id, nil
				}
			}
		}
		// A ciphertext of the older form whose random nonce happens to
		// start like a header: try it as one below.
	}
	// The form without a key ID: nonce || ciphertext under key 1, bound to
	// its purpose only (rekey rewrites it bound to its row).
	if k, ok := v.byID[LegacyID]; ok {
		n := k.aead.NonceSize()
		if len(sealed) >= n+k.aead.Overhead() {
			if plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose)); err == nil {
				return plain, 0, nil
			}
		}
	}
	return nil, 0, errCannotOpen
}

// Hash is the keyed lookup hash of s (HMAC-SHA256): equal inputs give equal
// hashes, and without the lookup key nobody can test a guessed number
// against it.
func (v *Vault) Hash(s string) []byte {
	m := hmac.New(sha256.New, v.macKey)
	m.Write([]byte(s))
	return m.Sum(nil)
}
