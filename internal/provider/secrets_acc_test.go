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
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Distinctive values, so that a hit in a log cannot be a coincidence.
const (
	secretToken         = "tok-SECRET-5f0c2e7a91b34d68"
	secretAccessKey     = "AKSECRETQ7Z4M2X9W1V6"
	secretSecretKey     = "sk-SECRET-c41f9a0e6b2d7358aa"
	secretSecurityToken = "sts-SECRET-8e2b5d1f7a9c3064"
	secretPassword      = "pw-SECRET-Tr0ub4dor&3-horse"
)

// secretShapes find credentials whose value the test cannot know: the
// token IAM issues for a password (the emulator's are "MII" + 128
// base64url characters), AK/SK signatures, and any value logged next to a
// credential header's name.
var secretShapes = map[string]*regexp.Regexp{
	"IAM-issued token":        regexp.MustCompile(`MII[A-Za-z0-9_-]{100,}`),
	"AK/SK signature":         regexp.MustCompile(`(?i)Signature=[0-9a-f]{16,}`),
	"credential header value": regexp.MustCompile(`(?i)x-(auth|subject|security)-token["']?\s*[:=]\s*["'\[]*[A-Za-z0-9_+/=-]{8,}`),
	"Authorization header":    regexp.MustCompile(`(?i)authorization["']?\s*[:=]\s*["'\[]*SDK-HMAC`),
}

// findSecrets lists every secret in text: the literal values, then the
// shapes.
func findSecrets(text string, literals map[string]string) []string {
	var found []string
	for name, v := range literals {
		if strings.Contains(text, v) {
			found = append(found, name)
		}
	}
	for name, re := range secretShapes {
		if m := re.FindString(text); m != "" {
			found = append(found, fmt.Sprintf("%s (%.24s...)", name, m))
		}
	}
	return found
}

// withIssued adds the temporary keys the emulator handed out (by IAM for an
// agency, or by the metadata service) to the literals to look for.
func withIssued(literals map[string]string, e *emulator.Emulator) map[string]string {
	out := map[string]string{}
	for k, v := range literals {
		out[k] = v
	}
	for i, v := range e.IssuedSecrets() {
		out[fmt.Sprintf("issued temporary credential #%d", i)] = v
	}
	return out
}

// The scanner itself must be able to fail, or the test below proves nothing.
func TestFindSecrets_detectsEveryKind(t *testing.T) {
	lits := map[string]string{"secret_key": secretSecretKey}
	for _, line := range []string{
		"x " + secretSecretKey,
		"token=MII" + strings.Repeat("a_B-9", 30),
		"Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
		`headers={"X-Auth-Token": ["abcdefgh12345678"]}`,
		"X-Subject-Token: gAAAAABk0123456789",
		`"Authorization":["SDK-HMAC-SHA256 ..."]`,
	} {
		if len(findSecrets(line, lits)) == 0 {
			t.Errorf("no secret found in %q", line)
		}
	}
	for _, clean := range []string{
		"IAM token sent as `X-Auth-Token`.",
		"Security token of temporary AK/SK credentials.",
		`TaurusDB API call: auth=aksk+security_token method=GET status=200`,
	} {
		if f := findSecrets(clean, lits); len(f) != 0 {
			t.Errorf("false positive %v in %q", f, clean)
		}
	}
}

// testAccProxyInstanceConfig_auth is one named proxy, with a provider block
// that authenticates with authHCL (the credential arguments) against the
// emulator.
func testAccProxyInstanceConfig_auth(env *accEnv, inst, authHCL string) string {
	return fmt.Sprintf("\nprovider \"taurusdb\" {\n  endpoint   = %q\n  project_id = %q\n%s}\n", env.emu.URL(), env.emu.ProjectID(), authHCL) +
		proxyHCL("p", inst, testFlavor, 2, `  name = "secret-proxy"`)
}

// TestAccProvider_logsCarryNoSecrets runs a create and destroy at TF_LOG=TRACE
// in each authentication mode, capturing both the Terraform CLI's log and the
// in-process provider's (tflog) log, and scans every byte for credentials.
//
// Where the logs go: terraform-plugin-testing hands TF_ACC_LOG_PATH to
// terraform-exec as the CLI's TF_LOG_PATH (the CLI's own TF_LOG_PATH is
// replaced), and its tfsdklog test sink writes the in-process provider's
// tflog output to TF_ACC_LOG_PATH too (TF_LOG_PATH when that is unset), at
// TRACE. The harness also logs each step's configuration at TRACE, which
// holds these test secrets verbatim; that is the test's input rather than
// something the provider logged, so TF_LOG_SDK_HELPER_RESOURCE=OFF mutes it.
func TestAccProvider_logsCarryNoSecrets(t *testing.T) {
	type mode struct {
		name    string
		cfg     emulator.Config
		hcl     func(e *emulator.Emulator) string
		logMode string // the auth field of the client's log lines
		// setup runs once the emulator is up, for modes that read the
		// environment or files.
		setup func(t *testing.T, e *emulator.Emulator)
	}
	modes := []mode{
		{
			name: "token",
			cfg:  emulator.Config{Token: secretToken},
			hcl: func(e *emulator.Emulator) string {
				return fmt.Sprintf("  auth_token = %q\n", secretToken)
			},
			logMode: "token",
		},
		{
			name: "aksk_security_token",
			cfg:  emulator.Config{AccessKey: secretAccessKey, SecretKey: secretSecretKey, SecurityToken: secretSecurityToken},
			hcl: func(e *emulator.Emulator) string {
				return fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  security_token = %q\n", secretAccessKey, secretSecretKey, secretSecurityToken)
			},
			logMode: "aksk+security_token",
		},
		{
			name: "password",
			cfg:  emulator.Config{Users: []emulator.User{{Name: "terraform-bot", Password: secretPassword, Domain: "acme"}}},
			hcl: func(e *emulator.Emulator) string {
				return fmt.Sprintf("  user_name = \"terraform-bot\"\n  password = %q\n  domain_name = \"acme\"\n  auth_url = %q\n", secretPassword, e.URL()+"/v3")
			},
			logMode: "password",
		},
		{
			// No credentials anywhere: the ECS agency's, from the metadata
			// service, living four seconds so that renewed ones are logged
			// (or not) too.
			name: "ecs_metadata",
			cfg:  emulator.Config{MetadataCredentialTTL: 4 * time.Second},
			hcl:  func(*emulator.Emulator) string { return "" },
			setup: func(t *testing.T, e *emulator.Emulator) {
				t.Setenv(metadataURLEnv, e.MetadataURL())
			},
			logMode: "ecs-metadata",
		},
		{
			name: "assume_role",
			cfg: emulator.Config{AccessKey: secretAccessKey, SecretKey: secretSecretKey,
				Agencies: []emulator.Agency{{Name: "secret-agency", DomainName: "acme"}}},
			hcl: func(e *emulator.Emulator) string {
				return fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  auth_url = %q\n  assume_role {\n    agency_name = \"secret-agency\"\n    domain_name = \"acme\"\n  }\n",
					secretAccessKey, secretSecretKey, e.IAMURL()+"/v3")
			},
			logMode: "assume_role",
		},
		{
			name: "shared_config_profile",
			cfg:  emulator.Config{AccessKey: secretAccessKey, SecretKey: secretSecretKey, SecurityToken: secretSecurityToken},
			hcl: func(*emulator.Emulator) string {
				return "  profile = \"ci\"\n"
			},
			setup: func(t *testing.T, e *emulator.Emulator) {
				path := filepath.Join(t.TempDir(), "config.json")
				body := fmt.Sprintf(`{"current": "ci", "profiles": [{"name": "ci", "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "securityToken": %q}]}`,
					secretAccessKey, secretSecretKey, secretSecurityToken)
				if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("HW_SHARED_CONFIG_FILE", path)
			},
			logMode: "aksk+security_token",
		},
	}
	literals := map[string]string{
		"auth_token": secretToken, "access_key": secretAccessKey, "secret_key": secretSecretKey,
		"security_token": secretSecurityToken, "password": secretPassword,
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			accLog := filepath.Join(dir, "tf_acc.log")
			t.Setenv("TF_LOG", "TRACE")
			t.Setenv("TF_LOG_PATH", filepath.Join(dir, "tf_log_path.log"))
			t.Setenv("TF_ACC_LOG_PATH", accLog)
			t.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "OFF")
			clearHWEnv(t)

			env := newAccEnv(t, m.cfg)
			if m.setup != nil {
				m.setup(t, env.emu)
			}
			inst := env.instance(0)
			// t.Setenv above: these subtests cannot run in parallel.
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{{
					Config: testAccProxyInstanceConfig_auth(env, inst, m.hcl(env.emu)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("taurusdb_proxy_instance.p", plancheck.ResourceActionCreate),
					}},
				}},
			})

			var all strings.Builder
			files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if found := findSecrets(string(b), withIssued(literals, env.emu)); len(found) > 0 {
					t.Errorf("%s contains secrets: %s", filepath.Base(f), strings.Join(found, "; "))
				}
				all.Write(b)
			}
			text := all.String()

			// The scan only means something if the logs were captured:
			// the provider's client lines (DEBUG, through tflog) in this
			// auth mode, and the CLI's own lines.
			apiCalls := regexp.MustCompile(`TaurusDB API call:.* auth="?`+regexp.QuoteMeta(m.logMode)+`"?(\s|$)`).FindAllString(text, -1)
			if len(apiCalls) < 5 {
				t.Errorf("the logs hold %d \"TaurusDB API call\" lines with auth=%s, want several: the provider's log was not captured", len(apiCalls), m.logMode)
			}
			// Terraform logs "Terraform version: ", OpenTofu "OpenTofu version: ".
			if !strings.Contains(text, "Terraform version: ") && !strings.Contains(text, "OpenTofu version: ") {
				t.Errorf("the logs hold no CLI version line: the CLI's log was not captured")
			}
			if len(text) < 100_000 {
				t.Errorf("only %d bytes of log: TRACE was not in effect", len(text))
			}
			if m.name == "password" {
				exchanged := false
				for _, r := range env.emu.Requests() {
					if r.Method == http.MethodPost && r.Path == "/v3/auth/tokens" && r.Status == http.StatusCreated {
						exchanged = true
					}
				}
				if !exchanged {
					t.Errorf("no IAM token exchange happened: the password mode was not exercised")
				}
			}
			t.Logf("scanned %d bytes of logs in %d files; %d client API call lines", len(text), len(files), len(apiCalls))
		})
	}
}
