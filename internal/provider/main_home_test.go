// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"os/exec"
	"testing"
)

// TestMain points HOME at an empty folder. The go command derives GOPATH
// (so the module cache) and GOCACHE from HOME, so the `go build` that
// newCLIWorkspace runs (TestAccProxyInstanceList_*, the restart action's
// CLI tests) starts from an empty module cache: it downloads every module
// from the network and compiles everything cold, each run. Offline (CI
// without network, GOPROXY=off, or GOFLAGS=-mod=mod with a local cache
// only) it cannot build at all. This checks that the go command the tests
// run still finds the modules the user already has.
func TestMain_goCommandStillFindsTheModuleCache(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	out, err := exec.Command("go", "list", "-deps", "../..").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps of the provider with GOPROXY=off, as newCLIWorkspace's go build would see its modules: %v\n%.2000s", err, out)
	}
}
