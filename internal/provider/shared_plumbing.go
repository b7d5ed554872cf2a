// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The plumbing every resource and data source of this provider repeats
// otherwise: holding the provider data, handing out the client, the
// attributes that name the proxy a companion resource acts on, and reading
// the two IDs of an import.

// configured is embedded by each resource and data source: it keeps the
// provider data from Configure and hands out the client.
type configured struct {
	data *providerData
}

func (c *configured) setProviderData(pd any, diags *diag.Diagnostics) {
	if d := providerDataOf(pd, diags); d != nil {
		c.data = d
	}
}

// client returns the API client of a region (null or "" = the provider's)
// with secrets masked in ctx's logs, or an error diagnostic (clientOf).
func (c *configured) client(ctx context.Context, region types.String, diags *diag.Diagnostics) (context.Context, *taurusdb.Client) {
	return clientOf(ctx, c.data, region.ValueString(), diags)
}

// configuredResource is configured for resources.
type configuredResource struct{ configured }

func (c *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.setProviderData(req.ProviderData, &resp.Diagnostics)
}

// configuredDataSource is configured for data sources.
type configuredDataSource struct{ configured }

func (c *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.setProviderData(req.ProviderData, &resp.Diagnostics)
}

// proxyRefAttributes are the id, instance_id and proxy_id attributes of a
// companion resource: id computed and kept, the two others required and
// replacing the resource when changed. Each resource says in its own words
// what its id is and what a change of the proxy does.
func proxyRefAttributes(idDesc, instanceDesc, proxyDesc string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: idDesc,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"instance_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: instanceDesc,
			Validators:          []validator.String{instanceIDValidator()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"proxy_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: proxyDesc,
			Validators:          []validator.String{proxyIDValidator()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	}
}

// withAttributes adds more to attrs and returns it.
func withAttributes(attrs map[string]schema.Attribute, more map[string]schema.Attribute) map[string]schema.Attribute {
	for k, v := range more {
		attrs[k] = v
	}
	return attrs
}

// proxyIdentity is an identity model that names an instance and a proxy.
type proxyIdentity interface {
	ids() (region, instanceID, proxyID string)
}

func (m identityModel) ids() (string, string, string) {
	return m.Region.ValueString(), m.InstanceID.ValueString(), m.ID.ValueString()
}
func (m eipIdentityModel) ids() (string, string, string) {
	return m.Region.ValueString(), m.InstanceID.ValueString(), m.ProxyID.ValueString()
}

// importedIDs reads the region, instance and proxy IDs of an import: from
// the ID `[<region>/]<instance_id>/<proxy_id>`, or else from the identity
// (model T), whose region may be unset (the provider's). ok is
// false with an error diagnostic when they are not valid IDs.
func importedIDs[T proxyIdentity](ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (region, instanceID, proxyID string, ok bool) {
	if req.ID != "" {
		region, instanceID, proxyID, err := parseImportID(req.ID)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error())
			return "", "", "", false
		}
		return region, instanceID, proxyID, true
	}
	var id T
	diags.Append(req.Identity.Get(ctx, &id)...)
	if diags.HasError() {
		return "", "", "", false
	}
	region, instanceID, proxyID = id.ids()
	if err := checkIDs(instanceID, proxyID); err != nil {
		diags.AddError("Invalid import identity", err.Error())
		return "", "", "", false
	}
	if region != "" && !regionRe.MatchString(region) {
		diags.AddError("Invalid import identity", fmt.Sprintf("region %q is not a region name such as cn-north-4", region))
		return "", "", "", false
	}
	return region, instanceID, proxyID, true
}

// privateState is the resource private state of the framework's requests
// and responses, whose type is internal to the framework. Resources keep
// in it what must survive a failed apply without being an attribute: jobs
// that may still be running, an import that has not been read yet.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// begin bounds ctx by the operation's timeout and takes the instance lock
// (the API runs one job per instance at a time). release undoes both.
func begin(ctx context.Context, c *taurusdb.Client, instanceID string, timeout time.Duration) (context.Context, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	unlock, err := c.LockInstance(ctx, instanceID)
	if err != nil {
		cancel()
		return ctx, nil, err
	}
	return ctx, func() { unlock(); cancel() }, nil
}

// getPrivateJSON decodes the JSON value of key into into, which a key that
// is not set leaves as it is. The error is a value that is not JSON of
// that shape, which each caller words (and weighs) itself.
func getPrivateJSON(ctx context.Context, p privateState, key string, into any, diags *diag.Diagnostics) error {
	raw, d := p.GetKey(ctx, key)
	diags.Append(d...)
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, into)
}

// setPrivateJSON stores v as the JSON value of key, or removes the key
// when remove is true (the framework removes a key set to nothing).
func setPrivateJSON(ctx context.Context, p privateState, key string, v any, remove bool) diag.Diagnostics {
	if remove {
		return p.SetKey(ctx, key, nil)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("recording "+key+" in the resource's private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}
