// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Request is one entry of the request log. Secrets never reach it: headers
// are not kept, and IAM passwords are replaced in Body.
type Request struct {
	Method    string
	Path      string
	RawQuery  string
	Body      []byte
	Status    int // 0 when the connection was dropped or the client gave up
	RequestID string
	At        time.Time // by Config.Now
	Fault     string    // the fault applied, e.g. "throttle" or "drop-connection (after)"
	// Listener is the listener that got the request: ListenerMain,
	// ListenerIAM, ListenerMetadata or ListenerVPC.
	Listener string
	// CredentialHeaders names the credential headers the request carried
	// (of Authorization, X-Auth-Token and X-Security-Token, in that order),
	// never their values, so a test can prove which host got credentials.
	CredentialHeaders []string
}

// credentialNames are the headers that carry credentials.
var credentialNames = []string{"Authorization", "X-Auth-Token", "X-Security-Token"}

func credentialHeaders(h http.Header) []string {
	var out []string
	for _, name := range credentialNames {
		if _, ok := h[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// Requests returns a copy of the request log, oldest first.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Request, len(e.requests))
	for i, r := range e.requests {
		r.Body = append([]byte(nil), r.Body...)
		r.CredentialHeaders = append([]string(nil), r.CredentialHeaders...)
		out[i] = r
	}
	return out
}

func (e *Emulator) record(r Request, took time.Duration) {
	e.mu.Lock()
	e.requests = append(e.requests, r)
	e.mu.Unlock()

	if e.cfg.Log == nil {
		return
	}
	target := r.Path
	if r.RawQuery != "" {
		target += "?" + r.RawQuery
	}
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "---"
	}
	line := fmt.Sprintf("%s %s %s %s req=%s %s", r.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"), r.Method, target, status, r.RequestID, took.Round(time.Microsecond))
	// Bodies of mutating proxy calls are short and say what was asked
	// (proxy_ids of a DELETE, above all); IAM bodies never reach here
	// unredacted.
	if r.Method != http.MethodGet && len(r.Body) > 0 && len(r.Body) <= 256 && r.Path != iamTokensPath {
		line += " body=" + string(r.Body)
	}
	if r.Fault != "" {
		line += " fault=" + strings.ReplaceAll(r.Fault, " ", "")
	}
	if r.Listener != ListenerMain {
		line += " listener=" + r.Listener
	}
	e.logLine(line)
}

func (e *Emulator) logLine(line string) {
	if e.cfg.Log == nil {
		return
	}
	e.logMu.Lock()
	defer e.logMu.Unlock()
	fmt.Fprintln(e.cfg.Log, line)
}

// redactBody hides IAM passwords before a body enters the request log. Only
// the IAM call carries secrets in its body.
func redactBody(path string, body []byte) []byte {
	if path != iamTokensPath || len(body) == 0 {
		return append([]byte(nil), body...)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []byte(`"(unparsable IAM body, withheld)"`)
	}
	redactPasswords(v)
	b, _ := json.Marshal(v)
	return b
}

func redactPasswords(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if _, isString := x.(string); isString && strings.EqualFold(k, "password") {
				t[k] = "REDACTED"
				continue
			}
			redactPasswords(x)
		}
	case []any:
		for _, x := range t {
			redactPasswords(x)
		}
	}
}
