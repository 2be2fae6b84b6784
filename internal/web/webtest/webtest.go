// Package webtest holds what the tests of the HTTP packages share.
package webtest

import (
	"bytes"
	"sync"
)

// SyncBuffer is a log destination handlers may write to concurrently,
// read by the test after.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
