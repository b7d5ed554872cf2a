// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// One test per row of credentialPrecedence: each row gives the credentials
// when every row above it gives none, and loses to every row above it.

// precedenceWorld is the environment of the precedence tests: a profile
// file with its own keys, and an emulator whose metadata service would
// give a fourth set.
type precedenceWorld struct {
	emu         *emulator.Emulator
	profilePath string
}

const (
	profileAK = "AKPROFILE00000000001"
	profileSK = "sk-profile"
	envAK     = "AKENVIRONMENT0000001"
	envSK     = "sk-environment"
)

func newPrecedenceWorld(t *testing.T) *precedenceWorld {
	t.Helper()
	clearHWEnv(t)
	// The credentials each row may give, and the two projects IAM knows.
	e, err := emulator.Start(emulator.Config{Token: "block-token", AccessKey: envAK, SecretKey: envSK,
		Projects: []emulator.Project{{Name: "cn-north-4"}, {Name: "cn-east-3"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	t.Setenv(metadataURLEnv, e.MetadataURL())
	path := filepath.Join(t.TempDir(), "config.json")
	body := fmt.Sprintf(`{"current": "default", "profiles": [{"name": "default", "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "region": "cn-east-3", "projectId": "%s"}]}`,
		profileAK, profileSK, pid)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HW_SHARED_CONFIG_FILE", path)
	t.Setenv("TAURUSDB_ENDPOINT", e.URL())
	t.Setenv("HW_AUTH_URL", e.IAMURL()+"/v3")
	return &precedenceWorld{emu: e, profilePath: path}
}

// resolve runs the provider's configuration as Configure does.
func resolve(t *testing.T, m providerModel) (*providerData, settings) {
	t.Helper()
	s, unknown := settingsFrom(m)
	if unknown {
		t.Fatal("unknown values")
	}
	data, cerr := configure(context.Background(), s, clientSetup{})
	if cerr != nil {
		t.Fatalf("%s: %s", cerr.summary, cerr.detail)
	}
	return data, data.regions.s
}

func accessKeyOf(t *testing.T, d *providerData) string {
	t.Helper()
	a, ok := d.regions.auth.(taurusdb.AKSKAuth)
	if !ok {
		t.Fatalf("auth is %T (%s), want AK/SK", d.regions.auth, d.mode)
	}
	return a.AccessKey
}

func TestPrecedence_row1ProviderBlock(t *testing.T) {
	newPrecedenceWorld(t)
	t.Setenv("HW_ACCESS_KEY", envAK)
	t.Setenv("HW_SECRET_KEY", envSK)
	m := nullModel()
	m.AuthToken = stringVal("block-token")
	data, s := resolve(t, m)
	if data.mode != "token" || s.credentialsFrom != fromProviderBlock || s.accessKey != "" {
		t.Fatalf("mode %s from %q (access key %q): the block's token must win over the environment and the profile", data.mode, s.credentialsFrom, s.accessKey)
	}
	// The profile still fills the region nothing above set, but not its
	// project: that belongs to the profile's credentials, maybe another
	// account's, so the project is looked up at IAM with the block's.
	if s.region != "cn-east-3" || s.projectID != "" {
		t.Errorf("region %q project %q: want the profile's region and no project", s.region, s.projectID)
	}
}

func TestPrecedence_row2Environment(t *testing.T) {
	newPrecedenceWorld(t)
	t.Setenv("HW_ACCESS_KEY", envAK)
	t.Setenv("HW_SECRET_KEY", envSK)
	t.Setenv("HW_REGION_NAME", "cn-north-4")
	data, s := resolve(t, nullModel())
	if ak := accessKeyOf(t, data); ak != envAK || s.credentialsFrom != fromEnvironment {
		t.Fatalf("access key %s from %q: the environment's must win over the profile", ak, s.credentialsFrom)
	}
	// The profile's project belongs to its own region (cn-east-3), not
	// to the environment's.
	if s.region != "cn-north-4" || s.projectID != "" {
		t.Errorf("region %q project %q: want the environment's region and no project (looked up at IAM)", s.region, s.projectID)
	}
}

func TestPrecedence_row3Profile(t *testing.T) {
	newPrecedenceWorld(t)
	data, s := resolve(t, nullModel())
	if ak := accessKeyOf(t, data); ak != profileAK || s.credentialsFrom != fromProfile {
		t.Fatalf("access key %s from %q: want the profile's", ak, s.credentialsFrom)
	}
	if s.region != "cn-east-3" || s.projectID != pid {
		t.Errorf("region %q project %q: want the profile's", s.region, s.projectID)
	}
}

func TestPrecedence_row4ECSMetadata(t *testing.T) {
	w := newPrecedenceWorld(t)
	t.Setenv("HW_SHARED_CONFIG_FILE", "")
	t.Setenv("HW_REGION_NAME", "cn-north-4")
	t.Setenv("HW_PROJECT_ID", pid)
	data, s := resolve(t, nullModel())
	if data.mode != "ecs-metadata" || s.credentialsFrom != fromECSMetadata {
		t.Fatalf("mode %s from %q: want the ECS agency's credentials", data.mode, s.credentialsFrom)
	}
	if n := w.emu.TemporaryKeys(); n != 1 {
		t.Errorf("the metadata service issued %d keys, want 1 (fetched once at configure)", n)
	}
	if len(data.secrets.list()) != 3 {
		t.Errorf("%d secrets to mask, want the metadata's access key, secret key and security token", len(data.secrets.list()))
	}
}

// A missing default file is not an error; a missing named one is.
func TestPrecedence_profileFileMissing(t *testing.T) {
	newPrecedenceWorld(t)
	t.Setenv("HW_SHARED_CONFIG_FILE", "")
	t.Setenv("HW_REGION_NAME", "cn-north-4")
	m := nullModel()
	m.AuthToken = stringVal("block-token")
	if _, s := resolve(t, m); s.credentialsFrom != fromProviderBlock {
		t.Fatalf("credentials from %q", s.credentialsFrom)
	}
	s, _ := settingsFrom(m)
	s.sharedConfigFile = filepath.Join(t.TempDir(), "absent.json")
	if _, cerr := configure(context.Background(), s, clientSetup{}); cerr == nil {
		t.Fatal("a named shared config file that does not exist was accepted")
	}
	s.sharedConfigFile, s.profile = "", "ci"
	if _, cerr := configure(context.Background(), s, clientSetup{}); cerr == nil {
		t.Fatal("a named profile without a file was accepted")
	}
}

// A KooCLI profile that names an agency (agencyName, as the huaweicloud
// provider honours) is assumed with the profile's keys, unless the
// configuration has an assume_role of its own.
func TestPrecedence_profileAgencyIsAssumed(t *testing.T) {
	newPrecedenceWorld(t)
	path := filepath.Join(t.TempDir(), "config.json")
	body := fmt.Sprintf(`{"current": "ci", "profiles": [{"name": "ci", "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "region": "cn-north-4", "agencyName": "db-admin", "agencyDomainName": "platform"}]}`, profileAK, profileSK)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HW_SHARED_CONFIG_FILE", path)
	s, _ := settingsFrom(nullModel())
	if _, cerr := applyProfile(&s); cerr != nil {
		t.Fatal(cerr.detail)
	}
	if s.assumeRole == nil || s.assumeRole.agencyName != "db-admin" || s.assumeRole.domainName != "platform" {
		t.Fatalf("assume_role %+v: want the profile's agency db-admin of platform", s.assumeRole)
	}
	t.Setenv("HW_ASSUME_ROLE_AGENCY_NAME", "from-env")
	t.Setenv("HW_ASSUME_ROLE_DOMAIN_NAME", "other")
	s, _ = settingsFrom(nullModel())
	if _, cerr := applyProfile(&s); cerr != nil {
		t.Fatal(cerr.detail)
	}
	if s.assumeRole == nil || s.assumeRole.agencyName != "from-env" {
		t.Fatalf("assume_role %+v: the environment's must win over the profile's", s.assumeRole)
	}
}
