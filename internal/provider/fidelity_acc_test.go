// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Acceptance tests for what the official SDK's models say the API does
// (issue 8): the proxy mode read back from proxy.type, and the route mode
// changed in place with its own call.

// testAccProxyInstanceConfig_routeMode is one proxy with a route mode.
func testAccProxyInstanceConfig_routeMode(env *accEnv, inst string, mode int) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  route_mode = %d", mode))
}

// testAccProxyInstanceConfig_mode is one named proxy with a proxy mode.
func testAccProxyInstanceConfig_mode(env *accEnv, inst, name, mode string) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  name = %q\n  proxy_mode = %q", name, mode))
}

// route_mode changes in place with PUT .../route-mode, never by replacing
// the proxy, and the master weight the call requires for modes 1 and 2 is
// sent with it.
func TestAccProxyInstance_routeModeChangesInPlace(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_routeMode(env, inst, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("route_mode"), knownvalue.Int64Exact(0)),
				},
			},
			{
				Config: testAccProxyInstanceConfig_routeMode(env, inst, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("route_mode"), knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: testAccProxyInstanceConfig_routeMode(env, inst, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("route_mode"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config:   testAccProxyInstanceConfig_routeMode(env, inst, 1),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
	var bodies []string
	for _, r := range env.emu.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/route-mode") {
			bodies = append(bodies, string(r.Body))
		}
	}
	want := []string{`{"route_mode":2,"master_weight":1}`, `{"route_mode":1,"master_weight":0}`}
	if strings.Join(bodies, " ") != strings.Join(want, " ") {
		t.Errorf("route-mode bodies %q, want %q", bodies, want)
	}
}

// A kernel without load balancing refuses modes 1 and 2: the error names
// the setting and what the proxy reports, and the proxy is left as it was.
func TestAccProxyInstance_routeModeRefusalNamesBalanceSupport(t *testing.T) {
	env := newAccEnv(t, emulator.Config{NoBalanceRouteMode: true})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_routeMode(env, inst, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
			{
				// Planned as an in-place update; the API refuses it.
				Config: testAccProxyInstanceConfig_routeMode(env, inst, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy \([0-9a-f]{32}po01\).*route_mode 1.*balance_route_mode_enabled\s+=\s+false.*route_mode\s+0`),
			},
			// The refusal changed nothing: back at 0, nothing to do.
			{
				Config:   testAccProxyInstanceConfig_routeMode(env, inst, 0),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
	for _, p := range env.emu.AllProxies() {
		if p.RouteMode != 0 {
			t.Errorf("proxy %s has route_mode %d after the refusal", p.PoolID, p.RouteMode)
		}
	}
}

// An imported proxy records its real mode (proxy.type); a configuration
// that disagrees plans a replacement instead of silently recording the
// configured mode.
func TestAccProxyInstance_importReadsProxyMode(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	existing := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "reports-ro", FlavorRef: testFlavor, NodeNum: 2, Mode: "readonly"})
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:             testAccProxyInstanceConfig_mode(env, inst, "reports-ro", "readonly"),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      inst + "/" + existing,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["proxy_mode"] != "readonly" {
						return fmt.Errorf("imported state %v; want proxy_mode readonly", states)
					}
					return nil
				},
			},
			{
				Config:   testAccProxyInstanceConfig_mode(env, inst, "reports-ro", "readonly"),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: testAccProxyInstanceConfig_mode(env, inst, "reports-ro", "readwrite"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("proxy_mode"), knownvalue.StringExact("readwrite")),
				},
			},
		},
		CheckDestroy: env.checkDestroyed,
	})
	if _, ok := env.emu.Proxy(inst, existing); ok {
		t.Errorf("the readonly proxy %s survived its replacement", existing)
	}
}
