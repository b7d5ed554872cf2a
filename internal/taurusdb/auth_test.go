// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

func TestAKSKAuth_signatureVerifiesOnServer(t *testing.T) {
	const ak, sk = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
	var ok atomic.Bool
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		access, names, sig, parsed := signer.ParseAuthorization(r.Header.Get("Authorization"))
		want := signer.Signature(r, body, names, sk)
		ok.Store(parsed && access == ak && sig == want && r.Header.Get("X-Security-Token") == "sts" && r.Header.Get("X-Project-Id") == testProject)
		if r.Header.Get("X-Auth-Token") != "" {
			t.Error("AK/SK requests must not carry a token")
		}
		_, _ = io.WriteString(w, `{"job_id":"j"}`)
	}), func(c *Config) {
		c.Auth = AKSKAuth{AccessKey: ak, SecretKey: sk, SecurityToken: "sts", ProjectID: testProject}
	})
	if _, err := c.DeleteProxies(context.Background(), instID, []string{proxyID}); err != nil {
		t.Fatal(err)
	}
	if !ok.Load() {
		t.Fatal("the server could not verify the signature")
	}
}

func TestPasswordAuth_exchangesCachesAndRenews(t *testing.T) {
	var exchanges atomic.Int32
	clk := newFakeClock()
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/auth/tokens" || r.Method != http.MethodPost {
			t.Errorf("IAM got %s %s", r.Method, r.URL.Path)
		}
		var req iamTokenRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		u := req.Auth.Identity.Password.User
		if u.Name != "alice" || u.Password != "s3cret" || u.Domain.Name != "acme" || req.Auth.Scope.Project.ID != testProject {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":"401","message":"The username or password is wrong."}}`)
			return
		}
		n := exchanges.Add(1)
		w.Header().Set("X-Subject-Token", "token-"+string('0'+n))
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"token": map[string]string{"expires_at": clk.Now().Add(time.Hour).UTC().Format(time.RFC3339)}})
	}))
	defer iam.Close()
	a := &PasswordAuth{AuthURL: iam.URL + "/v3", UserName: "alice", Password: "s3cret", DomainName: "acme", ProjectID: testProject, Now: clk.Now}
	ctx := context.Background()
	t1, err := a.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := a.Token(ctx)
	if t1 != "token-1" || t2 != t1 || exchanges.Load() != 1 {
		t.Fatalf("tokens %q %q after %d exchanges; want one cached token", t1, t2, exchanges.Load())
	}
	_ = clk.Sleep(ctx, 55*time.Minute) // within RenewBefore of expiry
	t3, _ := a.Token(ctx)
	if t3 != "token-2" || exchanges.Load() != 2 {
		t.Fatalf("token %q after %d exchanges; want a renewed token before expiry", t3, exchanges.Load())
	}

	bad := &PasswordAuth{AuthURL: iam.URL + "/v3", UserName: "alice", Password: "wrong", DomainName: "acme", ProjectID: testProject}
	_, err = bad.Token(ctx)
	if err == nil || !strings.Contains(err.Error(), "password is wrong") || strings.Contains(err.Error(), "wrong\"") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err = %v; want IAM's message and no password", err)
	}
}

func TestAuth_errorsNeverContainSecrets(t *testing.T) {
	var buf bytes.Buffer
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}`)
	}), func(c *Config) {
		c.Auth = AKSKAuth{AccessKey: "AKAKAK", SecretKey: "SKSKSKSK"}
		c.Logger = bufLogger{&buf}
	})
	_, err := c.ListProxies(context.Background(), instID)
	for _, s := range []string{"SKSKSKSK", "Signature="} {
		if strings.Contains(err.Error(), s) || strings.Contains(buf.String(), s) {
			t.Errorf("%q leaked into the error or log", s)
		}
	}
}

type bufLogger struct{ b *bytes.Buffer }

func (l bufLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.b.WriteString(msg)
	_ = json.NewEncoder(l.b).Encode(f)
}
func (l bufLogger) Warn(ctx context.Context, msg string, f map[string]any) { l.Debug(ctx, msg, f) }
func (l bufLogger) Info(ctx context.Context, msg string, f map[string]any) { l.Debug(ctx, msg, f) }

// A failed IAM exchange happens before anything reaches the API: it is
// retried when transient and never reported as "may have succeeded", which
// would send a create down the lost-answer path.
func TestPasswordAuth_iamOutageIsRetriedAndNotAmbiguous(t *testing.T) {
	var iamCalls, apiCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/v3/auth/tokens", func(w http.ResponseWriter, r *http.Request) {
		if iamCalls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Subject-Token", "fresh")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"2999-01-01T00:00:00Z"}}`)
	})
	mux.HandleFunc("/v3/"+testProject+"/", func(w http.ResponseWriter, r *http.Request) {
		apiCalls.Add(1)
		if r.Header.Get("X-Auth-Token") != "fresh" {
			t.Errorf("token %q", r.Header.Get("X-Auth-Token"))
		}
		_, _ = io.WriteString(w, `{"job_id":"j"}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := newTestClient(t, mux, func(cfg *Config) {
		cfg.Auth = &PasswordAuth{AuthURL: srv.URL + "/v3", UserName: "u", Password: "p", DomainName: "d", ProjectID: testProject}
	})
	if _, err := c.CreateProxy(context.Background(), instID, CreateProxyRequest{FlavorRef: "f", NodeNum: 2}, true); err != nil {
		t.Fatalf("create after one IAM 503: %v", err)
	}
	if iamCalls.Load() != 2 || apiCalls.Load() != 1 {
		t.Errorf("IAM calls %d, API calls %d; want 2 and 1", iamCalls.Load(), apiCalls.Load())
	}
}

// A token the API refuses is dropped from the cache, so the next operation
// gets a new one instead of failing until the old one expires.
func TestPasswordAuth_refusedTokenIsRenewed(t *testing.T) {
	var issued atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/v3/auth/tokens", func(w http.ResponseWriter, r *http.Request) {
		n := issued.Add(1)
		w.Header().Set("X-Subject-Token", "token-"+string('0'+n))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"2999-01-01T00:00:00Z"}}`)
	})
	mux.HandleFunc("/v3/"+testProject+"/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") == "token-1" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"token revoked"}`)
			return
		}
		_, _ = io.WriteString(w, `{"proxy_list":[]}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := newTestClient(t, mux, func(cfg *Config) {
		cfg.Auth = &PasswordAuth{AuthURL: srv.URL + "/v3", UserName: "u", Password: "p", DomainName: "d", ProjectID: testProject}
	})
	if _, err := c.ListProxies(context.Background(), instID); !IsAuth(err) {
		t.Fatalf("first call: %v, want the auth error", err)
	}
	if _, err := c.ListProxies(context.Background(), instID); err != nil {
		t.Fatalf("second call should use a fresh token: %v", err)
	}
}
