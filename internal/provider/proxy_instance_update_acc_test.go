package provider

import (
	"net/http"
	"regexp"
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

// Apply #1 asks node_num 6 -> 4 and times out while the reduce job runs. A
// reduce keeps the proxy ACTIVE, so the re-run reads 6 and used to send
// "remove 2" again, guarded only by the API's busy answer (had the job ended
// between the read and the call, 2 nodes would have been left). The re-run
// must find the job in the resource's private state, wait for it, and send
// nothing more.
func TestAccProxyInstance_rerunAfterReduceTimeoutWaitsForItsJob(t *testing.T) {
	env := newAccEnv(t, emulator.Config{JobDuration: 5 * time.Second})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: testAccProxyInstanceConfig_nodes(env, inst, 6, "")},
			{
				Config:      testAccProxyInstanceConfig_nodes(env, inst, 4, "1s"),
				ExpectError: regexp.MustCompile(`(?s)updating TaurusDB proxy.*changing node_num to 4.*timed out`),
			},
			{
				Config: testAccProxyInstanceConfig_nodes(env, inst, 4, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The refresh still reads 6: the job is running.
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_num"), knownvalue.Int64Exact(4)),
				},
			},
		},
	})
	reduces := 0
	for _, r := range env.emu.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/reduce") {
			reduces++
		}
	}
	if reduces != 1 {
		t.Errorf("%d node-removal calls; the re-run must wait for the first job instead of sending another", reduces)
	}
}
