// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"maps"
	"time"
)

// Inspection and seeding: what tests use to look behind the API. Every
// method brings jobs up to date first, so that what it shows matches what
// the API would answer at Config.Now.

// ProxyView is a snapshot of a proxy.
type ProxyView struct {
	InstanceID string
	PoolID     string
	Name       string
	Status     string
	FlavorRef  string
	NodeNum    int
	Port       int
	Mode       string         // proxy_mode: "readwrite" or "readonly" (listed as proxy.type)
	Weights    map[string]int // DB node ID -> read weight
	RouteMode  int
	SubnetID   string
	Address    string
	NodeIDs    []string // proxy node IDs (…pn01)
	// NewNodeAutoAddStatus is ON or OFF ("" = OFF when seeding).
	NewNodeAutoAddStatus string
	NewNodeWeight        int

	// The further settings. When seeding, a zero value takes the default
	// given in brackets.

	TransactionSplit   string // ON or OFF (OFF); listed as transaction_split
	ConsistenceMode    string // session, global or eventual (eventual); listed as consistence_mode
	ConnectionPoolType string // CLOSED or SESSION (CLOSED); listed as connection_pool_type
	SSL                bool   // listed as ssl_option "true"/"false"
	// ALT and ALTForReadonly are the switches of PUT .../alt (on = true).
	// No read model has them.
	ALT, ALTForReadonly bool
	// AccessControl is open_access_control (ShowProxyIpgroup's
	// enable_ip_group); AccessControlType white or black (white); and
	// AccessRules the list, in the order it was set.
	AccessControl     bool
	AccessControlType string
	AccessRules       []AccessRule
	// Parameters maps every parameter name (ProxyParameterNames) to its
	// value; seeding merges known names over the defaults.
	Parameters map[string]string
	// PrivateDNSName is the private DNS name ("" = none), listed as
	// dns_name (a key the SDK's model lacks; see proxyJSON.DNSName).
	PrivateDNSName string
	// Version is the kernel version (Config.NewProxyVersion).
	Version string
	// EIP is the bound elastic public IP ("" = none), listed as eip; EIPID
	// its public_ip_id.
	EIP, EIPID string

	// Read only: ignored by SeedProxy and UpdateProxy.

	Restarts  int       // completed restart jobs
	UpdatedAt time.Time // listed as updated_at
}

// AccessRule is one entry of a proxy's access-control list.
type AccessRule struct {
	IP          string
	Description string
}

func viewOf(inst *instance, p *proxy) ProxyView {
	v := ProxyView{
		InstanceID: inst.id, PoolID: p.id, Name: p.name, Status: p.status,
		FlavorRef: p.flavor, NodeNum: len(p.nodes), Port: p.port, Mode: p.mode,
		Weights: maps.Clone(p.weights), RouteMode: p.routeMode, SubnetID: p.subnetID,
		Address: p.address, NewNodeAutoAddStatus: p.newNodeAutoAdd, NewNodeWeight: p.newNodeWeight,
		TransactionSplit: p.transactionSplit, ConsistenceMode: p.consistenceMode,
		ConnectionPoolType: p.connectionPoolType, SSL: p.ssl, ALT: p.alt, ALTForReadonly: p.altReadonly,
		AccessControl: p.access.enabled, AccessControlType: p.access.listType, AccessRules: []AccessRule{},
		Parameters: maps.Clone(p.params), PrivateDNSName: p.privateDNS, Version: p.version,
		EIP: p.eip, EIPID: p.eipID, Restarts: p.restarts, UpdatedAt: p.updatedAt,
	}
	for _, n := range p.nodes {
		v.NodeIDs = append(v.NodeIDs, n.id)
	}
	for _, r := range p.access.rules {
		v.AccessRules = append(v.AccessRules, AccessRule{IP: r.ip, Description: r.description})
	}
	return v
}

// applySettings writes the further settings of a view to a proxy: every
// one when all is true (UpdateProxy), only the non-zero ones otherwise
// (SeedProxy, over the defaults).
func applySettings(p *proxy, v ProxyView, all bool) {
	set := func(dst *string, src string) {
		if all || src != "" {
			*dst = src
		}
	}
	set(&p.transactionSplit, v.TransactionSplit)
	set(&p.consistenceMode, v.ConsistenceMode)
	set(&p.connectionPoolType, v.ConnectionPoolType)
	set(&p.access.listType, v.AccessControlType)
	set(&p.privateDNS, v.PrivateDNSName)
	set(&p.version, v.Version)
	set(&p.eip, v.EIP)
	set(&p.eipID, v.EIPID)
	setBool := func(dst *bool, src bool) {
		if all || src {
			*dst = src
		}
	}
	setBool(&p.ssl, v.SSL)
	setBool(&p.alt, v.ALT)
	setBool(&p.altReadonly, v.ALTForReadonly)
	setBool(&p.access.enabled, v.AccessControl)
	if all || v.AccessRules != nil {
		p.access.rules = []accessRule{}
		for _, r := range v.AccessRules {
			p.access.rules = append(p.access.rules, accessRule{ip: r.IP, description: r.Description})
		}
	}
	for name, value := range v.Parameters {
		if _, known := p.params[name]; known {
			p.params[name] = value
		}
	}
}

func (e *Emulator) lockAdvance() func() {
	e.mu.Lock()
	e.advance(e.now())
	return e.mu.Unlock
}

// InstanceIDs lists the instances of every project in the order they were
// added (InstancesOf lists one project's).
func (e *Emulator) InstanceIDs() []string {
	defer e.lockAdvance()()
	return append([]string(nil), e.instanceOrder...)
}

// AddInstance adds an instance with one master and two read replicas to
// the first project and returns its ID.
func (e *Emulator) AddInstance() string {
	defer e.lockAdvance()()
	return e.addInstance(newInstanceID(), e.cfg.ProjectID).id
}

// InstanceNodes lists the DB nodes of an instance (nil if unknown): the
// master first, then the read replicas.
func (e *Emulator) InstanceNodes(instanceID string) []Node {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return nil
	}
	return append([]Node(nil), inst.nodes...)
}

// Proxies lists the instance's proxies that are not deleted, in creation
// order.
func (e *Emulator) Proxies(instanceID string) []ProxyView {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return nil
	}
	var out []ProxyView
	for _, p := range inst.live() {
		out = append(out, viewOf(inst, p))
	}
	return out
}

// Proxy returns one proxy that is not deleted.
func (e *Emulator) Proxy(instanceID, proxyID string) (ProxyView, bool) {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return ProxyView{}, false
	}
	p := inst.find(proxyID)
	if p == nil {
		return ProxyView{}, false
	}
	return viewOf(inst, p), true
}

// AllProxies lists the proxies that are not deleted, over all instances.
func (e *Emulator) AllProxies() []ProxyView {
	defer e.lockAdvance()()
	var out []ProxyView
	for _, id := range e.instanceOrder {
		inst := e.instances[id]
		for _, p := range inst.live() {
			out = append(out, viewOf(inst, p))
		}
	}
	return out
}

// RemoveProxy deletes a proxy out of band, as if through the console: it is
// gone at once (or listed DELETED for KeepDeleted). It reports whether the
// proxy existed.
func (e *Emulator) RemoveProxy(instanceID, proxyID string) bool {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return false
	}
	return inst.remove(proxyID, e.now(), e.cfg.KeepDeleted)
}

// SeedProxy creates a proxy directly, without a job (for import tests), and
// returns its pool_id ("" if the instance is unknown). Zero fields take the
// defaults of a create call; Status defaults to ACTIVE. Weights are merged
// over the defaults; unknown node IDs are ignored. The per-instance limit
// does not apply.
func (e *Emulator) SeedProxy(instanceID string, v ProxyView) string {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return ""
	}
	p := &proxy{
		id: v.PoolID, name: v.Name, status: v.Status, flavor: v.FlavorRef, mode: v.Mode,
		address: v.Address, subnetID: v.SubnetID, port: v.Port, routeMode: v.RouteMode,
		newNodeAutoAdd: v.NewNodeAutoAddStatus, newNodeWeight: v.NewNodeWeight,
		createdAt: e.now(), updatedAt: e.now(),
	}
	e.initSettings(p)
	applySettings(p, v, false)
	if p.newNodeAutoAdd == "" {
		p.newNodeAutoAdd = "OFF"
	}
	if p.id == "" {
		p.id = newPoolID()
	}
	if p.name == "" {
		p.name = "proxy-" + p.id[:min(4, len(p.id))]
	}
	if p.status == "" {
		p.status = StatusActive
	}
	if p.flavor == "" {
		p.flavor = defaultFlavor
	}
	if p.mode == "" {
		p.mode = modeReadWrite
	}
	if p.address == "" {
		p.address = e.nextAddress()
	}
	if p.subnetID == "" {
		p.subnetID = inst.subnetID
	}
	if p.port == 0 {
		p.port = defaultPort
	}
	n := v.NodeNum
	if n == 0 {
		n = minProxyNodes
	}
	p.nodes = e.newProxyNodes(n, 0)
	p.weights = inst.defaultWeights(p.mode)
	for id, w := range v.Weights {
		if _, known := p.weights[id]; known {
			p.weights[id] = w
		}
	}
	inst.proxies = append(inst.proxies, p)
	return p.id
}

// UpdateProxy changes a proxy out of band, as the console or another tool
// would (drift): edit gets the proxy's current view and changes it in
// place; then Name, Status, FlavorRef, NodeNum (nodes are added or removed
// at the end), Port, Mode, Weights (known DB nodes only), RouteMode,
// SubnetID, Address, NewNodeAutoAddStatus, NewNodeWeight and every further
// setting (TransactionSplit ... EIPID; Parameters for known names) are
// written back as they are, without the API's validation, and updated_at
// becomes now. InstanceID, PoolID, NodeIDs, Restarts and UpdatedAt are
// ignored. No job runs. It reports whether the proxy existed.
func (e *Emulator) UpdateProxy(instanceID, proxyID string, edit func(*ProxyView)) bool {
	defer e.lockAdvance()()
	inst, ok := e.instances[instanceID]
	if !ok {
		return false
	}
	p := inst.find(proxyID)
	if p == nil {
		return false
	}
	v := viewOf(inst, p)
	edit(&v)
	p.name, p.status, p.flavor, p.port, p.mode = v.Name, v.Status, v.FlavorRef, v.Port, v.Mode
	p.routeMode, p.subnetID, p.address = v.RouteMode, v.SubnetID, v.Address
	p.newNodeAutoAdd, p.newNodeWeight = v.NewNodeAutoAddStatus, v.NewNodeWeight
	switch n := max(v.NodeNum, 0); {
	case n > len(p.nodes):
		p.nodes = append(p.nodes, e.newProxyNodes(n-len(p.nodes), len(p.nodes))...)
	case n < len(p.nodes):
		p.nodes = p.nodes[:n]
	}
	for id, w := range v.Weights {
		if _, known := inst.node(id); known {
			p.weights[id] = w
		}
	}
	applySettings(p, v, true)
	p.updatedAt = e.now()
	return true
}

// InstanceVPCID is the VPC of an instance ("" if unknown): the vpc_id that
// PUT .../proxy/{proxy_id}/dns requires, and that the instance detail (GET
// /instances/{instance_id}) answers.
func (e *Emulator) InstanceVPCID(instanceID string) string {
	defer e.lockAdvance()()
	if inst, ok := e.instances[instanceID]; ok {
		return inst.vpcID
	}
	return ""
}
