// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// Part A: the job wait schedules under a simulated clock. The real
// taurusdb.Client.WaitJob runs against a loopback HTTP server that answers
// the job query from a virtual clock; the client's Clock is the same virtual
// clock, so a sleep of ten minutes takes no real time.

const (
	simProject = "0123456789abcdef0123456789abcdef"
	simJobID   = "04efe8e2-9255-44ae-a98b-d87cae411890"
	simToken   = "bench-sim-token"
	// simPhases is how many start offsets each case runs with.
	simPhases = 20
	// simSeed makes the offsets reproducible from run to run.
	simSeed = 20260105
	// simMaxOffset bounds how long the job already ran when the waiter's
	// first query goes out in scenario A2. Offsets are spread over
	// [0, min(this, D/2)): ten seconds is one whole period of the fixed
	// schedule, so its lag takes every phase, while for short jobs the
	// waiter still meets the job in its first half.
	simMaxOffset  = 10 * time.Second
	jobTimeLayout = "2006-01-02T15:04:05-0700"
)

// simEpoch is where every run's virtual clock starts.
var simEpoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// virtualClock implements taurusdb.Clock: Sleep advances the time at once.
// The HTTP handler reads it from another goroutine, hence the lock.
type virtualClock struct {
	mu    sync.Mutex
	now   time.Time
	limit time.Time // a Sleep past this fails, so a stuck wait cannot spin forever
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	if c.now.After(c.limit) {
		return context.DeadlineExceeded
	}
	return nil
}

// simJob is the one job the simulated API knows during a run.
type simJob struct {
	created  time.Time
	duration time.Duration
	progress bool // report process "NN%" while running
}

// jobAPI answers GET /v3/{project}/jobs?id= from the virtual clock and
// counts the queries.
type jobAPI struct {
	mu      sync.Mutex
	clock   *virtualClock
	job     simJob
	queries int
}

func (a *jobAPI) reset(clock *virtualClock, job simJob) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clock, a.job, a.queries = clock, job, 0
}

func (a *jobAPI) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.queries
}

func (a *jobAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "bench-sim")
	if r.Method != http.MethodGet || r.URL.Path != "/v3/"+simProject+"/jobs" {
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, `{"error_code":"APIG.0101","error_msg":"no such API in the benchmark: %s %s"}`, r.Method, r.URL.Path)
		return
	}
	if r.URL.Query().Get("id") != simJobID {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_code":"DBS.200543","error_msg":"The job does not exist."}`))
		return
	}
	a.mu.Lock()
	a.queries++
	job, now := a.job, a.clock.Now()
	a.mu.Unlock()

	end := job.created.Add(job.duration)
	body := map[string]any{
		"id": simJobID, "name": "CloseGaussDBforMySQLProxy",
		"created": job.created.Format(jobTimeLayout), "ended": "", "process": "",
		"instance": map[string]string{"id": "bench", "name": "bench"},
		"entities": map[string]any{},
	}
	if now.Before(end) {
		body["status"] = taurusdb.JobRunning
		if job.progress {
			body["process"] = fmt.Sprintf("%d%%", int64(now.Sub(job.created))*100/int64(job.duration))
		}
	} else {
		body["status"] = taurusdb.JobCompleted
		body["ended"] = end.Format(jobTimeLayout)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"job": body})
}

// waitResult is one simulated wait.
type waitResult struct {
	lag     time.Duration // waiter returned − job ended
	queries int
}

// simRun is one wait: the job was created offset before the waiter's first
// query and runs for duration.
type simRun struct {
	offset, duration time.Duration
}

// simScenario is a way of drawing the runs for a nominal job duration.
type simScenario struct {
	title string
	about string
	runs  func(nominal time.Duration) []simRun
}

// simScenarios: A1 is the provider's own situation (the wait starts right
// after the call that made the job; real jobs do not last round numbers of
// seconds, which also spreads the fixed schedule over all its phases); A2
// joins jobs that have been running for a while, which tests whether the
// schedule depends on seeing the job from its start.
var simScenarios = []simScenario{
	{
		title: "A1. Wait starts with the job",
		about: "start offset uniform in [0, 1 s) (the answer of the call that created the job, and clock granularity); " +
			"true duration = nominal ± 10 % (seeded jitter), so that the fixed schedule meets every phase of its 10 s period.",
		runs: func(d time.Duration) []simRun {
			rng := rand.New(rand.NewPCG(simSeed, uint64(d)))
			out := make([]simRun, simPhases)
			for i := range out {
				// Stratified: phase i of simPhases over the jitter range.
				j := (float64(i)+rng.Float64())/simPhases*0.2 - 0.1
				out[i] = simRun{
					offset:   time.Duration(rng.Float64() * float64(time.Second)).Round(time.Millisecond),
					duration: time.Duration(float64(d) * (1 + j)).Round(time.Millisecond),
				}
			}
			return out
		},
	},
	{
		title: "A2. Wait joins a running job",
		about: "exact nominal duration; start offset spread evenly over [0, min(10 s, duration/2)) with seeded jitter: " +
			"the job had already run that long when the waiter's first query went out (e.g. a queued or slow-to-answer API, " +
			"or a wait resumed on an existing job).",
		runs: func(d time.Duration) []simRun {
			window := min(simMaxOffset, d/2)
			rng := rand.New(rand.NewPCG(simSeed+1, uint64(d)))
			out := make([]simRun, simPhases)
			for i := range out {
				out[i] = simRun{
					offset:   time.Duration((float64(i) + rng.Float64()) / simPhases * float64(window)).Round(time.Millisecond),
					duration: d,
				}
			}
			return out
		},
	},
}

// simCase is one row of a part A table: a nominal job duration with or
// without progress, waited on by both schedules in every run.
type simCase struct {
	duration time.Duration
	progress bool
	adaptive []waitResult
	fixed    []waitResult
}

// simSection is one part A table.
type simSection struct {
	scenario simScenario
	cases    []simCase
}

// simulator owns the loopback server and the client used for every run.
type simulator struct {
	api    *jobAPI
	srv    *http.Server
	ln     net.Listener
	clocks *clockSwitch
}

// clockSwitch lets one client use a fresh virtual clock per run.
type clockSwitch struct {
	mu sync.Mutex
	c  *virtualClock
}

func (s *clockSwitch) set(c *virtualClock) { s.mu.Lock(); s.c = c; s.mu.Unlock() }
func (s *clockSwitch) get() *virtualClock  { s.mu.Lock(); defer s.mu.Unlock(); return s.c }
func (s *clockSwitch) Now() time.Time      { return s.get().Now() }
func (s *clockSwitch) Sleep(ctx context.Context, d time.Duration) error {
	return s.get().Sleep(ctx, d)
}

func newSimulator() (*simulator, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("part A: listening on loopback: %w", err)
	}
	s := &simulator{api: &jobAPI{}, ln: ln, clocks: &clockSwitch{}}
	s.srv = &http.Server{Handler: s.api, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *simulator) close() { _ = s.srv.Close() }

func (s *simulator) client(sched func() taurusdb.Schedule) (*taurusdb.Client, error) {
	return taurusdb.New(taurusdb.Config{
		Endpoint:    "http://" + s.ln.Addr().String(),
		ProjectID:   simProject,
		Auth:        taurusdb.TokenAuth{Token: simToken},
		MaxRetries:  0,
		Clock:       s.clocks,
		JobSchedule: sched,
	})
}

// wait runs one WaitJob: the job was created offset before the waiter's
// first query.
func (s *simulator) wait(ctx context.Context, c *taurusdb.Client, progress bool, run simRun) (waitResult, error) {
	job, offset := simJob{duration: run.duration, progress: progress}, run.offset
	clock := &virtualClock{now: simEpoch, limit: simEpoch.Add(10*job.duration + 10*time.Minute)}
	job.created = simEpoch.Add(-offset)
	s.clocks.set(clock)
	s.api.reset(clock, job)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // real time; a run takes milliseconds
	defer cancel()
	got, err := c.WaitJob(ctx, simJobID)
	if err != nil {
		return waitResult{}, fmt.Errorf("part A: WaitJob on a %s job (start offset %s, progress %t): %w", job.duration, offset, job.progress, err)
	}
	if got == nil || got.Status != taurusdb.JobCompleted {
		return waitResult{}, errors.New("part A: WaitJob returned without a completed job")
	}
	end := job.created.Add(job.duration)
	return waitResult{lag: clock.Now().Sub(end), queries: s.api.count()}, nil
}

var simDurations = []time.Duration{2 * time.Second, 30 * time.Second, 120 * time.Second, 600 * time.Second}

// adaptiveSchedule is the schedule under test: the provider's default.
var adaptiveSchedule = func() taurusdb.Schedule { return taurusdb.NewAdaptiveSchedule() }

// fixedInterval is the existing provider's poll interval.
const fixedInterval = 10 * time.Second

func runSimulation(ctx context.Context) ([]simSection, error) {
	s, err := newSimulator()
	if err != nil {
		return nil, err
	}
	defer s.close()
	adaptive, err := s.client(adaptiveSchedule)
	if err != nil {
		return nil, fmt.Errorf("part A: %w", err)
	}
	fixed, err := s.client(func() taurusdb.Schedule { return taurusdb.FixedSchedule(fixedInterval) })
	if err != nil {
		return nil, fmt.Errorf("part A: %w", err)
	}
	var out []simSection
	for _, sc := range simScenarios {
		sec := simSection{scenario: sc}
		for _, d := range simDurations {
			runs := sc.runs(d)
			for _, progress := range []bool{true, false} {
				c := simCase{duration: d, progress: progress}
				for _, r := range runs {
					a, err := s.wait(ctx, adaptive, progress, r)
					if err != nil {
						return nil, err
					}
					f, err := s.wait(ctx, fixed, progress, r)
					if err != nil {
						return nil, err
					}
					c.adaptive = append(c.adaptive, a)
					c.fixed = append(c.fixed, f)
				}
				sec.cases = append(sec.cases, c)
			}
		}
		out = append(out, sec)
	}
	return out, nil
}

// stats of one schedule over the offsets.
type stats struct {
	lagMed, lagMax time.Duration
	qMed, qMax     float64
}

func summarize(rs []waitResult) stats {
	lags := make([]float64, len(rs))
	qs := make([]float64, len(rs))
	for i, r := range rs {
		lags[i], qs[i] = float64(r.lag), float64(r.queries)
	}
	return stats{
		lagMed: time.Duration(median(lags)), lagMax: time.Duration(maxOf(lags)),
		qMed: median(qs), qMax: maxOf(qs),
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for i, x := range xs {
		if i == 0 || x > m {
			m = x
		}
	}
	return m
}

// simTargets checks one row against the targets; it returns the
// verdict text and whether all applicable targets hold.
func simTargets(c simCase) (string, bool) {
	a, f := summarize(c.adaptive), summarize(c.fixed)
	var parts []string
	ok := true
	check := func(name string, pass bool) {
		mark := "✅"
		if !pass {
			mark, ok = "❌", false
		}
		parts = append(parts, mark+" "+name)
	}
	if c.progress {
		check("lag med ≤ 1 s", a.lagMed <= time.Second)
		check("lag worst ≤ 2 s", a.lagMax <= 2*time.Second)
		if c.duration >= 30*time.Second {
			check("queries ≤ fixed 10 s", a.qMed <= f.qMed && a.qMax <= f.qMax)
		}
	} else {
		check("lag worst ≤ 5 s", a.lagMax <= 5*time.Second)
	}
	return joinParts(parts), ok
}
