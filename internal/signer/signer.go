// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package signer implements Huawei Cloud's SDK-HMAC-SHA256 request signing.
//
// It is a package of its own, with no dependency on the API client, because
// two sides need the same canonical form: the client signs requests and the
// emulator verifies them. Both are checked against the published test vector
// in signer_test.go, so a shared mistake cannot hide.
package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const (
	// Algorithm is the scheme name in the Authorization header.
	Algorithm = "SDK-HMAC-SHA256"
	// HeaderDate carries the signing time; it is always signed.
	HeaderDate = "X-Sdk-Date"
	// DateFormat is the layout of HeaderDate.
	DateFormat = "20060102T150405Z"
)

// Credentials are an access key pair. SecretKey never leaves this package in
// any form except the HMAC it keys.
type Credentials struct {
	AccessKey string
	SecretKey string
}

// Sign adds X-Sdk-Date (when absent) and Authorization to req. body must be
// the exact bytes that will be sent. Every header already on the request,
// plus Host, is signed, so callers set the headers they want covered first.
func Sign(req *http.Request, body []byte, creds Credentials, now time.Time) {
	if req.Header.Get(HeaderDate) == "" {
		req.Header.Set(HeaderDate, now.UTC().Format(DateFormat))
	}
	names := signedHeaderNames(req)
	sig := Signature(req, body, names, creds.SecretKey)
	req.Header.Set("Authorization", Algorithm+" Access="+creds.AccessKey+", SignedHeaders="+strings.Join(names, ";")+", Signature="+sig)
}

// Signature computes the hex signature of req over the given lower-case
// header names. It is exported for the emulator, which recomputes it from the
// SignedHeaders list a client sent.
func Signature(req *http.Request, body []byte, signedHeaders []string, secretKey string) string {
	cr := CanonicalRequest(req, body, signedHeaders)
	sts := StringToSign(cr, req.Header.Get(HeaderDate))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

// StringToSign joins the algorithm, the signing date and the hash of the
// canonical request.
func StringToSign(canonicalRequest, date string) string {
	h := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + date + "\n" + hex.EncodeToString(h[:])
}

// CanonicalRequest builds the canonical form that is hashed and signed.
func CanonicalRequest(req *http.Request, body []byte, signedHeaders []string) string {
	bodyHash := sha256.Sum256(body)
	return strings.Join([]string{
		req.Method,
		canonicalURI(req.URL),
		canonicalQuery(req.URL),
		canonicalHeaders(req, signedHeaders),
		strings.Join(signedHeaders, ";"),
		hex.EncodeToString(bodyHash[:]),
	}, "\n")
}

func signedHeaderNames(req *http.Request) []string {
	names := []string{"host"}
	for k := range req.Header {
		lk := strings.ToLower(k)
		if lk == "authorization" || lk == "host" {
			continue
		}
		names = append(names, lk)
	}
	sort.Strings(names)
	return names
}

func headerValue(req *http.Request, name string) string {
	if name == "host" {
		if req.Host != "" {
			return req.Host
		}
		return req.URL.Host
	}
	return strings.Join(req.Header.Values(name), ",")
}

func canonicalURI(u *url.URL) string {
	path := u.EscapedPath()
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	out := strings.Join(segs, "/")
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out
}

func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

func canonicalHeaders(req *http.Request, names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(headerValue(req, n)))
		b.WriteByte('\n')
	}
	return b.String()
}

// escape percent-encodes everything except A-Z a-z 0-9 _ - ~ . as the
// algorithm requires; url.QueryEscape differs (it keeps nothing else either,
// but turns spaces into '+').
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// ParseAuthorization splits an SDK-HMAC-SHA256 Authorization header into its
// access key, signed header names and signature. ok is false when the header
// is not of that form.
func ParseAuthorization(h string) (access string, signedHeaders []string, signature string, ok bool) {
	rest, found := strings.CutPrefix(h, Algorithm+" ")
	if !found {
		return "", nil, "", false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, "", false
		}
		switch k {
		case "Access":
			access = v
		case "SignedHeaders":
			signedHeaders = strings.Split(v, ";")
		case "Signature":
			signature = v
		}
	}
	return access, signedHeaders, signature, access != "" && signature != "" && len(signedHeaders) > 0
}
