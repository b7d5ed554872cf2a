// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeClock makes every wait instant: Sleep advances Now by the duration
// asked for and records it, so tests see exactly which waits a real run
// would have made.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	// Start at the real time: tests mix fake sleeps with real context deadlines.
	return &fakeClock{now: time.Now()}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.sleeps = append(f.sleeps, d)
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

const testProject = "0123456789abcdef0123456789abcdef"

func newTestClient(t *testing.T, h http.Handler, mod ...func(*Config)) (*Client, *fakeClock) {
	t.Helper()
	return newTestClientWithClock(t, h, newFakeClock(), mod...)
}

// newTestClientWithClock is newTestClient with a clock the test also reads,
// for fake servers whose answers change with time.
func newTestClientWithClock(t *testing.T, h http.Handler, clk *fakeClock, mod ...func(*Config)) (*Client, *fakeClock) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{Endpoint: srv.URL, ProjectID: testProject, Auth: TokenAuth{Token: "tok"}, MaxRetries: 3, Clock: clk}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}
