// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strconv"
)

// JSON shapes of GET /instances/{instance_id}/proxies, after the SDK's
// ShowGaussMySqlProxyListResponse: exactly its keys, and one more the real
// API is known to send (proxy.dns_name, see proxyJSON.DNSName); the
// contract tests in internal/contract hold the emulator to that.

type proxyListJSON struct {
	ProxyList []proxyEntryJSON `json:"proxy_list"`
}

// proxyEntryJSON is MysqlShowProxyResponseV3.
type proxyEntryJSON struct {
	Proxy         proxyJSON    `json:"proxy"`
	MasterNode    dbNodeJSON   `json:"master_node"`
	ReadonlyNodes any          `json:"readonly_nodes"` // []dbNodeJSON, or one dbNodeJSON (ReadonlyNodesAsObject)
	HTAPNodes     []dbNodeJSON `json:"htap_nodes"`
}

// proxyJSON is MysqlProxyV3.
type proxyJSON struct {
	PoolID         string `json:"pool_id"`
	Status         string `json:"status"`
	Address        string `json:"address"`
	Port           int    `json:"port"`
	PoolStatus     string `json:"pool_status"`
	DelayThreshold int    `json:"delay_threshold_in_seconds"`
	ElbVip         string `json:"elb_vip"`
	// Eip is the bound elastic public IP, absent while none is bound (the
	// public reference provider waits for the key to go after unbinding).
	Eip     *string `json:"eip,omitempty"`
	Vcpus   string  `json:"vcpus"`
	RAM     string  `json:"ram"`
	NodeNum int     `json:"node_num"`
	// Type is the proxy_mode given at creation: readwrite or readonly.
	Type          string          `json:"type"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	SupportApNode bool            `json:"support_ap_node"`
	Mode          string          `json:"mode"` // the deployment mode ("Cluster"), not proxy_mode
	Nodes         []proxyNodeJSON `json:"nodes"`
	FlavorRef     string          `json:"flavor_ref"`
	Name          string          `json:"name"`
	// TransactionSplit is ON or OFF.
	TransactionSplit string `json:"transaction_split"`
	// ConnectionPoolType is CLOSED or SESSION.
	ConnectionPoolType              string `json:"connection_pool_type"`
	SwitchConnectionPoolTypeEnabled bool   `json:"switch_connection_pool_type_enabled"`
	RouteMode                       int    `json:"route_mode"`
	BalanceRouteModeEnabled         bool   `json:"balance_route_mode_enabled"`
	ConsistenceMode                 string `json:"consistence_mode"`
	SubnetID                        string `json:"subnet_id"`
	// SSLOption is "true" or "false": a string, not a bool, in the SDK.
	SSLOption            string `json:"ssl_option"`
	NewNodeAutoAddStatus string `json:"new_node_auto_add_status"`
	NewNodeWeight        int    `json:"new_node_weight"`
	// DNSName is the proxy's private DNS name, absent while it has none.
	// It is the one key here that the SDK's MysqlProxyV3 (v0.1.207) lacks:
	// huaweicloud/terraform-provider-huaweicloud's
	// resource_huaweicloud_taurusdb_proxy.go reads proxy.dns_name from this
	// very list (and takes its first dot-separated label as the prefix),
	// and its acceptance tests run against the real cloud, so the real API
	// sends it. The reference and the SDK disagree; the emulator follows
	// the reference, and clients must treat the key as optional, which
	// covers both. The contract tests allow exactly this key ("beyond").
	DNSName *string `json:"dns_name,omitempty"`
}

// proxyNodeJSON is MysqlProxyNodes: a node of the proxy itself.
type proxyNodeJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	AzCode string `json:"az_code"`
	// FrozenFlag: 0 not frozen, 1 frozen, 2 frozen and being deleted.
	FrozenFlag int `json:"frozen_flag"`
}

// dbNodeJSON is MysqlProxyNodeV3: a DB node behind the proxy.
type dbNodeJSON struct {
	ID         string `json:"id"`
	InstanceID string `json:"instance_id"`
	Status     string `json:"status"`
	Name       string `json:"name"`
	Weight     int    `json:"weight"`
	// AvailabilityZone is an array of {code, description} (the SDK's
	// MysqlProxyAvailable), not a string.
	AvailabilityZone []azJSON `json:"availability_zone"`
}

type azJSON struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// proxyTime is the layout of created_at and updated_at. The reference gives
// no example for proxies; this is the layout of the same API's other times
// ("yyyy-mm-ddThh:mm:ssZ" with a +hhmm offset, e.g. job.created).
const proxyTime = jobTime

// pagination reads offset (default 0, >= 0) and limit (default 10, 1..100).
func pagination(c *call) (offset, limit int, fail *response) {
	offset, limit = 0, 10
	if v, ok := c.queryValue("offset"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			r := badRequest("offset %q is not valid: it must be an integer of at least 0", v)
			return 0, 0, &r
		}
		offset = n
	}
	if v, ok := c.queryValue("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			r := badRequest("limit %q is not valid: it must be an integer from 1 to 100", v)
			return 0, 0, &r
		}
		limit = n
	}
	return offset, limit, nil
}

// listProxies is GET /instances/{instance_id}/proxies, in creation order.
func (e *Emulator) listProxies(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	offset, limit, fail := pagination(c)
	if fail != nil {
		return *fail
	}
	all := inst.proxies
	out := proxyListJSON{ProxyList: []proxyEntryJSON{}}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		out.ProxyList = append(out.ProxyList, e.renderProxy(inst, all[i]))
	}
	return jsonResponse(http.StatusOK, out)
}

func (e *Emulator) renderProxy(inst *instance, p *proxy) proxyEntryJSON {
	vcpus, ram, ok := flavorSpec(p.flavor)
	if !ok {
		vcpus, ram = 2, 4 // seeded proxies may carry any flavor string
	}
	pool := poolActive
	switch p.status {
	case StatusEnabling:
		pool = poolBuild
	case StatusDeleted:
		pool = poolDeleted
	}
	pj := proxyJSON{
		PoolID: p.id, Status: p.status, Address: p.address, Port: p.port,
		PoolStatus: pool, DelayThreshold: defaultDelayThreshold,
		// The read/write address is the VIP of the proxy's load balancer.
		ElbVip: p.address,
		Vcpus:  strconv.Itoa(vcpus), RAM: strconv.Itoa(ram),
		NodeNum: len(p.nodes), Type: p.mode,
		CreatedAt: p.createdAt.UTC().Format(proxyTime), UpdatedAt: p.updatedAt.UTC().Format(proxyTime),
		// No HTAP (AP) nodes are emulated, so htap_nodes stays empty.
		SupportApNode: false,
		Mode:          "Cluster", Nodes: []proxyNodeJSON{},
		FlavorRef: p.flavor, Name: p.name, TransactionSplit: p.transactionSplit,
		ConnectionPoolType: p.connectionPoolType, SwitchConnectionPoolTypeEnabled: e.sessionPoolSupported(p),
		RouteMode: p.routeMode, BalanceRouteModeEnabled: !e.cfg.NoBalanceRouteMode,
		ConsistenceMode: p.consistenceMode, SubnetID: p.subnetID, SSLOption: strconv.FormatBool(p.ssl),
		NewNodeAutoAddStatus: p.newNodeAutoAdd, NewNodeWeight: p.newNodeWeight,
	}
	if p.eip != "" {
		eip := p.eip
		pj.Eip = &eip
	}
	if p.privateDNS != "" {
		name := p.privateDNS
		pj.DNSName = &name
	}
	for _, n := range p.nodes {
		pj.Nodes = append(pj.Nodes, proxyNodeJSON{ID: n.id, Status: StatusActive, Name: n.name, Role: n.role, AzCode: n.az})
	}
	entry := proxyEntryJSON{Proxy: pj, HTAPNodes: []dbNodeJSON{}}
	readonly := []dbNodeJSON{}
	for _, n := range inst.nodes {
		dn := dbNodeJSON{
			ID: n.ID, InstanceID: inst.id, Status: StatusActive, Name: n.Name, Weight: p.weights[n.ID],
			AvailabilityZone: []azJSON{{Code: n.AZ, Description: e.azDescription(n.AZ)}},
		}
		if n.Role == "master" {
			entry.MasterNode = dn
		} else {
			readonly = append(readonly, dn)
		}
	}
	entry.ReadonlyNodes = readonly
	if e.cfg.ReadonlyNodesAsObject {
		entry.ReadonlyNodes = nil
		if len(readonly) > 0 {
			entry.ReadonlyNodes = readonly[0]
		}
	}
	return entry
}
