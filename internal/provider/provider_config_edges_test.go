// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// Edges of the provider configuration found by review (issue 20).

// HW_ASSUME_ROLE_DURATION that is not a number of seconds ("1h", "3600s")
// is dropped without a word, and the agency's credentials then live IAM's
// default 15 minutes instead of what the user asked for. Every other
// invalid duration is an error (checkCredentials), so garbage must be one
// too.
func TestProviderConfig_assumeRoleDurationGarbageIsAnError(t *testing.T) {
	for _, v := range []string{"1h", "3600s", "one hour", "3600.0"} {
		t.Run(v, func(t *testing.T) {
			clearHWEnv(t)
			t.Setenv("HW_ASSUME_ROLE_AGENCY_NAME", "ci-agency")
			t.Setenv("HW_ASSUME_ROLE_DOMAIN_NAME", "platform")
			t.Setenv("HW_ASSUME_ROLE_DURATION", v)
			m := nullModel()
			m.AccessKey, m.SecretKey = stringVal("AK0000000000000001"), stringVal("sk")
			s, unknown := settingsFrom(m)
			if unknown {
				t.Fatal("unknown values")
			}
			if s.assumeRole == nil {
				t.Fatal("assume_role not requested by the HW_ASSUME_ROLE_* variables")
			}
			if cerr := checkCredentials(s); cerr == nil {
				t.Errorf("HW_ASSUME_ROLE_DURATION=%q was accepted and silently ignored (duration %d s, so IAM's 15-minute default applies)", v, s.assumeRole.durationSeconds)
			}
		})
	}
}

// A default ~/.hcloud/config.json that cannot be parsed stops a provider
// that does not use profiles at all (explicit token, region and project):
// the issue makes only a file or profile *named explicitly* an error, and
// the message blames a profile that is not set (`profile "" is set`).
func TestProviderConfig_brokenDefaultSharedConfigDoesNotBreakExplicitCredentials(t *testing.T) {
	clearHWEnv(t)
	home := os.Getenv("HOME")
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	// KooCLI writes other shapes over time; any non-JSON leftover will do.
	if err := os.WriteFile(filepath.Join(home, ".hcloud", "config.json"), []byte("{ this is not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := nullModel()
	m.Region, m.ProjectID, m.AuthToken = stringVal("cn-north-4"), stringVal(pid), stringVal("explicit-token")
	s, _ := settingsFrom(m)
	if _, cerr := configure(context.Background(), s, clientSetup{}); cerr != nil {
		t.Fatalf("a provider with explicit credentials, region and project_id fails because of an unused default KooCLI file: %s: %s", cerr.summary, cerr.detail)
	}
}

// The profile's project_id belongs to the profile's account. Combined with
// credentials from another source (the environment's, possibly another
// account's), it sends every call to a project those credentials may not
// own, and skips the IAM look-up that would have found the right one. With
// an explicitly named profile it is worse: the user asked for that profile,
// gets the environment's keys, and the profile's project.
func TestProviderConfig_profileProjectIDNotMixedWithOtherCredentials(t *testing.T) {
	cases := []struct {
		name string
		mod  func(t *testing.T, m *providerModel)
	}{
		{"default file, environment keys, same region", func(t *testing.T, _ *providerModel) {
			t.Setenv("HW_REGION_NAME", "cn-east-3")
		}},
		{"profile named in the block, environment keys", func(_ *testing.T, m *providerModel) {
			m.Profile = stringVal("default")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			newPrecedenceWorld(t)
			t.Setenv("HW_ACCESS_KEY", envAK)
			t.Setenv("HW_SECRET_KEY", envSK)
			m := nullModel()
			c.mod(t, &m)
			data, s := resolve(t, m)
			ak := accessKeyOf(t, data)
			if s.credentialsFrom != fromProfile && s.projectID == pid {
				t.Errorf("credentials from the %s (access key %s) combined with the profile's project_id %s: two sources mixed", s.credentialsFrom, ak, s.projectID)
			}
		})
	}
}

// A taurusdb_proxy_restart in a state written before regions were per
// resource has no region. Its Read makes no call and leaves it null, while
// planRegion fills the plan with the provider's region: every such resource
// shows an in-place update after the provider upgrade (proxy_instance and
// proxy_upgrade record the region in Read; this one does not).
func TestProviderConfig_restartResourceFromOlderStatePlansNoChange(t *testing.T) {
	ctx := context.Background()
	r := &proxyRestartResource{}
	r.data = &providerData{defaultRegion: "cn-north-4"}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["id"] = tftypes.NewValue(tftypes.String, "job-0001")
	vals["instance_id"] = tftypes.NewValue(tftypes.String, "0123456789abcdef0123456789abcdefin07")
	vals["proxy_id"] = tftypes.NewValue(tftypes.String, "0123456789abcdef0123456789abcdefpo01")
	old := tftypes.NewValue(typ, vals)

	state := tfsdk.State{Schema: sr.Schema, Raw: old}
	var rr resource.ReadResponse
	rr.State = state
	r.Read(ctx, resource.ReadRequest{State: state}, &rr)
	if rr.Diagnostics.HasError() {
		t.Fatalf("read: %v", rr.Diagnostics)
	}

	cfgVals := map[string]tftypes.Value{}
	for k, v := range vals {
		cfgVals[k] = v
	}
	cfgVals["id"] = tftypes.NewValue(tftypes.String, nil) // computed: null in configuration
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, cfgVals)},
		State:  rr.State,
		Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: rr.State.Raw},
	}
	mp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &mp)
	if mp.Diagnostics.HasError() {
		t.Fatalf("plan: %v", mp.Diagnostics)
	}
	if !mp.Plan.Raw.Equal(rr.State.Raw) {
		diffs, _ := rr.State.Raw.Diff(mp.Plan.Raw)
		t.Errorf("an unchanged configuration plans an update after refresh: %v", diffs)
	}
}

// The clients' map is locked across IAM's project look-up: while one
// region's look-up waits for IAM, every operation in every other region,
// even one whose client exists already, waits too (up to the IAM call's
// timeouts and retries).
func TestProviderConfig_projectLookupDoesNotBlockOtherRegions(t *testing.T) {
	clearHWEnv(t)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case entered <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte(`{"projects":[{"id":"fedcba9876543210fedcba9876543210","name":"cn-east-3"}]}`))
	}))
	defer iam.Close()
	defer close(release)
	api := httptest.NewServer(http.NotFoundHandler())
	defer api.Close()
	s := settings{region: "cn-north-4", projectID: pid, endpoint: api.URL, authURL: iam.URL + "/v3",
		token: "t", maxRetries: taurusdb.DefaultMaxRetries}
	data, cerr := configure(context.Background(), s, clientSetup{})
	if cerr != nil {
		t.Fatalf("%s: %s", cerr.summary, cerr.detail)
	}
	ctx := context.Background()
	if _, err := data.regions.client(ctx, "cn-north-4"); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = data.regions.client(ctx, "cn-east-3") }()
	<-entered
	done := make(chan error, 1)
	go func() {
		_, err := data.regions.client(ctx, "cn-north-4")
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the client of cn-north-4, built already, is held up by cn-east-3's project look-up at IAM")
	}
}
