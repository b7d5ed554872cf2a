// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// testAccProxyUpgradeConfig_target upgrades a proxy to target.
func testAccProxyUpgradeConfig_target(env *accEnv, inst, proxy, target string) string {
	return env.providerHCL() + fmt.Sprintf(`
resource "taurusdb_proxy_upgrade" "u" {
  instance_id    = %q
  proxy_id       = %q
  target_version = %q
}
`, inst, proxy, target)
}

func kernel(want string) func(emulator.ProxyView) error {
	return func(p emulator.ProxyView) error {
		if p.Version != want {
			return fmt.Errorf("proxy %s runs kernel %s, want %s", p.PoolID, p.Version, want)
		}
		return nil
	}
}

// A proxy on an older kernel is upgraded to the target: the call names
// the version it ran as source_version, and apply returns once the API
// reports the target (the emulator switches it when the upgrade's job
// ends). Reapplying sends nothing; destroying leaves the kernel as it is.
func TestAccProxyUpgrade_upgradesToTarget(t *testing.T) {
	const old = "2.24.06.000"
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "old-kernel", Version: old})
	const addr = "taurusdb_proxy_upgrade.u"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, emulator.LatestProxyVersion),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_version"), knownvalue.StringExact(old)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(inst+"/"+proxy)),
				},
				Check: env.checkProxy(inst, proxy, kernel(emulator.LatestProxyVersion)),
			},
			{
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, emulator.LatestProxyVersion),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: env.providerHCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy),
				}},
				Check: env.checkProxy(inst, proxy, kernel(emulator.LatestProxyVersion)),
			},
		},
	})
	var bodies []string
	for _, r := range env.emu.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/upgrade-version") {
			bodies = append(bodies, string(r.Body))
		}
	}
	want, _ := json.Marshal(map[string]string{"source_version": old, "target_version": emulator.LatestProxyVersion})
	if len(bodies) != 1 || bodies[0] != string(want) {
		t.Errorf("upgrade calls %q, want one with %s", bodies, want)
	}
}

// A proxy on the latest kernel has no upgrade: asking for another version
// fails before anything is sent, naming both versions and what to do.
// Asking for the version it runs is recorded without a call.
func TestAccProxyUpgrade_noUpgradeAvailableFailsClearly(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "latest-kernel"})
	const addr = "taurusdb_proxy_upgrade.u"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, "2.26.01.000"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)upgrading TaurusDB proxy \(` + proxy + `\).*no kernel upgrade is available.*runs\s+` +
					regexp.QuoteMeta(emulator.LatestProxyVersion) + `.*can_upgrade\s+=\s+false.*2\.26\.01\.000.*Nothing was sent`),
			},
			{
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, emulator.LatestProxyVersion),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
				},
				Check: func(*terraform.State) error {
					if n := env.requests(http.MethodPost, "/upgrade-version"); n != 0 {
						return fmt.Errorf("%d upgrade calls, want none", n)
					}
					return nil
				},
			},
		},
	})
}

// current_version is read back on refresh: an upgrade made outside
// Terraform shows, without planning anything.
func TestAccProxyUpgrade_refreshReadsCurrentVersion(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "refresh-kernel", Version: "2.23.12.000"})
	const addr = "taurusdb_proxy_upgrade.u"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, "2.23.12.000"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
			{
				PreConfig: func() {
					env.emu.UpdateProxy(inst, proxy, func(v *emulator.ProxyView) { v.Version = emulator.LatestProxyVersion })
				},
				Config: testAccProxyUpgradeConfig_target(env, inst, proxy, "2.23.12.000"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_version"), knownvalue.StringExact(emulator.LatestProxyVersion)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_version"), knownvalue.StringExact("2.23.12.000")),
				},
			},
		},
	})
}
