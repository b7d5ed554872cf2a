// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package hcloudconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	ak     = "HPUAEXAMPLEACCESSKEY"
	sk     = "secret-key-never-shown-0123456789"
	ssoAK  = "SSOEXAMPLEACCESSKEY1"
	ssoSK  = "sso-secret-never-shown-987654321"
	ssoSTS = "sso-token-never-shown-abcdef"
)

// A file as KooCLI writes it with --cli-auth-encrypt=false; fields the
// provider does not read are kept to show they are ignored.
const sample = `{
  "language": "en",
  "current": "default",
  "profiles": [
    {
      "name": "default", "mode": "AKSK",
      "accessKeyId": "` + ak + `", "secretAccessKey": "` + sk + `", "securityToken": "",
      "region": "cn-north-4", "projectId": "0123456789abcdef0123456789abcdef", "domainId": "dom-1",
      "skipSecureVerify": false, "readTimeout": 10, "connectTimeout": 5, "retryCount": 0,
      "agencyDomainId": "", "agencyDomainName": "acme", "agencyName": "ops",
      "ssoAuth": {}
    },
    {
      "name": "sso", "mode": "SSO", "region": "ap-southeast-1",
      "accessKeyId": "", "secretAccessKey": "",
      "ssoAuth": {"stsToken": {"accessKeyId": "` + ssoAK + `", "secretAccessKey": "` + ssoSK + `", "securityToken": "` + ssoSTS + `"}}
    },
    {"name": "broken-sso", "mode": "SSO", "ssoAuth": {}}
  ]
}`

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad_currentAndNamedProfiles(t *testing.T) {
	f, err := Load(write(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Profile("")
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Name: "default", Mode: "AKSK", AccessKey: ak, SecretKey: sk, Region: "cn-north-4",
		ProjectID: "0123456789abcdef0123456789abcdef", DomainID: "dom-1", AgencyName: "ops", AgencyDomainName: "acme"}
	if p != want {
		t.Fatalf("current profile = %+v", p)
	}
	s, err := f.Profile("sso")
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != ModeSSO || s.AccessKey != ssoAK || s.SecretKey != ssoSK || s.SecurityToken != ssoSTS || s.Region != "ap-southeast-1" {
		t.Fatalf("SSO profile = %+v", s)
	}
	if got := strings.Join(f.Names(), ","); got != "broken-sso,default,sso" {
		t.Errorf("Names = %s", got)
	}
	for _, out := range []string{fmt.Sprintf("%v %+v %s %#v", p, p, p, p), fmt.Sprintf("%v %#v", s, s)} {
		for _, secret := range []string{sk, ssoSK, ssoSTS} {
			if strings.Contains(out, secret) {
				t.Errorf("formatting a profile shows a secret: %s", out)
			}
		}
	}
}

func TestProfile_errorsListNamesNeverValues(t *testing.T) {
	f, err := Load(write(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	_, unknown := f.Profile("prod")
	if unknown == nil || !strings.Contains(unknown.Error(), `"prod"`) || !strings.Contains(unknown.Error(), `"default", "sso"`) {
		t.Fatalf("err = %v", unknown)
	}
	_, noKeys := f.Profile("broken-sso")
	if noKeys == nil || !strings.Contains(noKeys.Error(), "ssoAuth.stsToken") {
		t.Fatalf("SSO without keys: %v", noKeys)
	}
	for _, e := range []error{unknown, noKeys} {
		for _, secret := range []string{ak, sk, ssoAK, ssoSK, ssoSTS} {
			if strings.Contains(e.Error(), secret) {
				t.Errorf("%q shows a secret", e)
			}
		}
	}

	f, err = Load(write(t, `{"profiles":[{"name":"a","accessKeyId":"`+ak+`"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Profile(""); err == nil || !strings.Contains(err.Error(), "no current profile") || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("no current: %v", err)
	}
	f, _ = Load(write(t, `{"current":"gone","profiles":[]}`))
	if _, err := f.Profile(""); err == nil || !strings.Contains(err.Error(), `"gone"`) || !strings.Contains(err.Error(), "(none)") {
		t.Fatalf("current names a missing profile: %v", err)
	}
}

func TestLoad_missingAndBrokenFiles(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	for _, content := range []string{
		`{"current":"default","profiles":[{"name":"default","secretAccessKey":"` + sk + `"`,
		`{"current":"default","profiles":[{"name":"default","secretAccessKey":"` + sk + `","region":42}]}`,
		`{"profiles":"` + sk + `"}`,
	} {
		_, err := Load(write(t, content))
		if err == nil {
			t.Fatalf("%s loaded", content)
		}
		if strings.Contains(err.Error(), sk) {
			t.Errorf("%q shows the secret", err)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	p, err := DefaultPath()
	if err != nil || p != filepath.Join(home, ".hcloud", "config.json") {
		t.Fatalf("DefaultPath = %q, %v", p, err)
	}
}
