// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
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

// Acceptance tests for access_control (issue 17): the order of its two
// calls, plan-time checks of its addresses, and when it is read.

// accessControlHCL is an access_control block.
func accessControlHCL(enabled bool, listType string, ips ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  access_control = {\n    enabled = %t\n    type    = %q\n    ip_list = [\n", enabled, listType)
	for _, ip := range ips {
		fmt.Fprintf(&b, "      { ip = %q },\n", ip)
	}
	b.WriteString("    ]\n  }\n")
	return b.String()
}

// ON with an empty blacklist (nobody blocked) to OFF with a whitelist, and
// the switch call fails: the proxy is not left enforcing the whitelist, and
// state records what the proxy holds, so the next apply finishes the change.
func TestAccProxyInstance_accessControlOffFailedSwitchLocksNobodyOut(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	on := env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, accessControlHCL(true, "black"))
	off := env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, accessControlHCL(false, "white", "10.0.0.1"))
	proxy := func() emulator.ProxyView {
		ps := env.emu.Proxies(inst)
		if len(ps) != 1 {
			t.Fatalf("the instance has %d proxies, want 1", len(ps))
		}
		return ps[0]
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: on},
			{
				PreConfig: func() {
					env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/access-control-switch", Kind: emulator.FaultServerError, Status: 500})
				},
				Config:      off,
				ExpectError: regexp.MustCompile(`(?s)changing access_control.*access-control-switch.*HTTP 500`),
			},
			{
				PreConfig: func() {
					if p := proxy(); p.AccessControl && p.AccessControlType == "white" {
						t.Errorf("after the failed switch the proxy enforces the new whitelist %v", p.AccessRules)
					}
					env.emu.ClearFaults()
				},
				Config: off,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("access_control").AtMapKey("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("access_control").AtMapKey("type"), knownvalue.StringExact("white")),
				},
			},
		},
	})
}

// An access-list entry that is neither an IPv4 address nor an IPv4 CIDR
// block is refused by the plan, before any proxy exists, with a message
// that names the entry and shows the accepted forms.
func TestAccProxyInstance_accessListIPCheckedAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	var steps []resource.TestStep
	for _, ip := range []string{"999.1.1.1", "10.0.0.0/33", "abc", "10.0.0.01", "2001:db8::1"} {
		steps = append(steps, resource.TestStep{
			Config:      env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, accessControlHCL(true, "white", "10.0.0.1", ip)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid access-control address.*` + regexp.QuoteMeta(fmt.Sprintf("%q", ip)) + `\s+is\s+not\s+an\s+IPv4\s+address\s+or\s+an\s+IPv4\s+CIDR\s+block`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
	for _, r := range env.emu.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a plan that fails validation sent %s %s", r.Method, r.Path)
		}
	}
}

// ipgroupReads counts the GET .../proxy/{proxyID}/ipgroup calls so far.
func (a *accEnv) ipgroupReads(proxyID string) int {
	n := 0
	for _, r := range a.emu.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/proxy/"+proxyID+"/ipgroup") {
			n++
		}
	}
	return n
}

// Access control is read by a call of its own (GET .../ipgroup), only when
// access_control is configured, and on import so the imported state is
// complete. A proxy created without it never reads it, on create or on
// refresh; one with it reads it on every refresh.
func TestAccProxyInstance_accessControlReadOnlyWhenConfigured(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	cfg := env.providerHCL() + proxyHCL("bare", inst, testFlavor, 2, "  name = \"bare-proxy\"\n") +
		proxyHCL("acl", inst, testFlavor, 2, "  name = \"acl-proxy\"\n"+accessControlHCL(true, "white", "10.0.0.1"))
	var bareID, aclID string
	aclReadsAfterCreate := 0
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.bare", tfjsonpath.New("access_control"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					stateID("taurusdb_proxy_instance.bare", &bareID),
					stateID("taurusdb_proxy_instance.acl", &aclID),
					func(*terraform.State) error {
						aclReadsAfterCreate = env.ipgroupReads(aclID)
						return nil
					},
				),
			},
			{
				// Same configuration: a refresh and an empty plan.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.bare", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.acl", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if n := env.ipgroupReads(bareID); n != 0 {
						return fmt.Errorf("the proxy without access_control had its access control read %d times", n)
					}
					if n := env.ipgroupReads(aclID); n <= aclReadsAfterCreate {
						return fmt.Errorf("the refresh of the proxy with access_control did not read it (%d reads after create, %d now)", aclReadsAfterCreate, n)
					}
					return nil
				},
			},
			{
				// Importing the proxy created without access_control
				// reads it: the imported state is complete.
				Config:            cfg,
				ResourceName:      "taurusdb_proxy_instance.bare",
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return inst + "/" + bareID, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["access_control.enabled"] != "false" || states[0].Attributes["access_control.type"] == "" {
						return fmt.Errorf("imported state has no access_control: %v", states)
					}
					if n := env.ipgroupReads(bareID); n == 0 {
						return fmt.Errorf("the import did not read access control")
					}
					return nil
				},
			},
		},
	})
}

// The same address listed twice in ip_list is refused by the API, but only
// once the proxy exists (a create would leave it tainted): it is a
// plan-time error, and nothing but reads reaches the API.
func TestAccProxyInstance_accessListDuplicateIPCheckedAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, accessControlHCL(true, "white", "10.0.0.1", "10.0.0.1")),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?i)10\.0\.0\.1.*(twice|duplicate|more than once)`),
		}},
	})
	for _, r := range env.emu.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a plan that should fail validation sent %s %s", r.Method, r.Path)
		}
	}
}
