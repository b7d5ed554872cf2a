// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"time"
)

// Changes to an existing proxy. All but rename run as a job and take effect
// when it completes; a failed job leaves the proxy as it was.

// changeFlavor is PUT /instances/{instance_id}/proxy/{proxy_id}/flavor.
func (e *Emulator) changeFlavor(c *call) response {
	var req struct {
		FlavorRef string `json:"flavor_ref"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if fail := checkFlavor(req.FlavorRef); fail != nil {
		return *fail
	}
	if req.FlavorRef == p.flavor {
		return badRequest("the proxy %s already has flavor %s", p.id, p.flavor)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	// The proxy stays ACTIVE while the flavor changes: the reference
	// documents no status for it. vcpus, ram and flavor_ref change in the
	// list only when the job completes.
	id, flavor := p.id, req.FlavorRef
	j := e.startJob(c, inst, jobFlavor, []string{id},
		func(at time.Time) {
			if q := changed(inst, id, at); q != nil {
				q.flavor = flavor
			}
		}, nil)
	return jobAccepted(http.StatusOK, j)
}

// maxNodesPerChange bounds node_num of enlarge and reduce (the SDK's
// EnlargeProxyRequest and ShrinkGaussMySqlProxyRequestBody: 1 to 30).
const maxNodesPerChange = 30

// enlargeProxy is POST /instances/{instance_id}/proxy/enlarge; node_num is
// the number of nodes to add. proxy_id may be omitted when the instance has
// exactly one proxy (the SDK's EnlargeProxyRequest); with several it is
// required.
func (e *Emulator) enlargeProxy(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	var req struct {
		ProxyID *string `json:"proxy_id"`
		NodeNum *int    `json:"node_num"`
	}
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	var p *proxy
	if req.ProxyID == nil {
		switch live := inst.live(); len(live) {
		case 0:
			return apiError(http.StatusBadRequest, codeProxyNotFound, "The instance %s has no proxy.", inst.id)
		case 1:
			p = live[0]
		default:
			return badRequest("proxy_id is required when the instance has more than one proxy (instance %s has %d)", inst.id, len(live))
		}
	} else if p, fail = e.proxyOf(inst, *req.ProxyID); fail != nil {
		return *fail
	}
	if req.NodeNum == nil || *req.NodeNum < 1 || *req.NodeNum > maxNodesPerChange {
		return badRequest("node_num (the number of nodes to add) is required and must be 1 to %d", maxNodesPerChange)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	add := *req.NodeNum
	if total := len(p.nodes) + add; total > maxProxyNodes {
		return badRequest("adding %d nodes to proxy %s would make %d; the maximum is %d", add, p.id, total, maxProxyNodes)
	}
	// ADDING PROXY NODE is the documented status of a growing proxy; the
	// new nodes (and node_num) appear when the job completes.
	id := p.id
	p.status = StatusAddingNode
	j := e.startJob(c, inst, jobAdd, []string{id},
		func(at time.Time) {
			if q := setActiveIfLive(inst, id); q != nil {
				q.nodes = append(q.nodes, e.newProxyNodes(add, len(q.nodes))...)
				q.updatedAt = at
			}
		},
		func(time.Time) { setActiveIfLive(inst, id) },
	)
	return jobAccepted(http.StatusOK, j)
}

// reduceProxy is PUT /instances/{instance_id}/proxy/{proxy_id}/reduce;
// node_num is the number of nodes to remove.
func (e *Emulator) reduceProxy(c *call) response {
	var req struct {
		NodeNum *int `json:"node_num"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.NodeNum == nil || *req.NodeNum < 1 || *req.NodeNum > maxNodesPerChange {
		return badRequest("node_num (the number of nodes to remove) is required and must be 1 to %d", maxNodesPerChange)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	drop := *req.NodeNum
	if total := len(p.nodes) - drop; total < minProxyNodes {
		return badRequest("removing %d nodes from proxy %s would leave %d; the minimum is %d", drop, p.id, total, minProxyNodes)
	}
	// The proxy stays ACTIVE while nodes are removed: the reference
	// documents no status for it. node_num drops when the job completes.
	id := p.id
	j := e.startJob(c, inst, jobReduce, []string{id},
		func(at time.Time) {
			if q := inst.find(id); q != nil && len(q.nodes)-drop >= minProxyNodes {
				q.nodes = q.nodes[:len(q.nodes)-drop]
				q.updatedAt = at
			}
		}, nil)
	return jobAccepted(http.StatusOK, j)
}

// renameProxy is PUT /instances/{instance_id}/proxy/{proxy_id}/rename. It
// takes effect at once and starts no job.
func (e *Emulator) renameProxy(c *call) response {
	var req struct {
		Alias *string `json:"alias"`
	}
	_, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.Alias == nil {
		return badRequest("alias is required")
	}
	if fail := checkProxyName("alias", *req.Alias); fail != nil {
		return *fail
	}
	p.name = *req.Alias
	p.updatedAt = c.now
	return jsonResponse(http.StatusOK, resultJSON{Result: "success"})
}

// changePort is PUT /instances/{instance_id}/proxy/{proxy_id}/port. An
// unchanged port answers {} without a job, as the reference says.
func (e *Emulator) changePort(c *call) response {
	var req struct {
		Port *int `json:"port"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.Port == nil {
		return badRequest("port is required")
	}
	if fail := checkPort(*req.Port); fail != nil {
		return *fail
	}
	if *req.Port == p.port {
		return jsonResponse(http.StatusOK, struct{}{})
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	id, port := p.id, *req.Port
	j := e.startJob(c, inst, jobPort, []string{id},
		func(at time.Time) {
			if q := changed(inst, id, at); q != nil {
				q.port = port
			}
		}, nil)
	return jobAccepted(http.StatusOK, j)
}

// changeWeight is PUT /instances/{instance_id}/proxy/{proxy_id}/weight.
func (e *Emulator) changeWeight(c *call) response {
	var req struct {
		MasterWeight  *flexInt     `json:"master_weight"`
		ReadonlyNodes []nodeWeight `json:"readonly_nodes"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.MasterWeight == nil && len(req.ReadonlyNodes) == 0 {
		return badRequest("master_weight or readonly_nodes is required")
	}
	if req.MasterWeight != nil && (*req.MasterWeight < 0 || *req.MasterWeight > maxWeight) {
		return badRequest("master_weight %d is out of range 0..%d", *req.MasterWeight, maxWeight)
	}
	if fail := checkWeights(inst, "readonly_nodes", req.ReadonlyNodes, true); fail != nil {
		return *fail
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	updates := map[string]int{}
	if req.MasterWeight != nil {
		for _, n := range inst.nodes {
			if n.Role == "master" {
				updates[n.ID] = int(*req.MasterWeight)
			}
		}
	}
	for _, w := range req.ReadonlyNodes {
		updates[w.ID] = int(*w.Weight)
	}
	id := p.id
	p.status = StatusChangingWeight
	j := e.startJob(c, inst, jobWeight, []string{id},
		func(at time.Time) {
			if q := setActiveIfLive(inst, id); q != nil {
				for k, v := range updates {
					q.weights[k] = v
				}
				q.updatedAt = at
			}
		},
		func(time.Time) { setActiveIfLive(inst, id) },
	)
	return jobAccepted(http.StatusOK, j)
}
