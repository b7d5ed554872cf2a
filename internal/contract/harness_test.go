// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package contract_test holds the emulator to the official Huawei Cloud Go
// SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3): the SDK's own client
// calls the emulator, and every answer is checked against the SDK's response
// model. The emulator is an independent reading of the API, and the SDK is
// generated from Huawei's API definitions, so agreement between the two is
// the best evidence available without a cloud account that the emulator,
// and the provider tested against it, speak the real API.
//
// The SDK is a test-only dependency: only _test.go files import it, and
// scripts/test.sh checks that the provider binary does not link it.
package contract_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	gaussdb "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/gaussdb/v3"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

const (
	testAK = "QTWAOYTTINDUT2QVKYUC"
	testSK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc" // made up, for the loopback emulator
	// jobDuration is how long emulated jobs run on the fake clock; the job
	// poll advances the clock by jobStep per query.
	jobDuration = 2 * time.Second
	jobStep     = 500 * time.Millisecond
)

// fakeClock is the emulator's clock. It starts at the real time because the
// SDK signs with the real time and the emulator refuses signatures more than
// 15 minutes away from its clock; the tests advance it by seconds only.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
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

// exchange is one request and the raw answer it got.
type exchange struct {
	method, path, rawQuery string
	header                 http.Header // request headers
	status                 int
	body                   []byte
}

// recorder sits in front of the emulator and keeps every answer's bytes, so
// the tests can check the JSON the SDK decoded, not just the decoded struct.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	tw := &teeWriter{ResponseWriter: w, rec: r, ex: exchange{
		method: req.Method, path: req.URL.Path, rawQuery: req.URL.RawQuery, header: req.Header.Clone(),
	}}
	r.next.ServeHTTP(tw, req)
	if !tw.logged { // no body written
		tw.record(nil)
	}
}

// last returns the latest exchange; the tests call the SDK one call at a
// time, so it is the answer to the call just made.
func (r *recorder) last(t *testing.T, method, pathSuffix string) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.log) == 0 {
		t.Fatal("no request reached the emulator")
	}
	ex := r.log[len(r.log)-1]
	if ex.method != method || !strings.HasSuffix(ex.path, pathSuffix) {
		t.Fatalf("last request was %s %s, want %s …%s", ex.method, ex.path, method, pathSuffix)
	}
	return ex
}

type teeWriter struct {
	http.ResponseWriter
	rec    *recorder
	ex     exchange
	logged bool
}

func (w *teeWriter) WriteHeader(status int) {
	w.ex.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Write records before forwarding: once the bytes are on the wire the SDK
// call may return, and the test must then find them in the log. The
// emulator writes each body in one call.
func (w *teeWriter) Write(b []byte) (int, error) {
	w.record(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) record(b []byte) {
	w.rec.mu.Lock()
	defer w.rec.mu.Unlock()
	if w.ex.status == 0 {
		w.ex.status = http.StatusOK
	}
	if w.logged {
		last := &w.rec.log[len(w.rec.log)-1]
		last.body = append(last.body, b...)
		return
	}
	w.ex.body = bytes.Clone(b)
	w.rec.log = append(w.rec.log, w.ex)
	w.logged = true
}

// env is one emulator on loopback and an SDK client for it.
type env struct {
	emu      *emulator.Emulator
	clk      *fakeClock
	rec      *recorder
	url      string
	instance string
	sdk      *gaussdb.GaussDBClient
}

// newEnv serves an emulator accepting testAK/testSK (and securityToken, if
// not empty) and builds the SDK's GaussDB client with the same credentials.
func newEnv(t *testing.T, securityToken string, adjust func(*emulator.Config)) *env {
	t.Helper()
	clk := &fakeClock{t: time.Now()}
	cfg := emulator.Config{
		AccessKey: testAK, SecretKey: testSK, SecurityToken: securityToken,
		JobDuration: jobDuration, Now: clk.Now,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	emu := emulator.New(cfg)
	rec := &recorder{next: emu}
	srv := httptest.NewServer(rec) // listens on 127.0.0.1 only
	t.Cleanup(func() {
		emu.Close()
		srv.Close()
	})
	return &env{
		emu: emu, clk: clk, rec: rec, url: srv.URL, instance: emu.InstanceIDs()[0],
		sdk: newSDKClient(t, srv.URL, emu.ProjectID(), securityToken),
	}
}

// newSDKClient builds the SDK's client the way its documentation shows:
// basic (AK/SK) credentials with a project ID, an explicit endpoint.
func newSDKClient(t *testing.T, endpoint, projectID, securityToken string) *gaussdb.GaussDBClient {
	t.Helper()
	creds := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithProjectId(projectID)
	if securityToken != "" {
		creds = creds.WithSecurityToken(securityToken)
	}
	cred, err := creds.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := gaussdb.GaussDBClientBuilder().
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(10 * time.Second)).
		SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return gaussdb.NewGaussDBClient(hc)
}
