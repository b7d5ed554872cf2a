// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"fmt"
)

// transitional proxy statuses: the proxy is changing and will settle.
var transitional = map[string]bool{
	ProxyEnabling: true, "ADDING PROXY NODE": true, "DELETING READ REPLICAS FROM PROXY": true,
	"ADDING READ REPLICAS TO PROXY": true,
	// The SDK's model spells it CHANGING WEIGHTS; older reference pages
	// CHANGING WEIGHT. Both mean a weight change is under way.
	"CHANGING WEIGHTS": true, "CHANGING WEIGHT": true,
}

// WaitProxyStable polls the proxy list until the proxy leaves every
// transitional status, and returns its entry. It is how a create whose job ID
// was lost (the answer never arrived) still waits for the proxy.
func (c *Client) WaitProxyStable(ctx context.Context, instanceID, proxyID string) (*ProxyEntry, error) {
	var last *ProxyEntry
	err := c.pollProxy(ctx, instanceID, proxyID, "leave its transitional status", func(e *ProxyEntry, err error) (bool, error) {
		switch {
		case err != nil:
			return true, err
		case e.Proxy.Status == ProxyFailed:
			last = e
			return true, fmt.Errorf("proxy %s on instance %s is in status FAILED", proxyID, instanceID)
		}
		last = e
		return !transitional[e.Proxy.Status], nil
	})
	return last, err
}

// pollProxy looks the proxy up on the job schedule until done says stop.
func (c *Client) pollProxy(ctx context.Context, instanceID, proxyID, goal string, done func(*ProxyEntry, error) (bool, error)) error {
	sched := c.cfg.JobSchedule()
	start := c.clock.Now()
	for {
		e, err := c.FindProxy(ctx, instanceID, proxyID)
		if stop, derr := done(e, err); stop {
			return derr
		}
		if err := c.clock.Sleep(ctx, sched.Next(c.clock.Now().Sub(start), nil)); err != nil {
			return fmt.Errorf("waiting for proxy %s to %s (status %q): %w", proxyID, goal, e.Proxy.Status, err)
		}
	}
}
