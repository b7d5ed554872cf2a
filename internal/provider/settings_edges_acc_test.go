// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Settings at their edges: lists the API reorders, route modes with weights,
// refused values, a lost create answer while settings follow.

// The create POST's answer is lost (502 after the API acted). The provider
// finds the proxy by name; it used to report the create done at once, while
// the proxy was still ENABLING PROXY.
func TestAccProxyInstance_lostCreateAnswerWaitsUntilActive(t *testing.T) {
	env := newAccEnv(t, emulator.Config{JobDuration: 3 * time.Second})
	inst := env.instance(0)
	env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/proxy", Kind: emulator.FaultServerError, Status: 502, Times: 1, After: true})
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
			},
		}},
	})
}

// reorderingAPI is the emulator behind a proxy that answers the ipgroup read
// with the rules sorted by IP, as an API that keeps rules in a set would.
func reorderingAPI(t *testing.T, env *accEnv) string {
	target, _ := url.Parse(env.emu.URL())
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method != http.MethodGet || !strings.HasSuffix(r.Request.URL.Path, "/ipgroup") {
			return nil
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err == nil {
			if g, ok := body["ip_group"].(map[string]any); ok {
				if l, ok := g["ip_list"].([]any); ok {
					sort.Slice(l, func(i, j int) bool {
						return l[i].(map[string]any)["ip"].(string) < l[j].(map[string]any)["ip"].(string)
					})
				}
			}
			raw, _ = json.Marshal(body)
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
		r.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// An API that answers the access list in another order than configured
// (sorted, say) must not make the apply fail with "inconsistent result" or
// the plan show a reordering.
func TestAccProxyInstance_accessListOrderIsTheConfigurations(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	endpoint := reorderingAPI(t, env)
	cfg := fmt.Sprintf(`
provider "taurusdb" {
  endpoint   = %q
  project_id = %q
  auth_token = %q
  insecure   = true
}
`, endpoint, env.emu.ProjectID(), testToken) + proxyHCL("p", inst, testFlavor, 2, `
  access_control = {
    enabled = true
    type    = "white"
    ip_list = [
      { ip = "192.168.0.0/24" },
      { ip = "10.1.2.3" },
    ]
  }
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// route_mode 0 -> 1 with nodes_read_weight configured and unchanged: a
// primary weight of 1 contradicts mode 1 (which fixes it at 0) and is a
// clear error before anything is sent; with the primary at 0 the weights
// go with the mode change and the result matches the plan.
func TestAccProxyInstance_routeModeWithConfiguredWeights(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	nodes := env.emu.InstanceNodes(inst)
	w := func(mode, primary int) string {
		return fmt.Sprintf("  route_mode = %d\n", mode) + readWeightsHCL([]readWeight{{nodes[0].ID, primary}, {nodes[1].ID, 1}})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, w(0, 1))},
			{
				Config:      env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, w(1, 1)),
				ExpectError: regexp.MustCompile(`(?s)route_mode\s+1\s+fixes\s+the\s+primary's\s+weight\s+at\s+0`),
			},
			{Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, w(0, 0))},
			{Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, w(1, 0))},
		},
	})
}

// new_node_auto_add OFF and a changed new_node_weight: the weight used to be
// left out of the call, so the API kept the old one and the apply failed
// with "inconsistent result".
func TestAccProxyInstance_newNodeWeightChangesWhileOff(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	cfg := func(w int) string {
		return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  new_node_auto_add = \"OFF\"\n  new_node_weight = %d\n", w))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg(100)},
			{Config: cfg(200)},
		},
	})
}

// A parameter value out of range (a plain 400) is a rejected value, not a
// feature to ask Huawei Cloud for.
func TestAccProxyInstance_invalidParameterValueIsNamedAsSuch(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "")},
			{
				Config:      env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "  parameters = [{ name = \"connectionIdleTimeout\", value = \"abc\" }]\n"),
				ExpectError: regexp.MustCompile(`(?s)the\s+API\s+rejected\s+the\s+value\s+of\s+parameters.*out\s+of\s+the\s+range`),
			},
		},
	})
}

// access_control with ip_list but no type, on create: the list call needs a
// type, so the proxy's own (white when it has none) is sent; it used to send
// "" and taint the new proxy.
func TestAccProxyInstance_accessListWithoutTypeOnCreate(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, `
  access_control = {
    enabled = true
    ip_list = [{ ip = "10.1.2.3" }]
  }
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("access_control").AtMapKey("type"), knownvalue.StringExact("white")),
			},
		}},
	})
}

// The same parameter named twice in parameters is a plan-time error that
// names it: the update would send both values and which one the proxy keeps
// is not said, and the read back could match only one of them.
func TestAccProxyInstance_duplicateParameterRefusedAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, `
  parameters = [
    { name = "connectionIdleTimeout", value = "600" },
    { name = "multiStatementType", value = "Loose" },
    { name = "connectionIdleTimeout", value = "900" },
  ]
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Duplicate parameter.*"connectionIdleTimeout"\s+is\s+listed\s+at\s+positions\s+0\s+and\s+2`),
		}},
	})
	for _, r := range env.emu.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a plan that fails validation sent %s %s", r.Method, r.Path)
		}
	}
}
