// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ resource.Resource                   = &proxyInstanceResource{}
	_ resource.ResourceWithConfigure      = &proxyInstanceResource{}
	_ resource.ResourceWithImportState    = &proxyInstanceResource{}
	_ resource.ResourceWithIdentity       = &proxyInstanceResource{}
	_ resource.ResourceWithModifyPlan     = &proxyInstanceResource{}
	_ resource.ResourceWithValidateConfig = &proxyInstanceResource{}
)

const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	// readTimeout bounds a refresh, which has no user-set timeout, so that
	// retries after throttling cannot hold a plan forever.
	readTimeout = 5 * time.Minute
	// detachedRead bounds the read that records what an update did after
	// its timeout or a Ctrl-C ended it.
	detachedRead = 15 * time.Second
)

// NewProxyInstanceResource is the taurusdb_proxy_instance resource.
func NewProxyInstanceResource() resource.Resource {
	return &proxyInstanceResource{}
}

type proxyInstanceResource struct {
	configuredResource
}

func (r *proxyInstanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_instance"
}

func (r *proxyInstanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	instanceID := plan.InstanceID.ValueString()
	body, d := plan.createRequest(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(createSummary(instanceID, ""), opDetail(instanceID, "", "", err,
			"Other operations of this provider on the instance outlasted timeouts.create; nothing was created. Raise timeouts.create or apply again."))
		return
	}
	defer release()

	recorded := func(proxyID string) {
		// Record the ID before anything else can fail, so the proxy is
		// never lost from state: if the wait fails, Terraform keeps it as
		// tainted and the next apply replaces or deletes it.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), proxyID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), body.ProxyName)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("timeouts"), plan.Timeouts)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{Region: plan.Region, InstanceID: plan.InstanceID, ID: types.StringValue(proxyID)})...)
	}
	created, err := c.CreateAndIdentify(ctx, instanceID, body, recorded)
	if err != nil {
		var ce *taurusdb.CreateError
		proxyID, jobID := "", ""
		if errors.As(err, &ce) {
			proxyID, jobID = ce.ProxyID, ce.JobID
		}
		resp.Diagnostics.AddError(createSummary(instanceID, proxyID), opDetail(instanceID, proxyID, jobID, err, createNextStep(err, body.ProxyName)))
		return
	}
	proxyID := created.ProxyID
	var changes taurusdb.ProxyChanges
	if known(plan.Port) {
		// The create call takes no port: set it in a second step (a no-op
		// when the proxy already listens there), then the settings the
		// create call does not take either.
		changes.Port = int(plan.Port.ValueInt64())
	}
	resp.Diagnostics.Append(settingsChanges(ctx, &plan, nil, &changes)...)
	err = c.UpdateProxyTracked(ctx, instanceID, proxyID, changes, taurusdb.UpdateOptions{
		Track: trackPendingJobs(ctx, resp.Private, &resp.Diagnostics),
	})
	var details *taurusdb.ProxyDetails
	if err == nil {
		details, err = readDetails(ctx, c, &plan, proxyID, false, false, &resp.Diagnostics)
	}
	if err != nil {
		resp.Diagnostics.AddError(createSummary(instanceID, proxyID), opDetail(instanceID, proxyID, stepJob(err), err,
			"The proxy exists and is kept in state as tainted: the next terraform apply replaces it. To keep it instead, run terraform untaint on this resource once it is ACTIVE; raise timeouts.create if it needs longer."))
		return
	}
	state := plan
	resp.Diagnostics.Append(state.fromAPI(ctx, details, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readDetails reads the proxy and the settings m manages outside the proxy
// list. A setting that could not be read is a warning (its prior value is
// kept): each is read only when the user has it in state.
//
// Access control is read when m holds it, or when imported is true. m
// holds it when it is configured (the plan has the configured object) and
// when state recorded it before: by an import, or by a provider version
// that read it for every proxy. A proxy created without it has it
// unknown in the plan and null in state, so it is never read: one call
// fewer per refresh. An import has no configuration to go by, so it reads
// it once (see importedKey) and the imported state is complete; that
// state then holds it, so it goes on being read, and being reported.
func readDetails(ctx context.Context, c *taurusdb.Client, m *proxyInstanceModel, proxyID string, shared, imported bool, diags *diag.Diagnostics) (*taurusdb.ProxyDetails, error) {
	want := taurusdb.DetailsWanted{AccessControl: imported || known(m.AccessControl), Parameters: !m.Parameters.IsNull()}
	d, err := c.ReadProxyDetails(ctx, m.InstanceID.ValueString(), proxyID, want, shared)
	if err != nil {
		return nil, err
	}
	for _, w := range d.Warnings {
		tflog.Warn(ctx, "could not read a detail of the TaurusDB proxy; keeping the prior value", map[string]any{"error": w.Error()})
	}
	if (want.Parameters && d.Parameters == nil) || (want.AccessControl && d.AccessControl == nil) {
		diags.AddWarning(fmt.Sprintf("reading TaurusDB proxy (%s)", proxyID),
			"A setting managed here could not be read, so its prior value is kept in state:\n"+errors.Join(d.Warnings...).Error())
	}
	return d, nil
}

// importedKey is the private-state key ImportState sets and the Read that
// follows an import clears: it tells that Read to fetch what an import
// cannot know to ask for (access control, see readDetails). Private state
// says so explicitly. Guessing an import from the state's shape (only the
// two IDs set) would also catch the partial state a failed create records,
// and would break silently whenever ImportState or Create change what they
// record.
const importedKey = "imported"

func (r *proxyInstanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyInstanceModel
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
	instanceID, proxyID := state.InstanceID.ValueString(), state.ID.ValueString()
	flag, d := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(d...)
	imported := len(flag) > 0
	details, err := readDetails(ctx, c, &state, proxyID, true, imported, &resp.Diagnostics)
	if taurusdb.IsNotFound(err) {
		resp.Diagnostics.AddWarning("TaurusDB proxy no longer exists",
			fmt.Sprintf("Proxy %s on instance %s was not found (or is DELETED); removing it from state. The next apply creates it again if it is still configured.", proxyID, instanceID))
		// The framework insists on an identity even for a removed
		// resource when the CLI stored none (Terraform before 1.12).
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{Region: identityRegion(ctx, req.Identity, state.Region), InstanceID: state.InstanceID, ID: state.ID})...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, "", err, "The state is unchanged; run the command again."))
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, details, listOrNil[weightModel](ctx, state.NodesReadWeight, &resp.Diagnostics))...)
	state.Region = r.stateRegion(state.Region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{Region: identityRegion(ctx, req.Identity, state.Region), InstanceID: state.InstanceID, ID: state.ID})...)
	if imported {
		// Done: from now on state says what to read.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	}
}

func (r *proxyInstanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state proxyInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if prior := state.Region.ValueString(); prior != "" && plan.Region.ValueString() != prior {
		// Only a region known at plan time can replace the proxy; one that
		// became known during apply must not send calls to another
		// region's project, nor record a region the proxy is not in.
		resp.Diagnostics.AddError(fmt.Sprintf("updating TaurusDB proxy (%s)", state.ID.ValueString()),
			fmt.Sprintf("The proxy is in region %s; the configuration now says %s, a value known only during apply, so the plan could not replace the proxy. "+
				"Nothing was changed. Set region to %s, or to a value known at plan time to move the proxy (which replaces it).", prior, plan.Region.ValueString(), prior))
		return
	}
	ctx, c := r.client(ctx, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID := state.InstanceID.ValueString(), state.ID.ValueString()
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, "", err,
			"Other operations of this provider on the instance outlasted timeouts.update; nothing was changed. Raise timeouts.update or apply again."))
		return
	}
	defer release()

	changes, d := updateChanges(ctx, &plan, &state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	err = c.UpdateProxyTracked(ctx, instanceID, proxyID, changes, taurusdb.UpdateOptions{
		Pending: pendingJobsOf(ctx, req.Private, &resp.Diagnostics),
		Track:   trackPendingJobs(ctx, resp.Private, &resp.Diagnostics),
	})
	// Read back whatever happened, also after a failure (on a detached
	// context if the timeout ended the update), so state records the
	// changes that did complete and the next plan shows only the rest.
	readCtx := ctx
	if ctx.Err() != nil {
		var cancelRead context.CancelFunc
		readCtx, cancelRead = context.WithTimeout(context.WithoutCancel(ctx), detachedRead)
		defer cancelRead()
	}
	details, rerr := readDetails(readCtx, c, &plan, proxyID, false, false, &resp.Diagnostics)
	summary := fmt.Sprintf("updating TaurusDB proxy (%s)", proxyID)
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, stepJob(err), err,
			"Changes made before this error are kept in state (the order is "+strings.Join(taurusdb.UpdateOrder, ", ")+"); fix the cause and run terraform apply again: it sends only the rest."))
		if rerr == nil {
			resp.Diagnostics.Append(state.fromAPI(ctx, details, listOrNil[weightModel](ctx, state.NodesReadWeight, &resp.Diagnostics))...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	if rerr != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, "", rerr, "The changes were made, but reading the proxy afterwards failed. Run terraform apply again to refresh it."))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, details, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{Region: identityRegion(ctx, req.Identity, plan.Region), InstanceID: plan.InstanceID, ID: plan.ID})...)
}

func (r *proxyInstanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state proxyInstanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID := state.InstanceID.ValueString(), state.ID.ValueString()
	// No instance lock here: the client gathers the Deletes of one
	// instance into one call and takes the lock for it.
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	jobID, err := c.DeleteAndWait(ctx, instanceID, proxyID)
	if err != nil {
		// Returning an error keeps the resource in state, so a later
		// destroy can try again.
		resp.Diagnostics.AddError(fmt.Sprintf("deleting TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, jobID, err, deleteNextStep(err)))
	}
}

func (r *proxyInstanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	region, instanceID, proxyID, ok := importedIDs[identityModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), r.resolvedRegion(types.StringValue(region)))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), proxyID)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{Region: r.resolvedRegion(types.StringValue(region)), InstanceID: types.StringValue(instanceID), ID: types.StringValue(proxyID)})...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}
