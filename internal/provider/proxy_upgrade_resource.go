// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ resource.Resource              = &proxyUpgradeResource{}
	_ resource.ResourceWithConfigure = &proxyUpgradeResource{}
)

const defaultUpgradeTimeout = 30 * time.Minute

// NewProxyUpgradeResource is the taurusdb_proxy_upgrade resource: creating
// it upgrades a proxy's kernel.
func NewProxyUpgradeResource() resource.Resource {
	return &proxyUpgradeResource{}
}

type proxyUpgradeResource struct {
	configuredResource
}

type proxyUpgradeModel struct {
	ID             types.String   `tfsdk:"id"`
	Region         types.String   `tfsdk:"region"`
	InstanceID     types.String   `tfsdk:"instance_id"`
	ProxyID        types.String   `tfsdk:"proxy_id"`
	TargetVersion  types.String   `tfsdk:"target_version"`
	SourceVersion  types.String   `tfsdk:"source_version"`
	CurrentVersion types.String   `tfsdk:"current_version"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (r *proxyUpgradeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_upgrade"
}

func (r *proxyUpgradeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Upgrades the kernel of a TaurusDB database proxy to `target_version`. Creating this resource reads the proxy's version " +
			"(`GET .../proxy/{proxy_id}/taurusproxy/proxy-version`), sends `POST .../proxy/{proxy_id}/upgrade-version` with the current version as " +
			"`source_version`, and waits until the API reports `target_version` as the current one. A proxy that already runs `target_version` " +
			"is recorded without a call; one for which the API offers no upgrade (`can_upgrade` false) fails before anything is sent. " +
			"Changing `target_version` upgrades again. Destroying it does nothing to the proxy: a kernel is never downgraded.",
		Attributes: withAttributes(proxyRefAttributes(
			"`<instance_id>/<proxy_id>`.",
			"ID of the TaurusDB instance. Changing it upgrades that instance's proxy.",
			"ID of the proxy to upgrade (such as `taurusdb_proxy_instance.<name>.id`). Changing it upgrades that proxy.",
		), map[string]schema.Attribute{
			"region": regionResourceAttribute(),
			"target_version": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kernel version to run, such as `2.25.06.000`: the `latest_version` the API offers " +
					"(`taurusdb_proxy_instances` shows each proxy's `current_version` and `can_upgrade`). Changing it upgrades again.",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 64)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"source_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Kernel version the proxy ran before this upgrade (equal to `target_version` when it already ran that).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"current_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Kernel version the proxy runs, as last read.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				CreateDescription: "How long to wait for the new version to show, including a busy instance (default `30m`).",
			}),
		}),
	}
}

// Create upgrades the kernel and waits for the version to show.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/upgrade-version
// @API GET /v3/{project_id}/jobs
func (r *proxyUpgradeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyUpgradeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultUpgradeTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID, target := plan.InstanceID.ValueString(), plan.ProxyID.ValueString(), plan.TargetVersion.ValueString()
	summary := fmt.Sprintf("upgrading TaurusDB proxy (%s)", proxyID)
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, "", err, upgradeNextStep(err, instanceID, proxyID)))
		return
	}
	defer release()
	out, err := c.UpgradeAndWait(ctx, instanceID, proxyID, target)
	if err != nil {
		job := ""
		if out != nil {
			job = out.WorkflowID
		}
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, job, err, upgradeNextStep(err, instanceID, proxyID)))
		return
	}
	plan.ID = types.StringValue(instanceID + "/" + proxyID)
	plan.SourceVersion = types.StringValue(out.SourceVersion)
	plan.CurrentVersion = types.StringValue(out.CurrentVersion)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func upgradeNextStep(err error, instanceID, proxyID string) string {
	var none *taurusdb.NoUpgradeError
	var refused *taurusdb.UpgradeRefusedError
	switch {
	case errors.As(err, &none):
		return fmt.Sprintf("Nothing was sent. Set target_version to a version the API offers: the proxy's current version (%s) records it as it is, without a call; "+
			"or remove this resource.", none.Current)
	case errors.As(err, &refused):
		return "Nothing was upgraded. Set target_version to the latest_version the API reports, or fix the cause above, then run terraform apply again."
	}
	return dayNextStep(err, instanceID, proxyID, "the upgrade", "timeouts.create",
		"run terraform apply again: it reads the version first and waits for an upgrade still running instead of sending another.")
}

// Read refreshes current_version. A proxy that is gone takes the upgrade
// out of state.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version
func (r *proxyUpgradeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyUpgradeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	instanceID, proxyID := state.InstanceID.ValueString(), state.ProxyID.ValueString()
	v, err := c.GetProxyVersion(ctx, instanceID, proxyID)
	if err != nil {
		// A not-found code is a hint; only the proxy list can say the
		// proxy is gone.
		err = c.ConfirmGone(ctx, instanceID, proxyID, err)
	}
	if taurusdb.IsNotFound(err) {
		resp.Diagnostics.AddWarning("TaurusDB proxy no longer exists",
			fmt.Sprintf("Proxy %s on instance %s was not found; removing its upgrade from state.", proxyID, instanceID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading the kernel version of TaurusDB proxy (%s)", proxyID),
			opDetail(instanceID, proxyID, "", err, "The state is unchanged; run the command again."))
		return
	}
	state.CurrentVersion = types.StringValue(v.CurrentVersion)
	state.Region = r.stateRegion(state.Region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is reached only by a change of timeouts: nothing to send.
func (r *proxyUpgradeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan proxyUpgradeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the upgrade; the kernel stays as it is.
func (r *proxyUpgradeResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
