package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"textsupport/internal/web/webtest"
	"time"

	"github.com/chromedp/chromedp"
)

// artifactsDir is where screenshots are kept: $ARTIFACTS_DIR, else the
// test's artifact folder (kept with go test -artifacts).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		return t.ArtifactDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// In real headless Chromium: sign in, see the overview with the right
// counts and the chart, open a conversation as an admin, sign out.
func TestStaffDashboardInBrowser(t *testing.T) {
	bin := webtest.Chromium(t)
	t.Parallel()
	b := setupStaff(t)
	_, convs := seedHistory(t, b)
	base := b.server.URL

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must("read "+sel, err)
		return strings.TrimSpace(s)
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must("location", err)
		return strings.TrimPrefix(loc, base)
	}

	// Not signed in: the dashboard sends the browser to the sign-in form.
	must("open /staff", chromedp.Do(ctx, chromedp.Navigate(base+"/staff"), chromedp.WaitVisible(chromedp.ID("email"))))
	if loc := location(); loc != "/staff/login" {
		t.Fatalf("without a session /staff went to %s, want /staff/login", loc)
	}

	// A wrong password, then the right one.
	must("wrong password", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), staffAdminEmail), chromedp.SendKeys(chromedp.ID("password"), "not the password"),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("login-error"))))
	if got := text("#login-error"); !strings.Contains(got, "do not match") {
		t.Errorf("wrong password says %q", got)
	}
	must("sign in", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("password"), staffPassword),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("subscribers-active"))))

	// The overview: the seeded counts and the chart.
	for sel, want := range map[string]string{
		"#subscribers-active": "3", "#subscribers-pending": "1", "#subscribers-stopped": "2", "#subscribers-invalid": "1",
		"#opt-ins td:nth-of-type(2)": "4", "#opt-outs td:nth-of-type(3)": "3", "#rate td:nth-of-type(2)": "60.0 %",
	} {
		if got := text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	lines, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(`#trend-chart polyline.series`)))
	must("chart", err)
	if len(lines) != 3 {
		t.Errorf("the chart has %d lines, want 3 (active, opt-ins, opt-outs)", len(lines))
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("trend-chart").getBoundingClientRect().width`))
	must("chart width", err)
	if width < 500 {
		t.Errorf("the chart is drawn %.0f px wide on a desktop window", width)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must("screenshot", err)
	dir := artifactsDir(t)
	must("save screenshot", os.WriteFile(filepath.Join(dir, "staff-overview.png"), shot, 0o644))

	// On a phone: no sideways scrolling of the page itself.
	must("phone viewport", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/staff"), chromedp.WaitVisible(chromedp.ID("subscribers-active"))))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	must("overflow", err)
	if overflow {
		t.Errorf("the overview is wider than a 390 px phone screen")
	}
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must("phone screenshot", err)
	must("save phone screenshot", os.WriteFile(filepath.Join(dir, "staff-overview-phone.png"), shot, 0o644))
	must("desktop viewport", chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))

	// Open the crisis conversation from the inbox.
	must("inbox", chromedp.Do(ctx, chromedp.Navigate(base+"/staff/conversations"), chromedp.WaitVisible(chromedp.ID("conversation-list"))))
	link := fmt.Sprintf(`a[href="/staff/conversations/%d"]`, convs["crisis"])
	must("open conversation", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.ID("thread"))))
	if got := text("#thread li.in .text"); got != "I took too much and feel strange" {
		t.Errorf("the thread's first message = %q", got)
	}
	if got := text("#conversation-from"); got != "•••-•••-0199" {
		t.Errorf("the thread's number = %q, want it masked to the last 4 digits", got)
	}
	if strings.Contains(location(), "0199") {
		t.Errorf("the conversation's URL carries the number")
	}
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must("conversation screenshot", err)
	must("save conversation screenshot", os.WriteFile(filepath.Join(dir, "staff-conversation.png"), shot, 0o644))
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conversation_opened' AND staff_id = $1 AND target = $2`,
		b.admin.ID, fmt.Sprintf("conversation:%d", convs["crisis"])); n != 1 {
		t.Errorf("conversation openings in the audit log = %d, want 1", n)
	}

	// Sign out: back at the form, and the dashboard is closed again.
	must("sign out", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.ID("email"))))
	must("reopen /staff", chromedp.Do(ctx, chromedp.Navigate(base+"/staff"), chromedp.WaitVisible(chromedp.ID("email"))))
	if loc := location(); loc != "/staff/login" {
		t.Errorf("after signing out /staff went to %s", loc)
	}
}
