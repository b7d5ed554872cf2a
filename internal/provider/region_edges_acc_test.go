// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// regionEdgeEnv is an emulator with a cn-north-4 project looked up at IAM,
// credentials from the environment, hosts pointed at the emulator.
func regionEdgeEnv(t *testing.T) *accEnv {
	t.Helper()
	return newKeyEnv(t, []emulator.Project{{Name: "cn-north-4", ID: "7d2a0c4e6f8b4a1c9e3d5f7a9b1c3e5d"}})
}

// A provider block whose region is known only at apply (here from a
// terraform_data id): the resources' region is unknown at plan, and
// Create must record a known one.
func TestAccRegion_createWithUnknownProviderRegion(t *testing.T) {
	env := regionEdgeEnv(t)
	inst := env.instance(0)
	hcl := `
resource "terraform_data" "region" {
  input = "cn-north-4"
}

provider "taurusdb" {
  # terraform_data's id is unknown until it is created.
  region = "cn-north-4${substr(terraform_data.region.id, 0, 0)}"
}
` + proxyHCL("p", inst, testFlavor, 2, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: hcl,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("taurusdb_proxy_instance.p", tfjsonpath.New("region")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("region"), knownvalue.StringExact("cn-north-4")),
			},
		}},
	})
}

// The same for taurusdb_proxy_restart, which reads nothing back.
func TestAccRegion_restartWithUnknownProviderRegion(t *testing.T) {
	env := regionEdgeEnv(t)
	inst := env.instance(0)
	proxy := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "seeded", FlavorRef: testFlavor, NodeNum: 2, Mode: "readwrite"})
	hcl := fmt.Sprintf(`
resource "terraform_data" "region" {
  input = "cn-north-4"
}

provider "taurusdb" {
  # terraform_data's id is unknown until it is created.
  region = "cn-north-4${substr(terraform_data.region.id, 0, 0)}"
}

resource "taurusdb_proxy_restart" "r" {
  instance_id = %q
  proxy_id    = %q
}
`, inst, proxy)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps:                    []resource.TestStep{{Config: hcl}},
	})
}

// An import by identity without region (what a user writes from the
// docs: region is optional) must not come back with a different identity,
// and the next plan is empty.
func TestAccRegion_identityImportWithoutRegion(t *testing.T) {
	env := regionEdgeEnv(t)
	inst := env.instance(0)
	proxy := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "seeded", FlavorRef: testFlavor, NodeNum: 2, Mode: "readwrite"})
	const addr = "taurusdb_proxy_instance.p"
	hcl := "provider \"taurusdb\" {\n  region = \"cn-north-4\"\n}\n" + proxyHCL("p", inst, testFlavor, 2, `  name = "seeded"`) + fmt.Sprintf(`
import {
  to = %s
  identity = {
    instance_id = %q
    id          = %q
  }
}
`, addr, inst, proxy)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: hcl,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact("cn-north-4")),
				},
			},
			{Config: hcl, PlanOnly: true},
		},
	})
}

// The same for the EIP association.
func TestAccRegion_eipIdentityImportWithoutRegion(t *testing.T) {
	env := regionEdgeEnv(t)
	inst := env.instance(0)
	proxy := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "seeded", FlavorRef: testFlavor, NodeNum: 2, Mode: "readwrite",
		EIP: testEIP, EIPID: testEIPID})
	hcl := fmt.Sprintf(`
provider "taurusdb" {
  region = "cn-north-4"
}

resource "taurusdb_proxy_eip_association" "e" {
  instance_id  = %q
  proxy_id     = %q
  public_ip    = %q
  public_ip_id = %q
}

import {
  to = taurusdb_proxy_eip_association.e
  identity = {
    instance_id = %q
    proxy_id    = %q
  }
}
`, inst, proxy, testEIP, testEIPID, inst, proxy)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: hcl},
			{Config: hcl, PlanOnly: true},
		},
	})
}

// The provider's default region moves from cn-north-4 to cn-east-3 while
// the proxy stays where state says (as TestAccProvider_resourcesInTwoRegions
// shows). A replacement is a new object, planned without the old one's
// state, so with region unset it would go to the new default; a companion
// that takes its proxy's region (the documented way) restarts the proxy
// where it is.
func TestAccRegion_replacedCompanionFollowsItsProxy(t *testing.T) {
	env := newKeyEnv(t, twoRegions())
	hcl := func(region, trigger string) string {
		return fmt.Sprintf("provider \"taurusdb\" {\n  region = %q\n}\n", region) + proxyHCL("p", northInst, testFlavor, 2, "") + fmt.Sprintf(`
resource "taurusdb_proxy_restart" "r" {
  region      = taurusdb_proxy_instance.p.region
  instance_id = taurusdb_proxy_instance.p.instance_id
  proxy_id    = taurusdb_proxy_instance.p.id
  triggers    = { v = %q }
}
`, trigger)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: hcl("cn-north-4", "1")},
			{
				Config: hcl("cn-east-3", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_restart.r", plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: hcl("cn-east-3", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_restart.r", plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue("taurusdb_proxy_restart.r", tfjsonpath.New("region"), knownvalue.StringExact("cn-north-4")),
				}},
			},
		},
	})
}
