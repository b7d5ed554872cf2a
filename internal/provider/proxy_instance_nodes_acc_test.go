// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// node_num changes: a re-run after a timed-out add or remove changes the
// count once.

// testAccProxyInstanceConfig_nodes is one proxy with node_num nodes and the
// given update timeout ("" = the default).
func testAccProxyInstanceConfig_nodes(env *accEnv, inst string, nodes int, updateTimeout string) string {
	extra := ""
	if updateTimeout != "" {
		extra = `  timeouts = { update = "` + updateTimeout + `" }`
	}
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, nodes, extra)
}

// Apply #1 asks node_num 2 -> 4 and times out while the add-nodes job runs.
// The re-run used to read 2, wait out the busy instance and add 2 more: 6
// nodes. It must wait for the running job and find 4.
func TestAccProxyInstance_rerunAfterUpdateTimeoutChangesNodesOnce(t *testing.T) {
	// Jobs outlast the 1 s update timeout by a margin that the re-run's
	// start (a refresh and a plan) cannot use up.
	env := newAccEnv(t, emulator.Config{JobDuration: 5 * time.Second})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	// Neither the timed-out update nor its re-run replaces the proxy.
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_nodes(env, inst, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
			},
			{
				Config: testAccProxyInstanceConfig_nodes(env, inst, 4, "1s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy.*changing node_num to 4.*timed out`),
			},
			{
				// The refresh still reads 2 nodes (the job is running), so
				// the re-run is an update again, which must wait for that
				// job rather than add nodes.
				Config: testAccProxyInstanceConfig_nodes(env, inst, 4, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_num"), knownvalue.Int64Exact(4)),
				},
			},
		},
	})
	enlarges := 0
	for _, r := range env.emu.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/proxy/enlarge") {
			enlarges++
		}
	}
	if enlarges != 1 {
		t.Errorf("%d add-nodes calls; the re-run must wait for the first job instead of adding nodes again", enlarges)
	}
}

// Apply #1 asks node_num 6 -> 4 and times out while the reduce job runs. A
// reduce keeps the proxy ACTIVE, so the re-run reads 6 and used to send
// "remove 2" again, guarded only by the API's busy answer (had the job ended
// between the read and the call, 2 nodes would have been left). The re-run
// must find the job in the resource's private state, wait for it, and send
// nothing more.
func TestAccProxyInstance_rerunAfterReduceTimeoutWaitsForItsJob(t *testing.T) {
	env := newAccEnv(t, emulator.Config{JobDuration: 5 * time.Second})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: testAccProxyInstanceConfig_nodes(env, inst, 6, "")},
			{
				Config:      testAccProxyInstanceConfig_nodes(env, inst, 4, "1s"),
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy.*changing node_num to 4.*timed out`),
			},
			{
				Config: testAccProxyInstanceConfig_nodes(env, inst, 4, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The refresh still reads 6: the job is running.
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_num"), knownvalue.Int64Exact(4)),
				},
			},
		},
	})
	reduces := 0
	for _, r := range env.emu.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/reduce") {
			reduces++
		}
	}
	if reduces != 1 {
		t.Errorf("%d node-removal calls; the re-run must wait for the first job instead of sending another", reduces)
	}
}
