// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// jobServer answers job queries from a script: each call takes the next
// answer, the last one repeating.
func jobServer(t *testing.T, answers ...string) (http.Handler, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/"+testProject+"/jobs" || r.URL.Query().Get("id") != "job-1" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		i := int(calls.Add(1)) - 1
		a := answers[min(i, len(answers)-1)]
		if strings.HasPrefix(a, "!") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, a[1:])
			return
		}
		_, _ = io.WriteString(w, a)
	}), &calls
}

func job(status, process, reason string) string {
	return fmt.Sprintf(`{"job":{"id":"job-1","name":"CloseGaussDBforMySQLProxy","status":%q,"process":%q,"fail_reason":%q,"instance":{"id":%q}}}`, status, process, reason, instID)
}

const notQueryable = `!{"error_code":"DBS.200543","error_msg":"The job does not exist."}`

func TestWaitJob_completed(t *testing.T) {
	h, calls := jobServer(t, job("Running", "10%", ""), job("Running", "60%", ""), job("Completed", "", ""))
	c, _ := newTestClient(t, h)
	j, err := c.WaitJob(context.Background(), "job-1")
	if err != nil || j.Status != JobCompleted || calls.Load() != 3 {
		t.Fatalf("job=%+v err=%v calls=%d", j, err, calls.Load())
	}
}

func TestWaitJob_failedCarriesReason(t *testing.T) {
	h, _ := jobServer(t, job("Running", "", ""), job("Failed", "", "proxy node creation failed: insufficient resources"))
	c, _ := newTestClient(t, h)
	_, err := c.WaitJob(context.Background(), "job-1")
	var jf *JobFailedError
	if !errors.As(err, &jf) {
		t.Fatalf("err = %v, want JobFailedError", err)
	}
	for _, want := range []string{"job-1", "insufficient resources", instID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestWaitJob_timeout(t *testing.T) {
	h, _ := jobServer(t, job("Running", "", ""))
	c, clk := newTestClient(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A "timeout" the fake clock can reach: cancel once 30 simulated
	// seconds have passed.
	c.clock = &deadlineClock{fakeClock: clk, at: clk.Now().Add(30 * time.Second), cancel: cancel}
	j, err := c.WaitJob(ctx, "job-1")
	var te *JobTimeoutError
	if !errors.As(err, &te) || te.LastStatus != JobRunning || j == nil {
		t.Fatalf("err = %v (%T), want JobTimeoutError with the last status", err, err)
	}
}

// deadlineClock cancels a context when fake time passes a moment.
type deadlineClock struct {
	*fakeClock
	at     time.Time
	cancel context.CancelFunc
}

func (d *deadlineClock) Sleep(ctx context.Context, dur time.Duration) error {
	if err := d.fakeClock.Sleep(ctx, dur); err != nil {
		return err
	}
	if !d.Now().Before(d.at) {
		d.cancel()
		return ctx.Err()
	}
	return nil
}

func TestWaitJob_cancelEndsWaitPromptly(t *testing.T) {
	h, _ := jobServer(t, job("Running", "", ""))
	c, _ := newTestClient(t, h, func(cfg *Config) {
		cfg.Clock = RealClock{}
		cfg.JobSchedule = func() Schedule { return FixedSchedule(time.Hour) }
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitJob(ctx, "job-1")
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled inside", err)
		}
		if !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("error %q does not say it was cancelled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitJob ignored cancellation while sleeping an hour")
	}
}

func TestWaitJob_notQueryableWithinGrace(t *testing.T) {
	h, _ := jobServer(t, notQueryable, notQueryable, job("Running", "50%", ""), job("Completed", "", ""))
	c, _ := newTestClient(t, h)
	if _, err := c.WaitJob(context.Background(), "job-1"); err != nil {
		t.Fatalf("DBS.200543 right after creation must count as starting: %v", err)
	}
}

func TestWaitJob_notQueryablePastGraceFails(t *testing.T) {
	h, _ := jobServer(t, notQueryable)
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.JobGrace = 5 * time.Second })
	_, err := c.WaitJob(context.Background(), "job-1")
	if !IsJobNotQueryable(err) || !strings.Contains(err.Error(), "job-1") {
		t.Fatalf("err = %v, want DBS.200543 after the grace window", err)
	}
}

func TestWaitJob_unknownStatusIsWaitedOn(t *testing.T) {
	h, _ := jobServer(t, job("Queued", "", ""), job("Completed", "", ""))
	c, _ := newTestClient(t, h)
	if _, err := c.WaitJob(context.Background(), "job-1"); err != nil {
		t.Fatal(err)
	}
}

// TestAdaptiveSchedule_finishesSoonAfterJob simulates linear-progress jobs
// on a fake timeline and checks the schedule's promise: it notices the end
// within a second, without more queries than a 10 s poll for long jobs.
func TestAdaptiveSchedule_finishesSoonAfterJob(t *testing.T) {
	for _, d := range []time.Duration{2 * time.Second, 30 * time.Second, 120 * time.Second, 600 * time.Second} {
		lag, queries := simulate(NewAdaptiveSchedule(), d, true)
		if lag > time.Second {
			t.Errorf("job %v with progress: lag %v > 1s", d, lag)
		}
		if fixed := int(d/(10*time.Second)) + 1; d >= 30*time.Second && queries > fixed {
			t.Errorf("job %v: %d queries, more than a fixed 10s poll's %d", d, queries, fixed)
		}
		lag, _ = simulate(NewAdaptiveSchedule(), d, false)
		if lag > 5*time.Second {
			t.Errorf("job %v without progress: lag %v > 5s", d, lag)
		}
	}
}

// simulate runs a schedule against a job of duration d that reports floor
// percentages (or none) and returns the lag and the number of queries.
func simulate(s Schedule, d time.Duration, progress bool) (time.Duration, int) {
	var t time.Duration
	for q := 1; ; q++ {
		if t >= d {
			return t - d, q
		}
		j := &Job{Status: JobRunning}
		if progress {
			j.Process = fmt.Sprintf("%d%%", int(100*t/d))
		}
		t += s.Next(t, j)
	}
}
