package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// cached keeps the metrics a collector read from the database, so that a
// scrape within minInterval of the last one gets the same figures instead
// of querying again (every replica is scraped, and the figures are shared).
type cached struct {
	minInterval time.Duration

	mu      sync.Mutex
	last    time.Time
	metrics []prometheus.Metric
}

// collect sends the cached metrics, reading them with query first when
// they are older than minInterval.
func (c *cached) collect(ch chan<- prometheus.Metric, query func() []prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.metrics == nil || time.Since(c.last) >= c.minInterval {
		c.metrics = query()
		c.last = time.Now()
	}
	for _, m := range c.metrics {
		ch <- m
	}
}
