// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps every test of this package off the real ECS metadata
// address (a test without credentials would otherwise probe
// 169.254.169.254) and away from the developer's ~/.hcloud/config.json,
// whatever the test itself sets up.
func TestMain(m *testing.M) {
	if os.Getenv(metadataURLEnv) == "" {
		// The discard port of loopback: nothing listens there.
		_ = os.Setenv(metadataURLEnv, "http://127.0.0.1:9")
	}
	home, err := os.MkdirTemp("", "taurusdb-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	_ = os.Setenv("HOME", home)
	code := m.Run()
	_ = os.RemoveAll(home)
	os.Exit(code)
}
