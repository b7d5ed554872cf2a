// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package contract_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	eip "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/eip/v2"
	eipmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/eip/v2/model"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/gaussdb/v3/model"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The emulator's other services (IAM, the ECS metadata service, VPC) held
// to the SDK's IAM v3 and EIP v2 models, the way the proxy API is.

// serveListener serves one of the emulator's listeners through a
// recorder, on loopback.
func serveListener(t *testing.T, emu *emulator.Emulator, listener string) (*recorder, string) {
	t.Helper()
	rec := &recorder{next: emu.Handler(listener)}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// newIAMClient is the SDK's IAM client with AK/SK (global credentials,
// with the domain ID set so that the SDK does not look it up first) or,
// with securityToken, temporary AK/SK.
func newIAMClient(t *testing.T, endpoint, ak, sk, securityToken, domainID string) *iam.IamClient {
	t.Helper()
	b := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithDomainId(domainID)
	if securityToken != "" {
		b = b.WithSecurityToken(securityToken)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().WithEndpoints([]string{endpoint}).WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(10 * time.Second)).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewIamClient(hc)
}

var projectsAllow = allowances{
	empty: map[string]string{
		"projects[].description": "IAM sends an empty description for projects created without one",
		"projects[].is_domain":   "false for every project (the model's own comment)",
	},
	absent: map[string]string{
		"projects[].links.previous": "a project's links have self only (IAM's reference example)",
		"projects[].links.next":     "a project's links have self only (IAM's reference example)",
	},
	null: map[string]string{
		"links.previous": "IAM sends null on a single page",
		"links.next":     "IAM sends null on a single page",
	},
}

func TestContract_IAMListProjectsAndAgencyKeys(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	emu := emulator.New(emulator.Config{
		AccessKey: testAK, SecretKey: testSK, Now: clk.Now,
		Projects: []emulator.Project{{Name: "cn-north-4", ID: emulator.DefaultProjectID}, {Name: "cn-north-4_dev"}},
		Agencies: []emulator.Agency{{Name: "taurusdb_admin", DomainName: "acme"}},
	})
	t.Cleanup(emu.Close)
	rec, url := serveListener(t, emu, emulator.ListenerIAM)
	client := newIAMClient(t, url, testAK, testSK, "", emu.DomainID())

	for _, name := range []string{"cn-north-4", "cn-north-4_dev"} {
		resp := must(client.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: ptr(name)})).of(t)
		conform(t, rec.last(t, http.MethodGet, "/v3/projects"), http.StatusOK, resp, projectsAllow)
		if ps := *resp.Projects; len(ps) != 1 || ps[0].Id != emu.ProjectIDOf(name) || ps[0].Name != name || !ps[0].Enabled {
			t.Fatalf("projects named %s: %+v", name, ps)
		}
	}
	resp := must(client.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: ptr("ap-nowhere-1")})).of(t)
	conform(t, rec.last(t, http.MethodGet, "/v3/projects"), http.StatusOK, resp, projectsAllow.with(allowances{empty: map[string]string{"projects": "no project has the name"}}))

	agency := &iammodel.CreateTemporaryAccessKeyByAgencyRequest{Body: &iammodel.CreateTemporaryAccessKeyByAgencyRequestBody{
		Auth: &iammodel.AgencyAuth{Identity: &iammodel.AgencyAuthIdentity{
			Methods: []iammodel.AgencyAuthIdentityMethods{iammodel.GetAgencyAuthIdentityMethodsEnum().ASSUME_ROLE},
			AssumeRole: &iammodel.IdentityAssumerole{
				AgencyName: "taurusdb_admin", DomainName: ptr("acme"), DurationSeconds: ptr(int32(3600)),
			},
		}},
	}}
	created := must(client.CreateTemporaryAccessKeyByAgency(agency)).of(t)
	conform(t, rec.last(t, http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens"), http.StatusCreated, created, allowances{})
	c := created.Credential
	expires, err := time.Parse("2006-01-02T15:04:05.000000Z", c.ExpiresAt)
	if err != nil || !expires.Equal(clk.Now().UTC().Add(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("expires_at %q (%v), want now+1h", c.ExpiresAt, err)
	}

	// The temporary keys work for IAM (with their security token) until
	// they expire.
	temp := newIAMClient(t, url, c.Access, c.Secret, c.Securitytoken, emu.DomainID())
	must(temp.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: ptr("cn-north-4")})).of(t)
	clk.Advance(time.Hour)
	_, err = temp.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: ptr("cn-north-4")})
	serviceError(t, err, http.StatusUnauthorized, "APIG.0301")
}

// The metadata service's answer: the SDK reads it with a private model
// (core/auth/internal.Credential) that has the same keys as IAM's
// Credential and parses expires_at with the layout below.
func TestContract_metadataSecurityKeyHasTheCredentialShape(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	emu := emulator.New(emulator.Config{Now: clk.Now, MetadataCredentialTTL: 20 * time.Minute})
	t.Cleanup(emu.Close)
	rec, url := serveListener(t, emu, emulator.ListenerMetadata)

	res, err := http.Get(url + "/openstack/latest/securitykey")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var got iammodel.CreateTemporaryAccessKeyByAgencyResponse
	ex := rec.last(t, http.MethodGet, "/openstack/latest/securitykey")
	if err := json.Unmarshal(ex.body, &got); err != nil {
		t.Fatal(err)
	}
	conform(t, ex, http.StatusOK, &got, allowances{})
	expires, err := time.ParseInLocation("2006-01-02T15:04:05Z", got.Credential.ExpiresAt, time.UTC)
	if err != nil || expires.Unix() != clk.Now().Add(20*time.Minute).Unix() {
		t.Fatalf("expires_at %q (%v)", got.Credential.ExpiresAt, err)
	}
}

var publicIPAllow = allowances{absent: map[string]string{
	"publicips[].port_id":             "the SDK: only sent for a bound EIP",
	"publicips[].private_ip_address":  "the SDK: only sent for a bound EIP",
	"publicips[].public_ipv6_address": "the SDK: absent for IPv4",
	"publicips[].profile":             "sent for yearly/monthly EIPs only; the emulated ones are pay-per-use",
	"publicips[].tags":                "the emulated EIPs have no tags",
}}

func TestContract_EIPListPublicipsByAddress(t *testing.T) {
	const seededID = "3c1e6f8a-2b4d-4c6e-8f0a-1b2c3d4e5f60"
	e := newEnv(t, "", func(c *emulator.Config) {
		c.PublicIPs = []emulator.PublicIP{{ID: seededID, Address: "203.0.113.10"}, {Address: "203.0.113.11"}}
	})
	rec, url := serveListener(t, e.emu, emulator.ListenerVPC)
	cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithProjectId(e.emu.ProjectID()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := eip.EipClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(10 * time.Second)).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	client := eip.NewEipClient(hc)

	resp := must(client.ListPublicips(&eipmodel.ListPublicipsRequest{PublicIpAddress: &[]string{"203.0.113.10"}})).of(t)
	ex := rec.last(t, http.MethodGet, "/v1/"+e.emu.ProjectID()+"/publicips")
	conform(t, ex, http.StatusOK, resp, publicIPAllow)
	if ips := *resp.Publicips; len(ips) != 1 || *ips[0].Id != seededID || ips[0].Status.Value() != "DOWN" {
		t.Fatalf("by address: %+v", ips)
	}
	// The SDK sends a list as repeated keys.
	resp = must(client.ListPublicips(&eipmodel.ListPublicipsRequest{PublicIpAddress: &[]string{"203.0.113.10", "203.0.113.11"}})).of(t)
	ex = rec.last(t, http.MethodGet, "/publicips")
	if ex.rawQuery != "public_ip_address=203.0.113.10&public_ip_address=203.0.113.11" || len(*resp.Publicips) != 2 {
		t.Fatalf("query %q gave %d", ex.rawQuery, len(*resp.Publicips))
	}

	// Bound through the proxy API: ACTIVE, with the port and address.
	proxyID := e.emu.SeedProxy(e.instance, emulator.ProxyView{})
	bind := must(e.sdk.SwitchGaussMySqlProxyEip(&model.SwitchGaussMySqlProxyEipRequest{
		InstanceId: e.instance, ProxyId: proxyID,
		Body: &model.SwitchGaussMySqlProxyEipRequestBody{PublicIp: "203.0.113.10", PublicIpId: ptr(seededID), Bind: "true"},
	})).of(t)
	e.waitJob(t, *bind.JobId)
	resp = must(client.ListPublicips(&eipmodel.ListPublicipsRequest{PublicIpAddress: &[]string{"203.0.113.10"}})).of(t)
	conform(t, rec.last(t, http.MethodGet, "/publicips"), http.StatusOK, resp, publicIPAllow)
	if ip := (*resp.Publicips)[0]; ip.Status.Value() != "ACTIVE" || ip.PortId == nil || ip.PrivateIpAddress == nil {
		t.Fatalf("bound EIP: %+v", ip)
	}
}
