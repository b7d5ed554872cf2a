// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The proxy's further settings (transaction split, consistency, connection
// pool, SSL, access control, parameters, new-node auto-add) and the facts
// the API reports about it: schema, expand and flatten, apart from the core
// attributes so each half stays readable.

type accessControlModel struct {
	Enabled types.Bool   `tfsdk:"enabled"`
	Type    types.String `tfsdk:"type"`
	IPList  types.List   `tfsdk:"ip_list"`
}

type accessRuleModel struct {
	IP          types.String `tfsdk:"ip"`
	Description types.String `tfsdk:"description"`
}

type parameterModel struct {
	Name  types.String `tfsdk:"name"`
	Value types.String `tfsdk:"value"`
}

var (
	accessRuleAttrTypes    = map[string]attr.Type{"ip": types.StringType, "description": types.StringType}
	accessControlAttrTypes = map[string]attr.Type{
		"enabled": types.BoolType,
		"type":    types.StringType,
		"ip_list": types.ListType{ElemType: types.ObjectType{AttrTypes: accessRuleAttrTypes}},
	}
	parameterAttrTypes = map[string]attr.Type{"name": types.StringType, "value": types.StringType}
)

// optionalSetting is an optional, computed string setting: unset, it keeps
// whatever the proxy has and never shows a diff.
func optionalSetting(desc string, values ...string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: desc,
		Validators:          []validator.String{stringvalidator.OneOf(values...)},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// keptString is a computed string nothing but the proxy's creation sets.
func keptString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// changedByOthers says, in an attribute's description, why a fact that
// sharedFacts lists is unknown in the plan of every update; ModifyPlan
// alone decides its planned value, so it has no plan modifier.
const changedByOthers = " Known only after apply whenever the proxy itself changes: another resource of this provider (%s) may change it in the same apply."

func sharedString(desc, by string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc + fmt.Sprintf(changedByOthers, by)}
}

func sharedBool(desc, by string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: desc + fmt.Sprintf(changedByOthers, by)}
}

func settingsAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"transaction_split": optionalSetting("Transaction splitting: `ON` or `OFF`. Changed in place (a job).", "ON", "OFF"),
		"consistence_mode": optionalSetting("Read consistency: `session`, `global` or `eventual`. Changed in place.",
			"session", "global", "eventual"),
		"connection_pool_type": optionalSetting("Connection pool: `CLOSED` or `SESSION` (session-level; needs a kernel that reports "+
			"`switch_connection_pool_type_enabled`). Changed in place.", "CLOSED", "SESSION"),
		"ssl": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Whether the proxy encrypts connections with SSL (the API's `ssl_option`). Changed in place.",
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"new_node_auto_add": optionalSetting("Whether database nodes added to the instance later join this proxy: `ON` or `OFF`. "+
			"Sent with the create request too. The API allows it only for accounts Huawei Cloud has enabled it for; "+
			"others get an error naming this setting.", "ON", "OFF"),
		"new_node_weight": schema.Int64Attribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Read weight, 0 to 1000, of database nodes that join the proxy by `new_node_auto_add`. Changed in place.",
			Validators:          []validator.Int64{int64validator.Between(0, 1000)},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"access_control": schema.SingleNestedAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Which client addresses may connect. Changed in place. It is read (a call of its own) only when configured, " +
				"and on import so that the imported state is complete. Unset on a proxy created here, it is left as it is, never read, and null.",
			PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
			Attributes: map[string]schema.Attribute{
				"enabled": schema.BoolAttribute{
					Required:            true,
					MarkdownDescription: "Whether access control is on.",
				},
				"type": schema.StringAttribute{
					Optional:            true,
					Computed:            true,
					MarkdownDescription: "`white` (only the listed addresses may connect) or `black` (the listed addresses may not).",
					Validators:          []validator.String{stringvalidator.OneOf("white", "black")},
					PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
				"ip_list": schema.ListNestedAttribute{
					Optional:            true,
					Computed:            true,
					MarkdownDescription: "Up to 300 IPv4 addresses or CIDR blocks, each listed once. Unset, the list is left as it is.",
					Validators:          []validator.List{listvalidator.SizeAtMost(300), uniqueAccessRuleIPs{}},
					PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
					NestedObject: schema.NestedAttributeObject{
						Attributes: map[string]schema.Attribute{
							"ip": schema.StringAttribute{
								Required:            true,
								MarkdownDescription: "An IPv4 address, such as `10.0.0.1`, or an IPv4 CIDR block, such as `192.168.0.0/24`; checked at plan time.",
								Validators:          []validator.String{accessRuleIPValidator()},
							},
							"description": schema.StringAttribute{
								Optional:            true,
								Computed:            true,
								Default:             stringdefault.StaticString(""),
								MarkdownDescription: "A note, up to 50 characters, without `<` or `>`.",
								Validators:          []validator.String{stringvalidator.LengthAtMost(50), stringvalidator.RegexMatches(noAngleBrackets, "must not contain < or >")},
							},
						},
					},
				},
			},
		},
		"parameters": schema.ListNestedAttribute{
			Optional: true,
			MarkdownDescription: "Proxy parameters to set, by name. Only the parameters named here are read back and compared: " +
				"the others keep the proxy's values and never show a diff. Removing an entry leaves that parameter as it is. Changed in place. " +
				"Each name may be listed once.",
			Validators: []validator.List{listvalidator.SizeAtLeast(1), uniqueParameterNames{}},
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Parameter name, as the proxy lists it.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
					},
					"value": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Parameter value, as a string.",
					},
				},
			},
		},
		"dns_name_prefix": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Prefix of the proxy's private DNS name (`<prefix>.<zone>`): 8 to 63 lowercase letters and digits, unique in the zone. " +
				"When the proxy has no private DNS name yet, one is applied for first. Changed in place (jobs). Unset, the name is left as it is: " +
				"the provider never removes it. The API allows private DNS names only for accounts Huawei Cloud has enabled them for; " +
				"others get an error naming this setting.",
			Validators: []validator.String{stringvalidator.RegexMatches(taurusdb.DNSPrefixRE,
				"must be 8 to 63 lowercase letters and digits (the prefix only, without the zone)")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"dns_name": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The proxy's private DNS name, as the proxy list reports it; null when it reports none. " +
				"The SDK's list model has no field for it, so an API that does not report it leaves this null and `dns_name_prefix` as last applied.",
		},
		"current_version": sharedString("Version of the proxy kernel.", "`taurusdb_proxy_upgrade`"),
		"can_upgrade":     sharedBool("Whether a newer proxy kernel is available (see `taurusdb_proxy_upgrade`).", "`taurusdb_proxy_upgrade`"),
		"created_at":      keptString("When the proxy was created, as the API reports it."),
		"updated_at": sharedString("When the proxy was last changed, as the API reports it.",
			"`taurusdb_proxy_eip_association`, `taurusdb_proxy_upgrade`, `taurusdb_proxy_restart`"),
		"eip": sharedString("Elastic public IP bound to the proxy, `\"\"` when none is (see `taurusdb_proxy_eip_association`).",
			"`taurusdb_proxy_eip_association`"),
		"switch_connection_pool_type_enabled": sharedBool("Whether the proxy's kernel supports the session-level connection pool.",
			"`taurusdb_proxy_upgrade`"),
		"balance_route_mode_enabled": sharedBool("Whether the proxy's kernel supports the load-balancing route modes `1` and `2`.",
			"`taurusdb_proxy_upgrade`"),
		"delay_threshold_in_seconds": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "Replication delay, in seconds, above which a read replica takes no reads.",
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
	}
}

// noAngleBrackets matches a description without < or > (the API refuses
// them).
var noAngleBrackets = regexp.MustCompile(`^[^<>]*$`)

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// settingsChanges adds the settings that plan wants and state does not have
// (state nil: a new proxy, every configured setting) to ch.
func settingsChanges(ctx context.Context, plan, state *proxyInstanceModel, ch *taurusdb.ProxyChanges) diag.Diagnostics {
	var diags diag.Diagnostics
	changed := func(p, s attr.Value) bool { return known(p) && (state == nil || !p.Equal(s)) }
	var st proxyInstanceModel
	if state != nil {
		st = *state
	}
	if changed(plan.TransactionSplit, st.TransactionSplit) {
		ch.TransactionSplit = plan.TransactionSplit.ValueString()
	}
	if changed(plan.ConsistenceMode, st.ConsistenceMode) {
		ch.ConsistenceMode = plan.ConsistenceMode.ValueString()
	}
	if changed(plan.ConnectionPoolType, st.ConnectionPoolType) {
		ch.ConnectionPoolType = plan.ConnectionPoolType.ValueString()
	}
	if changed(plan.SSL, st.SSL) {
		v := plan.SSL.ValueBool()
		ch.SSL = &v
	}
	if state != nil && changed(plan.NewNodeAutoAdd, st.NewNodeAutoAdd) {
		ch.NewNodeAutoAdd = plan.NewNodeAutoAdd.ValueString()
	}
	if state != nil && changed(plan.NewNodeWeight, st.NewNodeWeight) {
		v := int(plan.NewNodeWeight.ValueInt64())
		ch.NewNodeWeight = &v
	}
	if changed(plan.AccessControl, st.AccessControl) {
		var ac accessControlModel
		diags.Append(plan.AccessControl.As(ctx, &ac, basetypes.ObjectAsOptions{UnhandledUnknownAsEmpty: true})...)
		change := &taurusdb.AccessControlChange{Enabled: ac.Enabled.ValueBool(), Type: ac.Type.ValueString()}
		if known(ac.IPList) {
			change.Rules = []taurusdb.AccessRule{}
			for _, r := range listOrNil[accessRuleModel](ctx, ac.IPList, &diags) {
				change.Rules = append(change.Rules, taurusdb.AccessRule{IP: r.IP.ValueString(), Description: r.Description.ValueString()})
			}
		}
		ch.AccessControl = change
	}
	if changed(plan.DNSNamePrefix, st.DNSNamePrefix) {
		ch.DNSNamePrefix = plan.DNSNamePrefix.ValueString()
	}
	if changed(plan.Parameters, st.Parameters) {
		for _, p := range listOrNil[parameterModel](ctx, plan.Parameters, &diags) {
			ch.Parameters = append(ch.Parameters, taurusdb.ParameterValue{Name: p.Name.ValueString(), Value: p.Value.ValueString()})
		}
	}
	return diags
}

// settingsFromAPI flattens what the list and the extra reads say. Settings
// read by calls of their own are filled only when the model has them (the
// configuration or the prior state), and keep their value when that read
// failed.
func (m *proxyInstanceModel) settingsFromAPI(ctx context.Context, d *taurusdb.ProxyDetails) diag.Diagnostics {
	var diags diag.Diagnostics
	p := d.Entry.Proxy
	str := func(v string, prior types.String) types.String {
		if v == "" {
			if prior.IsUnknown() {
				return types.StringNull()
			}
			return prior
		}
		return types.StringValue(v)
	}
	boolPtr := func(v *bool) types.Bool {
		if v == nil {
			return types.BoolNull()
		}
		return types.BoolValue(*v)
	}
	m.TransactionSplit = str(taurusdb.TransactionSplit(d.Entry), m.TransactionSplit)
	m.ConsistenceMode = str(p.ConsistenceMode, m.ConsistenceMode)
	m.ConnectionPoolType = str(p.ConnectionPoolType, m.ConnectionPoolType)
	m.NewNodeAutoAdd = str(p.NewNodeAutoAddStatus, m.NewNodeAutoAdd)
	if on, ok := taurusdb.SSLEnabled(d.Entry); ok {
		m.SSL = types.BoolValue(on)
	} else if m.SSL.IsUnknown() {
		m.SSL = types.BoolNull()
	}
	if p.NewNodeWeight != nil {
		m.NewNodeWeight = types.Int64Value(int64(*p.NewNodeWeight))
	} else if m.NewNodeWeight.IsUnknown() {
		m.NewNodeWeight = types.Int64Null()
	}
	m.CreatedAt = str(p.CreatedAt, m.CreatedAt)
	m.UpdatedAt = str(p.UpdatedAt, m.UpdatedAt)
	m.EIP = types.StringValue(p.EIP)
	m.SwitchConnectionPoolTypeEnabled = boolPtr(p.SwitchConnectionPoolTypeEnabled)
	m.BalanceRouteModeEnabled = boolPtr(p.BalanceRouteModeEnabled)
	m.DelayThreshold = types.Int64Null()
	if p.DelayThreshold != nil {
		m.DelayThreshold = types.Int64Value(int64(*p.DelayThreshold))
	}
	// A name the list reports gives both; none reported keeps the prefix
	// last applied: the SDK's list model has no dns_name, so "none" may
	// only mean "not reported", and dropping the prefix would undo every
	// apply against such an API. (A prefix changed elsewhere still shows.)
	m.DNSName = types.StringNull()
	if p.DNSName != "" {
		m.DNSName = types.StringValue(p.DNSName)
		m.DNSNamePrefix = types.StringValue(taurusdb.DNSPrefix(d.Entry))
	} else if m.DNSNamePrefix.IsUnknown() {
		m.DNSNamePrefix = types.StringNull()
	}
	if v := d.Version; v != nil {
		m.CurrentVersion = types.StringValue(v.CurrentVersion)
		m.CanUpgrade = boolPtr(v.CanUpgrade)
	} else {
		if m.CurrentVersion.IsUnknown() {
			m.CurrentVersion = types.StringNull()
		}
		if m.CanUpgrade.IsUnknown() {
			m.CanUpgrade = types.BoolNull()
		}
	}
	if d.AccessControl != nil {
		diags.Append(m.flattenAccessControl(ctx, d.AccessControl)...)
	} else if m.AccessControl.IsUnknown() {
		m.AccessControl = types.ObjectNull(accessControlAttrTypes)
	}
	if d.Parameters != nil && !m.Parameters.IsNull() {
		diags.Append(m.flattenParameters(ctx, d.Parameters)...)
	}
	return diags
}

func (m *proxyInstanceModel) flattenAccessControl(ctx context.Context, a *taurusdb.AccessControl) diag.Diagnostics {
	var diags diag.Diagnostics
	rules := make([]accessRuleModel, 0, len(a.Rules()))
	for _, r := range a.Rules() {
		rules = append(rules, accessRuleModel{IP: types.StringValue(r.IP), Description: types.StringValue(r.Description)})
	}
	// The API need not keep the list's order: when it holds the same rules
	// as the prior (or planned) list, keep that order, or the plan would
	// show a reordering and apply a change that is none.
	if known(m.AccessControl) {
		var prior accessControlModel
		diags.Append(m.AccessControl.As(ctx, &prior, basetypes.ObjectAsOptions{UnhandledUnknownAsEmpty: true})...)
		if known(prior.IPList) {
			priorRules := listOrNil[accessRuleModel](ctx, prior.IPList, &diags)
			if sameRules(priorRules, rules) {
				rules = priorRules
			}
		}
	}
	l, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: accessRuleAttrTypes}, rules)
	diags.Append(d...)
	out := accessControlModel{
		Enabled: types.BoolValue(a.Enabled != nil && *a.Enabled),
		Type:    types.StringValue(a.Type),
		IPList:  l,
	}
	o, d := types.ObjectValueFrom(ctx, accessControlAttrTypes, out)
	diags.Append(d...)
	m.AccessControl = o
	return diags
}

func sameRules(a, b []accessRuleModel) bool {
	count := map[[2]string]int{}
	for _, r := range a {
		count[[2]string{r.IP.ValueString(), r.Description.ValueString()}]++
	}
	for _, r := range b {
		count[[2]string{r.IP.ValueString(), r.Description.ValueString()}]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func (m *proxyInstanceModel) flattenParameters(ctx context.Context, ps []taurusdb.Parameter) diag.Diagnostics {
	var diags diag.Diagnostics
	values := map[string]string{}
	for _, p := range ps {
		values[p.Name] = p.Value
	}
	var out []parameterModel
	for _, p := range listOrNil[parameterModel](ctx, m.Parameters, &diags) {
		v, ok := values[p.Name.ValueString()]
		if !ok {
			// A name the proxy does not list: keep it, so the next
			// apply reports it instead of it vanishing silently.
			out = append(out, p)
			continue
		}
		out = append(out, parameterModel{Name: p.Name, Value: types.StringValue(v)})
	}
	l, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: parameterAttrTypes}, out)
	diags.Append(d...)
	m.Parameters = l
	return diags
}
