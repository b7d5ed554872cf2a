// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// runStep forgets a job (jobs.done) whenever WaitJob
// returns anything but a *JobTimeoutError. A failed job query (a 503 from
// the gateway, a job still answering DBS.200543 after JobGrace, ...) says
// nothing about the job: it may still be running. Apply #1 then records no
// pending job, and the re-run reads the proxy (still ACTIVE with 6 nodes:
// a reduce keeps it ACTIVE) and removes 2 nodes a second time.
func TestUpdateProxy_jobQueryFailureKeepsTheJobPending(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"gateway 503", http.StatusServiceUnavailable, `{"error_code":"APIG.0201","error_msg":"backend unavailable"}`},
		{"not queryable past JobGrace", http.StatusBadRequest, `{"error_code":"DBS.200543","error_msg":"job does not exist"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: ProxyActive, nodeNum: 6}}}
			var mu sync.Mutex
			reduces := 0
			phase2 := false
			api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
				if strings.HasSuffix(path, "/reduce") {
					mu.Lock()
					reduces++
					mu.Unlock()
					// The job runs on; the proxy stays ACTIVE with 6 nodes.
					return http.StatusOK, `{"job_id":"j-reduce-1"}`
				}
				return http.StatusBadRequest, `{"error_code":"DBS.200001","error_msg":"unexpected"}`
			}
			wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/jobs") {
					mu.Lock()
					p2 := phase2
					mu.Unlock()
					if !p2 {
						// Apply #1: the job query fails.
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(tc.status)
						_, _ = w.Write([]byte(tc.body))
						return
					}
					// Apply #2: a wait for j-reduce-1 sees it end, with 4 nodes.
					if r.URL.Query().Get("id") == "j-reduce-1" {
						api.mu.Lock()
						api.proxies[0].nodeNum = 4
						api.mu.Unlock()
					}
				}
				api.ServeHTTP(w, r)
			})
			c, _ := newTestClient(t, wrapped, fastOps)
			var pending []string
			track := func(p []string) { pending = p }
			err := c.UpdateProxyTracked(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4}, UpdateOptions{Track: track})
			if err == nil {
				t.Fatal("apply #1: want the job query's error")
			}
			// Apply #2, with what apply #1 left in private state.
			mu.Lock()
			phase2 = true
			mu.Unlock()
			err2 := c.UpdateProxyTracked(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4}, UpdateOptions{Pending: pending, Track: track})
			mu.Lock()
			n := reduces
			mu.Unlock()
			if n != 1 {
				t.Fatalf("apply #1 failed with %q and recorded pending jobs %q; apply #2 (err %v) sent %d node removals: "+
					"the job whose query failed may still run, so it must stay pending and be waited for", err, pending, err2, n)
			}
		})
	}
}

// confirmInstanceGone takes the instance for gone when
// the list and then the instance detail answer any of the "not-found"
// codes, DBS.200932 included. That code's meaning is documented nowhere (it
// was seen on a DELETE of a proxy that was still listed); the rule is that an
// undocumented code never drops anything from state. Here the proxy exists
// (the list would show it ACTIVE); the two calls answered 409 DBS.200932
// once each, and FindProxy reports the proxy confirmed gone: DeleteAndWait
// returns success and a refresh removes the proxy from state.
func TestFindProxy_undocumentedCodeOnListAndDetailIsNotAGoneInstance(t *testing.T) {
	api := &deleteAPI{statuses: []string{ProxyActive}}
	answered := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		n := answered
		answered++
		api.mu.Unlock()
		if r.Method == http.MethodGet && n < 2 && (strings.HasSuffix(r.URL.Path, "/proxies") || strings.HasSuffix(r.URL.Path, "/instances/"+instID)) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req-932")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"error_code":"DBS.200932","error_msg":"scripted"}`))
			return
		}
		api.ServeHTTP(w, r)
	})
	c, _ := newTestClient(t, h, deleteOps)
	_, err := c.FindProxy(t.Context(), instID, proxyID)
	if IsNotFound(err) {
		t.Fatalf("FindProxy: err = %v; IsNotFound is true on the undocumented DBS.200932 alone, so a refresh drops a live proxy", err)
	}
}

// after an ambiguous DELETE answer with the proxy
// DISABLING, waitDeleted keeps the answer (cause) only for the new
// DeleteNotDoneError. When the wait ends on the timeout instead, the error
// is pollProxy's "waiting for proxy ... to disappear: context deadline
// exceeded": the DELETE's error_code and X-Request-Id, the only handle
// support has on what happened, are gone from the message.
func TestDeleteAndWait_disablingWaitTimeoutKeepsTheDeleteAnswer(t *testing.T) {
	api := &deleteAPI{deleteStatus: http.StatusInternalServerError, deleteBody: `{"error_code":"DBS.200001","error_msg":"scripted"}`,
		statuses: []string{ProxyDisabling}}
	c, clk := newTestClient(t, api, deleteOps)
	ctx := withFakeTimeout(t, c, clk, 10*time.Minute)
	_, err := c.DeleteAndWait(ctx, instID, proxyID)
	if err == nil {
		t.Fatal("want the wait's timeout")
	}
	for _, want := range []string{"DBS.200001", "req-42"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not carry %s, the DELETE answer that made the provider wait", err, want)
		}
	}
}

// the refused redirect is an answer of the endpoint like
// any other, with its X-Request-Id; the RedirectError drops it, so the
// message (and RequestID(err)) has nothing to quote to support.
func TestClient_refusedRedirectKeepsTheRequestID(t *testing.T) {
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-redirect-7")
		http.Redirect(w, r, "https://elsewhere.example.com"+r.URL.Path, http.StatusFound)
	})
	c, _ := newTestClient(t, redirect, func(c *Config) { c.MaxRetries = 3 })
	_, err := c.ListProxies(t.Context(), instID)
	if err == nil || !strings.Contains(err.Error(), "req-redirect-7") || RequestID(err) != "req-redirect-7" {
		t.Fatalf("err = %v, RequestID = %q; want the redirect answer's X-Request-Id", err, RequestID(err))
	}
}

// The same gap on destroy: the DELETE answers 409 DBS.200932 (the incident
// of the issue), and the list and the instance detail answer it once each
// too. DeleteAndWait reports the proxy deleted while it is ACTIVE.
func TestDeleteAndWait_undocumentedCodeEverywhereKeepsAListedProxy(t *testing.T) {
	api := &deleteAPI{deleteStatus: http.StatusConflict, deleteBody: `{"error_code":"DBS.200932","error_msg":"scripted"}`, statuses: []string{ProxyActive}}
	gets := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		n := gets
		if r.Method == http.MethodGet {
			gets++
		}
		api.mu.Unlock()
		if r.Method == http.MethodGet && n < 2 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req-932")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"error_code":"DBS.200932","error_msg":"scripted"}`))
			return
		}
		api.ServeHTTP(w, r)
	})
	c, _ := newTestClient(t, h, deleteOps)
	if _, err := c.DeleteAndWait(t.Context(), instID, proxyID); err == nil {
		api.mu.Lock()
		st := api.statuses[0]
		api.mu.Unlock()
		t.Fatalf("DeleteAndWait succeeded on DBS.200932 alone; the proxy is still %s in the list, and destroy drops it from state", st)
	}
}
