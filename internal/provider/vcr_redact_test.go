// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Placeholders that recorded cassettes use instead of real, account-specific
// values. They have the documented shapes, so the provider's validators
// accept them when a cassette is replayed.
const (
	vcrProjectID  = "00000000000000000000000000000000"
	vcrInstanceID = "00000000000000000000000000000000in07"
	vcrInstance   = "vcr-instance" // instance name
	vcrHost       = "taurusdb.vcr.invalid"
	vcrRedacted   = "REDACTED"
)

// vcrSecretHeaders never reach a cassette with their value.
var vcrSecretHeaders = []string{
	"Authorization", "X-Auth-Token", "X-Security-Token", "X-Subject-Token",
	"Cookie", "Set-Cookie", "Proxy-Authorization",
}

// vcrSecretKeys are JSON keys whose values are replaced, at any depth, in
// request and response bodies (IAM bodies carry the password and token).
var vcrSecretKeys = map[string]bool{
	"password": true, "secret": true, "secret_key": true, "access_key": true, "ak": true, "sk": true,
	"security_token": true, "securitytoken": true, "auth_token": true, "token": true, "id_token": true,
	"credential": true, "credentials": true,
}

// redactor turns recorded interactions into what may be committed: no
// credentials, no account-specific IDs, no host, and a fixed shape so that
// re-recording gives a small diff.
type redactor struct {
	// secrets are replaced by REDACTED wherever they appear.
	secrets []string
	// replace maps other real values (project and instance ID, instance
	// name, TAURUSDB_VCR_REDACT entries) to their placeholders.
	replace map[string]string
}

// minSecretLen keeps very short values (which would mangle unrelated text)
// out of the string replacement; header and JSON-key redaction still apply.
const minSecretLen = 4

func (r *redactor) addSecret(s string) {
	if len(s) >= minSecretLen {
		r.secrets = append(r.secrets, s)
	}
}

func (r *redactor) addReplace(value, placeholder string) {
	if len(value) >= minSecretLen && value != placeholder {
		if r.replace == nil {
			r.replace = map[string]string{}
		}
		r.replace[value] = placeholder
	}
}

// learnInstanceName finds the name of instanceID in job answers, so that it
// (and node names derived from it) can be replaced too.
func (r *redactor) learnInstanceName(ints []*cassette.Interaction, instanceID string) {
	for _, i := range ints {
		var j struct {
			Job struct {
				Instance struct{ ID, Name string } `json:"instance"`
			} `json:"job"`
		}
		if json.Unmarshal([]byte(i.Response.Body), &j) == nil && j.Job.Instance.ID == instanceID && j.Job.Instance.Name != "" {
			r.addReplace(j.Job.Instance.Name, vcrInstance)
			return
		}
	}
}

// isIAM reports an IAM call (token exchange): it says nothing about the
// proxy API, and a replay uses a token, so it is dropped.
func isIAM(i *cassette.Interaction) bool {
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return false
	}
	return strings.HasSuffix(u.Path, "/auth/tokens") || strings.HasPrefix(u.Hostname(), "iam.")
}

// hook is a go-vcr BeforeSaveHook: it redacts one interaction in place and
// fails (so nothing is written) if a known secret survived.
func (r *redactor) hook(i *cassette.Interaction) error {
	if isIAM(i) {
		i.DiscardOnSave = true
		return nil
	}
	r.redact(i)
	return r.leak(i)
}

func (r *redactor) redact(i *cassette.Interaction) {
	if u, err := url.Parse(i.Request.URL); err == nil {
		u.Scheme, u.Host, u.User = "https", vcrHost, nil
		i.Request.URL = u.String()
	}
	i.Request.Host = vcrHost
	i.Request.RemoteAddr = ""
	i.Request.Headers = redactHeaders(i.Request.Headers)
	i.Response.Headers = redactHeaders(i.Response.Headers)
	// Volatile values that only make re-recordings noisy.
	i.Response.Headers.Del("Date")
	i.Response.Duration = 0
	i.Request.Body = redactJSON(i.Request.Body)
	i.Response.Body = redactJSON(i.Response.Body)

	// Longest first, so a value containing another is replaced whole.
	type pair struct{ from, to string }
	var pairs []pair
	for _, s := range r.secrets {
		pairs = append(pairs, pair{s, vcrRedacted})
	}
	for from, to := range r.replace {
		pairs = append(pairs, pair{from, to})
	}
	sort.Slice(pairs, func(a, b int) bool {
		if len(pairs[a].from) != len(pairs[b].from) {
			return len(pairs[a].from) > len(pairs[b].from)
		}
		return pairs[a].from < pairs[b].from
	})
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	if len(args) > 0 {
		rp := strings.NewReplacer(args...)
		eachString(i, rp.Replace)
	}
}

// leak fails when a secret or a replaced value is still in the interaction.
func (r *redactor) leak(i *cassette.Interaction) error {
	var found []string
	check := func(s string) string {
		for _, v := range r.secrets {
			if strings.Contains(s, v) {
				found = append(found, "a credential")
			}
		}
		for v := range r.replace {
			if strings.Contains(s, v) {
				found = append(found, fmt.Sprintf("%q", v))
			}
		}
		return s
	}
	eachString(i, check)
	for _, h := range vcrSecretHeaders {
		for _, hs := range []http.Header{i.Request.Headers, i.Response.Headers} {
			if v := hs.Values(h); len(v) > 0 && (len(v) != 1 || v[0] != vcrRedacted) {
				found = append(found, "header "+h)
			}
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("redaction failed for interaction %d (%s %s): still contains %s; the cassette was not written",
			i.ID, i.Request.Method, i.Request.URL, strings.Join(dedupe(found), ", "))
	}
	return nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// eachString applies f to every string of an interaction that could hold
// recorded data, and stores the result.
func eachString(i *cassette.Interaction, f func(string) string) {
	rq, rs := &i.Request, &i.Response
	for _, p := range []*string{&rq.URL, &rq.Host, &rq.RequestURI, &rq.Body, &rs.Body, &rs.Status} {
		*p = f(*p)
	}
	rq.Form = mapValues(rq.Form, f)
	rq.Headers = mapValues(rq.Headers, f)
	rq.Trailer = mapValues(rq.Trailer, f)
	rs.Headers = mapValues(rs.Headers, f)
	rs.Trailer = mapValues(rs.Trailer, f)
}

func mapValues(m map[string][]string, f func(string) string) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, vs := range m {
		nv := make([]string, len(vs))
		for n, v := range vs {
			nv[n] = f(v)
		}
		out[f(k)] = nv
	}
	return out
}

func redactHeaders(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, name := range vcrSecretHeaders {
		if len(out.Values(name)) > 0 {
			out.Set(name, vcrRedacted)
		}
	}
	return out
}

// redactJSON replaces the values of secret keys in a JSON body. A body that
// is not JSON, or has no such key, is returned unchanged (byte for byte).
func redactJSON(body string) string {
	if strings.TrimSpace(body) == "" {
		return body
	}
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return body
	}
	if !redactValue(v) {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return vcrRedacted
	}
	return string(out)
}

func redactValue(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if vcrSecretKeys[strings.ToLower(k)] {
				t[k] = vcrRedacted
				changed = true
				continue
			}
			if redactValue(x) {
				changed = true
			}
		}
	case []any:
		for _, x := range t {
			if redactValue(x) {
				changed = true
			}
		}
	}
	return changed
}
