package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Proxy status values the emulator uses (a subset of the documented ones).
// Flavor, port and node-removal jobs keep the proxy ACTIVE: the reference
// names no status for them.
const (
	StatusActive         = "ACTIVE"
	StatusEnabling       = "ENABLING PROXY"
	StatusDisabling      = "DISABLING PROXY"
	StatusDeleted        = "DELETED"
	StatusAddingNode     = "ADDING PROXY NODE"
	StatusChangingWeight = "CHANGING WEIGHT"
)

const (
	defaultFlavor         = "gaussdb.proxy.large.x86.2"
	defaultPort           = 3306
	defaultWeight         = 100
	defaultDelayThreshold = 30
	minProxyNodes         = 2
	maxProxyNodes         = 32
	maxWeight             = 1000
	modeReadWrite         = "readwrite"
	modeReadOnly          = "readonly"
)

// Node is a DB node of an instance, i.e. something a proxy routes reads to.
type Node struct {
	ID   string
	Name string
	Role string // "master" or "slave"
}

type instance struct {
	id, name string
	nodes    []Node
	subnetID string
	proxies  []*proxy // creation order; DELETED ones stay while KeepDeleted lasts
}

type proxy struct {
	id, name, status, flavor string
	mode                     string // proxy_mode from creation; the list does not show it
	address, subnetID        string
	port, routeMode          int
	nodes                    []proxyNode
	weights                  map[string]int // DB node ID -> read weight
	newNodeAutoAdd           string
	newNodeWeight            int
	transactionSplit         string
	deletedAt                time.Time
}

type proxyNode struct{ id, name, role, az string }

func (e *Emulator) addInstance(id string) *instance {
	inst := &instance{id: id, name: "gauss-" + id[:min(4, len(id))], subnetID: newUUID()}
	inst.nodes = []Node{{ID: newNodeID(), Name: inst.name + "_node01", Role: "master"}}
	for i := 2; i <= 3; i++ {
		inst.nodes = append(inst.nodes, Node{ID: newNodeID(), Name: fmt.Sprintf("%s_node%02d", inst.name, i), Role: "slave"})
	}
	e.instances[id] = inst
	e.instanceOrder = append(e.instanceOrder, id)
	return inst
}

// find returns a proxy that is not deleted.
func (inst *instance) find(id string) *proxy {
	for _, p := range inst.proxies {
		if p.id == id && p.status != StatusDeleted {
			return p
		}
	}
	return nil
}

func (inst *instance) live() []*proxy {
	var out []*proxy
	for _, p := range inst.proxies {
		if p.status != StatusDeleted {
			out = append(out, p)
		}
	}
	return out
}

func (inst *instance) node(id string) (Node, bool) {
	for _, n := range inst.nodes {
		if n.ID == id {
			return n, true
		}
	}
	return Node{}, false
}

// remove deletes a proxy for good, or marks it DELETED when deleted proxies
// are kept listed for a while.
func (inst *instance) remove(id string, at time.Time, keep time.Duration) bool {
	for i, p := range inst.proxies {
		if p.id != id || p.status == StatusDeleted {
			continue
		}
		if keep > 0 {
			p.status, p.deletedAt = StatusDeleted, at
		} else {
			inst.proxies = append(inst.proxies[:i], inst.proxies[i+1:]...)
		}
		return true
	}
	return false
}

func (inst *instance) purgeDeleted(now time.Time, keep time.Duration) {
	kept := inst.proxies[:0]
	for _, p := range inst.proxies {
		if p.status == StatusDeleted && !now.Before(p.deletedAt.Add(keep)) {
			continue
		}
		kept = append(kept, p)
	}
	inst.proxies = kept
}

// defaultWeights gives every DB node a read weight, except the master of a
// read-only proxy, which takes no reads.
func (inst *instance) defaultWeights(mode string) map[string]int {
	w := map[string]int{}
	for _, n := range inst.nodes {
		w[n.ID] = defaultWeight
		if n.Role == "master" && mode == modeReadOnly {
			w[n.ID] = 0
		}
	}
	return w
}

func (e *Emulator) nextAddress() string {
	e.addrSeq++
	return fmt.Sprintf("192.168.%d.%d", 1+e.addrSeq/200, 10+e.addrSeq%200)
}

func newProxyNodes(n, start int) []proxyNode {
	out := make([]proxyNode, 0, n)
	for i := start; i < start+n; i++ {
		role := "slave"
		if i == 0 {
			role = "master"
		}
		out = append(out, proxyNode{id: newProxyNodeID(), name: fmt.Sprintf("proxy-node-%d", i+1), role: role, az: fmt.Sprintf("az%d", i%3+1)})
	}
	return out
}

var proxyNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{3,63}$`)

func checkProxyName(field, name string) *response {
	if proxyNameRE.MatchString(name) {
		return nil
	}
	r := badRequest("%s %q is not valid: it must be 4 to 64 characters, start with a letter and contain only letters, digits, hyphens (-) and underscores (_)", field, name)
	return &r
}

// Flavors: "gaussdb.proxy.<size>.<arch>.<ratio>", where the size gives the
// vCPUs and the trailing ratio the GB of memory per vCPU (so
// gaussdb.proxy.large.x86.2 has 2 vCPUs and 4 GB).
var (
	flavorSizes = []struct {
		name  string
		vcpus int
	}{{"large", 2}, {"xlarge", 4}, {"2xlarge", 8}, {"4xlarge", 16}, {"8xlarge", 32}}
	flavorArches = []string{"x86", "arm"}
	flavorRatios = []int{2, 4}
)

// flavorSpec parses a flavor reference; ok is false for unknown flavors.
func flavorSpec(ref string) (vcpus, ram int, ok bool) {
	rest, found := strings.CutPrefix(ref, "gaussdb.proxy.")
	if !found {
		return 0, 0, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return 0, 0, false
	}
	ratio, err := strconv.Atoi(parts[2])
	if err != nil || !slices.Contains(flavorRatios, ratio) || !slices.Contains(flavorArches, parts[1]) {
		return 0, 0, false
	}
	for _, s := range flavorSizes {
		if s.name == parts[0] {
			return s.vcpus, s.vcpus * ratio, true
		}
	}
	return 0, 0, false
}

func checkFlavor(ref string) *response {
	if ref == "" {
		r := badRequest("flavor_ref is required")
		return &r
	}
	if _, _, ok := flavorSpec(ref); !ok {
		r := badRequest("flavor_ref %q is not a known proxy flavor; see GET /proxy-flavors (for example %s)", ref, defaultFlavor)
		return &r
	}
	return nil
}

// Ports the real service reserves; the rest of 1025..65534 is allowed.
var reservedPorts = []int{5342, 5343, 5344, 5345, 12017, 20000, 20201, 20202, 33060, 33062, 33071}

func checkPort(port int) *response {
	if port < 1025 || port > 65534 || slices.Contains(reservedPorts, port) {
		r := badRequest("port %d is not allowed: use 1025 to 65534, except %v", port, reservedPorts)
		return &r
	}
	return nil
}
