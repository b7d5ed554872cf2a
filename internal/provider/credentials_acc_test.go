// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Every way of giving the provider credentials and a region, each driven
// through the real CLI against the emulator, with the provider blocks of
// the docs (examples/provider/*.tf) as they are: the emulator's hosts come
// from the environment, as a user's would be the real ones by default.
// These tests set environment variables, so none runs in parallel.

const (
	credAK = "AKCREDTESTQ7Z4M2X9W1"
	credSK = "sk-cred-test-c41f9a0e6b2d7358aa"
)

// pointAt clears the provider's variables and points every host the
// provider derives from a region at the emulator's listeners.
func (a *accEnv) pointAt(t *testing.T) {
	t.Helper()
	clearHWEnv(t)
	t.Setenv("TAURUSDB_ENDPOINT", a.emu.URL())
	t.Setenv("HW_AUTH_URL", a.emu.IAMURL()+"/v3")
	t.Setenv("TAURUSDB_VPC_ENDPOINT", a.emu.VPCURL())
}

// newKeyEnv is an emulator that takes credAK/credSK, with these projects
// (none: the default one) and, when agencies are given, those agencies; the
// provider's hosts point at it and the keys are in HW_ACCESS_KEY and
// HW_SECRET_KEY.
func newKeyEnv(t *testing.T, projects []emulator.Project, agencies ...emulator.Agency) *accEnv {
	t.Helper()
	env := newAccEnv(t, emulator.Config{AccessKey: credAK, SecretKey: credSK, Projects: projects, Agencies: agencies})
	env.pointAt(t)
	t.Setenv("HW_ACCESS_KEY", credAK)
	t.Setenv("HW_SECRET_KEY", credSK)
	return env
}

// The two regions of the multi-region tests, each with one instance.
const (
	northInst = "6b1d3f5a7c9e4b2d0f8a6c4e2b0d9f7ain07"
	eastInst  = "7c2e4a6b8d0f4c3e1a9b7d5f3c1e0a8bin07"
)

func twoRegions() []emulator.Project {
	return []emulator.Project{
		{Name: "cn-north-4", ID: "1b3d5f7a9c2e4a6b8d0f1a3c5e7b9d2f", Instances: []string{northInst}},
		{Name: "cn-east-3", ID: "3e5a7c9b1d2f4a6c8e0b2d4f6a8c0e1b", Instances: []string{eastInst}},
	}
}

// example is a provider block from examples/provider.
func example(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "provider", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkProxyIn finds the proxy of resource addr among the emulator's
// proxies of instance inst.
func (a *accEnv) checkProxyIn(addr, inst string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		if rs.Primary.Attributes["instance_id"] != inst {
			return fmt.Errorf("%s is on instance %s, want %s", addr, rs.Primary.Attributes["instance_id"], inst)
		}
		if _, ok := a.emu.Proxy(inst, rs.Primary.ID); !ok {
			return fmt.Errorf("proxy %s of %s is not on instance %s in the emulator", rs.Primary.ID, addr, inst)
		}
		return nil
	}
}

// requestsTo lists the requests one listener of the emulator received.
func (a *accEnv) requestsTo(listener string) []emulator.Request {
	var out []emulator.Request
	for _, r := range a.emu.Requests() {
		if r.Listener == listener {
			out = append(out, r)
		}
	}
	return out
}

// checkCredentialsStayHome fails when a credential reached a host that
// should not get one: the metadata service gets none, IAM only IAM calls,
// VPC only its public IP look-ups.
func (a *accEnv) checkCredentialsStayHome() error {
	for _, r := range a.emu.Requests() {
		creds := len(r.CredentialHeaders) > 0
		switch r.Listener {
		case emulator.ListenerMetadata:
			if creds {
				return fmt.Errorf("the ECS metadata service received credential headers %v with %s %s", r.CredentialHeaders, r.Method, r.Path)
			}
		case emulator.ListenerIAM:
			if !strings.HasPrefix(r.Path, "/v3/") && !strings.HasPrefix(r.Path, "/v3.0/") {
				return fmt.Errorf("IAM received a non-IAM call %s %s", r.Method, r.Path)
			}
		case emulator.ListenerVPC:
			if !strings.Contains(r.Path, "/publicips") {
				return fmt.Errorf("VPC received a non-VPC call %s %s", r.Method, r.Path)
			}
		}
	}
	return nil
}

// countProjectLookups counts GET /v3/projects at IAM.
func (a *accEnv) countProjectLookups(name string) int {
	n := 0
	for _, r := range a.requestsTo(emulator.ListenerIAM) {
		if r.Method == http.MethodGet && r.Path == "/v3/projects" && strings.Contains(r.RawQuery, "name="+name) {
			n++
		}
	}
	return n
}

func checkNoFailedAPICalls(a *accEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range a.requestsTo(emulator.ListenerMain) {
			if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
				return fmt.Errorf("%s %s answered %d: the credentials were refused", r.Method, r.Path, r.Status)
			}
		}
		return a.checkCredentialsStayHome()
	}
}

// The configuration users of the huaweicloud provider have: region,
// access_key and secret_key, nothing else. The project comes from IAM.
func TestAccProvider_regionAndAccessKeyOnly(t *testing.T) {
	const region, project = "ap-southeast-1", "7d2a0c4e6f8b4a1c9e3d5f7a9b1c3e5d"
	env := newAccEnv(t, emulator.Config{AccessKey: credAK, SecretKey: credSK,
		Projects: []emulator.Project{{Name: region, ID: project}}})
	env.pointAt(t)
	inst := env.instance(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: example(t, "provider-region-only.tf") + proxyHCL("p", inst, testFlavor, 2, `  name = "region-only"`),
			ConfigVariables: config.Variables{
				"access_key": config.StringVariable(credAK),
				"secret_key": config.StringVariable(credSK),
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("region"), knownvalue.StringExact(region)),
			},
			Check: resource.ComposeTestCheckFunc(
				env.checkProxyIn("taurusdb_proxy_instance.p", inst),
				checkNoFailedAPICalls(env),
				func(*terraform.State) error {
					if env.countProjectLookups(region) == 0 {
						return fmt.Errorf("the project of %s was not looked up at IAM", region)
					}
					return nil
				},
			),
		}},
	})
}

// project_name picks a sub-project of the region.
func TestAccProvider_projectName(t *testing.T) {
	const sub = "cn-north-4_databases"
	subInst := "5a0c2e4f6b8d4a1c3e5f7a9b1c3d5e7fin07"
	env := newKeyEnv(t, []emulator.Project{
		{Name: "cn-north-4", ID: "1b3d5f7a9c2e4a6b8d0f1a3c5e7b9d2f"},
		{Name: sub, ID: "2c4e6a8b0d1f4a3c5e7b9d1f3a5c7e9b", Instances: []string{subInst}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: example(t, "provider-project-name.tf") + proxyHCL("p", subInst, testFlavor, 2, `  name = "sub-project"`),
			Check: resource.ComposeTestCheckFunc(
				env.checkProxyIn("taurusdb_proxy_instance.p", subInst),
				checkNoFailedAPICalls(env),
			),
		}},
	})
}

// On an ECS server with an agency and nothing else configured, the
// credentials come from the metadata service and are renewed: they live
// four seconds here, so a create, refreshes and a destroy outlive several.
func TestAccProvider_ecsAgencyCredentials(t *testing.T) {
	env := newAccEnv(t, emulator.Config{MetadataCredentialTTL: 4e9})
	env.pointAt(t)
	t.Setenv(metadataURLEnv, env.emu.MetadataURL())
	inst := env.instance(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkDestroyed(s); err != nil {
				return err
			}
			if n := len(env.requestsTo(emulator.ListenerMetadata)); n < 2 {
				return fmt.Errorf("the metadata service was asked %d times; four-second credentials must have been renewed", n)
			}
			return checkNoFailedAPICalls(env)(s)
		},
		Steps: []resource.TestStep{{
			Config: example(t, "provider-ecs-agency.tf") + proxyHCL("p", inst, testFlavor, 2, `  name = "ecs-agency"`),
			Check: resource.ComposeTestCheckFunc(
				env.checkProxyIn("taurusdb_proxy_instance.p", inst),
				checkNoFailedAPICalls(env),
			),
		}},
	})
}

// assume_role exchanges the environment's access key for an agency's
// temporary credentials; the API sees only those.
func TestAccProvider_assumeRole(t *testing.T) {
	env := newKeyEnv(t, nil, emulator.Agency{DomainName: "platform-team-account", Name: "terraform-databases"})
	inst := env.instance(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: example(t, "provider-assume-role.tf") + proxyHCL("p", inst, testFlavor, 2, `  name = "assumed"`),
			Check: resource.ComposeTestCheckFunc(
				env.checkProxyIn("taurusdb_proxy_instance.p", inst),
				checkNoFailedAPICalls(env),
				func(*terraform.State) error {
					for _, r := range env.requestsTo(emulator.ListenerMain) {
						if !containsFold(r.CredentialHeaders, "X-Security-Token") {
							return fmt.Errorf("%s %s was sent without the agency's security token (headers %v)", r.Method, r.Path, r.CredentialHeaders)
						}
					}
					return nil
				},
			),
		}},
	})
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// writeKooCLIConfig writes a KooCLI config.json with one AK/SK profile.
func writeKooCLIConfig(t *testing.T, profile, ak, sk, region, projectID string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	body := fmt.Sprintf(`{
  "language": "en",
  "current": "default",
  "profiles": [
    {"name": "default", "mode": "AKSK", "accessKeyId": "AKNOTTHISONE0000", "secretAccessKey": "not-this-one", "region": "eu-de"},
    {"name": %q, "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "region": %q, "projectId": %q}
  ]
}`, profile, ak, sk, region, projectID)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A KooCLI profile gives the credentials, the region and the project: the
// provider block names only the file and the profile.
func TestAccProvider_sharedConfigProfile(t *testing.T) {
	env := newAccEnv(t, emulator.Config{AccessKey: credAK, SecretKey: credSK})
	env.pointAt(t)
	path := writeKooCLIConfig(t, "ci", credAK, credSK, emulator.DefaultProjectName, env.emu.ProjectID())
	hcl := strings.Replace(example(t, "provider-profile.tf"), "~/.hcloud/config.json", filepath.ToSlash(path), 1)
	inst := env.instance(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: hcl + proxyHCL("p", inst, testFlavor, 2, `  name = "from-profile"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("taurusdb_proxy_instance.p", tfjsonpath.New("region"), knownvalue.StringExact(emulator.DefaultProjectName)),
			},
			Check: resource.ComposeTestCheckFunc(
				env.checkProxyIn("taurusdb_proxy_instance.p", inst),
				checkNoFailedAPICalls(env),
				func(*terraform.State) error {
					if n := env.countProjectLookups(""); n != 0 {
						return fmt.Errorf("%d project look-ups at IAM; the profile's projectId should have been used", n)
					}
					return nil
				},
			),
		}},
	})
}

// One provider block, two regions, each resource in its own project; a
// proxy of the other region imports with the region in its ID.
func TestAccProvider_resourcesInTwoRegions(t *testing.T) {
	env := newKeyEnv(t, twoRegions())
	vars := config.Variables{"beijing_instance_id": config.StringVariable(northInst), "shanghai_instance_id": config.StringVariable(eastInst)}
	hcl := example(t, "provider-multi-region.tf") + `
data "taurusdb_proxy_instances" "shanghai" {
  region      = "cn-east-3"
  instance_id = var.shanghai_instance_id
  depends_on  = [taurusdb_proxy_instance.shanghai]
}
`
	// The provider's default moves to cn-east-3: the Beijing proxy, whose
	// configuration names no region, stays where state says it is.
	movedDefault := strings.Replace(hcl, `region = "cn-north-4"`, `region = "cn-east-3"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:          hcl,
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.beijing", tfjsonpath.New("region"), knownvalue.StringExact("cn-north-4")),
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.shanghai", tfjsonpath.New("region"), knownvalue.StringExact("cn-east-3")),
				},
				Check: resource.ComposeTestCheckFunc(
					env.checkProxyIn("taurusdb_proxy_instance.beijing", northInst),
					env.checkProxyIn("taurusdb_proxy_instance.shanghai", eastInst),
					resource.TestCheckResourceAttr("data.taurusdb_proxy_instances.shanghai", "region", "cn-east-3"),
					resource.TestCheckResourceAttr("data.taurusdb_proxy_instances.shanghai", "proxies.#", "1"),
					checkNoFailedAPICalls(env),
				),
			},
			{
				Config:          movedDefault,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.beijing", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("taurusdb_proxy_instance.shanghai", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("taurusdb_proxy_instance.beijing", tfjsonpath.New("region"), knownvalue.StringExact("cn-north-4")),
				},
			},
			{
				ResourceName:      "taurusdb_proxy_instance.shanghai",
				Config:            hcl,
				ConfigVariables:   vars,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					rs := s.RootModule().Resources["taurusdb_proxy_instance.shanghai"]
					return "cn-east-3/" + eastInst + "/" + rs.Primary.ID, nil
				},
				ImportStateVerifyIgnore: []string{"timeouts", "access_control"},
			},
		},
	})
}

// The project is looked up at IAM in every authentication mode: with a
// token, and with a password (a token for the account first, then one for
// the project it found).
func TestAccProvider_projectLookedUpInEveryAuthMode(t *testing.T) {
	const password = "pw-lookup-0123456789"
	modes := []struct {
		name string
		cfg  emulator.Config
		hcl  string
	}{
		{"token", emulator.Config{Token: "lookup-token-0123456789"}, `  auth_token = "lookup-token-0123456789"` + "\n"},
		{"password", emulator.Config{Users: []emulator.User{{Name: "bot", Password: password, Domain: "acme"}}},
			"  user_name = \"bot\"\n  password = \"" + password + "\"\n  domain_name = \"acme\"\n"},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			env := newAccEnv(t, m.cfg)
			env.pointAt(t)
			inst := env.instance(0)
			hcl := "provider \"taurusdb\" {\n  region = \"" + emulator.DefaultProjectName + "\"\n" + m.hcl + "}\n"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{{
					Config: hcl + proxyHCL("p", inst, testFlavor, 2, `  name = "lookup-`+m.name+`"`),
					Check: resource.ComposeTestCheckFunc(
						env.checkProxyIn("taurusdb_proxy_instance.p", inst),
						checkNoFailedAPICalls(env),
						func(*terraform.State) error {
							if env.countProjectLookups(emulator.DefaultProjectName) == 0 {
								return fmt.Errorf("no project look-up at IAM")
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// A region IAM has no project for is a configuration error that names it.
func TestAccProvider_unknownRegionProjectIsAClearError(t *testing.T) {
	env := newKeyEnv(t, nil)
	inst := env.instance(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      "provider \"taurusdb\" {\n  region = \"la-north-2\"\n}\n" + proxyHCL("p", inst, testFlavor, 2, ""),
			ExpectError: regexp.MustCompile(`(?s)region "la-north-2".*project_id`),
		}},
	})
}
