// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Identifier shapes follow the API reference: 32 lowercase hex characters
// plus a type suffix, and UUIDs for jobs.

// randomHex32 returns 32 random lowercase hex characters.
func randomHex32() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

func newInstanceID() string     { return randomHex32() + "in07" }
func newNodeID() string         { return randomHex32() + "no07" }
func newPoolID() string         { return randomHex32() + "po01" }
func newProxyNodeID() string    { return randomHex32() + "pn01" }
func newRequestID() string      { return randomHex32() }
func newUUID() string           { return formatUUID(randomBytes(16)) }
func newToken() string          { return "MII" + base64.RawURLEncoding.EncodeToString(randomBytes(96)) }
func shortHash(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:16]) }

// NewInstanceID returns a random instance ID of the documented shape.
func NewInstanceID() string { return newInstanceID() }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// formatUUID renders 16 bytes as a version 4 UUID.
func formatUUID(b []byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// stableUUID derives a UUID from a name, so that listings (flavor IDs) are
// the same on every run.
func stableUUID(name string) string {
	h := sha256.Sum256([]byte(name))
	return formatUUID(h[:16])
}

// validInstanceID reports whether s has the documented instance ID shape.
func validInstanceID(s string) bool {
	if len(s) != 36 || s[32:] != "in07" {
		return false
	}
	for _, c := range s[:32] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ValidInstanceID reports whether s looks like an instance ID (32 lowercase
// hex characters + "in07").
func ValidInstanceID(s string) bool { return validInstanceID(s) }
