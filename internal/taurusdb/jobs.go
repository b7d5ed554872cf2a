// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Job statuses. Running and Completed and Failed are documented; older
// clients also treat Pending as in progress. Anything else is logged and
// waited on until the timeout.
const (
	JobRunning   = "Running"
	JobPending   = "Pending"
	JobCompleted = "Completed"
	JobFailed    = "Failed"
)

// Job is one task-center job.
type Job struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Created    string `json:"created"`
	Ended      string `json:"ended"`
	Process    string `json:"process"`
	FailReason string `json:"fail_reason"`
	Instance   struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"instance"`
}

// Percent parses Process ("60%"). ok is false when the API gave no progress.
func (j *Job) Percent() (p float64, ok bool) {
	if j == nil {
		return 0, false
	}
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(j.Process), "%"))
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	// Written so that NaN ("NaN%" parses) is rejected too: it passes any
	// comparison with < and >.
	if err != nil || !(v >= 0 && v <= 100) {
		return 0, false
	}
	return v, true
}

type jobResponse struct {
	Job *Job `json:"job"`
}

func (r *jobResponse) missing() string {
	switch {
	case r.Job == nil:
		return "job object"
	case r.Job.Status == "":
		return "job status"
	}
	return ""
}

// jobIDResponse is the answer of every call that starts a job.
type jobIDResponse struct {
	JobID string `json:"job_id"`
}

func (r *jobIDResponse) missing() string {
	if r.JobID == "" {
		return "job_id"
	}
	return ""
}

// GetJob queries one job.
// @API GET /v3/{project_id}/jobs
func (c *Client) GetJob(ctx context.Context, jobID string) (*Job, error) {
	var out jobResponse
	err := c.do(ctx, call{method: http.MethodGet, path: "/jobs", query: url.Values{"id": {jobID}}, out: &out})
	if err != nil {
		return nil, err
	}
	return out.Job, nil
}

// WaitJob polls a job until it is Completed (nil error), Failed
// (*JobFailedError) or the context ends (*JobTimeoutError). The context's
// deadline is the operation's timeout; cancelling it (Ctrl-C) ends the wait
// at once. DBS.200543 is treated as "not started yet" during the client's
// JobGrace window. The last known job is returned in every case.
func (c *Client) WaitJob(ctx context.Context, jobID string) (*Job, error) {
	return c.waitJob(ctx, jobID, nil)
}

// waitJob is WaitJob that hands every answer to seen (when set), for
// callers others wait on: a batched delete's members report its job's last
// status when their own time runs out.
func (c *Client) waitJob(ctx context.Context, jobID string, seen func(*Job)) (*Job, error) {
	sched := c.cfg.JobSchedule()
	start := c.clock.Now()
	var last *Job
	for polls := 1; ; polls++ {
		job, err := c.GetJob(ctx, jobID)
		switch {
		case err == nil:
			last = job
			if seen != nil {
				seen(job)
			}
			c.log.Debug(ctx, "polled TaurusDB job", map[string]any{"job_id": jobID, "status": job.Status, "process": job.Process, "poll": polls})
			switch job.Status {
			case JobCompleted:
				return job, nil
			case JobFailed:
				return job, &JobFailedError{Job: job}
			case JobRunning, JobPending:
			default:
				c.log.Warn(ctx, "TaurusDB job has an undocumented status; waiting on it as in progress", map[string]any{"job_id": jobID, "status": job.Status})
			}
		case ctx.Err() != nil:
			return last, c.timeoutError(ctx, jobID, last)
		case IsJobNotQueryable(err) && last == nil && c.clock.Now().Sub(start) < c.cfg.JobGrace:
			c.log.Debug(ctx, "TaurusDB job not queryable yet", map[string]any{"job_id": jobID, "request_id": RequestID(err)})
		default:
			return last, fmt.Errorf("querying job %s: %w", jobID, err)
		}
		wait := sched.Next(c.clock.Now().Sub(start), last)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return last, c.timeoutError(ctx, jobID, last)
		}
	}
}

func (c *Client) timeoutError(ctx context.Context, jobID string, last *Job) error {
	e := &JobTimeoutError{JobID: jobID, Cause: ctx.Err()}
	if last != nil {
		e.LastStatus, e.Process = last.Status, last.Process
	}
	return e
}

// Schedule decides how long WaitJob sleeps before its next query. A fresh
// Schedule is made for every wait, so implementations may keep state.
type Schedule interface {
	// Next gets the time since the wait began and the last answer (nil
	// while the job is not queryable yet).
	Next(elapsed time.Duration, last *Job) time.Duration
}

// FixedSchedule polls at a constant interval.
type FixedSchedule time.Duration

// Next implements Schedule.
func (f FixedSchedule) Next(time.Duration, *Job) time.Duration { return time.Duration(f) }

// AdaptiveSchedule notices a finished job within about a second without
// polling often. Without progress it polls at growing intervals from First
// up to NoProgressCap, which bounds the lag. When the job reports a process
// percentage it brackets the moment the job will end, from the progress
// gained since the first answer that had one (the anchor): the job may have
// started before the wait did, and measuring from the anchor cancels that
// unknown offset. While the bracket is wide it polls at its lower end, which
// cannot be late; once it is narrower than Margin*10 it polls just after its
// upper end. Progress is a hint only: when answers contradict the bracket,
// the schedule re-anchors and takes a no-progress step.
type AdaptiveSchedule struct {
	First         time.Duration
	Floor         time.Duration
	NoProgressCap time.Duration
	MaxWait       time.Duration
	Margin        time.Duration
	Growth        float64

	step     time.Duration
	anchored bool
	e0       time.Duration // elapsed time of the anchor answer
	p0       float64       // its percentage
	lo, hi   time.Duration // bracket of the job's end, as elapsed time; hi 0 = unknown
}

// NewAdaptiveSchedule returns the provider's default schedule.
func NewAdaptiveSchedule() *AdaptiveSchedule {
	return &AdaptiveSchedule{
		First: time.Second,
		// At 99 % the lower bound is "now", so the schedule polls every
		// Floor until the end: 1 s bounds the lag and the query count.
		Floor:         time.Second,
		NoProgressCap: 4 * time.Second,
		MaxWait:       60 * time.Second,
		Margin:        100 * time.Millisecond,
		Growth:        1.5,
	}
}

// Next implements Schedule.
func (s *AdaptiveSchedule) Next(elapsed time.Duration, last *Job) time.Duration {
	if p, ok := last.Percent(); ok && p < 100 {
		if w, ok := s.fromProgress(elapsed, p); ok {
			return w
		}
	}
	return s.noProgressStep()
}

func (s *AdaptiveSchedule) noProgressStep() time.Duration {
	if s.step == 0 {
		s.step = s.First
	} else {
		s.step = min(time.Duration(float64(s.step)*s.Growth), s.NoProgressCap)
	}
	return max(s.step, s.Floor)
}

func (s *AdaptiveSchedule) anchor(elapsed time.Duration, p float64) {
	s.anchored, s.e0, s.p0, s.lo, s.hi = true, elapsed, p, 0, 0
}

func (s *AdaptiveSchedule) fromProgress(elapsed time.Duration, p float64) (time.Duration, bool) {
	if !s.anchored || p < s.p0 {
		s.anchor(elapsed, p)
		return 0, false
	}
	// Each percentage may be floored or rounded (the true value lies in
	// [p-0.5, p+1)), so the gain since the anchor is dp +- 1.5.
	de, dp := float64(elapsed-s.e0), p-s.p0
	lo := elapsed + time.Duration(de*(99-p)/(dp+1.5))
	var hi time.Duration
	if dp > 1.5 {
		hi = elapsed + time.Duration(de*(100.5-p)/(dp-1.5))
	}
	if s.lo > lo {
		lo = s.lo
	}
	if s.hi > 0 && (hi == 0 || s.hi < hi) {
		hi = s.hi
	}
	if hi > 0 && (lo > hi || elapsed > hi+s.Margin) {
		// Not linear after all: start over from this answer.
		s.anchor(elapsed, p)
		return 0, false
	}
	s.lo, s.hi = lo, hi
	target := lo
	if hi > 0 && hi-lo <= 10*s.Margin {
		target = hi + s.Margin
	}
	return min(max(target-elapsed, s.Floor), s.MaxWait), true
}
