// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain keeps every test of this package off the real ECS metadata
// address (a test without credentials would otherwise probe
// 169.254.169.254) and away from the developer's ~/.hcloud/config.json,
// whatever the test itself sets up. HOME moves to an empty folder, so the
// go command's own folders, which it derives from HOME, are pinned first:
// the go build of the CLI-driven tests must find the module and build
// caches the machine already has (offline, it could not fill new ones).
func TestMain(m *testing.M) {
	if err := isolate(); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(2)
	}
	code := m.Run()
	if home := os.Getenv("HOME"); strings.Contains(home, "taurusdb-test-home-") {
		_ = os.RemoveAll(home)
	}
	os.Exit(code)
}

func isolate() error {
	out, err := exec.Command("go", "env", "GOPATH", "GOMODCACHE", "GOCACHE").Output()
	if err != nil {
		return fmt.Errorf("go env: %w", err)
	}
	vals := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, name := range []string{"GOPATH", "GOMODCACHE", "GOCACHE"} {
		if i < len(vals) && os.Getenv(name) == "" {
			_ = os.Setenv(name, strings.TrimSpace(vals[i]))
		}
	}
	if os.Getenv(metadataURLEnv) == "" {
		// A loopback port this process opened and closed: nothing listens.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		_ = os.Setenv(metadataURLEnv, "http://"+ln.Addr().String())
		_ = ln.Close()
	}
	home, err := os.MkdirTemp("", "taurusdb-test-home-")
	if err != nil {
		return err
	}
	return os.Setenv("HOME", home)
}
