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

// Acceptance tests for the further settings (issue 12): create with all of
// them, change each in place, import without a diff, drift put back, and a
// refusal that names the setting.

// proxySettings is the HCL of the further settings.
type proxySettings struct {
	split, consistence, pool, autoAdd string
	ssl, acl                          bool
	aclType                           string
	ips                               []string
	params                            map[string]string
	// dns is dns_name_prefix; "" leaves it out of the configuration.
	dns string
}

func (s proxySettings) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  transaction_split    = %q\n  consistence_mode     = %q\n  connection_pool_type = %q\n  ssl = %t\n  new_node_auto_add = %q\n",
		s.split, s.consistence, s.pool, s.ssl, s.autoAdd)
	fmt.Fprintf(&b, "  access_control = {\n    enabled = %t\n    type = %q\n    ip_list = [\n", s.acl, s.aclType)
	for i, ip := range s.ips {
		fmt.Fprintf(&b, "      { ip = %q, description = \"rule %d\" },\n", ip, i)
	}
	b.WriteString("    ]\n  }\n")
	if len(s.params) > 0 {
		b.WriteString("  parameters = [\n")
		for _, name := range sortedKeys(s.params) {
			fmt.Fprintf(&b, "    { name = %q, value = %q },\n", name, s.params[name])
		}
		b.WriteString("  ]\n")
	}
	if s.dns != "" {
		fmt.Fprintf(&b, "  dns_name_prefix = %q\n", s.dns)
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// testAccProxyInstanceConfig_allSettings is one proxy "p" with every setting.
func testAccProxyInstanceConfig_allSettings(env *accEnv, inst string, s proxySettings) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "  name = \"settings-proxy\"\n"+s.hcl())
}

var (
	settingsA = proxySettings{split: "ON", consistence: "session", pool: "SESSION", autoAdd: "ON", ssl: true, acl: true, aclType: "white",
		ips: []string{"192.168.0.0/24", "10.1.2.3"}, params: map[string]string{"multiStatementType": "Loose", "connectionIdleTimeout": "600"},
		dns: "ordersproxy01"}
	settingsB = proxySettings{split: "OFF", consistence: "global", pool: "CLOSED", autoAdd: "OFF", ssl: false, acl: false, aclType: "black",
		ips: []string{"172.16.0.0/16"}, params: map[string]string{"multiStatementType": "Parse", "connectionIdleTimeout": "900"},
		dns: "ordersproxy02"}
)

// settingsBWithoutDNS is settingsB with dns_name_prefix left out.
var settingsBWithoutDNS = func() proxySettings { s := settingsB; s.dns = ""; return s }()

// checkEmulatorSettings compares what the emulator holds with s.
func checkEmulatorSettings(env *accEnv, inst string, s proxySettings) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		id := st.RootModule().Resources["taurusdb_proxy_instance.p"].Primary.ID
		p, ok := env.emu.Proxy(inst, id)
		if !ok {
			return fmt.Errorf("proxy %s not in the emulator", id)
		}
		var ips []string
		for _, r := range p.AccessRules {
			ips = append(ips, r.IP)
		}
		dnsPrefix, _, _ := strings.Cut(p.PrivateDNSName, ".")
		got := fmt.Sprintf("%s %s %s %s %t %t %s %v %s %s %s", p.TransactionSplit, p.ConsistenceMode, p.ConnectionPoolType, p.NewNodeAutoAddStatus,
			p.SSL, p.AccessControl, p.AccessControlType, ips, p.Parameters["multiStatementType"], p.Parameters["connectionIdleTimeout"], dnsPrefix)
		want := fmt.Sprintf("%s %s %s %s %t %t %s %v %s %s %s", s.split, s.consistence, s.pool, s.autoAdd, s.ssl, s.acl, s.aclType, s.ips,
			s.params["multiStatementType"], s.params["connectionIdleTimeout"], s.dns)
		if got != want {
			return fmt.Errorf("emulator holds %q, want %q", got, want)
		}
		return nil
	}
}

func TestAccProxyInstance_allSettingsInPlace(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_allSettings(env, inst, settingsA),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssl"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("access_control").AtMapKey("ip_list"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_version"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("switch_connection_pool_type_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("frozen_flag"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("dns_name"), knownvalue.StringRegexp(regexp.MustCompile(`^ordersproxy01\.`))),
				},
				Check: checkEmulatorSettings(env, inst, settingsA),
			},
			{
				Config: testAccProxyInstanceConfig_allSettings(env, inst, settingsB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("consistence_mode"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("dns_name"), knownvalue.StringRegexp(regexp.MustCompile(`^ordersproxy02\.`))),
				},
				Check: checkEmulatorSettings(env, inst, settingsB),
			},
			{
				// Drift: changed outside Terraform, shown by the next
				// plan and put back by the apply.
				PreConfig: func() {
					for _, p := range env.emu.Proxies(inst) {
						env.emu.UpdateProxy(inst, p.PoolID, func(v *emulator.ProxyView) {
							v.TransactionSplit, v.SSL = "ON", true
							v.Parameters["multiStatementType"] = "Strict"
							_, zone, _ := strings.Cut(v.PrivateDNSName, ".")
							v.PrivateDNSName = "renamedoutside." + zone
						})
					}
				},
				Config: testAccProxyInstanceConfig_allSettings(env, inst, settingsB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("transaction_split"), knownvalue.StringExact("OFF")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("dns_name_prefix"), knownvalue.StringExact("ordersproxy02")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("dns_name")),
				}},
				Check: checkEmulatorSettings(env, inst, settingsB),
			},
			{
				// Unset, dns_name_prefix leaves the name as it is: no
				// diff, and the proxy keeps it.
				Config: testAccProxyInstanceConfig_allSettings(env, inst, settingsBWithoutDNS),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				Check: checkEmulatorSettings(env, inst, settingsB),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return inst + "/" + s.RootModule().Resources[addr].Primary.ID, nil
				},
				// parameters are read back only by the names configured,
				// which an import cannot know; see the import test.
				ImportStateVerifyIgnore: []string{"timeouts", "parameters"},
			},
		},
	})
}

// testAccProxyInstanceConfig_importAllSettings adopts proxy proxyID with an
// import block into a configuration with every setting.
func testAccProxyInstanceConfig_importAllSettings(env *accEnv, inst, proxyID string, s proxySettings) string {
	return testAccProxyInstanceConfig_allSettings(env, inst, s) + fmt.Sprintf(`
import {
  to = taurusdb_proxy_instance.p
  id = "%s/%s"
}
`, inst, proxyID)
}

// testAccProxyInstanceConfig_split is one proxy with transaction_split and,
// unless autoAdd is "", new_node_auto_add.
func testAccProxyInstanceConfig_split(env *accEnv, inst, split, autoAdd string) string {
	extra := fmt.Sprintf("  transaction_split = %q", split)
	if autoAdd != "" {
		extra += fmt.Sprintf("\n  new_node_auto_add = %q", autoAdd)
	}
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, extra)
}

// testAccProxyInstanceConfig_splitDNS is one proxy with transaction_split
// and dns_name_prefix.
func testAccProxyInstanceConfig_splitDNS(env *accEnv, inst, split, dnsPrefix string) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  transaction_split = %q\n  dns_name_prefix = %q", split, dnsPrefix))
}

// A proxy configured outside Terraform with every setting imports with no
// diff against a configuration that says the same (parameters aside: see
// the docs), and the first apply after it calls nothing.
func TestAccProxyInstance_importWithSettingsShowsNoChanges(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	s := settingsB
	s.params = nil
	existing := env.emu.SeedProxy(inst, emulator.ProxyView{
		Name: "settings-proxy", FlavorRef: testFlavor, NodeNum: 2, TransactionSplit: s.split, ConsistenceMode: s.consistence,
		ConnectionPoolType: s.pool, NewNodeAutoAddStatus: s.autoAdd, SSL: s.ssl, AccessControl: s.acl, AccessControlType: s.aclType,
		AccessRules:    []emulator.AccessRule{{IP: "172.16.0.0/16", Description: "rule 0"}},
		PrivateDNSName: s.dns + ".internal.example.gaussdbformysql.myhuaweicloud.com",
	})
	cfg := testAccProxyInstanceConfig_importAllSettings(env, inst, existing, s)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("taurusdb_proxy_instance.p", plancheck.ResourceActionNoop),
			}},
			Check: func(*terraform.State) error {
				for _, r := range env.emu.Requests() {
					if r.Method != http.MethodGet {
						return fmt.Errorf("the import sent %s %s", r.Method, r.Path)
					}
				}
				return nil
			},
		}},
	})
}

// An account without the whitelist gets an error naming the setting and the
// API's error code; the refresh before it did not fail, and the proxy keeps
// the settings that were applied before it.
func TestAccProxyInstance_refusedSettingNamesItself(t *testing.T) {
	env := newAccEnv(t, emulator.Config{NotWhitelisted: true})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_split(env, inst, "OFF", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
			{
				Config: testAccProxyInstanceConfig_split(env, inst, "ON", "ON"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy.*changing new_node_auto_add.*the API refused new_node_auto_add.*DBS\.\d+`),
			},
			{
				// new_node_auto_add comes before transaction_split, so
				// nothing was changed; removing the refused setting lets
				// the rest through.
				Config: testAccProxyInstanceConfig_split(env, inst, "ON", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("transaction_split"), knownvalue.StringExact("ON")),
				},
			},
			{
				// Private DNS names are whitelisted too.
				Config: testAccProxyInstanceConfig_splitDNS(env, inst, "ON", "ordersproxy01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy.*changing dns_name_prefix.*the API refused\s+dns_name_prefix.*DBS\.\d+`),
			},
		},
	})
}
