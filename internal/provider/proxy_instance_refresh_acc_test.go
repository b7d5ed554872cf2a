// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The proxy list and the instance detail each answer
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
