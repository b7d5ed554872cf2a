// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// accEnv is one emulator and a provider pointed at it. Every acceptance test
// gets its own, so tests can run in parallel without seeing each other.
type accEnv struct {
	t   *testing.T
	emu *emulator.Emulator
}

const testToken = "acc-test-token-0123456789"

// testFlavor is the flavor of every proxy whose flavor a test does not change.
const testFlavor = "gaussdb.proxy.large.x86.2"

func newAccEnv(t *testing.T, cfg emulator.Config) *accEnv {
	t.Helper()
	if cfg.Token == "" && cfg.AccessKey == "" && len(cfg.Users) == 0 {
		cfg.Token = testToken
	}
	if cfg.JobDuration == 0 {
		// Long enough that a destroy returning before the job ended
		// would find the proxy still listed; short enough to be quick.
		cfg.JobDuration = 600 * time.Millisecond
	}
	emu, err := emulator.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	return &accEnv{t: t, emu: emu}
}

// fastClient shortens retry and poll intervals; the schedule logic itself is
// the default one, scaled down, so tests exercise the real code paths.
func fastClient(c *taurusdb.Config) {
	c.Backoff = 20 * time.Millisecond
	c.MaxBackoff = 100 * time.Millisecond
	c.BusyRetryInterval = 50 * time.Millisecond
	c.JobGrace = 5 * time.Second
	c.LostAnswerWindow, c.LostAnswerPoll = 300*time.Millisecond, 50*time.Millisecond
	c.JobSchedule = func() taurusdb.Schedule {
		s := taurusdb.NewAdaptiveSchedule()
		s.First, s.Floor, s.NoProgressCap, s.Margin = 100*time.Millisecond, 50*time.Millisecond, 300*time.Millisecond, 20*time.Millisecond
		return s
	}
}

func (a *accEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"taurusdb": providerserver.NewProtocol6WithError(NewWithOptions("test", Options{ClientOptions: fastClient})()),
	}
}

// providerHCL is the provider block with token auth against the emulator.
func (a *accEnv) providerHCL() string {
	return fmt.Sprintf(`
provider "taurusdb" {
  endpoint     = %q
  vpc_endpoint = %q
  project_id   = %q
  auth_token   = %q
}
`, a.emu.URL(), a.emu.VPCURL(), a.emu.ProjectID(), testToken)
}

func (a *accEnv) instance(i int) string {
	ids := a.emu.InstanceIDs()
	for len(ids) <= i {
		a.emu.AddInstance()
		ids = a.emu.InstanceIDs()
	}
	return ids[i]
}

// deletes returns the proxy_ids of every DELETE .../proxy the emulator saw.
func (a *accEnv) deletes() [][]string {
	var out [][]string
	for _, r := range a.emu.Requests() {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/proxy") {
			var body taurusdb.DeleteProxyRequest
			if err := json.Unmarshal(r.Body, &body); err != nil {
				a.t.Errorf("DELETE body %q: %v", r.Body, err)
			}
			out = append(out, body.ProxyIDs)
		}
	}
	return out
}

// checkDestroyed is CheckDestroy: every proxy that was in state is gone
// from the emulator, its delete job Completed, and the provider queried that
// job after it ended, which it only does while waiting for it.
func (a *accEnv) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "taurusdb_proxy_instance" {
			continue
		}
		inst, id := rs.Primary.Attributes["instance_id"], rs.Primary.ID
		if p, ok := a.emu.Proxy(inst, id); ok {
			return fmt.Errorf("proxy %s still exists in status %s after destroy", id, p.Status)
		}
		if err := a.checkDeleteWaited(id); err != nil {
			return err
		}
	}
	return nil
}

// checkDeleteWaited finds the completed delete job that named the proxy,
// alone or in a batch with other proxies of its instance, and checks that
// the provider polled it after it ended.
func (a *accEnv) checkDeleteWaited(proxyID string) error {
	for _, j := range a.emu.Jobs() {
		if !slices.Contains(j.ProxyIDs, proxyID) || !strings.Contains(j.Name, "Close") || j.Status != emulator.JobCompleted {
			continue
		}
		for _, r := range a.emu.Requests() {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/jobs") && strings.Contains(r.RawQuery, j.ID) && !r.At.Before(j.Ended) {
				return nil
			}
		}
		return fmt.Errorf("delete job %s of proxy %s ended at %s but the provider never polled it afterwards: destroy did not wait for it", j.ID, proxyID, j.Ended)
	}
	return fmt.Errorf("no completed delete job for proxy %s", proxyID)
}

func stateID(addr string, out *string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		*out = rs.Primary.ID
		return nil
	}
}
