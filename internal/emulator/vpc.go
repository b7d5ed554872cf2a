// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The VPC service's EIP listing, GET /v1/{project_id}/publicips
// (ListPublicips of the SDK's eip/v2 service, answer PublicipShowResp),
// which the provider uses to find an EIP's ID (public_ip_id) from its
// address: the proxy list shows the bound address only.
//
// Which EIPs exist: those of Config.PublicIPs and Project.PublicIPs, those
// AddPublicIP adds, and every address a proxy bind call accepted
// (network.go bindEIP). The last rule keeps the listing agreeing with the
// binds without a test having to register each EIP: a bind with an
// unknown address registers it, in the instance's project, with the bind's
// public_ip_id. A bind that contradicts a seeded or added EIP (its address
// with another ID, or its ID with another address) is refused (400), as
// the real service refuses an EIP that does not exist. So after a bind,
// the listing by address gives back the bound public_ip_id: an import that
// reads public_ip_id from here is proved by the request log showing the
// VPC call.

var vpcRoutes = []route{
	{"GET", "/publicips", (*Emulator).listPublicIPs}, // ListPublicips
}

// PublicIP is an elastic public IP of a project.
type PublicIP struct {
	ID      string // a UUID; "" = generated
	Address string // IPv4
}

type publicIP struct {
	projectID, id, address string
	bound                  bool // registered by a bind call, not seeded or added
	created                time.Time
}

// addPublicIP registers an EIP; the caller holds the lock or is New.
func (e *Emulator) addPublicIP(projectID string, ip PublicIP, byBind bool) *publicIP {
	if ip.ID == "" {
		ip.ID = newUUID()
	}
	p := &publicIP{projectID: projectID, id: ip.ID, address: ip.Address, bound: byBind, created: e.now()}
	e.publicIPs = append(e.publicIPs, p)
	return p
}

// AddPublicIP registers an EIP in the project (an ID "" gets a generated
// UUID) and returns its ID, or "" if the project is unknown.
func (e *Emulator) AddPublicIP(projectID string, ip PublicIP) string {
	defer e.lockAdvance()()
	if _, ok := e.projectByID(projectID); !ok {
		return ""
	}
	return e.addPublicIP(projectID, ip, false).id
}

// PublicIPs lists the project's EIPs (seeded, added and bound), in the
// order they became known.
func (e *Emulator) PublicIPs(projectID string) []PublicIP {
	defer e.lockAdvance()()
	var out []PublicIP
	for _, p := range e.publicIPs {
		if p.projectID == projectID {
			out = append(out, PublicIP{ID: p.id, Address: p.address})
		}
	}
	return out
}

// registerBoundEIP applies the rule above to a bind of address with id in
// the project: nil if the bind may go on, else the 400 to answer.
func (e *Emulator) registerBoundEIP(projectID, address, id string) *response {
	for _, p := range e.publicIPs {
		if p.projectID != projectID || (p.address != address && p.id != id) {
			continue
		}
		if p.address == address && p.id == id {
			return nil
		}
		if p.bound && p.address == address && !e.eipInUse(address, "") {
			// Registered by an earlier bind, now unbound: this bind
			// names its ID afresh.
			p.id = id
			return nil
		}
		r := badRequest("public_ip_id %s and public_ip %s do not name the same EIP (the project has %s with the ID %s)", id, address, p.address, p.id)
		return &r
	}
	e.addPublicIP(projectID, PublicIP{ID: id, Address: address}, true)
	return nil
}

// boundProxy is the live proxy of the project that has address bound.
func (e *Emulator) boundProxy(projectID, address string) *proxy {
	for _, id := range e.instanceOrder {
		inst := e.instances[id]
		if inst.projectID != projectID {
			continue
		}
		for _, q := range inst.live() {
			if q.eip == address {
				return q
			}
		}
	}
	return nil
}

// listPublicIPs is GET /v1/{project_id}/publicips. public_ip_address and
// id may repeat (the SDK sends a list as repeated keys) and filter by any
// of their values; ip_version 6 finds nothing (the EIPs here are IPv4);
// limit and marker (the last ID of the previous page) page the answer.
func (e *Emulator) listPublicIPs(c *call) response {
	q := c.query
	if bad := c.query["public_ip_address"]; len(bad) > 0 {
		for _, a := range bad {
			if net.ParseIP(a) == nil {
				return badRequest("public_ip_address %q is not an IP address", a)
			}
		}
	}
	limit := 0
	if v, ok := c.queryValue("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			return badRequest("limit %q must be an integer from 1 to 2000", v)
		}
		limit = n
	}
	marker, hasMarker := c.queryValue("marker")
	started := !hasMarker
	out := []map[string]any{}
	for _, p := range e.publicIPs {
		if p.projectID != c.projectID {
			continue
		}
		if !started {
			started = p.id == marker
			continue
		}
		if (len(q["public_ip_address"]) > 0 && !slices.Contains(q["public_ip_address"], p.address)) ||
			(len(q["id"]) > 0 && !slices.Contains(q["id"], p.id)) ||
			(len(q["ip_version"]) > 0 && !slices.Contains(q["ip_version"], "4")) {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, e.publicIPJSON(p))
	}
	return jsonResponse(http.StatusOK, map[string]any{"publicips": out})
}

// publicIPJSON is one PublicipShowResp. port_id and private_ip_address
// are sent only for a bound EIP (the SDK: "only returned when bound");
// status is ACTIVE then, DOWN otherwise.
func (e *Emulator) publicIPJSON(p *publicIP) map[string]any {
	row := map[string]any{
		"id":                          p.id,
		"public_ip_address":           p.address,
		"status":                      "DOWN",
		"type":                        "5_bgp",
		"ip_version":                  4,
		"bandwidth_id":                stableUUID("bandwidth:" + p.id),
		"bandwidth_name":              "bandwidth-" + p.id[:4],
		"bandwidth_share_type":        "PER",
		"bandwidth_size":              5,
		"create_time":                 p.created.UTC().Format("2006-01-02 15:04:05"),
		"enterprise_project_id":       "0",
		"tenant_id":                   p.projectID,
		"public_border_group":         "center",
		"allow_share_bandwidth_types": []string{"share"},
		"alias":                       "eip-" + p.address,
	}
	if q := e.boundProxy(p.projectID, p.address); q != nil {
		row["status"] = "ACTIVE"
		row["port_id"] = stableUUID("port:" + q.id)
		row["private_ip_address"] = q.address
	}
	return row
}
