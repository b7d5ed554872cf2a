// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/gaussdb/v3/model"
)

// The official SDK's response models are the contract for what the client
// decodes. Each test fills a model completely by reflection (every field,
// nested arrays and objects included, so fields the SDK adds later are
// covered without touching this file), marshals it as the SDK does, decodes
// it with the client's types, and compares every field the provider uses.

// sdkFiller sets every field of an SDK model to a distinct, non-zero value.
type sdkFiller struct {
	n int
	// enums maps an SDK enum type's name to the value to give it: the SDK's
	// enums are structs with an unexported value, set through their
	// UnmarshalJSON.
	enums map[string]string
}

func (f *sdkFiller) fill(v reflect.Value, name string) {
	f.n++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), name)
	case reflect.Struct:
		if u, ok := v.Addr().Interface().(json.Unmarshaler); ok && !hasExportedFields(v.Type()) {
			val, known := f.enums[v.Type().Name()]
			if !known {
				panic(fmt.Sprintf("no enum value for %s: add one to the test's enums", v.Type()))
			}
			if err := u.UnmarshalJSON([]byte(`"` + val + `"`)); err != nil {
				panic(err)
			}
			return
		}
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() || sf.Tag.Get("json") == "-" {
				continue
			}
			f.fill(v.Field(i), sf.Name)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), name)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		f.fill(k, name+"Key")
		f.fill(e, name+"Value")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Interface:
		// az_status and the like: the SDK types them interface{}; the API
		// sends an object of strings.
		v.Set(reflect.ValueOf(map[string]any{"cn-north-4a": "normal"}))
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", name, f.n))
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) + 0.5)
	default:
		panic(fmt.Sprintf("cannot fill %s (%s)", name, v.Kind()))
	}
}

func hasExportedFields(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

// sdkJSON fills a new T and marshals it with the SDK's own encoder.
func sdkJSON[T any](t *testing.T, enums map[string]string) (*T, []byte) {
	t.Helper()
	m := new(T)
	(&sdkFiller{enums: enums}).fill(reflect.ValueOf(m).Elem(), reflect.TypeFor[T]().Name())
	raw, err := utils.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, raw
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestSDKModels_proxyListDecodes(t *testing.T) {
	sdk, raw := sdkJSON[model.ShowGaussMySqlProxyListResponse](t, map[string]string{"MysqlProxyV3Type": "readonly"})
	var got proxyListResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("decoding the SDK's fully populated proxy list: %v\n%s", err, raw)
	}
	want := *sdk.ProxyList
	if len(*got.ProxyList) != len(want) {
		t.Fatalf("%d entries, want %d", len(*got.ProxyList), len(want))
	}
	for i, e := range *got.ProxyList {
		w, p := want[i], want[i].Proxy
		checks := []struct {
			field     string
			got, want any
		}{
			{"pool_id", e.Proxy.PoolID, deref(p.PoolId)},
			{"status", e.Proxy.Status, deref(p.Status)},
			{"address", e.Proxy.Address, deref(p.Address)},
			{"port", int32(e.Proxy.Port), deref(p.Port)},
			{"node_num", int32(e.Proxy.NodeNum), deref(p.NodeNum)},
			{"name", e.Proxy.Name, deref(p.Name)},
			{"flavor_ref", e.Proxy.FlavorRef, deref(p.FlavorRef)},
			{"vcpus", string(e.Proxy.VCPUs), deref(p.Vcpus)},
			{"ram", string(e.Proxy.RAM), deref(p.Ram)},
			{"type", e.Proxy.Type, p.Type.Value()},
			{"subnet_id", e.Proxy.SubnetID, deref(p.SubnetId)},
			{"route_mode", int32(*e.Proxy.RouteMode), deref(p.RouteMode)},
			{"balance_route_mode_enabled", *e.Proxy.BalanceRouteModeEnabled, deref(p.BalanceRouteModeEnabled)},
			{"transaction_split", e.Proxy.TransactionSplit, deref(p.TransactionSplit)},
			{"connection_pool_type", e.Proxy.ConnectionPoolType, deref(p.ConnectionPoolType)},
			{"ssl_option", string(e.Proxy.SSLOption), deref(p.SslOption)},
			{"new_node_weight", int32(*e.Proxy.NewNodeWeight), deref(p.NewNodeWeight)},
			{"created_at", e.Proxy.CreatedAt, deref(p.CreatedAt)},
			{"elb_vip", e.Proxy.ELBVIP, deref(p.ElbVip)},
			{"mode", e.Proxy.Mode, deref(p.Mode)},
			{"master_node.id", e.MasterNode.ID, deref(w.MasterNode.Id)},
			{"master_node.weight", int32(e.MasterNode.Weight), deref(w.MasterNode.Weight)},
			{"master_node.availability_zone[1].code", e.MasterNode.AvailabilityZone[1].Code, deref((*w.MasterNode.AvailabilityZone)[1].Code)},
			{"readonly_nodes[1].id", e.ReadonlyNodes[1].ID, deref((*w.ReadonlyNodes)[1].Id)},
			{"readonly_nodes[1].weight", int32(e.ReadonlyNodes[1].Weight), deref((*w.ReadonlyNodes)[1].Weight)},
			{"htap_nodes[0].id", e.HTAPNodes[0].ID, deref((*w.HtapNodes)[0].Id)},
		}
		for j, n := range e.Proxy.Nodes {
			sn := (*p.Nodes)[j]
			checks = append(checks,
				struct {
					field     string
					got, want any
				}{fmt.Sprintf("nodes[%d].id", j), n.ID, deref(sn.Id)},
				struct {
					field     string
					got, want any
				}{fmt.Sprintf("nodes[%d].az_code", j), n.AZCode, deref(sn.AzCode)},
				struct {
					field     string
					got, want any
				}{fmt.Sprintf("nodes[%d].name", j), n.Name, deref(sn.Name)},
				struct {
					field     string
					got, want any
				}{fmt.Sprintf("nodes[%d].frozen_flag", j), int32(n.FrozenFlag), deref(sn.FrozenFlag)},
			)
		}
		for _, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("entry %d %s = %#v, the SDK has %#v", i, c.field, c.got, c.want)
			}
		}
	}
}

func TestSDKModels_jobDecodes(t *testing.T) {
	sdk, raw := sdkJSON[model.ShowGaussMySqlJobInfoResponse](t, map[string]string{"GetJobInfoDetailStatus": "Failed"})
	var got jobResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("decoding the SDK's fully populated job: %v\n%s", err, raw)
	}
	j, w := got.Job, sdk.Job
	if j.ID != w.Id || j.Name != w.Name || j.Status != w.Status.Value() || j.Created != w.Created || j.Ended != deref(w.Ended) ||
		j.Process != deref(w.Process) || j.FailReason != deref(w.FailReason) || j.Instance.ID != w.Instance.Id || j.Instance.Name != w.Instance.Name {
		t.Fatalf("job = %+v, the SDK has %s", j, raw)
	}
}

func TestSDKModels_flavorsDecode(t *testing.T) {
	perInstance, raw := sdkJSON[model.ShowGaussMySqlProxyFlavorsResponse](t, nil)
	var got flavorsResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("per-instance flavors: %v\n%s", err, raw)
	}
	w := (*perInstance.ProxyFlavorGroups)[1]
	g := got.Groups[1]
	wf := (*w.ProxyFlavors)[1]
	f := g.Flavors[1]
	if g.GroupType != deref(w.GroupType) || f.ID != wf.Id || f.SpecCode != wf.SpecCode || string(f.VCPUs) != wf.Vcpus || string(f.RAM) != wf.Ram ||
		f.DBType != wf.DbType || f.AzStatus["cn-north-4a"] != "normal" {
		t.Fatalf("flavor = %+v, the SDK has %s", f, raw)
	}

	perAZ, raw := sdkJSON[model.ShowProxyFlavorsByAzCodeResponse](t, nil)
	got = flavorsResponse{}
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("per-AZ flavors: %v\n%s", err, raw)
	}
	af := (*(*perAZ.ProxyFlavorGroups)[0].ProxyFlavors)[0]
	if f := got.Groups[0].Flavors[0]; f.ID != deref(af.Id) || f.SpecCode != deref(af.SpecCode) || string(f.VCPUs) != deref(af.Vcpus) ||
		f.SupportedIPv6 == nil || *f.SupportedIPv6 != deref(af.SupportedIpv6) {
		t.Fatalf("per-AZ flavor = %+v, the SDK has %s", f, raw)
	}
	// The per-instance model has no supported_ipv6: not reported, not false.
	var perInstanceGot flavorsResponse
	_, raw = sdkJSON[model.ShowGaussMySqlProxyFlavorsResponse](t, nil)
	if err := decodeBody(raw, &perInstanceGot); err != nil || perInstanceGot.Groups[0].Flavors[0].SupportedIPv6 != nil {
		t.Fatalf("per-instance supported_ipv6 = %v (err %v), want nil: the SDK does not model it there", perInstanceGot.Groups[0].Flavors[0].SupportedIPv6, err)
	}
}

// The SDK reads an error's code and message from error_code/error_msg,
// from code/message, or from an object nested one level down (IAM's
// {"error": {"code", "message"}}). The client must find them in each.
func TestSDKModels_errorShapesDecode(t *testing.T) {
	bodies := map[string]string{
		`{"error_code":"DBS.270024","error_msg":"The proxy does not exist."}`:                 "DBS.270024",
		`{"code":"APIG.0308","message":"throttled"}`:                                          "APIG.0308",
		`{"error":{"code":"APIG.0301","message":"Incorrect IAM authentication information"}}`: "APIG.0301",
		`{"error":{"error_code":"DBS.200019","error_msg":"busy"}}`:                            "DBS.200019",
	}
	for body, code := range bodies {
		e := decodeAPIError(http.MethodGet, "/v3/p/x", http.StatusBadRequest, "rid", []byte(body))
		if e.Code != code || e.Message == "" || strings.Contains(e.Message, "{") {
			t.Errorf("%s: code %q message %q, want code %s and the message", body, e.Code, e.Message, code)
		}
	}
}
