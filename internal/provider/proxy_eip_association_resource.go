// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ resource.Resource                = &proxyEIPAssociationResource{}
	_ resource.ResourceWithConfigure   = &proxyEIPAssociationResource{}
	_ resource.ResourceWithImportState = &proxyEIPAssociationResource{}
	_ resource.ResourceWithIdentity    = &proxyEIPAssociationResource{}
)

const (
	defaultEIPBindTimeout   = 10 * time.Minute
	defaultEIPUnbindTimeout = 10 * time.Minute
)

// NewProxyEIPAssociationResource is the taurusdb_proxy_eip_association
// resource: an elastic public IP bound to a proxy.
func NewProxyEIPAssociationResource() resource.Resource {
	return &proxyEIPAssociationResource{}
}

type proxyEIPAssociationResource struct {
	configuredResource
}

type proxyEIPAssociationModel struct {
	ID         types.String   `tfsdk:"id"`
	Region     types.String   `tfsdk:"region"`
	InstanceID types.String   `tfsdk:"instance_id"`
	ProxyID    types.String   `tfsdk:"proxy_id"`
	PublicIP   types.String   `tfsdk:"public_ip"`
	PublicIPID types.String   `tfsdk:"public_ip_id"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// eipIdentityModel is the association's identity: the proxy it binds to.
type eipIdentityModel struct {
	Region     types.String `tfsdk:"region"`
	InstanceID types.String `tfsdk:"instance_id"`
	ProxyID    types.String `tfsdk:"proxy_id"`
}

func (r *proxyEIPAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_eip_association"
}

func (r *proxyEIPAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds an elastic public IP (EIP) to a TaurusDB database proxy. Creating it sends `PUT .../proxy/{proxy_id}/bind` with " +
			"`bind = \"true\"`, waits for the job and then for the proxy list to show the address as the proxy's `eip`; destroying it unbinds the address " +
			"the same way (`bind = \"false\"`) and waits for `eip` to be empty. A proxy has at most one EIP. " +
			"The address is read back from the proxy list: one changed outside Terraform shows as a replacement on the next plan, " +
			"and one unbound outside Terraform removes the association from state (with a warning), so the next apply binds it again. " +
			"A bind whose job outlasts `timeouts.create` is kept in state as tainted from the moment the API accepts it: " +
			"refreshes keep it while the job runs, the next apply waits for the job, unbinds and binds again, " +
			"and destroying it (or removing the block) waits for the job and unbinds the address it bound.",
		Attributes: withAttributes(proxyRefAttributes(
			"`<instance_id>/<proxy_id>`, the import ID.",
			"ID of the TaurusDB instance. Changing it moves the binding.",
			"ID of the proxy (such as `taurusdb_proxy_instance.<name>.id`). Changing it moves the binding.",
		), map[string]schema.Attribute{
			"region": regionResourceAttribute(),
			"public_ip": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The elastic public IP address (IPv4), such as `huaweicloud_vpc_eip.<name>.address`. Changing it unbinds the old address and binds the new one.",
				Validators:          []validator.String{ipv4Validator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"public_ip_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ID of the elastic public IP (a UUID), such as `huaweicloud_vpc_eip.<name>.id`; the bind call needs it. " +
					"The proxy API does not report it: after an import it is looked up by address at the VPC service " +
					"(`GET /v1/{project_id}/publicips?public_ip_address=`, at the provider's `vpc_endpoint`), so the import is complete. " +
					"If that look-up fails (a warning says why), the first apply after the import records the configured value without any call. " +
					"Changing it after that rebinds the address.",
				Validators: []validator.String{eipIDValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(publicIPIDRequiresReplace,
					"Changing public_ip_id rebinds the address, unless the prior value is unknown (after an import).",
					"Changing `public_ip_id` rebinds the address, unless the prior value is unknown (after an import).")},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				Delete:            true,
				CreateDescription: "How long to wait for the bind job and for the proxy list to show the address (default `10m`).",
				DeleteDescription: "How long to wait for the unbind job and for the proxy list to show no address (default `10m`), " +
					"including, for a bind that outlasted `timeouts.create`, the wait for that bind's job.",
			}),
		}),
	}
}

// publicIPIDRequiresReplace rebinds for a new public_ip_id, except when
// state has none: an import cannot read it, and recording the configured
// one must not unbind a working address.
func publicIPIDRequiresReplace(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsUnknown() && !req.PlanValue.Equal(req.StateValue)
}

func (r *proxyEIPAssociationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"region": identityRegionAttribute(),
			"instance_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the TaurusDB instance.",
			},
			"proxy_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the proxy (pool_id) the address is bound to.",
			},
		},
	}
}

// Create binds the address and waits until the proxy list shows it.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/bind
// @API GET /v3/{project_id}/jobs
func (r *proxyEIPAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyEIPAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultEIPBindTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID, ip := plan.InstanceID.ValueString(), plan.ProxyID.ValueString(), plan.PublicIP.ValueString()
	summary := fmt.Sprintf("binding elastic public IP %s to TaurusDB proxy (%s)", ip, proxyID)
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, "", err, bindNextStep(err, instanceID, proxyID, false)))
		return
	}
	defer release()
	plan.ID = types.StringValue(instanceID + "/" + proxyID)
	identity := eipIdentityModel{Region: plan.Region, InstanceID: plan.InstanceID, ProxyID: plan.ProxyID}
	recorded := false
	accepted := func(jobID string) {
		// Record the association as soon as the API has accepted the
		// bind: the job may bind the address even if this wait ends first
		// (timeouts.create, Ctrl-C), and an address bound with nothing in
		// state would never be unbound. After an error Terraform keeps it
		// as tainted; the job ID lets Read and Delete see the bind through.
		recorded = true
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
		resp.Diagnostics.Append(setPendingBind(ctx, resp.Private, jobID)...)
	}
	jobID, err := c.BindEIPAndWait(ctx, instanceID, proxyID, ip, plan.PublicIPID.ValueString(), accepted)
	if err != nil {
		var failed *taurusdb.JobFailedError
		if recorded && errors.As(err, &failed) {
			// The API rolled the bind back: there is nothing to track.
			recorded = false
			resp.State.RemoveResource(ctx)
		}
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, jobID, err, bindNextStep(err, instanceID, proxyID, recorded)))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
	resp.Diagnostics.Append(setPendingBind(ctx, resp.Private, "")...)
}

// bindNextStep says what to do after a failed bind. recorded is true when
// the association is in state (tainted) because the API accepted the bind.
func bindNextStep(err error, instanceID, proxyID string, recorded bool) string {
	var conflict *taurusdb.EIPConflictError
	if errors.As(err, &conflict) {
		return fmt.Sprintf("Nothing was sent. To manage the address that is bound, import it (ID %s/%s) with public_ip = %q; "+
			"to bind another one, unbind %s first.", instanceID, proxyID, conflict.Bound, conflict.Bound)
	}
	if recorded {
		return "The API accepted the bind, and its job may still bind the address: the association is kept in state as tainted, " +
			"so Terraform can undo it. The next terraform apply waits for that job, unbinds the address and binds it again; " +
			"removing the resource from the configuration (or terraform destroy) waits for the job and unbinds it. " +
			"To keep the binding as it is instead, run terraform untaint on this resource once the proxy shows the address. " +
			"Raise timeouts.create if binds take longer."
	}
	return dayNextStep(err, instanceID, proxyID, "the bind", "timeouts.create",
		"run terraform apply again: it reads the proxy first and sends no second bind once the address shows.")
}

// pendingBindKey is the private state of an association recorded before
// its bind job had ended: that job's ID. Create removes it once the proxy
// shows the address, Read once the list does.
const pendingBindKey = "pending_bind"

type pendingBind struct {
	JobID string `json:"job_id"`
}

// setPendingBind records jobID as the bind still to be seen through; ""
// removes the record.
func setPendingBind(ctx context.Context, p privateState, jobID string) diag.Diagnostics {
	return setPrivateJSON(ctx, p, pendingBindKey, pendingBind{JobID: jobID}, jobID == "")
}

// pendingBindJob is the recorded bind job, or "".
func pendingBindJob(ctx context.Context, p privateState, diags *diag.Diagnostics) string {
	var pb pendingBind
	if err := getPrivateJSON(ctx, p, pendingBindKey, &pb, diags); err != nil {
		raw, _ := p.GetKey(ctx, pendingBindKey)
		diags.AddError("reading the recorded bind job", fmt.Sprintf("The private state of this association holds %q, which is not a recorded bind job: %v. "+
			"This is a bug in the provider; please report it.", raw, err))
		return ""
	}
	return pb.JobID
}

// Read takes the address from the proxy list: drift shows as a new
// public_ip; an unbound address or a gone proxy removes the association.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
func (r *proxyEIPAssociationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyEIPAssociationModel
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
	identity := eipIdentityModel{Region: identityRegion(ctx, req.Identity, state.Region), InstanceID: state.InstanceID, ProxyID: state.ProxyID}
	bindJob := pendingBindJob(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := c.ReadProxy(ctx, instanceID, proxyID)
	if err == nil && e.Proxy.EIP == "" && bindJob != "" {
		// A bind recorded before its job ended (an apply cut short by
		// timeouts.create) may bind the address after this refresh.
		// Dropping the association now would leave that address bound
		// with nothing in state to unbind it, and a configuration without
		// the block would never unbind it. So while the job may still
		// land (it runs, or the task center does not answer for it yet)
		// the association stays in state as it is: it is tainted, so the
		// next apply replaces it and a destroy waits for the job first.
		// Only a job known to have ended decides: Failed bound nothing, so
		// the association goes (and the next apply binds again);
		// Completed bound the address, so its absence now is an unbind
		// outside Terraform, handled as below.
		landing, job, jerr := c.BindMayStillLand(ctx, bindJob)
		switch {
		case jerr != nil:
			resp.Diagnostics.AddError(fmt.Sprintf("reading TaurusDB proxy (%s)", proxyID),
				opDetail(instanceID, proxyID, bindJob, jerr, "The state is unchanged; run the command again."))
			return
		case landing:
			resp.Diagnostics.AddWarning("Elastic public IP bind still running",
				fmt.Sprintf("The bind of %s to proxy %s on instance %s (job %s), accepted by an earlier apply, has not ended, and the proxy shows no address yet. "+
					"The association stays in state so that the address is unbound if it is no longer wanted; the next apply or destroy waits for the job.",
					state.PublicIP.ValueString(), proxyID, instanceID, bindJob))
			resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
			return
		case job.Status == taurusdb.JobFailed:
			resp.Diagnostics.AddWarning("Elastic public IP bind failed",
				fmt.Sprintf("The bind of %s to proxy %s on instance %s (job %s) failed: %s. Nothing was bound; removing the association from state. "+
					"The next apply binds the configured address again.", state.PublicIP.ValueString(), proxyID, instanceID, bindJob, job.FailReason))
			resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
			resp.State.RemoveResource(ctx)
			return
		}
	}
	switch {
	case taurusdb.IsNotFound(err):
		resp.Diagnostics.AddWarning("TaurusDB proxy no longer exists",
			fmt.Sprintf("Proxy %s on instance %s was not found (or is DELETED); removing its elastic public IP association from state.", proxyID, instanceID))
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("reading TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, "", err, "The state is unchanged; run the command again."))
		return
	case e.Proxy.EIP == "":
		ip := state.PublicIP.ValueString()
		if ip == "" {
			ip = "its address"
		}
		resp.Diagnostics.AddWarning("Elastic public IP no longer bound",
			fmt.Sprintf("Proxy %s on instance %s has no elastic public IP bound (%s was unbound outside Terraform); removing the association from state. "+
				"The next apply binds the configured address again.", proxyID, instanceID, ip))
	default:
		if bindJob != "" && e.Proxy.EIP == state.PublicIP.ValueString() {
			// The recorded bind has landed: nothing left to see through.
			resp.Diagnostics.Append(setPendingBind(ctx, resp.Private, "")...)
		}
		state.ID = types.StringValue(instanceID + "/" + proxyID)
		state.PublicIP = types.StringValue(e.Proxy.EIP)
		state.Region = r.stateRegion(state.Region)
		if state.PublicIPID.IsNull() || state.PublicIPID.ValueString() == "" {
			// After an import: the proxy list names the address only.
			state.PublicIPID = lookUpPublicIPID(ctx, c, proxyID, e.Proxy.EIP, &resp.Diagnostics)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
		return
	}
	// The framework insists on an identity even for a removed resource
	// when the CLI stored none (Terraform before 1.12).
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
	resp.State.RemoveResource(ctx)
}

// lookUpPublicIPID asks the VPC service for the ID of the address; null
// with a warning when it cannot, since the association works without it
// and the first apply then records the configured ID.
// @API GET /v1/{project_id}/publicips
func lookUpPublicIPID(ctx context.Context, c *taurusdb.Client, proxyID, address string, diags *diag.Diagnostics) types.String {
	ip, err := c.FindPublicIP(ctx, address)
	if err != nil {
		diags.AddWarning("Elastic public IP ID not read",
			fmt.Sprintf("Proxy %s has %s bound, but its ID could not be looked up: %v. public_ip_id stays empty; "+
				"the next apply records the configured value without any call. Set the provider's vpc_endpoint (or region) if it is missing.", proxyID, address, err))
		return types.StringNull()
	}
	return types.StringValue(ip.ID)
}

// Update records a new public_ip_id where state had none (after an import)
// or new timeouts: nothing to send.
func (r *proxyEIPAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan proxyEIPAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, eipIdentityModel{Region: identityRegion(ctx, req.Identity, plan.Region), InstanceID: plan.InstanceID, ProxyID: plan.ProxyID})...)
}

// Delete unbinds the address and waits until the proxy list shows none.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/bind
// @API GET /v3/{project_id}/jobs
func (r *proxyEIPAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state proxyEIPAssociationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultEIPUnbindTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID, ip := state.InstanceID.ValueString(), state.ProxyID.ValueString(), state.PublicIP.ValueString()
	summary := fmt.Sprintf("unbinding elastic public IP %s from TaurusDB proxy (%s)", ip, proxyID)
	const again = "run terraform destroy (or apply) again: the association is kept in state until the address is unbound."
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, "", err, dayNextStep(err, instanceID, proxyID, "the unbind", "timeouts.delete", again)))
		return
	}
	defer release()
	// A bind recorded before its job ended (see Create) is waited for
	// before anything is decided.
	bindJob := pendingBindJob(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := c.UnbindEIPAndWait(ctx, instanceID, proxyID, ip, bindJob)
	var running *taurusdb.BindRunningError
	if errors.As(err, &running) {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, running.JobID, err,
			"The bind job that an earlier apply recorded has not ended within timeouts.delete; unbinding before it ends could not undo what it binds. "+
				"Once the job has ended, "+again))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, out.JobID, err, dayNextStep(err, instanceID, proxyID, "the unbind", "timeouts.delete", again)))
		return
	}
	if out.Other != "" {
		resp.Diagnostics.AddWarning(summary,
			fmt.Sprintf("Proxy %s has the elastic public IP %s bound, not %s: it was bound outside this association and is left as it is.", proxyID, out.Other, ip))
	}
}

// ImportState takes `[<region>/]<instance_id>/<proxy_id>` or the identity;
// Read then fills public_ip from the proxy list and public_ip_id from VPC.
func (r *proxyEIPAssociationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	region, instanceID, proxyID, ok := importedIDs[eipIdentityModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), r.resolvedRegion(types.StringValue(region)))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), instanceID+"/"+proxyID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("proxy_id"), proxyID)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, eipIdentityModel{Region: r.resolvedRegion(types.StringValue(region)), InstanceID: types.StringValue(instanceID), ProxyID: types.StringValue(proxyID)})...)
}
