package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	data *providerData
}

func (r *proxyInstanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_instance"
}

var weightAttrTypes = map[string]attr.Type{"id": types.StringType, "weight": types.Int64Type}

var nodeAttrTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "role": types.StringType, "az_code": types.StringType, "status": types.StringType,
}

func (r *proxyInstanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A database proxy of a TaurusDB (GaussDB for MySQL) instance. " +
			"Destroying it disables the proxy: the provider sends `DELETE /v3/{project_id}/instances/{instance_id}/proxy` naming this proxy's ID " +
			"and returns only when the API's job has completed and the proxy is gone from the instance's proxy list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The proxy's ID (`pool_id`, 36 characters ending in `po01`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"instance_id": schema.StringAttribute{Required: true, MarkdownDescription: "ID of the TaurusDB instance the proxy belongs to. Changing it replaces the proxy.",
				Validators: []validator.String{instanceIDValidator()}, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"flavor": schema.StringAttribute{Required: true, MarkdownDescription: "Proxy flavor (`flavor_ref`), such as `gaussdb.proxy.large.x86.2`. Changed in place.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)}},
			"node_num": schema.Int64Attribute{Required: true, MarkdownDescription: "Number of proxy nodes, 2 to 32. Changed in place by adding or removing the difference.",
				Validators: []validator.Int64{int64validator.Between(2, 32)}},
			"name": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Proxy name: 4 to 64 characters, starting with a letter; letters, digits, `-` and `_`. Changed in place.",
				Validators: []validator.String{proxyNameValidator()}, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"proxy_mode": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "`readwrite` (default) or `readonly`. Changing it replaces the proxy. " +
				"Read back from the API's `proxy.type`, so an imported proxy records its real mode and a configuration that disagrees plans a replacement.",
				Validators:    []validator.String{stringvalidator.OneOf("readwrite", "readonly")},
				PlanModifiers: []planmodifier.String{proxyModePlanModifier{}, stringplanmodifier.RequiresReplaceIf(proxyModeRequiresReplace, "Changing proxy_mode replaces the proxy.", "Changing `proxy_mode` replaces the proxy.")}},
			"port": schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "Port the proxy listens on. Changed in place.",
				Validators: []validator.Int64{int64validator.Between(1, 65535)}, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"nodes_read_weight": schema.ListNestedAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Read weights of the instance's database nodes (the primary and read replicas). When not set, the API's weights are reported. Changed in place.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Required: true, MarkdownDescription: "Database node ID (ends in `no07`).",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}},
					"weight": schema.Int64Attribute{Required: true, MarkdownDescription: "Read weight, 0 to 1000.",
						Validators: []validator.Int64{int64validator.Between(0, 1000)}},
				}},
				Validators:    []validator.List{listvalidator.SizeAtLeast(1), uniqueWeightIDs{}},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()}},
			"subnet_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Subnet of the proxy's address. Changing it replaces the proxy.",
				PlanModifiers: []planmodifier.String{keepPrior{}, stringplanmodifier.RequiresReplaceIfConfigured()}},
			"route_mode": schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "Routing policy: `0` weighted by `nodes_read_weight`; " +
				"`1` load balancing, the primary takes no reads; `2` load balancing, the primary takes reads. Changed in place. " +
				"Modes `1` and `2` need a proxy kernel that supports them (`balance_route_mode_enabled` in the API); others refuse them.",
				Validators:    []validator.Int64{int64validator.Between(0, 2)},
				PlanModifiers: []planmodifier.Int64{keepPrior{}}},
			"address": schema.StringAttribute{Computed: true, MarkdownDescription: "Private address of the proxy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"status": schema.StringAttribute{Computed: true, MarkdownDescription: "Proxy status reported by the API, such as `ACTIVE`."},
			"vcpus":  schema.StringAttribute{Computed: true, MarkdownDescription: "vCPUs per proxy node."},
			"ram":    schema.StringAttribute{Computed: true, MarkdownDescription: "Memory per proxy node, in GB."},
			"nodes": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The proxy's nodes.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Proxy node ID."},
					"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Proxy node name."},
					"role":    schema.StringAttribute{Computed: true, MarkdownDescription: "Role of the node."},
					"az_code": schema.StringAttribute{Computed: true, MarkdownDescription: "Availability zone of the node."},
					"status":  schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the node."},
				}}},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
				CreateDescription: "How long to wait for the proxy to be enabled (default `30m`).",
				UpdateDescription: "How long to wait for all changes of one update (default `30m`).",
				DeleteDescription: "How long destroy waits for the delete job and for the proxy to disappear (default `10m`)."}),
		},
	}
}

type identityModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	ID         types.String `tfsdk:"id"`
}

func (r *proxyInstanceResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"instance_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the TaurusDB instance."},
		"id":          identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the proxy (pool_id)."},
	}}
}

func (r *proxyInstanceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	d, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", req.ProviderData))
		return
	}
	r.data = d
}

// client returns the API client, or an error diagnostic when the provider
// could not be configured yet (settings unknown until apply).
func (r *proxyInstanceResource) client(ctx context.Context, diags *diag.Diagnostics) (context.Context, *taurusdb.Client) {
	if r.data == nil || r.data.client == nil {
		diags.AddError("TaurusDB provider not configured", "The provider's settings are not known yet (they depend on values known only after apply). Apply the resources they depend on first.")
		return ctx, nil
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, r.data.secrets...)
	ctx = tflog.MaskMessageStrings(ctx, r.data.secrets...)
	return ctx, r.data.client
}

func (r *proxyInstanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan proxyInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, &resp.Diagnostics)
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
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: plan.InstanceID, ID: types.StringValue(proxyID)})...)
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
	if !plan.Port.IsUnknown() && !plan.Port.IsNull() {
		// The create call takes no port: set it in a second step (a no-op
		// when the proxy already listens there).
		changes.Port = int(plan.Port.ValueInt64())
	}
	err = c.UpdateProxy(ctx, instanceID, proxyID, changes)
	var entry *taurusdb.ProxyEntry
	if err == nil {
		entry, err = c.FindProxy(ctx, instanceID, proxyID)
	}
	if err != nil {
		resp.Diagnostics.AddError(createSummary(instanceID, proxyID), opDetail(instanceID, proxyID, stepJob(err), err,
			"The proxy exists and is kept in state as tainted: the next terraform apply replaces it. To keep it instead, run terraform untaint on this resource once it is ACTIVE; raise timeouts.create if it needs longer."))
		return
	}
	state := plan
	resp.Diagnostics.Append(state.fromAPI(ctx, entry, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func createSummary(instanceID, proxyID string) string {
	if proxyID != "" {
		return fmt.Sprintf("creating TaurusDB proxy (%s)", proxyID)
	}
	return fmt.Sprintf("creating TaurusDB proxy on instance (%s)", instanceID)
}

// stepJob is the job of a failed update step, if any.
func stepJob(err error) string {
	var se *taurusdb.StepError
	if errors.As(err, &se) {
		return se.JobID
	}
	return ""
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

// createNextStep says what is true after a failed create, and what to do.
func createNextStep(err error, name string) string {
	var ce *taurusdb.CreateError
	var failed *taurusdb.JobFailedError
	var timeout *taurusdb.JobTimeoutError
	errors.As(err, &ce)
	switch {
	case taurusdb.IsAuth(err):
		return "Check the provider's credentials; authentication failures are not retried. Nothing was created."
	case ce != nil && ce.ProxyID != "" && errors.As(err, &failed):
		return fmt.Sprintf("The proxy %s is kept in state as tainted. If the API rolled it back, the next refresh drops it; otherwise the next terraform apply deletes and recreates it.", ce.ProxyID)
	case ce != nil && ce.ProxyID != "" && errors.As(err, &timeout):
		return fmt.Sprintf("The proxy %s exists, is still being enabled and is kept in state as tainted. Raise timeouts.create, or wait and run terraform apply again (it replaces the tainted proxy; run terraform untaint first to keep it).", ce.ProxyID)
	case ce != nil && ce.ProxyID != "":
		return fmt.Sprintf("The proxy %s exists and is kept in state as tainted; the next terraform apply replaces it. "+
			"To keep it instead, run terraform untaint on this resource once the proxy is ACTIVE.", ce.ProxyID)
	case ce != nil && len(ce.Candidates) > 0:
		return fmt.Sprintf("A proxy was probably created, but it cannot be told which of these it is: %s. Nothing was recorded in state. "+
			"Find the right one in the console and adopt it with terraform import (ID %s/<proxy_id>), or delete the ones nobody owns; applying again without that creates another proxy.",
			strings.Join(ce.Candidates, ", "), ce.InstanceID)
	case ce != nil && ce.NothingCreated && taurusdb.IsBusy(err):
		return "The instance stayed busy with another operation until timeouts.create; nothing was created. Run terraform apply again once that operation is done, or raise timeouts.create."
	case ce != nil && ce.NothingCreated, errors.As(err, &failed):
		return "Nothing was created. Fix the cause above and run terraform apply again."
	case ce != nil:
		return fmt.Sprintf("The create request may have been carried out although its answer was lost, but no new proxy named %q was listed on instance %s in time; nothing was recorded in state. "+
			"Check the instance's proxies: if one named %q appears, adopt it with terraform import (ID %s/<proxy_id>) instead of applying again, which would create a second proxy.",
			name, ce.InstanceID, name, ce.InstanceID)
	}
	return "Run terraform apply again."
}

func (r *proxyInstanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyInstanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	instanceID, proxyID := state.InstanceID.ValueString(), state.ID.ValueString()
	entry, err := c.FindProxy(ctx, instanceID, proxyID)
	if taurusdb.IsNotFound(err) {
		resp.Diagnostics.AddWarning("TaurusDB proxy no longer exists",
			fmt.Sprintf("Proxy %s on instance %s was not found (or is DELETED); removing it from state. The next apply creates it again if it is still configured.", proxyID, instanceID))
		// The framework insists on an identity even for a removed
		// resource when the CLI stored none (Terraform before 1.12).
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: state.InstanceID, ID: state.ID})...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, "", err, "The state is unchanged; run the command again."))
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, entry, listOrNil[weightModel](ctx, state.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: state.InstanceID, ID: state.ID})...)
}

func (r *proxyInstanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state proxyInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, &resp.Diagnostics)
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
	err = c.UpdateProxy(ctx, instanceID, proxyID, changes)
	// Read back whatever happened, also after a failure (on a detached
	// context if the timeout ended the update), so state records the
	// changes that did complete and the next plan shows only the rest.
	readCtx := ctx
	if ctx.Err() != nil {
		var cancelRead context.CancelFunc
		readCtx, cancelRead = context.WithTimeout(context.WithoutCancel(ctx), detachedRead)
		defer cancelRead()
	}
	entry, rerr := c.FindProxy(readCtx, instanceID, proxyID)
	summary := fmt.Sprintf("updating TaurusDB proxy (%s)", proxyID)
	if err != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, stepJob(err), err,
			"Changes made before this error are kept in state (the order is "+strings.Join(taurusdb.UpdateOrder, ", ")+"); fix the cause and run terraform apply again: it sends only the rest."))
		if rerr == nil {
			resp.Diagnostics.Append(state.fromAPI(ctx, entry, listOrNil[weightModel](ctx, state.NodesReadWeight, &resp.Diagnostics))...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	if rerr != nil {
		resp.Diagnostics.AddError(summary, opDetail(instanceID, proxyID, "", rerr, "The changes were made, but reading the proxy afterwards failed. Run terraform apply again to refresh it."))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, entry, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: plan.InstanceID, ID: plan.ID})...)
}

func (r *proxyInstanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state proxyInstanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, c := r.client(ctx, &resp.Diagnostics)
	if c == nil {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	instanceID, proxyID := state.InstanceID.ValueString(), state.ID.ValueString()
	ctx, release, err := begin(ctx, c, instanceID, timeout)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, "", err,
			"Other operations of this provider on the instance outlasted timeouts.delete, so the delete was never sent; the proxy is kept in state. "+
				"Run terraform destroy again, or raise timeouts.delete."))
		return
	}
	defer release()
	jobID, err := c.DeleteAndWait(ctx, instanceID, proxyID)
	if err != nil {
		// Returning an error keeps the resource in state, so a later
		// destroy can try again.
		resp.Diagnostics.AddError(fmt.Sprintf("deleting TaurusDB proxy (%s)", proxyID), opDetail(instanceID, proxyID, jobID, err, deleteNextStep(err)))
	}
}

func deleteNextStep(err error) string {
	var failed *taurusdb.JobFailedError
	var timeout *taurusdb.JobTimeoutError
	switch {
	case errors.As(err, &failed):
		return "The proxy is kept in state. Fix the cause given by fail_reason, then run terraform destroy (or apply) again to retry the delete."
	case taurusdb.IsBusy(err):
		// Checked before the timeout: a busy instance that outlasts the
		// timeout means the delete most likely never started.
		return "The instance stayed busy with another operation until timeouts.delete, so the delete most likely never started; the proxy is kept in state. " +
			"Run terraform destroy again once that operation is done, or raise timeouts.delete."
	case errors.As(err, &timeout) || errors.Is(err, context.DeadlineExceeded):
		return "The delete may still finish on the server; the proxy is kept in state. Run terraform destroy again to resume waiting, or raise timeouts.delete."
	case errors.Is(err, context.Canceled):
		return "The wait was interrupted; the delete may still finish on the server. Run terraform destroy again to resume."
	case taurusdb.IsAuth(err):
		return "Check the provider's credentials; authentication failures are not retried."
	}
	return "The proxy is kept in state; run terraform destroy again."
}

func (r *proxyInstanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var instanceID, proxyID string
	if req.ID != "" {
		var err error
		instanceID, proxyID, err = parseImportID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid import ID", err.Error())
			return
		}
	} else {
		var id identityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		instanceID, proxyID = id.InstanceID.ValueString(), id.ID.ValueString()
		if err := checkIDs(instanceID, proxyID); err != nil {
			resp.Diagnostics.AddError("Invalid import identity", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), proxyID)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: types.StringValue(instanceID), ID: types.StringValue(proxyID)})...)
}

// opDetail is the body of every error: which proxy, instance and job, the
// API's words (error_code, error_msg and X-Request-Id are in err), and what
// to do next.
func opDetail(instanceID, proxyID, jobID string, err error, next string) string {
	var b strings.Builder
	if proxyID != "" {
		fmt.Fprintf(&b, "Proxy: %s\n", proxyID)
	}
	fmt.Fprintf(&b, "Instance: %s\n", instanceID)
	if jobID != "" {
		fmt.Fprintf(&b, "Job: %s\n", jobID)
	}
	var failed *taurusdb.JobFailedError
	if errors.As(err, &failed) {
		fmt.Fprintf(&b, "Fail reason: %s\n", failed.Job.FailReason)
	}
	if rid := taurusdb.RequestID(err); rid != "" {
		fmt.Fprintf(&b, "X-Request-Id: %s\n", rid)
	}
	fmt.Fprintf(&b, "Error: %s\n", err)
	if next != "" {
		b.WriteString("\n" + next)
	}
	return b.String()
}

// ValidateConfig checks what no single attribute's validator can: in the
// load-balancing route modes the API takes a read replica's weight only as
// 0 (no reads) or 1 (reads), so a larger one would be refused at apply or
// show a diff forever.
func (r *proxyInstanceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var mode types.Int64
	var weights types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("route_mode"), &mode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("nodes_read_weight"), &weights)...)
	if resp.Diagnostics.HasError() || mode.IsNull() || mode.IsUnknown() || mode.ValueInt64() == 0 || weights.IsNull() || weights.IsUnknown() {
		return
	}
	var ws []weightModel
	if d := weights.ElementsAs(ctx, &ws, true); d.HasError() {
		return
	}
	for i, w := range ws {
		if !w.Weight.IsUnknown() && !w.Weight.IsNull() && w.Weight.ValueInt64() > 1 {
			resp.Diagnostics.AddAttributeError(path.Root("nodes_read_weight").AtListIndex(i).AtName("weight"), "Weight not allowed in this route mode",
				fmt.Sprintf("route_mode %d balances reads by load: a node's weight is 0 (takes no reads) or 1 (takes reads), not %d. "+
					"Use route_mode 0 for weighted reads.", mode.ValueInt64(), w.Weight.ValueInt64()))
		}
	}
}

// ModifyPlan keeps computed values that the planned change cannot affect, so
// a plan shows "known after apply" only where something will really change:
// nodes when node_num changes, vcpus and ram when the flavor does, status
// when anything does. Terraform proposes a changed nodes_read_weight when it
// is not configured (an Optional+Computed nested list), and the framework
// then marks every computed attribute unknown; without this, an unchanged
// configuration would show a perpetual in-place update.
func (r *proxyInstanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state proxyInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var configWeights types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("nodes_read_weight"), &configWeights)...)
	if configWeights.IsNull() && !plan.RouteMode.IsUnknown() && !plan.RouteMode.Equal(state.RouteMode) {
		// A route-mode change sets the weights the mode needs (the
		// primary's to 0 or 1): unconfigured weights are known only after.
		plan.NodesReadWeight = types.ListUnknown(types.ObjectType{AttrTypes: weightAttrTypes})
	}
	flavorSame := plan.Flavor.Equal(state.Flavor)
	nodesSame := plan.NodeNum.Equal(state.NodeNum)
	if flavorSame {
		plan.VCPUs, plan.RAM = state.VCPUs, state.RAM
	}
	if flavorSame && nodesSame {
		plan.Nodes = state.Nodes
	}
	if flavorSame && nodesSame && plan.InstanceID.Equal(state.InstanceID) && plan.Name.Equal(state.Name) &&
		plan.Port.Equal(state.Port) && plan.NodesReadWeight.Equal(state.NodesReadWeight) && plan.ProxyMode.Equal(state.ProxyMode) &&
		plan.SubnetID.Equal(state.SubnetID) && plan.RouteMode.Equal(state.RouteMode) {
		plan.Status = state.Status
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}
