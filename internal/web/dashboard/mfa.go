package dashboard

// The second factor: TOTP codes from an authenticator app, enrolled from a
// QR code, and recovery codes for when the phone is lost.

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"textsupport/internal/store"
	"textsupport/internal/vault"
	"textsupport/internal/web/httpx"
)

// mfaPath is the enrolment page.
const mfaPath = "/staff/mfa"

// totpPeriod is the TOTP time step; codes of the step before and after are
// taken too, for clocks a little off.
const totpPeriod = 30

// recoveryCodes is how many recovery codes an enrolment makes.
const recoveryCodes = 10

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkTOTP returns the time step of the code, when it is the secret's
// code at now or one step either side.
func checkTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	for _, off := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(off*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod, true
		}
	}
	return 0, false
}

// newRecoveryCode is 80 random bits as four groups of four base32 letters.
func newRecoveryCode() string {
	t := strings.ToLower(rand.Text()[:16])
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}

type codePage struct {
	Error string
}

// HandleCodeForm asks for the second factor after the password.
func HandleCodeForm(views *Views, sessions *Sessions) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if id, _, _ := sessions.awaitingCode(r.Context()); id == 0 {
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		views.render(w, r, http.StatusOK, "code", page{Title: "Sign-in code", Data: codePage{}})
	}
}

// HandleCode checks the code from the authenticator app, or a recovery
// code, and signs in. Wrong codes count as failed sign-ins, under the same
// limits as wrong passwords.
func HandleCode(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, si *SignIn) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		fail := func(err error) { httpx.ServerError(logger, w, r, err) }
		if !readStaffForm(views, w, r) {
			return
		}
		id, email, next := sessions.awaitingCode(ctx)
		if id == 0 {
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		code := strings.TrimSpace(r.PostForm.Get("code"))
		if code == "" {
			views.render(w, r, http.StatusBadRequest, "code", page{Title: "Sign-in code", Data: codePage{Error: "Enter the code from your app, or a recovery code."}})
			return
		}
		at, refusal, err := si.admit(ctx, db, logger, clients, r, email)
		if err != nil {
			fail(err)
			return
		}
		if refusal != nil {
			w.Header().Set("Retry-After", refusal.retryAfter())
			views.render(w, r, http.StatusTooManyRequests, "code", page{Title: "Sign-in code", Data: codePage{Error: refusal.message()}})
			return
		}
		staff, err := db.FindStaff(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			sessions.codeDone(ctx)
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		} else if err != nil {
			fail(err)
			return
		}
		ok, err := si.checkCode(r, db, staff.ID, code)
		if err != nil {
			fail(err)
			return
		}
		if !ok {
			e := store.AuditEntry{Action: store.AuditLoginFailed, StaffID: &staff.ID, Detail: "wrong code", ClientAddr: clients.addr(r)}
			if err := db.Audit(ctx, e); err != nil {
				fail(err)
				return
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "staff sign-in refused: wrong code", slog.Int64("staff_id", staff.ID))
			views.render(w, r, http.StatusUnauthorized, "code", page{Title: "Sign-in code", Data: codePage{Error: "That code is not right. Codes change every 30 seconds; each works once."}})
			return
		}
		sessions.codeDone(ctx)
		si.signIn(w, r, logger, db, sessions, clients, staff, at, next)
	}
}

// checkCode says whether code is the login's TOTP code now (not used
// before) or one of its unused recovery codes, and spends it.
func (si *SignIn) checkCode(r *http.Request, db *store.DB, staffID int64, code string) (bool, error) {
	ctx := r.Context()
	if len(store.NormalizeRecoveryCode(code)) > 8 {
		return db.UseRecoveryCode(ctx, staffID, code)
	}
	sealed, err := db.StaffTOTP(ctx, staffID)
	if err != nil {
		return false, err
	}
	secret, err := si.Vault.OpenString(vault.TOTP, vault.StaffRow(staffID), sealed)
	if err != nil {
		return false, err
	}
	step, ok := checkTOTP(secret, code, si.Now())
	if !ok {
		return false, nil
	}
	return db.UseTOTPStep(ctx, staffID, step)
}

type mfaPage struct {
	Enrolled      bool
	Required      bool
	CodesLeft     int
	QR            template.URL // a data: URI of the QR code's PNG
	Secret        string       // for typing in by hand, in groups of four
	RecoveryCodes []string     // shown once, right after enrolment
	Error         string
}

// HandleMFAForm shows the second factor: enrolled, or how to enrol (a QR
// code for an authenticator app, made here and shown inline: nothing is
// fetched from elsewhere).
func HandleMFAForm(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, si *SignIn) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := si.mfaPage(r, db, sessions, "")
		if err != nil {
			httpx.ServerError(logger, w, r, err)
			return
		}
		views.render(w, r, http.StatusOK, "mfa", page{Title: "Second factor", Nav: "mfa", Data: p})
	}
}

func (si *SignIn) mfaPage(r *http.Request, db *store.DB, sessions *Sessions, problem string) (mfaPage, error) {
	ctx := r.Context()
	staff := staffFrom(ctx)
	p := mfaPage{Enrolled: staff.MFAEnrolled, Required: sessions.mustEnrol(staff), Error: problem}
	if staff.MFAEnrolled {
		var err error
		p.CodesLeft, err = db.RecoveryCodesLeft(ctx, staff.ID)
		return p, err
	}
	// One secret per enrolment, kept sealed in the session until confirmed.
	var key *otp.Key
	if sealed := sessions.sm.GetBytes(ctx, enrolKey); sealed != nil {
		if url, err := si.Vault.OpenString(vault.TOTP, vault.StaffRow(staff.ID), sealed); err == nil {
			key, _ = otp.NewKeyFromURL(url)
		}
	}
	if key == nil {
		var err error
		key, err = totp.Generate(totp.GenerateOpts{Issuer: "Text support", AccountName: staff.Email, Period: totpPeriod})
		if err != nil {
			return p, err
		}
		sessions.sm.Put(ctx, enrolKey, si.Vault.SealString(vault.TOTP, vault.StaffRow(staff.ID), key.URL()))
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return p, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return p, err
	}
	p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	var groups []string
	for s := key.Secret(); s != ""; {
		n := min(4, len(s))
		groups, s = append(groups, s[:n]), s[n:]
	}
	p.Secret = strings.Join(groups, " ")
	return p, nil
}

// HandleMFAEnrol confirms an enrolment with a code from the app, stores
// the secret (sealed) and shows the recovery codes, once.
func HandleMFAEnrol(logger *slog.Logger, db *store.DB, views *Views, sessions *Sessions, clients Clients, si *SignIn) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		fail := func(err error) { httpx.ServerError(logger, w, r, err) }
		if !readStaffForm(views, w, r) {
			return
		}
		staff := staffFrom(ctx)
		sealed := sessions.sm.GetBytes(ctx, enrolKey)
		if staff.MFAEnrolled || sealed == nil {
			http.Redirect(w, r, mfaPath, http.StatusSeeOther)
			return
		}
		url, err := si.Vault.OpenString(vault.TOTP, vault.StaffRow(staff.ID), sealed)
		if err != nil {
			fail(err)
			return
		}
		key, err := otp.NewKeyFromURL(url)
		if err != nil {
			fail(err)
			return
		}
		step, ok := checkTOTP(key.Secret(), r.PostForm.Get("code"), si.Now())
		if !ok {
			p, err := si.mfaPage(r, db, sessions, "That code is not right. Check the time on your phone, and enter the code the app shows now.")
			if err != nil {
				fail(err)
				return
			}
			views.render(w, r, http.StatusUnprocessableEntity, "mfa", page{Title: "Second factor", Nav: "mfa", Data: p})
			return
		}
		codes := make([]string, recoveryCodes)
		for i := range codes {
			codes[i] = newRecoveryCode()
		}
		if err := db.EnrollTOTP(ctx, staff.ID, si.Vault.SealString(vault.TOTP, vault.StaffRow(staff.ID), key.Secret()), step, codes); err != nil {
			fail(err)
			return
		}
		sessions.sm.Remove(ctx, enrolKey)
		if err := db.Audit(ctx, clients.actor(r).Entry(store.AuditMFAEnrolled, fmt.Sprintf("staff:%d", staff.ID), "")); err != nil {
			fail(err)
			return
		}
		logStaff(logger, r, "staff enrolled a second factor")
		staff.MFAEnrolled = true
		views.render(w, r, http.StatusOK, "mfa", page{Title: "Second factor", Nav: "mfa", Data: mfaPage{Enrolled: true, CodesLeft: len(codes), RecoveryCodes: codes}})
	}
}
