// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func listCalls(api *fakeProxyAPI) int {
	api.mu.Lock()
	defer api.mu.Unlock()
	return api.lists
}

// Ten concurrent refreshes of proxies of one instance make one list call.
func TestReadProxy_concurrentRefreshesShareOneList(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "p", status: ProxyActive, nodeNum: 2}}}
	c, _ := newTestClient(t, api)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.ReadProxy(t.Context(), instID, proxyID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := listCalls(api); n != 1 {
		t.Fatalf("%d list calls for 10 refreshes of one instance; want 1", n)
	}
}

// A change this process makes is seen by the next refresh, and an old
// result is not served past the TTL.
func TestReadProxy_ownChangeAndTTLMakeItListAgain(t *testing.T) {
	api := &fakeProxyAPI{t: t, proxies: []fakeProxy{{id: proxyID, name: "old", status: ProxyActive, nodeNum: 2}}}
	api.handle = func(f *fakeProxyAPI, method, path string, body map[string]any) (int, string) {
		f.proxies[0].name = body["alias"].(string)
		return http.StatusOK, `{"result":"success"}`
	}
	c, clk := newTestClient(t, api)
	if _, err := c.ReadProxy(t.Context(), instID, proxyID); err != nil {
		t.Fatal(err)
	}
	if err := c.Rename(t.Context(), instID, proxyID, "new-name"); err != nil {
		t.Fatal(err)
	}
	e, err := c.ReadProxy(t.Context(), instID, proxyID)
	if err != nil || e.Proxy.Name != "new-name" {
		t.Fatalf("after our own rename the refresh read %+v, %v", e, err)
	}
	if _, err := c.ReadProxy(t.Context(), instID, proxyID); err != nil {
		t.Fatal(err)
	}
	if n := listCalls(api); n != 2 {
		t.Fatalf("%d list calls; want 2 (before and after the rename, then served)", n)
	}
	_ = clk.Sleep(t.Context(), DefaultListCacheTTL+time.Second)
	if _, err := c.ReadProxy(t.Context(), instID, proxyID); err != nil {
		t.Fatal(err)
	}
	if n := listCalls(api); n != 3 {
		t.Fatalf("%d list calls; want a fresh one after the TTL", n)
	}
	// Operations never use the shared list.
	if _, err := c.FindProxy(t.Context(), instID, proxyID); err != nil {
		t.Fatal(err)
	}
	if n := listCalls(api); n != 4 {
		t.Fatalf("%d list calls; FindProxy must always list", n)
	}
}

// flavorAPI is one proxy whose flavor changes when its job completes.
type flavorAPI struct {
	mu      sync.Mutex
	flavor  string
	jobDone bool
}

func (f *flavorAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/proxies"):
		fmt.Fprintf(w, `{"proxy_list":[{"proxy":{"pool_id":%q,"name":"p","status":"ACTIVE","flavor_ref":%q,"node_num":2}}]}`, proxyID, f.flavor)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/jobs"):
		st := JobRunning
		if f.jobDone {
			st = JobCompleted
		}
		fmt.Fprintf(w, `{"job":{"id":"j1","name":"x","status":%q}}`, st)
	default:
		fmt.Fprint(w, `{"job_id":"j1"}`)
	}
}

// A refresh that lists while this process's own job runs must not serve
// that list once the job has ended: the change takes effect at the job's
// end, after the mutating call that bumped the generation.
func TestReadProxy_listReadDuringOwnJobIsNotServedAfterIt(t *testing.T) {
	api := &flavorAPI{flavor: "small"}
	c, _ := newTestClient(t, api, fastOps)
	unlock, err := c.LockInstance(t.Context(), instID)
	if err != nil {
		t.Fatal(err)
	}
	jobID, err := c.ChangeFlavor(t.Context(), instID, proxyID, "large")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadProxy(t.Context(), instID, proxyID); err != nil { // another resource's refresh, mid-job
		t.Fatal(err)
	}
	api.mu.Lock()
	api.jobDone, api.flavor = true, "large"
	api.mu.Unlock()
	if _, err := c.WaitJob(t.Context(), jobID); err != nil {
		t.Fatal(err)
	}
	unlock()
	e, err := c.ReadProxy(t.Context(), instID, proxyID)
	if err != nil || e.Proxy.FlavorRef != "large" {
		t.Fatalf("after our own flavor job a refresh read %+v, %v; want the new flavor", e, err)
	}
}
