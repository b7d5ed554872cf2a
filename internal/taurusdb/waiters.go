package taurusdb

import (
	"context"
	"fmt"
)

// transitional proxy statuses: the proxy is changing and will settle.
var transitional = map[string]bool{
	ProxyEnabling: true, "ADDING PROXY NODE": true, "DELETING READ REPLICAS FROM PROXY": true,
	"ADDING READ REPLICAS TO PROXY": true, "CHANGING WEIGHT": true,
}

// WaitProxyStable polls the proxy list until the proxy leaves every
// transitional status, and returns its entry. It is how a create whose job ID
// was lost (the answer never arrived) still waits for the proxy.
func (c *Client) WaitProxyStable(ctx context.Context, instanceID, proxyID string) (*ProxyEntry, error) {
	sched := c.cfg.JobSchedule()
	start := c.clock.Now()
	for {
		e, err := c.FindProxy(ctx, instanceID, proxyID)
		if err != nil {
			return nil, err
		}
		switch {
		case e.Proxy.Status == ProxyFailed:
			return e, fmt.Errorf("proxy %s on instance %s is in status FAILED", proxyID, instanceID)
		case !transitional[e.Proxy.Status]:
			return e, nil
		}
		if err := c.clock.Sleep(ctx, sched.Next(c.clock.Now().Sub(start), nil)); err != nil {
			return e, fmt.Errorf("waiting for proxy %s to leave status %q: %w", proxyID, e.Proxy.Status, err)
		}
	}
}

// WaitProxyGone polls until the proxy is absent from the list or listed as
// DELETED. A missing instance counts as gone.
func (c *Client) WaitProxyGone(ctx context.Context, instanceID, proxyID string) error {
	sched := c.cfg.JobSchedule()
	start := c.clock.Now()
	for {
		e, err := c.FindProxy(ctx, instanceID, proxyID)
		if IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := c.clock.Sleep(ctx, sched.Next(c.clock.Now().Sub(start), nil)); err != nil {
			return fmt.Errorf("waiting for proxy %s to disappear (status %q): %w", proxyID, e.Proxy.Status, err)
		}
	}
}
