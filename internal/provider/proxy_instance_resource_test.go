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

func proxyHCL(name, inst, flavor string, nodes int, extra string) string {
	return fmt.Sprintf(`
resource "taurusdb_proxy_instance" %q {
  instance_id = %q
  flavor      = %q
  node_num    = %d
%s
}
`, name, inst, flavor, nodes, extra)
}

// readWeight is one entry of nodes_read_weight.
type readWeight struct {
	node   string
	weight int
}

func readWeightsHCL(weights []readWeight) string {
	if len(weights) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("  nodes_read_weight = [\n")
	for _, w := range weights {
		fmt.Fprintf(&b, "    { id = %q, weight = %d },\n", w.node, w.weight)
	}
	b.WriteString("  ]\n")
	return b.String()
}

// testAccProxyInstanceConfig_basic is one proxy "p" with the required
// arguments only: testFlavor and two nodes.
func testAccProxyInstanceConfig_basic(env *accEnv, inst string) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "")
}

// testAccProxyInstanceConfig_named is testAccProxyInstanceConfig_basic with
// a name.
func testAccProxyInstanceConfig_named(env *accEnv, inst, name string) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  name = %q", name))
}

// testAccProxyInstanceConfig_full is one proxy "p" with every argument that
// an update changes in place: flavor, node_num, name, port and read weights.
func testAccProxyInstanceConfig_full(env *accEnv, inst, flavor string, nodes int, name string, port int, weights ...readWeight) string {
	return env.providerHCL() + proxyHCL("p", inst, flavor, nodes,
		fmt.Sprintf("  name = %q\n  port = %d\n", name, port)+readWeightsHCL(weights))
}

// testAccProxyInstanceConfig_portAndWeights is one proxy "p" that sets the
// port and read weights when it is created, which the create call cannot.
func testAccProxyInstanceConfig_portAndWeights(env *accEnv, inst string, port int, weights ...readWeight) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  port = %d\n", port)+readWeightsHCL(weights))
}

// testAccProxyInstanceConfig_several is one proxy per resource name, all on
// the same instance, each named "proxy-<resource name>".
func testAccProxyInstanceConfig_several(env *accEnv, inst string, names ...string) string {
	cfg := env.providerHCL()
	for _, n := range names {
		cfg += proxyHCL(n, inst, testFlavor, 2, fmt.Sprintf("  name = %q", "proxy-"+n))
	}
	return cfg
}

func TestAccProxyInstance_lifecycle(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	nodes := env.emu.InstanceNodes(inst)
	const addr = "taurusdb_proxy_instance.p"
	const bigFlavor = "gaussdb.proxy.xlarge.x86.2"
	weights := []readWeight{{nodes[0].ID, 10}, {nodes[1].ID, 300}}
	// The proxy keeps its ID through both updates: they happen in place.
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_named(env, inst, "orders-proxy"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}po01$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("proxy_mode"), knownvalue.StringExact("readwrite")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("port"), knownvalue.Int64Exact(3306)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(2)),
				},
				Check: resource.ComposeTestCheckFunc(stateID(addr, &id), func(*terraform.State) error {
					p, ok := env.emu.Proxy(inst, id)
					if !ok || p.Name != "orders-proxy" || p.NodeNum != 2 {
						return fmt.Errorf("emulator has %+v (found %v)", p, ok)
					}
					return nil
				}),
			},
			{
				Config: testAccProxyInstanceConfig_full(env, inst, bigFlavor, 4, "orders-proxy-2", 3307, weights...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_num"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vcpus"), knownvalue.StringExact("4")),
				},
				// The API holds the changes on the proxy it created first.
				Check: func(*terraform.State) error {
					p, ok := env.emu.Proxy(inst, id)
					if !ok || p.FlavorRef != bigFlavor || p.NodeNum != 4 || p.Name != "orders-proxy-2" || p.Port != 3307 ||
						p.Weights[nodes[0].ID] != 10 || p.Weights[nodes[1].ID] != 300 {
						return fmt.Errorf("update not applied in place: %+v (found %v)", p, ok)
					}
					return nil
				},
			},
			{
				// Shrink: node_num goes down by the difference.
				Config: testAccProxyInstanceConfig_full(env, inst, bigFlavor, 3, "orders-proxy-2", 3307, weights...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_num"), knownvalue.Int64Exact(3)),
				},
				Check: func(*terraform.State) error {
					if p, ok := env.emu.Proxy(inst, id); !ok || p.NodeNum != 3 {
						return fmt.Errorf("after reduce: %+v (found %v)", p, ok)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return inst + "/" + id, nil },
				// An import reports the weights of every node; the configuration
				// names two, and the next apply would narrow the list in place.
				// proxy_mode is not ignored: the import reads it from proxy.type.
				// An import also records access control (it cannot know whether
				// the configuration manages it), which a proxy created without
				// it never reads.
				ImportStateVerifyIgnore: []string{"timeouts", "nodes_read_weight", "access_control"},
			},
		},
	})
	if d := env.deletes(); len(d) != 1 || len(d[0]) != 1 || d[0][0] != id {
		t.Errorf("DELETE bodies = %v, want exactly one naming %s", d, id)
	}
}

func TestAccProxyInstance_removingOneBlockDeletesOnlyThatProxy(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addrA, addrB = "taurusdb_proxy_instance.a", "taurusdb_proxy_instance.b"
	// Proxy a is the same proxy before and after b's block goes.
	sameA := statecheck.CompareValue(compare.ValuesSame())
	var idA, idB string
	var requestsBefore int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_several(env, inst, "a", "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addrA, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(addrB, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameA.AddStateValue(addrA, tfjsonpath.New("id")),
					statecheck.CompareValuePairs(addrA, tfjsonpath.New("id"), addrB, tfjsonpath.New("id"), compare.ValuesDiffer()),
				},
				Check: resource.ComposeTestCheckFunc(stateID(addrA, &idA), stateID(addrB, &idB),
					func(*terraform.State) error {
						if len(env.emu.Proxies(inst)) != 2 {
							return fmt.Errorf("want two distinct proxies, have %v", env.emu.Proxies(inst))
						}
						requestsBefore = len(env.emu.Requests())
						return nil
					}),
			},
			{
				Config: testAccProxyInstanceConfig_several(env, inst, "a"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addrA, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(addrB, plancheck.ResourceActionDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameA.AddStateValue(addrA, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					if d := env.deletes(); len(d) != 1 || len(d[0]) != 1 || d[0][0] != idB {
						return fmt.Errorf("DELETE bodies = %v, want one naming only %s", d, idB)
					}
					if _, ok := env.emu.Proxy(inst, idB); ok {
						return fmt.Errorf("proxy b still exists after apply")
					}
					if err := env.checkDeleteWaited(idB); err != nil {
						return err
					}
					a, ok := env.emu.Proxy(inst, idA)
					if !ok || a.Status != emulator.StatusActive || a.Name != "proxy-a" {
						return fmt.Errorf("proxy a changed: %+v %v", a, ok)
					}
					for _, r := range env.emu.Requests()[requestsBefore:] {
						if r.Method != http.MethodGet && strings.Contains(r.Path+string(r.Body), idA) {
							return fmt.Errorf("proxy a was touched: %s %s %s", r.Method, r.Path, r.Body)
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAccProxyInstance_failedDeleteKeepsStateAndRetrySucceeds(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	// The proxy in state after the failed delete is the one created.
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_basic(env, inst),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeTestCheckFunc(stateID(addr, &id), func(*terraform.State) error {
					env.emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Times: 1, Kind: emulator.FaultJobFails,
						FailReason: "proxy is serving 12 connections"})
					return nil
				}),
			},
			{
				Config:  testAccProxyInstanceConfig_basic(env, inst),
				Destroy: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy),
				}},
				// The error names proxy, instance and job, carries
				// fail_reason and says what to do next.
				ExpectError: regexp.MustCompile(`(?s)deleting TaurusDB proxy.*Proxy: [0-9a-f]{32}po01\s+Instance: ` + inst +
					`\s+Job: [0-9a-f-]{36}\s+Fail reason: proxy is serving 12 connections.*terraform destroy.*again`),
			},
			{
				// The resource is still in state and still exists, so
				// the same configuration plans nothing. Applied rather
				// than PlanOnly: the harness never runs a PlanOnly
				// step's Check.
				Config: testAccProxyInstanceConfig_basic(env, inst),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					if _, ok := env.emu.Proxy(inst, id); !ok {
						return fmt.Errorf("proxy %s vanished after the failed delete", id)
					}
					return nil
				},
			},
		},
	})
	if d := env.deletes(); len(d) != 2 || d[0][0] != id || d[1][0] != id {
		t.Errorf("DELETE bodies = %v, want two naming %s (failed, then retried)", d, id)
	}
}

func TestAccProxyInstance_disappearsOutOfBand(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: testAccProxyInstanceConfig_basic(env, inst), Check: stateID(addr, &id)},
			{
				PreConfig: func() {
					if !env.emu.RemoveProxy(inst, id) {
						t.Fatalf("could not remove %s", id)
					}
				},
				Config:             testAccProxyInstanceConfig_basic(env, inst),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				// Only a refresh can notice; it then plans the proxy anew.
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[addr]; ok {
						return fmt.Errorf("refresh kept a proxy that no longer exists")
					}
					return nil
				},
			},
		},
	})
	if d := env.deletes(); len(d) != 0 {
		t.Errorf("a vanished proxy needs no DELETE, saw %v", d)
	}
}

// Port and a subset of read weights set at create time: the create call
// takes no port, so the provider sets it in a second step, and state keeps
// the configured weights in their order.
func TestAccProxyInstance_createWithPortAndWeights(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	nodes := env.emu.InstanceNodes(inst)
	const addr = "taurusdb_proxy_instance.p"
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: testAccProxyInstanceConfig_portAndWeights(env, inst, 3307, readWeight{nodes[2].ID, 50}, readWeight{nodes[0].ID, 0}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("port"), knownvalue.Int64Exact(3307)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes_read_weight"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(nodes[2].ID), "weight": knownvalue.Int64Exact(50)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(nodes[0].ID), "weight": knownvalue.Int64Exact(0)}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(stateID(addr, &id), func(*terraform.State) error {
					if p, _ := env.emu.Proxy(inst, id); p.Port != 3307 || p.Weights[nodes[2].ID] != 50 {
						return fmt.Errorf("emulator has %+v", p)
					}
					return nil
				}),
			},
		},
	})
}
