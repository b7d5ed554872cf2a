// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tests for the JSON shapes taken from the SDK's models and for the calls
// added with them (route mode, per-AZ flavors, enlarge without proxy_id).
// internal/contract checks the same answers key by key against the SDK.

// listEntry returns the first proxy_list entry of an instance.
func listEntry(t *testing.T, e *Emulator, inst string) map[string]any {
	t.Helper()
	r := send(t, e, "GET", "/instances/"+inst+"/proxies", nil)
	expectStatus(t, r, http.StatusOK, "")
	list, _ := r.body["proxy_list"].([]any)
	if len(list) == 0 {
		t.Fatalf("empty proxy_list: %s", r.raw)
	}
	entry, _ := list[0].(map[string]any)
	return entry
}

func TestList_followsTheSDKModel(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	createProxy(t, e, inst, map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "proxy_mode": "readonly"})
	created := clk.Now()
	entry := listEntry(t, e, inst)
	p := entry["proxy"].(map[string]any)

	if p["type"] != modeReadOnly {
		t.Errorf("type = %v, want the proxy_mode given at create", p["type"])
	}
	if want := created.UTC().Format("2006-01-02T15:04:05-0700"); p["created_at"] != want || p["updated_at"] != want {
		t.Errorf("created_at / updated_at = %v / %v, want %s", p["created_at"], p["updated_at"], want)
	}
	if p["pool_status"] != "BUILD" {
		t.Errorf("pool_status while enabling = %v", p["pool_status"])
	}
	// Types the SDK fixes: ssl_option is a string, the *_enabled flags and
	// support_ap_node are booleans.
	if p["ssl_option"] != "false" || p["connection_pool_type"] != "CLOSED" || p["new_node_auto_add_status"] != "OFF" {
		t.Errorf("ssl_option / connection_pool_type / new_node_auto_add_status = %#v / %v / %v", p["ssl_option"], p["connection_pool_type"], p["new_node_auto_add_status"])
	}
	for _, k := range []string{"support_ap_node", "switch_connection_pool_type_enabled", "balance_route_mode_enabled"} {
		if _, isBool := p[k].(bool); !isBool {
			t.Errorf("%s = %#v, want a bool", k, p[k])
		}
	}
	if p["balance_route_mode_enabled"] != true {
		t.Error("balance_route_mode_enabled is false without NoBalanceRouteMode")
	}
	node := p["nodes"].([]any)[0].(map[string]any)
	if node["frozen_flag"] != float64(0) || node["az_code"] != "cn-north-4a" {
		t.Errorf("proxy node = %v", node)
	}

	// availability_zone is an array of {code, description}.
	az, isArray := entry["master_node"].(map[string]any)["availability_zone"].([]any)
	if !isArray || len(az) != 1 {
		t.Fatalf("master_node.availability_zone = %#v", entry["master_node"].(map[string]any)["availability_zone"])
	}
	if z := az[0].(map[string]any); z["code"] != "cn-north-4a" || z["description"] != "AZ1" {
		t.Errorf("availability_zone[0] = %v", z)
	}
	ro := entry["readonly_nodes"].([]any)[1].(map[string]any)["availability_zone"].([]any)[0].(map[string]any)
	if ro["code"] != "cn-north-4c" {
		t.Errorf("second replica's zone = %v", ro)
	}
	if htap, isArray := entry["htap_nodes"].([]any); !isArray || len(htap) != 0 {
		t.Errorf("htap_nodes = %#v, want []", entry["htap_nodes"])
	}

	clk.Advance(10 * time.Second)
	p = listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["pool_status"] != "ACTIVE" || p["updated_at"] == p["created_at"] {
		t.Errorf("after the create job: pool_status %v, updated_at %v (created_at %v)", p["pool_status"], p["updated_at"], p["created_at"])
	}
}

func TestList_nodeCountAndFlavorChangeOnlyWhenTheJobCompletes(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	base := "/instances/" + inst + "/proxy"
	before := listEntry(t, e, inst)["proxy"].(map[string]any)

	expectStatus(t, send(t, e, "POST", base+"/enlarge", map[string]any{"proxy_id": id, "node_num": 2}), http.StatusOK, "")
	p := listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["status"] != StatusAddingNode || p["node_num"] != float64(2) || len(p["nodes"].([]any)) != 2 || p["updated_at"] != before["updated_at"] {
		t.Fatalf("while enlarging: %v", p)
	}
	clk.Advance(10 * time.Second)
	p = listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["status"] != StatusActive || p["node_num"] != float64(4) || len(p["nodes"].([]any)) != 4 || p["updated_at"] == before["updated_at"] {
		t.Fatalf("after enlarging: %v", p)
	}

	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/flavor", map[string]any{"flavor_ref": "gaussdb.proxy.xlarge.x86.4"}), http.StatusOK, "")
	p = listEntry(t, e, inst)["proxy"].(map[string]any)
	// No status is documented for a flavor change: the proxy stays ACTIVE.
	if p["status"] != StatusActive || p["vcpus"] != "2" || p["flavor_ref"] != defaultFlavor {
		t.Fatalf("while changing flavor: %v", p)
	}
	clk.Advance(10 * time.Second)
	p = listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["vcpus"] != "4" || p["ram"] != "16" || p["flavor_ref"] != "gaussdb.proxy.xlarge.x86.4" {
		t.Fatalf("after changing flavor: %v", p)
	}

	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/reduce", map[string]any{"node_num": 1}), http.StatusOK, "")
	if p = listEntry(t, e, inst)["proxy"].(map[string]any); p["status"] != StatusActive || p["node_num"] != float64(4) {
		t.Fatalf("while reducing: %v", p)
	}
	clk.Advance(10 * time.Second)
	if p = listEntry(t, e, inst)["proxy"].(map[string]any); p["node_num"] != float64(3) {
		t.Fatalf("after reducing: %v", p)
	}
}

func TestWeight_statusIsChangingWeightsAsTheSDKSpellsIt(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	expectStatus(t, send(t, e, "PUT", "/instances/"+inst+"/proxy/"+id+"/weight", map[string]any{"master_weight": 5}), http.StatusOK, "")
	if p := listEntry(t, e, inst)["proxy"].(map[string]any); p["status"] != "CHANGING WEIGHTS" {
		t.Fatalf("status = %v", p["status"])
	}
}

func TestEnlarge_proxyIDMayBeOmittedOnlyWithOneProxy(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	path := "/instances/" + inst + "/proxy/enlarge"

	expectStatus(t, send(t, e, "POST", path, map[string]any{"node_num": 1}), http.StatusBadRequest, codeProxyNotFound)

	only := e.SeedProxy(inst, ProxyView{})
	expectStatus(t, send(t, e, "POST", path, map[string]any{"node_num": 1}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, only); v.NodeNum != 3 {
		t.Fatalf("node_num = %d after adding one node to the only proxy", v.NodeNum)
	}

	e.SeedProxy(inst, ProxyView{})
	r := send(t, e, "POST", path, map[string]any{"node_num": 1})
	expectStatus(t, r, http.StatusBadRequest, codeBadRequest)
	if !strings.Contains(r.str("error_msg"), "proxy_id is required") {
		t.Errorf("error_msg = %q", r.str("error_msg"))
	}
	expectStatus(t, send(t, e, "POST", path, map[string]any{"proxy_id": only, "node_num": 31}), http.StatusBadRequest, codeBadRequest)
}

func TestRouteMode_takesEffectWhenTheJobCompletes(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	nodes := e.InstanceNodes(inst)
	id := e.SeedProxy(inst, ProxyView{})
	path := "/instances/" + inst + "/proxy/" + id + "/route-mode"

	r := send(t, e, "PUT", path, map[string]any{
		"route_mode": 1, "master_weight": 0,
		"readonly_nodes":           []map[string]any{{"id": nodes[1].ID, "weight": 0}},
		"new_node_auto_add_status": "ON", "new_node_weight": 1,
	})
	expectStatus(t, r, http.StatusOK, "")
	jobID := r.str("job_id")
	if jobID == "" || len(r.body) != 1 {
		t.Fatalf("answer = %s, want {job_id}", r.raw)
	}
	if v, _ := e.Proxy(inst, id); v.RouteMode != 0 || v.Status != StatusActive {
		t.Fatalf("took effect before the job ended: %+v", v)
	}
	clk.Advance(10 * time.Second)
	v, _ := e.Proxy(inst, id)
	// The unlisted replica keeps taking reads, as weight 1.
	if v.RouteMode != 1 || v.Weights[nodes[0].ID] != 0 || v.Weights[nodes[1].ID] != 0 || v.Weights[nodes[2].ID] != 1 ||
		v.NewNodeAutoAddStatus != "ON" || v.NewNodeWeight != 1 {
		t.Fatalf("after the job: %+v", v)
	}
	if j := getJob(t, e, jobID); j["status"] != JobCompleted || j["name"] != jobRouteMode {
		t.Fatalf("job = %v", j)
	}
	if p := listEntry(t, e, inst)["proxy"].(map[string]any); p["route_mode"] != float64(1) || p["new_node_auto_add_status"] != "ON" {
		t.Fatalf("list = %v", p)
	}

	// Mode 2 without master_weight implies 1; back to 0 takes any weight.
	expectStatus(t, send(t, e, "PUT", path, map[string]any{"route_mode": 2}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, id); v.RouteMode != 2 || v.Weights[nodes[0].ID] != 1 {
		t.Fatalf("mode 2: %+v", v)
	}
	expectStatus(t, send(t, e, "PUT", path, map[string]any{"route_mode": 0, "master_weight": 300, "readonly_nodes": []map[string]any{{"id": nodes[2].ID, "weight": 700}}}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, id); v.RouteMode != 0 || v.Weights[nodes[0].ID] != 300 || v.Weights[nodes[2].ID] != 700 {
		t.Fatalf("mode 0: %+v", v)
	}
}

func TestRouteMode_validation(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	nodes := e.InstanceNodes(inst)
	id := e.SeedProxy(inst, ProxyView{})
	path := "/instances/" + inst + "/proxy/" + id + "/route-mode"
	cases := map[string]any{
		"no route_mode":              map[string]any{"master_weight": 1},
		"route_mode 3":               map[string]any{"route_mode": 3},
		"mode 1 master weight 1":     map[string]any{"route_mode": 1, "master_weight": 1},
		"mode 2 master weight 0":     map[string]any{"route_mode": 2, "master_weight": 0},
		"mode 0 master weight 1001":  map[string]any{"route_mode": 0, "master_weight": 1001},
		"mode 1 replica weight 5":    map[string]any{"route_mode": 1, "readonly_nodes": []map[string]any{{"id": nodes[1].ID, "weight": 5}}},
		"master among replicas":      map[string]any{"route_mode": 0, "readonly_nodes": []map[string]any{{"id": nodes[0].ID, "weight": 5}}},
		"bad auto-add status":        map[string]any{"route_mode": 0, "new_node_auto_add_status": "YES"},
		"new node weight out of 0..": map[string]any{"route_mode": 0, "new_node_weight": -1},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			expectStatus(t, send(t, e, "PUT", path, body), http.StatusBadRequest, codeBadRequest)
		})
	}
	expectStatus(t, send(t, e, "PUT", "/instances/"+inst+"/proxy/0123456789abcdef0123456789abcdefpo01/route-mode", map[string]any{"route_mode": 0}), http.StatusBadRequest, codeProxyNotFound)
	if len(e.Jobs()) != 0 {
		t.Fatal("an invalid request started a job")
	}
}

func TestRouteMode_noBalanceRouteModeRefusesLoadBalancing(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.NoBalanceRouteMode = true })
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	if p := listEntry(t, e, inst)["proxy"].(map[string]any); p["balance_route_mode_enabled"] != false {
		t.Fatalf("balance_route_mode_enabled = %v", p["balance_route_mode_enabled"])
	}
	path := "/instances/" + inst + "/proxy/" + id + "/route-mode"
	for _, mode := range []int{1, 2} {
		r := send(t, e, "PUT", path, map[string]any{"route_mode": mode})
		expectStatus(t, r, http.StatusBadRequest, codeNoBalanceRoute)
		if !strings.Contains(r.str("error_msg"), "load balancing") {
			t.Errorf("error_msg = %q", r.str("error_msg"))
		}
	}
	expectStatus(t, send(t, e, "PUT", path, map[string]any{"route_mode": 0, "master_weight": 10}), http.StatusOK, "")
	create := map[string]any{"flavor_ref": defaultFlavor, "node_num": 2, "route_mode": 2}
	expectStatus(t, send(t, e, "POST", "/instances/"+inst+"/proxy", create), http.StatusBadRequest, codeNoBalanceRoute)
}

func TestFlavors_perInstanceScaleLeavesOutTheCurrentFlavor(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	codes := func(query string) []string {
		t.Helper()
		r := send(t, e, "GET", "/instances/"+inst+"/proxy/flavors"+query, nil)
		expectStatus(t, r, http.StatusOK, "")
		var out []string
		for _, g := range r.body["proxy_flavor_groups"].([]any) {
			for _, f := range g.(map[string]any)["proxy_flavors"].([]any) {
				fm := f.(map[string]any)
				if _, has := fm["supported_ipv6"]; has {
					t.Errorf("supported_ipv6 in the per-instance answer (MysqlProxyComputeFlavor lacks it): %v", fm)
				}
				if fm["az_status"].(map[string]any)["cn-north-4b"] != "normal" {
					t.Errorf("az_status = %v", fm["az_status"])
				}
				out = append(out, fm["spec_code"].(string))
			}
		}
		return out
	}
	all := codes("")
	if len(all) != 20 || !slices.Contains(all, defaultFlavor) {
		t.Fatalf("flavors = %v", all)
	}
	if scale := codes("?query_type=scale&proxy_id=" + id); len(scale) != 19 || slices.Contains(scale, defaultFlavor) {
		t.Fatalf("scale flavors = %v", scale)
	}
	expectStatus(t, send(t, e, "GET", "/instances/"+inst+"/proxy/flavors?query_type=resize", nil), http.StatusBadRequest, codeBadRequest)
}

func TestFlavors_byAZ(t *testing.T) {
	e, _ := start(t, nil)
	r := send(t, e, "GET", "/proxy/flavors?az_codes=cn-north-4a,cn-north-4c&proxy_engine_name=taurusproxy", nil)
	expectStatus(t, r, http.StatusOK, "")
	f := r.body["proxy_flavor_groups"].([]any)[1].(map[string]any)["proxy_flavors"].([]any)[0].(map[string]any)
	if f["spec_code"] != "gaussdb.proxy.large.arm.2" || f["supported_ipv6"] != true {
		t.Errorf("first arm flavor = %v", f)
	}
	if azs := f["az_status"].(map[string]any); len(azs) != 2 || azs["cn-north-4c"] != "normal" {
		t.Errorf("az_status = %v, want the two zones asked for", azs)
	}
	for _, q := range []string{"", "?proxy_engine_name=taurusproxy", "?az_codes=eu-de-01&proxy_engine_name=taurusproxy", "?az_codes=cn-north-4a", "?az_codes=cn-north-4a&proxy_engine_name=mysql"} {
		expectStatus(t, send(t, e, "GET", "/proxy/flavors"+q, nil), http.StatusBadRequest, codeBadRequest)
	}
}

func TestJobs_failReasonAndEndedAreAlwaysThere(t *testing.T) {
	e, clk := start(t, nil)
	jobID := createProxy(t, e, inst0(e), nil)
	j := getJob(t, e, jobID)
	for _, k := range []string{"ended", "fail_reason", "process"} {
		if _, ok := j[k]; !ok {
			t.Errorf("running job lacks %s: %v", k, j)
		}
	}
	if j["ended"] != "" || j["fail_reason"] != "" || j["process"] != "0%" {
		t.Errorf("running job = %v", j)
	}
	clk.Advance(10 * time.Second)
	j = getJob(t, e, jobID)
	if j["fail_reason"] != "" || j["ended"] == "" || j["process"] != "" {
		t.Errorf("completed job = %v", j)
	}
	if ent := j["entities"].(map[string]any); ent["instance_id"] != inst0(e) {
		t.Errorf("entities = %v", ent)
	}
}
