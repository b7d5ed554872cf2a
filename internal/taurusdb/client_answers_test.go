// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// How the client reads what the API (or something in front of it) answers:
// undocumented 404s, redirects, Retry-After, mistyped fields. Each failed
// before its fix.

// A 404 that carries no documented DBS not-found code says nothing about the
// proxy: a gateway without the route, an envoy empty 404, a wrong path
// prefix. Taking it for "gone" made destroy report success while the proxy
// kept running, and refresh drop it from state.
func TestClient_undocumented404IsNotGone(t *testing.T) {
	cases := []struct{ name, ctype, body string }{
		{"gateway no route", "application/json", `{"message":"no Route matched with those values"}`},
		{"envoy empty", "", ""},
		{"json without DBS code", "application/json", `{"error_code":"APIG.0101","error_msg":"The API does not exist"}`},
		{"json with another DBS code", "application/json", `{"error_code":"DBS.200001","error_msg":"not found"}`},
		{"html", "text/html", "<html>404</html>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, tc.body)
			}), func(c *Config) { c.MaxRetries = 0 })
			_, err := c.DeleteAndWait(t.Context(), instID, proxyID)
			if err == nil || IsNotFound(err) {
				t.Fatalf("DeleteAndWait = %v; an undocumented 404 must fail the delete, not count as gone", err)
			}
			_, err = c.FindProxy(t.Context(), instID, proxyID)
			if err == nil || IsNotFound(err) {
				t.Fatalf("FindProxy = %v; an undocumented 404 must not mean gone", err)
			}
			host := strings.TrimPrefix(c.base, "http://")
			host = host[:strings.Index(host, "/")]
			for _, want := range []string{host + "/v3/", "endpoint and region"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		})
	}
	for _, code := range []string{"DBS.201028", "DBS.270024", "DBS.200932"} {
		err := &APIError{Status: http.StatusNotFound, Code: code}
		if !HasNotFoundCode(err) || IsNotFound(err) {
			t.Errorf("%s is a not-found code: a reason to look at the proxy list, not proof the proxy is gone", code)
		}
	}
}

// The API never redirects. Go strips only Authorization on a redirect, so
// X-Auth-Token, X-Security-Token and an IAM login body would reach another
// host.
func TestClient_refusesRedirects(t *testing.T) {
	var leaked atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		_, _ = io.WriteString(w, `{"proxy_list":[]}`)
	}))
	t.Cleanup(target.Close)
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.Path, status)
		})
		c, _ := newTestClient(t, redirect, func(c *Config) { c.MaxRetries = 0 })
		_, err := c.ListProxies(t.Context(), instID)
		var re *RedirectError
		if !errors.As(err, &re) || re.Status != status || !strings.Contains(err.Error(), target.URL) {
			t.Errorf("HTTP %d: err = %v; want a RedirectError naming the status and Location", status, err)
		}
		// The IAM login must not follow either.
		srv := httptest.NewServer(redirect)
		a := &PasswordAuth{AuthURL: srv.URL + "/v3", UserName: "u", Password: "secret", DomainName: "d", ProjectID: testProject}
		_, err = a.Token(t.Context())
		srv.Close()
		if !errors.As(err, &re) {
			t.Errorf("IAM login after HTTP %d: err = %v; want a RedirectError", status, err)
		}
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("%d requests reached the redirect target", n)
	}
}

// A huge Retry-After wrapped around to milliseconds or went negative.
func TestParseRetryAfter_noOverflow(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                     0,
		"0":                    0,
		"7":                    7 * time.Second,
		"300":                  5 * time.Minute,
		"301":                  maxRetryAfter,
		"9223372036":           maxRetryAfter, // * 1e9 overflows int64 nanoseconds
		"9223372036854775807":  maxRetryAfter,
		"99999999999999999999": maxRetryAfter, // more than uint64 holds
		"-5":                   0,
		"1.5":                  0,
		"soon":                 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
		now.AddDate(200, 0, 0).Format(http.TimeFormat):    maxRetryAfter,
		"Fri, 31 Dec 9999 23:59:59 GMT":                   maxRetryAfter,
		now.Add(10 * time.Second).Format(time.RFC850):     10 * time.Second,
		now.AddDate(300, 0, 0).Format(time.ANSIC):         maxRetryAfter,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// A field of the wrong type fails at once, naming the field, instead of
// being retried: the same answer comes back every time.
func TestClient_typeMismatchFailsFastNamingTheField(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.WriteString(w, `{"proxy_list":[{"proxy":{"pool_id":"`+proxyID+`","port":{"x":1}}}]}`)
	}))
	_, err := c.ListProxies(t.Context(), instID)
	if err == nil || !strings.Contains(err.Error(), "proxy_list.proxy.port") {
		t.Fatalf("err = %v; want it to name proxy_list.proxy.port", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls; a type mismatch must not be retried", n)
	}
}

// The SDK models availability_zone as an array of {code, description}; the
// first API notes had a string. Both decode, absent and null too.
func TestDBNode_availabilityZoneShapes(t *testing.T) {
	cases := map[string]AvailabilityZones{
		`[{"code":"az1","description":"AZ 1"},{"code":"az2"}]`: {{Code: "az1", Description: "AZ 1"}, {Code: "az2"}},
		`"az1"`:          {{Code: "az1"}},
		`["az1","az2"]`:  {{Code: "az1"}, {Code: "az2"}},
		`{"code":"az3"}`: {{Code: "az3"}},
		`null`:           nil,
		`[]`:             {},
	}
	for in, want := range cases {
		var n DBNode
		if err := json.Unmarshal([]byte(`{"id":"x","availability_zone":`+in+`}`), &n); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if len(n.AvailabilityZone) != len(want) {
			t.Errorf("%s: got %+v, want %+v", in, n.AvailabilityZone, want)
			continue
		}
		for i := range want {
			if n.AvailabilityZone[i] != want[i] {
				t.Errorf("%s: got %+v, want %+v", in, n.AvailabilityZone, want)
			}
		}
	}
	var n DBNode
	err := json.Unmarshal([]byte(`{"id":"x","availability_zone":7}`), &n)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "availability_zone" {
		t.Errorf("a number: err = %v; want a type error naming availability_zone", err)
	}
}

// A refused redirect is an endpoint problem: sending the call again cannot
// help. It used to be retried with backoff like a dropped connection.
func TestClient_refusedRedirectFailsAtOnce(t *testing.T) {
	var hits atomic.Int32
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "https://elsewhere.example.com"+r.URL.Path, http.StatusFound)
	})
	c, clk := newTestClient(t, redirect, func(c *Config) { c.MaxRetries = 3 })
	_, err := c.ListProxies(t.Context(), instID)
	var re *RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v; want a RedirectError", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the endpoint was asked %d times; a redirect is not retried", n)
	}
	if s := clk.Sleeps(); len(s) != 0 {
		t.Errorf("backed off %v before failing", s)
	}
	endpoint := strings.TrimPrefix(c.base, "http://")
	endpoint = endpoint[:strings.Index(endpoint, "/")]
	for _, want := range []string{endpoint, "elsewhere.example.com"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
