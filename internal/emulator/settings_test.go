// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests for the further proxy calls (settings.go, access.go, parameters.go,
// network.go, kernel.go). internal/contract runs the same calls through the
// SDK's own client.

// proxyPath is the path of a proxy's call, e.g. proxyPath(inst, id, "ssl").
func proxyPath(inst, id, call string) string {
	return "/instances/" + inst + "/proxy/" + id + "/" + call
}

// jobCall sends a call that must start a job and returns the job ID; the
// answer must be exactly {job_id}.
func jobCall(t *testing.T, e *Emulator, method, path string, body any) string {
	t.Helper()
	r := send(t, e, method, path, body)
	expectStatus(t, r, http.StatusOK, "")
	if r.str("job_id") == "" || len(r.body) != 1 {
		t.Fatalf("%s %s answered %s, want {job_id}", method, path, r.raw)
	}
	return r.str("job_id")
}

func TestSettings_jobsTakeEffectWhenTheyCompleteAndShowInTheList(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	before, _ := e.Proxy(inst, id)

	cases := []struct {
		name, method, call string
		body               any
		listKey, listValue string // "" when the list has no field for it
		check              func(ProxyView) bool
	}{
		{"transaction split", "POST", "", map[string]any{"transaction_split": "ON", "proxy_id_list": []string{id}},
			"transaction_split", "ON", func(v ProxyView) bool { return v.TransactionSplit == "ON" }},
		{"consistence mode", "PUT", "session-consistence", map[string]any{"session_consistence": "false", "consistence_mode": "global"},
			"consistence_mode", "global", func(v ProxyView) bool { return v.ConsistenceMode == "global" }},
		{"session consistence alone, as a bool", "PUT", "session-consistence", map[string]any{"session_consistence": true},
			"consistence_mode", "session", func(v ProxyView) bool { return v.ConsistenceMode == "session" }},
		{"connection pool", "PUT", "connection-pool-type", map[string]any{"connection_pool_type": "SESSION"},
			"connection_pool_type", "SESSION", func(v ProxyView) bool { return v.ConnectionPoolType == "SESSION" }},
		{"ssl", "PUT", "ssl", map[string]any{"ssl_option": true},
			"ssl_option", "true", func(v ProxyView) bool { return v.SSL }},
		{"alt", "PUT", "alt", map[string]any{"alt_enabled": "on", "alt_for_readonly": "on"},
			"", "", func(v ProxyView) bool { return v.ALT && v.ALTForReadonly }},
		{"parameters", "PUT", "configurations", map[string]any{"configurations": []map[string]any{
			{"name": "multiStatementType", "value": "Loose", "elem_type": "system"},
			{"name": "maxConnections", "value": "500", "elem_type": "system"},
		}}, "", "", func(v ProxyView) bool {
			return v.Parameters["multiStatementType"] == "Loose" && v.Parameters["maxConnections"] == "500"
		}},
		{"restart", "POST", "restart", nil, "", "", func(v ProxyView) bool { return v.Restarts == 1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := proxyPath(inst, id, c.call)
			if c.call == "" {
				path = "/instances/" + inst + "/proxy/transaction-split"
			}
			jobID := jobCall(t, e, c.method, path, c.body)
			if v, _ := e.Proxy(inst, id); c.check(v) || v.Status != StatusActive {
				t.Fatalf("took effect before the job completed, or the proxy left ACTIVE: %+v", v)
			}
			clk.Advance(10 * time.Second)
			v, _ := e.Proxy(inst, id)
			if !c.check(v) || !v.UpdatedAt.After(before.UpdatedAt) {
				t.Fatalf("after the job: %+v", v)
			}
			if j := getJob(t, e, jobID); j["status"] != JobCompleted {
				t.Fatalf("job = %v", j)
			}
			if c.listKey != "" {
				if got := listEntry(t, e, inst)["proxy"].(map[string]any)[c.listKey]; got != c.listValue {
					t.Fatalf("list %s = %v, want %s", c.listKey, got, c.listValue)
				}
			}
		})
	}
}

func TestSettings_validationNamesTheField(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	other := e.SeedProxy(inst, ProxyView{})
	cases := []struct {
		name, method, path, field string
		body                      any
	}{
		{"split value", "POST", "/instances/" + inst + "/proxy/transaction-split", "transaction_split", map[string]any{"transaction_split": "on", "proxy_id_list": []string{id}}},
		{"split without proxies", "POST", "/instances/" + inst + "/proxy/transaction-split", "proxy_id_list", map[string]any{"transaction_split": "ON"}},
		{"split with two proxies", "POST", "/instances/" + inst + "/proxy/transaction-split", "proxy_id_list", map[string]any{"transaction_split": "ON", "proxy_id_list": []string{id, other}}},
		{"consistence without session_consistence", "PUT", proxyPath(inst, id, "session-consistence"), "session_consistence", map[string]any{"consistence_mode": "global"}},
		{"consistence mode", "PUT", proxyPath(inst, id, "session-consistence"), "consistence_mode", map[string]any{"session_consistence": "true", "consistence_mode": "strong"}},
		{"consistence contradiction", "PUT", proxyPath(inst, id, "session-consistence"), "consistence_mode", map[string]any{"session_consistence": "false", "consistence_mode": "session"}},
		{"session_consistence value", "PUT", proxyPath(inst, id, "session-consistence"), "session_consistence", map[string]any{"session_consistence": "yes"}},
		{"pool type", "PUT", proxyPath(inst, id, "connection-pool-type"), "connection_pool_type", map[string]any{"connection_pool_type": "TRANSACTION"}},
		{"ssl missing", "PUT", proxyPath(inst, id, "ssl"), "ssl_option", map[string]any{}},
		{"alt value", "PUT", proxyPath(inst, id, "alt"), "alt_enabled", map[string]any{"alt_enabled": "ON"}},
		{"alt readonly without alt", "PUT", proxyPath(inst, id, "alt"), "alt_for_readonly", map[string]any{"alt_enabled": "off", "alt_for_readonly": "on"}},
		{"auto-add status", "POST", proxyPath(inst, id, "new-node-auto-add"), "switch_status", map[string]any{"switch_status": "YES"}},
		{"auto-add weight", "POST", proxyPath(inst, id, "new-node-auto-add"), "weight", map[string]any{"switch_status": "ON", "weight": 1001}},
		{"access type", "POST", proxyPath(inst, id, "access-control"), "type", map[string]any{"type": "grey", "ip_list": []any{}}},
		{"access ip", "POST", proxyPath(inst, id, "access-control"), "ip_list[0].ip", map[string]any{"type": "white", "ip_list": []map[string]any{{"ip": "10.0.0.300"}}}},
		{"access description", "POST", proxyPath(inst, id, "access-control"), "ip_list[0].description", map[string]any{"type": "white", "ip_list": []map[string]any{{"ip": "10.0.0.1", "description": "<b>"}}}},
		{"access switch", "POST", proxyPath(inst, id, "access-control-switch"), "open_access_control", map[string]any{}},
		{"unknown parameter", "PUT", proxyPath(inst, id, "configurations"), "configurations[0].name", map[string]any{"configurations": []map[string]any{{"name": "noSuchParameter", "value": "1", "elem_type": "system"}}}},
		{"parameter out of range", "PUT", proxyPath(inst, id, "configurations"), "configurations[1].value", map[string]any{"configurations": []map[string]any{
			{"name": "sqlLogEnabled", "value": "true", "elem_type": "system"}, {"name": "maxConnections", "value": "0", "elem_type": "system"}}}},
		{"parameter not in the enum", "PUT", proxyPath(inst, id, "configurations"), "configurations[0].value", map[string]any{"configurations": []map[string]any{{"name": "multiStatementType", "value": "strict", "elem_type": "system"}}}},
		{"parameter elem_type", "PUT", proxyPath(inst, id, "configurations"), "configurations[0].elem_type", map[string]any{"configurations": []map[string]any{{"name": "multiStatementType", "value": "Parse", "elem_type": "user"}}}},
		{"no parameters", "PUT", proxyPath(inst, id, "configurations"), "configurations", map[string]any{"configurations": []any{}}},
		{"dns prefix", "PUT", proxyPath(inst, id, "dns"), "new_dns_name", map[string]any{"new_dns_name": "Short", "vpc_id": e.InstanceVPCID(inst)}},
		{"dns vpc", "PUT", proxyPath(inst, id, "dns"), "vpc_id", map[string]any{"new_dns_name": "ordersproxy01"}},
		{"eip address", "PUT", proxyPath(inst, id, "bind"), "public_ip", map[string]any{"public_ip": "2001:db8::1", "public_ip_id": newUUID(), "bind": "true"}},
		{"eip id", "PUT", proxyPath(inst, id, "bind"), "public_ip_id", map[string]any{"public_ip": "203.0.113.7", "bind": "true"}},
		{"eip bind flag", "PUT", proxyPath(inst, id, "bind"), "bind", map[string]any{"public_ip": "203.0.113.7", "bind": "yes"}},
		{"upgrade source", "POST", proxyPath(inst, id, "upgrade-version"), "source_version", map[string]any{"target_version": LatestProxyVersion}},
		{"version engine", "GET", proxyPath(inst, id, "mysql/proxy-version"), "engine_name", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(t, e, c.method, c.path, c.body)
			expectStatus(t, r, http.StatusBadRequest, codeBadRequest)
			if !strings.Contains(r.str("error_msg"), c.field) {
				t.Fatalf("error_msg %q does not name %s", r.str("error_msg"), c.field)
			}
		})
	}
	missing := "0123456789abcdef0123456789abcdefpo01"
	for _, call := range []string{"ssl", "alt", "bind", "dns", "restart", "ipgroup", "configurations", "taurusproxy/proxy-version"} {
		method := map[string]string{"restart": "POST", "dns": "POST", "ipgroup": "GET", "configurations": "GET", "taurusproxy/proxy-version": "GET"}[call]
		if method == "" {
			method = "PUT"
		}
		expectStatus(t, send(t, e, method, proxyPath(inst, missing, call), map[string]any{}), http.StatusBadRequest, codeProxyNotFound)
	}
	if v, _ := e.Proxy(inst, id); len(e.Jobs()) != 0 || v.AccessControlType != "white" || len(v.AccessRules) != 0 {
		t.Fatalf("an invalid request changed something: %d jobs, %+v", len(e.Jobs()), v)
	}
}

func TestSettings_busyInstanceAnswers409(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{Version: ProxyVersions[2]})
	jobCall(t, e, "POST", proxyPath(inst, id, "restart"), nil)
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", "/instances/" + inst + "/proxy/transaction-split", map[string]any{"transaction_split": "ON", "proxy_id_list": []string{id}}},
		{"PUT", proxyPath(inst, id, "session-consistence"), map[string]any{"session_consistence": "true"}},
		{"PUT", proxyPath(inst, id, "connection-pool-type"), map[string]any{"connection_pool_type": "SESSION"}},
		{"PUT", proxyPath(inst, id, "ssl"), map[string]any{"ssl_option": true}},
		{"PUT", proxyPath(inst, id, "alt"), map[string]any{"alt_enabled": "on"}},
		{"PUT", proxyPath(inst, id, "configurations"), map[string]any{"configurations": []map[string]any{{"name": "sqlLogEnabled", "value": "true", "elem_type": "system"}}}},
		{"POST", proxyPath(inst, id, "dns"), nil},
		{"PUT", proxyPath(inst, id, "bind"), map[string]any{"public_ip": "203.0.113.7", "public_ip_id": newUUID(), "bind": "true"}},
		{"POST", proxyPath(inst, id, "upgrade-version"), map[string]any{"source_version": ProxyVersions[2], "target_version": LatestProxyVersion}},
		{"POST", proxyPath(inst, id, "restart"), nil},
	}
	for _, c := range calls {
		expectStatus(t, send(t, e, c.method, c.path, c.body), http.StatusConflict, codeBusy)
	}
	// Calls that act at once do not wait for jobs.
	expectStatus(t, send(t, e, "POST", proxyPath(inst, id, "access-control-switch"), map[string]any{"open_access_control": true}), http.StatusOK, "")
	if len(e.Jobs()) != 1 {
		t.Fatalf("%d jobs, want the restart only", len(e.Jobs()))
	}
}

func TestNewNodeAutoAdd_actsAtOnce(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	r := send(t, e, "POST", proxyPath(inst, id, "new-node-auto-add"), map[string]any{"switch_status": "ON", "weight": 30})
	expectStatus(t, r, http.StatusOK, "")
	if string(r.raw) != `{"result":"success"}` {
		t.Fatalf("answer = %s", r.raw)
	}
	p := listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["new_node_auto_add_status"] != "ON" || p["new_node_weight"] != float64(30) || len(e.Jobs()) != 0 {
		t.Fatalf("list = %v, %d jobs", p, len(e.Jobs()))
	}
	// Without weight the weight stays.
	expectStatus(t, send(t, e, "POST", proxyPath(inst, id, "new-node-auto-add"), map[string]any{"switch_status": "OFF"}), http.StatusOK, "")
	if v, _ := e.Proxy(inst, id); v.NewNodeAutoAddStatus != "OFF" || v.NewNodeWeight != 30 {
		t.Fatalf("after OFF: %+v", v)
	}
}

func TestNotWhitelisted_refusesTheWhitelistOnlyFeatures(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.NotWhitelisted = true })
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	refused := []struct {
		method, path string
		body         any
	}{
		{"POST", proxyPath(inst, id, "new-node-auto-add"), map[string]any{"switch_status": "OFF"}},
		{"PUT", proxyPath(inst, id, "configurations"), map[string]any{"configurations": []map[string]any{{"name": "looseImciApThreshold", "value": "6000", "elem_type": "system"}}}},
		{"POST", proxyPath(inst, id, "dns"), nil},
		{"PUT", proxyPath(inst, id, "route-mode"), map[string]any{"route_mode": 0, "new_node_auto_add_status": "ON"}},
		{"POST", "/instances/" + inst + "/proxy", map[string]any{"flavor_ref": defaultFlavor, "node_num": 2, "new_node_auto_add_status": "ON"}},
	}
	for _, c := range refused {
		r := send(t, e, c.method, c.path, c.body)
		expectStatus(t, r, http.StatusForbidden, ErrorCodeNotWhitelisted)
		if !strings.Contains(r.str("error_msg"), "whitelisted") {
			t.Errorf("error_msg = %q", r.str("error_msg"))
		}
	}
	if len(e.Jobs()) != 0 || len(e.Proxies(inst)) != 1 {
		t.Fatal("a refused call changed something")
	}
	// What is not whitelist-only still works.
	jobCall(t, e, "PUT", proxyPath(inst, id, "configurations"), map[string]any{"configurations": []map[string]any{{"name": "multiStatementType", "value": "Parse", "elem_type": "system"}}})
	if !slices.Equal(WhitelistOnlyParameters(), []string{"looseImciApThreshold"}) {
		t.Errorf("whitelist-only parameters = %v", WhitelistOnlyParameters())
	}
}

func TestConnectionPool_sessionNeedsAKernelWithIt(t *testing.T) {
	for name, c := range map[string]struct {
		cfg     func(*Config)
		version string
	}{
		"NoSessionConnectionPool": {func(c *Config) { c.NoSessionConnectionPool = true }, ""},
		"old kernel":              {nil, ProxyVersions[0]},
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := start(t, c.cfg)
			inst := inst0(e)
			id := e.SeedProxy(inst, ProxyView{Version: c.version})
			if p := listEntry(t, e, inst)["proxy"].(map[string]any); p["switch_connection_pool_type_enabled"] != false {
				t.Fatalf("switch_connection_pool_type_enabled = %v", p["switch_connection_pool_type_enabled"])
			}
			path := proxyPath(inst, id, "connection-pool-type")
			expectStatus(t, send(t, e, "PUT", path, map[string]any{"connection_pool_type": "SESSION"}), http.StatusBadRequest, ErrorCodeNoSessionPool)
			jobCall(t, e, "PUT", path, map[string]any{"connection_pool_type": "CLOSED"})
		})
	}
}

func TestAccessControl_listAndSwitchActAtOnce(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	group := send(t, e, "GET", proxyPath(inst, id, "ipgroup"), nil)
	expectStatus(t, group, http.StatusOK, "")
	ipg := group.body["ip_group"].(map[string]any)
	if group.body["enable_ip_group"] != false || group.body["type"] != "white" || len(ipg["ip_list"].([]any)) != 0 || ipg["id"] == "" {
		t.Fatalf("initial ip group = %s", group.raw)
	}

	r := send(t, e, "POST", proxyPath(inst, id, "access-control"), map[string]any{"type": "black", "ip_list": []map[string]any{
		{"ip": "203.0.113.0/24", "description": "office"}, {"ip": "198.51.100.7"},
	}})
	expectStatus(t, r, http.StatusOK, "")
	if string(r.raw) != `{"open_access_control":false}` {
		t.Fatalf("answer = %s", r.raw)
	}
	r = send(t, e, "POST", proxyPath(inst, id, "access-control-switch"), map[string]any{"open_access_control": true})
	if string(r.raw) != `{"open_access_control":true}` {
		t.Fatalf("switch answer = %s", r.raw)
	}
	group = send(t, e, "GET", proxyPath(inst, id, "ipgroup"), nil)
	list := group.body["ip_group"].(map[string]any)["ip_list"].([]any)
	if group.body["enable_ip_group"] != true || group.body["type"] != "black" || len(list) != 2 ||
		list[0].(map[string]any)["description"] != "office" || list[1].(map[string]any)["description"] != "" {
		t.Fatalf("ip group = %s", group.raw)
	}
	if len(e.Jobs()) != 0 {
		t.Fatal("access control started a job")
	}
	many := make([]map[string]any, 301)
	for i := range many {
		many[i] = map[string]any{"ip": "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250)}
	}
	expectStatus(t, send(t, e, "POST", proxyPath(inst, id, "access-control"), map[string]any{"type": "white", "ip_list": many}), http.StatusBadRequest, codeBadRequest)
	expectStatus(t, send(t, e, "POST", proxyPath(inst, id, "access-control"), map[string]any{"type": "white", "ip_list": many[:300]}), http.StatusOK, "")
}

func TestParameters_listPagesAndFilters(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{Parameters: map[string]string{"multiStatementType": "Loose", "unknown": "x"}})
	get := func(query string) result {
		t.Helper()
		r := send(t, e, "GET", proxyPath(inst, id, "configurations")+query, nil)
		expectStatus(t, r, http.StatusOK, "")
		return r
	}
	all := get("?limit=100")
	cfgs := all.body["configurations"].([]any)
	if all.body["total_count"] != "6" || len(cfgs) != 6 {
		t.Fatalf("all = %s", all.raw)
	}
	first := cfgs[0].(map[string]any)
	if first["name"] != "multiStatementType" || first["value"] != "Loose" || first["elem_type"] != "system" || first["value_range"] != "Strict,Loose,Parse" || first["data_type"] != "string" {
		t.Fatalf("first = %v", first)
	}
	page := get("?offset=4&limit=3")
	if page.body["total_count"] != "6" || len(page.body["configurations"].([]any)) != 2 {
		t.Fatalf("page = %s", page.raw)
	}
	one := get("?name=maxConnections")
	if one.body["total_count"] != "1" || one.body["configurations"].([]any)[0].(map[string]any)["value"] != "20000" {
		t.Fatalf("by name = %s", one.raw)
	}
	if none := get("?name=nothing"); none.body["total_count"] != "0" || len(none.body["configurations"].([]any)) != 0 {
		t.Fatalf("unknown name = %s", none.raw)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?offset=-1"} {
		expectStatus(t, send(t, e, "GET", proxyPath(inst, id, "configurations")+q, nil), http.StatusBadRequest, codeBadRequest)
	}
}

// listedDNSName is proxy.dns_name of one proxy in the list, and whether the
// key is there at all.
func listedDNSName(t *testing.T, e *Emulator, inst, id string) (any, bool) {
	t.Helper()
	for _, p := range listProxies(t, e, inst, "?limit=100") {
		if p["pool_id"] == id {
			name, has := p["dns_name"]
			return name, has
		}
	}
	t.Fatalf("proxy %s is not listed", id)
	return nil, false
}

func TestDNS_applyChangeDelete(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	dns := proxyPath(inst, id, "dns")
	vpc := e.InstanceVPCID(inst)
	// noneListed fails unless the list leaves dns_name out for the proxy.
	noneListed := func(when string) {
		t.Helper()
		if name, has := listedDNSName(t, e, inst, id); has {
			t.Fatalf("dns_name listed %s: %v", when, name)
		}
	}
	// listed fails unless the list's dns_name is the proxy's name.
	listed := func(want string) {
		t.Helper()
		if name, has := listedDNSName(t, e, inst, id); !has || name != want {
			t.Fatalf("listed dns_name = %v (present %t), want %q", name, has, want)
		}
	}

	noneListed("before any was applied for")
	expectStatus(t, send(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy01", "vpc_id": vpc}), http.StatusBadRequest, codeBadRequest)
	expectStatus(t, send(t, e, "DELETE", dns, nil), http.StatusBadRequest, codeBadRequest)

	jobCall(t, e, "POST", dns, nil)
	if v, _ := e.Proxy(inst, id); v.PrivateDNSName != "" {
		t.Fatalf("name before the job completed: %s", v.PrivateDNSName)
	}
	noneListed("before the apply job completed")
	clk.Advance(10 * time.Second)
	v, _ := e.Proxy(inst, id)
	suffix := ".internal.cn-north-4.gaussdbformysql.myhuaweicloud.com"
	if !strings.HasSuffix(v.PrivateDNSName, suffix) || !dnsPrefixRE.MatchString(strings.TrimSuffix(v.PrivateDNSName, suffix)) {
		t.Fatalf("private DNS name = %q", v.PrivateDNSName)
	}
	listed(v.PrivateDNSName)
	expectStatus(t, send(t, e, "POST", dns, nil), http.StatusBadRequest, codeBadRequest) // already has one

	// A prefix, or a full name in the same zone.
	jobCall(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy01", "vpc_id": vpc})
	listed(v.PrivateDNSName) // the old name until the job completes
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, id); v.PrivateDNSName != "ordersproxy01"+suffix {
		t.Fatalf("after change: %q", v.PrivateDNSName)
	}
	listed("ordersproxy01" + suffix)
	expectStatus(t, send(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy01" + suffix, "vpc_id": vpc}), http.StatusBadRequest, codeBadRequest) // unchanged
	expectStatus(t, send(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy02.example.com", "vpc_id": vpc}), http.StatusBadRequest, codeBadRequest)
	jobCall(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy02" + suffix, "vpc_id": vpc})
	clk.Advance(10 * time.Second)

	// Another proxy cannot take the name.
	other := e.SeedProxy(inst, ProxyView{PrivateDNSName: "reportsproxy" + suffix})
	expectStatus(t, send(t, e, "PUT", proxyPath(inst, other, "dns"), map[string]any{"new_dns_name": "ordersproxy02", "vpc_id": vpc}), http.StatusBadRequest, codeBadRequest)

	jobCall(t, e, "DELETE", dns, nil)
	listed("ordersproxy02" + suffix) // until the job completes
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, id); v.PrivateDNSName != "" {
		t.Fatalf("after delete: %q", v.PrivateDNSName)
	}
	noneListed("after the delete job completed")
}

func TestEIP_bindShowsInTheListAndUnbindRemovesIt(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})
	bind := proxyPath(inst, id, "bind")
	eipID := newUUID()
	if _, has := listEntry(t, e, inst)["proxy"].(map[string]any)["eip"]; has {
		t.Fatal("eip listed before any was bound")
	}
	expectStatus(t, send(t, e, "PUT", bind, map[string]any{"public_ip": "203.0.113.7", "bind": "false"}), http.StatusBadRequest, codeBadRequest)

	jobCall(t, e, "PUT", bind, map[string]any{"public_ip": "203.0.113.7", "public_ip_id": eipID, "bind": "true"})
	if _, has := listEntry(t, e, inst)["proxy"].(map[string]any)["eip"]; has {
		t.Fatal("eip listed before the job completed")
	}
	clk.Advance(10 * time.Second)
	if got := listEntry(t, e, inst)["proxy"].(map[string]any)["eip"]; got != "203.0.113.7" {
		t.Fatalf("eip = %v", got)
	}
	if v, _ := e.Proxy(inst, id); v.EIP != "203.0.113.7" || v.EIPID != eipID {
		t.Fatalf("view = %+v", v)
	}
	expectStatus(t, send(t, e, "PUT", bind, map[string]any{"public_ip": "203.0.113.8", "public_ip_id": newUUID(), "bind": "true"}), http.StatusBadRequest, codeBadRequest)
	other := e.SeedProxy(inst, ProxyView{})
	expectStatus(t, send(t, e, "PUT", proxyPath(inst, other, "bind"), map[string]any{"public_ip": "203.0.113.7", "public_ip_id": eipID, "bind": "true"}), http.StatusBadRequest, codeBadRequest)
	expectStatus(t, send(t, e, "PUT", bind, map[string]any{"public_ip": "203.0.113.8", "bind": "false"}), http.StatusBadRequest, codeBadRequest)

	jobCall(t, e, "PUT", bind, map[string]any{"public_ip": "203.0.113.7", "bind": false})
	clk.Advance(10 * time.Second)
	if _, has := listEntry(t, e, inst)["proxy"].(map[string]any)["eip"]; has {
		t.Fatal("eip still listed after unbinding")
	}
}

func TestVersion_upgradeToTheLatest(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.NewProxyVersion = ProxyVersions[2] })
	inst := inst0(e)
	createProxy(t, e, inst, nil)
	clk.Advance(10 * time.Second)
	id := e.Proxies(inst)[0].PoolID
	version := func() map[string]any {
		t.Helper()
		r := send(t, e, "GET", proxyPath(inst, id, "taurusproxy/proxy-version"), nil)
		expectStatus(t, r, http.StatusOK, "")
		return r.body
	}
	v := version()
	if v["current_version"] != ProxyVersions[2] || v["latest_version"] != LatestProxyVersion || v["can_upgrade"] != true {
		t.Fatalf("version = %v", v)
	}
	if risk, ok := v["risk"].(map[string]any); !ok || risk["level"] != float64(1) {
		t.Fatalf("risk = %v", v["risk"])
	}
	up := proxyPath(inst, id, "upgrade-version")
	expectStatus(t, send(t, e, "POST", up, map[string]any{"source_version": ProxyVersions[1], "target_version": LatestProxyVersion}), http.StatusBadRequest, codeBadRequest)
	expectStatus(t, send(t, e, "POST", up, map[string]any{"source_version": ProxyVersions[2], "target_version": ProxyVersions[3]}), http.StatusBadRequest, codeBadRequest)
	r := send(t, e, "POST", up, map[string]any{"source_version": ProxyVersions[2], "target_version": LatestProxyVersion})
	expectStatus(t, r, http.StatusOK, "")
	res := r.body["update_result"].([]any)[0].(map[string]any)
	if res["instance_id"] != inst || res["state"] != "ACCEPT" || res["error_message"] != "" {
		t.Fatalf("update_result = %s", r.raw)
	}
	if version()["current_version"] != ProxyVersions[2] {
		t.Fatal("upgraded before the job completed")
	}
	clk.Advance(10 * time.Second)
	if j := getJob(t, e, res["workflow_id"].(string)); j["status"] != JobCompleted || j["name"] != jobUpgrade {
		t.Fatalf("workflow job = %v", j)
	}
	v = version()
	if v["current_version"] != LatestProxyVersion || v["can_upgrade"] != false {
		t.Fatalf("after the upgrade: %v", v)
	}
	if _, has := v["risk"]; has {
		t.Errorf("risk without an upgrade: %v", v)
	}
	expectStatus(t, send(t, e, "POST", up, map[string]any{"source_version": LatestProxyVersion, "target_version": LatestProxyVersion}), http.StatusBadRequest, codeBadRequest)
}

func TestSettings_faultsWorkOnTheNewPaths(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{})

	e.Inject(Fault{PathSuffix: "/proxy/{proxy_id}/ssl", Kind: FaultBusy, Times: 1})
	expectStatus(t, send(t, e, "PUT", proxyPath(inst, id, "ssl"), map[string]any{"ssl_option": true}), http.StatusConflict, codeBusy)

	// A failed job leaves the setting as it was.
	e.Inject(Fault{PathSuffix: "/transaction-split", Kind: FaultJobFails, Times: 1, FailReason: "kernel refused"})
	jobID := jobCall(t, e, "POST", "/instances/"+inst+"/proxy/transaction-split", map[string]any{"transaction_split": "ON", "proxy_id_list": []string{id}})
	clk.Advance(10 * time.Second)
	if j := getJob(t, e, jobID); j["status"] != JobFailed || j["fail_reason"] != "kernel refused" {
		t.Fatalf("job = %v", j)
	}
	if v, _ := e.Proxy(inst, id); v.TransactionSplit != "OFF" {
		t.Fatalf("a failed job changed transaction_split: %+v", v)
	}

	// An ambiguous failure: done, but the client hears 502.
	e.Inject(Fault{Method: "POST", PathSuffix: "/access-control", Kind: FaultServerError, Status: 502, After: true, Times: 1})
	r := send(t, e, "POST", proxyPath(inst, id, "access-control"), map[string]any{"type": "black", "ip_list": []map[string]any{{"ip": "192.0.2.1"}}})
	expectStatus(t, r, http.StatusBadGateway, "")
	if v, _ := e.Proxy(inst, id); v.AccessControlType != "black" || len(v.AccessRules) != 1 {
		t.Fatalf("an after-fault did not process the call: %+v", v)
	}

	// Route patterns with two parameters match too.
	e.Inject(Fault{PathSuffix: "/{engine_name}/proxy-version", Kind: FaultGatewayNotFound, Times: 1})
	expectStatus(t, send(t, e, "GET", proxyPath(inst, id, "taurusproxy/proxy-version"), nil), http.StatusNotFound, "")
	e.Inject(Fault{PathSuffix: "/upgrade-version", Kind: FaultMalformedJSON, Times: 1})
	if r := send(t, e, "POST", proxyPath(inst, id, "upgrade-version"), map[string]any{}); r.status != http.StatusOK || r.body != nil {
		t.Fatalf("malformed-json fault = %d %s", r.status, r.raw)
	}
	e.Inject(Fault{Method: "DELETE", PathSuffix: "/dns", Kind: FaultThrottle, Times: 1})
	expectStatus(t, send(t, e, "DELETE", proxyPath(inst, id, "dns"), nil), http.StatusTooManyRequests, codeThrottled)
}

func TestUpdateProxy_changesSettingsOutOfBand(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	id := e.SeedProxy(inst, ProxyView{SSL: true, AccessRules: []AccessRule{{IP: "192.0.2.1"}}})
	if v, _ := e.Proxy(inst, id); !v.SSL || len(v.AccessRules) != 1 || v.Version != LatestProxyVersion || v.ConsistenceMode != "eventual" {
		t.Fatalf("seeded = %+v", v)
	}
	ok := e.UpdateProxy(inst, id, func(v *ProxyView) {
		v.TransactionSplit, v.ConsistenceMode, v.SSL = "ON", "global", false
		v.Parameters["multiStatementType"] = "Parse"
		v.EIP, v.NodeNum, v.Port = "203.0.113.9", 4, 4000
		v.AccessRules = nil
	})
	if !ok || e.UpdateProxy(inst, "nope", func(*ProxyView) {}) {
		t.Fatal("UpdateProxy reported the wrong existence")
	}
	p := listEntry(t, e, inst)["proxy"].(map[string]any)
	if p["transaction_split"] != "ON" || p["consistence_mode"] != "global" || p["ssl_option"] != "false" ||
		p["eip"] != "203.0.113.9" || p["node_num"] != float64(4) || p["port"] != float64(4000) {
		t.Fatalf("list after UpdateProxy = %v", p)
	}
	v, _ := e.Proxy(inst, id)
	if v.Parameters["multiStatementType"] != "Parse" || len(v.AccessRules) != 0 || len(v.NodeIDs) != 4 {
		t.Fatalf("view after UpdateProxy = %+v", v)
	}
}
