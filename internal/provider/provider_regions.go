// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// One provider block serves several regions: each resource names its
// region (or takes the provider's), and each region has its own endpoint,
// project and, for credentials that name a project, its own scope. The
// clients are built on first use and kept for the provider's lifetime, so
// a project is looked up at IAM once per region.

// metadataURLEnv points the ECS metadata row at a test server. It exists
// for tests only: on a real ECS server the address is fixed and link-local.
const metadataURLEnv = "TAURUSDB_ECS_METADATA_URL"

// defaultMetadataURL is the ECS instance metadata service.
const defaultMetadataURL = "http://169.254.169.254"

// metadataProbeTimeout bounds the look for an ECS agency when no other
// source gives credentials: off ECS nothing answers at the link-local
// address, and the "no credentials" error should not wait long for that.
// (Each request of the metadata client has the same bound.)
const metadataProbeTimeout = 5 * time.Second

// clientSetup is what Configure adds to the settings: the user agent and
// the test hook.
type clientSetup struct {
	userAgent string
	tune      func(*taurusdb.Config)
}

// providerData is what resources, data sources, actions and list
// resources receive.
type providerData struct {
	defaultRegion string
	mode          string // the authentication mode, for log lines
	secrets       *secretSet
	regions       *regionClients
	warning       string // for Configure to show, "" for none
}

// secretSet holds every credential value the provider knows, including
// temporary ones fetched later, for masking in log lines: a second guard
// behind the rule that the client never logs them.
type secretSet struct {
	mu   sync.Mutex
	vals []string
}

func (s *secretSet) add(vals ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vals {
		if v != "" {
			s.vals = append(s.vals, v)
		}
	}
}

func (s *secretSet) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.vals...)
}

// regionClients builds and keeps one client per region.
type regionClients struct {
	s     settings
	setup clientSetup
	// auth is the credentials without a project; credentials that name a
	// project (ProjectScoper) are scoped per region.
	auth taurusdb.Authenticator

	mu      sync.Mutex // guards entries only
	entries map[string]*regionEntry
}

// regionEntry is one region's client, built under the entry's own lock so
// that a slow IAM look-up for one region holds up no other region.
type regionEntry struct {
	mu     sync.Mutex
	client *taurusdb.Client
}

// configure resolves the settings (rows 3 and 4 of credentialPrecedence,
// then assume_role) and prepares the per-region clients. Only the ECS
// metadata row and assume_role call out here: the first to know whether
// there are credentials at all, the second so that a refused agency is an
// error of the provider's configuration rather than of the first resource.
func configure(ctx context.Context, s settings, setup clientSetup) (*providerData, *configError) {
	if len(s.badEnv) > 0 {
		return nil, &configError{"Invalid environment variable", strings.Join(s.badEnv, "\n") + "\nFix or unset it; the provider does not fall back to a default in silence."}
	}
	warning, cerr := applyProfile(&s)
	if cerr != nil {
		return nil, cerr
	}
	if cerr := checkCredentials(s); cerr != nil {
		return nil, cerr
	}
	if s.endpoint == "" && s.region == "" {
		return nil, &configError{"Missing region or endpoint", "Set region (HW_REGION_NAME), or endpoint (TAURUSDB_ENDPOINT) as scheme://host[:port]."}
	}
	if s.projectID == "" && s.region == "" {
		return nil, &configError{"Missing project_id", "Without region (HW_REGION_NAME) the project cannot be looked up: set project_id (HW_PROJECT_ID), or region."}
	}
	// Check every URL now, with a sample region, so that a typo is an
	// error at plan time whatever region a resource names.
	sample := firstNonEmpty(s.region, "cn-north-4")
	if _, cerr := endpointFor(s, sample); cerr != nil {
		return nil, cerr
	}
	if s.vpcEndpoint != "" {
		if _, err := taurusdb.ValidateEndpoint(forRegion(s.vpcEndpoint, sample), s.insecure); err != nil {
			return nil, &configError{"Invalid vpc_endpoint", err.Error()}
		}
	}
	if s.authURL != "" {
		if _, err := taurusdb.ValidateEndpoint(strings.TrimSuffix(strings.TrimSuffix(forRegion(s.authURL, sample), "/"), "/v3"), s.insecure); err != nil {
			return nil, &configError{"Invalid auth_url", err.Error()}
		}
	}
	var probe taurusdb.Config
	if err := tuningFromEnv(&probe); err != nil {
		return nil, &configError{"Invalid TaurusDB provider tuning", err.Error()}
	}

	secrets := &secretSet{}
	secrets.add(s.token, s.accessKey, s.secretKey, s.securityToken, s.password)
	remember := func(tc taurusdb.TemporaryCredentials) {
		secrets.add(tc.AccessKey, tc.SecretKey, tc.SecurityToken)
	}
	hc := taurusdb.NewHTTPClient(s.insecure)

	var auth taurusdb.Authenticator
	switch {
	case s.token != "":
		auth = taurusdb.TokenAuth{Token: s.token}
	case s.accessKey != "":
		auth = taurusdb.AKSKAuth{AccessKey: s.accessKey, SecretKey: s.secretKey, SecurityToken: s.securityToken}
	case s.userName != "":
		authURL, cerr := iamURLFor(s, s.region)
		if cerr != nil {
			return nil, cerr
		}
		// No project: a domain-scoped token for IAM's project list; each
		// region gets a token scoped to its project (ForProject).
		auth = &taurusdb.PasswordAuth{AuthURL: authURL, UserName: s.userName, Password: s.password, DomainName: s.domainName,
			HTTPClient: hc, UserAgent: setup.userAgent}
	default:
		base := os.Getenv(metadataURLEnv)
		if base == "" {
			base = defaultMetadataURL
		}
		tmp := &taurusdb.TemporaryAKSK{
			Source:        &taurusdb.MetadataCredentials{BaseURL: base, UserAgent: setup.userAgent},
			OnCredentials: remember,
			ModeName:      "ecs-metadata",
		}
		pctx, cancel := context.WithTimeout(ctx, metadataProbeTimeout)
		_, err := tmp.Credentials(pctx)
		cancel()
		if err != nil {
			return nil, &configError{"No TaurusDB credentials", "No credentials were found in the provider block, the environment or a shared config profile, " +
				"and the ECS metadata service gave none (" + err.Error() + "): this is not an ECS server with an agency, or the agency is missing.\n" + authHelp}
		}
		s.credentialsFrom = fromECSMetadata
		auth = tmp
	}

	if ar := s.assumeRole; ar != nil {
		iamURL, cerr := iamURLFor(s, s.region)
		if cerr != nil {
			return nil, cerr
		}
		tmp := &taurusdb.TemporaryAKSK{
			Source: &taurusdb.AssumeRoleCredentials{
				IAM:  &taurusdb.IAM{URL: iamURL, Auth: auth, HTTPClient: hc, UserAgent: setup.userAgent},
				Role: taurusdb.AssumeRole{AgencyName: ar.agencyName, DomainName: ar.domainName, DomainID: ar.domainID, Duration: time.Duration(ar.durationSeconds) * time.Second},
			},
			OnCredentials: remember,
			ModeName:      "assume_role",
		}
		if _, err := tmp.Credentials(ctx); err != nil {
			return nil, &configError{"Assuming the agency failed", fmt.Sprintf("assume_role of agency %q (domain %s) with the credentials from the %s: %v. Check agency_name, domain_name or domain_id, and that these credentials may assume the agency.",
				ar.agencyName, firstNonEmpty(ar.domainName, ar.domainID), firstNonEmpty(s.credentialsFrom, "provider block"), err)}
		}
		auth = tmp
	}

	rc := &regionClients{s: s, setup: setup, auth: auth, entries: map[string]*regionEntry{}}
	if s.projectID == "" {
		// Once per provider configuration, and now: a region IAM has no
		// project for is an error of this configuration, at plan time,
		// not of the first resource that happens to need it.
		if _, err := rc.client(ctx, s.region); err != nil {
			return nil, &configError{fmt.Sprintf("No project for region %q", firstNonEmpty(s.projectName, s.region)), err.Error()}
		}
	}
	return &providerData{defaultRegion: s.region, mode: auth.Mode(), secrets: secrets, regions: rc, warning: warning}, nil
}

// forRegion fills {region} in an endpoint setting; one without it serves
// every region.
func forRegion(setting, region string) string {
	return strings.ReplaceAll(setting, "{region}", region)
}

// endpointFor is the API endpoint of a region.
func endpointFor(s settings, region string) (string, *configError) {
	endpoint := forRegion(s.endpoint, region)
	if endpoint == "" {
		ep, err := taurusdb.DefaultEndpoint(region)
		if err != nil {
			return "", &configError{"Unknown region", err.Error() + ". Regions with a default endpoint: " + strings.Join(taurusdb.KnownRegions(), ", ") + "."}
		}
		endpoint = ep
	}
	ep, err := taurusdb.ValidateEndpoint(endpoint, s.insecure)
	if err != nil {
		return "", &configError{"Invalid endpoint", err.Error()}
	}
	return ep, nil
}

// iamURLFor is the IAM endpoint (with /v3) used for a region.
func iamURLFor(s settings, region string) (string, *configError) {
	if s.authURL != "" {
		return forRegion(s.authURL, region), nil
	}
	if region == "" {
		return "", &configError{"Missing auth_url", "IAM is needed (password authentication, a project look-up or assume_role) but neither auth_url (HW_AUTH_URL) nor region (HW_REGION_NAME) is set."}
	}
	return taurusdb.DefaultIAMURL(region), nil
}

// vpcEndpointFor is the VPC endpoint of a region, "" when unknown.
func vpcEndpointFor(s settings, region string) string {
	if s.vpcEndpoint != "" {
		return forRegion(s.vpcEndpoint, region)
	}
	if region == "" {
		return ""
	}
	return taurusdb.DefaultVPCEndpoint(region)
}

// client returns the client of a region ("" = the provider's), building it
// on first use.
func (r *regionClients) client(ctx context.Context, region string) (*taurusdb.Client, error) {
	if region == "" {
		region = r.s.region
	}
	r.mu.Lock()
	e, ok := r.entries[region]
	if !ok {
		e = &regionEntry{}
		r.entries[region] = e
	}
	r.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.client != nil {
		return e.client, nil
	}
	// A failed look-up is not kept: the next call tries again.
	c, err := r.build(ctx, region)
	if err != nil {
		return nil, err
	}
	e.client = c
	return c, nil
}

// build makes the client of a region: its project, endpoint and scoped
// credentials.
func (r *regionClients) build(ctx context.Context, region string) (*taurusdb.Client, error) {
	s := r.s
	projectID := ""
	if region == s.region {
		projectID = s.projectID
	}
	if projectID == "" {
		name := region
		if region == s.region && s.projectName != "" {
			name = s.projectName
		}
		iamURL, cerr := iamURLFor(s, region)
		if cerr != nil {
			return nil, fmt.Errorf("%s: %s", cerr.summary, cerr.detail)
		}
		iam := &taurusdb.IAM{URL: iamURL, Auth: r.auth, HTTPClient: taurusdb.NewHTTPClient(s.insecure), UserAgent: r.setup.userAgent}
		id, err := iam.ProjectID(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("looking up the project of region %q at IAM (%s): %w", region, iamURL, err)
		}
		projectID = id
	}
	endpoint, cerr := endpointFor(s, region)
	if cerr != nil {
		return nil, fmt.Errorf("%s: %s", cerr.summary, cerr.detail)
	}
	auth := r.auth
	if ps, ok := auth.(taurusdb.ProjectScoper); ok {
		auth = ps.ForProject(projectID)
	}
	cfg := taurusdb.Config{
		Endpoint: endpoint, VPCEndpoint: vpcEndpointFor(s, region), ProjectID: projectID, Auth: auth,
		Language: s.language, MaxRetries: s.maxRetries, Insecure: s.insecure,
		UserAgent: r.setup.userAgent, Logger: tflogLogger{},
	}
	if err := tuningFromEnv(&cfg); err != nil {
		return nil, err
	}
	if r.setup.tune != nil {
		r.setup.tune(&cfg)
	}
	return taurusdb.New(cfg)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
