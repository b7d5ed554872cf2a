// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// busyServer answers 409 DBS.200019 with a numbered X-Request-Id; from call
// hangAt on it holds the request until the client gives up.
func busyServer(hangAt int32) (http.Handler, *atomic.Int32) {
	var calls atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		// The server notices a client hanging up only once it has read
		// the body.
		_, _ = io.Copy(io.Discard, r.Body)
		if hangAt > 0 && n >= hangAt {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(int(n)))
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error_code":"DBS.200019","error_msg":"instance busy"}`))
	}), &calls
}

// A timeout that ends a retry loop in the middle of a request must not
// swallow why the loop was retrying: the user needs the error_code and the
// X-Request-Id of the last answer, not a bare "context deadline exceeded".
func TestClient_timeoutDuringRetryKeepsLastAnswer(t *testing.T) {
	h, calls := busyServer(3)
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.BusyRetryInterval = time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.DeleteProxies(ctx, instID, []string{proxyID})
	if err == nil {
		t.Fatal("no error")
	}
	if calls.Load() != 3 {
		t.Fatalf("%d calls, want 3 (the third one hangs)", calls.Load())
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false: %v", err)
	}
	for _, want := range []string{"DBS.200019", "req-2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The in-flight request may have been carried out: the error must
	// still say so, not pass for the earlier 409.
	if IsBusy(err) || !MayHaveSucceeded(err) {
		t.Errorf("IsBusy = %v, MayHaveSucceeded = %v: the error must be judged by the request the timeout cut off", IsBusy(err), MayHaveSucceeded(err))
	}
}

// cancelClock cancels the operation while the client waits to retry, like
// Ctrl-C during a back-off.
type cancelClock struct {
	RealClock
	cancel context.CancelFunc
}

func (c cancelClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.cancel()
	return ctx.Err()
}

func TestClient_cancelDuringBackoffKeepsLastAnswer(t *testing.T) {
	h, _ := busyServer(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.Clock = cancelClock{cancel: cancel} })
	_, err := c.DeleteProxies(ctx, instID, []string{proxyID})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("errors.Is(err, context.Canceled) = false: %v", err)
	}
	if !strings.Contains(err.Error(), "DBS.200019") || !strings.Contains(err.Error(), "req-1") {
		t.Errorf("error %q lost the last answer", err)
	}
}
