// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

const (
	scaleInstances   = 10
	scalePerInstance = 4 // the API's limit per instance
	scaleRateLimit   = 20
	scaleParallelism = 10
)

// TestAccProxyInstance_scaleUnderThrottling creates and destroys 40 proxies
// on 10 instances with Terraform running 10 operations at once, while the
// API throttles to 20 requests per second: every resource must succeed and
// nothing may be left behind.
//
// Terraform's -parallelism reaches the CLI through TF_CLI_ARGS_apply and
// TF_CLI_ARGS_destroy, which terraform-exec passes on (it copies the
// environment). terraform-exec itself already adds -parallelism=10 to apply
// and destroy, and a flag given later on the command line wins, so the
// variables document the intent rather than change the value; the test
// measures the concurrency the emulator really saw instead of trusting
// either.
func TestAccProxyInstance_scaleUnderThrottling(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test: skipped with -short")
	}
	for _, cmd := range []string{"apply", "destroy", "plan", "refresh"} {
		t.Setenv("TF_CLI_ARGS_"+cmd, fmt.Sprintf("-parallelism=%d", scaleParallelism))
	}
	env := newAccEnv(t, emulator.Config{JobDuration: 300 * time.Millisecond, RateLimit: scaleRateLimit})
	insts := make([]string, scaleInstances)
	for i := range insts {
		insts[i] = env.instance(i)
	}
	creates := make([]plancheck.PlanCheck, scaleInstances*scalePerInstance)
	for i := range creates {
		creates[i] = plancheck.ExpectResourceAction(fmt.Sprintf("taurusdb_proxy_instance.p[%d]", i), plancheck.ResourceActionCreate)
	}

	started := time.Now()
	var applied time.Duration
	// t.Setenv above: this test cannot run in parallel.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config:           testAccProxyInstanceConfig_scale(env, insts),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: creates},
			Check: func(s *terraform.State) error {
				applied = time.Since(started)
				if err := env.checkStateMatchesEmulator(s); err != nil {
					return err
				}
				for _, inst := range insts {
					ps := env.emu.Proxies(inst)
					if len(ps) != scalePerInstance {
						return fmt.Errorf("instance %s has %d proxies, want %d", inst, len(ps), scalePerInstance)
					}
					for _, p := range ps {
						if p.Status != emulator.StatusActive {
							return fmt.Errorf("proxy %s on %s is %s, want ACTIVE", p.PoolID, inst, p.Status)
						}
					}
				}
				return nil
			},
		}},
	})
	if left := env.emu.AllProxies(); len(left) != 0 {
		t.Errorf("%d proxies left after destroy: %+v", len(left), left)
	}

	var throttled, total int
	for _, r := range env.emu.Requests() {
		total++
		if r.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	create, del := jobOverlap(env.emu.Jobs(), "Open"), jobOverlap(env.emu.Jobs(), "Close")
	t.Logf("%d API calls, %d throttled; up to %d create jobs and %d delete jobs ran at once; apply took %s, all %s",
		total, throttled, create, del, applied.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
	if throttled == 0 {
		t.Errorf("the emulator never throttled: the test did not exercise the rate limit")
	}
	// One job per instance at a time (the provider's instance lock and the
	// API's busy rule). With -parallelism=10 on 10 instances several
	// instances work at once; how many depends on the throttling (about 5
	// here), and -parallelism=1 would give 1.
	const minOverlap = 3
	if create < minOverlap || del < minOverlap {
		t.Errorf("at most %d creates / %d deletes overlapped, want at least %d: Terraform did not run operations in parallel", create, del, minOverlap)
	}
}

// testAccProxyInstanceConfig_scale is scalePerInstance proxies on each of
// the instances, with timeouts long enough for a throttled API.
func testAccProxyInstanceConfig_scale(env *accEnv, insts []string) string {
	quoted := make([]string, len(insts))
	for i, id := range insts {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return env.providerHCL() + fmt.Sprintf(`
locals {
  instances = [%s]
}

resource "taurusdb_proxy_instance" "p" {
  count       = %d
  instance_id = local.instances[floor(count.index / %d)]
  flavor      = %q
  node_num    = 2
  name        = "scale-${count.index}"
  timeouts = {
    create = "5m"
    delete = "5m"
  }
}
`, strings.Join(quoted, ", "), len(insts)*scalePerInstance, scalePerInstance, testFlavor)
}

// jobOverlap is the largest number of jobs whose name starts with prefix
// that were running at the same moment.
func jobOverlap(jobs []emulator.JobView, prefix string) int {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, j := range jobs {
		if !strings.HasPrefix(j.Name, prefix) || j.Ended.IsZero() {
			continue
		}
		edges = append(edges, edge{j.Created, 1}, edge{j.Ended, -1})
	}
	sort.Slice(edges, func(i, k int) bool {
		if edges[i].at.Equal(edges[k].at) {
			return edges[i].delta < edges[k].delta // an end before a start at the same instant
		}
		return edges[i].at.Before(edges[k].at)
	})
	cur, best := 0, 0
	for _, e := range edges {
		cur += e.delta
		best = max(best, cur)
	}
	return best
}
