// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"time"
)

// Mutating handlers follow one order of checks: instance exists (404), the
// proxy exists (400 DBS.270024), the body is valid (400), the instance is
// not busy (409), limits that depend on current state (400); then the change
// starts as a job and takes effect when the job completes.

func (e *Emulator) instanceOf(c *call) (*instance, *response) {
	id := c.params["instance_id"]
	inst, ok := e.instances[id]
	// Another project's instance is unknown here, as on the real API.
	if !ok || inst.projectID != c.projectID {
		r := apiError(http.StatusNotFound, codeInstanceNotFound, "The DB instance %s does not exist.", id)
		return nil, &r
	}
	return inst, nil
}

func (e *Emulator) proxyOf(inst *instance, id string) (*proxy, *response) {
	if id == "" {
		r := badRequest("proxy_id is required")
		return nil, &r
	}
	p := inst.find(id)
	if p == nil {
		r := apiError(http.StatusBadRequest, codeProxyNotFound, "The proxy %s does not exist on instance %s.", id, inst.id)
		return nil, &r
	}
	return p, nil
}

// proxyCall resolves the instance and the {proxy_id} of a path and decodes
// the body into req.
func (e *Emulator) proxyCall(c *call, req any) (*instance, *proxy, *response) {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return nil, nil, fail
	}
	p, fail := e.proxyOf(inst, c.params["proxy_id"])
	if fail != nil {
		return nil, nil, fail
	}
	if fail := decode(c.body, req); fail != nil {
		return nil, nil, fail
	}
	return inst, p, nil
}

// jobIDJSON is the answer of every call that starts a job (the SDK's
// CreateGaussMySqlProxyResponse, DeleteGaussMySqlProxyResponse,
// ExpandGaussMySqlProxyResponse, ... all hold job_id alone).
type jobIDJSON struct {
	JobID string `json:"job_id"`
}

func jobAccepted(status int, j *job) response {
	return jsonResponse(status, jobIDJSON{JobID: j.id})
}

// setActiveIfLive sets the status of a proxy that still exists back to
// ACTIVE; job callbacks use it because the proxy may have been removed out
// of band.
func setActiveIfLive(inst *instance, id string) *proxy {
	p := inst.find(id)
	if p != nil {
		p.status = StatusActive
	}
	return p
}

// changed marks a proxy that still exists as updated at t (updated_at) and
// returns it; job callbacks use it to apply their change.
func changed(inst *instance, id string, t time.Time) *proxy {
	p := inst.find(id)
	if p != nil {
		p.updatedAt = t
	}
	return p
}

type nodeWeight struct {
	ID     string   `json:"id"`
	Weight *flexInt `json:"weight"`
}

// checkWeights validates node weights against the instance's DB nodes.
// slavesOnly rejects the master (the weight call sets it separately).
func checkWeights(inst *instance, field string, ws []nodeWeight, slavesOnly bool) *response {
	seen := map[string]bool{}
	for i, w := range ws {
		n, ok := inst.node(w.ID)
		switch {
		case w.ID == "":
			r := badRequest("%s[%d].id is required", field, i)
			return &r
		case !ok:
			r := badRequest("%s[%d].id %q is not a node of instance %s", field, i, w.ID, inst.id)
			return &r
		case slavesOnly && n.Role == "master":
			r := badRequest("%s[%d].id %q is the master node; set its weight with master_weight", field, i, w.ID)
			return &r
		case seen[w.ID]:
			r := badRequest("%s lists node %s twice", field, w.ID)
			return &r
		case w.Weight == nil:
			r := badRequest("%s[%d].weight is required", field, i)
			return &r
		case *w.Weight < 0 || *w.Weight > maxWeight:
			r := badRequest("%s[%d].weight %d is out of range 0..%d", field, i, *w.Weight, maxWeight)
			return &r
		}
		seen[w.ID] = true
	}
	return nil
}

type createProxyRequest struct {
	FlavorRef            string       `json:"flavor_ref"`
	NodeNum              *int         `json:"node_num"`
	ProxyName            *string      `json:"proxy_name"`
	ProxyMode            *string      `json:"proxy_mode"`
	NodesReadWeight      []nodeWeight `json:"nodes_read_weight"`
	RouteMode            *int         `json:"route_mode"`
	SubnetID             *string      `json:"subnet_id"`
	NewNodeAutoAddStatus *string      `json:"new_node_auto_add_status"`
	NewNodeWeight        *int         `json:"new_node_weight"`
}

// createProxy is POST /instances/{instance_id}/proxy. The answer has only a
// job ID; the new proxy is listed at once as ENABLING PROXY.
func (e *Emulator) createProxy(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	var req createProxyRequest
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	if fail := checkFlavor(req.FlavorRef); fail != nil {
		return *fail
	}
	if req.NodeNum == nil {
		return badRequest("node_num is required")
	}
	if *req.NodeNum < minProxyNodes || *req.NodeNum > maxProxyNodes {
		return badRequest("node_num %d is out of range %d..%d", *req.NodeNum, minProxyNodes, maxProxyNodes)
	}
	mode := modeReadWrite
	if req.ProxyMode != nil {
		mode = *req.ProxyMode
		if mode != modeReadWrite && mode != modeReadOnly {
			return badRequest("proxy_mode %q is not valid: use readwrite or readonly", mode)
		}
	}
	if req.ProxyName != nil {
		if fail := checkProxyName("proxy_name", *req.ProxyName); fail != nil {
			return *fail
		}
	}
	if fail := checkWeights(inst, "nodes_read_weight", req.NodesReadWeight, false); fail != nil {
		return *fail
	}
	routeMode := routeWeighted
	if req.RouteMode != nil {
		routeMode = *req.RouteMode
		if fail := e.checkRouteMode(routeMode); fail != nil {
			return *fail
		}
	}
	subnet := inst.subnetID
	if req.SubnetID != nil {
		if *req.SubnetID == "" {
			return badRequest("subnet_id must not be empty when given")
		}
		subnet = *req.SubnetID
	}
	autoAdd := "OFF"
	if req.NewNodeAutoAddStatus != nil {
		autoAdd = *req.NewNodeAutoAddStatus
		if autoAdd != "ON" && autoAdd != "OFF" {
			return badRequest("new_node_auto_add_status %q is not valid: use ON or OFF", autoAdd)
		}
	}
	newNodeWeight := 0
	if req.NewNodeWeight != nil {
		newNodeWeight = *req.NewNodeWeight
		if newNodeWeight < 0 || newNodeWeight > maxWeight {
			return badRequest("new_node_weight %d is out of range 0..%d", newNodeWeight, maxWeight)
		}
	}
	if autoAdd == switchOn && e.cfg.NotWhitelisted {
		return notWhitelisted(featureNewNodeAutoAdd)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	if n := len(inst.live()); n >= e.cfg.MaxProxiesPerInstance {
		return apiError(http.StatusBadRequest, codeProxyQuota, "The instance %s already has %d proxies, the maximum.", inst.id, n)
	}

	p := &proxy{
		id: newPoolID(), status: StatusEnabling, flavor: req.FlavorRef, mode: mode,
		address: e.nextAddress(), subnetID: subnet, port: defaultPort, routeMode: routeMode,
		nodes: e.newProxyNodes(*req.NodeNum, 0), newNodeAutoAdd: autoAdd, newNodeWeight: newNodeWeight,
		createdAt: c.now, updatedAt: c.now,
	}
	e.initSettings(p)
	p.name = "proxy-" + p.id[:4]
	if req.ProxyName != nil {
		p.name = *req.ProxyName
	}
	p.weights = inst.defaultWeights(mode)
	if len(req.NodesReadWeight) > 0 {
		// Listed nodes get their weight; the others take no reads.
		for id := range p.weights {
			p.weights[id] = 0
		}
		for _, w := range req.NodesReadWeight {
			p.weights[w.ID] = int(*w.Weight)
		}
	}
	inst.proxies = append(inst.proxies, p)
	j := e.startJob(c, inst, jobCreate, []string{p.id},
		func(at time.Time) {
			if setActiveIfLive(inst, p.id) != nil {
				changed(inst, p.id, at)
			}
		},
		func(at time.Time) { inst.remove(p.id, at, 0) }, // a failed create leaves nothing behind
	)
	return jobAccepted(http.StatusCreated, j)
}

// checkRouteMode validates a route_mode value, refusing the load-balancing
// modes on a kernel without them (Config.NoBalanceRouteMode).
func (e *Emulator) checkRouteMode(mode int) *response {
	switch mode {
	case routeWeighted:
		return nil
	case routeBalanceNoMaster, routeBalanceMaster:
		if e.cfg.NoBalanceRouteMode {
			r := apiError(http.StatusBadRequest, codeNoBalanceRoute, "The proxy kernel version does not support load balancing (route_mode %d); upgrade the proxy kernel or use route_mode 0.", mode)
			return &r
		}
		return nil
	}
	r := badRequest("route_mode %d is not valid: use 0 (weighted), 1 or 2 (load balancing)", mode)
	return &r
}

// deleteProxies is DELETE /instances/{instance_id}/proxy.
func (e *Emulator) deleteProxies(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	var req struct {
		ProxyIDs []string `json:"proxy_ids"`
	}
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	ids := dedupe(req.ProxyIDs)
	if len(ids) > 1 && e.cfg.RefuseMultiProxyDelete {
		// A stand-in code: the reference documents several IDs per call,
		// so what an API refusing them would answer is not known.
		return apiError(http.StatusBadRequest, codeBadRequest, "proxy_ids may name one proxy only (got %d).", len(ids))
	}
	if len(ids) == 0 {
		live := inst.live()
		switch len(live) {
		case 0:
			return apiError(http.StatusBadRequest, codeProxyNotFound, "The instance %s has no proxy.", inst.id)
		case 1:
			ids = []string{live[0].id}
		default:
			return badRequest("proxy_ids is required when the instance has more than one proxy (instance %s has %d)", inst.id, len(live))
		}
	}
	for _, id := range ids {
		if _, fail := e.proxyOf(inst, id); fail != nil {
			return *fail
		}
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	for _, id := range ids {
		inst.find(id).status = StatusDisabling
	}
	keep := e.cfg.KeepDeleted
	j := e.startJob(c, inst, jobDelete, ids,
		func(at time.Time) {
			for _, id := range ids {
				inst.remove(id, at, keep)
			}
		},
		func(time.Time) {
			for _, id := range ids {
				setActiveIfLive(inst, id)
			}
		},
	)
	return jobAccepted(http.StatusOK, j)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
