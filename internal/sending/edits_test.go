package sending

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/program"
	"textsupport/internal/store"
)

// drive works a subscriber's waiting step jobs one at a time, as River
// would, moving the test clock on over every snooze, until none is left or
// stopAfter messages have reached the number (0: no limit).
func (b *bundle) drive(t *testing.T, sub *store.Subscriber, number string, stopAfter int) {
	t.Helper()
	ctx := context.Background()
	for range 500 {
		if stopAfter > 0 && len(b.fake.RequestsTo(number)) >= stopAfter {
			return
		}
		b.scheduleOwed(t)
		var id int64
		var raw []byte
		err := b.db.Pool.QueryRow(ctx, `
			SELECT id, args FROM river_job
			WHERE kind = 'send_step' AND (args ->> 'subscriber_id')::bigint = $1
			  AND state IN ('available', 'scheduled', 'retryable', 'pending')
			ORDER BY id LIMIT 1`, sub.ID).Scan(&id, &raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		var a StepArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		// River runs a job at its due time.
		if due := time.UnixMicro(a.Due); a.Due != 0 && due.After(*b.now.Load()) {
			b.setNow(due)
		}
		err = b.sender.sendStep(ctx, a)
		if d, ok := snoozeOf(err); ok {
			b.setNow(b.now.Load().Add(d))
			continue
		}
		if err != nil && !isCancel(err) {
			t.Fatalf("step job %s: %v", raw, err)
		}
		if _, err := b.db.Pool.Exec(ctx, `UPDATE river_job SET state = 'completed', finalized_at = now() WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the sequence did not end in 500 jobs")
}

// bodies are the texts a number got, in order.
func (b *bundle) bodies(number string) []string {
	var out []string
	for _, r := range b.fake.RequestsTo(number) {
		out = append(out, r.Body)
	}
	return out
}

// sixSteps is a short sequence with ids, all due at once.
func sixSteps(p *program.Program) {
	p.Sequence = slices.Clone(p.Sequence[:6])
	for i := range p.Sequence {
		p.Sequence[i].After = time.Duration(i) * time.Minute
	}
	p.DailyCap = 100
}

// What an operator may expect from each kind of edit to the sequence while
// people are part-way through it: no text reaches anyone twice, and every
// step still in the program reaches them once.
func TestProgramEdits(t *testing.T) {
	t.Parallel()
	extra := program.Step{ID: "new-front", Body: "Recovery Text Support: a new first note.", Segments: 1}
	tests := []struct {
		name string
		edit func(seq []program.Step) []program.Step
		// removed are steps of the old sequence that must not go after the edit.
		removed []int
	}{
		{"insert at the front", func(seq []program.Step) []program.Step {
			return append([]program.Step{extra}, seq...)
		}, nil},
		{"remove in the middle", func(seq []program.Step) []program.Step {
			return slices.Delete(seq, 3, 4)
		}, []int{3}},
		{"reorder", func(seq []program.Step) []program.Step {
			seq[2], seq[4] = seq[4], seq[2]
			return seq
		}, nil},
		{"remove one already sent", func(seq []program.Step) []program.Step {
			return slices.Delete(seq, 0, 1)
		}, nil},
		{"reorder across the one waiting", func(seq []program.Step) []program.Step {
			seq[1], seq[3] = seq[3], seq[1]
			return seq
		}, nil},
		{"remove the one waiting", func(seq []program.Step) []program.Step {
			return slices.Delete(seq, 2, 3)
		}, []int{2}},
		{"all at once", func(seq []program.Step) []program.Step {
			seq = slices.Delete(seq, 3, 4)
			seq[3], seq[4] = seq[4], seq[3]
			return append([]program.Step{extra}, seq...)
		}, []int{3}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			sixSteps(b.program)
			old := slices.Clone(b.program.Sequence)
			number := "+1212555" + string(rune('0'+i)) + "801"
			sub := b.subscribe(t, number, "")
			b.drive(t, sub, number, 2) // steps 0 and 1 went; step 2 waits
			b.program.Sequence = tt.edit(slices.Clone(b.program.Sequence))
			b.drive(t, sub, number, 0)

			got := b.bodies(number)
			seen := map[string]int{}
			for _, body := range got {
				seen[body]++
			}
			for body, n := range seen {
				if n > 1 {
					t.Errorf("%q reached them %d times", body[:40], n)
				}
			}
			for _, s := range b.program.Sequence {
				if seen[s.Body] != 1 {
					t.Errorf("step %q reached them %d times, want once", s.ID, seen[s.Body])
				}
			}
			for _, r := range tt.removed {
				if slices.Index(got, old[r].Body) >= 2 {
					t.Errorf("removed step %q went after the edit", old[r].ID)
				}
			}
		})
	}
}

// New wording under the same id: whoever had the step does not get it
// again; whoever had not gets the new wording.
func TestProgramEditChangedText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sixSteps(b.program)
	const had, hadNot = "+12125550811", "+12125550812"
	subHad := b.subscribe(t, had, "")
	subHadNot := b.subscribe(t, hadNot, "")
	b.drive(t, subHad, had, 2)
	b.drive(t, subHadNot, hadNot, 1)
	oldText := b.program.Sequence[1].Body
	b.program.Sequence[1].Body = "Recovery Text Support: the second note, reworded."
	b.drive(t, subHad, had, 0)
	b.drive(t, subHadNot, hadNot, 0)
	if got := b.bodies(had); len(got) != 6 || slices.Contains(got, b.program.Sequence[1].Body) {
		t.Errorf("had the step: got %d texts (reworded one among them: %v), want 6 and not the reworded one",
			len(got), slices.Contains(got, b.program.Sequence[1].Body))
	}
	if got := b.bodies(hadNot); len(got) != 6 || slices.Contains(got, oldText) || !slices.Contains(got, b.program.Sequence[1].Body) {
		t.Errorf("had not: got %d texts, want 6 with the new wording only", len(got))
	}
}

// A longer `after`: a step waiting for the old time waits for the new one.
func TestProgramEditLongerAfter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sixSteps(b.program)
	const number = "+12125550821"
	sub := b.subscribe(t, number, "")
	// The clock at the opt-in, noon in New York.
	opted := *sub.OptedInAt
	ny, _ := time.LoadLocation("America/New_York")
	b.setNow(time.Date(opted.In(ny).Year(), opted.In(ny).Month(), opted.In(ny).Day(), 12, 0, 0, 0, ny).Add(24 * time.Hour))
	b.drive(t, sub, number, 2)
	b.program.Sequence[2].After = 72 * time.Hour
	b.drive(t, sub, number, 0)
	var at time.Time
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT created_at FROM outbound_messages WHERE subscriber_id = $1 AND kind = 'step' ORDER BY id OFFSET 2 LIMIT 1`, sub.ID).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if at.Before(opted.Add(72 * time.Hour)) {
		t.Errorf("third step went %v after the opt-in, want at least 72h", at.Sub(opted))
	}
}
