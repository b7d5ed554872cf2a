// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

func TestParseFlags_refusesNonLoopbackUnlessAllowed(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:18080", ":18080", "192.0.2.1:80"} {
		if _, err := parseFlags([]string{"-listen", addr}, io.Discard); err == nil || !strings.Contains(err.Error(), "-allow-remote") {
			t.Errorf("-listen %s: err = %v", addr, err)
		}
	}
	if _, err := parseFlags([]string{"-listen", "0.0.0.0:18080", "-allow-remote"}, io.Discard); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:1", "[::1]:2"} {
		if _, err := parseFlags([]string{"-listen", addr}, io.Discard); err != nil {
			t.Errorf("-listen %s: %v", addr, err)
		}
	}
}

func TestParseFlags_faultsAndPairs(t *testing.T) {
	o, err := parseFlags([]string{"-fault", "method=DELETE,path=/proxy,calls=1,kind=throttle,retry-after=1", "-fault", "kind=busy,times=2"}, io.Discard)
	if err != nil || len(o.faults) != 2 || o.faults[0].Kind != emulator.FaultThrottle || o.faults[1].Times != 2 {
		t.Fatalf("faults = %+v, %v", o, err)
	}
	bad := [][]string{
		{"-fault", "kind=nope"},
		{"-access-key", "ak"},
		{"-user", "u"},
		{"-instances", "not-an-id"},
		{"-project-id", "short"},
		{"extra"},
	}
	for _, args := range bad {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// lockedBuffer lets the test read what run writes from its goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRun_servesPrintsExportsAndStopsOnCancel(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "requests.log")
	inst := "0123456789abcdef0123456789abcdefin07"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-instances", inst, "-log", logPath}, &stdout, &stderr, ready)
	}()
	var endpoint string
	select {
	case endpoint = <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not start")
	}

	banner := stdout.String()
	var token string
	for _, f := range strings.Fields(banner) {
		if v, ok := strings.CutPrefix(f, "HW_AUTH_TOKEN="); ok {
			token = v
		}
	}
	if token == "" || !strings.Contains(banner, "export TAURUSDB_ENDPOINT="+endpoint) || !strings.Contains(banner, inst) {
		t.Fatalf("banner:\n%s", banner)
	}

	req, _ := http.NewRequest(http.MethodGet, endpoint+"/v3/"+emulator.DefaultProjectID+"/instances/"+inst+"/proxies", nil)
	req.Header.Set("X-Auth-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d with the printed token", res.StatusCode)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on cancel")
	}
	if !strings.Contains(stdout.String(), "stopped after 1 requests") {
		t.Errorf("no summary:\n%s", stdout.String())
	}
	logged, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logged), "/proxies 200 req=") || strings.Contains(string(logged), token) {
		t.Errorf("request log:\n%s", logged)
	}
}

func TestRun_noBalanceRouteModeFlagReachesTheEmulator(t *testing.T) {
	inst := "0123456789abcdef0123456789abcdefin07"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-instances", inst, "-token", "tok", "-no-balance-route-mode"}, &stdout, &stderr, ready)
	}()
	var endpoint string
	select {
	case endpoint = <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not start")
	}
	if !strings.Contains(stdout.String(), "load balancing (route_mode 1, 2) unsupported") {
		t.Errorf("banner does not mention the flag:\n%s", stdout.String())
	}

	// A create asking for load balancing is refused with the emulator's
	// stand-in code for a kernel without it.
	body := strings.NewReader(`{"flavor_ref":"gaussdb.proxy.large.x86.2","node_num":2,"route_mode":1}`)
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/v3/"+emulator.DefaultProjectID+"/instances/"+inst+"/proxy", body)
	req.Header.Set("X-Auth-Token", "tok")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), "DBS.280455") {
		t.Fatalf("create with route_mode 1: %d %s", res.StatusCode, raw)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on cancel")
	}
}

func TestParseFlags_settingsFlags(t *testing.T) {
	o, err := parseFlags([]string{"-no-session-pool", "-not-whitelisted", "-proxy-version", emulator.ProxyVersions[0]}, io.Discard)
	if err != nil || !o.noSessionPool || !o.notWhitelisted || o.proxyVersion != emulator.ProxyVersions[0] {
		t.Fatalf("options = %+v, %v", o, err)
	}
	if o, err := parseFlags(nil, io.Discard); err != nil || o.proxyVersion != emulator.LatestProxyVersion {
		t.Fatalf("default proxy version = %q, %v", o.proxyVersion, err)
	}
	if _, err := parseFlags([]string{"-proxy-version", "9.9"}, io.Discard); err == nil || !strings.Contains(err.Error(), "-proxy-version") {
		t.Fatalf("unknown version: %v", err)
	}
}

func TestRun_whitelistAndSessionPoolFlagsReachTheEmulator(t *testing.T) {
	inst := "0123456789abcdef0123456789abcdefin07"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-instances", inst, "-token", "tok", "-not-whitelisted", "-no-session-pool",
			"-proxy-version", emulator.ProxyVersions[1]}, &stdout, &stderr, ready)
	}()
	var endpoint string
	select {
	case endpoint = <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not start")
	}
	for _, want := range []string{"session-level connection pool unsupported", "no feature whitelist", "kernel " + emulator.ProxyVersions[1]} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout.String())
		}
	}

	// Creating a proxy that adds new nodes automatically needs the whitelist.
	body := strings.NewReader(`{"flavor_ref":"gaussdb.proxy.large.x86.2","node_num":2,"new_node_auto_add_status":"ON"}`)
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/v3/"+emulator.DefaultProjectID+"/instances/"+inst+"/proxy", body)
	req.Header.Set("X-Auth-Token", "tok")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(raw), emulator.ErrorCodeNotWhitelisted) {
		t.Fatalf("create with new_node_auto_add_status ON: %d %s", res.StatusCode, raw)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on cancel")
	}
}

func TestParseFlags_projectsAndAgencies(t *testing.T) {
	o, err := parseFlags([]string{"-projects", "cn-north-4_dev,eu-west-101=0123456789abcdef0123456789abcdef", "-agencies", "acme/taurusdb_admin"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if ps, _ := o.extraProjects(); len(ps) != 2 || ps[1].ID != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("projects = %+v", ps)
	}
	if as, _ := o.agencyList(); len(as) != 1 || as[0].DomainName != "acme" || as[0].Name != "taurusdb_admin" {
		t.Fatalf("agencies = %+v", as)
	}
	for _, bad := range [][]string{
		{"-projects", "eu-west-101=short"},
		{"-projects", emulator.DefaultProjectName},
		{"-agencies", "no-slash"},
		{"-metadata-listen", "0.0.0.0:80"},
		{"-metadata-ttl", "0s"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestRun_printsTheOtherServicesURLs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-token", "tok", "-projects", "eu-west-101"}, &stdout, &stderr, ready)
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not start")
	}
	var metadata string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "metadata:"); ok {
			metadata = strings.Fields(rest)[0]
		}
	}
	if metadata == "" || !strings.Contains(stdout.String(), "IAM project name eu-west-101") {
		t.Fatalf("banner:\n%s", stdout.String())
	}
	res, err := http.Get(metadata + "/openstack/latest/securitykey")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metadata securitykey: %d", res.StatusCode)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on cancel")
	}
}
