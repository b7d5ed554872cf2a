// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

// Authenticator adds credentials to a request. body is the exact payload that
// will be sent (nil for none), which AK/SK signing needs for its hash.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request, body []byte) error
	// Mode names the method for log lines; it never contains a secret.
	Mode() string
}

// ProjectScoper is an Authenticator whose credentials name a project. One
// provider block may manage several regions, each with its own project ID;
// ForProject gives the credentials for one of them. ForProject("") gives
// credentials that name no project, as IAM's calls need.
type ProjectScoper interface {
	ForProject(projectID string) Authenticator
}

// TokenAuth sends a pre-issued IAM token as X-Auth-Token.
type TokenAuth struct {
	Token string
}

// Authenticate sets X-Auth-Token.
func (a TokenAuth) Authenticate(_ context.Context, req *http.Request, _ []byte) error {
	req.Header.Set("X-Auth-Token", a.Token)
	return nil
}

// Mode implements Authenticator.
func (TokenAuth) Mode() string { return "token" }

// ForProject implements ProjectScoper. A token's scope was fixed when it
// was issued, so it is used as it is: the API refuses it for another
// project, and that refusal is the clearest message there is.
func (a TokenAuth) ForProject(string) Authenticator { return a }

// AKSKAuth signs each request with an access key pair (SDK-HMAC-SHA256).
type AKSKAuth struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	// ProjectID is sent as X-Project-Id, as the signing scheme expects.
	ProjectID string
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// Authenticate sets the headers to be signed, then X-Sdk-Date and Authorization.
func (a AKSKAuth) Authenticate(_ context.Context, req *http.Request, body []byte) error {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if a.ProjectID != "" {
		req.Header.Set("X-Project-Id", a.ProjectID)
	}
	if a.SecurityToken != "" {
		req.Header.Set("X-Security-Token", a.SecurityToken)
	}
	signer.Sign(req, body, signer.Credentials{AccessKey: a.AccessKey, SecretKey: a.SecretKey}, now())
	return nil
}

// ForProject implements ProjectScoper: the same keys, signing with
// X-Project-Id projectID (none for "").
func (a AKSKAuth) ForProject(projectID string) Authenticator {
	a.ProjectID = projectID
	return a
}

// Mode implements Authenticator.
func (a AKSKAuth) Mode() string {
	if a.SecurityToken != "" {
		return "aksk+security_token"
	}
	return "aksk"
}

// PasswordAuth exchanges a user name and password for an IAM token, caches
// it, and fetches a new one before the cached one expires. The token is
// scoped to ProjectID, or, when that is empty, to the domain DomainName:
// a domain-scoped token is what IAM's project list needs.
type PasswordAuth struct {
	AuthURL    string // IAM endpoint including /v3
	UserName   string
	Password   string
	DomainName string
	ProjectID  string
	HTTPClient *http.Client
	UserAgent  string
	Now        func() time.Time
	// RenewBefore is how long before expiry a token is replaced; default 10m.
	RenewBefore time.Duration

	mu      sync.Mutex
	token   string
	expires time.Time

	viewsMu sync.Mutex
	views   map[string]*PasswordAuth
}

// ForProject implements ProjectScoper: a PasswordAuth for projectID (the
// domain for ""), with its own token, since IAM scopes a token to one
// project. Asking again for the same project returns the same one, so its
// token is reused.
func (a *PasswordAuth) ForProject(projectID string) Authenticator {
	if projectID == a.ProjectID {
		return a
	}
	a.viewsMu.Lock()
	defer a.viewsMu.Unlock()
	if v, ok := a.views[projectID]; ok {
		return v
	}
	v := &PasswordAuth{
		AuthURL: a.AuthURL, UserName: a.UserName, Password: a.Password, DomainName: a.DomainName, ProjectID: projectID,
		HTTPClient: a.HTTPClient, UserAgent: a.UserAgent, Now: a.Now, RenewBefore: a.RenewBefore,
	}
	if a.views == nil {
		a.views = map[string]*PasswordAuth{}
	}
	a.views[projectID] = v
	return v
}

// Mode implements Authenticator.
func (*PasswordAuth) Mode() string { return "password" }

// Authenticate sets X-Auth-Token from the cache, renewing it when needed.
func (a *PasswordAuth) Authenticate(ctx context.Context, req *http.Request, _ []byte) error {
	tok, err := a.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	return nil
}

func (a *PasswordAuth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Invalidate forgets the cached token, after the API refused it.
func (a *PasswordAuth) Invalidate() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token, a.expires = "", time.Time{}
}

// Token returns a valid token. Concurrent callers share one IAM exchange.
func (a *PasswordAuth) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	renew := a.RenewBefore
	if renew == 0 {
		renew = 10 * time.Minute
	}
	if a.token != "" && a.now().Add(renew).Before(a.expires) {
		return a.token, nil
	}
	tok, exp, err := a.exchange(ctx)
	if err != nil {
		return "", err
	}
	a.token, a.expires = tok, exp
	return tok, nil
}

type iamUser struct {
	Name     string    `json:"name"`
	Password string    `json:"password"`
	Domain   iamDomain `json:"domain"`
}
type iamDomain struct {
	Name string `json:"name"`
}
type iamTokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User iamUser `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			// One of the two: a project's token, or the domain's.
			Project *iamScopeProject `json:"project,omitempty"`
			Domain  *iamDomain       `json:"domain,omitempty"`
		} `json:"scope"`
	} `json:"auth"`
}
type iamScopeProject struct {
	ID string `json:"id"`
}
type iamTokenResponse struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
	} `json:"token"`
}

func (a *PasswordAuth) exchange(ctx context.Context) (string, time.Time, error) {
	var body iamTokenRequest
	body.Auth.Identity.Methods = []string{"password"}
	body.Auth.Identity.Password.User = iamUser{Name: a.UserName, Password: a.Password, Domain: iamDomain{Name: a.DomainName}}
	if a.ProjectID != "" {
		body.Auth.Scope.Project = &iamScopeProject{ID: a.ProjectID}
	} else {
		body.Auth.Scope.Domain = &iamDomain{Name: a.DomainName}
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return "", time.Time{}, err
	}
	url := strings.TrimSuffix(a.AuthURL, "/") + "/auth/tokens"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("building the IAM token request for %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.UserAgent != "" {
		req.Header.Set("User-Agent", a.UserAgent)
	}
	hc := a.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	// Never follow a redirect: a 307/308 would re-send the password to
	// whatever host it names.
	resp, err := withoutRedirects(hc).Do(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("requesting an IAM token from %s for user %q: %w", url, a.UserName, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	reqID := resp.Header.Get("X-Request-Id")
	if resp.StatusCode/100 != 2 {
		apiErr := &APIError{Method: http.MethodPost, Path: url, Status: resp.StatusCode, RequestID: reqID}
		// IAM answers {"error": {"code", "message"}}; errorBody reads
		// that and the API's shapes.
		var eb errorBody
		if json.Unmarshal(raw, &eb) == nil {
			apiErr.Code, apiErr.Message = eb.codeAndMessage()
		} else {
			apiErr.Body = snippet(raw)
		}
		return "", time.Time{}, fmt.Errorf("IAM refused a token for user %q in domain %q; check user_name, password and domain_name (and auth_url): %w", a.UserName, a.DomainName, apiErr)
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", time.Time{}, &DecodeError{Method: http.MethodPost, Path: url, Status: resp.StatusCode, RequestID: reqID, Problem: "no X-Subject-Token header"}
	}
	var tr iamTokenResponse
	if err := json.Unmarshal(raw, &tr); err != nil {
		return "", time.Time{}, &DecodeError{Method: http.MethodPost, Path: url, Status: resp.StatusCode, RequestID: reqID, Problem: err.Error(), Body: snippet(raw)}
	}
	exp, err := time.Parse(time.RFC3339, tr.Token.ExpiresAt)
	if err != nil {
		// Without a readable expiry, assume the documented 24 hours would be
		// optimistic; an hour keeps renewals frequent but cheap.
		exp = a.now().Add(time.Hour)
	}
	return tok, exp, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// snippet returns the start of a body for an error message, on one line.
func snippet(b []byte) string {
	const maxLen = 200
	// A gateway page may be in any language or encoding: keep the excerpt
	// valid UTF-8 and cut it between characters, or diagnostics show
	// replacement garbage where the cut split a character.
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "\uFFFD")), " ")
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
