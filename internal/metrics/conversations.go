package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"textsupport/internal/store"
)

// Conversations reports at each scrape the conversations waiting for a
// person and how soon staff first answer: open conversations by priority,
// those waiting for the person, how long the oldest has waited, and the
// median and 90th-percentile time to the first staff reply of the
// conversations opened in the last 7 and 30 days. Every replica reports
// the same figures: aggregate with max.
//
// Like QueueDepth, a scrape within minInterval of the last gets the same
// figures, and a failed read reports textsupport_conversations_up 0.
type Conversations struct {
	db      *store.DB
	timeout time.Duration

	open, waiting, oldest, firstReply, up *prometheus.Desc

	cache cached
}

// NewConversations makes the collector; register it with Metrics.Register.
func NewConversations(db *store.DB) *Conversations {
	return &Conversations{
		db: db, timeout: 2 * time.Second, cache: cached{minInterval: 5 * time.Second},
		open: prometheus.NewDesc("textsupport_conversations_open", "Conversations waiting for a person on staff, by priority (crisis, normal).",
			[]string{"priority"}, nil),
		waiting: prometheus.NewDesc("textsupport_conversations_waiting_for_person", "Conversations staff answered that wait for the person.", nil, nil),
		oldest: prometheus.NewDesc("textsupport_conversations_oldest_open_seconds", "How long the conversation waiting longest for staff has waited since the person last wrote; 0 when none waits.",
			nil, nil),
		firstReply: prometheus.NewDesc("textsupport_conversations_first_reply_seconds", "Time from a conversation opening to the first staff reply, over the conversations opened in the window and answered, by window (7d, 30d) and quantile (0.5, 0.9); absent when none was answered.",
			[]string{"window", "quantile"}, nil),
		up: prometheus.NewDesc("textsupport_conversations_up", "1 when the last conversations query succeeded.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Conversations) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.waiting, c.oldest, c.firstReply, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Conversations) Collect(ch chan<- prometheus.Metric) { c.cache.collect(ch, c.query) }

func (c *Conversations) query() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	f, err := c.db.ConversationFigures(ctx, time.Now())
	if err != nil {
		return []prometheus.Metric{prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)}
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
		return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	out := []prometheus.Metric{
		gauge(c.up, 1),
		gauge(c.open, float64(f.OpenCrisis), "crisis"),
		gauge(c.open, float64(f.OpenOther), "normal"),
		gauge(c.waiting, float64(f.Waiting)),
		gauge(c.oldest, float64(f.OldestOpenSeconds)),
	}
	for _, w := range []struct {
		window string
		r      store.ReplyFigures
	}{{"7d", f.FirstReplyLast7Days}, {"30d", f.FirstReplyLast30Days}} {
		if w.r.MedianSeconds != nil {
			out = append(out, gauge(c.firstReply, float64(*w.r.MedianSeconds), w.window, "0.5"))
		}
		if w.r.P90Seconds != nil {
			out = append(out, gauge(c.firstReply, float64(*w.r.P90Seconds), w.window, "0.9"))
		}
	}
	return out
}
