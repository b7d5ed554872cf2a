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
