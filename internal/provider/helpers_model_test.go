// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

func nullModel() providerModel {
	n := types.StringNull()
	return providerModel{Region: n, ProjectID: n, ProjectName: n, Endpoint: n, VPCEndpoint: n, AuthToken: n, AccessKey: n, SecretKey: n, SecurityToken: n,
		UserName: n, Password: n, DomainName: n, AuthURL: n, SharedConfigFile: n, Profile: n, Language: n, MaxRetries: types.Int64Null(), Insecure: types.BoolNull()}
}

func stringVal(s string) types.String { return types.StringValue(s) }
