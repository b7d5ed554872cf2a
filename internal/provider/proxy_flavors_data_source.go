// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ datasource.DataSource                     = &proxyFlavorsDataSource{}
	_ datasource.DataSourceWithConfigure        = &proxyFlavorsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &proxyFlavorsDataSource{}
)

// NewProxyFlavorsDataSource is the taurusdb_proxy_flavors data source.
func NewProxyFlavorsDataSource() datasource.DataSource {
	return &proxyFlavorsDataSource{}
}

type proxyFlavorsDataSource struct {
	configuredDataSource
}

type proxyFlavorsModel struct {
	Region     types.String  `tfsdk:"region"`
	InstanceID types.String  `tfsdk:"instance_id"`
	AZCodes    types.List    `tfsdk:"az_codes"`
	VCPUs      types.String  `tfsdk:"vcpus"`
	Memory     types.String  `tfsdk:"memory"`
	GroupType  types.String  `tfsdk:"group_type"`
	Flavors    []flavorModel `tfsdk:"flavors"`
}

type flavorModel struct {
	ID        types.String `tfsdk:"id"`
	SpecCode  types.String `tfsdk:"spec_code"`
	VCPUs     types.String `tfsdk:"vcpus"`
	Memory    types.String `tfsdk:"memory"`
	DBType    types.String `tfsdk:"db_type"`
	GroupType types.String `tfsdk:"group_type"`
	AzStatus  types.Map    `tfsdk:"az_status"`
	IPv6      types.Bool   `tfsdk:"supported_ipv6"`
}

func (d *proxyFlavorsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_flavors"
}

func (d *proxyFlavorsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The flavors a TaurusDB database proxy can use: those of an instance (`instance_id`, `GET .../instances/{instance_id}/proxy/flavors`), " +
			"or those sold in availability zones (`az_codes`, `GET /v3/{project_id}/proxy/flavors`). Set exactly one of the two. " +
			"A flavor's `spec_code` is what `taurusdb_proxy_instance.flavor` takes.",
		Attributes: map[string]schema.Attribute{
			"region": regionDataSourceAttribute(),
			"instance_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List the flavors a proxy of this TaurusDB instance can use. Conflicts with `az_codes`.",
				Validators:          []validator.String{instanceIDValidator()},
			},
			"az_codes": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "List the flavors sold in these availability zones, such as `[\"cn-north-4a\", \"cn-north-4b\"]`. Conflicts with `instance_id`.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(azCodeRe, "must be an availability zone code such as cn-north-4a (no commas or spaces)")),
				},
			},
			"vcpus": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only flavors with this many vCPUs per node, such as `2`. Compared as a number.",
				Validators:          []validator.String{numberString{}},
			},
			"memory": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only flavors with this much memory per node, in GB, such as `4`. Compared as a number.",
				Validators:          []validator.String{numberString{}},
			},
			"group_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only flavors of this architecture group, such as `x86` or `arm`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"flavors": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The flavors that match every filter given, in the API's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         computedStr("Flavor ID."),
					"spec_code":  computedStr("Flavor code, such as `gaussdb.proxy.large.x86.2`: the value of `taurusdb_proxy_instance.flavor`."),
					"vcpus":      computedStr("vCPUs per proxy node."),
					"memory":     computedStr("Memory per proxy node, in GB (the API's `ram`)."),
					"db_type":    computedStr("Database type."),
					"group_type": computedStr("Architecture group, such as `x86` or `arm`."),
					"az_status": schema.MapAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "The flavor's state by availability zone code, such as `normal` (sold), `unsupported` or `sellout`.",
					},
					"supported_ipv6": computedBoolAttr("Whether the flavor supports IPv6. Only the per-AZ form (`az_codes`) reports it; " +
						"with `instance_id` it is null, since the API's per-instance answer has no such field."),
				}},
			},
		},
	}
}

// azCodeRe is an availability zone code: no commas, since the per-AZ call
// takes the codes comma-separated.
var azCodeRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func (d *proxyFlavorsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("instance_id"), path.MatchRoot("az_codes")),
	}
}

// Read lists the flavors of the instance or the zones and filters them.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/flavors
// @API GET /v3/{project_id}/proxy/flavors
func (d *proxyFlavorsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m proxyFlavorsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Region = d.resolvedRegion(m.Region)
	ctx, c := d.client(ctx, m.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	var groups []taurusdb.FlavorGroup
	var err error
	var summary, next string
	if instanceID := m.InstanceID.ValueString(); instanceID != "" {
		groups, err = c.ListFlavors(ctx, instanceID)
		summary, next = fmt.Sprintf("listing the TaurusDB proxy flavors of instance (%s)", instanceID), "Run the command again."
		// Nothing is dropped on this answer, so the code alone may word
		// the advice.
		if taurusdb.IsNotFound(err) || taurusdb.HasNotFoundCode(err) {
			summary, next = fmt.Sprintf("TaurusDB instance (%s) not found", instanceID), notFoundHelp(instanceID, "")
		}
		if err != nil {
			resp.Diagnostics.AddError(summary, opDetail(instanceID, "", "", err, next))
			return
		}
	} else {
		var zones []string
		resp.Diagnostics.Append(m.AZCodes.ElementsAs(ctx, &zones, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		groups, err = c.ListFlavorsByAZ(ctx, zones)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("listing the TaurusDB proxy flavors of availability zones (%s)", strings.Join(zones, ", ")),
				fmt.Sprintf("Availability zones: %s\nX-Request-Id: %s\nError: %s\n\nCheck az_codes: they must be zones of the provider's region. Then run the command again.",
					strings.Join(zones, ", "), taurusdb.RequestID(err), err))
			return
		}
	}
	m.Flavors = []flavorModel{}
	for _, g := range groups {
		if known(m.GroupType) && m.GroupType.ValueString() != g.GroupType {
			continue
		}
		for _, f := range g.Flavors {
			if !sameNumber(m.VCPUs, string(f.VCPUs)) || !sameNumber(m.Memory, string(f.RAM)) {
				continue
			}
			status := make(map[string]string, len(f.AzStatus))
			for az, v := range f.AzStatus {
				status[az] = azStatusString(v)
			}
			sm, diags := types.MapValueFrom(ctx, types.StringType, status)
			resp.Diagnostics.Append(diags...)
			m.Flavors = append(m.Flavors, flavorModel{
				ID: types.StringValue(f.ID), SpecCode: types.StringValue(f.SpecCode), VCPUs: types.StringValue(string(f.VCPUs)),
				Memory: types.StringValue(string(f.RAM)), DBType: types.StringValue(f.DBType), GroupType: types.StringValue(g.GroupType),
				AzStatus: sm, IPv6: types.BoolPointerValue(f.SupportedIPv6),
			})
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// azStatusString renders an az_status value: a string as it is (what the
// API sends), anything else as JSON (the SDK does not promise strings).
func azStatusString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

// sameNumber says whether the API's value matches a filter: unset matches
// everything; numbers compare as numbers ("4" matches "4.0"), anything
// else as text.
func sameNumber(filter types.String, value string) bool {
	if !known(filter) {
		return true
	}
	want := filter.ValueString()
	a, errA := strconv.ParseFloat(strings.TrimSpace(want), 64)
	b, errB := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if errA == nil && errB == nil {
		return a == b
	}
	return want == value
}

// numberString accepts a string that is a non-negative number.
type numberString struct{}

func (numberString) Description(context.Context) string { return "must be a number, such as 2 or 4" }

func (v numberString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v numberString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(req.ConfigValue.ValueString()), 64); err != nil || f < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
