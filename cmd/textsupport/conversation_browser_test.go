package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"textsupport/internal/pgtest"
	"textsupport/internal/store"
)

// artifact saves the page as PNG in the test's artifact folder (kept with
// go test -artifacts).
func artifact(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := run1(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	path := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// A person texts "can someone call me" from the phone simulator; another,
// later, a farewell, and gets the crisis reply (988) at once; a responder
// signs in and finds the farewell first in the inbox; opens the first
// person's conversation (the number masked),
// replies, and the reply arrives on the phone; a new conversation shows in
// the open inbox without a reload; closing moves it to the closed tab.
func TestConversationInBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	dbURL := pgtest.URL(t)
	s := start(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_URL": dbURL}, "dev")
	db, err := store.Open(context.Background(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const email, password = "rita@clinic.example", "a long enough password"
	if _, err := db.CreateStaff(context.Background(), email, password, store.RoleResponder); err != nil {
		t.Fatal(err)
	}

	// The person writes.
	do(t, ctx, "open the phone simulator",
		chromedp.Navigate(s.base+"/dev/phone"),
		chromedp.WaitVisible(chromedp.ID("number")),
		chromedp.SetValue(chromedp.ID("number"), "+12125550166"),
	)
	submit(t, ctx, "choose the number", chromedp.Click(`//button[normalize-space(.)="Use"]`))
	do(t, ctx, "write", chromedp.SendKeys(chromedp.ID("body"), "can someone call me"))
	submit(t, ctx, "send", chromedp.Click(chromedp.CSS("form.send button")))

	// Another person, later, says goodbye in words no phrase rule knows:
	// the crisis reply (988) comes at once, and the conversation goes to
	// the top of the inbox, above the one that has waited longer.
	const farewell = "made sure the dog has somewhere to go. this is the last text youll get from me"
	choose := func(number string) {
		do(t, ctx, "open the phone simulator",
			chromedp.Navigate(s.base+"/dev/phone"),
			chromedp.WaitVisible(chromedp.ID("number")),
			chromedp.SetValue(chromedp.ID("number"), number),
		)
		submit(t, ctx, "choose the number", chromedp.Click(`//button[normalize-space(.)="Use"]`))
	}
	choose("+12125550168")
	do(t, ctx, "write the farewell", chromedp.SendKeys(chromedp.ID("body"), farewell))
	submit(t, ctx, "send the farewell", chromedp.Click(chromedp.CSS("form.send button")))
	if thread := waitForText(t, ctx, s.base, "988"); !strings.Contains(thread, farewell) {
		t.Errorf("the phone shows %q, want the farewell and the crisis reply", thread)
	}
	choose("+12125550166")

	// The responder signs in and opens it.
	do(t, ctx, "desktop size", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "sign in",
		chromedp.Navigate(s.base+"/staff/login?next=%2Fstaff%2Fconversations"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	submit(t, ctx, "sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	do(t, ctx, "the inbox", chromedp.WaitVisible(chromedp.ID("conversation-list")))
	first := normalizeSpace(run1(t, ctx, "the inbox's first", chromedp.Text(chromedp.CSS(`#conversation-list > li:first-child`))))
	if !strings.Contains(first, "•••-•••-0168") || !strings.Contains(first, "Crisis") {
		t.Errorf("the inbox's first conversation is %q, want the farewell's, a crisis", first)
	}
	item := normalizeSpace(run1(t, ctx, "the inbox", chromedp.Text(chromedp.ID("conversation-list"))))
	if !strings.Contains(item, "•••-•••-0166") || !strings.Contains(item, "waiting for staff") || strings.Contains(item, "5550166") {
		t.Errorf("the inbox shows %q", item)
	}
	artifact(t, ctx, "conversations-inbox")

	submit(t, ctx, "open the conversation", chromedp.Click(`//ul[@id="conversation-list"]/li[contains(., "0166")]//a[contains(@class, "open-link")]`))
	do(t, ctx, "the thread", chromedp.WaitVisible(chromedp.ID("thread")))
	if got := run1(t, ctx, "first message", chromedp.Text(chromedp.CSS("#thread li.in .text"))); got != "can someone call me" {
		t.Errorf("the thread's first message = %q", got)
	}
	if got := run1(t, ctx, "number", chromedp.Text(chromedp.ID("conversation-from"))); got != "•••-•••-0166" {
		t.Errorf("the thread's number = %q", got)
	}
	thread := run1(t, ctx, "location", chromedp.Location())

	// The counter counts as the responder types.
	const reply = "Yes, we can call you. When is a good time today?"
	do(t, ctx, "type the reply", chromedp.SendKeys(chromedp.ID("body"), reply))
	counter := run1(t, ctx, "counter", chromedp.Text(chromedp.ID("body-count")))
	if want := fmt.Sprintf("%d characters left in this text message · 1 text message", 160-len(reply)); counter != want {
		t.Errorf("the counter says %q, want %q", counter, want)
	}
	submit(t, ctx, "send the reply", chromedp.Click(`//button[normalize-space(.)="Send reply"]`))
	flash := run1(t, ctx, "flash", chromedp.Text(chromedp.CSS(".flash")))
	if flash != "Your reply is on its way: 1 text message." {
		t.Errorf("after sending, the page says %q", flash)
	}

	// It arrives on the phone (the running sender sends it).
	waitForText(t, ctx, s.base, reply)

	// Back on the thread: the reply, by whom, sent.
	deadline := time.Now().Add(30 * time.Second)
	var delivery string
	for {
		do(t, ctx, "reload the thread", chromedp.Navigate(thread), chromedp.WaitVisible(chromedp.CSS("#thread li.out")))
		delivery = run1(t, ctx, "delivery", chromedp.Text(chromedp.CSS("#thread li.out .delivery")))
		if strings.HasPrefix(strings.TrimSpace(delivery), "Delivery:") || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if !strings.HasPrefix(strings.TrimSpace(delivery), "Delivery:") {
		t.Errorf("the reply's status on the thread = %q", delivery)
	}
	if by := run1(t, ctx, "author", chromedp.Text(chromedp.CSS("#thread li.out .about"))); !strings.Contains(by, email) {
		t.Errorf("the reply's line = %q, want its author", by)
	}
	artifact(t, ctx, "conversation-thread")

	// The inbox refreshes itself: another person writes while it is open.
	do(t, ctx, "the inbox again", chromedp.Navigate(s.base+"/staff/conversations"), chromedp.WaitVisible(chromedp.ID("conversation-list")))
	resp, err := http.PostForm(s.base+"/dev/phone", url.Values{"number": {"+12125550167"}, "body": {"is anyone there"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT max(id) FROM conversations`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	live, cancel := context.WithTimeout(ctx, 40*time.Second) // the page refreshes every 10 s
	err = chromedp.Do(live, chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("conversation-%d", id))))
	cancel()
	if err != nil {
		t.Errorf("the new conversation did not show in the open inbox: %v", err)
	}

	// Close the first one.
	do(t, ctx, "back to the thread", chromedp.Navigate(thread), chromedp.WaitVisible(chromedp.ID("close-conversation")))
	submit(t, ctx, "close", chromedp.Click(chromedp.ID("close-conversation")))
	if flash := run1(t, ctx, "flash", chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "is closed") {
		t.Errorf("after closing, the page says %q", flash)
	}
	var closed int
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM conversations WHERE status = 'closed'`).Scan(&closed)
	if closed != 1 {
		t.Errorf("closed conversations = %d, want 1", closed)
	}
	if strings.Contains(s.stderr.String(), "5550166") || strings.Contains(s.stderr.String(), "5550168") || strings.Contains(s.stderr.String(), "call me") ||
		strings.Contains(s.stderr.String(), "good time") || strings.Contains(s.stderr.String(), "the dog") {
		t.Errorf("the logs hold the number or a message")
	}
}
