// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package contract_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/gaussdb/v3/model"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

func ptr[T any](v T) *T { return &v }

// Allowances shared by the checks below. Each says why the zero value or
// the missing key is what the real API sends too.
var (
	listAllow = allowances{empty: map[string]string{
		"proxy_list[].proxy.route_mode":          "0 is the weighted route mode, the default",
		"proxy_list[].proxy.nodes[].frozen_flag": "0 means the proxy node is not frozen",
		"proxy_list[].proxy.new_node_weight":     "0 while new nodes are not added to the proxy automatically",
		"proxy_list[].master_node.weight":        "0: the primary takes no reads (read-only proxy, or route mode 1)",
		"proxy_list[].readonly_nodes[].weight":   "0: a replica kept out of the read pool",
		"proxy_list[].htap_nodes":                "the emulated instances have no HTAP nodes",
	}, absent: map[string]string{
		// The public reference provider's EIP association waits, after
		// unbinding, for the key to disappear from the list.
		"proxy_list[].proxy.eip":      "absent while no EIP is bound",
		"proxy_list[].proxy.dns_name": "absent while the proxy has no private DNS name",
	}, beyond: map[string]string{
		// The SDK (v0.1.207) and the reference disagree; the client takes
		// the key as optional, which tolerates both.
		"proxy_list[].proxy.dns_name": "MysqlProxyV3 lacks it, but huaweicloud/terraform-provider-huaweicloud's " +
			"resource_huaweicloud_taurusdb_proxy.go reads the proxy's private DNS name from this list as proxy.dns_name " +
			"(its prefix is the first dot-separated label), and its acceptance tests run against the real cloud",
	}}
	// An instance whose last proxy is gone lists none.
	emptyListAllow = listAllow.with(allowances{empty: map[string]string{"proxy_list": "no proxies left"}})

	// GetJobEntitiesInfoDetail has no fields: the SDK says its content
	// "differs by task", so what the emulator puts there is not checked.
	jobAllow     = allowances{open: map[string]string{"job.entities": "an open object in the SDK"}}
	runningAllow = jobAllow.with(allowances{empty: map[string]string{
		"job.ended":       "a running job has not ended",
		"job.fail_reason": "a running job has not failed",
	}})
	completedAllow = jobAllow.with(allowances{empty: map[string]string{
		"job.process":     `progress is "" once a job is no longer running`,
		"job.fail_reason": "a completed job did not fail",
	}})

	// ShowGaussMySqlInstanceInfo: the emulator fills what it models of an
	// instance (the provider reads only vpc_id, for changing a proxy's
	// private DNS name) and leaves the rest of MysqlInstanceInfoDetail out.
	instanceAllow = allowances{absent: map[string]string{
		"instance.alias":                 "not emulated: the provider reads only vpc_id (a remark, empty unless set)",
		"instance.charge_info":           "not emulated: the provider reads only vpc_id (billing)",
		"instance.backup_used_space":     "not emulated: the provider reads only vpc_id (no backups are emulated)",
		"instance.private_dns_names":     "not emulated: the instance's own DNS names, applied for by hand (the SDK: empty until then); proxies' names are in the proxy list",
		"instance.public_ips":            "not emulated: the provider reads only vpc_id (no public IP is bound to the emulated instances)",
		"instance.configuration_id":      "not emulated: the provider reads only vpc_id (parameter templates)",
		"instance.backup_strategy":       "not emulated: the provider reads only vpc_id (no backups are emulated)",
		"instance.nodes":                 "not emulated: the provider reads only vpc_id; the proxy list gives the DB nodes proxies route to",
		"instance.maintenance_window":    "not emulated: the provider reads only vpc_id",
		"instance.tags":                  "not emulated: the provider reads only vpc_id",
		"instance.dedicated_resource_id": "the SDK: sent only for instances in a dedicated resource pool, which the emulated ones are not",
	}}
)

// instanceDetail reads the instance with the SDK's ShowGaussMySqlInstanceInfo
// and checks the answer against its model.
//
// The SDK marks that call deprecated (its successor is the /v3.1
// ShowGaussMySqlInstanceInfoUnifyStatus, with other status values), but
// the v3 path is the one the provider calls and the emulator serves, and
// the API reference still lists it, so it is the call to hold the
// emulator to.
func (e *env) instanceDetail(t *testing.T) *model.MysqlInstanceInfoDetail {
	t.Helper()
	//nolint:staticcheck // SA1019: the v3 call on purpose, see above
	resp := must(e.sdk.ShowGaussMySqlInstanceInfo(&model.ShowGaussMySqlInstanceInfoRequest{InstanceId: e.instance})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/instances/"+e.instance), http.StatusOK, resp, instanceAllow)
	if resp.Instance == nil || resp.Instance.Id != e.instance {
		t.Fatalf("the detail names another instance: %v", resp.Instance)
	}
	return resp.Instance
}

// conform fails the test unless the answer has the status and the raw JSON
// fits the SDK model exactly (see shapeProblems).
func conform(t *testing.T, ex exchange, status int, m any, allow allowances) {
	t.Helper()
	if ex.status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", ex.method, ex.path, ex.status, status, ex.body)
	}
	if problems := shapeProblems(ex.body, m, allow); len(problems) > 0 {
		t.Fatalf("%s %s: the answer does not fit %T:\n  %s\nbody: %s", ex.method, ex.path, m, strings.Join(problems, "\n  "), ex.body)
	}
}

// must(sdkCall(...)).of(t) is the answer of an SDK call that has to
// succeed. (Go passes a multi-value call only as the sole argument, hence
// the two steps.)
func must[T any](v T, err error) checked[T] { return checked[T]{v, err} }

type checked[T any] struct {
	v   T
	err error
}

func (c checked[T]) of(t *testing.T) T {
	t.Helper()
	if c.err != nil {
		t.Fatalf("SDK call failed: %v", c.err)
	}
	return c.v
}

// list returns the instance's proxies, by pool_id, after checking the
// answer against ShowGaussMySqlProxyListResponse.
func (e *env) list(t *testing.T, allow allowances) map[string]model.MysqlShowProxyResponseV3 {
	t.Helper()
	resp := must(e.sdk.ShowGaussMySqlProxyList(&model.ShowGaussMySqlProxyListRequest{
		InstanceId: e.instance, Offset: ptr(int32(0)), Limit: ptr(int32(100)),
	})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/proxies"), http.StatusOK, resp, allow)
	out := map[string]model.MysqlShowProxyResponseV3{}
	for _, entry := range *resp.ProxyList {
		out[*entry.Proxy.PoolId] = entry
	}
	return out
}

// waitJob polls the job with the SDK until it completes, advancing the
// emulator's clock between queries (bounded: a job that never completes
// fails the test). The first answer is checked as a running job, the last
// as a completed one.
func (e *env) waitJob(t *testing.T, jobID string) *model.GetJobInfoDetail {
	t.Helper()
	const maxPolls = int(4*jobDuration/jobStep) + 4
	for i := range maxPolls {
		resp := must(e.sdk.ShowGaussMySqlJobInfo(&model.ShowGaussMySqlJobInfoRequest{Id: jobID})).of(t)
		ex := e.rec.last(t, http.MethodGet, "/jobs")
		if ex.rawQuery != "id="+jobID {
			t.Fatalf("job query = %q", ex.rawQuery)
		}
		j := resp.Job
		if j.Id != jobID || j.Instance == nil || j.Instance.Id != e.instance {
			t.Fatalf("job answer names another job or instance: %+v", j)
		}
		switch status := j.Status.Value(); status {
		case "Running":
			if i == 0 {
				conform(t, ex, http.StatusOK, resp, runningAllow)
				if !strings.HasSuffix(*j.Process, "%") {
					t.Errorf("process of a running job = %q", *j.Process)
				}
			}
			e.clk.Advance(jobStep)
		case "Completed":
			conform(t, ex, http.StatusOK, resp, completedAllow)
			for _, ts := range []string{j.Created, *j.Ended} {
				if _, err := time.Parse("2006-01-02T15:04:05-0700", ts); err != nil {
					t.Errorf("job time %q is not yyyy-mm-ddThh:mm:ss+hhmm: %v", ts, err)
				}
			}
			return j
		default:
			t.Fatalf("job %s ended %s: %s", jobID, status, ex.body)
		}
	}
	t.Fatalf("job %s still running after %d polls", jobID, maxPolls)
	return nil
}

// jobID checks a {job_id} answer and returns the ID.
func jobID(t *testing.T, ex exchange, status int, m any, id *string) string {
	t.Helper()
	conform(t, ex, status, m, allowances{})
	if id == nil || *id == "" {
		t.Fatalf("no job_id decoded from %s", ex.body)
	}
	return *id
}

// serviceError returns the SDK's error for a refused call.
func serviceError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want an API error %d %s", err, err, status, code)
	}
	if se.StatusCode != status || se.ErrorCode != code || se.ErrorMessage == "" || se.RequestId == "" {
		t.Fatalf("API error = %+v, want %d %s with a message and a request ID", se, status, code)
	}
}

func flavorCodes(groups []model.MysqlProxyFlavorGroups) []string {
	var out []string
	for _, g := range groups {
		for _, f := range *g.ProxyFlavors {
			out = append(out, f.SpecCode)
		}
	}
	return out
}

// TestSDK_everyProviderCallConformsToTheSDKModels runs every call the
// provider makes through the SDK's own client, once signed with AK/SK and
// once with AK/SK and a security token (temporary credentials). Each answer
// must decode into the SDK's response model and match it key for key with
// realistic values, and each change must show in the next proxy list once
// its job has completed.
func TestSDK_everyProviderCallConformsToTheSDKModels(t *testing.T) {
	for _, c := range []struct{ name, token string }{
		{"AK-SK", ""},
		{"AK-SK with security token", "temporary-security-token-0123456789"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.token, nil)
			runLifecycle(t, e)
			// Every request went out signed by the SDK, with the token
			// when there is one; the emulator verified each signature.
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

func runLifecycle(t *testing.T, e *env) {
	nodes := e.emu.InstanceNodes(e.instance)
	master, replica1, replica2 := nodes[0].ID, nodes[1].ID, nodes[2].ID

	// Flavors for the instance: what create may use.
	flavors := must(e.sdk.ShowGaussMySqlProxyFlavors(&model.ShowGaussMySqlProxyFlavorsRequest{InstanceId: e.instance})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/proxy/flavors"), http.StatusOK, flavors, allowances{})
	codes := flavorCodes(*flavors.ProxyFlavorGroups)
	if len(codes) < 2 {
		t.Fatalf("flavors = %v", codes)
	}
	flavor, bigger := codes[0], codes[1]

	// Create P1 (read/write) and wait for it.
	created := must(e.sdk.CreateGaussMySqlProxy(&model.CreateGaussMySqlProxyRequest{
		InstanceId: e.instance,
		Body: &model.OpenMysqlProxyRequestBody{
			FlavorRef: flavor, NodeNum: 2, ProxyName: ptr("orders_proxy"),
			ProxyMode: ptr(model.GetOpenMysqlProxyRequestBodyProxyModeEnum().READWRITE),
			RouteMode: ptr(int32(0)),
			NodesReadWeight: &[]model.NodesWeight{
				{Id: ptr(master), Weight: ptr(int32(50))},
				{Id: ptr(replica1), Weight: ptr(int32(100))},
				{Id: ptr(replica2), Weight: ptr(int32(100))},
			},
			NewNodeAutoAddStatus: ptr("ON"), NewNodeWeight: ptr(int32(10)),
		},
	})).of(t)
	job := jobID(t, e.rec.last(t, http.MethodPost, "/proxy"), http.StatusCreated, created, created.JobId)
	if created.HttpStatusCode != http.StatusCreated {
		t.Errorf("create status = %d", created.HttpStatusCode)
	}
	during := e.list(t, listAllow)
	if len(during) != 1 {
		t.Fatalf("proxies while creating = %d", len(during))
	}
	var p1 string
	for id, entry := range during {
		p1 = id
		if *entry.Proxy.Status != emulator.StatusEnabling {
			t.Errorf("status while creating = %s", *entry.Proxy.Status)
		}
	}
	e.waitJob(t, job)
	entry := e.list(t, listAllow)[p1]
	px := entry.Proxy
	if *px.Status != "ACTIVE" || px.Type.Value() != "readwrite" || *px.Name != "orders_proxy" || *px.FlavorRef != flavor ||
		*px.NodeNum != 2 || len(*px.Nodes) != 2 || *px.NewNodeAutoAddStatus != "ON" || *px.NewNodeWeight != 10 ||
		*entry.MasterNode.Weight != 50 || len(*entry.ReadonlyNodes) != 2 || len(*entry.HtapNodes) != 0 {
		t.Fatalf("after create: %v", entry)
	}
	for _, ts := range []string{*px.CreatedAt, *px.UpdatedAt} {
		if _, err := time.Parse("2006-01-02T15:04:05-0700", ts); err != nil {
			t.Errorf("proxy time %q: %v", ts, err)
		}
	}
	// The proxies data source reports elb_vip, mode and each node's name
	// from these SDK fields (MysqlProxyV3.elb_vip, .mode, MysqlProxyNodes.name).
	if *px.ElbVip != *px.Address || *px.Mode != "Cluster" || *(*px.Nodes)[0].Name == "" || *(*px.Nodes)[0].Name == *(*px.Nodes)[1].Name {
		t.Errorf("after create: elb_vip %q (address %q), mode %q, nodes %v", *px.ElbVip, *px.Address, *px.Mode, *px.Nodes)
	}
	az := (*entry.MasterNode.AvailabilityZone)[0]

	// Flavors by availability zone, for the zone the list names.
	byAZ := must(e.sdk.ShowProxyFlavorsByAzCode(&model.ShowProxyFlavorsByAzCodeRequest{AzCodes: *az.Code, ProxyEngineName: "taurusproxy"})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/proxy/flavors"), http.StatusOK, byAZ, allowances{})
	f0 := (*(*byAZ.ProxyFlavorGroups)[0].ProxyFlavors)[0]
	if *f0.SpecCode != flavor || (*f0.AzStatus).(map[string]any)[*az.Code] != "normal" {
		t.Errorf("first flavor in %s = %v", *az.Code, f0)
	}
	// The data source reports supported_ipv6 from this answer: the SDK's
	// ProxyFlavor models it as a bool (conform checked it is present).
	if f0.SupportedIpv6 == nil || !*f0.SupportedIpv6 {
		t.Errorf("first flavor in %s: supported_ipv6 = %v, want true", *az.Code, f0.SupportedIpv6)
	}

	// Add one node without naming the proxy: allowed with one proxy.
	enlarged := must(e.sdk.ExpandGaussMySqlProxy(&model.ExpandGaussMySqlProxyRequest{
		InstanceId: e.instance, Body: &model.EnlargeProxyRequest{NodeNum: 1},
	})).of(t)
	job = jobID(t, e.rec.last(t, http.MethodPost, "/proxy/enlarge"), http.StatusOK, enlarged, enlarged.JobId)
	if s := *e.list(t, listAllow)[p1].Proxy.Status; s != emulator.StatusAddingNode {
		t.Errorf("status while adding a node = %s", s)
	}
	e.waitJob(t, job)
	if n := *e.list(t, listAllow)[p1].Proxy.NodeNum; n != 3 {
		t.Fatalf("node_num after adding one = %d", n)
	}

	// Create P2 (read-only); with two proxies, enlarge must name one.
	created = must(e.sdk.CreateGaussMySqlProxy(&model.CreateGaussMySqlProxyRequest{
		InstanceId: e.instance,
		Body: &model.OpenMysqlProxyRequestBody{
			FlavorRef: flavor, NodeNum: 2, ProxyName: ptr("reports_proxy"),
			ProxyMode: ptr(model.GetOpenMysqlProxyRequestBodyProxyModeEnum().READONLY),
		},
	})).of(t)
	e.waitJob(t, jobID(t, e.rec.last(t, http.MethodPost, "/proxy"), http.StatusCreated, created, created.JobId))
	all := e.list(t, listAllow)
	var p2 string
	for id := range all {
		if id != p1 {
			p2 = id
		}
	}
	if len(all) != 2 || all[p2].Proxy.Type.Value() != "readonly" || *all[p2].MasterNode.Weight != 0 {
		t.Fatalf("after the second create: %v", all)
	}
	_, err := e.sdk.ExpandGaussMySqlProxy(&model.ExpandGaussMySqlProxyRequest{InstanceId: e.instance, Body: &model.EnlargeProxyRequest{NodeNum: 1}})
	serviceError(t, err, http.StatusBadRequest, "DBS.200001")

	// The instance detail names both proxies by pool_id, name and address.
	detail := e.instanceDetail(t)
	named := map[string]string{}
	for _, p := range *detail.Proxies {
		named[*p.PoolId] = *p.Name + " " + *p.Address
	}
	if *detail.VpcId != e.emu.InstanceVPCID(e.instance) || len(named) != 2 ||
		named[p1] != "orders_proxy "+*all[p1].Proxy.Address || named[p2] != "reports_proxy "+*all[p2].Proxy.Address {
		t.Fatalf("instance detail: vpc_id %s, proxies %v", *detail.VpcId, named)
	}
	if _, err := time.Parse("2006-01-02T15:04:05-0700", *detail.Created); err != nil {
		t.Errorf("instance created %q: %v", *detail.Created, err)
	}

	enlarged = must(e.sdk.ExpandGaussMySqlProxy(&model.ExpandGaussMySqlProxyRequest{
		InstanceId: e.instance, Body: &model.EnlargeProxyRequest{NodeNum: 1, ProxyId: ptr(p1)},
	})).of(t)
	e.waitJob(t, jobID(t, e.rec.last(t, http.MethodPost, "/proxy/enlarge"), http.StatusOK, enlarged, enlarged.JobId))
	if n := *e.list(t, listAllow)[p1].Proxy.NodeNum; n != 4 {
		t.Fatalf("node_num after adding another = %d", n)
	}

	// Remove two nodes.
	shrunk := must(e.sdk.ShrinkGaussMySqlProxy(&model.ShrinkGaussMySqlProxyRequest{
		InstanceId: e.instance, ProxyId: p1, Body: &model.ShrinkGaussMySqlProxyRequestBody{NodeNum: 2},
	})).of(t)
	job = jobID(t, e.rec.last(t, http.MethodPut, "/reduce"), http.StatusOK, shrunk, shrunk.JobId)
	if n := *e.list(t, listAllow)[p1].Proxy.NodeNum; n != 4 {
		t.Errorf("node_num changed before the reduce job ended: %d", n)
	}
	e.waitJob(t, job)
	if n := *e.list(t, listAllow)[p1].Proxy.NodeNum; n != 2 {
		t.Fatalf("node_num after removing two = %d", n)
	}

	// Change the flavor; the scale query leaves the current one out.
	scale := must(e.sdk.ShowGaussMySqlProxyFlavors(&model.ShowGaussMySqlProxyFlavorsRequest{
		InstanceId: e.instance, ProxyId: ptr(p1),
		QueryType: ptr(model.GetShowGaussMySqlProxyFlavorsRequestQueryTypeEnum().SCALE),
	})).of(t)
	conform(t, e.rec.last(t, http.MethodGet, "/proxy/flavors"), http.StatusOK, scale, allowances{})
	if sc := flavorCodes(*scale.ProxyFlavorGroups); slices.Contains(sc, flavor) || !slices.Contains(sc, bigger) {
		t.Errorf("scale flavors = %v (current %s)", sc, flavor)
	}
	resized := must(e.sdk.ChangeGaussMySqlProxySpecification(&model.ChangeGaussMySqlProxySpecificationRequest{
		InstanceId: e.instance, ProxyId: p1, Body: &model.TaurusProxyScaleRequest{FlavorRef: bigger},
	})).of(t)
	job = jobID(t, e.rec.last(t, http.MethodPut, "/flavor"), http.StatusOK, resized, resized.JobId)
	before := e.list(t, listAllow)[p1].Proxy
	e.waitJob(t, job)
	after := e.list(t, listAllow)[p1].Proxy
	if *before.FlavorRef != flavor || *after.FlavorRef != bigger || *after.Ram == *before.Ram || *after.UpdatedAt == *before.UpdatedAt {
		t.Fatalf("flavor change: before %s/%s GB, after %s/%s GB (updated_at %s -> %s)", *before.FlavorRef, *before.Ram, *after.FlavorRef, *after.Ram, *before.UpdatedAt, *after.UpdatedAt)
	}

	// Rename: no job, effective at once.
	renamed := must(e.sdk.UpdateProxyName(&model.UpdateProxyNameRequest{
		InstanceId: e.instance, ProxyId: p1, ContentType: "application/json",
		Body: &model.ProxyUpdateProxyNameRequest{Alias: "orders-proxy-2"},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPut, "/rename"), http.StatusOK, renamed, allowances{})
	if *renamed.Result != "success" || *e.list(t, listAllow)[p1].Proxy.Name != "orders-proxy-2" {
		t.Fatalf("rename: result %s", *renamed.Result)
	}

	// Port: a job when it changes, {} when it does not.
	port := must(e.sdk.UpdateProxyPort(&model.UpdateProxyPortRequest{
		InstanceId: e.instance, ProxyId: p1, Body: &model.UpdateProxyPortRequestBody{Port: 4406},
	})).of(t)
	e.waitJob(t, jobID(t, e.rec.last(t, http.MethodPut, "/port"), http.StatusOK, port, port.JobId))
	if got := *e.list(t, listAllow)[p1].Proxy.Port; got != 4406 {
		t.Fatalf("port = %d", got)
	}
	port = must(e.sdk.UpdateProxyPort(&model.UpdateProxyPortRequest{
		InstanceId: e.instance, ProxyId: p1, Body: &model.UpdateProxyPortRequestBody{Port: 4406},
	})).of(t)
	conform(t, e.rec.last(t, http.MethodPut, "/port"), http.StatusOK, port,
		allowances{absent: map[string]string{"job_id": "the reference: no job when the port did not change"}})
	if port.JobId != nil {
		t.Errorf("unchanged port started job %s", *port.JobId)
	}

	// Read weights.
	weighted := must(e.sdk.SetGaussMySqlProxyWeight(&model.SetGaussMySqlProxyWeightRequest{
		InstanceId: e.instance, ProxyId: p1,
		Body: &model.TaurusModifyProxyWeightRequest{
			MasterWeight:  ptr(int32(20)),
			ReadonlyNodes: &[]model.ModifyProxyWeightReadonlyNode{{Id: ptr(replica1), Weight: ptr(int32(300))}},
		},
	})).of(t)
	job = jobID(t, e.rec.last(t, http.MethodPut, "/weight"), http.StatusOK, weighted, weighted.JobId)
	if s := *e.list(t, listAllow)[p1].Proxy.Status; s != emulator.StatusChangingWeight {
		t.Errorf("status while changing weights = %s", s)
	}
	e.waitJob(t, job)
	entry = e.list(t, listAllow)[p1]
	if w := weightsOf(entry); w[master] != 20 || w[replica1] != 300 || w[replica2] != 100 {
		t.Fatalf("weights = %v", w)
	}

	// Route mode 1: load balancing, the primary takes no reads.
	routed := must(e.sdk.ModifyGaussMySqlProxyRouteMode(&model.ModifyGaussMySqlProxyRouteModeRequest{
		InstanceId: e.instance, ProxyId: p1,
		Body: &model.ModifyGaussMySqlProxyRouteModeRequestBody{
			RouteMode: 1, MasterWeight: ptr(int32(0)),
			ReadonlyNodes: &[]model.ModifyProxyRouteWeightReadonlyNode{{Id: replica1, Weight: 1}, {Id: replica2, Weight: 0}},
		},
	})).of(t)
	job = jobID(t, e.rec.last(t, http.MethodPut, "/route-mode"), http.StatusOK, routed, routed.JobId)
	if m := *e.list(t, listAllow)[p1].Proxy.RouteMode; m != 0 {
		t.Errorf("route_mode changed before the job ended: %d", m)
	}
	e.waitJob(t, job)
	entry = e.list(t, listAllow)[p1]
	if w := weightsOf(entry); *entry.Proxy.RouteMode != 1 || !*entry.Proxy.BalanceRouteModeEnabled || w[master] != 0 || w[replica1] != 1 || w[replica2] != 0 {
		t.Fatalf("after route mode 1: route_mode %d, weights %v", *entry.Proxy.RouteMode, w)
	}

	// Delete both proxies, naming them in proxy_ids.
	for i, id := range []string{p2, p1} {
		deleted := must(e.sdk.DeleteGaussMySqlProxy(&model.DeleteGaussMySqlProxyRequest{
			InstanceId: e.instance, Body: &model.CloseMysqlProxyRequestBody{ProxyIds: &[]string{id}},
		})).of(t)
		job = jobID(t, e.rec.last(t, http.MethodDelete, "/proxy"), http.StatusOK, deleted, deleted.JobId)
		if s := *e.list(t, listAllow)[id].Proxy.Status; s != emulator.StatusDisabling {
			t.Errorf("status while deleting = %s", s)
		}
		e.waitJob(t, job)
		left := e.list(t, emptyListAllow)
		if _, still := left[id]; still || len(left) != 1-i {
			t.Fatalf("after deleting %s: %v", id, left)
		}
	}
}

func weightsOf(entry model.MysqlShowProxyResponseV3) map[string]int32 {
	w := map[string]int32{*entry.MasterNode.Id: *entry.MasterNode.Weight}
	for _, n := range *entry.ReadonlyNodes {
		w[*n.Id] = *n.Weight
	}
	return w
}

// TestSDK_wrongSecurityTokenIsRefused shows the token variant above is not
// vacuous: the emulator checks the token the SDK sends.
func TestSDK_wrongSecurityTokenIsRefused(t *testing.T) {
	e := newEnv(t, "the-right-token", nil)
	wrong := newSDKClient(t, e.url, e.emu.ProjectID(), "a-wrong-token")
	_, err := wrong.ShowGaussMySqlProxyList(&model.ShowGaussMySqlProxyListRequest{InstanceId: e.instance})
	serviceError(t, err, http.StatusUnauthorized, "APIG.0301")
}

// TestSDK_routeModeWithoutBalanceSupport: a kernel without load balancing
// lists balance_route_mode_enabled false and refuses route modes 1 and 2,
// with an error the SDK decodes.
func TestSDK_routeModeWithoutBalanceSupport(t *testing.T) {
	e := newEnv(t, "", func(c *emulator.Config) { c.NoBalanceRouteMode = true })
	id := e.emu.SeedProxy(e.instance, emulator.ProxyView{})
	if entry := e.list(t, listAllow)[id]; *entry.Proxy.BalanceRouteModeEnabled {
		t.Fatal("balance_route_mode_enabled = true")
	}
	_, err := e.sdk.ModifyGaussMySqlProxyRouteMode(&model.ModifyGaussMySqlProxyRouteModeRequest{
		InstanceId: e.instance, ProxyId: id,
		Body: &model.ModifyGaussMySqlProxyRouteModeRequestBody{RouteMode: 2, MasterWeight: ptr(int32(1))},
	})
	serviceError(t, err, http.StatusBadRequest, "DBS.280455")
	if v, _ := e.emu.Proxy(e.instance, id); v.RouteMode != 0 || len(e.emu.Jobs()) != 0 {
		t.Fatalf("a refused route mode changed something: %+v, %d jobs", v, len(e.emu.Jobs()))
	}
}
