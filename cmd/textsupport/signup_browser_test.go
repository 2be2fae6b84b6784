package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/web/webtest"
)

// browser starts headless Chromium for the test, sized like a phone.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := webtest.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", bin, err)
	}
	return ctx
}

// screenshot saves the page as PNG in $SIGNUP_SCREENSHOTS (for a person to
// look at) or the test's temporary folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("SIGNUP_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// run1 runs one action that returns a value, failing the test on error.
func run1[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// submit clicks sel and waits for the page the form post leads to (after
// any redirect), returning its HTTP status.
func submit(t *testing.T, ctx context.Context, what string, sel chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, sel)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// A person signs up in a real browser without JavaScript doing anything:
// a mistake shows beside the field with what they typed kept; the fixed
// form is accepted; the YES request arrives on the phone simulator, and
// texting YES brings the programme's confirmation.
func TestSignupInBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := start(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_URL": pgtest.URL(t)}, "dev")
	// The program as dev loads it: its links on dev's own address.
	base, _ := url.Parse(s.base)
	prog, err := program.LoadFor("", &url.URL{Scheme: "http", Host: "localhost:" + base.Port()})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.base + "/signup")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /signup = %d: is the sign-up form wired into serveApp (web.Deps.Signup)?", resp.StatusCode)
	}
	checked := chromedp.JavascriptAttribute[bool](chromedp.ID("consent"), "checked")

	// The form, as a phone shows it.
	do(t, ctx, "open the form", chromedp.Navigate(s.base+"/signup"), chromedp.WaitVisible(chromedp.ID("phone")))
	if run1(t, ctx, "consent box", checked) {
		t.Fatal("the consent box starts checked")
	}
	screenshot(t, ctx, "signup-form")

	// A number too short: the error shows beside the field, the typing and
	// the checked box are kept.
	do(t, ctx, "fill in a bad number",
		chromedp.SendKeys(chromedp.ID("phone"), "212-555-01"),
		chromedp.Click(chromedp.ID("consent")),
	)
	if code := submit(t, ctx, "submit a bad number", chromedp.Click(chromedp.CSS("button[type=submit]"))); code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad number answered %d, want 422", code)
	}
	do(t, ctx, "see the error", chromedp.WaitVisible(chromedp.ID("phone-error")))
	fieldError := run1(t, ctx, "field error", chromedp.Text(chromedp.ID("phone-error")))
	typed := run1(t, ctx, "phone value", chromedp.Value(chromedp.ID("phone")))
	summary := run1(t, ctx, "error summary", chromedp.Text(chromedp.CSS(".error-summary")))
	kept := run1(t, ctx, "consent box", checked)
	if !strings.Contains(fieldError, "mobile number") || typed != "212-555-01" || !kept || !strings.Contains(summary, "There is a problem") {
		t.Fatalf("after a bad number: error %q, field %q, consent kept %v, summary %q", fieldError, typed, kept, summary)
	}
	if d := run1(t, ctx, "aria-describedby", chromedp.AttributeValue(chromedp.ID("phone"), "aria-describedby")); !strings.Contains(d.Value, "phone-error") {
		t.Errorf("the phone field is not described by its error: aria-describedby=%q", d.Value)
	}
	screenshot(t, ctx, "signup-error")

	// Fixed: accepted, and the page anyone gets.
	do(t, ctx, "fix the number",
		chromedp.Clear(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), "(212) 555-0177"),
		chromedp.SetValue(chromedp.ID("tz"), "America/New_York"),
	)
	if typed := run1(t, ctx, "phone value", chromedp.Value(chromedp.ID("phone"))); typed != "(212) 555-0177" {
		t.Fatalf("the phone field holds %q after retyping", typed)
	}
	if code := submit(t, ctx, "submit the fixed form", chromedp.Click(chromedp.CSS("button[type=submit]"))); code != http.StatusOK {
		t.Fatalf("the fixed form led to a page answering %d", code)
	}
	do(t, ctx, "see the answer", chromedp.WaitVisible(`//h1[contains(., "Check your phone")]`))
	if url := run1(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(url, "/signup/done") {
		t.Fatalf("after sign-up the browser is at %s", url)
	}
	screenshot(t, ctx, "signup-done")

	// On the phone simulator: the YES request arrives; YES brings the confirmation.
	do(t, ctx, "open the phone simulator",
		chromedp.Navigate(s.base+"/dev/phone"),
		chromedp.WaitVisible(chromedp.ID("number")),
		chromedp.SetValue(chromedp.ID("number"), "+12125550177"),
	)
	submit(t, ctx, "choose the number", chromedp.Click(`//button[normalize-space(.)="Use"]`))
	waitForText(t, ctx, s.base, prog.Replies.PendingConfirm)
	do(t, ctx, "write YES", chromedp.SendKeys(chromedp.ID("body"), "YES"))
	submit(t, ctx, "text YES", chromedp.Click(chromedp.CSS("form.send button")))
	thread := waitForText(t, ctx, s.base, prog.Replies.Confirmation)
	if strings.Index(thread, normalizeSpace(prog.Replies.Confirmation)) < strings.Index(thread, normalizeSpace(prog.Replies.PendingConfirm)) {
		t.Fatalf("the confirmation came before the YES request:\n%s", thread)
	}
	screenshot(t, ctx, "signup-phone")
}

// waitForText reloads the phone simulator until its thread shows want (the
// page's own refresh is JavaScript; this test does not rely on it).
func waitForText(t *testing.T, ctx context.Context, base, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		do(t, ctx, "reload the phone", chromedp.Navigate(base+"/dev/phone"), chromedp.WaitVisible(chromedp.ID("thread")))
		thread := normalizeSpace(run1(t, ctx, "the thread", chromedp.Text(chromedp.ID("thread"))))
		if strings.Contains(thread, normalizeSpace(want)) {
			return thread
		}
		if time.Now().After(deadline) {
			t.Fatalf("the phone never showed %q; it shows:\n%s", want, thread)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
