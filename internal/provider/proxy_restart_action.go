// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ action.Action                   = &proxyRestartAction{}
	_ action.ActionWithConfigure      = &proxyRestartAction{}
	_ action.ActionWithValidateConfig = &proxyRestartAction{}
)

// NewProxyRestartAction is the taurusdb_proxy_restart action (Terraform
// 1.14+): a restart invoked when asked (terraform apply -invoke, or a
// resource's action_trigger), with no state. The taurusdb_proxy_restart
// resource remains for OpenTofu and older Terraform.
func NewProxyRestartAction() action.Action {
	return &proxyRestartAction{}
}

type proxyRestartAction struct {
	data *providerData
}

type proxyRestartActionModel struct {
	Region     types.String `tfsdk:"region"`
	InstanceID types.String `tfsdk:"instance_id"`
	ProxyID    types.String `tfsdk:"proxy_id"`
	Timeout    types.String `tfsdk:"timeout"`
}

func (a *proxyRestartAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_restart"
}

func (a *proxyRestartAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Restarts a TaurusDB database proxy and waits for the restart's job, reporting its progress. " +
			"Invoke it with `terraform apply -invoke=action.taurusdb_proxy_restart.<name>`, or from a resource's " +
			"`lifecycle { action_trigger { ... } }` (for example after an update of the proxy's `parameters`). " +
			"Needs Terraform 1.14 or later; with OpenTofu or an older Terraform use the `taurusdb_proxy_restart` resource.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, MarkdownDescription: "Region of the proxy. Defaults to the provider's `region`.", Validators: []validator.String{regionValidator()}},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the TaurusDB instance.",
				Validators:          []validator.String{instanceIDValidator()},
			},
			"proxy_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the proxy to restart (such as `taurusdb_proxy_instance.<name>.id`).",
				Validators:          []validator.String{proxyIDValidator()},
			},
			"timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "How long to wait for the restart's job, including a busy instance, as a Go duration (default `15m`).",
			},
		},
	}
}

func (a *proxyRestartAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if d := providerDataOf(req.ProviderData, &resp.Diagnostics); d != nil {
		a.data = d
	}
}

// ValidateConfig checks the timeout at plan time.
func (a *proxyRestartAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m proxyRestartActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := restartActionTimeout(m.Timeout); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid timeout", err.Error())
	}
}

func restartActionTimeout(v types.String) (time.Duration, error) {
	if !known(v) {
		return defaultRestartTimeout, nil
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("timeout %q is not a positive Go duration such as \"15m\" or \"1h30m\"", v.ValueString())
	}
	return d, nil
}

// Invoke restarts the proxy and waits for the job, sending the job's
// status and percentage as progress while it waits.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/restart
// @API GET /v3/{project_id}/jobs
func (a *proxyRestartAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m proxyRestartActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := clientOf(ctx, a.data, m.Region.ValueString(), &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, err := restartActionTimeout(m.Timeout)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid timeout", err.Error())
		return
	}
	instanceID, proxyID := m.InstanceID.ValueString(), m.ProxyID.ValueString()
	progress := func(string) {}
	if resp.SendProgress != nil {
		progress = func(msg string) {
			// Nobody reads progress after the apply was interrupted; the
			// send would block while the restart holds the instance lock.
			if ctx.Err() == nil {
				resp.SendProgress(action.InvokeProgressEvent{Message: msg})
			}
		}
	}
	progress(fmt.Sprintf("restarting proxy %s on instance %s", proxyID, instanceID))
	last := ""
	// Not "invoke it again" plainly: after a timeout the first restart may
	// still be running, and a second one would be a second outage.
	jobID, d := restartWithin(ctx, c, instanceID, proxyID, timeout, "the action's timeout",
		"look at the restart's job (above) in the console, and invoke the action again only if it did not complete: it sends a new restart.",
		func(j *taurusdb.Job) {
			if msg := restartProgress(j); msg != last {
				// Only what changed: a poll a second would repeat itself.
				last = msg
				progress(msg)
			}
		})
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	progress(fmt.Sprintf("proxy %s restarted (job %s completed)", proxyID, jobID))
}

// restartProgress words a poll of the restart's job.
func restartProgress(j *taurusdb.Job) string {
	if p, ok := j.Percent(); ok {
		return fmt.Sprintf("restart job %s: %s, %.0f%%", j.ID, j.Status, p)
	}
	return fmt.Sprintf("restart job %s: %s", j.ID, j.Status)
}
