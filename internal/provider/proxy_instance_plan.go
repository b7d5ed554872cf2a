// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValidateConfig checks what no single attribute's validator can: in the
// load-balancing route modes the API takes a read replica's weight only as
// 0 (no reads) or 1 (reads), so a larger one would be refused at apply or
// show a diff forever.
func (r *proxyInstanceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var mode types.Int64
	var weights types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("route_mode"), &mode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("nodes_read_weight"), &weights)...)
	if resp.Diagnostics.HasError() || mode.IsNull() || mode.IsUnknown() || mode.ValueInt64() == 0 || weights.IsNull() || weights.IsUnknown() {
		return
	}
	var ws []weightModel
	if d := weights.ElementsAs(ctx, &ws, true); d.HasError() {
		return
	}
	for i, w := range ws {
		if !w.Weight.IsUnknown() && !w.Weight.IsNull() && w.Weight.ValueInt64() > 1 {
			resp.Diagnostics.AddAttributeError(path.Root("nodes_read_weight").AtListIndex(i).AtName("weight"), "Weight not allowed in this route mode",
				fmt.Sprintf("route_mode %d balances reads by load: a node's weight is 0 (takes no reads) or 1 (takes reads), not %d. "+
					"Use route_mode 0 for weighted reads.", mode.ValueInt64(), w.Weight.ValueInt64()))
		}
	}
}

// ModifyPlan keeps computed values that the planned change cannot affect, so
// a plan shows "known after apply" only where something will really change:
// nodes when node_num changes, vcpus and ram when the flavor does. Terraform
// proposes a changed nodes_read_weight when it is not configured (an
// Optional+Computed nested list), and the framework then marks every
// computed attribute unknown; without this, an unchanged configuration
// would show a perpetual in-place update.
//
// The facts in sharedFacts are the exception: the provider's other
// resources change them (an EIP association binds and unbinds eip, an
// upgrade changes the kernel and what it supports, any of them and a
// restart change status and updated_at), and Terraform may apply those
// before this proxy's in-place update in the same run: an association's
// destroy runs before the update of the proxy it names, and an upgrade
// the proxy depends on runs first. Update reads them back afterwards, so
// a plan that promised the prior values would end in "Provider produced
// inconsistent result after apply". They are unknown whenever the proxy
// is updated at all, and keep their prior values only when it is not.
func (r *proxyInstanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planRegion(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state proxyInstanceModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var configWeights types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("nodes_read_weight"), &configWeights)...)
	if configWeights.IsNull() && !plan.RouteMode.IsUnknown() && !plan.RouteMode.Equal(state.RouteMode) {
		// A route-mode change sets the weights the mode needs (the
		// primary's to 0 or 1): unconfigured weights are known only after.
		plan.NodesReadWeight = types.ListUnknown(types.ObjectType{AttrTypes: weightAttrTypes})
	}
	flavorSame := plan.Flavor.Equal(state.Flavor)
	nodesSame := plan.NodeNum.Equal(state.NodeNum)
	if flavorSame {
		plan.VCPUs, plan.RAM = state.VCPUs, state.RAM
	}
	if flavorSame && nodesSame {
		plan.Nodes = state.Nodes
	}
	if plan.DNSNamePrefix.Equal(state.DNSNamePrefix) {
		plan.DNSName = state.DNSName
	}
	// Compare with the prior values in place: the framework has marked
	// them unknown whenever Terraform proposed any change, even one the
	// lines above undid.
	planStrs, planBools := sharedFacts(&plan)
	stateStrs, stateBools := sharedFacts(&state)
	for i := range planStrs {
		*planStrs[i] = *stateStrs[i]
	}
	for i := range planBools {
		*planBools[i] = *stateBools[i]
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() || resp.Plan.Raw.Equal(req.State.Raw) {
		// No update: Terraform applies nothing to this proxy, so the prior
		// values cannot be contradicted by it.
		return
	}
	for _, v := range planStrs {
		*v = types.StringUnknown()
	}
	for _, v := range planBools {
		*v = types.BoolUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// sharedFacts are the computed attributes of m that the provider's other
// resources change (see ModifyPlan). Their descriptions say they are known
// only after apply when the proxy changes.
func sharedFacts(m *proxyInstanceModel) ([]*types.String, []*types.Bool) {
	return []*types.String{&m.EIP, &m.CurrentVersion, &m.Status, &m.UpdatedAt},
		[]*types.Bool{&m.CanUpgrade, &m.SwitchConnectionPoolTypeEnabled, &m.BalanceRouteModeEnabled}
}
