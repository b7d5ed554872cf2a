package emulator

import (
	"net/http"
	"strconv"
)

// JSON shapes of GET /instances/{instance_id}/proxies.

type proxyListJSON struct {
	ProxyList  []proxyEntryJSON `json:"proxy_list"`
	TotalCount int              `json:"total_count"`
}

type proxyEntryJSON struct {
	Proxy         proxyJSON  `json:"proxy"`
	MasterNode    dbNodeJSON `json:"master_node"`
	ReadonlyNodes any        `json:"readonly_nodes"` // []dbNodeJSON, or one dbNodeJSON (ReadonlyNodesAsObject)
}

type proxyJSON struct {
	PoolID           string          `json:"pool_id"`
	Status           string          `json:"status"`
	Address          string          `json:"address"`
	Port             int             `json:"port"`
	PoolStatus       string          `json:"pool_status"`
	DelayThreshold   int             `json:"delay_threshold_in_seconds"`
	ElbVip           string          `json:"elb_vip"`
	Eip              string          `json:"eip"`
	Vcpus            string          `json:"vcpus"`
	RAM              string          `json:"ram"`
	NodeNum          int             `json:"node_num"`
	Mode             string          `json:"mode"` // the deployment mode ("Cluster"), not proxy_mode
	Nodes            []proxyNodeJSON `json:"nodes"`
	Name             string          `json:"name"`
	FlavorRef        string          `json:"flavor_ref"`
	TransactionSplit string          `json:"transaction_split"`
	SubnetID         string          `json:"subnet_id"`
	RouteMode        int             `json:"route_mode"`
}

type proxyNodeJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	AzCode     string `json:"az_code"`
	FrozenFlag int    `json:"frozen_flag"`
}

type dbNodeJSON struct {
	ID               string `json:"id"`
	InstanceID       string `json:"instance_id"`
	Status           string `json:"status"`
	Name             string `json:"name"`
	Weight           int    `json:"weight"`
	AvailabilityZone string `json:"availability_zone"`
}

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
	out := proxyListJSON{ProxyList: []proxyEntryJSON{}, TotalCount: len(all)}
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
	pj := proxyJSON{
		PoolID: p.id, Status: p.status, Address: p.address, Port: p.port,
		PoolStatus: p.status, DelayThreshold: defaultDelayThreshold,
		Vcpus: strconv.Itoa(vcpus), RAM: strconv.Itoa(ram),
		NodeNum: len(p.nodes), Mode: "Cluster", Nodes: []proxyNodeJSON{},
		Name: p.name, FlavorRef: p.flavor, TransactionSplit: p.transactionSplit,
		SubnetID: p.subnetID, RouteMode: p.routeMode,
	}
	for _, n := range p.nodes {
		pj.Nodes = append(pj.Nodes, proxyNodeJSON{ID: n.id, Status: StatusActive, Name: n.name, Role: n.role, AzCode: n.az})
	}
	entry := proxyEntryJSON{Proxy: pj}
	readonly := []dbNodeJSON{}
	for i, n := range inst.nodes {
		dn := dbNodeJSON{ID: n.ID, InstanceID: inst.id, Status: StatusActive, Name: n.Name, Weight: p.weights[n.ID], AvailabilityZone: "az" + strconv.Itoa(i%3+1)}
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

type flavorGroupJSON struct {
	GroupType string       `json:"group_type"`
	Flavors   []flavorJSON `json:"proxy_flavors"`
}

type flavorJSON struct {
	ID       string            `json:"id"`
	SpecCode string            `json:"spec_code"`
	Vcpus    string            `json:"vcpus"`
	RAM      string            `json:"ram"`
	DBType   string            `json:"db_type"`
	AzStatus map[string]string `json:"az_status"`
}

// listFlavors is GET /instances/{instance_id}/proxy-flavors: every flavor
// that create and change-flavor accept, grouped by architecture.
func (e *Emulator) listFlavors(c *call) response {
	if _, fail := e.instanceOf(c); fail != nil {
		return *fail
	}
	var groups []flavorGroupJSON
	for _, arch := range flavorArches {
		g := flavorGroupJSON{GroupType: arch, Flavors: []flavorJSON{}}
		for _, s := range flavorSizes {
			for _, ratio := range flavorRatios {
				code := "gaussdb.proxy." + s.name + "." + arch + "." + strconv.Itoa(ratio)
				g.Flavors = append(g.Flavors, flavorJSON{
					ID: stableUUID(code), SpecCode: code,
					Vcpus: strconv.Itoa(s.vcpus), RAM: strconv.Itoa(s.vcpus * ratio),
					DBType: "gaussdb-mysql", AzStatus: map[string]string{"az1": "normal", "az2": "normal", "az3": "normal"},
				})
			}
		}
		groups = append(groups, g)
	}
	return jsonResponse(http.StatusOK, map[string]any{"proxy_flavor_groups": groups})
}
