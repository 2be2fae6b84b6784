package sending

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"

	"textsupport/internal/store"
)

// AdoptProgram makes the database agree with the program this sender
// starts with, before it sends anything (Start calls it):
//
//   - rows and jobs from before step ids get the id at their place in the
//     program (the first start with ids: its sequence must be in the order
//     the service last ran with);
//   - a step whose `after` changed has its waiting jobs moved to the new
//     time (a longer one is also kept at send time: a job is never sent
//     before its step is due);
//   - a step whose text changed under the same id is refused while an
//     attempt at it may already have reached the carrier with the old text
//     (a send being retried or running): its retry would look for the new
//     text and could send the step twice. It is refused with an error that
//     names the step; starting again once those attempts end succeeds.
//
// It runs under an advisory lock, so replicas starting together take
// turns; it then records the program's steps for the next start.
func (s *Sender) AdoptProgram(ctx context.Context) error {
	p := s.cfg.Program
	err := s.cfg.DB.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockProgramAdoption(ctx, tx); err != nil {
			return err
		}
		last, err := store.ProgramSteps(ctx, tx)
		if err != nil {
			return err
		}
		if len(last) == 0 {
			if err := store.NameUnnamedSteps(ctx, tx, stepIDs(p)); err != nil {
				return err
			}
		}
		var refused []string
		steps := make([]store.ProgramStep, len(p.Sequence))
		for i, st := range p.Sequence {
			steps[i] = store.ProgramStep{ID: st.ID, Position: i, BodyHash: st.Hash(), After: st.After}
			was, ok := last[st.ID]
			if !ok {
				continue
			}
			if was.BodyHash != st.Hash() {
				n, err := store.StepJobsTried(ctx, tx, st.ID, st.Hash())
				if err != nil {
					return err
				}
				if n > 0 {
					refused = append(refused, fmt.Sprintf("sequence step %q has new text while %d attempt(s) with its old text may have reached the carrier and are being retried; start again in a few minutes, or give the new text a new id", st.ID, n))
				}
			}
			if was.After != st.After {
				n, err := store.RescheduleStepJobs(ctx, tx, st.ID, st.After)
				if err != nil {
					return err
				}
				s.cfg.Logger.Info("step delay changed: waiting jobs moved", slog.String("step_id", st.ID), slog.Int64("jobs", n))
			}
		}
		if len(refused) > 0 {
			return errProgramRefused{strings.Join(refused, "\n")}
		}
		return store.SaveProgramSteps(ctx, tx, steps)
	})
	var refused errProgramRefused
	if errors.As(err, &refused) {
		return fmt.Errorf("program file: %s", refused.msg)
	}
	if err != nil {
		return fmt.Errorf("adopt program: %w", err)
	}
	return nil
}

type errProgramRefused struct{ msg string }

func (e errProgramRefused) Error() string { return e.msg }
