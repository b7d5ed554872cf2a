// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The destroy path, in the order a delete takes it:
//
//	DeleteAndWait                      what the resource's Delete calls
//	  joinDelete -> runDeleteBatch     gather the instance's deletes for one window; one DELETE, one job
//	    DeleteProxies                  the one wrapper of DELETE .../proxy
//	  awaitBatch                       wait for the batch (or this member's own timeout)
//	  deleteOne                        a proxy the multi-ID call did not cover: a batch of one
//	  afterFailedDelete                a failed call or job: the proxy list decides what it means
//	  waitDeleted                      wait for the proxy to leave the list; stop if it is ACTIVE again
//	confirmInstanceGone, ConfirmGone   "gone" is what the list (and the instance detail) confirm; a code is a hint
//
// Batching: an instance runs one job at a time, so deleting its four
// proxies one by one takes four jobs back to back. The delete call's
// proxy_ids is an array, answered by one job: Deletes of proxies of one
// instance that arrive within a short window (Terraform runs them
// concurrently) are sent as one call. Every member then waits for that job
// and confirms its own proxy left the list.

// DeleteAndWait disables exactly the given proxy and returns when it is
// gone: the job completed and the proxy left the list. Deletes of proxies of
// one instance that arrive within the client's DeleteBatchWindow go out as
// one call naming them all, answered by one job. A proxy or
// instance that is already gone counts as deleted, when the proxy list
// confirms it (see IsNotFound). It returns the job ID when one was started.
func (c *Client) DeleteAndWait(ctx context.Context, instanceID, proxyID string) (string, error) {
	batch := c.joinDelete(ctx, instanceID, proxyID)
	if err := c.awaitBatch(ctx, batch); err != nil {
		return "", err
	}
	if batch.single[proxyID] {
		return c.deleteOne(ctx, instanceID, proxyID)
	}
	if err := batch.err; err != nil {
		return batch.jobID, c.afterFailedDelete(ctx, instanceID, proxyID, batch.jobID, err)
	}
	return batch.jobID, c.waitDeleted(ctx, instanceID, proxyID, batch.jobID, nil)
}

// DefaultDeleteBatchWindow is how long the first Delete on an instance waits
// for others to join it.
const DefaultDeleteBatchWindow = 300 * time.Millisecond

// deleteBatch is the Deletes of one instance gathered in one window.
type deleteBatch struct {
	instanceID string
	ids        []string
	ctxs       []context.Context
	done       chan struct{}
	// Set before done is closed.
	jobID string
	err   error
	// single lists the proxies the call did not cover, which their members
	// then delete one by one (the multi-ID call was refused).
	single map[string]bool
	// sentJob is the job of the call once it was answered, and lastJob
	// its last answer, for members that stop waiting early; guarded by the
	// batcher's mutex.
	sentJob string
	lastJob *Job
}

type deleteBatcher struct {
	mu   sync.Mutex
	open map[string]*deleteBatch // instance ID -> batch still gathering
	// noMulti remembers instances whose API refused a multi-ID delete.
	noMulti map[string]bool
}

// joinDelete adds proxyID to the instance's gathering batch, or opens one
// and starts its window. It returns the batch.
func (c *Client) joinDelete(ctx context.Context, instanceID, proxyID string) *deleteBatch {
	b := &c.batches
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open == nil {
		b.open, b.noMulti = map[string]*deleteBatch{}, map[string]bool{}
	}
	if cur, ok := b.open[instanceID]; ok && !b.noMulti[instanceID] {
		cur.ids = append(cur.ids, proxyID)
		cur.ctxs = append(cur.ctxs, ctx)
		return cur
	}
	batch := &deleteBatch{instanceID: instanceID, ids: []string{proxyID}, ctxs: []context.Context{ctx}, done: make(chan struct{})}
	if b.noMulti[instanceID] || c.cfg.DeleteBatchWindow < 0 {
		batch.single = map[string]bool{proxyID: true}
		close(batch.done)
		return batch
	}
	b.open[instanceID] = batch
	go c.runDeleteBatch(ctx, batch)
	return batch
}

// runDeleteBatch closes the window, sends one DELETE naming every member,
// and waits for its job.
func (c *Client) runDeleteBatch(first context.Context, batch *deleteBatch) {
	defer close(batch.done)
	// The window is waited on the first member's context: if it is
	// cancelled that early, the batch still goes ahead for the others.
	_ = c.clock.Sleep(context.WithoutCancel(first), c.cfg.DeleteBatchWindow)

	b := &c.batches
	b.mu.Lock()
	delete(b.open, batch.instanceID)
	ids, ctxs := append([]string(nil), batch.ids...), append([]context.Context(nil), batch.ctxs...)
	b.mu.Unlock()

	ctx, cancel := batchContext(ctxs)
	defer cancel()
	unlock, err := c.LockInstance(ctx, batch.instanceID)
	if err != nil {
		batch.err = err
		return
	}
	defer unlock()
	c.log.Info(ctx, "deleting TaurusDB proxies in one call", map[string]any{"instance_id": batch.instanceID, "proxy_ids": ids})
	jobID, err := c.DeleteProxies(ctx, batch.instanceID, ids)
	if err != nil && len(ids) > 1 && refusedMulti(err) {
		// Tell the members to delete one by one. Unless the refusal was
		// about a proxy that is gone, the API does not take several IDs:
		// remember that for the instance.
		if !HasNotFoundCode(err) {
			b.mu.Lock()
			b.noMulti[batch.instanceID] = true
			b.mu.Unlock()
			c.log.Warn(ctx, "the API refused a delete naming several proxies; deleting them one by one from now on", map[string]any{
				"instance_id": batch.instanceID, "error": err.Error(),
			})
		}
		batch.single = map[string]bool{}
		for _, id := range ids {
			batch.single[id] = true
		}
		return
	}
	batch.jobID = jobID
	b.mu.Lock()
	batch.sentJob = jobID
	b.mu.Unlock()
	if err != nil {
		batch.err = err
		return
	}
	_, batch.err = c.waitJob(ctx, jobID, func(j *Job) {
		b.mu.Lock()
		batch.lastJob = j
		b.mu.Unlock()
	})
}

// DeleteProxies starts disabling the given proxies of one instance, named
// explicitly in proxy_ids (also when there is only one: the API would
// otherwise pick the instance's only proxy itself), in one call answered by
// one job. A busy instance is waited on until ctx ends. It is the one
// wrapper of this endpoint: a single proxy is a batch of one.
// @API DELETE /v3/{project_id}/instances/{instance_id}/proxy
func (c *Client) DeleteProxies(ctx context.Context, instanceID string, proxyIDs []string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: "DELETE", path: instancePath(instanceID) + "/proxy",
		in: DeleteProxyRequest{ProxyIDs: proxyIDs}, out: &out, retryBusy: true})
	return out.JobID, err
}

// batchGrace is how long a member whose own time ran out still waits for
// the batch to report: a batch of one ends at the same deadline, and its
// answer (the job, its last status) says more than "deadline exceeded".
const batchGrace = 2 * time.Second

// awaitBatch waits for the batch's call and job, or for ctx (plus a short
// grace for the batch's own account of the timeout).
func (c *Client) awaitBatch(ctx context.Context, batch *deleteBatch) error {
	select {
	case <-batch.done:
		return nil
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchGrace)
	defer cancel()
	select {
	case <-batch.done:
		return nil
	case <-grace.Done():
		c.batches.mu.Lock()
		jobID, last, ids := batch.sentJob, batch.lastJob, append([]string(nil), batch.ids...)
		c.batches.mu.Unlock()
		if jobID == "" {
			return fmt.Errorf("waiting for the delete of proxies %v: %w", ids, ctx.Err())
		}
		// The job's last status as the batch saw it: without it the
		// error would read "not yet queryable" for a job polled Running.
		return c.timeoutError(ctx, jobID, last)
	}
}

// deleteOne deletes one proxy with a call of its own, under the instance
// lock.
func (c *Client) deleteOne(ctx context.Context, instanceID, proxyID string) (string, error) {
	unlock, err := c.LockInstance(ctx, instanceID)
	if err != nil {
		return "", err
	}
	defer unlock()
	c.log.Info(ctx, "deleting TaurusDB proxy", map[string]any{"instance_id": instanceID, "proxy_id": proxyID})
	jobID, err := c.DeleteProxies(ctx, instanceID, []string{proxyID})
	if err == nil {
		_, err = c.WaitJob(ctx, jobID)
	}
	if err != nil {
		return jobID, c.afterFailedDelete(ctx, instanceID, proxyID, jobID, err)
	}
	return jobID, c.waitDeleted(ctx, instanceID, proxyID, jobID, nil)
}

// afterFailedDelete decides what a failed delete call or job means for one
// proxy. The proxy list decides, never the answer's code: nil when the list
// confirms the proxy is gone; a wait for it to go when the list shows it
// being disabled (the API may refuse a second delete of a proxy it is
// already disabling, or the answer was lost after it started); otherwise
// the answer itself, with its error_code and X-Request-Id, and the proxy
// stays in state.
func (c *Client) afterFailedDelete(ctx context.Context, instanceID, proxyID, jobID string, err error) error {
	var failed *JobFailedError
	if jobID != "" || ctx.Err() != nil || IsAuth(err) || errors.As(err, &failed) {
		// The job ran and failed, or the wait ended (the job may still
		// finish), or the credentials were refused: the proxy stays.
		return err
	}
	entry, ferr := c.FindProxy(ctx, instanceID, proxyID)
	switch {
	case IsNotFound(ferr):
		c.log.Info(ctx, "TaurusDB proxy already gone", map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "answer": err.Error()})
		return nil
	case ferr != nil:
		return fmt.Errorf("%w; reading the proxy list to see whether the proxy is gone failed too: %v", err, ferr) //nolint:errorlint // the delete's answer is the error; the list's is context
	case entry.Proxy.Status == ProxyDisabling:
		return c.waitDeleted(ctx, instanceID, proxyID, "", err)
	}
	if HasNotFoundCode(err) {
		c.log.Warn(ctx, "the delete answered a not-found code, but the proxy is still listed; keeping it", map[string]any{
			"instance_id": instanceID, "proxy_id": proxyID, "status": entry.Proxy.Status, "error": err.Error(), "request_id": RequestID(err),
		})
		return fmt.Errorf("%w; but the proxy list still shows proxy %s (status %s), so it was not deleted", err, proxyID, entry.Proxy.Status)
	}
	return err
}

// waitDeleted waits for a proxy being deleted to leave the list. It stops
// early, with a *DeleteNotDoneError, when two list reads in a row show the
// proxy ACTIVE instead of being disabled: its disable job failed or never
// ran, and waiting for the timeout would end in a false "may still finish".
// One read is not enough: a list that lags behind the delete may show the
// proxy ACTIVE once. jobID is the delete's job when one is known; cause the
// ambiguous answer that made the caller look, if any, kept in every error
// so its error_code and X-Request-Id are not lost.
func (c *Client) waitDeleted(ctx context.Context, instanceID, proxyID, jobID string, cause error) error {
	active := 0
	err := c.pollProxy(ctx, instanceID, proxyID, "disappear", func(e *ProxyEntry, err error) (bool, error) {
		switch {
		case IsNotFound(err):
			return true, nil
		case err != nil:
			return true, err
		case e.Proxy.Status != ProxyActive:
			active = 0
			return false, nil
		}
		if active++; active < 2 {
			return false, nil
		}
		return true, &DeleteNotDoneError{InstanceID: instanceID, ProxyID: proxyID, JobID: jobID, Status: e.Proxy.Status, Cause: cause}
	})
	var nd *DeleteNotDoneError
	switch {
	case err == nil || errors.As(err, &nd):
		return err
	case jobID != "":
		return fmt.Errorf("job %s completed, but waiting for the proxy to leave the list failed: %w", jobID, err)
	}
	return withPrevious(err, cause)
}

// confirmInstanceGone decides what a list answer with a not-found code
// means. The code is a hint: the instance counts as gone (the error wraps
// ErrInstanceNotFound) only when the instance detail, a second call, answers
// the documented instance-not-found code (DBS.201028). The undocumented
// DBS.200932, or the proxy code, from the detail proves nothing. Otherwise
// the list's answer is returned as it is, and nothing is dropped.
func (c *Client) confirmInstanceGone(ctx context.Context, instanceID string, listErr error) error {
	if !HasNotFoundCode(listErr) || ctx.Err() != nil {
		return listErr
	}
	_, derr := c.GetInstance(ctx, instanceID)
	if d, ok := asAPIError(derr); !ok || d.Code != codeInstanceNotFound {
		c.log.Warn(ctx, "the proxy list answered a not-found code, but the instance detail does not confirm it; the instance is not taken as gone", map[string]any{
			"instance_id": instanceID, "error": listErr.Error(), "request_id": RequestID(listErr),
		})
		return listErr
	}
	return fmt.Errorf("instance %s: %w: %w; the instance detail answered too: %v", instanceID, ErrInstanceNotFound, listErr, derr) //nolint:errorlint // the detail's answer is context; the list's is the error
}

// ConfirmGone asks the proxy list whether an answer with a not-found code
// (from any call about the proxy) means the proxy is gone. It returns an
// error for which IsNotFound is true when the list confirms it, and err
// itself otherwise: when the list still shows the proxy, or cannot be
// read, or err has no such code.
func (c *Client) ConfirmGone(ctx context.Context, instanceID, proxyID string, err error) error {
	if !HasNotFoundCode(err) || ctx.Err() != nil {
		return err
	}
	_, ferr := c.FindProxy(ctx, instanceID, proxyID)
	if IsNotFound(ferr) {
		return fmt.Errorf("%w (the call before answered: %v)", ferr, err) //nolint:errorlint // the list's verdict is the error; the call's answer is context
	}
	return err
}

// refusedMulti says whether a failed multi-ID delete should be retried per
// proxy: a request error that neither busy waiting, throttling nor new
// credentials would change.
func refusedMulti(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.Status >= 400 && e.Status < 500 && !IsBusy(err) && !IsAuth(err) && !IsThrottled(err)
}

// batchContext lives until every member's context has ended, and has the
// latest of their deadlines: a member that gives up does not end the
// delete the others wait for.
func batchContext(ctxs []context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctxs[0])
	var latest time.Time
	bounded := true
	for _, c := range ctxs {
		dl, ok := c.Deadline()
		if !ok {
			bounded = false
			break
		}
		if dl.After(latest) {
			latest = dl
		}
	}
	ctx, cancel := context.WithCancel(base)
	if bounded {
		var cancelDL context.CancelFunc
		ctx, cancelDL = context.WithDeadline(ctx, latest)
		prev := cancel
		cancel = func() { cancelDL(); prev() }
	}
	go func() {
		for _, c := range ctxs {
			select {
			case <-c.Done():
			case <-ctx.Done():
				return
			}
		}
		// Every member is gone. Cancelled ones (Ctrl-C) end the batch now;
		// a member whose deadline passed leaves that to the batch's own
		// deadline for a moment, so the wait ends as a timeout, not a
		// cancellation; but never longer than the members' grace.
		for _, c := range ctxs {
			if !errors.Is(c.Err(), context.Canceled) {
				select {
				case <-time.After(batchGrace):
				case <-ctx.Done():
				}
				break
			}
		}
		cancel()
	}()
	return ctx, cancel
}
