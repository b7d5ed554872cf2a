// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProxy_createListsEnablingThenActiveWhenJobCompletes(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	nodes := e.InstanceNodes(inst)
	if len(nodes) != 3 || nodes[0].Role != "master" || !strings.HasSuffix(nodes[1].ID, "no07") {
		t.Fatalf("instance nodes = %+v", nodes)
	}
	jobID := createProxy(t, e, inst, map[string]any{
		"flavor_ref": "gaussdb.proxy.xlarge.x86.2", "node_num": 3, "proxy_name": "orders-proxy",
		"nodes_read_weight": []map[string]any{{"id": nodes[0].ID, "weight": 10}, {"id": nodes[1].ID, "weight": 90}},
	})

	list := listProxies(t, e, inst, "")
	if len(list) != 1 || list[0]["status"] != StatusEnabling {
		t.Fatalf("right after create: list %v", list)
	}
	p := list[0]
	poolID := p["pool_id"].(string)
	if len(poolID) != 36 || !strings.HasSuffix(poolID, "po01") {
		t.Errorf("pool_id = %q", poolID)
	}
	if p["name"] != "orders-proxy" || p["port"] != float64(3306) || p["node_num"] != float64(3) || p["vcpus"] != "4" || p["ram"] != "8" {
		t.Errorf("proxy = %v", p)
	}
	if !strings.HasPrefix(p["address"].(string), "192.168.") || len(p["nodes"].([]any)) != 3 {
		t.Errorf("address/nodes = %v / %v", p["address"], p["nodes"])
	}

	clk.Advance(3 * time.Second)
	j := getJob(t, e, jobID)
	if j["status"] != JobRunning || j["process"] != "30%" || j["name"] != "OpenGaussDBforMySQLProxy" || j["ended"] != "" {
		t.Fatalf("job while running = %v", j)
	}
	if ids := j["entities"].(map[string]any)["proxy_ids"].([]any); len(ids) != 1 || ids[0] != poolID {
		t.Errorf("entities = %v", j["entities"])
	}

	clk.Advance(7 * time.Second)
	// The proxy turns ACTIVE at job end even though nobody polled the job.
	if v, ok := e.Proxy(inst, poolID); !ok || v.Status != StatusActive || v.Weights[nodes[1].ID] != 90 || v.Weights[nodes[2].ID] != 0 {
		t.Fatalf("after job: %+v %v", v, ok)
	}
	j = getJob(t, e, jobID)
	if j["status"] != JobCompleted || j["process"] != "" || j["ended"] == "" {
		t.Fatalf("job after completion = %v", j)
	}
	r := send(t, e, "GET", "/instances/"+inst+"/proxies", nil)
	entry := r.body["proxy_list"].([]any)[0].(map[string]any)
	if entry["master_node"].(map[string]any)["weight"] != float64(10) || len(entry["readonly_nodes"].([]any)) != 2 {
		t.Errorf("weights in list = %v", entry)
	}
}

func TestProxy_createValidation(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	cases := map[string]any{
		"no flavor":        map[string]any{"node_num": 2},
		"unknown flavor":   map[string]any{"flavor_ref": "gaussdb.proxy.huge.x86.2", "node_num": 2},
		"no node_num":      map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2"},
		"one node":         map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 1},
		"33 nodes":         map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 33},
		"short name":       map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "proxy_name": "abc"},
		"name with digit":  map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "proxy_name": "1abc"},
		"bad mode":         map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "proxy_mode": "write"},
		"foreign node":     map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "nodes_read_weight": []map[string]any{{"id": "x", "weight": 1}}},
		"weight too large": map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2, "nodes_read_weight": []map[string]any{{"id": e.InstanceNodes(inst)[0].ID, "weight": 1001}}},
		"bad json":         `{"flavor_ref": `,
		"wrong type":       `{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": "two"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r := send(t, e, "POST", "/instances/"+inst+"/proxy", body)
			expectStatus(t, r, http.StatusBadRequest, "DBS.200001")
		})
	}
	if n := len(e.Proxies(inst)); n != 0 {
		t.Fatalf("%d proxies created by invalid requests", n)
	}
	r := send(t, e, "POST", "/instances/0123456789abcdef0123456789abcdefin07/proxy", map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2})
	expectStatus(t, r, http.StatusNotFound, "DBS.201028")
}

func TestProxy_maxProxiesPerInstance(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.MaxProxiesPerInstance = 2 })
	inst := inst0(e)
	for range 2 {
		createProxy(t, e, inst, nil)
		clk.Advance(10 * time.Second)
	}
	r := send(t, e, "POST", "/instances/"+inst+"/proxy", map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2})
	expectStatus(t, r, http.StatusBadRequest, "DBS.280343")
}

func TestProxy_deleteWithProxyIDs(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	keep := e.SeedProxy(inst, ProxyView{Name: "keep-me"})
	drop := e.SeedProxy(inst, ProxyView{})

	r := send(t, e, "DELETE", "/instances/"+inst+"/proxy", map[string]any{"proxy_ids": []string{drop}})
	expectStatus(t, r, http.StatusOK, "")
	if v, _ := e.Proxy(inst, drop); v.Status != StatusDisabling {
		t.Fatalf("status while deleting = %q", v.Status)
	}
	clk.Advance(10 * time.Second)
	if _, ok := e.Proxy(inst, drop); ok {
		t.Fatal("deleted proxy still there after the job")
	}
	if got := e.Proxies(inst); len(got) != 1 || got[0].PoolID != keep {
		t.Fatalf("remaining = %+v", got)
	}
	if j := getJob(t, e, r.str("job_id")); j["status"] != JobCompleted || j["name"] != "CloseGaussDBforMySQLProxy" {
		t.Fatalf("job = %v", j)
	}

	r = send(t, e, "DELETE", "/instances/"+inst+"/proxy", map[string]any{"proxy_ids": []string{drop}})
	expectStatus(t, r, http.StatusBadRequest, "DBS.270024")
}

func TestProxy_deleteWithoutProxyIDsNeedsExactlyOneProxy(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	e.SeedProxy(inst, ProxyView{})
	second := e.SeedProxy(inst, ProxyView{})

	r := send(t, e, "DELETE", "/instances/"+inst+"/proxy", nil)
	expectStatus(t, r, http.StatusBadRequest, "DBS.200001")
	if !strings.Contains(r.str("error_msg"), "proxy_ids is required") {
		t.Errorf("error_msg = %q", r.str("error_msg"))
	}
	if len(e.Proxies(inst)) != 2 {
		t.Fatal("something was deleted")
	}

	e.RemoveProxy(inst, second)
	expectStatus(t, send(t, e, "DELETE", "/instances/"+inst+"/proxy", map[string]any{}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	if n := len(e.Proxies(inst)); n != 0 {
		t.Fatalf("%d proxies left", n)
	}
}

func TestProxy_keepDeletedListsDeletedProxiesForAWhile(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.KeepDeleted = time.Minute })
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	expectStatus(t, send(t, e, "DELETE", "/instances/"+inst+"/proxy", map[string]any{"proxy_ids": []string{id}}), http.StatusOK, "")
	clk.Advance(10 * time.Second)
	list := listProxies(t, e, inst, "")
	if len(list) != 1 || list[0]["status"] != StatusDeleted {
		t.Fatalf("list = %v", list)
	}
	if len(e.Proxies(inst)) != 0 {
		t.Fatal("Proxies() shows a deleted proxy")
	}
	clk.Advance(time.Minute)
	if list := listProxies(t, e, inst, ""); len(list) != 0 {
		t.Fatal("deleted proxy listed after KeepDeleted")
	}
}

func TestProxy_busyInstanceAnswers409(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	other := e.SeedProxy(inst, ProxyView{})
	createProxy(t, e, inst, nil)

	base := "/instances/" + inst
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", base + "/proxy", map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2}},
		{"DELETE", base + "/proxy", map[string]any{"proxy_ids": []string{other}}},
		{"PUT", base + "/proxy/" + other + "/flavor", map[string]any{"flavor_ref": "gaussdb.proxy.xlarge.x86.2"}},
		{"POST", base + "/proxy/enlarge", map[string]any{"proxy_id": other, "node_num": 1}},
		{"PUT", base + "/proxy/" + other + "/port", map[string]any{"port": 4000}},
		{"PUT", base + "/proxy/" + other + "/weight", map[string]any{"master_weight": 5}},
	}
	for _, c := range calls {
		expectStatus(t, send(t, e, c.method, c.path, c.body), http.StatusConflict, "DBS.200019")
	}
	// Rename starts no job, so it is not blocked.
	expectStatus(t, send(t, e, "PUT", base+"/proxy/"+other+"/rename", map[string]any{"alias": "renamed"}), http.StatusOK, "")

	clk.Advance(10 * time.Second)
	expectStatus(t, send(t, e, "PUT", base+"/proxy/"+other+"/port", map[string]any{"port": 4000}), http.StatusOK, "")
}

func TestProxy_updatesTakeEffectWhenTheirJobCompletes(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{NodeNum: 3})
	base := "/instances/" + inst + "/proxy"
	nodes := e.InstanceNodes(inst)

	step := func(method, path string, body any, check func(ProxyView) bool) {
		t.Helper()
		r := send(t, e, method, path, body)
		expectStatus(t, r, http.StatusOK, "")
		if r.str("job_id") == "" {
			t.Fatalf("%s %s: no job_id: %s", method, path, r.raw)
		}
		if v, _ := e.Proxy(inst, id); check(v) {
			t.Fatalf("%s %s: took effect before the job ended: %+v", method, path, v)
		}
		clk.Advance(10 * time.Second)
		if v, _ := e.Proxy(inst, id); !check(v) || v.Status != StatusActive {
			t.Fatalf("%s %s: not applied after the job: %+v", method, path, v)
		}
	}
	step("PUT", base+"/"+id+"/flavor", map[string]any{"flavor_ref": "gaussdb.proxy.2xlarge.arm.4"}, func(v ProxyView) bool { return v.FlavorRef == "gaussdb.proxy.2xlarge.arm.4" })
	step("POST", base+"/enlarge", map[string]any{"proxy_id": id, "node_num": 2}, func(v ProxyView) bool { return v.NodeNum == 5 })
	step("PUT", base+"/"+id+"/reduce", map[string]any{"node_num": 3}, func(v ProxyView) bool { return v.NodeNum == 2 })
	step("PUT", base+"/"+id+"/port", map[string]any{"port": 5000}, func(v ProxyView) bool { return v.Port == 5000 })
	step("PUT", base+"/"+id+"/weight", map[string]any{"master_weight": "7", "readonly_nodes": []map[string]any{{"id": nodes[2].ID, "weight": 0}}},
		func(v ProxyView) bool {
			return v.Weights[nodes[0].ID] == 7 && v.Weights[nodes[2].ID] == 0 && v.Weights[nodes[1].ID] == 100
		})

	// Bounds and no-ops.
	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/reduce", map[string]any{"node_num": 1}), http.StatusBadRequest, "DBS.200001")
	expectStatus(t, send(t, e, "POST", base+"/enlarge", map[string]any{"proxy_id": id, "node_num": 31}), http.StatusBadRequest, "DBS.200001")
	if r := send(t, e, "PUT", base+"/"+id+"/port", map[string]any{"port": 5000}); r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("unchanged port: %d %s", r.status, r.raw)
	}
	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/port", map[string]any{"port": 80}), http.StatusBadRequest, "DBS.200001")
	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/weight", map[string]any{"readonly_nodes": []map[string]any{{"id": nodes[0].ID, "weight": 1}}}), http.StatusBadRequest, "DBS.200001")
	expectStatus(t, send(t, e, "PUT", base+"/nope/flavor", map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2"}), http.StatusBadRequest, "DBS.270024")

	r := send(t, e, "PUT", base+"/"+id+"/rename", map[string]any{"alias": "new_name-1"})
	if r.status != http.StatusOK || r.str("result") != "success" {
		t.Fatalf("rename: %d %s", r.status, r.raw)
	}
	if v, _ := e.Proxy(inst, id); v.Name != "new_name-1" {
		t.Fatalf("name = %q", v.Name)
	}
	expectStatus(t, send(t, e, "PUT", base+"/"+id+"/rename", map[string]any{"alias": "x y z!"}), http.StatusBadRequest, "DBS.200001")
}

func TestProxy_pagination(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	var ids []string
	for range 5 {
		ids = append(ids, e.SeedProxy(inst, ProxyView{}))
	}
	list := listProxies(t, e, inst, "?offset=3&limit=2")
	if len(list) != 2 || list[0]["pool_id"] != ids[3] || list[1]["pool_id"] != ids[4] {
		t.Fatalf("page = %v", list)
	}
	if list := listProxies(t, e, inst, "?limit=1"); len(list) != 1 || list[0]["pool_id"] != ids[0] {
		t.Fatalf("first page = %v", list)
	}
	if list := listProxies(t, e, inst, "?offset=9"); len(list) != 0 {
		t.Fatalf("past the end = %v", list)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?offset=-1", "?limit=x"} {
		expectStatus(t, send(t, e, "GET", "/instances/"+inst+"/proxies"+q, nil), http.StatusBadRequest, "DBS.200001")
	}
}

func TestProxy_readonlyNodesAsObject(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.ReadonlyNodesAsObject = true })
	inst := inst0(e)
	e.SeedProxy(inst, ProxyView{})
	r := send(t, e, "GET", "/instances/"+inst+"/proxies", nil)
	entry := r.body["proxy_list"].([]any)[0].(map[string]any)
	if _, isObject := entry["readonly_nodes"].(map[string]any); !isObject {
		t.Fatalf("readonly_nodes = %T %v", entry["readonly_nodes"], entry["readonly_nodes"])
	}
}

func TestProxy_flavorsListsWhatCreateAccepts(t *testing.T) {
	e, _ := start(t, nil)
	r := send(t, e, "GET", "/instances/"+inst0(e)+"/proxy-flavors", nil)
	expectStatus(t, r, http.StatusOK, "")
	groups := r.body["proxy_flavor_groups"].([]any)
	code := groups[0].(map[string]any)["proxy_flavors"].([]any)[0].(map[string]any)["spec_code"].(string)
	if code != "gaussdb.proxy.large.x86.2" {
		t.Fatalf("first flavor = %q", code)
	}
}

func TestJobs_invisibleWindowAndUnknownIDs(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.JobInvisible = 3 * time.Second })
	jobID := createProxy(t, e, inst0(e), nil)
	expectStatus(t, send(t, e, "GET", "/jobs?id="+jobID, nil), http.StatusBadRequest, "DBS.200543")
	clk.Advance(3 * time.Second)
	if j := getJob(t, e, jobID); j["status"] != JobRunning {
		t.Fatalf("job = %v", j)
	}
	expectStatus(t, send(t, e, "GET", "/jobs?id=04efe8e2-9255-44ae-a98b-d87cae411890", nil), http.StatusBadRequest, "DBS.200543")
	expectStatus(t, send(t, e, "GET", "/jobs", nil), http.StatusBadRequest, "DBS.200001")
}
