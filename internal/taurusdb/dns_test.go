// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// dnsAPI stands in for the calls of the private DNS step: the proxy list
// (with or without dns_name), jobs (complete at once), the instance detail
// and POST/PUT .../dns, which change the proxy's name as the real calls do
// once their job is done.
type dnsAPI struct {
	mu sync.Mutex
	// name is the proxy's private DNS name ("" = none).
	name string
	// listsName makes the list carry dns_name; off, the list is shaped like
	// the SDK's model, which has no such field.
	listsName bool
	// vpcID is the instance detail's vpc_id.
	vpcID string
	// postRefusal, when set, answers POST .../dns with this status and body.
	postStatus int
	postBody   string
	calls      []string // "METHOD suffix body" of each mutating call
	reads      []string // "GET suffix" of each instance detail read
}

const dnsZone = "internal.cn-north-4.gaussdbformysql.myhuaweicloud.com"

func (d *dnsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	rel := r.URL.Path[strings.Index(r.URL.Path, testProject)+len(testProject):]
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/proxies"):
		type proxy struct {
			PoolID  string `json:"pool_id"`
			Status  string `json:"status"`
			DNSName string `json:"dns_name,omitempty"`
		}
		p := proxy{PoolID: proxyID, Status: ProxyActive}
		if d.listsName {
			p.DNSName = d.name
		}
		_ = json.NewEncoder(w).Encode(map[string][]map[string]proxy{"proxy_list": {{"proxy": p}}})
	case r.Method == http.MethodGet && strings.HasSuffix(rel, "/jobs"):
		fmt.Fprintf(w, `{"job":{"id":%q,"name":"x","status":"Completed"}}`, r.URL.Query().Get("id"))
	case r.Method == http.MethodGet && rel == "/instances/"+instID:
		d.reads = append(d.reads, "GET instance")
		fmt.Fprintf(w, `{"instance":{"id":%q,"name":"db","status":"normal","vpc_id":%q}}`, instID, d.vpcID)
	case strings.HasSuffix(rel, "/dns"):
		raw, _ := io.ReadAll(r.Body)
		d.calls = append(d.calls, strings.TrimSpace(r.Method+" dns "+string(raw)))
		if r.Method == http.MethodPost {
			if d.postStatus != 0 {
				w.WriteHeader(d.postStatus)
				_, _ = io.WriteString(w, d.postBody)
				return
			}
			d.name = "a1b2c3d4e5f60718." + dnsZone
			_, _ = io.WriteString(w, `{"job_id":"job-post"}`)
			return
		}
		var req proxyDNSRequest
		_ = json.Unmarshal(raw, &req)
		if d.name == "" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error_code":"DBS.280001","error_msg":"The proxy has no private DNS name."}`)
			return
		}
		d.name = req.NewDNSName + "." + dnsZone
		_, _ = io.WriteString(w, `{"job_id":"job-put"}`)
	default:
		http.Error(w, "unexpected "+r.Method+" "+rel, http.StatusTeapot)
	}
}

func (d *dnsAPI) snapshot() (calls, reads []string, name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls), slices.Clone(d.reads), d.name
}

func runDNS(t *testing.T, api *dnsAPI, prefix string) error {
	t.Helper()
	c, _ := newTestClient(t, api, fastOps)
	return c.UpdateProxy(context.Background(), instID, proxyID, ProxyChanges{DNSNamePrefix: prefix})
}

const putOrders = `PUT dns {"new_dns_name":"ordersproxy01","vpc_id":"vpc-1"}`

func TestDNSStep_appliesThenChangesPrefixWithInstanceVPC(t *testing.T) {
	api := &dnsAPI{listsName: true, vpcID: "vpc-1"}
	if err := runDNS(t, api, "ordersproxy01"); err != nil {
		t.Fatal(err)
	}
	calls, reads, name := api.snapshot()
	if want := []string{"POST dns", putOrders}; !slices.Equal(calls, want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
	if len(reads) != 1 || name != "ordersproxy01."+dnsZone {
		t.Fatalf("instance reads %q, name %q", reads, name)
	}
}

func TestDNSStep_existingNameOnlyChangesPrefix(t *testing.T) {
	api := &dnsAPI{listsName: true, vpcID: "vpc-1", name: "oldprefix01." + dnsZone}
	if err := runDNS(t, api, "ordersproxy01"); err != nil {
		t.Fatal(err)
	}
	if calls, _, _ := api.snapshot(); !slices.Equal(calls, []string{putOrders}) {
		t.Fatalf("calls %q, want only the change", calls)
	}
}

func TestDNSStep_prefixAlreadySetSendsNothing(t *testing.T) {
	api := &dnsAPI{listsName: true, vpcID: "vpc-1", name: "ordersproxy01." + dnsZone}
	if err := runDNS(t, api, "ordersproxy01"); err != nil {
		t.Fatal(err)
	}
	if calls, reads, _ := api.snapshot(); len(calls)+len(reads) != 0 {
		t.Fatalf("calls %q, reads %q: want none", calls, reads)
	}
}

// A list without dns_name (the SDK's model) cannot tell whether the proxy
// has a name: the refused application is taken as "it has one", and the
// change goes ahead.
func TestDNSStep_listWithoutNameAndRefusedApplicationStillChanges(t *testing.T) {
	api := &dnsAPI{vpcID: "vpc-1", name: "oldprefix01." + dnsZone, postStatus: http.StatusBadRequest,
		postBody: `{"error_code":"DBS.280002","error_msg":"The proxy already has a private DNS name."}`}
	if err := runDNS(t, api, "ordersproxy01"); err != nil {
		t.Fatal(err)
	}
	calls, _, name := api.snapshot()
	if want := []string{"POST dns", putOrders}; !slices.Equal(calls, want) || name != "ordersproxy01."+dnsZone {
		t.Fatalf("calls %q (want %q), name %q", calls, want, name)
	}
}

func TestDNSStep_featureRefusalNamesSettingAndStops(t *testing.T) {
	api := &dnsAPI{listsName: true, vpcID: "vpc-1", postStatus: http.StatusForbidden,
		postBody: `{"error_code":"DBS.280454","error_msg":"Not whitelisted."}`}
	err := runDNS(t, api, "ordersproxy01")
	var refusedErr *SettingRefusedError
	if !errors.As(err, &refusedErr) || !refusedErr.Feature || refusedErr.Setting != "dns_name_prefix" {
		t.Fatalf("err = %v, want a feature refusal naming dns_name_prefix", err)
	}
	if !strings.Contains(err.Error(), "DBS.280454") {
		t.Fatalf("err %q does not carry the error_code", err)
	}
	if calls, reads, _ := api.snapshot(); len(calls) != 1 || len(reads) != 0 {
		t.Fatalf("calls %q, reads %q: want only the refused application", calls, reads)
	}
}

func TestDNSStep_instanceWithoutVPCSendsNoChange(t *testing.T) {
	api := &dnsAPI{listsName: true, name: "oldprefix01." + dnsZone}
	err := runDNS(t, api, "ordersproxy01")
	if err == nil || !strings.Contains(err.Error(), "vpc_id") || !strings.Contains(err.Error(), instID) {
		t.Fatalf("err = %v, want one naming vpc_id and the instance", err)
	}
	if calls, _, _ := api.snapshot(); len(calls) != 0 {
		t.Fatalf("calls %q: want none", calls)
	}
}

func TestDNSPrefix_isFirstLabel(t *testing.T) {
	for name, want := range map[string]string{"": "", "ordersproxy01." + dnsZone: "ordersproxy01", "bare": "bare"} {
		if got := DNSPrefix(&ProxyEntry{Proxy: Proxy{DNSName: name}}); got != want {
			t.Errorf("DNSPrefix(%q) = %q, want %q", name, got, want)
		}
	}
}

// When the application is refused and the change is refused too, the
// proxy may really have no name: then the application's refusal is the
// cause, and the error must carry its error_code, not only the change's
// "no name to change".
func TestDNSStep_refusedApplicationReachesTheErrorWhenTheChangeFails(t *testing.T) {
	api := &dnsAPI{listsName: true, vpcID: "vpc-1", postStatus: http.StatusBadRequest,
		postBody: `{"error_code":"DBS.280455","error_msg":"The VPC has no private zone for proxies."}`}
	err := runDNS(t, api, "ordersproxy01")
	if err == nil || !strings.Contains(err.Error(), "DBS.280455") || !strings.Contains(err.Error(), "DBS.280001") {
		t.Fatalf("err = %v, want one carrying both the application's and the change's error_code", err)
	}
	var refusedErr *SettingRefusedError
	if !errors.As(err, &refusedErr) || refusedErr.Setting != "dns_name_prefix" {
		t.Fatalf("err = %v, want a refusal naming dns_name_prefix", err)
	}
}
