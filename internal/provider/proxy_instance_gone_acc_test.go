// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// A not-found error code is a hint, never proof: a proxy leaves state only
// when the proxy list confirms it is gone.

// Tried as a new user would: the DELETE answered 409 DBS.200932 once while
// the proxy was still listed, and terraform destroy removed the proxy from
// state, leaving a billed proxy nobody manages. The code is a hint; the
// proxy list says the proxy is there, so destroy fails with the code and
// the request ID, keeps the proxy, and the next destroy deletes it.
func TestAccProxyInstance_notFoundCodeOnDeleteKeepsAListedProxy(t *testing.T) {
	env := newAccEnv(t, emulator.Config{JobDuration: 300 * time.Millisecond})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	cfg := env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg, Check: stateID(addr, &id)},
			{
				PreConfig: func() {
					env.emu.Inject(emulator.Fault{Method: http.MethodDelete, PathSuffix: "/proxy", Kind: emulator.FaultError,
						Status: http.StatusConflict, Code: "DBS.200932", Message: "scripted", Times: 1})
				},
				Config:           cfg,
				Destroy:          true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)}},
				ExpectError:      regexp.MustCompile(`(?s)deleting TaurusDB proxy.*DBS\.200932.*X-Request-Id.*still shows`),
			},
			{
				// Still in state: a plan with the same configuration has
				// nothing to do, and the proxy is still in the emulator.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if _, ok := env.emu.Proxy(inst, id); !ok {
						return fmt.Errorf("proxy %s is gone from the emulator", id)
					}
					return nil
				},
			},
		},
	})
}

// Refresh: the proxy list and the instance detail each answer
// 409 DBS.200932 once (a code whose meaning is documented nowhere) while the
// proxy is ACTIVE. The refresh takes that for a confirmed missing instance
// and removes the proxy from state: the plan then wants to create a second
// proxy. An undocumented code must never drop anything from state.
func TestAccProxyInstance_undocumentedCodeOnRefreshKeepsTheProxy(t *testing.T) {
	env := newAccEnv(t, emulator.Config{JobDuration: 300 * time.Millisecond})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	cfg := env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					env.emu.Inject(emulator.Fault{Method: http.MethodGet, PathSuffix: "/proxies", Kind: emulator.FaultError,
						Status: http.StatusConflict, Code: "DBS.200932", Message: "scripted", Times: 1})
					env.emu.Inject(emulator.Fault{Method: http.MethodGet, PathSuffix: "/instances/{instance_id}", Kind: emulator.FaultError,
						Status: http.StatusConflict, Code: "DBS.200932", Message: "scripted", Times: 1})
				},
				Config: cfg,
				// The refresh fails with the code and keeps the proxy; it
				// must not drop it and plan a create.
				ExpectError: regexp.MustCompile(`(?s)reading TaurusDB proxy.*DBS\.200932.*state is unchanged`),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
