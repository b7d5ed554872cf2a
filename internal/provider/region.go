// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The region argument every resource, data source, action and list
// resource has: where the object lives, defaulting to the provider's
// region. One provider block can so manage proxies in several regions.

const regionDescription = "Region of the proxy, such as `cn-east-3`. Defaults to the provider's `region`. " +
	"Each region has its own endpoint and project (looked up at IAM unless it is the provider's region with `project_id` set)."

// regionResourceDescription adds what a replacement does: it is a new
// object, planned without the old one's state.
const regionResourceDescription = regionDescription + " Changing it replaces the resource; removing it from the configuration keeps the region in state. " +
	"A replacement is a new object: with `region` unset it is created in the provider's region at that time. " +
	"So that companions (`taurusdb_proxy_restart`, `taurusdb_proxy_upgrade`, `taurusdb_proxy_eip_association`) always act where their proxy is, " +
	"set `region = taurusdb_proxy_instance.<name>.region` on them."

// regionResourceAttribute is the region of a resource. Unset, it keeps the
// state's region, so a change of the provider's default never moves (that
// is, replaces) an existing resource; at create it is the provider's
// (planRegion). Set to a region other than the one in state, the resource
// is replaced: a proxy cannot move between regions.
func regionResourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: regionResourceDescription,
		Validators:          []validator.String{regionValidator()},
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.RequiresReplaceIf(regionMoved, "A proxy lives in one region: a new region means a new resource.", "A proxy lives in one region: a new region means a new resource."),
		},
	}
}

// regionMoved is true when the planned region differs from a region the
// state records. A state without a region (written before the argument
// existed, or by a provider without a region) is not a move: the region
// is only being recorded.
func regionMoved(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.StateValue.ValueString() == "" || req.PlanValue.IsUnknown() || req.ConfigValue.IsNull() {
		return
	}
	resp.RequiresReplace = req.PlanValue.ValueString() != req.StateValue.ValueString()
}

// ModifyPlan gives every resource of this provider its region (resources
// with a ModifyPlan of their own call planRegion first).
func (c *configuredResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	c.planRegion(ctx, req, resp)
}

// planRegion fills an unset region: the state's, else the provider's. It
// runs in ModifyPlan rather than as an attribute plan modifier because it
// needs the provider's data, which only the configured resource has: the
// framework builds schemas (and their plan modifiers) on other instances.
func (c *configured) planRegion(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var configured, prior types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configured)...)
	if resp.Diagnostics.HasError() || !configured.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		// An existing resource keeps its region, also none: a state
		// written before the argument existed gets it from a Read that
		// calls the API (and a restart, which reads nothing, keeps none
		// and so works in the provider's region, as it was created).
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("region"), &prior)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), prior)...)
		return
	}
	if c.data == nil {
		return // provider settings unknown until apply: the region is too
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), regionValue(c.data.defaultRegion))...)
}

// regionValue is a region for state: null when there is none (a provider
// configured with an endpoint and a project ID only).
func regionValue(region string) types.String {
	if region == "" {
		return types.StringNull()
	}
	return types.StringValue(region)
}

// stateRegion is the region to record after a read: the one in state, or
// for a state written before the argument existed, the provider's (whose
// client just read it).
func (c *configured) stateRegion(v types.String) types.String {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v
	}
	if c.data == nil {
		return v
	}
	return regionValue(c.data.defaultRegion)
}

// resolvedRegion is the region a data source, action or list reads from.
func (c *configured) resolvedRegion(v types.String) types.String {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v
	}
	if c.data == nil {
		return types.StringNull()
	}
	return regionValue(c.data.defaultRegion)
}

// regionDataSourceAttribute is the region of a data source.
func regionDataSourceAttribute() dsschema.StringAttribute {
	return dsschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: regionDescription,
		Validators: []validator.String{regionValidator()}}
}

// regionValidator refuses what is not a region name, "" included: an empty
// region would mean the provider's to the client but differ from it in
// state, and replace the proxy on every apply.
func regionValidator() validator.String {
	return stringvalidator.RegexMatches(regionRe, "must be a region name such as cn-north-4 (leave the argument out for the provider's region)")
}

// identityRegionAttribute is the region in an identity: optional, so that
// identities stored before it existed (without it) keep matching, and an
// import by identity without it is in the provider's region.
func identityRegionAttribute() identityschema.StringAttribute {
	return identityschema.StringAttribute{OptionalForImport: true,
		Description: "Region of the proxy; unset means the provider's region."}
}

// identityRegion is the region an identity records: the prior identity's,
// since a stored identity never changes (and those stored before regions
// have none), else the resource's.
func identityRegion(ctx context.Context, prior *tfsdk.ResourceIdentity, region types.String) types.String {
	if prior != nil && !prior.Raw.IsNull() {
		var v types.String
		if d := prior.GetAttribute(ctx, path.Root("region"), &v); !d.HasError() {
			return v
		}
	}
	return region
}
