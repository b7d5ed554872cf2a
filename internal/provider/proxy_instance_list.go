// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ list.ListResource              = &proxyInstanceListResource{}
	_ list.ListResourceWithConfigure = &proxyInstanceListResource{}
)

// NewProxyInstanceListResource is `list "taurusdb_proxy_instance"` for
// terraform query (Terraform 1.14+): every proxy of an instance with its
// identity, and its full resource object when asked, so that
// `terraform query -generate-config-out=proxies.tf` writes import blocks
// and configuration for proxies that exist.
func NewProxyInstanceListResource() list.ListResource {
	return &proxyInstanceListResource{}
}

type proxyInstanceListResource struct {
	configuredResource
}

type proxyInstanceListModel struct {
	Region     types.String `tfsdk:"region"`
	InstanceID types.String `tfsdk:"instance_id"`
	Name       types.String `tfsdk:"name"`
	ProxyMode  types.String `tfsdk:"proxy_mode"`
	Status     types.String `tfsdk:"status"`
}

func (r *proxyInstanceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_instance"
}

func (r *proxyInstanceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the proxies of a TaurusDB instance for `terraform query`, each with its identity " +
			"(`instance_id`, `id`) and, with `include_resource = true`, the resource as an import would record it.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, MarkdownDescription: "Region to list proxies in. Defaults to the provider's `region`. Each result's identity names it, so its import works from a provider block of another region.", Validators: []validator.String{regionValidator()}},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the TaurusDB instance whose proxies are listed.",
				Validators:          []validator.String{instanceIDValidator()},
			},
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the proxy with this name.",
			},
			"proxy_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only proxies in this mode: `readwrite` or `readonly`.",
				Validators:          []validator.String{stringvalidator.OneOf("readwrite", "readonly")},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only proxies in this status, such as `ACTIVE`. Proxies listed as `DELETED` are left out unless this asks for them.",
			},
		},
	}
}

// List reads the instance's proxy list once and streams one result per
// proxy that passes the filters, up to the request's limit.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/ipgroup
func (r *proxyInstanceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg proxyInstanceListModel
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx, c := r.client(ctx, cfg.Region, &diags)
	if c == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	instanceID := cfg.InstanceID.ValueString()
	keep := proxyFilter(types.StringNull(), cfg.Name, cfg.Status, cfg.ProxyMode)
	// The list once; details only for the results returned, and only when
	// the resource is asked for: with a limit of 1 on a large instance this
	// is one or two calls, not one per proxy.
	entries, err := c.ListProxyEntries(ctx, instanceID, keep)
	if err != nil {
		cancel()
		next := "Run the query again."
		if taurusdb.IsNotFound(err) || taurusdb.HasNotFoundCode(err) {
			next = notFoundHelp(instanceID, "")
		}
		diags.AddError(fmt.Sprintf("listing the TaurusDB proxies of instance (%s)", instanceID), opDetail(instanceID, "", "", err, next))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		defer cancel()
		for i, e := range entries {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			res := proxyListResult(ctx, c, req, r.resolvedRegion(cfg.Region), instanceID, e)
			if i == 0 {
				// Warnings from reading the configuration ride on the first
				// result rather than being lost.
				res.Diagnostics = append(diags, res.Diagnostics...)
			}
			if !push(res) {
				return
			}
		}
	}
}

// proxyListResult is one proxy as a list result: its identity, a display
// name, and when asked the resource as Read after an import records it
// (access control read, as an import cannot know whether the configuration
// manages it; no parameters; no timeouts).
func proxyListResult(ctx context.Context, c *taurusdb.Client, req list.ListRequest, region types.String, instanceID string, e *taurusdb.ProxyEntry) list.ListResult {
	res := req.NewListResult(ctx)
	p := e.Proxy
	res.DisplayName = fmt.Sprintf("%s (%s, %s)", p.Name, p.PoolID, p.Status)
	res.Diagnostics.Append(res.Identity.Set(ctx, identityModel{Region: region, InstanceID: types.StringValue(instanceID), ID: types.StringValue(p.PoolID)})...)
	if !req.IncludeResource {
		return res
	}
	d := c.DetailsOf(ctx, instanceID, e, taurusdb.DetailsWanted{AccessControl: true})
	// From a null object to one with typed nulls, as an import starts.
	res.Diagnostics.Append(res.Resource.SetAttribute(ctx, path.Root("region"), region)...)
	res.Diagnostics.Append(res.Resource.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	res.Diagnostics.Append(res.Resource.SetAttribute(ctx, path.Root("id"), p.PoolID)...)
	var m proxyInstanceModel
	res.Diagnostics.Append(res.Resource.Get(ctx, &m)...)
	if res.Diagnostics.HasError() {
		return res
	}
	res.Diagnostics.Append(m.fromAPI(ctx, d, nil)...)
	if len(d.Warnings) > 0 {
		res.Diagnostics.AddWarning(fmt.Sprintf("reading TaurusDB proxy (%s)", p.PoolID),
			"Some details could not be read and are left empty:\n"+errors.Join(d.Warnings...).Error())
	}
	res.Diagnostics.Append(res.Resource.Set(ctx, &m)...)
	return res
}
