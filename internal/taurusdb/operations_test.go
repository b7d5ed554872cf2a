// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProxyAPI is a small, scriptable stand-in for the proxy API, for the
// operations' unit tests: each test decides what a call answers, and the
// API records every mutating call it got.
type fakeProxyAPI struct {
	mu      sync.Mutex
	t       *testing.T
	proxies []fakeProxy
	calls   []string // "METHOD path body" of each mutating call
	// handle answers a mutating call; nil answers 500.
	handle func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string)
	// jobDone says whether a job is complete; nil means at once.
	jobDone func(id string) bool
	// listFail, when set, answers every list call with this status.
	listFail int
	// lists counts list calls.
	lists int
}

type fakeProxy struct {
	id, name, status string
	nodeNum          int
}

func (f *fakeProxyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/proxies"):
		f.lists++
		if f.listFail != 0 {
			w.WriteHeader(f.listFail)
			_, _ = io.WriteString(w, `{"error_code":"DBS.200001","error_msg":"internal error"}`)
			return
		}
		type entry struct {
			Proxy map[string]any `json:"proxy"`
		}
		out := struct {
			List []entry `json:"proxy_list"`
		}{List: []entry{}}
		for _, p := range f.proxies {
			out.List = append(out.List, entry{Proxy: map[string]any{"pool_id": p.id, "name": p.name, "status": p.status, "node_num": p.nodeNum}})
		}
		_ = json.NewEncoder(w).Encode(out)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/jobs"):
		id := r.URL.Query().Get("id")
		status := JobCompleted
		if f.jobDone != nil && !f.jobDone(id) {
			status = JobRunning
		}
		fmt.Fprintf(w, `{"job":{"id":%q,"name":"x","status":%q}}`, id, status)
	default:
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		f.calls = append(f.calls, r.Method+" "+r.URL.Path[strings.Index(r.URL.Path, "/instances"):]+" "+string(raw))
		status, answer := http.StatusInternalServerError, `{}`
		if f.handle != nil {
			status, answer = f.handle(f, r.Method, r.URL.Path, body)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}
}

func (f *fakeProxyAPI) mutatingCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

const busyAnswer = `{"error_code":"DBS.200019","error_msg":"Another operation is being performed on the DB instance."}`

func fastOps(c *Config) {
	c.MaxRetries = 0
	c.JobSchedule = func() Schedule { return FixedSchedule(time.Second) }
	c.BusyRetryInterval = 5 * time.Second
	c.LostAnswerWindow, c.LostAnswerPoll = 10*time.Second, time.Second
}

// Apply #1 asked node_num 2 -> 4 and timed out while the add-nodes job ran.
// The re-run must wait for that job and then see 4, not add 2 more.
func TestUpdateProxy_rerunAfterTimeoutDoesNotAddNodesTwice(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: "ADDING PROXY NODE", nodeNum: 2}}}
	api.handle = func(*fakeProxyAPI, string, string, map[string]any) (int, string) {
		return http.StatusConflict, busyAnswer
	}
	clk := newFakeClock()
	done := clk.Now().Add(30 * time.Second)
	// The earlier job finishes at done: from then the list shows 4, ACTIVE.
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		if !clk.Now().Before(done) {
			api.proxies[0].status, api.proxies[0].nodeNum = ProxyActive, 4
		}
		api.mu.Unlock()
		api.ServeHTTP(w, r)
	})
	c, _ := newTestClientWithClock(t, wrapped, clk, fastOps)
	if err := c.UpdateProxy(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4}); err != nil {
		t.Fatal(err)
	}
	if calls := api.mutatingCalls(); len(calls) != 0 {
		t.Fatalf("mutating calls %q; the running job already makes node_num 4", calls)
	}
}

// A job whose status the list does not show (a flavor change keeps ACTIVE)
// makes the add-nodes call answer busy. The difference sent next must come
// from a fresh read, not be the same "+2" replayed after the job that
// already made it.
func TestUpdateProxy_busyAnswerIsRecomputedFromAFreshRead(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p1", status: ProxyActive, nodeNum: 2}}}
	clk := newFakeClock()
	done := clk.Now().Add(20 * time.Second)
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		if clk.Now().Before(done) {
			return http.StatusConflict, busyAnswer
		}
		f.proxies[0].nodeNum += int(body["node_num"].(float64))
		return http.StatusOK, `{"job_id":"j2"}`
	}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		if !clk.Now().Before(done) {
			api.proxies[0].nodeNum = max(api.proxies[0].nodeNum, 4)
		}
		api.mu.Unlock()
		api.ServeHTTP(w, r)
	})
	c, _ := newTestClientWithClock(t, wrapped, clk, fastOps)
	if err := c.UpdateProxy(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4}); err != nil {
		t.Fatal(err)
	}
	calls := api.mutatingCalls()
	for _, call := range calls {
		if !strings.Contains(call, `"node_num":2`) {
			t.Errorf("unexpected call %q", call)
		}
	}
	if api.proxies[0].nodeNum != 4 {
		t.Fatalf("node_num = %d after %q; want 4", api.proxies[0].nodeNum, calls)
	}
}

// When the proxy cannot be read, nothing is sent: the old code fell back to
// the value in state, which may be stale.
func TestUpdateProxy_unreadableProxySendsNothing(t *testing.T) {
	api := &fakeProxyAPI{t: t, listFail: http.StatusInternalServerError, handle: func(*fakeProxyAPI, string, string, map[string]any) (int, string) {
		return http.StatusOK, `{"job_id":"j"}`
	}}
	c, _ := newTestClient(t, api, fastOps)
	err := c.UpdateProxy(t.Context(), instID, proxyID, ProxyChanges{NodeNum: 4, Flavor: "f2"})
	var se *StepError
	if !errors.As(err, &se) || !strings.Contains(se.Step, "flavor") {
		t.Fatalf("err = %v; want a StepError for the first step", err)
	}
	if calls := api.mutatingCalls(); len(calls) != 0 {
		t.Fatalf("sent %q without reading the proxy", calls)
	}
}

// Steps run in the documented order and each is skipped when the proxy
// already has its value.
func TestUpdateProxy_ordersStepsAndSkipsSatisfiedOnes(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "same", status: ProxyActive, nodeNum: 2}}}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		switch {
		case strings.HasSuffix(path, "/enlarge"):
			f.proxies[0].nodeNum += int(body["node_num"].(float64))
		case strings.HasSuffix(path, "/rename"):
			return http.StatusOK, `{"result":"success"}`
		}
		return http.StatusOK, `{"job_id":"j"}`
	}
	c, _ := newTestClient(t, api, fastOps)
	if err := c.UpdateProxy(t.Context(), instID, proxyID, ProxyChanges{Flavor: "f2", NodeNum: 3, Name: "same"}); err != nil {
		t.Fatal(err)
	}
	calls := api.mutatingCalls()
	if len(calls) != 2 || !strings.Contains(calls[0], "/flavor") || !strings.Contains(calls[1], "/enlarge") {
		t.Fatalf("calls %q; want flavor, then enlarge, and no rename to the current name", calls)
	}
}

// The instance was busy at the first POST; meanwhile another client created
// a proxy there. The old "before" list was taken before the wait, so that
// proxy was the only new one and was recorded, orphaning ours.
func TestCreateAndIdentify_ignoresAProxyAnotherClientCreatedMeanwhile(t *testing.T) {
	api := &fakeProxyAPI{t: t}
	posts := 0
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		posts++
		if posts == 1 {
			f.proxies = append(f.proxies, fakeProxy{id: "foreign000000000000000000000000po01", name: "someone-else", status: ProxyEnabling, nodeNum: 2})
			return http.StatusConflict, busyAnswer
		}
		f.proxies = append(f.proxies, fakeProxy{id: proxyID, name: body["proxy_name"].(string), status: ProxyEnabling, nodeNum: 2})
		return http.StatusCreated, `{"job_id":"j1"}`
	}
	c, _ := newTestClient(t, api, fastOps)
	var recorded []string
	got, err := c.CreateAndIdentify(t.Context(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2, ProxyName: NewProxyName()}, func(id string) { recorded = append(recorded, id) })
	if err != nil {
		t.Fatal(err)
	}
	if got.ProxyID != proxyID || len(recorded) != 1 || recorded[0] != proxyID {
		t.Fatalf("created %+v, recorded %q; want only %s", got, recorded, proxyID)
	}
}

// Two new proxies with the configured name: neither is recorded, and the
// error names both.
func TestCreateAndIdentify_ambiguityNamesEveryCandidate(t *testing.T) {
	api := &fakeProxyAPI{t: t}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		f.proxies = append(f.proxies,
			fakeProxy{id: "aaaa0000000000000000000000000000po01", name: "shared", status: ProxyEnabling, nodeNum: 2},
			fakeProxy{id: "bbbb0000000000000000000000000000po01", name: "shared", status: ProxyEnabling, nodeNum: 2})
		return http.StatusCreated, `{"job_id":"j1"}`
	}
	c, _ := newTestClient(t, api, fastOps)
	_, err := c.CreateAndIdentify(t.Context(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2, ProxyName: "shared"}, func(id string) {
		t.Errorf("recorded %s although two proxies could be the one", id)
	})
	var ce *CreateError
	if !errors.As(err, &ce) || len(ce.Candidates) != 2 || !strings.Contains(err.Error(), "aaaa") || !strings.Contains(err.Error(), "bbbb") {
		t.Fatalf("err = %v; want a CreateError naming both candidates", err)
	}
}

// A request the API refused created nothing, and says so.
func TestCreateAndIdentify_refusedRequestCreatedNothing(t *testing.T) {
	api := &fakeProxyAPI{t: t, handle: func(*fakeProxyAPI, string, string, map[string]any) (int, string) {
		return http.StatusBadRequest, `{"error_code":"DBS.280238","error_msg":"The flavor is sold out."}`
	}}
	c, _ := newTestClient(t, api, fastOps)
	_, err := c.CreateAndIdentify(t.Context(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2, ProxyName: "p-name"}, func(string) {})
	var ce *CreateError
	if !errors.As(err, &ce) || !ce.NothingCreated || ce.ProxyID != "" || len(api.mutatingCalls()) != 1 {
		t.Fatalf("err = %#v; want NothingCreated after one POST", err)
	}
}

// The POST's answer is lost after the API created the proxy: the proxy is
// found by its name and recorded, and no second POST is sent.
func TestCreateAndIdentify_lostAnswerFindsTheProxyWithoutResending(t *testing.T) {
	api := &fakeProxyAPI{t: t}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		f.proxies = append(f.proxies, fakeProxy{id: proxyID, name: body["proxy_name"].(string), status: ProxyEnabling, nodeNum: 2})
		return http.StatusBadGateway, `<html>502</html>`
	}
	c, _ := newTestClient(t, enablesAfter(api, 4, ProxyActive), fastOps)
	var recorded string
	got, err := c.CreateAndIdentify(t.Context(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2, ProxyName: NewProxyName()}, func(id string) { recorded = id })
	if err != nil || got.ProxyID != proxyID || recorded != proxyID {
		t.Fatalf("got %+v, %v, recorded %q", got, err, recorded)
	}
	if n := len(api.mutatingCalls()); n != 1 {
		t.Fatalf("%d POSTs; a lost answer must not be replayed", n)
	}
	if n := listCalls(api); n < 4 {
		t.Fatalf("create returned after %d list calls, while the proxy was still enabling", n)
	}
}

// enablesAfter makes the fake's proxies leave ENABLING PROXY for status
// from the n-th list call on, as a create job ending would.
func enablesAfter(api *fakeProxyAPI, n int, status string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		if api.lists+1 >= n {
			for i := range api.proxies {
				if api.proxies[i].status == ProxyEnabling {
					api.proxies[i].status = status
				}
			}
		}
		api.mu.Unlock()
		api.ServeHTTP(w, r)
	})
}

// With the answer lost there is no job to wait on: the proxy's status is
// waited on instead, and an enabling that fails is a failed create that
// names the recorded proxy (it used to be reported as a success while the
// proxy was still enabling).
func TestCreateAndIdentify_lostAnswerWaitsForTheProxyToSettle(t *testing.T) {
	api := &fakeProxyAPI{t: t}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		f.proxies = append(f.proxies, fakeProxy{id: proxyID, name: body["proxy_name"].(string), status: ProxyEnabling, nodeNum: 2})
		return http.StatusBadGateway, `<html>502</html>`
	}
	c, _ := newTestClient(t, enablesAfter(api, 4, ProxyFailed), fastOps)
	var recorded string
	_, err := c.CreateAndIdentify(t.Context(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2, ProxyName: NewProxyName()}, func(id string) { recorded = id })
	var ce *CreateError
	if !errors.As(err, &ce) || ce.ProxyID != proxyID || !ce.AnswerLost || !strings.Contains(err.Error(), "FAILED") || recorded != proxyID {
		t.Fatalf("err = %v (recorded %q); want a CreateError naming the recorded proxy and its FAILED status", err, recorded)
	}
}

func TestNewProxyName_isValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := NewProxyName()
		if len(n) < 4 || len(n) > 64 || n[0] < 'a' || n[0] > 'z' || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Fatalf("%q is not a valid proxy name", n)
		}
		if seen[n] {
			t.Fatalf("%q generated twice", n)
		}
		seen[n] = true
	}
}
