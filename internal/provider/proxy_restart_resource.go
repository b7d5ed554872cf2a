// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ resource.Resource              = &proxyRestartResource{}
	_ resource.ResourceWithConfigure = &proxyRestartResource{}
)

const defaultRestartTimeout = 15 * time.Minute

// NewProxyRestartResource is the taurusdb_proxy_restart resource: creating
// it restarts a proxy.
func NewProxyRestartResource() resource.Resource {
	return &proxyRestartResource{}
}

type proxyRestartResource struct {
	configuredResource
}

type proxyRestartModel struct {
	ID         types.String   `tfsdk:"id"`
	Region     types.String   `tfsdk:"region"`
	InstanceID types.String   `tfsdk:"instance_id"`
	ProxyID    types.String   `tfsdk:"proxy_id"`
	Triggers   types.Map      `tfsdk:"triggers"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (r *proxyRestartResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_restart"
}

func (r *proxyRestartResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Restarts a TaurusDB database proxy: creating this resource sends `POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/restart` " +
			"and waits for the restart's job. Changing `triggers` (or the proxy) replaces it, which restarts the proxy again; " +
			"a plan without such a change restarts nothing. Destroying it does nothing to the proxy, and refreshing it makes no API call.",
		Attributes: withAttributes(proxyRefAttributes(
			"ID of the restart's job.",
			"ID of the TaurusDB instance. Changing it restarts that instance's proxy.",
			"ID of the proxy to restart (such as `taurusdb_proxy_instance.<name>.id`). Changing it restarts that proxy.",
		), map[string]schema.Attribute{
			"region": regionResourceAttribute(),
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary strings; when any of them changes, the proxy is restarted again. " +
					"For example the proxy's `parameters`, so that a change of a parameter that takes effect only after a restart gets one.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				CreateDescription: "How long to wait for the restart's job, including a busy instance (default `15m`).",
			}),
		}),
	}
}

// Create restarts the proxy and waits for the job.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/restart
// @API GET /v3/{project_id}/jobs
func (r *proxyRestartResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyRestartModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultRestartTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID := plan.InstanceID.ValueString(), plan.ProxyID.ValueString()
	jobID, d := restartWithin(ctx, c, instanceID, proxyID, timeout, "timeouts.create", "run terraform apply again: it sends a new restart.", nil)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(jobID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read makes no call: a restart that happened stays done.
func (r *proxyRestartResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is reached only by a change of timeouts: nothing to send.
func (r *proxyRestartResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan proxyRestartModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the restart; the proxy is left as it is.
func (r *proxyRestartResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// restartWithin restarts the proxy and waits for the restart's job, all
// within timeout (a busy instance included); seen, when set, receives each
// poll of the job. The resource and the action both restart with it; a
// failure is an error diagnostic naming the proxy, the job and its reason,
// with advice in the caller's words: what its timeout is called, and what
// running it again does.
func restartWithin(ctx context.Context, c *taurusdb.Client, instanceID, proxyID string, timeout time.Duration, timeoutName, again string, seen func(*taurusdb.Job)) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	summary := fmt.Sprintf("restarting TaurusDB proxy (%s)", proxyID)
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		diags.AddError(summary, opDetail(instanceID, proxyID, "", err, dayNextStep(err, instanceID, proxyID, "the restart", timeoutName, again)))
		return "", diags
	}
	defer release()
	jobID, err := c.RestartAndWait(ctx, instanceID, proxyID, seen)
	if err != nil {
		diags.AddError(summary, opDetail(instanceID, proxyID, jobID, err, dayNextStep(err, instanceID, proxyID, "the restart", timeoutName, again)))
	}
	return jobID, diags
}
