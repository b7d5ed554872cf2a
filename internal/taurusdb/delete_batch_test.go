// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// gateClock is a fake clock whose batch-window sleep waits for the test to
// open the gate, so a test decides exactly which Deletes share a batch.
type gateClock struct {
	*fakeClock
	window time.Duration
	gate   chan struct{}
}

func (g *gateClock) Sleep(ctx context.Context, d time.Duration) error {
	if d == g.window {
		select {
		case <-g.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.fakeClock.Sleep(ctx, d)
}

const batchWindow = 300 * time.Millisecond

// batchEnv is an emulator whose time is the client's fake clock, with n
// proxies seeded on one instance.
func batchEnv(t *testing.T, cfg emulator.Config, n int) (*Client, *emulator.Emulator, *gateClock, string, []string) {
	t.Helper()
	clk := &gateClock{fakeClock: newFakeClock(), window: batchWindow, gate: make(chan struct{})}
	cfg.Token, cfg.Now, cfg.JobDuration = "tok", clk.Now, 3*time.Second
	emu, err := emulator.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	inst := emu.InstanceIDs()[0]
	var ids []string
	for range n {
		ids = append(ids, emu.SeedProxy(inst, emulator.ProxyView{FlavorRef: "gaussdb.proxy.large.x86.2", NodeNum: 2}))
	}
	c, err := New(Config{
		Endpoint: emu.URL(), ProjectID: emu.ProjectID(), Auth: TokenAuth{Token: "tok"}, Clock: clk, MaxRetries: 2,
		DeleteBatchWindow: batchWindow, BusyRetryInterval: time.Second,
		JobSchedule: func() Schedule { return FixedSchedule(500 * time.Millisecond) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, emu, clk, inst, ids
}

// deleteAll runs one DeleteAndWait per ID concurrently, opens the batch
// window once every one has joined, and returns their errors.
func deleteAll(t *testing.T, c *Client, clk *gateClock, inst string, ids []string) []error {
	t.Helper()
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { _, errs[i] = c.DeleteAndWait(t.Context(), inst, id) })
	}
	// Bounded: the goroutines above join within microseconds.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		c.batches.mu.Lock()
		joined := 0
		if b := c.batches.open[inst]; b != nil {
			joined = len(b.ids)
		}
		single := c.batches.noMulti[inst]
		c.batches.mu.Unlock()
		if joined == len(ids) || single {
			break
		}
		runtime.Gosched()
	}
	close(clk.gate)
	wg.Wait()
	return errs
}

func deleteBodies(t *testing.T, emu *emulator.Emulator) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range emu.Requests() {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/proxy") {
			var body DeleteProxyRequest
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatal(err)
			}
			out = append(out, body.ProxyIDs)
		}
	}
	return out
}

// Four Deletes on one instance go out as one call naming all four, with one
// job, and each returns once its own proxy is gone.
func TestDeleteAndWait_batchesTheProxiesOfOneInstance(t *testing.T) {
	c, emu, clk, inst, ids := batchEnv(t, emulator.Config{}, 4)
	for i, err := range deleteAll(t, c, clk, inst, ids) {
		if err != nil {
			t.Errorf("delete of %s: %v", ids[i], err)
		}
	}
	bodies := deleteBodies(t, emu)
	if len(bodies) != 1 || len(bodies[0]) != 4 {
		t.Fatalf("DELETE bodies %v; want one naming all 4 proxies", bodies)
	}
	if left := emu.AllProxies(); len(left) != 0 {
		t.Fatalf("left: %+v", left)
	}
}

// A failed batch job fails every member with the job's fail_reason, and
// every proxy stays.
func TestDeleteAndWait_failedBatchJobFailsEveryMember(t *testing.T) {
	c, emu, clk, inst, ids := batchEnv(t, emulator.Config{}, 3)
	emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Kind: emulator.FaultJobFails, Times: 1, FailReason: "disk full"})
	for i, err := range deleteAll(t, c, clk, inst, ids) {
		var failed *JobFailedError
		if !errors.As(err, &failed) || failed.Job.FailReason != "disk full" {
			t.Errorf("delete of %s: %v; want the job's failure", ids[i], err)
		}
	}
	if left := emu.AllProxies(); len(left) != 3 {
		t.Fatalf("%d proxies left; a failed job deletes none", len(left))
	}
}

// An API that refuses several IDs in one call gets one call per proxy, and
// the next Deletes on that instance do not try a batch again.
func TestDeleteAndWait_fallsBackToOneCallPerProxy(t *testing.T) {
	c, emu, clk, inst, ids := batchEnv(t, emulator.Config{RefuseMultiProxyDelete: true}, 4)
	for i, err := range deleteAll(t, c, clk, inst, ids[:2]) {
		if err != nil {
			t.Errorf("delete of %s: %v", ids[i], err)
		}
	}
	clk.gate = make(chan struct{})
	for i, err := range deleteAll(t, c, clk, inst, ids[2:]) {
		if err != nil {
			t.Errorf("delete of %s: %v", ids[2+i], err)
		}
	}
	bodies := deleteBodies(t, emu)
	if len(bodies) != 5 || len(bodies[0]) != 2 {
		t.Fatalf("DELETE bodies %v; want the refused pair, then 4 single calls", bodies)
	}
	for _, b := range bodies[1:] {
		if len(b) != 1 {
			t.Fatalf("DELETE bodies %v; after the refusal every call names one proxy", bodies)
		}
	}
	if left := emu.AllProxies(); len(left) != 0 {
		t.Fatalf("left: %+v", left)
	}
}

// A proxy already gone makes the API refuse the whole call; the others are
// still deleted and the gone one counts as deleted.
func TestDeleteAndWait_goneMemberDoesNotBlockTheOthers(t *testing.T) {
	c, emu, clk, inst, ids := batchEnv(t, emulator.Config{}, 2)
	gone := "0123456789abcdef0123456789abcdefpo01"
	for i, err := range deleteAll(t, c, clk, inst, append(ids, gone)) {
		if err != nil {
			t.Errorf("delete %d: %v", i, err)
		}
	}
	if left := emu.AllProxies(); len(left) != 0 {
		t.Fatalf("left: %+v", left)
	}
	c.batches.mu.Lock()
	defer c.batches.mu.Unlock()
	if c.batches.noMulti[inst] {
		t.Fatal("a gone proxy is no reason to stop batching on the instance")
	}
}
