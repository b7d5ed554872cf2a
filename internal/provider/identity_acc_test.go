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
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Identity import (`import { identity = {...} }`) needs a CLI that speaks
// resource identity: Terraform 1.12+ or a recent OpenTofu.
func TestAccProxyInstance_identityImport(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_named(env, inst, "identity-proxy"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"region":      knownvalue.Null(), // the provider block names none
						"instance_id": knownvalue.StringExact(inst),
						"id":          knownvalue.NotNull(),
					}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// testAccProxyInstanceConfig_removed forgets proxy "p" without destroying it.
func testAccProxyInstanceConfig_removed(env *accEnv) string {
	return env.providerHCL() + `
removed {
  from = taurusdb_proxy_instance.p
  lifecycle {
    destroy = false
  }
}
`
}

// A removed block with destroy = false forgets the proxy without calling
// DELETE: the proxy keeps running and can be adopted elsewhere.
func TestAccProxyInstance_removedBlockForgetsWithoutDelete(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	var id string
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_basic(env, inst),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: stateID(addr, &id),
			},
			{
				// plancheck has no action for "forget"; what it means is
				// checked below: out of state, still running, no DELETE.
				Config: testAccProxyInstanceConfig_removed(env),
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[addr]; ok {
						return fmt.Errorf("the proxy is still in state")
					}
					if p, ok := env.emu.Proxy(inst, id); !ok || p.Status != emulator.StatusActive {
						return fmt.Errorf("the proxy must keep running, emulator has %+v (%v)", p, ok)
					}
					if d := env.deletes(); len(d) != 0 {
						return fmt.Errorf("removed with destroy = false sent DELETE %v", d)
					}
					return nil
				},
			},
		},
	})
}
