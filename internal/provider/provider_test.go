// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// clearHWEnv empties every variable the provider reads, points the ECS
// metadata row at a loopback port where nothing listens (so that no test
// reaches 169.254.169.254) and HOME at an empty directory (so that a
// developer's ~/.hcloud/config.json plays no part).
func clearHWEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"HW_REGION_NAME", "HW_PROJECT_ID", "HW_PROJECT_NAME", "TAURUSDB_ENDPOINT", "TAURUSDB_VPC_ENDPOINT", "HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY",
		"HW_SECURITY_TOKEN", "HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_AUTH_URL", "HW_MAX_RETRIES", "HW_INSECURE",
		"HW_SHARED_CONFIG_FILE", "HW_PROFILE", "HW_ASSUME_ROLE_AGENCY_NAME", "HW_ASSUME_ROLE_DOMAIN_NAME", "HW_ASSUME_ROLE_DOMAIN_ID", "HW_ASSUME_ROLE_DURATION"} {
		t.Setenv(k, "")
	}
	t.Setenv(metadataURLEnv, deadLoopbackURL(t))
	t.Setenv("HOME", t.TempDir())
}

// deadLoopbackURL is an http URL on 127.0.0.1 where nothing listens.
func deadLoopbackURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	_ = ln.Close()
	return u
}

const pid = "0123456789abcdef0123456789abcdef"

func TestConfigure_checksSettings(t *testing.T) {
	clearHWEnv(t)
	base := settings{projectID: pid, region: "cn-north-4", maxRetries: taurusdb.DefaultMaxRetries}
	deadIAM := deadLoopbackURL(t) + "/v3"
	cases := []struct {
		name    string
		mod     func(*settings)
		wantErr string // substring of summary+detail; "" = valid
		mode    string
	}{
		{"token", func(s *settings) { s.token = "t" }, "", "token"},
		{"aksk", func(s *settings) { s.accessKey, s.secretKey = "a", "s" }, "", "aksk"},
		{"aksk with domain_name, as huaweicloud users export it", func(s *settings) { s.accessKey, s.secretKey, s.domainName = "a", "s", "acme" }, "", "aksk"},
		{"aksk with security token", func(s *settings) { s.accessKey, s.secretKey, s.securityToken = "a", "s", "x" }, "", "aksk+security_token"},
		{"password", func(s *settings) { s.userName, s.password, s.domainName = "u", "p", "d" }, "", "password"},
		{"none, and no ECS metadata", func(*settings) {}, "No TaurusDB credentials", ""},
		{"mixed token and aksk", func(s *settings) { s.token, s.accessKey, s.secretKey = "t", "a", "s" }, "auth_token, access_key, secret_key", ""},
		{"mixed aksk and password", func(s *settings) { s.accessKey, s.userName = "a", "u" }, "Conflicting", ""},
		{"ak without sk", func(s *settings) { s.accessKey = "a" }, "secret_key", ""},
		{"password without domain", func(s *settings) { s.userName, s.password = "u", "p" }, "domain_name (HW_DOMAIN_NAME)", ""},
		{"region without project: looked up now", func(s *settings) { s.token, s.projectID, s.authURL = "t", "", deadIAM }, `No project for region "cn-north-4"`, ""},
		{"no project and no region", func(s *settings) { s.token, s.projectID, s.region, s.endpoint = "t", "", "", "http://127.0.0.1:1" }, "HW_PROJECT_ID", ""},
		{"unknown region", func(s *settings) { s.token, s.region = "t", "mars-1" }, "mars-1", ""},
		{"no region no endpoint", func(s *settings) { s.token, s.region = "t", "" }, "endpoint", ""},
		{"plain http remote", func(s *settings) { s.token, s.endpoint = "t", "http://10.1.2.3:80" }, "insecure", ""},
		{"plain http remote insecure", func(s *settings) { s.token, s.endpoint, s.insecure = "t", "http://10.1.2.3:80", true }, "", "token"},
		{"plain http loopback", func(s *settings) { s.token, s.endpoint = "t", "http://127.0.0.1:18080" }, "", "token"},
		{"endpoint per region", func(s *settings) { s.token, s.endpoint = "t", "https://gaussdb.{region}.example.com" }, "", "token"},
		{"vpc endpoint plain http remote", func(s *settings) { s.token, s.vpcEndpoint = "t", "http://10.1.2.3" }, "vpc_endpoint", ""},
		{"assume_role without agency", func(s *settings) { s.token, s.assumeRole = "t", &assumeRoleSettings{domainName: "d"} }, "agency_name", ""},
		{"assume_role without domain", func(s *settings) { s.token, s.assumeRole = "t", &assumeRoleSettings{agencyName: "a"} }, "domain_id", ""},
		{"assume_role duration out of range", func(s *settings) {
			s.token, s.assumeRole = "t", &assumeRoleSettings{agencyName: "a", domainName: "d", durationSeconds: 60}
		}, "900 to 86400", ""},
		{"profile named, no file", func(s *settings) { s.token, s.profile = "t", "ci" }, "Unreadable shared config file", ""},
		{"file named, missing", func(s *settings) { s.token, s.sharedConfigFile = "t", "/nonexistent/config.json" }, "/nonexistent/config.json", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.mod(&s)
			data, cerr := configure(context.Background(), s, clientSetup{})
			if tc.wantErr == "" {
				if cerr != nil {
					t.Fatalf("unexpected error: %s: %s", cerr.summary, cerr.detail)
				}
				if data.mode != tc.mode {
					t.Errorf("mode = %s, want %s", data.mode, tc.mode)
				}
				return
			}
			if cerr == nil {
				t.Fatalf("accepted, want error containing %q", tc.wantErr)
			}
			if msg := cerr.summary + ": " + cerr.detail; !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q lacks %q", msg, tc.wantErr)
			}
		})
	}
}

// The docs' provider page shows the precedence table the code follows.
func TestPrecedenceTable_isTheDocs(t *testing.T) {
	for _, f := range []string{"../../templates/index.md.tmpl", "../../docs/index.md"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), precedenceTable()) {
			t.Errorf("%s does not contain the precedence table of credentialPrecedence; paste this between its markers:\n%s", f, precedenceTable())
		}
	}
}

func TestSettingsFrom_hclCredentialsOverrideEnvironment(t *testing.T) {
	clearHWEnv(t)
	t.Setenv("HW_ACCESS_KEY", "env-ak")
	t.Setenv("HW_SECRET_KEY", "env-sk")
	t.Setenv("HW_PROJECT_ID", pid)
	var m providerModel
	m = nullModel()
	m.AuthToken = stringVal("hcl-token")
	s, unknown := settingsFrom(m)
	if unknown || s.token != "hcl-token" || s.accessKey != "" || s.secretKey != "" || s.projectID != pid {
		t.Fatalf("settings = %+v", s)
	}
	m = nullModel()
	s, _ = settingsFrom(m)
	if s.accessKey != "env-ak" || s.secretKey != "env-sk" || s.maxRetries != taurusdb.DefaultMaxRetries {
		t.Fatalf("env fallback: %+v", s)
	}
}

// Plan-time validation through the real CLI: bad input is a readable error
// before anything is created.
func TestAccProxyInstance_planTimeValidation(t *testing.T) {
	// Its own emulator and no environment: parallel. resource.UnitTest
	// (not ParallelTest) keeps it running without TF_ACC, and it runs
	// several test cases, so t.Parallel is called here, once.
	t.Parallel()
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	cases := []struct{ hcl, want string }{
		{proxyHCL("p", inst, "f", 1, ""), `node_num.*between 2 and 32`},
		{proxyHCL("p", inst, "f", 33, ""), `between 2 and 32`},
		{proxyHCL("p", "0123456789abcdef0123456789abcdefno07", "f", 2, ""), `(?s)instance_id.*\"no07\" is a node`},
		{proxyHCL("p", inst, "f", 2, `name = "1bad"`), `(?s)name.*start with a letter`},
		{proxyHCL("p", inst, "f", 2, `name = "abc"`), `(?s)4 to 64`},
		{proxyHCL("p", inst, "f", 2, `proxy_mode = "rw"`), `(?s)proxy_mode.*readwrite`},
		{proxyHCL("p", inst, "f", 2, `nodes_read_weight = [{ id = "x", weight = 1001 }]`), `(?s)weight.*between 0 and 1000`},
		{proxyHCL("p", inst, "f", 2, `nodes_read_weight = [{ id = "x", weight = 1 }, { id = "y", weight = 2 }, { id = "x", weight = 3 }]`),
			`(?s)Duplicate node in nodes_read_weight.*"x" is listed at positions 0 and 2`},
		{proxyHCL("p", inst, "f", 2, "route_mode = 1\n nodes_read_weight = [{ id = \"x\", weight = 300 }]"),
			`(?s)route_mode 1 balances reads by load.*not 300`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: env.factories(),
			Steps:                    []resource.TestStep{{Config: env.providerHCL() + tc.hcl, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
		})
	}
	if n := len(env.emu.Requests()); n != 0 {
		t.Errorf("validation errors must come before any API call; the emulator saw %d", n)
	}
}

// testAccProviderConfig_conflictingCredentials sets both a token and an
// access key.
func testAccProviderConfig_conflictingCredentials(env *accEnv) string {
	return fmt.Sprintf(`
provider "taurusdb" {
  endpoint   = %q
  project_id = %q
  auth_token = "t"
  access_key = "a"
}
`, env.emu.URL(), env.emu.ProjectID()) + proxyHCL("p", env.instance(0), "f", 2, "")
}

// clearHWEnv (t.Setenv) keeps this test sequential.
func TestAccProvider_conflictingCredentialsFailAtPlan(t *testing.T) {
	clearHWEnv(t)
	env := newAccEnv(t, emulator.Config{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{Config: testAccProviderConfig_conflictingCredentials(env), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Conflicting TaurusDB credentials.*auth_token,\s+access_key.*Set exactly one of`)}},
	})
}

// A variable the provider cannot read is an error, not a silent default
// (HW_INSECURE=yes meant "verify TLS" before, HW_MAX_RETRIES=-1 the default).
func TestSettingsFrom_unreadableEnvironmentIsAnError(t *testing.T) {
	for _, kv := range [][2]string{{"HW_MAX_RETRIES", "-1"}, {"HW_MAX_RETRIES", "99"}, {"HW_MAX_RETRIES", "three"}, {"HW_INSECURE", "yes"}} {
		t.Run(kv[0]+"="+kv[1], func(t *testing.T) {
			clearHWEnv(t)
			t.Setenv(kv[0], kv[1])
			m := nullModel()
			m.Region, m.ProjectID, m.AuthToken = stringVal("cn-north-4"), stringVal(pid), stringVal("t")
			s, _ := settingsFrom(m)
			_, cerr := configure(context.Background(), s, clientSetup{})
			if cerr == nil || !strings.Contains(cerr.detail, kv[0]) {
				t.Fatalf("%s=%q: got %v, want an error naming the variable", kv[0], kv[1], cerr)
			}
		})
	}
	clearHWEnv(t)
	t.Setenv("HW_MAX_RETRIES", "7")
	t.Setenv("HW_INSECURE", "true")
	s, _ := settingsFrom(nullModel())
	if s.maxRetries != 7 || !s.insecure || len(s.badEnv) != 0 {
		t.Fatalf("valid values: %d %v %v", s.maxRetries, s.insecure, s.badEnv)
	}
}
