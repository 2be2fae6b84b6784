package store

import (
	"context"
	"strings"
)

// Stats are the running totals staff and the API see.
type Stats struct {
	Subscribers   map[State]int64  `json:"subscribers"`
	Messages      map[string]int64 `json:"messages"`
	ConsentEvents int64            `json:"consent_events"`
}

// Totals reads the running totals from the counters kept with every change:
// a few dozen rows whatever the number of subscribers.
func (db *DB) Totals(ctx context.Context) (*Stats, error) {
	s := &Stats{
		Subscribers: map[State]int64{Pending: 0, Active: 0, Stopped: 0, Invalid: 0},
		Messages:    map[string]int64{"inbound": 0, "outbound": 0},
	}
	rows, err := db.Pool.Query(ctx, `SELECT name, sum(n) FROM counters WHERE day = '-infinity' GROUP BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		switch {
		case strings.HasPrefix(name, "subscribers."):
			s.Subscribers[State(strings.TrimPrefix(name, "subscribers."))] = n
		case strings.HasPrefix(name, "messages."):
			s.Messages[strings.TrimPrefix(name, "messages.")] = n
		case name == "consent_events":
			s.ConsentEvents = n
		}
	}
	return s, rows.Err()
}
