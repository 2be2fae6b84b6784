// Package sending delivers the programme's sequence: one River job per
// subscriber and step, checked against the committed state immediately
// before each carrier request, held to the send window and the daily cap,
// and paced to the sender number's rate.
package sending

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"textsupport/internal/carrier"
	"textsupport/internal/metrics"
	"textsupport/internal/program"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// Carrier sends one message, and finds one sent before. *carrier.Client
// is the real one.
type Carrier interface {
	Send(ctx context.Context, m carrier.Message) (carrier.Result, error)
	// FindMatching lists the messages sent to a number since a time whose
	// text match accepts, newest first.
	FindMatching(ctx context.Context, to string, since time.Time, match func(body string) bool) ([]carrier.Result, error)
}

// Config is what the sender needs.
type Config struct {
	DB      *store.DB
	Vault   *vault.Vault
	Program *program.Program
	Carrier Carrier
	Logger  *slog.Logger
	Metrics *metrics.Metrics // optional

	// SendRate is the segments per second this process may send. Replicas
	// each get their own budget: give each SEND_RATE = the sender's rate
	// divided by the number of replicas.
	SendRate          float64
	StatusCallbackURL string

	// Workers is how many sends may be in flight at once (default 16); each
	// holds a database connection while its carrier request runs.
	Workers int
	// SendTimeout bounds one carrier request, and so how long a STOP can
	// wait behind a send in flight (default 5 s; Twilio waits 15 s for a webhook).
	SendTimeout time.Duration
	// LockWait bounds how long a send waits for its subscriber's row lock
	// (default 15 s); after it, the send is snoozed.
	LockWait time.Duration
	// RescueAfter is how long a job may stay running before River takes
	// it for one whose process died and runs it again (default 45 s). A
	// live attempt never lasts that long: its parts are bounded (LockWait,
	// SendTimeout, the commit) and none starts a carrier request it could
	// not finish by then. A step run again asks the carrier first whether
	// the interrupted attempt went.
	RescueAfter time.Duration
	// Now is the clock; tests pin it.
	Now func() time.Time
	// PollInterval is how often River looks for due jobs when not told of one (default 1 s).
	PollInterval time.Duration
	// NoWork makes a sender that only schedules and cancels jobs (tools, tests).
	NoWork bool
	// Maintenance are periodic tasks (expiring unanswered sign-ups, refreshing figures).
	Maintenance []Maintenance
	// AlertWebhook, when set, is told of every conversation that newly
	// needs a person.
	AlertWebhook *AlertWebhook
}

// Sender schedules and sends the sequence.
type Sender struct {
	cfg    Config
	river  *river.Client[pgx.Tx]
	pacer  *pacer
	worker *stepWorker

	owedDone chan struct{} // closed to stop scheduleOwedLoop
	owedLoop chan struct{} // closed when it has stopped

	statusDone, statusLoop chan struct{} // the same for statusSweepLoop
	owing                  atomic.Int64  // steps owed by this sender's sends so far
}

// New builds a sender. Start begins working jobs.
func New(cfg Config) (*Sender, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 5 * time.Second
	}
	if cfg.LockWait <= 0 {
		cfg.LockWait = 15 * time.Second
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = DefaultRescueAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SendRate <= 0 {
		cfg.SendRate = 1
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sender{cfg: cfg}
	s.pacer = newPacer(cfg.SendRate)
	s.worker = &stepWorker{s: s}

	rc := &river.Config{
		Logger: cfg.Logger.With(slog.String("component", "river")),
		// A job's context ends after this: waits end, and no carrier
		// request starts that could not end in time (deliver). River
		// rescues a job running longer than RescueAfter only when it has
		// a timeout (a job without one is never rescued).
		JobTimeout:           cfg.RescueAfter,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        10 * time.Millisecond,
		// The baseline migration drops three of River's indexes.
		ReindexerIndexNames: reindexed(),
	}
	if !cfg.NoWork {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, s.worker); err != nil {
			return nil, err
		}
		if err := river.AddWorkerSafely(workers, &signupWorker{s: s}); err != nil {
			return nil, err
		}
		if err := river.AddWorkerSafely(workers, &staffReplyWorker{s: s}); err != nil {
			return nil, err
		}
		if err := river.AddWorkerSafely(workers, &alertWorker{s: s}); err != nil {
			return nil, err
		}
		tasks := map[string]Maintenance{}
		for _, t := range cfg.Maintenance {
			tasks[t.Name] = t
		}
		if err := river.AddWorkerSafely(workers, &maintenanceWorker{tasks: tasks}); err != nil {
			return nil, err
		}
		rc.Workers = workers
		rc.PeriodicJobs = periodicJobs(cfg.Maintenance)
		rc.Queues = map[string]river.QueueConfig{
			queueSequence:    {MaxWorkers: cfg.Workers},
			queueMaintenance: {MaxWorkers: 2},
			queueAlerts:      {MaxWorkers: 2},
		}
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.DB.Pool), rc)
	if err != nil {
		return nil, err
	}
	s.river = client
	return s, nil
}

// Start begins working due jobs. A sender built with NoWork does nothing.
func (s *Sender) Start(ctx context.Context) error {
	if s.cfg.NoWork {
		return nil
	}
	if err := s.AdoptProgram(ctx); err != nil {
		return err
	}
	if err := s.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start sender: %w", err)
	}
	s.owedDone, s.owedLoop = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.owedLoop)
		s.scheduleOwedLoop(s.owedDone)
	}()
	s.statusDone, s.statusLoop = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.statusLoop)
		s.statusSweepLoop(s.statusDone)
	}()
	return nil
}

// Stop stops fetching jobs and ends the running ones: a send in flight is
// finished and recorded (its transaction outlives the job's context); a
// send still waiting for the pacer is snoozed for the next start.
func (s *Sender) Stop(ctx context.Context) error {
	if s.cfg.NoWork {
		return nil
	}
	err := s.river.StopAndCancel(ctx)
	if s.owedDone != nil {
		// Steps owed now are scheduled by the next sender to start.
		close(s.owedDone)
		<-s.owedLoop
		s.owedDone = nil
		close(s.statusDone)
		<-s.statusLoop
	}
	if err != nil {
		return fmt.Errorf("stop sender: %w", err)
	}
	return nil
}

const queueSequence = "sequence"

// reindexed are the river_job indexes River's reindexer keeps rebuilt:
// River's own list, less those migrations/00001_baseline.sql drops.
func reindexed() []string {
	var names []string
	for _, name := range river.ReindexerIndexNamesDefault() {
		if !slices.Contains(droppedJobIndexes, name) {
			names = append(names, name)
		}
	}
	return names
}

// droppedJobIndexes are River's indexes that migrations/00001_baseline.sql
// drops; recreate them before a River upgrade whose migrations alter them.
var droppedJobIndexes = []string{"river_job_args_index", "river_job_metadata_index", "river_job_kind"}

// DefaultRescueAfter is how long a job may stay running before River
// runs it again, taking its process for dead (Config.RescueAfter).
const DefaultRescueAfter = 45 * time.Second

// StepArgs is one sequence step for one subscription. Unique by
// subscriber, step id and subscription: inserting the same step twice for
// the same subscription does nothing.
type StepArgs struct {
	SubscriberID int64 `json:"subscriber_id" river:"unique"`
	// StepID is the step (program.Step.ID); "" in a job made before step
	// ids, which has only Step.
	StepID string `json:"step_id,omitempty" river:"unique"`
	// Step is the step's place in the program when the job was made (-1:
	// not in it), for replicas that predate step ids.
	Step int `json:"step"`
	// BodyHash is the hash of the step's text when the job was made: a
	// retry also looks for a message with that text.
	BodyHash string `json:"body_hash,omitempty"`
	// Due is when the step was due when the job was made (Unix
	// microseconds): a job whose step's `after` has grown since waits.
	Due int64 `json:"due,omitempty"`
	// Subscription is the opt-in time (Unix microseconds) the step belongs
	// to; a person who stops and joins again starts a new subscription.
	Subscription int64 `json:"subscription" river:"unique"`
}

// Kind names the job in River's table.
func (StepArgs) Kind() string { return "send_step" }

// InsertOpts keeps a step unique for its subscription, whatever state its job is in.
func (StepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueSequence,
		MaxAttempts: 20,
		// River's default states include completed: a step sent is not
		// scheduled again. The outbound_messages unique index backs this
		// after River cleans completed jobs out.
		UniqueOpts: river.UniqueOpts{ByArgs: true},
	}
}

// dueAt is when River should run a step due at t: a time already passed is
// left unset, so the job is available at once instead of waiting for
// River's scheduler to promote it (it runs every few seconds).
func dueAt(t time.Time) time.Time {
	if !t.After(time.Now()) {
		return time.Time{}
	}
	return t
}

// Pool is the database the sender works on.
func (s *Sender) Pool() *pgxpool.Pool { return s.cfg.DB.Pool }

// segmentsCeil guards against a step whose count is unknown.
func segmentsCeil(n int) int { return int(math.Max(1, float64(n))) }

// ScheduleMany schedules many steps at once (bulk imports, benchmarks),
// through COPY, in the caller's transaction. Each is due at its
// subscription plus the step's delay; a step given by place (no StepID)
// is the program's step there.
func (s *Sender) ScheduleMany(ctx context.Context, tx pgx.Tx, steps []StepArgs) (int, error) {
	params := make([]river.InsertManyParams, 0, len(steps))
	for _, a := range steps {
		id := a.StepID
		if id == "" && a.Step >= 0 && a.Step < len(s.cfg.Program.Sequence) {
			id = s.cfg.Program.Sequence[a.Step].ID
		}
		if _, _, ok := s.cfg.Program.StepByID(id); !ok {
			continue
		}
		args, due := s.stepArgs(a.SubscriberID, time.UnixMicro(a.Subscription), id)
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: dueAt(due)}})
	}
	n, err := s.river.InsertManyFastTx(ctx, tx, params)
	if err != nil {
		return n, fmt.Errorf("schedule steps: %w", err)
	}
	return n, nil
}
