// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Coalesced reads. A plan refreshes every proxy in state, each with a
// proxy-list call of its instance; in a large state that is what runs into
// the per-user throttling limit. Concurrent reads of one instance share one
// list request, and its result serves further reads for a short time, unless
// this process changed the instance since: every mutating call bumps the
// instance's generation, and a result of an older generation is never
// served. Only refreshes use this; every wait and every read inside an
// operation lists afresh.

// DefaultListCacheTTL is how long one proxy list serves refreshes.
const DefaultListCacheTTL = 5 * time.Second

type listFlight struct {
	gen  uint64
	done chan struct{}
	at   time.Time
	list []ProxyEntry
	err  error
}

type listCoalescer struct {
	mu      sync.Mutex
	flights map[string]*listFlight // instance ID -> newest list
	gens    map[string]uint64
}

// changed records that this process is changing an instance: results read
// before it no longer serve.
func (c *Client) changed(path string) {
	rest, ok := strings.CutPrefix(path, "/instances/")
	if !ok {
		return
	}
	inst, _, _ := strings.Cut(rest, "/")
	c.changedInstance(inst)
}

// changedInstance bumps the instance's generation. Besides every mutating
// call, the end of every operation holding the instance lock does it: a
// change takes effect when its job ends, after the call, and a list read
// while the job ran must not serve afterwards.
func (c *Client) changedInstance(inst string) {
	l := &c.lists
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gens == nil {
		l.gens = map[string]uint64{}
	}
	l.gens[inst]++
}

// sharedList returns the instance's proxy list, sharing an in-flight
// request or a recent result of the current generation.
func (c *Client) sharedList(ctx context.Context, instanceID string) ([]ProxyEntry, error) {
	if c.cfg.ListCacheTTL < 0 {
		return c.ListProxies(ctx, instanceID)
	}
	l := &c.lists
	l.mu.Lock()
	if l.flights == nil {
		l.flights = map[string]*listFlight{}
	}
	gen := l.gens[instanceID]
	f := l.flights[instanceID]
	if f != nil && f.gen == gen {
		select {
		case <-f.done:
			if f.err == nil && c.clock.Now().Sub(f.at) < c.cfg.ListCacheTTL {
				l.mu.Unlock()
				return f.list, nil
			}
			f = nil // stale or failed: fetch again
		default: // in flight: share it
		}
	} else {
		f = nil
	}
	if f == nil {
		f = &listFlight{gen: gen, done: make(chan struct{})}
		l.flights[instanceID] = f
		l.mu.Unlock()
		f.list, f.err = c.ListProxies(ctx, instanceID)
		f.at = c.clock.Now()
		close(f.done)
		return f.list, f.err
	}
	l.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
			// The leader's context ended, not ours: list for ourselves.
			return c.ListProxies(ctx, instanceID)
		}
		return f.list, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the proxy list of instance %s: %w", instanceID, ctx.Err())
	}
}

// ReadProxy is FindProxy for refreshes: it shares the instance's proxy list
// with concurrent and recent reads (see above). Never use it to decide what
// to change: operations read with FindProxy.
func (c *Client) ReadProxy(ctx context.Context, instanceID, proxyID string) (*ProxyEntry, error) {
	list, err := c.sharedList(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	return findIn(list, instanceID, proxyID)
}
