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

// Acceptance tests that run from recorded API traffic (see vcr_env_test.go).
// By default they replay the cassettes in testdata/cassettes, offline;
// TAURUSDB_VCR=record records them again.

// TestAccVCR_proxyLifecycle: create, change the port in place, destroy.
func TestAccVCR_proxyLifecycle(t *testing.T) {
	testVCRLifecycle(t, newVCREnv(t, vcrOptions{cloud: true}), false)
}

// TestAccVCR_proxyLifecycleMoreReads replays the lifecycle cassette while the
// CLI reads more than when it was recorded (a refresh and a plan between
// create and update, as another CLI or version might): the extra reads are
// answered with the last recorded answer of their epoch.
func TestAccVCR_proxyLifecycleMoreReads(t *testing.T) {
	testVCRLifecycle(t, newVCREnv(t, vcrOptions{replayOf: "TestAccVCR_proxyLifecycle"}), true)
}

// testAccVCRConfig_proxy is the recorded tests' proxy; port 0 leaves the
// port to the API. A replay must send what was recorded: change it only
// together with the cassettes.
func testAccVCRConfig_proxy(v *vcrEnv, port int) string {
	extra := `  name = "vcr-proxy"`
	if port != 0 {
		extra += fmt.Sprintf("\n  port = %d", port)
	}
	return v.providerHCL() + proxyHCL("p", v.instanceID, v.flavor, 2, extra)
}

func testVCRLifecycle(t *testing.T, v *vcrEnv, moreReads bool) {
	const addr = "taurusdb_proxy_instance.p"
	// Changing the port is an in-place update: the ID stays.
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var id string
	steps := []resource.TestStep{{
		Config: testAccVCRConfig_proxy(v, 0),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			sameID.AddStateValue(addr, tfjsonpath.New("id")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-Za-z]{32}po01$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("instance_id"), knownvalue.StringExact(v.instanceID)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("vcr-proxy")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(2)),
		},
		Check: stateID(addr, &id),
	}}
	if moreReads {
		steps = append(steps,
			resource.TestStep{RefreshState: true},
			resource.TestStep{
				Config:   testAccVCRConfig_proxy(v, 0),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
			},
		)
	}
	steps = append(steps, resource.TestStep{
		Config: testAccVCRConfig_proxy(v, 3307),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			sameID.AddStateValue(addr, tfjsonpath.New("id")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("port"), knownvalue.Int64Exact(3307)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
		},
		// The traffic shows the port call and its job waited for.
		Check: func(*terraform.State) error { return v.checkPortChanged(id, 3307) },
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: v.factories(),
		CheckDestroy:             v.checkDestroyed,
		Steps:                    steps,
	})
	if t.Failed() {
		return
	}
	if d := v.deletes(); len(d) != 1 || len(d[0]) != 1 || d[0][0] != id {
		t.Errorf("DELETE bodies = %v, want exactly one naming %s", d, id)
	}
	if moreReads && v.rp.repeated() == 0 {
		t.Errorf("the extra steps repeated no recorded read; this test proves nothing")
	}
}

// checkPortChanged: the provider asked for the port and waited for the job.
func (v *vcrEnv) checkPortChanged(proxyID string, port int) error {
	calls := v.calls()
	for k, c := range calls {
		if c.method != http.MethodPut || !strings.HasSuffix(c.path, "/proxy/"+proxyID+"/port") {
			continue
		}
		if !sameBody([]byte(c.body), []byte(fmt.Sprintf(`{"port":%d}`, port))) {
			return fmt.Errorf("port change body %s, want port %d", c.body, port)
		}
		for _, p := range calls[k+1:] {
			if st, _ := p.job(); p.isJobPoll(c.jobID()) && st == "Completed" {
				return nil
			}
		}
		return fmt.Errorf("the update returned before port job %s completed", c.jobID())
	}
	return fmt.Errorf("no port change request for proxy %s", proxyID)
}

// TestAccVCR_failedDeleteThenRetry: the delete job fails with a fail_reason,
// destroy reports it and keeps the proxy; the next destroy succeeds. Recorded
// against the emulator only (a real delete cannot be made to fail).
func TestAccVCR_failedDeleteThenRetry(t *testing.T) {
	testVCRFailedDelete(t, newVCREnv(t, vcrOptions{}), false)
}

// TestAccVCR_failedDeleteFewerReads replays the same cassette while the CLI
// reads less than when it was recorded (no plan between the failed and the
// successful destroy): the reads it does not make are skipped when the next
// recorded change is sent.
func TestAccVCR_failedDeleteFewerReads(t *testing.T) {
	testVCRFailedDelete(t, newVCREnv(t, vcrOptions{replayOf: "TestAccVCR_failedDeleteThenRetry"}), true)
}

func testVCRFailedDelete(t *testing.T, v *vcrEnv, fewerReads bool) {
	const failReason = "proxy is serving 12 connections"
	const addr = "taurusdb_proxy_instance.p"
	cfg := testAccVCRConfig_proxy(v, 0)
	var id string
	steps := []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
			},
			Check: resource.ComposeTestCheckFunc(stateID(addr, &id), func(*terraform.State) error {
				if v.acc != nil {
					v.acc.emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Times: 1, Kind: emulator.FaultJobFails, FailReason: failReason})
				}
				return nil
			}),
		},
		{
			Config:  cfg,
			Destroy: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)},
			},
			ExpectError: regexp.MustCompile(`(?s)deleting TaurusDB proxy.*Proxy: [0-9A-Za-z]{32}po01\s+Instance: ` + v.instanceID +
				`\s+Job: [0-9a-f-]{36}\s+Fail reason: ` + phrase(failReason) + `.*terraform destroy.*again`),
		},
	}
	if !fewerReads {
		// Still in state and still listed: nothing to do.
		steps = append(steps, resource.TestStep{
			Config:   cfg,
			PlanOnly: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: v.factories(),
		CheckDestroy:             v.checkDestroyed,
		Steps:                    steps,
	})
	if t.Failed() {
		return
	}
	if d := v.deletes(); len(d) != 2 || len(d[0]) != 1 || d[0][0] != id || len(d[1]) != 1 || d[1][0] != id {
		t.Errorf("DELETE bodies = %v, want two naming %s (failed, then retried)", d, id)
	}
	want := [][2]string{{"Failed", failReason}, {"Completed", ""}}
	if got := v.deleteOutcomes(id); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delete jobs as the provider last saw them = %q, want %q", got, want)
	}
	if fewerReads && v.rp.unusedReads() == 0 {
		t.Errorf("every recorded read was used although a step was left out; this test proves nothing")
	}
}
