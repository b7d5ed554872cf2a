package emulator

import "maps"

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
}

func viewOf(inst *instance, p *proxy) ProxyView {
	v := ProxyView{
		InstanceID: inst.id, PoolID: p.id, Name: p.name, Status: p.status,
		FlavorRef: p.flavor, NodeNum: len(p.nodes), Port: p.port, Mode: p.mode,
		Weights: maps.Clone(p.weights), RouteMode: p.routeMode, SubnetID: p.subnetID,
		Address: p.address, NewNodeAutoAddStatus: p.newNodeAutoAdd, NewNodeWeight: p.newNodeWeight,
	}
	for _, n := range p.nodes {
		v.NodeIDs = append(v.NodeIDs, n.id)
	}
	return v
}

func (e *Emulator) lockAdvance() func() {
	e.mu.Lock()
	e.advance(e.now())
	return e.mu.Unlock
}

// InstanceIDs lists the instances in the order they were added.
func (e *Emulator) InstanceIDs() []string {
	defer e.lockAdvance()()
	return append([]string(nil), e.instanceOrder...)
}

// AddInstance adds an instance with one master and two read replicas and
// returns its ID.
func (e *Emulator) AddInstance() string {
	defer e.lockAdvance()()
	return e.addInstance(newInstanceID()).id
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
		newNodeAutoAdd: v.NewNodeAutoAddStatus, newNodeWeight: v.NewNodeWeight, transactionSplit: "OFF",
		createdAt: e.now(), updatedAt: e.now(),
	}
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
