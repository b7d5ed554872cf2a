// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

func TestAuth_staticToken(t *testing.T) {
	e, _ := start(t, nil)
	path := "/instances/" + inst0(e) + "/proxies"

	r := sendWith(t, e, "GET", path, nil, nil)
	expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")
	if !strings.HasPrefix(r.str("error_msg"), "Incorrect IAM authentication information") {
		t.Errorf("error_msg = %q", r.str("error_msg"))
	}
	r = sendWith(t, e, "GET", path, nil, func(r *http.Request) { r.Header.Set("X-Auth-Token", "nope") })
	expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")
	if strings.Contains(string(r.raw), testToken) {
		t.Error("error echoes the token")
	}
	expectStatus(t, send(t, e, "GET", path, nil), http.StatusOK, "")
}

func TestAuth_wrongProjectIsForbidden(t *testing.T) {
	e, _ := start(t, nil)
	r := send(t, e, "GET", "/v3/00000000000000000000000000000000/instances/"+inst0(e)+"/proxies", nil)
	expectStatus(t, r, http.StatusForbidden, "APIG.0302")
}

func TestAuth_unknownRouteIs404JSON(t *testing.T) {
	e, _ := start(t, nil)
	r := send(t, e, "GET", "/instances/"+inst0(e)+"/nothing", nil)
	expectStatus(t, r, http.StatusNotFound, "APIG.0101")
	r = send(t, e, "PATCH", "/instances/"+inst0(e)+"/proxy", nil)
	expectStatus(t, r, http.StatusNotFound, "APIG.0101")
}

func akskEmulator(t *testing.T, adjust func(*Config)) (*Emulator, *fakeClock) {
	return start(t, func(c *Config) {
		c.Token = ""
		c.AccessKey, c.SecretKey = "AKTEST", "SKTEST"
		if adjust != nil {
			adjust(c)
		}
	})
}

// signed prepares a request signed at the emulator's (fake) time.
func signed(clk *fakeClock, body []byte, sk string, tweak func(*http.Request)) func(*http.Request) {
	return func(r *http.Request) {
		if tweak != nil {
			tweak(r)
		}
		signer.Sign(r, body, signer.Credentials{AccessKey: "AKTEST", SecretKey: sk}, clk.Now())
	}
}

func TestAuth_akskSignature(t *testing.T) {
	e, clk := akskEmulator(t, nil)
	create := "/instances/" + inst0(e) + "/proxy"
	body := []byte(`{"flavor_ref":"gaussdb.proxy.large.x86.2","node_num":2}`)

	r := sendWith(t, e, "POST", create, string(body), signed(clk, body, "SKTEST", nil))
	expectStatus(t, r, http.StatusCreated, "")

	cases := map[string]func(*http.Request){
		"wrong secret":               signed(clk, body, "WRONG", nil),
		"body changed after signing": signed(clk, []byte(`{"node_num":3}`), "SKTEST", nil),
		"date too old": signed(clk, body, "SKTEST", func(r *http.Request) {
			r.Header.Set(signer.HeaderDate, clk.Now().Add(-20*time.Minute).UTC().Format(signer.DateFormat))
		}),
		"date not signed": func(r *http.Request) {
			r.Header.Set(signer.HeaderDate, clk.Now().UTC().Format(signer.DateFormat))
			sig := signer.Signature(r, body, []string{"host"}, "SKTEST")
			r.Header.Set("Authorization", signer.Algorithm+" Access=AKTEST, SignedHeaders=host, Signature="+sig)
		},
		"unknown access key": func(r *http.Request) {
			signer.Sign(r, body, signer.Credentials{AccessKey: "OTHER", SecretKey: "SKTEST"}, clk.Now())
		},
		"token instead": func(r *http.Request) { r.Header.Set("X-Auth-Token", testToken) },
	}
	for name, prep := range cases {
		t.Run(name, func(t *testing.T) {
			r := sendWith(t, e, "POST", create, string(body), prep)
			expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")
		})
	}
	for _, req := range e.Requests() {
		if bytes.Contains(req.Body, []byte("SKTEST")) {
			t.Error("secret key reached the request log")
		}
	}
}

func TestAuth_akskSecurityTokenAndProjectHeader(t *testing.T) {
	e, clk := akskEmulator(t, func(c *Config) { c.SecurityToken = "STS" })
	path := "/instances/" + inst0(e) + "/proxies"

	r := sendWith(t, e, "GET", path, nil, signed(clk, nil, "SKTEST", nil))
	expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")

	withSTS := func(project string) func(*http.Request) {
		return signed(clk, nil, "SKTEST", func(r *http.Request) {
			r.Header.Set("X-Security-Token", "STS")
			r.Header.Set("X-Project-Id", project)
		})
	}
	expectStatus(t, sendWith(t, e, "GET", path, nil, withSTS(e.ProjectID())), http.StatusOK, "")
	expectStatus(t, sendWith(t, e, "GET", path, nil, withSTS("ffffffffffffffffffffffffffffffff")), http.StatusForbidden, "")
}

func TestAuth_akskLockoutAfterFiveBadSignatures(t *testing.T) {
	e, clk := akskEmulator(t, func(c *Config) { c.AKSKLockout = true })
	path := "/instances/" + inst0(e) + "/proxies"
	for range 5 {
		expectStatus(t, sendWith(t, e, "GET", path, nil, signed(clk, nil, "WRONG", nil)), http.StatusUnauthorized, "")
	}
	r := sendWith(t, e, "GET", path, nil, signed(clk, nil, "SKTEST", nil))
	expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")
	if !strings.Contains(r.str("error_msg"), "locked") {
		t.Errorf("error_msg = %q, want a lockout message", r.str("error_msg"))
	}
	clk.Advance(5 * time.Minute)
	expectStatus(t, sendWith(t, e, "GET", path, nil, signed(clk, nil, "SKTEST", nil)), http.StatusOK, "")
}

func iamBody(user, password, domain string, project map[string]string) map[string]any {
	b := map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{
				"name": user, "password": password, "domain": map[string]string{"name": domain},
			}},
		},
	}}
	if project != nil {
		b["auth"].(map[string]any)["scope"] = map[string]any{"project": project}
	}
	return b
}

func TestAuth_iamPasswordExchangeAndExpiry(t *testing.T) {
	e, clk := start(t, func(c *Config) {
		c.Token = ""
		c.Users = []User{{Name: "alice", Password: "s3cret!", Domain: "acme"}}
		c.TokenTTL = time.Hour
	})
	path := "/instances/" + inst0(e) + "/proxies"

	bad := sendWith(t, e, "POST", "/v3/auth/tokens", iamBody("alice", "wrong", "acme", map[string]string{"id": e.ProjectID()}), nil)
	expectStatus(t, bad, http.StatusUnauthorized, "")
	if bad.header.Get("X-Subject-Token") != "" {
		t.Fatal("token issued for a wrong password")
	}

	r := sendWith(t, e, "POST", "/v3/auth/tokens", iamBody("alice", "s3cret!", "acme", map[string]string{"name": DefaultProjectName}), nil)
	expectStatus(t, r, http.StatusCreated, "")
	tok := r.header.Get("X-Subject-Token")
	if tok == "" {
		t.Fatal("no X-Subject-Token")
	}
	expires, err := time.Parse(time.RFC3339, r.body["token"].(map[string]any)["expires_at"].(string))
	if err != nil || !expires.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("expires_at = %v (%v), want Now+1h", expires, err)
	}

	useToken := func(r *http.Request) { r.Header.Set("X-Auth-Token", tok) }
	expectStatus(t, sendWith(t, e, "GET", path, nil, useToken), http.StatusOK, "")
	clk.Advance(time.Hour)
	r = sendWith(t, e, "GET", path, nil, useToken)
	expectStatus(t, r, http.StatusUnauthorized, "APIG.0301")
	if !strings.Contains(r.str("error_msg"), "expired") {
		t.Errorf("error_msg = %q, want it to say the token expired", r.str("error_msg"))
	}

	for _, req := range e.Requests() {
		if bytes.Contains(req.Body, []byte("s3cret!")) || bytes.Contains(req.Body, []byte(`"wrong"`)) {
			t.Fatalf("password in request log: %s", req.Body)
		}
	}
}

func TestAuth_unscopedTokenIsRefusedByProjectAPIs(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.Users = []User{{Name: "bob", Password: "pw"}} })
	r := sendWith(t, e, "POST", "/v3/auth/tokens", iamBody("bob", "pw", "any-domain", nil), nil)
	expectStatus(t, r, http.StatusCreated, "")
	tok := r.header.Get("X-Subject-Token")
	r = sendWith(t, e, "GET", "/instances/"+inst0(e)+"/proxies", nil, func(r *http.Request) { r.Header.Set("X-Auth-Token", tok) })
	expectStatus(t, r, http.StatusForbidden, "")
}
