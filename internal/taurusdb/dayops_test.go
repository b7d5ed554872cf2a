// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// dayAPI is a scriptable stand-in for the calls of the day-two operations:
// the proxy list (with eip), jobs, the kernel version, upgrade, restart and
// bind. Its state changes with the test's fake clock, so a wait's length is
// what a real run's would be, without sleeping.
type dayAPI struct {
	mu  sync.Mutex
	t   *testing.T
	clk *fakeClock

	proxies map[string]*dayProxy // by pool_id; absent = the API says not found
	// version answers: current until versionAt, then target.
	current, latest, target string
	canUpgrade              *bool
	versionAt               time.Time
	// eipAt is when a bind or unbind shows in the list.
	eipAt   time.Time
	eipNext string
	// jobEnd is when every job completes; jobStatus what it ends as.
	jobEnd    time.Time
	jobStatus string
	// answer, when set, answers a mutating call instead of the defaults.
	answer func(method, path string, n int) (int, string)
	// onPoll runs on every version or list read (to cancel a context).
	onPoll func()

	calls     []string // "METHOD path body" of each mutating call
	jobPolls  int
	versionsN int
}

type dayProxy struct{ status, eip string }

func newDayAPI(t *testing.T, clk *fakeClock) *dayAPI {
	return &dayAPI{t: t, clk: clk, proxies: map[string]*dayProxy{proxyID: {status: ProxyActive}}, jobStatus: JobCompleted}
}

func (d *dayAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clk.Now()
	w.Header().Set("Content-Type", "application/json")
	rel := r.URL.Path[strings.Index(r.URL.Path, testProject)+len(testProject):]
	notFound := func() {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error_code":"DBS.270024","error_msg":"The proxy does not exist."}`)
	}
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/proxies"):
		if d.onPoll != nil {
			d.onPoll()
		}
		if !d.eipAt.IsZero() && !now.Before(d.eipAt) {
			if p := d.proxies[proxyID]; p != nil {
				p.eip = d.eipNext
			}
			d.eipAt = time.Time{}
		}
		type entry struct {
			Proxy map[string]any `json:"proxy"`
		}
		out := struct {
			List []entry `json:"proxy_list"`
		}{List: []entry{}}
		for id, p := range d.proxies {
			pj := map[string]any{"pool_id": id, "status": p.status, "name": "p-" + id[:4]}
			if p.eip != "" {
				pj["eip"] = p.eip
			}
			out.List = append(out.List, entry{Proxy: pj})
		}
		_ = json.NewEncoder(w).Encode(out)
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/jobs"):
		d.jobPolls++
		status := JobRunning
		if !now.Before(d.jobEnd) {
			status = d.jobStatus
		}
		fmt.Fprintf(w, `{"job":{"id":%q,"name":"x","status":%q,"fail_reason":"kernel package missing"}}`, r.URL.Query().Get("id"), status)
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/proxy-version"):
		if d.onPoll != nil {
			d.onPoll()
		}
		if d.proxies[proxyID] == nil {
			notFound()
			return
		}
		d.versionsN++
		cur := d.current
		if !d.versionAt.IsZero() && !now.Before(d.versionAt) {
			cur = d.target
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"current_version": cur, "latest_version": d.latest, "can_upgrade": d.canUpgrade})
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/proxy/flavors"):
		d.calls = append(d.calls, r.Method+" "+rel+"?"+r.URL.RawQuery)
		_, _ = io.WriteString(w, `{"proxy_flavor_groups":[{"group_type":"x86","proxy_flavors":[{"id":"f1","spec_code":"gaussdb.proxy.large.x86.2","vcpus":"2","ram":"4","db_type":"gaussdb-mysql","az_status":{"az1":"normal"}}]}]}`)
	default:
		raw, _ := io.ReadAll(r.Body)
		d.calls = append(d.calls, r.Method+" "+rel+" "+string(raw))
		if d.answer != nil {
			if status, body := d.answer(r.Method, rel, len(d.calls)); status != 0 {
				w.WriteHeader(status)
				_, _ = io.WriteString(w, body)
				return
			}
		}
		switch {
		case d.proxies[proxyID] == nil:
			notFound()
		case strings.HasSuffix(rel, "/upgrade-version"):
			_, _ = io.WriteString(w, `{"update_result":[{"instance_id":"`+instID+`","workflow_id":"wf-1","state":"ACCEPT","error_message":""}]}`)
		default:
			_, _ = io.WriteString(w, `{"job_id":"job-1"}`)
		}
	}
}

func (d *dayAPI) mutating() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

func (d *dayAPI) set(f func(d *dayAPI)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(d)
}

func ptrBool(b bool) *bool { return &b }

func newDayClient(t *testing.T) (*Client, *dayAPI, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	api := newDayAPI(t, clk)
	c, _ := newTestClientWithClock(t, api, clk, fastOps)
	return c, api, clk
}

// The upgrade answers no job ID: the operation polls the version on the
// job schedule until it is the target, sending source_version = the
// version it read.
func TestUpgradeAndWait_pollsVersionUntilTarget(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.current, d.latest, d.target, d.canUpgrade = "2.24.06.000", "2.25.06.000", "2.25.06.000", ptrBool(true)
		d.versionAt = clk.Now().Add(5 * time.Second)
		d.jobEnd = clk.Now().Add(time.Hour) // the workflow runs on; the version decides
	})
	out, err := c.UpgradeAndWait(t.Context(), instID, proxyID, "2.25.06.000")
	if err != nil {
		t.Fatal(err)
	}
	if out.SourceVersion != "2.24.06.000" || out.CurrentVersion != "2.25.06.000" || !out.Upgraded || out.WorkflowID != "wf-1" {
		t.Errorf("outcome %+v", out)
	}
	want := []string{"POST /instances/" + instID + "/proxy/" + proxyID + `/upgrade-version {"source_version":"2.24.06.000","target_version":"2.25.06.000"}`}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	// 1 s apart (fastOps' FixedSchedule) until the version shows at 5 s.
	if s := clk.Sleeps(); len(s) != 5 || slices.ContainsFunc(s, func(d time.Duration) bool { return d != time.Second }) {
		t.Errorf("sleeps %v, want five of 1s", s)
	}
}

// A proxy already at the target needs no call, whatever can_upgrade says.
func TestUpgradeAndWait_atTargetSendsNothing(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) { d.current, d.latest, d.canUpgrade = "2.25.06.000", "2.25.06.000", ptrBool(false) })
	out, err := c.UpgradeAndWait(t.Context(), instID, proxyID, "2.25.06.000")
	if err != nil {
		t.Fatal(err)
	}
	if out.Upgraded || out.SourceVersion != "2.25.06.000" || out.CurrentVersion != "2.25.06.000" {
		t.Errorf("outcome %+v", out)
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// can_upgrade false: a clear error naming the versions, and no call.
func TestUpgradeAndWait_noUpgradeAvailable(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) { d.current, d.latest, d.canUpgrade = "2.25.06.000", "2.25.06.000", ptrBool(false) })
	_, err := c.UpgradeAndWait(t.Context(), instID, proxyID, "2.26.01.000")
	var nu *NoUpgradeError
	if !errors.As(err, &nu) {
		t.Fatalf("error %v, want a NoUpgradeError", err)
	}
	for _, want := range []string{"2.25.06.000", "2.26.01.000", "can_upgrade = false", proxyID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// A failed workflow ends the wait at once, with its fail_reason.
func TestUpgradeAndWait_failedWorkflowEndsWait(t *testing.T) {
	c, api, clk := newDayClient(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	api.set(func(d *dayAPI) {
		d.current, d.latest, d.canUpgrade = "2.24.06.000", "2.25.06.000", ptrBool(true)
		d.jobEnd, d.jobStatus = clk.Now().Add(3*time.Second), JobFailed
		// The version never changes: without the workflow the wait would
		// last until the timeout, here the 20th read.
		d.onPoll = func() {
			if d.versionsN >= 20 {
				cancel()
			}
		}
	})
	_, err := c.UpgradeAndWait(ctx, instID, proxyID, "2.25.06.000")
	var failed *JobFailedError
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), "kernel package missing") {
		t.Fatalf("error %v, want the workflow's failure", err)
	}
	if n := len(clk.Sleeps()); n != 3 {
		t.Errorf("%d sleeps, want 3 (the workflow fails at 3 s)", n)
	}
}

// The context ending mid-wait gives an error naming the target and the
// version last seen.
func TestUpgradeAndWait_timeoutNamesLastVersion(t *testing.T) {
	c, api, _ := newDayClient(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	api.set(func(d *dayAPI) {
		d.current, d.latest, d.canUpgrade = "2.24.06.000", "2.25.06.000", ptrBool(true)
		d.jobEnd = time.Now().Add(time.Hour)
		d.onPoll = func() {
			if d.versionsN >= 4 {
				cancel()
			}
		}
	})
	_, err := c.UpgradeAndWait(ctx, instID, proxyID, "2.25.06.000")
	var we *VersionWaitError
	if !errors.As(err, &we) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want a VersionWaitError wrapping the cancellation", err)
	}
	for _, want := range []string{"2.25.06.000", "reports 2.24.06.000", "wf-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// A busy answer means an operation (say an upgrade of an earlier,
// timed-out apply) is running: after waiting, the version is read again,
// and one that is now the target needs no second upgrade.
func TestUpgradeAndWait_busyReadsVersionAgain(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.current, d.latest, d.target, d.canUpgrade = "2.24.06.000", "2.25.06.000", "2.25.06.000", ptrBool(true)
		d.versionAt = clk.Now().Add(4 * time.Second)
		d.answer = func(string, string, int) (int, string) { return http.StatusConflict, busyAnswer }
	})
	out, err := c.UpgradeAndWait(t.Context(), instID, proxyID, "2.25.06.000")
	if err != nil {
		t.Fatal(err)
	}
	if out.Upgraded || out.SourceVersion != "2.24.06.000" || out.CurrentVersion != "2.25.06.000" {
		t.Errorf("outcome %+v", out)
	}
	if calls := api.mutating(); len(calls) != 1 {
		t.Errorf("calls %q, want the one refused upgrade", calls)
	}
}

// An error_message in update_result is a refusal, reported with the
// versions.
func TestUpgradeAndWait_errorMessageInResultIsRefusal(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.current, d.latest, d.canUpgrade = "2.24.06.000", "2.25.06.000", ptrBool(true)
		d.answer = func(string, string, int) (int, string) {
			return http.StatusOK, `{"update_result":[{"instance_id":"i","workflow_id":"","state":"REJECT","error_message":"agent unreachable"}]}`
		}
	})
	_, err := c.UpgradeAndWait(t.Context(), instID, proxyID, "2.25.06.000")
	var re *UpgradeRefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "agent unreachable") || !strings.Contains(err.Error(), "2.24.06.000 to 2.25.06.000") {
		t.Fatalf("error %v, want an UpgradeRefusedError with the message and versions", err)
	}
}

// The restart waits for its job on the job schedule.
func TestRestartAndWait_waitsForJob(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) { d.jobEnd = clk.Now().Add(3 * time.Second) })
	jobID, err := c.RestartAndWait(t.Context(), instID, proxyID, nil)
	if err != nil || jobID != "job-1" {
		t.Fatalf("job %q, error %v", jobID, err)
	}
	want := []string{"POST /instances/" + instID + "/proxy/" + proxyID + "/restart "}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if n := len(clk.Sleeps()); n != 3 {
		t.Errorf("%d sleeps, want 3 (the job ends at 3 s)", n)
	}
}

// A restart whose answer was lost is not sent again: it may be under way,
// and a second restart is a second outage.
func TestRestartAndWait_lostAnswerIsNotReplayed(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.answer = func(string, string, int) (int, string) {
			return http.StatusBadGateway, `{"error_code":"APIG.0100","error_msg":"bad gateway"}`
		}
	})
	_, err := c.RestartAndWait(t.Context(), instID, proxyID, nil)
	var ms *MaybeStartedError
	if !errors.As(err, &ms) || !strings.Contains(err.Error(), "restart may have started") {
		t.Fatalf("error %v, want a MaybeStartedError", err)
	}
	if calls := api.mutating(); len(calls) != 1 {
		t.Errorf("calls %q, want exactly one restart", calls)
	}
}

// A busy instance is waited out before the restart is sent.
func TestRestartAndWait_busyIsWaitedOut(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.answer = func(_ string, _ string, n int) (int, string) {
			if n <= 2 {
				return http.StatusConflict, busyAnswer
			}
			return 0, ""
		}
	})
	if _, err := c.RestartAndWait(t.Context(), instID, proxyID, nil); err != nil {
		t.Fatal(err)
	}
	if calls := api.mutating(); len(calls) != 3 {
		t.Errorf("calls %q, want two refused and one accepted restart", calls)
	}
	if s := clk.Sleeps(); len(s) < 2 || s[0] != 5*time.Second || s[1] != 5*time.Second {
		t.Errorf("sleeps %v, want the busy interval twice first", s)
	}
}

// Bind sends the SDK's body, waits for the job, then for the list to show
// the address (the list may lag behind the job).
func TestBindEIPAndWait_waitsForListToShowEIP(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.jobEnd = clk.Now().Add(2 * time.Second)
		d.eipAt, d.eipNext = clk.Now().Add(4*time.Second), "203.0.113.10"
	})
	jobID, err := c.BindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", nil)
	if err != nil || jobID != "job-1" {
		t.Fatalf("job %q, error %v", jobID, err)
	}
	want := []string{"PUT /instances/" + instID + "/proxy/" + proxyID + `/bind {"public_ip":"203.0.113.10","public_ip_id":"3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f","bind":"true"}`}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if n := len(clk.Sleeps()); n < 4 {
		t.Errorf("%d sleeps: returned before the list showed the address at 4 s", n)
	}
}

// The same address already bound (an interrupted earlier apply) needs no
// call; another address is a conflict, also without a call.
func TestBindEIPAndWait_boundAlreadyOrConflict(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) { d.proxies[proxyID].eip = "203.0.113.10" })
	if _, err := c.BindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.BindEIPAndWait(t.Context(), instID, proxyID, "198.51.100.7", "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", nil)
	var ce *EIPConflictError
	if !errors.As(err, &ce) || ce.Bound != "203.0.113.10" {
		t.Fatalf("error %v, want an EIPConflictError naming the bound address", err)
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// A bind whose answer was lost but which the API carried out is a
// success: the proxy is read again before giving up.
func TestBindEIPAndWait_lostAnswerAfterBindIsSuccess(t *testing.T) {
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.answer = func(string, string, int) (int, string) {
			d.proxies[proxyID].eip = "203.0.113.10" // bound, but the answer is an error
			return http.StatusBadRequest, `{"error_code":"DBS.280001","error_msg":"EIP already bound"}`
		}
	})
	if _, err := c.BindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", nil); err != nil {
		t.Fatal(err)
	}
}

// Unbind sends bind "false" without public_ip_id, then waits for the list
// to show no eip.
func TestUnbindEIPAndWait_waitsForListToClear(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.proxies[proxyID].eip = "203.0.113.10"
		d.jobEnd = clk.Now().Add(time.Second)
		d.eipAt, d.eipNext = clk.Now().Add(3*time.Second), ""
	})
	out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "")
	if err != nil || out.JobID != "job-1" || out.Other != "" {
		t.Fatalf("outcome %+v, error %v", out, err)
	}
	want := []string{"PUT /instances/" + instID + "/proxy/" + proxyID + `/bind {"public_ip":"203.0.113.10","bind":"false"}`}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if n := len(clk.Sleeps()); n < 3 {
		t.Errorf("%d sleeps: returned before the list cleared at 3 s", n)
	}
}

// Nothing bound, a gone proxy, or another address bound: no call; the
// other address is named and left alone.
func TestUnbindEIPAndWait_nothingToUnbind(t *testing.T) {
	c, api, _ := newDayClient(t)
	if out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", ""); err != nil || out != (UnbindOutcome{}) {
		t.Fatalf("nothing bound: %+v, %v", out, err)
	}
	api.set(func(d *dayAPI) { d.proxies[proxyID].eip = "198.51.100.7" })
	if out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", ""); err != nil || out.Other != "198.51.100.7" {
		t.Fatalf("another bound: %+v, %v", out, err)
	}
	api.set(func(d *dayAPI) { delete(d.proxies, proxyID) })
	if out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", ""); err != nil || out != (UnbindOutcome{}) {
		t.Fatalf("gone: %+v, %v", out, err)
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// The caller learns the bind's job as soon as the API accepts it, before
// the wait: a wait cut short by the timeout must not lose a bind that the
// job may still carry out.
func TestBindEIPAndWait_reportsAcceptedJobBeforeWaiting(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) { d.jobEnd = clk.Now().Add(time.Hour) })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c.clock = &deadlineClock{fakeClock: clk, at: clk.Now().Add(30 * time.Second), cancel: cancel}
	var accepted []string
	pollsThen := -1
	jobID, err := c.BindEIPAndWait(ctx, instID, proxyID, "203.0.113.10", "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", func(id string) {
		accepted = append(accepted, id)
		api.mu.Lock()
		pollsThen = api.jobPolls
		api.mu.Unlock()
	})
	var te *JobTimeoutError
	if !errors.As(err, &te) || jobID != "job-1" {
		t.Fatalf("job %q, error %v; want job-1 and a JobTimeoutError", jobID, err)
	}
	if !slices.Equal(accepted, []string{"job-1"}) || pollsThen != 0 {
		t.Errorf("accepted %q after %d job polls, want job-1 once, before the first poll", accepted, pollsThen)
	}
}

// A bind recorded before its job ended is waited for before the unbind:
// the proxy shows no address while the job runs, and concluding "nothing
// to unbind" then would leave the address the job binds afterwards bound.
func TestUnbindEIPAndWait_waitsForRecordedBindJob(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.jobEnd = clk.Now().Add(5 * time.Second)
		d.eipAt, d.eipNext = clk.Now().Add(5*time.Second), "203.0.113.10" // the bind lands with its job
		d.answer = func(string, string, int) (int, string) {
			d.eipAt, d.eipNext = d.clk.Now().Add(time.Second), "" // and the unbind a second after it is sent
			return 0, ""
		}
	})
	out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "bind-job-7")
	if err != nil || out.JobID != "job-1" {
		t.Fatalf("outcome %+v, error %v", out, err)
	}
	want := []string{"PUT /instances/" + instID + "/proxy/" + proxyID + `/bind {"public_ip":"203.0.113.10","bind":"false"}`}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want the unbind after the bind job ended", got)
	}
}

// A recorded bind job that outlasts the wait: nothing is unbound, and the
// error says which job is still running.
func TestUnbindEIPAndWait_recordedBindStillRunningUnbindsNothing(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) { d.jobEnd = clk.Now().Add(time.Hour) })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c.clock = &deadlineClock{fakeClock: clk, at: clk.Now().Add(30 * time.Second), cancel: cancel}
	_, err := c.UnbindEIPAndWait(ctx, instID, proxyID, "203.0.113.10", "bind-job-7")
	var running *BindRunningError
	var te *JobTimeoutError
	if !errors.As(err, &running) || running.JobID != "bind-job-7" || !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want a BindRunningError for bind-job-7 wrapping the job timeout", err, err)
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// A recorded bind job that failed bound nothing: nothing to unbind.
func TestUnbindEIPAndWait_recordedBindFailedNeedsNothing(t *testing.T) {
	c, api, clk := newDayClient(t)
	api.set(func(d *dayAPI) { d.jobEnd, d.jobStatus = clk.Now(), JobFailed })
	out, err := c.UnbindEIPAndWait(t.Context(), instID, proxyID, "203.0.113.10", "bind-job-7")
	if err != nil || out != (UnbindOutcome{}) {
		t.Fatalf("outcome %+v, error %v", out, err)
	}
	if calls := api.mutating(); len(calls) != 0 {
		t.Errorf("calls %q, want none", calls)
	}
}

// A bind job may still land while it runs; once it has ended, it may not.
func TestBindMayStillLand(t *testing.T) {
	c, api, clk := newDayClient(t)
	for _, tc := range []struct {
		end    time.Duration
		status string
		want   bool
	}{{time.Hour, JobCompleted, true}, {0, JobCompleted, false}, {0, JobFailed, false}} {
		api.set(func(d *dayAPI) { d.jobEnd, d.jobStatus = clk.Now().Add(tc.end), tc.status })
		got, j, err := c.BindMayStillLand(t.Context(), "bind-job-7")
		if err != nil || got != tc.want || j == nil {
			t.Errorf("job ending in %s as %s: may land %v (job %v, error %v), want %v", tc.end, tc.status, got, j, err, tc.want)
		}
	}
}

// The per-AZ flavors call goes to /v3/{project_id}/proxy/flavors with the
// zones comma-separated and the proxy engine, as the SDK's
// ShowProxyFlavorsByAzCode sends them.
func TestListFlavorsByAZ_sendsZonesAndEngine(t *testing.T) {
	c, api, _ := newDayClient(t)
	groups, err := c.ListFlavorsByAZ(t.Context(), []string{"cn-north-4a", "cn-north-4b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Flavors[0].SpecCode != "gaussdb.proxy.large.x86.2" {
		t.Errorf("groups %+v", groups)
	}
	want := []string{"GET /proxy/flavors?az_codes=cn-north-4a%2Ccn-north-4b&proxy_engine_name=taurusproxy"}
	if got := api.mutating(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if _, err := c.ListFlavorsByAZ(t.Context(), nil); err == nil {
		t.Error("no zones: no error")
	}
}

// DELETED proxies are left out unless keep asks for them; each listed
// proxy carries its version; an unknown instance is not-found.
func TestListProxyDetails_skipsDeletedAndReadsVersions(t *testing.T) {
	const other = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaapo01"
	c, api, _ := newDayClient(t)
	api.set(func(d *dayAPI) {
		d.current = "2.25.06.000"
		d.proxies[other] = &dayProxy{status: ProxyDeleted}
	})
	all, err := c.ListProxyDetails(t.Context(), instID, nil, DetailsWanted{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Entry.Proxy.PoolID != proxyID || all[0].Version == nil || all[0].Version.CurrentVersion != "2.25.06.000" {
		t.Fatalf("details %+v", all)
	}
	deleted, err := c.ListProxyDetails(t.Context(), instID, func(e *ProxyEntry) bool { return e.Proxy.Status == ProxyDeleted }, DetailsWanted{})
	if err != nil || len(deleted) != 1 || deleted[0].Entry.Proxy.PoolID != other {
		t.Fatalf("deleted %+v, %v", deleted, err)
	}

	unknown, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error_code":"DBS.201028","error_msg":"The DB instance does not exist."}`)
	}), fastOps)
	if _, err := unknown.ListProxyDetails(t.Context(), instID, nil, DetailsWanted{}); !IsNotFound(err) {
		t.Fatalf("unknown instance: %v, want IsNotFound", err)
	}
}
