// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"
)

// The ECS metadata service (http://169.254.169.254 on a real ECS; the
// metadata listener here) hands the server's agency credentials to
// programs on it, without authentication: only the server can reach it.
// The SDK's core/auth/internal/metadata_accessor.go first asks for a
// session token (PUT /meta-data/latest/api/token with
// X-Metadata-Token-Ttl-Seconds; a 404, 405 or 503 there means "no token
// support" and it goes on without one), then reads the security key with
// X-Metadata-Token if it has a token. A 401 that does not say "Please
// configure Cloud Service Agency first" makes it fetch a new token and try
// once more. The emulator answers all of that.

const (
	metadataTokenPath = "/meta-data/latest/api/token" //nolint:gosec // G101: a route path, not a credential
	securityKeyPath   = "/openstack/latest/securitykey"
	// noAgencyMessage is what the SDK's accessor looks for in a 401 to
	// tell "no agency" from "token expired".
	noAgencyMessage = "Please configure Cloud Service Agency first"
	// maxMetadataTokenTTL bounds X-Metadata-Token-Ttl-Seconds (the SDK
	// asks for 6 hours).
	maxMetadataTokenTTL = 6 * time.Hour
)

// issueMetadataToken is PUT /meta-data/latest/api/token: a session token
// in a text/plain body, valid for X-Metadata-Token-Ttl-Seconds.
func (e *Emulator) issueMetadataToken(c *call) response {
	if e.cfg.NotECS {
		return notECS()
	}
	ttl := maxMetadataTokenTTL
	if v := c.req.Header.Get("X-Metadata-Token-Ttl-Seconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || time.Duration(n)*time.Second > maxMetadataTokenTTL {
			return response{status: http.StatusBadRequest, contentType: "text/plain", body: []byte("X-Metadata-Token-Ttl-Seconds must be 1 to 21600")}
		}
		ttl = time.Duration(n) * time.Second
	}
	tok := randomHex32()
	e.metaTokens[tok] = c.now.Add(ttl)
	return response{status: http.StatusOK, contentType: "text/plain", body: []byte(tok)}
}

// securityKey is GET /openstack/latest/securitykey: new temporary
// credentials of the server's agency, valid for
// Config.MetadataCredentialTTL.
func (e *Emulator) securityKey(c *call) response {
	if e.cfg.NotECS {
		return notECS()
	}
	tok := c.req.Header.Get("X-Metadata-Token")
	if tok != "" || e.cfg.MetadataRequireToken {
		if !e.validMetadataToken(tok, c.now) {
			return response{status: http.StatusUnauthorized, contentType: "text/plain", body: []byte("X-Metadata-Token is missing, not valid or expired")}
		}
	}
	if e.cfg.MetadataNoAgency {
		return response{status: http.StatusUnauthorized, contentType: "text/plain", body: []byte(noAgencyMessage)}
	}
	return jsonResponse(http.StatusOK, map[string]any{"credential": e.newTemporaryKey(c.now, e.cfg.MetadataCredentialTTL)})
}

func (e *Emulator) validMetadataToken(tok string, now time.Time) bool {
	for known, expires := range e.metaTokens {
		if subtle.ConstantTimeCompare([]byte(known), []byte(tok)) == 1 {
			return now.Before(expires)
		}
	}
	return false
}

func notECS() response {
	return response{status: http.StatusNotFound, contentType: "text/plain", body: []byte("404 Not Found: this host is not an ECS (Config.NotECS)")}
}
