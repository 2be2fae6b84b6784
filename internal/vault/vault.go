// Package vault encrypts what must not be readable at rest (phone numbers,
// message bodies, consent evidence) and makes the keyed hashes they are
// found by.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
)

// Vault holds keys derived from DATA_KEY: one for AES-256-GCM, one for HMAC-SHA256.
type Vault struct {
	aead   cipher.AEAD
	macKey []byte
}

// hexKey is what openssl rand -hex 32 prints.
var hexKey = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ParseKey decodes DATA_KEY: base64 (standard or URL alphabet, padded or not) of 32 bytes.
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
			return key, nil
		}
	}
	return nil, errors.New("not base64")
}

// New derives the two keys from a 32-byte master key.
func New(master []byte) (*Vault, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("vault: key is %d bytes, want 32", len(master))
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "textsupport encryption v1", 32)
	if err != nil {
		return nil, err
	}
	macKey, err := hkdf.Key(sha256.New, master, nil, "textsupport lookup hash v1", 32)
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
	return &Vault{aead: aead, macKey: macKey}, nil
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

// Seal encrypts plaintext for a purpose; the result is nonce || ciphertext.
func (v *Vault) Seal(purpose string, plaintext []byte) []byte {
	nonce := make([]byte, v.aead.NonceSize(), v.aead.NonceSize()+len(plaintext)+v.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("vault: no randomness: " + err.Error())
	}
	return v.aead.Seal(nonce, nonce, plaintext, []byte(purpose))
}

// SealString is Seal for text.
func (v *Vault) SealString(purpose, s string) []byte { return v.Seal(purpose, []byte(s)) }

// Open decrypts what Seal made for the same purpose.
func (v *Vault) Open(purpose string, sealed []byte) ([]byte, error) {
	n := v.aead.NonceSize()
	if len(sealed) < n+v.aead.Overhead() {
		return nil, errors.New("vault: ciphertext too short")
	}
	plain, err := v.aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose))
	if err != nil {
		return nil, errors.New("vault: cannot decrypt (wrong DATA_KEY or damaged data)")
	}
	return plain, nil
}

// OpenString is Open for text.
func (v *Vault) OpenString(purpose string, sealed []byte) (string, error) {
	b, err := v.Open(purpose, sealed)
	return string(b), err
}

// Hash is the keyed lookup hash of s (HMAC-SHA256): equal inputs give equal
// hashes, and without DATA_KEY nobody can test a guessed number against it.
func (v *Vault) Hash(s string) []byte {
	m := hmac.New(sha256.New, v.macKey)
	m.Write([]byte(s))
	return m.Sum(nil)
}
