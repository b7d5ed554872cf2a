// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Proxy operations: what a resource calls. Each takes a context bounded by
// the resource's timeout, waits on the client's clock and logs through the
// client's logger. They hold the rules that keep state and the cloud in
// agreement under faults; the provider only expands plans into their
// arguments and flattens their results.

// lostCreateLookup bounds the one proxy-list lookup made after the
// operation's own context ended, so that a proxy which exists is still
// recorded instead of orphaned.
const lostCreateLookup = 15 * time.Second

// detached returns a short context that survives the end of ctx, for the
// look that records what happened after the operation's time ran out.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), lostCreateLookup)
}

// NewProxyName returns a name for a proxy whose configuration names none.
// The API does not return the ID of a proxy it creates, so the client finds
// it in the proxy list by name: a name nobody else uses makes that
// unambiguous even while other clients create proxies on the instance.
func NewProxyName() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "proxy-" + string(b)
}

// CreateError is a failed create, with what is known to be true about it:
// whether anything was created, which proxy was (and was reported to the
// caller), or which proxies might be the one.
type CreateError struct {
	InstanceID string
	// ProxyID is set when the proxy exists and was passed to the caller's
	// found callback.
	ProxyID string
	JobID   string
	// NothingCreated is true when the API refused the request or never
	// received it.
	NothingCreated bool
	// Candidates are proxies that appeared during the attempt and may be
	// the one it created, when that could not be told.
	Candidates []string
	// AnswerLost is set when the create request's answer never arrived
	// (or was unusable), so whether it created a proxy is not known.
	AnswerLost bool
	Err        error
}

func (e *CreateError) Error() string { return e.Err.Error() }
func (e *CreateError) Unwrap() error { return e.Err }

// Created is a proxy the API created for CreateAndIdentify.
type Created struct {
	ProxyID string
	JobID   string
}

// CreateAndIdentify enables a proxy and learns its ID. req.ProxyName must be
// set (NewProxyName when the user chose none): the API does not return the
// ID, so the new proxy is recognised as the one proxy that is not in the
// list taken before the POST and has that name. found is called with the ID
// as soon as it is known, before the job is waited for, so the caller can
// record it and never lose the proxy. The identification is repeated after
// the job and must agree; when it cannot be told, the error names every
// candidate and nothing is reported.
//
// A busy instance is waited out before the POST, without resending a body
// whose answer was lost: after a lost answer the list is watched for the
// proxy instead, since a second POST would create a second proxy.
func (c *Client) CreateAndIdentify(ctx context.Context, instanceID string, req CreateProxyRequest, found func(proxyID string)) (*Created, error) {
	if req.ProxyName == "" {
		return nil, errors.New("CreateAndIdentify needs a proxy name; use NewProxyName")
	}
	fail := func(ce CreateError) error {
		ce.InstanceID = instanceID
		return &ce
	}
	before, err := c.ListProxies(ctx, instanceID)
	if err != nil {
		return nil, fail(CreateError{NothingCreated: true, Err: fmt.Errorf("listing proxies before create: %w", err)})
	}
	known := map[string]bool{}
	for _, e := range before {
		known[e.Proxy.PoolID] = true
	}

	var jobID string
	var lost error // the first answer that may hide a created proxy
	var prev error
	for attempt := 0; ; attempt++ {
		jobID, err = c.CreateProxy(ctx, instanceID, req, false)
		if err == nil {
			break
		}
		busy := IsBusy(err)
		if lost == nil && (busy || !MayHaveSucceeded(err)) {
			if !busy || ctx.Err() != nil {
				return nil, fail(CreateError{NothingCreated: true, Err: withPrevious(err, prev)})
			}
			// Busy with another operation: nothing was created. Wait and
			// send again; the POST is not replayed by the client itself.
			c.log.Warn(ctx, "instance busy; waiting before creating the proxy", map[string]any{"instance_id": instanceID, "error": err.Error()})
			if werr := c.waitOutBusy(ctx, err); werr != nil {
				return nil, fail(CreateError{NothingCreated: true, Err: werr})
			}
			prev = err
			continue
		}
		// The answer was lost (or, after a lost answer, the instance is
		// busy, most likely with our own job): look before sending again.
		if lost == nil {
			lost = err
		}
		c.log.Warn(ctx, "create answer lost; watching the proxy list before sending again", map[string]any{"instance_id": instanceID, "error": err.Error()})
		id, cands, werr := c.watchForNewProxy(ctx, instanceID, known, req.ProxyName)
		switch {
		case id != "":
			found(id)
			// No job ID to wait on: wait on the proxy's status instead,
			// so a create is not reported done while it is enabling.
			if _, err := c.WaitProxyStable(ctx, instanceID, id); err != nil {
				return nil, fail(CreateError{ProxyID: id, AnswerLost: true, Err: err})
			}
			return &Created{ProxyID: id}, nil
		case len(cands) > 1:
			return nil, fail(CreateError{Candidates: cands, AnswerLost: true, Err: ambiguous(instanceID, req.ProxyName, cands, lost)})
		case werr != nil:
			return nil, fail(CreateError{AnswerLost: true, Err: fmt.Errorf("%w; then listing proxies to see whether it was created: %w", lost, werr)})
		case attempt >= 3 || ctx.Err() != nil:
			return nil, fail(CreateError{AnswerLost: true, Err: err})
		}
	}

	id, cands, lerr := c.identifyNewProxy(ctx, instanceID, known, req.ProxyName)
	if id != "" {
		found(id)
	} else if lerr != nil {
		c.log.Warn(ctx, "listing proxies after create failed; looking again after the job", map[string]any{"instance_id": instanceID, "job_id": jobID, "error": lerr.Error()})
	}
	_, werr := c.WaitJob(ctx, jobID)

	// Look again after the job, on a detached context if the timeout or a
	// Ctrl-C ended the wait, so a proxy that exists is still recorded.
	lookCtx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		lookCtx, cancel = detached(ctx)
	}
	defer cancel()
	again, cands2, lerr2 := c.identifyNewProxy(lookCtx, instanceID, known, req.ProxyName)
	switch {
	case id != "" && again != "" && again != id:
		return nil, fail(CreateError{ProxyID: id, JobID: jobID, Candidates: []string{id, again},
			Err: fmt.Errorf("the proxy list named %s as the new proxy %q, then %s: something else is creating proxies with this name on instance %s", id, req.ProxyName, again, instanceID)})
	case id == "" && again != "":
		id = again
		found(id)
	case id == "" && len(cands2) > 1:
		return nil, fail(CreateError{JobID: jobID, Candidates: cands2, Err: ambiguous(instanceID, req.ProxyName, cands2, werr)})
	case id == "" && len(cands) > 1:
		return nil, fail(CreateError{JobID: jobID, Candidates: cands, Err: ambiguous(instanceID, req.ProxyName, cands, werr)})
	case id == "" && lerr2 != nil:
		return nil, fail(CreateError{JobID: jobID, Err: errors.Join(werr, fmt.Errorf("listing proxies after the create job: %w", lerr2))})
	case id == "" && werr == nil:
		return nil, fail(CreateError{JobID: jobID, Err: fmt.Errorf("job %s completed but no new proxy named %q appeared on instance %s", jobID, req.ProxyName, instanceID)})
	}
	if werr != nil {
		return nil, fail(CreateError{ProxyID: id, JobID: jobID, Err: werr})
	}
	return &Created{ProxyID: id, JobID: jobID}, nil
}

func ambiguous(instanceID, name string, cands []string, cause error) error {
	msg := fmt.Sprintf("%d new proxies named %q appeared on instance %s while this one was created (%s); something else is creating proxies there, and the one this create made cannot be told",
		len(cands), name, instanceID, strings.Join(cands, ", "))
	if cause != nil {
		return fmt.Errorf("%s: %w", msg, cause)
	}
	return errors.New(msg)
}

// watchForNewProxy looks for the proxy a POST whose answer was lost may
// have created, for up to the lost-answer window. After the operation's
// context ended it still looks once, on a detached context.
func (c *Client) watchForNewProxy(ctx context.Context, instanceID string, known map[string]bool, name string) (string, []string, error) {
	if ctx.Err() != nil {
		lookCtx, cancel := detached(ctx)
		defer cancel()
		return c.identifyNewProxy(lookCtx, instanceID, known, name)
	}
	deadline := c.clock.Now().Add(c.cfg.LostAnswerWindow)
	for {
		id, cands, err := c.identifyNewProxy(ctx, instanceID, known, name)
		if err != nil || id != "" || len(cands) > 1 || !c.clock.Now().Before(deadline) {
			return id, cands, err
		}
		if c.clock.Sleep(ctx, c.cfg.LostAnswerPoll) != nil {
			lookCtx, cancel := detached(ctx)
			defer cancel()
			return c.identifyNewProxy(lookCtx, instanceID, known, name)
		}
	}
}

// identifyNewProxy returns the one live proxy that is not in known and is
// named name. With several such proxies it returns them all as candidates
// and no ID.
func (c *Client) identifyNewProxy(ctx context.Context, instanceID string, known map[string]bool, name string) (string, []string, error) {
	list, err := c.ListProxies(ctx, instanceID)
	if err != nil {
		return "", nil, err
	}
	var cands []string
	for _, e := range list {
		if known[e.Proxy.PoolID] || e.Proxy.Status == ProxyDeleted || e.Proxy.Name != name {
			continue
		}
		cands = append(cands, e.Proxy.PoolID)
	}
	if len(cands) == 1 {
		return cands[0], cands, nil
	}
	return "", cands, nil
}

// ProxyChanges are the targets of an update. Zero values (nil, "") leave a
// setting as it is.
type ProxyChanges struct {
	Flavor    string
	NodeNum   int
	Name      string
	Port      int
	RouteMode *int
	// Weights are read weights by database node ID; the master's is sent
	// as master_weight.
	Weights []NodeWeight
	// NewNodeAutoAdd is ON or OFF; NewNodeWeight goes with it.
	NewNodeAutoAdd string
	NewNodeWeight  *int
	// TransactionSplit is ON or OFF.
	TransactionSplit string
	// ConsistenceMode is session, global or eventual.
	ConsistenceMode string
	// ConnectionPoolType is CLOSED or SESSION.
	ConnectionPoolType string
	SSL                *bool
	AccessControl      *AccessControlChange
	// Parameters are set by name; others are left as they are.
	Parameters []ParameterValue
	// DNSNamePrefix is the wanted prefix of the proxy's private DNS name;
	// "" leaves the name as it is.
	DNSNamePrefix string
}

// AccessControlChange is the access control an update asks for. Rules nil
// leaves the list as it is.
type AccessControlChange struct {
	Enabled bool
	Type    string
	Rules   []AccessRule
}

// ParameterValue is a parameter's wanted value.
type ParameterValue struct {
	Name, Value string
}

// StepError is a failed step of UpdateProxy: which setting, and the job.
type StepError struct {
	Step  string
	JobID string
	Err   error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// updateStep is one in-place change: done says whether the proxy as just
// read already has it; send starts it, computed from that same read.
type updateStep struct {
	name string
	done func(e *ProxyEntry) bool
	// check replaces done for settings the list does not carry: it reads
	// them with a call of its own.
	check func(ctx context.Context, e *ProxyEntry) (bool, error)
	send  func(ctx context.Context, e *ProxyEntry) (jobID string, err error)
	// verify, when set, checks the proxy after the change's job: for
	// changes sent as a difference, whose result a concurrent change can
	// make differ from the target.
	verify func(ctx context.Context) error
}

// nodeCountReads is how many reads after an add or remove job may show
// another node count before that is reported: a list may lag a moment
// behind the job.
const nodeCountReads = 3

// UpdateOrder is the order in which UpdateProxy makes changes: capacity
// first, then routing, then the proxy's behaviour.
var UpdateOrder = []string{
	"flavor", "node_num", "name", "port", "route_mode", "nodes_read_weight", "new_node_auto_add",
	"transaction_split", "consistence_mode", "connection_pool_type", "ssl", "access_control", "parameters",
	"dns_name_prefix",
}

// UpdateProxy makes each requested change in turn (UpdateOrder) and waits
// for its job. Before each step it waits until the proxy is stable and reads
// it, and computes the change from that read: a job still running from an
// earlier, timed-out apply must finish first, or a change like "add 2
// nodes" would be made twice. A step the proxy already satisfies is
// skipped, and a step refused because the instance is busy is recomputed
// from a fresh read before it is sent again. The first failure stops the
// update; the steps before it are done.
func (c *Client) UpdateProxy(ctx context.Context, instanceID, proxyID string, ch ProxyChanges) error {
	return c.UpdateProxyTracked(ctx, instanceID, proxyID, ch, UpdateOptions{})
}

// UpdateOptions connects an update to the runs before and after it.
type UpdateOptions struct {
	// Pending are jobs that earlier updates of this proxy started and did
	// not see end (their timeout or a Ctrl-C came first).
	Pending []string
	// Track, when set, is called with the jobs that may still be running
	// each time that set changes, so the caller can keep it for the next
	// run (the provider keeps it in the resource's private state).
	Track func(pending []string)
}

// UpdateProxyTracked is UpdateProxy that first waits for opts.Pending and
// reports the jobs it starts through opts.Track.
//
// Waiting for the earlier jobs comes before any read: some jobs keep the
// proxy ACTIVE while they run (a node removal does), so a read cannot tell
// that a change is still under way, and a difference computed from it
// ("remove 2") would be made twice if that job ended before the call.
func (c *Client) UpdateProxyTracked(ctx context.Context, instanceID, proxyID string, ch ProxyChanges, opts UpdateOptions) error {
	jobs := &pendingJobs{ids: slices.Clone(opts.Pending), track: opts.Track}
	for len(jobs.ids) > 0 {
		id := jobs.ids[0]
		_, err := c.WaitJob(ctx, id)
		var failed *JobFailedError
		switch {
		case err == nil:
		case errors.As(err, &failed):
			// It changed nothing; the steps compute from a fresh read.
			c.log.Warn(ctx, "a job of an earlier apply failed", map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "job_id": id, "error": err.Error()})
		case IsJobNotQueryable(err):
			// The job API keeps jobs for a month: one it does not know
			// is not running.
			c.log.Info(ctx, "a job of an earlier apply is no longer queryable", map[string]any{"instance_id": instanceID, "proxy_id": proxyID, "job_id": id})
		default:
			return &StepError{Step: "waiting for a job an earlier apply started", JobID: id, Err: err}
		}
		jobs.done(id)
	}
	for _, st := range c.updateSteps(instanceID, proxyID, ch) {
		if err := c.runStep(ctx, instanceID, proxyID, st, jobs); err != nil {
			return err
		}
	}
	return nil
}

// pendingJobs is the set of jobs of this proxy that may still be running,
// reported to the caller each time it changes.
type pendingJobs struct {
	ids   []string
	track func([]string)
}

func (p *pendingJobs) report() {
	if p.track != nil {
		p.track(slices.Clone(p.ids))
	}
}

func (p *pendingJobs) started(id string) {
	p.ids = append(p.ids, id)
	p.report()
}

func (p *pendingJobs) done(id string) {
	p.ids = slices.DeleteFunc(p.ids, func(s string) bool { return s == id })
	p.report()
}

func (c *Client) runStep(ctx context.Context, instanceID, proxyID string, st updateStep, jobs *pendingJobs) error {
	var prev error
	for {
		e, err := c.WaitProxyStable(ctx, instanceID, proxyID)
		if err != nil {
			return &StepError{Step: st.name, Err: fmt.Errorf("reading the proxy before the change: %w", withPrevious(err, prev))}
		}
		done := false
		if st.check != nil {
			if done, err = st.check(ctx, e); err != nil {
				return &StepError{Step: st.name, Err: fmt.Errorf("reading the setting before the change: %w", err)}
			}
		} else {
			done = st.done(e)
		}
		if done {
			return nil
		}
		jobID, err := st.send(ctx, e)
		if IsBusy(err) && ctx.Err() == nil {
			c.log.Warn(ctx, "instance busy; reading the proxy again before the change", map[string]any{
				"instance_id": instanceID, "proxy_id": proxyID, "step": st.name, "error": err.Error(),
			})
			if werr := c.waitOutBusy(ctx, err); werr != nil {
				return &StepError{Step: st.name, Err: werr}
			}
			prev = err
			continue
		}
		if err != nil {
			return &StepError{Step: st.name, JobID: jobID, Err: err}
		}
		if jobID != "" {
			jobs.started(jobID)
			_, err := c.WaitJob(ctx, jobID)
			var failed *JobFailedError
			if err == nil || errors.As(err, &failed) {
				// Seen to end: nothing of it runs on. Any other error (a
				// timeout, a job query that failed) says nothing about
				// the job, so it stays recorded for the next run.
				jobs.done(jobID)
			}
			if err != nil {
				return &StepError{Step: st.name, JobID: jobID, Err: err}
			}
		}
		if st.verify != nil {
			if err := st.verify(ctx); err != nil {
				return &StepError{Step: st.name, JobID: jobID, Err: err}
			}
		}
		return nil
	}
}

// waitOutBusy sleeps before the next try after a busy answer. When the
// operation's timeout ends first it returns the busy answer itself, so the
// error keeps its error_code and X-Request-Id.
func (c *Client) waitOutBusy(ctx context.Context, busy error) error {
	wait := c.cfg.BusyRetryInterval
	if dl, ok := ctx.Deadline(); ok && c.clock.Now().Add(wait).After(dl) {
		return fmt.Errorf("not retrying (instance busy): the operation's timeout ends before the next try: %w", busy)
	}
	if err := c.clock.Sleep(ctx, wait); err != nil {
		return withPrevious(err, busy)
	}
	return nil
}

func (c *Client) updateSteps(instanceID, proxyID string, ch ProxyChanges) []updateStep {
	var steps []updateStep
	if ch.Flavor != "" {
		steps = append(steps, updateStep{
			name: "changing flavor to " + ch.Flavor,
			done: func(e *ProxyEntry) bool { return e.Proxy.FlavorRef == ch.Flavor },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				return c.changeFlavor(ctx, instanceID, proxyID, ch.Flavor, false)
			},
		})
	}
	if ch.NodeNum > 0 {
		steps = append(steps, updateStep{
			name: fmt.Sprintf("changing node_num to %d", ch.NodeNum),
			done: func(e *ProxyEntry) bool { return int(e.Proxy.NodeNum) == ch.NodeNum },
			send: func(ctx context.Context, e *ProxyEntry) (string, error) {
				// Add and remove take a difference, not a target: it comes
				// from the stable read just made, never from state.
				have := int(e.Proxy.NodeNum)
				if ch.NodeNum > have {
					return c.addNodes(ctx, instanceID, proxyID, ch.NodeNum-have, false)
				}
				return c.removeNodes(ctx, instanceID, proxyID, have-ch.NodeNum, false)
			},
			verify: func(ctx context.Context) error {
				// A few reads, in case the list lags behind the job.
				sched := c.cfg.JobSchedule()
				start := c.clock.Now()
				for read := 1; ; read++ {
					e, err := c.WaitProxyStable(ctx, instanceID, proxyID)
					if err != nil {
						return fmt.Errorf("reading the proxy after the change: %w", err)
					}
					have := int(e.Proxy.NodeNum)
					if have == ch.NodeNum {
						return nil
					}
					if read == nodeCountReads {
						return fmt.Errorf("the proxy has %d nodes after the job, not %d: another change of its nodes ran at the same time. "+
							"Run terraform apply again: it computes the change from the count the proxy has then", have, ch.NodeNum)
					}
					if err := c.clock.Sleep(ctx, sched.Next(c.clock.Now().Sub(start), nil)); err != nil {
						return fmt.Errorf("reading the proxy after the change: %w", err)
					}
				}
			},
		})
	}
	if ch.Name != "" {
		steps = append(steps, updateStep{
			name: fmt.Sprintf("renaming to %q", ch.Name),
			done: func(e *ProxyEntry) bool { return e.Proxy.Name == ch.Name },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				return "", c.Rename(ctx, instanceID, proxyID, ch.Name)
			},
		})
	}
	if ch.Port > 0 {
		steps = append(steps, updateStep{
			name: fmt.Sprintf("changing port to %d", ch.Port),
			done: func(e *ProxyEntry) bool { return int(e.Proxy.Port) == ch.Port },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				return c.changePort(ctx, instanceID, proxyID, ch.Port, false)
			},
		})
	}
	if ch.RouteMode != nil {
		mode := *ch.RouteMode
		steps = append(steps, updateStep{
			name: fmt.Sprintf("changing route_mode to %d", mode),
			done: func(e *ProxyEntry) bool { return e.Proxy.RouteMode != nil && int(*e.Proxy.RouteMode) == mode },
			send: func(ctx context.Context, e *ProxyEntry) (string, error) {
				return c.setRouteMode(ctx, instanceID, proxyID, mode, ch.Weights, e)
			},
		})
	}
	if len(ch.Weights) > 0 {
		steps = append(steps, updateStep{
			name: "changing read weights",
			done: func(e *ProxyEntry) bool { return weightsMatch(e, ch.Weights) },
			send: func(ctx context.Context, e *ProxyEntry) (string, error) {
				return c.setReadWeights(ctx, instanceID, proxyID, SplitWeights(e, ch.Weights), false)
			},
		})
	}
	return append(steps, c.settingSteps(instanceID, proxyID, ch)...)
}

// RouteModeRefusedError is the API refusing a load-balancing route mode,
// with what the proxy says about its support for it.
type RouteModeRefusedError struct {
	Mode int
	// BalanceRouteModeEnabled is the proxy's balance_route_mode_enabled;
	// nil when the API did not report it.
	BalanceRouteModeEnabled *bool
	Err                     error
}

func (e *RouteModeRefusedError) Error() string {
	support := "the API does not report balance_route_mode_enabled for this proxy"
	if e.BalanceRouteModeEnabled != nil {
		support = fmt.Sprintf("the proxy reports balance_route_mode_enabled = %t", *e.BalanceRouteModeEnabled)
	}
	if e.Err == nil {
		return fmt.Sprintf("route_mode %d (load balancing) is not supported by this proxy's kernel: %s; upgrade the proxy kernel or use route_mode 0", e.Mode, support)
	}
	return fmt.Sprintf("route_mode %d refused (%s): %v", e.Mode, support, e.Err)
}

func (e *RouteModeRefusedError) Unwrap() error { return e.Err }

func (c *Client) setRouteMode(ctx context.Context, instanceID, proxyID string, mode int, weights []NodeWeight, e *ProxyEntry) (string, error) {
	lb := e.Proxy.BalanceRouteModeEnabled
	w, balanced := MasterWeightForRouteMode(mode)
	if balanced && lb != nil && !*lb {
		return "", &RouteModeRefusedError{Mode: mode, BalanceRouteModeEnabled: lb}
	}
	req := RouteModeRequest{RouteMode: mode}
	if balanced {
		if mw := SplitWeights(e, weights).MasterWeight; mw != nil && *mw != w {
			return "", &SettingRefusedError{Setting: "nodes_read_weight", Err: fmt.Errorf(
				"it gives the primary (%s) weight %d, but route_mode %d fixes the primary's weight at %d: set that, or leave the primary out of nodes_read_weight",
				e.MasterNode.ID, *mw, mode, w)}
		}
		// The load-balancing modes fix the primary's weight and take the
		// replicas' as 0 (left out) or 1 (in): send the configured ones
		// here, since the mode change resets them.
		req.MasterWeight = &w
		req.ReadonlyNodes = SplitWeights(e, weights).ReadonlyNodes
	}
	jobID, err := c.setRouteModeCall(ctx, instanceID, proxyID, req, false)
	var api *APIError
	if balanced && errors.As(err, &api) && !IsBusy(err) && api.Status >= 400 && api.Status < 500 && !IsAuth(err) && !IsThrottled(err) {
		return jobID, &RouteModeRefusedError{Mode: mode, BalanceRouteModeEnabled: lb, Err: err}
	}
	return jobID, err
}

// SplitWeights turns weights by node ID into the weight call's body: the
// master's weight as master_weight, the rest as readonly_nodes.
func SplitWeights(e *ProxyEntry, ws []NodeWeight) WeightRequest {
	var req WeightRequest
	for _, w := range ws {
		v := w.Weight
		if e.MasterNode != nil && e.MasterNode.ID != "" && w.ID == e.MasterNode.ID {
			req.MasterWeight = &v
			continue
		}
		req.ReadonlyNodes = append(req.ReadonlyNodes, NodeWeight{ID: w.ID, Weight: v})
	}
	return req
}

func weightsMatch(e *ProxyEntry, ws []NodeWeight) bool {
	have := map[string]int{}
	for _, n := range e.DBNodes() {
		have[n.ID] = int(n.Weight)
	}
	for _, w := range ws {
		if v, ok := have[w.ID]; !ok || v != w.Weight {
			return false
		}
	}
	return true
}

// DBNodes returns the database nodes of an entry that carry an ID: the
// master first, then the read replicas. A node without an ID cannot be
// given a weight, so it is left out.
func (e *ProxyEntry) DBNodes() []DBNode {
	var out []DBNode
	if e.MasterNode != nil && e.MasterNode.ID != "" {
		out = append(out, *e.MasterNode)
	}
	for _, n := range e.ReadonlyNodes {
		if n.ID != "" {
			out = append(out, n)
		}
	}
	return out
}
