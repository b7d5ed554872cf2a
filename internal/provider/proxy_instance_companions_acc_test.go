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

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The proxy's computed attributes that the provider's other resources
// change (issue 17, item 2): eip by taurusdb_proxy_eip_association, the
// kernel facts by taurusdb_proxy_upgrade. Terraform may apply those before
// the proxy's own in-place update in the same run, so the proxy must not
// promise their prior values in its plan.

const proxyAddr = "taurusdb_proxy_instance.p"

// testAccProxyInstanceConfig_withEIP is proxy "p" named name and, unless ip
// is "", association "e" binding ip to it by reference.
func testAccProxyInstanceConfig_withEIP(env *accEnv, inst, name, ip, ipID string) string {
	cfg := env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  name = %q", name))
	if ip == "" {
		return cfg
	}
	return cfg + fmt.Sprintf(`
resource "taurusdb_proxy_eip_association" "e" {
  instance_id  = taurusdb_proxy_instance.p.instance_id
  proxy_id     = taurusdb_proxy_instance.p.id
  public_ip    = %q
  public_ip_id = %q
}
`, ip, ipID)
}

// Both ordinary applies of issue 17 that unbind before the proxy's update:
// replacing the association (a new public_ip) and removing it, each while
// the proxy is renamed. Terraform runs the association's destroy first, so
// the proxy's update reads eip after the unbind. Its plan must therefore
// leave eip unknown, or the apply ends in "Provider produced inconsistent
// result after apply". With no change, eip stays known: no perpetual diff.
func TestAccProxyInstance_eipChangedByAssociationWhileUpdating(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	var proxy string
	proxyHas := func(ip, ipID string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			return env.checkProxy(inst, proxy, eipBound(ip, ipID))(s)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_withEIP(env, inst, "eip-proxy-1", testEIP, testEIPID),
				Check:  resource.ComposeTestCheckFunc(stateID(proxyAddr, &proxy), proxyHas(testEIP, testEIPID)),
			},
			{
				// Nothing changes: everything stays known, nothing is applied.
				Config: testAccProxyInstanceConfig_withEIP(env, inst, "eip-proxy-1", testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("eip"), knownvalue.StringExact(testEIP)),
					plancheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
				}},
			},
			{
				// (b) a new address replaces the association: unbind,
				// update the proxy, bind.
				Config: testAccProxyInstanceConfig_withEIP(env, inst, "eip-proxy-2", otherEIP, otherEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(proxyAddr, tfjsonpath.New("eip")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("name"), knownvalue.StringExact("eip-proxy-2")),
					statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip"), knownvalue.StringExact(otherEIP)),
				},
				Check: proxyHas(otherEIP, otherEIPID),
			},
			{
				// (a) the association is removed: unbind, then update.
				Config: testAccProxyInstanceConfig_withEIP(env, inst, "eip-proxy-3", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroy),
					plancheck.ExpectUnknownValue(proxyAddr, tfjsonpath.New("eip")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("name"), knownvalue.StringExact("eip-proxy-3")),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("eip"), knownvalue.StringExact("")),
				},
				Check: proxyHas("", ""),
			},
			{
				Config: testAccProxyInstanceConfig_withEIP(env, inst, "eip-proxy-3", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("eip"), knownvalue.StringExact("")),
				}},
			},
		},
	})
}

// testAccProxyInstanceConfig_upgradeFirst adopts the existing proxy as "p"
// named name. With target set, it also upgrades that proxy's kernel, named
// by its literal ID as a configuration that finds proxies by a data source
// or a variable does, and the proxy depends on the upgrade: Terraform
// upgrades first, then updates the proxy.
func testAccProxyInstanceConfig_upgradeFirst(env *accEnv, inst, proxyID, name, target string) string {
	extra := fmt.Sprintf("  name = %q", name)
	cfg := env.providerHCL()
	if target != "" {
		extra += "\n  depends_on = [taurusdb_proxy_upgrade.u]"
		cfg += fmt.Sprintf(`
resource "taurusdb_proxy_upgrade" "u" {
  instance_id    = %q
  proxy_id       = %q
  target_version = %q
}
`, inst, proxyID, target)
	}
	return cfg + proxyHCL("p", inst, testFlavor, 2, extra) + fmt.Sprintf(`
import {
  to = taurusdb_proxy_instance.p
  id = "%s/%s"
}
`, inst, proxyID)
}

// An upgrade applied before the proxy's in-place update in the same run
// changes current_version, can_upgrade and
// switch_connection_pool_type_enabled (the old kernel has no session
// pool): the proxy's plan leaves them unknown, and the apply records the
// new kernel's facts instead of failing as inconsistent.
func TestAccProxyInstance_kernelFactsChangedByUpgradeWhileUpdating(t *testing.T) {
	const old = "2.22.01.000" // before the session-level connection pool
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "kernel-proxy-1", Version: old})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_upgradeFirst(env, inst, proxy, "kernel-proxy-1", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("current_version"), knownvalue.StringExact(old)),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("can_upgrade"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("switch_connection_pool_type_enabled"), knownvalue.Bool(false)),
				},
			},
			{
				Config: testAccProxyInstanceConfig_upgradeFirst(env, inst, proxy, "kernel-proxy-2", emulator.LatestProxyVersion),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("taurusdb_proxy_upgrade.u", plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(proxyAddr, tfjsonpath.New("current_version")),
					plancheck.ExpectUnknownValue(proxyAddr, tfjsonpath.New("can_upgrade")),
					plancheck.ExpectUnknownValue(proxyAddr, tfjsonpath.New("switch_connection_pool_type_enabled")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("name"), knownvalue.StringExact("kernel-proxy-2")),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("can_upgrade"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("switch_connection_pool_type_enabled"), knownvalue.Bool(true)),
				},
				Check: env.checkProxy(inst, proxy, kernel(emulator.LatestProxyVersion)),
			},
			{
				Config: testAccProxyInstanceConfig_upgradeFirst(env, inst, proxy, "kernel-proxy-2", emulator.LatestProxyVersion),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proxyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(proxyAddr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
				}},
			},
		},
	})
}
