// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx answer from the API (or from the gateway or a load
// balancer in front of it). It keeps everything a person needs to act on it
// or to open a support case: the call, the HTTP status, the error_code,
// error_msg and the X-Request-Id.
type APIError struct {
	Method string
	// Host is the host the call went to, so an answer from a wrong
	// endpoint says where it came from.
	Host      string
	Path      string
	Status    int
	Code      string
	Message   string
	RequestID string
	// Body holds the start of a body that was not the documented JSON
	// error shape (an HTML page from a gateway, say).
	Body string
	// Service names the API when it is not TaurusDB's ("IAM", "VPC"), so
	// its 404s are not read as news about a proxy.
	Service string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Code == "" && e.Message == "" && e.Body != "" {
		b.WriteString(": unexpected non-JSON answer: " + e.Body)
	}
	if e.RequestID != "" {
		b.WriteString(" (X-Request-Id " + e.RequestID + ")")
	}
	where := e.Path
	if e.Host != "" {
		where = e.Host + e.Path
	}
	if e.Status == http.StatusNotFound && e.Service != "" && e.Code == "" {
		fmt.Fprintf(&b, "; a 404 without an error code came from whatever answers at %s (a wrong %s endpoint or path prefix). "+
			"Check the provider's %s endpoint and region", where, e.Service, e.Service)
	}
	if e.Status == http.StatusNotFound && e.Service == "" && !notFoundCodes[e.Code] {
		fmt.Fprintf(&b, "; this 404 carries no TaurusDB not-found code, so it says nothing about the proxy: "+
			"it came from whatever answers at %s (a gateway without that route, or a wrong endpoint or path prefix). "+
			"Check the provider's endpoint and region", where)
	}
	return b.String()
}

// DecodeError is a 2xx answer whose body could not be read as the documented
// JSON: truncated, not JSON, or missing a field the operation needs.
type DecodeError struct {
	Method    string
	Path      string
	Status    int
	RequestID string
	Problem   string
	Body      string
	// permanent marks a body that is JSON but has a field of the wrong
	// type: sending the call again gets the same answer.
	permanent bool
}

func (e *DecodeError) Error() string {
	s := fmt.Sprintf("%s %s: HTTP %d with an unusable body: %s", e.Method, e.Path, e.Status, e.Problem)
	if e.Body != "" {
		s += fmt.Sprintf(" (body starts %q)", e.Body)
	}
	if e.RequestID != "" {
		s += " (X-Request-Id " + e.RequestID + ")"
	}
	return s
}

// Error codes whose meaning changes what the provider does. The API notes list
// them; they are grouped here so no caller compares strings itself.
var (
	notFoundCodes = map[string]bool{
		"DBS.201028": true, // instance does not exist (documented 404, seen as 400)
		"DBS.270024": true, // proxy does not exist
		// Undocumented; the provider users migrate from tries to map it to
		// not found, and it has been seen on a DELETE of a proxy that was
		// still listed. A hint like the others, and no more.
		"DBS.200932": true,
	}
	busyCodes = map[string]bool{
		"DBS.200011": true, "DBS.200019": true, "DBS.200047": true,
		"DBS.201202": true, "DBS.212006": true, "DBS.200086": true,
		"DBS.201014": true, "DBS.280406": true,
	}
	// busyIn409Codes are busy only in a 409 answer. The provider users
	// migrate from (huaweicloud/terraform-provider-huaweicloud) added them to
	// its retry list after real-cloud runs, and retries them only when the
	// answer is a 409 Conflict; their meaning is documented nowhere we can
	// read. With another status the same code may be a plain refusal
	// (a bad request, a missing resource), and treating it as busy would
	// hide that refusal behind a wait for the whole timeout, so it is
	// reported at once instead.
	busyIn409Codes = map[string]bool{
		"DBS.201015": true, "DBS.05000084": true, "DBS.212033": true,
	}
)

const (
	codeInstanceNotFound = "DBS.201028"
	codeJobNotQueryable  = "DBS.200543"
	codeThrottled        = "APIG.0308"
)

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// ErrInstanceNotFound is returned (wrapped) by the proxy list when the
// instance is gone: the list answered a not-found code and the instance
// detail, asked next, answered one too.
var ErrInstanceNotFound = errors.New("instance does not exist")

// IsNotFound reports whether err says the proxy is gone, as a read
// confirmed it: the proxy list has no live proxy with that ID
// (ErrProxyNotFound), or the instance itself is gone (ErrInstanceNotFound).
// An error code alone never counts: DBS.200932 has been seen on a DELETE of
// a proxy that was still listed, and a 404 without a documented code (a
// gateway with no route, an empty body from a load balancer, a wrong
// endpoint) says nothing about the proxy at all. Taking either for "gone"
// would make a destroy report success while the proxy keeps running, and a
// refresh drop a billed proxy from state.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrProxyNotFound) || errors.Is(err, ErrInstanceNotFound)
}

// HasNotFoundCode reports whether err carries one of the codes that say the
// instance or proxy may not exist. It is a reason to look at the proxy
// list (Client.ConfirmGone), or to word advice, never a verdict (see
// IsNotFound).
func HasNotFoundCode(err error) bool {
	e, ok := asAPIError(err)
	return ok && notFoundCodes[e.Code]
}

// IsBusy reports whether err says another operation is running on the
// instance, so the same call may succeed later: a busyCodes code in any
// answer, or a busyIn409Codes code in a 409.
func IsBusy(err error) bool {
	e, ok := asAPIError(err)
	return ok && (busyCodes[e.Code] || e.Status == http.StatusConflict && busyIn409Codes[e.Code])
}

// IsJobNotQueryable reports DBS.200543: a job that was just created and is
// not visible to the job API yet (or a job that truly does not exist).
func IsJobNotQueryable(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.Code == codeJobNotQueryable
}

// IsThrottled reports a rate-limit answer from the gateway.
func IsThrottled(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.Status == http.StatusTooManyRequests || e.Code == codeThrottled)
}

// IsAuth reports an authentication or authorisation failure. These are never
// retried: five bad AK/SK signatures in a row lock the key for five minutes.
func IsAuth(err error) bool {
	e, ok := asAPIError(err)
	return ok && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Code == "APIG.0301")
}

// RequestID returns the X-Request-Id carried by err, if any.
func RequestID(err error) string {
	if e, ok := asAPIError(err); ok {
		return e.RequestID
	}
	var d *DecodeError
	if errors.As(err, &d) {
		return d.RequestID
	}
	var r *RedirectError
	if errors.As(err, &r) {
		return r.RequestID
	}
	return ""
}

// JobFailedError is returned by WaitJob when the job ended Failed.
type JobFailedError struct {
	Job *Job
}

func (e *JobFailedError) Error() string {
	reason := e.Job.FailReason
	if reason == "" {
		reason = "the API gave no fail_reason"
	}
	return fmt.Sprintf("job %s (%s) on instance %s failed: %s", e.Job.ID, e.Job.Name, e.Job.Instance.ID, reason)
}

// JobTimeoutError is returned by WaitJob when its context ends before the job
// does. The job may still finish on the server.
type JobTimeoutError struct {
	JobID      string
	LastStatus string
	Process    string
	Cause      error
}

func (e *JobTimeoutError) Error() string {
	last := e.LastStatus
	if last == "" {
		last = "not yet queryable"
	}
	if e.Process != "" {
		last += " " + e.Process
	}
	what := "timed out"
	if errors.Is(e.Cause, context.Canceled) {
		what = "was cancelled"
	}
	return fmt.Sprintf("waiting for job %s %s (last status: %s)", e.JobID, what, last)
}

func (e *JobTimeoutError) Unwrap() error { return e.Cause }

// DeleteNotDoneError is a delete that ended without removing the proxy:
// its job completed, or the API answered ambiguously, and the proxy list
// shows it ACTIVE again instead of being disabled. Waiting longer would not
// make it go.
type DeleteNotDoneError struct {
	InstanceID string
	ProxyID    string
	JobID      string
	// Status is the proxy's status in the list.
	Status string
	// Cause is the answer or job failure that came first, if any.
	Cause error
}

func (e *DeleteNotDoneError) Error() string {
	s := fmt.Sprintf("the delete of proxy %s on instance %s did not happen: the proxy list shows it %s", e.ProxyID, e.InstanceID, e.Status)
	if e.JobID != "" {
		s += fmt.Sprintf(" after job %s", e.JobID)
	}
	if e.Cause != nil {
		s += fmt.Sprintf(" (%v)", e.Cause)
	}
	return s
}

func (e *DeleteNotDoneError) Unwrap() error { return e.Cause }

// Kind is what an error means for the person who must act on it. Every
// "what to do next" message of the provider reads it, so each error is
// classified once, here, in one order.
type Kind int

// The kinds, in the order Classify tries them.
const (
	// KindOther is none of the below: fix the cause in the message.
	KindOther Kind = iota
	// KindGone: a read confirmed the proxy or its instance is gone.
	KindGone
	// KindNotDone: a delete ended with the proxy ACTIVE again.
	KindNotDone
	// KindJobFailed: the operation's job ended Failed; fail_reason says why.
	KindJobFailed
	// KindLockWait: other operations of this provider held the instance
	// until the timeout, so the call was never sent.
	KindLockWait
	// KindAuth: the credentials were refused; never retried.
	KindAuth
	// KindLostAnswer: the call may have been carried out although its
	// answer was lost; it was not sent again.
	KindLostAnswer
	// KindBusy: the instance stayed busy with another operation until the
	// timeout, so the operation most likely never started.
	KindBusy
	// KindThrottled: the gateway kept throttling until the retries ran out.
	KindThrottled
	// KindCancelled: an interrupt (Ctrl-C) ended a wait; the operation may
	// still finish on the server.
	KindCancelled
	// KindTimedOut: the operation's timeout ended a wait; the operation
	// may still finish on the server.
	KindTimedOut
	// KindNotFoundCode: an answer carried a not-found code that no read
	// confirmed (see IsNotFound).
	KindNotFoundCode
	// KindRefused: the API refused the request (a 4xx none of the above).
	KindRefused
)

// Classify returns the kind of err.
func Classify(err error) Kind {
	var notDone *DeleteNotDoneError
	var failed *JobFailedError
	var lock *LockWaitError
	var maybe *MaybeStartedError
	var jobTimeout *JobTimeoutError
	var versionWait *VersionWaitError
	switch {
	case err == nil:
		return KindOther
	case IsNotFound(err):
		return KindGone
	case errors.As(err, &notDone):
		return KindNotDone
	case errors.As(err, &failed):
		return KindJobFailed
	case errors.As(err, &lock):
		return KindLockWait
	case IsAuth(err):
		return KindAuth
	case errors.As(err, &maybe):
		return KindLostAnswer
	case IsBusy(err), IsBusy(retriedAnswer(err)) && errors.Is(err, context.DeadlineExceeded):
		// Before the timeout: a busy instance that outlasts the timeout
		// means the operation most likely never started, whether the
		// timeout came between two tries or cut one off.
		return KindBusy
	case IsThrottled(err):
		return KindThrottled
	case errors.Is(err, context.Canceled):
		return KindCancelled
	case errors.As(err, &jobTimeout), errors.As(err, &versionWait), errors.Is(err, context.DeadlineExceeded):
		return KindTimedOut
	case HasNotFoundCode(err):
		return KindNotFoundCode
	}
	if e, ok := asAPIError(err); ok && e.Status >= 400 && e.Status < 500 {
		return KindRefused
	}
	return KindOther
}
