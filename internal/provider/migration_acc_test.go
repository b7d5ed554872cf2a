// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// testAccMigrationConfig_guide is the migration guide's configuration
// (examples/migration/main.tf) with the guide's placeholder instance and
// proxy IDs replaced by real ones.
func testAccMigrationConfig_guide(t *testing.T, env *accEnv, inst, proxyID string) string {
	t.Helper()
	src, err := os.ReadFile("../../examples/migration/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	hcl := strings.NewReplacer("0123456789abcdef0123456789abcdefin07", inst, "fedcba9876543210fedcba9876543210po01", proxyID).Replace(string(src))
	return env.providerHCL() + hcl
}

// TestAccMigration_importAdoptsWithoutReplacement runs the migration guide's
// configuration (examples/migration/main.tf) against a proxy that already
// exists, as one created by the huaweicloud provider would: the import adopts
// it, nothing is created or deleted, and a second plan is empty.
func TestAccMigration_importAdoptsWithoutReplacement(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	existing := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "orders-proxy", FlavorRef: "gaussdb.proxy.large.x86.2", NodeNum: 2})
	cfg := testAccMigrationConfig_guide(t, env, inst, existing)
	const addr = "taurusdb_proxy_instance.orders"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The import reads proxy_mode back from proxy.type, so
					// adopting the proxy changes nothing.
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(existing)),
				},
				Check: func(*terraform.State) error {
					for _, r := range env.emu.Requests() {
						if r.Method == http.MethodPost || r.Method == http.MethodDelete {
							return fmt.Errorf("adoption sent %s %s", r.Method, r.Path)
						}
					}
					return nil
				},
			},
			{
				Config:   cfg,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
