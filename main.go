// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Command terraform-provider-taurusdb is the Terraform and OpenTofu provider
// for TaurusDB (GaussDB for MySQL) database proxies.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers such as delve (prints TF_REATTACH_PROVIDERS to use)")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/taurusdb-community/taurusdb",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
