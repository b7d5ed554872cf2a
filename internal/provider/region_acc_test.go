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
	const north, east = "1b3d5f7a9c2e4a6b8d0f1a3c5e7b9d2f", "3e5a7c9b1d2f4a6c8e0b2d4f6a8c0e1b"
	northInst, eastInst := "6b1d3f5a7c9e4b2d0f8a6c4e2b0d9f7ain07", "7c2e4a6b8d0f4c3e1a9b7d5f3c1e0a8bin07"
	env := newAccEnv(t, emulator.Config{AccessKey: credAK, SecretKey: credSK, Projects: []emulator.Project{
		{Name: "cn-north-4", ID: north, Instances: []string{northInst}},
		{Name: "cn-east-3", ID: east, Instances: []string{eastInst}},
	}})
	env.pointAt(t)
	t.Setenv("HW_ACCESS_KEY", credAK)
	t.Setenv("HW_SECRET_KEY", credSK)
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
	const project = "7d2a0c4e6f8b4a1c9e3d5f7a9b1c3e5d"
	env := newAccEnv(t, emulator.Config{AccessKey: credAK, SecretKey: credSK,
		Projects: []emulator.Project{{Name: "cn-north-4", ID: project}}})
	env.pointAt(t)
	t.Setenv("HW_ACCESS_KEY", credAK)
	t.Setenv("HW_SECRET_KEY", credSK)
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
