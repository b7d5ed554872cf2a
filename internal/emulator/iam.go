// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// IAM calls besides the token exchange (auth.go): listing projects, which
// clients use to turn a region name into a project ID, and temporary
// access keys by agency. Both need the caller's credentials but no
// project: IAM takes an AK/SK signature without X-Project-Id, a temporary
// AK/SK with its security token, or a token scoped to a project or to the
// account (domain).

// credentialTime is the format of expires_at in IAM's and the metadata
// service's credential objects ("2020-01-08T02:56:19.587000Z" in IAM's
// reference). It ends in a literal Z because the SDK's metadata accessor
// parses it with the layout 2006-01-02T15:04:05Z (core/auth/internal/
// model.go), which accepts the fraction but not another zone.
const credentialTime = "2006-01-02T15:04:05.000000Z"

// Durations of temporary access keys by agency: the SDK's
// IdentityAssumerole says 15 minutes to 24 hours, 15 minutes by default.
const (
	minAgencyDuration     = 15 * time.Minute
	maxAgencyDuration     = 24 * time.Hour
	defaultAgencyDuration = 15 * time.Minute
)

// temporaryKey is a temporary AK/SK with its security token.
type temporaryKey struct {
	secret, securityToken string
	expires               time.Time
}

// newTemporaryKey issues a temporary AK/SK valid for ttl from now, and
// returns the credential object IAM and the metadata service answer with.
func (e *Emulator) newTemporaryKey(now time.Time, ttl time.Duration) map[string]string {
	// Shapes of real temporary keys: a 20-character upper-case AK, a
	// 40-character SK and a long opaque token.
	access := strings.ToUpper(randomHex32()[:20])
	secret := randomHex32() + randomHex32()[:8]
	token := newToken()
	expires := now.Add(ttl)
	e.temporary[access] = temporaryKey{secret: secret, securityToken: token, expires: expires}
	return map[string]string{
		"access":        access,
		"secret":        secret,
		"securitytoken": token,
		"expires_at":    expires.UTC().Format(credentialTime),
	}
}

// TemporaryKeys is how many temporary access keys IAM and the metadata
// service have handed out so far (a test can prove a refresh happened).
func (e *Emulator) TemporaryKeys() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.temporary)
}

// IssuedSecrets lists every secret of the temporary keys handed out so
// far (access key, secret key and security token of each), so that a test
// can look for them in logs; the values are the emulator's own inventions.
func (e *Emulator) IssuedSecrets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for access, k := range e.temporary {
		out = append(out, access, k.secret, k.securityToken)
	}
	return out
}

// authenticateIAM checks the credentials of an IAM call: those a project
// API takes, without the project, and a token scoped to the account too.
// Unscoped tokens cannot call these APIs.
func (e *Emulator) authenticateIAM(c *call, now time.Time) *response {
	scope, fail := e.authenticate(c, now)
	if fail != nil {
		return fail
	}
	if scope == unscoped {
		r := iamError(http.StatusForbidden, "an unscoped token cannot call this API; scope it to a project or to the domain")
		return &r
	}
	return nil
}

// listProjects is GET /v3/projects (KeystoneListProjects): the account's
// projects, filtered by name, domain_id, parent_id and enabled as IAM
// does. A name nobody has gives an empty list, not a 404.
func (e *Emulator) listProjects(c *call) response {
	self := "https://iam.myhuaweicloud.com/v3/projects"
	if c.req.URL.RawQuery != "" {
		self += "?" + c.req.URL.RawQuery
	}
	projects := []map[string]any{}
	for _, p := range e.projects {
		row := map[string]any{
			"id":          p.id,
			"name":        p.name,
			"domain_id":   e.DomainID(),
			"parent_id":   e.parentOf(p),
			"enabled":     true,
			"is_domain":   false,
			"description": "",
			"links":       map[string]any{"self": "https://iam.myhuaweicloud.com/v3/projects/" + p.id},
		}
		if !queryMatches(c.query, "name", p.name) || !queryMatches(c.query, "domain_id", e.DomainID()) ||
			!queryMatches(c.query, "parent_id", e.parentOf(p)) || !queryMatches(c.query, "enabled", "true") ||
			!queryMatches(c.query, "is_domain", "false") {
			continue
		}
		projects = append(projects, row)
	}
	// IAM sends previous and next as null on a single page.
	resp := jsonResponse(http.StatusOK, map[string]any{
		"projects": projects,
		"links":    map[string]any{"self": self, "previous": nil, "next": nil},
	})
	resp.setHeader("X-IAM-Trace-Id", c.reqID)
	return resp
}

// queryMatches reports whether the query leaves key unset or sets it to v.
func queryMatches(q url.Values, key, v string) bool {
	got, ok := q[key]
	return !ok || len(got) == 0 || got[0] == v
}

// agencyRequest is the SDK's CreateTemporaryAccessKeyByAgencyRequestBody
// (AgencyAuth, AgencyAuthIdentity, IdentityAssumerole).
type agencyRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string  `json:"agency_name"`
				DomainID        *string `json:"domain_id"`
				DomainName      *string `json:"domain_name"`
				DurationSeconds *int64  `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

// createTemporaryKey is POST /v3.0/OS-CREDENTIAL/securitytokens with the
// assume_role method (CreateTemporaryAccessKeyByAgency): a temporary AK/SK
// of the agency, for duration_seconds. The agency must be one of
// Config.Agencies, named with its domain's name or ID (at least one, as
// the SDK says; both must fit when both are sent). The keys act on the
// emulator's projects like the permanent ones (the emulator has one set
// of resources, whoever delegates).
func (e *Emulator) createTemporaryKey(c *call) response {
	var req agencyRequest
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	id := req.Auth.Identity
	ar := id.AssumeRole
	switch {
	case !slices.Contains(id.Methods, "assume_role") || ar == nil:
		return iamError(http.StatusBadRequest, `only the assume_role method is supported: auth.identity.methods must contain "assume_role" and auth.identity.assume_role must be set`)
	case ar.AgencyName == "":
		return iamError(http.StatusBadRequest, "auth.identity.assume_role.agency_name is required")
	case (ar.DomainID == nil || *ar.DomainID == "") && (ar.DomainName == nil || *ar.DomainName == ""):
		return iamError(http.StatusBadRequest, "auth.identity.assume_role needs domain_id or domain_name")
	}
	ttl := defaultAgencyDuration
	if ar.DurationSeconds != nil {
		ttl = time.Duration(*ar.DurationSeconds) * time.Second
		if ttl < minAgencyDuration || ttl > maxAgencyDuration {
			return iamError(http.StatusBadRequest, fmt.Sprintf("auth.identity.assume_role.duration_seconds %d is out of range (%d to %d)", *ar.DurationSeconds, int(minAgencyDuration.Seconds()), int(maxAgencyDuration.Seconds())))
		}
	}
	if !e.knownAgency(ar.AgencyName, ar.DomainID, ar.DomainName) {
		return iamError(http.StatusForbidden, fmt.Sprintf("the agency %q does not exist in that domain, or the caller may not assume it", ar.AgencyName))
	}
	return jsonResponse(http.StatusCreated, map[string]any{"credential": e.newTemporaryKey(c.now, ttl)})
}

func (e *Emulator) knownAgency(name string, domainID, domainName *string) bool {
	for _, a := range e.cfg.Agencies {
		aid := a.DomainID
		if aid == "" {
			aid = DomainIDOf(a.DomainName)
		}
		if a.Name != name ||
			(domainID != nil && *domainID != "" && *domainID != aid) ||
			(domainName != nil && *domainName != "" && *domainName != a.DomainName) {
			continue
		}
		return true
	}
	return false
}
