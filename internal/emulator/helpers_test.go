// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "test-token"

// fakeClock is Config.Now for tests: time moves only when the test says.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start serves an emulator on loopback with a fake clock and the static
// test token, after letting the test adjust the config.
func start(t *testing.T, adjust func(*Config)) (*Emulator, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	cfg := Config{Token: testToken, Now: clk.Now, JobDuration: 10 * time.Second}
	if adjust != nil {
		adjust(&cfg)
	}
	e, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e, clk
}

type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r result) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// send issues a request with the test token; path is relative to
// /v3/{project_id} unless it starts with /v3/.
func send(t *testing.T, e *Emulator, method, path string, body any) result {
	t.Helper()
	return sendWith(t, e, method, path, body, func(r *http.Request) { r.Header.Set("X-Auth-Token", testToken) })
}

func sendWith(t *testing.T, e *Emulator, method, path string, body any, prepare func(*http.Request)) result {
	t.Helper()
	req := newRequest(t, e, method, path, body)
	if prepare != nil {
		prepare(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := result{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	if res.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return out
}

func newRequest(t *testing.T, e *Emulator, method, path string, body any) *http.Request {
	t.Helper()
	if !strings.HasPrefix(path, "/v3/") {
		path = "/v3/" + e.ProjectID() + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func expectStatus(t *testing.T, r result, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	if code != "" && r.str("error_code") != code {
		t.Fatalf("error_code = %q, want %q; body %s", r.str("error_code"), code, r.raw)
	}
}

func inst0(e *Emulator) string { return e.InstanceIDs()[0] }

// createProxy creates a proxy through the API and returns the job ID.
func createProxy(t *testing.T, e *Emulator, instanceID string, body map[string]any) string {
	t.Helper()
	if body == nil {
		body = map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2}
	}
	r := send(t, e, "POST", "/instances/"+instanceID+"/proxy", body)
	expectStatus(t, r, http.StatusCreated, "")
	id := r.str("job_id")
	if id == "" {
		t.Fatalf("no job_id in %s", r.raw)
	}
	return id
}

func getJob(t *testing.T, e *Emulator, id string) map[string]any {
	t.Helper()
	r := send(t, e, "GET", "/jobs?id="+id, nil)
	expectStatus(t, r, http.StatusOK, "")
	j, _ := r.body["job"].(map[string]any)
	return j
}

// listProxies returns the proxy objects of one page. The answer has no
// total_count (the SDK's ShowGaussMySqlProxyListResponse has none).
func listProxies(t *testing.T, e *Emulator, instanceID, query string) []map[string]any {
	t.Helper()
	r := send(t, e, "GET", "/instances/"+instanceID+"/proxies"+query, nil)
	expectStatus(t, r, http.StatusOK, "")
	var out []map[string]any
	for _, item := range r.body["proxy_list"].([]any) {
		out = append(out, item.(map[string]any)["proxy"].(map[string]any))
	}
	if _, ok := r.body["total_count"]; ok {
		t.Errorf("the proxy list has total_count, which the SDK's model lacks: %s", r.raw)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the server goroutines that log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
