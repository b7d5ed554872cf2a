// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	eipmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/eip/v2/model"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// The IAM and VPC calls are held to the SDK's models as the proxy calls
// are (sdk_models_test.go): a fully filled SDK answer must decode into the
// client's types with every field the client uses, and every JSON name of
// the client's types must exist in the SDK's model.

// jsonNames returns the JSON names of t's fields, nested structs, slices
// and pointers included, as dotted paths.
func jsonNames(t reflect.Type, prefix string, into map[string]bool) map[string]bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return into
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		into[prefix+name] = true
		jsonNames(f.Type, prefix+name+".", into)
	}
	return into
}

// checkNamesInSDK fails for each JSON name of ours that the SDK's model
// lacks, except those listed in tolerated (with the reason at the caller).
func checkNamesInSDK(t *testing.T, ours, sdk reflect.Type, tolerated ...string) {
	t.Helper()
	have := jsonNames(sdk, "", map[string]bool{})
	skip := map[string]bool{}
	for _, n := range tolerated {
		skip[n] = true
	}
	for n := range jsonNames(ours, "", map[string]bool{}) {
		if !have[n] && !skip[n] {
			t.Errorf("%s: field %q is not in the SDK's %s", ours, n, sdk)
		}
	}
}

func TestSDKModels_iamProjectsDecode(t *testing.T) {
	sdk, raw := sdkJSON[iammodel.KeystoneListProjectsResponse](t, nil)
	var got iamProjectsResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	w := (*sdk.Projects)[1]
	p := got.Projects[1]
	if p.ID != w.Id || p.Name != w.Name || p.DomainID != w.DomainId || p.Enabled == nil || *p.Enabled != w.Enabled {
		t.Fatalf("project %+v, the SDK has %s", p, raw)
	}
	checkNamesInSDK(t, reflect.TypeFor[iamProjectsResponse](), reflect.TypeFor[iammodel.KeystoneListProjectsResponse]())
}

func TestSDKModels_assumeRoleAnswerDecodes(t *testing.T) {
	sdk, _ := sdkJSON[iammodel.CreateTemporaryAccessKeyByAgencyResponse](t, nil)
	// The filler's expires_at is no time: give it one as IAM writes them.
	sdk.Credential.ExpiresAt = "2031-01-08T02:56:19.587000Z"
	raw, err := utils.Marshal(sdk)
	if err != nil {
		t.Fatal(err)
	}
	var got credentialResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	c, problem := got.Credential.credentials()
	w := sdk.Credential
	if problem != "" || c.AccessKey != w.Access || c.SecretKey != w.Secret || c.SecurityToken != w.Securitytoken || c.ExpiresAt.Year() != 2031 {
		t.Fatalf("credentials %#v (%s), the SDK has %s", c, problem, raw)
	}
	// accessKeyId, secretAccessKey, securityToken and expiration are the
	// alternative names the SDK's metadata reader accepts
	// (core/auth/internal/model.go, Credential.UnmarshalJSON); that
	// package is internal, so they are checked by reading, not here.
	checkNamesInSDK(t, reflect.TypeFor[credentialResponse](), reflect.TypeFor[iammodel.CreateTemporaryAccessKeyByAgencyResponse](),
		"credential.accessKeyId", "credential.secretAccessKey", "credential.securityToken", "credential.expiration")
}

// The request is checked both ways: ours decodes into the SDK's body, and
// its JSON names are the SDK's.
func TestSDKModels_assumeRoleRequestMatches(t *testing.T) {
	var ours assumeRoleRequest
	ours.Auth.Identity.Methods = []string{"assume_role"}
	ours.Auth.Identity.AssumeRole = assumeRoleBody{AgencyName: "ops", DomainID: "did", DomainName: "dname", DurationSeconds: 900}
	raw, err := json.Marshal(ours)
	if err != nil {
		t.Fatal(err)
	}
	var sdk iammodel.CreateTemporaryAccessKeyByAgencyRequestBody
	if err := utils.Unmarshal(raw, &sdk); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	id := sdk.Auth.Identity
	ar := id.AssumeRole
	if len(id.Methods) != 1 || id.Methods[0].Value() != iammodel.GetAgencyAuthIdentityMethodsEnum().ASSUME_ROLE.Value() ||
		ar.AgencyName != "ops" || deref(ar.DomainId) != "did" || deref(ar.DomainName) != "dname" || deref(ar.DurationSeconds) != 900 {
		t.Fatalf("the SDK reads %s as %+v", raw, sdk)
	}
	checkNamesInSDK(t, reflect.TypeFor[assumeRoleRequest](), reflect.TypeFor[iammodel.CreateTemporaryAccessKeyByAgencyRequestBody]())
}

func TestSDKModels_publicIPsDecode(t *testing.T) {
	sdk, raw := sdkJSON[eipmodel.ListPublicipsResponse](t, map[string]string{
		"PublicipShowRespBandwidthShareType": "PER", "PublicipShowRespStatus": "DOWN", "PublicipShowRespIpVersion": "4",
	})
	var got publicIPsResponse
	if err := decodeBody(raw, &got); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	w := (*sdk.Publicips)[1]
	e := got.PublicIPs[1]
	if e.ID != deref(w.Id) || e.Address != deref(w.PublicIpAddress) || e.IPv6Address != deref(w.PublicIpv6Address) || e.Status != w.Status.Value() {
		t.Fatalf("entry %+v, the SDK has %s", e, raw)
	}
	checkNamesInSDK(t, reflect.TypeFor[publicIPsResponse](), reflect.TypeFor[eipmodel.ListPublicipsResponse]())
}
