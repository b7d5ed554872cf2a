// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

const (
	testAK  = "AKIAMTESTACCESSKEY01"
	testSK  = "sk-very-secret-0123456789"
	testSTS = "sts-token-very-secret-abcdef"
)

// newTestIAM serves h on loopback and returns an IAM for it whose retries
// take no time.
func newTestIAM(t *testing.T, h http.Handler, auth Authenticator) (*IAM, *fakeClock) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	return &IAM{URL: srv.URL + "/v3", Auth: auth, HTTPClient: srv.Client(), UserAgent: "tf-test", Clock: clk}, clk
}

// verifyAKSK checks the signature of r as IAM would, with testSK.
func verifyAKSK(t *testing.T, r *http.Request, body []byte) {
	t.Helper()
	access, names, sig, ok := signer.ParseAuthorization(r.Header.Get("Authorization"))
	if !ok || access != testAK || sig != signer.Signature(r, body, names, testSK) {
		t.Errorf("%s %s: the signature does not verify", r.Method, r.URL.Path)
	}
}

func TestIAM_projectIDSignsWithoutProject(t *testing.T) {
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v3/projects" || r.URL.Query().Get("name") != "cn-north-4" {
			t.Errorf("got %s %s", r.Method, r.URL)
		}
		if r.Header.Get("X-Project-Id") != "" {
			t.Error("an IAM call carries X-Project-Id")
		}
		if r.Header.Get("User-Agent") != "tf-test" {
			t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
		}
		verifyAKSK(t, r, nil)
		// A sub-project shares the prefix: only the exact name counts.
		_, _ = io.WriteString(w, `{"projects":[{"id":"sub","name":"cn-north-4_dev","enabled":true},{"id":"0123456789abcdef0123456789abcdef","name":"cn-north-4","domain_id":"d","enabled":true}],"links":{"self":"x"}}`)
	}), AKSKAuth{AccessKey: testAK, SecretKey: testSK, ProjectID: "configured-project"})
	id, err := iam.ProjectID(context.Background(), "cn-north-4")
	if err != nil || id != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("ProjectID = %q, %v", id, err)
	}
}

func TestIAM_projectIDNotFound(t *testing.T) {
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-42")
		_, _ = io.WriteString(w, `{"projects":[]}`)
	}), TokenAuth{Token: "tok"})
	_, err := iam.ProjectID(context.Background(), "eu-west-0")
	var nf *ProjectNotFoundError
	if !errors.As(err, &nf) || nf.Name != "eu-west-0" || nf.RequestID != "rid-42" || nf.URL != iam.URL {
		t.Fatalf("err = %#v, want a ProjectNotFoundError with name, URL and request ID", err)
	}
	for _, want := range []string{"eu-west-0", "project_id", "region", "rid-42", iam.URL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %q", err, want)
		}
	}
}

func TestIAM_projectIDAmbiguous(t *testing.T) {
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"projects":[{"id":"a","name":"r"},{"id":"b","name":"r"}]}`)
	}), TokenAuth{Token: "tok"})
	_, err := iam.ProjectID(context.Background(), "r")
	if err == nil || !strings.Contains(err.Error(), "a, b") || !strings.Contains(err.Error(), "project_id") {
		t.Fatalf("err = %v, want both IDs and the advice", err)
	}
}

func TestIAM_errorsCarryCodeAndRequestIDAndAreRetriedOnlyWhenTransient(t *testing.T) {
	var calls atomic.Int32
	iam, clk := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+string('0'+calls.Add(1)))
		switch calls.Load() {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, `<html>bad gateway</html>`)
		default:
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"error":{"code":"IAM.0002","message":"You do not have permission"}}`)
		}
	}), AKSKAuth{AccessKey: testAK, SecretKey: testSK})
	_, err := iam.ProjectID(context.Background(), "cn-north-4")
	if calls.Load() != 2 {
		t.Fatalf("%d calls; want the 502 retried once and the 403 not at all", calls.Load())
	}
	if len(clk.Sleeps()) != 1 || clk.Sleeps()[0] != iamBackoff {
		t.Errorf("sleeps %v", clk.Sleeps())
	}
	e, ok := asAPIError(err)
	if !ok || e.Status != http.StatusForbidden || e.Code != "IAM.0002" || e.RequestID != "rid-2" || !IsAuth(err) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"IAM.0002", "rid-2", "permission", "project_id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), testSK) {
		t.Error("the secret key leaked into the error")
	}
}

func TestIAM_giveUpAfterRetriesAndStopOnCancel(t *testing.T) {
	var calls atomic.Int32
	iam, clk := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}), TokenAuth{Token: "tok"})
	_, err := iam.ProjectID(context.Background(), "r")
	if calls.Load() != iamTries || len(clk.Sleeps()) != iamTries-1 {
		t.Fatalf("%d calls, sleeps %v", calls.Load(), clk.Sleeps())
	}
	if e, ok := asAPIError(err); !ok || e.Status != http.StatusServiceUnavailable || e.Service != "IAM" {
		t.Fatalf("err = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls.Store(0)
	if _, err := iam.ProjectID(ctx, "r"); !errors.Is(err, context.Canceled) || calls.Load() != 0 {
		t.Fatalf("cancelled: err %v after %d calls", err, calls.Load())
	}
}

func TestIAM_neverFollowsRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v3/projects", http.StatusTemporaryRedirect)
	}), TokenAuth{Token: "tok"})
	_, err := iam.ProjectID(context.Background(), "r")
	var re *RedirectError
	if !errors.As(err, &re) || elsewhere.Load() != 0 {
		t.Fatalf("err = %v, redirect target called %d times", err, elsewhere.Load())
	}
}

func TestIAM_refusedTokenIsInvalidated(t *testing.T) {
	var issued atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/v3/auth/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req iamTokenRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		if req.Auth.Scope.Project != nil || req.Auth.Scope.Domain == nil || req.Auth.Scope.Domain.Name != "acme" {
			t.Errorf("IAM's own calls need a domain-scoped token; scope %+v", req.Auth.Scope)
		}
		w.Header().Set("X-Subject-Token", "token-"+string('0'+issued.Add(1)))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"2999-01-01T00:00:00Z"}}`)
	})
	mux.HandleFunc("/v3/projects", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") == "token-1" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":"IAM.0001","message":"token revoked"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"projects":[{"id":"p","name":"r"}]}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	pw := &PasswordAuth{AuthURL: srv.URL + "/v3", UserName: "u", Password: "pw-secret", DomainName: "acme", ProjectID: testProject}
	iam := &IAM{URL: srv.URL + "/v3", Auth: pw, Clock: newFakeClock()}
	if _, err := iam.ProjectID(context.Background(), "r"); !IsAuth(err) {
		t.Fatalf("first: %v, want the 401", err)
	}
	if id, err := iam.ProjectID(context.Background(), "r"); err != nil || id != "p" {
		t.Fatalf("second: %q %v; want a fresh token", id, err)
	}
}

func TestIAM_assumeRole(t *testing.T) {
	exp := "2031-01-08T02:56:19.587000Z"
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3.0/OS-CREDENTIAL/securitytokens" {
			t.Errorf("got %s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("X-Project-Id") != "" {
			t.Error("an IAM call carries X-Project-Id")
		}
		body, _ := io.ReadAll(r.Body)
		verifyAKSK(t, r, body)
		var req assumeRoleRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatal(err)
		}
		id := req.Auth.Identity
		if len(id.Methods) != 1 || id.Methods[0] != "assume_role" || id.AssumeRole.AgencyName != "ops" || id.AssumeRole.DomainName != "acme" ||
			id.AssumeRole.DomainID != "" || id.AssumeRole.DurationSeconds != 3600 {
			t.Errorf("body %s", body)
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"credential":{"access":"TMPAK","secret":"`+testSK+`","securitytoken":"`+testSTS+`","expires_at":"`+exp+`"}}`)
	}), AKSKAuth{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject})
	iam.URL += "/" // a trailing slash changes nothing
	c, err := iam.AssumeRole(context.Background(), AssumeRole{AgencyName: "ops", DomainName: "acme", Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := time.Parse(time.RFC3339, exp)
	if c.AccessKey != "TMPAK" || c.SecretKey != testSK || c.SecurityToken != testSTS || !c.ExpiresAt.Equal(want) {
		t.Fatalf("credentials %+v", c)
	}
	for _, s := range []string{fmtV(c), fmtSharpV(c)} {
		if strings.Contains(s, testSK) || strings.Contains(s, testSTS) {
			t.Errorf("formatting credentials shows secrets: %s", s)
		}
	}
}

func TestIAM_assumeRoleValidatesBeforeSending(t *testing.T) {
	var calls atomic.Int32
	iam, _ := newTestIAM(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }), TokenAuth{Token: "t"})
	for _, r := range []AssumeRole{
		{DomainName: "d"},
		{AgencyName: "a"},
		{AgencyName: "a", DomainID: "d", Duration: 14 * time.Minute},
		{AgencyName: "a", DomainID: "d", Duration: 25 * time.Hour},
	} {
		if _, err := iam.AssumeRole(context.Background(), r); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d calls sent", calls.Load())
	}
}

// An answer that lacks a field must say which, and never echo the body:
// it holds the other secrets.
func TestIAM_assumeRoleIncompleteAnswerHidesSecrets(t *testing.T) {
	for _, body := range []string{
		`{"credential":{"access":"TMPAK","secret":"` + testSK + `","expires_at":"2031-01-01T00:00:00Z"}}`,
		`{"credential":{"access":"TMPAK","secret":"` + testSK + `","securitytoken":"` + testSTS + `","expires_at":"soon"}}`,
		`{"credential":{"access":"TMPAK","secret":"` + testSK + `","securitytoken":"` + testSTS + `"`,
		`{"credential":{"access":"TMPAK","secret":"` + testSK + `","securitytoken":42}}`,
	} {
		iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, body)
		}), TokenAuth{Token: "t"})
		_, err := iam.AssumeRole(context.Background(), AssumeRole{AgencyName: "a", DomainID: "d"})
		if err == nil {
			t.Fatalf("%s accepted", body)
		}
		if strings.Contains(err.Error(), testSK) || strings.Contains(err.Error(), testSTS) {
			t.Errorf("secret in %q", err)
		}
	}
}

func fmtV(v any) string      { return fmt.Sprintf("%v %s %+v", v, v, v) }
func fmtSharpV(v any) string { return fmt.Sprintf("%#v", v) }

// projectAuth is an Authenticator that is no ProjectScoper and names a
// project anyway.
type projectAuth struct{}

func (projectAuth) Authenticate(_ context.Context, req *http.Request, _ []byte) error {
	req.Header.Set("X-Project-Id", "p")
	return nil
}
func (projectAuth) Mode() string { return "test" }

func TestIAM_refusesToSendAProject(t *testing.T) {
	var calls atomic.Int32
	iam, _ := newTestIAM(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }), projectAuth{})
	if _, err := iam.ProjectID(context.Background(), "r"); err == nil || !strings.Contains(err.Error(), "X-Project-Id") || calls.Load() != 0 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}
