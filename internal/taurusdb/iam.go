// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// IAM calls Huawei Cloud IAM. URL includes /v3, e.g.
// https://iam.cn-north-4.myhuaweicloud.com/v3.
//
// IAM is a global service: its calls carry no X-Project-Id. An Auth that is
// a ProjectScoper is used as ForProject("") (AK/SK signed without a project,
// a domain-scoped token for a password), so credentials configured for a
// project still work here.
type IAM struct {
	URL        string
	Auth       Authenticator // the caller's credentials (AK/SK signature, token, temporary AK/SK)
	HTTPClient *http.Client
	UserAgent  string
	// Clock times the waits between retries; nil means the wall clock.
	// Tests pass a fake one so the backoff takes no time.
	Clock Clock

	scopeOnce sync.Once
	scoped    Authenticator
}

// iamTries is how often an IAM or metadata call is sent in all: the first
// try and two retries after transient failures (5xx, throttling, a broken
// connection). Credentials are fetched once per provider run or per
// credentials' lifetime, so a short, fixed budget is enough.
const iamTries = 3

// iamBackoff is the first wait between tries; it doubles per retry.
const iamBackoff = time.Second

// ProjectNotFoundError says IAM lists no project with the name asked for.
type ProjectNotFoundError struct {
	Name      string
	URL       string
	RequestID string
}

func (e *ProjectNotFoundError) Error() string {
	return fmt.Sprintf("IAM at %s lists no project named %q%s: the project name is the region (cn-north-4) or a sub-project "+
		"({region}_{suffix}); set project_id to the project's ID, or set the right region (or project_name) for these credentials",
		e.URL, e.Name, requestIDSuffix(e.RequestID))
}

// iamProjectsResponse is KeystoneListProjectsResponse in the IAM SDK
// (services/iam/v3/model/model_keystone_list_projects_response.go).
type iamProjectsResponse struct {
	Projects []iamProject `json:"projects"`
}

// iamProject is the part of the SDK's ProjectResult the provider uses.
type iamProject struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  *bool  `json:"enabled"`
}

func (i *IAM) clock() Clock {
	if i.Clock != nil {
		return i.Clock
	}
	return RealClock{}
}

// auth returns the credentials as IAM needs them: without a project.
func (i *IAM) auth() Authenticator {
	i.scopeOnce.Do(func() {
		i.scoped = i.Auth
		if s, ok := i.Auth.(ProjectScoper); ok {
			i.scoped = s.ForProject("")
		}
	})
	return i.scoped
}

// ProjectID returns the ID of the one project whose name equals name
// exactly: GET {URL}/projects?name={name} (KeystoneListProjects).
func (i *IAM) ProjectID(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", errors.New("looking up a project ID needs a project name (the region); set region or project_id")
	}
	u := strings.TrimSuffix(i.URL, "/") + "/projects?" + url.Values{"name": {name}}.Encode()
	var out iamProjectsResponse
	reqID, err := i.send(ctx, http.MethodGet, u, nil, &out, false)
	if err != nil {
		return "", fmt.Errorf("looking up the ID of project %q in IAM: %w; check the credentials and that they may list projects "+
			"(IAM's iam:projects:listProjects), or set project_id", name, err)
	}
	// The name filter is exact in IAM's reference; compare anyway, so an
	// IAM that treated it as a prefix could not hand over a sub-project.
	var ids []string
	for _, p := range out.Projects {
		if p.Name == name {
			ids = append(ids, p.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", &ProjectNotFoundError{Name: name, URL: i.URL, RequestID: reqID}
	case 1:
		if ids[0] == "" {
			return "", &DecodeError{Method: http.MethodGet, Path: u, Status: http.StatusOK, RequestID: reqID, Problem: fmt.Sprintf("project %q has no id", name)}
		}
		return ids[0], nil
	}
	// The SDK refuses too (core/auth/basic_credentials.go): guessing would
	// put resources in a project nobody chose.
	return "", fmt.Errorf("IAM at %s lists %d projects named %q (%s)%s; set project_id to the one to use",
		i.URL, len(ids), name, strings.Join(ids, ", "), requestIDSuffix(reqID))
}

// AssumeRole names an agency to act as.
type AssumeRole struct {
	AgencyName string
	// DomainName or DomainID names the account that created the agency;
	// one of them is required.
	DomainName string
	DomainID   string
	// Duration is how long the credentials live; 0 leaves it to IAM, whose
	// default is 15 minutes. The SDK documents 15 minutes to 24 hours
	// (IdentityAssumerole.DurationSeconds in
	// services/iam/v3/model/model_identity_assumerole.go).
	Duration time.Duration
}

// The range of AssumeRole.Duration IAM accepts.
const (
	MinAssumeRoleDuration = 15 * time.Minute
	MaxAssumeRoleDuration = 24 * time.Hour
)

// assumeRoleRequest is CreateTemporaryAccessKeyByAgencyRequestBody:
// {"auth": {"identity": {"methods": ["assume_role"], "assume_role": {...}}}}.
type assumeRoleRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string       `json:"methods"`
			AssumeRole assumeRoleBody `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

type assumeRoleBody struct {
	AgencyName      string `json:"agency_name"`
	DomainID        string `json:"domain_id,omitempty"`
	DomainName      string `json:"domain_name,omitempty"`
	DurationSeconds int32  `json:"duration_seconds,omitempty"`
}

// credentialResponse is CreateTemporaryAccessKeyByAgencyResponse, and the
// answer of the ECS metadata service's securitykey too.
type credentialResponse struct {
	Credential *credentialBody `json:"credential"`
}

// credentialBody is the SDK's Credential. The IAM model
// (services/iam/v3/model/model_credential.go) names the fields access,
// secret, securitytoken and expires_at; the SDK's own reader of the
// metadata service (core/auth/internal/model.go) also accepts accessKeyId,
// secretAccessKey, securityToken and expiration. Both are read here.
type credentialBody struct {
	Access          string `json:"access"`
	AccessKeyID     string `json:"accessKeyId"`
	Secret          string `json:"secret"`
	SecretAccessKey string `json:"secretAccessKey"`
	SecurityToken   string `json:"securitytoken"`
	SecurityTokenCC string `json:"securityToken"`
	ExpiresAt       string `json:"expires_at"`
	Expiration      string `json:"expiration"`
}

// credentials checks the answer and converts it. Problems name fields,
// never values: these bodies are secrets.
func (b *credentialBody) credentials() (TemporaryCredentials, string) {
	if b == nil {
		return TemporaryCredentials{}, "the answer has no credential object"
	}
	c := TemporaryCredentials{
		AccessKey:     firstNonEmpty(b.Access, b.AccessKeyID),
		SecretKey:     firstNonEmpty(b.Secret, b.SecretAccessKey),
		SecurityToken: firstNonEmpty(b.SecurityToken, b.SecurityTokenCC),
	}
	switch {
	case c.AccessKey == "":
		return c, "the answer has no credential.access"
	case c.SecretKey == "":
		return c, "the answer has no credential.secret"
	case c.SecurityToken == "":
		return c, "the answer has no credential.securitytoken"
	}
	exp := firstNonEmpty(b.ExpiresAt, b.Expiration)
	if exp == "" {
		return c, "the answer has no credential.expires_at"
	}
	// The SDK parses 2006-01-02T15:04:05Z; IAM's examples carry fractions
	// of a second (2020-01-08T02:56:19.587000Z). RFC 3339 reads both.
	t, err := time.Parse(time.RFC3339, exp)
	if err != nil {
		return c, fmt.Sprintf("credential.expires_at %q is not an RFC 3339 time", exp)
	}
	c.ExpiresAt = t
	return c, ""
}

// AssumeRole exchanges the caller's credentials (Auth) for an agency's
// temporary AK/SK: POST {URL minus /v3}/v3.0/OS-CREDENTIAL/securitytokens
// (CreateTemporaryAccessKeyByAgency), answered 201 with credential.
func (i *IAM) AssumeRole(ctx context.Context, role AssumeRole) (TemporaryCredentials, error) {
	if role.AgencyName == "" {
		return TemporaryCredentials{}, errors.New("assume_role needs agency_name")
	}
	if role.DomainName == "" && role.DomainID == "" {
		return TemporaryCredentials{}, fmt.Errorf("assume_role of agency %q needs domain_name or domain_id (the account that created the agency)", role.AgencyName)
	}
	var body assumeRoleRequest
	body.Auth.Identity.Methods = []string{"assume_role"}
	body.Auth.Identity.AssumeRole = assumeRoleBody{AgencyName: role.AgencyName, DomainID: role.DomainID, DomainName: role.DomainName}
	if role.Duration != 0 {
		if role.Duration < MinAssumeRoleDuration || role.Duration > MaxAssumeRoleDuration {
			return TemporaryCredentials{}, fmt.Errorf("assume_role duration %s is outside what IAM accepts (%s to %s)", role.Duration, MinAssumeRoleDuration, MaxAssumeRoleDuration)
		}
		body.Auth.Identity.AssumeRole.DurationSeconds = int32(role.Duration / time.Second)
	}
	base := strings.TrimSuffix(strings.TrimSuffix(i.URL, "/"), "/v3")
	u := base + "/v3.0/OS-CREDENTIAL/securitytokens"
	var out credentialResponse
	reqID, err := i.send(ctx, http.MethodPost, u, body, &out, true)
	if err != nil {
		return TemporaryCredentials{}, fmt.Errorf("assuming agency %q of domain %q: %w; check that the agency exists and trusts these credentials' account, "+
			"and that they may assume it", role.AgencyName, firstNonEmpty(role.DomainName, role.DomainID), err)
	}
	creds, problem := out.Credential.credentials()
	if problem != "" {
		return TemporaryCredentials{}, &DecodeError{Method: http.MethodPost, Path: u, Status: http.StatusCreated, RequestID: reqID, Problem: problem}
	}
	return creds, nil
}

// send makes one IAM call with retries. secret marks an answer that holds
// credentials: no part of its body may reach an error.
func (i *IAM) send(ctx context.Context, method, u string, in, out any, secret bool) (string, error) {
	var payload []byte
	if in != nil {
		var err error
		if payload, err = json.Marshal(in); err != nil {
			return "", err
		}
	}
	auth := i.auth()
	if auth == nil {
		return "", errors.New("no credentials configured for IAM")
	}
	hc := i.HTTPClient
	if hc == nil {
		hc = NewHTTPClient(false)
	}
	hc = withoutRedirects(hc)
	var reqID string
	// Every IAM call here may be repeated: a second project list reads the
	// same, and a second assume_role only issues credentials that expire
	// unused. So a POST is retried like a GET.
	err := retryTransient(ctx, i.clock(), iamTransient, func() error {
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, u, body)
		if err != nil {
			return err
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		}
		if i.UserAgent != "" {
			req.Header.Set("User-Agent", i.UserAgent)
		}
		if err := auth.Authenticate(ctx, req, payload); err != nil {
			return &notSentError{err: err}
		}
		if req.Header.Get("X-Project-Id") != "" {
			// Signed already, so it cannot be dropped here.
			return errors.New("the IAM credentials add X-Project-Id, which IAM calls must not carry; this is a bug in the provider")
		}
		var raw []byte
		var status int
		status, reqID, raw, err = roundTrip(hc, req)
		if err != nil {
			return err
		}
		if status/100 != 2 {
			e := decodeAPIError(method, req.URL.Path, status, reqID, raw)
			e.Host = req.URL.Host
			e.Service = "IAM"
			if IsAuth(e) {
				// A cached token may have been revoked: the next call
				// asks for a new one.
				if inv, ok := auth.(interface{ Invalidate() }); ok {
					inv.Invalidate()
				}
			}
			return e
		}
		if err := decodeBody(raw, out); err != nil {
			var te *json.UnmarshalTypeError
			de := &DecodeError{Method: method, Path: req.URL.Path, Status: status, RequestID: reqID, Problem: err.Error(), permanent: errors.As(err, &te)}
			if !secret {
				de.Body = snippet(raw)
			} else {
				de.Problem = "the answer is not the documented JSON"
			}
			return de
		}
		return nil
	})
	return reqID, err
}

// roundTrip sends req and reads the answer: its status, request ID and
// body. A refused redirect comes back as the *RedirectError itself.
func roundTrip(hc *http.Client, req *http.Request) (int, string, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		var re *RedirectError
		if errors.As(err, &re) {
			return 0, "", nil, re
		}
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	// IAM also answers X-IAM-Trace-Id (the SDK reads that one); either
	// identifies the call for a support case.
	reqID := firstNonEmpty(resp.Header.Get("X-Request-Id"), resp.Header.Get("X-IAM-Trace-Id"))
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, reqID, nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, RequestID: reqID, Problem: "reading the body: " + err.Error()}
	}
	return resp.StatusCode, reqID, raw, nil
}

// iamTransient is a failure worth another try: a server error, throttling,
// an unreadable answer or a broken connection.
func iamTransient(err error) bool { return IsThrottled(err) || retryable(err, true) }

// retryTransient runs try up to iamTries times while it fails in a way
// transient accepts. Authentication failures are never retried (bad
// signatures lock the key). Waits go through clock, and end when ctx does.
func retryTransient(ctx context.Context, clock Clock, transient func(error) bool, try func() error) error {
	var err error
	for n := 1; ; n++ {
		err = try()
		if err == nil || ctx.Err() != nil || n >= iamTries || IsAuth(err) || !transient(err) {
			return err
		}
		if serr := clock.Sleep(ctx, iamBackoff<<(n-1)); serr != nil {
			return withPrevious(serr, err)
		}
	}
}
