// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var weightAttrTypes = map[string]attr.Type{
	"id":     types.StringType,
	"weight": types.Int64Type,
}

var nodeAttrTypes = map[string]attr.Type{
	"id":          types.StringType,
	"name":        types.StringType,
	"role":        types.StringType,
	"az_code":     types.StringType,
	"status":      types.StringType,
	"frozen_flag": types.Int64Type,
}

func (r *proxyInstanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = proxyInstanceSchema(ctx)
	resp.Schema.Attributes["region"] = regionResourceAttribute()
	for name, a := range settingsAttributes() {
		resp.Schema.Attributes[name] = a
	}
}

func proxyInstanceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A database proxy of a TaurusDB (GaussDB for MySQL) instance. " +
			"Destroying it disables the proxy: the provider sends `DELETE /v3/{project_id}/instances/{instance_id}/proxy` naming this proxy's ID " +
			"and returns only when the API's job has completed and the proxy is gone from the instance's proxy list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The proxy's ID (`pool_id`, 36 characters ending in `po01`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the TaurusDB instance the proxy belongs to. Changing it replaces the proxy.",
				Validators:          []validator.String{instanceIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"flavor": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Proxy flavor (`flavor_ref`), such as `gaussdb.proxy.large.x86.2`. Changed in place.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"node_num": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "Number of proxy nodes, 2 to 32. Changed in place by adding or removing the difference.",
				Validators:          []validator.Int64{int64validator.Between(2, 32)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Proxy name: 4 to 64 characters and at most 64 bytes (a Chinese character takes 3), starting with a letter " +
					"or a Chinese character; letters, digits, Chinese characters, `-` and `_`. Changed in place. " +
					"When not set, the provider sends a generated unique name (`proxy-` and 12 letters and digits), by which it finds the new proxy.",
				Validators:    []validator.String{proxyNameValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"proxy_mode": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "`readwrite` (default) or `readonly`. Changing it replaces the proxy. " +
					"Read back from the API's `proxy.type`, so an imported proxy records its real mode and a configuration that disagrees plans a replacement.",
				Validators: []validator.String{stringvalidator.OneOf("readwrite", "readonly")},
				PlanModifiers: []planmodifier.String{
					proxyModePlanModifier{},
					stringplanmodifier.RequiresReplaceIf(proxyModeRequiresReplace, "Changing proxy_mode replaces the proxy.", "Changing `proxy_mode` replaces the proxy."),
				},
			},
			"port": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Port the proxy listens on: 1025 to 65534, except the ports the service reserves " +
					"(1033, 5342 to 5345, 12017, 20000, 20201, 20202, 33062, 33071). Changed in place.",
				Validators:    []validator.Int64{portValidator()},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"nodes_read_weight": schema.ListNestedAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Read weights of the instance's database nodes (the primary and read replicas). " +
					"When not set, the API's weights are reported. Changed in place. In route modes `1` and `2` a weight is `0` (no reads) or `1`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Database node ID (ends in `no07`).",
							Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
						},
						"weight": schema.Int64Attribute{
							Required:            true,
							MarkdownDescription: "Read weight, 0 to 1000.",
							Validators:          []validator.Int64{int64validator.Between(0, 1000)},
						},
					},
				},
				Validators:    []validator.List{listvalidator.SizeAtLeast(1), uniqueWeightIDs{}},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"subnet_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Subnet of the proxy's address. Changing it replaces the proxy.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
			},
			"route_mode": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Routing policy: `0` weighted by `nodes_read_weight`; " +
					"`1` load balancing, the primary takes no reads; `2` load balancing, the primary takes reads. Changed in place. " +
					"Modes `1` and `2` need a proxy kernel that supports them (`balance_route_mode_enabled` in the API); others refuse them.",
				Validators:    []validator.Int64{int64validator.Between(0, 2)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"address": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Private address of the proxy.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": sharedString("Proxy status reported by the API, such as `ACTIVE`.",
				"`taurusdb_proxy_eip_association`, `taurusdb_proxy_upgrade`, `taurusdb_proxy_restart`"),
			"vcpus": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "vCPUs per proxy node.",
			},
			"ram": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Memory per proxy node, in GB.",
			},
			"nodes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The proxy's nodes.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Proxy node ID.",
						},
						"name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Proxy node name.",
						},
						"role": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Role of the node.",
						},
						"az_code": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Availability zone of the node.",
						},
						"status": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Status of the node.",
						},
						"frozen_flag": schema.Int64Attribute{
							Computed:            true,
							MarkdownDescription: "`0` not frozen, `1` frozen, `2` frozen and being deleted.",
						},
					},
				},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				Update:            true,
				Delete:            true,
				CreateDescription: "How long to wait for the proxy to be enabled (default `30m`).",
				UpdateDescription: "How long to wait for all changes of one update (default `30m`).",
				DeleteDescription: "How long destroy waits for the delete job and for the proxy to disappear (default `10m`).",
			}),
		},
	}
}

type identityModel struct {
	Region     types.String `tfsdk:"region"`
	InstanceID types.String `tfsdk:"instance_id"`
	ID         types.String `tfsdk:"id"`
}

func (r *proxyInstanceResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"region": identityRegionAttribute(),
			"instance_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the TaurusDB instance.",
			},
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the proxy (pool_id).",
			},
		},
	}
}
