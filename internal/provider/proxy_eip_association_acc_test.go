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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

const (
	testEIP     = "203.0.113.10"
	testEIPID   = "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	otherEIP    = "198.51.100.7"
	otherEIPID  = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	eipResource = "taurusdb_proxy_eip_association.e"
)

// testAccProxyEIPConfig_bound binds ip (with its ID) to the proxy.
func testAccProxyEIPConfig_bound(env *accEnv, inst, proxy, ip, ipID string) string {
	return env.providerHCL() + fmt.Sprintf(`
resource "taurusdb_proxy_eip_association" "e" {
  instance_id  = %q
  proxy_id     = %q
  public_ip    = %q
  public_ip_id = %q
}
`, inst, proxy, ip, ipID)
}

// testAccProxyEIPConfig_import adopts the binding of an existing proxy with
// an import block.
func testAccProxyEIPConfig_import(env *accEnv, inst, proxy, ip, ipID string) string {
	return testAccProxyEIPConfig_bound(env, inst, proxy, ip, ipID) + fmt.Sprintf(`
import {
  to = taurusdb_proxy_eip_association.e
  id = "%s/%s"
}
`, inst, proxy)
}

func eipBound(ip, ipID string) func(emulator.ProxyView) error {
	return func(p emulator.ProxyView) error {
		if p.EIP != ip || p.EIPID != ipID {
			return fmt.Errorf("proxy %s has eip %q (id %q), want %q (%q)", p.PoolID, p.EIP, p.EIPID, ip, ipID)
		}
		return nil
	}
}

// bindBodies returns the bodies of every bind call.
func (a *accEnv) bindBodies() []map[string]string {
	var out []map[string]string
	for _, r := range a.emu.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/bind") {
			var b map[string]string
			if err := json.Unmarshal(r.Body, &b); err != nil {
				a.t.Errorf("bind body %q: %v", r.Body, err)
			}
			out = append(out, b)
		}
	}
	return out
}

// checkNoEIP is CheckDestroy: destroying the association unbound the
// address, and the proxy (seeded outside Terraform) is still there.
func (a *accEnv) checkNoEIP(inst, proxy string) resource.TestCheckFunc {
	return a.checkProxy(inst, proxy, eipBound("", ""))
}

// Bind, no-op, import by ID (public_ip read back from the proxy list,
// public_ip_id from VPC by address), unbind on destroy. The
// calls carry the SDK's bodies, and the proxy list shows the address when
// apply returns.
func TestAccProxyEIP_bindImportUnbind(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-proxy"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoEIP(inst, proxy),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("id"), knownvalue.StringExact(inst+"/"+proxy)),
					statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip"), knownvalue.StringExact(testEIP)),
				},
				Check: env.checkProxy(inst, proxy, eipBound(testEIP, testEIPID)),
			},
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config:            testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ResourceName:      eipResource,
				ImportState:       true,
				ImportStateId:     inst + "/" + proxy,
				ImportStateVerify: true,
				Check: func(*terraform.State) error {
					if n := len(env.requestsTo(emulator.ListenerVPC)); n == 0 {
						return fmt.Errorf("the import did not look public_ip_id up at VPC")
					}
					return nil
				},
			},
			{
				Config: env.providerHCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroy),
				}},
				Check: env.checkNoEIP(inst, proxy),
			},
		},
	})
	got := env.bindBodies()
	want := []map[string]string{
		{"public_ip": testEIP, "public_ip_id": testEIPID, "bind": "true"},
		{"public_ip": testEIP, "bind": "false"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bind calls %v, want %v", got, want)
	}
}

// An address changed outside Terraform shows as a replacement (Read takes
// public_ip from the list), and apply puts the configured one back. One
// unbound outside Terraform drops the association from state with a
// warning, and apply binds it again.
func TestAccProxyEIP_driftCorrected(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-drift"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoEIP(inst, proxy),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionCreate),
				}},
			},
			{
				PreConfig: func() {
					env.emu.UpdateProxy(inst, proxy, func(v *emulator.ProxyView) { v.EIP, v.EIPID = otherEIP, otherEIPID })
				},
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip"), knownvalue.StringExact(testEIP)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip"), knownvalue.StringExact(testEIP)),
				},
				Check: env.checkProxy(inst, proxy, eipBound(testEIP, testEIPID)),
			},
			{
				PreConfig: func() {
					env.emu.UpdateProxy(inst, proxy, func(v *emulator.ProxyView) { v.EIP, v.EIPID = "", "" })
				},
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionCreate),
				}},
				Check: env.checkProxy(inst, proxy, eipBound(testEIP, testEIPID)),
			},
		},
	})
	// Binds of testEIP (three), one unbind of the drifted address; the
	// last unbind is the destroy.
	var unbinds []string
	for _, b := range env.bindBodies() {
		if b["bind"] == "false" {
			unbinds = append(unbinds, b["public_ip"])
		}
	}
	if fmt.Sprint(unbinds) != fmt.Sprint([]string{otherEIP, testEIP}) {
		t.Errorf("unbound %v, want the drifted %s, then %s on destroy", unbinds, otherEIP, testEIP)
	}
}

// Adopting a bound address with an import block never rebinds it. When VPC
// lists the address, the import reads public_ip_id back and nothing is left
// to plan; when it does not (the look-up fails, with a warning), the import
// plans an in-place update that only records the configured public_ip_id.
func TestAccProxyEIP_importBlockNeverRebinds(t *testing.T) {
	cases := []struct {
		name   string
		cfg    emulator.Config
		action plancheck.ResourceActionType
	}{
		{"VPC lists the address", emulator.Config{PublicIPs: []emulator.PublicIP{{ID: testEIPID, Address: testEIP}}}, plancheck.ResourceActionNoop},
		{"VPC does not list it", emulator.Config{}, plancheck.ResourceActionUpdate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccEnv(t, tc.cfg)
			inst := env.instance(0)
			proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-adopted", EIP: testEIP, EIPID: testEIPID})
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkNoEIP(inst, proxy),
				Steps: []resource.TestStep{
					{
						Config: testAccProxyEIPConfig_import(env, inst, proxy, testEIP, testEIPID),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(eipResource, tc.action),
							plancheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip_id"), knownvalue.StringExact(testEIPID)),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip"), knownvalue.StringExact(testEIP)),
							statecheck.ExpectKnownValue(eipResource, tfjsonpath.New("public_ip_id"), knownvalue.StringExact(testEIPID)),
						},
						Check: func(*terraform.State) error {
							if b := env.bindBodies(); len(b) != 0 {
								return fmt.Errorf("adopting sent bind calls %v", b)
							}
							return nil
						},
					},
					{
						Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionNoop),
						}},
					},
				},
			})
		})
	}
}

// Import by identity (Terraform 1.12+, OpenTofu 1.12+); the identity is
// the proxy the address is bound to.
func TestAccProxyEIP_identityImport(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-identity"})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoEIP(inst, proxy),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(eipResource, map[string]knownvalue.Check{
						"region":      knownvalue.Null(), // the provider block names none
						"instance_id": knownvalue.StringExact(inst),
						"proxy_id":    knownvalue.StringExact(proxy),
					}),
					statecheck.ExpectIdentityValueMatchesState(eipResource, tfjsonpath.New("proxy_id")),
				},
			},
			{
				ResourceName:    eipResource,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				// The bind registered the address at VPC, so the import
				// reads public_ip_id back and is complete.
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// Plan-time validation of the address and its ID, before any call.
func TestAccProxyEIP_addressValidatedAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const proxy = "0123456789abcdef0123456789abcdefpo01"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      testAccProxyEIPConfig_bound(env, inst, proxy, "2001:db8::1", testEIPID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)public_ip.*must be an IPv4 address`),
			},
			{
				Config:      testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, "eip-1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)public_ip_id.*a UUID`),
			},
		},
	})
	if n := len(env.emu.Requests()); n != 0 {
		t.Errorf("%d API calls for configurations refused at plan time", n)
	}
}

// testAccProxyEIPConfig_shortTimeouts binds testEIP with create and delete
// timeouts of 3 s, which a hung job outlasts.
func testAccProxyEIPConfig_shortTimeouts(env *accEnv, inst, proxy string) string {
	return env.providerHCL() + fmt.Sprintf(`
resource "taurusdb_proxy_eip_association" "e" {
  instance_id  = %q
  proxy_id     = %q
  public_ip    = %q
  public_ip_id = %q
  timeouts = {
    create = "3s"
    delete = "3s"
  }
}
`, inst, proxy, testEIP, testEIPID)
}

// A bind whose job outlasts timeouts.create (issue 17, item 3) is recorded
// as soon as the API accepts it: the apply fails, but the association is
// in state (tainted), so nothing is left bound that Terraform does not
// know. While the job runs, a refresh keeps it (the address may still
// land) and a destroy waits for the job instead of finding nothing to
// unbind; once the job has completed, removing the block unbinds the
// address the job bound.
func TestAccProxyEIP_bindOutlastingTimeoutIsRecordedThenUnbound(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-slow-bind"})
	env.emu.Inject(emulator.Fault{Method: http.MethodPut, PathSuffix: "/bind", Kind: emulator.FaultJobHangs, Times: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoEIP(inst, proxy),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyEIPConfig_shortTimeouts(env, inst, proxy),
				ExpectError: regexp.MustCompile(`(?s)binding elastic public IP ` + regexp.QuoteMeta(testEIP) + `.*Proxy: ` + proxy +
					`.*Instance: ` + inst + `.*Job: ` + reJobID + `.*` + phrase("timed out (last status: Running") + `.*` + phrase("kept in state as tainted")),
			},
			{
				// The job still runs and the list shows no address yet:
				// the refresh keeps the association, and the plan replaces
				// it (it is tainted) rather than creating a second one.
				Config:             testAccProxyEIPConfig_shortTimeouts(env, inst, proxy),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				// Removing the block while the job still runs: the destroy
				// waits for it (timeouts.delete, 3 s, as recorded), sends no
				// unbind for an address not bound yet, and keeps the
				// association in state.
				Config: env.providerHCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroy),
				}},
				ExpectError: regexp.MustCompile(`(?s)unbinding elastic public IP ` + regexp.QuoteMeta(testEIP) + `.*Proxy: ` + proxy +
					`.*Job: ` + reJobID + `.*` + phrase("bind job") + `.*` + phrase("still running")),
			},
			{
				// The job completes and binds the address; the destroy
				// now unbinds it.
				PreConfig: func() {
					if err := finishHungJob(env); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.providerHCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionDestroy),
				}},
				Check: env.checkNoEIP(inst, proxy),
			},
		},
	})
	got := env.bindBodies()
	want := []map[string]string{
		{"public_ip": testEIP, "public_ip_id": testEIPID, "bind": "true"},
		{"public_ip": testEIP, "bind": "false"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bind calls %v, want one bind and, after its job, one unbind", got)
	}
}

// A bind job that fails bound nothing: the association recorded when the
// API accepted the bind leaves state again, the error carries the job's
// fail_reason, and the next apply binds the address.
func TestAccProxyEIP_failedBindJobLeavesNothingInState(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxy := env.seedProxy(inst, emulator.ProxyView{Name: "eip-failed-bind"})
	env.emu.Inject(emulator.Fault{Method: http.MethodPut, PathSuffix: "/bind", Kind: emulator.FaultJobFails, Times: 1, FailReason: "eip quota exhausted"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkNoEIP(inst, proxy),
		Steps: []resource.TestStep{
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ExpectError: regexp.MustCompile(`(?s)binding elastic public IP ` + regexp.QuoteMeta(testEIP) + `.*Job: ` + reJobID +
					`.*Fail reason: ` + phrase("eip quota exhausted") + `.*` + phrase("Fix the cause given by fail_reason")),
			},
			{
				Config: testAccProxyEIPConfig_bound(env, inst, proxy, testEIP, testEIPID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(eipResource, plancheck.ResourceActionCreate),
				}},
				Check: env.checkProxy(inst, proxy, eipBound(testEIP, testEIPID)),
			},
		},
	})
}
