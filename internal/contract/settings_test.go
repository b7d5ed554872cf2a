// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package contract_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/gaussdb/v3/model"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The further proxy calls (settings, access control, parameters, private
// DNS, EIP, kernel version, restart), each through the SDK's own client and
// checked against its response model, as the lifecycle test does for the
// calls that create and reshape a proxy.

var (
	// A proxy's IP group before any list was set.
	emptyIPGroupAllow = allowances{empty: map[string]string{
		"ip_group.ip_list": "no access list has been set yet",
	}}
	// ShowProxyVersion on the latest kernel: nothing to upgrade.
	latestVersionAllow = allowances{absent: map[string]string{
		"risk": "ProxyEngineRisk describes a pending upgrade; there is none",
	}}
	// UpgradeProxyVersion's result of an upgrade that started.
	upgradeAllow = allowances{empty: map[string]string{
		"update_result[].error_message": `"" when the upgrade was accepted, as the public reference provider expects`,
	}}
)

// TestSDK_everySettingsCallConformsToTheSDKModels runs every further proxy
// call through the SDK's client, signed with AK/SK and again with a
// security token, and checks each answer against the SDK's model and each
// change in the next list or read.
func TestSDK_everySettingsCallConformsToTheSDKModels(t *testing.T) {
	for _, c := range []struct{ name, token string }{
		{"AK-SK", ""},
		{"AK-SK with security token", "temporary-security-token-0123456789"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.token, nil)
			runSettings(t, e)
			e.rec.mu.Lock()
			defer e.rec.mu.Unlock()
			for _, ex := range e.rec.log {
				if !strings.HasPrefix(ex.header.Get("Authorization"), "SDK-HMAC-SHA256 Access="+testAK+", ") || ex.header.Get("X-Security-Token") != c.token {
					t.Fatalf("%s %s: Authorization %q, X-Security-Token %q", ex.method, ex.path, ex.header.Get("Authorization"), ex.header.Get("X-Security-Token"))
				}
			}
		})
	}
}

// proxyOf returns the list entry of one proxy, failing if it is not listed.
func (e *env) proxyOf(t *testing.T, id string) model.MysqlProxyV3 {
	t.Helper()
	entry, ok := e.list(t, listAllow)[id]
	if !ok {
		t.Fatalf("proxy %s is not listed", id)
	}
	return *entry.Proxy
}

func runSettings(t *testing.T, e *env) {
	old := emulator.ProxyVersions[2]
	id := e.emu.SeedProxy(e.instance, emulator.ProxyView{Name: "orders_proxy", Version: old})
	before := e.proxyOf(t, id)
	if *before.TransactionSplit != "OFF" || *before.ConsistenceMode != "eventual" || *before.ConnectionPoolType != "CLOSED" ||
		*before.SslOption != "false" || !*before.SwitchConnectionPoolTypeEnabled || before.Eip != nil {
		t.Fatalf("a new proxy's settings: %+v", before)
	}
	// job runs a call that answers {job_id}, checks the answer, and waits
	// for the job with the SDK.
	job := func(method, suffix string, m any, jid *string) {
		t.Helper()
		e.waitJob(t, jobID(t, e.rec.last(t, method, suffix), http.StatusOK, m, jid))
	}

	// Transaction split: the path names the instance, the body the proxy.
	split := must(e.sdk.UpdateTransactionSplitStatus(&model.UpdateTransactionSplitStatusRequest{
		InstanceId: e.instance,
		Body:       &model.ProxyTransactionSplitRequest{TransactionSplit: "ON", ProxyIdList: []string{id}},
	})).of(t)
	job(http.MethodPost, "/proxy/transaction-split", split, split.JobId)

	consist := must(e.sdk.UpdateProxySessionConsistence(&model.UpdateProxySessionConsistenceRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.ModifyProxyConsistRequest{SessionConsistence: "false", ConsistenceMode: ptr("global")},
	})).of(t)
	job(http.MethodPut, "/session-consistence", consist, consist.JobId)

	pool := must(e.sdk.UpdateProxyConnectionPoolType(&model.UpdateProxyConnectionPoolTypeRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.ProxyUpdateProxyConnectionPoolTypeRequest{ConnectionPoolType: "SESSION"},
	})).of(t)
	job(http.MethodPut, "/connection-pool-type", pool, pool.JobId)

	ssl := must(e.sdk.SwitchGaussMySqlProxySsl(&model.SwitchGaussMySqlProxySslRequest{
		InstanceId: e.instance, ProxyId: id, Body: &model.SwitchProxySslRequest{SslOption: true},
	})).of(t)
	job(http.MethodPut, "/ssl", ssl, ssl.JobId)

	after := e.proxyOf(t, id)
	if *after.TransactionSplit != "ON" || *after.ConsistenceMode != "global" || *after.ConnectionPoolType != "SESSION" ||
		*after.SslOption != "true" || *after.UpdatedAt == *before.UpdatedAt || *after.Status != "ACTIVE" {
		t.Fatalf("after the setting jobs: %+v", after)
	}

	// ALT: no read model has it, so the emulator's view is the check.
	alt := must(e.sdk.SwitchGaussMySqlProxyAlt(&model.SwitchGaussMySqlProxyAltRequest{
		ContentType: "application/json", InstanceId: e.instance, ProxyId: id,
		Body: &model.SwitchGaussMySqlProxyAltRequestBody{AltEnabled: "on", AltForReadonly: ptr("on")},
	})).of(t)
	job(http.MethodPut, "/alt", alt, alt.JobId)
	if v, _ := e.emu.Proxy(e.instance, id); !v.ALT || !v.ALTForReadonly {
		t.Fatalf("ALT after the job: %+v", v)
	}

	// New-node auto-add acts at once.
	autoAdd := must(e.sdk.UpdateNewNodeAutoAddSwitch(&model.UpdateNewNodeAutoAddSwitchRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.UpdateNewNodeAutoAddSwitchRequestBody{SwitchStatus: "ON", Weight: ptr(int32(40))},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPost, "/new-node-auto-add"), http.StatusOK, autoAdd, allowances{})
	if px := e.proxyOf(t, id); *autoAdd.Result != "success" || *px.NewNodeAutoAddStatus != "ON" || *px.NewNodeWeight != 40 {
		t.Fatalf("new-node auto-add: result %s, list %s/%d", *autoAdd.Result, *px.NewNodeAutoAddStatus, *px.NewNodeWeight)
	}

	runAccessControl(t, e, id)
	runParameters(t, e, id, job)

	runDNS(t, e, id, job)

	runVersion(t, e, id, old)

	restart := must(e.sdk.RestartProxyInstance(&model.RestartProxyInstanceRequest{ContentType: "application/json", InstanceId: e.instance, ProxyId: id})).of(t)
	restartJob := jobID(t, e.rec.last(t, http.MethodPost, "/restart"), http.StatusOK, restart, restart.JobId)
	if s := *e.proxyOf(t, id).Status; s != "ACTIVE" {
		t.Errorf("status while restarting = %s (the SDK documents none for a restart)", s)
	}
	e.waitJob(t, restartJob)
	if v, _ := e.emu.Proxy(e.instance, id); v.Restarts != 1 {
		t.Fatalf("restarts = %d", v.Restarts)
	}

	// EIP: eip shows the bound address, and is absent again after
	// unbinding.
	bound := must(e.sdk.SwitchGaussMySqlProxyEip(&model.SwitchGaussMySqlProxyEipRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.SwitchGaussMySqlProxyEipRequestBody{PublicIp: "203.0.113.7", PublicIpId: ptr("5c6f4bd3-2ac8-4b36-9ad0-4ed2a8f7e5b1"), Bind: "true"},
	})).of(t)
	job(http.MethodPut, "/bind", bound, bound.JobId)
	if px := e.proxyOf(t, id); px.Eip == nil || *px.Eip != "203.0.113.7" {
		t.Fatalf("eip after binding: %v", px.Eip)
	}
	unbound := must(e.sdk.SwitchGaussMySqlProxyEip(&model.SwitchGaussMySqlProxyEipRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.SwitchGaussMySqlProxyEipRequestBody{PublicIp: "203.0.113.7", Bind: "false"},
	})).of(t)
	job(http.MethodPut, "/bind", unbound, unbound.JobId)
	if px := e.proxyOf(t, id); px.Eip != nil {
		t.Fatalf("eip after unbinding: %s", *px.Eip)
	}
}

// listedDNSName is proxy.dns_name of one proxy, read from the raw answer
// of the SDK's list call (its model has no field for it, see listAllow),
// and whether the key is there.
func (e *env) listedDNSName(t *testing.T, id string) (string, bool) {
	t.Helper()
	e.proxyOf(t, id) // the SDK call, checked against its model and listAllow
	var raw struct {
		ProxyList []struct {
			Proxy struct {
				PoolID  string  `json:"pool_id"`
				DNSName *string `json:"dns_name"`
			} `json:"proxy"`
		} `json:"proxy_list"`
	}
	if err := json.Unmarshal(e.rec.last(t, http.MethodGet, "/proxies").body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, entry := range raw.ProxyList {
		if entry.Proxy.PoolID == id && entry.Proxy.DNSName != nil {
			return *entry.Proxy.DNSName, true
		}
	}
	return "", false
}

// runDNS applies for a private DNS name, changes its prefix and deletes it,
// as the provider does: the name is read back from the list's dns_name, and
// the change sends the vpc_id the instance detail gives.
func runDNS(t *testing.T, e *env, id string, job func(method, suffix string, m any, jid *string)) {
	// listed fails unless the list's dns_name is the emulator's name for
	// the proxy, or is absent when it has none.
	listed := func(when string) string {
		t.Helper()
		v, _ := e.emu.Proxy(e.instance, id)
		name, has := e.listedDNSName(t, id)
		if has != (v.PrivateDNSName != "") || name != v.PrivateDNSName {
			t.Fatalf("%s: listed dns_name %q (present %t), the proxy's name %q", when, name, has, v.PrivateDNSName)
		}
		return name
	}
	if listed("before applying") != "" {
		t.Fatal("a new proxy has a private DNS name")
	}

	dns := must(e.sdk.CreateProxyDnsName(&model.CreateProxyDnsNameRequest{InstanceId: e.instance, ProxyId: id})).of(t)
	job(http.MethodPost, "/dns", dns, dns.JobId)
	applied := listed("after applying")
	_, zone, _ := strings.Cut(applied, ".")
	if zone == "" {
		t.Fatalf("private DNS name after applying: %q", applied)
	}

	vpc := e.instanceDetail(t).VpcId
	if vpc == nil || *vpc == "" {
		t.Fatal("the instance detail has no vpc_id")
	}
	renamed := must(e.sdk.UpdateProxyPrivateDnsName(&model.UpdateProxyPrivateDnsNameRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.UpdateProxyPrivateDnsName{NewDnsName: "ordersproxy01", VpcId: *vpc},
	})).of(t)
	job(http.MethodPut, "/dns", renamed, renamed.JobId)
	if got := listed("after the change"); got != "ordersproxy01."+zone {
		t.Fatalf("private DNS name after the change: %q (was %q)", got, applied)
	}

	undns := must(e.sdk.DeleteProxyPrivateDnsName(&model.DeleteProxyPrivateDnsNameRequest{InstanceId: e.instance, ProxyId: id})).of(t)
	job(http.MethodDelete, "/dns", undns, undns.JobId)
	if got := listed("after deleting"); got != "" {
		t.Fatalf("private DNS name after deleting: %q", got)
	}
}

func runAccessControl(t *testing.T, e *env, id string) {
	group := must(e.sdk.ShowProxyIpgroup(&model.ShowProxyIpgroupRequest{InstanceId: e.instance, ProxyId: id})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/ipgroup"), http.StatusOK, group, emptyIPGroupAllow)
	if *group.EnableIpGroup || *group.Type != "white" || len(group.IpGroup.IpList) != 0 {
		t.Fatalf("initial access control: %+v", group)
	}
	list := must(e.sdk.CreateAccessControl(&model.CreateAccessControlRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.CreateAccessControlRequestBody{Type: "black", IpList: []model.AccessControlRule{
			{Ip: "203.0.113.0/24", Description: ptr("partner network")},
			{Ip: "198.51.100.7", Description: ptr("old batch host")},
		}},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPost, "/access-control"), http.StatusOK, list, allowances{})
	on := must(e.sdk.SwitchAccessControl(&model.SwitchAccessControlRequest{
		InstanceId: e.instance, ProxyId: id, Body: &model.SwitchAccessControlRequestBody{OpenAccessControl: true},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPost, "/access-control-switch"), http.StatusOK, on, allowances{})
	if *list.OpenAccessControl || !*on.OpenAccessControl {
		t.Fatalf("open_access_control: after the list %t, after the switch %t", *list.OpenAccessControl, *on.OpenAccessControl)
	}
	group = must(e.sdk.ShowProxyIpgroup(&model.ShowProxyIpgroupRequest{InstanceId: e.instance, ProxyId: id})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/ipgroup"), http.StatusOK, group, allowances{})
	ips := group.IpGroup.IpList
	if !*group.EnableIpGroup || *group.Type != "black" || len(ips) != 2 ||
		ips[0] != (model.IpGroupItem{Ip: "203.0.113.0/24", Description: "partner network"}) || ips[1].Ip != "198.51.100.7" {
		t.Fatalf("access control after the changes: %+v", group)
	}
}

func runParameters(t *testing.T, e *env, id string, job func(method, suffix string, m any, jid *string)) {
	page := must(e.sdk.ShowProxyConfigurations(&model.ShowProxyConfigurationsRequest{
		ContentType: "application/json", InstanceId: e.instance, ProxyId: id, Offset: ptr(int32(0)), Limit: ptr(int32(2)),
	})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/configurations"), http.StatusOK, page, allowances{})
	if *page.TotalCount != "6" || len(*page.Configurations) != 2 || *(*page.Configurations)[0].Name != "multiStatementType" {
		t.Fatalf("first page of parameters: total %s, %d items", *page.TotalCount, len(*page.Configurations))
	}
	changed := must(e.sdk.UpdateProxyNewConfigurations(&model.UpdateProxyNewConfigurationsRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.UpdateProxyNewConfigRequestBody{Configurations: []model.UpdateProxyConfigurationItem{
			{Name: "multiStatementType", Value: "Loose", ElemType: "system"},
			{Name: "looseImciApThreshold", Value: "6000", ElemType: "system"},
		}},
	})).of(t)
	job(http.MethodPut, "/configurations", changed, changed.JobId)
	for name, want := range map[string]string{"multiStatementType": "Loose", "looseImciApThreshold": "6000"} {
		one := must(e.sdk.ShowProxyConfigurations(&model.ShowProxyConfigurationsRequest{
			ContentType: "application/json", InstanceId: e.instance, ProxyId: id, Name: ptr(name),
		})).of(t)
		ex := e.rec.last(t, http.MethodGet, "/configurations")
		conform(t, ex, http.StatusOK, one, allowances{})
		if ex.rawQuery != "name="+name {
			t.Errorf("query = %q", ex.rawQuery)
		}
		if *one.TotalCount != "1" || *(*one.Configurations)[0].Value != want {
			t.Fatalf("%s after the change: %+v", name, one)
		}
	}
}

func runVersion(t *testing.T, e *env, id, old string) {
	read := func(allow allowances) *model.ShowProxyVersionResponse {
		t.Helper()
		v := must(e.sdk.ShowProxyVersion(&model.ShowProxyVersionRequest{InstanceId: e.instance, ProxyId: id, EngineName: "taurusproxy"})).of(t)
		conform(t, e.rec.last(t, http.MethodGet, "/taurusproxy/proxy-version"), http.StatusOK, v, allow)
		return v
	}
	v := read(allowances{})
	if *v.CurrentVersion != old || *v.LatestVersion != emulator.LatestProxyVersion || !*v.CanUpgrade || *v.Risk.Level != 1 {
		t.Fatalf("version before the upgrade: %+v", v)
	}
	up := must(e.sdk.UpgradeProxyVersion(&model.UpgradeProxyVersionRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.ProxyUpgradeProxyVersionRequest{SourceVersion: old, TargetVersion: *v.LatestVersion},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPost, "/upgrade-version"), http.StatusOK, up, upgradeAllow)
	res := (*up.UpdateResult)[0]
	if len(*up.UpdateResult) != 1 || *res.InstanceId != e.instance || *res.State != "ACCEPT" {
		t.Fatalf("update_result = %+v", *up.UpdateResult)
	}
	if v := read(allowances{}); *v.CurrentVersion != old {
		t.Fatalf("upgraded before the job completed: %s", *v.CurrentVersion)
	}
	e.waitJob(t, *res.WorkflowId)
	if v := read(latestVersionAllow); *v.CurrentVersion != emulator.LatestProxyVersion || *v.CanUpgrade || v.Risk != nil {
		t.Fatalf("version after the upgrade: %+v", v)
	}
	_, err := e.sdk.UpgradeProxyVersion(&model.UpgradeProxyVersionRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.ProxyUpgradeProxyVersionRequest{SourceVersion: emulator.LatestProxyVersion, TargetVersion: emulator.LatestProxyVersion},
	})
	serviceError(t, err, http.StatusBadRequest, "DBS.200001")
}

// TestSDK_accountAndKernelRefusals: the refusals that depend on the account
// (whitelist) or the kernel (session pool) decode as the SDK's API errors
// and change nothing.
func TestSDK_accountAndKernelRefusals(t *testing.T) {
	e := newEnv(t, "", func(c *emulator.Config) { c.NotWhitelisted, c.NoSessionConnectionPool = true, true })
	id := e.emu.SeedProxy(e.instance, emulator.ProxyView{})
	if px := e.proxyOf(t, id); *px.SwitchConnectionPoolTypeEnabled {
		t.Fatal("switch_connection_pool_type_enabled = true")
	}
	_, err := e.sdk.UpdateNewNodeAutoAddSwitch(&model.UpdateNewNodeAutoAddSwitchRequest{
		InstanceId: e.instance, ProxyId: id, Body: &model.UpdateNewNodeAutoAddSwitchRequestBody{SwitchStatus: "ON", Weight: ptr(int32(1))},
	})
	serviceError(t, err, http.StatusForbidden, emulator.ErrorCodeNotWhitelisted)
	_, err = e.sdk.UpdateProxyNewConfigurations(&model.UpdateProxyNewConfigurationsRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.UpdateProxyNewConfigRequestBody{Configurations: []model.UpdateProxyConfigurationItem{{Name: "looseImciApThreshold", Value: "6000", ElemType: "system"}}},
	})
	serviceError(t, err, http.StatusForbidden, emulator.ErrorCodeNotWhitelisted)
	_, err = e.sdk.CreateProxyDnsName(&model.CreateProxyDnsNameRequest{InstanceId: e.instance, ProxyId: id})
	serviceError(t, err, http.StatusForbidden, emulator.ErrorCodeNotWhitelisted)
	_, err = e.sdk.UpdateProxyConnectionPoolType(&model.UpdateProxyConnectionPoolTypeRequest{
		InstanceId: e.instance, ProxyId: id, Body: &model.ProxyUpdateProxyConnectionPoolTypeRequest{ConnectionPoolType: "SESSION"},
	})
	serviceError(t, err, http.StatusBadRequest, emulator.ErrorCodeNoSessionPool)
	if v, _ := e.emu.Proxy(e.instance, id); v.NewNodeAutoAddStatus != "OFF" || v.ConnectionPoolType != "CLOSED" || v.PrivateDNSName != "" || len(e.emu.Jobs()) != 0 {
		t.Fatalf("a refused call changed something: %+v, %d jobs", v, len(e.emu.Jobs()))
	}
}
