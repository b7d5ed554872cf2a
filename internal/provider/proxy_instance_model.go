// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// proxyInstanceModel is the plan and state of taurusdb_proxy_instance.
type proxyInstanceModel struct {
	ID              types.String   `tfsdk:"id"`
	Region          types.String   `tfsdk:"region"`
	InstanceID      types.String   `tfsdk:"instance_id"`
	Flavor          types.String   `tfsdk:"flavor"`
	NodeNum         types.Int64    `tfsdk:"node_num"`
	Name            types.String   `tfsdk:"name"`
	ProxyMode       types.String   `tfsdk:"proxy_mode"`
	Port            types.Int64    `tfsdk:"port"`
	NodesReadWeight types.List     `tfsdk:"nodes_read_weight"`
	SubnetID        types.String   `tfsdk:"subnet_id"`
	RouteMode       types.Int64    `tfsdk:"route_mode"`
	Address         types.String   `tfsdk:"address"`
	Status          types.String   `tfsdk:"status"`
	VCPUs           types.String   `tfsdk:"vcpus"`
	RAM             types.String   `tfsdk:"ram"`
	Nodes           types.List     `tfsdk:"nodes"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`

	// Settings and reported facts: proxy_instance_settings.go.
	TransactionSplit                types.String `tfsdk:"transaction_split"`
	ConsistenceMode                 types.String `tfsdk:"consistence_mode"`
	ConnectionPoolType              types.String `tfsdk:"connection_pool_type"`
	SSL                             types.Bool   `tfsdk:"ssl"`
	NewNodeAutoAdd                  types.String `tfsdk:"new_node_auto_add"`
	NewNodeWeight                   types.Int64  `tfsdk:"new_node_weight"`
	AccessControl                   types.Object `tfsdk:"access_control"`
	Parameters                      types.List   `tfsdk:"parameters"`
	CurrentVersion                  types.String `tfsdk:"current_version"`
	CanUpgrade                      types.Bool   `tfsdk:"can_upgrade"`
	CreatedAt                       types.String `tfsdk:"created_at"`
	UpdatedAt                       types.String `tfsdk:"updated_at"`
	EIP                             types.String `tfsdk:"eip"`
	SwitchConnectionPoolTypeEnabled types.Bool   `tfsdk:"switch_connection_pool_type_enabled"`
	BalanceRouteModeEnabled         types.Bool   `tfsdk:"balance_route_mode_enabled"`
	DelayThreshold                  types.Int64  `tfsdk:"delay_threshold_in_seconds"`
	DNSNamePrefix                   types.String `tfsdk:"dns_name_prefix"`
	DNSName                         types.String `tfsdk:"dns_name"`
}

type weightModel struct {
	ID     types.String `tfsdk:"id"`
	Weight types.Int64  `tfsdk:"weight"`
}

type nodeModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Role       types.String `tfsdk:"role"`
	AZCode     types.String `tfsdk:"az_code"`
	Status     types.String `tfsdk:"status"`
	FrozenFlag types.Int64  `tfsdk:"frozen_flag"`
}

// createRequest expands the plan into the API's create body.
func (m *proxyInstanceModel) createRequest(ctx context.Context) (taurusdb.CreateProxyRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := taurusdb.CreateProxyRequest{
		FlavorRef: m.Flavor.ValueString(),
		NodeNum:   int(m.NodeNum.ValueInt64()),
		ProxyName: m.Name.ValueString(),
		ProxyMode: m.ProxyMode.ValueString(),
		SubnetID:  m.SubnetID.ValueString(),
	}
	if req.ProxyName == "" {
		// The new proxy is found in the list by its name: one nobody
		// else uses makes that certain. It becomes the computed name.
		req.ProxyName = taurusdb.NewProxyName()
	}
	if !m.RouteMode.IsNull() && !m.RouteMode.IsUnknown() {
		v := int(m.RouteMode.ValueInt64())
		req.RouteMode = &v
	}
	if known(m.NewNodeAutoAdd) {
		req.NewNodeAutoAddStatus = m.NewNodeAutoAdd.ValueString()
	}
	if known(m.NewNodeWeight) {
		v := int(m.NewNodeWeight.ValueInt64())
		req.NewNodeWeight = &v
	}
	if !m.NodesReadWeight.IsNull() && !m.NodesReadWeight.IsUnknown() {
		var ws []weightModel
		diags.Append(m.NodesReadWeight.ElementsAs(ctx, &ws, false)...)
		for _, w := range ws {
			req.NodesReadWeight = append(req.NodesReadWeight, taurusdb.NodeWeight{ID: w.ID.ValueString(), Weight: int(w.Weight.ValueInt64())})
		}
	}
	return req, diags
}

// updateChanges expands the difference between plan and state into the
// targets of an update. Only settings that differ are sent; the client
// compares each with a fresh read before changing it.
func updateChanges(ctx context.Context, plan, state *proxyInstanceModel) (taurusdb.ProxyChanges, diag.Diagnostics) {
	var diags diag.Diagnostics
	var ch taurusdb.ProxyChanges
	if !plan.Flavor.Equal(state.Flavor) {
		ch.Flavor = plan.Flavor.ValueString()
	}
	if !plan.NodeNum.Equal(state.NodeNum) {
		ch.NodeNum = int(plan.NodeNum.ValueInt64())
	}
	if known(plan.Name) && !plan.Name.Equal(state.Name) {
		ch.Name = plan.Name.ValueString()
	}
	if known(plan.Port) && !plan.Port.Equal(state.Port) {
		ch.Port = int(plan.Port.ValueInt64())
	}
	if known(plan.RouteMode) && !plan.RouteMode.Equal(state.RouteMode) {
		v := int(plan.RouteMode.ValueInt64())
		ch.RouteMode = &v
	}
	// A route-mode change resets the weights, so configured weights go
	// with it even when they did not change.
	routeChanges := ch.RouteMode != nil
	if known(plan.NodesReadWeight) && (routeChanges || !plan.NodesReadWeight.Equal(state.NodesReadWeight)) {
		for _, w := range listOrNil[weightModel](ctx, plan.NodesReadWeight, &diags) {
			ch.Weights = append(ch.Weights, taurusdb.NodeWeight{ID: w.ID.ValueString(), Weight: int(w.Weight.ValueInt64())})
		}
	}
	diags.Append(settingsChanges(ctx, plan, state, &ch)...)
	return ch, diags
}

// fromAPI flattens a list entry into the model. order, when given, is the
// configured or prior list of read weights: only those nodes are reported,
// in that order, so a configuration naming some nodes does not show a diff
// for the others.
func (m *proxyInstanceModel) fromAPI(ctx context.Context, d *taurusdb.ProxyDetails, order []weightModel) diag.Diagnostics {
	var diags diag.Diagnostics
	e := d.Entry
	p := e.Proxy
	m.ID = types.StringValue(p.PoolID)
	m.Flavor = types.StringValue(p.FlavorRef)
	m.NodeNum = types.Int64Value(int64(p.NodeNum))
	m.Name = types.StringValue(p.Name)
	m.Port = types.Int64Value(int64(p.Port))
	m.Address = types.StringValue(p.Address)
	m.Status = types.StringValue(p.Status)
	m.VCPUs = types.StringValue(string(p.VCPUs))
	m.RAM = types.StringValue(string(p.RAM))
	// Older API versions do not return these; keep what we had then.
	if p.SubnetID != "" {
		m.SubnetID = types.StringValue(p.SubnetID)
	} else if m.SubnetID.IsUnknown() {
		m.SubnetID = types.StringNull()
	}
	if p.RouteMode != nil {
		m.RouteMode = types.Int64Value(int64(*p.RouteMode))
	} else if m.RouteMode.IsUnknown() {
		m.RouteMode = types.Int64Null()
	}
	// The API reports the mode as proxy.type; older versions did not, and
	// then the configured or prior value stands.
	if p.Type != "" {
		m.ProxyMode = types.StringValue(p.Type)
	} else if m.ProxyMode.IsUnknown() {
		m.ProxyMode = types.StringNull()
	}

	weights := map[string]int64{}
	var all []weightModel
	addNode := func(n taurusdb.DBNode) {
		weights[n.ID] = int64(n.Weight)
		all = append(all, weightModel{ID: types.StringValue(n.ID), Weight: types.Int64Value(int64(n.Weight))})
	}
	for _, n := range e.DBNodes() {
		addNode(n)
	}
	out := all
	if len(order) > 0 {
		out = nil
		for _, w := range order {
			if v, ok := weights[w.ID.ValueString()]; ok {
				out = append(out, weightModel{ID: w.ID, Weight: types.Int64Value(v)})
			}
		}
	}
	wl, d1 := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: weightAttrTypes}, out)
	diags.Append(d1...)
	m.NodesReadWeight = wl

	nodes := make([]nodeModel, 0, len(p.Nodes))
	for _, n := range p.Nodes {
		nodes = append(nodes, nodeModel{ID: types.StringValue(n.ID), Name: types.StringValue(n.Name), Role: types.StringValue(n.Role),
			AZCode: types.StringValue(n.AZCode), Status: types.StringValue(n.Status), FrozenFlag: types.Int64Value(int64(n.FrozenFlag))})
	}
	nl, d2 := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: nodeAttrTypes}, nodes)
	diags.Append(d2...)
	m.Nodes = nl
	diags.Append(m.settingsFromAPI(ctx, d)...)
	return diags
}

// proxyModePlanModifier plans "readwrite" (the API's default) for a new
// proxy when proxy_mode is not configured, and otherwise keeps the state's
// value, which Read takes from proxy.type.
type proxyModePlanModifier struct{}

func (proxyModePlanModifier) Description(context.Context) string {
	return "Defaults to readwrite for new proxies; keeps the known value otherwise."
}

func (m proxyModePlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (proxyModePlanModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		resp.PlanValue = types.StringValue("readwrite")
		return
	}
	resp.PlanValue = req.StateValue
}

// proxyModeRequiresReplace replaces the proxy when its mode changes. Read
// fills the mode from proxy.type, so after an import a configuration that
// disagrees with the real mode plans a replacement. An API that does not
// report the mode leaves it null in state after an import: recording the
// configured mode then must not destroy a working proxy.
func proxyModeRequiresReplace(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsUnknown() && !req.PlanValue.Equal(req.StateValue)
}

// listOrNil decodes a known, non-null list into its elements; otherwise nil.
func listOrNil[T any](ctx context.Context, l types.List, diags *diag.Diagnostics) []T {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []T
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}
