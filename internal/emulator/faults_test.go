// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

var createBody = map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2}

func TestFaults_answeringKinds(t *testing.T) {
	cases := []struct {
		fault       Fault
		status      int
		code        string
		contentType string
		body        string
	}{
		{Fault{Kind: FaultThrottle, RetryAfter: 2}, 429, "APIG.0308", "application/json", ""},
		{Fault{Kind: FaultServerError}, 500, "DBS.200000", "application/json", ""},
		{Fault{Kind: FaultServerError, Status: 503}, 503, "APIG.0201", "application/json", ""},
		{Fault{Kind: FaultHTMLBadGateway}, 502, "", "text/html", "502 Bad Gateway"},
		{Fault{Kind: FaultMalformedJSON}, 200, "", "application/json", `{"job_id": `},
		{Fault{Kind: FaultNoJobID}, 200, "", "application/json", `{}`},
		{Fault{Kind: FaultBusy}, 409, "DBS.200019", "application/json", ""},
		// The other busy codes the real cloud answers in 409s (issue 20).
		{Fault{Kind: FaultBusy, Code: "DBS.201015"}, 409, "DBS.201015", "application/json", ""},
		{Fault{Kind: FaultBusy, Code: "DBS.05000084"}, 409, "DBS.05000084", "application/json", ""},
		{Fault{Kind: FaultBusy, Code: "DBS.212033"}, 409, "DBS.212033", "application/json", ""},
		{Fault{Kind: FaultError, Status: 418, Code: "DBS.999999", Message: "teapot"}, 418, "DBS.999999", "application/json", "teapot"},
	}
	for _, tc := range cases {
		t.Run(string(tc.fault.Kind), func(t *testing.T) {
			e, _ := start(t, nil)
			inst := inst0(e)
			f := tc.fault
			f.Method, f.PathSuffix = "POST", "/proxy"
			e.Inject(f)
			r := send(t, e, "POST", "/instances/"+inst+"/proxy", createBody)
			expectStatus(t, r, tc.status, tc.code)
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("Content-Type = %q", ct)
			}
			if !bytes.Contains(r.raw, []byte(tc.body)) {
				t.Errorf("body %q does not contain %q", r.raw, tc.body)
			}
			if tc.fault.Kind == FaultThrottle && r.header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
			}
			if n := len(e.Proxies(inst)); n != 0 {
				t.Errorf("a fault before processing created %d proxies", n)
			}
			reqs := e.Requests()
			if last := reqs[len(reqs)-1]; last.Fault != string(tc.fault.Kind) || last.Status != tc.status {
				t.Errorf("request log = %+v", last)
			}
		})
	}
}

func TestFaults_afterProcessesThenAnswersWithTheFault(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	e.Inject(Fault{Method: "POST", PathSuffix: "/proxy", Kind: FaultServerError, Status: 502, After: true})
	r := send(t, e, "POST", "/instances/"+inst+"/proxy", createBody)
	expectStatus(t, r, 502, "")
	if got := e.Proxies(inst); len(got) != 1 || got[0].Status != StatusEnabling {
		t.Fatalf("the ambiguous create did not happen: %+v", got)
	}
	if jobs := e.Jobs(); len(jobs) != 1 {
		t.Fatalf("jobs = %+v", jobs)
	}
}

func TestFaults_dropConnection(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "before", true: "after"}[after], func(t *testing.T) {
			e, _ := start(t, nil)
			inst := inst0(e)
			e.Inject(Fault{Method: "POST", PathSuffix: "/proxy", Kind: FaultDropConnection, After: after})
			req := newRequest(t, e, "POST", "/instances/"+inst+"/proxy", createBody)
			req.Header.Set("X-Auth-Token", testToken)
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				res.Body.Close()
				t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
			}
			want := 0
			if after {
				want = 1
			}
			if n := len(e.Proxies(inst)); n != want {
				t.Fatalf("%d proxies, want %d", n, want)
			}
			if last := e.Requests()[0]; last.Status != 0 || !strings.HasPrefix(last.Fault, "drop-connection") {
				t.Fatalf("request log = %+v", last)
			}
		})
	}
}

func TestFaults_latencyDelaysAndStopsWithTheClient(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	e.Inject(Fault{Method: "GET", PathSuffix: "/proxies", Kind: FaultLatency, Latency: 30 * time.Millisecond, Times: 1})
	began := time.Now()
	expectStatus(t, send(t, e, "GET", "/instances/"+inst+"/proxies", nil), http.StatusOK, "")
	if took := time.Since(began); took < 30*time.Millisecond {
		t.Fatalf("latency not applied: %v", took)
	}

	e.Inject(Fault{Method: "GET", PathSuffix: "/proxies", Kind: FaultLatency, Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := newRequest(t, e, "GET", "/instances/"+inst+"/proxies", nil).WithContext(ctx)
	req.Header.Set("X-Auth-Token", testToken)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = res.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	// The handler gives up too: its log entry appears without waiting an hour.
	deadline := time.Now().Add(5 * time.Second)
	for len(e.Requests()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the delayed handler did not stop when its client left")
		}
		time.Sleep(time.Millisecond)
	}
	if last := e.Requests()[1]; last.Status != 0 || last.Fault != "latency" {
		t.Fatalf("request log = %+v", last)
	}
}

func TestFaults_jobFailsRollsBack(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)

	e.Inject(Fault{Method: "POST", PathSuffix: "/proxy", Kind: FaultJobFails, FailReason: "no capacity", Times: 1})
	jobID := createProxy(t, e, inst, nil)
	clk.Advance(10 * time.Second)
	if j := getJob(t, e, jobID); j["status"] != JobFailed || j["fail_reason"] != "no capacity" {
		t.Fatalf("job = %v", j)
	}
	if n := len(e.Proxies(inst)); n != 0 {
		t.Fatalf("failed create left %d proxies", n)
	}

	id := e.SeedProxy(inst, ProxyView{})
	e.Inject(Fault{Method: "DELETE", PathSuffix: "/proxy", Kind: FaultJobFails, Times: 1})
	expectStatus(t, send(t, e, "DELETE", "/instances/"+inst+"/proxy", map[string]any{"proxy_ids": []string{id}}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	if v, ok := e.Proxy(inst, id); !ok || v.Status != StatusActive {
		t.Fatalf("failed delete: %+v %v", v, ok)
	}
	if jobs := e.Jobs(); jobs[1].Status != JobFailed || jobs[1].FailReason == "" {
		t.Fatalf("jobs = %+v", jobs)
	}
}

func TestFaults_jobHangsUntilFinished(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	e.Inject(Fault{Kind: FaultJobHangs, Method: "POST", PathSuffix: "/proxy"})
	jobID := createProxy(t, e, inst, nil)
	clk.Advance(24 * time.Hour)
	if j := getJob(t, e, jobID); j["status"] != JobRunning || j["process"] != "50%" {
		t.Fatalf("job = %v", j)
	}
	expectStatus(t, send(t, e, "POST", "/instances/"+inst+"/proxy", createBody), http.StatusConflict, "DBS.200019")
	if !e.FinishJob(jobID, "") {
		t.Fatal("FinishJob refused")
	}
	if got := e.Proxies(inst); len(got) != 1 || got[0].Status != StatusActive {
		t.Fatalf("after FinishJob: %+v", got)
	}
}

func TestFaults_callNumbersTimesAndPathRule(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	list := "/instances/" + inst + "/proxies"

	e.Inject(Fault{Method: "GET", PathSuffix: "/proxies", Calls: []int{2, 4}, Kind: FaultBusy})
	var got []int
	for range 5 {
		got = append(got, send(t, e, "GET", list, nil).status)
	}
	if want := []int{200, 409, 200, 409, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Calls: statuses %v, want %v", got, want)
	}

	e.ClearFaults()
	e.Inject(Fault{PathSuffix: "/proxies", Times: 2, Kind: FaultThrottle})
	got = got[:0]
	for range 3 {
		got = append(got, send(t, e, "GET", list, nil).status)
	}
	if want := []int{429, 429, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Times: statuses %v, want %v", got, want)
	}

	// "/proxy" is the create/delete call, not the rename under it.
	e.ClearFaults()
	e.Inject(Fault{PathSuffix: "/proxy", Kind: FaultBusy})
	expectStatus(t, send(t, e, "PUT", "/instances/"+inst+"/proxy/"+id+"/rename", map[string]any{"alias": "still-works"}), http.StatusOK, "")
	expectStatus(t, send(t, e, "DELETE", "/instances/"+inst+"/proxy", nil), http.StatusConflict, "DBS.200019")
	// Patterns match too.
	e.ClearFaults()
	e.Inject(Fault{PathSuffix: "/proxy/{proxy_id}/rename", Kind: FaultBusy})
	expectStatus(t, send(t, e, "PUT", "/instances/"+inst+"/proxy/"+id+"/rename", map[string]any{"alias": "blocked"}), http.StatusConflict, "")
}

func TestFaults_parseSpec(t *testing.T) {
	f, err := ParseFault("method=delete,path=/proxy,calls=1+3,kind=throttle,retry-after=1,after")
	want := Fault{Method: "DELETE", PathSuffix: "/proxy", Calls: []int{1, 3}, Kind: FaultThrottle, RetryAfter: 1, After: true}
	if err != nil || !reflect.DeepEqual(f, want) {
		t.Fatalf("ParseFault = %+v, %v; want %+v", f, err, want)
	}
	f, err = ParseFault("kind=latency,latency=1.5s,times=2")
	if err != nil || f.Latency != 1500*time.Millisecond || f.Times != 2 {
		t.Fatalf("ParseFault = %+v, %v", f, err)
	}
	// The CLI can script the other busy codes the real cloud answers in 409s.
	f, err = ParseFault("method=DELETE,path=/proxy,times=2,kind=busy,code=DBS.05000084")
	if err != nil || f.Kind != FaultBusy || f.Code != "DBS.05000084" || faultResponse(&f).status != http.StatusConflict {
		t.Fatalf("ParseFault = %+v, %v", f, err)
	}
	for _, bad := range []string{"", "path=/proxy", "kind=explode", "kind=throttle,calls=0", "kind=latency", "kind=server-error,status=404", "kind=busy,colour=red", "kind=busy,times=x"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}
}

func TestRateLimit_throttlesAboveTheRate(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.RateLimit = 2 })
	list := "/instances/" + inst0(e) + "/proxies"
	expectStatus(t, send(t, e, "GET", list, nil), http.StatusOK, "")
	expectStatus(t, send(t, e, "GET", list, nil), http.StatusOK, "")
	r := send(t, e, "GET", list, nil)
	expectStatus(t, r, http.StatusTooManyRequests, "APIG.0308")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	clk.Advance(500 * time.Millisecond)
	expectStatus(t, send(t, e, "GET", list, nil), http.StatusOK, "")
	expectStatus(t, send(t, e, "GET", list, nil), http.StatusTooManyRequests, "APIG.0308")
}

func TestLog_oneLinePerRequestWithoutSecrets(t *testing.T) {
	var buf syncBuffer
	e, _ := start(t, func(c *Config) { c.Log = &buf })
	e.Inject(Fault{PathSuffix: "/proxies", Kind: FaultThrottle, Times: 1})
	r := send(t, e, "GET", "/instances/"+inst0(e)+"/proxies?limit=5", nil)
	send(t, e, "GET", "/instances/"+inst0(e)+"/proxies", nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines = %q", lines)
	}
	for _, want := range []string{"GET", "/proxies?limit=5", " 429 ", "req=" + r.header.Get("X-Request-Id"), "fault=throttle"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q lacks %q", lines[0], want)
		}
	}
	if strings.Contains(buf.String(), testToken) {
		t.Error("token in the log")
	}
}
