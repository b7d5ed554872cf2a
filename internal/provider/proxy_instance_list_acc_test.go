// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
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

// terraform query lists every proxy of the instance with its identity,
// filters by mode and name, and with include_resource returns the resource
// as an import records it.
func TestAccProxyInstanceList_query(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	rw, ro := seedTwoProxies(env, inst)
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"instance_id": knownvalue.StringExact(inst), "id": knownvalue.StringExact(id)}
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
