// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The codes the provider users migrate from retries in 409 answers after
// real-cloud runs (issue 20). Each must be waited out like DBS.200019.
var busyIn409ForTest = []string{"DBS.201015", "DBS.05000084", "DBS.212033"}

// busyThen answers status with code for the first n calls, then a job.
func busyThen(n int32, status int, code string) (http.Handler, *atomic.Int32) {
	var calls atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error_code":%q,"error_msg":"the instance is being changed"}`, code)
			return
		}
		_, _ = io.WriteString(w, `{"job_id":"04efe8e2-9255-44ae-a98b-d87cae411890"}`)
	}), &calls
}

func TestClient_busyCodesIn409AreWaitedOut(t *testing.T) {
	for _, code := range busyIn409ForTest {
		t.Run(code, func(t *testing.T) {
			h, calls := busyThen(2, http.StatusConflict, code)
			c, clk := newTestClient(t, h, func(c *Config) { c.MaxRetries = 0; c.BusyRetryInterval = 3 * time.Second })
			job, err := c.DeleteProxies(context.Background(), instID, []string{proxyID})
			if err != nil || job == "" {
				t.Fatalf("job %q, err %v; want the busy answers waited out and the job", job, err)
			}
			if calls.Load() != 3 {
				t.Errorf("calls = %d, want 2 busy answers and 1 success", calls.Load())
			}
			if got := clk.Sleeps(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
				t.Errorf("sleeps = %v, want the busy interval twice", got)
			}
			busy := &APIError{Status: http.StatusConflict, Code: code}
			if !IsBusy(busy) || Classify(fmt.Errorf("not retrying: %w", busy)) != KindBusy {
				t.Errorf("IsBusy = %v, Classify = %v; want busy", IsBusy(busy), Classify(busy))
			}
		})
	}
}

// With any other status the same codes are refusals, reported at once:
// the provider users migrate from retries them only in 409 answers, and
// waiting out what may be a plain refusal would hide it for the whole
// timeout (see busyIn409Codes).
func TestClient_busyCodesOutside409AreNotBusy(t *testing.T) {
	for _, code := range busyIn409ForTest {
		for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusInternalServerError} {
			t.Run(fmt.Sprintf("%s/%d", code, status), func(t *testing.T) {
				h, calls := busyThen(1, status, code)
				c, clk := newTestClient(t, h, func(c *Config) { c.MaxRetries = 0; c.BusyRetryInterval = 3 * time.Second })
				_, err := c.DeleteProxies(context.Background(), instID, []string{proxyID})
				if err == nil || !strings.Contains(err.Error(), code) {
					t.Fatalf("err = %v, want the %d %s answer", err, status, code)
				}
				if IsBusy(err) || Classify(err) == KindBusy {
					t.Errorf("IsBusy = %v, Classify = %v; want not busy", IsBusy(err), Classify(err))
				}
				if calls.Load() != 1 || len(clk.Sleeps()) != 0 {
					t.Errorf("calls = %d, sleeps = %v; want one call, no wait", calls.Load(), clk.Sleeps())
				}
				if status < 500 && Classify(err) != KindRefused {
					t.Errorf("Classify = %v, want KindRefused", Classify(err))
				}
			})
		}
	}
}

// The emulator's busy fault answers the new codes as the real cloud does
// (409); the client waits them out and the delete goes through.
func TestClient_busyCodeFromEmulatorIsWaitedOut(t *testing.T) {
	const token = "busy-test-token-0123456789"
	emu, err := emulator.Start(emulator.Config{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	inst := emu.InstanceIDs()[0]
	proxy := emu.SeedProxy(inst, emulator.ProxyView{Name: "busy-proxy"})
	emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Times: 2, Kind: emulator.FaultBusy, Code: "DBS.212033"})

	clk := newFakeClock()
	c, err := New(Config{Endpoint: emu.URL(), ProjectID: emu.ProjectID(), Auth: TokenAuth{Token: token}, Clock: clk,
		MaxRetries: 0, BusyRetryInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	job, err := c.DeleteProxies(ctx, inst, []string{proxy})
	if err != nil || job == "" {
		t.Fatalf("job %q, err %v; want the delete accepted after two busy answers", job, err)
	}
	var deletes, busy int
	for _, r := range emu.Requests() {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/proxy") {
			deletes++
			if r.Status == http.StatusConflict {
				busy++
			}
		}
	}
	if deletes != 3 || busy != 2 || len(clk.Sleeps()) != 2 {
		t.Errorf("DELETE calls %d (409: %d), sleeps %v; want 3 calls, 2 answered 409, 2 waits", deletes, busy, clk.Sleeps())
	}
	if p, ok := emu.Proxy(inst, proxy); !ok || p.Status != emulator.StatusDisabling {
		t.Errorf("proxy after the delete call: %+v (listed %v), want it being disabled", p, ok)
	}
}
