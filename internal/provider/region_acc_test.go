// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The identity of a proxy outside the provider's region names its region,
// so an import by that identity (what `terraform query` generates for the
// list resource's results, which may come from another region) reads the
// proxy where it is.
func TestAccRegion_identityImportInAnotherRegion(t *testing.T) {
	env := newKeyEnv(t, twoRegions())
	vars := config.Variables{"beijing_instance_id": config.StringVariable(northInst), "shanghai_instance_id": config.StringVariable(eastInst)}
	hcl := example(t, "provider-multi-region.tf")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: hcl, ConfigVariables: vars},
			{
				ResourceName:    "taurusdb_proxy_instance.shanghai",
				Config:          hcl,
				ConfigVariables: vars,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// region = "" (a variable left empty, say) would mean the provider's region
// to the client but differ from it in state, and replace the proxy on
// every apply; it is refused at plan time instead.
func TestAccRegion_emptyRegionDoesNotReplaceForever(t *testing.T) {
	env := newKeyEnv(t, []emulator.Project{{Name: "cn-north-4", ID: "7d2a0c4e6f8b4a1c9e3d5f7a9b1c3e5d"}})
	inst := env.instance(0)
	hcl := "provider \"taurusdb\" {\n  region = \"cn-north-4\"\n}\n" + proxyHCL("p", inst, testFlavor, 2, `  region = ""`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: hcl, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)region.*must be a region name`)},
		},
	})
}
