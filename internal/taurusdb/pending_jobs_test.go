// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Apply #1 asked node_num 6 -> 4 and timed out while its reduce job ran. A
// reduce keeps the proxy ACTIVE, so the re-run's stable read still shows 6.
// Here the old job ends exactly between that read and the call the re-run
// would compute from it: without waiting for the earlier job first, the
// re-run sends "remove 2" again and the proxy is left with 2 nodes.
func TestUpdateProxy_reduceRerunWaitsForTheEarlierJob(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: ProxyActive, nodeNum: 6}}}
	clk := newFakeClock()
	done := clk.Now().Add(30 * time.Second)
	// Guarded by api.mu, which the fake holds while it answers.
	oldEnded := false
	endOld := func() {
		if !oldEnded {
			oldEnded = true
			api.proxies[0].nodeNum = 4
		}
	}
	api.jobDone = func(id string) bool {
		if id != "old-reduce" {
			return true
		}
		if !clk.Now().Before(done) {
			endOld()
		}
		return oldEnded
	}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		if strings.HasSuffix(path, "/reduce") {
			f.proxies[0].nodeNum -= int(body["node_num"].(float64))
			return http.StatusOK, `{"job_id":"j2"}`
		}
		return http.StatusBadRequest, `{"error_code":"DBS.200001","error_msg":"unexpected"}`
	}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(w, r)
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/proxies") {
			// The read was served with 6; the job ends right after it.
			api.mu.Lock()
			endOld()
			api.mu.Unlock()
		}
	})
	c, _ := newTestClientWithClock(t, wrapped, clk, fastOps)
	var tracked [][]string
	err := c.UpdateProxyTracked(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4}, UpdateOptions{
		Pending: []string{"old-reduce"},
		Track:   func(p []string) { tracked = append(tracked, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls := api.mutatingCalls(); len(calls) != 0 {
		t.Fatalf("sent %q; the earlier job already removes the 2 nodes", calls)
	}
	if n := api.proxies[0].nodeNum; n != 4 {
		t.Fatalf("node_num = %d; want 4", n)
	}
	if len(tracked) == 0 || len(tracked[len(tracked)-1]) != 0 {
		t.Fatalf("tracked %q; the last report must say no job of ours still runs", tracked)
	}
}

// The jobs an update starts are reported before they are waited for, so a
// timeout leaves them recorded for the next run; a job that ends is
// reported gone.
func TestUpdateProxy_tracksTheJobsItStarts(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: ProxyActive, nodeNum: 6}}}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		return http.StatusOK, `{"job_id":"j-reduce"}`
	}
	api.jobDone = func(string) bool { return false } // outlasts the timeout
	c, clk := newTestClient(t, api, fastOps)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The timeout, reached on the fake clock.
	c.clock = &deadlineClock{fakeClock: clk, at: clk.Now().Add(30 * time.Second), cancel: cancel}
	var tracked [][]string
	err := c.UpdateProxyTracked(ctx, instID, proxyID, ProxyChanges{NodeNum: 4}, UpdateOptions{
		Track: func(p []string) { tracked = append(tracked, slices.Clone(p)) },
	})
	var te *JobTimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v; want the reduce job's timeout", err)
	}
	if len(tracked) == 0 || !slices.Equal(tracked[len(tracked)-1], []string{"j-reduce"}) {
		t.Fatalf("tracked %q; the running reduce job must stay recorded", tracked)
	}
}

// After the reduce job, the count is checked against the target: another
// client's change (or an API that removed a different number) is reported,
// not recorded as done.
func TestUpdateProxy_nodeCountIsCheckedAfterTheJob(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: ProxyActive, nodeNum: 6}}}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		f.proxies[0].nodeNum = 3 // one more than asked went
		return http.StatusOK, `{"job_id":"j-reduce"}`
	}
	c, _ := newTestClient(t, api, fastOps)
	err := c.UpdateProxy(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4})
	var se *StepError
	if !errors.As(err, &se) || se.JobID != "j-reduce" || !strings.Contains(err.Error(), "3") {
		t.Fatalf("err = %v; want the node_num step to report 3 nodes after job j-reduce", err)
	}
}
