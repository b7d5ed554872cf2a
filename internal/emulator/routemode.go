// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"time"
)

// routeModeRequest is the SDK's ModifyGaussMySqlProxyRouteModeRequestBody.
// Pointers tell an absent field from a zero one: the rules for
// master_weight depend on whether it was sent.
type routeModeRequest struct {
	RouteMode            *int         `json:"route_mode"`
	MasterWeight         *flexInt     `json:"master_weight"`
	ReadonlyNodes        []nodeWeight `json:"readonly_nodes"`
	NewNodeAutoAddStatus *string      `json:"new_node_auto_add_status"`
	NewNodeWeight        *int         `json:"new_node_weight"`
}

// impliedMasterWeight is the master_weight the load-balancing modes require
// (the SDK: 0 for mode 1, 1 for mode 2); ok is false for mode 0, where any
// weight 0..1000 goes.
func impliedMasterWeight(mode int) (weight int, ok bool) {
	switch mode {
	case routeBalanceNoMaster:
		return 0, true
	case routeBalanceMaster:
		return 1, true
	}
	return 0, false
}

// checkRouteWeights validates read replica weights for a route mode: 0..1000
// when weighted, 0 or 1 (out of or in the pool) when load balancing.
func checkRouteWeights(inst *instance, mode int, ws []nodeWeight) *response {
	if fail := checkWeights(inst, "readonly_nodes", ws, true); fail != nil {
		return fail
	}
	if mode == routeWeighted {
		return nil
	}
	for i, w := range ws {
		if *w.Weight != 0 && *w.Weight != 1 {
			r := badRequest("readonly_nodes[%d].weight %d is not valid for route_mode %d: use 0 or 1", i, *w.Weight, mode)
			return &r
		}
	}
	return nil
}

// changeRouteMode is PUT /instances/{instance_id}/proxy/{proxy_id}/route-mode.
// The mode, weights and new-node settings change when the job completes. The
// proxy stays ACTIVE meanwhile: the reference documents no status for it.
func (e *Emulator) changeRouteMode(c *call) response {
	var req routeModeRequest
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.RouteMode == nil {
		return badRequest("route_mode is required")
	}
	mode := *req.RouteMode
	if fail := e.checkRouteMode(mode); fail != nil {
		return *fail
	}
	masterWeight, fixed := impliedMasterWeight(mode)
	switch {
	case req.MasterWeight == nil:
	case fixed && int(*req.MasterWeight) != masterWeight:
		return badRequest("master_weight %d is not valid for route_mode %d: it must be %d", *req.MasterWeight, mode, masterWeight)
	case *req.MasterWeight < 0 || *req.MasterWeight > maxWeight:
		return badRequest("master_weight %d is out of range 0..%d", *req.MasterWeight, maxWeight)
	default:
		masterWeight = int(*req.MasterWeight)
	}
	if fail := checkRouteWeights(inst, mode, req.ReadonlyNodes); fail != nil {
		return *fail
	}
	if s := req.NewNodeAutoAddStatus; s != nil && *s != "ON" && *s != "OFF" {
		return badRequest("new_node_auto_add_status %q is not valid: use ON or OFF", *s)
	}
	if w := req.NewNodeWeight; w != nil && (*w < 0 || *w > maxWeight) {
		return badRequest("new_node_weight %d is out of range 0..%d", *w, maxWeight)
	}
	if s := req.NewNodeAutoAddStatus; s != nil && *s == switchOn && e.cfg.NotWhitelisted {
		return notWhitelisted(featureNewNodeAutoAdd)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}

	setMaster := fixed || req.MasterWeight != nil
	replicas := map[string]int{}
	for _, w := range req.ReadonlyNodes {
		replicas[w.ID] = int(*w.Weight)
	}
	autoAdd, newWeight := req.NewNodeAutoAddStatus, req.NewNodeWeight
	id := p.id
	j := e.startJob(c, inst, jobRouteMode, []string{id},
		func(at time.Time) {
			q := changed(inst, id, at)
			if q == nil {
				return
			}
			q.routeMode = mode
			for _, n := range inst.nodes {
				w, listed := replicas[n.ID]
				switch {
				case n.Role == "master" && setMaster:
					q.weights[n.ID] = masterWeight
				case listed:
					q.weights[n.ID] = w
				case n.Role != "master" && mode != routeWeighted:
					// When load balancing, a weight only says whether
					// the node takes reads, so replicas left out keep
					// their in-or-out state as 0 or 1.
					q.weights[n.ID] = min(q.weights[n.ID], 1)
				}
			}
			if autoAdd != nil {
				q.newNodeAutoAdd = *autoAdd
			}
			if newWeight != nil {
				q.newNodeWeight = *newWeight
			}
		}, nil)
	return jobAccepted(http.StatusOK, j)
}
