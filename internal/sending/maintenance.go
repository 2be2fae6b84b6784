package sending

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Maintenance is a task run on a schedule by one replica at a time (River's
// leader inserts the job; whichever worker takes it runs it).
type Maintenance struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

type maintenanceArgs struct {
	Name string `json:"name"`
}

func (maintenanceArgs) Kind() string { return "maintenance" }

func (maintenanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueMaintenance, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

const queueMaintenance = "maintenance"

type maintenanceWorker struct {
	river.WorkerDefaults[maintenanceArgs]
	tasks map[string]Maintenance
}

func (w *maintenanceWorker) Work(ctx context.Context, job *river.Job[maintenanceArgs]) error {
	task, ok := w.tasks[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("no maintenance task %q in this version", job.Args.Name))
	}
	return task.Run(ctx)
}

// periodicJobs turns the maintenance tasks into River periodic jobs.
func periodicJobs(tasks []Maintenance) []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	for _, t := range tasks {
		name := t.Name
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) { return maintenanceArgs{Name: name}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return jobs
}
