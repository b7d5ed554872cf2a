// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/hcloudconfig"
	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The provider's settings come from four places. credentialPrecedence is
// the one description of their order: resolveSettings follows it, and the
// provider page of the docs prints it (precedenceTable), which a test holds
// to the template.

// Rows of credentialPrecedence, as resolveSettings names them in
// settings.credentialsFrom.
const (
	fromProviderBlock = "provider block"
	fromEnvironment   = "environment"
	fromProfile       = "shared config profile"
	fromECSMetadata   = "ECS metadata"
)

// precedenceRow is one source of settings.
type precedenceRow struct {
	Source string // one of the from* names
	Gives  string // what it can give
	Rule   string // when it is used
}

var credentialPrecedence = []precedenceRow{
	{fromProviderBlock, "every argument",
		"Always first. When it sets any credential (`auth_token`, `access_key`, `secret_key`, `security_token`, `user_name`, `password`), no other source's credentials are read."},
	{fromEnvironment, "the environment variable of each argument (table below)",
		"For each argument the block leaves out; credentials only when the block sets none, and then all from here."},
	{fromProfile, "`access_key`, `secret_key`, `security_token`, `region` and `project_id` of the profile (`profile`, or the file's current one) in `shared_config_file`",
		"For what is still unset; credentials only when neither source above gives any; `project_id` only with the profile's own credentials, in the profile's region, without `project_name`; the profile's agency (`agencyName`) as `assume_role` when none is set."},
	{fromECSMetadata, "the temporary access key, secret key and security token of the ECS server's agency",
		"Only when no source above gives credentials; renewed before they expire."},
}

// precedenceTable renders credentialPrecedence as the Markdown table of the
// docs' provider page.
func precedenceTable() string {
	var b strings.Builder
	b.WriteString("| order | source | gives | used |\n|---|---|---|---|\n")
	for i, r := range credentialPrecedence {
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", i+1, r.Source, r.Gives, r.Rule)
	}
	return b.String()
}

// assume_role duration bounds, from the SDK's IdentityAssumerole model
// (duration_seconds: 15 minutes to 24 hours, default 15 minutes).
const (
	assumeRoleMinDuration = 900
	assumeRoleMaxDuration = 86400
)

// settings is the provider configuration after every source was read.
type settings struct {
	region, projectID, projectName             string
	endpoint, vpcEndpoint, authURL, language   string
	token, accessKey, secretKey, securityToken string
	userName, password, domainName             string
	sharedConfigFile, profile                  string
	assumeRole                                 *assumeRoleSettings
	maxRetries                                 int
	insecure                                   bool

	// credentialsFrom names the row of credentialPrecedence that gave the
	// credentials ("" while none did).
	credentialsFrom string
	// badEnv lists variables whose values could not be read, as
	// `NAME="value": what is wanted`; configure refuses them rather than
	// fall back to a default in silence.
	badEnv []string
}

type assumeRoleSettings struct {
	agencyName, domainName, domainID string
	durationSeconds                  int64
	// durationEnv is HW_ASSUME_ROLE_DURATION when it was read but is not
	// a number of seconds: an error, rather than IAM's default in silence.
	durationEnv string
}

// credential names a setting, its variable and where its value goes.
type credential struct {
	attr, env string
	val       *string
}

func (s *settings) credentials() []credential {
	return []credential{
		{attr: "auth_token", env: "HW_AUTH_TOKEN", val: &s.token},
		{attr: "access_key", env: "HW_ACCESS_KEY", val: &s.accessKey},
		{attr: "secret_key", env: "HW_SECRET_KEY", val: &s.secretKey},
		{attr: "security_token", env: "HW_SECURITY_TOKEN", val: &s.securityToken},
		{attr: "user_name", env: "HW_USER_NAME", val: &s.userName},
		{attr: "password", env: "HW_USER_PASSWORD", val: &s.password},
	}
}

func (s *settings) hasCredentials() bool {
	for _, c := range s.credentials() {
		if *c.val != "" {
			return true
		}
	}
	return false
}

// settingsFrom reads the provider block and the environment: rows 1 and 2
// of credentialPrecedence. unknown is true when a value is not known yet.
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
	str(m.ProjectName, "HW_PROJECT_NAME", &s.projectName)
	str(m.Endpoint, "TAURUSDB_ENDPOINT", &s.endpoint)
	str(m.VPCEndpoint, "TAURUSDB_VPC_ENDPOINT", &s.vpcEndpoint)
	str(m.AuthURL, "HW_AUTH_URL", &s.authURL)
	// domain_name is not a credential of its own: users of the huaweicloud
	// provider export HW_DOMAIN_NAME next to an access key pair, which
	// must not make a "mixed credentials" error. It serves the password.
	str(m.DomainName, "HW_DOMAIN_NAME", &s.domainName)
	str(m.SharedConfigFile, "HW_SHARED_CONFIG_FILE", &s.sharedConfigFile)
	str(m.Profile, "HW_PROFILE", &s.profile)
	str(m.Language, "", &s.language)
	if m.MaxRetries.IsUnknown() || m.Insecure.IsUnknown() {
		unknown = true
	}
	s.maxRetries = taurusdb.DefaultMaxRetries
	if !m.MaxRetries.IsNull() {
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	} else if raw := strings.TrimSpace(os.Getenv("HW_MAX_RETRIES")); raw != "" {
		// The same bounds as the argument's validator.
		if v, err := strconv.Atoi(raw); err == nil && v >= 0 && v <= 50 {
			s.maxRetries = v
		} else {
			s.badEnv = append(s.badEnv, fmt.Sprintf("HW_MAX_RETRIES=%q: want a whole number from 0 to 50", raw))
		}
	}
	if !m.Insecure.IsNull() {
		s.insecure = m.Insecure.ValueBool()
	} else if raw := strings.TrimSpace(os.Getenv("HW_INSECURE")); raw != "" {
		if v, err := strconv.ParseBool(raw); err == nil {
			s.insecure = v
		} else {
			s.badEnv = append(s.badEnv, fmt.Sprintf("HW_INSECURE=%q: want true or false", raw))
		}
	}

	// assume_role: the block's arguments, each falling back to its
	// variable; the variables alone also ask for it, as in the huaweicloud
	// provider.
	var ar assumeRoleSettings
	var arModel assumeRoleModel
	if m.AssumeRole != nil {
		arModel = *m.AssumeRole
	} else {
		arModel = assumeRoleModel{AgencyName: types.StringNull(), DomainName: types.StringNull(), DomainID: types.StringNull(), Duration: types.Int64Null()}
	}
	str(arModel.AgencyName, "HW_ASSUME_ROLE_AGENCY_NAME", &ar.agencyName)
	str(arModel.DomainName, "HW_ASSUME_ROLE_DOMAIN_NAME", &ar.domainName)
	str(arModel.DomainID, "HW_ASSUME_ROLE_DOMAIN_ID", &ar.domainID)
	switch {
	case arModel.Duration.IsUnknown():
		unknown = true
	case !arModel.Duration.IsNull():
		ar.durationSeconds = arModel.Duration.ValueInt64()
	default:
		if raw := strings.TrimSpace(os.Getenv("HW_ASSUME_ROLE_DURATION")); raw != "" {
			if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
				ar.durationSeconds = v
			} else {
				ar.durationEnv = raw
			}
		}
	}
	if m.AssumeRole != nil || ar.agencyName != "" {
		s.assumeRole = &ar
	}

	// Credentials: when any is set in the configuration, the environment's
	// credentials are ignored as a whole. Users of the huaweicloud provider
	// often have HW_ACCESS_KEY exported; a token written in HCL must not turn
	// into a "mixed credentials" error because of it.
	creds := s.credentials()
	vals := map[string]types.String{
		"auth_token": m.AuthToken, "access_key": m.AccessKey, "secret_key": m.SecretKey, "security_token": m.SecurityToken,
		"user_name": m.UserName, "password": m.Password,
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
	switch {
	case anyHCL:
		s.credentialsFrom = fromProviderBlock
	case s.hasCredentials():
		s.credentialsFrom = fromEnvironment
	}
	return s, unknown
}

// applyProfile is row 3 of credentialPrecedence: it fills what the block and
// the environment left unset from the shared config profile. A default file
// nobody asked for that cannot be read is a warning, not an error.
func applyProfile(s *settings) (warning string, cerr *configError) {
	path, explicitFile := s.sharedConfigFile, s.sharedConfigFile != ""
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		// The huaweicloud provider's examples write the default as
		// "~/.hcloud/config.json"; HCL does not expand "~".
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	if !explicitFile {
		p, err := hcloudconfig.DefaultPath()
		if err != nil {
			// No home directory: there is no default file to read.
			if s.profile != "" {
				return "", &configError{"Shared config file not found", fmt.Sprintf("profile %q is set, but the default shared config file cannot be located (%v); set shared_config_file (HW_SHARED_CONFIG_FILE).", s.profile, err)}
			}
			return "", nil
		}
		path = p
	}
	asked := explicitFile || s.profile != ""
	f, err := hcloudconfig.Load(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist) && !asked:
			return "", nil // the absent default file is not an error
		case !asked:
			return fmt.Sprintf("The default shared config file %s cannot be read (%v); it is ignored, since neither shared_config_file nor profile is set.", path, err), nil
		}
		why := "is named by shared_config_file (HW_SHARED_CONFIG_FILE)"
		if !explicitFile {
			why = fmt.Sprintf("is the default file, read because profile %q is set", s.profile)
		}
		return "", &configError{"Unreadable shared config file", fmt.Sprintf("%s %s: %v. Fix or create the file, or remove the setting.", path, why, err)}
	}
	prof, err := f.Profile(s.profile)
	if err != nil {
		if !asked {
			// The default file without a current profile gives nothing.
			return "", nil
		}
		return "", &configError{"Shared config profile not found", fmt.Sprintf("%s: %v. Set profile (HW_PROFILE) to one of its profiles.", path, err)}
	}
	if s.region == "" {
		s.region = prof.Region
	}
	if !s.hasCredentials() && (prof.AccessKey != "" || prof.SecretKey != "") {
		s.accessKey, s.secretKey, s.securityToken = prof.AccessKey, prof.SecretKey, prof.SecurityToken
		s.credentialsFrom = fromProfile
	}
	// A profile's project ID is the project of the profile's account and
	// region: with another source's credentials (maybe another account's)
	// or in another region it would send calls to the wrong project, so
	// then the project is looked up at IAM instead.
	if s.credentialsFrom == fromProfile && s.projectID == "" && s.projectName == "" && prof.ProjectID != "" && prof.Region == s.region {
		s.projectID = prof.ProjectID
	}
	// A KooCLI profile may name an agency its keys act through, as the
	// huaweicloud provider honours; an assume_role of the configuration
	// or the environment comes first.
	if s.credentialsFrom == fromProfile && s.assumeRole == nil && prof.AgencyName != "" {
		s.assumeRole = &assumeRoleSettings{agencyName: prof.AgencyName, domainName: prof.AgencyDomainName, domainID: prof.AgencyDomainID}
	}
	return "", nil
}

type configError struct{ summary, detail string }

const authHelp = "Set exactly one of:\n" +
	"  - auth_token (HW_AUTH_TOKEN)\n" +
	"  - access_key + secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), optionally security_token (HW_SECURITY_TOKEN)\n" +
	"  - user_name + password + domain_name (HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)\n" +
	"or use a shared config profile (shared_config_file, profile), or run on an ECS server with an agency.\n" +
	"Credentials written in the provider block take precedence: when any is set there, the environment's are ignored."

// checkCredentials reports mixed or incomplete credentials; nil also when
// there are none (the ECS metadata row may still give some).
func checkCredentials(s settings) *configError {
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
	if len(groups) > 1 {
		var found []string
		for _, g := range []string{"token", "aksk", "password"} {
			found = append(found, groups[g]...)
		}
		return &configError{"Conflicting TaurusDB credentials", "Settings of more than one authentication mode are set (" + s.credentialsFrom + "): " + strings.Join(found, ", ") + ".\n" + authHelp}
	}
	if len(groups["aksk"]) > 0 && (s.accessKey == "" || s.secretKey == "") {
		return &configError{"Incomplete access key credentials", "access_key and secret_key must both be set (HW_ACCESS_KEY, HW_SECRET_KEY); security_token alone is not enough (" + s.credentialsFrom + ").\n" + authHelp}
	}
	if len(groups["password"]) > 0 {
		var miss []string
		for name, v := range map[string]string{"user_name (HW_USER_NAME)": s.userName, "password (HW_USER_PASSWORD)": s.password, "domain_name (HW_DOMAIN_NAME)": s.domainName} {
			if v == "" {
				miss = append(miss, name)
			}
		}
		if len(miss) > 0 {
			sort.Strings(miss)
			return &configError{"Incomplete password credentials", "Password authentication also needs: " + strings.Join(miss, ", ") + ".\n" + authHelp}
		}
	}
	if ar := s.assumeRole; ar != nil {
		if ar.agencyName == "" {
			return &configError{"Incomplete assume_role", "assume_role needs agency_name (HW_ASSUME_ROLE_AGENCY_NAME)."}
		}
		if ar.domainName == "" && ar.domainID == "" {
			return &configError{"Incomplete assume_role", fmt.Sprintf("assume_role of agency %q needs domain_name (HW_ASSUME_ROLE_DOMAIN_NAME) or domain_id (HW_ASSUME_ROLE_DOMAIN_ID): the account that created the agency.", ar.agencyName)}
		}
		if ar.durationEnv != "" {
			return &configError{"Invalid assume_role duration", fmt.Sprintf("HW_ASSUME_ROLE_DURATION=%q is not a whole number of seconds: want %d to %d, such as 3600.", ar.durationEnv, assumeRoleMinDuration, assumeRoleMaxDuration)}
		}
		if d := ar.durationSeconds; d != 0 && (d < assumeRoleMinDuration || d > assumeRoleMaxDuration) {
			return &configError{"Invalid assume_role duration", fmt.Sprintf("assume_role.duration (or HW_ASSUME_ROLE_DURATION) is %d: want %d to %d seconds.", d, assumeRoleMinDuration, assumeRoleMaxDuration)}
		}
	}
	return nil
}
