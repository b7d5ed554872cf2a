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
	"sync"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// deleteAPI is a scripted proxy API for the delete path: what the DELETE
// answers, what the list shows at each read, what the job and the
// instance detail answer.
type deleteAPI struct {
	mu sync.Mutex
	// deleteStatus and deleteBody answer the DELETE; 200 with a job_id
	// when deleteStatus is 0.
	deleteStatus int
	deleteBody   string
	// statuses is the proxy's status at each list read ("" = absent); the
	// last one repeats.
	statuses []string
	lists    int
	// listCode, when set, makes the list answer 404 with that code.
	listCode string
	// detailCode, when set, makes the instance detail answer 404 with it.
	detailCode string
	jobStatus  string
	deletes    int
}

func (a *deleteAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-42")
	fail := func(status int, code string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error_code":%q,"error_msg":"scripted"}`, code)
	}
	switch {
	case r.Method == http.MethodDelete:
		a.deletes++
		if a.deleteStatus != 0 {
			w.WriteHeader(a.deleteStatus)
			_, _ = io.WriteString(w, a.deleteBody)
			return
		}
		_, _ = io.WriteString(w, `{"job_id":"job-del"}`)
	case strings.HasSuffix(r.URL.Path, "/proxies"):
		if a.listCode != "" {
			fail(http.StatusNotFound, a.listCode)
			return
		}
		st := a.statuses[min(a.lists, len(a.statuses)-1)]
		a.lists++
		if st == "" {
			_, _ = io.WriteString(w, `{"proxy_list":[]}`)
			return
		}
		fmt.Fprintf(w, `{"proxy_list":[{"proxy":{"pool_id":%q,"status":%q,"node_num":2}}]}`, proxyID, st)
	case strings.HasSuffix(r.URL.Path, "/jobs"):
		fmt.Fprintf(w, `{"job":{"id":"job-del","name":"CloseGaussDBforMySQLProxy","status":%q,"fail_reason":"scripted"}}`, a.jobStatus)
	case strings.HasSuffix(r.URL.Path, "/instances/"+instID):
		if a.detailCode != "" {
			fail(http.StatusNotFound, a.detailCode)
			return
		}
		fmt.Fprintf(w, `{"instance":{"id":%q,"vpc_id":"vpc"}}`, instID)
	default:
		fail(http.StatusBadRequest, "DBS.200001")
	}
}

func deleteOps(c *Config) {
	fastOps(c)
	c.DeleteBatchWindow = -1 // one call per proxy: no window to wait out
}

// withFakeTimeout bounds ctx by a timeout the fake clock reaches.
func withFakeTimeout(t *testing.T, c *Client, clk *fakeClock, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	c.clock = &deadlineClock{fakeClock: clk, at: clk.Now().Add(d), cancel: cancel}
	return ctx
}

// Tried as a new user would: the DELETE answered 409 DBS.200932 once while
// the proxy was still listed, and destroy dropped it from state. A
// not-found code is a hint: the proxy list decides.
func TestDeleteAndWait_notFoundCodeWithTheProxyStillListedKeepsIt(t *testing.T) {
	for _, code := range []string{"DBS.200932", "DBS.270024", "DBS.201028"} {
		t.Run(code, func(t *testing.T) {
			api := &deleteAPI{deleteStatus: http.StatusConflict, deleteBody: `{"error_code":"` + code + `","error_msg":"scripted"}`,
				statuses: []string{ProxyActive}}
			c, _ := newTestClient(t, api, deleteOps)
			_, err := c.DeleteAndWait(t.Context(), instID, proxyID)
			if err == nil || IsNotFound(err) {
				t.Fatalf("err = %v; the proxy is still listed, so the delete must fail", err)
			}
			for _, want := range []string{code, "req-42"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not carry %s", err, want)
				}
			}
		})
	}
}

// The same code with the proxy absent from the list: gone, the delete
// succeeded.
func TestDeleteAndWait_notFoundCodeConfirmedByTheList(t *testing.T) {
	api := &deleteAPI{deleteStatus: http.StatusConflict, deleteBody: `{"error_code":"DBS.200932","error_msg":"scripted"}`, statuses: []string{""}}
	c, _ := newTestClient(t, api, deleteOps)
	if _, err := c.DeleteAndWait(t.Context(), instID, proxyID); err != nil {
		t.Fatalf("err = %v; the list confirms the proxy is gone", err)
	}
}

// A not-found code from the list call itself is about the instance: it
// counts as gone only when the instance detail says so too.
func TestFindProxy_instanceGoneOnlyWhenTheDetailAgrees(t *testing.T) {
	api := &deleteAPI{listCode: "DBS.201028"}
	c, _ := newTestClient(t, api, deleteOps)
	_, err := c.FindProxy(t.Context(), instID, proxyID)
	if err == nil || IsNotFound(err) {
		t.Fatalf("err = %v; the instance detail still answers, so the instance is not gone", err)
	}
	api.detailCode = "DBS.201028"
	_, err = c.FindProxy(t.Context(), instID, proxyID)
	if !IsNotFound(err) || !strings.Contains(err.Error(), "DBS.201028") {
		t.Fatalf("err = %v; list and detail both say the instance does not exist", err)
	}
}

// After an ambiguous delete answer with the proxy DISABLING, the disable
// job failed and the proxy is ACTIVE again. The wait used to go on for the
// whole timeout and then say the delete "may still finish".
func TestDeleteAndWait_stopsWhenTheProxyIsActiveAgain(t *testing.T) {
	api := &deleteAPI{deleteStatus: http.StatusInternalServerError, deleteBody: `{"error_code":"DBS.200001","error_msg":"scripted"}`,
		statuses: []string{ProxyDisabling, ProxyDisabling, ProxyActive}}
	c, clk := newTestClient(t, api, deleteOps)
	start := clk.Now()
	ctx := withFakeTimeout(t, c, clk, 10*time.Minute)
	_, err := c.DeleteAndWait(ctx, instID, proxyID)
	var nd *DeleteNotDoneError
	if !errors.As(err, &nd) || nd.Status != ProxyActive {
		t.Fatalf("err = %v (%T); want a DeleteNotDoneError: the proxy is ACTIVE again", err, err)
	}
	if waited := clk.Now().Sub(start); waited > time.Minute {
		t.Fatalf("waited %s of simulated time; the wait must stop once the proxy is ACTIVE again", waited)
	}
}

// The delete job completed but the list still shows the proxy ACTIVE: the
// delete did not happen, and waiting for the proxy to go is pointless.
func TestDeleteAndWait_completedJobWithTheProxyStillActiveFails(t *testing.T) {
	api := &deleteAPI{jobStatus: JobCompleted, statuses: []string{ProxyActive}}
	c, clk := newTestClient(t, api, deleteOps)
	ctx := withFakeTimeout(t, c, clk, 10*time.Minute)
	jobID, err := c.DeleteAndWait(ctx, instID, proxyID)
	var nd *DeleteNotDoneError
	if !errors.As(err, &nd) || nd.JobID != "job-del" || jobID != "job-del" {
		t.Fatalf("err = %v (%T), job %q; want a DeleteNotDoneError naming job-del", err, err, jobID)
	}
}

// A batch member whose own timeout ends first reports the job's last status
// as the batch saw it, not "not yet queryable".
func TestDeleteAndWait_memberTimeoutReportsTheBatchJobsLastStatus(t *testing.T) {
	emu, err := emulator.Start(emulator.Config{Token: "tok", JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	inst := emu.InstanceIDs()[0]
	a := emu.SeedProxy(inst, emulator.ProxyView{FlavorRef: "gaussdb.proxy.large.x86.2", NodeNum: 2})
	b := emu.SeedProxy(inst, emulator.ProxyView{FlavorRef: "gaussdb.proxy.large.x86.2", NodeNum: 2})
	c, err := New(Config{Endpoint: emu.URL(), ProjectID: emu.ProjectID(), Auth: TokenAuth{Token: "tok"}, MaxRetries: 0,
		DeleteBatchWindow: 50 * time.Millisecond, JobSchedule: func() Schedule { return FixedSchedule(20 * time.Millisecond) }})
	if err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancelShort()
	long, cancelLong := context.WithCancel(t.Context())
	defer cancelLong()
	done := make(chan error, 1)
	go func() { _, err := c.DeleteAndWait(long, inst, b); done <- err }()
	_, err = c.DeleteAndWait(short, inst, a)
	cancelLong()
	// The other member ends with its own cancellation.
	if err := <-done; err == nil {
		t.Error("the other member succeeded although its job hangs")
	}
	var te *JobTimeoutError
	if !errors.As(err, &te) || te.LastStatus != JobRunning {
		t.Fatalf("err = %v; want a timeout with the batch job's last status Running", err)
	}
}
