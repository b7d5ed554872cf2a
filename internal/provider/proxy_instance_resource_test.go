package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
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

func TestAccProxyInstance_lifecycle(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	nodes := env.emu.InstanceNodes(inst)
	var id string
	weights := fmt.Sprintf(`  nodes_read_weight = [
    { id = %q, weight = 10 },
    { id = %q, weight = 300 },
  ]`, nodes[0].ID, nodes[1].ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.large.x86.2", 2, `  name = "orders-proxy"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}po01$`))),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("proxy_mode"), knownvalue.StringExact("readwrite")),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("port"), knownvalue.Int64Exact(3306)),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("nodes"), knownvalue.ListSizeExact(2)),
				},
				Check: resource.ComposeTestCheckFunc(stateID("taurusdb_proxy_instance.p", &id), func(*terraform.State) error {
					p, ok := env.emu.Proxy(inst, id)
					if !ok || p.Name != "orders-proxy" || p.NodeNum != 2 {
						return fmt.Errorf("emulator has %+v (found %v)", p, ok)
					}
					return nil
				}),
			},
			{
				Config: env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.xlarge.x86.2", 4, `  name = "orders-proxy-2"
  port = 3307
`+weights),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("node_num"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("nodes"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("vcpus"), knownvalue.StringExact("4")),
				},
				Check: func(*terraform.State) error {
					p, _ := env.emu.Proxy(inst, id)
					if p.PoolID != id || p.FlavorRef != "gaussdb.proxy.xlarge.x86.2" || p.NodeNum != 4 || p.Name != "orders-proxy-2" || p.Port != 3307 ||
						p.Weights[nodes[0].ID] != 10 || p.Weights[nodes[1].ID] != 300 {
						return fmt.Errorf("update not applied in place: %+v", p)
					}
					return nil
				},
			},
			{
				// Shrink: node_num goes down by the difference.
				Config: env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.xlarge.x86.2", 3, `  name = "orders-proxy-2"
  port = 3307
`+weights),
				Check: func(*terraform.State) error {
					if p, _ := env.emu.Proxy(inst, id); p.NodeNum != 3 || p.PoolID != id {
						return fmt.Errorf("after reduce: %+v", p)
					}
					return nil
				},
			},
			{
				ResourceName:      "taurusdb_proxy_instance.p",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return inst + "/" + id, nil },
				// An import reports the weights of every node; the configuration
				// names two, and the next apply would narrow the list in place.
				// proxy_mode is not ignored: the import reads it from proxy.type.
				ImportStateVerifyIgnore: []string{"timeouts", "nodes_read_weight"},
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
	var idA, idB string
	both := env.providerHCL() + proxyHCL("a", inst, "gaussdb.proxy.large.x86.2", 2, `  name = "proxy-a"`) +
		proxyHCL("b", inst, "gaussdb.proxy.large.x86.2", 2, `  name = "proxy-b"`)
	onlyA := env.providerHCL() + proxyHCL("a", inst, "gaussdb.proxy.large.x86.2", 2, `  name = "proxy-a"`)
	var requestsBefore int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: both,
				Check: resource.ComposeTestCheckFunc(stateID("taurusdb_proxy_instance.a", &idA), stateID("taurusdb_proxy_instance.b", &idB),
					func(*terraform.State) error {
						if idA == idB || len(env.emu.Proxies(inst)) != 2 {
							return fmt.Errorf("want two distinct proxies, have %v", env.emu.Proxies(inst))
						}
						requestsBefore = len(env.emu.Requests())
						return nil
					}),
			},
			{
				Config: onlyA,
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
	cfg := env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.large.x86.2", 2, "")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(stateID("taurusdb_proxy_instance.p", &id), func(*terraform.State) error {
					env.emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Times: 1, Kind: emulator.FaultJobFails,
						FailReason: "proxy is serving 12 connections"})
					return nil
				}),
			},
			{
				Config:  cfg,
				Destroy: true,
				// The error names proxy, instance and job, carries
				// fail_reason and says what to do next.
				ExpectError: regexp.MustCompile(`(?s)deleting TaurusDB proxy.*Proxy: [0-9a-f]{32}po01\s+Instance: ` + inst +
					`\s+Job: [0-9a-f-]{36}\s+Fail reason: proxy is serving 12 connections.*terraform destroy.*again`),
			},
			{
				// The resource is still in state and still exists, so
				// the same configuration plans nothing.
				Config:   cfg,
				PlanOnly: true,
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
	cfg := env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.large.x86.2", 2, "")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: stateID("taurusdb_proxy_instance.p", &id)},
			{
				PreConfig: func() {
					if !env.emu.RemoveProxy(inst, id) {
						t.Fatalf("could not remove %s", id)
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources["taurusdb_proxy_instance.p"]; ok {
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
	cfg := env.providerHCL() + proxyHCL("p", inst, "gaussdb.proxy.large.x86.2", 2, fmt.Sprintf(`  port = 3307
  nodes_read_weight = [
    { id = %q, weight = 50 },
    { id = %q, weight = 0 },
  ]`, nodes[2].ID, nodes[0].ID))
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("port"), knownvalue.Int64Exact(3307)),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("nodes_read_weight"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(nodes[2].ID), "weight": knownvalue.Int64Exact(50)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(nodes[0].ID), "weight": knownvalue.Int64Exact(0)}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(stateID("taurusdb_proxy_instance.p", &id), func(*terraform.State) error {
					if p, _ := env.emu.Proxy(inst, id); p.Port != 3307 || p.Weights[nodes[2].ID] != 50 {
						return fmt.Errorf("emulator has %+v", p)
					}
					return nil
				}),
			},
		},
	})
}
