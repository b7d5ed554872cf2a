// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package taurusdb is a typed client for the TaurusDB (GaussDB for MySQL)
// proxy API. It knows nothing about Terraform: the provider turns plans into
// the request structs here and the answers back into state.
package taurusdb

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config holds everything New needs. Endpoint, ProjectID and Auth are required.
type Config struct {
	// Endpoint is scheme://host[:port], without /v3.
	Endpoint string
	// VPCEndpoint is the VPC service's scheme://host[:port], for the
	// elastic public IP lookup (FindPublicIP); optional.
	VPCEndpoint string
	ProjectID   string
	Auth        Authenticator
	// Language is sent as X-Language (en-us or zh-cn) when set.
	Language string
	// MaxRetries bounds retries of one call after throttling, server errors
	// and connection errors; the operation's context deadline bounds them too.
	MaxRetries int
	// Insecure allows plain http to non-loopback hosts and skips TLS
	// verification.
	Insecure   bool
	UserAgent  string
	HTTPClient *http.Client
	Logger     Logger
	Clock      Clock
	// Backoff is the first retry delay; it doubles per attempt up to
	// MaxBackoff, with jitter. Defaults 1s and 20s.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// BusyRetryInterval is how often a call refused because the instance is
	// busy is tried again; default 5s.
	BusyRetryInterval time.Duration
	// JobSchedule decides when WaitJob polls; default NewAdaptiveSchedule().
	JobSchedule func() Schedule
	// JobGrace is how long DBS.200543 (job not yet queryable) counts as
	// "still starting"; default 30s.
	JobGrace time.Duration
	// LostAnswerWindow is how long a caller watches the proxy list for a
	// proxy created by a POST whose answer was lost, before sending it
	// again; LostAnswerPoll is the interval. Defaults 15s and 2s.
	LostAnswerWindow time.Duration
	LostAnswerPoll   time.Duration
	// DeleteBatchWindow is how long a Delete waits for Deletes of other
	// proxies of the same instance to join it in one call; default
	// DefaultDeleteBatchWindow, negative for no batching.
	DeleteBatchWindow time.Duration
	// ListCacheTTL is how long one proxy list serves refreshes (ReadProxy);
	// default DefaultListCacheTTL, negative to list for every refresh.
	ListCacheTTL time.Duration
}

// Client calls the TaurusDB API. It is safe for concurrent use.
type Client struct {
	cfg      Config
	base     string // endpoint + /v3/{project_id}
	vpcBase  string // VPC endpoint + /v1/{project_id}; "" without one
	hc       *http.Client
	log      Logger
	clock    Clock
	locksMu  sync.Mutex
	locks    map[string]chan struct{}
	jitterMu sync.Mutex
	rng      *rand.Rand
	batches  deleteBatcher
	lists    listCoalescer
}

const maxBusyRetriesWithoutDeadline = 60

// DefaultMaxRetries matches the default of the provider users migrate from.
const DefaultMaxRetries = 5

// New checks the configuration and builds a client.
func New(cfg Config) (*Client, error) {
	ep, err := ValidateEndpoint(cfg.Endpoint, cfg.Insecure)
	if err != nil {
		return nil, err
	}
	if cfg.ProjectID == "" {
		return nil, errors.New("project_id is empty; set project_id (or HW_PROJECT_ID)")
	}
	vpcBase := ""
	if cfg.VPCEndpoint != "" {
		vep, err := ValidateEndpoint(cfg.VPCEndpoint, cfg.Insecure)
		if err != nil {
			return nil, fmt.Errorf("VPC endpoint: %w", err)
		}
		vpcBase = vep + "/v1/" + url.PathEscape(cfg.ProjectID)
	}
	if cfg.Auth == nil {
		return nil, errors.New("no credentials configured")
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	if cfg.BusyRetryInterval <= 0 {
		cfg.BusyRetryInterval = 5 * time.Second
	}
	if cfg.JobGrace <= 0 {
		cfg.JobGrace = 30 * time.Second
	}
	if cfg.LostAnswerWindow <= 0 {
		cfg.LostAnswerWindow = 15 * time.Second
	}
	if cfg.LostAnswerPoll <= 0 {
		cfg.LostAnswerPoll = 2 * time.Second
	}
	if cfg.ListCacheTTL == 0 {
		cfg.ListCacheTTL = DefaultListCacheTTL
	}
	if cfg.DeleteBatchWindow == 0 {
		cfg.DeleteBatchWindow = DefaultDeleteBatchWindow
	}
	if cfg.JobSchedule == nil {
		cfg.JobSchedule = func() Schedule { return NewAdaptiveSchedule() }
	}
	c := &Client{
		cfg:     cfg,
		base:    ep + "/v3/" + url.PathEscape(cfg.ProjectID),
		vpcBase: vpcBase,
		hc:      cfg.HTTPClient,
		log:     cfg.Logger,
		clock:   cfg.Clock,
		locks:   map[string]chan struct{}{},
		rng:     rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x7a75)), //nolint:gosec // jitter, not security
	}
	if c.hc == nil {
		c.hc = NewHTTPClient(cfg.Insecure)
	}
	c.hc = withoutRedirects(c.hc)
	if c.log == nil {
		c.log = nopLogger{}
	}
	if c.clock == nil {
		c.clock = RealClock{}
	}
	return c, nil
}

// NewHTTPClient returns the transport the provider uses: TLS verification on
// unless insecure, and bounded connection set-up so a dead endpoint fails
// fast enough to be retried.
func NewHTTPClient(insecure bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()                                        //nolint:forcetypeassert // the standard library's documented type
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // only when the user sets insecure = true
	tr.ResponseHeaderTimeout = 60 * time.Second
	tr.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return withoutRedirects(&http.Client{Transport: tr})
}

// RedirectError is a redirect the client refused to follow. It is an
// endpoint problem, not a passing one: the call is not sent again.
type RedirectError struct {
	Status int
	// Endpoint is the host that answered with the redirect; Target the
	// host it pointed to.
	Endpoint string
	Target   string
	Location string
	// RequestID is the redirect answer's X-Request-Id.
	RequestID string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the endpoint %s answered HTTP %d redirecting to host %s (%q); the TaurusDB API never redirects, so the request was not sent there "+
		"(it would carry the credentials to another host) and is not retried. Check the provider's endpoint and region%s", e.Endpoint, e.Status, e.Target, e.Location, requestIDSuffix(e.RequestID))
}

func requestIDSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " (X-Request-Id " + id + ")"
}

// withoutRedirects returns a copy of hc that follows no redirect. Go strips
// only Authorization and cookies when it follows one, so X-Auth-Token and
// X-Security-Token would reach the target, and a 307/308 would re-send an
// IAM login with its password to any host. The API never redirects.
func withoutRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		status, requestID := 0, ""
		if req.Response != nil {
			status, requestID = req.Response.StatusCode, req.Response.Header.Get("X-Request-Id")
		}
		endpoint := ""
		if len(via) > 0 {
			endpoint = via[0].URL.Host
		}
		return &RedirectError{Status: status, Endpoint: endpoint, Target: req.URL.Host, Location: req.URL.Redacted(), RequestID: requestID}
	}
	return &cp
}

// ProjectID returns the project the client works in.
func (c *Client) ProjectID() string { return c.cfg.ProjectID }

// LockInstance serialises mutating work on one instance inside this process:
// the API runs one job per instance at a time and answers 409 to the rest,
// so a parallel destroy of several proxies on one instance would otherwise
// race itself. The returned func releases the lock.
func (c *Client) LockInstance(ctx context.Context, instanceID string) (func(), error) {
	c.locksMu.Lock()
	ch, ok := c.locks[instanceID]
	if !ok {
		ch = make(chan struct{}, 1)
		c.locks[instanceID] = ch
	}
	c.locksMu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { c.changedInstance(instanceID); <-ch }, nil
	case <-ctx.Done():
		return nil, &LockWaitError{InstanceID: instanceID, Err: ctx.Err()}
	}
}

// LockWaitError is a context that ended while waiting for other operations
// of this process on the instance: the call it guarded was never sent.
type LockWaitError struct {
	InstanceID string
	Err        error
}

func (e *LockWaitError) Error() string {
	return fmt.Sprintf("waiting for other operations of this provider on instance %s: %v", e.InstanceID, e.Err)
}

func (e *LockWaitError) Unwrap() error { return e.Err }

// service is the API a call goes to. Each has its own endpoint and path
// prefix; everything else (retries, errors, logging) is shared.
type service int

const (
	// serviceTaurusDB is {endpoint}/v3/{project_id}: the zero value, so
	// every call that names no service goes there.
	serviceTaurusDB service = iota
	// serviceVPC is {vpc endpoint}/v1/{project_id}.
	serviceVPC
)

// base returns the URL prefix of s, and the path part of it for messages.
func (c *Client) serviceBase(s service) (string, string) {
	switch s {
	case serviceVPC:
		return c.vpcBase, "/v1/" + c.cfg.ProjectID
	case serviceTaurusDB:
	}
	return c.base, "/v3/" + c.cfg.ProjectID
}

// fullPath is the call's path with its service's prefix, for logs.
func (c *Client) fullPath(cl call) string {
	_, prefix := c.serviceBase(cl.service)
	return prefix + cl.path
}

// name is the service's name in errors and logs; "" for TaurusDB, whose
// messages predate the others.
func (s service) name() string {
	if s == serviceVPC {
		return "VPC"
	}
	return ""
}

// call describes one API request.
type call struct {
	service service
	method  string
	path    string // below the service's prefix (/v3/{project_id})
	query   url.Values
	in      any
	out     any
	// retryBusy makes "instance busy" answers wait and try again until the
	// context ends; set for mutating calls, whose refusal means nothing ran.
	retryBusy bool
	// notIdempotent marks a non-POST call that must not be replayed after
	// an answer that may hide success (a delta, like removing N nodes).
	notIdempotent bool
}

func (c *Client) do(ctx context.Context, cl call) error {
	var payload []byte
	if cl.in != nil {
		var err error
		if payload, err = json.Marshal(cl.in); err != nil {
			return fmt.Errorf("encoding %s %s: %w", cl.method, cl.path, err)
		}
	}
	if cl.method != http.MethodGet {
		// Before and after: no refresh is served a list read while this
		// call was on its way.
		c.changed(cl.path)
		defer c.changed(cl.path)
	}
	idempotent := cl.method != http.MethodPost && !cl.notIdempotent
	attempt, throttled, busy := 0, 0, 0
	// prev is the answer that made the loop retry. When the operation's
	// timeout or a Ctrl-C ends the loop, it is kept next to the context
	// error: "context deadline exceeded" alone would hide the error_code
	// and X-Request-Id of what the user was waiting out.
	var prev error
	for {
		err := c.once(ctx, cl, payload)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return withPrevious(err, prev)
		}
		var wait time.Duration
		reason := ""
		switch {
		case IsAuth(err):
			// Never retried: repeated bad signatures lock the key. A
			// cached IAM token may have been revoked, though: drop it so
			// the next operation asks IAM for a fresh one.
			if inv, ok := c.cfg.Auth.(interface{ Invalidate() }); ok {
				inv.Invalidate()
			}
			return err
		case cl.retryBusy && IsBusy(err):
			// Bounded by the operation's timeout; the count only guards
			// callers that pass a context without a deadline.
			busy++
			if _, ok := ctx.Deadline(); !ok && busy > maxBusyRetriesWithoutDeadline {
				return err
			}
			wait, reason = c.cfg.BusyRetryInterval, "instance busy with another operation"
		case IsThrottled(err):
			// Throttling is the gateway refusing before the API runs
			// anything, so even a POST is safe to send again. It gets its
			// own, larger budget: being throttled says nothing about the
			// request itself.
			throttled++
			if throttled > 4*c.cfg.MaxRetries+4 {
				return fmt.Errorf("still throttled after %d tries: %w", throttled, err)
			}
			wait, reason = c.backoff(throttled), "throttled"
			if ra := retryAfter(err); ra > 0 {
				wait = ra
			}
		case retryable(err, idempotent):
			attempt++
			if attempt > c.cfg.MaxRetries {
				if c.cfg.MaxRetries > 0 {
					return fmt.Errorf("giving up after %d retries (max_retries): %w", c.cfg.MaxRetries, err)
				}
				return err
			}
			wait, reason = c.backoff(attempt), "transient failure"
		default:
			return err
		}
		if dl, ok := ctx.Deadline(); ok && c.clock.Now().Add(wait).After(dl) {
			return fmt.Errorf("not retrying (%s): the operation's timeout ends before the next try: %w", reason, err)
		}
		c.log.Warn(ctx, "retrying TaurusDB API call", map[string]any{
			"method": cl.method, "path": c.fullPath(cl), "reason": reason, "wait": wait.String(),
			"error": err.Error(), "request_id": RequestID(err),
		})
		if serr := c.clock.Sleep(ctx, wait); serr != nil {
			return withPrevious(serr, err)
		}
		prev = err
	}
}

// withPrevious adds the answer being retried to the error that ended a
// retry loop (the context's). Only the error that ended the call is
// unwrapped, so errors.Is/As and MayHaveSucceeded judge it (a request cut
// off in flight may have succeeded); the previous answer stays in the
// message and in Previous, for Classify: a timeout that cut off the retries
// of a busy instance means the operation most likely never started.
func withPrevious(err, prev error) error {
	if prev == nil {
		return err
	}
	return &retryEndedError{err: err, prev: prev}
}

// retryEndedError is the error that ended a retry loop, with the answer
// being retried.
type retryEndedError struct {
	err, prev error
}

func (e *retryEndedError) Error() string {
	return fmt.Sprintf("%v (while retrying after: %v)", e.err, e.prev)
}

func (e *retryEndedError) Unwrap() error { return e.err }

// Previous is the answer the loop was retrying when it ended.
func (e *retryEndedError) Previous() error { return e.prev }

// retriedAnswer returns the answer a retry loop was retrying when err
// ended it, if any.
func retriedAnswer(err error) error {
	var r *retryEndedError
	if errors.As(err, &r) {
		return r.prev
	}
	return nil
}

// notSentError is a failure before the request left this process.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// retryAfterError carries a Retry-After header value next to an APIError.
type retryAfterError struct {
	*APIError
	after time.Duration
}

func (e *retryAfterError) Unwrap() error { return e.APIError }

func retryAfter(err error) time.Duration {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return ra.after
	}
	return 0
}

// retryable says whether a failed call may be sent again as it is. Server
// errors, unusable bodies and broken connections are, for idempotent calls;
// for POST only failures where the request cannot have reached the API.
func retryable(err error, idempotent bool) bool {
	var re *RedirectError
	if errors.As(err, &re) {
		// The same endpoint answers the same way: fail at once.
		return false
	}
	var ns *notSentError
	if errors.As(err, &ns) {
		return retryable(ns.err, true)
	}
	if e, ok := asAPIError(err); ok {
		return idempotent && e.Status >= 500
	}
	var de *DecodeError
	if errors.As(err, &de) {
		// A field of the wrong type will be just as wrong next time: fail
		// at once instead of retrying. A truncated or garbled body may be
		// a passing fault of something in between.
		return idempotent && !de.permanent
	}
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Op == "dial" {
		return true
	}
	var ue *url.Error
	return idempotent && errors.As(err, &ue)
}

// MayHaveSucceeded reports whether a failed call might still have been
// carried out by the API: a server error, a dropped connection or an
// unreadable answer after the request was sent. Callers of non-idempotent
// calls must look before they try again.
func MayHaveSucceeded(err error) bool {
	if err == nil {
		return true
	}
	var ns *notSentError
	var re *RedirectError
	if errors.As(err, &ns) || errors.As(err, &re) {
		// Not sent, or answered with a redirect by something that did
		// not act on it.
		return false
	}
	if e, ok := asAPIError(err); ok {
		return e.Status >= 500
	}
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Op == "dial" {
		return false
	}
	var de *DecodeError
	var ue *url.Error
	return errors.As(err, &de) || errors.As(err, &ue)
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.Backoff << min(attempt-1, 16)
	if d > c.cfg.MaxBackoff || d <= 0 {
		d = c.cfg.MaxBackoff
	}
	// Equal jitter: half fixed, half random, so many resources retrying at
	// once spread out but none retries immediately.
	c.jitterMu.Lock()
	j := time.Duration(c.rng.Int64N(int64(d/2) + 1))
	c.jitterMu.Unlock()
	return d/2 + j
}

func (c *Client) once(ctx context.Context, cl call, payload []byte) error {
	base, prefix := c.serviceBase(cl.service)
	u := base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return fmt.Errorf("building %s %s: %w", cl.method, cl.path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if c.cfg.Language != "" {
		req.Header.Set("X-Language", c.cfg.Language)
	}
	if err := c.cfg.Auth.Authenticate(ctx, req, payload); err != nil {
		// Nothing reached the API yet (an IAM token exchange failed, say):
		// safe to retry when transient, and never "may have succeeded".
		return &notSentError{err: err}
	}
	start := c.clock.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log.Debug(ctx, "TaurusDB API call failed", map[string]any{"method": cl.method, "path": prefix + cl.path, "error": err.Error()})
		var re *RedirectError
		if errors.As(err, &re) {
			// Without the url.Error around it, whose "Get <target>"
			// reads as if the request went there.
			return re
		}
		return err
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	requestID := resp.Header.Get("X-Request-Id")
	c.log.Debug(ctx, "TaurusDB API call", map[string]any{
		"method": cl.method, "path": prefix + cl.path, "query": cl.query.Encode(), "status": resp.StatusCode,
		"request_id": requestID, "duration_ms": c.clock.Now().Sub(start).Milliseconds(), "auth": c.cfg.Auth.Mode(),
	})
	if readErr != nil {
		return &DecodeError{Method: cl.method, Path: cl.path, Status: resp.StatusCode, RequestID: requestID, Problem: "reading the body: " + readErr.Error()}
	}
	if resp.StatusCode/100 != 2 {
		apiErr := decodeAPIError(cl.method, prefix+cl.path, resp.StatusCode, requestID, raw)
		apiErr.Host = req.URL.Host
		apiErr.Service = cl.service.name()
		if ra := parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now()); ra > 0 {
			return &retryAfterError{APIError: apiErr, after: ra}
		}
		return apiErr
	}
	if cl.out != nil {
		if err := decodeBody(raw, cl.out); err != nil {
			var te *json.UnmarshalTypeError
			return &DecodeError{Method: cl.method, Path: prefix + cl.path, Status: resp.StatusCode, RequestID: requestID,
				Problem: err.Error(), Body: snippet(raw), permanent: errors.As(err, &te)}
		}
	}
	return nil
}

// requiredFields is implemented by response structs that must carry some
// field; decodeBody reports its absence instead of returning a zero value.
type requiredFields interface {
	missing() string
}

func decodeBody(raw []byte, out any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fmt.Errorf("field %s: got %s where the client expects %s; the API's answer does not match this provider version's model of it: %w", te.Field, te.Value, te.Type, err)
		}
		return fmt.Errorf("not the expected JSON: %w", err)
	}
	if r, ok := out.(requiredFields); ok {
		if m := r.missing(); m != "" {
			return fmt.Errorf("the answer has no %s", m)
		}
	}
	return nil
}

// errorBody is every error shape the official SDK reads: error_code and
// error_msg; code and message (gateways); or either pair one level down, as
// in IAM's {"error": {"code", "message"}}. Codes may be numbers there.
type errorBody struct {
	ErrorCode FlexString `json:"error_code"`
	ErrorMsg  string     `json:"error_msg"`
	Code      FlexString `json:"code"`
	Message   string     `json:"message"`
	Error     *struct {
		ErrorCode FlexString `json:"error_code"`
		ErrorMsg  string     `json:"error_msg"`
		Code      FlexString `json:"code"`
		Message   string     `json:"message"`
	} `json:"error"`
}

// codeAndMessage picks the pair the SDK would: the first shape with both
// a code and a message, else whatever was given.
func (b *errorBody) codeAndMessage() (string, string) {
	pairs := [][2]string{{string(b.ErrorCode), b.ErrorMsg}, {string(b.Code), b.Message}}
	if b.Error != nil {
		pairs = append(pairs, [2]string{string(b.Error.ErrorCode), b.Error.ErrorMsg}, [2]string{string(b.Error.Code), b.Error.Message})
	}
	for _, p := range pairs {
		if p[0] != "" && p[1] != "" {
			return p[0], p[1]
		}
	}
	var code, msg string
	for _, p := range pairs {
		code, msg = firstNonEmpty(code, p[0]), firstNonEmpty(msg, p[1])
	}
	return code, msg
}

// decodeAPIError turns a non-2xx answer into an *APIError, whatever its body.
func decodeAPIError(method, path string, status int, requestID string, raw []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status, RequestID: requestID}
	var b errorBody
	if json.Unmarshal(raw, &b) == nil {
		e.Code, e.Message = b.codeAndMessage()
	}
	if e.Code == "" && e.Message == "" {
		e.Body = snippet(raw)
		if e.Body == "" {
			e.Body = http.StatusText(status)
		}
	}
	return e
}

// maxRetryAfter caps a server's Retry-After: beyond it the operation's own
// timeout is the better judge.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads delay-seconds or an HTTP-date, relative to now. A
// value too large for a Duration (or for an int) is capped rather than
// wrapped around, and anything unreadable gives 0 (use the own backoff).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDigits(v) {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil || s > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter // too many digits for uint64: huge, so capped
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if t.After(now.Add(maxRetryAfter)) {
			return maxRetryAfter
		}
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
