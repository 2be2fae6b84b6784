// Package crashtest runs the real service (`textsupport serve`, built into
// a temporary folder) as a child process against a fake Twilio that lives
// in the test process, and kills or redeploys it mid-sequence: every step
// still reaches every person exactly once.
package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/twiliofake"
	"textsupport/internal/vault"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// service builds cmd/textsupport once for the test binary's life.
func service(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "textsupport-crashtest")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "textsupport")
		var out bytes.Buffer
		cmd := exec.Command("go", "build", "-o", binPath, "textsupport/cmd/textsupport")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/textsupport: %v\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// rig is one database, one fake carrier and the settings for serve.
type rig struct {
	t       *testing.T
	dbURL   string
	db      *store.DB
	vault   *vault.Vault
	fake    *twiliofake.Server
	env     []string
	sender  *sending.Sender // NoWork: subscribes people as an opt-in does
	program *program.Program
	child   *exec.Cmd
	exited  chan struct{}
}

// dataKey is random, as serve requires of DATA_KEY.
var dataKey = func() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}()

func newRig(t *testing.T, programFile string) *rig {
	t.Helper()
	r := &rig{t: t, dbURL: pgtest.URL(t)}
	var err error
	if r.db, err = store.Open(context.Background(), r.dbURL, 5); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.db.Close)
	if r.vault, err = vault.New(dataKey); err != nil {
		t.Fatal(err)
	}
	// The fake outlives every child: it is the phones' side of the story.
	r.fake = twiliofake.New("AC00000000000000000000000000000077", "crashtoken")
	t.Cleanup(r.fake.Close)
	r.setProgram(programFile)
	t.Cleanup(r.stop)
	return r
}

// setProgram writes the program serve starts with next.
func (r *rig) setProgram(text string) {
	r.t.Helper()
	path := filepath.Join(r.t.TempDir(), "program.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		r.t.Fatal(err)
	}
	p, err := program.Load(path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.program = p
	r.env = []string{
		"DATABASE_URL=" + r.dbURL,
		"LISTEN_ADDR=127.0.0.1:0",
		"PUBLIC_URL=http://127.0.0.1:9",
		"TWILIO_ACCOUNT_SID=" + r.fake.AccountSID,
		"TWILIO_AUTH_TOKEN=" + r.fake.AuthToken,
		"TWILIO_FROM=+12125550100",
		"TWILIO_API_URL=" + r.fake.URL,
		"DATA_KEY=" + base64.StdEncoding.EncodeToString(dataKey),
		"PROGRAM_FILE=" + path,
		"SEND_RATE=50",
		"LOG_LEVEL=warn",
	}
	if r.sender, err = sending.New(sending.Config{DB: r.db, Vault: r.vault, Program: p, NoWork: true, Logger: slog.New(slog.DiscardHandler)}); err != nil {
		r.t.Fatal(err)
	}
}

// start runs serve and waits until it listens.
func (r *rig) start() {
	r.t.Helper()
	cmd := exec.Command(service(r.t), "serve")
	cmd.Env = append(os.Environ(), r.env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	listening := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		said := false
		for sc.Scan() {
			if !said && strings.Contains(sc.Text(), "listening on ") {
				said = true
				listening <- true
			}
		}
		if !said {
			listening <- false
		}
		io.Copy(io.Discard, stdout)
	}()
	r.child, r.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(r.exited) }()
	select {
	case ok := <-listening:
		if !ok {
			<-r.exited
			r.t.Fatalf("serve exited before listening:\n%s", stderr.String())
		}
	case <-time.After(2 * time.Minute):
		r.t.Fatal("serve did not listen within 2 minutes")
	}
}

// kill ends the child at once, as a crash or an OOM kill would.
func (r *rig) kill() {
	if r.child == nil {
		return
	}
	r.child.Process.Signal(syscall.SIGKILL)
	<-r.exited
	r.child = nil
}

// stop ends the child as a deploy does (SIGTERM, then wait).
func (r *rig) stop() {
	if r.child == nil {
		return
	}
	r.child.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(time.Minute):
		r.child.Process.Signal(syscall.SIGKILL)
		<-r.exited
	}
	r.child = nil
}

// subscribe opts a number in, as a JOIN does, in a zone where it is the
// middle of the day now (the send window holds).
func (r *rig) subscribe(number string) *store.Subscriber {
	return pgtest.NewSubscriber(r.t, r.db, r.vault, number, middayZone(), store.Active,
		store.ConsentEvent{Method: store.MethodKeyword, Reason: "JOIN"}, r.sender.Transition)
}

// middayZone is a fixed-offset zone where it is about 13:00 now.
func middayZone() string {
	h := time.Now().UTC().Hour()
	off := 13 - h // local = UTC + off
	if off > 12 {
		off -= 24
	}
	if off < -12 {
		off += 24
	}
	// Etc/GMT+N is N hours behind UTC.
	if off <= 0 {
		return fmt.Sprintf("Etc/GMT+%d", -off)
	}
	return fmt.Sprintf("Etc/GMT-%d", off)
}

// waitFor polls until ok or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// counts are the texts each number got, by body.
func (r *rig) counts() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, q := range r.fake.Requests() {
		if out[q.To] == nil {
			out[q.To] = map[string]int{}
		}
		out[q.To][q.Body]++
	}
	return out
}

// programText is a program whose sequence is steps (id, after, body).
func programText(steps ...[3]string) string {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "templates", "program.yaml"))
	if err != nil {
		panic(err)
	}
	text := string(data)
	i := strings.Index(text, "\nsequence:")
	j := strings.Index(text, "\nconversation_quiet:")
	var b strings.Builder
	b.WriteString("\nsequence:\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "  - id: %s\n    after: %s\n    body: \"{{.Name}}: %s Reply STOP to opt out.\"\n", s[0], s[1], s[2])
	}
	text = text[:i] + b.String() + text[j:]
	text = strings.Replace(text, "frequency: Up to 3 msgs/day", "frequency: Up to 30 msgs/day", 1)
	return strings.Replace(text, "daily_cap: 3", "daily_cap: 30", 1)
}

// Killed with SIGKILL mid-send, again and again: after the last restart
// every step that was in flight goes, or is found already sent, within
// two minutes, and none reaches anyone twice; a person who said STOP
// while the service was down gets nothing after it.
func TestKilledMidSend(t *testing.T) {
	t.Parallel()
	r := newRig(t, programText(
		[3]string{"one", "0s", "first note."}, [3]string{"two", "1s", "second note."},
		[3]string{"three", "2s", "third note."}, [3]string{"four", "3s", "fourth note."}))
	const people = 12
	var numbers []string
	var subs []*store.Subscriber
	for i := range people {
		n := fmt.Sprintf("+1212555%04d", 7000+i)
		numbers = append(numbers, n)
		subs = append(subs, r.subscribe(n))
	}
	if _, err := r.sender.ScheduleOwed(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Each kill lands between the carrier taking a message and the
	// service recording it: the worst moment.
	var mu sync.Mutex
	killAt := map[int]bool{3: true, 14: true, 27: true}
	accepted := 0
	kills := make(chan struct{}, 8)
	r.fake.OnMessage(func(twiliofake.Request) {
		mu.Lock()
		accepted++
		k := killAt[accepted]
		mu.Unlock()
		if k {
			kills <- struct{}{}
			time.Sleep(200 * time.Millisecond) // the answer comes after the kill
		}
	})
	stoppedNumber := numbers[0]
	var stoppedAt time.Time
	for round := range 3 {
		r.start()
		select {
		case <-kills:
			r.kill()
		case <-time.After(3 * time.Minute):
			t.Fatalf("round %d: no send to kill within 3 minutes", round)
		}
		if round == 0 {
			// While it is down, the first person says STOP.
			pgtest.SetState(t, r.db, subs[0].ID, store.Stopped, store.ConsentEvent{Method: store.MethodKeyword, Reason: "STOP"}, r.sender.Transition)
			stoppedAt = time.Now()
		}
	}
	r.start()
	restarted := time.Now()
	total := (people - 1) * len(r.program.Sequence)
	waitFor(t, 2*time.Minute+30*time.Second, "every step to everyone still subscribed", func() bool {
		n := 0
		for to, bodies := range r.counts() {
			if to != stoppedNumber {
				n += len(bodies)
			}
		}
		return n >= total
	})
	t.Logf("all steps in %v after the last restart", time.Since(restarted).Round(time.Second))
	time.Sleep(3 * time.Second) // anything more would show now
	for to, bodies := range r.counts() {
		for body, n := range bodies {
			if n != 1 {
				t.Errorf("a step reached %s… %d times (%.20q)", to[:6], n, body)
			}
		}
	}
	for _, q := range r.fake.RequestsTo(stoppedNumber) {
		if q.At.After(stoppedAt) {
			t.Errorf("a step reached the stopped number after its STOP")
		}
	}
}

// A redeploy with the sequence edited each time (a step inserted at the
// front, one removed in the middle, two reordered), people mid-sequence
// throughout: no text reaches anyone twice, and every step still in the
// program reaches everyone.
func TestRedeployWithEditedProgram(t *testing.T) {
	t.Parallel()
	a := [3]string{"a", "0s", "note A."}
	b := [3]string{"b", "4s", "note B."}
	c := [3]string{"c", "8s", "note C."}
	d := [3]string{"d", "12s", "note D."}
	e := [3]string{"e", "16s", "note E."}
	front := [3]string{"front", "0s", "a new first note."}
	r := newRig(t, programText(a, b, c, d, e))
	const people = 8
	var numbers []string
	for i := range people {
		n := fmt.Sprintf("+1212555%04d", 7100+i)
		numbers = append(numbers, n)
		r.subscribe(n)
	}
	gotAtLeast := func(k int) func() bool {
		return func() bool {
			for _, n := range numbers {
				if len(r.fake.RequestsTo(n)) < k {
					return false
				}
			}
			return true
		}
	}
	r.start()
	waitFor(t, 2*time.Minute, "everyone's first step", gotAtLeast(1))
	r.stop()
	r.setProgram(programText(front, a, b, c, d, e)) // inserted at the front
	r.start()
	waitFor(t, 2*time.Minute, "the new first step", gotAtLeast(3))
	r.stop()
	r.setProgram(programText(front, a, b, d, e)) // c removed
	r.start()
	time.Sleep(3 * time.Second)
	r.stop()
	// d and e swapped: steps must stay in order of `after`, so each takes
	// the other's delay too.
	r.setProgram(programText(front, a, b, [3]string{"e", "12s", "note E."}, [3]string{"d", "16s", "note D."}))
	r.start()
	final := r.program
	waitFor(t, 3*time.Minute, "every step of the final program", func() bool {
		for _, n := range numbers {
			got := map[string]bool{}
			for _, q := range r.fake.RequestsTo(n) {
				got[q.Body] = true
			}
			for _, s := range final.Sequence {
				if !got[s.Body] {
					return false
				}
			}
		}
		return true
	})
	time.Sleep(3 * time.Second)
	for to, bodies := range r.counts() {
		for body, n := range bodies {
			if n != 1 {
				t.Errorf("%.20q reached %s… %d times", body, to[:6], n)
			}
		}
	}
}
