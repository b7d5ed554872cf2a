// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

func metadataBody(ak, sk, sts string, exp time.Time) string {
	return fmt.Sprintf(`{"credential":{"access":%q,"secret":%q,"securitytoken":%q,"expires_at":%q}}`, ak, sk, sts, exp.UTC().Format(time.RFC3339))
}

func TestMetadataCredentials_tokenThenSecurityKey(t *testing.T) {
	exp := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	var order []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		order = append(order, r.Method+" "+r.URL.Path)
		mu.Unlock()
		for _, h := range []string{"Authorization", "X-Auth-Token", "X-Security-Token", "X-Project-Id"} {
			if r.Header.Get(h) != "" {
				t.Errorf("the metadata call carries %s", h)
			}
		}
		switch r.Method + " " + r.URL.Path {
		case "PUT /meta-data/latest/api/token":
			if r.Header.Get("X-Metadata-Token-Ttl-Seconds") != "21600" {
				t.Errorf("TTL header %q", r.Header.Get("X-Metadata-Token-Ttl-Seconds"))
			}
			_, _ = io.WriteString(w, "meta-token\n")
		case "GET /openstack/latest/securitykey":
			if r.Header.Get("X-Metadata-Token") != "meta-token" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			_, _ = io.WriteString(w, metadataBody("TMPAK", testSK, testSTS, exp))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	m := &MetadataCredentials{BaseURL: srv.URL + "/", Clock: newFakeClock()}
	c, err := m.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKey != "TMPAK" || c.SecretKey != testSK || c.SecurityToken != testSTS || !c.ExpiresAt.Equal(exp) {
		t.Fatalf("credentials %+v", c)
	}
	if strings.Join(order, ",") != "PUT /meta-data/latest/api/token,GET /openstack/latest/securitykey" {
		t.Errorf("calls %v", order)
	}
	if m.Describe() != "ECS metadata" {
		t.Errorf("Describe %q", m.Describe())
	}
}

// Older metadata services have no token API; the SDK then reads without a
// token, and accepts the alternative field names too.
func TestMetadataCredentials_withoutTokenAPIAndAlternativeNames(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable} {
		var tokenCalls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				tokenCalls.Add(1)
				w.WriteHeader(status)
				return
			}
			if r.Header.Get("X-Metadata-Token") != "" {
				t.Error("a token was sent although none was issued")
			}
			_, _ = io.WriteString(w, `{"credential":{"accessKeyId":"A","secretAccessKey":"S","securityToken":"T","expiration":"2031-01-01T00:00:00Z"}}`)
		}))
		clk := newFakeClock()
		c, err := (&MetadataCredentials{BaseURL: srv.URL, Clock: clk}).Fetch(context.Background())
		srv.Close()
		if err != nil || c.AccessKey != "A" || c.SecretKey != "S" || c.SecurityToken != "T" || c.ExpiresAt.IsZero() {
			t.Fatalf("token answer %d: %+v %v", status, c, err)
		}
		if tokenCalls.Load() != 1 || len(clk.Sleeps()) != 0 {
			t.Errorf("token answer %d: %d token calls, sleeps %v; want one, no retries", status, tokenCalls.Load(), clk.Sleeps())
		}
	}
}

func TestMetadataCredentials_errorsSayWhatToCheckAndHideSecrets(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"no agency": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				_, _ = io.WriteString(w, "tok")
				return
			}
			w.Header().Set("X-Request-Id", "rid-m")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error_code":"404","error_msg":"Please configure Cloud Service Agency first"}`)
		},
		"missing token": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				_, _ = io.WriteString(w, "tok")
				return
			}
			_, _ = io.WriteString(w, `{"credential":{"access":"A","secret":"`+testSK+`","expires_at":"2031-01-01T00:00:00Z"}}`)
		},
		"not json": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				_, _ = io.WriteString(w, "tok")
				return
			}
			_, _ = io.WriteString(w, `{"credential":{"access":"A","secret":"`+testSK+`"`)
		},
	}
	for name, h := range cases {
		srv := httptest.NewServer(h)
		_, err := (&MetadataCredentials{BaseURL: srv.URL, Clock: newFakeClock()}).Fetch(context.Background())
		srv.Close()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if strings.Contains(err.Error(), testSK) {
			t.Errorf("%s: secret in %q", name, err)
		}
		if !strings.Contains(err.Error(), "agency") || !strings.Contains(err.Error(), "ECS") {
			t.Errorf("%s: %q says nothing about the ECS agency", name, err)
		}
	}
}

func TestMetadataCredentials_retriesTransientFailures(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, metadataBody("A", "S", "T", time.Now().Add(time.Hour)))
	}))
	defer srv.Close()
	clk := newFakeClock()
	if _, err := (&MetadataCredentials{BaseURL: srv.URL, Clock: clk}).Fetch(context.Background()); err != nil || calls.Load() != 2 || len(clk.Sleeps()) != 1 {
		t.Fatalf("err %v after %d calls, sleeps %v", err, calls.Load(), clk.Sleeps())
	}
}

// fakeSource hands out numbered credentials, each living for life.
type fakeSource struct {
	clk     *fakeClock
	life    time.Duration
	fetches atomic.Int32
	// gate, when set, holds each fetch until it is closed; started then
	// hears of each fetch that began.
	gate    chan struct{}
	started chan struct{}
	err     error
}

func (s *fakeSource) Fetch(ctx context.Context) (TemporaryCredentials, error) {
	n := s.fetches.Add(1)
	if s.gate != nil {
		s.started <- struct{}{}
		select {
		case <-s.gate:
		case <-ctx.Done():
			return TemporaryCredentials{}, ctx.Err()
		}
	}
	if s.err != nil {
		return TemporaryCredentials{}, s.err
	}
	return TemporaryCredentials{
		AccessKey: fmt.Sprintf("AK%d", n), SecretKey: fmt.Sprintf("%s-%d", testSK, n), SecurityToken: fmt.Sprintf("%s-%d", testSTS, n),
		ExpiresAt: s.clk.Now().Add(s.life),
	}, nil
}

func (s *fakeSource) Describe() string { return "fake source" }

func TestTemporaryAKSK_fetchesOnceAndRenewsBeforeExpiry(t *testing.T) {
	clk := newFakeClock()
	src := &fakeSource{clk: clk, life: time.Hour}
	var seen []string
	a := &TemporaryAKSK{Source: src, Now: clk.Now, OnCredentials: func(c TemporaryCredentials) { seen = append(seen, c.AccessKey) }, ModeName: "ecs-metadata"}
	ctx := context.Background()
	get := func() string {
		t.Helper()
		c, err := a.Credentials(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c.AccessKey
	}
	first, second := get(), get()
	if first != "AK1" || second != "AK1" || src.fetches.Load() != 1 {
		t.Fatalf("%d fetches; want one, cached", src.fetches.Load())
	}
	_ = clk.Sleep(ctx, 54*time.Minute)
	if get() != "AK1" {
		t.Fatal("renewed more than 5 minutes before expiry")
	}
	_ = clk.Sleep(ctx, time.Minute+time.Second)
	if get() != "AK2" || src.fetches.Load() != 2 {
		t.Fatalf("not renewed within 5 minutes of expiry (%d fetches)", src.fetches.Load())
	}
	if strings.Join(seen, ",") != "AK1,AK2" {
		t.Errorf("OnCredentials saw %v", seen)
	}
	if a.Mode() != "ecs-metadata" || (&TemporaryAKSK{}).Mode() != "temporary_aksk" {
		t.Errorf("Mode %q", a.Mode())
	}
}

// Credentials living 4 minutes would be "due" at once with a 5-minute
// margin; half their lifetime is the margin instead.
func TestTemporaryAKSK_shortLivedCredentialsAreUsed(t *testing.T) {
	clk := newFakeClock()
	src := &fakeSource{clk: clk, life: 4 * time.Minute}
	a := &TemporaryAKSK{Source: src, Now: clk.Now}
	ctx := context.Background()
	_, _ = a.Credentials(ctx)
	_, _ = a.Credentials(ctx)
	_ = clk.Sleep(ctx, 119*time.Second)
	_, _ = a.Credentials(ctx)
	if src.fetches.Load() != 1 {
		t.Fatalf("%d fetches within the first half of the lifetime", src.fetches.Load())
	}
	_ = clk.Sleep(ctx, 2*time.Second)
	_, _ = a.Credentials(ctx)
	if src.fetches.Load() != 2 {
		t.Fatalf("%d fetches after half the lifetime", src.fetches.Load())
	}
}

func TestTemporaryAKSK_concurrentCallersShareOneFetch(t *testing.T) {
	clk := newFakeClock()
	src := &fakeSource{clk: clk, life: time.Hour, gate: make(chan struct{}), started: make(chan struct{}, 16)}
	a := &TemporaryAKSK{Source: src, Now: clk.Now}
	view := a.ForProject("other").(*TemporaryAKSK)
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			auth := a
			if i%2 == 1 {
				auth = view
			}
			c, err := auth.Credentials(context.Background())
			if err != nil {
				t.Error(err)
			}
			keys[i] = c.AccessKey
		}()
	}
	// Let the first fetch start, then release it.
	<-src.started
	close(src.gate)
	wg.Wait()
	if src.fetches.Load() != 1 {
		t.Fatalf("%d fetches for concurrent callers", src.fetches.Load())
	}
	for _, k := range keys {
		if k != "AK1" {
			t.Fatalf("keys %v", keys)
		}
	}
}

// A waiter is not failed by the first caller's cancellation: it fetches
// itself.
func TestTemporaryAKSK_waiterSurvivesFetcherCancellation(t *testing.T) {
	clk := newFakeClock()
	gate := make(chan struct{})
	src := &fakeSource{clk: clk, life: time.Hour, gate: gate, started: make(chan struct{}, 16)}
	a := &TemporaryAKSK{Source: src, Now: clk.Now}
	ctx1, cancel1 := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := a.Credentials(ctx1); first <- err }()
	<-src.started
	second := make(chan string, 1)
	go func() {
		c, err := a.Credentials(context.Background())
		if err != nil {
			t.Error(err)
		}
		second <- c.AccessKey
	}()
	cancel1()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v", err)
	}
	close(gate)
	if k := <-second; k == "" {
		t.Fatal("the waiter got no credentials")
	}
}

func TestTemporaryAKSK_fetchErrorsNameTheSource(t *testing.T) {
	src := &fakeSource{clk: newFakeClock(), err: errors.New("boom")}
	_, err := (&TemporaryAKSK{Source: src}).Credentials(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fake source") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

// The client signs with the temporary keys and the view's project; a 401
// drops the shared credentials, so the next call (through any view) gets
// new ones.
func TestTemporaryAKSK_viewSignsAndClient401InvalidatesSharedCache(t *testing.T) {
	clk := newFakeClock()
	src := &fakeSource{clk: clk, life: time.Hour}
	root := &TemporaryAKSK{Source: src, Now: clk.Now, ModeName: "assume_role"}
	var buf bytes.Buffer
	var calls atomic.Int32
	c, _ := newTestClientWithClock(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		access, names, sig, _ := signer.ParseAuthorization(r.Header.Get("Authorization"))
		n := access[len("AK"):]
		if sig != signer.Signature(r, body, names, testSK+"-"+n) || r.Header.Get("X-Security-Token") != testSTS+"-"+n || r.Header.Get("X-Project-Id") != testProject {
			t.Errorf("call %d: signature, token or project header wrong", calls.Load())
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}`)
			return
		}
		_, _ = io.WriteString(w, `{"proxy_list":[]}`)
	}), clk, func(cfg *Config) {
		cfg.Auth = root.ForProject(testProject)
		cfg.Logger = bufLogger{&buf}
	})
	if _, err := c.ListProxies(context.Background(), instID); !IsAuth(err) {
		t.Fatalf("first call: %v", err)
	}
	if _, err := c.ListProxies(context.Background(), instID); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if src.fetches.Load() != 2 {
		t.Fatalf("%d fetches; the 401 should have dropped the shared credentials", src.fetches.Load())
	}
	got, _ := root.Credentials(context.Background())
	if got.AccessKey != "AK2" {
		t.Errorf("the root sees %s, want the view's renewed AK2", got.AccessKey)
	}
	for _, s := range []string{testSK, testSTS, "Signature="} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("%q in the log", s)
		}
	}
	if !strings.Contains(buf.String(), `"auth":"assume_role"`) {
		t.Errorf("log has no auth mode: %s", buf.String())
	}
}

func TestAssumeRoleCredentials_fetchesThroughIAM(t *testing.T) {
	iam, _ := newTestIAM(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, metadataBody("TMPAK", testSK, testSTS, time.Now().Add(time.Hour)))
	}), AKSKAuth{AccessKey: testAK, SecretKey: testSK})
	src := &AssumeRoleCredentials{IAM: iam, Role: AssumeRole{AgencyName: "ops", DomainID: "dom"}}
	c, err := src.Fetch(context.Background())
	if err != nil || c.AccessKey != "TMPAK" {
		t.Fatalf("%v %v", c, err)
	}
	if d := src.Describe(); !strings.Contains(d, "ops") || !strings.Contains(d, "dom") {
		t.Errorf("Describe %q", d)
	}
}

// Off ECS the metadata address leads nowhere: that is said at once, not
// after retries.
func TestMetadataCredentials_unreachableIsNotRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	clk := newFakeClock()
	_, err := (&MetadataCredentials{BaseURL: url, Clock: clk}).Fetch(context.Background())
	if err == nil || len(clk.Sleeps()) != 0 || !strings.Contains(err.Error(), "ECS") {
		t.Fatalf("err %v, sleeps %v", err, clk.Sleeps())
	}
}
