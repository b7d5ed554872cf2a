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
