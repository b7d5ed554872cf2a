// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	instID  = "0123456789abcdef0123456789abcdefin07"
	proxyID = "fedcba9876543210fedcba9876543210po01"
)

func TestClient_deleteProxySendsStoredID(t *testing.T) {
	var gotMethod, gotPath, gotToken, gotUA string
	var gotBody DeleteProxyRequest
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotPath, gotToken, gotUA = r.Method, r.URL.Path, r.Header.Get("X-Auth-Token"), r.Header.Get("User-Agent")
		if err := json.NewDecoder(r.Body).Decode(&gotBody); err != nil {
			t.Errorf("decoding body: %v", err)
		}
		_, _ = io.WriteString(w, `{"job_id":"04efe8e2-9255-44ae-a98b-d87cae411890"}`)
	}), func(c *Config) { c.UserAgent = "terraform-provider-taurusdb/1.2.3" })
	jobID, err := c.DeleteProxies(context.Background(), instID, []string{proxyID})
	if err != nil {
		t.Fatal(err)
	}
	if jobID != "04efe8e2-9255-44ae-a98b-d87cae411890" {
		t.Errorf("job ID = %q", jobID)
	}
	if gotMethod != http.MethodDelete || gotPath != "/v3/"+testProject+"/instances/"+instID+"/proxy" {
		t.Errorf("request = %s %s", gotMethod, gotPath)
	}
	if len(gotBody.ProxyIDs) != 1 || gotBody.ProxyIDs[0] != proxyID {
		t.Errorf("proxy_ids = %v, want [%s]", gotBody.ProxyIDs, proxyID)
	}
	if gotToken != "tok" {
		t.Errorf("X-Auth-Token = %q", gotToken)
	}
	if gotUA != "terraform-provider-taurusdb/1.2.3" {
		t.Errorf("User-Agent = %q", gotUA)
	}
}

func TestClient_errorDecoding(t *testing.T) {
	cases := []struct {
		name, ctype, body string
		status            int
		want              []string
		notFound, busy    bool
	}{
		{"json", "application/json", `{"error_code":"DBS.270024","error_msg":"The proxy does not exist."}`, 400,
			[]string{"HTTP 400", "DBS.270024", "The proxy does not exist.", "X-Request-Id req-1"}, true, false},
		{"busy", "application/json", `{"error_code":"DBS.200019","error_msg":"busy"}`, 409, []string{"DBS.200019"}, false, true},
		{"html", "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", 400,
			[]string{"HTTP 400", "non-JSON", "502 Bad Gateway", "req-1"}, false, false},
		// Only the documented DBS not-found codes mean gone: an empty 404
		// comes from a load balancer or a wrong endpoint.
		{"empty", "", "", 404, []string{"HTTP 404", "Not Found", "endpoint and region"}, false, false},
		{"gateway shape", "application/json", `{"code":"APIG.0101","message":"no api"}`, 404, []string{"APIG.0101", "no api"}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-1")
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}), func(c *Config) { c.MaxRetries = 0 })
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := c.DeleteProxies(ctx, instID, []string{proxyID})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			// A code is a hint to look at the list; alone it never means gone.
			if HasNotFoundCode(err) != tc.notFound || IsNotFound(err) || IsBusy(err) != tc.busy {
				t.Errorf("HasNotFoundCode=%v IsNotFound=%v IsBusy=%v", HasNotFoundCode(err), IsNotFound(err), IsBusy(err))
			}
		})
	}
}

func TestClient_missingJobIDIsAnError(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-2")
		_, _ = io.WriteString(w, `{}`)
	}), func(c *Config) { c.MaxRetries = 0 })
	_, err := c.CreateProxy(context.Background(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2}, true)
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "job_id") || !strings.Contains(err.Error(), "req-2") {
		t.Fatalf("err = %v, want a DecodeError naming job_id and the request ID", err)
	}
	if !MayHaveSucceeded(err) {
		t.Error("a 200 without job_id may still have created the proxy")
	}
}

func TestClient_retriesThrottleHonouringRetryAfter(t *testing.T) {
	var calls atomic.Int32
	c, clk := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error_code":"APIG.0308","error_msg":"throttled"}`)
			return
		}
		_, _ = io.WriteString(w, `{"job_id":"j"}`)
	}))
	// POST too: a throttled request was refused before anything ran.
	if _, err := c.CreateProxy(context.Background(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2}, true); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
	for _, s := range clk.Sleeps() {
		if s != 7*time.Second {
			t.Errorf("slept %v, want Retry-After 7s", s)
		}
	}
}

func TestClient_retriesServerErrorsOnlyWhenIdempotent(t *testing.T) {
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>bad gateway</html>")
			return
		}
		_, _ = io.WriteString(w, `{"job_id":"j"}`)
	})
	c, clk := newTestClient(t, h)
	if _, err := c.DeleteProxies(context.Background(), instID, []string{proxyID}); err != nil {
		t.Fatalf("DELETE after one 502: %v", err)
	}
	if n := len(clk.Sleeps()); n != 1 {
		t.Errorf("backoff sleeps = %d, want 1", n)
	}
	calls.Store(0)
	_, err := c.CreateProxy(context.Background(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2}, true)
	if err == nil || calls.Load() != 1 {
		t.Fatalf("POST after 502: err=%v calls=%d; want the error and no blind retry", err, calls.Load())
	}
	if !MayHaveSucceeded(err) {
		t.Error("a 502 on POST is ambiguous")
	}
}

func TestClient_neverRetriesAuthFailures(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}`)
	}))
	_, err := c.ListProxies(context.Background(), instID)
	if !IsAuth(err) || calls.Load() != 1 {
		t.Fatalf("err=%v calls=%d; want one call and an auth error", err, calls.Load())
	}
}

func TestClient_maxRetriesBoundsRetries(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}), func(c *Config) { c.MaxRetries = 2 })
	_, err := c.ListProxies(context.Background(), instID)
	if err == nil || calls.Load() != 3 || !strings.Contains(err.Error(), "max_retries") {
		t.Fatalf("err=%v calls=%d; want 1 call + 2 retries", err, calls.Load())
	}
}

func TestClient_busyIsWaitedOutForMutations(t *testing.T) {
	var calls atomic.Int32
	c, clk := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, `{"error_code":"DBS.200019","error_msg":"another operation is running"}`)
			return
		}
		_, _ = io.WriteString(w, `{"job_id":"j"}`)
	}), func(c *Config) { c.MaxRetries = 0; c.BusyRetryInterval = 2 * time.Second })
	if _, err := c.DeleteProxies(context.Background(), instID, []string{proxyID}); err != nil {
		t.Fatal(err)
	}
	if got := clk.Sleeps(); len(got) != 3 || got[0] != 2*time.Second {
		t.Errorf("sleeps = %v, want 3 x 2s", got)
	}
}

func TestClient_retryStopsAtDeadline(t *testing.T) {
	c, clk := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"error_code":"DBS.200019","error_msg":"busy"}`)
	}), func(c *Config) { c.BusyRetryInterval = time.Minute })
	ctx, cancel := context.WithDeadline(context.Background(), clk.Now().Add(90*time.Second))
	defer cancel()
	_, err := c.DeleteProxies(ctx, instID, []string{proxyID})
	if !IsBusy(err) || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("err = %v, want the busy error once the next try would pass the deadline", err)
	}
}

func TestClient_listFollowsPagesAndDecodesBothNodeShapes(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		off := r.URL.Query().Get("offset")
		if r.URL.Query().Get("limit") != "100" {
			t.Errorf("limit = %s", r.URL.Query().Get("limit"))
		}
		var entries []string
		n := 100
		if off == "100" {
			n = 3
		}
		for i := 0; i < n; i++ {
			ro := `[{"id":"r1no07","weight":10}]`
			if i%2 == 1 {
				ro = `{"id":"r1no07","weight":"20"}`
			}
			entries = append(entries, `{"proxy":{"pool_id":"p`+off+`-`+string(rune('a'+i%26))+itoa(i)+`","port":"3306","node_num":2,"vcpus":2,"ram":"4"},"master_node":{"id":"m1no07","weight":5},"readonly_nodes":`+ro+`}`)
		}
		_, _ = io.WriteString(w, `{"proxy_list":[`+strings.Join(entries, ",")+`]}`)
	}))
	list, err := c.ListProxies(context.Background(), instID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 103 {
		t.Fatalf("len = %d, want 103", len(list))
	}
	if list[0].Proxy.Port != 3306 || list[0].Proxy.VCPUs != "2" || len(list[1].ReadonlyNodes) != 1 || list[1].ReadonlyNodes[0].Weight != 20 {
		t.Errorf("decoding: %+v / %+v", list[0].Proxy, list[1].ReadonlyNodes)
	}
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)))
}

func TestClient_findProxyTreatsDeletedAsGone(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"proxy_list":[{"proxy":{"pool_id":"`+proxyID+`","status":"DELETED"}}]}`)
	}))
	_, err := c.FindProxy(context.Background(), instID, proxyID)
	if !IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
}

func TestValidateEndpoint(t *testing.T) {
	ok := []struct{ in, out string }{
		{"https://gaussdb.cn-north-4.myhuaweicloud.com", "https://gaussdb.cn-north-4.myhuaweicloud.com"},
		{"http://127.0.0.1:18080/", "http://127.0.0.1:18080"},
		{"http://localhost:1", "http://localhost:1"},
		{"http://[::1]:80", "http://[::1]:80"},
	}
	for _, tc := range ok {
		got, err := ValidateEndpoint(tc.in, false)
		if err != nil || got != tc.out {
			t.Errorf("ValidateEndpoint(%q) = %q, %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1", "https://h/v3", "gaussdb.example.com", "ftp://h"} {
		if _, err := ValidateEndpoint(bad, false); err == nil {
			t.Errorf("ValidateEndpoint(%q) accepted", bad)
		}
	}
	if _, err := ValidateEndpoint("http://10.0.0.1", true); err != nil {
		t.Errorf("insecure should allow plain http: %v", err)
	}
	if _, err := DefaultEndpoint("xx-nowhere-1"); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("unknown region: %v", err)
	}
	if ep, _ := DefaultEndpoint("ap-southeast-1"); ep != "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com" {
		t.Errorf("ap-southeast-1 = %s", ep)
	}
}

// An HTML 404 comes from a wrong endpoint or a proxy in front of the API,
// not from the API saying the proxy is gone: treating it as "gone" would
// drop live proxies from state or skip their delete.
func TestClient_htmlNotFoundIsNotGone(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><body>404 page not found</body></html>")
	}))
	_, err := c.ListProxies(context.Background(), instID)
	if err == nil || IsNotFound(err) {
		t.Fatalf("err = %v; an HTML 404 must not mean not found", err)
	}
}

// Removing nodes takes a count, not a target: a 502 after the API acted
// must not be replayed, or twice as many nodes go.
func TestClient_reduceIsNotReplayed(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	_, err := c.RemoveNodes(context.Background(), instID, proxyID, 2)
	if err == nil || calls.Load() != 1 {
		t.Fatalf("err=%v calls=%d; want the error after one call", err, calls.Load())
	}
}

func TestValidateEndpoint_neverEchoesCredentials(t *testing.T) {
	for _, ep := range []string{"https://user:hunter2@gaussdb.example.com", "http://user:hunter2@127.0.0.1:1", "https://hunter2\x7f@x"} {
		_, err := ValidateEndpoint(ep, false)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ValidateEndpoint(%q) = %v; want an error without the password", ep, err)
		}
	}
}
