// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Proxy status values the emulator uses (a subset of the documented ones).
// Flavor, port, node-removal and route-mode jobs keep the proxy ACTIVE: the
// reference names no status for them.
const (
	StatusActive     = "ACTIVE"
	StatusEnabling   = "ENABLING PROXY"
	StatusDisabling  = "DISABLING PROXY"
	StatusDeleted    = "DELETED"
	StatusAddingNode = "ADDING PROXY NODE"
	// StatusChangingWeight is spelled with a final S, as in the SDK's
	// MysqlProxyV3 comment and the Chinese API reference; this project's API
	// notes say "CHANGING WEIGHT". The SDK is the newer source.
	StatusChangingWeight = "CHANGING WEIGHTS"
)

// pool_status has its own, shorter vocabulary (the SDK lists ACTIVE,
// ABNORMAL, FAILED and DELETED); BUILD is what the older reference used for
// a proxy still being created, and no newer value covers that case.
const (
	poolActive  = "ACTIVE"
	poolBuild   = "BUILD"
	poolDeleted = "DELETED"
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
	// The proxy engine the project-level flavor call takes in
	// proxy_engine_name (the only value the SDK documents).
	proxyEngineName = "taurusproxy"
)

// Route modes (route_mode): 0 weighted; 1 load balancing, the primary takes
// no reads; 2 load balancing, the primary takes reads.
const (
	routeWeighted        = 0
	routeBalanceNoMaster = 1
	routeBalanceMaster   = 2
)

// Node is a DB node of an instance, i.e. something a proxy routes reads to.
type Node struct {
	ID   string
	Name string
	Role string // "master" or "slave"
	AZ   string // availability zone code, e.g. cn-north-4a
}

type instance struct {
	id, name        string
	projectID       string // the project whose URLs reach it
	nodes           []Node
	subnetID        string
	vpcID           string // the VPC of the instance (and of its proxies' private DNS zone)
	securityGroupID string
	writeIP         string    // the primary's private address (private_write_ips)
	createdAt       time.Time // when the emulator added it
	proxies         []*proxy  // creation order; DELETED ones stay while KeepDeleted lasts
}

type proxy struct {
	id, name, status, flavor string
	mode                     string // proxy_mode from creation, listed as proxy.type
	address, subnetID        string
	port, routeMode          int
	nodes                    []proxyNode
	weights                  map[string]int // DB node ID -> read weight
	newNodeAutoAdd           string
	newNodeWeight            int
	createdAt, updatedAt     time.Time
	deletedAt                time.Time

	// Settings of the further calls (settings.go, access.go,
	// parameters.go, network.go, kernel.go).
	transactionSplit   string // ON or OFF
	consistenceMode    string // session, global or eventual
	connectionPoolType string // CLOSED or SESSION
	ssl                bool
	alt, altReadonly   bool // ALT (settings.go): listed nowhere, see ProxyView
	access             accessControl
	params             map[string]string // parameter name -> value
	privateDNS         string            // "" until applied for
	version            string            // proxy kernel version
	eip, eipID         string            // "" while no EIP is bound
	restarts           int               // completed restarts
}

// Defaults of a new proxy's settings. consistence_mode is eventual: the
// public reference provider switches it only when asked for something else,
// as it does for transaction_split (OFF) and connection_pool_type (CLOSED).
const (
	defaultConsistence = consistEventual
	poolClosed         = "CLOSED"
	poolSession        = "SESSION"
	switchOn           = "ON"
	switchOff          = "OFF"
)

// initSettings gives a new proxy the default settings of the further calls.
func (e *Emulator) initSettings(p *proxy) {
	p.transactionSplit = switchOff
	p.consistenceMode = defaultConsistence
	p.connectionPoolType = poolClosed
	p.access = accessControl{groupID: newUUID(), listType: accessWhite, rules: []accessRule{}}
	p.params = defaultParams()
	p.version = e.cfg.NewProxyVersion
}

type proxyNode struct{ id, name, role, az string }

// azCount is how many availability zones the emulated region has; nodes and
// proxy nodes are spread over them in turn.
const azCount = 3

// azCode is the code of the i-th availability zone (from 0). Huawei Cloud
// names zones after the region with a letter suffix (cn-north-4a), and the
// IAM project name is the region name, so the zones follow ProjectName
// (the first project's: every project's instances use the same zones, a
// simplification no test of the provider depends on).
func (e *Emulator) azCode(i int) string {
	return e.cfg.ProjectName + string(rune('a'+i%azCount))
}

// azDescription is the console name of a zone code ("AZ1" for ...a), or ""
// for a code the emulator does not know.
func (e *Emulator) azDescription(code string) string {
	for i := range azCount {
		if e.azCode(i) == code {
			return fmt.Sprintf("AZ%d", i+1)
		}
	}
	return ""
}

func (e *Emulator) addInstance(id, projectID string) *instance {
	inst := &instance{
		id: id, projectID: projectID, name: "gauss-" + id[:min(4, len(id))], subnetID: newUUID(), vpcID: newUUID(),
		securityGroupID: newUUID(), createdAt: e.now(),
		// 192.168.0.x: nextAddress gives proxies 192.168.1.x and up, so
		// an instance's write address never equals a proxy's.
		writeIP: fmt.Sprintf("192.168.0.%d", 2+len(e.instanceOrder)%250),
	}
	inst.nodes = []Node{{ID: newNodeID(), Name: inst.name + "_node01", Role: "master", AZ: e.azCode(0)}}
	for i := 2; i <= 3; i++ {
		inst.nodes = append(inst.nodes, Node{ID: newNodeID(), Name: fmt.Sprintf("%s_node%02d", inst.name, i), Role: "slave", AZ: e.azCode(i - 1)})
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

func (e *Emulator) newProxyNodes(n, start int) []proxyNode {
	out := make([]proxyNode, 0, n)
	for i := start; i < start+n; i++ {
		role := "slave"
		if i == 0 {
			role = "master"
		}
		out = append(out, proxyNode{id: newProxyNodeID(), name: fmt.Sprintf("proxy-node-%d", i+1), role: role, az: e.azCode(i)})
	}
	return out
}

// The SDK documents proxy_name as 4 to 64 characters and at most 64 bytes
// (a Chinese character is 3), starting with a letter or a Chinese
// character, with letters, digits, Chinese characters, "-" and "_".
var proxyNameRE = regexp.MustCompile(`^[A-Za-z\p{Han}][A-Za-z0-9\p{Han}_-]*$`)

func checkProxyName(field, name string) *response {
	if n := utf8.RuneCountInString(name); proxyNameRE.MatchString(name) && n >= 4 && n <= 64 && len(name) <= 64 {
		return nil
	}
	r := badRequest("%s %q is not valid: it must be 4 to 64 characters and at most 64 bytes, start with a letter or a Chinese character "+
		"and contain only letters, digits, Chinese characters, hyphens (-) and underscores (_)", field, name)
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
		r := badRequest("flavor_ref %q is not a known proxy flavor; see GET /proxy/flavors (for example %s)", ref, defaultFlavor)
		return &r
	}
	return nil
}

// Ports the real service reserves; the rest of 1025..65534 is allowed. The
// SDK's UpdateProxyPortRequestBody lists 1033, 5342-5345, 12017, 20000,
// 20201, 20202, 33062 and 33071; 33060 (MySQL X protocol) comes from an
// older reference page and stays refused, the safer reading.
var reservedPorts = []int{1033, 5342, 5343, 5344, 5345, 12017, 20000, 20201, 20202, 33060, 33062, 33071}

func checkPort(port int) *response {
	if port < 1025 || port > 65534 || slices.Contains(reservedPorts, port) {
		r := badRequest("port %d is not allowed: use 1025 to 65534, except %v", port, reservedPorts)
		return &r
	}
	return nil
}
