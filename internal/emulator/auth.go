// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/hmac"
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

// Limits of the real gateway that the emulator imitates.
const (
	maxClockSkew     = 15 * time.Minute
	lockoutThreshold = 5
	lockoutDuration  = 5 * time.Minute
)

// unscoped is the scope of a token issued without a project.
const unscoped = "(unscoped)"

// domainScoped is the scope of a token issued for the account (domain):
// IAM calls accept it, project APIs refuse it (it never equals a project
// ID).
const domainScoped = "(domain)"

// issuedToken is a token handed out by POST /v3/auth/tokens.
type issuedToken struct {
	projectID string // "" for an unscoped token, which no project API accepts
	domain    bool   // a domain-scoped token
	expires   time.Time
}

// authenticate checks the credentials of a project API call. It returns the
// project the credentials are scoped to ("" = any of the emulator's) or the
// 401 to send. Messages say what is wrong but never echo a secret.
func (e *Emulator) authenticate(c *call, now time.Time) (string, *response) {
	r := c.req
	if h := r.Header.Get("Authorization"); h != "" {
		return e.checkSignature(c, h, now)
	}
	tok := r.Header.Get("X-Auth-Token")
	if tok == "" {
		return "", authFailure("no credentials: send X-Auth-Token or an %s Authorization header", signer.Algorithm)
	}
	if e.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(e.cfg.Token)) == 1 {
		return "", nil
	}
	it, ok := e.tokens[tok]
	if !ok {
		return "", authFailure("the token is not valid")
	}
	if !now.Before(it.expires) {
		return "", authFailure("the token expired at %s", it.expires.UTC().Format(time.RFC3339))
	}
	switch {
	case it.domain:
		return domainScoped, nil
	case it.projectID == "":
		// Unscoped tokens exist at IAM but service APIs refuse them; the
		// marker never equals a project ID, so admit answers 403.
		return unscoped, nil
	}
	return it.projectID, nil
}

func (e *Emulator) checkSignature(c *call, header string, now time.Time) (string, *response) {
	r := c.req
	access, signed, sig, ok := signer.ParseAuthorization(header)
	if !ok {
		return "", authFailure("the Authorization header is not of the form %s Access=..., SignedHeaders=..., Signature=...", signer.Algorithm)
	}
	secret, securityToken := e.cfg.SecretKey, e.cfg.SecurityToken
	temp, isTemp := e.temporary[access]
	switch {
	case isTemp:
		// Temporary keys (iam.go, metadata.go) always need their
		// security token, and stop working at expires_at.
		if !now.Before(temp.expires) {
			return "", authFailure("the temporary access key expired at %s", temp.expires.UTC().Format(time.RFC3339))
		}
		secret, securityToken = temp.secret, temp.securityToken
	case e.cfg.AccessKey == "" || access != e.cfg.AccessKey:
		return "", authFailure("unknown access key")
	}
	if e.cfg.AKSKLockout && now.Before(e.lockedUntil) {
		return "", authFailure("the access key is locked until %s after %d bad signatures in a row", e.lockedUntil.UTC().Format(time.RFC3339), lockoutThreshold)
	}
	if !slices.Contains(signed, "x-sdk-date") {
		return "", e.badSignature(now, "x-sdk-date is not among the signed headers")
	}
	date := r.Header.Get(signer.HeaderDate)
	at, err := time.Parse(signer.DateFormat, date)
	if err != nil {
		return "", e.badSignature(now, fmt.Sprintf("%s %q is not of the form %s", signer.HeaderDate, date, signer.DateFormat))
	}
	if skew := now.Sub(at); skew > maxClockSkew || skew < -maxClockSkew {
		return "", e.badSignature(now, fmt.Sprintf("%s %s is more than 15 minutes away from the server time %s", signer.HeaderDate, date, now.UTC().Format(signer.DateFormat)))
	}
	want := signer.Signature(r, c.body, signed, secret)
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(want)) {
		return "", e.badSignature(now, "the signature does not match the request (check the secret key, the signed headers and the body)")
	}
	if securityToken != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Security-Token")), []byte(securityToken)) != 1 {
		return "", authFailure("X-Security-Token is missing or not valid for this access key")
	}
	e.badSignatures = 0
	// X-Project-Id scopes AK/SK requests the way a token's project does.
	return r.Header.Get("X-Project-Id"), nil
}

// badSignature counts a failed signature towards the lockout.
func (e *Emulator) badSignature(now time.Time, why string) *response {
	e.badSignatures++
	if e.cfg.AKSKLockout && e.badSignatures >= lockoutThreshold {
		e.lockedUntil = now.Add(lockoutDuration)
		e.badSignatures = 0
	}
	return authFailure("%s", why)
}

func authFailure(format string, args ...any) *response {
	r := apiError(http.StatusUnauthorized, codeAuth, "Incorrect IAM authentication information: "+format, args...)
	return &r
}

// iamRequest is the password method body of POST /v3/auth/tokens.
type iamRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
			Domain *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

// issueToken is POST /v3/auth/tokens, password method only.
func (e *Emulator) issueToken(c *call) response {
	var req iamRequest
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	id := req.Auth.Identity
	if !slices.Contains(id.Methods, "password") || id.Password == nil {
		return iamError(http.StatusBadRequest, "only the password method is supported: auth.identity.methods must contain \"password\" and auth.identity.password must be set")
	}
	u := id.Password.User
	if u.Name == "" || u.Password == "" {
		return iamError(http.StatusBadRequest, "auth.identity.password.user.name and .password are required")
	}
	if !e.validUser(u.Name, u.Password, u.Domain.Name) {
		return iamError(http.StatusUnauthorized, "The username or password is wrong.")
	}
	var scoped project
	domainScope := false
	if s := req.Auth.Scope; s != nil {
		switch {
		case s.Project != nil && s.Domain != nil:
			return iamError(http.StatusBadRequest, "auth.scope names both a project and a domain; name one")
		case s.Project != nil:
			var ok bool
			if s.Project.ID != "" {
				scoped, ok = e.projectByID(s.Project.ID)
			} else {
				scoped, ok = e.projectByName(s.Project.Name)
			}
			if !ok {
				return iamError(http.StatusUnauthorized, fmt.Sprintf("the project in auth.scope does not exist (known IDs: %s)", strings.Join(e.projectIDs(), ", ")))
			}
		case s.Domain != nil:
			// A user can scope a token to the account it belongs to
			// only: the domain named in its password identity.
			d := s.Domain
			if (d.ID == "" && d.Name == "") || (d.Name != "" && d.Name != u.Domain.Name) || (d.ID != "" && d.ID != DomainIDOf(u.Domain.Name)) {
				return iamError(http.StatusUnauthorized, "the domain in auth.scope is not the user's domain")
			}
			domainScope = true
		}
	}
	tok := newToken()
	issued := c.now
	expires := issued.Add(e.cfg.TokenTTL)
	e.tokens[tok] = issuedToken{projectID: scoped.id, domain: domainScope, expires: expires}

	const iamTime = "2006-01-02T15:04:05.000000Z07:00"
	body := map[string]any{
		"expires_at": expires.UTC().Format(iamTime),
		"issued_at":  issued.UTC().Format(iamTime),
		"methods":    []string{"password"},
		"user": map[string]any{
			"name":   u.Name,
			"id":     shortHash("user:" + u.Name),
			"domain": map[string]string{"name": u.Domain.Name, "id": DomainIDOf(u.Domain.Name)},
		},
		"catalog": []any{},
	}
	switch {
	case scoped.id != "":
		body["project"] = map[string]any{"id": scoped.id, "name": scoped.name}
	case domainScope:
		body["domain"] = map[string]any{"id": DomainIDOf(u.Domain.Name), "name": u.Domain.Name}
	}
	resp := jsonResponse(http.StatusCreated, map[string]any{"token": body})
	resp.setHeader("X-Subject-Token", tok)
	return resp
}

func (e *Emulator) validUser(name, password, domain string) bool {
	for _, u := range e.cfg.Users {
		if u.Name != name || (u.Domain != "" && u.Domain != domain) {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1 {
			return true
		}
	}
	return false
}

// iamError carries both error shapes seen from IAM (the Keystone-style
// "error" object and Huawei's error_code/error_msg) so either decoder works.
func iamError(status int, msg string) response {
	return jsonResponse(status, map[string]any{
		"error_code": codeIAMAuth,
		"error_msg":  msg,
		"error": map[string]any{
			"code":    status,
			"message": msg,
			"title":   http.StatusText(status),
		},
	})
}
