// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
)

// Error codes. Those named in the API notes carry their documented meaning;
// the others are the emulator's own choice (the public reference does not
// say which code the real service uses there) and are marked so.
const (
	codeBadRequest       = "DBS.200001" // emulator's choice: any invalid parameter or body
	codeBusy             = "DBS.200019" // documented: another operation is running (409)
	codeInstanceNotFound = "DBS.201028" // documented: instance does not exist (404)
	codeProxyNotFound    = "DBS.270024" // documented: proxy does not exist (400)
	codeJobNotFound      = "DBS.200543" // documented: job does not exist (yet)
	codeProxyQuota       = "DBS.280343" // emulator's choice: too many proxies on the instance
	codeNoBalanceRoute   = "DBS.280455" // emulator's choice (a stand-in): kernel without load balancing
	codeInternal         = "DBS.200000" // emulator's choice: generic server error
	codeAuth             = "APIG.0301"  // documented: bad token or signature
	codeForbiddenProject = "APIG.0302"  // emulator's choice: credentials not valid for this project
	codeThrottled        = "APIG.0308"  // documented: throttled
	codeNoSuchAPI        = "APIG.0101"  // gateway: unknown API
	codeBackend          = "APIG.0201"  // gateway: backend unavailable (502/503)
	codeIAMAuth          = "IAM.0101"   // emulator's choice: bad IAM credentials
)

// Error codes of refusals that depend on the account or the kernel, which a
// client may want to recognise. Both are stand-ins: the public reference
// names no code for them.
const (
	// ErrorCodeNotWhitelisted (HTTP 403) refuses a feature the account is
	// not whitelisted for (Config.NotWhitelisted).
	ErrorCodeNotWhitelisted = "DBS.280454"
	// ErrorCodeNoSessionPool (HTTP 400) refuses connection_pool_type
	// SESSION on a kernel without it (Config.NoSessionConnectionPool).
	ErrorCodeNoSessionPool = "DBS.280456"
)

// response is a complete answer, built under the lock and written after it,
// so that an "After" fault can discard it.
type response struct {
	status      int
	body        []byte
	contentType string
	header      http.Header
}

func (r *response) setHeader(k, v string) {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(k, v)
}

// send commits the status to the request log, then writes the response.
func (r response) send(w http.ResponseWriter, commit func(status int)) {
	commit(r.status)
	r.write(w)
}

func (r response) write(w http.ResponseWriter) {
	for k, vs := range r.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	ct := r.contentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

func jsonResponse(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		// Only emulator-built values reach here; failing loudly beats
		// sending a half-written body that looks like a client bug.
		panic(fmt.Sprintf("emulator: encoding response: %v", err))
	}
	return response{status: status, body: b}
}

type errorBody struct {
	Code    string `json:"error_code"`
	Message string `json:"error_msg"`
}

func apiError(status int, code, format string, args ...any) response {
	return jsonResponse(status, errorBody{Code: code, Message: fmt.Sprintf(format, args...)})
}

func badRequest(format string, args ...any) response {
	return apiError(http.StatusBadRequest, codeBadRequest, format, args...)
}

// decode parses a JSON body into v. An empty body counts as {} so that
// calls whose fields are all optional (DELETE without proxy_ids) work.
func decode(body []byte, v any) *response {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		r := badRequest("the request body is not valid JSON for this call: %v", err)
		return &r
	}
	return nil
}

// flexInt accepts a JSON number or a string holding an integer. Weights are
// typed inconsistently across the reference's request examples, so the
// emulator accepts both rather than fail a client on an undocumented detail.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexInt(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("expected an integer, got %s", b)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("expected an integer, got %q", s)
	}
	*f = flexInt(n)
	return nil
}

// flexBool accepts a JSON bool or the strings "true" and "false". The SDK
// types some switches as strings (session_consistence, bind) and others as
// bools (ssl_option, open_access_control), and the public reference
// provider sends session_consistence as a bool, so the emulator takes both
// forms rather than fail a client on that detail.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v bool
	if err := json.Unmarshal(b, &v); err == nil {
		*f = flexBool(v)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil || (s != "true" && s != "false") {
		// An UnmarshalTypeError gets the field's name from the decoder.
		return &json.UnmarshalTypeError{Value: string(b) + ` (want true or false, as a bool or a string)`, Type: reflect.TypeFor[bool]()}
	}
	*f = s == "true"
	return nil
}
