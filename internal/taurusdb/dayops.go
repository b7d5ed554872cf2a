// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Day-two operations on a proxy that exists: restart, kernel upgrade, and
// binding an elastic public IP (EIP); and the reads behind the data sources.
// Like the operations in operations.go, each takes a context bounded by the
// resource's timeout, waits on the client's clock and job schedule, and
// leaves retries, busy waits and throttling to the client's calls.

// ListFlavorsByAZ returns the proxy flavors sold in the given availability
// zones (the SDK's ShowProxyFlavorsByAzCode): az_codes is sent
// comma-separated, proxy_engine_name is always taurusproxy.
// @API GET /v3/{project_id}/proxy/flavors
func (c *Client) ListFlavorsByAZ(ctx context.Context, azCodes []string) ([]FlavorGroup, error) {
	if len(azCodes) == 0 {
		return nil, errors.New("ListFlavorsByAZ needs at least one availability zone code")
	}
	var out flavorsResponse
	q := url.Values{"az_codes": {strings.Join(azCodes, ",")}, "proxy_engine_name": {ProxyEngine}}
	err := c.do(ctx, call{method: http.MethodGet, path: "/proxy/flavors", query: q, out: &out})
	return out.Groups, err
}

// ListProxyDetails lists the instance's proxies that keep accepts (nil:
// every proxy that is not DELETED), each with its kernel version and what
// want asks for. The list is shared with concurrent refreshes (see
// ReadProxy): this is a read for a plan, never for deciding a change. Only
// the list failing is an error; a detail that could not be read is nil,
// with the reason in the proxy's Warnings. An instance without proxies
// gives an empty slice; an unknown instance an error for which IsNotFound
// is true.
func (c *Client) ListProxyDetails(ctx context.Context, instanceID string, keep func(*ProxyEntry) bool, want DetailsWanted) ([]*ProxyDetails, error) {
	entries, err := c.ListProxyEntries(ctx, instanceID, keep)
	if err != nil {
		return nil, err
	}
	out := make([]*ProxyDetails, 0, len(entries))
	for _, e := range entries {
		out = append(out, c.DetailsOf(ctx, instanceID, e, want))
	}
	return out, nil
}

// ListProxyEntries is ListProxyDetails without the details: the shared
// proxy list only, filtered by keep, for callers that read details for
// some entries only (a query with a limit).
func (c *Client) ListProxyEntries(ctx context.Context, instanceID string, keep func(*ProxyEntry) bool) ([]*ProxyEntry, error) {
	list, err := c.sharedList(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	out := []*ProxyEntry{}
	for i := range list {
		e := list[i] // a copy: the list may be shared between readers
		if keep == nil && e.Proxy.Status == ProxyDeleted || keep != nil && !keep(&e) {
			continue
		}
		out = append(out, &e)
	}
	return out, nil
}

// DetailsOf reads the kernel version and what want asks for of one listed
// proxy, as ListProxyDetails does for each.
func (c *Client) DetailsOf(ctx context.Context, instanceID string, e *ProxyEntry, want DetailsWanted) *ProxyDetails {
	d := &ProxyDetails{Entry: e}
	c.readDetails(ctx, instanceID, e.Proxy.PoolID, want, d)
	return d
}

// readDetails fills the settings of d that have calls of their own, as
// ReadProxyDetails does for one proxy.
func (c *Client) readDetails(ctx context.Context, instanceID, proxyID string, want DetailsWanted, d *ProxyDetails) {
	soft := func(what string, err error) {
		d.Warnings = append(d.Warnings, fmt.Errorf("reading %s of proxy %s: %w", what, proxyID, err))
	}
	if v, err := c.GetProxyVersion(ctx, instanceID, proxyID); err != nil {
		soft("the kernel version", err)
	} else {
		d.Version = v
	}
	if want.AccessControl {
		if a, err := c.GetAccessControl(ctx, instanceID, proxyID); err != nil {
			soft("access control", err)
		} else {
			d.AccessControl = a
		}
	}
	if want.Parameters {
		if ps, err := c.ListParameters(ctx, instanceID, proxyID); err != nil {
			soft("parameters", err)
		} else {
			d.Parameters = ps
		}
	}
}

// RestartAndWait restarts the proxy and waits for the restart's job. A busy
// instance is waited out by the call itself. The restart is sent once: an
// answer lost on the way may hide a restart that is under way, and a second
// one would be a second outage, so that is reported instead of replayed. It
// returns the job ID when one was started. seen, when set, receives every
// answer of the job's polls, for callers that report progress while they
// wait (the restart action).
func (c *Client) RestartAndWait(ctx context.Context, instanceID, proxyID string, seen func(*Job)) (string, error) {
	c.log.Info(ctx, "restarting TaurusDB proxy", map[string]any{"instance_id": instanceID, "proxy_id": proxyID})
	jobID, err := c.RestartProxy(ctx, instanceID, proxyID)
	if err != nil {
		if MayHaveSucceeded(err) && !HasNotFoundCode(err) {
			return "", &MaybeStartedError{What: "restart", Err: err}
		}
		return "", err
	}
	if _, err := c.waitJob(ctx, jobID, seen); err != nil {
		return jobID, err
	}
	return jobID, nil
}

// MaybeStartedError is a call whose answer was lost after it was sent: the
// API may be carrying it out. It is not sent again, since doing something
// twice (a restart) is worse than asking the user to look.
type MaybeStartedError struct {
	What string
	Err  error
}

func (e *MaybeStartedError) Error() string {
	return fmt.Sprintf("the %s may have started although its answer was lost: %v", e.What, e.Err)
}

func (e *MaybeStartedError) Unwrap() error { return e.Err }

// UpgradeOutcome is what UpgradeAndWait did.
type UpgradeOutcome struct {
	// SourceVersion is the kernel version the proxy ran before.
	SourceVersion string
	// CurrentVersion is the version it runs now: the target.
	CurrentVersion string
	// WorkflowID is the workflow the API named in update_result, if any.
	WorkflowID string
	// Upgraded is false when the proxy already ran the target and no
	// upgrade was sent.
	Upgraded bool
}

// NoUpgradeError is a proxy for which the API offers no upgrade
// (can_upgrade false), asked to run another version than it does.
type NoUpgradeError struct {
	InstanceID, ProxyID     string
	Current, Latest, Target string
}

func (e *NoUpgradeError) Error() string {
	latest := e.Latest
	if latest == "" {
		latest = "not reported"
	}
	return fmt.Sprintf("no kernel upgrade is available for proxy %s on instance %s: it runs %s, the API reports can_upgrade = false (latest_version %s), so it cannot be upgraded to %s",
		e.ProxyID, e.InstanceID, e.Current, latest, e.Target)
}

// UpgradeRefusedError is an upgrade the API did not take: a 4xx answer, or
// an update_result entry with an error_message.
type UpgradeRefusedError struct {
	Source, Target, Latest string
	Err                    error
}

func (e *UpgradeRefusedError) Error() string {
	latest := ""
	if e.Latest != "" {
		latest = fmt.Sprintf("; the API reports latest_version %s", e.Latest)
	}
	return fmt.Sprintf("the API refused the kernel upgrade from %s to %s%s: %v", e.Source, e.Target, latest, e.Err)
}

func (e *UpgradeRefusedError) Unwrap() error { return e.Err }

// VersionWaitError is an upgrade whose target version did not show before
// the context ended. The upgrade may still finish on the server.
type VersionWaitError struct {
	ProxyID, Target, LastVersion, WorkflowID string
	Cause                                    error
}

func (e *VersionWaitError) Error() string {
	what := "timed out"
	if errors.Is(e.Cause, context.Canceled) {
		what = "was cancelled"
	}
	last := e.LastVersion
	if last == "" {
		last = "not read"
	}
	s := fmt.Sprintf("waiting for proxy %s to report kernel version %s %s (it reports %s)", e.ProxyID, e.Target, what, last)
	if e.WorkflowID != "" {
		s += "; the upgrade's workflow is " + e.WorkflowID
	}
	return s
}

func (e *VersionWaitError) Unwrap() error { return e.Cause }

// UpgradeAndWait upgrades the proxy's kernel to target and waits until the
// API reports it (ShowProxyVersion's current_version): the upgrade call
// answers no job ID. It reads the version first: a proxy that already runs
// target needs no call (an earlier, timed-out apply may have finished the
// upgrade), and one for which can_upgrade is false gets a NoUpgradeError
// without a call. source_version is the version just read. A busy instance
// (an upgrade still running, say) is waited out and the version read again
// before anything is sent. The wait polls on the job schedule; when the
// answer names a workflow it is watched too, so a failed upgrade ends the
// wait at once instead of at the timeout.
func (c *Client) UpgradeAndWait(ctx context.Context, instanceID, proxyID, target string) (*UpgradeOutcome, error) {
	out := &UpgradeOutcome{}
	var prev error
	for {
		v, err := c.GetProxyVersion(ctx, instanceID, proxyID)
		if err != nil {
			return nil, fmt.Errorf("reading the proxy's kernel version: %w", withPrevious(err, prev))
		}
		if out.SourceVersion == "" {
			out.SourceVersion = v.CurrentVersion
		}
		if v.CurrentVersion == target {
			out.CurrentVersion = target
			return out, nil
		}
		if v.CanUpgrade != nil && !*v.CanUpgrade {
			return nil, &NoUpgradeError{InstanceID: instanceID, ProxyID: proxyID, Current: v.CurrentVersion, Latest: v.LatestVersion, Target: target}
		}
		c.log.Info(ctx, "upgrading TaurusDB proxy kernel", map[string]any{
			"instance_id": instanceID, "proxy_id": proxyID, "source_version": v.CurrentVersion, "target_version": target,
		})
		results, err := c.UpgradeProxyVersion(ctx, instanceID, proxyID, v.CurrentVersion, target)
		if IsBusy(err) && ctx.Err() == nil {
			c.log.Warn(ctx, "instance busy; reading the kernel version again before upgrading", map[string]any{
				"instance_id": instanceID, "proxy_id": proxyID, "error": err.Error(),
			})
			if werr := c.waitOutBusy(ctx, err); werr != nil {
				return nil, werr
			}
			prev = err
			continue
		}
		if err != nil {
			if MayHaveSucceeded(err) {
				return nil, &MaybeStartedError{What: "kernel upgrade", Err: err}
			}
			if e, ok := asAPIError(err); ok && e.Status >= 400 && e.Status < 500 && !IsAuth(err) && !IsThrottled(err) && !HasNotFoundCode(err) {
				return nil, &UpgradeRefusedError{Source: v.CurrentVersion, Target: target, Latest: v.LatestVersion, Err: err}
			}
			return nil, err
		}
		for _, r := range results {
			if r.ErrorMessage != "" {
				return nil, &UpgradeRefusedError{Source: v.CurrentVersion, Target: target, Latest: v.LatestVersion,
					Err: fmt.Errorf("update_result: state %q, error_message %q", r.State, r.ErrorMessage)}
			}
			if out.WorkflowID == "" {
				out.WorkflowID = r.WorkflowID
			}
		}
		out.Upgraded = true
		now, err := c.waitForVersion(ctx, instanceID, proxyID, target, out.WorkflowID)
		if err != nil {
			return out, err
		}
		out.CurrentVersion = now.CurrentVersion
		return out, nil
	}
}

// waitForVersion polls the kernel version on the job schedule until it is
// target. A workflow ID, when given, is queried as a job alongside: Failed
// ends the wait with a *JobFailedError; an ID the job API does not know
// after the grace window is no longer asked about.
func (c *Client) waitForVersion(ctx context.Context, instanceID, proxyID, target, workflowID string) (*ProxyVersion, error) {
	sched := c.cfg.JobSchedule()
	start := c.clock.Now()
	var last *ProxyVersion
	var job *Job
	lastVersion := func() string {
		if last == nil {
			return ""
		}
		return last.CurrentVersion
	}
	watch := workflowID
	for {
		v, err := c.GetProxyVersion(ctx, instanceID, proxyID)
		switch {
		case err == nil:
			last = v
			if v.CurrentVersion == target {
				return v, nil
			}
		case ctx.Err() != nil:
			return last, &VersionWaitError{ProxyID: proxyID, Target: target, LastVersion: lastVersion(), WorkflowID: workflowID, Cause: ctx.Err()}
		default:
			return last, fmt.Errorf("reading the kernel version while waiting for %s: %w", target, err)
		}
		if watch != "" {
			j, jerr := c.GetJob(ctx, watch)
			switch {
			case jerr == nil && j != nil:
				job = j
				if j.Status == JobFailed {
					return last, &JobFailedError{Job: j}
				}
			case IsJobNotQueryable(jerr) && c.clock.Now().Sub(start) >= c.cfg.JobGrace:
				c.log.Debug(ctx, "the upgrade's workflow is not a queryable job; waiting on the version alone", map[string]any{"workflow_id": watch})
				watch = ""
			case jerr != nil:
				c.log.Debug(ctx, "querying the upgrade's workflow failed; waiting on the version", map[string]any{"workflow_id": watch, "error": jerr.Error()})
			}
		}
		if err := c.clock.Sleep(ctx, sched.Next(c.clock.Now().Sub(start), job)); err != nil {
			return last, &VersionWaitError{ProxyID: proxyID, Target: target, LastVersion: lastVersion(), WorkflowID: workflowID, Cause: err}
		}
	}
}

// EIPConflictError is a proxy that has another elastic public IP bound
// than the one asked for.
type EIPConflictError struct {
	ProxyID, Bound, Wanted string
}

func (e *EIPConflictError) Error() string {
	return fmt.Sprintf("proxy %s already has the elastic public IP %s bound, not %s; a proxy takes one: unbind it first, or import the binding", e.ProxyID, e.Bound, e.Wanted)
}

// BindEIPAndWait binds an elastic public IP to the proxy and returns when
// the bind job has completed and the proxy list shows the address as the
// proxy's eip. A proxy that already has this address needs no call (an
// earlier, interrupted apply may have bound it); one with another address
// gets an *EIPConflictError. When the call fails, the proxy is read again:
// an answer lost after the API bound the address is a success. It returns
// the job ID when one was started.
//
// accepted, when not nil, is called with the job ID as soon as the API has
// accepted the bind, before the job is waited for: from then on the job
// may bind the address whatever happens to this wait, so the caller
// records the binding there, or an apply cut short by its timeout would
// leave an address bound that nothing knows to unbind.
func (c *Client) BindEIPAndWait(ctx context.Context, instanceID, proxyID, publicIP, publicIPID string, accepted func(jobID string)) (string, error) {
	e, err := c.FindProxy(ctx, instanceID, proxyID)
	if err != nil {
		return "", fmt.Errorf("reading the proxy before binding %s: %w", publicIP, err)
	}
	switch e.Proxy.EIP {
	case publicIP:
		c.log.Info(ctx, "elastic public IP already bound to the TaurusDB proxy", map[string]any{"proxy_id": proxyID, "public_ip": publicIP})
		return "", nil
	case "":
	default:
		return "", &EIPConflictError{ProxyID: proxyID, Bound: e.Proxy.EIP, Wanted: publicIP}
	}
	c.log.Info(ctx, "binding an elastic public IP to the TaurusDB proxy", map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "public_ip": publicIP})
	jobID, err := c.BindEIP(ctx, instanceID, proxyID, publicIP, publicIPID)
	if err != nil {
		if !IsNotFound(err) && !IsAuth(err) && ctx.Err() == nil {
			if again, ferr := c.FindProxy(ctx, instanceID, proxyID); ferr == nil && again.Proxy.EIP == publicIP {
				return "", nil
			}
		}
		return jobID, err
	}
	if accepted != nil {
		accepted(jobID)
	}
	if _, err := c.WaitJob(ctx, jobID); err != nil {
		return jobID, err
	}
	if err := c.waitEIP(ctx, instanceID, proxyID, publicIP); err != nil {
		return jobID, fmt.Errorf("job %s completed, but the proxy list does not show %s as its eip: %w", jobID, publicIP, err)
	}
	return jobID, nil
}

// UnbindOutcome is what UnbindEIPAndWait did.
type UnbindOutcome struct {
	JobID string
	// Other is an address found bound instead of the one asked about; it
	// was left bound.
	Other string
}

// UnbindEIPAndWait unbinds the elastic public IP from the proxy and returns
// when the job has completed and the proxy list shows no eip. A proxy with
// no address bound, or that is gone, needs nothing. A proxy with another
// address than publicIP keeps it (it is not this binding's) and the
// outcome names it. When the call fails, the proxy is read again: an
// answer lost after the API unbound the address is a success.
//
// bindJobID, when not "", is the job of a bind of publicIP that was
// recorded before it had ended (see BindEIPAndWait's accepted). It is
// waited for first: deciding "nothing bound" while it runs would let it
// bind the address afterwards, with the association gone from state. A
// job that does not end in time gives a *BindRunningError and nothing is
// unbound.
func (c *Client) UnbindEIPAndWait(ctx context.Context, instanceID, proxyID, publicIP, bindJobID string) (UnbindOutcome, error) {
	var out UnbindOutcome
	if bindJobID != "" {
		if err := c.settleBind(ctx, instanceID, proxyID, publicIP, bindJobID); err != nil {
			return out, err
		}
	}
	e, err := c.FindProxy(ctx, instanceID, proxyID)
	switch {
	case IsNotFound(err):
		c.log.Info(ctx, "TaurusDB proxy gone; nothing to unbind", map[string]any{"instance_id": instanceID, "proxy_id": proxyID})
		return out, nil
	case err != nil:
		return out, fmt.Errorf("reading the proxy before unbinding %s: %w", publicIP, err)
	case e.Proxy.EIP == "":
		return out, nil
	case e.Proxy.EIP != publicIP:
		out.Other = e.Proxy.EIP
		c.log.Warn(ctx, "the TaurusDB proxy has another elastic public IP bound; leaving it", map[string]any{
			"proxy_id": proxyID, "public_ip": publicIP, "bound": e.Proxy.EIP,
		})
		return out, nil
	}
	c.log.Info(ctx, "unbinding the elastic public IP from the TaurusDB proxy", map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "public_ip": publicIP})
	out.JobID, err = c.UnbindEIP(ctx, instanceID, proxyID, publicIP)
	if err != nil {
		if IsNotFound(err) {
			return out, nil
		}
		if !IsAuth(err) && ctx.Err() == nil {
			again, ferr := c.FindProxy(ctx, instanceID, proxyID)
			if IsNotFound(ferr) || ferr == nil && again.Proxy.EIP == "" {
				return out, nil
			}
		}
		return out, err
	}
	if _, err := c.WaitJob(ctx, out.JobID); err != nil {
		return out, err
	}
	if err := c.waitEIP(ctx, instanceID, proxyID, ""); err != nil {
		return out, fmt.Errorf("job %s completed, but the proxy list still shows an eip: %w", out.JobID, err)
	}
	return out, nil
}

// BindRunningError is an unbind that did not start because a bind of the
// same association had not ended: unbinding before it ends could not
// undo what it binds afterwards.
type BindRunningError struct {
	ProxyID, PublicIP, JobID string
	Err                      error
}

func (e *BindRunningError) Error() string {
	return fmt.Sprintf("the bind job %s of %s to proxy %s is still running, so nothing was unbound: %v", e.JobID, e.PublicIP, e.ProxyID, e.Err)
}

func (e *BindRunningError) Unwrap() error { return e.Err }

// settleBind waits for a recorded bind job to end. A job that failed bound
// nothing. One the task center no longer knows after the grace window has
// ended long ago (it keeps a month of jobs). One that completed bound
// publicIP: the list may show it a little after the job, as
// BindEIPAndWait expects, so it is watched for that for up to the
// lost-answer window; the unbind that follows reads the list again and
// decides.
func (c *Client) settleBind(ctx context.Context, instanceID, proxyID, publicIP, jobID string) error {
	fields := map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "public_ip": publicIP, "job_id": jobID}
	c.log.Info(ctx, "waiting for a recorded bind job to end before unbinding", fields)
	_, err := c.WaitJob(ctx, jobID)
	var failed *JobFailedError
	switch {
	case errors.As(err, &failed):
		c.log.Info(ctx, "the recorded bind job failed; it bound nothing", fields)
		return nil
	case IsJobNotQueryable(err):
		c.log.Info(ctx, "the recorded bind job is no longer queryable; it ended long ago", fields)
		return nil
	case err != nil:
		return &BindRunningError{ProxyID: proxyID, PublicIP: publicIP, JobID: jobID, Err: err}
	}
	deadline := c.clock.Now().Add(c.cfg.LostAnswerWindow)
	for {
		e, err := c.FindProxy(ctx, instanceID, proxyID)
		if err != nil {
			// The unbind reads the proxy next and reports what fails
			// there (a gone proxy needs no unbind).
			c.log.Debug(ctx, "reading the proxy after the recorded bind job failed; leaving it to the unbind", map[string]any{"proxy_id": proxyID, "error": err.Error()})
			break
		}
		if e.Proxy.EIP != "" || !c.clock.Now().Before(deadline) {
			break
		}
		if err := c.clock.Sleep(ctx, c.cfg.LostAnswerPoll); err != nil {
			return fmt.Errorf("bind job %s completed; waiting for the proxy list to show %s: %w", jobID, publicIP, err)
		}
	}
	return nil
}

// BindMayStillLand reports whether a recorded bind job may still bind its
// address: it is running (or in a status the API does not document), or
// the task center does not answer for it yet. The job is returned when it
// was read; a Failed one bound nothing, a Completed one bound the address.
func (c *Client) BindMayStillLand(ctx context.Context, jobID string) (bool, *Job, error) {
	j, err := c.GetJob(ctx, jobID)
	switch {
	case IsJobNotQueryable(err):
		return true, nil, nil
	case err != nil:
		return false, nil, fmt.Errorf("querying bind job %s: %w", jobID, err)
	case j == nil:
		return true, nil, nil
	}
	return j.Status != JobCompleted && j.Status != JobFailed, j, nil
}

// waitEIP polls the proxy list until the proxy's eip is want. A proxy that
// is gone has no address: that ends a wait for "".
func (c *Client) waitEIP(ctx context.Context, instanceID, proxyID, want string) error {
	goal := "show eip " + want
	if want == "" {
		goal = "show no eip"
	}
	return c.pollProxy(ctx, instanceID, proxyID, goal, func(e *ProxyEntry, err error) (bool, error) {
		switch {
		case IsNotFound(err) && want == "":
			return true, nil
		case err != nil:
			return true, err
		}
		return e.Proxy.EIP == want, nil
	})
}
