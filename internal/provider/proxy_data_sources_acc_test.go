// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
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
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

const (
	proxiesData = "data.taurusdb_proxy_instances.d"
	flavorsData = "data.taurusdb_proxy_flavors.f"
)

// testAccDataSourceProxyInstancesConfig_filters lists an instance's
// proxies with the given filter arguments (HCL lines, may be empty).
func testAccDataSourceProxyInstancesConfig_filters(env *accEnv, inst, filters string) string {
	return env.providerHCL() + fmt.Sprintf(`
data "taurusdb_proxy_instances" "d" {
  instance_id = %q
%s
}
`, inst, filters)
}

// testAccDataSourceProxyFlavorsConfig_args lists flavors with the given
// arguments.
func testAccDataSourceProxyFlavorsConfig_args(env *accEnv, args string) string {
	return env.providerHCL() + fmt.Sprintf(`
data "taurusdb_proxy_flavors" "f" {
%s
}
`, args)
}

// testAccDataSourceProxyFlavorsConfig_lookup creates a proxy whose flavor
// comes from the flavor data source, as the resource's example does.
func testAccDataSourceProxyFlavorsConfig_lookup(env *accEnv, inst string) string {
	return env.providerHCL() + fmt.Sprintf(`
data "taurusdb_proxy_flavors" "f" {
  instance_id = %[1]q
  group_type  = "x86"
  vcpus       = 2
  memory      = 4
}

resource "taurusdb_proxy_instance" "p" {
  instance_id = %[1]q
  flavor      = data.taurusdb_proxy_flavors.f.flavors[0].spec_code
  node_num    = 2
}
`, inst)
}

// The list carries every attribute of the resource, the kernel version,
// access control and parameters included; each filter narrows it.
func TestAccDataSourceProxyInstances_listAndFilter(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	rw := env.seedProxy(inst, emulator.ProxyView{Name: "orders-rw", Port: 3306, EIP: testEIP, EIPID: testEIPID, Version: "2.24.06.000",
		AccessControl: true, AccessControlType: "white", AccessRules: []emulator.AccessRule{{IP: "10.0.0.0/8", Description: "office"}}})
	ro := env.seedProxy(inst, emulator.ProxyView{Name: "orders-ro", Mode: "readonly", FlavorRef: "gaussdb.proxy.xlarge.x86.2", NodeNum: 3})
	idx := func(i int, name string) tfjsonpath.Path {
		return tfjsonpath.New("proxies").AtSliceIndex(i).AtMapKey(name)
	}
	names := func(want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, 0, len(want))
		for _, w := range want {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(w)}))
		}
		return statecheck.ExpectKnownValue(proxiesData, tfjsonpath.New("proxies"), knownvalue.ListExact(checks))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourceProxyInstancesConfig_filters(env, inst, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					names("orders-rw", "orders-ro"),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "id"), knownvalue.StringExact(rw)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "instance_id"), knownvalue.StringExact(inst)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "flavor"), knownvalue.StringExact(testFlavor)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "proxy_mode"), knownvalue.StringExact("readwrite")),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "port"), knownvalue.Int64Exact(3306)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "status"), knownvalue.StringExact(emulator.StatusActive)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "eip"), knownvalue.StringExact(testEIP)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "current_version"), knownvalue.StringExact("2.24.06.000")),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "can_upgrade"), knownvalue.Bool(true)),
					// The proxy's own nodes, by name, as the list names them.
					statecheck.ExpectKnownValue(proxiesData, idx(0, "nodes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("proxy-node-1"), "role": knownvalue.StringExact("master")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("proxy-node-2"), "role": knownvalue.StringExact("slave")}),
					})),
					// The emulator's load balancer VIP is the proxy's address.
					statecheck.CompareValuePairs(proxiesData, idx(0, "elb_vip"), proxiesData, idx(0, "address"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "elb_vip"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`))),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "mode"), knownvalue.StringExact("Cluster")),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "nodes_read_weight"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "transaction_split"), knownvalue.StringExact("OFF")),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "access_control"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"enabled": knownvalue.Bool(true),
						"type":    knownvalue.StringExact("white"),
						"ip_list": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"ip": knownvalue.StringExact("10.0.0.0/8"), "description": knownvalue.StringExact("office"),
						})}),
					})),
					statecheck.ExpectKnownValue(proxiesData, idx(0, "parameters"), knownvalue.ListSizeExact(len(emulator.ProxyParameterNames()))),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "id"), knownvalue.StringExact(ro)),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "proxy_mode"), knownvalue.StringExact("readonly")),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "node_num"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "vcpus"), knownvalue.StringExact("4")),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "eip"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(proxiesData, idx(1, "can_upgrade"), knownvalue.Bool(false)),
				},
			},
			{
				Config:            testAccDataSourceProxyInstancesConfig_filters(env, inst, `  proxy_mode = "readonly"`),
				ConfigStateChecks: []statecheck.StateCheck{names("orders-ro")},
			},
			{
				Config:            testAccDataSourceProxyInstancesConfig_filters(env, inst, `  name = "orders-rw"`),
				ConfigStateChecks: []statecheck.StateCheck{names("orders-rw")},
			},
			{
				Config:            testAccDataSourceProxyInstancesConfig_filters(env, inst, fmt.Sprintf("  id = %q", ro)),
				ConfigStateChecks: []statecheck.StateCheck{names("orders-ro")},
			},
			{
				Config:            testAccDataSourceProxyInstancesConfig_filters(env, inst, `  status = "ACTIVE"`+"\n"+`  name = "orders-ro"`),
				ConfigStateChecks: []statecheck.StateCheck{names("orders-ro")},
			},
			{
				Config:            testAccDataSourceProxyInstancesConfig_filters(env, inst, `  status = "ABNORMAL"`),
				ConfigStateChecks: []statecheck.StateCheck{names()},
			},
		},
	})
}

// An instance without proxies gives an empty list, and so does one whose
// only proxy the API still lists as DELETED (unless status asks for
// those); one that does not exist is an error that says so, with the
// API's code.
func TestAccDataSourceProxyInstances_emptyAndUnknownInstance(t *testing.T) {
	env := newAccEnv(t, emulator.Config{KeepDeleted: time.Hour})
	inst := env.instance(0)
	const unknown = "99999999999999999999999999999999in07"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourceProxyInstancesConfig_filters(env, inst, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxiesData, tfjsonpath.New("proxies"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				PreConfig: func() {
					env.emu.RemoveProxy(inst, env.seedProxy(inst, emulator.ProxyView{Name: "gone-proxy"}))
				},
				Config: testAccDataSourceProxyInstancesConfig_filters(env, inst, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxiesData, tfjsonpath.New("proxies"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: testAccDataSourceProxyInstancesConfig_filters(env, inst, `  status = "DELETED"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proxiesData, tfjsonpath.New("proxies"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("gone-proxy"), "status": knownvalue.StringExact("DELETED")}),
					})),
				},
			},
			{
				Config:      testAccDataSourceProxyInstancesConfig_filters(env, unknown, ""),
				ExpectError: regexp.MustCompile(`(?s)TaurusDB instance \(` + unknown + `\) not found.*DBS\.201028.*check\s+instance_id`),
			},
		},
	})
}

// Flavors of an instance, filtered by architecture, vCPUs and memory;
// the filters compare numbers as numbers.
func TestAccDataSourceProxyFlavors_perInstanceWithFilters(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourceProxyFlavorsConfig_args(env, fmt.Sprintf("  instance_id = %q", inst)),
				ConfigStateChecks: []statecheck.StateCheck{
					// 2 architectures x 5 sizes x 2 memory ratios.
					statecheck.ExpectKnownValue(flavorsData, tfjsonpath.New("flavors"), knownvalue.ListSizeExact(20)),
				},
			},
			{
				Config: testAccDataSourceProxyFlavorsConfig_args(env, fmt.Sprintf("  instance_id = %q\n  group_type = \"x86\"\n  vcpus = 2\n  memory = \"4.0\"", inst)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flavorsData, tfjsonpath.New("flavors"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.NotNull(),
							"spec_code":  knownvalue.StringExact(testFlavor),
							"vcpus":      knownvalue.StringExact("2"),
							"memory":     knownvalue.StringExact("4"),
							"db_type":    knownvalue.NotNull(),
							"group_type": knownvalue.StringExact("x86"),
							"az_status":  knownvalue.MapPartial(map[string]knownvalue.Check{"cn-north-4a": knownvalue.StringExact("normal")}),
							// The per-instance answer does not report it.
							"supported_ipv6": knownvalue.Null(),
						}),
					})),
				},
			},
			{
				Config: testAccDataSourceProxyFlavorsConfig_args(env, fmt.Sprintf("  instance_id = %q\n  group_type = \"arm\"\n  vcpus = 64", inst)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flavorsData, tfjsonpath.New("flavors"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      testAccDataSourceProxyFlavorsConfig_args(env, `  instance_id = "99999999999999999999999999999999in07"`),
				ExpectError: regexp.MustCompile(`(?s)TaurusDB instance \(99999999999999999999999999999999in07\) not found.*DBS\.201028`),
			},
		},
	})
}

// The per-AZ form sends the zones and the proxy engine; az_status holds
// exactly the zones asked for.
func TestAccDataSourceProxyFlavors_perAZWithFilters(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourceProxyFlavorsConfig_args(env, "  az_codes = [\"cn-north-4a\", \"cn-north-4b\"]\n  group_type = \"arm\"\n  memory = 64"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flavorsData, tfjsonpath.New("flavors"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"spec_code":  knownvalue.StringExact("gaussdb.proxy.4xlarge.arm.4"),
							"group_type": knownvalue.StringExact("arm"),
							"az_status": knownvalue.MapExact(map[string]knownvalue.Check{
								"cn-north-4a": knownvalue.StringExact("normal"), "cn-north-4b": knownvalue.StringExact("normal"),
							}),
							// The per-AZ answer reports it (the emulator: every flavor serves IPv6).
							"supported_ipv6": knownvalue.Bool(true),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"spec_code": knownvalue.StringExact("gaussdb.proxy.8xlarge.arm.2"),
						}),
					})),
				},
				Check: func(*terraform.State) error {
					for _, r := range env.emu.Requests() {
						if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/"+env.emu.ProjectID()+"/proxy/flavors") {
							if !strings.Contains(r.RawQuery, "az_codes=cn-north-4a%2Ccn-north-4b") || !strings.Contains(r.RawQuery, "proxy_engine_name=taurusproxy") {
								return fmt.Errorf("per-AZ query %q", r.RawQuery)
							}
							return nil
						}
					}
					return fmt.Errorf("no GET /v3/{project_id}/proxy/flavors call")
				},
			},
			{
				Config:      testAccDataSourceProxyFlavorsConfig_args(env, `  az_codes = ["cn-north-4z"]`),
				ExpectError: regexp.MustCompile(`(?s)listing the TaurusDB proxy flavors of availability zones \(cn-north-4z\).*not an\s+availability zone.*Check az_codes`),
			},
		},
	})
}

// Exactly one of instance_id and az_codes, checked at plan time.
func TestAccDataSourceProxyFlavors_exactlyOneSourceAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      testAccDataSourceProxyFlavorsConfig_args(env, fmt.Sprintf("  instance_id = %q\n  az_codes = [\"cn-north-4a\"]", inst)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*instance_id.*az_codes`),
			},
			{
				Config:      testAccDataSourceProxyFlavorsConfig_args(env, `  vcpus = 2`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Exactly one of these attributes must be configured:\s+\[instance_id,az_codes\]`),
			},
		},
	})
	if n := len(env.emu.Requests()); n != 0 {
		t.Errorf("%d API calls for configurations refused at plan time", n)
	}
}

// The resource's example: the flavor comes from the data source.
func TestAccDataSourceProxyFlavors_feedsProxyFlavor(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourceProxyFlavorsConfig_lookup(env, inst),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("flavor"), knownvalue.StringExact(testFlavor)),
				}},
			},
			{
				Config: testAccDataSourceProxyFlavorsConfig_lookup(env, inst),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
