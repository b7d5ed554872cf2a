// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// seedTwoProxies puts a read-write and a read-only proxy on the instance,
// made outside Terraform, and returns their IDs.
func seedTwoProxies(env *accEnv, inst string) (rw, ro string) {
	rw = env.emu.SeedProxy(inst, emulator.ProxyView{Name: "orders-rw", FlavorRef: testFlavor, NodeNum: 2, Mode: "readwrite"})
	ro = env.emu.SeedProxy(inst, emulator.ProxyView{Name: "orders-ro", FlavorRef: testFlavor, NodeNum: 3, Mode: "readonly", Port: 3307})
	return rw, ro
}

// queryWorkspace is a CLI workspace with the emulator's provider block and
// a query listing every proxy of inst with its resource object.
func queryWorkspace(t *testing.T, tf string, env *accEnv, inst string) *cliWorkspace {
	t.Helper()
	ws := newCLIWorkspace(t, tf)
	ws.write(t, "provider.tf", env.providerHCL())
	ws.write(t, "proxies.tfquery.hcl", fmt.Sprintf(`
list "taurusdb_proxy_instance" "existing" {
  provider         = taurusdb
  include_resource = true
  config {
    instance_id = %q
  }
}
`, inst))
	return ws
}

// terraform query lists every proxy of the instance with its identity,
// filters by mode and name, and with include_resource returns the resource
// as an import records it.
func TestAccProxyInstanceList_query(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	rw, ro := seedTwoProxies(env, inst)
	identity := func(id string) map[string]knownvalue.Check {
		// No region: the provider block names none, so results are in its one.
		return map[string]knownvalue.Check{"region": knownvalue.Null(), "instance_id": knownvalue.StringExact(inst), "id": knownvalue.StringExact(id)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			// The query step reads the provider block of the configuration
			// this step writes (a second one would be a duplicate).
			{Config: env.providerHCL()},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "taurusdb_proxy_instance" "all" {
  provider = taurusdb
  config {
    instance_id = %[1]q
  }
}

list "taurusdb_proxy_instance" "readonly" {
  provider         = taurusdb
  include_resource = true
  config {
    instance_id = %[1]q
    proxy_mode  = "readonly"
  }
}

list "taurusdb_proxy_instance" "by_name" {
  provider = taurusdb
  config {
    instance_id = %[1]q
    name        = "orders-rw"
  }
}
`, inst),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("taurusdb_proxy_instance.all", 2),
					querycheck.ExpectIdentity("taurusdb_proxy_instance.all", identity(rw)),
					querycheck.ExpectIdentity("taurusdb_proxy_instance.all", identity(ro)),
					querycheck.ExpectLength("taurusdb_proxy_instance.readonly", 1),
					querycheck.ExpectIdentity("taurusdb_proxy_instance.readonly", identity(ro)),
					querycheck.ExpectResourceKnownValues("taurusdb_proxy_instance.readonly", queryfilter.ByResourceIdentity(identity(ro)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("orders-ro")},
							{Path: tfjsonpath.New("proxy_mode"), KnownValue: knownvalue.StringExact("readonly")},
							{Path: tfjsonpath.New("node_num"), KnownValue: knownvalue.Int64Exact(3)},
							{Path: tfjsonpath.New("port"), KnownValue: knownvalue.Int64Exact(3307)},
							{Path: tfjsonpath.New("flavor"), KnownValue: knownvalue.StringExact(testFlavor)},
						}),
					querycheck.ExpectLength("taurusdb_proxy_instance.by_name", 1),
					querycheck.ExpectIdentity("taurusdb_proxy_instance.by_name", identity(rw)),
				},
			},
		},
	})
}

// The migration guide's way in: terraform query -generate-config-out
// writes import blocks and configuration for existing proxies; applying
// them imports both and changes nothing, and the next plan is empty.
// terraform-plugin-testing cannot generate configuration from a query, so
// this test runs the CLI itself.
func TestAccProxyInstanceList_generatedConfigImportsWithoutChanges(t *testing.T) {
	tf := terraformAtLeast(t, "1.14.0")
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	seedTwoProxies(env, inst)
	ws := queryWorkspace(t, tf, env, inst)
	ws.run(t, "query", "-no-color", "-generate-config-out=generated.tf")
	ws.run(t, "plan", "-no-color", "-out=tfplan")
	plan := ws.run(t, "show", "-json", "tfplan")
	var p struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(plan[strings.Index(plan, "{"):]), &p); err != nil {
		t.Fatalf("reading the plan: %v", err)
	}
	if len(p.ResourceChanges) != 2 {
		t.Fatalf("the plan has %d resource changes; want the 2 imports", len(p.ResourceChanges))
	}
	for _, rc := range p.ResourceChanges {
		if len(rc.Change.Importing) == 0 || strings.Join(rc.Change.Actions, ",") != "no-op" {
			t.Errorf("%s: actions %v, importing %s; want a plain import with no change", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
	ws.run(t, "apply", "-no-color", "tfplan")
	if out, err := ws.try("plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after the import is not empty (%v):\n%s", err, out)
	}
}

// A query with limit = 1 over three proxies reads the list once and no
// details: the identity needs none, and the limit applies before any
// per-proxy call.
func TestAccProxyInstanceList_limitReadsOnlyWhatItReturns(t *testing.T) {
	tf := terraformAtLeast(t, "1.14.0")
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	for i := 0; i < 3; i++ {
		env.emu.SeedProxy(inst, emulator.ProxyView{Name: fmt.Sprintf("p%d", i), FlavorRef: testFlavor, NodeNum: 2})
	}
	ws := newCLIWorkspace(t, tf)
	ws.write(t, "provider.tf", env.providerHCL())
	ws.write(t, "q.tfquery.hcl", fmt.Sprintf(`
list "taurusdb_proxy_instance" "one" {
  provider = taurusdb
  limit    = 1
  config {
    instance_id = %q
  }
}
`, inst))
	out := ws.run(t, "query", "-no-color")
	n := 0
	for _, r := range env.emu.Requests() {
		if strings.HasSuffix(r.Path, "/proxy-version") {
			n++
		}
	}
	t.Logf("query output:\n%s", out)
	if n != 0 {
		t.Errorf("limit = 1 and no include_resource, yet %d proxy-version calls were made; the identity needs none", n)
	}
}

// The include_resource object must equal what an import followed by a
// refresh records (the list resource's documented promise).
func TestAccProxyInstanceList_includeResourceEqualsImportedState(t *testing.T) {
	tf := terraformAtLeast(t, "1.14.0")
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	env.emu.SeedProxy(inst, emulator.ProxyView{
		Name: "rich", FlavorRef: testFlavor, NodeNum: 2, Mode: "readonly", Port: 3310,
		NewNodeAutoAddStatus: "ON", NewNodeWeight: 20, TransactionSplit: "ON", ConsistenceMode: "session",
		ConnectionPoolType: "SESSION", SSL: true,
		AccessControl: true, AccessControlType: "black",
		AccessRules:    []emulator.AccessRule{{IP: "10.0.0.2", Description: "b"}, {IP: "10.0.0.1", Description: "a"}},
		PrivateDNSName: "richproxy01.internal.example",
	})
	ws := queryWorkspace(t, tf, env, inst)
	qout := ws.run(t, "query", "-json")
	var listed map[string]any
	sc := bufio.NewScanner(strings.NewReader(qout))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var msg map[string]any
		if json.Unmarshal(sc.Bytes(), &msg) != nil {
			continue
		}
		if f, ok := msg["list_resource_found"].(map[string]any); ok {
			if ro, ok := f["resource_object"].(map[string]any); ok {
				listed = ro
			}
		}
	}
	if listed == nil {
		t.Fatalf("no resource_object in the query output:\n%s", qout)
	}
	ws.run(t, "query", "-no-color", "-generate-config-out=generated.tf")
	ws.run(t, "apply", "-auto-approve", "-no-color")
	show := ws.run(t, "show", "-json")
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(show[strings.Index(show, "{"):]), &st); err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	if len(st.Values.RootModule.Resources) != 1 {
		t.Fatalf("%d resources in state; want 1\n%s", len(st.Values.RootModule.Resources), show)
	}
	imported := st.Values.RootModule.Resources[0].Values
	keys := map[string]bool{}
	for k := range listed {
		keys[k] = true
	}
	for k := range imported {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !reflect.DeepEqual(listed[k], imported[k]) {
			t.Errorf("%s: include_resource has %v; import+refresh records %v", k, js(listed[k]), js(imported[k]))
		}
	}
	t.Logf("compared %d attributes; access_control listed %s", len(names), js(listed["access_control"]))
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
