package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"textsupport/internal/store"
)

// QueueDepth reports River's job queue at each scrape: jobs waiting, by
// queue and state (available: due now; scheduled: due later; retryable:
// failed and waiting to retry), how late the oldest due job is, and how
// many sent steps still owe their next step's job. Every
// replica reports the same shared queue, so aggregate with max, not sum.
//
// A scrape within minInterval of the last one gets the same figures, and
// a slow or failed read (store.QueueDepths) reports textsupport_queue_up 0
// instead of failing /metrics.
type QueueDepth struct {
	db      *store.DB
	timeout time.Duration

	jobs, late, owed, up *prometheus.Desc

	cache cached
}

// queueStates are the states of jobs still to run.
var queueStates = []string{"available", "scheduled", "retryable"}

// NewQueueDepth makes the collector; register it with Metrics.Register.
func NewQueueDepth(db *store.DB) *QueueDepth {
	return &QueueDepth{
		db: db, timeout: 2 * time.Second, cache: cached{minInterval: 5 * time.Second},
		jobs: prometheus.NewDesc("textsupport_queue_jobs", "Jobs waiting in the queue, by queue and state (available: due; scheduled: due later; retryable: waiting to retry).",
			[]string{"queue", "state"}, nil),
		late: prometheus.NewDesc("textsupport_queue_oldest_due_seconds", "How long the oldest due (available) job has been due, by queue; 0 when none is.",
			[]string{"queue"}, nil),
		owed: prometheus.NewDesc("textsupport_steps_owed", "Steps owed by sends and not yet scheduled as jobs (a sender schedules them within 100 ms while sending, 5 s otherwise); a count that keeps growing means scheduling has stalled.",
			nil, nil),
		up: prometheus.NewDesc("textsupport_queue_up", "1 when the last queue query succeeded.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (q *QueueDepth) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.jobs
	ch <- q.late
	ch <- q.owed
	ch <- q.up
}

// Collect implements prometheus.Collector.
func (q *QueueDepth) Collect(ch chan<- prometheus.Metric) { q.cache.collect(ch, q.query) }

func (q *QueueDepth) query() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), q.timeout)
	defer cancel()
	d, err := q.db.QueueDepths(ctx)
	if err != nil {
		return []prometheus.Metric{prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 0)}
	}
	out := []prometheus.Metric{
		prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 1),
		prometheus.MustNewConstMetric(q.owed, prometheus.GaugeValue, float64(d.StepsOwed)),
	}
	for queue, byState := range d.Jobs {
		for _, state := range queueStates {
			out = append(out, prometheus.MustNewConstMetric(q.jobs, prometheus.GaugeValue, float64(byState[state]), queue, state))
		}
		out = append(out, prometheus.MustNewConstMetric(q.late, prometheus.GaugeValue, d.OldestDue[queue].Seconds(), queue))
	}
	return out
}
