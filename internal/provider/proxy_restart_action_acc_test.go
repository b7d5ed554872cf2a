// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// restarts counts the restart calls the emulator answered.
func (a *accEnv) restarts() int {
	n := 0
	for _, r := range a.emu.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/restart") {
			n++
		}
	}
	return n
}

// testAccRestartActionConfig is an existing proxy, imported, whose updates
// trigger the restart action. The action names the proxy by its ID, not
// by taurusdb_proxy_instance.p.id: an action may not refer to the resource
// that triggers it (Terraform reports a cycle).
func testAccRestartActionConfig(env *accEnv, inst, proxyID, name string) string {
	return env.providerHCL() + fmt.Sprintf(`
action "taurusdb_proxy_restart" "r" {
  config {
    instance_id = %q
    proxy_id    = %q
  }
}

import {
  to = taurusdb_proxy_instance.p
  id = "%s/%s"
}

resource "taurusdb_proxy_instance" "p" {
  instance_id = %q
  flavor      = %q
  node_num    = 2
  name        = %q

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.taurusdb_proxy_restart.r]
    }
  }
}
`, inst, proxyID, inst, proxyID, inst, testFlavor, name)
}

// An update of the proxy triggers the restart action once, after the
// update; adopting it restarts nothing.
func TestAccProxyRestartAction_triggeredAfterUpdate(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	id := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "restart-me", FlavorRef: testFlavor, NodeNum: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				// Adopting the proxy (an import, which fires no trigger)
				// restarts nothing.
				Config: testAccRestartActionConfig(env, inst, id, "restart-me"),
				Check: func(*terraform.State) error {
					if n := env.restarts(); n != 0 {
						return fmt.Errorf("%d restarts after the create; the trigger is after_update", n)
					}
					return nil
				},
			},
			{
				Config: testAccRestartActionConfig(env, inst, id, "restart-me-2"),
				Check: func(*terraform.State) error {
					if n := env.restarts(); n != 1 {
						return fmt.Errorf("%d restarts after the update; want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// A restart job that fails fails the apply, with the job's reason.
func TestAccProxyRestartAction_failedJobFailsTheApply(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	id := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "restart-fails", FlavorRef: testFlavor, NodeNum: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: testAccRestartActionConfig(env, inst, id, "restart-fails")},
			{
				PreConfig: func() {
					env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/restart", Kind: emulator.FaultJobFails,
						FailReason: "proxy node restart failed: scripted", Times: 1})
				},
				Config:      testAccRestartActionConfig(env, inst, id, "restart-fails-2"),
				ExpectError: regexp.MustCompile(`(?s)restarting TaurusDB proxy.*proxy node restart failed: scripted.*fail_reason`),
			},
		},
	})
}

// terraform apply -invoke=action.taurusdb_proxy_restart.r restarts the
// proxy and reports the job's progress. terraform-plugin-testing has no
// step that invokes an action, so this test runs the CLI itself (see
// newCLIWorkspace).
func TestAccProxyRestartAction_invokedDirectly(t *testing.T) {
	tf := terraformAtLeast(t, "1.14.0")
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	proxyID := env.emu.SeedProxy(inst, emulator.ProxyView{Name: "invoked", FlavorRef: testFlavor, NodeNum: 2})
	ws := newCLIWorkspace(t, tf)
	ws.write(t, "main.tf", env.providerHCL()+fmt.Sprintf(`
action "taurusdb_proxy_restart" "r" {
  config {
    instance_id = %q
    proxy_id    = %q
  }
}
`, inst, proxyID))
	got := ws.run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.taurusdb_proxy_restart.r")
	if n := env.restarts(); n != 1 {
		t.Errorf("%d restart calls; want 1\n%s", n, got)
	}
	for _, want := range []string{"restart job", "restarted"} {
		if !strings.Contains(got, want) {
			t.Errorf("the CLI output does not show the progress %q:\n%s", want, got)
		}
	}
}

// terraformAtLeast returns the acceptance tests' CLI when it is Terraform
// at least at version least, and skips the test otherwise (OpenTofu has neither
// actions nor terraform query).
func terraformAtLeast(t *testing.T, least string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH names no CLI")
	}
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	m := regexp.MustCompile(`"terraform_version":\s*"([^"]+)"`).FindSubmatch(out)
	if m == nil || strings.Contains(filepath.Base(tf), "tofu") {
		t.Skipf("needs Terraform %s or later; %s is not Terraform", least, tf)
	}
	if v, err := version.NewVersion(string(m[1])); err != nil || v.LessThan(version.Must(version.NewVersion(least))) {
		t.Skipf("needs Terraform %s or later; this is %s", least, m[1])
	}
	return tf
}

// cliWorkspace is a folder where a test runs the CLI itself, on the
// provider binary built from this tree, through dev_overrides (as make
// demo does): for what terraform-plugin-testing has no step for.
type cliWorkspace struct {
	tf, dir, rc string
}

func newCLIWorkspace(t *testing.T, tf string) *cliWorkspace {
	t.Helper()
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-taurusdb"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	ws := &cliWorkspace{tf: tf, dir: filepath.Join(root, "work"), rc: filepath.Join(root, "cli.tfrc")}
	writeFile(t, ws.rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/taurusdb-community/taurusdb" = %q
  }
  direct {}
}
`, bin))
	ws.write(t, "versions.tf", `
terraform {
  required_providers {
    taurusdb = { source = "taurusdb-community/taurusdb" }
  }
}
`)
	return ws
}

func (w *cliWorkspace) write(t *testing.T, name, content string) {
	t.Helper()
	writeFile(t, filepath.Join(w.dir, name), content)
}

// run runs the CLI in the workspace and returns its output; a failure
// fails the test.
func (w *cliWorkspace) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := w.try(args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(w.tf), strings.Join(args, " "), err, out)
	}
	return out
}

func (w *cliWorkspace) try(args ...string) (string, error) {
	cmd := exec.Command(w.tf, args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
