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

// seedProxy adds an ACTIVE proxy outside Terraform: the companion
// resources and data sources act on proxies that exist.
func (a *accEnv) seedProxy(inst string, v emulator.ProxyView) string {
	a.t.Helper()
	if v.FlavorRef == "" {
		v.FlavorRef = testFlavor
	}
	id := a.emu.SeedProxy(inst, v)
	if id == "" {
		a.t.Fatalf("seeding a proxy on %s failed", inst)
	}
	return id
}

// requests counts the calls with this method whose path ends in suffix.
func (a *accEnv) requests(method, suffix string) int {
	n := 0
	for _, r := range a.emu.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// checkProxy checks the emulator's view of a proxy after a step.
func (a *accEnv) checkProxy(inst, id string, check func(emulator.ProxyView) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := a.emu.Proxy(inst, id)
		if !ok {
			return fmt.Errorf("proxy %s is gone", id)
		}
		return check(p)
	}
}

func restarts(want int) func(emulator.ProxyView) error {
	return func(p emulator.ProxyView) error {
		if p.Restarts != want {
			return fmt.Errorf("proxy %s has %d completed restarts, want %d", p.PoolID, p.Restarts, want)
		}
		return nil
	}
}

// testAccProxyRestartConfig_triggers restarts a proxy with one trigger and,
// when create is set, a create timeout.
func testAccProxyRestartConfig_triggers(env *accEnv, inst, proxy, trigger, create string) string {
	timeouts := ""
	if create != "" {
		timeouts = fmt.Sprintf("  timeouts = {\n    create = %q\n  }\n", create)
	}
	return env.providerHCL() + fmt.Sprintf(`
resource "taurusdb_proxy_restart" "r" {
  instance_id = %q
  proxy_id    = %q
  triggers = {
    parameters = %q
  }
%s}
`, inst, proxy, trigger, timeouts)
}

// testAccProxyRestartConfig_none is the provider alone: the restart is
// destroyed, the proxy (seeded outside Terraform) stays.
func testAccProxyRestartConfig_none(env *accEnv) string {
	return env.providerHCL()
}

// A restart happens when the resource is created and again for each
// change of triggers, and only then: a no-op plan, a timeouts change and a
// destroy send nothing. Each restart's job has completed when apply
// returns (the emulator counts a restart when its job ends).
func TestAccProxyRestart_restartsOncePerTriggerChange(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "restart-me"})
	const addr = "taurusdb_proxy_restart.r"
	jobID := statecheck.CompareValue(compare.ValuesDiffer())
	restartCalls := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := env.requests(http.MethodPost, "/restart"); n != want {
				return fmt.Errorf("%d restart calls, want %d", n, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					jobID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("proxy_id"), knownvalue.StringExact(proxy)),
				},
				Check: resource.ComposeTestCheckFunc(restartCalls(1), env.checkProxy(inst, proxy, restarts(1))),
			},
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(restartCalls(1), env.checkProxy(inst, proxy, restarts(1))),
			},
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{jobID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check:             resource.ComposeTestCheckFunc(restartCalls(2), env.checkProxy(inst, proxy, restarts(2))),
			},
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v2", "20m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(restartCalls(2), env.checkProxy(inst, proxy, restarts(2))),
			},
			{
				Config: testAccProxyRestartConfig_none(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(restartCalls(2), env.checkProxy(inst, proxy, func(p emulator.ProxyView) error {
					if p.Status != emulator.StatusActive || p.Restarts != 2 {
						return fmt.Errorf("after destroying the restart the proxy is %s with %d restarts; want ACTIVE, 2", p.Status, p.Restarts)
					}
					return nil
				})),
			},
		},
	})
}

// The fault behaviour of the main resource: a busy instance is waited out
// before the restart is sent, and a failed restart job is an error naming
// the proxy, the job and its fail_reason; nothing is recorded, so the next
// apply restarts again.
func TestAccProxyRestart_busyWaitedFailedJobNamed(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "restart-faults"})
	const addr = "taurusdb_proxy_restart.r"
	env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/restart", Calls: []int{1, 2}, Kind: emulator.FaultBusy})
	env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/restart", Calls: []int{3}, Kind: emulator.FaultJobFails, FailReason: "proxy node pn01 did not come back"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)restarting TaurusDB proxy \(` + proxy + `\).*Job: [0-9a-f-]{36}.*Fail reason: proxy node pn01 did not come\s+back.*fail_reason`),
			},
			{
				Config: testAccProxyRestartConfig_triggers(env, inst, proxy, "v1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: env.checkProxy(inst, proxy, restarts(1)),
			},
		},
	})
	if n := env.requests(http.MethodPost, "/restart"); n != 4 {
		t.Errorf("%d restart calls, want 4: two busy, one failed job, one success", n)
	}
}

// Plan-time validation: a proxy node's ID is not a proxy's.
func TestAccProxyRestart_proxyIDValidatedAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      testAccProxyRestartConfig_triggers(env, inst, "0123456789abcdef0123456789abcdefpn01", "v1", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)proxy_id.*ending in\s+"po01"`),
		}},
	})
	if n := len(env.emu.Requests()); n != 0 {
		t.Errorf("%d API calls for a configuration refused at plan time", n)
	}
}
