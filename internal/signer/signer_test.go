// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The published vector from the API notes: a GET with two query parameters,
// three signed headers and an empty body.
func vectorRequest(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderDate, "20191115T033655Z")
	return req
}

func TestSignature_publishedVector(t *testing.T) {
	req := vectorRequest(t)
	names := []string{"content-type", "host", "x-sdk-date"}
	cr := CanonicalRequest(req, nil, names)
	h := sha256.Sum256([]byte(cr))
	if got, want := hex.EncodeToString(h[:]), "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"; got != want {
		t.Fatalf("canonical request hash = %s, want %s\ncanonical request:\n%s", got, want, cr)
	}
	if got, want := Signature(req, nil, names, "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"), "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"; got != want {
		t.Fatalf("signature = %s, want %s", got, want)
	}
}

func TestSign_setsAuthorizationMatchingVector(t *testing.T) {
	req := vectorRequest(t)
	Sign(req, nil, Credentials{AccessKey: "QTWAOYTTINDUT2QVKYUC", SecretKey: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"}, time.Now())
	want := "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
	if got := req.Header.Get("Authorization"); got != want {
		t.Fatalf("Authorization = %q, want %q", got, want)
	}
	access, names, sig, ok := ParseAuthorization(req.Header.Get("Authorization"))
	if !ok || access != "QTWAOYTTINDUT2QVKYUC" || strings.Join(names, ";") != "content-type;host;x-sdk-date" || !strings.HasPrefix(sig, "7be666") {
		t.Fatalf("ParseAuthorization round trip failed: %q %v %q %v", access, names, sig, ok)
	}
}

func TestSignature_bodyAndPathChangeIt(t *testing.T) {
	base := vectorRequest(t)
	names := []string{"content-type", "host", "x-sdk-date"}
	s0 := Signature(base, nil, names, "sk")
	if s1 := Signature(base, []byte(`{"proxy_ids":["x"]}`), names, "sk"); s1 == s0 {
		t.Fatal("body does not affect the signature")
	}
	other := vectorRequest(t)
	other.URL.Path = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/subnets"
	if s2 := Signature(other, nil, names, "sk"); s2 == s0 {
		t.Fatal("path does not affect the signature")
	}
}

func TestEscape(t *testing.T) {
	if got := escape("a b/c~d.e_f-g*"); got != "a%20b%2Fc~d.e_f-g%2A" {
		t.Fatalf("escape = %q", got)
	}
}
