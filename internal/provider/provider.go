// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package provider is the Terraform glue of the TaurusDB provider: schemas,
// plan and state models, CRUD, import and identity. It turns Terraform data
// into the typed requests of internal/taurusdb and back; it builds no URLs
// and parses no JSON itself.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ provider.Provider                  = &taurusProvider{}
	_ provider.ProviderWithActions       = &taurusProvider{}
	_ provider.ProviderWithListResources = &taurusProvider{}
)

// Options are test hooks; the zero value is what users run.
type Options struct {
	// ClientOptions adjusts the client config after the provider built it
	// (a fake clock, a fast job schedule, short backoffs).
	ClientOptions func(*taurusdb.Config)
}

type taurusProvider struct {
	version string
	opts    Options
}

// New returns the provider factory used by main.
func New(version string) func() provider.Provider {
	return NewWithOptions(version, Options{})
}

// NewWithOptions returns a provider factory with test hooks.
func NewWithOptions(version string, opts Options) func() provider.Provider {
	return func() provider.Provider {
		return &taurusProvider{version: version, opts: opts}
	}
}

type providerModel struct {
	Region           types.String     `tfsdk:"region"`
	ProjectID        types.String     `tfsdk:"project_id"`
	ProjectName      types.String     `tfsdk:"project_name"`
	Endpoint         types.String     `tfsdk:"endpoint"`
	VPCEndpoint      types.String     `tfsdk:"vpc_endpoint"`
	AuthToken        types.String     `tfsdk:"auth_token"`
	AccessKey        types.String     `tfsdk:"access_key"`
	SecretKey        types.String     `tfsdk:"secret_key"`
	SecurityToken    types.String     `tfsdk:"security_token"`
	UserName         types.String     `tfsdk:"user_name"`
	Password         types.String     `tfsdk:"password"`
	DomainName       types.String     `tfsdk:"domain_name"`
	AuthURL          types.String     `tfsdk:"auth_url"`
	SharedConfigFile types.String     `tfsdk:"shared_config_file"`
	Profile          types.String     `tfsdk:"profile"`
	AssumeRole       *assumeRoleModel `tfsdk:"assume_role"`
	Language         types.String     `tfsdk:"language"`
	MaxRetries       types.Int64      `tfsdk:"max_retries"`
	Insecure         types.Bool       `tfsdk:"insecure"`
}

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
}

func (p *taurusProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "taurusdb"
	resp.Version = p.version
}

func (p *taurusProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	env := func(desc, name string) string {
		return desc + " Falls back to the `" + name + "` environment variable."
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages TaurusDB (GaussDB for MySQL) database proxies on Huawei Cloud. " +
			"Credentials come from the provider block, the environment, a shared config profile or the ECS server's agency, in that order; " +
			"in the block, use one of: an IAM token (`auth_token`); an access key pair (`access_key` + `secret_key`, optionally `security_token`); " +
			"or an IAM user (`user_name` + `password` + `domain_name`). `assume_role` exchanges any of them for an agency's temporary credentials.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, MarkdownDescription: env("Region, such as `cn-north-4`: the default region of every resource and data source, which selects the endpoint, the IAM URL and (without `project_id`) the project.", "HW_REGION_NAME")},
			"project_id": schema.StringAttribute{Optional: true, MarkdownDescription: env("Project ID (32 letters and digits) of the provider's region. Without it, the provider looks the project up at IAM by `project_name`, or by the region's name, once per region.", "HW_PROJECT_ID"),
				Validators: []validator.String{projectIDValidator()}},
			"project_name": schema.StringAttribute{Optional: true, MarkdownDescription: env("Name of the project to look up at IAM for the provider's region when `project_id` is not set, for a sub-project such as `cn-north-4_dev`. Defaults to the region's name. Resources in other regions use their region's main project.", "HW_PROJECT_NAME")},
			"endpoint": schema.StringAttribute{Optional: true, MarkdownDescription: env("API endpoint as `scheme://host[:port]`, without `/v3`. Defaults to the region's endpoint. `{region}` in it is replaced by each resource's region; without it, this endpoint serves every region. "+
				"Plain `http` is only accepted for loopback addresses (such as the bundled emulator) unless `insecure` is true.", "TAURUSDB_ENDPOINT")},
			"vpc_endpoint":       schema.StringAttribute{Optional: true, MarkdownDescription: env("VPC endpoint as `scheme://host[:port]`, used to look up the ID of an elastic public IP by its address (after an import of `taurusdb_proxy_eip_association`). Defaults to `https://vpc.{region}.myhuaweicloud.com` (`vpc.{region}.otc.t-systems.com` for eu-de and eu-nl); `{region}` is replaced as in `endpoint`.", "TAURUSDB_VPC_ENDPOINT")},
			"auth_token":         schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("IAM token sent as `X-Auth-Token`.", "HW_AUTH_TOKEN")},
			"access_key":         schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Access key ID for AK/SK request signing.", "HW_ACCESS_KEY")},
			"secret_key":         schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Secret access key for AK/SK request signing.", "HW_SECRET_KEY")},
			"security_token":     schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Security token of temporary AK/SK credentials.", "HW_SECURITY_TOKEN")},
			"user_name":          schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM user name, exchanged with `password` and `domain_name` for a token.", "HW_USER_NAME")},
			"password":           schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("IAM user password.", "HW_USER_PASSWORD")},
			"domain_name":        schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM domain (account) name of the user, for password authentication; ignored with other credentials, so an exported `HW_DOMAIN_NAME` does not conflict with an access key pair.", "HW_DOMAIN_NAME")},
			"auth_url":           schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM endpoint including `/v3`, for password authentication, project look-ups and `assume_role`; `{region}` in it is replaced as in `endpoint`. Defaults to the region's IAM: `https://iam.{region}.myhuaweicloud.com/v3` (`iam.{region}.otc.t-systems.com` for eu-de and eu-nl, `iam.eu-west-101.myhuaweicloud.eu` for eu-west-101).", "HW_AUTH_URL")},
			"shared_config_file": schema.StringAttribute{Optional: true, MarkdownDescription: env("Path of the KooCLI (`hcloud`) configuration file whose profile gives credentials, region and project ID. Defaults to `~/.hcloud/config.json`; a missing default file is ignored unless `profile` is set, a missing file named here is an error.", "HW_SHARED_CONFIG_FILE")},
			"profile":            schema.StringAttribute{Optional: true, MarkdownDescription: env("Name of the profile in `shared_config_file`. Defaults to the file's current profile; a profile named here that the file lacks is an error.", "HW_PROFILE")},
			"language": schema.StringAttribute{Optional: true, MarkdownDescription: "Language of API messages, `en-us` (default) or `zh-cn`; sent as `X-Language`.",
				Validators: []validator.String{stringvalidator.OneOf("en-us", "zh-cn")}},
			"max_retries": schema.Int64Attribute{Optional: true, MarkdownDescription: env(fmt.Sprintf("How many times a failed idempotent call is retried after a server or connection error (default %d). Throttling and busy instances are waited out within the operation's timeout.", taurusdb.DefaultMaxRetries), "HW_MAX_RETRIES"),
				Validators: []validator.Int64{int64validator.Between(0, 50)}},
			"insecure": schema.BoolAttribute{Optional: true, MarkdownDescription: env("Skip TLS verification and allow plain http to any host. For test set-ups only.", "HW_INSECURE")},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Exchange the credentials found (from any source) for temporary credentials of an IAM agency, at IAM's `POST /v3.0/OS-CREDENTIAL/securitytokens`; they are renewed before they expire. Each argument falls back to its `HW_ASSUME_ROLE_*` environment variable, and `HW_ASSUME_ROLE_AGENCY_NAME` alone (without the block) also asks for it, as in the huaweicloud provider.",
				Attributes: map[string]schema.Attribute{
					"agency_name": schema.StringAttribute{Optional: true, MarkdownDescription: env("Name of the agency to assume. Required when the block is present.", "HW_ASSUME_ROLE_AGENCY_NAME")},
					"domain_name": schema.StringAttribute{Optional: true, MarkdownDescription: env("Name of the account (domain) that created the agency. One of `domain_name` and `domain_id` is required.", "HW_ASSUME_ROLE_DOMAIN_NAME")},
					"domain_id":   schema.StringAttribute{Optional: true, MarkdownDescription: env("ID of the account (domain) that created the agency.", "HW_ASSUME_ROLE_DOMAIN_ID")},
					"duration": schema.Int64Attribute{Optional: true, MarkdownDescription: env(fmt.Sprintf("Lifetime of the temporary credentials in seconds, %d to %d; IAM's default (%d) when unset.", assumeRoleMinDuration, assumeRoleMaxDuration, assumeRoleMinDuration), "HW_ASSUME_ROLE_DURATION"),
						Validators: []validator.Int64{int64validator.Between(assumeRoleMinDuration, assumeRoleMaxDuration)}},
				},
			},
		},
	}
}

func (p *taurusProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, unknown := settingsFrom(m)
	if unknown {
		// Settings that come from other resources are known only at
		// apply; resources report that if they are used before.
		tflog.Debug(ctx, "provider configuration has unknown values; deferring client set-up")
		return
	}
	userAgent := "terraform-provider-taurusdb/" + p.version
	if req.TerraformVersion != "" {
		userAgent += " terraform/" + req.TerraformVersion
	}
	data, cerr := configure(ctx, s, clientSetup{userAgent: userAgent, tune: p.opts.ClientOptions})
	if cerr != nil {
		resp.Diagnostics.AddError(cerr.summary, cerr.detail)
		return
	}
	if data.warning != "" {
		resp.Diagnostics.AddWarning("Shared config file ignored", data.warning)
	}
	tflog.Debug(ctx, "configured TaurusDB provider", map[string]any{"region": s.region, "project_id": s.projectID, "credentials_from": s.credentialsFrom, "auth": data.mode})
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// tuningFromEnv reads the two knobs that trade API calls for latency, for
// benchmarks and for the rare setup that needs them off:
// TAURUSDB_DELETE_BATCH_WINDOW (how long a delete waits for others on the
// same instance to share its call) and TAURUSDB_REFRESH_SHARE_TTL (how long
// one proxy list serves refreshes). A Go duration; "0" or "off" disables.
func tuningFromEnv(cfg *taurusdb.Config) error {
	for name, dst := range map[string]*time.Duration{
		"TAURUSDB_DELETE_BATCH_WINDOW": &cfg.DeleteBatchWindow,
		"TAURUSDB_REFRESH_SHARE_TTL":   &cfg.ListCacheTTL,
	} {
		v := strings.TrimSpace(os.Getenv(name))
		switch v {
		case "":
			continue
		case "0", "off":
			*dst = -1
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Minute {
			return fmt.Errorf("%s=%q: want a duration from 0 to 1m (such as 300ms), or off", name, v)
		}
		*dst = d
		if d == 0 {
			*dst = -1
		}
	}
	return nil
}

func (p *taurusProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewProxyInstanceResource,
		NewProxyRestartResource,
		NewProxyUpgradeResource,
		NewProxyEIPAssociationResource,
	}
}

// ListResources are what terraform query (Terraform 1.14+) lists.
func (p *taurusProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewProxyInstanceListResource,
	}
}

// Actions are what Terraform 1.14+ invokes on request; OpenTofu and older
// Terraform see none of them.
func (p *taurusProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewProxyRestartAction,
	}
}

func (p *taurusProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewProxyInstancesDataSource,
		NewProxyFlavorsDataSource,
	}
}

// tflogLogger sends client log lines to Terraform's log.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}
