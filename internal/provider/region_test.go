// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A proxy is replaced only when a configured region differs from the one
// its state records; recording a region (state without one) or leaving
// the argument out never replaces.
func TestRegionMoved(t *testing.T) {
	null, unknown := types.StringNull(), types.StringUnknown()
	s := types.StringValue
	cases := []struct {
		name                string
		state, config, plan types.String
		wantReplace         bool
	}{
		{"configured elsewhere", s("cn-north-4"), s("cn-east-3"), s("cn-east-3"), true},
		{"configured the same", s("cn-north-4"), s("cn-north-4"), s("cn-north-4"), false},
		{"state from before regions", null, s("cn-east-3"), s("cn-east-3"), false},
		{"state with an empty region", s(""), s("cn-east-3"), s("cn-east-3"), false},
		{"unset: ModifyPlan keeps the state's", s("cn-north-4"), null, unknown, false},
		{"configured from an unknown value", s("cn-north-4"), unknown, unknown, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := planmodifier.StringRequest{StateValue: tc.state, ConfigValue: tc.config, PlanValue: tc.plan}
			var resp stringplanmodifier.RequiresReplaceIfFuncResponse
			regionMoved(context.Background(), req, &resp)
			if resp.RequiresReplace != tc.wantReplace {
				t.Errorf("replace = %v, want %v", resp.RequiresReplace, tc.wantReplace)
			}
		})
	}
}
