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
	_ resource.Resource                = &proxyInstanceResource{}
	_ resource.ResourceWithConfigure   = &proxyInstanceResource{}
	_ resource.ResourceWithImportState = &proxyInstanceResource{}
	_ resource.ResourceWithIdentity    = &proxyInstanceResource{}
	_ resource.ResourceWithModifyPlan  = &proxyInstanceResource{}
)

const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	// readTimeout bounds a refresh, which has no user-set timeout, so that
	// retries after throttling cannot hold a plan forever.
	readTimeout = 5 * time.Minute
	// lostCreateLookup bounds the one proxy-list lookup made after a create
	// request was cut off by the timeout or Ctrl-C.
	lostCreateLookup = 15 * time.Second
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
				"The API does not report it, so it is kept from configuration; after an import, setting it does not replace the proxy.",
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
				Validators:    []validator.List{listvalidator.SizeAtLeast(1)},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()}},
			"subnet_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Subnet of the proxy's address. Changing it replaces the proxy.",
				PlanModifiers: []planmodifier.String{keepPrior{}, stringplanmodifier.RequiresReplaceIfConfigured()}},
			"route_mode": schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "Routing policy: `0` weighted, `1` load-based, `2` fewest connections. Changing it replaces the proxy.",
				Validators:    []validator.Int64{int64validator.Between(0, 2)},
				PlanModifiers: []planmodifier.Int64{keepPrior{}, int64planmodifier.RequiresReplaceIfConfigured()}},
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
		resp.Diagnostics.AddError("creating TaurusDB proxy", opDetail(instanceID, "", "", err, "Raise timeouts.create or apply again."))
		return
	}
	defer release()

	proxyID, jobID, err := createProxy(ctx, c, instanceID, body)
	if proxyID != "" {
		// Record the ID before anything else can fail, so the proxy is
		// never lost from state: if the wait below fails, Terraform keeps
		// it as tainted and the next apply replaces or deletes it.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), proxyID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("timeouts"), plan.Timeouts)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: plan.InstanceID, ID: types.StringValue(proxyID)})...)
	}
	if err != nil {
		resp.Diagnostics.AddError("creating TaurusDB proxy", opDetail(instanceID, proxyID, jobID, err, createNextStep(err, proxyID)))
		return
	}
	entry, err := c.WaitProxyStable(ctx, instanceID, proxyID)
	if err == nil && !plan.Port.IsUnknown() && !plan.Port.IsNull() && int64(entry.Proxy.Port) != plan.Port.ValueInt64() {
		// The create call takes no port: set it in a second step.
		jobID, err = c.ChangePort(ctx, instanceID, proxyID, int(plan.Port.ValueInt64()))
		if err == nil && jobID != "" {
			_, err = c.WaitJob(ctx, jobID)
		}
		if err == nil {
			entry, err = c.FindProxy(ctx, instanceID, proxyID)
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("reading TaurusDB proxy after create", opDetail(instanceID, proxyID, jobID, err,
			"The proxy exists and is kept in state as tainted: the next terraform apply replaces it. To keep it instead, run terraform untaint on this resource once it is ACTIVE; raise timeouts.create if it needs longer."))
		return
	}
	state := plan
	resp.Diagnostics.Append(state.fromAPI(ctx, entry, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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

// createProxy enables a proxy and learns its ID by comparing the instance's
// proxy list before and after: the API does not return the ID, and taking
// "the proxy in ENABLING PROXY" picks the wrong one when two are created at
// once. The instance lock makes this process's own creates sequential; a
// second new proxy can only come from elsewhere, and is reported, not guessed.
func createProxy(ctx context.Context, c *taurusdb.Client, instanceID string, body taurusdb.CreateProxyRequest) (proxyID, jobID string, err error) {
	before, err := c.ListProxies(ctx, instanceID)
	if err != nil {
		return "", "", err
	}
	known := map[string]bool{}
	for _, e := range before {
		known[e.Proxy.PoolID] = true
	}
	for attempt := 0; ; attempt++ {
		// Only the first POST waits out a busy instance. A resend that
		// finds the instance busy is most likely looking at the job of
		// our own earlier POST, whose answer was lost: waiting that job
		// out and sending again would create a second proxy.
		jobID, err = c.CreateProxy(ctx, instanceID, body, attempt == 0)
		if err == nil {
			break
		}
		if !taurusdb.MayHaveSucceeded(err) && (attempt == 0 || !taurusdb.IsBusy(err)) {
			return "", "", err
		}
		// The request may have been carried out although the answer was
		// lost. Look before sending it again, for a while, since a new
		// proxy may take a moment to be listed.
		tflog.Warn(ctx, "create answer lost or instance busy; watching the proxy list before sending again", map[string]any{"instance_id": instanceID, "error": err.Error()})
		id, found, lerr := watchForNewProxy(ctx, c, instanceID, known, body.ProxyName)
		if lerr != nil {
			return "", "", fmt.Errorf("%w; then listing proxies to see whether it was created: %w", err, lerr)
		}
		if found {
			// Created without a job ID to wait on: wait on the proxy's
			// status instead (WaitProxyStable below).
			return id, "", nil
		}
		if attempt >= 3 || ctx.Err() != nil {
			return "", "", err
		}
	}
	// Learn the ID as early as possible: the list usually shows the new
	// proxy in ENABLING PROXY right away. A failed look is not fatal here:
	// the job ID is known and the look is repeated after the wait.
	id, found, err := newProxyID(ctx, c, instanceID, known, body.ProxyName)
	if err != nil {
		tflog.Warn(ctx, "listing proxies after create failed; looking again after the job", map[string]any{"instance_id": instanceID, "job_id": jobID, "error": err.Error()})
	}
	_, werr := c.WaitJob(ctx, jobID)
	if !found {
		// Detached, so a timeout or Ctrl-C during the wait does not keep
		// us from recording a proxy that exists.
		lookCtx, cancel := detached(ctx)
		defer cancel()
		id, found, err = newProxyID(lookCtx, c, instanceID, known, body.ProxyName)
		if err != nil {
			return "", jobID, errors.Join(werr, err)
		}
		if !found && werr == nil {
			return "", jobID, fmt.Errorf("job %s completed but no new proxy appeared on instance %s", jobID, instanceID)
		}
	}
	return id, jobID, werr
}

// detached returns a short context that survives the end of ctx, for the
// one look that records a proxy in state after the operation's own time ran
// out: a proxy that exists but is missing from state would be orphaned.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), lostCreateLookup)
}

// watchForNewProxy looks for a proxy created by a POST whose answer was lost,
// for up to the client's lost-answer window. After the operation's context
// ended it still looks once, on a detached context.
func watchForNewProxy(ctx context.Context, c *taurusdb.Client, instanceID string, known map[string]bool, name string) (string, bool, error) {
	if ctx.Err() != nil {
		lookCtx, cancel := detached(ctx)
		defer cancel()
		return newProxyID(lookCtx, c, instanceID, known, name)
	}
	clk := c.Clock()
	deadline := clk.Now().Add(c.LostAnswerWindow())
	for {
		id, found, err := newProxyID(ctx, c, instanceID, known, name)
		if err != nil || found || !clk.Now().Before(deadline) {
			return id, found, err
		}
		if clk.Sleep(ctx, c.LostAnswerPoll()) != nil {
			lookCtx, cancel := detached(ctx)
			defer cancel()
			return newProxyID(lookCtx, c, instanceID, known, name)
		}
	}
}

// newProxyID finds the one proxy that was not in known. It is an error when
// more than one candidate exists.
func newProxyID(ctx context.Context, c *taurusdb.Client, instanceID string, known map[string]bool, name string) (string, bool, error) {
	list, err := c.ListProxies(ctx, instanceID)
	if err != nil {
		return "", false, err
	}
	var cands []string
	for _, e := range list {
		if known[e.Proxy.PoolID] || e.Proxy.Status == taurusdb.ProxyDeleted {
			continue
		}
		if name != "" && e.Proxy.Name != "" && e.Proxy.Name != name {
			continue
		}
		cands = append(cands, e.Proxy.PoolID)
	}
	switch len(cands) {
	case 0:
		return "", false, nil
	case 1:
		return cands[0], true, nil
	}
	return "", false, fmt.Errorf("more than one new proxy appeared on instance %s while this one was created (%s); something else is creating proxies there. "+
		"Find the right one in the console and adopt it with terraform import (ID <instance_id>/<proxy_id>)", instanceID, strings.Join(cands, ", "))
}

func createNextStep(err error, proxyID string) string {
	var failed *taurusdb.JobFailedError
	var timeout *taurusdb.JobTimeoutError
	switch {
	case errors.As(err, &failed) && proxyID != "":
		return "The proxy is kept in state as tainted. If the API rolled it back, the next refresh drops it; otherwise the next terraform apply deletes and recreates it."
	case errors.As(err, &failed):
		return "Fix the cause above and run terraform apply again."
	case errors.As(err, &timeout):
		return "The proxy is still being enabled and is kept in state as tainted. Raise timeouts.create, or wait and run terraform apply again."
	case taurusdb.IsAuth(err):
		return "Check the provider's credentials; authentication failures are not retried."
	case proxyID != "":
		// The proxy exists and its ID is in state (say the job poll
		// failed): the next apply replaces it rather than searching for it,
		// so the generic advice below would mislead.
		return "The proxy exists and is kept in state as tainted; the next terraform apply replaces it. " +
			"To keep it instead, run terraform untaint on this resource once the proxy is ACTIVE."
	}
	return "Run terraform apply again; it checks for a proxy created by this attempt before creating another."
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
		resp.Diagnostics.AddError("reading TaurusDB proxy", opDetail(instanceID, proxyID, "", err, "The state is unchanged; run the command again."))
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
		resp.Diagnostics.AddError("updating TaurusDB proxy", opDetail(instanceID, proxyID, "", err, "Raise timeouts.update or apply again."))
		return
	}
	defer release()

	jobID, err := applyUpdates(ctx, c, instanceID, proxyID, &plan, &state)
	// Read back whatever happened, also after a failure (on a detached
	// context if the timeout ended the update), so state records the
	// changes that did complete and the next plan shows only the rest.
	readCtx := ctx
	if ctx.Err() != nil {
		var cancelRead context.CancelFunc
		readCtx, cancelRead = detached(ctx)
		defer cancelRead()
	}
	entry, rerr := c.FindProxy(readCtx, instanceID, proxyID)
	if err != nil {
		resp.Diagnostics.AddError("updating TaurusDB proxy", opDetail(instanceID, proxyID, jobID, err, "Changes made before this error are kept; fix the cause and run terraform apply again."))
		if rerr == nil {
			resp.Diagnostics.Append(state.fromAPI(ctx, entry, listOrNil[weightModel](ctx, state.NodesReadWeight, &resp.Diagnostics))...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	if rerr != nil {
		resp.Diagnostics.AddError("reading TaurusDB proxy after update", opDetail(instanceID, proxyID, "", rerr, "Run terraform apply again to refresh it."))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, entry, listOrNil[weightModel](ctx, plan.NodesReadWeight, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{InstanceID: plan.InstanceID, ID: plan.ID})...)
}

// applyUpdates makes each in-place change in turn and waits for its job. It
// returns the job ID of the step that failed, if any.
func applyUpdates(ctx context.Context, c *taurusdb.Client, instanceID, proxyID string, plan, state *proxyInstanceModel) (string, error) {
	wait := func(what, jobID string, err error) (string, error) {
		if err != nil {
			return jobID, fmt.Errorf("%s: %w", what, err)
		}
		if jobID == "" {
			return "", nil
		}
		if _, err := c.WaitJob(ctx, jobID); err != nil {
			return jobID, fmt.Errorf("%s: %w", what, err)
		}
		return "", nil
	}
	if !plan.Flavor.Equal(state.Flavor) {
		id, err := c.ChangeFlavor(ctx, instanceID, proxyID, plan.Flavor.ValueString())
		if jid, err := wait("changing flavor to "+plan.Flavor.ValueString(), id, err); err != nil {
			return jid, err
		}
	}
	if want, have := plan.NodeNum.ValueInt64(), state.NodeNum.ValueInt64(); want != have {
		// Add and remove take a difference, not a target: take it from
		// the API, since state may be stale after an earlier timeout.
		if cur, err := c.FindProxy(ctx, instanceID, proxyID); err == nil {
			have = int64(cur.Proxy.NodeNum)
		}
		var id string
		var err error
		switch {
		case want == have:
		case want > have:
			id, err = c.AddNodes(ctx, instanceID, proxyID, int(want-have))
		default:
			id, err = c.RemoveNodes(ctx, instanceID, proxyID, int(have-want))
		}
		if jid, err := wait(fmt.Sprintf("changing node_num from %d to %d", have, want), id, err); err != nil {
			return jid, err
		}
	}
	if !plan.Name.IsUnknown() && !plan.Name.IsNull() && !plan.Name.Equal(state.Name) {
		if err := c.Rename(ctx, instanceID, proxyID, plan.Name.ValueString()); err != nil {
			return "", fmt.Errorf("renaming to %q: %w", plan.Name.ValueString(), err)
		}
	}
	if !plan.Port.IsUnknown() && !plan.Port.IsNull() && !plan.Port.Equal(state.Port) {
		id, err := c.ChangePort(ctx, instanceID, proxyID, int(plan.Port.ValueInt64()))
		if jid, err := wait(fmt.Sprintf("changing port to %d", plan.Port.ValueInt64()), id, err); err != nil {
			return jid, err
		}
	}
	if !plan.NodesReadWeight.IsUnknown() && !plan.NodesReadWeight.IsNull() && !plan.NodesReadWeight.Equal(state.NodesReadWeight) {
		var ws []weightModel
		if d := plan.NodesReadWeight.ElementsAs(ctx, &ws, false); d.HasError() {
			return "", fmt.Errorf("reading nodes_read_weight from the plan")
		}
		entry, err := c.FindProxy(ctx, instanceID, proxyID)
		if err != nil {
			return "", fmt.Errorf("reading the proxy before changing weights: %w", err)
		}
		id, err := c.SetReadWeights(ctx, instanceID, proxyID, weightRequest(entry, ws))
		if jid, err := wait("changing read weights", id, err); err != nil {
			return jid, err
		}
	}
	return "", nil
}

// weightRequest splits the configured weights into the master's and the read
// replicas' as the API wants them.
func weightRequest(entry *taurusdb.ProxyEntry, ws []weightModel) taurusdb.WeightRequest {
	var req taurusdb.WeightRequest
	for _, w := range ws {
		v := int(w.Weight.ValueInt64())
		if entry.MasterNode != nil && w.ID.ValueString() == entry.MasterNode.ID {
			req.MasterWeight = &v
			continue
		}
		req.ReadonlyNodes = append(req.ReadonlyNodes, taurusdb.NodeWeight{ID: w.ID.ValueString(), Weight: v})
	}
	return req
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
		resp.Diagnostics.AddError("deleting TaurusDB proxy", opDetail(instanceID, proxyID, "", err, deleteNextStep(err)))
		return
	}
	defer release()
	jobID, err := deleteProxy(ctx, c, instanceID, proxyID)
	if err != nil {
		// Returning an error keeps the resource in state, so a later
		// destroy can try again.
		resp.Diagnostics.AddError("deleting TaurusDB proxy", opDetail(instanceID, proxyID, jobID, err, deleteNextStep(err)))
	}
}

// deleteProxy disables exactly the stored proxy and returns when it is gone:
// the job completed and the proxy left the list. A proxy or instance that is
// already gone counts as deleted.
func deleteProxy(ctx context.Context, c *taurusdb.Client, instanceID, proxyID string) (string, error) {
	tflog.Info(ctx, "deleting TaurusDB proxy", map[string]any{"instance_id": instanceID, "proxy_id": proxyID})
	jobID, err := c.DeleteProxy(ctx, instanceID, proxyID)
	switch {
	case taurusdb.IsNotFound(err):
		tflog.Info(ctx, "TaurusDB proxy already gone", map[string]any{"instance_id": instanceID, "proxy_id": proxyID})
		return "", nil
	case err != nil:
		// The API may refuse a second delete of a proxy that is already
		// being disabled: then wait for it to disappear rather than fail.
		entry, ferr := c.FindProxy(ctx, instanceID, proxyID)
		if taurusdb.IsNotFound(ferr) {
			return "", nil
		}
		if ferr == nil && entry.Proxy.Status == taurusdb.ProxyDisabling {
			return "", c.WaitProxyGone(ctx, instanceID, proxyID)
		}
		return "", err
	}
	if _, err := c.WaitJob(ctx, jobID); err != nil {
		return jobID, err
	}
	if err := c.WaitProxyGone(ctx, instanceID, proxyID); err != nil {
		return jobID, fmt.Errorf("job %s completed, but the proxy is still listed: %w", jobID, err)
	}
	return jobID, nil
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
