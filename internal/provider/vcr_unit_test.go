// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Unit tests of the replay rule and the redaction; they need no CLI.

func vcrInteraction(method, rawURL, body string, code int, resp string) *cassette.Interaction {
	return &cassette.Interaction{
		Request:  cassette.Request{Method: method, URL: rawURL, Body: body},
		Response: cassette.Response{Code: code, Status: http.StatusText(code), Body: resp, Headers: http.Header{"Content-Type": {"application/json"}}},
	}
}

func vcrTestCassette() []*cassette.Interaction {
	const base = "https://" + vcrHost + "/v3/p"
	ints := []*cassette.Interaction{
		vcrInteraction("GET", base+"/proxies?offset=0&limit=100", "", 200, "list-empty"),
		vcrInteraction("POST", base+"/proxy", `{"flavor_ref":"f","node_num":2}`, 201, "create"),
		vcrInteraction("GET", base+"/jobs?id=j1", "", 200, "running-1"),
		vcrInteraction("GET", base+"/proxies?offset=0&limit=100", "", 200, "list-enabling"),
		vcrInteraction("GET", base+"/jobs?id=j1", "", 200, "running-2"),
		vcrInteraction("GET", base+"/jobs?id=j1", "", 200, "completed"),
		vcrInteraction("GET", base+"/proxies?offset=0&limit=100", "", 200, "list-active"),
		vcrInteraction("GET", base+"/proxies?offset=0&limit=100", "", 200, "list-active-again"),
		vcrInteraction("DELETE", base+"/proxy", `{"proxy_ids":["a"]}`, 200, "delete"),
		vcrInteraction("GET", base+"/proxies?offset=0&limit=100", "", 200, "list-gone"),
	}
	for k, i := range ints {
		i.ID = k
	}
	return ints
}

// vcrDo sends one request through rt; it returns the answer's body or the
// error text.
func vcrDo(t *testing.T, rt http.RoundTripper, method, rawURL, body string) string {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", "whatever")
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestVCRReplayOrderRepeatsAndSkips(t *testing.T) {
	rp := newReplayer("unit", vcrTestCassette())
	// Another host, port and scheme, and the query in another order.
	const base = "http://127.0.0.1:1/v3/p"
	list := base + "/proxies?limit=100&offset=0"
	steps := []struct{ method, url, body, want string }{
		{"GET", list, "", "list-empty"},
		// The CLI read twice before the create: the last answer repeats.
		{"GET", list, "", "list-empty"},
		// JSON compared by value.
		{"POST", base + "/proxy", `{"node_num":2, "flavor_ref":"f"}`, "create"},
		// Identical polls get the recorded answers in order, whatever
		// other reads come in between.
		{"GET", base + "/jobs?id=j1", "", "running-1"},
		{"GET", list, "", "list-enabling"},
		{"GET", base + "/jobs?id=j1", "", "running-2"},
		{"GET", base + "/jobs?id=j1", "", "completed"},
		{"GET", list, "", "list-active"},
		// The second recorded refresh is never asked for: skipped
		// when the DELETE moves the replay on, and nothing after the
		// DELETE sees an answer from before it.
		{"DELETE", base + "/proxy", `{"proxy_ids":["a"]}`, "delete"},
		{"GET", list, "", "list-gone"},
		{"GET", list, "", "list-gone"},
		// A poll of a finished job, asked again: the last answer.
		{"GET", base + "/jobs?id=j1", "", "completed"},
	}
	for n, s := range steps {
		if got := vcrDo(t, rp, s.method, s.url, s.body); got != s.want {
			t.Fatalf("step %d: %s %s = %q, want %q", n, s.method, s.url, got, s.want)
		}
	}
	summary, err := rp.report()
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	if rp.repeated() != 3 || rp.unusedReads() != 1 || !strings.Contains(summary, "9 of 10") {
		t.Errorf("repeated %d, unused reads %d, summary %q", rp.repeated(), rp.unusedReads(), summary)
	}
}

func TestVCRReplayFailsLoudly(t *testing.T) {
	const base = "http://127.0.0.1:1/v3/p"
	cases := []struct {
		name    string
		prelude [][3]string // method, url, body sent first (must succeed)
		method  string
		url     string
		body    string
		want    []string
	}{
		{
			name: "mutating request with another body", method: "POST", url: base + "/proxy", body: `{"flavor_ref":"g","node_num":2}`,
			want: []string{`unrecorded request POST /v3/p/proxy body {"flavor_ref":"g","node_num":2}`, "next recorded mutating request is interaction 1, POST /v3/p/proxy", "TAURUSDB_VCR=record"},
		},
		{
			name: "mutating requests out of order", method: "DELETE", url: base + "/proxy", body: `{"proxy_ids":["a"]}`,
			want: []string{"unrecorded request DELETE /v3/p/proxy", "interaction 1, POST"},
		},
		{
			name:    "more mutating requests than recorded",
			prelude: [][3]string{{"POST", base + "/proxy", `{"flavor_ref":"f","node_num":2}`}, {"DELETE", base + "/proxy", `{"proxy_ids":["a"]}`}},
			method:  "DELETE", url: base + "/proxy", body: `{"proxy_ids":["a"]}`,
			want: []string{"every recorded mutating request has been used already"},
		},
		{
			name: "read never recorded", method: "GET", url: base + "/proxies?offset=100&limit=100",
			want: []string{"unrecorded request GET /v3/p/proxies?offset=100&limit=100", "no answer to it before interaction 1"},
		},
		{
			// The job is only polled after the create: answering it
			// before would be answering from the future.
			name: "read recorded only later", method: "GET", url: base + "/jobs?id=j1",
			want: []string{"unrecorded request GET /v3/p/jobs?id=j1"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rp := newReplayer("unit.yaml", vcrTestCassette())
			for _, p := range c.prelude {
				if got := vcrDo(t, rp, p[0], p[1], p[2]); strings.HasPrefix(got, "error: ") {
					t.Fatalf("prelude %v: %s", p, got)
				}
			}
			got := vcrDo(t, rp, c.method, c.url, c.body)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q\nwant it to contain %q", got, w)
				}
			}
			if _, err := rp.report(); err == nil || !strings.Contains(err.Error(), "unrecorded request") {
				t.Errorf("report() = %v, want the unrecorded request listed", err)
			}
		})
	}
}

func TestVCRReplayReportsUnusedChanges(t *testing.T) {
	rp := newReplayer("unit.yaml", vcrTestCassette())
	_ = vcrDo(t, rp, "GET", "http://x/v3/p/proxies?offset=0&limit=100", "")
	_, err := rp.report()
	if err == nil || !strings.Contains(err.Error(), "interaction 1: POST /v3/p/proxy") || !strings.Contains(err.Error(), "interaction 8: DELETE /v3/p/proxy") {
		t.Errorf("report() = %v, want both unsent changes listed", err)
	}
}

// TestVCRRecordRedactReplay records through go-vcr against a fake API,
// saves with the redaction hook, checks the file, and replays it.
func TestVCRRecordRedactReplay(t *testing.T) {
	const (
		project  = "abcdefabcdefabcdefabcdefabcdef12"
		instance = "1234567890abcdef1234567890abcdefin07"
		token    = "MIIsecret-token-value"
		password = "hunter2-password"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", token)
		w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth/tokens"):
			_, _ = io.WriteString(w, `{"token":{"expires_at":"x","user":{"name":"me"}}}`)
		case r.Method == http.MethodGet:
			_, _ = io.WriteString(w, `{"job":{"id":"j1","status":"Completed","instance":{"id":"`+instance+`","name":"orders-db"}}}`)
		default:
			_, _ = io.WriteString(w, `{"job_id":"j1","echo":{"password":"`+password+`"}}`)
		}
	}))
	defer srv.Close()

	red := &redactor{}
	red.addSecret(token)
	red.addSecret(password)
	red.addReplace(project, vcrProjectID)
	red.addReplace(instance, vcrInstanceID)
	file := filepath.Join(t.TempDir(), "cassette")
	var captured []*cassette.Interaction
	rec, err := recorder.New(file, recorder.WithMode(recorder.ModeRecordOnly), recorder.WithSkipRequestLatency(true),
		recorder.WithHook(func(i *cassette.Interaction) error { captured = append(captured, i); return nil }, recorder.AfterCaptureHook),
		recorder.WithHook(red.hook, recorder.BeforeSaveHook))
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, path, body string, hdr map[string]string) string {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := rec.GetDefaultClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	_ = send("POST", "/v3/auth/tokens", `{"auth":{"identity":{"password":{"user":{"name":"me","password":"`+password+`"}}}}}`, nil)
	post := send("POST", "/v3/"+project+"/instances/"+instance+"/proxy", `{"flavor_ref":"f"}`,
		map[string]string{"Authorization": "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x, Signature=abc", "X-Project-Id": project, "X-Security-Token": "sectok"})
	if !strings.Contains(post, password) {
		t.Fatalf("while recording the client must see the real answer, got %q", post)
	}
	_ = send("GET", "/v3/"+project+"/jobs?id=j1", "", map[string]string{"X-Auth-Token": token})
	red.learnInstanceName(captured, instance)
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(file + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, bad := range []string{token, password, project, instance, "sectok", "Signature=abc", "orders-db", "127.0.0.1", "auth/tokens", "Mon, 02 Jan"} {
		if strings.Contains(text, bad) {
			t.Errorf("cassette still contains %q:\n%s", bad, text)
		}
	}
	for _, good := range []string{vcrProjectID, vcrInstanceID, vcrHost, vcrInstance, vcrRedacted} {
		if !strings.Contains(text, good) {
			t.Errorf("cassette lacks %q:\n%s", good, text)
		}
	}

	rp, err := loadReplayer(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(rp.ints) != 2 {
		t.Fatalf("cassette has %d interactions, want 2 (the IAM call dropped)", len(rp.ints))
	}
	base := "http://127.0.0.1:1/v3/" + vcrProjectID
	if got := vcrDo(t, rp, "POST", base+"/instances/"+vcrInstanceID+"/proxy", `{"flavor_ref":"f"}`); !strings.Contains(got, `"job_id":"j1"`) {
		t.Errorf("replayed create = %q", got)
	}
	if got := vcrDo(t, rp, "GET", base+"/jobs?id=j1", ""); !strings.Contains(got, "Completed") {
		t.Errorf("replayed poll = %q", got)
	}
}

func TestVCRLeakCheck(t *testing.T) {
	red := &redactor{}
	red.addSecret("topsecret")
	i := vcrInteraction("GET", "https://h/v3/p/jobs", "", 200, `{"x":"topsecret"}`)
	if err := red.leak(i); err == nil || !strings.Contains(err.Error(), "a credential") {
		t.Errorf("leak() = %v, want the secret reported", err)
	}
	i.Request.Headers = http.Header{"X-Auth-Token": {"abc"}}
	i.Response.Body = "{}"
	if err := red.leak(i); err == nil || !strings.Contains(err.Error(), "header X-Auth-Token") {
		t.Errorf("leak() = %v, want the header reported", err)
	}
	if err := red.hook(i); err != nil {
		t.Errorf("hook() after redaction = %v", err)
	}
}
