package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
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

var row = []byte("phone hash of the row")

func TestSealOpen(t *testing.T) {
	v := newVault(t)
	sealed := v.SealString(Phone, row, "+15005550006")
	if bytes.Contains(sealed, []byte("5550006")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := v.OpenString(Phone, row, sealed)
	if err != nil || got != "+15005550006" {
		t.Fatalf("OpenString = %q, %v, want +15005550006", got, err)
	}
	if _, err := v.Open(Body, row, sealed); err == nil {
		t.Fatal("Open with another purpose succeeded, want an error")
	}
	if bytes.Equal(sealed, v.SealString(Phone, row, "+15005550006")) {
		t.Fatal("two seals of the same text are equal: nonce reused")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := v.Open(Phone, row, sealed); err == nil {
		t.Fatal("Open of tampered ciphertext succeeded")
	}
	other := newVault(t)
	if _, err := other.Open(Phone, row, v.SealString(Phone, row, "x")); err == nil {
		t.Fatal("Open under another key succeeded")
	}
}

// A ciphertext copied onto another person's row does not open there.
func TestOpenRefusesAnotherRow(t *testing.T) {
	v := newVault(t)
	for _, purpose := range []string{Phone, Body, Evidence, TOTP} {
		sealed := v.SealString(purpose, []byte("hash A"), "text")
		if got, err := v.OpenString(purpose, []byte("hash B"), sealed); err == nil {
			t.Errorf("OpenString(%s, another row) = %q, nil, want an error", purpose, got)
		}
		if _, err := v.OpenString(purpose, nil, sealed); err == nil {
			t.Errorf("OpenString(%s, no row) succeeded, want an error", purpose)
		}
	}
	if _, err := v.Open(TOTP, StaffRow(2), v.Seal(TOTP, StaffRow(1), []byte("secret"))); err == nil {
		t.Error("a staff login's secret opened for another login")
	}
}

func TestOpenPhone(t *testing.T) {
	v := newVault(t)
	a, b := "+15005550006", "+15005550007"
	got, err := v.OpenPhone(v.Hash(a), v.SealString(Phone, v.Hash(a), a))
	if err != nil || got != a {
		t.Fatalf("OpenPhone = %q, %v, want %s", got, err, a)
	}
	// Sealed for row A (as if written there by a bug), holding B's number.
	if got, err := v.OpenPhone(v.Hash(a), v.SealString(Phone, v.Hash(a), b)); err == nil {
		t.Fatalf("OpenPhone of a number that does not hash to its row = %q, want an error", got)
	}
	// B's ciphertext copied onto A's row.
	if got, err := v.OpenPhone(v.Hash(a), v.SealString(Phone, v.Hash(b), b)); err == nil {
		t.Fatalf("OpenPhone of another row's ciphertext = %q, want an error", got)
	}
}

func randomKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	return key
}

func TestKeyRing(t *testing.T) {
	k1, k2, k3 := randomKey(t), randomKey(t), randomKey(t)
	old, err := NewRing([]Key{{1, k1}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewRing([]Key{{3, k3}, {2, k2}, {1, k1}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	sealed := ring.SealString(Body, row, "hello")
	if sealed[0] != version || sealed[1] != 3 {
		t.Fatalf("Seal's header = %x, want version %x and the newest key's ID 3", sealed[:2], version)
	}
	if ring.NewestID() != 3 {
		t.Fatalf("NewestID() = %d, want 3", ring.NewestID())
	}
	// What key 1 sealed, the ring opens; what the ring seals, key 1 alone does not.
	fromOld := old.SealString(Body, row, "from key 1")
	if got, err := ring.OpenString(Body, row, fromOld); err != nil || got != "from key 1" {
		t.Fatalf("ring.OpenString(key 1's ciphertext) = %q, %v", got, err)
	}
	if _, err := old.Open(Body, row, sealed); err == nil {
		t.Fatal("key 1 alone opened key 3's ciphertext")
	}
	// A key ID rewritten to name another key of the ring does not open.
	swapped := bytes.Clone(sealed)
	swapped[1] = 2
	if _, err := ring.Open(Body, row, swapped); err == nil {
		t.Fatal("a ciphertext whose key ID was changed opened")
	}
	// The lookup hash does not move with the encryption keys.
	if !bytes.Equal(old.Hash("+15005550006"), ring.Hash("+15005550006")) {
		t.Fatal("the lookup hash changed when keys were added to the ring")
	}
	newOnly, err := NewRing([]Key{{3, k3}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old.Hash("+15005550006"), newOnly.Hash("+15005550006")) {
		t.Fatal("the lookup hash changed when key 1 left the ring")
	}

	// Reseal moves a ciphertext to the newest key, and leaves one there alone.
	resealed, changed, err := ring.Reseal(Body, row, fromOld)
	if err != nil || !changed || resealed[1] != 3 {
		t.Fatalf("Reseal(key 1's) = %x…, %v, %v, want a key 3 ciphertext", resealed[:2], changed, err)
	}
	if got, err := newOnly.OpenString(Body, row, resealed); err != nil || got != "from key 1" {
		t.Fatalf("the resealed ciphertext under key 3 alone = %q, %v", got, err)
	}
	if again, changed, err := ring.Reseal(Body, row, resealed); err != nil || changed || !bytes.Equal(again, resealed) {
		t.Fatalf("Reseal of a key 3 ciphertext = changed %v, %v, want it left as it was", changed, err)
	}
	if !ring.Current(Body, row, resealed) || ring.Current(Body, row, fromOld) {
		t.Fatal("Current does not tell the newest key's ciphertexts from the others")
	}
	if _, err := newOnly.Open(Body, row, fromOld); err == nil {
		t.Fatal("a ring without key 1 opened key 1's ciphertext")
	}
}

// sealUnprefixed is Seal as it was before ciphertexts carried a key ID.
func sealUnprefixed(t *testing.T, key []byte, purpose string, plaintext []byte) []byte {
	t.Helper()
	encKey, err := hkdf.Key(sha256.New, key, nil, "textsupport encryption v1", 32)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(encKey)
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plaintext, []byte(purpose))
}

// Rows written before key IDs (test databases, dev --data) still open,
// as key 1's, whatever their nonce's first bytes.
func TestOpenUnprefixed(t *testing.T) {
	k1, k2 := randomKey(t), randomKey(t)
	ring, err := NewRing([]Key{{2, k2}, {1, k1}}, k1)
	if err != nil {
		t.Fatal(err)
	}
	single, _ := New(k1)
	for i := range 600 {
		old := sealUnprefixed(t, k1, Phone, []byte("+15005550006"))
		if i%2 == 0 {
			// A nonce that starts like a header naming a key of the ring.
			old[0], old[1] = version, byte(1+i%4)
			old = sealAgainWithNonce(t, k1, old[:12], Phone, []byte("+15005550006"))
		}
		for _, v := range []*Vault{ring, single} {
			if got, err := v.OpenString(Phone, row, old); err != nil || got != "+15005550006" {
				t.Fatalf("OpenString(unprefixed, nonce %x) = %q, %v", old[:2], got, err)
			}
		}
		if _, err := ring.Open(Body, row, old); err == nil {
			t.Fatal("an unprefixed ciphertext opened for another purpose")
		}
		if out, changed, err := ring.Reseal(Phone, row, old); err != nil || !changed || out[1] != 2 {
			t.Fatalf("Reseal(unprefixed) = changed %v, %v, want it under key 2", changed, err)
		}
	}
}

func sealAgainWithNonce(t *testing.T, key, nonce []byte, purpose string, plaintext []byte) []byte {
	t.Helper()
	encKey, _ := hkdf.Key(sha256.New, key, nil, "textsupport encryption v1", 32)
	block, _ := aes.NewCipher(encKey)
	aead, _ := cipher.NewGCM(block)
	return aead.Seal(bytes.Clone(nonce), nonce, plaintext, []byte(purpose))
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

func TestCheckRandom(t *testing.T) {
	for name, key := range map[string][]byte{
		"all zeros":      make([]byte, 32),
		"one byte":       bytes.Repeat([]byte{7}, 32),
		"short pattern":  bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 4),
		"hex text":       []byte("0123456789abcdef0123456789abcdef"),
		"a password":     []byte("correct horse battery staple!!!!"),
		"15 byte values": append(bytes.Repeat([]byte{0xf0}, 18), 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d),
	} {
		if err := CheckRandom(key); err == nil {
			t.Errorf("CheckRandom(%s) = nil, want a refusal", name)
		}
		if _, err := ParseKey(base64.StdEncoding.EncodeToString(key)); err == nil || !strings.Contains(err.Error(), "not random") {
			t.Errorf("ParseKey(%s) = %v, want it refused as not random", name, err)
		}
	}
}

// What openssl rand -base64 32 makes is never refused.
func TestCheckRandomNeverRefusesRandomKeys(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	key := make([]byte, 32)
	for range n {
		rand.Read(key)
		if err := CheckRandom(key); err != nil {
			t.Fatalf("CheckRandom(a random key) = %v", err)
		}
	}
}

func TestParseRing(t *testing.T) {
	k1, k2 := randomKey(t), randomKey(t)
	b64 := base64.StdEncoding.EncodeToString
	keys, err := ParseRing(" 2:" + b64(k2) + ", 1:" + b64(k1))
	if err != nil || len(keys) != 2 || keys[0].ID != 2 || !bytes.Equal(keys[0].Secret, k2) || keys[1].ID != 1 || !bytes.Equal(keys[1].Secret, k1) {
		t.Fatalf("ParseRing = %v, %v, want key 2 then key 1", keys, err)
	}
	for _, bad := range []string{
		b64(k1),                               // no ID
		"0:" + b64(k1),                        // ID out of range
		"256:" + b64(k1),                      // ID out of range
		"x:" + b64(k1),                        // not a number
		"1:" + b64(k1) + ",1:" + b64(k2),      // twice
		"2:" + b64(make([]byte, 32)),          // not random
		"2:" + b64(k2) + ",1:" + b64(k1[:16]), // short
	} {
		keys, err := ParseRing(bad)
		if err == nil {
			t.Errorf("ParseRing(%q) = %v, want an error", bad, keys)
			continue
		}
		if strings.Contains(err.Error(), b64(k1)) || strings.Contains(err.Error(), b64(k2)) {
			t.Errorf("ParseRing's error repeats a key: %v", err)
		}
	}
}
