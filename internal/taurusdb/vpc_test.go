// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// newVPCTestClient serves the TaurusDB API and the VPC API from two
// loopback servers, so a call that goes to the wrong one shows.
func newVPCTestClient(t *testing.T, vpc http.Handler, mod ...func(*Config)) (*Client, *fakeClock) {
	t.Helper()
	vsrv := httptest.NewServer(vpc)
	t.Cleanup(vsrv.Close)
	return newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the TaurusDB endpoint got %s %s", r.Method, r.URL)
	}), append([]func(*Config){func(c *Config) { c.VPCEndpoint = vsrv.URL }}, mod...)...)
}

func TestFindPublicIP(t *testing.T) {
	var buf bytes.Buffer
	c, _ := newVPCTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/"+testProject+"/publicips" || r.URL.Query().Get("public_ip_address") != "80.158.1.2" {
			t.Errorf("got %s %s", r.Method, r.URL)
		}
		if r.Header.Get("X-Auth-Token") != "tok" {
			t.Error("the VPC call is not authenticated as the others")
		}
		w.Header().Set("X-Request-Id", "rid-vpc")
		// Another EIP in the answer, as an endpoint ignoring the filter
		// would send: only the exact address counts.
		_, _ = io.WriteString(w, `{"publicips":[
			{"id":"other","public_ip_address":"80.158.1.20","status":"DOWN"},
			{"id":"eip-1","public_ip_address":"80.158.1.2","status":"DOWN","ip_version":4,"bandwidth_size":5}]}`)
	}), func(c *Config) { c.Logger = bufLogger{&buf} })
	ip, err := c.FindPublicIP(context.Background(), "80.158.1.2")
	if err != nil || ip != (PublicIP{ID: "eip-1", Address: "80.158.1.2", Status: "DOWN"}) {
		t.Fatalf("FindPublicIP = %+v, %v", ip, err)
	}
	for _, want := range []string{`"path":"/v1/` + testProject + `/publicips"`, `"request_id":"rid-vpc"`, `"status":200`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s: %s", want, buf.String())
		}
	}
}

func TestFindPublicIP_ipv6(t *testing.T) {
	c, _ := newVPCTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"publicips":[{"id":"v6","public_ip_address":"80.158.1.3","public_ipv6_address":"2001:db8::1","status":"ACTIVE"}]}`)
	}))
	ip, err := c.FindPublicIP(context.Background(), "2001:DB8:0::1")
	if err != nil || ip.ID != "v6" || ip.Address != "2001:db8::1" || ip.Status != "ACTIVE" {
		t.Fatalf("FindPublicIP = %+v, %v", ip, err)
	}
}

func TestFindPublicIP_notFoundAndNoEndpoint(t *testing.T) {
	c, _ := newVPCTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"publicips":[]}`)
	}))
	_, err := c.FindPublicIP(context.Background(), "80.158.1.2")
	if !errors.Is(err, ErrPublicIPNotFound) || !strings.Contains(err.Error(), "80.158.1.2") || !strings.Contains(err.Error(), testProject) {
		t.Fatalf("err = %v", err)
	}

	c, _ = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("no call expected") }))
	if _, err := c.FindPublicIP(context.Background(), "80.158.1.2"); !errors.Is(err, ErrNoVPCEndpoint) {
		t.Fatalf("without a VPC endpoint: %v", err)
	}
	if _, err := c.FindPublicIP(context.Background(), "not-an-ip"); err == nil {
		t.Fatal("a non-address was looked up")
	}
}

func TestFindPublicIP_ambiguous(t *testing.T) {
	c, _ := newVPCTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"publicips":[{"id":"a","public_ip_address":"10.0.0.1"},{"id":"b","public_ip_address":"10.0.0.1"}]}`)
	}))
	if _, err := c.FindPublicIP(context.Background(), "10.0.0.1"); err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Fatalf("err = %v", err)
	}
}

// Server errors are retried like the other calls; the error names the VPC
// service, its code and request ID, and a 404 without a code is an
// endpoint problem, not news about a proxy.
func TestFindPublicIP_retriesAndTypedErrors(t *testing.T) {
	var calls atomic.Int32
	c, clk := newVPCTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-v")
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `<html>no route</html>`)
	}))
	_, err := c.FindPublicIP(context.Background(), "80.158.1.2")
	if calls.Load() != 2 || len(clk.Sleeps()) != 1 {
		t.Fatalf("%d calls, sleeps %v", calls.Load(), clk.Sleeps())
	}
	e, ok := asAPIError(err)
	if !ok || e.Status != http.StatusNotFound || e.Service != "VPC" || e.RequestID != "rid-v" || errors.Is(err, ErrPublicIPNotFound) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "VPC endpoint") || strings.Contains(err.Error(), "proxy") {
		t.Errorf("message %q", err)
	}
}

func TestNew_rejectsBadVPCEndpoint(t *testing.T) {
	for _, ep := range []string{"http://vpc.example.com", "https://vpc.example.com/v1", "https://user:pw@vpc.example.com"} {
		_, err := New(Config{Endpoint: "https://gaussdb.example.com", VPCEndpoint: ep, ProjectID: testProject, Auth: TokenAuth{Token: "t"}})
		if err == nil || !strings.Contains(err.Error(), "VPC endpoint") || strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: %v", ep, err)
		}
	}
}

func TestDefaultServiceEndpoints(t *testing.T) {
	cases := []struct{ region, iam, vpc string }{
		{"cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com/v3", "https://vpc.cn-north-4.myhuaweicloud.com"},
		{"eu-de", "https://iam.eu-de.otc.t-systems.com/v3", "https://vpc.eu-de.otc.t-systems.com"},
		{"eu-nl", "https://iam.eu-nl.otc.t-systems.com/v3", "https://vpc.eu-nl.otc.t-systems.com"},
		{"eu-west-101", "https://iam.eu-west-101.myhuaweicloud.eu/v3", "https://vpc.eu-west-101.myhuaweicloud.com"},
	}
	for _, c := range cases {
		if got := DefaultIAMURL(c.region); got != c.iam {
			t.Errorf("DefaultIAMURL(%s) = %s", c.region, got)
		}
		if got := DefaultIAMURL(c.region); got != c.iam {
			t.Errorf("DefaultIAMURL(%s) = %s", c.region, got)
		}
		if got := DefaultVPCEndpoint(c.region); got != c.vpc {
			t.Errorf("DefaultVPCEndpoint(%s) = %s", c.region, got)
		}
	}
}
