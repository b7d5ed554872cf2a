// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind names a scripted failure.
type FaultKind string

// Fault kinds. The string values are also the kind names of the CLI's
// -fault flag (see ParseFault).
const (
	// FaultThrottle answers 429 APIG.0308, with Retry-After when RetryAfter > 0.
	FaultThrottle FaultKind = "throttle"
	// FaultServerError answers Status (500, 502 or 503; default 500) with a JSON error.
	FaultServerError FaultKind = "server-error"
	// FaultHTMLBadGateway answers 502 with an HTML page, like a load balancer.
	FaultHTMLBadGateway FaultKind = "html-bad-gateway"
	// FaultMalformedJSON answers 200 with a truncated JSON body.
	FaultMalformedJSON FaultKind = "malformed-json"
	// FaultNoJobID answers 200 {}.
	FaultNoJobID FaultKind = "no-job-id"
	// FaultLatency waits Latency, then handles the request normally; it
	// gives up as soon as the client does.
	FaultLatency FaultKind = "latency"
	// FaultDropConnection closes the TCP connection without an answer.
	FaultDropConnection FaultKind = "drop-connection"
	// FaultJobFails lets the call succeed but its job ends Failed with
	// FailReason, and the operation is rolled back.
	FaultJobFails FaultKind = "job-fails"
	// FaultJobHangs lets the call succeed but its job stays Running (see
	// Emulator.FinishJob to release it).
	FaultJobHangs FaultKind = "job-hangs"
	// FaultBusy answers 409 DBS.200019 without doing anything. Code gives
	// another busy code: the real cloud also answers DBS.201015,
	// DBS.05000084 and DBS.212033 in 409s while the instance is changing.
	FaultBusy FaultKind = "busy"
	// FaultError answers Status (default 500) with Code and Message.
	FaultError FaultKind = "error"
	// FaultGatewayNotFound answers 404 as an API gateway with no route for
	// the path does (Kong's {"message":"no Route matched with those
	// values"}): a 404 that says nothing about the proxy.
	FaultGatewayNotFound FaultKind = "gateway-not-found"
)

var faultKinds = []FaultKind{FaultThrottle, FaultServerError, FaultHTMLBadGateway, FaultMalformedJSON, FaultNoJobID, FaultLatency, FaultDropConnection, FaultJobFails, FaultJobHangs, FaultBusy, FaultError, FaultGatewayNotFound}

// Fault is a scripted failure.
//
// Matching: Method ("" = any) is compared case-insensitively. PathSuffix
// ("" = any) matches when the request's real path after /v3/{project_id}, or
// its route pattern (e.g. /instances/{instance_id}/proxy/{proxy_id}/rename),
// ends with it. So "/proxy" matches POST and DELETE .../instances/{id}/proxy
// but not .../proxy/{id}/rename, and "/rename" or
// "/proxy/{proxy_id}/rename" match the rename call. The instance detail
// (GET /instances/{instance_id}) is matched by "/instances/{instance_id}",
// or by the instance ID itself, the end of its real path. For IAM the path
// is the full /v3/auth/tokens. Only requests that passed authentication count;
// rejected ones (401, 403, 404 unknown API, 429 rate limit) do not.
//
// Firing: each fault counts the requests it matches, from 1. With Calls, it
// fires at those call numbers; otherwise with Times > 0 on the next Times
// matching calls; otherwise on every matching call. When several faults fire
// on one request, the earliest injected wins; the others still count the
// call but do not use up their Times.
type Fault struct {
	Method     string
	PathSuffix string
	Calls      []int
	Times      int
	// After processes the request for real first and then answers with the
	// fault instead (the ambiguous failure: the proxy was created but the
	// client saw a 502 or a dropped connection). For FaultLatency it waits
	// after processing, before answering.
	After bool

	Kind       FaultKind
	Status     int
	Code       string
	Message    string
	RetryAfter int // seconds, for FaultThrottle
	Latency    time.Duration
	FailReason string // for FaultJobFails
}

type faultState struct {
	f     Fault
	seen  int
	fired int
}

// Inject adds a scripted fault.
func (e *Emulator) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultState{f: f})
}

// ClearFaults removes every scripted fault. Jobs already made to fail or
// hang keep doing so.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

func (f *Fault) matches(method, relPath, pattern string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	return f.PathSuffix == "" || strings.HasSuffix(relPath, f.PathSuffix) || strings.HasSuffix(pattern, f.PathSuffix)
}

// pickFault counts the request against every matching fault and returns a
// copy of the one to apply, if any. Called under the lock.
func (e *Emulator) pickFault(method, relPath, pattern string) *Fault {
	var chosen *Fault
	for _, s := range e.faults {
		if !s.f.matches(method, relPath, pattern) {
			continue
		}
		s.seen++
		var fire bool
		switch {
		case len(s.f.Calls) > 0:
			fire = slices.Contains(s.f.Calls, s.seen)
		case s.f.Times > 0:
			fire = s.fired < s.f.Times
		default:
			fire = true
		}
		if fire && chosen == nil {
			s.fired++
			f := s.f
			chosen = &f
		}
	}
	return chosen
}

func (f *Fault) describe() string {
	if f.After {
		return string(f.Kind) + " (after)"
	}
	return string(f.Kind)
}

// applyFault acts out a fault and reports whether the exchange is over (an
// answer was sent, the connection dropped, or the client left). commit
// records the status for the request log: 0 when nothing was answered.
// FaultLatency returns false after its wait, so the caller answers normally.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, commit func(int)) bool {
	switch f.Kind {
	case FaultLatency:
		if err := e.sleep(r.Context(), f.Latency); err != nil {
			if r.Context().Err() != nil {
				commit(0) // the client gave up; nobody to answer
				return true
			}
			apiError(http.StatusServiceUnavailable, codeBackend, "the emulator is shutting down").send(w, commit)
			return true
		}
		return false
	case FaultDropConnection:
		commit(0)
		dropConnection(w)
		return true
	default:
		faultResponse(f).send(w, commit)
		return true
	}
}

// sleep waits d, or less if ctx ends or the emulator closes.
func (e *Emulator) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-e.closed:
		return fmt.Errorf("emulator closed")
	}
}

// dropConnection closes the client's TCP connection without a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2, a recorder): aborting the handler makes
		// net/http reset the stream or close the connection instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// faultResponse is the answer for the kinds that answer.
func faultResponse(f *Fault) response {
	msg := func(def string) string {
		if f.Message != "" {
			return f.Message
		}
		return def
	}
	code := func(def string) string {
		if f.Code != "" {
			return f.Code
		}
		return def
	}
	switch f.Kind {
	case FaultThrottle:
		r := apiError(http.StatusTooManyRequests, code(codeThrottled), "%s", msg("The throttling threshold has been reached: policy user over ratelimit"))
		if f.RetryAfter > 0 {
			r.setHeader("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		return r
	case FaultServerError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		def := codeInternal
		if status != http.StatusInternalServerError {
			def = codeBackend
		}
		return apiError(status, code(def), "%s", msg(http.StatusText(status)+" (injected by the emulator)"))
	case FaultHTMLBadGateway:
		return response{
			status:      http.StatusBadGateway,
			contentType: "text/html",
			body:        []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"),
		}
	case FaultMalformedJSON:
		return response{status: http.StatusOK, body: []byte(`{"job_id": `)}
	case FaultNoJobID:
		return response{status: http.StatusOK, body: []byte(`{}`)}
	case FaultGatewayNotFound:
		return response{status: http.StatusNotFound, contentType: "application/json", body: []byte(`{"message":"no Route matched with those values"}`)}
	case FaultBusy:
		return apiError(http.StatusConflict, code(codeBusy), "%s", msg("The instance is busy: another operation is running. Try again later. (injected by the emulator)"))
	default: // FaultError, and anything unknown
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		return apiError(status, code(codeInternal), "%s", msg("error injected by the emulator"))
	}
}

// ParseFault parses the compact fault syntax of the CLI's -fault flag:
// comma-separated key=value pairs, e.g.
//
//	method=DELETE,path=/proxy,calls=1+3,kind=throttle,retry-after=1
//
// Keys: method, path (suffix, see Fault), calls (call numbers joined by
// '+'), times, after (bare or =true/false), kind, status, code, message,
// retry-after (seconds), latency (Go duration, e.g. 1.5s), fail-reason.
// Values cannot contain commas. kind is required.
func ParseFault(spec string) (Fault, error) {
	var f Fault
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, hasValue := strings.Cut(part, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		var err error
		switch k {
		case "method":
			f.Method = strings.ToUpper(v)
		case "path":
			f.PathSuffix = v
		case "calls":
			for c := range strings.SplitSeq(v, "+") {
				n, cerr := strconv.Atoi(c)
				if cerr != nil || n < 1 {
					return Fault{}, fmt.Errorf("fault %q: calls wants call numbers from 1 joined by '+', got %q", spec, v)
				}
				f.Calls = append(f.Calls, n)
			}
		case "times":
			f.Times, err = strconv.Atoi(v)
		case "after":
			f.After = true
			if hasValue {
				f.After, err = strconv.ParseBool(v)
			}
		case "kind":
			f.Kind = FaultKind(strings.ToLower(v))
			if !slices.Contains(faultKinds, f.Kind) {
				return Fault{}, fmt.Errorf("fault %q: unknown kind %q (known: %s)", spec, v, kindList())
			}
		case "status":
			f.Status, err = strconv.Atoi(v)
		case "code":
			f.Code = v
		case "message":
			f.Message = v
		case "retry-after":
			f.RetryAfter, err = strconv.Atoi(v)
		case "latency":
			f.Latency, err = time.ParseDuration(v)
		case "fail-reason":
			f.FailReason = v
		default:
			return Fault{}, fmt.Errorf("fault %q: unknown key %q", spec, k)
		}
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: bad value for %s: %w", spec, k, err)
		}
	}
	if f.Kind == "" {
		return Fault{}, fmt.Errorf("fault %q: kind is required (one of %s)", spec, kindList())
	}
	if f.Kind == FaultLatency && f.Latency <= 0 {
		return Fault{}, fmt.Errorf("fault %q: kind=latency needs latency=<duration>", spec)
	}
	if f.Kind == FaultServerError && f.Status != 0 && f.Status != 500 && f.Status != 502 && f.Status != 503 {
		return Fault{}, fmt.Errorf("fault %q: kind=server-error takes status 500, 502 or 503", spec)
	}
	return f, nil
}

func kindList() string {
	names := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
