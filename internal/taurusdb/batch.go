package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Batched deletes. An instance runs one job at a time, so deleting its four
// proxies one by one takes four jobs back to back. The delete call's
// proxy_ids is an array, answered by one job: Deletes of proxies of one
// instance that arrive within a short window (Terraform runs them
// concurrently) are sent as one call. Every member then waits for that job
// and confirms its own proxy left the list.

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

// DeleteProxies starts disabling several proxies of one instance in one
// call, answered by one job.
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
