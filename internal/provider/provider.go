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
	"sort"
	"strconv"
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
	Region        types.String `tfsdk:"region"`
	ProjectID     types.String `tfsdk:"project_id"`
	Endpoint      types.String `tfsdk:"endpoint"`
	AuthToken     types.String `tfsdk:"auth_token"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	UserName      types.String `tfsdk:"user_name"`
	Password      types.String `tfsdk:"password"`
	DomainName    types.String `tfsdk:"domain_name"`
	AuthURL       types.String `tfsdk:"auth_url"`
	Language      types.String `tfsdk:"language"`
	MaxRetries    types.Int64  `tfsdk:"max_retries"`
	Insecure      types.Bool   `tfsdk:"insecure"`
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
			"Authenticate with exactly one of: an IAM token (`auth_token`); an access key pair (`access_key` + `secret_key`, optionally `security_token`); " +
			"or an IAM user (`user_name` + `password` + `domain_name`).",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, MarkdownDescription: env("Region, such as `cn-north-4`; selects the default endpoint and IAM URL.", "HW_REGION_NAME")},
			"project_id": schema.StringAttribute{Optional: true, MarkdownDescription: env("Project ID (32 letters and digits). Required, here or in the environment.", "HW_PROJECT_ID"),
				Validators: []validator.String{projectIDValidator()}},
			"endpoint": schema.StringAttribute{Optional: true, MarkdownDescription: env("API endpoint as `scheme://host[:port]`, without `/v3`. Defaults to the region's endpoint. "+
				"Plain `http` is only accepted for loopback addresses (such as the bundled emulator) unless `insecure` is true.", "TAURUSDB_ENDPOINT")},
			"auth_token":     schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("IAM token sent as `X-Auth-Token`.", "HW_AUTH_TOKEN")},
			"access_key":     schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Access key ID for AK/SK request signing.", "HW_ACCESS_KEY")},
			"secret_key":     schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Secret access key for AK/SK request signing.", "HW_SECRET_KEY")},
			"security_token": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("Security token of temporary AK/SK credentials.", "HW_SECURITY_TOKEN")},
			"user_name":      schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM user name, exchanged with `password` and `domain_name` for a token.", "HW_USER_NAME")},
			"password":       schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: env("IAM user password.", "HW_USER_PASSWORD")},
			"domain_name":    schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM domain (account) name of the user.", "HW_DOMAIN_NAME")},
			"auth_url":       schema.StringAttribute{Optional: true, MarkdownDescription: env("IAM endpoint including `/v3`, for password authentication. Defaults to `https://iam.{region}.myhuaweicloud.com/v3`.", "HW_AUTH_URL")},
			"language": schema.StringAttribute{Optional: true, MarkdownDescription: "Language of API messages, `en-us` (default) or `zh-cn`; sent as `X-Language`.",
				Validators: []validator.String{stringvalidator.OneOf("en-us", "zh-cn")}},
			"max_retries": schema.Int64Attribute{Optional: true, MarkdownDescription: env(fmt.Sprintf("How many times a failed idempotent call is retried after a server or connection error (default %d). Throttling and busy instances are waited out within the operation's timeout.", taurusdb.DefaultMaxRetries), "HW_MAX_RETRIES"),
				Validators: []validator.Int64{int64validator.Between(0, 50)}},
			"insecure": schema.BoolAttribute{Optional: true, MarkdownDescription: env("Skip TLS verification and allow plain http to any host. For test set-ups only.", "HW_INSECURE")},
		},
	}
}

// settings is the provider configuration after environment fallbacks.
type settings struct {
	region, projectID, endpoint, authURL, language string
	token, accessKey, secretKey, securityToken     string
	userName, password, domainName                 string
	maxRetries                                     int
	insecure                                       bool
}

// credential names a setting, its variable and where its value came from.
type credential struct {
	attr, env string
	val       *string
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
	cfg, diagErr := buildClientConfig(s)
	if diagErr != nil {
		resp.Diagnostics.AddError(diagErr.summary, diagErr.detail)
		return
	}
	cfg.UserAgent = "terraform-provider-taurusdb/" + p.version
	if req.TerraformVersion != "" {
		cfg.UserAgent += " terraform/" + req.TerraformVersion
	}
	cfg.Logger = tflogLogger{}
	if err := tuningFromEnv(&cfg); err != nil {
		resp.Diagnostics.AddError("Invalid TaurusDB provider tuning", err.Error())
		return
	}
	if pa, ok := cfg.Auth.(*taurusdb.PasswordAuth); ok {
		pa.UserAgent = cfg.UserAgent
	}
	if p.opts.ClientOptions != nil {
		p.opts.ClientOptions(&cfg)
	}
	client, err := taurusdb.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid TaurusDB provider configuration", err.Error())
		return
	}
	tflog.Debug(ctx, "configured TaurusDB client", map[string]any{"endpoint": cfg.Endpoint, "project_id": s.projectID, "auth": cfg.Auth.Mode()})
	resp.ResourceData = &providerData{client: client, secrets: s.secrets()}
	resp.DataSourceData = resp.ResourceData
	resp.ActionData = resp.ResourceData
	resp.ListResourceData = resp.ResourceData
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

// providerData is what resources receive. secrets are masked in every log
// line the resources' contexts produce, as a second guard behind the rule
// that the client never logs them.
type providerData struct {
	client  *taurusdb.Client
	secrets []string
}

func (s settings) secrets() []string {
	var out []string
	for _, v := range []string{s.token, s.secretKey, s.securityToken, s.password, s.accessKey} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func settingsFrom(m providerModel) (settings, bool) {
	var s settings
	unknown := false
	str := func(v types.String, env string, dst *string) {
		switch {
		case v.IsUnknown():
			unknown = true
		case !v.IsNull():
			*dst = v.ValueString()
		case env != "":
			*dst = os.Getenv(env)
		}
	}
	str(m.Region, "HW_REGION_NAME", &s.region)
	str(m.ProjectID, "HW_PROJECT_ID", &s.projectID)
	str(m.Endpoint, "TAURUSDB_ENDPOINT", &s.endpoint)
	str(m.AuthURL, "HW_AUTH_URL", &s.authURL)
	str(m.Language, "", &s.language)
	if m.MaxRetries.IsUnknown() || m.Insecure.IsUnknown() {
		unknown = true
	}
	s.maxRetries = taurusdb.DefaultMaxRetries
	if !m.MaxRetries.IsNull() {
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	} else if v, err := strconv.Atoi(os.Getenv("HW_MAX_RETRIES")); err == nil && v >= 0 {
		s.maxRetries = v
	}
	if !m.Insecure.IsNull() {
		s.insecure = m.Insecure.ValueBool()
	} else if v, err := strconv.ParseBool(os.Getenv("HW_INSECURE")); err == nil {
		s.insecure = v
	}
	// Credentials: when any is set in the configuration, the environment's
	// credentials are ignored as a whole. Users of the huaweicloud provider
	// often have HW_ACCESS_KEY exported; a token written in HCL must not turn
	// into a "mixed credentials" error because of it.
	creds := s.credentials()
	vals := map[string]types.String{
		"auth_token": m.AuthToken, "access_key": m.AccessKey, "secret_key": m.SecretKey, "security_token": m.SecurityToken,
		"user_name": m.UserName, "password": m.Password, "domain_name": m.DomainName,
	}
	anyHCL := false
	for _, c := range creds {
		v := vals[c.attr]
		if v.IsUnknown() {
			unknown = true
		}
		if !v.IsNull() && !v.IsUnknown() {
			anyHCL = true
		}
	}
	for _, c := range creds {
		v := vals[c.attr]
		if anyHCL {
			if !v.IsNull() && !v.IsUnknown() {
				*c.val = v.ValueString()
			}
		} else {
			*c.val = os.Getenv(c.env)
		}
	}
	return s, unknown
}

func (s *settings) credentials() []credential {
	return []credential{
		{attr: "auth_token", env: "HW_AUTH_TOKEN", val: &s.token},
		{attr: "access_key", env: "HW_ACCESS_KEY", val: &s.accessKey},
		{attr: "secret_key", env: "HW_SECRET_KEY", val: &s.secretKey},
		{attr: "security_token", env: "HW_SECURITY_TOKEN", val: &s.securityToken},
		{attr: "user_name", env: "HW_USER_NAME", val: &s.userName},
		{attr: "password", env: "HW_USER_PASSWORD", val: &s.password},
		{attr: "domain_name", env: "HW_DOMAIN_NAME", val: &s.domainName},
	}
}

type configError struct{ summary, detail string }

const authHelp = "Set exactly one of:\n" +
	"  - auth_token (HW_AUTH_TOKEN)\n" +
	"  - access_key + secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), optionally security_token (HW_SECURITY_TOKEN)\n" +
	"  - user_name + password + domain_name (HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)\n" +
	"Credentials written in the provider block take precedence: when any is set there, the environment's are ignored."

// buildClientConfig checks the settings and turns them into a client config;
// every problem is reported with the settings that fix it.
func buildClientConfig(s settings) (taurusdb.Config, *configError) {
	cfg := taurusdb.Config{ProjectID: s.projectID, Language: s.language, MaxRetries: s.maxRetries, Insecure: s.insecure}
	if s.projectID == "" {
		return cfg, &configError{"Missing project_id", "Set project_id in the provider block or HW_PROJECT_ID in the environment."}
	}
	endpoint := s.endpoint
	if endpoint == "" {
		if s.region == "" {
			return cfg, &configError{"Missing region or endpoint", "Set region (HW_REGION_NAME), or endpoint (TAURUSDB_ENDPOINT) as scheme://host[:port]."}
		}
		ep, err := taurusdb.DefaultEndpoint(s.region)
		if err != nil {
			return cfg, &configError{"Unknown region", err.Error() + ". Regions with a default endpoint: " + strings.Join(taurusdb.KnownRegions(), ", ") + "."}
		}
		endpoint = ep
	}
	ep, err := taurusdb.ValidateEndpoint(endpoint, s.insecure)
	if err != nil {
		return cfg, &configError{"Invalid endpoint", err.Error()}
	}
	cfg.Endpoint = ep

	groups := map[string][]string{}
	set := func(group, name string, v string) {
		if v != "" {
			groups[group] = append(groups[group], name)
		}
	}
	set("token", "auth_token", s.token)
	set("aksk", "access_key", s.accessKey)
	set("aksk", "secret_key", s.secretKey)
	set("aksk", "security_token", s.securityToken)
	set("password", "user_name", s.userName)
	set("password", "password", s.password)
	set("password", "domain_name", s.domainName)
	switch len(groups) {
	case 0:
		return cfg, &configError{"No TaurusDB credentials", "No credentials were found in the provider block or the environment.\n" + authHelp}
	case 1:
	default:
		var found []string
		for _, g := range []string{"token", "aksk", "password"} {
			found = append(found, groups[g]...)
		}
		return cfg, &configError{"Conflicting TaurusDB credentials", "Settings of more than one authentication mode are set: " + strings.Join(found, ", ") + ".\n" + authHelp}
	}
	switch {
	case s.token != "":
		cfg.Auth = taurusdb.TokenAuth{Token: s.token}
	case len(groups["aksk"]) > 0:
		if s.accessKey == "" || s.secretKey == "" {
			return cfg, &configError{"Incomplete access key credentials", "access_key and secret_key must both be set (HW_ACCESS_KEY, HW_SECRET_KEY); security_token alone is not enough.\n" + authHelp}
		}
		cfg.Auth = taurusdb.AKSKAuth{AccessKey: s.accessKey, SecretKey: s.secretKey, SecurityToken: s.securityToken, ProjectID: s.projectID}
	default:
		var miss []string
		for name, v := range map[string]string{"user_name (HW_USER_NAME)": s.userName, "password (HW_USER_PASSWORD)": s.password, "domain_name (HW_DOMAIN_NAME)": s.domainName} {
			if v == "" {
				miss = append(miss, name)
			}
		}
		if len(miss) > 0 {
			sort.Strings(miss)
			return cfg, &configError{"Incomplete password credentials", "Password authentication also needs: " + strings.Join(miss, ", ") + ".\n" + authHelp}
		}
		authURL := s.authURL
		if authURL == "" {
			if s.region == "" {
				return cfg, &configError{"Missing auth_url", "Password authentication needs auth_url (HW_AUTH_URL), or region (HW_REGION_NAME) to derive it."}
			}
			authURL = taurusdb.DefaultAuthURL(s.region)
		}
		if _, err := taurusdb.ValidateEndpoint(strings.TrimSuffix(strings.TrimSuffix(authURL, "/"), "/v3"), s.insecure); err != nil {
			return cfg, &configError{"Invalid auth_url", err.Error()}
		}
		cfg.Auth = &taurusdb.PasswordAuth{AuthURL: authURL, UserName: s.userName, Password: s.password, DomainName: s.domainName,
			ProjectID: s.projectID, HTTPClient: taurusdb.NewHTTPClient(s.insecure)}
	}
	return cfg, nil
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
