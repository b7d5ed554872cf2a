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
// 169.254.169.254), off real cloud endpoints, and away from the
// developer's ~/.hcloud/config.json,
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
	// A loopback port this process opened and closed: nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	dead := "http://" + ln.Addr().String()
	_ = ln.Close()
	if os.Getenv(metadataURLEnv) == "" {
		_ = os.Setenv(metadataURLEnv, dead)
	}
	// Every client of the provider honours the proxy variables (the
	// metadata client excepted, which only ever talks to the address
	// above); loopback is never proxied. With a dead proxy, a test that
	// would reach a real cloud endpoint by mistake (a default IAM URL,
	// say) fails at once instead. Set only where no proxy is configured.
	if os.Getenv("HTTPS_PROXY") == "" && os.Getenv("https_proxy") == "" && os.Getenv("HTTP_PROXY") == "" && os.Getenv("http_proxy") == "" {
		for _, k := range []string{"HTTPS_PROXY", "HTTP_PROXY"} {
			_ = os.Setenv(k, dead)
		}
	}
	home, err := os.MkdirTemp("", "taurusdb-test-home-")
	if err != nil {
		return err
	}
	return os.Setenv("HOME", home)
}
