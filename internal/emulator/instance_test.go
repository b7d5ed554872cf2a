// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"testing"
	"time"
)

func getInstance(t *testing.T, e *Emulator, inst string) map[string]any {
	t.Helper()
	r := send(t, e, "GET", "/instances/"+inst, nil)
	expectStatus(t, r, http.StatusOK, "")
	detail, ok := r.body["instance"].(map[string]any)
	if !ok || len(r.body) != 1 {
		t.Fatalf("answer = %s, want {instance}", r.raw)
	}
	return detail
}

// The provider reads vpc_id from the instance detail to change a proxy's
// private DNS name: that value must be the one the change accepts.
func TestInstance_detailGivesTheVPCThatChangingDNSAccepts(t *testing.T) {
	e, clk := start(t, nil)
	inst := inst0(e)
	suffix := "." + e.dnsSuffix()
	id := e.SeedProxy(inst, ProxyView{PrivateDNSName: "ordersproxy01" + suffix})
	vpc, _ := getInstance(t, e, inst)["vpc_id"].(string)
	if vpc == "" || vpc != e.InstanceVPCID(inst) {
		t.Fatalf("vpc_id = %q, InstanceVPCID = %q", vpc, e.InstanceVPCID(inst))
	}
	dns := proxyPath(inst, id, "dns")
	expectStatus(t, send(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy02", "vpc_id": newUUID()}), http.StatusBadRequest, codeBadRequest)
	jobCall(t, e, "PUT", dns, map[string]any{"new_dns_name": "ordersproxy02", "vpc_id": vpc})
	clk.Advance(10 * time.Second)
	if v, _ := e.Proxy(inst, id); v.PrivateDNSName != "ordersproxy02"+suffix {
		t.Fatalf("name after the change = %q", v.PrivateDNSName)
	}
}

func TestInstance_detailDescribesTheInstanceAndItsLiveProxies(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.KeepDeleted = time.Hour })
	inst := inst0(e)
	created := clk.Now()
	clk.Advance(time.Minute)
	kept := e.SeedProxy(inst, ProxyView{Name: "orders_proxy"})
	gone := e.SeedProxy(inst, ProxyView{Name: "old_proxy"})
	e.RemoveProxy(inst, gone) // listed as DELETED for an hour, but not live
	view, _ := e.Proxy(inst, kept)

	d := getInstance(t, e, inst)
	nodes := e.InstanceNodes(inst)
	want := map[string]any{
		"id": inst, "name": "gauss-" + inst[:4], "project_id": e.ProjectID(), "status": "ACTIVE",
		"port": "3306", "type": "Cluster", "node_count": float64(len(nodes)),
		"created": created.UTC().Format("2006-01-02T15:04:05-0700"), "updated": created.UTC().Format("2006-01-02T15:04:05-0700"),
		"db_user_name": "root", "enterprise_project_id": "0", "az_mode": "multi", "master_az_code": nodes[0].AZ,
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %#v, want %#v", k, d[k], v)
		}
	}
	if ds, _ := d["datastore"].(map[string]any); ds["type"] != "gaussdb-mysql" || ds["version"] != "8.0" || ds["kernel_version"] == "" {
		t.Errorf("datastore = %v", d["datastore"])
	}
	ips, _ := d["private_write_ips"].([]any)
	if len(ips) != 1 || ips[0] == "" || ips[0] == view.Address {
		t.Errorf("private_write_ips = %v (proxy address %s)", d["private_write_ips"], view.Address)
	}
	for _, k := range []string{"vpc_id", "subnet_id", "security_group_id", "time_zone"} {
		if s, _ := d[k].(string); s == "" {
			t.Errorf("%s = %#v", k, d[k])
		}
	}
	proxies, _ := d["proxies"].([]any)
	if len(proxies) != 1 {
		t.Fatalf("proxies = %v, want the live one only", d["proxies"])
	}
	p := proxies[0].(map[string]any)
	if p["pool_id"] != kept || p["name"] != "orders_proxy" || p["address"] != view.Address || len(p) != 3 {
		t.Errorf("proxies[0] = %v", p)
	}
}

func TestInstance_unknownInstanceIs404LikeTheOtherInstanceCalls(t *testing.T) {
	e, _ := start(t, nil)
	unknown := "0123456789abcdef0123456789abcdefin07"
	expectStatus(t, send(t, e, "GET", "/instances/"+unknown, nil), http.StatusNotFound, codeInstanceNotFound)
	expectStatus(t, send(t, e, "GET", "/instances/"+unknown+"/proxies", nil), http.StatusNotFound, codeInstanceNotFound)
}

// The detail is one more route: authenticated, and reachable by faults
// through its own pattern without catching the longer /instances/... calls.
func TestInstance_detailIsAuthenticatedAndFaultsMatchItAlone(t *testing.T) {
	e, _ := start(t, nil)
	inst := inst0(e)
	expectStatus(t, sendWith(t, e, "GET", "/instances/"+inst, nil, nil), http.StatusUnauthorized, codeAuth)
	expectStatus(t, send(t, e, "POST", "/instances/"+inst, nil), http.StatusNotFound, codeNoSuchAPI)

	e.Inject(Fault{Method: "GET", PathSuffix: "/instances/{instance_id}", Kind: FaultBusy})
	expectStatus(t, send(t, e, "GET", "/instances/"+inst+"/proxies", nil), http.StatusOK, "")
	expectStatus(t, send(t, e, "GET", proxyPath(inst, e.SeedProxy(inst, ProxyView{}), "ipgroup"), nil), http.StatusOK, "")
	expectStatus(t, send(t, e, "GET", "/instances/"+inst, nil), http.StatusConflict, codeBusy)
	e.ClearFaults()

	e.Inject(Fault{PathSuffix: "/proxies", Kind: FaultBusy})
	e.Inject(Fault{PathSuffix: "/" + inst, Kind: FaultThrottle, Times: 1}) // the real path ends with the ID
	expectStatus(t, send(t, e, "GET", "/instances/"+inst, nil), http.StatusTooManyRequests, codeThrottled)
	getInstance(t, e, inst)
}
