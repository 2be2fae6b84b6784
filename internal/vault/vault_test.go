package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func newVault(t *testing.T) *Vault {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	v, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSealOpen(t *testing.T) {
	v := newVault(t)
	sealed := v.SealString(Phone, "+15005550006")
	if bytes.Contains(sealed, []byte("5550006")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := v.OpenString(Phone, sealed)
	if err != nil || got != "+15005550006" {
		t.Fatalf("OpenString = %q, %v, want +15005550006", got, err)
	}
	if _, err := v.Open(Body, sealed); err == nil {
		t.Fatal("Open with another purpose succeeded, want an error")
	}
	if bytes.Equal(sealed, v.SealString(Phone, "+15005550006")) {
		t.Fatal("two seals of the same text are equal: nonce reused")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := v.Open(Phone, sealed); err == nil {
		t.Fatal("Open of tampered ciphertext succeeded")
	}
	other := newVault(t)
	if _, err := other.Open(Phone, v.SealString(Phone, "x")); err == nil {
		t.Fatal("Open under another key succeeded")
	}
}

func TestHash(t *testing.T) {
	v, w := newVault(t), newVault(t)
	if !bytes.Equal(v.Hash("+15005550006"), v.Hash("+15005550006")) {
		t.Fatal("Hash is not deterministic")
	}
	if bytes.Equal(v.Hash("+15005550006"), v.Hash("+15005550007")) {
		t.Fatal("different numbers hash alike")
	}
	if bytes.Equal(v.Hash("+15005550006"), w.Hash("+15005550006")) {
		t.Fatal("Hash does not depend on the key")
	}
}

func TestParseKey(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	for name, s := range map[string]string{
		"std": base64.StdEncoding.EncodeToString(key), "raw": base64.RawStdEncoding.EncodeToString(key),
		"url": base64.URLEncoding.EncodeToString(key),
	} {
		got, err := ParseKey(s)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%s) = %x, %v, want %x", name, got, err, key)
		}
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(key[:16])} {
		if _, err := ParseKey(bad); err == nil || strings.Contains(err.Error(), "hex") {
			t.Errorf("ParseKey(%q) = %v, want an error not about hex", bad, err)
		}
	}
	// openssl rand -hex 32: 64 hex digits, which are also base64 of 48 bytes.
	if _, err := ParseKey(hex.EncodeToString(key)); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
		t.Errorf("ParseKey(hex of 32 bytes) = %v, want it to suggest openssl rand -base64 32", err)
	}
}
