package taurusdb

import (
	"net/http"
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
