// Package metrics holds the service's Prometheus metrics. Labels carry
// kinds and statuses only, never a number or a body.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's set, on its own registry.
type Metrics struct {
	registry *prometheus.Registry

	Inbound       *prometheus.CounterVec   // by class
	Outbound      *prometheus.CounterVec   // by status
	StatusUpdates *prometheus.CounterVec   // delivery callbacks by status
	SendLatency   prometheus.Histogram     // due time to carrier answer
	CarrierCall   prometheus.Histogram     // one carrier request
	HTTP          *prometheus.HistogramVec // by route and status code
	Limited       *prometheus.CounterVec   // requests refused by a limit, by limit
	// SendingPaused is 1 while this process has seen sending paused for
	// the account (the carrier refused the credentials or the sender).
	SendingPaused prometheus.Gauge
	// StalledSteps counts steps found held by the send window alone for
	// days: the person's time zones share no open hour with the window.
	StalledSteps prometheus.Counter
}

// New makes the metrics and registers them with Go and process collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		registry: r,
		Inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_inbound_messages_total", Help: "Inbound messages handled, by class.",
		}, []string{"class"}),
		Outbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_outbound_messages_total", Help: "Messages sent through the carrier, by result.",
		}, []string{"status"}),
		StatusUpdates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_status_callbacks_total", Help: "Delivery status callbacks received, by status.",
		}, []string{"status"}),
		SendLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "textsupport_send_delay_seconds", Help: "Time from a sequence step falling due to the carrier accepting it.",
			Buckets: []float64{.1, .5, 1, 5, 30, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600},
		}),
		CarrierCall: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "textsupport_carrier_request_seconds", Help: "Duration of one request to the carrier's API.",
			Buckets: prometheus.DefBuckets,
		}),
		HTTP: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "textsupport_http_request_seconds", Help: "HTTP requests by route and status code; the Twilio routes are the webhook latency.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15},
		}, []string{"route", "code"}),
		Limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textsupport_limited_total", Help: "Requests refused or held by a limit, by limit.",
		}, []string{"limit"}),
	}
	m.SendingPaused = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "textsupport_sending_paused", Help: "1 while sending is paused because the carrier refused the account or its sender (credentials, From number, suspension); staff are shown it too.",
	})
	m.StalledSteps = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "textsupport_steps_stalled_total", Help: "Sequence steps found held by the send window alone for over 3 days (the person's time zones share no open hour with the window).",
	})
	r.MustRegister(m.Inbound, m.Outbound, m.StatusUpdates, m.SendLatency, m.CarrierCall, m.HTTP, m.Limited, m.SendingPaused, m.StalledSteps,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds collectors of other packages (queue depth, say) to this registry.
func (m *Metrics) Register(c ...prometheus.Collector) { m.registry.MustRegister(c...) }

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Instrument times every request by its route pattern (never its path,
// which could carry anything).
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		rctx := chi.NewRouteContext()
		r = r.WithContext(contextWithRoute(r.Context(), rctx))
		next.ServeHTTP(sw, r)
		route := rctx.RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		m.HTTP.WithLabelValues(route, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

// InboundHandled counts one handled inbound message.
func (m *Metrics) InboundHandled(class string, repeat bool) {
	if repeat {
		class = "repeat"
	}
	m.Inbound.WithLabelValues(class).Inc()
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
