// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// deleteCalls returns the proxy_ids of every DELETE the emulator answered
// (status given), in order.
func (a *accEnv) deleteCalls() [][]string {
	var out [][]string
	for _, r := range a.emu.Requests() {
		if r.Method != http.MethodDelete || !strings.HasSuffix(r.Path, "/proxy") || r.Status == 0 {
			continue
		}
		var body struct {
			ProxyIDs []string `json:"proxy_ids"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			a.t.Errorf("DELETE body %q: %v", r.Body, err)
		}
		out = append(out, body.ProxyIDs)
	}
	return out
}

func stateProxyIDs(s *terraform.State) []string {
	var ids []string
	for _, rs := range s.RootModule().Resources {
		if rs.Type == "taurusdb_proxy_instance" {
			ids = append(ids, rs.Primary.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// Destroying four proxies of one instance sends one DELETE naming all four,
// answered by one job, instead of four jobs back to back. When that job
// fails, all four stay in state with the job's fail_reason, and the next
// destroy succeeds.
func TestAccProxyInstance_batchedDestroy(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	cfg := testAccProxyInstanceConfig_several(env, inst, "p0", "p1", "p2", "p3")
	var created []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkDestroyed(s); err != nil {
				return err
			}
			calls := env.deleteCalls()
			last := calls[len(calls)-1]
			slices.Sort(last)
			if !slices.Equal(last, created) {
				return fmt.Errorf("the last DELETE named %v, want all four proxies %v in one call (calls: %v)", last, created, calls)
			}
			jobs := 0
			for _, j := range env.emu.Jobs() {
				if strings.Contains(j.Name, "Close") && j.Status == emulator.JobCompleted {
					jobs++
				}
			}
			if jobs != 1 {
				return fmt.Errorf("%d completed delete jobs, want one for the four proxies", jobs)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p0", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p1", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p2", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p3", plancheck.ResourceActionCreate),
				}},
				Check: func(s *terraform.State) error {
					created = stateProxyIDs(s)
					if len(created) != 4 {
						return fmt.Errorf("state has %v", created)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					env.emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Kind: emulator.FaultJobFails, Times: 1, FailReason: "proxy node quota exhausted"})
				},
				Config:      cfg,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)deleting TaurusDB proxy.*Fail reason: proxy node quota exhausted`),
			},
			{
				// The failed job kept every proxy: state and emulator
				// still agree, and there is nothing to do. Applied rather
				// than PlanOnly: the harness never runs a PlanOnly step's
				// Check.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p0", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p1", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p2", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.p3", plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if got := stateProxyIDs(s); !slices.Equal(got, created) {
						return fmt.Errorf("after the failed batch state has %v, want %v", got, created)
					}
					if calls := env.deleteCalls(); len(calls) != 1 || len(calls[0]) != 4 {
						return fmt.Errorf("DELETE calls %v; want the one failed call naming all four", calls)
					}
					return nil
				},
			},
		},
	})
	if n := len(env.emu.AllProxies()); n != 0 {
		t.Errorf("%d proxies left", n)
	}
}
